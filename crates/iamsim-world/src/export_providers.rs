//! The identity providers of an exported account (10.3). `get-account-authorization-details`
//! holds none, so the export adds, per account, what the IAM CLI prints:
//!
//! - `oidc-providers.json`: `aws iam list-open-id-connect-providers`
//!   (`{"OpenIDConnectProviderList": [{"Arn": ...}]}`), and for each provider listed,
//!   `oidc-providers/<HOST with / as _>.json`: `aws iam get-open-id-connect-provider`
//!   (`{"Url", "ClientIDList", "ThumbprintList", "CreateDate", "Tags"}`);
//! - `saml-providers.json`: `aws iam list-saml-providers`
//!   (`{"SAMLProviderList": [{"Arn", "ValidUntil", "CreateDate"}]}`).
//!
//! A listed OIDC provider without its `get-open-id-connect-provider` output is refused: its
//! audiences decide which tokens AWS accepts, and the import does not guess them.

use super::{err, list, str_field, ImportError, Importer};
use crate::federated::{oidc_host_problem, saml_name_problem};
use iamsim_policy::Code;
use serde_json::{json, Map, Value};
use std::path::Path;

/// The file name of a provider's `get-open-id-connect-provider` output.
pub fn oidc_file_name(host: &str) -> String {
    format!("{}.json", host.replace('/', "_"))
}

/// The provider name after `oidc-provider/` or `saml-provider/` in an ARN of `account`.
fn provider_name<'v>(
    arn: &'v str,
    account: &str,
    kind: &str,
    file: &Path,
) -> Result<&'v str, ImportError> {
    let prefix = format!("arn:aws:iam::{account}:{kind}/");
    match arn.strip_prefix(&prefix) {
        Some(name) => Ok(name),
        None => err(
            Code::ImportUnrecognized,
            file,
            format!("`{arn}` is not a {kind} ARN of account {account}"),
        ),
    }
}

impl Importer<'_> {
    /// The account's `oidc_providers` and `saml_providers`, when the export holds them.
    pub(super) fn providers(
        &mut self,
        id: &str,
        dir: &Path,
        account: &mut Map<String, Value>,
    ) -> Result<(), ImportError> {
        let list_file = dir.join("oidc-providers.json");
        if list_file.is_file() {
            let listed = self.read_json(&list_file)?;
            if !listed
                .get("OpenIDConnectProviderList")
                .is_some_and(Value::is_array)
            {
                return err(
                    Code::ImportUnrecognized,
                    &list_file,
                    "not what `aws iam list-open-id-connect-providers` prints (an object with OpenIDConnectProviderList)",
                );
            }
            let mut providers = Map::new();
            for p in list(&listed, "OpenIDConnectProviderList") {
                let arn = str_field(p, "Arn", &list_file)?;
                let host = provider_name(arn, id, "oidc-provider", &list_file)?;
                if let Some(problem) = oidc_host_problem(host) {
                    return err(Code::ImportInvalidId, &list_file, problem);
                }
                let file = dir.join("oidc-providers").join(oidc_file_name(host));
                if !file.is_file() {
                    return err(
                        Code::ImportIncomplete,
                        &file,
                        format!("missing: `aws iam get-open-id-connect-provider --open-id-connect-provider-arn {arn}` for the audiences it accepts"),
                    );
                }
                let got = self.read_json(&file)?;
                let url = str_field(&got, "Url", &file)?;
                let url = url.strip_prefix("https://").unwrap_or(url);
                if url != host {
                    return err(
                        Code::ImportUnrecognized,
                        &file,
                        format!("its Url `{url}` is not the provider `{host}` it is named for"),
                    );
                }
                let mut audiences = Vec::new();
                for a in list(&got, "ClientIDList") {
                    match a.as_str() {
                        Some(a) => audiences.push(Value::from(a)),
                        None => {
                            return err(
                                Code::ImportUnrecognized,
                                &file,
                                "ClientIDList holds a value that is not a string",
                            )
                        }
                    }
                }
                providers.insert(host.to_string(), json!({ "audiences": audiences }));
            }
            account.insert("oidc_providers".into(), Value::Object(providers));
        }
        let saml_file = dir.join("saml-providers.json");
        if saml_file.is_file() {
            let listed = self.read_json(&saml_file)?;
            if !listed.get("SAMLProviderList").is_some_and(Value::is_array) {
                return err(
                    Code::ImportUnrecognized,
                    &saml_file,
                    "not what `aws iam list-saml-providers` prints (an object with SAMLProviderList)",
                );
            }
            let mut providers = Map::new();
            for p in list(&listed, "SAMLProviderList") {
                let arn = str_field(p, "Arn", &saml_file)?;
                let name = provider_name(arn, id, "saml-provider", &saml_file)?;
                if let Some(problem) = saml_name_problem(name) {
                    return err(Code::ImportInvalidId, &saml_file, problem);
                }
                providers.insert(name.to_string(), json!({}));
            }
            account.insert("saml_providers".into(), Value::Object(providers));
        }
        Ok(())
    }
}

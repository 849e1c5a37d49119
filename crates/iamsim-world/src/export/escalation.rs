//! `iamsim import` for the world facts escalation steps rely on (docs/world-format.md, "What
//! escalation steps need"), as `aws iam get-account-authorization-details` gives them:
//!
//! - the stored versions of a customer managed policy (`Policies[].PolicyVersionList`, each with
//!   `VersionId`, `IsDefaultVersion` and its `Document`, an object or URL-encoded text) become
//!   the account's `policies` entry `{"versions": {...}, "default": "vN"}`, and users, groups and
//!   roles refer to the policy by its ARN;
//! - each role's `InstanceProfileList` becomes the account's `instance_profiles`;
//! - an export does not say whether a user has a console password, so every user's
//!   `login_profile` is written `null` (unknown), never `false`.

use super::{document, err, list, safe, str_field, Entries, ImportError, Importer};
use iamsim_policy::Code;
use serde_json::{json, Map, Value};
use std::path::Path;

/// `v` and a number: the version ids IAM gives (`v1`, `v12`).
fn is_version_id(id: &str) -> bool {
    id.strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit()))
}

impl Importer<'_> {
    /// The account's `policies` entries for customer managed policies stored with more than one
    /// version: the default version is the file [`Importer::managed_policies`] wrote, the others
    /// are written beside it (`NAME.vN.json`), and `managed` then refers to the policy by ARN.
    pub(super) fn policy_versions(
        &mut self,
        details: &Value,
        base: &str,
        managed: &mut Entries,
        file: &Path,
    ) -> Result<Entries, ImportError> {
        let mut out = Map::new();
        for p in list(details, "Policies") {
            let arn = str_field(p, "Arn", file)?;
            let versions = list(p, "PolicyVersionList");
            if arn.starts_with("arn:aws:iam::aws:") || versions.len() < 2 {
                continue;
            }
            let name = str_field(p, "PolicyName", file)?;
            let Some(default_file) = managed.get(arn).cloned() else {
                continue;
            };
            let mut stored = Map::new();
            let mut default = None;
            for v in versions {
                let id = str_field(v, "VersionId", file)?;
                if !is_version_id(id) {
                    return err(
                        Code::ImportInvalidId,
                        file,
                        format!(
                            "policy `{arn}` has a version `{}` that is not an IAM version id",
                            id.chars().take(40).collect::<String>()
                        ),
                    );
                }
                if v.get("IsDefaultVersion").and_then(Value::as_bool) == Some(true) {
                    default = Some(id.to_string());
                    stored.insert(id.to_string(), default_file.clone());
                    continue;
                }
                let what = format!("version {id} of {name}");
                let doc = document(v.get("Document").unwrap_or(&Value::Null), file, &what)?;
                let rel = self.write(
                    &format!("{base}/managed/{}.{}.json", safe(name), safe(id)),
                    &doc,
                )?;
                stored.insert(id.to_string(), Value::from(rel));
            }
            let Some(default) = default else {
                return err(
                    Code::ImportUnrecognized,
                    file,
                    format!("policy `{arn}` has no default version"),
                );
            };
            if out.contains_key(name) {
                return err(
                    Code::ImportUnrecognized,
                    file,
                    format!("two customer managed policies are named `{name}`"),
                );
            }
            out.insert(
                name.to_string(),
                json!({ "versions": stored, "default": default }),
            );
            managed.insert(arn.to_string(), Value::from(arn));
        }
        Ok(out)
    }

    /// The account's `instance_profiles`, from each role's `InstanceProfileList`: the profile
    /// holds the role it is listed under, and any role its own `Roles` names.
    pub(super) fn instance_profiles(
        &self,
        details: &Value,
        file: &Path,
    ) -> Result<Entries, ImportError> {
        let mut profiles: Map<String, Value> = Map::new();
        for r in list(details, "RoleDetailList") {
            let role = str_field(r, "RoleName", file)?;
            for ip in list(r, "InstanceProfileList") {
                let name = str_field(ip, "InstanceProfileName", file)?;
                let mut roles: Vec<String> = vec![role.to_string()];
                for held in list(ip, "Roles") {
                    let held = str_field(held, "RoleName", file)?;
                    if !roles.iter().any(|x| x == held) {
                        roles.push(held.to_string());
                    }
                }
                let entry = profiles
                    .entry(name.to_string())
                    .or_insert_with(|| json!({ "roles": [] }));
                if let Some(list) = entry.get_mut("roles").and_then(Value::as_array_mut) {
                    for role in roles {
                        if !list.iter().any(|x| x.as_str() == Some(&role)) {
                            list.push(Value::from(role));
                        }
                    }
                }
            }
        }
        Ok(profiles)
    }
}

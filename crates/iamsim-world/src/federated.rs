//! Federated callers (rule 10.3): identities of an IAM OIDC provider (GitHub Actions, GitLab, an
//! EKS cluster) or SAML provider, which call `sts:AssumeRoleWithWebIdentity` /
//! `sts:AssumeRoleWithSAML` with a token whose claims are condition keys (`HOST:sub`,
//! `HOST:aud`, `SAML:aud`, ...). Such a caller has no identity policy: the role's trust policy
//! alone decides, and only for a provider that the role's account holds.
//!
//! This module holds the providers of a world (docs/world-format.md) and the caller's name
//! (`federated:PROVIDER_ARN`). When a federated request is refused before any statement is read,
//! how its statements are matched and which claims are open are the engine's to decide.

use crate::load::{field, Loader};
use crate::world::{Account, World};
use iamsim_policy::json::{Json, JsonValue, Member};
use iamsim_policy::{Code, Context, ContextLookup, Source};
use std::sync::Arc;

/// An IAM OIDC identity provider of an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcProvider {
    /// The provider URL without `https://` (`token.actions.githubusercontent.com`,
    /// `oidc.eks.us-east-1.amazonaws.com/id/ID`): the prefix of its claim keys.
    pub host: String,
    /// `arn:aws:iam::ACCOUNT:oidc-provider/HOST`.
    pub arn: String,
    /// The client IDs (audiences) the provider accepts: a token whose `aud` is not one of them
    /// is refused.
    pub audiences: Vec<String>,
}

/// An IAM SAML identity provider of an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SamlProvider {
    /// The provider's name in IAM.
    pub name: String,
    /// `arn:aws:iam::ACCOUNT:saml-provider/NAME`.
    pub arn: String,
}

/// Which kind of provider a federated caller comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProviderKind {
    /// An IAM OIDC provider: `AssumeRoleWithWebIdentity` (10.3).
    Oidc,
    /// An IAM SAML provider: `AssumeRoleWithSAML` (10.3).
    Saml,
    /// A web identity provider STS knows by name, with no IAM provider resource: Cognito
    /// identity pools, Login with Amazon, Facebook, Google (`Federated: "cognito-identity.amazonaws.com"`).
    Named,
}

/// The web identity providers STS accepts by name, with no IAM OIDC provider in the account.
pub const NAMED_PROVIDERS: &[&str] = &[
    "cognito-identity.amazonaws.com",
    "www.amazon.com",
    "graph.facebook.com",
    "accounts.google.com",
];

/// An identity of an IAM identity provider: `federated:arn:aws:iam::ID:oidc-provider/HOST` or
/// `federated:arn:aws:iam::ID:saml-provider/NAME`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Federated {
    /// The account of the provider ARN.
    pub account: String,
    /// The kind of provider.
    pub kind: ProviderKind,
    /// The OIDC host, or the SAML provider's name.
    pub name: String,
}

/// The prefix of a federated principal's name.
pub const PREFIX: &str = "federated:";

impl Federated {
    /// Reads a provider ARN (without the `federated:` prefix).
    pub fn parse(arn: &str) -> Result<Federated, String> {
        let shape = "write `federated:arn:aws:iam::ACCOUNT:oidc-provider/HOST`, `federated:arn:aws:iam::ACCOUNT:saml-provider/NAME`, or a provider STS knows by name (`federated:cognito-identity.amazonaws.com`)";
        if let Some(name) = NAMED_PROVIDERS.iter().find(|n| **n == arn) {
            return Ok(Federated {
                account: String::new(),
                kind: ProviderKind::Named,
                name: (*name).to_string(),
            });
        }
        let parsed =
            iamsim_policy::arn::parse_arn(arn).map_err(|e| format!("{} ({shape})", e.message))?;
        if parsed.partition != "aws" || parsed.service != "iam" || !parsed.region.is_empty() {
            return Err(format!(
                "`{arn}` is not an IAM identity provider ARN: {shape}"
            ));
        }
        if !iamsim_policy::arn::is_account_id(parsed.account) {
            return Err(format!("account id `{}` is not 12 digits", parsed.account));
        }
        let (kind, name) = if let Some(host) = parsed.resource.strip_prefix("oidc-provider/") {
            (ProviderKind::Oidc, host)
        } else if let Some(name) = parsed.resource.strip_prefix("saml-provider/") {
            (ProviderKind::Saml, name)
        } else {
            return Err(format!(
                "`{arn}` is not an IAM identity provider ARN: {shape}"
            ));
        };
        let ok = match kind {
            ProviderKind::Oidc | ProviderKind::Named => oidc_host_problem(name).is_none(),
            ProviderKind::Saml => saml_name_problem(name).is_none(),
        };
        if !ok {
            return Err(format!(
                "`{name}` is not a provider {}: {shape}",
                match kind {
                    ProviderKind::Oidc | ProviderKind::Named => "host",
                    ProviderKind::Saml => "name",
                }
            ));
        }
        Ok(Federated {
            account: parsed.account.to_string(),
            kind,
            name: name.to_string(),
        })
    }

    /// The provider's ARN.
    pub fn provider_arn(&self) -> String {
        provider_arn(&self.account, self.kind, &self.name)
    }

    /// `federated:PROVIDER_ARN`, as who-can and explanations name it.
    pub fn principal_name(&self) -> String {
        format!("{PREFIX}{}", self.provider_arn())
    }

    /// The one STS action an identity of this provider can call.
    pub fn action(&self) -> &'static str {
        match self.kind {
            ProviderKind::Oidc | ProviderKind::Named => "sts:AssumeRoleWithWebIdentity",
            ProviderKind::Saml => "sts:AssumeRoleWithSAML",
        }
    }

    /// The prefix of the claim keys of a token of this provider (`HOST:`, `SAML:`).
    pub fn claim_prefix(&self) -> String {
        match self.kind {
            ProviderKind::Oidc | ProviderKind::Named => format!("{}:", self.name),
            ProviderKind::Saml => "SAML:".to_string(),
        }
    }

    /// The claim that names the identity (`HOST:sub`, `SAML:sub`).
    pub fn sub_key(&self) -> String {
        format!("{}sub", self.claim_prefix())
    }

    /// The claim that names the audience (`HOST:aud`, `SAML:aud`).
    pub fn aud_key(&self) -> String {
        format!("{}aud", self.claim_prefix())
    }

    /// The world's provider this caller names, if its account holds it.
    pub fn oidc<'w>(&self, world: &'w World) -> Option<&'w OidcProvider> {
        match self.kind {
            ProviderKind::Oidc => world.account(&self.account)?.oidc_providers.get(&self.name),
            ProviderKind::Saml | ProviderKind::Named => None,
        }
    }

    /// Whether STS accepts this provider's tokens for a role of `account`: an IAM provider must
    /// be in the role's own account; a provider STS knows by name needs none.
    pub fn usable_in(&self, world: &World, account: &str) -> bool {
        match self.kind {
            ProviderKind::Named => true,
            _ => self.account == account && self.exists(world),
        }
    }

    fn exists(&self, world: &World) -> bool {
        world
            .account(&self.account)
            .is_some_and(|a| match self.kind {
                ProviderKind::Oidc => a.oidc_providers.contains_key(&self.name),
                ProviderKind::Saml => a.saml_providers.contains_key(&self.name),
                ProviderKind::Named => true,
            })
    }

    /// The question's context with what the world fixes about the token: the `aud` claim of an
    /// OIDC provider that accepts exactly one audience (any other is refused).
    pub fn claims_context(&self, world: &World, context: &Context) -> Context {
        let mut out = context.clone();
        let aud = self.aud_key();
        if let Some([only]) = self.oidc(world).map(|p| p.audiences.as_slice()) {
            if context.get(&aud).is_none() {
                out.set(&aud, only.clone());
            }
        }
        out
    }
}

pub(crate) fn provider_arn(account: &str, kind: ProviderKind, name: &str) -> String {
    match kind {
        ProviderKind::Oidc => format!("arn:aws:iam::{account}:oidc-provider/{name}"),
        ProviderKind::Saml => format!("arn:aws:iam::{account}:saml-provider/{name}"),
        ProviderKind::Named => name.to_string(),
    }
}

/// What is wrong with an OIDC provider host as IAM stores it, if anything.
pub(crate) fn oidc_host_problem(host: &str) -> Option<String> {
    if host.is_empty() {
        return Some("the provider host is empty".into());
    }
    if host.contains("://") {
        return Some(format!(
            "`{host}` has a scheme: IAM names an OIDC provider by its URL without `https://`"
        ));
    }
    if host.len() > 255 {
        return Some(format!("`{host}` is longer than 255 characters"));
    }
    let bad = host
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | ':' | '~')));
    if let Some(c) = bad {
        return Some(format!("`{host}` holds `{c}`, which a provider URL cannot"));
    }
    if host.starts_with(['.', '/', '-']) || host.ends_with('/') || host.contains("//") {
        return Some(format!("`{host}` is not a host with an optional path"));
    }
    None
}

/// What is wrong with a SAML provider name, if anything (IAM: 1-128 of `\w._-`).
pub(crate) fn saml_name_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 128 {
        return Some(format!("`{name}` is not 1 to 128 characters"));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .map(|c| {
            format!(
                "`{name}` holds `{c}`; a SAML provider name is letters, digits, `.`, `_` and `-`"
            )
        })
}

/// Reads an account's `oidc_providers` and `saml_providers` (docs/world-format.md).
pub(crate) fn load_providers(
    loader: &mut Loader<'_>,
    src: &Arc<Source>,
    members: &[Member],
    account: &mut Account,
) {
    let id = account.id.clone();
    if let Some(v) = field(members, "oidc_providers") {
        for m in loader.object(src, v, "`oidc_providers`").unwrap_or(&[]) {
            if let Some(p) = oidc_provider(loader, src, &id, m) {
                account.oidc_providers.insert(m.key.clone(), p);
            }
        }
    }
    if let Some(v) = field(members, "saml_providers") {
        for m in loader.object(src, v, "`saml_providers`").unwrap_or(&[]) {
            if let Some(problem) = saml_name_problem(&m.key) {
                loader.error(src, m.key_span, Code::InvalidValue, problem);
                continue;
            }
            let what = format!("SAML provider `{}`", m.key);
            if let Some(fields) = loader.object(src, &m.value, &what) {
                loader.check_fields(src, fields, &[], &what);
            }
            account.saml_providers.insert(
                m.key.clone(),
                SamlProvider {
                    name: m.key.clone(),
                    arn: provider_arn(&id, ProviderKind::Saml, &m.key),
                },
            );
        }
    }
}

fn oidc_provider(
    loader: &mut Loader<'_>,
    src: &Arc<Source>,
    account: &str,
    m: &Member,
) -> Option<OidcProvider> {
    if let Some(problem) = oidc_host_problem(&m.key) {
        let mut d = iamsim_policy::Diagnostic::new(Code::InvalidValue, problem, src, m.key_span);
        if let Some(host) = m.key.split_once("://").map(|(_, h)| h) {
            d = d.with_help(format!("write `{host}`"));
        }
        loader.diagnostics.push(d);
        return None;
    }
    let what = format!("OIDC provider `{}`", m.key);
    let fields = loader.object(src, &m.value, &what)?;
    loader.check_fields(src, fields, &["audiences"], &what);
    let Some(list) = field(fields, "audiences") else {
        loader.error(
            src,
            m.key_span,
            Code::MissingField,
            format!("{what} has no `audiences` (its client IDs, for example `sts.amazonaws.com`)"),
        );
        return None;
    };
    let mut audiences = Vec::new();
    for item in loader.array(src, list, "`audiences`").unwrap_or(&[]) {
        match &item.value {
            JsonValue::String(s) if !s.is_empty() && s.len() <= 255 => {
                if audiences.contains(s) {
                    loader.error(
                        src,
                        item.span,
                        Code::InvalidValue,
                        format!("audience `{s}` is listed twice"),
                    );
                }
                audiences.push(s.clone());
            }
            JsonValue::String(s) => loader.error(
                src,
                item.span,
                Code::InvalidValue,
                format!("audience `{s}` is not 1 to 255 characters"),
            ),
            _ => type_error(loader, src, item),
        }
    }
    Some(OidcProvider {
        host: m.key.clone(),
        arn: provider_arn(account, ProviderKind::Oidc, &m.key),
        audiences,
    })
}

fn type_error(loader: &mut Loader<'_>, src: &Arc<Source>, item: &Json) {
    loader.error(
        src,
        item.span,
        Code::InvalidType,
        format!("an audience must be a string, not {}", item.type_name()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_arns_read_both_ways() {
        let gh = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
        let f = Federated::parse(gh).unwrap();
        assert_eq!(f.kind, ProviderKind::Oidc);
        assert_eq!(f.provider_arn(), gh);
        assert_eq!(f.sub_key(), "token.actions.githubusercontent.com:sub");
        assert_eq!(f.action(), "sts:AssumeRoleWithWebIdentity");
        let eks = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
        let f = Federated::parse(eks).unwrap();
        assert_eq!(
            f.aud_key(),
            "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud"
        );
        let saml =
            Federated::parse("arn:aws:iam::111122223333:saml-provider/ExampleOrgSSOProvider")
                .unwrap();
        assert_eq!(saml.kind, ProviderKind::Saml);
        assert_eq!(saml.aud_key(), "SAML:aud");
        assert_eq!(saml.action(), "sts:AssumeRoleWithSAML");
        // Providers STS knows by name: no IAM provider, no account.
        let cognito = Federated::parse("cognito-identity.amazonaws.com").unwrap();
        assert_eq!(cognito.kind, ProviderKind::Named);
        assert_eq!(cognito.provider_arn(), "cognito-identity.amazonaws.com");
        assert_eq!(cognito.aud_key(), "cognito-identity.amazonaws.com:aud");
        assert_eq!(
            cognito.principal_name(),
            "federated:cognito-identity.amazonaws.com"
        );
        for bad in [
            "example.com",
            "arn:aws:iam::111122223333:role/x",
            "arn:aws:iam::1111:oidc-provider/x",
            "arn:aws:iam::111122223333:oidc-provider/",
            "arn:aws:iam::111122223333:oidc-provider/https://x",
            "arn:aws:iam::111122223333:saml-provider/a b",
            "arn:aws:s3:::b",
            "token.actions.githubusercontent.com",
        ] {
            assert!(Federated::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hosts_and_names_are_checked() {
        assert_eq!(
            oidc_host_problem("token.actions.githubusercontent.com"),
            None
        );
        assert_eq!(
            oidc_host_problem("oidc.eks.us-east-1.amazonaws.com/id/ABC"),
            None
        );
        assert!(oidc_host_problem("https://token.actions.githubusercontent.com").is_some());
        assert!(oidc_host_problem("a b").is_some());
        assert!(oidc_host_problem("x/").is_some());
        assert!(oidc_host_problem("").is_some());
        assert_eq!(saml_name_problem("Okta-Prod_1.x"), None);
        assert!(saml_name_problem("a/b").is_some());
        assert!(saml_name_problem(&"a".repeat(129)).is_some());
    }

    #[test]
    fn providers_load_and_are_validated() {
        let w = crate::world::test_world(
            r#"{"accounts": {"111122223333": {
                "oidc_providers": {"token.actions.githubusercontent.com": {"audiences": ["sts.amazonaws.com"]}},
                "saml_providers": {"Okta": {}}}}}"#,
        );
        let a = &w.accounts["111122223333"];
        assert_eq!(
            a.oidc_providers["token.actions.githubusercontent.com"].audiences,
            vec!["sts.amazonaws.com".to_string()]
        );
        assert_eq!(
            a.saml_providers["Okta"].arn,
            "arn:aws:iam::111122223333:saml-provider/Okta"
        );
        let bad = [
            (
                r#"{"oidc_providers": {"https://x.example.com": {"audiences": []}}}"#,
                Code::InvalidValue,
            ),
            (
                r#"{"oidc_providers": {"x.example.com": {}}}"#,
                Code::MissingField,
            ),
            (
                r#"{"oidc_providers": {"x.example.com": {"audiences": [1]}}}"#,
                Code::InvalidType,
            ),
            (
                r#"{"oidc_providers": {"x.example.com": {"audiences": ["a", "a"]}}}"#,
                Code::InvalidValue,
            ),
            (
                r#"{"oidc_providers": {"x.example.com": {"audience": ["a"]}}}"#,
                Code::UnknownField,
            ),
            (r#"{"oidc_providers": []}"#, Code::InvalidType),
            (r#"{"saml_providers": {"a b": {}}}"#, Code::InvalidValue),
            (
                r#"{"saml_providers": {"Okta": {"x": 1}}}"#,
                Code::UnknownField,
            ),
        ];
        for (account, code) in bad {
            let dir = std::env::temp_dir().join(format!(
                "iamsim-federated-{}-{}",
                std::process::id(),
                code.as_str()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                dir.join("world.json"),
                format!(r#"{{"accounts": {{"111122223333": {account}}}}}"#),
            )
            .unwrap();
            let e = World::load(&dir).unwrap_err();
            let _ = std::fs::remove_dir_all(&dir);
            assert!(
                e.diagnostics.iter().any(|d| d.code == code),
                "{account}: {:?}",
                e.diagnostics
            );
        }
    }
}

//! Facts about identity providers that both the engine and the linter need (rule 10.3): which
//! OIDC providers are public, and how their claim keys are named.

/// OIDC providers whose tokens anyone can obtain (a GitHub or GitLab account and a workflow in
/// any repository, a Google or Amazon login, any Cognito identity pool user, any Terraform Cloud
/// or CircleCI workspace): a trust that does not restrict the token's `sub` lets anyone in. The
/// hosts are the issuer URLs the providers document, without `https://`.
pub const PUBLIC_OIDC_HOSTS: &[&str] = &[
    "token.actions.githubusercontent.com",
    "gitlab.com",
    "app.terraform.io",
    "oidc.circleci.com",
    "accounts.google.com",
    "cognito-identity.amazonaws.com",
    "graph.facebook.com",
    "www.amazon.com",
];

/// Whether tokens of this OIDC provider host can be had by anyone (see [`PUBLIC_OIDC_HOSTS`]).
pub fn is_public_host(host: &str) -> bool {
    PUBLIC_OIDC_HOSTS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(host))
}

/// The claims AWS makes condition keys of for an OIDC provider, as `HOST:CLAIM` (IAM User Guide,
/// web identity keys); for `token.actions.githubusercontent.com` also GitHub's documented custom
/// claims usable through `sub`'s template.
pub const OIDC_CLAIMS: &[&str] = &["aud", "sub", "amr", "oaud", "azp", "id", "email"];

/// The SAML keys AWS puts in an AssumeRoleWithSAML request (`SAML:aud`, `SAML:sub`, ...).
pub const SAML_KEYS: &[&str] = &[
    "aud",
    "sub",
    "sub_type",
    "iss",
    "namequalifier",
    "edupersonaffiliation",
    "edupersonassurance",
    "edupersonentitlement",
    "edupersonnickname",
    "edupersonorgdn",
    "edupersonorgunitdn",
    "edupersonprimaryaffiliation",
    "edupersonprimaryorgunitdn",
    "edupersonprincipalname",
    "edupersontargetedid",
    "eduorghomepageuri",
    "eduorgidentityauthnpolicyuri",
    "eduorglegalname",
    "eduorgsuperioruri",
    "eduorgwhitepagesuri",
    "cn",
    "commonname",
    "givenname",
    "surname",
    "mail",
    "uid",
    "x500uniqueidentifier",
    "organizationstatus",
    "primarygroupid",
    "doc",
];

/// Whether `key` names a claim of an OIDC provider (`HOST:sub`, `HOST/id/X:aud`, ...) or a SAML
/// key: the provider part holds a dot (a host) or is `SAML`, the claim is one AWS documents.
pub fn is_provider_key(key: &str) -> bool {
    let Some((provider, claim)) = key.rsplit_once(':') else {
        return false;
    };
    if provider.eq_ignore_ascii_case("saml") {
        return SAML_KEYS.iter().any(|k| k.eq_ignore_ascii_case(claim));
    }
    provider.contains('.')
        && !provider.contains(':')
        && OIDC_CLAIMS.iter().any(|k| k.eq_ignore_ascii_case(claim))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_keys_are_told_from_service_keys() {
        assert!(is_provider_key("token.actions.githubusercontent.com:aud"));
        assert!(is_provider_key("token.actions.githubusercontent.com:sub"));
        assert!(is_provider_key(
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"
        ));
        assert!(is_provider_key("SAML:aud"));
        assert!(is_provider_key("cognito-identity.amazonaws.com:amr"));
        assert!(!is_provider_key("s3:prefix"));
        assert!(!is_provider_key("aws:SourceIp"));
        assert!(!is_provider_key("SAML:nonsense"));
        assert!(!is_provider_key(
            "token.actions.githubusercontent.com:repository"
        ));
        assert!(is_public_host("token.actions.githubusercontent.com"));
        assert!(!is_public_host("oidc.eks.us-east-1.amazonaws.com/id/X"));
    }
}

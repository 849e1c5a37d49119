//! `aws sts assume-role-with-web-identity`: the call a CI job or a cluster's pod makes with an
//! OIDC token. It is not signed: the caller is the token's identity provider,
//! `federated:arn:aws:iam::ACCOUNT:oidc-provider/HOST` (HOST the token's `iss` without
//! `https://`, ACCOUNT the role's), asking `sts:AssumeRoleWithWebIdentity` on `--role-arn` with
//! the token's claims as the context keys AWS names after the provider (`HOST:sub`,
//! `HOST:aud`). The token's payload is read as JSON; its signature is not checked (iamsim asks
//! what the role's trust policy allows, not whether a token is genuine). A `file://` token is
//! read through the one file reader.

use crate::command::{bad, Invocation, Request};
use crate::Error;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use iamsim_engine::AssumeRoleParams;
use serde_json::Value;
use std::path::Path;

/// AWS's limit on the length of `WebIdentityToken`.
pub const MAX_TOKEN_CHARS: usize = 20_000;

/// JWT segments are base64url, normally without padding; padding is tolerated.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The claims of a token that trust policies test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    /// `iss` without `https://` and a final `/`: the provider's host (and path).
    pub host: String,
    pub sub: String,
    pub aud: String,
}

pub(crate) fn requests(inv: &Invocation) -> Result<Vec<Request>, Error> {
    let role_arn = inv
        .option("--role-arn")
        .ok_or_else(|| bad(inv, "needs --role-arn".into()))?;
    let account = role_account(role_arn).ok_or_else(|| {
        bad(
            inv,
            format!("--role-arn `{role_arn}` is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)"),
        )
    })?;
    let session_name = inv
        .option("--role-session-name")
        .ok_or_else(|| bad(inv, "needs --role-session-name".into()))?;
    let raw = inv.option("--web-identity-token").ok_or_else(|| {
        bad(
            inv,
            "needs --web-identity-token (the token, or file://PATH)".into(),
        )
    })?;
    let token = match raw.strip_prefix("file://") {
        Some(path) => {
            read_token(path).map_err(|why| bad(inv, format!("--web-identity-token: {why}")))?
        }
        None => raw.to_string(),
    };
    let claims = claims(&token).map_err(|why| bad(inv, format!("--web-identity-token: {why}")))?;
    let duration_seconds = match inv.option("--duration-seconds") {
        None => None,
        Some(d) => Some(d.parse::<u32>().map_err(|_| {
            bad(
                inv,
                format!("--duration-seconds `{d}` is not a number of seconds"),
            )
        })?),
    };
    let mut r = Request::new_for(
        "sts:AssumeRoleWithWebIdentity",
        role_arn.to_string(),
        provider(account, &claims),
    );
    r.context = claim_keys(&claims);
    r.assume = Some(AssumeRoleParams {
        session_name: Some(session_name.to_string()),
        duration_seconds,
        ..AssumeRoleParams::default()
    });
    Ok(vec![r])
}

/// The account of `arn:PARTITION:iam::ACCOUNT:role/NAME`.
pub(crate) fn role_account(arn: &str) -> Option<&str> {
    let mut it = arn.splitn(6, ':');
    match (
        it.next(),
        it.next(),
        it.next(),
        it.next(),
        it.next(),
        it.next(),
    ) {
        (Some("arn"), Some(p), Some("iam"), Some(""), Some(a), Some(res))
            if p.starts_with("aws")
                && a.len() == 12
                && a.bytes().all(|b| b.is_ascii_digit())
                && res.len() > "role/".len()
                && res.starts_with("role/") =>
        {
            Some(a)
        }
        _ => None,
    }
}

/// A token file, through the one file reader (regular files only, bounded). Its content is
/// never quoted: it is a credential.
pub(crate) fn read_token(path: &str) -> Result<String, String> {
    let file = iamsim_policy::files::read_named(Path::new(path), MAX_TOKEN_CHARS as u64 + 2)
        .map_err(|d| format!("the token file {path} cannot be read: {}", d.message))?;
    String::from_utf8(file.bytes)
        .map(|t| t.trim().to_string())
        .map_err(|_| format!("the token file {path} is not text"))
}

/// The federated caller a token makes for a role: its provider in the role's account.
pub(crate) fn provider(role_account: &str, claims: &Claims) -> String {
    format!(
        "federated:arn:aws:iam::{role_account}:oidc-provider/{}",
        claims.host
    )
}

/// The claims as the context keys AWS names after the provider.
pub(crate) fn claim_keys(claims: &Claims) -> Vec<(String, String)> {
    vec![
        (format!("{}:sub", claims.host), claims.sub.clone()),
        (format!("{}:aud", claims.host), claims.aud.clone()),
    ]
}

/// The claims of a JWT (`header.payload.signature`), read from its payload. The messages never
/// quote the token.
pub fn claims(token: &str) -> Result<Claims, String> {
    if token.len() > MAX_TOKEN_CHARS {
        return Err(format!(
            "the token is longer than AWS's limit of {MAX_TOKEN_CHARS} characters"
        ));
    }
    let segments: Vec<&str> = token.split('.').collect();
    let [_, payload, _] = segments.as_slice() else {
        return Err("not a JWT: a token is three base64url parts joined by `.`".into());
    };
    let bytes = BASE64URL
        .decode(payload)
        .map_err(|_| "not a JWT: its payload is not base64url".to_string())?;
    let json: Value = serde_json::from_slice(&bytes)
        .map_err(|_| "not a JWT: its payload is not JSON".to_string())?;
    let text = |name: &str| -> Result<String, String> {
        match json.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            Some(_) => Err(format!("the claim `{name}` is not a string")),
            None => Err(format!("the token has no `{name}` claim")),
        }
    };
    let iss = text("iss")?;
    let host = iss
        .strip_prefix("https://")
        .map(|h| h.trim_end_matches('/'))
        .filter(|h| !h.is_empty() && !h.contains(['*', '?', ' ']))
        .ok_or_else(|| "the claim `iss` is not an https:// URL".to_string())?
        .to_string();
    let sub = text("sub")?;
    let aud = match json.get("aud") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        // Kubernetes service account tokens carry a list of one.
        Some(Value::Array(a)) => match a.as_slice() {
            [Value::String(s)] if !s.is_empty() => s.clone(),
            _ => {
                return Err(
                    "the claim `aud` lists several audiences: iamsim reads a token with one".into(),
                )
            }
        },
        Some(_) => return Err("the claim `aud` is not a string".into()),
        None => return Err("the token has no `aud` claim".into()),
    };
    Ok(Claims { host, sub, aud })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A token with `payload` and a header and signature that are not checked.
    pub(crate) fn token(payload: &str) -> String {
        let b = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!(
            "{}.{}.{}",
            b(r#"{"alg":"RS256","typ":"JWT"}"#),
            b(payload),
            b("sig")
        )
    }

    #[test]
    fn github_actions_claims() {
        // The shape GitHub documents for a workflow's token.
        let t = token(
            r#"{"iss":"https://token.actions.githubusercontent.com","sub":"repo:octo-org/octo-repo:ref:refs/heads/main","aud":"sts.amazonaws.com","repository":"octo-org/octo-repo"}"#,
        );
        let c = claims(&t).unwrap();
        assert_eq!(c.host, "token.actions.githubusercontent.com");
        assert_eq!(c.sub, "repo:octo-org/octo-repo:ref:refs/heads/main");
        assert_eq!(c.aud, "sts.amazonaws.com");
    }

    #[test]
    fn eks_service_account_claims_with_a_list_audience() {
        let t = token(
            r#"{"iss":"https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE","sub":"system:serviceaccount:default:my-sa","aud":["sts.amazonaws.com"]}"#,
        );
        let c = claims(&t).unwrap();
        assert_eq!(
            c.host,
            "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
        );
        assert_eq!(c.sub, "system:serviceaccount:default:my-sa");
        assert_eq!(c.aud, "sts.amazonaws.com");
    }

    #[test]
    fn bad_tokens_are_refused_without_quoting_them() {
        let secret = "s3cr3t-value";
        for t in [
            secret.to_string(),
            format!("a.{secret}.b"),
            token(r#"{"sub":"x","aud":"y"}"#),
            token(r#"{"iss":"http://plain","sub":"x","aud":"y"}"#),
            token(r#"{"iss":"https://h","sub":"x","aud":["a","b"]}"#),
            token(r#"{"iss":"https://h","aud":"y"}"#),
            "x".repeat(MAX_TOKEN_CHARS + 1),
        ] {
            let e = claims(&t).unwrap_err();
            assert!(!e.contains(secret), "{e}");
        }
    }

    #[test]
    fn role_accounts() {
        assert_eq!(
            role_account("arn:aws:iam::123456789012:role/ci"),
            Some("123456789012")
        );
        assert_eq!(role_account("arn:aws:iam::123456789012:user/ci"), None);
        assert_eq!(role_account("arn:aws:iam::1234:role/ci"), None);
        assert_eq!(role_account("arn:aws:iam::123456789012:role/"), None);
    }
}

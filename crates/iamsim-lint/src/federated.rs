//! Federated trusts (rule 10.3): the trust policies of roles that GitHub Actions, GitLab, an EKS
//! cluster or a SAML identity provider assumes. A trust that lets in a public provider without
//! restricting the token's `sub` lets in anyone on the internet who can run a workflow; one
//! without `aud` accepts tokens minted for other audiences; the action must be the one the
//! principal can call.

use crate::checks::Hit;
use iamsim_policy::condition::OperatorBase;
use iamsim_policy::federation::{is_provider_key, is_public_host};
use iamsim_policy::{
    ActionKind, Code, Condition, Diagnostic, Effect, Policy, PrincipalEntry, PrincipalKind,
    PrincipalValue, Span, Statement,
};

const WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";
const SAML: &str = "sts:AssumeRoleWithSAML";
const GITHUB: &str = "token.actions.githubusercontent.com";
const COGNITO: &str = "cognito-identity.amazonaws.com";

/// A provider named under `Federated`.
enum Provider<'a> {
    /// An OIDC provider: its host (from an `oidc-provider/HOST` ARN, or a bare name such as
    /// `accounts.google.com`).
    Oidc(&'a str),
    Saml,
}

impl Provider<'_> {
    fn of(value: &str) -> Provider<'_> {
        if value.contains(":saml-provider/") {
            return Provider::Saml;
        }
        match value.split_once(":oidc-provider/") {
            Some((_, host)) => Provider::Oidc(host),
            None => Provider::Oidc(value),
        }
    }

    fn action(&self) -> &'static str {
        match self {
            Provider::Oidc(_) => WEB_IDENTITY,
            Provider::Saml => SAML,
        }
    }

    /// The prefix of the provider's claim keys.
    fn prefix(&self) -> String {
        match self {
            Provider::Oidc(host) => format!("{host}:"),
            Provider::Saml => "SAML:".into(),
        }
    }
}

/// The findings of every statement of `policy` about federated principals.
pub(crate) fn check(policy: &Policy, out: &mut Vec<Hit>) {
    for st in &policy.statements {
        let mut push = |code: Code, span: Span, message: String, help: String| {
            out.push(Hit {
                diagnostic: Diagnostic::new(code, message, &policy.source, span).with_help(help),
                statement: Some(st.index),
            });
        };
        string_like_without_wildcard(st, &mut push);
        let Some(block) = st.principal.as_ref() else {
            continue;
        };
        if st.effect.value != Effect::Allow || block.kind != PrincipalKind::Principal {
            continue;
        }
        let federated: Vec<(&PrincipalEntry, Provider<'_>)> = block
            .entries
            .iter()
            .filter_map(|e| match &e.value {
                PrincipalValue::Federated(v) => Some((e, Provider::of(v))),
                _ => None,
            })
            .collect();
        action_mismatch(st, &federated, &mut push);
        for (e, p) in &federated {
            claims(st, e, p, &mut push);
        }
    }
}

type Push<'a> = dyn FnMut(Code, Span, String, String) + 'a;

/// The statement's actions against its principals: a provider calls its own AssumeRoleWith*
/// action; an `AWS` principal calls neither.
fn action_mismatch(
    st: &Statement,
    federated: &[(&PrincipalEntry, Provider<'_>)],
    push: &mut Push<'_>,
) {
    if st.action.kind != ActionKind::Action {
        return;
    }
    let patterns = &st.action.patterns;
    let allowed: Vec<&str> = patterns.iter().map(|p| p.text.as_str()).collect();
    let first = patterns.first().map_or(st.action.key_span, |p| p.span);
    for (e, p) in federated {
        let wanted = p.action();
        if !patterns
            .iter()
            .any(|a| a.matcher.matches(wanted).may_be_true())
        {
            push(
                Code::FederatedActionMismatch,
                first,
                format!(
                    "the `Federated` principal `{}` can only call `{wanted}`, which this statement does not allow (it allows `{}`)",
                    e.text,
                    allowed.join("`, `")
                ),
                format!("write `\"Action\": \"{wanted}\"`"),
            );
        }
    }
    let aws_only = federated.is_empty()
        && st.principal.as_ref().is_some_and(|b| {
            b.entries
                .iter()
                .any(|e| matches!(e.value, PrincipalValue::Aws(_)))
        });
    let only_federation_actions = !patterns.is_empty()
        && patterns.iter().all(|a| {
            a.text.eq_ignore_ascii_case(WEB_IDENTITY) || a.text.eq_ignore_ascii_case(SAML)
        });
    if aws_only && only_federation_actions {
        push(
            Code::FederatedActionMismatch,
            first,
            format!(
                "`{}` is called with an identity provider's token, never by an `AWS` principal: this statement lets nobody in",
                allowed.join("`, `")
            ),
            "name the provider under `Federated` (`arn:aws:iam::ACCOUNT:oidc-provider/HOST` or `saml-provider/NAME`), or allow `sts:AssumeRole` for the `AWS` principal".into(),
        );
    }
}

/// Whether a condition restricts `key` to the values it lists (a positive string test).
fn restricts(c: &Condition, key: &str) -> bool {
    c.key.value.eq_ignore_ascii_case(key)
        && matches!(
            c.operator.value.base,
            OperatorBase::StringEquals
                | OperatorBase::StringEqualsIgnoreCase
                | OperatorBase::StringLike
        )
}

/// The claim conditions a provider needs: `sub` for a public provider (`aud` for Cognito), and
/// `aud` for every provider; and a `sub` pattern that admits everyone.
fn claims(st: &Statement, e: &PrincipalEntry, p: &Provider<'_>, push: &mut Push<'_>) {
    let prefix = p.prefix();
    let sub = format!("{prefix}sub");
    let aud = format!("{prefix}aud");
    let on = |key: &str| -> Vec<&Condition> {
        st.conditions.iter().filter(|c| restricts(c, key)).collect()
    };
    if let Provider::Oidc(host) = p {
        if is_public_host(host) {
            let cognito = host.eq_ignore_ascii_case(COGNITO);
            let restricted = !on(&sub).is_empty() || (cognito && !on(&aud).is_empty());
            if !restricted {
                let example = if host.eq_ignore_ascii_case(GITHUB) {
                    format!("\"StringEquals\": {{\"{sub}\": \"repo:ORG/REPO:ref:refs/heads/BRANCH\"}} (or \"StringLike\" with \"repo:ORG/REPO:*\")")
                } else if cognito {
                    format!("\"StringEquals\": {{\"{aud}\": \"IDENTITY-POOL-ID\"}}")
                } else {
                    format!("\"StringEquals\": {{\"{sub}\": ...}} naming the identities you trust")
                };
                push(
                    Code::FederatedTrustWithoutSub,
                    e.span,
                    format!(
                        "the trust lets in `{}`, a public provider, with no condition on `{}`: anyone who can obtain one of its tokens may assume the role",
                        e.text,
                        if cognito { &aud } else { &sub }
                    ),
                    format!("add {example}"),
                );
            }
            for c in on(&sub) {
                sub_admits_all(host, c, push);
            }
        }
    }
    if on(&aud).is_empty() {
        let value = match p {
            Provider::Saml => "https://signin.aws.amazon.com/saml",
            Provider::Oidc(h) if h.eq_ignore_ascii_case(COGNITO) => "IDENTITY-POOL-ID",
            Provider::Oidc(h) if is_public_host(h) && !h.eq_ignore_ascii_case(GITHUB) => {
                "YOUR-CLIENT-ID"
            }
            Provider::Oidc(_) => "sts.amazonaws.com",
        };
        push(
            Code::FederatedTrustWithoutAud,
            e.span,
            format!(
                "the trust lets in `{}` with no condition on `{aud}`: a token issued for another audience is accepted",
                e.text
            ),
            format!("add \"StringEquals\": {{\"{aud}\": \"{value}\"}}"),
        );
    }
}

/// A `StringLike` `sub` pattern of a public provider that admits every repository, or every
/// organization whose name starts the same way.
fn sub_admits_all(host: &str, c: &Condition, push: &mut Push<'_>) {
    if c.operator.value.base != OperatorBase::StringLike {
        return;
    }
    let path_claim = host.eq_ignore_ascii_case(GITHUB) || host.eq_ignore_ascii_case("gitlab.com");
    for v in &c.values {
        let Some(wild) = v.text.find(['*', '?']) else {
            continue;
        };
        if v.text.contains("${") {
            continue;
        }
        let fixed = v.text.get(..wild).unwrap_or("");
        // GitHub: `repo:ORG/REPO:...`; GitLab: `project_path:GROUP/PROJECT:...`.
        let owner = fixed.split_once(':').map(|(_, rest)| rest);
        let every_owner = fixed.is_empty() || (path_claim && owner.is_none_or(str::is_empty));
        let owner_prefix = !every_owner && path_claim && owner.is_some_and(|o| !o.contains('/'));
        let owner = owner.unwrap_or("");
        if !every_owner && !owner_prefix {
            continue;
        }
        let message = if every_owner {
            format!(
                "`{}` admits the tokens of every repository of every organization on {host}",
                v.text
            )
        } else {
            format!(
                "`{}` admits every organization whose name starts with `{owner}` (`{owner}-anything/...`), not only `{owner}`",
                v.text
            )
        };
        push(
            Code::FederatedSubAdmitsAll,
            v.span,
            message,
            if host.eq_ignore_ascii_case(GITHUB) {
                "name the organization and repository: `repo:ORG/REPO:*`, or better a branch or environment (`repo:ORG/REPO:ref:refs/heads/main`)".into()
            } else {
                "name the group and project before any wildcard: `project_path:GROUP/PROJECT:*`"
                    .into()
            },
        );
    }
}

/// `StringLike` (or `StringNotLike`) on a provider claim with no wildcard compares exactly.
fn string_like_without_wildcard(st: &Statement, push: &mut Push<'_>) {
    for c in &st.conditions {
        let base = c.operator.value.base;
        if !matches!(base, OperatorBase::StringLike | OperatorBase::StringNotLike)
            || !is_provider_key(&c.key.value)
            || c.values.is_empty()
            || c.values.iter().any(|v| v.text.contains(['*', '?']))
        {
            continue;
        }
        let plain = if base == OperatorBase::StringLike {
            "StringEquals"
        } else {
            "StringNotEquals"
        };
        push(
            Code::FederatedStringLikeWithoutWildcard,
            c.operator.span,
            format!(
                "`{}` on `{}` has no `*` or `?` in its values: it compares them exactly",
                base.name(),
                c.key.value
            ),
            format!(
                "write `{plain}`, which says so; or add the wildcard you meant (`repo:ORG/REPO:*`)"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint_text, PolicyContext};
    use iamsim_policy::PolicyType;

    /// The federated codes a trust statement triggers, sorted.
    fn codes(principal: &str, action: &str, condition: &str) -> Vec<String> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"{action}","Condition":{condition}}}]}}"#
        );
        let mut out: Vec<String> = lint_text(
            "t.json",
            &text,
            Some(PolicyType::Trust),
            &PolicyContext::default(),
        )
        .iter()
        .map(|f| f.diagnostic.code.as_str().to_string())
        .filter(|c| c.starts_with("FEDERATED_") || c.starts_with("INVALID_"))
        .collect();
        out.sort();
        out
    }

    const WEB: &str = "sts:AssumeRoleWithWebIdentity";

    #[test]
    fn providers_and_their_claims() {
        let eks = r#"{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}"#;
        // A private provider (a cluster's issuer) needs no `sub` to be safe from the internet,
        // but its audience is still checked.
        assert_eq!(codes(eks, WEB, "{}"), ["FEDERATED_TRUST_WITHOUT_AUD"]);
        assert!(codes(
            eks,
            WEB,
            r#"{"StringEquals":{"oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud":"sts.amazonaws.com","oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":"system:serviceaccount:default:my-service-account"}}"#
        )
        .is_empty());
        // SAML: `SAML:aud` is the audience; AssumeRoleWithWebIdentity is the wrong action.
        let saml =
            r#"{"Federated":"arn:aws:iam::111122223333:saml-provider/ExampleOrgSSOProvider"}"#;
        assert!(codes(
            saml,
            "sts:AssumeRoleWithSAML",
            r#"{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}"#
        )
        .is_empty());
        assert_eq!(
            codes(saml, "sts:AssumeRoleWithSAML", "{}"),
            ["FEDERATED_TRUST_WITHOUT_AUD"]
        );
        assert_eq!(
            codes(
                saml,
                WEB,
                r#"{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}"#
            ),
            ["FEDERATED_ACTION_MISMATCH"]
        );
        // `sts:AssumeRoleWith*` covers both.
        assert!(codes(
            saml,
            "sts:AssumeRoleWith*",
            r#"{"StringEquals":{"SAML:aud":"x"}}"#
        )
        .is_empty());
        // Cognito: the identity pool (`aud`) is what restricts it.
        let cognito = r#"{"Federated":"cognito-identity.amazonaws.com"}"#;
        assert_eq!(
            codes(cognito, WEB, "{}"),
            ["FEDERATED_TRUST_WITHOUT_AUD", "FEDERATED_TRUST_WITHOUT_SUB"]
        );
        assert!(codes(
            cognito,
            WEB,
            r#"{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:12345678-abcd-abcd-abcd-123456789012"}}"#
        )
        .is_empty());
        // An AWS principal cannot call AssumeRoleWithWebIdentity.
        assert_eq!(
            codes(r#"{"AWS":"arn:aws:iam::111122223333:root"}"#, WEB, "{}"),
            ["FEDERATED_ACTION_MISMATCH"]
        );
    }

    #[test]
    fn sub_patterns_of_public_providers() {
        let gh = r#"{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}"#;
        let with_sub = |op: &str, v: &str| {
            codes(
                gh,
                WEB,
                &format!(
                    r#"{{"StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}},"{op}":{{"token.actions.githubusercontent.com:sub":"{v}"}}}}"#
                ),
            )
        };
        for all in ["*", "repo:*", "re*", "repo:octo*", "repo:?*"] {
            assert_eq!(
                with_sub("StringLike", all),
                ["FEDERATED_SUB_ADMITS_ALL"],
                "{all}"
            );
        }
        for fine in [
            "repo:octo-org/*",
            "repo:octo-org/octo-repo:*",
            "repo:octo-org/octo-repo:environment:prod",
        ] {
            let got = with_sub("StringLike", fine);
            assert!(
                got.iter().all(|c| c != "FEDERATED_SUB_ADMITS_ALL"),
                "{fine}: {got:?}"
            );
        }
        // A negated operator restricts nothing.
        assert!(with_sub("StringNotLike", "repo:evil/*")
            .contains(&"FEDERATED_TRUST_WITHOUT_SUB".to_string()));
        // The provider keys are not unknown service keys (INVALID_SERVICE_CONDITION_KEY).
        assert_eq!(
            with_sub("StringEquals", "repo:o/r:ref:refs/heads/main"),
            Vec::<String>::new()
        );
    }
}

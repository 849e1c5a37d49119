//! Grants of a KMS key policy to principals of other accounts (docs/rules.md 13.6–13.8).
//!
//! - `KEY_POLICY_CROSS_ACCOUNT_NO_EFFECT`: KMS honours only some operations from another account
//!   (13.7); the rest given to another account's principal — key administration such as
//!   `kms:PutKeyPolicy` and `kms:ScheduleKeyDeletion`, or everything of `kms:*` — have no effect,
//!   and say that the author expected them to.
//! - `KEY_POLICY_CROSS_ACCOUNT_CREATE_GRANT`: `kms:CreateGrant` given to another account's
//!   principal lets it create grants on the key for any grantee, a third account's included, and
//!   grants allow use of the key without any policy naming the grantee (13.8). AWS's condition for
//!   this is `kms:GrantIsForAWSResource` (grants only through a service integrated with KMS, as
//!   the console's statement for other accounts writes it) or a fixed `kms:GranteePrincipal`.
//!
//! The key's account is the world's when the policy belongs to a key of a world. Alone, it is the
//! account of the policy's first `Allow` statement naming an account (the default key policy's
//! first statement, "Enable IAM User Permissions"); a policy naming no account is not checked.

use crate::checks::{Hit, PolicyContext};
use iamsim_policy::condition::OperatorBase;
use iamsim_policy::{
    ActionKind, AwsPrincipal, Code, Condition, Diagnostic, Effect, Policy, PrincipalKind,
    PrincipalValue, Statement, Truth,
};

/// Key administration named first in a finding (the rest follow in the catalog's order).
const ADMINISTRATION: &[&str] = &["PutKeyPolicy", "ScheduleKeyDeletion", "DisableKey"];

/// The account a principal entry belongs to, when it names one.
fn account_of(p: &AwsPrincipal) -> Option<&str> {
    match p {
        AwsPrincipal::Account { account, .. }
        | AwsPrincipal::User { account, .. }
        | AwsPrincipal::Role { account, .. }
        | AwsPrincipal::AssumedRole { account, .. }
        | AwsPrincipal::FederatedUser { account, .. } => Some(account),
        AwsPrincipal::Everyone | AwsPrincipal::UniqueId(_) => None,
    }
}

fn allows(st: &Statement) -> bool {
    st.effect.value == Effect::Allow
        && st
            .principal
            .as_ref()
            .is_some_and(|b| b.kind == PrincipalKind::Principal)
}

/// The key's account: the world's, or the first account an `Allow` statement names.
fn key_account<'p>(policy: &'p Policy, ctx: &'p PolicyContext) -> Option<&'p str> {
    if let Some(a) = ctx.account.as_deref() {
        return Some(a);
    }
    policy
        .statements
        .iter()
        .filter(|st| allows(st))
        .flat_map(|st| st.principal.iter().flat_map(|b| b.entries.iter()))
        .find_map(|e| match &e.value {
            PrincipalValue::Aws(p @ AwsPrincipal::Account { .. }) => account_of(p),
            _ => None,
        })
}

/// The accounts a statement's `kms:CallerAccount` condition fixes (`StringEquals`, no
/// `...IfExists`, no set operator, no wildcard or variable); empty when it fixes none.
fn caller_accounts(st: &Statement) -> Vec<&str> {
    st.conditions
        .iter()
        .filter(|c| {
            let op = c.operator.value;
            c.key.value.eq_ignore_ascii_case("kms:CallerAccount")
                && op.base == OperatorBase::StringEquals
                && !op.if_exists
                && op.set.is_none()
        })
        .flat_map(|c| c.values.iter().map(|v| v.text.as_str()))
        .filter(|v| iamsim_policy::arn::is_account_id(v))
        .collect()
}

/// The KMS actions of the catalog the statement's Action (or NotAction) may allow.
fn kms_actions(st: &Statement) -> Vec<&'static str> {
    let Some(kms) = iamsim_catalog::catalog().service("kms") else {
        return Vec::new();
    };
    let matches = |name: &str| {
        let full = format!("kms:{name}");
        st.action
            .patterns
            .iter()
            .any(|p| p.matcher.matches(&full) != Truth::False)
    };
    kms.actions()
        .iter()
        .map(|a| a.name)
        .filter(|n| match st.action.kind {
            ActionKind::Action => matches(n),
            ActionKind::NotAction => !matches(n),
        })
        .collect()
}

/// A condition that keeps `kms:CreateGrant` to grants for AWS resources, or to fixed grantees.
fn limits_grants(c: &Condition) -> bool {
    let op = c.operator.value;
    if op.if_exists || op.set.is_some() || c.values.is_empty() {
        return false;
    }
    let key = c.key.value.as_str();
    if key.eq_ignore_ascii_case("kms:GrantIsForAWSResource") {
        return op.base == OperatorBase::Bool
            && c.values.iter().all(|v| v.text.eq_ignore_ascii_case("true"));
    }
    key.eq_ignore_ascii_case("kms:GranteePrincipal")
        && matches!(
            op.base,
            OperatorBase::StringEquals
                | OperatorBase::ArnEquals
                | OperatorBase::StringEqualsIgnoreCase
        )
        && c.values
            .iter()
            .all(|v| !v.text.contains(['*', '?']) && !v.text.contains("${"))
}

/// `kms:A`, `kms:B` and `kms:C`, or `kms:A`, `kms:B`, `kms:C` and N more.
fn listed(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    let shown: Vec<String> = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("`kms:{n}`"))
        .collect();
    let more = names.len().saturating_sub(SHOWN);
    match shown.split_last() {
        Some((last, rest)) if more == 0 && !rest.is_empty() => {
            format!("{} and {last}", rest.join(", "))
        }
        _ if more > 0 => format!("{} and {more} more", shown.join(", ")),
        _ => shown.join(", "),
    }
}

pub(crate) fn check(policy: &Policy, ctx: &PolicyContext) -> Vec<Hit> {
    let mut out = Vec::new();
    let Some(own) = key_account(policy, ctx) else {
        return out;
    };
    for st in policy.statements.iter().filter(|st| allows(st)) {
        let Some(block) = &st.principal else {
            continue;
        };
        // `*` narrowed by `kms:CallerAccount` to accounts is those accounts' principals (13.3).
        let caller_accounts = caller_accounts(st);
        let external = block.entries.iter().find_map(|e| match &e.value {
            PrincipalValue::Aws(AwsPrincipal::Everyone) => caller_accounts
                .iter()
                .find(|a| **a != own)
                .map(|a| (e, format!("`{}` with `kms:CallerAccount` {a}", e.text))),
            PrincipalValue::Aws(p) => account_of(p)
                .is_some_and(|a| a != own)
                .then(|| (e, format!("`{}`", e.text))),
            _ => None,
        });
        let Some((entry, who)) = external else {
            continue;
        };
        let actions = kms_actions(st);
        let mut no_effect: Vec<&str> = actions
            .iter()
            .copied()
            .filter(|a| !iamsim_engine::kms_works_across_accounts(a))
            .collect();
        // The key's administration first: what the author most likely meant to give.
        no_effect.sort_by_key(|a| !ADMINISTRATION.iter().any(|x| x.eq_ignore_ascii_case(a)));
        let hit = |code: Code, message: String, help: &str| Hit {
            diagnostic: Diagnostic::new(code, message, &policy.source, entry.span)
                .with_help(help.to_string()),
            statement: Some(st.index),
        };
        if !no_effect.is_empty() {
            out.push(hit(
                Code::KeyPolicyCrossAccountNoEffect,
                format!(
                    "{who} belongs to another account than the key's ({own}): {} allowed to it {} no effect, as KMS does not allow {} across accounts (13.7)",
                    listed(&no_effect),
                    if no_effect.len() == 1 { "has" } else { "have" },
                    if no_effect.len() == 1 { "it" } else { "them" },
                ),
                "list only operations that work across accounts (the cryptographic ones, `kms:DescribeKey`, `kms:CreateGrant`, `kms:ListGrants`, `kms:RevokeGrant`, ...); that account's principals also need their own IAM policies (13.6)",
            ));
        }
        let grants = actions
            .iter()
            .any(|a| a.eq_ignore_ascii_case("CreateGrant"));
        if grants && !st.conditions.iter().any(limits_grants) {
            out.push(hit(
                Code::KeyPolicyCrossAccountCreateGrant,
                format!(
                    "{who}, of another account than the key's ({own}), may call `kms:CreateGrant` with no condition: it can grant use of the key to any principal, a third account's included, and no policy will name them (13.8)"
                ),
                "add `\"Condition\": {\"Bool\": {\"kms:GrantIsForAWSResource\": \"true\"}}` so that only AWS services integrated with KMS create grants for it, or a fixed `kms:GranteePrincipal`",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::PolicyContext;
    use iamsim_policy::PolicyType;

    /// The codes of this module's checks that `lint` reports on a key policy.
    fn codes(statements: &str, account: Option<&str>) -> Vec<&'static str> {
        let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
        let ctx = PolicyContext {
            account: account.map(str::to_string),
            ..PolicyContext::default()
        };
        let mut out: Vec<&'static str> =
            crate::lint_text("key.json", &text, Some(PolicyType::Resource), &ctx)
                .iter()
                .map(|f| f.diagnostic.code.as_str())
                .filter(|c| c.starts_with("KEY_POLICY_CROSS_ACCOUNT"))
                .collect();
        out.sort_unstable();
        out
    }

    const OWN: &str = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}"#;
    const NO_EFFECT: &str = "KEY_POLICY_CROSS_ACCOUNT_NO_EFFECT";
    const CREATE_GRANT: &str = "KEY_POLICY_CROSS_ACCOUNT_CREATE_GRANT";

    #[test]
    fn grants_to_other_accounts() {
        let partner = |actions: &str, condition: &str| {
            format!(
                r#"{OWN},{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::444455556666:root"}},"Action":{actions},"Resource":"*"{condition}}}"#
            )
        };
        // kms:* to another account: key administration without effect, and CreateGrant.
        assert_eq!(
            codes(&partner(r#""kms:*""#, ""), None),
            [CREATE_GRANT, NO_EFFECT]
        );
        // The cryptographic operations work across accounts.
        assert!(codes(
            &partner(r#"["kms:Decrypt","kms:GenerateDataKey*"]"#, ""),
            None
        )
        .is_empty());
        // CreateGrant for AWS resources only, or to one fixed grantee.
        let only_aws = r#","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}"#;
        assert!(codes(&partner(r#""kms:CreateGrant""#, only_aws), None).is_empty());
        let fixed = r#","Condition":{"StringEquals":{"kms:GranteePrincipal":"arn:aws:iam::444455556666:role/Batch"}}"#;
        assert!(codes(&partner(r#""kms:CreateGrant""#, fixed), None).is_empty());
        let any = r#","Condition":{"StringLike":{"kms:GranteePrincipal":"arn:aws:iam::*"}}"#;
        assert_eq!(
            codes(&partner(r#""kms:CreateGrant""#, any), None),
            [CREATE_GRANT]
        );
        let not_aws = r#","Condition":{"Bool":{"kms:GrantIsForAWSResource":"false"}}"#;
        assert_eq!(
            codes(&partner(r#""kms:CreateGrant""#, not_aws), None),
            [CREATE_GRANT]
        );
        let if_exists = r#","Condition":{"BoolIfExists":{"kms:GrantIsForAWSResource":"true"}}"#;
        assert_eq!(
            codes(&partner(r#""kms:CreateGrant""#, if_exists), None),
            [CREATE_GRANT]
        );
        // Wildcards in actions count by what they match.
        assert_eq!(codes(&partner(r#""kms:Put*""#, ""), None), [NO_EFFECT]);
    }

    #[test]
    fn whose_key_it_is() {
        let user = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/u"},"Action":"kms:ScheduleKeyDeletion","Resource":"*"}"#;
        // Alone: the first statement naming an account names the key's.
        assert_eq!(codes(&format!("{OWN},{user}"), None), [NO_EFFECT]);
        // In a world the key's account is known: the same user is of it, or not.
        assert!(codes(user, Some("444455556666")).is_empty());
        assert_eq!(codes(user, Some("111122223333")), [NO_EFFECT]);
        // ... and then the first statement is not taken for the key's account.
        assert_eq!(
            codes(&format!("{OWN},{user}"), Some("444455556666")),
            [CREATE_GRANT, NO_EFFECT]
        );
        // No account named and none known: nothing to compare with.
        assert!(codes(user, None).is_empty());
    }

    #[test]
    fn everyone_narrowed_to_another_callers_account() {
        let narrowed = |acct: &str| {
            format!(
                r#"{OWN},{{"Effect":"Allow","Principal":{{"AWS":"*"}},"Action":["kms:Decrypt","kms:CreateGrant"],"Resource":"*","Condition":{{"StringEquals":{{"kms:CallerAccount":"{acct}","kms:ViaService":"ec2.us-east-1.amazonaws.com"}}}}}}"#
            )
        };
        assert_eq!(codes(&narrowed("444455556666"), None), [CREATE_GRANT]);
        // The key's own account through a service: the AWS managed key's form.
        assert!(codes(&narrowed("111122223333"), None).is_empty());
    }
}

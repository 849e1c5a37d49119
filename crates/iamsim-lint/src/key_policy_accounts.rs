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
        let external = block.entries.iter().find(|e| match &e.value {
            PrincipalValue::Aws(p) => account_of(p).is_some_and(|a| a != own),
            _ => false,
        });
        let Some(entry) = external else {
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
                    "`{}` belongs to another account than the key's ({own}): {} allowed to it have no effect, as KMS does not allow them across accounts (13.7)",
                    entry.text,
                    listed(&no_effect)
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
                    "`{}`, of another account than the key's ({own}), may call `kms:CreateGrant` with no condition: it can grant use of the key to any principal, a third account's included, and no policy will name them (13.8)",
                    entry.text
                ),
                "add `\"Condition\": {\"Bool\": {\"kms:GrantIsForAWSResource\": \"true\"}}` so that only AWS services integrated with KMS create grants for it, or a fixed `kms:GranteePrincipal`",
            ));
        }
    }
    out
}

//! Checks of KMS key policies (docs/rules.md 13.2): a key policy without its account's statement
//! leaves IAM policies without effect on the key, administrators' included. (A statement allowing
//! everyone is the general public-access check's.)
//!
//! A resource policy is read as a key policy when every action it names is a `kms:` action
//! (key policies name no other service). In a world, the key's account is known
//! ([`PolicyContext::account`]); alone, any account statement counts.

use crate::checks::{Hit, PolicyContext};
use iamsim_policy::{
    ActionKind, AwsPrincipal, Diagnostic, Effect, Policy, PolicyType, PrincipalKind,
    PrincipalValue, Statement,
};

fn is_key_policy(policy: &Policy) -> bool {
    let mut any = false;
    for st in &policy.statements {
        if st.action.kind != ActionKind::Action {
            return false;
        }
        for p in &st.action.patterns {
            let kms = p
                .text
                .split_once(':')
                .is_some_and(|(svc, _)| svc.eq_ignore_ascii_case("kms"));
            if !kms {
                return false;
            }
            any = true;
        }
    }
    any
}

/// Whether a statement names an account (root ARN or id): `account` when known, any otherwise.
fn names_account(st: &Statement, account: Option<&str>) -> bool {
    let Some(block) = &st.principal else {
        return false;
    };
    block.kind == PrincipalKind::Principal
        && block.entries.iter().any(|e| match &e.value {
            PrincipalValue::Aws(AwsPrincipal::Account { account: a, .. }) => {
                account.is_none_or(|want| a == want)
            }
            _ => false,
        })
}

pub(crate) fn check(policy: &Policy, ty: PolicyType, ctx: &PolicyContext) -> Vec<Hit> {
    let mut out = Vec::new();
    if ty != PolicyType::Resource || !is_key_policy(policy) {
        return out;
    }
    let allows = || {
        policy
            .statements
            .iter()
            .filter(|s| s.effect.value == Effect::Allow)
    };
    if !ctx.aws_managed && !allows().any(|s| names_account(s, ctx.account.as_deref())) {
        let whose = ctx
            .account
            .as_deref()
            .map_or("the key's account".to_string(), |a| format!("account {a}"));
        let d = Diagnostic::new(
            iamsim_policy::Code::KeyPolicyWithoutAccountStatement,
            format!("no statement of this key policy allows {whose}, so IAM policies grant nothing on the key, not even to administrators (13.2)"),
            &policy.source,
            policy.span,
        )
        .with_help("add the account statement: `\"Principal\": {\"AWS\": \"arn:aws:iam::ACCOUNT:root\"}, \"Action\": \"kms:*\", \"Resource\": \"*\"`, or name every principal that needs the key");
        out.push(Hit {
            diagnostic: d,
            statement: None,
        });
    }
    out.extend(crate::key_policy_accounts::check(policy, ctx));
    out
}

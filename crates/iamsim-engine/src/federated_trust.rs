//! When a federated caller's request is refused before any statement is read (rule 10.3), and
//! how a `Federated` principal names a caller: the decision side of the identities of an IAM
//! OIDC or SAML provider, whose providers and names are part of the world
//! (iamsim_world::federated).

use crate::eval::Target;
use crate::explain::Decision;
use crate::request::Caller;
use crate::HopRequest;
use iamsim_policy::{
    AwsPrincipal, ContextLookup, ContextValue, Effect, PrincipalEntry, PrincipalKind,
    PrincipalValue, Statement, Truth,
};
use iamsim_world::{Federated, Role, World};

/// Why a federated request is refused before any statement is read, if it is (10.3): such a
/// caller can only call its provider's AssumeRoleWith* action, on a role of the world whose
/// account holds the provider, with a token whose audience the provider accepts. `None` for
/// every other caller.
pub(crate) fn refusal(
    world: &World,
    req: &HopRequest<'_>,
    target: &Target<'_>,
) -> Option<(Decision, String)> {
    let Caller::Federated(f) = req.caller else {
        return None;
    };
    refusal_of(world, f, req, target)
        .map(|why| (Decision::ImplicitDeny, why))
        .or_else(|| {
            let Target::Role(role) = target else {
                return None;
            };
            unnamed(role, f)
        })
}

/// The trust must name the provider under `Federated` (10.3). A trust that lets everyone in
/// (`"*"`) and does not name it is not documented either way: not proven.
fn unnamed(role: &Role, f: &Federated) -> Option<(Decision, String)> {
    let arn = f.provider_arn();
    if trust_names_provider(role, &arn) {
        return None;
    }
    let everyone = role.trust.policy.statements.iter().any(|s| {
        s.effect.value == Effect::Allow
            && principal_entries(s)
                .any(|e| matches!(e.value, PrincipalValue::Aws(AwsPrincipal::Everyone)))
    });
    Some(if everyone {
        (
            Decision::Indeterminate,
            format!(
                "the trust policy of role {} lets in `*` but does not name {arn} under `Federated`; whether `*` admits an identity of a provider is not documented, so it is not proven (10.3)",
                role.name()
            ),
        )
    } else {
        (
            Decision::ImplicitDeny,
            format!(
                "the trust policy of role {} does not name {arn} under `Federated`: no identity of that provider can assume it (10.3)",
                role.name()
            ),
        )
    })
}

/// The `Principal` entries of a statement (not `NotPrincipal`).
fn principal_entries(s: &Statement) -> impl Iterator<Item = &PrincipalEntry> {
    s.principal
        .iter()
        .filter(|b| b.kind == PrincipalKind::Principal)
        .flat_map(|b| &b.entries)
}

/// Whether a role's trust policy names the provider under `Federated` in an Allow statement.
pub(crate) fn trust_names_provider(role: &Role, provider_arn: &str) -> bool {
    role.trust.policy.statements.iter().any(|s| {
        s.effect.value == Effect::Allow
            && principal_entries(s)
                .any(|e| matches!(&e.value, PrincipalValue::Federated(p) if p == provider_arn))
    })
}

/// The refusals that do not depend on the trust policy: the action, the target, the provider
/// and the token's audience.
fn refusal_of(
    world: &World,
    f: &Federated,
    req: &HopRequest<'_>,
    target: &Target<'_>,
) -> Option<String> {
    let arn = f.provider_arn();
    if !req.action.is(f.action()) {
        return Some(format!(
            "an identity of {arn} has no AWS permissions of its own: it can only call {} on a role, and acts as that role's session afterwards (10.3)",
            f.action()
        ));
    }
    let Target::Role(role) = target else {
        return Some(format!(
            "{} takes a role of the world; `{}` is not one (10.3)",
            f.action(),
            req.resource
        ));
    };
    if !f.usable_in(world, role.account()) {
        return Some(format!(
            "account {} of role {} has no identity provider {arn}: AWS accepts a token only from a provider of the role's own account (10.3)",
            role.account(), role.name()
        ));
    }
    if let Some(p) = f.oidc(world) {
        if let Some(v) = req.context.get(&f.aud_key()) {
            let refused: Vec<&str> = v
                .values()
                .filter(|a| !p.audiences.iter().any(|x| x == a))
                .collect();
            if !refused.is_empty() || matches!(v, ContextValue::Multi(m) if m.is_empty()) {
                return Some(format!(
                    "the token's audience `{}` is not a client ID of {arn} ({}): AWS refuses the token (10.3)",
                    refused.join("`, `"),
                    if p.audiences.is_empty() {
                        "it has none".to_string()
                    } else {
                        format!("it accepts {}", p.audiences.join(", "))
                    }
                ));
            }
        }
    }
    None
}

/// Why `--suggest-fix` proposes no edit for a federated caller's request: loosening a trust's
/// claim conditions, or adding a provider, decides who on the internet may assume the role, an
/// edit for a person to make knowingly (10.3).
pub(crate) fn no_fix_reason(f: &Federated) -> String {
    format!(
        "the request of an identity of {} is decided by the role's trust policy alone, and iamsim does not loosen the claim conditions of a federated trust (or add a provider): widening them decides who of the provider's identities may assume the role, an edit to make knowingly (10.3)",
        f.provider_arn()
    )
}

/// Does a `Federated` principal value name this caller (10.3)? Provider ARNs compare as IAM
/// writes them; a provider named by host alone (`accounts.google.com`) is not an IAM provider of
/// the world and names no caller iamsim asks as.
pub(crate) fn names(value: &str, caller: &Caller) -> Truth {
    match caller {
        Caller::Federated(f) => Truth::from_bool(value == f.provider_arn()),
        _ => Truth::False,
    }
}

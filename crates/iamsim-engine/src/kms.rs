//! Requests on KMS keys (docs/rules.md section 13.A–13.E): the key policy comes first, the
//! account statement is what lets IAM policies apply, cross-account use needs both sides and
//! works only for some operations, grants allow their grantee, AWS managed keys serve their own
//! account through their service only.
//!
//! The walk ([`crate::walk`]) matches every applicable policy (the key policy as the resource
//! policy) and decides explicit denies and the organization gates as for any request; this module
//! replaces only the grant rules of 4.14 for a request whose resource is a KMS key.

use crate::eval::{Scope, Tally, Target};
use crate::explain::Decision;
use crate::request::Caller;
use crate::statement::{PrincipalMatch, RequestView};
use crate::walk::Recorder;
use crate::HopRequest;
use iamsim_catalog::service_rules::{self as rules, has};
use iamsim_policy::{Context, ContextLookup, ContextValue, Truth};
use iamsim_world::kms_world::{parts, Part};
use iamsim_world::{GrantConstraint, Key, KeyGrant, World};

/// The KMS request a walk is deciding: on a key the world declares, or on a key ARN it does not.
pub(crate) enum KeyRequest<'a> {
    Declared(&'a Key),
    /// 13.28: owner from the ARN, policy and grants unknown.
    Undeclared,
}

/// Whether the request is on a KMS key (a `key/` ARN, or an alias ARN for an operation that uses
/// the key behind it), and which.
pub(crate) fn key_request<'a>(scope: &Scope<'a>, req: &HopRequest<'_>) -> Option<KeyRequest<'a>> {
    // Only KMS actions act on keys; the ARN is read only for them.
    if operation(&req.action.text).is_empty() {
        return None;
    }
    match &scope.target {
        Target::Key(k) => Some(KeyRequest::Declared(k)),
        _ if iamsim_world::kms_world::split_key_arn(req.resource).is_some() => {
            Some(KeyRequest::Undeclared)
        }
        _ if uses_key_behind_alias(req) => Some(KeyRequest::Undeclared),
        _ => None,
    }
}

/// Operations on an alias itself; every other KMS operation named with an alias uses its key.
const ALIAS_OPERATIONS: &[&str] = &["CreateAlias", "DeleteAlias", "UpdateAlias", "ListAliases"];

/// A KMS operation asked with an alias ARN that stands for the alias's key (13.11).
fn uses_key_behind_alias(req: &HopRequest<'_>) -> bool {
    let op = operation(&req.action.text);
    !op.is_empty()
        && !has(ALIAS_OPERATIONS, op)
        && iamsim_world::kms_world::split_alias_arn(req.resource).is_some()
}

/// A request naming a key by its alias, asked of the key the alias points to (13.11): policies
/// about the alias ARN do not govern the key. `None` when the request names no alias of the world.
pub(crate) fn resolve_alias<'a>(world: &'a World, req: &HopRequest<'a>) -> Option<HopRequest<'a>> {
    if !uses_key_behind_alias(req) {
        return None;
    }
    let key = world.key_by_alias(req.resource)?;
    Some(HopRequest {
        resource: &key.arn,
        ..*req
    })
}

/// The operation name of a `kms:` action (`Decrypt` for `kms:Decrypt`), or `""`.
fn operation(action: &str) -> &str {
    action
        .split_once(':')
        .filter(|(s, _)| s.eq_ignore_ascii_case("kms"))
        .map_or("", |(_, n)| n)
}

/// 13.7: whether the KMS operation (`Decrypt`, without the `kms:` prefix; any case) works from
/// another account: the crypto operations and the few others the KMS permissions reference marks
/// "Cross-account use: Yes". Permissions for any other operation given to another account have no
/// effect.
pub fn cross_account_capable(op: &str) -> bool {
    rules::kms_is_crypto(op) || has(rules::KMS_CROSS_ACCOUNT_EXTRA, op)
}

/// The context keys KMS derives for a request on a key (13.10, 13.11): `kms:CallerAccount`
/// and `kms:ResourceAliases`.
pub(crate) fn add_context(scope: &Scope<'_>, ctx: &mut Context) {
    if let Target::Key(k) = &scope.target {
        if let Some(acct) = scope.caller_account {
            ctx.set("kms:CallerAccount", acct);
        }
        if !k.aliases.is_empty() {
            ctx.insert(
                "kms:ResourceAliases",
                ContextValue::Multi(k.aliases.clone()),
            );
        }
    }
}

/// Whether [`add_context`] may set `key`.
pub(crate) fn is_derived_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("kms:CallerAccount") || key.eq_ignore_ascii_case("kms:ResourceAliases")
}

/// Whether who-can leaves a `kms:` context key (lower-cased) open, `None` for other keys. KMS
/// sets them from the request itself (13.10, 13.11): `kms:CallerAccount` is the caller's account
/// (open only for a principal outside the world whose account is not known, as the principal
/// keys), `kms:ResourceAliases` and `kms:RequestAlias` come from the key and the ARN asked,
/// `kms:ViaService` is there when a service asks for the caller and absent on a direct call, and
/// the encryption context a service sends is known (its pairs, and no other). The pairs of a
/// direct call are open.
/// `via_asked`: the question itself fixes `kms:ViaService` (a direct question about calls through
/// a service, whose encryption context it does not know).
pub(crate) fn key_open(key: &str, view: &RequestView<'_>, via_asked: bool) -> Option<bool> {
    match key {
        "kms:calleraccount" => {
            Some(matches!(view.caller, Caller::Outside(_)) && view.context.get(key).is_none())
        }
        "kms:viaservice" | "kms:resourcealiases" | "kms:requestalias" => Some(false),
        // A service asking for the caller sends its own encryption context, whole: a pair it
        // does not send is absent, not open.
        _ if key.starts_with("kms:encryptioncontext:")
            && (view.context.get(key).is_some()
                || (!via_asked && view.context.get("kms:ViaService").is_some())) =>
        {
            Some(false)
        }
        _ => None,
    }
}

/// The request's context as the walk reads it, and the layers given with the request (the
/// service's keys, the caller's), whose `kms:EncryptionContext:` keys are the encryption context.
pub(crate) struct Given<'c> {
    pub lookup: &'c dyn ContextLookup,
    pub layers: &'c [Option<&'c Context>],
    /// The request as statements saw it, with who-can's open conditions.
    pub view: &'c RequestView<'c>,
}

/// How a grant matches the caller (13.8).
#[derive(Clone, Copy, Default)]
struct GrantMatch {
    /// The grantee is the caller's user, role or session.
    principal: bool,
    /// The grantee is the caller's account root: an ACCOUNT match (13.8 (a)).
    account: bool,
}

fn grantee_matches(world: &World, caller: &Caller, grantee: &str) -> GrantMatch {
    let root = |acct: &str| format!("arn:aws:iam::{acct}:root");
    match caller {
        Caller::User { account, .. } => GrantMatch {
            principal: caller.user(world).is_some_and(|u| u.arn() == grantee),
            account: grantee == root(account),
        },
        Caller::Session(s) => GrantMatch {
            principal: grantee == s.arn() || caller.role(world).is_some_and(|r| r.arn() == grantee),
            account: grantee == root(&s.account),
        },
        Caller::Root { account } => GrantMatch {
            principal: false,
            account: grantee == root(account),
        },
        // A principal of an account outside the world: its account's root grantee is an
        // ACCOUNT match, and a grantee naming it is its own.
        Caller::Outside(o) => GrantMatch {
            principal: o.entity.is_some() && o.name() == grantee,
            account: o.account.as_deref().is_some_and(|a| grantee == root(a)),
        },
        Caller::Anonymous | Caller::Federated(_) => GrantMatch::default(),
    }
}

/// The principals of accounts outside the world that the grants of the key `resource` name: the
/// account (any of its principals, with its own IAM policies) for an account-root grantee, and
/// the user, role or session otherwise. who-can asks about each, as about an outside principal a
/// policy names.
pub(crate) fn granted_outside(world: &World, resource: &str) -> Vec<crate::request::Outside> {
    let mut out = Vec::new();
    let Some(key) = world.key_by_arn(resource) else {
        return out;
    };
    for g in &key.grants {
        let Ok(p) = iamsim_policy::principal::read_aws_principal(&g.grantee) else {
            continue;
        };
        let Some((account, entity)) = crate::open_conditions::outside_entity_of(&p) else {
            continue;
        };
        if world.accounts().contains_key(&account) {
            continue;
        }
        out.push(crate::request::Outside {
            account: Some(account.clone()),
            entity: None,
        });
        if entity.is_some() {
            out.push(crate::request::Outside {
                account: Some(account),
                entity,
            });
        }
    }
    out
}

/// Whether a grant on the key `resource` names `caller` itself (a user, role or session
/// grantee): who-can examines such a principal even when none of its policies could allow it.
pub(crate) fn granted_directly(world: &World, resource: &str, caller: &Caller) -> bool {
    world.key_by_arn(resource).is_some_and(|k| {
        k.grants
            .iter()
            .any(|g| grantee_matches(world, caller, &g.grantee).principal)
    })
}

/// The role sessions the grants of the key `resource` name by session name (an assumed-role
/// grantee), as (account, role name, session name) of a world role: who-can asks about each, as
/// about a session a policy names.
pub(crate) fn granted_sessions<'w>(
    world: &'w World,
    resource: &str,
) -> std::collections::BTreeSet<(&'w str, &'w str, String)> {
    let mut out = std::collections::BTreeSet::new();
    let Some(key) = world.key_by_arn(resource) else {
        return out;
    };
    for g in &key.grants {
        let Ok(arn) = iamsim_policy::arn::parse_arn(&g.grantee) else {
            continue;
        };
        let Some((role_name, session)) = arn
            .resource
            .strip_prefix("assumed-role/")
            .and_then(|r| r.split_once('/'))
        else {
            continue;
        };
        let role = world
            .account(arn.account)
            .and_then(|a| a.roles.get(role_name));
        if let (true, Some(role)) = (arn.service == "sts", role) {
            out.insert((role.account(), role.name(), session.to_string()));
        }
    }
    out
}

/// The request's encryption context: its `kms:EncryptionContext:KEY` keys with one value each.
/// `None` when some key has several values (not a context KMS can be sent).
fn encryption_context(ctx: &dyn ContextLookup, keys: &[String]) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for k in keys {
        match ctx.get(&format!("kms:EncryptionContext:{k}")) {
            Some(ContextValue::Single(v)) => out.push((k.to_ascii_lowercase(), v.clone())),
            Some(ContextValue::Multi(_)) => return None,
            None => {}
        }
    }
    Some(out)
}

/// Whether a part holds for the request's encryption context `pairs`: keys compared without
/// case, values exactly.
fn part_holds(p: &Part<'_>, pairs: &[(String, String)]) -> bool {
    match p {
        Part::Pair(k, v) => pairs
            .iter()
            .any(|(pk, pv)| pk.eq_ignore_ascii_case(k) && pv == v),
        Part::NoOtherKey(m) => pairs
            .iter()
            .all(|(pk, _)| m.keys().any(|k| k.eq_ignore_ascii_case(pk))),
    }
}

/// Whether a constraint holds for the request's encryption context (13.9).
#[cfg(test)]
fn constraint_holds(c: &GrantConstraint, pairs: &[(String, String)]) -> bool {
    parts(c).iter().all(|p| part_holds(p, pairs))
}

/// Whether a grant's constraint holds (13.9). Each part is read from the request's encryption
/// context, or — where who-can leaves that context open — is the open condition it is written
/// as, so the grantee is allowed under it.
fn constraint_truth(
    g: &KeyGrant,
    c: &GrantConstraint,
    pairs: Option<&[(String, String)]>,
    ctx: &Given<'_>,
) -> bool {
    let parts = parts(c);
    let exact = |p: &Part<'_>| pairs.is_some_and(|pairs| part_holds(p, pairs));
    match (ctx.view.open, &g.conditions) {
        (Some(open), Some(conds)) if conds.len() == parts.len() => {
            // Every condition is consulted, so each assignment meets the same open ones.
            let mut all = Truth::True;
            for (p, cond) in parts.iter().zip(conds) {
                let t = open
                    .decide(cond, ctx.view)
                    .unwrap_or_else(|| Truth::from_bool(exact(p)));
                all = all.and(t);
            }
            all == Truth::True
        }
        _ => parts.iter().all(exact),
    }
}

/// The context keys a request gives as `kms:EncryptionContext:KEY`, named by the constraints of
/// the grants that may apply.
fn constrained_keys(grants: &[&KeyGrant]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for g in grants {
        if let Some(GrantConstraint::Subset(m) | GrantConstraint::Equals(m)) = &g.constraint {
            keys.extend(m.keys().cloned());
        }
    }
    keys
}

/// The grants of the key that allow the operation to the caller (13.8, 13.9): the best match.
fn grants_allow(
    world: &World,
    req: &HopRequest<'_>,
    ctx: &Given<'_>,
    key: &Key,
    op: &str,
) -> (GrantMatch, Option<usize>) {
    let ops_match = |g: &KeyGrant| g.operations.iter().any(|o| o.eq_ignore_ascii_case(op));
    let candidates: Vec<(usize, &KeyGrant)> = key
        .grants
        .iter()
        .enumerate()
        .filter(|(_, g)| ops_match(g))
        .collect();
    let mut best = GrantMatch::default();
    let mut which = None;
    for (i, g) in candidates {
        let m = grantee_matches(world, req.caller, &g.grantee);
        if !(m.principal || m.account) {
            continue;
        }
        let holds = match &g.constraint {
            None => true,
            Some(_) if has(rules::KMS_CONTEXT_FREE, op) => true,
            Some(c) => {
                // A request whose context names keys outside the constraint still passes a
                // subset constraint; for an equals constraint every context key counts, so the
                // request's whole encryption context is read.
                let mut names = constrained_keys(&[g]);
                for layer in ctx.layers.iter().flatten() {
                    names.extend(context_key_names(layer));
                }
                names.sort_by_key(|n| n.to_ascii_lowercase());
                names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
                let pairs = encryption_context(ctx.lookup, &names);
                constraint_truth(g, c, pairs.as_deref(), ctx)
            }
        };
        if holds {
            best.principal |= m.principal;
            best.account |= m.account;
            which = which.or(Some(i));
        }
    }
    (best, which)
}

/// The encryption-context keys the request's own context gives.
fn context_key_names(ctx: &Context) -> Vec<String> {
    const PREFIX: &str = "kms:encryptioncontext:";
    ctx.iter()
        .filter_map(|(k, _)| {
            let lower = k.to_ascii_lowercase();
            lower
                .starts_with(PREFIX)
                .then(|| k.get(PREFIX.len()..).unwrap_or("").to_string())
        })
        .filter(|k| !k.is_empty())
        .collect()
}

/// Decides a request on a KMS key once the walk has found no explicit deny and the
/// organization gates do not surely fail: section 13 in place of 4.14's grant rules. `rp`: the
/// key policy's Allow grants by principal kind; `ctx`: the request's context as statements saw it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn decide<'a, R: Recorder<'a>>(
    world: &'a World,
    req: &HopRequest<'a>,
    scope: &Scope<'a>,
    key: KeyRequest<'a>,
    t: &Tally,
    rp: PrincipalMatch,
    ctx: &Given<'_>,
    rec: &mut R,
) -> Decision {
    let op = operation(&req.action.text);
    let key_account = match &key {
        KeyRequest::Declared(k) => Some(k.account.as_str()),
        KeyRequest::Undeclared => scope.owner,
    };
    let same = key_account.is_some() && key_account == scope.caller_account;
    if matches!(req.caller, Caller::Anonymous) {
        rec.summary(|| {
            "KMS answers only signed requests: an anonymous caller can use no key (13.1)".into()
        });
        return Decision::ImplicitDeny;
    }
    if !same && !cross_account_capable(op) {
        rec.summary(|| format!(
            "`kms:{op}` does not work across accounts: permissions for it given to another account have no effect (13.7)"
        ));
        return Decision::ImplicitDeny;
    }
    let gates = t.scp_gate.and(t.rcp_gate);
    let key = match key {
        KeyRequest::Declared(k) => k,
        KeyRequest::Undeclared => {
            rec.summary(|| "the world does not declare this key, so its key policy and grants are unknown (13.28)".into());
            return crate::eval::decision_of(gates.and(Truth::Unknown));
        }
    };
    if key.aws_managed {
        if let Some(d) = aws_managed(op, same, ctx.lookup, rec) {
            return d;
        }
    }
    let is_root = matches!(req.caller, Caller::Root { .. });
    let (id, pb, sp) = if is_root || matches!(req.caller, Caller::Outside(_)) {
        (Truth::True, Truth::True, Truth::True)
    } else {
        (
            t.identity,
            t.boundary.unwrap_or(Truth::True),
            t.session.unwrap_or(Truth::True),
        )
    };
    let (gm, grant_index) = grants_allow(world, req, ctx, key, op);
    let grant = if gm.principal {
        pb.and(sp)
    } else if gm.account {
        id.and(pb).and(sp)
    } else {
        Truth::False
    };
    let by_policy = if same {
        rp.direct
            .or(rp.entity.and(pb).and(sp))
            .or(rp.account.and(id).and(pb).and(sp))
    } else {
        rp.any().and(id).and(pb).and(sp)
    };
    let allowed = by_policy.or(grant);
    let result = gates.and(allowed);
    explain(
        rec,
        key,
        same,
        rp,
        id,
        pb,
        sp,
        grant,
        grant_index,
        by_policy,
        t,
        result,
    );
    crate::eval::decision_of(result)
}

/// 13.12: what an AWS managed key refuses whatever its stored policy says.
fn aws_managed<'a, R: Recorder<'a>>(
    op: &str,
    same: bool,
    ctx: &dyn ContextLookup,
    rec: &mut R,
) -> Option<Decision> {
    if !same {
        rec.summary(|| "an AWS managed key cannot be used from another account; only customer managed keys work across accounts (13.12)".into());
        return Some(Decision::ImplicitDeny);
    }
    let read = rules::KMS_AWS_MANAGED_READ_PREFIXES
        .iter()
        .any(|p| crate::eval::starts_with_ignore_case(op, p));
    if !read && !rules::kms_is_crypto(op) {
        rec.summary(|| {
            format!(
            "`kms:{op}` changes or manages an AWS managed key, which AWS does not allow (13.12)"
        )
        });
        return Some(Decision::ImplicitDeny);
    }
    if rules::kms_is_crypto(op) && ctx.get("kms:ViaService").is_none() {
        rec.summary(|| "an AWS managed key cannot be used in cryptographic operations directly, only by its service on the caller's behalf (`kms:ViaService`, 13.12)".into());
        return Some(Decision::ImplicitDeny);
    }
    None
}

#[allow(clippy::too_many_arguments)]
fn explain<'a, R: Recorder<'a>>(
    rec: &mut R,
    key: &Key,
    same: bool,
    rp: PrincipalMatch,
    id: Truth,
    pb: Truth,
    sp: Truth,
    grant: Truth,
    grant_index: Option<usize>,
    by_policy: Truth,
    t: &Tally,
    result: Truth,
) {
    if !R::EXPLAINS {
        return;
    }
    let arn = &key.arn;
    if result == Truth::True {
        rec.summary(|| {
            if grant == Truth::True && by_policy != Truth::True {
                let constrained = grant_index
                    .and_then(|i| key.grants.get(i))
                    .is_some_and(|g| g.constraint.is_some());
                format!(
                    "grant {} on {arn} allows it to the caller (13.8){}",
                    grant_index.unwrap_or(0),
                    if constrained {
                        ", the request's encryption context meeting its constraint (13.9)"
                    } else {
                        ""
                    }
                )
            } else if !same {
                "cross-account: the key policy allows the caller's account or principal and the caller's identity-based policy allows it (13.6)".into()
            } else if rp.direct == Truth::True {
                "the key policy allows the caller by its own ARN or `*`, which needs no identity policy (13.3)".into()
            } else if rp.entity == Truth::True {
                "the key policy names the caller's role (13.3)".into()
            } else {
                "the key policy's account statement lets IAM policies apply, and an identity-based policy allows it (13.2)".into()
            }
        });
        return;
    }
    if t.scp_gate != Truth::True {
        rec.summary(|| "an SCP allows it only under one reading (0.2)".into());
    }
    if t.rcp_gate != Truth::True {
        rec.summary(|| "whether the RCPs of the key's owner allow it is not known (4.6)".into());
    }
    if rp.any() == Truth::False {
        rec.summary(|| {
            if same {
                format!("the key policy of {arn} allows nothing to the caller or its account: without the key policy's account statement an identity-based Allow has no effect (13.1, 13.2)")
            } else {
                format!("cross-account: the key policy of {arn} must allow the caller's account or principal, and it does not (13.6)")
            }
        });
    } else if id != Truth::True && (rp.account != Truth::False || !same) {
        rec.summary(|| {
            if same {
                "the key policy's account statement only lets IAM policies apply: the caller also needs its own identity-based Allow, and none allows it (13.2)".into()
            } else {
                "cross-account: the caller's identity-based policy must allow it too, even when the key policy names it (13.6)".into()
            }
        });
    }
    if pb == Truth::False {
        rec.summary(|| "the permissions boundary does not allow it (4.9)".into());
    }
    if sp == Truth::False {
        rec.summary(|| "no session policy allows it (4.9)".into());
    }
    if grant == Truth::False && !key.grants.is_empty() {
        if let Some(n) = rec.notes() {
            n.push("no grant on the key allows this operation to the caller under the request's encryption context (13.8, 13.9)".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamsim_policy::Span;
    use iamsim_world::kms_world::constraint_conditions;
    use std::collections::BTreeMap;

    #[test]
    fn constraints_compare_keys_without_case_and_values_exactly() {
        let m = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<std::collections::BTreeMap<_, _>>()
        };
        let ctx = vec![
            ("tenant".to_string(), "acme".to_string()),
            ("env".to_string(), "prod".to_string()),
        ];
        assert!(constraint_holds(
            &GrantConstraint::Subset(m(&[("Tenant", "acme")])),
            &ctx
        ));
        assert!(!constraint_holds(
            &GrantConstraint::Subset(m(&[("tenant", "ACME")])),
            &ctx
        ));
        assert!(!constraint_holds(
            &GrantConstraint::Equals(m(&[("tenant", "acme")])),
            &ctx
        ));
        assert!(constraint_holds(
            &GrantConstraint::Equals(m(&[("tenant", "acme"), ("ENV", "prod")])),
            &ctx
        ));
        assert!(!constraint_holds(
            &GrantConstraint::Subset(m(&[("tenant", "acme")])),
            &[]
        ));
    }

    /// The conditions a constraint is written as (for who-can) hold exactly where the
    /// constraint does, on every context over a small universe of keys and values.
    #[test]
    fn constraint_conditions_hold_where_the_constraint_does() {
        let m = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        let constraints = [
            GrantConstraint::Subset(m(&[("tenant", "acme")])),
            GrantConstraint::Subset(m(&[("Tenant", "acme"), ("env", "prod")])),
            GrantConstraint::Equals(m(&[("tenant", "acme")])),
            GrantConstraint::Equals(m(&[("TENANT", "acme"), ("env", "prod")])),
            GrantConstraint::Equals(m(&[])),
            GrantConstraint::Subset(m(&[])),
        ];
        // Every context choosing, for each key, no value or one of two.
        let keys = ["tenant", "ENV", "team"];
        let values = ["acme", "prod"];
        let mut checked = 0;
        for c in &constraints {
            let conds = constraint_conditions(c, Span::new(0, 0)).unwrap();
            for code in 0..27u32 {
                let mut pairs = Vec::new();
                let mut n = code;
                for k in keys {
                    let pick = n % 3;
                    n /= 3;
                    if let Some(v) = values.get(pick as usize) {
                        pairs.push((k.to_ascii_lowercase(), v.to_string()));
                    }
                }
                let mut ctx = Context::new();
                for (k, v) in &pairs {
                    ctx.set(&format!("kms:EncryptionContext:{k}"), v.clone());
                }
                if !pairs.is_empty() {
                    ctx.insert(
                        "kms:EncryptionContextKeys",
                        ContextValue::Multi(pairs.iter().map(|(k, _)| k.clone()).collect()),
                    );
                }
                let by_conditions = conds
                    .iter()
                    .all(|c| iamsim_policy::condition::evaluate(c, &ctx) == Truth::True);
                assert_eq!(
                    by_conditions,
                    constraint_holds(c, &pairs),
                    "{c:?} on {pairs:?}"
                );
                checked += usize::from(by_conditions);
            }
        }
        assert!(checked > 5, "only {checked} contexts met a constraint");
    }

    #[test]
    fn cross_account_operations_follow_the_table() {
        assert!(cross_account_capable("Decrypt") && cross_account_capable("describekey"));
        assert!(!cross_account_capable("ScheduleKeyDeletion"));
        assert!(!cross_account_capable("PutKeyPolicy"));
        assert_eq!(operation("KMS:Decrypt"), "Decrypt");
        assert_eq!(operation("s3:GetObject"), "");
    }
}

//! Offline custom policy checks, as IAM Access Analyzer's CheckNoNewAccess, CheckAccessNotGranted
//! and CheckNoPublicAccess: exact for policies without conditions; where a condition (or a
//! pattern shape) keeps the answer open, the check fails with the reason rather than pass.
//!
//! A check passes only when it is proven: statement by statement, each grant of the new policy is
//! covered by one grant of the old one (or denied). When the proof fails, concrete requests built
//! from the policies' own patterns are tried against both policies; one that the new policy
//! allows and the old does not is printed as the witness.

use crate::patterns::pattern_covers;
use iamsim_catalog::catalog;
use iamsim_policy::condition::evaluate;
use iamsim_policy::{
    ActionKind, AwsPrincipal, Condition, Context, Effect, Policy, PrincipalKind, PrincipalValue,
    RequestResource, ResourceKind, Statement, Truth,
};

/// A concrete request found to be allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub action: String,
    pub resource: String,
    /// For resource-based and trust policies: the caller (`anonymous`, or an ARN).
    pub principal: Option<String>,
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(p) = &self.principal {
            write!(f, "{p} ")?;
        }
        write!(f, "{} {}", self.action, self.resource)
    }
}

/// The outcome of a check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// Proven: this request shows it.
    Fail {
        request: Request,
        reason: String,
    },
    /// Not proven either way; a failure, with why.
    Unsure {
        reason: String,
    },
}

impl Verdict {
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Pass)
    }
}

// ---- evaluating one concrete request ------------------------------------------------------------

fn principal_matches(st: &Statement, principal: Option<&str>) -> Truth {
    let Some(block) = &st.principal else {
        return Truth::True;
    };
    let Some(p) = principal else {
        return Truth::True;
    };
    let account = p.split(':').nth(4).unwrap_or("");
    let hit = block.entries.iter().any(|e| match &e.value {
        PrincipalValue::Aws(AwsPrincipal::Everyone) => true,
        PrincipalValue::Aws(AwsPrincipal::Account { account: a, .. }) => {
            p != "anonymous" && a == account
        }
        PrincipalValue::Aws(_) => e.text == p,
        PrincipalValue::Service(s) | PrincipalValue::Federated(s) => s == p,
        PrincipalValue::CanonicalUser(_) => false,
    });
    let hit = Truth::from_bool(hit);
    match block.kind {
        PrincipalKind::Principal => hit,
        PrincipalKind::NotPrincipal => hit.not(),
    }
}

/// Whether `st` applies to the request (`Unknown` for dual readings and undecidable conditions).
fn statement_applies(st: &Statement, req: &Request) -> Truth {
    let ctx = Context::new();
    let any_action = st
        .action
        .patterns
        .iter()
        .fold(Truth::False, |t, p| t.or(p.matcher.matches(&req.action)));
    let action = match st.action.kind {
        ActionKind::Action => any_action,
        ActionKind::NotAction => any_action.not(),
    };
    let resource = match &st.resource {
        None => Truth::True,
        Some(block) => {
            let rr = if req.resource == "*" {
                RequestResource::Wildcard {
                    service: req.action.split(':').next().unwrap_or(""),
                }
            } else {
                RequestResource::Arn(&req.resource)
            };
            let any = block.patterns.iter().fold(Truth::False, |t, p| {
                t.or(p.matcher.matches(rr, &ctx, block.kind))
            });
            match block.kind {
                ResourceKind::Resource => any,
                ResourceKind::NotResource => any.not(),
            }
        }
    };
    let conditions = st
        .conditions
        .iter()
        .fold(Truth::True, |t, c| t.and(evaluate(c, &ctx)));
    action
        .and(resource)
        .and(principal_matches(st, req.principal.as_deref()))
        .and(conditions)
}

/// Does the policy allow the request? `Unknown` when it depends on a reading or a condition.
pub fn allows(policy: &Policy, req: &Request) -> Truth {
    let mut allow = Truth::False;
    let mut deny = Truth::False;
    for st in &policy.statements {
        let applies = if st.conditions.is_empty() {
            statement_applies(st, req)
        } else {
            // With no request context a condition decides nothing either way.
            let without = Statement {
                conditions: Vec::new(),
                ..st.clone()
            };
            match statement_applies(&without, req) {
                Truth::False => Truth::False,
                _ => Truth::Unknown,
            }
        };
        match st.effect.value {
            Effect::Allow => allow = allow.or(applies),
            Effect::Deny => deny = deny.or(applies),
        }
    }
    allow.and(deny.not())
}

// ---- candidate requests ---------------------------------------------------------------------------

/// Concrete strings a wildcard pattern matches: `*` as nothing, and as a word no policy uses.
fn instances(pattern: &str) -> Vec<String> {
    if pattern == "*" {
        return vec![
            "*".into(),
            "arn:aws:iamsim-witness:us-east-1:999999999999:witness".into(),
        ];
    }
    let fill = |star: &str| -> String {
        // Policy variables (`${aws:username}`) become a plain word; wildcards take `star`.
        let mut out = String::new();
        let mut in_var = false;
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            if in_var {
                in_var = c != '}';
                continue;
            }
            match c {
                '$' if chars.peek() == Some(&'{') => {
                    in_var = true;
                    out.push_str("iamsim");
                }
                '*' => out.push_str(star),
                '?' => out.push('x'),
                c => out.push(c),
            }
        }
        out
    };
    let mut v: Vec<String> = Vec::new();
    for star in ["example", "", "x/example"] {
        let s = fill(star);
        if !v.contains(&s) {
            v.push(s);
        }
    }
    v
}

fn action_instances(pattern: &str) -> Vec<String> {
    if pattern == "*" {
        return vec!["iamsimwitness:WitnessAction".into()];
    }
    let Some((prefix, name)) = pattern.split_once(':') else {
        return vec![pattern.to_string()];
    };
    if !name.contains(['*', '?']) {
        return vec![pattern.to_string()];
    }
    let mut out: Vec<String> = Vec::new();
    if let Some(svc) = catalog().service(prefix) {
        let glob = crate::patterns::glob_match;
        for a in svc.actions() {
            if glob(name.as_bytes(), a.name.as_bytes(), true) {
                out.push(format!("{}:{}", svc.prefix, a.name));
            }
        }
    }
    // An action the catalog does not list yet, which the wildcard also matches.
    out.push(format!(
        "{prefix}:{}",
        name.replace('*', "IamsimWitness").replace('?', "X")
    ));
    out
}

fn principal_instances(st: &Statement) -> Vec<Option<String>> {
    let Some(block) = &st.principal else {
        return vec![None];
    };
    let mut out = Vec::new();
    for e in &block.entries {
        match &e.value {
            PrincipalValue::Aws(AwsPrincipal::Everyone) => {
                out.push(Some("anonymous".to_string()));
                out.push(Some(
                    "arn:aws:iam::999999999999:user/iamsim-witness".to_string(),
                ));
            }
            PrincipalValue::Aws(AwsPrincipal::Account { account, .. }) => {
                out.push(Some(format!("arn:aws:iam::{account}:user/iamsim-witness")));
            }
            _ => out.push(Some(e.text.clone())),
        }
    }
    if block.kind == PrincipalKind::NotPrincipal {
        out.push(Some(
            "arn:aws:iam::999999999999:user/iamsim-witness".to_string(),
        ));
    }
    out
}

/// Requests inside statement `st`: its actions × resources × principals, instantiated, plus the
/// other policy's resource patterns instantiated where `st` covers them.
fn candidates(st: &Statement, other: &Policy) -> Vec<Request> {
    let mut actions: Vec<String> = Vec::new();
    match st.action.kind {
        ActionKind::Action => {
            for p in &st.action.patterns {
                actions.extend(action_instances(&p.text));
            }
        }
        ActionKind::NotAction => {
            // Every action the other policy names, and one no policy names.
            for s in &other.statements {
                for p in &s.action.patterns {
                    actions.extend(action_instances(&p.text));
                }
            }
            actions.push("iamsimwitness:WitnessAction".into());
        }
    }
    let mut resources: Vec<String> = Vec::new();
    let mut from = |block: Option<&iamsim_policy::ResourceBlock>| {
        if let Some(b) = block {
            for p in &b.patterns {
                resources.extend(instances(&p.text));
            }
        }
    };
    from(st.resource.as_ref());
    for s in &other.statements {
        from(s.resource.as_ref());
    }
    if st.resource.is_none() {
        resources.push("*".into());
    }
    dedup(&mut resources);
    dedup(&mut actions);
    let principals = principal_instances(st);
    let mut out = Vec::new();
    for a in &actions {
        for r in &resources {
            for p in &principals {
                out.push(Request {
                    action: a.clone(),
                    resource: r.clone(),
                    principal: p.clone(),
                });
            }
        }
    }
    out
}

/// Drops repeats, keeping the first (most telling) instance first.
fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

// ---- proofs by covering -----------------------------------------------------------------------------

/// Every request `narrow`'s action block matches, `wide`'s matches too.
fn actions_covered(narrow: &Statement, wide: &Statement) -> bool {
    let covers = |w: &str, n: &str| pattern_covers(w, n, true);
    match (narrow.action.kind, wide.action.kind) {
        (ActionKind::Action, ActionKind::Action) => narrow.action.patterns.iter().all(|n| {
            wide.action
                .patterns
                .iter()
                .any(|w| covers(&w.text, &n.text))
                || action_set_covered(&n.text, wide)
        }),
        // Everything but X_n within everything but X_w: X_w must lie inside X_n.
        (ActionKind::NotAction, ActionKind::NotAction) => wide.action.patterns.iter().all(|w| {
            narrow
                .action
                .patterns
                .iter()
                .any(|n| covers(&n.text, &w.text))
        }),
        (ActionKind::Action, ActionKind::NotAction) => {
            narrow.action.patterns.iter().all(|n| {
                !wide.action.patterns.iter().any(|w| {
                    w.matcher.matches(&n.text).may_be_true() || n.text.contains(['*', '?'])
                })
            })
        }
        (ActionKind::NotAction, ActionKind::Action) => {
            wide.action.patterns.iter().any(|w| w.text == "*")
        }
    }
}

/// A wildcard action covered by the union of `wide`'s literal actions: only when the catalog
/// lists every match and the wildcard could match nothing unlisted (never: new actions appear),
/// so this holds only for literal `narrow` patterns, checked through the matchers.
fn action_set_covered(narrow: &str, wide: &Statement) -> bool {
    !narrow.contains(['*', '?'])
        && wide
            .action
            .patterns
            .iter()
            .any(|w| w.matcher.matches(narrow).is_true())
}

fn resources_covered(narrow: &Statement, wide: &Statement) -> bool {
    match (&narrow.resource, &wide.resource) {
        (_, None) => true,
        (None, Some(w)) => {
            w.kind == ResourceKind::Resource && w.patterns.iter().any(|p| p.text == "*")
        }
        (Some(n), Some(w)) => match (n.kind, w.kind) {
            (ResourceKind::Resource, ResourceKind::Resource) => n.patterns.iter().all(|np| {
                w.patterns
                    .iter()
                    .any(|wp| pattern_covers(&wp.text, &np.text, false))
            }),
            (ResourceKind::NotResource, ResourceKind::NotResource) => w.patterns.iter().all(|wp| {
                n.patterns
                    .iter()
                    .any(|np| pattern_covers(&np.text, &wp.text, false))
            }),
            (ResourceKind::NotResource, ResourceKind::Resource) => {
                w.patterns.iter().any(|p| p.text == "*")
            }
            (ResourceKind::Resource, ResourceKind::NotResource) => false,
        },
    }
}

fn principals_covered(narrow: &Statement, wide: &Statement) -> bool {
    match (&narrow.principal, &wide.principal) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(n), Some(w)) => {
            if n.kind != PrincipalKind::Principal || w.kind != PrincipalKind::Principal {
                return false;
            }
            n.entries.iter().all(|ne| {
                w.entries.iter().any(|we| {
                    we.value == ne.value
                        || matches!(we.value, PrincipalValue::Aws(AwsPrincipal::Everyone))
                        || match (&we.value, &ne.value) {
                            (
                                PrincipalValue::Aws(AwsPrincipal::Account { account: a, .. }),
                                PrincipalValue::Aws(p),
                            ) => principal_account(p) == Some(a.as_str()),
                            _ => false,
                        }
                })
            })
        }
    }
}

fn principal_account(p: &AwsPrincipal) -> Option<&str> {
    match p {
        AwsPrincipal::Account { account, .. }
        | AwsPrincipal::User { account, .. }
        | AwsPrincipal::Role { account, .. }
        | AwsPrincipal::AssumedRole { account, .. }
        | AwsPrincipal::FederatedUser { account, .. } => Some(account),
        _ => None,
    }
}

fn same_condition(a: &Condition, b: &Condition) -> bool {
    a.operator.value == b.operator.value
        && a.key.value.eq_ignore_ascii_case(&b.key.value)
        && a.values.len() == b.values.len()
        && a.values
            .iter()
            .all(|v| b.values.iter().any(|w| w.text == v.text))
}

/// `wide`'s conditions are all among `narrow`'s, so whenever `narrow` applies `wide` does.
fn conditions_covered(narrow: &Statement, wide: &Statement) -> bool {
    wide.conditions
        .iter()
        .all(|w| narrow.conditions.iter().any(|n| same_condition(n, w)))
}

fn covered(narrow: &Statement, wide: &Statement) -> bool {
    actions_covered(narrow, wide)
        && resources_covered(narrow, wide)
        && principals_covered(narrow, wide)
        && conditions_covered(narrow, wide)
}

/// One statement per (action pattern × resource pattern × principal entry), so a statement
/// that merges two old ones is proven cell by cell.
fn cells(st: &Statement) -> Vec<Statement> {
    let mut out = Vec::new();
    let actions: Vec<_> = match st.action.kind {
        ActionKind::Action => st.action.patterns.iter().map(|p| vec![p.clone()]).collect(),
        ActionKind::NotAction => vec![st.action.patterns.clone()],
    };
    let resources: Vec<Option<Vec<_>>> = match &st.resource {
        Some(b) if b.kind == ResourceKind::Resource => {
            b.patterns.iter().map(|p| Some(vec![p.clone()])).collect()
        }
        Some(b) => vec![Some(b.patterns.clone())],
        None => vec![None],
    };
    let principals: Vec<Option<Vec<_>>> = match &st.principal {
        Some(b) if b.kind == PrincipalKind::Principal => {
            b.entries.iter().map(|e| Some(vec![e.clone()])).collect()
        }
        Some(b) => vec![Some(b.entries.clone())],
        None => vec![None],
    };
    for a in &actions {
        for r in &resources {
            for p in &principals {
                let mut c = st.clone();
                c.action.patterns = a.clone();
                if let (Some(block), Some(pats)) = (c.resource.as_mut(), r) {
                    block.patterns = pats.clone();
                }
                if let (Some(block), Some(entries)) = (c.principal.as_mut(), p) {
                    block.entries = entries.clone();
                }
                out.push(c);
            }
        }
    }
    out
}

// ---- the checks ---------------------------------------------------------------------------------------

/// CheckNoNewAccess: does `new` allow any request `old` does not?
pub fn no_new_access(old: &Policy, new: &Policy) -> Verdict {
    // Old denies must survive: each is covered by a new deny (else what old denied, new may allow).
    let mut open: Vec<String> = Vec::new();
    for d in old
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Deny)
    {
        let kept = cells(d).iter().all(|cell| {
            new.statements
                .iter()
                .filter(|s| s.effect.value == Effect::Deny)
                .any(|nd| covered(cell, nd) && nd.conditions.len() <= cell.conditions.len())
        });
        if !kept {
            open.push(format!(
                "{} of the old policy (a Deny) has no equal or broader Deny in the new one",
                d.label()
            ));
        }
    }
    for s in new
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
    {
        let proven = cells(s).iter().all(|cell| {
            old.statements
                .iter()
                .filter(|o| o.effect.value == Effect::Allow)
                .any(|o| covered(cell, o))
                || new_denies_cover(cell, new)
        });
        if !proven {
            open.push(format!(
                "{} of the new policy is not covered by a statement of the old one",
                s.label()
            ));
        }
    }
    if open.is_empty() {
        return Verdict::Pass;
    }
    // Look for a witness among the requests the new policy's statements name.
    for s in &new.statements {
        if s.effect.value != Effect::Allow {
            continue;
        }
        for req in candidates(s, old) {
            if allows(new, &req) == Truth::True && allows(old, &req) == Truth::False {
                return Verdict::Fail {
                    reason: format!(
                        "{} of the new policy allows it; the old policy does not",
                        s.label()
                    ),
                    request: req,
                };
            }
        }
    }
    Verdict::Unsure {
        reason: format!(
            "could not prove there is no new access: {}",
            open.join("; ")
        ),
    }
}

/// A cell of a new Allow that an unconditional new Deny covers grants nothing.
fn new_denies_cover(cell: &Statement, new: &Policy) -> bool {
    new.statements
        .iter()
        .filter(|d| d.effect.value == Effect::Deny && d.conditions.is_empty())
        .any(|d| {
            let mut c = cell.clone();
            c.conditions.clear();
            covered(&c, d)
        })
}

/// CheckAccessNotGranted: does the policy allow `action` (on `resource`, or on any resource)?
pub fn access_not_granted(policy: &Policy, actions: &[String], resource: Option<&str>) -> Verdict {
    for s in &policy.statements {
        if s.effect.value != Effect::Allow {
            continue;
        }
        let resources: Vec<String> = match resource {
            Some(r) => vec![r.to_string()],
            None => {
                let mut v: Vec<String> = s
                    .resource
                    .iter()
                    .flat_map(|b| b.patterns.iter().flat_map(|p| instances(&p.text)))
                    .collect();
                if v.is_empty() {
                    v.push("*".into());
                }
                v
            }
        };
        for a in actions {
            for r in &resources {
                for p in principal_instances(s) {
                    let req = Request {
                        action: a.clone(),
                        resource: r.clone(),
                        principal: p,
                    };
                    match allows(policy, &req) {
                        Truth::True => {
                            return Verdict::Fail {
                                reason: format!("{} allows it", s.label()),
                                request: req,
                            }
                        }
                        Truth::Unknown => {
                            return Verdict::Unsure {
                                reason: format!(
                                    "{} may allow `{req}`: it depends on its conditions or on a pattern read two ways",
                                    s.label()
                                ),
                            }
                        }
                        Truth::False => {}
                    }
                }
            }
        }
    }
    Verdict::Pass
}

/// CheckNoPublicAccess for one resource-based or trust policy: may anonymous callers, or any
/// account outside `known_accounts` (when given), get in?
pub fn no_public_access(policy: &Policy, known_accounts: Option<&[String]>) -> Verdict {
    for s in &policy.statements {
        if s.effect.value != Effect::Allow {
            continue;
        }
        let Some(block) = &s.principal else {
            continue;
        };
        for e in &block.entries {
            let outsider = match &e.value {
                PrincipalValue::Aws(AwsPrincipal::Everyone) => {
                    Some("arn:aws:iam::999999999999:user/anyone".to_string())
                }
                PrincipalValue::Federated(_) => Some(e.text.clone()),
                PrincipalValue::Aws(p) => match (principal_account(p), known_accounts) {
                    (Some(a), Some(known)) if !known.iter().any(|k| k == a) => Some(e.text.clone()),
                    _ => None,
                },
                _ => None,
            };
            let Some(who) = outsider else {
                continue;
            };
            if !s.conditions.is_empty() {
                if s.conditions.iter().any(iamsim_policy::public::restricts) {
                    continue;
                }
                return Verdict::Unsure {
                    reason: format!(
                        "{} grants `{}` under conditions that may not restrict who gets in ({})",
                        s.label(),
                        e.text,
                        s.conditions
                            .iter()
                            .map(|c| format!("`{}` on `{}`", c.operator.value.name(), c.key.value))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
            }
            let mut cell = s.clone();
            if let Some(b) = cell.principal.as_mut() {
                b.entries = vec![e.clone()];
            }
            if new_denies_cover(&cell, policy) {
                continue;
            }
            let action = s
                .action
                .patterns
                .first()
                .and_then(|p| action_instances(&p.text).into_iter().next())
                .unwrap_or_default();
            let resource = s
                .resource
                .as_ref()
                .and_then(|b| b.patterns.first())
                .and_then(|p| instances(&p.text).into_iter().next())
                .unwrap_or_else(|| "*".into());
            let anonymous = matches!(e.value, PrincipalValue::Aws(AwsPrincipal::Everyone));
            return Verdict::Fail {
                reason: format!(
                    "{} lets {} in through `{}`",
                    s.label(),
                    if anonymous {
                        "anyone, anonymous callers included,"
                    } else {
                        "a principal outside the world's accounts"
                    },
                    e.text
                ),
                request: Request {
                    action,
                    resource,
                    principal: Some(if anonymous { "anonymous".into() } else { who }),
                },
            };
        }
    }
    Verdict::Pass
}

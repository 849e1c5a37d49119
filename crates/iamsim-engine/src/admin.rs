//! `who-can --admin` (docs/command-line.md): every principal, and every path, that reaches full
//! administrative power in an account — allowed every action on every resource, as the AWS
//! managed policy `AdministratorAccess` grants.
//!
//! "Every action on every resource" cannot be asked as one request, so it is asked as a set of
//! who-can questions ([`crate::who_can`]), each decided by the one evaluator, whose answers must
//! all allow the same principal through the same path:
//!
//! - an action of no AWS service ([`ANY_ACTION`]) on `*`: only a statement allowing `*` (every
//!   action) on `*` (every resource), in every policy that caps the caller (identity policies,
//!   its permissions boundary, the SCPs and RCPs of its account), allows it;
//! - for each statement of those kinds of policies that takes something away — a `Deny`, a
//!   `NotAction` or a `NotResource` — one request it takes away: an action each of its action
//!   patterns matches (a catalog action where one does), on each of its resources (a resource its
//!   pattern matches, in the account asked about).
//!
//! So `PowerUserAccess` (`NotAction` `iam:*`) is not admin (an `iam:` action is asked), nor is
//! `AdministratorAccess` beside a `Deny` of `s3:*`. A statement whose resource cannot be turned
//! into a request (a policy variable) leaves every entry of the account undecided, as does an
//! undecided answer to any of the questions: an admin entry is never claimed without proof.
//!
//! Entries are matched by principal and path. A principal whose answers take different paths
//! (allowed `*` outright but a denied bucket only after removing the Deny) is searched for one
//! path after which every request is allowed ([`crate::admin_paths`]).

use crate::open_conditions::{and_terms, Grant};
use crate::request::RequestError;
use crate::who_can::{WhoCan, WhoCanEntry, WhoCanQuery, WhoCanStats};
use iamsim_policy::{ActionKind, Context, Effect, Policy, PolicyType, ResourceKind, Statement};
use iamsim_world::World;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// An action of no AWS service: allowed only by a statement allowing every action.
pub const ANY_ACTION: &str = "iamsim-no-service:AnyAction";

/// The most requests an admin question asks (each a who-can of the whole world); past it the
/// answer is not given.
pub const MAX_ADMIN_REQUESTS: usize = 256;

/// A `who-can --admin` question.
#[derive(Clone, Debug, Default)]
pub struct AdminQuery {
    /// Only this account (its principals and the role sessions of its roles); `None`: every
    /// account of the world.
    pub account: Option<String>,
    /// Keys the question fixes; every other request key is open, as in who-can.
    pub context: Context,
}

/// One request asked, for the accounts it is asked for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Request {
    action: String,
    resource: String,
}

/// What every account must be asked, and the accounts whose requests could not be built (why).
struct Plan {
    requests: BTreeMap<Request, BTreeSet<String>>,
    unprobed: BTreeMap<String, String>,
}

/// Answers a `who-can --admin` question: the entries allowed every request of the plan, by
/// account; `action` and `resource` of the answer are `*`.
pub fn who_is_admin(world: &World, q: &AdminQuery) -> Result<WhoCan, RequestError> {
    let accounts: Vec<String> = match &q.account {
        Some(a) if world.accounts().contains_key(a) => vec![a.clone()],
        Some(a) => {
            return Err(RequestError::new(
                iamsim_policy::Code::UnknownRequestEntity,
                format!("account `{a}` is not an account of the world"),
            ))
        }
        None => world.accounts().keys().cloned().collect(),
    };
    let plan = plan(world, &accounts)?;
    // One path search for every question: its index of the world is built once and the hops
    // it decides are kept for the next question (they do not depend on the request asked).
    let paths = crate::PathSearch::new(world);
    // Asked about one account, only the entries acting in it count: the escalation search
    // skips the principals that cannot reach it (crate::account_reach).
    let only: Option<BTreeSet<String>> = q
        .account
        .as_ref()
        .filter(|_| !crate::account_reach::is_unpruned())
        .map(|a| BTreeSet::from([a.clone()]));
    let ask = |action: &str, resource: &str| {
        crate::who_can::who_can_within(
            world,
            &paths,
            &WhoCanQuery {
                action: action.to_string(),
                resource: resource.to_string(),
                context: q.context.clone(),
            },
            only.as_ref(),
        )
    };
    let base = ask(ANY_ACTION, "*")?;
    let mut answers: Vec<(&Request, &BTreeSet<String>, WhoCan)> = Vec::new();
    for (r, for_accounts) in &plan.requests {
        answers.push((r, for_accounts, ask(&r.action, &r.resource)?));
    }
    let mut out = WhoCan {
        action: "*".into(),
        resource: "*".into(),
        principals: Vec::new(),
        undecided: Vec::new(),
        stats: WhoCanStats::default(),
        omitted: base.omitted,
        listing: None,
    };
    add_stats(&mut out.stats, &base.stats);
    for (_, _, a) in &answers {
        add_stats(&mut out.stats, &a.stats);
        out.omitted = out.omitted.max(a.omitted);
    }
    let indexed: Vec<(&Request, &BTreeSet<String>, HashMap<Key, &WhoCanEntry>)> = answers
        .iter()
        .map(|(r, accs, a)| (*r, *accs, index(a)))
        .collect();
    for entry in base.principals.iter().chain(base.undecided.iter()) {
        let Some(account) = acting_account(entry) else {
            continue;
        };
        if !accounts.contains(&account) {
            continue;
        }
        let mut e = entry.clone();
        let mut notes: Vec<String> = Vec::new();
        if let Some(why) = plan.unprobed.get(&account) {
            e.grant = e.grant.and(&Grant::Indeterminate);
            notes.push(why.clone());
        }
        for (r, accs, idx) in &indexed {
            if !accs.contains(&account) {
                continue;
            }
            let Some(other) = idx.get(&key(entry)) else {
                e.grant = Grant::Deny(crate::explain::Decision::ImplicitDeny);
                break;
            };
            if matches!(other.grant, Grant::Conditional(_)) {
                e.terms = and_terms(&e.terms, &other.terms);
            }
            if other.grant == Grant::Indeterminate {
                notes.push(format!(
                    "{} on {} cannot be decided for it (see who-can for that request)",
                    r.action, r.resource
                ));
            }
            e.grant = e.grant.and(&other.grant);
        }
        if !matches!(e.grant, Grant::Conditional(_)) {
            e.terms.clear();
        }
        if !notes.is_empty() {
            if let Some(last) = e.path.pop() {
                let mut hop = crate::explain::Hop::clone(&last);
                hop.notes.extend(notes);
                e.path.push(Arc::new(hop));
            }
        }
        match e.grant {
            Grant::Allow | Grant::Conditional(_) => out.principals.push(e),
            Grant::Indeterminate => out.undecided.push(e),
            Grant::Deny(_) => {}
        }
    }
    add_path_admins(&paths, q, &accounts, only.as_ref(), &plan, &base, &mut out);
    Ok(out)
}

/// The principals of the first answer that no path matched across the answers, searched for one
/// path after which every request is allowed ([`crate::admin_paths`]).
fn add_path_admins(
    paths: &crate::PathSearch<'_>,
    q: &AdminQuery,
    accounts: &[String],
    only: Option<&BTreeSet<String>>,
    plan: &Plan,
    base: &WhoCan,
    out: &mut WhoCan,
) {
    let listed: BTreeSet<&str> = out
        .principals
        .iter()
        .map(|e| e.principal.as_str())
        .collect();
    // Asked about one account, the first answer leaves out the entries acting in others, but
    // notes their principals: each may still have one path to the account asked about.
    let candidates: Vec<String> = base
        .entry_principals()
        .into_iter()
        .filter(|p| !listed.contains(p))
        .map(str::to_string)
        .collect();
    let requests = |account: &str| -> Option<Vec<(String, String)>> {
        // An account whose requests could not all be built is never proven admin.
        if !accounts.iter().any(|a| a == account) || plan.unprobed.contains_key(account) {
            return None;
        }
        let mut asked = vec![(ANY_ACTION.to_string(), "*".to_string())];
        for (r, accs) in &plan.requests {
            if accs.contains(account) {
                asked.push((r.action.clone(), r.resource.clone()));
            }
        }
        Some(asked)
    };
    let found =
        crate::admin_paths::admins_through_paths(paths, &q.context, &candidates, &requests, only);
    out.principals.extend(found.principals);
    let undecided: BTreeSet<String> = out.undecided.iter().map(|e| e.principal.clone()).collect();
    out.undecided.extend(
        found
            .undecided
            .into_iter()
            .filter(|e| !undecided.contains(&e.principal)),
    );
    out.omitted += found.omitted;
}

fn add_stats(to: &mut WhoCanStats, s: &WhoCanStats) {
    to.principals = to.principals.max(s.principals);
    to.final_requests += s.final_requests;
    to.assume_edges += s.assume_edges;
    to.roles_reaching = to.roles_reaching.max(s.roles_reaching);
    to.path_starts += s.path_starts;
    to.path_nodes += s.path_nodes;
    to.path_skipped += s.path_skipped;
    to.graph_time += s.graph_time;
    to.finals_time += s.finals_time;
    to.edges_time += s.edges_time;
    to.total_time += s.total_time;
}

type Key = (String, Vec<String>);

fn key(e: &WhoCanEntry) -> Key {
    (e.principal.clone(), e.via.clone())
}

fn index(a: &WhoCan) -> HashMap<Key, &WhoCanEntry> {
    a.principals
        .iter()
        .chain(a.undecided.iter())
        .map(|e| (key(e), e))
        .collect()
}

/// The account the entry's final request is made in: that of the principal acted as last.
fn acting_account(e: &WhoCanEntry) -> Option<String> {
    crate::who_can::acting_account(&e.principal, &e.via)
}

/// The requests each account is asked (beyond [`ANY_ACTION`] on `*`), from every statement
/// that takes something away in a policy that caps callers.
fn plan(world: &World, accounts: &[String]) -> Result<Plan, RequestError> {
    let mut out = Plan {
        requests: BTreeMap::new(),
        unprobed: BTreeMap::new(),
    };
    for policy in iamsim_world::world_policies(world) {
        if !caps_callers(policy) {
            continue;
        }
        for s in &policy.statements {
            if !takes_away(s) {
                continue;
            }
            let actions = actions_of(s);
            for account in accounts {
                let resources = match resources_of(world, s, account) {
                    Ok(r) => r,
                    Err(why) => {
                        out.unprobed.entry(account.clone()).or_insert_with(|| {
                            format!(
                                "not proven admin: {} at {} takes something away on {why}, which no request can stand for",
                                s.label(),
                                policy.location(s.span),
                            )
                        });
                        continue;
                    }
                };
                for action in &actions {
                    for resource in &resources {
                        out.requests
                            .entry(Request {
                                action: action.clone(),
                                resource: resource.clone(),
                            })
                            .or_default()
                            .insert(account.clone());
                    }
                }
            }
            if out.requests.len() > MAX_ADMIN_REQUESTS {
                return Err(RequestError::new(
                    iamsim_policy::Code::QuestionTooLarge,
                    format!(
                        "the world's Deny, NotAction and NotResource statements need more than {MAX_ADMIN_REQUESTS} requests to rule out; the admin question is not answered"
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// Policies whose statements cap what a caller may do.
fn caps_callers(p: &Policy) -> bool {
    matches!(
        p.policy_type,
        PolicyType::Identity
            | PolicyType::Boundary
            | PolicyType::Session
            | PolicyType::Scp
            | PolicyType::Rcp
    )
}

/// A statement that takes something away from `*` on `*`.
fn takes_away(s: &Statement) -> bool {
    s.effect.value == Effect::Deny
        || s.action.kind == ActionKind::NotAction
        || s.resource
            .as_ref()
            .is_some_and(|r| r.kind == ResourceKind::NotResource)
}

/// One action per action pattern of the statement (and [`ANY_ACTION`] for a `NotAction` or a
/// `*`: what such a statement covers beyond its patterns).
fn actions_of(s: &Statement) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if s.action.kind == ActionKind::NotAction {
        out.push(ANY_ACTION.into());
    }
    for p in &s.action.patterns {
        let a = if p.matcher.matches_all() {
            ANY_ACTION.to_string()
        } else {
            witness(&p.text, &p.matcher)
        };
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// An action `pattern` matches: the first catalog action it matches, else the pattern with each
/// wildcard filled (an action the catalog does not list yet).
fn witness(pattern: &str, matcher: &iamsim_policy::action::ActionMatcher) -> String {
    if !pattern.contains(['*', '?']) {
        return pattern.to_string();
    }
    iamsim_catalog::catalog()
        .actions_matching(matcher.service(), |a| matcher.matches(a).is_true())
        .into_iter()
        .next()
        .unwrap_or_else(|| pattern.replace(['*', '?'], "X"))
}

/// The resources the statement's patterns stand for in `account` (for `NotResource`, also `*`:
/// what it covers beyond its patterns). A pattern naming another account, or an S3 bucket of
/// another account, stands for nothing there; an error names a pattern no request can stand for.
fn resources_of(world: &World, s: &Statement, account: &str) -> Result<Vec<String>, String> {
    let Some(block) = &s.resource else {
        return Ok(Vec::new());
    };
    let mut out: Vec<String> = Vec::new();
    if block.kind == ResourceKind::NotResource {
        out.push("*".into());
    }
    for p in &block.patterns {
        if p.matcher.matches_all() {
            out.push("*".into());
            continue;
        }
        if p.text.contains("${") {
            return Err(format!("`{}`", p.text));
        }
        if let Some(r) = instance(world, &p.text, account) {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    Ok(out)
}

/// A resource of `account` matching the ARN pattern: a wildcard account is the account, a
/// wildcard Region `us-east-1`, every other wildcard `x`. `None` when it names another account.
fn instance(world: &World, pattern: &str, account: &str) -> Option<String> {
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let [arn, partition, service, region, acct, rest] = parts.as_slice() else {
        return Some(pattern.replace(['*', '?'], "x"));
    };
    let fill = |t: &str| t.replace(['*', '?'], "x");
    let acct = if acct.contains(['*', '?']) {
        account.to_string()
    } else if acct.is_empty() || *acct == account {
        acct.to_string()
    } else {
        return None;
    };
    let region = if region.contains(['*', '?']) {
        "us-east-1".to_string()
    } else {
        region.to_string()
    };
    let rest = fill(rest);
    if *service == "s3" && acct.is_empty() {
        let bucket = rest.split('/').next().unwrap_or("");
        if world.bucket(bucket).is_some_and(|b| b.account != account) {
            return None;
        }
    }
    Some(format!(
        "{}:{}:{}:{region}:{acct}:{rest}",
        fill(arn),
        fill(partition),
        fill(service)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_is_in_the_account_asked_about() {
        let world = World::default();
        let a = "111111111111";
        assert_eq!(
            instance(&world, "arn:aws:ec2:*:*:instance/*", a).as_deref(),
            Some("arn:aws:ec2:us-east-1:111111111111:instance/x")
        );
        assert_eq!(
            instance(&world, "arn:aws:s3:::payroll/*", a).as_deref(),
            Some("arn:aws:s3:::payroll/x")
        );
        assert_eq!(
            instance(&world, "arn:aws:iam::222222222222:role/*", a),
            None
        );
        assert_eq!(
            instance(&world, "arn:aws:iam::111111111111:role/Adm?n", a).as_deref(),
            Some("arn:aws:iam::111111111111:role/Admxn")
        );
    }
}

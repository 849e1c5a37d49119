//! Which accounts' principals can matter to who-can's search of escalation paths (docs/rules.md
//! 10.4): the search visits principals one by one, and on an organization most of them sit in
//! accounts from which no path can ever end where the final request may be allowed.
//!
//! Two facts, both read from the world's policies without deciding a request:
//!
//! - the *goal accounts* of a question: the accounts whose principals may be allowed its final
//!   request at all. Across accounts both sides must allow (5.1, 5.2), and the resource's side is
//!   its resource-based policy: a principal of another account that the policy does not name, by
//!   account, ARN or `*`, is refused whatever it holds. So the goal accounts are the resource's
//!   owner and the accounts the resource's policy may admit; every account when the owner or the
//!   policy is not known, when the request acts on the caller's own account (`*`, 2.10), on a
//!   set of resources, on a KMS key (grants, 13.8), or when a Deny holding values IaC files
//!   leave open may turn a refusal into `indeterminate` (0.2);
//! - the *moves between accounts*: a path leaves its account only by AssumeRole into a role
//!   whose trust policy may let the account in (6.2, 6.5), or by acting on a resource another
//!   account's resource-based policy may let it act on (taking over a function, 10.4). Every
//!   other step changes or becomes a principal of the caller's own account: IAM has no
//!   resource-based policies for its users, groups, roles and policies (4.14).
//!
//! Walking the moves backwards from the goal accounts gives the accounts that can reach one; a
//! principal of any other account has no path to an entry, and is not searched. A move through
//! a role counts only when the role's session can go on from where it lands: some step is open
//! to it ([`crate::step_index`]), or, in a goal account, it may itself be allowed the final
//! request. A role that can do neither (a deploy role allowed to update code but not to invoke
//! it, a read-only auditor) ends every path that enters it, so the accounts that trust it gain
//! nothing by it.
//!
//! Everything here is an over-approximation: a statement is read as admitting an account
//! whenever it may (conditions are ignored; `*`, `NotPrincipal`, a canonical user or a unique id
//! admit every account), a role may go on whenever an identity Allow of it may match an action
//! of a step, and an account it enters is taken as wholly reached. A principal is skipped only
//! when no reading of the policies lets its paths out.

use crate::eval::{scope, HopRequest};
use crate::graph::{action_may_match, allow_statements, resource_may_match};
use crate::request::{Action, Caller, Session, DEFAULT_SESSION_NAME};
use crate::step_index::{StepIndex, StepsOpen};
use iamsim_policy::{
    AwsPrincipal, Context, Effect, PrincipalKind, PrincipalValue, RequestResource,
};
use iamsim_world::{LoadedPolicy, Role, World};
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

/// The accounts from which a question's answer may be reached, as one search of paths is told
/// them ([`crate::PathSearch::reaching`]): `id` names the set among those the path search was
/// told (0: every account), for the hops it keeps per set.
#[derive(Clone, Debug)]
pub(crate) struct Reach {
    pub(crate) accounts: Accounts,
    pub(crate) id: usize,
}

impl Reach {
    /// Every account.
    pub(crate) fn every() -> Reach {
        Reach {
            accounts: Accounts::Every,
            id: 0,
        }
    }

    /// Whether a path through `caller` may still reach the answer (a principal without an
    /// account is kept).
    pub(crate) fn keeps(&self, caller: &Caller) -> bool {
        self.accounts.keeps(caller.account())
    }

    /// Whether a path may move into `account`.
    pub(crate) fn admits(&self, account: &str) -> bool {
        self.accounts.contains(account)
    }

    /// Whether it rules nothing out.
    pub(crate) fn is_every(&self) -> bool {
        self.accounts == Accounts::Every
    }
}

/// A set of accounts, or every account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Accounts {
    /// Every account, inside the world or not.
    Every,
    /// These accounts only.
    Some(BTreeSet<String>),
}

impl Accounts {
    fn none() -> Accounts {
        Accounts::Some(BTreeSet::new())
    }

    /// Whether `account` is in the set.
    pub(crate) fn contains(&self, account: &str) -> bool {
        match self {
            Accounts::Every => true,
            Accounts::Some(s) => s.contains(account),
        }
    }

    /// Whether a principal acting in `account` (`None`: in none the world knows) is in the set;
    /// a principal without an account is always kept.
    pub(crate) fn keeps(&self, account: Option<&str>) -> bool {
        account.is_none_or(|a| self.contains(a))
    }

    fn add(&mut self, other: Accounts) {
        match (&mut *self, other) {
            (Accounts::Every, _) => {}
            (_, Accounts::Every) => *self = Accounts::Every,
            (Accounts::Some(s), Accounts::Some(o)) => s.extend(o),
        }
    }

    /// The set without `account`; `None` when nothing is left.
    fn others_than(&self, account: &str) -> Option<Accounts> {
        match self {
            Accounts::Every => Some(Accounts::Every),
            Accounts::Some(s) => {
                let rest: BTreeSet<String> = s.iter().filter(|a| *a != account).cloned().collect();
                (!rest.is_empty()).then_some(Accounts::Some(rest))
            }
        }
    }

    /// The accounts in both.
    fn within(self, only: Option<&BTreeSet<String>>) -> Accounts {
        match (self, only) {
            (a, None) => a,
            (Accounts::Every, Some(o)) => Accounts::Some(o.clone()),
            (Accounts::Some(s), Some(o)) => Accounts::Some(s.intersection(o).cloned().collect()),
        }
    }
}

/// The moves between accounts of one world, and what makes every account a goal; built once
/// per world ([`crate::PathSearch`]).
pub(crate) struct ReachIndex<'w> {
    /// For each account, its roles whose trust policy may let in principals of other accounts.
    entries: HashMap<&'w str, Vec<Entry<'w>>>,
    /// For each account, the other accounts that the policies of its declared resources may
    /// let act on them (a function taken over runs with a role of its own account).
    by_resources: HashMap<&'w str, Accounts>,
    /// Accounts holding compute whose role the world does not name: a path that takes one over
    /// leads somewhere unknown, and its entry is conditional whatever the question.
    dead_ends: BTreeSet<String>,
    /// Whether some Deny statement holds values IaC files leave open (0.2): where it may apply
    /// the refusal is `indeterminate`, for a principal of any account.
    unresolved_deny: bool,
    /// Whom the roles' trust policies let in with no identity Allow of theirs (4.12).
    trust_direct: Direct,
    /// Whom the policies of the world's declared resources (functions, stacks, queues, ...)
    /// grant with no identity Allow of theirs (4.10): a step on such a resource may be taken
    /// without one.
    resources_direct: Direct,
}

/// A role that principals of other accounts may assume.
struct Entry<'w> {
    role: &'w Role,
    /// The other accounts its trust policy may let in.
    from: Accounts,
    /// Whether a session of it may take any step at all ([`crate::step_index`]); found when
    /// first asked.
    live: OnceLock<bool>,
}

/// What one resource-based policy (a trust policy, for `sts:AssumeRole`) may let in.
struct Reads {
    /// The accounts whose principals it may let in.
    accounts: Accounts,
    /// Whether it may grant every principal of its own account directly (`*`, `NotPrincipal`,
    /// a unique id, a statement without a principal).
    open: bool,
    /// The users and roles it names: (account, `user/NAME` or `role/NAME`).
    named: Vec<(String, String)>,
}

impl Reads {
    /// What the Allow statements of `policy` may let in (those that may match `action`, when
    /// given). Conditions are not read: a statement may admit what its principals name.
    fn of(policy: &LoadedPolicy, action: Option<&str>) -> Reads {
        let mut accounts = BTreeSet::new();
        let mut every = false;
        let mut open = false;
        let mut named = Vec::new();
        for s in allow_statements(policy) {
            if action.is_some_and(|a| !action_may_match(s, a)) {
                continue;
            }
            // A resource-based statement without a principal is not one AWS accepts: it is not
            // read as excluding anyone; NotPrincipal names whom it leaves out (2.17).
            let Some(block) = s
                .principal
                .as_ref()
                .filter(|b| b.kind == PrincipalKind::Principal)
            else {
                (every, open) = (true, true);
                continue;
            };
            for e in &block.entries {
                match &e.value {
                    PrincipalValue::Aws(AwsPrincipal::Everyone | AwsPrincipal::UniqueId(_)) => {
                        (every, open) = (true, true);
                    }
                    // A canonical user stands for an account whose id the world does not map
                    // (1.14).
                    PrincipalValue::CanonicalUser(_) => every = true,
                    PrincipalValue::Aws(AwsPrincipal::Account { account, .. }) => {
                        accounts.insert(account.clone());
                    }
                    PrincipalValue::Aws(AwsPrincipal::User { account, name, .. }) => {
                        accounts.insert(account.clone());
                        named.push((account.clone(), format!("user/{name}")));
                    }
                    PrincipalValue::Aws(
                        AwsPrincipal::Role {
                            account,
                            name: role_name,
                            ..
                        }
                        | AwsPrincipal::AssumedRole {
                            account, role_name, ..
                        },
                    ) => {
                        accounts.insert(account.clone());
                        named.push((account.clone(), format!("role/{role_name}")));
                    }
                    // A federated user session, a service or an identity provider is never a
                    // user or role session of an account (2.19, 10.3).
                    PrincipalValue::Aws(AwsPrincipal::FederatedUser { .. })
                    | PrincipalValue::Service(_)
                    | PrincipalValue::Federated(_) => {}
                }
            }
        }
        Reads {
            accounts: if every {
                Accounts::Every
            } else {
                Accounts::Some(accounts)
            },
            open,
            named,
        }
    }
}

/// The principals some policies grant directly, with no identity Allow of their own: only
/// principals of the policy's own account (across accounts both sides must allow, 5.2).
#[derive(Default)]
struct Direct {
    /// Accounts some policy of which may grant every principal of the account.
    open: BTreeSet<String>,
    /// The users and roles named by a policy of their own account: (account, `user/NAME` or
    /// `role/NAME`).
    named: std::collections::HashSet<(String, String)>,
}

impl Direct {
    /// Adds what a policy of `account` grants directly.
    fn add(&mut self, account: &str, reads: &Reads) {
        if reads.open {
            self.open.insert(account.to_string());
        }
        for (a, name) in &reads.named {
            if a == account {
                self.named.insert((a.clone(), name.clone()));
            }
        }
    }

    /// Whether some policy may grant `caller` directly.
    fn admits(&self, world: &World, caller: &Caller) -> bool {
        let Some(account) = caller.account() else {
            return false;
        };
        if self.open.contains(account) {
            return true;
        }
        let name = match (caller.user(world), caller.role(world)) {
            (Some(u), _) => format!("user/{}", u.name()),
            (None, Some(r)) => format!("role/{}", r.name()),
            // Not a user or role of the world: taken as named.
            _ => return true,
        };
        self.named.contains(&(account.to_string(), name))
    }
}

impl<'w> ReachIndex<'w> {
    /// Reads the moves of `world`: every role's trust policy and every declared resource's
    /// policy.
    pub(crate) fn new(world: &'w World) -> ReachIndex<'w> {
        let mut ix = ReachIndex {
            entries: HashMap::new(),
            by_resources: HashMap::new(),
            dead_ends: BTreeSet::new(),
            unresolved_deny: false,
            trust_direct: Direct::default(),
            resources_direct: Direct::default(),
        };
        // Most roles share their trust policy: each is read once.
        let mut trusts: HashMap<usize, Reads> = HashMap::new();
        for (id, account) in world.accounts() {
            let mut entries = Vec::new();
            for role in account.roles.values() {
                let key = std::sync::Arc::as_ptr(&role.trust) as usize;
                let reads = trusts
                    .entry(key)
                    .or_insert_with(|| Reads::of(&role.trust, Some("sts:AssumeRole")));
                ix.trust_direct.add(id, reads);
                if let Some(from) = reads.accounts.others_than(id) {
                    entries.push(Entry {
                        role,
                        from,
                        live: OnceLock::new(),
                    });
                }
            }
            if !entries.is_empty() {
                ix.entries.insert(id.as_str(), entries);
            }
            let mut by_resources = Accounts::none();
            for r in account.resources.values() {
                if let Some(p) = &r.policy {
                    let reads = Reads::of(p, None);
                    by_resources.add(reads.accounts.clone());
                    ix.resources_direct.add(id, &reads);
                }
            }
            if let Some(from) = by_resources.others_than(id) {
                ix.by_resources.insert(id.as_str(), from);
            }
            if account.compute.values().any(|c| c.role(account).is_none()) {
                ix.dead_ends.insert(id.clone());
            }
        }
        let mut seen: std::collections::HashSet<usize> = std::collections::HashSet::new();
        ix.unresolved_deny = iamsim_world::world_policies(world).into_iter().any(|p| {
            seen.insert(std::ptr::from_ref(p) as usize)
                && p.statements.iter().any(|s| {
                    s.effect.value == Effect::Deny
                        && s.conditions
                            .iter()
                            .any(|c| c.key.value.eq_ignore_ascii_case(crate::unresolved::KEY))
                })
        });
        ix
    }

    /// Whether a trust policy of a role of `caller`'s account may let it in with no identity
    /// Allow of its own (4.12): it names the caller, or lets in `*`.
    pub(crate) fn trust_admits_directly(&self, world: &World, caller: &Caller) -> bool {
        self.trust_direct.admits(world, caller)
    }

    /// Whether the policy of a declared resource of `caller`'s account may grant it a request
    /// with no identity Allow of its own (4.10).
    pub(crate) fn resources_admit_directly(&self, world: &World, caller: &Caller) -> bool {
        self.resources_direct.admits(world, caller)
    }

    /// The accounts from which a path may end where the final request of `action` on
    /// `resource` may be allowed (`goal`: the question's, [`goal_accounts`]; `only`: of the
    /// goal accounts, those asked about), walking the moves backwards from the goal accounts. A move into an account through a role
    /// counts only when the role's session may go on from there (some step is open to it,
    /// `steps`), or, in a goal account, when the role may itself be allowed the final request:
    /// a role that can do neither ends every path that enters it.
    pub(crate) fn reaching(
        &self,
        world: &World,
        steps: &StepIndex,
        action: &Action,
        resource: &str,
        goal: Goal,
        only: Option<&BTreeSet<String>>,
    ) -> Accounts {
        if is_unpruned() {
            return Accounts::Every;
        }
        let goal = if self.unresolved_deny {
            Goal::every(true)
        } else {
            goal
        };
        let mut goals = goal.accounts.clone().within(only);
        // A path that takes over such a compute gives an entry to the principal that took it
        // over, in whatever account it acts: those compute's accounts are goals of every
        // question.
        goals.add(Accounts::Some(self.dead_ends.clone()));
        let Accounts::Some(goals) = goals else {
            return Accounts::Every;
        };
        let service = action.service();
        let requested = if resource == "*" {
            RequestResource::Wildcard { service: &service }
        } else {
            RequestResource::Arn(resource)
        };
        // The role's session as it enters may be allowed the final request (who-can's own test
        // of whom to ask, crate::graph::Graph::may_be_allowed).
        let allowed_as_is = |role: &Role| {
            goal.grants_directly(role)
                || role.policies.iter().any(|p| {
                    allow_statements(p).any(|s| {
                        action_may_match(s, &action.text) && resource_may_match(s, requested)
                    })
                })
        };
        // Backwards over the moves.
        let mut reach = goals.clone();
        let mut queue: Vec<String> = goals.into_iter().collect();
        while let Some(b) = queue.pop() {
            let mut from = Accounts::none();
            for e in self.entries.get(b.as_str()).into_iter().flatten() {
                let live = *e.live.get_or_init(|| {
                    let session = Caller::Session(Session::new(e.role, DEFAULT_SESSION_NAME));
                    steps.open(world, &session, self) != StepsOpen::None
                });
                if live || (goal.accounts.contains(&b) && allowed_as_is(e.role)) {
                    from.add(e.from.clone());
                }
            }
            if let Some(r) = self.by_resources.get(b.as_str()) {
                from.add(r.clone());
            }
            let Accounts::Some(from) = from else {
                return Accounts::Every;
            };
            for a in from {
                if reach.insert(a.clone()) {
                    queue.push(a);
                }
            }
        }
        Accounts::Some(reach)
    }
}

/// The goal accounts of a question, with whom the final request may be allowed without an
/// identity Allow of theirs.
pub(crate) struct Goal {
    /// The accounts whose principals may be allowed the final request.
    pub(crate) accounts: Accounts,
    /// What the resource's policy may grant directly.
    direct: Granted,
}

/// Whom a question's final request may be allowed with no identity Allow of theirs.
enum Granted {
    /// No one: the caller's identity policies decide (an action on `*`, the caller's own
    /// account, which no resource-based policy covers, 2.10).
    NoOne,
    /// Those the resource's policy grants directly (`None`: it has none).
    ByPolicy(Option<Reads>),
    /// Anyone, as far as these reads go: the owner or the resource's policy is not known, a
    /// KMS key's grants, a set of resources, a request allowed to every caller (4.13), a Deny
    /// left open by IaC files (0.2).
    Anyone,
}

impl Goal {
    /// Every account; `direct`: whether a principal may be allowed without an identity Allow.
    fn every(direct: bool) -> Goal {
        Goal {
            accounts: Accounts::Every,
            direct: if direct {
                Granted::Anyone
            } else {
                Granted::NoOne
            },
        }
    }

    /// Whether a session of `role`, as it is, may be allowed the final request with no identity
    /// Allow of its own.
    fn grants_directly(&self, role: &Role) -> bool {
        match &self.direct {
            Granted::NoOne | Granted::ByPolicy(None) => false,
            Granted::Anyone => true,
            Granted::ByPolicy(Some(r)) => {
                r.open
                    || r.named.iter().any(|(a, n)| {
                        a == role.account() && n.strip_prefix("role/") == Some(role.name())
                    })
            }
        }
    }
}

/// The accounts whose principals may be allowed `action` on `resource` at all, by the
/// resource's owner and its resource-based policy as the one evaluator finds them
/// ([`crate::eval::scope`]).
pub(crate) fn goal_accounts(world: &World, action: &Action, resource: &str) -> Goal {
    // A request every caller is allowed (4.13).
    if action.is("sts:GetCallerIdentity") {
        return Goal::every(true);
    }
    // An action on `*`: on the caller's own account, whose identity policies decide (2.10).
    if resource == "*" {
        return Goal::every(false);
    }
    // A set of resources (2.7a), a KMS key with its grants (13.8).
    if resource.contains(['*', '?']) || action.service() == "kms" {
        return Goal::every(true);
    }
    let Ok(arn) = iamsim_policy::arn::parse_arn(resource) else {
        return Goal::every(true);
    };
    if arn.service.eq_ignore_ascii_case("kms") || world.key_by_arn(resource).is_some() {
        return Goal::every(true);
    }
    let context = Context::new();
    let req = HopRequest {
        caller: &Caller::Anonymous,
        action,
        resource,
        context: &context,
        assume: None,
    };
    let s = scope(world, &req, Some(&arn), &action.service());
    // The owner is not known, or is the caller's own account (no account of the world owns the
    // resource, 2.10); or the resource's policy is not known.
    let (Some(owner), true) = (s.owner, s.resource_policy_known) else {
        return Goal::every(true);
    };
    let mut accounts = Accounts::Some(BTreeSet::from([owner.to_string()]));
    let reads = s.resource_policy.map(|(policy, _)| {
        let reads = Reads::of(policy, Some(&action.text));
        accounts.add(reads.accounts.clone());
        reads
    });
    Goal {
        accounts,
        direct: Granted::ByPolicy(reads),
    }
}

#[cfg(test)]
thread_local! {
    static UNPRUNED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with who-can searching from every principal, as if every account could reach the
/// answer, opening a step wherever one of its actions may be allowed, and `--admin --account`
/// asking its questions of every account (tests compare the answers with and without the
/// skipping).
#[cfg(test)]
pub(crate) fn unpruned<T>(f: impl FnOnce() -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            UNPRUNED.set(false);
        }
    }
    UNPRUNED.set(true);
    let _reset = Reset;
    f()
}

/// Whether [`unpruned`] is in force on this thread.
pub(crate) fn is_unpruned() -> bool {
    #[cfg(test)]
    {
        UNPRUNED.get()
    }
    #[cfg(not(test))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{who_can, who_is_admin, AdminQuery, WhoCan, WhoCanQuery};

    /// An entry as the comparison reads it: principal, chain, decision, conditions.
    type Row = (String, Vec<String>, String, Vec<Vec<String>>);

    fn rows(a: &WhoCan) -> (Vec<Row>, Vec<Row>) {
        let of = |list: &[crate::WhoCanEntry]| {
            let mut out: Vec<Row> = list
                .iter()
                .map(|e| {
                    let mut ways: Vec<Vec<String>> = e
                        .alternatives()
                        .iter()
                        .map(|w| {
                            let mut w = w.clone();
                            w.sort();
                            w
                        })
                        .collect();
                    ways.sort();
                    (
                        e.principal.clone(),
                        e.via.clone(),
                        e.decision().to_string(),
                        ways,
                    )
                })
                .collect();
            out.sort();
            out
        };
        (of(&a.principals), of(&a.undecided))
    }

    /// The questions asked of a world: a user created in each account, a read of each bucket,
    /// a call of each declared function, and the AssumeRole of the first `roles` roles of each
    /// account.
    fn questions(world: &World, roles: usize) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (id, account) in world.accounts() {
            out.push(("iam:CreateUser".into(), format!("arn:aws:iam::{id}:user/x")));
            for b in account.buckets.keys() {
                out.push(("s3:GetObject".into(), format!("arn:aws:s3:::{b}/x")));
            }
            for arn in account.resources.keys() {
                if arn.starts_with("arn:aws:lambda:") {
                    out.push(("lambda:InvokeFunction".into(), arn.clone()));
                }
            }
            for r in account.roles.values().take(roles) {
                out.push(("sts:AssumeRole".into(), r.arn().to_string()));
            }
        }
        out
    }

    /// What one world answers with and without the skipping: the same entries, for
    /// [`questions`] (`roles` roles asked of each account) and `--admin` of the world and of
    /// its first `admin_of` accounts. Returns the principals skipped and the principals the
    /// searches visited, (with, without).
    fn compare(
        name: &str,
        world: &World,
        roles: usize,
        admin_of: usize,
    ) -> (usize, (usize, usize)) {
        let mut skipped = 0;
        let mut nodes = (0, 0);
        let mut check = |what: &str, pruned: WhoCan, all: WhoCan| {
            skipped += pruned.stats.path_skipped;
            nodes.0 += pruned.stats.path_nodes;
            nodes.1 += all.stats.path_nodes;
            assert_eq!(all.stats.path_skipped, 0, "{name}: {what}");
            if all.omitted == 0 {
                // A complete answer without the skipping: the same answer, complete, with it.
                assert_eq!(pruned.omitted, 0, "{name}: {what}");
                assert_eq!(rows(&pruned), rows(&all), "{name}: {what}");
                assert!(
                    pruned.stats.path_nodes <= all.stats.path_nodes,
                    "{name}: {what}"
                );
            } else {
                // An incomplete one: whatever it listed is listed with the skipping too.
                let (p, u) = rows(&pruned);
                let (ap, au) = rows(&all);
                for r in ap.iter().chain(au.iter()) {
                    assert!(p.contains(r) || u.contains(r), "{name}: {what}: {r:?}");
                }
            }
        };
        // Asks once with the skipping and once without (a question refused as input is not).
        let mut ask = |what: String, answer: &dyn Fn() -> Result<WhoCan, crate::RequestError>| {
            if let Ok(pruned) = answer() {
                check(&what, pruned, unpruned(answer).unwrap());
            }
        };
        for (action, resource) in questions(world, roles) {
            let q = WhoCanQuery {
                action: action.clone(),
                resource: resource.clone(),
                context: world.with_default_context(&Context::new()),
            };
            ask(format!("{action} {resource}"), &|| who_can(world, &q));
        }
        let mut admin = vec![None];
        admin.extend(world.accounts().keys().take(admin_of).cloned().map(Some));
        for account in admin {
            let q = AdminQuery {
                account: account.clone(),
                context: world.with_default_context(&Context::new()),
            };
            ask(format!("--admin {account:?}"), &|| who_is_admin(world, &q));
        }
        (skipped, nodes)
    }

    /// The skipping changes no answer: on every fixture world, every question of
    /// [`questions`] gets the same entries with it as without it, and the searches visit no
    /// more principals.
    #[test]
    fn every_fixture_world_answers_the_same_with_and_without_the_skipping() {
        let dirs = crate::test_world::fixture_world_dirs("");
        assert!(dirs.len() > 100, "{}", dirs.len());
        let mut worlds = 0;
        let mut skipped = 0;
        for dir in dirs {
            let Ok(world) = World::load(&dir) else {
                continue;
            };
            worlds += 1;
            skipped += compare(&dir.display().to_string(), &world, 3, usize::MAX).0;
        }
        assert!(worlds > 100, "{worlds}");
        // Not vacuous: some principals were skipped.
        assert!(skipped > 0);
    }

    /// The same on generated organizations with escalation chains (`iamsim gen --escalation`),
    /// where most accounts cannot reach a given one: the skipping leaves most principals out
    /// and changes no entry.
    #[test]
    fn generated_organizations_answer_the_same_with_and_without_the_skipping() {
        let base = std::env::temp_dir().join(format!("iamsim-reach-{}", std::process::id()));
        let mut skipped = 0;
        let mut nodes = (0, 0);
        for seed in [1, 5] {
            let dir = base.join(format!("gen-{seed}"));
            let spec = crate::synth::GenSpec {
                seed,
                accounts: 6,
                roles_per_account: 6,
                users_per_account: 1,
            };
            crate::synth::generate_with(&spec, crate::synth::EscalationSpec { percent: 50 }, &dir)
                .unwrap();
            let world = World::load(&dir).unwrap();
            let (s, n) = compare(&format!("seed {seed}"), &world, 0, 2);
            skipped += s;
            nodes.0 += n.0;
            nodes.1 += n.1;
        }
        std::fs::remove_dir_all(&base).unwrap();
        assert!(skipped > 0);
        assert!(nodes.0 < nodes.1, "{nodes:?}");
    }

    fn reach_world() -> World {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/escalation/cross-account-reach");
        World::load(&dir).unwrap()
    }

    fn reaching(world: &World, action: &str, resource: &str) -> Accounts {
        let search = crate::PathSearch::new(world);
        search
            .reaching(
                &Action {
                    text: action.into(),
                },
                resource,
                None,
            )
            .accounts
    }

    fn set(ids: &[&str]) -> Accounts {
        Accounts::Some(ids.iter().map(|s| (*s).to_string()).collect())
    }

    /// fixtures/escalation/cross-account-reach: users are created in the target account only
    /// by its principals (IAM, 4.14); the relay account reaches it through the function its
    /// policy lets that account deploy, the origin account through the relay's role; the
    /// elsewhere account enters it only as Viewer, which can neither create a user nor take a
    /// step. A read of the reports bucket, whose policy names the relay account, may be
    /// allowed to Viewer itself: then the elsewhere account reaches it too.
    #[test]
    fn the_accounts_that_reach_the_answer() {
        let world = reach_world();
        let (a, b, c) = ("111111111111", "222222222222", "333333333333");
        assert_eq!(
            reaching(
                &world,
                "iam:CreateUser",
                &format!("arn:aws:iam::{c}:user/x")
            ),
            set(&[a, b, c])
        );
        assert_eq!(
            reaching(&world, "s3:GetObject", "arn:aws:s3:::target-reports/q3.csv"),
            set(&[a, b, c, "444444444444"])
        );
        // What makes every account a goal.
        for (action, resource) in [
            ("iam:CreateUser", "*"),
            ("s3:GetObject", "arn:aws:s3:::target-*/q3.csv"),
            ("s3:GetObject", "arn:aws:s3:::no-such-bucket/x"),
            ("sts:GetCallerIdentity", "arn:aws:iam::333333333333:user/x"),
            ("kms:Decrypt", "arn:aws:kms:us-east-1:333333333333:key/k"),
        ] {
            assert_eq!(
                goal_accounts(
                    &world,
                    &Action {
                        text: action.into()
                    },
                    resource
                )
                .accounts,
                Accounts::Every,
                "{action} {resource}"
            );
        }
    }

    /// What a policy is read to admit: the accounts its principals name; every account for
    /// `*`, a canonical user or a unique id; no account for a service or an identity provider.
    /// (An Allow with `NotPrincipal` does not load, and would admit every account.)
    #[test]
    fn what_a_policy_admits() {
        let policy = |principal: &str| {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}]}}"#
            );
            let parsed = iamsim_policy::parse_policy(
                &iamsim_policy::Source::new("t", text),
                iamsim_policy::PolicyType::Resource,
            );
            let diagnostics = format!("{:?}", parsed.diagnostics);
            let policy = parsed
                .policy
                .unwrap_or_else(|| panic!("{principal}: {diagnostics}"));
            LoadedPolicy::new("t".into(), policy)
        };
        let cases = [
            (
                r#""Principal":{"AWS":"111111111111"}"#,
                set(&["111111111111"]),
            ),
            (
                r#""Principal":{"AWS":["arn:aws:iam::222222222222:role/r","arn:aws:sts::333333333333:assumed-role/r/s","arn:aws:iam::444444444444:user/u"]}"#,
                set(&["222222222222", "333333333333", "444444444444"]),
            ),
            (r#""Principal":"*""#, Accounts::Every),
            (
                r#""Principal":{"AWS":"AROAEXAMPLEWEBSERVER"}"#,
                Accounts::Every,
            ),
            (
                r#""Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#,
                Accounts::Every,
            ),
            (
                r#""Principal":{"Service":"lambda.amazonaws.com"}"#,
                set(&[]),
            ),
            (
                r#""Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"}"#,
                set(&[]),
            ),
        ];
        let admitted = |p: &LoadedPolicy, action| Reads::of(p, action).accounts;
        for (principal, want) in cases {
            let p = policy(principal);
            assert_eq!(admitted(&p, Some("s3:GetObject")), want, "{principal}");
            assert_eq!(admitted(&p, None), want, "{principal}");
            // A statement for other actions admits no one to this one.
            assert_eq!(admitted(&p, Some("s3:PutObject")), set(&[]), "{principal}");
        }
    }
}

//! The hops of escalation paths (docs/rules.md 10.4): from a principal the caller acts as, every
//! step of the catalog ([`iamsim_catalog::escalation`], the one home of what a step needs and
//! gains) that the world's policies let it take, each request decided by the one evaluator.
//!
//! Three shapes of hop:
//! - a step that changes the caller itself (its policies, its groups, a policy attached to it):
//!   the caller, changed ([`crate::escalation_alter`]);
//! - a step that moves to another principal (AssumeRole, a role handed to a service that runs the
//!   caller's code, something that already runs with a role, new credentials of a user);
//! - a step that changes a principal the caller can move to, followed by the move: two hops.
//!
//! Candidates come from [`PathIndex`], built once per world; the index only skips what the
//! evaluator would certainly refuse (IAM requests on another account's users, groups and
//! policies: IAM has no resource-based policy for them).

use crate::chain::{assume_with, ViaHop};
use crate::escalation_alter::{alter, Change, ChangeData};
use crate::explain::Decision;
use crate::request::{AssumeRoleParams, Caller, Session, DEFAULT_SESSION_NAME};
use crate::HopRequest;
use iamsim_catalog::escalation::{Gain, Need, On, Precondition, Step, Target, STEPS};
use iamsim_policy::{Context, Effect, PrincipalKind, PrincipalValue, Truth};
use iamsim_world::{Account, Role, User, World};
use std::collections::HashMap;
use std::sync::Arc;

pub(crate) use crate::escalation_ask::{worst, Asker, IdentityAllows, NewAsks};

/// One request a hop needs, as decided.
#[derive(Clone, Debug)]
pub struct StepRequest {
    /// The action asked (the first allowed of the step's alternatives, else the first).
    pub action: String,
    /// The resource it names: the target's ARN, the passed role, a new resource's ARN, or `*`.
    pub resource: String,
    /// Keys the request carries beyond the question's context (`iam:PassedToService`, ...).
    pub context: Vec<(String, String)>,
    /// How the one evaluator decided it (10.4 and the step's own rules, docs/rules.md 10).
    pub decision: Decision,
}

/// One hop of an escalation path.
#[derive(Clone, Debug)]
pub struct PathHop {
    /// `assume-role` or the step's name (escalation-steps.md's first column).
    pub kind: &'static str,
    /// What the step acts on (a role, user, group, policy, instance profile or compute ARN).
    pub target: String,
    /// The requests it needed, in order, each decided.
    pub requests: Vec<StepRequest>,
    /// `Allow` when every request is allowed and the world states every fact the step relies
    /// on; `Indeterminate` otherwise (never a hop of an allowed path).
    pub decision: Decision,
    /// What the world does not state that the step relies on, in words.
    pub unknown: Option<String>,
    /// The principal acted as after the hop, changed as the hops so far changed it.
    pub to: Caller,
    /// The step in words (`attach-policy: a policy of its writing on user alice`).
    pub words: String,
    /// The principal it leads to is not known (the role of a compute the world does not name):
    /// `to` is the caller itself, and whatever follows is unknown.
    pub dead_end: bool,
}

impl PathHop {
    /// The principal acted as after the hop, as `via` names it (formats.md 9): a role's ARN for
    /// a session of it, a user's ARN.
    pub fn to_name(&self, world: &World) -> String {
        principal_name(world, &self.to)
    }
}

/// A principal as `via` names it: a role's ARN for a session of it, else the caller's ARN.
pub fn principal_name(world: &World, caller: &Caller) -> String {
    match caller.role(world) {
        Some(r) => r.arn().to_string(),
        None => caller.arn(world),
    }
}

/// What the path search looks candidates up in: built once per world.
pub struct PathIndex<'w> {
    pub(crate) world: &'w World,
    graph: crate::graph::Graph<'w>,
    trust: crate::graph::TrustIndex,
    /// The roles whose trust policy may let each node of `graph` in
    /// ([`crate::graph::Graph::trusting_targets`]), found when first asked: the changed copies
    /// of one principal all ask it.
    targets: Vec<std::sync::OnceLock<Vec<usize>>>,
    /// Per service principal and account: the roles whose trust lets the service assume
    /// them, and how surely (a step hands a role of the caller's own account).
    by_service: HashMap<&'static str, ServiceRoles<'w>>,
    /// Customer managed policies by address: (account, name).
    pub(crate) managed: HashMap<usize, (&'w str, &'w str)>,
    /// Roles held by some instance profile, by (account, role name).
    profiled: std::collections::HashSet<(&'w str, &'w str)>,
    /// The values conditions of the world's policies compare a principal tag with, by key
    /// (change-tags: the tags a caller may give itself or a principal it can act as).
    pub(crate) principal_tags: crate::escalation_tags::TagValues,
    /// Compute by account, each with whether a resource-based policy of the world covers it.
    compute_by_account: HashMap<&'w str, Vec<ComputeEntry<'w>>>,
    /// Compute a resource-based policy covers (reachable from other accounts).
    compute_with_policy: Vec<ComputeEntry<'w>>,
}

/// The roles a service may assume, by account, each with how surely.
type ServiceRoles<'w> = HashMap<&'w str, Vec<(&'w Role, Truth)>>;

type ComputeEntry<'w> = (&'w Account, &'w iamsim_world::Compute, bool);

impl<'w> PathIndex<'w> {
    /// The world's role graph, built without outside principals.
    pub(crate) fn graph(&self) -> &crate::graph::Graph<'w> {
        &self.graph
    }

    /// The trust index of [`PathIndex::graph`].
    pub(crate) fn trust(&self) -> &crate::graph::TrustIndex {
        &self.trust
    }

    /// The roles of `account` whose trust may let `service` assume them, and how surely.
    pub(crate) fn service_roles(
        &self,
        service: &'static str,
        account: &str,
    ) -> &[(&'w Role, Truth)] {
        self.by_service
            .get(service)
            .and_then(|m| m.get(account))
            .map_or(&[], Vec::as_slice)
    }

    /// Indexes `world` for the path search: role trust by caller and by service principal,
    /// customer managed policies, instance profiles and compute.
    pub fn new(world: &'w World) -> PathIndex<'w> {
        let graph = crate::graph::Graph::build(world, false, &[]);
        let nodes = graph.nodes.len();
        let trust = graph.trust_index();
        let mut by_service: HashMap<&'static str, ServiceRoles<'w>> = HashMap::new();
        let mut services: Vec<&'static str> = STEPS.iter().filter_map(|s| s.service).collect();
        services.sort_unstable();
        services.dedup();
        for s in services {
            for r in world.roles() {
                let t = trusts_service(r, s);
                if t.may_be_true() {
                    by_service
                        .entry(s)
                        .or_default()
                        .entry(r.account())
                        .or_default()
                        .push((r, t));
                }
            }
        }
        let mut managed = HashMap::new();
        let mut profiled = std::collections::HashSet::new();
        let mut compute_by_account: HashMap<&'w str, Vec<ComputeEntry<'w>>> = HashMap::new();
        let mut compute_with_policy = Vec::new();
        for a in world.accounts().values() {
            for c in a.compute.values() {
                let has_policy = a.resources.get(&c.arn).is_some_and(|r| r.policy.is_some());
                compute_by_account
                    .entry(a.id.as_str())
                    .or_default()
                    .push((a, c, has_policy));
                if has_policy {
                    compute_with_policy.push((a, c, has_policy));
                }
            }
            for (name, p) in &a.policies {
                managed.insert(Arc::as_ptr(p) as usize, (a.id.as_str(), name.as_str()));
            }
            for ip in a.instance_profiles.values() {
                for r in &ip.roles {
                    profiled.insert((a.id.as_str(), r.as_str()));
                }
            }
        }
        PathIndex {
            principal_tags: crate::escalation_tags::TagValues::of(world),
            world,
            graph,
            trust,
            targets: std::iter::repeat_with(std::sync::OnceLock::new)
                .take(nodes)
                .collect(),
            by_service,
            managed,
            profiled,
            compute_by_account,
            compute_with_policy,
        }
    }

    /// The world this index was built from.
    pub fn world(&self) -> &'w World {
        self.world
    }
}

/// Whether a role's trust policy lets the AWS service `service` (`lambda.amazonaws.com`) assume
/// it: an Allow for `sts:AssumeRole` naming the service (or `*`) and no Deny of it. A condition
/// on such a statement is on the service's own request, which the world cannot decide
/// (`aws:SourceAccount`, `aws:SourceArn`): unknown.
pub(crate) fn trusts_service(role: &Role, service: &str) -> Truth {
    let mut allow = Truth::False;
    let mut deny = Truth::False;
    for s in &role.trust.policy.statements {
        if !crate::graph::action_may_match(s, "sts:AssumeRole") {
            continue;
        }
        let named = match &s.principal {
            None => Truth::False,
            Some(b) => {
                let names = b.entries.iter().any(|e| match &e.value {
                    PrincipalValue::Service(x) => x.eq_ignore_ascii_case(service),
                    PrincipalValue::Aws(iamsim_policy::AwsPrincipal::Everyone) => true,
                    _ => false,
                });
                match b.kind {
                    PrincipalKind::Principal if names => Truth::True,
                    PrincipalKind::Principal => Truth::False,
                    // A NotPrincipal that does not name the service takes it in.
                    PrincipalKind::NotPrincipal if names => Truth::False,
                    PrincipalKind::NotPrincipal => Truth::True,
                }
            }
        };
        let action = match s.action.kind {
            iamsim_policy::ActionKind::Action => Truth::True,
            // A NotAction may or may not leave sts:AssumeRole in: keep it open.
            iamsim_policy::ActionKind::NotAction => Truth::Unknown,
        };
        let cond = if s.conditions.is_empty() {
            Truth::True
        } else {
            Truth::Unknown
        };
        let t = named.and(action).and(cond);
        match s.effect.value {
            Effect::Allow => allow = allow.or(t),
            Effect::Deny => deny = deny.or(t),
        }
    }
    allow.and(deny.not())
}

/// How hops are decided: by the decision-only path while searching, explained for the path
/// chosen.
pub(crate) type Decider<'a> = &'a dyn Fn(&World, &HopRequest<'_>) -> Decision;

/// Every hop from `caller`: the steps it can take, allowed or indeterminate (refused ones are
/// left out), each a list of hops taken together: one hop, or a change of a principal the
/// caller can move to (whose `to` is the caller, still acting as itself) followed by the move
/// (whose `to` is the principal, changed).
pub fn hops_from(ix: &PathIndex<'_>, caller: &Caller, context: &Context) -> Vec<Vec<PathHop>> {
    hops_with(ix, caller, context, &crate::walk::decide_only, None)
}

/// The accounts a hop may move into (`None`: every account): a move into another account is not
/// tried ([`crate::account_reach`]). A step within the caller's own account is always tried.
pub(crate) type Within<'a> = Option<&'a dyn Fn(&str) -> bool>;

/// [`hops_from`], trying no move into an account `within` rules out.
pub(crate) fn hops_within(
    ix: &PathIndex<'_>,
    caller: &Caller,
    context: &Context,
    within: Within<'_>,
) -> Vec<Vec<PathHop>> {
    hops_with(ix, caller, context, &crate::walk::decide_only, within)
}

pub(crate) fn hops_with(
    ix: &PathIndex<'_>,
    caller: &Caller,
    context: &Context,
    decide: Decider<'_>,
    within: Within<'_>,
) -> Vec<Vec<PathHop>> {
    let mut out: Vec<Vec<PathHop>> = Vec::new();
    let allows = IdentityAllows::of(ix.world, caller);
    let allows = &allows;
    // Every change step asks IAM actions only: without an identity Allow of one, none is taken
    // (crate::step_index).
    let may_change = allows.any(crate::step_index::iam_step_actions());
    if may_change {
        for h in crate::escalation_changes::changes(ix, caller, allows, caller, context, decide) {
            out.push(vec![h]);
        }
    }
    let moves = moves(ix, caller, allows, context, decide, within);
    // A role the caller may assume as it is needs no trust rewritten first: that path is one
    // hop longer to the same session, which the search would drop.
    let assumable: std::collections::HashSet<&str> = moves
        .iter()
        .filter(|m| m.kind == "assume-role" && m.decision == Decision::Allow && !m.dead_end)
        .map(|m| m.target.as_str())
        .collect();
    out.extend(crate::escalation_trust::update_trust(
        ix, caller, allows, context, decide, &assumable,
    ));
    for m in &moves {
        if !m.decision.is_allow() || !may_change {
            continue;
        }
        for mut change in
            crate::escalation_changes::changes(ix, caller, allows, &m.to, context, decide)
        {
            // The caller changes the principal, still acting as itself, then moves to it.
            let mut moved = m.clone();
            moved.to = std::mem::replace(&mut change.to, caller.clone());
            out.push(vec![change, moved]);
        }
    }
    out.extend(moves.into_iter().map(|m| vec![m]));
    out
}

/// A hop's decision once its requests are asked and its unknown fact (if any) is known.
pub(crate) fn settle(asker: &Asker<'_, '_>, unknown: &Option<String>) -> Decision {
    match (asker.decision, unknown) {
        (Decision::Allow, Some(_)) => Decision::Indeterminate,
        (d, _) => d,
    }
}

/// The hop of a step that changes `subject`, once its requests are asked: `None` when they are
/// refused or the change changes nothing.
#[allow(clippy::too_many_arguments)]
pub(crate) fn change_hop(
    world: &World,
    subject: &Caller,
    asker: Asker<'_, '_>,
    step: &'static Step,
    target: &str,
    change: Change,
    data: ChangeData<'_>,
    words: String,
) -> Option<PathHop> {
    let d = settle(&asker, &None);
    if !matches!(d, Decision::Allow | Decision::Indeterminate) {
        return None;
    }
    let to = alter(world, subject, change, data)?;
    Some(PathHop {
        kind: step.name,
        target: target.to_string(),
        requests: asker.requests,
        decision: d,
        unknown: None,
        to,
        words,
        dead_end: false,
    })
}

/// The steps by which `caller` moves to another principal.
fn moves(
    ix: &PathIndex<'_>,
    caller: &Caller,
    allows: &IdentityAllows<'_>,
    context: &Context,
    decide: Decider<'_>,
    within: Within<'_>,
) -> Vec<PathHop> {
    let mut out = Vec::new();
    assume_role_moves(ix, caller, context, decide, within, &mut out);
    let world = ix.world;
    // The root user may sign in as its account's users and hand roles to services (4.3): it
    // cannot assume a role (6.6), but what it makes can.
    let acts_in_account = matches!(
        caller,
        Caller::User { .. } | Caller::Session(_) | Caller::Root { .. }
    );
    if let Some(account) = caller
        .account()
        .and_then(|a| world.account(a))
        .filter(|_| acts_in_account)
    {
        user_moves(ix, caller, allows, account, context, decide, &mut out);
        pass_role_moves(ix, caller, allows, account, context, decide, &mut out);
        crate::escalation_swap::profile_swap_moves(
            ix, caller, allows, account, context, decide, &mut out,
        );
    }
    // Taking over another account's resource needs nothing of the caller's own account: the
    // root user of an account the world does not hold may do it where that resource's policy
    // lets its account in.
    take_over_moves(ix, caller, allows, context, decide, within, &mut out);
    out
}

/// `sts:AssumeRole` on the roles whose trust policy may let the caller in (the trust index, and
/// the trust policies the caller rewrote), decided as a `--via` hop is; none of an account
/// `within` rules out.
fn assume_role_moves(
    ix: &PathIndex<'_>,
    caller: &Caller,
    context: &Context,
    decide: Decider<'_>,
    within: Within<'_>,
    out: &mut Vec<PathHop>,
) {
    let world = ix.world;
    // A changed principal is looked up as the principal it is.
    let base = match caller {
        Caller::User { account, name, .. } => Caller::User {
            account: account.clone(),
            name: name.clone(),
            altered: None,
        },
        Caller::Session(s) => Caller::Session(Session {
            altered: None,
            ..s.clone()
        }),
        _ => return,
    };
    let Some(node) = ix.graph.node_of(&base) else {
        return;
    };
    let Some(targets) = ix.targets.get(node) else {
        return;
    };
    let targets = targets.get_or_init(|| ix.graph.trusting_targets(&ix.trust, node));
    // A trust policy the principal rewrote to trust it lets it in too.
    let rewritten: Vec<usize> = caller.altered().map_or_else(Vec::new, |a| {
        let found = a
            .trusts
            .iter()
            .filter_map(|(arn, _)| ix.graph.role_node_by_arn(arn));
        found
            .filter(|r| targets.binary_search(r).is_err())
            .collect()
    });
    let merged;
    let targets = if rewritten.is_empty() {
        targets
    } else {
        let mut all = targets.clone();
        all.extend(rewritten);
        all.sort_unstable();
        all.dedup();
        all.retain(|r| *r != node);
        merged = all;
        &merged
    };
    for &r in targets {
        let Some(role) = ix.graph.nodes.get(r).and_then(|n| n.role) else {
            continue;
        };
        if within.is_some_and(|f| !f(role.account())) {
            continue;
        }
        out.extend(assume_hop(world, caller, role, context, decide));
    }
}

/// `sts:AssumeRole` of `caller` on `role`, decided as a `--via` hop is; `None` when refused.
pub(crate) fn assume_hop(
    world: &World,
    caller: &Caller,
    role: &Role,
    context: &Context,
    decide: Decider<'_>,
) -> Option<PathHop> {
    let hop = ViaHop {
        role_arn: role.arn().to_string(),
        params: AssumeRoleParams::default(),
    };
    let mut decisions: Vec<Decision> = Vec::new();
    let next = assume_with(
        world,
        caller,
        &hop,
        context,
        &|w, req| decide(w, req),
        &mut |d| decisions.push(d),
    );
    let d = decisions.first().copied().unwrap_or(Decision::ImplicitDeny);
    let (to, d) = match next {
        Some(to) => (to, d),
        None if d == Decision::Indeterminate => {
            (Caller::Session(Session::new(role, DEFAULT_SESSION_NAME)), d)
        }
        None => return None,
    };
    Some(PathHop {
        kind: "assume-role",
        target: role.arn().to_string(),
        requests: vec![StepRequest {
            action: "sts:AssumeRole".into(),
            resource: role.arn().to_string(),
            context: Vec::new(),
            decision: d,
        }],
        decision: d,
        unknown: None,
        to,
        words: format!("assume-role: a session of role {}", role.name()),
        dead_end: false,
    })
}

/// Credentials of another user of the caller's account: access keys, a console password.
fn user_moves(
    ix: &PathIndex<'_>,
    caller: &Caller,
    allows: &IdentityAllows<'_>,
    account: &Account,
    context: &Context,
    decide: Decider<'_>,
    out: &mut Vec<PathHop>,
) {
    let world = ix.world;
    let me = caller.user(world).map(|u| u.arn());
    for name in [
        "create-access-key",
        "create-login-profile",
        "update-login-profile",
    ] {
        let Some(step) = iamsim_catalog::escalation::step(name) else {
            continue;
        };
        if !step.needs.iter().all(|n| allows.may(n.any_of)) {
            continue;
        }
        for u in account.users.values() {
            if Some(u.arn()) == me {
                continue;
            }
            let (holds, unknown) = precondition_of_user(step.precondition, u);
            if holds == Truth::False && step.otherwise.is_empty() {
                continue;
            }
            let mut asker = Asker::new(world, caller, allows, context, decide);
            for n in step.needs_for(Target::User) {
                asker.ask(n.any_of, u.arn(), &[]);
            }
            if holds == Truth::False {
                for n in step.otherwise {
                    asker.ask(n.any_of, u.arn(), &[]);
                }
            }
            let d = settle(&asker, &unknown);
            if !matches!(d, Decision::Allow | Decision::Indeterminate) {
                continue;
            }
            out.push(PathHop {
                kind: step.name,
                target: u.arn().to_string(),
                requests: asker.requests,
                decision: d,
                unknown,
                to: Caller::user_of(u),
                words: format!("{name}: signs in as user {}", u.name()),
                dead_end: false,
            });
        }
    }
}

/// Whether a user precondition holds, and the unknown fact when the world does not say.
fn precondition_of_user(p: Precondition, u: &User) -> (Truth, Option<String>) {
    match p {
        Precondition::FewerThanTwoKeys => (
            if u.access_keys.len() < 2 {
                Truth::True
            } else {
                Truth::False
            },
            None,
        ),
        Precondition::NoLoginProfile | Precondition::LoginProfile => {
            let want = p == Precondition::LoginProfile;
            match u.login_profile {
                Some(has) if has == want => (Truth::True, None),
                Some(_) => (Truth::False, None),
                None => (
                    Truth::Unknown,
                    Some(format!(
                        "whether user {} has a console password (login_profile): the world does not say",
                        u.name()
                    )),
                ),
            }
        }
        _ => (Truth::True, None),
    }
}

/// A role of the caller's account handed to a service that runs the caller's code.
fn pass_role_moves(
    ix: &PathIndex<'_>,
    caller: &Caller,
    allows: &IdentityAllows<'_>,
    account: &Account,
    context: &Context,
    decide: Decider<'_>,
    out: &mut Vec<PathHop>,
) {
    let world = ix.world;
    let own_role = caller.role(world).map(|r| r.arn());
    for step in STEPS.iter().filter(|s| {
        s.family == iamsim_catalog::escalation::Family::PassRole
            && s.gain == Gain::ActAs
            && s.targets.contains(&Target::Role)
    }) {
        let Some(service) = step.service else {
            continue;
        };
        if !allows.may(&["iam:PassRole"]) {
            return;
        }
        let shared = NewAsks::default();
        for (role, trust) in ix.service_roles(service, &account.id) {
            if Some(role.arn()) == own_role {
                continue;
            }
            let mut unknown = (*trust == Truth::Unknown).then(|| {
                format!(
                    "whether the trust policy of role {} lets {service} assume it: its statement for the service has a condition on the service's own request",
                    role.name()
                )
            });
            let mut asker = Asker::new(world, caller, allows, context, decide).sharing(&shared);
            for n in step.needs_for(Target::Role) {
                ask_need(&mut asker, n, role.arn(), role.arn(), Some(service));
            }
            if step.precondition == Precondition::InstanceProfile
                && !ix.profiled.contains(&(role.account(), role.name()))
            {
                for n in step.otherwise {
                    ask_need(&mut asker, n, role.arn(), role.arn(), Some(service));
                }
            }
            let d = settle(&asker, &unknown);
            if !matches!(d, Decision::Allow | Decision::Indeterminate) {
                continue;
            }
            if d.is_allow() {
                unknown = None;
            }
            out.push(PathHop {
                kind: step.name,
                target: role.arn().to_string(),
                requests: asker.requests,
                decision: d,
                unknown,
                to: Caller::Session(Session::new(role, DEFAULT_SESSION_NAME)),
                words: format!(
                    "{}: role {} handed to {service}, which runs the caller's code with it",
                    step.name,
                    role.name()
                ),
                dead_end: false,
            });
        }
    }
}

/// One need of a step on `target` (a role for pass-role steps, a compute, user or instance
/// profile otherwise), `passed` the role handed to the service.
pub(crate) fn ask_need(
    asker: &mut Asker<'_, '_>,
    n: &Need,
    target: &str,
    passed: &str,
    service: Option<&str>,
) {
    match n.on {
        On::Target => asker.ask(n.any_of, target, &[]),
        On::PassedRole => {
            let extra: Vec<(&str, &str)> = service
                .map(|s| ("iam:PassedToService", s))
                .into_iter()
                .collect();
            asker.ask(n.any_of, passed, &extra);
        }
        On::New(pattern) => asker.ask_new(n.any_of, pattern, target),
        On::Nothing => asker.ask(n.any_of, "*", &[]),
    }
}

/// Something that already runs with a role, taken over: in the caller's account, or one whose
/// resource-based policy may let another account in (not in an account `within` rules out,
/// unless the role it runs with is not known: the caller stays where it is).
fn take_over_moves(
    ix: &PathIndex<'_>,
    caller: &Caller,
    allows: &IdentityAllows<'_>,
    context: &Context,
    decide: Decider<'_>,
    within: Within<'_>,
    out: &mut Vec<PathHop>,
) {
    let world = ix.world;
    let own = caller
        .account()
        .and_then(|a| ix.compute_by_account.get(a))
        .into_iter()
        .flatten();
    let others = ix.compute_with_policy.iter().filter(|(a, c, _)| {
        caller.account() != Some(a.id.as_str())
            && (within.is_none_or(|f| f(&a.id)) || c.role(a).is_none())
    });
    for (account, c, has_policy) in own.chain(others) {
        for step in STEPS
            .iter()
            .filter(|s| s.compute == Some(c.kind) && s.gain == Gain::ActAs)
        {
            // Without a resource-based policy only the caller's own Allow can grant it.
            if !has_policy && !step.needs.iter().all(|n| allows.any(n.any_of)) {
                continue;
            }
            let mut unknown: Option<String> = None;
            let pre = match step.precondition {
                Precondition::SsmManaged => {
                    Some((c.ssm_managed, "is managed by Systems Manager (ssm_managed)"))
                }
                Precondition::InstanceConnect => Some((
                    c.instance_connect,
                    "accepts EC2 Instance Connect keys (instance_connect)",
                )),
                _ => None,
            };
            if let Some((fact, words)) = pre {
                match fact {
                    Some(true) => {}
                    Some(false) => continue,
                    None => {
                        unknown = Some(format!("whether {} {words}: the world does not say", c.arn))
                    }
                }
            }
            let role = c.role(account);
            let to = match role {
                Some(r) => Caller::Session(Session::new(r, DEFAULT_SESSION_NAME)),
                None => {
                    // The role it runs with is not known: never an allowed path.
                    unknown.get_or_insert_with(|| {
                        format!("which role {} runs with: the world does not say", c.arn)
                    });
                    caller.clone()
                }
            };
            let mut asker = Asker::new(world, caller, allows, context, decide);
            for n in step.needs_for(Target::Compute) {
                ask_need(&mut asker, n, &c.arn, &c.arn, None);
            }
            let d = settle(&asker, &unknown);
            if !matches!(d, Decision::Allow | Decision::Indeterminate) {
                continue;
            }
            out.push(PathHop {
                kind: step.name,
                target: c.arn.clone(),
                requests: asker.requests,
                decision: d,
                unknown,
                words: match role {
                    Some(r) => format!(
                        "{}: {} runs the caller's code with role {}",
                        step.name,
                        c.arn,
                        r.name()
                    ),
                    None => format!(
                        "{}: {} runs the caller's code with a role the world does not name",
                        step.name, c.arn
                    ),
                },
                to,
                dead_end: role.is_none(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::request::Caller;
    use crate::PathSearch;

    /// The root user of an account the world does not hold has no user to sign in as and no
    /// role to hand over, but a function's policy naming its account lets it replace the code
    /// (5.4): the take-over is among its hops, as for a root user of the world's own accounts.
    #[test]
    fn a_root_user_of_an_account_not_in_the_world_takes_over_what_a_policy_lets_it() {
        let (b, vendor) = ("222222222222", "555555555555");
        let function = format!("arn:aws:lambda:us-east-1:{b}:function:packager");
        let world = crate::test_world::test_world(&format!(
            r#"{{"accounts": {{"{b}": {{
                "roles": {{"Packager": {{
                    "trust": {{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"lambda.amazonaws.com"}},"Action":"sts:AssumeRole"}}]}},
                    "policies": [{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::drop-box/*"}}]}}]
                }}}},
                "compute": {{"{function}": {{"role": "Packager"}}}},
                "resources": {{"{function}": {{"policy": {{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{vendor}"}},"Action":["lambda:UpdateFunctionCode","lambda:InvokeFunction"],"Resource":"{function}"}}]}}}}}}
            }}}}}}"#
        ));
        let paths = PathSearch::new(&world);
        let hops = |account: &str| {
            paths
                .hops_from(
                    &Caller::Root {
                        account: account.into(),
                    },
                    &Default::default(),
                )
                .into_iter()
                .flatten()
                .filter(|h| h.decision.is_allow())
                .map(|h| (h.kind, h.to.role(&world).map(|r| r.name().to_string())))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            hops(vendor),
            vec![("lambda-update-code", Some("Packager".to_string()))]
        );
        // An account the policy does not name gets nothing.
        assert_eq!(hops("666666666666"), vec![]);
    }
}

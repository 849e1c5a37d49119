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
use crate::request::{Action, AssumeRoleParams, Caller, Session, DEFAULT_SESSION_NAME};
use crate::HopRequest;
use iamsim_catalog::escalation::{Gain, Need, On, Precondition, Step, Target, STEPS};
use iamsim_policy::{Context, Effect, PrincipalKind, PrincipalValue, Truth};
use iamsim_world::{Account, Role, User, World};
use std::collections::HashMap;
use std::sync::Arc;

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
        Some(r) => r.arn.clone(),
        None => caller.arn(world),
    }
}

/// What the path search looks candidates up in: built once per world.
pub struct PathIndex<'w> {
    pub(crate) world: &'w World,
    graph: crate::graph::Graph<'w>,
    trust: crate::graph::TrustIndex,
    /// The roles each node of `graph` may assume ([`crate::graph::Graph::assume_targets`]),
    /// found when first asked: it scans every role for a node whose policies allow
    /// sts:AssumeRole, and the changed copies of one principal all ask it.
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
                        .entry(r.account.as_str())
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

/// The Allow statements of a caller's identity policies (its changes included), to skip IAM
/// requests no statement can allow: IAM has no resource-based policy for its users, groups,
/// roles and policies, so without an identity Allow such a request is certainly refused (4.14).
pub(crate) struct IdentityAllows<'a> {
    statements: Vec<&'a iamsim_policy::Statement>,
}

impl<'a> IdentityAllows<'a> {
    pub(crate) fn of(world: &'a World, caller: &'a Caller) -> Self {
        let mut statements = Vec::new();
        let entity = crate::eval::Entity::of(world, caller);
        crate::eval::for_each_caller_policy(world, caller, entity, true, &mut |p, kind, _| {
            if kind == crate::eval::PolicyKind::Identity {
                statements.extend(crate::graph::allow_statements(p));
            }
        });
        IdentityAllows { statements }
    }

    /// False when the caller certainly cannot be allowed any of `actions` if they are IAM
    /// actions; true otherwise.
    pub(crate) fn may(&self, actions: &[&str]) -> bool {
        let iam = actions.iter().all(|a| {
            a.split_once(':')
                .is_some_and(|(s, _)| s.eq_ignore_ascii_case("iam"))
        });
        !iam || self.any(actions)
    }

    /// Whether some identity Allow of the caller may match one of `actions`.
    pub(crate) fn any(&self, actions: &[&str]) -> bool {
        actions.iter().any(|a| {
            self.statements
                .iter()
                .any(|s| crate::graph::action_may_match(s, a))
        })
    }
}

/// Decides the requests of one hop as `actor`, in order; stops at the first one refused.
pub(crate) struct Asker<'a, 'w> {
    world: &'w World,
    actor: &'a Caller,
    allows: &'a IdentityAllows<'a>,
    context: &'a Context,
    decide: &'a dyn Fn(&World, &HopRequest<'_>) -> Decision,
    pub(crate) requests: Vec<StepRequest>,
    /// Allow, Indeterminate, or the refusal.
    decision: Decision,
    /// The name picked for each new resource (by its pattern).
    picked: HashMap<&'static str, String>,
    /// Requests on new resources already decided for the same actor and context.
    shared: Option<&'a NewAsks>,
}

/// Requests on a new resource, by actions, pattern and Region, as [`Asker::ask_new`] decided
/// them for one actor and context: the hops of one step over many roles or profiles ask the
/// same ones. With them, the name picked (if one was).
#[derive(Default)]
pub(crate) struct NewAsks(std::cell::RefCell<HashMap<NewAskKey, NewAskAnswer>>);

/// A request on a new resource: its actions (by address), pattern and Region.
type NewAskKey = (usize, &'static str, String);

/// The requests decided for a [`NewAskKey`], and the name picked (if one was).
type NewAskAnswer = (Vec<StepRequest>, Option<String>);

impl<'a, 'w> Asker<'a, 'w> {
    pub(crate) fn new(
        world: &'w World,
        actor: &'a Caller,
        allows: &'a IdentityAllows<'a>,
        context: &'a Context,
        decide: &'a dyn Fn(&World, &HopRequest<'_>) -> Decision,
    ) -> Self {
        Asker {
            world,
            actor,
            allows,
            context,
            decide,
            requests: Vec::new(),
            decision: Decision::Allow,
            picked: HashMap::new(),
            shared: None,
        }
    }

    /// The same asker, taking requests on new resources from `shared` when they were decided
    /// (for the same actor and context) and keeping them there.
    pub(crate) fn sharing(mut self, shared: &'a NewAsks) -> Self {
        self.shared = Some(shared);
        self
    }

    fn refused(&self) -> bool {
        !matches!(self.decision, Decision::Allow | Decision::Indeterminate)
    }

    /// One request with alternatives: the first allowed, else the first indeterminate, else the
    /// first refused.
    pub(crate) fn ask(&mut self, actions: &[&str], resource: &str, extra: &[(&str, &str)]) {
        if self.refused() {
            return;
        }
        if !self.allows.may(actions) {
            self.requests.push(StepRequest {
                action: actions.first().copied().unwrap_or("").to_string(),
                resource: resource.to_string(),
                context: Vec::new(),
                decision: Decision::ImplicitDeny,
            });
            self.decision = Decision::ImplicitDeny;
            return;
        }
        let context: std::borrow::Cow<'_, Context> = if extra.is_empty() {
            std::borrow::Cow::Borrowed(self.context)
        } else {
            let mut c = self.context.clone();
            for (k, v) in extra {
                if !c.contains(k) {
                    c.set(k, *v);
                }
            }
            std::borrow::Cow::Owned(c)
        };
        let mut best: Option<(usize, Decision)> = None;
        for (i, a) in actions.iter().enumerate() {
            let action = Action {
                text: (*a).to_string(),
            };
            let d = (self.decide)(
                self.world,
                &HopRequest {
                    caller: self.actor,
                    action: &action,
                    resource,
                    context: &context,
                    assume: None,
                },
            );
            let rank = |d: Decision| match d {
                Decision::Allow => 0,
                Decision::Indeterminate => 1,
                _ => 2,
            };
            if best.is_none_or(|(_, b)| rank(d) < rank(b)) {
                best = Some((i, d));
            }
            if d.is_allow() {
                break;
            }
        }
        let Some((i, d)) = best else { return };
        self.requests.push(StepRequest {
            action: actions.get(i).copied().unwrap_or("").to_string(),
            resource: resource.to_string(),
            context: extra
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
            decision: d,
        });
        self.decision = worst(self.decision, d);
    }

    /// A request on a resource the caller creates (`pattern`, `{account}` filled in with the
    /// caller's account, `{region}` with the Region of the step's `target` where it has one):
    /// allowed when every name is, or when some name the caller may pick is (the first allowed
    /// of the names the policies mention, decided on its own).
    pub(crate) fn ask_new(&mut self, actions: &[&str], pattern: &'static str, target: &str) {
        if self.refused() {
            return;
        }
        let account = self.actor.account().unwrap_or("*");
        let region = iamsim_policy::arn::parse_arn(target)
            .ok()
            .map(|a| a.region)
            .filter(|r| !r.is_empty() && !r.contains(['*', '?']))
            .unwrap_or("*");
        let set = pattern
            .replace("{account}", account)
            .replace("{region}", region);
        let before = self.requests.len();
        // Decided before for this actor (nothing picked yet for the pattern): the same requests.
        let key = (actions.as_ptr() as usize, pattern, region.to_string());
        let fresh = !self.picked.contains_key(pattern);
        if let Some(shared) = self.shared.filter(|_| fresh) {
            let known = shared.0.borrow().get(&key).cloned();
            if let Some((requests, picked)) = known {
                self.decision = requests
                    .iter()
                    .fold(self.decision, |d, r| worst(d, r.decision));
                self.requests.extend(requests);
                if let Some(name) = picked {
                    self.picked.insert(pattern, name);
                }
                return;
            }
        }
        self.ask_new_now(actions, pattern, &set, before);
        if let Some(shared) = self.shared.filter(|_| fresh) {
            let requests = self.requests.get(before..).unwrap_or_default().to_vec();
            let picked = self.picked.get(pattern).cloned();
            shared.0.borrow_mut().insert(key, (requests, picked));
        }
    }

    /// [`Asker::ask_new`] on the set `set`, deciding every request.
    fn ask_new_now(&mut self, actions: &[&str], pattern: &'static str, set: &str, before: usize) {
        self.ask(actions, set, &[]);
        let Some(last) = self.requests.get(before) else {
            return;
        };
        if last.decision.is_allow() {
            return;
        }
        // Every request on the new resource names the same one: the name picked first.
        let names = match self.picked.get(pattern) {
            Some(name) => vec![name.clone()],
            None => new_names(self.world, self.actor, actions, set),
        };
        for name in names {
            let mut one = Asker::new(
                self.world,
                self.actor,
                self.allows,
                self.context,
                self.decide,
            );
            one.ask(actions, &name, &[]);
            if one.decision.is_allow() {
                self.picked.insert(pattern, name);
                self.requests.truncate(before);
                self.requests.extend(one.requests);
                // The set's own decision is replaced by the allowed name's.
                self.decision = self
                    .requests
                    .iter()
                    .fold(Decision::Allow, |d, r| worst(d, r.decision));
                return;
            }
        }
    }
}

/// The worse of two decisions for a step that needs both.
pub(crate) fn worst(a: Decision, b: Decision) -> Decision {
    match (a, b) {
        (Decision::ExplicitDeny, _) | (_, Decision::ExplicitDeny) => Decision::ExplicitDeny,
        (Decision::ImplicitDeny, _) | (_, Decision::ImplicitDeny) => Decision::ImplicitDeny,
        (Decision::Indeterminate, _) | (_, Decision::Indeterminate) => Decision::Indeterminate,
        _ => Decision::Allow,
    }
}

/// Names of a new resource the caller may pick: for each Allow statement of the caller's own
/// policies that may match one of the actions, a member of the set its Resource shares with it
/// (crate::resource_set), then the set with each wildcard filled in.
fn new_names(world: &World, actor: &Caller, actions: &[&str], set: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let entity = crate::eval::Entity::of(world, actor);
    crate::eval::for_each_caller_policy(world, actor, entity, true, &mut |p, kind, _| {
        if kind != crate::eval::PolicyKind::Identity {
            return;
        }
        for s in crate::graph::allow_statements(p) {
            if !actions.iter().any(|a| crate::graph::action_may_match(s, a)) {
                continue;
            }
            let Some(block) = &s.resource else { continue };
            if block.kind != iamsim_policy::ResourceKind::Resource {
                continue;
            }
            for pattern in &block.patterns {
                // The statement's own pattern with each wildcard filled in, when the set holds
                // it; else the shortest name both match.
                let filled = fill_wildcards(&pattern.text);
                let m = if crate::resource_set::covers(set, &filled) {
                    Some(filled)
                } else {
                    crate::resource_set::shared_member(&pattern.text, set)
                };
                if let Some(m) = m.filter(|m| !m.contains(['*', '?']) && !out.contains(m)) {
                    out.push(m);
                }
            }
        }
    });
    out.push(fill_wildcards(set));
    out
}

/// A pattern's text with `*` and `?` each made `x`.
fn fill_wildcards(pattern: &str) -> String {
    pattern
        .chars()
        .map(|c| if c == '*' || c == '?' { 'x' } else { c })
        .collect()
}

/// How hops are decided: by the decision-only path while searching, explained for the path
/// chosen.
pub(crate) type Decider<'a> = &'a dyn Fn(&World, &HopRequest<'_>) -> Decision;

/// Every hop from `caller`: the steps it can take, allowed or indeterminate (refused ones are
/// left out), each a list of hops taken together: one hop, or a change of a principal the
/// caller can move to (whose `to` is the caller, still acting as itself) followed by the move
/// (whose `to` is the principal, changed).
pub fn hops_from(ix: &PathIndex<'_>, caller: &Caller, context: &Context) -> Vec<Vec<PathHop>> {
    hops_with(ix, caller, context, &crate::walk::decide_only)
}

pub(crate) fn hops_with(
    ix: &PathIndex<'_>,
    caller: &Caller,
    context: &Context,
    decide: Decider<'_>,
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
    out.extend(crate::escalation_trust::update_trust(
        ix, caller, allows, context, decide,
    ));
    let moves = moves(ix, caller, allows, context, decide);
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
) -> Vec<PathHop> {
    let mut out = Vec::new();
    assume_role_moves(ix, caller, context, decide, &mut out);
    let world = ix.world;
    let Some(account) = caller.account().and_then(|a| world.account(a)) else {
        return out;
    };
    if matches!(caller, Caller::User { .. } | Caller::Session(_)) {
        user_moves(ix, caller, allows, account, context, decide, &mut out);
        pass_role_moves(ix, caller, allows, account, context, decide, &mut out);
        crate::escalation_swap::profile_swap_moves(
            ix, caller, allows, account, context, decide, &mut out,
        );
    }
    take_over_moves(ix, caller, allows, context, decide, &mut out);
    out
}

/// `sts:AssumeRole` on the roles the trust index offers, decided as a `--via` hop is.
fn assume_role_moves(
    ix: &PathIndex<'_>,
    caller: &Caller,
    context: &Context,
    decide: Decider<'_>,
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
    let targets = match ix.targets.get(node) {
        Some(cell) => cell.get_or_init(|| ix.graph.assume_targets(&ix.trust, node)),
        None => return,
    };
    for &r in targets {
        let Some(role) = ix.graph.nodes.get(r).and_then(|n| n.role) else {
            continue;
        };
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
        role_arn: role.arn.clone(),
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
        target: role.arn.clone(),
        requests: vec![StepRequest {
            action: "sts:AssumeRole".into(),
            resource: role.arn.clone(),
            context: Vec::new(),
            decision: d,
        }],
        decision: d,
        unknown: None,
        to,
        words: format!("assume-role: a session of role {}", role.name),
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
    let me = caller.user(world).map(|u| u.arn.as_str());
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
            if Some(u.arn.as_str()) == me {
                continue;
            }
            let (holds, unknown) = precondition_of_user(step.precondition, u);
            if holds == Truth::False && step.otherwise.is_empty() {
                continue;
            }
            let mut asker = Asker::new(world, caller, allows, context, decide);
            for n in step.needs_for(Target::User) {
                asker.ask(n.any_of, &u.arn, &[]);
            }
            if holds == Truth::False {
                for n in step.otherwise {
                    asker.ask(n.any_of, &u.arn, &[]);
                }
            }
            let d = settle(&asker, &unknown);
            if !matches!(d, Decision::Allow | Decision::Indeterminate) {
                continue;
            }
            out.push(PathHop {
                kind: step.name,
                target: u.arn.clone(),
                requests: asker.requests,
                decision: d,
                unknown,
                to: Caller::user_of(u),
                words: format!("{name}: signs in as user {}", u.name),
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
                        u.name
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
    let own_role = caller.role(world).map(|r| r.arn.as_str());
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
            if Some(role.arn.as_str()) == own_role {
                continue;
            }
            let mut unknown = (*trust == Truth::Unknown).then(|| {
                format!(
                    "whether the trust policy of role {} lets {service} assume it: its statement for the service has a condition on the service's own request",
                    role.name
                )
            });
            let mut asker = Asker::new(world, caller, allows, context, decide).sharing(&shared);
            for n in step.needs_for(Target::Role) {
                ask_need(&mut asker, n, &role.arn, &role.arn, Some(service));
            }
            if step.precondition == Precondition::InstanceProfile
                && !ix
                    .profiled
                    .contains(&(role.account.as_str(), role.name.as_str()))
            {
                for n in step.otherwise {
                    ask_need(&mut asker, n, &role.arn, &role.arn, Some(service));
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
                target: role.arn.clone(),
                requests: asker.requests,
                decision: d,
                unknown,
                to: Caller::Session(Session::new(role, DEFAULT_SESSION_NAME)),
                words: format!(
                    "{}: role {} handed to {service}, which runs the caller's code with it",
                    step.name, role.name
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
/// resource-based policy may let another account in.
fn take_over_moves(
    ix: &PathIndex<'_>,
    caller: &Caller,
    allows: &IdentityAllows<'_>,
    context: &Context,
    decide: Decider<'_>,
    out: &mut Vec<PathHop>,
) {
    let world = ix.world;
    let own = caller
        .account()
        .and_then(|a| ix.compute_by_account.get(a))
        .into_iter()
        .flatten();
    let others = ix
        .compute_with_policy
        .iter()
        .filter(|(a, _, _)| caller.account() != Some(a.id.as_str()));
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
            let role = c.role_name(account).and_then(|r| account.roles.get(r));
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
                        step.name, c.arn, r.name
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

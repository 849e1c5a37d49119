//! Asking the requests of one escalation hop (docs/rules.md 10.4): which IAM requests a
//! caller's own policies may allow at all ([`IdentityAllows`]), and the requests of a step
//! decided in order by the one evaluator, including requests on a resource the caller creates
//! ([`Asker`]).

use crate::escalation_hops::StepRequest;
use crate::explain::Decision;
use crate::request::{Action, Caller};
use crate::HopRequest;
use iamsim_policy::Context;
use iamsim_world::World;
use std::collections::HashMap;

/// The Allow statements of a caller's identity policies (its changes included), to skip IAM
/// requests no statement can allow: IAM has no resource-based policy for its users, groups,
/// roles and policies, so without an identity Allow such a request is certainly refused (4.14).
pub(crate) struct IdentityAllows<'a> {
    statements: Vec<&'a iamsim_policy::Statement>,
    /// [`unbounded_by_identity`]: every action may be allowed.
    everything: bool,
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
        IdentityAllows {
            statements,
            everything: unbounded_by_identity(caller),
        }
    }

    /// False when the caller certainly cannot be allowed any of `actions` if they are IAM
    /// actions; true otherwise.
    pub(crate) fn may(&self, actions: &[&str]) -> bool {
        !actions.iter().all(|a| is_iam_action(a)) || self.any(actions)
    }

    /// Whether some identity Allow of the caller may match one of `actions`.
    pub(crate) fn any(&self, actions: &[&str]) -> bool {
        self.everything
            || actions.iter().any(|a| {
                self.statements
                    .iter()
                    .any(|s| crate::graph::action_may_match(s, a))
            })
    }
}

/// Whether `caller` may be allowed any action in its own account with no identity Allow: the
/// root user (4.3; SCPs still apply, 1.20). No step is ruled out for it before it is decided.
pub(crate) fn unbounded_by_identity(caller: &Caller) -> bool {
    matches!(caller, Caller::Root { .. })
}

/// Whether `action` (`service:Name`) is an action of IAM.
pub(crate) fn is_iam_action(action: &str) -> bool {
    action
        .split_once(':')
        .is_some_and(|(s, _)| s.eq_ignore_ascii_case("iam"))
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
    pub(crate) decision: Decision,
    /// The name picked for each new resource (by its pattern).
    picked: HashMap<&'static str, String>,
    /// Requests on new resources already decided for the same actor and context.
    shared: Option<&'a NewAsks>,
}

/// Requests on a new resource, by actions and the set of names, as [`Asker::ask_new`] decided
/// them for one actor and context: the hops of one step over many roles or profiles ask the
/// same ones. With them, the name picked (if one was).
#[derive(Default)]
pub(crate) struct NewAsks(std::cell::RefCell<HashMap<NewAskKey, NewAskAnswer>>);

/// A request on a new resource: its actions (by address) and the set of names it asks on (the
/// step's pattern with the actor's account and the Region filled in).
type NewAskKey = (usize, String);

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
        let shared = self.shared.filter(|_| !self.picked.contains_key(pattern));
        let key = shared.map(|_| (actions.as_ptr() as usize, set.clone()));
        if let (Some(shared), Some(key)) = (shared, &key) {
            let known = shared.0.borrow().get(key).cloned();
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
        if let (Some(shared), Some(key)) = (shared, key) {
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

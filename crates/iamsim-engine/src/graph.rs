//! The principal graph: every principal of a world — users, root users, a session of each role,
//! and the hypothetical principals of accounts the world does not model — as nodes, and the
//! sts:AssumeRole edges between them (rules 6.1–6.5, 6.15).
//!
//! Edges are not found by trying every pair. A role can only be assumed by a caller its trust
//! policy names (6.2): by ARN, unique id, account, or `*`. An index of those names gives each
//! role's candidate callers; callers named only through their account (or `*`, across accounts)
//! also need an identity Allow for sts:AssumeRole (6.3, 6.5), so only callers whose identity
//! policies have an Allow statement that may match sts:AssumeRole on that role are tried. Every
//! candidate edge is then decided by the engine itself ([`crate::evaluate_hop`]); the index only
//! skips pairs the engine would certainly deny.

use crate::request::{Caller, Outside, Session, DEFAULT_SESSION_NAME};
use iamsim_policy::{
    AwsPrincipal, Context, Effect, PrincipalKind, PrincipalValue, RequestResource, ResourceKind,
    Statement,
};
use iamsim_world::index::FnvMap;
use iamsim_world::{LoadedPolicy, Role, User, World};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::OnceLock;

mod unlisted;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeKind {
    User,
    Root,
    Role,
    Outside,
    Anonymous,
}

pub(crate) struct Node<'w> {
    pub caller: Caller,
    /// How who-can names it: a user ARN, `arn:aws:iam::ID:root`, a role ARN (a session of the
    /// role), `account:ID`, an outside ARN, or `anonymous`.
    /// Borrowed from the world for its users and roles.
    pub name: Cow<'w, str>,
    pub kind: NodeKind,
    pub role: Option<&'w Role>,
    /// The Allow statements of its identity policies that may match sts:AssumeRole; `None`:
    /// taken to allow it (an outside principal).
    assume: Option<Vec<&'w Statement>>,
}

pub(crate) struct Graph<'w> {
    pub world: &'w World,
    pub nodes: Vec<Node<'w>>,
    /// Each account's user nodes and role nodes (the session every graph has): each a run of
    /// nodes in the world's order, by name, so that a user or role is found by a binary search
    /// rather than through maps of every ARN and id (on a million-role world, building those
    /// maps was a third of who-can's time).
    members: FnvMap<&'w str, Members>,
    /// The other principals named by ARN: sessions under other names, outside entities, the
    /// unlisted principals policies name.
    by_arn: FnvMap<String, usize>,
    /// Users and roles by unique id, built when first asked (trust policies rarely name ids).
    by_id: OnceLock<FnvMap<&'w str, usize>>,
    /// Nodes that can call AssumeRole, by account.
    by_account: FnvMap<String, Vec<usize>>,
    /// Nodes whose identity policies may allow some sts:AssumeRole (outside ones included).
    capable: Vec<usize>,
    /// Accounts outside the world that policies name.
    pub named_accounts: BTreeSet<String>,
    /// Per policy (by address): its Allow statements that may match sts:AssumeRole. Most
    /// policies are shared by many roles.
    assume_cache: FnvMap<usize, Vec<&'w Statement>>,
}

/// Where an account's users and roles are among the nodes.
#[derive(Default)]
struct Members {
    users: Range<usize>,
    roles: Range<usize>,
}

const PARTITION: &str = "aws";

impl<'w> Graph<'w> {
    /// The world's principals; with `outside`, also the hypothetical principals of the accounts
    /// outside the world that trust policies or `extra` resource policies name, `account:*`, and
    /// the anonymous caller.
    pub fn build(world: &'w World, outside: bool, extra: &[&'w LoadedPolicy]) -> Graph<'w> {
        let principals = world.users().count() + world.roles().count();
        let mut g = Graph {
            world,
            nodes: Vec::with_capacity(principals + world.accounts().len()),
            members: FnvMap::with_capacity_and_hasher(world.accounts().len(), Default::default()),
            by_arn: FnvMap::default(),
            by_id: OnceLock::new(),
            by_account: FnvMap::default(),
            capable: Vec::new(),
            named_accounts: BTreeSet::new(),
            assume_cache: FnvMap::default(),
        };
        for (id, a) in world.accounts() {
            let start = g.nodes.len();
            for u in a.users.values() {
                g.push(Caller::user_of(u), u.arn(), NodeKind::User, None);
            }
            g.members.entry(id).or_default().users = start..g.nodes.len();
        }
        for a in world.accounts().keys() {
            g.push(
                Caller::Root { account: a.clone() },
                format!("arn:aws:iam::{a}:root"),
                NodeKind::Root,
                None,
            );
        }
        for (id, a) in world.accounts() {
            let start = g.nodes.len();
            for r in a.roles.values() {
                let session = Session::new(r, DEFAULT_SESSION_NAME);
                g.push(Caller::Session(session), r.arn(), NodeKind::Role, Some(r));
            }
            g.members.entry(id).or_default().roles = start..g.nodes.len();
        }
        if outside {
            let mut named: BTreeSet<Outside> = BTreeSet::new();
            let trusts = world.roles().map(|r| &*r.trust);
            for p in trusts.chain(extra.iter().copied()) {
                for s in allow_statements(p) {
                    for v in named_principals(s) {
                        let Some((account, entity)) = crate::open_conditions::outside_entity_of(v)
                        else {
                            continue;
                        };
                        if world.accounts().contains_key(&account) {
                            continue;
                        }
                        g.named_accounts.insert(account.clone());
                        named.insert(Outside {
                            account: Some(account.clone()),
                            entity: None,
                        });
                        if entity.is_some() {
                            named.insert(Outside {
                                account: Some(account),
                                entity,
                            });
                        }
                    }
                }
            }
            named.insert(Outside {
                account: None,
                entity: None,
            });
            for o in named {
                let name = o.name();
                let i = g.push(Caller::Outside(o), name.clone(), NodeKind::Outside, None);
                if name.starts_with("arn:") {
                    g.by_arn.insert(name, i);
                }
            }
            g.push(Caller::Anonymous, "anonymous", NodeKind::Anonymous, None);
        }
        g
    }

    fn push(
        &mut self,
        caller: Caller,
        name: impl Into<Cow<'w, str>>,
        kind: NodeKind,
        role: Option<&'w Role>,
    ) -> usize {
        let i = self.nodes.len();
        let assume = match kind {
            NodeKind::Outside => None,
            NodeKind::Root | NodeKind::Anonymous => Some(Vec::new()),
            NodeKind::User | NodeKind::Role => {
                let mut v: Vec<&'w Statement> = Vec::new();
                let policies = match role {
                    // A role's node is a session of the role as the world holds it.
                    Some(r) => r.policies.iter().map(|p| &**p).collect(),
                    None => identity_policies(self.world, &caller),
                };
                for p in policies {
                    let key = std::ptr::from_ref(p) as usize;
                    let stmts = self.assume_cache.entry(key).or_insert_with(|| {
                        allow_statements(p)
                            .filter(|s| action_may_match(s, "sts:AssumeRole"))
                            .collect()
                    });
                    v.extend(stmts.iter().copied());
                }
                Some(v)
            }
        };
        let can_assume = match &assume {
            None => true,
            Some(v) => !v.is_empty(),
        };
        if matches!(kind, NodeKind::User | NodeKind::Role | NodeKind::Outside) {
            if let Some(a) = caller.account() {
                match self.by_account.get_mut(a) {
                    Some(v) => v.push(i),
                    None => {
                        self.by_account.insert(a.to_string(), vec![i]);
                    }
                }
            }
            if can_assume {
                self.capable.push(i);
            }
        }
        self.nodes.push(Node {
            caller,
            name: name.into(),
            kind,
            role,
            assume,
        });
        i
    }

    /// The node a user, role or session principal entry names. A session ARN names a role's
    /// node only for the session name the graph gives every role session.
    fn lookup(&self, p: &AwsPrincipal) -> Option<usize> {
        if let AwsPrincipal::AssumedRole {
            partition,
            account,
            role_name,
            session_name,
        } = p
        {
            if partition == PARTITION && session_name == DEFAULT_SESSION_NAME {
                if let Some(r) = self
                    .world
                    .account(account)
                    .and_then(|a| a.roles.get(role_name))
                {
                    return self.role_node(r);
                }
            }
        }
        principal_arn(p).and_then(|a| self.node_by_arn(&a))
    }

    /// The node named by this ARN: a user or role of the world, or another principal the graph
    /// holds.
    pub(crate) fn node_by_arn(&self, arn: &str) -> Option<usize> {
        if let Some(r) = self.world.role_by_arn(arn) {
            return self.role_node(r);
        }
        if let Some(u) = self.world.user_by_arn(arn) {
            return self.user_node(u);
        }
        self.by_arn.get(arn).copied()
    }

    /// The node of a role of the world: its session every graph has.
    fn role_node(&self, role: &Role) -> Option<usize> {
        let run = self.members.get(role.account())?.roles.clone();
        let nodes = self.nodes.get(run.clone())?;
        let is = |n: &Node<'_>| n.role.is_some_and(|r| r.arn() == role.arn());
        let at = nodes
            .binary_search_by(|n| n.role.map_or("", |r| r.name()).cmp(role.name()))
            .ok()
            .filter(|at| nodes.get(*at).is_some_and(is))
            // (A role given as a changed copy, or a run not in name order: by ARN.)
            .or_else(|| nodes.iter().position(is))?;
        Some(run.start + at)
    }

    /// The node of a user of the world.
    fn user_node(&self, user: &User) -> Option<usize> {
        let run = self.members.get(user.account())?.users.clone();
        let nodes = self.nodes.get(run.clone())?;
        let at = nodes
            .binary_search_by(|n| match &n.caller {
                Caller::User { name, .. } => name.as_str().cmp(user.name()),
                _ => std::cmp::Ordering::Less,
            })
            .ok()
            .filter(|at| nodes.get(*at).is_some_and(|n| n.name == user.arn()))
            .or_else(|| nodes.iter().position(|n| n.name == user.arn()))?;
        Some(run.start + at)
    }

    /// The users and roles by unique id (their first node: a role's session every graph has).
    fn by_id(&self) -> &FnvMap<&'w str, usize> {
        self.by_id.get_or_init(|| {
            let mut m = FnvMap::default();
            for (i, n) in self.nodes.iter().enumerate() {
                let id = match (n.kind, n.role) {
                    (NodeKind::Role, Some(r)) => r.id(),
                    (NodeKind::User, _) => match n.caller.user(self.world) {
                        Some(u) => u.id(),
                        None => continue,
                    },
                    _ => continue,
                };
                m.entry(id).or_insert(i);
            }
            m
        })
    }

    /// The node of a world principal (a user, or a role's session).
    pub fn node_of(&self, caller: &Caller) -> Option<usize> {
        match caller {
            Caller::User { .. } => self.user_node(caller.user(self.world)?),
            Caller::Session(_) => self.role_node(caller.role(self.world)?),
            _ => None,
        }
    }

    /// For a forward search: the roles each caller may be able to assume, or nearly — those
    /// whose trust policy names it (by ARN, unique id, account or `*`) — and, per caller, those
    /// its identity policies allow it to assume (see [`Graph::assume_targets`]).
    pub fn trust_index(&self) -> TrustIndex {
        let mut ix = TrustIndex::default();
        for (r, n) in self.nodes.iter().enumerate() {
            let Some(role) = n.role else { continue };
            let not_principal = allow_statements(&role.trust)
                .filter(|s| action_may_match(s, "sts:AssumeRole"))
                .filter_map(|s| s.principal.as_ref())
                .any(|b| b.kind != PrincipalKind::Principal);
            if not_principal {
                // An Allow with NotPrincipal names whom it leaves out, not whom it lets in.
                ix.unindexed.push(r);
            }
            for e in trust_entries(role) {
                match &e.value {
                    PrincipalValue::Aws(AwsPrincipal::Everyone)
                    | PrincipalValue::CanonicalUser(_) => ix.everyone.push(r),
                    PrincipalValue::Aws(AwsPrincipal::Account { account, .. }) => {
                        ix.by_account.entry(account.clone()).or_default().push(r);
                    }
                    PrincipalValue::Aws(AwsPrincipal::UniqueId(id)) => {
                        if let Some(c) = self.by_id().get(id.as_str()) {
                            ix.by_node.entry(*c).or_default().push(r);
                        }
                    }
                    PrincipalValue::Aws(p) => {
                        if let Some(c) = self.lookup(p) {
                            ix.by_node.entry(c).or_default().push(r);
                        }
                    }
                    _ => {}
                }
            }
        }
        ix
    }

    /// The roles `caller` may be able to assume or nearly: its trust-index entries, and the
    /// roles an identity Allow for sts:AssumeRole may cover (a trust policy that does not name
    /// it is then the hop that fails).
    pub fn assume_targets(&self, ix: &TrustIndex, caller: usize) -> Vec<usize> {
        let Some((node, mut out)) = self.indexed_targets(ix, caller) else {
            return Vec::new();
        };
        if node.assume.as_ref().is_some_and(|v| !v.is_empty()) {
            for (r, n) in self.nodes.iter().enumerate() {
                if let Some(role) = n.role {
                    if self.may_assume(caller, role) {
                        out.push(r);
                    }
                }
            }
        }
        sorted_without(out, caller)
    }

    /// The roles whose trust policy may let `caller` in: those that name it (by ARN or unique
    /// id), its account or `*`, and those whose trust policy allows through `NotPrincipal`.
    /// Every other role's trust policy denies its AssumeRole whatever its identity policies say
    /// (6.2): the path search tries only these.
    pub fn trusting_targets(&self, ix: &TrustIndex, caller: usize) -> Vec<usize> {
        let Some((_, mut out)) = self.indexed_targets(ix, caller) else {
            return Vec::new();
        };
        out.extend(&ix.unindexed);
        sorted_without(out, caller)
    }

    /// A user's or role's node, with the roles whose trust index entries name it, its account
    /// or `*` (unsorted); `None` for other nodes.
    fn indexed_targets(&self, ix: &TrustIndex, caller: usize) -> Option<(&Node<'w>, Vec<usize>)> {
        let node = self.nodes.get(caller)?;
        if matches!(node.kind, NodeKind::Root | NodeKind::Anonymous) {
            return None;
        }
        let mut out: Vec<usize> = ix.everyone.clone();
        if let Some(a) = node.caller.account() {
            out.extend(ix.by_account.get(a).into_iter().flatten());
        }
        out.extend(ix.by_node.get(&caller).into_iter().flatten());
        Some((node, out))
    }

    /// The node of the role with this ARN, if the world declares it.
    pub fn role_node_by_arn(&self, arn: &str) -> Option<usize> {
        self.role_node(self.world.role_by_arn(arn)?)
    }

    /// Is `role` among [`Graph::assume_targets`] of `caller`? The same test for one pair, for
    /// when the roles of interest are few.
    pub fn is_assume_target(&self, ix: &TrustIndex, caller: usize, role: usize) -> bool {
        let (Some(node), Some(r)) = (
            self.nodes.get(caller),
            self.nodes.get(role).and_then(|n| n.role),
        ) else {
            return false;
        };
        if caller == role || matches!(node.kind, NodeKind::Root | NodeKind::Anonymous) {
            return false;
        }
        ix.everyone.contains(&role)
            || self.trust_names(ix, caller, role)
            || (node.assume.as_ref().is_some_and(|v| !v.is_empty()) && self.may_assume(caller, r))
    }

    /// Does the role's trust policy let in anyone (`*`, or a canonical user)?
    pub fn trusts_everyone(&self, ix: &TrustIndex, role: usize) -> bool {
        ix.everyone.contains(&role)
    }

    /// Does the role's trust policy name this caller itself — by ARN, unique id or its
    /// account, not through `*`? (For drawing: an edge a side refuses is worth showing only
    /// when the other side names it.)
    pub fn trust_names(&self, ix: &TrustIndex, caller: usize, role: usize) -> bool {
        let by_node = ix.by_node.get(&caller).is_some_and(|v| v.contains(&role));
        let by_account = self
            .nodes
            .get(caller)
            .and_then(|n| n.caller.account())
            .and_then(|a| ix.by_account.get(a))
            .is_some_and(|v| v.contains(&role));
        by_node || by_account
    }

    /// Does an identity Allow of the caller aim at this role: a Resource pattern that may match
    /// its ARN and names its account (not `*`, nor roles of any account)?
    pub fn identity_names(&self, caller: usize, role: &Role) -> bool {
        let Some(Some(stmts)) = self.nodes.get(caller).map(|n| &n.assume) else {
            return false;
        };
        let empty = Context::new();
        stmts.iter().any(|s| {
            s.resource.as_ref().is_some_and(|b| {
                b.kind == ResourceKind::Resource
                    && b.patterns.iter().any(|p| {
                        p.text.contains(role.account())
                            && p.matcher
                                .matches(RequestResource::Arn(role.arn()), &empty, b.kind)
                                .may_be_true()
                    })
            })
        })
    }

    /// May the node's identity policies allow sts:AssumeRole on this role? (Conservative.)
    fn may_assume(&self, node: usize, role: &Role) -> bool {
        match self.nodes.get(node).map(|n| &n.assume) {
            Some(None) => true,
            Some(Some(stmts)) => stmts
                .iter()
                .any(|s| resource_may_match(s, RequestResource::Arn(role.arn()))),
            None => false,
        }
    }

    /// The callers that may be allowed to assume `role`: those its trust policy names, and
    /// through an account or `*` only those whose identity policies may allow it.
    pub fn assume_candidates(&self, role: &Role) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for e in trust_entries(role) {
            match &e.value {
                PrincipalValue::Aws(AwsPrincipal::Everyone) | PrincipalValue::CanonicalUser(_) => {
                    // `*` names a same-account caller directly (no identity policy needed);
                    // others need their own Allow.
                    out.extend(self.by_account.get(role.account()).into_iter().flatten());
                    out.extend(self.capable.iter().filter(|i| self.may_assume(**i, role)));
                }
                PrincipalValue::Aws(AwsPrincipal::Account { partition, account })
                    if partition == PARTITION =>
                {
                    out.extend(
                        self.by_account
                            .get(account)
                            .into_iter()
                            .flatten()
                            .filter(|i| self.may_assume(**i, role)),
                    );
                }
                PrincipalValue::Aws(AwsPrincipal::UniqueId(id)) => {
                    out.extend(self.by_id().get(id.as_str()));
                }
                PrincipalValue::Aws(p) => {
                    out.extend(self.lookup(p));
                }
                _ => {}
            }
        }
        out.sort_unstable();
        out.dedup();
        out.retain(|i| {
            self.nodes.get(*i).is_some_and(|n| {
                matches!(n.kind, NodeKind::User | NodeKind::Role | NodeKind::Outside)
            })
        });
        out
    }

    /// May this node be allowed `action` on `resource` at all? False only when no identity
    /// Allow of it can match and no resource-based policy names it (or everyone) in a way that
    /// needs no identity policy: then every rule of sections 4 and 5 denies it. A grant by name
    /// or `*` needs no identity policy only in the resource owner's own account (4.10, 5.2);
    /// `owner` `None` (not known) keeps every named principal.
    pub fn may_be_allowed(
        &self,
        node: usize,
        action: &str,
        resource: RequestResource<'_>,
        named: &NamedByResource,
    ) -> bool {
        let Some(n) = self.nodes.get(node) else {
            return false;
        };
        if matches!(
            n.kind,
            NodeKind::Root | NodeKind::Outside | NodeKind::Anonymous
        ) {
            return true;
        }
        let same_account = match named.owner.as_deref() {
            Some(o) => n.caller.account() == Some(o),
            None => true,
        };
        if same_account && (named.everyone || named.nodes.contains(&node)) {
            return true;
        }
        let may = |p: &LoadedPolicy| {
            allow_statements(p)
                .any(|s| action_may_match(s, action) && resource_may_match(s, resource))
        };
        match n.role {
            // A role's node is its plain session: the role's own policies, without a lookup.
            Some(role) => role.policies.iter().any(|p| may(p)),
            None => identity_policies(self.world, &n.caller)
                .into_iter()
                .any(may),
        }
    }

    /// Which nodes the Allow statements of these resource-based policies name directly.
    pub fn named_by(&self, policies: &[&LoadedPolicy], action: &str) -> NamedByResource {
        let mut named = NamedByResource::default();
        for p in policies {
            for s in allow_statements(p) {
                if !action_may_match(s, action) {
                    continue;
                }
                let Some(block) = &s.principal else { continue };
                if block.kind != PrincipalKind::Principal {
                    named.everyone = true;
                    continue;
                }
                for e in &block.entries {
                    match &e.value {
                        PrincipalValue::Aws(AwsPrincipal::Everyone)
                        | PrincipalValue::CanonicalUser(_) => named.everyone = true,
                        PrincipalValue::Aws(AwsPrincipal::UniqueId(id)) => {
                            named.nodes.extend(self.by_id().get(id.as_str()));
                        }
                        PrincipalValue::Aws(p) => {
                            named.nodes.extend(self.lookup(p));
                        }
                        _ => {}
                    }
                }
            }
        }
        named
    }
}

/// Which roles' trust policies name which callers (for forward searches).
#[derive(Default)]
pub(crate) struct TrustIndex {
    everyone: Vec<usize>,
    /// Roles whose trust policy allows through `NotPrincipal`.
    unindexed: Vec<usize>,
    by_account: HashMap<String, Vec<usize>>,
    by_node: HashMap<usize, Vec<usize>>,
}

/// Nodes a resource-based policy grants to by name (or everyone).
#[derive(Default)]
pub(crate) struct NamedByResource {
    /// The resource's owner, when the world knows it.
    pub owner: Option<String>,
    pub everyone: bool,
    pub nodes: BTreeSet<usize>,
}

/// The identity policies of a user (its own and its groups') or of a role.
/// Node indexes sorted, each once, without `caller`.
fn sorted_without(mut out: Vec<usize>, caller: usize) -> Vec<usize> {
    out.sort_unstable();
    out.dedup();
    out.retain(|r| *r != caller);
    out
}

pub(crate) fn identity_policies<'w>(world: &'w World, caller: &Caller) -> Vec<&'w LoadedPolicy> {
    let mut out: Vec<&LoadedPolicy> = Vec::new();
    if let Some(u) = caller.user(world) {
        out.extend(u.policies.iter().map(|p| &**p));
        if let Some(a) = world.account(u.account()) {
            for g in &u.groups {
                if let Some(group) = a.groups.get(g) {
                    out.extend(group.policies.iter().map(|p| &**p));
                }
            }
        }
    } else if let Some(r) = caller.role(world) {
        out.extend(r.policies.iter().map(|p| &**p));
    }
    out
}

/// The principals named by the Allow statements of a role's trust policy that may cover
/// sts:AssumeRole: who the role may let in.
fn trust_entries(role: &Role) -> impl Iterator<Item = &iamsim_policy::PrincipalEntry> {
    allow_statements(&role.trust)
        .filter(|s| action_may_match(s, "sts:AssumeRole"))
        .filter_map(|s| s.principal.as_ref())
        .filter(|b| b.kind == PrincipalKind::Principal)
        .flat_map(|b| b.entries.iter())
}

pub(crate) fn allow_statements(p: &LoadedPolicy) -> impl Iterator<Item = &Statement> {
    p.policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
}

fn named_principals(s: &Statement) -> impl Iterator<Item = &AwsPrincipal> {
    s.principal.iter().flat_map(|b| {
        b.entries.iter().filter_map(|e| match &e.value {
            PrincipalValue::Aws(p) if b.kind == PrincipalKind::Principal => Some(p),
            _ => None,
        })
    })
}

/// The ARN a user, role or session principal entry names, as the graph indexes it.
fn principal_arn(p: &AwsPrincipal) -> Option<String> {
    match p {
        AwsPrincipal::User {
            partition,
            account,
            path,
            name,
        } if partition == PARTITION => Some(format!("arn:aws:iam::{account}:user{path}{name}")),
        AwsPrincipal::Role {
            partition,
            account,
            path,
            name,
        } if partition == PARTITION => Some(format!("arn:aws:iam::{account}:role{path}{name}")),
        AwsPrincipal::AssumedRole {
            partition,
            account,
            role_name,
            session_name,
        } if partition == PARTITION => Some(format!(
            "arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"
        )),
        _ => None,
    }
}

pub(crate) fn action_may_match(s: &Statement, action: &str) -> bool {
    let any = s
        .action
        .patterns
        .iter()
        .any(|p| p.matcher.matches(action).may_be_true());
    match s.action.kind {
        iamsim_policy::ActionKind::Action => any,
        // A NotAction excludes; whether it excludes this action under every reading is the
        // engine's business: keep the statement.
        iamsim_policy::ActionKind::NotAction => true,
    }
}

/// Conservative: true unless every Resource pattern certainly misses. Patterns with policy
/// variables depend on the request context, so they are kept.
pub(crate) fn resource_may_match(s: &Statement, resource: RequestResource<'_>) -> bool {
    let Some(block) = &s.resource else {
        return true;
    };
    if block.kind == ResourceKind::NotResource {
        return true;
    }
    let empty = Context::new();
    block.patterns.iter().any(|p| {
        p.text.contains("${")
            || p.matcher
                .matches(resource, &empty, block.kind)
                .may_be_true()
    })
}

/// What a forward search from one principal found (`can --any-path`, `via: "*"`).
pub(crate) struct Search {
    /// Chains (role ARNs, in order) whose final request is allowed, shortest first.
    pub allowed: Vec<Vec<String>>,
    /// The chain that came closest, ending with the role whose AssumeRole failed or after which
    /// the final request failed, and how close it came.
    pub closest: Option<(Vec<String>, Closeness)>,
    /// AssumeRole requests decided.
    pub tried: usize,
}

/// How close a failed chain came, compared as a tuple: first how near its failing hop was —
/// 2 when an Allow statement applied there (one side granted it, the other fell short), 1 when
/// an Allow statement matched the action but not the rest, 0 otherwise — then the shorter
/// chain, then a failure of the final request over one of an AssumeRole.
pub(crate) type Closeness = (u8, std::cmp::Reverse<usize>, bool);

pub(crate) fn closeness(
    failing: Option<&crate::explain::Hop>,
    is_final: bool,
    len: usize,
) -> Closeness {
    use crate::explain::Outcome;
    let mut level = 0;
    for r in failing.map(|h| h.reasons.as_slice()).unwrap_or(&[]) {
        // SCP and RCP Allow statements never grant; they say nothing of closeness.
        let guardrail = matches!(
            r.policy_type,
            iamsim_policy::PolicyType::Scp | iamsim_policy::PolicyType::Rcp
        );
        if r.effect != Some(Effect::Allow) || guardrail {
            continue;
        }
        level = level.max(if r.outcome == Outcome::Applied { 2 } else { 1 });
    }
    (level, std::cmp::Reverse(len), is_final)
}

/// Breadth-first over the AssumeRole edges from `start`, each decided exactly by the engine,
/// visiting each role once and at most `max_len` deep.
#[allow(clippy::too_many_arguments)]
pub(crate) fn search_chains(
    world: &World,
    graph: &Graph<'_>,
    ix: &TrustIndex,
    start: &Caller,
    action: &crate::request::Action,
    resource: &str,
    context: &Context,
    max_len: usize,
) -> Search {
    use crate::eval::{evaluate_hop, HopRequest};
    use crate::request::AssumeRoleParams;
    let assume_action = crate::request::Action {
        text: "sts:AssumeRole".into(),
    };
    let params = AssumeRoleParams::default();
    let mut found = Search {
        allowed: Vec::new(),
        closest: None,
        tried: 0,
    };
    // Root users and anonymous callers cannot assume roles (6.6).
    let Some(start_node) = graph.node_of(start) else {
        return found;
    };
    let mut visited = vec![false; graph.nodes.len()];
    if let Some(v) = visited.get_mut(start_node) {
        *v = graph
            .nodes
            .get(start_node)
            .is_some_and(|n| n.kind == NodeKind::Role);
    }
    let consider = |found: &mut Search, chain: Vec<String>, score: Closeness| {
        if !matches!(&found.closest, Some((_, s)) if score <= *s) {
            found.closest = Some((chain, score));
        }
    };
    // The start keeps its own identity (its session policies, its session name).
    let mut frontier: Vec<(usize, Caller, Vec<String>)> =
        vec![(start_node, start.clone(), Vec::new())];
    for _depth in 0..max_len {
        let mut next = Vec::new();
        for (node, caller, chain) in &frontier {
            for r in graph.assume_targets(ix, *node) {
                if visited.get(r).copied().unwrap_or(true) {
                    continue;
                }
                let Some(role) = graph.nodes.get(r).and_then(|n| n.role) else {
                    continue;
                };
                found.tried += 1;
                let h = evaluate_hop(
                    world,
                    &HopRequest {
                        caller,
                        action: &assume_action,
                        resource: role.arn(),
                        context,
                        assume: Some(&params),
                    },
                );
                let mut longer = chain.clone();
                longer.push(role.arn().to_string());
                if !h.decision.is_allow() {
                    // A failed AssumeRole is worth showing only when the role could then do
                    // the request: this hop is then all that stands in the way.
                    let role_could = graph.nodes.get(r).is_some_and(|n| {
                        evaluate_hop(
                            world,
                            &HopRequest {
                                caller: &n.caller,
                                action,
                                resource,
                                context,
                                assume: None,
                            },
                        )
                        .decision
                        .is_allow()
                    });
                    if role_could {
                        let score = closeness(Some(&h), false, longer.len());
                        consider(&mut found, longer, score);
                    }
                    continue;
                }
                if let Some(v) = visited.get_mut(r) {
                    *v = true;
                }
                let session = graph.nodes.get(r).map(|n| n.caller.clone());
                let Some(session) = session else { continue };
                let fin = evaluate_hop(
                    world,
                    &HopRequest {
                        caller: &session,
                        action,
                        resource,
                        context,
                        assume: None,
                    },
                );
                if fin.decision.is_allow() {
                    found.allowed.push(longer.clone());
                } else {
                    let score = closeness(Some(&fin), true, longer.len());
                    consider(&mut found, longer.clone(), score);
                }
                next.push((r, session, longer));
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every fixture world that loads, with its folder.
    fn fixture_worlds() -> Vec<(std::path::PathBuf, World)> {
        let dirs = crate::test_world::fixture_world_dirs("");
        let loaded = dirs.into_iter().map(|d| (World::load(&d), d));
        loaded.filter_map(|(w, d)| Some((d, w.ok()?))).collect()
    }

    /// Users and roles are found by a binary search in their account's run of nodes: each must
    /// be found at the node that holds it, by ARN, by unique id, and as a caller (a role as the
    /// session every graph has), also when given as a changed copy with the same ARN.
    #[test]
    fn every_user_and_role_is_found_at_its_node() {
        let worlds = fixture_worlds();
        assert!(worlds.len() > 50, "{}", worlds.len());
        let mut found = 0;
        for (dir, world) in &worlds {
            let g = Graph::build(world, true, &[]);
            for u in world.users() {
                let i = g
                    .node_by_arn(u.arn())
                    .unwrap_or_else(|| panic!("{dir:?} {}", u.arn()));
                assert_eq!(g.nodes[i].name, u.arn());
                assert_eq!(g.node_of(&Caller::user_of(u)), Some(i));
                assert_eq!(g.by_id().get(u.id()), Some(&i));
                found += 1;
            }
            for r in world.roles() {
                let i = g
                    .node_by_arn(r.arn())
                    .unwrap_or_else(|| panic!("{dir:?} {}", r.arn()));
                assert!(g.nodes[i].role.is_some_and(|x| std::ptr::eq(x, r)));
                assert_eq!(g.role_node_by_arn(r.arn()), Some(i));
                assert_eq!(g.by_id().get(r.id()), Some(&i));
                let session = Caller::Session(Session::new(r, DEFAULT_SESSION_NAME));
                assert_eq!(g.node_of(&session), Some(i));
                // A copy of the role (as a changed principal holds it) is the same node.
                let copy = r.clone();
                assert_eq!(g.role_node(&copy), Some(i));
                found += 1;
            }
            // An ARN of no user or role of the world names no node of either.
            assert_eq!(g.node_by_arn("arn:aws:iam::000000000000:role/none"), None);
            assert_eq!(g.node_by_arn("arn:aws:iam::000000000000:user/none"), None);
        }
        assert!(found > 400, "{found}");
    }
}

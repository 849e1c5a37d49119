//! The access graph of a world, for people to look at (formats.md §10): users, roles, buckets
//! and other resources as nodes, grouped by account; the sts:AssumeRole edges between
//! principals, each decided by the engine ([`crate::evaluate_hop`]) over the candidates of the
//! principal graph (crate::graph); and the principals a bucket or resource policy names.
//!
//! An edge that is refused is kept only when one side names the other (the trust policy names
//! the caller or its account, or the caller's identity policy names the role's ARN): that is
//! the edge a reader expects to work, and the graph says which side refuses it. `--focus` cuts
//! the graph to the neighbourhood of some nodes, following edges both ways.

use crate::eval::{evaluate_hop, HopRequest};
use crate::explain::{Decision, Hop, Outcome, Reason};
use crate::graph::{Graph, NodeKind, TrustIndex};
use crate::request::{Action, AssumeRoleParams, RequestError};
use crate::who_can::WhoCan;
use iamsim_policy::{Context, Effect, Location, PolicyType, PrincipalKind, PrincipalValue};
use iamsim_world::{LoadedPolicy, World};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessNodeKind {
    /// An IAM user.
    User,
    /// An IAM role, standing for its sessions.
    Role,
    /// An account's root user.
    Root,
    /// An S3 bucket.
    Bucket,
    /// Another resource with a resource-based policy (a KMS key, a queue, ...).
    Resource,
    /// A principal of an account the world does not model (`account:ID`, an ARN there).
    Outside,
    /// Anonymous callers, as one node.
    Anonymous,
}

impl AccessNodeKind {
    /// The kind as the graph's JSON and the HTML page name it (`user`, `role`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            AccessNodeKind::User => "user",
            AccessNodeKind::Role => "role",
            AccessNodeKind::Root => "root",
            AccessNodeKind::Bucket => "bucket",
            AccessNodeKind::Resource => "resource",
            AccessNodeKind::Outside => "outside",
            AccessNodeKind::Anonymous => "anonymous",
        }
    }
}

/// A policy attached to a node, with where it starts.
#[derive(Clone, Debug)]
pub struct PolicyRef {
    /// `identity policy`, `group policy (GROUP)`, `trust policy`, `permissions boundary`,
    /// `bucket policy`, `resource policy`.
    pub role: String,
    /// A file of the world, an ARN, or an inline policy's position.
    pub name: String,
    /// Where the policy document starts.
    pub location: Location,
    /// Its statements: `statement 0` or `statement \`Sid\``, with where each starts.
    pub statements: Vec<(String, Location)>,
}

/// A principal or resource of the access graph.
#[derive(Clone, Debug)]
pub struct AccessNode {
    /// The ARN (a role's ARN stands for its sessions), `account:ID`, or `anonymous`.
    pub id: String,
    /// What the node is.
    pub kind: AccessNodeKind,
    /// The account it belongs to; `None` for anonymous callers and any other account.
    pub account: Option<String>,
    /// A short name: the user, role or bucket name.
    pub label: String,
    /// The policies attached to it (identity, group, boundary, trust, bucket or resource
    /// policies), for the page's details.
    pub policies: Vec<PolicyRef>,
    /// Steps from the nearest focus node (0 for a focus node); `None` without a focus.
    pub distance: Option<usize>,
}

/// What an edge stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// `from` calls sts:AssumeRole on the role `to`, decided by the engine.
    AssumeRole,
    /// The resource policy of `to` names the principal `from` in an Allow statement (a fact of
    /// the policy, not a decision).
    Named,
    /// `from` (at the end of a who-can path) is allowed the highlighted request on `to`.
    Access,
}

impl EdgeKind {
    /// The kind as the graph's JSON names it: `assume-role`, `named`, `access`.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::AssumeRole => "assume-role",
            EdgeKind::Named => "named",
            EdgeKind::Access => "access",
        }
    }
}

/// An edge of the access graph, between two nodes by their index in [`AccessGraph::nodes`].
#[derive(Clone, Debug)]
pub struct AccessEdge {
    /// The caller, or the principal named.
    pub from: usize,
    /// The role assumed, or the resource.
    pub to: usize,
    /// What the edge stands for.
    pub kind: EdgeKind,
    /// The engine's decision (assume-role and access edges); `None` for named edges.
    pub decision: Option<Decision>,
    /// For a refused edge, which side refuses it: `trust policy`, `caller's policies`, `both
    /// sides`, or the policy whose Deny matches.
    pub refused_by: Option<String>,
    /// The statements that decided it or nearly did (for named edges, the naming statements).
    pub reasons: Vec<Reason>,
    /// On a who-can path of the highlighted request.
    pub highlighted: bool,
}

impl AccessEdge {
    /// Whether a path may take the edge: a named edge, or one the engine allows.
    pub fn usable(&self) -> bool {
        self.decision.is_none_or(Decision::is_allow)
    }
}

/// Who may reach whom in a world: principals and resources as nodes, AssumeRole decisions,
/// resource-policy grants and a request's who-can paths as edges (what `iamsim graph` draws).
#[derive(Clone, Debug, Default)]
pub struct AccessGraph {
    /// Every account the nodes belong to, with its alias, and whether the world models it.
    pub accounts: BTreeMap<String, (Option<String>, bool)>,
    /// The nodes; edges refer to them by index.
    pub nodes: Vec<AccessNode>,
    /// The edges.
    pub edges: Vec<AccessEdge>,
    /// The highlighted request, `ACTION RESOURCE`.
    pub request: Option<String>,
}

/// Which part of the world to draw.
#[derive(Clone, Debug, Default)]
pub struct GraphQuery {
    /// Node ids (ARNs) to centre on; empty: the whole world.
    pub focus: Vec<String>,
    /// How many edges away from a focus node to go (default 2).
    pub depth: Option<usize>,
}

const DEFAULT_DEPTH: usize = 2;

/// Builds the access graph of `world` (or of the neighbourhood `q` asks for).
pub fn access_graph(world: &World, q: &GraphQuery) -> Result<AccessGraph, RequestError> {
    let graph = Graph::build(world, true, &[]);
    let ix = graph.trust_index();
    let names: HashMap<&str, usize> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (&*n.name, i))
        .collect();
    let mut b = Builder {
        names: &names,
        world,
        graph: &graph,
        ix: &ix,
        decided: HashMap::new(),
        out: AccessGraph::default(),
        node_of_principal: HashMap::new(),
        node_of_id: HashMap::new(),
    };
    if q.focus.is_empty() {
        for (i, n) in graph.nodes.iter().enumerate() {
            if matches!(n.kind, NodeKind::User | NodeKind::Role) {
                b.principal_node(i, None);
            }
        }
        for i in 0..graph.nodes.len() {
            for (from, to) in b.neighbours(i, false) {
                b.edge(from, to, None);
            }
        }
        for (id, a) in world.accounts() {
            for bucket in a.buckets.values() {
                b.resource_node(&format!("arn:aws:s3:::{}", bucket.name), Some(id), None);
            }
            for r in a.resources.values() {
                b.resource_node(&r.arn, Some(id), None);
            }
        }
        b.named_edges(None);
    } else {
        let depth = q.depth.unwrap_or(DEFAULT_DEPTH);
        let mut queue: VecDeque<(usize, usize)> = VecDeque::new();
        let mut seen: HashMap<usize, usize> = HashMap::new();
        let mut resources: Vec<String> = Vec::new();
        for f in &q.focus {
            match names.get(f.as_str()).copied() {
                Some(i) => {
                    seen.insert(i, 0);
                    queue.push_back((i, 0));
                }
                None => {
                    let owner = resource_owner(world, f).ok_or_else(|| {
                        RequestError::new(
                            iamsim_policy::Code::UnknownRequestEntity,
                            format!("`{f}` is not a user, role, bucket or resource of the world"),
                        )
                    })?;
                    b.resource_node(f, Some(&owner), Some(0));
                    resources.push(f.clone());
                }
            }
        }
        // The principals a focused resource's policy names are one step away.
        for r in &resources {
            for p in b.named_principals(r) {
                seen.entry(p).or_insert_with(|| {
                    queue.push_back((p, 1));
                    1
                });
            }
        }
        while let Some((i, d)) = queue.pop_front() {
            b.principal_node(i, Some(d));
            if d >= depth {
                continue;
            }
            for (from, to) in b.neighbours(i, true) {
                let other = if from == i { to } else { from };
                if !b.edge(from, to, None) {
                    continue;
                }
                if let std::collections::hash_map::Entry::Vacant(e) = seen.entry(other) {
                    e.insert(d + 1);
                    queue.push_back((other, d + 1));
                }
            }
        }
        // Edges between nodes of the neighbourhood not yet decided (those out of the nodes at
        // the edge of it): pair by pair, as the neighbourhood is small.
        let mut inside: Vec<usize> = seen.keys().copied().collect();
        inside.sort_unstable();
        for &from in &inside {
            for &to in &inside {
                if !b.decided.contains_key(&(from, to)) && b.is_edge_candidate(from, to) {
                    b.edge(from, to, None);
                }
            }
        }
        for (id, a) in world.accounts() {
            for bucket in a.buckets.values() {
                let arn = format!("arn:aws:s3:::{}", bucket.name);
                let near = b
                    .named_principals(&arn)
                    .into_iter()
                    .filter_map(|p| seen.get(&p))
                    .min()
                    .copied();
                if let Some(d) = near.filter(|d| *d < depth) {
                    b.resource_node(&arn, Some(id), Some(d + 1));
                }
            }
        }
        b.named_edges(Some(&seen));
    }
    b.out.edges.retain(|e| e.from != e.to);
    Ok(b.out)
}

impl AccessGraph {
    /// Highlights the paths of a who-can answer: the AssumeRole edges of each chain, and an
    /// access edge from its last principal to the resource. Principals the graph does not show
    /// (outside the focus) are left out.
    pub fn highlight(&mut self, world: &World, who: &WhoCan) {
        self.request = Some(format!("{} {}", who.action, who.resource));
        let owner = resource_owner(world, &who.resource);
        let target = match self.find(&who.resource) {
            Some(t) => t,
            None => {
                let (arn, label) = match bucket_of(&who.resource) {
                    Some(b) if world.bucket(b).is_some() => (format!("arn:aws:s3:::{b}"), b),
                    _ => (who.resource.clone(), who.resource.as_str()),
                };
                match self.find(&arn) {
                    Some(t) => t,
                    None => {
                        let label = label.to_string();
                        self.push_node(AccessNode {
                            id: arn,
                            kind: if bucket_of(&who.resource).is_some() {
                                AccessNodeKind::Bucket
                            } else {
                                AccessNodeKind::Resource
                            },
                            account: owner.clone(),
                            label,
                            policies: Vec::new(),
                            distance: None,
                        })
                    }
                }
            }
        };
        for entry in &who.principals {
            let mut chain: Vec<&str> = vec![entry.principal.as_str()];
            chain.extend(entry.via.iter().map(String::as_str));
            let nodes: Option<Vec<usize>> = chain.iter().map(|id| self.find(id)).collect();
            let Some(nodes) = nodes else { continue };
            for pair in nodes.windows(2) {
                if let [a, b] = pair {
                    for e in &mut self.edges {
                        if e.from == *a && e.to == *b && e.kind == EdgeKind::AssumeRole {
                            e.highlighted = true;
                        }
                    }
                }
            }
            let Some(last) = nodes.last().copied() else {
                continue;
            };
            let reasons = entry
                .path
                .last()
                .map(|h| h.reasons.clone())
                .unwrap_or_default();
            let decision = if entry.decision() == "allow" {
                Decision::Allow
            } else {
                Decision::Indeterminate
            };
            if !self
                .edges
                .iter()
                .any(|e| e.from == last && e.to == target && e.kind == EdgeKind::Access)
            {
                self.edges.push(AccessEdge {
                    from: last,
                    to: target,
                    kind: EdgeKind::Access,
                    decision: Some(decision),
                    refused_by: (decision != Decision::Allow).then(|| {
                        format!("only under conditions: {}", entry.conditions().join(", "))
                    }),
                    reasons,
                    highlighted: true,
                });
            }
        }
    }

    /// The node with this id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    fn push_node(&mut self, n: AccessNode) -> usize {
        if let Some(a) = &n.account {
            self.accounts.entry(a.clone()).or_insert((None, false));
        }
        self.nodes.push(n);
        self.nodes.len() - 1
    }
}

struct Builder<'a, 'w> {
    world: &'w World,
    graph: &'a Graph<'w>,
    ix: &'a TrustIndex,
    /// Principal-graph nodes by name (ARN, `account:ID`, `anonymous`).
    names: &'a HashMap<&'a str, usize>,
    /// AssumeRole edges decided so far (principal-graph nodes), and whether each was kept.
    decided: HashMap<(usize, usize), bool>,
    out: AccessGraph,
    /// Principal-graph node → access-graph node.
    node_of_principal: HashMap<usize, usize>,
    node_of_id: HashMap<String, usize>,
}

impl<'w> Builder<'_, 'w> {
    /// The candidate AssumeRole edges at a principal-graph node: out of it, and (`incoming`)
    /// into it when it is a role.
    fn neighbours(&self, i: usize, incoming: bool) -> Vec<(usize, usize)> {
        let Some(n) = self.graph.nodes.get(i) else {
            return Vec::new();
        };
        let mut out: Vec<(usize, usize)> = Vec::new();
        if matches!(n.kind, NodeKind::User | NodeKind::Role | NodeKind::Outside) {
            for r in self.graph.assume_targets(self.ix, i) {
                // An outside principal is taken to allow itself anything: only the roles that
                // name it are its edges.
                if n.kind == NodeKind::Outside && !self.graph.trust_names(self.ix, i, r) {
                    continue;
                }
                out.push((i, r));
            }
        }
        if incoming {
            if let Some(role) = n.role {
                out.extend(
                    self.graph
                        .assume_candidates(role)
                        .into_iter()
                        .map(|c| (c, i)),
                );
            }
        }
        out
    }

    /// Is `from` → `to` a candidate edge, as [`Builder::neighbours`] would list it?
    fn is_edge_candidate(&self, from: usize, to: usize) -> bool {
        let outside = self
            .graph
            .nodes
            .get(from)
            .is_some_and(|n| n.kind == NodeKind::Outside);
        if outside {
            return self.graph.trust_names(self.ix, from, to);
        }
        self.graph.is_assume_target(self.ix, from, to)
    }

    /// Decides the AssumeRole edge `from` → `to` and adds it when it is usable or one side
    /// names the other. True when it is in the graph.
    fn edge(&mut self, from: usize, to: usize, distance: Option<usize>) -> bool {
        if from == to {
            return false;
        }
        if let Some(k) = self.decided.get(&(from, to)) {
            return *k;
        }
        let (Some(caller), Some(role)) = (
            self.graph.nodes.get(from),
            self.graph.nodes.get(to).and_then(|n| n.role),
        ) else {
            return false;
        };
        // An AssumeRole is allowed only when the trust policy names the caller, its account or
        // everyone (6.2); an edge it does not is drawn only when the caller's policy aims at
        // the role. Neither: nothing to decide (a caller allowed sts:AssumeRole on every role
        // would otherwise cost a decision per role of the world).
        let trust_names = self.graph.trust_names(self.ix, from, to);
        let identity_names = self.graph.identity_names(from, role);
        if !trust_names && !identity_names && !self.graph.trusts_everyone(self.ix, to) {
            self.decided.insert((from, to), false);
            return false;
        }
        let assume = Action {
            text: "sts:AssumeRole".into(),
        };
        let hop = evaluate_hop(
            self.world,
            &HopRequest {
                caller: &caller.caller,
                action: &assume,
                resource: role.arn(),
                context: &Context::new(),
                assume: Some(&AssumeRoleParams::default()),
            },
        );
        let keep = hop.decision.is_allow() || trust_names || identity_names;
        self.decided.insert((from, to), keep);
        if !keep {
            return false;
        }
        let a = self.principal_node(from, distance);
        let b = self.principal_node(to, distance);
        self.out.edges.push(AccessEdge {
            from: a,
            to: b,
            kind: EdgeKind::AssumeRole,
            decision: Some(hop.decision),
            refused_by: refused_by(&hop),
            reasons: hop.reasons,
            highlighted: false,
        });
        true
    }

    /// The access-graph node of a principal-graph node, added when first seen.
    fn principal_node(&mut self, i: usize, distance: Option<usize>) -> usize {
        if let Some(n) = self.node_of_principal.get(&i) {
            if let (Some(node), Some(d)) = (self.out.nodes.get_mut(*n), distance) {
                node.distance = Some(node.distance.map_or(d, |x| x.min(d)));
            }
            return *n;
        }
        let Some(n) = self.graph.nodes.get(i) else {
            return usize::MAX;
        };
        let (kind, label, policies) = match n.kind {
            NodeKind::User => {
                let user = n.caller.user(self.world);
                let mut policies: Vec<PolicyRef> = Vec::new();
                if let Some(u) = user {
                    policies.extend(u.policies.iter().map(|p| policy_ref("identity policy", p)));
                    if let Some(a) = self.world.account(u.account()) {
                        for g in &u.groups {
                            for p in a.groups.get(g).into_iter().flat_map(|g| &g.policies) {
                                policies.push(policy_ref(&format!("group policy ({g})"), p));
                            }
                        }
                    }
                    policies.extend(
                        u.boundary
                            .iter()
                            .map(|p| policy_ref("permissions boundary", p)),
                    );
                }
                (
                    AccessNodeKind::User,
                    user.map(|u| u.name().to_string()).unwrap_or_default(),
                    policies,
                )
            }
            NodeKind::Role => {
                let mut policies: Vec<PolicyRef> = Vec::new();
                if let Some(r) = n.role {
                    policies.push(policy_ref("trust policy", &r.trust));
                    policies.extend(r.policies.iter().map(|p| policy_ref("identity policy", p)));
                    policies.extend(
                        r.boundary
                            .iter()
                            .map(|p| policy_ref("permissions boundary", p)),
                    );
                }
                (
                    AccessNodeKind::Role,
                    n.role.map(|r| r.name().to_string()).unwrap_or_default(),
                    policies,
                )
            }
            NodeKind::Root => (AccessNodeKind::Root, "root".into(), Vec::new()),
            NodeKind::Outside => (AccessNodeKind::Outside, n.name.to_string(), Vec::new()),
            NodeKind::Anonymous => (AccessNodeKind::Anonymous, n.name.to_string(), Vec::new()),
        };
        let account = n.caller.account().map(str::to_string);
        if let Some(a) = &account {
            let alias = self.world.account(a).and_then(|x| x.alias.clone());
            let modelled = self.world.accounts().contains_key(a);
            self.out
                .accounts
                .entry(a.clone())
                .or_insert((alias, modelled));
        }
        let at = self.out.nodes.len();
        self.out.nodes.push(AccessNode {
            id: n.name.to_string(),
            kind,
            account,
            label,
            policies,
            distance,
        });
        self.node_of_principal.insert(i, at);
        self.node_of_id.insert(n.name.to_string(), at);
        at
    }

    fn resource_node(&mut self, arn: &str, account: Option<&str>, distance: Option<usize>) {
        if self.node_of_id.contains_key(arn) {
            return;
        }
        let (kind, label, policy) = match bucket_of(arn).and_then(|b| self.world.bucket(b)) {
            Some(b) => (AccessNodeKind::Bucket, b.name.clone(), b.policy.as_ref()),
            None => {
                let r = self.world.resource(arn);
                let label = arn.rsplit([':', '/']).next().unwrap_or(arn).to_string();
                (
                    AccessNodeKind::Resource,
                    label,
                    r.and_then(|r| r.policy.as_ref()),
                )
            }
        };
        let role = if kind == AccessNodeKind::Bucket {
            "bucket policy"
        } else {
            "resource policy"
        };
        if let Some(a) = account {
            let alias = self.world.account(a).and_then(|x| x.alias.clone());
            self.out
                .accounts
                .entry(a.to_string())
                .or_insert((alias, true));
        }
        let at = self.out.nodes.len();
        self.out.nodes.push(AccessNode {
            id: arn.to_string(),
            kind,
            account: account.map(str::to_string),
            label,
            policies: policy.iter().map(|p| policy_ref(role, p)).collect(),
            distance,
        });
        self.node_of_id.insert(arn.to_string(), at);
    }

    fn resource_policy(&self, arn: &str) -> Option<&'w LoadedPolicy> {
        match bucket_of(arn).and_then(|b| self.world.bucket(b)) {
            Some(b) => b.policy.as_deref(),
            None => self.world.resource(arn).and_then(|r| r.policy.as_deref()),
        }
    }

    /// The principal-graph nodes the Allow statements of a resource's policy name.
    fn named_principals(&self, arn: &str) -> Vec<usize> {
        let Some(p) = self.resource_policy(arn) else {
            return Vec::new();
        };
        let mut out: Vec<usize> = named_entries(p)
            .filter_map(|(_, text)| self.names.get(text).copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// For every resource node, an edge from each principal node its policy names.
    fn named_edges(&mut self, seen: Option<&HashMap<usize, usize>>) {
        let resources: Vec<(usize, String)> = self
            .out
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, AccessNodeKind::Bucket | AccessNodeKind::Resource))
            .map(|(i, n)| (i, n.id.clone()))
            .collect();
        for (to, arn) in resources {
            let Some(p) = self.resource_policy(&arn) else {
                continue;
            };
            let mut by_principal: BTreeMap<usize, Vec<Reason>> = BTreeMap::new();
            for (s, text) in named_entries(p) {
                let Some(i) = self.names.get(text).copied() else {
                    continue;
                };
                if seen.is_some_and(|seen| !seen.contains_key(&i)) {
                    continue;
                }
                let from = self.principal_node(i, None);
                by_principal.entry(from).or_default().push(Reason {
                    policy: p.name.clone(),
                    role: format!("bucket policy names `{text}`"),
                    policy_type: iamsim_policy::PolicyType::Resource,
                    location: p.policy.source.location(s.span),
                    statement: statement_label(s),
                    effect: Some(Effect::Allow),
                    outcome: Outcome::Applied,
                });
            }
            for (from, reasons) in by_principal {
                self.out.edges.push(AccessEdge {
                    from,
                    to,
                    kind: EdgeKind::Named,
                    decision: None,
                    refused_by: None,
                    reasons,
                    highlighted: false,
                });
            }
        }
    }
}

/// The Allow statements' principal entries of a policy (their text).
fn named_entries(p: &LoadedPolicy) -> impl Iterator<Item = (&iamsim_policy::Statement, &str)> {
    crate::graph::allow_statements(p).flat_map(|s| {
        s.principal
            .iter()
            .filter(|b| b.kind == PrincipalKind::Principal)
            .flat_map(|b| b.entries.iter())
            .filter(|e| matches!(e.value, PrincipalValue::Aws(_)))
            .map(move |e| (s, e.text.as_str()))
    })
}

/// Which side refuses a hop that is not allowed.
fn refused_by(hop: &Hop) -> Option<String> {
    if hop.decision.is_allow() {
        return None;
    }
    let applied =
        |r: &&Reason, effect: Effect| r.effect == Some(effect) && r.outcome == Outcome::Applied;
    if hop.decision == Decision::ExplicitDeny {
        let deny = hop.reasons.iter().find(|r| applied(r, Effect::Deny));
        return Some(deny.map_or_else(|| "a Deny statement".into(), |r| r.role.clone()));
    }
    if hop.decision == Decision::Indeterminate {
        return Some(format!(
            "undecided: {}",
            hop.summary.first().map(String::as_str).unwrap_or("")
        ));
    }
    let trust = hop
        .reasons
        .iter()
        .any(|r| applied(&r, Effect::Allow) && r.policy_type == PolicyType::Trust);
    let caller = hop
        .reasons
        .iter()
        .any(|r| applied(&r, Effect::Allow) && r.policy_type == PolicyType::Identity);
    Some(
        match (trust, caller) {
            (false, false) => "both sides",
            (false, true) => "trust policy",
            (true, false) => "caller's policies",
            (true, true) => hop.summary.first().map_or("another policy", |s| s.as_str()),
        }
        .to_string(),
    )
}

fn statement_label(s: &iamsim_policy::Statement) -> String {
    match &s.sid {
        Some(sid) => format!("statement `{}`", sid.value),
        None => format!("statement {}", s.index),
    }
}

fn policy_ref(role: &str, p: &LoadedPolicy) -> PolicyRef {
    let src = &p.policy.source;
    PolicyRef {
        role: role.to_string(),
        name: p.name.clone(),
        location: src.location(p.policy.span),
        statements: p
            .policy
            .statements
            .iter()
            .map(|s| (statement_label(s), src.location(s.span)))
            .collect(),
    }
}

/// The bucket an S3 ARN names (`arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`).
pub(crate) fn bucket_of(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:aws:s3:::")?;
    let name = rest.split('/').next()?;
    (!name.is_empty()).then_some(name)
}

fn resource_owner(world: &World, arn: &str) -> Option<String> {
    if let Some(b) = bucket_of(arn) {
        return world.bucket(b).map(|b| b.account.clone());
    }
    world.resource(arn).map(|r| r.account.clone())
}

//! Decisions and their explanations: per hop, the policies and statements that decided it or
//! nearly did, each with file:line:column.

use crate::eval::{HopRequest, PolicyKind, Target, Who};
use crate::request::Caller;
use crate::statement::{PrincipalMatch, StatementMatch};
use crate::walk::Recorder;
use iamsim_policy::{Effect, Location, Truth};
use iamsim_world::{LoadedPolicy, World};
use std::fmt;

/// The four answers (rule 0.1). `Indeterminate` is a denial whose reason is that the
/// world does not hold enough to prove an Allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Allowed: a grant holds under every reading and no Deny or guardrail stops it.
    Allow,
    /// Denied because nothing allows it (no grant, or a guardrail with no Allow, 4.15).
    ImplicitDeny,
    /// Denied by a `Deny` statement that matches (4.5).
    ExplicitDeny,
    /// Denied because the world does not hold enough to prove an Allow (0.1, 0.2).
    Indeterminate,
}

impl Decision {
    /// The decision as JSON output and tests files write it: `allow`, `implicit-deny`,
    /// `explicit-deny`, `indeterminate`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::ImplicitDeny => "implicit-deny",
            Decision::ExplicitDeny => "explicit-deny",
            Decision::Indeterminate => "indeterminate",
        }
    }

    /// Whether the decision is [`Decision::Allow`]; every other decision is a denial.
    pub fn is_allow(self) -> bool {
        self == Decision::Allow
    }

    /// The text people read: denials say which kind.
    pub fn headline(self) -> &'static str {
        match self {
            Decision::Allow => "ALLOW",
            Decision::ImplicitDeny => "DENY (implicit: nothing allows it)",
            Decision::ExplicitDeny => "DENY (explicit: a Deny statement matches)",
            Decision::Indeterminate => "DENY (indeterminate: could not be proven allowed)",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one statement did for a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The statement applied (its effect counted).
    Applied,
    /// It applies under one reading of a construct AWS leaves open (0.2); the text says which.
    Ambiguous(String),
    /// It matched the action but not the rest; the text says why.
    NotApplied(String),
}

/// One statement that decided the hop or nearly did.
#[derive(Clone, Debug)]
pub struct Reason {
    /// The policy: a file of the world, an ARN, or an inline policy's position.
    pub policy: String,
    /// What the policy is to this request: `identity policy of user alice`, `bucket policy of
    /// my-bucket`, `SCP at ou dev`, ...
    pub role: String,
    /// The kind of policy, for code that tells them apart (an SCP's or RCP's Allow never
    /// grants, 4.6 and 4.7; a trust policy is the role's side of an AssumeRole, 6.2).
    pub policy_type: iamsim_policy::PolicyType,
    /// Where the statement (or, for a policy none of whose statements matched, the policy) is:
    /// file, line and column.
    pub location: Location,
    /// `statement 0` or `statement \`Sid\``.
    pub statement: String,
    /// The statement's effect; `None` for a policy none of whose statements matches the action.
    pub effect: Option<Effect>,
    /// What the statement did for the request.
    pub outcome: Outcome,
}

impl Reason {
    /// `allow`, `deny`, or the reason the statement did not apply.
    fn verb(&self) -> String {
        self.effect
            .map(|e| e.as_str().to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// The verb with the statement as its subject: `allows`, `denies`.
    fn verb_s(&self) -> &'static str {
        match self.effect {
            Some(Effect::Allow) => "allows",
            Some(Effect::Deny) => "denies",
            None => "",
        }
    }

    /// What the statement did, in words: `allow`, `deny`, `deny under one reading: ...`, or why
    /// it did not apply.
    pub fn did(&self) -> String {
        match &self.outcome {
            Outcome::Applied => self.verb(),
            Outcome::Ambiguous(why) => format!("{} under one reading: {why}", self.verb()),
            Outcome::NotApplied(why) => why.clone(),
        }
    }

    /// The reason as one line of the text explanation: the statement, its position, what the
    /// policy is to the request, and what it did.
    pub fn render(&self) -> String {
        match &self.outcome {
            Outcome::Applied => format!(
                "{} of {} ({}) {} it",
                self.statement,
                self.location,
                self.role,
                self.verb_s()
            ),
            Outcome::Ambiguous(why) => format!(
                "{} of {} ({}) {} it under one reading: {why}",
                self.statement,
                self.location,
                self.role,
                self.verb_s()
            ),
            Outcome::NotApplied(why) => format!(
                "{} of {} ({}) {}",
                self.statement, self.location, self.role, why
            ),
        }
    }
}

/// The evaluation of one request: an AssumeRole hop or the final request.
#[derive(Clone, Debug)]
pub struct Hop {
    /// The caller of this request: the starting principal, or the session of the role assumed
    /// by the hop before.
    pub principal: String,
    /// The action (`sts:AssumeRole` for a hop that assumes a role).
    pub action: String,
    /// The resource ARN (the role's ARN for an AssumeRole hop), or `*`.
    pub resource: String,
    /// The decision of this request alone.
    pub decision: Decision,
    /// One-line reasons for the decision, most important first.
    pub summary: Vec<String>,
    /// The statements that decided the request or nearly did, with their positions.
    pub reasons: Vec<Reason>,
    /// Assumptions and known disagreements the decision rests on.
    pub notes: Vec<String>,
    /// When the decision depends on keys the request leaves open (3.21a): the alternatives under
    /// which it would be allowed, each a list of conditions that must all hold.
    pub conditions: Vec<Vec<crate::open_conditions::Term>>,
    /// Requests the service makes on the caller's behalf as part of this one (the KMS request
    /// of an object in an SSE-KMS bucket, 13.13): the hop is allowed only if they all are.
    pub companions: Vec<Hop>,
    /// The step of an escalation path this request belongs to (`can --any-path`); `None` for
    /// the final request and for `--via` chains.
    pub step: Option<HopStep>,
}

/// The step of an escalation path a request of the path belongs to (docs/rules.md 10.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HopStep {
    /// Its number in the path, from 1.
    pub number: usize,
    /// `assume-role` or the step's name.
    pub kind: String,
    /// The step in words.
    pub words: String,
    /// What the step relies on that the world does not state.
    pub unknown: Option<String>,
}

/// A whole answer: the chain of hops and the final decision.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The principal asked about, as the request named it.
    pub principal: String,
    /// The action asked about.
    pub action: String,
    /// The resource asked about.
    pub resource: String,
    /// The roles assumed, in order.
    pub via: Vec<String>,
    /// The final decision: `Allow` only when every hop is allowed.
    pub decision: Decision,
    /// One hop per role assumed, then the request itself; a chain stops at its first denied hop.
    pub path: Vec<Hop>,
    /// Notes on the whole answer (for example, how a chain was searched).
    pub notes: Vec<String>,
    /// The conditions under which it would be allowed, when it depends on keys the request leaves
    /// open (3.21a): alternatives, each a list of conditions that must all hold.
    pub conditions: Vec<Vec<crate::open_conditions::Term>>,
}

impl Answer {
    /// The text explanation a reviewer reads.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "{}\n  {} {} {}\n",
            self.decision.headline(),
            self.principal,
            self.action,
            self.resource
        ));
        if !self.via.is_empty() {
            out.push_str(&format!("  via {}\n", self.via.join(" -> ")));
        }
        for (i, alt) in self.conditions.iter().enumerate() {
            let all: Vec<&str> = alt.iter().map(|t| t.text.as_str()).collect();
            out.push_str(&format!(
                "  {} {}\n",
                if i == 0 { "allowed if" } else { "or if" },
                all.join(" and ")
            ));
        }
        for note in &self.notes {
            out.push_str(&format!("  note: {note}\n"));
        }
        for (i, hop) in self.path.iter().enumerate() {
            // The step of an escalation path it belongs to, said once before its requests.
            if let Some(s) = &hop.step {
                let first = i == 0
                    || self
                        .path
                        .get(i - 1)
                        .and_then(|p| p.step.as_ref())
                        .map(|p| p.number)
                        != Some(s.number);
                if first {
                    out.push_str(&format!("\nstep {}: {}\n", s.number, s.words));
                    if let Some(u) = &s.unknown {
                        out.push_str(&format!("  unknown: {u}\n"));
                    }
                }
            }
            out.push_str(&format!(
                "\nhop {}: {} {} {}\n  decision: {}\n",
                i + 1,
                hop.principal,
                hop.action,
                hop.resource,
                hop.decision
            ));
            for s in &hop.summary {
                out.push_str(&format!("  why: {s}\n"));
            }
            for r in &hop.reasons {
                out.push_str(&format!("  - {}\n", r.render()));
            }
            for n in &hop.notes {
                out.push_str(&format!("  note: {n}\n"));
            }
            for c in &hop.companions {
                render_companion(c, &mut out);
            }
        }
        out
    }
}

/// A companion request under its hop, indented one step further.
fn render_companion(c: &Hop, out: &mut String) {
    out.push_str(&format!(
        "  also asked: {} {} {}\n    decision: {}\n",
        c.principal, c.action, c.resource, c.decision
    ));
    for s in &c.summary {
        out.push_str(&format!("    why: {s}\n"));
    }
    for r in &c.reasons {
        out.push_str(&format!("    - {}\n", r.render()));
    }
    for n in &c.notes {
        out.push_str(&format!("    note: {n}\n"));
    }
}

/// The recorder of the explained walk ([`crate::evaluate_hop`]): the hop's summary and notes as
/// the rules write them, and every candidate statement's match, turned into reasons at the end.
pub(crate) struct Explaining<'a> {
    hop: Hop,
    seen: Vec<SeenPolicy<'a>>,
}

/// One applicable policy and the matches of its candidate statements, by position.
struct SeenPolicy<'a> {
    policy: &'a LoadedPolicy,
    who: Who<'a>,
    kind: PolicyKind,
    matches: Vec<(usize, StatementMatch)>,
}

impl<'a> Explaining<'a> {
    pub(crate) fn new(world: &World, req: &HopRequest<'_>) -> Self {
        Explaining {
            hop: Hop {
                principal: req.caller.arn(world),
                action: req.action.text.clone(),
                resource: req.resource.to_string(),
                decision: Decision::ImplicitDeny,
                summary: Vec::new(),
                reasons: Vec::new(),
                notes: Vec::new(),
                conditions: Vec::new(),
                companions: Vec::new(),
                step: None,
            },
            seen: Vec::new(),
        }
    }

    /// The explained hop, with its reasons.
    pub(crate) fn finish(mut self, decision: Decision) -> Hop {
        self.hop.decision = decision;
        for p in &mut self.seen {
            p.matches.sort_by_key(|(i, _)| *i);
            add_reasons(p, &mut self.hop.reasons, &self.hop.action);
        }
        self.hop
    }
}

impl<'a> Recorder<'a> for Explaining<'a> {
    const EXPLAINS: bool = true;

    fn policy(&mut self, policy: &'a LoadedPolicy, who: Who<'a>, kind: PolicyKind) {
        self.seen.push(SeenPolicy {
            policy,
            who,
            kind,
            matches: Vec::new(),
        });
    }

    fn statement(&mut self, index: usize, m: StatementMatch) {
        if let Some(p) = self.seen.last_mut() {
            p.matches.push((index, m));
        }
    }

    fn summary(&mut self, text: impl FnOnce() -> String) {
        self.hop.summary.push(text());
    }

    fn summary_first(&mut self, text: impl FnOnce() -> String) {
        self.hop.summary.insert(0, text());
    }

    fn notes(&mut self) -> Option<&mut Vec<String>> {
        Some(&mut self.hop.notes)
    }

    fn grants(&mut self, decision: Decision, x: Explain<'_, 'a>) {
        self.hop.decision = decision;
        explain_grants(&mut self.hop, &x);
    }

    fn companion(
        &mut self,
        world: &'a World,
        req: &HopRequest<'a>,
        extra: &iamsim_policy::Context,
        open: Option<&crate::open_conditions::OpenConditions<'_>>,
        rule: &str,
    ) -> Decision {
        let mut sub = Explaining::new(world, req);
        let decision = crate::walk::walk_one(world, req, Some(extra), open, &mut sub, None);
        let mut hop = sub.finish(decision);
        let mut keys: Vec<String> = extra
            .iter()
            .map(|(k, v)| format!("{k}={}", v.values().collect::<Vec<_>>().join(",")))
            .collect();
        keys.sort();
        hop.notes.insert(
            0,
            format!(
                "asked by the same caller through the service ({rule}), with {}",
                keys.join(", ")
            ),
        );
        self.hop.companions.push(hop);
        decision
    }
}

/// The reasons one policy gives: each statement that decided the request or nearly did (its
/// action matched), or, when none did, that the policy was consulted.
fn add_reasons(p: &SeenPolicy<'_>, reasons: &mut Vec<Reason>, action: &str) {
    // The built-in FullAWSAccess SCP and RCP: their Allow is not worth a line.
    let builtin = matches!(p.kind, PolicyKind::Scp(_) | PolicyKind::Rcp(_))
        && !p.policy.name.contains('/')
        && !p.policy.name.contains('.');
    let statements = &p.policy.policy.statements;
    if !builtin && p.matches.iter().all(|(_, m)| !m.action.may_be_true()) {
        // Say that the policy was consulted, so a reader sees nothing was overlooked.
        reasons.push(Reason {
            policy: p.policy.name.clone(),
            role: p.who.describe(),
            policy_type: p.who.policy_type(),
            location: p.policy.policy.location(p.policy.policy.span),
            statement: "no statement".into(),
            effect: None,
            outcome: Outcome::NotApplied(format!("matches the action `{action}`")),
        });
        return;
    }
    for (i, m) in &p.matches {
        let Some(s) = statements.get(*i) else {
            continue;
        };
        if !m.action.may_be_true() {
            continue;
        }
        if builtin && s.effect.value == Effect::Allow && m.applies == Truth::True {
            continue;
        }
        let outcome = match (m.applies, &m.why) {
            (Truth::True, _) => Outcome::Applied,
            (Truth::Unknown, Some(why)) => Outcome::Ambiguous(why.clone()),
            (Truth::Unknown, None) => Outcome::Ambiguous("a construct AWS leaves open".into()),
            (Truth::False, Some(why)) => Outcome::NotApplied(why.clone()),
            (Truth::False, None) => Outcome::NotApplied("does not apply".into()),
        };
        reasons.push(Reason {
            policy: p.policy.name.clone(),
            role: p.who.describe(),
            policy_type: p.who.policy_type(),
            location: p.policy.policy.location(s.span),
            statement: s.label(),
            effect: Some(s.effect.value),
            outcome,
        });
    }
}

/// The grant rules' findings, as the explanation words them.
pub(crate) struct Explain<'a, 'w> {
    pub target: &'a Target<'w>,
    pub owner: Option<&'a str>,
    pub caller: &'a Caller,
    pub same_account: bool,
    pub mandatory: bool,
    pub id: Truth,
    pub pb: Truth,
    pub sp: Truth,
    pub rp: PrincipalMatch,
    pub has_resource_policy: bool,
    pub resource_policy_known: bool,
    pub scp_gate: Truth,
    pub rcp_gate: Truth,
    pub is_root: bool,
    pub world_models_owner: bool,
}

fn explain_grants(hop: &mut Hop, x: &Explain<'_, '_>) {
    let s = &mut hop.summary;
    let rp_name = match x.target {
        Target::Bucket(b) => format!("the bucket policy of {}", b.name),
        Target::Role(r) => format!("the trust policy of role {}", r.name()),
        _ => "the resource-based policy".to_string(),
    };
    match x.target {
        Target::UnknownBucket(name) => s.push(format!(
            "the world does not declare bucket `{name}`, so its owner and bucket policy are unknown (2.10)"
        )),
        Target::Other { account: Some(a), .. } if !x.resource_policy_known => {
            s.push(if x.world_models_owner {
                "the policies of S3 access points and Multi-Region Access Points are not modelled in this release, so the resource's policy is unknown (10.2)".to_string()
            } else {
                format!("the resource belongs to account {a}, which the world does not model, so its resource-based policy is unknown (2.10)")
            })
        }
        _ => {}
    }
    if hop.decision == Decision::Allow {
        s.push(why_allowed(x, &rp_name));
        return;
    }
    if x.scp_gate == Truth::Unknown {
        s.push("an SCP allows it only under one reading (0.2)".into());
    }
    if x.rcp_gate == Truth::Unknown {
        s.push("whether the RCPs of the resource's owner allow it is not known (2.10, 4.6)".into());
    }
    if matches!(x.caller, Caller::Anonymous) {
        s.push(format!(
            "an anonymous caller needs {rp_name} to grant it to everyone (`*`), and it does not (4.4)"
        ));
        return;
    }
    let identity_text = |s: &mut Vec<String>| {
        if x.id == Truth::False {
            s.push("no identity-based policy of the caller allows it".into());
        } else if x.id == Truth::Unknown {
            s.push("an identity-based policy allows it only under one reading (0.2)".into());
        }
        if x.pb == Truth::False {
            s.push("the permissions boundary does not allow it (4.9)".into());
        }
        if x.sp == Truth::False {
            s.push("no session policy allows it (4.9)".into());
        }
    };
    let resource_text = |s: &mut Vec<String>| {
        if !x.resource_policy_known {
            return;
        }
        if !x.has_resource_policy {
            match x.target {
                Target::Bucket(b) => s.push(format!("bucket {} has no bucket policy", b.name)),
                Target::Wildcard => {}
                _ => s.push("the resource has no resource-based policy".into()),
            }
        } else if x.rp.any() == Truth::False {
            s.push(format!(
                "{rp_name} grants nothing to the caller for this request"
            ));
        }
    };
    if x.mandatory && matches!(x.caller, Caller::Federated(_)) {
        s.push(format!(
            "a federated caller has no identity policy: {rp_name} alone decides, and must name its provider under `Federated` (10.3)"
        ));
        resource_text(s);
        return;
    }
    if x.mandatory && !x.same_account && x.rp.any() == Truth::True && x.id != Truth::True {
        // The trust policy allows it: the refusal is the caller's own side (6.5).
        identity_text(s);
        s.push(format!(
            "{rp_name} allows the caller, but cross-account the caller's identity-based policy must allow it too (6.5)"
        ));
        return;
    }
    if x.mandatory {
        s.push(format!(
            "{rp_name} must allow the caller, even in the same account (4.12, 6.2)"
        ));
        resource_text(s);
        if x.rp.account != Truth::False && x.same_account {
            s.push("the trust policy names the caller's account, so the caller also needs an identity-based Allow (6.3)".into());
        }
        if !x.same_account {
            s.push(
                "cross-account: the caller's identity-based policy must allow it too (6.5)".into(),
            );
        }
        identity_text(s);
        return;
    }
    if x.owner.is_some() && !x.same_account {
        s.push(format!(
            "cross-account (caller in {}, resource in {}): both the caller's identity-based policy and {rp_name} must allow it (5.1)",
            x.caller.account().unwrap_or("?"),
            x.owner.unwrap_or("?")
        ));
        identity_text(s);
        resource_text(s);
        return;
    }
    identity_text(s);
    if x.rp.account != Truth::False && x.id != Truth::True {
        s.push(format!("{rp_name} names the caller's account, which delegates to the account: the caller still needs its own identity-based Allow (4.11)"));
    } else if x.rp.entity != Truth::False {
        s.push(format!("{rp_name} names the caller's role, a grant limited by the boundary and session policies (4.10)"));
    } else {
        resource_text(s);
    }
}

/// The one line that says which grant rule allowed the request.
fn why_allowed(x: &Explain<'_, '_>, rp_name: &str) -> String {
    if x.is_root && x.same_account {
        "the root user has full access to its own account's resources (4.3)".into()
    } else if matches!(x.caller, Caller::Anonymous) {
        format!("{rp_name} grants it to everyone (`*`), anonymous callers included (4.4)")
    } else if matches!(x.caller, Caller::Federated(_)) {
        format!("{rp_name} grants it to the caller's identity provider; a federated caller has no identity policy, so the trust policy alone decides (10.3)")
    } else if x.same_account && x.rp.direct == Truth::True && !x.mandatory {
        format!("{rp_name} names the caller directly, which needs no identity policy in the same account (4.10)")
    } else if x.same_account && x.id == Truth::True && !x.mandatory {
        "an identity-based policy allows it, in the caller's own account (4.14)".into()
    } else if x.same_account {
        format!("{rp_name} grants it to the caller (4.12, 6.3, 6.4)")
    } else {
        format!(
            "cross-account: the caller's identity-based policy allows it and {rp_name} grants it to the caller's {} (5.4)",
            if x.rp.direct == Truth::True {
                "principal"
            } else if x.rp.entity == Truth::True {
                "role"
            } else {
                "account"
            }
        )
    }
}

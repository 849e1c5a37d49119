//! Decisions and their explanations: per hop, the policies and statements that decided it or
//! nearly did, each with file:line:column.

use iamsim_policy::{Effect, Location};
use std::fmt;

/// The four answers (rule 0.1). `Indeterminate` is a denial whose reason is that the
/// world does not hold enough to prove an Allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    Allow,
    ImplicitDeny,
    ExplicitDeny,
    Indeterminate,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::ImplicitDeny => "implicit-deny",
            Decision::ExplicitDeny => "explicit-deny",
            Decision::Indeterminate => "indeterminate",
        }
    }

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
    pub location: Location,
    /// `statement 0` or `statement \`Sid\``.
    pub statement: String,
    /// The statement's effect; `None` for a policy none of whose statements matches the action.
    pub effect: Option<Effect>,
    pub outcome: Outcome,
}

impl Reason {
    /// `allow`, `deny`, or the reason the statement did not apply.
    fn verb(&self) -> String {
        self.effect
            .map(|e| e.as_str().to_ascii_lowercase())
            .unwrap_or_default()
    }

    pub fn did(&self) -> String {
        match &self.outcome {
            Outcome::Applied => self.verb(),
            Outcome::Ambiguous(why) => format!("{} under one reading: {why}", self.verb()),
            Outcome::NotApplied(why) => why.clone(),
        }
    }

    pub fn render(&self) -> String {
        match &self.outcome {
            Outcome::Applied => format!(
                "{} of {} ({}) {}s it",
                self.statement,
                self.location,
                self.role,
                self.verb()
            ),
            Outcome::Ambiguous(why) => format!(
                "{} of {} ({}) {}s it under one reading: {why}",
                self.statement,
                self.location,
                self.role,
                self.verb()
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
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub decision: Decision,
    /// One-line reasons for the decision, most important first.
    pub summary: Vec<String>,
    pub reasons: Vec<Reason>,
    /// Assumptions and known disagreements the decision rests on.
    pub notes: Vec<String>,
}

/// A whole answer: the chain of hops and the final decision.
#[derive(Clone, Debug)]
pub struct Answer {
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// The roles assumed, in order.
    pub via: Vec<String>,
    pub decision: Decision,
    pub path: Vec<Hop>,
    /// Notes on the whole answer (for example, how a chain was searched).
    pub notes: Vec<String>,
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
        for note in &self.notes {
            out.push_str(&format!("  note: {note}\n"));
        }
        for (i, hop) in self.path.iter().enumerate() {
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
        }
        out
    }
}

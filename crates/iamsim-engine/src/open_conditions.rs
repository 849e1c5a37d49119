//! Open condition keys, for `who-can`: a question about every principal fixes no request
//! environment, so a condition on a key the question leaves open (aws:SourceIp, sts:ExternalId,
//! aws:MultiFactorAuthPresent, s3:prefix, ...) may hold or not. Each such condition becomes an
//! independent boolean *atom*; a hop is decided under every assignment of its atoms, and the
//! answer is `allow` only when every assignment allows, `conditional` (with the assignments that
//! allow, as conditions) when some do.
//!
//! Treating atoms as independent over-approximates what the environment can do (two conditions
//! on one key are correlated), which errs towards `conditional`: it can list a condition that no
//! request meets, never an `allow` that some request does not get.

use crate::eval::HopRequest;
use crate::explain::{Decision, Explaining, Hop};
use crate::request::{Caller, OutsideEntity};
use crate::statement::RequestView;
use crate::walk::{walk, NoTrace};
use crate::world::World;
use iamsim_policy::condition::{OperatorBase, SetOperator};
use iamsim_policy::{Condition, Context, Truth};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashSet};

/// Assignments are enumerated exhaustively up to this many atoms per hop (1,024 evaluations).
pub const MAX_OPEN_ATOMS: usize = 10;

/// Which keys are open for a question.
#[derive(Clone, Debug, Default)]
pub struct OpenKeys {
    /// Lower-cased keys the question fixes (`--context`): never open.
    fixed: HashSet<String>,
    /// Every account id that is not "another account": the world's and those policies name.
    /// `account:*` stands for none of them.
    known_accounts: BTreeSet<String>,
    /// The world's organization id, which an outside account not in its tree cannot have.
    org_id: Option<String>,
}

impl OpenKeys {
    pub fn new(fixed: &Context, world: &World, named_accounts: &BTreeSet<String>) -> OpenKeys {
        let mut known_accounts: BTreeSet<String> = world.accounts.keys().cloned().collect();
        known_accounts.extend(named_accounts.iter().cloned());
        OpenKeys {
            fixed: fixed.iter().map(|(k, _)| k.to_ascii_lowercase()).collect(),
            known_accounts,
            org_id: world.organization.as_ref().map(|o| o.id.clone()),
        }
    }

    fn is_open(&self, key: &str, view: &RequestView<'_>) -> bool {
        let k = key.to_ascii_lowercase();
        if self.fixed.contains(&k) {
            return false;
        }
        if is_principal_key(&k) {
            // Derived from the caller (2.25): fixed for the world's principals; for a
            // hypothetical outside principal, open unless it is one of the few it fixes.
            return matches!(view.caller, Caller::Outside(_)) && view.context.get(&k).is_none();
        }
        !is_closed_key(&k)
    }

    /// Whether a value of `c` substitutes a variable over an open key (`${aws:PrincipalTag/team}`
    /// for an outside principal): the condition may then hold or not, however closed its own key
    /// is (the ABAC trust `aws:ResourceTag/team` = `${aws:PrincipalTag/team}`).
    fn opens_variable(&self, c: &Condition, view: &RequestView<'_>) -> bool {
        c.values.iter().any(|v| match &v.parsed {
            iamsim_policy::condition::ParsedValue::Template(t) => t.pieces().iter().any(|p| {
                matches!(p, iamsim_policy::variables::Piece::Variable(var) if self.is_open(&var.key, view))
            }),
            _ => false,
        })
    }

    /// What an outside principal is known not to be: `account:*` is none of the known
    /// accounts, and an account outside the world's organization does not carry its id.
    fn excluded(&self, c: &Condition, view: &RequestView<'_>) -> Option<Truth> {
        let Caller::Outside(o) = view.caller else {
            return None;
        };
        let key = c.key.value.to_ascii_lowercase();
        let excluded: Vec<&str> = if key == "aws:principalaccount" && o.account.is_none() {
            self.known_accounts.iter().map(String::as_str).collect()
        } else if key == "aws:principalorgid" {
            self.org_id.iter().map(String::as_str).collect()
        } else {
            return None;
        };
        let op = c.operator.value;
        if op.if_exists || op.set.is_some() || c.values.iter().any(|v| v.text.contains("${")) {
            return None;
        }
        let all_excluded = !c.values.is_empty()
            && c.values.iter().all(|v| {
                excluded.iter().any(|x| match op.base {
                    OperatorBase::StringEqualsIgnoreCase
                    | OperatorBase::StringNotEqualsIgnoreCase => x.eq_ignore_ascii_case(&v.text),
                    _ => *x == v.text,
                })
            });
        if !all_excluded {
            return None;
        }
        match op.base {
            OperatorBase::StringEquals | OperatorBase::StringEqualsIgnoreCase => Some(Truth::False),
            OperatorBase::StringNotEquals | OperatorBase::StringNotEqualsIgnoreCase => {
                Some(Truth::True)
            }
            _ => None,
        }
    }
}

/// Keys AWS derives from the caller.
fn is_principal_key(k: &str) -> bool {
    k.starts_with("aws:principal") || k == "aws:username" || k == "aws:userid"
}

/// Keys derived from the resource, and keys AWS sets only when a service principal calls
/// (who-can lists no service principals): never open.
fn is_closed_key(k: &str) -> bool {
    k.starts_with("aws:resourcetag/")
        || k.starts_with("iam:resourcetag/")
        || matches!(
            k,
            "aws:resourceaccount"
                | "aws:resourceorgid"
                | "aws:resourceorgpaths"
                | "aws:sourcearn"
                | "aws:sourceaccount"
                | "aws:sourceorgid"
                | "aws:sourceorgpaths"
                | "aws:sourceowner"
        )
}

/// One open condition of a hop: what it says, and what its negation says.
#[derive(Clone, Debug)]
pub struct Atom {
    addr: usize,
    pub holds: String,
    pub fails: String,
}

/// One assignment of a hop's open conditions, consulted by statement matching for every
/// condition: `Some` when the condition is open (its value is the assignment's) or settled by
/// what an outside principal cannot be. Conditions become atoms in the order the walk meets them.
pub struct OpenConditions<'o> {
    keys: &'o OpenKeys,
    atoms: RefCell<Vec<Atom>>,
    /// Bit i: whether atom i holds.
    mask: Cell<u64>,
}

impl<'o> OpenConditions<'o> {
    fn new(keys: &'o OpenKeys, mask: u64) -> Self {
        OpenConditions {
            keys,
            atoms: RefCell::new(Vec::new()),
            mask: Cell::new(mask),
        }
    }

    pub(crate) fn decide(&self, c: &Condition, view: &RequestView<'_>) -> Option<Truth> {
        let keys = self.keys;
        if !keys.is_open(&c.key.value, view) && !keys.opens_variable(c, view) {
            return None;
        }
        if let Some(t) = keys.excluded(c, view) {
            return Some(t);
        }
        // A condition is one atom however often it is consulted in one hop (a managed policy
        // attached twice); its address identifies it for the hop's lifetime.
        let addr = std::ptr::from_ref(c) as usize;
        let mut atoms = self.atoms.borrow_mut();
        let i = match atoms.iter().position(|a| a.addr == addr) {
            Some(i) => i,
            None => {
                atoms.push(Atom {
                    addr,
                    holds: describe(c, true),
                    fails: describe(c, false),
                });
                atoms.len() - 1
            }
        };
        Some(Truth::from_bool(i < 64 && (self.mask.get() >> i) & 1 == 1))
    }
}

/// A hop decided under every assignment of its open conditions.
#[derive(Clone, Debug)]
pub struct OpenDecision {
    pub grant: Grant,
    /// An assignment under which to explain the hop: one that allows when any does.
    pub witness: u64,
    /// The hop explained under the first assignment (all open conditions false), kept when that
    /// is the witness: most hops are reported, and this spares evaluating them twice.
    pub explained: Option<std::sync::Arc<Hop>>,
}

/// What a hop (or a chain) gives, over the open conditions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// Allowed whatever the open conditions are.
    Allow,
    /// Allowed when every condition of one alternative holds (alternatives OR-ed, each a
    /// conjunction), and denied otherwise.
    Conditional(Vec<Vec<String>>),
    /// Never allowed; the world cannot decide under some assignment (reported apart).
    Indeterminate,
    /// Never allowed.
    Deny(Decision),
}

impl Grant {
    pub fn allows_sometimes(&self) -> bool {
        matches!(self, Grant::Allow | Grant::Conditional(_))
    }

    /// Both hold (a chain's hops, in the same environment).
    pub fn and(&self, other: &Grant) -> Grant {
        match (self, other) {
            (Grant::Deny(d), _) | (_, Grant::Deny(d)) => Grant::Deny(*d),
            (Grant::Indeterminate, _) | (_, Grant::Indeterminate) => Grant::Indeterminate,
            (Grant::Allow, g) | (g, Grant::Allow) => g.clone(),
            (Grant::Conditional(a), Grant::Conditional(b)) => {
                let mut out: Vec<Vec<String>> = Vec::new();
                for x in a {
                    for y in b {
                        let mut c = x.clone();
                        for lit in y {
                            if !c.contains(lit) {
                                c.push(lit.clone());
                            }
                        }
                        if !out.contains(&c) {
                            out.push(c);
                        }
                    }
                }
                out.sort_by_key(Vec::len);
                out.truncate(MAX_ALTERNATIVES);
                Grant::Conditional(out)
            }
        }
    }
}

/// Alternatives kept per answer; more are summarised by the first ones.
const MAX_ALTERNATIVES: usize = 8;

/// Decides one hop under every assignment of its open conditions (at most
/// [`MAX_OPEN_ATOMS`] enumerated). With `keys` `None` this is exactly [`crate::decide_only`].
pub fn decide_hop(world: &World, req: &HopRequest<'_>, keys: Option<&OpenKeys>) -> OpenDecision {
    let Some(keys) = keys else {
        // No open keys: one decision under the question's own context.
        return OpenDecision {
            grant: exact(walk(world, req, None, &mut NoTrace)),
            witness: 0,
            explained: None,
        };
    };
    // The first assignment (every open condition false) is explained, and kept; it meets every
    // open condition of the hop. The others are only decided.
    let conditions = OpenConditions::new(keys, 0);
    let mut rec = Explaining::new(world, req);
    let first = walk(world, req, Some(&conditions), &mut rec);
    let first_hop = Some(std::sync::Arc::new(rec.finish(first)));
    let k = conditions.atoms.borrow().len();
    if k == 0 {
        return OpenDecision {
            grant: exact(first),
            witness: 0,
            explained: first_hop,
        };
    }
    let n = k.min(MAX_OPEN_ATOMS);
    let mut decisions = vec![first];
    for mask in 1..(1u64 << n) {
        conditions.mask.set(mask);
        decisions.push(walk(world, req, Some(&conditions), &mut NoTrace));
    }
    let atoms = conditions.atoms.borrow();
    let allowed: Vec<bool> = decisions.iter().map(|d| d.is_allow()).collect();
    if allowed.iter().all(|a| *a) && k == n {
        return OpenDecision {
            grant: Grant::Allow,
            witness: 0,
            explained: first_hop,
        };
    }
    if let Some(first_allowed) = allowed.iter().position(|a| *a) {
        let cubes = implicants(&allowed, n);
        let witness = cubes.first().map_or(first_allowed as u64, |c| c.value);
        let mut alternatives: Vec<Vec<String>> = cubes
            .iter()
            .map(|c| {
                (0..n)
                    .filter(|i| (c.care >> i) & 1 == 1)
                    .filter_map(|i| {
                        atoms.get(i).map(|a| {
                            if (c.value >> i) & 1 == 1 {
                                a.holds.clone()
                            } else {
                                a.fails.clone()
                            }
                        })
                    })
                    .collect()
            })
            .collect();
        if k > n {
            // Not enumerated: the answer rests on them too, so say so rather than drop them.
            for alt in &mut alternatives {
                alt.push(format!(
                    "{} further open condition(s) not enumerated, starting with: {}",
                    k - n,
                    atoms.get(n).map(|a| a.holds.as_str()).unwrap_or("")
                ));
            }
        }
        alternatives.truncate(MAX_ALTERNATIVES);
        return OpenDecision {
            grant: Grant::Conditional(alternatives),
            witness,
            explained: first_hop.filter(|_| witness == 0),
        };
    }
    if let Some(i) = decisions.iter().position(|d| *d == Decision::Indeterminate) {
        return OpenDecision {
            grant: Grant::Indeterminate,
            witness: i as u64,
            explained: first_hop.filter(|_| i == 0),
        };
    }
    OpenDecision {
        grant: Grant::Deny(first),
        witness: 0,
        explained: first_hop,
    }
}

/// Explains a hop under one assignment (the witness of [`decide_hop`]).
pub fn explain_hop(
    world: &World,
    req: &HopRequest<'_>,
    keys: Option<&OpenKeys>,
    witness: u64,
) -> Hop {
    let conditions = keys.map(|keys| OpenConditions::new(keys, witness));
    let mut rec = Explaining::new(world, req);
    let decision = walk(world, req, conditions.as_ref(), &mut rec);
    rec.finish(decision)
}

fn exact(d: Decision) -> Grant {
    match d {
        Decision::Allow => Grant::Allow,
        Decision::Indeterminate => Grant::Indeterminate,
        d => Grant::Deny(d),
    }
}

/// A product term: the atoms in `care` must have the values in `value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cube {
    care: u64,
    value: u64,
}

impl Cube {
    fn covers(&self, other: &Cube) -> bool {
        self.care & other.care == self.care && (other.value & self.care) == self.value
    }
}

/// Prime implicants of the allowed assignments (greedy expansion from each allowed one),
/// fewest conditions first.
fn implicants(allowed: &[bool], n: usize) -> Vec<Cube> {
    let full = (1u64 << n) - 1;
    let all_allowed = |c: &Cube| {
        (0..allowed.len() as u64)
            .filter(|m| m & c.care == c.value)
            .all(|m| allowed.get(m as usize).copied().unwrap_or(false))
    };
    let mut cubes: Vec<Cube> = Vec::new();
    for (m, ok) in allowed.iter().enumerate() {
        if !ok {
            continue;
        }
        let mut c = Cube {
            care: full,
            value: m as u64,
        };
        if cubes.iter().any(|x| x.covers(&c)) {
            continue;
        }
        for i in 0..n {
            let wider = Cube {
                care: c.care & !(1 << i),
                value: c.value & !(1 << i),
            };
            if all_allowed(&wider) {
                c = wider;
            }
        }
        if !cubes.contains(&c) {
            cubes.push(c);
        }
    }
    let kept: Vec<Cube> = cubes
        .iter()
        .filter(|c| !cubes.iter().any(|o| o != *c && o.covers(c)))
        .copied()
        .collect();
    let mut kept = kept;
    kept.sort_by_key(|c| (c.care.count_ones(), c.care, c.value));
    kept
}

/// A condition in words, as it holds (`aws:SourceIp in 10.0.0.0/8`) or fails.
pub fn describe(c: &Condition, holds: bool) -> String {
    use OperatorBase as B;
    let op = c.operator.value;
    let key = &c.key.value;
    let values: Vec<&str> = c.values.iter().map(|v| v.text.as_str()).collect();
    let list = values.join(", ");
    if op.set.is_some() || op.if_exists {
        let set = match op.set {
            Some(SetOperator::ForAnyValue) => "ForAnyValue:",
            Some(SetOperator::ForAllValues) => "ForAllValues:",
            None => "",
        };
        let text = format!(
            "{set}{}{} {key} {list}",
            op.base.name(),
            if op.if_exists { "IfExists" } else { "" }
        );
        return if holds { text } else { format!("not ({text})") };
    }
    // The plain operator and its negation are exact complements on a single-valued key.
    let (base, holds) = match (op.base.is_negated(), holds) {
        (true, h) => (negation(op.base).unwrap_or(op.base), !h),
        (false, h) => (op.base, h),
    };
    let negated_ok = negation(base).is_some();
    let phrase = |base: B| -> String {
        match base {
            B::StringEquals if values.len() == 1 => format!("{key} is {list}"),
            B::StringEquals => format!("{key} is one of {list}"),
            B::StringEqualsIgnoreCase => format!("{key} is {list} (ignoring case)"),
            B::StringLike => format!("{key} matches {list}"),
            B::NumericEquals | B::DateEquals => format!("{key} = {list}"),
            B::NumericLessThan | B::DateLessThan => format!("{key} < {list}"),
            B::NumericLessThanEquals | B::DateLessThanEquals => format!("{key} <= {list}"),
            B::NumericGreaterThan | B::DateGreaterThan => format!("{key} > {list}"),
            B::NumericGreaterThanEquals | B::DateGreaterThanEquals => {
                format!("{key} >= {list}")
            }
            B::Bool => format!("{key} is {list}"),
            B::BinaryEquals => format!("{key} is binary {list}"),
            B::IpAddress => format!("{key} in {list}"),
            B::ArnEquals | B::ArnLike => format!("{key} matches {list}"),
            B::Null => {
                let absent = values.iter().any(|v| v.eq_ignore_ascii_case("true"));
                format!("{key} is {}", if absent { "absent" } else { "present" })
            }
            other => format!("{} {key} {list}", other.name()),
        }
    };
    if holds {
        return phrase(base);
    }
    match base {
        B::StringEquals | B::StringEqualsIgnoreCase => {
            format!(
                "{key} is not {list}{}",
                if values.len() > 1 {
                    " (none of them)"
                } else {
                    ""
                }
            )
        }
        B::StringLike | B::ArnLike | B::ArnEquals => format!("{key} does not match {list}"),
        B::IpAddress => format!("{key} not in {list}"),
        B::NumericEquals | B::DateEquals => format!("{key} != {list}"),
        B::Bool => format!("{key} is not {list}"),
        B::Null => {
            let absent = values.iter().any(|v| v.eq_ignore_ascii_case("true"));
            format!("{key} is {}", if absent { "present" } else { "absent" })
        }
        _ if negated_ok => format!("not ({})", phrase(base)),
        _ => format!("not ({})", phrase(base)),
    }
}

/// The operator that holds exactly where this one fails, on a single-valued key.
fn negation(b: OperatorBase) -> Option<OperatorBase> {
    use OperatorBase as B;
    Some(match b {
        B::StringEquals => B::StringNotEquals,
        B::StringNotEquals => B::StringEquals,
        B::StringEqualsIgnoreCase => B::StringNotEqualsIgnoreCase,
        B::StringNotEqualsIgnoreCase => B::StringEqualsIgnoreCase,
        B::StringLike => B::StringNotLike,
        B::StringNotLike => B::StringLike,
        B::NumericEquals => B::NumericNotEquals,
        B::NumericNotEquals => B::NumericEquals,
        B::DateEquals => B::DateNotEquals,
        B::DateNotEquals => B::DateEquals,
        B::IpAddress => B::NotIpAddress,
        B::NotIpAddress => B::IpAddress,
        B::ArnEquals => B::ArnNotEquals,
        B::ArnNotEquals => B::ArnEquals,
        B::ArnLike => B::ArnNotLike,
        B::ArnNotLike => B::ArnLike,
        _ => return None,
    })
}

/// The outside entities and accounts a principal list names (for who-can's hypothetical
/// principals).
pub(crate) fn outside_entity_of(
    p: &iamsim_policy::AwsPrincipal,
) -> Option<(String, Option<OutsideEntity>)> {
    use iamsim_policy::AwsPrincipal as P;
    match p {
        P::Account { account, .. } => Some((account.clone(), None)),
        P::User {
            account,
            path,
            name,
            ..
        } => Some((
            account.clone(),
            Some(OutsideEntity::User {
                path: path.clone(),
                name: name.clone(),
            }),
        )),
        P::Role {
            account,
            path,
            name,
            ..
        } => Some((
            account.clone(),
            Some(OutsideEntity::Role {
                path: path.clone(),
                name: name.clone(),
            }),
        )),
        P::AssumedRole {
            account,
            role_name,
            session_name,
            ..
        } => Some((
            account.clone(),
            Some(OutsideEntity::Session {
                role_name: role_name.clone(),
                session_name: session_name.clone(),
            }),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamsim_policy::{parse_policy, PolicyType, Source};

    fn condition(block: &str) -> Condition {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{block}}}]}}"#
        );
        let parsed = parse_policy(&Source::new("p.json", text), PolicyType::Identity);
        let p = parsed.policy.unwrap();
        p.statements[0].conditions[0].clone()
    }

    #[test]
    fn conditions_read_as_people_write_them() {
        let ip = condition(r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#);
        assert_eq!(describe(&ip, true), "aws:SourceIp in 10.0.0.0/8");
        assert_eq!(describe(&ip, false), "aws:SourceIp not in 10.0.0.0/8");
        // A negated operator holds where its twin fails.
        let not_ip = condition(r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#);
        assert_eq!(describe(&not_ip, false), "aws:SourceIp in 10.0.0.0/8");
        let tls = condition(r#"{"Bool":{"aws:SecureTransport":"false"}}"#);
        assert_eq!(describe(&tls, false), "aws:SecureTransport is not false");
        let ext = condition(r#"{"StringEquals":{"sts:ExternalId":["a","b"]}}"#);
        assert_eq!(describe(&ext, true), "sts:ExternalId is one of a, b");
        let null = condition(r#"{"Null":{"aws:TokenIssueTime":"true"}}"#);
        assert_eq!(describe(&null, true), "aws:TokenIssueTime is absent");
        assert_eq!(describe(&null, false), "aws:TokenIssueTime is present");
        let set = condition(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}"#);
        assert_eq!(
            describe(&set, false),
            "not (ForAllValues:StringEquals aws:TagKeys team)"
        );
    }

    #[test]
    fn implicants_are_prime_and_fewest_first() {
        // f(a, b) = a OR b: two one-literal implicants.
        let or = [false, true, true, true];
        let cubes = implicants(&or, 2);
        assert_eq!(
            cubes,
            vec![Cube { care: 1, value: 1 }, Cube { care: 2, value: 2 }]
        );
        // f(a, b) = a AND NOT b: one implicant with both literals.
        let and_not = [false, true, false, false];
        assert_eq!(implicants(&and_not, 2), vec![Cube { care: 3, value: 1 }]);
        // f = NOT a, whatever b.
        let not_a = [true, false, true, false];
        assert_eq!(implicants(&not_a, 2), vec![Cube { care: 1, value: 0 }]);
    }

    #[test]
    fn grants_combine_along_a_chain() {
        let a = Grant::Conditional(vec![vec!["x".into()], vec!["y".into()]]);
        let b = Grant::Conditional(vec![vec!["z".into()]]);
        assert_eq!(Grant::Allow.and(&b), b);
        assert_eq!(
            a.and(&b),
            Grant::Conditional(vec![
                vec!["x".into(), "z".into()],
                vec!["y".into(), "z".into()]
            ])
        );
        let deny = Grant::Deny(Decision::ImplicitDeny);
        assert_eq!(a.and(&deny), deny);
        assert_eq!(Grant::Indeterminate.and(&a), Grant::Indeterminate);
        // The same condition on two hops is one condition: the environment is the chain's.
        assert_eq!(b.and(&b), Grant::Conditional(vec![vec!["z".into()]]));
    }
}

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
//!
//! A single request (`can`, `test`) uses the same machinery with fewer open keys: only the keys
//! AWS puts in every request ([`ALWAYS_PRESENT`], 3.21a) when the request does not give them
//! ([`OpenKeys::for_request`]). Its decision is `allow` only when every assignment allows,
//! `explicit-deny` only when every one denies explicitly, and otherwise `indeterminate` with the
//! conditions under which it would be allowed ([`Term`]).

use crate::eval::HopRequest;
use crate::explain::{Decision, Explaining, Hop};
use crate::request::{Caller, OutsideEntity};
use crate::statement::RequestView;
use crate::walk::{walk, NoTrace};
use iamsim_policy::condition::{OperatorBase, SetOperator};
use iamsim_policy::{Condition, Context, Truth};
use iamsim_world::World;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashSet};

/// Assignments are enumerated exhaustively up to this many atoms per hop (1,024 evaluations).
pub const MAX_OPEN_ATOMS: usize = 10;

/// The keys AWS puts in every request (AWS data, in the catalog): open in a request that does
/// not give them (3.21a).
pub use iamsim_catalog::request_keys::ALWAYS_PRESENT;

/// The key every request made with temporary credentials carries (3.21): a role session's
/// requests have it, with a value the world cannot know; long-term keys' requests do not.
pub const SESSION_TOKEN_KEY: &str = "aws:TokenIssueTime";

/// Its bit in [`OpenKeys`]'s `request`, after those of [`ALWAYS_PRESENT`].
const SESSION_TOKEN_BIT: u8 = 1 << ALWAYS_PRESENT.len();

/// Which keys are open for a question.
#[derive(Clone, Debug, Default)]
pub struct OpenKeys {
    /// A single request: only the keys of [`ALWAYS_PRESENT`] whose bit is set are open.
    request: Option<u8>,
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
        let mut known_accounts: BTreeSet<String> = world.accounts().keys().cloned().collect();
        known_accounts.extend(named_accounts.iter().cloned());
        OpenKeys {
            request: None,
            fixed: fixed.iter().map(|(k, _)| k.to_ascii_lowercase()).collect(),
            known_accounts,
            org_id: world.organization().map(|o| o.id.clone()),
        }
    }

    /// The open keys of one request with this context (3.21a): the keys of [`ALWAYS_PRESENT`]
    /// it does not give (a value, or `null` for absent), and [`SESSION_TOKEN_KEY`] for a role
    /// session's request. `None` when it gives them all.
    pub fn for_request(context: &Context) -> Option<OpenKeys> {
        let mut open = 0u8;
        for (i, k) in ALWAYS_PRESENT.iter().enumerate() {
            if !context.contains(k) {
                open |= 1 << i;
            }
        }
        if !context.contains(SESSION_TOKEN_KEY) {
            open |= SESSION_TOKEN_BIT;
        }
        (open != 0).then(|| OpenKeys {
            request: Some(open),
            ..OpenKeys::default()
        })
    }

    fn is_open(&self, key: &str, view: &RequestView<'_>) -> bool {
        if let Some(open) = self.request {
            if key.eq_ignore_ascii_case(SESSION_TOKEN_KEY) {
                return open & SESSION_TOKEN_BIT != 0 && matches!(view.caller, Caller::Session(_));
            }
            return ALWAYS_PRESENT
                .iter()
                .position(|k| k.eq_ignore_ascii_case(key))
                .is_some_and(|i| (open >> i) & 1 == 1);
        }
        let k = key.to_ascii_lowercase();
        if self.fixed.contains(&k) {
            return false;
        }
        if let Some(open) = crate::kms::key_open(&k, view, self.fixed.contains("kms:viaservice")) {
            return open;
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
    holds_term: Term,
    fails_term: Term,
}

/// One condition of an answer's `conditions`, as policies write it (formats.md 5): `operator`
/// is a condition operator (`StringEquals`, `Bool`, `IpAddress`, `DateLessThanEquals`, ...), or
/// `not OPERATOR` for the failure of an operator that has no negation; `text` is it in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// The condition key, as the policy spells it (`aws:SourceIp`).
    pub key: String,
    /// The operator, or `not OPERATOR`.
    pub operator: String,
    /// The policy's values for the key (any one may match, 3.2).
    pub values: Vec<String>,
    /// The condition in words (`aws:SourceIp in 203.0.113.0/24`).
    pub text: String,
}

impl Term {
    /// The condition `c` as it holds or fails; `present`: the key is known to be in the request
    /// (an `...IfExists` operator then reads as its base).
    fn of(c: &Condition, holds: bool, present: bool) -> Term {
        let mut op = c.operator.value;
        if present && op.set.is_none() {
            op.if_exists = false;
        }
        let mut values: Vec<String> = c.values.iter().map(|v| v.text.clone()).collect();
        let operator = if holds {
            op.name()
        } else if op.set.is_some() || op.if_exists {
            format!("not {}", op.name())
        } else if let Some(neg) = term_negation(op.base, values.len()) {
            let mut o = op;
            o.base = neg;
            o.name()
        } else if matches!(op.base, OperatorBase::Bool | OperatorBase::Null)
            && values.len() == 1
            && values.iter().all(|v| v == "true" || v == "false")
        {
            values = values
                .iter()
                .map(|v| if v == "true" { "false" } else { "true" }.to_string())
                .collect();
            op.name()
        } else {
            format!("not {}", op.name())
        };
        Term {
            key: c.key.value.clone(),
            operator,
            values,
            text: describe(c, holds),
        }
    }
}

/// The operator that holds exactly where this one fails on a present single-valued key, the
/// ordered comparisons included when the condition has one value (`>` any of several values
/// fails where `<=` every one holds, which no one operator says).
fn term_negation(b: OperatorBase, values: usize) -> Option<OperatorBase> {
    use OperatorBase as B;
    if let Some(n) = negation(b) {
        return Some(n);
    }
    if values != 1 {
        return None;
    }
    Some(match b {
        B::NumericLessThan => B::NumericGreaterThanEquals,
        B::NumericGreaterThanEquals => B::NumericLessThan,
        B::NumericGreaterThan => B::NumericLessThanEquals,
        B::NumericLessThanEquals => B::NumericGreaterThan,
        B::DateLessThan => B::DateGreaterThanEquals,
        B::DateGreaterThanEquals => B::DateLessThan,
        B::DateGreaterThan => B::DateLessThanEquals,
        B::DateLessThanEquals => B::DateGreaterThan,
        _ => return None,
    })
}

/// One assignment of a hop's open conditions, consulted by statement matching for every
/// condition: `Some` when the condition is open (its value is the assignment's) or settled by
/// what an outside principal cannot be. Conditions become atoms in the order the walk meets them.
pub struct OpenConditions<'o> {
    keys: &'o OpenKeys,
    atoms: RefCell<Vec<Atom>>,
    /// Bit i: whether atom i holds.
    mask: Cell<u64>,
    /// Every assignment is walked, so every candidate statement and condition is matched (each
    /// assignment must meet the same atoms). A first walk that is not enumerating only finds out
    /// whether any open condition could matter: when it meets none, its decision is the answer.
    enumerating: bool,
}

impl<'o> OpenConditions<'o> {
    fn new(keys: &'o OpenKeys, mask: u64) -> Self {
        OpenConditions {
            keys,
            atoms: RefCell::new(Vec::new()),
            mask: Cell::new(mask),
            enumerating: true,
        }
    }

    /// A first walk that takes every short-cut (every open condition false).
    pub(crate) fn probe(keys: &'o OpenKeys) -> Self {
        OpenConditions {
            enumerating: false,
            ..OpenConditions::new(keys, 0)
        }
    }

    /// Whether the walk must match every candidate statement and condition.
    pub(crate) fn enumerating(&self) -> bool {
        self.enumerating
    }

    /// Whether the walk met no open condition (its decision holds for every value).
    pub(crate) fn met_none(&self) -> bool {
        self.atoms.borrow().is_empty()
    }

    pub(crate) fn decide(&self, c: &Condition, view: &RequestView<'_>) -> Option<Truth> {
        let keys = self.keys;
        if !keys.is_open(&c.key.value, view) && !keys.opens_variable(c, view) {
            return None;
        }
        if let Some(t) = keys.excluded(c, view) {
            return Some(t);
        }
        let present = keys.request.is_some();
        if present && c.operator.value.base == OperatorBase::Null {
            // A key every request carries is present, whatever its value (3.21a).
            return Some(Truth::from_bool(
                c.values
                    .iter()
                    .any(|v| v.text.eq_ignore_ascii_case("false")),
            ));
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
                    holds_term: Term::of(c, true, present),
                    fails_term: Term::of(c, false, present),
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
    /// `Conditional`: the alternatives as [`Term`]s, in the same order.
    pub terms: Vec<Vec<Term>>,
    /// An assignment that does not allow, when some does not.
    pub refused: Option<u64>,
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
    /// Whether some value of the open keys allows it: allowed outright or under conditions.
    pub fn allows_sometimes(&self) -> bool {
        matches!(self, Grant::Allow | Grant::Conditional(_))
    }

    /// Both hold (a chain's hops, in the same environment).
    pub fn and(&self, other: &Grant) -> Grant {
        match (self, other) {
            (Grant::Deny(d), _) | (_, Grant::Deny(d)) => Grant::Deny(*d),
            (Grant::Indeterminate, _) | (_, Grant::Indeterminate) => Grant::Indeterminate,
            (Grant::Allow, g) | (g, Grant::Allow) => g.clone(),
            (Grant::Conditional(a), Grant::Conditional(b)) => Grant::Conditional(conjoin(a, b)),
        }
    }
}

/// Both of two lists of alternatives hold: each pair of alternatives joined, fewest conditions
/// first.
pub(crate) fn conjoin<T: Clone + PartialEq>(a: &[Vec<T>], b: &[Vec<T>]) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = Vec::new();
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
    out
}

/// Both of two lists of condition terms hold (a chain's hops): as [`conjoin`], an empty list
/// standing for a hop that holds without conditions.
pub(crate) fn and_terms(a: &[Vec<Term>], b: &[Vec<Term>]) -> Vec<Vec<Term>> {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_vec(),
        (_, true) => a.to_vec(),
        _ => conjoin(a, b),
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
            terms: Vec::new(),
            refused: None,
        };
    };
    enumerate(world, req, keys, true)
}

/// [`decide_hop`] without the explanation of the first assignment: for the many decisions of
/// which few are shown (who-can's final requests and AssumeRole edges), whose explanations
/// [`explain_hop`] makes when one is shown.
pub(crate) fn decide_hop_only(
    world: &World,
    req: &HopRequest<'_>,
    keys: Option<&OpenKeys>,
) -> OpenDecision {
    match keys {
        Some(keys) => enumerate(world, req, keys, false),
        None => decide_hop(world, req, None),
    }
}

/// [`decide_hop`] with open keys; `explain`: the first assignment is explained (and kept).
pub(crate) fn enumerate(
    world: &World,
    req: &HopRequest<'_>,
    keys: &OpenKeys,
    explain: bool,
) -> OpenDecision {
    // The first assignment (every open condition false) meets every open condition of the hop.
    // Explained when asked, and kept; the others are only decided.
    let conditions = OpenConditions::new(keys, 0);
    let (first, first_hop) = if explain {
        let mut rec = Explaining::new(world, req);
        let first = walk(world, req, Some(&conditions), &mut rec);
        (first, Some(std::sync::Arc::new(rec.finish(first))))
    } else {
        (walk(world, req, Some(&conditions), &mut NoTrace), None)
    };
    let k = conditions.atoms.borrow().len();
    let none = |grant: Grant, explained| OpenDecision {
        grant,
        witness: 0,
        explained,
        terms: Vec::new(),
        refused: None,
    };
    if k == 0 {
        return none(exact(first), first_hop);
    }
    let n = k.min(MAX_OPEN_ATOMS);
    let mut decisions = vec![first];
    for mask in 1..(1u64 << n) {
        conditions.mask.set(mask);
        decisions.push(walk(world, req, Some(&conditions), &mut NoTrace));
    }
    let atoms = conditions.atoms.borrow();
    let allowed: Vec<bool> = decisions.iter().map(|d| d.is_allow()).collect();
    let refused = allowed.iter().position(|a| !*a).map(|i| i as u64);
    if allowed.iter().all(|a| *a) && k == n {
        return none(Grant::Allow, first_hop);
    }
    if let Some(first_allowed) = allowed.iter().position(|a| *a) {
        let cubes = implicants(&allowed, n);
        let witness = cubes.first().map_or(first_allowed as u64, |c| c.value);
        let literals = |c: &Cube| -> Vec<(&Atom, bool)> {
            (0..n)
                .filter(|i| (c.care >> i) & 1 == 1)
                .filter_map(|i| atoms.get(i).map(|a| (a, (c.value >> i) & 1 == 1)))
                .collect()
        };
        // Each cube once: its conditions in words and as terms, side by side.
        let (mut alternatives, mut terms): (Vec<Vec<String>>, Vec<Vec<Term>>) = cubes
            .iter()
            .map(|c| {
                literals(c)
                    .into_iter()
                    .map(|(a, holds)| {
                        if holds {
                            (a.holds.clone(), a.holds_term.clone())
                        } else {
                            (a.fails.clone(), a.fails_term.clone())
                        }
                    })
                    .unzip()
            })
            .unzip();
        if k > n {
            // Not enumerated: the answer rests on them too, so say so rather than drop them.
            for alt in &mut alternatives {
                alt.push(format!(
                    "{} further open condition(s) not enumerated, starting with: {}",
                    k - n,
                    atoms.get(n).map(|a| a.holds.as_str()).unwrap_or("")
                ));
            }
            for alt in &mut terms {
                alt.extend(atoms.get(n).map(|a| a.holds_term.clone()));
            }
        }
        alternatives.truncate(MAX_ALTERNATIVES);
        terms.truncate(MAX_ALTERNATIVES);
        return OpenDecision {
            grant: Grant::Conditional(alternatives),
            witness,
            explained: first_hop.filter(|_| witness == 0),
            terms,
            refused,
        };
    }
    // Past MAX_OPEN_ATOMS an assignment left undecided may allow it: no denial (fail closed).
    let undecided = if k > n {
        Some(0)
    } else {
        decisions.iter().position(|d| *d == Decision::Indeterminate)
    };
    if let Some(i) = undecided {
        return OpenDecision {
            grant: Grant::Indeterminate,
            witness: i as u64,
            explained: first_hop.filter(|_| i == 0),
            terms: Vec::new(),
            refused,
        };
    }
    // Never allowed: an explicit deny only when every assignment denies explicitly.
    let deny = if decisions.iter().all(|d| *d == Decision::ExplicitDeny) {
        Decision::ExplicitDeny
    } else {
        Decision::ImplicitDeny
    };
    let witness = decisions.iter().position(|d| *d == deny).unwrap_or(0) as u64;
    OpenDecision {
        grant: Grant::Deny(deny),
        witness,
        explained: first_hop.filter(|_| witness == 0),
        terms: Vec::new(),
        refused,
    }
}

/// A request's decision with the keys AWS puts in every request open when it does not give them
/// (3.21a): `allow` only under every value, `indeterminate` when it depends on them.
pub(crate) fn decision_of(grant: &Grant) -> Decision {
    match grant {
        Grant::Allow => Decision::Allow,
        Grant::Conditional(_) | Grant::Indeterminate => Decision::Indeterminate,
        Grant::Deny(d) => *d,
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
        // An ordered comparison fails where its complement holds (`<=` for `>`).
        _ => match term_negation(base, values.len()) {
            Some(n) => phrase(n),
            None => format!("not ({})", phrase(base)),
        },
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
mod tests;

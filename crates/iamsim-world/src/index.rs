//! The compiled form of a policy for the decision-only path: its statements indexed by the
//! actions they can match, so a request looks up the few statements that may apply instead of
//! matching every one (house style, "three forms of a policy").
//!
//! The index only narrows: a statement it leaves out is one whose `Action` cannot match the
//! request's action (`match_action` would say `False`), which neither allows, denies nor grants by
//! kind. Statements it returns are matched in full, exactly as the explained path matches them.

use crate::world::PolicyHandle;
use iamsim_policy::{ActionKind, Policy, Statement};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: keys are short service prefixes and action names, for which SipHash's setup dominates.
#[derive(Default)]
pub struct Fnv(u64);

// The world's maps are read on every decision, from the engine's crate: `#[inline]` lets it
// inline them as it did when they were its own.
impl Hasher for Fnv {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A hash map with [`Fnv`] hashing.
pub type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Statements of one policy by position.
pub type PolicyIndex = Index<u32>;

/// Statements of several policies (a principal's identity policies) by (policy, statement).
#[derive(Debug)]
pub struct IdentityIndex {
    /// The policies, in the order the explained path lists them: those the principal held when
    /// the index was built, and still holds (its slot is emptied when the world's accounts are
    /// changed: crate::IdentitySlot).
    pub policies: Vec<PolicyHandle>,
    /// Their statements, by (position in `policies`, position in the policy).
    pub index: Index<(u32, u32)>,
}

impl IdentityIndex {
    /// The index of every statement of `policies`.
    pub fn new(policies: Vec<PolicyHandle>) -> IdentityIndex {
        let mut index = Index::default();
        for (p, policy) in policies.iter().enumerate() {
            let Ok(p) = u32::try_from(p) else {
                break;
            };
            for (i, s) in policy.policy.statements.iter().enumerate() {
                if let Ok(i) = u32::try_from(i) {
                    index.add(s, (p, i));
                }
            }
        }
        IdentityIndex { policies, index }
    }

    /// The statements that may match, with their policy, and whether the statement names the
    /// action literally (see [`Index::candidates`]).
    #[inline]
    pub fn candidates<'i>(
        &'i self,
        key: Option<&ActionKey<'_>>,
    ) -> impl Iterator<Item = (&'i Statement, bool)> + 'i {
        self.index
            .candidates(key)
            .into_iter()
            .enumerate()
            .flat_map(|(list, entries)| entries.iter().map(move |e| (e, list == NAMED)))
            .filter_map(|(&(p, i), named)| {
                self.policies
                    .get(p as usize)
                    .and_then(|h| h.policy.statements.get(i as usize))
                    .map(|s| (s, named))
            })
    }
}

/// Statements (named by `T`) by the actions they can match: by service, then by operation
/// name or wildcard.
#[derive(Debug)]
pub struct Index<T> {
    /// Statements that may match an action of any service: `NotAction`, `*`, or a wildcard in the
    /// service prefix (2.2).
    any: Vec<T>,
    /// By lower-cased service prefix.
    services: FnvMap<Box<str>, ServiceIndex<T>>,
    /// Every statement, for a request action that is not `service:Operation`.
    all: Vec<T>,
}

impl<T> Default for Index<T> {
    fn default() -> Self {
        Index {
            any: Vec::new(),
            services: FnvMap::default(),
            all: Vec::new(),
        }
    }
}

#[derive(Debug)]
struct ServiceIndex<T> {
    /// Statements with a pattern of this service whose operation starts with `*` or `?`.
    wild: Vec<T>,
    /// Statements with a wildcard operation pattern starting with a literal, by that first byte
    /// lower-cased (`s3:Get*` under `g`): a request finds only those that can match its first
    /// letter.
    wild_by_first: FnvMap<u8, Vec<T>>,
    /// Statements naming a literal operation of this service, by lower-cased operation.
    names: FnvMap<Box<str>, Vec<T>>,
}

impl<T> Default for ServiceIndex<T> {
    fn default() -> Self {
        ServiceIndex {
            wild: Vec::new(),
            wild_by_first: FnvMap::default(),
            names: FnvMap::default(),
        }
    }
}

/// Pushes `x` unless it was the last one pushed (a statement is listed once per list).
fn push_once<T: PartialEq + Copy>(v: &mut Vec<T>, x: T) {
    if v.last() != Some(&x) {
        v.push(x);
    }
}

impl PolicyIndex {
    /// The index of every statement of `policy`.
    pub fn new(policy: &Policy) -> PolicyIndex {
        let mut index = Index::default();
        for (i, s) in policy.statements.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else {
                break;
            };
            index.add(s, i);
        }
        index
    }
}

impl<T: PartialEq + Copy> Index<T> {
    fn add(&mut self, s: &Statement, entry: T) {
        self.all.push(entry);
        let universal = s.action.kind == ActionKind::NotAction
            || s.action
                .patterns
                .iter()
                .any(|p| p.matcher.service().is_none());
        if universal {
            self.any.push(entry);
            return;
        }
        // Per service, each statement is listed so that a request finds it exactly once: under
        // `wild` if some pattern's operation starts with a wildcard; else under the first
        // letters of its wildcard operations, and under the literal operations whose first
        // letter is none of those.
        fn ops<'a>(s: &'a Statement, service: &'a str) -> impl Iterator<Item = &'a str> + 'a {
            s.action
                .patterns
                .iter()
                .filter(move |p| p.matcher.service() == Some(service))
                .map(|p| operation(&p.text))
        }
        let is_wild = |op: &str| op.contains(['*', '?']);
        let first = |op: &str| op.bytes().next().map(|b| b.to_ascii_lowercase());
        for p in &s.action.patterns {
            let Some(service) = p.matcher.service() else {
                continue;
            };
            let svc = self.services.entry(service.into()).or_default();
            let op = operation(&p.text);
            if ops(s, service).any(|o| o.starts_with(['*', '?']) || o.is_empty()) {
                push_once(&mut svc.wild, entry);
            } else if is_wild(op) {
                if let Some(b) = first(op) {
                    push_once(svc.wild_by_first.entry(b).or_default(), entry);
                }
            } else if !ops(s, service).any(|o| is_wild(o) && first(o) == first(op)) {
                let name = op.to_ascii_lowercase();
                push_once(svc.names.entry(name.into()).or_default(), entry);
            }
        }
    }

    /// The statements whose Action may match `service:operation` (both lower-cased), as up to
    /// four lists; a statement appears in at most one of them. Those of list [`NAMED`] have an
    /// `Action` (not `NotAction`) naming the operation literally: their Action matches. `None`: the action is not
    /// `service:Operation`, so every statement is returned.
    pub fn candidates<'i>(&'i self, key: Option<&ActionKey<'_>>) -> [&'i [T]; 4] {
        let Some(key) = key else {
            return [&self.all, &[], &[], &[]];
        };
        match self.services.get(key.service) {
            None => [&self.any, &[], &[], &[]],
            Some(svc) => {
                let first = key
                    .operation
                    .bytes()
                    .next()
                    .and_then(|b| svc.wild_by_first.get(&b));
                [
                    &self.any,
                    &svc.wild,
                    first.map_or(&[][..], Vec::as_slice),
                    svc.names.get(key.operation).map_or(&[][..], Vec::as_slice),
                ]
            }
        }
    }
}

/// The list of [`Index::candidates`] whose statements name the request's action literally.
pub const NAMED: usize = 3;

/// What follows the first colon of an action pattern.
fn operation(text: &str) -> &str {
    text.split_once(':').map_or("", |(_, op)| op)
}

/// A request's action split and lower-cased once, in a buffer on the stack.
pub struct ActionKey<'b> {
    /// The service prefix, lower-cased.
    pub service: &'b str,
    /// The operation name, lower-cased.
    pub operation: &'b str,
}

/// Longest action text lower-cased on the stack; longer ones (none AWS defines) use no index.
pub const MAX_ACTION: usize = 128;

impl<'b> ActionKey<'b> {
    /// `None` unless `text` is `service:Operation` with one colon, both parts non-empty, and fits
    /// the buffer.
    #[inline]
    pub fn new(text: &str, buf: &'b mut [u8; MAX_ACTION]) -> Option<ActionKey<'b>> {
        // The colon found once, by byte (this runs twice per decision).
        let bytes = text.as_bytes();
        let colon = bytes.iter().position(|&b| b == b':')?;
        let op = bytes.get(colon + 1..)?;
        if colon == 0 || op.is_empty() || op.contains(&b':') {
            return None;
        }
        let dst = buf.get_mut(..text.len())?;
        for (d, s) in dst.iter_mut().zip(bytes) {
            *d = s.to_ascii_lowercase();
        }
        // Only ASCII bytes changed, so the text is still UTF-8.
        let lower = std::str::from_utf8(dst).ok()?;
        Some(ActionKey {
            service: lower.get(..colon)?,
            operation: lower.get(colon + 1..)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamsim_policy::{parse_policy, PolicyType, Source, Truth};

    fn policy(actions: &[(&str, &str)]) -> Policy {
        let stmts: Vec<String> = actions
            .iter()
            .map(|(key, list)| format!(r#"{{"Effect":"Allow","{key}":{list},"Resource":"*"}}"#))
            .collect();
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            stmts.join(",")
        );
        parse_policy(&Source::new("p.json", text), PolicyType::Identity)
            .policy
            .unwrap()
    }

    /// The index's candidates for an action, sorted, and the statements whose Action matches it.
    fn check(p: &Policy, action: &str) {
        let index = PolicyIndex::new(p);
        let mut buf = [0u8; MAX_ACTION];
        let key = ActionKey::new(action, &mut buf);
        let mut got: Vec<u32> = index
            .candidates(key.as_ref())
            .iter()
            .flat_map(|l| l.iter().copied())
            .collect();
        let n = got.len();
        got.sort_unstable();
        got.dedup();
        assert_eq!(got.len(), n, "{action}: a statement listed twice");
        for (i, s) in p.statements.iter().enumerate() {
            let any = s
                .action
                .patterns
                .iter()
                .fold(Truth::False, |a, pat| a.or(pat.matcher.matches(action)));
            let matches = match s.action.kind {
                ActionKind::Action => any,
                ActionKind::NotAction => any.not(),
            };
            if matches != Truth::False {
                assert!(
                    got.contains(&(i as u32)),
                    "{action}: statement {i} matches but is not a candidate"
                );
            }
        }
    }

    #[test]
    fn action_keys_split_at_the_one_colon() {
        for text in [
            "s3:GetObject",
            "S3:getObject",
            "s3:",
            ":GetObject",
            "s3:Get:Object",
            "s3",
            "",
            ":",
            "kms:Decrypt",
            "é:x",
        ] {
            let mut buf = [0u8; MAX_ACTION];
            let key = ActionKey::new(text, &mut buf).map(|k| (k.service, k.operation));
            let reference = text
                .split_once(':')
                .filter(|(s, o)| !s.is_empty() && !o.is_empty() && !o.contains(':'));
            let lower = text.to_ascii_lowercase();
            let expected = reference.and_then(|_| lower.split_once(':'));
            assert_eq!(key, expected, "{text}");
        }
        let mut buf = [0u8; MAX_ACTION];
        assert!(ActionKey::new(&format!("s3:{}", "x".repeat(200)), &mut buf).is_none());
    }

    #[test]
    fn candidates_cover_every_statement_that_may_match() {
        let p = policy(&[
            ("Action", r#""s3:GetObject""#),
            ("Action", r#"["S3:getobject","s3:Get*"]"#),
            ("Action", r#"["ec2:DescribeInstances","s3:PutObject"]"#),
            ("Action", r#""*""#),
            ("Action", r#""s*:Get*""#),
            ("NotAction", r#""s3:*""#),
            ("Action", r#"["s3:GetObject","s3:GetObject"]"#),
            ("Action", r#""sts:AssumeRole""#),
            ("Action", r#""s3:?etObject""#),
            ("Action", r#"["s3:Get*","s3:PutObject","s3:GetObjectAcl"]"#),
            ("Action", r#"["s3:List*","s3:Put*","ec2:*"]"#),
            ("Action", r#"["s3:g*t","S3:GETOBJECT"]"#),
        ]);
        for action in [
            "s3:GetObject",
            "S3:GETOBJECT",
            "s3:PutObject",
            "s3:GetObjectAcl",
            "s3:ListBucket",
            "s3:PutObjectTagging",
            "ec2:DescribeInstances",
            "ec2:RunInstances",
            "sts:AssumeRole",
            "iam:CreateUser",
            "s3express:GetObject",
            "notanaction",
            "s3:a:b",
            ":x",
        ] {
            check(&p, action);
        }
    }

    #[test]
    fn a_literal_action_finds_only_its_statements() {
        let p = policy(&[
            ("Action", r#""s3:GetObject""#),
            ("Action", r#""s3:PutObject""#),
            ("Action", r#""ec2:RunInstances""#),
        ]);
        let index = PolicyIndex::new(&p);
        let mut buf = [0u8; MAX_ACTION];
        let key = ActionKey::new("s3:getObject", &mut buf);
        let lists = index.candidates(key.as_ref());
        let got: Vec<u32> = lists.iter().flat_map(|l| l.iter().copied()).collect();
        assert_eq!(got, vec![0]);
    }
}

//! The compiled form of a policy for the decision-only path: its statements indexed by the
//! actions they can match, so a request looks up the few statements that may apply instead of
//! matching every one (house style, "three forms of a policy").
//!
//! The index only narrows: a statement it leaves out is one whose `Action` cannot match the
//! request's action (`match_action` would say `False`), which neither allows, denies nor grants by
//! kind. Statements it returns are matched in full, exactly as the explained path matches them.

use iamsim_policy::{ActionKind, Policy};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: keys are short service prefixes and action names, for which SipHash's setup dominates.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

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

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

#[derive(Debug, Default)]
pub(crate) struct PolicyIndex {
    /// Statements that may match an action of any service: `NotAction`, `*`, or a wildcard in the
    /// service prefix (2.2).
    any: Vec<u32>,
    /// By lower-cased service prefix.
    services: FnvMap<Box<str>, ServiceIndex>,
    /// Every statement, for a request action that is not `service:Operation`.
    all: Vec<u32>,
}

#[derive(Debug, Default)]
struct ServiceIndex {
    /// Statements with a pattern of this service whose operation part holds `*` or `?`.
    wild: Vec<u32>,
    /// Statements naming a literal operation of this service, by lower-cased operation.
    names: FnvMap<Box<str>, Vec<u32>>,
}

/// Pushes `i` unless it was the last one pushed (a statement is listed once per list).
fn push_once(v: &mut Vec<u32>, i: u32) {
    if v.last() != Some(&i) {
        v.push(i);
    }
}

impl PolicyIndex {
    pub(crate) fn new(policy: &Policy) -> PolicyIndex {
        let mut index = PolicyIndex::default();
        for (i, s) in policy.statements.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else {
                break;
            };
            index.all.push(i);
            let universal = s.action.kind == ActionKind::NotAction
                || s.action
                    .patterns
                    .iter()
                    .any(|p| p.matcher.service().is_none());
            if universal {
                index.any.push(i);
                continue;
            }
            // Services where some pattern has a wildcard operation: the statement is listed
            // there once, under `wild`, rather than under each literal name too.
            let wild_in = |service: &str| {
                s.action.patterns.iter().any(|p| {
                    p.matcher.service() == Some(service) && operation(&p.text).contains(['*', '?'])
                })
            };
            for p in &s.action.patterns {
                let Some(service) = p.matcher.service() else {
                    continue;
                };
                let entry = index.services.entry(service.into()).or_default();
                if wild_in(service) {
                    push_once(&mut entry.wild, i);
                } else {
                    let name = operation(&p.text).to_ascii_lowercase();
                    push_once(entry.names.entry(name.into()).or_default(), i);
                }
            }
        }
        index
    }

    /// The statements whose Action may match `service:operation` (both lower-cased), as up to
    /// three lists; a statement appears in at most one of them. `None`: the action is not
    /// `service:Operation`, so every statement is returned.
    pub(crate) fn candidates<'i>(&'i self, key: Option<&ActionKey<'_>>) -> [&'i [u32]; 3] {
        let Some(key) = key else {
            return [&self.all, &[], &[]];
        };
        match self.services.get(key.service) {
            None => [&self.any, &[], &[]],
            Some(svc) => [
                &self.any,
                &svc.wild,
                svc.names.get(key.operation).map_or(&[][..], Vec::as_slice),
            ],
        }
    }
}

/// What follows the first colon of an action pattern.
fn operation(text: &str) -> &str {
    text.split_once(':').map_or("", |(_, op)| op)
}

/// A request's action split and lower-cased once, in a buffer on the stack.
pub(crate) struct ActionKey<'b> {
    pub service: &'b str,
    pub operation: &'b str,
}

/// Longest action text lower-cased on the stack; longer ones (none AWS defines) use no index.
pub(crate) const MAX_ACTION: usize = 128;

impl<'b> ActionKey<'b> {
    /// `None` unless `text` is `service:Operation` with one colon, both parts non-empty, and fits
    /// the buffer.
    pub(crate) fn new(text: &str, buf: &'b mut [u8; MAX_ACTION]) -> Option<ActionKey<'b>> {
        let (service, op) = text.split_once(':')?;
        if service.is_empty() || op.is_empty() || op.contains(':') {
            return None;
        }
        let dst = buf.get_mut(..text.len())?;
        for (d, s) in dst.iter_mut().zip(text.bytes()) {
            *d = s.to_ascii_lowercase();
        }
        // Only ASCII bytes changed, so the text is still UTF-8.
        let lower = std::str::from_utf8(dst).ok()?;
        let (service, operation) = lower.split_once(':')?;
        Some(ActionKey { service, operation })
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
        ]);
        for action in [
            "s3:GetObject",
            "S3:GETOBJECT",
            "s3:PutObject",
            "s3:GetObjectAcl",
            "ec2:DescribeInstances",
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

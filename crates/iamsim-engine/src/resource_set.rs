//! Requested resources that name a set (formats.md 6): `arn:aws:s3:::prod/*` asks about every
//! resource the pattern matches. A statement's `Resource` pattern relates to the set in one of
//! three ways, decided here on the text of both patterns (`*`: any run of characters, `?`: one
//! character, case-sensitive as resource ARNs are):
//!
//! - it *covers* the set: every member matches it ([`covers`]);
//! - it *touches* the set: some member matches it ([`touches`]), with an example member
//!   ([`shared_member`]);
//! - neither.
//!
//! Both answers err on the safe side for the use the walk makes of them: `covers` may say no
//! where the set is in fact covered (the answer becomes `indeterminate`), `touches` may say yes
//! where no member matches (the same).

/// The two readings of a set request the walk decides (crate::walk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetReading {
    /// Is every member allowed? An Allow counts only when it covers the set, a Deny when it
    /// touches it.
    Every,
    /// Is some member allowed, and does a Deny cover them all? An Allow counts when it touches
    /// the set, a Deny only when it covers it.
    Some,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    Char(char),
    /// `?`
    One,
    /// `*`
    Any,
}

fn tokens(text: &str) -> Vec<Tok> {
    text.chars()
        .map(|c| match c {
            '*' => Tok::Any,
            '?' => Tok::One,
            c => Tok::Char(c),
        })
        .collect()
}

/// Longest pattern compared (characters): ARNs are at most 2,048; longer text is never covered
/// and always touched (the safe answers).
const MAX_LEN: usize = 4096;

/// Whether every string `set` matches is matched by `pattern`. Sound, not complete: a `*` of the
/// set must meet a `*` of the pattern.
pub(crate) fn covers(pattern: &str, set: &str) -> bool {
    if pattern.len() > MAX_LEN || set.len() > MAX_LEN {
        return false;
    }
    let p = tokens(pattern);
    let s = tokens(set);
    // reach[j]: the pattern's first i tokens can produce the set's first j tokens.
    let mut reach = vec![false; s.len() + 1];
    if let Some(r) = reach.get_mut(0) {
        *r = true;
    }
    for pt in &p {
        let mut next = vec![false; s.len() + 1];
        match pt {
            Tok::Any => {
                // `*` takes any run of the set's tokens, `*`s included.
                let mut on = false;
                for (j, r) in reach.iter().enumerate() {
                    on = on || *r;
                    if let Some(n) = next.get_mut(j) {
                        *n = on;
                    }
                }
            }
            _ => {
                for (j, st) in s.iter().enumerate() {
                    let ok = match (pt, st) {
                        (Tok::One, Tok::Char(_) | Tok::One) => true,
                        (Tok::Char(a), Tok::Char(b)) => a == b,
                        _ => false,
                    };
                    if ok && reach.get(j).copied().unwrap_or(false) {
                        if let Some(n) = next.get_mut(j + 1) {
                            *n = true;
                        }
                    }
                }
            }
        }
        reach = next;
    }
    reach.last().copied().unwrap_or(false)
}

/// Whether some string matches both patterns.
pub(crate) fn touches(a: &str, b: &str) -> bool {
    a.len() > MAX_LEN || b.len() > MAX_LEN || shared_member(a, b).is_some()
}

/// A string both patterns match, when there is one (a breadth-first search of the product of
/// the two patterns; a run of `*` is filled with nothing, a `?` met by a `?` with `x`).
pub(crate) fn shared_member(a: &str, b: &str) -> Option<String> {
    if a.len() > MAX_LEN || b.len() > MAX_LEN {
        return None;
    }
    let a = tokens(a);
    let b = tokens(b);
    let width = b.len() + 1;
    let index = |i: usize, j: usize| i * width + j;
    // For each state (i, j) reached: the state it came from and the character read, if any.
    let mut from: Vec<Option<(usize, Option<char>)>> = vec![None; (a.len() + 1) * width];
    let mut queue = std::collections::VecDeque::new();
    if let Some(f) = from.get_mut(0) {
        *f = Some((0, None));
    }
    queue.push_back((0usize, 0usize));
    let mut end = None;
    while let Some((i, j)) = queue.pop_front() {
        if i == a.len() && j == b.len() {
            end = Some(index(i, j));
            break;
        }
        let here = index(i, j);
        let ta = a.get(i).copied();
        let tb = b.get(j).copied();
        let mut moves: Vec<(usize, usize, Option<char>)> = Vec::new();
        // `*` may match nothing.
        if ta == Some(Tok::Any) {
            moves.push((i + 1, j, None));
        }
        if tb == Some(Tok::Any) {
            moves.push((i, j + 1, None));
        }
        // One character read by both.
        if let (Some(x), Some(y)) = (ta, tb) {
            let ch = match (x, y) {
                (Tok::Char(c), Tok::Char(d)) => (c == d).then_some(c),
                (Tok::Char(c), _) | (_, Tok::Char(c)) => Some(c),
                _ => Some('x'),
            };
            if let Some(c) = ch {
                let ni = if x == Tok::Any { i } else { i + 1 };
                let nj = if y == Tok::Any { j } else { j + 1 };
                if (ni, nj) != (i, j) {
                    moves.push((ni, nj, Some(c)));
                }
            }
        }
        for (ni, nj, c) in moves {
            let k = index(ni, nj);
            if let Some(slot) = from.get_mut(k) {
                if slot.is_none() {
                    *slot = Some((here, c));
                    queue.push_back((ni, nj));
                }
            }
        }
    }
    let mut at = end?;
    let mut out = Vec::new();
    while at != 0 {
        let (prev, c) = (*from.get(at)?)?;
        out.extend(c);
        at = prev;
    }
    out.reverse();
    Some(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The obvious reference: does `pattern` match `text` (a plain string)?
    fn glob(pattern: &str, text: &str) -> bool {
        iamsim_policy::glob::Glob::from_text(pattern, false).matches(text)
    }

    #[test]
    fn covering_and_touching_sets() {
        let set = "arn:aws:s3:::prod-artifacts/*";
        assert!(covers("arn:aws:s3:::prod-artifacts/*", set));
        assert!(covers("arn:aws:s3:::prod-*", set));
        assert!(covers("*", set));
        assert!(!covers("arn:aws:s3:::prod-artifacts/release/*", set));
        assert!(touches("arn:aws:s3:::prod-artifacts/release/*", set));
        assert!(!touches("arn:aws:s3:::other/*", set));
        assert!(covers("arn:aws:s3:::b/??", "arn:aws:s3:::b/a?"));
        assert!(!covers("arn:aws:s3:::b/a?", "arn:aws:s3:::b/??"));
        assert!(!covers("arn:aws:s3:::b/?", "arn:aws:s3:::b/*"));
        let m = shared_member("arn:aws:s3:::prod-artifacts/release/*", set).unwrap();
        assert!(
            glob(set, &m) && glob("arn:aws:s3:::prod-artifacts/release/*", &m),
            "{m}"
        );
    }

    /// Laws checked against the plain matcher on every pair of a small alphabet of patterns: a
    /// shared member matches both; when one pattern covers another, every string the other
    /// matches (of a sample) matches it.
    #[test]
    fn answers_agree_with_the_plain_matcher() {
        let atoms = ["a", "b", "?", "*", "ab", "a*", "*b", "?*", "a?b", "*a*"];
        let mut patterns: Vec<String> = Vec::new();
        for x in atoms {
            for y in atoms {
                patterns.push(format!("{x}{y}"));
            }
        }
        let samples: Vec<String> = {
            let mut v = vec![String::new()];
            for len in 1..=4 {
                let mut next = Vec::new();
                for s in v.iter().filter(|s| s.len() == len - 1) {
                    for c in ['a', 'b', 'c'] {
                        next.push(format!("{s}{c}"));
                    }
                }
                v.extend(next);
            }
            v
        };
        for p in &patterns {
            for s in &patterns {
                if let Some(m) = shared_member(p, s) {
                    assert!(glob(p, &m) && glob(s, &m), "{p} {s} {m}");
                } else {
                    assert!(
                        !samples.iter().any(|t| glob(p, t) && glob(s, t)),
                        "{p} {s} share a member"
                    );
                }
                if covers(p, s) {
                    for t in samples.iter().filter(|t| glob(s, t)) {
                        assert!(glob(p, t), "{p} covers {s} but not {t}");
                    }
                }
            }
        }
    }
}

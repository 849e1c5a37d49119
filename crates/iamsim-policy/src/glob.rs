//! Wildcard matching (`*`, `?`) in time linear in the input for a fixed pattern, without
//! allocation per match.
//!
//! The pattern is split on `*` into segments of literal text and `?`. The first segment is
//! anchored at the start of the input, the last at its end, and each middle segment is taken at
//! its leftmost occurrence. A segment always spans the same number of characters, so its leftmost
//! occurrence also ends first and leaves the most room for what follows: the greedy choice is
//! exact and no backtracking is needed. Each middle segment is searched once, from where the
//! previous one ended, so the work is O(input × longest segment).

use memchr::memmem::Finder;
use std::sync::OnceLock;

use crate::variables::Piece;

/// A compiled `*`/`?` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    /// The pattern held a `Variable` piece: it matches nothing.
    never: bool,
    /// ASCII case folding; literals are stored lower-cased.
    case_insensitive: bool,
    /// Whether the pattern holds a `*`; without one, `prefix` must span the whole input.
    has_star: bool,
    /// Before the first `*` (the whole pattern when there is no `*`).
    prefix: Vec<Tok>,
    /// Between `*`s, empty segments dropped.
    middles: Vec<Vec<Tok>>,
    /// After the last `*`.
    suffix: Vec<Tok>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Lit(Lit),
    /// `?`: one character.
    One,
}

/// Literal bytes, with a searcher built the first time the literal is searched for. Only
/// literals between two `*`s are ever searched (the first and last are compared in place), and
/// building a searcher for each was most of the cost of reading a policy (BENCHMARKS.md).
#[derive(Clone, Debug)]
struct Lit {
    bytes: Box<[u8]>,
    /// Boxed: a searcher is large, and most literals never need one.
    finder: OnceLock<Box<Finder<'static>>>,
}

impl PartialEq for Lit {
    fn eq(&self, other: &Lit) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for Lit {}

impl Lit {
    fn new(text: &str, case_insensitive: bool) -> Lit {
        let bytes: Box<[u8]> = if case_insensitive {
            text.to_ascii_lowercase().into_bytes().into_boxed_slice()
        } else {
            text.as_bytes().into()
        };
        Lit {
            bytes,
            finder: OnceLock::new(),
        }
    }

    /// Does the literal occur at `at`?
    fn is_at(&self, hay: &[u8], at: usize, ci: bool) -> bool {
        match hay.get(at..at + self.bytes.len()) {
            Some(got) if ci => got.eq_ignore_ascii_case(&self.bytes),
            Some(got) => got == &*self.bytes,
            None => false,
        }
    }

    /// The start of the first occurrence at or after `from`.
    fn find(&self, hay: &[u8], from: usize, ci: bool) -> Option<usize> {
        let rest = hay.get(from..)?;
        if !ci {
            let finder = self
                .finder
                .get_or_init(|| Box::new(Finder::new(&self.bytes).into_owned()));
            return finder.find(rest).map(|i| from + i);
        }
        // Case-folded search: jump between candidates of the first byte in either case, then
        // verify. Linear for a fixed literal.
        let (&first, _) = self.bytes.split_first()?;
        let upper = first.to_ascii_uppercase();
        let mut at = 0;
        while let Some(i) = rest
            .get(at..)
            .and_then(|r| memchr::memchr2(first, upper, r))
        {
            let start = from + at + i;
            if self.is_at(hay, start, true) {
                return Some(start);
            }
            at += i + 1;
        }
        None
    }
}

/// Byte length of the UTF-8 character whose first byte is `b`.
fn char_width(b: u8) -> usize {
    match b {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xc0 == 0x80
}

/// Matches `toks` starting exactly at `pos`; returns where the match ends.
fn match_forward(toks: &[Tok], hay: &[u8], mut pos: usize, ci: bool) -> Option<usize> {
    for tok in toks {
        match tok {
            Tok::Lit(lit) => {
                if !lit.is_at(hay, pos, ci) {
                    return None;
                }
                pos += lit.bytes.len();
            }
            Tok::One => {
                pos += char_width(*hay.get(pos)?);
                if pos > hay.len() {
                    return None;
                }
            }
        }
    }
    Some(pos)
}

/// Matches `toks` ending exactly at `end`; returns where the match starts.
fn match_backward(toks: &[Tok], hay: &[u8], mut end: usize, ci: bool) -> Option<usize> {
    for tok in toks.iter().rev() {
        match tok {
            Tok::Lit(lit) => {
                let start = end.checked_sub(lit.bytes.len())?;
                if !lit.is_at(hay, start, ci) {
                    return None;
                }
                end = start;
            }
            Tok::One => {
                end = end.checked_sub(1)?;
                while end > 0 && hay.get(end).is_some_and(|&b| is_continuation(b)) {
                    end -= 1;
                }
            }
        }
    }
    Some(end)
}

/// The end of the leftmost occurrence of `toks` starting at or after `from`.
fn find_leftmost(toks: &[Tok], hay: &[u8], from: usize, ci: bool) -> Option<usize> {
    match toks.split_first() {
        None => Some(from),
        Some((Tok::Lit(lit), rest)) => {
            let mut at = from;
            loop {
                let start = lit.find(hay, at, ci)?;
                if let Some(end) = match_forward(rest, hay, start + lit.bytes.len(), ci) {
                    return Some(end);
                }
                at = start + 1;
            }
        }
        Some((Tok::One, _)) => {
            let mut start = from;
            while let Some(&b) = hay.get(start) {
                if let Some(end) = match_forward(toks, hay, start, ci) {
                    return Some(end);
                }
                start += char_width(b);
            }
            None
        }
    }
}

impl Glob {
    /// Compiles pieces that hold no `Variable` (variables are substituted first); a `Variable`
    /// piece makes the pattern match nothing.
    pub fn new(pieces: &[Piece], case_insensitive: bool) -> Glob {
        let mut segments: Vec<Vec<Tok>> = vec![Vec::new()];
        let mut never = false;
        for piece in pieces {
            match piece {
                Piece::AnyRun => segments.push(Vec::new()),
                Piece::AnyOne => push_tok(&mut segments, Tok::One),
                Piece::Literal(text) if text.is_empty() => {}
                Piece::Literal(text) => {
                    // Neighbouring literals are merged so each segment searches one needle.
                    if let Some(Tok::Lit(prev)) = segments.last_mut().and_then(|s| s.last_mut()) {
                        let mut joined = String::from_utf8_lossy(&prev.bytes).into_owned();
                        joined.push_str(text);
                        *prev = Lit::new(&joined, case_insensitive);
                    } else {
                        push_tok(&mut segments, Tok::Lit(Lit::new(text, case_insensitive)));
                    }
                }
                Piece::Variable(_) => never = true,
            }
        }
        Glob::from_segments(segments, never, case_insensitive)
    }

    /// The pattern of `text` where only `*` and `?` are special (no policy variables): what
    /// `Glob::new` makes of `Template::parse(text, wildcards only)`, built without the
    /// intermediate pieces (actions are compiled this way, thousands per managed policy).
    pub fn from_text(text: &str, case_insensitive: bool) -> Glob {
        let mut segments: Vec<Vec<Tok>> = vec![Vec::new()];
        let mut start = 0;
        let flush = |segments: &mut Vec<Vec<Tok>>, lit: &str| {
            if !lit.is_empty() {
                push_tok(segments, Tok::Lit(Lit::new(lit, case_insensitive)));
            }
        };
        for (i, c) in text.char_indices() {
            if c != '*' && c != '?' {
                continue;
            }
            flush(&mut segments, text.get(start..i).unwrap_or(""));
            if c == '*' {
                segments.push(Vec::new());
            } else {
                push_tok(&mut segments, Tok::One);
            }
            start = i + 1;
        }
        flush(&mut segments, text.get(start..).unwrap_or(""));
        Glob::from_segments(segments, false, case_insensitive)
    }

    fn from_segments(segments: Vec<Vec<Tok>>, never: bool, case_insensitive: bool) -> Glob {
        let has_star = segments.len() > 1;
        let mut iter = segments.into_iter();
        let prefix = iter.next().unwrap_or_default();
        let mut middles: Vec<Vec<Tok>> = iter.collect();
        let suffix = if has_star {
            middles.pop().unwrap_or_default()
        } else {
            Vec::new()
        };
        middles.retain(|m| !m.is_empty());
        Glob {
            never,
            case_insensitive,
            has_star,
            prefix,
            middles,
            suffix,
        }
    }

    /// Does the pattern match the whole input?
    pub fn matches(&self, input: &str) -> bool {
        if self.never {
            return false;
        }
        let ci = self.case_insensitive;
        let hay = input.as_bytes();
        let Some(mut pos) = match_forward(&self.prefix, hay, 0, ci) else {
            return false;
        };
        if !self.has_star {
            return pos == hay.len();
        }
        let Some(limit) = match_backward(&self.suffix, hay, hay.len(), ci) else {
            return false;
        };
        if limit < pos {
            return false;
        }
        // Middles must end before the suffix starts.
        let Some(window) = hay.get(..limit) else {
            return false;
        };
        for middle in &self.middles {
            match find_leftmost(middle, window, pos, ci) {
                Some(end) => pos = end,
                None => return false,
            }
        }
        true
    }

    /// Whether the pattern holds a `*`.
    pub fn has_star(&self) -> bool {
        self.has_star && !self.never
    }

    /// Matches every input (`*`, `**`, ...).
    pub fn matches_everything(&self) -> bool {
        !self.never
            && self.has_star
            && self.prefix.is_empty()
            && self.middles.is_empty()
            && self.suffix.is_empty()
    }

    /// Does the part before the first `*` match at the start of `input`? For a pattern whose
    /// tail is `*...`, "matches from here" only gets easier the earlier it starts, so the first
    /// position where this holds is the one worth a full match (used by resource matching).
    pub fn prefix_matches(&self, input: &str) -> bool {
        !self.never
            && match_forward(&self.prefix, input.as_bytes(), 0, self.case_insensitive).is_some()
    }
}

fn push_tok(segments: &mut [Vec<Tok>], tok: Tok) {
    if let Some(last) = segments.last_mut() {
        last.push(tok);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_text_builds_what_new_builds_from_the_template() {
        use crate::variables::{Template, TemplateMode};
        let mode = TemplateMode {
            variables: false,
            wildcards: true,
        };
        for text in [
            "s3:GetObject",
            "s3:Get*",
            "*",
            "**",
            "",
            "?",
            "a*b?c**d*",
            "*a*a*a*b*",
            "S3:GET?bject",
            "é*ü?x",
            "${aws:username}*",
            "arn:aws:s3:::b/*/x",
        ] {
            for ci in [false, true] {
                let t = Template::parse(text, mode).unwrap();
                assert_eq!(
                    Glob::from_text(text, ci),
                    Glob::new(t.pieces(), ci),
                    "{text}"
                );
            }
        }
    }
    use crate::variables::{Template, TemplateMode};

    fn pieces(pattern: &str) -> Vec<Piece> {
        Template::parse(
            pattern,
            TemplateMode {
                variables: false,
                wildcards: true,
            },
        )
        .unwrap()
        .pieces()
        .to_vec()
    }

    /// Slow, obviously correct: try every split for `*`.
    fn reference(p: &[Piece], s: &[char], ci: bool) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((Piece::AnyRun, rest)) => (0..=s.len()).any(|i| reference(rest, &s[i..], ci)),
            Some((Piece::AnyOne, rest)) => !s.is_empty() && reference(rest, &s[1..], ci),
            Some((Piece::Literal(l), rest)) => {
                let l: Vec<char> = l.chars().collect();
                s.len() >= l.len()
                    && l.iter().zip(s).all(|(a, b)| {
                        if ci {
                            a.eq_ignore_ascii_case(b)
                        } else {
                            a == b
                        }
                    })
                    && reference(rest, &s[l.len()..], ci)
            }
            Some((Piece::Variable(_), _)) => false,
        }
    }

    fn check(pattern: &str, input: &str, ci: bool) -> bool {
        let p = pieces(pattern);
        let fast = Glob::new(&p, ci).matches(input);
        let chars: Vec<char> = input.chars().collect();
        assert_eq!(
            fast,
            reference(&p, &chars, ci),
            "pattern {pattern:?} input {input:?} ci {ci}"
        );
        fast
    }

    #[test]
    fn table() {
        // (pattern, input, case-insensitive, expected)
        let cases: &[(&str, &str, bool, bool)] = &[
            ("", "", false, true),
            ("", "a", false, false),
            ("*", "", false, true),
            ("*", "anything/at:all", false, true),
            ("**", "x", false, true),
            ("?", "", false, false),
            ("?", "é", false, true),
            ("??", "é", false, false),
            ("a?c", "aéc", false, true),
            ("abc", "abc", false, true),
            ("abc", "abcd", false, false),
            ("abc", "ABC", false, false),
            ("abc", "ABC", true, true),
            ("AbC*", "aBcdef", true, true),
            ("a*", "a", false, true),
            ("*a", "ba", false, true),
            ("*a", "ab", false, false),
            ("a*a", "a", false, false),
            ("a*a", "aa", false, true),
            ("*log*", "acme-logs/x.txt", false, true),
            ("bkt/*/test/*", "bkt/1/2/test/3/x.jpg", false, true),
            ("bkt/*/test/*", "bkt//test/x", false, true),
            ("bkt/*/test/*", "bkt/test/x", false, false),
            ("*a?b*", "xxab_b", false, false),
            ("*a?b*", "xxa_b", false, true),
            ("*?é*", "ééé", false, true),
            ("*é?", "aéb", false, true),
            ("a*b*c", "abbbc", false, true),
            ("a*b*c", "acb", false, false),
            ("*ab*ab*", "abab", false, true),
            ("*ab*ab*", "aba", false, false),
            ("*AB?*", "xaby", true, true),
            ("x*Y", "xzzy", true, true),
            ("*a*a*a*a*a*a*a*b", "aaaaaaaab", false, true),
            ("*a*a*a*a*a*a*a*b", "aaaaaaaa", false, false),
            ("s3:get*", "S3:GetObject", true, true),
        ];
        for &(pattern, input, ci, expected) in cases {
            assert_eq!(check(pattern, input, ci), expected, "{pattern:?} {input:?}");
        }
    }

    #[test]
    fn variable_piece_never_matches() {
        let p = Template::parse(
            "a${aws:username}",
            TemplateMode {
                variables: true,
                wildcards: true,
            },
        )
        .unwrap();
        let g = Glob::new(p.pieces(), false);
        assert!(!g.matches("a"));
        assert!(!g.matches("a${aws:username}"));
    }

    /// Every pattern over {a, b, *, ?} up to 5 symbols against every input over {a, b, é} up to
    /// 5 characters, case-sensitive, plus a case-folded pass with `A` in the inputs.
    #[test]
    fn exhaustive_small_alphabet_agrees_with_reference() {
        fn all(alphabet: &[char], max: usize) -> Vec<String> {
            let mut out = vec![String::new()];
            let mut layer = vec![String::new()];
            for _ in 0..max {
                let mut next = Vec::new();
                for s in &layer {
                    for &c in alphabet {
                        let mut t = s.clone();
                        t.push(c);
                        next.push(t);
                    }
                }
                out.extend(next.iter().cloned());
                layer = next;
            }
            out
        }
        let patterns = all(&['a', 'b', '*', '?'], 5);
        let inputs = all(&['a', 'b', 'é'], 5);
        let folded_inputs = all(&['a', 'A', 'b'], 4);
        let mut compared = 0usize;
        for p in &patterns {
            let ps = pieces(p);
            let cs = Glob::new(&ps, false);
            let ci = Glob::new(&ps, true);
            for s in &inputs {
                let chars: Vec<char> = s.chars().collect();
                assert_eq!(cs.matches(s), reference(&ps, &chars, false), "{p:?} {s:?}");
                compared += 1;
            }
            for s in &folded_inputs {
                let chars: Vec<char> = s.chars().collect();
                assert_eq!(
                    ci.matches(s),
                    reference(&ps, &chars, true),
                    "{p:?} {s:?} ci"
                );
                assert_eq!(cs.matches(s), reference(&ps, &chars, false), "{p:?} {s:?}");
                compared += 1;
            }
        }
        assert!(compared > 500_000);
    }

    /// Longer patterns and inputs than the exhaustive pass reaches, from a fixed-seed generator.
    #[test]
    fn generated_longer_cases_agree_with_reference() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) as usize) % n
        };
        let pattern_chars = ['a', 'b', '/', ':', '*', '*', '?', 'A', 'é'];
        let input_chars = ['a', 'b', '/', ':', 'A', 'B', 'é'];
        for _ in 0..20_000 {
            let p: String = (0..next(11)).map(|_| pattern_chars[next(9)]).collect();
            let s: String = (0..next(14)).map(|_| input_chars[next(7)]).collect();
            check(&p, &s, false);
            check(&p, &s, true);
        }
    }

    /// Would take exponential time with a backtracking matcher; completes at once here.
    #[test]
    fn pathological_pattern_on_100k_input_completes() {
        let input = "a".repeat(100_000);
        let g = Glob::new(&pieces("*a*a*a*a*a*a*a*b"), false);
        assert!(!g.matches(&input));
        let gi = Glob::new(&pieces("*a*a*a*a*a*a*a*b"), true);
        assert!(!gi.matches(&input));
        // The suffix can be found but a middle cannot.
        let mut tail_b = input.clone();
        tail_b.push('b');
        assert!(g.matches(&tail_b));
        assert!(!Glob::new(&pieces("*a*c*a*b"), false).matches(&tail_b));
        assert!(!Glob::new(&pieces("*a?a?c*"), true).matches(&tail_b));
    }

    #[test]
    fn helpers() {
        assert!(Glob::new(&pieces("**"), false).matches_everything());
        assert!(!Glob::new(&pieces("*a"), false).matches_everything());
        let g = Glob::new(&pieces("ab?*x"), false);
        assert!(g.has_star());
        assert!(g.prefix_matches("abc-and-more"));
        assert!(!g.prefix_matches("ab"));
    }
}

//! Resource patterns (docs/rules.md 2.B): per-part ARN matching, variables, 2.8 readings.
//!
//! A pattern is split once, at compile time, on its first five colons. The part before the
//! RESOURCE part (the "head": `arn`, partition, service, region, account and their colons) is
//! matched by a literal comparison when it holds no wildcard, and otherwise by a small NFA whose
//! states fit in a `u128`, so that `?` and mid-segment `*` can be kept inside their part while a
//! segment-final `*` crosses colons (2.8). The RESOURCE part is a plain [`Glob`] (2.7).
//!
//! Where 2.8 leaves a pattern with two readings, each reading is compiled separately and the
//! result is `True` when every reading matches, `Unknown` when only some do (0.2). Case (2.6) is
//! folded into the same answer: an `Allow` compares case-sensitively, a `Deny` folds the case of
//! the head, so a match that needs the folding is `Unknown`.

use crate::action::PatternError;
use crate::arn::{parse_arn, Arn};
use crate::context::ContextLookup;
use crate::glob::Glob;
use crate::model::ResourceKind;
use crate::truth::Truth;
use crate::variables::{Piece, Rendered, Template, TemplateMode};

/// A compiled `Resource`/`NotResource` value: `*`, or an ARN pattern split into its six parts
/// (2.6) with `*` and `?` wildcards (2.7, 2.8) and policy variables substituted per request
/// (2.21, 2.22).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceMatcher {
    kind: Kind,
}

/// The resource of a request: an ARN, or `*` for actions with no resource type (2.10, 9.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestResource<'a> {
    /// `*`: the action takes no resource; `service` is the action's service prefix.
    Wildcard {
        /// The service prefix of the action (`s3` for `s3:ListAllMyBuckets`).
        service: &'a str,
    },
    /// The ARN of the resource the request acts on.
    Arn(&'a str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// `*` alone.
    All,
    Arn(Box<ArnPattern>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct ArnPattern {
    /// The SERVICE part (case-sensitive and case-folded), when the pattern has one: a pattern
    /// never matches an ARN of another service, whatever its wildcards do (2.8).
    service: Option<ServicePart>,
    tail: Tail,
    /// One per reading (0.2); usually exactly one.
    readings: Vec<Reading>,
    /// Pieces of the whole pattern before the RESOURCE part, for requests that are not ARNs.
    head_pieces: Vec<Piece>,
    /// The whole pattern as one glob, for requests that are not ARNs (when it has no variables).
    plain: Option<Glob>,
    /// Every part after the service matches anything (9.4).
    universal_after_service: bool,
    relies_on_crossing: bool,
}

/// The SERVICE part of a pattern: literal text (nearly always), or a glob ending in `*`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ServicePart {
    Literal(Box<str>),
    /// Case-sensitive and case-folded.
    Glob(Glob, Glob),
}

impl ServicePart {
    /// Matches `service` exactly, and with ASCII case folded.
    fn matches(&self, service: &str) -> (bool, bool) {
        match self {
            ServicePart::Literal(lit) => {
                let exact = **lit == *service;
                (exact, exact || lit.eq_ignore_ascii_case(service))
            }
            ServicePart::Glob(cs, ci) => {
                let exact = cs.matches(service);
                (exact, exact || ci.matches(service))
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tail {
    /// The pattern has fewer than six parts.
    Absent,
    Static(Glob),
    /// The RESOURCE part holds policy variables; rendered per request.
    Template(Template),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Reading {
    head: Head,
    end: End,
    /// The head has only colon-crossing `*`s and no `?`, so head and RESOURCE together are one
    /// ordinary glob: the exact view can use the whole-pattern [`Glob`] instead of the NFA.
    plain_exact: bool,
}

/// What follows the head in a reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    /// Nothing: the head spans the whole request (a short pattern read literally).
    Whole,
    /// Anything (a short pattern with its missing parts read as `*`).
    Any,
    /// The pattern's RESOURCE part.
    Resource,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Head {
    Literal(String),
    Nfa(Nfa),
}

/// One state per head token plus an accepting state; at most 128 states.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Nfa {
    toks: Vec<HTok>,
    /// The literal text before the first wildcard (`arn:aws:ec2:`), compared directly so the
    /// NFA starts after it.
    lead: String,
    /// Indices of the `Star` tokens, ascending, for the epsilon closure.
    stars: Vec<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HTok {
    Char(char),
    /// `?`; never a colon, since `?` stays inside its part (2.8).
    One,
    /// `*`; `crosses` when it may swallow colons.
    Star {
        crosses: bool,
    },
}

const MAX_NFA_STATES: usize = 127;

impl Nfa {
    fn accept(&self) -> u128 {
        1u128 << self.toks.len()
    }

    fn closure(&self, mut set: u128) -> u128 {
        for &i in &self.stars {
            if set & (1u128 << i) != 0 {
                set |= 1u128 << (i + 1);
            }
        }
        set
    }

    fn step(&self, set: u128, c: char, ci: bool) -> u128 {
        let mut next = 0u128;
        let mut bits = set;
        while bits != 0 {
            let i = bits.trailing_zeros();
            bits &= bits - 1;
            let Some(tok) = self.toks.get(i as usize) else {
                continue; // the accepting state consumes nothing
            };
            match *tok {
                HTok::Char(d) if d == c || (ci && d.eq_ignore_ascii_case(&c)) => {
                    next |= 1u128 << (i + 1);
                }
                HTok::Char(_) => {}
                HTok::One if c != ':' => next |= 1u128 << (i + 1),
                HTok::One => {}
                HTok::Star { crosses } if crosses || c != ':' => next |= 1u128 << i,
                HTok::Star { .. } => {}
            }
        }
        self.closure(next)
    }
}

#[cfg(test)]
const WILDCARDS: TemplateMode = TemplateMode {
    variables: false,
    wildcards: true,
};

/// A pattern part before the RESOURCE part.
struct Part {
    pieces: Vec<Piece>,
    offset: usize,
}

impl Part {
    fn ends_with_star(&self) -> bool {
        matches!(self.pieces.last(), Some(Piece::AnyRun))
    }

    /// A `*` that is not the last character of the part.
    fn has_mid_star(&self) -> bool {
        let n = self.pieces.len();
        self.pieces
            .iter()
            .enumerate()
            .any(|(i, p)| *p == Piece::AnyRun && i + 1 < n)
    }

    fn is_stars_or_empty(&self) -> bool {
        self.pieces.iter().all(|p| *p == Piece::AnyRun)
    }
}

/// A piece of a pattern's text and the offset where it starts.
type Located<'t> = (&'t str, usize);

/// A pattern's parts before the resource (split on the first five colons, each with where it
/// starts) and its resource part, if it has one. An error unless it starts with `arn:`, or
/// when a policy variable sits before the resource part.
fn split_arn(
    text: &str,
    variables: bool,
) -> Result<(Vec<Located<'_>>, Option<Located<'_>>), PatternError> {
    let error = PatternError::malformed;
    if text.is_empty() {
        return Err(error(0, "the resource is empty".into()));
    }
    let mut raw: Vec<(&str, usize)> = Vec::with_capacity(6);
    let mut offset = 0;
    for part in text.splitn(6, ':') {
        raw.push((part, offset));
        offset += part.len() + 1;
    }
    let resource_raw = if raw.len() == 6 { raw.pop() } else { None };
    match raw.first() {
        Some((first, _)) if first.eq_ignore_ascii_case("arn") && raw.len() > 1 => {}
        _ => {
            return Err(error(
                0,
                format!(
                    "`{text}` is neither `*` nor an ARN \
                     (arn:partition:service:region:account:resource)"
                ),
            ))
        }
    }
    if variables {
        for (part, at) in &raw {
            if let Some(i) = part.find("${") {
                return Err(PatternError::policy_variable(
                    at + i,
                    "policy variables are only allowed in the resource part of an ARN \
                     (after the fifth colon)"
                        .into(),
                ));
            }
        }
    }
    Ok((raw, resource_raw))
}

/// The SERVICE part: no wildcard except one final `*` (2.7, 2.8).
fn service_part(
    parts: &[Part],
    raw: &[(&str, usize)],
) -> Result<Option<ServicePart>, PatternError> {
    let Some(p) = parts.get(2) else {
        return Ok(None);
    };
    let error = PatternError::malformed;
    if p.pieces.is_empty() {
        return Err(error(
            p.offset,
            "the service part of the ARN is empty".into(),
        ));
    }
    let n = p.pieces.len();
    let bad = p.pieces.iter().enumerate().any(|(i, piece)| match piece {
        Piece::AnyOne => true,
        Piece::AnyRun => i + 1 < n,
        _ => false,
    });
    if bad {
        return Err(error(
            p.offset,
            format!(
                "the service part `{}` of the ARN cannot hold wildcards (2.7)",
                raw.get(2).map_or("", |r| r.0)
            ),
        ));
    }
    Ok(Some(match p.pieces.as_slice() {
        [Piece::Literal(lit)] => ServicePart::Literal(lit.as_str().into()),
        pieces => ServicePart::Glob(Glob::new(pieces, false), Glob::new(pieces, true)),
    }))
}

/// The RESOURCE part: absent, static (wildcards only) or a template with variables.
fn tail_of(resource_raw: Option<(&str, usize)>, variables: bool) -> Result<Tail, PatternError> {
    Ok(match resource_raw {
        None => Tail::Absent,
        // Without `${` the template reader finds only wildcards: skip its pieces.
        Some((resource, _)) if !resource.contains("${") => {
            Tail::Static(Glob::from_text(resource, false))
        }
        Some((resource, at)) => {
            let mode = TemplateMode {
                variables,
                wildcards: true,
            };
            // Every error of the template reader is about a `${...}`.
            let template = Template::parse(resource, mode)
                .map_err(|e| PatternError::policy_variable(at + e.offset, e.message))?;
            if template.has_variables() {
                Tail::Template(template)
            } else {
                Tail::Static(Glob::new(template.pieces(), false))
            }
        }
    })
}

/// The readings of the head (2.8's dual reading of a mid-segment `*`; a short pattern as a
/// whole string, and without a final `*` also with its missing parts read as `*`).
/// `text_len` places the stand-in `*` part.
fn readings_of(
    parts: &[Part],
    short: bool,
    mid_star: bool,
    text_len: usize,
) -> Result<Vec<Reading>, PatternError> {
    let short_plain = short && !parts.last().is_some_and(Part::ends_with_star);
    let all: Vec<&Part> = parts.iter().collect();
    let star_part = Part {
        pieces: vec![Piece::AnyRun],
        offset: text_len,
    };
    let crossings: &[bool] = if mid_star { &[false, true] } else { &[false] };
    let mut readings = Vec::new();
    for &crossing in crossings {
        if !short {
            readings.push(Reading {
                head: build_head(&all, crossing, true, 0)?,
                end: End::Resource,
                plain_exact: false,
            });
            continue;
        }
        // (a) literal whole-string, or the only reading of a short pattern ending in `*`.
        readings.push(Reading {
            head: build_head(&all, crossing, false, 0)?,
            end: End::Whole,
            plain_exact: false,
        });
        if short_plain {
            // (a) missing parts read as `*`.
            let mut expanded = all.clone();
            while expanded.len() < 5 {
                expanded.push(&star_part);
            }
            readings.push(Reading {
                head: build_head(&expanded, crossing, true, 0)?,
                end: End::Any,
                plain_exact: false,
            });
        }
    }
    Ok(readings)
}

fn parse_part(text: &str, offset: usize) -> Part {
    // `*` and `?` are the only special characters before the RESOURCE part (variables there
    // are refused); `**` is `*`, which keeps "the last character of the part" meaningful.
    let mut pieces: Vec<Piece> = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c != '*' && c != '?' {
            continue;
        }
        if let Some(lit) = text.get(start..i).filter(|l| !l.is_empty()) {
            pieces.push(Piece::Literal(lit.to_string()));
        }
        if c == '?' {
            pieces.push(Piece::AnyOne);
        } else if pieces.last() != Some(&Piece::AnyRun) {
            pieces.push(Piece::AnyRun);
        }
        start = i + 1;
    }
    if let Some(lit) = text.get(start..).filter(|l| !l.is_empty()) {
        pieces.push(Piece::Literal(lit.to_string()));
    }
    Part { pieces, offset }
}

/// Pieces of the whole pattern before the RESOURCE part: the parts joined by colons, with a
/// colon after the last when the pattern has a RESOURCE part.
fn head_pieces_of(parts: &[Part], short: bool) -> Vec<Piece> {
    let mut head_pieces: Vec<Piece> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            head_pieces.push(Piece::Literal(":".into()));
        }
        head_pieces.extend(part.pieces.iter().cloned());
    }
    if !short {
        head_pieces.push(Piece::Literal(":".into()));
    }
    head_pieces
}

/// Builds the head of one reading: `parts` joined by colons, with a colon after the last part
/// when something follows it.
fn build_head(
    parts: &[&Part],
    crossing: bool,
    trailing_colon: bool,
    offset: usize,
) -> Result<Head, PatternError> {
    let mut toks: Vec<HTok> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let n = part.pieces.len();
        for (j, piece) in part.pieces.iter().enumerate() {
            match piece {
                Piece::Literal(s) => toks.extend(s.chars().map(HTok::Char)),
                Piece::AnyOne => toks.push(HTok::One),
                Piece::AnyRun => toks.push(HTok::Star {
                    crosses: crossing || j + 1 == n,
                }),
                // Rejected before we get here; a variable in the head matches nothing.
                Piece::Variable(_) => toks.push(HTok::Char('\u{0}')),
            }
        }
        if i + 1 < parts.len() || trailing_colon {
            toks.push(HTok::Char(':'));
        }
    }
    if toks.iter().all(|t| matches!(t, HTok::Char(_))) {
        let text = toks
            .iter()
            .filter_map(|t| match t {
                HTok::Char(c) => Some(*c),
                _ => None,
            })
            .collect();
        return Ok(Head::Literal(text));
    }
    if toks.len() > MAX_NFA_STATES {
        return Err(PatternError::malformed(
            offset,
            format!(
                "the part of this ARN before the resource is too long to match with wildcards \
                 (more than {MAX_NFA_STATES} characters)"
            ),
        ));
    }
    let stars = toks
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t, HTok::Star { .. }))
        .map(|(i, _)| i as u32)
        .collect();
    let lead = toks
        .iter()
        .map_while(|t| match t {
            HTok::Char(c) => Some(*c),
            _ => None,
        })
        .collect();
    Ok(Head::Nfa(Nfa { toks, lead, stars }))
}

fn head_eq(request: &str, head: &str, ci: bool) -> bool {
    if ci {
        request.eq_ignore_ascii_case(head)
    } else {
        request == head
    }
}

impl ResourceMatcher {
    /// `variables`: whether `${...}` is a policy variable (only in 2012-10-17 policies).
    pub fn compile(text: &str, variables: bool) -> Result<ResourceMatcher, PatternError> {
        if text == "*" {
            return Ok(ResourceMatcher { kind: Kind::All });
        }
        let (raw, resource_raw) = split_arn(text, variables)?;
        let parts: Vec<Part> = raw.iter().map(|(t, at)| parse_part(t, *at)).collect();
        let service = service_part(&parts, &raw)?;
        let tail = tail_of(resource_raw, variables)?;
        let short = tail == Tail::Absent;
        // The `arn` part cannot hold wildcards (it must equal `arn`), so it is never mid-star.
        let mid_star = parts.iter().any(Part::has_mid_star);
        let mut readings = readings_of(&parts, short, mid_star, text.len())?;

        // Only a pattern with variables needs the head's pieces (for requests that are not
        // ARNs); the others have `plain`.
        let head_pieces = if matches!(tail, Tail::Template(_)) {
            head_pieces_of(&parts, short)
        } else {
            Vec::new()
        };
        // The whole pattern read with wildcards only (`**` is `*`, `${` literal): what
        // `head_pieces` and the RESOURCE part's pieces make, built from the text directly.
        let plain = match &tail {
            Tail::Absent | Tail::Static(_) => Some(Glob::from_text(text, false)),
            Tail::Template(_) => None,
        };

        if plain.is_some() {
            for r in &mut readings {
                r.plain_exact = r.end != End::Any
                    && match &r.head {
                        Head::Literal(_) => false,
                        Head::Nfa(n) => n
                            .toks
                            .iter()
                            .all(|t| matches!(t, HTok::Char(_) | HTok::Star { crosses: true })),
                    };
            }
        }
        let universal_after_service = parts.iter().skip(3).all(Part::is_stars_or_empty)
            && match &tail {
                Tail::Absent => true,
                Tail::Static(g) => g.matches_everything(),
                Tail::Template(_) => false,
            };
        // Partition, service, region, account (and a short pattern's last part): a final `*`
        // there may swallow colons.
        let relies_on_crossing = mid_star || parts.iter().skip(1).any(Part::ends_with_star);

        Ok(ResourceMatcher {
            kind: Kind::Arn(Box::new(ArnPattern {
                service,
                tail,
                readings,
                head_pieces,
                plain,
                universal_after_service,
                relies_on_crossing,
            })),
        })
    }

    /// `kind` tells how a missing policy variable reads (2.23).
    pub fn matches(
        &self,
        request: RequestResource<'_>,
        ctx: &dyn ContextLookup,
        kind: ResourceKind,
    ) -> Truth {
        match request {
            RequestResource::Arn(text) => {
                self.matches_parsed(text, parse_arn(text).ok().as_ref(), ctx, kind)
            }
            RequestResource::Wildcard { .. } => self.matches_inner(request, None, ctx, kind),
        }
    }

    /// [`ResourceMatcher::matches`] for an ARN request already split: `arn` is
    /// `parse_arn(text).ok()`. The engine splits a request's ARN once and matches it against
    /// every statement.
    pub fn matches_parsed(
        &self,
        text: &str,
        arn: Option<&Arn<'_>>,
        ctx: &dyn ContextLookup,
        kind: ResourceKind,
    ) -> Truth {
        self.matches_inner(RequestResource::Arn(text), Some(arn), ctx, kind)
    }

    /// `parsed`: for an ARN request, its split form (`Some(None)`: not an ARN).
    fn matches_inner(
        &self,
        request: RequestResource<'_>,
        parsed: Option<Option<&Arn<'_>>>,
        ctx: &dyn ContextLookup,
        kind: ResourceKind,
    ) -> Truth {
        let pattern = match &self.kind {
            Kind::All => return Truth::True,
            Kind::Arn(p) => p,
        };
        // Substitute variables first: an unresolved one decides the entry whatever the request
        // (2.23); only patterns with variables allocate here.
        let rendered: Option<(Vec<Piece>, Glob)> = match &pattern.tail {
            Tail::Template(t) => match t.render(ctx) {
                Rendered::Complete(pieces) => {
                    let glob = Glob::new(&pieces, false);
                    Some((pieces, glob))
                }
                Rendered::Missing(_) | Rendered::MultiValued(_) => {
                    return match kind {
                        ResourceKind::Resource => Truth::False,
                        ResourceKind::NotResource => Truth::Unknown,
                    };
                }
            },
            _ => None,
        };
        let tail: Option<&Glob> = match &pattern.tail {
            Tail::Absent => None,
            Tail::Static(g) => Some(g),
            Tail::Template(_) => rendered.as_ref().map(|(_, g)| g),
        };
        match request {
            RequestResource::Wildcard { service } => {
                // 9.4: only `*` is certain; a pattern covering every ARN of the service may or
                // may not count; anything narrower never does.
                let service_ok = match &pattern.service {
                    None => true,
                    Some(part) => part.matches(service).1,
                };
                if service_ok && pattern.universal_after_service {
                    Truth::Unknown
                } else {
                    Truth::False
                }
            }
            RequestResource::Arn(text) => match parsed.flatten() {
                Some(arn) => pattern.match_arn(text, arn, tail),
                // Not an ARN: the whole pattern as one case-sensitive glob.
                None => Truth::from_bool(match (&pattern.plain, &rendered) {
                    (Some(plain), _) => plain.matches(text),
                    (None, Some((pieces, _))) => {
                        let mut all = pattern.head_pieces.clone();
                        all.extend(pieces.iter().cloned());
                        Glob::new(&all, false).matches(text)
                    }
                    (None, None) => false,
                }),
            },
        }
    }

    /// `*` alone.
    pub fn matches_all(&self) -> bool {
        self.kind == Kind::All
    }

    /// Whether the pattern has a `*` before its RESOURCE part that may swallow a segment colon:
    /// a mid-segment `*` (2.8 reading b) or a segment-final one (`arn:aws:ec2:*`). For the lint
    /// warning of 2.8.
    pub fn relies_on_segment_crossing(&self) -> bool {
        match &self.kind {
            Kind::All => false,
            Kind::Arn(p) => p.relies_on_crossing,
        }
    }

    /// Whether the pattern is read more than one way (2.8 readings a and b).
    pub fn is_ambiguous(&self) -> bool {
        match &self.kind {
            Kind::All => false,
            Kind::Arn(p) => p.readings.len() > 1,
        }
    }
}

impl ArnPattern {
    fn match_arn(&self, text: &str, arn: &Arn<'_>, tail: Option<&Glob>) -> Truth {
        let mut all_exact = true;
        let mut any_folded = false;
        for r in &self.readings {
            let (exact, folded) = self.reading(r, text, arn, tail);
            all_exact &= exact;
            any_folded |= folded;
        }
        if all_exact {
            Truth::True
        } else if any_folded {
            Truth::Unknown
        } else {
            Truth::False
        }
    }

    /// Does one reading match, (case-sensitively, with the head case-folded)? The first is an
    /// `Allow`'s view, the second a `Deny`'s (2.6). The folded match is computed only when the
    /// exact one fails and folding could change the answer.
    fn reading(&self, r: &Reading, text: &str, arn: &Arn<'_>, tail: Option<&Glob>) -> (bool, bool) {
        let (service_exact, service_folded) = match &self.service {
            None => (true, true),
            Some(part) => part.matches(arn.service),
        };
        if !service_folded {
            return (false, false);
        }
        let end = match (r.end, tail) {
            (End::Resource, Some(g)) => EndRef::Glob(g),
            (End::Resource, None) => return (false, false),
            (End::Whole, _) => EndRef::Whole,
            (End::Any, _) => EndRef::Any,
        };
        match &r.head {
            Head::Literal(head) => {
                let Some(start) = text.get(..head.len()) else {
                    return (false, false);
                };
                let head_exact = start == head;
                if !head_exact && !start.eq_ignore_ascii_case(head) {
                    return (false, false);
                }
                // The RESOURCE part is case-sensitive under both views: decide it once.
                let rest = end.decide(text, head.len()).unwrap_or(false);
                (rest && head_exact && service_exact, rest)
            }
            Head::Nfa(nfa) => {
                let exact = service_exact
                    && match (&self.plain, r.plain_exact) {
                        (Some(plain), true) => plain.matches(text),
                        _ => run_nfa(nfa, text, end, false),
                    };
                (exact, exact || run_nfa(nfa, text, end, true))
            }
        }
    }
}

fn run_nfa(nfa: &Nfa, text: &str, end: EndRef<'_>, ci: bool) -> bool {
    let Some(start) = text.get(..nfa.lead.len()) else {
        return false;
    };
    if !head_eq(start, &nfa.lead, ci) {
        return false;
    }
    let Some(rest) = text.get(nfa.lead.len()..) else {
        return false;
    };
    let accept = nfa.accept();
    let mut set = nfa.closure(1u128 << nfa.lead.chars().count());
    for (i, c) in rest.char_indices() {
        // The earliest end of the head that the rest accepts decides (see EndRef).
        if set & accept != 0 {
            if let Some(result) = end.decide(text, nfa.lead.len() + i) {
                return result;
            }
        }
        set = nfa.step(set, c, ci);
        if set == 0 {
            return false;
        }
    }
    set & accept != 0 && end.decide(text, text.len()).unwrap_or(false)
}

/// How the request continues after a head match ends at byte `q`.
#[derive(Clone, Copy)]
enum EndRef<'g> {
    Whole,
    Any,
    Glob(&'g Glob),
}

impl EndRef<'_> {
    /// `Some(answer)` when a head ending at `q` settles the match, `None` to try a later end.
    ///
    /// For a RESOURCE glob with a `*`, the rest of the glob after its anchored prefix only gets
    /// easier to match the earlier it starts, so the first head end where the prefix fits is the
    /// best one: its answer is final. This keeps the scan linear.
    fn decide(self, text: &str, q: usize) -> Option<bool> {
        match self {
            EndRef::Whole => (q == text.len()).then_some(true),
            EndRef::Any => Some(true),
            EndRef::Glob(g) => {
                let rest = text.get(q..)?;
                if g.has_star() {
                    g.prefix_matches(rest).then(|| g.matches(rest))
                } else {
                    g.matches(rest).then_some(true)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;

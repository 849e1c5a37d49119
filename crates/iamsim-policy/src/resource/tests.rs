//! Tests of resource matching: each case against a slow, obviously correct reference, and
//! the rules' tables.

use super::*;
use crate::context::{Context, ContextValue};
use ResourceKind::{NotResource, Resource};
use Truth::{False, True, Unknown};

fn m(pattern: &str) -> ResourceMatcher {
    ResourceMatcher::compile(pattern, true).unwrap()
}

fn arn(pattern: &str, request: &str) -> Truth {
    let got = m(pattern).matches(RequestResource::Arn(request), &Context::new(), Resource);
    if parse_arn(request).is_ok() {
        assert_eq!(
            got,
            reference_truth(pattern, request, &Context::new()),
            "reference disagrees: {pattern} vs {request}"
        );
    }
    got
}

// ---- slow, obviously correct reference for ARN requests ----

#[derive(Clone, Copy, Debug)]
enum RTok {
    Char(char, bool),
    One { colon: bool },
    Star { colon: bool },
}

fn rmatch(p: &[RTok], s: &[char]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((RTok::Char(c, fold), rest)) => s.first().is_some_and(|d| {
            (d == c || (*fold && c.eq_ignore_ascii_case(d))) && rmatch(rest, &s[1..])
        }),
        Some((RTok::One { colon }, rest)) => s
            .first()
            .is_some_and(|d| (*colon || *d != ':') && rmatch(rest, &s[1..])),
        Some((RTok::Star { colon }, rest)) => {
            for i in 0..=s.len() {
                if rmatch(rest, &s[i..]) {
                    return true;
                }
                if i < s.len() && !*colon && s[i] == ':' {
                    break;
                }
            }
            false
        }
    }
}

/// Recomputes the readings' answer with the recursive matcher, taking the RESOURCE part
/// straight from the pattern text.
fn reference_truth(pattern: &str, request: &str, ctx: &Context) -> Truth {
    reference_truth_with(&m(pattern), pattern, request, ctx)
}

fn reference_truth_with(
    matcher: &ResourceMatcher,
    pattern: &str,
    request: &str,
    ctx: &Context,
) -> Truth {
    let Kind::Arn(p) = &matcher.kind else {
        return True;
    };
    let req = parse_arn(request).unwrap();
    let chars: Vec<char> = request.chars().collect();
    let tail_pieces: Option<Vec<Piece>> = pattern.splitn(6, ':').nth(5).map(|res| {
        let t = Template::parse(
            res,
            TemplateMode {
                variables: true,
                wildcards: true,
            },
        )
        .unwrap();
        match t.render(ctx) {
            Rendered::Complete(p) => p,
            _ => panic!("reference does not do missing variables"),
        }
    });
    let service: Option<String> = pattern.split(':').nth(2).map(str::to_string);
    let one = |r: &Reading, fold: bool| -> bool {
        if let Some(svc) = &service {
            let sp: Vec<RTok> = svc
                .chars()
                .map(|c| {
                    if c == '*' {
                        RTok::Star { colon: true }
                    } else {
                        RTok::Char(c, fold)
                    }
                })
                .collect();
            let sc: Vec<char> = req.service.chars().collect();
            if !rmatch(&sp, &sc) {
                return false;
            }
        }
        let mut toks: Vec<RTok> = match &r.head {
            Head::Literal(h) => h.chars().map(|c| RTok::Char(c, fold)).collect(),
            Head::Nfa(n) => n
                .toks
                .iter()
                .map(|t| match *t {
                    HTok::Char(c) => RTok::Char(c, fold),
                    HTok::One => RTok::One { colon: false },
                    HTok::Star { crosses } => RTok::Star { colon: crosses },
                })
                .collect(),
        };
        match r.end {
            End::Whole => {}
            End::Any => toks.push(RTok::Star { colon: true }),
            End::Resource => {
                for piece in tail_pieces.as_ref().unwrap() {
                    match piece {
                        Piece::Literal(l) => toks.extend(l.chars().map(|c| RTok::Char(c, false))),
                        Piece::AnyOne => toks.push(RTok::One { colon: true }),
                        Piece::AnyRun => toks.push(RTok::Star { colon: true }),
                        Piece::Variable(_) => unreachable!(),
                    }
                }
            }
        }
        rmatch(&toks, &chars)
    };
    if p.readings.iter().all(|r| one(r, false)) {
        True
    } else if p.readings.iter().any(|r| one(r, true)) {
        Unknown
    } else {
        False
    }
}

// ---- tables ----

/// Rules 2.6 to 2.8 and the worked examples, one case a line: `pattern | request ARN |
/// expected | rule`; `#` starts a comment line.
const TABLE_2_6_TO_2_8: &str = r#"
* | arn:aws:s3:::acme-data/q1.csv | True | 2.7 `*` alone
* | not-an-arn | True | 2.7 `*` alone
# 2.6 case
arn:aws:s3:::acme-data/* | arn:aws:s3:::acme-data/q1.csv | True | W1
arn:aws:S3:::acme-data/* | arn:aws:s3:::acme-data/q1.csv | Unknown | 2.6 head case
arn:AWS:s3:::acme-data/* | arn:aws:s3:::acme-data/q1.csv | Unknown | 2.6 head case
ARN:aws:s3:::acme-data/* | arn:aws:s3:::acme-data/q1.csv | Unknown | 2.6 head case
arn:aws:s3:::Acme-Data/* | arn:aws:s3:::acme-data/q1.csv | False | W12
arn:aws:iam::111111111111:user/Alice | arn:aws:iam::111111111111:user/alice | False | 2.6
arn:aws:ec2:US-EAST-1:*:instance/* | arn:aws:ec2:us-east-1:1:instance/i | Unknown | 2.6
# 2.7 wildcards, `*` crosses `/` and `:` inside RESOURCE
arn:aws:s3:::bkt/*/test/* | arn:aws:s3:::bkt/1/2/test/3/x.jpg | True | 2.7
arn:aws:s3:::bkt/*/test/* | arn:aws:s3:::bkt//test/x | True | 2.7
arn:aws:s3:::bkt/*/test/* | arn:aws:s3:::bkt/test/x | False | 2.7
arn:aws:logs:us-east-1:1:log-group:* | arn:aws:logs:us-east-1:1:log-group:g:log-stream:s | True | 2.7
arn:aws:s3:::bkt/? | arn:aws:s3:::bkt/: | True | 2.7 `?` in RESOURCE
arn:aws:ec2:us-east-?:1:instance/i | arn:aws:ec2:us-east-2:1:instance/i | True | 2.7
arn:aws:ec2:us-east-?:1:instance/i | arn:aws:ec2:us-east-12:1:instance/i | False | 2.7
arn:aws:s3:::*log* | arn:aws:s3:::acme-logs/x.txt | True | W2
arn:aws:s3:::acme-data* | arn:aws:s3:::acme-data | True | W8
arn:aws:s3:::acme-data* | arn:aws:s3:::acme-data/q1.csv | True | W8
arn:aws:s3:::acme-data* | arn:aws:s3:::acme-data-archive/old.csv | True | W8
arn:aws:s3:::acme-data | arn:aws:s3:::acme-data/q1.csv | False | W9
arn:aws:s3:::acme-data/* | arn:aws:s3:::acme-data | False | W10
arn:aws:s3:::bkt | arn:aws:s3:::bkt | True | 7.2
arn:aws:s3:::* | arn:aws:s3:::bkt/k | True | 7.2
arn:aws:iam::111111111111:role/Test* | arn:aws:iam::111111111111:role/team/TestRole | False | W35
arn:aws:iam::111111111111:role/*Test* | arn:aws:iam::111111111111:role/team/TestRole | True | W35
arn:aws:iam::111111111111:role/team/* | arn:aws:iam::111111111111:role/team/TestRole | True | W35
# 5.6 partitions
arn:aws:s3:::x | arn:aws-cn:s3:::x | False | 5.6
arn:aws-us-gov:s3:::* | arn:aws:s3:::x | False | 5.6
# 2.8 segment-final `*` crosses colons
arn:aws:ec2:* | arn:aws:ec2:us-east-1:1:instance/i-1 | True | 2.8
arn:aws:ec2:* | arn:aws:s3:::bkt | False | 2.8 other service
arn:aws:iam::* | arn:aws:iam::111111111111:role/team/TestRole | True | 2.8
arn:aws:iam::* | arn:aws:sts::111111111111:assumed-role/R/s | False | 2.8
arn:aws:sqs:us-east-1:* | arn:aws:sqs:us-east-1:1:q | True | 2.8
arn:aws:sqs:us-east-1:* | arn:aws:sqs:us-west-2:1:q | False | 2.8
arn:* | arn:aws:s3:::x | True | 2.8
arn:aws:* | arn:aws:ec2:r:1:i | True | 2.8
arn:aws:ec2:*:*:instance/* | arn:aws:ec2:us-east-1:1:instance/i-1 | True | 2.8
arn:aws:ec2:*:*:instance/* | arn:aws:ec2:us-east-1:1:volume/v-1 | False | 2.8
arn:aws:ec2:*:1:instance/* | arn:aws:ec2:us:2:1:instance/x | True | 2.8 region `*` crosses
arn:aws:s3*:::x | arn:aws:s3:::x | True | 2.8 service-final `*`
arn:aws:s3*:::x | arn:aws:s3express:::x | True | 2.8 service-final `*`
arn:*:s3:::x | arn:aws:ec2:r:a:s3:::x | False | 2.8 never another service
# 2.8 (a) short patterns without a final `*`
arn:aws:sqs:us-east-1 | arn:aws:sqs:us-east-1:1:q | Unknown | 2.8a
arn:aws:sqs:us-east-1 | arn:aws:sqs:us-west-2:1:q | False | 2.8a
arn:aws:sqs:us-east-1:111111111111 | arn:aws:sqs:us-east-1:111111111111:q | Unknown | 2.8a
arn:aws:sqs:us-east-1:111111111111 | arn:aws:sqs:us-east-1:222222222222:q | False | 2.8a
arn:aws:sqs | arn:aws:sqs:r:1:q | Unknown | 2.8a
arn:aws:sqs | arn:aws:sns:r:1:q | False | 2.8a
# 2.8 (b) mid-segment `*` confined vs crossing
arn:aws:ec2:us-*-1:1:instance/x | arn:aws:ec2:us-east-1:1:instance/x | True | 2.8b
arn:aws:ec2:us-*-1:1:instance/x | arn:aws:ec2:us-x:y-1:1:instance/x | Unknown | 2.8b
arn:aws:ec2:us-*-1:1:instance/x | arn:aws:ec2:eu-west-1:1:instance/x | False | 2.8b
arn:aws:ec2:*:1*2:instance/x | arn:aws:ec2:r:1:2:instance/x | Unknown | 2.8b
arn:aws:ec2:*:1*2:instance/x | arn:aws:ec2:r:102:instance/x | True | 2.8b
"#;

#[test]
fn table_rules_2_6_to_2_8_and_worked_examples() {
    let mut cases = 0;
    for line in TABLE_2_6_TO_2_8.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let [pattern, request, expected, rule] = line
            .split(" | ")
            .collect::<Vec<_>>()
            .try_into()
            .unwrap_or_else(|_| panic!("not four columns: {line}"));
        let expected = match expected {
            "True" => True,
            "False" => False,
            "Unknown" => Unknown,
            other => panic!("{other} is not True, False or Unknown: {line}"),
        };
        assert_eq!(
            arn(pattern, request),
            expected,
            "{rule}: {pattern} vs {request}"
        );
        cases += 1;
    }
    assert_eq!(cases, 54);
}

#[test]
fn rule_2_10_9_4_wildcard_requests_w43() {
    let ctx = Context::new();
    let wild = |p: &str, service: &str| {
        m(p).matches(RequestResource::Wildcard { service }, &ctx, Resource)
    };
    assert_eq!(wild("*", "s3"), True, "W43(a)");
    assert_eq!(wild("arn:aws:s3:::*", "s3"), Unknown, "W43(b)");
    assert_eq!(wild("arn:aws:s3:::acme-data", "s3"), False, "W43(c)");
    for p in [
        "arn:aws:s3:*",
        "arn:aws:*",
        "arn:*",
        "arn:aws:s3:*:*:*",
        "arn:aws:S3:::*",
    ] {
        assert_eq!(wild(p, "s3"), Unknown, "9.4 {p}");
    }
    assert_eq!(wild("arn:aws:s3:::*", "sts"), False, "9.4 other service");
    assert_eq!(wild("arn:aws:iam::*", "iam"), Unknown, "9.4");
    assert_eq!(
        wild("arn:aws:iam::111111111111:*", "iam"),
        False,
        "9.4 narrower"
    );
    assert_eq!(wild("arn:aws:s3:::*/*", "s3"), False, "9.4 objects only");
    assert_eq!(wild("arn:aws:s3:::${aws:username}", "s3"), False, "9.4");
}

#[test]
fn rules_2_21_to_2_24_variables() {
    let p = "arn:aws:s3:::acme-data/home/${aws:username}/*";
    let mut alice = Context::new();
    alice.set("aws:username", "alice");
    let req = RequestResource::Arn("arn:aws:s3:::acme-data/home/alice/a.txt");
    assert_eq!(
        m(p).matches(req, &alice, Resource),
        True,
        "W38 with Version"
    );
    assert_eq!(
        reference_truth(p, "arn:aws:s3:::acme-data/home/alice/a.txt", &alice),
        True
    );
    let bob_req = RequestResource::Arn("arn:aws:s3:::acme-data/home/bob/a.txt");
    assert_eq!(m(p).matches(bob_req, &alice, Resource), False);
    // W38 without Version: the text is literal.
    let literal = ResourceMatcher::compile(p, false).unwrap();
    assert_eq!(literal.matches(req, &alice, Resource), False, "W38");
    assert_eq!(
        literal.matches(
            RequestResource::Arn("arn:aws:s3:::acme-data/home/${aws:username}/a"),
            &alice,
            Resource
        ),
        True,
        "1.7"
    );
    // W39 / 2.23 missing variable.
    let none = Context::new();
    assert_eq!(m(p).matches(req, &none, Resource), False, "W39");
    assert_eq!(m(p).matches(req, &none, NotResource), Unknown, "2.23");
    assert_eq!(
        m(p).matches(
            RequestResource::Wildcard { service: "s3" },
            &none,
            NotResource
        ),
        Unknown,
        "2.23 whatever the request"
    );
    // 2.20 multivalued keys cannot be substituted.
    let mut multi = Context::new();
    multi.insert("aws:username", ContextValue::Multi(vec!["alice".into()]));
    assert_eq!(m(p).matches(req, &multi, Resource), False, "2.20");
    assert_eq!(m(p).matches(req, &multi, NotResource), Unknown, "2.20");
    // 2.22 substituted values are literal; defaults.
    let mut star = Context::new();
    star.set("aws:username", "*");
    assert_eq!(m(p).matches(req, &star, Resource), False, "2.22");
    assert_eq!(
        m(p).matches(
            RequestResource::Arn("arn:aws:s3:::acme-data/home/*/a"),
            &star,
            Resource
        ),
        True,
        "2.22"
    );
    let d = m("arn:aws:s3:::bkt/${aws:PrincipalTag/team, 'shared'}/*");
    assert_eq!(
        d.matches(
            RequestResource::Arn("arn:aws:s3:::bkt/shared/x"),
            &none,
            Resource
        ),
        True,
        "2.22 default"
    );
    // 2.24 special variables.
    let s = m("arn:aws:s3:::bkt/${*}${?}${$}");
    assert_eq!(
        s.matches(
            RequestResource::Arn("arn:aws:s3:::bkt/*?$"),
            &none,
            Resource
        ),
        True,
        "2.24"
    );
    assert_eq!(
        s.matches(
            RequestResource::Arn("arn:aws:s3:::bkt/ab$"),
            &none,
            Resource
        ),
        False,
        "2.24"
    );
    // 2.21 only in the RESOURCE part.
    let e = ResourceMatcher::compile("arn:aws:s3:${aws:region}::x", true).unwrap_err();
    assert_eq!(e.offset, 11);
    assert!(ResourceMatcher::compile("arn:aws:s3:${aws:region}::x", false).is_ok());
    let e = ResourceMatcher::compile("arn:aws:s3:::bkt/${aws:username", true).unwrap_err();
    assert_eq!(e.offset, 17);
}

/// A part's pieces are what the template reader (wildcards only) makes, `**` collapsed.
#[test]
fn parts_split_as_the_template_reader_does() {
    for text in [
        "", "aws", "*", "**", "a**b", "us-*-1", "?x?", "a*?*b**", "é*ü", "${x}*",
    ] {
        let t = Template::parse(text, WILDCARDS).unwrap();
        let mut want: Vec<Piece> = Vec::new();
        for p in t.pieces() {
            if *p == Piece::AnyRun && want.last() == Some(&Piece::AnyRun) {
                continue;
            }
            want.push(p.clone());
        }
        assert_eq!(parse_part(text, 0).pieces, want, "{text}");
    }
}

/// The globs built straight from the text are the ones the template pieces make.
#[test]
fn globs_from_text_equal_globs_from_pieces() {
    for pattern in [
        "arn:aws:s3:::bkt/*",
        "arn:aws:s3:::bkt/a**b?c",
        "arn:aws:iam::*:role/r?",
        "arn:aws:ec2:*",
        "arn:aws:ec2:us-*-1:1111:instance/*",
        "arn:aws:s3:::b/${*}/x",
        "arn:aws:s3:::b/$x{y}",
        "arn:aws*:s3:::b",
        "arn:aws:s3",
        "arn:aws:logs:us-east-1:1:log-group:g:*",
        "arn:aws:s3:::é/ü*",
    ] {
        for variables in [false, true] {
            let Ok(ResourceMatcher { kind: Kind::Arn(p) }) =
                ResourceMatcher::compile(pattern, variables)
            else {
                continue;
            };
            let raw: Vec<&str> = pattern.splitn(6, ':').collect();
            let resource = raw.get(5).copied();
            let head_parts: Vec<Part> = raw.iter().take(5).map(|t| parse_part(t, 0)).collect();
            let head = head_pieces_of(&head_parts, resource.is_none());
            if let (Some(plain), Some(resource)) = (&p.plain, resource) {
                let mut pieces = head.clone();
                pieces.extend(parse_part(resource, 0).pieces);
                assert_eq!(*plain, Glob::new(&pieces, false), "{pattern}");
            } else if let Some(plain) = &p.plain {
                assert_eq!(*plain, Glob::new(&head, false), "{pattern}");
            }
            if let (Tail::Static(g), Some(resource)) = (&p.tail, resource) {
                let mode = TemplateMode {
                    variables,
                    wildcards: true,
                };
                let t = Template::parse(resource, mode).unwrap();
                assert_eq!(*g, Glob::new(t.pieces(), false), "{pattern}");
            }
        }
    }
}

#[test]
fn compile_errors() {
    // (pattern, offset)
    let cases: &[(&str, usize)] = &[
        ("", 0),
        ("acme-data/*", 0),
        ("arn", 0),
        ("am:aws:s3:::x", 0),
        ("arn:aws:s?:::x", 8),
        ("arn:aws:*3:::x", 8),
        ("arn:aws:s*3*:::x", 8),
        ("arn:aws::::x", 8),
    ];
    for &(text, offset) in cases {
        let e = ResourceMatcher::compile(text, true).unwrap_err();
        assert_eq!(e.offset, offset, "{text}: {e:?}");
    }
    let long = format!("arn:aws:ec2:{}*:1:x", "r".repeat(200));
    assert!(ResourceMatcher::compile(&long, true).is_err());
    let long_literal = format!("arn:aws:ec2:{}:1:x", "r".repeat(200));
    assert!(ResourceMatcher::compile(&long_literal, true).is_ok());
}

#[test]
fn requests_that_are_not_arns_are_plain_globs() {
    let ctx = Context::new();
    let not = |p: &str, r: &str| m(p).matches(RequestResource::Arn(r), &ctx, Resource);
    assert_eq!(not("arn:aws:s3:::x", "garbage"), False);
    assert_eq!(not("arn:aws:s3:::*", "arn:aws:s3:::"), True);
    assert_eq!(not("arn:aws:s3:*", "arn:aws:s3"), False);
    let mut c = Context::new();
    c.set("aws:username", "u");
    let v = m("arn:aws:s3:::${aws:username}*");
    assert_eq!(
        v.matches(RequestResource::Arn("arn:aws:s3:::"), &c, Resource),
        False
    );
}

#[test]
fn crossing_and_ambiguity_flags() {
    // (pattern, relies_on_segment_crossing, is_ambiguous)
    let cases: &[(&str, bool, bool)] = &[
        ("*", false, false),
        ("arn:aws:s3:::bkt/*", false, false),
        ("arn:aws:s3:::*", false, false),
        ("arn:aws:ec2:*", true, false),
        ("arn:aws:iam::*", true, false),
        ("arn:aws:ec2:*:*:instance/*", true, false),
        ("arn:aws:ec2:us-*-1:1:x", true, true),
        ("arn:aws:sqs:us-east-1", false, true),
        ("arn:aws:s3*:::x", true, false),
    ];
    for &(p, crossing, ambiguous) in cases {
        let matcher = m(p);
        assert_eq!(matcher.relies_on_segment_crossing(), crossing, "{p}");
        assert_eq!(matcher.is_ambiguous(), ambiguous, "{p}");
    }
    assert!(m("*").matches_all());
}

/// Every combination of small part alphabets against small requests, compared with the
/// recursive reference; covers full and short patterns, both 2.8 readings, and case.
#[test]
fn generated_patterns_agree_with_reference() {
    let partitions = ["aws", "a*", "*", "AWS"];
    let services = ["s3", "s*", "*"];
    let regions = ["", "us", "u*", "*", "u*s", "?s"];
    let accounts = ["", "1", "*", "1*2"];
    let resources = ["x", "*", "x*", "*:*", "a/*/b", "?"];
    let mut patterns = Vec::new();
    for p in partitions {
        for s in services {
            for r in regions {
                for a in accounts {
                    patterns.push(format!("arn:{p}:{s}:{r}:{a}"));
                    for res in resources {
                        patterns.push(format!("arn:{p}:{s}:{r}:{a}:{res}"));
                    }
                }
                patterns.push(format!("arn:{p}:{s}:{r}"));
            }
            patterns.push(format!("arn:{p}:{s}"));
        }
        patterns.push(format!("arn:{p}"));
    }
    let mut requests = Vec::new();
    for p in ["aws", "a:w"] {
        for s in ["s3", "S3", "ec2"] {
            for r in ["", "us", "u:s", "usa"] {
                for a in ["", "12", "1:2"] {
                    for res in ["x", "x:y", "a//b"] {
                        requests.push(format!("arn:{p}:{s}:{r}:{a}:{res}"));
                    }
                }
            }
        }
    }
    let ctx = Context::new();
    let mut seen = [0usize; 3];
    for p in &patterns {
        let matcher = m(p);
        for r in &requests {
            let got = matcher.matches(RequestResource::Arn(r), &ctx, Resource);
            assert_eq!(
                got,
                reference_truth_with(&matcher, p, r, &ctx),
                "{p} vs {r}"
            );
            seen[got as usize] += 1;
        }
    }
    // All three answers occur.
    assert!(seen.iter().all(|&n| n > 100), "{seen:?}");
}

/// Linear scan: a head with crossing `*`s against a request with many colons.
#[test]
fn many_colons_complete() {
    let request = format!("arn:aws:ec2:r:a:{}", "x:".repeat(50_000));
    let ctx = Context::new();
    for p in [
        "arn:aws:ec2:*:*:y*x",
        "arn:*:ec2:*:*:*y",
        "arn:aws:ec2:u*s:*:x*z*y",
    ] {
        assert_eq!(
            m(p).matches(RequestResource::Arn(&request), &ctx, Resource),
            False,
            "{p}"
        );
    }
    assert_eq!(
        m("arn:aws:ec2:*:*:x*:").matches(RequestResource::Arn(&request), &ctx, Resource),
        True
    );
}

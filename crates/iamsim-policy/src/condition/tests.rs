//! Condition tests, one per rule of docs/rules.md section 3 (and 1.25, 2.20–2.23), plus the
//! condition parts of the worked examples of section 8. Each case evaluates one condition entry.

use super::*;
use crate::context::Context;
use crate::diagnostic::Code;
use crate::model::Spanned;
use crate::truth::Truth::{self, False, True, Unknown};

/// The request value of the key under test.
#[derive(Clone, Copy, Debug)]
enum Req<'a> {
    Missing,
    One(&'a str),
    Many(&'a [&'a str]),
}
use Req::{Many, Missing, One};

const KEY: &str = "test:Key";

fn condition(op: &str, key: &str, values: &[&str], variables: bool) -> Condition {
    let operator = ConditionOperator::parse(op).unwrap_or_else(|e| panic!("{op}: {e:?}"));
    Condition {
        operator: Spanned {
            value: operator,
            span: Span::default(),
        },
        key: Spanned {
            value: key.to_string(),
            span: Span::default(),
        },
        values: values
            .iter()
            .map(|v| {
                ConditionValue::new(&operator, v, Span::default(), variables)
                    .unwrap_or_else(|e| panic!("{op} {v:?}: {e:?}"))
            })
            .collect(),
    }
}

fn with(ctx: &Context, req: Req) -> Context {
    let mut ctx = ctx.clone();
    match req {
        Missing => ctx.remove(KEY),
        One(v) => ctx.set(KEY, v),
        Many(vs) => ctx.insert(
            KEY,
            ContextValue::Multi(vs.iter().map(|s| s.to_string()).collect()),
        ),
    }
    ctx
}

/// Runs `(operator, policy values, request value, expected)` rows against `KEY`.
fn check_with(base: &Context, rows: &[(&str, &[&str], Req, Truth)]) {
    for (op, values, req, want) in rows {
        let c = condition(op, KEY, values, true);
        let ctx = with(base, *req);
        assert_eq!(evaluate(&c, &ctx), *want, "{op} {values:?} against {req:?}");
    }
}

fn check(rows: &[(&str, &[&str], Req, Truth)]) {
    check_with(&Context::new(), rows);
}

fn ctx(pairs: &[(&str, &str)]) -> Context {
    let mut c = Context::new();
    for (k, v) in pairs {
        c.set(k, *v);
    }
    c
}

fn value_error(op: &str, text: &str, variables: bool) -> ValueError {
    let op = ConditionOperator::parse(op).unwrap();
    match parse_value(&op, text, variables) {
        Err(e) => e,
        Ok(v) => panic!("{} {text:?} was accepted as {v:?}", op.name()),
    }
}

const BASES: [&str; 26] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
];

const NEGATED: [&str; 8] = [
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "NumericNotEquals",
    "DateNotEquals",
    "NotIpAddress",
    "ArnNotEquals",
    "ArnNotLike",
];

/// A valid policy value for each base, for rules that do not depend on the value.
fn sample_value(base: &str) -> &'static str {
    match base {
        b if b.starts_with("String") => "x",
        b if b.starts_with("Numeric") => "5",
        b if b.starts_with("Date") => "2020-01-01T00:00:00Z",
        "Bool" => "true",
        "BinaryEquals" => "SGVsbG8=",
        "IpAddress" | "NotIpAddress" => "10.0.0.0/8",
        _ => "arn:aws:iam::111111111111:root",
    }
}

fn all_spellings() -> Vec<String> {
    let mut out = vec!["Null".to_string()];
    for prefix in ["", "ForAllValues:", "ForAnyValue:"] {
        for base in BASES {
            for suffix in ["", "IfExists"] {
                out.push(format!("{prefix}{base}{suffix}"));
            }
        }
    }
    out
}

// ---------------------------------------------------------------- 1.25 operator names

#[test]
fn rule_1_25_parse_accepts_every_documented_spelling() {
    let names = all_spellings();
    assert_eq!(names.len(), 26 * 2 * 3 + 1);
    for name in &names {
        let op = ConditionOperator::parse(name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(&op.name(), name);
        assert_eq!(op.to_string(), *name);
    }
    let generated: Vec<String> = ConditionOperator::all().map(|op| op.name()).collect();
    assert_eq!(generated.len(), names.len());
    for name in &generated {
        assert!(names.contains(name), "{name}");
    }
    let op = ConditionOperator::parse("ForAnyValue:StringLikeIfExists").unwrap();
    assert_eq!(
        op,
        ConditionOperator {
            base: OperatorBase::StringLike,
            if_exists: true,
            set: Some(SetOperator::ForAnyValue),
        }
    );
}

#[test]
fn rule_1_25_case_variants_are_rejected_with_the_right_suggestion() {
    for name in all_spellings() {
        let variants = [
            name.to_lowercase(),
            name.to_uppercase(),
            name.replace("IfExists", "Ifexists"),
            name.replace("ForAllValues", "forallvalues"),
        ];
        for variant in variants.iter().filter(|v| **v != name) {
            let err = ConditionOperator::parse(variant).unwrap_err();
            assert_eq!(err.suggestion.as_deref(), Some(name.as_str()), "{variant}");
            assert!(err.message.contains(variant.as_str()), "{}", err.message);
        }
    }
}

#[test]
fn rule_1_25_unknown_names_are_errors_with_did_you_mean() {
    let cases = [
        ("StringEqual", Some("StringEquals")),
        ("stringequals", Some("StringEquals")),
        ("ForAnyValues:StringLike", Some("ForAnyValue:StringLike")),
        (
            "ForAllValue:StringEquals",
            Some("ForAllValues:StringEquals"),
        ),
        ("IpAdress", Some("IpAddress")),
        ("StringEqualsIfExist", Some("StringEqualsIfExists")),
        ("NumericLessThanEqual", Some("NumericLessThanEquals")),
        ("Boolean", Some("Bool")),
        ("Foo", None),
        ("", None),
        ("SomethingCompletelyDifferent", None),
    ];
    for (name, want) in cases {
        let err = ConditionOperator::parse(name).unwrap_err();
        assert_eq!(err.suggestion.as_deref(), want, "{name}");
        assert!(
            err.message.contains("unknown condition operator"),
            "{}",
            err.message
        );
    }
}

#[test]
fn rule_3_5_null_takes_neither_if_exists_nor_a_set_prefix() {
    for name in [
        "NullIfExists",
        "ForAllValues:Null",
        "ForAnyValue:NullIfExists",
    ] {
        let err = ConditionOperator::parse(name).unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("Null"), "{name}");
    }
    assert!(ConditionOperator::parse("Null").is_ok());
}

#[test]
fn rule_3_2_the_negated_operators_are_exactly_the_documented_eight() {
    for base in OperatorBase::ALL {
        assert_eq!(
            base.is_negated(),
            NEGATED.contains(&base.name()),
            "{}",
            base.name()
        );
    }
}

// ---------------------------------------------------------------- 3.A general rules

#[test]
fn rule_3_2_positive_operators_or_over_policy_values() {
    check(&[
        ("StringEquals", &["a", "b"], One("b"), True),
        ("StringEquals", &["a", "b"], One("c"), False),
        ("NumericLessThan", &["1", "10"], One("5"), True),
        (
            "IpAddress",
            &["10.0.0.0/8", "192.168.0.0/16"],
            One("192.168.1.1"),
            True,
        ),
        (
            "DateEquals",
            &["2020-01-01T00:00:00Z", "1577836801"],
            One("2020-01-01T00:00:01Z"),
            True,
        ),
        ("Bool", &["false", "true"], One("true"), True),
    ]);
}

#[test]
fn rule_3_2_negated_operators_are_true_only_when_no_policy_value_matches() {
    check(&[
        ("StringNotEquals", &["a", "b"], One("b"), False),
        ("StringNotEquals", &["a", "b"], One("c"), True),
        ("StringNotEqualsIgnoreCase", &["a", "b"], One("B"), False),
        ("NumericNotEquals", &["1", "2"], One("2"), False),
        ("NumericNotEquals", &["1", "2"], One("3"), True),
        (
            "DateNotEquals",
            &["1577836800", "1577836801"],
            One("1577836801"),
            False,
        ),
        (
            "NotIpAddress",
            &["10.0.0.0/8", "192.168.0.0/16"],
            One("192.168.1.1"),
            False,
        ),
        (
            "NotIpAddress",
            &["10.0.0.0/8", "192.168.0.0/16"],
            One("8.8.8.8"),
            True,
        ),
    ]);
}

#[test]
fn rule_3_3_missing_key_positive_operator_is_false() {
    for base in BASES.iter().filter(|b| !NEGATED.contains(b)) {
        check(&[(base, &[sample_value(base)], Missing, False)]);
    }
}

#[test]
fn rule_3_3_missing_key_negated_operator_is_true() {
    for base in NEGATED {
        check(&[(base, &[sample_value(base)], Missing, True)]);
    }
}

#[test]
fn rule_3_4_if_exists_missing_key_is_true_else_the_base_operator() {
    for base in BASES {
        let op = format!("{base}IfExists");
        check(&[(&op, &[sample_value(base)], Missing, True)]);
    }
    check(&[
        ("StringEqualsIfExists", &["vpce-1"], One("vpce-1"), True),
        ("StringEqualsIfExists", &["vpce-1"], One("vpce-2"), False),
        ("StringNotEqualsIfExists", &["vpce-1"], One("vpce-1"), False),
        ("NumericLessThanIfExists", &["5"], One("7"), False),
        ("BoolIfExists", &["false"], One("false"), True),
        ("IpAddressIfExists", &["10.0.0.0/8"], One("11.0.0.1"), False),
    ]);
}

#[test]
fn rule_3_4_deny_with_negated_if_exists_still_applies_when_key_is_missing() {
    let c = condition(
        "StringNotEqualsIfExists",
        "aws:SourceVpce",
        &["vpce-1"],
        true,
    );
    assert!(evaluate(&c, &Context::new()).may_be_true());
}

#[test]
fn rule_3_5_null_tests_presence() {
    check(&[
        ("Null", &["true"], Missing, True),
        ("Null", &["true"], One("x"), False),
        ("Null", &["false"], Missing, False),
        ("Null", &["false"], One("x"), True),
        ("Null", &["false"], Many(&["a", "b"]), True),
        ("Null", &["true"], Many(&["a"]), False),
        ("Null", &["true", "false"], Missing, True),
    ]);
}

#[test]
fn rule_3_5_null_with_an_empty_request_value_is_dual_read() {
    check(&[
        ("Null", &["true"], One(""), Unknown),
        ("Null", &["false"], One(""), Unknown),
        ("Null", &["true"], Many(&[]), Unknown),
        ("Null", &["false"], Many(&[]), Unknown),
    ]);
}

#[test]
fn rule_3_5_null_values_are_true_or_false_only() {
    for bad in ["yes", "1", "", "${aws:username}"] {
        assert_eq!(
            value_error("Null", bad, true).code,
            Code::InvalidConditionValue
        );
    }
}

#[test]
fn rule_3_6_key_lookup_is_case_insensitive() {
    let ctx = ctx(&[("aws:SourceIp", "10.1.2.3")]);
    for key in [
        "aws:SourceIp",
        "AWS:SOURCEIP",
        "aws:sourceip",
        "Aws:SourceIP",
    ] {
        let c = condition("IpAddress", key, &["10.0.0.0/8"], true);
        assert_eq!(evaluate(&c, &ctx), True, "{key}");
    }
    // A key longer than the lookup buffer still works.
    let long = format!("aws:PrincipalTag/{}", "K".repeat(200));
    let mut ctx = Context::new();
    ctx.set(&long.to_lowercase(), "v");
    assert_eq!(
        evaluate(&condition("StringEquals", &long, &["v"], true), &ctx),
        True
    );
}

#[test]
fn rule_3_7_unknown_keys_behave_as_missing() {
    let ctx = ctx(&[("aws:SourceIp", "10.1.2.3")]);
    let c = condition("StringEquals", "nosuchservice:NoSuchKey", &["x"], true);
    assert_eq!(evaluate(&c, &ctx), False);
    let c = condition("StringNotEquals", "nosuchservice:NoSuchKey", &["x"], true);
    assert_eq!(evaluate(&c, &ctx), True);
}

// ---------------------------------------------------------------- 3.B operator families

#[test]
fn rule_3_8_string_equals_is_exact_and_case_sensitive() {
    check(&[
        ("StringEquals", &["Alice"], One("Alice"), True),
        ("StringEquals", &["Alice"], One("alice"), False),
        ("StringEquals", &["Alice"], One("Alice "), False),
        ("StringEquals", &[""], One(""), True),
        // Wildcards mean nothing outside the Like operators.
        ("StringEquals", &["a*"], One("abc"), False),
        ("StringEquals", &["a*"], One("a*"), True),
        ("StringNotEquals", &["a?"], One("ab"), True),
    ]);
}

#[test]
fn rule_3_8_ignore_case_lowercases_per_character() {
    check(&[
        ("StringEqualsIgnoreCase", &["Alice"], One("aLICE"), True),
        ("StringEqualsIgnoreCase", &["Alice"], One("Alicia"), False),
        ("StringNotEqualsIgnoreCase", &["Alice"], One("ALICE"), False),
        ("StringNotEqualsIgnoreCase", &["Alice"], One("Bob"), True),
        // No Unicode normalisation or full case folding: ß is not ss.
        ("StringEqualsIgnoreCase", &["straße"], One("STRASSE"), False),
        // The same non-ASCII text is equal under every reading.
        ("StringEqualsIgnoreCase", &["Ärger"], One("Ärger"), True),
    ]);
}

#[test]
fn rule_3_8_ignore_case_with_non_ascii_is_dual_read() {
    check(&[
        ("StringEqualsIgnoreCase", &["Ärger"], One("ärger"), Unknown),
        (
            "StringNotEqualsIgnoreCase",
            &["Ärger"],
            One("äRGER"),
            Unknown,
        ),
        // Only the ASCII letters differ in case: every reading agrees.
        ("StringNotEqualsIgnoreCase", &["Ärger"], One("ÄRGER"), False),
        ("StringEqualsIgnoreCase", &["café"], One("CAFÉ"), Unknown),
        // Readings agree when only the ASCII letters differ in case.
        ("StringEqualsIgnoreCase", &["café"], One("CAFé"), True),
    ]);
}

#[test]
fn rule_3_8_string_like_globs_anywhere_case_sensitively() {
    check(&[
        ("StringLike", &["home/*"], One("home/alice/a.txt"), True),
        ("StringLike", &["*:*"], One("a:b:c"), True),
        ("StringLike", &["a?c"], One("abc"), True),
        ("StringLike", &["a?c"], One("ac"), False),
        ("StringLike", &["*"], One(""), True),
        ("StringLike", &["Home/*"], One("home/x"), False),
        ("StringLike", &["*mid*"], One("a-mid-b"), True),
        ("StringNotLike", &["key1*"], One("key1-x"), False),
        ("StringNotLike", &["key1*"], One("key2"), True),
        ("StringNotLike", &["a*", "b*"], One("b1"), False),
    ]);
}

#[test]
fn rule_3_9_numeric_operators_compare_exactly() {
    check(&[
        ("NumericEquals", &["10"], One("10"), True),
        ("NumericEquals", &["10"], One("10.0"), True),
        ("NumericEquals", &["0.1"], One("0.10"), True),
        ("NumericEquals", &["10"], One("11"), False),
        ("NumericNotEquals", &["10"], One("11"), True),
        ("NumericLessThan", &["3600"], One("3599"), True),
        ("NumericLessThan", &["3600"], One("3600"), False),
        ("NumericLessThanEquals", &["3600"], One("3600"), True),
        ("NumericGreaterThan", &["-1.5"], One("-1"), True),
        ("NumericGreaterThan", &["2.5"], One("2.5"), False),
        ("NumericGreaterThanEquals", &["2.5"], One("2.50"), True),
        ("NumericGreaterThanEquals", &["2.5"], One("2.49"), False),
        (
            "NumericEquals",
            &["9007199254740993"],
            One("9007199254740992"),
            False,
        ),
    ]);
}

#[test]
fn rule_3_9_non_numeric_request_value_is_indeterminate() {
    check(&[
        ("NumericEquals", &["10"], One("ten"), Unknown),
        ("NumericNotEquals", &["10"], One("ten"), Unknown),
        ("NumericLessThan", &["10"], One(""), Unknown),
        ("NumericLessThan", &["10", "20"], One("5"), True),
    ]);
}

#[test]
fn rule_3_9_non_numeric_policy_value_is_a_load_error() {
    for bad in [
        "ten",
        "",
        "1,000",
        "0x10",
        " 5",
        "${aws:MultiFactorAuthAge}",
    ] {
        let e = value_error("NumericLessThan", bad, true);
        assert_eq!(e.code, Code::InvalidConditionValue, "{bad:?}");
    }
    let e = value_error("NumericLessThan", "${aws:MultiFactorAuthAge}", true);
    assert!(e.help.unwrap().contains("2.21"));
}

#[test]
fn rule_3_10_dates_compare_as_instants_in_any_form() {
    check(&[
        (
            "DateGreaterThan",
            &["2020-01-01T00:00:00Z"],
            One("2020-01-01T00:00:01Z"),
            True,
        ),
        (
            "DateGreaterThan",
            &["2020-01-01T00:00:00Z"],
            One("2020-01-01T00:00:00Z"),
            False,
        ),
        (
            "DateGreaterThanEquals",
            &["2020-01-01T00:00:00Z"],
            One("1577836800"),
            True,
        ),
        (
            "DateLessThan",
            &["2020-01-01T00:00:00Z"],
            One("1577836799"),
            True,
        ),
        (
            "DateLessThanEquals",
            &["1577836800"],
            One("2020-01-01T00:00:00Z"),
            True,
        ),
        (
            "DateEquals",
            &["2020-01-01T02:00:00+02:00"],
            One("2020-01-01T00:00:00Z"),
            True,
        ),
        (
            "DateEquals",
            &["2020-01-01T00:00:00.000Z"],
            One("2020-01-01T00:00:00Z"),
            True,
        ),
        (
            "DateEquals",
            &["2020-01-01T00:00:00.5Z"],
            One("2020-01-01T00:00:00Z"),
            False,
        ),
        (
            "DateNotEquals",
            &["2020-01-01T00:00:00Z"],
            One("2019-12-31T19:00:00-05:00"),
            False,
        ),
        (
            "DateLessThan",
            &["2020-01-01T00:00:00Z"],
            One("not a date"),
            Unknown,
        ),
    ]);
}

#[test]
fn rule_3_10_zone_less_dates_are_read_across_utc_minus_12_to_plus_14() {
    check(&[
        // 2020-01-01 local is 2019-12-31T10:00Z (UTC+14) … 2020-01-01T12:00Z (UTC-12).
        (
            "DateLessThan",
            &["2020-01-01"],
            One("2019-12-31T09:59:59Z"),
            True,
        ),
        (
            "DateLessThan",
            &["2020-01-01"],
            One("2019-12-31T12:00:00Z"),
            Unknown,
        ),
        (
            "DateLessThan",
            &["2020-01-01"],
            One("2020-01-01T12:00:00Z"),
            False,
        ),
        (
            "DateGreaterThan",
            &["2020-01-01T00:00:00"],
            One("2020-01-01T12:00:01Z"),
            True,
        ),
        (
            "DateGreaterThan",
            &["2020-01-01T00:00:00"],
            One("2020-01-01T06:00:00Z"),
            Unknown,
        ),
        (
            "DateEquals",
            &["2020-01-01"],
            One("2020-01-01T05:00:00Z"),
            Unknown,
        ),
        // No real offset is 7 minutes, so no reading makes these equal.
        (
            "DateEquals",
            &["2020-01-01"],
            One("2020-01-01T05:07:00Z"),
            False,
        ),
        (
            "DateEquals",
            &["2020-01-01"],
            One("2020-01-02T05:00:00Z"),
            False,
        ),
        (
            "DateNotEquals",
            &["2020-01-01"],
            One("2020-01-01T05:00:00Z"),
            Unknown,
        ),
    ]);
}

#[test]
fn rule_3_10_invalid_dates_are_load_errors() {
    for bad in [
        "yesterday",
        "2020-02-30",
        "2020-01-01T25:00:00Z",
        "01/01/2020",
        "${aws:CurrentTime}",
    ] {
        assert_eq!(
            value_error("DateLessThan", bad, true).code,
            Code::InvalidDate,
            "{bad:?}"
        );
    }
}

#[test]
fn rule_3_11_bool_compares_true_and_false() {
    check(&[
        ("Bool", &["true"], One("true"), True),
        ("Bool", &["true"], One("false"), False),
        ("Bool", &["false"], One("false"), True),
        ("Bool", &["false"], One("yes"), False),
    ]);
}

#[test]
fn rule_3_11_bool_values_in_another_case_are_dual_read() {
    check(&[
        ("Bool", &["True"], One("true"), Unknown),
        ("Bool", &["FALSE"], One("false"), Unknown),
        ("Bool", &["True"], One("false"), False),
        ("Bool", &["true"], One("TRUE"), Unknown),
    ]);
    let op = ConditionOperator::parse("Bool").unwrap();
    let ParsedValue::Bool(b) = parse_value(&op, "True", false).unwrap() else {
        panic!("not a Bool value")
    };
    assert!(b.value && !b.is_exact());
    assert_eq!(
        value_error("Bool", "yes", true).code,
        Code::InvalidConditionValue
    );
    assert_eq!(
        value_error("Bool", "1", true).code,
        Code::InvalidConditionValue
    );
}

#[test]
fn rule_3_12_binary_equals_compares_decoded_bytes() {
    check(&[
        ("BinaryEquals", &["SGVsbG8="], One("Hello"), True),
        ("BinaryEquals", &["SGVsbG8="], One("hello"), False),
        // The request value is the bytes themselves, not base64.
        ("BinaryEquals", &["SGVsbG8="], One("SGVsbG8="), False),
        ("BinaryEquals", &["", "SGk="], One("Hi"), True),
    ]);
    for bad in ["not base64!", "SGVsbG8===", "${aws:x}"] {
        assert_eq!(
            value_error("BinaryEquals", bad, true).code,
            Code::InvalidConditionValue,
            "{bad:?}"
        );
    }
}

#[test]
fn rule_3_13_ip_address_blocks_mix_v4_and_v6() {
    check(&[
        ("IpAddress", &["203.0.113.0/24"], One("203.0.113.200"), True),
        ("IpAddress", &["203.0.113.0/24"], One("203.0.112.1"), False),
        // A bare address is /32, a bare IPv6 address /128.
        ("IpAddress", &["203.0.113.7"], One("203.0.113.7"), True),
        ("IpAddress", &["203.0.113.7"], One("203.0.113.8"), False),
        ("IpAddress", &["2001:db8::1"], One("2001:db8::2"), False),
        (
            "IpAddress",
            &["203.0.113.0/24", "2001:db8::/32"],
            One("2001:db8:1::5"),
            True,
        ),
        ("IpAddress", &["2001:db8::/32"], One("203.0.113.1"), False),
        (
            "NotIpAddress",
            &["203.0.113.0/24", "2001:db8::/32"],
            One("2001:db9::5"),
            True,
        ),
        (
            "NotIpAddress",
            &["203.0.113.0/24"],
            One("203.0.113.5"),
            False,
        ),
        ("IpAddress", &["203.0.113.0/24"], One("not-an-ip"), Unknown),
        (
            "NotIpAddress",
            &["203.0.113.0/24"],
            One("not-an-ip"),
            Unknown,
        ),
    ]);
}

#[test]
fn rule_3_13_invalid_ip_values_are_load_errors_with_help() {
    for bad in [
        "203.0.113.0/33",
        "300.1.1.1",
        "localhost",
        "${aws:SourceIp}",
        "10.0.0.0/",
    ] {
        let e = value_error("IpAddress", bad, true);
        assert_eq!(e.code, Code::InvalidIpAddress, "{bad:?}");
        assert!(e.help.is_some());
        assert!(e.message.contains(bad), "{}", e.message);
    }
}

#[test]
fn rule_3_14_arn_components_match_separately() {
    let rows: &[(&str, &[&str], Req, Truth)] = &[
        (
            "ArnEquals",
            &["arn:aws:iam::111111111111:role/ReadOnly"],
            One("arn:aws:iam::111111111111:role/ReadOnly"),
            True,
        ),
        (
            "ArnLike",
            &["arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*"],
            One(
                "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu/AWSReservedSSO_x",
            ),
            True,
        ),
        (
            "ArnLike",
            &["arn:aws:iam::111111111111:role/*"],
            One("arn:aws:iam::111111111111:user/alice"),
            False,
        ),
        // Case-sensitive.
        (
            "ArnLike",
            &["arn:aws:iam::111111111111:role/readonly"],
            One("arn:aws:iam::111111111111:role/ReadOnly"),
            False,
        ),
        // `?` is one character within a component.
        (
            "ArnLike",
            &["arn:aws:s3:::bucket-?"],
            One("arn:aws:s3:::bucket-1"),
            True,
        ),
        // The resource component keeps its colons.
        (
            "ArnLike",
            &["arn:aws:logs:*:111111111111:log-group:*"],
            One("arn:aws:logs:us-east-1:111111111111:log-group:g:log-stream:s"),
            True,
        ),
        (
            "ArnNotLike",
            &["arn:aws:iam::111111111111:role/*"],
            One("arn:aws:iam::222222222222:role/x"),
            True,
        ),
        (
            "ArnNotEquals",
            &["arn:aws:iam::111111111111:role/*"],
            One("arn:aws:iam::111111111111:role/x"),
            False,
        ),
    ];
    check(rows);
}

#[test]
fn rule_3_14_a_star_does_not_cross_into_the_next_component() {
    let value = "arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/doc.txt";
    let pattern = "arn:aws:svc:*:111122223333:finance/*";
    check(&[
        ("StringLike", &[pattern], One(value), True),
        ("ArnLike", &[pattern], One(value), False),
        ("ArnEquals", &[pattern], One(value), False),
    ]);
}

#[test]
fn rule_3_14_malformed_arn_on_either_side_is_indeterminate() {
    check(&[
        (
            "ArnLike",
            &["arn:aws:iam::111111111111:role/x"],
            One("not-an-arn"),
            Unknown,
        ),
        (
            "ArnLike",
            &["arn:aws:iam::111111111111:role/x"],
            One("arn:aws:iam"),
            Unknown,
        ),
        (
            "ArnNotLike",
            &["arn:aws:iam::111111111111:role/x"],
            One("not-an-arn"),
            Unknown,
        ),
        (
            "ArnLike",
            &["*"],
            One("arn:aws:iam::111111111111:role/x"),
            Unknown,
        ),
        (
            "ArnEquals",
            &["arn:aws:iam"],
            One("arn:aws:iam::111111111111:role/x"),
            Unknown,
        ),
    ]);
    let op = ConditionOperator::parse("ArnLike").unwrap();
    let ParsedValue::Arn(p) = parse_value(&op, "arn:aws:s3", true).unwrap() else {
        panic!("not an ARN pattern")
    };
    assert!(p.is_malformed());
}

// ---------------------------------------------------------------- 3.C set operators

#[test]
fn rule_3_16_for_any_value_needs_one_satisfying_request_value() {
    check(&[
        (
            "ForAnyValue:StringEquals",
            &["admin"],
            Many(&["team", "admin"]),
            True,
        ),
        (
            "ForAnyValue:StringEquals",
            &["admin"],
            Many(&["team", "cost"]),
            False,
        ),
        ("ForAnyValue:StringEquals", &["admin"], Missing, False),
        ("ForAnyValue:StringEquals", &["admin"], Many(&[]), False),
        (
            "ForAnyValue:StringLike",
            &["adm*"],
            Many(&["x", "admin"]),
            True,
        ),
        (
            "ForAnyValue:NumericLessThan",
            &["5"],
            Many(&["9", "4"]),
            True,
        ),
        (
            "ForAnyValue:NumericLessThan",
            &["5"],
            Many(&["9", "x"]),
            Unknown,
        ),
        (
            "ForAnyValue:NumericLessThan",
            &["5"],
            Many(&["4", "x"]),
            True,
        ),
    ]);
}

#[test]
fn rule_3_17_for_all_values_needs_every_request_value_and_is_true_when_missing_or_empty() {
    check(&[
        (
            "ForAllValues:StringEquals",
            &["team", "cost-center"],
            Many(&["team"]),
            True,
        ),
        (
            "ForAllValues:StringEquals",
            &["team", "cost-center"],
            Many(&["team", "cost-center"]),
            True,
        ),
        (
            "ForAllValues:StringEquals",
            &["team", "cost-center"],
            Many(&["team", "admin"]),
            False,
        ),
        ("ForAllValues:StringEquals", &["team"], Missing, True),
        ("ForAllValues:StringEquals", &["team"], Many(&[]), True),
        ("ForAllValues:StringNotLike", &["key1*"], Missing, True),
        (
            "ForAllValues:NumericLessThan",
            &["5"],
            Many(&["1", "x"]),
            Unknown,
        ),
        (
            "ForAllValues:NumericLessThan",
            &["5"],
            Many(&["9", "x"]),
            False,
        ),
    ]);
}

#[test]
fn rule_3_18_negated_operators_under_set_prefixes() {
    check(&[
        // ForAllValues:StringNotEquals [x,y]: no request value is x or y.
        (
            "ForAllValues:StringNotEquals",
            &["x", "y"],
            Many(&["a", "b"]),
            True,
        ),
        (
            "ForAllValues:StringNotEquals",
            &["x", "y"],
            Many(&["a", "y"]),
            False,
        ),
        ("ForAllValues:StringNotEquals", &["x", "y"], Missing, True),
        // ForAnyValue:StringNotEquals [x,y]: some request value is neither x nor y.
        (
            "ForAnyValue:StringNotEquals",
            &["x", "y"],
            Many(&["x", "b"]),
            True,
        ),
        (
            "ForAnyValue:StringNotEquals",
            &["x", "y"],
            Many(&["x", "y"]),
            False,
        ),
        ("ForAnyValue:StringNotEquals", &["x", "y"], Missing, False),
        (
            "ForAnyValue:NotIpAddress",
            &["10.0.0.0/8"],
            Many(&["10.0.0.1"]),
            False,
        ),
    ]);
}

#[test]
fn rule_3_19_set_operator_on_a_single_value_is_a_one_element_set() {
    check(&[
        ("ForAnyValue:StringEquals", &["a"], One("a"), True),
        ("ForAnyValue:StringEquals", &["a"], One("b"), False),
        ("ForAllValues:StringEquals", &["a"], One("a"), True),
        ("ForAllValues:StringEquals", &["a"], One("b"), False),
        ("ForAllValues:StringEquals", &["a"], Missing, True),
        ("ForAllValues:Bool", &["true"], One("true"), True),
    ]);
}

#[test]
fn rule_3_20_plain_operator_on_a_multivalued_request_value_is_indeterminate() {
    check(&[
        ("StringEquals", &["a"], Many(&["a"]), Unknown),
        ("StringEquals", &["a"], Many(&["a", "b"]), Unknown),
        ("StringNotEquals", &["a"], Many(&["b"]), Unknown),
        ("StringLikeIfExists", &["a*"], Many(&["a"]), Unknown),
        ("StringEquals", &["a"], Many(&[]), Unknown),
    ]);
}

#[test]
fn rule_3_4_if_exists_with_set_operators() {
    check(&[
        ("ForAnyValue:StringEqualsIfExists", &["a"], Missing, True),
        ("ForAllValues:StringEqualsIfExists", &["a"], Missing, True),
        (
            "ForAnyValue:StringEqualsIfExists",
            &["a"],
            Many(&["b"]),
            False,
        ),
        (
            "ForAnyValue:StringEqualsIfExists",
            &["a"],
            Many(&["b", "a"]),
            True,
        ),
        // An empty set is "null": absent (IfExists: true) or present (ForAnyValue: false).
        (
            "ForAnyValue:StringEqualsIfExists",
            &["a"],
            Many(&[]),
            Unknown,
        ),
        ("ForAllValues:StringEqualsIfExists", &["a"], Many(&[]), True),
    ]);
}

// ---------------------------------------------------------------- 2.D policy variables

#[test]
fn rule_2_22_variables_are_substituted_before_matching() {
    let base = ctx(&[
        ("aws:username", "alice"),
        ("aws:PrincipalTag/team", "Red"),
        ("aws:PrincipalAccount", "111111111111"),
    ]);
    check_with(
        &base,
        &[
            ("StringEquals", &["${aws:username}"], One("alice"), True),
            ("StringEquals", &["${aws:username}"], One("bob"), False),
            (
                "StringEquals",
                &["user-${aws:username}"],
                One("user-alice"),
                True,
            ),
            (
                "StringEqualsIgnoreCase",
                &["${aws:PrincipalTag/team}"],
                One("red"),
                True,
            ),
            ("StringNotEquals", &["${aws:username}"], One("alice"), False),
            (
                "StringLike",
                &["home/${aws:username}/*"],
                One("home/alice/a.txt"),
                True,
            ),
            (
                "StringLike",
                &["home/${aws:username}/*"],
                One("home/bob/a.txt"),
                False,
            ),
            (
                "ArnLike",
                &["arn:aws:iam::${aws:PrincipalAccount}:role/*"],
                One("arn:aws:iam::111111111111:role/x"),
                True,
            ),
            (
                "ArnLike",
                &["arn:aws:iam::${aws:PrincipalAccount}:role/*"],
                One("arn:aws:iam::222222222222:role/x"),
                False,
            ),
            (
                "StringEquals",
                &["${aws:PrincipalTag/dept, 'none'}"],
                One("none"),
                True,
            ),
        ],
    );
}

#[test]
fn rule_2_22_a_substituted_star_is_literal() {
    let base = ctx(&[("aws:username", "a*")]);
    check_with(
        &base,
        &[
            ("StringLike", &["${aws:username}"], One("a*"), True),
            ("StringLike", &["${aws:username}"], One("abc"), False),
            // `${*}` is the way to write a literal star in a pattern.
            ("StringLike", &["x${*}"], One("x*"), True),
            ("StringLike", &["x${*}"], One("xy"), False),
        ],
    );
}

#[test]
fn rule_2_23_missing_variable_fails_positive_and_satisfies_negated_operators() {
    check(&[
        ("StringEquals", &["${aws:username}"], One("alice"), False),
        (
            "StringEquals",
            &["${aws:username}", "bob"],
            One("bob"),
            True,
        ),
        (
            "StringLike",
            &["home/${aws:username}/*"],
            One("home//x"),
            False,
        ),
        ("StringNotEquals", &["${aws:username}"], One("alice"), True),
        ("StringNotLike", &["${aws:username}*"], One("alice"), True),
        (
            "StringNotEquals",
            &["${aws:username}", "alice"],
            One("alice"),
            False,
        ),
        (
            "ArnEquals",
            &["arn:aws:iam::111111111111:user/${aws:username}"],
            One("arn:aws:iam::111111111111:user/alice"),
            False,
        ),
        (
            "ArnNotEquals",
            &["arn:aws:iam::111111111111:user/${aws:username}"],
            One("arn:aws:iam::111111111111:user/alice"),
            True,
        ),
    ]);
}

#[test]
fn rule_2_20_a_multivalued_variable_is_indeterminate() {
    let mut base = Context::new();
    base.insert(
        "aws:PrincipalOrgPaths",
        ContextValue::Multi(vec!["o-a/r-b/".into()]),
    );
    check_with(
        &base,
        &[(
            "StringEquals",
            &["${aws:PrincipalOrgPaths}"],
            One("o-a/r-b/"),
            Unknown,
        )],
    );
}

#[test]
fn rule_1_7_without_version_variables_are_literal_text() {
    let op = ConditionOperator::parse("StringEquals").unwrap();
    let c = Condition {
        operator: Spanned {
            value: op,
            span: Span::default(),
        },
        key: Spanned {
            value: KEY.into(),
            span: Span::default(),
        },
        values: vec![ConditionValue::new(&op, "${aws:username}", Span::default(), false).unwrap()],
    };
    let mut ctx = ctx(&[("aws:username", "alice")]);
    ctx.set(KEY, "alice");
    assert_eq!(evaluate(&c, &ctx), False);
    ctx.set(KEY, "${aws:username}");
    assert_eq!(evaluate(&c, &ctx), True);
}

#[test]
fn rule_2_21_variables_are_not_read_in_numeric_date_binary_ip_or_null_values() {
    for (op, code) in [
        ("NumericEquals", Code::InvalidConditionValue),
        ("DateEquals", Code::InvalidDate),
        ("BinaryEquals", Code::InvalidConditionValue),
        ("IpAddress", Code::InvalidIpAddress),
        ("Null", Code::InvalidConditionValue),
    ] {
        let e = value_error(op, "${aws:username}", true);
        assert_eq!(e.code, code, "{op}");
    }
}

#[test]
fn rule_2_21_bool_with_a_variable_is_dual_read_substituted_vs_literal() {
    let base = ctx(&[("aws:PrincipalTag/mfa", "true")]);
    check_with(
        &base,
        &[
            // Substituted: "true" = "true"; literal: `${...}` is no boolean. Readings differ.
            ("Bool", &["${aws:PrincipalTag/mfa}"], One("true"), Unknown),
            // Neither reading matches.
            ("Bool", &["${aws:PrincipalTag/mfa}"], One("false"), False),
            ("Bool", &["${aws:PrincipalTag/absent}"], One("true"), False),
        ],
    );
    // Without Version 2012-10-17 the text is literal, and not a boolean.
    assert_eq!(
        value_error("Bool", "${aws:PrincipalTag/mfa}", false).code,
        Code::InvalidConditionValue
    );
}

#[test]
fn rule_2_21_malformed_variables_are_errors() {
    for op in ["StringEquals", "ArnLike", "Bool", "StringLike"] {
        let e = value_error(op, "${aws:username", true);
        assert_eq!(e.code, Code::InvalidPolicyVariable, "{op}");
    }
}

#[test]
fn a_value_not_read_for_its_operator_is_indeterminate() {
    let mut c = condition("StringEquals", KEY, &["a"], true);
    if let Some(v) = c.values.first_mut() {
        v.parsed = ParsedValue::Text("a".into());
    }
    assert_eq!(evaluate(&c, &ctx(&[(KEY, "a")])), Unknown);
    let mut c = condition("NumericEquals", KEY, &["1"], true);
    if let Some(v) = c.values.first_mut() {
        v.parsed = ParsedValue::String("1".into());
    }
    assert_eq!(evaluate(&c, &ctx(&[(KEY, "1")])), Unknown);
}

// ---------------------------------------------------------------- 3.22 and worked examples

#[test]
fn rule_3_22_mfa_trap() {
    let deny_bool = condition("Bool", "aws:MultiFactorAuthPresent", &["false"], true);
    let deny_if_exists = condition(
        "BoolIfExists",
        "aws:MultiFactorAuthPresent",
        &["false"],
        true,
    );
    let allow_if_exists = condition(
        "BoolIfExists",
        "aws:MultiFactorAuthPresent",
        &["true"],
        true,
    );
    let long_term_keys = Context::new();
    let no_mfa_session = ctx(&[("aws:MultiFactorAuthPresent", "false")]);
    let mfa_session = ctx(&[("aws:MultiFactorAuthPresent", "true")]);
    // Deny + Bool false does not deny long-term keys (key absent).
    assert_eq!(evaluate(&deny_bool, &long_term_keys), False);
    assert_eq!(evaluate(&deny_bool, &no_mfa_session), True);
    // The robust form denies them.
    assert_eq!(evaluate(&deny_if_exists, &long_term_keys), True);
    assert_eq!(evaluate(&deny_if_exists, &no_mfa_session), True);
    assert_eq!(evaluate(&deny_if_exists, &mfa_session), False);
    // Allow + BoolIfExists true also allows long-term keys without MFA.
    assert_eq!(evaluate(&allow_if_exists, &long_term_keys), True);
    assert_eq!(evaluate(&allow_if_exists, &no_mfa_session), False);
}

#[test]
fn example_w16_principal_account_condition() {
    let c = condition(
        "StringEquals",
        "aws:PrincipalAccount",
        &["111111111111"],
        true,
    );
    assert_eq!(
        evaluate(&c, &ctx(&[("aws:PrincipalAccount", "111111111111")])),
        True
    );
    assert_eq!(
        evaluate(&c, &ctx(&[("aws:PrincipalAccount", "222222222222")])),
        False
    );
    // (c) anonymous: the key is present with the value `anonymous`.
    assert_eq!(
        evaluate(&c, &ctx(&[("aws:PrincipalAccount", "anonymous")])),
        False
    );
}

#[test]
fn example_w20_if_exists_with_a_missing_key() {
    let internet = ctx(&[("aws:SourceIp", "203.0.113.7")]);
    let if_exists = condition(
        "StringEqualsIfExists",
        "aws:SourceVpce",
        &["vpce-1a2b3c4d"],
        true,
    );
    let plain = condition("StringEquals", "aws:SourceVpce", &["vpce-1a2b3c4d"], true);
    assert_eq!(evaluate(&if_exists, &internet), True);
    assert_eq!(evaluate(&plain, &internet), False);
}

#[test]
fn example_w21_negated_operator_missing_key_in_a_deny() {
    let internet = ctx(&[("aws:SourceIp", "203.0.113.7")]);
    let c = condition(
        "StringNotEquals",
        "aws:SourceVpce",
        &["vpce-1a2b3c4d"],
        true,
    );
    assert_eq!(evaluate(&c, &internet), True);
    let via_endpoint = ctx(&[("aws:SourceVpce", "vpce-1a2b3c4d")]);
    assert_eq!(evaluate(&c, &via_endpoint), False);
}

fn tag_keys(keys: &[&str]) -> Context {
    let mut c = Context::new();
    c.insert(
        "aws:TagKeys",
        ContextValue::Multi(keys.iter().map(|k| k.to_string()).collect()),
    );
    c
}

#[test]
fn example_w22_for_all_values_with_an_empty_set() {
    let c = condition(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        &["team", "cost-center"],
        true,
    );
    let guard = condition("Null", "aws:TagKeys", &["false"], true);
    // (a) no tags: vacuously true.
    assert_eq!(evaluate(&c, &Context::new()), True);
    // (b) tag key `admin`.
    assert_eq!(evaluate(&c, &tag_keys(&["admin"])), False);
    // (c) with the Null guard, (a) fails.
    assert_eq!(evaluate(&guard, &Context::new()), False);
    assert_eq!(evaluate(&guard, &tag_keys(&["team"])), True);
}

#[test]
fn example_w23_for_any_value_with_a_missing_key() {
    let c = condition("ForAnyValue:StringEquals", "aws:TagKeys", &["admin"], true);
    assert_eq!(evaluate(&c, &Context::new()), False);
    assert_eq!(evaluate(&c, &tag_keys(&["admin"])), True);
}

#[test]
fn example_w34_mfa_required_by_a_trust_policy() {
    let c = condition("Bool", "aws:MultiFactorAuthPresent", &["true"], true);
    // (a) long-term access keys, no MFA: key absent.
    assert_eq!(evaluate(&c, &Context::new()), False);
    // (b) SerialNumber + TokenCode passed.
    assert_eq!(
        evaluate(&c, &ctx(&[("aws:MultiFactorAuthPresent", "true")])),
        True
    );
}

#[test]
fn example_w40_rcp_data_perimeter_conditions() {
    let org = condition(
        "StringNotEqualsIfExists",
        "aws:PrincipalOrgID",
        &["o-exampleorg"],
        true,
    );
    let service = condition(
        "BoolIfExists",
        "aws:PrincipalIsAWSService",
        &["false"],
        true,
    );
    let bob = ctx(&[
        ("aws:PrincipalOrgID", "o-exampleorg"),
        ("aws:PrincipalIsAWSService", "false"),
    ]);
    let dave = ctx(&[("aws:PrincipalIsAWSService", "false")]);
    // The Deny applies when both entries hold.
    assert_eq!(evaluate(&org, &bob).and(evaluate(&service, &bob)), False);
    assert_eq!(evaluate(&org, &dave).and(evaluate(&service, &dave)), True);
    let service_call = ctx(&[("aws:PrincipalIsAWSService", "true")]);
    assert_eq!(evaluate(&service, &service_call), False);
}

#[test]
fn example_w41_tls_only_bucket() {
    let c = condition("Bool", "aws:SecureTransport", &["false"], true);
    assert_eq!(
        evaluate(&c, &ctx(&[("aws:SecureTransport", "false")])),
        True
    );
    assert_eq!(
        evaluate(&c, &ctx(&[("aws:SecureTransport", "true")])),
        False
    );
}

#[test]
fn example_6_10_external_id_idiom() {
    let c = condition("StringEquals", "sts:ExternalId", &["Zx81"], true);
    assert_eq!(evaluate(&c, &Context::new()), False);
    assert_eq!(evaluate(&c, &ctx(&[("sts:ExternalId", "Zx81")])), True);
}

#[test]
fn json_booleans_and_numbers_arrive_as_strings() {
    // 1.4: `"Bool": {"k": true}` and `"NumericEquals": {"k": 5}` reach parse_value as text.
    check(&[
        ("Bool", &["true"], One("true"), True),
        ("NumericLessThan", &["3600"], One("1200"), True),
        ("DateGreaterThan", &["1577836800"], One("1577836801"), True),
    ]);
}

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

/// The structured form of a condition as it fails is the operator that holds exactly there:
/// the named negation, the complement of an ordered comparison with one value, the other
/// boolean; `not OPERATOR` when no operator says it.
#[test]
fn terms_name_the_complementary_operator() {
    let fails = |block: &str| {
        let t = Term::of(&condition(block), false, true);
        (t.operator, t.values)
    };
    let one = |v: &str| vec![v.to_string()];
    assert_eq!(
        fails(r#"{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}"#),
        ("StringEquals".into(), one("eu-west-1"))
    );
    assert_eq!(
        fails(r#"{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#),
        ("DateLessThanEquals".into(), one("2024-01-01T00:00:00Z"))
    );
    assert_eq!(
        fails(r#"{"NumericLessThan":{"aws:EpochTime":["1","2"]}}"#).0,
        "not NumericLessThan"
    );
    assert_eq!(
        fails(r#"{"Bool":{"aws:SecureTransport":"false"}}"#),
        ("Bool".into(), one("true"))
    );
    assert_eq!(
        fails(r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#).0,
        "IpAddress"
    );
    // On a key every request carries, IfExists reads as its base operator.
    assert_eq!(
        fails(r#"{"StringEqualsIfExists":{"aws:RequestedRegion":"eu-west-1"}}"#).0,
        "StringNotEquals"
    );
    let holds = Term::of(
        &condition(r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#),
        true,
        true,
    );
    assert_eq!(holds.operator, "IpAddress");
    assert_eq!(holds.text, "aws:SourceIp in 10.0.0.0/8");
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

/// The terms of a chain follow its grant: a hop without conditions adds none, and two
/// conditional hops join as [`Grant::and`] joins their words, alternative by alternative.
#[test]
fn terms_combine_along_a_chain_as_grants_do() {
    let term = |key: &str, value: &str| Term {
        key: key.into(),
        operator: "StringEquals".into(),
        values: vec![value.into()],
        text: format!("{key} is {value}"),
    };
    let words = |t: &[Vec<Term>]| -> Vec<Vec<String>> {
        t.iter()
            .map(|a| a.iter().map(|t| t.text.clone()).collect())
            .collect()
    };
    let a = vec![vec![term("k:a", "1")], vec![term("k:b", "2")]];
    let b = vec![vec![term("k:c", "3")]];
    assert_eq!(and_terms(&[], &b), b);
    assert_eq!(and_terms(&a, &[]), a);
    assert!(and_terms(&[], &[]).is_empty());
    let joined = and_terms(&a, &b);
    assert_eq!(
        Grant::Conditional(words(&joined)),
        Grant::Conditional(words(&a)).and(&Grant::Conditional(words(&b)))
    );
    assert_eq!(and_terms(&b, &b), b);
}

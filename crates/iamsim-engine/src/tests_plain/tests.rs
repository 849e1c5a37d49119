use super::*;
use crate::tests_file::read_case;
use iamsim_policy::json::{self, Limits};
use iamsim_policy::{Diagnostic, Source};
use iamsim_world::load::Loader;
use iamsim_world::MemoryFiles;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// What the span-keeping reader makes of a test's text: its diagnostics and the test.
fn tree(text: &str) -> (Vec<Diagnostic>, Option<ReadTest>) {
    let files = MemoryFiles::new("w");
    let mut loader = Loader::new(&files);
    let src = Source::new("tests.json", text);
    let Ok(item) = json::parse(&src, Limits::default()) else {
        return (Vec::new(), None);
    };
    let test = read_case(&mut loader, &src, &item, Leniency::default());
    (loader.take_diagnostics(), test)
}

fn plain(text: &str) -> Option<ReadTest> {
    PlainReader::new(Leniency::default()).read(text, Span::new(0, text.len()))
}

/// The two readers' tests are the same test (ReadTest holds policies and contexts, compared
/// through their Debug form).
fn same(a: &ReadTest, b: &ReadTest) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

const FULL: &str = r#"{
  "name": "upload through the role",
  "rule": "6.13, 4.8",
  "principal": "arn:aws:iam::111111111111:user/alice",
  "via": ["arn:aws:iam::222222222222:role/a", "arn:aws:iam::333333333333:role/b"],
  "action": "s3:PutObject",
  "resource": "arn:aws:s3:::bucket/key",
  "expect": "explicit-deny",
  "explain_contains": ["Deny", "bucket policy"],
  "path": ["assume-role", "assume-role"],
  "context": {"aws:SourceIp": "203.0.113.7", "aws:TagKeys": ["a", "b"], "aws:PrincipalTag/team": [],
              "aws:MultiFactorAuthPresent": false, "aws:SourceVpc": null}
}"#;

#[test]
fn every_plain_field_is_read_as_the_tree_reader_reads_it() {
    let t = plain(FULL).unwrap();
    assert_eq!(t.name, "upload through the role");
    assert_eq!(t.rule.as_deref(), Some("6.13, 4.8"));
    assert_eq!(t.query.principal, "arn:aws:iam::111111111111:user/alice");
    assert_eq!(t.query.action, "s3:PutObject");
    assert_eq!(t.query.resource, "arn:aws:s3:::bucket/key");
    assert_eq!(t.expect, Expect::Decision(crate::Decision::ExplicitDeny));
    assert_eq!(t.explain_contains, ["Deny", "bucket policy"]);
    assert_eq!(
        t.path.as_deref(),
        Some(&["assume-role".to_string(), "assume-role".into()][..])
    );
    let Via::Roles(hops) = &t.query.via else {
        panic!("{:?}", t.query.via)
    };
    let arns: Vec<&str> = hops.iter().map(|h| h.role_arn.as_str()).collect();
    assert_eq!(
        arns,
        [
            "arn:aws:iam::222222222222:role/a",
            "arn:aws:iam::333333333333:role/b"
        ]
    );
    let ctx: Vec<String> = t
        .query
        .context
        .iter()
        .map(|(k, v)| format!("{k}={:?}", v.values().collect::<Vec<_>>()))
        .collect();
    assert_eq!(
        ctx,
        [
            "aws:SourceIp=[\"203.0.113.7\"]",
            "aws:TagKeys=[\"a\", \"b\"]",
            "aws:PrincipalTag/team=[]",
            "aws:MultiFactorAuthPresent=[\"false\"]",
            "aws:SourceVpc=[]"
        ]
    );
    assert_eq!(t.span, Span::new(0, FULL.len()));
    let (diags, tree) = tree(FULL);
    assert!(diags.is_empty(), "{diags:?}");
    assert!(same(&t, &tree.unwrap()));
}

#[test]
fn the_smallest_test_and_any_path_are_read() {
    for text in [
        r#"{"name":"n","principal":"p","action":"s3:GetObject","resource":"*","expect":"deny"}"#,
        r#"{"name":"n","principal":"p","action":"s3:GetObject","resource":"*","expect":"allow","via":"*"}"#,
        r#"{"name":"n","principal":"p","action":"s3:GetObject","resource":"*","expect":"allow","via":[]}"#,
        r#"{"expect":"indeterminate","resource":"*","action":"S3:getobject","principal":"p","name":"ü ✓"}"#,
    ] {
        let t = plain(text).unwrap_or_else(|| panic!("{text}"));
        let (diags, tree) = tree(text);
        assert!(diags.is_empty(), "{text}: {diags:?}");
        assert!(same(&t, &tree.unwrap()), "{text}");
    }
}

/// Each irregular shape is declined, whether the span-keeping reader refuses it (and says why)
/// or reads it (fields this reader leaves to it).
#[test]
fn irregular_tests_are_left_to_the_span_keeping_reader() {
    let base = r#""name":"n","principal":"p","action":"s3:GetObject","resource":"*""#;
    for (what, text, tree_refuses) in [
        ("not an object", "[1]".to_string(), true),
        ("a missing field", format!("{{{base}}}"), true),
        (
            "an unknown field",
            format!(r#"{{{base},"expect":"allow","nmae":"x"}}"#),
            true,
        ),
        (
            "a field written twice",
            format!(r#"{{{base},"expect":"allow","expect":"allow"}}"#),
            true,
        ),
        (
            "a name written twice, the same",
            format!(r#"{{{base},"expect":"allow","name":"n"}}"#),
            true,
        ),
        ("a number", format!(r#"{{{base},"expect":1}}"#), true),
        ("null", format!(r#"{{{base},"expect":"allow","rule":null}}"#), true),
        ("not a decision", format!(r#"{{{base},"expect":"permit"}}"#), true),
        (
            "an escape in a value",
            format!(r#"{{{base},"expect":"all\u006fw"}}"#),
            false,
        ),
        (
            "an escape in a key",
            format!(r#"{{{base},"exp\u0065ct":"allow"}}"#),
            false,
        ),
        (
            "an escaped quote in the name",
            r#"{"name":"a \"b\"","principal":"p","action":"s3:GetObject","resource":"*","expect":"allow"}"#
                .to_string(),
            false,
        ),
        (
            "an action the catalog does not have",
            r#"{"name":"n","principal":"p","action":"s3:GetObjekt","resource":"*","expect":"allow"}"#
                .to_string(),
            true,
        ),
        (
            "a context value that is a number",
            format!(r#"{{{base},"expect":"allow","context":{{"aws:MultiFactorAuthAge":5}}}}"#),
            false,
        ),
        (
            "a context key written twice",
            format!(
                r#"{{{base},"expect":"allow","context":{{"aws:SourceIp":"10.0.0.1","aws:SourceIp":"10.0.0.2"}}}}"#
            ),
            true,
        ),
        (
            "a context key the catalog does not have",
            format!(r#"{{{base},"expect":"allow","context":{{"aws:NoSuchKey":"x"}}}}"#),
            true,
        ),
        (
            "a context value not of its key's type",
            format!(r#"{{{base},"expect":"allow","context":{{"aws:SourceIp":"nowhere"}}}}"#),
            true,
        ),
        (
            "a context key with an escape",
            format!(r#"{{{base},"expect":"allow","context":{{"aws:S\u006furceIp":"10.0.0.1"}}}}"#),
            false,
        ),
        (
            "a context that is a list",
            format!(r#"{{{base},"expect":"allow","context":["aws:SourceIp"]}}"#),
            true,
        ),
        (
            "a session policy",
            format!(r#"{{{base},"expect":"allow","session_policy":"p.json"}}"#),
            true,
        ),
        (
            "a via hop as an object",
            format!(r#"{{{base},"expect":"allow","via":[{{"role":"arn:aws:iam::1:role/r"}}]}}"#),
            false,
        ),
        (
            "a via string that is not `*`",
            format!(r#"{{{base},"expect":"allow","via":"arn:aws:iam::1:role/r"}}"#),
            true,
        ),
        (
            "a via list with a number",
            format!(r#"{{{base},"expect":"allow","via":[1]}}"#),
            true,
        ),
        (
            "an explain_contains entry not a string",
            format!(r#"{{{base},"expect":"allow","explain_contains":[true]}}"#),
            true,
        ),
        (
            "a path kind that is not a hop",
            format!(r#"{{{base},"expect":"allow","path":["create-service-linked-role"]}}"#),
            true,
        ),
        (
            "a path that is a string",
            format!(r#"{{{base},"expect":"allow","path":"assume-role"}}"#),
            true,
        ),
    ] {
        assert!(plain(&text).is_none(), "{what}: {text}");
        let (diags, test) = tree(&text);
        let refused = test.is_none() || diags.iter().any(Diagnostic::is_error);
        assert_eq!(refused, tree_refuses, "{what}: {text}: {diags:?}");
    }
}

#[test]
fn an_action_is_looked_up_once_a_chunk_and_still_checked() {
    let text = |a: &str| {
        format!(r#"{{"name":"n","principal":"p","action":"{a}","resource":"*","expect":"allow"}}"#)
    };
    let (good, bad) = (text("s3:GetObject"), text("s3:NoSuchAction"));
    let mut reader = PlainReader::new(Leniency::default());
    for _ in 0..3 {
        assert!(reader.read(&good, Span::new(0, good.len())).is_some());
        assert!(reader.read(&bad, Span::new(0, bad.len())).is_none());
    }
    assert_eq!(reader.actions.len(), 1);
    // Under the leniency an unknown action is read (and warned about when the test is run).
    let lenient = Leniency {
        unknown_actions: true,
        ..Leniency::default()
    };
    assert!(PlainReader::new(lenient)
        .read(&bad, Span::new(0, bad.len()))
        .is_some());
}

/// A value as a generated test writes it.
#[derive(Clone, Debug)]
enum Value {
    /// A string without escapes.
    Text(&'static str),
    /// A string written with its first character escaped (`\u0061` for `a`).
    Escaped(&'static str),
    Number,
    Null,
    Bool,
    /// A list of strings without escapes.
    Texts(Vec<&'static str>),
    /// A list with a number in it.
    Mixed,
    Object,
    /// A context object: entries of [`CONTEXT_ENTRIES`].
    Context(Vec<usize>),
}

/// Context entries: key, value as written, and whether the plain reader reads it (a string, a
/// boolean, `null` or a list of strings, of a key the catalog has, of the key's type, `null`
/// only for a key AWS may leave out).
const CONTEXT_ENTRIES: &[(&str, &str, bool)] = &[
    ("aws:SourceIp", "\"10.0.0.1\"", true),
    ("aws:SourceIp", "\"nowhere\"", false),
    ("aws:SourceIp", "null", true),
    ("aws:CurrentTime", "null", false),
    ("aws:PrincipalTag/team", "\"red\"", true),
    ("aws:TagKeys", "[\"a\", \"b\"]", true),
    ("aws:TagKeys", "[]", true),
    ("aws:MultiFactorAuthPresent", "\"true\"", true),
    ("aws:MultiFactorAuthPresent", "true", true),
    ("aws:MultiFactorAuthPresent", "[true]", false),
    ("aws:MultiFactorAuthPresent", "\"maybe\"", false),
    ("aws:MultiFactorAuthAge", "5", false),
    ("aws:NoSuchKey", "\"x\"", false),
];

impl Value {
    fn json(&self) -> String {
        match self {
            Value::Text(s) => format!("\"{s}\""),
            Value::Escaped(s) => {
                let mut chars = s.chars();
                let first = chars.next().map_or(0, u32::from);
                format!("\"\\u{first:04x}{}\"", chars.as_str())
            }
            Value::Number => "12".into(),
            Value::Null => "null".into(),
            Value::Bool => "true".into(),
            Value::Texts(v) => format!(
                "[{}]",
                v.iter()
                    .map(|s| format!("\"{s}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Mixed => "[\"a\", 1]".into(),
            // A number: not a plain context either.
            Value::Object => "{\"aws:MultiFactorAuthAge\": 5}".into(),
            Value::Context(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|i| format!("\"{}\": {}", CONTEXT_ENTRIES[*i].0, CONTEXT_ENTRIES[*i].1))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

const FIELDS: &[&str] = &[
    "name",
    "principal",
    "via",
    "action",
    "resource",
    "expect",
    "rule",
    "explain_contains",
    "path",
    "context",
    "nmae",
];
const REQUIRED: &[&str] = &["name", "principal", "action", "resource", "expect"];
const TEXTS: &[&str] = &[
    "arn:aws:iam::111111111111:user/alice",
    "arn:aws:iam::222222222222:role/a",
    "arn:aws:s3:::bucket/a b ü",
    "*",
    "",
];
const ACTIONS: &[&str] = &["s3:GetObject", "sts:AssumeRole", "S3:putobject", "s3:Nope"];
const KNOWN_ACTIONS: usize = 3;
const EXPECTS: &[&str] = &[
    "allow",
    "deny",
    "implicit-deny",
    "explicit-deny",
    "indeterminate",
    "Allow",
];
const KNOWN_EXPECTS: usize = 5;
const KINDS: &[&str] = &[
    "assume-role",
    "lambda-update-code",
    "create-service-linked-role",
    "hop",
];
const KNOWN_KINDS: usize = 2;

/// Strings written with an escape.
const ESCAPED: &[&str] = &[
    "allow",
    "arn:aws:iam::1:role/a",
    "assume-role",
    "s3:GetObject",
];
/// Values of other types than strings.
const OTHERS: &[Value] = &[
    Value::Number,
    Value::Null,
    Value::Bool,
    Value::Mixed,
    Value::Object,
];

/// A value for `field`, mostly of the field's plain shape.
fn value_for(field: &'static str) -> BoxedStrategy<Value> {
    let texts = |pool: &'static [&'static str]| {
        prop::collection::vec(prop::sample::select(pool), 0..3).prop_map(Value::Texts)
    };
    let plain: BoxedStrategy<Value> = match field {
        "action" => prop::sample::select(ACTIONS).prop_map(Value::Text).boxed(),
        "expect" => prop::sample::select(EXPECTS).prop_map(Value::Text).boxed(),
        "via" => prop_oneof![Just(Value::Text("*")), texts(TEXTS)].boxed(),
        "explain_contains" => texts(TEXTS).boxed(),
        "path" => texts(KINDS).boxed(),
        "context" => prop::collection::vec(0..CONTEXT_ENTRIES.len(), 0..4)
            .prop_map(Value::Context)
            .boxed(),
        _ => prop::sample::select(TEXTS).prop_map(Value::Text).boxed(),
    };
    let escaped = prop::sample::select(ESCAPED).prop_map(Value::Escaped);
    let other = prop::sample::select(OTHERS);
    prop_oneof![
        16 => plain,
        1 => prop::sample::select(TEXTS).prop_map(Value::Text),
        1 => escaped,
        1 => other,
    ]
    .boxed()
}

/// A generated test: its members in order (perhaps a field twice, perhaps one missing).
fn test_item() -> impl Strategy<Value = Vec<(&'static str, Value)>> {
    let member = prop::sample::select(FIELDS).prop_flat_map(|f| (Just(f), value_for(f)));
    let required = REQUIRED
        .iter()
        .map(|f| (Just(*f), value_for(f)))
        .collect::<Vec<_>>();
    (
        required,
        prop::collection::vec(member, 0..4),
        prop::collection::vec(any::<bool>(), REQUIRED.len()),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(required, extra, keep, at)| {
            let mut members: Vec<_> = required
                .into_iter()
                .zip(keep)
                .filter(|(_, k)| *k || at.index(8) != 0)
                .map(|(m, _)| m)
                .collect();
            for m in extra {
                let i = at.index(members.len() + 1);
                members.insert(i, m);
            }
            members
        })
}

/// Whether a test is plain and passes the checks: the plain reader must read it.
fn regular(members: &[(&str, Value)]) -> bool {
    let mut seen = std::collections::HashSet::new();
    let each = members.iter().all(|(f, v)| {
        seen.insert(*f)
            && match (*f, v) {
                ("action", Value::Text(a)) => ACTIONS[..KNOWN_ACTIONS].contains(a),
                ("expect", Value::Text(e)) => EXPECTS[..KNOWN_EXPECTS].contains(e),
                ("via", Value::Text(s)) => *s == "*",
                ("via" | "explain_contains", Value::Texts(_)) => true,
                ("path", Value::Texts(k)) => k.iter().all(|k| KINDS[..KNOWN_KINDS].contains(k)),
                ("name" | "principal" | "resource" | "rule", Value::Text(_)) => true,
                ("context", Value::Context(entries)) => {
                    let mut keys = std::collections::HashSet::new();
                    entries.iter().all(|i| {
                        let (key, _, plain) = CONTEXT_ENTRIES[*i];
                        plain && keys.insert(key)
                    })
                }
                _ => false,
            }
    });
    each && REQUIRED.iter().all(|f| seen.contains(f))
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(512),
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(
            std::env::var("PROPTEST_RNG_SEED")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0x7e57),
        ),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// The plain reader reads exactly the regular tests, and reads each as the span-keeping
    /// reader does (which has nothing to say about it); every other test it leaves alone.
    #[test]
    fn the_plain_reader_agrees_with_the_tree_reader(members in test_item(), pad in 0usize..3) {
        let ws = [" ", "\n  ", ""][pad];
        let body = members
            .iter()
            .map(|(f, v)| format!("{ws}\"{f}\":{ws}{}", v.json()))
            .collect::<Vec<_>>()
            .join(",");
        let text = format!("{{{body}{ws}}}");
        let fast = plain(&text);
        let (diags, slow) = tree(&text);
        prop_assert_eq!(fast.is_some(), regular(&members), "{}", text);
        if let Some(fast) = fast {
            prop_assert!(diags.is_empty(), "{}: {:?}", text, diags);
            let slow = slow.unwrap();
            prop_assert!(same(&fast, &slow), "{}: {:?} / {:?}", text, fast, slow);
        }
    }
}

//! `iamsim check` as a pull-request gate: every wrong PASS a reviewer found is a case here that
//! must fail, each decided by the engine's own rules (the rule numbers of docs/rules.md).

use crate::support::{iamsim, stderr, stdout};

const REGRESS: &str = "fixtures/check/regress";

fn no_new_access(case: &str) -> std::process::Output {
    iamsim(&[
        "check",
        "no-new-access",
        &format!("{REGRESS}/{case}/old.json"),
        &format!("{REGRESS}/{case}/new.json"),
    ])
}

fn assert_fails(o: &std::process::Output, needle: &str) {
    assert_eq!(
        o.status.code(),
        Some(1),
        "expected FAIL\n{}{}",
        stdout(o),
        stderr(o)
    );
    assert!(
        stdout(o).contains(needle),
        "`{needle}` not in\n{}",
        stdout(o)
    );
}

/// Adding `"Version": "2012-10-17"` makes `${aws:username}` a variable (2.20, 2.21): every user
/// now reads their own home folder.
#[test]
fn version_added_makes_variables_live() {
    assert_fails(
        &no_new_access("version-added"),
        "arn:aws:s3:::home-bucket/home/",
    );
}

/// A negated operator's list shrinking from `[contractors, interns]` to `[contractors,
/// contractors]` lets interns in (3.3): not proven, so not a pass.
#[test]
fn negated_operator_values_narrowed() {
    assert_fails(&no_new_access("negated-values"), "aws:PrincipalTag/team");
}

/// `?` is one character, not one byte (2.7): `a??b` does not cover `aéb`.
#[test]
fn question_mark_is_one_character() {
    assert_fails(
        &no_new_access("question-mark-character"),
        "arn:aws:s3:::names/aéb",
    );
}

/// A mid-segment `*` that would have to cross a segment colon is read two ways (2.8): the old
/// Allow holds under one reading only, so it never allowed the new request.
#[test]
fn mid_segment_star_crossing_a_colon() {
    assert_fails(
        &no_new_access("mid-segment-colon"),
        "arn:aws:sns:us-east-1:111111111111:111111111111:topic",
    );
}

/// A wildcard in the service prefix is read two ways (2.2): `s3*:GetObject` in an Allow never
/// allowed `s3:GetObject`.
#[test]
fn service_prefix_wildcard() {
    assert_fails(&no_new_access("service-prefix-wildcard"), "s3:GetObject");
}

/// `Allow s3:* NotResource public/*` allows `s3:GetObject` on every other object (2.9).
#[test]
fn access_not_granted_reads_not_resource_as_the_complement() {
    let o = iamsim(&[
        "check",
        "access-not-granted",
        "--action",
        "s3:GetObject",
        &format!("{REGRESS}/not-resource/policy.json"),
    ]);
    assert_fails(&o, "s3:GetObject");
}

/// `--action 's3:*'` and `'s3:Get*'` are sets of catalog actions (2.1), not literal names.
#[test]
fn access_not_granted_actions_are_sets() {
    let policy = format!("{REGRESS}/not-resource/read-reports.json");
    for pattern in ["s3:*", "s3:Get*", "S3:GETOBJ*"] {
        let o = iamsim(&["check", "access-not-granted", "--action", pattern, &policy]);
        assert_fails(&o, "s3:GetObject");
    }
    let o = iamsim(&[
        "check",
        "access-not-granted",
        "--action",
        "s3:Put*",
        &policy,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

/// An action that is not in the catalog cannot be checked: bad input, never a pass.
#[test]
fn access_not_granted_unknown_action_is_bad_input() {
    let policy = format!("{REGRESS}/not-resource/read-reports.json");
    for action in ["garbage", "s3:NoSuchAction", "nosuchservice:*"] {
        let o = iamsim(&["check", "access-not-granted", "--action", action, &policy]);
        assert_eq!(o.status.code(), Some(2), "{action}: {}", stdout(&o));
        assert!(stderr(&o).contains(action), "{}", stderr(&o));
    }
}

/// `Principal "*"` narrowed by `aws:PrincipalAccount` to an outside account is as public as
/// naming the account (7.11).
#[test]
fn no_public_access_principal_account() {
    let o = iamsim(&[
        "check",
        "no-public-access",
        &format!("{REGRESS}/public-principal-account/bucket-policy.json"),
    ]);
    assert_fails(&o, "aws:PrincipalAccount");
}

// ---- whole worlds --------------------------------------------------------------------------

/// The new requests `check no-new-access OLD NEW` lists for a world pair, as expected.json
/// writes them (principal, via, action, resource, proven), sorted.
fn new_requests(dir: &str) -> (String, Vec<serde_json::Value>) {
    let o = iamsim(&[
        "check",
        "no-new-access",
        "--format",
        "json",
        &format!("{dir}/old"),
        &format!("{dir}/new"),
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let result = v["result"].as_str().unwrap().to_string();
    assert_eq!(
        o.status.code(),
        Some(if result == "pass" { 0 } else { 1 }),
        "{}",
        stdout(&o)
    );
    let mut found: Vec<serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            serde_json::json!({
                "principal": f["principal"], "via": f["via"], "action": f["action"],
                "resource": f["resource"], "proven": f["proven"],
            })
        })
        .collect();
    found.sort_by_key(|f| f.to_string());
    (result, found)
}

/// One world pair per kind of change a pull request makes (formats.md's whole-world gate): each
/// lists the requests that are new, and a pure reordering passes. Each world's tests.json
/// checks the first new request with `can` (denied before, allowed after).
#[test]
fn world_pairs_list_their_new_requests() {
    let worlds = crate::support::root().join("fixtures/check/worlds");
    let mut seen = 0;
    for entry in std::fs::read_dir(&worlds).unwrap() {
        let dir = entry.unwrap().path();
        let rel = format!(
            "fixtures/check/worlds/{}",
            dir.file_name().unwrap().to_str().unwrap()
        );
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                .unwrap();
        let mut want: Vec<serde_json::Value> = expected["new_requests"].as_array().unwrap().clone();
        want.sort_by_key(|f| f.to_string());
        let (result, found) = new_requests(&rel);
        assert_eq!(result, expected["result"], "{rel}");
        assert_eq!(found, want, "{rel}");
        seen += 1;
    }
    assert_eq!(seen, 5, "five world pairs");
}

/// A file against a folder is not a comparison: bad input.
#[test]
fn a_mix_of_kinds_is_bad_input() {
    let o = iamsim(&[
        "check",
        "no-new-access",
        "fixtures/check/worlds/reordered/old",
        "fixtures/check/new-access/new.json",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
}

// ---- policy pairs ----------------------------------------------------------------------------

fn scratch_pair(name: &str, old: &str, new: &str) -> (String, String) {
    let dir = std::env::temp_dir().join(format!("iamsim-gates-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (o, n) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&o, old).unwrap();
    std::fs::write(&n, new).unwrap();
    (
        o.to_str().unwrap().to_string(),
        n.to_str().unwrap().to_string(),
    )
}

fn compare(name: &str, old: &str, new: &str) -> std::process::Output {
    let (o, n) = scratch_pair(name, old, new);
    iamsim(&["check", "no-new-access", &o, &n])
}

const BASE: &str = r#"{"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
    {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#;

/// Dropping a Deny is new access (4.5); narrowing is not; widening the resource is; a new grant
/// under a condition is never a pass (3.1); a wildcard over today's actions grants tomorrow's.
#[test]
fn policy_pairs() {
    let o = compare(
        "drop-deny",
        BASE,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}"#,
    );
    assert_fails(&o, "s3:DeleteObject");
    let o = compare(
        "narrow",
        BASE,
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/logs/*"},
        {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = compare(
        "widen",
        BASE,
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
        {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#,
    );
    assert_fails(&o, "s3:GetObject");
    let o = compare(
        "conditional",
        BASE,
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"iam:CreateUser","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
        {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#,
    );
    assert_fails(&o, "iam:CreateUser");
    let listed = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetSessionToken"],"Resource":"*"}]}"#;
    let wild = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetSession*"],"Resource":"*"}]}"#;
    assert_fails(&compare("wild", listed, wild), "sts:GetSession");
    let o = compare("listed", wild, listed);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// SARIF and JUnit carry the same findings.
#[test]
fn sarif_and_junit() {
    let args = |f: &'static str| {
        vec![
            "check",
            "no-new-access",
            "--format",
            f,
            "fixtures/check/new-access/old.json",
            "fixtures/check/new-access/new.json",
        ]
    };
    let o = iamsim(&args("sarif"));
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "check/no-new-access");
    assert!(results[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("s3:PutObject arn:aws:s3:::reports/drafts/x"));
    let o = iamsim(&args("junit"));
    let xml = stdout(&o);
    assert!(xml.contains("failures=\"1\""), "{xml}");
    assert!(xml.contains("<failure message="), "{xml}");
}

// ---- the law of the gate -------------------------------------------------------------------

use proptest::prelude::*;
use proptest::test_runner::RngSeed;

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:Get*",
    "s3:*",
    "*",
    "s3:List*",
    "s3:*Object",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/a*",
    "arn:aws:s3:::b/a?c",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:s3:::c/*",
    "arn:aws:s3:::b",
    "*",
];
const TEAMS: &[&str] = &["x", "y"];

#[derive(Clone, Debug)]
struct St {
    deny: bool,
    not_action: bool,
    actions: Vec<&'static str>,
    not_resource: bool,
    resources: Vec<&'static str>,
    /// A condition on the caller's `team` tag: (negated, values).
    team: Option<(bool, Vec<&'static str>)>,
}

#[derive(Clone, Debug)]
struct Doc {
    version: bool,
    statements: Vec<St>,
}

fn some_of(v: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(v.to_vec(), 1..=2)
}

fn statement() -> impl Strategy<Value = St> {
    (
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.15),
        some_of(ACTIONS),
        prop::bool::weighted(0.15),
        some_of(RESOURCES),
        prop::option::weighted(0.3, (any::<bool>(), some_of(TEAMS))),
    )
        .prop_map(
            |(deny, not_action, actions, not_resource, resources, team)| St {
                deny,
                not_action,
                actions,
                not_resource,
                resources,
                team,
            },
        )
}

fn doc() -> impl Strategy<Value = Doc> {
    (
        prop::bool::weighted(0.8),
        prop::collection::vec(statement(), 1..=3),
    )
        .prop_map(|(version, statements)| Doc {
            version,
            statements,
        })
}

fn render(d: &Doc) -> String {
    let statements: Vec<serde_json::Value> = d
        .statements
        .iter()
        .map(|s| {
            let mut m = serde_json::Map::new();
            m.insert(
                "Effect".into(),
                (if s.deny { "Deny" } else { "Allow" }).into(),
            );
            m.insert(
                (if s.not_action { "NotAction" } else { "Action" }).into(),
                s.actions.clone().into(),
            );
            m.insert(
                (if s.not_resource {
                    "NotResource"
                } else {
                    "Resource"
                })
                .into(),
                s.resources.clone().into(),
            );
            if let Some((negated, values)) = &s.team {
                let op = if *negated {
                    "StringNotEquals"
                } else {
                    "StringEquals"
                };
                m.insert(
                    "Condition".into(),
                    serde_json::json!({ op: { "aws:PrincipalTag/team": values } }),
                );
            }
            serde_json::Value::Object(m)
        })
        .collect();
    let mut doc = serde_json::json!({ "Statement": statements });
    if d.version {
        doc["Version"] = "2012-10-17".into();
    }
    serde_json::to_string_pretty(&doc).unwrap()
}

/// The new policy: the old one edited the way pull requests edit policies, or a new one.
fn edit(old: &Doc, op: u8, i: usize, other: &Doc) -> Doc {
    let mut d = old.clone();
    let n = d.statements.len();
    let k = i % n;
    match op % 8 {
        0 => d.statements.reverse(),
        1 if n > 1 => {
            d.statements.remove(k);
        }
        2 => d.statements[k].actions.truncate(1),
        3 => d.statements[k].resources.truncate(1),
        4 => d.version = !d.version,
        5 => d.statements[k].team = None,
        6 => d
            .statements
            .extend(other.statements.iter().take(1).cloned()),
        _ => return other.clone(),
    }
    d
}

/// A world of one user with `policy` (and tag `team`), held in memory.
fn world_of(policy: &str, team: Option<&str>) -> iamsim_engine::World {
    let tags = team
        .map(|t| serde_json::json!({ "team": t }))
        .unwrap_or(serde_json::json!({}));
    let world = serde_json::json!({"accounts": {"111111111111": {
        "users": {"u": {"policies": ["p.json"], "tags": tags}},
        "buckets": {"b": {}, "c": {}}
    }}});
    let files = iamsim_engine::MemoryFiles::new("gate")
        .with("p.json", policy)
        .with("world.json", world.to_string());
    iamsim_engine::World::load_from(&files).unwrap()
}

const ASKED_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:DeleteObject",
    "iam:CreateUser",
];
const ASKED_RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/x",
    "arn:aws:s3:::b/a",
    "arn:aws:s3:::b/abc",
    "arn:aws:s3:::b/a\u{e9}c",
    "arn:aws:s3:::b/u/x",
    "arn:aws:s3:::b/${aws:username}/x",
    "arn:aws:s3:::c/x",
    "arn:aws:s3:::b",
    "*",
];

/// The first request of the asked alphabet `user` (through `via`) is allowed under `after` and
/// not under `before`, in words.
fn newly_allowed(
    before: &iamsim_engine::World,
    after: &iamsim_engine::World,
    user: &str,
    via: Option<&str>,
) -> Option<String> {
    for action in ASKED_ACTIONS {
        for resource in ASKED_RESOURCES {
            let q = iamsim_engine::Query {
                principal: format!("arn:aws:iam::111111111111:user/{user}"),
                action: (*action).into(),
                resource: (*resource).into(),
                via: match via {
                    None => iamsim_engine::Via::Direct,
                    Some(r) => iamsim_engine::Via::Roles(vec![iamsim_engine::ViaHop {
                        role_arn: r.into(),
                        params: Default::default(),
                    }]),
                },
                context: iamsim_policy::Context::new(),
                session_policies: Vec::new(),
            };
            // Denied before through every path (formats.md 11): a user that could already give
            // itself the request (a policy of its own writing) gains no access.
            let any = iamsim_engine::Query {
                via: iamsim_engine::Via::Any,
                ..q.clone()
            };
            let was = iamsim_engine::decide(before, &any).unwrap();
            let now = iamsim_engine::decide(after, &q).unwrap();
            if now == iamsim_engine::Decision::Allow && was != iamsim_engine::Decision::Allow {
                return Some(format!(
                    "{user} via {via:?}: {action} on {resource} is {was:?} before and allowed after"
                ));
            }
        }
    }
    None
}

fn gate_config() -> ProptestConfig {
    ProptestConfig {
        // Each case runs the binary once; `PROPTEST_CASES=500` for a deeper run.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(48),
        max_shrink_iters: 200,
        rng_seed: RngSeed::Fixed(
            std::env::var("PROPTEST_RNG_SEED")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0x6a7e_5013),
        ),
        ..ProptestConfig::default()
    }
}

static CASE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

proptest! {
    #![proptest_config(gate_config())]

    /// If `check no-new-access OLD NEW` passes, then `can` never allows under NEW a request it
    /// does not allow under OLD, for any caller tag and request of the policies' alphabet.
    #[test]
    fn a_passing_gate_hides_no_new_access(old in doc(), op in any::<u8>(), i in any::<usize>(), other in doc()) {
        let new = edit(&old, op, i, &other);
        let n = CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("iamsim-gate-law-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (old_text, new_text) = (render(&old), render(&new));
        std::fs::write(dir.join("old.json"), &old_text).unwrap();
        std::fs::write(dir.join("new.json"), &new_text).unwrap();
        let o = iamsim(&[
            "check", "no-new-access",
            dir.join("old.json").to_str().unwrap(),
            dir.join("new.json").to_str().unwrap(),
        ]);
        prop_assert!(o.status.code() != Some(2) || !stderr(&o).is_empty());
        if std::env::var_os("IAMSIM_GATE_LAW_TRACE").is_some() {
            eprintln!("gate law case {n}: exit {:?}", o.status.code());
        }
        if o.status.code() == Some(0) {
            for team in [None, Some("x"), Some("y"), Some("z")] {
                let before = world_of(&old_text, team);
                let after = world_of(&new_text, team);
                let found = newly_allowed(&before, &after, "u", None);
                prop_assert!(
                    found.is_none(),
                    "PASS, yet {} (team {team:?})\nold: {old_text}\nnew: {new_text}",
                    found.unwrap_or_default()
                );
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// 24 KB of bucket policies (two of 24 statements, 8 principals, actions and resources each) once ran
/// the comparison out of memory; now the requests and the decisions a comparison makes are
/// capped, and one past a cap fails at once, saying why.
#[test]
fn large_bucket_policies_are_bounded() {
    let policy = |extra: bool| {
        let statements: Vec<serde_json::Value> = (0..24)
            .map(|i| {
                let mut resources: Vec<String> = (0..8)
                    .map(|j| format!("arn:aws:s3:::big/p{i}/{j}/*"))
                    .collect();
                if extra && i == 5 {
                    resources.push("arn:aws:s3:::big/extra/*".into());
                }
                serde_json::json!({
                    "Sid": format!("S{i}"),
                    "Effect": "Allow",
                    "Principal": {"AWS": (0..8).map(|j| format!("arn:aws:iam::{}:root", 200_000_000_000u64 + i * 10 + j)).collect::<Vec<_>>()},
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:GetObjectAcl", "s3:PutObjectAcl", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging", "s3:ListBucket"],
                    "Resource": resources,
                })
            })
            .collect();
        serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
    };
    let (old, new) = (policy(false), policy(true));
    assert!(old.len() + new.len() > 24_000, "{}", new.len());
    let o = compare("large", &old, &new);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("could not prove"), "{}", stdout(&o));
}

/// Two folders of policy files are compared file by file, paired by relative path: a changed
/// file against its old self, an added file against nothing, a removed file with a Deny as not
/// proven harmless.
#[test]
fn folders_of_policy_files_pair_by_relative_path() {
    let base = std::env::temp_dir().join(format!("iamsim-gates-folders-{}", std::process::id()));
    let (old, new) = (base.join("old"), base.join("new"));
    for d in [&old, &new] {
        std::fs::create_dir_all(d.join("team")).unwrap();
    }
    let fix = crate::support::root().join("fixtures/check");
    let copy = |from: &str, to: &std::path::Path| std::fs::copy(fix.join(from), to).unwrap();
    copy("reordered/old.json", &old.join("team/reports.json"));
    copy("reordered/new.json", &new.join("team/reports.json"));
    let run = || {
        iamsim(&[
            "check",
            "no-new-access",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
        ])
    };
    let o = run();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    copy("new-access/new.json", &new.join("drafts.json"));
    assert_fails(&run(), "the policy is new and allows it");
    std::fs::remove_file(new.join("drafts.json")).unwrap();
    copy("reordered/old.json", &old.join("gone.json"));
    assert_fails(&run(), "the policy was removed");
    // A world and a policy file are not of one kind.
    let o = iamsim(&[
        "check",
        "no-new-access",
        "fixtures/check/worlds/reordered/old",
        new.join("team/reports.json").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&base);
}

/// A small world: users `u` (maybe in group `g`, maybe with a boundary) and `v`, role `r`
/// (trusting `u` or the whole account), buckets `b` and `c`.
#[derive(Clone, Debug)]
struct SmallWorld {
    u: Doc,
    v: Doc,
    g: Doc,
    r: Doc,
    boundary: Option<Doc>,
    u_in_g: bool,
    trust_account: bool,
}

fn small_world() -> impl Strategy<Value = SmallWorld> {
    (
        doc(),
        doc(),
        doc(),
        doc(),
        prop::option::of(doc()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(u, v, g, r, boundary, u_in_g, trust_account)| SmallWorld {
            u,
            v,
            g,
            r,
            boundary,
            u_in_g,
            trust_account,
        })
}

/// The new world: the old one with one change of the kinds pull requests make.
fn change(old: &SmallWorld, op: u8, i: usize, other: &SmallWorld) -> SmallWorld {
    let mut w = old.clone();
    match op % 7 {
        0 => w.u = edit(&old.u, (i % 7) as u8, i, &other.u),
        1 => w.g = edit(&old.g, (i % 7) as u8, i, &other.g),
        2 => w.r = edit(&old.r, (i % 7) as u8, i, &other.r),
        3 => w.u_in_g = !w.u_in_g,
        4 => w.boundary = other.boundary.clone(),
        5 => w.trust_account = !w.trust_account,
        _ => w.v = edit(&old.v, (i % 7) as u8, i, &other.v),
    }
    w
}

fn write_small_world(dir: &std::path::Path, w: &SmallWorld) -> iamsim_engine::World {
    std::fs::create_dir_all(dir).unwrap();
    for (name, d) in [("u", &w.u), ("v", &w.v), ("g", &w.g), ("r", &w.r)] {
        std::fs::write(dir.join(format!("{name}.json")), render(d)).unwrap();
    }
    let trusted = if w.trust_account {
        serde_json::json!("111111111111")
    } else {
        serde_json::json!("arn:aws:iam::111111111111:user/u")
    };
    std::fs::write(
        dir.join("trust.json"),
        serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": trusted}, "Action": "sts:AssumeRole"}]})
        .to_string(),
    )
    .unwrap();
    let mut u = serde_json::json!({"policies": ["u.json"]});
    if w.u_in_g {
        u["groups"] = serde_json::json!(["g"]);
    }
    if let Some(b) = &w.boundary {
        std::fs::write(dir.join("boundary.json"), render(b)).unwrap();
        u["boundary"] = "boundary.json".into();
    }
    let world = serde_json::json!({"accounts": {"111111111111": {
        "users": {"u": u, "v": {"policies": ["v.json"]}},
        "groups": {"g": {"policies": ["g.json"]}},
        "roles": {"r": {"trust": "trust.json", "policies": ["r.json"]}},
        "buckets": {"b": {}, "c": {}}
    }}});
    std::fs::write(dir.join("world.json"), world.to_string()).unwrap();
    iamsim_engine::World::load(dir).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: gate_config().cases / 2, ..gate_config() })]

    /// The same law for small world pairs: if `check no-new-access OLD NEW` passes, no user,
    /// directly or through the role, is allowed under NEW a request OLD does not allow it.
    #[test]
    fn a_passing_world_gate_hides_no_new_access(old in small_world(), op in any::<u8>(), i in any::<usize>(), other in small_world()) {
        let new = change(&old, op, i, &other);
        let n = CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("iamsim-world-law-{}-{n}", std::process::id()));
        let before = write_small_world(&dir.join("old"), &old);
        let after = write_small_world(&dir.join("new"), &new);
        let o = iamsim(&[
            "check", "no-new-access",
            dir.join("old").to_str().unwrap(),
            dir.join("new").to_str().unwrap(),
        ]);
        if std::env::var_os("IAMSIM_GATE_LAW_TRACE").is_some() {
            eprintln!("world law case {n}: exit {:?}", o.status.code());
        }
        prop_assert!(o.status.code() != Some(2), "{}", stderr(&o));
        if o.status.code() == Some(0) {
            for user in ["u", "v"] {
                for via in [None, Some("arn:aws:iam::111111111111:role/r")] {
                    let found = newly_allowed(&before, &after, user, via);
                    prop_assert!(
                        found.is_none(),
                        "PASS, yet {}\nold: {old:?}\nnew: {new:?}",
                        found.unwrap_or_default()
                    );
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A new access that holds only under a condition is a finding all the same, and its JSON
/// `conditions` are the alternatives under which it holds, each a list of `{key, operator,
/// values}` (formats 5 and 11), with the same conditions in words under `when`.
#[test]
fn a_conditional_new_access_gives_its_conditions_as_terms() {
    let case = "conditional-grant";
    let o = iamsim(&[
        "check",
        "no-new-access",
        "--format",
        "json",
        &format!("{REGRESS}/{case}/old.json"),
        &format!("{REGRESS}/{case}/new.json"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v}");
    let f = &findings[0];
    assert_eq!(f["resource"], "arn:aws:s3:::payroll/x");
    let term = &f["conditions"][0][0];
    assert_eq!(term["key"], "aws:SourceIp");
    assert_eq!(term["operator"], "IpAddress");
    assert_eq!(term["values"][0], "203.0.113.0/24");
    assert_eq!(f["conditions"].as_array().unwrap().len(), 1);
    assert!(f["when"][0].as_str().unwrap().contains("203.0.113.0/24"));
}

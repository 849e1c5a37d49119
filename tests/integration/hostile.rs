//! Small versions of the hostile inputs of `scripts/hostile-input.sh` (README "Hostile input"),
//! as correctness checks: each loads and decides, or stops with the stated diagnostic. No timing
//! assertions; the full-size runs and their figures are the script's.

use iamsim_engine::{load_tests, run_tests, Decision, World};
use iamsim_policy::Code;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const A: &str = "111111111111";

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("iamsim-hostile-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("policies")).unwrap();
        TempDir(dir)
    }
    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        std::fs::write(self.0.join(rel), text).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn codes(dir: &Path) -> Vec<Code> {
    match World::load(dir) {
        Ok(_) => Vec::new(),
        Err(e) => e.diagnostics.iter().map(|d| d.code).collect(),
    }
}

fn decisions(dir: &Path, tests: &Value) -> Vec<Decision> {
    std::fs::write(dir.join("tests.json"), tests.to_string()).unwrap();
    let w = World::load(dir).unwrap();
    let cases = load_tests(&w, &dir.join("tests.json")).unwrap();
    run_tests(&w, &cases)
        .iter()
        .map(|o| o.answer.as_ref().unwrap().decision)
        .collect()
}

fn allow(action: &str, resource: &str) -> Value {
    json!({"Version": "2012-10-17",
           "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})
}

#[test]
fn deep_nesting_stops_with_nesting_too_deep() {
    let deep = format!("{}{}", "[".repeat(2_000), "]".repeat(2_000));
    let t = TempDir::new("deep");
    t.write(
        "world.json",
        json!({"accounts": {A: {"users": {"alice": {"policies": ["policies/deep.json"]}}}}})
            .to_string(),
    );
    t.write(
        "policies/deep.json",
        format!(r#"{{"Version":"2012-10-17","Statement":{deep}}}"#),
    );
    assert_eq!(codes(&t.0), vec![Code::NestingTooDeep]);
    t.write(
        "world.json",
        format!(
            r#"{{"accounts":{}1{}}}"#,
            "{\"x\":".repeat(2_000),
            "}".repeat(2_000)
        ),
    );
    assert_eq!(codes(&t.0), vec![Code::NestingTooDeep]);
}

#[test]
fn an_oversize_policy_is_refused_without_being_compiled() {
    let t = TempDir::new("big");
    let resources: Vec<String> = (0..20_000)
        .map(|i| format!("arn:aws:s3:::bucket-{i}/*"))
        .collect();
    t.write(
        "policies/big.json",
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resources}]})
        .to_string(),
    );
    t.write(
        "world.json",
        json!({"accounts": {A: {"users": {"alice": {"policies": ["policies/big.json"]}}}}})
            .to_string(),
    );
    assert_eq!(
        codes(&t.0),
        vec![Code::PolicySizeExceedsIdentityPolicyQuota]
    );
}

#[test]
fn ten_thousand_statements_over_a_thousand_users_load_and_decide() {
    let t = TempDir::new("many");
    let users: serde_json::Map<String, Value> = (0..1_000)
        .map(|u| {
            let stmts: Vec<Value> = (0..10)
                .map(|i| {
                    json!({"Effect": "Allow", "Action": "s3:GetObject",
                                "Resource": format!("arn:aws:s3:::b{u}-{i}/*")})
                })
                .collect();
            (
                format!("u{u}"),
                json!({"policies": [{"Version": "2012-10-17", "Statement": stmts}]}),
            )
        })
        .collect();
    t.write(
        "world.json",
        json!({"accounts": {A: {"users": users, "buckets": {"b999-9": {}}}}}).to_string(),
    );
    let tests = json!({"tests": [
        {"name": "own", "principal": format!("arn:aws:iam::{A}:user/u999"), "action": "s3:GetObject",
         "resource": "arn:aws:s3:::b999-9/k", "expect": "allow"},
        {"name": "other", "principal": format!("arn:aws:iam::{A}:user/u998"), "action": "s3:GetObject",
         "resource": "arn:aws:s3:::b999-9/k", "expect": "deny"}]});
    assert_eq!(
        decisions(&t.0, &tests),
        vec![Decision::Allow, Decision::ImplicitDeny]
    );
}

/// 20 roles. `ring`: role i trusts role i-1 (role 0 trusts alice); otherwise every role trusts
/// the account. Every role may assume any role; only the last reads the bucket.
fn roles_world(t: &TempDir, ring: bool) {
    let roles: serde_json::Map<String, Value> = (0..20)
        .map(|i| {
            let who = if !ring {
                format!("arn:aws:iam::{A}:root")
            } else if i == 0 {
                format!("arn:aws:iam::{A}:user/alice")
            } else {
                format!("arn:aws:iam::{A}:role/r{}", i - 1)
            };
            let mut policies = vec![allow("sts:AssumeRole", "*")];
            if i == 19 {
                policies.push(allow("s3:GetObject", "arn:aws:s3:::b/*"));
            }
            (
                format!("r{i}"),
                json!({"trust": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": who}, "Action": "sts:AssumeRole"}]},
                       "policies": policies}),
            )
        })
        .collect();
    t.write(
        "world.json",
        json!({"accounts": {A: {
            "users": {"alice": {"policies": [allow("sts:AssumeRole", "*")]}},
            "roles": roles, "buckets": {"b": {}}}}})
        .to_string(),
    );
}

#[test]
fn roles_that_trust_each_other_in_a_cycle_end_the_search() {
    let any = json!({"tests": [{"name": "any", "principal": format!("arn:aws:iam::{A}:user/alice"),
        "via": "*", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "expect": "deny"}]});
    // The ring's reader is 20 hops away, past the 8-hop bound: denied, and the search ends.
    let t = TempDir::new("ring");
    roles_world(&t, true);
    assert_eq!(decisions(&t.0, &any), vec![Decision::ImplicitDeny]);
    // Every role trusts every other: the reader is one hop away.
    let t = TempDir::new("clique");
    roles_world(&t, false);
    assert_eq!(decisions(&t.0, &any), vec![Decision::Allow]);
}

#[test]
fn a_one_line_tests_file_of_many_requests_runs() {
    // Positions of tests on one long line used to cost a scan from the line start each.
    let t = TempDir::new("tests");
    t.write(
        "world.json",
        json!({"accounts": {A: {"users": {"alice": {"policies": [allow("*", "*")]}},
                                "buckets": {"b": {}}}}})
        .to_string(),
    );
    let tests: Vec<Value> = (0..5_000)
        .map(|i| {
            json!({"name": format!("t{i}"), "principal": format!("arn:aws:iam::{A}:user/alice"),
                        "action": "s3:GetObject", "resource": format!("arn:aws:s3:::b/k{i}"),
                        "expect": "allow"})
        })
        .collect();
    let d = decisions(&t.0, &json!({ "tests": tests }));
    assert_eq!(d.len(), 5_000);
    assert!(d.iter().all(|d| *d == Decision::Allow));
}

// Files from a pull request that try to read the runner's secrets or hang the job. Every
// output (stdout and stderr) of every command is searched for the planted secret.

use crate::support::{iamsim, stderr, stdout};
use std::process::Output;

const SECRET: &str = "ghp_PLANTEDSECRET0123456789";

/// A repository: `repo/world` is the world, `repo/secret.json` and `outside/token.json` hold
/// the planted secret (a JSON key file and a token), neither a policy.
struct Repo {
    t: TempDir,
}

impl Repo {
    fn new(name: &str) -> Repo {
        let t = TempDir::new(name);
        std::fs::create_dir_all(t.0.join("repo/world/policies")).unwrap();
        std::fs::create_dir_all(t.0.join("outside")).unwrap();
        t.write(
            "repo/secret.json",
            format!("{{\"{SECRET}\": \"key\", \"private_key\": \"{SECRET}\"}}"),
        );
        t.write("outside/token.json", format!("TOKEN={SECRET}\n"));
        t.write(
            "repo/world/policies/ok.json",
            allow("s3:GetObject", "*").to_string(),
        );
        Repo { t }
    }
    fn world(&self) -> PathBuf {
        self.t.0.join("repo/world")
    }
    fn repo(&self) -> PathBuf {
        self.t.0.join("repo")
    }
    /// A world whose user `u` names `policy`.
    fn world_naming(&self, policy: &str) {
        self.t.write(
            "repo/world/world.json",
            json!({"accounts": {A: {"users": {"u": {"policies": [policy]}}}}}).to_string(),
        );
    }
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// Neither stream holds the secret, and the run failed with exit 2.
fn refused_quietly(o: &Output) -> String {
    let all = failed_quietly(o);
    assert_eq!(o.status.code(), Some(2), "{all}");
    all
}

/// Neither stream holds the secret, and the run failed (exit 1: lint's findings; 2: input).
fn failed_quietly(o: &Output) -> String {
    let all = format!("{}{}", stdout(o), stderr(o));
    assert!(!all.contains(SECRET), "the secret leaked:\n{all}");
    assert!(
        !all.contains("PLANTED"),
        "part of the secret leaked:\n{all}"
    );
    assert!(matches!(o.status.code(), Some(1 | 2)), "{all}");
    all
}

#[test]
fn world_references_outside_the_folder_are_refused_without_reading_them() {
    let r = Repo::new("escape");
    let w = path(&r.world());
    for reference in [
        "../secret.json".to_string(),
        "../../outside/token.json".to_string(),
        path(&r.repo().join("secret.json")),
        "/proc/self/environ".to_string(),
        "/etc/passwd".to_string(),
    ] {
        r.world_naming(&reference);
        for args in [
            vec![
                "can",
                "--world",
                &w,
                "arn:aws:iam::111111111111:user/u",
                "s3:GetObject",
                "arn:aws:s3:::b/k",
            ],
            vec!["who-can", "--world", &w, "s3:GetObject", "arn:aws:s3:::b/k"],
            vec!["lint", &w],
            vec!["check", "no-public-access", &w],
        ] {
            let all = refused_quietly(&iamsim(&args));
            assert!(
                all.contains("PATH_OUTSIDE_ROOT") || all.contains("FILE_NOT_FOUND"),
                "{args:?} {reference}: {all}"
            );
            assert!(all.contains(&reference), "the reference is named: {all}");
        }
    }
}

#[test]
fn a_wider_root_reads_inside_it_but_never_quotes_a_file_outside_the_world() {
    let r = Repo::new("root");
    let w = path(&r.world());
    let root = path(&r.repo());
    r.world_naming("../secret.json");
    for args in [
        vec![
            "--root",
            &root,
            "can",
            "--world",
            &w,
            "arn:aws:iam::111111111111:user/u",
            "s3:GetObject",
            "arn:aws:s3:::b/k",
        ],
        vec!["lint", "--root", &root, &w],
    ] {
        let all = failed_quietly(&iamsim(&args));
        assert!(all.contains("content is not shown"), "{all}");
    }
    // Inside the root but through `..` past it: refused.
    r.world_naming("../../outside/token.json");
    let all = refused_quietly(&iamsim(&["--root", &root, "test", &w]));
    assert!(all.contains("PATH_OUTSIDE_ROOT"), "{all}");
}

#[cfg(unix)]
#[test]
fn symlinks_out_dev_zero_and_fifos_are_refused_at_once() {
    let r = Repo::new("links");
    let w = r.world();
    std::os::unix::fs::symlink("../../secret.json", w.join("policies/link.json")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", w.join("policies/zero.json")).unwrap();
    let fifo = w.join("policies/fifo.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let ws = path(&w);
    for (reference, code) in [
        ("policies/link.json", "PATH_OUTSIDE_ROOT"),
        ("policies/zero.json", "PATH_OUTSIDE_ROOT"),
        ("policies/fifo.json", "NOT_A_REGULAR_FILE"),
    ] {
        r.world_naming(reference);
        let all = refused_quietly(&iamsim(&["who-can", "--world", &ws, "s3:GetObject", "*"]));
        assert!(all.contains(code), "{reference}: {all}");
    }
    // world.json itself a symlink to /dev/zero, and a FIFO.
    std::fs::remove_file(w.join("world.json")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", w.join("world.json")).unwrap();
    let all = refused_quietly(&iamsim(&["test", &ws]));
    assert!(all.contains("PATH_OUTSIDE_ROOT"), "{all}");
    std::fs::remove_file(w.join("world.json")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(w.join("world.json"))
        .status()
        .unwrap();
    assert!(made.success());
    let all = refused_quietly(&iamsim(&["test", &ws]));
    assert!(all.contains("NOT_A_REGULAR_FILE"), "{all}");
    // Named on the command line: a FIFO and /dev/zero are refused, never waited on or read.
    let all = refused_quietly(&iamsim(&["lint", &path(&fifo)]));
    assert!(all.contains("NOT_A_REGULAR_FILE"), "{all}");
    let all = refused_quietly(&iamsim(&["lint", "/dev/zero"]));
    assert!(all.contains("NOT_A_REGULAR_FILE"), "{all}");
    let all = refused_quietly(&iamsim(&["lint", "/proc/self/environ"]));
    assert!(all.contains("NOT_A_REGULAR_FILE"), "{all}");
}

#[cfg(unix)]
#[test]
fn lint_walks_every_policy_below_a_folder_without_loops_or_leaving_it() {
    let r = Repo::new("walk");
    let w = r.world();
    r.world_naming("policies/ok.json");
    // An admin policy beside world.json that world.json does not name is read too.
    r.t.write("repo/world/admin.json", allow("iam:*", "*").to_string());
    std::os::unix::fs::symlink(".", w.join("x")).unwrap();
    std::os::unix::fs::symlink("..", w.join("policies/y")).unwrap();
    std::os::unix::fs::symlink("../../outside/token.json", w.join("stolen.json")).unwrap();
    let o = iamsim(&["lint", "--format", "json", &path(&w)]);
    let out = stdout(&o);
    assert!(!format!("{out}{}", stderr(&o)).contains(SECRET));
    let v: Value = serde_json::from_str(&out).unwrap();
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(files.iter().any(|f| f.ends_with("admin.json")), "{out}");
    assert!(
        files.iter().any(|f| f.ends_with("stolen.json")),
        "the symlink out is reported: {out}"
    );
    // Reported as a path outside the tree, which is exit 2.
    assert_eq!(o.status.code(), Some(2));
    assert!(out.contains("PATH_OUTSIDE_ROOT"), "{out}");
}

#[test]
fn a_tests_file_outside_the_world_is_not_quoted() {
    let r = Repo::new("testsfile");
    r.world_naming("policies/ok.json");
    let all = refused_quietly(&iamsim(&[
        "test",
        &path(&r.world()),
        &path(&r.t.0.join("outside/token.json")),
    ]));
    assert!(all.contains("content is not shown"), "{all}");
    // session_policy of a test: a reference like any other.
    r.t.write(
        "repo/world/tests.json",
        json!({"tests": [{"name": "t", "principal": "arn:aws:iam::111111111111:user/u",
            "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
            "session_policy": "../../outside/token.json", "expect": "deny"}]})
        .to_string(),
    );
    let all = refused_quietly(&iamsim(&["test", &path(&r.world())]));
    assert!(all.contains("PATH_OUTSIDE_ROOT"), "{all}");
}

#[test]
fn aws_cli_files_outside_the_world_are_not_quoted() {
    let r = Repo::new("awscli");
    r.world_naming("policies/ok.json");
    r.t.write(
        "outside/config",
        format!("[profile x]\nthis line is {SECRET}\n"),
    );
    let all = refused_quietly(&iamsim(&[
        "can",
        "--world",
        &path(&r.world()),
        "--aws-config",
        &path(&r.t.0.join("outside/config")),
        "--",
        "aws",
        "s3",
        "ls",
        "--profile",
        "x",
    ]));
    assert!(all.contains("content is not shown"), "{all}");
}

#[test]
fn names_cannot_issue_workflow_commands_or_escape_sequences() {
    let r = Repo::new("names");
    r.world_naming("policies/ok.json");
    let evil = "x\n::error::pwned\n::add-mask::\u{1b}[2K\u{1b}[1A\r\u{9b}2K ##[error]y";
    r.t.write(
        "repo/world/tests.json",
        json!({"tests": [{"name": evil, "principal": "arn:aws:iam::111111111111:user/u",
            "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "expect": "deny"}]})
        .to_string(),
    );
    for format in ["text", "json", "junit"] {
        let o = iamsim(&["test", "--format", format, &path(&r.world())]);
        assert_eq!(o.status.code(), Some(1), "the test fails: {}", stdout(&o));
        for out in [stdout(&o), stderr(&o)] {
            for line in out.lines() {
                let t = line.trim_start();
                assert!(
                    !t.starts_with("::") && !t.starts_with("##["),
                    "{format}: {line:?}"
                );
            }
            assert!(
                !out.chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t'),
                "{format}: {out:?}"
            );
        }
        if format == "json" {
            let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
            assert!(v.to_string().contains("pwned"));
        }
    }
}

#[test]
fn nothing_examined_is_never_a_pass() {
    let r = Repo::new("nothing");
    let w = path(&r.world());
    // A misspelt key: the world does not load, and lint and check examined no policy.
    r.t.write(
        "repo/world/world.json",
        json!({"acounts": {A: {"users": {"u": {"policies": ["policies/ok.json"]}}}}}).to_string(),
    );
    for args in [
        vec!["lint", &w],
        vec!["check", "no-public-access", &w],
        vec![
            "check",
            "access-not-granted",
            "--action",
            "s3:GetObject",
            &w,
        ],
        vec!["test", &w],
    ] {
        let o = iamsim(&args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}{}",
            stdout(&o),
            stderr(&o)
        );
    }
    // An empty tests file.
    r.world_naming("arn:aws:iam::aws:policy/ReadOnlyAccess");
    r.t.write("repo/world/tests.json", r#"{"tests": []}"#);
    let o = iamsim(&["test", &w]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no test"), "{}", stderr(&o));
    // A folder with no policy at all.
    std::fs::remove_file(r.world().join("policies/ok.json")).unwrap();
    let o = iamsim(&["lint", &path(&r.t.0.join("outside"))]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn an_scp_file_whose_name_ends_in_full_aws_access_is_linted() {
    let r = Repo::new("scp");
    r.t.write(
        "repo/world/policies/NotFullAWSAccess",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}]})
            .to_string(),
    );
    r.t.write(
        "repo/world/world.json",
        json!({"accounts": {A: {}}, "organization": {"id": "o-exampleorgid", "root": {
            "scps": ["FullAWSAccess", "policies/NotFullAWSAccess"], "accounts": [A]}}})
        .to_string(),
    );
    let o = iamsim(&["lint", "--format", "json", &path(&r.world())]);
    let out = stdout(&o);
    assert!(
        out.contains("NotFullAWSAccess") && out.contains("INVALID_ACTION"),
        "{out}"
    );
}

#[test]
fn who_can_output_is_bounded_by_the_limit_and_the_work_cap() {
    let t = TempDir::new("whocan-cap");
    let n = iamsim_engine::WHO_CAN_MAX_ENTRIES + 5;
    let users: serde_json::Map<String, Value> = (0..n)
        .map(|i| (format!("u{i}"), json!({"groups": ["g"]})))
        .collect();
    t.write(
        "world.json",
        json!({"accounts": {A: {"users": users, "buckets": {"b": {}},
            "groups": {"g": {"policies": ["policies/read.json"]}}}}})
        .to_string(),
    );
    t.write(
        "policies/read.json",
        allow("s3:GetObject", "arn:aws:s3:::b/*").to_string(),
    );
    let w = path(&t.0);
    let o = iamsim(&[
        "who-can",
        "--world",
        &w,
        "--limit",
        "3",
        "s3:GetObject",
        "arn:aws:s3:::b/k",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out.matches("\nALLOW ").count(), 3, "{out}");
    assert!(out.contains("INCOMPLETE"), "{out}");
    assert!(out.contains("more not shown"), "{out}");
    assert!(
        out.contains(&format!(
            "111111111111: {} / 0 / 0",
            iamsim_engine::WHO_CAN_MAX_ENTRIES
        )),
        "{out}"
    );
    let o = iamsim(&[
        "who-can",
        "--world",
        &w,
        "--format",
        "json",
        "s3:GetObject",
        "arn:aws:s3:::b/k",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let listed = v["principals"].as_array().unwrap().len();
    assert_eq!(listed, iamsim_engine::WHO_CAN_MAX_ENTRIES);
    // One entry per user and one for the root user: every principal is listed or counted as
    // not examined (anonymous callers and other accounts come after them, and are counted too).
    let omitted = v["omitted"].as_u64().unwrap() as usize;
    assert!(omitted + listed > n, "{omitted} + {listed}");
    assert!(omitted < n, "{omitted}");
}

/// An export with one account whose authorization details are `details`.
fn export(t: &TempDir, details: &Value) -> PathBuf {
    let acct = t.0.join("export/accounts").join(A);
    std::fs::create_dir_all(&acct).unwrap();
    std::fs::write(acct.join("authorization-details.json"), details.to_string()).unwrap();
    t.0.join("export")
}

fn inline(name: &str, action: &str) -> Value {
    json!({"PolicyName": name, "PolicyDocument": allow(action, "*")})
}

fn user(name: &str, policies: Vec<Value>, attached: Vec<&str>) -> Value {
    json!({"UserName": name, "Path": "/", "Arn": format!("arn:aws:iam::{A}:user/{name}"),
        "UserPolicyList": policies, "GroupList": [],
        "AttachedManagedPolicies": attached.iter().map(|a| json!({"PolicyArn": a, "PolicyName": "x"})).collect::<Vec<_>>()})
}

fn import_to(from: &Path, out: &Path, force: bool) -> Output {
    let mut args = vec![
        "import",
        "--from",
        from.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    if force {
        args.push("--force");
    }
    iamsim(&args)
}

#[test]
fn import_names_cannot_collide_and_ids_are_checked() {
    let t = TempDir::new("import-collide");
    // `dev` + `ro-inline-s3` and `dev-inline-ro` + `s3` once made the same file name.
    let from = export(
        &t,
        &json!({"UserDetailList": [
            user("dev", vec![inline("ro-inline-s3", "s3:GetObject")], vec![]),
            user("dev-inline-ro", vec![inline("s3", "iam:*")], vec![]),
        ], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}),
    );
    let out = t.0.join("world");
    let o = import_to(&from, &out, false);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = World::load(&out).unwrap();
    let who = |name: &str, action: &str| {
        let q = iamsim_engine::Query {
            principal: format!("arn:aws:iam::{A}:user/{name}"),
            action: action.into(),
            resource: "*".into(),
            via: iamsim_engine::Via::Direct,
            context: iamsim_policy::Context::new(),
            session_policies: Vec::new(),
        };
        iamsim_engine::ask(&w, &q).unwrap().decision
    };
    assert_eq!(who("dev", "iam:CreateUser"), Decision::ImplicitDeny);
    assert_eq!(who("dev-inline-ro", "iam:CreateUser"), Decision::Allow);

    // An ARN the export has no document for stays an ARN; something else is refused.
    let t2 = TempDir::new("import-arn");
    let from = export(
        &t2,
        &json!({"UserDetailList": [user("u", vec![], vec!["arn:aws:iam::111111111111:policy/Gone"])]}),
    );
    let out2 = t2.0.join("world");
    let o = import_to(&from, &out2, false);
    let world = std::fs::read_to_string(out2.join("world.json")).unwrap_or_default();
    assert!(
        world.contains("\"arn:aws:iam::111111111111:policy/Gone\""),
        "{}{world}",
        stderr(&o)
    );
    let t3 = TempDir::new("import-path");
    let from = export(
        &t3,
        &json!({"UserDetailList": [user("u", vec![], vec!["../../secret.json"])]}),
    );
    let o = import_to(&from, &t3.0.join("world"), false);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a policy ARN"), "{}", stderr(&o));
    // An organization whose ids are not AWS ids.
    let org = from.join("organizations");
    std::fs::create_dir_all(&org).unwrap();
    let from = export(&t3, &json!({"UserDetailList": []}));
    std::fs::write(
        org.join("describe-organization.json"),
        r#"{"Organization": {"Id": "o-abcdefghij"}}"#,
    )
    .unwrap();
    std::fs::write(
        org.join("list-roots.json"),
        r#"{"Roots": [{"Id": "../../../etc"}]}"#,
    )
    .unwrap();
    let o = import_to(&from, &t3.0.join("world2"), false);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not an AWS root id"), "{}", stderr(&o));
}

#[test]
fn import_refuses_what_is_not_an_export_and_never_mixes_old_files_in() {
    let t = TempDir::new("import-fresh");
    let from = export(&t, &json!([1, 2, 3]));
    let out = t.0.join("world");
    let o = import_to(&from, &out, false);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("get-account-authorization-details"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("world.json").exists());

    let from = export(
        &t,
        &json!({"UserDetailList": [user("u", vec![inline("p", "s3:GetObject")], vec![])]}),
    );
    assert_eq!(import_to(&from, &out, false).status.code(), Some(0));
    std::fs::write(out.join("policies/stale-scp.json"), "{}").unwrap();
    // Into a folder that is not empty: refused, and the folder is left alone.
    let o = import_to(&from, &out, false);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert!(out.join("policies/stale-scp.json").exists());
    // --force replaces it whole: nothing of the earlier import stays.
    assert_eq!(import_to(&from, &out, true).status.code(), Some(0));
    assert!(!out.join("policies/stale-scp.json").exists());
    assert!(World::load(&out).is_ok());
    // --force never removes a folder that is not a world.
    let other = t.0.join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("keep.txt"), "mine").unwrap();
    assert_eq!(import_to(&from, &other, true).status.code(), Some(2));
    assert!(other.join("keep.txt").exists());
}

#[cfg(unix)]
#[test]
fn a_world_tests_file_that_is_a_symlink_out_is_refused() {
    let r = Repo::new("tests-link");
    r.world_naming("policies/ok.json");
    std::os::unix::fs::symlink("../../outside/token.json", r.world().join("tests.json")).unwrap();
    let all = refused_quietly(&iamsim(&["test", &path(&r.world())]));
    assert!(all.contains("PATH_OUTSIDE_ROOT"), "{all}");
}

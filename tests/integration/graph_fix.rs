//! `iamsim graph` and `--suggest-fix` (formats.md §10): golden files for the graph formats, the
//! graph of every tutorial world showing all its principals, roles and buckets (also in a real
//! headless browser when one is installed), and for every denied request of the tutorial worlds
//! a fix that, applied to a copy of the world, makes `iamsim can` answer ALLOW.

use crate::support::{golden, iamsim, root, stderr, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TUTORIALS: &[&str] = &[
    "aws-cli-role-profile",
    "consultant-role",
    "bucket-policy-user",
    "bucket-policy-user-no-bucket-policy",
    "bucket-policy-user-no-group-policy",
    "rds-trust-one-user",
    "switch-role-s3",
];

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// Every user, role and bucket world.json declares, as the graph names them.
fn declared(world: &str) -> Vec<String> {
    let text =
        std::fs::read_to_string(root().join("fixtures").join(world).join("world.json")).unwrap();
    let w: Value = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    for (id, a) in w["accounts"].as_object().unwrap() {
        for (kind, arn) in [("users", "user"), ("roles", "role")] {
            for (name, e) in a[kind].as_object().into_iter().flatten() {
                let path = e["path"].as_str().unwrap_or("/");
                out.push(format!("arn:aws:iam::{id}:{arn}{path}{name}"));
            }
        }
        for name in a["buckets"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(n, _)| n)
        {
            out.push(format!("arn:aws:s3:::{name}"));
        }
    }
    out
}

#[test]
fn graph_golden_files_of_the_first_tutorial() {
    let w = "fixtures/aws-cli-role-profile";
    for (format, file) in [
        ("dot", "graph-aws-cli-role-profile.dot"),
        ("mermaid", "graph-aws-cli-role-profile.mmd"),
        ("json", "graph-aws-cli-role-profile.json"),
    ] {
        let o = iamsim(&["graph", "--world", w, "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        golden(file, &stdout(&o));
    }
    // The corrected tutorial with its upload highlighted.
    let o = iamsim(&[
        "graph",
        "--world",
        "fixtures/aws-cli-role-profile-corrected",
        "--format",
        "dot",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::cross-account-bucket/test.txt",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    golden("graph-aws-cli-role-profile-corrected-put.dot", &stdout(&o));
}

#[test]
fn graph_of_every_tutorial_shows_every_principal_role_and_bucket() {
    for w in TUTORIALS {
        let o = iamsim(&[
            "graph",
            "--world",
            &format!("fixtures/{w}"),
            "--format",
            "json",
        ]);
        assert_eq!(o.status.code(), Some(0), "{w}: {}", stderr(&o));
        let g = json(&o);
        let ids: Vec<&str> = g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        for d in declared(w) {
            assert!(ids.contains(&d.as_str()), "{w}: {d} is not in the graph");
        }
    }
}

#[test]
fn refused_edges_say_which_side_refuses() {
    let edge = |world: &str, from: &str| -> Value {
        let o = iamsim(&["graph", "--world", world, "--format", "json"]);
        let g = json(&o);
        g["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["from"] == from && e["kind"] == "assume-role")
            .unwrap_or_else(|| panic!("no AssumeRole edge from {from} in {world}"))
            .clone()
    };
    // The intern's account is trusted, but the intern has no identity Allow (6.5).
    let e = edge(
        "fixtures/aws-cli-role-profile",
        "arn:aws:iam::111111111111:user/accounta-intern",
    );
    assert_eq!(e["usable"], false);
    assert_eq!(e["refused_by"], "caller's policies");
    let e = edge(
        "fixtures/aws-cli-role-profile",
        "arn:aws:iam::111111111111:user/accounta-user",
    );
    assert_eq!(e["usable"], true);
    assert_eq!(e["decision"], "allow");
    // Maria has the identity Allow, but the trust policy names only Stuart (6.5, 5.3).
    let e = edge(
        "fixtures/rds-trust-one-user",
        "arn:aws:iam::356903128354:user/Maria",
    );
    assert_eq!(e["usable"], false);
    assert_eq!(e["refused_by"], "trust policy");
    assert!(e["statements"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["location"]
            .as_str()
            .unwrap()
            .contains("assume-roles-in-730739171055.json:")));
}

#[test]
fn graph_highlights_the_who_can_paths() {
    let o = iamsim(&[
        "graph",
        "--world",
        "fixtures/aws-cli-role-profile-corrected",
        "--format",
        "json",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::cross-account-bucket/test.txt",
    ]);
    let g = json(&o);
    let edges = g["edges"].as_array().unwrap();
    let hl: Vec<(&str, &str)> = edges
        .iter()
        .filter(|e| e["highlighted"] == true)
        .map(|e| (e["from"].as_str().unwrap(), e["to"].as_str().unwrap()))
        .collect();
    assert!(hl.contains(&(
        "arn:aws:iam::111111111111:user/accounta-user",
        "arn:aws:iam::222222222222:role/role-in-accountb"
    )));
    assert!(hl.contains(&(
        "arn:aws:iam::222222222222:role/role-in-accountb",
        "arn:aws:s3:::cross-account-bucket"
    )));
    // The intern's refused edge is not on a path.
    assert!(!hl
        .iter()
        .any(|(f, _)| *f == "arn:aws:iam::111111111111:user/accounta-intern"));
}

fn temp_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "iamsim-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn focus_depth_and_max_nodes_cut_a_generated_world() {
    let dir = temp_dir("graph-gen");
    let o = iamsim(&[
        "gen",
        "--seed",
        "7",
        "--accounts",
        "4",
        "--roles-per-account",
        "40",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let whole = json(&iamsim(&[
        "graph",
        "--world",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "--max-nodes",
        "100000",
    ]));
    let nodes = whole["nodes"].as_array().unwrap();
    assert!(nodes.len() > 160, "{} nodes", nodes.len());
    let focus = nodes.iter().find(|n| n["kind"] == "user").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let near = json(&iamsim(&[
        "graph",
        "--world",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "--focus",
        &focus,
        "--depth",
        "1",
        "--max-nodes",
        "100000",
    ]));
    let near_nodes = near["nodes"].as_array().unwrap();
    assert!(near_nodes.iter().any(|n| n["id"] == focus.as_str()));
    assert!(near_nodes.len() < nodes.len());
    // Every node of the neighbourhood is the focus or one edge from it (depth 1).
    let near_edges = near["edges"].as_array().unwrap();
    for n in near_nodes {
        let id = &n["id"];
        let adjacent = near_edges.iter().any(|e| {
            (e["from"] == *id && e["to"] == focus.as_str())
                || (e["to"] == *id && e["from"] == focus.as_str())
        });
        assert!(
            *id == focus.as_str() || adjacent,
            "{id} is not next to {focus}"
        );
    }
    // And every AssumeRole edge of the whole graph out of the focus is in it.
    for e in whole["edges"].as_array().unwrap() {
        if e["kind"] == "assume-role" && e["from"] == focus.as_str() {
            assert!(near["edges"].as_array().unwrap().contains(e), "{e}");
        }
    }
    let capped = json(&iamsim(&[
        "graph",
        "--world",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "--max-nodes",
        "40",
    ]));
    let capped_nodes = capped["nodes"].as_array().unwrap();
    assert!(capped_nodes.len() <= 40, "{}", capped_nodes.len());
    assert!(capped_nodes.iter().any(|n| n["kind"] == "collapsed"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Copies a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The byte offset of a 1-based line and column (in characters).
fn offset(text: &str, line: u64, column: u64) -> usize {
    let mut at = 0;
    for _ in 1..line {
        at += text[at..].find('\n').unwrap() + 1;
    }
    let rest = &text[at..];
    at + rest
        .char_indices()
        .nth(column as usize - 1)
        .map_or(rest.len(), |(i, _)| i)
}

/// Applies a fix's edits to a copy of the world in `copy` (edits name files as
/// `fixtures/WORLD/...`).
fn apply(world: &str, copy: &Path, fix: &Value) {
    let prefix = format!("fixtures/{world}/");
    let mut by_file: std::collections::BTreeMap<String, Vec<&Value>> = Default::default();
    for e in fix["edits"].as_array().unwrap() {
        let file = e["file"].as_str().unwrap();
        let rel = file
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{file}"));
        by_file.entry(rel.to_string()).or_default().push(e);
    }
    for (rel, edits) in by_file {
        let path = copy.join(&rel);
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut placed: Vec<(usize, &Value)> = edits
            .iter()
            .map(|e| {
                let at = offset(
                    &text,
                    e["line"].as_u64().unwrap(),
                    e["column"].as_u64().unwrap(),
                );
                (at, *e)
            })
            .collect();
        placed.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
        for (at, e) in placed {
            let with = e["with"].as_str().unwrap();
            let len = match e["replace"].as_str() {
                Some(old) => {
                    assert!(
                        text[at..].starts_with(old),
                        "{rel}: `{old}` is not at {}:{}",
                        e["line"],
                        e["column"]
                    );
                    old.len()
                }
                None => 0,
            };
            text.replace_range(at..at + len, with);
        }
        std::fs::write(&path, text).unwrap();
    }
}

fn request_args<'a>(world: &'a str, case: &'a Value) -> Vec<String> {
    let mut args: Vec<String> = vec!["can".into(), "--world".into(), world.into()];
    for v in case["via"].as_array().into_iter().flatten() {
        args.push("--via".into());
        args.push(v.as_str().unwrap().into());
    }
    for k in ["principal", "action", "resource"] {
        args.push(case[k].as_str().unwrap().into());
    }
    args
}

#[test]
fn every_denied_tutorial_request_gets_a_fix_that_makes_it_allowed() {
    let mut fixed = 0;
    let mut unfixable: Vec<String> = Vec::new();
    for w in TUTORIALS {
        let tests: Value = serde_json::from_str(
            &std::fs::read_to_string(root().join("fixtures").join(w).join("tests.json")).unwrap(),
        )
        .unwrap();
        for case in tests["tests"].as_array().unwrap() {
            if case["expect"] == "allow" {
                continue;
            }
            let world = format!("fixtures/{w}");
            let mut args = request_args(&world, case);
            args.extend(["--suggest-fix".into(), "--format".into(), "json".into()]);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let o = iamsim(&args);
            assert_eq!(o.status.code(), Some(1), "{w}: {}", case["name"]);
            let answer = json(&o);
            let fixes = answer["fixes"].as_array().unwrap();
            if fixes.is_empty() {
                // Only what no policy edit can change: a root user's AssumeRole (6.6), a bucket
                // the world does not declare (2.10), a resource of another account that takes no
                // resource-based policy (5.4).
                let why = answer["no_fix"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{w}: no fix and no reason for {}", case["name"]));
                let principal = case["principal"].as_str().unwrap();
                let resource = case["resource"].as_str().unwrap();
                let known = (principal.ends_with(":root") && why.contains("(6.6)"))
                    || (why.contains("(2.10)") && resource.starts_with("arn:aws:s3:::"))
                    || (why.contains("(5.4)") && !resource.starts_with("arn:aws:s3:::"));
                assert!(known, "{w}: {}: {why}", case["name"]);
                unfixable.push(format!("{w}: {}", case["name"]));
                continue;
            }
            // Every fix offered is applied to a copy and decided again by the command.
            for fix in fixes {
                let copy = temp_dir("fix");
                copy_tree(&root().join("fixtures").join(w), &copy);
                apply(w, &copy, fix);
                let again = request_args(copy.to_str().unwrap(), case);
                let again: Vec<&str> = again.iter().map(String::as_str).collect();
                let o = iamsim(&again);
                assert_eq!(
                    o.status.code(),
                    Some(0),
                    "{w}: {}: fix {fix} leaves it {}",
                    case["name"],
                    stdout(&o)
                );
                assert!(stdout(&o).starts_with("ALLOW"));
                let _ = std::fs::remove_dir_all(&copy);
            }
            // Nothing was written to the world itself.
            let args = request_args(&world, case);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            assert_eq!(iamsim(&args).status.code(), Some(1));
            fixed += 1;
        }
    }
    assert!(fixed >= 35, "{fixed} fixed; unfixable: {unfixable:#?}");
    assert!(unfixable.len() <= 6, "{unfixable:#?}");
}

#[test]
fn fix_text_golden_of_the_first_tutorial() {
    let o = iamsim(&[
        "can",
        "--world",
        "fixtures/aws-cli-role-profile",
        "--via",
        "arn:aws:iam::222222222222:role/role-in-accountb",
        "--suggest-fix",
        "arn:aws:iam::111111111111:user/accounta-user",
        "s3:PutObject",
        "arn:aws:s3:::cross-account-bucket/test.txt",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    // The correction the tutorial needs, first.
    assert!(text.contains(
        "fix 1 (1 edit; checked: with it the request is allowed):\n  fixtures/aws-cli-role-profile/policies/role-in-accountb-s3.json:11:19\n    replace: \"arn:aws:s3:::222222222222/cross-account-bucket\"\n    with:    \"arn:aws:s3:::cross-account-bucket/*\""
    ));
    golden("can-fix-aws-cli-role-profile.txt", &text);
}

#[test]
fn suggest_fix_on_test_for_a_test_that_expects_allow() {
    let o = iamsim(&[
        "test",
        "--suggest-fix",
        "fixtures/aws-cli-role-profile",
        "tests/data/fix-expect-allow.json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("fix 1 (1 edit"), "{text}");
    assert!(text.contains("role-in-accountb-s3.json:11:19"), "{text}");
    let o = iamsim(&[
        "test",
        "--suggest-fix",
        "--format",
        "json",
        "fixtures/aws-cli-role-profile",
        "tests/data/fix-expect-allow.json",
    ]);
    let v = json(&o);
    let edit = &v["tests"][0]["fixes"][0]["edits"][0];
    assert_eq!(edit["line"], 11);
    assert_eq!(edit["column"], 19);
    assert_eq!(
        edit["replace"],
        "\"arn:aws:s3:::222222222222/cross-account-bucket\""
    );
    // A passing world gets no fixes.
    let o = iamsim(&["test", "--suggest-fix", "fixtures/aws-cli-role-profile"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains("fix 1"));
}

/// A Chromium to test the page with: `$CHROMIUM`, or Debian's package.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// Runs headless Chromium on a file URL and returns the DOM after the page's script ran.
fn dump_dom(browser: &Path, url: &str) -> String {
    let profile = temp_dir("chromium");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
            url,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish in 90 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn html_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;")
}

#[test]
fn html_page_in_a_headless_browser_shows_every_principal_role_and_bucket() {
    let Some(browser) = chromium() else {
        println!("skipped: no chromium (apt-get install chromium, or set CHROMIUM)");
        return;
    };
    let dir = temp_dir("html");
    for w in TUTORIALS {
        let o = iamsim(&[
            "graph",
            "--world",
            &format!("fixtures/{w}"),
            "--format",
            "html",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let page = dir.join(format!("{w}.html"));
        std::fs::write(&page, &o.stdout).unwrap();
        let ids = declared(w);
        // Open it with the first role selected, as a link from a review would.
        let role = ids.iter().find(|i| i.contains(":role/"));
        let selected = role
            .or_else(|| ids.iter().find(|i| i.contains(":user/")))
            .unwrap();
        let url = format!(
            "file://{}#node={}",
            page.display(),
            selected.replace(':', "%3A").replace('/', "%2F")
        );
        let dom = dump_dom(&browser, &url);
        let nodes = ids.len();
        assert!(
            dom.contains("data-ready=\""),
            "{w}: the page's script did not run:\n{dom}"
        );
        assert!(nodes > 0);
        for id in &ids {
            assert!(
                dom.contains(&format!("data-id=\"{}\"", html_attr(id))),
                "{w}: {id} is not drawn"
            );
        }
        // The panel shows the selected role's trust policy with its file:line:column.
        let panel = dom.split("id=\"panel\"").nth(1).unwrap_or("");
        let policy = if role.is_some() {
            "trust policy"
        } else {
            "policy"
        };
        assert!(panel.contains(policy), "{w}: panel: {panel}");
        assert!(panel.contains(&format!("fixtures/{w}/policies/")), "{w}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_blocking_deny_is_removed_or_detached_and_said_so() {
    for (world, principal, action, resource, removed) in [
        (
            "rules/caller-policies-not-evaluated",
            "arn:aws:iam::111111111111:user/alice",
            "s3:DeleteObject",
            None,
            "NoDeletes",
        ),
        (
            "rules/anonymous-and-account-grants",
            "arn:aws:iam::111111111111:user/alice",
            "s3:GetObject",
            Some("arn:aws:s3:::acme-public/logo.png"),
            "NoPublicBucketReads",
        ),
    ] {
        let tests: Value = serde_json::from_str(
            &std::fs::read_to_string(root().join("fixtures").join(world).join("tests.json"))
                .unwrap(),
        )
        .unwrap();
        let case = tests["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| {
                c["principal"] == principal
                    && c["action"] == action
                    && c["expect"] == "explicit-deny"
                    && resource.is_none_or(|r| c["resource"] == r)
            })
            .unwrap()
            .clone();
        let mut args = request_args(&format!("fixtures/{world}"), &case);
        args.extend(["--suggest-fix".into(), "--format".into(), "json".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let answer = json(&iamsim(&args));
        let fix = &answer["fixes"][0];
        let notes = fix["notes"].to_string();
        assert!(
            notes.contains(removed) && notes.contains("Deny"),
            "{world}: {fix}"
        );
        let copy = temp_dir("deny");
        copy_tree(&root().join("fixtures").join(world), &copy);
        apply(world, &copy, fix);
        let again = request_args(copy.to_str().unwrap(), &case);
        let again: Vec<&str> = again.iter().map(String::as_str).collect();
        assert_eq!(iamsim(&again).status.code(), Some(0), "{world}: {fix}");
        let _ = std::fs::remove_dir_all(&copy);
    }
}

#[test]
fn graph_refuses_a_focus_the_world_does_not_have() {
    let o = iamsim(&[
        "graph",
        "--world",
        "fixtures/aws-cli-role-profile",
        "--focus",
        "arn:aws:iam::111111111111:user/nobody",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nobody"), "{}", stderr(&o));
}

#[test]
fn names_from_the_world_are_escaped_in_every_format() {
    let dir = temp_dir("graph-escape");
    copy_tree(&root().join("fixtures/aws-cli-role-profile"), &dir);
    let alias = r#"a</text></svg><script>alert("x")</script>\"#;
    let world = std::fs::read_to_string(dir.join("world.json")).unwrap();
    let world = world.replacen(
        "\"alias\": \"account-a\"",
        &format!("\"alias\": {}", serde_json::to_string(alias).unwrap()),
        1,
    );
    assert!(world.contains("alert"));
    std::fs::write(dir.join("world.json"), world).unwrap();
    let run = |format: &str| {
        let o = iamsim(&[
            "graph",
            "--world",
            dir.to_str().unwrap(),
            "--format",
            format,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    let html = run("html");
    assert!(!html.contains("<script>alert"), "raw markup in the page");
    assert_eq!(
        html.matches("<script").count(),
        2,
        "only the data block and our script"
    );
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)"));
    let dot = run("dot");
    assert!(
        dot.contains(
            r#"label="account 111111111111 (a</text></svg><script>alert(\"x\")</script>\\)";"#
        ),
        "{dot}"
    );
    let mermaid = run("mermaid");
    assert!(
        mermaid.contains("#lt;script#gt;alert(#quot;x#quot;)"),
        "{mermaid}"
    );
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["accounts"][0]["alias"], alias);
    let _ = std::fs::remove_dir_all(&dir);
}

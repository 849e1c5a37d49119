#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Every file in `fixtures/bad-policies/` is read as its policy type, and must report exactly the
//! diagnostics `expected.json` lists: each listed (code, line, column) is present, and no error
//! is reported that the list does not name. Warnings may come on top.

use iamsim_policy::json::{self, Json, Limits};
use iamsim_policy::{parse_policy_bytes, Code, PolicyType, Source};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/bad-policies")
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    file: String,
    policy_type: String,
    code: String,
    line: u32,
    column: u32,
}

fn field<'j>(entry: &'j Json, key: &str) -> &'j Json {
    entry
        .get(key)
        .unwrap_or_else(|| panic!("expected.json entry without `{key}`"))
}

fn number(j: &Json) -> u32 {
    match &j.value {
        json::JsonValue::Number(n) => n.parse().unwrap(),
        other => panic!("not a number: {other:?}"),
    }
}

/// Reads `expected.json` with the crate's own JSON reader (no serde in this crate).
fn read_expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(fixtures().join("expected.json")).unwrap();
    let json = json::parse(&Source::new("expected.json", text), Limits::default())
        .unwrap_or_else(|d| panic!("{}", d.render()));
    json.items()
        .expect("expected.json is a list")
        .iter()
        .map(|e| Expected {
            file: field(e, "file").as_str().unwrap().to_string(),
            policy_type: field(e, "policy_type").as_str().unwrap().to_string(),
            code: field(e, "code").as_str().unwrap().to_string(),
            line: number(field(e, "line")),
            column: number(field(e, "column")),
        })
        .collect()
}

#[test]
fn bad_policies_report_their_expected_diagnostics() {
    let expected = read_expected();
    let files: BTreeSet<&str> = expected.iter().map(|e| e.file.as_str()).collect();

    // Every fixture is listed, and every listed fixture exists.
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "expected.json")
        .collect();
    let listed: BTreeSet<String> = files.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        on_disk, listed,
        "fixtures on disk and in expected.json differ"
    );

    let mut failures = Vec::new();
    for file in files {
        let entries: Vec<&Expected> = expected.iter().filter(|e| e.file == file).collect();
        let ty_name = &entries[0].policy_type;
        assert!(
            entries.iter().all(|e| &e.policy_type == ty_name),
            "{file}: one policy type per file"
        );
        let ty = PolicyType::parse(ty_name).unwrap_or_else(|| panic!("{file}: type {ty_name}"));
        for e in &entries {
            assert!(
                Code::parse(&e.code).is_some(),
                "{file}: unknown code {}",
                e.code
            );
        }
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        let parsed = parse_policy_bytes(file, &bytes, ty);
        let got: Vec<(String, u32, u32, bool)> = parsed
            .diagnostics
            .iter()
            .map(|d| {
                let loc = d.location().expect("every diagnostic has a position");
                (
                    d.code.as_str().to_string(),
                    loc.line,
                    loc.column,
                    d.is_error(),
                )
            })
            .collect();
        let rendered: String = parsed.diagnostics.iter().map(|d| d.render()).collect();
        for e in &entries {
            if !got
                .iter()
                .any(|(c, l, col, _)| *c == e.code && *l == e.line && *col == e.column)
            {
                failures.push(format!(
                    "{file}: missing {} at {}:{}; got:\n{rendered}",
                    e.code, e.line, e.column
                ));
            }
        }
        for (c, l, col, is_error) in &got {
            let listed = entries
                .iter()
                .any(|e| e.code == *c && e.line == *l && e.column == *col);
            if *is_error && !listed {
                failures.push(format!(
                    "{file}: unexpected error {c} at {l}:{col}:\n{rendered}"
                ));
            }
        }
        if parsed.policy.is_some() && parsed.has_errors() {
            failures.push(format!("{file}: a policy came back despite errors"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

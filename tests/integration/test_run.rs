//! `iamsim test` at scale: the streamed run of tests files (a test at a time, decision-only, both
//! cores, failures explained) against the whole-file reader and the explaining path on every
//! test, which it must agree with exactly: on every fixture world, on files larger than a
//! worker's share, and on files that do not load (the same diagnostics at the same positions).

use crate::fixtures::fixture_worlds;
use crate::support::{iamsim, stdout};
use iamsim_engine::question::Leniency;
use iamsim_engine::{each_test, load_tests_with, run_tests, run_tests_files, Listing, World};
use std::path::{Path, PathBuf};

const WORLD: &str = "fixtures/aws-cli-role-profile-corrected";

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamsim-test-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A copy of the world folder `from` in the temp folder.
fn copy_world(from: &str, name: &str) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    let to = temp(name);
    copy(Path::new(from), &to);
    to
}

/// What the whole-file path says of `file`: (passed, failures as `name: why @ location`), or
/// the rendered diagnostics.
fn whole(world: &World, file: &Path, leniency: Leniency) -> Result<(usize, Vec<String>), String> {
    let cases = load_tests_with(world, file, leniency).map_err(|e| render(&e))?;
    let outcomes = run_tests(world, &cases);
    let passed = outcomes.iter().filter(|o| o.passed()).count();
    let failures = outcomes
        .iter()
        .filter_map(|o| {
            let why = o.failure.as_ref()?;
            let decision = o.answer.as_ref().map(|a| a.decision.as_str());
            Some(format!(
                "{}: {why} @ {} ({decision:?})",
                o.case.name, o.case.location
            ))
        })
        .collect();
    Ok((passed, failures))
}

/// The same from the streamed run.
fn streamed(
    world: &World,
    file: &Path,
    leniency: Leniency,
) -> Result<(usize, Vec<String>), String> {
    let run = run_tests_files(
        world,
        &[file.to_path_buf()],
        leniency,
        Listing::FailuresOnly,
    )
    .map_err(|e| render(&e))?;
    assert_eq!(run.failed, run.failures.len());
    let failures = run
        .failures
        .iter()
        .map(|f| {
            let o = &f.outcome;
            let decision = o.answer.as_ref().map(|a| a.decision.as_str());
            format!(
                "{}: {} @ {} ({decision:?})",
                o.case.name,
                o.failure.as_deref().unwrap(),
                o.case.location
            )
        })
        .collect();
    Ok((run.passed, failures))
}

fn render(e: &iamsim_engine::LoadError) -> String {
    e.diagnostics.iter().map(|d| d.render()).collect()
}

/// Every fixture world that loads, with its folder and its tests.json.
fn fixture_tests() -> impl Iterator<Item = (World, PathBuf, PathBuf)> {
    fixture_worlds().into_iter().filter_map(|dir| {
        let world = World::load(&dir).ok()?;
        let file = dir.join("tests.json");
        Some((world, dir, file))
    })
}

#[test]
fn every_fixture_world_gives_the_same_results_streamed() {
    let mut compared = 0;
    for (world, dir, file) in fixture_tests() {
        let want = whole(&world, &file, Leniency::default());
        let got = streamed(&world, &file, Leniency::default());
        assert_eq!(got, want, "{}", dir.display());
        compared += want.map_or(0, |(p, f)| p + f.len());
    }
    assert!(compared > 500, "only {compared} tests compared");
}

/// A test of the tutorial's upload through the role; `expect` decides whether it passes.
fn upload(i: usize, expect: &str) -> String {
    format!(
        r#"    {{
      "name": "upload {i}",
      "principal": "arn:aws:iam::111111111111:user/accounta-user",
      "via": ["arn:aws:iam::222222222222:role/role-in-accountb"],
      "action": "s3:PutObject",
      "resource": "arn:aws:s3:::cross-account-bucket/test.txt",
      "expect": "{expect}"
    }}"#
    )
}

/// `n` uploads, every `fail_every`-th expecting a denial (so failing), the 3rd asking for a
/// word of the explanation.
fn uploads(n: usize, fail_every: usize) -> String {
    let tests: Vec<String> = (1..=n)
        .map(|i| {
            if i == 3 {
                upload(i, "allow").replace(
                    "\"expect\"",
                    "\"explain_contains\": [\"trust policy\"], \"expect\"",
                )
            } else if i % fail_every == 0 {
                upload(i, "implicit-deny")
            } else {
                upload(i, "allow")
            }
        })
        .collect();
    format!("{{\n  \"tests\": [\n{}\n  ]\n}}\n", tests.join(",\n"))
}

#[test]
fn a_file_of_many_chunks_keeps_file_order_and_positions() {
    let world = World::load(Path::new(WORLD)).unwrap();
    let file = temp("many.json");
    // More tests than one batch of the streamed run, so several batches and workers.
    std::fs::write(&file, uploads(9_000, 997)).unwrap();
    let want = whole(&world, &file, Leniency::default()).unwrap();
    assert_eq!(want.1.len(), 9);
    assert!(want.1[0].contains("upload 997: expected implicit-deny, got allow @"));
    assert!(want.1[0].contains(&format!("many.json:{}:5", 2 + 996 * 8 + 1)));
    assert_eq!(streamed(&world, &file, Leniency::default()).unwrap(), want);
    let run = run_tests_files(
        &world,
        std::slice::from_ref(&file),
        Leniency::default(),
        Listing::EveryTest,
    )
    .unwrap();
    let indexes: Vec<usize> = run.failures.iter().map(|f| f.index).collect();
    assert_eq!(indexes, (1..=9).map(|k| k * 997 - 1).collect::<Vec<_>>());

    // The second pass gives every test once, in file order, with its position.
    let mut seen = Vec::new();
    let each = |case: iamsim_engine::TestCase| (case.name, case.location.line);
    each_test(
        &world,
        std::slice::from_ref(&file),
        Leniency::default(),
        &run,
        &each,
        &mut |f, i, (name, line)| seen.push((f, i, name, line)),
    )
    .unwrap();
    assert_eq!(seen.len(), 9_000);
    for (k, (f, i, name, line)) in seen.iter().enumerate() {
        assert_eq!((*f, *i), (0, k));
        assert_eq!(name, &format!("upload {}", k + 1));
        assert_eq!(*line as usize, 3 + k * 8);
    }
}

#[test]
fn a_file_that_changed_since_the_run_is_not_listed() {
    let world = World::load(Path::new(WORLD)).unwrap();
    let file = temp("changed.json");
    std::fs::write(&file, uploads(10, 4)).unwrap();
    let files = vec![file.clone()];
    let run = run_tests_files(&world, &files, Leniency::default(), Listing::EveryTest).unwrap();
    assert_eq!((run.passed, run.failed), (8, 2));
    let each = |case: iamsim_engine::TestCase| case.name;
    // A run made for the counts only took no digest, so it cannot be listed.
    let counted =
        run_tests_files(&world, &files, Leniency::default(), Listing::FailuresOnly).unwrap();
    assert!(each_test(
        &world,
        &files,
        Leniency::default(),
        &counted,
        &each,
        &mut |_, _, _| {}
    )
    .is_err());
    let mut listed = 0;
    each_test(
        &world,
        &files,
        Leniency::default(),
        &run,
        &each,
        &mut |_, _, _| listed += 1,
    )
    .unwrap();
    assert_eq!(listed, 10);
    std::fs::write(&file, uploads(10, 5)).unwrap();
    let e = each_test(
        &world,
        &files,
        Leniency::default(),
        &run,
        &each,
        &mut |_, _, _| {},
    )
    .unwrap_err();
    assert!(
        render(&e).contains("changed while its tests were run"),
        "{}",
        render(&e)
    );
}

/// Files that do not load: the streamed run refuses each with the whole-file reader's
/// diagnostics, positions included.
#[test]
fn files_that_do_not_load_give_the_same_diagnostics() {
    let world = World::load(Path::new(WORLD)).unwrap();
    let t = |body: &str| format!("{{\"tests\": [\n{}, {body}\n]}}", upload(1, "allow"));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "misspelt action",
            t(&upload(2, "allow").replace("PutObject", "PutObjekt")),
        ),
        (
            "unknown key",
            t(&upload(2, "allow").replace("\"expect\"", "\"contxt\": {}, \"expect\"")),
        ),
        ("bad expect", t(&upload(2, "maybe"))),
        ("duplicate name", t(&upload(1, "allow"))),
        ("not an object", t("[1, 2]")),
        (
            "typographic quote",
            t(&upload(2, "allow").replace("\"action\"", "\u{201C}action\u{201D}")),
        ),
        (
            "duplicate key",
            t(&upload(2, "allow").replace("\"expect\"", "\"name\": \"x\", \"expect\"")),
        ),
        (
            "too deep",
            t(&format!(
                "{{\"name\": {}1{}}}",
                "[".repeat(70),
                "]".repeat(70)
            )),
        ),
        (
            "context type",
            t(&upload(2, "allow").replace(
                "\"expect\"",
                "\"context\": {\"aws:SourceIp\": {}}, \"expect\"",
            )),
        ),
        ("no tests", "{\"tests\": []}".to_string()),
        ("no list", "{\"test\": []}".to_string()),
        ("not json", "{\"tests\": [".to_string()),
        ("trailing", format!("{} x", t("{}"))),
        ("escaped key", "{\"t\\u0065sts\": [1]}".to_string()),
    ]
    .into_iter()
    .map(|(n, s)| (n, s.into_bytes()))
    .chain([("invalid utf-8", b"{\"tests\": [\"\xff\"]}".to_vec())])
    .collect();
    // Inside the world folder a file is quoted (source lines and all); outside it, concealed.
    let inside = copy_world(WORLD, "quoted");
    let quoted = World::load(&inside).unwrap();
    for (what, bytes) in cases {
        let name = format!("bad-{}.json", what.replace(' ', "-"));
        for (world, file) in [(&world, temp(&name)), (&quoted, inside.join(&name))] {
            std::fs::write(&file, &bytes).unwrap();
            let want = whole(world, &file, Leniency::default()).unwrap_err();
            let got = streamed(world, &file, Leniency::default()).unwrap_err();
            assert_eq!(got, want, "{what}");
        }
    }
    assert!(whole(
        &quoted,
        &inside.join("bad-misspelt-action.json"),
        Leniency::default()
    )
    .unwrap_err()
    .contains("PutObjekt"));
    // What the leniency lets through runs, with a warning for the test.
    let file = temp("lenient.json");
    std::fs::write(
        &file,
        t(&upload(2, "implicit-deny").replace("PutObject", "PutObjekt")),
    )
    .unwrap();
    let lenient = Leniency {
        unknown_actions: true,
        unknown_keys: false,
    };
    assert_eq!(
        streamed(&world, &file, lenient).unwrap(),
        whole(&world, &file, lenient).unwrap()
    );
    let run = run_tests_files(&world, &[file], lenient, Listing::FailuresOnly).unwrap();
    assert_eq!(run.warnings.len(), 1);
    assert!(run.warnings[0].warning);
}

/// JSON and JUnit list every test of a file of several batches, in file order.
#[test]
fn json_and_junit_list_every_test_in_order() {
    let file = temp("listed.json");
    std::fs::write(&file, uploads(5_000, 1_250)).unwrap();
    let f = file.to_str().unwrap();
    let o = iamsim(&["test", "--format", "junit", WORLD, f]);
    assert_eq!(o.status.code(), Some(1));
    let xml = stdout(&o);
    assert!(xml.contains("<testsuites tests=\"5000\" failures=\"4\">"));
    let names: Vec<&str> = xml
        .lines()
        .filter_map(|l| l.split(" name=\"").nth(1))
        .filter_map(|l| l.split('"').next())
        .filter(|n| n.starts_with("upload "))
        .collect();
    assert_eq!(names.len(), 5_000);
    for (i, name) in names.iter().enumerate() {
        assert_eq!(*name, format!("upload {}", i + 1));
    }
    assert_eq!(
        xml.matches("<failure message=\"expected implicit-deny, got allow\">")
            .count(),
        4
    );

    let o = iamsim(&["test", "--format", "json", WORLD, f]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(4_996), Some(4))
    );
    let tests = v["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 5_000);
    for (i, t) in tests.iter().enumerate() {
        assert_eq!(t["name"], format!("upload {}", i + 1));
        assert_eq!(t["passed"], (i + 1) % 1_250 != 0);
        assert_eq!(t["answer"]["decision"], "allow");
        assert_eq!(t["file"], f);
    }
}

/// Several files: run in turn (the next one read while one runs), failures placed by file and
/// index; a file that does not load refuses the whole run, whichever its place.
#[test]
fn several_files_run_in_order_and_one_that_does_not_load_refuses_the_run() {
    let world = World::load(Path::new(WORLD)).unwrap();
    let (a, b, bad) = (temp("first.json"), temp("second.json"), temp("bad.json"));
    std::fs::write(&a, uploads(600, 300)).unwrap();
    std::fs::write(&b, uploads(5, 2)).unwrap();
    std::fs::write(&bad, "{\"tests\": [{\"name\": 1}]}").unwrap();
    let files = vec![a.clone(), b.clone(), a.clone()];
    let run = run_tests_files(&world, &files, Leniency::default(), Listing::FailuresOnly).unwrap();
    let placed: Vec<(usize, usize)> = run.failures.iter().map(|f| (f.file, f.index)).collect();
    assert_eq!(
        placed,
        [(0, 299), (0, 599), (1, 1), (1, 3), (2, 299), (2, 599)]
    );
    assert_eq!((run.passed, run.failed), (1_199, 6));
    for order in [
        vec![bad.clone(), a.clone()],
        vec![a.clone(), bad.clone(), b.clone()],
    ] {
        let e = run_tests_files(&world, &order, Leniency::default(), Listing::FailuresOnly)
            .unwrap_err();
        assert!(render(&e).contains("bad.json"), "{}", render(&e));
        assert_eq!(e.diagnostics.len(), 5, "{}", render(&e));
    }
}

/// `--world DIR` names the world as on every other command; the paths after it are tests files.
/// The same run as with the folder first, in every format.
#[test]
fn test_takes_the_world_as_world_or_first_path() {
    let dir = "fixtures/aws-cli-role-profile";
    let failing = "tests/data/failing-tests.json";
    for format in ["text", "json", "junit"] {
        let first = iamsim(&["test", "--format", format, dir, failing]);
        let named = iamsim(&["test", "--format", format, "--world", dir, failing]);
        assert_eq!(first.status.code(), Some(1), "{}", stdout(&first));
        assert_eq!(stdout(&first), stdout(&named), "{format}");
        assert_eq!(first.status.code(), named.status.code());
    }
    let o = iamsim(&["test", "--world", dir]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("12 passed, 0 failed"), "{}", stdout(&o));
    // Neither: bad usage.
    assert_eq!(iamsim(&["test"]).status.code(), Some(2));
}

/// Every test of every fixture world, listed by the streamed run (each plain test read without a
/// tree, the others by the span-keeping reader), is the test the whole-file reader reads: the
/// same name, position, question, expectation, rule, texts and path.
#[test]
fn every_fixture_test_is_listed_as_the_whole_file_reader_reads_it() {
    let mut compared = 0;
    for (world, dir, file) in fixture_tests() {
        let Ok(cases) = load_tests_with(&world, &file, Leniency::default()) else {
            continue;
        };
        let files = vec![file.clone()];
        let run = run_tests_files(&world, &files, Leniency::default(), Listing::EveryTest).unwrap();
        let mut listed = Vec::new();
        each_test(
            &world,
            &files,
            Leniency::default(),
            &run,
            &|case| format!("{case:?}"),
            &mut |f, i, case| listed.push((f, i, case)),
        )
        .unwrap();
        let want: Vec<(usize, usize, String)> = cases
            .iter()
            .enumerate()
            .map(|(i, case)| (0, i, format!("{case:?}")))
            .collect();
        assert_eq!(listed, want, "{}", dir.display());
        compared += cases.len();
    }
    assert!(compared > 500, "only {compared} tests compared");
}

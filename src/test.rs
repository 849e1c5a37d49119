//! `iamsim test`: a world's expectation tests, with text, JSON and JUnit output.

use crate::render::{answer_json, print_load_error};
use crate::Status;
use clap::{Args, ValueEnum};
use iamsim_engine::{load_tests_with, run_tests, suggest_fixes, Decision, Fix, TestOutcome};
use serde_json::json;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Appends a line to the output buffer (written once at the end, see `crate::emit`).
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {{ let _ = writeln!($out, $($arg)*); }};
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TestFormat {
    Text,
    Json,
    Junit,
}

#[derive(Args)]
pub struct TestArgs {
    #[arg(long, value_enum, default_value = "text")]
    format: TestFormat,
    /// For each failing test that expects allow: the smallest edits to the world's policy files
    /// after which it is allowed, each checked by deciding it again.
    #[arg(long)]
    suggest_fix: bool,
    #[command(flatten)]
    checks: crate::render::QuestionFlags,
    /// The world folder (holding world.json).
    dir: PathBuf,
    /// Tests files to run (default: DIR/tests.json).
    files: Vec<PathBuf>,
}

pub fn run(args: TestArgs) -> Status {
    let world = match crate::render::load_world(&args.dir) {
        Ok(w) => w,
        Err(status) => return status,
    };
    let files = if args.files.is_empty() {
        vec![args.dir.join("tests.json")]
    } else {
        args.files.clone()
    };
    let mut outcomes: Vec<(PathBuf, TestOutcome)> = Vec::new();
    for file in &files {
        let cases = match load_tests_with(&world, file, args.checks.leniency()) {
            Ok(c) => c,
            Err(e) => {
                print_load_error(&e);
                return Status::BadInput;
            }
        };
        // What the leniency let through is shown as warnings (errors stopped the load above).
        for case in &cases {
            let _ = args
                .checks
                .check(Some(&case.query.action), &case.query.context);
        }
        outcomes.extend(
            run_tests(&world, &cases)
                .into_iter()
                .map(|o| (file.clone(), o)),
        );
    }
    let fixes: Vec<Option<Vec<Fix>>> = outcomes
        .iter()
        .map(|(_, o)| {
            let wants_allow = o.case.expect.accepts(Decision::Allow);
            let denied = o.answer.as_ref().is_some_and(|a| !a.decision.is_allow());
            if args.suggest_fix && !o.passed() && wants_allow && denied {
                suggest_fixes(&world, &o.case.query).ok()
            } else {
                None
            }
        })
        .collect();
    let passed = outcomes.iter().filter(|(_, o)| o.passed()).count();
    let failed = outcomes.len() - passed;
    let mut out = String::new();
    match args.format {
        TestFormat::Text => print_text(&mut out, &outcomes, &fixes),
        TestFormat::Json => print_json(&mut out, &outcomes, &fixes, passed, failed),
        TestFormat::Junit => print_junit(&mut out, &args.dir, &outcomes, failed),
    }
    if matches!(args.format, TestFormat::Text) {
        outln!(out, "{passed} passed, {failed} failed");
    }
    crate::emit(&out);
    if failed == 0 {
        Status::Ok
    } else {
        Status::No
    }
}

fn print_text(out: &mut String, outcomes: &[(PathBuf, TestOutcome)], fixes: &[Option<Vec<Fix>>]) {
    for ((_, o), fix) in outcomes.iter().zip(fixes).filter(|((_, o), _)| !o.passed()) {
        outln!(
            out,
            "FAIL {} ({})\n  {}",
            o.case.name,
            o.case.location,
            o.failure.as_deref().unwrap_or("")
        );
        if let Some(rule) = &o.case.rule {
            outln!(out, "  rule: {rule}");
        }
        if let Some(a) = &o.answer {
            for line in a.render_text().lines() {
                outln!(out, "  | {line}");
            }
        }
        if let Some(f) = fix {
            out.push_str(&crate::fix::text(f, None, "  "));
        }
        outln!(out,);
    }
}

fn print_json(
    out: &mut String,
    outcomes: &[(PathBuf, TestOutcome)],
    fixes: &[Option<Vec<Fix>>],
    passed: usize,
    failed: usize,
) {
    let tests: Vec<_> = outcomes
        .iter()
        .zip(fixes)
        .map(|((file, o), fix)| {
            let mut v = json!({
                "name": o.case.name,
                "file": file.display().to_string(),
                "location": o.case.location.to_string(),
                "expect": o.case.expect.as_str(),
                "decision": o.answer.as_ref().map(|a| a.decision.as_str()),
                "passed": o.passed(),
                "failure": o.failure,
                "rule": o.case.rule,
                "answer": o.answer.as_ref().map(answer_json),
            });
            if let (Some(f), Some(m)) = (fix, v.as_object_mut()) {
                m.insert("fixes".into(), crate::fix::json(f));
            }
            v
        })
        .collect();
    let doc = json!({ "passed": passed, "failed": failed, "tests": tests });
    outln!(
        out,
        "{}",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    );
}

fn print_junit(
    out: &mut String,
    dir: &std::path::Path,
    outcomes: &[(PathBuf, TestOutcome)],
    failed: usize,
) {
    let suite = crate::render::xml_escape(&dir.display().to_string());
    outln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    outln!(
        out,
        "<testsuites tests=\"{}\" failures=\"{failed}\">",
        outcomes.len()
    );
    outln!(
        out,
        "  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{failed}\">",
        outcomes.len()
    );
    for (file, o) in outcomes {
        let class = crate::render::xml_escape(&file.display().to_string());
        let name = crate::render::xml_escape(&o.case.name);
        match &o.failure {
            None => outln!(out, "    <testcase classname=\"{class}\" name=\"{name}\"/>"),
            Some(f) => {
                let body = o
                    .answer
                    .as_ref()
                    .map(|a| a.render_text())
                    .unwrap_or_default();
                outln!(out, "    <testcase classname=\"{class}\" name=\"{name}\">");
                outln!(
                    out,
                    "      <failure message=\"{}\">{}</failure>",
                    crate::render::xml_escape(f),
                    crate::render::xml_escape(&body)
                );
                outln!(out, "    </testcase>");
            }
        }
    }
    outln!(out, "  </testsuite>");
    outln!(out, "</testsuites>");
}

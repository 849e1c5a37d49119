//! `iamsim test`: a world's expectation tests, with text, JSON and JUnit output.
//!
//! Every test is decided once by the engine's run of the files (decision-only, the failing ones
//! explained); only the failures are kept. JSON and JUnit list every test: a second pass over the
//! files gives each test in file order and its line goes straight to the output.

use crate::render::{answer_json, print_load_error};
use crate::Status;
use clap::{Args, ValueEnum};
use iamsim_engine::{
    each_test, run_test, run_tests_files, suggest_fixes, Decision, Fix, Listing, TestCase,
    TestFailure, TestsRun, World,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Appends a line to an output buffer.
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
    /// The world folder (holding world.json), as every command that takes a world names it.
    #[arg(long, value_name = "DIR")]
    world: Option<PathBuf>,
    /// The world folder (holding world.json); with --world, the first tests file.
    #[arg(required_unless_present = "world")]
    dir: Option<PathBuf>,
    /// Tests files to run (default: DIR/tests.json).
    files: Vec<PathBuf>,
}

impl TestArgs {
    /// The world folder and the tests files named.
    fn world_and_files(&self) -> (PathBuf, Vec<PathBuf>) {
        match (&self.world, &self.dir) {
            (Some(w), first) => (
                w.clone(),
                first.iter().chain(&self.files).cloned().collect(),
            ),
            (None, Some(dir)) => (dir.clone(), self.files.clone()),
            // Clap requires one of them.
            (None, None) => (PathBuf::from("."), Vec::new()),
        }
    }
}

pub fn run(args: TestArgs) -> Status {
    let (dir, named) = args.world_and_files();
    let world = match crate::render::load_world(&dir) {
        Ok(w) => w,
        Err(status) => return status,
    };
    let files = if named.is_empty() {
        vec![dir.join("tests.json")]
    } else {
        named
    };
    let leniency = args.checks.leniency();
    let listing = match args.format {
        TestFormat::Text => Listing::FailuresOnly,
        TestFormat::Json | TestFormat::Junit => Listing::EveryTest,
    };
    let run = match run_tests_files(&world, &files, leniency, listing) {
        Ok(run) => run,
        Err(e) => {
            print_load_error(&e);
            return Status::BadInput;
        }
    };
    // What the leniency let through is shown as warnings (errors stopped the run above).
    for w in &run.warnings {
        crate::eprintln_safe!("iamsim: {w}");
    }
    let fixes: Fixes = run
        .failures
        .iter()
        .filter_map(|f| {
            let o = &f.outcome;
            let wants_allow = o.case.expect.accepts(Decision::Allow);
            let denied = o.answer.as_ref().is_some_and(|a| !a.decision.is_allow());
            (args.suggest_fix && wants_allow && denied)
                .then(|| suggest_fixes(&world, &o.case.query).ok())
                .flatten()
                .map(|fix| ((f.file, f.index), fix))
        })
        .collect();
    let listed = match args.format {
        TestFormat::Text => {
            let mut out = print_text(&run.failures, &fixes);
            outln!(out, "{} passed, {} failed", run.passed, run.failed);
            crate::emit(&out);
            Ok(())
        }
        TestFormat::Json => print_json(&world, &files, leniency, &run, &fixes),
        TestFormat::Junit => print_junit(&world, &files, leniency, &dir, &run),
    };
    if let Err(e) = listed {
        print_load_error(&e);
        return Status::BadInput;
    }
    if run.failed == 0 {
        Status::Ok
    } else {
        Status::No
    }
}

/// Fixes of failing tests, by (file, index).
type Fixes = HashMap<(usize, usize), Vec<Fix>>;

/// Standard output, buffered, each piece made safe for CI logs as [`crate::emit`] does.
struct Stdout(std::io::BufWriter<std::io::StdoutLock<'static>>);

impl Stdout {
    fn new() -> Self {
        Stdout(std::io::BufWriter::new(std::io::stdout().lock()))
    }

    /// Writes `text`, which ends a line (safe-text rules are per line).
    fn put(&mut self, text: &str) {
        let _ = self.0.write_all(crate::render::safe_text(text).as_bytes());
    }
}

impl Drop for Stdout {
    fn drop(&mut self) {
        let _ = self.0.flush();
    }
}

fn print_text(failures: &[TestFailure], fixes: &Fixes) -> String {
    let mut out = String::new();
    for f in failures {
        let o = &f.outcome;
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
        if let Some(fix) = fixes.get(&(f.file, f.index)) {
            out.push_str(&crate::fix::text(fix, None, "  "));
        }
        outln!(out,);
    }
    out
}

/// `{"failed", "passed", "tests"}` as serde_json prints it pretty, each test written as the
/// second pass gives it.
fn print_json(
    world: &World,
    files: &[PathBuf],
    leniency: iamsim_engine::question::Leniency,
    run: &TestsRun,
    fixes: &Fixes,
) -> Result<(), iamsim_engine::LoadError> {
    let mut out = Stdout::new();
    out.put(&format!(
        "{{\n  \"failed\": {},\n  \"passed\": {},\n  \"tests\": [\n",
        run.failed, run.passed
    ));
    let each = |case: TestCase| test_json(world, case);
    let mut first = true;
    each_test(
        world,
        files,
        leniency,
        run,
        &each,
        &mut |file, index, mut v| {
            if let (Some(f), Some(m)) = (fixes.get(&(file, index)), v.as_object_mut()) {
                m.insert("fixes".into(), crate::fix::json(f));
            }
            let name = files.get(file).map(|p| p.display().to_string());
            if let (Some(name), Some(m)) = (name, v.as_object_mut()) {
                m.insert("file".into(), Value::String(name));
            }
            let text = serde_json::to_string_pretty(&v).unwrap_or_default();
            let mut piece = String::with_capacity(text.len() + text.len() / 8);
            if !std::mem::take(&mut first) {
                piece.push_str(",\n");
            }
            for (i, line) in text.lines().enumerate() {
                if i > 0 {
                    piece.push('\n');
                }
                piece.push_str("    ");
                piece.push_str(line);
            }
            out.put(&piece);
        },
    )?;
    out.put("\n  ]\n}\n");
    Ok(())
}

/// One test's JSON entry (without its file, which the sink knows), decided again with its
/// explanation.
fn test_json(world: &World, case: TestCase) -> Value {
    let o = run_test(world, case, None);
    json!({
        "name": o.case.name,
        "location": o.case.location.to_string(),
        "expect": o.case.expect.as_str(),
        "decision": o.answer.as_ref().map(|a| a.decision.as_str()),
        "passed": o.passed(),
        "failure": o.failure,
        "rule": o.case.rule,
        "answer": o.answer.as_ref().map(answer_json),
    })
}

/// JUnit XML: one `testcase` a test, in file order; the failing ones with their explanation.
fn print_junit(
    world: &World,
    files: &[PathBuf],
    leniency: iamsim_engine::question::Leniency,
    dir: &Path,
    run: &TestsRun,
) -> Result<(), iamsim_engine::LoadError> {
    let suite = crate::render::xml_escape(&dir.display().to_string());
    let (total, failed) = (run.total(), run.failed);
    let mut out = Stdout::new();
    out.put(&format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"{total}\" failures=\"{failed}\">\n  <testsuite name=\"{suite}\" tests=\"{total}\" failures=\"{failed}\">\n"
    ));
    let mut failures = run.failures.iter().peekable();
    let each = |case: TestCase| case.name;
    each_test(
        world,
        files,
        leniency,
        run,
        &each,
        &mut |file, index, name| {
            let class = files
                .get(file)
                .map(|p| crate::render::xml_escape(&p.display().to_string()))
                .unwrap_or_default();
            let failure = failures.next_if(|f| (f.file, f.index) == (file, index));
            out.put(&junit_case(&class, &name, failure));
        },
    )?;
    out.put("  </testsuite>\n</testsuites>\n");
    Ok(())
}

fn junit_case(class: &str, name: &str, failure: Option<&TestFailure>) -> String {
    let name = crate::render::xml_escape(name);
    let Some(f) = failure.and_then(|f| f.outcome.failure.as_ref().map(|m| (f, m))) else {
        return format!("    <testcase classname=\"{class}\" name=\"{name}\"/>\n");
    };
    let (f, message) = f;
    let body = f
        .outcome
        .answer
        .as_ref()
        .map(|a| a.render_text())
        .unwrap_or_default();
    format!(
        "    <testcase classname=\"{class}\" name=\"{name}\">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
        crate::render::xml_escape(message),
        crate::render::xml_escape(&body)
    )
}

//! `iamsim lint`: policy files, folders and worlds checked against the grammar, AWS's service
//! catalog and security best practice; text, JSON, SARIF 2.1.0 and JUnit output (docs/command-line.md).

use crate::Status;
use clap::{Args, ValueEnum};
use iamsim_lint::{Baseline, Config, Finding, LintOptions, Report};
use iamsim_policy::{Code, PolicyType, Severity};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

mod iac;

#[derive(Clone, Copy, ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Sarif,
    Junit,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    Error,
    Security,
    Warning,
    Suggestion,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Security => Severity::Security,
            FailOn::Warning => Severity::Warning,
            FailOn::Suggestion => Severity::Suggestion,
        }
    }
}

#[derive(Args)]
pub struct LintArgs {
    #[arg(long, value_enum, default_value = "text")]
    format: LintFormat,
    /// The lowest severity that makes the exit status 1 (severities: suggestion < warning <
    /// security < error). The default blocks what AWS's own policy validators block: errors and
    /// security findings.
    #[arg(long, value_enum, default_value = "security")]
    fail_on: FailOn,
    /// Read every standalone file as this policy type instead of detecting it (worlds give
    /// their own types).
    #[arg(long, value_parser = crate::render::parse_policy_type)]
    policy_type: Option<PolicyType>,
    /// Skip named files that are not policy documents (for pre-commit, which passes every
    /// staged *.json).
    #[arg(long)]
    skip_non_policy: bool,
    /// Suppressions file (default: .iamsim-lint.json in the current folder, if there is one).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Do not read .iamsim-lint.json.
    #[arg(long)]
    no_config: bool,
    /// Report only findings not listed in this baseline file.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Write the current findings to this baseline file (exit 0 unless input is unreadable).
    #[arg(long)]
    write_baseline: Option<PathBuf>,
    /// Policy files, folders (searched for *.json) and worlds (folders holding world.json).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

const DEFAULT_CONFIG: &str = ".iamsim-lint.json";

pub fn run(args: LintArgs) -> Status {
    let (config_path, config, baseline) = match settings(&args) {
        Ok(s) => s,
        Err(status) => return status,
    };
    let opts = LintOptions {
        policy_type: args.policy_type,
        skip_non_policy: args.skip_non_policy,
        root: crate::root().map(std::path::Path::to_path_buf),
    };
    let mut report = lint_all(&args.paths, &opts);
    let threshold = args.fail_on.severity();
    let (suppressed, baselined) = hide(
        &mut report,
        threshold,
        (&config, config_path.as_deref()),
        (baseline.as_ref(), args.baseline.as_deref()),
    );
    if let Some(path) = &args.write_baseline {
        if let Err(e) = std::fs::write(path, Baseline::render(&report.findings)) {
            crate::eprintln_safe!("iamsim: cannot write baseline `{}`: {e}", path.display());
            return Status::BadInput;
        }
        crate::eprintln_safe!(
            "iamsim: wrote {} finding(s) to baseline `{}`",
            report.findings.len(),
            path.display()
        );
    }
    let out = match args.format {
        LintFormat::Text => text(&report, threshold, &suppressed, &baselined),
        LintFormat::Json => json_report(&report, threshold, &suppressed, &baselined),
        LintFormat::Sarif => sarif(&report),
        LintFormat::Junit => junit(&report, threshold),
    };
    crate::emit(&out);
    exit_status(&args, &report, threshold)
}

/// The config file (the one named, else `.iamsim.json` if present, unless `--no-config`) and
/// the baseline; an unusable one is reported and ends the run.
fn settings(args: &LintArgs) -> Result<(Option<PathBuf>, Config, Option<Baseline>), Status> {
    let config_path = match (&args.config, args.no_config) {
        (_, true) => None,
        (Some(p), false) => Some(p.clone()),
        (None, false) => Some(PathBuf::from(DEFAULT_CONFIG)).filter(|p| p.is_file()),
    };
    let report = |e: iamsim_lint::ConfigError| {
        for d in &e.diagnostics {
            crate::eprint_safe!("{}", d.render());
        }
        Status::BadInput
    };
    let config = config_path
        .as_deref()
        .map(Config::load)
        .transpose()
        .map_err(report)?
        .unwrap_or_default();
    let baseline = args
        .baseline
        .as_deref()
        .map(Baseline::load)
        .transpose()
        .map_err(report)?;
    Ok((config_path, config, baseline))
}

/// Drops the findings the config suppresses and the baseline holds. Suppressions and
/// baselines may be edited by the pull request they gate: a finding at or above the threshold
/// is hidden only with a written reason, and every run says how many were hidden and by which
/// file.
fn hide(
    report: &mut Report,
    threshold: Severity,
    (config, config_path): (&Config, Option<&std::path::Path>),
    (baseline, baseline_path): (Option<&Baseline>, Option<&std::path::Path>),
) -> (Hidden, Hidden) {
    let before = report.findings.len();
    let unexplained = report
        .findings
        .iter()
        .filter(|f| {
            (config.suppresses(f) && !config.suppresses_at(f, threshold))
                || baseline.is_some_and(|b| b.contains(f) && !b.hides_at(f, threshold))
        })
        .count();
    report
        .findings
        .retain(|f| !config.suppresses_at(f, threshold));
    let suppressed = Hidden {
        count: before - report.findings.len(),
        by: config_path.map(|p| p.display().to_string()),
    };
    let mut baselined = Hidden {
        count: 0,
        by: baseline_path.map(|p| p.display().to_string()),
    };
    if let Some(b) = baseline {
        let n = report.findings.len();
        report.findings.retain(|f| !b.hides_at(f, threshold));
        baselined.count = n - report.findings.len();
    }
    if unexplained > 0 {
        crate::eprintln_safe!(
            "iamsim: lint: {unexplained} finding(s) at or above `{threshold}` match a suppression or baseline entry without a `reason`; they are still reported"
        );
    }
    (suppressed, baselined)
}

/// Exit status: 2 when something could not be read, a world does not load or nothing was
/// checked; 1 when a finding reaches the threshold; else 0.
fn exit_status(args: &LintArgs, report: &Report, threshold: Severity) -> Status {
    // Every world is tried, so every one that does not load is reported.
    let worlds_load = args
        .paths
        .iter()
        .filter(|p| !crate::render::world_loads(p))
        .count()
        == 0;
    if report.unreadable || !worlds_load {
        Status::BadInput
    } else if report.policies == 0 && !args.skip_non_policy {
        // A run that checked nothing is not a pass (a world with a misspelt key, a folder of
        // non-policies, an empty folder).
        crate::eprintln_safe!(
            "iamsim: lint: no policy was checked in {}; nothing examined is not a pass",
            args.paths
                .iter()
                .map(|p| format!("`{}`", crate::render::safe_text(&p.display().to_string())))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Status::BadInput
    } else if report.policies == 0 {
        crate::eprintln_safe!(
            "iamsim: lint: note: no policy among the files named (--skip-non-policy)"
        );
        Status::Ok
    } else if args.write_baseline.is_some() {
        Status::Ok
    } else if report
        .findings
        .iter()
        .any(|f| f.diagnostic.severity >= threshold)
    {
        Status::No
    } else {
        Status::Ok
    }
}

fn location(f: &Finding) -> (u32, u32) {
    f.diagnostic
        .location()
        .map(|l| (l.line, l.column))
        .unwrap_or((1, 1))
}

/// Counts by severity, most severe first.
fn counts(report: &Report) -> [(Severity, usize); 4] {
    let n = |s: Severity| {
        report
            .findings
            .iter()
            .filter(|f| f.diagnostic.severity == s)
            .count()
    };
    [
        (Severity::Error, n(Severity::Error)),
        (Severity::Security, n(Severity::Security)),
        (Severity::Warning, n(Severity::Warning)),
        (Severity::Suggestion, n(Severity::Suggestion)),
    ]
}

/// Findings a suppression file or baseline hid, and which file.
struct Hidden {
    count: usize,
    by: Option<String>,
}

impl Hidden {
    fn json(&self) -> Value {
        json!({"count": self.count, "file": self.by})
    }
}

fn text(report: &Report, threshold: Severity, suppressed: &Hidden, baselined: &Hidden) -> String {
    let mut out = String::new();
    for f in &report.findings {
        if f.diagnostic.source.is_some() {
            out.push_str(&f.diagnostic.render());
        } else {
            let _ = writeln!(
                out,
                "{}: {}[{}]: {}",
                f.file, f.diagnostic.severity, f.diagnostic.code, f.diagnostic.message
            );
            if let Some(h) = &f.diagnostic.help {
                let _ = writeln!(out, "  help: {h}");
            }
        }
        out.push('\n');
    }
    let parts: Vec<String> = counts(report)
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let failing = report
        .findings
        .iter()
        .filter(|f| f.diagnostic.severity >= threshold)
        .count();
    let mut line = if parts.is_empty() {
        format!("{} file(s) checked: no findings", report.files)
    } else {
        format!(
            "{} file(s) checked: {} ({failing} at or above `{threshold}`)",
            report.files,
            parts.join(", ")
        )
    };
    if let Some(by) = &suppressed.by {
        let _ = write!(line, "; {} suppressed by `{by}`", suppressed.count);
    }
    if let Some(by) = &baselined.by {
        let _ = write!(line, "; {} in the baseline `{by}`", baselined.count);
    }
    let _ = writeln!(out, "{line}");
    out
}

fn finding_json(f: &Finding) -> Value {
    let (line, column) = location(f);
    let mut v = json!({
        "code": f.diagnostic.code.as_str(),
        "severity": f.diagnostic.severity.as_str(),
        "message": f.diagnostic.message,
        "file": f.file,
        "line": line,
        "column": column,
        "fingerprint": f.fingerprint,
    });
    if let Value::Object(m) = &mut v {
        if let Some(h) = &f.diagnostic.help {
            m.insert("help".into(), json!(h));
        }
        if let Some(r) = &f.resource {
            m.insert("resource".into(), json!(r));
        }
        if let Some(st) = &f.statement {
            m.insert("statement".into(), json!(st.index));
            if let Some(sid) = &st.sid {
                m.insert("sid".into(), json!(sid));
            }
        }
    }
    v
}

fn json_report(
    report: &Report,
    threshold: Severity,
    suppressed: &Hidden,
    baselined: &Hidden,
) -> String {
    let summary: serde_json::Map<String, Value> = counts(report)
        .iter()
        .map(|(s, n)| (s.as_str().to_string(), json!(n)))
        .collect();
    let doc = json!({
        "files": report.files,
        "findings": report.findings.iter().map(finding_json).collect::<Vec<_>>(),
        "summary": summary,
        "fail_on": threshold.as_str(),
        "suppressed": suppressed.json(),
        "baselined": baselined.json(),
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// GitHub's scale: 9+ critical, 7–8.9 high, 4–6.9 medium, below 4 low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Security => "8.0",
        Severity::Error => "5.5",
        Severity::Warning => "4.0",
        Severity::Suggestion => "1.0",
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error | Severity::Security => "error",
        Severity::Warning => "warning",
        Severity::Suggestion => "note",
    }
}

/// `PASS_ROLE_WITH_STAR_IN_RESOURCE` → `PassRoleWithStarInResource` (SARIF's rule name).
fn rule_name(code: Code) -> String {
    code.as_str()
        .split('_')
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut c = lower.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// SARIF 2.1.0 as GitHub code scanning reads it: one rule per code that occurs, results with a
/// physical location and a partial fingerprint.
pub fn sarif(report: &Report) -> String {
    let mut rules: BTreeMap<&str, (usize, Code)> = BTreeMap::new();
    for f in &report.findings {
        let n = rules.len();
        rules
            .entry(f.diagnostic.code.as_str())
            .or_insert((n, f.diagnostic.code));
    }
    let mut ordered: Vec<(usize, Code)> = rules.values().copied().collect();
    ordered.sort_by_key(|(i, _)| *i);
    let rules_json: Vec<Value> = ordered
        .iter()
        .map(|(_, code)| {
            let sev = code.severity();
            let mut tags = vec!["iam"];
            if sev == Severity::Security {
                tags.push("security");
            }
            json!({
                "id": code.as_str(),
                "name": rule_name(*code),
                "helpUri": iamsim_lint::access_analyzer::help_uri(*code),
                "shortDescription": { "text": code.description() },
                "fullDescription": { "text": code.description() },
                "help": { "text": code.description() },
                "defaultConfiguration": { "level": sarif_level(sev) },
                "properties": {
                    "security-severity": security_severity(sev),
                    "tags": tags,
                    "precision": "high",
                },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let (line, column) = location(f);
            let rule_index = rules
                .get(f.diagnostic.code.as_str())
                .map(|(i, _)| *i)
                .unwrap_or(0);
            let mut message = f.diagnostic.message.clone();
            if let Some(h) = &f.diagnostic.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            let (end_line, end_column) = match (&f.diagnostic.source, f.diagnostic.span) {
                (Some(src), span) if span.end > span.start => src.line_col(span.end),
                _ => (line, column + 1),
            };
            let mut properties = json!({ "severity": f.diagnostic.severity.as_str() });
            if let (Some(r), Value::Object(m)) = (&f.resource, &mut properties) {
                m.insert("resource".into(), json!(r));
            }
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": artifact_location(&f.file),
                    "region": {
                        "startLine": line,
                        "startColumn": column,
                        "endLine": end_line,
                        "endColumn": end_column,
                    },
                },
            });
            if let (Some(r), Value::Object(m)) = (&f.resource, &mut location) {
                m.insert(
                    "logicalLocations".into(),
                    json!([{ "fullyQualifiedName": r, "kind": "resource" }]),
                );
            }
            json!({
                "ruleId": f.diagnostic.code.as_str(),
                "ruleIndex": rule_index,
                "level": sarif_level(f.diagnostic.severity),
                "message": { "text": message },
                "locations": [location],
                "partialFingerprints": { "iamsimFindingHash/v1": f.fingerprint },
                "properties": properties,
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "iamsim",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules_json,
                },
            },
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "the folder iamsim ran in" } } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Where a finding's file is, for SARIF: relative to the folder iamsim ran in (`%SRCROOT%`, which
/// code scanning takes as the repository root), also when the path was given absolute; a file
/// outside that folder keeps its absolute `file://` URI.
pub(crate) fn artifact_location(file: &str) -> Value {
    let path = std::path::Path::new(file);
    if path.is_absolute() {
        let cwd = std::env::current_dir().ok();
        match cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()) {
            Some(rel) => {
                let rel = rel.to_string_lossy().replace('\\', "/");
                json!({ "uri": sarif_uri(&rel), "uriBaseId": "%SRCROOT%" })
            }
            None => json!({ "uri": format!("file://{}", sarif_uri(&file.replace('\\', "/"))) }),
        }
    } else {
        json!({ "uri": sarif_uri(file), "uriBaseId": "%SRCROOT%" })
    }
}

/// A relative path as a URI reference: forward slashes, spaces and the like percent-encoded.
fn sarif_uri(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for c in file.chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '/' | '-' | '_' | '.' | '~' => out.push(c),
            _ => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{b:02X}");
                }
            }
        }
    }
    out
}

/// JUnit XML: a passing test case for each file with nothing at or above the threshold, and a
/// failing test case for each finding at or above it (named `file:line:column CODE`), so every
/// one shows in CI's test report, not only the first of a file.
fn junit(report: &Report, threshold: Severity) -> String {
    let mut files: Vec<&str> = report.checked.iter().map(String::as_str).collect();
    for f in &report.findings {
        if !files.contains(&f.file.as_str()) {
            files.push(&f.file);
        }
    }
    let mut cases = String::new();
    let mut tests = 0;
    let mut failures = 0;
    for file in &files {
        let failing: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.file == *file && f.diagnostic.severity >= threshold)
            .collect();
        if failing.is_empty() {
            tests += 1;
            let _ = writeln!(
                cases,
                "    <testcase classname=\"iamsim.lint\" name=\"{}\"/>",
                crate::render::xml_escape(file)
            );
            continue;
        }
        for f in failing {
            tests += 1;
            failures += 1;
            let (line, column) = location(f);
            let mut body = format!("{}:{line}:{column}: {}", f.file, f.diagnostic.message);
            if let Some(h) = &f.diagnostic.help {
                let _ = write!(body, "\nhelp: {h}");
            }
            let _ = writeln!(
                cases,
                "    <testcase classname=\"iamsim.lint\" name=\"{}\" file=\"{}\" line=\"{line}\">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                crate::render::xml_escape(&format!(
                    "{}:{line}:{column} {}",
                    f.file, f.diagnostic.code
                )),
                crate::render::xml_escape(&f.file),
                f.diagnostic.code,
                crate::render::xml_escape(&format!(
                    "{}[{}]: {}",
                    f.diagnostic.severity, f.diagnostic.code, f.diagnostic.message
                )),
                crate::render::xml_escape(&body)
            );
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"iamsim lint\" tests=\"{tests}\" failures=\"{failures}\">\n  <testsuite name=\"iamsim lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}

/// Lints policy files, worlds and Terraform/CloudFormation sources among `paths` into one
/// report; files that hold no policy (under `--skip-non-policy`) are noted on stderr.
fn lint_all(paths: &[PathBuf], opts: &LintOptions) -> Report {
    let (rest, iac, ahead) = iac::lint_iac(paths, opts.skip_non_policy, opts.root.as_deref());
    let mut report = if rest.is_empty() {
        Report::default()
    } else {
        iamsim_lint::lint_paths_read_ahead(&rest, opts, ahead)
    };
    // A template or plan in a searched folder is read by both walks: count it once.
    for f in iac.checked {
        if !report.checked.contains(&f) {
            report.checked.push(f);
        }
    }
    report.files = report.checked.len();
    report.policies += iac.policies;
    report.unreadable |= iac.unreadable;
    report.findings.extend(iac.findings);
    iamsim_lint::finish(&mut report.findings);
    for f in &iac.skipped {
        crate::eprintln_safe!("iamsim: note: `{f}` holds no IAM policy: skipped");
    }
    report
}

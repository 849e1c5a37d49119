#![deny(missing_docs)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
//! `iamsim lint`: every diagnostic of the policy grammar, plus checks against AWS's service
//! catalog (unknown services, actions, condition keys, resource types) and security best
//! practice (public access, `iam:PassRole` on `*`, cross-account trust without a condition, ...),
//! over policy files, folders and worlds.
//!
//! ```
//! use iamsim_lint::{lint_text, PolicyContext};
//! let findings = lint_text(
//!     "p.json",
//!     r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjects","Resource":"*"}]}"#,
//!     None,
//!     &PolicyContext::default(),
//! );
//! assert_eq!(findings[0].diagnostic.code.as_str(), "INVALID_ACTION");
//! assert_eq!(findings[0].diagnostic.help.as_deref(), Some("did you mean `s3:GetObject`?"));
//! ```

pub mod access;
pub mod access_analyzer;
mod checks;
mod config;
pub mod escalation;
mod federated;
mod key_policy;
mod key_policy_accounts;
mod load_policies;
pub mod patterns;
mod run;
mod world;

pub use checks::PolicyContext;
pub use config::{Baseline, Config, ConfigError};
pub use load_policies::{load_policies, load_policies_in, LoadedPolicy};
use run::Run;

use iamsim_policy::json::{self, Json, JsonValue, Limits};
use iamsim_policy::{parse_policy_json, Code, Diagnostic, Policy, PolicyType, Source};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use iamsim_policy::files::{self, FileKind, Files, Folder, InputFile};

/// How to lint.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// Read every standalone file as this type instead of detecting it.
    pub policy_type: Option<PolicyType>,
    /// Skip named files that are plainly not policy documents (no `Statement`, `Version` or
    /// AWS CLI wrapper), as folder searches do: for hooks that pass every staged `*.json`.
    pub skip_non_policy: bool,
    /// References in worlds may reach anywhere inside this folder (`--root`), not only inside
    /// the world folder; folder walks follow symlinks only to files inside it (or inside the
    /// folder walked when it is `None`).
    pub root: Option<PathBuf>,
}

/// The statement a finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementRef {
    /// Its position in the `Statement` list, from 0.
    pub index: usize,
    /// Its `Sid`, if it has one.
    pub sid: Option<String>,
}

/// One finding: a diagnostic, the file it is in, and a fingerprint that survives edits elsewhere
/// in the file (for baselines and SARIF).
#[derive(Clone, Debug)]
pub struct Finding {
    /// The code, severity, message and span.
    pub diagnostic: Diagnostic,
    /// The file it is in, as named on the command line or by the world.
    pub file: String,
    /// The statement it is about, when it is about one.
    pub statement: Option<StatementRef>,
    /// A hash of the file, the code, the statement's Sid or index, the text found and the
    /// message, without line numbers (baselines, SARIF `partialFingerprints`).
    pub fingerprint: String,
    /// The Terraform address or CloudFormation logical id of the resource whose policy it is
    /// about (policies read from infrastructure as code).
    pub resource: Option<String>,
}

/// The result of a lint run.
#[derive(Debug, Default)]
pub struct Report {
    /// How many files were read.
    pub files: usize,
    /// The files read, in order.
    pub checked: Vec<String>,
    /// How many policy documents were checked (a run that checked none is not a pass).
    pub policies: usize,
    /// Every finding, in file order.
    pub findings: Vec<Finding>,
    /// Some input could not be read or is not JSON at all (exit status 2).
    pub unreadable: bool,
}

/// Codes that mean the input could not be read as JSON at all.
fn is_unreadable(code: Code) -> bool {
    matches!(
        code,
        Code::JsonSyntax
            | Code::TypographicQuote
            | Code::InvalidEncoding
            | Code::EmptyDocument
            | Code::NestingTooDeep
            | Code::InputTooLarge
            | Code::FileNotFound
            | Code::PathOutsideRoot
            | Code::NotARegularFile
    )
}

/// The policy type a standalone document most likely is: a statement with a `Principal` and an
/// `sts:AssumeRole*` action makes a trust policy, a `Principal` alone a resource-based policy,
/// and no `Principal` an identity policy.
pub fn detect_policy_type(doc: &Json) -> PolicyType {
    let statements: Vec<&Json> = match doc.get("Statement").map(|s| &s.value) {
        Some(JsonValue::Array(items)) => items.iter().collect(),
        Some(JsonValue::Object(_)) => doc.get("Statement").into_iter().collect(),
        _ => Vec::new(),
    };
    let mut principal = false;
    let mut assume = false;
    for st in statements {
        if st.get("Principal").is_some() || st.get("NotPrincipal").is_some() {
            principal = true;
            let actions: Vec<&str> = match st.get("Action").map(|a| &a.value) {
                Some(JsonValue::String(s)) => vec![s.as_str()],
                Some(JsonValue::Array(items)) => items.iter().filter_map(Json::as_str).collect(),
                _ => Vec::new(),
            };
            assume |= actions.iter().any(|a| {
                a.get(..14)
                    .is_some_and(|p| p.eq_ignore_ascii_case("sts:AssumeRole"))
            });
        }
    }
    match (principal, assume) {
        (true, true) => PolicyType::Trust,
        (true, false) => PolicyType::Resource,
        _ => PolicyType::Identity,
    }
}

/// `{"Policy": "<document>"}` (get-bucket-policy) and `{"PolicyVersion": {"Document": ...}}`
/// (get-policy-version), as the world loader reads them.
fn unwrap_cli_shape(src: &Arc<Source>, doc: Json) -> Result<(Arc<Source>, Json), Diagnostic> {
    let inner = match doc.members() {
        Some([only]) if only.key == "Policy" => {
            only.value.as_str().map(|t| ("Policy", t.to_string()))
        }
        Some([only]) if only.key == "PolicyVersion" => match only.value.get("Document") {
            Some(d) => match d.as_str() {
                Some(t) => Some(("Document", iamsim_policy::percent::decode(t))),
                None => return Ok((Arc::clone(src), d.clone())),
            },
            None => None,
        },
        _ => None,
    };
    match inner {
        Some((what, text)) => {
            let source = Source::new(format!("{} ({what})", src.name()), text);
            let json = json::parse(&source, Limits::default())?;
            Ok((source, json))
        }
        None => Ok((Arc::clone(src), doc)),
    }
}

/// An object with a policy's top-level element (or a misspelling of one) or a CLI wrapper.
fn looks_like_policy(doc: &Json) -> bool {
    doc.members().is_some_and(|ms| {
        ms.iter().any(|m| {
            matches!(
                m.key.as_str(),
                "Version" | "Id" | "Policy" | "PolicyVersion"
            ) || m.key.to_ascii_lowercase().starts_with("statement")
        })
    })
}

/// The kind a `.json` file found by walking a folder is read as before it is known to be a
/// policy: the largest kind such a file may be (a Terraform plan or a CloudFormation template).
/// What turns out to be a policy is then held to a policy file's limit ([`FileKind::Policy`]).
const WALKED_JSON: FileKind = FileKind::Iac;

/// JSON limits for a file of `kind`: nesting as always, length as the kind's limit.
fn limits_of(kind: FileKind) -> Limits {
    Limits {
        max_bytes: kind.max_len(),
        ..Limits::default()
    }
}

/// Whether a file a folder walk found should be read as a policy: false only for JSON that is
/// plainly something else (`package.json`, a tests file), as `lint` skips it. A file that cannot
/// be read or parsed counts as a policy, so that the reader reports it.
pub fn file_looks_like_policy(path: &Path) -> bool {
    let Ok(input) = files::read_named_kind(path, WALKED_JSON) else {
        return true;
    };
    let name = display(path);
    match json::parse_bytes(&name, &input.bytes, limits_of(WALKED_JSON)) {
        Ok((_, doc)) => looks_like_policy(&doc),
        Err(_) => true,
    }
}

/// Lints one policy document already read as JSON.
fn lint_json(
    src: &Arc<Source>,
    doc: &Json,
    ty: PolicyType,
    ctx: &PolicyContext,
    file: &str,
) -> Vec<Finding> {
    let parsed = match ctx.quota {
        Some(q) => iamsim_policy::parse_policy_json_quota(src, doc, ty, q),
        None => parse_policy_json(src, doc, ty),
    };
    let mut out: Vec<(Diagnostic, Option<usize>)> = parsed
        .diagnostics
        .into_iter()
        .filter(|d| !(ctx.aws_managed && d.code.is_size_quota()))
        .map(|d| (d, None))
        .collect();
    let policy = parsed.policy;
    if let Some(policy) = &policy {
        for hit in checks::check_policy(policy, ctx) {
            out.push((hit.diagnostic, hit.statement));
        }
        // KMS key policies (key_policy.rs).
        for hit in key_policy::check(policy, ty, ctx) {
            out.push((hit.diagnostic, hit.statement));
        }
        // Escalation steps allowed on every resource (escalation.rs).
        for hit in escalation::check(policy) {
            out.push((hit.diagnostic, hit.statement));
        }
    }
    out.into_iter()
        .map(|(d, st)| finding(d, st, policy.as_ref(), file))
        .collect()
}

fn finding(d: Diagnostic, st: Option<usize>, policy: Option<&Policy>, file: &str) -> Finding {
    let statement = policy.and_then(|p| {
        let index = st.or_else(|| {
            p.statements
                .iter()
                .find(|s| s.span.start <= d.span.start && d.span.start < s.span.end)
                .map(|s| s.index)
        })?;
        let sid = p
            .statements
            .get(index)
            .and_then(|s| s.sid.as_ref())
            .map(|s| s.value.clone());
        Some(StatementRef { index, sid })
    });
    let snippet = d
        .source
        .as_ref()
        .and_then(|s| s.text().get(d.span.start as usize..d.span.end as usize))
        .unwrap_or("");
    // The fingerprint leaves out line numbers, so edits elsewhere do not change it.
    let anchor = match &statement {
        Some(StatementRef { sid: Some(sid), .. }) => format!("sid:{sid}"),
        Some(s) => format!("index:{}", s.index),
        None => String::new(),
    };
    let fingerprint = fnv_hex(&[
        file,
        d.code.fingerprint_name(),
        &anchor,
        snippet,
        &d.message,
    ]);
    Finding {
        diagnostic: d,
        file: file.to_string(),
        statement,
        fingerprint,
        resource: None,
    }
}

/// A stable fingerprint of the given parts (FNV-1a, hex): the one findings carry.
pub fn fingerprint(parts: &[&str]) -> String {
    fnv_hex(parts)
}

fn fnv_hex(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Lints one policy document given as text (tests, benches, the managed-policy check).
/// `policy_type`: `None` detects it from the content.
pub fn lint_text(
    name: &str,
    text: &str,
    policy_type: Option<PolicyType>,
    ctx: &PolicyContext,
) -> Vec<Finding> {
    let src = Source::new(name, text);
    match json::parse(&src, Limits::default()) {
        Ok(doc) => {
            let ty = policy_type.unwrap_or_else(|| detect_policy_type(&doc));
            lint_json(&src, &doc, ty, ctx, name)
        }
        Err(d) => vec![finding(d, None, None, name)],
    }
}

/// Normalises how a path is shown: forward slashes, no leading `./`.
fn display(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// What another reader of the same run (the Terraform and CloudFormation lint) already walked
/// and read, so that a folder is walked once and each file read once ([`lint_paths_read_ahead`]).
#[derive(Debug, Default)]
pub struct ReadAhead {
    /// Walks of the folders named, by the path as named. The walk may hold files of any name:
    /// the policy lint takes its `*.json` files.
    pub walks: HashMap<PathBuf, FolderWalk>,
    /// Bytes of files already read (bounded as the policy lint bounds them), by canonical path.
    pub texts: HashMap<PathBuf, Vec<u8>>,
    /// Files the other reader lints (templates and plans), by canonical path: not policies.
    pub taken: HashSet<PathBuf>,
}

/// Whether `p` names a JSON file (what a policy walk reads).
pub fn is_json(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "json")
}

pub use iamsim_policy::files::{walk_folder, FolderWalk};

/// Lints files, folders (recursively, `*.json`) and worlds (folders holding `world.json`).
pub fn lint_paths(paths: &[PathBuf], opts: &LintOptions) -> Report {
    lint_paths_read_ahead(paths, opts, ReadAhead::default())
}

/// [`lint_paths`] after another reader of the run walked the folders and read files: their
/// walks and bytes are used instead of walking and reading again, and the files it lints are
/// left to it.
pub fn lint_paths_read_ahead(paths: &[PathBuf], opts: &LintOptions, ahead: ReadAhead) -> Report {
    let mut run = Run::new(opts);
    run.ahead = ahead;
    for path in paths {
        if path.is_dir() {
            run.folder(path);
        } else if path.file_name().is_some_and(|n| n == "world.json") {
            let dir = path.parent().unwrap_or(Path::new("."));
            run.world(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            });
        } else if path.exists() {
            run.file(path, None, &PolicyContext::default());
        } else {
            let name = display(path);
            run.unreadable(&name, format!("`{name}` does not exist"));
        }
    }
    let mut report = run.report;
    finish(&mut report.findings);
    report
}

/// Sorts, drops exact duplicates, and makes fingerprints unique within the run (also for
/// findings gathered by other readers, such as Terraform and CloudFormation).
pub fn finish(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (
            a.file.as_str(),
            a.diagnostic.span.start,
            a.diagnostic.code.as_str(),
        )
            .cmp(&(
                b.file.as_str(),
                b.diagnostic.span.start,
                b.diagnostic.code.as_str(),
            ))
    });
    let mut seen = HashSet::new();
    findings.retain(|f| {
        seen.insert((
            f.file.clone(),
            f.diagnostic.span.start,
            f.diagnostic.code,
            f.diagnostic.message.clone(),
        ))
    });
    let mut fps: HashSet<String> = HashSet::new();
    for f in findings.iter_mut() {
        let base = f.fingerprint.clone();
        let mut n = 1;
        while !fps.insert(f.fingerprint.clone()) {
            n += 1;
            f.fingerprint = format!("{base}-{n}");
        }
    }
}

#[cfg(test)]
mod tests;

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
mod checks;
mod config;
pub mod patterns;
mod world;

pub use checks::PolicyContext;
pub use config::{Baseline, Config, ConfigError};

use iamsim_policy::json::{self, Json, JsonValue, Limits};
use iamsim_policy::{parse_policy_json, Code, Diagnostic, Policy, PolicyType, Source};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest file read (as the world loader).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// How to lint.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// Read every standalone file as this type instead of detecting it.
    pub policy_type: Option<PolicyType>,
    /// Skip named files that are plainly not policy documents (no `Statement`, `Version` or
    /// AWS CLI wrapper), as folder searches do: for hooks that pass every staged `*.json`.
    pub skip_non_policy: bool,
}

/// The statement a finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementRef {
    pub index: usize,
    pub sid: Option<String>,
}

/// One finding: a diagnostic, the file it is in, and a fingerprint that survives edits elsewhere
/// in the file (for baselines and SARIF).
#[derive(Clone, Debug)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub file: String,
    pub statement: Option<StatementRef>,
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
                Some(t) => Some(("Document", percent_decode(t))),
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

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |x: Option<&u8>| x.and_then(|h| (*h as char).to_digit(16));
        if c == b'%' {
            if let (Some(h), Some(l)) = (hex(b.get(i + 1)), hex(b.get(i + 2))) {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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

/// Lints one policy document already read as JSON.
fn lint_json(
    src: &Arc<Source>,
    doc: &Json,
    ty: PolicyType,
    ctx: &PolicyContext,
    file: &str,
) -> Vec<Finding> {
    let parsed = parse_policy_json(src, doc, ty);
    let mut out: Vec<(Diagnostic, Option<usize>)> = parsed
        .diagnostics
        .into_iter()
        .filter(|d| !(ctx.aws_managed && d.code == Code::PolicySizeExceeded))
        .map(|d| (d, None))
        .collect();
    let policy = parsed.policy;
    if let Some(policy) = &policy {
        for hit in checks::check_policy(policy, ctx) {
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
    let fingerprint = fnv_hex(&[file, d.code.as_str(), &anchor, snippet, &d.message]);
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

struct Run<'o> {
    opts: &'o LintOptions,
    report: Report,
    /// (file, type) pairs already linted.
    seen: HashSet<(String, &'static str)>,
}

impl Run<'_> {
    fn add(&mut self, findings: Vec<Finding>) {
        for f in findings {
            self.report.unreadable |= is_unreadable(f.diagnostic.code);
            self.report.findings.push(f);
        }
    }

    fn unreadable(&mut self, file: &str, message: String) {
        let d = Diagnostic::detached(Code::FileNotFound, message);
        self.add(vec![finding(d, None, None, file)]);
    }

    /// Reads a file as JSON; reports why not.
    fn read(&mut self, path: &Path) -> Option<(Arc<Source>, Json)> {
        let name = display(path);
        match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_FILE_BYTES => {
                self.unreadable(
                    &name,
                    format!("`{name}` is larger than {MAX_FILE_BYTES} bytes"),
                );
                return None;
            }
            _ => {}
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                self.unreadable(&name, format!("cannot read `{name}`: {e}"));
                return None;
            }
        };
        self.report.files += 1;
        self.report.checked.push(name.clone());
        match json::parse_bytes(&name, &bytes, Limits::default()) {
            Ok(read) => Some(read),
            Err(d) => {
                self.add(vec![finding(d, None, None, &name)]);
                None
            }
        }
    }

    fn file(&mut self, path: &Path, ty: Option<PolicyType>, ctx: &PolicyContext) {
        let skip = self.opts.skip_non_policy && ty.is_none();
        self.file_in(path, ty, ctx, skip);
    }

    /// `searched`: found by walking a folder, where JSON that is plainly not a policy
    /// (`package.json`, `tests.json`) is skipped rather than reported.
    fn file_in(
        &mut self,
        path: &Path,
        ty: Option<PolicyType>,
        ctx: &PolicyContext,
        searched: bool,
    ) {
        let name = display(path);
        let key_ty = ty.map(PolicyType::as_str).unwrap_or("auto");
        if !self.seen.insert((name.clone(), key_ty)) {
            return;
        }
        let Some((src, doc)) = self.read(path) else {
            return;
        };
        let (src, doc) = match unwrap_cli_shape(&src, doc) {
            Ok(x) => x,
            Err(d) => {
                self.add(vec![finding(d, None, None, &name)]);
                return;
            }
        };
        if searched && !looks_like_policy(&doc) {
            return;
        }
        let ty = ty
            .or(self.opts.policy_type)
            .unwrap_or_else(|| detect_policy_type(&doc));
        let findings = lint_json(&src, &doc, ty, ctx, &name);
        self.add(findings);
    }

    fn world(&mut self, dir: &Path) {
        let world_file = dir.join("world.json");
        let Some((src, doc)) = self.read(&world_file) else {
            return;
        };
        let world_name = display(&world_file);
        for u in world::policy_uses(&doc) {
            match u.reference {
                world::PolicyRef::File(rel) => {
                    let path = dir.join(&rel);
                    if path.is_file() {
                        self.file(&path, Some(u.policy_type), &u.context);
                    } else {
                        let name = display(&path);
                        self.unreadable(
                            &name,
                            format!("policy file `{rel}` named in `{world_name}` does not exist"),
                        );
                    }
                }
                world::PolicyRef::Inline(json) => {
                    let findings = lint_json(&src, json, u.policy_type, &u.context, &world_name);
                    self.add(findings);
                }
            }
        }
    }

    fn folder(&mut self, dir: &Path) {
        // Breadth-first, sorted, so output is stable; a sub-folder with world.json is a world.
        let mut pending = vec![dir.to_path_buf()];
        while let Some(d) = pending.pop() {
            if d.join("world.json").is_file() {
                self.world(&d);
                continue;
            }
            let mut entries: Vec<PathBuf> = match std::fs::read_dir(&d) {
                Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    let name = display(&d);
                    self.unreadable(&name, format!("cannot read folder `{name}`: {e}"));
                    continue;
                }
            };
            entries.sort();
            let mut subdirs = Vec::new();
            for p in entries {
                if p.is_dir() {
                    let hidden = p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.starts_with('.') || n == "target" || n == "node_modules"
                    });
                    if !hidden {
                        subdirs.push(p);
                    }
                } else if p.extension().is_some_and(|e| e == "json") {
                    self.file_in(&p, None, &PolicyContext::default(), true);
                }
            }
            pending.extend(subdirs.into_iter().rev());
        }
    }
}

/// Lints files, folders (recursively, `*.json`) and worlds (folders holding `world.json`).
pub fn lint_paths(paths: &[PathBuf], opts: &LintOptions) -> Report {
    let mut run = Run {
        opts,
        report: Report::default(),
        seen: HashSet::new(),
    };
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

/// Sorts, drops exact duplicates, and makes fingerprints unique within the run.
fn finish(findings: &mut Vec<Finding>) {
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

/// A policy read for the access checks, with where it came from.
#[derive(Debug)]
pub struct LoadedPolicy {
    pub file: String,
    pub policy: Policy,
    pub context: PolicyContext,
    /// The accounts of the world it belongs to (empty outside a world).
    pub world_accounts: Vec<String>,
}

fn parse_file(
    path: &Path,
    ty: Option<PolicyType>,
) -> Result<(Arc<Source>, Json, PolicyType), Vec<Finding>> {
    let mut run = Run {
        opts: &LintOptions::default(),
        report: Report::default(),
        seen: HashSet::new(),
    };
    let name = display(path);
    let Some((src, doc)) = run.read(path) else {
        return Err(run.report.findings);
    };
    let (src, doc) =
        unwrap_cli_shape(&src, doc).map_err(|d| vec![finding(d, None, None, &name)])?;
    let ty = ty.unwrap_or_else(|| detect_policy_type(&doc));
    Ok((src, doc, ty))
}

fn checked_policy(
    src: &Arc<Source>,
    doc: &Json,
    ty: PolicyType,
    file: &str,
) -> Result<Policy, Vec<Finding>> {
    let parsed = parse_policy_json(src, doc, ty);
    match parsed.policy {
        Some(p) => Ok(p),
        None => Err(parsed
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .map(|d| finding(d, None, None, file))
            .collect()),
    }
}

/// The policies at `path` for the access checks: a policy file (type from `ty` or detected), or
/// a world's policies (each with the type the world gives it). Errors are the findings that
/// stopped a policy from being read.
pub fn load_policies(
    path: &Path,
    ty: Option<PolicyType>,
) -> Result<Vec<LoadedPolicy>, Vec<Finding>> {
    let world_dir = if path.is_dir() {
        Some(path.to_path_buf())
    } else if path.file_name().is_some_and(|n| n == "world.json") {
        Some(path.parent().map(Path::to_path_buf).unwrap_or_default())
    } else {
        None
    };
    let Some(dir) = world_dir else {
        let name = display(path);
        let (src, doc, ty) = parse_file(path, ty)?;
        let policy = checked_policy(&src, &doc, ty, &name)?;
        return Ok(vec![LoadedPolicy {
            file: name,
            policy,
            context: PolicyContext::default(),
            world_accounts: Vec::new(),
        }]);
    };
    let (src, doc, _) = parse_file(&dir.join("world.json"), None)?;
    let world_name = display(&dir.join("world.json"));
    let accounts: Vec<String> = doc
        .get("accounts")
        .and_then(Json::members)
        .unwrap_or(&[])
        .iter()
        .map(|m| m.key.clone())
        .collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for u in world::policy_uses(&doc) {
        let loaded = match u.reference {
            world::PolicyRef::File(rel) => {
                let p = dir.join(&rel);
                parse_file(&p, Some(u.policy_type)).and_then(|(s, d, t)| {
                    checked_policy(&s, &d, t, &display(&p)).map(|pol| (display(&p), pol))
                })
            }
            world::PolicyRef::Inline(json) => {
                checked_policy(&src, json, u.policy_type, &world_name)
                    .map(|pol| (world_name.clone(), pol))
            }
        };
        match loaded {
            Ok((file, policy)) => out.push(LoadedPolicy {
                file,
                policy,
                context: u.context,
                world_accounts: accounts.clone(),
            }),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

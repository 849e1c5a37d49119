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
pub mod patterns;
mod world;

pub use checks::PolicyContext;
pub use config::{Baseline, Config, ConfigError};

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

struct Run<'o> {
    opts: &'o LintOptions,
    report: Report,
    /// (file, type) pairs already linted.
    seen: HashSet<(String, &'static str)>,
    /// Files outside the folder being checked: their findings are concealed.
    hidden: HashSet<String>,
    /// Canonical paths of files already linted (a walk does not lint a world's file again).
    linted: HashSet<PathBuf>,
    /// What another reader of the run already walked and read.
    ahead: ReadAhead,
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

impl<'o> Run<'o> {
    fn new(opts: &'o LintOptions) -> Self {
        Run {
            opts,
            report: Report::default(),
            seen: HashSet::new(),
            hidden: HashSet::new(),
            linted: HashSet::new(),
            ahead: ReadAhead::default(),
        }
    }

    /// The bytes another reader read of the file at `path`, once.
    fn read_ahead(&mut self, path: &Path) -> Option<Vec<u8>> {
        if self.ahead.texts.is_empty() {
            return None;
        }
        let canonical = std::fs::canonicalize(path).ok()?;
        self.ahead.texts.remove(&canonical)
    }

    /// A file of `kind` a world names, through the world's reader (bounded as its kind), unless
    /// another reader read it (then held to its kind's limit).
    fn read_in(
        &mut self,
        folder: &Folder,
        rel: &str,
        kind: FileKind,
    ) -> Result<InputFile, Diagnostic> {
        if !self.ahead.texts.is_empty() {
            if let Ok(resolved) = folder.resolve(rel) {
                if let Some(bytes) = self.ahead.texts.remove(&resolved) {
                    let input = InputFile {
                        name: folder.dir().join(rel).display().to_string(),
                        bytes,
                        shown: folder.holds(&resolved),
                    };
                    return files::within_kind(input, kind);
                }
            }
        }
        files::read_kind(folder, rel, kind)
    }

    fn add(&mut self, findings: Vec<Finding>) {
        for mut f in findings {
            if self.hidden.contains(&f.file) {
                f.diagnostic = files::conceal(f.diagnostic, &f.file, "policy file");
            }
            self.report.unreadable |= is_unreadable(f.diagnostic.code);
            self.report.findings.push(f);
        }
    }

    fn unreadable(&mut self, file: &str, message: String) {
        let d = Diagnostic::detached(Code::FileNotFound, message);
        self.add(vec![finding(d, None, None, file)]);
    }

    /// Reads a file named on the command line (a policy file) or found by walking a folder
    /// (`searched`) as JSON; reports why not. A walked file is read as large as a walk reads
    /// ([`WALKED_JSON`]) and held to a policy file's limit unless it is plainly no policy: over
    /// that limit, JSON such as a large `package-lock.json` is passed over as before, and
    /// anything else is refused (`INPUT_TOO_LARGE`).
    fn read(&mut self, path: &Path, searched: bool) -> Option<(Arc<Source>, Json)> {
        let name = display(path);
        let kind = if searched {
            WALKED_JSON
        } else {
            FileKind::Policy
        };
        let input = match self.read_ahead(path) {
            Some(bytes) => files::within_kind(
                InputFile {
                    name: name.clone(),
                    bytes,
                    shown: true,
                },
                kind,
            ),
            None => files::read_named_kind(path, kind).map(|mut f| {
                f.name = name.clone();
                f.shown = true;
                f
            }),
        };
        let input = match input {
            Ok(f) if f.bytes.len() as u64 > FileKind::Policy.max_bytes() => {
                let plainly_other = json::parse_bytes(&name, &f.bytes, limits_of(kind))
                    .is_ok_and(|(_, doc)| !looks_like_policy(&doc));
                if plainly_other {
                    return None;
                }
                files::within_kind(f, FileKind::Policy)
            }
            other => other,
        };
        self.parse_input(&name, input, FileKind::Policy)
    }

    /// Counts a file as checked (once): one that held a policy, a world, or one that failed.
    fn count(&mut self, name: &str) {
        if !self.report.checked.iter().any(|c| c == name) {
            self.report.files += 1;
            self.report.checked.push(name.to_string());
        }
    }

    /// Parses what a reader gave for a file of `kind`; a file that may not be quoted has its
    /// findings concealed.
    fn parse_input(
        &mut self,
        name: &str,
        input: Result<InputFile, Diagnostic>,
        kind: FileKind,
    ) -> Option<(Arc<Source>, Json)> {
        let input = match input {
            Ok(i) => i,
            Err(d) => {
                self.count(name);
                self.add(vec![finding(d, None, None, name)]);
                return None;
            }
        };
        match json::parse_bytes(name, &input.bytes, limits_of(kind)) {
            Ok(read) => {
                if !input.shown {
                    self.hidden.insert(name.to_string());
                }
                Some(read)
            }
            Err(d) => {
                let d = if input.shown {
                    d
                } else {
                    files::conceal(d, name, "policy file")
                };
                self.count(name);
                self.add(vec![finding(d, None, None, name)]);
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
        let Some((src, doc)) = self.read(path, searched) else {
            return;
        };
        self.policy(&name, src, doc, ty, ctx, searched);
    }

    /// Lints a document read from `name`. `searched`: JSON that is plainly not a policy is
    /// skipped rather than reported.
    fn policy(
        &mut self,
        name: &str,
        src: Arc<Source>,
        doc: Json,
        ty: Option<PolicyType>,
        ctx: &PolicyContext,
        searched: bool,
    ) {
        let (src, doc) = match unwrap_cli_shape(&src, doc) {
            Ok(x) => x,
            Err(d) => {
                self.add(vec![finding(d, None, None, name)]);
                return;
            }
        };
        if searched && !looks_like_policy(&doc) {
            return;
        }
        let ty = ty
            .or(self.opts.policy_type)
            .unwrap_or_else(|| detect_policy_type(&doc));
        self.report.policies += 1;
        self.count(name);
        let findings = lint_json(&src, &doc, ty, ctx, name);
        self.add(findings);
    }

    fn world(&mut self, dir: &Path) {
        let world_file = dir.join("world.json");
        let folder = match Folder::open(dir, self.opts.root.as_deref()) {
            Ok(f) => f,
            Err(d) => {
                let name = display(&world_file);
                self.add(vec![finding(d, None, None, &name)]);
                return;
            }
        };
        let world_name = display(&world_file);
        let input = self.read_in(&folder, "world.json", FileKind::World);
        let Some((src, doc)) = self.parse_input(&world_name, input, FileKind::World) else {
            return;
        };
        self.count(&world_name);
        if let Ok(p) = folder.resolve("world.json") {
            self.linted.insert(p);
        }
        for (_, _, rel) in world::aws_managed_copies(&doc) {
            if let Ok(p) = folder.resolve(rel) {
                self.linted.insert(p);
            }
        }
        // The files are read and linted on all cores (below), in the order the world names them.
        let mut jobs = Vec::new();
        for u in world::policy_uses(&doc) {
            match &u.reference {
                world::PolicyRef::File(rel) => {
                    let name = display(&dir.join(rel));
                    let key_ty = u.policy_type.as_str();
                    if !self.seen.insert((name.clone(), key_ty)) {
                        continue;
                    }
                    if let Ok(p) = folder.resolve(rel) {
                        self.linted.insert(p);
                    }
                    // Read here (once, or taken from what another reader read); parsed and
                    // linted on all cores below.
                    let input = self
                        .read_in(&folder, rel, FileKind::Policy)
                        .map_err(|mut d| {
                            if d.code == Code::FileNotFound {
                                d.message = format!(
                                    "policy file `{rel}` named in `{world_name}` does not exist"
                                );
                            }
                            d
                        });
                    jobs.push((name, u, Some(input)));
                }
                // AWS's to fix, not the world's.
                world::PolicyRef::AwsManaged(_) => {}
                world::PolicyRef::Inline(_) => jobs.push((world_name.clone(), u, None)),
            }
        }
        self.fan_out(&jobs, |run, (name, u, input)| match &u.reference {
            world::PolicyRef::File(_) => {
                let Some(input) = input.clone() else {
                    return;
                };
                if let Some((src, doc)) = run.parse_input(name, input, FileKind::Policy) {
                    run.policy(name, src, doc, Some(u.policy_type), &u.context, false);
                }
            }
            world::PolicyRef::AwsManaged(_) => {}
            world::PolicyRef::Inline(json) => {
                run.report.policies += 1;
                run.count(&world_name);
                let findings = lint_json(&src, json, u.policy_type, &u.context, &world_name);
                run.add(findings);
            }
        });
    }

    /// Lints every policy file below `top`: the worlds with their types first, then every other
    /// `*.json` (a world's own files are not linted again).
    fn folder(&mut self, top: &Path) {
        let walk = match self.ahead.walks.remove(top) {
            Some(w) => w,
            None => walk_folder(top, self.opts.root.as_deref(), &is_json),
        };
        let entries = walk.unreadable.len();
        for (i, (name, message)) in walk.unreadable.into_iter().enumerate() {
            if walk.truncated && i + 1 == entries {
                // A tree too large to walk is input over a bound, not a missing file.
                let d = Diagnostic::detached(Code::InputTooLarge, message);
                self.add(vec![finding(d, None, None, &name)]);
            } else {
                self.unreadable(&name, message);
            }
        }
        for d in &walk.worlds {
            self.world(d);
        }
        for p in walk.outside {
            let name = display(&p);
            let d = Diagnostic::detached(
                Code::PathOutsideRoot,
                format!("`{name}` is a symlink leading outside the folder being checked"),
            )
            .with_help("the file is not read; widen what may be read with --root DIR");
            self.add(vec![finding(d, None, None, &name)]);
        }
        let mut jobs = Vec::new();
        for (p, resolved) in walk.files {
            if !is_json(&p) || self.ahead.taken.contains(&resolved) {
                continue;
            }
            if self.linted.insert(resolved.clone()) && self.seen.insert((display(&p), "auto")) {
                let bytes = self.read_ahead(&p);
                jobs.push((p, resolved, bytes));
            }
        }
        self.fan_out(&jobs, |run, (p, resolved, bytes)| {
            if let Some(b) = bytes {
                run.ahead.texts.insert(resolved.clone(), b.clone());
            }
            run.file_in(p, None, &PolicyContext::default(), true);
        });
    }

    /// Runs `each` on every job on all cores, each job in a run of its own, and takes the runs'
    /// files, counts and findings in job order (so the report does not depend on which core
    /// finished first).
    fn fan_out<J: Sync>(&mut self, jobs: &[J], each: impl Fn(&mut Run<'o>, &J) + Sync) {
        let opts = self.opts;
        let runs: Vec<Run<'o>> = jobs
            .par_iter()
            .map(|job| {
                let mut run = Run::new(opts);
                each(&mut run, job);
                run
            })
            .collect();
        for run in runs {
            for name in &run.report.checked {
                self.count(name);
            }
            self.report.policies += run.report.policies;
            self.report.unreadable |= run.report.unreadable;
            // Already concealed where the job's run hid its file.
            self.report.findings.extend(run.report.findings);
            self.hidden.extend(run.hidden);
        }
    }
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

/// A policy read for the access checks, with where it came from.
#[derive(Debug)]
pub struct LoadedPolicy {
    /// The file it was read from.
    pub file: String,
    /// The parsed policy.
    pub policy: Policy,
    /// Its type and owner, as the world or the command line gives them.
    pub context: PolicyContext,
    /// The accounts of the world it belongs to (empty outside a world).
    pub world_accounts: Vec<String>,
}

fn parse_file(
    path: &Path,
    ty: Option<PolicyType>,
) -> Result<(Arc<Source>, Json, PolicyType), Vec<Finding>> {
    let name = display(path);
    let input = files::read_named_kind(path, FileKind::Policy).map(|mut f| {
        f.name = name.clone();
        f.shown = true;
        f
    });
    parse_read(&name, input, ty, FileKind::Policy)
}

/// A policy file a world names, read as `ty`; the findings of a file whose text may not be
/// shown (outside the folder the run may quote) are concealed.
fn world_policy_file(
    name: &str,
    input: Result<InputFile, Diagnostic>,
    ty: PolicyType,
) -> Result<Policy, Vec<Finding>> {
    let shown = input.as_ref().map_or(true, |f| f.shown);
    parse_read(name, input, Some(ty), FileKind::Policy)
        .and_then(|(s, d, t)| checked_policy(&s, &d, t, name))
        .map_err(|found| {
            if shown {
                return found;
            }
            found
                .into_iter()
                .map(|mut f| {
                    f.diagnostic = files::conceal(f.diagnostic, name, "policy file");
                    f
                })
                .collect()
        })
}

/// A policy (or, as `kind` says, a world file) from what a reader gave, with its type (`ty`, or
/// detected).
fn parse_read(
    name: &str,
    input: Result<InputFile, Diagnostic>,
    ty: Option<PolicyType>,
    kind: FileKind,
) -> Result<(Arc<Source>, Json, PolicyType), Vec<Finding>> {
    let opts = LintOptions::default();
    let mut run = Run::new(&opts);
    let Some((src, doc)) = run.parse_input(name, input, kind) else {
        return Err(run.report.findings);
    };
    let (src, doc) = unwrap_cli_shape(&src, doc).map_err(|d| vec![finding(d, None, None, name)])?;
    let ty = ty.unwrap_or_else(|| detect_policy_type(&doc));
    Ok((src, doc, ty))
}

fn checked_policy(
    src: &Arc<Source>,
    doc: &Json,
    ty: PolicyType,
    file: &str,
) -> Result<Policy, Vec<Finding>> {
    policy_or_errors(parse_policy_json(src, doc, ty), file)
}

/// The bundled copy of the AWS managed policy `arn` (named at `json` in `world.json`), read without
/// the customer quota (1.28); an ARN iamsim has no copy of is an error, so a check never passes
/// over a policy it could not read.
fn bundled_policy(
    arn: &str,
    ty: PolicyType,
    world_src: &Arc<Source>,
    json: &Json,
    world_name: &str,
) -> Result<Policy, Vec<Finding>> {
    let name = arn.rsplit('/').next().unwrap_or(arn);
    match iamsim_engine::managed::aws_managed_policy(name) {
        Some(text) => {
            let src = Source::new(arn, text);
            policy_or_errors(iamsim_policy::parse_aws_managed_policy(&src, ty), arn)
        }
        None => {
            let d = Diagnostic::new(
                Code::UnknownReference,
                format!("`{arn}` is not an AWS managed policy iamsim knows"),
                world_src,
                json.span,
            );
            Err(vec![finding(d, None, None, world_name)])
        }
    }
}

/// The policy read, or the errors that stopped it.
fn policy_or_errors(parsed: iamsim_policy::Parsed, file: &str) -> Result<Policy, Vec<Finding>> {
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
    load_policies_in(path, ty, None)
}

/// [`load_policies`], with a world's references confined to `root` (`--root`) instead of the
/// world folder.
pub fn load_policies_in(
    path: &Path,
    ty: Option<PolicyType>,
    root: Option<&Path>,
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
    load_world_policies(&dir, root)
}

/// The policies a world folder's world.json uses (files, inline, AWS managed, the accounts'
/// copies of AWS managed policies), each with the context the world gives it.
fn load_world_policies(dir: &Path, root: Option<&Path>) -> Result<Vec<LoadedPolicy>, Vec<Finding>> {
    let world_name = display(&dir.join("world.json"));
    let folder = Folder::open(dir, root).map_err(|d| vec![finding(d, None, None, &world_name)])?;
    let read = |rel: &str, kind: FileKind| {
        let name = display(&dir.join(rel));
        let input = files::read_kind(&folder, rel, kind).map(|mut f| {
            f.name = name.clone();
            f
        });
        (name, input)
    };
    let (_, input) = read("world.json", FileKind::World);
    let (src, doc, _) = parse_read(&world_name, input, None, FileKind::World)?;
    let accounts: Vec<String> = doc
        .get("accounts")
        .and_then(Json::members)
        .unwrap_or(&[])
        .iter()
        .map(|m| m.key.clone())
        .collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let copies = world::aws_managed_copies(&doc);
    let mut bundled_read: std::collections::HashSet<(String, PolicyType)> =
        std::collections::HashSet::new();
    for u in world::policy_uses(&doc) {
        let loaded = match u.reference {
            world::PolicyRef::AwsManaged(json) => {
                let arn = json.as_str().unwrap_or_default();
                let account = u.context.account.as_deref();
                // The account's copy is read below; each bundled one once per type.
                if copies
                    .iter()
                    .any(|(id, a, _)| Some(*id) == account && *a == arn)
                    || !bundled_read.insert((arn.to_string(), u.policy_type))
                {
                    continue;
                }
                bundled_policy(arn, u.policy_type, &src, json, &world_name)
                    .map(|pol| (arn.to_string(), pol))
            }
            world::PolicyRef::File(rel) => {
                let (name, input) = read(&rel, FileKind::Policy);
                world_policy_file(&name, input, u.policy_type).map(|pol| (name, pol))
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
    // The accounts' copies of AWS managed policies grant access like any identity policy; AWS
    // wrote them, so no customer quota applies (1.28).
    for (id, _, rel) in copies {
        let (name, input) = read(rel, FileKind::Policy);
        let loaded = parse_read(&name, input, Some(PolicyType::Identity), FileKind::Policy)
            .and_then(|(s, d, _)| {
                let parsed =
                    iamsim_policy::parse_aws_managed_policy_json(&s, &d, PolicyType::Identity);
                policy_or_errors(parsed, &name)
            });
        match loaded {
            Ok(policy) => out.push(LoadedPolicy {
                file: name,
                policy,
                context: PolicyContext {
                    account: Some(id.to_string()),
                    aws_managed: true,
                    ..PolicyContext::default()
                },
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

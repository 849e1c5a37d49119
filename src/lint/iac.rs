//! `iamsim lint` on Terraform source, Terraform plans and CloudFormation templates: every
//! policy inside checked with the type its resource gives it, each finding placed at its
//! `file:line:column` in the file and named by the resource's address or logical id.

use iamsim_iac::{detect, Format, Policy, Problem, Settings, TfFile};
use iamsim_lint::{fingerprint, lint_text, Finding, PolicyContext, ReadAhead};
use iamsim_policy::files::{self, FileKind};
use iamsim_policy::{Code, Diagnostic, Source, Span};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the IaC files of a run gave.
#[derive(Default)]
pub struct IacRun {
    pub findings: Vec<Finding>,
    /// The files read, in order.
    pub checked: Vec<String>,
    /// Policies found and checked.
    pub policies: usize,
    /// Named files skipped because they hold no policy (`--skip-non-policy`).
    pub skipped: Vec<String>,
    pub unreadable: bool,
}

fn display(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// File names that are IaC whatever their content; `.json` files are IaC when their content
/// says so ([`detect`]).
fn iac_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "tf" | "yaml" | "yml" | "template"
        )
    })
}

fn read_text(path: &Path) -> Result<String, (Code, String)> {
    let name = display(path);
    // The one reader: regular files only (no FIFO or /proc), bounded before allocation as an
    // IaC file (a `.json` file that is no template or plan is held to a policy file's limit by
    // the policy lint).
    let file = files::read_named_kind(path, FileKind::Iac).map_err(|d| (d.code, d.message))?;
    String::from_utf8(file.bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        (
            Code::InvalidEncoding,
            format!("`{name}` is not UTF-8 (byte {at})"),
        )
    })
}

impl IacRun {
    fn detached(&mut self, file: &str, code: Code, message: String) {
        // Named input that cannot be read, or that holds nothing to examine (exit 2).
        self.unreadable = true;
        let d = Diagnostic::detached(code, message.clone());
        self.findings.push(Finding {
            diagnostic: d,
            file: file.to_string(),
            statement: None,
            fingerprint: fingerprint(&[file, code.as_str(), &message]),
            resource: None,
        });
    }

    fn problem(&mut self, src: &Arc<Source>, p: &Problem) {
        self.unreadable = true;
        let d = Diagnostic::new(p.code, p.message.clone(), src, Span::new(p.at, p.at));
        self.findings.push(Finding {
            diagnostic: d,
            file: src.name().to_string(),
            statement: None,
            fingerprint: fingerprint(&[src.name(), p.code.as_str(), &p.message]),
            resource: None,
        });
    }

    /// Lints one policy found in `src` and places its findings in the file.
    fn policy(&mut self, src: &Arc<Source>, p: &Policy) {
        self.policies += 1;
        let name = format!("{} ({}.{})", src.name(), p.address, p.attribute);
        let found = lint_text(
            &name,
            &p.document,
            Some(p.kind.policy_type()),
            &PolicyContext::default(),
        );
        for mut f in found {
            if f.diagnostic.source.is_some() {
                let doc = f.diagnostic.span.start;
                // A finding on a placeholder is about the placeholder, not the policy.
                if p.unknown_at(doc).is_some() {
                    continue;
                }
                let at = p.file_offset(doc);
                f.diagnostic.source = Some(Arc::clone(src));
                f.diagnostic.span = Span::new(at, at);
            }
            f.diagnostic.message = format!(
                "{} (in the {} policy of `{}`)",
                f.diagnostic.message,
                p.kind.as_str(),
                p.address
            );
            f.file = src.name().to_string();
            f.resource = Some(p.address.clone());
            self.findings.push(f);
        }
    }

    /// A template or plan file named or found.
    fn file(&mut self, path: &Path, named: bool, skip_non_policy: bool) {
        let name = display(path);
        match read_text(path) {
            Ok(t) => self.file_text(path, t, named, skip_non_policy),
            Err((code, message)) => self.detached(&name, code, message),
        }
    }

    /// A template or plan file as read.
    fn file_text(&mut self, path: &Path, text: String, named: bool, skip_non_policy: bool) {
        let name = display(path);
        let format = detect(&name, &text);
        let settings = Settings::default();
        let read = match format {
            Some(Format::CloudFormation) => {
                iamsim_iac::read_cloudformation(&name, &text, &settings)
            }
            Some(Format::TerraformPlan) => iamsim_iac::read_plan(&name, &text, &settings),
            Some(Format::Terraform) => {
                let files = [TfFile {
                    path: &name,
                    text: &text,
                }];
                Ok(iamsim_iac::read_terraform(&files, &settings))
            }
            None => {
                if named {
                    self.no_policy(&name, skip_non_policy);
                }
                return;
            }
        };
        self.checked.push(name.clone());
        let src = Source::new(name.clone(), text);
        match read {
            Ok(read) => {
                for p in &read.problems {
                    self.problem(&src, p);
                }
                if read.policies.is_empty() && read.problems.is_empty() && named {
                    self.no_policy(&name, skip_non_policy);
                }
                for p in &read.policies {
                    self.policy(&src, p);
                }
            }
            Err(p) => self.problem(&src, &p),
        }
    }

    fn no_policy(&mut self, name: &str, skip_non_policy: bool) {
        if skip_non_policy {
            self.skipped.push(name.to_string());
        } else {
            self.detached(
                name,
                Code::NoPolicyFound,
                format!("`{name}` holds no IAM policy iamsim reads"),
            );
        }
    }

    /// The Terraform files below `dir` read as one tree (modules called by relative source).
    fn terraform_tree(&mut self, dir: &Path, tf: &[PathBuf]) {
        let mut texts: BTreeMap<String, (String, String)> = BTreeMap::new();
        for path in tf {
            let name = display(path);
            let rel = path
                .strip_prefix(dir)
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .unwrap_or_else(|_| name.clone());
            match read_text(path) {
                Ok(t) => {
                    self.checked.push(name.clone());
                    texts.insert(rel, (name, t));
                }
                Err((code, message)) => self.detached(&name, code, message),
            }
        }
        let files: Vec<TfFile> = texts
            .iter()
            .map(|(rel, (_, text))| TfFile { path: rel, text })
            .collect();
        let read = iamsim_iac::read_terraform(&files, &Settings::default());
        let sources: BTreeMap<&str, Arc<Source>> = texts
            .iter()
            .map(|(rel, (name, text))| (rel.as_str(), Source::new(name.clone(), text.clone())))
            .collect();
        for p in &read.problems {
            if let Some(src) = sources.get(p.file.as_str()) {
                self.problem(&Arc::clone(src), p);
            }
        }
        for p in &read.policies {
            if let Some(src) = sources.get(p.file.as_str()) {
                self.policy(&Arc::clone(src), p);
            }
        }
    }

    /// Every IaC file below a folder: `*.tf` as one tree, templates and plans one by one. The
    /// folder is walked once for both lints and each file read once: the walk, the JSON files
    /// that are no template nor plan (as read) and the templates and plans this lint takes are
    /// left in `ahead` for the policy lint, which reports what the walk could not read.
    fn folder(&mut self, dir: &Path, root: Option<&Path>, ahead: &mut ReadAhead) {
        let walk = iamsim_lint::walk_folder(dir, root, &iamsim_iac::iac_file_name);
        let is_tf = |p: &Path| p.extension().is_some_and(|e| e == "tf");
        let tf: Vec<PathBuf> = walk
            .files
            .iter()
            .filter(|(p, _)| is_tf(p))
            .map(|(p, _)| p.clone())
            .collect();
        if !tf.is_empty() {
            self.terraform_tree(dir, &tf);
        }
        for (p, resolved) in walk.files.iter().filter(|(p, _)| !is_tf(p)) {
            let json = iamsim_lint::is_json(p);
            let bytes = match files::read_named_kind(p, FileKind::Iac) {
                Ok(f) => f.bytes,
                // A JSON file is the policy lint's to report; another is this lint's.
                Err(_) if json => continue,
                Err(d) => {
                    self.detached(&display(p), d.code, d.message);
                    continue;
                }
            };
            match String::from_utf8(bytes) {
                Ok(text) if detect(&display(p), &text).is_some() => {
                    ahead.taken.insert(resolved.clone());
                    self.file_text(p, text, false, false);
                }
                Ok(text) if json => {
                    ahead.texts.insert(resolved.clone(), text.into_bytes());
                }
                Err(e) if json => {
                    ahead.texts.insert(resolved.clone(), e.into_bytes());
                }
                // YAML that is no template, or not text: not IaC.
                _ => {}
            }
        }
        ahead.walks.insert(dir.to_path_buf(), walk);
    }
}

/// Lints the IaC among `paths`; returns the paths left for the policy-file lint (folders are
/// left for it too: it reads their policy JSON, this their IaC) and what this lint walked and
/// read for it. `root`: what a folder's symlinked files may lead into (`--root`).
pub fn lint_iac(
    paths: &[PathBuf],
    skip_non_policy: bool,
    root: Option<&Path>,
) -> (Vec<PathBuf>, IacRun, ReadAhead) {
    let mut run = IacRun::default();
    let mut ahead = ReadAhead::default();
    let mut rest = Vec::new();
    let mut named_tf: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for path in paths {
        if path.is_dir() {
            run.folder(path, root, &mut ahead);
            rest.push(path.clone());
        } else if path.extension().is_some_and(|e| e == "tf") && path.is_file() {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            named_tf.entry(dir).or_default().push(path.clone());
        } else if path.is_file() && iac_extension(path) {
            run.file(path, true, skip_non_policy);
        } else if path.is_file() && iamsim_lint::is_json(path) {
            // Read once: a template or plan is linted here, policy JSON by the policy lint.
            match read_text(path) {
                Ok(text) if detect(&display(path), &text).is_some() => {
                    run.file_text(path, text, true, skip_non_policy);
                }
                Ok(text) => {
                    if let Ok(canonical) = std::fs::canonicalize(path) {
                        ahead.texts.insert(canonical, text.into_bytes());
                    }
                    rest.push(path.clone());
                }
                Err(_) => rest.push(path.clone()),
            }
        } else {
            rest.push(path.clone());
        }
    }
    for (dir, files) in named_tf {
        let before = run.policies;
        let problems = run.findings.len();
        run.terraform_tree(&dir, &files);
        if run.policies == before && run.findings.len() == problems {
            for f in &files {
                run.no_policy(&display(f), skip_non_policy);
            }
        }
    }
    (rest, run, ahead)
}

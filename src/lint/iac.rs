//! `iamsim lint` on Terraform source, Terraform plans and CloudFormation templates: every
//! policy inside checked with the type its resource gives it, each finding placed at its
//! `file:line:column` in the file and named by the resource's address or logical id.

use iamsim_iac::{detect, Format, Policy, Problem, Settings, TfFile};
use iamsim_lint::{fingerprint, lint_text, Finding, PolicyContext};
use iamsim_policy::{Code, Diagnostic, Source, Span};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest file read, as for policy files.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

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

fn read_text(path: &Path) -> Result<String, String> {
    let name = display(path);
    // The one reader: regular files only (no FIFO or /proc), bounded before allocation.
    let file = iamsim_policy::files::read_named(path, MAX_FILE_BYTES).map_err(|d| d.message)?;
    String::from_utf8(file.bytes).map_err(|e| {
        format!(
            "`{name}` is not UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
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
        let text = match read_text(path) {
            Ok(t) => t,
            Err(e) => return self.detached(&name, Code::FileNotFound, e),
        };
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
                Err(e) => self.detached(&name, Code::FileNotFound, e),
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

    /// Every IaC file below a folder: `*.tf` as one tree, templates and plans one by one.
    fn folder(&mut self, dir: &Path) {
        // The policy walk's rules (no loops, nothing read outside the tree); what it cannot
        // read, the policy walk of the same folder reports.
        let wanted =
            |p: &Path| iac_extension(p) || p.extension().is_some_and(|e| e == "tf" || e == "json");
        let walk = iamsim_lint::walk_folder(dir, None, &wanted);
        let (mut tf, mut others): (Vec<PathBuf>, Vec<PathBuf>) = walk
            .files
            .into_iter()
            .map(|(p, _)| p)
            .partition(|p| p.extension().is_some_and(|e| e == "tf"));
        tf.sort();
        others.sort();
        if !tf.is_empty() {
            self.terraform_tree(dir, &tf);
        }
        for p in others {
            // Only files whose content is a template or a plan; policy JSON is the policy
            // walk's.
            let looks = read_text(&p)
                .ok()
                .is_some_and(|t| detect(&display(&p), &t).is_some());
            if looks {
                self.file(&p, false, false);
            }
        }
    }
}

/// Lints the IaC among `paths`; returns the paths left for the policy-file lint (folders are
/// left for it too: it reads their policy JSON, this their IaC).
pub fn lint_iac(paths: &[PathBuf], skip_non_policy: bool) -> (Vec<PathBuf>, IacRun) {
    let mut run = IacRun::default();
    let mut rest = Vec::new();
    let mut named_tf: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for path in paths {
        if path.is_dir() {
            run.folder(path);
            rest.push(path.clone());
        } else if path.extension().is_some_and(|e| e == "tf") && path.is_file() {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            named_tf.entry(dir).or_default().push(path.clone());
        } else if path.is_file()
            && (iac_extension(path)
                || (path.extension().is_some_and(|e| e == "json")
                    && read_text(path)
                        .ok()
                        .is_some_and(|t| detect(&display(path), &t).is_some())))
        {
            run.file(path, true, skip_non_policy);
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
    (rest, run)
}

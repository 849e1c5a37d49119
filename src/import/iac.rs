//! `iamsim import --from FILE_OR_DIR --account ID --out DIR`: a world folder from Terraform
//! source, a Terraform plan or a CloudFormation template. The files' users, groups, roles,
//! managed policies, attachments, buckets and resource policies become one account; each policy
//! document is written to a file of its own, values the files leave open as their placeholder
//! (the engine decides a statement holding one `indeterminate`, never `allow`).

use crate::Status;
use iamsim_engine::export::{into_new, into_replacing, write_unique, ImportError, ImportSummary};
use iamsim_iac::account::build_account;
use iamsim_iac::{Policy, Problem, Settings};
use iamsim_policy::{Code, Diagnostic, Source, Span};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The files to read: FROM itself, or the IaC files below it, by name relative to FROM.
fn gather(from: &Path) -> Result<Vec<(String, PathBuf)>, ImportError> {
    if from.is_file() {
        return Ok(vec![(display(from), from.to_path_buf())]);
    }
    if !from.is_dir() {
        return Err(ImportError::new(
            Code::FileNotFound,
            from,
            format!("`{}` does not exist", display(from)),
        ));
    }
    let walk = iamsim_lint::walk_folder(from, None, &iamsim_iac::iac_file_name);
    if let Some((name, message)) = walk.unreadable.first() {
        // A walk stopped at its bound says so as its last entry.
        let code = if walk.truncated && walk.unreadable.len() == 1 {
            Code::InputTooLarge
        } else {
            Code::ImportIoFailed
        };
        return Err(ImportError::new(code, Path::new(name), message.clone()));
    }
    Ok(walk
        .files
        .into_iter()
        .map(|(p, _)| {
            let rel = p
                .strip_prefix(from)
                .map(display)
                .unwrap_or_else(|_| display(&p));
            (rel, p)
        })
        .collect())
}

/// A reader's problem at its file:line:column.
fn render(p: &Problem, texts: &BTreeMap<String, String>) -> String {
    match texts.get(&p.file) {
        Some(text) => {
            let src = Source::new(p.file.clone(), text.clone());
            let d = Diagnostic::new(p.code, p.message.clone(), &src, Span::new(p.at, p.at));
            let (line, col) = src.line_col(p.at as u32);
            format!("{}:{line}:{col}: error[{}]: {}", p.file, d.code, d.message)
        }
        None => format!("{}: error[{}]: {}", p.file, p.code, p.message),
    }
}

/// A file name for a policy from its address and attribute.
fn file_name(p: &Policy) -> String {
    let safe: String = format!("{}-{}", p.address, p.attribute)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("policies/{safe}.json")
}

pub fn run(from: &Path, account: &str, out: &Path, force: bool) -> Status {
    if !iamsim_policy::arn::is_account_id(account) {
        crate::eprintln_safe!(
            "error[{}]: `--account {account}` is not a 12-digit account id",
            Code::InvalidAccountId
        );
        return Status::BadInput;
    }
    let texts = match gather(from).and_then(|paths| read_texts(&paths)) {
        Ok(t) => t,
        Err(e) => {
            crate::eprintln_safe!("{e}");
            return Status::BadInput;
        }
    };
    // In a folder, only the files that are IaC (policy JSON beside them is not).
    let files: Vec<(String, String)> = texts
        .iter()
        .filter(|(n, t)| from.is_file() || iamsim_iac::detect(n, t).is_some())
        .map(|(n, t)| (n.clone(), t.clone()))
        .collect();
    let settings = Settings {
        account: Some(account.to_string()),
    };
    let (reads, mut problems) = iamsim_iac::read_files(&files, &settings);
    if files.is_empty() {
        let e = ImportError::new(
            Code::ImportUnrecognized,
            from,
            "holds no Terraform source, plan or CloudFormation template",
        );
        crate::eprintln_safe!("{e}");
        return Status::BadInput;
    }
    let mut notes = Vec::new();
    let mut fill = |dir: &Path| -> Result<ImportSummary, ImportError> {
        let mut taken = HashSet::new();
        let mut written = 0usize;
        let mut io_error = None;
        let mut doc = |p: &Policy, v: Value| -> Result<Value, Problem> {
            match write_unique(dir, &mut taken, &file_name(p), &v) {
                Ok(name) => {
                    written += 1;
                    for u in &p.unknowns {
                        notes.push(format!(
                            "{name}: `{}` ({}) is left open by the files: the statements holding it are marked `iamsim:unresolved` and never decide for sure",
                            u.name, p.address
                        ));
                    }
                    Ok(Value::from(name))
                }
                Err(e) => {
                    io_error = Some(e);
                    Err(Problem {
                        file: p.file.clone(),
                        code: Code::ImportIoFailed,
                        at: p.at,
                        message: "cannot write its policy file".into(),
                    })
                }
            }
        };
        let built = build_account(&reads, account, &mut doc);
        if let Some(e) = io_error {
            return Err(e);
        }
        let built = match built {
            Ok(b) => b,
            Err(ps) => {
                problems.extend(ps);
                return Err(summed_up(
                    &problems,
                    from,
                    "the files do not determine a world (above)",
                ));
            }
        };
        if !problems.is_empty() {
            return Err(summed_up(
                &problems,
                from,
                "the files cannot be read whole (above)",
            ));
        }
        notes.extend(built.notes.iter().cloned());
        let count = |k: &str| {
            built
                .account
                .get(k)
                .and_then(Value::as_object)
                .map_or(0, |m| m.len())
        };
        let summary = ImportSummary {
            accounts: 1,
            users: count("users"),
            groups: count("groups"),
            roles: count("roles"),
            buckets: count("buckets"),
            policy_files: written,
            organization: false,
            keys: count("keys"),
            resources: count("resources"),
        };
        let world = json!({ "accounts": { account: Value::Object(built.account) } });
        write_unique(dir, &mut taken, "world.json", &world)?;
        Ok(summary)
    };
    let result = if force {
        into_replacing(out, &mut fill)
    } else {
        into_new(out, &mut fill)
    };
    for p in &problems {
        crate::eprintln_safe!("{}", render(p, &texts));
    }
    report(result, out, &notes)
}

/// The import's refusal after the files' problems are printed: the code of the first of them
/// (the files' own problems come first, in the order read).
fn summed_up(problems: &[Problem], from: &Path, message: &str) -> ImportError {
    let code = problems
        .first()
        .map_or(Code::ImportUnrecognized, |p| p.code);
    ImportError::new(code, from, message)
}

/// Each file's text, through the one reader; UTF-8 only.
fn read_texts(paths: &[(String, PathBuf)]) -> Result<BTreeMap<String, String>, ImportError> {
    let mut texts = BTreeMap::new();
    for (name, path) in paths {
        let file = iamsim_policy::files::read_named_kind(path, iamsim_policy::files::FileKind::Iac)
            .map_err(|d| ImportError::new(d.code, path, d.message))?;
        let text = String::from_utf8(file.bytes).map_err(|_| {
            ImportError::new(
                Code::InvalidEncoding,
                path,
                format!("`{name}` is not UTF-8"),
            )
        })?;
        texts.insert(name.clone(), text);
    }
    Ok(texts)
}

/// What was written and the notes, or why nothing was.
fn report(result: Result<ImportSummary, ImportError>, out: &Path, notes: &[String]) -> Status {
    match result {
        Ok(s) => {
            let mut text = format!(
                "wrote {}: {} accounts, {} users, {} groups, {} roles, {} buckets, {} policy files\n",
                out.join("world.json").display(),
                s.accounts,
                s.users,
                s.groups,
                s.roles,
                s.buckets,
                s.policy_files,
            );
            for n in notes {
                text.push_str(&format!("note: {n}\n"));
            }
            crate::emit(&text);
            Status::Ok
        }
        Err(e) => {
            crate::eprintln_safe!("{e}");
            Status::BadInput
        }
    }
}

//! `iamsim check`: offline custom policy checks for CI gates (as IAM Access Analyzer's
//! CheckNoNewAccess, CheckAccessNotGranted, CheckNoPublicAccess). A check passes only when it is
//! proven; an answer that depends on conditions is a failure that says so.

use crate::Status;
use clap::{Args, Subcommand, ValueEnum};
use iamsim_lint::access::{access_not_granted, no_new_access, no_public_access, Verdict};
use iamsim_lint::{load_policies_in, Finding, LoadedPolicy};
use iamsim_policy::PolicyType;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Args)]
pub struct CheckArgs {
    #[command(subcommand)]
    check: Check,
}

#[derive(Subcommand)]
enum Check {
    /// Fails if a resource-based or trust policy lets anonymous callers, or accounts outside the
    /// world, in.
    NoPublicAccess {
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
        /// Policy files and worlds.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Fails if a policy allows one of the actions (on the resource, or on any resource).
    AccessNotGranted {
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
        /// An action that must not be allowed (repeatable).
        #[arg(long = "action", required = true)]
        actions: Vec<String>,
        /// The resource it must not be allowed on (default: any resource).
        #[arg(long)]
        resource: Option<String>,
        #[command(flatten)]
        checks: crate::render::QuestionFlags,
        /// Read the files as this policy type (identity, resource, ...; default: detected).
        #[arg(long, value_parser = crate::render::parse_policy_type)]
        policy_type: Option<PolicyType>,
        /// Policy files and worlds.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Fails if NEW allows any request that OLD does not, and prints one such request.
    NoNewAccess {
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
        /// Read both files as this policy type (default: detected).
        #[arg(long, value_parser = crate::render::parse_policy_type)]
        policy_type: Option<PolicyType>,
        old: PathBuf,
        new: PathBuf,
    },
}

struct Outcome {
    file: String,
    verdict: Verdict,
}

fn print_errors(errors: &[Finding]) {
    for f in errors {
        if f.diagnostic.source.is_some() {
            crate::eprint_safe!("{}", f.diagnostic.render());
        } else {
            crate::eprintln_safe!(
                "{}: {}[{}]: {}",
                f.file,
                f.diagnostic.severity,
                f.diagnostic.code,
                f.diagnostic.message
            );
        }
    }
    crate::eprintln_safe!("iamsim: the policies cannot be read; nothing was checked");
}

fn load_all(paths: &[PathBuf], ty: Option<PolicyType>) -> Result<Vec<LoadedPolicy>, Status> {
    let mut out = Vec::new();
    for p in paths {
        for target in targets(p)? {
            if !crate::render::world_loads(&target) {
                return Err(Status::BadInput);
            }
            match load_policies_in(&target, ty, crate::root()) {
                Ok(v) => out.extend(v),
                Err(errors) => {
                    print_errors(&errors);
                    return Err(Status::BadInput);
                }
            }
        }
    }
    Ok(out)
}

/// What a named path holds for a check: a policy file or a world folder as it is; any other
/// folder walked as `lint` walks it (its worlds, and every other `*.json` below it). A symlink
/// leading out of the tree, or a folder that cannot be read, is bad input.
fn targets(p: &std::path::Path) -> Result<Vec<PathBuf>, Status> {
    if !p.is_dir() || p.join("world.json").is_file() {
        return Ok(vec![p.to_path_buf()]);
    }
    let walk = iamsim_lint::walk_folder(p, crate::root(), &iamsim_lint::is_json);
    if let Some(o) = walk.outside.first() {
        crate::eprintln_safe!(
            "iamsim: `{}` is a symlink leading outside the folder being checked; widen what may be read with --root DIR",
            o.display()
        );
        return Err(Status::BadInput);
    }
    if let Some((_, message)) = walk.unreadable.first() {
        crate::eprintln_safe!("iamsim: {message}");
        return Err(Status::BadInput);
    }
    // A world's own files are checked with the world, not again on their own.
    let in_world = |f: &std::path::Path| walk.worlds.iter().any(|w| f.starts_with(w));
    let mut out = walk.worlds.clone();
    out.extend(
        walk.files
            .into_iter()
            .map(|(f, _)| f)
            .filter(|f| !in_world(f) && iamsim_lint::file_looks_like_policy(f)),
    );
    Ok(out)
}

pub fn run(args: CheckArgs) -> Status {
    let (name, format, outcomes) = match args.check {
        Check::NoPublicAccess { format, paths } => {
            let policies = match load_all(&paths, None) {
                Ok(p) => p,
                Err(s) => return s,
            };
            let outcomes = policies
                .iter()
                .filter(|p| {
                    matches!(
                        p.policy.policy_type,
                        PolicyType::Resource | PolicyType::Trust
                    )
                })
                .map(|p| {
                    let known =
                        (!p.world_accounts.is_empty()).then_some(p.world_accounts.as_slice());
                    Outcome {
                        file: p.file.clone(),
                        verdict: no_public_access(&p.policy, known),
                    }
                })
                .collect();
            ("no-public-access", format, outcomes)
        }
        Check::AccessNotGranted {
            format,
            actions,
            resource,
            checks,
            policy_type: ty,
            paths,
        } => {
            // Each action is checked against the catalog, as a question's is (formats.md 6).
            let empty = iamsim_policy::Context::new();
            if actions
                .iter()
                .any(|a| checks.check(Some(a), &empty).is_err())
            {
                return Status::BadInput;
            }
            let policies = match load_all(&paths, ty) {
                Ok(p) => p,
                Err(s) => return s,
            };
            let outcomes = policies
                .iter()
                .filter(|p| {
                    !matches!(
                        p.policy.policy_type,
                        PolicyType::Boundary | PolicyType::Scp | PolicyType::Rcp
                    )
                })
                .map(|p| Outcome {
                    file: p.file.clone(),
                    verdict: access_not_granted(&p.policy, &actions, resource.as_deref()),
                })
                .collect();
            ("access-not-granted", format, outcomes)
        }
        Check::NoNewAccess {
            format,
            policy_type: ty,
            old,
            new,
        } => {
            let (Ok(mut o), Ok(mut n)) = (load_all(&[old], ty), load_all(&[new], ty)) else {
                return Status::BadInput;
            };
            if o.len() != 1 || n.len() != 1 {
                crate::eprintln_safe!("iamsim: no-new-access compares two policy files");
                return Status::BadInput;
            }
            let (Some(o), Some(n)) = (o.pop(), n.pop()) else {
                return Status::BadInput;
            };
            let outcomes = vec![Outcome {
                file: n.file.clone(),
                verdict: no_new_access(&o.policy, &n.policy),
            }];
            ("no-new-access", format, outcomes)
        }
    };
    if outcomes.is_empty() {
        // Nothing examined is never a pass: no policy of the kind the check reads was found.
        crate::eprintln_safe!(
            "iamsim: check {name}: no policy was checked (none of the kind this check reads was found); nothing examined is not a pass"
        );
        return Status::BadInput;
    }
    let passed = outcomes.iter().all(|o| o.verdict.passed());
    let out = match format {
        CheckFormat::Text => text(name, &outcomes, passed),
        CheckFormat::Json => json_out(name, &outcomes, passed),
    };
    crate::emit(&out);
    if passed {
        Status::Ok
    } else {
        Status::No
    }
}

fn text(name: &str, outcomes: &[Outcome], passed: bool) -> String {
    let mut out = String::new();
    for o in outcomes {
        match &o.verdict {
            Verdict::Pass => {}
            Verdict::Fail { request, reason } => {
                let _ = writeln!(out, "FAIL {}: {reason}", o.file);
                let _ = writeln!(out, "  request: {request}");
            }
            Verdict::Unsure { reason } => {
                let _ = writeln!(out, "FAIL {} (not proven): {reason}", o.file);
            }
        }
    }
    let failed = outcomes.iter().filter(|o| !o.verdict.passed()).count();
    let _ = writeln!(
        out,
        "{} {name}: {} polic{} checked, {failed} failed",
        if passed { "PASS" } else { "FAIL" },
        outcomes.len(),
        if outcomes.len() == 1 { "y" } else { "ies" }
    );
    out
}

fn json_out(name: &str, outcomes: &[Outcome], passed: bool) -> String {
    let results: Vec<Value> = outcomes
        .iter()
        .map(|o| match &o.verdict {
            Verdict::Pass => json!({"file": o.file, "result": "PASS"}),
            Verdict::Fail { request, reason } => json!({
                "file": o.file, "result": "FAIL", "reason": reason,
                "request": {"principal": request.principal, "action": request.action, "resource": request.resource},
            }),
            Verdict::Unsure { reason } => json!({"file": o.file, "result": "FAIL", "proven": false, "reason": reason}),
        })
        .collect();
    let doc =
        json!({"check": name, "result": if passed { "PASS" } else { "FAIL" }, "policies": results});
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

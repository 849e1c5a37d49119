//! `iamsim check`: offline custom policy checks for CI gates (as IAM Access Analyzer's
//! CheckNoNewAccess, CheckAccessNotGranted, CheckNoPublicAccess). A check passes only when it is
//! proven; an answer that depends on conditions is a failure that says so.

use crate::Status;
use clap::{Args, Subcommand, ValueEnum};
mod gates;
mod iac;
mod report;

use iamsim_lint::{load_policies_in, Finding as LintFinding, LoadedPolicy};
use iamsim_policy::PolicyType;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Sarif,
    Junit,
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
        /// The account that holds the entities of Terraform or CloudFormation sources.
        #[arg(long)]
        account: Option<String>,
        old: PathBuf,
        new: PathBuf,
    },
}

/// A request a gate found allowed (or could not prove denied), or why a gate is not proven.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The policy file (or world) it is about.
    pub file: String,
    /// Proven: the engine allows the request. Otherwise the gate could not prove its answer.
    pub proven: bool,
    pub reason: String,
    pub principal: Option<String>,
    pub via: Vec<String>,
    pub action: Option<String>,
    pub resource: Option<String>,
    /// The conditions under which it is allowed, in words (empty: outright).
    pub conditions: Vec<String>,
    /// The same conditions as `{key, operator, values}` terms, when the engine gave them.
    pub terms: Vec<iamsim_engine::ConditionTerm>,
    /// Request keys the finding's caller carries (`aws:PrincipalTag/team` = `interns`).
    pub context: Vec<(String, String)>,
    /// The statements that grant it.
    pub path: Vec<String>,
}

impl Finding {
    fn unproven(file: &str, reason: String) -> Finding {
        Finding {
            file: file.to_string(),
            proven: false,
            reason: format!("could not prove: {reason}"),
            principal: None,
            via: Vec::new(),
            action: None,
            resource: None,
            conditions: Vec::new(),
            terms: Vec::new(),
            context: Vec::new(),
            path: Vec::new(),
        }
    }
}

/// What one gate run examined and found.
pub struct Outcome {
    pub name: &'static str,
    /// The policy files (or worlds) examined.
    pub examined: Vec<String>,
    pub findings: Vec<Finding>,
}

fn print_errors(errors: &[LintFinding]) {
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
fn targets(p: &Path) -> Result<Vec<PathBuf>, Status> {
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
    let in_world = |f: &Path| walk.worlds.iter().any(|w| f.starts_with(w));
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
    let (format, outcome) = match gate(args.check) {
        Ok(x) => x,
        Err(s) => return s,
    };
    if outcome.examined.is_empty() {
        // Nothing examined is never a pass: no policy of the kind the check reads was found.
        crate::eprintln_safe!(
            "iamsim: check {}: no policy was checked (none of the kind this check reads was found); nothing examined is not a pass",
            outcome.name
        );
        return Status::BadInput;
    }
    let out = match format {
        CheckFormat::Text => report::text(&outcome),
        CheckFormat::Json => report::json(&outcome),
        CheckFormat::Sarif => report::sarif(&outcome),
        CheckFormat::Junit => report::junit(&outcome),
    };
    crate::emit(&out);
    if outcome.findings.is_empty() {
        Status::Ok
    } else {
        Status::No
    }
}

fn bad(e: gates::BadInput) -> Status {
    crate::eprintln_safe!("iamsim: {}", e.0);
    Status::BadInput
}

fn is_world(p: &Path) -> bool {
    p.is_dir() && p.join("world.json").is_file()
}

fn gate(check: Check) -> Result<(CheckFormat, Outcome), Status> {
    match check {
        Check::NoPublicAccess { format, paths } => {
            let policies = load_all(&paths, None)?;
            let mut outcome = Outcome {
                name: "no-public-access",
                examined: Vec::new(),
                findings: Vec::new(),
            };
            for p in policies.iter().filter(|p| {
                matches!(
                    p.policy.policy_type,
                    PolicyType::Resource | PolicyType::Trust
                )
            }) {
                outcome.examined.push(p.file.clone());
                let found = gates::no_public_access(p, &p.world_accounts).map_err(bad)?;
                outcome.findings.extend(found);
            }
            Ok((format, outcome))
        }
        Check::AccessNotGranted {
            format,
            actions,
            resource,
            checks,
            policy_type: ty,
            paths,
        } => {
            let expanded = requested_actions(&actions, &checks)?;
            let policies = load_all(&paths, ty)?;
            let mut outcome = Outcome {
                name: "access-not-granted",
                examined: Vec::new(),
                findings: Vec::new(),
            };
            for p in policies.iter().filter(|p| {
                !matches!(
                    p.policy.policy_type,
                    PolicyType::Boundary | PolicyType::Scp | PolicyType::Rcp
                )
            }) {
                outcome.examined.push(p.file.clone());
                let found =
                    gates::access_not_granted(p, &expanded, resource.as_deref()).map_err(bad)?;
                outcome.findings.extend(found);
            }
            Ok((format, outcome))
        }
        Check::NoNewAccess {
            format,
            policy_type: ty,
            account,
            old,
            new,
        } => Ok((format, no_new_access(ty, account.as_deref(), old, new)?)),
    }
}

/// `no-new-access OLD NEW`: two Terraform or CloudFormation sources (with `--account`), two
/// worlds, two folders of policy files, or two policy files; a mix is bad input.
fn no_new_access(
    ty: Option<PolicyType>,
    account: Option<&str>,
    old: PathBuf,
    new: PathBuf,
) -> Result<Outcome, Status> {
    let mut outcome = Outcome {
        name: "no-new-access",
        examined: Vec::new(),
        findings: Vec::new(),
    };
    if let Some(found) = iac::no_new_access(&old, &new, account, &mut outcome.examined)? {
        outcome.findings = found;
        return Ok(outcome);
    }
    match (is_world(&old), is_world(&new)) {
        (true, true) => {
            let ow = crate::render::load_world(&old)?;
            let nw = crate::render::load_world(&new)?;
            outcome.examined.push(new.display().to_string());
            outcome.findings = gates::worlds(&old, &new, &ow, &nw).map_err(bad)?;
            return Ok(outcome);
        }
        (false, false) if old.is_dir() && new.is_dir() => {
            outcome.findings = folder_pairs(&old, &new, ty, &mut outcome.examined)?;
            return Ok(outcome);
        }
        (false, false) if !old.is_dir() && !new.is_dir() => {}
        _ => {
            crate::eprintln_safe!(
                "iamsim: no-new-access compares two policy files or two worlds; `{}` and `{}` are not of one kind",
                old.display(),
                new.display()
            );
            return Err(Status::BadInput);
        }
    }
    let (mut o, mut n) = (load_all(&[old], ty)?, load_all(&[new], ty)?);
    let (Some(o), Some(n), true, true) = (o.pop(), n.pop(), o.is_empty(), n.is_empty()) else {
        crate::eprintln_safe!("iamsim: no-new-access compares two policy files");
        return Err(Status::BadInput);
    };
    outcome.examined.push(n.file.clone());
    outcome.findings = gates::policies(&o, &n).map_err(bad)?;
    Ok(outcome)
}

/// The actions `--action` names: each checked against the catalog as a question's is
/// (formats.md 6), a name with the near miss when misspelt; a pattern stands for every action it
/// matches.
fn requested_actions(
    actions: &[String],
    checks: &crate::render::QuestionFlags,
) -> Result<Vec<String>, Status> {
    let empty = iamsim_policy::Context::new();
    let mut expanded = Vec::new();
    for a in actions {
        let literal = !a.contains(['*', '?']);
        if literal && checks.check(Some(a), &empty).is_err() {
            return Err(Status::BadInput);
        }
        match iamsim_lint::access::expand_action(a) {
            Ok(v) => expanded.extend(v),
            // Unknown, and allowed by --allow-unknown-actions: checked as written.
            Err(_) if literal => expanded.push(a.clone()),
            Err(message) => {
                crate::eprintln_safe!("iamsim: --action {a}: {message}");
                return Err(Status::BadInput);
            }
        }
    }
    expanded.sort();
    expanded.dedup();
    Ok(expanded)
}

/// The policy files of a folder (walked as `lint` walks it), by path relative to it. A world
/// inside is compared as a world, not file by file: bad input here.
fn policy_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, Status> {
    let mut out = Vec::new();
    for t in targets(dir)? {
        if t.is_dir() {
            crate::eprintln_safe!(
                "iamsim: `{}` is a world; compare two worlds directly (no-new-access OLD_WORLD NEW_WORLD)",
                t.display()
            );
            return Err(Status::BadInput);
        }
        let rel = t.strip_prefix(dir).unwrap_or(&t).display().to_string();
        out.push((rel, t));
    }
    out.sort();
    Ok(out)
}

/// `no-new-access` between two folders of policy files, paired by relative path: a changed
/// file is compared with its old self; an added file with a policy that allows nothing; a
/// removed file that denied something is not proven harmless (what it denied, to whom, is not
/// known file by file).
fn folder_pairs(
    old: &Path,
    new: &Path,
    ty: Option<PolicyType>,
    examined: &mut Vec<String>,
) -> Result<Vec<Finding>, Status> {
    let (before, after) = (policy_files(old)?, policy_files(new)?);
    let mut findings = Vec::new();
    for (rel, path) in &after {
        let mut n = load_all(std::slice::from_ref(path), ty)?;
        let Some(n) = n.pop() else { continue };
        examined.push(n.file.clone());
        let found = match before.iter().find(|(r, _)| r == rel) {
            Some((_, old_path)) => {
                let mut o = load_all(std::slice::from_ref(old_path), ty)?;
                let Some(o) = o.pop() else { continue };
                gates::policies(&o, &n)
            }
            None => gates::added(&n),
        };
        findings.extend(found.map_err(bad)?);
    }
    for (rel, path) in &before {
        if after.iter().any(|(r, _)| r == rel) {
            continue;
        }
        let mut o = load_all(std::slice::from_ref(path), ty)?;
        let Some(o) = o.pop() else { continue };
        examined.push(o.file.clone());
        if let Some(d) = o
            .policy
            .statements
            .iter()
            .find(|s| s.effect.value == iamsim_policy::Effect::Deny)
        {
            findings.push(Finding::unproven(
                &o.file,
                format!(
                    "the policy was removed and its {} denied requests; what it denied may now be allowed",
                    d.label()
                ),
            ));
        }
    }
    Ok(findings)
}

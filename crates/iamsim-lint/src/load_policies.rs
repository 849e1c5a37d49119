//! The policies of a file or a world for the access checks (`check`), each with its type and
//! where it came from; a check never passes over a policy it could not read.

use super::*;

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
        // A bundled AWS managed policy says so in its context, as the accounts' copies do.
        let bundled = matches!(u.reference, world::PolicyRef::AwsManaged(_));
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
                context: PolicyContext {
                    aws_managed: u.context.aws_managed || bundled,
                    ..u.context
                },
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

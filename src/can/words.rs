//! `iamsim can` in the user's own words: `-- aws SERVICE COMMAND ... [--profile P]` (every IAM
//! request the command makes, through the profile's roles) and `--switch-role-url URL` (the
//! console's AssumeRole). The reading is done by the iamsim-awscli crate, the deciding by the
//! engine; this module wires them to the command line.

use super::{CanArgs, CanFormat};
use crate::render::answer_json;
use crate::Status;
use iamsim_awscli::table::Handler;
use iamsim_awscli::{AwsConfig, Env, Invocation, Request, Resolved, Shell, SwitchRole};
use iamsim_engine::{
    ask, ask_assume, Answer, AssumeRoleParams, Decision, Query, Via, ViaHop, World,
};
use iamsim_policy::{Context, ContextValue};
use serde_json::{json, Value};
use std::path::Path;

pub fn emit_json(v: &Value) {
    crate::emit(&format!(
        "{}\n",
        serde_json::to_string_pretty(v).unwrap_or_default()
    ));
}

fn fail(e: &dyn std::fmt::Display) -> Status {
    crate::eprintln_safe!("iamsim: {e}");
    Status::BadInput
}

/// Why a command's words cannot be asked, kept as the error each layer gave until it is
/// printed (each renders `error[CODE]: message` with its place and help where it has them).
enum Refusal {
    /// What the arguments lack (who runs the command, the AWS CLI's files).
    Usage(String),
    /// A file that cannot be read through the one reader.
    Read(iamsim_policy::Diagnostic),
    /// The AWS CLI's files have errors; `shown`: whether their lines may be quoted (a file
    /// outside the world folder, a runner's own ~/.aws, may hold keys).
    Files {
        errors: Vec<iamsim_awscli::Error>,
        shown: bool,
    },
    /// The AWS CLI layer refused the profile or the command.
    Aws(iamsim_awscli::Error),
    /// The engine refused a request the command makes.
    Request(iamsim_engine::RequestError),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Usage(m) => f.write_str(m),
            Refusal::Read(d) => write!(f, "{d}"),
            Refusal::Aws(e) => write!(f, "{e}"),
            Refusal::Request(e) => write!(f, "{e}"),
            Refusal::Files { errors, shown } => {
                write!(
                    f,
                    "the AWS CLI files have {} error(s); nothing was evaluated",
                    errors.len()
                )?;
                for e in errors {
                    if *shown {
                        write!(f, "\n{e}")?;
                        continue;
                    }
                    let place = e
                        .place
                        .as_ref()
                        .map(|p| format!("{p}: "))
                        .unwrap_or_default();
                    write!(
                        f,
                        "\n{place}error[{}]: not a valid AWS CLI setting\n  help: its content is not shown: the file is outside the world folder",
                        e.code()
                    )?;
                }
                Ok(())
            }
        }
    }
}

/// Who makes the command's requests, and how iamsim knows.
struct Caller {
    principal: String,
    source: String,
    profile: Option<String>,
    resolved: Option<Resolved>,
}

impl Caller {
    fn via(&self) -> Vec<ViaHop> {
        self.resolved
            .as_ref()
            .map(Resolved::via)
            .unwrap_or_default()
    }

    /// The principal the final requests are made as: the last role's session, or the principal.
    fn final_principal(&self) -> Option<String> {
        match self.via().last() {
            Some(h) => Some(h.role_arn.clone()),
            None if self.principal.starts_with("arn:") => Some(self.principal.clone()),
            None => None,
        }
    }

    /// The account the final requests are made from: the last role's, or the principal's.
    fn account(&self) -> Option<String> {
        let arn = match self.via().last() {
            Some(h) => h.role_arn.clone(),
            None => self.principal.clone(),
        };
        arn.split(':')
            .nth(4)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
    }
}

pub fn run_aws(args: &CanArgs, world: &World, context: &Context) -> Status {
    let inv = match Invocation::parse(&args.words) {
        Ok(i) => i,
        Err(e) => return fail(&e),
    };
    if !args.via.is_empty() || args.any_path {
        crate::eprintln_safe!("iamsim: --via and --any-path do not combine with an AWS CLI command: its profile names the roles");
        return Status::BadInput;
    }
    if args.switch_role_url.is_some() {
        crate::eprintln_safe!("iamsim: --switch-role-url does not combine with an AWS CLI command");
        return Status::BadInput;
    }
    let known = inv.spec().map(|_| ());
    let shell = Shell::from_vars(|k| std::env::var(k).ok());
    let caller = match caller(args, world, &inv, &shell) {
        Ok(c) => c,
        Err(refusal) => {
            // An unknown command is the first thing to fix.
            if let Err(e) = known {
                return fail(&e);
            }
            return fail(&refusal);
        }
    };
    if let Err(mut e) = known {
        let via: String = caller
            .via()
            .iter()
            .map(|h| format!("--via {} ", h.role_arn))
            .collect();
        e.help = Some(format!(
            "ask for each request it makes with `iamsim can --world {} {via}{} ACTION RESOURCE`; {}",
            args.world.display(),
            caller.principal,
            iamsim_awscli::table::known(&inv.service)
        ));
        return fail(&e);
    }
    let profile_region = caller.resolved.as_ref().and_then(|r| r.region.as_deref());
    let account = caller.account();
    let final_caller = caller.final_principal();
    let env = Env {
        account: account.as_deref(),
        region: shell.region_or(profile_region),
        caller: final_caller.as_deref(),
    };
    let region = inv.region(&env).map(str::to_string);
    let requests = match inv.requests(&env) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    // An unsigned web identity call is made by the token's provider, which its request names.
    let mut caller = caller;
    if let Some(p) = requests.iter().find_map(|r| r.principal.clone()) {
        caller.principal = p;
    }
    let mut answers = Vec::new();
    for r in &requests {
        match decide(world, &caller, context, r) {
            Ok(a) => answers.push(a),
            Err(refusal) => return fail(&refusal),
        }
    }
    // The command fails at its first refused request.
    let decision = answers
        .iter()
        .map(|a| a.decision)
        .find(|d| !d.is_allow())
        .unwrap_or(Decision::Allow);
    match args.format {
        CanFormat::Text => crate::emit(&render_text(&inv, &caller, decision, &answers)),
        CanFormat::Json => emit_json(&json!({
            "decision": decision.as_str(),
            "command": inv.shown_words(),
            "profile": caller.profile,
            "principal": caller.principal,
            "principal_source": caller.source,
            "via": caller.via().iter().map(|h| h.role_arn.clone()).collect::<Vec<_>>(),
            "region": region,
            "requests": answers.iter().map(answer_json).collect::<Vec<_>>(),
        })),
    }
    if decision.is_allow() {
        Status::Ok
    } else {
        Status::No
    }
}

/// The starting principal and roles: `--no-sign-request` is anonymous; a web identity call is
/// made by the token's provider (each request names it); a profile (`--profile`, else
/// `AWS_PROFILE`) is resolved from the files; `--principal` without a profile asks as that
/// principal directly.
fn caller(
    args: &CanArgs,
    world: &World,
    inv: &Invocation,
    shell: &Shell,
) -> Result<Caller, Refusal> {
    if inv.spec().is_ok_and(|s| s.handler == Handler::WebIdentity) {
        return Ok(Caller {
            principal: "federated".into(),
            source: "assume-role-with-web-identity is not signed: the token's issuer asks".into(),
            profile: None,
            resolved: None,
        });
    }
    if inv.no_sign_request {
        return Ok(Caller {
            principal: "anonymous".into(),
            source: "--no-sign-request: the requests are not signed".into(),
            profile: None,
            resolved: None,
        });
    }
    let files_given = args.aws_config.is_some() || args.aws_credentials.is_some();
    let profile = match (inv.profile.as_ref().or(shell.profile.as_ref()), &args.principal) {
        (Some(p), _) => p.clone(),
        (None, Some(p)) => {
            return Ok(Caller {
                principal: p.clone(),
                source: "given with --principal".into(),
                profile: None,
                resolved: None,
            })
        }
        // The AWS CLI's profile when none is named.
        (None, None) if files_given => "default".to_string(),
        (None, None) => {
            return Err(Refusal::Usage("say who runs the command: `--profile NAME` in the aws command (with --aws-config FILE), or --principal ARN".into()))
        }
    };
    if !files_given {
        let from = if inv.profile.is_none() {
            " (from AWS_PROFILE)"
        } else {
            ""
        };
        return Err(Refusal::Usage(format!(
            "profile `{profile}`{from} needs the AWS CLI's files: give --aws-config FILE (and --aws-credentials FILE)"
        )));
    }
    let config = load_config(args, world)?;
    let resolved = config
        .resolve(world, &profile, args.principal.as_deref())
        .map_err(Refusal::Aws)?;
    Ok(Caller {
        principal: resolved.principal.clone(),
        source: resolved.principal_source.clone(),
        profile: Some(profile),
        resolved: Some(resolved),
    })
}

fn load_config(args: &CanArgs, world: &World) -> Result<AwsConfig, Refusal> {
    let config_path = args.aws_config.clone();
    // As ~/.aws holds both files, the credentials file is looked for beside the config file.
    let credentials_path = args.aws_credentials.clone().or_else(|| {
        let dir = config_path.as_ref()?.parent()?;
        ["credentials", "aws-credentials"]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
    });
    let config = config_path.as_deref().map(read).transpose()?;
    let credentials = credentials_path.as_deref().map(read).transpose()?;
    AwsConfig::parse(
        config.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
        credentials
            .as_ref()
            .map(|(n, b)| (n.as_str(), b.as_slice())),
    )
    .map_err(|errors| {
        // A file outside the world folder (a runner's own ~/.aws) is never quoted: its lines
        // may hold keys.
        let inside = |p: &Option<std::path::PathBuf>| {
            p.as_deref().is_none_or(|p| {
                std::fs::canonicalize(p).is_ok_and(|p| world.folder().is_some_and(|f| f.holds(&p)))
            })
        };
        Refusal::Files {
            errors,
            shown: inside(&config_path) && inside(&credentials_path),
        }
    })
}

/// An AWS CLI file, through the one file reader: regular files only, bounded as an AWS CLI
/// file (files::FILE_LIMITS).
fn read(path: &Path) -> Result<(String, Vec<u8>), Refusal> {
    iamsim_policy::files::read_named_kind(path, iamsim_policy::files::FileKind::CliConfig)
        .map(|f| (f.name, f.bytes))
        .map_err(Refusal::Read)
}

fn decide(
    world: &World,
    caller: &Caller,
    context: &Context,
    r: &Request,
) -> Result<Answer, Refusal> {
    let mut ctx = Context::new();
    // A chain that starts from a web identity token carries its claims.
    let claims = caller.resolved.as_ref().map(|r| r.context.as_slice());
    for (k, v) in claims.unwrap_or_default().iter().chain(&r.context) {
        ctx.insert(k, ContextValue::Single(v.clone()));
    }
    // The user's --context is the caller's environment and wins (docs/world-format.md).
    for (k, v) in context.iter() {
        ctx.insert(k, v.clone());
    }
    // A request of its own principal (a web identity call) is made directly.
    let hops = match r.principal {
        Some(_) => Vec::new(),
        None => caller.via(),
    };
    let query = Query {
        principal: r
            .principal
            .clone()
            .unwrap_or_else(|| caller.principal.clone()),
        action: r.action.clone(),
        resource: r.resource.clone(),
        via: if hops.is_empty() {
            Via::Direct
        } else {
            Via::Roles(hops)
        },
        context: ctx,
        session_policies: Vec::new(),
    };
    // A recursive command's `bucket/prefix/*` is a set of objects: the engine decides it as one
    // (formats.md 6).
    let mut answer = match &r.assume {
        Some(params) => ask_assume(world, &query, params),
        None => ask(world, &query),
    }
    .map_err(Refusal::Request)?;
    if let Some(note) = &r.note {
        answer.notes.push(note.clone());
    }
    Ok(answer)
}

fn render_text(
    inv: &Invocation,
    caller: &Caller,
    decision: Decision,
    answers: &[Answer],
) -> String {
    let mut out = format!("{}: {}\n", decision.headline(), inv.display());
    match &caller.profile {
        Some(p) => out.push_str(&format!(
            "  profile {p}{} starts as {} ({})\n",
            if inv.profile.is_none() && caller.resolved.is_some() && p != "default" {
                " (AWS_PROFILE)"
            } else {
                ""
            },
            caller.principal,
            caller.source
        )),
        None => out.push_str(&format!("  as {} ({})\n", caller.principal, caller.source)),
    }
    if let Some(r) = &caller.resolved {
        for h in &r.hops {
            out.push_str(&format!(
                "  and assumes {} (role_arn of profile {})\n",
                h.hop.role_arn, h.profile
            ));
        }
    }
    let allowed = answers.iter().filter(|a| a.decision.is_allow()).count();
    out.push_str(&format!(
        "  the command makes {} request(s); {allowed} allowed\n",
        answers.len()
    ));
    for (i, a) in answers.iter().enumerate() {
        out.push_str(&format!("\n== request {} of {}\n", i + 1, answers.len()));
        out.push_str(&a.render_text());
    }
    out
}

pub fn run_switch_role(args: &CanArgs, world: &World, context: &Context, url: &str) -> Status {
    let Some(principal) = args.principal.clone() else {
        crate::eprintln_safe!(
            "iamsim: a switch-role link is used by a signed-in principal: give --principal ARN"
        );
        return Status::BadInput;
    };
    if !args.via.is_empty() || args.any_path {
        crate::eprintln_safe!("iamsim: --via and --any-path do not combine with --switch-role-url: the link names the role");
        return Status::BadInput;
    }
    let link = match SwitchRole::parse(url, world) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    // The console names the session after the signed-in IAM user.
    let session_name = principal
        .split_once(":user/")
        .map(|(_, rest)| rest.rsplit('/').next().unwrap_or(rest).to_string());
    let params = AssumeRoleParams {
        session_name,
        ..AssumeRoleParams::default()
    };
    let hop = ViaHop {
        role_arn: link.role_arn.clone(),
        params: params.clone(),
    };
    let answer = match args.words.as_slice() {
        [] => ask_assume(
            world,
            &Query {
                principal,
                action: "sts:AssumeRole".into(),
                resource: link.role_arn.clone(),
                via: Via::Direct,
                context: context.clone(),
                session_policies: Vec::new(),
            },
            &params,
        ),
        [action, resource] => ask(
            world,
            &Query {
                principal,
                action: action.clone(),
                resource: resource.clone(),
                via: Via::Roles(vec![hop]),
                context: context.clone(),
                session_policies: Vec::new(),
            },
        ),
        _ => {
            crate::eprintln_safe!("iamsim: with --switch-role-url, give --principal ARN and either nothing (the AssumeRole itself) or ACTION RESOURCE");
            return Status::BadInput;
        }
    };
    let answer = match answer {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    let shown = link
        .display_name
        .as_ref()
        .map(|d| format!(" (display name `{d}`)"))
        .unwrap_or_default();
    match args.format {
        CanFormat::Text => crate::emit(&format!(
            "switch-role link: assumes {}{shown}\n\n{}",
            link.role_arn,
            answer.render_text()
        )),
        CanFormat::Json => {
            let mut v = answer_json(&answer);
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "switch_role".into(),
                    json!({"role": link.role_arn, "account": link.account, "display_name": link.display_name}),
                );
            }
            emit_json(&v);
        }
    }
    if answer.decision.is_allow() {
        Status::Ok
    } else {
        Status::No
    }
}

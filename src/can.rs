//! `iamsim can`: one request, decided and explained; or, in the user's own words (`words`), an
//! AWS CLI command with its profile, or a console switch-role link.

mod words;

use crate::render::answer_json;
use crate::Status;
use clap::{Args, ValueEnum};
use iamsim_engine::{ask, no_fix_reason, suggest_fixes, AssumeRoleParams, Query, Via, ViaHop};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum CanFormat {
    Text,
    Json,
}

#[derive(Args)]
pub struct CanArgs {
    /// The world folder (holding world.json).
    #[arg(long)]
    world: PathBuf,
    /// A role to assume first; repeat for a chain, in order.
    #[arg(long = "via", value_name = "ROLE_ARN")]
    via: Vec<String>,
    /// Search the world's role chains for the shortest one that allows the request.
    #[arg(long, conflicts_with = "via")]
    any_path: bool,
    /// A request context value, KEY=VALUE (repeatable), for every hop.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: CanFormat,
    /// The AWS CLI config file whose profiles `-- aws ... --profile NAME` uses.
    #[arg(long, value_name = "FILE")]
    aws_config: Option<PathBuf>,
    /// The AWS CLI credentials file (default: `credentials` or `aws-credentials` beside
    /// --aws-config).
    #[arg(long, value_name = "FILE")]
    aws_credentials: Option<PathBuf>,
    /// Who asks, with an AWS CLI command or a switch-role link: the principal a profile's keys
    /// belong to, or, without a profile, the principal itself.
    #[arg(long, value_name = "ARN")]
    principal: Option<String>,
    /// A console switch-role link; the request (ACTION RESOURCE) is made as the role, or,
    /// without one, the AssumeRole itself is decided.
    #[arg(long, value_name = "URL")]
    switch_role_url: Option<String>,
    /// PRINCIPAL ACTION RESOURCE: a principal ARN or `anonymous`; `service:Operation`; a
    /// resource ARN or `*`. Or, after `--`, an AWS CLI command: `-- aws s3 ls --profile NAME`.
    /// For an answer that is not allow: the smallest edits to the world's policy files after
    /// which the same request is allowed, each checked by deciding it again.
    #[arg(long)]
    suggest_fix: bool,
    #[command(flatten)]
    checks: crate::render::QuestionFlags,
    #[arg(value_name = "PRINCIPAL ACTION RESOURCE")]
    words: Vec<String>,
}

pub fn run(args: CanArgs) -> Status {
    let world = match crate::render::load_world(&args.world) {
        Ok(w) => w,
        Err(status) => return status,
    };
    let context = match crate::render::context_args(&args.context) {
        Ok(c) => c,
        Err(status) => return status,
    };
    if let Err(status) = args.checks.check(None, &context) {
        return status;
    }
    let own_words =
        args.words.first().is_some_and(|w| w == "aws") || args.switch_role_url.is_some();
    if args.suggest_fix && own_words {
        eprintln!("iamsim: --suggest-fix takes the request as PRINCIPAL ACTION RESOURCE (with --via or --any-path)");
        return Status::BadInput;
    }
    if args.words.first().is_some_and(|w| w == "aws") {
        return words::run_aws(&args, &world, &context);
    }
    if let Some(url) = &args.switch_role_url {
        return words::run_switch_role(&args, &world, &context, url);
    }
    if args.aws_config.is_some() || args.aws_credentials.is_some() {
        crate::eprintln_safe!("iamsim: --aws-config and --aws-credentials are for AWS CLI commands: iamsim can --world DIR --aws-config FILE -- aws ...");
        return Status::BadInput;
    }
    let (principal, action, resource) = match (&args.principal, args.words.as_slice()) {
        (None, [p, a, r]) => (p.clone(), a.clone(), r.clone()),
        (Some(p), [a, r]) => (p.clone(), a.clone(), r.clone()),
        _ => {
            crate::eprintln_safe!("iamsim: can takes PRINCIPAL ACTION RESOURCE, or `-- aws SERVICE COMMAND ...`, or --switch-role-url URL");
            return Status::BadInput;
        }
    };
    if let Err(status) = args
        .checks
        .check(Some(&action), &iamsim_policy::Context::new())
    {
        return status;
    }
    let via = if args.any_path {
        Via::Any
    } else if args.via.is_empty() {
        Via::Direct
    } else {
        Via::Roles(
            args.via
                .iter()
                .map(|arn| ViaHop {
                    role_arn: arn.clone(),
                    params: AssumeRoleParams::default(),
                })
                .collect(),
        )
    };
    let query = Query {
        principal,
        action,
        resource,
        via,
        context,
        session_policies: Vec::new(),
    };
    let answer = match ask(&world, &query) {
        Ok(a) => a,
        Err(e) => {
            crate::eprintln_safe!("iamsim: {e}");
            return Status::BadInput;
        }
    };
    let fixes = if args.suggest_fix && !answer.decision.is_allow() {
        match suggest_fixes(&world, &query) {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("iamsim: {e}");
                return Status::BadInput;
            }
        }
    } else {
        None
    };
    match args.format {
        CanFormat::Text => {
            let mut text = answer.render_text();
            if let Some(f) = &fixes {
                let why = f
                    .is_empty()
                    .then(|| no_fix_reason(&world, &query))
                    .flatten();
                text.push('\n');
                text.push_str(&crate::fix::text(f, why.as_deref(), ""));
            }
            crate::emit(&text);
        }
        CanFormat::Json => {
            let mut v = answer_json(&answer);
            if let (Some(f), Some(m)) = (&fixes, v.as_object_mut()) {
                m.insert("fixes".into(), crate::fix::json(f));
                if f.is_empty() {
                    m.insert("no_fix".into(), no_fix_reason(&world, &query).into());
                }
            }
            words::emit_json(&v);
        }
    }
    if answer.decision.is_allow() {
        Status::Ok
    } else {
        Status::No
    }
}

//! `iamsim can`: one request, decided and explained; or, in the user's own words (`words`), an
//! AWS CLI command with its profile, or a console switch-role link.

mod words;

use crate::render::answer_json;
use crate::Status;
use clap::{Args, ValueEnum};
use iamsim_engine::{ask, AssumeRoleParams, Query, Via, ViaHop};
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
    match args.format {
        CanFormat::Text => crate::emit(&answer.render_text()),
        CanFormat::Json => words::emit_json(&answer_json(&answer)),
    }
    if answer.decision.is_allow() {
        Status::Ok
    } else {
        Status::No
    }
}

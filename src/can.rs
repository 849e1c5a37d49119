//! `iamsim can`: one request, decided and explained.

use crate::render::{answer_json, print_load_error};
use crate::Status;
use clap::{Args, ValueEnum};
use iamsim_engine::{ask, parse_context_arg, AssumeRoleParams, Query, Via, ViaHop, World};
use iamsim_policy::Context;
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
    /// A user, role, assumed-role or root ARN, or `anonymous`.
    principal: String,
    /// `service:Operation`, for example `s3:GetObject`.
    action: String,
    /// A resource ARN, or `*` for actions that take none.
    resource: String,
}

pub fn run(args: CanArgs) -> Status {
    let world = match World::load(&args.world) {
        Ok(w) => w,
        Err(e) => {
            print_load_error(&e);
            return Status::BadInput;
        }
    };
    let mut context = Context::new();
    for c in &args.context {
        match parse_context_arg(c) {
            Ok((k, v)) => context.insert(&k, v),
            Err(e) => {
                eprintln!("iamsim: --context: {e}");
                return Status::BadInput;
            }
        }
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
        principal: args.principal,
        action: args.action,
        resource: args.resource,
        via,
        context,
        session_policies: Vec::new(),
    };
    let answer = match ask(&world, &query) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("iamsim: {e}");
            return Status::BadInput;
        }
    };
    match args.format {
        CanFormat::Text => crate::emit(&answer.render_text()),
        CanFormat::Json => crate::emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&answer_json(&answer)).unwrap_or_default()
        )),
    }
    if answer.decision.is_allow() {
        Status::Ok
    } else {
        Status::No
    }
}

//! `iamsim who-can`: every principal and role chain by which an action on a resource is allowed.

use crate::render::{who_can_json, who_can_text};
use crate::Status;
use clap::{Args, ValueEnum};
use iamsim_engine::{who_can, who_is_admin, AdminQuery, WhoCanQuery};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum WhoCanFormat {
    Text,
    Json,
}

#[derive(Args)]
pub struct WhoCanArgs {
    /// The world folder (holding world.json).
    #[arg(long)]
    world: PathBuf,
    /// Fixes a request context key, KEY=VALUE (repeatable); every key not fixed is open and
    /// conditions on it are reported.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: WhoCanFormat,
    /// Text: show the first N entries after the summary (0: all).
    #[arg(long, default_value_t = 100, value_name = "N")]
    limit: usize,
    /// JSON: each entry's `path` explanation (hops and statements).
    #[arg(long)]
    explain: bool,
    #[command(flatten)]
    checks: crate::render::QuestionFlags,
    /// Who reaches full administrative power (every action on every resource) instead of one
    /// request.
    #[arg(long, conflicts_with_all = ["action", "resource"])]
    admin: bool,
    /// With --admin: only this account's principals and role sessions.
    #[arg(long, value_name = "ID", requires = "admin")]
    account: Option<String>,
    /// `service:Operation`, for example `s3:GetObject`.
    #[arg(required_unless_present = "admin")]
    action: Option<String>,
    /// A resource ARN, or `*` for actions that take none.
    #[arg(required_unless_present = "admin")]
    resource: Option<String>,
}

pub fn run(args: WhoCanArgs) -> Status {
    let world = match crate::render::load_world(&args.world) {
        Ok(w) => w,
        Err(status) => return status,
    };
    let context = match crate::render::context_args(&args.context) {
        Ok(c) => c,
        Err(status) => return status,
    };
    if let Err(status) = args.checks.check(args.action.as_deref(), &context) {
        return status;
    }
    // The world's defaults fix keys as --context does (formats.md 5).
    let context = world.with_default_context(&context);
    let asked = match (args.admin, args.action, args.resource) {
        (true, _, _) => who_is_admin(
            &world,
            &AdminQuery {
                account: args.account,
                context,
            },
        ),
        (false, Some(action), Some(resource)) => who_can(
            &world,
            &WhoCanQuery {
                action,
                resource,
                context,
            },
        ),
        _ => {
            crate::eprintln_safe!("iamsim: who-can needs ACTION and RESOURCE, or --admin");
            return Status::BadInput;
        }
    };
    let answer = match asked {
        Ok(a) => a,
        Err(e) => {
            crate::eprintln_safe!("iamsim: {e}");
            return Status::BadInput;
        }
    };
    // Streamed: the answer for a large world is hundreds of megabytes. A closed pipe
    // (`| head`) ends the output quietly.
    let stdout = std::io::stdout();
    let mut out = crate::render::SafeLines::new(std::io::BufWriter::new(stdout.lock()));
    let written = match args.format {
        WhoCanFormat::Text => who_can_text(&answer, args.limit, &mut out),
        WhoCanFormat::Json => who_can_json(&answer, args.explain, &mut out),
    };
    let _ = written.and_then(|()| std::io::Write::flush(&mut out));
    let found = !answer.principals.is_empty();
    // Freeing the answer of a world of a thousand accounts takes a tenth of a second, and the
    // process ends here: let the operating system reclaim it (the world is never freed:
    // render::load_world).
    std::mem::forget(answer);
    if found {
        Status::Ok
    } else {
        Status::No
    }
}

//! `iamsim`: offline AWS IAM policy evaluation. The subcommands live in their own modules; this
//! file only parses the command line and maps outcomes to exit statuses (docs/command-line.md).

mod can;
mod check;
mod fix;
mod gen;
mod graph;
mod import;
mod lint;
mod render;
mod test;
mod who_can;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "iamsim",
    version,
    about = "Offline AWS IAM policy evaluation: can, who-can, test"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// May PRINCIPAL, perhaps after assuming roles, run ACTION on RESOURCE? Explains the answer.
    Can(can::CanArgs),
    /// Runs a world's expectation tests (DIR/tests.json unless files are named).
    Test(test::TestArgs),
    /// Every principal and role chain by which ACTION on RESOURCE is allowed, or allowed under
    /// conditions.
    WhoCan(who_can::WhoCanArgs),
    /// Writes a deterministic synthetic world (accounts, roles, users, buckets, an organization).
    Gen(gen::GenArgs),
    /// Checks policy files, folders and worlds: grammar, AWS service catalog, best practice.
    Lint(lint::LintArgs),
    /// Offline access checks for CI gates: no-public-access, access-not-granted, no-new-access.
    Check(check::CheckArgs),
    /// Writes a world folder from AWS CLI exports (authorization details, bucket policies,
    /// Organizations); see the README for the collection commands.
    Import(import::ImportArgs),
    /// The world's access graph (accounts, principals, roles, buckets, AssumeRole edges) as
    /// DOT, Mermaid, JSON or a self-contained HTML page.
    Graph(graph::GraphArgs),
}

/// The exit statuses of docs/command-line.md.
pub enum Status {
    /// Allowed, passed, clean.
    Ok,
    /// Denied (indeterminate too), failed.
    No,
    /// Bad usage or input that cannot be loaded.
    BadInput,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(match s {
            Status::Ok => 0,
            Status::No => 1,
            Status::BadInput => 2,
        })
    }
}

/// Writes to stdout; a closed pipe (`iamsim test ... | head`) ends the output quietly.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Can(args) => can::run(args),
        Command::Test(args) => test::run(args),
        Command::WhoCan(args) => who_can::run(args),
        Command::Gen(args) => gen::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Check(args) => check::run(args),
        Command::Import(args) => import::run(args),
        Command::Graph(args) => graph::run(args),
    };
    status.into()
}

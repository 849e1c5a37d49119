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

/// Loading a world allocates a few small strings per principal and frees the JSON tree after:
/// mimalloc does both in about half the time of the system allocator (BENCHMARKS.md). Built
/// without transparent huge pages: with them, memory mimalloc returned to the system was faulted
/// back in 2 MB at a time, zeroing several times the world's size (a third of a large load).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "iamsim",
    version,
    about = "Offline AWS IAM policy evaluation: can, who-can, test"
)]
struct Cli {
    /// Paths inside worlds, tests files and exports may reach anywhere inside DIR (default:
    /// the folder of the file naming them); nothing outside it is read.
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

static ROOT: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();

/// `--root DIR`, when given.
pub fn root() -> Option<&'static std::path::Path> {
    ROOT.get().and_then(|r| r.as_deref())
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

/// Writes to stdout, made safe for CI logs ([`render::safe_text`]); a closed pipe
/// (`iamsim test ... | head`) ends the output quietly.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out
        .write_all(render::safe_text(text).as_bytes())
        .and_then(|()| out.flush());
}

/// Writes to stderr, made safe for CI logs ([`render::safe_text`]).
pub fn emit_err(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr()
        .lock()
        .write_all(render::safe_text(text).as_bytes());
}

/// `eprintln!` through [`emit_err`]: every message iamsim writes to stderr is CI-log safe.
#[macro_export]
macro_rules! eprintln_safe {
    ($($arg:tt)*) => {
        $crate::emit_err(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` through [`emit_err`].
#[macro_export]
macro_rules! eprint_safe {
    ($($arg:tt)*) => {
        $crate::emit_err(&format!($($arg)*))
    };
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = ROOT.set(cli.root.clone());
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

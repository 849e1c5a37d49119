//! `iamsim gen`: writes a deterministic synthetic world, for scale tests and benchmarks.

use crate::Status;
use clap::Args;
use iamsim_engine::synth::{generate_with, EscalationSpec, GenSpec};
use std::path::PathBuf;

#[derive(Args)]
pub struct GenArgs {
    /// The seed: the same seed and sizes write the same world.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How many accounts (at least 3: management, tooling, security).
    #[arg(long)]
    accounts: usize,
    /// Roles in each account.
    #[arg(long = "roles-per-account")]
    roles_per_account: usize,
    /// IAM users in each account.
    #[arg(long = "users-per-account", default_value_t = 2)]
    users_per_account: usize,
    /// The share of accounts, in percent, given a chain of privilege-escalation permissions
    /// (access keys of another user, a role passed to Lambda, a policy version, an instance
    /// with a role); 0: none.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=100))]
    escalation: u8,
    /// The folder to write world.json and its policy files into.
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: GenArgs) -> Status {
    let spec = GenSpec {
        seed: args.seed,
        accounts: args.accounts,
        roles_per_account: args.roles_per_account,
        users_per_account: args.users_per_account,
    };
    let escalation = EscalationSpec {
        percent: args.escalation,
    };
    match generate_with(&spec, escalation, &args.out) {
        Ok(s) => {
            crate::emit(&format!(
                "wrote {}: {} accounts, {} roles, {} users, {} buckets, {} policy files\n",
                args.out.join("world.json").display(),
                s.accounts,
                s.roles,
                s.users,
                s.buckets,
                s.policy_files
            ));
            Status::Ok
        }
        Err(e) => {
            crate::eprintln_safe!("iamsim: cannot write {}: {e}", args.out.display());
            Status::BadInput
        }
    }
}

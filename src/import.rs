//! `iamsim import`: a world folder from what the AWS CLI prints (README: "Worlds from real
//! exports").

mod iac;

use crate::Status;
use clap::Args;
use iamsim_engine::export::{import, import_replacing};
use std::path::PathBuf;

#[derive(Args)]
pub struct ImportArgs {
    /// The export folder: accounts/ID/authorization-details.json, buckets, organizations/;
    /// with --account, Terraform source (a file or folder), a plan or a CloudFormation template.
    #[arg(long)]
    from: PathBuf,
    /// The account the Terraform or CloudFormation resources are created in (reads --from as
    /// infrastructure as code).
    #[arg(long)]
    account: Option<String>,
    /// The world folder to write (world.json and one file per policy document).
    #[arg(long)]
    out: PathBuf,
    /// Replace the world folder at --out whole (it must hold world.json); without it the
    /// folder must be new or empty.
    #[arg(long)]
    force: bool,
}

/// `N KMS keys, M other resources, ` when the export has any (the line is unchanged otherwise).
fn services(s: &iamsim_engine::export::ImportSummary) -> String {
    if s.keys == 0 && s.resources == 0 {
        return String::new();
    }
    format!("{} KMS keys, {} other resources, ", s.keys, s.resources)
}

pub fn run(args: ImportArgs) -> Status {
    if let Some(account) = &args.account {
        return iac::run(&args.from, account, &args.out, args.force);
    }
    let result = if args.force {
        import_replacing(&args.from, &args.out)
    } else {
        import(&args.from, &args.out)
    };
    match result {
        Ok(s) => {
            crate::emit(&format!(
                "wrote {}: {} accounts, {} users, {} groups, {} roles, {} buckets, {}{} policy files{}\n",
                args.out.join("world.json").display(),
                s.accounts,
                s.users,
                s.groups,
                s.roles,
                s.buckets,
                services(&s),
                s.policy_files,
                if s.organization { ", and the organization" } else { "" }
            ));
            Status::Ok
        }
        Err(e) => {
            crate::eprintln_safe!("{e}");
            Status::BadInput
        }
    }
}

#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
//! Worlds of AWS accounts, the IAM decision logic, explanations and role-chain search.
//!
//! Load a [`World`], build a [`Query`], and [`ask`] it: the [`Answer`] carries the decision and,
//! per hop, the statements that decided it with their file:line:column.

mod access;
mod chain;
mod eval;
mod explain;
pub mod export;
mod fix;
mod graph;
mod iac;
mod index;
mod load;
pub mod managed;
mod open_conditions;
mod request;
mod s3;
mod statement;
pub mod synth;
mod tests_file;
mod unresolved;
mod validate;
mod walk;
mod who_can;
mod world;

pub use access::{
    access_graph, AccessEdge, AccessGraph, AccessNode, AccessNodeKind, EdgeKind, GraphQuery,
    PolicyRef,
};
pub use chain::{ask, ask_assume, compare_paths, decide, Query, Via, ViaHop, MAX_CHAIN};
pub use eval::{evaluate_hop, HopRequest, RCP_SERVICES};
pub use explain::{Answer, Decision, Hop, Outcome, Reason};
pub use fix::{apply_edits, no_fix_reason, suggest_fixes, Edit, Fix, MAX_CHECKS, MAX_EDITS};
pub use load::MAX_FILE_BYTES;
pub use open_conditions::{Grant, MAX_OPEN_ATOMS};
pub use request::{
    parse_context_arg, Action, AssumeRoleParams, Caller, Outside, OutsideEntity, RequestError,
    Session,
};
pub use tests_file::{load_tests, parse_tests, run_tests, Expect, TestCase, TestOutcome};
pub use walk::decide_only;
pub use who_can::{
    who_can, WhoCan, WhoCanEntry, WhoCanQuery, WhoCanStats, MAX_ENTRIES as WHO_CAN_MAX_ENTRIES,
};
pub use world::{
    Account, BlockPublicAccess, Bucket, Group, LoadError, LoadedPolicy, OrgLevel, Organization,
    Resource, Role, User, World,
};

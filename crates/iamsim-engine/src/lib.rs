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
mod aws_owned;
mod chain;
mod companion;
mod compare;
mod eval;
mod explain;
pub mod export;
mod federated;
mod federated_chain;
mod federated_who_can;
mod fix;
mod graph;
mod iac;
mod iac_world;
mod index;
mod kms;
mod kms_world;
mod load;
pub mod managed;
mod open_conditions;
mod policy_world;
pub mod question;
mod request;
mod resource_set;
mod resources;
mod s3;
mod service_rules;
mod statement;
pub mod synth;
mod tests_file;
mod tests_run;
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
pub use compare::{compare_worlds, Change, Comparison, Difference, Probe, MAX_DECISIONS};
pub use eval::{evaluate_hop, HopRequest};
pub use explain::{Answer, Decision, Hop, Outcome, Reason};
pub use federated::{Federated, OidcProvider, ProviderKind, SamlProvider};
pub use fix::{apply_edits, no_fix_reason, suggest_fixes, Edit, Fix, MAX_CHECKS, MAX_EDITS};
pub use iac_world::{iac_world, world_policies};
pub use load::MAX_FILE_BYTES;
pub use open_conditions::{Grant, Term as ConditionTerm, ALWAYS_PRESENT, MAX_OPEN_ATOMS};
pub use policy_world::{
    policy_world, policy_world_role_arn, POLICY_WORLD_ACCOUNT, POLICY_WORLD_ROLE, POLICY_WORLD_USER,
};
pub use request::{
    absent, is_absent, parse_context_arg, Action, AssumeRoleParams, Caller, Outside, OutsideEntity,
    RequestError, Session,
};
pub use tests_file::{
    load_tests, load_tests_with, parse_tests, parse_tests_with, run_test, run_tests, Expect,
    TestCase, TestOutcome, MAX_TESTS_FILE_BYTES,
};
pub use tests_run::{each_test, run_tests_files, Listing, TestFailure, TestsRun};
pub use walk::decide_only;
pub use who_can::{
    who_can, WhoCan, WhoCanEntry, WhoCanQuery, WhoCanStats, MAX_ENTRIES as WHO_CAN_MAX_ENTRIES,
};
pub use world::{
    Account, BlockPublicAccess, Bucket, GrantConstraint, Group, Key, KeyGrant, LoadError,
    LoadedPolicy, OrgLevel, Organization, Resource, Role, User, World,
};

#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
#![deny(missing_docs)]
//! The IAM decision logic over a world of AWS accounts: decisions and their explanations, role
//! chains and escalation paths, who-can, and tests files. The world itself (its model, loading,
//! import and generated worlds) is the `iamsim-world` crate, whose types are re-exported here.
//!
//! Start at [`Engine`]: load a world (from a folder, or from memory with [`MemoryFiles`]),
//! build a [`Request`], and [`Engine::ask`] it: the [`Answer`] carries the decision and, per hop,
//! the statements that decided it with their file:line:column.

mod access;
mod account_reach;
mod admin;
mod admin_paths;
mod aws_owned;
mod chain;
mod companion;
mod compare;
mod escalation_alter;
mod escalation_answer;
mod escalation_ask;
mod escalation_changes;
mod escalation_hops;
mod escalation_swap;
mod escalation_tags;
#[cfg(test)]
mod escalation_tests;
mod escalation_trust;
mod eval;
mod explain;
mod facade;
mod federated_chain;
mod federated_trust;
mod federated_who_can;
mod fix;
mod graph;
mod kms;
pub use iamsim_catalog::escalation;
pub use iamsim_catalog::managed;
pub use iamsim_world::{export, question, synth};
mod open_conditions;
mod path_cache;
mod path_search;
mod policy_world;
mod request;
mod resource_set;
mod resources;
mod s3;
mod statement;
mod step_index;
#[cfg(test)]
mod synth_tests;
#[cfg(test)]
mod test_world;
mod tests_file;
mod tests_plain;
mod tests_run;
mod unresolved;
mod walk;
mod who_can;
mod who_can_paths;

pub use access::{
    access_graph, AccessEdge, AccessGraph, AccessNode, AccessNodeKind, EdgeKind, GraphQuery,
    PolicyRef,
};
pub use admin::{who_is_admin, AdminQuery, ANY_ACTION, MAX_ADMIN_REQUESTS};
pub use chain::{
    ask, ask_assume, ask_with, compare_paths, decide, decide_with, Query, Via, ViaHop, MAX_CHAIN,
};
pub use compare::{compare_worlds, Change, Comparison, Difference, Probe, MAX_DECISIONS};
pub use escalation_alter::{Altered, Change as PrincipalChange};
pub use escalation_hops::{hops_from, principal_name, PathHop, PathIndex, StepRequest};
pub use eval::{evaluate_hop, HopRequest};
pub use explain::{Answer, Decision, Hop, HopStep, Outcome, Reason};
pub use facade::{Engine, Request};
pub use fix::{apply_edits, no_fix_reason, suggest_fixes, Edit, Fix, MAX_CHECKS, MAX_EDITS};
pub use iamsim_world::MemoryFiles;
pub use iamsim_world::{iac_world, world_policies};
pub use iamsim_world::{
    Account, BlockPublicAccess, Bucket, Compute, GrantConstraint, Group, InstanceProfile, Key,
    KeyGrant, LoadError, LoadedPolicy, OrgLevel, Organization, PolicyVersions, Resource, Role,
    User, World,
};
pub use iamsim_world::{Federated, OidcProvider, ProviderKind, SamlProvider};
pub use iamsim_world::{IamKind, IamName};
pub use kms::cross_account_capable as kms_works_across_accounts;
pub use open_conditions::{Grant, Term as ConditionTerm, ALWAYS_PRESENT, MAX_OPEN_ATOMS};
pub use path_search::{Found, Limits, PathSearch, Reached, MAX_NODES as MAX_PATH_NODES};
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
    who_can, who_can_with, WhoCan, WhoCanEntry, WhoCanQuery, WhoCanStats,
    MAX_ENTRIES as WHO_CAN_MAX_ENTRIES,
};
pub use who_can_paths::MAX_PATH_NODES as WHO_CAN_MAX_PATH_NODES;

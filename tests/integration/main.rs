#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! End-to-end tests, in one binary (each test binary costs a link): the fixture worlds, and the
//! command line with golden output.

mod cli;
mod cli_ask;
mod docs;
mod escalation;
mod escalation_agree;
mod federated;
mod field;
mod field_aws;
mod file_limits;
mod fixtures;
mod gates;
mod gates_iac;
mod graph_fix;
mod hostile;
mod iac;
mod iac_world;
mod import_errors;
mod import_escalation;
mod kms;
mod lint;
mod lint_escalation;
mod memory;
mod path_cache;
mod properties;
mod public;
mod request_errors;
mod support;
mod test_run;
mod who_can;
mod words;

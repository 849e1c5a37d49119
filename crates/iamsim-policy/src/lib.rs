#![deny(missing_docs)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
//! The IAM policy language: read, model, diagnose and match policy documents.
//!
//! This crate has no evaluation logic: it turns policy text into a checked [`Policy`] whose every
//! element keeps its source position, reports [`Diagnostic`]s with stable [`Code`]s, and provides
//! the matchers (actions, resources, conditions, policy variables) that the engine combines.
//!
//! # Bounds on hostile input
//!
//! Nothing in this crate panics on input (the crate denies `unwrap`, `expect`, `panic` and
//! slice indexing outside tests, and forbids `unsafe`), and every reader is bounded:
//!
//! - input larger than [`json::Limits::max_bytes`] (64 MiB by default) is refused with
//!   `INPUT_TOO_LARGE` before it is read;
//! - JSON nested deeper than [`json::Limits::max_depth`] (64) stops with `NESTING_TOO_DEEP`; the
//!   reader does not recurse, so any depth is safe for the stack;
//! - invalid UTF-8, empty files and documents that are not a JSON object are diagnosed with
//!   their position;
//! - reading is linear in the input; wildcard matching ([`glob::Glob`]) is linear in the input
//!   for a given pattern and allocates nothing per match, so patterns built against
//!   backtracking matchers (`*a*a*a*a*a*a*a*b` against 100 KB) return at once;
//! - memory is proportional to the input: the JSON tree plus the model, a small multiple of the
//!   document's size.

pub mod action;
pub mod arn;
pub mod condition;
pub mod context;
pub mod diagnostic;
pub mod federation;
pub mod files;
pub mod glob;
pub mod json;
pub mod model;
pub mod parse;
pub mod percent;
pub mod principal;
pub mod public;
pub mod quota;
pub mod resource;
pub mod span;
pub mod suggest;
pub mod truth;
pub mod variables;

pub use context::{Context, ContextLookup, ContextValue};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use model::*;
pub use parse::{
    parse_aws_managed_policy, parse_aws_managed_policy_json, parse_policy, parse_policy_bytes,
    parse_policy_json, parse_policy_json_quota, Parsed,
};
pub use resource::RequestResource;
pub use span::{Location, Source, Span};
pub use truth::Truth;

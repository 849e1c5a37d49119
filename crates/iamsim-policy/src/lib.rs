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

pub mod action;
pub mod arn;
pub mod condition;
pub mod context;
pub mod diagnostic;
pub mod glob;
pub mod json;
pub mod model;
pub mod parse;
pub mod principal;
pub mod resource;
pub mod span;
pub mod truth;
pub mod variables;

pub use context::{Context, ContextLookup, ContextValue};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use model::*;
pub use parse::{
    parse_aws_managed_policy, parse_policy, parse_policy_bytes, parse_policy_json, Parsed,
};
pub use resource::RequestResource;
pub use span::{Location, Source, Span};
pub use truth::Truth;

//! From JSON to the checked model, with every diagnostic the grammar calls for.
//! STUB: interface only; the implementation replaces this body.

use crate::diagnostic::Diagnostic;
use crate::json::{self, Json, Limits};
use crate::model::{Policy, PolicyType};
use crate::span::Source;
use std::sync::Arc;

/// The result of reading a policy: the policy when it has no error, and every diagnostic
/// (errors and warnings) found on the way.
#[derive(Debug)]
pub struct Parsed {
    pub policy: Option<Policy>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads a policy document from its whole source text.
pub fn parse_policy(source: &Arc<Source>, policy_type: PolicyType) -> Parsed {
    match json::parse(source, Limits::default()) {
        Ok(json) => parse_policy_json(source, &json, policy_type),
        Err(d) => Parsed {
            policy: None,
            diagnostics: vec![d],
        },
    }
}

/// Reads a policy document from a JSON value already read from `source` (inline documents in a
/// world file).
pub fn parse_policy_json(source: &Arc<Source>, json: &Json, policy_type: PolicyType) -> Parsed {
    let _ = (source, json, policy_type);
    Parsed {
        policy: None,
        diagnostics: Vec::new(),
    }
}

//! Action patterns (iam-semantics.md 2.A): `service:Operation`, case-insensitive, `*` and `?`.
//! STUB: the implementation replaces this body.

use crate::truth::Truth;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionMatcher {
    lower: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    pub offset: usize,
    pub message: String,
}

impl ActionMatcher {
    pub fn compile(text: &str) -> Result<ActionMatcher, PatternError> {
        Ok(ActionMatcher {
            lower: text.to_ascii_lowercase(),
        })
    }

    /// Does the pattern match the requested action (any case)?
    pub fn matches(&self, action: &str) -> Truth {
        Truth::from_bool(self.lower == "*" || self.lower == action.to_ascii_lowercase())
    }
}

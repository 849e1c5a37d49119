//! Resource patterns (iam-semantics.md 2.B): per-part ARN matching, variables, 2.8 readings.
//! STUB: the implementation replaces this body.

use crate::action::PatternError;
use crate::context::ContextLookup;
use crate::model::ResourceKind;
use crate::truth::Truth;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceMatcher {
    text: String,
}

/// The resource of a request: an ARN, or `*` for actions with no resource type (2.10, 9.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestResource<'a> {
    /// `*`: the action takes no resource; `service` is the action's service prefix.
    Wildcard {
        service: &'a str,
    },
    Arn(&'a str),
}

impl ResourceMatcher {
    /// `variables`: whether `${...}` is a policy variable (only in 2012-10-17 policies).
    pub fn compile(text: &str, variables: bool) -> Result<ResourceMatcher, PatternError> {
        let _ = variables;
        Ok(ResourceMatcher { text: text.into() })
    }

    /// `kind` tells how a missing policy variable reads (2.23).
    pub fn matches(
        &self,
        request: RequestResource<'_>,
        ctx: &dyn ContextLookup,
        kind: ResourceKind,
    ) -> Truth {
        let _ = (ctx, kind);
        match request {
            RequestResource::Wildcard { .. } => Truth::from_bool(self.text == "*"),
            RequestResource::Arn(a) => Truth::from_bool(self.text == "*" || self.text == a),
        }
    }
}

//! Action patterns (docs/rules.md 2.A): `service:Operation`, case-insensitive, `*` and `?`.
//!
//! The whole `service:Operation` string is matched against the pattern (2.1). A wildcard in the
//! service prefix has no documented meaning (2.2), so it is read two ways: the prefix taken
//! literally (it can only match a service literally spelt that way) and the prefix as a glob.

use crate::glob::Glob;
use crate::truth::Truth;

/// A compiled `Action`/`NotAction` value: matches `service:Operation` names ignoring ASCII case
/// (2.1), with `*` and `?` anywhere; a wildcard in the service prefix is read both ways (2.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionMatcher {
    kind: Kind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// `*` alone.
    All,
    Pattern {
        /// The whole pattern, ASCII case-folded.
        whole: Glob,
        /// The service prefix as written, lower-cased.
        service: String,
        service_wildcard: bool,
        /// The part after the first colon; used by the literal-prefix reading (2.2), so only
        /// built when the service prefix holds a wildcard.
        name: Option<Glob>,
    },
}

/// Why an action or resource value is not a valid pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    /// Byte offset in the pattern text where the problem is.
    pub offset: usize,
    /// What is wrong, for the diagnostic.
    pub message: String,
    /// The cause, typed where the error is made: what the diagnostic's code follows.
    pub kind: PatternErrorKind,
}

/// What is wrong with a pattern, as the diagnostic code tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatternErrorKind {
    /// The value is not of the form its element takes (`service:Operation`, an ARN).
    Malformed,
    /// A policy variable where the grammar allows none, or a malformed `${...}` (2.21).
    PolicyVariable,
}

impl PatternError {
    /// A value not of its element's form, at `offset`.
    pub(crate) fn malformed(offset: usize, message: String) -> PatternError {
        PatternError {
            offset,
            message,
            kind: PatternErrorKind::Malformed,
        }
    }

    /// A policy variable where none may be, or one that does not read, at `offset`.
    pub(crate) fn policy_variable(offset: usize, message: String) -> PatternError {
        PatternError {
            offset,
            message,
            kind: PatternErrorKind::PolicyVariable,
        }
    }
}

fn glob_of(text: &str) -> Glob {
    // Actions have no policy variables: only `*` and `?` are special.
    Glob::from_text(text, true)
}

impl ActionMatcher {
    /// Compiles an action value as written: `*`, or `service:Operation` with wildcards; an empty
    /// value, a missing colon or an empty service or operation is an error.
    pub fn compile(text: &str) -> Result<ActionMatcher, PatternError> {
        if text == "*" {
            return Ok(ActionMatcher { kind: Kind::All });
        }
        let error = PatternError::malformed;
        if text.is_empty() {
            return Err(error(0, "the action is empty".into()));
        }
        let Some((service, name)) = text.split_once(':') else {
            return Err(error(
                0,
                format!("`{text}` has no service prefix: an action is `service:Operation` or `*`"),
            ));
        };
        if service.is_empty() {
            return Err(error(0, format!("the service prefix of `{text}` is empty")));
        }
        if name.is_empty() {
            return Err(error(
                text.len(),
                format!("the action name of `{text}` is empty"),
            ));
        }
        let service_wildcard = service.contains(['*', '?']);
        Ok(ActionMatcher {
            kind: Kind::Pattern {
                whole: glob_of(text),
                service: service.to_ascii_lowercase(),
                service_wildcard,
                name: service_wildcard.then(|| glob_of(name)),
            },
        })
    }

    /// Does the pattern match the requested action (any case)?
    pub fn matches(&self, action: &str) -> Truth {
        match &self.kind {
            Kind::All => Truth::True,
            Kind::Pattern {
                whole,
                service,
                service_wildcard,
                name,
            } => {
                let glob_reading = whole.matches(action);
                if !service_wildcard {
                    return Truth::from_bool(glob_reading);
                }
                let literal_reading = action.split_once(':').is_some_and(|(svc, op)| {
                    svc.eq_ignore_ascii_case(service)
                        && name.as_ref().is_some_and(|n| n.matches(op))
                });
                Truth::from_readings(literal_reading, glob_reading)
            }
        }
    }

    /// `*` alone: every action of every service.
    pub fn matches_all(&self) -> bool {
        self.kind == Kind::All
    }

    /// The lower-cased service prefix when it holds no wildcard (for indexing by service).
    pub fn service(&self) -> Option<&str> {
        match &self.kind {
            Kind::Pattern {
                service,
                service_wildcard: false,
                ..
            } => Some(service),
            _ => None,
        }
    }

    /// Whether the service prefix holds `*` or `?` (2.2: a load warning, or an error in guardrail
    /// policies).
    pub fn has_service_wildcard(&self) -> bool {
        matches!(
            self.kind,
            Kind::Pattern {
                service_wildcard: true,
                ..
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Truth::{False, True, Unknown};

    #[test]
    fn rules_2_1_2_2_table() {
        // (pattern, request action, expected, rule)
        let cases: &[(&str, &str, Truth, &str)] = &[
            ("*", "s3:GetObject", True, "2.1"),
            ("*", "iam:CreateUser", True, "2.1"),
            ("s3:GetObject", "s3:GetObject", True, "2.1"),
            ("S3:getobject", "s3:GetObject", True, "2.1 / W11"),
            ("s3:GetObject", "S3:GETOBJECT", True, "2.1"),
            ("s3:GetObject", "s3:GetObjectAcl", False, "2.1 whole string"),
            ("s3:Get*", "s3:GetObject", True, "2.1"),
            ("s3:Get*", "s3:PutObject", False, "2.1"),
            ("s3:*", "s3:ListBucket", True, "2.1"),
            ("s3:*", "s3express:CreateSession", False, "2.1"),
            ("s3:*", "ec2:RunInstances", False, "2.1"),
            ("iam:*AccessKey*", "iam:CreateAccessKey", True, "2.1"),
            (
                "iam:*AccessKey*",
                "iam:UpdateAccessKeyLastUsed",
                True,
                "2.1",
            ),
            ("iam:*AccessKey*", "iam:CreateUser", False, "2.1"),
            ("s3:Get?bject", "s3:GetObject", True, "2.1"),
            ("s3:Get?bject", "s3:GetOObject", False, "2.1"),
            ("s*:GetObject", "s3:GetObject", Unknown, "2.2"),
            ("s*:GetObject", "ec2:GetObject", False, "2.2"),
            ("*:Get*", "s3:GetObject", Unknown, "2.2"),
            ("*:Get*", "s3:PutObject", False, "2.2"),
            ("s?:*", "s3:PutObject", Unknown, "2.2"),
            ("s3*:Get*", "s3:GetObject", Unknown, "2.2"),
        ];
        for &(pattern, action, expected, rule) in cases {
            let m = ActionMatcher::compile(pattern).unwrap();
            assert_eq!(m.matches(action), expected, "{rule}: {pattern} vs {action}");
        }
    }

    #[test]
    fn compile_errors() {
        for (text, offset) in [
            ("", 0),
            ("s3", 0),
            ("GetObject*", 0),
            (":Get", 0),
            ("s3:", 3),
        ] {
            let e = ActionMatcher::compile(text).unwrap_err();
            assert_eq!(e.offset, offset, "{text:?}");
        }
    }

    #[test]
    fn service_index_helpers() {
        let m = ActionMatcher::compile("S3:Get*").unwrap();
        assert_eq!(m.service(), Some("s3"));
        assert!(!m.has_service_wildcard());
        assert!(!m.matches_all());
        let w = ActionMatcher::compile("s*:Get*").unwrap();
        assert_eq!(w.service(), None);
        assert!(w.has_service_wildcard());
        let all = ActionMatcher::compile("*").unwrap();
        assert_eq!(all.service(), None);
        assert!(!all.has_service_wildcard());
        assert!(all.matches_all());
    }
}

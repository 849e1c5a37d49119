//! Policy variables (docs/rules.md 2.D): `${key}`, `${key, 'default'}`, and the special
//! `${*}`, `${?}`, `${$}` that insert a literal character.
//!
//! A [`Template`] is the parsed form of a string that may hold variables and, in pattern contexts,
//! wildcards. Substitution yields literal text: a `*` that comes from a variable value is never a
//! wildcard (2.22).

use crate::context::{ContextLookup, ContextValue};

/// One piece of a parsed string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Literal text (wildcard characters in it are literal).
    Literal(String),
    /// `*`: any run of characters, including none.
    AnyRun,
    /// `?`: exactly one character.
    AnyOne,
    /// `${key}` or `${key, 'default'}`.
    Variable(Variable),
}

/// A policy variable: the key whose value stands in its place (2.20).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// The key as written.
    pub key: String,
    /// The default used when the key is absent (2.22).
    pub default: Option<String>,
}

/// How to read a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TemplateMode {
    /// `${...}` is a variable (only in `2012-10-17` policies, 1.7, and only where 2.21 allows).
    pub variables: bool,
    /// `*` and `?` are wildcards (resources, actions, `*Like` operators).
    pub wildcards: bool,
}

/// A string read into literal text, wildcards and variables ([`Piece`]s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// Why a `${...}` could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset of the `${` in the text.
    pub offset: usize,
    /// What is wrong with the variable.
    pub message: String,
}

/// The outcome of substituting variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rendered {
    /// Every variable had a value (or default): the pieces now hold no `Variable`.
    Complete(Vec<Piece>),
    /// A variable had no value and no default (2.23); names the key.
    Missing(String),
    /// A variable names a multivalued key, which cannot be substituted (2.20).
    MultiValued(String),
}

impl Template {
    /// Reads `text`: `${...}` as a variable when `mode.variables` (`${*}`, `${?}` and `${$}` as
    /// literal characters, 2.24), `*` and `?` as wildcards when `mode.wildcards`; a `${` without
    /// its `}` or a malformed variable is an error.
    pub fn parse(text: &str, mode: TemplateMode) -> Result<Template, TemplateError> {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        let mut offset = 0usize;
        while let Some(c) = rest.chars().next() {
            if mode.variables && rest.starts_with("${") {
                let Some(close) = rest.find('}') else {
                    return Err(TemplateError {
                        offset,
                        message: "`${` without a closing `}`".into(),
                    });
                };
                let inner = rest.get(2..close).unwrap_or("");
                match inner {
                    "*" => literal.push('*'),
                    "?" => literal.push('?'),
                    "$" => literal.push('$'),
                    _ => {
                        let variable = parse_variable(inner)
                            .map_err(|message| TemplateError { offset, message })?;
                        if !literal.is_empty() {
                            pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                        }
                        pieces.push(Piece::Variable(variable));
                    }
                }
                offset += close + 1;
                rest = rest.get(close + 1..).unwrap_or("");
                continue;
            }
            if mode.wildcards && (c == '*' || c == '?') {
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                pieces.push(if c == '*' {
                    Piece::AnyRun
                } else {
                    Piece::AnyOne
                });
            } else {
                literal.push(c);
            }
            offset += c.len_utf8();
            rest = rest.get(c.len_utf8()..).unwrap_or("");
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        Ok(Template { pieces })
    }

    /// The pieces in order; adjacent literal text is one piece.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// Whether any piece is a variable.
    pub fn has_variables(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Variable(_)))
    }

    /// Whether any piece is a wildcard.
    pub fn has_wildcards(&self) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::AnyRun | Piece::AnyOne))
    }

    /// The text when the template holds only literal pieces.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Literal(s) => out.push_str(s),
                _ => return None,
            }
        }
        Some(out)
    }

    /// Substitutes every variable from `ctx` (2.22, 2.23).
    pub fn render(&self, ctx: &dyn ContextLookup) -> Rendered {
        let mut out: Vec<Piece> = Vec::with_capacity(self.pieces.len());
        for p in &self.pieces {
            let Piece::Variable(v) = p else {
                out.push(p.clone());
                continue;
            };
            let value = match ctx.get(&v.key) {
                Some(ContextValue::Single(s)) => s.clone(),
                Some(ContextValue::Multi(_)) => return Rendered::MultiValued(v.key.clone()),
                None => match &v.default {
                    Some(d) => d.clone(),
                    None => return Rendered::Missing(v.key.clone()),
                },
            };
            match out.last_mut() {
                Some(Piece::Literal(s)) => s.push_str(&value),
                _ => out.push(Piece::Literal(value)),
            }
        }
        // Merge neighbouring literals so matchers see the fewest pieces.
        let mut merged: Vec<Piece> = Vec::with_capacity(out.len());
        for p in out {
            match (merged.last_mut(), p) {
                (Some(Piece::Literal(a)), Piece::Literal(b)) => a.push_str(&b),
                (_, p) => merged.push(p),
            }
        }
        Rendered::Complete(merged)
    }
}

fn parse_variable(inner: &str) -> Result<Variable, String> {
    let (key, default) = match inner.split_once(',') {
        None => (inner.trim(), None),
        Some((key, rest)) => {
            let rest = rest.trim();
            let quoted = rest
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .ok_or_else(|| {
                    format!("the default value in `${{{inner}}}` must be in single quotes")
                })?;
            (key.trim(), Some(quoted.to_string()))
        }
    };
    let valid = !key.is_empty()
        && key.contains(':')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_:/.+=@".contains(c));
    if !valid {
        return Err(format!("`${{{inner}}}` is not a policy variable"));
    }
    Ok(Variable {
        key: key.to_string(),
        default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Context;

    const PATTERN: TemplateMode = TemplateMode {
        variables: true,
        wildcards: true,
    };

    #[test]
    fn rule_2_24_special_variables_are_literal_characters() {
        let t = Template::parse("a${*}b${?}c${$}*", PATTERN).unwrap();
        assert_eq!(
            t.pieces(),
            &[Piece::Literal("a*b?c$".into()), Piece::AnyRun]
        );
    }

    #[test]
    fn rule_2_22_substituted_values_are_literal_and_defaults_apply() {
        let t = Template::parse("home/${aws:username}/*", PATTERN).unwrap();
        let mut ctx = Context::new();
        ctx.set("aws:username", "a*");
        assert_eq!(
            t.render(&ctx),
            Rendered::Complete(vec![Piece::Literal("home/a*/".into()), Piece::AnyRun])
        );
        let d = Template::parse("${aws:PrincipalTag/team, 'company-wide'}", PATTERN).unwrap();
        assert_eq!(
            d.render(&Context::new()),
            Rendered::Complete(vec![Piece::Literal("company-wide".into())])
        );
    }

    #[test]
    fn rule_2_23_missing_variable_is_reported() {
        let t = Template::parse("${aws:username}", PATTERN).unwrap();
        assert_eq!(
            t.render(&Context::new()),
            Rendered::Missing("aws:username".into())
        );
    }

    #[test]
    fn rule_1_7_without_variables_the_text_is_literal() {
        let t = Template::parse(
            "${aws:username}/*",
            TemplateMode {
                variables: false,
                wildcards: true,
            },
        )
        .unwrap();
        assert_eq!(
            t.pieces(),
            &[Piece::Literal("${aws:username}/".into()), Piece::AnyRun]
        );
    }

    #[test]
    fn malformed_variables_are_errors() {
        assert!(Template::parse("${aws:username", PATTERN).is_err());
        assert!(Template::parse("${}", PATTERN).is_err());
        assert!(Template::parse("${aws:x, nodefault}", PATTERN).is_err());
    }
}

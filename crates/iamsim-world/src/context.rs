//! Request context as a question gives it (formats.md 5): the reader of a context object, shared
//! by a world's `defaults.context` and a tests file's `context`, and the `null` value that stands
//! for a key absent from the request.

use crate::load::Loader;
use crate::question::{check_context_entry, Leniency, Problem};
use iamsim_policy::json::{Json, JsonValue};
use iamsim_policy::{Code, Context, ContextValue, Diagnostic, Source};
use std::sync::Arc;

/// `null` as a context value: the key is absent from the request (formats.md 5). Kept as the key
/// with no values, so it overrides what would be derived or open, and read as absent.
pub fn absent() -> ContextValue {
    ContextValue::Multi(Vec::new())
}

/// Whether a context value is `null` (see [`absent`]).
pub fn is_absent(v: &ContextValue) -> bool {
    matches!(v, ContextValue::Multi(list) if list.is_empty())
}

/// A JSON string, number or boolean as the string a condition compares.
pub fn scalar(v: &Json) -> Option<String> {
    match &v.value {
        JsonValue::String(s) => Some(s.clone()),
        JsonValue::Number(n) => Some(n.clone()),
        JsonValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A context object (a test's `context`, a world's `defaults.context`), each key and value checked
/// against the catalog (formats.md 5): `null` is the key's absence.
pub fn read_context(
    loader: &mut Loader<'_>,
    src: &Arc<Source>,
    v: &Json,
    leniency: Leniency,
) -> Context {
    let mut ctx = Context::new();
    for m in loader.object(src, v, "`context`").unwrap_or(&[]) {
        let value = match &m.value.value {
            JsonValue::Null => Some(absent()),
            JsonValue::Array(items) => {
                let vals: Option<Vec<String>> = items.iter().map(scalar).collect();
                vals.map(ContextValue::Multi)
            }
            _ => scalar(&m.value).map(ContextValue::Single),
        };
        match value {
            Some(value) => {
                if let Some(p) = entry_refused(&m.key, &value, leniency) {
                    let span = if p.code == Code::UnknownContextKey {
                        m.key_span
                    } else {
                        m.value.span
                    };
                    loader.diagnostics.push(problem_at(p, src, span));
                }
                ctx.insert(&m.key, value)
            }
            None => loader.diagnostics.push(Diagnostic::new(
                Code::InvalidType,
                format!(
                    "context value of `{}` must be a string, number, boolean, null or a list of them",
                    m.key
                ),
                src,
                m.value.span,
            )),
        }
    }
    ctx
}

/// The problem with a context entry that refuses the context it is in: the catalog's check
/// ([`check_context_entry`]), unless the leniency makes it a warning. Every reader of a context
/// asks here.
pub fn entry_refused(key: &str, value: &ContextValue, leniency: Leniency) -> Option<Problem> {
    check_context_entry(key, value, leniency).filter(|p| !p.warning)
}

/// A question's problem as a diagnostic of the file it was read from.
pub fn problem_at(p: Problem, src: &Arc<Source>, span: iamsim_policy::Span) -> Diagnostic {
    let d = Diagnostic::new(p.code, p.message, src, span);
    match p.help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

//! A JSON reader that keeps the span of every value and key, rejects duplicate keys (1.3), names
//! typographic quotes, and stays within fixed bounds on hostile input.
//! STUB: interface only; the implementation replaces this body.

use crate::diagnostic::{Code, Diagnostic};
use crate::span::{Source, Span};
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq)]
pub struct Json {
    pub value: JsonValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    Null,
    Bool(bool),
    /// The number as written (`1`, `1.5e3`).
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<Member>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Json,
}

/// Bounds on what the reader accepts.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_depth: usize,
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Reads a whole source as one JSON value.
pub fn parse(source: &Arc<Source>, limits: Limits) -> Result<Json, Diagnostic> {
    let _ = limits;
    Err(Diagnostic::new(
        Code::JsonSyntax,
        "json reader not implemented",
        source,
        Span::new(0, 0),
    ))
}

/// Reads raw bytes (checking UTF-8 first) into a source and its JSON value.
pub fn parse_bytes(
    name: &str,
    bytes: &[u8],
    limits: Limits,
) -> Result<(Arc<Source>, Json), Diagnostic> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| Diagnostic::detached(Code::InvalidEncoding, format!("{name}: {e}")))?;
    let source = Source::new(name, text);
    let json = parse(&source, limits)?;
    Ok((source, json))
}

impl Json {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match &self.value {
            JsonValue::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            JsonValue::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Json]> {
        match &self.value {
            JsonValue::Array(a) => Some(a),
            _ => None,
        }
    }

    /// A name for the JSON type, for messages (`a string`, `an object`).
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }
}

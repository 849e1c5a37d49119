//! Reading a document object by object: a large file (a world of a million roles) is read one
//! member at a time, each member's value built as a tree of its own and dropped by the caller
//! before the next is read, so the whole document is never a tree at once.
//!
//! Every check of [`super::parse`] holds: spans are positions in the whole document, duplicate
//! keys (1.3) are refused in streamed objects too, the depth limit counts the streamed objects,
//! and the errors are the same, at the same places.

use super::{Json, Limits, Reader, Seen};
use crate::diagnostic::Diagnostic;
use crate::span::{Source, Span};
use std::collections::HashMap;
use std::sync::Arc;

/// An object being streamed.
struct Open<'a> {
    start: usize,
    /// Every key read so far, with where it was first written.
    seen: Seen<'a>,
    /// No member has been read yet.
    first: bool,
}

/// A reader of one document that can stream objects member by member ([`Cursor::enter_object`],
/// [`Cursor::next_key`]) and read any value whole ([`Cursor::value`]).
pub struct Cursor<'a> {
    reader: Reader<'a>,
    open: Vec<Open<'a>>,
    /// The span of the streamed object last closed.
    closed: Span,
}

impl<'a> Cursor<'a> {
    /// A cursor at the document's one value; the same errors as [`super::parse`] for an input
    /// too large or empty.
    pub fn new(source: &'a Arc<Source>, limits: Limits) -> Result<Cursor<'a>, Diagnostic> {
        Ok(Cursor {
            reader: Reader::start(source, limits)?,
            open: Vec::new(),
            closed: Span::new(0, 0),
        })
    }

    /// When the next value is an object, enters it (its members are then read with
    /// [`Cursor::next_key`]) and gives `true`; otherwise reads nothing and gives `false`.
    pub fn enter_object(&mut self) -> Result<bool, Diagnostic> {
        self.reader.skip_ws();
        if self.reader.peek() != Some(b'{') {
            return Ok(false);
        }
        if self.open.len() >= self.reader.limits.max_depth {
            // As deep as a container the reader opens within `open.len()` others.
            return Err(self.reader.too_deep());
        }
        self.open.push(Open {
            start: self.reader.pos,
            seen: HashMap::new(),
            first: true,
        });
        self.reader.pos += 1;
        Ok(true)
    }

    /// The next key of the innermost object entered (its value is to be read next), or `None`
    /// when the object ends (its span is then [`Cursor::closed`]).
    pub fn next_key(&mut self) -> Result<Option<(String, Span)>, Diagnostic> {
        let r = &mut self.reader;
        let Some(open) = self.open.last_mut() else {
            return Ok(None);
        };
        let from = r.members.len();
        let mut seen = Some(std::mem::take(&mut open.seen));
        let key = if std::mem::take(&mut open.first) {
            r.first_member(from, &mut seen)
        } else {
            r.skip_ws();
            r.next_member(from, &mut seen)
        };
        open.seen = seen.unwrap_or_default();
        let key = key?;
        if key.is_none() {
            // The object's `}` was read.
            if let Some(open) = self.open.pop() {
                self.closed = Span::new(open.start, self.reader.pos);
            }
        }
        Ok(key)
    }

    /// The span of the streamed object [`Cursor::next_key`] last closed.
    pub fn closed(&self) -> Span {
        self.closed
    }

    /// Reads the next value whole.
    pub fn value(&mut self) -> Result<Json, Diagnostic> {
        // Containers inside the value are as deep as the streamed objects around it.
        self.reader.outer = self.open.len();
        self.reader.read_document()
    }

    /// Checks that nothing but white space follows the document's value.
    pub fn finish(mut self) -> Result<(), Diagnostic> {
        self.reader.end()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, JsonValue, Member};
    use super::*;

    /// Streams the top object, and within it every member whose value is an object, back into
    /// a tree: it must be the tree `parse` builds, or the error `parse` gives.
    fn streamed(text: &str, limits: Limits) -> Result<Json, Diagnostic> {
        let source = Source::new("t.json", text);
        let mut c = Cursor::new(&source, limits)?;
        let json = if c.enter_object()? {
            let mut members = Vec::new();
            while let Some((key, key_span)) = c.next_key()? {
                let value = if c.enter_object()? {
                    let mut inner = Vec::new();
                    while let Some((key, key_span)) = c.next_key()? {
                        let value = c.value()?;
                        inner.push(Member {
                            key,
                            key_span,
                            value,
                        });
                    }
                    Json {
                        value: JsonValue::Object(inner),
                        span: c.closed(),
                    }
                } else {
                    c.value()?
                };
                members.push(Member {
                    key,
                    key_span,
                    value,
                });
            }
            Json {
                value: JsonValue::Object(members),
                span: c.closed(),
            }
        } else {
            c.value()?
        };
        c.finish()?;
        Ok(json)
    }

    fn same(text: &str, limits: Limits) {
        let whole = parse(&Source::new("t.json", text), limits);
        let stream = streamed(text, limits);
        match (whole, stream) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{text:?}"),
            (Err(a), Err(b)) => {
                assert_eq!(a.code, b.code, "{text:?}");
                assert_eq!(a.message, b.message, "{text:?}");
                assert_eq!(a.span, b.span, "{text:?}");
                assert_eq!(a.help, b.help, "{text:?}");
            }
            (a, b) => panic!("{text:?}: whole {a:?}, streamed {b:?}"),
        }
    }

    #[test]
    fn rule_1_1_streaming_reads_what_parse_reads() {
        let limits = Limits::default();
        for text in [
            r#"{"accounts": {"1": {"a": [1, {"b": null}]}, "2": {}}, "x": true}"#,
            "\u{FEFF} { \"a\" : { } , \"b\" : [ ] } ",
            r#"{}"#,
            r#"[1, 2]"#,
            r#""s""#,
            r#"{"a": {"k": 1, "k": 2}}"#,
            r#"{"a": {"k": 1}, "a": 2}"#,
            r#"{"a": {"k": 1,}}"#,
            r#"{"a": {"k": 1},}"#,
            r#"{"a": {"k": 1} "b": 2}"#,
            r#"{"a": {"k" 1}}"#,
            r#"{"a": {"k": 1}"#,
            r#"{"a": {"k": 1}} x"#,
            r#"{"a": {"k": “1”}}"#,
            r#"{"a": {"k": [1, 2}}"#,
            "",
            "  ",
            "{",
            r#"{"a""#,
            r#"{"a": {"#,
            r#"{"a": {1: 2}}"#,
        ] {
            same(text, limits);
        }
        // Duplicates in a streamed object with many members (the reader's map of seen keys).
        let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {{}}")).collect();
        same(&format!("{{\"a\": {{{}}}}}", many.join(",")), limits);
        same(
            &format!("{{\"a\": {{{}, \"k7\": 1}}}}", many.join(",")),
            limits,
        );
    }

    #[test]
    fn the_depth_limit_counts_streamed_objects() {
        for depth in [1, 2, 3, 4, 5] {
            let limits = Limits {
                max_depth: depth,
                max_bytes: 1 << 20,
            };
            for text in [
                r#"{"a": {"b": [[1]]}}"#,
                r#"{"a": {"b": {"c": 1}}}"#,
                r#"{"a": 1}"#,
                r#"{"a": {}}"#,
                r#"[[[]]]"#,
            ] {
                same(text, limits);
            }
        }
        let small = Limits {
            max_depth: 64,
            max_bytes: 4,
        };
        same(r#"{"a": 1}"#, small);
    }
}

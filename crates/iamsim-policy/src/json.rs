//! A JSON reader that keeps the span of every value and key, rejects duplicate keys (1.3), names
//! typographic quotes, and stays within fixed bounds on hostile input.
//!
//! The reader is iterative (an explicit stack of open containers), so nesting depth costs heap,
//! not call stack, and the depth limit is a plain counter check. Every byte is looked at a bounded
//! number of times, so reading is linear in the input.

use crate::diagnostic::{Code, Diagnostic};
use crate::span::{Source, Span};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

mod stream;
pub use stream::Cursor;

/// A JSON value with the span of its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Json {
    /// The value.
    pub value: JsonValue,
    /// Where the value's text is in its document (a string's span includes its quotes).
    pub span: Span,
}

/// The kinds of JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// The number as written (`1`, `1.5e3`).
    Number(String),
    /// A string, escapes decoded.
    String(String),
    /// An array, in document order.
    Array(Vec<Json>),
    /// An object's members in document order; keys are unique (1.3).
    Object(Vec<Member>),
}

/// One `"key": value` member of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The key, escapes decoded.
    pub key: String,
    /// Where the key's text is (quotes included).
    pub key_span: Span,
    /// The member's value.
    pub value: Json,
}

/// Objects with this many members look duplicate keys up in a map; smaller ones search their
/// members (linear, but no copy of every key).
const SEEN_MAP_FROM: usize = 16;

/// Bounds on what the reader accepts.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The deepest nesting of arrays and objects read (`NESTING_TOO_DEEP` beyond).
    pub max_depth: usize,
    /// The largest input read (`INPUT_TOO_LARGE` beyond).
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

/// Typographic quotes that word processors and blogs put where `"` belongs.
const TYPOGRAPHIC_QUOTES: [char; 4] = ['\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}'];

/// Reads a whole source as one JSON value.
pub fn parse(source: &Arc<Source>, limits: Limits) -> Result<Json, Diagnostic> {
    let mut reader = Reader::start(source, limits)?;
    let value = reader.read_document()?;
    reader.end()?;
    Ok(value)
}

fn empty_document(source: &Arc<Source>) -> Diagnostic {
    Diagnostic::new(
        Code::EmptyDocument,
        "the document is empty",
        source,
        Span::new(0, 0),
    )
    .with_help("a policy document is one JSON object: `{\"Version\": \"2012-10-17\", \"Statement\": [...]}`")
}

/// Reads raw bytes (checking UTF-8 first) into a source and its JSON value.
pub fn parse_bytes(
    name: &str,
    bytes: &[u8],
    limits: Limits,
) -> Result<(Arc<Source>, Json), Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            if bytes.len() > limits.max_bytes {
                let source = Source::new(name, "");
                return Err(too_large(&source, bytes.len(), limits));
            }
            let source = Source::new(name, text);
            let json = parse(&source, limits)?;
            Ok((source, json))
        }
        Err(e) => {
            // A lossy copy keeps every byte before the bad one in place, so the reported
            // line:column is where the bad byte sits in the file.
            let at = e.valid_up_to();
            let bad = bytes.get(at).copied().unwrap_or(0);
            let source = Source::new(name, String::from_utf8_lossy(bytes).into_owned());
            let end = at + '\u{FFFD}'.len_utf8();
            Err(Diagnostic::new(
                Code::InvalidEncoding,
                format!("the file is not valid UTF-8: byte 0x{bad:02X} at offset {at}"),
                &source,
                Span::new(at, end),
            )
            .with_help("save the file as UTF-8"))
        }
    }
}

/// As [`parse_bytes`], taking the bytes: valid UTF-8 becomes the source's text without a copy
/// (a world file of a million roles is 187 MB).
pub fn parse_owned(
    name: &str,
    bytes: Vec<u8>,
    limits: Limits,
) -> Result<(Arc<Source>, Json), Diagnostic> {
    let source = source_owned(name, bytes, limits)?;
    let json = parse(&source, limits)?;
    Ok((source, json))
}

/// The source of a file's bytes, taken without a copy, for a [`Cursor`]: the errors of
/// [`parse_bytes`] for bytes over the limit or not UTF-8.
pub fn source_owned(name: &str, bytes: Vec<u8>, limits: Limits) -> Result<Arc<Source>, Diagnostic> {
    if bytes.len() > limits.max_bytes {
        let source = Source::new(name, "");
        return Err(too_large(&source, bytes.len(), limits));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(name, text)),
        // The error and its position as parse_bytes reports them.
        Err(e) => match parse_bytes(name, e.as_bytes(), limits) {
            Err(d) => Err(d),
            Ok((source, _)) => Ok(source),
        },
    }
}

/// A key as the document writes it, borrowed, when that is the key itself (no escapes);
/// otherwise a copy of the decoded key. `span` is the key's, quotes included.
fn as_written<'a>(text: &'a str, key: &str, span: Span) -> Cow<'a, str> {
    let inner = (span.start as usize).saturating_add(1)..(span.end as usize).saturating_sub(1);
    match text.get(inner) {
        Some(raw) if raw == key => Cow::Borrowed(raw),
        _ => Cow::Owned(key.to_string()),
    }
}

fn too_large(source: &Arc<Source>, len: usize, limits: Limits) -> Diagnostic {
    Diagnostic::new(
        Code::InputTooLarge,
        format!(
            "the input is {len} bytes, over the limit of {} bytes",
            limits.max_bytes
        ),
        source,
        Span::new(0, 0),
    )
}

/// Where each key of a large object was first written, to report duplicates (1.3). Keys are
/// borrowed from the document where it writes them without escapes (a world's object of a
/// million roles copied every name). SipHash, not a faster hash: the keys come from hostile
/// files, and a hash an attacker can collide would make reading quadratic.
type Seen<'a> = HashMap<Cow<'a, str>, Span>;

/// A container being read. Its entries so far are the tail of the reader's `items` or `members`
/// from `from` on: a container's list is allocated once, at its exact length, when it closes
/// (growing a list per container cost a third of a world file's memory in unused capacity).
enum Frame<'a> {
    Array {
        start: usize,
        from: usize,
    },
    Object {
        start: usize,
        from: usize,
        /// Where each key was first seen, to report duplicates (1.3), once the object is large:
        /// small objects (nearly all) are searched in their members, without copying their keys.
        seen: Option<Seen<'a>>,
        /// The key whose value is being read.
        key: String,
        key_span: Span,
    },
}

struct Reader<'a> {
    source: &'a Arc<Source>,
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    limits: Limits,
    /// The entries of the open arrays, innermost last.
    items: Vec<Json>,
    /// The members of the open objects, innermost last.
    members: Vec<Member>,
    /// How many objects streamed by a [`Cursor`] are around the value being read.
    outer: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the document's one value (a byte order mark and white space skipped); an
    /// error for an input too large or empty. [`parse`] and [`Cursor`] both start here.
    fn start(source: &'a Arc<Source>, limits: Limits) -> Result<Reader<'a>, Diagnostic> {
        let text = source.text();
        if text.len() > limits.max_bytes {
            return Err(too_large(source, text.len(), limits));
        }
        let mut reader = Reader {
            source,
            text,
            bytes: text.as_bytes(),
            pos: 0,
            limits,
            items: Vec::new(),
            members: Vec::new(),
            outer: 0,
        };
        // A UTF-8 byte order mark is a property of the file encoding, not part of the document.
        if text.starts_with('\u{FEFF}') {
            reader.pos = '\u{FEFF}'.len_utf8();
        }
        reader.skip_ws();
        if reader.pos >= reader.bytes.len() {
            return Err(empty_document(source));
        }
        Ok(reader)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The character at `at`, for messages: `` `x` `` or `the end of the input`.
    fn describe_at(&self, at: usize) -> String {
        match self.text.get(at..).and_then(|s| s.chars().next()) {
            Some(c) if c.is_control() => format!("character U+{:04X}", c as u32),
            Some(c) => format!("`{c}`"),
            None => "the end of the input".to_string(),
        }
    }

    fn char_len_at(&self, at: usize) -> usize {
        self.text
            .get(at..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8)
    }

    /// A syntax error at `at`. When a typographic quote appears in the text read so far (at the
    /// error, or swallowed into a string because it stood in for a closing `"`), that quote is
    /// the real cause: report it instead, at the first one in the file.
    fn syntax_error(&self, at: usize, message: String) -> Diagnostic {
        let end = (at + self.char_len_at(at)).min(self.text.len());
        let first_quote = self.text.get(..end).and_then(|s| {
            s.char_indices()
                .find(|(_, c)| TYPOGRAPHIC_QUOTES.contains(c))
        });
        if let Some((i, c)) = first_quote {
            return Diagnostic::new(
                Code::TypographicQuote,
                format!("typographic quote `{c}` where JSON expects `\"`"),
                self.source,
                Span::new(i, i + c.len_utf8()),
            )
            .with_help(
                "replace every typographic quote (“ ” ‘ ’) with the straight double quote `\"`; \
                 word processors and blog engines substitute them",
            );
        }
        Diagnostic::new(Code::JsonSyntax, message, self.source, Span::new(at, end))
    }

    fn unexpected(&self, expected: &str) -> Diagnostic {
        let found = self.describe_at(self.pos);
        let mut d = self.syntax_error(self.pos, format!("expected {expected}, found {found}"));
        if d.code == Code::JsonSyntax && self.peek() == Some(b'\'') {
            d = d.with_help("JSON strings are written with `\"`, not `'`");
        }
        d
    }

    fn expect_byte(&mut self, b: u8, what: &str) -> Result<(), Diagnostic> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    fn open(&self, stack: &[Frame]) -> Result<(), Diagnostic> {
        if stack.len() + self.outer >= self.limits.max_depth {
            return Err(self.too_deep());
        }
        Ok(())
    }

    /// A container opened here would be nested too deep.
    fn too_deep(&self) -> Diagnostic {
        Diagnostic::new(
            Code::NestingTooDeep,
            format!(
                "JSON nested more than {} levels deep",
                self.limits.max_depth
            ),
            self.source,
            Span::new(self.pos, self.pos + 1),
        )
    }

    /// Checks that nothing but white space follows the document's value.
    fn end(&mut self) -> Result<(), Diagnostic> {
        self.skip_ws();
        if self.pos < self.bytes.len() {
            let found = self.describe_at(self.pos);
            return Err(self
                .syntax_error(
                    self.pos,
                    format!("unexpected {found} after the end of the JSON value"),
                )
                .with_help("a policy document is exactly one JSON value; remove what follows it"));
        }
        Ok(())
    }

    /// Reads the key of an object member (the reader is at its `"`), checks it is not a
    /// duplicate, and consumes the `:` after it.
    fn read_key(
        &mut self,
        from: usize,
        seen: &mut Option<Seen<'a>>,
    ) -> Result<(String, Span), Diagnostic> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a key in `\"`"));
        }
        let start = self.pos;
        let key = self.read_string()?;
        let span = Span::new(start, self.pos);
        let members = self.members.get(from..).unwrap_or_default();
        let first = if members.len() < SEEN_MAP_FROM && seen.is_none() {
            members.iter().find(|m| m.key == key).map(|m| m.key_span)
        } else {
            let text = self.text;
            let map = seen.get_or_insert_with(|| {
                let mut map = HashMap::with_capacity(members.len() * 2);
                for m in members {
                    map.entry(as_written(text, &m.key, m.key_span))
                        .or_insert(m.key_span);
                }
                map
            });
            let first = map.get(key.as_str()).copied();
            if first.is_none() {
                map.insert(as_written(text, &key, span), span);
            }
            first
        };
        if let Some(first) = first {
            let (line, col) = self.source.line_col(first.start);
            return Err(Diagnostic::new(
                Code::DuplicateKey,
                format!("duplicate key `{key}`: first written at line {line}, column {col}"),
                self.source,
                span,
            )
            .with_help(
                "AWS rejects an object that names a key twice; most JSON tools silently keep the \
                 last one, so remove the copy you do not mean",
            ));
        }
        self.skip_ws();
        self.expect_byte(b':', "`:` after the key")?;
        Ok((key, span))
    }

    /// Reads the document's one value without recursion.
    fn read_document(&mut self) -> Result<Json, Diagnostic> {
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            if let Some(value) = self.start_value(&mut stack)? {
                if let Some(document) = self.hand_up(&mut stack, value)? {
                    return Ok(document);
                }
            }
        }
    }

    /// Reads the start of a value: a scalar or an empty container is the value; a container
    /// with entries pushes a frame and reads its first key (`None`: read its first value next).
    fn start_value(&mut self, stack: &mut Vec<Frame<'a>>) -> Result<Option<Json>, Diagnostic> {
        self.skip_ws();
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') => {
                self.open(stack)?;
                self.pos += 1;
                let mut seen = None;
                let from = self.members.len();
                let Some((key, key_span)) = self.first_member(from, &mut seen)? else {
                    return Ok(Some(Json {
                        value: JsonValue::Object(Vec::new()),
                        span: Span::new(start, self.pos),
                    }));
                };
                stack.push(Frame::Object {
                    start,
                    from,
                    seen,
                    key,
                    key_span,
                });
                return Ok(None);
            }
            Some(b'[') => {
                self.open(stack)?;
                self.pos += 1;
                self.skip_ws();
                if self.peek() != Some(b']') {
                    stack.push(Frame::Array {
                        start,
                        from: self.items.len(),
                    });
                    return Ok(None);
                }
                self.pos += 1;
                JsonValue::Array(Vec::new())
            }
            Some(b'"') => JsonValue::String(self.read_string()?),
            Some(b'-' | b'0'..=b'9') => JsonValue::Number(self.read_number()?),
            Some(b't') => return self.read_literal("true", JsonValue::Bool(true)).map(Some),
            Some(b'f') => return self.read_literal("false", JsonValue::Bool(false)).map(Some),
            Some(b'n') => return self.read_literal("null", JsonValue::Null).map(Some),
            _ => return Err(self.unexpected("a JSON value")),
        };
        Ok(Some(Json {
            value,
            span: Span::new(start, self.pos),
        }))
    }

    /// Hands a finished value to its container and closes the containers that end here:
    /// the whole document once the outermost value is finished, `None` when the next entry
    /// of an open container is to be read.
    fn hand_up(
        &mut self,
        stack: &mut Vec<Frame<'a>>,
        mut value: Json,
    ) -> Result<Option<Json>, Diagnostic> {
        loop {
            let Some(frame) = stack.last_mut() else {
                return Ok(Some(value));
            };
            self.skip_ws();
            let closed = match frame {
                Frame::Array { start, from } => {
                    self.items.push(value);
                    self.after_item(*start, *from)?
                }
                Frame::Object {
                    start,
                    from,
                    seen,
                    key,
                    key_span,
                } => {
                    self.members.push(Member {
                        key: std::mem::take(key),
                        key_span: *key_span,
                        value,
                    });
                    self.after_member(*start, *from, seen, key, key_span)?
                }
            };
            let Some(closed) = closed else {
                return Ok(None);
            };
            stack.pop();
            value = closed;
        }
    }

    /// After an array item: `,` (and the next item to read: `None`) or `]` (the array).
    fn after_item(&mut self, start: usize, from: usize) -> Result<Option<Json>, Diagnostic> {
        match self.peek() {
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b']') {
                    return Err(self.trailing_comma(comma));
                }
                Ok(None)
            }
            Some(b']') => {
                self.pos += 1;
                Ok(Some(Json {
                    value: JsonValue::Array(self.items.drain(from..).collect()),
                    span: Span::new(start, self.pos),
                }))
            }
            _ => Err(self.unexpected("`,` or `]` in an array")),
        }
    }

    /// After an object member: `,` and the next key (then its value to read: `None`) or
    /// `}` (the object).
    fn after_member(
        &mut self,
        start: usize,
        from: usize,
        seen: &mut Option<Seen<'a>>,
        key: &mut String,
        key_span: &mut Span,
    ) -> Result<Option<Json>, Diagnostic> {
        match self.next_member(from, seen)? {
            Some((k, ks)) => {
                *key = k;
                *key_span = ks;
                Ok(None)
            }
            None => Ok(Some(Json {
                value: JsonValue::Object(self.members.drain(from..).collect()),
                span: Span::new(start, self.pos),
            })),
        }
    }

    /// Just after an object's `{`: its first key (the `:` after it consumed), or `None` when
    /// the object is empty (its `}` consumed). The one reading of an object's start, for whole
    /// documents and streamed objects alike.
    fn first_member(
        &mut self,
        from: usize,
        seen: &mut Option<Seen<'a>>,
    ) -> Result<Option<(String, Span)>, Diagnostic> {
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(None);
        }
        self.read_key(from, seen).map(Some)
    }

    /// After an object member's value (white space skipped): `,` and the next key (the `:`
    /// after it consumed), or `None` at the object's `}` (consumed). The one reading of what
    /// follows a member, for whole documents and streamed objects alike.
    fn next_member(
        &mut self,
        from: usize,
        seen: &mut Option<Seen<'a>>,
    ) -> Result<Option<(String, Span)>, Diagnostic> {
        match self.peek() {
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    return Err(self.trailing_comma(comma));
                }
                self.read_key(from, seen).map(Some)
            }
            Some(b'}') => {
                self.pos += 1;
                Ok(None)
            }
            _ => Err(self.unexpected("`,` or `}` after an object member")),
        }
    }

    fn trailing_comma(&self, comma: usize) -> Diagnostic {
        self.syntax_error(comma, "trailing comma".to_string())
            .with_help("JSON allows no comma after the last entry; remove it")
    }

    fn read_literal(&mut self, word: &str, value: JsonValue) -> Result<Json, Diagnostic> {
        let start = self.pos;
        let end = start + word.len();
        if self.bytes.get(start..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(Json {
                value,
                span: Span::new(start, end),
            })
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - from
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    fn read_number(&mut self) -> Result<String, Diagnostic> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.syntax_error(
                        start,
                        "a number may not start with `0` followed by digits".into(),
                    ));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.unexpected("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.unexpected("a digit after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        Ok(self
            .text
            .get(start..self.pos)
            .unwrap_or_default()
            .to_string())
    }

    /// Reads a string (the reader is at its opening `"`) and decodes its escapes.
    fn read_string(&mut self) -> Result<String, Diagnostic> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            // Skip to the next byte that ends the run (most strings have none but their `"`);
            // multi-byte characters are copied whole with the run: only ASCII bytes stop it.
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            self.pos += rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            match self.peek() {
                None => {
                    return Err(self.syntax_error(
                        self.text.len(),
                        format!(
                            "unterminated string starting at {}",
                            self.describe_position(open)
                        ),
                    ))
                }
                Some(b'"') => {
                    let last = self.text.get(run..self.pos).unwrap_or_default();
                    if out.is_empty() {
                        // No escape: one allocation of the string's length.
                        out = last.to_string();
                    } else {
                        out.push_str(last);
                    }
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(self.text.get(run..self.pos).unwrap_or_default());
                    self.read_escape(&mut out)?;
                    run = self.pos;
                }
                Some(b) if b < 0x20 => {
                    return Err(self
                        .syntax_error(
                            self.pos,
                            format!("control character U+{b:04X} inside a string"),
                        )
                        .with_help("write a line break inside a string as `\\n`, a tab as `\\t`"));
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn describe_position(&self, at: usize) -> String {
        let (line, col) = self.source.line_col(u32::try_from(at).unwrap_or(u32::MAX));
        format!("line {line}, column {col}")
    }

    /// Reads one escape (the reader is at its `\`).
    fn read_escape(&mut self, out: &mut String) -> Result<(), Diagnostic> {
        let start = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{C}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let hi = self.read_hex4(start)?;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                        return Err(self.lone_surrogate(start));
                    }
                    self.pos += 2;
                    let lo = self.read_hex4(start)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.lone_surrogate(start));
                    }
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                } else if (0xDC00..0xE000).contains(&hi) {
                    return Err(self.lone_surrogate(start));
                } else {
                    hi
                };
                let Some(c) = char::from_u32(code) else {
                    return Err(self.lone_surrogate(start));
                };
                out.push(c);
                return Ok(());
            }
            _ => {
                let found = self.describe_at(self.pos);
                return Err(self
                    .syntax_error(start, format!("invalid escape `\\` followed by {found}"))
                    .with_help(
                        "JSON escapes are `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` \
                         and `\\uXXXX`",
                    ));
            }
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    fn lone_surrogate(&self, start: usize) -> Diagnostic {
        Diagnostic::new(
            Code::JsonSyntax,
            "`\\u` escape names half of a surrogate pair",
            self.source,
            Span::new(start, self.pos.max(start + 1)),
        )
        .with_help("a `\\uD800`–`\\uDBFF` escape must be followed by a `\\uDC00`–`\\uDFFF` escape")
    }

    fn read_hex4(&mut self, escape_start: usize) -> Result<u32, Diagnostic> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => u32::from(b - b'0'),
                Some(b @ b'a'..=b'f') => u32::from(b - b'a' + 10),
                Some(b @ b'A'..=b'F') => u32::from(b - b'A' + 10),
                _ => {
                    return Err(self.syntax_error(
                        escape_start,
                        "`\\u` must be followed by four hex digits".into(),
                    ))
                }
            };
            v = v * 16 + d;
            self.pos += 1;
        }
        Ok(v)
    }
}

impl Json {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match &self.value {
            JsonValue::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
            _ => None,
        }
    }

    /// The text of a string value; `None` for any other kind.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members of an object value; `None` for any other kind.
    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            JsonValue::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The items of an array value; `None` for any other kind.
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

#[cfg(test)]
mod tests;

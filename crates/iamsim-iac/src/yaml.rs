//! YAML (CloudFormation templates) read into values with byte offsets, short-form tags (`!Ref`,
//! `!GetAtt a.b`, `!Sub`, ...) turned into the long form (`{"Fn::GetAtt": ["a", "b"]}`).

use crate::value::{Kind, Val};
use crate::ReadError;
use saphyr_parser::{Event, Parser, ScalarStyle, SpannedEventReceiver, Tag};
use std::borrow::Cow;

/// Containers nested deeper than this stop the read, as for JSON.
const MAX_DEPTH: usize = 64;
/// Values made in all (aliases copy theirs): a bound against alias bombs.
const MAX_NODES: usize = 1_000_000;

/// Where a character index of the parser is, in bytes.
struct Offsets {
    /// Byte offset of each character; empty when the text is ASCII (character = byte).
    table: Vec<usize>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).collect()
        };
        Offsets {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.table.is_empty() {
            char_index.min(self.len)
        } else {
            self.table.get(char_index).copied().unwrap_or(self.len)
        }
    }
}

enum Open {
    List(Vec<Val>, usize, usize),
    /// Entries, a key waiting for its value, the offset, the anchor.
    Map(
        Vec<(String, usize, Val)>,
        Option<(String, usize)>,
        usize,
        usize,
    ),
    /// A short-form tag on a container: `!If [...]` becomes `{"Fn::If": [...]}`.
    Tagged(String, usize),
}

struct Builder {
    offsets: Offsets,
    stack: Vec<Open>,
    anchors: Vec<(usize, Val)>,
    done: Option<Val>,
    error: Option<ReadError>,
    nodes: usize,
    documents: usize,
}

/// `!Ref` → `Ref`, `!GetAtt` → `Fn::GetAtt`, `!Condition` → `Condition`; other tags stay as
/// they are (`!!str` and the like are the core schema: no wrapping).
fn long_form(tag: &Tag) -> Option<String> {
    if tag.handle != "!" {
        return None;
    }
    Some(match tag.suffix.as_str() {
        "Ref" => "Ref".to_string(),
        "Condition" => "Condition".to_string(),
        other => format!("Fn::{other}"),
    })
}

fn scalar(text: &str, style: ScalarStyle, at: usize) -> Val {
    let kind = if style == ScalarStyle::Plain {
        match text {
            "null" | "Null" | "NULL" | "~" | "" => Kind::Null,
            "true" | "True" | "TRUE" => Kind::Bool(true),
            "false" | "False" | "FALSE" => Kind::Bool(false),
            _ => Kind::Str(text.to_string()),
        }
    } else {
        Kind::Str(text.to_string())
    };
    Val::new(kind, at)
}

fn count(v: &Val) -> usize {
    match &v.kind {
        Kind::List(items) => 1 + items.iter().map(count).sum::<usize>(),
        Kind::Map(ms) => 1 + ms.iter().map(|(_, _, v)| count(v)).sum::<usize>(),
        _ => 1,
    }
}

impl Builder {
    fn fail(&mut self, at: usize, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(ReadError {
                at,
                message: message.into(),
            });
        }
    }

    fn push_value(&mut self, v: Val, anchor: usize) {
        if anchor > 0 {
            self.anchors.push((anchor, v.clone()));
        }
        let mut v = v;
        // Close finished short-form tags on containers.
        if let Some(Open::Tagged(name, at)) = self.stack.last() {
            let at = *at;
            let name = name.clone();
            self.stack.pop();
            v = Val::new(Kind::Map(vec![(name, at, v)]), at);
        }
        match self.stack.last_mut() {
            None => {
                if self.done.is_none() {
                    self.done = Some(v);
                }
            }
            Some(Open::List(items, _, _)) => items.push(v),
            Some(Open::Map(entries, key, _, _)) => match key.take() {
                None => match v.text() {
                    Some(k) => *key = Some((k, v.at)),
                    None => {
                        let at = v.at;
                        self.fail(at, "a mapping key that is not a scalar");
                    }
                },
                Some((k, kat)) => entries.push((k, kat, v)),
            },
            Some(Open::Tagged(..)) => {}
        }
    }

    fn open(&mut self, o: Open, tag: Option<Cow<'_, Tag>>, at: usize) {
        if self.stack.len() >= MAX_DEPTH {
            self.fail(at, format!("YAML nested deeper than {MAX_DEPTH} levels"));
            return;
        }
        if let Some(name) = tag.as_deref().and_then(long_form) {
            self.stack.push(Open::Tagged(name, at));
        }
        self.stack.push(o);
    }
}

impl<'input> SpannedEventReceiver<'input> for Builder {
    fn on_event(&mut self, ev: Event<'input>, span: saphyr_parser::Span) {
        if self.error.is_some() {
            return;
        }
        self.nodes += 1;
        let at = self.offsets.byte(span.start.index());
        if self.nodes > MAX_NODES {
            self.fail(at, format!("more than {MAX_NODES} YAML values"));
            return;
        }
        match ev {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(at, "more than one YAML document in a template");
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let v = scalar(&text, style, at);
                let v = match tag.as_deref().and_then(long_form) {
                    Some(name) => Val::new(Kind::Map(vec![(name, at, v)]), at),
                    None => v,
                };
                self.push_value(v, anchor);
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(Open::List(Vec::new(), at, anchor), tag, at)
            }
            Event::MappingStart(anchor, tag) => {
                self.open(Open::Map(Vec::new(), None, at, anchor), tag, at)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let v = match self.stack.pop() {
                    Some(Open::List(items, at, anchor)) => {
                        (Val::new(Kind::List(items), at), anchor)
                    }
                    Some(Open::Map(entries, _, at, anchor)) => {
                        (Val::new(Kind::Map(entries), at), anchor)
                    }
                    _ => return,
                };
                self.push_value(v.0, v.1);
            }
            Event::Alias(id) => {
                let found = self
                    .anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == id)
                    .map(|(_, v)| v.clone());
                match found {
                    Some(v) => {
                        self.nodes += count(&v);
                        if self.nodes > MAX_NODES {
                            self.fail(at, format!("more than {MAX_NODES} YAML values (aliases)"));
                            return;
                        }
                        self.push_value(v, 0);
                    }
                    None => self.fail(at, "an alias to an unknown anchor"),
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
}

/// Reads a YAML text into a value.
pub(crate) fn parse(text: &str) -> Result<Val, ReadError> {
    let mut b = Builder {
        offsets: Offsets::new(text),
        stack: Vec::new(),
        anchors: Vec::new(),
        done: None,
        error: None,
        nodes: 0,
        documents: 0,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut b, true) {
        let at = b.offsets.byte(e.marker().index());
        return Err(ReadError {
            at,
            message: format!("YAML syntax error: {}", e.info()),
        });
    }
    if let Some(e) = b.error {
        return Err(e);
    }
    b.done.ok_or(ReadError {
        at: 0,
        message: "the file holds no YAML document".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_form_tags_become_the_long_form_and_offsets_are_bytes() {
        let text = "é: x\nA: !GetAtt r.Arn\nB: !If [c, !Ref p, y]\n";
        let v = parse(text).unwrap();
        let a = v.get("A").unwrap();
        assert_eq!(a.get("Fn::GetAtt").unwrap().as_str(), Some("r.Arn"));
        assert_eq!(&text[a.at..a.at + 5], "r.Arn");
        let b = v.get("B").unwrap().get("Fn::If").unwrap();
        let Kind::List(items) = &b.kind else { panic!() };
        assert_eq!(items[1].get("Ref").unwrap().as_str(), Some("p"));
        assert_eq!(v.get("é").unwrap().at, text.find('x').unwrap());
    }

    #[test]
    fn alias_bombs_and_deep_nesting_stop_with_an_error() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(parse(&bomb).unwrap_err().message.contains("aliases"));
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
    }
}

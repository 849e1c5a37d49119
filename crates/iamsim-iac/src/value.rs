//! Values read from an IaC file, each with the byte offset in the file where it is written, and
//! their rendering as a JSON policy document with a map back to the file.

use iamsim_policy::json::{Json, JsonValue};
use iamsim_policy::Span;

/// A value as the files determine it. `Unknown` is a value the files leave open, by the name of
/// the reference that would give it (`var.bucket`, `Fn::ImportValue SharedKey`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Unknown(String),
    List(Vec<Val>),
    Map(Vec<(String, usize, Val)>),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Val {
    pub kind: Kind,
    /// Byte offset in the file where the value is written.
    pub at: usize,
}

impl Val {
    pub fn new(kind: Kind, at: usize) -> Val {
        Val { kind, at }
    }

    pub fn str(s: impl Into<String>, at: usize) -> Val {
        Val::new(Kind::Str(s.into()), at)
    }

    pub fn unknown(name: impl Into<String>, at: usize) -> Val {
        Val::new(Kind::Unknown(name.into()), at)
    }

    pub fn get(&self, key: &str) -> Option<&Val> {
        match &self.kind {
            Kind::Map(ms) => ms.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as text, when it is a string, number or boolean.
    pub fn text(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) | Kind::Num(s) => Some(s.clone()),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// From JSON read with `iamsim_policy::json`, whose offsets `to_file` maps to the file.
    pub fn from_json(j: &Json, to_file: &dyn Fn(u32) -> usize) -> Val {
        let at = to_file(j.span.start);
        let kind = match &j.value {
            JsonValue::Null => Kind::Null,
            JsonValue::Bool(b) => Kind::Bool(*b),
            JsonValue::Number(n) => Kind::Num(n.clone()),
            JsonValue::String(s) => Kind::Str(s.clone()),
            JsonValue::Array(items) => {
                Kind::List(items.iter().map(|i| Val::from_json(i, to_file)).collect())
            }
            JsonValue::Object(ms) => Kind::Map(
                ms.iter()
                    .map(|m| {
                        (
                            m.key.clone(),
                            to_file(m.key_span.start),
                            Val::from_json(&m.value, to_file),
                        )
                    })
                    .collect(),
            ),
        };
        Val { kind, at }
    }
}

/// A value the files leave open, in a rendered document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The reference that would give the value (`var.bucket_arn`).
    pub name: String,
    /// Where the placeholder stands in the rendered document.
    pub span: Span,
    /// Byte offset in the file where the reference is written.
    pub at: usize,
}

/// The text that stands for an unknown value in a rendered document where any string will do.
/// Elsewhere the placeholder is a well-formed value of the element (an ARN under `Resource`, an
/// action under `Action`, a number under a numeric condition, ...) so the rest of the policy is
/// still checked; none is a wildcard, so no check reads it as `*`, and findings on a
/// placeholder are dropped (they would be about the placeholder).
pub const UNKNOWN_PLACEHOLDER: &str = "iamsim-unknown-value";

/// The placeholder for an unknown value at `path` (its key, the key above, the one above that).
fn placeholder(path: [&str; 3]) -> &'static str {
    match path {
        ["Resource" | "NotResource", ..] => "\"arn:aws:iamsim-unknown:::value\"",
        ["Action" | "NotAction", ..] => "\"iamsim-unknown:value\"",
        ["Principal" | "NotPrincipal", ..] => {
            "{\"AWS\":\"arn:aws:iam::000000000000:role/iamsim-unknown-value\"}"
        }
        ["AWS", "Principal" | "NotPrincipal", _] => {
            "\"arn:aws:iam::000000000000:role/iamsim-unknown-value\""
        }
        ["Service", "Principal" | "NotPrincipal", _] => "\"iamsim-unknown.amazonaws.com\"",
        [_, op, "Condition"] => {
            let op = op
                .rsplit(':')
                .next()
                .unwrap_or(op)
                .trim_end_matches("IfExists");
            if op.starts_with("Numeric") {
                "\"0\""
            } else if op.starts_with("Date") {
                "\"2000-01-01T00:00:00Z\""
            } else if op.ends_with("IpAddress") {
                "\"192.0.2.0/32\""
            } else if op == "Bool" || op == "Null" {
                "\"true\""
            } else if op.starts_with("Arn") {
                "\"arn:aws:iamsim-unknown:::value\""
            } else {
                "\"iamsim-unknown-value\""
            }
        }
        _ => "\"iamsim-unknown-value\"",
    }
}

/// A JSON document rendered from a value, with a map from its offsets to the file's.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rendered {
    pub text: String,
    /// (offset in `text`, offset in the file), ascending in the first.
    pub map: Vec<(u32, u32)>,
    pub unknowns: Vec<Unknown>,
}

/// Values nested deeper than this are rendered as unknown (resolution can nest values that the
/// parsers bound one by one).
const MAX_RENDER_DEPTH: usize = 96;

impl Rendered {
    pub fn of(v: &Val) -> Rendered {
        let mut r = Rendered::default();
        r.value(v, 0, ["", "", ""]);
        r
    }

    fn mark(&mut self, at: usize) {
        let doc = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        let file = u32::try_from(at).unwrap_or(u32::MAX);
        self.map.push((doc, file));
    }

    fn string(&mut self, s: &str) {
        self.text
            .push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
    }

    fn unknown(&mut self, name: &str, at: usize, path: [&str; 3]) {
        let start = self.text.len();
        self.text.push_str(placeholder(path));
        self.unknowns.push(Unknown {
            name: name.to_string(),
            span: Span::new(start, self.text.len()),
            at,
        });
    }

    fn value(&mut self, v: &Val, depth: usize, path: [&str; 3]) {
        self.mark(v.at);
        if depth > MAX_RENDER_DEPTH {
            self.unknown("a value nested too deep", v.at, path);
            return;
        }
        match &v.kind {
            Kind::Null => self.text.push_str("null"),
            Kind::Bool(b) => self.text.push_str(if *b { "true" } else { "false" }),
            Kind::Num(n) => {
                if n.parse::<f64>().is_ok_and(f64::is_finite) {
                    self.text.push_str(n);
                } else {
                    self.string(n);
                }
            }
            Kind::Str(s) => self.string(s),
            Kind::Unknown(name) => self.unknown(name, v.at, path),
            Kind::List(items) => {
                self.text.push('[');
                let mut first = true;
                for item in items {
                    if let (Kind::Unknown(name), ["Statement", ..]) = (&item.kind, path) {
                        // A statement the files do not determine is left out, so the others
                        // are still checked; it is still named among the unknowns.
                        self.unknowns.push(Unknown {
                            name: name.clone(),
                            span: Span::default(),
                            at: item.at,
                        });
                        continue;
                    }
                    if !first {
                        self.text.push(',');
                    }
                    first = false;
                    self.value(item, depth + 1, path);
                }
                self.text.push(']');
            }
            Kind::Map(ms) => {
                self.text.push('{');
                // A key written twice keeps its last value, as `jsonencode` does.
                let mut later = std::collections::HashSet::new();
                let keep: Vec<bool> = ms
                    .iter()
                    .rev()
                    .map(|(k, _, _)| later.insert(k.as_str()))
                    .collect();
                let mut first = true;
                for ((k, kat, item), keep) in ms.iter().zip(keep.into_iter().rev()) {
                    if !keep {
                        continue;
                    }
                    if !first {
                        self.text.push(',');
                    }
                    first = false;
                    self.mark(*kat);
                    self.string(k);
                    self.text.push(':');
                    self.value(item, depth + 1, [k.as_str(), path[0], path[1]]);
                }
                self.text.push('}');
            }
        }
    }

    /// The file offset of a document offset: where the nearest value or key at or before it
    /// is written.
    pub fn file_offset(map: &[(u32, u32)], doc: u32) -> u32 {
        let i = map.partition_point(|(d, _)| *d <= doc);
        map.get(i.saturating_sub(1)).map_or(0, |(_, f)| *f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_document_maps_each_value_back_to_where_it_is_written() {
        let v = Val::new(
            Kind::Map(vec![
                ("Action".into(), 10, Val::str("s3:GetObject", 20)),
                ("Resource".into(), 40, Val::unknown("var.arn", 52)),
            ]),
            5,
        );
        let r = Rendered::of(&v);
        assert_eq!(
            r.text,
            "{\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:iamsim-unknown:::value\"}"
        );
        let at = |needle: &str| r.text.find(needle).unwrap() as u32;
        assert_eq!(Rendered::file_offset(&r.map, 0), 5);
        assert_eq!(Rendered::file_offset(&r.map, at("\"Action\"")), 10);
        assert_eq!(
            Rendered::file_offset(&r.map, at("\"s3:GetObject\"") + 3),
            20
        );
        assert_eq!(r.unknowns.len(), 1);
        assert_eq!(r.unknowns[0].name, "var.arn");
        assert_eq!(r.unknowns[0].at, 52);
    }
}

//! A policy document for a world, where values the files leave open cannot be decided: each
//! statement that holds one is widened so that it matches every request the open value might
//! let it match, and marked with the condition `StringEqualsIfExists` on
//! [`UNRESOLVED_KEY`] listing the references. The engine never takes a marked statement to
//! apply for sure: where the widened statement matches, it *may* apply (an Allow gives
//! `indeterminate`, a Deny is taken to apply); where even the widened statement does not
//! match, the open values cannot make it match.
//!
//! Widening: an open `Action`, `Resource` or `Principal` value becomes `*`; an open condition
//! value drops its condition (the statement then holds under every value); an open value of a
//! `NotAction`, `NotResource` or `NotPrincipal` keeps its placeholder, which names nothing, so
//! the element covers everything. A statement the files do not give at all becomes a marked
//! `Deny` of everything: it might be one.

use crate::value::Unknown;
use crate::{Policy, PolicyKind};
use iamsim_policy::json::{self, Json, JsonValue, Limits};
use iamsim_policy::Source;
use serde_json::{Map, Value};

/// The condition key that marks a statement holding values the files leave open.
pub const UNRESOLVED_KEY: &str = "iamsim:unresolved";

fn plain(j: &Json) -> Value {
    match &j.value {
        JsonValue::Null => Value::Null,
        JsonValue::Bool(b) => Value::Bool(*b),
        JsonValue::Number(n) => serde_json::from_str(n).unwrap_or_else(|_| Value::from(n.as_str())),
        JsonValue::String(s) => Value::from(s.as_str()),
        JsonValue::Array(items) => Value::Array(items.iter().map(plain).collect()),
        JsonValue::Object(ms) => Value::Object(
            ms.iter()
                .map(|m| (m.key.clone(), plain(&m.value)))
                .collect(),
        ),
    }
}

struct Widen<'u> {
    unknowns: &'u [Unknown],
    names: Vec<String>,
}

impl Widen<'_> {
    fn open(&self, j: &Json) -> Option<&Unknown> {
        self.unknowns
            .iter()
            .find(|u| u.span.start == j.span.start && u.span.end > u.span.start)
    }

    /// A value under statement element `element`; `None`: left out (an open condition).
    fn value(&mut self, j: &Json, element: &str) -> Option<Value> {
        if let Some(u) = self.open(j) {
            self.names.push(u.name.clone());
            return match element {
                "Action" | "Resource" | "Principal" => Some(Value::from("*")),
                "Condition" => None,
                _ => Some(plain(j)),
            };
        }
        match &j.value {
            JsonValue::Array(items) => {
                let mut out = Vec::new();
                for i in items {
                    match self.value(i, element) {
                        Some(v) => out.push(v),
                        // An open value among a condition's values: the condition may hold
                        // whatever the others are.
                        None => return None,
                    }
                }
                Some(Value::Array(out))
            }
            JsonValue::Object(ms) => {
                let mut out = Map::new();
                for m in ms {
                    if let Some(v) = self.value(&m.value, element) {
                        // An operator left with no key holds no condition.
                        if element == "Condition" && v.as_object().is_some_and(Map::is_empty) {
                            continue;
                        }
                        out.insert(m.key.clone(), v);
                    }
                }
                Some(Value::Object(out))
            }
            _ => Some(plain(j)),
        }
    }

    fn statement(&mut self, j: &Json) -> Value {
        self.names.clear();
        let JsonValue::Object(ms) = &j.value else {
            return plain(j);
        };
        let mut out = Map::new();
        for m in ms {
            if let Some(v) = self.value(&m.value, m.key.as_str()) {
                out.insert(m.key.clone(), v);
            }
        }
        if !self.names.is_empty() {
            mark(&mut out, std::mem::take(&mut self.names));
        }
        Value::Object(out)
    }
}

/// Adds the marker condition to a statement.
fn mark(statement: &mut Map<String, Value>, names: Vec<String>) {
    let cond = statement
        .entry("Condition")
        .or_insert_with(|| Value::Object(Map::new()));
    if !cond.is_object() {
        *cond = Value::Object(Map::new());
    }
    if let Some(c) = cond.as_object_mut() {
        let op = c
            .entry("StringEqualsIfExists")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(o) = op.as_object_mut() {
            o.insert(
                UNRESOLVED_KEY.into(),
                Value::Array(names.into_iter().map(Value::from).collect()),
            );
        }
    }
}

/// The document of `p` for a world: as written when the files determine it all, else widened
/// and marked (module docs). `Err`: the document is not JSON (it always is when rendered).
pub fn world_document(p: &Policy) -> Result<Value, String> {
    let src = Source::new("", p.document.as_str());
    let doc = json::parse(&src, Limits::default()).map_err(|d| d.message)?;
    if p.unknowns.is_empty() {
        return Ok(plain(&doc));
    }
    let mut w = Widen {
        unknowns: &p.unknowns,
        names: Vec::new(),
    };
    let mut out = Map::new();
    // A document the files do not give at all might say anything: a marked Deny of everything.
    let whole = !matches!(doc.value, JsonValue::Object(_));
    let ms: &[json::Member] = match &doc.value {
        JsonValue::Object(ms) => ms,
        _ => {
            out.insert("Version".into(), Value::from("2012-10-17"));
            &[]
        }
    };
    for m in ms {
        let v = match (&m.key[..], &m.value.value) {
            ("Statement", JsonValue::Array(items)) => {
                Value::Array(items.iter().map(|s| w.statement(s)).collect())
            }
            ("Statement", JsonValue::Object(_)) => w.statement(&m.value),
            _ => plain(&m.value),
        };
        out.insert(m.key.clone(), v);
    }
    // Statements the files do not give (a `dynamic` block, merged documents): each might deny.
    let left_out: Vec<String> = p
        .unknowns
        .iter()
        .filter(|u| whole || u.span.end <= u.span.start)
        .map(|u| u.name.clone())
        .collect();
    if !left_out.is_empty() {
        let mut s = Map::new();
        s.insert("Effect".into(), Value::from("Deny"));
        if matches!(
            p.kind.policy_type(),
            iamsim_policy::PolicyType::Trust | iamsim_policy::PolicyType::Resource
        ) {
            s.insert("Principal".into(), Value::from("*"));
        }
        s.insert("Action".into(), Value::from("*"));
        if p.kind != PolicyKind::Trust {
            s.insert("Resource".into(), Value::from("*"));
        }
        mark(&mut s, left_out);
        let list = out
            .entry("Statement")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Object(_) = list {
            *list = Value::Array(vec![list.take()]);
        }
        if let Some(items) = list.as_array_mut() {
            items.push(Value::Object(s));
        }
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use crate::{read_terraform, Settings, TfFile};
    use serde_json::{json, Value};

    /// The world documents of the policies of one Terraform file.
    fn docs(tf: &str) -> Vec<Value> {
        let read = read_terraform(
            &[TfFile {
                path: "main.tf",
                text: tf,
            }],
            &Settings::default(),
        );
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        read.policies
            .iter()
            .map(|p| super::world_document(p).unwrap())
            .collect()
    }

    fn policy(statements: &str) -> String {
        format!(
            "variable \"x\" {{}}\nresource \"aws_iam_policy\" \"p\" {{\n  name = \"p\"\n  policy = jsonencode({{ Version = \"2012-10-17\", Statement = [{statements}] }})\n}}\n"
        )
    }

    #[test]
    fn a_document_the_files_determine_is_kept_as_written() {
        let d = docs(&policy(
            "{ Effect = \"Allow\", Action = \"s3:GetObject\", Resource = \"arn:aws:s3:::b/*\" }",
        ));
        assert_eq!(
            d[0]["Statement"][0],
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
        );
    }

    #[test]
    fn open_values_widen_their_statement_and_mark_it() {
        let d = docs(&policy(
            "{ Effect = \"Allow\", Action = \"s3:GetObject\", Resource = \"arn:aws:s3:::b/*\" },
             { Effect = \"Deny\", Action = [\"s3:PutObject\", var.x], Resource = \"arn:aws:s3:::${var.x}/*\",
               Condition = { StringEquals = { \"aws:PrincipalTag/team\" = var.x }, Bool = { \"aws:SecureTransport\" = \"true\" } } },
             { Effect = \"Deny\", Action = \"s3:*\", NotResource = var.x }",
        ));
        let s = &d[0]["Statement"];
        // The statement the files determine is not marked.
        assert!(s[0].get("Condition").is_none(), "{s}");
        assert_eq!(s[1]["Action"], json!(["s3:PutObject", "*"]));
        assert_eq!(s[1]["Resource"], json!("*"));
        // The open condition is dropped, the determined one kept, the mark added.
        assert_eq!(
            s[1]["Condition"],
            json!({
                "Bool": {"aws:SecureTransport": "true"},
                "StringEqualsIfExists": {"iamsim:unresolved": ["var.x", "var.x", "var.x"]}
            })
        );
        // Under NotResource the placeholder stays: it names nothing, so everything is covered.
        assert_eq!(s[2]["NotResource"], json!("arn:aws:iamsim-unknown:::value"));
        assert_eq!(
            s[2]["Condition"]["StringEqualsIfExists"]["iamsim:unresolved"],
            json!(["var.x"])
        );
    }

    #[test]
    fn a_statement_the_files_do_not_give_becomes_a_marked_deny_of_everything() {
        let tf = "data \"aws_iam_policy_document\" \"d\" {\n  dynamic \"statement\" {\n    for_each = var.s\n    content {}\n  }\n}\nresource \"aws_iam_policy\" \"p\" {\n  name = \"p\"\n  policy = data.aws_iam_policy_document.d.json\n}\n";
        let d = docs(tf);
        let s = d[0]["Statement"].as_array().unwrap();
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0]["Effect"], "Deny");
        assert_eq!(s[0]["Action"], "*");
        assert_eq!(s[0]["Resource"], "*");
        assert_eq!(
            s[0]["Condition"]["StringEqualsIfExists"]["iamsim:unresolved"],
            json!(["dynamic \"statement\" block"])
        );
    }
}

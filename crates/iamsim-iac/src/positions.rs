//! Where each part of a policy's world document is written in its file: a world built from
//! Terraform or CloudFormation renders each policy as JSON, and explanations of its decisions
//! point at the `.tf` or template line of the deciding statement, not into the rendering.

use crate::Policy;
use iamsim_policy::json::{self, Json, JsonValue, Limits};
use iamsim_policy::Source;

/// For `rendered`, the JSON text of `p`'s world document ([`crate::world_document`]) written at
/// offset `base` of a larger text: (offset in the larger text, offset in `p`'s file) for every
/// value and key of it, in order. A part the widening added (the mark of an open value, a
/// statement the files leave out) is placed where the part that holds it is written.
pub fn document_positions(p: &Policy, rendered: &str, base: u32) -> Vec<(u32, u32)> {
    let parse = |text: &str| json::parse(&Source::new("", text), Limits::default()).ok();
    let (Some(doc), Some(written)) = (parse(rendered), parse(&p.document)) else {
        return vec![(base, p.at as u32)];
    };
    let mut out = Vec::new();
    walk(p, &doc, Some(&written), p.at as u32, base, &mut out);
    out
}

fn walk(
    p: &Policy,
    doc: &Json,
    written: Option<&Json>,
    around: u32,
    base: u32,
    out: &mut Vec<(u32, u32)>,
) {
    let here = written.map_or(around, |w| p.file_offset(w.span.start) as u32);
    out.push((base.saturating_add(doc.span.start), here));
    match &doc.value {
        JsonValue::Object(members) => {
            for m in members {
                let w = written.and_then(|w| match &w.value {
                    JsonValue::Object(ws) => ws.iter().find(|x| x.key == m.key),
                    _ => None,
                });
                let key_at = w.map_or(here, |w| p.file_offset(w.key_span.start) as u32);
                out.push((base.saturating_add(m.key_span.start), key_at));
                walk(p, &m.value, w.map(|w| &w.value), key_at, base, out);
            }
        }
        JsonValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let w = match written.map(|w| &w.value) {
                    Some(JsonValue::Array(ws)) => ws.get(i),
                    // A lone statement written as an object is the first of the list.
                    Some(_) if i == 0 => written,
                    _ => None,
                };
                walk(p, item, w, here, base, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_terraform, world_document, Settings, TfFile};

    fn line_col(text: &str, offset: u32) -> (usize, usize) {
        let before = &text[..offset as usize];
        let line = before.matches('\n').count() + 1;
        let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        (line, col)
    }

    #[test]
    fn each_value_of_the_world_document_is_placed_where_the_file_writes_it() {
        let tf = "variable \"bucket\" {}\nresource \"aws_iam_user_policy\" \"p\" {\n  user = \"u\"\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect   = \"Allow\"\n      Action   = \"s3:GetObject\"\n      Resource = \"arn:aws:s3:::${var.bucket}/*\"\n    }, {\n      Effect   = \"Deny\"\n      Action   = \"s3:DeleteObject\"\n      Resource = \"*\"\n    }]\n  })\n}\n";
        let read = read_terraform(
            &[TfFile {
                path: "main.tf",
                text: tf,
            }],
            &Settings::default(),
        );
        let p = &read.policies[0];
        let doc = serde_json::to_string(&world_document(p).unwrap()).unwrap();
        let text = format!("{{\"before\": 1, \"doc\": {doc}}}");
        let base = text.find(&doc).unwrap() as u32;
        let marks = document_positions(p, &doc, base);
        assert!(
            marks.windows(2).all(|w| w[0].0 <= w[1].0),
            "sorted: {marks:?}"
        );
        let at = |needle: &str, nth: usize| {
            let o = base + doc.match_indices(needle).nth(nth).unwrap().0 as u32;
            let i = marks.partition_point(|(t, _)| *t <= o) - 1;
            line_col(tf, marks[i].1)
        };
        // The second statement and its Effect: lines 10 and 11 of main.tf.
        assert_eq!(at("{\"Action\"", 1), (10, 8));
        assert_eq!(at("\"Deny\"", 0), (11, 18));
        // The open Resource (widened to `*`) is where the reference is written.
        assert_eq!(at("\"Resource\":\"*\"", 0).0, 9);
        // The mark the widening added is placed at the statement's Condition-less place: the
        // statement (line 6).
        assert_eq!(at("\"Condition\"", 0).0, 6);
    }
}

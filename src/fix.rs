//! `--suggest-fix` output for `can` and `test` (formats.md §10): each fix's edits as
//! file:line:column with the text replaced and its replacement, or the text inserted.

use iamsim_engine::{Fix, MAX_EDITS};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// The fixes as text, each line indented by `indent`.
pub fn text(fixes: &[Fix], why_none: Option<&str>, indent: &str) -> String {
    let mut out = String::new();
    if fixes.is_empty() {
        match why_none {
            Some(why) => {
                let _ = writeln!(out, "{indent}no fix: {why}");
            }
            None => {
                let _ = writeln!(
                    out,
                    "{indent}no fix: no edit of the world's policy files (at most {MAX_EDITS} edits, each checked) makes the request allowed"
                );
            }
        }
        return out;
    }
    for (k, f) in fixes.iter().enumerate() {
        let n = f.edits.len();
        let _ = writeln!(
            out,
            "{indent}fix {} ({n} edit{}; checked: with it the request is allowed):",
            k + 1,
            if n == 1 { "" } else { "s" }
        );
        for e in &f.edits {
            let _ = writeln!(out, "{indent}  {}:{}:{}", e.file, e.line, e.column);
            match &e.replace {
                Some(old) if e.with.is_empty() => {
                    let _ = writeln!(out, "{indent}    remove:  {}", one_line(old));
                }
                Some(old) => {
                    let _ = writeln!(out, "{indent}    replace: {}", one_line(old));
                    let _ = writeln!(out, "{indent}    with:    {}", one_line(&e.with));
                }
                None => {
                    let _ = writeln!(
                        out,
                        "{indent}    insert:  {}",
                        one_line(e.with.trim_start_matches([',', '\n', ' ', '\t', '\r']))
                    );
                }
            }
        }
        for note in &f.notes {
            let _ = writeln!(out, "{indent}  note: {note}");
        }
    }
    out
}

/// Text on one line: line breaks and the indentation after them shown as one space.
fn one_line(s: &str) -> String {
    s.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn json(fixes: &[Fix]) -> Value {
    Value::Array(
        fixes
            .iter()
            .map(|f| {
                let edits: Vec<Value> = f
                    .edits
                    .iter()
                    .map(|e| {
                        let mut v = json!({
                            "file": e.file,
                            "line": e.line,
                            "column": e.column,
                            "with": e.with,
                        });
                        if let (Some(old), Some(m)) = (&e.replace, v.as_object_mut()) {
                            m.insert("replace".into(), json!(old));
                        }
                        v
                    })
                    .collect();
                json!({ "edits": edits, "notes": f.notes })
            })
            .collect(),
    )
}

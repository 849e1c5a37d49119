//! How a gate's outcome is printed: text for people, JSON (formats.md's shape), SARIF for code
//! scanning and JUnit for CI test reports, as `lint` prints its findings.

use super::{Finding, Outcome};
use crate::render::xml_escape;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fmt::Write as _;

fn failed_files(o: &Outcome) -> BTreeSet<&str> {
    o.findings.iter().map(|f| f.file.as_str()).collect()
}

/// `principal action resource`, as much of it as the finding has.
fn request(f: &Finding) -> String {
    [&f.principal, &f.action, &f.resource]
        .iter()
        .filter_map(|x| x.as_deref())
        .collect::<Vec<_>>()
        .join(" ")
}

fn summary(o: &Outcome) -> String {
    let n = o.examined.len();
    format!(
        "{} {}: {n} polic{} checked, {} failed",
        if o.findings.is_empty() {
            "PASS"
        } else {
            "FAIL"
        },
        o.name,
        if n == 1 { "y" } else { "ies" },
        failed_files(o).len()
    )
}

pub fn text(o: &Outcome) -> String {
    let mut out = String::new();
    for f in &o.findings {
        let _ = writeln!(out, "FAIL {}: {}", f.file, f.reason);
        let req = request(f);
        if !req.is_empty() {
            let _ = writeln!(out, "  request: {req}");
        }
        if !f.via.is_empty() {
            let _ = writeln!(out, "  via: {}", f.via.join(" -> "));
        }
        for (k, v) in &f.context {
            let _ = writeln!(out, "  context: {k}={v}");
        }
        if !f.conditions.is_empty() {
            let _ = writeln!(out, "  when: {}", f.conditions.join(" and "));
        }
        for p in &f.path {
            let _ = writeln!(out, "  granted by: {p}");
        }
    }
    let _ = writeln!(out, "{}", summary(o));
    out
}

fn finding_json(f: &Finding) -> Value {
    json!({
        "file": f.file,
        "proven": f.proven,
        "reason": f.reason,
        "principal": f.principal,
        "via": f.via,
        "action": f.action,
        "resource": f.resource,
        "context": f.context.iter().map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect::<serde_json::Map<_, _>>(),
        // formats.md 5 and 11: the alternatives under which it is allowed, each a list of
        // `{key, operator, values}` (one alternative per finding; none when outright).
        "conditions": if f.terms.is_empty() {
            serde_json::Value::Array(Vec::new())
        } else {
            crate::render::conditions_json(std::slice::from_ref(&f.terms))
        },
        // The same conditions in words (also when the engine gave no terms for them).
        "when": f.conditions,
        "path": f.path,
    })
}

pub fn json(o: &Outcome) -> String {
    let doc = json!({
        "check": o.name,
        "result": if o.findings.is_empty() { "pass" } else { "fail" },
        "reason": summary(o),
        "examined": o.examined,
        "findings": o.findings.iter().map(finding_json).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn message(f: &Finding) -> String {
    let mut m = f.reason.clone();
    let req = request(f);
    if !req.is_empty() {
        let _ = write!(m, ": {req}");
    }
    if !f.via.is_empty() {
        let _ = write!(m, " via {}", f.via.join(" -> "));
    }
    if !f.conditions.is_empty() {
        let _ = write!(m, " when {}", f.conditions.join(" and "));
    }
    m
}

pub fn sarif(o: &Outcome) -> String {
    let rule = format!("check/{}", o.name);
    let results: Vec<Value> = o
        .findings
        .iter()
        .map(|f| {
            json!({
                "ruleId": rule,
                "level": "error",
                "message": {"text": message(f)},
                "locations": [{"physicalLocation": {"artifactLocation": crate::lint::artifact_location(&f.file)}}],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "iamsim",
                "informationUri": "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-custom-policy-checks.html",
                "rules": [{
                    "id": rule,
                    "shortDescription": {"text": format!("iamsim check {}", o.name)},
                }],
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

pub fn junit(o: &Outcome) -> String {
    let failed = failed_files(o);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites><testsuite name=\"iamsim check {}\" tests=\"{}\" failures=\"{}\">",
        o.name,
        o.examined.len(),
        failed.len()
    );
    for file in &o.examined {
        let _ = write!(
            out,
            "<testcase classname=\"iamsim.check.{}\" name=\"{}\">",
            o.name,
            xml_escape(file)
        );
        let mine: Vec<&Finding> = o.findings.iter().filter(|f| &f.file == file).collect();
        if let Some(first) = mine.first() {
            let body: Vec<String> = mine.iter().map(|f| message(f)).collect();
            let _ = write!(
                out,
                "<failure message=\"{}\">{}</failure>",
                xml_escape(&first.reason),
                xml_escape(&body.join("\n"))
            );
        }
        out.push_str("</testcase>\n");
    }
    out.push_str("</testsuite></testsuites>\n");
    out
}

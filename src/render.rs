//! Output shared by the subcommands: diagnostics and answers, as text and JSON.

use iamsim_engine::{Answer, Hop, LoadError, WhoCan, WhoCanEntry};
use serde_json::{json, Value};

/// Prints a world's or tests file's errors compiler-style to stderr.
pub fn print_load_error(e: &LoadError) {
    for d in &e.diagnostics {
        eprint!("{}", d.render());
    }
    let errors = e.diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!("iamsim: {errors} error(s); nothing was evaluated");
}

pub fn answer_json(a: &Answer) -> Value {
    json!({
        "decision": a.decision.as_str(),
        "principal": a.principal,
        "action": a.action,
        "resource": a.resource,
        "via": a.via,
        "path": a.path.iter().map(hop_json).collect::<Vec<_>>(),
        "notes": a.notes,
    })
}

fn hop_json(h: &Hop) -> Value {
    json!({
        "principal": h.principal,
        "action": h.action,
        "resource": h.resource,
        "decision": h.decision.as_str(),
        "summary": h.summary,
        "reasons": h.reasons.iter().map(|r| json!({
            "policy": r.policy,
            "role": r.role,
            "location": r.location.to_string(),
            "file": r.location.file,
            "line": r.location.line,
            "column": r.location.column,
            "statement": r.statement,
            "effect": r.effect.map(|e| e.as_str()),
            "did": r.did(),
        })).collect::<Vec<_>>(),
        "notes": h.notes,
    })
}

/// who-can as JSON (formats.md §4): `action`, `resource`, `principals` with `principal`, `via`,
/// `decision`, `conditions` and `path`; `alternatives` and `undecided` extend it.
pub fn who_can_json(w: &WhoCan) -> Value {
    json!({
        "action": w.action,
        "resource": w.resource,
        "principals": w.principals.iter().map(entry_json).collect::<Vec<_>>(),
        "undecided": w.undecided.iter().map(entry_json).collect::<Vec<_>>(),
    })
}

fn entry_json(e: &WhoCanEntry) -> Value {
    json!({
        "principal": e.principal,
        "via": e.via,
        "decision": e.decision(),
        "conditions": e.conditions(),
        "alternatives": e.alternatives(),
        "path": e.path.iter().map(|h| hop_json(h)).collect::<Vec<_>>(),
    })
}

/// who-can as text: one line per principal or chain, then its hops as `can` explains them.
pub fn who_can_text(w: &WhoCan) -> String {
    let mut out = format!("who can {} {}\n", w.action, w.resource);
    if w.principals.is_empty() {
        out.push_str("\nnobody: no principal or role chain of the world is allowed it\n");
    }
    for e in &w.principals {
        entry_text(e, &mut out);
    }
    if !w.undecided.is_empty() {
        out.push_str("\ncould not be decided (denied, but not proven denied):\n");
        for e in &w.undecided {
            entry_text(e, &mut out);
        }
    }
    out.push_str(&format!(
        "\n{} allowed, {} conditional, {} undecided\n",
        w.principals
            .iter()
            .filter(|e| e.decision() == "allow")
            .count(),
        w.principals
            .iter()
            .filter(|e| e.decision() == "conditional")
            .count(),
        w.undecided.len()
    ));
    out
}

fn entry_text(e: &WhoCanEntry, out: &mut String) {
    out.push_str(&format!(
        "\n{} {}\n",
        e.decision().to_ascii_uppercase(),
        e.principal
    ));
    if !e.via.is_empty() {
        out.push_str(&format!("  via {}\n", e.via.join(" -> ")));
    }
    for (i, alt) in e.alternatives().iter().enumerate() {
        out.push_str(&format!(
            "  {} {}\n",
            if i == 0 { "if" } else { "or if" },
            alt.join(" and ")
        ));
    }
    for (i, hop) in e.path.iter().enumerate() {
        out.push_str(&format!(
            "  hop {}: {} {} {}: {}\n",
            i + 1,
            hop.principal,
            hop.action,
            hop.resource,
            hop.decision
        ));
        for s in &hop.summary {
            out.push_str(&format!("    why: {s}\n"));
        }
        for r in &hop.reasons {
            out.push_str(&format!("    - {}\n", r.render()));
        }
        for n in &hop.notes {
            out.push_str(&format!("    note: {n}\n"));
        }
    }
}

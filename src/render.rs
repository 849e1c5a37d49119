//! Output shared by the subcommands: diagnostics and answers, as text and JSON.

use iamsim_engine::{Answer, Hop, LoadError};
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

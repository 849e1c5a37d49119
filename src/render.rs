//! Output shared by the subcommands: diagnostics and answers, as text and JSON.

use iamsim_engine::{Answer, Hop, LoadError, WhoCan, WhoCanEntry};
use serde_json::{json, Value};
use std::io::Write;

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
/// `decision`, `conditions` and `path`; `alternatives` and `undecided` extend it. Written entry
/// by entry: on a thousand accounts the answer is hundreds of megabytes, and one `Value` of it
/// took 2 GB.
pub fn who_can_json(w: &WhoCan, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{{")?;
    writeln!(out, "  \"action\": {},", Value::from(w.action.as_str()))?;
    writeln!(out, "  \"resource\": {},", Value::from(w.resource.as_str()))?;
    for (name, list, last) in [
        ("principals", &w.principals, false),
        ("undecided", &w.undecided, true),
    ] {
        write!(out, "  \"{name}\": [")?;
        for (i, e) in list.iter().enumerate() {
            let text = serde_json::to_string_pretty(&entry_json(e)).unwrap_or_default();
            write!(out, "{}\n    ", if i == 0 { "" } else { "," })?;
            out.write_all(text.replace('\n', "\n    ").as_bytes())?;
        }
        writeln!(
            out,
            "{}]{}",
            if list.is_empty() { "" } else { "\n  " },
            if last { "" } else { "," }
        )?;
    }
    writeln!(out, "}}")
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

/// who-can as text: one block per principal or chain, with its hops as `can` explains them.
pub fn who_can_text(w: &WhoCan, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "who can {} {}", w.action, w.resource)?;
    if w.principals.is_empty() {
        writeln!(
            out,
            "\nnobody: no principal or role chain of the world is allowed it"
        )?;
    }
    for e in &w.principals {
        entry_text(e, out)?;
    }
    if !w.undecided.is_empty() {
        writeln!(
            out,
            "\ncould not be decided (denied, but not proven denied):"
        )?;
        for e in &w.undecided {
            entry_text(e, out)?;
        }
    }
    writeln!(
        out,
        "\n{} allowed, {} conditional, {} undecided",
        w.principals
            .iter()
            .filter(|e| e.decision() == "allow")
            .count(),
        w.principals
            .iter()
            .filter(|e| e.decision() == "conditional")
            .count(),
        w.undecided.len()
    )
}

fn entry_text(e: &WhoCanEntry, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "\n{} {}",
        e.decision().to_ascii_uppercase(),
        e.principal
    )?;
    if !e.via.is_empty() {
        writeln!(out, "  via {}", e.via.join(" -> "))?;
    }
    for (i, alt) in e.alternatives().iter().enumerate() {
        writeln!(
            out,
            "  {} {}",
            if i == 0 { "if" } else { "or if" },
            alt.join(" and ")
        )?;
    }
    for (i, hop) in e.path.iter().enumerate() {
        writeln!(
            out,
            "  hop {}: {} {} {}: {}",
            i + 1,
            hop.principal,
            hop.action,
            hop.resource,
            hop.decision
        )?;
        for s in &hop.summary {
            writeln!(out, "    why: {s}")?;
        }
        for r in &hop.reasons {
            writeln!(out, "    - {}", r.render())?;
        }
        for n in &hop.notes {
            writeln!(out, "    note: {n}")?;
        }
    }
    Ok(())
}

/// Escapes text for XML (JUnit output).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Loads a world for a subcommand; a world that cannot be loaded is printed and is exit 2.
pub fn load_world(dir: &std::path::Path) -> Result<iamsim_engine::World, crate::Status> {
    iamsim_engine::World::load_rooted(dir, crate::root()).map_err(|e| {
        print_load_error(&e);
        crate::Status::BadInput
    })
}

/// Reads `--context KEY=VALUE` arguments; a bad one is printed and is exit 2.
pub fn context_args(args: &[String]) -> Result<iamsim_policy::Context, crate::Status> {
    let mut context = iamsim_policy::Context::new();
    for c in args {
        match iamsim_engine::parse_context_arg(c) {
            Ok((k, v)) => context.insert(&k, v),
            Err(e) => {
                eprintln!("iamsim: --context: {e}");
                return Err(crate::Status::BadInput);
            }
        }
    }
    Ok(context)
}

/// `--policy-type` for clap: one of the names of [`iamsim_policy::PolicyType`].
pub fn parse_policy_type(s: &str) -> Result<iamsim_policy::PolicyType, String> {
    iamsim_policy::PolicyType::parse(s).ok_or_else(|| {
        let names: Vec<&str> = iamsim_policy::PolicyType::ALL
            .iter()
            .map(|t| t.as_str())
            .collect();
        format!("unknown policy type `{s}` ({})", names.join(", "))
    })
}

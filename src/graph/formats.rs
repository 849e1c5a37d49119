//! The access graph as DOT (Graphviz), Mermaid and JSON. Every name is escaped for its format:
//! names come from policy files, which may come from a pull request.

use super::is_collapsed;
use iamsim_engine::{AccessEdge, AccessGraph, AccessNode, AccessNodeKind, EdgeKind};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Nodes by account (`None`: no account, or one outside the world), in node order.
pub fn by_account(g: &AccessGraph) -> BTreeMap<Option<&str>, Vec<usize>> {
    let mut out: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, n) in g.nodes.iter().enumerate() {
        let modelled = n
            .account
            .as_deref()
            .filter(|a| g.accounts.get(*a).is_some_and(|(_, m)| *m));
        out.entry(modelled).or_default().push(i);
    }
    out
}

/// The account's title: `111111111111 (alias)`.
pub fn account_title(g: &AccessGraph, account: Option<&str>) -> String {
    match account {
        None => "outside the world".into(),
        Some(a) => match g.accounts.get(a).and_then(|(alias, _)| alias.as_deref()) {
            Some(alias) => format!("account {a} ({alias})"),
            None => format!("account {a}"),
        },
    }
}

/// What an edge says in a label: nothing for a usable AssumeRole, else who refuses it.
pub fn edge_label(e: &AccessEdge) -> String {
    match (e.kind, &e.refused_by) {
        (_, Some(by)) => format!("refused: {by}"),
        (EdgeKind::Named, None) => "named by policy".into(),
        (EdgeKind::Access, None) => "allowed".into(),
        (EdgeKind::AssumeRole, None) => String::new(),
    }
}

fn kind_text(n: &AccessNode) -> &'static str {
    if is_collapsed(n) {
        super::COLLAPSED
    } else {
        n.kind.as_str()
    }
}

/// A double-quoted DOT string.
fn dot_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn dot(g: &AccessGraph) -> String {
    let mut out = String::from("digraph access {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for (k, (account, nodes)) in by_account(g).iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{k} {{");
        let _ = writeln!(out, "    label={};", dot_str(&account_title(g, *account)));
        for i in nodes {
            let Some(n) = g.nodes.get(*i) else { continue };
            let shape = match n.kind {
                _ if is_collapsed(n) => "folder",
                AccessNodeKind::User | AccessNodeKind::Root => "ellipse",
                AccessNodeKind::Role => "box",
                AccessNodeKind::Bucket => "cylinder",
                AccessNodeKind::Resource => "component",
                AccessNodeKind::Outside | AccessNodeKind::Anonymous => "octagon",
            };
            let _ = writeln!(
                out,
                "    n{i} [label={}, shape={shape}, tooltip={}];",
                dot_str(&format!("{}\n{}", n.label, kind_text(n))),
                dot_str(&n.id)
            );
        }
        out.push_str("  }\n");
    }
    for e in &g.edges {
        let mut attrs: Vec<String> = Vec::new();
        let label = edge_label(e);
        if !label.is_empty() {
            attrs.push(format!("label={}", dot_str(&label)));
        }
        if !e.usable() {
            attrs.push("style=dashed, color=\"#c0392b\"".into());
        } else if e.kind == EdgeKind::Named {
            attrs.push("style=dotted, color=\"#7f8c8d\"".into());
        }
        if e.highlighted {
            attrs.push("penwidth=3, color=\"#1f6feb\"".into());
        }
        let _ = writeln!(out, "  n{} -> n{} [{}];", e.from, e.to, attrs.join(", "));
    }
    out.push_str("}\n");
    out
}

/// A Mermaid label: in double quotes, with Mermaid's entity codes for what would end it.
fn mermaid_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn mermaid(g: &AccessGraph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (k, (account, nodes)) in by_account(g).iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph a{k}[{}]",
            mermaid_str(&account_title(g, *account))
        );
        for i in nodes {
            let Some(n) = g.nodes.get(*i) else { continue };
            let label = mermaid_str(&format!("{} ({})", n.label, kind_text(n)));
            let shape = match n.kind {
                _ if is_collapsed(n) => format!("[[{label}]]"),
                AccessNodeKind::User | AccessNodeKind::Root => format!("([{label}])"),
                AccessNodeKind::Bucket => format!("[({label})]"),
                AccessNodeKind::Outside | AccessNodeKind::Anonymous => format!("{{{{{label}}}}}"),
                _ => format!("[{label}]"),
            };
            let _ = writeln!(out, "    n{i}{shape}");
        }
        out.push_str("  end\n");
    }
    let mut styles: Vec<String> = Vec::new();
    for (k, e) in g.edges.iter().enumerate() {
        let label = edge_label(e);
        let arrow = if e.highlighted {
            "==>"
        } else if !e.usable() || e.kind == EdgeKind::Named {
            "-.->"
        } else {
            "-->"
        };
        if label.is_empty() {
            let _ = writeln!(out, "  n{} {arrow} n{}", e.from, e.to);
        } else {
            let _ = writeln!(
                out,
                "  n{} {arrow}|{}| n{}",
                e.from,
                mermaid_str(&label),
                e.to
            );
        }
        if !e.usable() {
            styles.push(format!("  linkStyle {k} stroke:#c0392b"));
        } else if e.highlighted {
            styles.push(format!("  linkStyle {k} stroke:#1f6feb"));
        }
    }
    for s in styles {
        out.push_str(&s);
        out.push('\n');
    }
    out
}

/// The graph as one JSON document (also the data of the HTML page).
pub fn json_value(g: &AccessGraph) -> Value {
    let accounts: Vec<Value> = g
        .accounts
        .iter()
        .map(|(id, (alias, modelled))| json!({"id": id, "alias": alias, "in_world": modelled}))
        .collect();
    let nodes: Vec<Value> = g
        .nodes
        .iter()
        .map(|n| {
            json!({
                "id": n.id,
                "kind": kind_text(n),
                "account": n.account,
                "label": n.label,
                "policies": n.policies.iter().map(|p| json!({
                    "role": p.role,
                    "name": p.name,
                    "location": p.location.to_string(),
                    "statements": p.statements.iter().map(|(s, l)| json!({
                        "statement": s, "location": l.to_string(),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let id = |i: usize| g.nodes.get(i).map(|n| n.id.clone());
    let edges: Vec<Value> = g
        .edges
        .iter()
        .map(|e| {
            json!({
                "from": id(e.from),
                "to": id(e.to),
                "kind": e.kind.as_str(),
                "decision": e.decision.map(|d| d.as_str()),
                "usable": e.usable(),
                "refused_by": e.refused_by,
                "highlighted": e.highlighted,
                "statements": e.reasons.iter().map(|r| json!({
                    "policy": r.policy,
                    "role": r.role,
                    "location": r.location.to_string(),
                    "statement": r.statement,
                    "effect": r.effect.map(|e| e.as_str()),
                    "did": r.did(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "request": g.request,
        "accounts": accounts,
        "nodes": nodes,
        "edges": edges,
    })
}

pub fn json(g: &AccessGraph) -> String {
    let mut s = serde_json::to_string_pretty(&json_value(g)).unwrap_or_default();
    s.push('\n');
    s
}

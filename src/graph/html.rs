//! The HTML page: one file with the laid-out graph as inline SVG, the graph's JSON as data, and
//! a small script of our own (page.js) that shows a node's policies, or an edge's statements,
//! with file:line:column when it is clicked. No network, no library: it opens from disk.
//!
//! Everything from the world is escaped: text in SVG and HTML through `xml_escape`, the data
//! block with `<`, `>` and `&` written as JSON escapes so it cannot end the script element.

use super::formats::{account_title, edge_label, json_value};
use super::layout::{Layout, NODE_H, NODE_W};
use crate::render::xml_escape;
use iamsim_engine::{AccessEdge, AccessGraph, AccessNode, AccessNodeKind, EdgeKind};
use std::fmt::Write as _;

const SCRIPT: &str = include_str!("page.js");
const STYLE: &str = include_str!("page.css");

/// How far right of an arc a label may reach.
const LABEL_REACH: f64 = 90.0;

/// At most this many characters of a label fit in a node's box.
const LABEL_CHARS: usize = 26;

fn short(s: &str) -> String {
    if s.chars().count() <= LABEL_CHARS {
        s.to_string()
    } else {
        let head: String = s.chars().take(LABEL_CHARS - 1).collect();
        format!("{head}…")
    }
}

/// The SVG of the graph.
pub fn svg(g: &AccessGraph, l: &Layout) -> String {
    let mut out = String::new();
    // Edges between nodes of one column bulge to the right of it: room for them and their
    // labels.
    let reach = g
        .edges
        .iter()
        .filter_map(|e| Some((l.pos.get(e.from)?, l.pos.get(e.to)?)))
        .filter(|(a, b)| (a.0 - b.0).abs() < 1.0)
        .map(|(a, b)| a.0 + NODE_W + 40.0 + (a.1 - b.1).abs() / 6.0 + LABEL_REACH)
        .fold(l.width, f64::max);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"graph\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" font-family=\"Helvetica, Arial, sans-serif\">",
        w = reach,
        h = l.height
    );
    out.push_str("<defs>");
    for (id, color) in [
        ("ok", "#2d3436"),
        ("refused", "#c0392b"),
        ("named", "#7f8c8d"),
        ("hl", "#1f6feb"),
    ] {
        let _ = write!(
            out,
            "<marker id=\"arrow-{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"11\" markerHeight=\"11\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"{color}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    for b in &l.bands {
        let title = account_title(g, b.account.as_deref());
        let _ = writeln!(
            out,
            "<g class=\"account\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"8\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
            b.x,
            b.y,
            b.w,
            b.h,
            b.x + 10.0,
            b.y + 17.0,
            xml_escape(&title)
        );
    }
    for (k, e) in g.edges.iter().enumerate() {
        edge_svg(&mut out, g, l, k, e);
    }
    for (i, n) in g.nodes.iter().enumerate() {
        node_svg(&mut out, l, i, n);
    }
    out.push_str("</svg>\n");
    out
}

/// Edge `k` as an SVG group: its curve, a wider invisible curve to click, its title and
/// label. Nothing when an end has no position.
fn edge_svg(out: &mut String, g: &AccessGraph, l: &Layout, k: usize, e: &AccessEdge) {
    let (Some(a), Some(b)) = (l.pos.get(e.from), l.pos.get(e.to)) else {
        return;
    };
    let same_col = (a.0 - b.0).abs() < 1.0;
    let (x1, y1, x2, y2) = if b.0 > a.0 + 1.0 {
        (a.0 + NODE_W, a.1 + NODE_H / 2.0, b.0, b.1 + NODE_H / 2.0)
    } else if b.0 + 1.0 < a.0 {
        (a.0, a.1 + NODE_H / 2.0, b.0 + NODE_W, b.1 + NODE_H / 2.0)
    } else {
        // Same column: leave from the right side and come back in an arc.
        (
            a.0 + NODE_W,
            a.1 + NODE_H / 2.0,
            b.0 + NODE_W,
            b.1 + NODE_H / 2.0,
        )
    };
    let d = if same_col {
        let bulge = 40.0 + (y2 - y1).abs() / 6.0;
        format!(
            "M {x1:.1} {y1:.1} C {:.1} {y1:.1}, {:.1} {y2:.1}, {x2:.1} {y2:.1}",
            x1 + bulge,
            x2 + bulge
        )
    } else {
        let mid = (x1 + x2) / 2.0;
        format!("M {x1:.1} {y1:.1} C {mid:.1} {y1:.1}, {mid:.1} {y2:.1}, {x2:.1} {y2:.1}")
    };
    let class = if e.highlighted {
        "hl"
    } else if !e.usable() {
        "refused"
    } else if e.kind == EdgeKind::Named {
        "named"
    } else {
        "ok"
    };
    let label = edge_label(e);
    let _ = write!(
        out,
        "<g class=\"edge {class}\" data-edge=\"{k}\"><path d=\"{d}\" marker-end=\"url(#arrow-{class})\"/><path class=\"hit\" d=\"{d}\"/>"
    );
    let from = g.nodes.get(e.from).map(|n| n.id.as_str()).unwrap_or("");
    let to = g.nodes.get(e.to).map(|n| n.id.as_str()).unwrap_or("");
    let _ = write!(
        out,
        "<title>{}</title>",
        xml_escape(&format!("{from} → {to} ({}) {label}", e.kind.as_str()))
    );
    if !label.is_empty() {
        // Just after the edge leaves its source, above it: edges leaving one node are
        // few, and the text stays clear of the curves converging on the target.
        let (lx, ly, anchor) = if same_col {
            ((x1 + x2) / 2.0 + 40.0, (y1 + y2) / 2.0 - 5.0, "middle")
        } else if x2 > x1 {
            (x1 + 8.0, y1 - 6.0, "start")
        } else {
            (x1 - 8.0, y1 - 6.0, "end")
        };
        let _ = write!(
            out,
            "<text x=\"{lx:.1}\" y=\"{ly:.1}\" text-anchor=\"{anchor}\">{}</text>",
            xml_escape(&short(&label))
        );
    }
    out.push_str("</g>\n");
}

/// Node `i` as an SVG group: a box shaped by its kind, its label and kind.
fn node_svg(out: &mut String, l: &Layout, i: usize, n: &AccessNode) {
    let Some((x, y)) = l.pos.get(i) else { return };
    let kind = if super::is_collapsed(n) {
        super::COLLAPSED
    } else {
        n.kind.as_str()
    };
    let rx = match n.kind {
        AccessNodeKind::User | AccessNodeKind::Root => 19.0,
        AccessNodeKind::Bucket => 12.0,
        _ => 4.0,
    };
    let _ = writeln!(
        out,
        "<g class=\"node {kind}\" data-node=\"{i}\" data-id=\"{id}\" tabindex=\"0\"><title>{id}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"{rx}\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"label\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" class=\"kind\">{kind}</text></g>",
        x + 10.0,
        y + 16.0,
        xml_escape(&short(&n.label)),
        x + 10.0,
        y + 30.0,
        id = xml_escape(&n.id),
    );
}

/// The data block: JSON that cannot close the script element it sits in.
fn data_block(g: &AccessGraph) -> String {
    let text = serde_json::to_string(&json_value(g)).unwrap_or_else(|_| "{}".into());
    text.replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
}

pub fn page(g: &AccessGraph, l: &Layout) -> String {
    let title = match &g.request {
        Some(r) => format!("iamsim access graph: {r}"),
        None => "iamsim access graph".to_string(),
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n<title>{t}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<header><h1>{t}</h1><p class=\"legend\"><span class=\"k ok\">usable AssumeRole</span> <span class=\"k refused\">refused (says which side)</span> <span class=\"k named\">named by a resource policy</span> <span class=\"k hl\">who-can path</span> — click a node or an edge for its policies and statements.</p></header>\n<main>\n<div id=\"canvas\">\n",
        t = xml_escape(&title)
    );
    out.push_str(&svg(g, l));
    let _ = write!(
        out,
        "</div>\n<aside id=\"panel\"><p class=\"hint\">Click a node or an edge.</p></aside>\n</main>\n<script type=\"application/json\" id=\"data\">{}</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        data_block(g)
    );
    out
}

//! A layered layout of the access graph, for the SVG of the HTML page. Columns are ranks —
//! users and outside principals first, then roles by how many AssumeRole steps from a user they
//! are, then buckets and other resources — and accounts are horizontal bands across the
//! columns, so an account's nodes sit in one box and an edge crossing accounts is visible as
//! such. Within a cell, nodes are ordered by the mean position of their neighbours in earlier
//! columns (one barycentre pass), which removes most crossings of chains; a cell holds at most
//! [`ROWS_MAX`] rows and spills into sub-columns.
//!
//! (The layered-layout crates on crates.io draw their own SVG without groups for accounts and
//! without the node ids the page's script needs; this is about 150 lines.)

use super::formats::by_account;
use iamsim_engine::{AccessGraph, AccessNodeKind, EdgeKind};
use std::collections::VecDeque;

pub const NODE_W: f64 = 190.0;
pub const NODE_H: f64 = 38.0;
const ROW_H: f64 = 54.0;
const COL_GAP: f64 = 90.0;
const SUB_GAP: f64 = 20.0;
const BAND_TITLE: f64 = 26.0;
const BAND_PAD: f64 = 14.0;
const BAND_GAP: f64 = 18.0;
const MARGIN: f64 = 20.0;
pub const ROWS_MAX: usize = 10;

pub struct Band {
    pub account: Option<String>,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

pub struct Layout {
    /// Top-left corner of each node's box, by node index.
    pub pos: Vec<(f64, f64)>,
    pub bands: Vec<Band>,
    pub width: f64,
    pub height: f64,
}

/// The rank (column) of every node.
fn ranks(g: &AccessGraph) -> Vec<usize> {
    let n = g.nodes.len();
    let mut rank: Vec<Option<usize>> = vec![None; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &g.edges {
        if e.kind == EdgeKind::AssumeRole {
            if let Some(o) = out.get_mut(e.from) {
                o.push(e.to);
            }
        }
    }
    let mut queue: VecDeque<usize> = VecDeque::new();
    for (i, node) in g.nodes.iter().enumerate() {
        if !matches!(
            node.kind,
            AccessNodeKind::Role | AccessNodeKind::Bucket | AccessNodeKind::Resource
        ) {
            if let Some(r) = rank.get_mut(i) {
                *r = Some(0);
            }
            queue.push_back(i);
        }
    }
    while let Some(i) = queue.pop_front() {
        let d = rank.get(i).copied().flatten().unwrap_or(0);
        for t in out.get(i).into_iter().flatten() {
            if let Some(r @ None) = rank.get_mut(*t) {
                *r = Some(d + 1);
                queue.push_back(*t);
            }
        }
    }
    let principal_max = g
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| !matches!(n.kind, AccessNodeKind::Bucket | AccessNodeKind::Resource))
        .map(|(i, _)| rank.get(i).copied().flatten().unwrap_or(1))
        .max()
        .unwrap_or(0);
    g.nodes
        .iter()
        .enumerate()
        .map(|(i, node)| match node.kind {
            AccessNodeKind::Bucket | AccessNodeKind::Resource if !super::is_collapsed(node) => {
                principal_max + 1
            }
            _ => rank.get(i).copied().flatten().unwrap_or(1),
        })
        .collect()
}

pub fn layout(g: &AccessGraph) -> Layout {
    let rank = ranks(g);
    let columns = rank.iter().copied().max().map_or(0, |m| m + 1);
    let bands_of = by_account(g);
    // Cells: band × column → nodes.
    let mut cells: Vec<Vec<Vec<usize>>> = Vec::new();
    for nodes in bands_of.values() {
        let mut row: Vec<Vec<usize>> = vec![Vec::new(); columns];
        for i in nodes {
            if let Some(c) = rank.get(*i).and_then(|r| row.get_mut(*r)) {
                c.push(*i);
            }
        }
        cells.push(row);
    }
    // Order within cells: column by column, by the mean slot of neighbours placed before.
    let mut slot: Vec<f64> = vec![0.0; g.nodes.len()];
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); g.nodes.len()];
    for e in &g.edges {
        if let Some(v) = neighbours.get_mut(e.to) {
            v.push(e.from);
        }
        if let Some(v) = neighbours.get_mut(e.from) {
            v.push(e.to);
        }
    }
    for c in 0..columns {
        let mut global = 0.0;
        for row in &mut cells {
            let Some(cell) = row.get_mut(c) else { continue };
            let key = |i: &usize| -> f64 {
                let before: Vec<f64> = neighbours
                    .get(*i)
                    .into_iter()
                    .flatten()
                    .filter(|j| rank.get(**j).is_some_and(|r| *r < c))
                    .filter_map(|j| slot.get(*j).copied())
                    .collect();
                if before.is_empty() {
                    f64::MAX
                } else {
                    before.iter().sum::<f64>() / before.len() as f64
                }
            };
            let mut keyed: Vec<(f64, String, usize)> = cell
                .iter()
                .map(|i| {
                    let label = g.nodes.get(*i).map(|n| n.label.clone()).unwrap_or_default();
                    (key(i), label, *i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            *cell = keyed.into_iter().map(|(_, _, i)| i).collect();
            for i in cell.iter() {
                if let Some(s) = slot.get_mut(*i) {
                    *s = global;
                }
                global += 1.0;
            }
        }
    }
    // Sub-columns per column: the most any band needs.
    let subs: Vec<usize> = (0..columns)
        .map(|c| {
            cells
                .iter()
                .map(|row| row.get(c).map_or(0, |cell| cell.len().div_ceil(ROWS_MAX)))
                .max()
                .unwrap_or(1)
                .max(1)
        })
        .collect();
    let mut col_x: Vec<f64> = Vec::with_capacity(columns);
    let mut x = MARGIN + BAND_PAD;
    for s in &subs {
        col_x.push(x);
        x += *s as f64 * (NODE_W + SUB_GAP) - SUB_GAP + COL_GAP;
    }
    let width = (x - COL_GAP + BAND_PAD + MARGIN).max(NODE_W + 2.0 * (MARGIN + BAND_PAD));
    let mut pos = vec![(0.0, 0.0); g.nodes.len()];
    let mut bands = Vec::new();
    let mut y = MARGIN;
    for (account, row) in bands_of.keys().zip(&cells) {
        let rows = row
            .iter()
            .map(|cell| cell.len().min(ROWS_MAX))
            .max()
            .unwrap_or(0)
            .max(1);
        for (c, cell) in row.iter().enumerate() {
            let cx = col_x.get(c).copied().unwrap_or(MARGIN);
            for (k, i) in cell.iter().enumerate() {
                if let Some(p) = pos.get_mut(*i) {
                    *p = (
                        cx + (k / ROWS_MAX) as f64 * (NODE_W + SUB_GAP),
                        y + BAND_TITLE + (k % ROWS_MAX) as f64 * ROW_H,
                    );
                }
            }
        }
        let h = BAND_TITLE + (rows as f64 - 1.0) * ROW_H + NODE_H + BAND_PAD;
        bands.push(Band {
            account: account.map(str::to_string),
            x: MARGIN,
            y,
            w: width - 2.0 * MARGIN,
            h,
        });
        y += h + BAND_GAP;
    }
    let height = y - BAND_GAP + MARGIN;
    Layout {
        pos,
        bands,
        width,
        height: height.max(2.0 * MARGIN),
    }
}

/// The columns the layout gives nodes, by id (for tests).
#[cfg(test)]
pub fn columns(g: &AccessGraph) -> std::collections::BTreeMap<String, usize> {
    g.nodes.iter().map(|n| n.id.clone()).zip(ranks(g)).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use iamsim_engine::{access_graph, GraphQuery, World};

    fn graph(world: &str) -> AccessGraph {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(world);
        access_graph(&World::load(&dir).unwrap(), &GraphQuery::default()).unwrap()
    }

    #[test]
    fn users_then_roles_then_buckets() {
        let g = graph("aws-cli-role-profile");
        let c = columns(&g);
        assert_eq!(c["arn:aws:iam::111111111111:user/accounta-user"], 0);
        assert_eq!(c["arn:aws:iam::222222222222:role/role-in-accountb"], 1);
        assert_eq!(c["arn:aws:s3:::cross-account-bucket"], 2);
    }

    #[test]
    fn boxes_do_not_overlap_and_stay_inside_their_band_and_the_canvas() {
        for w in ["consultant-role", "bucket-policy-user", "switch-role-s3"] {
            let g = graph(w);
            let l = layout(&g);
            for (i, a) in l.pos.iter().enumerate() {
                assert!(a.0 >= 0.0 && a.0 + NODE_W <= l.width, "{w}");
                assert!(a.1 >= 0.0 && a.1 + NODE_H <= l.height, "{w}");
                for b in l.pos.iter().skip(i + 1) {
                    let apart = a.0 + NODE_W <= b.0
                        || b.0 + NODE_W <= a.0
                        || a.1 + NODE_H <= b.1
                        || b.1 + NODE_H <= a.1;
                    assert!(apart, "{w}: {a:?} and {b:?} overlap");
                }
                let account = g.nodes[i].account.clone();
                let band = l
                    .bands
                    .iter()
                    .find(|b| a.1 >= b.y && a.1 + NODE_H <= b.y + b.h)
                    .unwrap();
                let in_world = account
                    .as_ref()
                    .is_some_and(|x| g.accounts.get(x).is_some_and(|(_, m)| *m));
                assert_eq!(band.account.is_some(), in_world, "{w}");
            }
        }
    }
}

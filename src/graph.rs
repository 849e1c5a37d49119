//! `iamsim graph`: the world's access graph as DOT, Mermaid, JSON or one self-contained HTML
//! page (formats.md §10). The engine decides the edges ([`iamsim_engine::access_graph`]); this
//! module cuts the graph to `--max-nodes`, lays it out (`layout`) and writes it (`formats`,
//! `html`).

mod formats;
mod html;
mod layout;

use crate::Status;
use clap::{Args, ValueEnum};
use iamsim_engine::{
    access_graph, who_can, AccessEdge, AccessGraph, AccessNode, AccessNodeKind, GraphQuery,
    WhoCanQuery,
};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Html,
    Json,
}

#[derive(Args)]
pub struct GraphArgs {
    /// The world folder (holding world.json).
    #[arg(long)]
    world: PathBuf,
    #[arg(long, value_enum, default_value = "html")]
    format: GraphFormat,
    /// A user, role, bucket or resource ARN to centre on (repeatable).
    #[arg(long, value_name = "ARN")]
    focus: Vec<String>,
    /// How many edges away from a --focus node to go (default 2).
    #[arg(long, value_name = "N", requires = "focus")]
    depth: Option<usize>,
    /// At most this many nodes; the rest are collapsed into one node per account.
    #[arg(long, value_name = "N", default_value_t = 150)]
    max_nodes: usize,
    /// Highlight the who-can paths of this request (with --resource).
    #[arg(long, value_name = "ACTION", requires = "resource")]
    action: Option<String>,
    /// The resource of the highlighted request (with --action).
    #[arg(long, value_name = "RESOURCE", requires = "action")]
    resource: Option<String>,
}

pub fn run(args: GraphArgs) -> Status {
    let world = match crate::render::load_world(&args.world) {
        Ok(w) => w,
        Err(status) => return status,
    };
    let q = GraphQuery {
        focus: args.focus.clone(),
        depth: args.depth,
    };
    let mut g = match access_graph(&world, &q) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("iamsim: {e}");
            return Status::BadInput;
        }
    };
    if let (Some(action), Some(resource)) = (&args.action, &args.resource) {
        let wq = WhoCanQuery {
            action: action.clone(),
            resource: resource.clone(),
            context: iamsim_policy::Context::new(),
        };
        match who_can(&world, &wq) {
            Ok(w) => g.highlight(&world, &w),
            Err(e) => {
                eprintln!("iamsim: {e}");
                return Status::BadInput;
            }
        }
    }
    if args.max_nodes == 0 {
        eprintln!("iamsim: --max-nodes must be at least 1");
        return Status::BadInput;
    }
    let g = collapse(g, args.max_nodes);
    let out = render(&g, args.format);
    crate::emit(&out);
    Status::Ok
}

/// The graph in one format.
pub fn render(g: &AccessGraph, format: GraphFormat) -> String {
    match format {
        GraphFormat::Dot => formats::dot(g),
        GraphFormat::Mermaid => formats::mermaid(g),
        GraphFormat::Json => formats::json(g),
        GraphFormat::Html => html::page(g, &layout::layout(g)),
    }
}

/// A kind of node that only `collapse` makes: several nodes of one account drawn as one.
pub const COLLAPSED: &str = "collapsed";

/// Keeps at most `max` nodes: those nearest a focus node, then those with the most edges (ties
/// by id); the rest of each account become one node, `collapsed:ACCOUNT`, that takes their
/// edges. Nodes are never dropped without a trace.
fn collapse(mut g: AccessGraph, max: usize) -> AccessGraph {
    if g.nodes.len() <= max {
        return g;
    }
    let mut degree = vec![0usize; g.nodes.len()];
    for e in &g.edges {
        for i in [e.from, e.to] {
            if let Some(d) = degree.get_mut(i) {
                *d += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..g.nodes.len()).collect();
    order.sort_by(|a, b| {
        let key = |i: &usize| {
            let n = g.nodes.get(*i);
            (
                n.and_then(|n| n.distance).unwrap_or(usize::MAX),
                std::cmp::Reverse(degree.get(*i).copied().unwrap_or(0)),
                n.map(|n| n.id.clone()),
            )
        };
        key(a).cmp(&key(b))
    });
    // Room for one collapsed node per account that loses nodes: shrink until it fits.
    let mut keep = max;
    loop {
        let dropped_accounts: std::collections::BTreeSet<Option<&String>> = order
            .iter()
            .skip(keep)
            .filter_map(|i| g.nodes.get(*i))
            .map(|n| n.account.as_ref())
            .collect();
        if keep + dropped_accounts.len() <= max || keep == 0 {
            break;
        }
        keep -= 1;
    }
    let kept: std::collections::HashSet<usize> = order.iter().take(keep).copied().collect();
    let mut new_index: HashMap<usize, usize> = HashMap::new();
    let mut nodes: Vec<AccessNode> = Vec::new();
    let mut groups: BTreeMap<Option<String>, (usize, BTreeMap<&'static str, usize>)> =
        BTreeMap::new();
    let old = std::mem::take(&mut g.nodes);
    for (i, n) in old.iter().enumerate() {
        if kept.contains(&i) {
            new_index.insert(i, nodes.len());
            nodes.push(n.clone());
        }
    }
    for (i, n) in old.iter().enumerate() {
        if kept.contains(&i) {
            continue;
        }
        let entry = groups.entry(n.account.clone()).or_insert_with(|| {
            let at = nodes.len();
            nodes.push(AccessNode {
                id: format!(
                    "{COLLAPSED}:{}",
                    n.account.as_deref().unwrap_or("elsewhere")
                ),
                kind: n.kind,
                account: n.account.clone(),
                label: String::new(),
                policies: Vec::new(),
                distance: None,
            });
            (at, BTreeMap::new())
        });
        *entry.1.entry(n.kind.as_str()).or_insert(0) += 1;
        new_index.insert(i, entry.0);
    }
    for (at, counts) in groups.values() {
        if let Some(n) = nodes.get_mut(*at) {
            let parts: Vec<String> = counts
                .iter()
                .map(|(k, c)| format!("{c} {k}{}", if *c == 1 { "" } else { "s" }))
                .collect();
            n.label = format!("+ {}", parts.join(", "));
            n.kind = AccessNodeKind::Resource;
        }
    }
    let mut seen: HashMap<(usize, usize, &'static str), usize> = HashMap::new();
    let mut edges: Vec<AccessEdge> = Vec::new();
    for mut e in std::mem::take(&mut g.edges) {
        let (Some(from), Some(to)) = (new_index.get(&e.from), new_index.get(&e.to)) else {
            continue;
        };
        if from == to {
            continue;
        }
        e.from = *from;
        e.to = *to;
        let key = (e.from, e.to, e.kind.as_str());
        match seen.get(&key).and_then(|i| edges.get_mut(*i)) {
            // One edge per pair and kind: usable if any of those it stands for is.
            Some(x) => {
                if e.usable() && !x.usable() {
                    *x = e;
                } else {
                    x.highlighted |= e.highlighted;
                }
            }
            None => {
                seen.insert(key, edges.len());
                edges.push(e);
            }
        }
    }
    g.nodes = nodes;
    g.edges = edges;
    g
}

/// Is this node one `collapse` made?
pub fn is_collapsed(n: &AccessNode) -> bool {
    n.id.starts_with(COLLAPSED)
        && n.id
            .get(COLLAPSED.len()..)
            .is_some_and(|r| r.starts_with(':'))
}

//! Fixes for a request that is not allowed (formats.md §10): the smallest edits to the world's
//! policy files after which the same request is allowed.
//!
//! Candidate edits are proposed for the first hop of the answer that is not allowed — the
//! statements that nearly applied get their Resource, Action or Principal corrected; the side
//! of a grant that is missing gets a statement (the caller's identity policy, the role's trust
//! policy, the bucket or resource policy); a Deny that matches may be removed — and then every
//! candidate is CHECKED: the world is loaded again with the edited file texts in place of the
//! files ([`World::load_with_overlay`]) and the same query decided. Only edits after which the
//! decision is `allow` are fixes. When one edit is not enough (both sides of a cross-account
//! grant, or an AssumeRole and then the request as the role), the search goes on from each
//! candidate, up to [`MAX_EDITS`] edits and [`MAX_CHECKS`] decisions.
//!
//! Proposals never widen beyond the request: the texts they write are the request's own action
//! and resource and the caller's own ARN; the one wildcard they write is the object part of an
//! S3 ARN whose bucket the request names (`arn:aws:s3:::bucket/*`), as a correction of a
//! Resource that already meant that bucket's objects. No new `*` action, resource or principal.
//!
//! Only files of the world folder whose text is the parsed document are edited: an AWS managed
//! policy, an inline policy in world.json or a document wrapped as the AWS CLI prints it has no
//! position to edit, and is left alone.

use crate::access::bucket_of;
use crate::chain::{ask, decide, Query};
use crate::explain::{Answer, Decision};
use crate::graph::{action_may_match, identity_policies, resource_may_match};
use crate::request::{Caller, RequestError};
use edits::*;
use iamsim_policy::{ActionKind, Effect, PrincipalKind, RequestResource, ResourceKind, Statement};
use iamsim_world::{LoadedPolicy, World};
use std::collections::{BTreeSet, HashMap};

/// The most edits one fix may hold.
pub const MAX_EDITS: usize = 3;
/// The most decisions one search makes.
pub const MAX_CHECKS: usize = 600;
/// Fixes returned, smallest first.
const MAX_FIXES: usize = 5;

/// One change to one file: the text at `start..end` (bytes of the file) replaced by `with`;
/// an insertion when `start == end`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    /// The file as the world names it (relative to the world folder).
    pub path: String,
    /// The file as diagnostics name it (the world folder joined with `path`).
    pub file: String,
    /// The byte offset where the edit starts in the file as it is.
    pub start: usize,
    /// The byte offset just past the replaced text (`start` for an insertion).
    pub end: usize,
    /// 1-based line and column (in characters) of `start` in the file as it is.
    pub line: u32,
    /// See `line`.
    pub column: u32,
    /// The text replaced; `None` for an insertion.
    pub replace: Option<String>,
    /// The text put in its place.
    pub with: String,
}

/// Edits that together make the request allowed (checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// The edits, applied together (offsets refer to each file as it is).
    pub edits: Vec<Edit>,
    /// What the fix does that a reviewer must weigh (it removes a Deny).
    pub notes: Vec<String>,
}

impl Fix {
    /// Edit distance of the texts changed: how much of the files it touches.
    pub fn size(&self) -> usize {
        self.edits
            .iter()
            .map(|e| match &e.replace {
                Some(old) => iamsim_policy::suggest::edit_distance(old, &e.with),
                None => e.with.chars().count(),
            })
            .sum()
    }
}

/// A proposed edit, with what it does for the notes.
#[derive(Clone, Debug)]
struct Candidate {
    /// One edit, or, for a new policy file, the file and the world.json edit that attaches it.
    edits: Vec<Edit>,
    note: Option<String>,
}

/// The checked fixes for a query whose answer is not `allow`, smallest first (fewest edits,
/// then fewest characters changed). Empty when the answer is `allow`, or when no edit of the
/// world's policy files within the search's bounds makes it so.
pub fn suggest_fixes(world: &World, q: &Query) -> Result<Vec<Fix>, RequestError> {
    let answer = ask(world, q)?;
    if answer.decision.is_allow() {
        return Ok(Vec::new());
    }
    let mut search = Search {
        dir: world.dir().to_path_buf(),
        originals: HashMap::new(),
        checks: 0,
        tried: BTreeSet::new(),
    };
    let mut fixes: Vec<(Fix, usize)> = Vec::new();
    // Each level: partial fixes (not yet allowed) and the answer they give.
    let mut level: Vec<(Vec<Candidate>, Answer)> = vec![(Vec::new(), answer)];
    for _ in 0..MAX_EDITS {
        let mut next: Vec<(Vec<Candidate>, Answer)> = Vec::new();
        for (done, answer) in &level {
            let edited = if done.is_empty() {
                None
            } else {
                match search.load(done) {
                    Some(w) => Some(w),
                    None => continue,
                }
            };
            let (w, overlay) = match &edited {
                Some((w, o)) => (w, o.clone()),
                None => (world, HashMap::new()),
            };
            let texts = Texts {
                dir: world.dir(),
                overlay,
            };
            for c in propose(w, answer, &texts) {
                let Some(c) = search.map_to_disk(done, c) else {
                    continue;
                };
                let mut edits = done.clone();
                edits.push(c);
                let key: BTreeSet<Edit> = edits.iter().flat_map(|c| c.edits.clone()).collect();
                if !search.tried.insert(key) || search.checks >= MAX_CHECKS {
                    continue;
                }
                search.checks += 1;
                let Some((edited, _)) = search.load(&edits) else {
                    continue;
                };
                match decide(&edited, q) {
                    Ok(Decision::Allow) => {
                        let mut fix = Fix {
                            edits: edits.iter().flat_map(|c| c.edits.clone()).collect(),
                            notes: edits.iter().filter_map(|c| c.note.clone()).collect(),
                        };
                        fix.edits.sort();
                        let size = fix.size();
                        fixes.push((fix, size));
                    }
                    Ok(_) => {
                        if let Ok(a) = ask(&edited, q) {
                            next.push((edits, a));
                        }
                    }
                    Err(_) => {}
                }
            }
        }
        if !fixes.is_empty() || next.is_empty() {
            break;
        }
        // Keep the partial fixes that got furthest: more hops allowed first.
        next.sort_by_key(|(edits, a)| {
            (
                std::cmp::Reverse(allowed_hops(a)),
                edits.len(),
                edits
                    .iter()
                    .flat_map(|c| &c.edits)
                    .map(|e| e.with.len())
                    .sum::<usize>(),
            )
        });
        next.truncate(24);
        level = next;
    }
    fixes.sort_by(|a, b| {
        (a.0.edits.len(), a.1, &a.0.edits).cmp(&(b.0.edits.len(), b.1, &b.0.edits))
    });
    // A fix that contains a smaller fix is not smaller.
    let mut out: Vec<Fix> = Vec::new();
    for (f, _) in fixes {
        if out
            .iter()
            .any(|o| o.edits.iter().all(|e| f.edits.contains(e)))
        {
            continue;
        }
        out.push(f);
        if out.len() == MAX_FIXES {
            break;
        }
    }
    Ok(out)
}

/// Why no edit of policy files can make the query's answer `allow`, when the reason is one of
/// AWS's fixed rules or a gap in the world rather than a policy; `None` otherwise.
pub fn no_fix_reason(world: &World, q: &Query) -> Option<String> {
    let answer = ask(world, q).ok()?;
    let hop = answer.path.iter().find(|h| !h.decision.is_allow())?;
    let caller = Caller::parse(world, &hop.principal).ok()?;
    let assume = hop.action.eq_ignore_ascii_case("sts:AssumeRole");
    if assume && matches!(caller, Caller::Root { .. }) {
        return Some("a root user cannot assume a role, whatever the policies say (6.6)".into());
    }
    if let Caller::Federated(f) = &caller {
        return Some(crate::federated_trust::no_fix_reason(f));
    }
    if let Some(b) = bucket_of(&hop.resource) {
        if world.bucket(b).is_none() {
            return Some(format!(
                "bucket `{b}` is not in the world: its owner and bucket policy are unknown, so no edit can prove an Allow (2.10)"
            ));
        }
        return None;
    }
    let owner = hop
        .resource
        .split(':')
        .nth(4)
        .filter(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_digit()));
    let cross = owner.is_some_and(|o| caller.account() != Some(o));
    if cross && !assume && world.resource(&hop.resource).is_none() {
        return Some(format!(
            "`{}` is in another account and the world gives it no resource-based policy: only a principal of its own account (a role there) can be allowed it (5.4)",
            hop.resource
        ));
    }
    None
}

fn allowed_hops(a: &Answer) -> usize {
    a.path.iter().take_while(|h| h.decision.is_allow()).count()
}

/// The text of the world's file `path`, read as the loader reads it (inside the world folder,
/// bounded, regular files only).
fn read_text(world_dir: &std::path::Path, path: &str) -> Result<String, iamsim_policy::Diagnostic> {
    use iamsim_policy::files::{read_kind, FileKind, Folder};
    let kind = if path == "world.json" {
        FileKind::World
    } else {
        FileKind::Policy
    };
    let file = read_kind(&Folder::open(world_dir, None)?, path, kind)?;
    String::from_utf8(file.bytes).map_err(|_| {
        iamsim_policy::Diagnostic::detached(
            iamsim_policy::Code::InvalidValue,
            format!("`{path}` is not UTF-8"),
        )
    })
}

/// The file texts of `edits` applied to the world's files, by path.
pub fn apply_edits(world_dir: &std::path::Path, edits: &[Edit]) -> Option<HashMap<String, String>> {
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut by_file: HashMap<&str, Vec<&Edit>> = HashMap::new();
    for e in edits {
        by_file.entry(e.path.as_str()).or_default().push(e);
    }
    for (path, mut es) in by_file {
        let new_file = es.iter().all(|e| e.start == 0 && e.end == 0);
        let mut text = match read_text(world_dir, path) {
            Ok(t) => t,
            Err(_) if new_file => String::new(),
            Err(_) => return None,
        };
        es.sort_by_key(|e| std::cmp::Reverse((e.start, e.end)));
        let mut limit = usize::MAX;
        for e in es {
            if e.end > limit || e.start > e.end {
                return None;
            }
            if let Some(old) = &e.replace {
                if text.get(e.start..e.end) != Some(old.as_str()) {
                    return None;
                }
            }
            text.replace_range(e.start..e.end, &e.with);
            limit = e.start;
        }
        texts.insert(path.to_string(), text);
    }
    Some(texts)
}

struct Search {
    dir: std::path::PathBuf,
    /// The files as they are on disk, by path.
    originals: HashMap<String, Option<String>>,
    checks: usize,
    tried: BTreeSet<BTreeSet<Edit>>,
}

impl Search {
    fn original(&mut self, path: &str) -> Option<&str> {
        let dir = &self.dir;
        self.originals
            .entry(path.to_string())
            .or_insert_with(|| std::fs::read_to_string(dir.join(path)).ok())
            .as_deref()
    }

    /// The world with the edits applied, and the edited texts.
    fn load(&mut self, edits: &[Candidate]) -> Option<(World, HashMap<String, String>)> {
        let edits: Vec<Edit> = edits.iter().flat_map(|c| c.edits.clone()).collect();
        let overlay = apply_edits(&self.dir, &edits)?;
        let w = World::load_with_overlay(&self.dir, overlay.clone()).ok()?;
        Some((w, overlay))
    }

    /// A candidate proposed on a world with `done` applied, in the coordinates of the files on
    /// disk; `None` when it touches the text an edit already made wrote.
    fn map_to_disk(&mut self, done: &[Candidate], mut c: Candidate) -> Option<Candidate> {
        for e in &mut c.edits {
            *e = self.edit_to_disk(done, e)?;
        }
        Some(c)
    }

    fn edit_to_disk(&mut self, done: &[Candidate], e: &Edit) -> Option<Edit> {
        let (start, end) = (e.start, e.end);
        let mut earlier: Vec<&Edit> = done
            .iter()
            .flat_map(|d| &d.edits)
            .filter(|d| d.path == e.path)
            .collect();
        earlier.sort_by_key(|d| d.start);
        let mut shift: isize = 0;
        for d in earlier {
            let new_start = d.start.checked_add_signed(shift)?;
            let new_end = new_start + d.with.len();
            if end <= new_start {
                break;
            }
            if start < new_end {
                return None;
            }
            shift += d.with.len() as isize - (d.end - d.start) as isize;
        }
        let start = start.checked_add_signed(-shift)?;
        let end = end.checked_add_signed(-shift)?;
        let text = self.original(&e.path).unwrap_or("");
        if let Some(old) = &e.replace {
            if text.get(start..end) != Some(old.as_str()) {
                return None;
            }
        }
        let (line, column) = line_col(text, start)?;
        Some(Edit {
            start,
            end,
            line,
            column,
            ..e.clone()
        })
    }
}

fn line_col(text: &str, offset: usize) -> Option<(u32, u32)> {
    let before = text.get(..offset)?;
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((u32::try_from(line).ok()?, u32::try_from(col).ok()?))
}

/// The texts of the world's files as the world being edited has them.
struct Texts<'a> {
    dir: &'a std::path::Path,
    overlay: HashMap<String, String>,
}

impl Texts<'_> {
    fn get(&self, path: &str) -> Option<String> {
        match self.overlay.get(path) {
            Some(t) => Some(t.clone()),
            None => read_text(self.dir, path).ok(),
        }
    }

    fn exists(&self, path: &str) -> bool {
        self.overlay.contains_key(path) || self.dir.join(path).exists()
    }

    /// A policy the fixes may edit: a file of the world folder whose text is the document
    /// parsed.
    fn editable(&self, p: &LoadedPolicy) -> bool {
        if p.name.starts_with("arn:") || p.name.contains(' ') {
            return false;
        }
        self.get(&p.name)
            .is_some_and(|t| t == p.policy.source.text())
    }
}

/// The request of the refused hop, and the policies a fix may edit.
struct Refused<'w> {
    caller: Caller,
    action: &'w str,
    resource: &'w str,
    is_assume: bool,
    /// The caller's identity policies that are editable files of the world.
    identity: Vec<&'w LoadedPolicy>,
    /// The other side, if editable: the role's trust policy for AssumeRole, else the
    /// bucket's or resource's policy.
    target: Option<&'w LoadedPolicy>,
    /// The caller as a principal ARN a grant may name (a user, or the session's role).
    caller_arn: Option<String>,
}

/// A statement that allows `arn` the request (for AssumeRole, a trust statement).
fn grant_statement(arn: &str, action: &str, resource: &str, is_assume: bool) -> String {
    if is_assume {
        format!(
            "{{\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": {}}}, \"Action\": \"sts:AssumeRole\"}}",
            json_str(arn)
        )
    } else {
        format!(
            "{{\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": {}}}, \"Action\": {}, \"Resource\": {}}}",
            json_str(arn),
            json_str(action),
            json_str(resource)
        )
    }
}

impl Refused<'_> {
    fn resource_pattern(&self) -> RequestResource<'_> {
        if self.resource == "*" {
            RequestResource::Wildcard {
                service: self.action.split(':').next().unwrap_or(""),
            }
        } else {
            RequestResource::Arn(self.resource)
        }
    }

    /// Near misses: Resource and Action in the caller's identity policies; Resource,
    /// Principal and Action in the other side's policy, and the statement it lacks.
    fn near_misses(&self, w: &World, out: &mut Vec<Candidate>) {
        let (action, resource, rr) = (self.action, self.resource, self.resource_pattern());
        for p in &self.identity {
            for s in allows(p) {
                if action_may_match(s, action) {
                    resource_fixes(w, p, s, resource, out);
                }
                if resource_may_match(s, rr) {
                    action_fixes(p, s, action, out);
                }
            }
        }
        let Some(p) = self.target else { return };
        for s in allows(p) {
            if action_may_match(s, action) {
                if !self.is_assume {
                    resource_fixes(w, p, s, resource, out);
                }
                if let Some(arn) = &self.caller_arn {
                    principal_fixes(w, p, s, arn, out);
                }
            }
            if (self.is_assume || resource_may_match(s, rr)) && s.principal.is_some() {
                action_fixes(p, s, action, out);
            }
        }
        if let Some(arn) = &self.caller_arn {
            let stmt = grant_statement(arn, action, resource, self.is_assume);
            out.extend(insert_statement(p, &stmt));
        }
    }

    /// The missing identity statement: into the caller's first policy file, or a new one.
    fn missing_identity(&self, w: &World, texts: &Texts<'_>, out: &mut Vec<Candidate>) {
        let stmt = format!(
            "{{\"Effect\": \"Allow\", \"Action\": {}, \"Resource\": {}}}",
            json_str(self.action),
            json_str(self.resource)
        );
        if let Some(p) = self.identity.first() {
            out.extend(insert_statement(p, &stmt));
            return;
        }
        let caller = &self.caller;
        let owner = match caller {
            Caller::User { .. } => caller.user(w).map(|u| (u.account(), "users", u.name())),
            Caller::Session(_) => caller.role(w).map(|r| (r.account(), "roles", r.name())),
            _ => None,
        };
        if let Some((account, kind, name)) = owner {
            out.extend(new_policy_file(texts, account, kind, name, &stmt));
        }
    }

    /// The missing bucket policy, for a bucket that has none.
    fn missing_bucket_policy(&self, w: &World, texts: &Texts<'_>, out: &mut Vec<Candidate>) {
        if self.is_assume || self.target.is_some() {
            return;
        }
        let bucket = bucket_of(self.resource).and_then(|b| w.bucket(b));
        if let (Some(b), Some(arn)) = (bucket, &self.caller_arn) {
            if b.policy.is_none() {
                let stmt = grant_statement(arn, self.action, self.resource, false);
                out.extend(new_policy_file(
                    texts, &b.account, "buckets", &b.name, &stmt,
                ));
            }
        }
    }

    /// A Deny that matches: its removal, named as such.
    fn deny_removals(
        &self,
        w: &World,
        texts: &Texts<'_>,
        hop: &crate::explain::Hop,
        out: &mut Vec<Candidate>,
    ) {
        for r in &hop.reasons {
            if r.effect != Some(Effect::Deny) || r.outcome != crate::explain::Outcome::Applied {
                continue;
            }
            if let Some((p, s)) = statement_at(w, &self.caller, self.target, &r.location) {
                if p.policy.statements.len() == 1 {
                    // A policy of one Deny statement: detached where world.json lists it.
                    out.extend(detach_policy(texts, p, s, &r.role));
                } else if texts.editable(p) {
                    if let Some(c) = remove_statement(p, s, &r.role) {
                        out.push(c);
                    }
                }
            }
        }
    }
}

/// Candidate edits for the first hop of `answer` that is not allowed.
fn propose(w: &World, answer: &Answer, texts: &Texts<'_>) -> Vec<Candidate> {
    let Some(hop) = answer.path.iter().find(|h| !h.decision.is_allow()) else {
        return Vec::new();
    };
    let Ok(caller) = Caller::parse(w, &hop.principal) else {
        return Vec::new();
    };
    let (action, resource) = (hop.action.as_str(), hop.resource.as_str());
    let is_assume = action.eq_ignore_ascii_case("sts:AssumeRole");
    let target: Option<&LoadedPolicy> = if is_assume {
        w.role_by_arn(resource).map(|r| &*r.trust)
    } else {
        match bucket_of(resource).and_then(|b| w.bucket(b)) {
            Some(b) => b.policy.as_deref(),
            None => w.resource(resource).and_then(|r| r.policy.as_deref()),
        }
    }
    .filter(|p| texts.editable(p));
    let caller_arn = match &caller {
        Caller::User { .. } => caller.user(w).map(|u| u.arn().to_string()),
        Caller::Session(_) => caller.role(w).map(|r| r.arn().to_string()),
        _ => None,
    };
    let refused = Refused {
        identity: identity_policies(w, &caller)
            .into_iter()
            .filter(|p| texts.editable(p))
            .collect(),
        caller,
        action,
        resource,
        is_assume,
        target,
        caller_arn,
    };
    let mut out: Vec<Candidate> = Vec::new();
    refused.near_misses(w, &mut out);
    refused.missing_identity(w, texts, &mut out);
    refused.missing_bucket_policy(w, texts, &mut out);
    refused.deny_removals(w, texts, hop, &mut out);
    out
}

/// world.json as the world being edited has it: its text and its parsed tree.
fn world_json(texts: &Texts<'_>) -> Option<(String, iamsim_policy::json::Json)> {
    use iamsim_policy::json::{self, Limits};
    let world_text = texts.get("world.json")?;
    let src = iamsim_policy::Source::new("world.json", world_text.clone());
    let limits = Limits {
        max_bytes: iamsim_policy::files::FileKind::World.max_len(),
        ..Limits::default()
    };
    let root = json::parse(&src, limits).ok()?;
    Some((world_text, root))
}

/// A new policy file holding `stmt`, and the world.json edit that attaches it to the user,
/// role or bucket `accounts.ACCOUNT.KIND.NAME` (its `policies` list, or a bucket's `policy`).
fn new_policy_file(
    texts: &Texts<'_>,
    account: &str,
    kind: &str,
    name: &str,
    stmt: &str,
) -> Option<Candidate> {
    use iamsim_policy::json::JsonValue;
    let (world_text, root) = world_json(texts)?;
    let entity = root.get("accounts")?.get(account)?.get(kind)?.get(name)?;
    let members = entity.members()?;
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let suffix = if kind == "buckets" {
        "bucket-policy"
    } else {
        "policy"
    };
    let rel = (1..100)
        .map(|k| match k {
            1 => format!("policies/{slug}-{suffix}.json"),
            k => format!("policies/{slug}-{suffix}-{k}.json"),
        })
        .find(|r| !texts.exists(r))?;
    let field = if kind == "buckets" {
        "policy"
    } else {
        "policies"
    };
    let value = if kind == "buckets" {
        json_str(&rel)
    } else {
        format!("[{}]", json_str(&rel))
    };
    let (start, end, with) = match members.iter().find(|m| m.key == field) {
        Some(m) => match &m.value.value {
            JsonValue::Array(items) => match items.last() {
                Some(last) => {
                    let z = last.span.end as usize;
                    (z, z, format!(", {}", json_str(&rel)))
                }
                None => (
                    m.value.span.start as usize,
                    m.value.span.end as usize,
                    value,
                ),
            },
            _ => return None,
        },
        None if members.is_empty() => (
            entity.span.start as usize,
            entity.span.end as usize,
            format!("{{\"{field}\": {value}}}"),
        ),
        None => {
            let at = entity.span.start as usize + 1;
            (at, at, format!("\"{field}\": {value}, "))
        }
    };
    let (line, column) = line_col(&world_text, start)?;
    let attach = Edit {
        path: "world.json".into(),
        file: texts.dir.join("world.json").display().to_string(),
        start,
        end,
        line,
        column,
        replace: (start != end)
            .then(|| world_text.get(start..end).map(str::to_string))
            .flatten(),
        with,
    };
    let doc =
        format!("{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {stmt}\n  ]\n}}\n");
    let file = Edit {
        path: rel.clone(),
        file: texts.dir.join(&rel).display().to_string(),
        start: 0,
        end: 0,
        line: 1,
        column: 1,
        replace: None,
        with: doc,
    };
    Some(Candidate {
        edits: vec![attach, file],
        note: Some(format!("adds the policy file `{rel}`")),
    })
}

/// The statement a reason's location names, among the policies that bear on the caller.
fn statement_at<'w>(
    w: &'w World,
    caller: &Caller,
    target: Option<&'w LoadedPolicy>,
    at: &iamsim_policy::Location,
) -> Option<(&'w LoadedPolicy, &'w Statement)> {
    let mut policies: Vec<&LoadedPolicy> = identity_policies(w, caller);
    policies.extend(target);
    policies.extend(caller.boundary(w).map(|p| &**p));
    if let Some(levels) = caller.account().and_then(|a| w.org_levels(a)) {
        for l in levels {
            policies.extend(l.scps.iter().map(|p| &**p));
            policies.extend(l.rcps.iter().map(|p| &**p));
        }
    }
    for p in policies {
        for s in &p.policy.statements {
            if p.policy.source.location(s.span) == *at {
                return Some((p, s));
            }
        }
    }
    None
}

mod edits;
#[cfg(test)]
mod tests;

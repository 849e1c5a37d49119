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

use crate::chain::{ask, decide, Query};
use crate::explain::{Answer, Decision};
use crate::graph::{action_may_match, identity_policies, resource_may_match};
use crate::request::{Caller, RequestError};
use crate::world::{LoadedPolicy, World};
use iamsim_policy::{ActionKind, Effect, PrincipalKind, RequestResource, ResourceKind, Statement};
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
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (in characters) of `start` in the file as it is.
    pub line: u32,
    pub column: u32,
    /// The text replaced; `None` for an insertion.
    pub replace: Option<String>,
    pub with: String,
}

/// Edits that together make the request allowed (checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
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
    edit: Edit,
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
        dir: world.dir.clone(),
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
            let w = edited.as_ref().unwrap_or(world);
            for c in propose(w, answer) {
                let Some(c) = search.to_original(done, c) else {
                    continue;
                };
                let mut edits = done.clone();
                edits.push(c);
                let key: BTreeSet<Edit> = edits.iter().map(|c| c.edit.clone()).collect();
                if !search.tried.insert(key) || search.checks >= MAX_CHECKS {
                    continue;
                }
                search.checks += 1;
                let Some(edited) = search.load(&edits) else {
                    continue;
                };
                match decide(&edited, q) {
                    Ok(Decision::Allow) => {
                        let mut fix = Fix {
                            edits: edits.iter().map(|c| c.edit.clone()).collect(),
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
                edits.iter().map(|c| c.edit.with.len()).sum::<usize>(),
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

fn allowed_hops(a: &Answer) -> usize {
    a.path.iter().take_while(|h| h.decision.is_allow()).count()
}

/// The file texts of `edits` applied to the world's files, by path.
pub fn apply_edits(world_dir: &std::path::Path, edits: &[Edit]) -> Option<HashMap<String, String>> {
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut by_file: HashMap<&str, Vec<&Edit>> = HashMap::new();
    for e in edits {
        by_file.entry(e.path.as_str()).or_default().push(e);
    }
    for (path, mut es) in by_file {
        let mut text = std::fs::read_to_string(world_dir.join(path)).ok()?;
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

    fn load(&mut self, edits: &[Candidate]) -> Option<World> {
        let edits: Vec<Edit> = edits.iter().map(|c| c.edit.clone()).collect();
        let overlay = apply_edits(&self.dir, &edits)?;
        World::load_with_overlay(&self.dir, overlay).ok()
    }

    /// A candidate proposed on a world with `done` applied, in the coordinates of the file on
    /// disk; `None` when it touches the text an edit already made wrote.
    fn to_original(&mut self, done: &[Candidate], mut c: Candidate) -> Option<Candidate> {
        let (start, end) = (c.edit.start, c.edit.end);
        let mut earlier: Vec<&Edit> = done
            .iter()
            .map(|d| &d.edit)
            .filter(|d| d.path == c.edit.path)
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
        let text = self.original(&c.edit.path)?;
        if let Some(old) = &c.edit.replace {
            if text.get(start..end) != Some(old.as_str()) {
                return None;
            }
        }
        let (line, column) = line_col(text, start)?;
        c.edit.start = start;
        c.edit.end = end;
        c.edit.line = line;
        c.edit.column = column;
        Some(c)
    }
}

fn line_col(text: &str, offset: usize) -> Option<(u32, u32)> {
    let before = text.get(..offset)?;
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((u32::try_from(line).ok()?, u32::try_from(col).ok()?))
}

/// A policy the fixes may edit: a file of the world folder whose text is the document parsed.
fn editable(w: &World, p: &LoadedPolicy) -> bool {
    if p.name.starts_with("arn:") || p.name.contains(' ') {
        return false;
    }
    std::fs::read_to_string(w.dir.join(&p.name)).is_ok_and(|t| t == p.policy.source.text())
}

/// Candidate edits for the first hop of `answer` that is not allowed.
fn propose(w: &World, answer: &Answer) -> Vec<Candidate> {
    let Some(hop) = answer.path.iter().find(|h| !h.decision.is_allow()) else {
        return Vec::new();
    };
    let Ok(caller) = Caller::parse(w, &hop.principal) else {
        return Vec::new();
    };
    let action = hop.action.as_str();
    let resource = hop.resource.as_str();
    let service = action.split(':').next().unwrap_or("");
    let rr = if resource == "*" {
        RequestResource::Wildcard { service }
    } else {
        RequestResource::Arn(resource)
    };
    let mut out: Vec<Candidate> = Vec::new();
    let identity: Vec<&LoadedPolicy> = identity_policies(w, &caller)
        .into_iter()
        .filter(|p| editable(w, p))
        .collect();
    let is_assume = action.eq_ignore_ascii_case("sts:AssumeRole");
    let target: Option<&LoadedPolicy> = if is_assume {
        w.role_by_arn(resource).map(|r| &*r.trust)
    } else {
        match bucket_of(resource).and_then(|b| w.bucket(b)) {
            Some(b) => b.policy.as_deref(),
            None => w.resource(resource).and_then(|r| r.policy.as_deref()),
        }
    }
    .filter(|p| editable(w, p));
    let caller_arn = match &caller {
        Caller::User { .. } => caller.user(w).map(|u| u.arn.clone()),
        Caller::Session(_) => caller.role(w).map(|r| r.arn.clone()),
        _ => None,
    };

    // Near misses in the caller's identity policies: Resource, then Action.
    for p in &identity {
        for s in allows(p) {
            if action_may_match(s, action) {
                resource_fixes(p, s, resource, &mut out);
            }
            if resource_may_match(s, rr) {
                action_fixes(p, s, action, &mut out);
            }
        }
    }
    // The other side: the trust policy or the resource's policy.
    if let Some(p) = target {
        for s in allows(p) {
            if action_may_match(s, action) {
                if !is_assume {
                    resource_fixes(p, s, resource, &mut out);
                }
                if let Some(arn) = &caller_arn {
                    principal_fixes(p, s, arn, &mut out);
                }
            }
            if (is_assume || resource_may_match(s, rr)) && s.principal.is_some() {
                action_fixes(p, s, action, &mut out);
            }
        }
        if let Some(arn) = &caller_arn {
            let stmt = if is_assume {
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
            };
            out.extend(insert_statement(p, &stmt));
        }
    }
    // The missing identity statement.
    if resource != "*" || !is_assume {
        if let Some(p) = identity.first() {
            let stmt = format!(
                "{{\"Effect\": \"Allow\", \"Action\": {}, \"Resource\": {}}}",
                json_str(action),
                json_str(resource)
            );
            out.extend(insert_statement(p, &stmt));
        }
    }
    // A Deny that matches: its removal, named as such.
    for r in &hop.reasons {
        if r.effect != Some(Effect::Deny) || r.outcome != crate::explain::Outcome::Applied {
            continue;
        }
        if let Some((p, s)) = statement_at(w, &caller, target, &r.location) {
            if editable(w, p) {
                if let Some(c) = remove_statement(p, s, &r.role) {
                    out.push(c);
                }
            }
        }
    }
    out
}

fn allows(p: &LoadedPolicy) -> impl Iterator<Item = &Statement> {
    p.policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
}

fn bucket_of(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:aws:s3:::")?;
    let name = rest.split('/').next()?;
    (!name.is_empty()).then_some(name)
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// An edit of policy `p`'s text at `span` (bytes of its source).
fn edit(p: &LoadedPolicy, start: usize, end: usize, with: String) -> Option<Edit> {
    let text = p.policy.source.text();
    let old = text.get(start..end)?;
    let (line, column) = line_col(text, start)?;
    Some(Edit {
        path: p.name.clone(),
        file: p.policy.source.name().to_string(),
        start,
        end,
        line,
        column,
        replace: (start != end).then(|| old.to_string()),
        with,
    })
}

fn push(out: &mut Vec<Candidate>, e: Option<Edit>, note: Option<String>) {
    if let Some(edit) = e {
        if edit.replace.as_deref() != Some(edit.with.as_str()) {
            out.push(Candidate { edit, note });
        }
    }
}

/// The span of a JSON string token, quotes included, from a pattern's span (which may or may
/// not include them).
fn token(text: &str, span: iamsim_policy::Span) -> (usize, usize) {
    let (s, e) = (span.start as usize, span.end as usize);
    let quoted = text.get(s..s + 1) == Some("\"") && e > s + 1 && text.get(e - 1..e) == Some("\"");
    if quoted {
        (s, e)
    } else {
        (s.saturating_sub(1), e + 1)
    }
}

/// Replace each Resource pattern of `s` by the request's resource, and, for an S3 object, by
/// the objects of its bucket.
fn resource_fixes(p: &LoadedPolicy, s: &Statement, resource: &str, out: &mut Vec<Candidate>) {
    let Some(block) = &s.resource else { return };
    if block.kind != ResourceKind::Resource || resource == "*" {
        return;
    }
    let text = p.policy.source.text();
    let mut withs = vec![resource.to_string()];
    if let Some(b) = bucket_of(resource) {
        if resource.len() > "arn:aws:s3:::".len() + b.len() {
            withs.push(format!("arn:aws:s3:::{b}/*"));
        }
    }
    for pat in &block.patterns {
        let (a, z) = token(text, pat.span);
        for w in &withs {
            push(out, edit(p, a, z, json_str(w)), None);
        }
    }
}

/// Replace each Action pattern of the same service by the request's action; add it to the list.
fn action_fixes(p: &LoadedPolicy, s: &Statement, action: &str, out: &mut Vec<Candidate>) {
    if s.action.kind != ActionKind::Action {
        return;
    }
    let text = p.policy.source.text();
    let service = action.split(':').next().unwrap_or("").to_ascii_lowercase();
    for pat in &s.action.patterns {
        let same_service = pat
            .text
            .split(':')
            .next()
            .is_some_and(|x| x.eq_ignore_ascii_case(&service));
        let (a, z) = token(text, pat.span);
        if same_service {
            push(out, edit(p, a, z, json_str(action)), None);
        }
    }
    if let Some(last) = s.action.patterns.last() {
        let (a, z) = token(text, last.span);
        push(out, add_to_list(p, a, z, action), None);
    }
}

/// Replace each AWS principal entry by the caller; add the caller beside it.
fn principal_fixes(p: &LoadedPolicy, s: &Statement, arn: &str, out: &mut Vec<Candidate>) {
    let Some(block) = &s.principal else { return };
    if block.kind != PrincipalKind::Principal {
        return;
    }
    let text = p.policy.source.text();
    for e in &block.entries {
        if !matches!(e.value, iamsim_policy::PrincipalValue::Aws(_)) || e.text == "*" {
            continue;
        }
        let (a, z) = token(text, e.span);
        push(out, edit(p, a, z, json_str(arn)), None);
        push(out, add_to_list(p, a, z, arn), None);
    }
}

/// Adds `value` beside the string token at `a..z`: after it in its array, or, when it stands
/// alone, the two as an array.
fn add_to_list(p: &LoadedPolicy, a: usize, z: usize, value: &str) -> Option<Edit> {
    let text = p.policy.source.text();
    let before = text.get(..a)?.trim_end().chars().last();
    let old = text.get(a..z)?;
    if matches!(before, Some('[' | ',')) {
        edit(p, z, z, format!(", {}", json_str(value)))
    } else {
        edit(p, a, z, format!("[{old}, {}]", json_str(value)))
    }
}

/// Inserts a statement after the last one of `p`'s Statement array.
fn insert_statement(p: &LoadedPolicy, stmt: &str) -> Option<Candidate> {
    let text = p.policy.source.text();
    let last = p.policy.statements.last()?;
    let end = last.span.end as usize;
    // Only into an array: the next character after the statement closes it or lists another.
    let after = text.get(end..)?.trim_start().chars().next();
    if !matches!(after, Some(']' | ',')) {
        return None;
    }
    let line_start = text
        .get(..last.span.start as usize)?
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent: String = text
        .get(line_start..last.span.start as usize)?
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let sep = if indent.is_empty() {
        ", ".to_string()
    } else {
        format!(",\n{indent}")
    };
    Some(Candidate {
        edit: edit(p, end, end, format!("{sep}{stmt}"))?,
        note: None,
    })
}

/// Removes statement `s` (and the comma that separates it) from `p`.
fn remove_statement(p: &LoadedPolicy, s: &Statement, role: &str) -> Option<Candidate> {
    let text = p.policy.source.text();
    let (a, z) = (s.span.start as usize, s.span.end as usize);
    let after = text.get(z..)?;
    let before = text.get(..a)?;
    let (a, z) = if after.trim_start().starts_with(',') {
        let comma = z + after.find(',')?;
        let next = text.get(comma + 1..)?;
        let ws = next.len() - next.trim_start().len();
        (a, comma + 1 + ws)
    } else if before.trim_end().ends_with(',') {
        (before.trim_end().len() - 1, z)
    } else {
        (a, z)
    };
    let label = match &s.sid {
        Some(sid) => format!("statement `{}`", sid.value),
        None => format!("statement {}", s.index),
    };
    Some(Candidate {
        edit: edit(p, a, z, String::new())?,
        note: Some(format!(
            "removes the Deny {label} of {} ({role}): review what else it denies",
            p.policy.source.location(s.span)
        )),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_col("{\n  \"é\": \"x\"", 9), Some((2, 8)));
        assert_eq!(line_col("abc", 0), Some((1, 1)));
    }
}

//! The edits a fix is made of: corrections of a near-miss Resource, Action or Principal, a
//! statement added, a Deny removed, a policy detached. Each names the exact bytes it replaces
//! in a policy file; whether it helps is checked by deciding the request again (the parent
//! module).

use super::*;

pub(super) fn allows(p: &LoadedPolicy) -> impl Iterator<Item = &Statement> {
    p.policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
}

pub(super) fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// An edit of policy `p`'s text at `span` (bytes of its source).
pub(super) fn edit(p: &LoadedPolicy, start: usize, end: usize, with: String) -> Option<Edit> {
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

pub(super) fn push(out: &mut Vec<Candidate>, e: Option<Edit>, note: Option<String>) {
    if let Some(edit) = e {
        if edit.replace.as_deref() != Some(edit.with.as_str()) {
            out.push(Candidate {
                edits: vec![edit],
                note,
            });
        }
    }
}

/// The span of a JSON string token, quotes included, from a pattern's span (which may or may
/// not include them).
pub(super) fn token(text: &str, span: iamsim_policy::Span) -> (usize, usize) {
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
pub(super) fn resource_fixes(
    world: &World,
    p: &LoadedPolicy,
    s: &Statement,
    resource: &str,
    out: &mut Vec<Candidate>,
) {
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
        // Replacing a pattern that covers something real takes that away: say so.
        let real = match bucket_of(&pat.text) {
            Some(b) => !b.contains(['*', '?', '$']) && world.bucket(b).is_some(),
            None => true,
        };
        let note = real.then(|| {
            format!(
                "statement at {} no longer covers `{}`",
                p.policy.source.location(s.span),
                pat.text
            )
        });
        for w in &withs {
            push(out, edit(p, a, z, json_str(w)), note.clone());
        }
    }
    if let Some(last) = block.patterns.last() {
        let (a, z) = token(text, last.span);
        push(out, add_to_list(p, a, z, resource), None);
    }
}

/// Replace each Action pattern of the same service by the request's action; add it to the list.
pub(super) fn action_fixes(
    p: &LoadedPolicy,
    s: &Statement,
    action: &str,
    out: &mut Vec<Candidate>,
) {
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
        // Only a misspelt action is replaced; any other is kept and the action added.
        let near = iamsim_policy::suggest::edit_distance(
            &pat.text.to_ascii_lowercase(),
            &action.to_ascii_lowercase(),
        ) <= 3;
        if same_service && near {
            push(out, edit(p, a, z, json_str(action)), None);
        }
    }
    if let Some(last) = s.action.patterns.last() {
        let (a, z) = token(text, last.span);
        push(out, add_to_list(p, a, z, action), None);
    }
}

/// Replace each AWS principal entry by the caller; add the caller beside it.
pub(super) fn principal_fixes(
    world: &World,
    p: &LoadedPolicy,
    s: &Statement,
    arn: &str,
    out: &mut Vec<Candidate>,
) {
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
        // An entry naming a principal or account of the world is kept; one naming nothing
        // the world has (a misspelt name) is replaced.
        let names_something = world.user_by_arn(&e.text).is_some()
            || world.role_by_arn(&e.text).is_some()
            || e.text
                .strip_prefix("arn:aws:iam::")
                .and_then(|r| r.strip_suffix(":root"))
                .or_else(|| {
                    e.text
                        .chars()
                        .all(|c| c.is_ascii_digit())
                        .then_some(e.text.as_str())
                })
                .is_some_and(|acct| world.accounts().contains_key(acct));
        if !names_something {
            push(out, edit(p, a, z, json_str(arn)), None);
        }
        push(out, add_to_list(p, a, z, arn), None);
    }
}

/// Adds `value` beside the string token at `a..z`: after it in its array, or, when it stands
/// alone, the two as an array.
pub(super) fn add_to_list(p: &LoadedPolicy, a: usize, z: usize, value: &str) -> Option<Edit> {
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
pub(super) fn insert_statement(p: &LoadedPolicy, stmt: &str) -> Option<Candidate> {
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
        edits: vec![edit(p, end, end, format!("{sep}{stmt}"))?],
        note: None,
    })
}

/// Removes statement `s` (and the comma that separates it) from `p`.
pub(super) fn remove_statement(p: &LoadedPolicy, s: &Statement, role: &str) -> Option<Candidate> {
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
        edits: vec![edit(p, a, z, String::new())?],
        note: Some(format!(
            "removes the Deny {label} of {} ({role}): review what else it denies",
            p.policy.source.location(s.span)
        )),
    })
}

/// Removes the one place world.json lists policy `p` in an array (a `policies`, `scps` or
/// `rcps` list); `None` when it is listed elsewhere or more than once.
pub(super) fn detach_policy(
    texts: &Texts<'_>,
    p: &LoadedPolicy,
    s: &Statement,
    role: &str,
) -> Option<Candidate> {
    use iamsim_policy::json::{Json, JsonValue};
    let (world_text, root) = world_json(texts)?;
    // Every array item naming the policy, with its neighbours' spans.
    fn walk<'j>(j: &'j Json, name: &str, out: &mut Vec<(&'j [Json], usize)>, elsewhere: &mut bool) {
        match &j.value {
            JsonValue::Array(items) => {
                for (i, it) in items.iter().enumerate() {
                    if it.as_str() == Some(name) {
                        out.push((items.as_slice(), i));
                    } else {
                        walk(it, name, out, elsewhere);
                    }
                }
            }
            JsonValue::Object(members) => {
                for m in members {
                    if m.value.as_str() == Some(name) {
                        *elsewhere = true;
                    }
                    walk(&m.value, name, out, elsewhere);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    let mut elsewhere = false;
    walk(&root, &p.name, &mut found, &mut elsewhere);
    let [(items, i)] = found.as_slice() else {
        return None;
    };
    if elsewhere {
        return None;
    }
    let item = items.get(*i)?;
    let (start, end) = match (
        i.checked_sub(1).and_then(|k| items.get(k)),
        items.get(i + 1),
    ) {
        (_, Some(next)) => (item.span.start as usize, next.span.start as usize),
        (Some(prev), None) => (prev.span.end as usize, item.span.end as usize),
        (None, None) => (item.span.start as usize, item.span.end as usize),
    };
    let (line, column) = line_col(&world_text, start)?;
    let label = match &s.sid {
        Some(sid) => format!("statement `{}`", sid.value),
        None => format!("statement {}", s.index),
    };
    Some(Candidate {
        edits: vec![Edit {
            path: "world.json".into(),
            file: texts.dir.join("world.json").display().to_string(),
            start,
            end,
            line,
            column,
            replace: Some(world_text.get(start..end)?.to_string()),
            with: String::new(),
        }],
        note: Some(format!(
            "detaches `{}` ({role}), whose only statement is the Deny {label}: review what else it denies",
            p.name
        )),
    })
}

//! The entities of Terraform and CloudFormation files as one account of a world: the members of
//! an account object of `world.json` (`users`, `groups`, `roles`, `policies`, `buckets`,
//! `resources`). One builder for `import --from` (which writes each policy to a file) and for
//! `"iac"` in world.json (which keeps them in memory).
//!
//! Nothing the world needs is guessed: an entity whose name the files leave open, a policy
//! attached by an ARN they leave open, a link to an entity they do not declare, and a name
//! declared twice are problems, and no account is built. A policy *document* with values left
//! open is kept: its placeholders make the statements that hold them undecidable (the engine
//! answers `indeterminate`, never `allow`).

use crate::entities::{Attached, EntityKind, LinkKind, Name, Origin, Principal, RunsWith};
use crate::{Policy, PolicyKind, Problem, Read};
use iamsim_policy::Code;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// An account built from the files.
#[derive(Debug, Default)]
pub struct Built {
    /// The account's members, as world.json writes them.
    pub account: Map<String, Value>,
    /// What was left out and why (a resource whose ARN the files leave open and whose policy
    /// denies nothing).
    pub notes: Vec<String>,
    /// Group memberships of the files whose user the account declares besides them
    /// ([`Beside::users`]): (user, group), for the loader to add to that user.
    pub joins: Vec<(String, String)>,
    /// Policies the files give to users, groups and roles the account declares besides them:
    /// `{"users"|"groups"|"roles": {NAME: [PolicyRef, ...]}}`, for the loader to add.
    pub given: Map<String, Value>,
}

/// What an account declares besides the files (world.json's own users and groups): links of
/// the files may name them.
#[derive(Clone, Debug, Default)]
pub struct Beside {
    /// Group names: a membership of the files may name one.
    pub groups: BTreeSet<String>,
    /// User names: a membership of the files may put one in a group, and a policy of the
    /// files may be given to one.
    pub users: BTreeSet<String>,
    /// Role names: a policy of the files may be given to one.
    pub roles: BTreeSet<String>,
}

/// How a policy document (as [`crate::world_document`] gives it) becomes a PolicyRef: the path
/// of a file written for it, or the document itself.
pub type DocRef<'a> = dyn FnMut(&Policy, Value) -> Result<Value, Problem> + 'a;

fn problem(o: &Origin, message: String) -> Problem {
    Problem {
        file: o.file.clone(),
        code: Code::UnknownReference,
        at: o.at,
        message,
    }
}

/// A principal's world.json object, with where it is declared, by kind (`users`, ...) and name.
type Principals = BTreeMap<(&'static str, String), (Map<String, Value>, Origin)>;

struct Builder<'a, 'r> {
    account: &'a str,
    /// What the account declares besides the files (world.json's own).
    beside: &'a Beside,
    joins: Vec<(String, String)>,
    given: Map<String, Value>,
    doc: &'a mut DocRef<'r>,
    problems: Vec<Problem>,
    /// Principals by kind and name: their world.json object and where they are declared.
    principals: Principals,
    managed: BTreeMap<String, (Value, Origin)>,
    buckets: BTreeMap<String, (Option<Value>, Origin)>,
    resources: BTreeMap<String, (Value, Origin)>,
    notes: Vec<String>,
    instance_profiles: BTreeMap<String, (Value, Origin)>,
    compute: BTreeMap<String, (Value, Origin)>,
}

fn kind_key(k: EntityKind) -> &'static str {
    match k {
        EntityKind::User => "users",
        EntityKind::Group => "groups",
        EntityKind::Role => "roles",
    }
}

impl Builder<'_, '_> {
    fn known(&mut self, n: &Name, o: &Origin, what: &str) -> Option<String> {
        match n {
            Name::Known(s) => Some(s.clone()),
            Name::Unknown(r) => {
                self.problems.push(problem(
                    o,
                    format!("the {what} of `{}` is `{r}`, which the files leave open; a world needs it (give it a value the files determine)", o.address),
                ));
                None
            }
        }
    }

    /// A PolicyRef for an attached policy.
    fn attached(&mut self, read: &Read, a: &Attached, o: &Origin) -> Option<Value> {
        match a {
            Attached::Document(i) => {
                let p = read.policies.get(*i)?;
                let v = match crate::world_document(p) {
                    Ok(v) => v,
                    Err(e) => {
                        self.problems.push(Problem {
                            file: p.file.clone(),
                            code: Code::JsonSyntax,
                            at: p.at,
                            message: format!("the policy of `{}` is not JSON: {e}", p.address),
                        });
                        return None;
                    }
                };
                match (self.doc)(p, v) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        self.problems.push(e);
                        None
                    }
                }
            }
            Attached::Arn(arn) => {
                let own = format!("arn:aws:iam::{}:policy/", self.account);
                if arn.starts_with("arn:aws:iam::aws:policy/") || arn.starts_with(&own) {
                    Some(Value::from(arn.as_str()))
                } else {
                    self.problems.push(problem(
                        o,
                        format!("`{}` attaches `{arn}`, which is not an AWS managed policy nor a policy of account {}", o.address, self.account),
                    ));
                    None
                }
            }
            Attached::Managed(i) => {
                let m = read.entities.managed.get(*i)?;
                let name = self.known(&m.name.clone(), &m.origin.clone(), "name")?;
                Some(Value::from(format!(
                    "arn:aws:iam::{}:policy/{name}",
                    self.account
                )))
            }
            Attached::Unknown(r) => {
                self.problems.push(problem(
                    o,
                    format!("`{}` attaches a policy by `{r}`, which the files leave open; a world cannot leave out a policy that may deny", o.address),
                ));
                None
            }
        }
    }

    fn principal(&mut self, read: &Read, p: &Principal) {
        let Some(name) = self.known(&p.name, &p.origin, "name") else {
            return;
        };
        let mut m = Map::new();
        if let Some(path) = self.known(&p.path, &p.origin, "path") {
            if path != "/" {
                m.insert("path".into(), Value::from(path));
            }
        }
        let policies: Vec<Value> = p
            .policies
            .iter()
            .filter_map(|a| self.attached(read, a, &p.origin))
            .collect();
        if !policies.is_empty() {
            m.insert("policies".into(), Value::from(policies));
        }
        if let Some(t) = &p.trust {
            if let Some(v) = self.attached(read, t, &p.origin) {
                m.insert("trust".into(), v);
            }
        }
        if let Some(b) = &p.boundary {
            if let Some(v) = self.attached(read, b, &p.origin) {
                m.insert("boundary".into(), v);
            }
        }
        let groups: Vec<Value> = p
            .groups
            .iter()
            .filter_map(|g| self.known(g, &p.origin, "group").map(Value::from))
            .collect();
        if !groups.is_empty() {
            m.insert("groups".into(), Value::from(groups));
        }
        let key = (kind_key(p.kind), name.clone());
        if let Some(first) = self.principals.get(&key).map(|(_, o)| o.clone()) {
            self.twice(&format!("{} `{name}`", p.kind.as_str()), &first, &p.origin);
            return;
        }
        self.principals.insert(key, (m, p.origin.clone()));
    }

    /// Appends to a list member of a principal.
    fn push(&mut self, kind: EntityKind, name: &str, member: &str, v: Value, o: &Origin) {
        let key = (kind_key(kind), name.to_string());
        let beside = match kind {
            EntityKind::User => &self.beside.users,
            EntityKind::Group => &self.beside.groups,
            EntityKind::Role => &self.beside.roles,
        };
        // A policy of the files for a user, group or role of world.json: the loader adds it.
        if member == "policies" && !self.principals.contains_key(&key) && beside.contains(name) {
            if let Some(list) = self
                .given
                .entry(kind_key(kind))
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .and_then(|m| {
                    m.entry(name)
                        .or_insert_with(|| Value::Array(Vec::new()))
                        .as_array_mut()
                })
            {
                if !list.contains(&v) {
                    list.push(v);
                }
            }
            return;
        }
        match self.principals.get_mut(&key) {
            Some((m, _)) => {
                if let Some(list) = m
                    .entry(member)
                    .or_insert_with(|| Value::Array(Vec::new()))
                    .as_array_mut()
                {
                    if !list.contains(&v) {
                        list.push(v);
                    }
                }
            }
            None => self.problems.push(problem(
                o,
                format!(
                    "`{}` names {} `{name}`, which the files do not declare",
                    o.address,
                    kind.as_str()
                ),
            )),
        }
    }

    fn read(&mut self, read: &Read) {
        for (o, reference) in &read.entities.open {
            self.problems.push(problem(
                o,
                format!("whether `{}` is created depends on `{reference}`, which the files leave open; a world cannot hold what may not exist", o.address),
            ));
        }
        for p in &read.entities.principals {
            self.principal(read, p);
        }
        for m in &read.entities.managed {
            let Some(name) = self.known(&m.name, &m.origin, "name") else {
                continue;
            };
            let Some(doc) = m
                .document
                .and_then(|i| self.attached(read, &Attached::Document(i), &m.origin))
            else {
                self.problems.push(problem(
                    &m.origin,
                    format!("the policy `{name}` has no document the files determine"),
                ));
                continue;
            };
            if let Some(first) = self.managed.get(&name).map(|(_, o)| o.clone()) {
                self.twice(&format!("policy `{name}`"), &first, &m.origin);
                continue;
            }
            self.managed.insert(name, (doc, m.origin.clone()));
        }
        for r in &read.entities.resources {
            self.resource(read, r);
        }
    }

    fn links(&mut self, read: &Read) {
        for l in &read.entities.links {
            match &l.kind {
                LinkKind::Policy { to, name, policy } => {
                    let Some(name) = self.known(name, &l.origin, &format!("{} name", to.as_str()))
                    else {
                        continue;
                    };
                    if let Some(v) = self.attached(read, policy, &l.origin) {
                        self.push(*to, &name, "policies", v, &l.origin);
                    }
                }
                LinkKind::Member { user, group } => {
                    let (Some(user), Some(group)) = (
                        self.known(user, &l.origin, "user name"),
                        self.known(group, &l.origin, "group name"),
                    ) else {
                        continue;
                    };
                    if !self.principals.contains_key(&("groups", group.to_string()))
                        && !self.beside.groups.contains(&group)
                    {
                        self.problems.push(problem(
                            &l.origin,
                            format!(
                                "`{}` names group `{group}`, which the files do not declare",
                                l.origin.address
                            ),
                        ));
                        continue;
                    }
                    // A user of world.json joins on loading.
                    if !self.principals.contains_key(&("users", user.clone()))
                        && self.beside.users.contains(&user)
                    {
                        if !self.joins.contains(&(user.clone(), group.clone())) {
                            self.joins.push((user, group));
                        }
                        continue;
                    }
                    self.push(
                        EntityKind::User,
                        &user,
                        "groups",
                        Value::from(group),
                        &l.origin,
                    );
                }
            }
        }
    }

    /// `what` declared a second time at `at`: a problem naming the first.
    fn twice(&mut self, what: &str, first: &Origin, at: &Origin) {
        let message = format!(
            "{what} is declared twice (also by `{}` in {})",
            first.address, first.file
        );
        self.problems.push(conflict(at, message));
    }

    /// A name the files leave open, said as left out (a path through it is not seen).
    fn left_open(&mut self, n: &Name, o: &Origin, what: &str) -> Option<String> {
        match n {
            Name::Known(s) => Some(s.clone()),
            Name::Unknown(r) => {
                self.notes.push(format!(
                    "{}: the {what} of `{}` is `{r}`, which the files leave open: it is left out of the world",
                    o.file, o.address
                ));
                None
            }
        }
    }

    /// A role's name from its name or ARN (in this account).
    fn role_name(&mut self, n: &Name, o: &Origin) -> Option<String> {
        let given = self.left_open(n, o, "role")?;
        if !given.starts_with("arn:") {
            return Some(given);
        }
        let own = format!("arn:aws:iam::{}:role/", self.account);
        match given.strip_prefix(&own) {
            Some(rest) => rest.rsplit('/').next().map(str::to_string),
            None => {
                self.notes.push(format!(
                    "{}: `{}` runs with role `{given}`, which is not a role of account {}: it is left out of the world",
                    o.file, o.address, self.account
                ));
                None
            }
        }
    }

    /// Instance profiles and the compute that runs with a role or profile.
    fn escalation(&mut self, read: &Read) {
        for p in &read.entities.instance_profiles {
            let Some(name) = self.left_open(&p.name, &p.origin, "name") else {
                continue;
            };
            let roles: Vec<Value> = p
                .roles
                .iter()
                .filter_map(|r| self.role_name(r, &p.origin).map(Value::from))
                .collect();
            if let Some(first) = self.instance_profiles.get(&name).map(|(_, o)| o.clone()) {
                self.twice(&format!("instance profile `{name}`"), &first, &p.origin);
                continue;
            }
            let v = serde_json::json!({ "roles": roles });
            self.instance_profiles.insert(name, (v, p.origin.clone()));
        }
        for c in &read.entities.compute {
            let runs = match &c.runs {
                RunsWith::Role(r) => self
                    .role_name(r, &c.origin)
                    .map(|r| serde_json::json!({ "role": r })),
                RunsWith::InstanceProfile(p) => self
                    .left_open(p, &c.origin, "instance profile")
                    .map(|p| serde_json::json!({ "instance_profile": p })),
            };
            let (Some(runs), Some(arn)) = (runs, self.left_open(&c.arn, &c.origin, "ARN")) else {
                continue;
            };
            self.compute.insert(arn, (runs, c.origin.clone()));
        }
    }

    fn resource(&mut self, read: &Read, r: &crate::entities::ResourceEntity) {
        let doc = r.policy.and_then(|i| read.policies.get(i));
        let name = match &r.name {
            Name::Known(n) => n.clone(),
            Name::Unknown(u) => {
                // Left out only when its policy cannot deny: leaving out an Allow can only
                // refuse what AWS might allow, never allow what it refuses.
                match doc {
                    Some(p) if may_deny(&p.document) => self.problems.push(problem(
                        &r.origin,
                        format!("the {} policy of `{}` may deny, and the resource it belongs to is `{u}`, which the files leave open", r.kind.as_str(), r.origin.address),
                    )),
                    Some(_) => self.notes.push(format!(
                        "{}: the {} policy of `{}` is left out: its resource is `{u}`, which the files leave open (it denies nothing, so leaving it out allows nothing more)",
                        r.origin.file, r.kind.as_str(), r.origin.address
                    )),
                    None => {}
                }
                return;
            }
        };
        let policy = doc.and_then(|_| {
            r.policy
                .and_then(|i| self.attached(read, &Attached::Document(i), &r.origin))
        });
        if r.kind == PolicyKind::Bucket {
            let entry = self
                .buckets
                .entry(name.clone())
                .or_insert((None, r.origin.clone()));
            match (&entry.0, policy) {
                (Some(_), Some(_)) => {
                    let message = format!(
                        "bucket `{name}` has a second bucket policy (also `{}` in {})",
                        entry.1.address, entry.1.file
                    );
                    self.problems.push(conflict(&r.origin, message));
                }
                (None, Some(p)) => entry.0 = Some(p),
                _ => {}
            }
            return;
        }
        let Some(policy) = policy else {
            return;
        };
        if let Some((_, first)) = self.resources.get(&name) {
            let message = format!(
                "resource `{name}` has a second policy (also `{}` in {})",
                first.address, first.file
            );
            self.problems.push(conflict(&r.origin, message));
            return;
        }
        self.resources.insert(name, (policy, r.origin.clone()));
    }

    fn finish(self) -> Result<Built, Vec<Problem>> {
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        let mut account = Map::new();
        let mut by_kind: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
        for ((kind, name), (m, _)) in self.principals {
            by_kind
                .entry(kind)
                .or_default()
                .insert(name, Value::Object(m));
        }
        for (kind, m) in by_kind {
            account.insert(kind.into(), Value::Object(m));
        }
        let section = |m: Map<String, Value>, account: &mut Map<String, Value>, key: &str| {
            if !m.is_empty() {
                account.insert(key.into(), Value::Object(m));
            }
        };
        section(
            self.managed.into_iter().map(|(k, (v, _))| (k, v)).collect(),
            &mut account,
            "policies",
        );
        section(
            self.buckets
                .into_iter()
                .map(|(k, (p, _))| {
                    let mut b = Map::new();
                    if let Some(p) = p {
                        b.insert("policy".into(), p);
                    }
                    (k, Value::Object(b))
                })
                .collect(),
            &mut account,
            "buckets",
        );
        section(
            self.resources
                .into_iter()
                .map(|(k, (p, _))| {
                    let mut r = Map::new();
                    r.insert("policy".into(), p);
                    (k, Value::Object(r))
                })
                .collect(),
            &mut account,
            "resources",
        );
        section(
            self.instance_profiles
                .into_iter()
                .map(|(k, (v, _))| (k, v))
                .collect(),
            &mut account,
            "instance_profiles",
        );
        section(
            self.compute.into_iter().map(|(k, (v, _))| (k, v)).collect(),
            &mut account,
            "compute",
        );
        Ok(Built {
            account,
            notes: self.notes,
            joins: self.joins,
            given: self.given,
        })
    }
}

fn conflict(o: &Origin, message: String) -> Problem {
    Problem {
        file: o.file.clone(),
        code: Code::InvalidValue,
        at: o.at,
        message,
    }
}

/// The entities of `reads` (read with `account` as the account id) as one account of a world.
pub fn build_account(
    reads: &[Read],
    account: &str,
    doc: &mut DocRef<'_>,
) -> Result<Built, Vec<Problem>> {
    build_account_beside(reads, account, &Beside::default(), doc)
}

/// [`build_account`] for an account that also declares users and groups itself (world.json's
/// own, beside its `iac`): a group membership of the files may name a group of them, or put a
/// user of them in a group ([`Built::joins`]).
pub fn build_account_beside(
    reads: &[Read],
    account: &str,
    beside: &Beside,
    doc: &mut DocRef<'_>,
) -> Result<Built, Vec<Problem>> {
    let mut b = Builder {
        account,
        beside,
        joins: Vec::new(),
        given: Map::new(),
        doc,
        problems: Vec::new(),
        principals: BTreeMap::new(),
        managed: BTreeMap::new(),
        buckets: BTreeMap::new(),
        resources: BTreeMap::new(),
        notes: Vec::new(),
        instance_profiles: BTreeMap::new(),
        compute: BTreeMap::new(),
    };
    for r in reads {
        b.read(r);
    }
    for r in reads {
        b.links(r);
    }
    for r in reads {
        b.escalation(r);
    }
    for r in reads {
        b.notes.extend(r.outside.iter().cloned());
    }
    b.finish()
}

/// Whether a policy document may deny: a statement whose `Effect` is not `Allow`, the document
/// read as JSON (so `\u0044eny` is `Deny`); a document that is not JSON may deny (fail closed).
/// Values the files leave open may make it no valid policy yet, so only the effects are read.
/// A document the files do not give at all (not an object) has no statement to read here, as
/// before; `widen::world_document` writes it as a Deny of everything.
fn may_deny(document: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<Value>(document) else {
        return true;
    };
    let statements = match doc.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    statements
        .iter()
        .any(|s| s.get("Effect").and_then(Value::as_str) != Some("Allow"))
}

#[cfg(test)]
mod tests;

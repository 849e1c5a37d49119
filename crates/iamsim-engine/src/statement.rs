//! Matching one statement against one request, and saying why it did not apply.

use crate::request::{Caller, OutsideEntity};
use iamsim_policy::arn::Arn;
use iamsim_policy::condition;
use iamsim_policy::{
    ActionKind, AwsPrincipal, ContextLookup, PrincipalEntry, PrincipalKind, PrincipalValue,
    RequestResource, ResourceKind, Statement, Truth,
};
use iamsim_world::World;

/// How a resource-policy statement's principal matched the caller (rule 2.18).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrincipalMatch {
    /// Names the exact caller (user ARN, session ARN) or `*` (4.10).
    pub direct: Truth,
    /// Names the role of the calling session.
    pub entity: Truth,
    /// Names the caller's account.
    pub account: Truth,
}

impl PrincipalMatch {
    /// Matches no principal in any way.
    pub const NONE: PrincipalMatch = PrincipalMatch {
        direct: Truth::False,
        entity: Truth::False,
        account: Truth::False,
    };

    /// Whether the statement names the caller in any way.
    pub fn any(&self) -> Truth {
        self.direct.or(self.entity).or(self.account)
    }

    /// Either grants, kind by kind.
    pub fn or(self, other: PrincipalMatch) -> PrincipalMatch {
        PrincipalMatch {
            direct: self.direct.or(other.direct),
            entity: self.entity.or(other.entity),
            account: self.account.or(other.account),
        }
    }

    fn and(self, t: Truth) -> PrincipalMatch {
        PrincipalMatch {
            direct: self.direct.and(t),
            entity: self.entity.and(t),
            account: self.account.and(t),
        }
    }
}

/// The result of matching one statement.
#[derive(Clone, Debug)]
pub struct StatementMatch {
    /// Whether the statement's `Action`/`NotAction` matches the request's action (2.1, 2.4).
    pub action: Truth,
    /// The whole statement: action, resource, principal and condition.
    pub applies: Truth,
    /// For statements with a Principal: the match by kind, each AND-ed with the rest.
    pub by_kind: PrincipalMatch,
    /// Why the statement does not apply (or applies only under one reading).
    pub why: Option<String>,
}

/// One request as the statement matcher sees it: everything [`match_statement`] reads.
pub struct RequestView<'a> {
    /// The world, for the caller's account and organization.
    pub world: &'a World,
    /// Who makes the request.
    pub caller: &'a Caller,
    /// The caller's ARN as principals match it (the session ARN of a role session).
    pub caller_arn: &'a str,
    /// The requested action, `service:Operation`.
    pub action: &'a str,
    /// The requested resource as written.
    pub resource_text: &'a str,
    /// The requested resource as resource patterns match it.
    pub resource: RequestResource<'a>,
    /// The resource split once per request (`None`: `*`, or not an ARN).
    pub resource_arn: Option<&'a Arn<'a>>,
    pub context: &'a dyn ContextLookup,
    /// who-can: decides conditions on keys the question leaves open
    /// ([`crate::open_conditions`]).
    pub open: Option<&'a crate::open_conditions::OpenConditions<'a>>,
    /// Whether each statement says why it did not apply (`why`); false when only the decision is
    /// wanted.
    pub reasons: bool,
    /// A requested resource naming a set (formats.md 6): how statements' resources count, and
    /// where the walk notes members a Deny touches ([`crate::resource_set`]).
    pub set: Option<(
        crate::resource_set::SetReading,
        &'a std::cell::RefCell<Vec<String>>,
    )>,
}

/// Matches one statement against one request: its action, resource, principal and conditions,
/// each three-valued (0.2), and why it does not apply when `req.reasons` asks.
pub fn match_statement(stmt: &Statement, req: &RequestView<'_>) -> StatementMatch {
    match_statement_with(stmt, req, match_action(stmt, req.action))
}

/// [`match_statement`] with the Action already matched (`action` is what `match_action` gives).
pub(crate) fn match_statement_with(
    stmt: &Statement,
    req: &RequestView<'_>,
    action: Truth,
) -> StatementMatch {
    // Decision-only walks (crate::walk::NoTrace): no reasons are written.
    let quiet = !req.reasons;
    if action == Truth::False {
        return StatementMatch {
            action,
            applies: Truth::False,
            by_kind: PrincipalMatch::NONE,
            why: (!quiet).then(|| format!("does not match the action `{}`", req.action)),
        };
    }
    let mut why: Option<String> = None;
    if action == Truth::Unknown && !quiet {
        why = Some(format!(
            "its Action matches `{}` only if a wildcard in the service prefix is read as a wildcard (2.2)",
            req.action
        ));
    }
    let resource = match_resource(stmt, req);
    if resource != Truth::True && why.is_none() && !quiet {
        why = Some(describe_resource_miss(stmt, req, resource));
    }
    // Without reasons or open conditions to collect, a statement whose resource does not match
    // neither applies nor grants by kind: the principal and conditions cannot change that.
    if quiet && !enumerating(req) && resource == Truth::False {
        return StatementMatch {
            action,
            applies: Truth::False,
            by_kind: PrincipalMatch::NONE,
            why: None,
        };
    }
    let (principal, by_kind) = match &stmt.principal {
        None => (Truth::True, PrincipalMatch::NONE),
        Some(block) => match block.kind {
            PrincipalKind::Principal => {
                let m = match_principals(&block.entries, req.world, req.caller);
                (m.any(), m)
            }
            PrincipalKind::NotPrincipal => {
                let applies = not_principal_applies(&block.entries, req.world, req.caller);
                (
                    applies,
                    PrincipalMatch {
                        direct: applies,
                        ..PrincipalMatch::NONE
                    },
                )
            }
        },
    };
    if principal != Truth::True && why.is_none() && !quiet {
        why = Some(match (&stmt.principal, principal) {
            (Some(b), Truth::False) if b.kind == PrincipalKind::NotPrincipal => {
                format!("its NotPrincipal excludes the caller `{}`", req.caller_arn)
            }
            (_, Truth::Unknown) => format!(
                "its Principal names the caller `{}` only under one reading",
                req.caller_arn
            ),
            _ => format!(
                "its Principal does not name the caller `{}`",
                req.caller_arn
            ),
        });
    }
    let mut cond = Truth::True;
    for c in &stmt.conditions {
        let t = match req.open.and_then(|o| o.decide(c, req)) {
            Some(t) => t,
            None => condition::evaluate(c, req.context),
        };
        if t != Truth::True && why.is_none() && !quiet {
            why = Some(describe_condition_miss(c, req.context, t));
        }
        cond = cond.and(t);
        // With open conditions every one is consulted, so each hop sees all its atoms.
        if cond == Truth::False && !enumerating(req) {
            break;
        }
    }
    let rest = action.and(resource).and(cond);
    let applies = rest.and(principal);
    StatementMatch {
        action,
        applies,
        by_kind: by_kind.and(rest),
        why: if applies == Truth::True { None } else { why },
    }
}

/// Whether the walk decides every assignment of open conditions, and so must consult every one.
fn enumerating(req: &RequestView<'_>) -> bool {
    req.open
        .is_some_and(crate::open_conditions::OpenConditions::enumerating)
}

fn match_action(stmt: &Statement, action: &str) -> Truth {
    let mut any = Truth::False;
    for p in &stmt.action.patterns {
        any = any.or(p.matcher.matches(action));
        if any == Truth::True {
            break;
        }
    }
    match stmt.action.kind {
        ActionKind::Action => any,
        ActionKind::NotAction => any.not(),
    }
}

fn match_resource(stmt: &Statement, req: &RequestView<'_>) -> Truth {
    let Some(block) = &stmt.resource else {
        // Trust policies have no Resource: the resource is the role itself (1.21).
        return Truth::True;
    };
    if let Some((reading, members)) = req.set {
        return match_resource_set(stmt, block, req, reading, members);
    }
    let mut any = Truth::False;
    for p in &block.patterns {
        let t = match req.resource {
            RequestResource::Arn(text) => {
                p.matcher
                    .matches_parsed(text, req.resource_arn, req.context, block.kind)
            }
            wildcard => p.matcher.matches(wildcard, req.context, block.kind),
        };
        any = any.or(t);
        if any == Truth::True {
            break;
        }
    }
    match block.kind {
        ResourceKind::Resource => any,
        ResourceKind::NotResource => any.not(),
    }
}

/// A statement's resource against a requested set (formats.md 6, [`crate::resource_set`]): under
/// the reading `Every` an Allow counts when it covers the set and a Deny when it touches it;
/// under `Some` the other way round. Members a Deny touches without covering are noted.
fn match_resource_set(
    stmt: &Statement,
    block: &iamsim_policy::ResourceBlock,
    req: &RequestView<'_>,
    reading: crate::resource_set::SetReading,
    members: &std::cell::RefCell<Vec<String>>,
) -> Truth {
    use crate::resource_set::{covers, shared_member, touches, SetReading};
    let deny = stmt.effect.value == iamsim_policy::Effect::Deny;
    let set = req.resource_text;
    let all = matches!(
        (reading, deny),
        (SetReading::Every, false) | (SetReading::Some, true)
    );
    // Which relation the answer needs: covering for "every member" under Resource and "some
    // member" under NotResource, touching otherwise; a Deny under `Every` also notes members.
    let note = deny && reading == SetReading::Every;
    let need_cover = note || (all == (block.kind == ResourceKind::Resource));
    let need_touch = note || !need_cover || all != (block.kind == ResourceKind::Resource);
    let (mut covered, mut touched) = (false, false);
    for p in &block.patterns {
        let text = p.text.as_str();
        // A pattern with a policy variable is read as touching the set and never covering it.
        let variable = text.contains("${");
        // The pattern must also take the set's text as an ARN, segment by segment (2.8).
        let c = need_cover
            && !variable
            && p.matcher
                .matches_parsed(set, req.resource_arn, req.context, block.kind)
                == Truth::True
            && covers(text, set);
        let t = need_touch && (c || variable || touches(text, set));
        if note && t && !c {
            if let Some(m) = shared_member(text, set) {
                let mut list = members.borrow_mut();
                if !list.contains(&m) && list.len() < 16 {
                    list.push(m);
                }
            }
        }
        covered |= c;
        touched |= t;
    }
    Truth::from_bool(match (block.kind, all) {
        (ResourceKind::Resource, true) => covered,
        (ResourceKind::Resource, false) => touched,
        // NotResource applies to every member when no pattern touches the set, to some when none
        // covers it.
        (ResourceKind::NotResource, true) => !touched,
        (ResourceKind::NotResource, false) => !covered,
    })
}

fn describe_resource_miss(stmt: &Statement, req: &RequestView<'_>, t: Truth) -> String {
    let Some(block) = &stmt.resource else {
        return String::new();
    };
    let list = block
        .patterns
        .iter()
        .map(|p| format!("`{}`", p.text))
        .collect::<Vec<_>>()
        .join(", ");
    let name = match block.kind {
        ResourceKind::Resource => "Resource",
        ResourceKind::NotResource => "NotResource",
    };
    if t == Truth::Unknown {
        return format!(
            "matches the action, and its {name} {list} covers `{}` only under one reading (2.8, 9.4)",
            req.resource_text
        );
    }
    let several = block.patterns.len() > 1;
    match block.kind {
        ResourceKind::Resource if several => format!(
            "matches the action but none of its Resource entries {list} matches `{}`",
            req.resource_text
        ),
        ResourceKind::Resource => format!(
            "matches the action but its Resource {list} does not match `{}`",
            req.resource_text
        ),
        ResourceKind::NotResource => format!(
            "matches the action but its NotResource {list} excludes `{}`",
            req.resource_text
        ),
    }
}

fn describe_condition_miss(
    c: &iamsim_policy::Condition,
    ctx: &dyn ContextLookup,
    t: Truth,
) -> String {
    let values = c
        .values
        .iter()
        .map(|v| format!("`{}`", v.text))
        .collect::<Vec<_>>()
        .join(", ");
    let actual = match ctx.get(&c.key.value) {
        None => format!("the request has no `{}`", c.key.value),
        Some(v) => {
            let vals: Vec<String> = v.values().map(|s| format!("`{s}`")).collect();
            format!("the request's `{}` is {}", c.key.value, vals.join(", "))
        }
    };
    let verdict = if t == Truth::Unknown {
        "holds only under one reading"
    } else {
        "is not met"
    };
    format!(
        "matches the action but its condition `{}` `{}` {} {verdict}: {actual}",
        c.operator.value.name(),
        c.key.value,
        values
    )
}

/// Matches Principal entries against the caller by kind (2.11–2.19).
pub fn match_principals(
    entries: &[PrincipalEntry],
    world: &World,
    caller: &Caller,
) -> PrincipalMatch {
    let mut m = PrincipalMatch::NONE;
    for e in entries {
        let (kind, t) = entry_match(&e.value, world, caller);
        match kind {
            Kind::Direct => m.direct = m.direct.or(t),
            Kind::Entity => m.entity = m.entity.or(t),
            Kind::Account => m.account = m.account.or(t),
        }
    }
    m
}

#[derive(Clone, Copy)]
enum Kind {
    Direct,
    Entity,
    Account,
}

const PARTITION: &str = "aws";

fn entry_match(value: &PrincipalValue, world: &World, caller: &Caller) -> (Kind, Truth) {
    let aws = match value {
        PrincipalValue::Aws(a) => a,
        // No request in this release is made by an AWS service (2.19).
        PrincipalValue::Service(_) => return (Kind::Direct, Truth::False),
        // An identity of a provider is named by the provider (10.3).
        PrincipalValue::Federated(p) => {
            return (Kind::Direct, crate::federated_trust::names(p, caller))
        }
        // A canonical user id stands for an account whose id the world does not map (1.14).
        PrincipalValue::CanonicalUser(_) => {
            return (
                Kind::Account,
                if matches!(caller, Caller::Anonymous | Caller::Federated(_)) {
                    Truth::False
                } else {
                    Truth::Unknown
                },
            )
        }
    };
    match aws {
        AwsPrincipal::Everyone => (Kind::Direct, Truth::True),
        AwsPrincipal::Account { partition, account } => (
            Kind::Account,
            Truth::from_bool(partition == PARTITION && caller.account() == Some(account.as_str())),
        ),
        AwsPrincipal::User {
            partition,
            account,
            path,
            name,
        } => {
            let hit = partition == PARTITION
                && (caller.user(world).is_some_and(|u| {
                    u.account() == account && u.name() == name && u.path() == path && !u.recreated
                }) || outside_is(
                    caller,
                    account,
                    |e| matches!(e, OutsideEntity::User { path: p, name: n } if p == path && n == name),
                ));
            (Kind::Direct, Truth::from_bool(hit))
        }
        AwsPrincipal::Role {
            partition,
            account,
            path,
            name,
        } => {
            let hit = partition == PARTITION
                && (caller.role(world).is_some_and(|r| {
                    r.account() == account && r.name() == name && r.path() == path && !r.recreated
                }) || outside_is(
                    caller,
                    account,
                    |e| matches!(e, OutsideEntity::Role { path: p, name: n } if p == path && n == name),
                ));
            (Kind::Entity, Truth::from_bool(hit))
        }
        AwsPrincipal::AssumedRole {
            partition,
            account,
            role_name,
            session_name,
        } => match caller {
            Caller::Session(s)
                if partition == PARTITION
                    && &s.account == account
                    && &s.role_name == role_name
                    && &s.session_name == session_name =>
            {
                // Bound to the role's unique id, or matched by name: the docs are silent (2.15).
                let recreated = caller.role(world).is_some_and(|r| r.recreated);
                (
                    Kind::Direct,
                    if recreated {
                        Truth::Unknown
                    } else {
                        Truth::True
                    },
                )
            }
            _ => (
                Kind::Direct,
                Truth::from_bool(
                    partition == PARTITION
                        && outside_is(
                            caller,
                            account,
                            |e| matches!(e, OutsideEntity::Session { role_name: r, session_name: s } if r == role_name && s == session_name),
                        ),
                ),
            ),
        },
        AwsPrincipal::FederatedUser { .. } => (Kind::Direct, Truth::False),
        AwsPrincipal::UniqueId(id) => {
            if let Some(u) = caller.user(world) {
                (Kind::Direct, Truth::from_bool(u.id() == id))
            } else if let Some(r) = caller.role(world) {
                (Kind::Entity, Truth::from_bool(r.id() == id))
            } else {
                (Kind::Direct, Truth::False)
            }
        }
    }
}

/// Is the caller the hypothetical outside principal `pred` describes, in `account`?
fn outside_is(caller: &Caller, account: &str, pred: impl Fn(&OutsideEntity) -> bool) -> bool {
    matches!(caller, Caller::Outside(o) if o.account.as_deref() == Some(account) && o.entity.as_ref().is_some_and(pred))
}

/// Does a `NotPrincipal` + `Deny` statement apply to the caller (2.17)? It applies unless the
/// caller is excluded, and exclusion is read narrowly (fail-closed).
pub fn not_principal_applies(entries: &[PrincipalEntry], world: &World, caller: &Caller) -> Truth {
    let names = |pred: &dyn Fn(&AwsPrincipal) -> bool| {
        entries.iter().any(|e| match &e.value {
            PrincipalValue::Aws(a) => pred(a),
            _ => false,
        })
    };
    let Some(account) = caller.account() else {
        return Truth::True; // anonymous callers are never excluded
    };
    let names_account = names(
        &|a| matches!(a, AwsPrincipal::Account { partition, account: acct } if partition == PARTITION && acct == account),
    );
    let excluded = match caller {
        // Who an outside principal is, is not known well enough to exclude it (fail closed).
        Caller::Anonymous | Caller::Outside(_) | Caller::Federated(_) => false,
        Caller::Root { .. } => names_account,
        Caller::User { .. } => {
            let Some(u) = caller.user(world) else {
                return Truth::True;
            };
            let names_user = names(&|a| match a {
                AwsPrincipal::User {
                    partition,
                    account,
                    path,
                    name,
                } => {
                    partition == PARTITION
                        && account == u.account()
                        && path == u.path()
                        && name == u.name()
                }
                AwsPrincipal::UniqueId(id) => id == u.id(),
                _ => false,
            });
            names_user && names_account && u.boundary.is_none()
        }
        Caller::Session(s) => {
            let Some(r) = caller.role(world) else {
                return Truth::True;
            };
            let names_session = names(&|a| {
                matches!(a, AwsPrincipal::AssumedRole { partition, account, role_name, session_name }
                    if partition == PARTITION && account == &s.account && role_name == &s.role_name && session_name == &s.session_name)
            });
            let names_role = names(&|a| match a {
                AwsPrincipal::Role {
                    partition,
                    account,
                    path,
                    name,
                } => {
                    partition == PARTITION
                        && account == r.account()
                        && path == r.path()
                        && name == r.name()
                }
                AwsPrincipal::UniqueId(id) => id == r.id(),
                _ => false,
            });
            names_session && names_role && names_account && r.boundary.is_none()
        }
    };
    Truth::from_bool(!excluded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Session;
    use iamsim_policy::{parse_policy, Context, ContextValue, PolicyType, Source};

    /// A world with users, a role with a path, and a recreated role, written to a fresh folder.
    fn world() -> World {
        let trust = crate::test_world::TEST_TRUST_A;
        let world = format!(
            r#"{{"accounts": {{
              "111111111111": {{
                "users": {{"alice": {{"tags": {{"team": "blue"}}}}, "Bob": {{}}, "bounded": {{"boundary": {trust_allow}}}}},
                "roles": {{"Admin": {{"trust": {trust}}}, "Deploy": {{"path": "/team/", "trust": {trust}}},
                           "Old": {{"trust": {trust}, "recreated": true}}}}
              }},
              "222222222222": {{"users": {{"bob": {{}}}}}}
            }},
            "organization": {{"id": "o-test", "root": {{"accounts": ["111111111111"]}}}}}}"#,
            trust_allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        );
        crate::test_world::test_world(&world)
    }

    fn entries(principal_json: &str) -> Vec<PrincipalEntry> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal_json},"Action":"s3:GetObject","Resource":"*"}}]}}"#
        );
        let parsed = parse_policy(&Source::new("p.json", text), PolicyType::Resource);
        let policy = parsed
            .policy
            .unwrap_or_else(|| panic!("{:?}", parsed.diagnostics));
        policy.statements[0].principal.clone().unwrap().entries
    }

    fn user(account: &str, name: &str) -> Caller {
        Caller::User {
            account: account.into(),
            name: name.into(),
            altered: None,
        }
    }

    fn session(w: &World, role: &str, name: &str) -> Caller {
        let role = w.account("111111111111").unwrap().roles.get(role).unwrap();
        Caller::Session(Session::new(role, name))
    }

    #[test]
    fn rule_2_11_account_principal_matches_every_principal_of_the_account() {
        let w = world();
        for form in [
            r#"{"AWS":"111111111111"}"#,
            r#"{"AWS":"arn:aws:iam::111111111111:root"}"#,
        ] {
            let e = entries(form);
            for caller in [
                user("111111111111", "alice"),
                session(&w, "Admin", "s"),
                Caller::Root {
                    account: "111111111111".into(),
                },
            ] {
                let m = match_principals(&e, &w, &caller);
                assert_eq!(m.account, Truth::True, "{form} {caller:?}");
                assert_eq!(m.direct, Truth::False);
            }
            assert_eq!(
                match_principals(&e, &w, &user("222222222222", "bob")).any(),
                Truth::False
            );
            assert_eq!(
                match_principals(&e, &w, &Caller::Anonymous).any(),
                Truth::False
            );
        }
    }

    #[test]
    fn rule_2_12_role_arn_matches_its_sessions_by_entity_with_the_full_path() {
        let w = world();
        let e = entries(r#"{"AWS":"arn:aws:iam::111111111111:role/team/Deploy"}"#);
        let m = match_principals(&e, &w, &session(&w, "Deploy", "any-session"));
        assert_eq!((m.entity, m.direct), (Truth::True, Truth::False));
        let without_path = entries(r#"{"AWS":"arn:aws:iam::111111111111:role/Deploy"}"#);
        assert_eq!(
            match_principals(&without_path, &w, &session(&w, "Deploy", "s")).any(),
            Truth::False
        );
        assert_eq!(
            match_principals(&e, &w, &user("111111111111", "alice")).any(),
            Truth::False
        );
    }

    #[test]
    fn rule_2_13_session_and_user_arns_match_exactly() {
        let w = world();
        let e = entries(r#"{"AWS":"arn:aws:sts::111111111111:assumed-role/Admin/alice"}"#);
        assert_eq!(
            match_principals(&e, &w, &session(&w, "Admin", "alice")).direct,
            Truth::True
        );
        assert_eq!(
            match_principals(&e, &w, &session(&w, "Admin", "bob")).any(),
            Truth::False
        );
        let u = entries(r#"{"AWS":"arn:aws:iam::111111111111:user/Bob"}"#);
        assert_eq!(
            match_principals(&u, &w, &user("111111111111", "Bob")).direct,
            Truth::True
        );
        // The user name is case-sensitive (9.9).
        assert_eq!(
            match_principals(&u, &w, &user("222222222222", "bob")).any(),
            Truth::False
        );
    }

    #[test]
    fn rule_2_14_star_matches_everyone_including_anonymous() {
        let w = world();
        for form in [r#""*""#, r#"{"AWS":"*"}"#] {
            let e = entries(form);
            for caller in [
                Caller::Anonymous,
                user("222222222222", "bob"),
                session(&w, "Admin", "s"),
            ] {
                assert_eq!(
                    match_principals(&e, &w, &caller).direct,
                    Truth::True,
                    "{form}"
                );
            }
        }
    }

    #[test]
    fn rule_2_15_a_recreated_role_no_longer_matches_its_arn() {
        let w = world();
        let e = entries(r#"{"AWS":"arn:aws:iam::111111111111:role/Old"}"#);
        assert_eq!(
            match_principals(&e, &w, &session(&w, "Old", "s")).any(),
            Truth::False
        );
        // The session ARN of a recreated role is read both ways (2.15).
        let s = entries(r#"{"AWS":"arn:aws:sts::111111111111:assumed-role/Old/s"}"#);
        assert_eq!(
            match_principals(&s, &w, &session(&w, "Old", "s")).direct,
            Truth::Unknown
        );
    }

    #[test]
    fn rule_2_17_not_principal_excludes_narrowly() {
        let w = world();
        let alice_and_account = entries(
            r#"{"AWS":["arn:aws:iam::111111111111:user/alice","arn:aws:iam::111111111111:root"]}"#,
        );
        let alice_only = entries(r#"{"AWS":"arn:aws:iam::111111111111:user/alice"}"#);
        let alice = user("111111111111", "alice");
        assert_eq!(
            not_principal_applies(&alice_and_account, &w, &alice),
            Truth::False
        );
        assert_eq!(not_principal_applies(&alice_only, &w, &alice), Truth::True);
        assert_eq!(
            not_principal_applies(&alice_and_account, &w, &Caller::Anonymous),
            Truth::True
        );
        // A principal with a permissions boundary is never excluded.
        let bounded = entries(
            r#"{"AWS":["arn:aws:iam::111111111111:user/bounded","arn:aws:iam::111111111111:root"]}"#,
        );
        assert_eq!(
            not_principal_applies(&bounded, &w, &user("111111111111", "bounded")),
            Truth::True
        );
        // A session needs its session ARN, its role and its account listed.
        let s = session(&w, "Admin", "alice");
        let partial = entries(
            r#"{"AWS":["arn:aws:iam::111111111111:role/Admin","arn:aws:iam::111111111111:root"]}"#,
        );
        assert_eq!(not_principal_applies(&partial, &w, &s), Truth::True);
        let full = entries(
            r#"{"AWS":["arn:aws:sts::111111111111:assumed-role/Admin/alice","arn:aws:iam::111111111111:role/Admin","arn:aws:iam::111111111111:root"]}"#,
        );
        assert_eq!(not_principal_applies(&full, &w, &s), Truth::False);
    }

    #[test]
    fn rule_2_19_service_principals_never_match_users_or_sessions() {
        let w = world();
        let e = entries(r#"{"Service":"ec2.amazonaws.com"}"#);
        assert_eq!(
            match_principals(&e, &w, &user("111111111111", "alice")).any(),
            Truth::False
        );
        assert_eq!(
            match_principals(&e, &w, &session(&w, "Admin", "i-123")).any(),
            Truth::False
        );
    }

    #[test]
    fn rule_2_25_principal_keys_by_caller_type() {
        let w = world();
        let get = |c: &Caller, k: &str| {
            let mut ctx = Context::new();
            c.derive_context(&w, &mut ctx);
            ctx.get(k).cloned()
        };
        let one = |s: &str| Some(ContextValue::Single(s.into()));
        let alice = user("111111111111", "alice");
        assert_eq!(
            get(&alice, "aws:PrincipalArn"),
            one("arn:aws:iam::111111111111:user/alice")
        );
        assert_eq!(get(&alice, "aws:username"), one("alice"));
        assert_eq!(get(&alice, "aws:PrincipalType"), one("User"));
        assert_eq!(get(&alice, "aws:PrincipalTag/team"), one("blue"));
        assert_eq!(get(&alice, "aws:PrincipalOrgID"), one("o-test"));
        assert_eq!(get(&alice, "aws:MultiFactorAuthPresent"), None);
        let s = session(&w, "Deploy", "ci");
        assert_eq!(
            get(&s, "aws:PrincipalArn"),
            one("arn:aws:iam::111111111111:role/team/Deploy")
        );
        assert_eq!(get(&s, "aws:username"), None);
        assert_eq!(get(&s, "aws:PrincipalType"), one("AssumedRole"));
        assert_eq!(get(&s, "aws:MultiFactorAuthPresent"), one("false"));
        let role_id = w.account("111111111111").unwrap().roles["Deploy"].id();
        assert_eq!(get(&s, "aws:userid"), one(&format!("{role_id}:ci")));
        let root = Caller::Root {
            account: "111111111111".into(),
        };
        assert_eq!(get(&root, "aws:PrincipalType"), one("Account"));
        assert_eq!(get(&root, "aws:userid"), one("111111111111"));
        assert_eq!(
            get(&Caller::Anonymous, "aws:PrincipalAccount"),
            one("anonymous")
        );
        assert_eq!(get(&Caller::Anonymous, "aws:userid"), one("anonymous"));
        assert_eq!(get(&Caller::Anonymous, "aws:PrincipalArn"), None);
        assert_eq!(
            get(&user("222222222222", "bob"), "aws:PrincipalOrgID"),
            None
        );
    }
}

//! Matching one statement against one request, and saying why it did not apply.

use crate::request::Caller;
use crate::world::World;
use iamsim_policy::condition;
use iamsim_policy::{
    ActionKind, AwsPrincipal, Context, PrincipalEntry, PrincipalKind, PrincipalValue,
    RequestResource, ResourceKind, Statement, Truth,
};

/// How a resource-policy statement's principal matched the caller (iam-semantics 2.18).
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
    pub const NONE: PrincipalMatch = PrincipalMatch {
        direct: Truth::False,
        entity: Truth::False,
        account: Truth::False,
    };

    pub fn any(&self) -> Truth {
        self.direct.or(self.entity).or(self.account)
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
    pub action: Truth,
    /// The whole statement: action, resource, principal and condition.
    pub applies: Truth,
    /// For statements with a Principal: the match by kind, each AND-ed with the rest.
    pub by_kind: PrincipalMatch,
    /// Why the statement does not apply (or applies only under one reading).
    pub why: Option<String>,
}

pub struct RequestView<'a> {
    pub world: &'a World,
    pub caller: &'a Caller,
    pub caller_arn: &'a str,
    pub action: &'a str,
    pub resource_text: &'a str,
    pub resource: RequestResource<'a>,
    pub context: &'a Context,
}

pub fn match_statement(stmt: &Statement, req: &RequestView<'_>) -> StatementMatch {
    let action = match_action(stmt, req.action);
    if action == Truth::False {
        return StatementMatch {
            action,
            applies: Truth::False,
            by_kind: PrincipalMatch::NONE,
            why: Some(format!("does not match the action `{}`", req.action)),
        };
    }
    let mut why: Option<String> = None;
    if action == Truth::Unknown {
        why = Some(format!(
            "its Action matches `{}` only if a wildcard in the service prefix is read as a wildcard (2.2)",
            req.action
        ));
    }
    let resource = match_resource(stmt, req);
    if resource != Truth::True && why.is_none() {
        why = Some(describe_resource_miss(stmt, req, resource));
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
    if principal != Truth::True && why.is_none() {
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
        let t = condition::evaluate(c, req.context);
        if t != Truth::True && why.is_none() {
            why = Some(describe_condition_miss(c, req.context, t));
        }
        cond = cond.and(t);
        if cond == Truth::False {
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
    let mut any = Truth::False;
    for p in &block.patterns {
        any = any.or(p.matcher.matches(req.resource, req.context, block.kind));
        if any == Truth::True {
            break;
        }
    }
    match block.kind {
        ResourceKind::Resource => any,
        ResourceKind::NotResource => any.not(),
    }
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

fn describe_condition_miss(c: &iamsim_policy::Condition, ctx: &Context, t: Truth) -> String {
    use iamsim_policy::ContextLookup;
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
        // No request in this release is made by an AWS service or a federated identity (1.15, 2.19).
        PrincipalValue::Service(_) | PrincipalValue::Federated(_) => {
            return (Kind::Direct, Truth::False)
        }
        // A canonical user id stands for an account whose id the world does not map (1.14).
        PrincipalValue::CanonicalUser(_) => {
            return (
                Kind::Account,
                if matches!(caller, Caller::Anonymous) {
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
                && caller.user(world).is_some_and(|u| {
                    &u.account == account && &u.name == name && &u.path == path && !u.recreated
                });
            (Kind::Direct, Truth::from_bool(hit))
        }
        AwsPrincipal::Role {
            partition,
            account,
            path,
            name,
        } => {
            let hit = partition == PARTITION
                && caller.role(world).is_some_and(|r| {
                    &r.account == account && &r.name == name && &r.path == path && !r.recreated
                });
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
            _ => (Kind::Direct, Truth::False),
        },
        AwsPrincipal::FederatedUser { .. } => (Kind::Direct, Truth::False),
        AwsPrincipal::UniqueId(id) => {
            if let Some(u) = caller.user(world) {
                (Kind::Direct, Truth::from_bool(&u.id == id))
            } else if let Some(r) = caller.role(world) {
                (Kind::Entity, Truth::from_bool(&r.id == id))
            } else {
                (Kind::Direct, Truth::False)
            }
        }
    }
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
        Caller::Anonymous => false,
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
                        && account == &u.account
                        && path == &u.path
                        && name == &u.name
                }
                AwsPrincipal::UniqueId(id) => id == &u.id,
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
                        && account == &r.account
                        && path == &r.path
                        && name == &r.name
                }
                AwsPrincipal::UniqueId(id) => id == &r.id,
                _ => false,
            });
            names_session && names_role && names_account && r.boundary.is_none()
        }
    };
    Truth::from_bool(!excluded)
}

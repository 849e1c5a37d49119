//! Principals `who-can` must ask about beyond one node per user, root user and role: the role
//! sessions the world's policies name by session name (a bucket policy granting
//! `arn:aws:sts::ACCT:assumed-role/Scribe/nightly-run` is met only by a session of Scribe named
//! `nightly-run`, rule 2.13), and the member accounts an organization tree lists that the world
//! does not model (they exist, carry the organization's id and fall under its SCPs).

use super::{allow_statements, named_principals, Graph, NodeKind, PARTITION};
use crate::request::{Caller, Outside, Session, DEFAULT_SESSION_NAME};
use iamsim_policy::AwsPrincipal;
use iamsim_world::LoadedPolicy;
use std::collections::BTreeSet;

/// At most this many named sessions are added (each is a principal decided like a role).
const MAX_NAMED_SESSIONS: usize = 1_000;

impl<'w> Graph<'w> {
    /// Adds a node for each session of a world role that the trust policies or `extra`
    /// resource-based policies name by session name, and an `account:<id>` node for each member
    /// account of the organization the world does not model.
    pub(crate) fn add_unlisted(&mut self, extra: &[&'w LoadedPolicy]) {
        let world = self.world;
        let mut sessions: BTreeSet<(&str, &str, String)> = BTreeSet::new();
        let policies = world
            .roles()
            .map(|r| &*r.trust)
            .chain(extra.iter().copied());
        for p in policies {
            for s in allow_statements(p) {
                for v in named_principals(s) {
                    if let AwsPrincipal::AssumedRole {
                        partition,
                        account,
                        role_name,
                        session_name,
                    } = v
                    {
                        let role = world.account(account).and_then(|a| a.roles.get(role_name));
                        if let Some(role) = role.filter(|_| partition == PARTITION) {
                            if session_name != DEFAULT_SESSION_NAME {
                                sessions.insert((
                                    role.account(),
                                    role.name(),
                                    session_name.clone(),
                                ));
                            }
                        }
                    }
                }
            }
        }
        self.add_sessions(sessions);
        let Some(org) = world.organization() else {
            return;
        };
        for account in org.paths.keys() {
            if world.accounts().contains_key(account) || self.named_accounts.contains(account) {
                continue;
            }
            self.named_accounts.insert(account.clone());
            let o = Outside {
                account: Some(account.clone()),
                entity: None,
            };
            let name = o.name();
            self.push(Caller::Outside(o), name, NodeKind::Outside, None);
        }
    }

    /// Adds a node for each session of a world role named by (account, role name, session
    /// name), unless the graph has it.
    pub(crate) fn add_sessions(&mut self, sessions: BTreeSet<(&str, &str, String)>) {
        let world = self.world;
        for (account, role_name, session_name) in sessions.into_iter().take(MAX_NAMED_SESSIONS) {
            let Some(role) = world.account(account).and_then(|a| a.roles.get(role_name)) else {
                continue;
            };
            let session = Session::new(role, &session_name);
            let arn = session.arn();
            if self.node_by_arn(&arn).is_some() {
                continue;
            }
            let i = self.push(
                Caller::Session(session),
                arn.clone(),
                NodeKind::Role,
                Some(role),
            );
            self.by_arn.insert(arn, i);
        }
    }

    /// Adds a node for each of these principals of accounts outside the world, unless the graph
    /// has it (an account a policy names, or the same principal).
    pub(crate) fn add_outside(&mut self, principals: Vec<Outside>) {
        for o in principals {
            let name = o.name();
            if self.nodes.iter().any(|n| n.name == name) {
                continue;
            }
            if let Some(a) = &o.account {
                self.named_accounts.insert(a.clone());
            }
            let i = self.push(Caller::Outside(o), name.clone(), NodeKind::Outside, None);
            if name.starts_with("arn:") {
                self.by_arn.insert(name, i);
            }
        }
    }

    /// Whether node `i` is a session of a role under a session name a policy names (not the
    /// one session per role every graph has).
    pub(crate) fn is_named_session(&self, i: usize) -> bool {
        self.nodes.get(i).is_some_and(
            |n| matches!(&n.caller, Caller::Session(s) if s.session_name != DEFAULT_SESSION_NAME),
        )
    }
}

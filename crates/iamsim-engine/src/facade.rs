//! The library's front door: an [`Engine`] over a loaded world, [`Request`]s built step by step,
//! and answers as typed values.
//!
//! ```
//! use iamsim_engine::{Decision, Engine, MemoryFiles, Outcome, Request};
//!
//! // A world of one account: user alice may read the objects of bucket `reports`.
//! let files = MemoryFiles::new("example")
//!     .with(
//!         "world.json",
//!         r#"{"accounts": {"111111111111": {
//!               "users": {"alice": {"policies": ["read-reports.json"]}},
//!               "buckets": {"reports": {}}}}}"#,
//!     )
//!     .with(
//!         "read-reports.json",
//!         r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
//!               "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}"#,
//!     );
//! let engine = Engine::from_files(&files)?;
//!
//! let alice = "arn:aws:iam::111111111111:user/alice";
//! let read = Request::new(alice, "s3:GetObject", "arn:aws:s3:::reports/q1.csv");
//! let answer = engine.ask(&read)?;
//! assert_eq!(answer.decision, Decision::Allow);
//!
//! // Why: one hop (no role assumed), and the statement that allowed it, with its position.
//! let reason = &answer.path[0].reasons[0];
//! assert_eq!(reason.outcome, Outcome::Applied);
//! assert_eq!(reason.location.to_string(), "example/read-reports.json:1:41");
//!
//! // Deleting is not allowed: nothing allows it (an implicit deny, rule 4.15).
//! let delete = Request::new(alice, "s3:DeleteObject", "arn:aws:s3:::reports/q1.csv");
//! assert_eq!(engine.decide(&delete)?, Decision::ImplicitDeny);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What is where:
//!
//! - loading: [`Engine::load`] reads a world folder (`world.json` and the files it names, each
//!   reference confined to the folder), [`Engine::from_files`] reads the same files from any
//!   [`Files`] ([`MemoryFiles`] for a world held in memory); a world that cannot be loaded is a
//!   [`LoadError`] whose diagnostics carry codes and positions;
//! - asking: [`Engine::ask`] answers a [`Request`] with its explanation ([`Answer`]: per hop a
//!   [`Hop`], per statement that decided it or nearly did a [`Reason`]);
//!   [`Engine::decide`] gives the same [`Decision`] without building the explanation;
//!   [`Engine::who_can`] lists every principal and role chain that may make a request
//!   ([`WhoCan`]). All three are the one evaluator of the crate, so they never disagree;
//! - reading an answer: the values are data, not text. The command line renders them; a program
//!   reads `decision`, `path`, `reasons` (`policy`, `location`, `statement`, `effect`,
//!   `outcome`) and `conditions` (the alternatives under which a request that depends on keys
//!   it leaves open would be allowed, as [`ConditionTerm`]s).

use crate::chain::{ask, decide, Query, Via, ViaHop};
use crate::explain::{Answer, Decision};
use crate::request::{absent, AssumeRoleParams, RequestError};
use crate::who_can::{who_can, WhoCan, WhoCanQuery};
use iamsim_policy::files::Files;
use iamsim_policy::{Context, ContextValue, Diagnostic};
use iamsim_world::{LoadError, World};
use std::path::Path;

#[cfg(doc)]
use crate::{
    explain::{Hop, Reason},
    open_conditions::Term as ConditionTerm,
    MemoryFiles,
};

/// A loaded world and the questions it answers. Loading checks every file once; asking never
/// reads a file again.
#[derive(Debug)]
pub struct Engine {
    world: World,
}

impl Engine {
    /// Loads the world folder `dir`: `dir/world.json` and every file it names, references
    /// confined to `dir`.
    pub fn load(dir: &Path) -> Result<Engine, LoadError> {
        World::load(dir).map(Engine::from_world)
    }

    /// Loads a world whose `world.json` and other files are read from `files`, for example a
    /// [`MemoryFiles`] built by the program itself.
    pub fn from_files(files: &dyn Files) -> Result<Engine, LoadError> {
        World::load_from(files).map(Engine::from_world)
    }

    /// An engine over a world loaded some other way ([`World::load_rooted`], say).
    pub fn from_world(world: World) -> Engine {
        Engine { world }
    }

    /// The world, for what the engine does not ask itself (its accounts, roles and users).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Warnings found while loading: findings that did not stop the load, with their codes and
    /// positions.
    pub fn warnings(&self) -> &[Diagnostic] {
        self.world.warnings()
    }

    /// The decision and its explanation: each hop (every role assumed, then the request itself)
    /// with the statements that decided it. A request the world cannot ask (an unknown
    /// principal, an action that is not `service:Operation`) is a [`RequestError`].
    pub fn ask(&self, request: &Request) -> Result<Answer, RequestError> {
        ask(&self.world, &request.query)
    }

    /// The decision alone: always the `decision` of [`Engine::ask`], without building the
    /// explanation.
    pub fn decide(&self, request: &Request) -> Result<Decision, RequestError> {
        decide(&self.world, &request.query)
    }

    /// Every principal of the world, role chain, outside account and anonymous caller that may
    /// run `action` on `resource`, outright or under conditions on the keys `context` leaves
    /// open.
    pub fn who_can(
        &self,
        action: &str,
        resource: &str,
        context: &Context,
    ) -> Result<WhoCan, RequestError> {
        who_can(
            &self.world,
            &WhoCanQuery {
                action: action.to_string(),
                resource: resource.to_string(),
                context: context.clone(),
            },
        )
    }
}

/// A request: may this principal, perhaps after assuming roles, run this action on this
/// resource? Built from the three, then refined.
///
/// ```
/// use iamsim_engine::{AssumeRoleParams, Request};
///
/// let request = Request::new(
///     "arn:aws:iam::111111111111:user/accounta-user",
///     "s3:PutObject",
///     "arn:aws:s3:::cross-account-bucket/test.txt",
/// )
/// .via_role_with(
///     "arn:aws:iam::222222222222:role/role-in-accountb",
///     AssumeRoleParams { external_id: Some("example-id".into()), ..Default::default() },
/// )
/// .context("aws:SourceIp", "203.0.113.7")
/// .context_absent("aws:SourceVpc");
/// assert_eq!(request.query().principal, "arn:aws:iam::111111111111:user/accounta-user");
/// ```
#[derive(Clone, Debug)]
pub struct Request {
    query: Query,
}

impl Request {
    /// `principal` (a user, role, role session or root ARN, an ARN of an account outside the
    /// world, `anonymous`, or `federated:` and the ARN of an OIDC or SAML provider for an
    /// identity of that provider; users and roles must be in the world) runs `action` (`service:Operation`) on `resource`
    /// (an ARN, or `*` for actions that take no resource), as itself, with no context keys set
    /// beyond the world's defaults and those AWS derives.
    pub fn new(principal: &str, action: &str, resource: &str) -> Request {
        Request {
            query: Query {
                principal: principal.to_string(),
                action: action.to_string(),
                resource: resource.to_string(),
                via: Via::Direct,
                context: Context::new(),
                session_policies: Vec::new(),
            },
        }
    }

    /// Assumes the role `role_arn` first (after the roles already named): the AssumeRole is a
    /// request of its own that must be allowed, and its session asks the next (rule 6.15).
    #[must_use]
    pub fn via_role(self, role_arn: &str) -> Request {
        self.via_role_with(role_arn, AssumeRoleParams::default())
    }

    /// [`Request::via_role`] with the parameters of the AssumeRole call: session name, external
    /// id, MFA, session tags, source identity.
    #[must_use]
    pub fn via_role_with(mut self, role_arn: &str, params: AssumeRoleParams) -> Request {
        let hop = ViaHop {
            role_arn: role_arn.to_string(),
            params,
        };
        match &mut self.query.via {
            Via::Roles(hops) => hops.push(hop),
            _ => self.query.via = Via::Roles(vec![hop]),
        }
        self
    }

    /// Lets the engine search the world's roles for the shortest allowed chain, instead of the
    /// roles named (up to [`crate::MAX_CHAIN`] roles).
    #[must_use]
    pub fn via_any_role(mut self) -> Request {
        self.query.via = Via::Any;
        self
    }

    /// Sets the condition key `key` (any case, rule 3.6) to one value; booleans and numbers are
    /// written as text (`"true"`, `"3600"`).
    #[must_use]
    pub fn context(mut self, key: &str, value: &str) -> Request {
        self.query.context.set(key, value);
        self
    }

    /// Sets the multivalued key `key` (`aws:TagKeys`, say, rule 3.15) to `values`.
    #[must_use]
    pub fn context_values<S: AsRef<str>>(mut self, key: &str, values: &[S]) -> Request {
        let values = values.iter().map(|v| v.as_ref().to_string()).collect();
        self.query.context.insert(key, ContextValue::Multi(values));
        self
    }

    /// Makes `key` absent from the request, over a world's default and over what AWS would
    /// derive (`null` in a tests file).
    #[must_use]
    pub fn context_absent(mut self, key: &str) -> Request {
        self.query.context.insert(key, absent());
        self
    }

    /// The request as the engine's functions take it ([`crate::ask`], [`crate::decide`]).
    pub fn query(&self) -> &Query {
        &self.query
    }
}

impl From<Query> for Request {
    fn from(query: Query) -> Request {
        Request { query }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryFiles;
    use iamsim_policy::ContextLookup;

    /// The tutorial's cross-account world, held in memory: a user of account A assumes a role
    /// of account B that may write to the bucket.
    fn cross_account() -> Engine {
        let files = MemoryFiles::new("mem")
            .with(
                "world.json",
                r#"{"accounts": {
                  "111111111111": {"users": {"accounta-user": {"policies": ["assume.json"]}}},
                  "222222222222": {
                    "roles": {"role-in-accountb": {"trust": "trust.json", "policies": ["put.json"]}},
                    "buckets": {"cross-account-bucket": {}}}}}"#,
            )
            .with(
                "assume.json",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                  "Action": "sts:AssumeRole",
                  "Resource": "arn:aws:iam::222222222222:role/role-in-accountb"}]}"#,
            )
            .with(
                "trust.json",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                  "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                  "Action": "sts:AssumeRole",
                  "Condition": {"StringEquals": {"sts:ExternalId": "x-1"}}}]}"#,
            )
            .with(
                "put.json",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                  "Action": "s3:PutObject", "Resource": "arn:aws:s3:::cross-account-bucket/*"}]}"#,
            );
        Engine::from_files(&files).unwrap()
    }

    const USER: &str = "arn:aws:iam::111111111111:user/accounta-user";
    const ROLE: &str = "arn:aws:iam::222222222222:role/role-in-accountb";
    const OBJECT: &str = "arn:aws:s3:::cross-account-bucket/test.txt";

    fn with_external_id(id: &str) -> AssumeRoleParams {
        AssumeRoleParams {
            external_id: Some(id.into()),
            ..AssumeRoleParams::default()
        }
    }

    /// A role chain (6.15) whose trust needs an external id (6.10): allowed with the right id,
    /// denied without it, and the answer says which hop failed.
    #[test]
    fn a_chain_is_asked_hop_by_hop() {
        let engine = cross_account();
        let put = Request::new(USER, "s3:PutObject", OBJECT);
        let allowed = engine
            .ask(&put.clone().via_role_with(ROLE, with_external_id("x-1")))
            .unwrap();
        assert_eq!(allowed.decision, Decision::Allow);
        assert_eq!(allowed.via, [ROLE]);
        assert_eq!(allowed.path.len(), 2);
        assert_eq!(allowed.path[0].action, "sts:AssumeRole");

        let refused = engine.ask(&put.clone().via_role(ROLE)).unwrap();
        assert_ne!(refused.decision, Decision::Allow);
        assert_ne!(refused.path[0].decision, Decision::Allow);

        // As the user itself: nothing of account A allows the upload (5.4).
        assert_eq!(engine.decide(&put).unwrap(), Decision::ImplicitDeny);
    }

    /// Both ways of asking give one decision, on every request of the world.
    #[test]
    fn decide_is_the_decision_of_ask() {
        let engine = cross_account();
        for request in [
            Request::new(USER, "s3:PutObject", OBJECT),
            Request::new(USER, "s3:PutObject", OBJECT).via_role(ROLE),
            Request::new(USER, "s3:PutObject", OBJECT).via_role_with(ROLE, with_external_id("x-1")),
            Request::new(USER, "sts:AssumeRole", ROLE).context("sts:ExternalId", "x-1"),
            Request::new(USER, "s3:PutObject", OBJECT).via_any_role(),
            Request::new(ROLE, "s3:PutObject", OBJECT),
        ] {
            assert_eq!(
                engine.decide(&request).unwrap(),
                engine.ask(&request).unwrap().decision,
                "{:?}",
                request.query()
            );
        }
    }

    #[test]
    fn context_keys_are_set_and_removed() {
        let request = Request::new(USER, "s3:PutObject", OBJECT)
            .context("AWS:SourceIp", "203.0.113.7")
            .context_values("aws:TagKeys", &["a", "b"])
            .context_absent("aws:SourceVpc");
        let context = &request.query().context;
        assert_eq!(
            context.get("aws:sourceip"),
            Some(&ContextValue::Single("203.0.113.7".into()))
        );
        assert_eq!(
            context.get("aws:TagKeys"),
            Some(&ContextValue::Multi(vec!["a".into(), "b".into()]))
        );
        assert!(crate::is_absent(context.get("aws:SourceVpc").unwrap()));
    }

    /// who-can through the facade finds the chain through the role (and only with the id).
    #[test]
    fn who_can_finds_the_chain() {
        let engine = cross_account();
        let answer = engine
            .who_can("s3:PutObject", OBJECT, &Context::new())
            .unwrap();
        let user = answer
            .principals
            .iter()
            .find(|e| e.principal == USER)
            .expect("the user, through the role");
        assert_eq!(user.via, [ROLE]);
        assert_eq!(user.decision(), "conditional");
    }

    #[test]
    fn a_request_the_world_cannot_ask_is_an_error() {
        let engine = cross_account();
        let unknown = Request::new(
            "arn:aws:iam::111111111111:user/nobody",
            "s3:PutObject",
            OBJECT,
        );
        assert!(engine.ask(&unknown).is_err());
        let bad_action = Request::new(USER, "PutObject", OBJECT);
        assert!(engine.decide(&bad_action).is_err());
    }

    #[test]
    fn a_world_that_cannot_load_says_why() {
        let files = MemoryFiles::new("mem").with(
            "world.json",
            r#"{"accounts": {"111111111111": {"users": {"u": {"policies": ["missing.json"]}}}}}"#,
        );
        let error = Engine::from_files(&files).unwrap_err();
        assert!(error
            .diagnostics
            .iter()
            .any(|d| d.code == iamsim_policy::Code::FileNotFound));
    }
}

/// The README's library example, run as a doctest (`cargo test --doc`) so that the README
/// cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeExample;

//! Who asks, for what, on which resource: callers (docs/command-line.md), and the request context each
//! hop carries (rules 2.25, 3.21, 6.9, 6.14).

use iamsim_policy::{Code, Context, ContextValue, Diagnostic};
use iamsim_world::{PolicyHandle, Role, User, World};
use std::collections::BTreeMap;

/// The principal making one request.
#[derive(Clone, Debug)]
pub enum Caller {
    /// An IAM user of the world.
    User {
        /// The user's account id.
        account: String,
        /// The user's name (without its path).
        name: String,
        /// The user as earlier hops of a path changed it (crate::escalation_alter); `None`: as
        /// the world holds it.
        altered: Option<std::sync::Arc<crate::escalation_alter::Altered>>,
    },
    /// A session of a role of the world, as an AssumeRole made it (6.12).
    Session(Session),
    /// The root user of an account.
    Root {
        /// The account whose root user calls.
        account: String,
    },
    /// An unauthenticated caller.
    Anonymous,
    /// A principal of an account the world does not model (who-can's `account:<id>`).
    Outside(Outside),
    /// An identity of an IAM OIDC or SAML provider (`federated:PROVIDER_ARN`, 10.3).
    Federated(iamsim_world::federated::Federated),
}

/// A hypothetical principal of an account outside the world. Nothing of it is known, so its own
/// identity policies are taken to allow whatever it needs: only the world's resource and trust
/// policies (and its SCPs, when the organization lists the account) decide for it. It is a caller
/// kind of its own (0.5): unlike the root user it can assume roles.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Outside {
    /// `None`: an account that no policy names and the world does not model (`account:*`).
    pub account: Option<String>,
    /// A user, role or role session a policy names in that account; `None`: any other
    /// principal of the account.
    pub entity: Option<OutsideEntity>,
}

/// A principal of an outside account that a policy of the world names by ARN (2.11–2.13).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutsideEntity {
    /// An IAM user of that account.
    User {
        /// The user's path (`/` when none).
        path: String,
        /// The user's name.
        name: String,
    },
    /// A session of this role.
    Role {
        /// The role's path (`/` when none).
        path: String,
        /// The role's name.
        name: String,
    },
    /// One session of a role of that account, named by its assumed-role ARN (2.13).
    Session {
        /// The role's name (session ARNs carry no path, 6.12).
        role_name: String,
        /// The session's name.
        session_name: String,
    },
}

impl Outside {
    /// `account:<id>`, `account:*`, or the ARN of the named entity.
    pub fn name(&self) -> String {
        let account = self.account.as_deref().unwrap_or("*");
        match &self.entity {
            None => format!("account:{account}"),
            Some(OutsideEntity::User { path, name }) => {
                format!("arn:aws:iam::{account}:user{path}{name}")
            }
            Some(OutsideEntity::Role { path, name }) => {
                format!("arn:aws:iam::{account}:role{path}{name}")
            }
            Some(OutsideEntity::Session {
                role_name,
                session_name,
            }) => format!("arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"),
        }
    }
}

/// A role session: the result of an AssumeRole (6.12–6.14).
#[derive(Clone, Debug)]
pub struct Session {
    /// The role's account (the session belongs to it, 6.12).
    pub account: String,
    /// The role's name (without its path, as the session ARN writes it).
    pub role_name: String,
    /// The session name given to AssumeRole (`sts:RoleSessionName`, 6.9).
    pub session_name: String,
    /// The session policies passed to AssumeRole: an identity grant of the session also needs
    /// their Allow (4.8).
    pub session_policies: Vec<PolicyHandle>,
    /// `aws:MultiFactorAuthPresent` of the session (docs/world-format.md).
    pub mfa: bool,
    /// The source identity set at AssumeRole (`aws:SourceIdentity` of the session's requests).
    pub source_identity: Option<String>,
    /// Session tags, which overlay the role's tags.
    pub tags: BTreeMap<String, String>,
    /// The role as earlier hops of a path changed it (crate::escalation_alter); `None`: as the
    /// world holds it.
    pub altered: Option<std::sync::Arc<crate::escalation_alter::Altered>>,
}

/// Why a principal or request cannot be asked: a stable code (one of the question codes of
/// [`Code`]: `INVALID_REQUEST_PRINCIPAL`, `UNKNOWN_REQUEST_ENTITY`, ...) and a message. A
/// question has no file position of its own (it comes from the command line or the library);
/// a tests file's case that cannot be asked fails with it as its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestError {
    /// What is wrong, as a stable code.
    pub code: Code,
    /// What is wrong, in the user's words (the offending text in backticks).
    pub message: String,
}

impl RequestError {
    /// An error of `code` saying `message`.
    pub fn new(code: Code, message: impl Into<String>) -> RequestError {
        RequestError {
            code,
            message: message.into(),
        }
    }

    /// The error as a diagnostic with no position, for output that lists diagnostics.
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::detached(self.code, self.message.clone())
    }
}

/// Compiler style, as other diagnostics: `error[CODE]: message`.
impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)
    }
}

impl std::error::Error for RequestError {}

fn err<T>(code: Code, message: String) -> Result<T, RequestError> {
    Err(RequestError::new(code, message))
}

/// The default session name when a role ARN is the caller or a hop names no session.
pub const DEFAULT_SESSION_NAME: &str = "iamsim";

impl Caller {
    /// Reads a principal as docs/command-line.md writes it. Users and roles must exist in the world.
    pub fn parse(world: &World, text: &str) -> Result<Caller, RequestError> {
        if text == "anonymous" {
            return Ok(Caller::Anonymous);
        }
        if let Some(arn) = text.strip_prefix(iamsim_world::federated::PREFIX) {
            return iamsim_world::federated::Federated::parse(arn)
                .map(Caller::Federated)
                .map_err(|message| RequestError::new(Code::InvalidRequestPrincipal, message));
        }
        let Ok(arn) = iamsim_policy::arn::parse_arn(text) else {
            return err(Code::InvalidRequestPrincipal, format!(
                "`{text}` is not a principal: use a user, role, assumed-role or root ARN, or `anonymous`"
            ));
        };
        match (arn.service, arn.resource) {
            ("iam", "root") => {
                if !iamsim_policy::arn::is_account_id(arn.account) {
                    return err(
                        Code::InvalidRequestPrincipal,
                        format!("account id `{}` is not 12 digits", arn.account),
                    );
                }
                Ok(Caller::Root {
                    account: arn.account.to_string(),
                })
            }
            // A CloudFront origin access identity (1.12): a principal of AWS's own, outside
            // every world, with no policies of its own; bucket policies alone grant it access.
            ("iam", _) if arn.account == "cloudfront" => {
                match iamsim_policy::principal::read_aws_principal(text) {
                    Ok(iamsim_policy::AwsPrincipal::User {
                        account,
                        path,
                        name,
                        ..
                    }) => Ok(Caller::Outside(Outside {
                        account: Some(account),
                        entity: Some(OutsideEntity::User { path, name }),
                    })),
                    Ok(_) => err(
                        Code::InvalidRequestPrincipal,
                        format!("`{text}` is not a principal iamsim can ask as"),
                    ),
                    Err(e) => err(Code::InvalidRequestPrincipal, e.message),
                }
            }
            ("iam", r) if r.starts_with("user/") => match world.user_by_arn(text) {
                Some(u) => Ok(Caller::user_of(u)),
                None => err(
                    Code::UnknownRequestEntity,
                    format!("the world has no user `{text}`"),
                ),
            },
            ("iam", r) if r.starts_with("role/") => match world.role_by_arn(text) {
                Some(role) => Ok(Caller::Session(Session::new(role, DEFAULT_SESSION_NAME))),
                None => err(
                    Code::UnknownRequestEntity,
                    format!("the world has no role `{text}`"),
                ),
            },
            ("sts", r) if r.starts_with("assumed-role/") => {
                let rest = r.get("assumed-role/".len()..).unwrap_or("");
                let Some((role_name, session_name)) = rest.split_once('/') else {
                    return err(Code::InvalidRequestPrincipal, format!(
                        "`{text}` needs a role name and a session name: arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION"
                    ));
                };
                let role = world
                    .account(arn.account)
                    .and_then(|a| a.roles.get(role_name));
                match role {
                    Some(role) => Ok(Caller::Session(Session::new(role, session_name))),
                    None => err(Code::UnknownRequestEntity, format!(
                        "the world has no role `{role_name}` in account {}",
                        arn.account
                    )),
                }
            }
            _ => err(Code::InvalidRequestPrincipal, format!(
                "`{text}` is not a principal iamsim can ask as: use a user, role, assumed-role or root ARN, or `anonymous`"
            )),
        }
    }

    /// The account the caller belongs to (`None` for anonymous callers).
    pub fn account(&self) -> Option<&str> {
        match self {
            Caller::User { account, .. } | Caller::Root { account } => Some(account),
            Caller::Session(s) => Some(&s.account),
            Caller::Outside(o) => o.account.as_deref(),
            // Not a principal of any account: the provider's token is the identity (10.3).
            Caller::Anonymous | Caller::Federated(_) => None,
        }
    }

    /// The caller's principal ARN as AWS reports it (the session ARN for sessions).
    pub fn arn(&self, world: &World) -> String {
        match self {
            Caller::User { account, name, .. } => match self.user(world) {
                Some(u) => u.arn().to_string(),
                None => format!("arn:aws:iam::{account}:user/{name}"),
            },
            Caller::Session(s) => s.arn(),
            Caller::Root { account } => format!("arn:aws:iam::{account}:root"),
            Caller::Anonymous => "anonymous".to_string(),
            Caller::Outside(o) => o.name(),
            Caller::Federated(f) => f.principal_name(),
        }
    }

    /// The caller's user as the world holds it (see [`Caller::acting_user`]).
    pub fn user<'w>(&self, world: &'w World) -> Option<&'w User> {
        match self {
            Caller::User { account, name, .. } => world.account(account)?.users.get(name),
            _ => None,
        }
    }

    /// The role of the caller's session as the world holds it (see [`Caller::acting_role`]).
    pub fn role<'w>(&self, world: &'w World) -> Option<&'w Role> {
        match self {
            Caller::Session(s) => world.account(&s.account)?.roles.get(&s.role_name),
            _ => None,
        }
    }

    /// The user whose policies decide the caller's requests: as earlier hops of a path changed
    /// it (crate::escalation_alter), else as the world holds it.
    pub fn acting_user<'w>(&'w self, world: &'w World) -> Option<&'w User> {
        match self.altered() {
            Some(a) => a.user.as_ref(),
            None => self.user(world),
        }
    }

    /// The role whose policies decide the session's requests: as earlier hops of a path changed
    /// it, else as the world holds it.
    pub fn acting_role<'w>(&'w self, world: &'w World) -> Option<&'w Role> {
        match self.altered() {
            Some(a) => a.role.as_ref(),
            None => self.role(world),
        }
    }

    /// A world user, as the world holds it.
    pub fn user_of(user: &User) -> Caller {
        Caller::User {
            account: user.account().to_string(),
            name: user.name().to_string(),
            altered: None,
        }
    }

    /// What earlier hops of a path changed about the caller, if anything.
    pub fn altered(&self) -> Option<&crate::escalation_alter::Altered> {
        match self {
            Caller::User { altered, .. } => altered.as_deref(),
            Caller::Session(s) => s.altered.as_deref(),
            _ => None,
        }
    }

    /// The permissions boundary of the caller's user or role.
    pub fn boundary<'w>(&self, world: &'w World) -> Option<&'w PolicyHandle> {
        match self {
            Caller::User { .. } => self.user(world)?.boundary.as_ref(),
            Caller::Session(_) => self.role(world)?.boundary.as_ref(),
            _ => None,
        }
    }

    /// Whether [`Caller::derive_context`] may set `key` (any case): the decision-only path derives
    /// the caller's keys only when a condition asks for one of them.
    pub(crate) fn may_derive(key: &str) -> bool {
        crate::eval::starts_with_ignore_case(key, "aws:Principal")
            || [
                "aws:username",
                "aws:userid",
                "aws:MultiFactorAuthPresent",
                "aws:SourceIdentity",
            ]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key))
    }

    /// Fills in the keys AWS derives from the caller (2.25, 3.21, 6.14).
    pub fn derive_context(&self, world: &World, ctx: &mut Context) {
        let org = self
            .account()
            .and_then(|a| world.organization().filter(|o| o.contains(a)));
        match self {
            // The token's claims come with the question (10.3): nothing is derived.
            Caller::Federated(_) => return,
            Caller::Anonymous => {
                ctx.set("aws:PrincipalAccount", "anonymous");
                ctx.set("aws:userid", "anonymous");
                ctx.set("aws:PrincipalType", "Anonymous");
                return;
            }
            Caller::User {
                account,
                name,
                altered,
            } => {
                let user = self.acting_user(world);
                // A user that enabled an MFA device on an earlier hop signs in with it.
                if altered.as_ref().is_some_and(|a| a.mfa) {
                    ctx.set("aws:MultiFactorAuthPresent", "true");
                }
                ctx.set(
                    "aws:PrincipalArn",
                    user.map(|u| u.arn().to_string())
                        .unwrap_or_else(|| format!("arn:aws:iam::{account}:user/{name}")),
                );
                ctx.set("aws:PrincipalAccount", account.clone());
                ctx.set("aws:PrincipalType", "User");
                ctx.set("aws:username", name.clone());
                if let Some(u) = user {
                    ctx.set("aws:userid", u.id().to_string());
                    for (k, v) in &u.tags {
                        ctx.set(&format!("aws:PrincipalTag/{k}"), v.clone());
                    }
                }
            }
            Caller::Session(s) => {
                let role = self.acting_role(world);
                if let Some(role) = role {
                    ctx.set("aws:PrincipalArn", role.arn().to_string());
                    ctx.set("aws:userid", format!("{}:{}", role.id(), s.session_name));
                    for (k, v) in &role.tags {
                        ctx.set(&format!("aws:PrincipalTag/{k}"), v.clone());
                    }
                }
                // Session tags replace role tags of the same key, whatever its case (6.14).
                for (k, v) in &s.tags {
                    ctx.set(&format!("aws:PrincipalTag/{k}"), v.clone());
                }
                ctx.set("aws:PrincipalAccount", s.account.clone());
                ctx.set("aws:PrincipalType", "AssumedRole");
                ctx.set(
                    "aws:MultiFactorAuthPresent",
                    if s.mfa { "true" } else { "false" },
                );
                if let Some(si) = &s.source_identity {
                    ctx.set("aws:SourceIdentity", si.clone());
                }
            }
            Caller::Outside(o) => {
                // Only what the hypothetical principal is known to be; who-can leaves the other
                // principal keys open.
                if let Some(account) = &o.account {
                    ctx.set("aws:PrincipalAccount", account.clone());
                }
                match &o.entity {
                    Some(OutsideEntity::User { name, .. }) => {
                        ctx.set("aws:PrincipalArn", o.name());
                        ctx.set("aws:PrincipalType", "User");
                        ctx.set("aws:username", name.clone());
                    }
                    Some(OutsideEntity::Role { .. }) => {
                        ctx.set("aws:PrincipalArn", o.name());
                        ctx.set("aws:PrincipalType", "AssumedRole");
                    }
                    Some(OutsideEntity::Session { .. }) => {
                        ctx.set("aws:PrincipalType", "AssumedRole");
                    }
                    None => {}
                }
            }
            Caller::Root { account } => {
                ctx.set("aws:PrincipalArn", format!("arn:aws:iam::{account}:root"));
                ctx.set("aws:PrincipalAccount", account.clone());
                ctx.set("aws:PrincipalType", "Account");
                ctx.set("aws:userid", account.clone());
            }
        }
        ctx.set("aws:PrincipalIsAWSService", "false");
        if let (Some(org), Some(account)) = (org, self.account()) {
            ctx.set("aws:PrincipalOrgID", org.id.clone());
            if let Some(path) = org.org_paths.get(account) {
                ctx.insert(
                    "aws:PrincipalOrgPaths",
                    ContextValue::Multi(vec![path.clone()]),
                );
            }
        }
    }
}

impl Session {
    /// A fresh session of `role` named `session_name`: no session policies, no MFA, no source
    /// identity, no session tags, the role as the world holds it.
    pub fn new(role: &Role, session_name: &str) -> Session {
        Session {
            account: role.account().to_string(),
            role_name: role.name().to_string(),
            session_name: session_name.to_string(),
            session_policies: Vec::new(),
            mfa: false,
            source_identity: None,
            tags: BTreeMap::new(),
            altered: None,
        }
    }

    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`: the role's name without its path (6.12).
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:sts::{}:assumed-role/{}/{}",
            self.account, self.role_name, self.session_name
        )
    }
}

/// The parameters of one AssumeRole call (docs/world-format.md, `via` objects).
#[derive(Clone, Debug, Default)]
pub struct AssumeRoleParams {
    /// `RoleSessionName`; `None`: the default name, `iamsim`.
    pub session_name: Option<String>,
    /// `ExternalId`, seen by the trust policy as `sts:ExternalId` (6.10).
    pub external_id: Option<String>,
    /// Whether the caller signed in with MFA (`aws:MultiFactorAuthPresent`, 6.9).
    pub mfa: bool,
    /// `DurationSeconds`; checked against the role's maximum session duration.
    pub duration_seconds: Option<u32>,
    /// The session policies passed with the call (they cap the session).
    pub session_policies: Vec<PolicyHandle>,
    /// `SourceIdentity` (`sts:SourceIdentity`; needs `sts:SetSourceIdentity`, 6.7).
    pub source_identity: Option<String>,
    /// Session tags (`aws:RequestTag/KEY`, `aws:TagKeys`; need `sts:TagSession`, 6.7).
    pub tags: BTreeMap<String, String>,
}

impl AssumeRoleParams {
    /// The session name the call gives: its own, or the default `iamsim`.
    pub fn session_name(&self) -> &str {
        self.session_name.as_deref().unwrap_or(DEFAULT_SESSION_NAME)
    }

    /// Whether [`AssumeRoleParams::add_context`] may set `key` (any case).
    pub(crate) fn may_set(key: &str) -> bool {
        crate::eval::starts_with_ignore_case(key, "sts:")
            || crate::eval::starts_with_ignore_case(key, "aws:RequestTag/")
            || key.eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
            || key.eq_ignore_ascii_case("aws:TagKeys")
    }

    /// The keys the AssumeRole call itself adds to the trust policy's context (6.9).
    pub fn add_context(&self, ctx: &mut Context) {
        ctx.set("sts:RoleSessionName", self.session_name());
        if let Some(x) = &self.external_id {
            ctx.set("sts:ExternalId", x.clone());
        }
        if self.mfa {
            ctx.set("aws:MultiFactorAuthPresent", "true");
        }
        if let Some(si) = &self.source_identity {
            ctx.set("sts:SourceIdentity", si.clone());
        }
        if !self.tags.is_empty() {
            for (k, v) in &self.tags {
                ctx.set(&format!("aws:RequestTag/{k}"), v.clone());
            }
            ctx.insert(
                "aws:TagKeys",
                ContextValue::Multi(self.tags.keys().cloned().collect()),
            );
        }
    }
}

/// A requested action: `service:Operation`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// The action as written (its case kept; matching ignores case, 2.1).
    pub text: String,
}

impl Action {
    /// Reads `service:Operation` (letters, digits, `-` in the service; `_` also in the
    /// operation); anything else, wildcards included, is a [`RequestError`].
    pub fn parse(text: &str) -> Result<Action, RequestError> {
        let valid = text.split_once(':').is_some_and(|(svc, name)| {
            !svc.is_empty()
                && !name.is_empty()
                && svc.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
        if !valid {
            return err(
                Code::InvalidRequestAction,
                format!(
                "`{text}` is not an action: write `service:Operation`, for example `s3:GetObject`"
            ),
            );
        }
        Ok(Action {
            text: text.to_string(),
        })
    }

    /// The lower-cased service prefix.
    pub fn service(&self) -> String {
        self.text
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// Whether this is the action `other`, ignoring case as action matching does (2.1).
    pub fn is(&self, other: &str) -> bool {
        self.text.eq_ignore_ascii_case(other)
    }
}

pub use iamsim_world::context::{absent, is_absent};

/// Reads `KEY=VALUE` (command line `--context`): `true`/`false` and numbers stay strings, as
/// conditions compare their string forms (1.4); `a,b` is not split (use a tests file for lists).
/// `KEY=null` is the key's absence, as `null` is in a tests file (formats.md 5, see [`absent`]).
pub fn parse_context_arg(arg: &str) -> Result<(String, ContextValue), RequestError> {
    let Some((k, v)) = arg.split_once('=') else {
        return err(
            Code::InvalidContextArgument,
            format!("`{arg}` is not KEY=VALUE"),
        );
    };
    if k.is_empty() || !k.contains(':') {
        return err(
            Code::InvalidContextArgument,
            format!(
            "`{k}` is not a condition key: write it as `service:Key`, for example `aws:SourceIp`"
        ),
        );
    }
    if v == "null" {
        return Ok((k.to_string(), absent()));
    }
    Ok((k.to_string(), ContextValue::Single(v.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each way a question's parts can be wrong has its own code, and the error renders as
    /// every diagnostic does.
    #[test]
    fn request_errors_carry_their_codes() {
        let trust = crate::test_world::TEST_TRUST_A;
        let world = crate::test_world::test_world(&format!(
            r#"{{"accounts": {{"111111111111": {{"users": {{"alice": {{}}}},
                "roles": {{"Admin": {{"trust": {trust}}}}}}}}}}}"#
        ));
        let code = |text: &str| Caller::parse(&world, text).unwrap_err().code;
        assert_eq!(code("alice"), Code::InvalidRequestPrincipal);
        assert_eq!(
            code("arn:aws:iam::1111:root"),
            Code::InvalidRequestPrincipal
        );
        assert_eq!(
            code("arn:aws:sts::111111111111:assumed-role/Admin"),
            Code::InvalidRequestPrincipal
        );
        assert_eq!(
            code("arn:aws:iam::111111111111:user/bob"),
            Code::UnknownRequestEntity
        );
        assert_eq!(
            code("arn:aws:sts::111111111111:assumed-role/Other/s"),
            Code::UnknownRequestEntity
        );
        assert!(Caller::parse(&world, "arn:aws:iam::111111111111:user/alice").is_ok());
        for bad in ["s3:*", "s3", "s3:Get Object", ":GetObject"] {
            let e = Action::parse(bad).unwrap_err();
            assert_eq!(e.code, Code::InvalidRequestAction, "{bad}");
            assert!(
                e.to_string()
                    .starts_with("error[INVALID_REQUEST_ACTION]: `"),
                "{e}"
            );
        }
        for bad in ["aws:SourceIp", "SourceIp=1.2.3.4", "=x"] {
            let e = parse_context_arg(bad).unwrap_err();
            assert_eq!(e.code, Code::InvalidContextArgument, "{bad}");
        }
        let e = parse_context_arg("nokey").unwrap_err();
        assert_eq!(e.diagnostic().code, Code::InvalidContextArgument);
        assert_eq!(e.diagnostic().message, e.message);
    }

    /// The decision-only path looks derived keys up only where these filters say they may be:
    /// every key the derivations write must pass them.
    #[test]
    fn every_derived_key_passes_its_filter() {
        let trust = crate::test_world::TEST_TRUST_A;
        let world = crate::test_world::test_world(&format!(
            r#"{{"accounts": {{"111111111111": {{
                "users": {{"alice": {{"tags": {{"team": "blue"}}}}}},
                "roles": {{"Admin": {{"trust": {trust}, "tags": {{"k": "v"}}}}}}}}}},
              "organization": {{"id": "o-test", "root": {{"accounts": ["111111111111"]}}}}}}"#
        ));
        let role = world
            .role_by_arn("arn:aws:iam::111111111111:role/Admin")
            .unwrap();
        let mut session = Session::new(role, "s");
        session.mfa = true;
        session.source_identity = Some("me".into());
        session.tags.insert("x".into(), "y".into());
        let callers = [
            Caller::User {
                account: "111111111111".into(),
                name: "alice".into(),
                altered: None,
            },
            Caller::Session(session),
            Caller::Root {
                account: "111111111111".into(),
            },
            Caller::Anonymous,
            Caller::Outside(Outside {
                account: Some("222222222222".into()),
                entity: Some(OutsideEntity::User {
                    path: "/".into(),
                    name: "bob".into(),
                }),
            }),
        ];
        for caller in &callers {
            let mut ctx = Context::new();
            caller.derive_context(&world, &mut ctx);
            assert!(ctx.iter().count() > 0);
            for (k, _) in ctx.iter() {
                assert!(Caller::may_derive(k), "{k} ({caller:?})");
                assert!(
                    !AssumeRoleParams::may_set(k)
                        || k.eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
                );
                assert!(!crate::eval::is_resource_key(k), "{k}");
            }
        }
        let mut params = AssumeRoleParams {
            session_name: Some("s".into()),
            external_id: Some("x".into()),
            mfa: true,
            source_identity: Some("me".into()),
            ..AssumeRoleParams::default()
        };
        params.tags.insert("team".into(), "blue".into());
        let mut ctx = Context::new();
        params.add_context(&mut ctx);
        assert!(ctx.iter().count() >= 6);
        for (k, _) in ctx.iter() {
            assert!(AssumeRoleParams::may_set(k), "{k}");
        }
        assert!(!Caller::may_derive("aws:SourceIp"));
        assert!(!AssumeRoleParams::may_set("aws:SourceIp"));
    }
}

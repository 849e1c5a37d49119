//! The decision for one request (docs/rules.md sections 4, 5 and 7): explicit deny, the SCP and
//! RCP gates, identity grants with boundaries and session policies, resource-based grants by match
//! kind, same-account and cross-account rules, S3 specifics, and the answer's explanation.

use crate::explain::{Decision, Hop, Outcome, Reason};
use crate::request::{Action, AssumeRoleParams, Caller, Session};
use crate::s3;
use crate::statement::{match_statement, PrincipalMatch, RequestView, StatementMatch};
use crate::world::{Bucket, LoadedPolicy, OrgLevel, PolicyHandle, Role, User, World};
use iamsim_policy::arn::{parse_arn, Arn};
use iamsim_policy::{Context, Effect, RequestResource, Truth};
use std::collections::BTreeMap;

/// One request to decide: an AssumeRole hop or the final request of a chain.
pub struct HopRequest<'a> {
    pub caller: &'a Caller,
    pub action: &'a Action,
    pub resource: &'a str,
    /// The caller's environment from the user; overrides derived keys (docs/world-format.md).
    pub context: &'a Context,
    /// Set when the request is an AssumeRole (or TagSession) hop.
    pub assume: Option<&'a AssumeRoleParams>,
}

/// Services whose resources RCPs govern (4.6); kept as data so additions are one line.
pub const RCP_SERVICES: &[&str] = &[
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "cognito-identity",
    "logs",
    "dynamodb",
    "ecr",
    "aoss",
];

/// What the request's resource is, as far as the world knows.
pub(crate) enum Target<'a> {
    /// `*`: the action takes no resource; it acts on the caller's own account (2.10).
    Wildcard,
    Bucket(&'a Bucket),
    /// A bucket the world does not declare: owner and policy unknown (2.10).
    UnknownBucket(&'a str),
    Role(&'a Role),
    /// A role ARN in an account the world models, naming no role.
    MissingRole,
    /// Any other ARN; `account` is its owner when the ARN names one.
    Other {
        account: Option<&'a str>,
        policy: Option<&'a LoadedPolicy>,
        tags: Option<&'a BTreeMap<String, String>>,
    },
}

/// The world's user or role behind a caller (a role session's role).
#[derive(Clone, Copy)]
pub(crate) enum Entity<'a> {
    User(&'a User),
    Role(&'a Role),
    /// Root, anonymous, outside, or a user or role the world does not have.
    None,
}

impl<'a> Entity<'a> {
    pub(crate) fn of(world: &'a World, caller: &Caller) -> Entity<'a> {
        match caller {
            Caller::User { .. } => caller.user(world).map_or(Entity::None, Entity::User),
            Caller::Session(_) => caller.role(world).map_or(Entity::None, Entity::Role),
            _ => Entity::None,
        }
    }
}

/// What an applicable policy is to the request, as explanations name it. Kept as borrowed parts
/// and written out only when an explanation is built.
#[derive(Clone, Copy)]
pub(crate) enum Who<'a> {
    UserPolicy(&'a str),
    /// (group, user)
    GroupPolicy(&'a str, &'a str),
    UserBoundary(&'a str),
    RolePolicy(&'a str),
    RoleBoundary(&'a str),
    SessionPolicy(&'a Session),
    Scp(&'a str),
    Rcp(&'a str),
    BucketPolicy(&'a str),
    TrustPolicy(&'a str),
    ResourcePolicy(&'a str),
}

impl Who<'_> {
    fn describe(self) -> String {
        match self {
            Who::UserPolicy(name) => format!("identity policy of user {name}"),
            Who::GroupPolicy(g, name) => format!("policy of group {g} (user {name})"),
            Who::UserBoundary(name) => format!("permissions boundary of user {name}"),
            Who::RolePolicy(name) => format!("identity policy of role {name}"),
            Who::RoleBoundary(name) => format!("permissions boundary of role {name}"),
            Who::SessionPolicy(s) => format!("session policy of {}", s.arn()),
            Who::Scp(level) => format!("SCP at {level}"),
            Who::Rcp(level) => format!("RCP at {level}"),
            Who::BucketPolicy(name) => format!("bucket policy of {name}"),
            Who::TrustPolicy(name) => format!("trust policy of role {name}"),
            Who::ResourcePolicy(arn) => format!("resource policy of {arn}"),
        }
    }
}

struct Applicable<'w> {
    policy: &'w LoadedPolicy,
    who: Who<'w>,
    kind: PolicyKind,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum PolicyKind {
    Identity,
    Boundary,
    Session,
    Resource,
    Scp(usize),
    Rcp(usize),
}

struct Evaluated<'w> {
    applicable: Applicable<'w>,
    matches: Vec<StatementMatch>,
}

impl Evaluated<'_> {
    fn statements(&self) -> impl Iterator<Item = (&iamsim_policy::Statement, &StatementMatch)> {
        self.applicable
            .policy
            .policy
            .statements
            .iter()
            .zip(self.matches.iter())
    }

    /// OR over this policy's Allow statements.
    fn allows(&self) -> Truth {
        self.statements()
            .filter(|(s, _)| s.effect.value == Effect::Allow)
            .fold(Truth::False, |acc, (_, m)| acc.or(m.applies))
    }

    fn allows_by_kind(&self, filter: &dyn Fn(&iamsim_policy::Statement) -> bool) -> PrincipalMatch {
        let mut k = PrincipalMatch::NONE;
        for (s, m) in self.statements() {
            if s.effect.value == Effect::Allow && filter(s) {
                k.direct = k.direct.or(m.by_kind.direct);
                k.entity = k.entity.or(m.by_kind.entity);
                k.account = k.account.or(m.by_kind.account);
            }
        }
        k
    }

    fn denies(&self) -> Truth {
        self.statements()
            .filter(|(s, _)| s.effect.value == Effect::Deny)
            .fold(Truth::False, |acc, (_, m)| acc.or(m.applies))
    }
}

pub(crate) fn is_assume_action(action: &Action) -> bool {
    [
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "sts:TagSession",
        "sts:SetSourceIdentity",
    ]
    .iter()
    .any(|a| action.is(a))
}

/// IAM actions that change a role (or pass it), which AWS refuses on roles it manages.
const ROLE_CHANGES: &[&str] = &[
    "attachrolepolicy",
    "createrole",
    "createservicelinkedrole",
    "deleterole",
    "deleterolepermissionsboundary",
    "deleterolepolicy",
    "deleteservicelinkedrole",
    "detachrolepolicy",
    "passrole",
    "putrolepermissionsboundary",
    "putrolepolicy",
    "tagrole",
    "untagrole",
    "updateassumerolepolicy",
    "updaterole",
    "updateroledescription",
];

fn changes_aws_managed_role(req: &HopRequest<'_>) -> bool {
    let name = req.action.text.split_once(':').map_or("", |(_, n)| n);
    let managed = req
        .resource
        .split_once(":role/")
        .is_some_and(|(head, path)| {
            head.starts_with("arn:aws:iam::")
                && (path.starts_with("aws-reserved/") || path.starts_with("aws-service-role/"))
        });
    managed && ROLE_CHANGES.iter().any(|c| c.eq_ignore_ascii_case(name))
}

/// Requests decided before any policy is read.
pub(crate) enum Early {
    /// 4.13: GetCallerIdentity needs no permission and cannot be denied.
    CallerIdentity,
    /// 6.6: the root user cannot call AssumeRole at all.
    RootAssume,
}

pub(crate) fn early(req: &HopRequest<'_>) -> Option<Early> {
    if req.action.is("sts:GetCallerIdentity") && !matches!(req.caller, Caller::Anonymous) {
        return Some(Early::CallerIdentity);
    }
    if matches!(req.caller, Caller::Root { .. }) && is_assume_action(req.action) {
        return Some(Early::RootAssume);
    }
    None
}

/// What a request touches and which policies apply to it beyond the caller's own (4.2): the
/// facts both the explained path and the decision-only path ([`crate::decide_only`]) start from.
pub(crate) struct Scope<'a> {
    pub target: Target<'a>,
    /// The caller's user or role in the world, looked up once.
    pub entity: Entity<'a>,
    pub caller_account: Option<&'a str>,
    /// The resource's owner, when known.
    pub owner: Option<&'a str>,
    pub scp_levels: Option<&'a [OrgLevel]>,
    pub rcp_levels: Option<&'a [OrgLevel]>,
    pub rcp_supported: bool,
    /// AssumeRole on a role: the trust policy must allow, even in the same account.
    pub mandatory_resource_policy: bool,
    pub resource_policy: Option<(&'a LoadedPolicy, Who<'a>)>,
    /// Whether the world knows the resource-based policy (or that there is none).
    pub resource_policy_known: bool,
    /// 4.3: the bucket owner's root keeps access to its bucket policy whatever it denies.
    pub lockout_exempt: bool,
}

/// `arn`: the request's resource split (`None` for `*` or text that is not an ARN); `service`:
/// the action's service prefix, lower-cased.
pub(crate) fn scope<'a>(
    world: &'a World,
    req: &HopRequest<'a>,
    arn: Option<&Arn<'a>>,
    service: &str,
) -> Scope<'a> {
    let target = resolve_target(world, req.resource, arn);
    let caller_account = req.caller.account();
    let owner: Option<&str> = match &target {
        Target::Wildcard => caller_account,
        Target::Bucket(b) => Some(&b.account),
        Target::UnknownBucket(_) => None,
        Target::Role(r) => Some(&r.account),
        Target::MissingRole => arn.map(|a| a.account).filter(|a| !a.is_empty()),
        Target::Other { account, .. } => *account,
    };
    let entity = Entity::of(world, req.caller);
    let caller_is_service_linked = matches!(entity, Entity::Role(r) if r.is_service_linked());
    let org = world.organization.as_ref();
    let scp_levels: Option<&[OrgLevel]> = match (req.caller, caller_account) {
        (Caller::Anonymous, _) | (_, None) => None,
        (_, Some(acct)) => {
            if caller_is_service_linked || org.is_some_and(|o| o.is_management(acct)) {
                None
            } else {
                world.org_levels(acct)
            }
        }
    };
    let rcp_supported = RCP_SERVICES.contains(&service);
    let rcp_levels: Option<&[OrgLevel]> = match owner {
        Some(acct)
            if rcp_supported
                && !caller_is_service_linked
                && !org.is_some_and(|o| o.is_management(acct)) =>
        {
            world.org_levels(acct)
        }
        _ => None,
    };
    let assume = is_assume_action(req.action);
    let mandatory_resource_policy = matches!(target, Target::Role(_)) && assume;
    let (resource_policy, resource_policy_known): (Option<&LoadedPolicy>, bool) = match &target {
        Target::Wildcard => (None, true),
        Target::Bucket(b) => (b.policy.as_deref(), true),
        Target::UnknownBucket(_) => (None, false),
        Target::Role(r) => {
            if assume {
                (Some(&*r.trust), true)
            } else {
                (None, true)
            }
        }
        Target::MissingRole => (None, true),
        Target::Other {
            account, policy, ..
        } => {
            let modelled = account.is_some_and(|a| world.accounts.contains_key(a));
            // S3 ARNs other than buckets and objects (access points, Multi-Region Access
            // Points) carry policies this release does not model (10.2), unless the world
            // declares the resource.
            let unmodelled_s3 = service == "s3" && policy.is_none();
            (*policy, modelled && !unmodelled_s3)
        }
    };
    let resource_policy = resource_policy.map(|p| {
        let who = match &target {
            Target::Bucket(b) => Who::BucketPolicy(&b.name),
            Target::Role(r) => Who::TrustPolicy(&r.name),
            _ => Who::ResourcePolicy(req.resource),
        };
        (p, who)
    });
    let lockout_exempt = matches!((&target, req.caller), (Target::Bucket(b), Caller::Root { account }) if &b.account == account)
        && [
            "s3:GetBucketPolicy",
            "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy",
        ]
        .iter()
        .any(|a| req.action.is(a));
    Scope {
        target,
        entity,
        caller_account,
        owner,
        scp_levels,
        rcp_levels,
        rcp_supported,
        mandatory_resource_policy,
        resource_policy,
        resource_policy_known,
        lockout_exempt,
    }
}

/// 7.3: bucket-policy operations are for the owner's account only. `Some(owner)` when the
/// request is one by another account (an implicit deny, unless a Deny already decided it).
pub(crate) fn foreign_bucket_policy_op<'a>(
    req: &HopRequest<'_>,
    scope: &Scope<'a>,
) -> Option<&'a str> {
    let (Target::Bucket(b), Some(acct)) = (&scope.target, scope.caller_account) else {
        return None;
    };
    let policy_op = [
        "s3:GetBucketPolicy",
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
    ]
    .iter()
    .any(|a| req.action.is(a));
    (policy_op && b.account != acct).then_some(b.account.as_str())
}

/// The keys AWS derives from the resource (2.25): its account, organization and tags.
pub(crate) fn add_resource_context(world: &World, scope: &Scope<'_>, ctx: &mut Context) {
    if let Some(owner) = scope.owner {
        ctx.set("aws:ResourceAccount", owner);
        if let Some(org) = world.organization.as_ref().filter(|o| o.contains(owner)) {
            ctx.set("aws:ResourceOrgID", org.id.clone());
        }
    }
    let resource_tags = match &scope.target {
        Target::Bucket(b) => Some(&b.tags),
        Target::Role(r) => Some(&r.tags),
        Target::Other { tags, .. } => *tags,
        _ => None,
    };
    for (k, v) in resource_tags.into_iter().flatten() {
        ctx.set(&format!("aws:ResourceTag/{k}"), v.clone());
        if matches!(scope.target, Target::Role(_)) {
            ctx.set(&format!("iam:ResourceTag/{k}"), v.clone());
        }
    }
}

/// Whether [`add_resource_context`] may set `key`: the decision-only path builds those keys only
/// when a condition asks for one of them.
pub(crate) fn is_resource_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("aws:ResourceAccount")
        || key.eq_ignore_ascii_case("aws:ResourceOrgID")
        || starts_with_ignore_case(key, "aws:ResourceTag/")
        || starts_with_ignore_case(key, "iam:ResourceTag/")
}

pub(crate) fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// What the caller's own policies say, and the organization's gates: the inputs of the grant
/// rules, however they were computed.
pub(crate) struct Tally {
    /// OR over the identity policies' Allow statements.
    pub identity: Truth,
    /// `None` when the caller has no permissions boundary.
    pub boundary: Option<Truth>,
    /// `None` when the caller has no session policy.
    pub session: Option<Truth>,
    pub scp_gate: Truth,
    pub rcp_gate: Truth,
}

/// The grant rules' answer and what the explanation says about it.
pub(crate) struct Grants {
    pub result: Truth,
    pub id: Truth,
    pub pb: Truth,
    pub sp: Truth,
    pub rp: PrincipalMatch,
    pub same_account: bool,
    pub is_root: bool,
}

fn note(notes: &mut Option<&mut Vec<String>>, text: impl FnOnce() -> String) {
    if let Some(n) = notes.as_deref_mut() {
        n.push(text());
    }
}

/// The grant rules (4.3–4.14, 5, 6, 7.10, 10): identity grants with boundaries and session
/// policies, resource-based grants by match kind, same-account and cross-account. `rp_of(true)`
/// is the resource policy's Allow grants by kind counting only its non-public statements,
/// `rp_of(false)` all of them. Notes are written only when `notes` is given.
pub(crate) fn grants(
    world: &World,
    req: &HopRequest<'_>,
    scope: &Scope<'_>,
    service: &str,
    t: &Tally,
    rp_of: Option<&dyn Fn(bool) -> PrincipalMatch>,
    mut notes: Option<&mut Vec<String>>,
) -> Grants {
    let session = t.session.unwrap_or(Truth::True);
    let is_root = matches!(req.caller, Caller::Root { .. });
    let (id, pb, sp) = if is_root || matches!(req.caller, Caller::Outside(_)) {
        // The root user has every permission of its account; nothing is attached to it (4.3).
        // A hypothetical outside principal's own policies are taken to allow what it needs.
        (Truth::True, Truth::True, Truth::True)
    } else {
        (t.identity, t.boundary.unwrap_or(Truth::True), session)
    };

    // Resource-based grants by principal match kind, with S3 Block Public Access applied.
    let public_blocked = match &scope.target {
        Target::Bucket(b) => s3::restrict_public_buckets(world, b),
        _ => false,
    };
    let same_account_caller = scope.owner.is_some() && scope.owner == scope.caller_account;
    let mut rp = PrincipalMatch::NONE;
    if let (Some(rp_of), Some((policy, _))) = (rp_of, scope.resource_policy) {
        let policy_is_public = public_blocked && s3::policy_is_public(&policy.policy);
        if policy_is_public && !same_account_caller {
            note(&mut notes, || {
                "Block Public Access RestrictPublicBuckets is on and the bucket policy is public: its grants to other accounts and anonymous callers do not work (7.10)".into()
            });
        } else if policy_is_public {
            note(&mut notes, || {
                "Block Public Access RestrictPublicBuckets is on and the bucket policy is public: its public statements grant nothing (7.10)".into()
            });
            rp = rp_of(true);
        } else {
            rp = rp_of(false);
        }
    }
    if !scope.resource_policy_known {
        rp = PrincipalMatch {
            direct: Truth::Unknown,
            entity: Truth::Unknown,
            account: Truth::Unknown,
        };
    }

    let same = if scope.mandatory_resource_policy {
        // 4.12 and 6.4: the trust policy must match; a direct match also needs the boundary.
        rp.direct
            .and(pb)
            .or(rp.entity.and(pb).and(sp))
            .or(rp.account.and(id).and(pb).and(sp))
    } else if is_root {
        Truth::True
    } else {
        rp.direct
            .or(rp.entity.and(pb).and(sp))
            .or(id.and(pb).and(sp))
    };
    let cross = id.and(pb).and(sp).and(rp.any());
    let allowed = match (scope.owner, req.caller) {
        (_, Caller::Anonymous) => rp.direct,
        (None, _) => {
            if same == cross {
                same
            } else {
                Truth::Unknown
            }
        }
        (Some(_), _) if same_account_caller => same,
        _ => cross,
    };
    let mut result = t.scp_gate.and(t.rcp_gate).and(allowed);
    // An unknown resource policy may hold a Deny: never ALLOW past it (2.10, 0.3).
    if !scope.resource_policy_known {
        result = result.and(Truth::Unknown);
    }

    // 10.1: KMS key policies are not modelled, so a KMS request can never be proven allowed.
    if service == "kms" && result == Truth::True {
        result = Truth::Unknown;
        note(&mut notes, || {
            "KMS key policies and grants are not modelled in this release (10.1)".into()
        });
    }
    // 7.7: the world has no Object Ownership setting; the default for new buckets applies.
    if let (Target::Bucket(b), Some(acct)) = (&scope.target, scope.caller_account) {
        if req.resource.contains('/') && b.account != acct {
            note(&mut notes, || {
                format!(
                "objects of {} are taken as owned by the bucket owner ({}): Object Ownership \"bucket owner enforced\", the default for new buckets (7.7)",
                b.name, b.account
            )
            });
        }
    }
    // 10.3, 10.4: roles under /aws-reserved/ (IAM Identity Center) and /aws-service-role/
    // (service-linked roles) are managed by AWS, which refuses changes made through IAM whatever
    // the policies say. Not modelled, so such a change is never proven allowed.
    if result == Truth::True && service == "iam" && changes_aws_managed_role(req) {
        result = Truth::Unknown;
        note(&mut notes, || {
            "roles under /aws-reserved/ and /aws-service-role/ are managed by AWS, which refuses \
             changes to them through IAM; not modelled in this release (10.3, 10.4)"
                .into()
        });
    }
    // 9.5: a session-ARN grant is not limited by the session policy per the docs; a simulator disagrees.
    if result == Truth::True
        && same_account_caller
        && rp.direct == Truth::True
        && session != Truth::True
        && matches!(req.caller, Caller::Session(_))
    {
        note(&mut notes, || {
            "allowed by a resource policy naming the session ARN, which the AWS docs say session policies do not limit; iam-simulate disagrees (9.5)".into()
        });
    }
    Grants {
        result,
        id,
        pb,
        sp,
        rp,
        same_account: same_account_caller,
        is_root,
    }
}

pub(crate) fn decision_of(result: Truth) -> Decision {
    match result {
        Truth::True => Decision::Allow,
        Truth::False => Decision::ImplicitDeny,
        Truth::Unknown => Decision::Indeterminate,
    }
}

/// Decides one request and explains it.
pub fn evaluate_hop(world: &World, req: &HopRequest<'_>) -> Hop {
    evaluate_hop_with(world, req, None)
}

/// [`evaluate_hop`], with who-can's open conditions decided by `open` (crate::open).
pub(crate) fn evaluate_hop_with(
    world: &World,
    req: &HopRequest<'_>,
    open: Option<&crate::open::Oracle<'_>>,
) -> Hop {
    let caller_arn = req.caller.arn(world);
    let mut hop = Hop {
        principal: caller_arn.clone(),
        action: req.action.text.clone(),
        resource: req.resource.to_string(),
        decision: Decision::ImplicitDeny,
        summary: Vec::new(),
        reasons: Vec::new(),
        notes: Vec::new(),
    };
    let service = req.action.service();

    match early(req) {
        Some(Early::CallerIdentity) => {
            hop.decision = Decision::Allow;
            hop.summary.push(
                "sts:GetCallerIdentity needs no permission and cannot be denied (4.13)".into(),
            );
            return hop;
        }
        Some(Early::RootAssume) => {
            hop.summary.push(
                "the root user of an account cannot call AssumeRole (6.6); no policy is consulted"
                    .into(),
            );
            return hop;
        }
        None => {}
    }

    let arn = if req.resource == "*" {
        None
    } else {
        parse_arn(req.resource).ok()
    };
    let scope = scope(world, req, arn.as_ref(), &service);
    if let Target::MissingRole = scope.target {
        hop.summary.push(format!(
            "the world has no role `{}`; its account is modelled, so the role does not exist",
            req.resource
        ));
        return hop;
    }

    // The request context: derived caller and resource keys, then the user's values on top.
    let mut ctx = Context::new();
    req.caller.derive_context(world, &mut ctx);
    add_resource_context(world, &scope, &mut ctx);
    if let Some(params) = req.assume {
        params.add_context(&mut ctx);
    }
    for (k, v) in req.context.iter() {
        ctx.insert(k, v.clone());
    }

    let request_resource = if req.resource == "*" {
        RequestResource::Wildcard { service: &service }
    } else {
        RequestResource::Arn(req.resource)
    };
    let quiet = open.is_some_and(|o| o.quiet);
    let view = RequestView {
        world,
        caller: req.caller,
        caller_arn: &caller_arn,
        action: &req.action.text,
        resource_text: req.resource,
        resource: request_resource,
        resource_arn: arn.as_ref(),
        context: &ctx,
        open,
        quiet,
    };

    // The applicable policies (4.2).
    let mut applicable: Vec<Applicable<'_>> = Vec::new();
    for_each_identity_policy(world, req.caller, &mut |policy, kind, who| {
        applicable.push(Applicable { policy, who, kind });
    });
    for (i, level) in scope.scp_levels.unwrap_or(&[]).iter().enumerate() {
        for p in &level.scps {
            applicable.push(Applicable {
                policy: p,
                who: Who::Scp(&level.name),
                kind: PolicyKind::Scp(i),
            });
        }
    }
    for (i, level) in scope.rcp_levels.unwrap_or(&[]).iter().enumerate() {
        for p in &level.rcps {
            applicable.push(Applicable {
                policy: p,
                who: Who::Rcp(&level.name),
                kind: PolicyKind::Rcp(i),
            });
        }
    }
    if let Some((policy, who)) = scope.resource_policy {
        applicable.push(Applicable {
            policy,
            who,
            kind: PolicyKind::Resource,
        });
    }

    // Match every statement once.
    let evaluated: Vec<Evaluated<'_>> = applicable
        .into_iter()
        .map(|a| {
            let matches = a
                .policy
                .policy
                .statements
                .iter()
                .map(|s| match_statement(s, &view))
                .collect();
            Evaluated {
                applicable: a,
                matches,
            }
        })
        .collect();

    // 4.5: an explicit deny anywhere wins.
    let mut deny = Truth::False;
    for e in &evaluated {
        if scope.lockout_exempt && e.applicable.kind == PolicyKind::Resource {
            continue;
        }
        deny = deny.or(e.denies());
    }
    if !quiet {
        add_reasons(&evaluated, &mut hop);
    }
    if deny.may_be_true() {
        hop.decision = Decision::ExplicitDeny;
        hop.summary.push(match deny {
            Truth::Unknown => "a Deny statement matches under one reading of a construct AWS leaves open; a Deny that may apply is taken to apply (0.2)".into(),
            _ => "a Deny statement matches, and an explicit deny overrides every allow (4.5)".into(),
        });
        return hop;
    }
    if scope.lockout_exempt {
        hop.notes.push("the bucket owner's root user can always read and change its bucket policy; a bucket-policy Deny does not apply (4.3)".into());
    }
    if let Some(owner) = foreign_bucket_policy_op(req, &scope) {
        hop.summary.push(format!(
            "only the bucket owner's account ({owner}) can read or change a bucket policy; S3 refuses other accounts whatever the policies say (7.3)"
        ));
        return hop;
    }

    // 4.7 and 4.6: every level of the organization must allow.
    let scp_gate = gate(&evaluated, scope.scp_levels, true);
    let rcp_gate = if scope.owner.is_none()
        && scope.rcp_supported
        && !matches!(scope.target, Target::Wildcard)
    {
        // The owner is unknown, so whether RCPs apply is unknown too (2.10).
        Truth::Unknown
    } else {
        gate(&evaluated, scope.rcp_levels, false)
    };
    if let Some((truth, level)) = gate_failure(&evaluated, scope.scp_levels, true) {
        if truth == Truth::False {
            hop.summary.push(format!(
                "no SCP attached at {level} allows it; every level from the root to the account must allow (4.7)"
            ));
            return hop;
        }
    }
    if let Some((truth, level)) = gate_failure(&evaluated, scope.rcp_levels, false) {
        if truth == Truth::False {
            hop.summary.push(format!(
                "no RCP attached at {level} allows it; every level must allow (4.6)"
            ));
            return hop;
        }
    }

    // Grants.
    let has = |kind: PolicyKind| evaluated.iter().any(|e| e.applicable.kind == kind);
    let tally = Tally {
        identity: fold_allow(&evaluated, PolicyKind::Identity),
        boundary: has(PolicyKind::Boundary).then(|| fold_allow(&evaluated, PolicyKind::Boundary)),
        session: has(PolicyKind::Session).then(|| fold_allow(&evaluated, PolicyKind::Session)),
        scp_gate,
        rcp_gate,
    };
    let resource = evaluated
        .iter()
        .find(|e| e.applicable.kind == PolicyKind::Resource);
    let rp_of = |non_public_only: bool| {
        resource.map_or(PrincipalMatch::NONE, |e| {
            e.allows_by_kind(&|s| !non_public_only || !s3::statement_is_public(s))
        })
    };
    let g = grants(
        world,
        req,
        &scope,
        &service,
        &tally,
        resource.map(|_| &rp_of as &dyn Fn(bool) -> PrincipalMatch),
        Some(&mut hop.notes),
    );
    hop.decision = decision_of(g.result);
    if quiet {
        return hop;
    }
    explain_grants(
        &mut hop,
        Explain {
            target: &scope.target,
            owner: scope.owner,
            caller: req.caller,
            same_account: g.same_account,
            mandatory: scope.mandatory_resource_policy,
            id: g.id,
            pb: g.pb,
            sp: g.sp,
            rp: g.rp,
            has_resource_policy: scope.resource_policy.is_some(),
            resource_policy_known: scope.resource_policy_known,
            scp_gate,
            rcp_gate,
            is_root: g.is_root,
            world_models_owner: scope.owner.is_some_and(|o| world.accounts.contains_key(o)),
        },
    );
    hop
}

fn resolve_target<'a>(world: &'a World, resource: &'a str, arn: Option<&Arn<'a>>) -> Target<'a> {
    if resource == "*" {
        return Target::Wildcard;
    }
    let Some(arn) = arn else {
        return Target::Other {
            account: None,
            policy: None,
            tags: None,
        };
    };
    if arn.service == "s3" && arn.account.is_empty() && arn.region.is_empty() {
        let bucket = arn.resource.split('/').next().unwrap_or("");
        return match world.bucket(bucket) {
            Some(b) => Target::Bucket(b),
            None => Target::UnknownBucket(bucket),
        };
    }
    if arn.service == "iam" && arn.resource.starts_with("role/") {
        if let Some(role) = world.role_by_arn(resource) {
            return Target::Role(role);
        }
        if world.accounts.contains_key(arn.account) {
            return Target::MissingRole;
        }
    }
    let found = world.resource(resource);
    Target::Other {
        account: Some(arn.account).filter(|a| !a.is_empty()),
        policy: found.and_then(|r| r.policy.as_deref()),
        tags: found.map(|r| &r.tags),
    }
}

/// The caller's identity-based policies, permissions boundary and session policies, in the
/// order explanations list them.
pub(crate) fn for_each_identity_policy<'w>(
    world: &'w World,
    caller: &'w Caller,
    f: &mut dyn FnMut(&'w PolicyHandle, PolicyKind, Who<'w>),
) {
    for_each_caller_policy(world, caller, Entity::of(world, caller), true, f);
}

/// [`for_each_identity_policy`] with the caller's user or role already looked up; `with_identity`
/// false leaves out the `Identity` kind (only the boundary and session policies).
pub(crate) fn for_each_caller_policy<'w>(
    world: &'w World,
    caller: &'w Caller,
    entity: Entity<'w>,
    with_identity: bool,
    f: &mut dyn FnMut(&'w PolicyHandle, PolicyKind, Who<'w>),
) {
    match caller {
        Caller::User { name, .. } => {
            let Entity::User(user) = entity else {
                return;
            };
            for p in user.policies.iter().filter(|_| with_identity) {
                f(p, PolicyKind::Identity, Who::UserPolicy(name));
            }
            // The account is looked up only for a user in groups.
            let in_groups = with_identity && !user.groups.is_empty();
            if let Some(account) = in_groups.then(|| world.account(&user.account)).flatten() {
                for g in &user.groups {
                    if let Some(group) = account.groups.get(g) {
                        for p in &group.policies {
                            f(p, PolicyKind::Identity, Who::GroupPolicy(g, name));
                        }
                    }
                }
            }
            if let Some(b) = &user.boundary {
                f(b, PolicyKind::Boundary, Who::UserBoundary(name));
            }
        }
        Caller::Session(s) => {
            if let Entity::Role(role) = entity {
                for p in role.policies.iter().filter(|_| with_identity) {
                    f(p, PolicyKind::Identity, Who::RolePolicy(&role.name));
                }
                if let Some(b) = &role.boundary {
                    f(b, PolicyKind::Boundary, Who::RoleBoundary(&role.name));
                }
            }
            for p in &s.session_policies {
                f(p, PolicyKind::Session, Who::SessionPolicy(s));
            }
        }
        Caller::Root { .. } | Caller::Anonymous | Caller::Outside(_) => {}
    }
}

fn fold_allow(evaluated: &[Evaluated<'_>], kind: PolicyKind) -> Truth {
    evaluated
        .iter()
        .filter(|e| e.applicable.kind == kind)
        .fold(Truth::False, |acc, e| acc.or(e.allows()))
}

/// AND over levels of (OR over the level's Allow statements); `True` when no levels apply.
fn gate(evaluated: &[Evaluated<'_>], levels: Option<&[OrgLevel]>, scp: bool) -> Truth {
    let Some(levels) = levels else {
        return Truth::True;
    };
    (0..levels.len()).fold(Truth::True, |acc, i| {
        acc.and(level_allows(evaluated, i, scp))
    })
}

fn level_allows(evaluated: &[Evaluated<'_>], i: usize, scp: bool) -> Truth {
    evaluated
        .iter()
        .filter(|e| {
            if scp {
                e.applicable.kind == PolicyKind::Scp(i)
            } else {
                e.applicable.kind == PolicyKind::Rcp(i)
            }
        })
        .fold(Truth::False, |acc, e| acc.or(e.allows()))
}

/// The first level that does not allow, with how surely it does not.
fn gate_failure(
    evaluated: &[Evaluated<'_>],
    levels: Option<&[OrgLevel]>,
    scp: bool,
) -> Option<(Truth, String)> {
    let levels = levels?;
    levels.iter().enumerate().find_map(|(i, level)| {
        let t = level_allows(evaluated, i, scp);
        (t != Truth::True).then(|| (t, level.name.clone()))
    })
}

fn add_reasons(evaluated: &[Evaluated<'_>], hop: &mut Hop) {
    for e in evaluated {
        let builtin = matches!(e.applicable.kind, PolicyKind::Scp(_) | PolicyKind::Rcp(_))
            && !e.applicable.policy.name.contains('/')
            && !e.applicable.policy.name.contains('.');
        if !builtin && e.matches.iter().all(|m| !m.action.may_be_true()) {
            // Say that the policy was consulted, so a reader sees nothing was overlooked.
            let p = &e.applicable.policy;
            hop.reasons.push(Reason {
                policy: p.name.clone(),
                role: e.applicable.who.describe(),
                location: p.policy.location(p.policy.span),
                statement: "no statement".into(),
                effect: None,
                outcome: Outcome::NotApplied(format!("matches the action `{}`", hop.action)),
            });
            continue;
        }
        for (s, m) in e.statements() {
            // Only statements that decided the request or nearly did: the action matched.
            if !m.action.may_be_true() {
                continue;
            }
            if builtin && s.effect.value == Effect::Allow && m.applies == Truth::True {
                continue;
            }
            let outcome = match (m.applies, &m.why) {
                (Truth::True, _) => Outcome::Applied,
                (Truth::Unknown, Some(why)) => Outcome::Ambiguous(why.clone()),
                (Truth::Unknown, None) => Outcome::Ambiguous("a construct AWS leaves open".into()),
                (Truth::False, Some(why)) => Outcome::NotApplied(why.clone()),
                (Truth::False, None) => Outcome::NotApplied("does not apply".into()),
            };
            let p = &e.applicable.policy;
            hop.reasons.push(Reason {
                policy: p.name.clone(),
                role: e.applicable.who.describe(),
                location: p.policy.location(s.span),
                statement: s.label(),
                effect: Some(s.effect.value),
                outcome,
            });
        }
    }
}

struct Explain<'a, 'w> {
    target: &'a Target<'w>,
    owner: Option<&'a str>,
    caller: &'a Caller,
    same_account: bool,
    mandatory: bool,
    id: Truth,
    pb: Truth,
    sp: Truth,
    rp: PrincipalMatch,
    has_resource_policy: bool,
    resource_policy_known: bool,
    scp_gate: Truth,
    rcp_gate: Truth,
    is_root: bool,
    world_models_owner: bool,
}

fn explain_grants(hop: &mut Hop, x: Explain<'_, '_>) {
    let s = &mut hop.summary;
    let rp_name = match x.target {
        Target::Bucket(b) => format!("the bucket policy of {}", b.name),
        Target::Role(r) => format!("the trust policy of role {}", r.name),
        _ => "the resource-based policy".to_string(),
    };
    match x.target {
        Target::UnknownBucket(name) => s.push(format!(
            "the world does not declare bucket `{name}`, so its owner and bucket policy are unknown (2.10)"
        )),
        Target::Other { account: Some(a), .. } if !x.resource_policy_known => {
            s.push(if x.world_models_owner {
                "the policies of S3 access points and Multi-Region Access Points are not modelled in this release, so the resource's policy is unknown (10.2)".to_string()
            } else {
                format!("the resource belongs to account {a}, which the world does not model, so its resource-based policy is unknown (2.10)")
            })
        }
        _ => {}
    }
    if hop.decision == Decision::Allow {
        if x.is_root && x.same_account {
            s.push("the root user has full access to its own account's resources (4.3)".into());
        } else if matches!(x.caller, Caller::Anonymous) {
            s.push(format!(
                "{rp_name} grants it to everyone (`*`), anonymous callers included (4.4)"
            ));
        } else if x.same_account && x.rp.direct == Truth::True && !x.mandatory {
            s.push(format!("{rp_name} names the caller directly, which needs no identity policy in the same account (4.10)"));
        } else if x.same_account && x.id == Truth::True && !x.mandatory {
            s.push("an identity-based policy allows it, in the caller's own account (4.14)".into());
        } else if x.same_account {
            s.push(format!(
                "{rp_name} grants it to the caller (4.12, 6.3, 6.4)"
            ));
        } else {
            s.push(format!(
                "cross-account: the caller's identity-based policy allows it and {rp_name} grants it to the caller's {} (5.4)",
                if x.rp.direct == Truth::True {
                    "principal"
                } else if x.rp.entity == Truth::True {
                    "role"
                } else {
                    "account"
                }
            ));
        }
        return;
    }
    if x.scp_gate == Truth::Unknown {
        s.push("an SCP allows it only under one reading (0.2)".into());
    }
    if x.rcp_gate == Truth::Unknown {
        s.push("whether the RCPs of the resource's owner allow it is not known (2.10, 4.6)".into());
    }
    if matches!(x.caller, Caller::Anonymous) {
        s.push(format!(
            "an anonymous caller needs {rp_name} to grant it to everyone (`*`), and it does not (4.4)"
        ));
        return;
    }
    let identity_text = |s: &mut Vec<String>| {
        if x.id == Truth::False {
            s.push("no identity-based policy of the caller allows it".into());
        } else if x.id == Truth::Unknown {
            s.push("an identity-based policy allows it only under one reading (0.2)".into());
        }
        if x.pb == Truth::False {
            s.push("the permissions boundary does not allow it (4.9)".into());
        }
        if x.sp == Truth::False {
            s.push("no session policy allows it (4.9)".into());
        }
    };
    let resource_text = |s: &mut Vec<String>| {
        if !x.resource_policy_known {
            return;
        }
        if !x.has_resource_policy {
            match x.target {
                Target::Bucket(b) => s.push(format!("bucket {} has no bucket policy", b.name)),
                Target::Wildcard => {}
                _ => s.push("the resource has no resource-based policy".into()),
            }
        } else if x.rp.any() == Truth::False {
            s.push(format!(
                "{rp_name} grants nothing to the caller for this request"
            ));
        }
    };
    if x.mandatory {
        s.push(format!(
            "{rp_name} must allow the caller, even in the same account (4.12, 6.2)"
        ));
        resource_text(s);
        if x.rp.account != Truth::False && x.same_account {
            s.push("the trust policy names the caller's account, so the caller also needs an identity-based Allow (6.3)".into());
        }
        if !x.same_account {
            s.push(
                "cross-account: the caller's identity-based policy must allow it too (6.5)".into(),
            );
        }
        identity_text(s);
        return;
    }
    if x.owner.is_some() && !x.same_account {
        s.push(format!(
            "cross-account (caller in {}, resource in {}): both the caller's identity-based policy and {rp_name} must allow it (5.1)",
            x.caller.account().unwrap_or("?"),
            x.owner.unwrap_or("?")
        ));
        identity_text(s);
        resource_text(s);
        return;
    }
    identity_text(s);
    if x.rp.account != Truth::False && x.id != Truth::True {
        s.push(format!("{rp_name} names the caller's account, which delegates to the account: the caller still needs its own identity-based Allow (4.11)"));
    } else if x.rp.entity != Truth::False {
        s.push(format!("{rp_name} names the caller's role, a grant limited by the boundary and session policies (4.10)"));
    } else {
        resource_text(s);
    }
}

/// Reads a context value as a boolean, for flags such as aws:MultiFactorAuthPresent (the
/// reference for `chain::session_mfa`).
#[cfg(test)]
pub fn context_flag(ctx: &Context, key: &str) -> Option<bool> {
    use iamsim_policy::ContextLookup;
    match ctx.get(key) {
        Some(iamsim_policy::ContextValue::Single(v)) => match v.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

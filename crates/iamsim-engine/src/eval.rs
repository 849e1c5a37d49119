//! The decision for one request (docs/rules.md sections 4, 5 and 7): explicit deny, the SCP and
//! RCP gates, identity grants with boundaries and session policies, resource-based grants by match
//! kind, same-account and cross-account rules, S3 specifics, and the answer's explanation.

use crate::explain::{Decision, Hop};
use crate::request::{Action, AssumeRoleParams, Caller, Session};
use crate::s3;
use crate::statement::PrincipalMatch;
use iamsim_policy::arn::Arn;
use iamsim_policy::{Context, Truth};
use iamsim_world::{Bucket, LoadedPolicy, OrgLevel, PolicyHandle, Role, User, World};
use std::collections::BTreeMap;

/// One request to decide: an AssumeRole hop or the final request of a chain.
pub struct HopRequest<'a> {
    /// Who makes the request.
    pub caller: &'a Caller,
    /// The requested action.
    pub action: &'a Action,
    /// The requested resource's ARN (`*` for none).
    pub resource: &'a str,
    /// The caller's environment from the user; overrides derived keys (docs/world-format.md).
    pub context: &'a Context,
    /// Set when the request is an AssumeRole (or TagSession) hop.
    pub assume: Option<&'a AssumeRoleParams>,
}

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
    /// A KMS key the world declares (section 13; crate::kms).
    Key(&'a iamsim_world::Key),
    /// Any other ARN; `account` is its owner when the ARN names one.
    Other {
        account: Option<&'a str>,
        policy: Option<&'a LoadedPolicy>,
        tags: Option<&'a BTreeMap<String, String>>,
        /// An IAM user of the world: its tags are `iam:ResourceTag/*` too.
        iam_user: bool,
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
    pub(crate) fn of(world: &'a World, caller: &'a Caller) -> Entity<'a> {
        match caller {
            Caller::User { .. } => caller.acting_user(world).map_or(Entity::None, Entity::User),
            Caller::Session(_) => caller.acting_role(world).map_or(Entity::None, Entity::Role),
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
    /// A KMS key's policy, by the key's ARN.
    KeyPolicy(&'a str),
}

impl Who<'_> {
    /// The kind of policy it is (for code; [`Who::describe`] is for people).
    pub(crate) fn policy_type(self) -> iamsim_policy::PolicyType {
        use iamsim_policy::PolicyType as T;
        match self {
            Who::UserPolicy(_) | Who::GroupPolicy(..) | Who::RolePolicy(_) => T::Identity,
            Who::UserBoundary(_) | Who::RoleBoundary(_) => T::Boundary,
            Who::SessionPolicy(_) => T::Session,
            Who::Scp(_) => T::Scp,
            Who::Rcp(_) => T::Rcp,
            Who::TrustPolicy(_) => T::Trust,
            Who::BucketPolicy(_) | Who::ResourcePolicy(_) | Who::KeyPolicy(_) => T::Resource,
        }
    }

    pub(crate) fn describe(self) -> String {
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
            Who::KeyPolicy(arn) => format!("key policy of {arn}"),
        }
    }
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
    let accountless = crate::aws_owned::is_accountless(&target, arn);
    let owner: Option<&str> = match &target {
        // 2.10: no account of the world owns it and no resource-based policy covers it: the
        // caller's own policies decide, as for an action on `*`.
        _ if accountless => caller_account,
        Target::Wildcard => caller_account,
        Target::Bucket(b) => Some(&b.account),
        Target::UnknownBucket(_) => None,
        Target::Role(r) => Some(r.account()),
        Target::MissingRole => arn.map(|a| a.account).filter(|a| !a.is_empty()),
        Target::Key(k) => Some(&k.account),
        Target::Other { account, .. } => *account,
    };
    let entity = Entity::of(world, req.caller);
    let caller_is_service_linked = matches!(entity, Entity::Role(r) if r.is_service_linked());
    let org = world.organization();
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
    // 4.6: the services RCPs apply to are data of the catalog (Organizations' list); 13.12:
    // RCPs do not apply to AWS managed keys.
    let rcp_supported = iamsim_catalog::catalog().supports_rcps(service)
        && !matches!(target, Target::Key(k) if k.aws_managed);
    let rcp_levels: Option<&[OrgLevel]> = match owner {
        Some(acct)
            if rcp_supported
                && !accountless
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
                // A trust policy the caller rewrote on an earlier hop (update-trust) stands.
                (Some(crate::escalation_alter::trust_of(req.caller, r)), true)
            } else {
                (None, true)
            }
        }
        Target::MissingRole => (None, true),
        Target::Key(k) => (Some(&*k.policy), true),
        Target::Other {
            account, policy, ..
        } => {
            let modelled = account.is_some_and(|a| world.accounts().contains_key(a));
            // S3 ARNs other than buckets and objects (access points, Multi-Region Access
            // Points) carry policies this release does not model (10.2), unless the world
            // declares the resource.
            let unmodelled_s3 = service == "s3" && policy.is_none();
            (*policy, (modelled || accountless) && !unmodelled_s3)
        }
    };
    let resource_policy = resource_policy.map(|p| {
        let who = match &target {
            Target::Bucket(b) => Who::BucketPolicy(&b.name),
            Target::Role(r) => Who::TrustPolicy(r.name()),
            Target::Key(k) => Who::KeyPolicy(&k.arn),
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
        if let Some(org) = world.organization().filter(|o| o.contains(owner)) {
            ctx.set("aws:ResourceOrgID", org.id.clone());
        }
    }
    let resource_tags = match &scope.target {
        Target::Bucket(b) => Some(&b.tags),
        Target::Role(r) => Some(&r.tags),
        Target::Other { tags, .. } => *tags,
        _ => None,
    };
    crate::kms::add_context(scope, ctx);
    for (k, v) in resource_tags.into_iter().flatten() {
        ctx.set(&format!("aws:ResourceTag/{k}"), v.clone());
        if matches!(
            scope.target,
            Target::Role(_) | Target::Other { iam_user: true, .. }
        ) {
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
        || crate::kms::is_derived_key(key)
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
    let (id, pb, sp) = if is_root || matches!(req.caller, Caller::Outside(_) | Caller::Federated(_))
    {
        // The root user has every permission of its account; nothing is attached to it (4.3).
        // A hypothetical outside principal's own policies are taken to allow what it needs.
        // A federated caller has no identity policy: the trust policy alone decides (10.3).
        (Truth::True, Truth::True, Truth::True)
    } else {
        (t.identity, t.boundary.unwrap_or(Truth::True), session)
    };

    let same_account_caller = scope.owner.is_some() && scope.owner == scope.caller_account;
    let rp = resource_grants(world, scope, same_account_caller, rp_of, &mut notes);

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
    let result = caveats(
        req,
        scope,
        service,
        result,
        same_account_caller && rp.direct == Truth::True && session != Truth::True,
        &mut notes,
    );
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

/// The resource-based policy's grants by principal match kind (4.10, 4.11, 5), with S3 Block
/// Public Access applied (7.10): `rp_of(true)` counts only the policy's non-public statements.
fn resource_grants(
    world: &World,
    scope: &Scope<'_>,
    same_account_caller: bool,
    rp_of: Option<&dyn Fn(bool) -> PrincipalMatch>,
    notes: &mut Option<&mut Vec<String>>,
) -> PrincipalMatch {
    let public_blocked = match &scope.target {
        Target::Bucket(b) => s3::restrict_public_buckets(world, b),
        _ => false,
    };
    let mut rp = PrincipalMatch::NONE;
    if let (Some(rp_of), Some((policy, _))) = (rp_of, scope.resource_policy) {
        let policy_is_public =
            public_blocked && crate::unresolved::policy_public_for_block(&policy.policy);
        if policy_is_public && !same_account_caller {
            note(notes, || {
                "Block Public Access RestrictPublicBuckets is on and the bucket policy is public: its grants to other accounts and anonymous callers do not work (7.10)".into()
            });
        } else if policy_is_public {
            note(notes, || {
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
    rp
}

/// What the world does not model, which keeps a request from being proven allowed (10.3, 10.4), and the assumptions an Allow rests on (7.7, 9.5). `session_arn_grant`: allowed in the
/// same account by a resource policy naming the session, which its session policy would not allow.
fn caveats(
    req: &HopRequest<'_>,
    scope: &Scope<'_>,
    service: &str,
    mut result: Truth,
    session_arn_grant: bool,
    notes: &mut Option<&mut Vec<String>>,
) -> Truth {
    // 7.7: the world has no Object Ownership setting; the default for new buckets applies.
    if let (Target::Bucket(b), Some(acct)) = (&scope.target, scope.caller_account) {
        if req.resource.contains('/') && b.account != acct {
            note(notes, || {
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
        note(notes, || {
            "roles under /aws-reserved/ and /aws-service-role/ are managed by AWS, which refuses \
             changes to them through IAM; not modelled in this release (10.3, 10.4)"
                .into()
        });
    }
    // 9.5: a session-ARN grant is not limited by the session policy per the docs; a simulator disagrees.
    if result == Truth::True && session_arn_grant && matches!(req.caller, Caller::Session(_)) {
        note(notes, || {
            "allowed by a resource policy naming the session ARN, which the AWS docs say session policies do not limit; iam-simulate disagrees (9.5)".into()
        });
    }
    result
}

pub(crate) fn decision_of(result: Truth) -> Decision {
    match result {
        Truth::True => Decision::Allow,
        Truth::False => Decision::ImplicitDeny,
        Truth::Unknown => Decision::Indeterminate,
    }
}

/// Decides one request and explains it, with the keys AWS puts in every request open when the
/// request does not give them (3.21a): a decision that depends on their values is
/// indeterminate, explained under values that refuse it, with the conditions that would allow it.
pub fn evaluate_hop(world: &World, req: &HopRequest<'_>) -> Hop {
    use crate::open_conditions::{explain_hop, OpenConditions, OpenKeys};
    let mut rec = crate::explain::Explaining::new(world, req);
    let Some(keys) = OpenKeys::for_request(req.context) else {
        let decision = crate::walk::walk(world, req, None, &mut rec);
        return rec.finish(decision);
    };
    let probe = OpenConditions::probe(&keys);
    let decision = crate::walk::walk(world, req, Some(&probe), &mut rec);
    if probe.met_none() {
        return rec.finish(decision);
    }
    let d = crate::open_conditions::enumerate(world, req, &keys, false);
    let decision = crate::open_conditions::decision_of(&d.grant);
    let shown = if decision.is_allow() {
        d.witness
    } else {
        d.refused.unwrap_or(d.witness)
    };
    let mut hop = explain_hop(world, req, Some(&keys), shown);
    hop.decision = decision;
    // The open keys the answer depends on, when it lists conditions; else every open key.
    let mut open: Vec<&str> = Vec::new();
    for t in d.terms.iter().flatten() {
        if !open.iter().any(|k| k.eq_ignore_ascii_case(&t.key)) {
            open.push(&t.key);
        }
    }
    if open.is_empty() {
        open = crate::open_conditions::ALWAYS_PRESENT
            .iter()
            .filter(|k| !req.context.contains(k))
            .copied()
            .collect();
    }
    let head = match &d.grant {
        crate::open_conditions::Grant::Conditional(_) => format!(
            "the answer depends on {}, which every request carries and this one does not give: it is allowed only under the conditions listed, and explained for values that refuse it (3.21a)",
            open.join(", ")
        ),
        crate::open_conditions::Grant::Allow => format!(
            "allowed whatever the values of {}, which every request carries and this one does not give (3.21a)",
            open.join(", ")
        ),
        _ => format!(
            "refused whatever the values of {}, which every request carries and this one does not give; explained for one of them (3.21a)",
            open.join(", ")
        ),
    };
    hop.summary.insert(0, head);
    hop.conditions = d.terms;
    hop
}

pub(crate) fn resolve_target<'a>(
    world: &'a World,
    resource: &'a str,
    arn: Option<&Arn<'a>>,
) -> Target<'a> {
    if resource == "*" {
        return Target::Wildcard;
    }
    let Some(arn) = arn else {
        return Target::Other {
            account: None,
            policy: None,
            tags: None,
            iam_user: false,
        };
    };
    if arn.service == "s3" && arn.account.is_empty() && arn.region.is_empty() {
        let bucket = arn.resource.split('/').next().unwrap_or("");
        return match world.bucket(bucket) {
            Some(b) => Target::Bucket(b),
            None => Target::UnknownBucket(bucket),
        };
    }
    if arn.service == "kms" {
        if let Some(key) = world.key_by_arn(resource) {
            return Target::Key(key);
        }
    }
    if arn.service == "iam" && arn.resource.starts_with("role/") {
        if let Some(role) = world.role_by_arn(resource) {
            return Target::Role(role);
        }
        if world.accounts().contains_key(arn.account) {
            return Target::MissingRole;
        }
    }
    // A user of the world as the resource: its tags are the resource's tags.
    if arn.service == "iam" && arn.resource.starts_with("user/") {
        if let Some(user) = world.user_by_arn(resource) {
            return Target::Other {
                account: Some(user.account()),
                policy: None,
                tags: Some(&user.tags),
                iam_user: true,
            };
        }
    }
    let found = world
        .resource(resource)
        .or_else(|| crate::resources::entry_for(world, resource));
    Target::Other {
        account: Some(arn.account).filter(|a| !a.is_empty()),
        policy: found.and_then(|r| r.policy.as_deref()),
        tags: found.map(|r| &r.tags),
        iam_user: false,
    }
}

/// The caller's identity-based policies, permissions boundary and session policies, in the
/// order explanations list them, with the caller's user or role already looked up; `with_identity`
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
            if let Some(account) = in_groups.then(|| world.account(user.account())).flatten() {
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
                    f(p, PolicyKind::Identity, Who::RolePolicy(role.name()));
                }
                if let Some(b) = &role.boundary {
                    f(b, PolicyKind::Boundary, Who::RoleBoundary(role.name()));
                }
            }
            for p in &s.session_policies {
                f(p, PolicyKind::Session, Who::SessionPolicy(s));
            }
        }
        Caller::Root { .. } | Caller::Anonymous | Caller::Outside(_) | Caller::Federated(_) => {}
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

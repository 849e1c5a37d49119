//! Privilege-escalation steps an identity policy allows on every resource of a kind
//! (`ESCALATION_STEP_ON_EVERY_RESOURCE`).
//!
//! What each step needs is read from [`iamsim_catalog::escalation`], the one home of the steps:
//! for each step and each kind of target it takes, the policy allows the step widely when every
//! request the step needs is allowed by some `Allow` statement of the policy with no condition
//! that could narrow it, and the requests that name the target (or the role handed to a service)
//! are allowed on every target of that kind (`*`, `arn:aws:iam::*:role/*`, `NotResource`).
//! Requests on a resource the caller creates need only some name to be allowed, as the caller
//! picks the name. A statement that a plain `Deny` of the same policy takes back meets nothing.
//!
//! This is a property of the document alone: whether a principal holding it can take the step
//! also depends on its boundary, its account's SCPs and the world (`who-can`, `can --any-path`).

use crate::checks::{covers_action, Hit};
use crate::patterns::{arns_meet, pattern_covers};
use iamsim_catalog::escalation::{Family, Gain, Need, On, Step, Target, STEPS};
use iamsim_policy::condition::OperatorBase;
use iamsim_policy::{
    ActionKind, Code, Diagnostic, Effect, Policy, PolicyType, ResourceKind, Span, Statement,
};

/// One escalation step a policy allows on every target of some kinds.
#[derive(Clone, Debug)]
pub struct StepGrant {
    /// The step, as the catalog has it.
    pub step: &'static Step,
    /// The kinds of target it is allowed on, every one of that kind.
    pub targets: Vec<Target>,
    /// The statement that allows the request naming the target (the finding points at it).
    pub statement: usize,
    /// The action pattern of that statement that reaches the request.
    pub span: Span,
    /// Each request the step needs, as the policy allows it: `` `iam:*` on `*` ``.
    pub evidence: Vec<String>,
}

/// How one statement allows one request a step needs.
struct Meet {
    statement: usize,
    span: Span,
    text: String,
}

/// The escalation steps `policy` allows on every target of a kind; empty for anything but an
/// identity policy (only those grant a principal its requests).
pub fn steps_allowed(policy: &Policy) -> Vec<StepGrant> {
    if policy.policy_type != PolicyType::Identity {
        return Vec::new();
    }
    let mut out: Vec<StepGrant> = Vec::new();
    for step in candidates() {
        for &target in step.targets {
            let Some((anchor, evidence)) = step_on(policy, step, target) else {
                continue;
            };
            match out.iter_mut().find(|g| std::ptr::eq(g.step, step)) {
                Some(g) => {
                    g.targets.push(target);
                    for e in evidence {
                        if !g.evidence.contains(&e) {
                            g.evidence.push(e);
                        }
                    }
                }
                None => out.push(StepGrant {
                    step,
                    targets: vec![target],
                    statement: anchor.statement,
                    span: anchor.span,
                    evidence,
                }),
            }
        }
    }
    out
}

/// The steps the check looks for: `assume-role` on `*` has its own code
/// (ASSUME_ROLE_WITH_STAR_IN_RESOURCE), and a step that gains nothing is no escalation.
fn candidates() -> impl Iterator<Item = &'static Step> {
    STEPS
        .iter()
        .filter(|s| s.is_path_step() && s.name != "assume-role")
}

/// Whether `policy` allows `step` on every target of kind `target`: the meet of the first need
/// naming the target, and every need's evidence.
fn step_on(policy: &Policy, step: &Step, target: Target) -> Option<(Meet, Vec<String>)> {
    let mut anchor: Option<Meet> = None;
    let mut evidence: Vec<String> = Vec::new();
    for need in step.needs_for(target) {
        let meet = need_met(policy, step, target, need)?;
        if !evidence.contains(&meet.text) {
            evidence.push(meet.text.clone());
        }
        if anchor.is_none() && matches!(need.on, On::Target | On::PassedRole) {
            anchor = Some(meet);
        }
    }
    Some((anchor?, evidence))
}

/// The first statement of `policy` that allows `need` as widely as the finding requires.
fn need_met(policy: &Policy, step: &Step, target: Target, need: &Need) -> Option<Meet> {
    policy.statements.iter().find_map(|st| {
        if st.effect.value != Effect::Allow {
            return None;
        }
        let res = st.resource.as_ref()?;
        need.any_of.iter().find_map(|&action| {
            let (span, _) = covers_action(st, action)?;
            if denied(policy, action) || !unconstrained(st, need, step) {
                return None;
            }
            let wide = match need.on {
                On::Target => every(res, &target_template(step, target)?),
                On::PassedRole => every(res, "arn:aws:iam::*:role/*"),
                On::New(pattern) => some_name(res, pattern),
                On::Nothing => some_name(res, "*"),
            };
            wide.then(|| Meet {
                statement: st.index,
                span,
                text: format!("`{}` on `{}`", action_text(st, span), resource_text(res)),
            })
        })
    })
}

/// The action pattern (or `NotAction`) as written at `span`.
fn action_text(st: &Statement, span: Span) -> String {
    match st.action.kind {
        ActionKind::NotAction => "NotAction".into(),
        ActionKind::Action => st
            .action
            .patterns
            .iter()
            .find(|p| p.span == span)
            .map(|p| p.text.clone())
            .unwrap_or_default(),
    }
}

fn resource_text(res: &iamsim_policy::ResourceBlock) -> String {
    let list = res
        .patterns
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("`, `");
    match res.kind {
        ResourceKind::Resource => list,
        ResourceKind::NotResource => format!("NotResource {list}"),
    }
}

/// The ARN pattern of every target of a kind (any account, any Region).
fn target_template(step: &Step, target: Target) -> Option<String> {
    let iam = |kind: &str| format!("arn:aws:iam::*:{kind}/*");
    Some(match target {
        Target::User => iam("user"),
        Target::Group => iam("group"),
        Target::Role => iam("role"),
        Target::Policy => iam("policy"),
        Target::InstanceProfile => iam("instance-profile"),
        Target::Compute => {
            let (service, kind) = step.compute?.split_once(':')?;
            // Lambda names its functions after a colon; the others after a slash.
            let sep = if service == "lambda" { ':' } else { '/' };
            format!("arn:aws:{service}:*:*:{kind}{sep}*")
        }
    })
}

/// Whether the resource block reaches every resource `template` stands for. A pattern naming
/// one account (or Region) reaches every target of that account: the template takes its fields.
fn every(res: &iamsim_policy::ResourceBlock, template: &str) -> bool {
    match res.kind {
        ResourceKind::Resource => res.patterns.iter().any(|p| {
            let narrow = with_fields_of(template, &p.text);
            pattern_covers(&p.text, &narrow, false)
        }),
        // Every target but those listed: only a listed pattern that takes them all stops it.
        ResourceKind::NotResource => !res
            .patterns
            .iter()
            .any(|p| pattern_covers(&p.text, template, false)),
    }
}

/// `template` with the partition, Region and account of `pattern` where it writes them plainly.
fn with_fields_of(template: &str, pattern: &str) -> String {
    let theirs: Vec<&str> = pattern.splitn(6, ':').collect();
    let mut ours: Vec<&str> = template.splitn(6, ':').collect();
    if theirs.len() == 6 && ours.len() == 6 {
        for i in [1, 3, 4] {
            if let (Some(t), Some(o)) = (theirs.get(i), ours.get_mut(i)) {
                if !t.contains(['*', '?', '$']) && *o == "*" {
                    *o = t;
                }
            }
        }
    }
    ours.join(":")
}

/// Whether some resource `pattern` (with `{account}`, `{region}` and `*` open) is in the block: the caller
/// names what it creates.
fn some_name(res: &iamsim_policy::ResourceBlock, pattern: &str) -> bool {
    let open = iamsim_catalog::escalation::open_pattern(pattern);
    match res.kind {
        ResourceKind::Resource => res
            .patterns
            .iter()
            .any(|p| p.text == "*" || arns_meet(&p.text, &open)),
        ResourceKind::NotResource => !res
            .patterns
            .iter()
            .any(|p| pattern_covers(&p.text, &open, false)),
    }
}

/// Whether the statement's conditions leave `need` open: no condition at all, or, for the role
/// handed to a service, only `iam:PassedToService` conditions admitting the step's service.
fn unconstrained(st: &Statement, need: &Need, step: &Step) -> bool {
    if st.conditions.is_empty() {
        return true;
    }
    let (On::PassedRole, Some(service)) = (need.on, step.service) else {
        return false;
    };
    st.conditions.iter().all(|c| {
        c.key.value.eq_ignore_ascii_case("iam:PassedToService")
            && matches!(
                c.operator.value.base,
                OperatorBase::StringEquals
                    | OperatorBase::StringEqualsIgnoreCase
                    | OperatorBase::StringLike
            )
            && c.values
                .iter()
                .any(|v| crate::patterns::glob_match(v.text.as_bytes(), service.as_bytes(), true))
    })
}

/// Whether a `Deny` of the policy with no condition, on every resource, covers `action`.
fn denied(policy: &Policy, action: &str) -> bool {
    policy.statements.iter().any(|d| {
        d.effect.value == Effect::Deny
            && d.conditions.is_empty()
            && d.resource.as_ref().is_none_or(|r| {
                r.kind == ResourceKind::Resource && r.patterns.iter().any(|p| p.text == "*")
            })
            && covers_action(d, action).is_some()
    })
}

fn kinds(step: &Step, targets: &[Target]) -> String {
    let names: Vec<&str> = targets
        .iter()
        .map(|t| match t {
            Target::User => "user",
            Target::Group => "group",
            Target::Role => "role",
            Target::Policy => "customer managed policy",
            Target::InstanceProfile => "instance profile",
            Target::Compute => match step.compute {
                Some("ec2:instance") => "EC2 instance",
                Some("lambda:function") => "Lambda function",
                Some("cloudformation:stack") => "CloudFormation stack",
                Some("glue:devEndpoint") => "Glue development endpoint",
                Some("sagemaker:notebook-instance") => "SageMaker notebook instance",
                Some("codebuild:project") => "CodeBuild project",
                _ => "resource",
            },
        })
        .collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// What the caller can do with the step, in words.
fn gain(step: &Step) -> String {
    match (step.family, step.gain) {
        (Family::PassRole, _) => format!(
            "the caller's code runs with the permissions of any role that trusts `{}`",
            step.service.unwrap_or("the service")
        ),
        (Family::TakeOver, _) => "the caller's code runs with the role it runs with".into(),
        (_, Gain::ActAs) => "the caller can act as any of them".into(),
        (_, Gain::AnyPolicy) => "the caller can give any of them any permissions".into(),
        (_, Gain::Group) => "the caller can add a user to any group and gain its policies".into(),
        (_, Gain::NoBoundary) => "the caller can lift their permissions boundary".into(),
        (_, Gain::WithoutPolicy) => "the caller can remove a policy that denies them".into(),
        (_, Gain::PolicyVersion) => "the caller can put any stored version of them in force".into(),
        (_, Gain::Tags) => "the caller can change tags that conditions rely on".into(),
        (_, Gain::Mfa) => "the caller can make their requests pass MFA conditions".into(),
        (_, Gain::Nothing) => "nothing".into(),
    }
}

fn help(step: &Step, targets: &[Target]) -> String {
    match step.family {
        Family::PassRole => {
            "name the roles it may pass in `Resource` and limit the services with `iam:PassedToService`"
                .into()
        }
        Family::TakeOver => format!(
            "name the {} it needs in `Resource`, or limit them with a condition on `aws:ResourceTag`",
            kinds(step, targets)
        ),
        Family::Identity if targets.contains(&Target::User) => format!(
            "name the {} it needs in `Resource` (`arn:aws:iam::ACCOUNT:user/${{aws:username}}` for the caller's own user), or narrow it with a condition",
            kinds(step, targets)
        ),
        Family::Identity => format!(
            "name the {} it needs in `Resource`, or narrow it with a condition{}",
            kinds(step, targets),
            if step.gain == Gain::AnyPolicy && step.name == "attach-policy" {
                " (`iam:PolicyARN` for the policies it may attach)"
            } else {
                ""
            }
        ),
    }
}

/// The findings: one per action pattern that opens steps (the request naming the target), so
/// that `*` on `*` is one finding listing every step rather than thirty.
pub(crate) fn check(policy: &Policy) -> Vec<Hit> {
    let mut groups: Vec<Vec<StepGrant>> = Vec::new();
    for g in steps_allowed(policy) {
        match groups
            .iter_mut()
            .find(|x| x.first().is_some_and(|f| f.span == g.span))
        {
            Some(x) => x.push(g),
            None => groups.push(vec![g]),
        }
    }
    groups
        .into_iter()
        .filter_map(|group| {
            let first = group.first()?;
            let (message, help) = match group.as_slice() {
                [g] => (
                    format!(
                        "allows the escalation step `{}` on every {}: {}; {}",
                        g.step.name,
                        kinds(g.step, &g.targets),
                        g.evidence.join(", "),
                        gain(g.step)
                    ),
                    help(g.step, &g.targets),
                ),
                many => {
                    let mut evidence: Vec<&str> = Vec::new();
                    for e in many.iter().flat_map(|g| g.evidence.iter()) {
                        if !evidence.contains(&e.as_str()) {
                            evidence.push(e);
                        }
                    }
                    let steps: Vec<String> = many
                        .iter()
                        .map(|g| format!("`{}` (every {})", g.step.name, kinds(g.step, &g.targets)))
                        .collect();
                    let every = many.len() == candidates().count()
                        && many.iter().all(|g| g.targets.len() == g.step.targets.len());
                    let what = if every {
                        format!(
                            "every escalation step iamsim knows ({}) on every user, group, role, \
                             policy and compute resource",
                            many.len()
                        )
                    } else {
                        format!(
                            "{} escalation steps on every target they take: {}",
                            many.len(),
                            steps.join(", ")
                        )
                    };
                    (
                        format!("allows {what}: {}", evidence.join(", ")),
                        "grant the actions the task needs on the resources it needs; a principal holding this can make itself an administrator".into(),
                    )
                }
            };
            let d = Diagnostic::new(
                Code::EscalationStepOnEveryResource,
                message,
                &policy.source,
                first.span,
            )
            .with_help(help);
            Some(Hit {
                diagnostic: d,
                statement: Some(first.statement),
            })
        })
        .collect()
}

//! The checks that need more than the grammar: the service catalog (unknown services, actions,
//! keys, resource types), condition typing, redundancy, and the security best practices.
//!
//! Each check looks at one parsed policy and returns diagnostics pointing into its source. The
//! checks never guess in the alarming direction: where the catalog cannot answer (an unknown
//! service, `*`, a wildcard in the service prefix), the check says nothing.

use crate::patterns::{did_you_mean, pattern_covers, resource_fits_template};
use iamsim_catalog::{catalog, Action, Catalog, ConditionKey, Service, ValueType};
use iamsim_policy::condition::{Family, OperatorBase, ParsedValue, SetOperator};
use iamsim_policy::glob::Glob;
use iamsim_policy::variables::{Template, TemplateMode};
use iamsim_policy::{
    ActionKind, AwsPrincipal, Code, Condition, Diagnostic, Effect, Policy, PolicyType,
    PrincipalKind, PrincipalValue, ResourceKind, Severity, Span, Statement,
};

mod conditions;
mod practices;

/// What the linter knows about where a policy is used (from a world, or nothing).
#[derive(Clone, Debug, Default)]
pub struct PolicyContext {
    /// The account the policy belongs to: the role's account for a trust policy, the bucket
    /// owner for a bucket policy.
    pub account: Option<String>,
    /// For a bucket policy in a world: whether Block Public Access (RestrictPublicBuckets) is on
    /// for the bucket, at bucket or account level.
    pub restrict_public_buckets: Option<bool>,
    /// An AWS managed policy: live in AWS, so the customer size quotas do not apply.
    pub aws_managed: bool,
    /// The size-quota row the policy is held to when the world says what it governs (a KMS
    /// key's, a queue's, ...); `None`: its type's row.
    pub quota: Option<iamsim_policy::quota::QuotaKind>,
}

/// A finding of one check, with the statement it is about.
pub(crate) struct Hit {
    pub diagnostic: Diagnostic,
    pub statement: Option<usize>,
}

struct Cx<'p> {
    policy: &'p Policy,
    ctx: &'p PolicyContext,
    cat: &'static Catalog,
    out: Vec<Hit>,
    /// For each statement, the first earlier statement that says the same (REDUNDANT_STATEMENT),
    /// found once per policy.
    first_same: Vec<Option<usize>>,
}

/// What one action pattern of a statement stands for in the catalog.
enum Resolved {
    /// `*`, a wildcard service prefix, or a service the catalog lacks: the catalog cannot answer.
    Unknown,
    /// Known actions of one service (empty when a wildcard matched nothing).
    Actions(Service<'static>, Vec<&'static Action>),
}

pub(crate) fn check_policy(policy: &Policy, ctx: &PolicyContext) -> Vec<Hit> {
    let mut first_same = vec![None; policy.statements.len()];
    if policy.statements.len() > 1 {
        let mut seen: std::collections::HashMap<Vec<String>, usize> =
            std::collections::HashMap::with_capacity(policy.statements.len());
        for (i, st) in policy.statements.iter().enumerate() {
            let first = *seen.entry(statement_meaning(st)).or_insert(i);
            if let Some(slot) = first_same.get_mut(i) {
                *slot = (first != i).then_some(first);
            }
        }
    }
    let mut cx = Cx {
        policy,
        ctx,
        cat: catalog(),
        out: Vec::new(),
        first_same,
    };
    for st in &policy.statements {
        cx.statement(st);
    }
    let mut out = cx.out;
    crate::federated::check(policy, &mut out);
    out
}

fn is_granting(ty: PolicyType) -> bool {
    matches!(
        ty,
        PolicyType::Identity | PolicyType::Session | PolicyType::Resource | PolicyType::Trust
    )
}

impl Cx<'_> {
    fn push(
        &mut self,
        st: &Statement,
        code: Code,
        span: Span,
        message: String,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::new(code, message, &self.policy.source, span);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.out.push(Hit {
            diagnostic: d,
            statement: Some(st.index),
        });
    }

    fn push_sev(
        &mut self,
        st: &Statement,
        code: Code,
        severity: Severity,
        span: Span,
        message: String,
        help: Option<String>,
    ) {
        self.push(st, code, span, message, help);
        if let Some(h) = self.out.last_mut() {
            h.diagnostic.severity = severity;
        }
    }

    fn statement(&mut self, st: &Statement) {
        let resolved = self.actions(st);
        self.redundant_actions(st, &resolved);
        if let Some(res) = &st.resource {
            self.resources(st, res, &resolved);
        }
        self.conditions(st, &resolved);
        self.tag_keys(st, &resolved);
        self.never_true(st);
        // A statement whose grant a plain `Deny` of the same policy takes back grants nothing:
        // the security checks would only cry wolf.
        if !self.denied_in_policy(st) {
            self.best_practices(st);
            self.principals(st);
        }
        self.principal_ids(st);
        self.statement_shape(st);
    }

    /// Checks of the statement as a whole: its `Sid`, keys repeated in another case, and a
    /// repeat of an earlier statement.
    /// A Region code written in a policy (`subject`: what it is, for the message), unless it is empty or
    /// a pattern: an error when it cannot be a Region code, a warning when it is well shaped but
    /// not a Region of the catalog (a typo, or a Region newer than the catalog).
    fn region(&mut self, st: &Statement, code: Code, region: &str, span: Span, subject: &str) {
        if region.is_empty()
            || region.contains(['*', '?', '$'])
            || iamsim_catalog::REGIONS.contains(&region)
        {
            return;
        }
        let guess = did_you_mean(region, iamsim_catalog::REGIONS.iter().copied());
        let help = match guess {
            Some(g) => format!("did you mean `{g}`?"),
            None => "write a Region code such as `us-east-1`".into(),
        };
        let (severity, message) = if iamsim_catalog::looks_like_region(region) {
            (
                Severity::Warning,
                format!(
                    "{subject} is not a Region of the catalog of {}: a typo, or a Region newer \
                     than the catalog",
                    catalog_date()
                ),
            )
        } else {
            (Severity::Error, format!("{subject} is not a Region code"))
        };
        self.push_sev(st, code, severity, span, message, Some(help));
    }

    fn statement_shape(&mut self, st: &Statement) {
        if let Some(sid) = &st.sid {
            if sid.value.is_empty() {
                self.push(
                    st,
                    Code::EmptySidValue,
                    sid.span,
                    "`Sid` is the empty string".into(),
                    Some("name the statement, or leave `Sid` out".into()),
                );
            }
        }
        for (i, a) in st.conditions.iter().enumerate() {
            if let Some(b) = st.conditions.iter().skip(i + 1).find(|b| {
                a.operator.value == b.operator.value
                    && a.key.value != b.key.value
                    && a.key.value.eq_ignore_ascii_case(&b.key.value)
            }) {
                self.push(
                    st,
                    Code::DuplicateKeysWithDifferentCase,
                    b.key.span,
                    format!(
                        "`{}` and `{}` under `{}` are one key (keys ignore case)",
                        a.key.value,
                        b.key.value,
                        a.operator.value.name()
                    ),
                    Some("merge their values under one spelling of the key".into()),
                );
            }
        }
        let earlier = self
            .first_same
            .get(st.index)
            .copied()
            .flatten()
            .and_then(|i| self.policy.statements.get(i));
        if let Some(earlier) = earlier {
            let which = earlier
                .sid
                .as_ref()
                .map(|s| format!("`{}`", s.value))
                .unwrap_or_else(|| format!("{}", earlier.index));
            self.push(
                st,
                Code::RedundantStatement,
                st.span,
                format!("this statement repeats statement {which}"),
                Some("remove one of them; two copies drift apart when one is edited".into()),
            );
        }
    }

    // ---- actions ---------------------------------------------------------------------------

    fn actions(&mut self, st: &Statement) -> Vec<Resolved> {
        let mut out = Vec::with_capacity(st.action.patterns.len());
        for p in &st.action.patterns {
            out.push(self.action(st, &p.text, p.span));
        }
        out
    }

    fn action(&mut self, st: &Statement, text: &str, span: Span) -> Resolved {
        let Some((prefix, name)) = text.split_once(':') else {
            return Resolved::Unknown;
        };
        if prefix.contains(['*', '?']) {
            return Resolved::Unknown;
        }
        let Some(svc) = self.cat.service(prefix) else {
            let guess = did_you_mean(prefix, self.cat.prefixes());
            // A near miss is a typo (error); otherwise the service may be retired or newer than
            // the catalog, and AWS keeps such actions in live policies (warning).
            let (severity, help) = match guess {
                Some(g) => (Severity::Error, format!("did you mean `{g}:{name}`?")),
                None => (
                    Severity::Warning,
                    format!(
                        "no service has it in the catalog of {}: a retired service, a typo, or a                          service newer than the catalog",
                        catalog_date()
                    ),
                ),
            };
            self.push_sev(
                st,
                Code::InvalidServiceInAction,
                severity,
                span,
                format!("`{prefix}` in `{text}` is not the prefix of any AWS service"),
                Some(help),
            );
            return Resolved::Unknown;
        };
        if name.contains(['*', '?']) {
            let glob = name_glob(name);
            let matched: Vec<&'static Action> = svc
                .actions()
                .iter()
                .filter(|a| glob.matches(a.name))
                .collect();
            if matched.is_empty() {
                self.push(
                    st,
                    Code::ActionWildcardMatchesNothing,
                    span,
                    format!(
                        "`{text}` matches no action of {} (`{}`)",
                        svc.name, svc.prefix
                    ),
                    Some(format!(
                        "the statement grants or denies nothing through it; check the spelling \
                         against the actions of `{}`",
                        svc.prefix
                    )),
                );
            }
            return Resolved::Actions(svc, matched);
        }
        match svc.action(name) {
            Some(a) => Resolved::Actions(svc, vec![a]),
            None => {
                let guess = did_you_mean(name, svc.actions().iter().map(|a| a.name));
                let (severity, help) = match guess {
                    Some(g) => (Severity::Error, format!("did you mean `{}:{g}`?", svc.prefix)),
                    None => (
                        Severity::Warning,
                        format!(
                            "not in the catalog of {} for `{}`: a retired action, a typo, or one                              newer than the catalog",
                            catalog_date(),
                            svc.prefix
                        ),
                    ),
                };
                self.push_sev(
                    st,
                    Code::InvalidAction,
                    severity,
                    span,
                    format!(
                        "`{text}` is not an action of {} (`{}`)",
                        svc.name, svc.prefix
                    ),
                    Some(help),
                );
                Resolved::Unknown
            }
        }
    }

    fn redundant_actions(&mut self, st: &Statement, resolved: &[Resolved]) {
        let pats = &st.action.patterns;
        for (i, p) in pats.iter().enumerate() {
            for (j, q) in pats.iter().enumerate() {
                if i == j {
                    continue;
                }
                let same_text = p.text.eq_ignore_ascii_case(&q.text);
                // Equal patterns: report the later one only.
                if same_text && j > i {
                    continue;
                }
                let covered = same_text
                    || q.text == "*"
                    || match (resolved.get(i), resolved.get(j)) {
                        (Some(Resolved::Actions(ps, pa)), Some(Resolved::Actions(qs, qa))) => {
                            ps.prefix == qs.prefix
                                && !pa.is_empty()
                                && pa.iter().all(|a| qa.iter().any(|b| std::ptr::eq(*a, *b)))
                                && (pa.len() < qa.len() || j < i)
                        }
                        _ => !p.text.contains(['*', '?']) && pattern_covers(&q.text, &p.text, true),
                    };
                if covered {
                    self.push(
                        st,
                        Code::RedundantAction,
                        p.span,
                        format!("`{}` is redundant: `{}` already covers it", p.text, q.text),
                        Some(format!("remove `{}`", p.text)),
                    );
                    break;
                }
            }
        }
    }

    // ---- resources -------------------------------------------------------------------------

    fn resources(
        &mut self,
        st: &Statement,
        res: &iamsim_policy::ResourceBlock,
        resolved: &[Resolved],
    ) {
        for p in &res.patterns {
            if p.text.starts_with("arn:") {
                if let Some(region) = p.text.split(':').nth(3) {
                    let subject = format!("the Region `{region}` of `{}`", p.text);
                    self.region(st, Code::InvalidArnRegion, region, p.span, &subject);
                }
            }
            let service = p.text.split(':').nth(2).unwrap_or("");
            if p.text.starts_with("arn:") && service.chars().any(|c| c.is_ascii_uppercase()) {
                self.push(
                    st,
                    Code::InvalidArnServiceCase,
                    p.span,
                    format!(
                        "the service `{service}` of `{}` is not lower case: it matches no ARN AWS \
                         writes",
                        p.text
                    ),
                    Some(format!("write `{}`", service.to_ascii_lowercase())),
                );
            }
            if let Some(acct) = bucket_account_id(&p.text) {
                let rest = p
                    .text
                    .get(format!("arn:aws:s3:::{acct}").len()..)
                    .unwrap_or("")
                    .trim_start_matches('/');
                let fix = if rest.is_empty() {
                    "write the bucket's name; S3 ARNs carry no account".to_string()
                } else {
                    let bucket = rest.split('/').next().unwrap_or(rest);
                    format!(
                        "S3 ARNs carry no account: for the objects of bucket `{bucket}` write \
                         `arn:aws:s3:::{bucket}/*`"
                    )
                };
                self.push(
                    st,
                    Code::BucketNameLooksLikeAccountId,
                    p.span,
                    format!(
                        "`{}` names a bucket called `{acct}`, which looks like an account id",
                        p.text
                    ),
                    Some(fix),
                );
            }
        }
        // Redundancy, both for Resource and NotResource lists.
        for (i, p) in res.patterns.iter().enumerate() {
            for (j, q) in res.patterns.iter().enumerate() {
                if i == j || (p.text == q.text && j > i) {
                    continue;
                }
                if p.text == q.text || pattern_covers(&q.text, &p.text, false) {
                    self.push(
                        st,
                        Code::RedundantResource,
                        p.span,
                        format!("`{}` is redundant: `{}` already covers it", p.text, q.text),
                        Some(format!("remove `{}`", p.text)),
                    );
                    break;
                }
            }
        }
        if res.kind == ResourceKind::Resource && st.action.kind == ActionKind::Action {
            self.resource_types(st, res, resolved);
        }
    }

    /// A `Resource` that no action of the statement can act on (7.2: `s3:GetObject` on a bucket
    /// ARN grants nothing).
    fn resource_types(
        &mut self,
        st: &Statement,
        res: &iamsim_policy::ResourceBlock,
        resolved: &[Resolved],
    ) {
        if resolved.iter().any(|r| matches!(r, Resolved::Unknown)) {
            return;
        }
        // (action, its resource types' ARN templates); None = takes no resource type.
        let mut takes: Vec<(String, Vec<&'static str>)> = Vec::new();
        for r in resolved {
            if let Resolved::Actions(svc, acts) = r {
                for a in acts {
                    let arns: Vec<&'static str> = svc.resource_types_of(a).map(|t| t.arn).collect();
                    takes.push((format!("{}:{}", svc.prefix, a.name), arns));
                }
            }
        }
        if takes.is_empty() {
            return;
        }
        for p in &res.patterns {
            if p.text == "*" || !p.text.starts_with("arn:") {
                continue;
            }
            let fits = takes
                .iter()
                .any(|(_, arns)| arns.iter().any(|t| resource_fits_template(&p.text, t)));
            if fits {
                continue;
            }
            let mut what: Vec<String> = Vec::new();
            for (name, arns) in takes.iter().take(3) {
                what.push(match arns.first() {
                    None => format!("`{name}` takes no resource type (only `*`)"),
                    Some(_) => format!(
                        "`{name}` takes {}",
                        arns.iter()
                            .take(2)
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                });
            }
            if takes.len() > 3 {
                what.push(format!("and {} more", takes.len() - 3));
            }
            let wants_object = takes.iter().any(|(_, arns)| {
                arns.iter()
                    .any(|a| a.ends_with("${BucketName}/${ObjectName}"))
            });
            let help = if p.text.starts_with("arn:aws:s3:::")
                && !p.text.contains('/')
                && wants_object
            {
                format!("object actions need object ARNs: write `{}/*`", p.text)
            } else {
                "name a resource of a type these actions act on, or move it to a statement whose \
                 actions take it"
                    .to_string()
            };
            self.push(
                st,
                Code::ResourceTypeMismatch,
                p.span,
                format!(
                    "`{}` fits none of the resource types of this statement's actions (per AWS's service authorization data), so it grants nothing: {}",
                    p.text,
                    what.join("; ")
                ),
                Some(help),
            );
        }
    }
}

/// The date of the embedded catalog, for messages (`2026-09-26`).
fn catalog_date() -> &'static str {
    let d = catalog().source().date;
    d.get(..10).unwrap_or(d)
}

fn name_glob(name: &str) -> Glob {
    let mode = TemplateMode {
        variables: false,
        wildcards: true,
    };
    match Template::parse(name, mode) {
        Ok(t) => Glob::new(t.pieces(), true),
        Err(_) => Glob::new(
            &[iamsim_policy::variables::Piece::Literal(name.into())],
            true,
        ),
    }
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<String> = items.take(4).map(|s| format!("`{s}`")).collect();
    v.join(", ")
}

fn family_name(f: Family) -> &'static str {
    match f {
        Family::String => "string",
        Family::Numeric => "numeric",
        Family::Date => "date",
        Family::Bool => "boolean",
        Family::Binary => "binary",
        Family::Ip => "IP address",
        Family::Arn => "ARN",
        Family::Null => "null",
    }
}

/// `arn:aws:s3:::<12 digits>` followed by `/` or the end: an account id as a bucket name.
fn bucket_account_id(text: &str) -> Option<&str> {
    let rest = text
        .strip_prefix("arn:aws:s3:::")
        .or_else(|| text.strip_prefix("arn:aws-cn:s3:::"))
        .or_else(|| text.strip_prefix("arn:aws-us-gov:s3:::"))?;
    let id = rest.get(..12)?;
    let after = rest.get(12..)?;
    (id.bytes().all(|b| b.is_ascii_digit()) && (after.is_empty() || after.starts_with('/')))
        .then_some(id)
}

/// Whether the statement's action block covers `action` (Action or NotAction); returns the span
/// to point at and whether it is named literally.
pub(crate) fn covers_action(st: &Statement, action: &str) -> Option<(Span, bool)> {
    match st.action.kind {
        ActionKind::Action => st.action.patterns.iter().find_map(|p| {
            p.matcher
                .matches(action)
                .is_true()
                .then(|| (p.span, p.text.eq_ignore_ascii_case(action)))
        }),
        ActionKind::NotAction => (!st
            .action
            .patterns
            .iter()
            .any(|p| p.matcher.matches(action).may_be_true()))
        .then_some((st.action.key_span, false)),
    }
}

/// Like [`covers_action`] but only for patterns that name the service (not `*` alone, which
/// other checks report).
fn covers_action_named(st: &Statement, action: &str) -> Option<(Span, bool)> {
    if st.action.kind != ActionKind::Action {
        return None;
    }
    st.action.patterns.iter().find_map(|p| {
        (p.text != "*" && p.matcher.matches(action).is_true())
            .then(|| (p.span, p.text.eq_ignore_ascii_case(action)))
    })
}

/// Why conditions `a` and `b` (same key) cannot both hold, if they cannot.
fn contradiction(a: &Condition, b: &Condition) -> Option<String> {
    let (oa, ob) = (a.operator.value, b.operator.value);
    // `Null: true` says the key is absent; a positive test of its value needs it present.
    if oa.base == OperatorBase::Null && a.values.len() == 1 {
        if let Some(ParsedValue::Null(true)) = a.values.first().map(|v| &v.parsed) {
            let needs_presence = ob.base != OperatorBase::Null
                && !ob.is_negated()
                && !ob.if_exists
                && ob.set != Some(SetOperator::ForAllValues);
            if needs_presence {
                return Some(format!(
                    "`Null` `true` requires the key to be absent and `{}` requires it to be present",
                    ob.name()
                ));
            }
        }
    }
    if oa.if_exists || ob.if_exists || oa.set.is_some() || ob.set.is_some() {
        return None;
    }
    // Numeric and date ranges with nothing between their bounds.
    if let (Some((lo, lo_strict)), Some((hi, hi_strict))) = (lower_bound(a), upper_bound(b)) {
        if lo > hi || (lo == hi && (lo_strict || hi_strict)) {
            return Some(format!(
                "no value is {} `{}` and {} `{}`",
                if lo_strict { "above" } else { "at least" },
                bound_text(a),
                if hi_strict { "below" } else { "at most" },
                bound_text(b)
            ));
        }
    }
    // StringEquals values that StringNotEquals excludes, all of them.
    if oa.base == OperatorBase::StringEquals && ob.base == OperatorBase::StringNotEquals {
        let all_excluded = !a.values.is_empty()
            && a.values
                .iter()
                .all(|v| !v.text.contains("${") && b.values.iter().any(|w| w.text == v.text));
        if all_excluded {
            return Some("every value `StringEquals` accepts, `StringNotEquals` rejects".into());
        }
    }
    None
}

fn bound_text(c: &Condition) -> String {
    c.values
        .iter()
        .map(|v| v.text.as_str())
        .collect::<Vec<_>>()
        .join("`, `")
}

/// A numeric value on a common scale: numbers as written, dates as nanoseconds (exact only).
fn scalar(v: &iamsim_policy::condition::ConditionValue) -> Option<f64> {
    match &v.parsed {
        ParsedValue::Number(_) => v.text.trim().parse::<f64>().ok(),
        ParsedValue::Date(d) if d.is_exact() => Some(d.earliest as f64),
        _ => None,
    }
}

/// The loosest lower bound the condition sets: values are OR-ed, so the smallest one.
fn lower_bound(c: &Condition) -> Option<(f64, bool)> {
    let strict = match c.operator.value.base {
        OperatorBase::NumericGreaterThan | OperatorBase::DateGreaterThan => true,
        OperatorBase::NumericGreaterThanEquals | OperatorBase::DateGreaterThanEquals => false,
        _ => return None,
    };
    let vals: Option<Vec<f64>> = c.values.iter().map(scalar).collect();
    vals?.into_iter().reduce(f64::min).map(|v| (v, strict))
}

fn upper_bound(c: &Condition) -> Option<(f64, bool)> {
    let strict = match c.operator.value.base {
        OperatorBase::NumericLessThan | OperatorBase::DateLessThan => true,
        OperatorBase::NumericLessThanEquals | OperatorBase::DateLessThanEquals => false,
        _ => return None,
    };
    let vals: Option<Vec<f64>> = c.values.iter().map(scalar).collect();
    vals?.into_iter().reduce(f64::max).map(|v| (v, strict))
}

/// An action that is dangerous granted on every resource, with Access Analyzer's codes for each
/// way a statement grants it: with `NotResource`, named on `*`, through a wildcard action on `*`,
/// through `NotAction` on `*`.
struct WideGrant {
    action: &'static str,
    narrowed_by: &'static [&'static str],
    codes: [Code; 4],
    risk: &'static str,
    help: &'static str,
}

const WIDE_GRANTS: &[WideGrant] = &[
    WideGrant {
        action: "iam:PassRole",
        narrowed_by: &["iam:PassedToService", "iam:AssociatedResourceArn"],
        codes: [
            Code::PassRoleWithNotResource,
            Code::PassRoleWithStarInResource,
            Code::PassRoleWithStarInActionAndResource,
            Code::PassRoleWithStarInResourceAndNotAction,
        ],
        risk: "the caller can hand any role, and its permissions, to a service",
        help: "name the roles in `Resource` and limit the services with `iam:PassedToService`",
    },
    WideGrant {
        action: "iam:CreateServiceLinkedRole",
        narrowed_by: &["iam:AWSServiceName"],
        codes: [
            Code::CreateSlrWithNotResource,
            Code::CreateSlrWithStarInResource,
            Code::CreateSlrWithStarInActionAndResource,
            Code::CreateSlrWithStarInResourceAndNotAction,
        ],
        risk: "the caller can create the service-linked role of any service, with the \
               permissions AWS gives it",
        help: "name the roles in `Resource` (`arn:aws:iam::*:role/aws-service-role/SERVICE/*`) \
               or limit the services with `iam:AWSServiceName`",
    },
];

/// How a statement's action block reaches an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// Named as written (`iam:PassRole`, any case).
    Named,
    /// Through a wildcard (`iam:*`, `iam:Pass*`, `*`).
    Wildcard,
    /// Through `NotAction` that does not list it.
    NotAction,
}

/// Whether the statement's action block reaches `action`, with the span to point at.
fn grant_shape(st: &Statement, action: &str) -> Option<(Span, Shape)> {
    let (span, named) = covers_action(st, action)?;
    let shape = match (st.action.kind, named) {
        (ActionKind::NotAction, _) => Shape::NotAction,
        (_, true) => Shape::Named,
        (_, false) => Shape::Wildcard,
    };
    Some((span, shape))
}

/// A service principal as AWS writes them (`lambda.amazonaws.com`, `ec2.us-east-1.amazonaws.com`
/// for `kms:ViaService`, `*.amazonaws.com.cn` in China): lower-case DNS labels, at least two.
/// Wildcards and variables stand for text not known here, so such values pass.
fn is_service_principal_shape(text: &str) -> bool {
    if text.contains(['*', '?']) || text.contains("${") {
        return true;
    }
    let labels: Vec<&str> = text.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// RFC 1918, loopback and link-local IPv4; unique-local and link-local IPv6.
fn ip_is_private(net: &iamsim_policy::condition::IpNet) -> bool {
    use iamsim_policy::condition::IpNet;
    match *net {
        IpNet::V4 { network, prefix } => {
            let within = |base: u32, bits: u8| {
                prefix >= bits
                    && (network >> (32 - u32::from(bits))) == (base >> (32 - u32::from(bits)))
            };
            within(10 << 24, 8)
                || within(172 << 24 | 16 << 16, 12)
                || within(192 << 24 | 168 << 16, 16)
                || within(127 << 24, 8)
                || within(169 << 24 | 254 << 16, 16)
        }
        IpNet::V6 { network, prefix } => {
            let top = (network >> 112) as u16;
            (prefix >= 7 && top & 0xfe00 == 0xfc00) || (prefix >= 10 && top & 0xffc0 == 0xfe80)
        }
    }
}

/// What a statement says, without its `Sid`: its effect and each element's values, sorted, as
/// written (two statements with equal meanings are copies).
fn statement_meaning(st: &Statement) -> Vec<String> {
    let mut out = vec![format!("{:?}", st.effect.value)];
    out.push(format!("{:?}", st.action.kind));
    let mut acts: Vec<String> = st
        .action
        .patterns
        .iter()
        .map(|p| p.text.to_ascii_lowercase())
        .collect();
    acts.sort();
    out.push(acts.join("\u{0}"));
    if let Some(r) = &st.resource {
        let mut rs: Vec<&str> = r.patterns.iter().map(|p| p.text.as_str()).collect();
        rs.sort_unstable();
        out.push(format!("{:?}:{}", r.kind, rs.join("\u{0}")));
    }
    if let Some(p) = &st.principal {
        let mut ps: Vec<&str> = p.entries.iter().map(|e| e.text.as_str()).collect();
        ps.sort_unstable();
        out.push(format!("{:?}:{}", p.kind, ps.join("\u{0}")));
    }
    let mut conds: Vec<String> = st
        .conditions
        .iter()
        .map(|c| {
            let mut vs: Vec<&str> = c.values.iter().map(|v| v.text.as_str()).collect();
            vs.sort_unstable();
            format!(
                "{}\u{0}{}\u{0}{}",
                c.operator.value.name(),
                c.key.value.to_ascii_lowercase(),
                vs.join("\u{1}")
            )
        })
        .collect();
    conds.sort();
    out.extend(conds);
    out
}

/// `10.0.0.1/8` → `Some("10.0.0.0/8")`: the CIDR with the bits after its prefix cleared, when
/// any were set.
fn masked_cidr(text: &str) -> Option<String> {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    let (addr, prefix) = text.split_once('/')?;
    let prefix: u32 = prefix.parse().ok()?;
    match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) if prefix <= 32 => {
            let bits = u32::from(a);
            let masked = bits & u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            (masked != bits).then(|| format!("{}/{prefix}", Ipv4Addr::from(masked)))
        }
        IpAddr::V6(a) if prefix <= 128 => {
            let bits = u128::from(a);
            let masked = bits & u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            (masked != bits).then(|| format!("{}/{prefix}", Ipv6Addr::from(masked)))
        }
        _ => None,
    }
}

/// `aws:ResourceTag/KEY`, `aws:RequestTag/KEY` or `aws:TagKeys`: the tag keys services support
/// for some actions only.
fn is_tag_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    (lower.starts_with("aws:resourcetag/")
        || lower.starts_with("aws:requesttag/")
        || lower == "aws:tagkeys")
        && !lower.ends_with('/')
}

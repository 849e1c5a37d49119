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

    // ---- conditions ------------------------------------------------------------------------

    fn conditions(&mut self, st: &Statement, resolved: &[Resolved]) {
        for c in &st.conditions {
            self.condition_values(st, c);
            let Some(found) = self.key(st, c) else {
                continue;
            };
            self.applicable(st, c, resolved);
            self.key_type(st, c, found);
        }
        self.paired_keys(st);
    }

    /// Checks of one condition's values that need no catalog.
    fn condition_values(&mut self, st: &Statement, c: &Condition) {
        let op = c.operator.value;
        let key = c.key.value.as_str();
        if key.eq_ignore_ascii_case("aws:RequestedRegion") && op.base.family() == Family::String {
            for v in &c.values {
                let subject = format!("the `{key}` value `{}`", v.text);
                self.region(st, Code::InvalidRegion, &v.text, v.span, &subject);
            }
        }
        // `StringLike {"k": "*"}`: true exactly when the key is present.
        if matches!(op.base, OperatorBase::StringLike | OperatorBase::ArnLike)
            && !op.if_exists
            && op.set.is_none()
            && c.values.len() == 1
            && c.values.iter().all(|v| v.text == "*")
        {
            self.push(
                st,
                Code::EquivalentToNullFalse,
                c.operator.span,
                format!(
                    "`{}` with the single value `*` only tests that `{key}` is present",
                    op.name()
                ),
                Some(format!(
                    "say so: `\"Null\": {{\"{key}\": \"false\"}}`, or test the values you expect"
                )),
            );
        }
        // A wildcard that an `...Equals` operator compares as a character.
        if matches!(
            op.base,
            OperatorBase::StringEquals
                | OperatorBase::StringNotEquals
                | OperatorBase::StringEqualsIgnoreCase
                | OperatorBase::StringNotEqualsIgnoreCase
        ) {
            if let Some(v) = c
                .values
                .iter()
                .find(|v| v.text.contains(['*', '?']) && !v.text.contains("${"))
            {
                let like = op
                    .name()
                    .replace("Equals", "Like")
                    .replace("IgnoreCase", "");
                self.push(
                    st,
                    Code::WildcardWithoutLikeOperator,
                    v.span,
                    format!(
                        "`{}` compares `{}` as written: its `*` or `?` matches only that character",
                        op.name(),
                        v.text
                    ),
                    Some(format!("to match a pattern, use `{like}`")),
                );
            }
        }
        // Keys whose values are service principals (`lambda.amazonaws.com`).
        const SERVICE_PRINCIPAL_KEYS: &[&str] = &[
            "aws:PrincipalServiceName",
            "aws:PrincipalServiceNamesList",
            "aws:CalledVia",
            "aws:CalledViaFirst",
            "aws:CalledViaLast",
            "iam:PassedToService",
            "iam:AWSServiceName",
            "kms:ViaService",
        ];
        if SERVICE_PRINCIPAL_KEYS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key))
            && op.base.family() == Family::String
        {
            for v in &c.values {
                if !is_service_principal_shape(&v.text) {
                    self.push(
                        st,
                        Code::InvalidServicePrincipalFormat,
                        v.span,
                        format!(
                            "`{}` is not a service principal, which `{key}` holds",
                            v.text
                        ),
                        Some(
                            "write the service principal, such as `lambda.amazonaws.com` (for \
                             `kms:ViaService`, `SERVICE.REGION.amazonaws.com`)"
                                .into(),
                        ),
                    );
                }
            }
        }
        self.ip_values(st, c);
        self.bool_and_numeric_values(st, c);
    }

    /// `aws:SourceIp` values and CIDRs: private addresses and host bits set after the prefix.
    fn ip_values(&mut self, st: &Statement, c: &Condition) {
        let op = c.operator.value;
        let key = c.key.value.as_str();
        // `aws:SourceIp` never holds a private address (requests through a VPC endpoint carry
        // `aws:VpcSourceIp` instead).
        let ip_op = matches!(
            op.base,
            OperatorBase::IpAddress | OperatorBase::NotIpAddress
        );
        if key.eq_ignore_ascii_case("aws:SourceIp") && ip_op && !c.values.is_empty() {
            let private = c
                .values
                .iter()
                .filter(|v| matches!(&v.parsed, ParsedValue::Ip(net) if ip_is_private(net)))
                .count();
            let not = op.base == OperatorBase::NotIpAddress;
            let (code, what) = match (private == c.values.len(), private > 0, not) {
                (true, _, false) => (
                    Code::PrivateIpAddress,
                    "every value of `aws:SourceIp` here is a private address, and `aws:SourceIp` \
                     holds only public ones: the test is never true",
                ),
                (true, _, true) => (
                    Code::PrivateNotIpAddress,
                    "every value of `aws:SourceIp` here is a private address, and `aws:SourceIp` \
                     holds only public ones: `NotIpAddress` excludes nothing",
                ),
                (false, true, false) => (
                    Code::PrivateIpAddressSubset,
                    "some values of `aws:SourceIp` here are private addresses, which \
                     `aws:SourceIp` never holds: they match nothing",
                ),
                (false, true, true) => (
                    Code::PrivateNotIpAddressSubset,
                    "some values of `aws:SourceIp` here are private addresses, which \
                     `aws:SourceIp` never holds: they exclude nothing",
                ),
                _ => (Code::PrivateIpAddress, ""),
            };
            if !what.is_empty() && !op.if_exists {
                self.push(
                    st,
                    code,
                    c.key.span,
                    what.to_string(),
                    Some(
                        "for private addresses reached through a VPC endpoint, test \
                         `aws:VpcSourceIp` together with `aws:SourceVpc` or `aws:SourceVpce`"
                            .into(),
                    ),
                );
            }
        }
        // A CIDR whose address has bits set after the prefix: AWS ignores them.
        if ip_op {
            for v in &c.values {
                if let Some(fixed) = masked_cidr(&v.text) {
                    self.push(
                        st,
                        Code::ImproveIpRange,
                        v.span,
                        format!(
                            "`{}` has address bits set after its prefix, which are ignored",
                            v.text
                        ),
                        Some(format!("write `{fixed}`")),
                    );
                }
            }
        }
    }

    /// `Bool` with both truth values, and several values under one numeric bound.
    fn bool_and_numeric_values(&mut self, st: &Statement, c: &Condition) {
        let op = c.operator.value;
        let key = c.key.value.as_str();
        // `Bool` with both truth values: any present value passes.
        if op.base == OperatorBase::Bool {
            let t = c.values.iter().any(|v| v.text.eq_ignore_ascii_case("true"));
            let f = c
                .values
                .iter()
                .any(|v| v.text.eq_ignore_ascii_case("false"));
            if t && f {
                self.push(
                    st,
                    Code::InvalidConditionMultipleBoolean,
                    c.key.span,
                    format!("`{key}` is tested against both `true` and `false`: any value passes"),
                    Some("keep the one value you mean, or use `Null` to test that the key is present".into()),
                );
            }
        }
        // Several values under one numeric bound: they are OR-ed, so only the loosest counts.
        let bound = matches!(
            op.base,
            OperatorBase::NumericLessThan
                | OperatorBase::NumericLessThanEquals
                | OperatorBase::NumericGreaterThan
                | OperatorBase::NumericGreaterThanEquals
        );
        if bound && op.set.is_none() && c.values.len() > 1 {
            let nums: Option<Vec<f64>> = c.values.iter().map(scalar).collect();
            if let Some(nums) = nums {
                let upper = matches!(
                    op.base,
                    OperatorBase::NumericLessThan | OperatorBase::NumericLessThanEquals
                );
                let keep = if upper {
                    nums.iter().copied().fold(f64::MIN, f64::max)
                } else {
                    nums.iter().copied().fold(f64::MAX, f64::min)
                };
                let text = c
                    .values
                    .iter()
                    .zip(&nums)
                    .find(|(_, n)| **n == keep)
                    .map(|(v, _)| v.text.clone())
                    .unwrap_or_default();
                self.push(
                    st,
                    Code::RedundantConditionValueNum,
                    c.key.span,
                    format!(
                        "`{}` with several values for `{key}`: they are alternatives, so only `{text}` counts",
                        op.name()
                    ),
                    Some(format!("write the one value `{text}`")),
                );
            }
        }
    }

    /// `NotAction` with a tag condition key: every action of every service outside the list is
    /// in the statement, and the catalog names one that does not support the key.
    fn not_action_tag_keys(&mut self, st: &Statement) {
        for c in &st.conditions {
            let key = c.key.value.as_str();
            if !is_tag_key(key) {
                continue;
            }
            let listed = |name: &str| {
                st.action
                    .patterns
                    .iter()
                    .any(|p| p.matcher.matches(name).may_be_true())
            };
            let example = self.cat.services().find_map(|svc| {
                svc.actions().iter().find_map(|a| {
                    let name = format!("{}:{}", svc.prefix, a.name);
                    (!listed(&name) && !svc.action_supports_key(a, key)).then_some(name)
                })
            });
            let Some(example) = example else {
                continue;
            };
            let (code, effect) = match st.effect.value {
                Effect::Allow => (
                    Code::AllowNotactionWithUnsupportedTagConditionKeyForService,
                    "never allows those",
                ),
                Effect::Deny => (
                    Code::DenyNotactionWithUnsupportedTagConditionKeyForService,
                    "never denies those",
                ),
            };
            self.push(
                st,
                code,
                c.key.span,
                format!(
                    "`NotAction` takes in actions that do not support `{key}` (such as \
                     `{example}`): the key is absent from their requests, so the statement {effect}"
                ),
                Some(
                    "list the actions with `Action` instead, and handle actions of services \
                     without tag support by resource name in a statement of their own"
                        .into(),
                ),
            );
        }
    }

    /// `aws:VpcSourceIp` holds an address of any VPC: without the VPC it is not narrow.
    fn paired_keys(&mut self, st: &Statement) {
        if st.effect.value != Effect::Allow {
            return;
        }
        let has = |k: &str| {
            st.conditions
                .iter()
                .any(|c| c.key.value.eq_ignore_ascii_case(k))
        };
        if has("aws:SourceVpc") || has("aws:SourceVpce") {
            return;
        }
        if let Some(c) = st
            .conditions
            .iter()
            .find(|c| c.key.value.eq_ignore_ascii_case("aws:VpcSourceIp"))
        {
            self.push(
                st,
                Code::MissingPairedConditionKeys,
                c.key.span,
                "`aws:VpcSourceIp` without `aws:SourceVpc` or `aws:SourceVpce`: the same private \
                 address exists in every VPC, anyone's included"
                    .into(),
                Some("add a test of `aws:SourceVpc` or `aws:SourceVpce` to this statement".into()),
            );
        }
    }

    /// Tag condition keys (`aws:ResourceTag/...`, `aws:RequestTag/...`, `aws:TagKeys`) that no
    /// action of a service in the statement supports: for those actions the key is absent, so an
    /// `Allow` never grants them and a `Deny` never denies them.
    fn tag_keys(&mut self, st: &Statement, resolved: &[Resolved]) {
        if st.action.kind == ActionKind::NotAction {
            self.not_action_tag_keys(st);
            return;
        }
        if resolved.iter().any(|r| matches!(r, Resolved::Unknown)) {
            return;
        }
        for c in &st.conditions {
            let key = c.key.value.as_str();
            if !is_tag_key(key) {
                continue;
            }
            let mut unsupported: Vec<&str> = Vec::new();
            let mut supported_somewhere = false;
            for r in resolved {
                let Resolved::Actions(svc, acts) = r else {
                    continue;
                };
                if acts.is_empty() {
                    continue;
                }
                let any = resolved.iter().any(|q| match q {
                    Resolved::Actions(s2, a2) if s2.prefix == svc.prefix => {
                        a2.iter().any(|a| s2.action_supports_key(a, key))
                    }
                    _ => false,
                });
                if any {
                    supported_somewhere = true;
                } else if !unsupported.contains(&svc.prefix) {
                    unsupported.push(svc.prefix);
                }
            }
            if unsupported.is_empty() {
                continue;
            }
            let services = list(unsupported.iter().copied());
            let (code, effect) = match st.effect.value {
                Effect::Allow => (
                    Code::AllowWithUnsupportedTagConditionKeyForService,
                    "never allows them",
                ),
                Effect::Deny => (
                    Code::DenyWithUnsupportedTagConditionKeyForService,
                    "never denies them",
                ),
            };
            let _ = supported_somewhere;
            self.push(
                st,
                code,
                c.key.span,
                format!(
                    "no action of {services} in this statement supports `{key}`: the key is absent \
                     from their requests, so the statement {effect}"
                ),
                Some(
                    "move those actions to a statement of their own and limit them by resource \
                     name instead of by tag"
                        .into(),
                ),
            );
        }
    }

    /// Looks the key up; reports it when it does not exist.
    fn key(&mut self, st: &Statement, c: &Condition) -> Option<ConditionKey> {
        let key = c.key.value.as_str();
        if !key.contains(':') {
            let guess = did_you_mean(
                &format!("aws:{key}"),
                self.cat.global_keys().iter().map(|k| k.name),
            )
            .or_else(|| {
                self.cat
                    .global_keys()
                    .iter()
                    .map(|k| k.name)
                    .find(|k| k.get(4..).is_some_and(|n| n.eq_ignore_ascii_case(key)))
            });
            self.push(
                st,
                Code::InvalidConditionKeyFormat,
                c.key.span,
                format!("`{key}` has no service prefix: no request holds it"),
                Some(match guess {
                    Some(g) => format!("condition keys are `prefix:name`: did you mean `{g}`?"),
                    None => {
                        "condition keys are `prefix:name`, such as `aws:SourceIp` or `s3:prefix`"
                            .into()
                    }
                }),
            );
            return None;
        }
        if let Some(tag) = ["aws:ResourceTag", "aws:RequestTag", "aws:PrincipalTag"]
            .iter()
            .find(|t| {
                key.eq_ignore_ascii_case(t)
                    || key
                        .get(..t.len() + 1)
                        .is_some_and(|h| h.eq_ignore_ascii_case(&format!("{t}/")))
                        && key.len() == t.len() + 1
            })
        {
            self.push(
                st,
                Code::MissingTagKeyInCondition,
                c.key.span,
                format!("`{key}` names no tag key"),
                Some(format!("write `{tag}/TAG-KEY`, for example `{tag}/team`")),
            );
            return None;
        }
        if let Some(k) = self.cat.condition_key(key) {
            return Some(k);
        }
        let prefix = iamsim_catalog::key_prefix(key);
        if prefix.eq_ignore_ascii_case("aws") {
            let guess = did_you_mean(key, self.cat.global_keys().iter().map(|k| k.name));
            self.push(
                st,
                Code::InvalidGlobalConditionKey,
                c.key.span,
                format!("`{key}` is not a global condition key: it is never in a request"),
                Some(match guess {
                    Some(g) => format!("did you mean `{g}`?"),
                    None => "see the AWS global condition context keys".into(),
                }),
            );
            return None;
        }
        // The claims of OIDC and SAML providers (IAM's keys for web identity and SAML
        // federation): the service data lists only a provider's own extra claims.
        if iamsim_policy::federation::is_provider_key(key) {
            return None;
        }
        let services = self.cat.key_services(prefix);
        if let Some(svc) = services.first() {
            let guess = did_you_mean(key, svc.condition_keys().iter().map(|k| k.name));
            self.push(
                st,
                Code::InvalidServiceConditionKey,
                c.key.span,
                format!(
                    "`{key}` is not a condition key of {} (`{}`)",
                    svc.name, svc.prefix
                ),
                Some(match guess {
                    Some(g) => format!("did you mean `{g}`?"),
                    None => format!(
                        "see the condition keys of `{}` in the Service Authorization Reference",
                        svc.prefix
                    ),
                }),
            );
        } else if !prefix.contains(['.', '/']) && !prefix.contains("${") {
            // A federated provider URL (`oidc.eks...:sub`) is not in the catalog; a bare word is.
            if let Some(g) = did_you_mean(prefix, self.cat.prefixes()) {
                self.push(
                    st,
                    Code::InvalidServiceConditionKey,
                    c.key.span,
                    format!("`{key}`: `{prefix}` is not the prefix of any AWS service"),
                    Some(format!("did you mean `{g}:`?")),
                );
            }
        }
        None
    }

    /// A service key that none of the statement's actions sets is always absent (3.7).
    fn applicable(&mut self, st: &Statement, c: &Condition, resolved: &[Resolved]) {
        let key = c.key.value.as_str();
        if self.cat.global_key(key).is_some() || st.action.kind != ActionKind::Action {
            return;
        }
        if resolved.iter().any(|r| matches!(r, Resolved::Unknown)) {
            return;
        }
        let mut any_action = false;
        for r in resolved {
            if let Resolved::Actions(svc, acts) = r {
                for a in acts {
                    any_action = true;
                    if svc.action_supports_key(a, key) {
                        return;
                    }
                }
            }
        }
        if !any_action {
            return;
        }
        let op = c.operator.value;
        let effect = if op.is_negated() || op.if_exists || op.set == Some(SetOperator::ForAllValues)
        {
            "it is always absent, so this test always passes"
        } else {
            "it is always absent, so this condition is never true"
        };
        let names: Vec<&str> = st
            .action
            .patterns
            .iter()
            .take(3)
            .map(|p| p.text.as_str())
            .collect();
        self.push(
            st,
            Code::ConditionKeyNotApplicable,
            c.key.span,
            format!(
                "no action of this statement ({}{}) supports condition key `{key}`: {effect}",
                names.join(", "),
                if st.action.patterns.len() > 3 { ", ..." } else { "" }
            ),
            Some("check which actions support the key in the Service Authorization Reference, or move the condition to their statement".into()),
        );
    }

    fn key_type(&mut self, st: &Statement, c: &Condition, key: ConditionKey) {
        let op = c.operator.value;
        let family = op.base.family();
        let name = c.key.value.as_str();
        let op_name = op.name();
        if family == Family::Null {
            return;
        }
        let ok = match key.ty.value {
            ValueType::Other => true,
            ValueType::String => family == Family::String,
            ValueType::Arn => family == Family::Arn,
            ValueType::Bool => family == Family::Bool,
            ValueType::Numeric => family == Family::Numeric,
            ValueType::Date => {
                family == Family::Date
                    || (family == Family::Numeric && name.eq_ignore_ascii_case("aws:EpochTime"))
            }
            ValueType::IpAddress => family == Family::Ip,
            ValueType::Binary => family == Family::Binary,
        };
        let like = matches!(
            op.base,
            OperatorBase::StringLike | OperatorBase::StringNotLike
        );
        if !ok && like && key.ty.value == ValueType::Arn {
            self.push(
                st,
                Code::StringLikeOperatorWithArnConditionKeys,
                c.operator.span,
                format!(
                    "`{op_name}` compares {} values, but `{name}` is of type {}",
                    family_name(family),
                    key.ty.name()
                ),
                Some(format!(
                    "use `{}`, which matches ARNs segment by segment",
                    op_name
                        .replace("StringLike", "ArnLike")
                        .replace("StringNotLike", "ArnNotLike")
                )),
            );
        } else if !ok {
            let suggested = match key.ty.value {
                ValueType::String => "a `String...` operator",
                ValueType::Arn => "`ArnEquals` or `ArnLike`",
                ValueType::Bool => "`Bool`",
                ValueType::Numeric => "a `Numeric...` operator",
                ValueType::Date => "a `Date...` operator",
                ValueType::IpAddress => "`IpAddress` or `NotIpAddress`",
                ValueType::Binary => "`BinaryEquals`",
                ValueType::Other => "an operator of the key's type",
            };
            self.push(
                st,
                Code::TypeMismatch,
                c.operator.span,
                format!(
                    "`{op_name}` compares {} values, but `{name}` is of type {}",
                    family_name(family),
                    key.ty.name()
                ),
                Some(format!("use {suggested}")),
            );
        }
        if key.ty.multivalued && op.set.is_none() {
            self.push(
                st,
                Code::MissingQualifier,
                c.operator.span,
                format!(
                    "`{name}` is multivalued, but `{op_name}` has no `ForAllValues:` or \
                     `ForAnyValue:` qualifier"
                ),
                Some(format!(
                    "write `ForAnyValue:{op_name}` (some value matches) or `ForAllValues:{op_name}` \
                     (every value matches)"
                )),
            );
        }
        if !key.ty.multivalued {
            if let Some(set) = op.set {
                let severity =
                    if set == SetOperator::ForAllValues && st.effect.value == Effect::Allow {
                        Severity::Security
                    } else {
                        Severity::Warning
                    };
                self.push_sev(
                    st,
                    Code::SetOperatorOnSingleValuedKey,
                    severity,
                    c.operator.span,
                    format!(
                        "`{name}` is single-valued: `{}:` reads it as a one-element set{}",
                        set.name(),
                        if set == SetOperator::ForAllValues {
                            ", and is true when the key is absent"
                        } else {
                            ""
                        }
                    ),
                    Some(format!("use `{}` without the qualifier", op.base.name())),
                );
            }
        }
    }

    /// Conditions that contradict one another, so the statement never applies.
    fn never_true(&mut self, st: &Statement) {
        let conds = &st.conditions;
        for (i, a) in conds.iter().enumerate() {
            for b in conds.iter().skip(i + 1) {
                if !a.key.value.eq_ignore_ascii_case(&b.key.value) {
                    continue;
                }
                if let Some(why) = contradiction(a, b).or_else(|| contradiction(b, a)) {
                    self.push(
                        st,
                        Code::ConditionNeverTrue,
                        b.key.span,
                        format!(
                            "`{}` with `{}` and `{}` can never be true: {why}",
                            b.key.value,
                            a.operator.value.name(),
                            b.operator.value.name()
                        ),
                        Some(match st.effect.value {
                            Effect::Allow => "as written the statement grants nothing; fix or remove one of the tests".into(),
                            Effect::Deny => "as written the statement denies nothing; fix or remove one of the tests".into(),
                        }),
                    );
                }
            }
        }
    }

    // ---- best practices ------------------------------------------------------------------------

    fn best_practices(&mut self, st: &Statement) {
        let ty = self.policy.policy_type;
        if st.effect.value != Effect::Allow || !is_granting(ty) {
            return;
        }
        if st.action.kind == ActionKind::NotAction && ty != PolicyType::Trust {
            self.push(
                st,
                Code::AllowWithNotAction,
                st.action.key_span,
                format!(
                    "`Allow` with `NotAction` grants every action of every service except {}",
                    list(st.action.patterns.iter().map(|p| p.text.as_str()))
                ),
                Some("list the actions to allow with `Action`, or make this a `Deny`".into()),
            );
        }
        let Some(res) = &st.resource else {
            return;
        };
        if res.kind == ResourceKind::NotResource {
            self.push(
                st,
                Code::AllowWithNotResource,
                res.key_span,
                format!(
                    "`Allow` with `NotResource` grants on every resource of every service except {}",
                    list(res.patterns.iter().map(|p| p.text.as_str()))
                ),
                Some("list the resources to allow with `Resource`".into()),
            );
        }
        let star = res.kind == ResourceKind::Resource && res.patterns.iter().any(|p| p.text == "*");
        let not_resource = res.kind == ResourceKind::NotResource;
        if !(star || not_resource) || ty == PolicyType::Trust {
            return;
        }
        // iam:PassRole on every role and iam:CreateServiceLinkedRole for every service, unless
        // narrowed by a condition; the code names how the statement reaches the action.
        for g in WIDE_GRANTS {
            let narrowed = st.conditions.iter().any(|c| {
                g.narrowed_by
                    .iter()
                    .any(|k| c.key.value.eq_ignore_ascii_case(k))
            });
            if narrowed {
                continue;
            }
            let Some((span, shape)) = grant_shape(st, g.action) else {
                continue;
            };
            let (code, how) = match (not_resource, shape) {
                (true, _) => (g.codes[0], "with `NotResource`"),
                (false, Shape::Named) => (g.codes[1], "on `*`"),
                (false, Shape::Wildcard) => (g.codes[2], "through a wildcard action on `*`"),
                (false, Shape::NotAction) => (g.codes[3], "through `NotAction` on `*`"),
            };
            self.push(
                st,
                code,
                span,
                format!("`{}` is allowed {how}: {}", g.action, g.risk),
                Some(g.help.into()),
            );
        }
        if star && st.conditions.is_empty() {
            if let Some((span, _)) = covers_action_named(st, "sts:AssumeRole") {
                self.push(
                    st,
                    Code::AssumeRoleWithStarInResource,
                    span,
                    "`sts:AssumeRole` is allowed on `*`: the caller may assume every role whose trust policy lets it".into(),
                    Some("name the roles it may assume in `Resource`".into()),
                );
            }
            if matches!(ty, PolicyType::Identity | PolicyType::Session)
                && st.action.kind == ActionKind::Action
            {
                for p in &st.action.patterns {
                    let what = if p.text == "*" {
                        "every action of every service".to_string()
                    } else if let Some((svc, "*")) = p.text.split_once(':') {
                        format!("every action of `{svc}`")
                    } else {
                        continue;
                    };
                    self.push(
                        st,
                        Code::ServiceWildcardOnAllResources,
                        p.span,
                        format!(
                            "`{}` on `*` with no condition allows {what} on every resource",
                            p.text
                        ),
                        Some(
                            "grant the actions and resources the task needs (least privilege)"
                                .into(),
                        ),
                    );
                }
            }
        }
    }

    // ---- principals ----------------------------------------------------------------------------

    fn principals(&mut self, st: &Statement) {
        let ty = self.policy.policy_type;
        let Some(pb) = &st.principal else {
            return;
        };
        if st.effect.value != Effect::Allow || pb.kind != PrincipalKind::Principal {
            return;
        }
        if matches!(ty, PolicyType::Resource | PolicyType::Trust) {
            self.public(st, pb);
        }
        if ty == PolicyType::Trust {
            self.trust(st, pb);
        }
    }

    /// A `Principal` that names a user or role by unique id: it stops matching when the entity
    /// is deleted and made again, which is what IAM writes it as once the entity is gone.
    fn principal_ids(&mut self, st: &Statement) {
        let Some(pb) = &st.principal else {
            return;
        };
        for e in &pb.entries {
            if let PrincipalValue::Aws(AwsPrincipal::UniqueId(id)) = &e.value {
                let (code, what) = if id.starts_with("AROA") {
                    (Code::InvalidRoleReference, "role")
                } else {
                    (Code::InvalidUserReference, "user")
                };
                self.push(
                    st,
                    code,
                    e.span,
                    format!("`{id}` names an IAM {what} by its unique id, not its ARN"),
                    Some(format!(
                        "write the {what}'s ARN; a unique id in a saved policy usually means the \
                         {what} was deleted, and a new {what} of the same name is not matched"
                    )),
                );
            }
        }
    }

    /// Whether a `Deny` of the same policy, with no condition, on every resource and every
    /// principal the statement names, covers every action `st` allows: then `st` grants nothing.
    fn denied_in_policy(&self, st: &Statement) -> bool {
        if st.effect.value != Effect::Allow {
            return false;
        }
        self.policy.statements.iter().any(|d| {
            if d.effect.value != Effect::Deny
                || !d.conditions.is_empty()
                || d.action.kind != ActionKind::Action
            {
                return false;
            }
            let every_resource = d.resource.as_ref().is_none_or(|r| {
                r.kind == ResourceKind::Resource && r.patterns.iter().any(|p| p.text == "*")
            });
            let every_principal = d.principal.as_ref().is_none_or(|p| {
                p.kind == PrincipalKind::Principal
                    && p.entries
                        .iter()
                        .any(|e| matches!(e.value, PrincipalValue::Aws(AwsPrincipal::Everyone)))
            });
            let covers = |allow: &str| {
                d.action
                    .patterns
                    .iter()
                    .any(|p| pattern_covers(&p.text, allow, true))
            };
            let actions = match st.action.kind {
                ActionKind::Action => st.action.patterns.iter().all(|p| covers(&p.text)),
                ActionKind::NotAction => covers("*"),
            };
            every_resource && every_principal && actions
        })
    }

    /// 7.11: `*` (or a `Federated` principal in a resource policy) with no narrowing condition.
    fn public(&mut self, st: &Statement, pb: &iamsim_policy::PrincipalBlock) {
        let ty = self.policy.policy_type;
        let open = pb.entries.iter().find(|e| match &e.value {
            PrincipalValue::Aws(AwsPrincipal::Everyone) => true,
            PrincipalValue::Federated(_) => ty == PolicyType::Resource,
            _ => false,
        });
        let Some(entry) = open else {
            return;
        };
        if st.conditions.iter().any(iamsim_policy::public::restricts) {
            return;
        }
        let blocked = self.ctx.restrict_public_buckets == Some(true);
        let (severity, note) = if blocked {
            (
                Severity::Warning,
                "; Block Public Access (RestrictPublicBuckets) neutralises it today, until someone turns it off",
            )
        } else {
            (Severity::Security, "")
        };
        let who = if ty == PolicyType::Trust {
            "anyone in any AWS account may assume this role"
        } else {
            "anyone, including anonymous callers, is allowed in"
        };
        self.push_sev(
            st,
            Code::PublicAccess,
            severity,
            entry.span,
            format!("`{}` with no narrowing condition: {who}{note}", entry.text),
            Some("name the principals, or add a condition on `aws:PrincipalOrgID`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceVpce` or `aws:SourceIp`".into()),
        );
    }

    fn trust(&mut self, st: &Statement, pb: &iamsim_policy::PrincipalBlock) {
        let own = self.ctx.account.as_deref();
        let account_of = |p: &AwsPrincipal| -> Option<String> {
            match p {
                AwsPrincipal::Account { account, .. }
                | AwsPrincipal::User { account, .. }
                | AwsPrincipal::Role { account, .. }
                | AwsPrincipal::AssumedRole { account, .. }
                | AwsPrincipal::FederatedUser { account, .. } => Some(account.clone()),
                _ => None,
            }
        };
        if st.conditions.is_empty() {
            let foreign = pb.entries.iter().find_map(|e| match &e.value {
                PrincipalValue::Aws(p) => account_of(p)
                    .filter(|a| own != Some(a.as_str()))
                    .map(|a| (e, a)),
                _ => None,
            });
            if let Some((e, acct)) = foreign {
                let whose = match own {
                    Some(o) => format!("account {acct}, not this role's account {o}"),
                    None => format!("account {acct}"),
                };
                self.push(
                    st,
                    Code::CrossAccountTrustWithoutCondition,
                    e.span,
                    format!("the role trusts `{}` ({whose}) with no condition", e.text),
                    Some("add a condition: `StringEquals {\"sts:ExternalId\": ...}` for a third party, `StringEquals {\"aws:PrincipalOrgID\": ...}` within your organization, or `Bool {\"aws:MultiFactorAuthPresent\": \"true\"}` for people".into()),
                );
            }
        }
        let names_principal_arn = st.conditions.iter().any(|c| {
            c.key.value.eq_ignore_ascii_case("aws:PrincipalArn")
                || c.key.value.eq_ignore_ascii_case("aws:userid")
        });
        if names_principal_arn {
            return;
        }
        for e in &pb.entries {
            if let PrincipalValue::Aws(AwsPrincipal::Account { account, .. }) = &e.value {
                if e.text.ends_with(":root") {
                    self.push(
                        st,
                        Code::TrustPolicyNamesAccountRoot,
                        e.span,
                        format!(
                            "`{}` trusts every principal of account {account} whose own policies allow `sts:AssumeRole`, not only its root user",
                            e.text
                        ),
                        Some(format!(
                            "to trust one principal, name it (`arn:aws:iam::{account}:role/NAME` or `:user/NAME`), or add `ArnEquals {{\"aws:PrincipalArn\": ...}}`"
                        )),
                    );
                }
            }
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

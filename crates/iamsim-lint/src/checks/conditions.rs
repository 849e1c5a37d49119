//! The checks of a statement's conditions: keys the catalog knows and the actions support,
//! values of the key's type, addresses, booleans and numbers, tag keys, conditions that can
//! never hold.

use super::*;

impl Cx<'_> {
    // ---- conditions ------------------------------------------------------------------------

    pub(super) fn conditions(&mut self, st: &Statement, resolved: &[Resolved]) {
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
    pub(super) fn condition_values(&mut self, st: &Statement, c: &Condition) {
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
    pub(super) fn ip_values(&mut self, st: &Statement, c: &Condition) {
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
    pub(super) fn bool_and_numeric_values(&mut self, st: &Statement, c: &Condition) {
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
    pub(super) fn not_action_tag_keys(&mut self, st: &Statement) {
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
    pub(super) fn paired_keys(&mut self, st: &Statement) {
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
    pub(super) fn tag_keys(&mut self, st: &Statement, resolved: &[Resolved]) {
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
    pub(super) fn key(&mut self, st: &Statement, c: &Condition) -> Option<ConditionKey> {
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
    pub(super) fn applicable(&mut self, st: &Statement, c: &Condition, resolved: &[Resolved]) {
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

    pub(super) fn key_type(&mut self, st: &Statement, c: &Condition, key: ConditionKey) {
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
    pub(super) fn never_true(&mut self, st: &Statement) {
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
}

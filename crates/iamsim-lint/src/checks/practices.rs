//! The security best practices (wide grants, `NotAction` with `Allow`, passing any role, ...)
//! and the checks of a statement's principals (public access, trust without condition,
//! principals by unique id).

use super::*;

impl Cx<'_> {
    // ---- best practices ------------------------------------------------------------------------

    pub(super) fn best_practices(&mut self, st: &Statement) {
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

    pub(super) fn principals(&mut self, st: &Statement) {
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
    pub(super) fn principal_ids(&mut self, st: &Statement) {
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
    pub(super) fn denied_in_policy(&self, st: &Statement) -> bool {
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
    pub(super) fn public(&mut self, st: &Statement, pb: &iamsim_policy::PrincipalBlock) {
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

    pub(super) fn trust(&mut self, st: &Statement, pb: &iamsim_policy::PrincipalBlock) {
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

//! `Principal` and `NotPrincipal`: which policies take them, and each value read (1.12, 1.16,
//! 1.17, 1.26).

use super::*;

impl Reader<'_> {
    /// 1.16, 1.17, 1.26. The outer option is "could be read"; the inner one is the block.
    pub(super) fn read_statement_principal(
        &mut self,
        el: &Elements<'_>,
        effect: Option<&Spanned<Effect>>,
        head: Span,
    ) -> Option<Option<PrincipalBlock>> {
        let mut ok = true;
        // Validate what is written even where it is prohibited, so every problem shows at once.
        let p = el
            .principal
            .map(|m| self.read_principal(PrincipalKind::Principal, m));
        let np = el
            .not_principal
            .map(|m| self.read_principal(PrincipalKind::NotPrincipal, m));
        match self.ty {
            PolicyType::Identity | PolicyType::Boundary | PolicyType::Session | PolicyType::Scp => {
                for m in [el.principal, el.not_principal].into_iter().flatten() {
                    self.prohibited(
                        m,
                        "this policy applies to the principal it is attached to; remove the \
                         element",
                    );
                    ok = false;
                }
                return ok.then_some(None);
            }
            PolicyType::Trust | PolicyType::Rcp => {
                if let Some(m) = el.not_principal {
                    self.prohibited(m, "use `Principal`, or a `Deny` with a condition");
                    ok = false;
                }
            }
            PolicyType::Resource => {
                if let (Some(m), Some(e)) = (el.not_principal, effect) {
                    if e.value == Effect::Allow && el.principal.is_none() {
                        self.push(
                            Code::AllowWithNotPrincipal,
                            m.key_span,
                            "`NotPrincipal` with `Effect` `Allow` is not supported".into(),
                            Some(
                                "it would grant access to everyone not listed, anonymous callers \
                                 included; use `Principal`, or `Deny` with `NotPrincipal`",
                            ),
                        );
                        ok = false;
                    }
                }
            }
        }
        if self.ty == PolicyType::Rcp {
            if let Some(m) = el.principal {
                if m.value.as_str() != Some("*") {
                    self.push(
                        Code::InvalidPrincipal,
                        m.value.span,
                        "an RCP `Principal` must be `\"*\"`".into(),
                        Some("narrow an RCP with conditions such as `aws:PrincipalAccount`"),
                    );
                    ok = false;
                }
            }
        }
        let pick = if self.ty == PolicyType::Resource {
            self.pick_one(el.principal, el.not_principal)
        } else {
            el.principal.map(|m| (m, false))
        };
        if el.principal.is_none()
            && el.not_principal.is_none()
            && !el.near_misses.contains(&"Principal")
            && !el.near_misses.contains(&"NotPrincipal")
        {
            self.push(
                Code::MissingPrincipal,
                head,
                format!("statement in {} has no `Principal`", type_label(self.ty)),
                Some(match self.ty {
                    PolicyType::Trust => "name who may assume the role, e.g. `\"Principal\": {\"AWS\": \"arn:aws:iam::111111111111:root\"}`",
                    PolicyType::Rcp => "add `\"Principal\": \"*\"`",
                    _ => "a resource-based statement without `Principal` matches no one; add `Principal`",
                }),
            );
            ok = false;
        }
        let block = match pick {
            Some((_, false)) => p.flatten(),
            Some((_, true)) => np.flatten(),
            None => None,
        };
        if pick.is_some() && block.is_none() {
            ok = false;
        }
        ok.then_some(block)
    }

    pub(super) fn read_principal(
        &mut self,
        kind: PrincipalKind,
        m: &Member,
    ) -> Option<PrincipalBlock> {
        let name = &m.key;
        let mut entries = Vec::new();
        let mut ok = true;
        match &m.value.value {
            JsonValue::String(s) if s == "*" => entries.push(PrincipalEntry {
                text: s.clone(),
                span: m.value.span,
                value: PrincipalValue::Aws(AwsPrincipal::Everyone),
            }),
            JsonValue::String(s) => {
                let d = PrincipalError {
                    code: Code::InvalidPrincipal,
                    message: format!(
                        "`{name}` must be `\"*\"` or a map of principals, found `{s}`"
                    ),
                    help: Some(format!(
                        "write `\"{name}\": {{\"AWS\": \"{s}\"}}` or use a `Service`, \
                         `Federated` or `CanonicalUser` key"
                    )),
                };
                self.push_principal_error(d, m.value.span);
                return None;
            }
            JsonValue::Object(keys) if keys.is_empty() => {
                self.push(
                    Code::EmptyList,
                    m.value.span,
                    format!("`{name}` names no principal"),
                    Some("add an `AWS`, `Service`, `Federated` or `CanonicalUser` key"),
                );
                return None;
            }
            JsonValue::Object(keys) => {
                for k in keys {
                    if !PRINCIPAL_KEYS.contains(&k.key.as_str()) {
                        let help = match did_you_mean(&k.key, PRINCIPAL_KEYS) {
                            Some(g) => {
                                format!("did you mean `{g}`? principal keys are case-sensitive")
                            }
                            None => "use `AWS`, `Service`, `Federated` or `CanonicalUser`".into(),
                        };
                        self.push(
                            Code::InvalidPrincipalKey,
                            k.key_span,
                            format!("invalid principal key `{}`", k.key),
                            Some(&help),
                        );
                        ok = false;
                        continue;
                    }
                    if k.key == "CanonicalUser" && self.ty != PolicyType::Resource {
                        self.push(
                            Code::InvalidPrincipalKey,
                            k.key_span,
                            format!("`CanonicalUser` is not supported in {}", type_label(self.ty)),
                            Some("`CanonicalUser` is accepted only in S3 bucket policies; use `AWS` with the account id"),
                        );
                        ok = false;
                    }
                    let Some(values) = self.string_list(&format!("`{}`", k.key), &k.value) else {
                        ok = false;
                        continue;
                    };
                    for (text, span) in values {
                        let read = if k.key == "AWS" {
                            read_aws_principal(text).map(PrincipalValue::Aws)
                        } else {
                            read_named_principal(&k.key, text).map(|v| match k.key.as_str() {
                                "Service" => PrincipalValue::Service(v),
                                "Federated" => PrincipalValue::Federated(v),
                                _ => PrincipalValue::CanonicalUser(v),
                            })
                        };
                        match read {
                            Ok(value) => entries.push(PrincipalEntry {
                                text: text.to_string(),
                                span,
                                value,
                            }),
                            Err(e) => {
                                self.push_principal_error(e, span);
                                ok = false;
                            }
                        }
                    }
                }
            }
            _ => {
                self.invalid_type(&format!("`{name}`"), "`\"*\"` or an object", &m.value);
                return None;
            }
        }
        ok.then_some(PrincipalBlock {
            kind,
            key_span: m.key_span,
            entries,
        })
    }

    pub(super) fn push_principal_error(&mut self, e: PrincipalError, span: Span) {
        self.push(e.code, span, e.message, e.help.as_deref());
    }
}

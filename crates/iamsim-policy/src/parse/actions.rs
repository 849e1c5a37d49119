//! `Action` and `NotAction`: each pattern read and checked (1.19, 1.20, 1.26, 2.2).

use super::*;

impl Reader<'_> {
    /// 1.19, 1.20, 2.2, 1.26.
    pub(super) fn read_statement_actions(
        &mut self,
        el: &Elements<'_>,
        head: Span,
    ) -> Option<ActionBlock> {
        let mut ok = true;
        if let Some(m) = el.not_action {
            if matches!(self.ty, PolicyType::Trust | PolicyType::Rcp) {
                self.prohibited(m, "list the allowed actions in `Action`");
                ok = false;
            }
        }
        let a = el.action.map(|m| self.read_actions(ActionKind::Action, m));
        let na = el
            .not_action
            .map(|m| self.read_actions(ActionKind::NotAction, m));
        let picked = self.pick_one(el.action, el.not_action);
        if el.action.is_none()
            && el.not_action.is_none()
            && !el.near_misses.contains(&"Action")
            && !el.near_misses.contains(&"NotAction")
        {
            self.push(
                Code::MissingAction,
                head,
                "statement has no `Action` or `NotAction`".into(),
                Some("add `\"Action\": \"service:Operation\"`"),
            );
        }
        let block = match picked {
            Some((_, false)) => a.flatten(),
            Some((_, true)) => na.flatten(),
            None => None,
        };
        if ok {
            block
        } else {
            None
        }
    }

    pub(super) fn read_actions(&mut self, kind: ActionKind, m: &Member) -> Option<ActionBlock> {
        let values = self.string_list(&format!("`{}`", m.key), &m.value)?;
        let mut patterns = Vec::with_capacity(values.len());
        let mut ok = true;
        for (text, span) in values {
            match self.read_action(text, span) {
                Some(p) => patterns.push(p),
                None => ok = false,
            }
        }
        ok.then_some(ActionBlock {
            kind,
            key_span: m.key_span,
            patterns,
        })
    }

    pub(super) fn read_action(&mut self, text: &str, span: Span) -> Option<ActionPattern> {
        if text.contains("${") {
            self.push(
                Code::InvalidPolicyVariable,
                span,
                format!("policy variable in action `{text}`"),
                Some("policy variables are not allowed in `Action`"),
            );
            return None;
        }
        if text != "*" {
            let shape = "write `service:Operation`, e.g. `s3:GetObject`, or `*`";
            let Some((prefix, name)) = text.split_once(':') else {
                self.push(
                    Code::InvalidAction,
                    span,
                    format!("`{text}` is not an action: it has no service prefix"),
                    Some(shape),
                );
                return None;
            };
            let prefix_ok = !prefix.is_empty()
                && prefix
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-*?".contains(&b));
            let name_ok = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.*?".contains(&b));
            if !prefix_ok || !name_ok {
                let part = if prefix_ok {
                    "action name"
                } else {
                    "service prefix"
                };
                self.push(
                    Code::InvalidAction,
                    span,
                    format!("`{text}` is not an action: invalid {part}"),
                    Some(shape),
                );
                return None;
            }
            if prefix.contains(['*', '?']) {
                // 2.2: a warning where dual reading applies, an error in gates.
                let gate = matches!(
                    self.ty,
                    PolicyType::Scp | PolicyType::Rcp | PolicyType::Boundary | PolicyType::Session
                );
                let severity = if gate {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                self.push_with_severity(
                    Code::ServiceWildcard,
                    severity,
                    span,
                    format!("wildcard in the service prefix of `{text}`"),
                    Some("AWS documents wildcards only in the action name; write the service prefix in full"),
                );
                if gate {
                    return None;
                }
            }
            if self.ty == PolicyType::Trust
                && !prefix.contains(['*', '?'])
                && !prefix.eq_ignore_ascii_case("sts")
            {
                self.push_with_severity(
                    Code::InvalidAction,
                    Severity::Warning,
                    span,
                    format!("`{text}` has no effect in a role trust policy"),
                    Some("trust policies grant `sts:` actions such as `sts:AssumeRole`"),
                );
            }
        }
        // 1.20 (revised): since September 2025 SCPs take the full policy language, wildcards
        // anywhere in an action included (`ec2:*Instances`), matched as in any other policy.
        match ActionMatcher::compile(text) {
            Ok(matcher) => Some(ActionPattern {
                text: text.to_string(),
                span,
                matcher,
            }),
            Err(e) => {
                self.push(
                    Code::InvalidAction,
                    span,
                    format!("invalid action `{text}`: {}", e.message),
                    None,
                );
                None
            }
        }
    }
}

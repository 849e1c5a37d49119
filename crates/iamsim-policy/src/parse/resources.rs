//! `Resource` and `NotResource`: each pattern read, its ARN checked and compiled (1.21, 1.26,
//! 2.8, 2.21).

use super::*;

impl Reader<'_> {
    /// 1.21, 1.26. The outer option is "could be read"; the inner one is the block.
    pub(super) fn read_statement_resources(
        &mut self,
        el: &Elements<'_>,
        head: Span,
    ) -> Option<Option<ResourceBlock>> {
        let r = el
            .resource
            .map(|m| self.read_resources(ResourceKind::Resource, m));
        let nr = el
            .not_resource
            .map(|m| self.read_resources(ResourceKind::NotResource, m));
        if self.ty == PolicyType::Trust {
            let mut ok = true;
            for m in [el.resource, el.not_resource].into_iter().flatten() {
                self.prohibited(
                    m,
                    "the resource of a trust policy is the role itself; remove the element",
                );
                ok = false;
            }
            return ok.then_some(None);
        }
        let picked = self.pick_one(el.resource, el.not_resource);
        if el.resource.is_none()
            && el.not_resource.is_none()
            && !el.near_misses.contains(&"Resource")
            && !el.near_misses.contains(&"NotResource")
        {
            self.push(
                Code::MissingResource,
                head,
                "statement has no `Resource` or `NotResource`".into(),
                Some("add `\"Resource\": \"arn:...\"` or `\"Resource\": \"*\"`"),
            );
        }
        let block = match picked {
            Some((_, false)) => r.flatten(),
            Some((_, true)) => nr.flatten(),
            None => None,
        };
        block.map(Some)
    }

    pub(super) fn read_resources(
        &mut self,
        kind: ResourceKind,
        m: &Member,
    ) -> Option<ResourceBlock> {
        let values = self.string_list(&format!("`{}`", m.key), &m.value)?;
        let mut patterns = Vec::with_capacity(values.len());
        let mut ok = true;
        for (text, span) in values {
            match self.read_resource(text, span) {
                Some(p) => patterns.push(p),
                None => ok = false,
            }
        }
        ok.then_some(ResourceBlock {
            kind,
            key_span: m.key_span,
            patterns,
        })
    }

    pub(super) fn read_resource(&mut self, text: &str, span: Span) -> Option<ResourcePattern> {
        if text != "*" {
            let shape = "an ARN has six parts, `arn:partition:service:region:account:resource`; \
                         or use `*`";
            // `arn:aws:organizations::*:` (an AWS managed policy): the segment-final `*` of the
            // account may run on into the resource part (2.8), so an empty resource part after it
            // is not malformed.
            let crossing = text.ends_with("*:") && text.matches(':').count() == 5;
            let parsed = if crossing {
                parse_arn(&format!("{text}*")).map(|_| None)
            } else {
                parse_arn(text).map(Some)
            };
            let Ok(parsed) = parsed else {
                // 2.8: a pattern of fewer than six parts (`arn:aws:ec2:*`, `arn:aws:iam::*`) is
                // valid; the matcher reads it (a trailing `*` crosses the missing colons).
                if is_short_pattern(text) {
                    return self.compile_resource(text, span);
                }
                self.push(
                    Code::InvalidArn,
                    span,
                    format!("malformed ARN `{text}`"),
                    Some(shape),
                );
                return None;
            };
            let Some(arn) = parsed else {
                return self.compile_resource(text, span);
            };
            if arn.partition.is_empty() || arn.service.is_empty() || arn.resource.is_empty() {
                let part = if arn.partition.is_empty() {
                    "partition"
                } else if arn.service.is_empty() {
                    "service"
                } else {
                    "resource"
                };
                self.push(
                    Code::InvalidArn,
                    span,
                    format!("malformed ARN `{text}`: empty {part}"),
                    Some(shape),
                );
                return None;
            }
            let account = arn.account;
            // A `${` here is left to the matcher, which names it as a misplaced variable (2.21).
            if !(account.is_empty()
                || account.contains(['*', '?'])
                || account.contains("${")
                || is_account_id(account)
                // AWS-owned resources carry `aws`: managed policies (`arn:aws:iam::aws:policy/...`),
                // `arn:aws:sagemaker:*:aws:hub/...`.
                || account == "aws")
            {
                self.push(
                    Code::InvalidAccountId,
                    span,
                    format!(
                        "account id `{account}` in `{text}` has {} characters, not 12 digits",
                        account.chars().count()
                    ),
                    Some(
                        "AWS account ids are exactly 12 digits; check for a dropped or extra digit",
                    ),
                );
                return None;
            }
        }
        self.compile_resource(text, span)
    }

    pub(super) fn compile_resource(&mut self, text: &str, span: Span) -> Option<ResourcePattern> {
        match ResourceMatcher::compile(text, self.variables) {
            Ok(matcher) => Some(ResourcePattern {
                text: text.to_string(),
                span,
                matcher,
            }),
            Err(e) => {
                let code = match e.kind {
                    PatternErrorKind::PolicyVariable => Code::InvalidPolicyVariable,
                    _ => Code::InvalidArn,
                };
                self.push(
                    code,
                    span,
                    format!("invalid resource `{text}`: {}", e.message),
                    None,
                );
                None
            }
        }
    }
}

/// `arn:PARTITION:SERVICE[:REGION[:ACCOUNT]]`, partition and service non-empty, region and
/// account made of the characters they can hold: a resource pattern shorter than a full ARN
/// (2.8), as opposed to a malformed one such as `arn:aws:s3:my-bucket/*` (colons dropped).
fn is_short_pattern(text: &str) -> bool {
    let region_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "-*?".contains(c);
    let account_char = |c: char| c.is_ascii_digit() || "*?".contains(c);
    match text.split(':').collect::<Vec<_>>().as_slice() {
        ["arn", partition, service, rest @ ..] if !partition.is_empty() && !service.is_empty() => {
            match rest {
                [] => true,
                [region] => region.chars().all(region_char),
                [region, account] => {
                    region.chars().all(region_char) && account.chars().all(account_char)
                }
                _ => false,
            }
        }
        _ => false,
    }
}

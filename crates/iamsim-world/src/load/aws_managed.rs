//! An account's own copies of AWS managed policies (`aws_managed_policies` in world.json): an
//! export holds the documents of the AWS managed policies the account uses as they were when it
//! was collected, which may differ from the copy bundled with iamsim or be newer than it.
//! AWS created them, so the quotas of policies a customer creates do not apply (rule 1.28);
//! the bound on hostile input does ([`iamsim_policy::quota::AWS_MANAGED_BOUND`]).

use super::{field, Loader};
use crate::world::{Account, LoadedPolicy, PolicyHandle};
use iamsim_policy::json::{Json, JsonValue, Member};
use iamsim_policy::{parse_aws_managed_policy_json, Code, PolicyType, Source};
use std::sync::Arc;

/// What an ARN of an AWS managed policy starts with.
pub(crate) const AWS_MANAGED_PREFIX: &str = "arn:aws:iam::aws:policy/";

impl Loader<'_> {
    /// Records an account's `aws_managed_policies`: each key the ARN of an AWS managed policy,
    /// each value a policy reference (a path or an inline document). They are read when a user,
    /// group or role refers to the ARN, as the type its place gives it.
    pub(super) fn aws_managed_copies(&mut self, src: &Arc<Source>, id: &str, members: &[Member]) {
        let Some(v) = field(members, "aws_managed_policies") else {
            return;
        };
        let Some(entries) = self.object(src, v, "`aws_managed_policies`") else {
            return;
        };
        for m in entries {
            let name = m.key.strip_prefix(AWS_MANAGED_PREFIX).unwrap_or_default();
            if name.is_empty() || name.ends_with('/') || name.chars().any(char::is_control) {
                self.error(
                    src,
                    m.key_span,
                    Code::InvalidValue,
                    format!(
                        "`aws_managed_policies` key `{}` is not the ARN of an AWS managed policy (`{AWS_MANAGED_PREFIX}NAME`)",
                        m.key.escape_debug()
                    ),
                );
                continue;
            }
            let is_reference = match &m.value.value {
                JsonValue::Object(_) => true,
                JsonValue::String(s) => !s.starts_with("arn:"),
                _ => false,
            };
            if !is_reference {
                self.error(
                    src,
                    m.value.span,
                    Code::InvalidType,
                    format!(
                        "the copy of `{}` must be a path of the world or a policy document",
                        m.key
                    ),
                );
                continue;
            }
            self.aws_managed.insert(
                (id.to_string(), m.key.clone()),
                (Arc::clone(src), m.value.clone()),
            );
        }
    }

    /// `account`'s copy of the AWS managed policy `arn`, read as `ty`: `None` when the account
    /// has none (the bundled copy answers), `Some(None)` when it has one that cannot be read
    /// (reported).
    pub(super) fn aws_managed_copy(
        &mut self,
        account: Option<&Account>,
        arn: &str,
        ty: PolicyType,
    ) -> Option<Option<PolicyHandle>> {
        let account = account?;
        let (src, json) = self
            .aws_managed
            .get(&(account.id.clone(), arn.to_string()))?
            .clone();
        Some(self.read_aws_managed(arn, &src, &json, ty))
    }

    /// Named by its ARN, as the bundled copies are (so no fix proposes editing a policy AWS
    /// owns); its statements' locations are in the copy's file.
    fn read_aws_managed(
        &mut self,
        arn: &str,
        src: &Arc<Source>,
        json: &Json,
        ty: PolicyType,
    ) -> Option<PolicyHandle> {
        let key = match &json.value {
            JsonValue::String(rel) => format!("{rel} as {arn}"),
            _ => {
                let (line, col) = src.line_col(json.span.start);
                format!("inline policy at {}:{line}:{col}", src.name())
            }
        };
        let key = (key, ty);
        if let Some(p) = self.cached(&key) {
            return Some(p);
        }
        let parsed = match &json.value {
            JsonValue::String(rel) => {
                let (file_src, doc) = self.read_json(rel, Some((src, json.span)))?;
                let (doc_src, doc) = self.unwrap_cli_shape(&file_src, doc)?;
                parse_aws_managed_policy_json(&doc_src, &doc, ty)
            }
            _ => parse_aws_managed_policy_json(src, json, ty),
        };
        let policy = self.take_parsed(parsed, true)?;
        let handle = Arc::new(LoadedPolicy::new(arn.to_string(), policy));
        Some(self.keep(key, handle))
    }
}

//! KMS keys in a world (docs/world-format.md, "KMS keys"): their key policies, aliases, grants
//! and AWS-managed flag; reading them from world.json, with the encryption fields of buckets and
//! other resources, each problem a diagnostic at its place.

use crate::load::{field, Loader};
use crate::world::{PolicyHandle, World};
use iamsim_policy::condition::{ConditionOperator, ConditionValue};
use iamsim_policy::json::{Json, Member};
use iamsim_policy::{Code, Condition, PolicyType, Source, Span, Spanned};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A KMS key of an account.
#[derive(Debug)]
pub struct Key {
    /// The id of the owning account.
    pub account: String,
    /// The key id (a UUID, or `mrk-…` for a multi-Region key).
    pub id: String,
    /// The Region the key lives in.
    pub region: String,
    /// `arn:aws:kms:REGION:ACCOUNT:key/ID`.
    pub arn: String,
    /// The key policy (13.1): every key has one.
    pub policy: PolicyHandle,
    /// `alias/NAME`, as the alias ARN ends.
    pub aliases: Vec<String>,
    /// The key's grants (13.8).
    pub grants: Vec<KeyGrant>,
    /// An AWS managed key (`aws/SERVICE`, 13.12).
    pub aws_managed: bool,
}

/// A grant on a key (13.8).
#[derive(Debug, Clone)]
pub struct KeyGrant {
    /// A user, role, assumed-role or account-root ARN.
    pub grantee: String,
    /// Grant operation names (`Decrypt`, `GenerateDataKey`, ...).
    pub operations: Vec<String>,
    /// The grant's encryption-context constraint, if any (13.9).
    pub constraint: Option<GrantConstraint>,
    /// The constraint as policy conditions on the request's encryption context, which who-can
    /// leaves open like any condition ([`constraint_conditions`]); `None` when the
    /// constraint could not be written as conditions (the grant then needs the context given).
    pub conditions: Option<Vec<iamsim_policy::Condition>>,
}

/// A grant's encryption-context constraint (13.9). Keys are compared case-insensitively,
/// values exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantConstraint {
    /// The request's context holds every pair (it may hold more).
    Subset(BTreeMap<String, String>),
    /// The request's context holds exactly these pairs.
    Equals(BTreeMap<String, String>),
}

/// A KMS key ARN split: (region, account, key id).
pub fn split_key_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let a = iamsim_policy::arn::parse_arn(arn).ok()?;
    let id = a.resource.strip_prefix("key/")?;
    (a.service == "kms" && !id.is_empty()).then_some((a.region, a.account, id))
}

/// A KMS alias ARN split: (region, account, `alias/NAME`).
pub fn split_alias_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let a = iamsim_policy::arn::parse_arn(arn).ok()?;
    (a.service == "kms" && a.resource.starts_with("alias/") && a.resource.len() > 6)
        .then_some((a.region, a.account, a.resource))
}

impl World {
    /// The key this key ARN names, if the world declares it (region included).
    pub fn key_by_arn(&self, arn: &str) -> Option<&Key> {
        let (region, account, id) = split_key_arn(arn)?;
        let key = self.accounts.get(account)?.keys.get(id)?;
        (key.region == region).then_some(key)
    }

    /// The key an alias ARN points to, if the world declares it.
    pub fn key_by_alias(&self, arn: &str) -> Option<&Key> {
        let (region, account, alias) = split_alias_arn(arn)?;
        self.accounts
            .get(account)?
            .keys
            .values()
            .find(|k| k.region == region && k.aliases.iter().any(|a| a == alias))
    }

    /// Every key of the world.
    pub fn keys(&self) -> impl Iterator<Item = &Key> {
        self.accounts.values().flat_map(|a| a.keys.values())
    }
}

/// Names a KMS key (`arn:aws:kms:REGION:ACCOUNT:key/ID`).
fn is_key_arn(s: &str) -> bool {
    split_key_arn(s).is_some_and(|(r, a, _)| is_region(r) && iamsim_policy::arn::is_account_id(a))
}

/// A Region code's shape (`us-east-1`, `eu-central-2`, `us-gov-west-1`).
fn is_region(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').count() >= 3
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().last().is_some_and(|b| b.is_ascii_digit())
}

fn grant_operation_known(op: &str) -> bool {
    iamsim_catalog::service_rules::kms_is_crypto(op)
        || iamsim_catalog::service_rules::has(iamsim_catalog::service_rules::KMS_GRANT_EXTRA, op)
}

impl Loader<'_> {
    /// An account's `keys`.
    pub(crate) fn keys(
        &mut self,
        src: &Arc<Source>,
        account_id: &str,
        json: &Json,
    ) -> BTreeMap<String, crate::world::Key> {
        let mut keys = BTreeMap::new();
        let mut aliases: BTreeMap<(String, String), String> = BTreeMap::new();
        for m in self.object(src, json, "`keys`").unwrap_or(&[]) {
            if let Some(key) = self.key(src, account_id, m) {
                for alias in &key.aliases {
                    let slot = (key.region.clone(), alias.clone());
                    if let Some(other) = aliases.get(&slot) {
                        let message = format!(
                            "alias `{alias}` is already the alias of key `{other}` in {}; an alias names one key",
                            key.region
                        );
                        self.error(src, m.key_span, Code::InvalidValue, message);
                    }
                    aliases.insert(slot, key.id.clone());
                }
                keys.insert(m.key.clone(), key);
            }
        }
        keys
    }

    fn key(&mut self, src: &Arc<Source>, account_id: &str, m: &Member) -> Option<Key> {
        let what = format!("key `{}`", m.key);
        if m.key.is_empty() || m.key.contains([':', '/', '*', '?']) || m.key.len() > 256 {
            self.error(
                src,
                m.key_span,
                Code::InvalidValue,
                format!(
                    "`{}` is not a key id (such as `1234abcd-12ab-34cd-56ef-1234567890ab`)",
                    m.key
                ),
            );
        }
        let members = self.object(src, &m.value, &what)?;
        self.check_fields(
            src,
            members,
            &["region", "policy", "aliases", "grants", "aws_managed"],
            &what,
        );
        let region = match field(members, "region") {
            Some(v) => {
                let r = self.string(src, v, "`region`")?;
                if !is_region(&r) {
                    self.error(
                        src,
                        v.span,
                        Code::InvalidValue,
                        format!("`{r}` is not a Region code (such as `us-east-1`)"),
                    );
                }
                r
            }
            None => {
                self.error(
                    src,
                    m.key_span,
                    Code::MissingField,
                    format!("{what} has no `region` (it is required: the key's ARN names it)"),
                );
                return None;
            }
        };
        let policy = match field(members, "policy") {
            Some(p) => self.key_policy(src, p),
            None => {
                self.error(
                    src,
                    m.key_span,
                    Code::MissingField,
                    format!("{what} has no `policy` (every KMS key has a key policy)"),
                );
                None
            }
        };
        let aws_managed = self
            .bool_field(src, members, "aws_managed")
            .unwrap_or(false);
        let mut aliases = Vec::new();
        if let Some(list) = field(members, "aliases") {
            for item in self.array(src, list, "`aliases`").unwrap_or(&[]) {
                let Some(a) = self.string(src, item, "an alias") else {
                    continue;
                };
                let name = a.strip_prefix("alias/").unwrap_or("");
                let reserved = name.starts_with("aws/");
                if name.is_empty() || name.contains(['*', '?', ':']) {
                    self.error(
                        src,
                        item.span,
                        Code::InvalidValue,
                        format!("`{a}` is not an alias name (such as `alias/logs`)"),
                    );
                } else if reserved != aws_managed {
                    let message = if reserved {
                        format!("alias `{a}` is reserved for AWS managed keys; this key is not one (`aws_managed`)")
                    } else {
                        format!("an AWS managed key's aliases are `alias/aws/SERVICE`, not `{a}`")
                    };
                    self.error(src, item.span, Code::InvalidValue, message);
                }
                aliases.push(a);
            }
        }
        if aws_managed && aliases.is_empty() {
            self.error(
                src,
                m.key_span,
                Code::MissingField,
                format!("{what} is AWS managed, so it has an alias `alias/aws/SERVICE` naming its service"),
            );
        }
        let mut grants = Vec::new();
        if let Some(list) = field(members, "grants") {
            for item in self.array(src, list, "`grants`").unwrap_or(&[]) {
                grants.extend(self.grant(src, item));
            }
        }
        Some(Key {
            account: account_id.to_string(),
            arn: format!("arn:aws:kms:{region}:{account_id}:key/{}", m.key),
            id: m.key.clone(),
            region,
            policy: policy?,
            aliases,
            grants,
            aws_managed,
        })
    }

    /// A key policy reference: a file is held to the key policy quota (32 KB, not a bucket
    /// policy's 20 KB) and may be what `aws kms get-key-policy` prints
    /// (`{"Policy": "<document>", "PolicyName": "default"}`); other references as any policy.
    fn key_policy(&mut self, src: &Arc<Source>, json: &Json) -> Option<PolicyHandle> {
        let path = match json.as_str() {
            Some(p) if !p.starts_with("arn:") => p,
            _ => return self.policy_ref(src, json, PolicyType::Resource, None),
        };
        let (file_src, file_json) = self.read_json(path, Some((src, json.span)))?;
        let printed = file_json.members().and_then(|m| {
            let only_cli_keys = m.iter().all(|x| x.key == "Policy" || x.key == "PolicyName");
            field(m, "Policy")
                .and_then(Json::as_str)
                .filter(|_| only_cli_keys)
        });
        let doc_src = match printed {
            Some(text) => Source::new(format!("{} (Policy)", file_src.name()), text),
            None => file_src,
        };
        if let Some(excess) =
            iamsim_policy::quota::check(doc_src.text(), iamsim_policy::quota::QuotaKind::KeyPolicy)
        {
            let q = excess.quota;
            self.error(
                &doc_src,
                iamsim_policy::Span::new(0, 1),
                q.code,
                format!(
                    "the key policy is {} {}, over the limit of {}",
                    excess.size,
                    q.counting.unit(),
                    q.limit
                ),
            );
            return None;
        }
        // The key policy quota is checked above, so the bucket policy's is not applied.
        let parsed = iamsim_policy::parse_aws_managed_policy(&doc_src, PolicyType::Resource);
        let policy = self.take_parsed(parsed, true)?;
        Some(Arc::new(crate::world::LoadedPolicy::new(
            path.to_string(),
            policy,
        )))
    }

    fn grant(&mut self, src: &Arc<Source>, json: &Json) -> Option<KeyGrant> {
        let members = self.object(src, json, "a grant")?;
        self.check_fields(
            src,
            members,
            &["grantee", "operations", "constraints"],
            "a grant",
        );
        let Some(g) = field(members, "grantee") else {
            self.error(
                src,
                json.span,
                Code::MissingField,
                "a grant has no `grantee`".into(),
            );
            return None;
        };
        let grantee = self.string(src, g, "`grantee`")?;
        let grantee_ok = crate::world::split_iam_arn(&grantee, "user/").is_some()
            || crate::world::split_iam_arn(&grantee, "role/").is_some()
            || crate::world::split_iam_arn(&grantee, "root")
                .is_some_and(|(a, r)| r.is_empty() && iamsim_policy::arn::is_account_id(a))
            || iamsim_policy::arn::parse_arn(&grantee)
                .is_ok_and(|a| a.service == "sts" && a.resource.starts_with("assumed-role/"));
        if !grantee_ok {
            self.error(
                src,
                g.span,
                Code::InvalidValue,
                format!(
                    "grantee `{grantee}` is not a user, role, assumed-role or account-root ARN"
                ),
            );
        }
        let mut operations = Vec::new();
        match field(members, "operations") {
            Some(list) => {
                for item in self.array(src, list, "`operations`").unwrap_or(&[]) {
                    let Some(op) = self.string(src, item, "an operation") else {
                        continue;
                    };
                    if !grant_operation_known(&op) {
                        self.error(
                            src,
                            item.span,
                            Code::InvalidValue,
                            format!("`{op}` is not a grant operation (such as `Decrypt` or `GenerateDataKey`)"),
                        );
                    }
                    operations.push(op);
                }
            }
            None => self.error(
                src,
                json.span,
                Code::MissingField,
                "a grant has no `operations`".into(),
            ),
        }
        let constraint = match field(members, "constraints") {
            Some(c) => self.constraint(src, c),
            None => None,
        };
        let conditions = constraint
            .as_ref()
            .and_then(|c| constraint_conditions(c, json.span));
        Some(KeyGrant {
            grantee,
            operations,
            constraint,
            conditions,
        })
    }

    fn constraint(&mut self, src: &Arc<Source>, json: &Json) -> Option<GrantConstraint> {
        let members = self.object(src, json, "`constraints`")?;
        self.check_fields(
            src,
            members,
            &["EncryptionContextSubset", "EncryptionContextEquals"],
            "`constraints`",
        );
        if members.len() != 1 {
            self.error(
                src,
                json.span,
                Code::InvalidValue,
                "`constraints` holds one of `EncryptionContextSubset` or `EncryptionContextEquals`"
                    .into(),
            );
        }
        let m = members.first()?;
        let mut pairs = BTreeMap::new();
        for p in self
            .object(src, &m.value, &format!("`{}`", m.key))
            .unwrap_or(&[])
        {
            if let Some(v) = self.string(src, &p.value, "an encryption context value") {
                pairs.insert(p.key.clone(), v);
            }
        }
        match m.key.as_str() {
            "EncryptionContextSubset" => Some(GrantConstraint::Subset(pairs)),
            "EncryptionContextEquals" => Some(GrantConstraint::Equals(pairs)),
            _ => None,
        }
    }

    /// `encryption: {"kms_key": KEY_ARN}` of a bucket or a resource.
    pub(crate) fn encryption(&mut self, src: &Arc<Source>, members: &[Member]) -> Option<String> {
        let json = field(members, "encryption")?;
        let inner = self.object(src, json, "`encryption`")?;
        self.check_fields(src, inner, &["kms_key"], "`encryption`");
        let Some(v) = field(inner, "kms_key") else {
            self.error(
                src,
                json.span,
                Code::MissingField,
                "`encryption` has no `kms_key`".into(),
            );
            return None;
        };
        let arn = self.string(src, v, "`kms_key`")?;
        if !is_key_arn(&arn) {
            self.error(
                src,
                v.span,
                Code::InvalidArn,
                format!(
                    "`kms_key` `{arn}` is not a KMS key ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`)"
                ),
            );
            return None;
        }
        Some(arn)
    }

    /// A resource entry's service-specific fields: `encryption` for queues, secrets and tables,
    /// `function_url` for functions; a KMS key is refused (it belongs under `keys`).
    pub(crate) fn resource_extras(
        &mut self,
        src: &Arc<Source>,
        m: &Member,
        members: &[Member],
    ) -> (Option<String>, Option<String>) {
        let service = iamsim_policy::arn::parse_arn(&m.key)
            .map(|a| a.service)
            .unwrap_or("");
        if service == "kms" {
            self.error(
                src,
                m.key_span,
                Code::InvalidValue,
                format!("`{}` is a KMS key or alias: keys go under the account's `keys`, with their key policy", m.key),
            );
        }
        let encryption = self.encryption(src, members);
        if encryption.is_some() && !["sqs", "secretsmanager", "dynamodb"].contains(&service) {
            if let Some(v) = field(members, "encryption") {
                self.error(
                    src,
                    v.span,
                    Code::InvalidValue,
                    "`encryption` is for SQS queues, Secrets Manager secrets and DynamoDB tables"
                        .into(),
                );
            }
        }
        let function_url = field(members, "function_url").and_then(|v| {
            let is_function = iamsim_policy::arn::parse_arn(&m.key)
                .is_ok_and(|a| a.service == "lambda" && a.resource.starts_with("function:"));
            if !is_function {
                self.error(
                    src,
                    v.span,
                    Code::InvalidValue,
                    "`function_url` is for Lambda functions".into(),
                );
            }
            let inner = self.object(src, v, "`function_url`")?;
            self.check_fields(src, inner, &["auth_type"], "`function_url`");
            let t = field(inner, "auth_type").and_then(|t| {
                let s = self.string(src, t, "`auth_type`")?;
                if s != "NONE" && s != "AWS_IAM" {
                    self.error(
                        src,
                        t.span,
                        Code::InvalidValue,
                        format!("`auth_type` `{s}` is not `NONE` or `AWS_IAM`"),
                    );
                }
                Some(s)
            });
            if t.is_none() && field(inner, "auth_type").is_none() {
                self.error(
                    src,
                    v.span,
                    Code::MissingField,
                    "`function_url` has no `auth_type`".into(),
                );
            }
            t
        });
        (encryption, function_url)
    }
}

/// One part of a grant constraint (13.9): a pair the request's encryption context must hold, or
/// (`EncryptionContextEquals`) that it holds no key outside the constraint's.
pub enum Part<'g> {
    /// A key and the value the context must hold for it.
    Pair(&'g str, &'g str),
    /// The constraint's pairs: the context holds no key outside them.
    NoOtherKey(&'g BTreeMap<String, String>),
}

/// The parts of a constraint, every one of which must hold: its pairs, then for an equals
/// constraint that the context has no other key.
pub fn parts(c: &GrantConstraint) -> Vec<Part<'_>> {
    let (GrantConstraint::Subset(m) | GrantConstraint::Equals(m)) = c;
    let mut out: Vec<Part<'_>> = m.iter().map(|(k, v)| Part::Pair(k, v)).collect();
    if let GrantConstraint::Equals(m) = c {
        out.push(Part::NoOtherKey(m));
    }
    out
}

/// A constraint written as the policy conditions on the request's encryption context that hold
/// exactly where its parts do, in the same order: `StringEquals kms:EncryptionContext:KEY` for
/// each pair, and for an equals constraint `ForAllValues:StringEqualsIgnoreCase
/// kms:EncryptionContextKeys` over its keys (`Null` when it has none). who-can leaves them open
/// as any condition on the context, so a constrained grantee is conditional on them. `None` when
/// a value cannot be read as a condition value.
pub fn constraint_conditions(c: &GrantConstraint, span: Span) -> Option<Vec<Condition>> {
    let condition = |op: &str, key: String, values: Vec<&str>| -> Option<Condition> {
        let operator = ConditionOperator::parse(op).ok()?;
        let values = values
            .into_iter()
            .map(|v| ConditionValue::new(&operator, v, span, false).ok())
            .collect::<Option<Vec<_>>>()?;
        Some(Condition {
            operator: Spanned {
                value: operator,
                span,
            },
            key: Spanned { value: key, span },
            values,
        })
    };
    parts(c)
        .iter()
        .map(|p| match p {
            Part::Pair(k, v) => condition(
                "StringEquals",
                format!("kms:EncryptionContext:{k}"),
                vec![*v],
            ),
            Part::NoOtherKey(m) if m.is_empty() => {
                condition("Null", "kms:EncryptionContextKeys".into(), vec!["true"])
            }
            Part::NoOtherKey(m) => condition(
                "ForAllValues:StringEqualsIgnoreCase",
                "kms:EncryptionContextKeys".into(),
                m.keys().map(String::as_str).collect(),
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_and_alias_arns_split() {
        assert_eq!(
            split_key_arn("arn:aws:kms:us-east-1:222222222222:key/k1"),
            Some(("us-east-1", "222222222222", "k1"))
        );
        assert_eq!(
            split_key_arn("arn:aws:kms:us-east-1:222222222222:alias/x"),
            None
        );
        assert_eq!(
            split_alias_arn("arn:aws:kms:us-east-1:222222222222:alias/x"),
            Some(("us-east-1", "222222222222", "alias/x"))
        );
        assert!(is_region("us-east-1") && is_region("us-gov-west-1"));
        assert!(!is_region("useast1") && !is_region("US-EAST-1") && !is_region(""));
    }
}

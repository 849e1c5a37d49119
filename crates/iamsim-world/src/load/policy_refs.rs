//! Policy references (docs/world-format.md): a file path, an AWS managed policy ARN, a customer
//! managed policy ARN or an inline document, resolved to the policy they name, each file read
//! and parsed once.

use super::{aws_managed, field, Loader};
use crate::world::{split_iam_arn, Account, LoadedPolicy, PolicyHandle};
use iamsim_catalog::managed;
use iamsim_policy::json::{self, Json, JsonValue, Limits, Member};
use iamsim_policy::{parse_policy_json, Code, PolicyType, Source, Span};
use std::sync::Arc;

impl Loader<'_> {
    pub(super) fn policy_list(
        &mut self,
        src: &Arc<Source>,
        members: &[Member],
        ty: PolicyType,
        account: Option<&Account>,
    ) -> Vec<PolicyHandle> {
        let Some(list) = field(members, "policies") else {
            return Vec::new();
        };
        let items = self.array(src, list, "`policies`").unwrap_or(&[]);
        // As long as the list: a role's one or two policies in 8 or 16 bytes, not the 32 a
        // growing list starts with.
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.extend(self.policy_ref(src, item, ty, account));
        }
        out
    }

    /// Resolves a PolicyRef (docs/world-format.md): a file path, an AWS managed policy ARN, a customer
    /// managed policy ARN of `account`, or an inline document.
    pub fn policy_ref(
        &mut self,
        src: &Arc<Source>,
        json: &Json,
        ty: PolicyType,
        account: Option<&Account>,
    ) -> Option<PolicyHandle> {
        // Only an inline document is named by its position: the line and column of a large
        // world.json cost a scan, so they are not computed for file references.
        let inline_name = || format!("inline policy at {}", src.location(json.span));
        self.policy_ref_named(src, json, ty, account, &inline_name)
    }

    pub(super) fn policy_ref_named(
        &mut self,
        src: &Arc<Source>,
        json: &Json,
        ty: PolicyType,
        account: Option<&Account>,
        inline_name: &dyn Fn() -> String,
    ) -> Option<PolicyHandle> {
        match &json.value {
            JsonValue::Object(_) => {
                let parsed = parse_policy_json(src, json, ty);
                let policy = self.take_parsed(parsed, false)?;
                Some(Arc::new(LoadedPolicy::new(inline_name(), policy)))
            }
            JsonValue::String(s) => {
                if let Some(name) = s.strip_prefix(aws_managed::AWS_MANAGED_PREFIX) {
                    if let Some(copy) = self.aws_managed_copy(account, s, ty) {
                        return copy;
                    }
                    // Managed policies may have a path (`service-role/X`); the name is the last part.
                    let short = name.rsplit('/').next().unwrap_or(name);
                    let Some(text) = managed::aws_managed_policy(short) else {
                        self.error(
                            src,
                            json.span,
                            Code::UnknownReference,
                            format!("`{s}` is not an AWS managed policy iamsim knows"),
                        );
                        return None;
                    };
                    let key = (s.clone(), ty);
                    if let Some(p) = self.cached(&key) {
                        return Some(p);
                    }
                    let source = Source::new(s.clone(), text);
                    // AWS managed policies are live in AWS: their size is not the customer quota
                    // (parsed without it: with it the parser gives no policy, and ReadOnlyAccess
                    // was dropped without a word).
                    let policy = self
                        .take_parsed(iamsim_policy::parse_aws_managed_policy(&source, ty), true)?;
                    let handle = Arc::new(LoadedPolicy::new(s.clone(), policy));
                    return Some(self.keep(key, handle));
                }
                if let Some((acct, rest)) = split_iam_arn(s, "policy/") {
                    let name = rest.rsplit('/').next().unwrap_or(rest);
                    let found = account
                        .filter(|a| a.id == acct)
                        .and_then(|a| a.policies.get(name));
                    return match found {
                        Some(p) => Some(Arc::clone(p)),
                        None => {
                            let whose = account.map(|a| a.id.as_str()).unwrap_or("this");
                            self.error(
                                src,
                                json.span,
                                Code::UnknownReference,
                                format!(
                                    "`{s}` is not a customer managed policy of account {whose}"
                                ),
                            );
                            None
                        }
                    };
                }
                if s.starts_with("arn:") {
                    self.error(
                        src,
                        json.span,
                        Code::UnknownReference,
                        format!("`{s}` is not a policy ARN iamsim can resolve"),
                    );
                    return None;
                }
                self.policy_file(src, json.span, s, ty)
            }
            _ => {
                self.error(
                    src,
                    json.span,
                    Code::InvalidType,
                    format!(
                        "a policy reference must be a path, an ARN or a policy document, not {}",
                        json.type_name()
                    ),
                );
                None
            }
        }
    }

    /// The policy of the resource `arn`, held to its service's size quota (1.28: a queue's
    /// 8,192 bytes, a topic's 30 KB, a repository's 10,240 characters, ...) rather than a bucket
    /// policy's; a path or an inline document (anything else as any policy reference).
    pub(super) fn resource_policy(
        &mut self,
        src: &Arc<Source>,
        json: &Json,
        arn: &str,
    ) -> Option<PolicyHandle> {
        let quota = iamsim_policy::quota::QuotaKind::of_resource(arn);
        match &json.value {
            JsonValue::Object(_) => {
                let parsed =
                    iamsim_policy::parse_policy_json_quota(src, json, PolicyType::Resource, quota);
                let policy = self.take_parsed(parsed, false)?;
                let name = format!("inline policy at {}", src.location(json.span));
                Some(Arc::new(LoadedPolicy::new(name, policy)))
            }
            JsonValue::String(rel) if !rel.starts_with("arn:") => {
                let (file_src, doc) = self.read_json(rel, Some((src, json.span)))?;
                let (doc_src, doc) = self.unwrap_cli_shape(&file_src, doc)?;
                let parsed = iamsim_policy::parse_policy_json_quota(
                    &doc_src,
                    &doc,
                    PolicyType::Resource,
                    quota,
                );
                let policy = self.take_parsed(parsed, false)?;
                Some(Arc::new(LoadedPolicy::new(rel.to_string(), policy)))
            }
            _ => self.policy_ref(src, json, PolicyType::Resource, None),
        }
    }

    pub(super) fn policy_file(
        &mut self,
        src: &Arc<Source>,
        span: Span,
        rel: &str,
        ty: PolicyType,
    ) -> Option<PolicyHandle> {
        // Looked up by the reference as written, without a copy of it: a world of a million
        // roles names its shared policy files two million times.
        if let Some(p) = self.files_read.get(&ty).and_then(|m| m.get(rel)) {
            return Some(Arc::clone(p));
        }
        if let Some(p) = self.shared.and_then(|shared| shared.file(ty, rel)) {
            self.files_read
                .entry(ty)
                .or_default()
                .insert(rel.to_string(), Arc::clone(&p));
            return Some(p);
        }
        let (file_src, json) = self.read_json(rel, Some((src, span)))?;
        let (doc_src, doc) = self.unwrap_cli_shape(&file_src, json)?;
        let policy = self.take_parsed(parse_policy_json(&doc_src, &doc, ty), false)?;
        let mut handle = Arc::new(LoadedPolicy::new(rel.to_string(), policy));
        if let Some(shared) = self.shared {
            handle = shared.keep_file(ty, rel, handle);
        }
        self.files_read
            .entry(ty)
            .or_default()
            .insert(rel.to_string(), Arc::clone(&handle));
        Some(handle)
    }

    /// Unwraps the shapes the AWS CLI prints: `{"Policy": "<document as a string>"}` and
    /// `{"PolicyVersion": {"Document": ...}}`.
    pub(super) fn unwrap_cli_shape(
        &mut self,
        src: &Arc<Source>,
        json: Json,
    ) -> Option<(Arc<Source>, Json)> {
        let Some(members) = json.members() else {
            return Some((Arc::clone(src), json));
        };
        if let [only] = members {
            if only.key == "Policy" {
                if let Some(text) = only.value.as_str() {
                    let inner = Source::new(format!("{} (Policy)", src.name()), text);
                    return match json::parse(&inner, Limits::default()) {
                        Ok(doc) => Some((inner, doc)),
                        Err(d) => {
                            self.diagnostics.push(d);
                            None
                        }
                    };
                }
            }
            if only.key == "PolicyVersion" {
                if let Some(doc) = only.value.get("Document") {
                    if let Some(text) = doc.as_str() {
                        let decoded = iamsim_policy::percent::decode(text);
                        let inner = Source::new(format!("{} (Document)", src.name()), decoded);
                        return match json::parse(&inner, Limits::default()) {
                            Ok(doc) => Some((inner, doc)),
                            Err(d) => {
                                self.diagnostics.push(d);
                                None
                            }
                        };
                    }
                    return Some((Arc::clone(src), doc.clone()));
                }
            }
        }
        Some((Arc::clone(src), json))
    }

    pub(crate) fn take_parsed(
        &mut self,
        parsed: iamsim_policy::Parsed,
        aws_managed: bool,
    ) -> Option<iamsim_policy::Policy> {
        for d in parsed.diagnostics {
            if aws_managed && d.code.is_size_quota() {
                continue;
            }
            self.diagnostics.push(iamsim_policy::quota::as_stored(d));
        }
        parsed.policy
    }
}

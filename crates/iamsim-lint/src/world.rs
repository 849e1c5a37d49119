//! The policies a world names, each with the policy type the world gives it (docs/world-format.md).
//!
//! This walks `world.json` itself rather than loading the world, so that a world with an error
//! still has every one of its policies linted, and every problem is reported in one run.

use crate::checks::PolicyContext;
use iamsim_policy::json::{Json, JsonValue};
use iamsim_policy::PolicyType;

/// Where a world's policy document is.
pub(crate) enum PolicyRef<'j> {
    /// A file, relative to the world folder.
    File(String),
    /// A document inline in world.json.
    Inline(&'j Json),
    /// An AWS managed policy by ARN (`arn:aws:iam::aws:policy/...`, the string in world.json):
    /// the account's copy when it holds one, else the copy bundled with iamsim.
    AwsManaged(&'j Json),
}

pub(crate) struct PolicyUse<'j> {
    pub reference: PolicyRef<'j>,
    pub policy_type: PolicyType,
    pub context: PolicyContext,
}

fn get<'j>(json: &'j Json, key: &str) -> Option<&'j Json> {
    json.get(key)
}

fn members(json: Option<&Json>) -> impl Iterator<Item = (&str, &Json)> {
    json.and_then(Json::members)
        .unwrap_or(&[])
        .iter()
        .map(|m| (m.key.as_str(), &m.value))
}

fn items(json: Option<&Json>) -> impl Iterator<Item = &Json> {
    json.and_then(Json::items).unwrap_or(&[]).iter()
}

/// A Block Public Access setting: `true`/`false`, or an object whose `restrict_public_buckets`
/// is what decides whether a public policy takes effect (7.10).
fn restricts(json: Option<&Json>) -> Option<bool> {
    let json = json?;
    match &json.value {
        JsonValue::Bool(b) => Some(*b),
        JsonValue::Object(_) => match get(json, "restrict_public_buckets").map(|v| &v.value) {
            Some(JsonValue::Bool(b)) => Some(*b),
            _ => Some(false),
        },
        _ => None,
    }
}

/// Every policy the world names. AWS managed policies (`arn:aws:iam::aws:policy/...`) are listed
/// as such: they are not the world's to fix (lint skips them) but they grant access (the access
/// checks read them); customer managed policy ARNs are read where they are defined (the
/// account's `policies`).
pub(crate) fn policy_uses(world: &Json) -> Vec<PolicyUse<'_>> {
    let mut out = Vec::new();
    for (id, account) in members(get(world, "accounts")) {
        let acct = || PolicyContext {
            account: Some(id.to_string()),
            ..PolicyContext::default()
        };
        let account_bpa = restricts(get(account, "block_public_access")).unwrap_or(false);
        for (_, user) in members(get(account, "users")) {
            for p in items(get(user, "policies")) {
                add(p, PolicyType::Identity, acct(), &mut out);
            }
            if let Some(b) = get(user, "boundary") {
                add(b, PolicyType::Boundary, acct(), &mut out);
            }
        }
        for (_, group) in members(get(account, "groups")) {
            for p in items(get(group, "policies")) {
                add(p, PolicyType::Identity, acct(), &mut out);
            }
        }
        for (_, role) in members(get(account, "roles")) {
            if let Some(t) = get(role, "trust") {
                add(t, PolicyType::Trust, acct(), &mut out);
            }
            for p in items(get(role, "policies")) {
                add(p, PolicyType::Identity, acct(), &mut out);
            }
            if let Some(b) = get(role, "boundary") {
                add(b, PolicyType::Boundary, acct(), &mut out);
            }
        }
        for (_, p) in members(get(account, "policies")) {
            // A policy stored with its versions: each version is a document someone allowed
            // `iam:SetDefaultPolicyVersion` can put in force.
            match get(p, "versions") {
                Some(versions) => {
                    for (_, v) in members(Some(versions)) {
                        add(v, PolicyType::Identity, acct(), &mut out);
                    }
                }
                None => add(p, PolicyType::Identity, acct(), &mut out),
            }
        }
        for (_, bucket) in members(get(account, "buckets")) {
            if let Some(p) = get(bucket, "policy") {
                // New buckets block public access (docs/world-format.md: default true).
                let bucket_bpa = restricts(get(bucket, "block_public_access")).unwrap_or(true);
                let ctx = PolicyContext {
                    account: Some(id.to_string()),
                    restrict_public_buckets: Some(bucket_bpa || account_bpa),
                    aws_managed: false,
                    quota: None,
                };
                add(p, PolicyType::Resource, ctx, &mut out);
            }
        }
        // KMS key policies, with the key's account and whether AWS manages the key.
        for (_, key) in members(get(account, "keys")) {
            if let Some(p) = get(key, "policy") {
                let managed = get(key, "aws_managed")
                    .is_some_and(|v| matches!(v.value, JsonValue::Bool(true)));
                let ctx = PolicyContext {
                    aws_managed: managed,
                    quota: Some(iamsim_policy::quota::QuotaKind::KeyPolicy),
                    ..acct()
                };
                add(p, PolicyType::Resource, ctx, &mut out);
            }
        }
        for (arn, res) in members(get(account, "resources")) {
            if let Some(p) = get(res, "policy") {
                // Each service's own size quota (a queue's 8 KB, a topic's 30 KB, ...).
                let ctx = PolicyContext {
                    quota: Some(iamsim_policy::quota::QuotaKind::of_resource(arn)),
                    ..acct()
                };
                add(p, PolicyType::Resource, ctx, &mut out);
            }
        }
    }
    if let Some(root) = get(world, "organization").and_then(|o| get(o, "root")) {
        // The tree is shallow in practice; walk it with a stack all the same.
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            // Only AWS's own FullAWSAccess is built in: a file whose name merely ends so is
            // a policy like any other.
            for p in items(get(node, "scps")) {
                if p.as_str().is_some_and(|s| {
                    !matches!(
                        s,
                        "FullAWSAccess"
                            | "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
                    )
                }) || p.members().is_some()
                {
                    add(p, PolicyType::Scp, PolicyContext::default(), &mut out);
                }
            }
            for p in items(get(node, "rcps")) {
                if p.as_str().is_some_and(|s| {
                    !matches!(
                        s,
                        "RCPFullAWSAccess"
                            | "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess"
                    )
                }) || p.members().is_some()
                {
                    add(p, PolicyType::Rcp, PolicyContext::default(), &mut out);
                }
            }
            for (_, unit) in members(get(node, "units")) {
                stack.push(unit);
            }
        }
    }
    out
}

/// The files holding the accounts' copies of AWS managed policies (`aws_managed_policies`, what
/// `iamsim import` writes from an export): AWS's documents, not the world's to fix, so lint skips
/// them as it skips the bundled copies; the access checks read them (they grant access).
/// Each with its account and the ARN it is a copy of.
pub(crate) fn aws_managed_copies(world: &Json) -> Vec<(&str, &str, &str)> {
    members(get(world, "accounts"))
        .flat_map(|(id, account)| {
            members(get(account, "aws_managed_policies")).map(move |(arn, p)| (id, arn, p))
        })
        .filter_map(|(id, arn, p)| Some((id, arn, p.as_str()?)))
        .filter(|(_, _, s)| !s.starts_with("arn:"))
        .collect()
}

fn add<'j>(json: &'j Json, ty: PolicyType, ctx: PolicyContext, out: &mut Vec<PolicyUse<'j>>) {
    match &json.value {
        JsonValue::String(s) if s.starts_with("arn:aws:iam::aws:policy/") => out.push(PolicyUse {
            reference: PolicyRef::AwsManaged(json),
            policy_type: ty,
            context: ctx,
        }),
        JsonValue::String(s) if s.starts_with("arn:") => {}
        JsonValue::String(s) => out.push(PolicyUse {
            reference: PolicyRef::File(s.clone()),
            policy_type: ty,
            context: ctx,
        }),
        JsonValue::Object(_) => out.push(PolicyUse {
            reference: PolicyRef::Inline(json),
            policy_type: ty,
            context: ctx,
        }),
        _ => {}
    }
}

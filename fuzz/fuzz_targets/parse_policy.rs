//! Arbitrary bytes through the JSON reader and the policy reader, for every policy type; every
//! policy that reads cleanly has its action, resource and condition matchers run against a few
//! fixed requests, so the fuzzer reaches them too. Any panic, overflow or hang is a bug.
#![no_main]

use iamsim_policy::condition::evaluate;
use iamsim_policy::json::{self, Limits};
use iamsim_policy::{
    parse_policy_bytes, Context, ContextValue, Policy, PolicyType, RequestResource, ResourceKind,
};
use libfuzzer_sys::fuzz_target;

const TYPES: [PolicyType; 7] = [
    PolicyType::Identity,
    PolicyType::Boundary,
    PolicyType::Session,
    PolicyType::Trust,
    PolicyType::Resource,
    PolicyType::Scp,
    PolicyType::Rcp,
];

const ACTIONS: [&str; 6] = [
    "s3:GetObject",
    "S3:getobject",
    "iam:PassRole",
    "ec2:DescribeInstances",
    "sts:AssumeRole",
    "noservice",
];

const ARNS: [&str; 7] = [
    "arn:aws:s3:::my-bucket/home/alice/notes.txt",
    "arn:aws:s3:::my-bucket",
    "arn:aws:iam::111111111111:role/path/Admin",
    "arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0",
    "arn:aws-cn:sqs:cn-north-1:222222222222:queue:name:with:colons",
    "not-an-arn",
    "",
];

fn context() -> Context {
    let mut ctx = Context::new();
    ctx.set("aws:username", "alice");
    ctx.set("aws:SourceIp", "10.1.2.3");
    ctx.set("aws:CurrentTime", "2024-05-01T12:00:00Z");
    ctx.set("aws:SecureTransport", "true");
    ctx.set("aws:PrincipalAccount", "111111111111");
    ctx.set("s3:max-keys", "10");
    ctx.set("aws:PrincipalArn", "arn:aws:iam::111111111111:role/Admin");
    ctx.set("aws:userid", "");
    ctx.insert(
        "aws:TagKeys",
        ContextValue::Multi(vec!["team".into(), "env".into()]),
    );
    ctx
}

fn exercise(policy: &Policy, ctx: &Context) {
    for statement in &policy.statements {
        for pattern in &statement.action.patterns {
            for action in ACTIONS {
                let _ = pattern.matcher.matches(action);
            }
            let _ = pattern.matcher.service();
        }
        if let Some(block) = &statement.resource {
            for pattern in &block.patterns {
                for arn in ARNS {
                    let _ = pattern
                        .matcher
                        .matches(RequestResource::Arn(arn), ctx, block.kind);
                }
                let _ = pattern.matcher.matches(
                    RequestResource::Wildcard { service: "s3" },
                    ctx,
                    ResourceKind::NotResource,
                );
            }
        }
        for condition in &statement.conditions {
            let _ = evaluate(condition, ctx);
        }
        let _ = statement.label();
    }
}

fuzz_target!(|data: &[u8]| {
    let ctx = context();
    for ty in TYPES {
        let parsed = parse_policy_bytes("fuzz.json", data, ty);
        for d in &parsed.diagnostics {
            // Every span the reader reports lies inside its source, and renders.
            if let Some(source) = &d.source {
                let len = source.text().len();
                let (start, end) = (d.span.start as usize, d.span.end as usize);
                assert!(
                    start <= end && end <= len,
                    "span {start}..{end} outside 0..{len}: {d}"
                );
            }
            let _ = d.render();
        }
        if let Some(policy) = &parsed.policy {
            exercise(policy, &ctx);
        }
    }
    let _ = json::parse_bytes("fuzz.json", data, Limits::default());
});

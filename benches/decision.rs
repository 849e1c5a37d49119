#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::manual_is_multiple_of
)]
//! Whole-pipeline costs through the public engine API: decisions explained (`ask`) and
//! decision-only (`decide`, `decide_only`), identity sets of growing size, condition-heavy
//! policies, and loading worlds (MB/s of policy JSON).
//!
//! Run with `cargo bench --bench decision -- --warm-up-time 1 --measurement-time 3`; figures go to
//! BENCHMARKS.md. The other benches: `benches/who_can.rs` (who-can on generated organizations),
//! `crates/iamsim-lint/benches/lint.rs` (lint of 1,000 files: `cargo bench -p iamsim-lint`),
//! `crates/iamsim-policy/benches/parse.rs` and `matching.rs` (the policy language alone).
//! Generated worlds are held in memory ([`MemoryFiles`]); the loading group also writes the
//! identity set to a folder once, to time the same world read from disk and from memory.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use iamsim_engine::synth::{generate, GenSpec};
use iamsim_engine::{
    ask, decide, decide_only, evaluate_hop, Action, AssumeRoleParams, Caller, Decision, HopRequest,
    MemoryFiles, Query, Via, ViaHop, World,
};
use iamsim_policy::files::Files;
use iamsim_policy::Context;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn query(principal: &str, action: &str, resource: &str, via: &[&str]) -> Query {
    Query {
        principal: principal.into(),
        action: action.into(),
        resource: resource.into(),
        via: if via.is_empty() {
            Via::Direct
        } else {
            Via::Roles(
                via.iter()
                    .map(|r| ViaHop {
                        role_arn: (*r).into(),
                        params: AssumeRoleParams::default(),
                    })
                    .collect(),
            )
        },
        context: Context::new(),
        session_policies: Vec::new(),
    }
}

/// Benches one query both ways, after checking that both give `expect`.
fn both(c: &mut Criterion, group: &str, world: &World, q: &Query, expect: Decision) {
    assert_eq!(ask(world, q).unwrap().decision, expect, "{group}");
    assert_eq!(decide(world, q).unwrap(), expect, "{group}");
    let mut g = c.benchmark_group(group);
    g.bench_function("explained (ask)", |b| {
        b.iter(|| ask(black_box(world), black_box(q)))
    });
    g.bench_function("decision-only (decide)", |b| {
        b.iter(|| decide(black_box(world), black_box(q)))
    });
    g.finish();
}

fn decisions(c: &mut Criterion) {
    let w01 = World::load(&fixture("worked-examples/w01-identity-policy-same-account"))
        .expect("fixture loads");
    let direct = query(
        "arn:aws:iam::111111111111:user/alice",
        "s3:GetObject",
        "arn:aws:s3:::acme-data/q1.csv",
        &[],
    );
    both(c, "direct (W1)", &w01, &direct, Decision::Allow);

    let tutorial = World::load(&fixture("aws-cli-role-profile-corrected")).expect("fixture loads");
    let cross_account = query(
        "arn:aws:iam::111111111111:user/accounta-user",
        "s3:PutObject",
        "arn:aws:s3:::cross-account-bucket/test.txt",
        &["arn:aws:iam::222222222222:role/role-in-accountb"],
    );
    both(
        c,
        "cross-account AssumeRole + s3:PutObject",
        &tutorial,
        &cross_account,
        Decision::Allow,
    );
    // The two requests of that chain as decided hops, the principal and action already read:
    // the AssumeRole into account B, then s3:PutObject as the session.
    let user = Caller::parse(&tutorial, "arn:aws:iam::111111111111:user/accounta-user").unwrap();
    let session =
        Caller::parse(&tutorial, "arn:aws:iam::222222222222:role/role-in-accountb").unwrap();
    let assume_role = Action::parse("sts:AssumeRole").unwrap();
    let put = Action::parse("s3:PutObject").unwrap();
    let params = AssumeRoleParams::default();
    let context = Context::new();
    let hop1 = HopRequest {
        caller: &user,
        action: &assume_role,
        resource: "arn:aws:iam::222222222222:role/role-in-accountb",
        context: &context,
        assume: Some(&params),
    };
    let hop2 = HopRequest {
        caller: &session,
        action: &put,
        resource: "arn:aws:s3:::cross-account-bucket/test.txt",
        context: &context,
        assume: None,
    };
    assert_eq!(decide_only(&tutorial, &hop1), Decision::Allow);
    assert_eq!(decide_only(&tutorial, &hop2), Decision::Allow);
    c.bench_function(
        "cross-account AssumeRole + s3:PutObject/the two hops (decide_only)",
        |b| {
            b.iter(|| {
                decide_only(black_box(&tutorial), black_box(&hop1)).is_allow()
                    && decide_only(black_box(&tutorial), black_box(&hop2)).is_allow()
            })
        },
    );
    let any_path = Query {
        via: Via::Any,
        ..cross_account.clone()
    };
    c.bench_function("cross-account, --any-path search (explained)", |b| {
        b.iter(|| ask(black_box(&tutorial), black_box(&any_path)))
    });

    let hops = World::load(&fixture("rules/role-chain-three-hops")).expect("fixture loads");
    let three = query(
        "arn:aws:iam::111111111111:user/alice",
        "s3:GetObject",
        "arn:aws:s3:::gamma-vault/secret.txt",
        &[
            "arn:aws:iam::111111111111:role/HopA",
            "arn:aws:iam::222222222222:role/HopB",
            "arn:aws:iam::333333333333:role/HopC",
        ],
    );
    both(c, "three-hop role chain", &hops, &three, Decision::Allow);
}

/// A folder in the temp directory, written once per content version.
/// A generated world.json and its policy files, held in memory.
fn memory_world(name: &str, world: &Value, policies: &[(String, Value)]) -> MemoryFiles {
    let mut files = MemoryFiles::new(format!("generated/{name}"));
    for (file, doc) in policies {
        files.insert(file, serde_json::to_vec_pretty(doc).unwrap());
    }
    files.with("world.json", serde_json::to_vec_pretty(world).unwrap())
}

/// The same files written to a folder of the temp folder (once), for loading from disk.
fn written(files: &MemoryFiles, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamsim-bench-{name}-v1"));
    if !dir.join("world.json").is_file() {
        for reference in files.references() {
            let path = dir.join(reference);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let file = files.read(reference, u64::MAX).unwrap();
            std::fs::write(path, file.bytes).unwrap();
        }
    }
    dir
}

/// The bytes of the JSON files held.
fn memory_bytes(files: &MemoryFiles) -> u64 {
    files
        .references()
        .map(|r| files.read(r, u64::MAX).unwrap().bytes.len() as u64)
        .sum()
}

const SERVICES: &[&str] = &[
    "ec2", "dynamodb", "sqs", "sns", "lambda", "logs", "iam", "kms", "rds", "s3",
];

/// Statement `k` of the identity set that cannot match `s3:GetObject`: a literal action of some
/// service (other `s3` operations included), with now and then a wildcard operation.
fn other_statement(k: usize) -> Value {
    let service = SERVICES[k % SERVICES.len()];
    let action = match k % 7 {
        0 => format!("{service}:Describe{k}*"),
        _ => format!("{service}:Operation{k}"),
    };
    json!({
        "Sid": format!("S{k}"),
        "Effect": if k % 11 == 0 { "Deny" } else { "Allow" },
        "Action": [action, format!("{service}:Get{k}")],
        "Resource": format!("arn:aws:{service}:us-east-1:111111111111:thing/{k}/*"),
    })
}

/// Statement `k` of the ten that match the action: the first nine name other buckets or
/// prefixes, the last the requested object.
fn matching_statement(k: usize) -> Value {
    let resource = if k == 9 {
        "arn:aws:s3:::data-bucket/reports/*".to_string()
    } else {
        format!("arn:aws:s3:::data-bucket-{k}/*")
    };
    json!({
        "Sid": format!("M{k}"),
        "Effect": "Allow",
        "Action": if k % 2 == 0 { json!("s3:GetObject") } else { json!(["s3:Get*", "s3:List*"]) },
        "Resource": resource,
    })
}

/// A world whose user `alice` has `n` identity statements, ten of which (or `n` when fewer) match
/// `s3:GetObject`, in policies of at most 20 statements (the customer quota allows ~6 KB each).
fn identity_world(n: usize) -> MemoryFiles {
    let matching = n.min(10);
    let mut statements: Vec<Value> = (10 - matching..10).map(matching_statement).collect();
    statements.extend((0..n - matching).map(other_statement));
    // Spread the matching ones through the set rather than first.
    let step = (n / matching.max(1)).max(1);
    for i in 0..matching {
        statements.swap(i, (i * step).min(n - 1));
    }
    let mut policies = Vec::new();
    for (i, chunk) in statements.chunks(20).enumerate() {
        policies.push((
            format!("policies/p{i}.json"),
            json!({ "Version": "2012-10-17", "Statement": chunk }),
        ));
    }
    let names: Vec<&String> = policies.iter().map(|(f, _)| f).collect();
    let world = json!({
        "accounts": {
            "111111111111": {
                "users": { "alice": { "policies": names } },
                "buckets": { "data-bucket": {} }
            }
        }
    });
    memory_world(&format!("identity-{n}"), &world, &policies)
}

fn identity_sets(c: &mut Criterion) {
    let mut g = c.benchmark_group("identity statements (10 match the action)");
    for n in [1usize, 100, 10_000] {
        let w = World::load_from(&identity_world(n)).expect("generated world loads");
        let caller = Caller::parse(&w, "arn:aws:iam::111111111111:user/alice").unwrap();
        let action = Action::parse("s3:GetObject").unwrap();
        let context = Context::new();
        let req = HopRequest {
            caller: &caller,
            action: &action,
            resource: "arn:aws:s3:::data-bucket/reports/q1.csv",
            context: &context,
            assume: None,
        };
        assert_eq!(evaluate_hop(&w, &req).decision, Decision::Allow);
        assert_eq!(decide_only(&w, &req), Decision::Allow);
        g.bench_with_input(BenchmarkId::new("decision-only", n), &req, |b, req| {
            b.iter(|| decide_only(black_box(&w), black_box(req)))
        });
        g.bench_with_input(BenchmarkId::new("explained", n), &req, |b, req| {
            b.iter(|| evaluate_hop(black_box(&w), black_box(req)))
        });
    }
    g.finish();
}

/// A user with 20 statements on `s3:GetObject`, each with three to five conditions on request,
/// principal and resource keys, with and without policy variables.
fn conditions_world() -> MemoryFiles {
    let statements: Vec<Value> = (0..20)
        .map(|k| {
            let mut cond = json!({
                "IpAddress": { "aws:SourceIp": [format!("10.{k}.0.0/16"), "192.0.2.0/24"] },
                "Bool": { "aws:SecureTransport": "true" },
                "DateLessThan": { "aws:CurrentTime": "2030-01-01T00:00:00Z" },
            });
            if k % 2 == 0 {
                cond["StringEquals"] = json!({
                    "aws:PrincipalTag/team": "${aws:PrincipalTag/team}",
                    "aws:RequestedRegion": ["us-east-1", "eu-west-1"],
                });
            }
            if k % 3 == 0 {
                cond["NumericLessThanEquals"] = json!({ "s3:max-keys": "100" });
                cond["StringLike"] = json!({ "s3:prefix": ["home/${aws:username}/*", "shared/*"] });
            }
            let resource = if k == 19 {
                "arn:aws:s3:::data-bucket/home/${aws:username}/*".to_string()
            } else {
                format!("arn:aws:s3:::data-bucket/team-{k}/*")
            };
            json!({
                "Sid": format!("C{k}"),
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": resource,
                "Condition": cond,
            })
        })
        .collect();
    let deny = json!({
        "Sid": "DenyOutsideNetwork",
        "Effect": "Deny",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": { "NotIpAddress": { "aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"] } },
    });
    let mut all = statements;
    all.push(deny);
    let policies = vec![
        (
            "policies/c0.json".to_string(),
            json!({ "Version": "2012-10-17", "Statement": all[..11] }),
        ),
        (
            "policies/c1.json".to_string(),
            json!({ "Version": "2012-10-17", "Statement": all[11..] }),
        ),
    ];
    let world = json!({
        "accounts": {
            "111111111111": {
                "users": { "alice": {
                    "policies": ["policies/c0.json", "policies/c1.json"],
                    "tags": { "team": "blue" }
                } },
                "buckets": { "data-bucket": {} }
            }
        }
    });
    memory_world("conditions", &world, &policies)
}

fn conditions(c: &mut Criterion) {
    let w = World::load_from(&conditions_world()).expect("generated world loads");
    let mut q = query(
        "arn:aws:iam::111111111111:user/alice",
        "s3:GetObject",
        "arn:aws:s3:::data-bucket/home/alice/notes.txt",
        &[],
    );
    for (k, v) in [
        ("aws:SourceIp", "10.19.4.5"),
        ("aws:SecureTransport", "true"),
        ("aws:CurrentTime", "2026-11-23T12:00:00Z"),
        ("aws:RequestedRegion", "us-east-1"),
        ("s3:max-keys", "50"),
        ("s3:prefix", "home/alice/notes.txt"),
    ] {
        q.context.set(k, v);
    }
    both(
        c,
        "condition-heavy (21 statements, 3-5 conditions each)",
        &w,
        &q,
        Decision::Allow,
    );
}

/// Bytes of the JSON files of a world folder (world.json and its policies).
fn json_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                total += e.metadata().unwrap().len();
            }
        }
    }
    total
}

fn loading(c: &mut Criterion) {
    let mut g = c.benchmark_group("load world");
    g.sample_size(20);
    let gen = std::env::temp_dir().join("iamsim-bench-gen-1-50x20");
    if !gen.join("world.json").is_file() {
        let spec = GenSpec {
            seed: 1,
            accounts: 50,
            roles_per_account: 20,
            users_per_account: 2,
        };
        generate(&spec, &gen).expect("generate");
    }
    // Fixture folders also hold tests and configuration: no throughput for them.
    for (name, dir) in [
        ("aws-cli-role-profile", fixture("aws-cli-role-profile")),
        (
            "switch-role-s3 (AWS managed policy)",
            fixture("switch-role-s3"),
        ),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| World::load(black_box(&dir)).expect("loads"))
        });
    }
    // Generated folders hold world.json and policy files only.
    let identity = identity_world(10_000);
    for (name, dir) in [
        ("generated 50 accounts x 20 roles", gen),
        (
            "identity set of 10,000 statements",
            written(&identity, "identity-10000"),
        ),
    ] {
        g.throughput(Throughput::Bytes(json_bytes(&dir)));
        g.bench_function(name, |b| {
            b.iter(|| World::load(black_box(&dir)).expect("loads"))
        });
    }
    // The same identity set held in memory: the one loader, without the folder.
    g.throughput(Throughput::Bytes(memory_bytes(&identity)));
    g.bench_function("identity set of 10,000 statements, in memory", |b| {
        b.iter(|| World::load_from(black_box(&identity)).expect("loads"))
    });
    g.finish();
}

/// The keys of every request left open (3.21a) and requested sets (2.7a): one question with every
/// such key given (no open key: the plain walk), with the keys its policies test given (a probe
/// walk that meets no open condition), with none given (every assignment decided), and a set
/// request beside one of its members. Run alone with `cargo bench --bench decision -- field`.
fn field(c: &mut Criterion) {
    let world = World::load(&fixture("field/open-keys")).expect("fixture loads");
    let tess = |pairs: &[(&str, &str)]| {
        let mut q = query(
            "arn:aws:iam::111111111111:user/tess",
            "s3:GetObject",
            "arn:aws:s3:::reports/q1.csv",
            &[],
        );
        for (k, v) in pairs {
            q.context.set(k, *v);
        }
        q
    };
    let all = tess(&[
        ("aws:SecureTransport", "true"),
        ("aws:CurrentTime", "2026-12-02T09:00:00Z"),
        ("aws:EpochTime", "1764666000"),
        ("aws:RequestedRegion", "eu-west-1"),
        ("aws:SourceIp", "203.0.113.7"),
    ]);
    let tls = tess(&[("aws:SecureTransport", "true")]);
    let none = tess(&[]);
    assert_eq!(decide(&world, &all).unwrap(), Decision::Allow);
    assert_eq!(decide(&world, &tls).unwrap(), Decision::Allow);
    assert_eq!(decide(&world, &none).unwrap(), Decision::Indeterminate);
    let mut g = c.benchmark_group("field: open keys");
    for (name, q) in [
        ("every key given", &all),
        ("tested keys given", &tls),
        ("none given", &none),
    ] {
        g.bench_function(format!("{name} (decide)"), |b| {
            b.iter(|| decide(black_box(&world), black_box(q)))
        });
        g.bench_function(format!("{name} (ask)"), |b| {
            b.iter(|| ask(black_box(&world), black_box(q)))
        });
    }
    g.finish();
    let sets = World::load(&fixture("field/resource-sets")).expect("fixture loads");
    let delete = |resource: &str| {
        query(
            "arn:aws:sts::111111111111:assumed-role/Deployer/ci",
            "s3:DeleteObject",
            resource,
            &[],
        )
    };
    let one = delete("arn:aws:s3:::prod-artifacts/build/1.zip");
    let set = delete("arn:aws:s3:::prod-artifacts/*");
    assert_eq!(decide(&sets, &one).unwrap(), Decision::Allow);
    assert_eq!(decide(&sets, &set).unwrap(), Decision::Indeterminate);
    let mut g = c.benchmark_group("field: resource sets");
    g.bench_function("one object (decide)", |b| {
        b.iter(|| decide(black_box(&sets), black_box(&one)))
    });
    g.bench_function("the set prod-artifacts/* (decide)", |b| {
        b.iter(|| decide(black_box(&sets), black_box(&set)))
    });
    g.bench_function("the set prod-artifacts/* (ask)", |b| {
        b.iter(|| ask(black_box(&sets), black_box(&set)))
    });
    g.finish();
}

/// An object of an SSE-KMS bucket is decided with its KMS request (two readings of the
/// encryption context): against an object of a bucket without default encryption, same world.
fn sse_kms(c: &mut Criterion) {
    let world = World::load(&fixture("kms/sse-kms-objects")).expect("fixture loads");
    let mut tls = Context::new();
    tls.set("aws:SecureTransport", "true");
    let with = |mut q: Query| {
        q.context = tls.clone();
        q
    };
    let plain = with(query(
        "arn:aws:iam::222222222222:user/bea",
        "s3:GetObject",
        "arn:aws:s3:::plain/app.log",
        &[],
    ));
    // bea's identity policy names only beta-logs: the plain object is denied for her, so bob.
    let plain = Query {
        principal: "arn:aws:iam::222222222222:user/bob".into(),
        ..plain
    };
    both(
        c,
        "s3:GetObject, bucket without KMS",
        &world,
        &plain,
        Decision::Allow,
    );
    let encrypted = with(query(
        "arn:aws:iam::222222222222:user/bea",
        "s3:GetObject",
        "arn:aws:s3:::beta-logs/app.log",
        &[],
    ));
    both(
        c,
        "s3:GetObject, SSE-KMS bucket (+ kms:Decrypt)",
        &world,
        &encrypted,
        Decision::Allow,
    );
    let chain = World::load(&fixture("kms/tutorial-chain")).expect("fixture loads");
    let third = with(query(
        "arn:aws:iam::111111111111:user/alice",
        "s3:GetObject",
        "arn:aws:s3:::beta-shared/2024/app.log",
        &["arn:aws:iam::222222222222:role/Partner"],
    ));
    both(
        c,
        "tutorial chain, key in a third account",
        &chain,
        &third,
        Decision::Allow,
    );
}

criterion_group!(
    benches,
    decisions,
    identity_sets,
    conditions,
    loading,
    field,
    sse_kms
);
criterion_main!(benches);

//! KMS keys, SSE-KMS objects and other resource policies (docs/rules.md section 13): the world
//! format's checks with their positions, the companion request in `can`'s text and JSON, and
//! who-can on keys.

use crate::support::{iamsim, iamsim_in, root, stderr, stdout};
use iamsim_engine::{
    decide_only, who_can, Action, Caller, Decision, HopRequest, LoadedPolicy, WhoCanQuery, World,
};
use iamsim_policy::{parse_policy, Context, PolicyType, Source};
use std::path::{Path, PathBuf};

fn temp_world(tag: &str, world_json: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamsim-kms-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("world.json"), world_json).unwrap();
    dir
}

const KEY_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"}]}"#;

/// Each problem of a key or an encryption field is an error at its place, and nothing is
/// evaluated (exit 2).
#[test]
fn key_fields_are_checked_where_they_are_written() {
    let cases: &[(&str, String, &str, &str)] = &[
        (
            "no-region",
            format!(r#"{{"accounts": {{"222222222222": {{"keys": {{"k1": {{"policy": {KEY_POLICY}}}}}}}}}}}"#),
            "MISSING_FIELD",
            "world.json:1:41",
        ),
        (
            "no-policy",
            r#"{"accounts": {"222222222222": {"keys": {"k1": {"region": "us-east-1"}}}}}"#.into(),
            "MISSING_FIELD",
            "has no `policy`",
        ),
        (
            "bad-region",
            format!(r#"{{"accounts": {{"222222222222": {{"keys": {{"k1": {{"region": "Virginia", "policy": {KEY_POLICY}}}}}}}}}}}"#),
            "INVALID_VALUE",
            "`Virginia` is not a Region code",
        ),
        (
            "key-under-resources",
            r#"{"accounts": {"222222222222": {"resources": {"arn:aws:kms:us-east-1:222222222222:key/k1": {}}}}}"#.into(),
            "INVALID_VALUE",
            "keys go under the account's `keys`",
        ),
        (
            "bad-kms-key",
            r#"{"accounts": {"222222222222": {"buckets": {"b": {"encryption": {"kms_key": "alias/aws/s3"}}}}}}"#.into(),
            "INVALID_ARN",
            "is not a KMS key ARN",
        ),
        (
            "bad-grant",
            format!(r#"{{"accounts": {{"222222222222": {{"keys": {{"k1": {{"region": "us-east-1", "policy": {KEY_POLICY}, "grants": [{{"grantee": "bob", "operations": ["Decrypt", "ScheduleKeyDeletion"]}}]}}}}}}}}}}"#),
            "INVALID_VALUE",
            "`ScheduleKeyDeletion` is not a grant operation",
        ),
        (
            "reserved-alias",
            format!(r#"{{"accounts": {{"222222222222": {{"keys": {{"k1": {{"region": "us-east-1", "policy": {KEY_POLICY}, "aliases": ["alias/aws/s3"]}}}}}}}}}}"#),
            "INVALID_VALUE",
            "reserved for AWS managed keys",
        ),
        (
            "url-on-queue",
            r#"{"accounts": {"222222222222": {"resources": {"arn:aws:sqs:us-east-1:222222222222:q": {"function_url": {"auth_type": "NONE"}}}}}}"#.into(),
            "INVALID_VALUE",
            "`function_url` is for Lambda functions",
        ),
    ];
    for (tag, world, code, text) in cases {
        let dir = temp_world(tag, world);
        let out = iamsim_in(
            &dir,
            &[
                "can",
                "--world",
                ".",
                "arn:aws:iam::222222222222:root",
                "kms:Decrypt",
                "arn:aws:kms:us-east-1:222222222222:key/k1",
            ],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{tag}: {err}");
        assert!(err.contains(&format!("error[{code}]")), "{tag}: {err}");
        assert!(err.contains(text), "{tag}: {err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// `can` shows the KMS request of an SSE-KMS object under the S3 request, in text and JSON, and
/// the answer is the worse of the two.
#[test]
fn can_shows_the_companion_request() {
    let args = [
        "can",
        "--world",
        "fixtures/kms/sse-kms-objects",
        "--context",
        "aws:SecureTransport=true",
        "arn:aws:iam::222222222222:user/bob",
        "s3:GetObject",
        "arn:aws:s3:::beta-logs/app.log",
    ];
    let out = iamsim(&args);
    let text = stdout(&out);
    assert!(text.starts_with("DENY (implicit"), "{text}");
    assert!(
        text.contains("also asked: arn:aws:iam::222222222222:user/bob kms:Decrypt arn:aws:kms:us-east-1:222222222222:key/k-logs"),
        "{text}"
    );
    assert!(
        text.contains("kms:ViaService=s3.us-east-1.amazonaws.com"),
        "{text}"
    );
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let out = iamsim(&json_args);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["decision"], "implicit-deny");
    let hop = &v["path"][0];
    // The S3 request alone is allowed (bob's identity policy and the bucket policy); the KMS
    // request, under both readings of the encryption context, is not.
    assert_eq!(hop["decision"], "implicit-deny");
    let companions = hop["companions"].as_array().unwrap();
    assert_eq!(companions.len(), 2, "{hop}");
    for c in companions {
        assert_eq!(c["action"], "kms:Decrypt");
        assert_eq!(c["decision"], "implicit-deny");
        assert!(c["summary"][0]
            .as_str()
            .unwrap()
            .contains("account statement"));
    }
    // A request without a companion has no `companions` field (the JSON shape is unchanged).
    let plain = iamsim(&[
        "can",
        "--world",
        "fixtures/kms/sse-kms-objects",
        "--format",
        "json",
        "arn:aws:iam::222222222222:user/bob",
        "s3:GetObject",
        "arn:aws:s3:::plain/app.log",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&plain)).unwrap();
    assert_eq!(v["decision"], "allow");
    assert!(v["path"][0].get("companions").is_none());
}

/// who-can on a key: principals the key policy names, the account's principals through the
/// account statement, and a grantee that no policy names.
#[test]
fn who_can_on_keys() {
    let world = World::load(&root().join("fixtures/kms/cross-account")).unwrap();
    let q = |action: &str, resource: &str| WhoCanQuery {
        action: action.into(),
        resource: resource.into(),
        context: Context::new(),
    };
    let key = "arn:aws:kms:us-east-1:222222222222:key/k-shared";
    let answer = who_can(&world, &q("kms:Decrypt", key)).unwrap();
    let mut allowed: Vec<String> = answer
        .principals
        .iter()
        .filter(|e| e.decision() == "allow" && e.via.is_empty())
        .map(|e| e.principal.clone())
        .collect();
    allowed.sort();
    assert_eq!(
        allowed,
        [
            "arn:aws:iam::111111111111:root",
            "arn:aws:iam::111111111111:user/alice",
            "arn:aws:iam::222222222222:role/Partner",
            "arn:aws:iam::222222222222:root",
        ],
        "{:?}",
        answer
            .principals
            .iter()
            .map(|e| &e.principal)
            .collect::<Vec<_>>()
    );
    // Nobody of another account can schedule the key's deletion (13.7).
    let answer = who_can(&world, &q("kms:ScheduleKeyDeletion", key)).unwrap();
    assert!(answer
        .principals
        .iter()
        .filter(|e| e.decision() == "allow")
        .all(|e| e.principal.contains("222222222222")));

    let world = World::load(&root().join("fixtures/kms/grants")).unwrap();
    let answer = who_can(
        &world,
        &q(
            "kms:DescribeKey",
            "arn:aws:kms:us-east-1:222222222222:key/k-granted",
        ),
    )
    .unwrap();
    assert!(
        answer
            .principals
            .iter()
            .any(|e| e.principal == "arn:aws:iam::111111111111:role/ReadOnly"
                && e.decision() == "allow"),
        "{:?}",
        answer
            .principals
            .iter()
            .map(|e| &e.principal)
            .collect::<Vec<_>>()
    );
}

/// `import` reads what `aws kms describe-key`, `get-key-policy`, `list-grants`, `list-aliases`,
/// `aws sqs get-queue-attributes`, `sns get-topic-attributes`, `lambda get-policy`,
/// `secretsmanager get-resource-policy` and `ecr get-repository-policy` print.
#[test]
fn import_reads_keys_and_resource_policies() {
    let out = std::env::temp_dir().join(format!("iamsim-kms-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let o = iamsim(&[
        "import",
        "--from",
        "fixtures/export/services",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 KMS keys, 5 other resources"),
        "{}",
        stdout(&o)
    );
    let world = World::load(&out).unwrap();
    let key = world
        .key_by_arn("arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        .unwrap();
    assert_eq!(key.aliases, ["alias/orders"]);
    assert!(!key.aws_managed);
    // The grant to a service principal names no user or role: left out.
    assert_eq!(key.grants.len(), 1);
    assert_eq!(
        key.grants[0].grantee,
        "arn:aws:iam::111111111111:role/OrdersReader"
    );
    // The queue names its key by alias; the world holds the key's ARN.
    let queue = world
        .resource("arn:aws:sqs:us-east-1:222222222222:orders")
        .unwrap();
    assert_eq!(queue.encryption.as_deref(), Some(key.arn.as_str()));
    for arn in [
        "arn:aws:sns:us-east-1:222222222222:alerts",
        "arn:aws:lambda:us-east-1:222222222222:function:nightly",
        "arn:aws:secretsmanager:us-east-1:222222222222:secret:db-AbCdEf",
        "arn:aws:ecr:us-east-1:222222222222:repository/app",
    ] {
        assert!(world.resource(arn).unwrap().policy.is_some(), "{arn}");
    }
    // bob reads the queue: his identity policy allows the receive and kms:Decrypt, which the
    // key policy's account statement lets apply.
    let o = iamsim(&[
        "can",
        "--world",
        out.to_str().unwrap(),
        "arn:aws:iam::222222222222:user/bob",
        "sqs:ReceiveMessage",
        "arn:aws:sqs:us-east-1:222222222222:orders",
    ]);
    assert!(stdout(&o).starts_with("ALLOW"), "{}", stdout(&o));
    assert!(stdout(&o).contains("also asked"), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&out);

    // A queue naming a key by an alias the export does not hold is refused, not guessed.
    let from = std::env::temp_dir().join(format!("iamsim-kms-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&from);
    let src = root().join("fixtures/export/services/accounts/222222222222");
    let dst = from.join("accounts/222222222222");
    std::fs::create_dir_all(dst.join("resources/sqs")).unwrap();
    std::fs::copy(
        src.join("authorization-details.json"),
        dst.join("authorization-details.json"),
    )
    .unwrap();
    let queue = std::fs::read_to_string(src.join("resources/sqs/orders.json")).unwrap();
    std::fs::write(dst.join("resources/sqs/orders.json"), queue).unwrap();
    let o = iamsim(&[
        "import",
        "--from",
        from.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("alias no key of the export has"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&from);
    let _ = std::fs::remove_dir_all(&out);
}

/// A key policy file may be what `aws kms get-key-policy` prints, and is held to the key policy
/// quota (32 KB), not a bucket policy's (20 KB).
#[test]
fn key_policies_are_read_as_printed_and_held_to_their_own_quota() {
    let policy = |n: usize| {
        let mut statements = vec![r#"{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"}"#.to_string()];
        for i in 0..n {
            statements.push(format!(r#"{{"Sid":"User{i}","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::222222222222:user/user-number-{i}"}},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"}}"#));
        }
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        )
    };
    let world = r#"{"accounts": {"222222222222": {
        "users": {"bob": {"policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}]}},
        "keys": {"k1": {"region": "us-east-1", "policy": "key-policy.json"}}}}}"#;
    for (n, loads) in [(180, true), (300, false)] {
        let text = policy(n);
        assert!(text.len() > 20_480, "{}", text.len());
        let printed = serde_json::json!({"Policy": text, "PolicyName": "default"}).to_string();
        let dir = temp_world(&format!("quota-{n}"), world);
        std::fs::write(dir.join("key-policy.json"), printed).unwrap();
        let out = iamsim_in(
            &dir,
            &[
                "can",
                "--world",
                ".",
                "arn:aws:iam::222222222222:user/bob",
                "kms:Decrypt",
                "arn:aws:kms:us-east-1:222222222222:key/k1",
            ],
        );
        if loads {
            assert!(text.len() < 32_768);
            assert!(
                stdout(&out).starts_with("ALLOW"),
                "{}{}",
                stdout(&out),
                stderr(&out)
            );
        } else {
            assert!(text.len() > 32_768);
            assert_eq!(out.status.code(), Some(2));
            assert!(
                stderr(&out).contains("POLICY_SIZE_EXCEEDED"),
                "{}",
                stderr(&out)
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The laws of section 13 on every fixture world with keys: a request on a declared key is
/// never `indeterminate` when nothing is left open (13.28 only for undeclared keys), and never
/// `allow` once the key policy says nothing and the key has no grants (13.1: the key policy, or
/// a grant, must have its say).
#[test]
fn requests_on_declared_keys_are_decided_and_need_the_key_policy() {
    use iamsim_engine::{decide, Decision, LoadedPolicy, Query, Via};
    let silent = {
        let src = iamsim_policy::Source::new(
            "silent",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"kms:DescribeKey","Resource":"*"}]}"#,
        );
        let p = iamsim_policy::parse_policy(&src, iamsim_policy::PolicyType::Resource)
            .policy
            .unwrap();
        std::sync::Arc::new(LoadedPolicy::new("silent".into(), p))
    };
    let actions = [
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:DescribeKey",
        "kms:CreateGrant",
        "kms:ScheduleKeyDeletion",
        "kms:PutKeyPolicy",
    ];
    let mut decided = 0;
    let mut allowed = 0;
    for group in ["fixtures/kms", "fixtures/resources"] {
        for entry in std::fs::read_dir(root().join(group)).unwrap() {
            let dir = entry.unwrap().path();
            let world = World::load(&dir).unwrap();
            let keys: Vec<(String, String, String)> = world
                .keys()
                .map(|k| (k.account.clone(), k.id.clone(), k.arn.clone()))
                .collect();
            if keys.is_empty() {
                continue;
            }
            let mut principals: Vec<String> = world.users().map(|u| u.arn().to_string()).collect();
            principals.extend(
                world
                    .roles()
                    .map(|r| format!("arn:aws:sts::{}:assumed-role/{}/s", r.account(), r.name())),
            );
            principals.extend(
                world
                    .accounts()
                    .keys()
                    .map(|a| format!("arn:aws:iam::{a}:root")),
            );
            let mut muted = World::load(&dir).unwrap();
            for (acct, id, _) in &keys {
                let key = muted
                    .accounts_mut()
                    .get_mut(acct)
                    .unwrap()
                    .keys
                    .get_mut(id)
                    .unwrap();
                key.policy = std::sync::Arc::clone(&silent);
                key.grants.clear();
            }
            for (_, _, arn) in &keys {
                for p in &principals {
                    for a in actions {
                        let q = Query {
                            principal: p.clone(),
                            action: a.into(),
                            resource: arn.clone(),
                            via: Via::Direct,
                            context: Context::new(),
                            session_policies: Vec::new(),
                        };
                        let d = decide(&world, &q).unwrap();
                        decided += 1;
                        assert_ne!(
                            d,
                            Decision::Indeterminate,
                            "{}: {p} {a} {arn}",
                            dir.display()
                        );
                        if d == Decision::Allow {
                            allowed += 1;
                            let m = decide(&muted, &q).unwrap();
                            assert_ne!(
                                m,
                                Decision::Allow,
                                "{}: {p} {a} {arn} is allowed without the key policy",
                                dir.display()
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(
        decided > 400 && allowed > 20,
        "{decided} decided, {allowed} allowed"
    );
}

/// A policy document of `statements` statements, each granting the account a read of one
/// object (about 170 bytes each).
fn sized_policy(service_arn: &str, action: &str, statements: usize) -> String {
    let s: Vec<String> = (0..statements)
        .map(|i| {
            format!(
                r#"{{"Sid":"S{i}","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111111111111:root"}},"Action":"{action}","Resource":"{service_arn}"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        s.join(",")
    )
}

/// Each service holds its resource policies to its own size quota (rule 1.28), not an S3
/// bucket policy's 20 KB: a 25 KB SNS topic policy loads and lints clean (SNS allows 30 KB);
/// a 9 KB SQS queue policy is refused (SQS allows 8,192 bytes) and lint names the limit.
#[test]
fn resource_policies_are_held_to_their_own_service_quota() {
    let topic = "arn:aws:sns:us-east-1:111111111111:alerts";
    let queue = "arn:aws:sqs:us-east-1:111111111111:jobs";
    let topic_policy = sized_policy(topic, "sns:Publish", 160);
    let queue_policy = sized_policy(queue, "sqs:SendMessage", 55);
    assert!(
        (20_480..30_720).contains(&topic_policy.len()),
        "{}",
        topic_policy.len()
    );
    assert!(
        (8_192..20_480).contains(&queue_policy.len()),
        "{}",
        queue_policy.len()
    );

    let topic_world = temp_world(
        "topic-quota",
        &format!(
            r#"{{"accounts": {{"111111111111": {{"resources": {{"{topic}": {{"policy": "topic.json"}}}}}}}}}}"#
        ),
    );
    std::fs::write(topic_world.join("topic.json"), &topic_policy).unwrap();
    let dir = topic_world.to_str().unwrap();
    let o = iamsim(&[
        "can",
        "--world",
        dir,
        "arn:aws:iam::111111111111:root",
        "sns:Publish",
        topic,
    ]);
    assert_ne!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    let lint = iamsim(&["lint", "--fail-on", "error", dir]);
    assert!(
        !stdout(&lint).contains("POLICY_SIZE_EXCEEDED"),
        "{}",
        stdout(&lint)
    );

    let queue_world = temp_world(
        "queue-quota",
        &format!(
            r#"{{"accounts": {{"111111111111": {{"resources": {{"{queue}": {{"policy": "queue.json"}}}}}}}}}}"#
        ),
    );
    std::fs::write(queue_world.join("queue.json"), &queue_policy).unwrap();
    let dir = queue_world.to_str().unwrap();
    let o = iamsim(&[
        "can",
        "--world",
        dir,
        "arn:aws:iam::111111111111:root",
        "sqs:SendMessage",
        queue,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("8192"), "{}", stderr(&o));
    let lint = iamsim(&["lint", dir]);
    assert!(
        stdout(&lint).contains("POLICY_SIZE_EXCEEDED"),
        "{}",
        stdout(&lint)
    );
    assert!(stdout(&lint).contains("8,192 bytes"), "{}", stdout(&lint));
}

/// Done-when of the KMS worlds (docs/rules.md section 13): on every fixture world that declares
/// keys, every principal's KMS requests on every declared key — with the keys every request
/// carries given — are decided (never `indeterminate`), and none is ALLOW without the key's say:
/// with the key policy replaced by one that grants the caller nothing and the grants removed,
/// every request that was allowed is refused.
#[test]
fn kms_requests_on_declared_keys_are_decided_and_need_the_key_policy() {
    let context = every_request_key();
    let worlds = key_worlds();
    let (mut decided, mut allowed) = (0usize, 0usize);
    for dir in &worlds {
        let world = World::load(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let principals = every_principal(&world);
        for (acct, id, arn) in declared_keys(&world) {
            let mut allows: Vec<(String, &str)> = Vec::new();
            for p in &principals {
                for a in KMS_ACTIONS {
                    let d = decide_on(&world, p, a, &arn, &context);
                    assert_ne!(
                        d,
                        Decision::Indeterminate,
                        "{}: {p} {a} {arn}",
                        dir.display()
                    );
                    decided += 1;
                    if d == Decision::Allow {
                        allows.push((p.clone(), a));
                    }
                }
            }
            if allows.is_empty() {
                continue;
            }
            let bare = without_the_keys_say(dir, &acct, &id);
            for (p, a) in allows {
                allowed += 1;
                assert_ne!(
                    decide_on(&bare, &p, a, &arn, &context),
                    Decision::Allow,
                    "{}: {p} {a} {arn} is allowed without the key policy or a grant",
                    dir.display()
                );
            }
        }
    }
    assert!(worlds.len() >= 8, "{} worlds", worlds.len());
    assert!(
        decided > 500 && allowed > 50,
        "{decided} decided, {allowed} allowed"
    );
}

/// The KMS operations asked of every key: uses of its material, reading it, and managing it.
const KMS_ACTIONS: &[&str] = &[
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:ReEncryptFrom",
    "kms:DescribeKey",
    "kms:CreateGrant",
    "kms:ScheduleKeyDeletion",
    "kms:PutKeyPolicy",
];

/// A context giving every key AWS puts in every request, so that no answer is open on them.
fn every_request_key() -> Context {
    let mut context = Context::new();
    for (k, v) in [
        ("aws:SecureTransport", "true"),
        ("aws:SourceIp", "203.0.113.10"),
        ("aws:CurrentTime", "2026-12-01T12:00:00Z"),
        ("aws:EpochTime", "1796126400"),
        ("aws:RequestedRegion", "us-east-1"),
        ("aws:TokenIssueTime", "2026-12-01T11:00:00Z"),
    ] {
        context.set(k, v.to_string());
    }
    context
}

/// The fixture worlds of fixtures/kms and fixtures/resources, in order.
fn key_worlds() -> Vec<PathBuf> {
    let mut worlds: Vec<PathBuf> = Vec::new();
    for topic in ["fixtures/kms", "fixtures/resources"] {
        for e in std::fs::read_dir(root().join(topic)).unwrap() {
            let p = e.unwrap().path();
            if p.join("world.json").is_file() {
                worlds.push(p);
            }
        }
    }
    worlds.sort();
    worlds
}

/// Every root user, user and (one session of each) role of the world.
fn every_principal(world: &World) -> Vec<String> {
    let mut principals: Vec<String> = Vec::new();
    for (id, a) in world.accounts() {
        principals.push(format!("arn:aws:iam::{id}:root"));
        principals.extend(a.users.values().map(|u| u.arn().to_string()));
        principals.extend(
            a.roles
                .keys()
                .map(|r| format!("arn:aws:sts::{id}:assumed-role/{r}/s")),
        );
    }
    principals
}

/// (account, key id, key ARN) of every key the world declares.
fn declared_keys(world: &World) -> Vec<(String, String, String)> {
    world
        .accounts()
        .iter()
        .flat_map(|(acct, a)| {
            a.keys
                .iter()
                .map(move |(id, k)| (acct.clone(), id.clone(), k.arn.clone()))
        })
        .collect()
}

/// The decision-only answer for one request.
fn decide_on(
    world: &World,
    principal: &str,
    action: &str,
    resource: &str,
    context: &Context,
) -> Decision {
    let caller = Caller::parse(world, principal).unwrap();
    let action = Action::parse(action).unwrap();
    decide_only(
        world,
        &HopRequest {
            caller: &caller,
            action: &action,
            resource,
            context,
            assume: None,
        },
    )
}

/// The world of `dir` with the key's say taken away: its policy grants nothing to the world's
/// principals and it has no grants.
fn without_the_keys_say(dir: &Path, acct: &str, id: &str) -> World {
    let mut bare = World::load(dir).unwrap();
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"kms:DescribeKey","Resource":"*"}]}"#;
    let parsed = parse_policy(&Source::new("none.json", text), PolicyType::Resource);
    let key = bare
        .accounts_mut()
        .get_mut(acct)
        .unwrap()
        .keys
        .get_mut(id)
        .unwrap();
    key.policy = std::sync::Arc::new(LoadedPolicy::new(
        "none.json".into(),
        parsed.policy.unwrap(),
    ));
    key.grants.clear();
    bare
}

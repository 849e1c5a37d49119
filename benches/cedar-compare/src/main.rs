//! Side by side: iamsim's decision-only path (`decide`) and the cedar-policy crate's
//! `is_authorized`, on the same requests and equivalent policy sets. It also writes the cases
//! (IAM policies and requests) for the iam-simulate script, so all three decide the same thing.
//!
//!   cargo run --release -- OUT_DIR [SECONDS_PER_CASE]
//!
//! Prints one line per case and writes OUT_DIR/cases.json (for scripts/compare/simulate.mjs) and
//! OUT_DIR/rust.json (ns per decision). Run through scripts/compare/run.sh.
//!
//! Cedar has no IAM semantics, so each case is translated by hand-written rules (below): an
//! Allow statement is a `permit`, a Deny a `forbid`; literal actions are `action ==`/`in`,
//! wildcard ones and wildcard resources `like` on string attributes; IP, boolean, date (epoch),
//! numeric and string conditions are Cedar expressions on the context. A cross-account hop needs
//! the caller's identity policy and the role's trust policy to allow: two `is_authorized` calls.

use cedar_policy::{
    Authorizer, Context, Decision as CedarDecision, Entities, EntityUid, PolicySet, Request,
};
use iamsim_engine::{decide, AssumeRoleParams, Decision, Query, Via, ViaHop, World};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One IAM statement, written both as IAM JSON and as Cedar.
struct Stmt {
    allow: bool,
    actions: Vec<String>,
    resource: String,
    conds: Vec<Cond>,
}

enum Cond {
    /// IpAddress aws:SourceIp.
    Ip(Vec<String>),
    /// NotIpAddress aws:SourceIp.
    NotIp(Vec<String>),
    /// Bool aws:SecureTransport true.
    Secure,
    /// DateLessThan aws:CurrentTime (ISO text, epoch seconds).
    Before(&'static str, i64),
    /// StringEquals aws:PrincipalTag/team ${aws:PrincipalTag/team}.
    TagSelf,
    /// StringEquals aws:RequestedRegion.
    Region(Vec<&'static str>),
    /// NumericLessThanEquals s3:signatureAge.
    MaxAge(i64),
    /// StringLike aws:PrincipalArn (…:user/${aws:username}, ...).
    ArnLike(Vec<&'static str>),
}

impl Stmt {
    fn iam(&self, sid: &str) -> Value {
        let mut c = serde_json::Map::new();
        let mut add = |op: &str, key: &str, v: Value| {
            let entry = c.entry(op.to_string()).or_insert_with(|| json!({}));
            entry[key] = v;
        };
        for cond in &self.conds {
            match cond {
                Cond::Ip(v) => add("IpAddress", "aws:SourceIp", json!(v)),
                Cond::NotIp(v) => add("NotIpAddress", "aws:SourceIp", json!(v)),
                Cond::Secure => add("Bool", "aws:SecureTransport", json!("true")),
                Cond::Before(iso, _) => add("DateLessThan", "aws:CurrentTime", json!(iso)),
                Cond::TagSelf => add(
                    "StringEquals",
                    "aws:PrincipalTag/team",
                    json!("${aws:PrincipalTag/team}"),
                ),
                Cond::Region(v) => add("StringEquals", "aws:RequestedRegion", json!(v)),
                Cond::MaxAge(n) => add(
                    "NumericLessThanEquals",
                    "s3:signatureAge",
                    json!(n.to_string()),
                ),
                Cond::ArnLike(v) => add("StringLike", "aws:PrincipalArn", json!(v)),
            }
        }
        let mut s = json!({
            "Sid": sid,
            "Effect": if self.allow { "Allow" } else { "Deny" },
            "Action": self.actions,
            "Resource": self.resource,
        });
        if !c.is_empty() {
            s["Condition"] = Value::Object(c);
        }
        s
    }

    /// The statement as one Cedar policy for `principal` (policy variables already substituted
    /// for alice: Cedar has no string building).
    fn cedar(&self, principal: &str) -> String {
        let literal: Vec<&String> = self.actions.iter().filter(|a| !a.contains('*')).collect();
        let wild: Vec<&String> = self.actions.iter().filter(|a| a.contains('*')).collect();
        let mut when: Vec<String> = Vec::new();
        let action = if wild.is_empty() {
            let list: Vec<String> = literal.iter().map(|a| format!("Action::\"{a}\"")).collect();
            format!("action in [{}]", list.join(", "))
        } else {
            let mut alts: Vec<String> = literal
                .iter()
                .map(|a| format!("context.action == \"{a}\""))
                .collect();
            alts.extend(wild.iter().map(|a| format!("context.action like \"{a}\"")));
            when.push(format!("({})", alts.join(" || ")));
            "action".to_string()
        };
        let resource = self.resource.replace("${aws:username}", "alice");
        if resource.contains('*') {
            when.push(format!("resource.arn like \"{resource}\""));
        } else {
            when.push(format!("resource.arn == \"{resource}\""));
        }
        for cond in &self.conds {
            when.push(match cond {
                Cond::Ip(v) => {
                    let alts: Vec<String> = v
                        .iter()
                        .map(|c| format!("context.sourceIp.isInRange(ip(\"{c}\"))"))
                        .collect();
                    format!("({})", alts.join(" || "))
                }
                Cond::NotIp(v) => {
                    let alts: Vec<String> = v
                        .iter()
                        .map(|c| format!("context.sourceIp.isInRange(ip(\"{c}\"))"))
                        .collect();
                    format!("!({})", alts.join(" || "))
                }
                Cond::Secure => "context.secureTransport == true".into(),
                Cond::Before(_, epoch) => format!("context.currentTime < {epoch}"),
                Cond::TagSelf => "principal.team == principal.team".into(),
                Cond::Region(v) => {
                    let list: Vec<String> = v.iter().map(|r| format!("\"{r}\"")).collect();
                    format!("[{}].contains(context.region)", list.join(", "))
                }
                Cond::MaxAge(n) => format!("context.signatureAge <= {n}"),
                Cond::ArnLike(v) => {
                    let alts: Vec<String> = v
                        .iter()
                        .map(|p| {
                            format!(
                                "context.principalArn like \"{}\"",
                                p.replace("${aws:username}", "alice")
                            )
                        })
                        .collect();
                    format!("({})", alts.join(" || "))
                }
            });
        }
        format!(
            "{}(principal == {principal}, {action}, resource) when {{ {} }};\n",
            if self.allow { "permit" } else { "forbid" },
            when.join(" && ")
        )
    }
}

const SERVICES: &[&str] = &[
    "ec2", "dynamodb", "sqs", "sns", "lambda", "logs", "iam", "kms", "rds", "s3",
];

/// `n` identity statements of which ten (or `n` when fewer) match s3:GetObject on the requested
/// object (benches/decision.rs builds the same set).
fn identity_set(n: usize) -> Vec<Stmt> {
    let matching = n.min(10);
    let mut out: Vec<Stmt> = (10 - matching..10)
        .map(|k| Stmt {
            allow: true,
            actions: if k % 2 == 0 {
                vec!["s3:GetObject".into()]
            } else {
                vec!["s3:Get*".into(), "s3:List*".into()]
            },
            resource: if k == 9 {
                "arn:aws:s3:::data-bucket/reports/*".into()
            } else {
                format!("arn:aws:s3:::data-bucket-{k}/*")
            },
            conds: Vec::new(),
        })
        .collect();
    out.extend((0..n - matching).map(|k| {
        let service = SERVICES[k % SERVICES.len()];
        let first = if k % 7 == 0 {
            format!("{service}:Describe{k}*")
        } else {
            format!("{service}:Operation{k}")
        };
        Stmt {
            allow: k % 11 != 0,
            actions: vec![first, format!("{service}:Get{k}")],
            resource: format!("arn:aws:{service}:us-east-1:111111111111:thing/{k}/*"),
            conds: Vec::new(),
        }
    }));
    let step = (n / matching.max(1)).max(1);
    for i in 0..matching {
        out.swap(i, (i * step).min(n - 1));
    }
    out
}

/// `n` statements on s3:GetObject with three to seven conditions each, and a Deny outside the
/// network; the last allows the request.
fn conditions_set(n: usize) -> Vec<Stmt> {
    let mut out: Vec<Stmt> = (0..n)
        .map(|k| {
            let mut conds = vec![
                Cond::Ip(vec![
                    format!("10.{}.0.0/16", k % 250),
                    "192.0.2.0/24".into(),
                ]),
                Cond::Secure,
                Cond::Before("2030-01-01T00:00:00Z", 1_893_456_000),
            ];
            if k % 2 == 0 {
                conds.push(Cond::TagSelf);
                conds.push(Cond::Region(vec!["us-east-1", "eu-west-1"]));
            }
            if k % 3 == 0 {
                conds.push(Cond::MaxAge(600_000));
                conds.push(Cond::ArnLike(vec![
                    "arn:aws:iam::111111111111:user/${aws:username}",
                    "arn:aws:iam::111111111111:user/admin-*",
                ]));
            }
            Stmt {
                allow: true,
                actions: vec!["s3:GetObject".into()],
                resource: if k == n - 1 {
                    "arn:aws:s3:::data-bucket/home/${aws:username}/*".into()
                } else {
                    format!("arn:aws:s3:::data-bucket/team-{k}/*")
                },
                conds,
            }
        })
        .collect();
    // The last one must match the request's address.
    if let Some(last) = out.last_mut() {
        last.conds[0] = Cond::Ip(vec!["10.19.0.0/16".into()]);
    }
    out.push(Stmt {
        allow: false,
        actions: vec!["s3:*".into()],
        resource: "*".into(),
        conds: vec![Cond::NotIp(vec![
            "10.0.0.0/8".into(),
            "192.0.2.0/24".into(),
        ])],
    });
    out
}

/// A case: one or more requests (hops) decided together.
struct Case {
    name: String,
    /// iamsim: the world and the query.
    world: PathBuf,
    query: Query,
    /// iam-simulate: one simulation per hop.
    peer: Vec<Value>,
    /// Cedar: per call, its policy set and request parts; all must allow.
    cedar: Vec<CedarCall>,
}

struct CedarCall {
    policies: PolicySet,
    entities: Entities,
    request: Request,
}

fn cedar_call(policies: &str, entities: Value, p: &str, a: &str, r: &str, ctx: Value) -> CedarCall {
    let policies: PolicySet = policies.parse().expect("cedar policies parse");
    let entities = Entities::from_json_value(entities, None).expect("cedar entities");
    let context = Context::from_json_value(ctx, None).expect("cedar context");
    let request = Request::new(
        p.parse::<EntityUid>().expect("principal"),
        a.parse::<EntityUid>().expect("action"),
        r.parse::<EntityUid>().expect("resource"),
        context,
        None,
    )
    .expect("cedar request");
    CedarCall {
        policies,
        entities,
        request,
    }
}

/// Statements per policy file: under the 6,144-character quota of a managed policy.
fn per_policy(conditions: bool) -> usize {
    if conditions {
        10
    } else {
        20
    }
}

fn write_world(dir: &Path, statements: &[Value], context_tags: bool) {
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    let mut names = Vec::new();
    for (i, chunk) in statements.chunks(per_policy(context_tags)).enumerate() {
        let file = format!("policies/p{i}.json");
        std::fs::write(
            dir.join(&file),
            serde_json::to_vec(&json!({"Version": "2012-10-17", "Statement": chunk})).unwrap(),
        )
        .unwrap();
        names.push(file);
    }
    let mut alice = json!({ "policies": names });
    if context_tags {
        alice["tags"] = json!({ "team": "blue" });
    }
    let world = json!({
        "accounts": { "111111111111": {
            "users": { "alice": alice },
            "buckets": { "data-bucket": {} }
        } }
    });
    std::fs::write(dir.join("world.json"), serde_json::to_vec(&world).unwrap()).unwrap();
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
        context: iamsim_policy::Context::new(),
        session_policies: Vec::new(),
    }
}

fn read(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A generated identity-set case (`conditions`: the condition-heavy set with its context).
fn generated(root: &Path, name: &str, stmts: &[Stmt], conditions: bool) -> Case {
    let iam: Vec<Value> = stmts
        .iter()
        .enumerate()
        .map(|(i, s)| s.iam(&format!("S{i}")))
        .collect();
    let dir = root.join(name);
    write_world(&dir, &iam, conditions);
    let (resource, object) = if conditions {
        (
            "arn:aws:s3:::data-bucket/home/alice/notes.txt",
            "data-bucket/home/alice/notes.txt",
        )
    } else {
        (
            "arn:aws:s3:::data-bucket/reports/q1.csv",
            "data-bucket/reports/q1.csv",
        )
    };
    let mut q = query(
        "arn:aws:iam::111111111111:user/alice",
        "s3:GetObject",
        resource,
        &[],
    );
    let iam_context = [
        ("aws:SourceIp", "10.19.4.5"),
        ("aws:SecureTransport", "true"),
        ("aws:CurrentTime", "2026-11-23T12:00:00Z"),
        ("aws:RequestedRegion", "us-east-1"),
        ("s3:signatureAge", "5000"),
    ];
    if conditions {
        for (k, v) in iam_context {
            q.context.set(k, v);
        }
    }
    // iam-simulate takes the keys iamsim derives from the caller as context.
    let mut peer_ctx = json!({
        "aws:PrincipalArn": "arn:aws:iam::111111111111:user/alice",
        "aws:PrincipalAccount": "111111111111",
        "aws:username": "alice",
    });
    if conditions {
        peer_ctx["aws:PrincipalTag/team"] = json!("blue");
        for (k, v) in iam_context {
            peer_ctx[k] = json!(v);
        }
    }
    let identity: Vec<Value> = iam
        .chunks(per_policy(conditions))
        .enumerate()
        .map(|(i, c)| json!({"name": format!("p{i}"), "policy": {"Version": "2012-10-17", "Statement": c}}))
        .collect();
    let peer = vec![json!({
        "identityPolicies": identity,
        "serviceControlPolicies": [],
        "resourceControlPolicies": [],
        "request": {
            "principal": "arn:aws:iam::111111111111:user/alice",
            "action": "s3:GetObject",
            "resource": { "resource": resource, "accountId": "111111111111" },
            "contextVariables": peer_ctx,
        }
    })];
    let cedar_policies: String = stmts.iter().map(|s| s.cedar("User::\"alice\"")).collect();
    let entities = json!([
        {"uid": {"type": "User", "id": "alice"}, "attrs": {"team": "blue"}, "parents": []},
        {"uid": {"type": "Object", "id": object}, "attrs": {"arn": resource}, "parents": []}
    ]);
    let ctx = json!({
        "action": "s3:GetObject",
        "sourceIp": {"__extn": {"fn": "ip", "arg": "10.19.4.5"}},
        "secureTransport": true,
        "currentTime": 1_795_435_200i64,
        "region": "us-east-1",
        "signatureAge": 5000,
        "principalArn": "arn:aws:iam::111111111111:user/alice",
    });
    let cedar = vec![cedar_call(
        &cedar_policies,
        entities,
        "User::\"alice\"",
        "Action::\"s3:GetObject\"",
        &format!("Object::\"{object}\""),
        ctx,
    )];
    Case {
        name: name.into(),
        world: dir,
        query: q,
        peer,
        cedar,
    }
}

/// Worked example W1: a same-account identity policy.
fn w1_case(fixtures: &Path) -> Case {
    let w1 = fixtures.join("worked-examples/w01-identity-policy-same-account");
    let w1_policy = read(&w1.join("policies/alice-identity.json"));
    Case {
        name: "direct (W1)".into(),
        world: w1,
        query: query(
            "arn:aws:iam::111111111111:user/alice",
            "s3:GetObject",
            "arn:aws:s3:::acme-data/q1.csv",
            &[],
        ),
        peer: vec![json!({
            "identityPolicies": [{"name": "alice-identity", "policy": w1_policy}],
            "serviceControlPolicies": [], "resourceControlPolicies": [],
            "request": {
                "principal": "arn:aws:iam::111111111111:user/alice",
                "action": "s3:GetObject",
                "resource": {"resource": "arn:aws:s3:::acme-data/q1.csv", "accountId": "111111111111"},
                "contextVariables": {
                    "aws:PrincipalArn": "arn:aws:iam::111111111111:user/alice",
                    "aws:PrincipalAccount": "111111111111", "aws:username": "alice"
                }
            }
        })],
        cedar: vec![cedar_call(
            r#"permit(principal == User::"alice", action == Action::"s3:GetObject", resource) when { resource.arn like "arn:aws:s3:::acme-data/*" };"#,
            json!([{"uid": {"type": "Object", "id": "acme-data/q1.csv"}, "attrs": {"arn": "arn:aws:s3:::acme-data/q1.csv"}, "parents": []}]),
            "User::\"alice\"",
            "Action::\"s3:GetObject\"",
            "Object::\"acme-data/q1.csv\"",
            json!({}),
        )],
    }
}

/// The cross-account tutorial, corrected: AssumeRole into account B, then s3:PutObject.
fn cross_account_case(fixtures: &Path) -> Case {
    let x = fixtures.join("aws-cli-role-profile-corrected");
    let role = "arn:aws:iam::222222222222:role/role-in-accountb";
    let session = "arn:aws:sts::222222222222:assumed-role/role-in-accountb/iamsim";
    let object = "arn:aws:s3:::cross-account-bucket/test.txt";
    Case {
        name: "cross-account AssumeRole + s3:PutObject".into(),
        world: x.clone(),
        query: query(
            "arn:aws:iam::111111111111:user/accounta-user",
            "s3:PutObject",
            object,
            &[role],
        ),
        peer: vec![
            json!({
                "identityPolicies": [{"name": "assume", "policy": read(&x.join("policies/accounta-user-assume-role.json"))}],
                "serviceControlPolicies": [], "resourceControlPolicies": [],
                "resourcePolicy": read(&x.join("policies/role-in-accountb-trust.json")),
                "request": {
                    "principal": "arn:aws:iam::111111111111:user/accounta-user",
                    "action": "sts:AssumeRole",
                    "resource": {"resource": role, "accountId": "222222222222"},
                    "contextVariables": {
                        "aws:PrincipalArn": "arn:aws:iam::111111111111:user/accounta-user",
                        "aws:PrincipalAccount": "111111111111", "aws:username": "accounta-user"
                    }
                }
            }),
            json!({
                "identityPolicies": [{"name": "s3", "policy": read(&x.join("policies/role-in-accountb-s3.json"))}],
                "serviceControlPolicies": [], "resourceControlPolicies": [],
                "request": {
                    "principal": session,
                    "action": "s3:PutObject",
                    "resource": {"resource": object, "accountId": "222222222222"},
                    "contextVariables": {
                        "aws:PrincipalArn": role, "aws:PrincipalAccount": "222222222222"
                    }
                }
            }),
        ],
        cedar: {
            let user_entities = json!([
                {"uid": {"type": "User", "id": "accounta-user"}, "attrs": {}, "parents": [{"type": "Account", "id": "111111111111"}]},
                {"uid": {"type": "Account", "id": "111111111111"}, "attrs": {}, "parents": []},
                {"uid": {"type": "Role", "id": role}, "attrs": {}, "parents": []}
            ]);
            vec![
                cedar_call(
                    &format!(
                        r#"permit(principal == User::"accounta-user", action == Action::"sts:AssumeRole", resource == Role::"{role}");"#
                    ),
                    user_entities.clone(),
                    "User::\"accounta-user\"",
                    "Action::\"sts:AssumeRole\"",
                    &format!("Role::\"{role}\""),
                    json!({}),
                ),
                cedar_call(
                    &format!(
                        r#"permit(principal in Account::"111111111111", action == Action::"sts:AssumeRole", resource == Role::"{role}");"#
                    ),
                    user_entities,
                    "User::\"accounta-user\"",
                    "Action::\"sts:AssumeRole\"",
                    &format!("Role::\"{role}\""),
                    json!({}),
                ),
                cedar_call(
                    &format!(
                        r#"permit(principal == Session::"{session}", action in [Action::"s3:GetObject", Action::"s3:PutObject", Action::"s3:PutObjectAcl"], resource) when {{ resource.arn like "arn:aws:s3:::cross-account-bucket/*" }};"#
                    ),
                    json!([{"uid": {"type": "Object", "id": "cross-account-bucket/test.txt"}, "attrs": {"arn": object}, "parents": []}]),
                    &format!("Session::\"{session}\""),
                    "Action::\"s3:PutObject\"",
                    "Object::\"cross-account-bucket/test.txt\"",
                    json!({}),
                ),
            ]
        },
    }
}

fn cases(root: &Path) -> Vec<Case> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut out = vec![w1_case(&fixtures), cross_account_case(&fixtures)];
    out.push(generated(
        root,
        "100 statements with conditions",
        &conditions_set(100),
        true,
    ));
    for n in [100usize, 1_000, 10_000] {
        out.push(generated(
            root,
            &format!("identity set of {n} statements (10 match)"),
            &identity_set(n),
            false,
        ));
    }
    out
}

/// Median time per call of `f`, in nanoseconds: batches timed for about `budget` in all.
fn time(budget: Duration, mut f: impl FnMut() -> bool) -> f64 {
    let start = Instant::now();
    let mut batch = 1u64;
    // Grow the batch until it takes about a hundredth of the budget.
    loop {
        let t = Instant::now();
        for _ in 0..batch {
            std::hint::black_box(f());
        }
        if t.elapsed() * 100 >= budget || batch >= 1 << 24 {
            break;
        }
        batch *= 2;
    }
    let mut samples = Vec::new();
    while start.elapsed() < budget || samples.len() < 5 {
        let t = Instant::now();
        for _ in 0..batch {
            std::hint::black_box(f());
        }
        samples.push(t.elapsed().as_nanos() as f64 / batch as f64);
    }
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = PathBuf::from(args.get(1).cloned().unwrap_or_else(|| {
        std::env::temp_dir()
            .join("iamsim-compare")
            .display()
            .to_string()
    }));
    let budget = Duration::from_secs_f64(args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3.0));
    std::fs::create_dir_all(&out).unwrap();
    let cases = cases(&out);
    let authorizer = Authorizer::new();
    let mut peer_cases = Vec::new();
    let mut results = Vec::new();
    println!("{:<48} {:>14} {:>14}", "case", "iamsim", "cedar");
    for c in &cases {
        let world = World::load(&c.world)
            .unwrap_or_else(|e| panic!("{}: the world does not load: {e}", c.name));
        let d = decide(&world, &c.query).expect("query");
        assert_eq!(d, Decision::Allow, "{}: iamsim says {d}", c.name);
        let cedar_allows = || {
            c.cedar.iter().all(|call| {
                authorizer
                    .is_authorized(&call.request, &call.policies, &call.entities)
                    .decision()
                    == CedarDecision::Allow
            })
        };
        assert!(cedar_allows(), "{}: cedar denies", c.name);
        let ns_iamsim = time(budget, || {
            decide(&world, &c.query).is_ok_and(Decision::is_allow)
        });
        let ns_cedar = time(budget, cedar_allows);
        println!(
            "{:<48} {:>11.0} ns {:>11.0} ns",
            c.name, ns_iamsim, ns_cedar
        );
        results.push(json!({"case": c.name, "iamsim_ns": ns_iamsim, "cedar_ns": ns_cedar, "cedar_calls": c.cedar.len()}));
        peer_cases.push(json!({"case": c.name, "simulations": c.peer}));
    }
    std::fs::write(
        out.join("cases.json"),
        serde_json::to_vec(&peer_cases).unwrap(),
    )
    .unwrap();
    std::fs::write(
        out.join("rust.json"),
        serde_json::to_vec_pretty(&results).unwrap(),
    )
    .unwrap();
}

//! Synthetic worlds for scale tests and benchmarks (`iamsim gen`): accounts in an organization
//! with OUs and SCPs, roles with the trust and permission policies real estates have, users in
//! groups, buckets with bucket policies, and cross-account trust edges. Deterministic: the same
//! spec writes the same files, byte for byte.
//!
//! Shape of each account (roles are taken in this order, so small `roles_per_account` keep the
//! interesting ones): `Admin` (trusts its own account, with MFA), `ReadOnly` (its own account),
//! `OrganizationAccountAccessRole` (the management account), `Deploy` (the tooling account's
//! `ci-runner` role), `Audit` (the security account's `auditor` role), `partner-access` (a role
//! of another, randomly chosen account), `partner-caller` (allowed to assume that account's
//! `partner-access`), every 50th account a `vendor-access` role (an account outside the world,
//! with an external id), then service roles (EC2, Lambda, ECS) with one of 20 application
//! policies. Users are in a `developers` group allowed to assume `Admin` and `ReadOnly`. Each
//! account has an application bucket (TLS-only, shared with the organization, a partner, or
//! nobody; one account in a hundred public) and a logs bucket.

use serde_json::{json, Map, Value};
use std::io;
use std::path::Path;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct GenSpec {
    pub seed: u64,
    pub accounts: usize,
    pub roles_per_account: usize,
    pub users_per_account: usize,
}

/// What was generated.
#[derive(Clone, Copy, Debug, Default)]
pub struct GenSummary {
    pub accounts: usize,
    pub roles: usize,
    pub users: usize,
    pub buckets: usize,
    pub policy_files: usize,
}

/// Applications the service roles and buckets belong to.
const APPS: usize = 20;

/// The id of the `i`th generated account.
pub fn account_id(i: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + i as u64)
}

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn doc(statements: Vec<Value>) -> Value {
    json!({ "Version": "2012-10-17", "Statement": statements })
}

fn trust(principal: Value, condition: Option<Value>) -> Value {
    let mut s = json!({ "Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole" });
    if let (Some(c), Some(m)) = (condition, s.as_object_mut()) {
        m.insert("Condition".into(), c);
    }
    doc(vec![s])
}

fn allow(action: Value, resource: Value) -> Value {
    json!({ "Effect": "Allow", "Action": action, "Resource": resource })
}

struct Writer<'a> {
    dir: &'a Path,
    files: usize,
}

impl Writer<'_> {
    fn write(&mut self, rel: &str, v: &Value) -> io::Result<String> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let text = serde_json::to_string_pretty(v).map_err(io::Error::other)?;
        std::fs::write(path, text + "\n")?;
        self.files += 1;
        Ok(rel.to_string())
    }
}

/// Writes `world.json` and its policy files into `dir` (created if needed).
pub fn generate(spec: &GenSpec, dir: &Path) -> io::Result<GenSummary> {
    let n = spec.accounts.max(3);
    let mut rng = Rng(spec.seed);
    let mut w = Writer { dir, files: 0 };
    let mut summary = GenSummary {
        accounts: n,
        ..GenSummary::default()
    };
    let management = account_id(0);
    let tooling = account_id(1);
    let security = account_id(2);
    let org_id = format!("o-gen{:010x}", spec.seed % 0xff_ffff_ffff);

    // Policies shared by every account.
    let admin = w.write(
        "policies/admin.json",
        &doc(vec![allow(json!("*"), json!("*"))]),
    )?;
    let readonly = w.write(
        "policies/readonly.json",
        &doc(vec![allow(
            json!([
                "s3:Get*",
                "s3:List*",
                "ec2:Describe*",
                "iam:Get*",
                "iam:List*",
                "dynamodb:Describe*"
            ]),
            json!("*"),
        )]),
    )?;
    let developers = w.write(
        "policies/developers.json",
        &doc(vec![allow(
            json!("sts:AssumeRole"),
            json!(["arn:aws:iam::*:role/Admin", "arn:aws:iam::*:role/ReadOnly"]),
        )]),
    )?;
    let deploy = w.write(
        "policies/deploy.json",
        &doc(vec![
            allow(
                json!(["s3:PutObject", "s3:GetObject"]),
                json!("arn:aws:s3:::gen-*/*"),
            ),
            allow(
                json!(["lambda:UpdateFunctionCode", "lambda:GetFunction"]),
                json!("*"),
            ),
        ]),
    )?;
    let ci_runner = w.write(
        "policies/ci-runner.json",
        &doc(vec![allow(
            json!("sts:AssumeRole"),
            json!("arn:aws:iam::*:role/Deploy"),
        )]),
    )?;
    let auditor = w.write(
        "policies/auditor.json",
        &doc(vec![allow(
            json!("sts:AssumeRole"),
            json!("arn:aws:iam::*:role/Audit"),
        )]),
    )?;
    let trust_ec2 = w.write(
        "policies/trust-ec2.json",
        &trust(json!({ "Service": "ec2.amazonaws.com" }), None),
    )?;
    let trust_lambda = w.write(
        "policies/trust-lambda.json",
        &trust(json!({ "Service": "lambda.amazonaws.com" }), None),
    )?;
    let trust_ecs = w.write(
        "policies/trust-ecs.json",
        &trust(json!({ "Service": "ecs-tasks.amazonaws.com" }), None),
    )?;
    let trust_mgmt = w.write(
        "policies/trust-management.json",
        &trust(
            json!({ "AWS": format!("arn:aws:iam::{management}:root") }),
            None,
        ),
    )?;
    let trust_ci = w.write(
        "policies/trust-ci.json",
        &trust(
            json!({ "AWS": format!("arn:aws:iam::{tooling}:role/ci-runner") }),
            None,
        ),
    )?;
    let trust_auditor = w.write(
        "policies/trust-auditor.json",
        &trust(
            json!({ "AWS": format!("arn:aws:iam::{security}:role/auditor") }),
            None,
        ),
    )?;
    let mut apps = Vec::new();
    for k in 0..APPS {
        apps.push(w.write(
            &format!("policies/app-{k:02}.json"),
            &doc(vec![
                allow(
                    json!(["s3:GetObject", "s3:PutObject"]),
                    json!(format!("arn:aws:s3:::gen-*-app{k:02}/*")),
                ),
                allow(
                    json!(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]),
                    json!(format!("arn:aws:dynamodb:*:*:table/app{k:02}")),
                ),
                allow(
                    json!("sqs:SendMessage"),
                    json!(format!("arn:aws:sqs:*:*:app{k:02}-*")),
                ),
            ]),
        )?);
    }
    let scp_deny_leave = w.write(
        "policies/scp-deny-leave.json",
        &doc(vec![json!({
            "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"
        })]),
    )?;
    let scp_prod = w.write(
        "policies/scp-prod-protect.json",
        &doc(vec![json!({
            "Effect": "Deny",
            "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy", "iam:DeleteRole"],
            "Resource": "*",
            "Condition": { "ArnNotLike": { "aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole" } }
        })]),
    )?;
    let scp_region = w.write(
        "policies/scp-region-lock.json",
        &doc(vec![json!({
            "Effect": "Deny",
            "NotAction": ["iam:*", "sts:*", "organizations:*"],
            "Resource": "*",
            "Condition": { "StringNotEquals": { "aws:RequestedRegion": ["us-east-1", "eu-west-1"] } }
        })]),
    )?;

    let mut accounts = Map::new();
    let mut prod = Vec::new();
    let mut nonprod = Vec::new();
    let mut sandbox = Vec::new();
    // Who calls whose partner-access role: partner_of[j] = the account whose role j's
    // partner-caller assumes.
    let partner_of: Vec<usize> = (0..n).map(|i| (i + 1 + rng.below(n - 1)) % n).collect();
    for i in 0..n {
        let id = account_id(i);
        let mut roles = Map::new();
        let self_mfa = w.write(
            &format!("accounts/{id}/trust-self-mfa.json"),
            &trust(
                json!({ "AWS": format!("arn:aws:iam::{id}:root") }),
                Some(json!({ "Bool": { "aws:MultiFactorAuthPresent": "true" } })),
            ),
        )?;
        let self_plain = w.write(
            &format!("accounts/{id}/trust-self.json"),
            &trust(json!({ "AWS": id.clone() }), None),
        )?;
        let app = rng.below(APPS);
        let bucket = format!("gen-{id}-app{app:02}");
        for r in 0..spec.roles_per_account {
            let (name, trust_ref, policies): (String, String, Vec<String>) = match r {
                0 => ("Admin".into(), self_mfa.clone(), vec![admin.clone()]),
                1 => (
                    "ReadOnly".into(),
                    self_plain.clone(),
                    vec![readonly.clone()],
                ),
                2 => (
                    "OrganizationAccountAccessRole".into(),
                    trust_mgmt.clone(),
                    vec![admin.clone()],
                ),
                3 => ("Deploy".into(), trust_ci.clone(), vec![deploy.clone()]),
                4 => (
                    "Audit".into(),
                    trust_auditor.clone(),
                    vec![readonly.clone()],
                ),
                5 => {
                    // Trusted by the partner-caller role of every account that picked this one.
                    let callers: Vec<String> = (0..n)
                        .filter(|j| spec.roles_per_account > 6 && partner_of.get(*j) == Some(&i))
                        .map(|j| format!("arn:aws:iam::{}:role/partner-caller", account_id(j)))
                        .collect();
                    let t = if callers.is_empty() {
                        self_plain.clone()
                    } else {
                        w.write(
                            &format!("accounts/{id}/trust-partners.json"),
                            &trust(json!({ "AWS": callers }), None),
                        )?
                    };
                    let read = w.write(
                        &format!("accounts/{id}/partner-read.json"),
                        &doc(vec![allow(
                            json!(["s3:GetObject", "s3:ListBucket"]),
                            json!([
                                format!("arn:aws:s3:::{bucket}"),
                                format!("arn:aws:s3:::{bucket}/*")
                            ]),
                        )]),
                    )?;
                    ("partner-access".into(), t, vec![read])
                }
                6 => {
                    let target = account_id(partner_of.get(i).copied().unwrap_or(0));
                    let p = w.write(
                        &format!("accounts/{id}/assume-partner.json"),
                        &doc(vec![allow(
                            json!("sts:AssumeRole"),
                            json!(format!("arn:aws:iam::{target}:role/partner-access")),
                        )]),
                    )?;
                    (
                        "partner-caller".into(),
                        trust_ecs.clone(),
                        vec![p, apps.get(app).cloned().unwrap_or_default()],
                    )
                }
                7 if i % 50 == 0 => {
                    let vendor = format!("{:012}", 900_000_000_000u64 + (i / 50) as u64);
                    let t = w.write(
                        &format!("accounts/{id}/trust-vendor.json"),
                        &trust(
                            json!({ "AWS": format!("arn:aws:iam::{vendor}:root") }),
                            Some(json!({ "StringEquals": { "sts:ExternalId": format!("ext-{id}") } })),
                        ),
                    )?;
                    ("vendor-access".into(), t, vec![readonly.clone()])
                }
                _ => {
                    let t = match rng.below(3) {
                        0 => trust_ec2.clone(),
                        1 => trust_lambda.clone(),
                        _ => trust_ecs.clone(),
                    };
                    let a = if rng.below(4) == 0 {
                        app
                    } else {
                        rng.below(APPS)
                    };
                    (
                        format!("svc-{r:03}"),
                        t,
                        vec![apps.get(a).cloned().unwrap_or_default()],
                    )
                }
            };
            let mut role = json!({ "trust": trust_ref, "policies": policies });
            if r >= 8 {
                if let Some(m) = role.as_object_mut() {
                    m.insert("path".into(), json!("/service/"));
                }
            }
            roles.insert(name, role);
            summary.roles += 1;
        }
        // The roles other accounts' trust policies name always exist.
        if i == 1 {
            roles.insert(
                "ci-runner".into(),
                json!({ "trust": trust_ec2, "policies": [ci_runner] }),
            );
            summary.roles += 1;
        }
        if i == 2 {
            roles.insert(
                "auditor".into(),
                json!({ "trust": self_mfa, "policies": [auditor] }),
            );
            summary.roles += 1;
        }
        let mut users = Map::new();
        let user_count = if i == 0 {
            spec.users_per_account.max(1)
        } else {
            spec.users_per_account
        };
        for u in 0..user_count {
            let name = if i == 0 && u == 0 {
                "breakglass".to_string()
            } else {
                format!("dev-{u:02}")
            };
            users.insert(name, json!({ "groups": ["developers"] }));
            summary.users += 1;
        }
        let groups = json!({ "developers": { "policies": [developers.clone()] } });
        // The application bucket: TLS only, and one of four sharing styles.
        let mut statements = vec![json!({
            "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": { "Bool": { "aws:SecureTransport": "false" } }
        })];
        let public = i % 100 == 99;
        match if public { 3 } else { rng.below(3) } {
            0 => statements.push(json!({
                "Sid": "Organization", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": format!("arn:aws:s3:::{bucket}/*"),
                "Condition": { "StringEquals": { "aws:PrincipalOrgID": org_id } }
            })),
            1 => statements.push(json!({
                "Sid": "Partner", "Effect": "Allow",
                "Principal": { "AWS": format!("arn:aws:iam::{}:root", account_id(partner_of.get(i).copied().unwrap_or(0))) },
                "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")
            })),
            3 => statements.push(json!({
                "Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": format!("arn:aws:s3:::{bucket}/*")
            })),
            _ => {}
        }
        let bucket_policy = w.write(
            &format!("accounts/{id}/bucket-{bucket}.json"),
            &doc(statements),
        )?;
        let mut buckets = Map::new();
        let mut b = json!({ "policy": bucket_policy });
        if public {
            if let Some(m) = b.as_object_mut() {
                m.insert("block_public_access".into(), json!(false));
            }
        }
        buckets.insert(bucket, b);
        buckets.insert(format!("gen-{id}-logs"), json!({}));
        summary.buckets += 2;
        accounts.insert(
            id.clone(),
            json!({ "alias": format!("gen-{i}"), "users": users, "groups": groups, "roles": roles, "buckets": buckets }),
        );
        match i {
            0 => {}
            1 | 2 => {}
            _ if i % 10 == 9 => sandbox.push(id),
            _ if i % 2 == 0 => prod.push(id),
            _ => nonprod.push(id),
        }
    }
    let world = json!({
        "accounts": accounts,
        "organization": {
            "id": org_id,
            "management_account": management,
            "root": {
                "accounts": [management],
                "units": {
                    "Security": { "accounts": [tooling, security] },
                    "Workloads": {
                        "scps": ["FullAWSAccess", scp_deny_leave],
                        "units": {
                            "Prod": { "scps": ["FullAWSAccess", scp_prod], "accounts": prod },
                            "NonProd": { "accounts": nonprod }
                        }
                    },
                    "Sandbox": { "scps": ["FullAWSAccess", scp_region], "accounts": sandbox }
                }
            }
        }
    });
    w.write("world.json", &world)?;
    summary.policy_files = w.files - 1;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{who_can, WhoCanQuery, World};

    fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(dir).unwrap().display().to_string();
                    out.push((rel, std::fs::read(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn the_same_seed_writes_the_same_world_and_it_loads() {
        let base = std::env::temp_dir().join(format!("iamsim-synth-{}", std::process::id()));
        let spec = GenSpec {
            seed: 42,
            accounts: 6,
            roles_per_account: 10,
            users_per_account: 2,
        };
        let (a, b) = (base.join("a"), base.join("b"));
        let summary = generate(&spec, &a).unwrap();
        generate(&spec, &b).unwrap();
        assert_eq!(tree(&a), tree(&b));
        assert_eq!(summary.roles, 6 * 10 + 2);
        let other = base.join("c");
        generate(&GenSpec { seed: 43, ..spec }, &other).unwrap();
        assert_ne!(tree(&a), tree(&other));

        let world = World::load(&a).unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
        assert_eq!(world.accounts.len(), 6);
        // The management account's break-glass user reaches every member account's admin role.
        let answer = who_can(
            &world,
            &WhoCanQuery {
                action: "iam:CreateUser".into(),
                resource: format!("arn:aws:iam::{}:user/x", account_id(4)),
                context: iamsim_policy::Context::new(),
            },
        )
        .unwrap();
        let breakglass = format!("arn:aws:iam::{}:user/breakglass", account_id(0));
        assert!(answer.principals.iter().any(|e| e.principal == breakglass
            && e.via
                .last()
                .is_some_and(|r| r.ends_with("role/OrganizationAccountAccessRole"))));
        std::fs::remove_dir_all(&base).unwrap();
    }
}

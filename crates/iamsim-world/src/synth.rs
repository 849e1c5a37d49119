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

mod escalation;
pub use escalation::EscalationSpec;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct GenSpec {
    /// The seed of the generator: the same spec gives the same world.
    pub seed: u64,
    /// How many accounts.
    pub accounts: usize,
    /// How many roles each account holds.
    pub roles_per_account: usize,
    /// How many users each account holds.
    pub users_per_account: usize,
}

/// What was generated.
#[derive(Clone, Copy, Debug, Default)]
pub struct GenSummary {
    /// Accounts generated.
    pub accounts: usize,
    /// Roles, over every account.
    pub roles: usize,
    /// Users, over every account.
    pub users: usize,
    /// Buckets, over every account.
    pub buckets: usize,
    /// Policy files written beside world.json.
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

/// Policy files every account shares, by their path relative to the world folder.
struct Shared {
    admin: String,
    readonly: String,
    developers: String,
    ci_runner: String,
    auditor: String,
    trust_ec2: String,
    trust_lambda: String,
    trust_ecs: String,
    trust_mgmt: String,
    trust_ci: String,
    trust_auditor: String,
    deploy: String,
    /// One identity policy per application.
    apps: Vec<String>,
    scp_deny_leave: String,
    scp_prod: String,
    scp_region: String,
}

/// The accounts with a fixed part: the management account and the roles others trust.
struct Fixed {
    management: String,
    tooling: String,
    security: String,
}

impl Shared {
    fn write(w: &mut Writer<'_>, fixed: &Fixed) -> io::Result<Shared> {
        let Fixed {
            management,
            tooling,
            security,
        } = fixed;
        let trust_to = |w: &mut Writer<'_>, rel: &str, principal: String| {
            w.write(rel, &trust(json!({ "AWS": principal }), None))
        };
        let assume = |w: &mut Writer<'_>, rel: &str, resource: Value| {
            w.write(rel, &doc(vec![allow(json!("sts:AssumeRole"), resource)]))
        };
        let service = |w: &mut Writer<'_>, rel: &str, service: &str| {
            w.write(rel, &trust(json!({ "Service": service }), None))
        };
        Ok(Shared {
            admin: w.write(
                "policies/admin.json",
                &doc(vec![allow(json!("*"), json!("*"))]),
            )?,
            readonly: w.write(
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
            )?,
            developers: assume(
                w,
                "policies/developers.json",
                json!(["arn:aws:iam::*:role/Admin", "arn:aws:iam::*:role/ReadOnly"]),
            )?,
            deploy: w.write(
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
            )?,
            ci_runner: assume(
                w,
                "policies/ci-runner.json",
                json!("arn:aws:iam::*:role/Deploy"),
            )?,
            auditor: assume(
                w,
                "policies/auditor.json",
                json!("arn:aws:iam::*:role/Audit"),
            )?,
            trust_ec2: service(w, "policies/trust-ec2.json", "ec2.amazonaws.com")?,
            trust_lambda: service(w, "policies/trust-lambda.json", "lambda.amazonaws.com")?,
            trust_ecs: service(w, "policies/trust-ecs.json", "ecs-tasks.amazonaws.com")?,
            trust_mgmt: trust_to(
                w,
                "policies/trust-management.json",
                format!("arn:aws:iam::{management}:root"),
            )?,
            trust_ci: trust_to(
                w,
                "policies/trust-ci.json",
                format!("arn:aws:iam::{tooling}:role/ci-runner"),
            )?,
            trust_auditor: trust_to(
                w,
                "policies/trust-auditor.json",
                format!("arn:aws:iam::{security}:role/auditor"),
            )?,
            apps: (0..APPS)
                .map(|k| w.write(&format!("policies/app-{k:02}.json"), &app_policy(k)))
                .collect::<io::Result<_>>()?,
            scp_deny_leave: w.write(
                "policies/scp-deny-leave.json",
                &doc(vec![json!({
                    "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"
                })]),
            )?,
            scp_prod: w.write(
                "policies/scp-prod-protect.json",
                &doc(vec![json!({
                    "Effect": "Deny",
                    "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy", "iam:DeleteRole"],
                    "Resource": "*",
                    "Condition": { "ArnNotLike": { "aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole" } }
                })]),
            )?,
            scp_region: w.write(
                "policies/scp-region-lock.json",
                &doc(vec![json!({
                    "Effect": "Deny",
                    "NotAction": ["iam:*", "sts:*", "organizations:*"],
                    "Resource": "*",
                    "Condition": { "StringNotEquals": { "aws:RequestedRegion": ["us-east-1", "eu-west-1"] } }
                })]),
            )?,
        })
    }
}

/// The identity policy of application `k`: its objects, table and queues.
fn app_policy(k: usize) -> Value {
    doc(vec![
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
    ])
}

/// One generation run: the spec, the random stream and what has been written so far.
struct Generator<'a> {
    spec: &'a GenSpec,
    /// How many accounts.
    n: usize,
    rng: Rng,
    w: Writer<'a>,
    shared: Shared,
    fixed: Fixed,
    org_id: String,
    /// Who calls whose partner-access role: `partner_of[j]` is the account whose role j's
    /// partner-caller assumes.
    partner_of: Vec<usize>,
    summary: GenSummary,
    /// Escalation chains to sprinkle (synth/escalation.rs).
    escalation: EscalationSpec,
}

/// What one account's roles are built from.
struct AccountBase<'s> {
    i: usize,
    id: &'s str,
    /// The application this account's bucket and partner-caller belong to.
    app: usize,
    bucket: &'s str,
    self_mfa: &'s str,
    self_plain: &'s str,
}

impl Generator<'_> {
    /// The `r`th role of an account: its name, trust policy and permission policies.
    fn role(&mut self, r: usize, a: &AccountBase<'_>) -> io::Result<(String, String, Vec<String>)> {
        let (n, i, id, bucket) = (self.n, a.i, a.id, a.bucket);
        let s = &self.shared;
        Ok(match r {
            0 => ("Admin".into(), a.self_mfa.into(), vec![s.admin.clone()]),
            1 => (
                "ReadOnly".into(),
                a.self_plain.into(),
                vec![s.readonly.clone()],
            ),
            2 => (
                "OrganizationAccountAccessRole".into(),
                s.trust_mgmt.clone(),
                vec![s.admin.clone()],
            ),
            3 => ("Deploy".into(), s.trust_ci.clone(), vec![s.deploy.clone()]),
            4 => (
                "Audit".into(),
                s.trust_auditor.clone(),
                vec![s.readonly.clone()],
            ),
            5 => {
                // Trusted by the partner-caller role of every account that picked this one.
                let callers: Vec<String> = (0..n)
                    .filter(|j| {
                        self.spec.roles_per_account > 6 && self.partner_of.get(*j) == Some(&i)
                    })
                    .map(|j| format!("arn:aws:iam::{}:role/partner-caller", account_id(j)))
                    .collect();
                let t = if callers.is_empty() {
                    a.self_plain.to_string()
                } else {
                    self.w.write(
                        &format!("accounts/{id}/trust-partners.json"),
                        &trust(json!({ "AWS": callers }), None),
                    )?
                };
                let read = self.w.write(
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
                let target = account_id(self.partner_of.get(i).copied().unwrap_or(0));
                let p = self.w.write(
                    &format!("accounts/{id}/assume-partner.json"),
                    &doc(vec![allow(
                        json!("sts:AssumeRole"),
                        json!(format!("arn:aws:iam::{target}:role/partner-access")),
                    )]),
                )?;
                let app = self.shared.apps.get(a.app).cloned().unwrap_or_default();
                (
                    "partner-caller".into(),
                    self.shared.trust_ecs.clone(),
                    vec![p, app],
                )
            }
            7 if i % 50 == 0 => {
                let vendor = format!("{:012}", 900_000_000_000u64 + (i / 50) as u64);
                let t = self.w.write(
                    &format!("accounts/{id}/trust-vendor.json"),
                    &trust(
                        json!({ "AWS": format!("arn:aws:iam::{vendor}:root") }),
                        Some(json!({ "StringEquals": { "sts:ExternalId": format!("ext-{id}") } })),
                    ),
                )?;
                (
                    "vendor-access".into(),
                    t,
                    vec![self.shared.readonly.clone()],
                )
            }
            _ => {
                let t = match self.rng.below(3) {
                    0 => s.trust_ec2.clone(),
                    1 => s.trust_lambda.clone(),
                    _ => s.trust_ecs.clone(),
                };
                let app = if self.rng.below(4) == 0 {
                    a.app
                } else {
                    self.rng.below(APPS)
                };
                (
                    format!("svc-{r:03}"),
                    t,
                    vec![self.shared.apps.get(app).cloned().unwrap_or_default()],
                )
            }
        })
    }

    /// Every role of account `a`, plus the roles other accounts' trust policies name.
    fn roles(&mut self, a: &AccountBase<'_>) -> io::Result<Map<String, Value>> {
        let mut roles = Map::new();
        for r in 0..self.spec.roles_per_account {
            let (name, trust_ref, policies) = self.role(r, a)?;
            let mut role = json!({ "trust": trust_ref, "policies": policies });
            if r >= 8 {
                if let Some(m) = role.as_object_mut() {
                    m.insert("path".into(), json!("/service/"));
                }
            }
            roles.insert(name, role);
            self.summary.roles += 1;
        }
        // The roles other accounts' trust policies name always exist.
        if a.i == 1 {
            roles.insert(
                "ci-runner".into(),
                json!({ "trust": self.shared.trust_ec2, "policies": [self.shared.ci_runner] }),
            );
            self.summary.roles += 1;
        }
        if a.i == 2 {
            roles.insert(
                "auditor".into(),
                json!({ "trust": a.self_mfa, "policies": [self.shared.auditor] }),
            );
            self.summary.roles += 1;
        }
        Ok(roles)
    }

    /// The users of account `i`, all in the `developers` group (the management account has
    /// at least its `breakglass` user).
    fn users(&mut self, i: usize) -> Map<String, Value> {
        let mut users = Map::new();
        let count = if i == 0 {
            self.spec.users_per_account.max(1)
        } else {
            self.spec.users_per_account
        };
        for u in 0..count {
            let name = if i == 0 && u == 0 {
                "breakglass".to_string()
            } else {
                format!("dev-{u:02}")
            };
            users.insert(name, json!({ "groups": ["developers"] }));
            self.summary.users += 1;
        }
        users
    }

    /// The application bucket of account `a` (TLS only, and one of four sharing styles) and
    /// its logs bucket.
    fn buckets(&mut self, a: &AccountBase<'_>) -> io::Result<Map<String, Value>> {
        let (i, id, bucket) = (a.i, a.id, a.bucket);
        let mut statements = vec![json!({
            "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": { "Bool": { "aws:SecureTransport": "false" } }
        })];
        let public = i % 100 == 99;
        match if public { 3 } else { self.rng.below(3) } {
            0 => statements.push(json!({
                "Sid": "Organization", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": format!("arn:aws:s3:::{bucket}/*"),
                "Condition": { "StringEquals": { "aws:PrincipalOrgID": self.org_id } }
            })),
            1 => statements.push(json!({
                "Sid": "Partner", "Effect": "Allow",
                "Principal": { "AWS": format!("arn:aws:iam::{}:root", account_id(self.partner_of.get(i).copied().unwrap_or(0))) },
                "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")
            })),
            3 => statements.push(json!({
                "Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": format!("arn:aws:s3:::{bucket}/*")
            })),
            _ => {}
        }
        let bucket_policy = self.w.write(
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
        buckets.insert(bucket.to_string(), b);
        buckets.insert(format!("gen-{id}-logs"), json!({}));
        self.summary.buckets += 2;
        Ok(buckets)
    }

    /// Account `i`: its own trust policies, roles, users, group and buckets.
    fn account(&mut self, i: usize) -> io::Result<Value> {
        let id = account_id(i);
        let self_mfa = self.w.write(
            &format!("accounts/{id}/trust-self-mfa.json"),
            &trust(
                json!({ "AWS": format!("arn:aws:iam::{id}:root") }),
                Some(json!({ "Bool": { "aws:MultiFactorAuthPresent": "true" } })),
            ),
        )?;
        let self_plain = self.w.write(
            &format!("accounts/{id}/trust-self.json"),
            &trust(json!({ "AWS": id.clone() }), None),
        )?;
        let app = self.rng.below(APPS);
        let bucket = format!("gen-{id}-app{app:02}");
        let base = AccountBase {
            i,
            id: &id,
            app,
            bucket: &bucket,
            self_mfa: &self_mfa,
            self_plain: &self_plain,
        };
        let roles = self.roles(&base)?;
        let users = self.users(i);
        let groups = json!({ "developers": { "policies": [self.shared.developers.clone()] } });
        let buckets = self.buckets(&base)?;
        Ok(
            json!({ "alias": format!("gen-{i}"), "users": users, "groups": groups, "roles": roles, "buckets": buckets }),
        )
    }

    /// The organization: the management account at the root, Security, Workloads (Prod and
    /// NonProd) and Sandbox OUs with their SCPs; every tenth account is a sandbox, the rest
    /// alternate between prod and non-prod.
    fn organization(&self) -> Value {
        let (mut prod, mut nonprod, mut sandbox) = (Vec::new(), Vec::new(), Vec::new());
        for i in 3..self.n {
            let id = account_id(i);
            match i {
                _ if i % 10 == 9 => sandbox.push(id),
                _ if i % 2 == 0 => prod.push(id),
                _ => nonprod.push(id),
            }
        }
        let (s, f) = (&self.shared, &self.fixed);
        json!({
            "id": self.org_id,
            "management_account": f.management,
            "root": {
                "accounts": [f.management],
                "units": {
                    "Security": { "accounts": [f.tooling, f.security] },
                    "Workloads": {
                        "scps": ["FullAWSAccess", s.scp_deny_leave],
                        "units": {
                            "Prod": { "scps": ["FullAWSAccess", s.scp_prod], "accounts": prod },
                            "NonProd": { "accounts": nonprod }
                        }
                    },
                    "Sandbox": { "scps": ["FullAWSAccess", s.scp_region], "accounts": sandbox }
                }
            }
        })
    }
}

/// Writes `world.json` and its policy files into `dir` (created if needed).
pub fn generate(spec: &GenSpec, dir: &Path) -> io::Result<GenSummary> {
    generate_with(spec, EscalationSpec::default(), dir)
}

/// [`generate`], with escalation chains sprinkled into a share of the accounts
/// ([`EscalationSpec`]); with none, the same files as [`generate`].
pub fn generate_with(
    spec: &GenSpec,
    escalation: EscalationSpec,
    dir: &Path,
) -> io::Result<GenSummary> {
    let n = spec.accounts.max(3);
    let mut rng = Rng(spec.seed);
    let mut w = Writer { dir, files: 0 };
    let fixed = Fixed {
        management: account_id(0),
        tooling: account_id(1),
        security: account_id(2),
    };
    let shared = Shared::write(&mut w, &fixed)?;
    let partner_of: Vec<usize> = (0..n).map(|i| (i + 1 + rng.below(n - 1)) % n).collect();
    let mut g = Generator {
        spec,
        n,
        rng,
        w,
        shared,
        fixed,
        org_id: format!("o-gen{:010x}", spec.seed % 0xff_ffff_ffff),
        partner_of,
        summary: GenSummary {
            accounts: n,
            ..GenSummary::default()
        },
        escalation,
    };
    // A stream of its own, so that the rest of the world does not change with the escalations.
    let mut esc_rng = Rng(spec.seed ^ 0x5eed_0e5c_a1a7_10f5);
    let mut accounts = Map::new();
    for i in 0..n {
        let mut account = g.account(i)?;
        if let Some(s) = g.sprinkle(i, &mut esc_rng)? {
            escalation::merge(&mut account, s);
        }
        accounts.insert(account_id(i), account);
    }
    let world = json!({ "accounts": accounts, "organization": g.organization() });
    g.w.write("world.json", &world)?;
    g.summary.policy_files = g.w.files - 1;
    Ok(g.summary)
}

//! A world built around one policy document, so that a lone policy file is decided by the same
//! engine as a world: an identity policy is attached to a user, a permissions boundary bounds a
//! user allowed everything, an SCP or RCP governs the one account of an organization, a
//! resource-based policy is the policy of every bucket or resource the compared requests name,
//! and a trust policy is the trust of one role. Two policies compared get worlds of the same
//! shape, built from the same requests, so only the policies differ.

use crate::compare::Probe;
use iamsim_policy::files::{Files, InputFile};
use iamsim_policy::{Code, Diagnostic, PolicyType};
use iamsim_world::{LoadError, World};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// The account of the world built around a policy.
pub const POLICY_WORLD_ACCOUNT: &str = "111111111111";
/// The user an identity policy or boundary is attached to.
pub const POLICY_WORLD_USER: &str = "iamsim-user";
/// The role whose trust policy a trust policy is.
pub const POLICY_WORLD_ROLE: &str = "iamsim-role";

/// The ARN of the role a trust policy belongs to in its world.
pub fn policy_world_role_arn() -> String {
    format!("arn:aws:iam::{POLICY_WORLD_ACCOUNT}:role/{POLICY_WORLD_ROLE}")
}

/// world.json and the policy, held in memory.
struct Memory {
    dir: PathBuf,
    world: String,
    policy: InputFile,
}

impl Files for Memory {
    fn dir(&self) -> &Path {
        &self.dir
    }
    fn read(&self, reference: &str, max: u64) -> Result<InputFile, Diagnostic> {
        let file = match reference {
            "world.json" => InputFile {
                name: "world.json".into(),
                bytes: self.world.clone().into_bytes(),
                shown: false,
            },
            "policy.json" => self.policy.clone(),
            _ => {
                return Err(Diagnostic::detached(
                    Code::FileNotFound,
                    format!("`{reference}` is not part of a policy's world"),
                ))
            }
        };
        if file.bytes.len() as u64 > max {
            return Err(Diagnostic::detached(
                Code::InputTooLarge,
                format!("`{}` is larger than {max} bytes", file.name),
            ));
        }
        Ok(file)
    }
}

/// The key policy AWS gives a KMS key created without one: the account's identity policies
/// decide.
fn default_key_policy(account: &str) -> Value {
    let account = if account.is_empty() {
        POLICY_WORLD_ACCOUNT
    } else {
        account
    };
    json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
        "Action": "kms:*",
        "Resource": "*"
    }]})
}

fn allow_all() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
}

/// The world of `policy` (already read through the one reader) read as `ty`, holding every bucket
/// and resource `probes` name. `tags` are principal tags the policies' conditions test: besides
/// the untagged user, one user per tag carries it (named `iamsim-user-1`, ... in order), so that
/// conditions on `aws:PrincipalTag` are decided for each value that matters.
pub fn policy_world(
    policy: InputFile,
    aws_managed: bool,
    ty: PolicyType,
    probes: &[Probe],
    tags: &[(String, String)],
) -> Result<World, LoadError> {
    let mut accounts: Map<String, Value> = Map::new();
    let mut home = Map::new();
    // An AWS managed policy (a world's copy, or the bundled one a world attaches by ARN) is
    // attached as AWS's, by an ARN: it is held to no customer quota (1.28).
    let attached = if aws_managed {
        let arn = if policy.name.starts_with("arn:aws:iam::aws:policy/") {
            policy.name.clone()
        } else {
            "arn:aws:iam::aws:policy/IamsimChecked".to_string()
        };
        home.insert(
            "aws_managed_policies".into(),
            json!({ arn.clone(): "policy.json" }),
        );
        arn
    } else {
        "policy.json".to_string()
    };
    let (users, organization) = principals(ty, &attached, tags, &mut home);
    declare_probes(ty, probes, &mut accounts, &mut home);
    home.insert("users".into(), Value::Object(users));
    accounts.insert(POLICY_WORLD_ACCOUNT.into(), Value::Object(home));
    let mut world = json!({"accounts": accounts});
    if let (Some(org), Some(w)) = (organization, world.as_object_mut()) {
        w.insert("organization".into(), org);
    }
    let dir = Path::new(&policy.name)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let files = Memory {
        dir,
        world: world.to_string(),
        policy,
    };
    World::load_from(&files)
}

/// The principals of a policy's world and where the policy is attached (`attached`: its
/// reference): a user with it for an identity policy (one more per tag), a user it bounds, an
/// organization it governs, or the role it is the trust of (in `home`).
fn principals(
    ty: PolicyType,
    attached: &str,
    tags: &[(String, String)],
    home: &mut Map<String, Value>,
) -> (Map<String, Value>, Option<Value>) {
    let mut users = Map::new();
    let mut organization = None;
    match ty {
        PolicyType::Identity | PolicyType::Session => {
            users.insert(POLICY_WORLD_USER.into(), json!({"policies": [attached]}));
            for (i, (k, v)) in tags.iter().enumerate() {
                users.insert(
                    format!("{POLICY_WORLD_USER}-{}", i + 1),
                    json!({"policies": [attached], "tags": {k: v}}),
                );
            }
        }
        PolicyType::Boundary => {
            users.insert(
                POLICY_WORLD_USER.into(),
                json!({"policies": [allow_all()], "boundary": attached}),
            );
        }
        PolicyType::Scp | PolicyType::Rcp => {
            users.insert(POLICY_WORLD_USER.into(), json!({"policies": [allow_all()]}));
            let key = if ty == PolicyType::Scp {
                "scps"
            } else {
                "rcps"
            };
            organization = Some(json!({
                "id": "o-iamsimprobe",
                "root": {key: ["policy.json"], "accounts": [POLICY_WORLD_ACCOUNT]}
            }));
        }
        PolicyType::Trust => {
            users.insert(POLICY_WORLD_USER.into(), json!({}));
            home.insert(
                "roles".into(),
                json!({POLICY_WORLD_ROLE: {"trust": "policy.json"}}),
            );
        }
        PolicyType::Resource => {
            users.insert(POLICY_WORLD_USER.into(), json!({}));
        }
    }
    (users, organization)
}

/// Every bucket, key and account the requests name is declared, so that no answer turns on
/// what the world does not say; a resource-based policy is the policy of each.
fn declare_probes(
    ty: PolicyType,
    probes: &[Probe],
    accounts: &mut Map<String, Value>,
    home: &mut Map<String, Value>,
) {
    let with_policy = ty == PolicyType::Resource;
    let mut buckets = Map::new();
    let mut resources: Map<String, Value> = Map::new();
    let mut home_keys = json!({});
    for p in probes {
        let Ok(arn) = iamsim_policy::arn::parse_arn(&p.resource) else {
            continue;
        };
        let entry = if with_policy {
            json!({"policy": "policy.json"})
        } else if arn.service == "kms" {
            // A KMS key always has a key policy (8.1); AWS's default one lets the account's
            // identity policies decide.
            json!({"policy": default_key_policy(arn.account)})
        } else {
            json!({})
        };
        if arn.service == "kms" {
            // A key is declared under `keys`, by id, with its Region (an alias or a key ARN
            // without a Region names no key the world can hold).
            let (Some(id), false) = (arn.resource.strip_prefix("key/"), arn.region.is_empty())
            else {
                continue;
            };
            let owner = if iamsim_policy::arn::is_account_id(arn.account)
                && arn.account != POLICY_WORLD_ACCOUNT
            {
                accounts
                    .entry(arn.account.to_string())
                    .or_insert_with(|| json!({"resources": {}}))
            } else {
                &mut home_keys
            };
            if let Some(m) = owner.as_object_mut() {
                let keys = m.entry("keys").or_insert_with(|| json!({}));
                if let Some(k) = keys.as_object_mut() {
                    let policy = entry.get("policy").cloned().unwrap_or(Value::Null);
                    k.insert(
                        id.to_string(),
                        json!({"region": arn.region, "policy": policy}),
                    );
                }
            }
        } else if arn.service == "s3" && arn.account.is_empty() {
            let bucket = arn.resource.split('/').next().unwrap_or("");
            if !bucket.is_empty() {
                let mut b = entry;
                if let Some(m) = b.as_object_mut() {
                    m.insert("block_public_access".into(), Value::Bool(false));
                }
                buckets.insert(bucket.to_string(), b);
            }
        } else if iamsim_policy::arn::is_account_id(arn.account)
            && arn.account != POLICY_WORLD_ACCOUNT
        {
            let acct = accounts
                .entry(arn.account.to_string())
                .or_insert_with(|| json!({"resources": {}}));
            if let (true, Some(r)) = (
                with_policy,
                acct.get_mut("resources").and_then(Value::as_object_mut),
            ) {
                r.insert(p.resource.clone(), entry);
            }
        } else if with_policy {
            resources.insert(p.resource.clone(), entry);
        }
    }
    home.insert("buckets".into(), Value::Object(buckets));
    home.insert("resources".into(), Value::Object(resources));
    if let Some(keys) = home_keys.get("keys") {
        home.insert("keys".into(), keys.clone());
    }
}

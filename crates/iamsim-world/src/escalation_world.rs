//! What privilege-escalation steps need a world to say (docs/world-format.md, "Paths beyond
//! AssumeRole"): instance profiles, things that run code with a role (`compute`), whether a user
//! has a console password (`login_profile`), and the stored versions of customer managed
//! policies. Reading them from world.json, each problem a diagnostic at its place.

use crate::load::{field, Loader};
use crate::world::{Account, PolicyHandle, Role, World};
use iamsim_policy::json::{Json, JsonValue, Member};
use iamsim_policy::{Code, PolicyType, Source};
use std::collections::BTreeMap;
use std::sync::Arc;

/// An instance profile: the container that hands a role to an EC2 instance.
#[derive(Debug, Clone)]
pub struct InstanceProfile {
    /// Its name.
    pub name: String,
    /// `arn:aws:iam::ACCOUNT:instance-profile/NAME`.
    pub arn: String,
    /// The roles it holds, by name (AWS allows one).
    pub roles: Vec<String>,
}

/// Something that runs code with a role: an EC2 instance, a Lambda function, a Glue development
/// endpoint, a SageMaker notebook, a CodeBuild project, a CloudFormation stack's service role.
#[derive(Debug, Clone)]
pub struct Compute {
    /// Its ARN.
    pub arn: String,
    /// Its kind as `service:resource-type` (`ec2:instance`), from
    /// [`iamsim_catalog::escalation::compute_kind`].
    pub kind: &'static str,
    /// The role it runs with, by name, when the world names it directly.
    pub role: Option<String>,
    /// The instance profile it runs with, by name (EC2 instances).
    pub instance_profile: Option<String>,
    /// Its tags (`aws:ResourceTag/*` of requests on it).
    pub tags: BTreeMap<String, String>,
    /// Whether Systems Manager manages it; `None`: the world does not say.
    pub ssm_managed: Option<bool>,
    /// Whether it accepts EC2 Instance Connect keys; `None`: the world does not say.
    pub instance_connect: Option<bool>,
}

impl Compute {
    /// The name of the role it runs with: its own `role`, or the role of its instance profile.
    /// `None` when the world does not say (an instance profile holding no role, or none named).
    pub fn role_name<'a>(&'a self, account: &'a Account) -> Option<&'a str> {
        if let Some(r) = &self.role {
            return Some(r);
        }
        let profile = account
            .instance_profiles
            .get(self.instance_profile.as_ref()?)?;
        profile.roles.first().map(String::as_str)
    }

    /// The role it runs with, when the world names it and `account` holds it.
    pub fn role<'a>(&'a self, account: &'a Account) -> Option<&'a Role> {
        account.roles.get(self.role_name(account)?)
    }
}

/// The stored versions of a customer managed policy written as `{"versions": {...}, "default"}`.
#[derive(Debug, Clone)]
pub struct PolicyVersions {
    /// The version in force (`v1`); its document is the account's policy of that name.
    pub default: String,
    /// Every stored version by id, the default included.
    pub versions: BTreeMap<String, PolicyHandle>,
}

impl World {
    /// The compute of every account, with its account.
    pub fn compute(&self) -> impl Iterator<Item = (&Account, &Compute)> {
        self.accounts
            .values()
            .flat_map(|a| a.compute.values().map(move |c| (a, c)))
    }
}

/// The most stored versions IAM keeps of one managed policy.
pub const MAX_POLICY_VERSIONS: usize = 5;

impl Loader<'_> {
    /// A customer managed policy written with its versions; the default version's document, with
    /// the versions, or `None` after reporting what is wrong.
    pub(crate) fn policy_versions(
        &mut self,
        src: &Arc<Source>,
        name: &str,
        members: &[Member],
        account: Option<&Account>,
    ) -> Option<(PolicyHandle, PolicyVersions)> {
        let what = format!("policy `{name}`");
        self.check_fields(src, members, &["versions", "default"], &what);
        let list = field(members, "versions")?;
        let entries = self.object(src, list, "`versions`")?;
        if entries.len() > MAX_POLICY_VERSIONS {
            self.error(
                src,
                list.span,
                Code::InvalidValue,
                format!(
                    "{what} has {} versions; IAM keeps at most {MAX_POLICY_VERSIONS}",
                    entries.len()
                ),
            );
        }
        let mut versions = BTreeMap::new();
        for m in entries {
            if !is_version_id(&m.key) {
                self.error(
                    src,
                    m.key_span,
                    Code::InvalidValue,
                    format!(
                        "`{}` is not a policy version id (`v` and a number, such as `v2`)",
                        m.key
                    ),
                );
                continue;
            }
            if let Some(p) = self.policy_ref(src, &m.value, PolicyType::Identity, account) {
                versions.insert(m.key.clone(), crate::load::own_handle(p));
            }
        }
        let Some(default) = field(members, "default") else {
            self.error(
                src,
                list.span,
                Code::MissingField,
                format!("{what} lists versions but no `default` (the version in force)"),
            );
            return None;
        };
        let default_span = default.span;
        let default = self.string(src, default, "`default`")?;
        let Some(handle) = versions.get(&default).cloned() else {
            self.error(
                src,
                default_span,
                Code::UnknownReference,
                format!("{what} has no version `{default}`"),
            );
            return None;
        };
        Some((handle, PolicyVersions { default, versions }))
    }

    /// An account's `instance_profiles`: `{NAME: {"roles": [ROLE_NAME]}}`.
    pub(crate) fn instance_profiles(
        &mut self,
        src: &Arc<Source>,
        json: &Json,
        account: &mut Account,
    ) {
        for m in self.object(src, json, "`instance_profiles`").unwrap_or(&[]) {
            let what = format!("instance profile `{}`", m.key);
            let Some(members) = self.object(src, &m.value, &what) else {
                continue;
            };
            self.check_fields(src, members, &["roles"], &what);
            let mut roles = Vec::new();
            if let Some(list) = field(members, "roles") {
                let items = self.array(src, list, "`roles`").unwrap_or(&[]);
                if items.len() > 1 {
                    self.error(
                        src,
                        list.span,
                        Code::InvalidValue,
                        format!(
                            "{what} holds {} roles; an instance profile holds at most one",
                            items.len()
                        ),
                    );
                }
                for item in items {
                    let Some(r) = self.string(src, item, "a role name") else {
                        continue;
                    };
                    if !account.roles.contains_key(&r) {
                        self.error(
                            src,
                            item.span,
                            Code::UnknownReference,
                            format!(
                                "{what} holds role `{r}`, which account {} does not have",
                                account.id
                            ),
                        );
                    }
                    roles.push(r);
                }
            }
            let arn = format!("arn:aws:iam::{}:instance-profile/{}", account.id, m.key);
            account.instance_profiles.insert(
                m.key.clone(),
                InstanceProfile {
                    name: m.key.clone(),
                    arn,
                    roles,
                },
            );
        }
    }

    /// An account's `compute`: `{ARN: {"role": NAME} | {"instance_profile": NAME}, "tags", ...}`.
    /// Read after the account's roles and instance profiles, which it names.
    pub(crate) fn compute(&mut self, src: &Arc<Source>, json: &Json, account: &mut Account) {
        for m in self.object(src, json, "`compute`").unwrap_or(&[]) {
            if let Some(c) = self.one_compute(src, m, account) {
                account.compute.insert(m.key.clone(), c);
            }
        }
    }

    fn one_compute(&mut self, src: &Arc<Source>, m: &Member, account: &Account) -> Option<Compute> {
        let what = format!("compute `{}`", m.key);
        let members = self.object(src, &m.value, &what)?;
        self.check_fields(
            src,
            members,
            &[
                "role",
                "instance_profile",
                "tags",
                "ssm_managed",
                "instance_connect",
            ],
            &what,
        );
        let Some(kind) = iamsim_catalog::escalation::compute_kind(&m.key) else {
            self.error(
                src,
                m.key_span,
                Code::InvalidValue,
                format!("`{}` is not the ARN of something that runs code with a role (an EC2 instance, a Lambda function, a Glue development endpoint, a SageMaker notebook instance, a CodeBuild project or a CloudFormation stack)", m.key),
            );
            return None;
        };
        let owner = m.key.split(':').nth(4).unwrap_or("");
        if owner != account.id {
            self.error(
                src,
                m.key_span,
                Code::InvalidValue,
                format!(
                    "`{}` is not in account {}: compute is listed under its own account",
                    m.key, account.id
                ),
            );
            return None;
        }
        let role = field(members, "role").and_then(|v| self.named_role(src, v, account));
        let instance_profile = match field(members, "instance_profile") {
            Some(v) => {
                let name = self.string(src, v, "`instance_profile`")?;
                if !account.instance_profiles.contains_key(&name) {
                    self.error(
                        src,
                        v.span,
                        Code::UnknownReference,
                        format!("{what} names instance profile `{name}`, which account {} does not have", account.id),
                    );
                }
                Some(name)
            }
            None => None,
        };
        if role.is_some() && instance_profile.is_some() {
            self.error(
                src,
                m.key_span,
                Code::InvalidValue,
                format!("{what} names both a role and an instance profile; give one"),
            );
        }
        Some(Compute {
            arn: m.key.clone(),
            kind,
            role,
            instance_profile,
            tags: self.tags(src, members),
            ssm_managed: self.bool_field(src, members, "ssm_managed"),
            instance_connect: self.bool_field(src, members, "instance_connect"),
        })
    }

    fn named_role(&mut self, src: &Arc<Source>, v: &Json, account: &Account) -> Option<String> {
        let name = self.string(src, v, "`role`")?;
        if !account.roles.contains_key(&name) {
            self.error(
                src,
                v.span,
                Code::UnknownReference,
                format!("role `{name}` is not a role of account {}", account.id),
            );
        }
        Some(name)
    }

    /// A user's `login_profile`: `true`, `false` (also when absent) or `null` (unknown).
    pub(crate) fn login_profile(&mut self, src: &Arc<Source>, members: &[Member]) -> Option<bool> {
        match field(members, "login_profile") {
            None => Some(false),
            Some(Json {
                value: JsonValue::Null,
                ..
            }) => None,
            Some(_) => self.bool_field(src, members, "login_profile"),
        }
    }
}

/// `v` and a number, as IAM names policy versions.
fn is_version_id(s: &str) -> bool {
    s.strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use crate::world::test_world;

    #[test]
    fn reads_profiles_compute_login_profiles_and_versions() {
        let world = test_world(
            r#"{"accounts": {"111111111111": {
                "policies": {"p": {"versions": {
                    "v1": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]},
                    "v2": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
                }, "default": "v1"}},
                "users": {
                    "a": {"policies": ["arn:aws:iam::111111111111:policy/p"], "login_profile": true},
                    "b": {"login_profile": null},
                    "c": {}
                },
                "roles": {"web": {"trust": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}},
                "instance_profiles": {"web-profile": {"roles": ["web"]}},
                "compute": {"arn:aws:ec2:us-east-1:111111111111:instance/i-0abc": {"instance_profile": "web-profile", "ssm_managed": true}}
            }}}"#,
        );
        let a = &world.accounts["111111111111"];
        assert_eq!(a.users["a"].login_profile, Some(true));
        assert_eq!(a.users["b"].login_profile, None);
        assert_eq!(a.users["c"].login_profile, Some(false));
        let versions = &a.policy_versions["p"];
        assert_eq!(versions.default, "v1");
        assert!(std::sync::Arc::ptr_eq(
            &versions.versions["v1"],
            &a.policies["p"]
        ));
        assert!(std::sync::Arc::ptr_eq(
            &a.users["a"].policies[0],
            &a.policies["p"]
        ));
        let c = &a.compute["arn:aws:ec2:us-east-1:111111111111:instance/i-0abc"];
        assert_eq!(c.kind, "ec2:instance");
        assert_eq!(c.role_name(a), Some("web"));
        assert_eq!(c.ssm_managed, Some(true));
        assert_eq!(c.instance_connect, None);
    }

    fn load_errors(world_json: &str) -> Vec<String> {
        let dir =
            std::env::temp_dir().join(format!("iamsim-escalation-world-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("world.json"), world_json).unwrap();
        let loaded = crate::World::load(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        match loaded {
            Ok(_) => Vec::new(),
            Err(e) => e.diagnostics.iter().map(|d| d.message.clone()).collect(),
        }
    }

    /// Two customer managed policies written from one file, and an inline policy naming that
    /// file, are three policies: a new version of one changes only the principals attached to it
    /// (escalation steps find "attached to" by the handle).
    #[test]
    fn managed_policies_from_one_file_are_distinct() {
        let dir = std::env::temp_dir().join(format!("iamsim-own-handle-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("p.json"),
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
        )
        .unwrap();
        std::fs::write(
            dir.join("world.json"),
            r#"{"accounts": {"111111111111": {
                "policies": {"a": "p.json", "b": "p.json"},
                "users": {
                    "x": {"policies": ["arn:aws:iam::111111111111:policy/a"]},
                    "y": {"policies": ["p.json"]}
                }
            }}}"#,
        )
        .unwrap();
        let world = crate::World::load(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let a = &world.accounts["111111111111"];
        let (pa, pb) = (&a.policies["a"], &a.policies["b"]);
        assert!(!std::sync::Arc::ptr_eq(pa, pb));
        assert!(std::sync::Arc::ptr_eq(&a.users["x"].policies[0], pa));
        assert!(!std::sync::Arc::ptr_eq(&a.users["y"].policies[0], pa));
        assert!(!std::sync::Arc::ptr_eq(&a.users["y"].policies[0], pb));
    }

    #[test]
    fn refuses_what_cannot_be() {
        let errors = load_errors(
            r#"{"accounts": {"111111111111": {
                "policies": {"p": {"versions": {"v1": {"Version": "2012-10-17", "Statement": []}}, "default": "v3"},
                             "q": {"versions": {"one": {"Version": "2012-10-17", "Statement": []}}, "default": "one"}},
                "roles": {"r": {"trust": {"Version": "2012-10-17", "Statement": []}}},
                "instance_profiles": {"ip": {"roles": ["r", "nope"]}},
                "compute": {
                    "arn:aws:s3:::bucket": {"role": "r"},
                    "arn:aws:lambda:us-east-1:222222222222:function:f": {"role": "r"},
                    "arn:aws:lambda:us-east-1:111111111111:function:g": {"role": "r", "instance_profile": "ip"},
                    "arn:aws:lambda:us-east-1:111111111111:function:h": {"role": "missing"}
                }
            }}}"#,
        );
        let all = errors.join("\n");
        for want in [
            "has no version `v3`",
            "`one` is not a policy version id",
            "holds 2 roles",
            "holds role `nope`",
            "`arn:aws:s3:::bucket` is not the ARN of something that runs code",
            "is not in account 111111111111",
            "names both a role and an instance profile",
            "role `missing` is not a role of account 111111111111",
        ] {
            assert!(all.contains(want), "missing `{want}` in:\n{all}");
        }
    }
}

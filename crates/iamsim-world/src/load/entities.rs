//! An account's entities as world.json writes them: its customer managed policies, users,
//! groups, roles, buckets and resources, and Block Public Access settings.

use super::{field, own_handle, Loader};
use crate::world::{
    Account, BlockPublicAccess, Bucket, Group, IamKind, IamName, Resource, Role, User,
};
use iamsim_policy::json::{Json, JsonValue, Member};
use iamsim_policy::{Code, PolicyType, Source};
use std::sync::Arc;

impl Loader<'_> {
    pub(super) fn account_policies(&mut self, src: &Arc<Source>, id: &str, json: &Json) -> Account {
        let mut account = Account {
            id: id.to_string(),
            ..Account::default()
        };
        let Some(members) = json.members() else {
            return account;
        };
        self.aws_managed_copies(src, id, members);
        if let Some(policies) = field(members, "policies") {
            if let Some(entries) = self.object(src, policies, "`policies`") {
                for m in entries {
                    if let Some(vm) = m
                        .value
                        .members()
                        .filter(|vm| field(vm, "versions").is_some())
                    {
                        if let Some((p, versions)) = self.policy_versions(src, &m.key, vm, None) {
                            account.policies.insert(m.key.clone(), p);
                            account.policy_versions.insert(m.key.clone(), versions);
                        }
                        continue;
                    }
                    let arn = format!("arn:aws:iam::{id}:policy/{}", m.key);
                    if let Some(p) = self
                        .policy_ref_named(src, &m.value, PolicyType::Identity, None, &|| {
                            arn.clone()
                        })
                        .map(own_handle)
                    {
                        account.policies.insert(m.key.clone(), p);
                    }
                }
            }
        }
        account
    }

    pub(crate) fn account(&mut self, src: &Arc<Source>, json: &Json, account: &mut Account) {
        let Some(members) = self.object(src, json, "an account") else {
            return;
        };
        self.check_fields(
            src,
            members,
            &[
                "alias",
                "users",
                "groups",
                "roles",
                "policies",
                "buckets",
                "resources",
                "block_public_access",
                "aws_managed_policies",
                "keys",
                "oidc_providers",
                "saml_providers",
                "iac",
                "instance_profiles",
                "compute",
            ],
            "an account",
        );
        crate::federated::load_providers(self, src, members, account);
        account.alias = field(members, "alias").and_then(|v| self.string(src, v, "`alias`"));
        if let Some(v) = field(members, "block_public_access") {
            account.block_public_access = self.block_public_access(src, v);
        }
        let id = account.id.clone();
        if let Some(groups) = field(members, "groups") {
            for m in self.object(src, groups, "`groups`").unwrap_or(&[]) {
                let group = self.group(src, &m.key, &m.value, account);
                account.groups.insert(m.key.clone(), group);
            }
        }
        // Users and roles are collected, then built into their maps at once: the maps' nodes
        // are then full (one by one, in the sorted order world files have, they were half
        // empty: a third of a loaded world's memory).
        if let Some(users) = field(members, "users") {
            let mut built = Vec::new();
            for m in self.object(src, users, "`users`").unwrap_or(&[]) {
                if let Some(user) = self.user(src, &id, m, account) {
                    built.push((m.key.clone(), user));
                }
            }
            account.users.append(&mut built.into_iter().collect());
        }
        if let Some(roles) = field(members, "roles") {
            let mut built = Vec::new();
            for m in self.object(src, roles, "`roles`").unwrap_or(&[]) {
                if let Some(role) = self.role(src, &id, m, account) {
                    built.push((m.key.clone(), role));
                }
            }
            account.roles.append(&mut built.into_iter().collect());
        }
        if let Some(buckets) = field(members, "buckets") {
            for m in self.object(src, buckets, "`buckets`").unwrap_or(&[]) {
                let bucket = self.bucket(src, &id, m);
                account.buckets.insert(m.key.clone(), bucket);
            }
        }
        if let Some(resources) = field(members, "resources") {
            for m in self.object(src, resources, "`resources`").unwrap_or(&[]) {
                let resource = self.resource(src, &id, m);
                account.resources.insert(m.key.clone(), resource);
            }
        }
        // What escalation steps need (docs/world-format.md): crate::escalation_world.
        if let Some(v) = field(members, "instance_profiles") {
            self.instance_profiles(src, v, account);
        }
        if let Some(v) = field(members, "compute") {
            self.compute(src, v, account);
        }
        // KMS keys (docs/world-format.md): crate::kms_world.
        if let Some(keys) = field(members, "keys") {
            account.keys = self.keys(src, &id, keys);
        }
    }

    pub(crate) fn group(
        &mut self,
        src: &Arc<Source>,
        name: &str,
        json: &Json,
        account: &Account,
    ) -> Group {
        let what = format!("group `{name}`");
        let members = self.object(src, json, &what).unwrap_or(&[]);
        self.check_fields(src, members, &["path", "policies"], &what);
        let path = self.path_field(src, members);
        let policies = self.policy_list(src, members, PolicyType::Identity, Some(account));
        Group {
            name: name.to_string(),
            path: path.into_owned(),
            policies,
        }
    }

    pub(super) fn user(
        &mut self,
        src: &Arc<Source>,
        account_id: &str,
        m: &Member,
        account: &Account,
    ) -> Option<User> {
        let members = self.entity(
            src,
            &m.value,
            &[
                "path",
                "policies",
                "groups",
                "boundary",
                "tags",
                "id",
                "recreated",
                "access_keys",
                "login_profile",
            ],
            &|| format!("user `{}`", m.key),
        )?;
        let path = self.path_field(src, members);
        let policies = self.policy_list(src, members, PolicyType::Identity, Some(account));
        let user_arn = crate::world::iam_arn(account_id, "user", &path, &m.key);
        let access_keys = self.access_keys(src, members, &user_arn);
        let mut groups = Vec::new();
        if let Some(list) = field(members, "groups") {
            for item in self.array(src, list, "`groups`").unwrap_or(&[]) {
                if let Some(g) = self.string(src, item, "a group name") {
                    if !account.groups.contains_key(&g) {
                        self.error(
                            src,
                            item.span,
                            Code::UnknownReference,
                            format!("user `{}` is in group `{g}`, which account {account_id} does not have", m.key),
                        );
                    }
                    groups.push(g);
                }
            }
        }
        let boundary = field(members, "boundary")
            .and_then(|b| self.policy_ref(src, b, PolicyType::Boundary, Some(account)));
        let tags = self.tags(src, members);
        // Without one, the id is derived from account and name (IamName::new).
        let id = field(members, "id").and_then(|v| self.string(src, v, "`id`"));
        let recreated = self.bool_field(src, members, "recreated").unwrap_or(false);
        let login_profile = self.login_profile(src, members);
        Some(User {
            iam: IamName::new(IamKind::User, account_id, &path, &m.key, id.as_deref()),
            policies,
            groups,
            boundary,
            tags,
            recreated,
            access_keys,
            login_profile,
            identity_index: Default::default(),
        })
    }

    /// A user's `access_keys` (docs/world-format.md): the ids an AWS CLI credentials file names,
    /// so a profile's static keys lead to their user. Each id belongs to one user only.
    pub(super) fn access_keys(
        &mut self,
        src: &Arc<Source>,
        members: &[Member],
        user: &str,
    ) -> Vec<String> {
        let mut keys = Vec::new();
        let Some(list) = field(members, "access_keys") else {
            return keys;
        };
        for item in self.array(src, list, "`access_keys`").unwrap_or(&[]) {
            let Some(k) = self.string(src, item, "an access key id") else {
                continue;
            };
            // IAM's pattern for access key ids: 16 to 128 word characters.
            let valid = (16..=128).contains(&k.len())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                self.error(
                    src,
                    item.span,
                    Code::InvalidValue,
                    format!("`{k}` is not an access key id (16 to 128 letters and digits, such as `AKIAIOSFODNN7EXAMPLE`)"),
                );
                continue;
            }
            if let Some(other) = self.access_keys.get(&k) {
                let message = format!(
                    "access key `{k}` is already the key of `{other}`; a key belongs to one user"
                );
                self.error(src, item.span, Code::InvalidValue, message);
                continue;
            }
            self.access_keys.insert(k.clone(), user.to_string());
            keys.push(k);
        }
        keys
    }

    pub(super) fn role(
        &mut self,
        src: &Arc<Source>,
        account_id: &str,
        m: &Member,
        account: &Account,
    ) -> Option<Role> {
        let members = self.entity(
            src,
            &m.value,
            &[
                "path",
                "trust",
                "policies",
                "boundary",
                "tags",
                "id",
                "recreated",
                "max_session_duration",
            ],
            &|| format!("role `{}`", m.key),
        )?;
        let path = self.path_field(src, members);
        let trust = match field(members, "trust") {
            Some(t) => self.policy_ref(src, t, PolicyType::Trust, Some(account)),
            None => {
                self.error(
                    src,
                    m.key_span,
                    Code::MissingField,
                    format!("role `{}` has no `trust` policy (it is required)", m.key),
                );
                None
            }
        };
        let policies = self.policy_list(src, members, PolicyType::Identity, Some(account));
        let boundary = field(members, "boundary")
            .and_then(|b| self.policy_ref(src, b, PolicyType::Boundary, Some(account)));
        let tags = self.tags(src, members);
        // Without one, the id is derived from account and name (IamName::new).
        let id = field(members, "id").and_then(|v| self.string(src, v, "`id`"));
        let recreated = self.bool_field(src, members, "recreated").unwrap_or(false);
        let max_session_duration = match field(members, "max_session_duration") {
            Some(v) => match &v.value {
                JsonValue::Number(n) => match n.parse::<u32>() {
                    Ok(d) if (3600..=43200).contains(&d) => d,
                    _ => {
                        self.error(
                            src,
                            v.span,
                            Code::InvalidValue,
                            format!("`max_session_duration` `{n}` is not a whole number of seconds from 3600 to 43200"),
                        );
                        3600
                    }
                },
                _ => {
                    self.error(
                        src,
                        v.span,
                        Code::InvalidType,
                        "`max_session_duration` must be a number of seconds".into(),
                    );
                    3600
                }
            },
            None => 3600,
        };
        Some(Role {
            iam: IamName::new(IamKind::Role, account_id, &path, &m.key, id.as_deref()),
            trust: trust?,
            policies,
            boundary,
            tags,
            recreated,
            max_session_duration,
            identity_index: Default::default(),
        })
    }

    pub(super) fn bucket(&mut self, src: &Arc<Source>, account_id: &str, m: &Member) -> Bucket {
        let members = self
            .entity(
                src,
                &m.value,
                &["policy", "block_public_access", "tags", "encryption"],
                &|| format!("bucket `{}`", m.key),
            )
            .unwrap_or(&[]);
        let encryption = self.encryption(src, members);
        let policy = field(members, "policy")
            .and_then(|p| self.policy_ref(src, p, PolicyType::Resource, None));
        let block_public_access = match field(members, "block_public_access") {
            Some(v) => self.block_public_access(src, v),
            // New buckets have every setting on (docs/world-format.md).
            None => BlockPublicAccess::all(true),
        };
        let tags = self.tags(src, members);
        Bucket {
            account: account_id.to_string(),
            name: m.key.clone(),
            policy,
            block_public_access,
            tags,
            encryption,
        }
    }

    pub(super) fn resource(&mut self, src: &Arc<Source>, account_id: &str, m: &Member) -> Resource {
        let what = format!("resource `{}`", m.key);
        if iamsim_policy::arn::parse_arn(&m.key).is_err() {
            self.error(
                src,
                m.key_span,
                Code::InvalidArn,
                format!("`resources` key `{}` is not an ARN", m.key),
            );
        }
        let members = self.object(src, &m.value, &what).unwrap_or(&[]);
        self.check_fields(
            src,
            members,
            &["policy", "tags", "encryption", "function_url"],
            &what,
        );
        let policy = field(members, "policy").and_then(|p| self.resource_policy(src, p, &m.key));
        let tags = self.tags(src, members);
        let (encryption, function_url) = self.resource_extras(src, m, members);
        Resource {
            account: account_id.to_string(),
            arn: m.key.clone(),
            policy,
            tags,
            encryption,
            function_url,
        }
    }

    pub(super) fn block_public_access(
        &mut self,
        src: &Arc<Source>,
        json: &Json,
    ) -> BlockPublicAccess {
        match &json.value {
            JsonValue::Bool(b) => BlockPublicAccess::all(*b),
            JsonValue::Object(members) => {
                self.check_fields(
                    src,
                    members,
                    &[
                        "block_public_acls",
                        "ignore_public_acls",
                        "block_public_policy",
                        "restrict_public_buckets",
                    ],
                    "`block_public_access`",
                );
                BlockPublicAccess {
                    block_public_acls: self
                        .bool_field(src, members, "block_public_acls")
                        .unwrap_or(false),
                    ignore_public_acls: self
                        .bool_field(src, members, "ignore_public_acls")
                        .unwrap_or(false),
                    block_public_policy: self
                        .bool_field(src, members, "block_public_policy")
                        .unwrap_or(false),
                    restrict_public_buckets: self
                        .bool_field(src, members, "restrict_public_buckets")
                        .unwrap_or(false),
                }
            }
            _ => {
                self.error(
                    src,
                    json.span,
                    Code::InvalidType,
                    "`block_public_access` must be a boolean or an object of booleans".into(),
                );
                BlockPublicAccess::all(true)
            }
        }
    }
}

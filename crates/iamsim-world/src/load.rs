//! Reading world.json and the policy files it names, with a diagnostic (file:line:column) for
//! every problem. Nothing is dropped silently: an unknown field is an error, since a misspelt
//! `polices` would otherwise lose a policy without a word.

use crate::world::{
    derived_unique_id, split_iam_arn, Account, BlockPublicAccess, Bucket, Group, LoadedPolicy,
    OrgLevel, Organization, PolicyHandle, Resource, Role, User, World,
};
use iamsim_catalog::managed;
use iamsim_policy::files::{self, FileKind, Files};
use iamsim_policy::json::{self, Json, JsonValue, Limits, Member};
use iamsim_policy::{parse_policy, parse_policy_json, Code, Diagnostic, PolicyType, Source, Span};
use std::collections::{BTreeMap, HashMap};

use std::sync::Arc;

mod aws_managed;
mod world_file;

/// The reader of world.json and the files it names, which collects every problem as a
/// diagnostic at its file:line:column rather than stopping at the first. The tests file reader
/// uses it too, so both read JSON and policy references alike.
pub struct Loader<'f> {
    /// Where the world's files are read from (a folder on disk, or a caller's overlay).
    files: &'f dyn Files,
    /// The problems found so far.
    pub diagnostics: Vec<Diagnostic>,
    cache: HashMap<(String, PolicyType), PolicyHandle>,
    /// The policy files read, by type and reference as written (Loader::policy_file).
    files_read: HashMap<PolicyType, crate::index::FnvMap<String, PolicyHandle>>,
    /// Access key ids seen so far, with the user holding each: a key belongs to one user.
    access_keys: HashMap<String, String>,
    /// Files read from outside the world folder: diagnostics about them are concealed.
    hidden: Vec<String>,
    /// Accounts' copies of AWS managed policies, by account id and ARN: the reference as
    /// written in world.json (load/aws_managed.rs).
    aws_managed: HashMap<(String, String), (Arc<Source>, Json)>,
}

impl<'f> Loader<'f> {
    /// A reader of `files`, with no problems yet.
    pub fn new(files: &'f dyn Files) -> Self {
        Loader {
            files,
            diagnostics: Vec::new(),
            cache: HashMap::new(),
            files_read: HashMap::new(),
            access_keys: HashMap::new(),
            hidden: Vec::new(),
            aws_managed: HashMap::new(),
        }
    }

    /// The reader of the world's files.
    pub fn files(&self) -> &'f dyn Files {
        self.files
    }

    /// Marks a file read elsewhere as outside the world folder: its diagnostics are concealed.
    pub fn hide(&mut self, name: &str) {
        self.hidden.push(name.to_string());
    }

    /// The diagnostics, with those about files outside the world folder concealed.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        let hidden = std::mem::take(&mut self.hidden);
        std::mem::take(&mut self.diagnostics)
            .into_iter()
            .map(|d| {
                let name = d.source.as_ref().map(|s| s.name().to_string());
                match name {
                    Some(n)
                        if hidden
                            .iter()
                            .any(|h| n == *h || n.starts_with(&format!("{h} ("))) =>
                    {
                        files::conceal(d, &n, "policy file")
                    }
                    _ => d,
                }
            })
            .collect()
    }

    pub(crate) fn error(&mut self, src: &Arc<Source>, span: Span, code: Code, message: String) {
        self.diagnostics
            .push(Diagnostic::new(code, message, src, span));
    }

    fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Reads a file of the world as JSON. `at`: the reference's place in the file naming it, so
    /// a refused reference is reported where it is written. A file outside the world folder
    /// (reached through `--root`) is never quoted.
    pub(crate) fn read_json(
        &mut self,
        rel: &str,
        at: Option<(&Arc<Source>, Span)>,
    ) -> Option<(Arc<Source>, Json)> {
        self.read_json_as(rel, at, FileKind::Policy)
    }

    /// [`Loader::read_json`] for a file of `kind` (its size limit: files::FILE_LIMITS).
    pub(crate) fn read_json_as(
        &mut self,
        rel: &str,
        at: Option<(&Arc<Source>, Span)>,
        kind: FileKind,
    ) -> Option<(Arc<Source>, Json)> {
        let (source, shown) = self.read_source_as(rel, at, kind)?;
        match json::parse(&source, limits_of(kind)) {
            Ok(json) => {
                if !shown {
                    self.hidden.push(source.name().to_string());
                }
                Some((source, json))
            }
            Err(d) => {
                self.json_error(d, source.name(), shown);
                None
            }
        }
    }

    /// Reads a file of `kind` as text (UTF-8, within its size limit), with whether its content
    /// may be shown; see [`Loader::read_json`].
    pub(crate) fn read_source_as(
        &mut self,
        rel: &str,
        at: Option<(&Arc<Source>, Span)>,
        kind: FileKind,
    ) -> Option<(Arc<Source>, bool)> {
        let file = match files::read_kind(self.files, rel, kind) {
            Ok(f) => f,
            Err(d) => {
                let d = match at {
                    Some((src, span)) => {
                        let message = if d.code == Code::FileNotFound {
                            format!("policy file `{rel}` does not exist in the world folder")
                        } else {
                            d.message
                        };
                        let mut placed = Diagnostic::new(d.code, message, src, span);
                        placed.help = d.help;
                        placed
                    }
                    None => d,
                };
                self.diagnostics.push(d);
                return None;
            }
        };
        let (name, shown) = (file.name, file.shown);
        match json::source_owned(&name, file.bytes, limits_of(kind)) {
            Ok(source) => Some((source, shown)),
            Err(d) => {
                self.json_error(d, &name, shown);
                None
            }
        }
    }

    /// A file's JSON error, concealed when the file is outside the world folder.
    pub(crate) fn json_error(&mut self, d: Diagnostic, name: &str, shown: bool) {
        self.diagnostics.push(if shown {
            d
        } else {
            files::conceal(d, name, "JSON file")
        });
    }

    /// `defaults`: `{"context": {KEY: VALUE}}` (formats.md 5).
    pub(super) fn defaults(&mut self, src: &Arc<Source>, json: &Json) -> iamsim_policy::Context {
        let Some(members) = self.object(src, json, "`defaults`") else {
            return iamsim_policy::Context::new();
        };
        self.check_fields(src, members, &["context"], "`defaults`");
        match field(members, "context") {
            Some(c) => {
                crate::context::read_context(self, src, c, crate::question::Leniency::default())
            }
            None => iamsim_policy::Context::new(),
        }
    }

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
            path,
            policies,
        }
    }

    fn user(
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
        let id = field(members, "id")
            .and_then(|v| self.string(src, v, "`id`"))
            .unwrap_or_else(|| derived_unique_id("AIDA", account_id, &m.key));
        let recreated = self.bool_field(src, members, "recreated").unwrap_or(false);
        let login_profile = self.login_profile(src, members);
        Some(User {
            account: account_id.to_string(),
            arn: user_arn,
            name: m.key.clone(),
            path,
            id,
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
    fn access_keys(&mut self, src: &Arc<Source>, members: &[Member], user: &str) -> Vec<String> {
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

    fn role(
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
        let id = field(members, "id")
            .and_then(|v| self.string(src, v, "`id`"))
            .unwrap_or_else(|| derived_unique_id("AROA", account_id, &m.key));
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
            account: account_id.to_string(),
            arn: crate::world::iam_arn(account_id, "role", &path, &m.key),
            name: m.key.clone(),
            path,
            id,
            trust: trust?,
            policies,
            boundary,
            tags,
            recreated,
            max_session_duration,
            identity_index: Default::default(),
        })
    }

    fn bucket(&mut self, src: &Arc<Source>, account_id: &str, m: &Member) -> Bucket {
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

    fn resource(&mut self, src: &Arc<Source>, account_id: &str, m: &Member) -> Resource {
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

    pub(super) fn organization(
        &mut self,
        src: &Arc<Source>,
        json: &Json,
        world: &World,
    ) -> Option<Organization> {
        let members = self.object(src, json, "`organization`")?;
        self.check_fields(
            src,
            members,
            &["id", "root", "management_account"],
            "`organization`",
        );
        let id = field(members, "id")
            .and_then(|v| self.string(src, v, "`id`"))
            .unwrap_or_else(|| "o-exampleorgid".to_string());
        let management_account = field(members, "management_account")
            .and_then(|v| self.string(src, v, "`management_account`"));
        if let (Some(m), Some(v)) = (&management_account, field(members, "management_account")) {
            if !iamsim_policy::arn::is_account_id(m) {
                self.error(
                    src,
                    v.span,
                    Code::InvalidAccountId,
                    format!("`management_account` `{m}` is not 12 digits"),
                );
            }
        }
        let mut org = Organization {
            id: id.clone(),
            management_account,
            ..Organization::default()
        };
        let Some(root) = field(members, "root") else {
            self.error(
                src,
                json.span,
                Code::MissingField,
                "`organization` has no `root`".into(),
            );
            return None;
        };
        let path = format!("{id}/r-root/");
        self.org_node(src, root, "root", Vec::new(), &path, &mut org, world, 0);
        Some(org)
    }

    #[allow(clippy::too_many_arguments)]
    fn org_node(
        &mut self,
        src: &Arc<Source>,
        json: &Json,
        name: &str,
        above: Vec<OrgLevel>,
        org_path: &str,
        org: &mut Organization,
        world: &World,
        depth: usize,
    ) {
        let what = format!("organization node `{name}`");
        let Some(members) = self.object(src, json, &what) else {
            return;
        };
        if depth > 5 {
            // AWS allows five levels of OUs below the root.
            self.error(
                src,
                json.span,
                Code::InvalidValue,
                "organizational units nest at most five levels below the root".into(),
            );
            return;
        }
        self.check_fields(src, members, &["scps", "rcps", "accounts", "units"], &what);
        let level = OrgLevel {
            name: name.to_string(),
            scps: self.org_policies(src, members, "scps"),
            rcps: self.org_policies(src, members, "rcps"),
        };
        let mut levels = above;
        levels.push(level);
        if let Some(accounts) = field(members, "accounts") {
            for item in self.array(src, accounts, "`accounts`").unwrap_or(&[]) {
                let (account_id, own) = match &item.value {
                    JsonValue::String(s) => (s.clone(), None),
                    JsonValue::Object(m) => {
                        self.check_fields(src, m, &["id", "scps", "rcps"], "an account entry");
                        let Some(id) = field(m, "id").and_then(|v| self.string(src, v, "`id`"))
                        else {
                            self.error(
                                src,
                                item.span,
                                Code::MissingField,
                                "an account entry needs an `id`".into(),
                            );
                            continue;
                        };
                        (id, Some(m))
                    }
                    _ => {
                        self.error(
                            src,
                            item.span,
                            Code::InvalidType,
                            format!(
                                "an account entry must be an id or an object, not {}",
                                item.type_name()
                            ),
                        );
                        continue;
                    }
                };
                if !world.accounts.contains_key(&account_id)
                    && !iamsim_policy::arn::is_account_id(&account_id)
                {
                    self.error(
                        src,
                        item.span,
                        Code::InvalidAccountId,
                        format!("account id `{account_id}` is not 12 digits"),
                    );
                }
                if org.paths.contains_key(&account_id) {
                    self.error(
                        src,
                        item.span,
                        Code::InvalidValue,
                        format!("account `{account_id}` appears twice in the organization"),
                    );
                    continue;
                }
                let account_level = OrgLevel {
                    name: format!("account {account_id}"),
                    scps: own
                        .map(|m| self.org_policies(src, m, "scps"))
                        .unwrap_or_else(|| self.default_org_policy("scps")),
                    rcps: own
                        .map(|m| self.org_policies(src, m, "rcps"))
                        .unwrap_or_else(|| self.default_org_policy("rcps")),
                };
                let mut path = levels.clone();
                path.push(account_level);
                org.paths.insert(account_id.clone(), path);
                org.org_paths.insert(account_id, org_path.to_string());
            }
        }
        if let Some(units) = field(members, "units") {
            for m in self.object(src, units, "`units`").unwrap_or(&[]) {
                let unit_path = format!("{org_path}{}/", m.key);
                self.org_node(
                    src,
                    &m.value,
                    &format!("ou {}", m.key),
                    levels.clone(),
                    &unit_path,
                    org,
                    world,
                    depth + 1,
                );
            }
        }
    }

    fn default_org_policy(&mut self, which: &str) -> Vec<PolicyHandle> {
        let (name, text, ty) = if which == "scps" {
            ("FullAWSAccess", managed::FULL_AWS_ACCESS, PolicyType::Scp)
        } else {
            (
                "RCPFullAWSAccess",
                managed::RCP_FULL_AWS_ACCESS,
                PolicyType::Rcp,
            )
        };
        self.builtin(name, text, ty).into_iter().collect()
    }

    fn builtin(&mut self, name: &str, text: &str, ty: PolicyType) -> Option<PolicyHandle> {
        let key = (format!("builtin:{name}"), ty);
        if let Some(p) = self.cache.get(&key) {
            return Some(Arc::clone(p));
        }
        let source = Source::new(name, text);
        let parsed = parse_policy(&source, ty);
        let policy = self.take_parsed(parsed, ty == PolicyType::Identity)?;
        let handle = Arc::new(LoadedPolicy::new(name.to_string(), policy));
        self.cache.insert(key, Arc::clone(&handle));
        Some(handle)
    }

    fn org_policies(
        &mut self,
        src: &Arc<Source>,
        members: &[Member],
        which: &str,
    ) -> Vec<PolicyHandle> {
        let ty = if which == "scps" {
            PolicyType::Scp
        } else {
            PolicyType::Rcp
        };
        let Some(list) = field(members, which) else {
            return self.default_org_policy(which);
        };
        let mut out = Vec::new();
        for item in self.array(src, list, which).unwrap_or(&[]) {
            let builtin = match item.as_str() {
                Some("FullAWSAccess" | managed::FULL_AWS_ACCESS_ARN) if ty == PolicyType::Scp => {
                    Some(("FullAWSAccess", managed::FULL_AWS_ACCESS))
                }
                Some("RCPFullAWSAccess" | managed::RCP_FULL_AWS_ACCESS_ARN)
                    if ty == PolicyType::Rcp =>
                {
                    Some(("RCPFullAWSAccess", managed::RCP_FULL_AWS_ACCESS))
                }
                _ => None,
            };
            let handle = match builtin {
                Some((name, text)) => self.builtin(name, text, ty),
                None => self.policy_ref(src, item, ty, None),
            };
            out.extend(handle);
        }
        out
    }

    fn policy_list(
        &mut self,
        src: &Arc<Source>,
        members: &[Member],
        ty: PolicyType,
        account: Option<&Account>,
    ) -> Vec<PolicyHandle> {
        let Some(list) = field(members, "policies") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in self.array(src, list, "`policies`").unwrap_or(&[]) {
            out.extend(self.policy_ref(src, item, ty, account));
        }
        out
    }

    /// Resolves a PolicyRef (docs/world-format.md): a file path, an AWS managed policy ARN, a customer
    /// managed policy ARN of `account`, or an inline document.
    pub fn policy_ref(
        &mut self,
        src: &Arc<Source>,
        json: &Json,
        ty: PolicyType,
        account: Option<&Account>,
    ) -> Option<PolicyHandle> {
        // Only an inline document is named by its position: the line and column of a large
        // world.json cost a scan, so they are not computed for file references.
        let inline_name = || format!("inline policy at {}", src.location(json.span));
        self.policy_ref_named(src, json, ty, account, &inline_name)
    }

    fn policy_ref_named(
        &mut self,
        src: &Arc<Source>,
        json: &Json,
        ty: PolicyType,
        account: Option<&Account>,
        inline_name: &dyn Fn() -> String,
    ) -> Option<PolicyHandle> {
        match &json.value {
            JsonValue::Object(_) => {
                let parsed = parse_policy_json(src, json, ty);
                let policy = self.take_parsed(parsed, false)?;
                Some(Arc::new(LoadedPolicy::new(inline_name(), policy)))
            }
            JsonValue::String(s) => {
                if let Some(name) = s.strip_prefix(aws_managed::AWS_MANAGED_PREFIX) {
                    if let Some(copy) = self.aws_managed_copy(account, s, ty) {
                        return copy;
                    }
                    // Managed policies may have a path (`service-role/X`); the name is the last part.
                    let short = name.rsplit('/').next().unwrap_or(name);
                    let Some(text) = managed::aws_managed_policy(short) else {
                        self.error(
                            src,
                            json.span,
                            Code::UnknownReference,
                            format!("`{s}` is not an AWS managed policy iamsim knows"),
                        );
                        return None;
                    };
                    let key = (s.clone(), ty);
                    if let Some(p) = self.cache.get(&key) {
                        return Some(Arc::clone(p));
                    }
                    let source = Source::new(s.clone(), text);
                    // AWS managed policies are live in AWS: their size is not the customer quota
                    // (parsed without it: with it the parser gives no policy, and ReadOnlyAccess
                    // was dropped without a word).
                    let policy = self
                        .take_parsed(iamsim_policy::parse_aws_managed_policy(&source, ty), true)?;
                    let handle = Arc::new(LoadedPolicy::new(s.clone(), policy));
                    self.cache.insert(key, Arc::clone(&handle));
                    return Some(handle);
                }
                if let Some((acct, rest)) = split_iam_arn(s, "policy/") {
                    let name = rest.rsplit('/').next().unwrap_or(rest);
                    let found = account
                        .filter(|a| a.id == acct)
                        .and_then(|a| a.policies.get(name));
                    return match found {
                        Some(p) => Some(Arc::clone(p)),
                        None => {
                            let whose = account.map(|a| a.id.as_str()).unwrap_or("this");
                            self.error(
                                src,
                                json.span,
                                Code::UnknownReference,
                                format!(
                                    "`{s}` is not a customer managed policy of account {whose}"
                                ),
                            );
                            None
                        }
                    };
                }
                if s.starts_with("arn:") {
                    self.error(
                        src,
                        json.span,
                        Code::UnknownReference,
                        format!("`{s}` is not a policy ARN iamsim can resolve"),
                    );
                    return None;
                }
                self.policy_file(src, json.span, s, ty)
            }
            _ => {
                self.error(
                    src,
                    json.span,
                    Code::InvalidType,
                    format!(
                        "a policy reference must be a path, an ARN or a policy document, not {}",
                        json.type_name()
                    ),
                );
                None
            }
        }
    }

    /// The policy of the resource `arn`, held to its service's size quota (1.28: a queue's
    /// 8,192 bytes, a topic's 30 KB, a repository's 10,240 characters, ...) rather than a bucket
    /// policy's; a path or an inline document (anything else as any policy reference).
    fn resource_policy(
        &mut self,
        src: &Arc<Source>,
        json: &Json,
        arn: &str,
    ) -> Option<PolicyHandle> {
        let quota = iamsim_policy::quota::QuotaKind::of_resource(arn);
        match &json.value {
            JsonValue::Object(_) => {
                let parsed =
                    iamsim_policy::parse_policy_json_quota(src, json, PolicyType::Resource, quota);
                let policy = self.take_parsed(parsed, false)?;
                let name = format!("inline policy at {}", src.location(json.span));
                Some(Arc::new(LoadedPolicy::new(name, policy)))
            }
            JsonValue::String(rel) if !rel.starts_with("arn:") => {
                let (file_src, doc) = self.read_json(rel, Some((src, json.span)))?;
                let (doc_src, doc) = self.unwrap_cli_shape(&file_src, doc)?;
                let parsed = iamsim_policy::parse_policy_json_quota(
                    &doc_src,
                    &doc,
                    PolicyType::Resource,
                    quota,
                );
                let policy = self.take_parsed(parsed, false)?;
                Some(Arc::new(LoadedPolicy::new(rel.to_string(), policy)))
            }
            _ => self.policy_ref(src, json, PolicyType::Resource, None),
        }
    }

    fn policy_file(
        &mut self,
        src: &Arc<Source>,
        span: Span,
        rel: &str,
        ty: PolicyType,
    ) -> Option<PolicyHandle> {
        // Looked up by the reference as written, without a copy of it: a world of a million
        // roles names its shared policy files two million times.
        if let Some(p) = self.files_read.get(&ty).and_then(|m| m.get(rel)) {
            return Some(Arc::clone(p));
        }
        let (file_src, json) = self.read_json(rel, Some((src, span)))?;
        let (doc_src, doc) = self.unwrap_cli_shape(&file_src, json)?;
        let policy = self.take_parsed(parse_policy_json(&doc_src, &doc, ty), false)?;
        let handle = Arc::new(LoadedPolicy::new(rel.to_string(), policy));
        self.files_read
            .entry(ty)
            .or_default()
            .insert(rel.to_string(), Arc::clone(&handle));
        Some(handle)
    }

    /// Unwraps the shapes the AWS CLI prints: `{"Policy": "<document as a string>"}` and
    /// `{"PolicyVersion": {"Document": ...}}`.
    fn unwrap_cli_shape(&mut self, src: &Arc<Source>, json: Json) -> Option<(Arc<Source>, Json)> {
        let Some(members) = json.members() else {
            return Some((Arc::clone(src), json));
        };
        if let [only] = members {
            if only.key == "Policy" {
                if let Some(text) = only.value.as_str() {
                    let inner = Source::new(format!("{} (Policy)", src.name()), text);
                    return match json::parse(&inner, Limits::default()) {
                        Ok(doc) => Some((inner, doc)),
                        Err(d) => {
                            self.diagnostics.push(d);
                            None
                        }
                    };
                }
            }
            if only.key == "PolicyVersion" {
                if let Some(doc) = only.value.get("Document") {
                    if let Some(text) = doc.as_str() {
                        let decoded = iamsim_policy::percent::decode(text);
                        let inner = Source::new(format!("{} (Document)", src.name()), decoded);
                        return match json::parse(&inner, Limits::default()) {
                            Ok(doc) => Some((inner, doc)),
                            Err(d) => {
                                self.diagnostics.push(d);
                                None
                            }
                        };
                    }
                    return Some((Arc::clone(src), doc.clone()));
                }
            }
        }
        Some((Arc::clone(src), json))
    }

    pub(crate) fn take_parsed(
        &mut self,
        parsed: iamsim_policy::Parsed,
        aws_managed: bool,
    ) -> Option<iamsim_policy::Policy> {
        for d in parsed.diagnostics {
            if aws_managed && d.code.is_size_quota() {
                continue;
            }
            self.diagnostics.push(iamsim_policy::quota::as_stored(d));
        }
        parsed.policy
    }

    fn block_public_access(&mut self, src: &Arc<Source>, json: &Json) -> BlockPublicAccess {
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

    pub(crate) fn tags(
        &mut self,
        src: &Arc<Source>,
        members: &[Member],
    ) -> BTreeMap<String, String> {
        let mut tags = BTreeMap::new();
        if let Some(t) = field(members, "tags") {
            for m in self.object(src, t, "`tags`").unwrap_or(&[]) {
                if let Some(v) = self.string(src, &m.value, "a tag value") {
                    tags.insert(m.key.clone(), v);
                }
            }
        }
        tags
    }

    fn path_field(&mut self, src: &Arc<Source>, members: &[Member]) -> String {
        let Some(v) = field(members, "path") else {
            return "/".to_string();
        };
        let Some(path) = self.string(src, v, "`path`") else {
            return "/".to_string();
        };
        if !(path.starts_with('/') && path.ends_with('/')) {
            self.error(
                src,
                v.span,
                Code::InvalidValue,
                format!("path `{path}` must begin and end with `/` (for example `/team/`)"),
            );
        }
        path
    }

    pub(crate) fn bool_field(
        &mut self,
        src: &Arc<Source>,
        members: &[Member],
        name: &str,
    ) -> Option<bool> {
        let v = field(members, name)?;
        match v.value {
            JsonValue::Bool(b) => Some(b),
            _ => {
                self.error(
                    src,
                    v.span,
                    Code::InvalidType,
                    format!("`{name}` must be true or false, not {}", v.type_name()),
                );
                None
            }
        }
    }

    /// The string `json` holds; a diagnostic naming `what` when it holds something else.
    pub fn string(&mut self, src: &Arc<Source>, json: &Json, what: &str) -> Option<String> {
        match &json.value {
            JsonValue::String(s) => Some(s.clone()),
            _ => {
                self.error(
                    src,
                    json.span,
                    Code::InvalidType,
                    format!("{what} must be a string, not {}", json.type_name()),
                );
                None
            }
        }
    }

    /// The members of the object `json` holds; a diagnostic naming `what` when it holds
    /// something else.
    pub fn object<'j>(
        &mut self,
        src: &Arc<Source>,
        json: &'j Json,
        what: &str,
    ) -> Option<&'j [Member]> {
        match &json.value {
            JsonValue::Object(m) => Some(m),
            _ => {
                self.error(
                    src,
                    json.span,
                    Code::InvalidType,
                    format!("{what} must be an object, not {}", json.type_name()),
                );
                None
            }
        }
    }

    /// The items of the array `json` holds; a diagnostic naming `what` when it holds something
    /// else.
    pub fn array<'j>(
        &mut self,
        src: &Arc<Source>,
        json: &'j Json,
        what: &str,
    ) -> Option<&'j [Json]> {
        match &json.value {
            JsonValue::Array(a) => Some(a),
            _ => {
                self.error(
                    src,
                    json.span,
                    Code::InvalidType,
                    format!("{what} must be a list, not {}", json.type_name()),
                );
                None
            }
        }
    }

    /// The members of an entity's object (a user, a role, a bucket), with a diagnostic at each
    /// that is not one of `allowed`; `what` names the entity in diagnostics and is written only
    /// for one (a million roles each wrote their name into a new string).
    pub(crate) fn entity<'j>(
        &mut self,
        src: &Arc<Source>,
        json: &'j Json,
        allowed: &[&str],
        what: &dyn Fn() -> String,
    ) -> Option<&'j [Member]> {
        let Some(members) = json.members() else {
            self.object(src, json, &what());
            return None;
        };
        if members.iter().any(|m| !allowed.contains(&m.key.as_str())) {
            self.check_fields(src, members, allowed, &what());
        }
        Some(members)
    }

    /// A diagnostic at each member whose name is not one of the fields an object of this kind
    /// may have, with the nearest known name as help.
    pub fn check_fields(
        &mut self,
        src: &Arc<Source>,
        members: &[Member],
        allowed: &[&str],
        what: &str,
    ) {
        for m in members {
            if !allowed.contains(&m.key.as_str()) {
                let mut d = Diagnostic::new(
                    Code::UnknownField,
                    format!("{what} has no field `{}`", m.key),
                    src,
                    m.key_span,
                );
                if let Some(best) = closest(&m.key, allowed) {
                    d = d.with_help(format!("did you mean `{best}`?"));
                } else {
                    d = d.with_help(format!("the fields are: {}", allowed.join(", ")));
                }
                self.diagnostics.push(d);
            }
        }
    }
}

/// The reader's limits for a file of `kind`.
fn limits_of(kind: FileKind) -> Limits {
    Limits {
        max_bytes: kind.max_len(),
        ..Limits::default()
    }
}

/// A customer managed policy's own handle. Its identity is what "attached to" means (a new
/// version of it changes every principal holding this handle), so a document the reader shares
/// with other references to the same file (an inline policy naming that file, or another managed
/// policy written from it) is copied: changing one managed policy never changes the others.
pub(crate) fn own_handle(p: PolicyHandle) -> PolicyHandle {
    if Arc::strong_count(&p) == 1 {
        return p;
    }
    Arc::new(LoadedPolicy::new(p.name.clone(), p.policy.clone()))
}

/// The value of the member `name` of an object, if it has one.
pub fn field<'j>(members: &'j [Member], name: &str) -> Option<&'j Json> {
    members.iter().find(|m| m.key == name).map(|m| &m.value)
}

/// The closest name, for "did you mean".
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    iamsim_policy::suggest::closest(word, candidates, |d, c| d <= 2.max(c.len() / 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_near_misses() {
        assert_eq!(
            closest("polices", &["policies", "groups"]),
            Some("policies")
        );
        assert_eq!(closest("zzz", &["policies", "groups"]), None);
    }

    #[test]
    fn percent_decoding_of_cli_documents() {
        assert_eq!(
            iamsim_policy::percent::decode("%7B%22a%22%3A1%7D"),
            "{\"a\":1}"
        );
    }
}

//! Worlds from real exports (`iamsim import`): what the AWS CLI prints for each account's IAM
//! (`aws iam get-account-authorization-details`), its buckets (`aws s3api get-bucket-policy`,
//! `get-public-access-block`, `aws s3control get-public-access-block`) and the organization
//! (`describe-organization`, `list-roots`, `list-organizational-units-for-parent`,
//! `list-accounts-for-parent`, `list-policies-for-target`, `describe-policy`), turned into a world
//! folder: `world.json` and one file per policy document, so explanations name a file and a line.
//!
//! The export folder (README.md gives the commands that fill it):
//!
//! ```text
//! accounts/<id>/authorization-details.json
//! accounts/<id>/public-access-block.json                  (account level, optional)
//! accounts/<id>/buckets/<bucket>/policy.json               (optional: no bucket policy)
//! accounts/<id>/buckets/<bucket>/public-access-block.json  (optional: none configured)
//! organizations/describe-organization.json
//! organizations/list-roots.json
//! organizations/list-organizational-units-for-parent/<parent id>.json
//! organizations/list-accounts-for-parent/<parent id>.json
//! organizations/list-policies-for-target/SERVICE_CONTROL_POLICY/<target id>.json
//! organizations/list-policies-for-target/RESOURCE_CONTROL_POLICY/<target id>.json
//! organizations/describe-policy/<policy id>.json
//! ```
//!
//! Nothing is guessed: a document that cannot be read stops the import with the file, a code
//! ([`ImportError`]) and why. (The export is machine output, read with serde_json: errors name
//! the file and the element, and a line and column only for a file that is not JSON.)

mod error;
mod escalation;
mod services;

pub use error::ImportError;

use iamsim_policy::files::{self, Folder};
use iamsim_policy::Code;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

#[path = "export_providers.rs"]
mod providers;
pub use providers::oidc_file_name;

/// What was imported.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportSummary {
    /// Accounts written to world.json.
    pub accounts: usize,
    /// IAM users, over every account.
    pub users: usize,
    /// IAM groups, over every account.
    pub groups: usize,
    /// IAM roles, over every account.
    pub roles: usize,
    /// S3 buckets, over every account.
    pub buckets: usize,
    /// Policy documents written as files of the world.
    pub policy_files: usize,
    /// Whether the export held an organization, written to world.json with the accounts.
    pub organization: bool,
    /// KMS keys and other services' resources (`kms/`, `resources/`).
    pub keys: usize,
    /// Resources of other services, from the export's `resources/` folder.
    pub resources: usize,
}

struct Importer<'a> {
    from: &'a Path,
    /// The export folder, which every file read must stay inside.
    folder: Folder,
    out: &'a Path,
    summary: ImportSummary,
    /// Documents already written, by folder and text: identical documents (the same trust
    /// policy on a hundred service roles) are written and parsed once.
    written: std::collections::HashMap<(String, String), String>,
    /// Names written so far, lower-cased.
    taken: std::collections::HashSet<String>,
}

fn err<T>(code: Code, file: &Path, message: impl Into<String>) -> Result<T, ImportError> {
    Err(ImportError::new(code, file, message))
}

fn str_field<'v>(v: &'v Value, key: &str, file: &Path) -> Result<&'v str, ImportError> {
    match v.get(key).and_then(Value::as_str) {
        Some(s) => Ok(s),
        None => err(
            Code::ImportUnrecognized,
            file,
            format!("an entry has no `{key}` string"),
        ),
    }
}

fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A policy document as the API or the CLI gives it: a JSON object (the CLI decodes it), or a
/// string — URL-encoded (the raw API), or JSON text (Organizations `Content`).
fn document(v: &Value, file: &Path, what: &str) -> Result<Value, ImportError> {
    match v {
        Value::Object(_) => Ok(v.clone()),
        Value::String(s) => {
            let text = if s.trim_start().starts_with('{') {
                s.clone()
            } else {
                iamsim_policy::percent::decode(s)
            };
            serde_json::from_str(&text).map_err(|e| {
                ImportError::new(
                    Code::ImportUnrecognized,
                    file,
                    format!("{what} is not a policy document: {e}"),
                )
            })
        }
        _ => err(
            Code::ImportUnrecognized,
            file,
            format!("{what} is not a policy document"),
        ),
    }
}

/// Whether `id` has the shape AWS gives ids of `kind`: an id read from an export names files
/// to read and write, so anything else (`../x`, an empty id) is refused.
fn check_id(kind: &str, id: &str, file: &Path) -> Result<(), ImportError> {
    let body = |prefix: &str| {
        id.strip_prefix(prefix).is_some_and(|rest| {
            !rest.is_empty()
                && rest.len() <= 130
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
    };
    let ok = match kind {
        "account" => iamsim_policy::arn::is_account_id(id),
        "root" => body("r-"),
        "unit" => body("ou-"),
        "policy" => body("p-"),
        "target" => iamsim_policy::arn::is_account_id(id) || body("r-") || body("ou-"),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        err(
            Code::ImportInvalidId,
            file,
            format!(
                "`{}` is not an AWS {kind} id",
                id.chars()
                    .take(80)
                    .map(|c| if c.is_control() { '?' } else { c })
                    .collect::<String>()
            ),
        )
    }
}

/// `arn:aws:iam::ACCOUNT:policy/...` with ACCOUNT 12 digits or `aws`.
fn is_policy_arn(arn: &str) -> bool {
    let Some(rest) = arn.strip_prefix("arn:aws:iam::") else {
        return false;
    };
    let Some((account, name)) = rest.split_once(":policy/") else {
        return false;
    };
    (account == "aws" || iamsim_policy::arn::is_account_id(account))
        && !name.is_empty()
        && !name.chars().any(char::is_control)
}

/// A file name from an entity or policy name (IAM names are `[\w+=,.@-]`).
fn safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// World entries by name or ARN.
type Entries = Map<String, Value>;

/// An entity's permissions boundary: the managed policy's file (or ARN) by its ARN.
fn boundary(e: &Value, managed: &Map<String, Value>) -> Option<Value> {
    let arn = e
        .get("PermissionsBoundary")?
        .get("PermissionsBoundaryArn")?
        .as_str()?;
    Some(
        managed
            .get(arn)
            .cloned()
            .unwrap_or_else(|| Value::from(arn)),
    )
}

fn tags(v: &Value) -> Map<String, Value> {
    list(v, "Tags")
        .iter()
        .filter_map(|t| {
            Some((
                t.get("Key")?.as_str()?.to_string(),
                Value::from(t.get("Value")?.as_str()?),
            ))
        })
        .collect()
}

/// `get-public-access-block` → the world's object form.
fn block_public_access(v: &Value) -> Value {
    let c = v.get("PublicAccessBlockConfiguration").unwrap_or(v);
    let flag = |k: &str| c.get(k).and_then(Value::as_bool).unwrap_or(false);
    json!({
        "block_public_acls": flag("BlockPublicAcls"),
        "ignore_public_acls": flag("IgnorePublicAcls"),
        "block_public_policy": flag("BlockPublicPolicy"),
        "restrict_public_buckets": flag("RestrictPublicBuckets"),
    })
}

impl Importer<'_> {
    /// Reads a file of the export folder (never outside it: symlinks out are refused) as JSON.
    fn read_json(&self, file: &Path) -> Result<Value, ImportError> {
        let rel = file.strip_prefix(self.from).map_err(|_| {
            ImportError::new(Code::PathOutsideRoot, file, "not inside the export folder")
        })?;
        let input = files::read_kind(
            &self.folder,
            &rel.to_string_lossy(),
            files::FileKind::Export,
        )
        .map_err(|d| ImportError::read(file, &d))?;
        // The place in the file, and a message that never quotes its text.
        serde_json::from_slice(&input.bytes).map_err(|e| {
            ImportError::new(Code::JsonSyntax, file, format!("not JSON: {e}"))
                .at(e.line(), e.column())
        })
    }

    /// Writes a policy document, or names the identical one already written in its folder.
    fn write_doc(&mut self, rel: &str, v: &Value) -> Result<String, ImportError> {
        let folder = rel.rsplit_once('/').map_or("", |(f, _)| f).to_string();
        let key = (folder, v.to_string());
        if let Some(existing) = self.written.get(&key) {
            return Ok(existing.clone());
        }
        let path = self.write(rel, v)?;
        self.written.insert(key, path.clone());
        Ok(path)
    }

    /// Writes `v` to `rel` ([`write_unique`]).
    fn write(&mut self, rel: &str, v: &Value) -> Result<String, ImportError> {
        let name = write_unique(self.out, &mut self.taken, rel, v)?;
        self.summary.policy_files += 1;
        Ok(name)
    }

    /// Inline policies (`PolicyName`, `PolicyDocument`) and attached managed policies
    /// (`PolicyArn`): customer managed ones become their exported files.
    fn policy_refs(
        &mut self,
        entity: &Value,
        inline_key: &str,
        prefix: &str,
        managed: &Map<String, Value>,
        file: &Path,
    ) -> Result<Vec<Value>, ImportError> {
        let mut out = Vec::new();
        for p in list(entity, inline_key) {
            let name = str_field(p, "PolicyName", file)?;
            let doc = document(p.get("PolicyDocument").unwrap_or(&Value::Null), file, name)?;
            out.push(Value::from(self.write_doc(
                &format!("{prefix}-inline-{}.json", safe(name)),
                &doc,
            )?));
        }
        for p in list(entity, "AttachedManagedPolicies") {
            let arn = str_field(p, "PolicyArn", file)?;
            // Kept as an ARN when the export has no document for it, so never a path.
            if !is_policy_arn(arn) {
                return err(
                    Code::ImportUnrecognized,
                    file,
                    format!("`{arn}` is not a policy ARN"),
                );
            }
            out.push(
                managed
                    .get(arn)
                    .cloned()
                    .unwrap_or_else(|| Value::from(arn)),
            );
        }
        Ok(out)
    }

    fn account(&mut self, id: &str, dir: &Path) -> Result<Value, ImportError> {
        let file = dir.join("authorization-details.json");
        let details = self.read_details(&file)?;
        let base = format!("policies/{id}");
        let (mut managed, aws_copies) = self.managed_policies(&details, &base, &file)?;
        // Stored policy versions and instance profiles (export/escalation.rs).
        let versioned = self.policy_versions(&details, &base, &mut managed, &file)?;
        let profiles = self.instance_profiles(&details, &file)?;
        let groups = self.groups(&details, &base, &managed, &file)?;
        let users = self.users(&details, &base, &managed, &file)?;
        let roles = self.roles(&details, &base, &managed, &file)?;
        let buckets = self.buckets(dir, &base)?;
        let mut account =
            json!({ "users": users, "groups": groups, "roles": roles, "buckets": buckets });
        if let Some(m) = account.as_object_mut() {
            if !aws_copies.is_empty() {
                m.insert("aws_managed_policies".into(), Value::Object(aws_copies));
            }
            if !versioned.is_empty() {
                m.insert("policies".into(), Value::Object(versioned));
            }
            if !profiles.is_empty() {
                m.insert("instance_profiles".into(), Value::Object(profiles));
            }
        }
        // KMS keys and other resource policies (export/services.rs).
        let keys = self.keys(id, dir)?;
        let resources = self.resources(id, dir, &keys)?;
        if let Some(m) = account.as_object_mut() {
            if !keys.is_empty() {
                m.insert("keys".into(), Value::Object(keys));
            }
            if !resources.is_empty() {
                m.insert("resources".into(), Value::Object(resources));
            }
        }
        let account_bpa = dir.join("public-access-block.json");
        if account_bpa.is_file() {
            if let Some(m) = account.as_object_mut() {
                m.insert(
                    "block_public_access".into(),
                    block_public_access(&self.read_json(&account_bpa)?),
                );
            }
        }
        if let Some(m) = account.as_object_mut() {
            self.providers(id, dir, m)?;
        }
        self.summary.accounts += 1;
        Ok(account)
    }

    /// An account's `get-account-authorization-details` output, refused when it is not one or
    /// is one page of several.
    fn read_details(&mut self, file: &Path) -> Result<Value, ImportError> {
        let details = self.read_json(file)?;
        const KEYS: [&str; 4] = [
            "UserDetailList",
            "GroupDetailList",
            "RoleDetailList",
            "Policies",
        ];
        if !details
            .as_object()
            .is_some_and(|m| KEYS.iter().any(|k| m.get(*k).is_some_and(Value::is_array)))
        {
            return err(
                Code::ImportUnrecognized,
                file,
                "not what `aws iam get-account-authorization-details` prints (an object with UserDetailList, GroupDetailList, RoleDetailList or Policies)",
            );
        }
        // One page of a paginated answer (`--max-items`, `--no-paginate`): what is missing could
        // be a Deny, so a partial export is refused.
        if details.get("IsTruncated").and_then(Value::as_bool) == Some(true) {
            return err(
                Code::ImportIncomplete,
                file,
                "the export is one page of several (`IsTruncated` is true): run the command again without `--max-items` or `--no-paginate`",
            );
        }
        Ok(details)
    }

    /// Managed policies: the default version of each, by ARN (a file for a customer policy;
    /// the ARN itself for an AWS managed one), and the account's copies of AWS managed ones,
    /// written too when the export holds them: it is what the account had when it was
    /// collected.
    fn managed_policies(
        &mut self,
        details: &Value,
        base: &str,
        file: &Path,
    ) -> Result<(Entries, Entries), ImportError> {
        let mut managed = Map::new();
        let mut aws_copies = Map::new();
        for p in list(details, "Policies") {
            let arn = str_field(p, "Arn", file)?;
            let name = str_field(p, "PolicyName", file)?;
            let default = list(p, "PolicyVersionList")
                .iter()
                .find(|v| v.get("IsDefaultVersion").and_then(Value::as_bool) == Some(true));
            let Some(version) = default else {
                return err(
                    Code::ImportUnrecognized,
                    file,
                    format!("policy `{arn}` has no default version"),
                );
            };
            let doc = document(version.get("Document").unwrap_or(&Value::Null), file, name)?;
            if arn.starts_with("arn:aws:iam::aws:") {
                // Referred to by ARN, with the account's copy beside it: the world then knows
                // AWS created it (no customer quota, rule 1.28).
                let rel = self.write(&format!("{base}/aws-managed/{}.json", safe(name)), &doc)?;
                aws_copies.insert(arn.to_string(), Value::from(rel));
                managed.insert(arn.to_string(), Value::from(arn));
            } else {
                let rel = self.write(&format!("{base}/managed/{}.json", safe(name)), &doc)?;
                managed.insert(arn.to_string(), Value::from(rel));
            }
        }
        Ok((managed, aws_copies))
    }

    /// The account's groups with their policies.
    fn groups(
        &mut self,
        details: &Value,
        base: &str,
        managed: &Map<String, Value>,
        file: &Path,
    ) -> Result<Map<String, Value>, ImportError> {
        let mut groups = Map::new();
        for g in list(details, "GroupDetailList") {
            let name = str_field(g, "GroupName", file)?;
            let policies = self.policy_refs(
                g,
                "GroupPolicyList",
                &format!("{base}/group-{}", safe(name)),
                managed,
                file,
            )?;
            groups.insert(
                name.to_string(),
                json!({ "path": g.get("Path").and_then(Value::as_str).unwrap_or("/"), "policies": policies }),
            );
            self.summary.groups += 1;
        }
        Ok(groups)
    }

    /// The account's users with their policies, groups, tags, ids and boundaries.
    fn users(
        &mut self,
        details: &Value,
        base: &str,
        managed: &Map<String, Value>,
        file: &Path,
    ) -> Result<Map<String, Value>, ImportError> {
        let mut users = Map::new();
        for u in list(details, "UserDetailList") {
            let name = str_field(u, "UserName", file)?;
            let policies = self.policy_refs(
                u,
                "UserPolicyList",
                &format!("{base}/user-{}", safe(name)),
                managed,
                file,
            )?;
            let mut user = json!({
                "path": u.get("Path").and_then(Value::as_str).unwrap_or("/"),
                "policies": policies,
                "groups": list(u, "GroupList"),
                "tags": tags(u),
                // An export does not say whether the user has a console password.
                "login_profile": null,
            });
            if let (Some(m), Some(id)) = (
                user.as_object_mut(),
                u.get("UserId").and_then(Value::as_str),
            ) {
                m.insert("id".into(), Value::from(id));
                if let Some(b) = boundary(u, managed) {
                    m.insert("boundary".into(), b);
                }
            }
            users.insert(name.to_string(), user);
            self.summary.users += 1;
        }
        Ok(users)
    }

    /// The account's roles with their trust policies, policies, tags, ids, boundaries and
    /// session durations.
    fn roles(
        &mut self,
        details: &Value,
        base: &str,
        managed: &Map<String, Value>,
        file: &Path,
    ) -> Result<Map<String, Value>, ImportError> {
        let mut roles = Map::new();
        for r in list(details, "RoleDetailList") {
            let name = str_field(r, "RoleName", file)?;
            let prefix = format!("{base}/role-{}", safe(name));
            let trust = document(
                r.get("AssumeRolePolicyDocument").unwrap_or(&Value::Null),
                file,
                &format!("the trust policy of role {name}"),
            )?;
            let trust = self.write_doc(&format!("{prefix}-trust.json"), &trust)?;
            let policies = self.policy_refs(r, "RolePolicyList", &prefix, managed, file)?;
            let mut role = json!({
                "path": r.get("Path").and_then(Value::as_str).unwrap_or("/"),
                "trust": trust,
                "policies": policies,
                "tags": tags(r),
            });
            if let Some(m) = role.as_object_mut() {
                if let Some(id) = r.get("RoleId").and_then(Value::as_str) {
                    m.insert("id".into(), Value::from(id));
                }
                if let Some(b) = boundary(r, managed) {
                    m.insert("boundary".into(), b);
                }
                if let Some(d) = r.get("MaxSessionDuration").and_then(Value::as_u64) {
                    m.insert("max_session_duration".into(), Value::from(d));
                }
            }
            roles.insert(name.to_string(), role);
            self.summary.roles += 1;
        }
        Ok(roles)
    }

    /// The account's buckets (`buckets/NAME/`): each bucket's policy and Block Public Access.
    fn buckets(&mut self, dir: &Path, base: &str) -> Result<Map<String, Value>, ImportError> {
        let mut buckets = Map::new();
        let bucket_dir = dir.join("buckets");
        for (name, bdir) in subdirs(&bucket_dir)? {
            let mut b = Map::new();
            let policy = bdir.join("policy.json");
            if policy.is_file() {
                // `get-bucket-policy` prints {"Policy": "<document>"}, a shape worlds read as is.
                let v = self.read_json(&policy)?;
                let text = v.get("Policy").and_then(Value::as_str).map(str::to_string);
                let doc = match text {
                    Some(t) => document(&Value::from(t), &policy, "the bucket policy")?,
                    None => document(&v, &policy, "the bucket policy")?,
                };
                let rel = self.write_doc(&format!("{base}/bucket-{}.json", safe(&name)), &doc)?;
                b.insert("policy".into(), Value::from(rel));
            }
            // No configuration: nothing is blocked (what get-public-access-block's
            // NoSuchPublicAccessBlockConfiguration means).
            let bpa = bdir.join("public-access-block.json");
            let block = if bpa.is_file() {
                block_public_access(&self.read_json(&bpa)?)
            } else {
                Value::from(false)
            };
            b.insert("block_public_access".into(), block);
            buckets.insert(name, Value::Object(b));
            self.summary.buckets += 1;
        }
        Ok(buckets)
    }

    /// The policies attached to an organization target: built-in defaults by name, others as
    /// files. `None` when the export has no list for the target (the AWS default applies).
    fn org_policies(
        &mut self,
        kind: &str,
        target: &str,
    ) -> Result<Option<Vec<Value>>, ImportError> {
        let org = self.from.join("organizations");
        check_id("target", target, &org)?;
        let file = org
            .join("list-policies-for-target")
            .join(kind)
            .join(format!("{target}.json"));
        if !file.is_file() {
            return Ok(None);
        }
        let v = self.read_json(&file)?;
        let mut out = Vec::new();
        for p in list(&v, "Policies") {
            let id = str_field(p, "Id", &file)?;
            match id {
                "p-FullAWSAccess" => out.push(Value::from("FullAWSAccess")),
                "p-RCPFullAWSAccess" => out.push(Value::from("RCPFullAWSAccess")),
                _ => {
                    check_id("policy", id, &file)?;
                    let pf = org.join("describe-policy").join(format!("{id}.json"));
                    let d = self.read_json(&pf)?;
                    let content = d
                        .get("Policy")
                        .and_then(|p| p.get("Content"))
                        .unwrap_or(&Value::Null);
                    let doc = document(content, &pf, "the policy's Content")?;
                    let rel = self.write_doc(&format!("organizations/{}.json", safe(id)), &doc)?;
                    out.push(Value::from(rel));
                }
            }
        }
        Ok(Some(out))
    }

    fn org_node(&mut self, id: &str, depth: usize) -> Result<Value, ImportError> {
        let org = self.from.join("organizations");
        if depth > 8 {
            return err(
                Code::ImportUnrecognized,
                &org,
                "organizational units nest deeper than AWS allows (5)",
            );
        }
        let mut node = Map::new();
        if let Some(p) = self.org_policies("SERVICE_CONTROL_POLICY", id)? {
            node.insert("scps".into(), Value::from(p));
        }
        if let Some(p) = self.org_policies("RESOURCE_CONTROL_POLICY", id)? {
            node.insert("rcps".into(), Value::from(p));
        }
        let accounts_file = org
            .join("list-accounts-for-parent")
            .join(format!("{id}.json"));
        let mut accounts = Vec::new();
        if accounts_file.is_file() {
            let v = self.read_json(&accounts_file)?;
            for a in list(&v, "Accounts") {
                let aid = str_field(a, "Id", &accounts_file)?.to_string();
                check_id("account", &aid, &accounts_file)?;
                let scps = self.org_policies("SERVICE_CONTROL_POLICY", &aid)?;
                let rcps = self.org_policies("RESOURCE_CONTROL_POLICY", &aid)?;
                if scps.is_none() && rcps.is_none() {
                    accounts.push(Value::from(aid));
                } else {
                    let mut m = Map::new();
                    m.insert("id".into(), Value::from(aid));
                    if let Some(s) = scps {
                        m.insert("scps".into(), Value::from(s));
                    }
                    if let Some(r) = rcps {
                        m.insert("rcps".into(), Value::from(r));
                    }
                    accounts.push(Value::Object(m));
                }
            }
        }
        node.insert("accounts".into(), Value::from(accounts));
        let units_file = org
            .join("list-organizational-units-for-parent")
            .join(format!("{id}.json"));
        let mut units = Map::new();
        if units_file.is_file() {
            let v = self.read_json(&units_file)?;
            for u in list(&v, "OrganizationalUnits") {
                let uid = str_field(u, "Id", &units_file)?.to_string();
                check_id("unit", &uid, &units_file)?;
                let name = u
                    .get("Name")
                    .and_then(Value::as_str)
                    .unwrap_or(&uid)
                    .to_string();
                let child = self.org_node(&uid, depth + 1)?;
                units.insert(name, child);
            }
        }
        node.insert("units".into(), Value::Object(units));
        Ok(Value::Object(node))
    }

    fn organization(&mut self) -> Result<Option<Value>, ImportError> {
        let org = self.from.join("organizations");
        let describe = org.join("describe-organization.json");
        if !describe.is_file() {
            return Ok(None);
        }
        let d = self.read_json(&describe)?;
        let o = d.get("Organization").unwrap_or(&d);
        let id = str_field(o, "Id", &describe)?.to_string();
        let roots_file = org.join("list-roots.json");
        let roots = self.read_json(&roots_file)?;
        let Some(root) = list(&roots, "Roots").first() else {
            return err(
                Code::ImportIncomplete,
                &roots_file,
                "the organization has no root",
            );
        };
        let root_id = str_field(root, "Id", &roots_file)?.to_string();
        check_id("root", &root_id, &roots_file)?;
        let tree = self.org_node(&root_id, 0)?;
        let mut out = json!({ "id": id, "root": tree });
        if let (Some(m), Some(mgmt)) = (
            out.as_object_mut(),
            o.get("MasterAccountId")
                .or(o.get("ManagementAccountId"))
                .and_then(Value::as_str),
        ) {
            m.insert("management_account".into(), Value::from(mgmt));
        }
        self.summary.organization = true;
        Ok(Some(out))
    }
}

/// Writes `v` as JSON to `rel` in `out`, or to `rel` with a number added when another file of
/// this import already has that name (compared without case, for case-insensitive disks, in
/// `taken`): two entities never share a file. Returns the name written.
pub fn write_unique(
    out: &Path,
    taken: &mut std::collections::HashSet<String>,
    rel: &str,
    v: &Value,
) -> Result<String, ImportError> {
    let (stem, ext) = rel.rsplit_once('.').unwrap_or((rel, ""));
    let mut name = rel.to_string();
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{stem}-{n}.{ext}");
        n += 1;
    }
    let path = out.join(&name);
    let io = |e: std::io::Error| {
        ImportError::new(Code::ImportIoFailed, &path, format!("cannot write: {e}"))
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    std::fs::write(&path, text + "\n").map_err(io)?;
    Ok(name)
}

/// Sub-folders by name, sorted (deterministic output).
fn subdirs(dir: &Path) -> Result<Vec<(String, PathBuf)>, ImportError> {
    folder_entries(dir, |p| p.is_dir().then(|| p.file_name()).flatten())
}

/// The entries of a folder that `name_of` names, by that name, sorted; none when the folder is
/// absent.
fn folder_entries(
    dir: &Path,
    name_of: impl Fn(&Path) -> Option<&std::ffi::OsStr>,
) -> Result<Vec<(String, PathBuf)>, ImportError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| ImportError::new(Code::ImportIoFailed, dir, format!("cannot read: {e}")))?;
    let mut out: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter_map(|p| Some((name_of(&p)?.to_str()?.to_string(), p)))
        .collect();
    out.sort();
    Ok(out)
}

/// Reads the export in `from` and writes a world folder to `out`, which must not exist or be
/// empty: files of an earlier import left beside the new ones (an SCP no longer attached) would
/// mislead.
pub fn import(from: &Path, out: &Path) -> Result<ImportSummary, ImportError> {
    into_new(out, &mut |o| import_fresh(from, o))
}

/// Runs `fill` on `out`, which must not exist or be empty.
pub fn into_new(
    out: &Path,
    fill: &mut dyn FnMut(&Path) -> Result<ImportSummary, ImportError>,
) -> Result<ImportSummary, ImportError> {
    let empty = match std::fs::read_dir(out) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return err(Code::ImportIoFailed, out, format!("cannot read: {e}")),
    };
    if !empty {
        return err(
            Code::ImportOutputRefused,
            out,
            "the output folder is not empty; name a new folder, or replace it whole with --force",
        );
    }
    fill(out)
}

/// [`import`] into `out`, replacing a world folder there whole: the new world is written beside
/// it first, so a failed import leaves the old one as it was. A folder that is not a world
/// (no world.json) is not replaced.
pub fn import_replacing(from: &Path, out: &Path) -> Result<ImportSummary, ImportError> {
    into_replacing(out, &mut |o| import_fresh(from, o))
}

/// Runs `fill` on a folder beside `out`, then puts it in the place of `out` (a world folder, or
/// none): a failed fill leaves `out` as it was.
pub fn into_replacing(
    out: &Path,
    fill: &mut dyn FnMut(&Path) -> Result<ImportSummary, ImportError>,
) -> Result<ImportSummary, ImportError> {
    let exists = out.symlink_metadata().is_ok();
    if !exists {
        return fill(out);
    }
    let is_world = out.join("world.json").is_file() && !out.is_symlink();
    let is_empty = std::fs::read_dir(out).is_ok_and(|mut e| e.next().is_none());
    if !is_world && !is_empty {
        return err(
            Code::ImportOutputRefused,
            out,
            "not replaced: the folder holds no world.json, so it is not a world iamsim wrote",
        );
    }
    let mut staging = out.as_os_str().to_owned();
    staging.push(".iamsim-import");
    let staging = PathBuf::from(staging);
    let _ = std::fs::remove_dir_all(&staging);
    let summary = fill(&staging).inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&staging);
    })?;
    let io = |e: std::io::Error| {
        ImportError::new(Code::ImportIoFailed, out, format!("cannot replace: {e}"))
    };
    std::fs::remove_dir_all(out).map_err(io)?;
    std::fs::rename(&staging, out).map_err(io)?;
    Ok(summary)
}

fn import_fresh(from: &Path, out: &Path) -> Result<ImportSummary, ImportError> {
    let folder = Folder::open(from, None).map_err(|d| ImportError::read(from, &d))?;
    let mut im = Importer {
        from,
        folder,
        out,
        summary: ImportSummary::default(),
        written: std::collections::HashMap::new(),
        taken: std::collections::HashSet::new(),
    };
    let mut accounts = Map::new();
    let account_dirs = subdirs(&from.join("accounts"))?;
    if account_dirs.is_empty() {
        return err(
            Code::ImportIncomplete,
            &from.join("accounts"),
            "no account folders: expected accounts/<id>/authorization-details.json",
        );
    }
    for (id, dir) in account_dirs {
        if !iamsim_policy::arn::is_account_id(&id) {
            return err(
                Code::ImportInvalidId,
                &dir,
                format!("`{id}` is not a 12-digit account id"),
            );
        }
        let account = im.account(&id, &dir)?;
        accounts.insert(id, account);
    }
    let mut world = json!({ "accounts": accounts });
    if let (Some(org), Some(m)) = (im.organization()?, world.as_object_mut()) {
        m.insert("organization".into(), org);
    }
    im.write("world.json", &world)?;
    im.summary.policy_files -= 1;
    Ok(im.summary)
}

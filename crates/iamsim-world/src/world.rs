//! A world: AWS accounts, their principals, policies and resources, and their organization,
//! loaded from `world.json` (docs/world-format.md).
//!
//! Loading collects every problem it finds; a world with an error is never evaluated.

#[cfg(test)]
pub(crate) use crate::iam_name::derived_unique_id;
pub(crate) use crate::iam_name::iam_arn;
pub use crate::iam_name::{IamKind, IamName};
use crate::index::PolicyIndex;
use crate::load::Loader;
use iamsim_policy::files::{Files, Folder};
use iamsim_policy::{Diagnostic, Policy};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A policy document as the world uses it, with the name explanations give it.
#[derive(Debug)]
pub struct LoadedPolicy {
    /// A path relative to the world folder, an ARN, or `inline policy at world.json:L:C`.
    pub name: String,
    /// The policy as read, with the span of every element.
    pub policy: Policy,
    /// The statements indexed by action, built on first use by the decision-only path.
    index: OnceLock<PolicyIndex>,
}

impl LoadedPolicy {
    /// A policy with the name explanations give it; its index is built on first use.
    pub fn new(name: String, policy: Policy) -> LoadedPolicy {
        LoadedPolicy {
            name,
            policy,
            index: OnceLock::new(),
        }
    }

    /// The statements that may match an action (see [`PolicyIndex`]).
    #[inline]
    pub fn index(&self) -> &PolicyIndex {
        self.index.get_or_init(|| PolicyIndex::new(&self.policy))
    }
}

/// A policy of the world, shared by everything it is attached to: two handles to one document
/// are one policy (`Arc::ptr_eq`), a document read twice is two.
pub type PolicyHandle = Arc<LoadedPolicy>;

/// S3 Block Public Access settings (rule 7.10).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockPublicAccess {
    /// `BlockPublicAcls`: requests that set a public ACL are refused.
    pub block_public_acls: bool,
    /// `IgnorePublicAcls`: public ACLs grant nothing.
    pub ignore_public_acls: bool,
    /// `BlockPublicPolicy`: a public bucket policy cannot be put.
    pub block_public_policy: bool,
    /// `RestrictPublicBuckets`: a public bucket policy grants only AWS services and principals
    /// of the bucket's own account.
    pub restrict_public_buckets: bool,
}

impl BlockPublicAccess {
    /// All four settings on, or all off.
    #[inline]
    pub fn all(on: bool) -> Self {
        BlockPublicAccess {
            block_public_acls: on,
            ignore_public_acls: on,
            block_public_policy: on,
            restrict_public_buckets: on,
        }
    }
}

/// An IAM user of an account (docs/world-format.md, "users").
#[derive(Debug, Clone)]
pub struct User {
    /// Its account, path, name, unique id (`AIDA…`: given in world.json, or derived from account
    /// and name) and ARN, in one allocation; read through [`User::arn`], [`User::name`], ...
    pub iam: IamName,
    /// Identity policies: inline, customer managed and AWS managed, in world.json's order.
    pub policies: Vec<PolicyHandle>,
    /// Names of the groups of the same account the user is in.
    pub groups: Vec<String>,
    /// The permissions boundary, if any (4.2).
    pub boundary: Option<PolicyHandle>,
    /// Principal tags (`aws:PrincipalTag/KEY`).
    pub tags: BTreeMap<String, String>,
    /// Deleted and created again since policies named it by ARN: those `Principal` entries hold
    /// its old unique id and no longer match it (2.15).
    pub recreated: bool,
    /// Access key ids of the user's long-term keys (docs/world-format.md, `access_keys`).
    pub access_keys: Vec<String>,
    /// Whether the user has a console password; `None`: the world does not say.
    pub login_profile: Option<bool>,
    /// The merged index of its identity policies and its groups', once a decision built it.
    pub identity_index: crate::IdentitySlot,
}

/// An IAM group of an account: its policies apply to its users (a group is never a principal).
#[derive(Debug)]
pub struct Group {
    /// The group name.
    pub name: String,
    /// The IAM path, `/` or `/a/b/`.
    pub path: String,
    /// The group's identity policies.
    pub policies: Vec<PolicyHandle>,
}

/// An IAM role of an account (docs/world-format.md, "roles").
#[derive(Debug, Clone)]
pub struct Role {
    /// Its account, path, name, unique id (`AROA…`: given in world.json, or derived from account
    /// and name) and ARN, in one allocation; read through [`Role::arn`], [`Role::name`], ...
    pub iam: IamName,
    /// The trust policy: who may assume the role (section 5).
    pub trust: PolicyHandle,
    /// The identity policies of the role's sessions.
    pub policies: Vec<PolicyHandle>,
    /// The permissions boundary, if any (4.2).
    pub boundary: Option<PolicyHandle>,
    /// Principal tags of its sessions (`aws:PrincipalTag/KEY`).
    pub tags: BTreeMap<String, String>,
    /// Deleted and created again since policies named it by ARN (2.15, as for a user).
    pub recreated: bool,
    /// The longest session, in seconds (6.15).
    pub max_session_duration: u32,
    /// The merged index of its identity policies, once a decision built it.
    pub identity_index: crate::IdentitySlot,
}

/// The readers of a user's or role's names, from its [`IamName`].
macro_rules! iam_name_readers {
    ($entity:ident, $what:literal, $id:literal) => {
        impl $entity {
            #[doc = concat!("The id of the account the ", $what, " belongs to.")]
            #[inline]
            pub fn account(&self) -> &str {
                self.iam.account()
            }

            #[doc = concat!("The ", $what, " name (the last part of its ARN).")]
            #[inline]
            pub fn name(&self) -> &str {
                self.iam.name()
            }

            /// The IAM path, `/` or `/a/b/`.
            #[inline]
            pub fn path(&self) -> &str {
                self.iam.path()
            }

            #[doc = concat!("The unique id (`", $id, "…`): given in world.json, or derived from account and name.")]
            #[inline]
            pub fn id(&self) -> &str {
                self.iam.id()
            }

            #[doc = concat!("`arn:aws:iam::ACCOUNT:", $what, "/PATHNAME`.")]
            #[inline]
            pub fn arn(&self) -> &str {
                self.iam.arn()
            }
        }
    };
}

iam_name_readers!(User, "user", "AIDA");
iam_name_readers!(Role, "role", "AROA");

impl Role {
    /// Service-linked roles live under `/aws-service-role/`; SCPs and RCPs do not apply to them.
    #[inline]
    pub fn is_service_linked(&self) -> bool {
        self.path().starts_with("/aws-service-role/")
    }
}

/// An S3 bucket of an account.
#[derive(Debug)]
pub struct Bucket {
    /// The id of the owning account.
    pub account: String,
    /// The bucket name (globally unique).
    pub name: String,
    /// The bucket policy, if it has one.
    pub policy: Option<PolicyHandle>,
    /// The bucket's own Block Public Access settings (7.10).
    pub block_public_access: BlockPublicAccess,
    /// Resource tags (`aws:ResourceTag/KEY`).
    pub tags: BTreeMap<String, String>,
    /// Default SSE-KMS encryption: the KMS key's ARN (13.13).
    pub encryption: Option<String>,
}

/// A resource with a resource-based policy other than a bucket or a KMS key (SQS, SNS, ...).
#[derive(Debug)]
pub struct Resource {
    /// The id of the owning account.
    pub account: String,
    /// The resource's ARN.
    pub arn: String,
    /// Its resource-based policy, if it has one.
    pub policy: Option<PolicyHandle>,
    /// Resource tags (`aws:ResourceTag/KEY`).
    pub tags: BTreeMap<String, String>,
    /// The customer managed key it is encrypted with (queues, secrets, tables; 13.21, 13.24).
    pub encryption: Option<String>,
    /// A Lambda function URL's auth type (`NONE` or `AWS_IAM`; 13.23).
    pub function_url: Option<String>,
}

pub use crate::escalation_world::{Compute, InstanceProfile, PolicyVersions};
pub use crate::kms_world::{GrantConstraint, Key, KeyGrant};

/// An AWS account of the world and everything world.json puts in it.
#[derive(Debug, Default)]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    /// The account alias, if world.json gives one.
    pub alias: Option<String>,
    /// Users by name.
    pub users: BTreeMap<String, User>,
    /// Groups by name.
    pub groups: BTreeMap<String, Group>,
    /// Roles by name.
    pub roles: BTreeMap<String, Role>,
    /// Customer managed policies by name.
    pub policies: BTreeMap<String, PolicyHandle>,
    /// Buckets by name.
    pub buckets: BTreeMap<String, Bucket>,
    /// Other resources with a resource-based policy, by ARN.
    pub resources: BTreeMap<String, Resource>,
    /// The account's Block Public Access settings (7.10).
    pub block_public_access: BlockPublicAccess,
    /// KMS keys by key id (docs/world-format.md).
    pub keys: BTreeMap<String, Key>,
    /// IAM OIDC identity providers, by host (crate::federated).
    pub oidc_providers: BTreeMap<String, crate::federated::OidcProvider>,
    /// IAM SAML identity providers, by name (crate::federated).
    pub saml_providers: BTreeMap<String, crate::federated::SamlProvider>,
    /// Instance profiles by name (crate::escalation_world).
    pub instance_profiles: BTreeMap<String, InstanceProfile>,
    /// Things that run code with a role, by ARN (crate::escalation_world).
    pub compute: BTreeMap<String, Compute>,
    /// The stored versions of customer managed policies written with them, by policy name.
    pub policy_versions: BTreeMap<String, PolicyVersions>,
}

/// One level of the organization tree on an account's path: the root, an OU, or the account.
#[derive(Debug, Clone)]
pub struct OrgLevel {
    /// `root`, `ou <name>` or `account <id>`.
    pub name: String,
    /// The SCPs attached at this level (4.6).
    pub scps: Vec<PolicyHandle>,
    /// The RCPs attached at this level (4.7).
    pub rcps: Vec<PolicyHandle>,
}

/// The AWS Organization the world's accounts belong to.
#[derive(Debug, Default)]
pub struct Organization {
    /// The organization id (`o-…`).
    pub id: String,
    /// The management account: SCPs do not apply to its principals, RCPs not to its resources.
    pub management_account: Option<String>,
    /// For each member account, its levels from the root down to the account itself.
    pub paths: BTreeMap<String, Vec<OrgLevel>>,
    /// For each member account, `aws:PrincipalOrgPaths`-style path (`o-id/r-root/ou-x/`).
    pub org_paths: BTreeMap<String, String>,
}

impl Organization {
    /// Whether `account` is a member.
    #[inline]
    pub fn contains(&self, account: &str) -> bool {
        self.paths.contains_key(account)
    }

    /// Whether `account` is the management account.
    #[inline]
    pub fn is_management(&self, account: &str) -> bool {
        self.management_account.as_deref() == Some(account)
    }
}

///
/// Its fields are private: it is read through methods ([`World::accounts`],
/// [`World::organization`], the look-ups by name and ARN) and changed only through
/// [`World::accounts_mut`], which drops every look-up table built from the accounts so none can
/// answer from what they held before.
#[derive(Debug, Default)]
pub struct World {
    /// The folder the world's files are named from ([`World::dir`]).
    pub(crate) dir: PathBuf,
    /// The folder the world was read from, with the root its references are confined to: a
    /// tests file's policy references resolve through it. `None` for a world read through a
    /// caller's [`Files`].
    pub(crate) folder: Option<Folder>,
    /// The accounts, by id.
    pub(crate) accounts: BTreeMap<String, Account>,
    /// The organization the accounts belong to, if world.json declares one.
    pub(crate) organization: Option<Organization>,
    /// `defaults.context`: the values every request of the world starts from, under a test's
    /// `context` and `--context` (formats.md 5).
    pub(crate) default_context: iamsim_policy::Context,
    /// Warnings found while loading (errors stop the load).
    pub(crate) warnings: Vec<Diagnostic>,
    /// Bucket name → owning account, built on first use: with a thousand accounts a scan per
    /// request dominated who-can (BENCHMARKS.md).
    pub(crate) bucket_owners: std::sync::OnceLock<crate::index::FnvMap<String, String>>,
    /// Resource ARN → owning account, built on first use (World::resource).
    ///
    /// Both owner indexes are emptied by every change to the accounts ([`World::accounts_mut`],
    /// [`World::insert_account`]), so a lookup that misses them is an answer, not a reason to scan.
    pub(crate) resource_owners: std::sync::OnceLock<crate::index::FnvMap<String, String>>,
}

/// The diagnostics of a world that cannot be loaded.
#[derive(Debug)]
pub struct LoadError {
    /// Every problem found, errors and warnings, each at its file:line:column.
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        write!(f, "the world has {errors} error(s)")
    }
}

impl std::error::Error for LoadError {}

impl World {
    /// The folder the world's files are named from: the folder it was loaded from, or the name
    /// a [`Files`] reader gives its folder.
    #[inline]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder the world was read from, with the root its references are confined to (a
    /// tests file's policy references resolve through it); `None` for a world read through a
    /// caller's [`Files`].
    #[inline]
    pub fn folder(&self) -> Option<&Folder> {
        self.folder.as_ref()
    }

    /// The accounts, by id.
    #[inline]
    pub fn accounts(&self) -> &BTreeMap<String, Account> {
        &self.accounts
    }

    /// The accounts, to change: every look-up table built from them (buckets and resources by
    /// name, principals' merged policy indexes) is dropped, and built again on next use.
    pub fn accounts_mut(&mut self) -> &mut BTreeMap<String, Account> {
        self.bucket_owners = OnceLock::new();
        self.resource_owners = OnceLock::new();
        for account in self.accounts.values_mut() {
            for user in account.users.values_mut() {
                user.identity_index.clear();
            }
            for role in account.roles.values_mut() {
                role.identity_index.clear();
            }
        }
        &mut self.accounts
    }

    /// Adds (or replaces) an account while the world is read: the owner indexes are emptied, the
    /// other accounts' merged identity indexes kept.
    pub(crate) fn insert_account(&mut self, id: String, account: Account) {
        self.bucket_owners = OnceLock::new();
        self.resource_owners = OnceLock::new();
        self.accounts.insert(id, account);
    }

    /// The organization the accounts belong to, if world.json declares one.
    #[inline]
    pub fn organization(&self) -> Option<&Organization> {
        self.organization.as_ref()
    }

    /// `defaults.context`: the values every request of the world starts from, under a
    /// question's own (formats.md 5).
    #[inline]
    pub fn default_context(&self) -> &iamsim_policy::Context {
        &self.default_context
    }

    /// The warnings found while loading (a world with an error is never loaded).
    #[inline]
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// A question's context over the world's defaults (formats.md 5): the given values win.
    pub fn with_default_context(&self, given: &iamsim_policy::Context) -> iamsim_policy::Context {
        let mut context = self.default_context.clone();
        for (k, v) in given.iter() {
            context.insert(k, v.clone());
        }
        context
    }

    /// Loads `DIR/world.json` and every policy it names; references stay inside DIR.
    pub fn load(dir: &Path) -> Result<World, LoadError> {
        World::load_rooted(dir, None)
    }

    /// Loads `DIR/world.json` and every policy it names; references may reach anywhere inside
    /// `root` (`--root`), or DIR when it is `None`, and nowhere else.
    pub fn load_rooted(dir: &Path, root: Option<&Path>) -> Result<World, LoadError> {
        let folder = Folder::open(dir, root).map_err(|d| LoadError {
            diagnostics: vec![d],
        })?;
        let mut world = Loader::new(&folder).load_world()?;
        world.folder = Some(folder);
        Ok(world)
    }

    /// Loads a world whose files come from `files` (for example edited texts over a folder).
    pub fn load_from(files: &dyn Files) -> Result<World, LoadError> {
        Loader::new(files).load_world()
    }

    /// Loads the world with some files' texts replaced (by path relative to `dir`, as
    /// [`LoadedPolicy::name`] gives it): the files on disk are not touched.
    pub fn load_with_overlay(
        dir: &Path,
        overlay: std::collections::HashMap<String, String>,
    ) -> Result<World, LoadError> {
        let folder = Folder::open(dir, None).map_err(|d| LoadError {
            diagnostics: vec![d],
        })?;
        let files = iamsim_policy::files::Overlay {
            base: &folder,
            texts: &overlay,
        };
        let mut world = Loader::new(&files).load_world()?;
        world.folder = Some(folder);
        Ok(world)
    }

    /// The account with this id, if the world declares it.
    #[inline]
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.get(id)
    }

    /// The account that owns bucket `name`, if the world declares it.
    #[inline]
    pub fn bucket(&self, name: &str) -> Option<&Bucket> {
        let owners = self.bucket_owners.get_or_init(|| {
            let mut m = crate::index::FnvMap::default();
            for (id, a) in &self.accounts {
                for b in a.buckets.keys() {
                    m.entry(b.clone()).or_insert_with(|| id.clone());
                }
            }
            m
        });
        self.accounts.get(owners.get(name)?)?.buckets.get(name)
    }

    /// The resource with this ARN (not a bucket or a key), if the world declares it.
    #[inline]
    pub fn resource(&self, arn: &str) -> Option<&Resource> {
        // Indexed on first use: requests ask for resources the world does not declare (every
        // bucket), and a scan of ten thousand accounts per request dominated who-can.
        let owners = self.resource_owners.get_or_init(|| {
            let mut m = crate::index::FnvMap::default();
            for (id, a) in &self.accounts {
                for r in a.resources.keys() {
                    m.entry(r.clone()).or_insert_with(|| id.clone());
                }
            }
            m
        });
        self.accounts.get(owners.get(arn)?)?.resources.get(arn)
    }

    /// How many users and roles of the world hold their merged identity index
    /// ([`User::identity_index`], [`Role::identity_index`]), built or found unneeded.
    pub fn cached_identity_indexes(&self) -> usize {
        let users = self.users().filter(|u| u.identity_index.is_filled());
        let roles = self.roles().filter(|r| r.identity_index.is_filled());
        users.count() + roles.count()
    }

    /// The role with this ARN (path included), if the world declares it.
    #[inline]
    pub fn role_by_arn(&self, arn: &str) -> Option<&Role> {
        let (account, rest) = split_iam_arn(arn, "role/")?;
        let (dir, name) = split_dir_name(rest);
        let role = self.accounts.get(account)?.roles.get(name)?;
        path_is(role.path(), dir).then_some(role)
    }

    /// The user with this ARN (path included), if the world declares it.
    #[inline]
    pub fn user_by_arn(&self, arn: &str) -> Option<&User> {
        let (account, rest) = split_iam_arn(arn, "user/")?;
        let (dir, name) = split_dir_name(rest);
        let user = self.accounts.get(account)?.users.get(name)?;
        path_is(user.path(), dir).then_some(user)
    }

    /// The user holding this access key id (docs/world-format.md, `access_keys`).
    pub fn user_by_access_key(&self, key: &str) -> Option<&User> {
        self.users()
            .find(|u| u.access_keys.iter().any(|k| k == key))
    }

    /// Every role of every account.
    #[inline]
    pub fn roles(&self) -> impl Iterator<Item = &Role> {
        self.accounts.values().flat_map(|a| a.roles.values())
    }

    /// Every user of every account.
    #[inline]
    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.accounts.values().flat_map(|a| a.users.values())
    }

    /// The organization levels above `account`, when it is a member.
    #[inline]
    pub fn org_levels(&self, account: &str) -> Option<&[OrgLevel]> {
        self.organization
            .as_ref()
            .and_then(|o| o.paths.get(account))
            .map(Vec::as_slice)
    }
}

/// `arn:PART:iam::ACCOUNT:<kind>REST` → (ACCOUNT, REST). Scans bytes (this runs on every
/// role and user look-up of the decision path); splits as `splitn(6, ':')` would.
#[inline]
pub fn split_iam_arn<'a>(arn: &'a str, kind: &str) -> Option<(&'a str, &'a str)> {
    let rest = arn.strip_prefix("arn:")?;
    let colon = rest.bytes().position(|b| b == b':')?;
    let rest = rest.get(colon + 1..)?.strip_prefix("iam::")?;
    let colon = rest.bytes().position(|b| b == b':')?;
    let account = rest.get(..colon)?;
    let resource = rest.get(colon + 1..)?;
    resource.strip_prefix(kind).map(|rest| (account, rest))
}

/// `a/b/name` → (`/a/b/`, `name`); `name` → (`/`, `name`). The reference for
/// [`split_dir_name`] and [`path_is`].
#[cfg(test)]
pub(crate) fn split_path_name(rest: &str) -> (String, &str) {
    match rest.rfind('/') {
        Some(i) => {
            let (dir, name) = rest.split_at(i);
            (format!("/{dir}/"), name.get(1..).unwrap_or(""))
        }
        None => ("/".to_string(), rest),
    }
}

/// `a/b/name` → (`Some("a/b")`, `name`); `name` → (`None`, `name`): [`split_path_name`] without
/// building the path, for look-ups on the decision path.
#[inline]
pub(crate) fn split_dir_name(rest: &str) -> (Option<&str>, &str) {
    match rest.rfind('/') {
        Some(i) => (rest.get(..i), rest.get(i + 1..).unwrap_or("")),
        None => (None, rest),
    }
}

/// Whether `path` is what [`split_path_name`] makes of `dir`: `/` for none, else `/dir/`.
#[inline]
pub(crate) fn path_is(path: &str, dir: Option<&str>) -> bool {
    match dir {
        None => path == "/",
        Some(dir) => path
            .strip_prefix('/')
            .and_then(|p| p.strip_suffix('/'))
            .is_some_and(|p| p == dir),
    }
}

/// Tests: every folder below the repository's `fixtures` that holds a world.json, in order.
#[cfg(test)]
pub(crate) fn fixture_world_dirs() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries.into_iter().filter(|p| p.is_dir()) {
            if path.join("world.json").is_file() {
                out.push(path.clone());
            }
            walk(&path, out);
        }
    }
    let mut dirs = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures"),
        &mut dirs,
    );
    dirs
}

/// Tests: loads a world from the text of its world.json (inline policies only), written to a
/// fresh folder.
#[cfg(test)]
pub(crate) fn test_world(world_json: &str) -> World {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "iamsim-engine-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("world.json"), world_json).unwrap();
    let world = World::load(&dir).unwrap();
    // Everything is read at load: the folder is no longer needed.
    let _ = std::fs::remove_dir_all(&dir);
    world
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_split_into_path_and_name() {
        assert_eq!(
            split_iam_arn("arn:aws:iam::111111111111:role/team/TestRole", "role/"),
            Some(("111111111111", "team/TestRole"))
        );
        assert_eq!(
            split_path_name("team/TestRole"),
            ("/team/".to_string(), "TestRole")
        );
        assert_eq!(split_path_name("Admin"), ("/".to_string(), "Admin"));
        // The allocation-free split agrees with the one that builds the path.
        for rest in [
            "team/TestRole",
            "Admin",
            "a/b/c",
            "/x",
            "a//b",
            "x/",
            "",
            "/",
        ] {
            let (path, name) = split_path_name(rest);
            let (dir, name2) = split_dir_name(rest);
            assert_eq!(name, name2, "{rest}");
            assert!(path_is(&path, dir), "{rest}");
            for other in ["/", "/team/", "//", "/a/b/", "/x/", "/a//b/", "///"] {
                assert_eq!(path_is(other, dir), other == path, "{rest} vs {other}");
            }
        }
        assert_eq!(split_iam_arn("arn:aws:s3:::b", "role/"), None);
        // The byte scan splits as splitn(6, ':') does.
        fn reference<'a>(arn: &'a str, kind: &str) -> Option<(&'a str, &'a str)> {
            let mut parts = arn.splitn(6, ':');
            match (
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
            ) {
                (Some("arn"), Some(_), Some("iam"), Some(""), Some(account), Some(resource)) => {
                    resource.strip_prefix(kind).map(|rest| (account, rest))
                }
                _ => None,
            }
        }
        for arn in [
            "arn:aws:iam::111111111111:role/a/b",
            "arn:aws:iam::111111111111:role/",
            "arn:aws:iam:us-east-1:111111111111:role/x",
            "arn::iam::1:role/x",
            "arn:aws:iam::1:role/x:y",
            "arn:aws:iam:::role/x",
            "arn:aws:iam::1",
            "arn:aws:iam::",
            "arn:aws:iamx::1:role/x",
            "arn:aws:iam::1:user/x",
            "arm:aws:iam::1:role/x",
            "arn:aws",
            "",
        ] {
            for kind in ["role/", "user/"] {
                assert_eq!(split_iam_arn(arn, kind), reference(arn, kind), "{arn}");
            }
        }
    }

    #[test]
    fn iam_arns_are_written_as_format_writes_them() {
        for (account, kind, path, name) in [
            ("111111111111", "role", "/", "Admin"),
            ("111111111111", "user", "/team/a/", "alice"),
            ("", "role", "", ""),
        ] {
            assert_eq!(
                iam_arn(account, kind, path, name),
                format!("arn:aws:iam::{account}:{kind}{path}{name}")
            );
        }
    }

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let a = derived_unique_id("AROA", "111111111111", "Admin");
        assert_eq!(a, derived_unique_id("AROA", "111111111111", "Admin"));
        assert_ne!(a, derived_unique_id("AROA", "111111111111", "admin"));
        assert_eq!(a.len(), 21);
        assert!(a.starts_with("AROA"));
        // The ids of worlds already written and read stay what they were.
        assert_eq!(
            derived_unique_id("AIDA", "111111111111", "alice"),
            "AIDAKU5APPNYLFC3EYJ4F"
        );
    }

    /// The derivation as first written, plainly: the hash over the bytes chained, each
    /// character at shift `(i * 5) % 60`, the hash turned after the twelfth.
    fn derived_id_reference(prefix: &str, account: &str, name: &str) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in account.bytes().chain([b'/']).chain(name.bytes()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let mut id = prefix.to_string();
        for i in 0..17 {
            id.push(char::from(
                alphabet[((hash >> ((i * 5) % 60)) & 31) as usize],
            ));
            if i % 12 == 11 {
                hash = hash.rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15;
            }
        }
        id
    }

    #[test]
    fn derived_ids_agree_with_the_plain_derivation() {
        let names = [
            "",
            "a",
            "Admin",
            "svc-012",
            "é-ü",
            "OrganizationAccountAccessRole",
        ];
        for account in ["111111111111", "100000000042", ""] {
            for name in names {
                for prefix in ["AROA", "AIDA"] {
                    assert_eq!(
                        derived_unique_id(prefix, account, name),
                        derived_id_reference(prefix, account, name),
                        "{prefix} {account} {name}"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod files_tests {
    use super::*;
    use iamsim_policy::files::InputFile;
    use iamsim_policy::{Code, Diagnostic};
    use std::collections::HashMap;

    /// Files held in memory: what an overlay of edited policy texts looks like.
    struct Memory(HashMap<&'static str, &'static str>);

    impl Files for Memory {
        fn dir(&self) -> &Path {
            Path::new("mem")
        }
        fn read(&self, reference: &str, _max: u64) -> Result<InputFile, Diagnostic> {
            match self.0.get(reference) {
                Some(text) => Ok(InputFile {
                    name: format!("mem/{reference}"),
                    bytes: text.as_bytes().to_vec(),
                    shown: true,
                }),
                None => Err(Diagnostic::detached(Code::FileNotFound, "absent")),
            }
        }
    }

    #[test]
    fn a_world_loads_through_any_reader() {
        let files = Memory(HashMap::from([
            (
                "world.json",
                r#"{"accounts": {"111111111111": {"users": {"u": {"policies": ["p.json"]}}}}}"#,
            ),
            (
                "p.json",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
            ),
        ]));
        let w = World::load_from(&files).unwrap();
        assert_eq!(w.dir, Path::new("mem"));
        assert!(w.accounts["111111111111"].users.contains_key("u"));
        let missing = Memory(HashMap::from([(
            "world.json",
            r#"{"accounts": {"111111111111": {"users": {"u": {"policies": ["gone.json"]}}}}}"#,
        )]));
        let e = World::load_from(&missing).unwrap_err();
        assert_eq!(e.diagnostics[0].code, Code::FileNotFound);
    }
}

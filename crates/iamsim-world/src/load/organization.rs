//! The organization of world.json: its tree of OUs and accounts, and the SCPs and RCPs attached
//! at each level (FullAWSAccess and RCPFullAWSAccess where none are written).

use super::{field, Loader};
use crate::world::{LoadedPolicy, OrgLevel, Organization, PolicyHandle, World};
use iamsim_catalog::managed;
use iamsim_policy::json::{Json, JsonValue, Member};
use iamsim_policy::{parse_policy, Code, PolicyType, Source};
use std::sync::Arc;

impl Loader<'_> {
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
    pub(super) fn org_node(
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

    pub(super) fn default_org_policy(&mut self, which: &str) -> Vec<PolicyHandle> {
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

    pub(super) fn builtin(
        &mut self,
        name: &str,
        text: &str,
        ty: PolicyType,
    ) -> Option<PolicyHandle> {
        let key = (format!("builtin:{name}"), ty);
        if let Some(p) = self.cached(&key) {
            return Some(p);
        }
        let source = Source::new(name, text);
        let parsed = parse_policy(&source, ty);
        let policy = self.take_parsed(parsed, ty == PolicyType::Identity)?;
        let handle = Arc::new(LoadedPolicy::new(name.to_string(), policy));
        Some(self.keep(key, handle))
    }

    pub(super) fn org_policies(
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
}

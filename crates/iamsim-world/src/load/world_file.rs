//! world.json read account by account: each account's part of the file is read as a tree, turned
//! into the account and dropped before the next is read, so a world of a million roles never
//! holds the tree of its whole file (it was most of the memory and of the time of loading).
//!
//! What is reported is what reading the whole file first reported: a JSON error anywhere in
//! world.json is its only diagnostic, and the other diagnostics come in the same order (the
//! world's own fields and `defaults`, then every account's customer managed policies and IaC
//! files, then every account's users, groups, roles and resources, then the organization).

use super::{field, side_by_side, Loader};
use crate::world::{Account, LoadError, World};
use iamsim_policy::files::FileKind;
use iamsim_policy::json::{Cursor, Json, JsonValue, Limits, Member};
use iamsim_policy::{Code, Diagnostic, Source, Span};
use std::sync::Arc;

impl Loader<'_> {
    /// Loads world.json and every file it names (World::load and its kin).
    pub(crate) fn load_world(self) -> Result<World, LoadError> {
        self.load_world_from(side_by_side::SIDE_BY_SIDE_FROM)
    }

    /// [`Loader::load_world`], reading the accounts side by side (load/side_by_side.rs) when
    /// world.json has `from` bytes or more.
    pub(crate) fn load_world_from(self, from: usize) -> Result<World, LoadError> {
        let files = self.files();
        match self.load_world_once(from) {
            Ok(Some(world)) => Ok(world),
            Ok(None) => match Loader::new(files).load_world_once(usize::MAX) {
                Ok(Some(world)) => Ok(world),
                // One thread never starts over.
                Ok(None) => Err(LoadError {
                    diagnostics: Vec::new(),
                }),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// [`Loader::load_world_from`] once. `Ok(None)`: the accounts were read side by side and
    /// had something to report; the world is to be read again on one thread, which reports it
    /// in order.
    pub(super) fn load_world_once(mut self, from: usize) -> Result<Option<World>, LoadError> {
        let Some((src, shown)) = self.read_source_as("world.json", None, FileKind::World) else {
            return Err(LoadError {
                diagnostics: self.take_diagnostics(),
            });
        };
        let mut world = World {
            dir: self.files().dir().to_path_buf(),
            ..World::default()
        };
        self.side_by_side_from = from;
        if let Err(d) = self.world_file(&src, &mut world) {
            // A JSON error in world.json: nothing else is reported, as when it was read whole.
            self.diagnostics.clear();
            self.json_error(d, src.name(), shown);
            return Err(LoadError {
                diagnostics: self.take_diagnostics(),
            });
        }
        if self.again {
            return Ok(None);
        }
        if !shown {
            self.hide(src.name());
        }
        if !self.has_errors() {
            crate::validate::check_principals(&world, &self.named, &mut self.diagnostics);
        }
        let failed = self.has_errors();
        let diagnostics = self.take_diagnostics();
        if failed {
            return Err(LoadError { diagnostics });
        }
        world.warnings = diagnostics;
        Ok(Some(world))
    }

    /// Reads world.json into `world`; `Err`: the JSON error that ends the reading.
    fn world_file(&mut self, src: &Arc<Source>, world: &mut World) -> Result<(), Diagnostic> {
        let limits = Limits {
            max_bytes: FileKind::World.max_len(),
            ..Limits::default()
        };
        let mut cursor = Cursor::new(src, limits)?;
        if !cursor.enter_object()? {
            let root = cursor.value()?;
            cursor.finish()?;
            self.object(src, &root, "the world");
            return Ok(());
        }
        // The world's members but the accounts' entries, which are read as they come.
        let mut members: Vec<Member> = Vec::new();
        let mut accounts_diagnostics = None;
        while let Some((key, key_span)) = cursor.next_key()? {
            let value = if key == "accounts" && cursor.enter_object()? {
                accounts_diagnostics = Some(self.accounts(src, &mut cursor, world)?);
                Json {
                    value: JsonValue::Object(Vec::new()),
                    span: cursor.closed(),
                }
            } else {
                cursor.value()?
            };
            members.push(Member {
                key,
                key_span,
                value,
            });
        }
        let root_span = cursor.closed();
        cursor.finish()?;
        self.check_fields(
            src,
            &members,
            &["accounts", "organization", "defaults"],
            "the world",
        );
        if let Some(d) = field(&members, "defaults") {
            world.default_context = self.defaults(src, d);
        }
        match (field(&members, "accounts"), accounts_diagnostics) {
            (Some(_), Some(mut found)) => self.diagnostics.append(&mut found),
            (Some(accounts), None) => {
                self.object(src, accounts, "`accounts`");
            }
            (None, _) => self.error(
                src,
                root_span,
                Code::MissingField,
                "the world has no `accounts`".into(),
            ),
        }
        if let Some(org) = field(&members, "organization") {
            world.organization = self.organization(src, org, world);
        }
        Ok(())
    }

    /// Reads the entries of `accounts` (the cursor has entered it) into the world, one at a
    /// time; gives their diagnostics: first those of every account's customer managed policies
    /// (which its users, groups and roles refer to) and IaC files, then those of the rest.
    fn accounts(
        &mut self,
        src: &Arc<Source>,
        cursor: &mut Cursor<'_>,
        world: &mut World,
    ) -> Result<Vec<Diagnostic>, Diagnostic> {
        if src.text().len() >= self.side_by_side_from {
            return self.accounts_side_by_side(src, cursor, world);
        }
        let from = self.diagnostics.len();
        let mut policies = Vec::new();
        let mut rest = Vec::new();
        while let Some((id, key_span)) = cursor.next_key()? {
            let json = cursor.value()?;
            let (account, split) = self.account_entry(src, &id, key_span, &json);
            rest.extend(self.diagnostics.drain(split..));
            policies.extend(self.diagnostics.drain(from..));
            world.insert_account(id, account);
            // `json`, this account's part of the file, is dropped here.
        }
        policies.append(&mut rest);
        Ok(policies)
    }

    /// Reads the account `id` (world.json's entry `json`, its key at `key_span`). Its
    /// diagnostics are added to the reader's: first those of its customer managed policies and
    /// IaC files, up to the index given, then the rest.
    pub(super) fn account_entry(
        &mut self,
        src: &Arc<Source>,
        id: &str,
        key_span: Span,
        json: &Json,
    ) -> (Account, usize) {
        if !iamsim_policy::arn::is_account_id(id) {
            self.error(
                src,
                key_span,
                Code::InvalidAccountId,
                format!("account id `{id}` is not 12 digits"),
            );
        }
        let mut account = self.account_policies(src, id, json);
        // `iac`: the entities of Terraform/CloudFormation files (iac.rs).
        let iac = self.iac_fragment(src, id, json);
        if let Some(f) = &iac {
            let more = self.account_policies(&f.src, id, &f.json);
            self.iac_conflicts(src, f, &account, &["policies"]);
            account.policies.extend(more.policies);
            self.iac_groups(src, f, json, &mut account);
        }
        let split = self.diagnostics.len();
        self.account(src, json, &mut account);
        if let Some(f) = &iac {
            self.iac_account(src, f, &mut account);
        }
        let named = crate::validate::principal_policies(&account);
        self.named.insert(id.to_string(), named);
        (account, split)
    }
}

//! `"iac": [PATH, ...]` on an account of world.json (docs/world-format.md): the users, groups,
//! roles, managed policies, attachments, buckets and resource policies of Terraform and
//! CloudFormation files, loaded into that account beside what it declares directly. The files
//! are read through the world's one reader; the IaC crate builds them into the members of an
//! account object, which the loader then reads as it reads world.json's own.

use crate::load::{field, Loader};
use iamsim_iac::account::build_account;
use iamsim_iac::{Policy, Problem, Settings};
use iamsim_policy::json::{self, Json, Limits};
use iamsim_policy::{Code, Diagnostic, Source, Span};
use serde_json::Value;
use std::sync::Arc;

/// The account members the IaC files of an account give, as a JSON source of their own.
pub(crate) struct Fragment {
    pub src: Arc<Source>,
    pub json: Json,
    /// The `iac` list in world.json, where conflicts are reported.
    pub at: Span,
}

impl Loader<'_> {
    /// Reads the files an account's `iac` names; `None` when it has none or they cannot be
    /// read (with diagnostics).
    pub(crate) fn iac_fragment(
        &mut self,
        src: &Arc<Source>,
        id: &str,
        json: &Json,
    ) -> Option<Fragment> {
        let list = field(json.members()?, "iac")?;
        let items = self.array(src, list, "`iac`")?;
        let mut files = Vec::new();
        let mut sources = Vec::new();
        let mut failed = false;
        for item in items {
            let Some(rel) = self.string(src, item, "a path") else {
                failed = true;
                continue;
            };
            match self
                .files()
                .read(&rel, iamsim_policy::files::MAX_FILE_BYTES)
            {
                Ok(f) => match String::from_utf8(f.bytes) {
                    Ok(text) => {
                        sources.push(Source::new(f.name, text.clone()));
                        files.push((rel, text));
                    }
                    Err(_) => {
                        self.diagnostics.push(Diagnostic::new(
                            Code::InvalidValue,
                            format!("`{rel}` is not UTF-8 text"),
                            src,
                            item.span,
                        ));
                        failed = true;
                    }
                },
                Err(d) => {
                    let mut placed = Diagnostic::new(d.code, d.message, src, item.span);
                    placed.help = Some(
                        "`iac` names Terraform files, plans and CloudFormation templates (a folder is named file by file)".into(),
                    );
                    self.diagnostics.push(placed);
                    failed = true;
                }
            }
        }
        if failed {
            return None;
        }
        let settings = Settings {
            account: Some(id.to_string()),
        };
        let (reads, mut problems) = iamsim_iac::read_files(&files, &settings);
        let mut inline = |_: &Policy, v: Value| -> Result<Value, Problem> { Ok(v) };
        let built = build_account(&reads, id, &mut inline);
        let built = match built {
            Ok(b) if problems.is_empty() => b,
            Ok(_) => Default::default(),
            Err(ps) => {
                problems.extend(ps);
                Default::default()
            }
        };
        if !problems.is_empty() {
            for p in problems {
                // Placed in the file the reader names (names relative to the world folder).
                let file_src = files
                    .iter()
                    .position(|(n, _)| *n == p.file)
                    .and_then(|i| sources.get(i))
                    .cloned();
                let d = match file_src {
                    Some(fs) => Diagnostic::new(p.code, p.message, &fs, Span::new(p.at, p.at)),
                    None => Diagnostic::new(
                        p.code,
                        format!("{}: {}", p.file, p.message),
                        src,
                        list.span,
                    ),
                };
                self.diagnostics.push(d);
            }
            return None;
        }
        // What the world leaves out is said (a gate that compares worlds cannot pass on it).
        for note in &built.notes {
            self.diagnostics.push(Diagnostic::new(
                Code::IacLeftOut,
                note.clone(),
                src,
                list.span,
            ));
        }
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        let text = serde_json::to_string_pretty(&Value::Object(built.account)).unwrap_or_default();
        let fsrc = Source::new(format!("{} (as account {id})", names.join(", ")), text);
        match json::parse(&fsrc, Limits::default()) {
            Ok(j) => Some(Fragment {
                src: fsrc,
                json: j,
                at: list.span,
            }),
            Err(d) => {
                self.diagnostics.push(d);
                None
            }
        }
    }

    /// Loads the users, groups, roles, buckets and resources of the files into an account that
    /// holds what world.json declares: a name declared both ways is an error at `iac`.
    pub(crate) fn iac_account(
        &mut self,
        src: &Arc<Source>,
        f: &Fragment,
        account: &mut crate::world::Account,
    ) {
        let sections = ["users", "groups", "roles", "buckets", "resources"];
        self.iac_conflicts(src, f, account, &sections);
        // The files give no alias: the account keeps its own.
        let alias = account.alias.take();
        self.account(&f.src, &f.json, account);
        account.alias = alias;
    }

    /// Names the fragment declares (in `sections`) that the account already has: input errors
    /// at `iac`.
    pub(crate) fn iac_conflicts(
        &mut self,
        src: &Arc<Source>,
        f: &Fragment,
        account: &crate::world::Account,
        sections: &[&str],
    ) {
        let Some(members) = f.json.members() else {
            return;
        };
        for &section in sections {
            let Some(entries) = field(members, section).and_then(Json::members) else {
                continue;
            };
            for e in entries {
                let taken = match section {
                    "users" => account.users.contains_key(&e.key),
                    "groups" => account.groups.contains_key(&e.key),
                    "roles" => account.roles.contains_key(&e.key),
                    "policies" => account.policies.contains_key(&e.key),
                    "buckets" => account.buckets.contains_key(&e.key),
                    _ => account.resources.contains_key(&e.key),
                };
                if taken {
                    self.diagnostics.push(Diagnostic::new(
                        Code::InvalidValue,
                        format!(
                            "the files of `iac` declare {} `{}`, which account {} also declares",
                            section.trim_end_matches('s'),
                            e.key,
                            account.id
                        ),
                        src,
                        f.at,
                    ));
                }
            }
        }
    }
}

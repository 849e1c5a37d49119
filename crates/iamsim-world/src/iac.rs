//! `"iac": [PATH, ...]` on an account of world.json (docs/world-format.md): the users, groups,
//! roles, managed policies, attachments, buckets and resource policies of Terraform and
//! CloudFormation files, loaded into that account beside what it declares directly. The files
//! are read through the world's one reader; the IaC crate builds them into the members of an
//! account object, which the loader then reads as it reads world.json's own.

use crate::load::{field, Loader};
use iamsim_iac::account::{build_account_beside, Beside};
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
    /// The groups the files declare, apart: they are loaded before world.json's users, who may
    /// join them ([`Loader::iac_groups`]).
    pub groups: Option<(Arc<Source>, Json)>,
    /// Memberships of the files that put a user of world.json in a group: (user, group).
    pub joins: Vec<(String, String)>,
    /// Policies of the files given to users, groups and roles of world.json, apart.
    pub given: Option<(Arc<Source>, Json)>,
}

/// The files an `iac` list names, as (name, text), and their sources in the same order.
type IacFiles = (Vec<(String, String)>, Vec<Arc<Source>>);

/// What a policy document of the files stands as in the account until it is written out.
const DOC_MARK: &str = "iamsim:iac-document:";

/// The documents of the files, and the files they are written in (by the names the reader
/// gives, with their sources).
struct Placed<'a> {
    docs: &'a [(Policy, Value)],
    names: &'a [&'a str],
    sources: &'a [Arc<Source>],
}

use iamsim_policy::span::Origins;

impl Placed<'_> {
    /// `account` as JSON text with each document in place of its mark, and for each document
    /// placed, where its parts are written in its file.
    fn render(&self, account: &Value) -> (String, Vec<Origins>) {
        let text = serde_json::to_string_pretty(account).unwrap_or_default();
        let mut marks: Vec<(usize, usize, usize)> = Vec::new();
        for (n, _) in self.docs.iter().enumerate() {
            let mark = format!("\"{DOC_MARK}{n}\"");
            marks.extend(
                text.match_indices(&mark)
                    .map(|(at, m)| (at, at + m.len(), n)),
            );
        }
        marks.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut origins = Vec::new();
        let mut last = 0;
        for (start, end, n) in marks {
            let Some((p, doc)) = self.docs.get(n) else {
                continue;
            };
            out.push_str(text.get(last..start).unwrap_or_default());
            let base = u32::try_from(out.len()).unwrap_or(u32::MAX);
            let rendered = serde_json::to_string(doc).unwrap_or_default();
            let file = self
                .names
                .iter()
                .position(|name| *name == p.file)
                .and_then(|i| self.sources.get(i));
            let mut placed: Origins = match file {
                Some(file) => iamsim_iac::document_positions(p, &rendered, base)
                    .into_iter()
                    .map(|(at, offset)| (at, Some((Arc::clone(file), offset))))
                    .collect(),
                None => Vec::new(),
            };
            out.push_str(&rendered);
            placed.push((u32::try_from(out.len()).unwrap_or(u32::MAX), None));
            origins.push(placed);
            last = end;
        }
        out.push_str(text.get(last..).unwrap_or_default());
        (out, origins)
    }
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
        let (files, sources) = self.iac_files(src, items)?;
        let settings = Settings {
            account: Some(id.to_string()),
        };
        let (reads, mut problems) = iamsim_iac::read_files(&files, &settings);
        // Each document stands as a mark until the account is written out (iac_render), where
        // it is placed with the position of every part in its file.
        let mut docs: Vec<(Policy, Value)> = Vec::new();
        let mut inline = |p: &Policy, v: Value| -> Result<Value, Problem> {
            let mark = format!("{DOC_MARK}{}", docs.len());
            docs.push((p.clone(), v));
            Ok(Value::from(mark))
        };
        // A membership of the files may name a group or a user world.json declares.
        let names = |section: &str| -> std::collections::BTreeSet<String> {
            json.members()
                .and_then(|m| field(m, section))
                .and_then(Json::members)
                .map(|gs| gs.iter().map(|g| g.key.clone()).collect())
                .unwrap_or_default()
        };
        let beside = Beside {
            groups: names("groups"),
            users: names("users"),
            roles: names("roles"),
        };
        let built = build_account_beside(&reads, id, &beside, &mut inline);
        let mut built = match built {
            Ok(b) if problems.is_empty() => b,
            Ok(_) => Default::default(),
            Err(ps) => {
                problems.extend(ps);
                Default::default()
            }
        };
        if !problems.is_empty() {
            self.place_iac_problems(problems, &files, &sources, src, list.span);
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
        let name = format!("{} (as account {id})", names.join(", "));
        let files = Placed {
            docs: &docs,
            names: &names,
            sources: &sources,
        };
        let groups = built
            .account
            .remove("groups")
            .map(|g| serde_json::json!({ "groups": g }));
        let rest = Value::Object(built.account);
        let given =
            (!built.given.is_empty()).then(|| Value::Object(std::mem::take(&mut built.given)));
        let (text, origins) = files.render(&rest);
        let (gtext, gorigins) = groups.as_ref().map(|g| files.render(g)).unwrap_or_default();
        let (atext, aorigins) = given.as_ref().map(|g| files.render(g)).unwrap_or_default();
        let placed = origins.len() + gorigins.len() + aorigins.len();
        if [&text, &gtext, &atext].iter().any(|t| t.contains(DOC_MARK)) || placed != docs.len() {
            // A name of the files that reads as a mark: refused rather than misplaced.
            self.diagnostics.push(Diagnostic::new(
                Code::InvalidValue,
                format!("the files of `iac` hold the text `{DOC_MARK}`, which iamsim uses itself"),
                src,
                list.span,
            ));
            return None;
        }
        let groups = match groups {
            Some(_) => Some(self.iac_part(name.clone(), gtext, gorigins)?),
            None => None,
        };
        let given = match given {
            Some(_) => Some(self.iac_part(name.clone(), atext, aorigins)?),
            None => None,
        };
        let (src, json) = self.iac_part(name, text, origins)?;
        Some(Fragment {
            src,
            json,
            at: list.span,
            groups,
            joins: std::mem::take(&mut built.joins),
            given,
        })
    }

    /// The files (name, text) an `iac` list names, each folder expanded to its files and each
    /// file once, with their sources; `None` when one cannot be read (with diagnostics).
    fn iac_files(&mut self, src: &Arc<Source>, items: &[Json]) -> Option<IacFiles> {
        let mut files: Vec<(String, String)> = Vec::new();
        let mut sources = Vec::new();
        let mut failed = false;
        for item in items {
            let Some(rel) = self.string(src, item, "a path") else {
                failed = true;
                continue;
            };
            // A folder: its Terraform files, plans and templates (iac_folder.rs).
            let names = match self.iac_folder(src, item, &rel) {
                Ok(Some(names)) => names,
                Ok(None) => vec![(rel, None)],
                Err(()) => {
                    failed = true;
                    continue;
                }
            };
            for (name, read) in names {
                if files.iter().any(|(n, _)| *n == name) {
                    continue;
                }
                let read = match read {
                    Some(r) => Ok(r),
                    None => self.iac_text(&name),
                };
                match read {
                    Ok((text, shown_name)) => {
                        sources.push(Source::new(shown_name, text.clone()));
                        files.push((name, text));
                    }
                    Err((code, message)) => {
                        let mut placed = Diagnostic::new(code, message, src, item.span);
                        placed.help = Some(
                            "`iac` names Terraform files or folders, plans and CloudFormation templates".into(),
                        );
                        self.diagnostics.push(placed);
                        failed = true;
                    }
                }
            }
        }
        (!failed).then_some((files, sources))
    }

    /// The IaC reader's problems as diagnostics, each placed in the file the reader names
    /// (names relative to the world folder), else at the `iac` list of world.json.
    fn place_iac_problems(
        &mut self,
        problems: Vec<Problem>,
        files: &[(String, String)],
        sources: &[Arc<Source>],
        src: &Arc<Source>,
        list: Span,
    ) {
        for p in problems {
            let file_src = files
                .iter()
                .position(|(n, _)| *n == p.file)
                .and_then(|i| sources.get(i))
                .cloned();
            let d = match file_src {
                Some(fs) => Diagnostic::new(p.code, p.message, &fs, Span::new(p.at, p.at)),
                None => Diagnostic::new(p.code, format!("{}: {}", p.file, p.message), src, list),
            };
            self.diagnostics.push(d);
        }
    }

    /// A part of the account written for the files, with where its documents are written.
    fn iac_part(
        &mut self,
        name: String,
        text: String,
        origins: Vec<Origins>,
    ) -> Option<(Arc<Source>, Json)> {
        self.iac_json(Source::rendered(
            name,
            text,
            origins.into_iter().flatten().collect(),
        ))
    }

    /// A member object written for the files, parsed.
    fn iac_json(&mut self, src: Arc<Source>) -> Option<(Arc<Source>, Json)> {
        match json::parse(&src, Limits::default()) {
            Ok(j) => Some((src, j)),
            Err(d) => {
                self.diagnostics.push(d);
                None
            }
        }
    }

    /// Loads the groups of the files into an account before world.json's own users, roles and
    /// groups (`world`: the account's object in world.json), so that a user of either may join
    /// a group of either; a group declared both ways is an error at `iac`.
    pub(crate) fn iac_groups(
        &mut self,
        src: &Arc<Source>,
        f: &Fragment,
        world: &Json,
        account: &mut crate::world::Account,
    ) {
        let Some((gsrc, gjson)) = &f.groups else {
            return;
        };
        let Some(entries) = gjson
            .members()
            .and_then(|m| field(m, "groups"))
            .and_then(Json::members)
        else {
            return;
        };
        let declared = world
            .members()
            .and_then(|m| field(m, "groups"))
            .and_then(Json::members)
            .unwrap_or(&[]);
        for e in entries {
            if declared.iter().any(|d| d.key == e.key) {
                self.diagnostics.push(Diagnostic::new(
                    Code::InvalidValue,
                    format!(
                        "the files of `iac` declare group `{}`, which account {} also declares",
                        e.key, account.id
                    ),
                    src,
                    f.at,
                ));
                continue;
            }
            let group = self.group(gsrc, &e.key, &e.value, account);
            account.groups.insert(e.key.clone(), group);
        }
    }

    /// The text of one file `iac` names (or a folder of it holds), with its name for messages.
    fn iac_text(&self, reference: &str) -> Result<(String, String), (Code, String)> {
        let f = iamsim_policy::files::read_kind(
            self.files(),
            reference,
            iamsim_policy::files::FileKind::Iac,
        )
        .map_err(|d| (d.code, d.message))?;
        match String::from_utf8(f.bytes) {
            Ok(text) => Ok((text, f.name)),
            Err(_) => Err((
                Code::InvalidValue,
                format!("`{reference}` is not UTF-8 text"),
            )),
        }
    }

    /// When `reference` names a folder: its IaC files (every `*.tf` of the tree, and the
    /// `.json`, `.yaml`, `.yml` and `.template` files that are plans or templates), each read
    /// once, by reference; `Ok(None)` for a file. A folder that cannot be listed, a file of it
    /// that cannot be read, or a folder holding none is an error at the `iac` entry.
    #[allow(clippy::type_complexity)]
    fn iac_folder(
        &mut self,
        src: &Arc<Source>,
        item: &Json,
        reference: &str,
    ) -> Result<Option<Vec<(String, Option<(String, String)>)>>, ()> {
        let place = |code: Code, message: String| {
            let mut d = Diagnostic::new(code, message, src, item.span);
            d.help = Some(
                "`iac` names Terraform files or folders, plans and CloudFormation templates".into(),
            );
            d
        };
        let names = match self.files().list(reference, &iamsim_iac::iac_file_name) {
            Ok(Some(names)) => names,
            Ok(None) => return Ok(None),
            Err(d) => {
                self.diagnostics.push(place(d.code, d.message));
                return Err(());
            }
        };
        let mut out = Vec::new();
        for name in names {
            let terraform = name.to_ascii_lowercase().ends_with(".tf");
            match self.iac_text(&name) {
                Ok((text, shown)) => {
                    if iamsim_iac::detect(&name, &text).is_some() {
                        out.push((name, Some((text, shown))));
                    }
                }
                // Only Terraform source is IaC by its name alone: another file that cannot be
                // read as text is no template.
                Err((Code::InvalidValue, _)) if !terraform => {}
                Err((code, message)) => {
                    self.diagnostics.push(place(code, message));
                    return Err(());
                }
            }
        }
        if out.is_empty() {
            self.diagnostics.push(place(
                Code::NoPolicyFound,
                format!(
                    "folder `{reference}` holds no Terraform file, Terraform plan nor CloudFormation template"
                ),
            ));
            return Err(());
        }
        Ok(Some(out))
    }

    /// Loads the users, groups, roles, buckets and resources of the files into an account that
    /// holds what world.json declares: a name declared both ways is an error at `iac`.
    pub(crate) fn iac_account(
        &mut self,
        src: &Arc<Source>,
        f: &Fragment,
        account: &mut crate::world::Account,
    ) {
        // Groups: loaded and checked before (iac_groups).
        let sections = ["users", "roles", "buckets", "resources"];
        self.iac_conflicts(src, f, account, &sections);
        // The files give no alias: the account keeps its own.
        let alias = account.alias.take();
        self.account(&f.src, &f.json, account);
        account.alias = alias;
        self.iac_given(f, account);
        // Users of world.json the files put in a group (of either).
        for (user, group) in &f.joins {
            if !account.groups.contains_key(group) {
                self.diagnostics.push(Diagnostic::new(
                    Code::UnknownReference,
                    format!(
                        "the files of `iac` put user `{user}` in group `{group}`, which account {} does not have",
                        account.id
                    ),
                    src,
                    f.at,
                ));
                continue;
            }
            if let Some(u) = account.users.get_mut(user) {
                if !u.groups.contains(group) {
                    u.groups.push(group.clone());
                }
            }
        }
    }

    /// The policies the files give to users, groups and roles of world.json, loaded onto them.
    fn iac_given(&mut self, f: &Fragment, account: &mut crate::world::Account) {
        let Some((asrc, ajson)) = &f.given else {
            return;
        };
        for section in ["users", "groups", "roles"] {
            let Some(entries) = ajson
                .members()
                .and_then(|m| field(m, section))
                .and_then(Json::members)
            else {
                continue;
            };
            for e in entries {
                let items = self.array(asrc, &e.value, "`policies`").unwrap_or(&[]);
                let handles: Vec<_> = items
                    .iter()
                    .filter_map(|item| {
                        self.policy_ref(
                            asrc,
                            item,
                            iamsim_policy::PolicyType::Identity,
                            Some(account),
                        )
                    })
                    .collect();
                let list = match section {
                    "users" => account.users.get_mut(&e.key).map(|u| &mut u.policies),
                    "groups" => account.groups.get_mut(&e.key).map(|g| &mut g.policies),
                    _ => account.roles.get_mut(&e.key).map(|r| &mut r.policies),
                };
                if let Some(list) = list {
                    list.extend(handles);
                }
            }
        }
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

//! Reading world.json and the policy files it names, with a diagnostic (file:line:column) for
//! every problem. Nothing is dropped silently: an unknown field is an error, since a misspelt
//! `polices` would otherwise lose a policy without a word.

use crate::world::{LoadedPolicy, PolicyHandle};
use iamsim_policy::files::{self, FileKind, Files};
use iamsim_policy::json::{self, Json, JsonValue, Limits, Member};
use iamsim_policy::{Code, Diagnostic, PolicyType, Source, Span};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

mod aws_managed;
mod entities;
mod organization;
mod policy_refs;
mod side_by_side;
mod world_file;

/// Policy files read, by the reference as written. foldhash rather than FNV: a million roles
/// look their files up two million times, and FNV's byte-at-a-time hashing of the paths was a
/// twentieth of loading them; seeded per map, so references written to collide cannot be made
/// from the outside.
pub(crate) type FilesRead = HashMap<String, PolicyHandle, foldhash::fast::RandomState>;

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
    files_read: crate::index::FnvMap<PolicyType, FilesRead>,
    /// Access key ids seen so far, with the user holding each: a key belongs to one user.
    access_keys: HashMap<String, String>,
    /// Files read from outside the world folder: diagnostics about them are concealed.
    hidden: Vec<String>,
    /// Accounts' copies of AWS managed policies, by account id and ARN: the reference as
    /// written in world.json (load/aws_managed.rs).
    aws_managed: HashMap<(String, String), (Arc<Source>, Json)>,
    /// The policies of the threads that read accounts side by side, when this reader is one of
    /// them (load/side_by_side.rs): a file or a cached policy is one handle whichever thread
    /// read it first.
    shared: Option<&'f side_by_side::SharedReads>,
    /// Set when a world read side by side must be read again on one thread (its accounts had
    /// something to report): load_world starts over.
    again: bool,
    /// The size of world.json from which its accounts are read side by side (`usize::MAX`:
    /// never, as for every reader but the world's own).
    side_by_side_from: usize,
    /// By account id, the account's policies that may name principals, worked out as it is
    /// read (validate.rs).
    named: HashMap<String, Vec<PolicyHandle>>,
}

impl<'f> Loader<'f> {
    /// A reader of `files`, with no problems yet.
    pub fn new(files: &'f dyn Files) -> Self {
        Loader {
            files,
            diagnostics: Vec::new(),
            cache: HashMap::new(),
            files_read: Default::default(),
            access_keys: HashMap::new(),
            hidden: Vec::new(),
            aws_managed: HashMap::new(),
            shared: None,
            again: false,
            side_by_side_from: usize::MAX,
            named: HashMap::new(),
        }
    }

    /// The policy cached under `key` (an AWS managed policy, a copy of one, a built-in policy).
    pub(crate) fn cached(&mut self, key: &(String, PolicyType)) -> Option<PolicyHandle> {
        if let Some(p) = self.cache.get(key) {
            return Some(Arc::clone(p));
        }
        let p = self.shared?.cached(key)?;
        self.cache.insert(key.clone(), Arc::clone(&p));
        Some(p)
    }

    /// Caches `handle` under `key`; gives the handle to use: `handle`, or the one another
    /// thread reading side by side cached first.
    pub(crate) fn keep(&mut self, key: (String, PolicyType), handle: PolicyHandle) -> PolicyHandle {
        let handle = match self.shared {
            Some(shared) => shared.keep(key.clone(), handle),
            None => handle,
        };
        self.cache.insert(key, Arc::clone(&handle));
        handle
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

    /// The `path` field, `/` without one; borrowed from the entity's object (a million roles
    /// each copied theirs).
    fn path_field<'j>(&mut self, src: &Arc<Source>, members: &'j [Member]) -> Cow<'j, str> {
        let Some(v) = field(members, "path") else {
            return Cow::Borrowed("/");
        };
        let JsonValue::String(path) = &v.value else {
            self.string(src, v, "`path`");
            return Cow::Borrowed("/");
        };
        if !(path.starts_with('/') && path.ends_with('/')) {
            self.error(
                src,
                v.span,
                Code::InvalidValue,
                format!("path `{path}` must begin and end with `/` (for example `/team/`)"),
            );
        }
        Cow::Borrowed(path)
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

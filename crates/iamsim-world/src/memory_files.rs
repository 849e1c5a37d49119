//! A world's files held in memory: a world, its policies and its tests files loaded with no
//! folder on disk (a test, a bench, a fuzz target, or a program that builds its world itself).
//!
//! [`MemoryFiles`] is a [`Files`] like [`iamsim_policy::files::Folder`], under the same bounds:
//! a reference is confined to the set of files (an absolute path or a `..` that climbs out is
//! `PATH_OUTSIDE_ROOT`), a file over the reader's size bound is `INPUT_TOO_LARGE` and a file the
//! set does not hold is `FILE_NOT_FOUND`. Every file is the caller's own, so diagnostics may quote
//! it ([`InputFile::shown`]).

use iamsim_policy::files::{Files, InputFile};
use iamsim_policy::{Code, Diagnostic};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Files held in memory, by their path relative to a folder that exists only in name.
///
/// ```
/// use iamsim_world::{MemoryFiles, World};
///
/// let files = MemoryFiles::new("team")
///     .with("world.json", r#"{"accounts": {"111111111111": {"users": {"ci": {}}}}}"#);
/// let world = World::load_from(&files).unwrap();
/// assert!(world.user_by_arn("arn:aws:iam::111111111111:user/ci").is_some());
/// ```
#[derive(Clone, Debug, Default)]
pub struct MemoryFiles {
    dir: PathBuf,
    files: BTreeMap<String, Vec<u8>>,
}

impl MemoryFiles {
    /// No files yet. `dir` names the folder in messages and explanations: a file `p.json` is
    /// `dir/p.json` there, as a folder of that name calls it (the reference as written).
    pub fn new(dir: impl Into<PathBuf>) -> MemoryFiles {
        MemoryFiles {
            dir: dir.into(),
            files: BTreeMap::new(),
        }
    }

    /// The same files with `text` at `reference` (relative, `/`-separated; `./` and `a/../`
    /// are folded as a folder would resolve them). A reference that leaves the folder is never
    /// readable, so it is not kept.
    #[must_use]
    pub fn with(mut self, reference: &str, text: impl Into<Vec<u8>>) -> MemoryFiles {
        self.insert(reference, text);
        self
    }

    /// Sets the file at `reference` to `text`, replacing what it held; see [`MemoryFiles::with`].
    pub fn insert(&mut self, reference: &str, text: impl Into<Vec<u8>>) {
        if let Ok(key) = normalize(reference) {
            self.files.insert(key, text.into());
        }
    }

    /// The references held, in order, as [`MemoryFiles::insert`] folded them.
    pub fn references(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

/// `reference` with `.` and `a/..` folded, its parts joined with `/`; an empty reference, a NUL,
/// an absolute path or a `..` that climbs out of the folder is refused as `Folder` refuses them.
fn normalize(reference: &str) -> Result<String, Diagnostic> {
    let key = fold(reference)?;
    if key.is_empty() {
        return Err(outside(reference, "names the folder, not a file"));
    }
    Ok(key)
}

/// `reference` with `.` and `a/..` folded, its parts joined with `/`: empty when it names the
/// folder itself (`.`, `a/..`); refused as [`normalize`] refuses it otherwise.
fn fold(reference: &str) -> Result<String, Diagnostic> {
    if reference.is_empty() || reference.contains('\0') {
        return Err(Diagnostic::detached(
            Code::InvalidValue,
            "an empty file reference",
        ));
    }
    let mut parts: Vec<&str> = Vec::new();
    for component in Path::new(reference).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str().unwrap_or_default()),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err(outside(reference, "leads outside the folder"));
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(outside(reference, "is an absolute path"))
            }
        }
    }
    Ok(parts.join("/"))
}

fn outside(reference: &str, why: &str) -> Diagnostic {
    Diagnostic::detached(
        Code::PathOutsideRoot,
        format!(
            "`{}` {why}: references stay inside the world's files",
            reference.escape_default()
        ),
    )
}

impl Files for MemoryFiles {
    fn dir(&self) -> &Path {
        &self.dir
    }

    /// The held files below the folder `reference` names (`.`: all of them) that `wanted`
    /// accepts, in order, skipping hidden folders as a folder walk does; `None` when `reference`
    /// is a file or holds nothing.
    fn list(
        &self,
        reference: &str,
        wanted: &dyn Fn(&Path) -> bool,
    ) -> Result<Option<Vec<String>>, Diagnostic> {
        let prefix = match fold(reference)? {
            // The folder itself.
            key if key.is_empty() => key,
            key if self.files.contains_key(&key) => return Ok(None),
            key => format!("{key}/"),
        };
        let dir = reference.trim_end_matches('/');
        let names: Vec<String> = self
            .files
            .keys()
            .filter_map(|key| key.strip_prefix(&prefix))
            .filter(|rel| {
                let folders = rel.rsplit_once('/').map_or("", |(d, _)| d);
                !folders.split('/').any(|part| part.starts_with('.'))
            })
            .filter(|rel| wanted(Path::new(rel)))
            .map(|rel| {
                if dir.is_empty() || dir == "." {
                    rel.to_string()
                } else {
                    format!("{dir}/{rel}")
                }
            })
            .collect();
        Ok((!names.is_empty()).then_some(names))
    }

    fn read(&self, reference: &str, max: u64) -> Result<InputFile, Diagnostic> {
        let key = normalize(reference)?;
        // Named as a folder names it: the reference as written, joined to the folder.
        let name = self.dir.join(reference).display().to_string();
        let Some(bytes) = self.files.get(&key) else {
            return Err(Diagnostic::detached(
                Code::FileNotFound,
                format!("cannot read `{name}`: it does not exist"),
            ));
        };
        if bytes.len() as u64 > max {
            return Err(Diagnostic::detached(
                Code::InputTooLarge,
                format!("`{name}` is larger than {max} bytes, more than iamsim reads"),
            ));
        }
        Ok(InputFile {
            name,
            bytes: bytes.clone(),
            shown: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder listing names what a folder walk would: the wanted files below it, hidden
    /// folders skipped, as references from the folder named; a file or an empty folder is none.
    #[test]
    fn lists_folders_as_a_folder_walk_does() {
        let files = MemoryFiles::new("mem")
            .with("world.json", "{}")
            .with("tf/main.tf", "")
            .with("tf/mod/net.tf", "")
            .with("tf/.terraform/cached.tf", "")
            .with("tf/README.md", "");
        let tf = |p: &Path| p.extension().is_some_and(|e| e == "tf");
        assert_eq!(
            files.list("tf", &tf).unwrap(),
            Some(vec!["tf/main.tf".to_string(), "tf/mod/net.tf".to_string()])
        );
        assert_eq!(
            files.list(".", &tf).unwrap(),
            Some(vec!["tf/main.tf".to_string(), "tf/mod/net.tf".to_string()])
        );
        assert_eq!(files.list("world.json", &tf).unwrap(), None);
        assert_eq!(files.list("nothing", &tf).unwrap(), None);
        assert_eq!(
            files.list("../up", &tf).unwrap_err().code,
            Code::PathOutsideRoot
        );
    }

    fn files() -> MemoryFiles {
        MemoryFiles::new("mem")
            .with("world.json", "{}")
            .with("./policies/../policies/p.json", "[1]")
    }

    #[test]
    fn references_are_folded_as_a_folder_resolves_them() {
        let f = files();
        assert_eq!(
            f.references().collect::<Vec<_>>(),
            ["policies/p.json", "world.json"]
        );
        let read = f.read("policies/./p.json", 100).unwrap();
        assert_eq!(read.bytes, b"[1]");
        assert_eq!(read.name, "mem/policies/./p.json");
        assert!(read.shown);
    }

    #[test]
    fn references_stay_inside_the_files() {
        let f = files();
        for (reference, code) in [
            ("../world.json", Code::PathOutsideRoot),
            ("policies/../../x", Code::PathOutsideRoot),
            ("/world.json", Code::PathOutsideRoot),
            (".", Code::PathOutsideRoot),
            ("", Code::InvalidValue),
            ("a\0b", Code::InvalidValue),
            ("missing.json", Code::FileNotFound),
        ] {
            assert_eq!(
                f.read(reference, 100).unwrap_err().code,
                code,
                "{reference:?}"
            );
        }
        // A file that could never be read is not kept.
        let kept = MemoryFiles::new("mem").with("../x.json", "{}");
        assert_eq!(kept.references().count(), 0);
    }

    #[test]
    fn the_size_bound_holds() {
        let f = MemoryFiles::new("mem").with("big.json", vec![b' '; 101]);
        assert_eq!(
            f.read("big.json", 100).unwrap_err().code,
            Code::InputTooLarge
        );
        assert!(f.read("big.json", 101).is_ok());
    }
}

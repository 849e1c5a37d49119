//! Reading input files: the one way every reader of iamsim opens a file.
//!
//! Every file iamsim reads may come from a pull request, so a reader:
//!
//! - resolves a path written inside a file (world.json, a tests file, an export) against the
//!   folder of that file, and refuses it unless it stays inside the folder, or inside the wider
//!   root the user names (`--root DIR`), after following symlinks: an absolute path, `..` that
//!   climbs out, or a symlink that points out is an input error naming the reference
//!   (`PATH_OUTSIDE_ROOT`), and nothing of the file is read;
//! - opens only regular files: FIFOs, devices, sockets and the kernel's pseudo-files under
//!   `/proc`, `/sys` and `/dev` are refused (`NOT_A_REGULAR_FILE`) without blocking on them;
//! - refuses a file over its size bound before allocating for it (`INPUT_TOO_LARGE`), and stops
//!   reading at the bound should the file grow meanwhile;
//! - says whether diagnostics about the file may quote it ([`InputFile::shown`]): only files
//!   inside the folder being checked may; for any other file, [`conceal`] keeps a diagnostic's
//!   code and position and drops every word that came from the file.
//!
//! [`Files`] is the interface a world loader reads through: [`Folder`] reads from disk, and a
//! caller may supply its own (for example edited texts held in memory over a folder).

use crate::diagnostic::{Code, Diagnostic};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

mod limits;
pub use limits::{
    describe_limit, read_kind, read_named_kind, within_kind, FileKind, FileLimit, FILE_LIMITS,
    LARGE_FILE_BYTES, POLICY_FILE_BYTES,
};

/// The most an AWS CLI config or credentials file may be: real ones are a few kilobytes.
pub const MAX_SMALL_FILE_BYTES: u64 = 1024 * 1024;

/// A file read for a reader: its name for messages, its bytes, and whether diagnostics about
/// it may quote its content.
#[derive(Clone, Debug)]
pub struct InputFile {
    /// The file's name for messages: the reference joined to the folder as the user named it.
    pub name: String,
    /// The file's content, at most the bound the reader was given.
    pub bytes: Vec<u8>,
    /// The file is inside the folder being checked (a world's own policy file): diagnostics may
    /// show its lines. When false, pass them through [`conceal`].
    pub shown: bool,
}

/// Where files are read from: references relative to a folder, confined to a root. `Sync`: a
/// large world's accounts are read on several threads at once, each reading the files they name.
pub trait Files: Sync {
    /// The folder references are relative to, as the user named it (for messages).
    fn dir(&self) -> &Path;
    /// Reads the file `reference` names, at most `max` bytes.
    fn read(&self, reference: &str, max: u64) -> Result<InputFile, Diagnostic>;
    /// The files below the folder `reference` names that `wanted` accepts, as references
    /// (`reference/sub/file.tf`), in a stable order; `None` when `reference` is no folder (read
    /// it as a file). A reader that holds no folders lists none.
    fn list(
        &self,
        reference: &str,
        wanted: &dyn Fn(&Path) -> bool,
    ) -> Result<Option<Vec<String>>, Diagnostic> {
        let _ = (reference, wanted);
        Ok(None)
    }
}

/// A folder on disk whose references may reach anywhere inside `root` and nowhere else.
#[derive(Clone, Debug)]
pub struct Folder {
    /// As the user named it: names in messages are built from it.
    dir: PathBuf,
    /// Canonical.
    canonical: PathBuf,
    /// Canonical; the folder itself unless the user named a wider root.
    root: PathBuf,
    /// The canonical path of each folder references have named, by the folder as written
    /// ([`Folder::resolve`]).
    folders: std::sync::Arc<std::sync::Mutex<HashMap<PathBuf, PathBuf>>>,
}

fn io_error(code: Code, message: String) -> Diagnostic {
    Diagnostic::detached(code, message)
}

/// `path` made absolute with symlinks followed; a missing path is `FILE_NOT_FOUND`.
fn canonical(path: &Path, what: &str) -> Result<PathBuf, Diagnostic> {
    std::fs::canonicalize(path).map_err(|e| {
        io_error(
            Code::FileNotFound,
            format!("cannot read {what}: {}", describe_io(&e)),
        )
    })
}

/// An I/O error in words, without the path (the caller names what it was reading).
fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "it does not exist".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            // Only the OS's description, never anything read from a file.
            let text = e.to_string();
            text.split(" (os error").next().unwrap_or("").to_string()
        }
    }
}

impl Folder {
    /// The folder `dir`; references in its files may reach anywhere inside `root` (default: the
    /// folder itself). `dir` must be inside `root`.
    pub fn open(dir: &Path, root: Option<&Path>) -> Result<Folder, Diagnostic> {
        let shown = dir.display().to_string();
        let canonical_dir = canonical(dir, &format!("folder `{shown}`"))?;
        if !canonical_dir.is_dir() {
            return Err(io_error(
                Code::FileNotFound,
                format!("`{shown}` is not a folder"),
            ));
        }
        let root = match root {
            Some(r) => {
                let r_shown = r.display().to_string();
                let r = canonical(r, &format!("--root `{r_shown}`"))?;
                if !canonical_dir.starts_with(&r) {
                    return Err(io_error(
                        Code::PathOutsideRoot,
                        format!("folder `{shown}` is not inside --root `{r_shown}`"),
                    ));
                }
                r
            }
            None => canonical_dir.clone(),
        };
        Ok(Folder {
            dir: dir.to_path_buf(),
            canonical: canonical_dir,
            root,
            folders: Default::default(),
        })
    }

    /// The canonical root references are confined to.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The canonical folder.
    pub fn canonical(&self) -> &Path {
        &self.canonical
    }

    /// Whether a canonical path is inside the folder itself (its diagnostics may quote it).
    pub fn holds(&self, canonical: &Path) -> bool {
        canonical.starts_with(&self.canonical)
    }

    /// The canonical path `reference` names, if it stays inside the root.
    pub fn resolve(&self, reference: &str) -> Result<PathBuf, Diagnostic> {
        self.resolve_known(reference).map(|(path, _)| path)
    }

    /// [`Folder::resolve`], with what the file's last look found when it was no link (its type
    /// and size, as following it would find them).
    fn resolve_known(
        &self,
        reference: &str,
    ) -> Result<(PathBuf, Option<std::fs::Metadata>), Diagnostic> {
        let outside = |why: &str| {
            io_error(
                Code::PathOutsideRoot,
                format!(
                    "`{}` {why}: references stay inside `{}`",
                    escape_reference(reference),
                    self.dir.display()
                ),
            )
            .with_help("name a file inside the folder, or widen what may be read with --root DIR")
        };
        if reference.is_empty() || reference.contains('\0') {
            return Err(io_error(
                Code::InvalidValue,
                "an empty file reference".to_string(),
            ));
        }
        let rel = Path::new(reference);
        if rel
            .components()
            .any(|c| matches!(c, Component::RootDir | Component::Prefix(_)))
        {
            return Err(outside("is an absolute path"));
        }
        let path = self.canonical.join(rel);
        let resolved = self.canonical_of(&path).map_err(|e| {
            io_error(
                Code::FileNotFound,
                format!(
                    "cannot read `{}` in `{}`: {}",
                    escape_reference(reference),
                    self.dir.display(),
                    describe_io(&e)
                ),
            )
        })?;
        if !resolved.0.starts_with(&self.root) {
            return Err(outside("leads outside the folder"));
        }
        Ok(resolved)
    }
}

impl Folder {
    /// `std::fs::canonicalize(path)`, with the folder part canonicalized once per folder: a world
    /// names tens of thousands of files in a few folders, and canonicalizing each path anew
    /// looked up every folder on the way once per file (a twentieth of loading a million roles).
    /// The file itself is looked at every time: a symbolic link is followed as before.
    fn canonical_of(&self, path: &Path) -> std::io::Result<(PathBuf, Option<std::fs::Metadata>)> {
        let bytes = path.as_os_str().as_encoded_bytes();
        let (Some(parent), Some(Component::Normal(name)), false) = (
            path.parent(),
            path.components().next_back(),
            // `file/` and `file/.` name no file (canonicalize refuses them).
            bytes.ends_with(b"/") || bytes.ends_with(b"/."),
        ) else {
            return std::fs::canonicalize(path).map(|p| (p, None));
        };
        let folder = self.canonical_folder(parent)?;
        let candidate = folder.join(name);
        match std::fs::symlink_metadata(&candidate) {
            Ok(meta) if !meta.file_type().is_symlink() => Ok((candidate, Some(meta))),
            // A link, or an error: what canonicalize makes of the whole path.
            _ => std::fs::canonicalize(path).map(|p| (p, None)),
        }
    }

    /// `std::fs::canonicalize(folder)`, remembered. A folder below one already known is that
    /// one's canonical path and its own name when it is no link: one look instead of a look at
    /// every folder from `/` down (a world's thousand account folders cost five thousand
    /// `readlink` calls). A link, `..` or anything else is canonicalized whole, as before.
    fn canonical_folder(&self, folder: &Path) -> std::io::Result<PathBuf> {
        let known = |p: &Path| {
            if p == self.canonical {
                return Some(self.canonical.clone());
            }
            self.folders.lock().ok().and_then(|m| m.get(p).cloned())
        };
        let remember = |p: &Path, canonical: &PathBuf| {
            if let Ok(mut m) = self.folders.lock() {
                m.insert(p.to_path_buf(), canonical.clone());
            }
        };
        // The folders from the nearest one known (or canonicalized whole) down to `folder`,
        // each a plain name below the one before.
        let mut below = Vec::new();
        let mut at = folder;
        let mut canonical = loop {
            if let Some(c) = known(at) {
                break c;
            }
            match (at.parent(), at.components().next_back()) {
                (Some(up), Some(Component::Normal(name))) if !up.as_os_str().is_empty() => {
                    below.push((at, name));
                    at = up;
                }
                _ => {
                    let c = std::fs::canonicalize(at)?;
                    remember(at, &c);
                    break c;
                }
            }
        };
        for (path, name) in below.into_iter().rev() {
            let candidate = canonical.join(name);
            canonical = match std::fs::symlink_metadata(&candidate) {
                Ok(meta) if !meta.file_type().is_symlink() => candidate,
                _ => std::fs::canonicalize(path)?,
            };
            remember(path, &canonical);
        }
        Ok(canonical)
    }
}

impl Files for Folder {
    fn dir(&self) -> &Path {
        &self.dir
    }

    fn read(&self, reference: &str, max: u64) -> Result<InputFile, Diagnostic> {
        let (path, known) = self.resolve_known(reference)?;
        let name = self.dir.join(reference).display().to_string();
        let bytes = read_regular(&path, &name, max, known)?;
        Ok(InputFile {
            name,
            bytes,
            shown: self.holds(&path),
        })
    }

    fn list(
        &self,
        reference: &str,
        wanted: &dyn Fn(&Path) -> bool,
    ) -> Result<Option<Vec<String>>, Diagnostic> {
        let dir = self.resolve(reference)?;
        if !dir.is_dir() {
            return Ok(None);
        }
        list_folder(&dir, &self.root, reference, wanted).map(Some)
    }
}

/// Files of `base` with some texts replaced or added, by reference (edited policy texts checked
/// in memory: nothing is written to disk). A replaced text is bounded like a file.
pub struct Overlay<'a> {
    /// Where every file the overlay does not hold is read from.
    pub base: &'a dyn Files,
    /// The replaced or added texts, by reference relative to the base's folder.
    pub texts: &'a std::collections::HashMap<String, String>,
}

impl Files for Overlay<'_> {
    fn dir(&self) -> &Path {
        self.base.dir()
    }

    fn read(&self, reference: &str, max: u64) -> Result<InputFile, Diagnostic> {
        match self.texts.get(reference) {
            Some(text) if text.len() as u64 > max => Err(io_error(
                Code::InputTooLarge,
                format!("`{reference}` is larger than {max} bytes"),
            )),
            Some(text) => Ok(InputFile {
                name: self.base.dir().join(reference).display().to_string(),
                bytes: text.clone().into_bytes(),
                shown: true,
            }),
            None => self.base.read(reference, max),
        }
    }

    /// The base's files below the folder, with the texts added under it.
    fn list(
        &self,
        reference: &str,
        wanted: &dyn Fn(&Path) -> bool,
    ) -> Result<Option<Vec<String>>, Diagnostic> {
        let Some(mut names) = self.base.list(reference, wanted)? else {
            return Ok(None);
        };
        let prefix = join_reference(reference, "");
        for name in self.texts.keys() {
            if name.starts_with(&prefix) && wanted(Path::new(name)) && !names.contains(name) {
                names.push(name.clone());
            }
        }
        names.sort();
        Ok(Some(names))
    }
}

/// Reads a file the user names on the command line (symlinks followed: the user chose it),
/// regular files only, at most `max` bytes. `shown` is false: the caller decides whether it may
/// be quoted.
pub fn read_named(path: &Path, max: u64) -> Result<InputFile, Diagnostic> {
    let name = path.display().to_string();
    let resolved = canonical(path, &format!("`{name}`"))?;
    let bytes = read_regular(&resolved, &name, max, None)?;
    Ok(InputFile {
        name,
        bytes,
        shown: false,
    })
}

/// Whether `path` (canonical) is a kernel pseudo-file tree whose files claim to be regular but
/// are not (`/proc/self/environ`).
fn pseudo(path: &Path) -> bool {
    ["/proc", "/sys", "/dev"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Reads the regular file at the canonical `path`, at most `max` bytes, without blocking on a
/// FIFO and without allocating for more than the bound.
fn read_regular(
    path: &Path,
    name: &str,
    max: u64,
    known: Option<std::fs::Metadata>,
) -> Result<Vec<u8>, Diagnostic> {
    let not_regular = || {
        io_error(
            Code::NotARegularFile,
            format!("`{name}` is not a regular file; iamsim reads only regular files"),
        )
    };
    if pseudo(path) {
        return Err(not_regular());
    }
    // The type before opening (a device is never opened), and again on the open handle (the
    // path may have been swapped meanwhile).
    // `known`: the path's last look, which found no link (one look less for each of a world's
    // files).
    let meta = match known {
        Some(meta) => meta,
        None => std::fs::metadata(path).map_err(|e| {
            io_error(
                Code::FileNotFound,
                format!("cannot read `{name}`: {}", describe_io(&e)),
            )
        })?,
    };
    if !meta.is_file() {
        return Err(not_regular());
    }
    let file = open_nonblocking(path).map_err(|e| {
        io_error(
            Code::FileNotFound,
            format!("cannot read `{name}`: {}", describe_io(&e)),
        )
    })?;
    let meta = file.metadata().map_err(|e| {
        io_error(
            Code::FileNotFound,
            format!("cannot read `{name}`: {}", describe_io(&e)),
        )
    })?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let too_large = |size: u64| {
        io_error(
            Code::InputTooLarge,
            format!("`{name}` is larger than {max} bytes, more than iamsim reads ({size} bytes or more)"),
        )
    };
    if meta.len() > max {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The size the open file has now is what is read: reading on to find the end took a second
    // read call for every file (a world of a million roles reads 60,000). A file that says it
    // is empty (some file systems say so of files that are not) is read to its end, within the
    // bound.
    let readable = match meta.len() {
        0 => max.saturating_add(1),
        len => len,
    };
    file.take(readable).read_to_end(&mut bytes).map_err(|e| {
        io_error(
            Code::FileNotFound,
            format!("cannot read `{name}`: {}", describe_io(&e)),
        )
    })?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO swapped in after the type check returns at once instead of
    // waiting for a writer; O_NOFOLLOW: the canonical path has no symlink left to follow.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// A reference as written, safe to print: control characters escaped, at most 200 characters.
fn escape_reference(reference: &str) -> String {
    let mut out = String::new();
    for (i, c) in reference.chars().enumerate() {
        if i == 200 {
            out.push_str("...");
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A diagnostic about a file that may not be quoted, with nothing of the file left in it: the
/// code, the file's name and the line and column stay; the message becomes the code's own
/// description and the source line is not shown. `file`: the name of the file, for diagnostics
/// that have no source.
pub fn conceal(d: Diagnostic, file: &str, what: &str) -> Diagnostic {
    let (name, at) = match d.source.as_ref() {
        Some(src) => {
            let (line, column) = src.line_col(d.span.start);
            (
                src.name().to_string(),
                format!(" at line {line}, column {column}"),
            )
        }
        None => (file.to_string(), String::new()),
    };
    let description = d.code.description().trim_end_matches('.').to_lowercase();
    let mut out = Diagnostic::detached(
        d.code,
        format!("`{name}` is not a valid {what}{at}: {description}"),
    )
    .with_help("its content is not shown: the file is outside the folder being checked");
    out.severity = d.severity;
    out
}

/// The most files and folders one walk of a folder looks at: past it the walk stops and says
/// so (a tree that large is refused, never half read as if whole).
pub const MAX_WALK_ENTRIES: usize = 200_000;

/// A path as printed: `/`-separated, without a leading `./`.
fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// What a walk of a folder finds, in a stable order.
#[derive(Debug, Default)]
pub struct FolderWalk {
    /// Folders holding `world.json`.
    pub worlds: Vec<PathBuf>,
    /// Every wanted file inside the tree, with its canonical path.
    pub files: Vec<(PathBuf, PathBuf)>,
    /// Symlinked wanted files that lead outside the tree: not to be read.
    pub outside: Vec<PathBuf>,
    /// Folders or files that could not be read, and a tree past [`MAX_WALK_ENTRIES`]: (name,
    /// message).
    pub unreadable: Vec<(String, String)>,
    /// The walk stopped at [`MAX_WALK_ENTRIES`] (also said in `unreadable`, as its last entry).
    pub truncated: bool,
}

/// Walks `top` breadth-first, sorted: world folders and the files `wanted` accepts. Symlinked
/// folders are not followed (no loops); a symlinked file counts only when it resolves inside the
/// tree (`root` when given, else `top`); hidden folders (`.terraform`, `.git`), `target` and
/// `node_modules` are skipped; at most [`MAX_WALK_ENTRIES`] entries are looked at. The one
/// folder walk of iamsim: `lint`, `check`, `import` and a world's `iac` folders
/// ([`Files::list`]).
pub fn walk_folder(top: &Path, root: Option<&Path>, wanted: &dyn Fn(&Path) -> bool) -> FolderWalk {
    let mut out = FolderWalk::default();
    let tree = match std::fs::canonicalize(root.unwrap_or(top)) {
        Ok(t) => t,
        Err(e) => {
            let name = display_path(top);
            out.unreadable
                .push((name.clone(), format!("cannot read folder `{name}`: {e}")));
            return out;
        }
    };
    let mut seen = 0usize;
    let mut pending = std::collections::VecDeque::from([top.to_path_buf()]);
    while let Some(d) = pending.pop_front() {
        if d.join("world.json").is_file() {
            out.worlds.push(d.clone());
        }
        let mut entries: Vec<(PathBuf, std::fs::FileType)> = match std::fs::read_dir(&d) {
            Ok(rd) => rd
                .filter_map(|e| e.ok())
                .take(MAX_WALK_ENTRIES.saturating_sub(seen).saturating_add(1))
                .filter_map(|e| Some((e.path(), e.file_type().ok()?)))
                .collect(),
            Err(e) => {
                let name = display_path(&d);
                out.unreadable
                    .push((name.clone(), format!("cannot read folder `{name}`: {e}")));
                continue;
            }
        };
        seen = seen.saturating_add(entries.len());
        if seen > MAX_WALK_ENTRIES {
            out.truncated = true;
            let name = display_path(top);
            out.unreadable.push((
                name.clone(),
                format!(
                    "`{name}` holds more than {MAX_WALK_ENTRIES} files and folders, more than iamsim walks"
                ),
            ));
            return out;
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (p, kind) in entries {
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.') || n == "target" || n == "node_modules");
            if kind.is_dir() {
                if !hidden {
                    pending.push_back(p);
                }
            } else if wanted(&p) && (kind.is_file() || kind.is_symlink()) {
                match std::fs::canonicalize(&p) {
                    Ok(r) if r.starts_with(&tree) => out.files.push((p, r)),
                    Ok(_) => out.outside.push(p),
                    Err(e) => {
                        let name = display_path(&p);
                        out.unreadable
                            .push((name.clone(), format!("cannot read `{name}`: {e}")));
                    }
                }
            }
        }
    }
    out
}

/// `rel` below the folder `reference` names, as a reference.
fn join_reference(reference: &str, rel: &str) -> String {
    let dir = reference.trim_end_matches('/');
    if dir.is_empty() || dir == "." {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

/// The wanted files below the canonical folder `dir` (named `reference`), confined to `root`:
/// a symlink leading out, a part that cannot be read or a tree too large to walk is an error,
/// never a shorter list.
fn list_folder(
    dir: &Path,
    root: &Path,
    reference: &str,
    wanted: &dyn Fn(&Path) -> bool,
) -> Result<Vec<String>, Diagnostic> {
    let walk = walk_folder(dir, Some(root), wanted);
    if let Some(p) = walk.outside.first() {
        let rel = p.strip_prefix(dir).map(display_path).unwrap_or_default();
        return Err(io_error(
            Code::PathOutsideRoot,
            format!(
                "`{}` in folder `{}` is a symlink leading outside the folder",
                escape_reference(&rel),
                escape_reference(reference)
            ),
        )
        .with_help("the file is not read; widen what may be read with --root DIR"));
    }
    if walk.truncated {
        return Err(io_error(
            Code::InputTooLarge,
            format!(
                "folder `{}` holds more than {MAX_WALK_ENTRIES} files and folders, more than iamsim walks",
                escape_reference(reference)
            ),
        ));
    }
    if let Some((name, _)) = walk.unreadable.first() {
        let rel = Path::new(name)
            .strip_prefix(dir)
            .map(display_path)
            .unwrap_or_default();
        return Err(io_error(
            Code::FileNotFound,
            format!(
                "cannot list folder `{}`: `{}` in it cannot be read",
                escape_reference(reference),
                escape_reference(&rel)
            ),
        ));
    }
    Ok(walk
        .files
        .iter()
        .filter_map(|(p, _)| p.strip_prefix(dir).ok())
        .map(|rel| join_reference(reference, &display_path(rel)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{Source, Span};

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("iamsim-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn references_stay_inside_the_folder() {
        let base = temp("inside");
        let world = base.join("world");
        std::fs::create_dir_all(world.join("p")).unwrap();
        std::fs::write(world.join("p/a.json"), "{}").unwrap();
        std::fs::write(base.join("secret.json"), "TOKEN").unwrap();
        let folder = Folder::open(&world, None).unwrap();
        assert_eq!(folder.read("p/a.json", 10).unwrap().bytes, b"{}");
        assert!(folder.read("p/a.json", 10).unwrap().shown);
        assert!(folder.read("p/../p/a.json", 10).is_ok());
        let e = folder.read("../secret.json", 10).unwrap_err();
        assert_eq!(e.code, Code::PathOutsideRoot);
        assert!(e.message.contains("../secret.json"), "{}", e.message);
        let abs = base.join("secret.json").display().to_string();
        assert_eq!(
            folder.read(&abs, 10).unwrap_err().code,
            Code::PathOutsideRoot
        );
        // A wider root lets `..` in, and the file is not shown.
        let wide = Folder::open(&world, Some(&base)).unwrap();
        let f = wide.read("../secret.json", 10).unwrap();
        assert!(!f.shown);
        assert_eq!(wide.read(&abs, 10).unwrap_err().code, Code::PathOutsideRoot);
        // A folder outside the root it is given is refused.
        assert_eq!(
            Folder::open(&base, Some(&world)).unwrap_err().code,
            Code::PathOutsideRoot
        );
        std::fs::remove_dir_all(&base).unwrap();
    }

    /// With folders canonicalized once each, a reference resolves to what canonicalizing its
    /// whole path gives, or fails as that does; asked twice, the same again.
    #[cfg(unix)]
    #[test]
    fn resolving_agrees_with_canonicalize() {
        let base = temp("resolve");
        let world = base.join("world");
        std::fs::create_dir_all(world.join("p/q")).unwrap();
        std::fs::write(world.join("p/a.json"), "{}").unwrap();
        std::fs::write(world.join("p/q/b.json"), "{}").unwrap();
        std::fs::write(base.join("secret.json"), "TOKEN").unwrap();
        std::os::unix::fs::symlink("q", world.join("p/link")).unwrap();
        std::os::unix::fs::symlink("q/b.json", world.join("p/b-link.json")).unwrap();
        std::os::unix::fs::symlink("../../secret.json", world.join("p/out.json")).unwrap();
        std::fs::create_dir_all(world.join("p/q/r")).unwrap();
        std::fs::write(world.join("p/q/r/c.json"), "{}").unwrap();
        std::os::unix::fs::symlink("../..", world.join("p/outside")).unwrap();
        let folder = Folder::open(&world, Some(&base)).unwrap();
        for reference in [
            "p/a.json",
            "p/q/b.json",
            "p/link/b.json",
            "p/b-link.json",
            "p/out.json",
            "p/../p/a.json",
            "p/./a.json",
            "p/a.json/",
            "p/a.json/.",
            "p/a.json/x",
            "p/a.json/x/y.json",
            "p/link/../a.json",
            "p/q/../a.json",
            "p/./q/b.json",
            "p/q/./b.json",
            "p/q/r/c.json",
            "p/link/r/c.json",
            "p/outside/secret.json",
            "p/outside/../world/p/a.json",
            "p/missing.json",
            "missing/a.json",
            "p/q",
            "p/q/",
            "../secret.json",
            "a.json",
        ] {
            let expected = std::fs::canonicalize(folder.canonical().join(reference));
            for _ in 0..2 {
                match (&expected, folder.resolve(reference)) {
                    (Ok(e), Ok(r)) => assert_eq!(e, &r, "{reference}"),
                    (Err(_), Err(d)) => assert_eq!(d.code, Code::FileNotFound, "{reference}"),
                    (e, r) => panic!("{reference}: canonicalize {e:?}, resolve {r:?}"),
                }
            }
        }
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_and_special_files_are_refused() {
        let base = temp("links");
        let world = base.join("world");
        std::fs::create_dir_all(&world).unwrap();
        std::fs::write(base.join("secret.json"), "TOKEN").unwrap();
        std::os::unix::fs::symlink("../secret.json", world.join("out.json")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", world.join("zero.json")).unwrap();
        std::fs::write(world.join("real.json"), "{}").unwrap();
        std::os::unix::fs::symlink("real.json", world.join("in.json")).unwrap();
        let folder = Folder::open(&world, None).unwrap();
        assert_eq!(
            folder.read("out.json", 10).unwrap_err().code,
            Code::PathOutsideRoot
        );
        assert_eq!(
            folder.read("zero.json", 10).unwrap_err().code,
            Code::PathOutsideRoot
        );
        assert_eq!(folder.read("in.json", 10).unwrap().bytes, b"{}");
        assert_eq!(
            read_named(Path::new("/dev/zero"), 10).unwrap_err().code,
            Code::NotARegularFile
        );
        assert_eq!(
            read_named(Path::new("/proc/self/environ"), 10)
                .unwrap_err()
                .code,
            Code::NotARegularFile
        );
        assert_eq!(
            read_named(&world.join("zero.json"), 10).unwrap_err().code,
            Code::NotARegularFile
        );
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn size_is_bounded_before_reading() {
        let base = temp("size");
        std::fs::write(base.join("big.json"), vec![b' '; 100]).unwrap();
        let e = read_named(&base.join("big.json"), 99).unwrap_err();
        assert_eq!(e.code, Code::InputTooLarge);
        assert_eq!(
            read_named(&base.join("big.json"), 100).unwrap().bytes.len(),
            100
        );
        // What is read is the file as its size says, every byte of it; an empty file is empty.
        let text = "{\"Version\": \"2012-10-17\"}\n".repeat(1000);
        std::fs::write(base.join("policy.json"), &text).unwrap();
        std::fs::write(base.join("empty.json"), "").unwrap();
        assert_eq!(
            read_named(&base.join("policy.json"), 1 << 20)
                .unwrap()
                .bytes,
            text.as_bytes()
        );
        assert!(read_named(&base.join("empty.json"), 10)
            .unwrap()
            .bytes
            .is_empty());
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn concealed_diagnostics_keep_the_position_and_drop_the_content() {
        let src = Source::new("f", "line one\nSECRET=hunter2");
        let d = Diagnostic::new(
            Code::JsonSyntax,
            "found `SECRET=hunter2`",
            &src,
            Span::new(9, 10),
        );
        let c = conceal(d, "f", "policy file");
        let text = c.render();
        assert!(!text.contains("SECRET"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("line 2, column 1"), "{text}");
        assert_eq!(c.code, Code::JsonSyntax);
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_is_listed_sorted_and_confined() {
        let base = temp("list");
        let world = base.join("world");
        std::fs::create_dir_all(world.join("infra/modules/net")).unwrap();
        std::fs::create_dir_all(world.join("infra/.terraform/modules/x")).unwrap();
        std::fs::create_dir_all(world.join("other")).unwrap();
        std::fs::write(world.join("infra/main.tf"), "").unwrap();
        std::fs::write(world.join("infra/b.tf"), "").unwrap();
        std::fs::write(world.join("infra/notes.txt"), "").unwrap();
        std::fs::write(world.join("infra/modules/net/net.tf"), "").unwrap();
        std::fs::write(world.join("infra/.terraform/modules/x/x.tf"), "").unwrap();
        std::fs::write(world.join("other/o.tf"), "").unwrap();
        std::os::unix::fs::symlink("../other", world.join("infra/linked")).unwrap();
        std::fs::write(base.join("secret.tf"), "").unwrap();
        let folder = Folder::open(&world, None).unwrap();
        let tf = |p: &Path| p.extension().is_some_and(|e| e == "tf");
        // Breadth-first and sorted: the folder's files before its subfolders'; hidden folders
        // and symlinked folders are not entered; other files are not wanted.
        assert_eq!(
            folder.list("infra", &tf).unwrap().unwrap(),
            ["infra/b.tf", "infra/main.tf", "infra/modules/net/net.tf"]
        );
        assert_eq!(
            folder.list("infra/", &tf).unwrap(),
            folder.list("infra", &tf).unwrap()
        );
        assert_eq!(folder.list(".", &tf).unwrap().unwrap().len(), 4);
        // A file is no folder: read it.
        assert_eq!(folder.list("infra/main.tf", &tf).unwrap(), None);
        // The folder itself stays inside the root, as a file does.
        assert_eq!(
            folder.list("..", &tf).unwrap_err().code,
            Code::PathOutsideRoot
        );
        assert_eq!(
            folder.list("missing", &tf).unwrap_err().code,
            Code::FileNotFound
        );
        // A file symlinked out of the root fails the listing: never a shorter list.
        std::os::unix::fs::symlink("../../secret.tf", world.join("infra/out.tf")).unwrap();
        let e = folder.list("infra", &tf).unwrap_err();
        assert_eq!(e.code, Code::PathOutsideRoot);
        assert!(
            e.message.contains("`out.tf` in folder `infra`"),
            "{}",
            e.message
        );
        // A wider root lets it in.
        let wide = Folder::open(&world, Some(&base)).unwrap();
        assert!(wide
            .list("infra", &tf)
            .unwrap()
            .unwrap()
            .contains(&"infra/out.tf".to_string()));
        // An overlay lists the base's files with its own texts under the folder.
        let texts = std::collections::HashMap::from([
            ("infra/new.tf".to_string(), String::new()),
            ("elsewhere/n.tf".to_string(), String::new()),
        ]);
        let over = Overlay {
            base: &wide,
            texts: &texts,
        };
        let listed = over.list("infra", &tf).unwrap().unwrap();
        assert!(listed.contains(&"infra/new.tf".to_string()), "{listed:?}");
        assert!(
            !listed.contains(&"elsewhere/n.tf".to_string()),
            "{listed:?}"
        );
        std::fs::remove_dir_all(&base).unwrap();
    }
}

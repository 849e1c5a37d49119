//! `check no-new-access --account ID OLD NEW` on two revisions of Terraform source, two
//! Terraform plans or two CloudFormation templates: each revision is read once through the one
//! reader, built into a world of one account in memory, and the two worlds are compared as two
//! world folders are.

use super::{gates, Finding};
use crate::Status;
use iamsim_iac::Format;
use iamsim_policy::files::{self, FileKind, Files, Folder};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One revision's IaC files as read: names relative to `folder`, and their texts.
pub(super) struct Revision {
    folder: Folder,
    texts: HashMap<String, String>,
    /// The formats its files are in, in [`FORMATS`] order (a folder may mix them, as for
    /// `import`).
    formats: Vec<Format>,
}

const FORMATS: [Format; 3] = [
    Format::Terraform,
    Format::TerraformPlan,
    Format::CloudFormation,
];

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Terraform => "Terraform source",
        Format::TerraformPlan => "a Terraform plan",
        Format::CloudFormation => "a CloudFormation template",
    }
}

fn formats_name(fs: &[Format]) -> String {
    fs.iter()
        .map(|f| format_name(*f))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// `path` read as IaC: `None` when it holds none (a policy file or a folder of policy files);
/// an error when it cannot be read.
fn read(path: &Path) -> Result<Option<Revision>, String> {
    let (dir, names): (PathBuf, Vec<String>) = if path.is_dir() {
        let walk = iamsim_lint::walk_folder(path, crate::root(), &iamsim_iac::iac_file_name);
        if let Some(o) = walk.outside.first() {
            return Err(format!(
                "`{}` is a symlink leading outside the folder being checked; widen what may be read with --root DIR",
                display(o)
            ));
        }
        if let Some((_, message)) = walk.unreadable.first() {
            return Err(message.clone());
        }
        let names = walk
            .files
            .iter()
            .filter_map(|(f, _)| f.strip_prefix(path).ok().map(display))
            .collect();
        (path.to_path_buf(), names)
    } else {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path.file_name().map(|n| display(Path::new(n)));
        (dir, name.into_iter().collect())
    };
    let folder = Folder::open(&dir, crate::root()).map_err(|d| d.message)?;
    let mut texts = HashMap::new();
    let mut found = Vec::new();
    for name in names {
        let file = files::read_kind(&folder, &name, FileKind::Iac).map_err(|d| d.message)?;
        let Ok(text) = String::from_utf8(file.bytes) else {
            if path.is_dir() {
                continue;
            }
            return Ok(None);
        };
        let Some(f) = iamsim_iac::detect(&name, &text) else {
            continue;
        };
        found.push(f);
        texts.insert(name, text);
    }
    let formats: Vec<Format> = FORMATS.into_iter().filter(|f| found.contains(f)).collect();
    if formats.is_empty() {
        return Ok(None);
    }
    Ok(Some(Revision {
        folder,
        texts,
        formats,
    }))
}

/// The comparison of two IaC revisions, when OLD and NEW are IaC (`None` when neither is).
/// A mix of kinds, IaC without `--account`, or `--account` without IaC is bad input.
pub(super) fn no_new_access(
    old: &Path,
    new: &Path,
    account: Option<&str>,
    examined: &mut Vec<String>,
) -> Result<Option<Vec<Finding>>, Status> {
    let side = |p: &Path| -> Result<Option<Revision>, Status> {
        if super::is_world(p) {
            return Ok(None);
        }
        read(p).map_err(|e| {
            crate::eprintln_safe!("iamsim: no-new-access: {e}");
            Status::BadInput
        })
    };
    let (o, n) = (side(old)?, side(new)?);
    let (o, n) = match (o, n) {
        (None, None) => {
            if account.is_some() {
                crate::eprintln_safe!(
                    "iamsim: no-new-access: --account applies to Terraform and CloudFormation sources; `{}` and `{}` hold none",
                    display(old),
                    display(new)
                );
                return Err(Status::BadInput);
            }
            return Ok(None);
        }
        (Some(o), Some(n)) if o.formats == n.formats => (o, n),
        (o, n) => {
            let kind = |r: &Option<Revision>, p: &Path| match r {
                Some(r) => formats_name(&r.formats),
                None if super::is_world(p) => "a world".to_string(),
                None => "policy files".to_string(),
            };
            crate::eprintln_safe!(
                "iamsim: no-new-access compares two revisions of one kind; `{}` is {} and `{}` is {}",
                display(old),
                kind(&o, old),
                display(new),
                kind(&n, new)
            );
            return Err(Status::BadInput);
        }
    };
    let Some(account) = account else {
        crate::eprintln_safe!(
            "iamsim: no-new-access: `{}` and `{}` are {}; name the account that holds their entities with --account ID",
            display(old),
            display(new),
            formats_name(&n.formats)
        );
        return Err(Status::BadInput);
    };
    if !iamsim_policy::arn::is_account_id(account) {
        crate::eprintln_safe!(
            "iamsim: no-new-access: `--account {account}` is not a 12-digit account id"
        );
        return Err(Status::BadInput);
    }
    let build = |r: &Revision| {
        iamsim_engine::iac_world(&r.folder as &dyn Files, account, &r.texts).map_err(|e| {
            crate::render::print_load_error(&e);
            Status::BadInput
        })
    };
    let (ow, nw) = (build(&o)?, build(&n)?);
    examined.push(display(new));
    gates::iac_worlds(&display(new), &ow, &nw)
        .map(Some)
        .map_err(super::bad)
}

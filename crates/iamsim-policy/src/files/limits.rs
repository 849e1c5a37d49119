//! How large each kind of input file may be: one table, read by every reader of files.
//!
//! A policy document is bounded as AWS bounds it: the largest document a policy reference may
//! hold is an account's copy of an AWS managed policy, at most
//! [`AWS_MANAGED_BOUND`](crate::quota::AWS_MANAGED_BOUND) characters not counting whitespace
//! (customer documents are smaller still, and are held to their own rows of the quota table when
//! read). A policy file is allowed sixteen times that, for indentation and for the AWS CLI's
//! percent-encoded `PolicyVersion` shape. The files that describe a whole organization (a world
//! file, a tests file, an export) grow with it: they are bounded by what a loaded world costs in
//! memory, and by positions, which are 32-bit byte offsets.

use super::{Files, InputFile};
use crate::diagnostic::{Code, Diagnostic};
use std::path::Path;

/// What a file is read as: each kind has its own size limit ([`FILE_LIMITS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `world.json`: accounts, principals, resources and inline policies.
    World,
    /// A policy document a world, a gate or `lint` names.
    Policy,
    /// A tests file (`tests.json`).
    Tests,
    /// An AWS CLI export (`get-account-authorization-details` and the resource policies beside it).
    Export,
    /// Terraform source, a Terraform plan or a CloudFormation template.
    Iac,
    /// A lint configuration or a file of Access Analyzer findings.
    Config,
    /// An AWS CLI config or credentials file, a shell script of AWS CLI commands.
    CliConfig,
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileLimit {
    /// The kind of file.
    pub kind: FileKind,
    /// The kind in words, for messages (`a world file`).
    pub what: &'static str,
    /// The most a file of this kind may be, in bytes.
    pub max_bytes: u64,
}

/// The limit of the kinds that grow with the organization they describe: 1 GiB. A world file of
/// that size holds about five million roles, and loading one takes about six times its size
/// in memory (BENCHMARKS.md).
pub const LARGE_FILE_BYTES: u64 = 1 << 30;

/// The limit of a policy file: sixteen times the largest AWS managed policy iamsim reads (4 MiB).
pub const POLICY_FILE_BYTES: u64 = 16 * crate::quota::AWS_MANAGED_BOUND as u64;

/// Every kind of file and its limit.
pub const FILE_LIMITS: &[FileLimit] = &[
    FileLimit {
        kind: FileKind::World,
        what: "a world file",
        max_bytes: LARGE_FILE_BYTES,
    },
    FileLimit {
        kind: FileKind::Policy,
        what: "a policy file",
        max_bytes: POLICY_FILE_BYTES,
    },
    FileLimit {
        kind: FileKind::Tests,
        what: "a tests file",
        max_bytes: LARGE_FILE_BYTES,
    },
    FileLimit {
        kind: FileKind::Export,
        what: "an export file",
        max_bytes: LARGE_FILE_BYTES,
    },
    FileLimit {
        kind: FileKind::Iac,
        what: "a Terraform or CloudFormation file",
        max_bytes: 64 * 1024 * 1024,
    },
    FileLimit {
        kind: FileKind::Config,
        what: "a configuration file",
        max_bytes: 64 * 1024 * 1024,
    },
    FileLimit {
        kind: FileKind::CliConfig,
        what: "an AWS CLI file",
        max_bytes: super::MAX_SMALL_FILE_BYTES,
    },
];

impl FileKind {
    /// The row of this kind.
    pub fn limit(self) -> &'static FileLimit {
        // Every kind has a row (a unit test checks); the fallback is the smallest limit.
        FILE_LIMITS
            .iter()
            .find(|l| l.kind == self)
            .unwrap_or(&SMALLEST)
    }

    /// The most a file of this kind may be, in bytes.
    pub fn max_bytes(self) -> u64 {
        self.limit().max_bytes
    }

    /// The most a file of this kind may be, as a length in memory.
    pub fn max_len(self) -> usize {
        usize::try_from(self.max_bytes()).unwrap_or(usize::MAX)
    }
}

const SMALLEST: FileLimit = FileLimit {
    kind: FileKind::CliConfig,
    what: "an input file",
    max_bytes: super::MAX_SMALL_FILE_BYTES,
};

/// The limit in words: `4 MiB (4,194,304 bytes)`.
pub fn describe_limit(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    let exact = group_digits(bytes);
    if bytes >= 1024 * MIB && bytes.is_multiple_of(1024 * MIB) {
        format!("{} GiB ({exact} bytes)", bytes / (1024 * MIB))
    } else if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB ({exact} bytes)", bytes / MIB)
    } else {
        format!("{exact} bytes")
    }
}

fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A refusal for size says which limit it is: the kind's words are added to the reader's message.
fn name_the_kind(mut d: Diagnostic, kind: FileKind) -> Diagnostic {
    if d.code == Code::InputTooLarge {
        let limit = kind.limit();
        d.message = format!(
            "{}: the limit of {} is {}",
            d.message,
            limit.what,
            describe_limit(limit.max_bytes)
        );
    }
    d
}

/// Reads the file `reference` names through `files`, bounded as `kind`.
pub fn read_kind(
    files: &dyn Files,
    reference: &str,
    kind: FileKind,
) -> Result<InputFile, Diagnostic> {
    files
        .read(reference, kind.max_bytes())
        .map_err(|d| name_the_kind(d, kind))
}

/// Reads a file the user names on the command line, bounded as `kind` (see
/// [`read_named`](super::read_named)).
pub fn read_named_kind(path: &Path, kind: FileKind) -> Result<InputFile, Diagnostic> {
    super::read_named(path, kind.max_bytes()).map_err(|d| name_the_kind(d, kind))
}

/// Holds a file read before its kind was known (under the larger limit of another kind it might
/// have been, such as a `.json` file that may be a Terraform plan) to the limit of the `kind`
/// it turned out to be: refused as [`read_kind`] refuses a file over that limit.
pub fn within_kind(input: InputFile, kind: FileKind) -> Result<InputFile, Diagnostic> {
    let len = input.bytes.len() as u64;
    let max = kind.max_bytes();
    if len <= max {
        return Ok(input);
    }
    let d = super::io_error(
        Code::InputTooLarge,
        format!(
            "`{}` is larger than {max} bytes, more than iamsim reads ({len} bytes or more)",
            input.name
        ),
    );
    Err(name_the_kind(d, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_row() {
        let kinds = [
            FileKind::World,
            FileKind::Policy,
            FileKind::Tests,
            FileKind::Export,
            FileKind::Iac,
            FileKind::Config,
            FileKind::CliConfig,
        ];
        assert_eq!(kinds.len(), FILE_LIMITS.len());
        for k in kinds {
            assert_eq!(
                FILE_LIMITS.iter().filter(|l| l.kind == k).count(),
                1,
                "{k:?}"
            );
            assert_eq!(k.limit().kind, k);
        }
    }

    #[test]
    fn positions_reach_the_end_of_every_file() {
        // Spans are 32-bit byte offsets: no file may be longer than they reach.
        for l in FILE_LIMITS {
            assert!(l.max_bytes < u64::from(u32::MAX), "{:?}", l.kind);
        }
        // A policy file holds the largest AWS managed policy iamsim reads, pretty-printed.
        assert!(POLICY_FILE_BYTES >= 4 * crate::quota::AWS_MANAGED_BOUND as u64);
    }

    #[test]
    fn limits_in_words() {
        assert_eq!(describe_limit(1 << 30), "1 GiB (1,073,741,824 bytes)");
        assert_eq!(describe_limit(4 << 20), "4 MiB (4,194,304 bytes)");
        assert_eq!(describe_limit(999), "999 bytes");
        assert_eq!(describe_limit(1000), "1,000 bytes");
    }

    #[test]
    fn a_file_over_its_kinds_limit_names_the_file_and_the_limit() {
        let dir = std::env::temp_dir().join(format!("iamsim-limits-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // Sparse: the size is refused from the file's metadata, nothing is read or written.
        let big = std::fs::File::create(dir.join("p.json")).unwrap();
        big.set_len(POLICY_FILE_BYTES + 1).unwrap();
        let folder = super::super::Folder::open(&dir, None).unwrap();
        let e = read_kind(&folder, "p.json", FileKind::Policy).unwrap_err();
        assert_eq!(e.code, Code::InputTooLarge);
        assert!(e.message.contains("p.json"), "{}", e.message);
        assert!(
            e.message.contains("the limit of a policy file is 4 MiB"),
            "{}",
            e.message
        );
        // Past a world file's limit, the message names that limit.
        big.set_len(LARGE_FILE_BYTES + 1).unwrap();
        let e = read_named_kind(&dir.join("p.json"), FileKind::World).unwrap_err();
        assert!(e.message.contains("a world file is 1 GiB"), "{}", e.message);
        // Bytes read under a larger limit are held to the kind's own, with the same words.
        let read = InputFile {
            name: "p.json".into(),
            bytes: vec![b' '; POLICY_FILE_BYTES as usize + 1],
            shown: true,
        };
        let e = within_kind(read.clone(), FileKind::Policy).unwrap_err();
        assert_eq!(e.code, Code::InputTooLarge);
        assert!(
            e.message.contains("`p.json`")
                && e.message.contains("the limit of a policy file is 4 MiB"),
            "{}",
            e.message
        );
        assert_eq!(
            within_kind(read, FileKind::Iac).unwrap().bytes.len() as u64,
            POLICY_FILE_BYTES + 1
        );
        big.set_len(3).unwrap();
        std::fs::write(dir.join("p.json"), "{}\n").unwrap();
        assert_eq!(
            read_kind(&folder, "p.json", FileKind::Policy)
                .unwrap()
                .bytes,
            b"{}\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

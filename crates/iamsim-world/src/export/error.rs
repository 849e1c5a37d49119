//! Why an import stops: a typed error with a code, the file and, where it has one, the place.

use iamsim_policy::Code;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why an export cannot be imported: a stable code (the import codes of [`Code`], or the
/// reader's and the JSON reader's own), the file, and the line and column when the problem has
/// one (a file that is not JSON).
#[derive(Debug)]
#[non_exhaustive]
pub struct ImportError {
    /// What is wrong, as a stable code.
    pub code: Code,
    /// The file of the export (or of the world written) the problem is in.
    pub file: PathBuf,
    /// The line and column (from 1) in `file`, when the problem has a place in its text.
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
}

impl ImportError {
    /// An error of `code` about `file`, saying `message`.
    pub fn new(code: Code, file: &Path, message: impl Into<String>) -> ImportError {
        ImportError {
            code,
            file: file.to_path_buf(),
            position: None,
            message: message.into(),
        }
    }

    /// The same error at `line` and `column` of its file.
    #[must_use]
    pub fn at(mut self, line: usize, column: usize) -> ImportError {
        self.position = Some((line, column));
        self
    }

    /// A reader's diagnostic about `file`, keeping its code and place.
    pub(super) fn read(file: &Path, d: &iamsim_policy::Diagnostic) -> ImportError {
        let e = ImportError::new(d.code, file, d.message.clone());
        match d.location() {
            Some(loc) => e.at(loc.line as usize, loc.column as usize),
            None => e,
        }
    }
}

/// Compiler style, as other diagnostics: `file:line:column: error[CODE]: message`.
impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(
            f,
            ": {}[{}]: {}",
            self.code.severity(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for ImportError {}

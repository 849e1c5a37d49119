#![deny(missing_docs)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
//! Questions in the user's own words, turned into iamsim queries:
//!
//! - AWS CLI `config` and `credentials` files ([`AwsConfig`]): a profile resolves to a starting
//!   principal and the roles it assumes, each with its own parameters ([`Resolved`]);
//! - AWS CLI commands ([`Invocation`]): `aws s3 cp ...` becomes the IAM requests it makes, from a
//!   table of data ([`table`]) plus the rules of the `aws s3` path commands;
//! - console switch-role links ([`SwitchRole`]).
//!
//! Nothing here decides anything: the engine's [`iamsim_engine::ask`] does.

mod command;
mod ini;
#[cfg(test)]
mod mapping_tests;
mod profile;
mod shell;
mod switch_role;
pub mod table;
mod template;
mod web_identity;

pub use command::{Env, Invocation, Request};
pub use ini::{parse_ini, Entry, IniFile, Section};
pub use profile::{AwsConfig, Resolved, ResolvedHop};
pub use shell::Shell;
pub use switch_role::SwitchRole;

use std::fmt;

/// What went wrong, as a stable code.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A line of a config or credentials file is not `[section]`, `key = value` or a comment.
    Syntax,
    /// A line holds bytes that are not UTF-8.
    Encoding,
    /// A section or profile appears twice in one file.
    DuplicateSection,
    /// A key appears twice in one section.
    DuplicateKey,
    /// The profile is in neither file.
    ProfileNotFound,
    /// `source_profile` leads back to a profile already on the way.
    ProfileCycle,
    /// A profile's settings cannot be followed (a bad `role_arn`, both `source_profile` and
    /// `credential_source`, ...).
    ProfileInvalid,
    /// The starting principal is not known: give `--principal` or `access_keys`.
    NoPrincipal,
    /// The AWS CLI command is not in the table.
    UnknownCommand,
    /// The command is known but its arguments are not usable.
    BadCommand,
    /// The switch-role link cannot be read.
    BadUrl,
}

impl ErrorKind {
    /// The error's code (`PROFILE_NOT_FOUND`, ...), as the CLI prints it.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "AWS_CONFIG_SYNTAX",
            ErrorKind::Encoding => "AWS_CONFIG_ENCODING",
            ErrorKind::DuplicateSection => "AWS_CONFIG_DUPLICATE_SECTION",
            ErrorKind::DuplicateKey => "AWS_CONFIG_DUPLICATE_KEY",
            ErrorKind::ProfileNotFound => "PROFILE_NOT_FOUND",
            ErrorKind::ProfileCycle => "PROFILE_CYCLE",
            ErrorKind::ProfileInvalid => "PROFILE_INVALID",
            ErrorKind::NoPrincipal => "NO_PRINCIPAL",
            ErrorKind::UnknownCommand => "UNKNOWN_COMMAND",
            ErrorKind::BadCommand => "BAD_COMMAND",
            ErrorKind::BadUrl => "BAD_SWITCH_ROLE_URL",
        }
    }
}

/// Where in a config or credentials file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The file, as named.
    pub file: String,
    /// 1-based.
    pub line: usize,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:1", self.file, self.line)
    }
}

/// An error a person can act on: a message, where, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What kind of error (its code).
    pub kind: ErrorKind,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where, for errors in a config or credentials file.
    pub place: Option<Place>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: String) -> Error {
        Error {
            kind,
            message,
            place: None,
            help: None,
        }
    }

    pub(crate) fn at(mut self, place: &Place) -> Error {
        self.place = Some(place.clone());
        self
    }

    pub(crate) fn help(mut self, help: String) -> Error {
        self.help = Some(help);
        self
    }

    /// The code of its kind.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

/// Compiler style: `file:line:1: error[CODE]: message`, then `help: ...`.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.place {
            write!(f, "{p}: ")?;
        }
        write!(f, "error[{}]: {}", self.code(), self.message)?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

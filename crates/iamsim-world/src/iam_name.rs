//! The names of an IAM user or role — its account, path, name, unique id and ARN — held in one
//! allocation.
//!
//! The ARN `arn:aws:iam::ACCOUNT:KIND` + `PATH` + `NAME` already holds the account, the path and
//! the name, so they are read as slices of it; the unique id is written right after it. A million
//! roles each owning five strings spent five allocations and 120 bytes of string headers a role
//! (BENCHMARKS.md, "Users and roles in one allocation").

use std::fmt;

/// What an [`IamName`] names: a user or a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IamKind {
    /// An IAM user (`arn:aws:iam::ACCOUNT:user/…`, unique ids `AIDA…`).
    User,
    /// An IAM role (`arn:aws:iam::ACCOUNT:role/…`, unique ids `AROA…`).
    Role,
}

impl IamKind {
    /// The resource type of its ARNs: `user` or `role`.
    #[inline]
    pub fn word(self) -> &'static str {
        match self {
            IamKind::User => "user",
            IamKind::Role => "role",
        }
    }

    /// The prefix of the unique ids iamsim derives for it: `AIDA` or `AROA`.
    #[inline]
    pub fn id_prefix(self) -> &'static str {
        match self {
            IamKind::User => "AIDA",
            IamKind::Role => "AROA",
        }
    }
}

/// The start of every IAM ARN iamsim writes.
const ARN_PREFIX: &str = "arn:aws:iam::";

/// Between the account and the path: `:` and the kind (`user` and `role` are both four letters).
const KIND_PART_LEN: usize = 5;

/// The account, path, name, unique id and ARN of a user or role, in one allocation.
///
/// Built whole ([`IamName::new`]) and never changed in part, so the five always agree: a copy of
/// a user or role under another name is given a new `IamName`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IamName {
    /// `arn:aws:iam::ACCOUNT:KIND` `PATH` `NAME`, then the unique id.
    text: Box<str>,
    /// Where the account ends (it starts right after [`ARN_PREFIX`]).
    account_end: usize,
    /// Where the name starts (after the path).
    name_start: usize,
    /// Where the ARN ends and the unique id starts.
    arn_end: usize,
}

impl IamName {
    /// The names of a user or role of `account` with this IAM path (`/` or `/a/b/`) and name;
    /// its unique id is `id` when the world gives one (kept as given), else derived from account
    /// and name ([`derived_unique_id`]).
    pub fn new(kind: IamKind, account: &str, path: &str, name: &str, id: Option<&str>) -> Self {
        let id_len = id.map_or(DERIVED_ID_LEN + kind.id_prefix().len(), str::len);
        let arn_len = iam_arn_len(account, kind.word(), path, name);
        // Written into one allocation of its final length: `into_boxed_str` keeps it.
        let mut text = String::with_capacity(arn_len + id_len);
        push_iam_arn(&mut text, account, kind.word(), path, name);
        match id {
            Some(id) => text.push_str(id),
            None => push_derived_unique_id(&mut text, kind.id_prefix(), account, name),
        }
        let account_end = ARN_PREFIX.len() + account.len();
        let name_start = account_end + KIND_PART_LEN + path.len();
        IamName {
            text: text.into_boxed_str(),
            account_end,
            name_start,
            arn_end: name_start + name.len(),
        }
    }

    /// The part of the text from `start` to `end` (every bound is one the constructor wrote).
    #[inline]
    fn part(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or("")
    }

    /// `arn:aws:iam::ACCOUNT:KIND/PATHNAME`.
    #[inline]
    pub fn arn(&self) -> &str {
        self.part(0, self.arn_end)
    }

    /// The id of the account.
    #[inline]
    pub fn account(&self) -> &str {
        self.part(ARN_PREFIX.len(), self.account_end)
    }

    /// The IAM path, `/` or `/a/b/`.
    #[inline]
    pub fn path(&self) -> &str {
        self.part(self.account_end + KIND_PART_LEN, self.name_start)
    }

    /// The user or role name (the last part of its ARN).
    #[inline]
    pub fn name(&self) -> &str {
        self.part(self.name_start, self.arn_end)
    }

    /// The unique id (`AIDA…`/`AROA…`): as given, or derived from account and name.
    #[inline]
    pub fn id(&self) -> &str {
        self.text.get(self.arn_end..).unwrap_or("")
    }
}

impl fmt::Debug for IamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IamName")
            .field("arn", &self.arn())
            .field("id", &self.id())
            .finish()
    }
}

/// The length of a derived unique id after its prefix: 12 characters from the hash, 5 from it
/// turned.
const DERIVED_ID_LEN: usize = 17;

/// A deterministic unique id (`AIDA…`/`AROA…`) for an entity the world gives none, as
/// [`IamName::new`] derives it (the loader writes it straight into the name's text; tests
/// compare with this).
#[cfg(test)]
pub(crate) fn derived_unique_id(prefix: &str, account: &str, name: &str) -> String {
    let mut id = String::with_capacity(prefix.len() + DERIVED_ID_LEN);
    push_derived_unique_id(&mut id, prefix, account, name);
    id
}

/// Appends the unique id derived from `account` and `name` (`AIDA…`/`AROA…`) to `out`.
fn push_derived_unique_id(out: &mut String, prefix: &str, account: &str, name: &str) {
    // FNV-1a over account, `/` and name, rendered in IAM's alphabet (upper-case letters and
    // digits): 12 characters from the hash, 5 from it turned. Each part is hashed in a loop of
    // its own and the characters pushed as they come (a chained iterator, a loop of 17 shifts
    // by `(i * 5) % 60` and a UTF-8 check of the tail were 700 instructions a role).
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let fnv = |hash: u64, bytes: &[u8]| {
        bytes.iter().fold(hash, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let hash = fnv(
        fnv(fnv(0xcbf2_9ce4_8422_2325, account.as_bytes()), b"/"),
        name.as_bytes(),
    );
    let turned = hash.rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15;
    out.push_str(prefix);
    let letter = |h: u64, i: u32| {
        let at = usize::try_from((h >> (5 * i)) & 31).unwrap_or(0);
        char::from(ALPHABET.get(at).copied().unwrap_or(b'A'))
    };
    out.extend((0..12).map(|i| letter(hash, i)));
    out.extend((0..5).map(|i| letter(turned, i)));
}

/// The length of [`iam_arn`]'s answer.
#[inline]
fn iam_arn_len(account: &str, kind: &str, path: &str, name: &str) -> usize {
    ARN_PREFIX.len() + account.len() + 1 + kind.len() + path.len() + name.len()
}

/// Appends `arn:aws:iam::ACCOUNT:KIND` `PATH` `NAME` to `out`.
#[inline]
fn push_iam_arn(out: &mut String, account: &str, kind: &str, path: &str, name: &str) {
    for part in [ARN_PREFIX, account, ":", kind, path, name] {
        out.push_str(part);
    }
}

/// `arn:aws:iam::ACCOUNT:KIND` followed by `PATH` and `NAME` (`KIND` is `user` or `role`, `PATH`
/// `/` or `/a/b/`), written into one allocation of its final length: `format!` cost a tenth of
/// loading a million roles.
pub(crate) fn iam_arn(account: &str, kind: &str, path: &str, name: &str) -> String {
    let mut arn = String::with_capacity(iam_arn_len(account, kind, path, name));
    push_iam_arn(&mut arn, account, kind, path, name);
    arn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_read_back_as_written() {
        let kinds = [IamKind::User, IamKind::Role];
        let accounts = ["111111111111", "", "1:2"];
        let paths = ["/", "/team/a/", "", "/é/"];
        let names = ["Admin", "", "a/b", "ü-x", "AROAFAKE"];
        let ids = [None, Some("AIDAEXAMPLE"), Some(""), Some("é")];
        for kind in kinds {
            for account in accounts {
                for path in paths {
                    for name in names {
                        for id in ids {
                            let n = IamName::new(kind, account, path, name, id);
                            assert_eq!(n.account(), account);
                            assert_eq!(n.path(), path);
                            assert_eq!(n.name(), name);
                            assert_eq!(
                                n.arn(),
                                format!("arn:aws:iam::{account}:{}{path}{name}", kind.word())
                            );
                            let derived = derived_unique_id(kind.id_prefix(), account, name);
                            assert_eq!(n.id(), id.unwrap_or(&derived));
                            // One allocation of exactly the text's length.
                            assert_eq!(n.text.len(), n.arn().len() + n.id().len());
                            // Copies agree, names differing in any part differ.
                            assert_eq!(n.clone(), n);
                            let other = IamName::new(kind, account, path, "Other", id);
                            assert_ne!(other, n);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn both_kinds_fill_the_kind_part() {
        for kind in [IamKind::User, IamKind::Role] {
            assert_eq!(1 + kind.word().len(), KIND_PART_LEN);
        }
    }

    #[test]
    fn derived_ids_are_as_long_as_reserved() {
        for kind in [IamKind::User, IamKind::Role] {
            let id = derived_unique_id(kind.id_prefix(), "111111111111", "x");
            assert_eq!(id.len(), kind.id_prefix().len() + DERIVED_ID_LEN);
            let n = IamName::new(kind, "111111111111", "/", "x", None);
            assert_eq!(n.id(), id);
        }
    }

    #[test]
    fn debug_shows_the_arn_and_the_id() {
        let n = IamName::new(IamKind::Role, "111111111111", "/", "R", Some("AROAX"));
        assert_eq!(
            format!("{n:?}"),
            r#"IamName { arn: "arn:aws:iam::111111111111:role/R", id: "AROAX" }"#
        );
    }
}

#[cfg(test)]
mod world_tests {
    use super::derived_unique_id;
    use crate::world::test_world;
    use crate::{Role, User};
    use std::mem::size_of;

    /// What world.json gives is read back from the one allocation: ids given kept as written,
    /// the others derived from account and name; a copy changed in its policies keeps them.
    #[test]
    fn loaded_users_and_roles_read_their_names() {
        let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}]}"#;
        let w = test_world(&format!(
            r#"{{"accounts": {{"111111111111": {{
                "users": {{"alice": {{}}, "bob": {{"path": "/team/", "id": "AIDAGIVENBOB"}}}},
                "roles": {{"Deploy": {{"path": "/ci/", "trust": {trust}}},
                          "Admin": {{"id": "AROAGIVENADMIN", "trust": {trust}}}}}
            }}}}}}"#
        ));
        let a = w.account("111111111111").unwrap();
        let alice = &a.users["alice"];
        assert_eq!(
            (alice.account(), alice.path(), alice.name(), alice.arn()),
            (
                "111111111111",
                "/",
                "alice",
                "arn:aws:iam::111111111111:user/alice"
            )
        );
        assert_eq!(
            alice.id(),
            derived_unique_id("AIDA", "111111111111", "alice")
        );
        let bob = &a.users["bob"];
        assert_eq!(
            (bob.path(), bob.id(), bob.arn()),
            (
                "/team/",
                "AIDAGIVENBOB",
                "arn:aws:iam::111111111111:user/team/bob"
            )
        );
        let deploy = &a.roles["Deploy"];
        assert_eq!(
            (deploy.path(), deploy.name(), deploy.arn()),
            ("/ci/", "Deploy", "arn:aws:iam::111111111111:role/ci/Deploy")
        );
        assert_eq!(
            deploy.id(),
            derived_unique_id("AROA", "111111111111", "Deploy")
        );
        assert_eq!(a.roles["Admin"].id(), "AROAGIVENADMIN");
        assert_eq!(
            w.role_by_arn("arn:aws:iam::111111111111:role/ci/Deploy")
                .map(Role::id),
            Some(deploy.id())
        );
        assert!(w
            .role_by_arn("arn:aws:iam::111111111111:role/Deploy")
            .is_none());
        let mut copy = deploy.clone();
        copy.policies.clear();
        assert_eq!(copy.iam, deploy.iam);
        assert_eq!(copy.arn(), deploy.arn());
    }

    /// The names take less room than two strings' headers took with five: on x86-64 a role was
    /// 208 bytes and a user 248 when each owned five strings (BENCHMARKS.md, "Users and roles in
    /// one allocation").
    #[test]
    fn users_and_roles_hold_one_name() {
        let string = size_of::<String>();
        assert!(size_of::<super::IamName>() < 2 * string);
        assert!(size_of::<Role>() <= 208 - 3 * string);
        assert!(size_of::<User>() <= 248 - 3 * string);
    }
}

//! Console switch-role links:
//! `https://signin.aws.amazon.com/switchrole?roleName=R&account=ID[&displayName=...]`.
//! `account` is an id or an alias the world gives an account; `roleName` may hold a path
//! (`team/Admin`). The link is one AssumeRole call by the signed-in principal.

use crate::{Error, ErrorKind};
use iamsim_engine::World;

/// The role a switch-role link assumes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwitchRole {
    /// The role's ARN.
    pub role_arn: String,
    /// The role's account.
    pub account: String,
    /// `displayName`, if the link has one.
    pub display_name: Option<String>,
}

fn bad(message: String) -> Error {
    Error::new(ErrorKind::BadUrl, message).help(
        "a switch-role link looks like https://signin.aws.amazon.com/switchrole?roleName=ROLE&account=ACCOUNT".into(),
    )
}

impl SwitchRole {
    /// Reads a console switch-role link; the role must be one of the world.
    pub fn parse(url: &str, world: &World) -> Result<SwitchRole, Error> {
        let rest = url
            .strip_prefix("https://")
            .ok_or_else(|| bad(format!("`{url}` is not an https:// link")))?;
        // The query may sit in the fragment (`.../switchrole#/?roleName=...`) in older links.
        let (host_path, query) = rest.split_once('?').ok_or_else(|| {
            bad(format!(
                "`{url}` has no query (`?roleName=...&account=...`)"
            ))
        })?;
        let (host, path) = host_path.split_once('/').unwrap_or((host_path, ""));
        let host = host.to_ascii_lowercase();
        if !(host == "signin.aws.amazon.com" || host.ends_with(".signin.aws.amazon.com")) {
            return Err(bad(format!(
                "`{host}` is not the AWS sign-in host (signin.aws.amazon.com)"
            )));
        }
        let path = path.trim_end_matches(['/', '#']);
        if !path.eq_ignore_ascii_case("switchrole") {
            return Err(bad(format!(
                "`/{path}` is not the switch-role page `/switchrole`"
            )));
        }
        let query = query.split('#').next().unwrap_or("");
        let mut role_name = None;
        let mut account = None;
        let mut display_name = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = iamsim_policy::percent::decode_query(v);
            match k {
                "roleName" => role_name = Some(v),
                "account" => account = Some(v),
                "displayName" => display_name = Some(v),
                // `color`, `redirect_uri`, ... change nothing the request depends on.
                _ => {}
            }
        }
        let role_name = role_name
            .filter(|r| !r.is_empty())
            .ok_or_else(|| bad(format!("`{url}` has no `roleName`")))?;
        let account = account
            .filter(|a| !a.is_empty())
            .ok_or_else(|| bad(format!("`{url}` has no `account`")))?;
        let account_id = if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) {
            account
        } else {
            match world
                .accounts()
                .values()
                .find(|a| a.alias.as_deref() == Some(account.as_str()))
            {
                Some(a) => a.id.clone(),
                None => {
                    let aliases: Vec<String> = world
                        .accounts()
                        .values()
                        .filter_map(|a| a.alias.as_ref().map(|al| format!("{al} ({})", a.id)))
                        .collect();
                    let help = if aliases.is_empty() {
                        "the world's accounts have no aliases; use the 12-digit account id".into()
                    } else {
                        format!("the world's aliases are: {}", aliases.join(", "))
                    };
                    return Err(Error::new(
                        ErrorKind::BadUrl,
                        format!("account `{account}` is neither an account id nor an alias of the world"),
                    )
                    .help(help));
                }
            }
        };
        let role = role_name.trim_start_matches('/');
        Ok(SwitchRole {
            role_arn: format!("arn:aws:iam::{account_id}:role/{role}"),
            account: account_id,
            display_name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        let mut w = World::default();
        let a = iamsim_engine::Account {
            id: "222222222222".into(),
            alias: Some("account-b".into()),
            ..Default::default()
        };
        w.accounts_mut().insert(a.id.clone(), a);
        w
    }

    #[test]
    fn ids_aliases_paths_and_display_names() {
        let s = SwitchRole::parse(
            "https://signin.aws.amazon.com/switchrole?roleName=role-in-accountb&account=222222222222&displayName=B%20admin",
            &world(),
        )
        .unwrap();
        assert_eq!(
            s.role_arn,
            "arn:aws:iam::222222222222:role/role-in-accountb"
        );
        assert_eq!(s.display_name.as_deref(), Some("B admin"));
        let s = SwitchRole::parse(
            "https://signin.aws.amazon.com/switchrole?account=account-b&roleName=team%2FAdmin",
            &world(),
        )
        .unwrap();
        assert_eq!(s.role_arn, "arn:aws:iam::222222222222:role/team/Admin");
        let s = SwitchRole::parse(
            "https://us-east-1.signin.aws.amazon.com/switchrole/?roleName=/ops/R&account=222222222222#x",
            &world(),
        )
        .unwrap();
        assert_eq!(s.role_arn, "arn:aws:iam::222222222222:role/ops/R");
    }

    #[test]
    fn bad_links_are_errors() {
        for url in [
            "http://signin.aws.amazon.com/switchrole?roleName=r&account=222222222222",
            "https://evil.example.com/switchrole?roleName=r&account=222222222222",
            "https://signin.aws.amazon.com/oauth?roleName=r&account=222222222222",
            "https://signin.aws.amazon.com/switchrole",
            "https://signin.aws.amazon.com/switchrole?account=222222222222",
            "https://signin.aws.amazon.com/switchrole?roleName=r",
            "https://signin.aws.amazon.com/switchrole?roleName=r&account=nosuch",
            "",
            "https://",
            "https://signin.aws.amazon.com/switchrole?roleName=%&account=%zz",
        ] {
            let e = SwitchRole::parse(url, &world()).unwrap_err();
            assert_eq!(e.kind, ErrorKind::BadUrl, "{url}");
        }
    }
}

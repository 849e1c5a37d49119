//! Reading principal values (docs/rules.md 1.11–1.15): what may stand under the `AWS`,
//! `Service`, `Federated` and `CanonicalUser` keys of `Principal`/`NotPrincipal`.

use crate::arn::{is_account_id, parse_arn, Arn};
use crate::diagnostic::Code;
use crate::model::AwsPrincipal;

/// Why a principal value cannot be read. `code` is one of `InvalidPrincipal`,
/// `PrincipalPartialWildcard`, `InvalidAccountId` or `InvalidPolicyVariable`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalError {
    /// The diagnostic code the value is reported under.
    pub code: Code,
    /// What is wrong with the value.
    pub message: String,
    /// How to write the value instead, when there is a fix.
    pub help: Option<String>,
}

impl PrincipalError {
    fn new(code: Code, message: String, help: &str) -> Self {
        PrincipalError {
            code,
            message,
            help: Some(help.to_string()),
        }
    }
}

const AWS_FORMS: &str = "write `*`, a 12-digit account id, or an ARN such as \
    `arn:aws:iam::111111111111:root`, `arn:aws:iam::111111111111:user/NAME`, \
    `arn:aws:iam::111111111111:role/PATH/NAME`, \
    `arn:aws:sts::111111111111:assumed-role/ROLE/SESSION`";

/// Checks shared by every principal key: no partial wildcards (1.13), no policy variables
/// (2.21), not empty.
fn check_common(text: &str, key: &str) -> Result<(), PrincipalError> {
    if text.is_empty() {
        return Err(PrincipalError::new(
            Code::InvalidPrincipal,
            format!("empty `{key}` principal"),
            "name a principal, or use `\"Principal\": \"*\"` for everyone",
        ));
    }
    if text.contains("${") {
        return Err(PrincipalError::new(
            Code::InvalidPolicyVariable,
            format!("policy variable in principal `{text}`"),
            "policy variables are not allowed in `Principal`; match with a condition on \
             `aws:PrincipalArn` instead",
        ));
    }
    if text.contains(['*', '?']) {
        return Err(PrincipalError::new(
            Code::PrincipalPartialWildcard,
            format!("wildcard inside principal `{text}`"),
            "only the whole value `*` may be a wildcard; to match many principals use `*` with \
             a condition such as `ArnLike` on `aws:PrincipalArn`",
        ));
    }
    Ok(())
}

/// IAM name characters: letters, digits and `+=,.@_-`.
fn is_iam_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

/// `/` or `/a/b/`, printable ASCII.
fn is_iam_path(text: &str) -> bool {
    text.starts_with('/')
        && text.ends_with('/')
        && !text.contains("//")
        && text.bytes().all(|b| (0x21..0x7f).contains(&b))
}

/// Reads one value under the `AWS` key (1.12).
pub fn read_aws_principal(text: &str) -> Result<AwsPrincipal, PrincipalError> {
    if let Some(p) = short_form(text)? {
        return Ok(p);
    }
    if !text.starts_with("arn:") {
        return Err(PrincipalError::new(
            Code::InvalidPrincipal,
            format!("`{text}` is not an AWS principal"),
            AWS_FORMS,
        ));
    }
    let arn = parse_arn(text).map_err(|_| {
        PrincipalError::new(
            Code::InvalidPrincipal,
            format!("malformed principal ARN `{text}`"),
            AWS_FORMS,
        )
    })?;
    if arn.partition.is_empty()
        || !arn
            .partition
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-')
    {
        return Err(invalid(text, "has an invalid partition"));
    }
    if !arn.region.is_empty() {
        return Err(invalid(
            text,
            "names a region; IAM and STS principal ARNs have none",
        ));
    }
    if !matches!(arn.service, "iam" | "sts") {
        return Err(invalid(text, "is not an IAM or STS ARN"));
    }
    if arn.service == "iam" && arn.account == "cloudfront" {
        return cloudfront_oai(&arn, text);
    }
    if !is_account_id(arn.account) {
        return Err(bad_account(arn.account, text));
    }
    match arn.service {
        "iam" => iam_principal(&arn, text),
        "sts" => sts_principal(&arn, text),
        _ => Err(invalid(text, "is not an IAM or STS ARN")),
    }
}

/// The forms that are not ARNs: `*`, an account id, a unique id (2.15); `None` for the rest.
fn short_form(text: &str) -> Result<Option<AwsPrincipal>, PrincipalError> {
    if text == "*" {
        return Ok(Some(AwsPrincipal::Everyone));
    }
    check_common(text, "AWS")?;
    if text.bytes().all(|b| b.is_ascii_digit()) {
        if is_account_id(text) {
            return Ok(Some(AwsPrincipal::Account {
                partition: "aws".into(),
                account: text.into(),
            }));
        }
        return Err(bad_account(text, text));
    }
    if let Some(rest) = text
        .strip_prefix("AIDA")
        .or_else(|| text.strip_prefix("AROA"))
    {
        // Unique ids are the prefix and upper-case letters and digits (2.15).
        if (12..=28).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Ok(Some(AwsPrincipal::UniqueId(text.into())));
        }
    }
    Ok(None)
}

/// `principal TEXT WHY`, with the forms AWS principals take.
fn invalid(text: &str, why: &str) -> PrincipalError {
    PrincipalError::new(
        Code::InvalidPrincipal,
        format!("principal `{text}` {why}"),
        AWS_FORMS,
    )
}

/// 1.12: a CloudFront origin access identity is a user of the account `cloudfront` whose name
/// holds spaces: `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ID`.
fn cloudfront_oai(arn: &Arn<'_>, text: &str) -> Result<AwsPrincipal, PrincipalError> {
    match arn
        .resource
        .strip_prefix("user/CloudFront Origin Access Identity ")
    {
        Some(id)
            if !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) =>
        {
            Ok(AwsPrincipal::User {
                partition: arn.partition.to_string(),
                account: arn.account.to_string(),
                path: "/".into(),
                name: format!("CloudFront Origin Access Identity {id}"),
            })
        }
        _ => Err(invalid(
            text,
            "is not a CloudFront origin access identity \
             (`arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ID`)",
        )),
    }
}

/// An IAM principal ARN: the account root, a user or a role (path and name checked); a group
/// is no principal.
fn iam_principal(arn: &Arn<'_>, text: &str) -> Result<AwsPrincipal, PrincipalError> {
    let partition = arn.partition.to_string();
    let account = arn.account.to_string();
    if arn.resource == "root" {
        return Ok(AwsPrincipal::Account { partition, account });
    }
    let (kind, rest) = arn
        .resource
        .split_once('/')
        .ok_or_else(|| invalid(text, "is not a user, role or account ARN"))?;
    // The name follows the last `/`; everything before it is the path.
    let (path, name) = match rest.rfind('/') {
        Some(i) => (
            rest.get(..=i).map(|p| format!("/{p}")).unwrap_or_default(),
            rest.get(i + 1..).unwrap_or_default(),
        ),
        None => ("/".to_string(), rest),
    };
    if !is_iam_path(&path) {
        return Err(invalid(text, "has an invalid path"));
    }
    if !is_iam_name(name) {
        return Err(invalid(text, "has an invalid name"));
    }
    let name = name.to_string();
    match kind {
        "user" => Ok(AwsPrincipal::User {
            partition,
            account,
            path,
            name,
        }),
        "role" => Ok(AwsPrincipal::Role {
            partition,
            account,
            path,
            name,
        }),
        "group" => Err(PrincipalError::new(
            Code::InvalidPrincipal,
            format!("IAM group `{text}` cannot be a principal"),
            "name the users of the group, or the account, instead",
        )),
        _ => Err(invalid(text, "is not a user, role or account ARN")),
    }
}

/// An STS principal ARN: a role session or a federated user session.
fn sts_principal(arn: &Arn<'_>, text: &str) -> Result<AwsPrincipal, PrincipalError> {
    let partition = arn.partition.to_string();
    let account = arn.account.to_string();
    let mut parts = arn.resource.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("assumed-role"), Some(role), Some(session), None)
            if is_iam_name(role) && is_iam_name(session) =>
        {
            Ok(AwsPrincipal::AssumedRole {
                partition,
                account,
                role_name: role.into(),
                session_name: session.into(),
            })
        }
        (Some("federated-user"), Some(name), None, None) if is_iam_name(name) => {
            Ok(AwsPrincipal::FederatedUser {
                partition,
                account,
                name: name.into(),
            })
        }
        _ => Err(invalid(
            text,
            "is not an assumed-role or federated-user session ARN",
        )),
    }
}

fn bad_account(account: &str, text: &str) -> PrincipalError {
    PrincipalError::new(
        Code::InvalidAccountId,
        format!(
            "account id `{account}` in principal `{text}` has {} characters, not 12 digits",
            account.chars().count()
        ),
        "AWS account ids are exactly 12 digits; check for a dropped or extra digit",
    )
}

/// Reads one value under `Service`, `Federated` or `CanonicalUser`. These are compared as
/// written (2.19), so only their shape is checked.
pub fn read_named_principal(key: &str, text: &str) -> Result<String, PrincipalError> {
    if text == "*" {
        return Err(PrincipalError::new(
            Code::InvalidPrincipal,
            format!("`{key}` cannot be `*`"),
            "use `\"Principal\": \"*\"` or `{\"AWS\": \"*\"}` for everyone",
        ));
    }
    check_common(text, key)?;
    let ok = match key {
        "CanonicalUser" => text.bytes().all(|b| b.is_ascii_alphanumeric()),
        _ => text.bytes().all(|b| b.is_ascii_graphic()),
    };
    if !ok {
        return Err(PrincipalError::new(
            Code::InvalidPrincipal,
            format!("`{text}` is not a valid `{key}` principal"),
            match key {
                "Service" => "a service principal looks like `ec2.amazonaws.com`",
                "Federated" => {
                    "a federated principal is an identity provider such as \
                     `accounts.google.com` or `arn:aws:iam::111111111111:saml-provider/NAME`"
                }
                _ => "a canonical user id is a string of letters and digits",
            },
        ));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Code {
        read_aws_principal(text).unwrap_err().code
    }

    #[test]
    fn rule_1_12_aws_principal_forms() {
        assert_eq!(read_aws_principal("*").unwrap(), AwsPrincipal::Everyone);
        let account = AwsPrincipal::Account {
            partition: "aws".into(),
            account: "111111111111".into(),
        };
        assert_eq!(read_aws_principal("111111111111").unwrap(), account);
        assert_eq!(
            read_aws_principal("arn:aws:iam::111111111111:root").unwrap(),
            account
        );
        assert_eq!(
            read_aws_principal("arn:aws:iam::111111111111:user/alice").unwrap(),
            AwsPrincipal::User {
                partition: "aws".into(),
                account: "111111111111".into(),
                path: "/".into(),
                name: "alice".into()
            }
        );
        assert_eq!(
            read_aws_principal("arn:aws-cn:iam::111111111111:role/team/ops/Deploy").unwrap(),
            AwsPrincipal::Role {
                partition: "aws-cn".into(),
                account: "111111111111".into(),
                path: "/team/ops/".into(),
                name: "Deploy".into()
            }
        );
        assert_eq!(
            read_aws_principal("arn:aws:sts::111111111111:assumed-role/Deploy/s1").unwrap(),
            AwsPrincipal::AssumedRole {
                partition: "aws".into(),
                account: "111111111111".into(),
                role_name: "Deploy".into(),
                session_name: "s1".into()
            }
        );
        assert_eq!(
            read_aws_principal("arn:aws:sts::111111111111:federated-user/bob").unwrap(),
            AwsPrincipal::FederatedUser {
                partition: "aws".into(),
                account: "111111111111".into(),
                name: "bob".into()
            }
        );
        assert_eq!(
            read_aws_principal("AROAJQABLZS4A3QDU576Q").unwrap(),
            AwsPrincipal::UniqueId("AROAJQABLZS4A3QDU576Q".into())
        );
    }

    #[test]
    fn rule_1_13_partial_wildcards_are_rejected() {
        for text in [
            "arn:aws:iam::*:root",
            "arn:aws:iam::111111111111:user/*",
            "arn:aws:iam::123456789012:role/*",
            "arn:aws:sts::111111111111:assumed-role/Role/*",
            "1111111111?1",
        ] {
            assert_eq!(code(text), Code::PrincipalPartialWildcard, "{text}");
        }
    }

    #[test]
    fn rule_1_12_cloudfront_origin_access_identity() {
        let oai = "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL";
        match read_aws_principal(oai) {
            Ok(AwsPrincipal::User { account, name, .. }) => {
                assert_eq!(account, "cloudfront");
                assert_eq!(name, "CloudFront Origin Access Identity E2QWRUHAPOMQZL");
            }
            other => panic!("{other:?}"),
        }
        // Only that form: other users of `cloudfront`, and other odd accounts, stay invalid.
        assert_eq!(
            code("arn:aws:iam::cloudfront:user/someone"),
            Code::InvalidPrincipal
        );
        assert_eq!(
            code("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity e2q"),
            Code::InvalidPrincipal
        );
        assert_eq!(
            code("arn:aws:iam::cloudfrnt:user/CloudFront Origin Access Identity E2Q"),
            Code::InvalidAccountId
        );
    }

    #[test]
    fn account_ids_must_have_12_digits() {
        assert_eq!(code("1234567890"), Code::InvalidAccountId);
        assert_eq!(
            code("arn:aws:iam::1234567890:user/test.user"),
            Code::InvalidAccountId
        );
        assert_eq!(code("arn:aws:iam::abc:root"), Code::InvalidAccountId);
    }

    #[test]
    fn unreadable_principals_are_invalid() {
        for text in [
            "alice",
            "arn:aws:iam::111111111111:group/devs",
            "arn:aws:iam::111111111111:user/",
            "arn:aws:iam:us-east-1:111111111111:root",
            "arn:aws:s3:::bucket",
            "arn:aws:sts::111111111111:assumed-role/OnlyRole",
            "arn:aws:iam::111111111111:user/a//b",
            "",
        ] {
            assert_eq!(code(text), Code::InvalidPrincipal, "{text}");
        }
        assert_eq!(
            code("arn:aws:iam::111111111111:user/${aws:username}"),
            Code::InvalidPolicyVariable
        );
    }

    #[test]
    fn rule_1_11_named_principals() {
        assert_eq!(
            read_named_principal("Service", "ec2.amazonaws.com").unwrap(),
            "ec2.amazonaws.com"
        );
        assert!(read_named_principal("Service", "*").is_err());
        assert_eq!(
            read_named_principal("Service", "*.amazonaws.com")
                .unwrap_err()
                .code,
            Code::PrincipalPartialWildcard
        );
        assert!(read_named_principal("Federated", "accounts.google.com").is_ok());
        assert!(read_named_principal("CanonicalUser", "79a59df900b949e5").is_ok());
        assert!(read_named_principal("CanonicalUser", "not hex!").is_err());
    }
}

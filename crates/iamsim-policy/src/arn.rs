//! ARN parsing: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` (docs/rules.md 2.6).
//!
//! The text is split on its first five colons; everything after the fifth colon, further colons
//! and slashes included, is the RESOURCE part. REGION and ACCOUNT may be empty (S3, IAM);
//! PARTITION, SERVICE and RESOURCE may not.

/// The six parts of an ARN, borrowed from its text (2.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...; never empty.
    pub partition: &'a str,
    /// The service namespace (`s3`, `iam`); never empty.
    pub service: &'a str,
    /// The Region; empty for global services and S3.
    pub region: &'a str,
    /// The owning account id; empty for S3.
    pub account: &'a str,
    /// Everything after the fifth colon, further colons and slashes included.
    pub resource: &'a str,
}

/// Why a text is not an ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArnError {
    /// Byte offset in the text where the problem is.
    pub offset: usize,
    /// What is wrong, naming the part that is missing or empty.
    pub message: String,
}

/// The names of the parts after `arn`, in order, for messages.
const PART_NAMES: [&str; 4] = ["partition", "service", "region", "account"];

/// `text` up to its first colon, and what follows that colon. A byte scan: ARNs are short and
/// this runs for every request on the decision path.
fn field(text: &str) -> Option<(&str, &str)> {
    let i = text.bytes().position(|b| b == b':')?;
    Some((text.get(..i)?, text.get(i + 1..)?))
}

/// Splits an ARN into its six parts.
pub fn parse_arn(text: &str) -> Result<Arn<'_>, ArnError> {
    let error = |offset: usize, message: String| ArnError { offset, message };
    let Some(mut rest) = text.strip_prefix("arn:") else {
        return Err(error(
            0,
            format!("`{text}` is not an ARN: an ARN starts with `arn:`"),
        ));
    };
    let mut fields: [(&str, usize); 4] = [("", 0); 4];
    for (i, slot) in fields.iter_mut().enumerate() {
        let start = text.len() - rest.len();
        let Some((value, after)) = field(rest) else {
            let missing = PART_NAMES.get(i + 1).copied().unwrap_or("resource");
            return Err(error(
                text.len(),
                format!(
                    "`{text}` has {} of the 6 colon-separated parts of an ARN; the {missing} part \
                     and those after it are missing (arn:partition:service:region:account:resource)",
                    i + 2
                ),
            ));
        };
        *slot = (value, start);
        rest = after;
    }
    let [(partition, partition_at), (service, service_at), (region, _), (account, _)] = fields;
    if partition.is_empty() {
        return Err(error(partition_at, "the ARN's partition is empty".into()));
    }
    if service.is_empty() {
        return Err(error(service_at, "the ARN's service is empty".into()));
    }
    if rest.is_empty() {
        return Err(error(text.len(), "the ARN's resource part is empty".into()));
    }
    Ok(Arn {
        partition,
        service,
        region,
        account,
        resource: rest,
    })
}

/// Twelve ASCII digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_2_6_six_parts_resource_keeps_colons_and_slashes() {
        let a = parse_arn("arn:aws:s3:::acme-data/dir/a:b.txt").unwrap();
        assert_eq!(
            a,
            Arn {
                partition: "aws",
                service: "s3",
                region: "",
                account: "",
                resource: "acme-data/dir/a:b.txt",
            }
        );
        let r = parse_arn("arn:aws:iam::111111111111:role/team/TestRole").unwrap();
        assert_eq!(r.account, "111111111111");
        assert_eq!(r.resource, "role/team/TestRole");
        let l =
            parse_arn("arn:aws-cn:logs:cn-north-1:123456789012:log-group:g:log-stream:s").unwrap();
        assert_eq!(l.partition, "aws-cn");
        assert_eq!(l.region, "cn-north-1");
        assert_eq!(l.resource, "log-group:g:log-stream:s");
    }

    #[test]
    fn errors_carry_offsets_and_messages() {
        // (text, offset, words the message must contain)
        let cases: &[(&str, usize, &str)] = &[
            ("", 0, "starts with `arn:`"),
            ("arm:aws:s3:::b", 0, "starts with `arn:`"),
            ("ARN:aws:s3:::b", 0, "starts with `arn:`"),
            ("arn", 0, "starts with `arn:`"),
            ("arn:aws", 7, "has 2 of the 6"),
            ("arn:aws:s3", 10, "region part"),
            ("arn:aws:s3:", 11, "account part"),
            ("arn:aws:s3::", 12, "resource part"),
            ("arn::s3:::b", 4, "partition is empty"),
            ("arn:aws::::b", 8, "service is empty"),
            ("arn:aws:s3:::", 13, "resource part is empty"),
            ("arn:aws:é:::", 13, "resource part is empty"),
        ];
        for &(text, offset, words) in cases {
            let e = parse_arn(text).unwrap_err();
            assert_eq!(e.offset, offset, "{text:?}: {e:?}");
            assert!(e.message.contains(words), "{text:?}: {}", e.message);
            assert!(text.is_char_boundary(e.offset));
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "arn:",
            "arn:::::",
            "arn:a:b:c:d:e",
            "arn:é:é:é:é:é",
            ":::::",
            "arn:aws:s3:::*",
        ] {
            let _ = parse_arn(text);
        }
        assert!(parse_arn("arn:a:b:c:d:e").is_ok());
    }

    #[test]
    fn account_ids() {
        assert!(is_account_id("111111111111"));
        assert!(!is_account_id("11111111111"));
        assert!(!is_account_id("11111111111a"));
        assert!(!is_account_id("١١١١١١١١١١١١"));
    }
}

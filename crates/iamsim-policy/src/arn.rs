//! ARN parsing: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` (iam-semantics.md 2.6).
//! STUB: the implementation replaces this body.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// Everything after the fifth colon, further colons and slashes included.
    pub resource: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArnError {
    /// Byte offset in the text where the problem is.
    pub offset: usize,
    pub message: String,
}

/// Splits an ARN into its six parts.
pub fn parse_arn(text: &str) -> Result<Arn<'_>, ArnError> {
    let mut parts = text.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(ArnError {
            offset: 0,
            message: format!("`{text}` is not an ARN"),
        });
    };
    Ok(Arn {
        partition,
        service,
        region,
        account,
        resource,
    })
}

/// Twelve ASCII digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

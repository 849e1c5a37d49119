//! Percent-decoding: policy documents the IAM API returns URL-encoded (RFC 3986), and query
//! strings (where `+` also stands for a space).

/// Decodes `%XX` escapes as RFC 3986 defines them, as IAM returns policy documents
/// (`GetPolicyVersion`, `GetAccountAuthorizationDetails`). `+` stays `+`: IAM names may contain
/// it, and reading it as a space would change what a policy names. An escape that is not two hex
/// digits stays as written; bytes that are not UTF-8 become U+FFFD.
pub fn decode(text: &str) -> String {
    decode_with(text, false)
}

/// Decodes a URL query-string value (`application/x-www-form-urlencoded`): [`decode`], and `+`
/// is a space.
pub fn decode_query(text: &str) -> String {
    decode_with(text, true)
}

/// Decodes `%XX` escapes as [`decode`] does, but refuses a text whose decoded bytes are not
/// UTF-8 (`None`) rather than replacing them: for a value that names something, such as an S3
/// copy source, where a replaced character would name something else.
pub fn decode_utf8(text: &str) -> Option<String> {
    String::from_utf8(decode_bytes(text, false)).ok()
}

fn decode_with(text: &str, plus_is_space: bool) -> String {
    let has_escape = text.contains('%') || (plus_is_space && text.contains('+'));
    if !has_escape {
        return text.to_string();
    }
    String::from_utf8_lossy(&decode_bytes(text, plus_is_space)).into_owned()
}

/// The bytes `text` stands for: each `%XX` of two hex digits one byte, `+` a space when
/// `plus_is_space`, anything else as written.
fn decode_bytes(text: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let hex = |j: usize| bytes.get(j).and_then(|c| char::from(*c).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                // Two hex digits: at most 255.
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
                continue;
            }
            (b'+', _, _) if plus_is_space => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_decoded_and_bad_ones_kept() {
        assert_eq!(decode("%7B%22a%22%3A1%7D"), "{\"a\":1}");
        assert_eq!(decode("a%2Fb%"), "a/b%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%e9%zz"), "\u{fffd}%zz");
        assert_eq!(decode("plain"), "plain");
    }

    #[test]
    fn plus_is_a_space_only_in_query_strings() {
        // IAM allows `+` in role names: a policy document keeps it.
        assert_eq!(
            decode("arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fa+b"),
            "arn:aws:iam::111111111111:role/a+b"
        );
        assert_eq!(decode("a%20b"), "a b");
        assert_eq!(decode_query("a%2Fb+c%"), "a/b c%");
        assert_eq!(decode_query("a%2Bb"), "a+b");
    }

    #[test]
    fn strict_decoding_refuses_what_is_not_utf8() {
        assert_eq!(
            decode_utf8("bkt/caf%C3%A9%20menu.txt").as_deref(),
            Some("bkt/café menu.txt")
        );
        assert_eq!(decode_utf8("a+b%2").as_deref(), Some("a+b%2"));
        assert_eq!(decode_utf8("bkt/%e9"), None);
        assert_eq!(decode("bkt/%e9"), "bkt/\u{fffd}");
    }
}

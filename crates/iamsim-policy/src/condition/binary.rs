//! Base64 (RFC 4648 standard alphabet) for `BinaryEquals` policy values (3.12).

fn sextet(b: u8) -> Option<u32> {
    let v = match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes base64. Padding may be omitted; whitespace and the URL-safe alphabet are refused.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    if padding > 2 || (padding > 0 && !text.len().is_multiple_of(4)) || body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    for chunk in body.as_bytes().chunks(4) {
        let mut acc = 0u32;
        for &b in chunk {
            acc = (acc << 6) | sextet(b)?;
        }
        // A chunk of n characters carries n*6 bits: 3, 2 or 1 whole bytes.
        let bytes = acc << (6 * (4 - chunk.len()));
        let [_, b0, b1, b2] = bytes.to_be_bytes();
        let whole = chunk.len() * 6 / 8;
        out.extend([b0, b1, b2].into_iter().take(whole));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_standard_base64() {
        assert_eq!(decode_base64("SGVsbG8=").unwrap(), b"Hello");
        assert_eq!(decode_base64("SGVsbG8").unwrap(), b"Hello");
        assert_eq!(decode_base64("SGVsbA==").unwrap(), b"Hell");
        assert_eq!(decode_base64("SGVs").unwrap(), b"Hel");
        assert_eq!(decode_base64("").unwrap(), b"");
        assert_eq!(decode_base64("//8=").unwrap(), [0xff, 0xff]);
    }

    #[test]
    fn refuses_non_base64() {
        for bad in [
            "S",
            "SGVsbG8==",
            "SGV=sbG8",
            "SG Vs",
            "-_8=",
            "SGVsbG8===",
            "a===",
        ] {
            assert!(decode_base64(bad).is_none(), "{bad:?}");
        }
    }
}

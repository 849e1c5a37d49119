//! Exact decimal numbers for the Numeric operators (3.9). Comparison is exact (no floating point),
//! so `0.1` and `0.10` are equal and 20-digit integers do not collide.

use std::cmp::Ordering;

/// A policy number, normalised: value = 0.`digits` × 10^`exponent`, `digits` without leading or
/// trailing zeros (empty for zero).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    digits: String,
    exponent: i64,
}

/// A number as written, borrowed from the text (request values are read without allocating).
#[derive(Clone, Copy, Debug)]
pub(crate) struct DecimalRef<'a> {
    negative: bool,
    int: &'a str,
    frac: &'a str,
    exp: i64,
}

/// Reads `[+-]digits[.digits][(e|E)[+-]digits]`; anything else (spaces, `0x`, `NaN`) is not a
/// number.
pub(crate) fn parse_decimal(text: &str) -> Option<DecimalRef<'_>> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(at) => {
            let exp_text = rest.get(at + 1..)?;
            (rest.get(..at)?, parse_exponent(exp_text)?)
        }
        None => (rest, 0),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((int, frac)) => (int, frac),
        None => (mantissa, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    if mantissa.contains('.') && frac.is_empty() {
        return None;
    }
    Some(DecimalRef {
        negative,
        int,
        frac,
        exp,
    })
}

fn parse_exponent(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    // Bounded so the exponent arithmetic below cannot overflow.
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i64 = digits.parse().ok()?;
    Some(if text.starts_with('-') { -value } else { value })
}

impl DecimalRef<'_> {
    fn significant(&self) -> impl Iterator<Item = u8> + '_ {
        self.int
            .bytes()
            .chain(self.frac.bytes())
            .skip_while(|b| *b == b'0')
    }

    fn leading_zeros(&self) -> usize {
        self.int
            .bytes()
            .chain(self.frac.bytes())
            .take_while(|b| *b == b'0')
            .count()
    }

    fn is_zero(&self) -> bool {
        self.significant().next().is_none()
    }

    fn exponent(&self) -> i64 {
        let int_len = i64::try_from(self.int.len()).unwrap_or(i64::MAX);
        let lead = i64::try_from(self.leading_zeros()).unwrap_or(i64::MAX);
        int_len.saturating_sub(lead).saturating_add(self.exp)
    }

    pub(crate) fn to_decimal(self) -> Decimal {
        let mut digits: String = self.significant().map(char::from).collect();
        let kept = digits.trim_end_matches('0').len();
        digits.truncate(kept);
        let zero = digits.is_empty();
        Decimal {
            negative: self.negative && !zero,
            exponent: if zero { 0 } else { self.exponent() },
            digits,
        }
    }

    /// Orders the request value `self` against the policy value.
    pub(crate) fn cmp_decimal(&self, policy: &Decimal) -> Ordering {
        let mine = Parts {
            negative: self.negative,
            zero: self.is_zero(),
            exponent: self.exponent(),
        };
        let theirs = Parts {
            negative: policy.negative,
            zero: policy.digits.is_empty(),
            exponent: policy.exponent,
        };
        compare(mine, self.significant(), theirs, policy.digits.bytes())
    }
}

struct Parts {
    negative: bool,
    zero: bool,
    exponent: i64,
}

fn compare(
    a: Parts,
    a_digits: impl Iterator<Item = u8>,
    b: Parts,
    b_digits: impl Iterator<Item = u8>,
) -> Ordering {
    // -1, 0, +1: zero has no sign (`-0` = `0`).
    let sign = |p: &Parts| match (p.zero, p.negative) {
        (true, _) => 0i8,
        (false, true) => -1,
        (false, false) => 1,
    };
    let (sa, sb) = (sign(&a), sign(&b));
    if sa != sb || sa == 0 {
        return sa.cmp(&sb);
    }
    let magnitude = a
        .exponent
        .cmp(&b.exponent)
        .then_with(|| cmp_digits(a_digits, b_digits));
    if sa < 0 {
        magnitude.reverse()
    } else {
        magnitude
    }
}

/// Compares digit strings after the point, the shorter padded with zeros.
fn cmp_digits(mut a: impl Iterator<Item = u8>, mut b: impl Iterator<Item = u8>) -> Ordering {
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (x, y) => match x.unwrap_or(b'0').cmp(&y.unwrap_or(b'0')) {
                Ordering::Equal => {}
                other => return other,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        let b = parse_decimal(b).unwrap().to_decimal();
        parse_decimal(a).unwrap().cmp_decimal(&b)
    }

    #[test]
    fn exact_decimal_comparison() {
        use Ordering::*;
        let cases = [
            ("5", "5", Equal),
            ("5", "5.0", Equal),
            ("0.1", "0.10", Equal),
            ("-0", "0", Equal),
            ("007", "7", Equal),
            ("1e3", "1000", Equal),
            ("1.5E-1", "0.15", Equal),
            ("4", "5", Less),
            ("10", "9", Greater),
            ("-10", "-9", Less),
            ("-1", "0", Less),
            ("0.001", "0.01", Less),
            ("12345678901234567890", "12345678901234567891", Less),
            ("3600", "3600.5", Less),
            ("+2", "2", Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(cmp(a, b), want, "{a} vs {b}");
            assert_eq!(cmp(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    /// Against a slow reference: f64 orders these short decimals exactly.
    #[test]
    fn agrees_with_floating_point_on_short_values() {
        let texts: Vec<String> = (-30..=30)
            .flat_map(|i: i32| {
                [
                    format!("{i}"),
                    format!("{}.{}", i / 10, (i % 10).abs()),
                    format!("{i}e-2"),
                    format!("{i}.50"),
                ]
            })
            .collect();
        for a in &texts {
            for b in &texts {
                let (x, y): (f64, f64) = (a.parse().unwrap(), b.parse().unwrap());
                assert_eq!(cmp(a, b), x.partial_cmp(&y).unwrap(), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn non_numbers_are_rejected() {
        for bad in [
            "",
            "-",
            "abc",
            "1.",
            ".5",
            "1 ",
            " 1",
            "0x10",
            "1e",
            "NaN",
            "1,5",
            "1e9999999999999999",
        ] {
            assert!(parse_decimal(bad).is_none(), "{bad:?}");
        }
    }
}

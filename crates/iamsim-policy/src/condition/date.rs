//! Dates for the Date operators (3.10): the W3C profile of ISO 8601 or epoch seconds, compared as
//! instants. A value without a time zone is read under every zone from UTC-12 to UTC+14, so it is
//! the range of instants between those readings.

use crate::truth::Truth;

const NANOS_PER_SECOND: i128 = 1_000_000_000;
const NANOS_PER_MINUTE: i128 = 60 * NANOS_PER_SECOND;
/// Real UTC offsets are whole quarter hours; readings of a zone-less value lie on that grid.
const QUARTER_HOUR: i128 = 15 * NANOS_PER_MINUTE;
/// UTC+14 is the earliest instant of a local time, UTC-12 the latest.
const EAST_MOST: i128 = 14 * 60 * NANOS_PER_MINUTE;
const WEST_MOST: i128 = 12 * 60 * NANOS_PER_MINUTE;

/// A date value: nanoseconds since 1970-01-01T00:00:00Z. `earliest == latest` when the value has
/// a zone (or is epoch seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateValue {
    /// The earliest instant the value can mean (a zoneless time read at UTC+14).
    pub earliest: i128,
    /// The latest instant the value can mean (a zoneless time read at UTC-12).
    pub latest: i128,
}

/// How a request value is compared with a policy value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateCmp {
    Equals,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
}

impl DateValue {
    fn exact(instant: i128) -> DateValue {
        DateValue {
            earliest: instant,
            latest: instant,
        }
    }

    fn zoneless(local: i128) -> DateValue {
        DateValue {
            earliest: local - EAST_MOST,
            latest: local + WEST_MOST,
        }
    }

    /// Whether the value names one instant (it has a zone, or is epoch seconds).
    pub fn is_exact(&self) -> bool {
        self.earliest == self.latest
    }

    /// `request OP policy` over every pair of readings.
    pub(crate) fn compare(request: DateValue, op: DateCmp, policy: DateValue) -> Truth {
        let (r, p) = (request, policy);
        match op {
            DateCmp::LessThan => bounds(r.latest < p.earliest, r.earliest >= p.latest),
            DateCmp::LessThanEquals => bounds(r.latest <= p.earliest, r.earliest > p.latest),
            DateCmp::GreaterThan => bounds(r.earliest > p.latest, r.latest <= p.earliest),
            DateCmp::GreaterThanEquals => bounds(r.earliest >= p.latest, r.latest < p.earliest),
            DateCmp::Equals => {
                if r.latest < p.earliest || p.latest < r.earliest {
                    Truth::False
                } else if r.is_exact() && p.is_exact() {
                    Truth::True
                } else if (r.earliest - p.earliest) % QUARTER_HOUR == 0 {
                    // Some pair of real offsets makes them the same instant, another does not.
                    Truth::Unknown
                } else {
                    Truth::False
                }
            }
        }
    }
}

fn bounds(always: bool, never: bool) -> Truth {
    if always {
        Truth::True
    } else if never {
        Truth::False
    } else {
        Truth::Unknown
    }
}

/// Reads a date: all digits = epoch seconds; else `YYYY-MM[-DD[Thh:mm[:ss[.f]][TZD]]]` with TZD
/// `Z` or `±hh:mm`. Date-only and zone-less values are local times (see [`DateValue`]).
pub fn parse_date(text: &str) -> Option<DateValue> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // Bounded: 15 digits of seconds is far beyond year 9999 and cannot overflow.
        if text.len() > 15 {
            return None;
        }
        let seconds: i128 = text.parse().ok()?;
        return Some(DateValue::exact(seconds * NANOS_PER_SECOND));
    }
    let mut r = Reader { rest: text };
    let year = r.digits(4)?;
    r.expect(b'-')?;
    let month = r.digits(2)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let day = if r.is_empty() {
        1
    } else {
        r.expect(b'-')?;
        r.digits(2)?
    };
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut local = i128::from(days_from_civil(year, month, day)) * 86_400 * NANOS_PER_SECOND;
    if r.is_empty() {
        return Some(DateValue::zoneless(local));
    }
    r.expect(b'T')?;
    let hour = r.digits(2)?;
    r.expect(b':')?;
    let minute = r.digits(2)?;
    let mut second = 0;
    let mut nanos = 0i128;
    if r.peek() == Some(b':') {
        r.expect(b':')?;
        second = r.digits(2)?;
        if r.peek() == Some(b'.') {
            r.expect(b'.')?;
            nanos = r.fraction()?;
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    local += (i128::from(hour) * 3600 + i128::from(minute) * 60 + i128::from(second))
        * NANOS_PER_SECOND
        + nanos;
    let offset = match r.next()? {
        None => return Some(DateValue::zoneless(local)),
        Some(b'Z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let hours = r.digits(2)?;
            r.expect(b':')?;
            let minutes = r.digits(2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = i128::from(hours * 60 + minutes) * NANOS_PER_MINUTE;
            if sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        Some(_) => return None,
    };
    if !r.is_empty() {
        return None;
    }
    Some(DateValue::exact(local - offset))
}

struct Reader<'a> {
    rest: &'a str,
}

impl Reader<'_> {
    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn peek(&self) -> Option<u8> {
        self.rest.as_bytes().first().copied()
    }

    /// The next byte, `Ok(None)` at the end (so callers can tell "no zone" from a bad zone).
    fn next(&mut self) -> Option<Option<u8>> {
        let Some(b) = self.peek() else {
            return Some(None);
        };
        self.rest = self.rest.get(1..)?;
        Some(Some(b))
    }

    fn expect(&mut self, want: u8) -> Option<()> {
        (self.next()? == Some(want)).then_some(())
    }

    fn digits(&mut self, count: usize) -> Option<u32> {
        let (head, tail) = self.rest.split_at_checked(count)?;
        if !head.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.rest = tail;
        head.parse().ok()
    }

    /// Fractional seconds, one digit or more; nanosecond precision (further digits are dropped).
    fn fraction(&mut self) -> Option<i128> {
        let len = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        let (head, tail) = self.rest.split_at_checked(len)?;
        self.rest = tail;
        let mut nanos = 0i128;
        for b in head.bytes().chain(std::iter::repeat(b'0')).take(9) {
            nanos = nanos * 10 + i128::from(b - b'0');
        }
        Some(nanos)
    }
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date, counting in 400-year eras that start on
/// 1 March so the leap day falls at the end of each year.
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(v: DateValue) -> (i128, i128) {
        (v.earliest / NANOS_PER_SECOND, v.latest / NANOS_PER_SECOND)
    }

    #[test]
    fn civil_dates_to_epoch() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2020, 1, 1), 18_262);
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
    }

    /// Against a slow reference that counts days one by one.
    #[test]
    fn civil_dates_agree_with_day_counting() {
        let mut days = days_from_civil(1900, 1, 1);
        for year in 1900..2101 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(
                        days_from_civil(year, month, day),
                        days,
                        "{year}-{month}-{day}"
                    );
                    days += 1;
                }
            }
        }
    }

    #[test]
    fn iso_and_epoch_values() {
        let at = |t: &str| secs(parse_date(t).unwrap());
        assert_eq!(at("2020-01-01T00:00:01Z"), (1_577_836_801, 1_577_836_801));
        assert_eq!(at("1577836801"), (1_577_836_801, 1_577_836_801));
        assert_eq!(
            at("2020-01-01T02:00:01+02:00"),
            (1_577_836_801, 1_577_836_801)
        );
        assert_eq!(
            at("2019-12-31T23:00:01-01:00"),
            (1_577_836_801, 1_577_836_801)
        );
        assert_eq!(at("2020-01-01T00:00Z"), (1_577_836_800, 1_577_836_800));
        let frac = parse_date("2020-01-01T00:00:01.5Z").unwrap();
        assert_eq!(
            frac.earliest,
            1_577_836_801 * NANOS_PER_SECOND + 500_000_000
        );
        // Date-only and zone-less: UTC+14 … UTC-12.
        assert_eq!(
            at("2020-01-01"),
            (1_577_836_800 - 14 * 3600, 1_577_836_800 + 12 * 3600)
        );
        assert_eq!(
            at("2020-01-01T00:00:00"),
            (1_577_836_800 - 14 * 3600, 1_577_836_800 + 12 * 3600)
        );
    }

    #[test]
    fn invalid_dates() {
        for bad in [
            "",
            "2020-13-01",
            "2020-02-30",
            "2021-02-29",
            "2020-01-01T24:00:00Z",
            "2020-01-01T00:60Z",
            "2020-01-01T00:00:00.Z",
            "2020-01-01 00:00:00Z",
            "2020-01-01T00:00:00+0200",
            "2020-01-01T00:00:00z",
            "tomorrow",
            "-5",
            "2020-1-1",
            "2020-01-01T00:00:00Zjunk",
            "1e9",
        ] {
            assert!(parse_date(bad).is_none(), "{bad:?}");
        }
    }
}

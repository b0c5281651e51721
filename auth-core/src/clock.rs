//! Time: an injectable clock, and the two date formats Auth.js writes.

use std::{
    fmt,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

/// Whole seconds of a configured lifetime, as the wire writes them (cookie `Max-Age`, JWT
/// `exp`); saturates instead of wrapping.
pub(crate) fn whole_secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// A source of the current time, replaceable in tests.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// A clock stopped at a given instant, for tests and vectors.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub i64);

impl FixedClock {
    /// A clock stopped at `secs` seconds since the epoch.
    pub fn at_secs(secs: i64) -> Self {
        Self(secs * 1000)
    }
}

impl Clock for FixedClock {
    fn now_millis(&self) -> i64 {
        self.0
    }
}

/// A civil date-time in UTC, split for formatting.
struct Civil {
    year: i64,
    month: usize,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    millis: i64,
    weekday: usize,
}

fn civil(millis: i64) -> Civil {
    let secs = millis.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month: usize::try_from(month - 1).unwrap_or(0),
        day,
        hour: rem / 3600,
        minute: rem % 3600 / 60,
        second: rem % 60,
        millis: millis.rem_euclid(1000),
        // 1970-01-01 was a Thursday.
        weekday: usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0),
    }
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Appends the IMF-fixdate of a cookie's `Expires`, e.g. `Fri, 31 Jan 2025 12:00:00 GMT`.
pub(crate) fn push_http_date(out: &mut String, millis: i64) {
    let c = civil(millis);
    if !(0..=9999).contains(&c.year) {
        use fmt::Write as _;
        let _ = write!(
            out,
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
            WEEKDAYS[c.weekday], c.day, MONTHS[c.month], c.year, c.hour, c.minute, c.second
        );
        return;
    }
    out.push_str(WEEKDAYS[c.weekday]);
    out.push_str(", ");
    push_digits(out, c.day, 2, ' ');
    out.push_str(MONTHS[c.month]);
    out.push(' ');
    push_digits(out, c.year, 4, ' ');
    push_digits(out, c.hour, 2, ':');
    push_digits(out, c.minute, 2, ':');
    push_digits(out, c.second, 2, ' ');
    out.push_str("GMT");
}

/// JavaScript's `Date.prototype.toISOString`, e.g. `2025-01-31T12:00:00.000Z`.
pub(crate) fn iso8601(millis: i64) -> String {
    let c = civil(millis);
    if (0..=9999).contains(&c.year) {
        let mut out = String::with_capacity(24);
        let month = i64::try_from(c.month).unwrap_or(0) + 1;
        push_digits(&mut out, c.year, 4, '-');
        push_digits(&mut out, month, 2, '-');
        push_digits(&mut out, c.day, 2, 'T');
        push_digits(&mut out, c.hour, 2, ':');
        push_digits(&mut out, c.minute, 2, ':');
        push_digits(&mut out, c.second, 2, '.');
        push_digits(&mut out, c.millis, 3, 'Z');
        return out;
    }
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.year,
        c.month + 1,
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.millis
    )
}

/// Appends the last `width` decimal digits of `value` (0 ≤ value), then `after`: every session
/// answer carries two dates, written digit by digit rather than through the formatter.
fn push_digits(out: &mut String, value: i64, width: u32, after: char) {
    let mut digits = [b'0'; 4];
    let width = usize::try_from(width).unwrap_or(4).min(digits.len());
    let mut rest = value;
    for slot in digits[..width].iter_mut().rev() {
        *slot = b'0' + u8::try_from(rest.rem_euclid(10)).unwrap_or(0);
        rest /= 10;
    }
    for &digit in &digits[..width] {
        out.push(char::from(digit));
    }
    out.push(after);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_javascript() {
        // 2026-12-27T05:08:15.666Z, a value seen in the Auth.js vectors.
        let ms = 1_798_348_095_666;
        assert_eq!(iso8601(ms), "2026-12-27T05:08:15.666Z");
        assert_eq!(http_date(ms), "Sun, 27 Dec 2026 05:08:15 GMT");
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        for ms in [
            1,
            999,
            86_399_999,
            951_782_400_123,
            1_798_348_095_001,
            -1,
            253_402_300_799_999,
        ] {
            let c = civil(ms);
            let formatted = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                c.year,
                c.month + 1,
                c.day,
                c.hour,
                c.minute,
                c.second,
                c.millis
            );
            assert_eq!(iso8601(ms), formatted, "{ms}");
            let by_formatter = format!(
                "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
                WEEKDAYS[c.weekday], c.day, MONTHS[c.month], c.year, c.hour, c.minute, c.second
            );
            assert_eq!(http_date(ms), by_formatter, "{ms}");
        }
        assert_eq!(http_date(951_782_400_000), "Tue, 29 Feb 2000 00:00:00 GMT");
        // Past year 9999 the formatter writes it.
        assert_eq!(
            http_date(253_402_300_800_000),
            "Sat, 01 Jan 10000 00:00:00 GMT"
        );
    }

    fn http_date(millis: i64) -> String {
        let mut out = String::new();
        push_http_date(&mut out, millis);
        out
    }
}

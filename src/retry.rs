//! The retry policy of the official SDKs, as pure functions of a failure and its headers.
//!
//! Retried: connection errors, timeouts, 408, 409, 429 and ≥ 500, up to `maxRetries` times;
//! `x-should-retry: true|false` overrides. The wait is the server's `retry-after-ms`, else its
//! `retry-after` (seconds or an HTTP date), when under 60 s; otherwise exponential backoff:
//! 0.5 s doubling, capped at 8 s, minus up to 25 % jitter.

use crate::ascii;

const INITIAL_DELAY_MS: f64 = 500.0;
const MAX_DELAY_MS: f64 = 8_000.0;
const MAX_RETRY_AFTER_MS: f64 = 60_000.0;

/// Whether a response with `status` is worth another attempt.
pub fn should_retry_status(status: u16, x_should_retry: Option<&str>) -> bool {
    match x_should_retry {
        Some("true") => true,
        Some("false") => false,
        _ => matches!(status, 408 | 409 | 429) || status >= 500,
    }
}

/// The server's requested wait, from `retry-after-ms` or `retry-after`, when it is usable.
pub fn server_delay_ms(retry_after_ms: Option<&str>, retry_after: Option<&str>, now_ms: f64) -> Option<f64> {
    let usable = |ms: f64| (0.0..MAX_RETRY_AFTER_MS).contains(&ms).then_some(ms);
    if let Some(ms) = retry_after_ms.and_then(decimal).and_then(usable) {
        return Some(ms);
    }
    let value = retry_after?.trim_ascii();
    match decimal(value) {
        Some(seconds) => usable(seconds * 1000.0),
        None => http_date_ms(value).and_then(|date| usable(date - now_ms)),
    }
}

/// A non-negative decimal such as "2" or "0.25". Written out, as is `whole_number`, because
/// `str::parse` costs the browser kilobytes of download for headers of a few digits.
fn decimal(text: &str) -> Option<f64> {
    let text = text.trim_ascii();
    let (whole, fraction) = ascii::split_once(text, b'.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let scale = fraction.bytes().fold(1.0, |scale, _| scale * 10.0);
    let digits = |part: &str| if part.is_empty() { Some(0.0) } else { whole_number(part) };
    Some(digits(whole)? + digits(fraction)? / scale)
}

/// A run of ASCII digits ("042") as a number; `None` for anything else, including "".
fn whole_number(text: &str) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    text.bytes().try_fold(0.0, |n, b| b.is_ascii_digit().then(|| n * 10.0 + f64::from(b - b'0')))
}

/// Exponential backoff before retry number `retry` (1 for the first), `jitter` in [0, 1).
pub fn backoff_ms(retry: u32, jitter: f64) -> f64 {
    let doublings = retry.saturating_sub(1).min(16);
    let base = (INITIAL_DELAY_MS * f64::from(1u32 << doublings)).min(MAX_DELAY_MS);
    base * (1.0 - 0.25 * jitter)
}

/// Milliseconds since the Unix epoch of an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT"),
/// the only date format HTTP senders may generate.
pub fn http_date_ms(text: &str) -> Option<f64> {
    let mut parts = ascii::split(text, b' ').filter(|part| !part.is_empty());
    parts.next()?; // the weekday adds nothing
    let number = |text: &str| whole_number(text).map(|n| n as i64);
    let day = number(parts.next()?)?;
    let month = parts.next()?;
    let year = number(parts.next()?)?;
    let mut clock = ascii::split(parts.next()?, b':').map(number);
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    if parts.next()? != "GMT" {
        return None;
    }
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + hour * 3_600 + minute * 60 + second) * 1000) as f64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdk_statuses_are_retried_and_others_are_not() {
        for status in [408, 409, 429, 500, 502, 503, 504] {
            assert!(should_retry_status(status, None), "{status}");
        }
        for status in [400, 401, 403, 404, 422] {
            assert!(!should_retry_status(status, None), "{status}");
        }
    }

    #[test]
    fn x_should_retry_overrides_the_status() {
        assert!(!should_retry_status(503, Some("false")));
        assert!(should_retry_status(400, Some("true")));
        assert!(should_retry_status(503, Some("maybe")));
    }

    #[test]
    fn retry_after_ms_wins_then_seconds_then_dates() {
        assert_eq!(server_delay_ms(Some("1500"), Some("9"), 0.0), Some(1500.0));
        assert_eq!(server_delay_ms(None, Some("2"), 0.0), Some(2000.0));
        assert_eq!(server_delay_ms(None, Some("0.25"), 0.0), Some(250.0));
        let now = http_date_ms("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(server_delay_ms(None, Some("Wed, 21 Oct 2015 07:28:03 GMT"), now), Some(3000.0));
    }

    #[test]
    fn waits_of_a_minute_or_more_and_garbage_fall_back_to_backoff() {
        assert_eq!(server_delay_ms(Some("60000"), None, 0.0), None);
        assert_eq!(server_delay_ms(None, Some("61"), 0.0), None);
        assert_eq!(server_delay_ms(None, Some("-1"), 0.0), None);
        assert_eq!(server_delay_ms(None, Some("soon"), 0.0), None);
        assert_eq!(server_delay_ms(Some("x"), None, 0.0), None);
        assert_eq!(server_delay_ms(Some("."), None, 0.0), None);
        assert_eq!(server_delay_ms(Some("1e3"), None, 0.0), None);
    }

    #[test]
    fn backoff_doubles_from_half_a_second_to_eight_with_up_to_a_quarter_off() {
        assert_eq!(backoff_ms(1, 0.0), 500.0);
        assert_eq!(backoff_ms(2, 0.0), 1000.0);
        assert_eq!(backoff_ms(5, 0.0), 8000.0);
        assert_eq!(backoff_ms(30, 0.0), 8000.0);
        assert_eq!(backoff_ms(1, 0.999_999), 500.0 * (1.0 - 0.25 * 0.999_999));
    }

    #[test]
    fn http_dates_parse_to_epoch_milliseconds() {
        assert_eq!(http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
        assert_eq!(http_date_ms("Wed, 21 Oct 2015 07:28:00 GMT"), Some(1_445_412_480_000.0));
        assert_eq!(http_date_ms("Sat, 29 Feb 2020 12:00:00 GMT"), Some(1_582_977_600_000.0));
        assert_eq!(http_date_ms("21 Oct 2015"), None);
        assert_eq!(http_date_ms("Wed, 21 Foo 2015 07:28:00 GMT"), None);
    }
}

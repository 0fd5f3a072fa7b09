//! The retry policy of the official SDKs, as pure functions of a failure and its headers.
//!
//! Retried: connection errors, timeouts, 408, 409, 429 and ≥ 500, up to `maxRetries` times;
//! `x-should-retry: true|false` overrides. The wait is the server's `retry-after-ms`, else its
//! `retry-after` (seconds or an HTTP date), when under 60 s; otherwise exponential backoff:
//! 0.5 s doubling, capped at 8 s, minus up to 25 % jitter.

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
/// Both are whole numbers, as HTTP's `delay-seconds` is (RFC 9110 §10.2.3). `http_date_ms`
/// reads an HTTP date as milliseconds since the epoch (NaN when it is not one): the client
/// passes `js_sys::Date::parse`, which knows every date form HTTP allows.
pub fn server_delay_ms(
    retry_after_ms: Option<&str>,
    retry_after: Option<&str>,
    now_ms: f64,
    http_date_ms: impl Fn(&str) -> f64,
) -> Option<f64> {
    let usable = |ms: f64| (0.0..MAX_RETRY_AFTER_MS).contains(&ms).then_some(ms);
    // Whole numbers only: parsing them as u32 keeps std's float parser (and its 10 KB of
    // tables) out of the download.
    let whole = |text: &str| text.trim().parse::<u32>().ok().map(f64::from);
    if let Some(ms) = retry_after_ms.and_then(whole).and_then(usable) {
        return Some(ms);
    }
    let retry_after = retry_after?;
    match whole(retry_after) {
        Some(seconds) => usable(seconds * 1000.0),
        None => usable(http_date_ms(retry_after.trim()) - now_ms),
    }
}

/// Exponential backoff before retry number `retry` (1 for the first), `jitter` in [0, 1).
pub fn backoff_ms(retry: u32, jitter: f64) -> f64 {
    let doublings = retry.saturating_sub(1).min(16);
    let base = (INITIAL_DELAY_MS * f64::from(1u32 << doublings)).min(MAX_DELAY_MS);
    base * (1.0 - 0.25 * jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stands in for `Date.parse` in native tests: knows one date, as milliseconds.
    fn one_date(text: &str) -> f64 {
        if text == "Wed, 21 Oct 2015 07:28:03 GMT" {
            1_445_412_483_000.0
        } else {
            f64::NAN
        }
    }

    fn delay(retry_after_ms: Option<&str>, retry_after: Option<&str>) -> Option<f64> {
        server_delay_ms(retry_after_ms, retry_after, 0.0, one_date)
    }

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
        assert_eq!(delay(Some("1500"), Some("9")), Some(1500.0));
        assert_eq!(delay(None, Some("2")), Some(2000.0));
        assert_eq!(delay(None, Some(" 3 ")), Some(3000.0));
        let now = 1_445_412_480_000.0;
        let date = Some("Wed, 21 Oct 2015 07:28:03 GMT");
        assert_eq!(server_delay_ms(None, date, now, one_date), Some(3000.0));
    }

    #[test]
    fn waits_of_a_minute_or_more_and_garbage_fall_back_to_backoff() {
        assert_eq!(delay(Some("60000"), None), None);
        assert_eq!(delay(None, Some("61")), None);
        assert_eq!(delay(None, Some("-1")), None);
        assert_eq!(delay(None, Some("soon")), None);
        assert_eq!(delay(Some("x"), None), None);
        assert_eq!(delay(Some("NaN"), None), None);
        assert_eq!(delay(Some("1.5"), None), None, "not a whole number");
        let past =
            server_delay_ms(None, Some("Wed, 21 Oct 2015 07:28:03 GMT"), 1_445_412_490_000.0, one_date);
        assert_eq!(past, None, "a date in the past");
    }

    #[test]
    fn backoff_doubles_from_half_a_second_to_eight_with_up_to_a_quarter_off() {
        assert_eq!(backoff_ms(1, 0.0), 500.0);
        assert_eq!(backoff_ms(2, 0.0), 1000.0);
        assert_eq!(backoff_ms(5, 0.0), 8000.0);
        assert_eq!(backoff_ms(30, 0.0), 8000.0);
        assert_eq!(backoff_ms(1, 0.999_999), 500.0 * (1.0 - 0.25 * 0.999_999));
    }
}

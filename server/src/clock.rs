//! The wall clock, read in one place: Unix milliseconds, the unit every expiry is kept in
//! (presigned uploads, download links, retention). Durations are measured with `Instant`.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

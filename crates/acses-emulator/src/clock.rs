//! The emulator's notion of "now", injectable so tests can move time instead of sleeping, and the
//! text forms of its clock: the HTTP `Date` header and a clock offset as the CLI takes it.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use time::macros::format_description;
use time::OffsetDateTime;

/// Source of the current time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

/// The real wall clock (UTC).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to. Clones share the same time.
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<OffsetDateTime>>);

impl ManualClock {
    pub fn new(start: OffsetDateTime) -> Self {
        Self(Arc::new(Mutex::new(start)))
    }

    /// Move the clock forward by `by` (saturating at the end of time).
    pub fn advance(&self, by: std::time::Duration) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let by = time::Duration::try_from(by).unwrap_or(time::Duration::MAX);
        *now = now.checked_add(by).unwrap_or(*now);
    }

    pub fn set(&self, to: OffsetDateTime) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ManualClock").field(&self.now()).finish()
    }
}

/// `at` as an HTTP date (`Tue, 01 Dec 2026 04:17:44 GMT`, RFC 9110's IMF-fixdate).
pub fn http_date(at: OffsetDateTime) -> String {
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// A signed clock offset: a whole number with a unit (`ms`, `s`, `m`, `h`), an optional sign, and
/// `0` alone: `-90s`, `+5m`, `250ms`, `1h`.
pub fn parse_offset(text: &str) -> Result<time::Duration, String> {
    let t = text.trim();
    if t == "0" {
        return Ok(time::Duration::ZERO);
    }
    let (negative, rest) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = rest.split_at(digits);
    let wrong = || format!("`{text}` is not an offset like -90s, +5m, 250ms or 1h");
    let n: i64 = number.parse().map_err(|_| wrong())?;
    let n = if negative { -n } else { n };
    let offset = match unit {
        "ms" => time::Duration::milliseconds(n),
        "s" => time::Duration::seconds(n),
        "m" => n
            .checked_mul(60)
            .map(time::Duration::seconds)
            .ok_or_else(wrong)?,
        "h" => n
            .checked_mul(3600)
            .map(time::Duration::seconds)
            .ok_or_else(wrong)?,
        _ => return Err(wrong()),
    };
    Ok(offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use time::macros::datetime;

    #[test]
    fn manual_clock_moves_only_when_told_and_clones_share_time() {
        let clock = ManualClock::new(datetime!(2024-03-29 10:00 UTC));
        let other = clock.clone();
        clock.advance(Duration::from_secs(90));
        assert_eq!(other.now(), datetime!(2024-03-29 10:01:30 UTC));
        other.set(datetime!(2025-01-01 0:00 UTC));
        assert_eq!(clock.now(), datetime!(2025-01-01 0:00 UTC));
    }

    #[test]
    fn http_dates_are_imf_fixdates_in_gmt() {
        let at = datetime!(2024-03-29 10:05:09 +02:00);
        assert_eq!(http_date(at), "Fri, 29 Mar 2024 08:05:09 GMT");
    }

    #[test]
    fn offsets_parse_with_sign_and_unit() {
        assert_eq!(parse_offset("-90s"), Ok(time::Duration::seconds(-90)));
        assert_eq!(parse_offset("+5m"), Ok(time::Duration::minutes(5)));
        assert_eq!(parse_offset("250ms"), Ok(time::Duration::milliseconds(250)));
        assert_eq!(parse_offset("1h"), Ok(time::Duration::hours(1)));
        assert_eq!(parse_offset("0"), Ok(time::Duration::ZERO));
        for wrong in ["", "90", "-s", "5d", "1.5s", "--5s"] {
            assert!(parse_offset(wrong).is_err(), "{wrong}");
        }
    }
}

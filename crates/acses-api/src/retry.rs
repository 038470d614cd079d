//! Automatic retry: the policy as data, and which calls may use it.

use std::time::Duration;

use rand::Rng;

use crate::error::Error;

/// How transient failures are retried, with exponential backoff.
///
/// Which failures count depends on the call:
/// - reads (`list_available_lockers`, `events_history*`, `list_appointments`)
///   retry every transient error: 429 (honouring `Retry-After` up to
///   `retry_after_cap`), 500/502/503/504, connect errors, timeouts;
/// - PIN-issuing calls (`pickup`, `assist_pickup`, `drop_back`) are retried
///   only where the server provably did not act: connect errors (the request
///   was never sent) and 429/503 (refused before processing). A timeout, a
///   connection lost mid-way or a 500/502/504 may come after ACSES created the
///   booking; a retry could issue a second PIN (or another cell), so those go
///   back to the caller, who can ask the person at the kiosk;
/// - `simulate` and `events_handler` change state and are never retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = no retry).
    pub max_retries: u32,
    /// Delay before the first retry; doubles each retry.
    pub base_delay: Duration,
    /// Upper bound of the exponential delay.
    pub max_delay: Duration,
    /// Longest `Retry-After` we wait for. If the server asks for more, we do
    /// not retry (waiting less than asked would just be refused again) and
    /// return the error, whose `retry_after()` tells the caller.
    pub retry_after_cap: Duration,
    /// Randomize each backoff delay to 50–100 % of its value so that kiosks
    /// recovering together do not retry in lockstep.
    pub jitter: bool,
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The delay before retry number `retry` (0-based), ignoring Retry-After.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(31)));
        let d = exp.min(self.max_delay);
        if self.jitter && !d.is_zero() {
            let factor = rand::thread_rng().gen_range(0.5..=1.0);
            d.mul_f64(factor)
        } else {
            d
        }
    }

    /// The delay before retry number `retry` after `err`, or `None` to give up
    /// (out of retries, or a Retry-After beyond the cap).
    pub(crate) fn delay_for(&self, retry: u32, err: &Error) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        match err.retry_after() {
            Some(after) if after > self.retry_after_cap => None,
            // Honour the server's wait, but never retry faster than backoff.
            Some(after) => Some(after.max(self.backoff(retry))),
            None => Some(self.backoff(retry)),
        }
    }
}

impl Default for RetryPolicy {
    /// 3 retries, 250 ms doubling up to 4 s, Retry-After up to 30 s, jitter on.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            retry_after_cap: Duration::from_secs(30),
            jitter: true,
        }
    }
}

/// What a call does on the server, which decides what may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// Reads (`list_available_lockers`, `events_history*`, `list_appointments`):
    /// repeating them is harmless, so every transient error is retried.
    Read,
    /// `pickup`, `assist_pickup`, `drop_back`: each call may create an ACSES
    /// booking and issue a PIN. They are retried only where the server provably
    /// did not act:
    /// - connect errors: the request was never sent;
    /// - 429 and 503: the service refused the request before processing it.
    ///
    /// A timeout, a connection lost mid-way or a 500/502/504 may come after
    /// the booking was created; retrying could issue a second PIN for the same
    /// key (or a different cell), so those are returned to the caller, who can
    /// ask the person at the kiosk.
    PinIssuing,
    /// `events_handler`, `simulate`: they change state and are never retried
    /// automatically.
    NoRetry,
}

impl CallKind {
    pub(crate) fn may_retry(self, err: &Error) -> bool {
        match self {
            CallKind::Read => err.is_transient(),
            CallKind::PinIssuing => matches!(
                err,
                Error::Connect { .. } | Error::RateLimited { .. } | Error::Unavailable { .. }
            ),
            CallKind::NoRetry => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(jitter: bool) -> RetryPolicy {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
            retry_after_cap: Duration::from_secs(2),
            jitter,
        }
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let p = policy(false);
        let got: Vec<u128> = (0..5).map(|i| p.backoff(i).as_millis()).collect();
        assert_eq!(got, [100, 200, 400, 500, 500]);
        assert_eq!(p.backoff(u32::MAX), Duration::from_millis(500));
    }

    #[test]
    fn jitter_stays_within_half_to_full() {
        let p = policy(true);
        for _ in 0..200 {
            let d = p.backoff(2).as_millis();
            assert!((200..=400).contains(&d), "{d}");
        }
    }

    #[test]
    fn retry_after_is_honoured_or_gives_up_beyond_cap() {
        let p = policy(false);
        let limited = |s| Error::from_status("x", 429, Some(Duration::from_secs(s)), b"");
        assert_eq!(p.delay_for(0, &limited(1)), Some(Duration::from_secs(1)));
        assert_eq!(p.delay_for(0, &limited(3)), None);
        let server = Error::from_status("x", 500, None, b"");
        assert_eq!(p.delay_for(1, &server), Some(Duration::from_millis(200)));
        assert_eq!(p.delay_for(5, &server), None);
        assert_eq!(RetryPolicy::none().delay_for(0, &server), None);
    }

    #[test]
    fn pin_calls_retry_only_refusals() {
        let e = |s| Error::from_status("x", s, None, b"");
        assert!(CallKind::PinIssuing.may_retry(&e(429)));
        assert!(CallKind::PinIssuing.may_retry(&e(503)));
        for s in [500, 502, 504, 400, 401] {
            assert!(!CallKind::PinIssuing.may_retry(&e(s)), "{s}");
        }
        let timeout = Error::Timeout {
            endpoint: "x".into(),
        };
        assert!(!CallKind::PinIssuing.may_retry(&timeout));
        assert!(CallKind::Read.may_retry(&timeout));
        assert!(CallKind::Read.may_retry(&e(502)));
        assert!(!CallKind::Read.may_retry(&e(404)));
        assert!(!CallKind::NoRetry.may_retry(&e(503)));
    }
}

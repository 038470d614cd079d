//! How long the watcher waits after failed polls. Pure, so the policy is tested without a clock.

use std::time::Duration;

/// Exponential backoff that honours `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Wait after the first failure; doubles with each further one.
    pub base: Duration,
    /// Upper bound of the doubling.
    pub max: Duration,
    /// The longest `Retry-After` honoured: a server asking for an hour gets this instead, so a
    /// kiosk never goes silent for longer than this after a bad answer.
    pub retry_after_cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            max: Duration::from_secs(60),
            retry_after_cap: Duration::from_secs(300),
        }
    }
}

impl Backoff {
    /// The wait after `failures` consecutive failures (1 = the first). Never shorter than the
    /// `normal` poll period: an error must not make the kiosk poll faster than it would anyway.
    /// Never longer than `ceiling` (the idle poll period) either, unless the server asked for
    /// longer with `Retry-After`: a kiosk polls a failing service no more often than an idle one,
    /// and notices it is back within one idle period.
    pub fn delay(
        &self,
        failures: u32,
        retry_after: Option<Duration>,
        normal: Duration,
        ceiling: Duration,
    ) -> Duration {
        let doublings = failures.saturating_sub(1).min(30);
        let exp = self
            .base
            .saturating_mul(1u32 << doublings)
            .min(self.max)
            .min(ceiling);
        let d = exp.max(normal);
        match retry_after {
            Some(after) => d.max(after.min(self.retry_after_cap)),
            None => d,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn doubles_up_to_the_cap_and_never_below_the_normal_period() {
        let b = Backoff::default();
        let fast = Duration::from_millis(700);
        let idle = S(600);
        let got: Vec<_> = (1..=9).map(|n| b.delay(n, None, fast, idle)).collect();
        assert_eq!(
            got,
            [S(1), S(2), S(4), S(8), S(16), S(32), S(60), S(60), S(60)]
        );
        assert_eq!(b.delay(1, None, S(20), idle), S(20));
        assert_eq!(b.delay(6, None, S(20), idle), S(32));
        assert_eq!(b.delay(u32::MAX, None, fast, idle), S(60));
    }

    #[test]
    fn never_waits_longer_than_the_idle_period_unless_asked() {
        let b = Backoff::default();
        let fast = Duration::from_millis(700);
        let idle = S(20);
        let got: Vec<_> = (1..=8).map(|n| b.delay(n, None, fast, idle)).collect();
        assert_eq!(got, [S(1), S(2), S(4), S(8), S(16), S(20), S(20), S(20)]);
        // Idle polling: the idle period, failing or not.
        assert_eq!(b.delay(7, None, idle, idle), idle);
        // The server's Retry-After still wins (within its cap).
        assert_eq!(b.delay(1, Some(S(45)), fast, idle), S(45));
    }

    #[test]
    fn retry_after_is_honoured_within_its_cap() {
        let b = Backoff::default();
        let fast = Duration::from_millis(700);
        let idle = S(600);
        assert_eq!(b.delay(1, Some(S(7)), fast, idle), S(7));
        assert_eq!(
            b.delay(5, Some(S(7)), fast, idle),
            S(16),
            "backoff wins when longer"
        );
        assert_eq!(b.delay(1, Some(S(3600)), fast, idle), S(300));
    }
}

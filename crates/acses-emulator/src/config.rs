//! Emulator settings.

use std::fmt;
use std::time::Duration;

use rand::distributions::Alphanumeric;
use rand::Rng;

use crate::shape::HistoryShape;

/// Shortest and longest PIN the emulator will generate. Below 4 digits the PIN space is too small
/// to keep live PINs unique; above 12 nobody types it on a keypad.
pub const PIN_LENGTH_RANGE: std::ops::RangeInclusive<usize> = 4..=12;

/// How the emulator behaves. `Default` gives the demo set-up: token `demo-token`, 15-minute bookings,
/// 6-digit PINs, simulate allowed.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// Bearer token every `/v1` request must carry.
    pub token: String,
    /// How long an issued PIN (a BOOKED booking) stays valid before it expires.
    pub booking_ttl: Duration,
    /// Digits in a generated PIN; clamped to [`PIN_LENGTH_RANGE`].
    pub pin_length: usize,
    /// Serve `GET /v1/events/simulate`. The real service only has it in development; when false the
    /// route answers 404 as if it did not exist.
    pub allow_simulate: bool,
    /// How often the background task expires overdue bookings (expiry is also applied lazily on
    /// every request, so this only affects how promptly `expired` events are logged when idle).
    pub sweep_interval: Duration,
    /// Also log a `registered` webhook event when a booking is issued. Off by default: the document
    /// lists `registered` as an event name but does not say when ACSES sends it.
    pub log_registered_events: bool,
    /// The form `/v1/events/history` answers in (order, window, ids, keys, codes, duplicates);
    /// the default is the emulator's own form.
    pub history_shape: HistoryShape,
    /// A new PIN reuses the code of an older, finished booking whose door event is in the
    /// location's history (when one is not live), as the real service may: codes are unique among
    /// live bookings only.
    pub recycle_codes: bool,
    /// The emulator's clock runs this far from the real one (or the injected clock): event dates,
    /// expiry and the HTTP `Date` header all follow it. Negative: the service is behind.
    pub clock_offset: time::Duration,
}

impl EmulatorConfig {
    /// The default configuration with a known token (tests, benches, the CLI's `--token`).
    pub fn with_token(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            ..Self::default()
        }
    }

    /// The default configuration with a freshly generated random token (for demo mode, where the
    /// emulator runs in-process and nobody has to type the token).
    pub fn with_generated_token() -> Self {
        Self {
            token: generate_token(),
            ..Self::default()
        }
    }

    /// PIN length actually used: the configured one clamped to [`PIN_LENGTH_RANGE`].
    pub fn effective_pin_length(&self) -> usize {
        self.pin_length
            .clamp(*PIN_LENGTH_RANGE.start(), *PIN_LENGTH_RANGE.end())
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            token: "demo-token".to_owned(),
            booking_ttl: Duration::from_secs(15 * 60),
            pin_length: 6,
            allow_simulate: true,
            sweep_interval: Duration::from_secs(1),
            log_registered_events: false,
            history_shape: HistoryShape::default(),
            recycle_codes: false,
            clock_offset: time::Duration::ZERO,
        }
    }
}

// The token is a secret: Debug must never print it.
impl fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("token", &"<redacted>")
            .field("booking_ttl", &self.booking_ttl)
            .field("pin_length", &self.pin_length)
            .field("allow_simulate", &self.allow_simulate)
            .field("sweep_interval", &self.sweep_interval)
            .field("log_registered_events", &self.log_registered_events)
            .field("history_shape", &self.history_shape)
            .field("recycle_codes", &self.recycle_codes)
            .field("clock_offset", &self.clock_offset)
            .finish()
    }
}

/// A random 32-character alphanumeric token.
pub fn generate_token() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_token() {
        let config = EmulatorConfig {
            token: "s3cret-token-value".into(),
            ..EmulatorConfig::default()
        };
        let printed = format!("{config:?}");
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(printed.contains("pin_length"));
    }

    #[test]
    fn generated_tokens_differ_and_are_long() {
        let (a, b) = (generate_token(), generate_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert_ne!(EmulatorConfig::with_generated_token().token, "demo-token");
    }

    #[test]
    fn pin_length_is_clamped() {
        let mut config = EmulatorConfig {
            pin_length: 1,
            ..EmulatorConfig::default()
        };
        assert_eq!(config.effective_pin_length(), 4);
        config.pin_length = 50;
        assert_eq!(config.effective_pin_length(), 12);
        config.pin_length = 8;
        assert_eq!(config.effective_pin_length(), 8);
    }
}

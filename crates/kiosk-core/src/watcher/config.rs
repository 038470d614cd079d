//! What the watcher is given: where it reads the history ([`HistorySource`]), how often and with
//! what memory ([`WatcherConfig`]), and the PIN on screen it matches door events against
//! ([`WatchedPin`]).

use std::future::Future;
use std::pin::Pin as StdPin;
use std::sync::Arc;
use std::time::Duration;

use acses_api::{DealerLocationId, Pin, WebhookEvent};
use bytes::Bytes;
use tokio::time::Instant;

use crate::backoff::Backoff;
use crate::payload::{PinAction, PinTicket};
use crate::watch_state::SeenStore;

pub type BoxFuture<'a, T> = StdPin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where the watcher reads the history from: the API client, or a stub in tests.
pub trait HistorySource: Send + Sync + 'static {
    fn fetch_history(
        &self,
        location: DealerLocationId,
    ) -> BoxFuture<'_, Result<Bytes, acses_api::Error>>;
}

impl HistorySource for acses_api::Client {
    fn fetch_history(
        &self,
        location: DealerLocationId,
    ) -> BoxFuture<'_, Result<Bytes, acses_api::Error>> {
        Box::pin(self.events_history_raw(location))
    }
}

/// The watcher's settings.
#[derive(Debug, Clone)]
pub struct WatcherConfig {
    pub location: DealerLocationId,
    /// Poll period while a PIN is watched.
    pub active: Duration,
    /// Poll period otherwise.
    pub idle: Duration,
    pub backoff: Backoff,
    /// How many recent door events are kept for `recent_events`.
    pub recent_capacity: usize,
    /// Where the scanner's memory is kept between runs; `None`: baseline at every start.
    pub store: Option<Arc<dyn SeenStore>>,
}

impl WatcherConfig {
    pub fn new(location: DealerLocationId, active: Duration, idle: Duration) -> Self {
        Self {
            location,
            active,
            idle,
            backoff: Backoff::default(),
            recent_capacity: 200,
            store: None,
        }
    }
}

/// The PIN on screen, as the watcher matches door events against it.
#[derive(Debug, Clone)]
pub struct WatchedPin {
    pub pin: Pin,
    pub action: PinAction,
    pub appointment_id: u64,
    /// When known, only events of this locker match.
    pub locker: Option<String>,
    pub issued_at: String,
    pub expires_at: Option<String>,
    /// When the kiosk stops waiting for this PIN (monotonic clock); `None` = never.
    pub deadline: Option<Instant>,
}

impl WatchedPin {
    /// Whether `e` is a door event of this PIN's booking.
    pub fn matches(&self, e: &WebhookEvent) -> bool {
        let code = e.booking.code.trim();
        if code.is_empty() || code != self.pin.as_str() {
            return false;
        }
        match (&self.locker, e.locker_system_id.as_str()) {
            (Some(want), got) if !got.is_empty() => want == got,
            _ => true,
        }
    }

    /// The ticket as `pin://opened` carries it (no QR).
    pub fn ticket(&self) -> PinTicket {
        PinTicket {
            action: self.action,
            appointment_id: self.appointment_id,
            locker_id: self.locker.clone(),
            pin: Some(self.pin.as_str().to_owned()),
            qr_svg: None,
            issued_at: self.issued_at.clone(),
            expires_at: self.expires_at.clone(),
            no_pin_reason: None,
        }
    }
}

//! What the screens read: the app info, appointments, recent door events and the connection.

use std::sync::Arc;

use crate::appointments::AppointmentView;
use crate::error::KioskError;
use crate::payload::{AppInfo, Connection, ConnectionState, DoorEvent, Mode};
use crate::text;

use super::state::Core;

/// Default and maximum of `recent_events(limit)`.
const RECENT_DEFAULT: usize = 50;
const RECENT_MAX: usize = 200;

pub(super) fn app_info(core: &Core) -> AppInfo {
    let b = core.backend();
    let s = core.effective();
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        mode: b.mode,
        kiosk: s.kiosk_mode,
        dev: s.dev_mode,
        simulate_available: b.mode == Mode::Demo || s.dev_mode,
        location_id: b.location.0,
        location_name: b.location_name.clone(),
        api_base: b.api_base.clone(),
        idle_reset_seconds: s.idle_reset_seconds,
        pin_timeout_seconds: s.pin_timeout_seconds,
        language: s.language,
    }
}

/// Today's appointments, sorted by time.
pub(super) async fn appointments(core: &Core) -> Result<Vec<AppointmentView>, KioskError> {
    let source = Arc::clone(&core.backend().appointments);
    source.list_today().await
}

/// For a number the source does not know, the number alone.
pub(super) async fn appointment(core: &Core, id: u64) -> Result<AppointmentView, KioskError> {
    if id == 0 {
        return Err(KioskError::invalid_input(text::INVALID_APPOINTMENT));
    }
    let source = Arc::clone(&core.backend().appointments);
    source.find(id).await
}

/// Newest first (default 50, at most 200).
pub(super) fn recent_events(core: &Core, limit: Option<usize>) -> Vec<DoorEvent> {
    let limit = limit.unwrap_or(RECENT_DEFAULT).min(RECENT_MAX);
    match &core.backend().watcher {
        Some(w) => w.recent_events(limit),
        None => Vec::new(),
    }
}

pub(super) fn connection(core: &Core) -> Connection {
    let b = core.backend();
    match (&b.watcher, &b.client) {
        (Some(w), _) => w.connection(),
        (None, Err(e)) => Connection {
            state: ConnectionState::Unauthorized,
            code: Some(e.code.to_owned()),
            last_ok_at: None,
            latency_ms: None,
        },
        (None, Ok(_)) => Connection::connecting(),
    }
}

/// Polls now (e.g. after a rejected token was fixed elsewhere).
pub(super) fn retry_connection(core: &Core) {
    if let Some(w) = &core.backend().watcher {
        w.retry_now();
    }
}

//! Issuing PINs: the request to the service (one per action at a time), the ticket with its QR
//! code, and handing the PIN to the door watcher.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use acses_api::{AppointmentId, AppointmentNoteId, DropBackRequest, LockerSystemId, Pin};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::error::KioskError;
use crate::payload::{PinAction, PinRequest, PinTicket};
use crate::qr::pin_qr_svg;
use crate::settings::validate_locker_id;
use crate::text;
use crate::watcher::WatchedPin;

use super::lockers;
use super::state::{lock, Core};

/// Marks an action as in flight; dropping it (also on error or cancellation) frees the action.
struct InFlight<'a> {
    set: &'a Mutex<HashSet<PinAction>>,
    action: PinAction,
}

impl<'a> InFlight<'a> {
    fn take(set: &'a Mutex<HashSet<PinAction>>, action: PinAction) -> Result<Self, KioskError> {
        if !lock(set).insert(action) {
            return Err(KioskError::busy());
        }
        Ok(Self { set, action })
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        lock(self.set).remove(&self.action);
    }
}

fn now_rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// `request_pin`: asks the service for a PIN and, when one comes, renders its QR code and starts
/// watching the doors for it. One request per action at a time (`busy` otherwise).
pub(super) async fn request(core: &Core, request: PinRequest) -> Result<PinTicket, KioskError> {
    if request.appointment_id == 0 {
        return Err(KioskError::invalid_input(text::INVALID_APPOINTMENT));
    }
    if request.note_id == Some(0) {
        return Err(KioskError::invalid_input(text::INVALID_NOTE));
    }
    let locker_id = match request
        .locker_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => Some(
            validate_locker_id(raw)
                .ok_or_else(|| KioskError::invalid_input(text::INVALID_LOCKER))?,
        ),
    };
    let _guard = InFlight::take(&core.in_flight, request.action)?;
    let (b, client) = core.client()?;
    let appointment = AppointmentId(request.appointment_id);

    let (pin, locker_id) = match request.action {
        PinAction::Pickup => (client.pickup(appointment).await?, locker_id),
        PinAction::AssistPickup => (client.assist_pickup(appointment).await?, locker_id),
        PinAction::DropBack => {
            let locker = match locker_id {
                Some(id) => id,
                None => lockers::pick(core).await?,
            };
            let body = DropBackRequest {
                locker_system_id: LockerSystemId(locker.clone()),
                appointment_id: appointment,
                appointment_note_id: request.note_id.map(AppointmentNoteId),
            };
            (client.drop_back(&body).await?, Some(locker))
        }
    };

    let now = OffsetDateTime::now_utc();
    let issued_at = now_rfc3339(now);
    let Some(pin) = pin else {
        tracing::info!(action = ?request.action, appointment = appointment.0, "the service issued no PIN");
        if let Some(w) = &b.watcher {
            w.clear_pin();
        }
        return Ok(PinTicket {
            action: request.action,
            appointment_id: request.appointment_id,
            locker_id,
            pin: None,
            qr_svg: None,
            issued_at,
            expires_at: None,
            no_pin_reason: Some(no_pin_reason(request.action).to_owned()),
        });
    };

    let timeout = Duration::from_secs(u64::from(core.effective().pin_timeout_seconds));
    let expires_at = (timeout > Duration::ZERO).then(|| now_rfc3339(now + timeout));
    let qr_svg = match pin_qr_svg(pin.as_str()) {
        Ok(svg) => Some(svg),
        Err(_) => {
            // The PIN is still shown as digits; only the QR is missing.
            tracing::warn!(
                len = pin.as_str().len(),
                "the PIN cannot be drawn as a QR code"
            );
            None
        }
    };
    if let Some(w) = &b.watcher {
        w.watch_pin(WatchedPin {
            pin: pin.clone(),
            action: request.action,
            appointment_id: request.appointment_id,
            locker: locker_id.clone(),
            issued_at: issued_at.clone(),
            expires_at: expires_at.clone(),
            deadline: (timeout > Duration::ZERO).then(|| Instant::now() + timeout),
        });
    }
    tracing::info!(action = ?request.action, appointment = appointment.0, "PIN issued");
    Ok(PinTicket {
        action: request.action,
        appointment_id: request.appointment_id,
        locker_id,
        pin: Some(pin.into_string()),
        qr_svg,
        issued_at,
        expires_at,
        no_pin_reason: None,
    })
}

/// `cancel_pin`: stop watching the PIN on screen.
pub(super) fn cancel(core: &Core) {
    if let Some(w) = &core.backend().watcher {
        w.clear_pin();
    }
}

/// The PIN being watched.
pub(super) fn watched(core: &Core) -> Option<Pin> {
    core.backend()
        .watcher
        .as_ref()?
        .watched_pin()
        .map(|w| w.pin)
}

/// Why the service answered a PIN request without a PIN (`acses_pin: null`), as a code the UI
/// words: a pickup's keys are not in the locker; a drop back found no free cell.
fn no_pin_reason(action: PinAction) -> &'static str {
    match action {
        PinAction::Pickup | PinAction::AssistPickup => text::NO_PIN_KEYS_OUT,
        PinAction::DropBack => text::NO_PIN_NO_CELL,
    }
}

//! How the core tells the shell what happened: a sink with one method per UI event
//! (docs/ipc.md, "Events"), and the camelCase payloads those events carry.

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::pin::PinTicket;

/// Receives the kiosk's events. The shell implements it by emitting Tauri events; the calls come
/// from the watcher task and must not block.
pub trait EventSink: Send + Sync + 'static {
    /// Every new door event seen in the history (`door://event`).
    fn door_event(&self, e: &DoorEvent);
    /// A door opened with the PIN on screen (`pin://opened`).
    fn pin_opened(&self, p: &PinOpened);
    /// The PIN on screen expired (`pin://expired`).
    fn pin_expired(&self, p: &PinExpired);
    /// The connection state changed, or a poll succeeded (`connection://status`).
    fn connection(&self, c: &Connection);
}

/// The `ObjectStatus` of a door event, as the UI knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DoorAction {
    Dropoff,
    Checkout,
    Expired,
    Registered,
    Unknown,
}

/// One door event (`door://event`, and inside `pin://opened`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoorEvent {
    pub event_id: String,
    /// RFC 3339; null when the service sent no usable date.
    pub at: Option<String>,
    pub locker_id: String,
    pub cell: String,
    /// What happened; the UI words it (`door.<action>`).
    pub action: DoorAction,
    pub booking_name: Option<String>,
    pub matches_pin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinOpened {
    /// The ticket on screen, without its QR.
    pub ticket: PinTicket,
    pub event: DoorEvent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinExpired {
    pub appointment_id: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConnectionState {
    Connecting,
    Ok,
    Offline,
    Unauthorized,
    RateLimited,
    Maintenance,
    Error,
}

/// The link to the locker service as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub state: ConnectionState,
    /// Why the state is not `ok`, as a code of [`crate::text`] (the UI words it).
    pub code: Option<String>,
    pub last_ok_at: Option<String>,
    pub latency_ms: Option<u64>,
}

impl Connection {
    pub fn connecting() -> Self {
        Self {
            state: ConnectionState::Connecting,
            code: None,
            last_ok_at: None,
            latency_ms: None,
        }
    }
}

/// Everything a sink can receive, as one value (for channels and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SinkEvent {
    Door(DoorEvent),
    PinOpened(PinOpened),
    PinExpired(PinExpired),
    Connection(Connection),
}

/// A sink that forwards every event into an unbounded channel (tests, or a shell that prefers to
/// forward from its own task). Sends to a closed channel are dropped.
#[derive(Debug, Clone)]
pub struct ChannelSink {
    tx: mpsc::UnboundedSender<SinkEvent>,
}

impl ChannelSink {
    pub fn new() -> (Self, mpsc::UnboundedReceiver<SinkEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self { tx }, rx)
    }
}

impl EventSink for ChannelSink {
    fn door_event(&self, e: &DoorEvent) {
        let _ = self.tx.send(SinkEvent::Door(e.clone()));
    }
    fn pin_opened(&self, p: &PinOpened) {
        let _ = self.tx.send(SinkEvent::PinOpened(p.clone()));
    }
    fn pin_expired(&self, p: &PinExpired) {
        let _ = self.tx.send(SinkEvent::PinExpired(p.clone()));
    }
    fn connection(&self, c: &Connection) {
        let _ = self.tx.send(SinkEvent::Connection(c.clone()));
    }
}

/// A sink that drops everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NullSink;

impl EventSink for NullSink {
    fn door_event(&self, _: &DoorEvent) {}
    fn pin_opened(&self, _: &PinOpened) {}
    fn pin_expired(&self, _: &PinExpired) {}
    fn connection(&self, _: &Connection) {}
}

impl DoorAction {
    pub fn from_status(s: &acses_api::ObjectStatus) -> Self {
        use acses_api::ObjectStatus as S;
        match s {
            S::Dropoff => DoorAction::Dropoff,
            S::Checkout => DoorAction::Checkout,
            S::Expired => DoorAction::Expired,
            S::Registered => DoorAction::Registered,
            S::Unknown(_) => DoorAction::Unknown,
        }
    }
}

impl DoorEvent {
    /// The UI's view of a webhook event. `id` is the history entry's id.
    pub fn from_webhook(id: &str, e: &acses_api::WebhookEvent, matches_pin: bool) -> Self {
        let action = DoorAction::from_status(&e.event_name);
        let cell = if e.cell_number.is_empty() {
            e.booking.locker_cell_number.as_str()
        } else {
            e.cell_number.as_str()
        };
        let locker = if e.locker_system_id.is_empty() {
            e.booking.locker_system_id.as_str()
        } else {
            e.locker_system_id.as_str()
        };
        DoorEvent {
            event_id: if id.is_empty() {
                e.event_id.as_str().to_owned()
            } else {
                id.to_owned()
            },
            at: e.event_date.as_ref().map(|t| t.to_rfc3339()),
            locker_id: locker.to_owned(),
            cell: cell.to_owned(),
            action,
            booking_name: Some(e.booking.name.trim())
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
            matches_pin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_serialize_in_camel_case() {
        let e = DoorEvent {
            event_id: "e1".into(),
            at: None,
            locker_id: "151".into(),
            cell: "7".into(),
            action: DoorAction::Dropoff,
            booking_name: Some("AB-12-CD".into()),
            matches_pin: true,
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["eventId"], "e1");
        assert_eq!(v["lockerId"], "151");
        assert_eq!(v["action"], "dropoff");
        assert!(v.get("actionText").is_none(), "the UI words the action");
        assert_eq!(v["bookingName"], "AB-12-CD");
        assert_eq!(v["matchesPin"], true);
        let c = Connection {
            state: ConnectionState::RateLimited,
            code: Some(crate::text::RATE_LIMITED.into()),
            last_ok_at: Some("x".into()),
            latency_ms: Some(12),
        };
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["state"], "rateLimited");
        assert_eq!(v["code"], "rateLimited");
        assert_eq!(v["lastOkAt"], "x");
        assert_eq!(v["latencyMs"], 12);
        assert_eq!(
            serde_json::to_value(PinExpired { appointment_id: 4 }).unwrap()["appointmentId"],
            4
        );
    }
}

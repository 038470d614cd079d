//! Every payload the UI receives from the core (docs/ipc.md, "Types" and "Events"): the PIN
//! request and ticket, door events, the connection state, the app info, lockers and the mode.
//! Plain camelCase data with no behaviour beyond its shape, so every other module may use it.

use serde::{Deserialize, Serialize};

use crate::language::Language;

/// Demo: the embedded emulator. Live: a configured service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Demo,
    Live,
}

/// `app_info` (docs/ipc.md `AppInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub mode: Mode,
    pub kiosk: bool,
    pub dev: bool,
    pub simulate_available: bool,
    pub location_id: u64,
    pub location_name: Option<String>,
    pub api_base: String,
    pub idle_reset_seconds: u32,
    pub pin_timeout_seconds: u32,
    pub language: Language,
}

/// `list_lockers` (docs/ipc.md `Locker`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockerView {
    pub id: String,
    pub name: String,
    pub active: bool,
}

/// What the mechanic wants to do at the locker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PinAction {
    Pickup,
    DropBack,
    AssistPickup,
}

/// `request_pin`'s argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinRequest {
    pub action: PinAction,
    pub appointment_id: u64,
    #[serde(default)]
    pub locker_id: Option<String>,
    #[serde(default)]
    pub note_id: Option<u64>,
}

/// What the kiosk shows after a PIN request. `pin` is null when the service issued none, and then
/// `no_pin_reason` says why, as a code of [`crate::text`] (the UI words it).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinTicket {
    pub action: PinAction,
    pub appointment_id: u64,
    pub locker_id: Option<String>,
    pub pin: Option<String>,
    pub qr_svg: Option<String>,
    pub issued_at: String,
    pub expires_at: Option<String>,
    pub no_pin_reason: Option<String>,
}

// PINs are never logged: Debug leaves the PIN and its QR out.
impl std::fmt::Debug for PinTicket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinTicket")
            .field("action", &self.action)
            .field("appointment_id", &self.appointment_id)
            .field("locker_id", &self.locker_id)
            .field("pin", &self.pin.as_ref().map(|_| "<redacted>"))
            .field("qr_svg", &self.qr_svg.as_ref().map(|_| "<svg>"))
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("no_pin_reason", &self.no_pin_reason)
            .finish()
    }
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

/// One door event (`door://event`, `recent_events`, and inside `pin://opened`).
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

/// `pin://opened`: the door of the PIN on screen opened. The one signal for that door event: it
/// is not sent as `door://event` as well, so the feed takes `event` from here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinOpened {
    /// The ticket on screen, without its QR.
    pub ticket: PinTicket,
    pub event: DoorEvent,
}

/// `pin://expired`: the PIN on screen expired (its booking expired, or its time ran out).
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

/// The link to the locker service as the status bar shows it (`connection://status`).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_ticket_use_the_ipc_shapes() {
        let req: PinRequest = serde_json::from_str(
            r#"{"action":"dropBack","appointmentId":7,"lockerId":"151","noteId":3}"#,
        )
        .unwrap();
        assert_eq!(req.action, PinAction::DropBack);
        assert_eq!(req.locker_id.as_deref(), Some("151"));
        let req: PinRequest =
            serde_json::from_str(r#"{"action":"assistPickup","appointmentId":7}"#).unwrap();
        assert_eq!(
            (req.action, req.locker_id, req.note_id),
            (PinAction::AssistPickup, None, None)
        );

        let t = PinTicket {
            action: PinAction::Pickup,
            appointment_id: 7,
            locker_id: None,
            pin: Some("123456".into()),
            qr_svg: Some("<svg/>".into()),
            issued_at: "2026-01-01T10:00:00Z".into(),
            expires_at: None,
            no_pin_reason: None,
        };
        let v = serde_json::to_value(&t).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        for k in [
            "action",
            "appointmentId",
            "lockerId",
            "pin",
            "qrSvg",
            "issuedAt",
            "expiresAt",
            "noPinReason",
        ] {
            assert!(keys.contains(&k.to_string()), "missing {k} in {keys:?}");
        }
        assert_eq!(v["action"], "pickup");
        let dbg = format!("{t:?}");
        assert!(!dbg.contains("123456"), "{dbg}");
    }

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

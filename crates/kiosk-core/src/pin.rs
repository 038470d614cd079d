//! A PIN request from the UI and the ticket the kiosk shows for it (docs/ipc.md).

use serde::{Deserialize, Serialize};

/// What the mechanic wants to do at the locker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PinAction {
    Pickup,
    DropBack,
    AssistPickup,
}

impl PinAction {
    pub const ALL: [PinAction; 3] = [
        PinAction::Pickup,
        PinAction::DropBack,
        PinAction::AssistPickup,
    ];

    /// The `ObjectStatus` a door opened for this action reports: keys come out on a pickup,
    /// go in on a drop back.
    pub fn door_action(self) -> crate::sink::DoorAction {
        match self {
            PinAction::Pickup | PinAction::AssistPickup => crate::sink::DoorAction::Checkout,
            PinAction::DropBack => crate::sink::DoorAction::Dropoff,
        }
    }
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

impl PinTicket {
    /// The ticket as `pin://opened` carries it: without the QR image.
    pub fn without_qr(&self) -> PinTicket {
        PinTicket {
            qr_svg: None,
            ..self.clone()
        }
    }
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
        assert_eq!(t.without_qr().qr_svg, None);
        let dbg = format!("{t:?}");
        assert!(!dbg.contains("123456"), "{dbg}");
    }
}

//! The UI's view of a door event from the history: a webhook event as a [`DoorEvent`].

use crate::payload::{DoorAction, DoorEvent};

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

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
        // The rules (entry id else the event's own, cell and locker else the booking's) live in
        // acses_api::history, shared with the CLI.
        let view = acses_api::history::DoorEvent::new(id, e);
        DoorEvent {
            event_id: view.event_id,
            at: view.at.map(|t| t.to_rfc3339()),
            locker_id: view.locker_id.0,
            cell: view.cell.0,
            action: DoorAction::from_status(&view.action),
            booking_name: view.booking_name,
            matches_pin,
        }
    }
}

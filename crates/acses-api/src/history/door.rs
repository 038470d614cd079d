//! One door event as people see it (which door, what happened, when, for whom), built from a
//! history entry's id and its webhook event. The kiosk's `door://event` payload and the CLI's
//! history lines are both made from this view, so its fallback rules are written once.

use crate::ids::{LockerCellNumber, LockerSystemId};
use crate::models::{ObjectStatus, WebhookEvent};
use crate::timestamp::Timestamp;

/// The id a door event goes by: its history entry's `WebhookEventID`, else (an entry without
/// one) the event's own `tablekey`.
pub fn event_id(entry_id: &str, event: &WebhookEvent) -> String {
    if entry_id.is_empty() {
        event.event_id.as_str().to_owned()
    } else {
        entry_id.to_owned()
    }
}

/// A door event, flattened from a [`WebhookEvent`] with the event's own fields first and its
/// booking's where the event leaves one blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoorEvent {
    /// See [`event_id`].
    pub event_id: String,
    /// When it happened (the event's date); `None` when the service sent no usable date.
    pub at: Option<Timestamp>,
    /// The event's locker system, else its booking's; empty when neither says.
    pub locker_id: LockerSystemId,
    /// The event's cell, else its booking's; empty when neither says.
    pub cell: LockerCellNumber,
    /// What happened at the door (the wire value; unknown text is kept).
    pub action: ObjectStatus,
    /// The booking's name (e.g. a licence plate), trimmed; `None` when blank.
    pub booking_name: Option<String>,
}

impl DoorEvent {
    /// The view of `event`, logged in the history under `entry_id` (empty when the entry has no
    /// id).
    pub fn new(entry_id: &str, event: &WebhookEvent) -> Self {
        let booking = &event.booking;
        DoorEvent {
            event_id: event_id(entry_id, event),
            at: event.event_date,
            locker_id: or_else(&event.locker_system_id, &booking.locker_system_id).clone(),
            cell: or_else(&event.cell_number, &booking.locker_cell_number).clone(),
            action: event.event_name.clone(),
            booking_name: Some(booking.name.trim())
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
        }
    }
}

/// `own`, unless it is blank: then `fallback`.
fn or_else<'a, T: AsRef<str>>(own: &'a T, fallback: &'a T) -> &'a T {
    if own.as_ref().trim().is_empty() {
        fallback
    } else {
        own
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Booking;

    fn event(cell: &str, locker: &str) -> WebhookEvent {
        WebhookEvent {
            event_id: "own".into(),
            locker_system_id: locker.into(),
            cell_number: cell.into(),
            event_name: ObjectStatus::Checkout,
            event_date: Timestamp::parse_lenient("2026-03-01T10:00:00Z"),
            booking: Booking {
                name: "  AB-12-CD ".to_owned(),
                locker_cell_number: "3".into(),
                locker_system_id: "152".into(),
                ..Booking::default()
            },
        }
    }

    #[test]
    fn the_entry_id_wins_and_the_tablekey_stands_in_for_a_missing_one() {
        let e = event("7", "151");
        assert_eq!(DoorEvent::new("h1", &e).event_id, "h1");
        assert_eq!(DoorEvent::new("", &e).event_id, "own");
        assert_eq!(event_id("", &WebhookEvent::default()), "");
    }

    #[test]
    fn the_events_own_cell_and_locker_win_over_the_bookings() {
        let v = DoorEvent::new("h1", &event("7", "151"));
        assert_eq!((v.cell.as_str(), v.locker_id.as_str()), ("7", "151"));
        assert_eq!(v.action, ObjectStatus::Checkout);
        assert_eq!(v.at, Timestamp::parse_lenient("2026-03-01T10:00:00Z"));
        assert_eq!(v.booking_name.as_deref(), Some("AB-12-CD"));
    }

    #[test]
    fn a_blank_cell_or_locker_falls_back_to_the_bookings() {
        for blank in ["", "  "] {
            let v = DoorEvent::new("h1", &event(blank, blank));
            assert_eq!((v.cell.as_str(), v.locker_id.as_str()), ("3", "152"));
        }
        let mut e = event("", "");
        e.booking = Booking::default();
        let v = DoorEvent::new("h1", &e);
        assert_eq!((v.cell.as_str(), v.locker_id.as_str()), ("", ""));
        assert_eq!(v.booking_name, None);
    }
}

//! The webhook rule (`POST /v1/events/handler`): the event ACSES sends for what happened to a
//! booking, and what receiving one does to the world (keys in or out, the booking used or
//! expired) before it is logged in the history.

use time::OffsetDateTime;

use super::{World, LOG_TARGET};
use crate::event::{WebhookBooking, WebhookEvent};
use crate::model::HistoryEntry;
use crate::model::{BookingState, LocationId, ObjectStatus};

/// What the handler did with an event. Both are accepted: ACSES retries a refused webhook, so
/// events for unknown or finished bookings are only logged, and a repeated door event does not
/// move keys twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOutcome {
    /// The event moved a live booking on.
    Applied,
    /// The event names no live booking or no known action: only logged.
    Logged,
}

/// The handler's answer as the history logs it: every event is accepted (routes.rs answers 200
/// with an empty body for both outcomes).
const LOGGED_RESPONSE_STATUS: &str = "200";

impl World {
    /// The webhook event ACSES would send for `name` happening to booking `index`; the booking in
    /// it shows the state after the event.
    pub(super) fn event_for(
        &mut self,
        index: usize,
        name: ObjectStatus,
        at: OffsetDateTime,
    ) -> WebhookEvent {
        let tablekey = self.next_event_tablekey();
        let booking = &self.bookings[index];
        let state = match name {
            ObjectStatus::Registered => BookingState::Booked,
            ObjectStatus::Dropoff | ObjectStatus::Checkout => BookingState::Used,
            ObjectStatus::Expired => BookingState::Expired,
        };
        let cell = booking.cell.and_then(|number| {
            self.locker(&booking.locker_system_id)
                .and_then(|l| l.cell(number))
        });
        let cellnumber = booking.cell.map(|n| n.to_string()).unwrap_or_default();
        let plate = self
            .appointment(booking.appointment_id)
            .map(|a| a.license_plate.clone())
            .unwrap_or_default();
        WebhookEvent {
            tablekey,
            lockersystem: booking.locker_system_id.clone(),
            cellnumber: cellnumber.clone(),
            event_name: name.as_str().to_owned(),
            event_date: at,
            booking: WebhookBooking {
                tablekey: booking.id.clone(),
                name: plate,
                tag: booking.kind.as_str().to_owned(),
                state: state.as_str().to_owned(),
                start_date: booking.start,
                end_date: booking.end,
                code: booking.code.clone(),
                create: booking.created,
                lastaction: name.as_str().to_owned(),
                lockercell: cellnumber,
                lockercell_tablekey: cell.map(|c| c.tablekey.clone()).unwrap_or_default(),
                object_tablekey: booking.appointment_id.to_string(),
                site_tablekey: booking.locker_system_id.clone(),
            },
        }
    }

    pub(super) fn next_event_tablekey(&mut self) -> String {
        let id = self.next_event_id.to_string();
        self.next_event_id += 1;
        id
    }

    /// `POST /v1/events/handler`: applies the event when it refers to a live booking and logs it in
    /// the history (with a generated webhook event id if it has none).
    pub fn receive_event(&mut self, mut event: WebhookEvent, at: OffsetDateTime) -> EventOutcome {
        if event.tablekey.is_empty() {
            event.tablekey = self.next_event_tablekey();
        }
        let location_id = self.event_location(&event);
        let outcome = self.apply_event(&event);
        let sent_content = serde_json::to_string(&event).unwrap_or_default();
        tracing::info!(
            target: LOG_TARGET,
            webhook_event = %event.tablekey,
            event = %event.event_name,
            locker = %event.lockersystem,
            "webhook event logged"
        );
        self.history.push(HistoryEntry {
            location_id,
            webhook_event_id: event.tablekey,
            sent_content,
            response_status: LOGGED_RESPONSE_STATUS.to_owned(),
            response_content: String::new(),
            sent_date: at,
        });
        outcome
    }

    fn event_location(&self, event: &WebhookEvent) -> Option<LocationId> {
        let locker_of_booking = || {
            self.booking(&event.booking.tablekey)
                .map(|b| b.locker_system_id.as_str())
        };
        [
            Some(event.lockersystem.as_str()),
            Some(event.booking.site_tablekey.as_str()),
            locker_of_booking(),
        ]
        .into_iter()
        .flatten()
        .find_map(|id| self.locker(id))
        .map(|l| l.location_id)
    }

    fn apply_event(&mut self, event: &WebhookEvent) -> EventOutcome {
        let by_id = (!event.booking.tablekey.is_empty())
            .then(|| {
                self.bookings
                    .iter()
                    .position(|b| b.id == event.booking.tablekey)
            })
            .flatten();
        let index = by_id.or_else(|| {
            (!event.booking.code.is_empty())
                .then(|| {
                    self.bookings.iter().position(|b| {
                        b.state == BookingState::Booked
                            && b.code == event.booking.code
                            && (event.lockersystem.is_empty()
                                || b.locker_system_id == event.lockersystem)
                    })
                })
                .flatten()
        });
        // Events for unknown or finished bookings are accepted and only logged: ACSES retries
        // webhooks, and a repeated door event must not move keys twice.
        let Some(index) = index.filter(|&i| self.bookings[i].state == BookingState::Booked) else {
            return EventOutcome::Logged;
        };
        let Some(action) = ObjectStatus::parse(&event.event_name) else {
            return EventOutcome::Logged;
        };
        let cell_number = [event.cellnumber.as_str(), event.booking.lockercell.as_str()]
            .into_iter()
            .find_map(|text| text.trim().parse::<u32>().ok());
        let appointment = self.bookings[index].appointment_id;
        let locker_id = self.bookings[index].locker_system_id.clone();
        match action {
            ObjectStatus::Registered => {}
            ObjectStatus::Dropoff => {
                if let Some(number) = cell_number {
                    let free = self
                        .locker(&locker_id)
                        .and_then(|l| l.cell(number))
                        .is_some_and(|c| c.occupant.is_none() || c.occupant == Some(appointment));
                    if free {
                        // put_keys cannot fail here: the cell exists and is free.
                        let _ = self.put_keys(appointment, &locker_id, number);
                        self.bookings[index].cell = Some(number);
                    }
                }
                self.bookings[index].state = BookingState::Used;
            }
            ObjectStatus::Checkout => {
                if let Some(locker) = self.lockers.iter_mut().find(|l| l.id == locker_id) {
                    for cell in &mut locker.cells {
                        if cell.occupant == Some(appointment) {
                            cell.occupant = None;
                        }
                    }
                }
                self.bookings[index].state = BookingState::Used;
            }
            ObjectStatus::Expired => self.bookings[index].state = BookingState::Expired,
        }
        self.bookings[index].last_action = action;
        EventOutcome::Applied
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::datetime;

    use super::*;
    use crate::config::EmulatorConfig;
    use crate::model::{AppointmentId, Pin};

    const NOW: OffsetDateTime = datetime!(2024-06-12 08:00 UTC);
    const KEYS_OUT: AppointmentId = 120302;

    fn event(value: serde_json::Value) -> WebhookEvent {
        serde_json::from_value(value).unwrap()
    }

    /// The demo world with a live drop-off PIN for KEYS_OUT at locker 151.
    fn with_dropoff() -> (World, String, Pin) {
        let mut w = World::demo_at(NOW);
        let pin = w
            .issue_dropoff(KEYS_OUT, "151", None, NOW, &EmulatorConfig::default())
            .unwrap()
            .unwrap();
        let booking = w.bookings[0].id.clone();
        (w, booking, pin)
    }

    #[test]
    fn an_event_for_a_live_booking_moves_it_on_and_is_logged() {
        let (mut w, booking, _) = with_dropoff();
        let outcome = w.receive_event(
            event(
                json!({"tablekey": "e1", "cellnumber": "9", "eventName": "dropoff",
                "booking": {"tablekey": booking}}),
            ),
            NOW,
        );
        assert_eq!(outcome, EventOutcome::Applied);
        let (locker, cell) = w.keys_of(KEYS_OUT).expect("keys in");
        assert_eq!((locker.id.as_str(), cell.number), ("151", 9));
        assert_eq!(w.bookings[0].state, BookingState::Used);
        assert_eq!(w.bookings[0].last_action, ObjectStatus::Dropoff);
        let entry = &w.history[0];
        assert_eq!(entry.webhook_event_id, "e1");
        assert_eq!(entry.location_id, Some(82), "found through the booking");
        assert_eq!(
            (entry.response_status.as_str(), entry.sent_date),
            ("200", NOW)
        );
    }

    #[test]
    fn a_booking_is_found_by_its_code_at_the_named_locker() {
        let (mut w, _, pin) = with_dropoff();
        let elsewhere = json!({"lockersystem": "163", "eventName": "dropoff",
            "booking": {"code": pin.as_str()}});
        assert_eq!(w.receive_event(event(elsewhere), NOW), EventOutcome::Logged);
        assert_eq!(w.bookings[0].state, BookingState::Booked);
        // No top-level cellnumber: the booking's lockercell names the cell.
        let here = json!({"lockersystem": "151", "eventName": "dropoff",
            "booking": {"code": pin.as_str(), "lockercell": 4}});
        assert_eq!(w.receive_event(event(here), NOW), EventOutcome::Applied);
        assert_eq!(w.keys_of(KEYS_OUT).map(|(_, c)| c.number), Some(4));
    }

    #[test]
    fn unknown_finished_or_unnamed_events_are_only_logged() {
        let (mut w, booking, _) = with_dropoff();
        let unknown_action = json!({"eventName": "opened", "booking": {"tablekey": &booking}});
        assert_eq!(
            w.receive_event(event(unknown_action), NOW),
            EventOutcome::Logged
        );
        assert_eq!(w.bookings[0].state, BookingState::Booked);
        let unknown_booking = json!({"eventName": "expired", "booking": {"tablekey": "nope"}});
        assert_eq!(
            w.receive_event(event(unknown_booking), NOW),
            EventOutcome::Logged
        );

        let dropoff = json!({"cellnumber": 2, "eventName": "dropoff",
            "booking": {"tablekey": &booking}});
        assert_eq!(w.receive_event(event(dropoff), NOW), EventOutcome::Applied);
        // ACSES retries: the same event again must not move the keys.
        let retry = json!({"cellnumber": 5, "eventName": "dropoff",
            "booking": {"tablekey": &booking}});
        assert_eq!(w.receive_event(event(retry), NOW), EventOutcome::Logged);
        assert_eq!(w.keys_of(KEYS_OUT).map(|(_, c)| c.number), Some(2));
        assert_eq!(w.history.len(), 4, "every event is logged");
    }

    #[test]
    fn an_event_without_an_id_gets_one_and_an_unknown_locker_shows_nowhere() {
        let mut w = World::demo_at(NOW);
        let outcome = w.receive_event(
            event(json!({"lockersystem": "999", "eventName": "checkout", "booking": {}})),
            NOW,
        );
        assert_eq!(outcome, EventOutcome::Logged);
        assert_eq!(w.history[0].webhook_event_id, "70000001");
        assert_eq!(w.history[0].location_id, None);
        assert_eq!(w.history_at(82).count(), 0);
    }

    #[test]
    fn a_dropoff_into_a_taken_cell_uses_the_booking_but_leaves_the_keys_out() {
        let (mut w, booking, _) = with_dropoff();
        // Cell 3 of locker 151 holds the keys of 120301.
        let taken = json!({"cellnumber": "3", "eventName": "dropoff",
            "booking": {"tablekey": booking}});
        assert_eq!(w.receive_event(event(taken), NOW), EventOutcome::Applied);
        assert!(w.keys_of(KEYS_OUT).is_none());
        assert_eq!(w.keys_of(120301).map(|(_, c)| c.number), Some(3));
        assert_eq!(w.bookings[0].state, BookingState::Used);
    }

    #[test]
    fn the_event_for_a_booking_shows_its_state_after_the_event() {
        let (mut w, booking, pin) = with_dropoff();
        let sent = w.event_for(0, ObjectStatus::Expired, NOW);
        assert_eq!(sent.tablekey, "70000001");
        assert_eq!(sent.event_name, "expired");
        assert_eq!(sent.booking.tablekey, booking);
        assert_eq!(sent.booking.state, "EXPIRED");
        assert_eq!(sent.booking.code, pin);
        assert_eq!(sent.booking.name, "K-482-RT");
        assert_eq!(sent.booking.tag, "drop_back");
        assert_eq!(sent.cellnumber, "", "no cell chosen yet");
        assert_eq!(
            w.bookings[0].state,
            BookingState::Booked,
            "built, not applied"
        );
    }
}

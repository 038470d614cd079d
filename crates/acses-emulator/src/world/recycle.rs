//! Recycled PIN codes: the real service keeps codes unique among live bookings only, so a new
//! booking may get the code of an older, finished one whose door event is still in the history.
//! With `recycle_codes` set the emulator does that on purpose, so a client has to tell the old
//! event from the new one by more than the code.

use super::World;
use crate::event::WebhookEvent;
use crate::model::{ObjectStatus, Pin};

/// How many of a location's newest history entries are searched for a code to reuse: enough to
/// find a door event in any realistic history, few enough that issuing a PIN stays cheap at 1M
/// entries.
const SEARCH: usize = 1_000;

impl World {
    /// The code of the newest door event (checkout or drop-off) at the locker's location whose code
    /// no live booking holds, if any.
    pub(super) fn recycled_code(&self, locker_id: &str) -> Option<Pin> {
        let location = self.locker(locker_id)?.location_id;
        self.history
            .iter()
            .rev()
            .filter(|entry| entry.location_id == Some(location))
            .take(SEARCH)
            .filter_map(|entry| serde_json::from_str::<WebhookEvent>(&entry.sent_content).ok())
            .filter(|event| {
                matches!(
                    ObjectStatus::parse(&event.event_name),
                    Some(ObjectStatus::Checkout | ObjectStatus::Dropoff)
                )
            })
            .map(|event| event.booking.code)
            .find(|code| !code.is_empty() && self.live_booking_by_code(code.as_str()).is_none())
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;
    use time::OffsetDateTime;

    use crate::config::EmulatorConfig;
    use crate::model::{BookingKind, BookingState};
    use crate::world::{DoorOpening, World};

    const NOW: OffsetDateTime = datetime!(2024-06-12 08:00 UTC);

    #[test]
    fn a_recycled_pin_is_the_code_of_the_last_finished_door_event() {
        let config = EmulatorConfig {
            recycle_codes: true,
            ..EmulatorConfig::default()
        };
        let mut w = World::demo_at(NOW);
        assert_eq!(w.recycled_code("151"), None, "no door event yet");
        let first = w
            .issue_checkout(120301, BookingKind::Pickup, NOW, &config)
            .unwrap()
            .unwrap();
        let door = DoorOpening {
            location_id: 82,
            locker_system_id: "151".into(),
            code: first.clone(),
            action: crate::model::ObjectStatus::Checkout,
        };
        w.open_door(&door, NOW).unwrap();
        // The keys are out now: dropping them back gets the code the checkout used.
        let again = w
            .issue_dropoff(120301, "151", None, NOW, &config)
            .unwrap()
            .unwrap();
        assert_eq!(again, first);
        assert_eq!(w.bookings[0].state, BookingState::Used);
        assert_eq!(w.bookings[1].state, BookingState::Booked);
        // Now live, so it is not handed out a second time.
        assert_eq!(w.recycled_code("151"), None);
        let other = w
            .issue_dropoff(120302, "151", None, NOW, &config)
            .unwrap()
            .unwrap();
        assert_ne!(other, first);
    }

    #[test]
    fn seeded_history_codes_are_recycled_and_off_means_fresh_codes() {
        let mut w = World::demo_at(NOW);
        w.seed_history(82, 20, NOW);
        let recycled = w.recycled_code("151").expect("a seeded door event");
        assert!(w
            .history_at(82)
            .any(|e| e.sent_content.contains(recycled.as_str())));
        assert_eq!(w.recycled_code("163"), None, "other location, no history");
    }
}

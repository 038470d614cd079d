//! Seeding past history: realistic webhook events for a location, older than any logged so far,
//! for performance tests of history polling (`acses emulator --history N`, the benches).

use rand::Rng;
use time::OffsetDateTime;

use super::World;
use crate::event::{WebhookBooking, WebhookEvent};
use crate::model::HistoryEntry;
use crate::model::{BookingKind, BookingState, LocationId, ObjectStatus, Pin};

impl World {
    /// Inserts `count` realistic past history entries for a location before any existing ones
    /// (for performance tests of history polling). They belong to no live booking. Returns how many
    /// were added (0 when the location has no locker).
    pub fn seed_history(
        &mut self,
        location: LocationId,
        count: usize,
        now: OffsetDateTime,
    ) -> usize {
        const PLATES: [&str; 10] = [
            "GX-123-B", "K-482-RT", "TN-904-L", "5-XLK-22", "ZR-318-V", "74-HBN-8", "S-615-JD",
            "NB-772-K", "PL-550-F", "1-KTV-49",
        ];
        const NAMES: [ObjectStatus; 5] = [
            ObjectStatus::Dropoff,
            ObjectStatus::Checkout,
            ObjectStatus::Checkout,
            ObjectStatus::Dropoff,
            ObjectStatus::Expired,
        ];
        let Some(locker) = self
            .lockers
            .iter()
            .filter(|l| l.location_id == location)
            .max_by_key(|l| l.active)
            .cloned()
        else {
            return 0;
        };
        let cell_count = u32::try_from(locker.cells.len()).unwrap_or(u32::MAX).max(1);
        let first_existing = self.history.first().map(|h| h.sent_date).unwrap_or(now);
        let mut rng = rand::thread_rng();
        // Walk backwards from just before the oldest entry, a few minutes per event.
        let mut at = first_existing.min(now) - time::Duration::seconds(60);
        let mut seeded = Vec::with_capacity(count);
        for i in 0..count {
            let name = NAMES[i % NAMES.len()];
            let cell_number = rng.gen_range(1..=cell_count);
            let created = at - time::Duration::minutes(rng.gen_range(1..=10));
            let code: String = (0..6)
                .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
                .collect();
            let booking_id = self.next_booking_id.to_string();
            self.next_booking_id += 1;
            let state = if name == ObjectStatus::Expired {
                BookingState::Expired
            } else {
                BookingState::Used
            };
            let cellnumber = if name == ObjectStatus::Expired {
                String::new()
            } else {
                cell_number.to_string()
            };
            let event = WebhookEvent {
                tablekey: self.next_event_tablekey(),
                lockersystem: locker.id.clone(),
                cellnumber: cellnumber.clone(),
                event_name: name.as_str().to_owned(),
                event_date: at,
                booking: WebhookBooking {
                    tablekey: booking_id,
                    name: PLATES[rng.gen_range(0..PLATES.len())].to_owned(),
                    tag: if name == ObjectStatus::Dropoff {
                        BookingKind::DropOff.as_str().to_owned()
                    } else {
                        BookingKind::Pickup.as_str().to_owned()
                    },
                    state: state.as_str().to_owned(),
                    start_date: created,
                    end_date: created + time::Duration::minutes(15),
                    code: Pin::new(code),
                    create: created,
                    lastaction: name.as_str().to_owned(),
                    lockercell: cellnumber.clone(),
                    lockercell_tablekey: if cellnumber.is_empty() {
                        String::new()
                    } else {
                        format!("{}{cell_number:03}", locker.id)
                    },
                    object_tablekey: (100_000 + rng.gen_range(0..900_000u64)).to_string(),
                    site_tablekey: locker.id.clone(),
                },
            };
            seeded.push(HistoryEntry {
                location_id: Some(location),
                webhook_event_id: event.tablekey.clone(),
                sent_content: serde_json::to_string(&event).unwrap_or_default(),
                response_status: "200".to_owned(),
                response_content: String::new(),
                sent_date: at,
            });
            at -= time::Duration::seconds(rng.gen_range(120..=420));
        }
        seeded.reverse();
        self.history.prepend(seeded);
        count
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2024-06-12 08:00 UTC);

    #[test]
    fn seeded_history_comes_before_what_was_logged_and_reads_as_events() {
        let mut w = World::demo_at(NOW);
        w.receive_event(
            serde_json::from_str(r#"{"lockersystem": "151", "eventName": "x", "booking": {}}"#)
                .unwrap(),
            NOW,
        );
        assert_eq!(w.seed_history(82, 7, NOW), 7);
        assert_eq!(w.history.len(), 8);
        assert_eq!(
            w.history[7].webhook_event_id, "70000001",
            "the logged one stays last"
        );
        let dates: Vec<_> = w.history.iter().map(|h| h.sent_date).collect();
        assert!(dates.windows(2).all(|d| d[0] < d[1]), "oldest first");
        for entry in &w.history[..7] {
            assert_eq!(entry.location_id, Some(82));
            let event: WebhookEvent = serde_json::from_str(&entry.sent_content).unwrap();
            assert_eq!(event.lockersystem, "151", "the active locker");
            assert_eq!(event.tablekey, entry.webhook_event_id);
            assert!(ObjectStatus::parse(&event.event_name).is_some());
        }
        // Seeded bookings are all finished: none can be opened.
        assert!(w.bookings.is_empty());
    }

    #[test]
    fn a_location_without_a_locker_gets_no_history() {
        let mut w = World::demo_at(NOW);
        assert_eq!(w.seed_history(99, 5, NOW), 0);
        assert!(w.history.is_empty());
    }
}

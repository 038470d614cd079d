//! The door rule (`simulate`): what ACSES does when a door is opened with a PIN. Every check comes
//! first, so a refused opening changes nothing; an accepted one is delivered as a webhook event.

use time::OffsetDateTime;

use super::{World, WorldError};
use crate::model::{BookingState, LocationId, ObjectStatus, Pin};

/// Validated `simulate` parameters.
#[derive(Debug, Clone)]
pub struct DoorOpening {
    pub location_id: LocationId,
    pub locker_system_id: String,
    pub code: Pin,
    pub action: ObjectStatus,
}

impl World {
    /// `simulate`: plays ACSES when a door is opened with a PIN. Checks everything first, so an
    /// error changes nothing; then delivers the door event to the handler logic.
    pub(crate) fn open_door(
        &mut self,
        door: &DoorOpening,
        now: OffsetDateTime,
    ) -> Result<(), WorldError> {
        let locker = self
            .locker(&door.locker_system_id)
            .ok_or_else(|| WorldError::LockerNotFound(door.locker_system_id.clone()))?;
        if locker.location_id != door.location_id {
            return Err(WorldError::LockerNotAtLocation {
                locker: locker.id.clone(),
                location: door.location_id,
            });
        }
        if !locker.active {
            return Err(WorldError::LockerInactive(locker.id.clone()));
        }
        let index = self
            .bookings
            .iter()
            .position(|b| {
                b.state == BookingState::Booked
                    && b.locker_system_id == locker.id
                    && b.code == door.code
            })
            .ok_or_else(|| WorldError::BookingNotFound {
                locker: locker.id.clone(),
            })?;
        let booking = &self.bookings[index];
        let expected = booking.kind.door_action();
        if expected != door.action {
            return Err(WorldError::WrongAction {
                expected,
                got: door.action,
            });
        }
        let cell = match door.action {
            ObjectStatus::Dropoff => locker
                .cells
                .iter()
                .find(|c| c.occupant.is_none())
                .map(|c| c.number)
                .ok_or_else(|| WorldError::LockerFull(locker.id.clone()))?,
            _ => locker
                .cells
                .iter()
                .find(|c| c.occupant == Some(booking.appointment_id))
                .map(|c| c.number)
                .ok_or_else(|| WorldError::KeysNotInLocker {
                    appointment: booking.appointment_id,
                    locker: locker.id.clone(),
                })?,
        };
        self.bookings[index].cell = Some(cell);
        let event = self.event_for(index, door.action, now);
        self.receive_event(event, now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::config::EmulatorConfig;
    use crate::model::{AppointmentId, BookingKind, BookingState};

    const NOW: OffsetDateTime = datetime!(2024-06-12 08:00 UTC);
    const KEYS_IN: AppointmentId = 120301;
    const KEYS_OUT: AppointmentId = 120302;

    fn door(locker: &str, code: &Pin, action: ObjectStatus) -> DoorOpening {
        DoorOpening {
            location_id: 82,
            locker_system_id: locker.into(),
            code: code.clone(),
            action,
        }
    }

    fn with_pin(appointment: AppointmentId, kind: BookingKind) -> (World, Pin) {
        let mut w = World::demo_at(NOW);
        let config = EmulatorConfig::default();
        let pin = match kind {
            BookingKind::DropOff => w.issue_dropoff(appointment, "151", None, NOW, &config),
            _ => w.issue_checkout(appointment, kind, NOW, &config),
        };
        (w, pin.unwrap().unwrap())
    }

    #[test]
    fn a_checkout_opening_takes_the_keys_out_and_uses_the_booking() {
        let (mut w, pin) = with_pin(KEYS_IN, BookingKind::Pickup);
        w.open_door(&door("151", &pin, ObjectStatus::Checkout), NOW)
            .unwrap();
        assert!(w.keys_of(KEYS_IN).is_none());
        assert_eq!(w.bookings[0].state, BookingState::Used);
        assert_eq!(w.bookings[0].last_action, ObjectStatus::Checkout);
        let logged: Vec<_> = w.history_at(82).collect();
        assert_eq!(logged.len(), 1);
        assert!(logged[0]
            .sent_content
            .contains("\"eventName\":\"checkout\""));
        assert!(logged[0]
            .sent_content
            .contains("\"lockercellTablekey\":\"151003\""));
    }

    #[test]
    fn a_dropoff_opening_puts_the_keys_in_the_first_free_cell() {
        let (mut w, pin) = with_pin(KEYS_OUT, BookingKind::DropOff);
        w.open_door(&door("151", &pin, ObjectStatus::Dropoff), NOW)
            .unwrap();
        let (locker, cell) = w.keys_of(KEYS_OUT).expect("keys in");
        assert_eq!((locker.id.as_str(), cell.number), ("151", 1));
        assert_eq!(w.bookings[0].cell, Some(1));
        assert_eq!(w.bookings[0].state, BookingState::Used);
    }

    #[test]
    fn a_refused_opening_changes_nothing() {
        let (mut w, pin) = with_pin(KEYS_IN, BookingKind::Pickup);
        let before = w.clone();
        let elsewhere = DoorOpening {
            location_id: 83,
            ..door("151", &pin, ObjectStatus::Checkout)
        };
        let cases = [
            (
                door("999", &pin, ObjectStatus::Checkout),
                WorldError::LockerNotFound("999".into()),
            ),
            (
                elsewhere,
                WorldError::LockerNotAtLocation {
                    locker: "151".into(),
                    location: 83,
                },
            ),
            (
                door("152", &pin, ObjectStatus::Checkout),
                WorldError::LockerInactive("152".into()),
            ),
            (
                door("151", &Pin::new("000000x"), ObjectStatus::Checkout),
                WorldError::BookingNotFound {
                    locker: "151".into(),
                },
            ),
            (
                door("151", &pin, ObjectStatus::Dropoff),
                WorldError::WrongAction {
                    expected: ObjectStatus::Checkout,
                    got: ObjectStatus::Dropoff,
                },
            ),
        ];
        for (opening, error) in cases {
            assert_eq!(w.open_door(&opening, NOW), Err(error));
            assert_eq!(w.bookings, before.bookings);
            assert_eq!(w.lockers, before.lockers);
            assert_eq!(w.history, before.history);
        }
    }

    #[test]
    fn a_full_locker_or_missing_keys_refuse_the_opening() {
        let (mut w, pin) = with_pin(KEYS_OUT, BookingKind::DropOff);
        for (n, cell) in w.lockers[0].cells.iter_mut().enumerate() {
            cell.occupant.get_or_insert(900_000 + n as u64);
        }
        let full = w.open_door(&door("151", &pin, ObjectStatus::Dropoff), NOW);
        assert_eq!(full, Err(WorldError::LockerFull("151".into())));

        let (mut w, pin) = with_pin(KEYS_IN, BookingKind::Pickup);
        w.put_keys(KEYS_IN, "163", 5).unwrap();
        let gone = w.open_door(&door("151", &pin, ObjectStatus::Checkout), NOW);
        assert_eq!(
            gone,
            Err(WorldError::KeysNotInLocker {
                appointment: KEYS_IN,
                locker: "151".into()
            })
        );
        assert_eq!(w.bookings[0].state, BookingState::Booked);
    }
}

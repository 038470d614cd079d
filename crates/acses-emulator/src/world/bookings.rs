//! The booking rules: issuing a checkout (`pickup`, `assist_pickup`) or drop-off (`drop_back`)
//! PIN, one live PIN per cell and appointment, and expiring PINs whose end date has passed.

use rand::Rng;
use time::OffsetDateTime;

use super::{World, WorldError, LOG_TARGET};
use crate::config::EmulatorConfig;
use crate::model::{
    Appointment, AppointmentId, Booking, BookingKind, BookingState, ObjectStatus, Pin,
};

impl World {
    fn appointment_or_err(&self, id: AppointmentId) -> Result<&Appointment, WorldError> {
        self.appointment(id)
            .ok_or(WorldError::AppointmentNotFound(id))
    }

    /// `pickup` / `assist_pickup`: a checkout PIN for the cell holding the appointment's keys, the
    /// same one while it is still BOOKED, or None when the keys are not in a locker.
    pub(crate) fn issue_checkout(
        &mut self,
        appointment_id: AppointmentId,
        kind: BookingKind,
        now: OffsetDateTime,
        config: &EmulatorConfig,
    ) -> Result<Option<Pin>, WorldError> {
        self.appointment_or_err(appointment_id)?;
        // One cell, one live PIN: pickup and assist_pickup share a live checkout booking.
        if let Some(live) = self.bookings.iter().find(|b| {
            b.state == BookingState::Booked
                && b.appointment_id == appointment_id
                && b.kind.door_action() == ObjectStatus::Checkout
        }) {
            return Ok(Some(live.code.clone()));
        }
        let Some((locker, cell)) = self.keys_of(appointment_id) else {
            return Ok(None);
        };
        if !locker.active {
            return Err(WorldError::KeysInInactiveLocker(locker.id.clone()));
        }
        let (locker_id, cell_number) = (locker.id.clone(), cell.number);
        let pin = self.new_booking(
            kind,
            appointment_id,
            locker_id,
            Some(cell_number),
            None,
            now,
            config,
        )?;
        Ok(Some(pin))
    }

    /// `drop_back`: a drop-off PIN for the given locker, the same one while it is still BOOKED, or
    /// None when the appointment's keys are already in a locker.
    pub(crate) fn issue_dropoff(
        &mut self,
        appointment_id: AppointmentId,
        locker_id: &str,
        appointment_note_id: Option<u64>,
        now: OffsetDateTime,
        config: &EmulatorConfig,
    ) -> Result<Option<Pin>, WorldError> {
        if locker_id.trim().is_empty() {
            return Err(WorldError::EmptyLockerId);
        }
        let appointment_location = self.appointment_or_err(appointment_id)?.location_id;
        let locker = self
            .locker(locker_id)
            .ok_or_else(|| WorldError::LockerNotFound(locker_id.to_owned()))?;
        if locker.location_id != appointment_location {
            return Err(WorldError::LockerNotAtAppointmentLocation {
                locker: locker_id.to_owned(),
                location: appointment_location,
            });
        }
        if !locker.active {
            return Err(WorldError::LockerInactive(locker_id.to_owned()));
        }
        if self.keys_of(appointment_id).is_some() {
            return Ok(None);
        }
        let live = self.bookings.iter().position(|b| {
            b.state == BookingState::Booked
                && b.appointment_id == appointment_id
                && b.kind == BookingKind::DropOff
        });
        if let Some(index) = live {
            if self.bookings[index].locker_system_id == locker_id {
                return Ok(Some(self.bookings[index].code.clone()));
            }
            // A drop-off at another locker replaces the old one rather than leaving two PINs live.
            self.expire_booking(index, now);
        }
        let pin = self.new_booking(
            BookingKind::DropOff,
            appointment_id,
            locker_id.to_owned(),
            None,
            appointment_note_id,
            now,
            config,
        )?;
        Ok(Some(pin))
    }

    #[allow(clippy::too_many_arguments)]
    fn new_booking(
        &mut self,
        kind: BookingKind,
        appointment_id: AppointmentId,
        locker_system_id: String,
        cell: Option<u32>,
        appointment_note_id: Option<u64>,
        now: OffsetDateTime,
        config: &EmulatorConfig,
    ) -> Result<Pin, WorldError> {
        let recycled = config
            .recycle_codes
            .then(|| self.recycled_code(&locker_system_id))
            .flatten();
        let code = match recycled {
            Some(code) => code,
            None => self.fresh_pin(config.effective_pin_length())?,
        };
        let ttl = time::Duration::try_from(config.booking_ttl).unwrap_or(time::Duration::MAX);
        let id = self.next_booking_id.to_string();
        self.next_booking_id += 1;
        self.bookings.push(Booking {
            id: id.clone(),
            code: code.clone(),
            state: BookingState::Booked,
            kind,
            appointment_id,
            locker_system_id,
            cell,
            created: now,
            start: now,
            end: now.checked_add(ttl).unwrap_or(now),
            last_action: ObjectStatus::Registered,
            appointment_note_id,
        });
        tracing::info!(target: LOG_TARGET, booking = %id, appointment = appointment_id, kind = kind.as_str(), "booking issued");
        if config.log_registered_events {
            let index = self.bookings.len() - 1;
            let event = self.event_for(index, ObjectStatus::Registered, now);
            self.receive_event(event, now);
        }
        Ok(code)
    }

    /// A random numeric PIN not used by any live booking.
    fn fresh_pin(&self, length: usize) -> Result<Pin, WorldError> {
        let mut rng = rand::thread_rng();
        for _ in 0..1_000 {
            let code: String = (0..length)
                .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
                .collect();
            if self.live_booking_by_code(&code).is_none() {
                return Ok(Pin::new(code));
            }
        }
        Err(WorldError::NoFreePin)
    }

    /// Expires every BOOKED booking whose end date has passed, in end-date order, logging an
    /// `expired` event dated at the end date for each. Returns how many expired.
    pub fn expire_due(&mut self, now: OffsetDateTime) -> usize {
        let mut due: Vec<usize> = self
            .bookings
            .iter()
            .enumerate()
            .filter(|(_, b)| b.state == BookingState::Booked && b.end <= now)
            .map(|(i, _)| i)
            .collect();
        due.sort_by_key(|&i| self.bookings[i].end);
        for &index in &due {
            let at = self.bookings[index].end;
            self.expire_booking(index, at);
        }
        due.len()
    }

    fn expire_booking(&mut self, index: usize, at: OffsetDateTime) {
        let event = self.event_for(index, ObjectStatus::Expired, at);
        self.receive_event(event, at);
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::model::LockerSystem;

    const NOW: OffsetDateTime = datetime!(2024-06-12 08:00 UTC);
    /// Keys in cell 3 of locker 151 (location 82).
    const KEYS_IN: AppointmentId = 120301;
    /// Keys not in a locker (location 82).
    const KEYS_OUT: AppointmentId = 120302;

    fn world() -> World {
        World::demo_at(NOW)
    }

    #[test]
    fn a_checkout_pin_opens_the_keys_cell_and_is_shared_while_booked() {
        let (mut w, config) = (world(), EmulatorConfig::default());
        let pin = w
            .issue_checkout(KEYS_IN, BookingKind::Pickup, NOW, &config)
            .unwrap()
            .expect("the keys are in a locker");
        assert_eq!(pin.as_str().len(), 6);
        assert!(pin.as_str().bytes().all(|b| b.is_ascii_digit()));
        let again = w.issue_checkout(KEYS_IN, BookingKind::AssistPickup, NOW, &config);
        assert_eq!(again, Ok(Some(pin.clone())));
        assert_eq!(w.bookings.len(), 1);
        let booking = w.live_booking_by_code(pin.as_str()).unwrap();
        assert_eq!(booking.kind, BookingKind::Pickup);
        assert_eq!(booking.locker_system_id, "151");
        assert_eq!(booking.cell, Some(3));
        assert_eq!(booking.end, NOW + time::Duration::minutes(15));
        assert_eq!(booking.last_action, ObjectStatus::Registered);
        assert!(w.history.is_empty(), "registered events are off by default");
    }

    #[test]
    fn a_checkout_without_keys_in_a_locker_gives_no_pin_and_no_booking() {
        let mut w = world();
        let issued = w.issue_checkout(KEYS_OUT, BookingKind::Pickup, NOW, &Default::default());
        assert_eq!(issued, Ok(None));
        assert!(w.bookings.is_empty());
    }

    #[test]
    fn a_checkout_is_refused_for_an_unknown_appointment_or_an_inactive_locker() {
        let (mut w, config) = (world(), EmulatorConfig::default());
        assert_eq!(
            w.issue_checkout(1, BookingKind::Pickup, NOW, &config),
            Err(WorldError::AppointmentNotFound(1))
        );
        w.put_keys(KEYS_OUT, "152", 1).unwrap();
        let refused = w.issue_checkout(KEYS_OUT, BookingKind::Pickup, NOW, &config);
        assert_eq!(refused, Err(WorldError::KeysInInactiveLocker("152".into())));
        assert!(w.bookings.is_empty());
    }

    #[test]
    fn a_dropoff_pin_is_for_a_locker_and_shared_while_booked() {
        let (mut w, config) = (world(), EmulatorConfig::default());
        let pin = w
            .issue_dropoff(KEYS_OUT, "151", Some(7), NOW, &config)
            .unwrap()
            .unwrap();
        assert_eq!(
            w.issue_dropoff(KEYS_OUT, "151", None, NOW, &config),
            Ok(Some(pin.clone()))
        );
        let booking = w.live_booking_by_code(pin.as_str()).unwrap();
        assert_eq!(booking.kind, BookingKind::DropOff);
        assert_eq!(booking.cell, None, "the cell is chosen at the door");
        assert_eq!(booking.appointment_note_id, Some(7));
        // Keys already in: nothing to drop off.
        assert_eq!(
            w.issue_dropoff(KEYS_IN, "151", None, NOW, &config),
            Ok(None)
        );
    }

    #[test]
    fn a_dropoff_at_another_locker_expires_the_live_one() {
        let (mut w, config) = (world(), EmulatorConfig::default());
        w.lockers
            .push(LockerSystem::new("153", "Extra", 82, 4, true));
        let first = w
            .issue_dropoff(KEYS_OUT, "151", None, NOW, &config)
            .unwrap()
            .unwrap();
        let second = w
            .issue_dropoff(KEYS_OUT, "153", None, NOW, &config)
            .unwrap()
            .unwrap();
        assert_ne!(first, second);
        assert_eq!(w.bookings[0].state, BookingState::Expired);
        assert_eq!(w.bookings[1].state, BookingState::Booked);
        assert_eq!(w.history.len(), 1, "the replaced booking's expired event");
        assert!(w.history[0]
            .sent_content
            .contains("\"eventName\":\"expired\""));
    }

    #[test]
    fn a_dropoff_is_refused_at_a_wrong_missing_or_inactive_locker() {
        let (mut w, config) = (world(), EmulatorConfig::default());
        let mut drop_at = |locker: &str| w.issue_dropoff(KEYS_OUT, locker, None, NOW, &config);
        assert_eq!(drop_at(" "), Err(WorldError::EmptyLockerId));
        assert_eq!(
            drop_at("999"),
            Err(WorldError::LockerNotFound("999".into()))
        );
        assert_eq!(
            drop_at("163"),
            Err(WorldError::LockerNotAtAppointmentLocation {
                locker: "163".into(),
                location: 82
            })
        );
        assert_eq!(
            drop_at("152"),
            Err(WorldError::LockerInactive("152".into()))
        );
        assert_eq!(
            w.issue_dropoff(1, "151", None, NOW, &config),
            Err(WorldError::AppointmentNotFound(1))
        );
        assert!(w.bookings.is_empty());
    }

    #[test]
    fn pins_expire_at_their_end_date_in_end_date_order() {
        let (mut w, config) = (world(), EmulatorConfig::default());
        let later = NOW + time::Duration::minutes(5);
        w.issue_dropoff(KEYS_OUT, "151", None, later, &config)
            .unwrap();
        w.issue_checkout(KEYS_IN, BookingKind::Pickup, NOW, &config)
            .unwrap();
        assert_eq!(w.expire_due(NOW + time::Duration::minutes(14)), 0);
        assert_eq!(w.expire_due(NOW + time::Duration::hours(1)), 2);
        assert!(w
            .bookings
            .iter()
            .all(|b| b.state == BookingState::Expired && b.last_action == ObjectStatus::Expired));
        let dates: Vec<_> = w.history.iter().map(|h| h.sent_date).collect();
        assert_eq!(
            dates,
            [
                NOW + time::Duration::minutes(15),
                later + time::Duration::minutes(15)
            ]
        );
        assert_eq!(w.expire_due(NOW + time::Duration::hours(2)), 0);
    }

    #[test]
    fn the_config_sets_pin_length_ttl_and_registered_events() {
        let config = EmulatorConfig {
            pin_length: 8,
            booking_ttl: std::time::Duration::from_secs(60),
            log_registered_events: true,
            ..EmulatorConfig::default()
        };
        let mut w = world();
        let pin = w
            .issue_checkout(KEYS_IN, BookingKind::Pickup, NOW, &config)
            .unwrap()
            .unwrap();
        assert_eq!(pin.as_str().len(), 8);
        assert_eq!(w.bookings[0].end, NOW + time::Duration::minutes(1));
        assert_eq!(w.history.len(), 1);
        assert!(w.history[0]
            .sent_content
            .contains("\"eventName\":\"registered\""));
        assert_eq!(w.bookings[0].state, BookingState::Booked);
    }
}

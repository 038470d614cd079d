//! The emulated ACSES/Claire world: the [`World`] and its lookups. Every rule that changes it has
//! its own file: issuing and expiring bookings (`bookings`), opening doors (`doors`), receiving
//! webhook events (`webhooks`), seeding past history (`seed`) and reusing old PIN codes
//! (`recycle`).
//!
//! All methods are synchronous and take "now" as an argument: the state module calls them with its
//! lock held and never across an `.await`. They answer domain results ([`WorldError`]); the routes
//! decide what HTTP status each one is.

mod bookings;
mod doors;
mod recycle;
mod seed;
mod webhooks;

use std::fmt;

use crate::history::History;
use crate::model::HistoryEntry;
use crate::model::{
    Appointment, AppointmentId, Booking, BookingState, Cell, Location, LocationId, LockerSystem,
    ObjectStatus,
};

pub use doors::DoorOpening;
pub use webhooks::EventOutcome;

/// First generated booking id (ids are opaque numeric strings).
const FIRST_BOOKING_ID: u64 = 40_000_001;
/// First generated webhook event id.
const FIRST_EVENT_ID: u64 = 70_000_001;

/// The tracing target of the world's own log lines (bookings issued, webhook events logged): the
/// CLI's default log filter and docs/cli.md name it, so it stays the same across the files.
const LOG_TARGET: &str = "acses_emulator::world";

/// Everything the emulator knows. Fields are public so tests and embedders can build and inspect
/// worlds; the HTTP routes only change it through the rule methods (see the module docs).
#[derive(Debug, Clone)]
pub struct World {
    pub locations: Vec<Location>,
    pub lockers: Vec<LockerSystem>,
    pub appointments: Vec<Appointment>,
    pub bookings: Vec<Booking>,
    /// Oldest first, across all locations (reads like a `Vec`; keeps each entry's JSON).
    pub history: History,
    /// Shared by bookings and seeded history, so every booking id is unique.
    next_booking_id: u64,
    /// Shared by every logged event (door, expiry, handler, seed).
    next_event_id: u64,
}

impl Default for World {
    fn default() -> Self {
        Self::empty()
    }
}

impl World {
    /// A world with nothing in it.
    pub fn empty() -> Self {
        Self {
            locations: Vec::new(),
            lockers: Vec::new(),
            appointments: Vec::new(),
            bookings: Vec::new(),
            history: History::new(),
            next_booking_id: FIRST_BOOKING_ID,
            next_event_id: FIRST_EVENT_ID,
        }
    }

    pub fn location(&self, id: LocationId) -> Option<&Location> {
        self.locations.iter().find(|l| l.id == id)
    }

    pub fn locker(&self, id: &str) -> Option<&LockerSystem> {
        self.lockers.iter().find(|l| l.id == id)
    }

    pub fn appointment(&self, id: AppointmentId) -> Option<&Appointment> {
        self.appointments.iter().find(|a| a.id == id)
    }

    /// The locker and cell holding an appointment's keys.
    pub fn keys_of(&self, appointment: AppointmentId) -> Option<(&LockerSystem, &Cell)> {
        self.lockers.iter().find_map(|locker| {
            locker
                .cells
                .iter()
                .find(|c| c.occupant == Some(appointment))
                .map(|cell| (locker, cell))
        })
    }

    /// The booking (any state) with this id.
    pub fn booking(&self, id: &str) -> Option<&Booking> {
        self.bookings.iter().find(|b| b.id == id)
    }

    /// The live (BOOKED) booking with this PIN, if any.
    pub fn live_booking_by_code(&self, code: &str) -> Option<&Booking> {
        self.bookings
            .iter()
            .find(|b| b.state == BookingState::Booked && b.code.as_str() == code)
    }

    /// History entries shown for a location, oldest first.
    pub fn history_at(&self, location: LocationId) -> impl Iterator<Item = &HistoryEntry> {
        self.history
            .iter()
            .filter(move |h| h.location_id == Some(location))
    }

    /// Puts an appointment's keys in a cell (for building worlds). Fails if the locker or cell does
    /// not exist or the cell is taken.
    pub fn put_keys(
        &mut self,
        appointment: AppointmentId,
        locker_id: &str,
        cell_number: u32,
    ) -> Result<(), String> {
        self.clear_keys(appointment);
        let locker = self
            .lockers
            .iter_mut()
            .find(|l| l.id == locker_id)
            .ok_or_else(|| format!("no locker {locker_id}"))?;
        let cell = locker
            .cells
            .iter_mut()
            .find(|c| c.number == cell_number)
            .ok_or_else(|| format!("locker {locker_id} has no cell {cell_number}"))?;
        match cell.occupant {
            Some(other) if other != appointment => Err(format!(
                "cell {cell_number} of locker {locker_id} holds the keys of {other}"
            )),
            _ => {
                cell.occupant = Some(appointment);
                Ok(())
            }
        }
    }

    fn clear_keys(&mut self, appointment: AppointmentId) {
        for cell in self.lockers.iter_mut().flat_map(|l| l.cells.iter_mut()) {
            if cell.occupant == Some(appointment) {
                cell.occupant = None;
            }
        }
    }
}

/// Why the world refused a request. Each names what was wrong; `Display` is the message the API
/// answers, and the routes pick the status and error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorldError {
    AppointmentNotFound(AppointmentId),
    LockerNotFound(String),
    /// `drop_back` with an empty locker id.
    EmptyLockerId,
    /// `drop_back` at a locker of another location than the appointment's.
    LockerNotAtAppointmentLocation {
        locker: String,
        location: LocationId,
    },
    /// A door opening at a locker of another location than the one given.
    LockerNotAtLocation {
        locker: String,
        location: LocationId,
    },
    /// A pickup whose keys are in a locker that is not active.
    KeysInInactiveLocker(String),
    LockerInactive(String),
    /// No BOOKED booking with the code at the locker.
    BookingNotFound {
        locker: String,
    },
    /// The code is for the other door action.
    WrongAction {
        expected: ObjectStatus,
        got: ObjectStatus,
    },
    /// A drop-off door opening at a locker with no free cell.
    LockerFull(String),
    /// A checkout door opening at a locker that does not hold the appointment's keys.
    KeysNotInLocker {
        appointment: AppointmentId,
        locker: String,
    },
    /// Every PIN tried was already live.
    NoFreePin,
}

impl fmt::Display for WorldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AppointmentNotFound(id) => write!(f, "no appointment {id}"),
            Self::LockerNotFound(locker) => write!(f, "no locker system {locker}"),
            Self::EmptyLockerId => f.write_str("locker_system_id must not be empty"),
            Self::LockerNotAtAppointmentLocation { locker, location } => write!(
                f,
                "locker system {locker} is not at the appointment's location {location}"
            ),
            Self::LockerNotAtLocation { locker, location } => {
                write!(f, "locker system {locker} is not at location {location}")
            }
            Self::KeysInInactiveLocker(locker) => {
                write!(f, "the keys are in locker {locker}, which is not active")
            }
            Self::LockerInactive(locker) => write!(f, "locker system {locker} is not active"),
            Self::BookingNotFound { locker } => write!(
                f,
                "no booked booking with that code at locker system {locker}"
            ),
            Self::WrongAction { expected, got } => write!(
                f,
                "that code is for {}, not {}",
                expected.as_str(),
                got.as_str()
            ),
            Self::LockerFull(locker) => write!(f, "locker system {locker} has no free cell"),
            Self::KeysNotInLocker {
                appointment,
                locker,
            } => write!(
                f,
                "the keys of appointment {appointment} are not in locker system {locker}"
            ),
            Self::NoFreePin => f.write_str("no unused PIN could be found; try again later"),
        }
    }
}

impl std::error::Error for WorldError {}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::model::{BookingKind, Pin};

    fn world() -> World {
        World::demo_at(datetime!(2024-06-12 08:00 UTC))
    }

    #[test]
    fn put_keys_moves_the_keys_and_refuses_a_taken_or_missing_cell() {
        let mut w = world();
        w.put_keys(120301, "151", 10).unwrap();
        let (locker, cell) = w.keys_of(120301).unwrap();
        assert_eq!((locker.id.as_str(), cell.number), ("151", 10));
        assert_eq!(w.locker("151").unwrap().cell(3).unwrap().occupant, None);
        assert!(w
            .put_keys(120302, "151", 10)
            .unwrap_err()
            .contains("120301"));
        assert!(w.put_keys(120302, "999", 1).is_err());
        assert!(w.put_keys(120302, "151", 99).is_err());
        assert!(w.keys_of(120302).is_none());
    }

    #[test]
    fn lookups_find_live_bookings_by_code_only() {
        let mut w = world();
        assert_eq!(w.location(82).unwrap().name, "Visser Werkplaats");
        assert!(w.appointment(120301).is_some() && w.appointment(1).is_none());
        let at = w.appointments[0].planned_at;
        w.bookings.push(Booking {
            id: "b1".into(),
            code: Pin::new("123456"),
            state: BookingState::Used,
            kind: BookingKind::Pickup,
            appointment_id: 120301,
            locker_system_id: "151".into(),
            cell: Some(3),
            created: at,
            start: at,
            end: at,
            last_action: ObjectStatus::Checkout,
            appointment_note_id: None,
        });
        assert!(w.booking("b1").is_some());
        assert!(
            w.live_booking_by_code("123456").is_none(),
            "used is not live"
        );
        w.bookings[0].state = BookingState::Booked;
        assert_eq!(w.live_booking_by_code("123456").unwrap().id, "b1");
    }

    #[test]
    fn refusals_read_as_the_api_messages() {
        let wrong = WorldError::WrongAction {
            expected: ObjectStatus::Checkout,
            got: ObjectStatus::Dropoff,
        };
        assert_eq!(wrong.to_string(), "that code is for checkout, not dropoff");
        assert_eq!(
            WorldError::KeysInInactiveLocker("152".into()).to_string(),
            "the keys are in locker 152, which is not active"
        );
        assert_eq!(
            WorldError::LockerNotAtAppointmentLocation {
                locker: "163".into(),
                location: 82
            }
            .to_string(),
            "locker system 163 is not at the appointment's location 82"
        );
    }
}

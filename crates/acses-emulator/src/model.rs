//! The emulated world's data: locations, lockers and their cells, appointments, bookings and
//! their PINs, and the document's state and event names. Plain data; the rules that change it
//! live in `world/`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;

use crate::lenient::lenient_string;

pub type LocationId = u64;
pub type AppointmentId = u64;

/// A locker PIN (a booking's `code`). Debug never shows it.
#[derive(Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Pin(String);

impl Pin {
    pub fn new(code: impl Into<String>) -> Self {
        Self(code.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

impl<'de> Deserialize<'de> for Pin {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        lenient_string(deserializer).map(Pin)
    }
}

/// A dealer location (a Claire `DealerLocationID`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub id: LocationId,
    pub name: String,
}

/// One cell of a locker; `occupant` is the appointment whose keys are in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub number: u32,
    pub tablekey: String,
    pub occupant: Option<AppointmentId>,
}

/// An ACSES locker system (a cabinet of cells) at one location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockerSystem {
    pub id: String,
    pub name: String,
    pub active: bool,
    pub location_id: LocationId,
    pub cells: Vec<Cell>,
}

impl LockerSystem {
    /// A locker with `cell_count` empty cells numbered from 1.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        location_id: LocationId,
        cell_count: u32,
        active: bool,
    ) -> Self {
        let id = id.into();
        let cells = (1..=cell_count)
            .map(|number| Cell {
                number,
                tablekey: format!("{id}{number:03}"),
                occupant: None,
            })
            .collect();
        Self {
            id,
            name: name.into(),
            active,
            location_id,
            cells,
        }
    }

    pub fn cell(&self, number: u32) -> Option<&Cell> {
        self.cells.iter().find(|c| c.number == number)
    }

    pub fn free_cells(&self) -> usize {
        self.cells.iter().filter(|c| c.occupant.is_none()).count()
    }
}

/// A workshop appointment (a car whose keys may be in a locker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: AppointmentId,
    pub location_id: LocationId,
    pub license_plate: String,
    pub customer_name: String,
    pub car: String,
    pub planned_at: OffsetDateTime,
}

/// `BookingState` from the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookingState {
    Booked,
    Used,
    Expired,
}

impl BookingState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "BOOKED",
            Self::Used => "USED",
            Self::Expired => "EXPIRED",
        }
    }
}

/// Which endpoint issued a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookingKind {
    Pickup,
    AssistPickup,
    DropOff,
}

impl BookingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pickup => "pickup",
            Self::AssistPickup => "assist_pickup",
            Self::DropOff => "drop_back",
        }
    }

    /// The door action that uses a booking of this kind.
    pub fn door_action(self) -> ObjectStatus {
        match self {
            Self::Pickup | Self::AssistPickup => ObjectStatus::Checkout,
            Self::DropOff => ObjectStatus::Dropoff,
        }
    }
}

/// `ObjectStatus` from the document (also the webhook `eventName`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectStatus {
    Registered,
    Dropoff,
    Checkout,
    Expired,
}

impl ObjectStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Dropoff => "dropoff",
            Self::Checkout => "checkout",
            Self::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "registered" => Some(Self::Registered),
            "dropoff" => Some(Self::Dropoff),
            "checkout" => Some(Self::Checkout),
            "expired" => Some(Self::Expired),
            _ => None,
        }
    }
}

/// An ACSES booking: one PIN that opens one cell once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: String,
    pub code: Pin,
    pub state: BookingState,
    pub kind: BookingKind,
    pub appointment_id: AppointmentId,
    pub locker_system_id: String,
    /// The cell the PIN opens: known at issue time for a checkout, chosen at the door for a drop-off.
    pub cell: Option<u32>,
    pub created: OffsetDateTime,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub last_action: ObjectStatus,
    pub appointment_note_id: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_locker_has_empty_cells_numbered_from_one_with_their_tablekeys() {
        let locker = LockerSystem::new("151", "Werkplaats", 82, 3, true);
        assert_eq!(locker.free_cells(), 3);
        let cell = locker.cell(3).unwrap();
        assert_eq!(cell.tablekey, "151003");
        assert_eq!(cell.occupant, None);
        assert!(locker.cell(0).is_none() && locker.cell(4).is_none());
    }

    #[test]
    fn booking_kinds_open_the_door_for_their_action() {
        assert_eq!(BookingKind::Pickup.door_action(), ObjectStatus::Checkout);
        assert_eq!(
            BookingKind::AssistPickup.door_action(),
            ObjectStatus::Checkout
        );
        assert_eq!(BookingKind::DropOff.door_action(), ObjectStatus::Dropoff);
        assert_eq!(BookingKind::DropOff.as_str(), "drop_back");
    }

    #[test]
    fn object_status_names_read_back() {
        for status in [
            ObjectStatus::Registered,
            ObjectStatus::Dropoff,
            ObjectStatus::Checkout,
            ObjectStatus::Expired,
        ] {
            assert_eq!(ObjectStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ObjectStatus::parse("Dropoff"), None);
        assert_eq!(BookingState::Booked.as_str(), "BOOKED");
    }

    #[test]
    fn pin_debug_is_redacted_and_numbers_parse_as_text() {
        let pin: Pin = serde_json::from_str("123456").unwrap();
        assert_eq!(pin.as_str(), "123456");
        assert_eq!(format!("{pin:?}"), "Pin(<redacted>)");
    }
}

/// One webhook delivery as `/v1/events/history` reports it.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// The location whose history shows this entry (None: shown nowhere).
    #[serde(skip)]
    pub location_id: Option<LocationId>,
    pub webhook_event_id: String,
    pub sent_content: String,
    pub response_status: String,
    pub response_content: String,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_date: OffsetDateTime,
}

// sent_content carries the booking code (a PIN): Debug prints only its size.
impl fmt::Debug for HistoryEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HistoryEntry")
            .field("location_id", &self.location_id)
            .field("webhook_event_id", &self.webhook_event_id)
            .field(
                "sent_content",
                &format_args!("<{} bytes>", self.sent_content.len()),
            )
            .field("response_status", &self.response_status)
            .field("response_content", &self.response_content)
            .field("sent_date", &self.sent_date)
            .finish()
    }
}

//! The server's own wire format: request bodies, response bodies, the JSON views of the world
//! (lockers, appointments) and, re-exported, the webhook event.
//!
//! Responses are snake_case (our documented assumption about the real service). Request parsing
//! follows what a Go server does: unknown fields are ignored, integers must be integers. The webhook
//! event (crate::event) is parsed leniently because ACSES, not Claire, produces it.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::lenient::lenient_string;
use crate::model::{Appointment, LocationId, LockerSystem};
use crate::world::World;

pub use crate::event::{WebhookBooking, WebhookEvent};
pub use crate::lenient::ZERO_TIME;
pub use crate::model::Pin;

/// The prefix of the document's dev URL (`https://clairedev.nl/api/acses/v1/...`); every route is
/// served both with and without it.
pub const API_PREFIX: &str = "/api/acses";

/// `{"dealer_location_id": N}` (history, list_available_lockers, appointments/list).
#[derive(Debug, Clone, Deserialize)]
pub struct LocationRequest {
    pub dealer_location_id: u64,
}

/// `{"appointment_id": N}` (pickup, assist_pickup).
#[derive(Debug, Clone, Deserialize)]
pub struct AppointmentRequest {
    pub appointment_id: u64,
}

/// `{"locker_system_id": "151", "appointment_id": N, "appointment_note_id": null}`.
#[derive(Debug, Clone, Deserialize)]
pub struct DropBackRequest {
    /// A string in the document, a number in the simulate URL: both are accepted.
    #[serde(deserialize_with = "lenient_string")]
    pub locker_system_id: String,
    pub appointment_id: u64,
    #[serde(default)]
    pub appointment_note_id: Option<u64>,
}

/// `GET /v1/events/simulate` query, every field still raw so errors can name the field.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SimulateQuery {
    pub location_id: Option<String>,
    pub locker_system_id: Option<String>,
    pub code: Option<String>,
    pub action: Option<String>,
}

/// `{"lockers": [...]}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LockersResponse {
    pub lockers: Vec<LockerJson>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LockerJson {
    pub id: String,
    pub name: String,
    pub active: bool,
}

/// `{"acses_pin": "123456"}` or `{"acses_pin": null}`.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PinResponse {
    pub acses_pin: Option<Pin>,
}

impl fmt::Debug for PinResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinResponse")
            .field("acses_pin", &self.acses_pin)
            .finish()
    }
}

/// `{"appointments": [...]}` (our own addition, not in the ACSES document).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppointmentsResponse {
    pub appointments: Vec<AppointmentJson>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AppointmentJson {
    pub id: u64,
    pub dealer_location_id: u64,
    pub license_plate: String,
    pub customer_name: String,
    pub car: String,
    #[serde(with = "time::serde::rfc3339")]
    pub planned_at: OffsetDateTime,
    pub keys_in_locker: bool,
    /// The locker holding the keys, when they are in one.
    pub locker_system_id: Option<String>,
}

impl From<&LockerSystem> for LockerJson {
    fn from(locker: &LockerSystem) -> Self {
        Self {
            id: locker.id.clone(),
            name: locker.name.clone(),
            active: locker.active,
        }
    }
}

impl AppointmentJson {
    /// An appointment as listed, with the locker holding its keys (if any).
    pub fn new(appointment: &Appointment, keys_in: Option<&LockerSystem>) -> Self {
        Self {
            id: appointment.id,
            dealer_location_id: appointment.location_id,
            license_plate: appointment.license_plate.clone(),
            customer_name: appointment.customer_name.clone(),
            car: appointment.car.clone(),
            planned_at: appointment.planned_at,
            keys_in_locker: keys_in.is_some(),
            locker_system_id: keys_in.map(|locker| locker.id.clone()),
        }
    }
}

/// `list_available_lockers`: the lockers of a location, inactive ones included (the client
/// filters).
pub fn lockers_at(world: &World, location: LocationId) -> Vec<LockerJson> {
    world
        .lockers
        .iter()
        .filter(|l| l.location_id == location)
        .map(LockerJson::from)
        .collect()
}

/// `appointments/list`: the appointments of a location by planned time.
pub fn appointments_at(world: &World, location: LocationId) -> Vec<AppointmentJson> {
    let mut list: Vec<AppointmentJson> = world
        .appointments
        .iter()
        .filter(|a| a.location_id == location)
        .map(|a| AppointmentJson::new(a, world.keys_of(a.id).map(|(locker, _)| locker)))
        .collect();
    list.sort_by_key(|a| (a.planned_at, a.id));
    list
}

/// Formats a date the way the wire does (RFC 3339, as Go's `time.Time` marshals it).
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use serde_json::json;

    #[test]
    fn pin_debug_is_redacted() {
        let response = PinResponse {
            acses_pin: Some(Pin::new("987654")),
        };
        assert!(!format!("{response:?}").contains("987654"));
        assert_eq!(
            serde_json::to_string(&response).unwrap(),
            r#"{"acses_pin":"987654"}"#
        );
    }

    #[test]
    fn drop_back_locker_id_may_be_a_number() {
        let request: DropBackRequest =
            serde_json::from_value(json!({"locker_system_id": 151, "appointment_id": 5})).unwrap();
        assert_eq!(request.locker_system_id, "151");
        assert_eq!(request.appointment_note_id, None);
    }

    #[test]
    fn lockers_at_lists_a_locations_lockers_inactive_included() {
        let world = World::demo_at(time::macros::datetime!(2024-06-12 08:00 UTC));
        let ids: Vec<_> = lockers_at(&world, 82)
            .into_iter()
            .map(|l| (l.id, l.active))
            .collect();
        assert_eq!(ids, [("151".to_owned(), true), ("152".to_owned(), false)]);
        assert!(lockers_at(&world, 99).is_empty());
    }

    #[test]
    fn appointments_at_are_by_planned_time_with_their_keys() {
        let mut world = World::empty();
        world.locations.push(Location {
            id: 82,
            name: "W".into(),
        });
        world
            .lockers
            .push(LockerSystem::new("151", "L", 82, 4, true));
        let at = time::macros::datetime!(2024-06-12 08:00 UTC);
        for (id, minutes) in [(3, 30), (1, 60), (2, 30)] {
            world.appointments.push(Appointment {
                id,
                location_id: 82,
                license_plate: format!("P-{id}"),
                customer_name: "C".into(),
                car: "Car".into(),
                planned_at: at + time::Duration::minutes(minutes),
            });
        }
        world.put_keys(2, "151", 4).unwrap();
        let listed = appointments_at(&world, 82);
        let order: Vec<_> = listed.iter().map(|a| a.id).collect();
        assert_eq!(order, [2, 3, 1], "by time, then id");
        assert_eq!(listed[0].locker_system_id.as_deref(), Some("151"));
        assert!(listed[0].keys_in_locker);
        assert!(!listed[1].keys_in_locker && listed[1].locker_system_id.is_none());
        assert_eq!(listed[1].license_plate, "P-3");
    }
}

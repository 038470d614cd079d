//! Endpoint paths and request/response envelopes, public so the emulator and
//! the CLI speak exactly the same shapes as this client.

use serde::{Deserialize, Serialize};

use crate::de as lenient;
use crate::ids::{AppointmentId, DealerLocationId};
use crate::models::{Appointment, LockerSystem, Pin, WebhookHistory};

/// Endpoint paths, relative to the API base (e.g. `https://clairedev.nl/api/acses`).
pub mod paths {
    pub const EVENTS_HISTORY: &str = "/v1/events/history";
    pub const EVENTS_HANDLER: &str = "/v1/events/handler";
    pub const EVENTS_SIMULATE: &str = "/v1/events/simulate";
    pub const LIST_AVAILABLE_LOCKERS: &str = "/v1/employees/list_available_lockers";
    pub const PICKUP: &str = "/v1/employees/pickup";
    pub const ASSIST_PICKUP: &str = "/v1/employees/assist_pickup";
    pub const DROP_BACK: &str = "/v1/employees/drop_back";
    /// Not in the ACSES document: Claire's appointments list (our addition).
    pub const APPOINTMENTS_LIST: &str = "/v1/appointments/list";
}

/// `{"dealer_location_id": N}` (history, list_available_lockers, appointments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationRequest {
    #[serde(alias = "dealerLocationId", alias = "DealerLocationID")]
    pub dealer_location_id: DealerLocationId,
}

/// `{"appointment_id": N}` (pickup, assist_pickup).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentRequest {
    #[serde(alias = "appointmentId", alias = "AppointmentID")]
    pub appointment_id: AppointmentId,
}

/// `{"acses_pin": "1234"}` or `{"acses_pin": null}`; a missing key, an empty
/// string or null is `None`, a number is its text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PinResponse {
    #[serde(
        default,
        alias = "acsesPin",
        alias = "AcsesPin",
        alias = "AcsesPIN",
        with = "crate::pin::opt_pin"
    )]
    pub acses_pin: Option<Pin>,
}

/// `{"lockers": [...]}`; `null` or a missing key is an empty list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LockersResponse {
    #[serde(default, alias = "Lockers", deserialize_with = "lenient::vec_or_null")]
    pub lockers: Vec<LockerSystem>,
}

/// `{"history": [...]}`; `null` or a missing key is an empty list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HistoryResponse {
    #[serde(default, alias = "History", deserialize_with = "lenient::vec_or_null")]
    pub history: Vec<WebhookHistory>,
}

/// `{"appointments": [...]}`; entries without a usable `id` are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AppointmentsResponse {
    #[serde(
        default,
        alias = "Appointments",
        deserialize_with = "lenient::vec_skip_invalid"
    )]
    pub appointments: Vec<Appointment>,
}

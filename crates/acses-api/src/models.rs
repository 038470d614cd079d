//! Data models of the ACSES API.
//!
//! Parsing is tolerant: every model accepts snake_case, camelCase and the Go
//! PascalCase field names of the document, ignores unknown fields and defaults
//! missing ones. Serialization produces one canonical form: snake_case for the
//! response models, and for [`WebhookEvent`]/[`Booking`] exactly the keys of
//! the document's `/v1/events/handler` body.
//!
//! (A body that carries the same field twice under two spellings, e.g. both
//! `id` and `ID`, is rejected by serde as a duplicate field; none is expected.)

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};

use crate::de as lenient;
use crate::ids::*;
use crate::timestamp::Timestamp;

pub use crate::pin::Pin;

macro_rules! wire_enum {
    (
        $(#[$doc:meta])* $name:ident {
            $( $(#[$vdoc:meta])* $variant:ident => $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )+
            /// A value this client does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// The wire text (the original text for `Unknown`).
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(s) => s,
                }
            }

            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        /// Case-insensitive (surrounding blanks ignored); unknown text gives `Unknown`.
        impl FromStr for $name {
            type Err = Infallible;

            fn from_str(s: &str) -> Result<Self, Infallible> {
                let t = s.trim();
                $( if t.eq_ignore_ascii_case($wire) { return Ok($name::$variant); } )+
                Ok($name::Unknown(s.to_owned()))
            }
        }

        /// Empty `Unknown`: what a missing field or Go's empty string means.
        impl Default for $name {
            fn default() -> Self {
                $name::Unknown(String::new())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = d.deserialize_any(lenient::StringLike)?;
                let Ok(v) = text.parse();
                Ok(v)
            }
        }
    };
}

wire_enum!(
    /// State of an ACSES booking (`BOOKED`, `USED`, `EXPIRED`).
    BookingState {
        Booked => "BOOKED",
        Used => "USED",
        Expired => "EXPIRED",
    }
);

wire_enum!(
    /// What happened to the object (key) in a cell; also the `action` of
    /// `simulate` (`dropoff` when dropping a key, `checkout` when taking one).
    ObjectStatus {
        Registered => "registered",
        Dropoff => "dropoff",
        Checkout => "checkout",
        Expired => "expired",
    }
);

/// `Option<ObjectStatus>` where Go's empty string (and null) mean "none".
mod opt_status {
    use super::*;

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<ObjectStatus>, D::Error> {
        let text = d.deserialize_any(lenient::StringLike)?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        let Ok(v) = text.parse();
        Ok(Some(v))
    }

    pub(super) fn serialize<S: Serializer>(
        v: &Option<ObjectStatus>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.as_ref().map_or("", ObjectStatus::as_str))
    }
}

/// A booking of a locker cell. Serializes with the handler-body keys.
///
/// Mapping of the handler-body keys to the document's Go fields (a guess: the
/// document shows both lists but not how they line up):
/// `tablekey` = ID, `create` = Create, `lastaction` = LastAction,
/// `lockercell` = LockerCellNumber, `lockercellTablekey` = LockerCellID,
/// `objectTablekey` = ObjectID, `siteTablekey` = LockerSystemID.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Booking {
    #[serde(
        rename = "tablekey",
        alias = "id",
        alias = "ID",
        alias = "Id",
        alias = "tableKey",
        alias = "TableKey"
    )]
    pub id: BookingId,
    #[serde(alias = "Name", deserialize_with = "lenient::string")]
    pub name: String,
    #[serde(alias = "Tag", deserialize_with = "lenient::string")]
    pub tag: String,
    #[serde(alias = "State")]
    pub state: BookingState,
    #[serde(
        rename = "startDate",
        alias = "start_date",
        alias = "StartDate",
        alias = "startdate",
        with = "crate::timestamp::lenient"
    )]
    pub start_date: Option<Timestamp>,
    #[serde(
        rename = "endDate",
        alias = "end_date",
        alias = "EndDate",
        alias = "enddate",
        with = "crate::timestamp::lenient"
    )]
    pub end_date: Option<Timestamp>,
    /// The PIN that opens the cell for this booking: redacted from Debug.
    #[serde(alias = "Code", deserialize_with = "lenient::string")]
    pub code: String,
    #[serde(
        rename = "create",
        alias = "created",
        alias = "Create",
        alias = "Created",
        with = "crate::timestamp::lenient"
    )]
    pub created: Option<Timestamp>,
    #[serde(
        rename = "lastaction",
        alias = "last_action",
        alias = "lastAction",
        alias = "LastAction",
        with = "opt_status"
    )]
    pub last_action: Option<ObjectStatus>,
    #[serde(
        rename = "lockercell",
        alias = "locker_cell_number",
        alias = "lockerCellNumber",
        alias = "LockerCellNumber",
        alias = "lockerCell"
    )]
    pub locker_cell_number: LockerCellNumber,
    #[serde(
        rename = "lockercellTablekey",
        alias = "locker_cell_id",
        alias = "lockerCellId",
        alias = "lockerCellID",
        alias = "LockerCellID",
        alias = "LockerCellId",
        alias = "lockercellTableKey"
    )]
    pub locker_cell_id: LockerCellId,
    #[serde(
        rename = "objectTablekey",
        alias = "object_id",
        alias = "objectId",
        alias = "objectID",
        alias = "ObjectID",
        alias = "ObjectId",
        alias = "objectTableKey"
    )]
    pub object_id: ObjectId,
    #[serde(
        rename = "siteTablekey",
        alias = "locker_system_id",
        alias = "lockerSystemId",
        alias = "lockerSystemID",
        alias = "LockerSystemID",
        alias = "LockerSystemId",
        alias = "siteTableKey"
    )]
    pub locker_system_id: LockerSystemId,
}

impl fmt::Debug for Booking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Booking")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("tag", &self.tag)
            .field("state", &self.state)
            .field("start_date", &self.start_date)
            .field("end_date", &self.end_date)
            .field("code", &"****")
            .field("created", &self.created)
            .field("last_action", &self.last_action)
            .field("locker_cell_number", &self.locker_cell_number)
            .field("locker_cell_id", &self.locker_cell_id)
            .field("object_id", &self.object_id)
            .field("locker_system_id", &self.locker_system_id)
            .finish()
    }
}

/// One key cabinet of a dealer location.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LockerSystem {
    #[serde(
        alias = "ID",
        alias = "Id",
        alias = "locker_system_id",
        alias = "lockerSystemId",
        alias = "LockerSystemID"
    )]
    pub id: LockerSystemId,
    #[serde(alias = "Name", deserialize_with = "lenient::string")]
    pub name: String,
    #[serde(
        alias = "Active",
        alias = "is_active",
        alias = "isActive",
        deserialize_with = "lenient::bool"
    )]
    pub active: bool,
}

/// A door event posted by ACSES (the `/v1/events/handler` body).
/// Serializes with exactly the handler-body keys of the document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookEvent {
    #[serde(
        rename = "tablekey",
        alias = "event_id",
        alias = "eventId",
        alias = "webhook_event_id",
        alias = "webhookEventId",
        alias = "webhookEventID",
        alias = "WebhookEventID",
        alias = "WebhookEventId",
        alias = "id",
        alias = "ID",
        alias = "tableKey"
    )]
    pub event_id: WebhookEventId,
    #[serde(
        rename = "lockersystem",
        alias = "locker_system_id",
        alias = "lockerSystemId",
        alias = "lockerSystemID",
        alias = "LockerSystemID",
        alias = "LockerSystemId",
        alias = "lockerSystem"
    )]
    pub locker_system_id: LockerSystemId,
    #[serde(
        rename = "cellnumber",
        alias = "cell_number",
        alias = "cellNumber",
        alias = "CellNumber",
        alias = "locker_cell_number",
        alias = "lockerCellNumber",
        alias = "LockerCellNumber"
    )]
    pub cell_number: LockerCellNumber,
    #[serde(
        rename = "eventName",
        alias = "event_name",
        alias = "EventName",
        alias = "eventname"
    )]
    pub event_name: ObjectStatus,
    #[serde(
        rename = "eventDate",
        alias = "event_date",
        alias = "EventDate",
        alias = "eventdate",
        with = "crate::timestamp::lenient"
    )]
    pub event_date: Option<Timestamp>,
    #[serde(alias = "Booking", deserialize_with = "null_as_default")]
    pub booking: Booking,
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// One webhook call ACSES made (or tried), as logged by the service.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookHistory {
    #[serde(
        alias = "webhookEventId",
        alias = "webhookEventID",
        alias = "WebhookEventID",
        alias = "WebhookEventId",
        alias = "event_id",
        alias = "eventId"
    )]
    pub webhook_event_id: WebhookEventId,
    /// The serialized [`WebhookEvent`] (handler body format). Contains the
    /// booking code (a PIN): redacted from Debug.
    #[serde(
        alias = "sentContent",
        alias = "SentContent",
        deserialize_with = "lenient::string_or_json"
    )]
    pub sent_content: String,
    #[serde(
        alias = "responseStatus",
        alias = "ResponseStatus",
        deserialize_with = "lenient::string"
    )]
    pub response_status: String,
    #[serde(
        alias = "responseContent",
        alias = "ResponseContent",
        deserialize_with = "lenient::string_or_json"
    )]
    pub response_content: String,
    #[serde(
        alias = "sentDate",
        alias = "SentDate",
        with = "crate::timestamp::lenient"
    )]
    pub sent_date: Option<Timestamp>,
}

impl fmt::Debug for WebhookHistory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookHistory")
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

/// An appointment at the workshop. Not part of the ACSES document: Claire's
/// `POST /v1/appointments/list` (fields not public, so all but `id` are
/// optional and several spellings are accepted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    #[serde(
        alias = "ID",
        alias = "Id",
        alias = "appointment_id",
        alias = "appointmentId",
        alias = "AppointmentID"
    )]
    pub id: AppointmentId,
    #[serde(
        default,
        alias = "licensePlate",
        alias = "LicensePlate",
        alias = "license",
        alias = "plate",
        deserialize_with = "lenient::string"
    )]
    pub license_plate: String,
    #[serde(
        default,
        alias = "customerName",
        alias = "CustomerName",
        alias = "customer",
        deserialize_with = "lenient::string"
    )]
    pub customer_name: String,
    #[serde(
        default,
        alias = "plannedAt",
        alias = "PlannedAt",
        alias = "planned_date",
        alias = "plannedDate",
        with = "crate::timestamp::lenient"
    )]
    pub planned_at: Option<Timestamp>,
    #[serde(
        default,
        alias = "keysInLocker",
        alias = "KeysInLocker",
        deserialize_with = "lenient::opt_bool"
    )]
    pub keys_in_locker: Option<bool>,
}

/// Body of `POST /v1/employees/drop_back`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DropBackRequest {
    #[serde(alias = "lockerSystemId", alias = "LockerSystemID")]
    pub locker_system_id: LockerSystemId,
    #[serde(alias = "appointmentId", alias = "AppointmentID")]
    pub appointment_id: AppointmentId,
    /// Sent as `null` when absent, as in the document's example.
    #[serde(default, alias = "appointmentNoteId", alias = "AppointmentNoteID")]
    pub appointment_note_id: Option<AppointmentNoteId>,
}

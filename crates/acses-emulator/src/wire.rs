//! The server's own wire format: request bodies, response bodies and the webhook event.
//!
//! Responses are snake_case (our documented assumption about the real service). Request parsing
//! follows what a Go server does: unknown fields are ignored, integers must be integers. The webhook
//! event is parsed leniently (ids as strings or numbers) because ACSES, not Claire, produces it.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Go's zero `time.Time`, which the document shows for empty dates.
pub const ZERO_TIME: OffsetDateTime = time::macros::datetime!(0001-01-01 0:00 UTC);

fn zero_time() -> OffsetDateTime {
    ZERO_TIME
}

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

/// A webhook event, in exactly the key layout of the `POST /v1/events/handler` example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEvent {
    #[serde(default, deserialize_with = "lenient_string")]
    pub tablekey: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub lockersystem: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub cellnumber: String,
    #[serde(rename = "eventName", deserialize_with = "lenient_string")]
    pub event_name: String,
    #[serde(
        rename = "eventDate",
        default = "zero_time",
        serialize_with = "time::serde::rfc3339::serialize",
        deserialize_with = "lenient_time"
    )]
    pub event_date: OffsetDateTime,
    pub booking: WebhookBooking,
}

/// The booking inside a webhook event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookBooking {
    #[serde(default, deserialize_with = "lenient_string")]
    pub tablekey: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub tag: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub state: String,
    #[serde(
        rename = "startDate",
        default = "zero_time",
        serialize_with = "time::serde::rfc3339::serialize",
        deserialize_with = "lenient_time"
    )]
    pub start_date: OffsetDateTime,
    #[serde(
        rename = "endDate",
        default = "zero_time",
        serialize_with = "time::serde::rfc3339::serialize",
        deserialize_with = "lenient_time"
    )]
    pub end_date: OffsetDateTime,
    #[serde(default)]
    pub code: Pin,
    #[serde(
        default = "zero_time",
        serialize_with = "time::serde::rfc3339::serialize",
        deserialize_with = "lenient_time"
    )]
    pub create: OffsetDateTime,
    #[serde(default, deserialize_with = "lenient_string")]
    pub lastaction: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub lockercell: String,
    #[serde(
        rename = "lockercellTablekey",
        default,
        deserialize_with = "lenient_string"
    )]
    pub lockercell_tablekey: String,
    #[serde(
        rename = "objectTablekey",
        default,
        deserialize_with = "lenient_string"
    )]
    pub object_tablekey: String,
    #[serde(rename = "siteTablekey", default, deserialize_with = "lenient_string")]
    pub site_tablekey: String,
}

/// Accepts a string, an integer, a float with no fraction, or null (as ""), giving a string.
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    struct StringOrNumber;

    impl<'de> Visitor<'de> for StringOrNumber {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a number")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            // 151.0 is still locker 151; anything with a fraction is kept as written.
            if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
                Ok(format!("{v:.0}"))
            } else {
                Ok(v.to_string())
            }
        }

        fn visit_unit<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }

        fn visit_none<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            lenient_string(d)
        }
    }

    deserializer.deserialize_any(StringOrNumber)
}

/// An RFC 3339 date; null or "" give Go's zero time.
fn lenient_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
    let raw: Option<String> = Option::deserialize(deserializer)?;
    match raw.as_deref() {
        None | Some("") => Ok(ZERO_TIME),
        Some(text) => OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|_| de::Error::custom(format!("`{text}` is not an RFC 3339 date"))),
    }
}

/// Formats a date the way the wire does (RFC 3339, as Go's `time.Time` marshals it).
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn webhook_event_serializes_with_the_documented_keys_in_order() {
        let event = WebhookEvent {
            tablekey: "70000001".into(),
            lockersystem: "151".into(),
            cellnumber: "7".into(),
            event_name: "dropoff".into(),
            event_date: time::macros::datetime!(2024-03-29 10:00 UTC),
            booking: WebhookBooking {
                tablekey: "40000001".into(),
                name: "GX-123-B".into(),
                tag: "drop_back".into(),
                state: "USED".into(),
                start_date: ZERO_TIME,
                end_date: ZERO_TIME,
                code: Pin::new("123456"),
                create: ZERO_TIME,
                lastaction: "dropoff".into(),
                lockercell: "7".into(),
                lockercell_tablekey: "151007".into(),
                object_tablekey: "120301".into(),
                site_tablekey: "151".into(),
            },
        };
        let text = serde_json::to_string(&event).unwrap();
        assert!(text.starts_with(
            r#"{"tablekey":"70000001","lockersystem":"151","cellnumber":"7","eventName":"dropoff","eventDate":"2024-03-29T10:00:00Z","booking":{"tablekey":"40000001","name":"GX-123-B","tag":"drop_back","state":"USED","startDate":"0001-01-01T00:00:00Z","endDate":"0001-01-01T00:00:00Z","code":"123456","create":"0001-01-01T00:00:00Z","lastaction":"dropoff","lockercell":"7","lockercellTablekey":"151007","objectTablekey":"120301","siteTablekey":"151"}}"#
        ), "{text}");
        let back: WebhookEvent = serde_json::from_str(&text).unwrap();
        assert_eq!(back, event);
    }

    #[test]
    fn webhook_event_accepts_numbers_nulls_and_missing_optional_fields() {
        let event: WebhookEvent = serde_json::from_value(json!({
            "tablekey": null,
            "lockersystem": 151,
            "cellnumber": 7.0,
            "eventName": "checkout",
            "booking": {"tablekey": 40000001, "code": 123456, "startDate": null, "endDate": ""}
        }))
        .unwrap();
        assert_eq!(event.tablekey, "");
        assert_eq!(event.lockersystem, "151");
        assert_eq!(event.cellnumber, "7");
        assert_eq!(event.event_date, ZERO_TIME);
        assert_eq!(event.booking.tablekey, "40000001");
        assert_eq!(event.booking.code.as_str(), "123456");
        assert_eq!(event.booking.end_date, ZERO_TIME);
    }

    #[test]
    fn webhook_event_rejects_bad_dates_and_missing_required_fields() {
        let bad_date = serde_json::from_value::<WebhookEvent>(json!({
            "eventName": "dropoff", "eventDate": "yesterday", "booking": {}
        }));
        assert!(bad_date.unwrap_err().to_string().contains("yesterday"));
        let no_booking = serde_json::from_value::<WebhookEvent>(json!({"eventName": "dropoff"}));
        assert!(no_booking.unwrap_err().to_string().contains("booking"));
        let no_name = serde_json::from_value::<WebhookEvent>(json!({"booking": {}}));
        assert!(no_name.unwrap_err().to_string().contains("eventName"));
    }

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
}

//! The webhook event: the body ACSES posts to `POST /v1/events/handler` and the `SentContent` of
//! every history entry, in exactly the document's key layout. Parsed leniently (ids as strings or
//! numbers, empty dates) because ACSES, not Claire, produces it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::lenient::{lenient_string, lenient_time, zero_time};
use crate::model::Pin;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lenient::ZERO_TIME;
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
}

//! Property tests of the tolerant deserializers.

use acses_api::*;
use proptest::prelude::*;
use serde_json::json;

proptest! {
    #[test]
    fn int_ids_same_from_number_and_string(n in any::<u64>(), pad in "[ ]{0,2}") {
        let from_num: AppointmentId = serde_json::from_value(json!(n)).unwrap();
        let from_str: AppointmentId = serde_json::from_value(json!(format!("{pad}{n}{pad}"))).unwrap();
        prop_assert_eq!(from_num, AppointmentId(n));
        prop_assert_eq!(from_str, from_num);
        prop_assert_eq!(n.to_string().parse::<DealerLocationId>().unwrap(), DealerLocationId(n));
        prop_assert_eq!(serde_json::to_value(from_num).unwrap(), json!(n));
    }

    #[test]
    fn int_ids_reject_non_numeric_text(s in "[a-zA-Z_-][a-zA-Z0-9_-]{0,10}") {
        prop_assert!(serde_json::from_value::<AppointmentId>(json!(s)).is_err());
    }

    #[test]
    fn string_ids_from_numbers_are_decimal_text(n in any::<i64>()) {
        let id: LockerSystemId = serde_json::from_value(json!(n)).unwrap();
        prop_assert_eq!(id.as_str(), n.to_string());
        prop_assert_eq!(serde_json::to_value(&id).unwrap(), json!(n.to_string()));
    }

    #[test]
    fn string_ids_round_trip_any_text(s in any::<String>()) {
        let id: WebhookEventId = serde_json::from_value(json!(s)).unwrap();
        prop_assert_eq!(id.as_str(), s.as_str());
        let back: WebhookEventId = serde_json::from_str(&serde_json::to_string(&id).unwrap()).unwrap();
        prop_assert_eq!(back, id);
    }

    #[test]
    fn any_date_text_never_fails_a_body(s in any::<String>()) {
        let ev: WebhookEvent = serde_json::from_value(json!({
            "eventDate": s, "booking": {"startDate": s, "create": s}
        })).unwrap();
        // Whatever parsed must print as RFC 3339 that parses back to itself.
        if let Some(t) = ev.event_date {
            prop_assert_eq!(Timestamp::parse_lenient(&t.to_rfc3339()), Some(t));
        }
    }

    #[test]
    fn webhook_event_round_trips(
        id in ".{0,8}", locker in "[0-9]{1,4}", cell in "[0-9]{1,3}", code in "[0-9]{4,6}",
        name in prop::sample::select(vec!["registered", "dropoff", "checkout", "expired", "other"]),
        secs in 0i64..4_000_000_000,
    ) {
        let date = time::OffsetDateTime::from_unix_timestamp(secs).unwrap();
        let v = json!({
            "tablekey": id, "lockersystem": locker, "cellnumber": cell, "eventName": name,
            "eventDate": date.format(&time::format_description::well_known::Rfc3339).unwrap(),
            "booking": {"code": code, "lockercell": cell}
        });
        let ev: WebhookEvent = serde_json::from_value(v).unwrap();
        let back: WebhookEvent = serde_json::from_value(serde_json::to_value(&ev).unwrap()).unwrap();
        prop_assert_eq!(&back, &ev);
        prop_assert_eq!(back.event_name.as_str(), name);
        prop_assert_eq!(back.event_date.is_some(), secs > 0 && date.year() > 1);
    }
}

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

/// Any JSON value, a few levels deep, with the webhook event's own keys among the random ones so
/// the generator reaches into the real fields.
fn any_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let key = prop_oneof![
        prop::sample::select(vec![
            "tablekey",
            "lockersystem",
            "cellnumber",
            "eventName",
            "eventDate",
            "booking",
            "code",
            "startDate",
            "endDate",
            "create",
            "state",
            "lockercell",
            "objectTablekey",
        ])
        .prop_map(str::to_owned),
        ".{0,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        Just(json!("2024-06-12T08:01:30Z")),
        Just(json!("0001-01-01T00:00:00Z")),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The history entry parser never panics on any text: an event or an error that says where,
    /// and the error never quotes the content (it holds a PIN).
    #[test]
    fn any_sent_content_is_an_event_or_a_located_error(content in ".{0,200}") {
        let entry = WebhookHistory {
            webhook_event_id: WebhookEventId("e1".into()),
            sent_content: content.clone(),
            ..WebhookHistory::default()
        };
        if let Err(e) = entry.event() {
            let text = e.to_string();
            prop_assert!(!text.is_empty());
            if content.len() >= 8 {
                prop_assert!(!text.contains(&content), "{text}");
            }
        }
    }

    /// Any JSON document as content (and doubly encoded): never a panic; an object with the
    /// required fields parses.
    #[test]
    fn any_json_content_never_panics(v in any_json()) {
        let text = v.to_string();
        for content in [text.clone(), serde_json::to_string(&text).unwrap()] {
            let entry = WebhookHistory { sent_content: content, ..WebhookHistory::default() };
            let _ = entry.event();
        }
        let _ = serde_json::from_value::<WebhookEvent>(v.clone());
        let _ = serde_json::from_value::<WebhookHistory>(v);
    }
}

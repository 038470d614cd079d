//! Models against the document's own example bodies and the spellings the
//! service might use instead.

use acses_api::wire::{AppointmentsResponse, HistoryResponse, LockersResponse, PinResponse};
use acses_api::*;
use serde_json::{json, Value};

/// The `/v1/events/handler` request body exactly as the document shows it.
const HANDLER_EXAMPLE: &str = r#"{
    "tablekey": "",
    "lockersystem": "",
    "cellnumber": "",
    "eventName": "",
    "eventDate": "0001-01-01T00:00:00Z",
    "booking": {
        "tablekey": "",
        "name": "",
        "tag": "",
        "state": "",
        "startDate": "0001-01-01T00:00:00Z",
        "endDate": "0001-01-01T00:00:00Z",
        "code": "",
        "create": "0001-01-01T00:00:00Z",
        "lastaction": "",
        "lockercell": "",
        "lockercellTablekey": "",
        "objectTablekey": "",
        "siteTablekey": ""
    }
}"#;

fn filled_event_json() -> Value {
    json!({
        "tablekey": "ev-1",
        "lockersystem": "151",
        "cellnumber": "7",
        "eventName": "dropoff",
        "eventDate": "2024-03-29T10:15:30Z",
        "booking": {
            "tablekey": "bk-9",
            "name": "Jansen",
            "tag": "AB-123-C",
            "state": "BOOKED",
            "startDate": "2024-03-29T08:00:00Z",
            "endDate": "2024-03-30T08:00:00+01:00",
            "code": "4821",
            "create": "2024-03-29T07:59:00Z",
            "lastaction": "registered",
            "lockercell": "7",
            "lockercellTablekey": "cell-77",
            "objectTablekey": "obj-5",
            "siteTablekey": "151"
        }
    })
}

#[test]
fn handler_example_parses_with_zero_dates_as_none() {
    let ev: WebhookEvent = serde_json::from_str(HANDLER_EXAMPLE).unwrap();
    assert!(ev.event_id.is_empty());
    assert_eq!(ev.event_name, ObjectStatus::Unknown(String::new()));
    assert_eq!(ev.event_date, None);
    assert_eq!(ev.booking.start_date, None);
    assert_eq!(ev.booking.end_date, None);
    assert_eq!(ev.booking.created, None);
    assert_eq!(ev.booking.last_action, None);
    assert_eq!(ev.booking.state, BookingState::Unknown(String::new()));
}

#[test]
fn handler_example_round_trips_to_exactly_the_document_body() {
    let doc: Value = serde_json::from_str(HANDLER_EXAMPLE).unwrap();
    let ev: WebhookEvent = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(serde_json::to_value(&ev).unwrap(), doc);
}

#[test]
fn filled_event_maps_every_handler_key() {
    let ev: WebhookEvent = serde_json::from_value(filled_event_json()).unwrap();
    assert_eq!(ev.event_id, WebhookEventId::from("ev-1"));
    assert_eq!(ev.locker_system_id, LockerSystemId::from("151"));
    assert_eq!(ev.cell_number, LockerCellNumber::from("7"));
    assert_eq!(ev.event_name, ObjectStatus::Dropoff);
    assert_eq!(ev.event_date.unwrap().to_rfc3339(), "2024-03-29T10:15:30Z");
    let b = &ev.booking;
    assert_eq!(b.id, BookingId::from("bk-9"));
    assert_eq!(b.name, "Jansen");
    assert_eq!(b.tag, "AB-123-C");
    assert_eq!(b.state, BookingState::Booked);
    assert_eq!(b.code, "4821");
    assert_eq!(b.last_action, Some(ObjectStatus::Registered));
    assert_eq!(b.locker_cell_number, LockerCellNumber::from("7"));
    assert_eq!(b.locker_cell_id, LockerCellId::from("cell-77"));
    assert_eq!(b.object_id, ObjectId::from("obj-5"));
    assert_eq!(b.locker_system_id, LockerSystemId::from("151"));
    assert_eq!(
        b.end_date.unwrap().0.unix_timestamp(),
        time::macros::datetime!(2024-03-30 07:00:00 UTC).unix_timestamp()
    );
}

#[test]
fn serializing_event_gives_exactly_the_handler_keys() {
    let ev: WebhookEvent = serde_json::from_value(filled_event_json()).unwrap();
    let out = serde_json::to_value(&ev).unwrap();
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let doc: Value = serde_json::from_str(HANDLER_EXAMPLE).unwrap();
    assert_eq!(keys(&out), keys(&doc));
    assert_eq!(keys(&out["booking"]), keys(&doc["booking"]));
    // Values survive the trip (dates compared as instants: the offset is normalized).
    let back: WebhookEvent = serde_json::from_value(out.clone()).unwrap();
    assert_eq!(back, ev);
    assert_eq!(out["lockersystem"], "151");
    assert_eq!(out["booking"]["lastaction"], "registered");
    assert_eq!(out["booking"]["code"], "4821");
}

#[test]
fn pascal_case_event_and_numeric_ids() {
    let ev: WebhookEvent = serde_json::from_value(json!({
        "WebhookEventID": 991,
        "LockerSystemID": 151,
        "LockerCellNumber": 7,
        "EventName": "checkout",
        "EventDate": "2024-03-29T10:15:30.5Z",
        "Booking": {
            "ID": 12,
            "Name": "n",
            "State": "used",
            "Code": 4821,
            "LastAction": "dropoff",
            "LockerCellNumber": "7",
            "LockerCellID": 70,
            "ObjectID": 5,
            "LockerSystemID": 151,
            "Create": "garbage",
            "SomethingNew": {"x": 1}
        }
    }))
    .unwrap();
    assert_eq!(ev.event_id.as_str(), "991");
    assert_eq!(ev.locker_system_id.as_str(), "151");
    assert_eq!(ev.cell_number.as_str(), "7");
    assert_eq!(ev.event_name, ObjectStatus::Checkout);
    assert!(ev.event_date.is_some());
    assert_eq!(ev.booking.id.as_str(), "12");
    assert_eq!(ev.booking.state, BookingState::Used);
    assert_eq!(ev.booking.code, "4821");
    assert_eq!(ev.booking.locker_cell_id.as_str(), "70");
    assert_eq!(ev.booking.object_id.as_str(), "5");
    assert_eq!(ev.booking.created, None, "bad date is None, not an error");
}

#[test]
fn camel_and_snake_case_event() {
    let camel: WebhookEvent = serde_json::from_value(json!({
        "webhookEventId": "e", "lockerSystemId": "151", "cellNumber": "3",
        "eventName": "expired", "eventDate": null,
        "booking": {"id": "b", "lastAction": "checkout", "lockerCellNumber": "3",
                    "lockerCellId": "c", "objectId": "o", "lockerSystemId": "151",
                    "startDate": "2024-01-01T00:00:00Z"}
    }))
    .unwrap();
    let snake: WebhookEvent = serde_json::from_value(json!({
        "event_id": "e", "locker_system_id": "151", "cell_number": "3",
        "event_name": "expired",
        "booking": {"id": "b", "last_action": "checkout", "locker_cell_number": "3",
                    "locker_cell_id": "c", "object_id": "o", "locker_system_id": "151",
                    "start_date": "2024-01-01T00:00:00Z"}
    }))
    .unwrap();
    assert_eq!(camel, snake);
    assert_eq!(camel.event_name, ObjectStatus::Expired);
    assert_eq!(camel.booking.last_action, Some(ObjectStatus::Checkout));
    assert_eq!(camel.booking.locker_cell_id.as_str(), "c");
    assert!(camel.booking.start_date.is_some());
}

#[test]
fn unknown_enum_values_are_kept() {
    let ev: WebhookEvent = serde_json::from_value(
        json!({"eventName": "door_forced", "booking": {"state": "CANCELLED"}}),
    )
    .unwrap();
    assert_eq!(ev.event_name, ObjectStatus::Unknown("door_forced".into()));
    assert_eq!(ev.booking.state, BookingState::Unknown("CANCELLED".into()));
    let out = serde_json::to_value(&ev).unwrap();
    assert_eq!(out["eventName"], "door_forced");
    assert_eq!(out["booking"]["state"], "CANCELLED");
}

#[test]
fn enums_accept_any_case_and_print_wire_text() {
    assert_eq!(
        "booked".parse::<BookingState>().unwrap(),
        BookingState::Booked
    );
    assert_eq!(
        " Expired ".parse::<BookingState>().unwrap(),
        BookingState::Expired
    );
    assert_eq!(
        "DROPOFF".parse::<ObjectStatus>().unwrap(),
        ObjectStatus::Dropoff
    );
    assert_eq!(BookingState::Used.to_string(), "USED");
    assert_eq!(ObjectStatus::Checkout.as_str(), "checkout");
    assert_eq!(
        serde_json::to_value(ObjectStatus::Registered).unwrap(),
        "registered"
    );
    let s: BookingState = serde_json::from_str("\"used\"").unwrap();
    assert_eq!(s, BookingState::Used);
}

#[test]
fn null_booking_and_missing_fields_default() {
    let ev: WebhookEvent =
        serde_json::from_value(json!({"booking": null, "extra": [1, 2]})).unwrap();
    assert_eq!(ev.booking, Booking::default());
    let ev: WebhookEvent = serde_json::from_str("{}").unwrap();
    assert_eq!(ev, WebhookEvent::default());
}

#[test]
fn locker_system_spellings() {
    let want = LockerSystem {
        id: LockerSystemId::from("151"),
        name: "Werkplaats".into(),
        active: true,
    };
    for body in [
        json!({"id": "151", "name": "Werkplaats", "active": true}),
        json!({"ID": 151, "Name": "Werkplaats", "Active": true, "Color": "red"}),
        json!({"Id": "151", "name": "Werkplaats", "active": "true"}),
        json!({"lockerSystemId": 151, "name": "Werkplaats", "isActive": 1}),
    ] {
        let got: LockerSystem = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(got, want, "{body}");
    }
    let inactive: LockerSystem = serde_json::from_value(json!({"ID": 1})).unwrap();
    assert!(!inactive.active);
    assert_eq!(
        serde_json::to_value(&want).unwrap(),
        json!({"id": "151", "name": "Werkplaats", "active": true})
    );
}

#[test]
fn list_envelopes_from_document_and_null() {
    let l: LockersResponse = serde_json::from_str(r#"{"lockers": []}"#).unwrap();
    assert!(l.lockers.is_empty());
    let l: LockersResponse = serde_json::from_str(r#"{"lockers": null}"#).unwrap();
    assert!(l.lockers.is_empty());
    let h: HistoryResponse = serde_json::from_str(r#"{"history": []}"#).unwrap();
    assert!(h.history.is_empty());
    let h: HistoryResponse = serde_json::from_str(r#"{"history": null}"#).unwrap();
    assert!(h.history.is_empty());
    let l: LockersResponse =
        serde_json::from_str(r#"{"lockers": [{"ID": 151, "Name": "A", "Active": true}]}"#).unwrap();
    assert_eq!(l.lockers.len(), 1);
    assert_eq!(l.lockers[0].id.as_str(), "151");
}

#[test]
fn pin_response_shapes() {
    let pin = |body: &str| {
        serde_json::from_str::<PinResponse>(body)
            .unwrap()
            .acses_pin
            .map(|p| p.expose().to_owned())
    };
    assert_eq!(pin(r#"{"acses_pin": null}"#), None);
    assert_eq!(pin(r#"{}"#), None);
    assert_eq!(pin(r#"{"acses_pin": ""}"#), None);
    assert_eq!(pin(r#"{"acses_pin": "  "}"#), None);
    assert_eq!(pin(r#"{"acses_pin": "1234"}"#).as_deref(), Some("1234"));
    assert_eq!(pin(r#"{"acses_pin": 4821}"#).as_deref(), Some("4821"));
    assert_eq!(
        pin(r#"{"acsesPin": "0042", "other": 1}"#).as_deref(),
        Some("0042")
    );
    assert!(serde_json::from_str::<PinResponse>(r#"{"acses_pin": {"x": 1}}"#).is_err());
    assert_eq!(
        serde_json::to_string(&PinResponse::default()).unwrap(),
        r#"{"acses_pin":null}"#
    );
}

#[test]
fn pin_and_booking_debug_do_not_leak() {
    let p = Pin::new("4821");
    assert_eq!(format!("{p:?}"), "Pin(****)");
    let r = PinResponse { acses_pin: Some(p) };
    assert!(!format!("{r:?}").contains("4821"));
    let ev: WebhookEvent = serde_json::from_value(filled_event_json()).unwrap();
    assert!(!format!("{ev:?}").contains("4821"), "{ev:?}");
    let h = WebhookHistory {
        sent_content: filled_event_json().to_string(),
        ..Default::default()
    };
    assert!(!format!("{h:?}").contains("4821"));
}

#[test]
fn history_entry_spellings_and_event() {
    let content = filled_event_json().to_string();
    let want_event: WebhookEvent = serde_json::from_value(filled_event_json()).unwrap();
    for body in [
        json!({"webhook_event_id": "ev-1", "sent_content": content, "response_status": "200 OK",
               "response_content": "ok", "sent_date": "2024-03-29T10:15:31Z"}),
        json!({"webhookEventId": "ev-1", "sentContent": content, "responseStatus": "200 OK",
               "responseContent": "ok", "sentDate": "2024-03-29T10:15:31Z"}),
        json!({"WebhookEventID": "ev-1", "SentContent": content, "ResponseStatus": "200 OK",
               "ResponseContent": "ok", "SentDate": "2024-03-29T10:15:31Z", "New": true}),
    ] {
        let h: WebhookHistory = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(h.webhook_event_id.as_str(), "ev-1", "{body}");
        assert_eq!(h.response_status, "200 OK");
        assert_eq!(h.response_content, "ok");
        assert_eq!(h.sent_date.unwrap().to_rfc3339(), "2024-03-29T10:15:31Z");
        assert_eq!(h.event().unwrap(), want_event);
    }
}

#[test]
fn history_tolerates_odd_field_types() {
    // Status as a number, content embedded as an object, zero date.
    let h: WebhookHistory = serde_json::from_value(json!({
        "WebhookEventID": 5, "SentContent": filled_event_json(), "ResponseStatus": 200,
        "ResponseContent": null, "SentDate": "0001-01-01T00:00:00Z"
    }))
    .unwrap();
    assert_eq!(h.webhook_event_id.as_str(), "5");
    assert_eq!(h.response_status, "200");
    assert_eq!(h.response_content, "");
    assert_eq!(h.sent_date, None);
    assert_eq!(h.event().unwrap().booking.code, "4821");
}

#[test]
fn double_encoded_sent_content_is_unwrapped() {
    let twice = serde_json::to_string(&filled_event_json().to_string()).unwrap();
    let h = WebhookHistory {
        sent_content: twice,
        ..Default::default()
    };
    assert_eq!(h.event().unwrap().event_name, ObjectStatus::Dropoff);
}

#[test]
fn bad_sent_content_is_an_error_value_without_the_content() {
    let body = json!({"history": [
        {"WebhookEventID": "a", "SentContent": "{\"tablekey\": \"x\", \"booking\": {\"code\": \"9876\""},
        {"WebhookEventID": "b", "SentContent": "not json at all 9876"},
        {"WebhookEventID": "c", "SentContent": ""},
        {"WebhookEventID": "d", "SentContent": "[1,2]"},
        {"WebhookEventID": "e", "SentContent": filled_event_json().to_string()}
    ]});
    let h: HistoryResponse = serde_json::from_value(body).unwrap();
    assert_eq!(h.history.len(), 5);
    let results: Vec<_> = h.history.iter().map(WebhookHistory::event).collect();
    for (i, r) in results.iter().take(4).enumerate() {
        let err = r.as_ref().expect_err("should not parse");
        assert_eq!(err.webhook_event_id, h.history[i].webhook_event_id);
        assert!(!err.to_string().contains("9876"), "{err}");
    }
    assert_eq!(results[0].as_ref().unwrap_err().category, "eof");
    assert_eq!(results[1].as_ref().unwrap_err().category, "syntax");
    assert_eq!(results[3].as_ref().unwrap_err().category, "data");
    assert!(results[4].is_ok());
}

#[test]
fn appointments_tolerate_missing_fields_and_skip_entries_without_id() {
    let body = json!({"appointments": [
        {"id": 1, "license_plate": "AB-12-CD", "customer_name": "Jansen",
         "planned_at": "2024-03-29T09:00:00Z", "keys_in_locker": true},
        {"ID": "2", "licensePlate": "XY-99-ZZ", "plannedAt": "not a date"},
        {"AppointmentID": 3, "CustomerName": "De Vries", "KeysInLocker": "false"},
        {"license_plate": "no id"},
        {"id": "abc"}
    ]});
    let r: AppointmentsResponse = serde_json::from_value(body).unwrap();
    let ids: Vec<u64> = r.appointments.iter().map(|a| a.id.0).collect();
    assert_eq!(ids, [1, 2, 3]);
    let a = &r.appointments[0];
    assert_eq!(a.license_plate, "AB-12-CD");
    assert_eq!(a.customer_name, "Jansen");
    assert!(a.planned_at.is_some());
    assert_eq!(a.keys_in_locker, Some(true));
    let b = &r.appointments[1];
    assert_eq!(b.license_plate, "XY-99-ZZ");
    assert_eq!(b.customer_name, "");
    assert_eq!(b.planned_at, None);
    assert_eq!(b.keys_in_locker, None);
    assert_eq!(r.appointments[2].keys_in_locker, Some(false));
    let empty: AppointmentsResponse = serde_json::from_str(r#"{"appointments": null}"#).unwrap();
    assert!(empty.appointments.is_empty());
}

#[test]
fn drop_back_request_matches_document_shape() {
    let req = DropBackRequest {
        locker_system_id: LockerSystemId::from("151"),
        appointment_id: AppointmentId(7),
        appointment_note_id: None,
    };
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        json!({"locker_system_id": "151", "appointment_id": 7, "appointment_note_id": null})
    );
    let with_note = DropBackRequest {
        appointment_note_id: Some(AppointmentNoteId(3)),
        ..req.clone()
    };
    assert_eq!(
        serde_json::to_value(&with_note).unwrap()["appointment_note_id"],
        3
    );
    // The document's example body parses (emulator side).
    let doc: DropBackRequest = serde_json::from_str(
        r#"{"locker_system_id": "", "appointment_id": 0, "appointment_note_id": null}"#,
    )
    .unwrap();
    assert_eq!(doc.appointment_id, AppointmentId(0));
    assert!(doc.locker_system_id.is_empty());
}

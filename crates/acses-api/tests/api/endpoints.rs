//! One test per endpoint: method, path, bearer header, request body, and the
//! decoded response.

use acses_api::*;
use serde_json::json;
use wiremock::matchers::{bearer_token, body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{client, client_for, fast_retry, TOKEN};

fn post(p: &str) -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path(p))
        .and(bearer_token(TOKEN))
}

#[tokio::test]
async fn list_available_lockers_posts_location_and_decodes_lockers() {
    let server = MockServer::start().await;
    post("/v1/employees/list_available_lockers")
        .and(body_json(json!({"dealer_location_id": 82})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"lockers": [
            {"ID": 151, "Name": "Werkplaats", "Active": true},
            {"id": "152", "name": "Old", "active": false}
        ]})))
        .expect(1)
        .mount(&server)
        .await;

    let lockers = client(&server)
        .list_available_lockers(DealerLocationId(82))
        .await
        .unwrap();
    assert_eq!(
        lockers,
        vec![
            LockerSystem {
                id: "151".into(),
                name: "Werkplaats".into(),
                active: true
            },
            LockerSystem {
                id: "152".into(),
                name: "Old".into(),
                active: false
            },
        ]
    );
}

#[tokio::test]
async fn list_available_lockers_document_example_is_empty() {
    let server = MockServer::start().await;
    post("/v1/employees/list_available_lockers")
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"lockers": []}"#))
        .mount(&server)
        .await;
    let lockers = client(&server)
        .list_available_lockers(DealerLocationId(0))
        .await
        .unwrap();
    assert!(lockers.is_empty());
}

#[tokio::test]
async fn pickup_posts_appointment_and_returns_pin() {
    let server = MockServer::start().await;
    post("/v1/employees/pickup")
        .and(body_json(json!({"appointment_id": 5})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acses_pin": "4821"})))
        .expect(1)
        .mount(&server)
        .await;
    let pin = client(&server).pickup(AppointmentId(5)).await.unwrap();
    assert_eq!(pin.as_ref().map(Pin::expose), Some("4821"));
}

#[tokio::test]
async fn pickup_null_pin_is_none() {
    let server = MockServer::start().await;
    post("/v1/employees/pickup")
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"acses_pin": null}"#))
        .mount(&server)
        .await;
    assert_eq!(
        client(&server).pickup(AppointmentId(1)).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn assist_pickup_posts_appointment_and_returns_pin() {
    let server = MockServer::start().await;
    post("/v1/employees/assist_pickup")
        .and(body_json(json!({"appointment_id": 77})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acses_pin": 9012})))
        .expect(1)
        .mount(&server)
        .await;
    let pin = client(&server)
        .assist_pickup(AppointmentId(77))
        .await
        .unwrap();
    assert_eq!(pin.as_ref().map(Pin::expose), Some("9012"));
}

#[tokio::test]
async fn drop_back_posts_document_body_and_returns_pin() {
    let server = MockServer::start().await;
    post("/v1/employees/drop_back")
        .and(body_json(json!({
            "locker_system_id": "151",
            "appointment_id": 5,
            "appointment_note_id": null
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acses_pin": "7777"})))
        .expect(1)
        .mount(&server)
        .await;
    post("/v1/employees/drop_back")
        .and(body_json(json!({
            "locker_system_id": "151",
            "appointment_id": 6,
            "appointment_note_id": 3
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acses_pin": ""})))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server);
    let mut req = DropBackRequest {
        locker_system_id: "151".into(),
        appointment_id: AppointmentId(5),
        appointment_note_id: None,
    };
    let pin = c.drop_back(&req).await.unwrap();
    assert_eq!(pin.as_ref().map(Pin::expose), Some("7777"));
    req.appointment_id = AppointmentId(6);
    req.appointment_note_id = Some(AppointmentNoteId(3));
    assert_eq!(c.drop_back(&req).await.unwrap(), None, "empty PIN is None");
}

fn history_body() -> serde_json::Value {
    let event = json!({
        "tablekey": "ev-1", "lockersystem": "151", "cellnumber": "7",
        "eventName": "checkout", "eventDate": "2024-03-29T10:15:30Z",
        "booking": {"tablekey": "bk", "code": "4821", "state": "USED"}
    });
    json!({"history": [
        {"WebhookEventID": "ev-1", "SentContent": event.to_string(), "ResponseStatus": "200",
         "ResponseContent": "", "SentDate": "2024-03-29T10:15:31Z"},
        {"WebhookEventID": "ev-2", "SentContent": "garbage", "ResponseStatus": "500",
         "ResponseContent": "boom", "SentDate": "0001-01-01T00:00:00Z"}
    ]})
}

#[tokio::test]
async fn events_history_posts_location_and_decodes_entries() {
    let server = MockServer::start().await;
    post("/v1/events/history")
        .and(body_json(json!({"dealer_location_id": 82})))
        .respond_with(ResponseTemplate::new(200).set_body_json(history_body()))
        .expect(1)
        .mount(&server)
        .await;
    let history = client(&server)
        .events_history(DealerLocationId(82))
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    let ev = history[0].event().unwrap();
    assert_eq!(ev.event_name, ObjectStatus::Checkout);
    assert_eq!(ev.booking.code, "4821");
    assert!(history[1].event().is_err());
    assert_eq!(history[1].sent_date, None);
}

#[tokio::test]
async fn events_history_document_example_and_null() {
    let server = MockServer::start().await;
    post("/v1/events/history")
        .and(body_json(json!({"dealer_location_id": 1})))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"history": []}"#))
        .mount(&server)
        .await;
    post("/v1/events/history")
        .and(body_json(json!({"dealer_location_id": 2})))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"history": null}"#))
        .mount(&server)
        .await;
    let c = client(&server);
    assert!(c
        .events_history(DealerLocationId(1))
        .await
        .unwrap()
        .is_empty());
    assert!(c
        .events_history(DealerLocationId(2))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn events_history_raw_returns_the_exact_body() {
    let server = MockServer::start().await;
    let raw = history_body().to_string();
    post("/v1/events/history")
        .and(body_json(json!({"dealer_location_id": 82})))
        .respond_with(ResponseTemplate::new(200).set_body_string(raw.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let bytes = client(&server)
        .events_history_raw(DealerLocationId(82))
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), raw.as_bytes());
}

/// The history buffer is sized from the previous answer: a body far larger or smaller than the
/// last one must still arrive whole (gzip, so no Content-Length tells the size).
#[tokio::test]
async fn events_history_raw_reads_whole_bodies_that_grow_and_shrink() {
    let server = MockServer::start().await;
    let entry = history_body()[0].to_string();
    let sizes = [1usize, 2_000, 10, 5_000, 0];
    let client = client(&server);
    for (i, n) in sizes.iter().enumerate() {
        let body = format!("[{}]", vec![entry.as_str(); *n].join(","));
        let gz = {
            use std::io::Write as _;
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(body.as_bytes()).unwrap();
            enc.finish().unwrap()
        };
        server.reset().await;
        post("/v1/events/history")
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-encoding", "gzip")
                    .set_body_raw(gz, "application/json"),
            )
            .mount(&server)
            .await;
        let got = client.events_history_raw(DealerLocationId(82)).await;
        assert_eq!(
            got.unwrap().as_ref(),
            body.as_bytes(),
            "poll {i} of {n} entries"
        );
    }
}

#[tokio::test]
async fn events_handler_posts_the_handler_body() {
    let server = MockServer::start().await;
    let body = json!({
        "tablekey": "ev-9", "lockersystem": "151", "cellnumber": "3",
        "eventName": "dropoff", "eventDate": "2024-03-29T10:15:30Z",
        "booking": {
            "tablekey": "bk-1", "name": "Jansen", "tag": "AB-12", "state": "BOOKED",
            "startDate": "2024-03-29T08:00:00Z", "endDate": "0001-01-01T00:00:00Z",
            "code": "4821", "create": "2024-03-29T07:00:00Z", "lastaction": "",
            "lockercell": "3", "lockercellTablekey": "c3", "objectTablekey": "o1",
            "siteTablekey": "151"
        }
    });
    post("/v1/events/handler")
        .and(body_json(body.clone()))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let event: WebhookEvent = serde_json::from_value(body).unwrap();
    client(&server).events_handler(&event).await.unwrap();
}

#[tokio::test]
async fn simulate_gets_with_encoded_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/events/simulate"))
        .and(bearer_token(TOKEN))
        .and(query_param("location_id", "82"))
        .and(query_param("locker_system_id", "151"))
        .and(query_param("code", "12 3&4=5"))
        .and(query_param("action", "checkout"))
        .respond_with(ResponseTemplate::new(200).set_body_string("whatever"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .simulate(
            DealerLocationId(82),
            &LockerSystemId::from("151"),
            "12 3&4=5",
            ObjectStatus::Checkout,
        )
        .await
        .unwrap();
    let req = &server.received_requests().await.unwrap()[0];
    let query = req.url.query().unwrap_or_default();
    assert!(query.contains("code=12+3%264%3D5"), "{query}");
    assert!(req.body.is_empty());
}

#[tokio::test]
async fn list_appointments_posts_location_and_decodes() {
    let server = MockServer::start().await;
    post("/v1/appointments/list")
        .and(body_json(json!({"dealer_location_id": 82})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"appointments": [
                {"id": 1001, "license_plate": "AB-12-CD", "customer_name": "Jansen",
                 "planned_at": "2024-03-29T09:00:00Z", "keys_in_locker": false},
                {"id": "1002"},
                {"name": "no id, skipped"}
            ]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let list = client(&server)
        .list_appointments(DealerLocationId(82))
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, AppointmentId(1001));
    assert_eq!(list[0].license_plate, "AB-12-CD");
    assert_eq!(list[0].keys_in_locker, Some(false));
    assert_eq!(list[1].id, AppointmentId(1002));
    assert_eq!(list[1].customer_name, "");
}

#[tokio::test]
async fn base_url_with_path_prefix_with_and_without_slash() {
    let server = MockServer::start().await;
    post("/api/acses/v1/employees/pickup")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acses_pin": "1"})))
        .expect(2)
        .mount(&server)
        .await;
    for base in [
        format!("{}/api/acses", server.uri()),
        format!("{}/api/acses/", server.uri()),
    ] {
        let c = client_for(&base, fast_retry());
        assert!(
            c.pickup(AppointmentId(1)).await.unwrap().is_some(),
            "{base}"
        );
    }
}

#[tokio::test]
async fn gzip_responses_are_decoded() {
    let server = MockServer::start().await;
    let body = br#"{"lockers": [{"id": "151", "name": "Gz", "active": true}]}"#;
    post("/v1/employees/list_available_lockers")
        .and(wiremock::matchers::header_regex("accept-encoding", "gzip"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .insert_header("content-type", "application/json")
                .set_body_bytes(gzip_stored(body)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let lockers = client(&server)
        .list_available_lockers(DealerLocationId(1))
        .await
        .unwrap();
    assert_eq!(lockers[0].name, "Gz");
}

/// A gzip member holding `data` in one stored (uncompressed) deflate block:
/// valid gzip without a compression library.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).expect("small body");
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    out.push(0x01); // BFINAL, stored
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

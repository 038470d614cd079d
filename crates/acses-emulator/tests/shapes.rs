//! Every history shape the emulator serves (crate docs of `shape`): the answer on the wire has that
//! shape, and the kiosk's client (`acses-api`) still decodes it. Also the clock offset (event dates
//! and the `Date` header) and recycled PIN codes.

use std::num::NonZeroUsize;
use std::sync::Arc;

use acses_api::{
    AppointmentId, Client, ClientConfig, DealerLocationId, DropBackRequest, LockerSystemId,
    ObjectStatus, RetryPolicy, WebhookHistory,
};
use acses_emulator::{
    http_date, spawn_with_state, EmulatorConfig, EmulatorState, Fault, HistoryOrder, HistoryShape,
    IdFormat, KeyCase, ManualClock, RunningEmulator, World,
};
use axum::http::StatusCode;
use serde_json::Value;
use time::macros::datetime;
use time::OffsetDateTime;

const START: OffsetDateTime = datetime!(2024-06-12 08:00 UTC);
const WERKPLAATS: DealerLocationId = DealerLocationId(82);
/// Keys in locker 151, cell 3.
const KEYS_IN: AppointmentId = AppointmentId(120301);
const SEEDED: usize = 6;

fn locker(id: &str) -> LockerSystemId {
    LockerSystemId(id.to_owned())
}

/// An emulator on a socket with a manual clock and `config`, and the kiosk's client for it.
async fn start(config: EmulatorConfig) -> (RunningEmulator, Client) {
    let clock = ManualClock::new(START);
    let state = EmulatorState::with_clock(config, World::demo_at(START), Arc::new(clock));
    let emulator = spawn_with_state(state, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("bind a loopback port");
    let client = Client::new(
        ClientConfig::new(emulator.base_url(), emulator.token().to_owned())
            .with_retry(RetryPolicy::none()),
    )
    .expect("client config");
    (emulator, client)
}

/// A history with seeded past events and one checkout door event of a PIN issued now (the
/// newest entry). Returns the PIN.
async fn door_event(emulator: &RunningEmulator, client: &Client) -> String {
    emulator.state().seed_history(82, SEEDED);
    let pin = client.pickup(KEYS_IN).await.unwrap().expect("a PIN");
    client
        .simulate(
            WERKPLAATS,
            &locker("151"),
            pin.expose(),
            ObjectStatus::Checkout,
        )
        .await
        .unwrap();
    pin.expose().to_owned()
}

fn shaped(shape: HistoryShape) -> EmulatorConfig {
    EmulatorConfig {
        history_shape: shape,
        ..EmulatorConfig::with_generated_token()
    }
}

/// The raw answer as JSON, and what the client decodes from it.
async fn both(client: &Client) -> (Value, Vec<WebhookHistory>) {
    let raw = client.events_history_raw(WERKPLAATS).await.unwrap();
    let decoded = client.events_history(WERKPLAATS).await.unwrap();
    (serde_json::from_slice(&raw).expect("JSON"), decoded)
}

fn ids(history: &[WebhookHistory]) -> Vec<String> {
    history
        .iter()
        .map(|h| h.webhook_event_id.as_str().to_owned())
        .collect()
}

/// What the client must read from the door event whatever the shape.
fn assert_door_event(entry: &WebhookHistory, pin: &str) {
    assert_eq!(entry.response_status, "200");
    assert!(entry.sent_date.is_some(), "sent date decoded");
    let event = entry
        .event()
        .expect("the content decodes as a webhook event");
    assert_eq!(event.event_id, entry.webhook_event_id);
    assert_eq!(event.event_name, ObjectStatus::Checkout);
    assert_eq!(event.locker_system_id.as_str(), "151");
    assert_eq!(event.cell_number.as_str(), "3");
    assert!(event.event_date.is_some());
    assert_eq!(event.booking.code, pin);
    assert_eq!(event.booking.locker_system_id.as_str(), "151");
    assert_eq!(event.booking.locker_cell_number.as_str(), "3");
    assert_eq!(event.booking.locker_cell_id.as_str(), "151003");
    assert_eq!(event.booking.object_id.as_str(), "120301");
    assert!(!event.booking.id.as_str().is_empty());
    assert!(event.booking.end_date.is_some() && event.booking.created.is_some());
}

/// The oldest-first, whole-history ids of the default shape for the same world.
async fn default_ids() -> Vec<String> {
    let (emulator, client) = start(EmulatorConfig::with_generated_token()).await;
    door_event(&emulator, &client).await;
    ids(&client.events_history(WERKPLAATS).await.unwrap())
}

#[tokio::test]
async fn the_default_shape_is_oldest_first_snake_case_with_string_ids() {
    let (emulator, client) = start(EmulatorConfig::with_generated_token()).await;
    let pin = door_event(&emulator, &client).await;
    let (raw, decoded) = both(&client).await;
    let entries = raw["history"].as_array().unwrap();
    assert_eq!(entries.len(), SEEDED + 1);
    let keys: Vec<&str> = entries[0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    for key in [
        "webhook_event_id",
        "sent_content",
        "response_status",
        "response_content",
        "sent_date",
    ] {
        assert!(keys.contains(&key), "{keys:?}");
    }
    assert!(entries[0]["webhook_event_id"].is_string());
    let dates: Vec<_> = decoded.iter().map(|h| h.sent_date.unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    assert_door_event(decoded.last().unwrap(), &pin);
}

#[tokio::test]
async fn newest_first_lists_the_same_entries_reversed() {
    let oldest_first = default_ids().await;
    let (emulator, client) = start(shaped(HistoryShape {
        order: HistoryOrder::NewestFirst,
        ..HistoryShape::default()
    }))
    .await;
    let pin = door_event(&emulator, &client).await;
    let (_, decoded) = both(&client).await;
    let mut newest_first = ids(&decoded);
    assert_door_event(&decoded[0], &pin);
    let dates: Vec<_> = decoded.iter().map(|h| h.sent_date.unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    newest_first.reverse();
    assert_eq!(newest_first, oldest_first);
}

#[tokio::test]
async fn a_window_serves_only_the_newest_entries() {
    let oldest_first = default_ids().await;
    let (emulator, client) = start(shaped(HistoryShape {
        window: NonZeroUsize::new(3),
        ..HistoryShape::default()
    }))
    .await;
    let pin = door_event(&emulator, &client).await;
    let (_, decoded) = both(&client).await;
    assert_eq!(ids(&decoded), oldest_first[oldest_first.len() - 3..]);
    assert_door_event(decoded.last().unwrap(), &pin);
}

#[tokio::test]
async fn numeric_ids_are_json_numbers_the_client_reads_as_text() {
    let (emulator, client) = start(shaped(HistoryShape {
        ids: IdFormat::Numeric,
        ..HistoryShape::default()
    }))
    .await;
    let pin = door_event(&emulator, &client).await;
    let (raw, decoded) = both(&client).await;
    let entry = raw["history"].as_array().unwrap().last().unwrap().clone();
    assert!(entry["webhook_event_id"].is_u64(), "{entry}");
    let content: Value = serde_json::from_str(entry["sent_content"].as_str().unwrap()).unwrap();
    for id in [
        &content["tablekey"],
        &content["lockersystem"],
        &content["cellnumber"],
    ] {
        assert!(id.is_u64(), "{content}");
    }
    let booking = &content["booking"];
    for key in [
        "tablekey",
        "lockercell",
        "lockercellTablekey",
        "objectTablekey",
        "siteTablekey",
    ] {
        assert!(booking[key].is_u64(), "{key}: {booking}");
    }
    assert!(booking["code"].is_string(), "codes are not ids");
    assert_eq!(
        entry["webhook_event_id"].to_string(),
        decoded.last().unwrap().webhook_event_id.as_str()
    );
    assert_door_event(decoded.last().unwrap(), &pin);
}

#[tokio::test]
async fn every_key_casing_of_entries_and_events_is_served_and_decoded() {
    // Entry casing: the list's key, the entry's id, content and date keys (spelled out here, not
    // computed, so the test does not share the emulator's casing code).
    let entry_cases = [
        (
            KeyCase::Snake,
            "history",
            "webhook_event_id",
            "sent_content",
            "sent_date",
        ),
        (
            KeyCase::Camel,
            "history",
            "webhookEventId",
            "sentContent",
            "sentDate",
        ),
        (
            KeyCase::Pascal,
            "History",
            "WebhookEventId",
            "SentContent",
            "SentDate",
        ),
        (
            KeyCase::Document,
            "history",
            "WebhookEventID",
            "SentContent",
            "SentDate",
        ),
    ];
    // Event casing inside `sent_content`: the event id, the booking and its locker key.
    let event_cases = [
        (None, "tablekey", "booking", "siteTablekey"),
        (
            Some(KeyCase::Snake),
            "webhook_event_id",
            "booking",
            "locker_system_id",
        ),
        (
            Some(KeyCase::Camel),
            "webhookEventId",
            "booking",
            "lockerSystemId",
        ),
        (
            Some(KeyCase::Pascal),
            "WebhookEventId",
            "Booking",
            "LockerSystemId",
        ),
        (
            Some(KeyCase::Document),
            "WebhookEventID",
            "Booking",
            "LockerSystemID",
        ),
    ];
    for (keys, list, id, content_key, date) in entry_cases {
        for (events, event_id, booking, locker_key) in event_cases {
            let (emulator, client) = start(shaped(HistoryShape {
                keys,
                event_keys: events,
                ..HistoryShape::default()
            }))
            .await;
            let pin = door_event(&emulator, &client).await;
            let (raw, decoded) = both(&client).await;
            let entry = raw[list]
                .as_array()
                .unwrap_or_else(|| panic!("{list}: {raw}"))
                .last()
                .unwrap();
            assert!(
                entry[id].is_string() && entry[date].is_string(),
                "{keys:?}: {entry}"
            );
            let content: Value =
                serde_json::from_str(entry[content_key].as_str().unwrap()).unwrap();
            assert!(content[event_id].is_string(), "{events:?}: {content}");
            assert!(
                content[booking][locker_key].is_string(),
                "{events:?}: {content}"
            );
            assert_eq!(decoded.len(), SEEDED + 1, "{keys:?} / {events:?}");
            assert_door_event(decoded.last().unwrap(), &pin);
        }
    }
}

#[tokio::test]
async fn numeric_codes_are_json_numbers_and_lose_their_leading_zeros() {
    let (emulator, client) = start(shaped(HistoryShape {
        codes_as_numbers: true,
        ..HistoryShape::default()
    }))
    .await;
    // A code with a leading zero, as ACSES would post it to the handler.
    let event = serde_json::json!({
        "tablekey": "acses-1", "lockersystem": "151", "cellnumber": "4",
        "eventName": "checkout", "eventDate": "2024-06-12T08:00:00Z",
        "booking": {"tablekey": "b-1", "code": "012345", "siteTablekey": "151"}
    });
    let reply = reqwest::Client::new()
        .post(format!("{}/v1/events/handler", emulator.base_url()))
        .bearer_auth(emulator.token())
        .json(&event)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    let pin = door_event(&emulator, &client).await;
    let (raw, decoded) = both(&client).await;
    let entries = raw["history"].as_array().unwrap();
    let codes: Vec<Value> = entries
        .iter()
        .map(|e| serde_json::from_str::<Value>(e["sent_content"].as_str().unwrap()).unwrap())
        .map(|c| c["booking"]["code"].clone())
        .collect();
    assert!(codes.iter().all(Value::is_u64), "{codes:?}");
    assert_eq!(codes[SEEDED], 12345);
    // The client reads a number as its digits: the zero is gone, as the document warns.
    let leading_zero = decoded
        .iter()
        .find(|h| h.webhook_event_id.as_str() == "acses-1")
        .unwrap();
    assert_eq!(leading_zero.event().unwrap().booking.code, "12345");
    let newest = decoded.last().unwrap();
    assert_eq!(
        newest.event().unwrap().booking.code,
        pin.parse::<u64>().unwrap().to_string(),
        "a PIN without a leading zero reads back whole"
    );
}

#[tokio::test]
async fn duplicated_entries_are_served_twice_in_a_row() {
    let oldest_first = default_ids().await;
    let (emulator, client) = start(shaped(HistoryShape {
        duplicate_every: NonZeroUsize::new(2),
        ..HistoryShape::default()
    }))
    .await;
    door_event(&emulator, &client).await;
    let (_, decoded) = both(&client).await;
    let expected: Vec<String> = oldest_first
        .iter()
        .enumerate()
        .flat_map(|(i, id)| {
            let times = if (i + 1) % 2 == 0 { 2 } else { 1 };
            vec![id.clone(); times]
        })
        .collect();
    assert_eq!(ids(&decoded), expected);
    assert_eq!(decoded[1], decoded[2], "the very same delivery");
}

#[tokio::test]
async fn every_shape_at_once_still_decodes() {
    let (emulator, client) = start(shaped(HistoryShape {
        order: HistoryOrder::NewestFirst,
        window: NonZeroUsize::new(4),
        ids: IdFormat::Numeric,
        keys: KeyCase::Pascal,
        event_keys: Some(KeyCase::Pascal),
        codes_as_numbers: true,
        duplicate_every: NonZeroUsize::new(1),
    }))
    .await;
    let pin = door_event(&emulator, &client).await;
    let (_, decoded) = both(&client).await;
    assert_eq!(decoded.len(), 4);
    assert_eq!(decoded[0], decoded[1]);
    // A code served as a number loses its leading zeros on the wire (issue 11 matches on that).
    let as_number = pin.parse::<u64>().unwrap().to_string();
    assert_door_event(&decoded[0], &as_number);
}

#[tokio::test]
async fn a_clock_offset_moves_event_dates_and_the_date_header() {
    let offset = time::Duration::seconds(-90);
    let (emulator, client) = start(EmulatorConfig {
        clock_offset: offset,
        ..EmulatorConfig::with_generated_token()
    })
    .await;
    let pin = client.pickup(KEYS_IN).await.unwrap().unwrap();
    client
        .simulate(
            WERKPLAATS,
            &locker("151"),
            pin.expose(),
            ObjectStatus::Checkout,
        )
        .await
        .unwrap();
    let history = client.events_history(WERKPLAATS).await.unwrap();
    let service_now = START + offset;
    assert_eq!(history[0].sent_date.unwrap().0, service_now);
    assert_eq!(
        history[0].event().unwrap().event_date.unwrap().0,
        service_now
    );

    let http = reqwest::Client::new();
    let lockers = format!(
        "{}/v1/employees/list_available_lockers",
        emulator.base_url()
    );
    let date = |reply: &reqwest::Response| {
        let headers = reply.headers().get_all("date").iter().count();
        assert_eq!(headers, 1, "one Date header");
        reply.headers()["date"].to_str().unwrap().to_owned()
    };
    let reply = http
        .post(&lockers)
        .bearer_auth(emulator.token())
        .json(&serde_json::json!({"dealer_location_id": 82}))
        .send()
        .await
        .unwrap();
    assert_eq!(date(&reply), http_date(service_now));
    assert_eq!(date(&reply), "Wed, 12 Jun 2024 07:58:30 GMT");
    // Faulted answers and errors carry the service's clock too.
    emulator.state().fail_next(
        1,
        Fault {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after_secs: Some(1),
        },
    );
    let limited = http
        .post(&lockers)
        .bearer_auth(emulator.token())
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(date(&limited), http_date(service_now));
    let unauthorized = http.post(&lockers).send().await.unwrap();
    assert_eq!(unauthorized.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(date(&unauthorized), http_date(service_now));
}

#[tokio::test]
async fn on_the_real_clock_the_date_header_is_now_plus_the_offset() {
    let config = EmulatorConfig {
        clock_offset: time::Duration::hours(-2),
        ..EmulatorConfig::with_generated_token()
    };
    let emulator = acses_emulator::spawn(config, World::demo(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let before = OffsetDateTime::now_utc();
    let reply = reqwest::get(format!("{}/health", emulator.base_url()))
        .await
        .unwrap();
    let after = OffsetDateTime::now_utc();
    let date = reply.headers()["date"].to_str().unwrap().to_owned();
    let two_hours = time::Duration::hours(2);
    let candidates: Vec<String> = [before, after]
        .into_iter()
        .map(|t| http_date(t - two_hours))
        .collect();
    assert!(candidates.contains(&date), "{date} not in {candidates:?}");
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_recycled_code_already_sits_in_the_history_with_an_old_door_event() {
    let (_emulator, client) = start(EmulatorConfig {
        recycle_codes: true,
        ..EmulatorConfig::with_generated_token()
    })
    .await;
    let pin = client.pickup(KEYS_IN).await.unwrap().unwrap();
    client
        .simulate(
            WERKPLAATS,
            &locker("151"),
            pin.expose(),
            ObjectStatus::Checkout,
        )
        .await
        .unwrap();
    // The keys go back: the drop-off PIN is the code the finished checkout used.
    let request = DropBackRequest {
        locker_system_id: locker("151"),
        appointment_id: KEYS_IN,
        appointment_note_id: None,
    };
    let again = client.drop_back(&request).await.unwrap().unwrap();
    assert_eq!(again.expose(), pin.expose());
    let history = client.events_history(WERKPLAATS).await.unwrap();
    let old = history[0].event().unwrap();
    assert_eq!(
        (old.event_name, old.booking.code.as_str()),
        (ObjectStatus::Checkout, pin.expose())
    );
    // The new door event carries the same code under another booking.
    client
        .simulate(
            WERKPLAATS,
            &locker("151"),
            again.expose(),
            ObjectStatus::Dropoff,
        )
        .await
        .unwrap();
    let history = client.events_history(WERKPLAATS).await.unwrap();
    let events: Vec<_> = history.iter().map(|h| h.event().unwrap()).collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].event_name, ObjectStatus::Dropoff);
    assert_eq!(events[0].booking.code, events[1].booking.code);
    assert_ne!(events[0].booking.id, events[1].booking.id);
}

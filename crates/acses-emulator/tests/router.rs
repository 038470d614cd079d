//! Router tests without a socket (`tower::ServiceExt::oneshot`), on the demo world with a manual
//! clock.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use acses_emulator::wire::WebhookEvent;
use acses_emulator::{
    app, Booking, BookingKind, BookingState, EmulatorConfig, EmulatorState, Fault, HistoryEntry,
    LockerSystem, ManualClock, World,
};
use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use time::macros::datetime;
use time::OffsetDateTime;
use tower::ServiceExt;

const TOKEN: &str = "test-token";
const START: OffsetDateTime = datetime!(2024-06-12 08:00 UTC);

/// Appointment 120301 (GX-123-B) has its keys in cell 3 of locker 151; 120302 has none in.
const KEYS_IN: u64 = 120301;
const KEYS_OUT: u64 = 120302;
const SHOWROOM_KEYS_OUT: u64 = 120311;

struct Harness {
    state: EmulatorState,
    clock: ManualClock,
    router: Router,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn pin(&self) -> Option<String> {
        assert_eq!(self.status, StatusCode::OK, "{:?}", self.json());
        self.json()["acses_pin"].as_str().map(str::to_owned)
    }

    /// Asserts the JSON error format and returns its code.
    fn error(&self, status: StatusCode) -> (String, String) {
        assert_eq!(
            self.status,
            status,
            "{:?}",
            String::from_utf8_lossy(&self.body)
        );
        let body = self.json();
        let code = body["error"].as_str().expect("error code").to_owned();
        let message = body["message"].as_str().expect("error message").to_owned();
        assert!(!message.is_empty());
        (code, message)
    }
}

fn harness_with(config: EmulatorConfig) -> Harness {
    let clock = ManualClock::new(START);
    let state = EmulatorState::with_clock(config, World::demo_at(START), Arc::new(clock.clone()));
    Harness {
        router: app(state.clone()),
        state,
        clock,
    }
}

fn harness() -> Harness {
    harness_with(EmulatorConfig {
        token: TOKEN.into(),
        ..EmulatorConfig::default()
    })
}

impl Harness {
    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn post_raw(&self, path: &str, body: &str) -> Reply {
        let request = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_owned()))
            .expect("request");
        self.send(request).await
    }

    async fn post(&self, path: &str, body: Value) -> Reply {
        self.post_raw(path, &body.to_string()).await
    }

    async fn get(&self, path_and_query: &str) -> Reply {
        let request = Request::get(path_and_query)
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::empty())
            .expect("request");
        self.send(request).await
    }

    async fn pickup(&self, appointment: u64) -> Reply {
        self.post(
            "/v1/employees/pickup",
            json!({ "appointment_id": appointment }),
        )
        .await
    }

    async fn drop_back(&self, locker: Value, appointment: u64) -> Reply {
        self.post(
            "/v1/employees/drop_back",
            json!({ "locker_system_id": locker, "appointment_id": appointment, "appointment_note_id": null }),
        )
        .await
    }

    async fn simulate(&self, location: u64, locker: &str, code: &str, action: &str) -> Reply {
        self.get(&format!(
            "/v1/events/simulate?location_id={location}&locker_system_id={locker}&code={code}&action={action}"
        ))
        .await
    }

    async fn history(&self, location: u64) -> Vec<Value> {
        let reply = self
            .post(
                "/v1/events/history",
                json!({ "dealer_location_id": location }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()["history"]
            .as_array()
            .expect("history array")
            .clone()
    }

    async fn appointment(&self, id: u64, location: u64) -> Value {
        let reply = self
            .post(
                "/v1/appointments/list",
                json!({ "dealer_location_id": location }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()["appointments"]
            .as_array()
            .expect("appointments")
            .iter()
            .find(|a| a["id"] == id)
            .cloned()
            .expect("appointment listed")
    }

    fn booking_with_code(&self, code: &str) -> Booking {
        self.state
            .snapshot()
            .bookings
            .into_iter()
            .find(|b| b.code.as_str() == code)
            .expect("booking with that code")
    }

    fn cell_occupant(&self, locker: &str, cell: u32) -> Option<u64> {
        self.state
            .with_world(|w| w.locker(locker)?.cell(cell)?.occupant)
    }

    /// Everything a failed call must leave untouched.
    fn fingerprint(&self) -> (Vec<Booking>, Vec<LockerSystem>, Vec<HistoryEntry>) {
        let world = self.state.snapshot();
        (world.bookings, world.lockers, world.history.into_vec())
    }
}

fn parse_event(entry: &Value) -> WebhookEvent {
    let content = entry["sent_content"].as_str().expect("sent_content string");
    serde_json::from_str(content).expect("sent_content is the handler body format")
}

const V1_ROUTES: [(&str, &str); 8] = [
    ("POST", "/v1/events/history"),
    ("POST", "/v1/events/handler"),
    (
        "GET",
        "/v1/events/simulate?location_id=82&locker_system_id=151&code=1&action=dropoff",
    ),
    ("POST", "/v1/employees/list_available_lockers"),
    ("POST", "/v1/employees/pickup"),
    ("POST", "/v1/employees/assist_pickup"),
    ("POST", "/v1/employees/drop_back"),
    ("POST", "/v1/appointments/list"),
];

// ---------------------------------------------------------------- routing, auth, error format

#[tokio::test]
async fn health_answers_without_a_token() {
    let h = harness();
    for path in ["/health", "/api/acses/health"] {
        let reply = h
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.json()["status"], "ok");
    }
}

#[tokio::test]
async fn every_v1_route_rejects_a_missing_or_wrong_token_with_401() {
    let h = harness();
    for prefix in ["", "/api/acses"] {
        for (method, path) in V1_ROUTES {
            for auth in [
                None,
                Some("Bearer wrong-token".to_owned()),
                Some(TOKEN.to_owned()),
                Some(format!("Basic {TOKEN}")),
            ] {
                let mut request = Request::builder()
                    .method(Method::from_bytes(method.as_bytes()).unwrap())
                    .uri(format!("{prefix}{path}"));
                if let Some(auth) = &auth {
                    request = request.header(header::AUTHORIZATION, auth);
                }
                let reply = h
                    .send(
                        request
                            .body(Body::from(r#"{"appointment_id":120301}"#))
                            .unwrap(),
                    )
                    .await;
                let (code, _) = reply.error(StatusCode::UNAUTHORIZED);
                assert_eq!(code, "unauthorized", "{method} {path} {auth:?}");
                assert_eq!(reply.headers[header::WWW_AUTHENTICATE], "Bearer");
            }
        }
    }
    // Nothing was issued by the rejected calls.
    assert!(h.state.snapshot().bookings.is_empty());
}

#[tokio::test]
async fn unknown_paths_are_404_json() {
    let h = harness();
    for path in [
        "/v1/employees/pick_up",
        "/v2/events/history",
        "/",
        "/api/acses/v1/nope",
    ] {
        let (code, _) = h.post(path, json!({})).await.error(StatusCode::NOT_FOUND);
        assert_eq!(code, "not_found", "{path}");
    }
}

#[tokio::test]
async fn wrong_methods_are_405_json() {
    let h = harness();
    for (method, path) in [
        (Method::GET, "/v1/employees/pickup"),
        (Method::PUT, "/v1/events/history"),
        (Method::POST, "/v1/events/simulate"),
        (Method::DELETE, "/api/acses/v1/employees/drop_back"),
        (Method::POST, "/health"),
    ] {
        let request = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::empty())
            .unwrap();
        let (code, _) = h.send(request).await.error(StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(code, "method_not_allowed", "{method} {path}");
    }
}

#[tokio::test]
async fn malformed_json_is_400() {
    let h = harness();
    for body in ["{", "", "not json", r#"{"appointment_id": 1,}"#] {
        let (code, _) = h
            .post_raw("/v1/employees/pickup", body)
            .await
            .error(StatusCode::BAD_REQUEST);
        assert_eq!(code, "malformed_json", "{body:?}");
    }
}

#[tokio::test]
async fn a_missing_field_is_400_naming_the_field() {
    let h = harness();
    for (path, body, field) in [
        ("/v1/employees/pickup", json!({}), "appointment_id"),
        (
            "/v1/employees/assist_pickup",
            json!({"appointment": 1}),
            "appointment_id",
        ),
        (
            "/v1/employees/drop_back",
            json!({"appointment_id": KEYS_OUT}),
            "locker_system_id",
        ),
        (
            "/v1/employees/drop_back",
            json!({"locker_system_id": "151"}),
            "appointment_id",
        ),
        ("/v1/events/history", json!({}), "dealer_location_id"),
        (
            "/v1/employees/list_available_lockers",
            json!({}),
            "dealer_location_id",
        ),
        ("/v1/appointments/list", json!({}), "dealer_location_id"),
        ("/v1/events/handler", json!({"booking": {}}), "eventName"),
        (
            "/v1/events/handler",
            json!({"eventName": "dropoff"}),
            "booking",
        ),
    ] {
        let (code, message) = h.post(path, body).await.error(StatusCode::BAD_REQUEST);
        assert_eq!(code, "missing_field", "{path}");
        assert!(message.contains(field), "{path}: {message}");
    }
}

#[tokio::test]
async fn a_wrong_type_is_400_naming_the_field() {
    let h = harness();
    for (path, body, field) in [
        (
            "/v1/employees/pickup",
            json!({"appointment_id": "abc"}),
            "appointment_id",
        ),
        (
            "/v1/employees/pickup",
            json!({"appointment_id": -4}),
            "appointment_id",
        ),
        (
            "/v1/employees/assist_pickup",
            json!({"appointment_id": 1.5}),
            "appointment_id",
        ),
        (
            "/v1/events/history",
            json!({"dealer_location_id": "82"}),
            "dealer_location_id",
        ),
        (
            "/v1/employees/list_available_lockers",
            json!({"dealer_location_id": true}),
            "dealer_location_id",
        ),
        (
            "/v1/employees/drop_back",
            json!({"locker_system_id": "151", "appointment_id": KEYS_OUT, "appointment_note_id": "x"}),
            "appointment_note_id",
        ),
        (
            "/v1/employees/drop_back",
            json!({"locker_system_id": ["151"], "appointment_id": KEYS_OUT}),
            "locker_system_id",
        ),
        (
            "/v1/events/handler",
            json!({"eventName": "dropoff", "eventDate": "today", "booking": {}}),
            "eventDate",
        ),
        (
            "/v1/events/handler",
            json!({"eventName": "dropoff", "booking": {"code": [1]}}),
            "booking.code",
        ),
    ] {
        let (code, message) = h.post(path, body).await.error(StatusCode::BAD_REQUEST);
        assert_eq!(code, "invalid_field", "{path}");
        assert!(message.contains(field), "{path}: {message}");
    }
    assert!(h.state.snapshot().bookings.is_empty());
}

#[tokio::test]
async fn routes_are_also_served_under_the_api_acses_prefix() {
    let h = harness();
    let reply = h
        .post(
            "/api/acses/v1/employees/list_available_lockers",
            json!({"dealer_location_id": 82}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let pin = h
        .post(
            "/api/acses/v1/employees/pickup",
            json!({"appointment_id": KEYS_IN}),
        )
        .await
        .pin()
        .expect("pin");
    let simulated = h
        .get(&format!(
            "/api/acses/v1/events/simulate?location_id=82&locker_system_id=151&code={pin}&action=checkout"
        ))
        .await;
    assert_eq!(simulated.status, StatusCode::OK);
    assert_eq!(h.booking_with_code(&pin).state, BookingState::Used);
}

#[tokio::test]
async fn injected_faults_answer_json_errors_with_retry_after_then_recover() {
    let h = harness();
    h.state.fail_next(
        1,
        Fault {
            status: StatusCode::SERVICE_UNAVAILABLE,
            retry_after_secs: Some(7),
        },
    );
    h.state.fail_next(
        1,
        Fault {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after_secs: None,
        },
    );
    let first = h.pickup(KEYS_IN).await;
    assert_eq!(
        first.error(StatusCode::SERVICE_UNAVAILABLE).0,
        "service_unavailable"
    );
    assert_eq!(first.headers[header::RETRY_AFTER], "7");
    let second = h.pickup(KEYS_IN).await;
    assert_eq!(
        second.error(StatusCode::TOO_MANY_REQUESTS).0,
        "too_many_requests"
    );
    assert!(h.state.snapshot().bookings.is_empty());
    assert!(h.pickup(KEYS_IN).await.pin().is_some());
}

// ---------------------------------------------------------------- lockers and appointments

#[tokio::test]
async fn list_available_lockers_lists_only_that_locations_lockers_inactive_included() {
    let h = harness();
    let reply = h
        .post(
            "/v1/employees/list_available_lockers",
            json!({"dealer_location_id": 82}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({"lockers": [
            {"id": "151", "name": "Sleutelkluis Werkplaats", "active": true},
            {"id": "152", "name": "Sleutelkluis Buitenzijde (buiten gebruik)", "active": false},
        ]})
    );
    let showroom = h
        .post(
            "/v1/employees/list_available_lockers",
            json!({"dealer_location_id": 83}),
        )
        .await
        .json();
    let ids: Vec<&str> = showroom["lockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["163"]);
    let unknown = h
        .post(
            "/v1/employees/list_available_lockers",
            json!({"dealer_location_id": 999}),
        )
        .await;
    assert_eq!(unknown.json(), json!({"lockers": []}));
}

#[tokio::test]
async fn appointments_list_is_sorted_and_reports_keys_in_locker() {
    let h = harness();
    let reply = h
        .post("/v1/appointments/list", json!({"dealer_location_id": 82}))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let list = reply.json()["appointments"].as_array().unwrap().clone();
    assert!(list.len() >= 6);
    let world = h.state.snapshot();
    let mut previous = String::new();
    for a in &list {
        assert_eq!(a["dealer_location_id"], 82);
        for field in ["license_plate", "customer_name", "planned_at"] {
            assert!(a[field].as_str().is_some_and(|s| !s.is_empty()), "{field}");
        }
        // Same offset throughout the day, so the strings sort like the instants.
        let planned = a["planned_at"].as_str().unwrap().to_owned();
        assert!(planned >= previous, "{planned} before {previous}");
        previous = planned;
        let id = a["id"].as_u64().unwrap();
        let keys = world.keys_of(id);
        assert_eq!(a["keys_in_locker"], keys.is_some(), "{id}");
        assert_eq!(
            a["locker_system_id"],
            keys.map_or(Value::Null, |(l, _)| json!(l.id))
        );
    }
    assert!(list.iter().any(|a| a["keys_in_locker"] == true));
    assert!(list.iter().any(|a| a["keys_in_locker"] == false));
    let empty = h
        .post("/v1/appointments/list", json!({"dealer_location_id": 1}))
        .await;
    assert_eq!(empty.json(), json!({"appointments": []}));
}

// ---------------------------------------------------------------- pickup / assist / drop back

#[tokio::test]
async fn pickup_issues_a_fresh_six_digit_pin_for_the_keys_cell() {
    let h = harness();
    let pin = h
        .pickup(KEYS_IN)
        .await
        .pin()
        .expect("keys are in the locker");
    assert_eq!(pin.len(), 6);
    assert!(pin.bytes().all(|b| b.is_ascii_digit()), "{pin}");
    let booking = h.booking_with_code(&pin);
    assert_eq!(booking.state, BookingState::Booked);
    assert_eq!(booking.kind, BookingKind::Pickup);
    assert_eq!(booking.appointment_id, KEYS_IN);
    assert_eq!(booking.locker_system_id, "151");
    assert_eq!(booking.cell, Some(3));
    assert_eq!(booking.created, START);
    assert_eq!(booking.end, START + time::Duration::minutes(15));
}

#[tokio::test]
async fn pickup_is_idempotent_while_booked_and_shared_with_assist_pickup() {
    let h = harness();
    let first = h.pickup(KEYS_IN).await.pin().unwrap();
    let second = h.pickup(KEYS_IN).await.pin().unwrap();
    let assist = h
        .post(
            "/v1/employees/assist_pickup",
            json!({"appointment_id": KEYS_IN}),
        )
        .await
        .pin()
        .unwrap();
    assert_eq!(first, second);
    assert_eq!(first, assist);
    assert_eq!(h.state.snapshot().bookings.len(), 1);
}

#[tokio::test]
async fn assist_pickup_issues_an_assist_booking() {
    let h = harness();
    let pin = h
        .post(
            "/v1/employees/assist_pickup",
            json!({"appointment_id": 120303}),
        )
        .await
        .pin()
        .unwrap();
    let booking = h.booking_with_code(&pin);
    assert_eq!(booking.kind, BookingKind::AssistPickup);
    assert_eq!(booking.cell, Some(7));
}

#[tokio::test]
async fn live_pins_are_unique_across_appointments() {
    let h = harness();
    let mut pins = Vec::new();
    for id in [120301, 120303, 120304, 120306, 120310] {
        pins.push(h.pickup(id).await.pin().unwrap());
    }
    let mut unique = pins.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), pins.len());
}

#[tokio::test]
async fn pickup_gives_a_null_pin_when_the_keys_are_not_in_the_locker() {
    let h = harness();
    for path in ["/v1/employees/pickup", "/v1/employees/assist_pickup"] {
        let reply = h.post(path, json!({"appointment_id": KEYS_OUT})).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.json(), json!({"acses_pin": null}));
    }
    assert!(h.state.snapshot().bookings.is_empty());
}

#[tokio::test]
async fn pickup_of_an_unknown_appointment_is_404() {
    let h = harness();
    for path in ["/v1/employees/pickup", "/v1/employees/assist_pickup"] {
        let (code, message) = h
            .post(path, json!({"appointment_id": 999}))
            .await
            .error(StatusCode::NOT_FOUND);
        assert_eq!(code, "appointment_not_found");
        assert!(message.contains("999"));
    }
}

#[tokio::test]
async fn pin_length_follows_the_config() {
    let h = harness_with(EmulatorConfig {
        token: TOKEN.into(),
        pin_length: 8,
        ..EmulatorConfig::default()
    });
    assert_eq!(h.pickup(KEYS_IN).await.pin().unwrap().len(), 8);
}

#[tokio::test]
async fn drop_back_issues_an_idempotent_dropoff_pin_and_accepts_a_numeric_locker_id() {
    let h = harness();
    let pin = h.drop_back(json!("151"), KEYS_OUT).await.pin().unwrap();
    let again = h.drop_back(json!(151), KEYS_OUT).await.pin().unwrap();
    assert_eq!(pin, again);
    let world = h.state.snapshot();
    assert_eq!(world.bookings.len(), 1);
    let booking = &world.bookings[0];
    assert_eq!(booking.kind, BookingKind::DropOff);
    assert_eq!(booking.state, BookingState::Booked);
    assert_eq!(booking.cell, None, "the cell is chosen at the door");
    // The optional note id is accepted.
    let with_note = h
        .post(
            "/v1/employees/drop_back",
            json!({"locker_system_id": "163", "appointment_id": SHOWROOM_KEYS_OUT, "appointment_note_id": 55}),
        )
        .await
        .pin()
        .unwrap();
    assert_eq!(
        h.booking_with_code(&with_note).appointment_note_id,
        Some(55)
    );
}

#[tokio::test]
async fn drop_back_gives_a_null_pin_when_the_keys_are_already_in() {
    let h = harness();
    let reply = h.drop_back(json!("151"), KEYS_IN).await;
    assert_eq!(reply.json(), json!({"acses_pin": null}));
    assert!(h.state.snapshot().bookings.is_empty());
}

#[tokio::test]
async fn drop_back_checks_the_locker() {
    let h = harness();
    let before = h.fingerprint();
    for (locker, appointment, status, expected) in [
        (
            json!("152"),
            KEYS_OUT,
            StatusCode::BAD_REQUEST,
            "locker_inactive",
        ),
        (
            json!("999"),
            KEYS_OUT,
            StatusCode::NOT_FOUND,
            "locker_not_found",
        ),
        (
            json!("163"),
            KEYS_OUT,
            StatusCode::BAD_REQUEST,
            "locker_wrong_location",
        ),
        (
            json!(""),
            KEYS_OUT,
            StatusCode::BAD_REQUEST,
            "invalid_field",
        ),
        (
            json!("151"),
            999,
            StatusCode::NOT_FOUND,
            "appointment_not_found",
        ),
    ] {
        let (code, message) = h.drop_back(locker.clone(), appointment).await.error(status);
        assert_eq!(code, expected, "{locker}");
        assert!(!message.is_empty());
    }
    assert_eq!(h.fingerprint(), before);
}

#[tokio::test]
async fn drop_back_at_another_locker_replaces_the_live_booking() {
    let mut world = World::demo_at(START);
    world
        .lockers
        .push(LockerSystem::new("153", "Tweede kluis", 82, 4, true));
    let clock = ManualClock::new(START);
    let state = EmulatorState::with_clock(
        EmulatorConfig {
            token: TOKEN.into(),
            ..EmulatorConfig::default()
        },
        world,
        Arc::new(clock.clone()),
    );
    let h = Harness {
        router: app(state.clone()),
        state,
        clock,
    };
    let old = h.drop_back(json!("151"), KEYS_OUT).await.pin().unwrap();
    let new = h.drop_back(json!("153"), KEYS_OUT).await.pin().unwrap();
    assert_eq!(h.booking_with_code(&new).locker_system_id, "153");
    let world = h.state.snapshot();
    let old_booking = world
        .bookings
        .iter()
        .find(|b| b.locker_system_id == "151")
        .unwrap();
    assert_eq!(old_booking.state, BookingState::Expired);
    assert_eq!(
        world
            .bookings
            .iter()
            .filter(|b| b.state == BookingState::Booked)
            .count(),
        1
    );
    // The old PIN no longer opens anything.
    if old != new {
        assert_eq!(
            h.simulate(82, "151", &old, "dropoff").await.status,
            StatusCode::NOT_FOUND
        );
    }
}

// ---------------------------------------------------------------- simulate

#[tokio::test]
async fn simulate_checkout_frees_the_cell_marks_the_booking_used_and_logs_the_event() {
    let h = harness();
    let pin = h.pickup(KEYS_IN).await.pin().unwrap();
    h.clock.advance(Duration::from_secs(90));
    let reply = h.simulate(82, "151", &pin, "checkout").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.is_empty());

    let booking = h.booking_with_code(&pin);
    assert_eq!(booking.state, BookingState::Used);
    assert_eq!(h.cell_occupant("151", 3), None);
    assert_eq!(h.appointment(KEYS_IN, 82).await["keys_in_locker"], false);

    let history = h.history(82).await;
    assert_eq!(history.len(), 1);
    let entry = &history[0];
    assert_eq!(entry["response_status"], "200");
    assert_eq!(entry["response_content"], "");
    assert_eq!(entry["sent_date"], "2024-06-12T08:01:30Z");
    let event = parse_event(entry);
    assert_eq!(entry["webhook_event_id"], json!(event.tablekey));
    assert_eq!(event.event_name, "checkout");
    assert_eq!(event.lockersystem, "151");
    assert_eq!(event.cellnumber, "3");
    assert_eq!(event.booking.code.as_str(), pin);
    assert_eq!(event.booking.tablekey, booking.id);
    assert_eq!(event.booking.state, "USED");
    assert_eq!(event.booking.lastaction, "checkout");
    assert_eq!(event.booking.lockercell, "3");
    assert_eq!(event.booking.object_tablekey, KEYS_IN.to_string());
    assert_eq!(event.booking.create, START);
    // The same PIN cannot be used twice.
    let again = h.simulate(82, "151", &pin, "checkout").await;
    assert_eq!(again.error(StatusCode::NOT_FOUND).0, "booking_not_found");
}

#[tokio::test]
async fn simulate_dropoff_puts_the_keys_in_a_free_cell() {
    let h = harness();
    let pin = h.drop_back(json!("151"), KEYS_OUT).await.pin().unwrap();
    assert_eq!(
        h.simulate(82, "151", &pin, "dropoff").await.status,
        StatusCode::OK
    );
    let world = h.state.snapshot();
    let (locker, cell) = world.keys_of(KEYS_OUT).expect("keys now in the locker");
    assert_eq!(locker.id, "151");
    // Cells 1 and 2 are free in the demo world; the lowest free one is used.
    assert_eq!(cell.number, 1);
    assert_eq!(h.booking_with_code(&pin).cell, Some(1));
    assert_eq!(h.appointment(KEYS_OUT, 82).await["keys_in_locker"], true);
    let event = parse_event(&h.history(82).await[0]);
    assert_eq!(event.event_name, "dropoff");
    assert_eq!(event.cellnumber, "1");
    assert_eq!(event.booking.lockercell_tablekey, "151001");
    // Now the keys are in: a pickup PIN is available and drop_back gives none.
    assert!(h.pickup(KEYS_OUT).await.pin().is_some());
    assert_eq!(h.drop_back(json!("151"), KEYS_OUT).await.pin(), None);
}

#[tokio::test]
async fn simulate_with_a_wrong_code_locker_location_or_action_changes_nothing() {
    let h = harness();
    let pickup_pin = h.pickup(KEYS_IN).await.pin().unwrap();
    let drop_pin = h.drop_back(json!("151"), KEYS_OUT).await.pin().unwrap();
    let wrong_code = if pickup_pin == "000000" {
        "000001"
    } else {
        "000000"
    };
    let wrong_code = if wrong_code == drop_pin {
        "999999"
    } else {
        wrong_code
    };
    let before = h.fingerprint();
    for (location, locker, code, action, status, expected) in [
        (
            82,
            "151",
            wrong_code,
            "checkout",
            StatusCode::NOT_FOUND,
            "booking_not_found",
        ),
        (
            82,
            "151",
            pickup_pin.as_str(),
            "dropoff",
            StatusCode::BAD_REQUEST,
            "wrong_action",
        ),
        (
            82,
            "151",
            drop_pin.as_str(),
            "checkout",
            StatusCode::BAD_REQUEST,
            "wrong_action",
        ),
        (
            82,
            "152",
            pickup_pin.as_str(),
            "checkout",
            StatusCode::BAD_REQUEST,
            "locker_inactive",
        ),
        (
            83,
            "163",
            pickup_pin.as_str(),
            "checkout",
            StatusCode::NOT_FOUND,
            "booking_not_found",
        ),
        (
            83,
            "151",
            pickup_pin.as_str(),
            "checkout",
            StatusCode::BAD_REQUEST,
            "locker_wrong_location",
        ),
        (
            82,
            "999",
            pickup_pin.as_str(),
            "checkout",
            StatusCode::NOT_FOUND,
            "locker_not_found",
        ),
        (
            82,
            "151",
            pickup_pin.as_str(),
            "expired",
            StatusCode::BAD_REQUEST,
            "invalid_field",
        ),
    ] {
        let reply = h.simulate(location, locker, code, action).await;
        let (code, message) = reply.error(status);
        assert_eq!(code, expected, "{location} {locker} {action}");
        assert!(!message.contains(&pickup_pin) && !message.contains(&drop_pin));
    }
    assert_eq!(h.fingerprint(), before);
}

#[tokio::test]
async fn simulate_names_missing_or_invalid_query_parameters() {
    let h = harness();
    for (query, field) in [
        ("locker_system_id=151&code=1&action=dropoff", "location_id"),
        ("location_id=82&code=1&action=dropoff", "locker_system_id"),
        ("location_id=82&locker_system_id=151&action=dropoff", "code"),
        ("location_id=82&locker_system_id=151&code=1", "action"),
        (
            "location_id=x&locker_system_id=151&code=1&action=dropoff",
            "location_id",
        ),
        (
            "location_id=82&locker_system_id=151&code=&action=dropoff",
            "code",
        ),
        (
            "location_id=82&locker_system_id=151&code=1&action=open",
            "action",
        ),
    ] {
        let reply = h.get(&format!("/v1/events/simulate?{query}")).await;
        let (_, message) = reply.error(StatusCode::BAD_REQUEST);
        assert!(message.contains(field), "{query}: {message}");
    }
}

#[tokio::test]
async fn simulate_into_a_full_locker_is_409_and_changes_nothing() {
    let h = harness();
    let pin = h.drop_back(json!("151"), KEYS_OUT).await.pin().unwrap();
    h.state.with_world(|w| {
        let locker = w.lockers.iter_mut().find(|l| l.id == "151").unwrap();
        for cell in &mut locker.cells {
            cell.occupant.get_or_insert(1);
        }
    });
    let before = h.fingerprint();
    let (code, _) = h
        .simulate(82, "151", &pin, "dropoff")
        .await
        .error(StatusCode::CONFLICT);
    assert_eq!(code, "locker_full");
    assert_eq!(h.fingerprint(), before);
}

#[tokio::test]
async fn simulate_can_be_disabled_and_then_looks_absent() {
    let h = harness_with(EmulatorConfig {
        token: TOKEN.into(),
        allow_simulate: false,
        ..EmulatorConfig::default()
    });
    let pin = h.pickup(KEYS_IN).await.pin().unwrap();
    let reply = h.simulate(82, "151", &pin, "checkout").await;
    assert_eq!(reply.error(StatusCode::NOT_FOUND).0, "not_found");
    let no_token = h
        .send(
            Request::get("/v1/events/simulate?location_id=82")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    no_token.error(StatusCode::NOT_FOUND);
    assert_eq!(h.booking_with_code(&pin).state, BookingState::Booked);
}

// ---------------------------------------------------------------- expiry

#[tokio::test]
async fn an_unused_pin_expires_after_the_ttl_and_logs_an_expired_event() {
    let h = harness();
    let pin = h.pickup(KEYS_IN).await.pin().unwrap();
    h.clock.advance(Duration::from_secs(14 * 60 + 59));
    assert_eq!(h.booking_with_code(&pin).state, BookingState::Booked);
    h.clock.advance(Duration::from_secs(2));

    let history = h.history(82).await;
    assert_eq!(history.len(), 1);
    let event = parse_event(&history[0]);
    assert_eq!(event.event_name, "expired");
    assert_eq!(event.booking.state, "EXPIRED");
    assert_eq!(event.booking.code.as_str(), pin);
    // Dated when it expired, not when someone next looked.
    assert_eq!(history[0]["sent_date"], "2024-06-12T08:15:00Z");
    assert_eq!(h.booking_with_code(&pin).state, BookingState::Expired);

    // The expired PIN opens nothing; the keys stay; a new pickup is a new booking.
    let door = h.simulate(82, "151", &pin, "checkout").await;
    assert_eq!(door.status, StatusCode::NOT_FOUND);
    assert_eq!(h.cell_occupant("151", 3), Some(KEYS_IN));
    h.pickup(KEYS_IN).await.pin().unwrap();
    assert_eq!(h.state.snapshot().bookings.len(), 2);
}

#[tokio::test]
async fn the_ttl_is_configurable() {
    let h = harness_with(EmulatorConfig {
        token: TOKEN.into(),
        booking_ttl: Duration::from_secs(30),
        ..EmulatorConfig::default()
    });
    let pin = h.pickup(KEYS_IN).await.pin().unwrap();
    h.clock.advance(Duration::from_secs(31));
    // Nothing expires until someone calls (no sweeper runs in router tests)...
    assert_eq!(h.booking_with_code(&pin).state, BookingState::Booked);
    // ...and any request applies it first.
    assert_eq!(h.history(82).await.len(), 1);
    assert_eq!(h.booking_with_code(&pin).state, BookingState::Expired);
}

#[tokio::test]
async fn expiries_are_logged_in_expiry_order_before_later_events() {
    let h = harness();
    let first = h.pickup(120303).await.pin().unwrap();
    h.clock.advance(Duration::from_secs(60));
    let second = h.pickup(120304).await.pin().unwrap();
    h.clock.advance(Duration::from_secs(60 * 60));
    let third = h.pickup(120306).await.pin().unwrap();
    h.simulate(82, "151", &third, "checkout").await;
    let codes: Vec<(String, String)> = h
        .history(82)
        .await
        .iter()
        .map(|entry| {
            let event = parse_event(entry);
            (event.event_name, event.booking.code.as_str().to_owned())
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("expired".to_owned(), first),
            ("expired".to_owned(), second),
            ("checkout".to_owned(), third),
        ]
    );
}

#[tokio::test]
async fn registered_events_are_logged_only_when_configured() {
    let h = harness_with(EmulatorConfig {
        token: TOKEN.into(),
        log_registered_events: true,
        ..EmulatorConfig::default()
    });
    let pin = h.pickup(KEYS_IN).await.pin().unwrap();
    let history = h.history(82).await;
    assert_eq!(history.len(), 1);
    let event = parse_event(&history[0]);
    assert_eq!(event.event_name, "registered");
    assert_eq!(event.booking.state, "BOOKED");
    assert_eq!(event.booking.code.as_str(), pin);

    let quiet = harness();
    quiet.pickup(KEYS_IN).await.pin().unwrap();
    assert!(quiet.history(82).await.is_empty());
}

// ---------------------------------------------------------------- handler and history

#[tokio::test]
async fn handler_posts_appear_in_history_with_a_generated_id_when_tablekey_is_empty() {
    let h = harness();
    let reply = h
        .post(
            "/v1/events/handler",
            json!({
                "tablekey": "",
                "lockersystem": "151",
                "cellnumber": "9",
                "eventName": "dropoff",
                "eventDate": "2024-06-12T07:59:00Z",
                "booking": {"tablekey": "", "code": "555555"}
            }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.is_empty());
    let named = h
        .post(
            "/v1/events/handler",
            json!({"tablekey": "abc-1", "lockersystem": 151, "eventName": "checkout", "booking": {}}),
        )
        .await;
    assert_eq!(named.status, StatusCode::OK);

    let history = h.history(82).await;
    assert_eq!(history.len(), 2);
    let generated = history[0]["webhook_event_id"].as_str().unwrap();
    assert!(!generated.is_empty());
    assert_eq!(history[1]["webhook_event_id"], "abc-1");
    let event = parse_event(&history[0]);
    assert_eq!(event.tablekey, generated);
    assert_eq!(event.booking.code.as_str(), "555555");
    assert_eq!(history[0]["sent_date"], "2024-06-12T08:00:00Z");
    // An event about no known booking moves nothing.
    assert_eq!(h.cell_occupant("151", 9), None);
    assert!(h.history(83).await.is_empty());
}

#[tokio::test]
async fn handler_applies_an_event_for_a_live_booking_found_by_code() {
    let h = harness();
    let pin = h.drop_back(json!("151"), KEYS_OUT).await.pin().unwrap();
    let reply = h
        .post(
            "/v1/events/handler",
            json!({
                "lockersystem": 151,
                "cellnumber": 9,
                "eventName": "dropoff",
                "eventDate": "2024-06-12T08:00:30Z",
                "booking": {"code": pin.parse::<u64>().map_or(json!(pin), |n| if pin.starts_with('0') { json!(pin) } else { json!(n) })}
            }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(h.cell_occupant("151", 9), Some(KEYS_OUT));
    let booking = h.booking_with_code(&pin);
    assert_eq!(booking.state, BookingState::Used);
    assert_eq!(booking.cell, Some(9));
    // A retried delivery of the same event is logged but moves nothing again.
    h.state
        .with_world(|w| w.put_keys(KEYS_OUT, "151", 10))
        .unwrap();
    h.post(
        "/v1/events/handler",
        json!({"lockersystem": "151", "cellnumber": "9", "eventName": "dropoff", "booking": {"code": pin}}),
    )
    .await;
    assert_eq!(h.cell_occupant("151", 10), Some(KEYS_OUT));
    assert_eq!(h.history(82).await.len(), 2);
}

#[tokio::test]
async fn handler_applies_a_checkout_found_by_booking_id() {
    let h = harness();
    let pin = h.pickup(KEYS_IN).await.pin().unwrap();
    let id = h.booking_with_code(&pin).id;
    h.post(
        "/v1/events/handler",
        json!({"eventName": "checkout", "booking": {"tablekey": id}}),
    )
    .await;
    assert_eq!(h.cell_occupant("151", 3), None);
    assert_eq!(h.booking_with_code(&pin).state, BookingState::Used);
    // No lockersystem in the event, but the booking places it at location 82.
    assert_eq!(h.history(82).await.len(), 1);
}

#[tokio::test]
async fn history_is_per_location_and_oldest_first() {
    let h = harness();
    let a = h.pickup(KEYS_IN).await.pin().unwrap();
    let b = h.pickup(120310).await.pin().unwrap();
    h.clock.advance(Duration::from_secs(5));
    h.simulate(83, "163", &b, "checkout").await;
    h.clock.advance(Duration::from_secs(5));
    h.simulate(82, "151", &a, "checkout").await;
    let at_82 = h.history(82).await;
    let at_83 = h.history(83).await;
    assert_eq!(at_82.len(), 1);
    assert_eq!(at_83.len(), 1);
    assert_eq!(parse_event(&at_82[0]).booking.code.as_str(), a);
    assert_eq!(parse_event(&at_83[0]).booking.code.as_str(), b);
    assert!(h.history(999).await.is_empty());

    h.state.seed_history(82, 50);
    let seeded = h.history(82).await;
    assert_eq!(seeded.len(), 51);
    let dates: Vec<OffsetDateTime> = seeded
        .iter()
        .map(|e| {
            OffsetDateTime::parse(
                e["sent_date"].as_str().unwrap(),
                &time::format_description::well_known::Rfc3339,
            )
            .unwrap()
        })
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    assert_eq!(parse_event(seeded.last().unwrap()).booking.code.as_str(), a);
    for entry in &seeded {
        let event = parse_event(entry);
        assert_eq!(event.lockersystem, "151");
        assert!(["dropoff", "checkout", "expired"].contains(&event.event_name.as_str()));
    }
}

// ---------------------------------------------------------------- gzip

#[tokio::test]
async fn history_is_gzipped_when_the_client_accepts_it() {
    let h = harness();
    h.state.seed_history(82, 200);
    let request = |gzip: bool| {
        let mut builder = Request::post("/v1/events/history")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
        if gzip {
            builder = builder.header(header::ACCEPT_ENCODING, "gzip");
        }
        builder
            .body(Body::from(r#"{"dealer_location_id":82}"#))
            .unwrap()
    };
    let plain = h.send(request(false)).await;
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    let compressed = h.send(request(true)).await;
    assert_eq!(compressed.status, StatusCode::OK);
    assert_eq!(compressed.headers[header::CONTENT_ENCODING], "gzip");
    assert!(compressed.body.len() * 3 < plain.body.len());
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(compressed.body.as_slice())
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain.body);
}

//! Property tests of what the emulator parses from outside: the webhook event body of
//! `POST /v1/events/handler` (the server side of the webhook), the other JSON bodies, the
//! simulate query, and the text form of fault scripts. Whatever comes in: an answer (200 or a
//! 4xx in the JSON error format), never a 5xx, never a panic, and the history stays readable.

use std::sync::OnceLock;

use acses_emulator::{app, EmulatorConfig, EmulatorState, FaultSpec, World};
use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use proptest::prelude::*;
use serde_json::{json, Value};
use tower::ServiceExt;

const TOKEN: &str = "props-token";

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    })
}

fn router() -> (Router, EmulatorState) {
    let state = EmulatorState::new(
        EmulatorConfig {
            token: TOKEN.into(),
            ..EmulatorConfig::default()
        },
        World::demo(),
    );
    (app(state.clone()), state)
}

fn send(router: &Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    runtime().block_on(async {
        let response = router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let body = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec();
        (status, body)
    })
}

fn post(router: &Router, path: &str, body: Vec<u8>) -> (StatusCode, Vec<u8>) {
    let request = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from(body))
        .expect("request");
    send(router, request)
}

fn assert_answer(status: StatusCode, body: &[u8]) -> Result<(), TestCaseError> {
    prop_assert!(
        status == StatusCode::OK || status.is_client_error(),
        "{status}"
    );
    if status.is_client_error() {
        let v: Value =
            serde_json::from_slice(body).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(v["error"].is_string() && v["message"].is_string(), "{v}");
    }
    Ok(())
}

/// JSON shaped like a webhook event, with random values and extra keys.
fn event_like() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,10}".prop_map(Value::String),
        Just(json!("151")),
        Just(json!("dropoff")),
        Just(json!("checkout")),
        Just(json!("2024-06-12T08:01:30Z")),
    ];
    let booking = prop::collection::btree_map(
        prop::sample::select(vec![
            "tablekey",
            "code",
            "state",
            "lockercell",
            "startDate",
            "x",
        ]),
        scalar.clone(),
        0..6,
    );
    (
        prop::collection::btree_map(
            prop::sample::select(vec![
                "tablekey",
                "lockersystem",
                "cellnumber",
                "eventName",
                "eventDate",
                "other",
            ]),
            scalar,
            0..6,
        ),
        prop::option::of(booking),
    )
        .prop_map(|(top, booking)| {
            let mut v: serde_json::Map<String, Value> =
                top.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            if let Some(b) = booking {
                v.insert(
                    "booking".into(),
                    Value::Object(b.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
                );
            }
            Value::Object(v)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_handler_body_is_answered_and_the_history_stays_readable(
        body in prop_oneof![
            event_like().prop_map(|v| v.to_string().into_bytes()),
            prop::collection::vec(any::<u8>(), 0..200),
            ".{0,120}".prop_map(String::into_bytes),
        ]
    ) {
        let (router, _) = router();
        let (status, reply) = post(&router, "/v1/events/handler", body);
        assert_answer(status, &reply)?;
        let (status, history) = post(
            &router,
            "/v1/events/history",
            json!({"dealer_location_id": 82}).to_string().into_bytes(),
        );
        prop_assert_eq!(status, StatusCode::OK);
        let v: Value = serde_json::from_slice(&history).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(v["history"].is_array());
    }

    #[test]
    fn any_body_on_any_endpoint_is_answered(
        path in prop::sample::select(vec![
            "/v1/events/history", "/v1/employees/pickup", "/v1/employees/assist_pickup",
            "/v1/employees/drop_back", "/v1/employees/list_available_lockers",
            "/v1/appointments/list",
        ]),
        body in prop_oneof![
            event_like().prop_map(|v| v.to_string().into_bytes()),
            (any::<i64>(), ".{0,6}").prop_map(|(n, s)| json!({
                "appointment_id": n, "dealer_location_id": n, "locker_system_id": s,
                "appointment_note_id": n,
            }).to_string().into_bytes()),
            prop::collection::vec(any::<u8>(), 0..100),
        ],
    ) {
        let (router, _) = router();
        let (status, reply) = post(&router, path, body);
        assert_answer(status, &reply)?;
    }

    #[test]
    fn any_simulate_query_is_answered(query in "[ -~]{0,80}") {
        let (router, _) = router();
        let uri = format!("/v1/events/simulate?{}", query.replace([' ', '#'], "+"));
        let Ok(request) = Request::get(uri.as_str())
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::empty())
        else {
            return Ok(()); // not a URI at all: no request reaches the server
        };
        let (status, reply) = send(&router, request);
        assert_answer(status, &reply)?;
    }

    #[test]
    fn any_fault_spec_text_parses_or_says_why(text in ".{0,60}") {
        match text.parse::<FaultSpec>() {
            Ok(spec) => prop_assert_eq!(spec.to_string().parse::<FaultSpec>(), Ok(spec)),
            Err(reason) => prop_assert!(!reason.is_empty()),
        }
    }
}

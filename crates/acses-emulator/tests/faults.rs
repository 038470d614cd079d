//! Fault injection over a real socket: every kind of step, per-endpoint scripts, sticky faults,
//! request counters, and stopping/restarting on the same port. Plain reqwest, so what is checked
//! is what any client sees on the wire.

use std::time::{Duration, Instant};

use acses_emulator::{spawn, EmulatorConfig, Endpoint, FaultSpec, RunningEmulator, Step, World};
use serde_json::{json, Value};

async fn emulator() -> RunningEmulator {
    spawn(
        EmulatorConfig::default(),
        World::demo(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap()
}

fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder().timeout(timeout).build().unwrap()
}

async fn post(
    http: &reqwest::Client,
    emu: &RunningEmulator,
    path: &str,
    body: Value,
) -> reqwest::Result<reqwest::Response> {
    http.post(format!("{}{path}", emu.base_url()))
        .bearer_auth(emu.token())
        .json(&body)
        .send()
        .await
}

async fn history_status(http: &reqwest::Client, emu: &RunningEmulator) -> u16 {
    post(
        http,
        emu,
        "/v1/events/history",
        json!({"dealer_location_id": 82}),
    )
    .await
    .unwrap()
    .status()
    .as_u16()
}

fn bookings(emu: &RunningEmulator) -> usize {
    emu.state().snapshot().bookings.len()
}

const PICKUP: &str = "/v1/employees/pickup";
const KEYS_IN: u64 = 120301;

#[tokio::test]
async fn a_script_per_endpoint_serves_statuses_in_order_and_leaves_others_alone() {
    let emu = emulator().await;
    let http = client(Duration::from_secs(5));
    let spec: FaultSpec = "history=401,429/7,500,503/2,ok,503".parse().unwrap();
    emu.state().apply_fault_spec(&spec);

    // Other endpoints are not affected by the history script.
    let pin = post(&http, &emu, PICKUP, json!({"appointment_id": KEYS_IN}))
        .await
        .unwrap();
    assert_eq!(pin.status(), 200);

    let mut seen = Vec::new();
    for _ in 0..7 {
        let r = post(
            &http,
            &emu,
            "/api/acses/v1/events/history",
            json!({"dealer_location_id": 82}),
        )
        .await
        .unwrap();
        let retry_after = r
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        if status != 200 {
            assert!(
                body["error"].is_string() && body["message"].is_string(),
                "{body}"
            );
        }
        seen.push((status, retry_after));
    }
    let want: Vec<(u16, Option<String>)> = vec![
        (401, None),
        (429, Some("7".into())),
        (500, None),
        (503, Some("2".into())),
        (200, None),
        (503, None),
        (200, None),
    ];
    assert_eq!(seen, want);
    assert_eq!(emu.state().requests(Endpoint::History), 7);
    assert_eq!(emu.state().requests(Endpoint::Pickup), 1);
    assert_eq!(emu.state().requests(Endpoint::Any), 8);
    assert_eq!(emu.state().pending_faults(), 0);
}

#[tokio::test]
async fn a_sticky_fault_lasts_until_cleared() {
    let emu = emulator().await;
    let http = client(Duration::from_secs(5));
    emu.state().fail_always(
        Endpoint::Any,
        Some(Step::Status {
            status: 503,
            retry_after_secs: None,
        }),
    );
    for _ in 0..3 {
        assert_eq!(history_status(&http, &emu).await, 503);
    }
    // A failed request changes nothing.
    let r = post(&http, &emu, PICKUP, json!({"appointment_id": KEYS_IN}))
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(bookings(&emu), 0);
    emu.state().clear_faults();
    assert_eq!(history_status(&http, &emu).await, 200);
    // /health is never faulted: it is not a /v1 route.
    emu.state().fail_always(Endpoint::Any, Some(Step::Drop));
    let health = http
        .get(format!("{}/health", emu.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn a_delay_longer_than_the_timeout_loses_the_answer_after_the_server_acted() {
    let emu = emulator().await;
    let http = client(Duration::from_millis(300));
    emu.state().script(
        Endpoint::Pickup,
        [Step::Delay(Duration::from_millis(1_500))],
    );
    let started = Instant::now();
    let err = post(&http, &emu, PICKUP, json!({"appointment_id": KEYS_IN}))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
    // The booking was made: this is the case where a blind retry could issue a second PIN.
    assert_eq!(bookings(&emu), 1);
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer_and_changes_nothing() {
    let emu = emulator().await;
    let http = client(Duration::from_secs(5));
    emu.state().script(Endpoint::Pickup, [Step::Drop]);
    let result = post(&http, &emu, PICKUP, json!({"appointment_id": KEYS_IN})).await;
    // hyper may or may not have flushed the head before the body broke off; either way no
    // complete answer arrives.
    match result {
        Err(e) => assert!(!e.is_timeout() && !e.is_connect(), "{e:?}"),
        Ok(r) => assert!(r.bytes().await.is_err(), "a complete answer arrived"),
    }
    assert_eq!(bookings(&emu), 0);
    // The next request is served normally.
    let ok = post(&http, &emu, PICKUP, json!({"appointment_id": KEYS_IN}))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn a_truncated_answer_breaks_off_mid_body_after_the_server_acted() {
    let emu = emulator().await;
    let http = client(Duration::from_secs(5));
    emu.state().script(Endpoint::Pickup, [Step::Truncate]);
    let r = post(&http, &emu, PICKUP, json!({"appointment_id": KEYS_IN}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let len: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(len > 10);
    assert!(r.bytes().await.is_err(), "the body must break off");
    assert_eq!(bookings(&emu), 1);
}

#[tokio::test]
async fn a_malformed_answer_is_a_200_that_is_not_json() {
    let emu = emulator().await;
    let http = client(Duration::from_secs(5));
    emu.state().script(Endpoint::History, [Step::Malformed]);
    let r = post(
        &http,
        &emu,
        "/v1/events/history",
        json!({"dealer_location_id": 82}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.bytes().await.unwrap();
    assert!(serde_json::from_slice::<Value>(&body).is_err());
}

#[tokio::test]
async fn a_huge_answer_is_streamed_to_the_last_byte() {
    let emu = emulator().await;
    let http = client(Duration::from_secs(60));
    const SIZE: u64 = 300 << 20;
    emu.state().script(Endpoint::History, [Step::Huge(SIZE)]);
    let mut r = post(
        &http,
        &emu,
        "/v1/events/history",
        json!({"dealer_location_id": 82}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("content-encoding").is_none());
    let mut total = 0u64;
    let mut first = None;
    while let Some(chunk) = r.chunk().await.unwrap() {
        if first.is_none() {
            first = Some(chunk.clone());
        }
        total += chunk.len() as u64;
    }
    assert_eq!(total, SIZE);
    assert!(first.unwrap().starts_with(b"{\"history\""));
}

#[tokio::test]
async fn a_garbage_entry_lands_in_the_history_and_the_answer_is_normal() {
    let emu = emulator().await;
    let http = client(Duration::from_secs(5));
    emu.state().script(Endpoint::History, [Step::GarbageEntry]);
    let r: Value = post(
        &http,
        &emu,
        "/v1/events/history",
        json!({"dealer_location_id": 82}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let history = r["history"].as_array().unwrap();
    assert_eq!(history.len(), 1);
    let content = history[0]["sent_content"].as_str().unwrap();
    assert!(serde_json::from_str::<Value>(content).is_err(), "{content}");
}

#[tokio::test]
async fn stop_refuses_connections_and_start_serves_the_same_state_on_the_same_port() {
    let mut emu = emulator().await;
    let http = client(Duration::from_secs(5));
    let pin: Value = post(&http, &emu, PICKUP, json!({"appointment_id": KEYS_IN}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let addr = emu.addr;

    emu.stop(Duration::from_secs(1)).await;
    assert!(!emu.is_running());
    let err = post(&http, &emu, PICKUP, json!({"appointment_id": KEYS_IN}))
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");

    emu.start().await.unwrap();
    assert!(emu.is_running());
    assert_eq!(emu.addr, addr);
    // The same live booking: asking again returns the same PIN.
    let again: Value = post(&http, &emu, PICKUP, json!({"appointment_id": KEYS_IN}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again, pin);
    // Stop and start again, several times, on the same port.
    for _ in 0..3 {
        emu.stop(Duration::from_secs(1)).await;
        emu.start().await.unwrap();
    }
    assert_eq!(history_status(&http, &emu).await, 200);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn stop_cuts_off_a_request_held_by_a_delay() {
    let mut emu = emulator().await;
    let http = client(Duration::from_secs(30));
    emu.state().fail_always(
        Endpoint::History,
        Some(Step::Delay(Duration::from_secs(60))),
    );
    let base = emu.base_url();
    let token = emu.token().to_owned();
    let pending = tokio::spawn(async move {
        http.post(format!("{base}/v1/events/history"))
            .bearer_auth(token)
            .json(&json!({"dealer_location_id": 82}))
            .send()
            .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    emu.stop(Duration::from_millis(300)).await;
    assert!(started.elapsed() < Duration::from_secs(3));
    let result = tokio::time::timeout(Duration::from_secs(5), pending)
        .await
        .expect("the held request ends when the server stops")
        .unwrap();
    assert!(result.is_err(), "no answer after a stop: {result:?}");
}

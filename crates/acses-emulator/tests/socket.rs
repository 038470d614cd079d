//! The emulator on a real socket (`spawn` on 127.0.0.1:0) driven with reqwest.

use std::time::Duration;

use acses_emulator::wire::WebhookEvent;
use acses_emulator::{spawn, BookingState, EmulatorConfig, World};
use serde_json::{json, Value};

#[tokio::test]
async fn a_full_pickup_and_drop_back_round_trip_over_http() {
    let config = EmulatorConfig::with_generated_token();
    let emulator = spawn(config, World::demo(), "127.0.0.1:0".parse().unwrap())
        .await
        .expect("bind a free loopback port");
    assert!(emulator.addr.ip().is_loopback());
    assert_ne!(emulator.addr.port(), 0);
    let base = emulator.base_url();
    let token = emulator.token().to_owned();
    assert_ne!(token, "demo-token");
    let client = reqwest::Client::new();

    let health = client.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    let unauthorized = client
        .post(format!("{base}/v1/employees/pickup"))
        .bearer_auth("demo-token")
        .json(&json!({"appointment_id": 120301}))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);

    let post = |path: &str, body: Value| {
        client
            .post(format!("{base}{path}"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };

    let lockers: Value = post(
        "/api/acses/v1/employees/list_available_lockers",
        json!({"dealer_location_id": 82}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(lockers["lockers"][0]["id"], "151");

    let pin: Value = post("/v1/employees/pickup", json!({"appointment_id": 120301}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pin = pin["acses_pin"].as_str().expect("a PIN").to_owned();

    let door = client
        .get(format!("{base}/v1/events/simulate"))
        .query(&[
            ("location_id", "82"),
            ("locker_system_id", "151"),
            ("code", pin.as_str()),
            ("action", "checkout"),
        ])
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(door.status(), 200);

    let drop_pin: Value = post(
        "/v1/employees/drop_back",
        json!({"locker_system_id": 151, "appointment_id": 120301, "appointment_note_id": null}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let drop_pin = drop_pin["acses_pin"].as_str().expect("a drop-off PIN");

    // reqwest asks for gzip and inflates transparently; the emulator compresses.
    emulator.state().seed_history(82, 1_000);
    let response = post("/v1/events/history", json!({"dealer_location_id": 82}))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let history: Value = response.json().await.unwrap();
    let history = history["history"].as_array().unwrap();
    assert_eq!(history.len(), 1_001);
    let last: WebhookEvent =
        serde_json::from_str(history[1_000]["sent_content"].as_str().unwrap()).unwrap();
    assert_eq!(last.event_name, "checkout");
    assert_eq!(last.booking.code.as_str(), pin);

    let booking_state = emulator
        .state()
        .with_world(|w| w.live_booking_by_code(drop_pin).map(|b| b.state));
    assert_eq!(booking_state, Some(BookingState::Booked));

    emulator.shutdown().await.expect("clean shutdown");
    let after = reqwest::Client::new()
        .get(format!("{base}/health"))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(after.is_err(), "still serving after shutdown");
}

#[tokio::test]
async fn the_background_sweeper_expires_bookings_nobody_asks_about() {
    let config = EmulatorConfig {
        booking_ttl: Duration::from_millis(100),
        sweep_interval: Duration::from_millis(20),
        ..EmulatorConfig::default()
    };
    let emulator = spawn(config, World::demo(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let response: Value = reqwest::Client::new()
        .post(format!("{}/v1/employees/pickup", emulator.base_url()))
        .bearer_auth(emulator.token())
        .json(&json!({"appointment_id": 120301}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(response["acses_pin"].is_string());
    // Looks at the world without a request (no lazy expiry): only the sweeper can have run.
    let mut expired = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let history_len = emulator.state().snapshot().history.len();
        if history_len == 1 {
            expired = true;
            break;
        }
    }
    assert!(expired, "no expired event logged by the sweeper");
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let emulator = spawn(
        EmulatorConfig::default(),
        World::empty(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let url = format!("{}/health", emulator.base_url());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
    drop(emulator);
    let mut stopped = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if client.get(&url).send().await.is_err() {
            stopped = true;
            break;
        }
    }
    assert!(stopped);
}

//! Which calls are retried after which failures, counted at the server.

use std::time::{Duration, Instant};

use acses_api::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{client, client_for, fast_retry, TOKEN};

const LOCKERS: &str = "/v1/employees/list_available_lockers";
const PICKUP: &str = "/v1/employees/pickup";

/// A port with nothing listening (bound, then released).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// Mounts `first` for the first `n` requests to `p`, then `then`.
async fn failing_then(
    server: &MockServer,
    p: &str,
    n: u64,
    first: ResponseTemplate,
    then: ResponseTemplate,
) {
    Mock::given(method("POST"))
        .and(path(p))
        .respond_with(first)
        .up_to_n_times(n)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(p))
        .respond_with(then)
        .with_priority(2)
        .mount(server)
        .await;
}

async fn count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

fn lockers_ok() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"lockers": [{"id": "151", "name": "A", "active": true}]}))
}

fn pin_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"acses_pin": "4821"}))
}

#[tokio::test]
async fn read_succeeds_after_429_honouring_retry_after() {
    let server = MockServer::start().await;
    failing_then(
        &server,
        LOCKERS,
        1,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        lockers_ok(),
    )
    .await;
    let started = Instant::now();
    let lockers = client(&server)
        .list_available_lockers(DealerLocationId(1))
        .await
        .unwrap();
    assert_eq!(lockers.len(), 1);
    assert_eq!(count(&server).await, 2);
    // fast_retry's backoff is 20 ms: only Retry-After explains a 1 s wait.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn read_retry_after_beyond_cap_is_not_waited_for() {
    let server = MockServer::start().await;
    failing_then(
        &server,
        LOCKERS,
        1,
        ResponseTemplate::new(429).insert_header("retry-after", "60"),
        lockers_ok(),
    )
    .await;
    let err = client(&server)
        .list_available_lockers(DealerLocationId(1))
        .await
        .unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)));
    assert_eq!(count(&server).await, 1);
}

#[tokio::test]
async fn read_retries_5xx_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LOCKERS))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    failing_then(
        &server,
        LOCKERS,
        1,
        ResponseTemplate::new(500),
        lockers_ok(),
    )
    .await;
    let lockers = client(&server)
        .list_available_lockers(DealerLocationId(1))
        .await
        .unwrap();
    assert_eq!(lockers.len(), 1);
    assert_eq!(count(&server).await, 3);
}

#[tokio::test]
async fn read_gives_up_after_max_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/events/history"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = client(&server)
        .events_history(DealerLocationId(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    assert_eq!(count(&server).await, 1 + fast_retry().max_retries as usize);
}

#[tokio::test]
async fn read_does_not_retry_client_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/appointments/list"))
        .respond_with(ResponseTemplate::new(400))
        .mount(&server)
        .await;
    let err = client(&server)
        .list_appointments(DealerLocationId(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BadRequest(_)));
    assert_eq!(count(&server).await, 1);
}

#[tokio::test]
async fn read_retries_after_timeout() {
    let server = MockServer::start().await;
    failing_then(
        &server,
        "/v1/events/history",
        1,
        ResponseTemplate::new(200)
            .set_body_json(json!({"history": []}))
            .set_delay(Duration::from_millis(1000)),
        ResponseTemplate::new(200).set_body_raw(r#"{"history": []}"#, "application/json"),
    )
    .await;
    let config = ClientConfig::new(server.uri(), TOKEN.to_owned())
        .with_retry(fast_retry())
        .with_timeout(Duration::from_millis(200));
    let raw = Client::new(config)
        .unwrap()
        .events_history_raw(DealerLocationId(1))
        .await
        .unwrap();
    assert_eq!(raw.as_ref(), br#"{"history": []}"#);
    assert_eq!(count(&server).await, 2);
}

#[tokio::test]
async fn pickup_is_not_retried_after_5xx() {
    for status in [500, 502, 504] {
        let server = MockServer::start().await;
        failing_then(&server, PICKUP, 1, ResponseTemplate::new(status), pin_ok()).await;
        let err = client(&server).pickup(AppointmentId(1)).await.unwrap_err();
        assert!(matches!(err, Error::Server(_)), "{status}: {err:?}");
        assert_eq!(count(&server).await, 1, "{status} was retried");
    }
}

#[tokio::test]
async fn pin_calls_are_not_retried_after_timeout() {
    let server = MockServer::start().await;
    failing_then(
        &server,
        "/v1/employees/assist_pickup",
        1,
        pin_ok().set_delay(Duration::from_millis(1000)),
        pin_ok(),
    )
    .await;
    let config = ClientConfig::new(server.uri(), TOKEN.to_owned())
        .with_retry(fast_retry())
        .with_timeout(Duration::from_millis(200));
    let err = Client::new(config)
        .unwrap()
        .assist_pickup(AppointmentId(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(count(&server).await, 1);
}

#[tokio::test]
async fn pickup_is_retried_after_503() {
    let server = MockServer::start().await;
    failing_then(&server, PICKUP, 1, ResponseTemplate::new(503), pin_ok()).await;
    let pin = client(&server).pickup(AppointmentId(1)).await.unwrap();
    assert_eq!(pin.as_ref().map(Pin::expose), Some("4821"));
    assert_eq!(count(&server).await, 2);
}

#[tokio::test]
async fn drop_back_is_retried_after_429() {
    let server = MockServer::start().await;
    failing_then(
        &server,
        "/v1/employees/drop_back",
        1,
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
        pin_ok(),
    )
    .await;
    let req = DropBackRequest {
        locker_system_id: "151".into(),
        appointment_id: AppointmentId(1),
        appointment_note_id: None,
    };
    assert!(client(&server).drop_back(&req).await.unwrap().is_some());
    assert_eq!(count(&server).await, 2);
}

#[tokio::test]
async fn pickup_is_retried_after_connection_refused() {
    let port = free_port();
    // Nothing listens at first; the server comes up between the first and a
    // later attempt (attempts at ~0, 100, 300, 700 ms).
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("rebind port");
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(method("POST"))
            .and(path(PICKUP))
            .respond_with(pin_ok())
            .mount(&server)
            .await;
        server
    });
    let policy = RetryPolicy {
        max_retries: 4,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(400),
        retry_after_cap: Duration::from_secs(1),
        jitter: false,
    };
    let c = client_for(&format!("http://127.0.0.1:{port}"), policy);
    let pin = c.pickup(AppointmentId(1)).await.unwrap();
    assert_eq!(pin.as_ref().map(Pin::expose), Some("4821"));
    let server = server.await.unwrap();
    assert_eq!(
        count(&server).await,
        1,
        "exactly one request reached the server"
    );
}

#[tokio::test]
async fn pickup_gives_up_on_refused_connection_after_backoff() {
    let c = client_for(&format!("http://127.0.0.1:{}", free_port()), fast_retry());
    let started = Instant::now();
    let err = c.pickup(AppointmentId(1)).await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    // 3 retries at 20 + 40 + 80 ms: proves the retries happened.
    assert!(
        started.elapsed() >= Duration::from_millis(140),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn simulate_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/events/simulate"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = client(&server)
        .simulate(
            DealerLocationId(82),
            &"151".into(),
            "4821",
            ObjectStatus::Dropoff,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    assert_eq!(count(&server).await, 1);
}

#[tokio::test]
async fn events_handler_is_never_retried() {
    for status in [429, 500, 503] {
        let server = MockServer::start().await;
        failing_then(
            &server,
            "/v1/events/handler",
            1,
            ResponseTemplate::new(status),
            ResponseTemplate::new(200),
        )
        .await;
        let err = client(&server)
            .events_handler(&WebhookEvent::default())
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(count(&server).await, 1, "{status} was retried");
    }
}

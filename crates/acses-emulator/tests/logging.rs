//! What the emulator logs. Alone in its own test binary on purpose: tracing caches per-callsite
//! interest globally, so tests running in parallel without a subscriber could switch off the
//! callsites this test listens to.

use std::sync::{Arc, Mutex};

use acses_emulator::{app, EmulatorConfig, EmulatorState, World};
use axum::body::{to_bytes, Body};
use axum::http::{header, Request};
use serde_json::Value;
use tower::ServiceExt;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_name_method_path_and_status_but_never_the_token_or_a_pin() {
    const TOKEN: &str = "log-test-token";
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        // No timestamps: their digits could contain the PIN by chance.
        .without_time()
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // The subscriber registers before it becomes this thread's default; recompute interest now.
    tracing::callsite::rebuild_interest_cache();

    let state = EmulatorState::new(
        EmulatorConfig {
            token: TOKEN.into(),
            // Longer than any id the logs contain, so a match can only be the PIN itself.
            pin_length: 12,
            ..EmulatorConfig::default()
        },
        World::demo(),
    );
    let router = app(state);
    let call = |method: &str, uri: String, body: &str| {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::from(body.to_owned()))
            .unwrap();
        let router = router.clone();
        async move {
            let response = router.oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
            (status, bytes)
        }
    };

    let (_, body) = call(
        "POST",
        "/v1/employees/pickup".into(),
        r#"{"appointment_id":120301}"#,
    )
    .await;
    let pin: Value = serde_json::from_slice(&body).unwrap();
    let pin = pin["acses_pin"].as_str().unwrap().to_owned();
    let (status, _) = call(
        "GET",
        format!(
            "/v1/events/simulate?location_id=82&locker_system_id=151&code={pin}&action=checkout"
        ),
        "",
    )
    .await;
    assert_eq!(status, 200);
    call(
        "POST",
        "/v1/events/history".into(),
        r#"{"dealer_location_id":82}"#,
    )
    .await;
    call("POST", "/v1/employees/pickup".into(), "{}").await;

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("path=/v1/events/simulate"), "{logs}");
    assert!(logs.contains("path=/v1/employees/pickup"), "{logs}");
    assert!(logs.contains("method=GET"), "{logs}");
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("status=400"), "{logs}");
    assert!(logs.contains("booking issued"), "{logs}");
    assert!(!logs.contains(&pin), "PIN in logs: {logs}");
    assert!(!logs.contains(TOKEN), "token in logs");
}

//! The per-request debug line has method, path, status and elapsed time, and
//! never the token, a PIN or a query string.

use std::io::Write;
use std::sync::{Arc, Mutex};

use acses_api::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{client, TOKEN};

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn request_logs_hold_no_secrets() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/employees/pickup"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acses_pin": "918273"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/events/simulate"))
        .respond_with(ResponseTemplate::new(400).set_body_string("bad code"))
        .mount(&server)
        .await;
    let c = client(&server);
    let pin = c.pickup(AppointmentId(3)).await.unwrap();
    let _ = c
        .simulate(
            DealerLocationId(82),
            &"151".into(),
            "918273",
            ObjectStatus::Checkout,
        )
        .await;
    let pin = pin.unwrap();
    let _ = format!("{pin:?}");

    let logs = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("/v1/employees/pickup"), "{logs}");
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("elapsed_ms="), "{logs}");
    assert!(logs.contains("/v1/events/simulate"), "{logs}");
    assert!(logs.contains("status=400"), "{logs}");
    assert!(!logs.contains("918273"), "PIN in logs: {logs}");
    assert!(!logs.contains(TOKEN), "token in logs: {logs}");
    assert!(!logs.contains("code="), "query in logs: {logs}");
}

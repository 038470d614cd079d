//! Every documented status code maps to its variant with the body kept;
//! timeouts, refused connections and malformed JSON map to theirs.

use std::time::Duration;

use acses_api::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{client_for, client_no_retry, TOKEN};

const LOCKERS: &str = "/v1/employees/list_available_lockers";

async fn lockers_error(template: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LOCKERS))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    client_no_retry(&server)
        .list_available_lockers(DealerLocationId(82))
        .await
        .expect_err("should fail")
}

fn json_error(status: u16, msg: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": msg, "message": null}))
}

fn assert_common(err: &Error, status: u16, body_part: &str) {
    assert_eq!(err.status(), Some(status), "{err:?}");
    assert!(err.body().unwrap().contains(body_part), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
    assert!(
        shown.contains("POST /v1/employees/list_available_lockers"),
        "{shown}"
    );
}

#[tokio::test]
async fn status_400_is_bad_request() {
    let err = lockers_error(json_error(400, "dealer_location_id is required")).await;
    assert!(matches!(err, Error::BadRequest(_)), "{err:?}");
    assert_common(&err, 400, "dealer_location_id is required");
    assert_eq!(
        err.server_message().as_deref(),
        Some("dealer_location_id is required")
    );
    assert!(!err.is_transient());
}

#[tokio::test]
async fn status_401_is_unauthorized() {
    let err = lockers_error(ResponseTemplate::new(401).set_body_string("invalid token")).await;
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_common(&err, 401, "invalid token");
    assert_eq!(err.server_message().as_deref(), Some("invalid token"));
    assert_eq!(err.kind(), "unauthorized");
}

#[tokio::test]
async fn status_404_is_not_found() {
    let err = lockers_error(json_error(404, "not found")).await;
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert_common(&err, 404, "not found");
}

#[tokio::test]
async fn status_405_is_method_not_allowed() {
    let err = lockers_error(ResponseTemplate::new(405).set_body_string("Method Not Allowed")).await;
    assert!(matches!(err, Error::MethodNotAllowed(_)), "{err:?}");
    assert_common(&err, 405, "Method Not Allowed");
}

#[tokio::test]
async fn status_429_is_rate_limited_with_retry_after_seconds() {
    let err = lockers_error(json_error(429, "slow down").insert_header("retry-after", "7")).await;
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{err:?}"
    );
    assert_common(&err, 429, "slow down");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert!(err.is_transient());
}

#[tokio::test]
async fn status_429_retry_after_http_date() {
    let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(20);
    let date = at
        .format(&time::format_description::well_known::Rfc2822)
        .unwrap()
        .replace("+0000", "GMT");
    let err =
        lockers_error(ResponseTemplate::new(429).insert_header("retry-after", date.as_str())).await;
    let after = err.retry_after().expect("parsed HTTP-date");
    assert!(
        after > Duration::from_secs(15) && after <= Duration::from_secs(20),
        "{after:?} from {date}"
    );
}

#[tokio::test]
async fn status_500_is_server_with_html_body() {
    let err = lockers_error(
        ResponseTemplate::new(500)
            .set_body_string("<html><title>Internal Server Error</title><body>trace</body></html>"),
    )
    .await;
    assert!(matches!(err, Error::Server(_)), "{err:?}");
    assert_common(&err, 500, "trace");
    assert_eq!(
        err.server_message().as_deref(),
        Some("Internal Server Error")
    );
    assert!(err.is_transient());
}

#[tokio::test]
async fn status_502_and_504_are_server() {
    for status in [502, 504] {
        let err = lockers_error(ResponseTemplate::new(status).set_body_string("gateway")).await;
        assert!(matches!(err, Error::Server(_)), "{status}: {err:?}");
        assert_common(&err, status, "gateway");
    }
}

#[tokio::test]
async fn status_503_is_unavailable() {
    let err = lockers_error(
        ResponseTemplate::new(503)
            .set_body_string("Down for maintenance")
            .insert_header("retry-after", "120"),
    )
    .await;
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    assert_common(&err, 503, "maintenance");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn other_status_is_http() {
    let err = lockers_error(ResponseTemplate::new(418).set_body_string("teapot")).await;
    assert!(matches!(err, Error::Http(_)), "{err:?}");
    assert_common(&err, 418, "teapot");
    assert!(!err.is_transient());
}

#[tokio::test]
async fn large_error_body_is_truncated() {
    let big = "x".repeat(100_000);
    let err = lockers_error(ResponseTemplate::new(500).set_body_string(big)).await;
    let resp = err.response().unwrap();
    assert!(resp.body_truncated);
    assert_eq!(resp.body.len(), error::MAX_ERROR_BODY);
}

#[tokio::test]
async fn timeout_maps_to_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LOCKERS))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"lockers": []}))
                .set_delay(Duration::from_millis(1500)),
        )
        .mount(&server)
        .await;
    let config = ClientConfig::new(server.uri(), TOKEN.to_owned())
        .with_retry(RetryPolicy::none())
        .with_timeout(Duration::from_millis(150));
    let err = Client::new(config)
        .unwrap()
        .list_available_lockers(DealerLocationId(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(err.status(), None);
    assert!(err.is_transient());
}

#[tokio::test]
async fn refused_connection_maps_to_connect() {
    let port = crate::retry::free_port();
    let c = client_for(&format!("http://127.0.0.1:{port}"), RetryPolicy::none());
    let err = c
        .list_available_lockers(DealerLocationId(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.is_transient());
    assert!(!format!("{err:?}").contains(TOKEN));
}

#[tokio::test]
async fn malformed_json_maps_to_decode_with_snippet() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LOCKERS))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"lockers": [{"id": "1"#))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/events/history"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>proxy login</html>"))
        .mount(&server)
        .await;
    let c = client_no_retry(&server);
    match c
        .list_available_lockers(DealerLocationId(1))
        .await
        .unwrap_err()
    {
        Error::Decode {
            status,
            snippet,
            endpoint,
            ..
        } => {
            assert_eq!(status, 200);
            assert_eq!(snippet, r#"{"lockers": [{"id": "1"#);
            assert_eq!(endpoint, "POST /v1/employees/list_available_lockers");
        }
        other => panic!("{other:?}"),
    }
    let err = c.events_history(DealerLocationId(1)).await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { snippet, .. } if snippet.contains("proxy login")),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_pin_response_is_decode_without_body_text() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/employees/pickup"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"acses_pin": "4821""#))
        .expect(1)
        .mount(&server)
        .await;
    let err = client_no_retry(&server)
        .pickup(AppointmentId(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("4821"));
}

#[tokio::test]
async fn pickup_error_status_is_mapped_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/employees/pickup"))
        .respond_with(json_error(400, "appointment has no keys in locker"))
        .mount(&server)
        .await;
    let err = client_no_retry(&server)
        .pickup(AppointmentId(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BadRequest(_)), "{err:?}");
    assert_eq!(
        err.server_message().as_deref(),
        Some("appointment has no keys in locker")
    );
}

#[tokio::test]
async fn transport_errors_do_not_carry_the_url_with_its_pin() {
    let port = crate::retry::free_port();
    let c = client_for(&format!("http://127.0.0.1:{port}"), RetryPolicy::none());
    let err = c
        .simulate(
            DealerLocationId(82),
            &"151".into(),
            "918273",
            ObjectStatus::Checkout,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let mut shown = format!("{err} {err:?}");
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        shown.push_str(&format!(" {s} {s:?}"));
        source = s.source();
    }
    assert!(!shown.contains("918273"), "{shown}");
    assert!(shown.contains("GET /v1/events/simulate"), "{shown}");
}

/// A success body over the configured limit is refused, whether its length is declared
/// (Content-Length) or only found while reading (gzip: reqwest drops the header).
#[tokio::test]
async fn a_body_over_the_limit_is_too_large_declared_or_streamed() {
    use std::io::Write as _;
    let server = MockServer::start().await;
    let history = json!({"history": [{"webhook_event_id": "x".repeat(4000)}]}).to_string();
    Mock::given(method("POST"))
        .and(path("/v1/events/history"))
        .respond_with(ResponseTemplate::new(200).set_body_string(history.clone()))
        .mount(&server)
        .await;
    let limited = |limit: u64| {
        Client::new(
            ClientConfig::new(server.uri(), TOKEN.to_owned())
                .with_retry(RetryPolicy::default())
                .with_max_body_bytes(limit),
        )
        .unwrap()
    };
    let err = limited(1024)
        .events_history_raw(DealerLocationId(82))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::TooLarge { limit: 1024, .. }),
        "{err:?}"
    );
    assert!(!err.is_transient(), "a too large answer is not retried");
    assert_eq!(err.kind(), "tooLarge");
    // Not retried: one request only.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    // At the limit it is read.
    let body = limited(history.len() as u64)
        .events_history_raw(DealerLocationId(82))
        .await
        .unwrap();
    assert_eq!(body.len(), history.len());

    // gzip: no length is declared; the decoded size counts.
    let gz = MockServer::start().await;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(history.as_bytes()).unwrap();
    let packed = enc.finish().unwrap();
    assert!(packed.len() < 1024, "compresses under the limit");
    Mock::given(method("POST"))
        .and(path("/v1/events/history"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .set_body_raw(packed, "application/json"),
        )
        .mount(&gz)
        .await;
    let c = Client::new(
        ClientConfig::new(gz.uri(), TOKEN.to_owned())
            .with_retry(RetryPolicy::none())
            .with_max_body_bytes(1024),
    )
    .unwrap();
    let err = c
        .events_history_raw(DealerLocationId(82))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
}

//! Shared set-up for the wiremock tests.

use std::time::Duration;

use acses_api::{Client, ClientConfig, RetryPolicy};

pub const TOKEN: &str = "tok-3f9a-secret";

/// Retries quickly and deterministically (no jitter) so tests stay fast.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(80),
        retry_after_cap: Duration::from_secs(5),
        jitter: false,
    }
}

pub fn client_for(base: &str, retry: RetryPolicy) -> Client {
    let config = ClientConfig::new(base, TOKEN.to_owned())
        .with_retry(retry)
        .with_timeout(Duration::from_secs(5))
        .with_connect_timeout(Duration::from_secs(2));
    Client::new(config).expect("valid test config")
}

pub fn client(server: &wiremock::MockServer) -> Client {
    client_for(&server.uri(), fast_retry())
}

pub fn client_no_retry(server: &wiremock::MockServer) -> Client {
    client_for(&server.uri(), RetryPolicy::none())
}

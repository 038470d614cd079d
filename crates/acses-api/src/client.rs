//! The HTTP client.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, Response};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use time::OffsetDateTime;
use url::Url;

use crate::error::{parse_retry_after, truncate_lossy, Error, MAX_ERROR_BODY};
use crate::ids::{AppointmentId, DealerLocationId, LockerSystemId};
use crate::models::{
    Appointment, DropBackRequest, LockerSystem, ObjectStatus, Pin, WebhookEvent, WebhookHistory,
};
use crate::retry::{CallKind, RetryPolicy};
use crate::wire::{
    paths, AppointmentRequest, AppointmentsResponse, HistoryResponse, LocationRequest,
    LockersResponse, PinResponse,
};
use crate::Result;

/// Everything needed to build a [`Client`].
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// API base, e.g. `https://clairedev.nl/api/acses` or
    /// `http://127.0.0.1:8787`; endpoint paths (`/v1/...`) are appended.
    pub base_url: String,
    /// Sent as `Authorization: Bearer <token>`; Debug prints it redacted.
    pub token: SecretString,
    /// Whole request, connect to last body byte.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    pub user_agent: String,
    /// The largest success body read (after decompression); a longer one fails with
    /// [`Error::TooLarge`] as soon as it passes the limit.
    pub max_body_bytes: u64,
}

/// The default [`ClientConfig::max_body_bytes`]: 128 MiB, about 190 000 history entries (the
/// history endpoint returns every event ever logged at a location, so it is the one that grows).
pub const DEFAULT_MAX_BODY_BYTES: u64 = 128 << 20;

impl ClientConfig {
    /// Defaults: 10 s timeout, 5 s connect timeout, [`RetryPolicy::default`], bodies up to
    /// [`DEFAULT_MAX_BODY_BYTES`].
    pub fn new(base_url: impl Into<String>, token: impl Into<SecretString>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            token: token.into(),
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            retry: RetryPolicy::default(),
            user_agent: concat!("acses-api/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    pub fn with_max_body_bytes(mut self, max_body_bytes: u64) -> Self {
        self.max_body_bytes = max_body_bytes;
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn with_connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = connect_timeout;
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }
}

/// Typed client of the ACSES API. Cheap to clone (shares one connection pool).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Always ends in `/`, so relative endpoint paths are appended to it.
    base: Url,
    retry: RetryPolicy,
    max_body: u64,
    /// The size of the last history body. The history only grows, and a gzip answer has no
    /// length, so the next body is read into a buffer of this size plus a margin: one
    /// allocation instead of a doubling one that at 100k entries held 3x the body for a moment.
    history_len: AtomicU64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.as_str())
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Validates and normalizes the base URL (trailing slash added).
fn parse_base_url(text: &str) -> Result<Url> {
    // The parse error does not echo the text: it could hold credentials.
    let mut url = Url::parse(text.trim())
        .map_err(|e| Error::Config(format!("base URL is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "base URL must be http or https, not {:?}",
            url.scheme()
        )));
    }
    if !matches!(url.host_str(), Some(h) if !h.is_empty()) {
        return Err(Error::Config("base URL has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "base URL must not contain credentials; the token is configured separately".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(
            "base URL must not have a query or fragment".into(),
        ));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client> {
        let base = parse_base_url(&config.base_url)?;

        let token = config.token.expose_secret().trim();
        if token.is_empty() {
            return Err(Error::Config("API token is empty".into()));
        }
        let mut auth = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
            Error::Config("API token contains characters not allowed in an HTTP header".into())
        })?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));

        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(config.user_agent)
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .gzip(true)
            .build()
            .map_err(|e| Error::Config(format!("cannot build HTTP client: {e}")))?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                retry: config.retry,
                max_body: config.max_body_bytes,
                history_len: AtomicU64::new(0),
            }),
        })
    }

    /// The normalized base URL (ends in `/`).
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// `POST /v1/employees/list_available_lockers`. Retried when transient.
    pub async fn list_available_lockers(
        &self,
        location: DealerLocationId,
    ) -> Result<Vec<LockerSystem>> {
        let body = LocationRequest {
            dealer_location_id: location,
        };
        let r: LockersResponse = self
            .post_json(CallKind::Read, paths::LIST_AVAILABLE_LOCKERS, &body)
            .await?;
        Ok(r.lockers)
    }

    /// `POST /v1/employees/pickup`: the PIN to take the keys out, or `None` if
    /// the service issued none. Retried only where the server did not act
    /// (see [`RetryPolicy`]).
    pub async fn pickup(&self, appointment: AppointmentId) -> Result<Option<Pin>> {
        self.pin_call(
            paths::PICKUP,
            &AppointmentRequest {
                appointment_id: appointment,
            },
        )
        .await
    }

    /// `POST /v1/employees/assist_pickup`: the PIN for a mechanic helping the
    /// customer take the keys. Same retry rule as [`Client::pickup`].
    pub async fn assist_pickup(&self, appointment: AppointmentId) -> Result<Option<Pin>> {
        self.pin_call(
            paths::ASSIST_PICKUP,
            &AppointmentRequest {
                appointment_id: appointment,
            },
        )
        .await
    }

    /// `POST /v1/employees/drop_back`: the PIN to put the keys back. Same
    /// retry rule as [`Client::pickup`].
    pub async fn drop_back(&self, request: &DropBackRequest) -> Result<Option<Pin>> {
        self.pin_call(paths::DROP_BACK, request).await
    }

    /// `POST /v1/events/history`, decoded. Retried when transient.
    pub async fn events_history(&self, location: DealerLocationId) -> Result<Vec<WebhookHistory>> {
        let bytes = self.events_history_raw(location).await?;
        let r: HistoryResponse = decode(
            &endpoint(&Method::POST, paths::EVENTS_HISTORY),
            200,
            &bytes,
            false,
        )?;
        Ok(r.history)
    }

    /// `POST /v1/events/history`, the undecoded success body (for an
    /// incremental parser). Retried when transient.
    pub async fn events_history_raw(&self, location: DealerLocationId) -> Result<Bytes> {
        let body = LocationRequest {
            dealer_location_id: location,
        };
        let (_, bytes) = self
            .execute(
                CallKind::Read,
                Method::POST,
                paths::EVENTS_HISTORY,
                self.url(paths::EVENTS_HISTORY)?,
                Some(to_json(&body)?),
            )
            .await?;
        Ok(bytes)
    }

    /// `POST /v1/events/handler` with a door event, as ACSES would post it.
    /// Never retried automatically (it changes state).
    pub async fn events_handler(&self, event: &WebhookEvent) -> Result<()> {
        self.execute(
            CallKind::NoRetry,
            Method::POST,
            paths::EVENTS_HANDLER,
            self.url(paths::EVENTS_HANDLER)?,
            Some(to_json(event)?),
        )
        .await
        .map(drop)
    }

    /// `GET /v1/events/simulate?location_id=&locker_system_id=&code=&action=`
    /// (dev only): pretends the door was opened with `code` (a PIN), `action`
    /// `Dropoff` or `Checkout`. Never retried automatically (it changes state).
    pub async fn simulate(
        &self,
        location: DealerLocationId,
        locker_system_id: &LockerSystemId,
        code: &str,
        action: ObjectStatus,
    ) -> Result<()> {
        let mut url = self.url(paths::EVENTS_SIMULATE)?;
        url.query_pairs_mut()
            .append_pair("location_id", &location.to_string())
            .append_pair("locker_system_id", locker_system_id.as_str())
            .append_pair("code", code)
            .append_pair("action", action.as_str());
        self.execute(
            CallKind::NoRetry,
            Method::GET,
            paths::EVENTS_SIMULATE,
            url,
            None,
        )
        .await
        .map(drop)
    }

    /// `POST /v1/appointments/list` (Claire's API, not the ACSES document).
    /// Entries without a usable id are skipped. Retried when transient.
    pub async fn list_appointments(&self, location: DealerLocationId) -> Result<Vec<Appointment>> {
        let body = LocationRequest {
            dealer_location_id: location,
        };
        let r: AppointmentsResponse = self
            .post_json(CallKind::Read, paths::APPOINTMENTS_LIST, &body)
            .await?;
        Ok(r.appointments)
    }

    async fn pin_call<B: Serialize>(&self, path: &'static str, body: &B) -> Result<Option<Pin>> {
        let (status, bytes) = self
            .execute(
                CallKind::PinIssuing,
                Method::POST,
                path,
                self.url(path)?,
                Some(to_json(body)?),
            )
            .await?;
        let r: PinResponse = decode(&endpoint(&Method::POST, path), status, &bytes, true)?;
        Ok(r.acses_pin)
    }

    async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        kind: CallKind,
        path: &'static str,
        body: &B,
    ) -> Result<T> {
        let (status, bytes) = self
            .execute(
                kind,
                Method::POST,
                path,
                self.url(path)?,
                Some(to_json(body)?),
            )
            .await?;
        decode(&endpoint(&Method::POST, path), status, &bytes, false)
    }

    fn url(&self, path: &str) -> Result<Url> {
        self.inner
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|e| Error::Config(format!("cannot build URL for {path}: {e}")))
    }

    /// The expected size of an answer on `path` whose length is not declared, if known.
    fn size_hint(&self, path: &str) -> u64 {
        if path != paths::EVENTS_HISTORY {
            return 0;
        }
        let last = self.inner.history_len.load(Ordering::Relaxed);
        // A poll's new entries are a few kB; 1/16 covers a day's worth at any size.
        last + last / 16 + 64 * 1024
    }

    /// Sends the request, retrying as `kind` and the policy allow. Returns the
    /// success status and body. `path` is what gets logged: never the query
    /// (simulate's carries a PIN), never a body.
    async fn execute(
        &self,
        kind: CallKind,
        method: Method,
        path: &'static str,
        url: Url,
        body: Option<Bytes>,
    ) -> Result<(u16, Bytes)> {
        let endpoint = endpoint(&method, path);
        let mut retry = 0u32;
        loop {
            let mut req = self.inner.http.request(method.clone(), url.clone());
            if let Some(body) = &body {
                req = req
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let started = Instant::now();
            let result = match req.send().await {
                Ok(resp) => {
                    read_response(resp, &endpoint, self.inner.max_body, self.size_hint(path)).await
                }
                Err(e) => Err(map_transport(e, &endpoint)),
            };
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let err = match result {
                Ok((status, bytes)) => {
                    if path == paths::EVENTS_HISTORY {
                        let len = bytes.len() as u64;
                        self.inner.history_len.store(len, Ordering::Relaxed);
                    }
                    tracing::debug!(%method, path, status, elapsed_ms, attempt = retry + 1, "acses request");
                    return Ok((status, bytes));
                }
                Err(err) => err,
            };
            tracing::debug!(
                %method,
                path,
                status = err.status(),
                error = err.kind(),
                elapsed_ms,
                attempt = retry + 1,
                "acses request failed"
            );
            let delay = if kind.may_retry(&err) {
                self.inner.retry.delay_for(retry, &err)
            } else {
                None
            };
            match delay {
                Some(delay) => {
                    tracing::debug!(%method, path, delay_ms = delay.as_millis() as u64, "acses retry");
                    tokio::time::sleep(delay).await;
                    retry += 1;
                }
                None => return Err(err),
            }
        }
    }
}

fn endpoint(method: &Method, path: &str) -> String {
    format!("{method} {path}")
}

fn to_json<B: Serialize + ?Sized>(body: &B) -> Result<Bytes> {
    serde_json::to_vec(body)
        .map(Bytes::from)
        .map_err(|e| Error::Config(format!("cannot serialize request body: {e}")))
}

async fn read_response(
    mut resp: Response,
    endpoint: &str,
    limit: u64,
    size_hint: u64,
) -> Result<(u16, Bytes)> {
    let status = resp.status().as_u16();
    if resp.status().is_success() {
        let too_large = || Error::TooLarge {
            endpoint: endpoint.to_owned(),
            limit,
        };
        // A declared length over the limit is refused before a byte is read. (With gzip the
        // header is absent: reqwest removes it, and the decoded size is checked below.)
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        // The buffer is sized once where the size is known or expected. Untouched capacity
        // costs address space, not memory: the kernel maps pages when they are written.
        let expected = resp.content_length().unwrap_or(size_hint).min(limit);
        let mut body = bytes::BytesMut::with_capacity(expected as usize);
        while let Some(chunk) = resp.chunk().await.map_err(|e| map_transport(e, endpoint))? {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        return Ok((status, body.freeze()));
    }
    let retry_after = resp
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, OffsetDateTime::now_utc()));
    // Error bodies are read only as far as we keep them (an HTML error page
    // can be large); a body that breaks off is kept as far as it came.
    let mut body = Vec::new();
    while body.len() <= MAX_ERROR_BODY {
        match resp.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    Err(Error::from_status(endpoint, status, retry_after, &body))
}

/// reqwest errors carry the URL; it is removed (simulate's query holds a PIN).
fn map_transport(e: reqwest::Error, endpoint: &str) -> Error {
    let e = e.without_url();
    let endpoint = endpoint.to_owned();
    // A connect timeout is a connect error: the request was never sent.
    if e.is_connect() {
        Error::Connect {
            endpoint,
            source: e,
        }
    } else if e.is_timeout() {
        Error::Timeout { endpoint }
    } else if e.is_builder() {
        Error::Config(format!("{endpoint}: {e}"))
    } else {
        Error::Transport {
            endpoint,
            source: e,
        }
    }
}

/// Decodes a success body. An empty body reads as `{}` (lists empty, no PIN).
/// For PIN responses (`sensitive`) the error holds no text of the body, since
/// serde's messages may quote the value.
fn decode<T: DeserializeOwned>(
    endpoint: &str,
    status: u16,
    bytes: &[u8],
    sensitive: bool,
) -> Result<T> {
    let input: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    serde_json::from_slice(input).map_err(|e| {
        let (message, snippet) = if sensitive {
            (
                format!("invalid JSON at line {}, column {}", e.line(), e.column()),
                "<redacted: PIN response>".to_owned(),
            )
        } else {
            (e.to_string(), truncate_lossy(bytes, 200).0)
        };
        Error::Decode {
            endpoint: endpoint.to_owned(),
            status,
            message,
            snippet,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_normalization() {
        let u = parse_base_url("http://127.0.0.1:8787").unwrap();
        assert_eq!(
            u.join("v1/events/history").unwrap().as_str(),
            "http://127.0.0.1:8787/v1/events/history"
        );
        for base in [
            "https://clairedev.nl/api/acses",
            "https://clairedev.nl/api/acses/",
            " https://clairedev.nl/api/acses ",
        ] {
            let u = parse_base_url(base).unwrap();
            assert_eq!(
                u.join("v1/employees/pickup").unwrap().as_str(),
                "https://clairedev.nl/api/acses/v1/employees/pickup",
                "{base}"
            );
        }
    }

    #[test]
    fn base_url_rejections() {
        for bad in [
            "",
            "clairedev.nl",
            "ftp://x/",
            "http://u:p@x/",
            "http://x/?a=1",
            "http://x/#f",
            "file:///tmp",
        ] {
            let err = parse_base_url(bad).expect_err(bad);
            assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
            if bad.contains("u:p") {
                assert!(!err.to_string().contains("u:p"));
            }
        }
    }

    #[test]
    fn config_debug_and_errors_hide_the_token() {
        let cfg = ClientConfig::new("http://x", "s3cr3t-token".to_owned());
        assert!(!format!("{cfg:?}").contains("s3cr3t"));
        let client = Client::new(cfg).unwrap();
        assert!(!format!("{client:?}").contains("s3cr3t"));
        let bad = Client::new(ClientConfig::new(
            "http://x",
            "bad\ntoken\u{7f}s3cr3t".to_owned(),
        ))
        .unwrap_err();
        assert!(matches!(bad, Error::Config(_)));
        assert!(!format!("{bad:?} {bad}").contains("s3cr3t"));
        assert!(matches!(
            Client::new(ClientConfig::new("http://x", "  ".to_owned())),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn pin_decode_errors_hold_no_body_text() {
        let err =
            decode::<PinResponse>("POST /p", 200, br#"{"acses_pin": [4821]}"#, true).unwrap_err();
        let shown = format!("{err:?} {err}");
        assert!(!shown.contains("4821"), "{shown}");
        let err =
            decode::<LockersResponse>("POST /l", 200, b"<html>oops</html>", false).unwrap_err();
        match err {
            Error::Decode {
                snippet, status, ..
            } => {
                assert_eq!(snippet, "<html>oops</html>");
                assert_eq!(status, 200);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn empty_success_body_is_empty_object() {
        let r: PinResponse = decode("x", 200, b"  \n", true).unwrap();
        assert!(r.acses_pin.is_none());
        let r: LockersResponse = decode("x", 200, b"", false).unwrap();
        assert!(r.lockers.is_empty());
    }
}

//! The client's one error type.
//!
//! HTTP failures keep the status and the (truncated) body, because the
//! service's error bodies are the only diagnosis we get. Nothing here ever
//! holds the API token; URLs are stripped from transport errors because the
//! simulate URL carries a PIN in its query.

use std::fmt;
use std::time::Duration;

use time::format_description::well_known::Rfc2822;
use time::OffsetDateTime;

/// Error bodies are kept up to this many bytes.
pub const MAX_ERROR_BODY: usize = 2048;

/// An HTTP response with a non-success status.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpFailure {
    /// e.g. `POST /v1/employees/pickup` (never a query string).
    pub endpoint: String,
    pub status: u16,
    /// The body, cut to [`MAX_ERROR_BODY`] bytes on a char boundary.
    pub body: String,
    pub body_truncated: bool,
}

impl HttpFailure {
    pub fn new(endpoint: impl Into<String>, status: u16, body: &[u8]) -> Self {
        let (body, body_truncated) = truncate_lossy(body, MAX_ERROR_BODY);
        HttpFailure {
            endpoint: endpoint.into(),
            status,
            body,
            body_truncated,
        }
    }

    /// Best-effort human message from the body: JSON `message`/`error`/`detail`,
    /// an HTML `<title>` or its text, or the plain text; `None` if empty.
    pub fn server_message(&self) -> Option<String> {
        server_message(&self.body)
    }
}

impl fmt::Debug for HttpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpFailure")
            .field("endpoint", &self.endpoint)
            .field("status", &self.status)
            .field("body", &self.body)
            .field("body_truncated", &self.body_truncated)
            .finish()
    }
}

impl fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} from {}", self.status, self.endpoint)?;
        if let Some(msg) = self.server_message() {
            write!(f, ": {msg}")?;
        }
        Ok(())
    }
}

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 400: the request is invalid (e.g. unknown appointment).
    #[error("bad request: {0}")]
    BadRequest(HttpFailure),
    /// 401: the API token is wrong.
    #[error("unauthorized (check the API token): {0}")]
    Unauthorized(HttpFailure),
    /// 404: endpoint (or base URL) not found.
    #[error("not found (check the base URL): {0}")]
    NotFound(HttpFailure),
    /// 405: wrong method for the endpoint.
    #[error("method not allowed: {0}")]
    MethodNotAllowed(HttpFailure),
    /// 429: too many requests.
    #[error("rate limited{}: {response}", fmt_after(.retry_after))]
    RateLimited {
        retry_after: Option<Duration>,
        response: HttpFailure,
    },
    /// 500, 502, 504 and any other 5xx but 503.
    #[error("server error: {0}")]
    Server(HttpFailure),
    /// 503: offline for maintenance.
    #[error("service unavailable{}: {response}", fmt_after(.retry_after))]
    Unavailable {
        retry_after: Option<Duration>,
        response: HttpFailure,
    },
    /// Any other non-success status.
    #[error("unexpected response: {0}")]
    Http(HttpFailure),
    /// No complete response within the configured timeout.
    #[error("{endpoint}: timed out")]
    Timeout { endpoint: String },
    /// Could not connect (DNS, refused, TLS handshake): the request was never sent.
    #[error("{endpoint}: cannot connect: {source}")]
    Connect {
        endpoint: String,
        #[source]
        source: reqwest::Error,
    },
    /// The connection failed after the request may have been sent (reset,
    /// closed mid-response).
    #[error("{endpoint}: transport error: {source}")]
    Transport {
        endpoint: String,
        #[source]
        source: reqwest::Error,
    },
    /// A success status whose body is not the expected JSON.
    #[error("{endpoint}: unexpected response body (HTTP {status}): {message}")]
    Decode {
        endpoint: String,
        status: u16,
        message: String,
        /// Start of the body; redacted for PIN-issuing endpoints.
        snippet: String,
    },
    /// A success answer larger than [`crate::ClientConfig::max_body_bytes`]: it was not read to
    /// the end (a broken proxy or server must not make the client hold hundreds of MB).
    #[error("{endpoint}: answer larger than {limit} bytes, not read")]
    TooLarge { endpoint: String, limit: u64 },
    /// Invalid configuration (base URL, token format, TLS setup).
    #[error("invalid configuration: {0}")]
    Config(String),
}

fn fmt_after(d: &Option<Duration>) -> String {
    match d {
        Some(d) => format!(" (retry after {}s)", d.as_secs()),
        None => String::new(),
    }
}

impl Error {
    /// Maps a non-success response to its variant.
    pub fn from_status(
        endpoint: impl Into<String>,
        status: u16,
        retry_after: Option<Duration>,
        body: &[u8],
    ) -> Error {
        let response = HttpFailure::new(endpoint, status, body);
        match status {
            400 => Error::BadRequest(response),
            401 => Error::Unauthorized(response),
            404 => Error::NotFound(response),
            405 => Error::MethodNotAllowed(response),
            429 => Error::RateLimited {
                retry_after,
                response,
            },
            503 => Error::Unavailable {
                retry_after,
                response,
            },
            500..=599 => Error::Server(response),
            _ => Error::Http(response),
        }
    }

    /// A stable camelCase name of the variant (for logs and for the UI to
    /// branch on), e.g. `"rateLimited"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::BadRequest(_) => "badRequest",
            Error::Unauthorized(_) => "unauthorized",
            Error::NotFound(_) => "notFound",
            Error::MethodNotAllowed(_) => "methodNotAllowed",
            Error::RateLimited { .. } => "rateLimited",
            Error::Server(_) => "server",
            Error::Unavailable { .. } => "unavailable",
            Error::Http(_) => "http",
            Error::Timeout { .. } => "timeout",
            Error::Connect { .. } => "connect",
            Error::Transport { .. } => "transport",
            Error::Decode { .. } => "decode",
            Error::TooLarge { .. } => "tooLarge",
            Error::Config(_) => "config",
        }
    }

    /// The HTTP failure, for variants that have one.
    pub fn response(&self) -> Option<&HttpFailure> {
        match self {
            Error::BadRequest(r)
            | Error::Unauthorized(r)
            | Error::NotFound(r)
            | Error::MethodNotAllowed(r)
            | Error::Server(r)
            | Error::Http(r)
            | Error::RateLimited { response: r, .. }
            | Error::Unavailable { response: r, .. } => Some(r),
            _ => None,
        }
    }

    /// HTTP status, if a response was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Decode { status, .. } => Some(*status),
            _ => self.response().map(|r| r.status),
        }
    }

    /// The (truncated) response body of an HTTP failure.
    pub fn body(&self) -> Option<&str> {
        self.response().map(|r| r.body.as_str())
    }

    /// Worth trying again later: 408, 429, 5xx, timeouts and network errors.
    /// (Whether a given call *may* be retried automatically is the client's
    /// decision; see [`crate::RetryPolicy`].)
    pub fn is_transient(&self) -> bool {
        match self {
            Error::RateLimited { .. }
            | Error::Server(_)
            | Error::Unavailable { .. }
            | Error::Timeout { .. }
            | Error::Connect { .. }
            | Error::Transport { .. } => true,
            Error::Http(r) => r.status == 408,
            _ => false,
        }
    }

    /// The server's `Retry-After`, on 429 and 503.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } | Error::Unavailable { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// Best-effort message from the server's error body.
    pub fn server_message(&self) -> Option<String> {
        self.response().and_then(HttpFailure::server_message)
    }
}

/// Parses a `Retry-After` value: delay seconds or an HTTP-date (then the time
/// left until it, zero if past).
pub fn parse_retry_after(value: &str, now: OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = OffsetDateTime::parse(value, &Rfc2822).ok()?;
    let left = at - now;
    Some(left.try_into().unwrap_or(Duration::ZERO))
}

pub(crate) fn truncate_lossy(bytes: &[u8], max: usize) -> (String, bool) {
    let text = String::from_utf8_lossy(bytes);
    if text.len() <= max {
        return (text.into_owned(), false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (text[..end].to_owned(), true)
}

const MAX_MESSAGE_CHARS: usize = 300;

fn server_message(body: &str) -> Option<String> {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return None;
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(trimmed) {
        return json_message(&v).map(|m| clip(&m));
    }
    if trimmed.starts_with('<') {
        return html_message(trimmed).map(|m| clip(&m));
    }
    Some(clip(trimmed))
}

fn json_message(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let text = |v: &Value| match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Null | Value::String(_) => None,
        Value::Object(o) => o
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| Some(v.to_string())),
        other => Some(other.to_string()),
    };
    let obj = match v {
        Value::Object(o) => o,
        Value::String(s) if !s.trim().is_empty() => return Some(s.trim().to_owned()),
        _ => return None,
    };
    let get = |k: &str| obj.get(k).and_then(text);
    let message = get("message")
        .or_else(|| get("Message"))
        .or_else(|| get("detail"));
    let error = get("error")
        .or_else(|| get("Error"))
        .or_else(|| get("title"));
    // The message is the sentence meant for people; an `error` next to it is usually a code
    // (`locker_inactive`), which only helps when there is nothing else.
    message.or(error)
}

fn html_message(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title>"), lower.find("</title>")) {
        let start = start + "<title>".len();
        if start < end {
            let t = collapse(&html[start..end]);
            if !t.is_empty() {
                return Some(t);
            }
        }
    }
    // No title: the text between tags.
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let t = collapse(&text);
    (!t.is_empty()).then_some(t)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn clip(s: &str) -> String {
    let s = collapse(s);
    match s.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = datetime!(2024-03-29 10:00:00 UTC);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Fri, 29 Mar 2024 10:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Fri, 29 Mar 2024 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn status_mapping() {
        let cases: &[(u16, &str)] = &[
            (400, "BadRequest"),
            (401, "Unauthorized"),
            (404, "NotFound"),
            (405, "MethodNotAllowed"),
            (429, "RateLimited"),
            (500, "Server"),
            (502, "Server"),
            (503, "Unavailable"),
            (504, "Server"),
            (418, "Http"),
        ];
        for &(status, want) in cases {
            let e = Error::from_status("GET /x", status, None, b"b");
            let got = format!("{e:?}");
            assert!(got.starts_with(want), "{status}: {got}");
            assert_eq!(e.status(), Some(status));
            assert_eq!(e.body(), Some("b"));
        }
    }

    #[test]
    fn transient_classification() {
        for s in [429, 500, 502, 503, 504, 408] {
            assert!(Error::from_status("x", s, None, b"").is_transient(), "{s}");
        }
        for s in [400, 401, 404, 405, 409, 418] {
            assert!(!Error::from_status("x", s, None, b"").is_transient(), "{s}");
        }
        assert!(Error::Timeout {
            endpoint: "x".into()
        }
        .is_transient());
        assert!(!Error::Config("x".into()).is_transient());
    }

    #[test]
    fn body_is_truncated_on_char_boundary() {
        let body = "é".repeat(MAX_ERROR_BODY); // 2 bytes each
        let f = HttpFailure::new("x", 500, body.as_bytes());
        assert!(f.body_truncated);
        assert!(f.body.len() <= MAX_ERROR_BODY && f.body.len() > MAX_ERROR_BODY - 2);
        let small = HttpFailure::new("x", 500, b"short");
        assert!(!small.body_truncated);
        assert_eq!(small.body, "short");
    }

    #[test]
    fn server_message_shapes() {
        let m = |b: &str| server_message(b);
        assert_eq!(
            m(r#"{"error":"bad_request","message":"unknown appointment"}"#).as_deref(),
            Some("unknown appointment")
        );
        assert_eq!(
            m(r#"{"error":"invalid token"}"#).as_deref(),
            Some("invalid token")
        );
        assert_eq!(m(r#"{"message":"x","error":null}"#).as_deref(), Some("x"));
        assert_eq!(
            m(r#"{"error":{"code":5,"message":"deep"}}"#).as_deref(),
            Some("deep")
        );
        assert_eq!(m(r#"{"foo":1}"#), None);
        assert_eq!(
            m("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>")
                .as_deref(),
            Some("502 Bad Gateway")
        );
        assert_eq!(
            m("<h1>Down for\n maintenance</h1>").as_deref(),
            Some("Down for maintenance")
        );
        assert_eq!(
            m("  upstream timed out\n").as_deref(),
            Some("upstream timed out")
        );
        assert_eq!(m("   "), None);
        assert!(m(&"x".repeat(5000)).unwrap().chars().count() <= MAX_MESSAGE_CHARS + 1);
    }
}

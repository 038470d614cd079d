//! The error that crosses IPC: `{"kind": "...", "code": "...", "field"?: "...", "detail"?: "..."}`
//! (docs/ipc.md, "Errors"). `kind` is what the UI branches on, `code` what it words (one of
//! [`crate::text`]), `field` the refused setting and `detail` words that are not ours (a 400's own
//! message from the service), shown as they are. Here too: the one table that says what each API
//! failure means, both as an error kind and as the connection state the watcher shows.

use serde::Serialize;

use crate::payload::ConnectionState;
use crate::text;

/// What went wrong, as the UI branches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    Unauthorized,
    RateLimited,
    Maintenance,
    Server,
    Offline,
    NotFound,
    BadRequest,
    InvalidInput,
    Busy,
    NotAllowed,
    Internal,
}

/// An error for the UI: its kind, and the code of the sentence the UI shows for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
pub struct KioskError {
    pub kind: ErrorKind,
    /// A code of [`crate::text`]; the UI's catalogue has its sentence (`error.<code>`).
    pub code: &'static str,
    /// The refused setting (camelCase, as the UI names its fields), so the settings screen can
    /// mark it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// Words that are not ours to translate (a 400's own message), shown instead of the code's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl KioskError {
    pub fn new(kind: ErrorKind, code: &'static str) -> Self {
        Self {
            kind,
            code,
            field: None,
            detail: None,
        }
    }

    pub fn invalid_input(code: &'static str) -> Self {
        Self::new(ErrorKind::InvalidInput, code)
    }

    pub fn busy() -> Self {
        Self::new(ErrorKind::Busy, text::BUSY)
    }

    pub fn not_allowed(code: &'static str) -> Self {
        Self::new(ErrorKind::NotAllowed, code)
    }

    pub fn internal() -> Self {
        Self::new(ErrorKind::Internal, text::INTERNAL)
    }
}

/// What an API failure means: the error kind a command returns, the connection state the watcher
/// shows when a poll fails this way, and the code of the sentence for both. One table, so a
/// command and the status bar never disagree about the same failure.
pub fn classify(e: &acses_api::Error) -> (ErrorKind, ConnectionState, &'static str) {
    use acses_api::Error as E;
    use ConnectionState as S;
    use ErrorKind as K;
    match e {
        E::Unauthorized(_) => (K::Unauthorized, S::Unauthorized, text::UNAUTHORIZED),
        E::RateLimited { .. } => (K::RateLimited, S::RateLimited, text::RATE_LIMITED),
        E::Unavailable { .. } => (K::Maintenance, S::Maintenance, text::MAINTENANCE),
        E::Server(_) => (K::Server, S::Error, text::SERVER),
        E::Timeout { .. } | E::Connect { .. } | E::Transport { .. } => {
            (K::Offline, S::Offline, text::OFFLINE)
        }
        E::NotFound(_) => (K::NotFound, S::Error, text::NOT_FOUND),
        E::BadRequest(_) => (K::BadRequest, S::Error, text::BAD_REQUEST),
        E::MethodNotAllowed(_) => (K::Internal, S::Error, text::METHOD_NOT_ALLOWED),
        E::Decode { .. } | E::TooLarge { .. } => (K::Server, S::Error, text::UNREADABLE_ANSWER),
        E::Config(_) => (K::InvalidInput, S::Error, text::CONFIG),
        E::Http(r) if r.status == 408 => (K::Offline, S::Offline, text::OFFLINE),
        _ => (K::Internal, S::Error, text::INTERNAL),
    }
}

/// Each API failure as a kind the UI branches on and the code of a sentence a mechanic
/// understands. The technical detail (status, endpoint, body) goes to the log, not to the screen.
impl From<acses_api::Error> for KioskError {
    fn from(e: acses_api::Error) -> Self {
        KioskError::from(&e)
    }
}

impl From<&acses_api::Error> for KioskError {
    fn from(e: &acses_api::Error) -> Self {
        let (kind, _, code) = classify(e);
        // The service's own words are the best we have for a 400 (e.g. "appointment has no
        // keys"); the code's sentence stands in when it sent none.
        let detail = match e {
            acses_api::Error::BadRequest(r) => r.server_message().filter(|m| m.len() <= 300),
            _ => None,
        };
        tracing::debug!(error = %e, ?kind, "locker service call failed");
        KioskError {
            kind,
            code,
            field: None,
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn error(code: u16, body: &str) -> acses_api::Error {
        acses_api::Error::from_status(
            "POST /v1/employees/pickup",
            code,
            Some(Duration::from_secs(3)),
            body.as_bytes(),
        )
    }

    fn status(code: u16, body: &str) -> KioskError {
        error(code, body).into()
    }

    #[test]
    fn serializes_as_kind_and_code() {
        let v = serde_json::to_value(KioskError::busy()).unwrap();
        assert_eq!(v, serde_json::json!({"kind": "busy", "code": text::BUSY}));
        let v = serde_json::to_value(KioskError::invalid_input(text::INVALID_NOTE)).unwrap();
        assert_eq!(v["kind"], "invalidInput");
        assert_eq!(v["code"], "invalidNote");
        assert_eq!(
            serde_json::to_value(ErrorKind::RateLimited).unwrap(),
            "rateLimited"
        );
        assert_eq!(
            serde_json::to_value(ErrorKind::NotAllowed).unwrap(),
            "notAllowed"
        );
        let mut refused = KioskError::invalid_input(text::SETTING_LOCATION);
        refused.field = Some("locationId");
        let v = serde_json::to_value(refused).unwrap();
        assert_eq!(v["field"], "locationId");
        assert_eq!(v["code"], "settingLocation");
        let v = serde_json::to_value(status(400, r#"{"message": "no keys"}"#)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "badRequest", "code": "badRequest", "detail": "no keys"})
        );
    }

    #[test]
    fn api_errors_map_to_kinds_and_codes() {
        let table = [
            (401, ErrorKind::Unauthorized, text::UNAUTHORIZED),
            (429, ErrorKind::RateLimited, text::RATE_LIMITED),
            (503, ErrorKind::Maintenance, text::MAINTENANCE),
            (500, ErrorKind::Server, text::SERVER),
            (502, ErrorKind::Server, text::SERVER),
            (404, ErrorKind::NotFound, text::NOT_FOUND),
            (408, ErrorKind::Offline, text::OFFLINE),
            (418, ErrorKind::Internal, text::INTERNAL),
        ];
        for (code, kind, words) in table {
            let e = status(code, "<html>secret detail</html>");
            assert_eq!((e.kind, e.code), (kind, words), "HTTP {code}");
            assert_eq!(e.detail, None, "HTTP {code}: the body stays in the log");
        }
        let e = status(
            400,
            r#"{"message": "appointment 7 has no keys in the locker"}"#,
        );
        assert_eq!(e.kind, ErrorKind::BadRequest);
        assert_eq!(
            e.detail.as_deref(),
            Some("appointment 7 has no keys in the locker")
        );
        assert_eq!(
            e.to_string(),
            "badRequest: appointment 7 has no keys in the locker"
        );
        let e = status(400, "");
        assert_eq!((e.code, e.detail), (text::BAD_REQUEST, None));
        let e: KioskError = acses_api::Error::Timeout {
            endpoint: "x".into(),
        }
        .into();
        assert_eq!(e.kind, ErrorKind::Offline);
        let e: KioskError = acses_api::Error::Config("bad".into()).into();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }

    #[test]
    fn api_errors_map_to_connection_states() {
        let table = [
            (401, ConnectionState::Unauthorized),
            (429, ConnectionState::RateLimited),
            (503, ConnectionState::Maintenance),
            (500, ConnectionState::Error),
            (404, ConnectionState::Error),
            (400, ConnectionState::Error),
            (408, ConnectionState::Offline),
            (418, ConnectionState::Error),
        ];
        for (code, state) in table {
            assert_eq!(classify(&error(code, "")).1, state, "HTTP {code}");
        }
        let timeout = acses_api::Error::Timeout {
            endpoint: "x".into(),
        };
        assert_eq!(classify(&timeout).1, ConnectionState::Offline);
    }
}

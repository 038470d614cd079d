//! The error that crosses IPC: `{"kind": "...", "message": "<sentence>"}` (docs/ipc.md, "Errors"),
//! plus `"field"` when a setting was refused.

use serde::Serialize;

use crate::settings::Language;
use crate::{i18n, text};

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

/// An error the UI shows as is: `message` is already a sentence a mechanic understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct KioskError {
    pub kind: ErrorKind,
    pub message: String,
    /// The refused setting (camelCase, as the UI names its fields), so the settings screen can
    /// mark it whatever the language of `message`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

impl KioskError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            field: None,
        }
    }

    /// The same error with its sentence in `lang` (see [`crate::i18n`]).
    pub fn localized(mut self, lang: Language) -> Self {
        let translated = i18n::tr(lang, &self.message);
        if translated != self.message {
            self.message = translated.to_owned();
        }
        self
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    pub fn busy() -> Self {
        Self::new(ErrorKind::Busy, text::BUSY)
    }

    pub fn not_allowed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotAllowed, message)
    }

    pub fn internal() -> Self {
        Self::new(ErrorKind::Internal, text::INTERNAL)
    }
}

/// Each API failure as a kind the UI branches on and a sentence a mechanic understands. The
/// technical detail (status, endpoint, body) goes to the log, not to the screen.
impl From<acses_api::Error> for KioskError {
    fn from(e: acses_api::Error) -> Self {
        KioskError::from(&e)
    }
}

impl From<&acses_api::Error> for KioskError {
    fn from(e: &acses_api::Error) -> Self {
        use acses_api::Error as E;
        let (kind, message): (ErrorKind, String) = match e {
            E::Unauthorized(_) => (ErrorKind::Unauthorized, text::UNAUTHORIZED.into()),
            E::RateLimited { .. } => (ErrorKind::RateLimited, text::RATE_LIMITED.into()),
            E::Unavailable { .. } => (ErrorKind::Maintenance, text::MAINTENANCE.into()),
            E::Server(_) => (ErrorKind::Server, text::SERVER.into()),
            E::Timeout { .. } | E::Connect { .. } | E::Transport { .. } => {
                (ErrorKind::Offline, text::OFFLINE.into())
            }
            E::NotFound(_) => (ErrorKind::NotFound, text::NOT_FOUND.into()),
            // The service's own words are the best we have for a 400 (e.g. "appointment has no
            // keys"); fall back to a generic sentence when it sent none.
            E::BadRequest(r) => (
                ErrorKind::BadRequest,
                r.server_message()
                    .filter(|m| m.len() <= 300)
                    .unwrap_or_else(|| text::BAD_REQUEST.into()),
            ),
            E::MethodNotAllowed(_) => (ErrorKind::Internal, text::METHOD_NOT_ALLOWED.into()),
            E::Decode { .. } | E::TooLarge { .. } => {
                (ErrorKind::Server, text::UNREADABLE_ANSWER.into())
            }
            E::Config(_) => (ErrorKind::InvalidInput, text::CONFIG.into()),
            E::Http(r) if r.status == 408 => (ErrorKind::Offline, text::OFFLINE.into()),
            _ => (ErrorKind::Internal, text::INTERNAL.into()),
        };
        tracing::debug!(error = %e, ?kind, "locker service call failed");
        KioskError {
            kind,
            message,
            field: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn status(code: u16, body: &str) -> KioskError {
        acses_api::Error::from_status(
            "POST /v1/employees/pickup",
            code,
            Some(Duration::from_secs(3)),
            body.as_bytes(),
        )
        .into()
    }

    #[test]
    fn serializes_as_kind_and_message() {
        let v = serde_json::to_value(KioskError::busy()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "busy", "message": text::BUSY})
        );
        let v = serde_json::to_value(KioskError::invalid_input("x")).unwrap();
        assert_eq!(v["kind"], "invalidInput");
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
    }

    #[test]
    fn localized_errors_keep_their_kind_and_translate_only_our_sentences() {
        let e = status(401, "").localized(Language::Nl);
        assert_eq!(e.kind, ErrorKind::Unauthorized);
        assert_eq!(e.message, i18n::tr(Language::Nl, text::UNAUTHORIZED));
        assert_ne!(e.message, text::UNAUTHORIZED);
        // The service's own words are not ours to translate.
        let e =
            status(400, r#"{"message": "afspraak 7 heeft geen sleutels"}"#).localized(Language::Nl);
        assert_eq!(e.message, "afspraak 7 heeft geen sleutels");
        assert_eq!(
            KioskError::busy().localized(Language::En).message,
            text::BUSY
        );
    }

    #[test]
    fn api_errors_map_to_kinds_and_sentences() {
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
        for (code, kind, message) in table {
            let e = status(code, "<html>secret detail</html>");
            assert_eq!((e.kind, e.message.as_str()), (kind, message), "HTTP {code}");
        }
        let e = status(
            400,
            r#"{"message": "appointment 7 has no keys in the locker"}"#,
        );
        assert_eq!(e.kind, ErrorKind::BadRequest);
        assert_eq!(e.message, "appointment 7 has no keys in the locker");
        assert_eq!(status(400, "").message, text::BAD_REQUEST);
        let e: KioskError = acses_api::Error::Timeout {
            endpoint: "x".into(),
        }
        .into();
        assert_eq!(e.kind, ErrorKind::Offline);
        let e: KioskError = acses_api::Error::Config("bad".into()).into();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }
}

//! A history entry's `SentContent` read as a [`WebhookEvent`]: the one place where that content
//! is unwrapped and parsed, for the typed client ([`WebhookHistory::event`]) and the incremental
//! history scanner ([`crate::history`]) alike.

use crate::de::category_name;
use crate::ids::WebhookEventId;
use crate::models::{WebhookEvent, WebhookHistory};

/// Why a history entry's `sent_content` is not a webhook event.
///
/// Deliberately carries no text of the content: it contains the booking code,
/// which is a PIN, and errors end up in logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("history entry {webhook_event_id:?}: sent content is not a webhook event ({category} error at line {line}, column {column}, {len} bytes)")]
pub struct EventParseError {
    pub webhook_event_id: WebhookEventId,
    /// serde_json's error category: "syntax", "data", "eof" or "io".
    pub category: &'static str,
    pub line: usize,
    pub column: usize,
    /// Length of the content in bytes.
    pub len: usize,
}

impl WebhookEvent {
    /// Parses the text of a history entry's `SentContent` (the serialized handler body). Content
    /// that does not parse is an error value (the caller reports and skips it), never a panic.
    /// Content that was JSON-encoded twice (a JSON string holding the event) is unwrapped once.
    /// The error's `webhook_event_id` is empty: the caller knows which entry it read.
    pub fn from_sent_content(text: &str) -> Result<WebhookEvent, EventParseError> {
        let first = match parse_event(text) {
            Ok(ev) => return Ok(ev),
            Err(e) => e,
        };
        if let Ok(inner) = serde_json::from_str::<String>(text) {
            if let Ok(ev) = parse_event(&inner) {
                return Ok(ev);
            }
        }
        Err(EventParseError {
            webhook_event_id: WebhookEventId::default(),
            category: category_name(&first),
            line: first.line(),
            column: first.column(),
            len: text.len(),
        })
    }
}

impl WebhookHistory {
    /// Parses `sent_content` as a [`WebhookEvent`] ([`WebhookEvent::from_sent_content`]); the
    /// error names this entry.
    pub fn event(&self) -> Result<WebhookEvent, EventParseError> {
        WebhookEvent::from_sent_content(&self.sent_content).map_err(|e| EventParseError {
            webhook_event_id: self.webhook_event_id.clone(),
            ..e
        })
    }
}

/// A webhook event must be a JSON object: serde's derive would also accept a
/// JSON array as a positional struct, which no real content is.
fn parse_event(text: &str) -> Result<WebhookEvent, serde_json::Error> {
    if text.trim_start().starts_with('[') {
        // Error path only: let serde_json produce the "expected a map" error.
        return serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
            .and_then(|_| serde_json::from_str::<WebhookEvent>(text));
    }
    serde_json::from_str(text)
}

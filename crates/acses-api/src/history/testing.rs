//! History entries for tests of code that reads histories (this crate's scanner, the kiosk's
//! watcher): public only with the `test-support` feature.

use serde_json::{json, Value};

/// The `SentContent` of a door event at locker 151 (booking `b-{id}`, name `AB-12-CD`).
pub fn content(id: &str, cell: &str, action: &str, code: &str) -> String {
    json!({
        "tablekey": id, "lockersystem": "151", "cellnumber": cell, "eventName": action,
        "eventDate": "2026-03-01T10:00:00Z",
        "booking": {"tablekey": format!("b-{id}"), "name": "AB-12-CD", "state": "USED", "code": code}
    })
    .to_string()
}

/// A history entry `id`: a checkout at cell 7 with PIN `code`.
pub fn entry(id: &str, code: &str) -> Value {
    json!({"webhook_event_id": id, "sent_content": content(id, "7", "checkout", code),
           "response_status": "200", "sent_date": "2026-03-01T10:00:01Z"})
}

//! Any text as a history entry's `SentContent` (the client's webhook event parser), and any bytes
//! as a webhook event or history entry: an event or an error, never a panic.
#![no_main]

use acses_api::{WebhookEvent, WebhookHistory};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let entry = WebhookHistory {
        sent_content: text,
        ..WebhookHistory::default()
    };
    if let Err(e) = entry.event() {
        let _ = e.to_string();
    }
    let _ = serde_json::from_slice::<WebhookEvent>(data);
    let _ = serde_json::from_slice::<WebhookHistory>(data);
});

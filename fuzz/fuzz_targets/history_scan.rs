//! Any bytes as a `/v1/events/history` body, to a fresh scanner (baseline) and to one that has
//! seen a history (fast path, resync): a result or an error, never a panic; an error leaves the
//! scanner's state as it was.
#![no_main]

use acses_api::history::{latest_events, HistoryScanner};
use libfuzzer_sys::fuzz_target;

const SEEN: &[u8] = br#"{"history":[{"webhook_event_id":"1","sent_content":"{\"tablekey\":\"1\",\"eventName\":\"checkout\",\"booking\":{\"code\":\"1\"}}"},{"webhook_event_id":"2","sent_content":"x"}]}"#;

fuzz_target!(|data: &[u8]| {
    let mut fresh = HistoryScanner::new();
    let _ = fresh.scan(data);
    let mut running = HistoryScanner::new();
    let _ = running.scan(SEEN);
    let before = running.state();
    if running.scan(data).is_err() {
        assert_eq!(running.state(), before, "a failed scan changed the scanner");
    }
    let _ = running.scan(data);
    let _ = latest_events(data, 3);
});

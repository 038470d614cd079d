//! The history scanner's state machine: baseline, the append-only fast path over the remembered
//! tail, the id-by-id resync, and what it persists ([`ScannerState`]). See the module docs of
//! [`crate::history`] for why it works this way.

use crate::models::WebhookEvent;
use crate::timestamp::Timestamp;

use super::door::event_id;
use super::seen::SeenSet;
use super::visitors::{parse_fast, parse_full, Light, ScanError};

/// How many of the last seen entries are compared to detect a rewritten history.
const TAIL: usize = 8;

/// A new history entry whose content parsed as a webhook event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// The history entry's `WebhookEventID` (the event's own `tablekey` when the entry has none).
    pub id: String,
    pub event: WebhookEvent,
    /// When the service sent the webhook (the entry's `SentDate`), if it says.
    pub sent_date: Option<Timestamp>,
    /// Where the entry is in the body (0 = first): new events and bad entries interleave by it.
    pub position: usize,
}

impl NewEvent {
    fn read(entry: &Light<'_>, id: &str, event: WebhookEvent) -> Self {
        NewEvent {
            id: event_id(id, &event),
            event,
            sent_date: entry.sent_date(),
            position: entry.position,
        }
    }
}

/// A new history entry that was skipped: its content is not a webhook event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadEntry {
    pub id: String,
    /// Why, without the content (it holds a PIN).
    pub reason: String,
    /// When the service sent the webhook (the entry's `SentDate`), if it says.
    pub sent_date: Option<Timestamp>,
    /// Where the entry is in the body (0 = first).
    pub position: usize,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ScanResult {
    /// New events in history order.
    pub new_events: Vec<NewEvent>,
    pub bad_entries: Vec<BadEntry>,
    /// Entries in the body.
    pub total: usize,
    /// This scan set the baseline (first successful scan): nothing is new by definition.
    pub baseline: bool,
    /// The history did not continue the previous one and was compared id by id.
    pub resynced: bool,
}

/// Remembers what was seen between polls. See the module docs.
#[derive(Debug, Default)]
pub struct HistoryScanner {
    baselined: bool,
    /// Entries in the history at the last scan.
    known: usize,
    /// Key hashes of the last `min(known, TAIL)` entries, oldest first.
    tail: Vec<u64>,
    seen: SeenSet,
    bad_total: u64,
    /// Bumped whenever what is remembered changes (so the watcher persists only then).
    version: u64,
}

/// What a scanner remembers, to persist across restarts. The hashes are SipHash-1-3 with zero
/// keys of the entry's id (or content), stable across Rust releases.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScannerState {
    /// Entries in the history at the last scan.
    pub known: u64,
    /// Key hashes of the last entries (at most 8), oldest first.
    pub tail: Vec<u64>,
    /// Key hashes of every entry seen, oldest first (at most
    /// [`SEEN_CAPACITY`](super::SEEN_CAPACITY)).
    pub seen: Vec<u64>,
    /// Some seen hashes were forgotten (the set was full).
    pub evicted: bool,
}

impl HistoryScanner {
    pub fn new() -> Self {
        Self::default()
    }

    /// A scanner that continues from a persisted state: no baseline, the next scan compares
    /// against what was seen before. A state that does not hold together (tail longer than the
    /// history it describes) is trimmed to what is consistent rather than refused.
    pub fn resume(state: ScannerState) -> Self {
        let mut seen = SeenSet::default();
        for h in &state.seen {
            seen.insert(*h);
        }
        seen.evicted |= state.evicted;
        let known = usize::try_from(state.known).unwrap_or(usize::MAX);
        let mut tail = state.tail;
        if tail.len() > TAIL {
            tail.drain(..tail.len() - TAIL);
        }
        tail.truncate(known);
        Self {
            baselined: true,
            known,
            tail,
            seen,
            bad_total: 0,
            version: 0,
        }
    }

    /// What this scanner remembers (for [`HistoryScanner::resume`] after a restart).
    pub fn state(&self) -> ScannerState {
        ScannerState {
            known: self.known as u64,
            tail: self.tail.clone(),
            seen: self.seen.order.iter().copied().collect(),
            evicted: self.seen.evicted,
        }
    }

    /// Changes whenever the remembered state changes.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Bad entries skipped since the start.
    pub fn bad_total(&self) -> u64 {
        self.bad_total
    }

    /// Whether the first successful scan has happened.
    pub fn is_baselined(&self) -> bool {
        self.baselined
    }

    /// Scans one history body. On error nothing of the scanner's state changes.
    pub fn scan(&mut self, body: &[u8]) -> Result<ScanResult, ScanError> {
        if !self.baselined {
            let entries = parse_full(body)?;
            for e in &entries {
                self.seen.insert(e.key_hash());
            }
            self.remember_tail(&entries);
            self.baselined = true;
            self.version += 1;
            return Ok(ScanResult {
                total: entries.len(),
                baseline: true,
                ..ScanResult::default()
            });
        }

        let skip = self.known - self.tail.len();
        let fast = parse_fast(body, skip, &self.tail)?;
        if fast.continues {
            let total = fast.total;
            let result = self.take_new(fast.fresh, false, total);
            if self.known != total {
                self.version += 1;
            }
            self.known = total;
            if total > skip + self.tail.len() {
                // The new tail is the last TAIL keys of (old tail ++ fresh).
                self.tail.extend(fast.fresh_keys);
                let cut = self.tail.len().saturating_sub(TAIL);
                self.tail.drain(..cut);
            }
            return Ok(result);
        }

        // The history does not continue the previous one: compare every id.
        let entries = parse_full(body)?;
        let total = entries.len();
        let mut result = if self.seen.evicted {
            // Ids older than the seen set's memory cannot be told from new ones: take the body
            // as a new baseline rather than announce a flood of old events.
            tracing::warn!(
                total,
                "history was rewritten and the seen set is full: taking it as a new baseline"
            );
            for e in &entries {
                self.seen.insert(e.key_hash());
            }
            ScanResult {
                total,
                baseline: true,
                ..ScanResult::default()
            }
        } else {
            let fresh: Vec<Light<'_>> = entries
                .iter()
                .filter(|e| !self.seen.contains(e.key_hash()))
                .cloned()
                .collect();
            self.take_new(fresh, true, total)
        };
        result.resynced = true;
        self.remember_tail(&entries);
        self.version += 1;
        Ok(result)
    }

    fn remember_tail(&mut self, entries: &[Light<'_>]) {
        self.known = entries.len();
        let from = entries.len().saturating_sub(TAIL);
        self.tail = entries[from..].iter().map(Light::key_hash).collect();
    }

    /// Parses the content of entries not seen before; marks them seen.
    fn take_new(&mut self, fresh: Vec<Light<'_>>, resynced: bool, total: usize) -> ScanResult {
        let mut result = ScanResult {
            total,
            resynced,
            ..ScanResult::default()
        };
        for entry in fresh {
            let hash = entry.key_hash();
            if !self.seen.insert(hash) {
                continue; // the same event logged twice (a retried webhook)
            }
            self.version += 1;
            let id = entry.id_text();
            match entry.event(&id) {
                Ok(event) => result.new_events.push(NewEvent::read(&entry, &id, event)),
                Err(reason) => {
                    self.bad_total += 1;
                    tracing::warn!(entry = %id, %reason, "skipping a history entry whose content is not a door event");
                    result.bad_entries.push(BadEntry {
                        id,
                        reason,
                        sent_date: entry.sent_date(),
                        position: entry.position,
                    });
                }
            }
        }
        result
    }
}

/// The last `n` door events of a history body, oldest first, without touching any scanner (the
/// activity list after a start). Entries whose content is not a door event are left out.
pub fn latest_events(body: &[u8], n: usize) -> Result<Vec<NewEvent>, ScanError> {
    let entries = parse_full(body)?;
    let mut out = Vec::new();
    for entry in entries.iter().rev() {
        if out.len() >= n {
            break;
        }
        let id = entry.id_text();
        if let Ok(event) = entry.event(&id) {
            out.push(NewEvent::read(entry, &id, event));
        }
    }
    out.reverse();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::testing::{content, entry};
    use crate::ObjectStatus;
    use serde_json::{json, Value};

    fn body(entries: &[Value]) -> Vec<u8> {
        serde_json::to_vec(&json!({ "history": entries })).unwrap()
    }

    fn ids(r: &ScanResult) -> Vec<&str> {
        r.new_events.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    fn baseline_then_only_appended_entries_are_new() {
        let mut s = HistoryScanner::new();
        let mut h: Vec<Value> = (0..3).map(|i| entry(&format!("old{i}"), "1111")).collect();
        let r = s.scan(&body(&h)).unwrap();
        assert!(r.baseline);
        assert_eq!((r.total, r.new_events.len()), (3, 0));
        assert!(s.scan(&body(&h)).unwrap().new_events.is_empty());
        h.push(entry("new1", "2222"));
        h.push(entry("new2", "3333"));
        let r = s.scan(&body(&h)).unwrap();
        assert!(!r.baseline && !r.resynced);
        assert_eq!(ids(&r), ["new1", "new2"]);
        let e = &r.new_events[0].event;
        assert_eq!(e.booking.code, "2222");
        assert_eq!(e.event_name, ObjectStatus::Checkout);
        assert_eq!(e.cell_number.as_str(), "7");
        assert!(s.scan(&body(&h)).unwrap().new_events.is_empty());
    }

    #[test]
    fn each_event_is_announced_once_across_many_polls_and_retries() {
        let mut s = HistoryScanner::new();
        let mut h = vec![entry("a", "1")];
        s.scan(&body(&h)).unwrap();
        let mut announced = Vec::new();
        for i in 0..30 {
            if i % 3 == 0 {
                h.push(entry(&format!("e{i}"), "1"));
            }
            if i == 10 {
                h.push(entry("e9", "1")); // the webhook for e9 was retried and logged again
            }
            for e in s.scan(&body(&h)).unwrap().new_events {
                announced.push(e.id);
            }
        }
        let want: Vec<String> = (0..30).step_by(3).map(|i| format!("e{i}")).collect();
        assert_eq!(announced, want);
    }

    #[test]
    fn bad_content_is_skipped_counted_once_and_not_fatal() {
        let mut s = HistoryScanner::new();
        let mut h = vec![entry("a", "1")];
        s.scan(&body(&h)).unwrap();
        h.push(json!({"webhook_event_id": "bad1", "sent_content": "this is not json"}));
        h.push(json!({"webhook_event_id": "bad2"}));
        h.push(json!({"webhook_event_id": "bad3", "sent_content": "[1,2]"}));
        h.push(json!("not even an object"));
        h.push(entry("good", "1"));
        let r = s.scan(&body(&h)).unwrap();
        assert_eq!(ids(&r), ["good"]);
        let bad: Vec<&str> = r.bad_entries.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(bad, ["bad1", "bad2", "bad3", ""]);
        assert_eq!(s.bad_total(), 4);
        let r = s.scan(&body(&h)).unwrap();
        assert!(r.bad_entries.is_empty() && r.new_events.is_empty());
        assert_eq!(s.bad_total(), 4);
    }

    #[test]
    fn bad_entry_reason_never_contains_the_content() {
        let mut s = HistoryScanner::new();
        s.scan(&body(&[])).unwrap();
        let r = s
            .scan(&body(&[
                json!({"webhook_event_id": "x", "sent_content": "{\"code\": \"987654\", broken"}),
            ]))
            .unwrap();
        assert_eq!(r.bad_entries.len(), 1);
        assert!(
            !r.bad_entries[0].reason.contains("987654"),
            "{}",
            r.bad_entries[0].reason
        );
    }

    #[test]
    fn a_rewritten_history_is_compared_id_by_id() {
        let mut s = HistoryScanner::new();
        let h: Vec<Value> = (0..20).map(|i| entry(&format!("e{i}"), "1")).collect();
        s.scan(&body(&h)).unwrap();
        // The service trimmed its oldest ten entries and two new ones arrived.
        let mut trimmed = h[10..].to_vec();
        trimmed.push(entry("n1", "1"));
        trimmed.push(entry("n2", "1"));
        let r = s.scan(&body(&trimmed)).unwrap();
        assert!(r.resynced);
        assert_eq!(ids(&r), ["n1", "n2"]);
        // Newest first now: nothing new, then one more at the front.
        let mut reversed: Vec<Value> = trimmed.iter().rev().cloned().collect();
        assert!(s.scan(&body(&reversed)).unwrap().new_events.is_empty());
        reversed.insert(0, entry("n3", "1"));
        assert_eq!(ids(&s.scan(&body(&reversed)).unwrap()), ["n3"]);
        // And the fast path works again once appends resume.
        reversed.push(entry("n4", "1"));
        let r = s.scan(&body(&reversed)).unwrap();
        assert!(!r.resynced);
        assert_eq!(ids(&r), ["n4"]);
    }

    #[test]
    fn an_entry_changed_inside_the_remembered_tail_is_noticed() {
        let mut s = HistoryScanner::new();
        let mut h: Vec<Value> = (0..5).map(|i| entry(&format!("e{i}"), "1")).collect();
        s.scan(&body(&h)).unwrap();
        h[4] = entry("replaced", "1");
        h.push(entry("e5", "1"));
        let r = s.scan(&body(&h)).unwrap();
        assert!(r.resynced);
        assert_eq!(ids(&r), ["replaced", "e5"]);
    }

    #[test]
    fn tolerant_about_spellings_and_shapes() {
        let mut s = HistoryScanner::new();
        s.scan(br#"{"history": null, "other": {"x": [1]}}"#)
            .unwrap();
        let ev: Value = serde_json::from_str(&content("p1", "3", "dropoff", "42")).unwrap();
        let b = serde_json::to_vec(&json!({
            "meta": 1,
            "History": [
                {"WebhookEventID": "p1", "SentContent": ev, "ResponseStatus": 200},
                {"webhookEventId": 17, "sentContent": content("17", "4", "checkout", "43")},
                {"Webhook_Event_Id": "esc\u{e9}\"q", "sent_content": serde_json::to_string(&content("x", "5", "expired", "44")).unwrap()},
            ]
        }))
        .unwrap();
        let r = s.scan(&b).unwrap();
        assert_eq!(ids(&r), ["p1", "17", "esc\u{e9}\"q"]);
        assert_eq!(r.new_events[0].event.event_name, ObjectStatus::Dropoff);
        assert_eq!(r.new_events[1].event.cell_number.as_str(), "4");
        // Doubly encoded content is unwrapped once.
        assert_eq!(r.new_events[2].event.event_name, ObjectStatus::Expired);

        // A bare array is a history too.
        let mut s = HistoryScanner::new();
        s.scan(b"[]").unwrap();
        let arr = serde_json::to_vec(&vec![entry("z", "1")]).unwrap();
        assert_eq!(ids(&s.scan(&arr).unwrap()), ["z"]);
    }

    #[test]
    fn an_unreadable_body_is_an_error_and_changes_nothing() {
        let mut s = HistoryScanner::new();
        for b in [
            &b"<html>502</html>"[..],
            b"{\"history\": [",
            b"{\"message\": \"no\"}",
            b"",
            b"{} x",
        ] {
            assert!(s.scan(b).is_err(), "{:?}", String::from_utf8_lossy(b));
            assert!(!s.is_baselined());
        }
        let mut h = vec![entry("a", "1")];
        s.scan(&body(&h)).unwrap();
        h.push(entry("b", "1"));
        assert!(s.scan(b"{\"history\": [1,").is_err());
        assert_eq!(ids(&s.scan(&body(&h)).unwrap()), ["b"]);
    }

    #[test]
    fn a_body_error_never_quotes_the_body() {
        let mut s = HistoryScanner::new();
        let e = s.scan(br#""pin 424242""#).unwrap_err();
        assert!(!e.0.contains("424242"), "{e}");
        let e = s.scan(br#"{"history": {"code": "424242"}}"#).unwrap_err();
        assert!(!e.0.contains("424242"), "{e}");
    }

    #[test]
    fn entries_without_id_are_deduplicated_by_content() {
        let mut s = HistoryScanner::new();
        s.scan(&body(&[])).unwrap();
        let e = json!({"sent_content": content("own-id", "7", "checkout", "5")});
        let r = s.scan(&body(std::slice::from_ref(&e))).unwrap();
        // The event's own tablekey stands in for the missing history id.
        assert_eq!(ids(&r), ["own-id"]);
        assert!(s
            .scan(&body(&[e.clone(), e]))
            .unwrap()
            .new_events
            .is_empty());
    }

    #[test]
    fn a_long_history_finds_the_one_new_entry() {
        let mut s = HistoryScanner::new();
        let mut h: Vec<Value> = (0..20_000).map(|i| entry(&format!("e{i}"), "1")).collect();
        s.scan(&body(&h)).unwrap();
        h.push(entry("last", "9"));
        let b = body(&h);
        let r = s.scan(&b).unwrap();
        assert_eq!(ids(&r), ["last"]);
        assert_eq!(r.total, 20_001);
        assert!(s.scan(&b).unwrap().new_events.is_empty());
    }
}

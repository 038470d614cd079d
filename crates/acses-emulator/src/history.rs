//! The webhook history: its entries, and the JSON of each serialized once.
//!
//! `/v1/events/history` answers the whole history on every call, and a kiosk polls it every
//! 0.7 s while a PIN is on screen: at 100k entries (about 69 MB of JSON) serializing every entry
//! again on every call, with the world locked, was the emulator's whole cost. Here each entry is
//! serialized once, the first time a history call needs it, and kept as shared bytes; a call
//! only clones those handles under the lock and writes the body after the lock is released.
//!
//! [`History`] reads like the `Vec<HistoryEntry>` it wraps (it derefs to one). Appending with
//! [`History::push`] or [`History::prepend`] keeps what was serialized; any other change through
//! `&mut` (`DerefMut`) may touch any entry, so it drops the cache and the next call serializes
//! everything again. The cache holds entries in one form (crate::shape); asking for another form
//! serializes everything again in it (a running emulator serves one shape, so that is once).

use std::fmt;
use std::ops::{Deref, DerefMut};

use axum::body::Bytes;

use crate::model::{HistoryEntry, LocationId};
use crate::shape::{entry_json, EntryForm, HistoryShape};

/// The history of every location, oldest first. See the module docs.
#[derive(Clone, Default)]
pub struct History {
    entries: Vec<HistoryEntry>,
    /// `json[i]` is `entries[i]` as JSON, for a prefix of the entries (the rest is serialized on
    /// the next history call).
    json: Vec<Bytes>,
    /// The form the cached JSON is written in.
    form: EntryForm,
}

impl History {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an entry; the cached JSON of the others stays valid.
    pub fn push(&mut self, entry: HistoryEntry) {
        self.entries.push(entry);
    }

    /// Inserts entries before all others (seeding older history), serializing them now so the
    /// cache stays a prefix.
    pub fn prepend(&mut self, older: Vec<HistoryEntry>) {
        let form = self.form;
        let json: Result<Vec<Bytes>, _> = older.iter().map(|e| entry_json(e, form)).collect();
        match json {
            Ok(json) => {
                self.json.splice(0..0, json);
            }
            // Reported by the next history call, which serializes from scratch.
            Err(_) => self.json.clear(),
        }
        self.entries.splice(0..0, older);
    }

    pub fn into_vec(self) -> Vec<HistoryEntry> {
        self.entries
    }

    /// The JSON of every entry shown at `location`, in the default shape (oldest first): cheap
    /// handles to bytes serialized once. Serializes the entries added since the last call.
    pub fn json_at(&mut self, location: LocationId) -> Result<Vec<Bytes>, serde_json::Error> {
        self.shaped_json_at(location, &HistoryShape::default())
    }

    /// [`Self::json_at`] in any shape: the entries listed as `shape` lists them, each written in
    /// its form.
    pub fn shaped_json_at(
        &mut self,
        location: LocationId,
        shape: &HistoryShape,
    ) -> Result<Vec<Bytes>, serde_json::Error> {
        let form = shape.entry_form();
        if form != self.form {
            self.json.clear();
            self.form = form;
        }
        for entry in &self.entries[self.json.len()..] {
            self.json.push(entry_json(entry, form)?);
        }
        let parts = self
            .entries
            .iter()
            .zip(&self.json)
            .filter(|(e, _)| e.location_id == Some(location))
            .map(|(_, json)| json.clone())
            .collect();
        Ok(shape.arrange(parts))
    }
}

impl Deref for History {
    type Target = Vec<HistoryEntry>;

    fn deref(&self) -> &Vec<HistoryEntry> {
        &self.entries
    }
}

impl DerefMut for History {
    /// Whoever takes the entries mutably may change any of them: forget their JSON.
    fn deref_mut(&mut self) -> &mut Vec<HistoryEntry> {
        self.json.clear();
        &mut self.entries
    }
}

impl From<Vec<HistoryEntry>> for History {
    fn from(entries: Vec<HistoryEntry>) -> Self {
        Self {
            entries,
            json: Vec::new(),
            form: EntryForm::default(),
        }
    }
}

impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl Eq for History {}

impl fmt::Debug for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.entries.fmt(f)
    }
}

/// The `{"history":[...]}` answer from the entries' JSON: its exact length, and the bytes in
/// chunks of about 64 KiB (copied from the shared entries as the client reads them, so a 69 MB
/// answer never sits in memory whole).
pub(crate) fn history_body(
    parts: Vec<Bytes>,
    head: &'static [u8],
) -> (
    u64,
    impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
) {
    const TAIL: &[u8] = b"]}";
    const CHUNK: usize = 64 * 1024;
    let commas = parts.len().saturating_sub(1);
    let len = head.len() + commas + TAIL.len() + parts.iter().map(Bytes::len).sum::<usize>();
    let mut parts = parts.into_iter().enumerate().peekable();
    let mut head_sent = false;
    let mut done = false;
    let chunks = std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut buf = Vec::with_capacity(CHUNK + 1024);
        if !head_sent {
            head_sent = true;
            buf.extend_from_slice(head);
        }
        while buf.len() < CHUNK {
            match parts.next() {
                Some((i, part)) => {
                    if i > 0 {
                        buf.push(b',');
                    }
                    buf.extend_from_slice(&part);
                }
                None => {
                    buf.extend_from_slice(TAIL);
                    done = true;
                    break;
                }
            }
        }
        Some(Ok(Bytes::from(buf)))
    });
    (len as u64, futures_util::stream::iter(chunks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt as _;
    use time::OffsetDateTime;

    fn entry(id: &str, location: u64) -> HistoryEntry {
        HistoryEntry {
            location_id: Some(location),
            webhook_event_id: id.to_owned(),
            sent_content: format!("{{\"tablekey\":\"{id}\",\"x\":\"a \\\"quoted\\\" ü\"}}"),
            response_status: "200".to_owned(),
            response_content: String::new(),
            sent_date: OffsetDateTime::UNIX_EPOCH,
        }
    }

    /// The body as the route used to build it: everything serialized in one go.
    fn direct(history: &History, location: u64) -> Vec<u8> {
        #[derive(serde::Serialize)]
        struct Body<'a> {
            history: Vec<&'a HistoryEntry>,
        }
        serde_json::to_vec(&Body {
            history: history
                .iter()
                .filter(|e| e.location_id == Some(location))
                .collect(),
        })
        .unwrap()
    }

    async fn streamed(history: &mut History, location: u64) -> Vec<u8> {
        let (len, stream) = history_body(history.json_at(location).unwrap(), b"{\"history\":[");
        let chunks: Vec<Bytes> = stream.map(|c| c.unwrap()).collect().await;
        let body = chunks.concat();
        assert_eq!(body.len() as u64, len, "declared length");
        body
    }

    #[tokio::test]
    async fn the_streamed_body_is_byte_for_byte_the_direct_serialization() {
        let mut h = History::new();
        assert_eq!(streamed(&mut h, 82).await, b"{\"history\":[]}");
        // Large enough for several chunks, two locations interleaved.
        for i in 0..600 {
            h.push(entry(&format!("e{i}"), if i % 3 == 0 { 83 } else { 82 }));
        }
        assert_eq!(streamed(&mut h, 82).await, direct(&h, 82));
        assert_eq!(streamed(&mut h, 83).await, direct(&h, 83));
        assert_eq!(streamed(&mut h, 99).await, b"{\"history\":[]}");
    }

    #[tokio::test]
    async fn appends_prepends_and_edits_are_all_seen() {
        let mut h = History::new();
        h.push(entry("a", 82));
        assert_eq!(streamed(&mut h, 82).await, direct(&h, 82));
        h.push(entry("b", 82));
        h.prepend(vec![entry("old1", 82), entry("old2", 82)]);
        assert_eq!(streamed(&mut h, 82).await, direct(&h, 82));
        // Changed in place through DerefMut: the cache must not serve the old JSON.
        h[1].sent_content = "{\"changed\":true}".to_owned();
        h.retain(|e| e.webhook_event_id != "a");
        let body = streamed(&mut h, 82).await;
        assert_eq!(body, direct(&h, 82));
        let text = String::from_utf8(body).unwrap();
        assert!(
            text.contains("changed") && !text.contains("\"a\""),
            "{text}"
        );
    }

    #[test]
    fn reads_like_a_vec() {
        let mut h = History::from(vec![entry("a", 82)]);
        h.push(entry("b", 83));
        assert_eq!(h.len(), 2);
        assert_eq!(h.last().map(|e| e.webhook_event_id.as_str()), Some("b"));
        assert_eq!(h.clone(), h);
        assert_eq!(h.into_vec().len(), 2);
    }
}

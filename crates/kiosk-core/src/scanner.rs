//! The pure parse step of the door watcher: which entries of a `/v1/events/history` body are new.
//!
//! The service returns the *whole* history on every poll and it only grows (hundreds of entries a
//! day), so the work per poll must not grow with what was already seen more than the bytes force:
//!
//! - Entries are read with borrowed keys and their `SentContent` kept as raw JSON
//!   (`&RawValue`): an entry's content is decoded and parsed only once it is known to be new.
//! - History is append-only, so the scanner remembers how many entries it has seen and the ids of
//!   the last few. On the next poll the entries before that window are skipped as `IgnoredAny`,
//!   the window is compared, and only the entries after it are read. If the window does not match
//!   (the service trimmed, reordered or rewrote its history) the scanner falls back to reading
//!   every entry's id and comparing with the set of ids it has seen.
//! - The seen set holds 64-bit hashes, not strings, and is bounded ([`SEEN_CAPACITY`], oldest
//!   forgotten first). It also catches the same event logged twice (a webhook retried).
//!
//! Baseline: the first successful scan of a fresh scanner takes every entry as already seen and
//! announces nothing (a new kiosk must not pop up "cell 7 opened" for something that happened
//! yesterday). A restarted kiosk does not start fresh: the watcher persists the scanner's
//! [`ScannerState`] and [`HistoryScanner::resume`]s from it, so events logged while the kiosk was
//! down are new to it and events it announced before are not.

use std::borrow::Cow;
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use siphasher::sip::SipHasher13;

use acses_api::{WebhookEvent, WebhookEventId, WebhookHistory};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// How many of the last seen entries are compared to detect a rewritten history.
const TAIL: usize = 8;
/// At most this many event id hashes are remembered (8 bytes each, ~4 MiB with the set's overhead).
pub const SEEN_CAPACITY: usize = 262_144;

/// A new history entry whose content parsed as a webhook event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// The history entry's `WebhookEventID` (the event's own `tablekey` when the entry has none).
    pub id: String,
    pub event: WebhookEvent,
}

/// A new history entry that was skipped: its content is not a webhook event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadEntry {
    pub id: String,
    /// Why, without the content (it holds a PIN).
    pub reason: String,
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

/// The body is not a history at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("history body is not readable: {0}")]
pub struct ScanError(pub String);

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
    /// Key hashes of every entry seen, oldest first (at most [`SEEN_CAPACITY`]).
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
                Ok(event) => {
                    let id = if id.is_empty() {
                        event.event_id.0.clone()
                    } else {
                        id
                    };
                    result.new_events.push(NewEvent { id, event });
                }
                Err(reason) => {
                    self.bad_total += 1;
                    tracing::warn!(entry = %id, %reason, "skipping a history entry whose content is not a door event");
                    result.bad_entries.push(BadEntry { id, reason });
                }
            }
        }
        result
    }
}

/// A history entry as first read: its id and its content still as raw JSON.
#[derive(Debug, Clone, Default)]
struct Light<'a> {
    id: Option<Cow<'a, str>>,
    content: Option<&'a RawValue>,
}

impl Light<'_> {
    /// The dedup key: the id, or for an entry without one, its content.
    fn key_hash(&self) -> u64 {
        let mut h = SipHasher13::new();
        match (&self.id, self.content) {
            (Some(id), _) if !id.is_empty() => {
                h.write_u8(1);
                h.write(id.as_bytes());
            }
            (_, Some(raw)) => {
                h.write_u8(2);
                h.write(raw.get().as_bytes());
            }
            _ => h.write_u8(3),
        }
        h.finish()
    }

    fn id_text(&self) -> String {
        self.id.as_deref().unwrap_or_default().to_owned()
    }

    fn event(&self, id: &str) -> Result<WebhookEvent, String> {
        let raw = self.content.map(RawValue::get).unwrap_or("null");
        let text = if raw.starts_with('"') {
            serde_json::from_str::<String>(raw)
                .map_err(|e| format!("content is not text: {}", e.classify_name()))?
        } else {
            raw.to_owned()
        };
        if text.trim().is_empty() || text.trim() == "null" {
            return Err("the entry has no sent content".to_owned());
        }
        // The client's own tolerant parse (also unwraps doubly encoded content).
        let entry = WebhookHistory {
            webhook_event_id: WebhookEventId(id.to_owned()),
            sent_content: text,
            ..WebhookHistory::default()
        };
        entry.event().map_err(|e| e.to_string())
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "data",
            serde_json::error::Category::Eof => "eof",
        }
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
            let id = if id.is_empty() {
                event.event_id.0.clone()
            } else {
                id
            };
            out.push(NewEvent { id, event });
        }
    }
    out.reverse();
    Ok(out)
}

// ---- parsing --------------------------------------------------------------------------------

fn parse_full(body: &[u8]) -> Result<Vec<Light<'_>>, ScanError> {
    let mut out = Vec::new();
    parse_body(body, SeqMode::Full { out: &mut out })?;
    Ok(out)
}

struct Fast<'a> {
    continues: bool,
    total: usize,
    fresh: Vec<Light<'a>>,
    fresh_keys: Vec<u64>,
}

fn parse_fast<'a>(body: &'a [u8], skip: usize, tail: &[u64]) -> Result<Fast<'a>, ScanError> {
    let mut fast = Fast {
        continues: true,
        total: 0,
        fresh: Vec::new(),
        fresh_keys: Vec::new(),
    };
    parse_body(
        body,
        SeqMode::Fast {
            skip,
            tail,
            state: &mut fast,
        },
    )?;
    if fast.total < skip + tail.len() {
        fast.continues = false; // shorter than before: not append-only
    }
    if fast.continues {
        fast.fresh_keys = fast.fresh.iter().map(Light::key_hash).collect();
    }
    Ok(fast)
}

enum SeqMode<'s, 'a> {
    /// Read every entry's id and raw content.
    Full { out: &'s mut Vec<Light<'a>> },
    /// Skip `skip` entries, compare the next `tail.len()` ids, read the rest.
    Fast {
        skip: usize,
        tail: &'s [u64],
        state: &'s mut Fast<'a>,
    },
}

/// Where and what kind of error, never serde's message: it can quote the body, which holds PINs.
fn scan_error(e: serde_json::Error) -> ScanError {
    ScanError(format!(
        "{} error at line {}, column {}",
        e.classify_name(),
        e.line(),
        e.column()
    ))
}

fn parse_body<'a>(body: &'a [u8], mode: SeqMode<'_, 'a>) -> Result<(), ScanError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let found = Deserializer::deserialize_any(&mut de, TopVisitor { mode: Some(mode) })
        .map_err(scan_error)?;
    de.end().map_err(scan_error)?;
    if !found {
        return Err(ScanError("no history field".to_owned()));
    }
    Ok(())
}

/// `{"history": [...], ...}` (any spelling of the key), or a bare array. Yields whether a history
/// was found; `"history": null` counts as an empty one.
struct TopVisitor<'s, 'a> {
    mode: Option<SeqMode<'s, 'a>>,
}

impl<'de, 's> Visitor<'de> for TopVisitor<'s, 'de> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with a history array")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(field) = map.next_key_seed(FieldSeed)? {
            if field == Field::History && !found {
                if let Some(mode) = self.mode.take() {
                    map.next_value_seed(HistorySeed { mode })?;
                    found = true;
                    continue;
                }
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, seq: A) -> Result<bool, A::Error> {
        match self.mode.take() {
            Some(mode) => HistoryVisitor { mode }.visit_seq(seq).map(|_| true),
            None => Ok(false),
        }
    }
}

struct HistorySeed<'s, 'a> {
    mode: SeqMode<'s, 'a>,
}

impl<'de, 's> DeserializeSeed<'de> for HistorySeed<'s, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(HistoryVisitor { mode: self.mode })
    }
}

struct HistoryVisitor<'s, 'a> {
    mode: SeqMode<'s, 'a>,
}

impl<'de, 's> Visitor<'de> for HistoryVisitor<'s, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of webhook history entries")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self.mode {
            SeqMode::Full { out } => {
                while let Some(e) = seq.next_element_seed(EntrySeed)? {
                    out.push(e);
                }
            }
            SeqMode::Fast { skip, tail, state } => {
                let mut i = 0usize;
                loop {
                    let more = if i < skip || !state.continues {
                        // Already seen (or no longer needed): skip without building anything.
                        seq.next_element::<IgnoredAny>()?.is_some()
                    } else if i < skip + tail.len() {
                        match seq.next_element_seed(EntrySeed)? {
                            Some(e) => {
                                if e.key_hash() != tail[i - skip] {
                                    state.continues = false;
                                    state.fresh.clear();
                                }
                                true
                            }
                            None => false,
                        }
                    } else {
                        match seq.next_element_seed(EntrySeed)? {
                            Some(e) => {
                                state.fresh.push(e);
                                true
                            }
                            None => false,
                        }
                    };
                    if !more {
                        break;
                    }
                    i += 1;
                }
                state.total = i;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    History,
    Id,
    Content,
    Other,
}

/// Classifies a key without allocating: compared ASCII-case-insensitively and ignoring `_`, so
/// `WebhookEventID`, `webhook_event_id` and `webhookEventId` all match.
fn classify(key: &str) -> Field {
    fn same(key: &str, want: &str) -> bool {
        let mut k = key
            .bytes()
            .filter(|b| *b != b'_')
            .map(|b| b.to_ascii_lowercase());
        let mut w = want.bytes();
        loop {
            match (k.next(), w.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if a == b => {}
                _ => return false,
            }
        }
    }
    if same(key, "history") {
        Field::History
    } else if same(key, "webhookeventid") || same(key, "eventid") {
        Field::Id
    } else if same(key, "sentcontent") {
        Field::Content
    } else {
        Field::Other
    }
}

struct FieldSeed;

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Field;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_str(FieldVisitor)
    }
}

struct FieldVisitor;

impl Visitor<'_> for FieldVisitor {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
        Ok(classify(v))
    }
}

struct EntrySeed;

impl<'de> DeserializeSeed<'de> for EntrySeed {
    type Value = Light<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Light<'de>, D::Error> {
        d.deserialize_any(EntryVisitor)
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = Light<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a webhook history entry")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Light<'de>, A::Error> {
        let mut light = Light::default();
        while let Some(field) = map.next_key_seed(FieldSeed)? {
            match field {
                Field::Id if light.id.is_none() => {
                    light.id = map.next_value_seed(IdSeed)?;
                }
                Field::Content if light.content.is_none() => {
                    light.content = Some(map.next_value::<&'de RawValue>()?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(light)
    }

    // Anything but an object is an entry with neither id nor content (reported as bad if new).
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Light<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Light::default())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Light<'de>, E> {
        Ok(Light::default())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Light<'de>, E> {
        Ok(Light::default())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Light<'de>, E> {
        Ok(Light::default())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Light<'de>, E> {
        Ok(Light::default())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Light<'de>, E> {
        Ok(Light::default())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Light<'de>, E> {
        Ok(Light::default())
    }
}

/// An id as a string (borrowed when it has no escapes) or a number (its decimal text).
struct IdSeed;

impl<'de> DeserializeSeed<'de> for IdSeed {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(IdVisitor)
    }
}

struct IdVisitor;

impl<'de> Visitor<'de> for IdVisitor {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event id")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_owned())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
}

// ---- the seen set ---------------------------------------------------------------------------

/// The keys are already hashes: hashing them again would only cost time.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// A bounded set of id hashes; the oldest are forgotten first.
#[derive(Default)]
struct SeenSet {
    set: HashSet<u64, BuildHasherDefault<IdentityHasher>>,
    order: VecDeque<u64>,
    /// Some ids have been forgotten.
    evicted: bool,
}

impl fmt::Debug for SeenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeenSet")
            .field("len", &self.set.len())
            .field("evicted", &self.evicted)
            .finish()
    }
}

impl SeenSet {
    fn contains(&self, h: u64) -> bool {
        self.set.contains(&h)
    }

    /// True when `h` was not in the set.
    fn insert(&mut self, h: u64) -> bool {
        if !self.set.insert(h) {
            return false;
        }
        self.order.push_back(h);
        if self.order.len() > SEEN_CAPACITY {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
                self.evicted = true;
            }
        }
        true
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use acses_api::ObjectStatus;
    use serde_json::{json, Value};

    pub(crate) fn content(id: &str, cell: &str, action: &str, code: &str) -> String {
        json!({
            "tablekey": id, "lockersystem": "151", "cellnumber": cell, "eventName": action,
            "eventDate": "2026-03-01T10:00:00Z",
            "booking": {"tablekey": format!("b-{id}"), "name": "AB-12-CD", "state": "USED", "code": code}
        })
        .to_string()
    }

    pub(crate) fn entry(id: &str, code: &str) -> Value {
        json!({"webhook_event_id": id, "sent_content": content(id, "7", "checkout", code),
               "response_status": "200", "sent_date": "2026-03-01T10:00:01Z"})
    }

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

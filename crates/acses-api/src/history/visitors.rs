//! The serde visitors of the history scanner: a `/v1/events/history` body read with borrowed keys
//! and each entry's `SentContent` kept as raw JSON ([`Light`]), skipping what a poll does not need.
//! Hand-written rather than derived so that entries before the remembered window cost nothing but
//! `IgnoredAny`, and so that any spelling of a key is accepted without allocating.

use std::borrow::Cow;
use std::fmt;
use std::hash::Hasher;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use siphasher::sip::SipHasher13;

use crate::de::category_name;
use crate::models::WebhookEvent;
use crate::timestamp::Timestamp;

/// The body is not a history at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("history body is not readable: {0}")]
pub struct ScanError(pub String);

/// A history entry as first read: its id, its content and its sent date still as raw JSON.
#[derive(Debug, Clone, Default)]
pub(super) struct Light<'a> {
    id: Option<Cow<'a, str>>,
    content: Option<&'a RawValue>,
    sent_date: Option<&'a RawValue>,
    /// Where the entry is in the body (0 = first).
    pub(super) position: usize,
}

impl Light<'_> {
    /// The dedup key: the id, or for an entry without one, its content.
    pub(super) fn key_hash(&self) -> u64 {
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

    pub(super) fn id_text(&self) -> String {
        self.id.as_deref().unwrap_or_default().to_owned()
    }

    /// When the service sent the webhook; `None` when missing or not a date.
    pub(super) fn sent_date(&self) -> Option<Timestamp> {
        let raw = self.sent_date?;
        let mut de = serde_json::Deserializer::from_str(raw.get());
        crate::timestamp::lenient::deserialize(&mut de)
            .ok()
            .flatten()
    }

    /// The content as a webhook event, or why not (never quoting the content: it holds a PIN).
    pub(super) fn event(&self, id: &str) -> Result<WebhookEvent, String> {
        let raw = self.content.map(RawValue::get).unwrap_or("null");
        // A JSON string holds the serialized event; anything else is the event itself.
        let text = if raw.starts_with('"') {
            serde_json::from_str::<String>(raw)
                .map_err(|e| format!("content is not text: {}", category_name(&e)))?
        } else {
            raw.to_owned()
        };
        if text.trim().is_empty() || text.trim() == "null" {
            return Err("the entry has no sent content".to_owned());
        }
        // The client's own tolerant parse (also unwraps doubly encoded content).
        WebhookEvent::from_sent_content(&text).map_err(|e| {
            crate::EventParseError {
                webhook_event_id: id.into(),
                ..e
            }
            .to_string()
        })
    }
}

// ---- parsing ---------------------------------------------------------------------------------

pub(super) fn parse_full(body: &[u8]) -> Result<Vec<Light<'_>>, ScanError> {
    let mut out = Vec::new();
    parse_body(body, SeqMode::Full { out: &mut out })?;
    Ok(out)
}

/// What the fast path found: whether the body continues the remembered history, and if so the
/// entries after it.
pub(super) struct Fast<'a> {
    pub(super) continues: bool,
    pub(super) total: usize,
    pub(super) fresh: Vec<Light<'a>>,
    pub(super) fresh_keys: Vec<u64>,
}

pub(super) fn parse_fast<'a>(
    body: &'a [u8],
    skip: usize,
    tail: &[u64],
) -> Result<Fast<'a>, ScanError> {
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
        category_name(&e),
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
                while let Some(mut e) = seq.next_element_seed(EntrySeed)? {
                    e.position = out.len();
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
                            Some(mut e) => {
                                e.position = i;
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
    SentDate,
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
    } else if same(key, "sentdate") {
        Field::SentDate
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
                Field::SentDate if light.sent_date.is_none() => {
                    light.sent_date = Some(map.next_value::<&'de RawValue>()?);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_in_any_spelling_without_allocating() {
        for key in [
            "WebhookEventID",
            "webhook_event_id",
            "webhookEventId",
            "EventId",
        ] {
            assert_eq!(classify(key), Field::Id, "{key}");
        }
        for key in ["SentContent", "sent_content", "sentContent"] {
            assert_eq!(classify(key), Field::Content, "{key}");
        }
        assert_eq!(classify("Sent_Date"), Field::SentDate);
        assert_eq!(classify("History"), Field::History);
        assert_eq!(classify("historyx"), Field::Other);
        assert_eq!(classify("sent"), Field::Other);
    }

    #[test]
    fn entries_keep_their_position_and_sent_date() {
        let body = br#"{"history": [
            {"webhook_event_id": "a", "sent_date": "2026-03-01T10:00:01Z"},
            7,
            {"WebhookEventID": 12, "SentDate": "not a date", "SentContent": {"x": 1}}
        ]}"#;
        let entries = parse_full(body).unwrap();
        let got: Vec<(usize, String, bool)> = entries
            .iter()
            .map(|e| (e.position, e.id_text(), e.sent_date().is_some()))
            .collect();
        assert_eq!(
            got,
            [
                (0, "a".to_owned(), true),
                (1, String::new(), false),
                (2, "12".to_owned(), false)
            ]
        );
        assert_eq!(
            entries[0].sent_date().map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-01T10:00:01Z")
        );
    }

    #[test]
    fn content_as_a_string_or_an_object_is_the_same_event() {
        let body = br#"[{"sent_content": "{\"tablekey\": \"e1\", \"cellnumber\": \"7\"}"},
                        {"sent_content": {"tablekey": "e1", "cellnumber": "7"}},
                        {"sent_content": null}]"#;
        let entries = parse_full(body).unwrap();
        assert_eq!(entries[0].event(""), entries[1].event(""));
        assert_eq!(entries[0].event("").unwrap().cell_number.as_str(), "7");
        assert_eq!(
            entries[2].event("x").unwrap_err(),
            "the entry has no sent content"
        );
    }
}

//! The shape of the history answer: every form the API document allows for
//! `/v1/events/history`, so the kiosk can be tested against each of them.
//!
//! The document leaves open the order of the history, whether it is trimmed to a recent window,
//! whether ids and codes are strings or numbers, and the casing of the response keys (it shows Go
//! field names for `WebhookHistory` and the `WebhookEvent` model, and a different key layout for
//! the handler body that `SentContent` carries). [`HistoryShape::default`] is the emulator's own
//! form (oldest first, whole history, string ids, snake_case entries, handler-body content) and is
//! served byte for byte as before; any other shape is applied when an entry's JSON is written
//! (once per entry, see crate::history) and when the list is assembled for an answer.

use std::fmt;
use std::num::NonZeroUsize;
use std::str::FromStr;

use axum::body::Bytes;
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;

use crate::model::HistoryEntry;

/// Which end of the history comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HistoryOrder {
    #[default]
    OldestFirst,
    NewestFirst,
}

/// How ids (webhook event, booking, locker, cell, object) are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdFormat {
    /// As JSON strings (`"70000001"`).
    #[default]
    String,
    /// As JSON numbers when the id is a whole number without leading zeros (`70000001`); other ids
    /// stay strings.
    Numeric,
}

/// How keys are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyCase {
    /// `webhook_event_id`.
    #[default]
    Snake,
    /// `webhookEventId`.
    Camel,
    /// `WebhookEventId`.
    Pascal,
    /// The Go field names exactly as the document's models write them: `WebhookEventID`.
    Document,
}

/// The form of the history answer. See the module docs; `Default` is the emulator's own form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HistoryShape {
    pub order: HistoryOrder,
    /// Only the newest N entries (after duplicates) are served; None: the whole history.
    pub window: Option<NonZeroUsize>,
    pub ids: IdFormat,
    /// Keys of each history entry (and `History` for the list in Pascal case).
    pub keys: KeyCase,
    /// Keys of the webhook event inside `sent_content`: None keeps the handler-body layout of the
    /// document (`tablekey`, `lockersystem`, `eventName`, ...); a case writes the `WebhookEvent`
    /// and `Booking` model fields in it (`locker_system_id`, `LockerSystemID`, ...).
    pub event_keys: Option<KeyCase>,
    /// The booking code as a JSON number (leading zeros lost, as a number loses them).
    pub codes_as_numbers: bool,
    /// Every n-th entry of a location's history is served twice in a row (the same delivery
    /// logged twice); None: never.
    pub duplicate_every: Option<NonZeroUsize>,
}

/// The part of a shape that changes one entry's JSON (the cache in crate::history is built for
/// one of these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct EntryForm {
    ids: IdFormat,
    keys: KeyCase,
    event_keys: Option<KeyCase>,
    codes_as_numbers: bool,
}

impl HistoryShape {
    pub(crate) fn entry_form(&self) -> EntryForm {
        EntryForm {
            ids: self.ids,
            keys: self.keys,
            event_keys: self.event_keys,
            codes_as_numbers: self.codes_as_numbers,
        }
    }

    /// The opening of the answer, up to the first entry.
    pub(crate) fn head(&self) -> &'static [u8] {
        match self.keys {
            KeyCase::Pascal => b"{\"History\":[",
            // The document's own example answer writes `history`.
            _ => b"{\"history\":[",
        }
    }

    /// A location's entries (oldest first) as this shape lists them: duplicates, then the window,
    /// then the order. Cheap: only handles to shared bytes move.
    pub(crate) fn arrange(&self, mut parts: Vec<Bytes>) -> Vec<Bytes> {
        if let Some(every) = self.duplicate_every {
            let mut twice = Vec::with_capacity(parts.len() + parts.len() / every.get());
            for (i, part) in parts.into_iter().enumerate() {
                if (i + 1) % every.get() == 0 {
                    twice.push(part.clone());
                }
                twice.push(part);
            }
            parts = twice;
        }
        if let Some(window) = self.window {
            let older = parts.len().saturating_sub(window.get());
            parts.drain(..older);
        }
        if self.order == HistoryOrder::NewestFirst {
            parts.reverse();
        }
        parts
    }
}

/// `(snake_case name, the document's Go name)` of each `WebhookHistory` field, in wire order.
const ENTRY_KEYS: [(&str, &str); 5] = [
    ("webhook_event_id", "WebhookEventID"),
    ("sent_content", "SentContent"),
    ("response_status", "ResponseStatus"),
    ("response_content", "ResponseContent"),
    ("sent_date", "SentDate"),
];

/// A field of the webhook event: its handler-body key, its model name in snake_case and in the
/// document's Go spelling, and whether it is an id.
type Field = (&'static str, &'static str, &'static str, bool);

const EVENT_FIELDS: [Field; 6] = [
    ("tablekey", "webhook_event_id", "WebhookEventID", true),
    ("lockersystem", "locker_system_id", "LockerSystemID", true),
    ("cellnumber", "locker_cell_number", "LockerCellNumber", true),
    ("eventName", "event_name", "EventName", false),
    ("eventDate", "event_date", "EventDate", false),
    ("booking", "booking", "Booking", false),
];

const BOOKING_FIELDS: [Field; 13] = [
    ("tablekey", "id", "ID", true),
    ("name", "name", "Name", false),
    ("tag", "tag", "Tag", false),
    ("state", "state", "State", false),
    ("startDate", "start_date", "StartDate", false),
    ("endDate", "end_date", "EndDate", false),
    ("code", "code", "Code", false),
    ("create", "create", "Create", false),
    ("lastaction", "last_action", "LastAction", false),
    ("lockercell", "locker_cell_number", "LockerCellNumber", true),
    ("lockercellTablekey", "locker_cell_id", "LockerCellID", true),
    ("objectTablekey", "object_id", "ObjectID", true),
    ("siteTablekey", "locker_system_id", "LockerSystemID", true),
];

impl KeyCase {
    /// A key in this case, from its snake_case form and the document's Go name.
    fn key(self, snake: &str, document: &str) -> String {
        let words = snake.split('_');
        match self {
            Self::Snake => snake.to_owned(),
            Self::Document => document.to_owned(),
            Self::Camel => words
                .enumerate()
                .map(|(i, w)| if i == 0 { w.to_owned() } else { capital(w) })
                .collect(),
            Self::Pascal => words.map(capital).collect(),
        }
    }
}

fn capital(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

impl EntryForm {
    fn is_plain(&self) -> bool {
        *self == Self::default()
    }

    fn id(&self, text: &str) -> Value {
        let lossless = !text.is_empty()
            && text.bytes().all(|b| b.is_ascii_digit())
            && (text == "0" || !text.starts_with('0'));
        match (self.ids, text.parse::<u64>()) {
            (IdFormat::Numeric, Ok(n)) if lossless => Value::from(n),
            _ => Value::from(text),
        }
    }

    /// The event in `sent_content` in this form; content that is not a JSON object stays as it is
    /// (the emulator can log garbage on purpose).
    fn content(&self, sent: &str) -> String {
        if self.event_keys.is_none() && self.ids == IdFormat::String && !self.codes_as_numbers {
            return sent.to_owned();
        }
        match serde_json::from_str::<Value>(sent) {
            Ok(Value::Object(event)) => {
                Value::Object(self.fields(event, &EVENT_FIELDS)).to_string()
            }
            _ => sent.to_owned(),
        }
    }

    fn fields(&self, object: Map<String, Value>, table: &[Field]) -> Map<String, Value> {
        let mut out = Map::new();
        for (key, value) in object {
            let Some(&(_, snake, document, is_id)) = table.iter().find(|f| f.0 == key) else {
                out.insert(key, value);
                continue;
            };
            let value = match value {
                Value::Object(booking) if key == "booking" => {
                    Value::Object(self.fields(booking, &BOOKING_FIELDS))
                }
                Value::String(text) if is_id => self.id(&text),
                Value::String(code) if key == "code" && self.codes_as_numbers => {
                    match code.trim().parse::<u64>() {
                        Ok(n) => Value::from(n),
                        Err(_) => Value::String(code),
                    }
                }
                other => other,
            };
            let key = self
                .event_keys
                .map_or(key, |case| case.key(snake, document));
            out.insert(key, value);
        }
        out
    }
}

/// One entry as the history answer writes it. The plain form is exactly `serde_json`'s compact
/// form of [`HistoryEntry`] (the fast path every default answer takes).
pub(crate) fn entry_json(entry: &HistoryEntry, form: EntryForm) -> serde_json::Result<Bytes> {
    if form.is_plain() {
        return serde_json::to_vec(entry).map(Bytes::from);
    }
    let sent_date = entry
        .sent_date
        .format(&Rfc3339)
        .map_err(serde::ser::Error::custom)?;
    let values = [
        form.id(&entry.webhook_event_id),
        Value::from(form.content(&entry.sent_content)),
        Value::from(entry.response_status.as_str()),
        Value::from(entry.response_content.as_str()),
        Value::from(sent_date),
    ];
    let mut object = Map::new();
    for ((snake, document), value) in ENTRY_KEYS.into_iter().zip(values) {
        object.insert(form.keys.key(snake, document), value);
    }
    serde_json::to_vec(&object).map(Bytes::from)
}

/// A command-line word that names none of the choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownChoice {
    pub given: String,
    pub choices: &'static str,
}

impl fmt::Display for UnknownChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not one of: {}", self.given, self.choices)
    }
}

impl std::error::Error for UnknownChoice {}

macro_rules! choices {
    ($name:ident { $($word:literal => $variant:ident),+ $(,)? }) => {
        /// Parses the command-line word (`acses emulator`).
        impl FromStr for $name {
            type Err = UnknownChoice;

            fn from_str(text: &str) -> Result<Self, UnknownChoice> {
                match text.trim().to_ascii_lowercase().as_str() {
                    $($word => Ok(Self::$variant),)+
                    _ => Err(UnknownChoice {
                        given: text.to_owned(),
                        choices: concat!($($word, " "),+).trim_ascii_end(),
                    }),
                }
            }
        }
    };
}

choices!(HistoryOrder { "oldest-first" => OldestFirst, "newest-first" => NewestFirst });
choices!(IdFormat { "string" => String, "numeric" => Numeric });
choices!(KeyCase {
    "snake" => Snake,
    "camel" => Camel,
    "pascal" => Pascal,
    "document" => Document,
});

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    fn entry() -> HistoryEntry {
        HistoryEntry {
            location_id: Some(82),
            webhook_event_id: "70000001".into(),
            sent_content: r#"{"tablekey":"70000001","lockersystem":"151","cellnumber":"3","eventName":"checkout","eventDate":"2024-06-12T08:00:00Z","booking":{"tablekey":"40000001","code":"012345","siteTablekey":"151","extra":1}}"#.into(),
            response_status: "200".into(),
            response_content: String::new(),
            sent_date: OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn shaped(form: EntryForm) -> Value {
        serde_json::from_slice(&entry_json(&entry(), form).unwrap()).unwrap()
    }

    #[test]
    fn the_plain_form_is_the_direct_serialization() {
        let plain = entry_json(&entry(), EntryForm::default()).unwrap();
        assert_eq!(plain, serde_json::to_vec(&entry()).unwrap());
    }

    #[test]
    fn keys_take_each_case_and_the_document_spelling() {
        let names = |case: KeyCase| -> Vec<String> {
            ENTRY_KEYS.iter().map(|(s, d)| case.key(s, d)).collect()
        };
        assert_eq!(names(KeyCase::Camel)[0], "webhookEventId");
        assert_eq!(names(KeyCase::Pascal)[4], "SentDate");
        assert_eq!(names(KeyCase::Pascal)[0], "WebhookEventId");
        assert_eq!(names(KeyCase::Document)[0], "WebhookEventID");
        assert_eq!(KeyCase::Pascal.key("id", "ID"), "Id");
        assert_eq!(
            KeyCase::Camel.key("locker_cell_id", "LockerCellID"),
            "lockerCellId"
        );
    }

    #[test]
    fn numeric_ids_and_codes_rewrite_the_entry_and_its_content() {
        let value = shaped(EntryForm {
            ids: IdFormat::Numeric,
            event_keys: Some(KeyCase::Document),
            codes_as_numbers: true,
            ..EntryForm::default()
        });
        assert_eq!(value["webhook_event_id"], 70000001);
        let content: Value = serde_json::from_str(value["sent_content"].as_str().unwrap()).unwrap();
        assert_eq!(content["WebhookEventID"], 70000001);
        assert_eq!(content["LockerCellNumber"], 3);
        assert_eq!(content["EventName"], "checkout");
        assert_eq!(content["Booking"]["ID"], 40000001);
        assert_eq!(content["Booking"]["Code"], 12345, "a number loses the zero");
        assert_eq!(content["Booking"]["LockerSystemID"], 151);
        assert_eq!(content["Booking"]["extra"], 1, "unknown keys pass through");
    }

    #[test]
    fn ids_with_leading_zeros_or_letters_stay_strings() {
        let form = EntryForm {
            ids: IdFormat::Numeric,
            ..EntryForm::default()
        };
        assert_eq!(form.id("0151"), "0151");
        assert_eq!(form.id("acses-42"), "acses-42");
        assert_eq!(form.id(""), "");
        assert_eq!(form.id("0"), 0);
    }

    #[test]
    fn garbage_content_is_kept_as_it_is() {
        let form = EntryForm {
            event_keys: Some(KeyCase::Camel),
            ..EntryForm::default()
        };
        assert_eq!(form.content("<<not json>>"), "<<not json>>");
    }

    #[test]
    fn arrange_duplicates_then_windows_then_orders() {
        let parts: Vec<Bytes> = (1..=5).map(|i| Bytes::from(i.to_string())).collect();
        let shape = HistoryShape {
            duplicate_every: NonZeroUsize::new(2),
            window: NonZeroUsize::new(4),
            order: HistoryOrder::NewestFirst,
            ..HistoryShape::default()
        };
        let listed: Vec<Bytes> = shape.arrange(parts.clone());
        assert_eq!(
            listed,
            [&b"5"[..], b"4", b"4", b"3"].map(Bytes::from_static)
        );
        assert_eq!(HistoryShape::default().arrange(parts.clone()), parts);
    }

    #[test]
    fn choices_parse_from_the_command_line() {
        assert_eq!("newest-first".parse(), Ok(HistoryOrder::NewestFirst));
        assert_eq!("Numeric".parse(), Ok(IdFormat::Numeric));
        assert_eq!("document".parse(), Ok(KeyCase::Document));
        let error = "kebab".parse::<KeyCase>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "`kebab` is not one of: snake camel pascal document"
        );
    }
}

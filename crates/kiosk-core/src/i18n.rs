//! The kiosk's sentences in the language of the settings.
//!
//! The core builds its messages from the English sentences of [`crate::text`] (the English
//! catalogue, whose sentences double as message ids) and translates them where they leave the
//! core: errors returned by [`crate::Kiosk`], its connection and door events, and the events
//! handed to the shell's sink ([`LocalizingSink`]). So the IPC error keeps its `{kind, message}`
//! shape and `message` is a sentence in the kiosk's language. Words that are not ours (a 400's
//! own text from the service) pass unchanged.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use crate::payload::{Connection, DoorEvent, PinExpired, PinOpened};
use crate::settings::Language;
use crate::sink::EventSink;

mod nl;

/// A language's catalogue: (English sentence, translation). English is the source: none needed.
fn catalogue(lang: Language) -> &'static [(&'static str, &'static str)] {
    match lang {
        Language::En => &[],
        Language::Nl => nl::CATALOGUE,
    }
}

/// `english`, a sentence of [`crate::text`], in `lang`. Other text passes unchanged, and a
/// sentence a catalogue lacks stays English rather than failing (the tests catch the gap).
pub fn tr(lang: Language, english: &str) -> &str {
    catalogue(lang)
        .iter()
        .find(|(en, _)| *en == english)
        .map_or(english, |(_, translated)| translated)
}

/// [`tr`] for an optional owned sentence.
fn tr_owned(lang: Language, s: &mut String) {
    let translated = tr(lang, s);
    if translated.as_ptr() != s.as_ptr() {
        *s = translated.to_owned();
    }
}

/// The connection state with its sentence in `lang`.
pub fn connection(mut c: Connection, lang: Language) -> Connection {
    if let Some(m) = c.message.as_mut() {
        tr_owned(lang, m);
    }
    c
}

/// The door event with its words in `lang`.
pub fn door_event(mut e: DoorEvent, lang: Language) -> DoorEvent {
    tr_owned(lang, &mut e.action_text);
    e
}

/// The language in force, shared by the kiosk and its sink: saving the settings changes it while
/// the watcher runs.
#[derive(Debug, Clone)]
pub struct LanguageCell(Arc<AtomicU8>);

impl LanguageCell {
    pub fn new(lang: Language) -> Self {
        Self(Arc::new(AtomicU8::new(Self::code(lang))))
    }

    fn code(lang: Language) -> u8 {
        match lang {
            Language::En => 0,
            Language::Nl => 1,
        }
    }

    pub fn get(&self) -> Language {
        match self.0.load(Ordering::Relaxed) {
            1 => Language::Nl,
            _ => Language::En,
        }
    }

    pub fn set(&self, lang: Language) {
        self.0.store(Self::code(lang), Ordering::Relaxed);
    }
}

/// Forwards the core's events to the shell's sink with their sentences in the language in force.
pub struct LocalizingSink {
    inner: Arc<dyn EventSink>,
    lang: LanguageCell,
}

impl LocalizingSink {
    pub fn new(inner: Arc<dyn EventSink>, lang: LanguageCell) -> Self {
        Self { inner, lang }
    }
}

impl EventSink for LocalizingSink {
    fn door_event(&self, e: &DoorEvent) {
        match self.lang.get() {
            Language::En => self.inner.door_event(e),
            lang => self.inner.door_event(&door_event(e.clone(), lang)),
        }
    }
    fn pin_opened(&self, p: &PinOpened) {
        match self.lang.get() {
            Language::En => self.inner.pin_opened(p),
            lang => self.inner.pin_opened(&PinOpened {
                ticket: p.ticket.clone(),
                event: door_event(p.event.clone(), lang),
            }),
        }
    }
    fn pin_expired(&self, p: &PinExpired) {
        self.inner.pin_expired(p);
    }
    fn connection(&self, c: &Connection) {
        match self.lang.get() {
            Language::En => self.inner.connection(c),
            lang => self.inner.connection(&connection(c.clone(), lang)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::{ConnectionState, DoorAction};
    use crate::sink::{ChannelSink, SinkEvent};
    use crate::text;

    /// The languages that need a catalogue (all but the English source).
    const TRANSLATED: [Language; 1] = [Language::Nl];

    #[test]
    fn every_sentence_has_exactly_one_translation_in_every_language() {
        for lang in TRANSLATED {
            let mut missing = Vec::new();
            for (name, english) in text::ALL {
                match catalogue(lang)
                    .iter()
                    .filter(|(en, _)| en == english)
                    .count()
                {
                    1 => {}
                    0 => missing.push(format!("{name} (missing)")),
                    n => missing.push(format!("{name} ({n} times)")),
                }
            }
            assert!(missing.is_empty(), "{lang:?} catalogue: {missing:?}");
        }
    }

    #[test]
    fn no_catalogue_entry_is_left_without_its_english_sentence() {
        // An English sentence edited without its translations leaves a stale entry behind.
        for lang in TRANSLATED {
            for (english, translated) in catalogue(lang) {
                assert!(
                    text::ALL.iter().any(|(_, en)| en == english),
                    "{lang:?} entry {translated:?} translates no current sentence"
                );
            }
        }
    }

    #[test]
    fn english_sentences_are_distinct_so_they_can_be_ids() {
        for (i, (name, english)) in text::ALL.iter().enumerate() {
            for (other, e2) in &text::ALL[i + 1..] {
                assert_ne!(english, e2, "{name} and {other} say the same");
            }
        }
    }

    /// The numbers, addresses and quoted values of a sentence: a translation must keep them.
    fn facts(s: &str) -> Vec<String> {
        let mut out: Vec<String> = s
            .split(|c: char| !c.is_ascii_digit())
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .collect();
        out.extend(
            s.split_whitespace()
                .filter(|w| w.contains("://") || w.starts_with('"'))
                .map(|w| w.trim_end_matches(['.', ',', ';', ')']).to_owned()),
        );
        out.sort();
        out
    }

    #[test]
    fn translations_are_real_and_keep_numbers_and_addresses() {
        for lang in TRANSLATED {
            for (english, translated) in catalogue(lang) {
                assert!(
                    !translated.trim().is_empty(),
                    "{english:?} is empty in {lang:?}"
                );
                assert_ne!(
                    english, translated,
                    "{english:?} is not translated in {lang:?}"
                );
                assert_eq!(
                    facts(english),
                    facts(translated),
                    "{lang:?}: {translated:?}"
                );
                // Same sentence shape: a full sentence stays one, a fragment stays a fragment.
                assert_eq!(
                    english.ends_with('.'),
                    translated.ends_with('.'),
                    "{lang:?}: {translated:?}"
                );
            }
        }
    }

    #[test]
    fn tr_translates_our_sentences_and_passes_other_words() {
        assert_eq!(tr(Language::En, text::OFFLINE), text::OFFLINE);
        let nl = tr(Language::Nl, text::OFFLINE);
        assert!(nl.contains("niet bereikbaar"), "{nl}");
        let server = "appointment 7 has no keys in the locker";
        assert_eq!(tr(Language::Nl, server), server);
    }

    #[test]
    fn the_sink_speaks_the_language_in_force() {
        let (inner, mut rx) = ChannelSink::new();
        let lang = LanguageCell::new(Language::Nl);
        let sink = LocalizingSink::new(Arc::new(inner), lang.clone());
        let offline = Connection {
            state: ConnectionState::Offline,
            message: Some(text::OFFLINE.to_owned()),
            last_ok_at: None,
            latency_ms: None,
        };
        sink.connection(&offline);
        let event = DoorEvent {
            event_id: "e1".into(),
            at: None,
            locker_id: "151".into(),
            cell: "7".into(),
            action: DoorAction::Checkout,
            action_text: text::DOOR_CHECKOUT.into(),
            booking_name: None,
            matches_pin: false,
        };
        sink.door_event(&event);
        lang.set(Language::En);
        sink.connection(&offline);

        let mut got = Vec::new();
        while let Ok(e) = rx.try_recv() {
            got.push(e);
        }
        match got.as_slice() {
            [SinkEvent::Connection(a), SinkEvent::Door(d), SinkEvent::Connection(b)] => {
                assert_eq!(a.message.as_deref(), Some(tr(Language::Nl, text::OFFLINE)));
                assert_eq!(d.action_text, tr(Language::Nl, text::DOOR_CHECKOUT));
                assert_ne!(d.action_text, text::DOOR_CHECKOUT);
                assert_eq!(b.message.as_deref(), Some(text::OFFLINE));
            }
            other => panic!("unexpected events {other:?}"),
        }
    }
}

//! Which entries of a `/v1/events/history` body are new, and how a door event reads: the history
//! scanner shared by the kiosk's door watcher and `acses history --follow`, and the [`DoorEvent`]
//! view both show.
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
//!
//! Files: `scanner.rs` the state machine, `visitors.rs` the serde visitors that read a body,
//! `seen.rs` the bounded seen set, `door.rs` the door event view.

mod door;
mod scanner;
mod seen;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
mod visitors;

pub use door::{event_id, DoorEvent};
pub use scanner::{latest_events, BadEntry, HistoryScanner, NewEvent, ScanResult, ScannerState};
pub use seen::SEEN_CAPACITY;
pub use visitors::ScanError;

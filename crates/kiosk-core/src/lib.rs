//! The kiosk's logic, without Tauri: the shell (src-tauri) is a few lines per command over
//! [`Kiosk`], and receives events through an [`EventSink`].
//!
//! ```no_run
//! # async fn shell(stored: kiosk_core::Settings, token: Option<secrecy::SecretString>) -> Result<(), kiosk_core::KioskError> {
//! use std::sync::Arc;
//! use clap::Parser;
//! use kiosk_core::{start, LaunchOptions, NullSink, PinAction, PinRequest, Startup};
//!
//! let startup = Startup { stored, stored_token: token, launch: LaunchOptions::parse(), ..Startup::default() };
//! let kiosk = start(startup, Arc::new(NullSink)).await?; // the shell passes its Tauri emitter
//! let ticket = kiosk
//!     .request_pin(PinRequest { action: PinAction::Pickup, appointment_id: 120301, locker_id: None, note_id: None })
//!     .await?;
//! // ticket.qr_svg is inline SVG; door events arrive through the sink.
//! # Ok(()) }
//! ```

pub mod appointments;
pub mod backoff;
pub mod error;
pub mod language;
pub mod launch;
pub mod persist;
pub mod pin;
pub mod qr;
pub mod render;
pub mod runtime;
pub mod scanner;
pub mod service;
pub mod settings;
pub mod sink;
pub mod text;
pub mod watch_state;
pub mod watcher;

pub use appointments::{AppointmentSource, AppointmentView};
pub use error::{ErrorKind, KioskError};
pub use language::Language;
pub use launch::LaunchOptions;
pub use pin::{PinAction, PinRequest, PinTicket};
pub use runtime::{start, Startup, Tuning};
pub use service::{AppInfo, Kiosk, LockerView, Mode, SavedSettings};
pub use settings::{Settings, SettingsError, SettingsInput, SettingsView};
pub use sink::{
    ChannelSink, Connection, ConnectionState, DoorAction, DoorEvent, EventSink, NullSink,
    PinExpired, PinOpened, SinkEvent,
};
pub use watcher::{DoorWatcher, HistorySource, WatchedPin, WatcherConfig, WatcherHandle};

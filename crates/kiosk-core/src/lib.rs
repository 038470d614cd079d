//! The kiosk's logic, without Tauri: the shell (src-tauri) is a few lines per command over
//! [`Kiosk`], and receives events through an [`EventSink`].
//!
//! ```no_run
//! # async fn shell(data_dir: std::path::PathBuf) -> Result<(), kiosk_core::KioskError> {
//! use std::sync::Arc;
//! use clap::Parser;
//! use kiosk_core::{Kiosk, KioskConfig, LaunchOptions, NullSink, PinAction, PinRequest, Storage};
//!
//! // The kiosk reads and writes its settings file in the data directory itself.
//! let config = KioskConfig {
//!     launch: LaunchOptions::parse(),
//!     storage: Storage::Dir(data_dir),
//!     ..KioskConfig::default()
//! };
//! let kiosk = Kiosk::start(config, Arc::new(NullSink)).await?; // the shell passes its Tauri emitter
//! let ticket = kiosk
//!     .request_pin(PinRequest { action: PinAction::Pickup, appointment_id: 120301, locker_id: None, note_id: None })
//!     .await?;
//! // ticket.qr_svg is inline SVG; door events arrive through the sink.
//! # Ok(()) }
//! ```

pub mod admin_pin;
pub mod appointments;
pub mod backoff;
pub mod error;
pub mod kiosk;
pub mod language;
pub mod launch;
pub mod payload;
pub mod persist;
pub mod qr;
pub mod render;
pub mod settings;
pub mod sink;
pub mod text;
pub mod watch_state;
pub mod watcher;

pub use appointments::{AppointmentSource, AppointmentView};
pub use error::{ErrorKind, KioskError};
pub use kiosk::{Kiosk, KioskConfig, Storage, Tuning};
pub use language::Language;
pub use launch::LaunchOptions;
pub use payload::{
    AppInfo, Connection, ConnectionState, DoorAction, DoorEvent, LockerView, Mode, PinAction,
    PinExpired, PinOpened, PinRequest, PinTicket,
};
pub use settings::{Settings, SettingsError, SettingsInput, SettingsView};
pub use sink::{ChannelSink, EventSink, NullSink, SinkEvent};
pub use watcher::{DoorWatcher, HistorySource, WatchedPin, WatcherConfig, WatcherHandle};

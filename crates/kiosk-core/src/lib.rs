//! The kiosk's logic, without Tauri: the shell (src-tauri) is a few lines per command over
//! [`Kiosk`], and receives events through an [`EventSink`].

pub mod appointments;
pub mod backoff;
pub mod error;
pub mod launch;
pub mod pin;
pub mod qr;
pub mod runtime;
pub mod scanner;
pub mod service;
pub mod settings;
pub mod sink;
pub mod text;
pub mod watcher;

pub use appointments::{AppointmentSource, AppointmentView};
pub use error::{ErrorKind, KioskError};
pub use launch::LaunchOptions;
pub use pin::{PinAction, PinRequest, PinTicket};
pub use runtime::{start, Startup};
pub use service::{AppInfo, Kiosk, LockerView, Mode, SavedSettings};
pub use settings::{Language, Settings, SettingsError, SettingsInput, SettingsView};
pub use sink::{
    ChannelSink, Connection, ConnectionState, DoorAction, DoorEvent, EventSink, NullSink,
    PinExpired, PinOpened, SinkEvent,
};
pub use watcher::{DoorWatcher, HistorySource, WatchedPin, WatcherConfig, WatcherHandle};

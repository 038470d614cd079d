//! A faithful, stateful stand-in for the Claire ACSES API, served with axum.
//!
//! The kiosk embeds it for demo mode, the `acses` CLI serves it, and tests run against it. It
//! models the server's own wire format (snake_case responses, the webhook event body of
//! `POST /v1/events/handler`) and the behaviour behind it: bookings with PINs that expire, door
//! openings (`simulate`) that move keys in and out of cells and log webhook events in the history.
//! See `docs/emulator.md` for the endpoints, demo data and every guess about the real service.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use acses_emulator::{spawn, EmulatorConfig, World};
//! let emulator = spawn(
//!     EmulatorConfig::with_generated_token(),
//!     World::demo(),
//!     "127.0.0.1:0".parse().unwrap(),
//! )
//! .await?;
//! println!("{} (token {} chars)", emulator.base_url(), emulator.token().len());
//! emulator.shutdown().await
//! # }
//! ```

mod clock;
mod config;
mod demo;
mod error;
mod event;
pub mod faults;
mod history;
mod inject;
mod lenient;
mod model;
mod routes;
mod server;
mod shape;
mod state;
pub mod wire;
mod world;

pub use clock::{http_date, parse_offset, Clock, ManualClock, SystemClock};
pub use config::{generate_token, EmulatorConfig, PIN_LENGTH_RANGE};
pub use demo::ids as demo_ids;
pub use error::ApiError;
pub use faults::{Endpoint, FaultSpec, Step};
pub use history::History;
pub use model::HistoryEntry;
pub use model::{
    Appointment, AppointmentId, Booking, BookingKind, BookingState, Cell, Location, LocationId,
    LockerSystem, ObjectStatus, Pin,
};
pub use routes::app;
pub use server::{spawn, spawn_with_state, RunningEmulator};
pub use shape::{HistoryOrder, HistoryShape, IdFormat, KeyCase, UnknownChoice};
pub use state::{EmulatorState, Fault};
pub use wire::API_PREFIX;
pub use world::{EventOutcome, World};

//! Typed async client of the Claire ACSES API (key lockers).
//!
//! - [`ids`] and [`models`]: the document's types, parsed tolerantly
//!   (snake_case, camelCase and Go PascalCase keys; unknown fields ignored;
//!   bad dates become `None`).
//! - [`wire`]: endpoint paths and request/response envelopes.
//! - [`Client`]: one method per endpoint, with [`RetryPolicy`] applied per
//!   kind of call (reads, PIN-issuing calls, state changes).
//! - [`Error`]: one error type keeping the HTTP status and body.
//! - [`history`]: which entries of a history body are new (the incremental
//!   scanner) and the door event view built from them.
//!
//! Secrets: the API token never appears in Debug or error output, and a
//! [`Pin`] prints as `Pin(****)`.

mod client;
mod content;
mod de;
pub mod error;
pub mod history;
pub mod ids;
pub mod models;
mod pin;
mod retry;
pub mod timestamp;
pub mod wire;

pub use client::{Client, ClientConfig, DEFAULT_MAX_BODY_BYTES};
pub use content::EventParseError;
pub use error::{Error, HttpFailure};
pub use ids::*;
pub use models::*;
pub use retry::RetryPolicy;
pub use timestamp::Timestamp;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! The error that crosses IPC: `{"kind": "...", "message": "<sentence>"}` (docs/ipc.md, "Errors").

use serde::Serialize;

use crate::text;

/// What went wrong, as the UI branches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    Unauthorized,
    RateLimited,
    Maintenance,
    Server,
    Offline,
    NotFound,
    BadRequest,
    InvalidInput,
    Busy,
    NotAllowed,
    Internal,
}

/// An error the UI shows as is: `message` is already a sentence a mechanic understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct KioskError {
    pub kind: ErrorKind,
    pub message: String,
}

impl KioskError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    pub fn busy() -> Self {
        Self::new(ErrorKind::Busy, text::BUSY)
    }

    pub fn not_allowed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotAllowed, message)
    }

    pub fn internal() -> Self {
        Self::new(ErrorKind::Internal, text::INTERNAL)
    }
}

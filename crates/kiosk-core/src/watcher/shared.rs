//! What the watcher's handle and its task share: the control the handle writes (the PIN on
//! screen, intervals, retry, shutdown) and the state the task publishes (recent events, the
//! connection).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use crate::payload::{Connection, DoorEvent};

use super::config::WatchedPin;

/// What the handle asks of the task, through a watch channel.
#[derive(Debug, Clone)]
pub(super) struct Control {
    /// The PIN being watched, with a number that tells one watch from the next.
    pub watched: Option<(u64, WatchedPin)>,
    pub active: Duration,
    pub idle: Duration,
    /// Bumped by `retry_now`.
    pub retry: u64,
    pub shutdown: bool,
}

impl Control {
    /// The poll period: active while a PIN is watched, idle otherwise.
    pub fn period(&self) -> Duration {
        if self.watched.is_some() {
            self.active
        } else {
            self.idle
        }
    }
}

/// What the task publishes for the handle to read.
pub(super) struct Shared {
    /// The last door events, oldest first.
    pub recent: VecDeque<DoorEvent>,
    pub connection: Connection,
    /// History entries skipped because their content was not a door event.
    pub bad_entries: u64,
}

/// A poisoned lock only means another thread panicked mid-update of plain data: keep going.
pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

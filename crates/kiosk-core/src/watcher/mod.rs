//! The door watcher: polls the location's event history in a tokio task and tells the sink about
//! new door events, the PIN on screen being used or expiring, and the connection.
//!
//! - Polls every `active` interval while a PIN is watched (someone stands at the locker) and every
//!   `idle` interval otherwise. A control change (a PIN to watch, retry, new intervals) takes
//!   effect at once: the task `select!`s over its ticker and the control channel, so switching to
//!   active polling never waits out an idle tick.
//! - Failures back off exponentially ([`Backoff`](crate::backoff::Backoff), honouring
//!   `Retry-After`) but never beyond the idle interval, so the kiosk notices a recovered service
//!   within one idle poll; a 401 stops polling in the `unauthorized` state until `retry_now`, a
//!   new PIN or new intervals.
//! - Which history entries are new is decided by the pure
//!   [`HistoryScanner`](acses_api::history::HistoryScanner) (baseline on the first successful poll,
//!   dedup by event id).
//! - With a [`SeenStore`](crate::watch_state::SeenStore) the scanner's memory survives restarts:
//!   it is saved *before* new events are announced (a crash in between loses an announcement,
//!   never repeats one) and resumed at start, so events logged while the kiosk was down are
//!   announced once.
//! - The first successful poll fills the recent events (the activity list) with the last events
//!   of the history without announcing them: nothing that happened is missing from the list.
//! - Each door event is announced once: the one that opened the PIN on screen through
//!   `pin_opened` (carrying the event), every other through `door_event`.
//!
//! The handle ([`WatcherHandle`]) and the task (`task.rs`) share only the control channel and
//! the published state (`shared.rs`).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::payload::{Connection, DoorEvent};
use crate::sink::EventSink;

mod config;
mod door_event;
mod shared;
mod task;
#[cfg(test)]
mod tests;

pub use config::{BoxFuture, HistorySource, WatchedPin, WatcherConfig};
use shared::{lock, Control, Shared};

struct HandleInner {
    control: Arc<watch::Sender<Control>>,
    shared: Arc<Mutex<Shared>>,
    task: Mutex<Option<JoinHandle<()>>>,
    next_watch: std::sync::atomic::AtomicU64,
}

impl Drop for HandleInner {
    fn drop(&mut self) {
        self.control.send_modify(|c| c.shutdown = true);
    }
}

/// Controls a running watcher. Cheap to clone; the task stops when the last clone is dropped
/// or on [`WatcherHandle::shutdown`].
#[derive(Clone)]
pub struct WatcherHandle {
    inner: Arc<HandleInner>,
}

impl std::fmt::Debug for WatcherHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatcherHandle").finish_non_exhaustive()
    }
}

/// Starts watchers.
pub struct DoorWatcher;

impl DoorWatcher {
    /// Spawns the polling task on the current tokio runtime. The first poll happens at once.
    pub fn spawn(
        source: Arc<dyn HistorySource>,
        config: WatcherConfig,
        sink: Arc<dyn EventSink>,
    ) -> WatcherHandle {
        let control = Arc::new(
            watch::channel(Control {
                watched: None,
                active: config.active,
                idle: config.idle,
                retry: 0,
                shutdown: false,
            })
            .0,
        );
        let shared = Arc::new(Mutex::new(Shared {
            recent: VecDeque::with_capacity(config.recent_capacity),
            connection: Connection::connecting(),
            bad_entries: 0,
        }));
        sink.connection(&Connection::connecting());
        let join = task::start(source, config, sink, &control, &shared);
        WatcherHandle {
            inner: Arc::new(HandleInner {
                control,
                shared,
                task: Mutex::new(Some(join)),
                next_watch: std::sync::atomic::AtomicU64::new(1),
            }),
        }
    }
}

impl WatcherHandle {
    /// Watches door events for this PIN (replacing any other) and polls at the active rate now.
    pub fn watch_pin(&self, pin: WatchedPin) {
        let n = self
            .inner
            .next_watch
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner
            .control
            .send_modify(|c| c.watched = Some((n, pin)));
    }

    /// Stops watching the PIN on screen; polling goes back to the idle rate.
    pub fn clear_pin(&self) {
        self.inner
            .control
            .send_if_modified(|c| c.watched.take().is_some());
    }

    /// The PIN being watched, if any (it is cleared when its door opened or it expired).
    pub fn watched_pin(&self) -> Option<WatchedPin> {
        self.inner
            .control
            .borrow()
            .watched
            .as_ref()
            .map(|(_, p)| p.clone())
    }

    /// Polls now, leaving backoff or the unauthorized stop.
    pub fn retry_now(&self) {
        self.inner.control.send_modify(|c| c.retry += 1);
    }

    /// New poll intervals (settings changed); also leaves backoff or the unauthorized stop.
    pub fn set_intervals(&self, active: Duration, idle: Duration) {
        self.inner.control.send_modify(|c| {
            c.active = active;
            c.idle = idle;
            c.retry += 1;
        });
    }

    /// The last door events, newest first.
    pub fn recent_events(&self, limit: usize) -> Vec<DoorEvent> {
        let shared = lock(&self.inner.shared);
        shared.recent.iter().rev().take(limit).cloned().collect()
    }

    pub fn connection(&self) -> Connection {
        lock(&self.inner.shared).connection.clone()
    }

    /// History entries skipped because their content was not a door event.
    pub fn bad_entries(&self) -> u64 {
        lock(&self.inner.shared).bad_entries
    }

    /// Stops the task and waits for it (a poll in flight is abandoned after 2 s).
    pub async fn shutdown(&self) {
        self.inner.control.send_modify(|c| c.shutdown = true);
        let join = self.inner.task.lock().ok().and_then(|mut t| t.take());
        if let Some(mut join) = join {
            if tokio::time::timeout(Duration::from_secs(2), &mut join)
                .await
                .is_err()
            {
                join.abort();
            }
        }
    }
}

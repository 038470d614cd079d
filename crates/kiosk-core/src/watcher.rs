//! The door watcher: polls the location's event history in a tokio task and tells the sink about
//! new door events, the PIN on screen being used or expiring, and the connection.
//!
//! - Polls every `active` interval while a PIN is watched (someone stands at the locker) and every
//!   `idle` interval otherwise. A control change (a PIN to watch, retry, new intervals) takes
//!   effect at once: the task `select!`s over its ticker and the control channel, so switching to
//!   active polling never waits out an idle tick.
//! - Failures back off exponentially ([`Backoff`], honouring `Retry-After`) but never beyond the
//!   idle interval, so the kiosk notices a recovered service within one idle poll; a 401 stops
//!   polling in the `unauthorized` state until `retry_now`, a new PIN or new intervals.
//! - Which history entries are new is decided by the pure [`HistoryScanner`] (baseline on the
//!   first successful poll, dedup by event id).
//! - With a [`SeenStore`] the scanner's memory survives restarts: it is saved *before* new events
//!   are announced (a crash in between loses an announcement, never repeats one) and resumed at
//!   start, so events logged while the kiosk was down are announced once.
//! - The first successful poll fills the recent events (the activity list) with the last events
//!   of the history without announcing them: nothing that happened is missing from the list.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin as StdPin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use acses_api::{DealerLocationId, Pin, WebhookEvent};
use bytes::Bytes;
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::{Instant, Interval, MissedTickBehavior};

use crate::backoff::Backoff;
use crate::pin::{PinAction, PinTicket};
use crate::scanner::{latest_events, HistoryScanner};
use crate::sink::{
    Connection, ConnectionState, DoorAction, DoorEvent, EventSink, PinExpired, PinOpened,
};
use crate::text;
use crate::watch_state::SeenStore;

pub type BoxFuture<'a, T> = StdPin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where the watcher reads the history from: the API client, or a stub in tests.
pub trait HistorySource: Send + Sync + 'static {
    fn fetch_history(
        &self,
        location: DealerLocationId,
    ) -> BoxFuture<'_, Result<Bytes, acses_api::Error>>;
}

impl HistorySource for acses_api::Client {
    fn fetch_history(
        &self,
        location: DealerLocationId,
    ) -> BoxFuture<'_, Result<Bytes, acses_api::Error>> {
        Box::pin(self.events_history_raw(location))
    }
}

/// The watcher's settings.
#[derive(Debug, Clone)]
pub struct WatcherConfig {
    pub location: DealerLocationId,
    /// Poll period while a PIN is watched.
    pub active: Duration,
    /// Poll period otherwise.
    pub idle: Duration,
    pub backoff: Backoff,
    /// How many recent door events are kept for `recent_events`.
    pub recent_capacity: usize,
    /// Where the scanner's memory is kept between runs; `None`: baseline at every start.
    pub store: Option<Arc<dyn SeenStore>>,
}

impl WatcherConfig {
    pub fn new(location: DealerLocationId, active: Duration, idle: Duration) -> Self {
        Self {
            location,
            active,
            idle,
            backoff: Backoff::default(),
            recent_capacity: 200,
            store: None,
        }
    }
}

/// The PIN on screen, as the watcher matches door events against it.
#[derive(Debug, Clone)]
pub struct WatchedPin {
    pub pin: Pin,
    pub action: PinAction,
    pub appointment_id: u64,
    /// When known, only events of this locker match.
    pub locker: Option<String>,
    pub issued_at: String,
    pub expires_at: Option<String>,
    /// When the kiosk stops waiting for this PIN (monotonic clock); `None` = never.
    pub deadline: Option<Instant>,
}

impl WatchedPin {
    /// Whether `e` is a door event of this PIN's booking.
    pub fn matches(&self, e: &WebhookEvent) -> bool {
        let code = e.booking.code.trim();
        if code.is_empty() || code != self.pin.as_str() {
            return false;
        }
        match (&self.locker, e.locker_system_id.as_str()) {
            (Some(want), got) if !got.is_empty() => want == got,
            _ => true,
        }
    }

    /// The ticket as `pin://opened` carries it (no QR).
    pub fn ticket(&self) -> PinTicket {
        PinTicket {
            action: self.action,
            appointment_id: self.appointment_id,
            locker_id: self.locker.clone(),
            pin: Some(self.pin.as_str().to_owned()),
            qr_svg: None,
            issued_at: self.issued_at.clone(),
            expires_at: self.expires_at.clone(),
            no_pin_reason: None,
        }
    }
}

#[derive(Debug, Clone)]
struct Control {
    /// The PIN being watched, with a number that tells one watch from the next.
    watched: Option<(u64, WatchedPin)>,
    active: Duration,
    idle: Duration,
    /// Bumped by `retry_now`.
    retry: u64,
    shutdown: bool,
}

impl Control {
    fn period(&self) -> Duration {
        if self.watched.is_some() {
            self.active
        } else {
            self.idle
        }
    }
}

struct Shared {
    recent: VecDeque<DoorEvent>,
    connection: Connection,
    polls: u64,
    bad_entries: u64,
}

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
            polls: 0,
            bad_entries: 0,
        }));
        sink.connection(&Connection::connecting());
        let scanner = match config.store.as_ref().and_then(|s| s.load()) {
            Some(state) => {
                tracing::info!(
                    known = state.known,
                    "door watcher resumes from its saved state"
                );
                HistoryScanner::resume(state)
            }
            None => HistoryScanner::new(),
        };
        let saved_version = scanner.version();
        let task = Task {
            source,
            sink,
            rx: control.subscribe(),
            control: Arc::clone(&control),
            shared: Arc::clone(&shared),
            scanner,
            saved_version,
            filled: false,
            config,
            last_ok_at: None,
        };
        let join = tokio::spawn(task.run());
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

    /// Successful polls so far.
    pub fn polls(&self) -> u64 {
        lock(&self.inner.shared).polls
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

/// A poisoned lock only means another thread panicked mid-update of plain data: keep going.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

enum PollError {
    Api(acses_api::Error),
    Body,
}

struct Task {
    source: Arc<dyn HistorySource>,
    sink: Arc<dyn EventSink>,
    rx: watch::Receiver<Control>,
    control: Arc<watch::Sender<Control>>,
    shared: Arc<Mutex<Shared>>,
    scanner: HistoryScanner,
    /// The scanner version last saved to the store.
    saved_version: u64,
    /// The recent events were filled from the history (first successful poll).
    filled: bool,
    config: WatcherConfig,
    last_ok_at: Option<String>,
}

fn ticker(start: Instant, period: Duration) -> Interval {
    let mut t = tokio::time::interval_at(start, period);
    // Delay: after a slow poll, wait a full period again instead of firing a burst of catch-up
    // polls (the default, Burst).
    t.set_missed_tick_behavior(MissedTickBehavior::Delay);
    t
}

impl Task {
    async fn run(mut self) {
        let mut ctl = self.rx.borrow_and_update().clone();
        let mut failures: u32 = 0;
        let mut halted = false;
        let mut tick = ticker(Instant::now(), ctl.period());
        loop {
            let deadline = ctl.watched.as_ref().and_then(|(_, p)| p.deadline);
            tokio::select! {
                biased;
                changed = self.rx.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let new = self.rx.borrow_and_update().clone();
                    if new.shutdown {
                        break;
                    }
                    let old_watch = ctl.watched.as_ref().map(|(n, _)| *n);
                    let new_watch = new.watched.as_ref().map(|(n, _)| *n);
                    let new_pin = new_watch.is_some() && new_watch != old_watch;
                    let retry = new.retry != ctl.retry;
                    let period_changed = new.period() != ctl.period();
                    ctl = new;
                    if retry || new_pin {
                        // Someone waits at the locker (or asked to retry): poll now.
                        halted = false;
                        failures = 0;
                        tick = ticker(Instant::now(), ctl.period());
                    } else if period_changed && failures == 0 {
                        tick = ticker(Instant::now() + ctl.period(), ctl.period());
                    }
                }
                _ = sleep_until_opt(deadline), if deadline.is_some() => {
                    if let Some((n, pin)) = ctl.watched.clone() {
                        self.finish_watch(n, || self.sink.pin_expired(&PinExpired { appointment_id: pin.appointment_id }));
                    }
                }
                _ = tick.tick(), if !halted => {
                    let watched = ctl.watched.clone();
                    let outcome = self.poll(watched.as_ref().map(|(n, p)| (*n, p))).await;
                    let delay = match outcome {
                        Ok(()) => {
                            failures = 0;
                            // The poll may have ended the watch: use the period from now on.
                            self.rx.borrow().period()
                        }
                        Err(PollError::Api(e)) => {
                            failures = failures.saturating_add(1);
                            if matches!(e, acses_api::Error::Unauthorized(_)) {
                                halted = true;
                            }
                            self.publish_error(&e);
                            self.config.backoff.delay(failures, e.retry_after(), ctl.period(), ctl.idle)
                        }
                        Err(PollError::Body) => {
                            failures = failures.saturating_add(1);
                            self.publish(ConnectionState::Error, Some(text::UNREADABLE_ANSWER.to_owned()), None);
                            self.config.backoff.delay(failures, None, ctl.period(), ctl.idle)
                        }
                    };
                    if delay != tick.period() {
                        tick = ticker(Instant::now() + delay, delay);
                    }
                }
            }
        }
        tracing::debug!("door watcher stopped");
    }

    async fn poll(&mut self, watched: Option<(u64, &WatchedPin)>) -> Result<(), PollError> {
        let started = Instant::now();
        let body = self
            .source
            .fetch_history(self.config.location)
            .await
            .map_err(PollError::Api)?;
        let latency = started.elapsed();
        let scan = match self.scanner.scan(&body) {
            Ok(scan) => scan,
            Err(e) => {
                tracing::warn!(error = %e, bytes = body.len(), "event history could not be read");
                return Err(PollError::Body);
            }
        };
        // Remember before telling: a crash after this loses an announcement (the event is still
        // in the activity list after the restart), but never makes one twice.
        if self.scanner.version() != self.saved_version {
            if let Some(store) = &self.config.store {
                store.save(&self.scanner.state());
            }
            self.saved_version = self.scanner.version();
        }
        if !self.filled {
            self.filled = true;
            self.fill_recent(&body, &scan.new_events);
        }
        let mut ended = false;
        for new in &scan.new_events {
            let matched = watched.filter(|(_, p)| !ended && p.matches(&new.event));
            let event = DoorEvent::from_webhook(&new.id, &new.event, matched.is_some());
            {
                let mut shared = lock(&self.shared);
                if shared.recent.len() >= self.config.recent_capacity.max(1) {
                    shared.recent.pop_front();
                }
                shared.recent.push_back(event.clone());
            }
            self.sink.door_event(&event);
            if let Some((n, pin)) = matched {
                match event.action {
                    DoorAction::Dropoff | DoorAction::Checkout => {
                        ended = true;
                        let opened = PinOpened {
                            ticket: pin.ticket(),
                            event: event.clone(),
                        };
                        self.finish_watch(n, || self.sink.pin_opened(&opened));
                    }
                    DoorAction::Expired => {
                        ended = true;
                        let expired = PinExpired {
                            appointment_id: pin.appointment_id,
                        };
                        self.finish_watch(n, || self.sink.pin_expired(&expired));
                    }
                    DoorAction::Registered | DoorAction::Unknown => {}
                }
            }
        }
        {
            let mut shared = lock(&self.shared);
            shared.polls += 1;
            shared.bad_entries += scan.bad_entries.len() as u64;
        }
        self.last_ok_at = OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .ok();
        let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        self.publish(ConnectionState::Ok, None, Some(latency_ms));
        Ok(())
    }

    /// Puts the last events of the history into the recent list without announcing them, so the
    /// activity list shows what happened before this start. Events about to be announced as new
    /// are left for the announcement.
    fn fill_recent(&self, body: &[u8], new: &[crate::scanner::NewEvent]) {
        let capacity = self.config.recent_capacity.max(1);
        let Ok(latest) = latest_events(body, capacity) else {
            return;
        };
        let mut shared = lock(&self.shared);
        for e in latest {
            if new.iter().any(|n| n.id == e.id) {
                continue;
            }
            if shared.recent.len() >= capacity {
                shared.recent.pop_front();
            }
            shared
                .recent
                .push_back(DoorEvent::from_webhook(&e.id, &e.event, false));
        }
    }

    /// Ends watch number `n` (unless a newer PIN replaced it meanwhile) and tells the sink.
    fn finish_watch(&self, n: u64, tell: impl FnOnce()) {
        let ended = self.control.send_if_modified(|c| match &c.watched {
            Some((m, _)) if *m == n => {
                c.watched = None;
                true
            }
            _ => false,
        });
        if ended {
            tell();
        }
    }

    fn publish_error(&self, e: &acses_api::Error) {
        let (_, state, code) = crate::error::classify(e);
        tracing::warn!(error = %e, "polling the event history failed");
        self.publish(state, Some(code.to_owned()), None);
    }

    /// Publishes the connection on every successful poll (latency changes) and on any change.
    fn publish(&self, state: ConnectionState, code: Option<String>, latency_ms: Option<u64>) {
        let c = Connection {
            state,
            code,
            last_ok_at: self.last_ok_at.clone(),
            latency_ms: latency_ms.or_else(|| lock(&self.shared).connection.latency_ms),
        };
        let changed = {
            let mut shared = lock(&self.shared);
            let changed = shared.connection != c;
            shared.connection = c.clone();
            changed
        };
        if changed || state == ConnectionState::Ok {
            self.sink.connection(&c);
        }
    }
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
#[path = "watcher_tests.rs"]
mod tests;

//! The watcher's polling task: one loop over its ticker, the control channel and the PIN's
//! deadline; each poll scans the history, announces what is new and publishes the connection.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::{Instant, Interval, MissedTickBehavior};

use crate::payload::{Connection, ConnectionState, DoorAction, DoorEvent, PinExpired, PinOpened};
use crate::sink::EventSink;
use crate::text;
use acses_api::history::{latest_events, HistoryScanner, NewEvent};

use super::config::{HistorySource, WatchedPin, WatcherConfig};
use super::shared::{lock, Control, Shared};

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

/// Spawns the task on the current tokio runtime; it resumes the scanner's memory from the store
/// when there is one.
pub(super) fn start(
    source: Arc<dyn HistorySource>,
    config: WatcherConfig,
    sink: Arc<dyn EventSink>,
    control: &Arc<watch::Sender<Control>>,
    shared: &Arc<Mutex<Shared>>,
) -> JoinHandle<()> {
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
        control: Arc::clone(control),
        shared: Arc::clone(shared),
        scanner,
        saved_version,
        filled: false,
        config,
        last_ok_at: None,
    };
    tokio::spawn(task.run())
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
                        if self.end_watch(n) {
                            self.sink.pin_expired(&PinExpired { appointment_id: pin.appointment_id });
                        }
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
            let Some((n, pin)) = matched else {
                self.sink.door_event(&event);
                continue;
            };
            match event.action {
                DoorAction::Dropoff | DoorAction::Checkout => {
                    ended = true;
                    // One signal per door event: the door of the PIN on screen is announced as
                    // `pin_opened` alone, carrying the event. A plain door event only when a
                    // newer PIN replaced this one meanwhile.
                    if self.end_watch(n) {
                        self.sink.pin_opened(&PinOpened {
                            ticket: pin.ticket(),
                            event,
                        });
                    } else {
                        self.sink.door_event(&event);
                    }
                }
                DoorAction::Expired => {
                    ended = true;
                    self.sink.door_event(&event);
                    if self.end_watch(n) {
                        self.sink.pin_expired(&PinExpired {
                            appointment_id: pin.appointment_id,
                        });
                    }
                }
                DoorAction::Registered | DoorAction::Unknown => self.sink.door_event(&event),
            }
        }
        {
            let mut shared = lock(&self.shared);
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
    fn fill_recent(&self, body: &[u8], new: &[NewEvent]) {
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

    /// Ends watch number `n`; false when a newer PIN replaced it meanwhile (then there is
    /// nothing to tell about it).
    fn end_watch(&self, n: u64) -> bool {
        self.control.send_if_modified(|c| match &c.watched {
            Some((m, _)) if *m == n => {
                c.watched = None;
                true
            }
            _ => false,
        })
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

//! Shared emulator state: config, clock, the world behind a mutex, and injected faults.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use axum::http::{header, HeaderMap, StatusCode};
use time::OffsetDateTime;

use crate::clock::{Clock, SystemClock};
use crate::config::EmulatorConfig;
use crate::error::ApiError;
use crate::faults::{Endpoint, Faults, Step};
use crate::model::HistoryEntry;
use crate::model::LocationId;
use crate::world::World;

/// A canned failure answered instead of the next `/v1` request (to test clients' retry logic
/// against the errors the document lists: 429, 500, 503).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    pub status: StatusCode,
    /// Sent as `Retry-After` (seconds) when set.
    pub retry_after_secs: Option<u64>,
}

impl Fault {
    fn step(self) -> Step {
        Step::Status {
            status: self.status.as_u16(),
            retry_after_secs: self.retry_after_secs,
        }
    }
}

struct Shared {
    config: EmulatorConfig,
    clock: Arc<dyn Clock>,
    world: Mutex<World>,
    faults: Mutex<Faults>,
    /// Bumped when the server stops, so answers held back by a fault (a delay, a huge body) end
    /// at once instead of keeping the old connection alive.
    cuts: tokio::sync::watch::Sender<u64>,
}

/// Cheap to clone; every clone sees the same world.
#[derive(Clone)]
pub struct EmulatorState {
    shared: Arc<Shared>,
}

impl fmt::Debug for EmulatorState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorState")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl EmulatorState {
    pub fn new(config: EmulatorConfig, world: World) -> Self {
        Self::with_clock(config, world, Arc::new(SystemClock))
    }

    /// Like `new`, with an injected clock (e.g. a [`crate::ManualClock`] in tests).
    pub fn with_clock(config: EmulatorConfig, world: World, clock: Arc<dyn Clock>) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                clock,
                world: Mutex::new(world),
                faults: Mutex::new(Faults::default()),
                cuts: tokio::sync::watch::Sender::new(0),
            }),
        }
    }

    /// Default config (token `demo-token`) and the demo world for today.
    pub fn demo() -> Self {
        Self::new(EmulatorConfig::default(), World::demo())
    }

    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.config
    }

    /// The emulator's clock: the injected one moved by the configured `clock_offset`.
    pub fn now(&self) -> OffsetDateTime {
        let now = self.shared.clock.now();
        now.checked_add(self.shared.config.clock_offset)
            .unwrap_or(now)
    }

    fn lock_world(&self) -> MutexGuard<'_, World> {
        // A panic elsewhere must not take the emulator down with it: the world stays usable.
        self.shared
            .world
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the world after expiring overdue bookings. Keep `f` short and synchronous.
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        self.act(|world, _, _| f(world))
    }

    /// `with_world` that also hands over "now" and the config.
    pub(crate) fn act<R>(
        &self,
        f: impl FnOnce(&mut World, OffsetDateTime, &EmulatorConfig) -> R,
    ) -> R {
        let now = self.now();
        let mut world = self.lock_world();
        world.expire_due(now);
        f(&mut world, now, &self.shared.config)
    }

    /// A copy of the world exactly as stored: unlike [`Self::with_world`] it expires nothing, so a
    /// test can tell lazy expiry from the background sweep.
    pub fn snapshot(&self) -> World {
        self.lock_world().clone()
    }

    /// Expires overdue bookings now; returns how many expired.
    pub fn sweep_expired(&self) -> usize {
        let now = self.now();
        self.lock_world().expire_due(now)
    }

    /// Adds `count` realistic past history entries for a location (performance tests).
    pub fn seed_history(&self, location: LocationId, count: usize) -> usize {
        let now = self.now();
        self.lock_world().seed_history(location, count, now)
    }

    fn lock_faults(&self) -> MutexGuard<'_, Faults> {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The next `count` `/v1` requests fail with `fault` (after any faults already queued).
    pub fn fail_next(&self, count: usize, fault: Fault) {
        self.script(Endpoint::Any, (0..count).map(|_| fault.step()));
    }

    /// Queues `steps` for the next requests to `endpoint`, one step per request, after any steps
    /// already queued there (see [`crate::faults`] for the order endpoints are served in).
    pub fn script(&self, endpoint: Endpoint, steps: impl IntoIterator<Item = Step>) {
        self.lock_faults().script(endpoint, steps);
    }

    /// Every request to `endpoint` gets `step` once its queue is empty, until
    /// `fail_always(endpoint, None)` or [`Self::clear_faults`].
    pub fn fail_always(&self, endpoint: Endpoint, step: Option<Step>) {
        self.lock_faults().set_sticky(endpoint, step);
    }

    /// Applies a parsed `--fault` spec.
    pub fn apply_fault_spec(&self, spec: &crate::faults::FaultSpec) {
        let mut faults = self.lock_faults();
        faults.script(spec.endpoint, spec.steps.iter().copied());
        if let Some(step) = spec.sticky {
            faults.set_sticky(spec.endpoint, Some(step));
        }
    }

    /// Drops every queued and sticky fault: normal service from the next request on.
    pub fn clear_faults(&self) {
        self.lock_faults().clear();
    }

    /// Fault steps still queued, over all endpoints.
    pub fn pending_faults(&self) -> usize {
        self.lock_faults().pending()
    }

    /// Requests received for `endpoint` so far (`Endpoint::Any`: all `/v1` requests), faulted or
    /// not. Tests count polls and bookings attempts with it.
    pub fn requests(&self, endpoint: Endpoint) -> u64 {
        self.lock_faults().count(endpoint)
    }

    /// Fires when the server stops (see [`Self::cut_connections`]).
    pub(crate) fn cut_signal(&self) -> tokio::sync::watch::Receiver<u64> {
        self.shared.cuts.subscribe()
    }

    /// Ends every answer a fault is holding back (the server is going down).
    pub(crate) fn cut_connections(&self) {
        self.shared.cuts.send_modify(|n| *n += 1);
    }

    /// Counts a request and picks its fault step (`Step::Pass` when none).
    pub(crate) fn take_step(&self, endpoint: Endpoint) -> Step {
        self.lock_faults().take(endpoint)
    }

    /// Logs one history entry whose `SentContent` is not a webhook event at every location
    /// (`Step::GarbageEntry`). Returns how many were added.
    pub fn add_garbage_entries(&self) -> usize {
        let now = self.now();
        self.with_world(|world| {
            let ids: Vec<LocationId> = world.locations.iter().map(|l| l.id).collect();
            for (i, location) in ids.iter().enumerate() {
                let n = world.history.len() + i;
                world.history.push(HistoryEntry {
                    location_id: Some(*location),
                    webhook_event_id: format!("garbage-{n}"),
                    sent_content: "{\"tablekey\": <<not json>> \u{0}\u{fffd}".to_owned(),
                    response_status: "200".to_owned(),
                    response_content: String::new(),
                    sent_date: now,
                });
            }
            ids.len()
        })
    }

    /// The bearer token check of every `/v1` route (injected faults come before it, in the
    /// fault layer of the router).
    pub(crate) fn authorize(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let expected = self.shared.config.token.as_bytes();
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| token.trim().as_bytes())
            });
        match presented {
            Some(token) if !expected.is_empty() && constant_time_eq(token, expected) => Ok(()),
            _ => Err(ApiError::unauthorized()),
        }
    }

    /// Starts a task that expires overdue bookings every `sweep_interval`, so `expired` events are
    /// logged even when nobody calls. It stops by itself once every clone of the state is gone.
    pub fn spawn_sweeper(&self) -> tokio::task::JoinHandle<()> {
        let weak: Weak<Shared> = Arc::downgrade(&self.shared);
        let period = self
            .shared
            .config
            .sweep_interval
            .max(Duration::from_millis(10));
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(period);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                let Some(shared) = weak.upgrade() else { break };
                EmulatorState { shared }.sweep_expired();
            }
        })
    }
}

/// Compares without an early exit, so response timing does not leak how much of a guess matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(auth: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(auth).unwrap());
        headers
    }

    #[test]
    fn authorize_accepts_only_the_configured_bearer_token() {
        let state = EmulatorState::new(EmulatorConfig::default(), World::empty());
        assert!(state.authorize(&headers("Bearer demo-token")).is_ok());
        assert!(state.authorize(&headers("bearer demo-token")).is_ok());
        assert!(state.authorize(&headers("Bearer demo-tokens")).is_err());
        assert!(state.authorize(&headers("Basic demo-token")).is_err());
        assert!(state.authorize(&headers("demo-token")).is_err());
        assert!(state.authorize(&HeaderMap::new()).is_err());
    }

    #[test]
    fn an_empty_configured_token_authorizes_nobody() {
        let config = EmulatorConfig {
            token: String::new(),
            ..EmulatorConfig::default()
        };
        let state = EmulatorState::new(config, World::empty());
        assert!(state.authorize(&headers("Bearer ")).is_err());
    }

    #[test]
    fn faults_are_served_in_order_then_normal_service_resumes() {
        let state = EmulatorState::new(EmulatorConfig::default(), World::empty());
        state.fail_next(
            2,
            Fault {
                status: StatusCode::TOO_MANY_REQUESTS,
                retry_after_secs: Some(3),
            },
        );
        for _ in 0..2 {
            let step = state.take_step(Endpoint::Pickup);
            assert_eq!(
                step,
                Step::Status {
                    status: 429,
                    retry_after_secs: Some(3)
                }
            );
        }
        assert_eq!(state.take_step(Endpoint::Pickup), Step::Pass);
        assert_eq!(state.requests(Endpoint::Pickup), 3);
    }
}

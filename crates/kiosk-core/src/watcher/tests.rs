//! Watcher tests against a scripted history source, on tokio's paused clock: time only moves when
//! every task waits, so poll counts and spacing are exact and the tests take milliseconds.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex as StdMutex;
use std::time::Duration;

use acses_api::{DealerLocationId, Pin};
use bytes::Bytes;
use serde_json::{json, Value};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{advance, Instant};

use super::*;
use crate::payload::{
    Connection, ConnectionState, DoorAction, DoorEvent, PinAction, PinExpired, PinOpened,
};
use crate::sink::{ChannelSink, SinkEvent};
use crate::text;
use crate::watch_state::SeenStore;
use acses_api::history::testing::{content, entry};

#[derive(Default)]
struct Fake {
    history: Vec<Value>,
    errors: VecDeque<acses_api::Error>,
    calls: Vec<Instant>,
    garbage_next: bool,
}

#[derive(Default)]
struct FakeSource(StdMutex<Fake>);

impl FakeSource {
    fn with(history: Vec<Value>) -> Arc<Self> {
        Arc::new(FakeSource(StdMutex::new(Fake {
            history,
            ..Fake::default()
        })))
    }
    fn push(&self, v: Value) {
        self.0.lock().unwrap().history.push(v);
    }
    fn fail_next(&self, e: acses_api::Error) {
        self.0.lock().unwrap().errors.push_back(e);
    }
    fn calls(&self) -> Vec<Instant> {
        self.0.lock().unwrap().calls.clone()
    }
}

impl HistorySource for FakeSource {
    fn fetch_history(
        &self,
        location: DealerLocationId,
    ) -> BoxFuture<'_, Result<Bytes, acses_api::Error>> {
        assert_eq!(location, DealerLocationId(82));
        let mut f = self.0.lock().unwrap();
        f.calls.push(Instant::now());
        let out = if let Some(e) = f.errors.pop_front() {
            Err(e)
        } else if std::mem::take(&mut f.garbage_next) {
            Ok(Bytes::from_static(b"<html>oops</html>"))
        } else {
            Ok(Bytes::from(
                serde_json::to_vec(&json!({ "history": f.history })).unwrap(),
            ))
        };
        Box::pin(async move { out })
    }
}

fn status(code: u16, retry_after: Option<Duration>) -> acses_api::Error {
    acses_api::Error::from_status("POST /v1/events/history", code, retry_after, b"")
}

fn door(id: &str, cell: &str, action: &str, code: &str, locker: &str) -> Value {
    let mut c: Value = serde_json::from_str(&content(id, cell, action, code)).unwrap();
    c["lockersystem"] = json!(locker);
    json!({"webhook_event_id": id, "sent_content": c.to_string()})
}

const ACTIVE: Duration = Duration::from_millis(700);
const IDLE: Duration = Duration::from_secs(20);

fn start(source: &Arc<FakeSource>) -> (WatcherHandle, UnboundedReceiver<SinkEvent>) {
    start_with(
        source,
        WatcherConfig::new(DealerLocationId(82), ACTIVE, IDLE),
    )
}

fn start_with(
    source: &Arc<FakeSource>,
    config: WatcherConfig,
) -> (WatcherHandle, UnboundedReceiver<SinkEvent>) {
    let (sink, rx) = ChannelSink::new();
    let src: Arc<dyn HistorySource> = source.clone();
    (DoorWatcher::spawn(src, config, Arc::new(sink)), rx)
}

fn drain(rx: &mut UnboundedReceiver<SinkEvent>) -> Vec<SinkEvent> {
    let mut out = Vec::new();
    while let Ok(e) = rx.try_recv() {
        out.push(e);
    }
    out
}

fn doors(events: &[SinkEvent]) -> Vec<DoorEvent> {
    events
        .iter()
        .filter_map(|e| match e {
            SinkEvent::Door(d) => Some(d.clone()),
            _ => None,
        })
        .collect()
}

fn watched(pin: &str, action: PinAction, locker: Option<&str>) -> WatchedPin {
    WatchedPin {
        pin: Pin::new(pin),
        action,
        appointment_id: 1001,
        locker: locker.map(Into::into),
        issued_at: "2026-03-01T10:00:00Z".into(),
        expires_at: None,
        deadline: None,
    }
}

/// Lets the watcher task run until it waits again (the paused clock does not move).
async fn settle() {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn existing_entries_are_a_baseline_and_new_ones_are_announced_once() {
    let src = FakeSource::with(vec![entry("old1", "1"), entry("old2", "2")]);
    let (w, mut rx) = start(&src);
    settle().await;
    assert_eq!(src.calls().len(), 1);
    assert!(
        doors(&drain(&mut rx)).is_empty(),
        "pre-existing entries must not be announced"
    );

    src.push(door("n1", "4", "dropoff", "999", "151"));
    for _ in 0..5 {
        advance(IDLE).await;
        settle().await;
    }
    assert_eq!(src.calls().len(), 6);
    let d = doors(&drain(&mut rx));
    assert_eq!(d.len(), 1, "announced once across five polls: {d:?}");
    assert_eq!(
        (d[0].event_id.as_str(), d[0].cell.as_str(), d[0].action),
        ("n1", "4", DoorAction::Dropoff)
    );
    assert!(!d[0].matches_pin);
    // The activity list has the old events too (filled silently at the first poll), newest first.
    let recent: Vec<String> = w
        .recent_events(10)
        .into_iter()
        .map(|e| e.event_id)
        .collect();
    assert_eq!(recent, ["n1", "old2", "old1"]);
    w.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn the_watched_pin_opening_its_door_is_reported_and_ends_the_watch() {
    let src = FakeSource::with(vec![]);
    let (w, mut rx) = start(&src);
    settle().await;
    w.watch_pin(watched("4242", PinAction::Pickup, Some("151")));
    settle().await;
    src.push(door("other", "3", "checkout", "1111", "151")); // someone else's PIN
    src.push(door("wrong-locker", "5", "checkout", "4242", "999")); // same code, other locker
    src.push(door("mine", "7", "checkout", "4242", "151"));
    advance(ACTIVE).await;
    settle().await;
    let events = drain(&mut rx);
    // Each door event is announced once: the one that opened the PIN on screen as `pin_opened`
    // (carrying the event), the others as door events.
    let matches: Vec<(&str, bool)> = events
        .iter()
        .filter_map(|e| match e {
            SinkEvent::Door(d) => Some(d),
            SinkEvent::PinOpened(p) => Some(&p.event),
            _ => None,
        })
        .map(|e| (e.event_id.as_str(), e.matches_pin))
        .collect();
    assert_eq!(
        matches,
        [("other", false), ("wrong-locker", false), ("mine", true)]
    );
    assert!(
        !doors(&events).iter().any(|d| d.event_id == "mine"),
        "the opening is not also a plain door event"
    );
    let opened: Vec<&PinOpened> = events
        .iter()
        .filter_map(|e| match e {
            SinkEvent::PinOpened(p) => Some(p),
            _ => None,
        })
        .collect();
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].event.event_id, "mine");
    assert_eq!(opened[0].event.cell, "7");
    assert_eq!(opened[0].event.action, DoorAction::Checkout);
    assert_eq!(opened[0].ticket.appointment_id, 1001);
    assert_eq!(opened[0].ticket.qr_svg, None);
    assert!(
        w.watched_pin().is_none(),
        "the watch ends when the door opened"
    );
    w.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_pin_expires_by_event_or_by_its_deadline() {
    let src = FakeSource::with(vec![]);
    let (w, mut rx) = start(&src);
    settle().await;
    w.watch_pin(watched("5555", PinAction::DropBack, None));
    settle().await;
    src.push(door("reg", "2", "registered", "5555", "151"));
    src.push(door("exp", "2", "expired", "5555", "151"));
    advance(ACTIVE).await;
    settle().await;
    let events = drain(&mut rx);
    assert!(events.contains(&SinkEvent::PinExpired(PinExpired {
        appointment_id: 1001
    })));
    assert!(!events.iter().any(|e| matches!(e, SinkEvent::PinOpened(_))));
    assert!(w.watched_pin().is_none());

    let mut p = watched("6666", PinAction::Pickup, None);
    p.deadline = Some(Instant::now() + Duration::from_secs(300));
    w.watch_pin(p);
    advance(Duration::from_secs(299)).await;
    settle().await;
    assert!(!drain(&mut rx)
        .iter()
        .any(|e| matches!(e, SinkEvent::PinExpired(_))));
    assert!(w.watched_pin().is_some());
    advance(Duration::from_secs(2)).await;
    settle().await;
    assert!(drain(&mut rx).contains(&SinkEvent::PinExpired(PinExpired {
        appointment_id: 1001
    })));
    assert!(w.watched_pin().is_none());
    w.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn polls_fast_while_a_pin_is_watched_and_slow_otherwise() {
    let src = FakeSource::with(vec![]);
    let (w, _rx) = start(&src);
    settle().await;
    assert_eq!(src.calls().len(), 1);
    advance(Duration::from_secs(5)).await;
    settle().await;
    assert_eq!(src.calls().len(), 1, "idle: no poll before 20 s");

    // Watching starts a poll at once, not at the end of the idle tick.
    let t0 = Instant::now();
    w.watch_pin(watched("1", PinAction::Pickup, None));
    settle().await;
    let calls = src.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1], t0);
    for _ in 0..10 {
        advance(ACTIVE).await;
        settle().await;
    }
    assert_eq!(src.calls().len(), 12, "one poll per 700 ms while watching");

    w.clear_pin();
    settle().await;
    let n = src.calls().len();
    advance(Duration::from_secs(19)).await;
    settle().await;
    assert_eq!(src.calls().len(), n, "back to idle polling");
    advance(Duration::from_secs(1)).await;
    settle().await;
    assert_eq!(src.calls().len(), n + 1);
    // At most 4 polls a minute when idle.
    advance(Duration::from_secs(60)).await;
    settle().await;
    assert!(src.calls().len() - (n + 1) <= 4);
    w.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn unauthorized_stops_polling_until_retry() {
    let src = FakeSource::with(vec![]);
    src.fail_next(status(401, None));
    let (w, mut rx) = start(&src);
    settle().await;
    let c = w.connection();
    assert_eq!(c.state, ConnectionState::Unauthorized);
    assert_eq!(c.code.as_deref(), Some(text::UNAUTHORIZED));
    advance(Duration::from_secs(3600)).await;
    settle().await;
    assert_eq!(src.calls().len(), 1, "no polling with a rejected token");
    let states: Vec<ConnectionState> = drain(&mut rx)
        .iter()
        .filter_map(|e| match e {
            SinkEvent::Connection(c) => Some(c.state),
            _ => None,
        })
        .collect();
    assert_eq!(
        states,
        [ConnectionState::Connecting, ConnectionState::Unauthorized]
    );

    w.retry_now();
    settle().await;
    assert_eq!(src.calls().len(), 2);
    assert_eq!(w.connection().state, ConnectionState::Ok);
    w.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn errors_back_off_and_retry_after_is_honoured() {
    let src = FakeSource::with(vec![]);
    let (w, _rx) = start(&src);
    settle().await;
    for _ in 0..4 {
        src.fail_next(status(503, None));
    }
    src.fail_next(status(429, Some(Duration::from_secs(45))));
    w.watch_pin(watched("1", PinAction::Pickup, None)); // active: 700 ms when healthy
    settle().await;
    assert_eq!(w.connection().state, ConnectionState::Maintenance);
    // Walk the clock in small steps so every poll happens at its time.
    for _ in 0..(200 * 10) {
        advance(Duration::from_millis(100)).await;
        settle().await;
    }
    let calls = src.calls();
    let gaps: Vec<u64> = calls
        .windows(2)
        .map(|w| (w[1] - w[0]).as_millis() as u64)
        .collect();
    // First poll: 200 OK (baseline). Watching: 503, then 1 s, 2 s, 4 s (503s), 8 s -> 429
    // asking for 45 s, then healthy 700 ms polls.
    assert_eq!(
        &gaps[..6],
        &[0, 1_000, 2_000, 4_000, 8_000, 45_000],
        "{gaps:?}"
    );
    assert!(gaps[6..].iter().all(|g| *g == 700), "{gaps:?}");
    assert_eq!(w.connection().state, ConnectionState::Ok);
    w.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn connection_is_published_on_change_and_on_every_successful_poll() {
    let src = FakeSource::with(vec![]);
    let (w, mut rx) = start(&src);
    settle().await;
    advance(IDLE).await;
    settle().await;
    src.fail_next(acses_api::Error::Timeout {
        endpoint: "x".into(),
    });
    advance(IDLE).await;
    settle().await;
    src.0.lock().unwrap().garbage_next = true;
    advance(Duration::from_secs(40)).await;
    settle().await;
    advance(Duration::from_secs(40)).await;
    settle().await;
    let conns: Vec<Connection> = drain(&mut rx)
        .into_iter()
        .filter_map(|e| match e {
            SinkEvent::Connection(c) => Some(c),
            _ => None,
        })
        .collect();
    let states: Vec<ConnectionState> = conns.iter().map(|c| c.state).collect();
    assert_eq!(
        states,
        [
            ConnectionState::Connecting,
            ConnectionState::Ok,
            ConnectionState::Ok,
            ConnectionState::Offline,
            ConnectionState::Error,
            ConnectionState::Ok,
        ]
    );
    assert_eq!(conns[3].code.as_deref(), Some(text::OFFLINE));
    assert!(conns[1].last_ok_at.is_some() && conns[1].latency_ms.is_some());
    assert_eq!(
        conns[3].last_ok_at, conns[2].last_ok_at,
        "lastOkAt stays at the last success"
    );
    w.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn bad_entries_are_skipped_and_counted() {
    let src = FakeSource::with(vec![]);
    let (w, mut rx) = start(&src);
    settle().await;
    src.push(json!({"webhook_event_id": "bad", "sent_content": "{not json"}));
    src.push(door("good", "1", "dropoff", "1", "151"));
    advance(IDLE).await;
    settle().await;
    advance(IDLE).await;
    settle().await;
    let ids: Vec<String> = doors(&drain(&mut rx))
        .into_iter()
        .map(|d| d.event_id)
        .collect();
    assert_eq!(ids, ["good"]);
    assert_eq!(w.bad_entries(), 1);
    assert_eq!(w.connection().state, ConnectionState::Ok);
    w.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn recent_events_are_bounded_and_newest_first() {
    let src = FakeSource::with(vec![]);
    let mut config = WatcherConfig::new(DealerLocationId(82), ACTIVE, IDLE);
    config.recent_capacity = 3;
    let (w, _rx) = start_with(&src, config);
    settle().await;
    for i in 0..5 {
        src.push(door(&format!("e{i}"), "1", "dropoff", "1", "151"));
    }
    advance(IDLE).await;
    settle().await;
    let ids: Vec<String> = w
        .recent_events(10)
        .into_iter()
        .map(|d| d.event_id)
        .collect();
    assert_eq!(ids, ["e4", "e3", "e2"]);
    assert_eq!(w.recent_events(1).len(), 1);
    w.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn dropping_the_last_handle_stops_the_task() {
    let src = FakeSource::with(vec![]);
    let (w, _rx) = start(&src);
    settle().await;
    drop(w);
    settle().await;
    advance(Duration::from_secs(600)).await;
    settle().await;
    assert_eq!(src.calls().len(), 1);
}

fn start_stored(
    source: &Arc<FakeSource>,
    store: &Arc<crate::watch_state::MemorySeenStore>,
) -> (WatcherHandle, UnboundedReceiver<SinkEvent>) {
    let mut config = WatcherConfig::new(DealerLocationId(82), ACTIVE, IDLE);
    config.store = Some(store.clone());
    start_with(source, config)
}

fn door_ids(rx: &mut UnboundedReceiver<SinkEvent>) -> Vec<String> {
    doors(&drain(rx)).into_iter().map(|d| d.event_id).collect()
}

#[tokio::test(start_paused = true)]
async fn a_restart_announces_what_happened_while_down_and_nothing_twice() {
    let store = Arc::new(crate::watch_state::MemorySeenStore::new());
    let src = FakeSource::with(vec![entry("a", "1"), entry("b", "1")]);

    // First run: baseline, then one new event.
    let (w, mut rx) = start_stored(&src, &store);
    settle().await;
    src.push(door("c", "3", "checkout", "1", "151"));
    advance(IDLE).await;
    settle().await;
    assert_eq!(door_ids(&mut rx), ["c"]);
    w.shutdown().await;

    // While the kiosk is down two doors open.
    src.push(door("d", "4", "dropoff", "1", "151"));
    src.push(door("e", "5", "checkout", "1", "151"));

    // Second run over the same store: d and e are announced once, a, b and c not again.
    let (w, mut rx) = start_stored(&src, &store);
    settle().await;
    assert_eq!(door_ids(&mut rx), ["d", "e"]);
    for _ in 0..3 {
        advance(IDLE).await;
        settle().await;
    }
    assert!(door_ids(&mut rx).is_empty(), "nothing announced twice");
    // Everything is in the activity list, newest first.
    let recent: Vec<String> = w
        .recent_events(10)
        .into_iter()
        .map(|e| e.event_id)
        .collect();
    assert_eq!(recent, ["e", "d", "c", "b", "a"]);
    w.shutdown().await;

    // Without a store (the old behaviour) a restart is a new baseline: nothing announced.
    src.push(door("f", "6", "dropoff", "1", "151"));
    let (w, mut rx) = start(&src);
    settle().await;
    assert!(door_ids(&mut rx).is_empty());
    w.shutdown().await;
}

/// A sink that checks, at every announcement, that the store already remembers the event.
struct CheckingSink {
    store: Arc<crate::watch_state::MemorySeenStore>,
    announced: StdMutex<Vec<(String, u64)>>,
}

impl EventSink for CheckingSink {
    fn door_event(&self, e: &DoorEvent) {
        let known = self.store.load().map(|s| s.known).unwrap_or(0);
        self.announced
            .lock()
            .unwrap()
            .push((e.event_id.clone(), known));
    }
    fn pin_opened(&self, _: &PinOpened) {}
    fn pin_expired(&self, _: &PinExpired) {}
    fn connection(&self, _: &Connection) {}
}

#[tokio::test(start_paused = true)]
async fn the_state_is_saved_before_an_event_is_announced() {
    let store = Arc::new(crate::watch_state::MemorySeenStore::new());
    let src = FakeSource::with(vec![entry("a", "1")]);
    let sink = Arc::new(CheckingSink {
        store: store.clone(),
        announced: StdMutex::new(Vec::new()),
    });
    let mut config = WatcherConfig::new(DealerLocationId(82), ACTIVE, IDLE);
    config.store = Some(store.clone());
    let source: Arc<dyn HistorySource> = src.clone();
    let w = DoorWatcher::spawn(source, config, sink.clone());
    settle().await;
    assert_eq!(store.saves(), 1, "the baseline is saved");
    src.push(door("b", "1", "dropoff", "1", "151"));
    src.push(door("c", "2", "dropoff", "1", "151"));
    advance(IDLE).await;
    settle().await;
    // When b and c were announced, the saved state already counted both.
    assert_eq!(
        *sink.announced.lock().unwrap(),
        [("b".to_owned(), 3), ("c".to_owned(), 3)]
    );
    // Polls that find nothing new write nothing.
    let saves = store.saves();
    for _ in 0..5 {
        advance(IDLE).await;
        settle().await;
    }
    assert_eq!(store.saves(), saves);
    w.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn out_of_order_entries_are_announced_once_and_reordering_announces_nothing() {
    let src = FakeSource::with((0..12).map(|i| entry(&format!("e{i}"), "1")).collect());
    let (w, mut rx) = start(&src);
    settle().await;
    // A late webhook lands in the middle of the history (ordered by event time, say).
    src.0
        .lock()
        .unwrap()
        .history
        .insert(3, door("late", "2", "dropoff", "1", "151"));
    advance(IDLE).await;
    settle().await;
    assert_eq!(door_ids(&mut rx), ["late"]);
    // The service turns its order around: nothing is new.
    src.0.lock().unwrap().history.reverse();
    advance(IDLE).await;
    settle().await;
    assert!(door_ids(&mut rx).is_empty());
    // The same event logged twice (a retried webhook) is one event.
    src.push(door("twice", "3", "checkout", "1", "151"));
    src.push(door("twice", "3", "checkout", "1", "151"));
    advance(IDLE).await;
    settle().await;
    assert_eq!(door_ids(&mut rx), ["twice"]);
    w.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn backoff_never_exceeds_the_idle_period_so_recovery_takes_one_idle_poll_at_most() {
    let src = FakeSource::with(vec![]);
    let (w, _rx) = start(&src);
    settle().await;
    for _ in 0..12 {
        src.fail_next(acses_api::Error::Timeout {
            endpoint: "x".into(),
        });
    }
    w.watch_pin(watched("1", PinAction::Pickup, None)); // active polling: 700 ms when healthy
    settle().await;
    for _ in 0..(400 * 10) {
        advance(Duration::from_millis(100)).await;
        settle().await;
    }
    let calls = src.calls();
    let gaps: Vec<u64> = calls
        .windows(2)
        .map(|w| (w[1] - w[0]).as_millis() as u64)
        .collect();
    // baseline, then 12 timeouts: 1, 2, 4, 8, 16 s, then the 20 s idle period as the ceiling
    // (the default backoff would go on to 32 and 60 s), then healthy 700 ms polls.
    assert_eq!(
        &gaps[..13],
        &[
            0, 1_000, 2_000, 4_000, 8_000, 16_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000,
            20_000
        ],
        "{gaps:?}"
    );
    assert!(gaps[13..].iter().all(|g| *g == 700), "{gaps:?}");
    assert_eq!(w.connection().state, ConnectionState::Ok);
    w.shutdown().await;
}

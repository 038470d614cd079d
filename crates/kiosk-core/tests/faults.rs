//! The fault matrix, through the `Kiosk` facade in live mode against the emulator on a socket
//! (docs/RELIABILITY.md lists every scenario with its test). For each fault the kiosk keeps
//! running, says what is wrong in words, backs off, and recovers by itself within one idle poll
//! interval after the fault clears; a 401 stops polling instead.
//!
//! Timeouts are shortened through `Tuning` (500 ms instead of 10 s) so a "delay longer than the
//! client's timeout" costs half a second, not ten.

use std::sync::Arc;
use std::time::{Duration, Instant};

use acses_emulator::{EmulatorConfig, Endpoint, RunningEmulator, Step, World};
use kiosk_core::kiosk::{SETTINGS_FILE, WATCHER_STATE_FILE};
use kiosk_core::persist::SettingsFile;
use kiosk_core::sink::{ChannelSink, SinkEvent};
use kiosk_core::{
    text, Connection, ConnectionState, ErrorKind, Kiosk, KioskConfig, Language, LaunchOptions,
    PinAction, PinOpened, PinRequest, Settings, Storage, Tuning,
};
use secrecy::SecretString;
use serde_json::json;
use tokio::sync::mpsc::UnboundedReceiver;

const KEYS_IN: u64 = 120301;
const KEYS_IN_2: u64 = 120303;
const NO_KEYS: u64 = 120302;
const IDLE: Duration = Duration::from_millis(2_000);
const ACTIVE: Duration = Duration::from_millis(200);
const TIMEOUT: Duration = Duration::from_millis(500);

async fn emulator() -> RunningEmulator {
    acses_emulator::spawn(
        EmulatorConfig::with_generated_token(),
        World::demo(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap()
}

fn tuning() -> Tuning {
    let mut t = Tuning {
        request_timeout: TIMEOUT,
        connect_timeout: Duration::from_millis(300),
        ..Tuning::default()
    };
    t.backoff.base = Duration::from_millis(100);
    t
}

fn settings(emu: &RunningEmulator) -> Settings {
    Settings {
        api_base_url: Some(emu.base_url()),
        active_poll_ms: ACTIVE.as_millis() as u64,
        idle_poll_ms: IDLE.as_millis() as u64,
        dev_mode: true,
        language: Language::En,
        ..Settings::default()
    }
}

async fn live_with(
    emu: &RunningEmulator,
    tuning: Tuning,
    data_dir: Option<&std::path::Path>,
) -> (Kiosk, Feed) {
    let (sink, rx) = ChannelSink::new();
    let token = SecretString::from(emu.token().to_owned());
    let storage = match data_dir {
        // The kiosk reads its settings from the data directory: put them there first.
        Some(dir) => {
            SettingsFile::new(dir.join(SETTINGS_FILE))
                .save(&settings(emu), Some(&token))
                .unwrap();
            Storage::Dir(dir.to_owned())
        }
        None => Storage::Memory {
            settings: settings(emu),
            token: Some(token),
        },
    };
    let config = KioskConfig {
        launch: LaunchOptions::default(),
        tuning,
        storage,
    };
    let feed = Feed {
        rx,
        log: Vec::new(),
    };
    (Kiosk::start(config, Arc::new(sink)).await.unwrap(), feed)
}

async fn live(emu: &RunningEmulator) -> (Kiosk, Feed) {
    live_with(emu, tuning(), None).await
}

fn pickup(appointment_id: u64) -> PinRequest {
    PinRequest {
        action: PinAction::Pickup,
        appointment_id,
        locker_id: None,
        note_id: None,
    }
}

/// The kiosk's events as they come, keeping what a wait passed over.
struct Feed {
    rx: UnboundedReceiver<SinkEvent>,
    log: Vec<SinkEvent>,
}

impl Feed {
    /// Waits for the connection state `want`; returns it and when it came.
    async fn wait_state(
        &mut self,
        want: ConnectionState,
        within: Duration,
    ) -> (Connection, Instant) {
        let (rx, log) = (&mut self.rx, &mut self.log);
        tokio::time::timeout(within, async {
            loop {
                match rx.recv().await {
                    Some(SinkEvent::Connection(c)) if c.state == want => {
                        return (c, Instant::now())
                    }
                    Some(e) => log.push(e),
                    None => std::future::pending::<()>().await,
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no {want:?} within {within:?}"))
    }

    /// Waits for the first event `pick` accepts.
    async fn wait_for<T>(&mut self, mut pick: impl FnMut(&SinkEvent) -> Option<T>) -> T {
        let (rx, log) = (&mut self.rx, &mut self.log);
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                let e = rx.recv().await.expect("sink open");
                let picked = pick(&e);
                log.push(e);
                if let Some(t) = picked {
                    return t;
                }
            }
        })
        .await
        .expect("the event did not come")
    }

    /// Everything seen since the last call.
    fn take_all(&mut self) -> Vec<SinkEvent> {
        let mut out = std::mem::take(&mut self.log);
        while let Ok(e) = self.rx.try_recv() {
            out.push(e);
        }
        out
    }
}

fn door_ids(events: &[SinkEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            // The door of the PIN on screen comes as `pin_opened` alone, carrying its event.
            SinkEvent::Door(d) | SinkEvent::PinOpened(PinOpened { event: d, .. }) => {
                Some(d.event_id.clone())
            }
            _ => None,
        })
        .collect()
}

/// One fault on the history endpoint, from start to recovery (see the module docs).
async fn survives(step: Step, state: ConnectionState, words: &str) {
    let emu = emulator().await;
    let (kiosk, mut rx) = live(&emu).await;
    rx.wait_state(ConnectionState::Ok, Duration::from_secs(5))
        .await;
    // Someone waits at the locker: the watcher polls at the active rate (200 ms).
    let ticket = kiosk.request_pin(pickup(KEYS_IN)).await.unwrap();
    assert!(ticket.pin.is_some());

    emu.state().fail_always(Endpoint::History, Some(step));
    let polls_before = emu.state().requests(Endpoint::History);
    let (c, _) = rx.wait_state(state, Duration::from_secs(5)).await;
    assert_eq!(c.code.as_deref(), Some(words), "{step}");
    assert!(c.last_ok_at.is_some(), "the last good contact stays known");

    // The kiosk keeps working: other calls succeed, the state is readable.
    assert_eq!(kiosk.list_lockers().await.unwrap().len(), 1);
    assert_eq!(kiosk.connection().state, state);
    assert!(kiosk.watched_pin().is_some());

    // It backs off: over 4 s at the 200 ms active rate it would poll 20 times.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let polls = emu.state().requests(Endpoint::History) - polls_before;
    assert!((2..=10).contains(&polls), "{step}: {polls} polls in 4 s");

    // The fault clears: back to normal within one idle period (plus a poll in flight).
    emu.state().clear_faults();
    let cleared = Instant::now();
    let (_, ok_at) = rx
        .wait_state(ConnectionState::Ok, Duration::from_secs(10))
        .await;
    let took = ok_at - cleared;
    assert!(
        took <= IDLE + TIMEOUT + Duration::from_millis(700),
        "{step}: recovered after {took:?}"
    );

    // And the door still opens for the PIN on screen.
    kiosk.simulate_door().await.unwrap();
    rx.wait_for(|e| matches!(e, SinkEvent::PinOpened(_)).then_some(()))
        .await;
    kiosk.shutdown().await;
}

#[tokio::test]
async fn rate_limited_with_retry_after() {
    survives(
        Step::Status {
            status: 429,
            retry_after_secs: Some(1),
        },
        ConnectionState::RateLimited,
        text::RATE_LIMITED,
    )
    .await;
}

#[tokio::test]
async fn server_error_500() {
    let step = Step::Status {
        status: 500,
        retry_after_secs: None,
    };
    survives(step, ConnectionState::Error, text::SERVER).await;
}

#[tokio::test]
async fn maintenance_503() {
    let step = Step::Status {
        status: 503,
        retry_after_secs: None,
    };
    survives(step, ConnectionState::Maintenance, text::MAINTENANCE).await;
}

#[tokio::test]
async fn answers_slower_than_the_timeout() {
    let step = Step::Delay(TIMEOUT * 3);
    survives(step, ConnectionState::Offline, text::OFFLINE).await;
}

#[tokio::test]
async fn dropped_connections() {
    survives(Step::Drop, ConnectionState::Offline, text::OFFLINE).await;
}

#[tokio::test]
async fn truncated_answers() {
    survives(Step::Truncate, ConnectionState::Offline, text::OFFLINE).await;
}

#[tokio::test]
async fn malformed_answers() {
    survives(
        Step::Malformed,
        ConnectionState::Error,
        text::UNREADABLE_ANSWER,
    )
    .await;
}

#[tokio::test]
async fn huge_answers_are_cut_off_at_the_limit() {
    // 300 MB answers, read only up to the (default 128 MiB) limit. Several of them during the
    // fault window; tests/huge_body.rs measures the memory of one.
    survives(
        Step::Huge(300 << 20),
        ConnectionState::Error,
        text::UNREADABLE_ANSWER,
    )
    .await;
}

#[tokio::test]
async fn a_rejected_token_stops_polling_until_told_otherwise() {
    let emu = emulator().await;
    let (kiosk, mut rx) = live(&emu).await;
    rx.wait_state(ConnectionState::Ok, Duration::from_secs(5))
        .await;
    kiosk.request_pin(pickup(KEYS_IN)).await.unwrap();
    emu.state().fail_always(
        Endpoint::History,
        Some(Step::Status {
            status: 401,
            retry_after_secs: None,
        }),
    );
    let (c, _) = rx
        .wait_state(ConnectionState::Unauthorized, Duration::from_secs(5))
        .await;
    // Its sentence tells to check the settings: ui-dev/tests/i18n.test.mjs.
    assert_eq!(c.code.as_deref(), Some(text::UNAUTHORIZED));
    // No hammering: not one more poll, even with a PIN watched at the 200 ms rate.
    let polls = emu.state().requests(Endpoint::History);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(emu.state().requests(Endpoint::History), polls);
    // The kiosk still answers.
    assert_eq!(kiosk.connection().state, ConnectionState::Unauthorized);
    assert_eq!(kiosk.list_lockers().await.unwrap().len(), 1);

    // The token is fine again on the server; the kiosk waits for someone to say so (saving the
    // settings or the retry below), then recovers at once.
    emu.state().clear_faults();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(emu.state().requests(Endpoint::History), polls);
    kiosk.retry_connection();
    rx.wait_state(ConnectionState::Ok, Duration::from_secs(2))
        .await;
    kiosk.shutdown().await;
}

#[tokio::test]
async fn errors_of_user_actions_are_said_in_words_and_the_kiosk_goes_on() {
    let emu = emulator().await;
    let (kiosk, _rx) = live(&emu).await;
    let table = [
        ("401", ErrorKind::Unauthorized, text::UNAUTHORIZED),
        ("429/60", ErrorKind::RateLimited, text::RATE_LIMITED),
        ("503/60", ErrorKind::Maintenance, text::MAINTENANCE),
        ("500", ErrorKind::Server, text::SERVER),
        ("drop", ErrorKind::Offline, text::OFFLINE),
        ("malformed", ErrorKind::Server, text::UNREADABLE_ANSWER),
    ];
    for (step, kind, words) in table {
        // Sticky, so the client's own retries (429/503 up to 30 s Retry-After) meet it too;
        // Retry-After 60 is beyond the client's cap, so it gives up at once.
        emu.state()
            .fail_always(Endpoint::Lockers, Some(step.parse().unwrap()));
        let e = kiosk.list_lockers().await.unwrap_err();
        assert_eq!((e.kind, e.code), (kind, words), "{step}");
        emu.state().clear_faults();
    }
    assert_eq!(kiosk.list_lockers().await.unwrap().len(), 1);
    kiosk.shutdown().await;
}

#[tokio::test]
async fn the_server_going_down_and_coming_back_on_the_same_port() {
    let mut emu = emulator().await;
    let (kiosk, mut rx) = live(&emu).await;
    rx.wait_state(ConnectionState::Ok, Duration::from_secs(5))
        .await;

    emu.stop(Duration::from_millis(200)).await;
    let (c, _) = rx.wait_state(ConnectionState::Offline, IDLE * 3).await;
    assert_eq!(c.code.as_deref(), Some(text::OFFLINE));
    assert_eq!(kiosk.app_info().mode, kiosk_core::Mode::Live);

    // While the API is down, ACSES still logs a door opening (it reaches the history later).
    let now = emu.state().now();
    let event: acses_emulator::wire::WebhookEvent = serde_json::from_value(json!({
        "tablekey": "while-down", "lockersystem": "151", "cellnumber": "9",
        "eventName": "dropoff", "booking": {"code": "777777", "name": "XX-99-YY"}
    }))
    .unwrap();
    emu.state().with_world(|w| w.receive_event(event, now));
    tokio::time::sleep(Duration::from_secs(1)).await;

    emu.start().await.unwrap();
    let started = Instant::now();
    let (_, ok_at) = rx
        .wait_state(ConnectionState::Ok, Duration::from_secs(10))
        .await;
    assert!(ok_at - started <= IDLE + TIMEOUT + Duration::from_millis(700));
    // The event logged during the outage is announced once.
    tokio::time::sleep(IDLE * 2).await;
    let events = rx.take_all();
    assert_eq!(door_ids(&events), ["while-down"]);
    kiosk.shutdown().await;
}

#[tokio::test]
async fn a_garbage_entry_is_skipped_and_the_next_event_still_comes() {
    let emu = emulator().await;
    let (kiosk, mut rx) = live(&emu).await;
    rx.wait_state(ConnectionState::Ok, Duration::from_secs(5))
        .await;
    emu.state().add_garbage_entries();
    kiosk.request_pin(pickup(KEYS_IN)).await.unwrap();
    kiosk.simulate_door().await.unwrap();
    let opened = rx
        .wait_for(|e| match e {
            SinkEvent::PinOpened(p) => Some(p.clone()),
            _ => None,
        })
        .await;
    assert_eq!(opened.event.cell, "3");
    assert_eq!(kiosk.connection().state, ConnectionState::Ok);
    // The garbage entry is in no list.
    assert!(kiosk
        .recent_events(None)
        .iter()
        .all(|e| !e.event_id.starts_with("garbage")));
    kiosk.shutdown().await;
}

// ------------------------------------------------------------------------- no duplicate PIN

fn bookings_of(emu: &RunningEmulator, appointment: u64) -> usize {
    emu.state()
        .snapshot()
        .bookings
        .iter()
        .filter(|b| b.appointment_id == appointment)
        .count()
}

#[tokio::test]
async fn a_double_tap_makes_one_request_and_one_booking() {
    let emu = emulator().await;
    let (kiosk, _rx) = live(&emu).await;
    // Hold the answer a moment so the second tap surely comes while the first is in flight.
    emu.state()
        .script(Endpoint::Pickup, [Step::Delay(Duration::from_millis(300))]);
    let (a, b) = tokio::join!(
        kiosk.request_pin(pickup(KEYS_IN)),
        kiosk.request_pin(pickup(KEYS_IN)),
    );
    let (ok, busy) = if a.is_ok() { (a, b) } else { (b, a) };
    assert!(ok.unwrap().pin.is_some());
    assert_eq!(busy.unwrap_err().kind, ErrorKind::Busy);
    assert_eq!(emu.state().requests(Endpoint::Pickup), 1);
    assert_eq!(bookings_of(&emu, KEYS_IN), 1);
    kiosk.shutdown().await;
}

#[tokio::test]
async fn a_refused_request_is_retried_and_still_makes_one_booking() {
    let emu = emulator().await;
    let (kiosk, _rx) = live(&emu).await;
    // 503 and 429 come before the server acts: the client retries them by itself.
    emu.state().script(
        Endpoint::Pickup,
        ["503".parse().unwrap(), "429/0".parse().unwrap()],
    );
    let t = kiosk.request_pin(pickup(KEYS_IN)).await.unwrap();
    assert!(t.pin.is_some());
    assert_eq!(emu.state().requests(Endpoint::Pickup), 3);
    assert_eq!(bookings_of(&emu, KEYS_IN), 1);
    kiosk.shutdown().await;
}

#[tokio::test]
async fn a_lost_answer_is_not_retried_and_asking_again_gives_the_same_pin() {
    let emu = emulator().await;
    let (kiosk, _rx) = live(&emu).await;
    for (step, appointment) in [
        (Step::Delay(TIMEOUT * 3), KEYS_IN),
        (Step::Truncate, KEYS_IN_2),
    ] {
        emu.state().script(Endpoint::Pickup, [step]);
        let before = emu.state().requests(Endpoint::Pickup);
        // The server made the booking but the answer never arrived whole.
        let e = kiosk.request_pin(pickup(appointment)).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Offline, "{step}");
        assert_eq!(
            emu.state().requests(Endpoint::Pickup) - before,
            1,
            "{step}: no automatic retry after the server may have acted"
        );
        assert_eq!(bookings_of(&emu, appointment), 1);
        // The mechanic taps again: the service returns the live booking's PIN, no second one.
        let t = kiosk.request_pin(pickup(appointment)).await.unwrap();
        assert!(t.pin.is_some());
        assert_eq!(bookings_of(&emu, appointment), 1, "{step}");
    }
    // The same holds for a drop back answer lost on the way.
    emu.state()
        .script(Endpoint::DropBack, [Step::Delay(TIMEOUT * 3)]);
    let drop_back = PinRequest {
        action: PinAction::DropBack,
        appointment_id: NO_KEYS,
        locker_id: Some("151".into()),
        note_id: None,
    };
    assert!(kiosk.request_pin(drop_back.clone()).await.is_err());
    let first = emu.state().snapshot().bookings.len();
    let t = kiosk.request_pin(drop_back).await.unwrap();
    assert!(t.pin.is_some());
    assert_eq!(emu.state().snapshot().bookings.len(), first);
    kiosk.shutdown().await;
}

#[tokio::test]
async fn a_dropped_request_is_not_retried_and_made_no_booking() {
    let emu = emulator().await;
    let (kiosk, _rx) = live(&emu).await;
    emu.state().script(Endpoint::Pickup, [Step::Drop]);
    let e = kiosk.request_pin(pickup(KEYS_IN)).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Offline);
    assert_eq!(emu.state().requests(Endpoint::Pickup), 1);
    assert_eq!(bookings_of(&emu, KEYS_IN), 0);
    kiosk.request_pin(pickup(KEYS_IN)).await.unwrap();
    assert_eq!(bookings_of(&emu, KEYS_IN), 1);
    kiosk.shutdown().await;
}

// ----------------------------------------------------------- no event lost or announced twice

#[tokio::test]
async fn an_app_restart_loses_no_event_and_repeats_none() {
    let data = tempfile::tempdir().unwrap();
    let emu = emulator().await;
    let api = acses_api::Client::new(
        acses_api::ClientConfig::new(emu.base_url(), emu.token().to_owned())
            .with_retry(acses_api::RetryPolicy::none()),
    )
    .unwrap();

    // First run: a door opens and is announced.
    let (kiosk, mut rx) = live_with(&emu, tuning(), Some(data.path())).await;
    rx.wait_state(ConnectionState::Ok, Duration::from_secs(5))
        .await;
    kiosk.request_pin(pickup(KEYS_IN)).await.unwrap();
    kiosk.simulate_door().await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let first = door_ids(&rx.take_all());
    assert_eq!(first.len(), 1, "{first:?}");
    kiosk.shutdown().await;
    drop(kiosk);
    assert!(data.path().join(WATCHER_STATE_FILE).exists());

    // While the kiosk is down another door opens.
    let pin = api
        .pickup(acses_api::AppointmentId(KEYS_IN_2))
        .await
        .unwrap()
        .unwrap();
    api.simulate(
        acses_api::DealerLocationId(82),
        &"151".into(),
        pin.as_str(),
        acses_api::ObjectStatus::Checkout,
    )
    .await
    .unwrap();

    // Second run: only that event is announced, both are in the activity list.
    let (kiosk, mut rx) = live_with(&emu, tuning(), Some(data.path())).await;
    rx.wait_state(ConnectionState::Ok, Duration::from_secs(5))
        .await;
    tokio::time::sleep(IDLE + Duration::from_millis(500)).await;
    let second = door_ids(&rx.take_all());
    assert_eq!(second.len(), 1, "{second:?}");
    assert_ne!(second, first, "the first event is not announced again");
    let recent: Vec<String> = kiosk
        .recent_events(None)
        .into_iter()
        .map(|e| e.event_id)
        .collect();
    assert_eq!(recent, [second[0].clone(), first[0].clone()]);
    kiosk.shutdown().await;
    drop(kiosk);

    // Third run with nothing new: nothing announced.
    let (kiosk, mut rx) = live_with(&emu, tuning(), Some(data.path())).await;
    rx.wait_state(ConnectionState::Ok, Duration::from_secs(5))
        .await;
    tokio::time::sleep(IDLE + Duration::from_millis(500)).await;
    assert!(door_ids(&rx.take_all()).is_empty());
    kiosk.shutdown().await;
}

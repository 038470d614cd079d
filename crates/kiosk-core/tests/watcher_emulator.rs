//! The door watcher over real HTTP: the acses-api client against the emulator on 127.0.0.1:0.

use std::sync::Arc;
use std::time::{Duration, Instant};

use acses_api::{
    AppointmentId, Client, ClientConfig, DealerLocationId, LockerSystemId, ObjectStatus, Pin,
    RetryPolicy,
};
use acses_emulator::{EmulatorConfig, Fault, RunningEmulator, World};
use axum::http::StatusCode;
use kiosk_core::sink::{ChannelSink, SinkEvent};
use kiosk_core::watcher::{DoorWatcher, HistorySource, WatchedPin, WatcherConfig, WatcherHandle};
use kiosk_core::{ConnectionState, PinAction};
use tokio::sync::mpsc::UnboundedReceiver;

async fn emulator() -> RunningEmulator {
    acses_emulator::spawn(
        EmulatorConfig::with_generated_token(),
        World::demo(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap()
}

fn client(emu: &RunningEmulator) -> Client {
    Client::new(
        ClientConfig::new(emu.base_url(), emu.token().to_owned()).with_retry(RetryPolicy::none()),
    )
    .unwrap()
}

fn watch(client: &Client, config: WatcherConfig) -> (WatcherHandle, UnboundedReceiver<SinkEvent>) {
    let (sink, rx) = ChannelSink::new();
    let source: Arc<dyn HistorySource> = Arc::new(client.clone());
    (DoorWatcher::spawn(source, config, Arc::new(sink)), rx)
}

fn config(active_ms: u64, idle_ms: u64) -> WatcherConfig {
    WatcherConfig::new(
        DealerLocationId(82),
        Duration::from_millis(active_ms),
        Duration::from_millis(idle_ms),
    )
}

async fn next_state(rx: &mut UnboundedReceiver<SinkEvent>, want: ConnectionState) -> Instant {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(SinkEvent::Connection(c)) = rx.recv().await {
                if c.state == want {
                    return Instant::now();
                }
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {want:?}"))
}

#[tokio::test]
async fn old_history_is_a_baseline_and_other_codes_do_not_match() {
    let emu = emulator().await;
    assert!(emu.state().seed_history(82, 500) > 0);
    let api = client(&emu);
    let (w, mut rx) = watch(&api, config(100, 100));
    next_state(&mut rx, ConnectionState::Ok).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut seen = Vec::new();
    while let Ok(e) = rx.try_recv() {
        seen.push(e);
    }
    assert!(
        !seen.iter().any(|e| matches!(e, SinkEvent::Door(_))),
        "500 old entries must stay quiet"
    );

    // The kiosk watches one PIN; somebody else's PIN opens a door.
    let theirs = api.pickup(AppointmentId(120303)).await.unwrap().unwrap();
    w.watch_pin(WatchedPin {
        pin: Pin::new("000000"),
        action: PinAction::Pickup,
        appointment_id: 120301,
        locker: Some("151".into()),
        issued_at: String::new(),
        expires_at: None,
        deadline: None,
    });
    api.simulate(
        DealerLocationId(82),
        &LockerSystemId::from("151"),
        theirs.as_str(),
        ObjectStatus::Checkout,
    )
    .await
    .unwrap();
    let door = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match rx.recv().await {
                Some(SinkEvent::Door(d)) => return d,
                Some(SinkEvent::PinOpened(_)) => panic!("another PIN must not open ours"),
                _ => {}
            }
        }
    })
    .await
    .unwrap();
    assert_eq!((door.cell.as_str(), door.matches_pin), ("7", false));
    assert!(w.watched_pin().is_some());
    w.shutdown().await;
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn maintenance_and_rate_limits_back_off_then_recover() {
    let emu = emulator().await;
    let fault = |status, retry_after_secs| Fault {
        status,
        retry_after_secs,
    };
    emu.state()
        .fail_next(3, fault(StatusCode::SERVICE_UNAVAILABLE, None));
    let api = client(&emu);
    // Backoff is capped by the idle period (2 s here): watch a PIN from the start so the 100 ms
    // active period applies and the doubling shows.
    let mut cfg = config(100, 2_000);
    cfg.backoff.base = Duration::from_millis(150);
    cfg.backoff.max = Duration::from_secs(2);
    let (w, mut rx) = watch(&api, cfg);
    w.watch_pin(WatchedPin {
        pin: Pin::new("000000"),
        action: PinAction::Pickup,
        appointment_id: 120301,
        locker: Some("151".into()),
        issued_at: String::new(),
        expires_at: None,
        deadline: None,
    });
    let down = next_state(&mut rx, ConnectionState::Maintenance).await;
    let up = next_state(&mut rx, ConnectionState::Ok).await;
    // 150 + 300 + 600 ms of backoff between the first failure and the first success.
    let waited = up - down;
    assert!(waited >= Duration::from_millis(1_000), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");

    emu.state()
        .fail_next(1, fault(StatusCode::TOO_MANY_REQUESTS, Some(1)));
    let limited = next_state(&mut rx, ConnectionState::RateLimited).await;
    let up = next_state(&mut rx, ConnectionState::Ok).await;
    assert!(
        up - limited >= Duration::from_millis(950),
        "Retry-After: 1 honoured: {:?}",
        up - limited
    );
    assert_eq!(w.connection().state, ConnectionState::Ok);
    w.shutdown().await;
    emu.shutdown().await.unwrap();
}

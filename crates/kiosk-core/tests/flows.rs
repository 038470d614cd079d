//! End-to-end flows of the `Kiosk` facade against the real emulator on 127.0.0.1:0 (demo mode
//! spawns it itself; live-mode tests spawn one and point the kiosk at it).

use std::sync::Arc;
use std::time::Duration;

use acses_emulator::{EmulatorConfig, RunningEmulator, World};
use kiosk_core::kiosk::SETTINGS_FILE;
use kiosk_core::persist::SettingsFile;
use kiosk_core::sink::{ChannelSink, SinkEvent};
use kiosk_core::text;
use kiosk_core::{
    ConnectionState, DoorAction, ErrorKind, Kiosk, KioskConfig, LaunchOptions, Mode, PinAction,
    PinRequest, Settings, SettingsInput, Storage,
};
use secrecy::SecretString;
use tokio::sync::mpsc::UnboundedReceiver;

/// Known appointments of the demo world (location 82, locker 151).
const KEYS_IN_CELL_3: u64 = 120301;
const NO_KEYS: u64 = 120302;
const NO_KEYS_2: u64 = 120305;

fn fast_settings() -> Settings {
    Settings {
        active_poll_ms: 200,
        idle_poll_ms: 2_000,
        ..Settings::default()
    }
}

async fn demo() -> (Kiosk, UnboundedReceiver<SinkEvent>) {
    let (sink, rx) = ChannelSink::new();
    let config = KioskConfig {
        storage: Storage::Memory {
            settings: fast_settings(),
            token: None,
        },
        ..KioskConfig::default()
    };
    (Kiosk::start(config, Arc::new(sink)).await.unwrap(), rx)
}

async fn emulator() -> RunningEmulator {
    acses_emulator::spawn(
        EmulatorConfig::with_generated_token(),
        World::demo(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap()
}

async fn live(
    emu: &RunningEmulator,
    token: Option<&str>,
    dev: bool,
) -> (Kiosk, UnboundedReceiver<SinkEvent>) {
    let (sink, rx) = ChannelSink::new();
    let config = KioskConfig {
        storage: Storage::Memory {
            settings: Settings {
                api_base_url: Some(emu.base_url()),
                dev_mode: dev,
                ..fast_settings()
            },
            token: token.map(|t| SecretString::from(t.to_owned())),
        },
        launch: LaunchOptions::default(),
        ..KioskConfig::default()
    };
    (Kiosk::start(config, Arc::new(sink)).await.unwrap(), rx)
}

fn request(action: PinAction, appointment_id: u64) -> PinRequest {
    PinRequest {
        action,
        appointment_id,
        locker_id: None,
        note_id: None,
    }
}

/// Waits (up to 10 s) for the first sink event `pick` accepts.
async fn wait_for<T>(
    rx: &mut UnboundedReceiver<SinkEvent>,
    mut pick: impl FnMut(&SinkEvent) -> Option<T>,
) -> T {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let e = rx.recv().await.expect("sink closed");
            if let Some(t) = pick(&e) {
                return t;
            }
        }
    })
    .await
    .expect("event did not come")
}

#[tokio::test]
async fn pickup_end_to_end_in_demo_mode() {
    let (kiosk, mut rx) = demo().await;
    let info = kiosk.app_info();
    assert_eq!(info.mode, Mode::Demo);
    assert!(info.simulate_available);
    assert_eq!(info.location_id, 82);
    assert_eq!(info.location_name.as_deref(), Some("Visser Werkplaats"));
    assert!(info.api_base.starts_with("http://127.0.0.1:"));

    // Wait for the first poll (the baseline) so the door event is news to the watcher.
    wait_for(&mut rx, |e| {
        matches!(e, SinkEvent::Connection(c) if c.state == ConnectionState::Ok).then_some(())
    })
    .await;

    let ticket = kiosk
        .request_pin(request(PinAction::Pickup, KEYS_IN_CELL_3))
        .await
        .unwrap();
    let pin = ticket.pin.clone().expect("keys are in the locker: a PIN");
    assert!(pin.chars().all(|c| c.is_ascii_digit()), "PIN is digits");
    assert!(ticket.qr_svg.as_deref().unwrap().starts_with("<svg"));
    assert!(ticket.expires_at.is_some() && ticket.no_pin_reason.is_none());
    assert_eq!(kiosk.watched_pin().unwrap().as_str(), pin);

    kiosk.simulate_door().await.unwrap();
    let opened = wait_for(&mut rx, |e| match e {
        SinkEvent::PinOpened(p) => Some(p.clone()),
        _ => None,
    })
    .await;
    assert_eq!(opened.event.cell, "3");
    assert_eq!(opened.event.action, DoorAction::Checkout);
    assert!(opened.event.matches_pin);
    assert_eq!(opened.ticket.appointment_id, KEYS_IN_CELL_3);
    assert_eq!(opened.ticket.pin.as_deref(), Some(pin.as_str()));
    assert_eq!(opened.ticket.qr_svg, None);
    let recent = kiosk.recent_events(None);
    assert_eq!(recent[0].event_id, opened.event.event_id);
    assert!(
        kiosk.watched_pin().is_none(),
        "watch ends once the door opened"
    );
    // Nothing left to simulate.
    assert_eq!(
        kiosk.simulate_door().await.unwrap_err().kind,
        ErrorKind::NotAllowed
    );
    kiosk.shutdown().await;
}

#[tokio::test]
async fn an_appointment_without_keys_gets_no_pin_and_a_reason() {
    let (kiosk, _rx) = demo().await;
    let t = kiosk
        .request_pin(request(PinAction::Pickup, NO_KEYS))
        .await
        .unwrap();
    assert_eq!(t.pin, None);
    assert_eq!(t.qr_svg, None);
    assert!(t.no_pin_reason.as_deref().is_some_and(|r| !r.is_empty()));
    assert!(kiosk.watched_pin().is_none());
    kiosk.shutdown().await;
}

#[tokio::test]
async fn drop_back_without_a_locker_uses_the_only_active_one() {
    let (kiosk, mut rx) = demo().await;
    // Location 82 has 151 (active) and 152 (inactive).
    let lockers = kiosk.list_lockers().await.unwrap();
    let ids: Vec<&str> = lockers.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["151"]);
    wait_for(&mut rx, |e| {
        matches!(e, SinkEvent::Connection(c) if c.state == ConnectionState::Ok).then_some(())
    })
    .await;

    let t = kiosk
        .request_pin(request(PinAction::DropBack, NO_KEYS))
        .await
        .unwrap();
    assert_eq!(t.locker_id.as_deref(), Some("151"));
    assert!(t.pin.is_some());
    kiosk.simulate_door().await.unwrap();
    let opened = wait_for(&mut rx, |e| match e {
        SinkEvent::PinOpened(p) => Some(p.clone()),
        _ => None,
    })
    .await;
    assert_eq!(opened.event.action, DoorAction::Dropoff);
    assert_eq!(opened.event.locker_id, "151");

    // A locker given explicitly must exist at the location: the service refuses 152 (inactive).
    let mut r = request(PinAction::DropBack, NO_KEYS_2);
    r.locker_id = Some("152".into());
    assert_eq!(
        kiosk.request_pin(r).await.unwrap_err().kind,
        ErrorKind::BadRequest
    );
    let mut r = request(PinAction::DropBack, NO_KEYS_2);
    r.locker_id = Some("15 2".into());
    assert_eq!(
        kiosk.request_pin(r).await.unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    kiosk.shutdown().await;
}

#[tokio::test]
async fn a_second_request_for_the_same_action_is_busy() {
    let (kiosk, _rx) = demo().await;
    let (a, b) = tokio::join!(
        kiosk.request_pin(request(PinAction::Pickup, KEYS_IN_CELL_3)),
        kiosk.request_pin(request(PinAction::Pickup, KEYS_IN_CELL_3)),
    );
    assert!(a.is_ok());
    assert_eq!(b.unwrap_err().kind, ErrorKind::Busy);
    // Other actions are not blocked, and the action is free again afterwards.
    let (c, d) = tokio::join!(
        kiosk.request_pin(request(PinAction::Pickup, KEYS_IN_CELL_3)),
        kiosk.request_pin(request(PinAction::DropBack, NO_KEYS)),
    );
    assert!(c.is_ok() && d.is_ok(), "{c:?} {d:?}");
    kiosk.shutdown().await;
}

#[tokio::test]
async fn invalid_requests_are_refused_before_any_call() {
    let (kiosk, _rx) = demo().await;
    assert_eq!(
        kiosk
            .request_pin(request(PinAction::Pickup, 0))
            .await
            .unwrap_err()
            .kind,
        ErrorKind::InvalidInput
    );
    let mut r = request(PinAction::DropBack, NO_KEYS);
    r.note_id = Some(0);
    assert_eq!(
        kiosk.request_pin(r).await.unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kiosk
            .request_pin(request(PinAction::Pickup, 999_999))
            .await
            .unwrap_err()
            .kind,
        ErrorKind::NotFound
    );
    assert_eq!(
        kiosk.find_appointment(0).await.unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    kiosk.shutdown().await;
}

#[tokio::test]
async fn appointments_come_from_the_endpoint_with_manual_fallback() {
    let (kiosk, _rx) = demo().await;
    let today = kiosk.list_appointments().await.unwrap();
    assert_eq!(
        today.len(),
        8,
        "the demo world has 8 appointments at location 82"
    );
    let times: Vec<&str> = today
        .iter()
        .map(|a| a.planned_at.as_deref().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    let a = kiosk.find_appointment(KEYS_IN_CELL_3).await.unwrap();
    assert_eq!(a.license_plate.as_deref(), Some("GX-123-B"));
    // Unknown number: the number alone, so the mechanic can proceed.
    let a = kiosk.find_appointment(4242).await.unwrap();
    assert_eq!((a.id, a.license_plate), (4242, None));
    kiosk.shutdown().await;
}

#[tokio::test]
async fn simulate_is_refused_in_live_mode_unless_dev() {
    let emu = emulator().await;
    let (kiosk, _rx) = live(&emu, Some(emu.token()), false).await;
    assert_eq!(kiosk.app_info().mode, Mode::Live);
    assert!(!kiosk.app_info().simulate_available);
    kiosk
        .request_pin(request(PinAction::Pickup, KEYS_IN_CELL_3))
        .await
        .unwrap();
    let e = kiosk.simulate_door().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotAllowed);
    kiosk.shutdown().await;

    let (kiosk, mut rx) = live(&emu, Some(emu.token()), true).await;
    assert!(kiosk.app_info().simulate_available);
    wait_for(&mut rx, |e| {
        matches!(e, SinkEvent::Connection(c) if c.state == ConnectionState::Ok).then_some(())
    })
    .await;
    kiosk
        .request_pin(request(PinAction::Pickup, KEYS_IN_CELL_3))
        .await
        .unwrap();
    kiosk.simulate_door().await.unwrap();
    wait_for(&mut rx, |e| {
        matches!(e, SinkEvent::PinOpened(_)).then_some(())
    })
    .await;
    kiosk.shutdown().await;
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_wrong_or_missing_token_shows_as_unauthorized() {
    let emu = emulator().await;
    let (kiosk, mut rx) = live(&emu, Some("wrong-token"), false).await;
    let c = wait_for(&mut rx, |e| match e {
        SinkEvent::Connection(c) if c.state != ConnectionState::Connecting => Some(c.clone()),
        _ => None,
    })
    .await;
    assert_eq!(c.state, ConnectionState::Unauthorized);
    assert_eq!(kiosk.connection().state, ConnectionState::Unauthorized);
    let e = kiosk
        .request_pin(request(PinAction::Pickup, KEYS_IN_CELL_3))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthorized);
    kiosk.shutdown().await;

    let (kiosk, _rx) = live(&emu, None, false).await;
    let c = kiosk.connection();
    assert_eq!(c.state, ConnectionState::Unauthorized);
    assert_eq!(c.code.as_deref(), Some(kiosk_core::text::NO_TOKEN));
    assert_eq!(
        kiosk.list_lockers().await.unwrap_err().kind,
        ErrorKind::Unauthorized
    );
    // Manual entry still works without a token.
    assert_eq!(kiosk.find_appointment(5).await.unwrap().id, 5);
    assert!(!kiosk.get_settings().token_set);
    kiosk.shutdown().await;
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn saving_settings_validates_whole_and_reconnects() {
    let emu = emulator().await;
    // The kiosk owns its settings file: start from one without a token.
    let data = tempfile::tempdir().unwrap();
    let file = SettingsFile::new(data.path().join(SETTINGS_FILE));
    let stored = Settings {
        api_base_url: Some(emu.base_url()),
        ..fast_settings()
    };
    file.save(&stored, None).unwrap();
    let (sink, mut rx) = ChannelSink::new();
    let config = KioskConfig {
        storage: Storage::Dir(data.path().to_owned()),
        ..KioskConfig::default()
    };
    let kiosk = Kiosk::start(config, Arc::new(sink)).await.unwrap();
    let mut input = SettingsInput::from_settings(&kiosk.settings());
    input.idle_poll_ms = 5;
    input.token = Some(SecretString::from(emu.token().to_owned()));
    let before = kiosk.get_settings();
    assert_eq!(
        kiosk.save_settings(input.clone()).await.unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    assert_eq!(kiosk.get_settings(), before, "nothing changed");
    assert_eq!(kiosk.connection().state, ConnectionState::Unauthorized);

    // Fixed input with the token: the kiosk reconnects and works.
    input.idle_poll_ms = 3_000;
    input.admin_pin = Some(SecretString::from("2468".to_owned()));
    let saved = kiosk.save_settings(input.clone()).await.unwrap();
    assert!(saved.token_set && saved.admin_pin_set);
    let written = SettingsFile::new(data.path().join(SETTINGS_FILE)).load();
    assert!(
        written.token.is_some(),
        "the new token is written to the settings file"
    );
    assert_eq!(written.settings.idle_poll_ms, 3_000);
    assert!(written.settings.admin_pin_hash.is_some());
    wait_for(&mut rx, |e| {
        matches!(e, SinkEvent::Connection(c) if c.state == ConnectionState::Ok).then_some(())
    })
    .await;
    assert_eq!(kiosk.list_lockers().await.unwrap().len(), 1);

    // An admin PIN is set now: saving needs the unlock.
    kiosk.lock_admin();
    input.token = None;
    input.admin_pin = None;
    assert_eq!(
        kiosk.save_settings(input.clone()).await.unwrap_err().kind,
        ErrorKind::NotAllowed
    );
    assert!(!kiosk.unlock_admin("1357").await);
    assert!(kiosk.unlock_admin("2468").await);
    input.api_base_url = None; // to demo mode
    kiosk.save_settings(input).await.unwrap();
    assert_eq!(kiosk.app_info().mode, Mode::Demo);
    assert_ne!(kiosk.app_info().api_base, emu.base_url());
    kiosk.shutdown().await;
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn quitting_in_kiosk_mode_needs_the_admin_pin() {
    let (sink, _rx) = ChannelSink::new();
    let mut stored = fast_settings();
    stored.admin_pin_hash = Some(kiosk_core::admin_pin::hash_admin_pin("1234").unwrap());
    let config = KioskConfig {
        storage: Storage::Memory {
            settings: stored,
            token: None,
        },
        launch: LaunchOptions {
            kiosk: true,
            ..LaunchOptions::default()
        },
        ..KioskConfig::default()
    };
    let kiosk = Kiosk::start(config, Arc::new(sink)).await.unwrap();
    assert!(kiosk.app_info().kiosk);
    assert!(!kiosk.get_settings().kiosk_mode, "a flag is not stored");
    assert!(!kiosk.may_quit());
    assert!(kiosk.unlock_admin("1234").await);
    assert!(kiosk.may_quit());
    kiosk.shutdown().await;
}

#[tokio::test]
async fn without_a_data_directory_a_save_says_it_was_not_written() {
    let (sink, _rx) = ChannelSink::new();
    let config = KioskConfig {
        storage: Storage::Unavailable,
        ..KioskConfig::default()
    };
    let kiosk = Kiosk::start(config, Arc::new(sink)).await.unwrap();
    let mut input = SettingsInput::from_settings(&kiosk.settings());
    input.idle_poll_ms = 30_000;
    let e = kiosk.save_settings(input).await.unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Internal, text::SAVE_FAILED));
    // Applied for this run, as the sentence for the code says ("in use but not written").
    assert_eq!(kiosk.settings().idle_poll_ms, 30_000);
    kiosk.shutdown().await;
}

//! End-to-end tests of the real kiosk binary, driven over WebDriver under Xvfb (scripts/e2e).
//! Each test saves screenshots of the screens it passes through to docs/screenshots/.

use std::time::{Duration, Instant};

use acses_api::{AppointmentId, Client, ClientConfig, DealerLocationId, ObjectStatus};
use acses_emulator::{LockerSystem, RunningEmulator, World};
use fantoccini::Locator;
use kiosk_e2e::{decode_qr, digits, free_port, Kiosk, LaunchSpec, Result};
use secrecy::SecretString;

const LOCATION: DealerLocationId = DealerLocationId(82);
const TOKEN: &str = "e2e-token-7f3a";

fn api(base_url: &str) -> Client {
    Client::new(ClientConfig::new(
        base_url.to_owned(),
        SecretString::from(TOKEN.to_owned()),
    ))
    .expect("client")
}

/// The app in demo mode, its embedded emulator on a port we know, so the test can check what
/// the app shows against what the emulator holds.
async fn launch_demo() -> Result<(Kiosk, Client)> {
    let port = free_port();
    let kiosk = Kiosk::launch(LaunchSpec {
        args: vec![
            "--demo".into(),
            "--emulator-addr".into(),
            format!("127.0.0.1:{port}"),
        ],
        env: vec![("ACSES_TOKEN".into(), TOKEN.into())],
    })
    .await?;
    Ok((kiosk, api(&format!("http://127.0.0.1:{port}"))))
}

/// The app in live mode against an emulator this test runs (so it can shape the world).
async fn launch_live(world: World, token: &str) -> Result<(Kiosk, RunningEmulator)> {
    let emulator = kiosk_e2e::local_emulator(world, TOKEN).await?;
    let kiosk = Kiosk::launch(LaunchSpec {
        args: vec!["--dev".into()],
        env: vec![
            ("ACSES_BASE_URL".into(), emulator.base_url()),
            ("ACSES_TOKEN".into(), token.into()),
        ],
    })
    .await?;
    Ok((kiosk, emulator))
}

async fn appointment_with_keys(client: &Client, in_locker: bool) -> Result<u64> {
    let appointments = client.list_appointments(LOCATION).await?;
    appointments
        .iter()
        .find(|a| a.keys_in_locker == Some(in_locker))
        .map(|a| a.id.0)
        .ok_or_else(|| {
            format!("demo data has no appointment with keys_in_locker={in_locker}").into()
        })
}

async fn pick_appointment(kiosk: &Kiosk, id: u64) -> Result<()> {
    kiosk
        .css(&format!(
            "[data-testid=\"appointment-row\"][data-id=\"{id}\"]"
        ))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Reads the PIN digits on screen, waiting until they are there.
async fn pin_on_screen(kiosk: &Kiosk) -> Result<String> {
    let deadline = Instant::now() + kiosk_e2e::UI_TIMEOUT;
    loop {
        let text = kiosk.testid("pin-digits").await?.text().await?;
        let pin = digits(&text);
        if pin.len() >= 4 {
            return Ok(pin);
        }
        if Instant::now() > deadline {
            return Err(format!("no PIN digits on screen (saw {text:?})").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn body_text(kiosk: &Kiosk) -> Result<String> {
    Ok(kiosk
        .client
        .find(Locator::Css("body"))
        .await?
        .text()
        .await?)
}

#[tokio::test]
async fn demo_pickup_shows_pin_and_qr_and_confirms_the_door() -> Result<()> {
    let (kiosk, client) = launch_demo().await?;

    kiosk.testid("screen-home").await?;
    let badge = kiosk.testid("demo-badge").await?.text().await?;
    assert!(
        badge.to_uppercase().contains("DEMO"),
        "badge says {badge:?}"
    );
    kiosk.screenshot("01-home").await?;

    let id = appointment_with_keys(&client, true).await?;
    kiosk.tap("action-pickup").await?;
    kiosk.testid("screen-appointment").await?;
    kiosk.testid("appointment-row").await?;
    kiosk.screenshot("02-appointments").await?;
    pick_appointment(&kiosk, id).await?;

    kiosk.testid("screen-pin").await?;
    let pin = pin_on_screen(&kiosk).await?;
    // Let the QR and the status line settle before the picture.
    kiosk.testid("pin-qr").await?;
    kiosk.testid("pin-status").await?;
    kiosk.screenshot("03-pin").await?;

    // The PIN on screen is the emulator's live booking for this appointment: asking again while
    // it is BOOKED returns the same code.
    let again = client.pickup(AppointmentId(id)).await?;
    assert_eq!(again.as_ref().map(|p| p.as_str()), Some(pin.as_str()));

    // The QR code, as painted, decodes to the PIN.
    let qr_png = kiosk.testid("pin-qr").await?.screenshot().await?;
    assert_eq!(decode_qr(&qr_png)?, pin, "QR content differs from the PIN");

    kiosk.tap("simulate-door").await?;
    let success = kiosk.testid("pin-success").await?.text().await?;
    assert!(
        success.to_lowercase().contains("cell"),
        "success says {success:?}"
    );
    kiosk.screenshot("04-door-opened").await?;

    // The door event in the emulator's history is a checkout with this PIN.
    let history = client.events_history(LOCATION).await?;
    let opened = history
        .iter()
        .filter_map(|h| h.event().ok())
        .any(|e| e.booking.code == pin && e.event_name == ObjectStatus::Checkout);
    assert!(opened, "no checkout event with the PIN in the history");

    kiosk.tap("done-button").await?;
    kiosk.testid("screen-home").await?;
    kiosk.testid("event-item").await?;
    kiosk.screenshot("05-home-with-events").await?;

    kiosk.tap("nav-activity").await?;
    kiosk.testid("screen-activity").await?;
    kiosk.testid("event-item").await?;
    kiosk.screenshot("08-activity").await?;
    kiosk.close().await
}

#[tokio::test]
async fn demo_pickup_without_keys_explains_in_words() -> Result<()> {
    let (kiosk, client) = launch_demo().await?;
    let id = appointment_with_keys(&client, false).await?;
    kiosk.tap("action-pickup").await?;
    kiosk.testid("appointment-row").await?;
    pick_appointment(&kiosk, id).await?;

    let reason = kiosk.testid("pin-no-pin").await?.text().await?;
    assert!(
        reason.to_lowercase().contains("not in the locker"),
        "reason says {reason:?}"
    );
    let body = body_text(&kiosk).await?;
    assert!(!body.contains("null"), "the screen shows 'null': {body}");
    assert!(
        kiosk
            .client
            .find_all(Locator::Css("[data-testid=\"pin-qr\"] svg"))
            .await?
            .is_empty(),
        "a QR code is shown without a PIN"
    );
    kiosk.screenshot("07-no-pin").await?;
    kiosk.close().await
}

#[tokio::test]
async fn return_keys_with_a_locker_choice_puts_them_in_the_chosen_locker() -> Result<()> {
    let mut world = World::demo();
    world
        .lockers
        .push(LockerSystem::new("153", "Back office locker", 82, 8, true));
    let (kiosk, emulator) = launch_live(world, TOKEN).await?;
    let client = api(&emulator.base_url());
    let id = appointment_with_keys(&client, false).await?;

    kiosk.tap("action-dropBack").await?;
    kiosk.testid("appointment-row").await?;
    pick_appointment(&kiosk, id).await?;

    kiosk.testid("screen-locker").await?;
    let options = kiosk
        .client
        .find_all(Locator::Css("[data-testid=\"locker-option\"]"))
        .await?;
    assert_eq!(options.len(), 2, "both active lockers are offered");
    kiosk.screenshot("06-locker-choice").await?;
    kiosk
        .tap_css("[data-testid=\"locker-option\"][data-id=\"153\"]")
        .await?;

    let pin = pin_on_screen(&kiosk).await?;
    kiosk.testid("simulate-door").await?;
    kiosk.screenshot("09-return-pin").await?;
    kiosk.tap("simulate-door").await?;
    let success = kiosk.testid("pin-success").await?.text().await?;
    assert!(success.to_lowercase().contains("cell"), "{success:?}");

    // The keys are now in a cell of the locker the mechanic chose.
    let world = emulator.state().snapshot();
    let (locker, _cell) = world
        .keys_of(id)
        .ok_or("the emulator has no keys for the appointment")?;
    assert_eq!(locker.id, "153");
    let history = client.events_history(LOCATION).await?;
    assert!(history
        .iter()
        .filter_map(|h| h.event().ok())
        .any(|e| e.booking.code == pin && e.event_name == ObjectStatus::Dropoff));
    kiosk.close().await
}

#[tokio::test]
async fn a_rejected_token_is_said_in_words_and_nothing_breaks() -> Result<()> {
    let (kiosk, _emulator) = launch_live(World::demo(), "wrong-token").await?;
    let deadline = Instant::now() + kiosk_e2e::UI_TIMEOUT;
    loop {
        let status = kiosk.testid("connection-status").await?.text().await?;
        if status.to_lowercase().contains("token") {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("connection status never mentioned the token: {status:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    kiosk.tap("action-pickup").await?;
    let error = kiosk.testid("state-error").await?.text().await?;
    assert!(
        error.to_lowercase().contains("token"),
        "error says {error:?}"
    );
    kiosk.screenshot("10-token-rejected").await?;
    kiosk.close().await
}

#[tokio::test]
async fn settings_never_show_the_token() -> Result<()> {
    let (kiosk, _emulator) = launch_live(World::demo(), TOKEN).await?;
    kiosk.tap("nav-settings").await?;
    kiosk.testid("settings-form").await?;
    let source = kiosk.client.source().await?;
    assert!(!source.contains(TOKEN), "the token reached the web view");
    kiosk.screenshot("11-settings").await?;
    kiosk.close().await
}

async fn type_on_keypad(kiosk: &Kiosk, digits: &str) -> Result<()> {
    for d in digits.chars() {
        kiosk.tap(&format!("keypad-key-{d}")).await?;
    }
    kiosk.tap("keypad-ok").await
}

#[tokio::test]
async fn kiosk_settings_and_quitting_need_the_admin_pin() -> Result<()> {
    let (kiosk, _client) = launch_kiosk().await?;
    kiosk.testid("screen-home").await?;

    // First visit: no admin PIN is set yet, so the lock lets the installer in to set one.
    kiosk.tap("nav-settings").await?;
    kiosk.testid("admin-lock").await?;
    kiosk.screenshot("12-kiosk-admin-lock").await?;
    type_on_keypad(&kiosk, "0000").await?;
    kiosk.testid("settings-form").await?;
    kiosk
        .testid("settings-adminPin")
        .await?
        .send_keys("2468")
        .await?;
    kiosk.tap("settings-save").await?;
    kiosk.testid("settings-saved").await?;

    // Leaving the settings locks them again, in the UI and in the backend: the kiosk cannot be
    // quit from the web view now.
    kiosk.tap("back-button").await?;
    kiosk.testid("screen-home").await?;
    let quit: serde_json::Value = kiosk
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             window.__TAURI__.core.invoke('quit_app').then(() => done('quit'), e => done(e));",
            vec![],
        )
        .await?;
    assert_eq!(quit["kind"], "notAllowed", "a locked kiosk quit: {quit}");

    kiosk.tap("nav-settings").await?;
    kiosk.testid("admin-lock").await?;
    type_on_keypad(&kiosk, "1111").await?;
    kiosk.testid("unlock-wrong").await?;
    type_on_keypad(&kiosk, "2468").await?;
    kiosk.testid("settings-form").await?;
    kiosk.testid("quit-kiosk").await?;
    kiosk.close().await
}

async fn launch_kiosk() -> Result<(Kiosk, Client)> {
    let port = free_port();
    let kiosk = Kiosk::launch(LaunchSpec {
        args: vec![
            "--demo".into(),
            "--kiosk".into(),
            "--emulator-addr".into(),
            format!("127.0.0.1:{port}"),
        ],
        env: vec![("ACSES_TOKEN".into(), TOKEN.into())],
    })
    .await?;
    Ok((kiosk, api(&format!("http://127.0.0.1:{port}"))))
}

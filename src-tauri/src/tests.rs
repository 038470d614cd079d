//! The commands through Tauri's mock runtime: real IPC serialization, real kiosk-core, the
//! embedded emulator; no window system needed.

use std::time::{Duration, Instant};

use clap::Parser;
use kiosk_core::LaunchOptions;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow};

use crate::build_app;

mod hardening;
mod shipped;

struct TestApp {
    _app: App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

/// The mock context has no identifier, so the store lands in `$XDG_DATA_HOME` itself: give each
/// app a folder of its own. Tests in this module build apps one at a time (env is per process).
static ENV_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn app(args: &[&str]) -> TestApp {
    let _guard = ENV_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temp dir");
    std::env::set_var("XDG_DATA_HOME", dir.path());
    std::env::set_var("XDG_CONFIG_HOME", dir.path());
    let launch =
        LaunchOptions::try_parse_from(std::iter::once("acses-kiosk").chain(args.iter().copied()))
            .expect("launch options");
    let mut app = build_app(mock_builder(), launch)
        .build(mock_context(noop_assets()))
        .expect("app builds");
    // Setup (starting the kiosk, opening the window) runs on the first iteration. Called once,
    // so the busy-loop this method is deprecated for does not happen.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let webview = app.get_webview_window("main").expect("main window");
    TestApp {
        _app: app,
        webview,
        _dir: dir,
    }
}

fn invoke(app: &TestApp, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        // On Linux the IPC origin is tauri://localhost (http://tauri.localhost is refused).
        url: "tauri://localhost".parse().expect("url"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: tauri::test::INVOKE_KEY.to_string(),
    };
    get_ipc_response(&app.webview, request).map(|b| b.deserialize::<Value>().expect("json body"))
}

#[test]
fn demo_app_info_is_labelled_demo_with_simulation() {
    let app = app(&["--demo"]);
    let info = invoke(&app, "app_info", json!({})).expect("app_info");
    assert_eq!(info["mode"], "demo");
    assert_eq!(info["simulateAvailable"], true);
    assert_eq!(info["locationId"], 82);
    assert!(info["apiBase"]
        .as_str()
        .unwrap_or("")
        .starts_with("http://127.0.0.1:"));
}

#[test]
fn pickup_then_simulated_door_reaches_the_activity_feed() {
    let app = app(&["--demo"]);
    let list = invoke(&app, "list_appointments", json!({})).expect("appointments");
    let with_keys = list
        .as_array()
        .and_then(|a| a.iter().find(|x| x["keysInLocker"] == true))
        .expect("an appointment with keys in the locker")
        .clone();
    let request = json!({"request": {"action": "pickup", "appointmentId": with_keys["id"]}});
    let ticket = invoke(&app, "request_pin", request).expect("ticket");
    let pin = ticket["pin"].as_str().expect("a PIN");
    assert!(
        pin.len() >= 4 && pin.chars().all(|c| c.is_ascii_digit()),
        "{pin}"
    );
    assert!(ticket["qrSvg"].as_str().unwrap_or("").contains("<svg"));

    invoke(&app, "simulate_door", json!({})).expect("simulate");
    // The watcher polls fast while a PIN is on screen: the event shows up within seconds.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let events = invoke(&app, "recent_events", json!({"limit": 10})).expect("events");
        let found = events.as_array().is_some_and(|a| {
            a.iter()
                .any(|e| e["action"] == "checkout" && e["matchesPin"] == true)
        });
        if found {
            break;
        }
        assert!(Instant::now() < deadline, "no door event: {events}");
        std::thread::sleep(Duration::from_millis(100));
    }
    invoke(&app, "cancel_pin", json!({})).expect("cancel twice is fine");
    invoke(&app, "cancel_pin", json!({})).expect("cancel twice is fine");
}

#[test]
fn bad_input_is_a_typed_error_not_a_crash() {
    let app = app(&["--demo"]);
    let err = invoke(
        &app,
        "request_pin",
        json!({"request": {"action": "pickup", "appointmentId": 0}}),
    )
    .expect_err("appointment 0 is refused");
    assert_eq!(err["kind"], "invalidInput", "{err}");
    assert_eq!(err["code"], "invalidAppointment", "{err}");

    // An unknown action never reaches the core: Tauri refuses the arguments.
    let err = invoke(
        &app,
        "request_pin",
        json!({"request": {"action": "explode", "appointmentId": 1}}),
    )
    .expect_err("unknown action is refused");
    let text = err.as_str().unwrap_or_default();
    assert!(text.contains("unknown variant `explode`"), "{err}");
}

#[test]
fn settings_hide_the_token_and_refuse_bad_input_whole() {
    let app = app(&["--demo"]);
    let before = invoke(&app, "get_settings", json!({})).expect("settings");
    assert!(before.get("token").is_none(), "{before}");
    assert_eq!(before["tokenSet"], false);

    let mut input = before.clone();
    input["apiBaseUrl"] = json!("ftp://example.com");
    input["token"] = json!("secret-token-123");
    input["language"] = json!("nl");
    let err = invoke(&app, "save_settings", json!({"settings": input})).expect_err("bad URL");
    assert_eq!(err["kind"], "invalidInput");
    let after = invoke(&app, "get_settings", json!({})).expect("settings");
    assert_eq!(after, before, "a refused save changed something");

    let mut input = before.clone();
    input["language"] = json!("nl");
    input["token"] = json!("secret-token-123");
    let saved = invoke(&app, "save_settings", json!({"settings": input})).expect("saved");
    assert_eq!(saved["language"], "nl");
    assert_eq!(saved["tokenSet"], true);
    assert!(!saved.to_string().contains("secret-token-123"), "{saved}");
}

#[test]
fn kiosk_mode_cannot_quit_without_the_admin() {
    let app = app(&["--demo", "--kiosk"]);
    let info = invoke(&app, "app_info", json!({})).expect("app_info");
    assert_eq!(info["kiosk"], true);
    let mut input = invoke(&app, "get_settings", json!({})).expect("settings");
    input["adminPin"] = json!("4321");
    // With no admin PIN set yet, the first one can be set; after that it guards the settings.
    invoke(&app, "unlock_admin", json!({"pin": "0000"})).expect("unlock");
    invoke(&app, "save_settings", json!({"settings": input})).expect("admin PIN set");
    invoke(&app, "lock_admin", json!({})).expect("lock");

    let err = invoke(&app, "quit_app", json!({})).expect_err("locked kiosk cannot quit");
    assert_eq!(err["kind"], "notAllowed");
    assert_eq!(
        invoke(&app, "unlock_admin", json!({"pin": "1111"})).expect("answer"),
        json!(false)
    );
}

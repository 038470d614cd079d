//! Security and robustness of the shell (docs/RELIABILITY.md): the ACL built from the app
//! manifest and the capability file, the configuration (CSP, no remote content, no devtools),
//! refusals through the command layer, the settings file, and the log of a whole flow.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use clap::Parser;
use kiosk_core::LaunchOptions;
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets};
use tauri::Manager;

use super::{invoke, TestApp, ENV_LOCK};
use crate::build_app;

/// Like `super::app`, in a data folder the caller prepared, with the mock context or the real
/// one (`generate_context!`: the app's ACL manifest and capabilities/default.json).
fn app_in(dir: tempfile::TempDir, args: &[&str], real_context: bool) -> TestApp {
    let _guard = ENV_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    std::env::set_var("XDG_DATA_HOME", dir.path());
    std::env::set_var("XDG_CONFIG_HOME", dir.path());
    let launch =
        LaunchOptions::try_parse_from(std::iter::once("acses-kiosk").chain(args.iter().copied()))
            .expect("launch options");
    let builder = build_app(mock_builder(), launch);
    let mut app = if real_context {
        builder.build(tauri::generate_context!())
    } else {
        builder.build(mock_context(noop_assets()))
    }
    .expect("app builds");
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let webview = app.get_webview_window("main").expect("main window");
    TestApp {
        _app: app,
        webview,
        _dir: dir,
    }
}

fn repo_file(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The quoted names in the `COMMANDS` list of build.rs.
fn manifest_commands() -> Vec<String> {
    let build = repo_file("src-tauri/build.rs");
    let list = build
        .split_once("const COMMANDS: &[&str] = &[")
        .and_then(|(_, rest)| rest.split_once("];"))
        .map(|(list, _)| list)
        .expect("a COMMANDS list in build.rs");
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn capability() -> Value {
    serde_json::from_str(&repo_file("capabilities/default.json")).expect("capability JSON")
}

#[test]
fn the_manifest_the_handler_and_the_capability_list_the_same_commands() {
    let mut manifest = manifest_commands();
    manifest.sort();
    let lib = repo_file("src-tauri/src/lib.rs");
    let handler = lib
        .split_once("generate_handler![")
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list)
        .expect("generate_handler! in lib.rs");
    let mut handled: Vec<String> = handler
        .split(',')
        .map(|c| c.trim().trim_start_matches("commands::").to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    handled.sort();
    assert_eq!(manifest, handled, "build.rs COMMANDS vs generate_handler!");

    let cap = capability();
    let mut granted: Vec<String> = cap["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    granted.sort();
    assert_eq!(manifest, granted, "every command granted, nothing else");
    // Besides the commands, only listening to events: no plugin or core permission that would
    // give the web view the file system, a shell, window control or the settings file.
    let others: Vec<&str> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .filter(|p| !p.starts_with("allow-"))
        .collect();
    assert_eq!(
        others,
        ["core:event:allow-listen", "core:event:allow-unlisten"]
    );
    assert!(cap.get("remote").is_none(), "no remote origin may call in");
    assert_eq!(cap["windows"], json!(["main"]));
}

#[test]
fn the_acl_admits_the_granted_commands_and_refuses_everything_else() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir, &["--demo", "--kiosk"], true);
    let args = |cmd: &str| match cmd {
        "find_appointment" => json!({"id": 120301}),
        "request_pin" => json!({"request": {"action": "pickup", "appointmentId": 0}}),
        "recent_events" => json!({"limit": 1}),
        "save_settings" => json!({"settings": {}}),
        "unlock_admin" => json!({"pin": "0"}),
        "log_ui_error" => json!({"message": "from the ACL test"}),
        _ => json!({}),
    };
    for cmd in manifest_commands() {
        // quit_app runs too: a kiosk without an admin PIN refuses it (notAllowed), so the app
        // stays up for the rest of the loop.
        let answer = invoke(&app, &cmd, args(&cmd));
        let text = format!("{answer:?}");
        assert!(
            !text.contains("not allowed"),
            "{cmd} refused by the ACL: {text}"
        );
    }
    let quit = invoke(&app, "quit_app", json!({})).unwrap_err();
    assert_eq!(quit["kind"], "notAllowed");

    for cmd in [
        "plugin:event|emit",
        "plugin:window|close",
        "plugin:webview|print",
        "plugin:store|load",
        "plugin:app|version",
        "no_such_command",
    ] {
        let answer = invoke(&app, cmd, json!({}));
        let text = format!("{answer:?}");
        assert!(
            answer.is_err() && (text.contains("not allowed") || text.contains("not found")),
            "{cmd} was not refused: {text}"
        );
    }
}

#[test]
fn the_configuration_loads_nothing_remote_and_has_no_devtools() {
    let conf: Value = serde_json::from_str(&repo_file("tauri.conf.json")).unwrap();
    assert!(conf["build"].get("devUrl").is_none(), "no dev server URL");
    assert_eq!(conf["build"]["frontendDist"], "ui");
    let csp = conf["app"]["security"]["csp"]
        .as_object()
        .expect("a CSP object");
    let allowed = ["'self'", "'none'", "data:", "ipc:", "http://ipc.localhost"];
    for (directive, sources) in csp {
        for source in sources.as_str().unwrap_or_default().split_whitespace() {
            assert!(
                allowed.contains(&source),
                "{directive} allows {source}: nothing remote may load"
            );
        }
    }
    for directive in [
        "default-src",
        "script-src",
        "object-src",
        "base-uri",
        "frame-ancestors",
    ] {
        assert!(csp.contains_key(directive), "CSP lacks {directive}");
    }
    assert!(
        !conf["app"]["security"]
            .get("dangerousDisableAssetCspModification")
            .is_some_and(|v| v != &json!(false)),
        "the CSP must stay in force"
    );
    // Devtools exist in release builds only with tauri's `devtools` feature.
    let cargo = repo_file("Cargo.toml");
    let tauri_lines: Vec<&str> = cargo
        .lines()
        .filter(|l| l.trim_start().starts_with("tauri ="))
        .collect();
    assert!(!tauri_lines.is_empty());
    for line in tauri_lines {
        assert!(!line.contains("devtools"), "devtools enabled: {line}");
    }
}

#[test]
fn the_web_view_navigates_only_within_the_app() {
    let ok = ["tauri://localhost/index.html", "http://tauri.localhost/x"];
    let refused = [
        "https://example.com/",
        "http://localhost:8080/",
        "tauri://evil.example/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,hi",
        "https://tauri.localhost.evil.example/",
    ];
    for url in ok {
        assert!(crate::allowed_navigation(&url.parse().unwrap()), "{url}");
    }
    for url in refused {
        assert!(!crate::allowed_navigation(&url.parse().unwrap()), "{url}");
    }
}

#[test]
fn a_production_configuration_cannot_simulate_a_door() {
    // Live mode (an API address and a token), no --dev: nothing listens there, and nothing needs
    // to: the refusal comes before any call.
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(
        dir,
        &["--base-url", "http://127.0.0.1:9/", "--token", "t0ken"],
        false,
    );
    let info = invoke(&app, "app_info", json!({})).unwrap();
    assert_eq!(info["mode"], "live");
    assert_eq!(info["simulateAvailable"], false);
    let err = invoke(&app, "simulate_door", json!({})).unwrap_err();
    assert_eq!(err["kind"], "notAllowed", "{err}");
    // Turning developer mode on needs the settings, which a kiosk guards with the admin PIN.
}

#[test]
fn a_plain_http_address_off_this_computer_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // As a flag: refused and ignored, the kiosk starts in demo mode.
    let app = app_in(
        dir,
        &["--base-url", "http://claire.example/api/acses"],
        false,
    );
    assert_eq!(invoke(&app, "app_info", json!({})).unwrap()["mode"], "demo");
    // In the settings: refused whole, naming the field.
    let base = invoke(&app, "get_settings", json!({})).unwrap();
    for url in [
        "http://claire.example/api/acses",
        "http://10.0.0.5/",
        "ftp://claire.example/",
        "javascript:alert(1)",
        "file:///etc/passwd",
    ] {
        let mut input = base.clone();
        input["apiBaseUrl"] = json!(url);
        let err = invoke(&app, "save_settings", json!({"settings": input})).unwrap_err();
        assert_eq!(
            (err["kind"].as_str(), err["field"].as_str()),
            (Some("invalidInput"), Some("apiBaseUrl")),
            "{url}: {err}"
        );
    }
    let mut input = base.clone();
    input["apiBaseUrl"] = json!("https://127.0.0.1:9/api");
    let saved = invoke(&app, "save_settings", json!({"settings": input})).unwrap();
    assert_eq!(saved["apiBaseUrl"], "https://127.0.0.1:9/api");
}

#[test]
fn inputs_from_the_ui_are_checked_in_the_backend() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir, &["--demo"], false);
    let pin = |r: Value| invoke(&app, "request_pin", json!({ "request": r }));
    let kind = |r: Result<Value, Value>| -> String {
        match r {
            Ok(v) => format!("ok {v}"),
            Err(e) => e["kind"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("ipc: {e}")),
        }
    };
    // Our own validation: a typed refusal naming the problem.
    for request in [
        json!({"action": "pickup", "appointmentId": 0}),
        json!({"action": "dropBack", "appointmentId": 120302, "lockerId": "15 1"}),
        json!({"action": "dropBack", "appointmentId": 120302, "lockerId": "<script>"}),
        json!({"action": "dropBack", "appointmentId": 120302, "lockerId": "x".repeat(65)}),
        json!({"action": "dropBack", "appointmentId": 120302, "lockerId": "151", "noteId": 0}),
    ] {
        assert_eq!(kind(pin(request.clone())), "invalidInput", "{request}");
    }
    // Wrong types and ranges never reach the core: the IPC layer refuses them (a string error,
    // not a crash).
    for request in [
        json!({"action": "pickup", "appointmentId": -1}),
        json!({"action": "pickup", "appointmentId": "120301"}),
        json!({"action": "pickup", "appointmentId": 1e30}),
        json!({"action": "pickup"}),
        json!({"action": "dropBack", "appointmentId": 120302, "noteId": -5}),
        json!({"action": "explode", "appointmentId": 120301}),
        json!([1, 2, 3]),
    ] {
        assert!(kind(pin(request.clone())).starts_with("ipc: "), "{request}");
    }
    assert_eq!(
        kind(invoke(&app, "find_appointment", json!({ "id": 0 }))),
        "invalidInput"
    );
    for id in [json!(-1), json!("x"), json!(null)] {
        assert!(kind(invoke(&app, "find_appointment", json!({ "id": id }))).starts_with("ipc: "));
    }
    // recent_events caps what it returns.
    let events = invoke(&app, "recent_events", json!({"limit": 1_000_000})).unwrap();
    assert!(events.as_array().unwrap().len() <= 200);

    // Settings: each wrong field is refused whole.
    let base = invoke(&app, "get_settings", json!({})).unwrap();
    let cases = [
        ("locationId", json!(0)),
        ("language", json!("xx")),
        ("activePollMs", json!(0)),
        ("idlePollMs", json!(1)),
        ("defaultLockerId", json!("a b")),
        ("adminPin", json!("12a4")),
        ("adminPin", json!("123")),
        ("adminPin", json!("1".repeat(9))),
        ("token", json!("has space")),
    ];
    for (field, value) in cases {
        let mut input = base.clone();
        input[field] = value.clone();
        let err = invoke(&app, "save_settings", json!({ "settings": input })).unwrap_err();
        assert_eq!(err["kind"], "invalidInput", "{field}={value}: {err}");
        assert_eq!(err["field"], field, "{field}={value}: {err}");
    }
    assert_eq!(invoke(&app, "get_settings", json!({})).unwrap(), base);
}

#[test]
fn admin_pin_attempts_are_cheap_to_refuse_and_never_match_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir, &["--demo", "--kiosk"], false);
    let mut input = invoke(&app, "get_settings", json!({})).unwrap();
    // A kiosk's first save must set an admin PIN.
    let err = invoke(&app, "save_settings", json!({"settings": input.clone()})).unwrap_err();
    assert_eq!(
        (err["kind"].as_str(), err["field"].as_str()),
        (Some("invalidInput"), Some("adminPin"))
    );
    input["adminPin"] = json!("2468");
    invoke(&app, "save_settings", json!({"settings": input})).unwrap();
    invoke(&app, "lock_admin", json!({})).unwrap();
    let started = Instant::now();
    for attempt in [
        "",
        "12a4",
        "246",
        "246800000",
        &"2".repeat(1_000_000),
        "２４６８",
    ] {
        assert_eq!(
            invoke(&app, "unlock_admin", json!({ "pin": attempt })).unwrap(),
            json!(false)
        );
    }
    // Six refusals without hashing: well under one Argon2 verification each.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        invoke(&app, "unlock_admin", json!({"pin": "2468"})).unwrap(),
        json!(true)
    );
}

#[test]
fn a_corrupt_settings_file_is_reported_kept_aside_and_replaced_by_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.json");
    std::fs::write(&file, b"{\"settings\": {\"locationId\": 83, \"kioskM").unwrap();
    let data = dir.path().to_owned();
    let app = app_in(dir, &["--demo"], false);
    // The kiosk started, with the defaults.
    let s = invoke(&app, "get_settings", json!({})).unwrap();
    assert_eq!(s["locationId"], 82);
    assert_eq!(invoke(&app, "app_info", json!({})).unwrap()["mode"], "demo");
    // The bad file is kept for an administrator to look at.
    assert!(data.join("settings.json.corrupt").exists());
    // A save writes a good file in its place.
    let mut input = s.clone();
    input["locationId"] = json!(83);
    invoke(&app, "save_settings", json!({ "settings": input })).unwrap();
    let written: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written["settings"]["locationId"], 83);
    // And no temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

// ------------------------------------------------------------------------------------- the log

/// Everything any test in this binary logs, at every level.
fn captured_log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = {
            let buffer = Arc::clone(&buffer);
            move || Capture(Arc::clone(&buffer))
        };
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(writer)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in this test binary");
        buffer
    })
    .clone()
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn neither_the_token_nor_a_pin_reaches_the_log_of_a_whole_flow() {
    const TOKEN: &str = "tok-SECRET-8c41f0";
    const ADMIN_PIN: &str = "97531";
    let log = captured_log();
    let dir = tempfile::tempdir().unwrap();
    // Demo mode with a given token: the embedded emulator checks that very token.
    let app = app_in(dir, &["--demo", "--token", TOKEN], false);
    let list = invoke(&app, "list_appointments", json!({})).unwrap();
    let id = list
        .as_array()
        .and_then(|a| a.iter().find(|x| x["keysInLocker"] == true))
        .map(|a| a["id"].clone())
        .expect("an appointment with keys");
    let ticket = invoke(
        &app,
        "request_pin",
        json!({"request": {"action": "pickup", "appointmentId": id}}),
    )
    .unwrap();
    let pin = ticket["pin"].as_str().expect("a PIN").to_owned();
    invoke(&app, "simulate_door", json!({})).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let events = invoke(&app, "recent_events", json!({"limit": 5})).unwrap();
        if events
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["matchesPin"] == true))
        {
            break;
        }
        assert!(Instant::now() < deadline, "the door event did not come");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Settings with a token and an admin PIN, then unlocking with it.
    let mut input = invoke(&app, "get_settings", json!({})).unwrap();
    input["token"] = json!(TOKEN);
    input["adminPin"] = json!(ADMIN_PIN);
    invoke(&app, "save_settings", json!({ "settings": input })).unwrap();
    invoke(&app, "unlock_admin", json!({ "pin": ADMIN_PIN })).unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(
        text.contains("PIN issued"),
        "the capture works (the flow is in the log)"
    );
    assert!(text.len() > 1_000, "the log is too short to mean anything");
    for (what, secret) in [
        ("token", TOKEN),
        ("PIN", pin.as_str()),
        ("admin PIN", ADMIN_PIN),
    ] {
        if let Some(at) = text.find(secret) {
            let from = at.saturating_sub(300);
            panic!(
                "the {what} is in the log: ...{}...",
                &text[from..(at + 100).min(text.len())]
            );
        }
    }
}

#[test]
fn a_ui_error_reaches_the_log_on_one_line_and_capped() {
    let log = captured_log();
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir, &["--demo"], false);
    // Multi-byte characters across the cap: it must cut on a character boundary, not panic.
    let message = format!("ui-error-marker\nforged line {}", "é".repeat(3000));
    let answer = invoke(&app, "log_ui_error", json!({ "message": message }));
    assert_eq!(answer, Ok(Value::Null));
    let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    let line = text
        .lines()
        .find(|l| l.contains("ui-error-marker"))
        .unwrap_or_else(|| panic!("not logged: {text}"));
    assert!(line.contains("WARN") && line.contains(" ui:"), "{line}");
    assert!(line.contains(r"ui-error-marker\nforged line"), "{line}");
    assert!(line.ends_with("[cut]"), "{line}");
    assert!(line.len() < 2200, "{} bytes", line.len());
}

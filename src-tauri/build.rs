// The app's own commands, declared in its ACL manifest: Tauri then generates an `allow-<command>`
// permission for each and refuses any command a capability does not grant
// (capabilities/default.json grants the UI exactly these). Keep this list equal to the
// `generate_handler!` list in src/lib.rs; a test (src/tests.rs) checks both against the
// capability file.
const COMMANDS: &[&str] = &[
    "app_info",
    "list_appointments",
    "find_appointment",
    "list_lockers",
    "request_pin",
    "cancel_pin",
    "simulate_door",
    "recent_events",
    "connection_status",
    "get_settings",
    "save_settings",
    "unlock_admin",
    "lock_admin",
    "quit_app",
    "log_ui_error",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script reports by failing the build.
        panic!("tauri-build failed: {e:#}");
    }
}

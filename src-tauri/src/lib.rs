//! The Tauri shell: window, commands and events over `kiosk_core`. No kiosk logic lives here.

mod commands;
mod events;
pub mod logging;
mod settings;

use std::sync::Arc;

use clap::Parser;
use kiosk_core::{Kiosk, KioskConfig, LaunchOptions};
use tauri::{Builder, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

/// Builds the app around an already parsed command line; tests pass `tauri::test::mock_builder()`.
pub fn build_app<R: Runtime>(builder: Builder<R>, launch: LaunchOptions) -> Builder<R> {
    builder
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_appointments,
            commands::find_appointment,
            commands::list_lockers,
            commands::request_pin,
            commands::cancel_pin,
            commands::simulate_door,
            commands::recent_events,
            commands::connection_status,
            commands::get_settings,
            commands::save_settings,
            commands::unlock_admin,
            commands::lock_admin,
            commands::quit_app,
            commands::log_ui_error,
        ])
        .setup(move |app| {
            let config = KioskConfig {
                launch: launch.clone(),
                storage: settings::storage(app.handle()),
                ..KioskConfig::default()
            };
            let sink = Arc::new(events::TauriSink(app.handle().clone()));
            let kiosk = match tauri::async_runtime::block_on(Kiosk::start(config, sink)) {
                Ok(k) => k,
                Err(e) => {
                    // Only the embedded emulator failing to bind gets here: say so and stop.
                    // The error is a code (the UI words codes); an administrator reads English.
                    eprintln!(
                        "acses-kiosk: cannot start the embedded demo emulator ({e}); see the log"
                    );
                    std::process::exit(1);
                }
            };
            let kiosk_mode = kiosk.app_info().kiosk;
            app.manage(kiosk);
            open_window(app.handle(), kiosk_mode)?;
            Ok(())
        })
        .on_window_event(|window, event| {
            // A kiosk is left only through the admin screen (quit_app), not Alt+F4.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if let Some(kiosk) = window.try_state::<Kiosk>() {
                    if !kiosk.may_quit() {
                        api.prevent_close();
                    }
                }
            }
        })
}

/// Kiosk: fullscreen without decorations. Desktop: a normal window.
fn open_window<R: Runtime>(app: &tauri::AppHandle<R>, kiosk: bool) -> tauri::Result<()> {
    let window = WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
        .title("ACSES Kiosk")
        .inner_size(1280.0, 800.0)
        // Small enough for a 600x1024 portrait panel.
        .min_inner_size(600.0, 560.0)
        .fullscreen(kiosk)
        .decorations(!kiosk)
        // No remote content: the web view never leaves the app's own pages (a link, a redirect
        // or an injected script cannot take the kiosk to another site).
        .on_navigation(allowed_navigation)
        .build()?;
    if kiosk {
        // Some X11/Wayland set-ups ignore fullscreen at creation (tauri#3738): ask again.
        window.set_fullscreen(true)?;
    }
    Ok(())
}

/// The app's own pages only: `tauri://localhost` (Linux, macOS) or `http(s)://tauri.localhost`
/// (Windows).
pub(crate) fn allowed_navigation(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

pub fn run() {
    // Parsed before anything else so `--help` and `--version` work without a display.
    let launch = LaunchOptions::parse();
    // Before any thread starts (the logger's is the first): the environment is not thread-safe.
    let compositing = kiosk_core::render::detect();
    if let Some((key, value)) = compositing.env() {
        std::env::set_var(key, value);
    }
    let log_dir = logging::init();
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        log_dir = ?log_dir,
        ?compositing,
        "acses-kiosk starting"
    );
    // A second start (a double-clicked icon, an autostart racing a manual start) brings the
    // running kiosk to the front instead of opening a second one. Without a D-Bus session the
    // plugin lets every instance start. Registered first, as the plugin requires; not in
    // build_app because the mock runtime has no app identifier to claim.
    let single = tauri_plugin_single_instance::init(|app, _args, _cwd| {
        if let Some(w) = app.get_webview_window("main") {
            let _ = w.unminimize();
            let _ = w.set_focus();
        }
    });
    let app = build_app(Builder::default().plugin(single), launch)
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("acses-kiosk: cannot start: {e}");
            std::process::exit(1);
        });
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            if let Some(kiosk) = handle.try_state::<Kiosk>() {
                tauri::async_runtime::block_on(kiosk.shutdown());
            }
        }
    });
}

#[cfg(test)]
mod tests;

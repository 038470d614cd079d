//! The IPC commands of docs/ipc.md: each is a line or two over `kiosk_core::Kiosk`.

use kiosk_core::{
    AppInfo, AppointmentView, Connection, DoorEvent, Kiosk, KioskError, LockerView, PinRequest,
    PinTicket, SettingsInput, SettingsView,
};
use tauri::{AppHandle, Runtime, State};

type Result<T> = std::result::Result<T, KioskError>;

#[tauri::command]
pub fn app_info(kiosk: State<'_, Kiosk>) -> AppInfo {
    kiosk.app_info()
}

#[tauri::command]
pub async fn list_appointments(kiosk: State<'_, Kiosk>) -> Result<Vec<AppointmentView>> {
    kiosk.list_appointments().await
}

#[tauri::command]
pub async fn find_appointment(kiosk: State<'_, Kiosk>, id: u64) -> Result<AppointmentView> {
    kiosk.find_appointment(id).await
}

#[tauri::command]
pub async fn list_lockers(kiosk: State<'_, Kiosk>) -> Result<Vec<LockerView>> {
    kiosk.list_lockers().await
}

#[tauri::command]
pub async fn request_pin(kiosk: State<'_, Kiosk>, request: PinRequest) -> Result<PinTicket> {
    kiosk.request_pin(request).await
}

#[tauri::command]
pub fn cancel_pin(kiosk: State<'_, Kiosk>) {
    kiosk.cancel_pin()
}

#[tauri::command]
pub async fn simulate_door(kiosk: State<'_, Kiosk>) -> Result<()> {
    kiosk.simulate_door().await
}

#[tauri::command]
pub fn recent_events(kiosk: State<'_, Kiosk>, limit: Option<usize>) -> Vec<DoorEvent> {
    kiosk.recent_events(limit)
}

#[tauri::command]
pub fn connection_status(kiosk: State<'_, Kiosk>) -> Connection {
    kiosk.connection()
}

#[tauri::command]
pub fn get_settings(kiosk: State<'_, Kiosk>) -> SettingsView {
    kiosk.get_settings()
}

#[tauri::command]
pub async fn save_settings(
    kiosk: State<'_, Kiosk>,
    settings: SettingsInput,
) -> Result<SettingsView> {
    kiosk.save_settings(settings).await
}

#[tauri::command]
pub async fn unlock_admin(kiosk: State<'_, Kiosk>, pin: String) -> Result<bool> {
    Ok(kiosk.unlock_admin(&pin).await)
}

#[tauri::command]
pub fn lock_admin(kiosk: State<'_, Kiosk>) {
    kiosk.lock_admin()
}

#[tauri::command]
pub fn quit_app<R: Runtime>(app: AppHandle<R>, kiosk: State<'_, Kiosk>) -> Result<()> {
    kiosk.check_quit()?;
    app.exit(0);
    Ok(())
}

/// The longest UI error message that reaches the log, in bytes; the rest is cut.
const UI_ERROR_MAX_BYTES: usize = 2000;

/// An error the UI met (uncaught errors, failed handlers): on a kiosk nobody reads the web
/// view's console, so it goes to the app's log. The UI rate-limits; this caps the length.
#[tauri::command]
pub fn log_ui_error(message: String) {
    let mut end = message.len().min(UI_ERROR_MAX_BYTES);
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    let cut = if end < message.len() { " [cut]" } else { "" };
    // Debug formatting: a stack's line breaks stay on one log line, so no message can forge
    // a line of its own.
    tracing::warn!(target: "ui", "UI error: {:?}{cut}", &message[..end]);
}

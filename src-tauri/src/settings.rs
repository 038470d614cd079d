//! Where the kiosk keeps its files: the app data directory, which the shell hands to the core.
//! The core owns what is in it (`settings.json`, the door watcher's state): see
//! `kiosk_core::persist` for why the settings file is written atomically, and why it replaced
//! tauri-plugin-store. The UI never reads the file: only the commands choose what to show (never
//! the token).

use kiosk_core::Storage;
use tauri::{AppHandle, Manager, Runtime};

/// The app data directory, if the platform has one; without it nothing can be kept, and a save
/// says so.
pub fn storage<R: Runtime>(app: &AppHandle<R>) -> Storage {
    match app.path().app_data_dir() {
        Ok(dir) => Storage::Dir(dir),
        Err(e) => {
            tracing::warn!("no app data directory; settings will not be kept: {e}");
            Storage::Unavailable
        }
    }
}

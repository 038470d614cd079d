//! The settings file in the app data directory (`<data dir>/settings.json`), through
//! `kiosk_core::persist::SettingsFile`: written atomically (temporary file, fsync, rename), so a
//! crash or power cut mid-save leaves the old settings or the new ones, never half a file; an
//! unreadable file is reported in the log, kept aside as `settings.json.corrupt`, and replaced by
//! the defaults.
//!
//! This replaced tauri-plugin-store (2.5), whose `save` is a plain `fs::write` (truncate, then
//! write: a crash in between leaves an empty or cut file), which also saves every store again
//! on exit the same way, and which ignores a file it cannot parse without saying so. The file
//! layout is the same (`{"settings": {...}, "apiToken": "..."}`), so existing kiosks keep their
//! settings. The UI never reads the file: only the commands choose what to show (never the token).

use std::path::PathBuf;

use kiosk_core::persist::SettingsFile;
use kiosk_core::Settings;
use secrecy::SecretString;
use tauri::{AppHandle, Manager, Runtime};

const STORE_FILE: &str = "settings.json";

/// The app data directory (settings, the door watcher's state), if the platform has one.
pub fn data_dir<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    match app.path().app_data_dir() {
        Ok(dir) => Some(dir),
        Err(e) => {
            tracing::warn!("no app data directory; settings will not be kept: {e}");
            None
        }
    }
}

/// Loads the stored settings and keeps the file handle for [`save`]. A missing file gives the
/// defaults; a corrupt one is reported and replaced by the defaults rather than stopping the
/// kiosk.
pub fn load<R: Runtime>(app: &AppHandle<R>) -> (Settings, Option<SecretString>) {
    let Some(dir) = data_dir(app) else {
        return (Settings::default(), None);
    };
    let file = SettingsFile::new(dir.join(STORE_FILE));
    let loaded = file.load();
    if let Some(problem) = &loaded.problem {
        tracing::warn!(file = %file.path().display(), "settings: {problem}");
    }
    app.manage(file);
    (loaded.settings, loaded.token)
}

/// Saves settings (and a new token when given) atomically.
pub fn save<R: Runtime>(
    app: &AppHandle<R>,
    settings: &Settings,
    new_token: Option<&SecretString>,
) -> Result<(), String> {
    let file = app
        .try_state::<SettingsFile>()
        .ok_or_else(|| "no settings file (no app data directory)".to_owned())?;
    file.save(settings, new_token).map_err(|e| e.to_string())
}

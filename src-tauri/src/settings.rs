//! tauri-plugin-store adapter: one typed struct per key, read back with `serde_json::from_value`.
//! The UI has no store permission (capabilities/default.json), so nothing here reaches the
//! webview except through the commands that choose what to show (never the token).

use kiosk_core::Settings;
use secrecy::{ExposeSecret, SecretString};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

const STORE_FILE: &str = "settings.json";
const KEY_SETTINGS: &str = "settings";
const KEY_TOKEN: &str = "apiToken";

/// Loads the stored settings. A missing store gives the defaults; a corrupt value is reported
/// in the log and replaced by the defaults rather than stopping the kiosk.
pub fn load<R: Runtime>(app: &AppHandle<R>) -> (Settings, Option<SecretString>) {
    let store = match app.store(STORE_FILE) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("settings store unreadable, using defaults: {e}");
            return (Settings::default(), None);
        }
    };
    let settings = match store.get(KEY_SETTINGS) {
        None => Settings::default(),
        Some(v) => serde_json::from_value(v).unwrap_or_else(|e| {
            tracing::warn!("stored settings are corrupt, using defaults: {e}");
            Settings::default()
        }),
    };
    let token = store
        .get(KEY_TOKEN)
        .and_then(|v| v.as_str().map(str::to_owned))
        .filter(|t| !t.is_empty())
        .map(SecretString::from);
    (settings, token)
}

/// Saves settings (and a new token when given) and flushes the store to disk.
pub fn save<R: Runtime>(
    app: &AppHandle<R>,
    settings: &Settings,
    new_token: Option<&SecretString>,
) -> Result<(), String> {
    let store = app.store(STORE_FILE).map_err(|e| e.to_string())?;
    let value = serde_json::to_value(settings).map_err(|e| e.to_string())?;
    store.set(KEY_SETTINGS, value);
    if let Some(t) = new_token {
        store.set(KEY_TOKEN, t.expose_secret());
    }
    store.save().map_err(|e| e.to_string())
}

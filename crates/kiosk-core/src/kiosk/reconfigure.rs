//! Changing the settings: validate the whole input, apply it (hot-swapping the backend when the
//! URL, token or location changed), and write it to the settings file.

use std::sync::Arc;
use std::time::Duration;

use crate::error::{ErrorKind, KioskError};
use crate::settings::{SettingsError, SettingsInput, SettingsView};
use crate::text;

use super::admin;
use super::backend::Backend;
use super::config::Keeping;
use super::state::{lock, Core};

/// `get_settings`: the stored settings (what the settings screen edits).
pub(super) fn view(core: &Core) -> SettingsView {
    let s = lock(&core.state);
    s.stored.view(s.token.is_some())
}

/// `save_settings`: nothing changes when a field is wrong. Settings that are applied but cannot
/// be written stay in force for this run, and the caller hears so.
pub(super) async fn save(core: &Core, input: SettingsInput) -> Result<SettingsView, KioskError> {
    if !admin::is_open(core) {
        return Err(KioskError::not_allowed(text::ADMIN_LOCKED));
    }
    let _one_at_a_time = core.reconfiguring.lock().await;
    let (stored, old_effective, old_token) = {
        let s = lock(&core.state);
        (s.stored.clone(), s.effective.clone(), s.token.clone())
    };
    let applied = {
        let input = input.clone();
        tokio::task::spawn_blocking(move || stored.apply(&input))
            .await
            .map_err(|_| KioskError::internal())??
    };
    let new_token = input.new_token();
    let effective = core.launch.merge(&applied)?;
    // A kiosk must not stay open to whoever walks up: its first save sets the admin PIN.
    if effective.kiosk_mode && applied.admin_pin_hash.is_none() {
        return Err(SettingsError {
            field: "adminPin",
            code: text::ADMIN_PIN_REQUIRED,
        }
        .into());
    }
    // A flag token (--token / ACSES_TOKEN) keeps winning for this run.
    let token = core.launch.token(new_token.clone().or(old_token));

    let reconnect = new_token.is_some()
        || effective.api_base_url != old_effective.api_base_url
        || effective.location_id != old_effective.location_id;
    if reconnect {
        let backend = Backend::build(
            &effective,
            token.clone(),
            core.launch.emulator_addr,
            &core.tuning,
            core.data_dir.as_deref(),
            Arc::clone(&core.sink),
        )
        .await?;
        core.swap_backend(backend).shutdown().await;
    } else if let Some(w) = &core.backend().watcher {
        w.set_intervals(
            Duration::from_millis(effective.active_poll_ms),
            Duration::from_millis(effective.idle_poll_ms),
        );
    }
    let view = {
        let mut s = lock(&core.state);
        s.stored = applied.clone();
        s.effective = effective;
        s.token = token;
        s.stored.view(s.token.is_some())
    };
    match &core.settings_file {
        // The stored settings (launch flags are not in them) and a new token under its own key.
        Keeping::File(file) => {
            if let Err(e) = file.save(&applied, new_token.as_ref()) {
                tracing::error!("settings could not be written: {e}");
                return Err(KioskError::new(ErrorKind::Internal, text::SAVE_FAILED));
            }
        }
        Keeping::Memory => {}
        Keeping::Nowhere => {
            tracing::error!("settings could not be written: no app data directory");
            return Err(KioskError::new(ErrorKind::Internal, text::SAVE_FAILED));
        }
    }
    Ok(view)
}

//! Starting the kiosk: the stored settings, the launch flags over them, and the first backend.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, RwLock};

use crate::error::KioskError;
use crate::sink::EventSink;

use super::backend::Backend;
use super::config::KioskConfig;
use super::state::{Core, State};

/// Never fails on bad settings: a kiosk whose URL or token is wrong still starts (showing why in
/// its connection state) so an administrator can fix the settings on it. Fails only when the
/// embedded emulator cannot bind a local port.
pub(super) async fn start(
    config: KioskConfig,
    sink: Arc<dyn EventSink>,
) -> Result<Core, KioskError> {
    let KioskConfig {
        mut launch,
        tuning,
        storage,
    } = config;
    let stored = storage.open();
    let effective = match launch.merge(&stored.settings) {
        Ok(s) => s,
        Err(e) => {
            // Starting with the stored settings beats not starting: the kiosk shows its state.
            tracing::warn!(
                field = e.field,
                "ignoring the command-line options: {}",
                e.code
            );
            // Forgotten for the whole run, or every later settings save would meet the same
            // refusal (flags are merged over each save).
            launch.base_url = None;
            launch.location = None;
            launch
                .merge(&stored.settings)
                .unwrap_or_else(|_| stored.settings.clone())
        }
    };
    let token = launch.token(stored.token.clone());
    let backend = Backend::build(
        &effective,
        token.clone(),
        launch.emulator_addr,
        &tuning,
        stored.data_dir.as_deref(),
        Arc::clone(&sink),
    )
    .await?;
    Ok(Core {
        backend: RwLock::new(Arc::new(backend)),
        state: Mutex::new(State {
            stored: stored.settings,
            effective,
            token,
            admin_unlocked: false,
        }),
        launch,
        sink,
        in_flight: Mutex::new(HashSet::new()),
        tuning,
        data_dir: stored.data_dir,
        settings_file: stored.file,
        reconfiguring: tokio::sync::Mutex::new(()),
    })
}

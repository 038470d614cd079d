//! What the kiosk talks to, built from the settings in force. Without an API base URL (or with
//! `--demo`) that is an embedded emulator with demo data on 127.0.0.1 and a random token ("demo"
//! mode); otherwise the configured service ("live" mode). Rebuilt when the URL, token or location
//! change.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use acses_api::{Client, ClientConfig, DealerLocationId, RetryPolicy};
use acses_emulator::{EmulatorConfig, RunningEmulator, World};
use secrecy::{ExposeSecret, SecretString};

use crate::appointments::{AppointmentSource, ClaireAppointments, ManualEntry, WithManualFallback};
use crate::error::{ErrorKind, KioskError};
use crate::payload::{Connection, ConnectionState, Mode};
use crate::settings::Settings;
use crate::sink::EventSink;
use crate::text;
use crate::watch_state::FileSeenStore;
use crate::watcher::{DoorWatcher, HistorySource, WatcherConfig, WatcherHandle};

use super::config::{Tuning, WATCHER_STATE_FILE};

/// Everything that depends on where the API is: rebuilt when the URL, token or location change.
pub(super) struct Backend {
    pub mode: Mode,
    /// The client for user actions (retries what is safe to retry).
    pub client: Result<Client, KioskError>,
    pub api_base: String,
    pub location: DealerLocationId,
    pub location_name: Option<String>,
    pub watcher: Option<WatcherHandle>,
    pub appointments: Arc<dyn AppointmentSource>,
    /// Kept alive for as long as the kiosk talks to it.
    pub emulator: Mutex<Option<RunningEmulator>>,
}

impl Backend {
    pub(super) async fn build(
        settings: &Settings,
        token: Option<SecretString>,
        emulator_addr: Option<std::net::SocketAddr>,
        tuning: &Tuning,
        data_dir: Option<&std::path::Path>,
        sink: Arc<dyn EventSink>,
    ) -> Result<Backend, KioskError> {
        let location = DealerLocationId(settings.location_id);
        let (mode, api_base, token, emulator, location_name) = match &settings.api_base_url {
            None => {
                // A token given for this run lets tools (and the end-to-end tests) talk to the
                // same emulator; otherwise a fresh random one keeps other local users out.
                let config = match token
                    .as_ref()
                    .map(|t| t.expose_secret().trim())
                    .filter(|t| !t.is_empty())
                {
                    Some(t) => EmulatorConfig {
                        token: t.to_owned(),
                        ..EmulatorConfig::default()
                    },
                    None => EmulatorConfig::with_generated_token(),
                };
                let addr = emulator_addr
                    .unwrap_or_else(|| std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
                let emulator = acses_emulator::spawn(config, World::demo(), addr)
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "cannot start the embedded emulator");
                        KioskError::internal()
                    })?;
                let name = emulator
                    .state()
                    .snapshot()
                    .location(settings.location_id)
                    .map(|l| l.name.clone());
                let token = SecretString::from(emulator.token().to_owned());
                (
                    Mode::Demo,
                    emulator.base_url(),
                    Some(token),
                    Some(emulator),
                    name,
                )
            }
            Some(url) => (Mode::Live, url.clone(), token, None, None),
        };

        let clients = match token
            .as_ref()
            .filter(|t| !t.expose_secret().trim().is_empty())
        {
            None => Err(KioskError::new(ErrorKind::Unauthorized, text::NO_TOKEN)),
            Some(token) => {
                let config = ClientConfig::new(api_base.clone(), token.clone())
                    .with_timeout(tuning.request_timeout)
                    .with_connect_timeout(tuning.connect_timeout)
                    .with_max_body_bytes(tuning.max_body_bytes);
                // The watcher has its own backoff: its client must not retry on top of it.
                let poll_config = config.clone().with_retry(RetryPolicy::none());
                match (Client::new(config), Client::new(poll_config)) {
                    (Ok(a), Ok(b)) => Ok((a, b)),
                    (Err(e), _) | (_, Err(e)) => Err(KioskError::from(e)),
                }
            }
        };

        let (client, watcher, appointments): (_, _, Arc<dyn AppointmentSource>) = match clients {
            Ok((client, poll_client)) => {
                let source: Arc<dyn HistorySource> = Arc::new(poll_client);
                let mut config = WatcherConfig::new(
                    location,
                    Duration::from_millis(settings.active_poll_ms),
                    Duration::from_millis(settings.idle_poll_ms),
                );
                config.backoff = tuning.backoff;
                // Only a live service's history is worth remembering: the demo emulator starts
                // with a new world (and reuses event ids) at every start.
                if let (Mode::Live, Some(dir)) = (mode, data_dir) {
                    let identity = format!("{api_base}|{}", location.0);
                    let store = FileSeenStore::new(dir.join(WATCHER_STATE_FILE), identity);
                    config.store = Some(Arc::new(store));
                }
                let watcher = DoorWatcher::spawn(source, config, Arc::clone(&sink));
                let claire = Arc::new(ClaireAppointments::new(client.clone(), location));
                (
                    Ok(client),
                    Some(watcher),
                    Arc::new(WithManualFallback::new(claire)),
                )
            }
            Err(e) => {
                tracing::warn!(kind = ?e.kind, "no usable API client; the kiosk waits for settings");
                sink.connection(&Connection {
                    state: ConnectionState::Unauthorized,
                    code: Some(e.code.to_owned()),
                    last_ok_at: None,
                    latency_ms: None,
                });
                (Err(e), None, Arc::new(ManualEntry))
            }
        };
        tracing::info!(?mode, location = location.0, "kiosk backend ready");
        Ok(Backend {
            mode,
            client,
            api_base,
            location,
            location_name,
            watcher,
            appointments,
            emulator: Mutex::new(emulator),
        })
    }

    pub(super) async fn shutdown(&self) {
        if let Some(w) = &self.watcher {
            w.shutdown().await;
        }
        let emulator = self.emulator.lock().ok().and_then(|mut e| e.take());
        if let Some(e) = emulator {
            if let Err(err) = e.shutdown().await {
                tracing::warn!(error = %err, "embedded emulator did not stop cleanly");
            }
        }
    }
}

//! `Kiosk`: the facade the Tauri shell calls, one method per IPC command (docs/ipc.md).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use acses_api::{
    AppointmentId, AppointmentNoteId, DropBackRequest, LockerSystemId, ObjectStatus, Pin,
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::appointments::AppointmentView;
use crate::error::{ErrorKind, KioskError};
use crate::language::Language;
use crate::launch::LaunchOptions;
use crate::pin::{PinAction, PinRequest, PinTicket};
use crate::qr::pin_qr_svg;
use crate::runtime::{Backend, Startup};
use crate::settings::{validate_locker_id, Settings, SettingsInput, SettingsView};
use crate::sink::{Connection, ConnectionState, DoorEvent, EventSink};
use crate::text;
use crate::watcher::WatchedPin;

/// Demo: the embedded emulator. Live: a configured service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Demo,
    Live,
}

/// `app_info` (docs/ipc.md `AppInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub mode: Mode,
    pub kiosk: bool,
    pub dev: bool,
    pub simulate_available: bool,
    pub location_id: u64,
    pub location_name: Option<String>,
    pub api_base: String,
    pub idle_reset_seconds: u32,
    pub pin_timeout_seconds: u32,
    pub language: Language,
}

/// `list_lockers` (docs/ipc.md `Locker`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockerView {
    pub id: String,
    pub name: String,
    pub active: bool,
}

/// What `save_settings` hands back to the shell: the view for the UI, and what to persist.
#[derive(Debug, Clone)]
pub struct SavedSettings {
    pub view: SettingsView,
    /// The stored settings to write (launch flags are not in them).
    pub settings: Settings,
    /// A new token to write under its own key, when one was entered.
    pub token: Option<SecretString>,
}

/// Default and maximum of `recent_events(limit)`.
pub const RECENT_DEFAULT: usize = 50;
pub const RECENT_MAX: usize = 200;

struct State {
    stored: Settings,
    effective: Settings,
    /// The token in force (flag, else stored).
    token: Option<SecretString>,
    admin_unlocked: bool,
}

struct Inner {
    backend: RwLock<Arc<Backend>>,
    state: Mutex<State>,
    launch: LaunchOptions,
    sink: Arc<dyn EventSink>,
    in_flight: Mutex<HashSet<PinAction>>,
    tuning: crate::runtime::Tuning,
    data_dir: Option<std::path::PathBuf>,
    /// One settings change at a time (a rebuild spawns and stops servers).
    reconfiguring: tokio::sync::Mutex<()>,
}

/// The kiosk. Cheap to clone; build it with [`crate::runtime::start`].
#[derive(Clone)]
pub struct Kiosk {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Kiosk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kiosk")
            .field("mode", &self.backend().mode)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn now_rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Marks an action as in flight; dropping it (also on error or cancellation) frees the action.
struct InFlight<'a> {
    set: &'a Mutex<HashSet<PinAction>>,
    action: PinAction,
}

impl<'a> InFlight<'a> {
    fn take(set: &'a Mutex<HashSet<PinAction>>, action: PinAction) -> Result<Self, KioskError> {
        if !lock(set).insert(action) {
            return Err(KioskError::busy());
        }
        Ok(Self { set, action })
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        lock(self.set).remove(&self.action);
    }
}

impl Kiosk {
    pub(crate) fn new(
        startup: Startup,
        effective: Settings,
        token: Option<SecretString>,
        backend: Backend,
        sink: Arc<dyn EventSink>,
    ) -> Self {
        Kiosk {
            inner: Arc::new(Inner {
                backend: RwLock::new(Arc::new(backend)),
                state: Mutex::new(State {
                    stored: startup.stored,
                    effective,
                    token,
                    admin_unlocked: false,
                }),
                launch: startup.launch,
                tuning: startup.tuning,
                data_dir: startup.data_dir,
                sink,
                in_flight: Mutex::new(HashSet::new()),
                reconfiguring: tokio::sync::Mutex::new(()),
            }),
        }
    }

    fn backend(&self) -> Arc<Backend> {
        Arc::clone(&self.inner.backend.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn effective(&self) -> Settings {
        lock(&self.inner.state).effective.clone()
    }

    fn client(&self) -> Result<(Arc<Backend>, acses_api::Client), KioskError> {
        let b = self.backend();
        let client = b.client.clone()?;
        Ok((b, client))
    }

    /// `app_info`.
    pub fn app_info(&self) -> AppInfo {
        let b = self.backend();
        let s = self.effective();
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            mode: b.mode,
            kiosk: s.kiosk_mode,
            dev: s.dev_mode,
            simulate_available: b.mode == Mode::Demo || s.dev_mode,
            location_id: b.location.0,
            location_name: b.location_name.clone(),
            api_base: b.api_base.clone(),
            idle_reset_seconds: s.idle_reset_seconds,
            pin_timeout_seconds: s.pin_timeout_seconds,
            language: s.language,
        }
    }

    /// `list_appointments`: today's, sorted by time.
    pub async fn list_appointments(&self) -> Result<Vec<AppointmentView>, KioskError> {
        let source = Arc::clone(&self.backend().appointments);
        source.list_today().await
    }

    /// `find_appointment`: for a number the source does not know, the number alone.
    pub async fn find_appointment(&self, id: u64) -> Result<AppointmentView, KioskError> {
        if id == 0 {
            return Err(KioskError::invalid_input(text::INVALID_APPOINTMENT));
        }
        let source = Arc::clone(&self.backend().appointments);
        source.find(id).await
    }

    /// `list_lockers`: the active lockers of the location.
    pub async fn list_lockers(&self) -> Result<Vec<LockerView>, KioskError> {
        let (b, client) = self.client()?;
        let lockers = client.list_available_lockers(b.location).await?;
        Ok(lockers
            .into_iter()
            .filter(|l| l.active && !l.id.is_empty())
            .map(|l| LockerView {
                name: if l.name.trim().is_empty() {
                    l.id.0.clone()
                } else {
                    l.name.trim().to_owned()
                },
                id: l.id.0,
                active: l.active,
            })
            .collect())
    }

    /// The locker to use when none was chosen: the default one, else the location's only active
    /// locker.
    async fn pick_locker(&self) -> Result<String, KioskError> {
        if let Some(id) = self.effective().default_locker_id {
            return Ok(id);
        }
        let lockers = self.list_lockers().await?;
        match lockers.as_slice() {
            [only] => Ok(only.id.clone()),
            [] => Err(KioskError::new(ErrorKind::NotFound, text::NO_LOCKER)),
            _ => Err(KioskError::invalid_input(text::SEVERAL_LOCKERS)),
        }
    }

    /// `request_pin`: asks the service for a PIN and, when one comes, renders its QR code and
    /// starts watching the doors for it. One request per action at a time (`busy` otherwise).
    pub async fn request_pin(&self, request: PinRequest) -> Result<PinTicket, KioskError> {
        if request.appointment_id == 0 {
            return Err(KioskError::invalid_input(text::INVALID_APPOINTMENT));
        }
        if request.note_id == Some(0) {
            return Err(KioskError::invalid_input(text::INVALID_NOTE));
        }
        let locker_id = match request
            .locker_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(raw) => Some(
                validate_locker_id(raw)
                    .ok_or_else(|| KioskError::invalid_input(text::INVALID_LOCKER))?,
            ),
        };
        let _guard = InFlight::take(&self.inner.in_flight, request.action)?;
        let (b, client) = self.client()?;
        let appointment = AppointmentId(request.appointment_id);

        let (pin, locker_id) = match request.action {
            PinAction::Pickup => (client.pickup(appointment).await?, locker_id),
            PinAction::AssistPickup => (client.assist_pickup(appointment).await?, locker_id),
            PinAction::DropBack => {
                let locker = match locker_id {
                    Some(id) => id,
                    None => self.pick_locker().await?,
                };
                let body = DropBackRequest {
                    locker_system_id: LockerSystemId(locker.clone()),
                    appointment_id: appointment,
                    appointment_note_id: request.note_id.map(AppointmentNoteId),
                };
                (client.drop_back(&body).await?, Some(locker))
            }
        };

        let now = OffsetDateTime::now_utc();
        let issued_at = now_rfc3339(now);
        let Some(pin) = pin else {
            tracing::info!(action = ?request.action, appointment = appointment.0, "the service issued no PIN");
            if let Some(w) = &b.watcher {
                w.clear_pin();
            }
            return Ok(PinTicket {
                action: request.action,
                appointment_id: request.appointment_id,
                locker_id,
                pin: None,
                qr_svg: None,
                issued_at,
                expires_at: None,
                no_pin_reason: Some(text::no_pin_reason(request.action).to_owned()),
            });
        };

        let timeout = Duration::from_secs(u64::from(self.effective().pin_timeout_seconds));
        let expires_at = (timeout > Duration::ZERO).then(|| now_rfc3339(now + timeout));
        let qr_svg = match pin_qr_svg(pin.as_str()) {
            Ok(svg) => Some(svg),
            Err(_) => {
                // The PIN is still shown as digits; only the QR is missing.
                tracing::warn!(
                    len = pin.as_str().len(),
                    "the PIN cannot be drawn as a QR code"
                );
                None
            }
        };
        if let Some(w) = &b.watcher {
            w.watch_pin(WatchedPin {
                pin: pin.clone(),
                action: request.action,
                appointment_id: request.appointment_id,
                locker: locker_id.clone(),
                issued_at: issued_at.clone(),
                expires_at: expires_at.clone(),
                deadline: (timeout > Duration::ZERO).then(|| Instant::now() + timeout),
            });
        }
        tracing::info!(action = ?request.action, appointment = appointment.0, "PIN issued");
        Ok(PinTicket {
            action: request.action,
            appointment_id: request.appointment_id,
            locker_id,
            pin: Some(pin.into_string()),
            qr_svg,
            issued_at,
            expires_at,
            no_pin_reason: None,
        })
    }

    /// `cancel_pin`: stop watching the PIN on screen.
    pub fn cancel_pin(&self) {
        if let Some(w) = &self.backend().watcher {
            w.clear_pin();
        }
    }

    /// `simulate_door` (demo and developer mode only): opens the door for the PIN on screen through
    /// the API's simulate endpoint, `checkout` for a pickup, `dropoff` for a drop back.
    pub async fn simulate_door(&self) -> Result<(), KioskError> {
        let b = self.backend();
        if !(b.mode == Mode::Demo || self.effective().dev_mode) {
            return Err(KioskError::not_allowed(text::SIMULATE_NOT_ALLOWED));
        }
        let (b, client) = self.client()?;
        let watcher = b
            .watcher
            .as_ref()
            .ok_or_else(|| KioskError::not_allowed(text::NO_PIN_TO_SIMULATE))?;
        let watched = watcher
            .watched_pin()
            .ok_or_else(|| KioskError::not_allowed(text::NO_PIN_TO_SIMULATE))?;
        let locker = match &watched.locker {
            Some(l) => l.clone(),
            None => self.pick_locker().await?,
        };
        let action = match watched.action {
            PinAction::Pickup | PinAction::AssistPickup => ObjectStatus::Checkout,
            PinAction::DropBack => ObjectStatus::Dropoff,
        };
        client
            .simulate(
                b.location,
                &LockerSystemId(locker),
                watched.pin.as_str(),
                action,
            )
            .await?;
        // Show the door event now rather than at the next tick.
        watcher.retry_now();
        Ok(())
    }

    /// The PIN being watched (for the shell's own bookkeeping; never log it).
    pub fn watched_pin(&self) -> Option<Pin> {
        self.backend()
            .watcher
            .as_ref()?
            .watched_pin()
            .map(|w| w.pin)
    }

    /// `recent_events`, newest first (default 50, at most 200).
    pub fn recent_events(&self, limit: Option<usize>) -> Vec<DoorEvent> {
        let limit = limit.unwrap_or(RECENT_DEFAULT).min(RECENT_MAX);
        match &self.backend().watcher {
            Some(w) => w.recent_events(limit),
            None => Vec::new(),
        }
    }

    /// `connection_status`.
    pub fn connection(&self) -> Connection {
        let b = self.backend();
        match (&b.watcher, &b.client) {
            (Some(w), _) => w.connection(),
            (None, Err(e)) => Connection {
                state: ConnectionState::Unauthorized,
                code: Some(e.code.to_owned()),
                last_ok_at: None,
                latency_ms: None,
            },
            (None, Ok(_)) => Connection::connecting(),
        }
    }

    /// Polls now (e.g. the UI's "retry" after a rejected token was fixed elsewhere).
    pub fn retry_connection(&self) {
        if let Some(w) = &self.backend().watcher {
            w.retry_now();
        }
    }

    /// `get_settings`: the stored settings (what the settings screen edits).
    pub fn get_settings(&self) -> SettingsView {
        let s = lock(&self.inner.state);
        s.stored.view(s.token.is_some())
    }

    /// The settings in force for this run (stored + launch flags).
    pub fn settings(&self) -> Settings {
        self.effective()
    }

    /// `unlock_admin`. With no admin PIN set there is nothing to unlock: always true.
    pub async fn unlock_admin(&self, pin: &str) -> bool {
        let stored = lock(&self.inner.state).stored.clone();
        // Only what could be an admin PIN is hashed: a megabyte typed into the box must not cost
        // a megabyte of Argon2.
        if stored.admin_pin_hash.is_some() && !crate::settings::is_admin_pin_shape(pin) {
            lock(&self.inner.state).admin_unlocked = false;
            return false;
        }
        let pin = pin.to_owned();
        // Argon2 takes tens of milliseconds on purpose: off the async threads.
        let ok = tokio::task::spawn_blocking(move || stored.verify_admin_pin(&pin))
            .await
            .unwrap_or(false);
        lock(&self.inner.state).admin_unlocked = ok;
        ok
    }

    /// Locks the admin functions again (the shell calls it when the settings screen closes or the
    /// kiosk returns to its welcome screen).
    pub fn lock_admin(&self) {
        lock(&self.inner.state).admin_unlocked = false;
    }

    /// Whether admin functions (settings) are open: unlocked, or no admin PIN set (a kiosk being
    /// set up; its first save must then set one, see `save_settings`).
    pub fn admin_open(&self) -> bool {
        let s = lock(&self.inner.state);
        s.admin_unlocked || s.stored.admin_pin_hash.is_none()
    }

    /// `quit_app` is allowed: always outside kiosk mode; in kiosk mode only once an admin PIN is
    /// set *and* entered. A kiosk without an admin PIN cannot be quit from its screen at all
    /// (curious hands at the counter could otherwise), only set up.
    pub fn may_quit(&self) -> bool {
        if !self.effective().kiosk_mode {
            return true;
        }
        let s = lock(&self.inner.state);
        s.admin_unlocked && s.stored.admin_pin_hash.is_some()
    }

    /// `save_settings`: validates the whole input (nothing changes when a field is wrong), applies
    /// it, and reconnects when the URL, token or location changed. The shell persists
    /// `settings` and, when present, `token`.
    pub async fn save_settings(&self, input: SettingsInput) -> Result<SavedSettings, KioskError> {
        if !self.admin_open() {
            return Err(KioskError::not_allowed(text::ADMIN_LOCKED));
        }
        let _one_at_a_time = self.inner.reconfiguring.lock().await;
        let (stored, old_effective, old_token) = {
            let s = lock(&self.inner.state);
            (s.stored.clone(), s.effective.clone(), s.token.clone())
        };
        let applied = {
            let input = input.clone();
            tokio::task::spawn_blocking(move || stored.apply(&input))
                .await
                .map_err(|_| KioskError::internal())??
        };
        let new_token = input.new_token();
        let effective = self.inner.launch.merge(&applied)?;
        // A kiosk must not stay open to whoever walks up: its first save sets the admin PIN.
        if effective.kiosk_mode && applied.admin_pin_hash.is_none() {
            return Err(crate::settings::SettingsError {
                field: "adminPin",
                code: text::ADMIN_PIN_REQUIRED,
            }
            .into());
        }
        // A flag token (--token / ACSES_TOKEN) keeps winning for this run.
        let token = self.inner.launch.token(new_token.clone().or(old_token));

        let reconnect = new_token.is_some()
            || effective.api_base_url != old_effective.api_base_url
            || effective.location_id != old_effective.location_id;
        if reconnect {
            let backend = Backend::build(
                &effective,
                token.clone(),
                self.inner.launch.emulator_addr,
                &self.inner.tuning,
                self.inner.data_dir.as_deref(),
                Arc::clone(&self.inner.sink),
            )
            .await?;
            let old = {
                let mut slot = self
                    .inner
                    .backend
                    .write()
                    .unwrap_or_else(|e| e.into_inner());
                std::mem::replace(&mut *slot, Arc::new(backend))
            };
            old.shutdown().await;
        } else if let Some(w) = &self.backend().watcher {
            w.set_intervals(
                Duration::from_millis(effective.active_poll_ms),
                Duration::from_millis(effective.idle_poll_ms),
            );
        }
        let view = {
            let mut s = lock(&self.inner.state);
            s.stored = applied.clone();
            s.effective = effective;
            s.token = token;
            s.stored.view(s.token.is_some())
        };
        Ok(SavedSettings {
            view,
            settings: applied,
            token: new_token,
        })
    }

    /// Stops polling and the embedded emulator.
    pub async fn shutdown(&self) {
        self.backend().shutdown().await;
    }

    /// The embedded emulator's state, in demo mode (tests and the dev tools use it).
    pub fn with_emulator<R>(
        &self,
        f: impl FnOnce(&acses_emulator::RunningEmulator) -> R,
    ) -> Option<R> {
        let b = self.backend();
        let guard = lock(&b.emulator);
        guard.as_ref().map(f)
    }
}

/// Tauri runs async commands on a multi-threaded runtime: every future the shell awaits must be
/// `Send`, and the kiosk itself `Send + Sync`. This only has to compile.
#[allow(dead_code)]
fn shell_requirements(k: &Kiosk, input: SettingsInput, request: PinRequest) {
    fn send<T: Send>(_: T) {}
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Kiosk>();
    send(k.list_appointments());
    send(k.find_appointment(1));
    send(k.list_lockers());
    send(k.request_pin(request));
    send(k.simulate_door());
    send(k.unlock_admin("1"));
    send(k.save_settings(input));
    send(k.shutdown());
    send(crate::runtime::start(
        Startup::default(),
        Arc::new(crate::sink::NullSink),
    ));
}

//! `Kiosk`: the facade the Tauri shell calls, one method per IPC command (docs/ipc.md). Each
//! method is a delegation to the module of its concern.

use std::sync::Arc;

use acses_api::Pin;

use crate::appointments::AppointmentView;
use crate::error::KioskError;
use crate::payload::{AppInfo, Connection, DoorEvent, LockerView, PinRequest, PinTicket};
use crate::settings::{Settings, SettingsInput, SettingsView};
use crate::sink::EventSink;

mod admin;
mod backend;
mod config;
mod lockers;
mod pins;
mod reconfigure;
mod simulate;
mod start;
mod state;
mod views;

pub use config::{KioskConfig, Storage, Tuning, SETTINGS_FILE, WATCHER_STATE_FILE};

/// The kiosk. Cheap to clone; build it with [`Kiosk::start`].
#[derive(Clone)]
pub struct Kiosk {
    core: Arc<state::Core>,
}

impl std::fmt::Debug for Kiosk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kiosk")
            .field("mode", &self.core.backend().mode)
            .finish_non_exhaustive()
    }
}

impl Kiosk {
    /// Reads the stored settings, puts the launch flags over them and connects. Never fails on
    /// bad settings: a kiosk whose URL or token is wrong still starts (showing why in its
    /// connection state) so an administrator can fix the settings on it. Fails only when the
    /// embedded emulator cannot bind a local port.
    pub async fn start(config: KioskConfig, sink: Arc<dyn EventSink>) -> Result<Kiosk, KioskError> {
        let core = start::start(config, sink).await?;
        Ok(Kiosk {
            core: Arc::new(core),
        })
    }

    /// `app_info`.
    pub fn app_info(&self) -> AppInfo {
        views::app_info(&self.core)
    }

    /// `list_appointments`: today's, sorted by time.
    pub async fn list_appointments(&self) -> Result<Vec<AppointmentView>, KioskError> {
        views::appointments(&self.core).await
    }

    /// `find_appointment`: for a number the source does not know, the number alone.
    pub async fn find_appointment(&self, id: u64) -> Result<AppointmentView, KioskError> {
        views::appointment(&self.core, id).await
    }

    /// `list_lockers`: the active lockers of the location.
    pub async fn list_lockers(&self) -> Result<Vec<LockerView>, KioskError> {
        lockers::list(&self.core).await
    }

    /// `request_pin`: one request per action at a time (`busy` otherwise).
    pub async fn request_pin(&self, request: PinRequest) -> Result<PinTicket, KioskError> {
        pins::request(&self.core, request).await
    }

    /// `cancel_pin`: stop watching the PIN on screen.
    pub fn cancel_pin(&self) {
        pins::cancel(&self.core)
    }

    /// The PIN being watched (never log it).
    pub fn watched_pin(&self) -> Option<Pin> {
        pins::watched(&self.core)
    }

    /// `simulate_door` (demo and developer mode only).
    pub async fn simulate_door(&self) -> Result<(), KioskError> {
        simulate::door(&self.core).await
    }

    /// `recent_events`, newest first (default 50, at most 200).
    pub fn recent_events(&self, limit: Option<usize>) -> Vec<DoorEvent> {
        views::recent_events(&self.core, limit)
    }

    /// `connection_status`.
    pub fn connection(&self) -> Connection {
        views::connection(&self.core)
    }

    /// Polls now (e.g. the UI's "retry" after a rejected token was fixed elsewhere).
    pub fn retry_connection(&self) {
        views::retry_connection(&self.core)
    }

    /// `get_settings`: the stored settings (what the settings screen edits).
    pub fn get_settings(&self) -> SettingsView {
        reconfigure::view(&self.core)
    }

    /// The settings in force for this run (stored + launch flags).
    pub fn settings(&self) -> Settings {
        self.core.effective()
    }

    /// `save_settings`: validates the whole input (nothing changes when a field is wrong),
    /// applies it, reconnects when the URL, token or location changed, and writes the settings
    /// file.
    pub async fn save_settings(&self, input: SettingsInput) -> Result<SettingsView, KioskError> {
        reconfigure::save(&self.core, input).await
    }

    /// `unlock_admin`. With no admin PIN set there is nothing to unlock: always true.
    pub async fn unlock_admin(&self, pin: &str) -> bool {
        admin::unlock(&self.core, pin).await
    }

    /// Locks the admin functions again (the settings screen closed, or the kiosk went back to
    /// its welcome screen).
    pub fn lock_admin(&self) {
        admin::relock(&self.core)
    }

    /// `quit_app` is allowed: always outside kiosk mode; in kiosk mode only once an admin PIN is
    /// set *and* entered.
    pub fn may_quit(&self) -> bool {
        admin::may_quit(&self.core)
    }

    /// `quit_app`: [`Kiosk::may_quit`], refused with `notAllowed` / `adminLocked` when not.
    pub fn check_quit(&self) -> Result<(), KioskError> {
        admin::check_quit(&self.core)
    }

    /// Stops polling and the embedded emulator.
    pub async fn shutdown(&self) {
        self.core.backend().shutdown().await;
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
    send(Kiosk::start(
        KioskConfig::default(),
        Arc::new(crate::sink::NullSink),
    ));
}

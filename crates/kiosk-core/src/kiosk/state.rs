//! What the kiosk holds while it runs, shared by every concern behind the facade: the backend in
//! force (swapped whole when the connection settings change), the settings, the admin lock and
//! the actions in flight.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use secrecy::SecretString;

use crate::error::KioskError;
use crate::launch::LaunchOptions;
use crate::payload::PinAction;
use crate::settings::Settings;
use crate::sink::EventSink;

use super::backend::Backend;
use super::config::{Keeping, Tuning};

/// The settings and the admin lock, changed together under one lock.
pub(super) struct State {
    /// As stored (what the settings screen edits).
    pub stored: Settings,
    /// In force: stored + launch flags.
    pub effective: Settings,
    /// The token in force (flag, else stored).
    pub token: Option<SecretString>,
    pub admin_unlocked: bool,
}

pub(super) struct Core {
    pub backend: RwLock<Arc<Backend>>,
    pub state: Mutex<State>,
    pub launch: LaunchOptions,
    pub sink: Arc<dyn EventSink>,
    /// The PIN actions whose request is on its way (one at a time per action).
    pub in_flight: Mutex<HashSet<PinAction>>,
    pub tuning: Tuning,
    /// Where the door watcher keeps its memory; `None`: nothing is kept.
    pub data_dir: Option<PathBuf>,
    /// Where saved settings are written; `None`: they are kept in memory only.
    pub settings_file: Keeping,
    /// One settings change at a time (a rebuild spawns and stops servers).
    pub reconfiguring: tokio::sync::Mutex<()>,
}

impl Core {
    pub fn backend(&self) -> Arc<Backend> {
        Arc::clone(&self.backend.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Puts `new` in force and hands back the one it replaced (for the caller to stop).
    pub fn swap_backend(&self, new: Backend) -> Arc<Backend> {
        let mut slot = self.backend.write().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *slot, Arc::new(new))
    }

    pub fn effective(&self) -> Settings {
        lock(&self.state).effective.clone()
    }

    /// The backend with its client, or why there is none (no token, a bad URL).
    pub fn client(&self) -> Result<(Arc<Backend>, acses_api::Client), KioskError> {
        let b = self.backend();
        let client = b.client.clone()?;
        Ok((b, client))
    }
}

/// A poisoned lock only means another thread panicked mid-update of plain data: keep going.
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

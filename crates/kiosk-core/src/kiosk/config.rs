//! What [`crate::Kiosk::start`] is given: the launch flags, the connection's timeouts and limits,
//! and where the settings live. With a data directory the core owns the settings file there
//! (`settings.json`, see [`crate::persist`]): it reads it at start and writes it on every save,
//! so the shell only passes the path.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::backoff::Backoff;
use crate::launch::LaunchOptions;
use crate::persist::SettingsFile;
use crate::settings::Settings;

/// The settings file in the data directory.
pub const SETTINGS_FILE: &str = "settings.json";

/// The file in the data directory where the door watcher keeps what it has seen.
pub const WATCHER_STATE_FILE: &str = "door-watcher.state";

/// How to start the kiosk.
#[derive(Debug, Clone, Default)]
pub struct KioskConfig {
    /// Command line and environment; they win over the stored settings for this run only.
    pub launch: LaunchOptions,
    /// Timeouts and limits (the defaults are the production values; tests shorten them).
    pub tuning: Tuning,
    /// Where the settings and the door watcher's memory are kept.
    pub storage: Storage,
}

/// Where the kiosk keeps its settings and its state between runs.
#[derive(Debug, Clone)]
pub enum Storage {
    /// In this directory: the settings file and the door watcher's memory of the history. What
    /// the app uses.
    Dir(PathBuf),
    /// In memory only, starting from these settings and this token (tests and tools): a save
    /// lasts until the kiosk stops, and every start takes a fresh history baseline.
    Memory {
        settings: Settings,
        token: Option<SecretString>,
    },
    /// Nowhere: the platform gave the app no data directory. The kiosk starts from the defaults
    /// and a save is applied for this run but reported as not written (`saveFailed`), so nobody
    /// is told "saved" about settings that a restart loses.
    Unavailable,
}

impl Default for Storage {
    fn default() -> Self {
        Storage::Memory {
            settings: Settings::default(),
            token: None,
        }
    }
}

/// The stored settings as found at start, with where to write them back.
pub(crate) struct Opened {
    pub settings: Settings,
    pub token: Option<SecretString>,
    pub data_dir: Option<PathBuf>,
    pub file: Keeping,
}

/// Where a save writes the settings.
pub(crate) enum Keeping {
    File(SettingsFile),
    /// Kept in memory on purpose (tests, tools): a save succeeds.
    Memory,
    /// Nowhere to write: a save is refused as not written.
    Nowhere,
}

impl Storage {
    /// Reads the stored settings. Never fails: a missing file gives the defaults, an unreadable
    /// one is reported in the log and replaced by the defaults (see [`SettingsFile::load`]).
    pub(crate) fn open(self) -> Opened {
        match self {
            Storage::Memory { settings, token } => Opened {
                settings,
                token,
                data_dir: None,
                file: Keeping::Memory,
            },
            Storage::Unavailable => Opened {
                settings: Settings::default(),
                token: None,
                data_dir: None,
                file: Keeping::Nowhere,
            },
            Storage::Dir(dir) => {
                let file = SettingsFile::new(dir.join(SETTINGS_FILE));
                let loaded = file.load();
                if let Some(problem) = &loaded.problem {
                    tracing::warn!(file = %file.path().display(), "settings: {problem}");
                }
                Opened {
                    settings: loaded.settings,
                    token: loaded.token,
                    data_dir: Some(dir),
                    file: Keeping::File(file),
                }
            }
        }
    }
}

/// Timeouts and limits of the connection to the service.
#[derive(Debug, Clone)]
pub struct Tuning {
    /// A whole request, connect to last byte.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// The largest answer read (see `acses_api::ClientConfig::max_body_bytes`).
    pub max_body_bytes: u64,
    /// The door watcher's backoff after failed polls.
    pub backoff: Backoff,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_body_bytes: acses_api::DEFAULT_MAX_BODY_BYTES,
            backoff: Backoff::default(),
        }
    }
}

//! Logging: to stderr (the journal, under systemd) and to a file in the app's log directory,
//! rotated daily with the last [`KEEP_FILES`] days kept, so a kiosk nobody watches still has
//! its recent history on disk. The level comes from `ACSES_LOG` (tracing's filter syntax:
//! `debug`, or `info,kiosk_core=debug`); the directory from `ACSES_LOG_DIR`, else
//! `$XDG_STATE_HOME/acses-kiosk/logs` (`~/.local/state/acses-kiosk/logs`).

use std::path::{Path, PathBuf};

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// Days of logs kept.
pub const KEEP_FILES: usize = 14;
/// Log files are `acses-kiosk.YYYY-MM-DD.log`.
pub const FILE_PREFIX: &str = "acses-kiosk";
const DEFAULT_FILTER: &str = "info,tower_http=warn";

/// Where the log files go, from the environment as given by `var`.
pub fn log_dir(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let set = |k: &str| var(k).filter(|v| !v.trim().is_empty());
    if let Some(dir) = set("ACSES_LOG_DIR") {
        return Some(PathBuf::from(dir));
    }
    // XDG: logs are state, kept between runs but not worth a backup.
    let state = set("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| set("HOME").map(|h| Path::new(&h).join(".local/state")))?;
    Some(state.join("acses-kiosk/logs"))
}

fn rolling(dir: &Path) -> Result<RollingFileAppender, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(|e| e.to_string())
}

/// Sets up logging; returns the directory logs are written to, if any. Without a usable
/// directory the kiosk logs to stderr only (and says so there) rather than not starting.
pub fn init() -> Option<PathBuf> {
    let filter =
        EnvFilter::try_from_env("ACSES_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let dir = log_dir(|k| std::env::var(k).ok());
    let file = match dir.as_deref().map(|d| (d, rolling(d))) {
        Some((d, Ok(appender))) => Some((d.to_owned(), appender)),
        Some((d, Err(e))) => {
            eprintln!(
                "acses-kiosk: cannot write logs to {}: {e}; logging to stderr only",
                d.display()
            );
            None
        }
        None => None,
    };
    let (dir, file_layer) = match file {
        // The appender writes each line as it comes (no background thread): the lines before a
        // crash are the ones that matter, and a kiosk logs little.
        Some((d, appender)) => (
            Some(d),
            Some(fmt::layer().with_ansi(false).with_writer(appender)),
        ),
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file_layer)
        .try_init();
    log_panics();
    dir
}

/// A panic (the GTK backend failing to start, a bug) goes to the log file too, not only stderr.
fn log_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panic: {info}");
        default(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn log_dir_follows_the_override_then_xdg_then_home() {
        let all = [
            ("ACSES_LOG_DIR", "/var/log/kiosk"),
            ("XDG_STATE_HOME", "/s"),
            ("HOME", "/home/m"),
        ];
        assert_eq!(log_dir(env(&all)), Some("/var/log/kiosk".into()));
        assert_eq!(log_dir(env(&all[1..])), Some("/s/acses-kiosk/logs".into()));
        assert_eq!(
            log_dir(env(&all[2..])),
            Some("/home/m/.local/state/acses-kiosk/logs".into())
        );
        // A relative XDG path is invalid by the spec: ignored.
        assert_eq!(
            log_dir(env(&[("XDG_STATE_HOME", "rel"), ("HOME", "/h")])),
            Some("/h/.local/state/acses-kiosk/logs".into())
        );
        assert_eq!(log_dir(env(&[("ACSES_LOG_DIR", " ")])), None);
    }

    #[test]
    fn the_appender_writes_dated_files_in_the_directory() {
        use std::io::Write;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("nested/logs");
        let mut appender = rolling(&dir).unwrap();
        writeln!(appender, "hello").unwrap();
        appender.flush().unwrap();
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let name = &names[0];
        assert!(
            name.starts_with("acses-kiosk.") && name.ends_with(".log"),
            "{name}"
        );
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(text, "hello\n");
    }
}

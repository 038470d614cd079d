//! Logging: to stderr (the journal, under systemd) and to a file in the app's log directory,
//! rotated daily with the last [`KEEP_FILES`] days kept, so a kiosk nobody watches still has
//! its recent history on disk. The level comes from `ACSES_LOG` (tracing's filter syntax:
//! `debug`, or `info,kiosk_core=debug`); the directory from `ACSES_LOG_DIR`, else
//! `acses-kiosk/logs` in the user's state directory (`$XDG_STATE_HOME`, else
//! `~/.local/state`).

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

/// Where the log files go: `ACSES_LOG_DIR` if set, else the user's state directory (logs are
/// state: kept between runs but not worth a backup), else, on a system without one, the local
/// data directory.
pub fn log_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var("ACSES_LOG_DIR")
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        return Some(PathBuf::from(dir));
    }
    let base = dirs::state_dir().or_else(dirs::data_local_dir)?;
    Some(base.join("acses-kiosk/logs"))
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
    let dir = log_dir();
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
    use std::process::Command;

    /// `log_dir` as a child copy of this test binary finds it with the given variables (and no
    /// other of the three it reads): `dirs` reads the process environment, which tests running
    /// side by side must not change.
    fn log_dir_with(vars: &[(&str, &str)]) -> Option<PathBuf> {
        let mut child = Command::new(std::env::current_exe().unwrap());
        child.args([
            "--exact",
            "logging::tests::print_log_dir",
            "--ignored",
            "--nocapture",
        ]);
        for var in ["ACSES_LOG_DIR", "XDG_STATE_HOME", "HOME"] {
            child.env_remove(var);
        }
        let out = child.envs(vars.iter().copied()).output().unwrap();
        assert!(out.status.success(), "{out:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("log_dir="))
            .unwrap_or_else(|| panic!("no log_dir line in {stdout}"));
        (line != "-").then(|| line.into())
    }

    #[test]
    #[ignore = "run in a child process by log_dir_follows_the_override_then_xdg_then_home"]
    fn print_log_dir() {
        let dir = log_dir().map_or("-".into(), |d| d.display().to_string());
        println!("log_dir={dir}");
    }

    // XDG is how Linux, the kiosk's system, names the state directory.
    #[cfg(target_os = "linux")]
    #[test]
    fn log_dir_follows_the_override_then_xdg_then_home() {
        let all = [
            ("ACSES_LOG_DIR", "/var/log/kiosk"),
            ("XDG_STATE_HOME", "/s"),
            ("HOME", "/home/m"),
        ];
        assert_eq!(log_dir_with(&all), Some("/var/log/kiosk".into()));
        assert_eq!(log_dir_with(&all[1..]), Some("/s/acses-kiosk/logs".into()));
        assert_eq!(
            log_dir_with(&all[2..]),
            Some("/home/m/.local/state/acses-kiosk/logs".into())
        );
        // A relative XDG path is invalid by the spec: ignored.
        assert_eq!(
            log_dir_with(&[("XDG_STATE_HOME", "rel"), ("HOME", "/h")]),
            Some("/h/.local/state/acses-kiosk/logs".into())
        );
        // A blank override is no override.
        assert_eq!(
            log_dir_with(&[("ACSES_LOG_DIR", " "), ("HOME", "/h")]),
            Some("/h/.local/state/acses-kiosk/logs".into())
        );
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

//! The real `acses-kiosk` binary without a display: `--version` and `--help` answer (an installer
//! or a support call can ask them over ssh), and a start that fails still leaves its reason in
//! the rotating log file.

use std::path::Path;
use std::process::{Command, Output};

fn kiosk(args: &[&str], log_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_acses-kiosk"))
        .args(args)
        // No display of any kind, as over ssh on the kiosk.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("ACSES_LOG_DIR", log_dir)
        .env("ACSES_LOG", "info")
        .output()
        .expect("the kiosk binary runs")
}

#[test]
fn version_and_help_work_without_a_display() {
    let tmp = tempfile::tempdir().unwrap();
    let out = kiosk(&["--version"], tmp.path());
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("acses-kiosk {}", env!("CARGO_PKG_VERSION"))
    );
    let out = kiosk(&["--help"], tmp.path());
    assert!(out.status.success(), "{out:?}");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--kiosk") && help.contains("--base-url"),
        "{help}"
    );
}

#[test]
fn a_failed_start_is_in_the_log_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("logs");
    let out = kiosk(&["--demo"], &dir);
    assert!(!out.status.success(), "started without a display? {out:?}");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the log directory was created")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("acses-kiosk.") && name.ends_with(".log"),
        "{name}"
    );
    let log = std::fs::read_to_string(&files[0]).unwrap();
    assert!(log.contains("acses-kiosk starting"), "{log}");
    // GTK cannot open a display: the panic's message lands in the file, not only on stderr.
    assert!(log.contains("panic"), "{log}");
}

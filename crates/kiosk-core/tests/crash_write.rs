//! Settings survive a crash mid-write: a child process saves the settings file over and over
//! (large documents, so a write takes a while) and is killed with SIGKILL at arbitrary moments;
//! after every kill the file holds one complete document, the old one or the new one.
//!
//! The child is this test binary itself, started with `--ignored --exact writer_child` and the
//! file to write in `CRASH_WRITE_FILE`.

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use kiosk_core::persist::SettingsFile;
use kiosk_core::Settings;
use secrecy::SecretString;

const ENV: &str = "CRASH_WRITE_FILE";

/// The child: saves forever, alternating between two documents with a ~2 MB token each.
#[test]
#[ignore = "run by crash_mid_write_leaves_a_whole_file as its child process"]
fn writer_child() {
    let Ok(path) = std::env::var(ENV) else {
        return;
    };
    let file = SettingsFile::new(&path);
    let token_a = SecretString::from("a".repeat(2 << 20));
    let token_b = SecretString::from("b".repeat(2 << 20));
    for i in 0u64.. {
        let (location, token) = if i % 2 == 0 {
            (82, &token_a)
        } else {
            (83, &token_b)
        };
        let s = Settings {
            location_id: location,
            ..Settings::default()
        };
        if file.save(&s, Some(token)).is_err() {
            std::process::exit(3);
        }
    }
}

fn check(path: &Path) -> Result<u64, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("unreadable: {e}"))?;
    let doc: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| format!("torn file ({} bytes): {e}", bytes.len()))?;
    let location = doc["settings"]["locationId"]
        .as_u64()
        .ok_or("no location")?;
    let token = doc["apiToken"].as_str().ok_or("no token")?;
    let want = if location == 82 { 'a' } else { 'b' };
    if token.len() != 2 << 20 || !token.chars().all(|c| c == want) {
        return Err(format!(
            "token and settings from different writes ({location})"
        ));
    }
    Ok(location)
}

#[test]
fn crash_mid_write_leaves_a_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let exe = std::env::current_exe().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for round in 0..40u64 {
        let mut child = Command::new(&exe)
            .args(["--ignored", "--exact", "writer_child", "--nocapture"])
            .env(ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Until the first save lands, wait for it (on a loaded machine a 4 MB write and its
        // fsync can take longer than the kill delay, and a test whose writer never finishes a
        // save proves nothing); then pull the plug at a moment that varies from round to round.
        let started = std::time::Instant::now();
        while !path.exists() && started.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(120 + (round * 37) % 100));
        child.kill().unwrap(); // SIGKILL: no destructor, no flush, like a power cut for the process
        let _ = child.wait();
        if !path.exists() {
            continue; // killed before the first write finished: nothing was replaced
        }
        match check(&path) {
            Ok(location) => {
                seen.insert(location);
            }
            Err(e) => panic!("round {round}: {e}"),
        }
        // The next load works and leaves no temporary file that could be mistaken for settings.
        let loaded = SettingsFile::new(&path).load();
        assert!(loaded.problem.is_none(), "{:?}", loaded.problem);
    }
    assert!(!seen.is_empty(), "the writer never completed a save");
}

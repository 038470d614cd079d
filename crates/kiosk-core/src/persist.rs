//! Files the kiosk keeps on disk (its settings, what the door watcher has seen), written so that a
//! crash or power cut mid-write leaves either the old file or the new one, never half of one.
//!
//! [`write_atomic`]: write a temporary file beside the target, flush it to the disk (`fsync`),
//! rename it over the target (atomic on POSIX file systems), then flush the directory so the
//! rename itself survives a power cut. A crash before the rename leaves the old file untouched
//! (and a stray temporary file, which the next write replaces).
//!
//! [`SettingsFile`]: the settings document (`{"settings": {...}, "apiToken": "..."}`, the layout
//! the earlier tauri-plugin-store file had, so existing kiosks keep their settings). A file that
//! is not readable is reported, moved aside as `<name>.corrupt` for an administrator to look at,
//! and replaced by defaults; the kiosk starts either way.
//!
//! This replaced tauri-plugin-store (2.5), whose `save` is a plain `fs::write` (truncate, then
//! write: a crash in between leaves an empty or cut file), which also saves every store again on
//! exit the same way, and which ignores a file it cannot parse without saying so.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use crate::settings::{Settings, SettingsInput};

/// Replaces `path` with `bytes` atomically (see the module docs). The file is created readable
/// by its owner only: the settings file holds the API token.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_inner(path, bytes, &mut |_| Ok(()))
}

/// Where a write can be interrupted (tests stop it there to play a crash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Half of the bytes are in the temporary file.
    HalfWritten,
    /// All bytes are written and flushed, the rename has not happened.
    BeforeRename,
}

pub(crate) fn write_atomic_inner(
    path: &Path,
    bytes: &[u8],
    hook: &mut dyn FnMut(Stage) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = dir.join(tmp_name);

    let result = (|| {
        let mut file = open_private(&tmp)?;
        let half = bytes.len() / 2;
        file.write_all(&bytes[..half])?;
        hook(Stage::HalfWritten)?;
        file.write_all(&bytes[half..])?;
        file.sync_all()?;
        drop(file);
        hook(Stage::BeforeRename)?;
        fs::rename(&tmp, path)?;
        sync_dir(&dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn open_private(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Flushes a directory entry change (the rename) to disk. Best effort: not every platform or
/// file system lets a directory be opened and synced, and the data itself is already safe.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

const KEY_SETTINGS: &str = "settings";
const KEY_TOKEN: &str = "apiToken";

/// What [`SettingsFile::load`] found.
#[derive(Debug, Clone, Default)]
pub struct LoadedSettings {
    pub settings: Settings,
    pub token: Option<SecretString>,
    /// Why (part of) the file was not used, in words for the log; `None` when all was well.
    pub problem: Option<String>,
}

/// The settings file (see the module docs). Keeps the document it read so a save changes only
/// what it was given and keeps keys it does not know.
#[derive(Debug)]
pub struct SettingsFile {
    path: PathBuf,
    document: Mutex<Map<String, Value>>,
}

impl SettingsFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            document: Mutex::new(Map::new()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file. Never fails: a missing file gives the defaults; an unreadable one gives
    /// the defaults and a `problem`, and is moved aside as `<name>.corrupt` so the next save
    /// starts clean; stored values that fail validation are each replaced by their default.
    pub fn load(&self) -> LoadedSettings {
        let bytes = match fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return LoadedSettings::default(),
            Err(e) => {
                return LoadedSettings {
                    problem: Some(format!("the settings file cannot be read ({e})")),
                    ..LoadedSettings::default()
                }
            }
        };
        let document = match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => map,
            Ok(_) | Err(_) => {
                let kept = self.move_aside();
                return LoadedSettings {
                    problem: Some(format!(
                        "the settings file is not a settings document; using the defaults{kept}"
                    )),
                    ..LoadedSettings::default()
                };
            }
        };
        let mut problems = Vec::new();
        let settings = match document.get(KEY_SETTINGS) {
            None => Settings::default(),
            Some(v) => match serde_json::from_value::<Settings>(v.clone()) {
                Ok(s) => {
                    let (s, reset) = sanitize(s);
                    if !reset.is_empty() {
                        problems.push(format!(
                            "stored values not valid, reset to their defaults: {}",
                            reset.join(", ")
                        ));
                    }
                    s
                }
                Err(e) => {
                    // serde's message names the field and the type, never the value.
                    problems.push(format!(
                        "the stored settings are not readable ({}); using the defaults",
                        e.classify_text()
                    ));
                    Settings::default()
                }
            },
        };
        let token = match document.get(KEY_TOKEN) {
            None | Some(Value::Null) => None,
            Some(Value::String(t)) if t.trim().is_empty() => None,
            Some(Value::String(t)) => Some(SecretString::from(t.trim().to_owned())),
            Some(_) => {
                problems.push("the stored API token is not text; it was dropped".to_owned());
                None
            }
        };
        *lock(&self.document) = document;
        LoadedSettings {
            settings,
            token,
            problem: (!problems.is_empty()).then(|| problems.join("; ")),
        }
    }

    /// Writes `settings` and, when given, a new token, atomically.
    pub fn save(&self, settings: &Settings, new_token: Option<&SecretString>) -> io::Result<()> {
        let mut document = lock(&self.document).clone();
        let value = serde_json::to_value(settings).map_err(io::Error::other)?;
        document.insert(KEY_SETTINGS.to_owned(), value);
        if let Some(t) = new_token {
            document.insert(
                KEY_TOKEN.to_owned(),
                Value::String(t.expose_secret().to_owned()),
            );
        }
        let bytes = serde_json::to_vec_pretty(&document).map_err(io::Error::other)?;
        write_atomic(&self.path, &bytes)?;
        *lock(&self.document) = document;
        Ok(())
    }

    /// Moves an unreadable file to `<name>.corrupt` (replacing an older one); returns words for
    /// the report.
    fn move_aside(&self) -> String {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".corrupt");
        let aside = PathBuf::from(name);
        match fs::rename(&self.path, &aside) {
            Ok(()) => format!("; the unreadable file was kept as {}", aside.display()),
            Err(_) => String::new(),
        }
    }
}

trait ClassifyText {
    fn classify_text(&self) -> String;
}

impl ClassifyText for serde_json::Error {
    /// serde's data errors read "invalid type: string \"x\", expected u64": the quoted value
    /// could be anything, so only the part from "expected" on is kept.
    fn classify_text(&self) -> String {
        let text = self.to_string();
        match text.find("expected") {
            Some(i) => text[i..].to_owned(),
            None => "wrong shape".to_owned(),
        }
    }
}

/// Stored settings passed through the same validation as the settings screen; a value that
/// fails is replaced by its default (one field at a time, so the others survive). Returns the
/// fields that were reset.
pub fn sanitize(mut s: Settings) -> (Settings, Vec<&'static str>) {
    let mut reset = Vec::new();
    let defaults = Settings::default();
    if let Some(hash) = &s.admin_pin_hash {
        // A hash that cannot be parsed would lock the administrator out for good.
        if argon2::password_hash::PasswordHash::new(hash).is_err() {
            s.admin_pin_hash = None;
            reset.push("adminPinHash");
        }
    }
    for _ in 0..16 {
        match s.apply(&SettingsInput::from_settings(&s)) {
            Ok(valid) => return (valid, reset),
            Err(e) => {
                match e.field {
                    "apiBaseUrl" => s.api_base_url = defaults.api_base_url.clone(),
                    "locationId" => s.location_id = defaults.location_id,
                    "defaultLockerId" => s.default_locker_id = None,
                    "language" => s.language = defaults.language,
                    "activePollMs" | "idlePollMs" => {
                        s.active_poll_ms = defaults.active_poll_ms;
                        s.idle_poll_ms = defaults.idle_poll_ms;
                    }
                    // Fields apply checks that do not come from stored settings.
                    _ => return (defaults, vec!["settings"]),
                }
                reset.push(e.field);
            }
        }
    }
    (defaults, vec!["settings"])
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> tempfile::TempDir {
        tempfile::tempdir().expect("temp dir")
    }

    #[test]
    fn a_crash_at_any_stage_of_a_write_leaves_the_old_file_whole() {
        let d = dir();
        let path = d.path().join("settings.json");
        write_atomic(&path, b"old contents, complete").unwrap();
        for stage in [Stage::HalfWritten, Stage::BeforeRename] {
            let crash = |at: Stage| {
                if at == stage {
                    Err(io::Error::other("power cut"))
                } else {
                    Ok(())
                }
            };
            let new = vec![b'n'; 100_000];
            let err = write_atomic_inner(&path, &new, &mut { crash }).unwrap_err();
            assert_eq!(err.to_string(), "power cut");
            assert_eq!(
                fs::read(&path).unwrap(),
                b"old contents, complete",
                "{stage:?}"
            );
        }
        // No temporary files are left behind by a failed write.
        let names: Vec<_> = fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["settings.json"]);
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let d = dir();
        let path = d.path().join("sub/settings.json");
        write_atomic(&path, b"{}").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn settings_and_token_round_trip_and_unknown_keys_survive() {
        let d = dir();
        let path = d.path().join("settings.json");
        fs::write(&path, br#"{"other": {"x": 1}}"#).unwrap();
        let file = SettingsFile::new(&path);
        let loaded = file.load();
        assert!(loaded.problem.is_none() && loaded.token.is_none());
        let s = Settings {
            location_id: 83,
            ..Settings::default()
        };
        file.save(&s, Some(&SecretString::from("tok-1".to_owned())))
            .unwrap();
        // A save without a token keeps the stored one.
        file.save(&s, None).unwrap();
        let again = SettingsFile::new(&path).load();
        assert_eq!(again.settings.location_id, 83);
        assert_eq!(again.token.unwrap().expose_secret(), "tok-1");
        let v: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(v["other"]["x"], 1);
    }

    #[test]
    fn a_corrupt_file_is_reported_moved_aside_and_replaced_by_defaults() {
        for garbage in [
            &b"{\"settings\": {\"locationId\": 8"[..],
            b"\x00\x01\x02 not json",
            b"[1, 2, 3]",
            b"",
        ] {
            let d = dir();
            let path = d.path().join("settings.json");
            fs::write(&path, garbage).unwrap();
            let file = SettingsFile::new(&path);
            let loaded = file.load();
            let problem = loaded.problem.expect("reported");
            assert!(problem.contains("defaults"), "{problem}");
            assert_eq!(loaded.settings, Settings::default());
            assert_eq!(
                fs::read(d.path().join("settings.json.corrupt")).unwrap(),
                garbage
            );
            // The next save writes a good file in its place.
            file.save(&Settings::default(), None).unwrap();
            assert!(SettingsFile::new(&path).load().problem.is_none());
        }
    }

    #[test]
    fn wrong_values_are_reset_one_by_one_and_reported_without_the_value() {
        let d = dir();
        let path = d.path().join("settings.json");
        fs::write(
            &path,
            br#"{"settings": {"apiBaseUrl": "http://evil.example/", "locationId": 83,
                 "activePollMs": 0, "adminPinHash": "not-a-phc"}, "apiToken": "tok"}"#,
        )
        .unwrap();
        let loaded = SettingsFile::new(&path).load();
        let problem = loaded.problem.unwrap();
        assert!(problem.contains("apiBaseUrl") && problem.contains("activePollMs"));
        assert!(!problem.contains("evil"), "{problem}");
        let s = loaded.settings;
        assert_eq!(s.api_base_url, None);
        assert_eq!(s.location_id, 83, "a good value survives");
        assert_eq!(s.active_poll_ms, crate::settings::DEFAULT_ACTIVE_POLL_MS);
        assert_eq!(s.admin_pin_hash, None);
        assert_eq!(loaded.token.unwrap().expose_secret(), "tok");

        fs::write(
            &path,
            br#"{"settings": {"locationId": "secret-ish text"}, "apiToken": 5}"#,
        )
        .unwrap();
        let loaded = SettingsFile::new(&path).load();
        let problem = loaded.problem.unwrap();
        assert!(!problem.contains("secret-ish"), "{problem}");
        assert!(problem.contains("token"), "{problem}");
        assert_eq!(loaded.settings, Settings::default());
    }
}

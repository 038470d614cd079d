//! The kiosk's settings: what is stored, what the UI sees (`SettingsView`), what it may send back
//! (`SettingsInput`), and the validation that stands between the two.
//!
//! The API token is deliberately not a field here: it is a secret the shell keeps under its own
//! store key, so that a `Settings` value can be logged, shown and serialized without care.

use std::net::IpAddr;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::admin_pin::{hash_admin_pin, is_admin_pin_shape, verify_admin_pin};
use crate::error::KioskError;
use crate::language::Language;
use crate::text;

pub const DEFAULT_LOCATION_ID: u64 = 82;
pub const DEFAULT_IDLE_RESET_SECONDS: u32 = 60;
pub const DEFAULT_PIN_TIMEOUT_SECONDS: u32 = 300;
/// 1 s while a PIN waits: the door shows on screen within 1.5 s (p95, docs/PERFORMANCE.md)
/// with no more requests than a naive 1 Hz poll, and only while a PIN waits. At 700 ms the p95
/// was 0.3 s lower for 43% more requests of the full history.
pub const DEFAULT_ACTIVE_POLL_MS: u64 = 1_000;
/// 20 s = 3 requests a minute while nobody waits for a door: the idle load stays under 4/min.
pub const DEFAULT_IDLE_POLL_MS: u64 = 20_000;
pub const ACTIVE_POLL_RANGE_MS: std::ops::RangeInclusive<u64> = 200..=10_000;
pub const IDLE_POLL_RANGE_MS: std::ops::RangeInclusive<u64> = 2_000..=600_000;
const MAX_LOCKER_ID_LEN: usize = 64;
const MAX_TOKEN_LEN: usize = 4096;

/// The stored settings. Missing fields take their defaults, so an older store still loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// `None`: demo mode, against the embedded emulator.
    pub api_base_url: Option<String>,
    pub location_id: u64,
    pub default_locker_id: Option<String>,
    pub language: Language,
    pub kiosk_mode: bool,
    pub idle_reset_seconds: u32,
    pub pin_timeout_seconds: u32,
    pub active_poll_ms: u64,
    pub idle_poll_ms: u64,
    pub dev_mode: bool,
    /// Argon2 PHC string. Stored, never put into a `SettingsView`.
    pub admin_pin_hash: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            api_base_url: None,
            location_id: DEFAULT_LOCATION_ID,
            default_locker_id: None,
            language: Language::from_system(),
            kiosk_mode: false,
            idle_reset_seconds: DEFAULT_IDLE_RESET_SECONDS,
            pin_timeout_seconds: DEFAULT_PIN_TIMEOUT_SECONDS,
            active_poll_ms: DEFAULT_ACTIVE_POLL_MS,
            idle_poll_ms: DEFAULT_IDLE_POLL_MS,
            dev_mode: false,
            admin_pin_hash: None,
        }
    }
}

/// What `get_settings` returns (docs/ipc.md `SettingsView`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub api_base_url: Option<String>,
    pub token_set: bool,
    pub location_id: u64,
    pub default_locker_id: Option<String>,
    pub language: Language,
    pub kiosk_mode: bool,
    pub active_poll_ms: u64,
    pub idle_poll_ms: u64,
    pub dev_mode: bool,
    pub admin_pin_set: bool,
}

/// What `save_settings` receives (docs/ipc.md `SettingsInput`). Debug redacts the two secrets.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsInput {
    /// Empty or null: demo mode.
    #[serde(default)]
    pub api_base_url: Option<String>,
    pub location_id: u64,
    #[serde(default)]
    pub default_locker_id: Option<String>,
    /// A string rather than `Language` so that an unknown value is refused by `apply` with the
    /// field named, not by the IPC layer with a serde message.
    pub language: String,
    pub kiosk_mode: bool,
    pub active_poll_ms: u64,
    pub idle_poll_ms: u64,
    pub dev_mode: bool,
    /// Write-only; omitted or empty keeps the current token.
    #[serde(default)]
    pub token: Option<SecretString>,
    /// Write-only; omitted or empty keeps the current admin PIN.
    #[serde(default)]
    pub admin_pin: Option<SecretString>,
}

impl SettingsInput {
    /// The input that would leave `settings` as they are (a starting point for edits and tests).
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            api_base_url: settings.api_base_url.clone(),
            location_id: settings.location_id,
            default_locker_id: settings.default_locker_id.clone(),
            language: settings.language.as_str().to_owned(),
            kiosk_mode: settings.kiosk_mode,
            active_poll_ms: settings.active_poll_ms,
            idle_poll_ms: settings.idle_poll_ms,
            dev_mode: settings.dev_mode,
            token: None,
            admin_pin: None,
        }
    }

    /// The new token, when one was given (the shell stores it under its own key).
    pub fn new_token(&self) -> Option<SecretString> {
        self.token
            .as_ref()
            .map(|t| t.expose_secret().trim())
            .filter(|t| !t.is_empty())
            .map(|t| SecretString::from(t.to_owned()))
    }
}

/// A refused setting: which field (camelCase, as the UI names it) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {code}")]
pub struct SettingsError {
    pub field: &'static str,
    /// Why, as a code of [`crate::text`] (the UI words it).
    pub code: &'static str,
}

impl SettingsError {
    fn new(field: &'static str, code: &'static str) -> Self {
        Self { field, code }
    }
}

impl From<SettingsError> for KioskError {
    fn from(e: SettingsError) -> Self {
        let mut err = KioskError::invalid_input(e.code);
        err.field = Some(e.field);
        err
    }
}

impl Settings {
    pub fn view(&self, token_set: bool) -> SettingsView {
        SettingsView {
            api_base_url: self.api_base_url.clone(),
            token_set,
            location_id: self.location_id,
            default_locker_id: self.default_locker_id.clone(),
            language: self.language,
            kiosk_mode: self.kiosk_mode,
            active_poll_ms: self.active_poll_ms,
            idle_poll_ms: self.idle_poll_ms,
            dev_mode: self.dev_mode,
            admin_pin_set: self.admin_pin_hash.is_some(),
        }
    }

    /// Validates every field of `input` and only then builds the new settings: any wrong field
    /// refuses the whole input and `self` is left as it was, so settings are never saved half.
    /// The token is checked here too but not kept: see [`SettingsInput::new_token`].
    pub fn apply(&self, input: &SettingsInput) -> Result<Settings, SettingsError> {
        let api_base_url = validate_base_url(input.api_base_url.as_deref())?;
        if input.location_id == 0 {
            return Err(SettingsError::new("locationId", text::SETTING_LOCATION));
        }
        let default_locker_id = match &input.default_locker_id {
            None => None,
            Some(id) => Some(
                validate_locker_id(id)
                    .ok_or_else(|| SettingsError::new("defaultLockerId", text::SETTING_LOCKER))?,
            ),
        };
        let language = Language::parse(&input.language)
            .ok_or_else(|| SettingsError::new("language", text::SETTING_LANGUAGE))?;
        if !ACTIVE_POLL_RANGE_MS.contains(&input.active_poll_ms) {
            return Err(SettingsError::new(
                "activePollMs",
                text::SETTING_ACTIVE_POLL,
            ));
        }
        if !IDLE_POLL_RANGE_MS.contains(&input.idle_poll_ms) {
            return Err(SettingsError::new("idlePollMs", text::SETTING_IDLE_POLL));
        }
        if input.active_poll_ms > input.idle_poll_ms {
            return Err(SettingsError::new("activePollMs", text::SETTING_POLL_ORDER));
        }
        if let Some(token) = &input.token {
            let t = token.expose_secret().trim();
            if t.len() > MAX_TOKEN_LEN || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(SettingsError::new("token", text::SETTING_TOKEN));
            }
        }
        let new_admin_pin = match &input.admin_pin {
            Some(pin) if !pin.expose_secret().is_empty() => {
                let pin = pin.expose_secret();
                if !is_admin_pin_shape(pin) {
                    return Err(SettingsError::new("adminPin", text::SETTING_ADMIN_PIN));
                }
                Some(pin)
            }
            _ => None,
        };
        // Everything is valid: only hashing is left, and it fails only when the system has no
        // randomness, in which case nothing has been changed either.
        let admin_pin_hash = match new_admin_pin {
            Some(pin) => Some(
                hash_admin_pin(pin)
                    .map_err(|_| SettingsError::new("adminPin", text::SETTING_HASH))?,
            ),
            None => self.admin_pin_hash.clone(),
        };
        Ok(Settings {
            api_base_url,
            location_id: input.location_id,
            default_locker_id,
            language,
            kiosk_mode: input.kiosk_mode,
            idle_reset_seconds: self.idle_reset_seconds,
            pin_timeout_seconds: self.pin_timeout_seconds,
            active_poll_ms: input.active_poll_ms,
            idle_poll_ms: input.idle_poll_ms,
            dev_mode: input.dev_mode,
            admin_pin_hash,
        })
    }

    /// Checks an admin PIN against the stored hash. With no admin PIN set there is nothing to
    /// unlock, so any PIN is accepted.
    pub fn verify_admin_pin(&self, pin: &str) -> bool {
        match &self.admin_pin_hash {
            None => true,
            Some(hash) => verify_admin_pin(hash, pin),
        }
    }
}

/// Normalizes and checks an API base URL. Empty means "none" (demo mode).
pub fn validate_base_url(raw: Option<&str>) -> Result<Option<String>, SettingsError> {
    const FIELD: &str = "apiBaseUrl";
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let url =
        url::Url::parse(raw).map_err(|_| SettingsError::new(FIELD, text::SETTING_URL_PARSE))?;
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        _ => return Err(SettingsError::new(FIELD, text::SETTING_URL_SCHEME)),
    };
    let host = url
        .host()
        .ok_or_else(|| SettingsError::new(FIELD, text::SETTING_URL_HOST))?;
    // Plain http would send the token in clear over the network: allow it only for a service
    // on this very computer (a local emulator, a tunnel).
    if !https && !is_loopback(&host) {
        return Err(SettingsError::new(FIELD, text::SETTING_URL_HTTPS));
    }
    Ok(Some(url.as_str().to_owned()))
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// A locker system id is opaque (a number in the simulate URL, a string elsewhere): accept a
/// short printable token and trim it.
pub fn validate_locker_id(raw: &str) -> Option<String> {
    let id = raw.trim();
    let ok = !id.is_empty()
        && id.len() <= MAX_LOCKER_ID_LEN
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    ok.then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Settings {
        Settings {
            language: Language::En,
            ..Settings::default()
        }
    }

    fn input() -> SettingsInput {
        SettingsInput::from_settings(&base())
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let s = Settings::default();
        assert_eq!(s.api_base_url, None);
        assert_eq!(s.location_id, 82);
        assert_eq!(s.idle_reset_seconds, 60);
        assert!(
            s.idle_poll_ms >= 15_000,
            "idle polling must stay at or under 4 requests a minute"
        );
        assert!(ACTIVE_POLL_RANGE_MS.contains(&s.active_poll_ms));
        assert!(s.active_poll_ms <= s.idle_poll_ms);
        // Defaults pass their own validation.
        assert_eq!(base().apply(&input()).unwrap(), base());
    }

    #[test]
    fn stored_settings_load_with_missing_fields_and_view_hides_the_hash() {
        let s: Settings =
            serde_json::from_str(r#"{"locationId": 5, "adminPinHash": "$argon2id$x"}"#).unwrap();
        assert_eq!(s.location_id, 5);
        assert_eq!(s.idle_poll_ms, DEFAULT_IDLE_POLL_MS);
        let v = serde_json::to_value(s.view(true)).unwrap();
        assert_eq!(v["adminPinSet"], true);
        assert_eq!(v["tokenSet"], true);
        assert!(!v.to_string().contains("argon2"), "{v}");
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        let want = [
            "apiBaseUrl",
            "tokenSet",
            "locationId",
            "defaultLockerId",
            "language",
            "kioskMode",
            "activePollMs",
            "idlePollMs",
            "devMode",
            "adminPinSet",
        ];
        assert_eq!(keys.len(), want.len(), "{keys:?}");
        for k in want {
            assert!(keys.contains(&k.to_string()), "missing {k}");
        }
    }

    #[test]
    fn validation_table_names_the_field() {
        type Edit = fn(&mut SettingsInput);
        let cases: Vec<(&str, Edit)> = vec![
            ("apiBaseUrl", |i| i.api_base_url = Some("not a url".into())),
            ("apiBaseUrl", |i| {
                i.api_base_url = Some("ftp://claire.example/".into())
            }),
            ("apiBaseUrl", |i| {
                i.api_base_url = Some("http://claire.example/api".into())
            }),
            ("apiBaseUrl", |i| {
                i.api_base_url = Some("http://10.0.0.5/api".into())
            }),
            ("apiBaseUrl", |i| {
                i.api_base_url = Some("file:///etc/passwd".into())
            }),
            ("locationId", |i| i.location_id = 0),
            ("defaultLockerId", |i| i.default_locker_id = Some("".into())),
            ("defaultLockerId", |i| {
                i.default_locker_id = Some("  ".into())
            }),
            ("defaultLockerId", |i| {
                i.default_locker_id = Some("15 1".into())
            }),
            ("language", |i| i.language = "de".into()),
            ("activePollMs", |i| i.active_poll_ms = 199),
            ("activePollMs", |i| i.active_poll_ms = 10_001),
            ("idlePollMs", |i| i.idle_poll_ms = 1_999),
            ("idlePollMs", |i| i.idle_poll_ms = 600_001),
            ("activePollMs", |i| {
                i.active_poll_ms = 5_000;
                i.idle_poll_ms = 3_000;
            }),
            ("adminPin", |i| i.admin_pin = Some("123".into())),
            ("adminPin", |i| i.admin_pin = Some("123456789".into())),
            ("adminPin", |i| i.admin_pin = Some("12a4".into())),
            ("token", |i| i.token = Some("abc def".into())),
        ];
        let before = base();
        for (field, edit) in cases {
            let mut i = input();
            edit(&mut i);
            let err = before.apply(&i).unwrap_err();
            assert_eq!(err.field, field, "{err}");
            assert!(!err.code.is_empty());
            let k: KioskError = err.into();
            assert_eq!(k.kind, crate::ErrorKind::InvalidInput);
        }
    }

    #[test]
    fn accepted_values() {
        let ok: Vec<(Option<&str>, Option<&str>)> = vec![
            (
                Some("https://claire.example/api/acses"),
                Some("https://claire.example/api/acses"),
            ),
            (
                Some("  https://claire.example  "),
                Some("https://claire.example/"),
            ),
            (
                Some("http://localhost:8080/"),
                Some("http://localhost:8080/"),
            ),
            (Some("http://127.0.0.1:9/x"), Some("http://127.0.0.1:9/x")),
            (Some("http://[::1]:9/"), Some("http://[::1]:9/")),
            (Some(""), None),
            (None, None),
        ];
        for (raw, want) in ok {
            let mut i = input();
            i.api_base_url = raw.map(Into::into);
            assert_eq!(
                base().apply(&i).unwrap().api_base_url.as_deref(),
                want,
                "{raw:?}"
            );
        }
        let mut i = input();
        i.default_locker_id = Some(" 151 ".into());
        i.language = "NL".into();
        i.active_poll_ms = 200;
        i.idle_poll_ms = 200_000;
        let s = base().apply(&i).unwrap();
        assert_eq!(s.default_locker_id.as_deref(), Some("151"));
        assert_eq!(s.language, Language::Nl);
    }

    #[test]
    fn apply_is_all_or_nothing() {
        let before = base();
        let mut i = input();
        // Valid changes mixed with one bad field: nothing of it may come through.
        i.location_id = 99;
        i.kiosk_mode = true;
        i.admin_pin = Some("1234".into());
        i.idle_poll_ms = 1;
        let copy = before.clone();
        assert!(before.apply(&i).is_err());
        assert_eq!(before, copy);
        i.idle_poll_ms = 30_000;
        let after = before.apply(&i).unwrap();
        assert_eq!(
            (after.location_id, after.kiosk_mode, after.idle_poll_ms),
            (99, true, 30_000)
        );
        assert!(after.admin_pin_hash.is_some());
    }

    #[test]
    fn admin_pin_hash_and_verify() {
        let mut i = input();
        i.admin_pin = Some("4711".into());
        let s = base().apply(&i).unwrap();
        let hash = s.admin_pin_hash.clone().unwrap();
        assert!(
            hash.starts_with("$argon2id$"),
            "PHC string expected: {hash}"
        );
        assert!(!hash.contains("4711"));
        assert!(s.verify_admin_pin("4711"));
        assert!(!s.verify_admin_pin("4712"));
        assert!(!s.verify_admin_pin(""));
        // An empty admin PIN keeps the current one.
        i.admin_pin = Some("".into());
        assert_eq!(s.apply(&i).unwrap().admin_pin_hash, Some(hash.clone()));
        // Salted: the same PIN hashes differently each time, and both verify.
        let again = hash_admin_pin("4711").unwrap();
        assert_ne!(again, hash);
        assert!(verify_admin_pin(&again, "4711"));
        assert!(!verify_admin_pin("not a phc string", "4711"));
        // No admin PIN set: nothing to unlock.
        assert!(base().verify_admin_pin("0000"));
    }

    #[test]
    fn token_is_write_only_and_trimmed() {
        let i: SettingsInput = serde_json::from_str(
            r#"{"apiBaseUrl":null,"locationId":82,"defaultLockerId":null,"language":"en",
                "kioskMode":false,"activePollMs":700,"idlePollMs":20000,"devMode":false,
                "token":" secret-token \n","adminPin":"1234"}"#,
        )
        .unwrap();
        let dbg = format!("{i:?}");
        assert!(
            !dbg.contains("secret-token") && !dbg.contains("1234"),
            "{dbg}"
        );
        assert_eq!(i.new_token().unwrap().expose_secret(), "secret-token");
        let mut j = i.clone();
        j.token = Some("".into());
        assert!(j.new_token().is_none());
        j.token = None;
        assert!(j.new_token().is_none());
    }
}

//! The codes of every message the kiosk sends a person: the core says *what* happened with one
//! of these codes (in an error's `code`, a connection state's `code`, a ticket's `noPinReason`),
//! and the UI's catalogue (ui/js/i18n.js, key `error.<code>`) says it in the reader's language.
//! Each code declared here is listed in [`ALL`]; the tests below fail when the UI's catalogue
//! lacks one in any language.

/// Declares the codes as `pub const`s and lists them all in [`ALL`].
macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $code:expr; )*) => {
        $( $(#[$doc])* pub const $name: &str = $code; )*
        /// Every code above, for the catalogue's tests.
        pub const ALL: &[&str] = &[ $( $name, )* ];
    };
}

codes! {
    // Errors from the locker service (see docs/ipc.md, "Errors"). The first eight are also the
    // names of their error kinds, so the UI words a kind and its code with one entry.
    UNAUTHORIZED = "unauthorized";
    RATE_LIMITED = "rateLimited";
    MAINTENANCE = "maintenance";
    SERVER = "server";
    OFFLINE = "offline";
    NOT_FOUND = "notFound";
    BAD_REQUEST = "badRequest";
    INTERNAL = "internal";
    METHOD_NOT_ALLOWED = "methodNotAllowed";
    UNREADABLE_ANSWER = "unreadableAnswer";
    CONFIG = "config";

    // Our own refusals.
    BUSY = "busy";
    SIMULATE_NOT_ALLOWED = "simulateNotAllowed";
    NO_PIN_TO_SIMULATE = "noPinToSimulate";
    ADMIN_LOCKED = "adminLocked";
    ADMIN_PIN_REQUIRED = "adminPinRequired";
    NO_LOCKER = "noLocker";
    SEVERAL_LOCKERS = "severalLockers";
    INVALID_APPOINTMENT = "invalidAppointment";
    INVALID_NOTE = "invalidNote";
    INVALID_LOCKER = "invalidLocker";

    // Instead of a PIN, when the service answered without one (`acses_pin: null`).
    NO_PIN_KEYS_OUT = "noPinKeysOut";
    NO_PIN_NO_CELL = "noPinNoCell";

    // Settings validation (the field name travels separately, in `SettingsError::field`).
    SETTING_URL_PARSE = "settingUrlParse";
    SETTING_URL_SCHEME = "settingUrlScheme";
    SETTING_URL_HTTPS = "settingUrlHttps";
    SETTING_URL_HOST = "settingUrlHost";
    SETTING_LOCATION = "settingLocation";
    SETTING_LOCKER = "settingLocker";
    SETTING_LANGUAGE = "settingLanguage";
    SETTING_ACTIVE_POLL = "settingActivePoll";
    SETTING_IDLE_POLL = "settingIdlePoll";
    SETTING_POLL_ORDER = "settingPollOrder";
    SETTING_ADMIN_PIN = "settingAdminPin";
    SETTING_TOKEN = "settingToken";
    SETTING_HASH = "settingHash";
    NO_TOKEN = "noToken";
    SAVE_FAILED = "saveFailed";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI's catalogue, read as text: one object literal per language (`const en = {...};`).
    const CATALOGUE: &str = include_str!("../../../ui/js/i18n.js");
    const LANGUAGES: [&str; 2] = ["en", "nl"];

    /// The keys of `const <lang> = { ... };` in the catalogue.
    fn keys(lang: &str) -> Vec<&'static str> {
        let open = format!("\nconst {lang} = {{\n");
        let start = CATALOGUE
            .find(&open)
            .unwrap_or_else(|| panic!("no `const {lang} = {{` in ui/js/i18n.js"))
            + open.len();
        let len = CATALOGUE[start..]
            .find("\n};")
            .expect("the catalogue object ends with `};`");
        CATALOGUE[start..start + len]
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix('\''))
            .filter_map(|l| l.split_once("':").map(|(k, _)| k))
            .collect()
    }

    #[test]
    fn the_catalogue_is_read_whole() {
        // A parse that found nothing would make the tests below pass for nothing.
        for lang in LANGUAGES {
            let k = keys(lang);
            assert!(k.len() > 150, "{lang}: only {} keys read", k.len());
            assert!(k.contains(&"app.name"), "{lang}");
        }
    }

    #[test]
    fn every_code_has_exactly_one_sentence_in_every_language() {
        for lang in LANGUAGES {
            let keys = keys(lang);
            let mut missing = Vec::new();
            for code in ALL {
                let key = format!("error.{code}");
                match keys.iter().filter(|k| **k == key).count() {
                    1 => {}
                    0 => missing.push(format!("{key} (missing)")),
                    n => missing.push(format!("{key} ({n} times)")),
                }
            }
            assert!(missing.is_empty(), "ui/js/i18n.js, {lang}: {missing:?}");
        }
    }

    #[test]
    fn codes_are_distinct_camel_case_words() {
        for (i, code) in ALL.iter().enumerate() {
            assert!(
                !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric()),
                "{code:?}"
            );
            assert!(code.starts_with(|c: char| c.is_ascii_lowercase()), "{code}");
            assert!(!ALL[i + 1..].contains(code), "{code} is declared twice");
        }
    }
}

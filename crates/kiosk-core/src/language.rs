//! The UI language: the setting's value, and the system's language as its default. The words
//! themselves live in the UI's catalogue (ui/js/i18n.js); the core only names the language.

use serde::{Deserialize, Serialize};

/// The UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Nl,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Nl => "nl",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Language::En),
            "nl" => Some(Language::Nl),
            _ => None,
        }
    }

    /// Dutch when the locale says so (`nl_NL.UTF-8`, `nl-BE`, `nl`), English otherwise.
    pub fn from_locale(locale: Option<&str>) -> Self {
        match locale {
            Some(l) if l.to_ascii_lowercase().starts_with("nl") => Language::Nl,
            _ => Language::En,
        }
    }

    /// The system language: on Unix `LC_ALL`, then `LC_MESSAGES`, then `LANG` (the order POSIX
    /// gives for messages); the user's language setting on Windows and macOS.
    pub fn from_system() -> Self {
        Self::from_locale(sys_locale::get_locale().as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_follows_the_locale() {
        assert_eq!(Language::from_locale(Some("nl_NL.UTF-8")), Language::Nl);
        assert_eq!(Language::from_locale(Some("nl_BE")), Language::Nl);
        assert_eq!(Language::from_locale(Some("nl-NL")), Language::Nl);
        assert_eq!(Language::from_locale(Some("en_US.UTF-8")), Language::En);
        assert_eq!(Language::from_locale(Some("C")), Language::En);
        assert_eq!(Language::from_locale(None), Language::En);
    }

    #[test]
    fn parse_and_as_str_agree() {
        for lang in [Language::En, Language::Nl] {
            assert_eq!(Language::parse(lang.as_str()), Some(lang));
        }
        assert_eq!(Language::parse(" NL "), Some(Language::Nl));
        assert_eq!(Language::parse("de"), None);
    }
}

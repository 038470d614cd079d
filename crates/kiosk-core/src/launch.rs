//! Command-line flags and environment variables, parsed by clap so the shell only calls
//! `LaunchOptions::parse()`. Flags win over stored settings for this run only: they are merged
//! into the effective settings and never written back unless the user saves settings.

use clap::Parser;
use secrecy::SecretString;

use crate::settings::{validate_base_url, Settings, SettingsError};

#[derive(Debug, Clone, Default, Parser)]
#[command(
    name = "acses-kiosk",
    version,
    about = "Touchscreen kiosk for ACSES key lockers"
)]
pub struct LaunchOptions {
    /// Run against the embedded emulator with demo data, whatever the settings say.
    #[arg(long)]
    pub demo: bool,
    /// Full-screen kiosk mode (quitting needs the admin PIN).
    #[arg(long)]
    pub kiosk: bool,
    /// Developer mode: enables the door simulation button.
    #[arg(long)]
    pub dev: bool,
    /// Base URL of the ACSES API (e.g. https://claire.example/api/acses).
    #[arg(long, env = "ACSES_BASE_URL")]
    pub base_url: Option<String>,
    /// API token (prefer the environment variable: command lines are visible to other users).
    #[arg(long, env = "ACSES_TOKEN", hide_env_values = true, value_parser = parse_secret)]
    pub token: Option<SecretString>,
    /// Dealer location id.
    #[arg(long, env = "ACSES_LOCATION")]
    pub location: Option<u64>,
    /// Address of the embedded demo emulator (default: a free loopback port). With a fixed
    /// address, `acses --base-url http://ADDR --token ...` can talk to the same emulator;
    /// in demo mode the emulator then accepts the `--token`/`ACSES_TOKEN` given, if any.
    #[arg(long, env = "ACSES_EMULATOR_ADDR", value_name = "ADDR")]
    pub emulator_addr: Option<std::net::SocketAddr>,
}

fn parse_secret(s: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(s.to_owned()))
}

impl LaunchOptions {
    /// The settings in force for this run: the stored ones with the flags on top.
    /// A flag with a bad value is refused like the same value typed in the settings screen.
    pub fn merge(&self, stored: &Settings) -> Result<Settings, SettingsError> {
        let mut s = stored.clone();
        if self.demo {
            s.api_base_url = None;
        } else if let Some(url) = &self.base_url {
            s.api_base_url = validate_base_url(Some(url))?;
        }
        if let Some(location) = self.location {
            if location == 0 {
                return Err(SettingsError {
                    field: "locationId",
                    code: crate::text::SETTING_LOCATION,
                });
            }
            s.location_id = location;
        }
        s.kiosk_mode |= self.kiosk;
        s.dev_mode |= self.dev;
        Ok(s)
    }

    /// The token in force for this run: the flag/environment one, else the stored one.
    pub fn token(&self, stored: Option<SecretString>) -> Option<SecretString> {
        self.token.clone().or(stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn parse(args: &[&str]) -> LaunchOptions {
        LaunchOptions::try_parse_from(std::iter::once("acses-kiosk").chain(args.iter().copied()))
            .unwrap()
    }

    fn stored() -> Settings {
        Settings {
            api_base_url: Some("https://stored.example/".into()),
            location_id: 5,
            ..Settings::default()
        }
    }

    #[test]
    fn no_flags_keep_the_stored_settings() {
        let o = LaunchOptions::default();
        assert_eq!(o.merge(&stored()).unwrap(), stored());
        let t = o.token(Some(SecretString::from("stored"))).unwrap();
        assert_eq!(t.expose_secret(), "stored");
    }

    #[test]
    fn flags_win() {
        let o = parse(&[
            "--kiosk",
            "--dev",
            "--base-url",
            "https://flag.example/api",
            "--location",
            "82",
            "--token",
            "t0k",
        ]);
        let s = o.merge(&stored()).unwrap();
        assert_eq!(s.api_base_url.as_deref(), Some("https://flag.example/api"));
        assert_eq!(s.location_id, 82);
        assert!(s.kiosk_mode && s.dev_mode);
        assert_eq!(
            o.token(Some(SecretString::from("stored")))
                .unwrap()
                .expose_secret(),
            "t0k"
        );
        assert!(!format!("{o:?}").contains("t0k"));
    }

    #[test]
    fn demo_forces_the_emulator_and_bad_flags_are_refused() {
        let s = parse(&["--demo", "--base-url", "https://flag.example/"])
            .merge(&stored())
            .unwrap();
        assert_eq!(s.api_base_url, None);
        assert_eq!(
            parse(&["--base-url", "http://claire.example/"])
                .merge(&stored())
                .unwrap_err()
                .field,
            "apiBaseUrl"
        );
        assert_eq!(
            parse(&["--location", "0"])
                .merge(&stored())
                .unwrap_err()
                .field,
            "locationId"
        );
        assert!(LaunchOptions::try_parse_from(["acses-kiosk", "--location", "x"]).is_err());
    }

    #[test]
    fn version_flag_is_handled_by_clap() {
        let err = LaunchOptions::try_parse_from(["acses-kiosk", "--version"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayVersion);
    }
}

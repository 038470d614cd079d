//! Any argument list (NUL-separated bytes) to the `acses` command line and to the kiosk's own:
//! parsed or a usage error, never a panic. A parsed kiosk command line merges into settings or
//! is refused naming the field.
#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let args: Vec<&str> = text.split('\0').collect();
    match acses_cli::Cli::try_parse_from(std::iter::once("acses").chain(args.iter().copied())) {
        Ok(_) => {}
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let kiosk =
        kiosk_core::LaunchOptions::try_parse_from(std::iter::once("acses-kiosk").chain(args.iter().copied()));
    if let Ok(options) = kiosk {
        if let Err(e) = options.merge(&kiosk_core::Settings::default()) {
            assert!(!e.code.is_empty() && !e.field.is_empty());
        }
    }
});

//! Defaults and the `ACSES_*` environment fallback. One test in its own process:
//! environment variables are process-wide, so nothing may run beside it.

use acses_api::DealerLocationId;
use acses_cli::cli::{Cli, DEFAULT_BASE_URL, DEFAULT_LOCATION, DEFAULT_TOKEN};
use clap::error::ErrorKind;
use clap::Parser;

const VARS: [&str; 3] = ["ACSES_BASE_URL", "ACSES_TOKEN", "ACSES_LOCATION"];

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("acses").chain(args.iter().copied()))
}

#[test]
fn defaults_then_env_then_flags() {
    for v in VARS {
        std::env::remove_var(v);
    }
    // Out of the box: the local emulator's address, token and location.
    let g = parse(&["lockers"]).unwrap().global;
    assert_eq!(g.base_url, DEFAULT_BASE_URL);
    assert_eq!(DEFAULT_BASE_URL, "http://127.0.0.1:8787");
    assert_eq!(g.token, DEFAULT_TOKEN);
    assert_eq!(g.location, DealerLocationId(DEFAULT_LOCATION));
    assert_eq!(DEFAULT_LOCATION, 82);
    assert!(!g.json);

    std::env::set_var("ACSES_BASE_URL", "https://clairedev.nl/api/acses");
    std::env::set_var("ACSES_TOKEN", "env-secret-token-123");
    std::env::set_var("ACSES_LOCATION", "83");
    let g = parse(&["history"]).unwrap().global;
    assert_eq!(g.base_url, "https://clairedev.nl/api/acses");
    assert_eq!(g.token, "env-secret-token-123");
    assert_eq!(g.location, DealerLocationId(83));

    // Flags win over the environment.
    let g = parse(&["--token", "flag-token", "--location", "84", "history"])
        .unwrap()
        .global;
    assert_eq!(g.token, "flag-token");
    assert_eq!(g.location, DealerLocationId(84));
    assert_eq!(g.base_url, "https://clairedev.nl/api/acses");

    // Help names the variable but never shows the token's value; the others show theirs.
    let help = parse(&["lockers", "--help"]).unwrap_err().to_string();
    assert!(help.contains("ACSES_TOKEN"), "{help}");
    assert!(!help.contains("env-secret-token-123"), "{help}");
    assert!(help.contains("ACSES_LOCATION=83"), "{help}");

    // A bad value in the environment is a usage error too.
    std::env::set_var("ACSES_LOCATION", "not-a-number");
    let e = parse(&["lockers"]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
    assert_eq!(e.exit_code(), 2);

    for v in VARS {
        std::env::remove_var(v);
    }
}

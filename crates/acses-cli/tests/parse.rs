//! Command-line parsing: `Cli::try_parse_from` only, no I/O.
//!
//! These tests pass every option they check explicitly, so an `ACSES_*`
//! variable in the developer's shell cannot change their outcome (defaults and
//! env fallback are tested in `env.rs`, in a process of their own).

use acses_api::{AppointmentId, AppointmentNoteId, DealerLocationId, LockerSystemId, ObjectStatus};
use acses_cli::cli::{Cli, Command};
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use proptest::prelude::*;

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("acses").chain(args.iter().copied()))
}

fn ok(args: &[&str]) -> Cli {
    parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn usage_error(args: &[&str]) -> ErrorKind {
    match parse(args) {
        Ok(cli) => panic!("{args:?} parsed: {cli:?}"),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{args:?}: usage errors exit 2");
            e.kind()
        }
    }
}

#[test]
fn clap_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn every_subcommand_parses_with_its_arguments() {
    assert!(matches!(ok(&["lockers"]).command, Command::Lockers));
    assert!(matches!(
        ok(&["appointments"]).command,
        Command::Appointments
    ));

    match ok(&["pickup", "120301"]).command {
        Command::Pickup(a) => assert_eq!(a.appointment, AppointmentId(120301)),
        other => panic!("{other:?}"),
    }
    match ok(&["assist-pickup", "7"]).command {
        Command::AssistPickup(a) => assert_eq!(a.appointment, AppointmentId(7)),
        other => panic!("{other:?}"),
    }
    match ok(&["drop-back", "5", "--locker", "151", "--note", "9"]).command {
        Command::DropBack(a) => {
            assert_eq!(a.appointment, AppointmentId(5));
            assert_eq!(a.locker, LockerSystemId::from("151"));
            assert_eq!(a.note, Some(AppointmentNoteId(9)));
        }
        other => panic!("{other:?}"),
    }
    match ok(&["drop-back", "--locker", "A-1", "5"]).command {
        Command::DropBack(a) => {
            assert_eq!(a.locker.as_str(), "A-1", "locker ids are opaque text");
            assert_eq!(a.note, None);
        }
        other => panic!("{other:?}"),
    }
    match ok(&["history"]).command {
        Command::History(h) => {
            assert!(!h.follow);
            assert_eq!(h.interval_ms, 1000);
        }
        other => panic!("{other:?}"),
    }
    match ok(&["history", "-f", "--interval-ms", "250"]).command {
        Command::History(h) => {
            assert!(h.follow);
            assert_eq!(h.interval_ms, 250);
        }
        other => panic!("{other:?}"),
    }
    match ok(&[
        "simulate", "--locker", "151", "--code", "0042", "--action", "dropoff",
    ])
    .command
    {
        Command::Simulate(s) => {
            assert_eq!(s.locker.as_str(), "151");
            assert_eq!(s.code, "0042", "leading zeros kept: a PIN is text");
            assert_eq!(s.action, ObjectStatus::Dropoff);
        }
        other => panic!("{other:?}"),
    }
    match ok(&[
        "simulate", "--locker", "151", "--code", "1", "--action", "checkout",
    ])
    .command
    {
        Command::Simulate(s) => assert_eq!(s.action, ObjectStatus::Checkout),
        other => panic!("{other:?}"),
    }
    match ok(&[
        "emulator",
        "--addr",
        "0.0.0.0:9000",
        "--booking-ttl",
        "60",
        "--history",
        "50",
    ])
    .command
    {
        Command::Emulator(e) => {
            assert_eq!(e.addr, "0.0.0.0:9000".parse().unwrap());
            assert_eq!(e.booking_ttl, 60);
            assert_eq!(e.history, 50);
        }
        other => panic!("{other:?}"),
    }
    match ok(&["emulator"]).command {
        Command::Emulator(e) => {
            assert_eq!(e.addr, "127.0.0.1:8787".parse().unwrap());
            assert_eq!(e.booking_ttl, 900);
            assert_eq!(e.history, 0);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn global_options_go_before_or_after_the_subcommand() {
    let before = ok(&[
        "--base-url",
        "https://clairedev.nl/api/acses/",
        "--token",
        "t1",
        "--location",
        "83",
        "--json",
        "lockers",
    ]);
    let after = ok(&[
        "lockers",
        "--base-url",
        "https://clairedev.nl/api/acses/",
        "--token",
        "t1",
        "--location",
        "83",
        "--json",
    ]);
    for cli in [before, after] {
        let g = cli.global;
        assert_eq!(
            g.base_url, "https://clairedev.nl/api/acses",
            "trailing slash dropped"
        );
        assert_eq!(g.token, "t1");
        assert_eq!(g.location, DealerLocationId(83));
        assert!(g.json);
    }
    // A repeated option means its last value.
    let cli = ok(&["--location", "82", "lockers", "--location", "83"]);
    assert_eq!(cli.global.location, DealerLocationId(83));
}

#[test]
fn non_numeric_or_negative_ids_are_usage_errors() {
    for args in [
        &["pickup", "abc"][..],
        &["pickup", "12x"],
        &["pickup", "-5"],
        &["pickup", "1.5"],
        &["assist-pickup", ""],
        &["drop-back", "x", "--locker", "151"],
        &["drop-back", "1", "--locker", "151", "--note", "n"],
        &["--location", "eighty-two", "lockers"],
        &["--location", "-1", "lockers"],
        &["pickup", "99999999999999999999999"],
    ] {
        let kind = usage_error(args);
        assert!(
            matches!(
                kind,
                ErrorKind::ValueValidation | ErrorKind::UnknownArgument
            ),
            "{args:?}: {kind:?}"
        );
    }
}

#[test]
fn missing_required_arguments_are_usage_errors() {
    assert_eq!(
        usage_error(&["drop-back", "1"]),
        ErrorKind::MissingRequiredArgument
    );
    assert_eq!(
        usage_error(&["drop-back", "--locker", "151"]),
        ErrorKind::MissingRequiredArgument
    );
    assert_eq!(usage_error(&["pickup"]), ErrorKind::MissingRequiredArgument);
    assert_eq!(
        usage_error(&["simulate", "--locker", "151", "--action", "checkout"]),
        ErrorKind::MissingRequiredArgument
    );
    assert_eq!(
        usage_error(&["simulate", "--locker", "151", "--code", "1"]),
        ErrorKind::MissingRequiredArgument
    );
    assert_eq!(
        usage_error(&[]),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
}

#[test]
fn invalid_values_are_usage_errors() {
    for args in [
        &[
            "simulate", "--locker", "151", "--code", "1", "--action", "open",
        ][..],
        &[
            "simulate",
            "--locker",
            "151",
            "--code",
            "1",
            "--action",
            "registered",
        ],
        &[
            "simulate", "--locker", "", "--code", "1", "--action", "checkout",
        ],
        &[
            "simulate", "--locker", "151", "--code", "  ", "--action", "checkout",
        ],
        &["drop-back", "1", "--locker", " "],
        &["history", "-f", "--interval-ms", "0"],
        &["history", "-f", "--interval-ms", "99"],
        &["history", "-f", "--interval-ms", "soon"],
        &["emulator", "--addr", "localhost"],
        &["emulator", "--addr", "127.0.0.1:99999"],
        &["emulator", "--booking-ttl", "0"],
        &["--base-url", "ftp://example.com", "lockers"],
        &["--base-url", "not a url", "lockers"],
        &["--base-url", "http://h/?q=1", "lockers"],
        &["--token", "", "lockers"],
        &["--token", "   ", "lockers"],
    ] {
        let kind = usage_error(args);
        assert!(
            matches!(kind, ErrorKind::ValueValidation | ErrorKind::InvalidValue),
            "{args:?}: {kind:?}"
        );
    }
    // `-1` reads as an option, not a value: still a usage error.
    usage_error(&["emulator", "--history", "-1"]);
    // An interval means nothing without --follow: say so rather than ignore it.
    assert_eq!(
        usage_error(&["history", "--interval-ms", "500"]),
        ErrorKind::MissingRequiredArgument
    );
    assert_eq!(usage_error(&["frobnicate"]), ErrorKind::InvalidSubcommand);
    assert_eq!(
        usage_error(&["lockers", "--follow"]),
        ErrorKind::UnknownArgument
    );
    assert_eq!(
        usage_error(&["lockers", "extra"]),
        ErrorKind::UnknownArgument
    );
}

#[test]
fn every_subcommand_has_help_with_a_description_and_an_example() {
    let top = Cli::command();
    for sub in top.get_subcommands() {
        let name = sub.get_name();
        if name == "help" {
            continue;
        }
        let about = sub.get_about().map(|s| s.to_string()).unwrap_or_default();
        assert!(
            !about.is_empty() && !about.contains('\n'),
            "{name}: one-line about"
        );
        let e = parse(&[name, "--help"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::DisplayHelp);
        assert_eq!(e.exit_code(), 0);
        let help = e.to_string();
        assert!(help.contains("Example"), "{name}: {help}");
        assert!(help.contains(&format!("acses {name}")), "{name}: {help}");
    }
    let help = parse(&["--help"]).unwrap_err().to_string();
    for word in [
        "127.0.0.1:8787",
        "demo-token",
        "82",
        "Exit codes",
        "ACSES_TOKEN",
    ] {
        assert!(help.contains(word), "top-level help lacks {word}: {help}");
    }
}

#[test]
fn help_does_not_show_the_tokens_env_value() {
    // The value is never read here: hide_env_values is a property of the arg.
    let cmd = Cli::command();
    let token = cmd
        .get_arguments()
        .find(|a| a.get_id() == "token")
        .expect("--token");
    assert!(token.is_hide_env_values_set());
    assert_eq!(
        token.get_env().and_then(|e| e.to_str()),
        Some("ACSES_TOKEN")
    );
}

/// Words the parser knows, to reach deep into subcommands, mixed with noise.
fn arg() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "emulator",
            "lockers",
            "appointments",
            "pickup",
            "assist-pickup",
            "drop-back",
            "history",
            "simulate",
            "help",
            "--base-url",
            "--token",
            "--location",
            "--json",
            "--addr",
            "--booking-ttl",
            "--history",
            "--follow",
            "-f",
            "--interval-ms",
            "--locker",
            "--note",
            "--code",
            "--action",
            "dropoff",
            "checkout",
            "--",
            "-",
            "--help",
            "-h",
            "--version",
            "151",
            "0",
            "-1",
            "120301",
            "18446744073709551616",
            "http://127.0.0.1:1",
            "127.0.0.1:0",
            "=",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
        "[ -~]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_arguments_never_panic(args in prop::collection::vec(arg(), 0..8)) {
        let argv = std::iter::once("acses".to_owned()).chain(args);
        match Cli::try_parse_from(argv) {
            Ok(_) => {}
            Err(e) => {
                // Help/version exit 0, everything else is a usage error.
                prop_assert!(matches!(e.exit_code(), 0 | 2), "{:?}", e.kind());
                let _ = e.to_string();
            }
        }
    }
}

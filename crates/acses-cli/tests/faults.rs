//! `acses emulator --fault ...`: the fault scripts reach the emulator it serves, and the other
//! commands meet them as any client would.

mod common;

use std::time::Duration;

use acses_cli::{Cli, Command};
use clap::Parser;
use common::*;
use proptest::prelude::*;
use tokio::sync::oneshot;

#[test]
fn fault_options_parse_repeat_and_refuse_with_a_reason() {
    let cli = Cli::try_parse_from([
        "acses",
        "emulator",
        "--fault",
        "history=503/2,ok",
        "--fault",
        "pickup=delay:1500,drop*",
    ])
    .unwrap();
    let Command::Emulator(args) = cli.command else {
        panic!("not the emulator")
    };
    let shown: Vec<String> = args.faults.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["history=503/2,ok", "pickup=delay:1500,drop*"]);

    for bad in [
        "history",
        "nowhere=503",
        "history=",
        "history=200",
        "history=503*,ok",
        "history=huge:1t",
    ] {
        let err = Cli::try_parse_from(["acses", "emulator", "--fault", bad]).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{bad}");
        let text = err.to_string();
        assert!(text.contains("--fault"), "{bad}: {text}");
        // The reason follows the value: more than clap's bare "invalid value".
        let reason = text.lines().next().unwrap_or_default();
        assert!(
            reason.len()
                > format!("error: invalid value '{bad}' for '--fault <ENDPOINT=STEPS>': ").len(),
            "{bad}: {text}"
        );
    }
}

#[tokio::test]
async fn the_served_emulator_answers_the_script() {
    let cli = Cli::try_parse_from([
        "acses",
        "--token",
        TOKEN,
        "emulator",
        "--addr",
        "127.0.0.1:0",
        "--fault",
        "lockers=503/1,ok",
        "--fault",
        "pickup=429/60*",
    ])
    .unwrap();
    let (out, err) = (SharedBuf::default(), SharedBuf::default());
    let (stop, stopped) = oneshot::channel::<()>();
    let (mut o, mut e) = (out.clone(), err.clone());
    let task = tokio::spawn(async move {
        acses_cli::run_until(cli, &mut o, &mut e, async {
            let _ = stopped.await;
        })
        .await
    });
    let text = out
        .wait_for("the listening line", |t| t.contains("Ctrl-C"))
        .await;
    let url = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("ACSES emulator listening on "))
        .and_then(|l| l.split_once(" (token"))
        .map(|(u, _)| u.to_owned())
        .expect("the listening line");
    assert!(err.text().contains("injecting faults: lockers=503/1,ok"));

    // The CLI does not retry: the first lockers call meets the 503, the second is served.
    let e = run_err(&url, &["lockers"]).await;
    assert!(e.to_string().contains("503"), "{e}");
    assert!(run_ok(&url, &["lockers"]).await.contains("151"));
    // Sticky: every pickup is rate limited.
    for _ in 0..2 {
        let e = run_err(&url, &["pickup", "120301"]).await;
        assert!(e.to_string().contains("429"), "{e}");
    }
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("stops")
        .unwrap()
        .unwrap();
}

fn step_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("ok".to_owned()),
        (400u16..600).prop_map(|s| s.to_string()),
        (400u16..600, 0u64..100_000).prop_map(|(s, a)| format!("{s}/{a}")),
        (0u64..3_600_000).prop_map(|ms| format!("delay:{ms}")),
        Just("drop".to_owned()),
        Just("truncate".to_owned()),
        Just("malformed".to_owned()),
        (0u64..(64 << 30)).prop_map(|b| format!("huge:{b}")),
        Just("garbage".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Every well-formed spec parses and prints back to itself.
    #[test]
    fn fault_specs_round_trip(
        endpoint in prop::sample::select(acses_emulator::Endpoint::ALL.to_vec()),
        steps in prop::collection::vec(step_text(), 0..5),
        sticky in prop::option::of(step_text()),
    ) {
        let mut parts = steps.clone();
        if let Some(s) = &sticky {
            parts.push(format!("{s}*"));
        }
        prop_assume!(!parts.is_empty());
        let text = format!("{endpoint}={}", parts.join(","));
        let spec: acses_emulator::FaultSpec = text.parse().map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(spec.to_string(), text);
    }

    /// Any text: a spec or a sentence saying why not, never a panic.
    #[test]
    fn any_fault_text_is_a_spec_or_a_reason(text in ".{0,40}") {
        if let Err(reason) = text.parse::<acses_emulator::FaultSpec>() {
            prop_assert!(!reason.is_empty());
        }
        let argv = ["acses", "emulator", "--fault", text.as_str()];
        if let Err(e) = Cli::try_parse_from(argv) {
            prop_assert_eq!(e.exit_code(), 2);
        }
    }
}

/// Words the parser knows (without `--`, after which anything is a positional), mixed with noise.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "emulator",
            "lockers",
            "pickup",
            "drop-back",
            "history",
            "simulate",
            "--base-url",
            "--location",
            "--locker",
            "--code",
            "--action",
            "--fault",
            "--follow",
            "--interval-ms",
            "--json",
            "120301",
            "x",
            "-1",
            "history=503",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,10}".prop_filter("not --", |s| s != "--"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Every refusal of the command line is a usage error with a message and a way to help,
    /// and never repeats the token given with it.
    #[test]
    fn refusals_are_clear_and_never_echo_the_token(
        before in prop::collection::vec(word(), 0..4),
        after in prop::collection::vec(word(), 0..4),
    ) {
        const SECRET: &str = "tok-7Qz-secret";
        let token = format!("--token={SECRET}");
        let argv: Vec<&str> = std::iter::once("acses")
            .chain(before.iter().map(String::as_str))
            .chain(std::iter::once(token.as_str()))
            .chain(after.iter().map(String::as_str))
            .collect();
        if let Err(e) = Cli::try_parse_from(&argv) {
            let text = e.to_string();
            if e.exit_code() == 2 {
                prop_assert!(text.starts_with("error:"), "{text}");
                prop_assert!(text.contains("--help") || text.contains("Usage"), "{text}");
            }
            prop_assert!(!text.contains(SECRET), "{argv:?}: {text}");
        }
    }
}

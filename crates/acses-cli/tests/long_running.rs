//! `history --follow` and `emulator`, run in-process with a stop signal the test controls.

mod common;

use std::time::Duration;

use acses_cli::{Cli, CliError};
use acses_emulator::{Fault, HistoryEntry};
use axum::http::StatusCode;
use clap::Parser;
use common::*;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const LOCATION: u64 = 82;

struct Running {
    out: SharedBuf,
    err: SharedBuf,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), CliError>>,
}

impl Running {
    fn start(cli: Cli) -> Running {
        let (out, err) = (SharedBuf::default(), SharedBuf::default());
        let (stop, stopped) = oneshot::channel::<()>();
        let (mut o, mut e) = (out.clone(), err.clone());
        let task = tokio::spawn(async move {
            acses_cli::run_until(cli, &mut o, &mut e, async {
                let _ = stopped.await;
            })
            .await
        });
        Running {
            out,
            err,
            stop: Some(stop),
            task,
        }
    }

    /// Sends the stop signal (Ctrl-C's stand-in) and returns the command's result.
    async fn stop(mut self) -> Result<(), CliError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(10), &mut self.task)
            .await
            .expect("the command stops promptly")
            .expect("the command does not panic")
    }
}

/// Pickup + checkout at the door: returns the PIN that was used.
async fn door_checkout(url: &str, appointment: u64) -> String {
    let pin = run_json(url, &["pickup", &appointment.to_string()]).await["acses_pin"]
        .as_str()
        .expect("a PIN")
        .to_owned();
    let args = [
        "simulate", "--locker", "151", "--code", &pin, "--action", "checkout",
    ];
    run_ok(url, &args).await;
    pin
}

fn appointments_with_keys(emu: &acses_emulator::RunningEmulator) -> Vec<u64> {
    let world = emu.state().snapshot();
    world
        .appointments
        .iter()
        .filter(|a| a.location_id == LOCATION && world.keys_of(a.id).is_some())
        .map(|a| a.id)
        .collect()
}

#[tokio::test]
async fn follow_prints_each_new_event_once_and_survives_transient_errors() {
    let emu = emulator().await;
    let url = emu.base_url();
    assert_eq!(emu.state().seed_history(LOCATION, 5), 5);
    let with_keys = appointments_with_keys(&emu);
    assert!(with_keys.len() >= 2);

    let follow = Running::start(cli(&url, &["history", "--follow", "--interval-ms", "100"]));
    follow
        .err
        .wait_for("the banner", |t| {
            t.contains("Following door events at location 82")
        })
        .await;

    let first = door_checkout(&url, with_keys[0]).await;
    let text = follow
        .out
        .wait_for("the first event", |t| t.contains(&format!("code {first}")))
        .await;
    assert_eq!(
        text.lines().count(),
        1,
        "the 5 old events are not printed: {text}"
    );
    assert!(
        text.contains("keys picked up") && text.contains("locker 151"),
        "{text}"
    );

    // Two failing polls: one warning for the streak, then a note when it recovers.
    let fault = Fault {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        retry_after_secs: None,
    };
    emu.state().fail_next(2, fault);
    follow
        .err
        .wait_for("the recovery note", |t| t.contains("answers again"))
        .await;
    let err = follow.err.text();
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(
        err.contains("warning: the API failed (500 Internal Server Error)"),
        "{err}"
    );

    let second = door_checkout(&url, with_keys[1]).await;
    follow
        .out
        .wait_for("the second event", |t| {
            t.contains(&format!("code {second}"))
        })
        .await;
    // Several more polls see the same history: nothing is printed twice.
    tokio::time::sleep(Duration::from_millis(350)).await;
    let text = follow.out.text();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert_eq!(text.matches(&format!("code {first}")).count(), 1);
    assert_eq!(text.matches(&format!("code {second}")).count(), 1);

    follow.stop().await.expect("Ctrl-C ends follow cleanly");
}

#[tokio::test]
async fn follow_json_is_one_object_per_line_including_unreadable_entries() {
    let emu = emulator().await;
    let url = emu.base_url();
    let with_keys = appointments_with_keys(&emu);

    let follow = Running::start(cli(
        &url,
        &["history", "--follow", "--json", "--interval-ms", "100"],
    ));
    follow
        .err
        .wait_for("the banner", |t| t.contains("Following"))
        .await;

    let pin = door_checkout(&url, with_keys[0]).await;
    // An entry with neither a readable content nor an id: shown once, by content.
    emu.state().with_world(|w| {
        let at = w.history.last().map(|h| h.sent_date).unwrap();
        w.history.push(HistoryEntry {
            location_id: Some(LOCATION),
            webhook_event_id: String::new(),
            sent_content: "<html>oops</html>".to_owned(),
            response_status: "500".to_owned(),
            response_content: String::new(),
            sent_date: at,
        });
    });
    let text = follow
        .out
        .wait_for("two lines", |t| t.lines().count() >= 2)
        .await;
    tokio::time::sleep(Duration::from_millis(350)).await;
    let text = {
        let now = follow.out.text();
        assert_eq!(now, text, "no repeats on later polls");
        now
    };
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["code"], pin.as_str());
    assert_eq!(lines[0]["action"], "checkout");
    assert_eq!(lines[0]["readable"], true);
    assert_eq!(lines[1]["readable"], false);
    assert!(lines[1]["code"].is_null());

    follow.stop().await.unwrap();
}

#[tokio::test]
async fn follow_stops_on_a_non_transient_error() {
    let emu = emulator().await;
    let follow = Running::start(cli(
        &emu.base_url(),
        &["history", "--follow", "--interval-ms", "100"],
    ));
    follow
        .err
        .wait_for("banner", |t| t.contains("Following"))
        .await;
    emu.state().fail_next(
        1,
        Fault {
            status: StatusCode::UNAUTHORIZED,
            retry_after_secs: None,
        },
    );
    let result = tokio::time::timeout(Duration::from_secs(10), follow.task)
        .await
        .expect("follow ends by itself")
        .unwrap();
    let e = result.unwrap_err();
    assert!(e.to_string().contains("401 Unauthorized"), "{e}");
}

#[tokio::test]
async fn follow_with_a_wrong_token_fails_at_once() {
    let emu = emulator().await;
    let url = emu.base_url();
    let cli = Cli::try_parse_from([
        "acses",
        "--base-url",
        &url,
        "--token",
        "nope",
        "history",
        "--follow",
    ])
    .unwrap();
    let follow = Running::start(cli);
    let result = tokio::time::timeout(Duration::from_secs(5), follow.task)
        .await
        .expect("no polling loop on a wrong token")
        .unwrap();
    assert!(result.unwrap_err().to_string().contains("401"));
}

fn parse_listening_line(text: &str) -> (String, String) {
    let line = text.lines().next().unwrap();
    let rest = line
        .strip_prefix("ACSES emulator listening on ")
        .unwrap_or_else(|| panic!("{line}"));
    let (url, token) = rest.split_once(" (token: ").unwrap();
    (url.to_owned(), token.trim_end_matches(')').to_owned())
}

#[tokio::test]
async fn emulator_serves_demo_data_with_seeded_history_until_stopped() {
    let cli = Cli::try_parse_from([
        "acses",
        "--token",
        TOKEN,
        "emulator",
        "--addr",
        "127.0.0.1:0",
        "--history",
        "4",
    ])
    .unwrap();
    let emu = Running::start(cli);
    let text = emu
        .out
        .wait_for("the listening line", |t| t.contains("Ctrl-C"))
        .await;
    let (url, token) = parse_listening_line(&text);
    assert_eq!(token, TOKEN);
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );

    assert!(run_ok(&url, &["lockers"]).await.contains("151"));
    let json = run_json(&url, &["history"]).await;
    assert_eq!(json["events"].as_array().map(Vec::len), Some(4), "{json}");

    emu.stop().await.expect("stops cleanly");
    let err = run_err(&url, &["lockers"]).await;
    assert!(err.to_string().starts_with("cannot reach"), "{err}");
}

#[tokio::test]
async fn emulator_json_line_and_booking_ttl() {
    let cli = Cli::try_parse_from([
        "acses",
        "--json",
        "emulator",
        "--addr",
        "127.0.0.1:0",
        "--booking-ttl",
        "1",
    ])
    .unwrap();
    let emu = Running::start(cli);
    let text = emu.out.wait_for("a line", |t| t.ends_with('\n')).await;
    let doc: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(doc["token"], "demo-token", "the default token");
    let url = doc["listening"].as_str().unwrap().to_owned();

    // With the defaults for token and location, `acses pickup` just works.
    let mut argv = vec!["acses", "--base-url", &url];
    argv.extend(["--json", "pickup", "120301"]);
    let mut out = Vec::new();
    acses_cli::run(Cli::try_parse_from(argv).unwrap(), &mut out)
        .await
        .unwrap();
    let pin: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let pin = pin["acses_pin"].as_str().unwrap().to_owned();

    // A 1 s booking TTL: the PIN no longer opens the door after it.
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let argv = [
        "acses",
        "--base-url",
        &url,
        "simulate",
        "--locker",
        "151",
        "--code",
        &pin,
        "--action",
        "checkout",
    ];
    let e = acses_cli::run(Cli::try_parse_from(argv).unwrap(), &mut Vec::new())
        .await
        .unwrap_err();
    assert_eq!(e.api_error().and_then(|e| e.status()), Some(404), "{e}");
    emu.stop().await.unwrap();
}

#[tokio::test]
async fn emulator_notes_when_the_location_has_no_demo_locker() {
    let cli = Cli::try_parse_from([
        "acses",
        "--location",
        "9",
        "emulator",
        "--addr",
        "127.0.0.1:0",
        "--history",
        "3",
    ])
    .unwrap();
    let emu = Running::start(cli);
    emu.out
        .wait_for("listening", |t| t.contains("listening"))
        .await;
    assert!(
        emu.err.text().contains("location 9 has no demo locker"),
        "{}",
        emu.err.text()
    );
    emu.stop().await.unwrap();
}

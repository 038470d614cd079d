//! Failures end as one clear line and exit code 1.

mod common;

use acses_cli::{Cli, CliError};
use clap::Parser;
use common::*;

#[tokio::test]
async fn wrong_token_is_one_line_naming_the_option_and_env_var() {
    let emu = emulator().await;
    let url = emu.base_url();
    for args in [&["lockers"][..], &["pickup", "120301"], &["history"]] {
        let mut argv = vec!["acses", "--base-url", &url, "--token", "wrong-token"];
        argv.extend_from_slice(args);
        let mut out = Vec::new();
        let err = acses_cli::run(Cli::try_parse_from(argv).unwrap(), &mut out)
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the API rejected the token (401 Unauthorized). Check --token / ACSES_TOKEN."
        );
        assert_eq!(err.exit_code(), 1);
        assert!(out.is_empty(), "nothing on stdout on error");
    }
}

#[tokio::test]
async fn closed_port_says_cannot_reach_and_suggests_the_emulator() {
    let url = closed_port_url();
    for args in [
        &["lockers"][..],
        &["appointments"],
        &["pickup", "1"],
        &["assist-pickup", "1"],
        &["drop-back", "1", "--locker", "151"],
        &["history"],
        &["history", "--follow"],
        &[
            "simulate", "--locker", "151", "--code", "1", "--action", "dropoff",
        ],
    ] {
        let err = run_err(&url, args).await;
        assert_eq!(
            err.to_string(),
            format!("cannot reach {url} — is the API (or `acses emulator`) running?"),
            "{args:?}"
        );
        assert_eq!(err.exit_code(), 1);
    }
}

#[tokio::test]
async fn unknown_appointment_shows_the_servers_message() {
    let emu = emulator().await;
    let err = run_err(&emu.base_url(), &["pickup", "999999"]).await;
    let line = err.to_string();
    assert!(
        line.contains("999999") && line.ends_with("(404 Not Found)"),
        "{line}"
    );
    assert_eq!(err.api_error().and_then(|e| e.status()), Some(404));
}

#[tokio::test]
async fn a_base_url_that_is_not_the_api_says_check_base_url() {
    let emu = emulator().await;
    // The emulator's routes sit under / and /api/acses; /nowhere has none.
    let url = format!("{}/nowhere", emu.base_url());
    let err = run_err(&url, &["lockers"]).await;
    let line = err.to_string();
    assert!(line.contains("(404 Not Found)"), "{line}");
    assert!(
        line.ends_with(&format!("Check --base-url ({url}).")),
        "{line}"
    );
    assert!(!line.contains('\n'));
}

#[tokio::test]
async fn server_errors_are_reported_with_status_and_advice() {
    use acses_emulator::Fault;
    use axum::http::StatusCode;
    let emu = emulator().await;
    let url = emu.base_url();
    let fault = |status, retry_after_secs| Fault {
        status,
        retry_after_secs,
    };

    emu.state()
        .fail_next(1, fault(StatusCode::SERVICE_UNAVAILABLE, Some(7)));
    let line = run_err(&url, &["lockers"]).await.to_string();
    assert!(line.contains("503 Service Unavailable"), "{line}");
    assert!(line.ends_with("Try again in 7s."), "{line}");

    emu.state()
        .fail_next(1, fault(StatusCode::INTERNAL_SERVER_ERROR, None));
    let line = run_err(&url, &["appointments"]).await.to_string();
    assert!(
        line.starts_with("the API failed (500 Internal Server Error)"),
        "{line}"
    );
    assert!(
        line.to_lowercase().matches("try again").count() == 1,
        "advice given once: {line}"
    );

    emu.state()
        .fail_next(1, fault(StatusCode::TOO_MANY_REQUESTS, Some(3)));
    let line = run_err(&url, &["history"]).await.to_string();
    assert!(
        line.contains("429") && line.ends_with("Try again in 3s."),
        "{line}"
    );

    // No automatic retry: each command consumed exactly its one fault, so this succeeds.
    run_ok(&url, &["lockers"]).await;
}

#[tokio::test]
async fn emulator_on_a_busy_port_is_one_clear_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let cli = Cli::try_parse_from(["acses", "emulator", "--addr", &addr]).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = acses_cli::run_until(cli, &mut out, &mut err, std::future::pending()).await;
    let e = result.unwrap_err();
    assert!(matches!(e, CliError::Listen { .. }), "{e:?}");
    let line = e.to_string();
    assert!(
        line.starts_with(&format!(
            "cannot listen on {addr}: the address is already in use"
        )),
        "{line}"
    );
    assert!(!line.contains('\n'));
    assert_eq!(e.exit_code(), 1);
    assert!(out.is_empty());
}

#[tokio::test]
async fn an_invalid_token_for_http_is_a_configuration_error_without_the_token() {
    let url = closed_port_url();
    let secret = "abc\u{7f}def-secret";
    let cli =
        Cli::try_parse_from(["acses", "--base-url", &url, "--token", secret, "lockers"]).unwrap();
    let e = acses_cli::run(cli, &mut Vec::new()).await.unwrap_err();
    let line = e.to_string();
    assert!(line.starts_with("invalid configuration:"), "{line}");
    assert!(!line.contains("secret"), "token echoed: {line}");
}

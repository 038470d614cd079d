//! `acses emulator`'s service-shape flags: how they parse into the emulator's config, and an
//! emulator started with them serving that shape (run in-process).

mod common;

use std::num::NonZeroUsize;
use std::time::Duration;

use acses_api::{Client, ClientConfig, DealerLocationId, RetryPolicy};
use acses_cli::cli::{Cli, Command, EmulatorArgs};
use acses_emulator::{EmulatorConfig, HistoryOrder, HistoryShape, IdFormat, KeyCase};
use clap::Parser;
use common::*;
use tokio::sync::oneshot;

fn emulator_args(args: &[&str]) -> Result<EmulatorArgs, clap::Error> {
    let argv = ["acses", "emulator"]
        .into_iter()
        .chain(args.iter().copied());
    match Cli::try_parse_from(argv)?.command {
        Command::Emulator(args) => Ok(args),
        other => panic!("{other:?}"),
    }
}

fn shaped(args: &[&str]) -> EmulatorConfig {
    emulator_args(args)
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
        .shaped(EmulatorConfig::default())
}

#[test]
fn without_shape_flags_the_config_is_the_default_one() {
    let config = shaped(&[]);
    assert_eq!(config.history_shape, HistoryShape::default());
    assert!(!config.recycle_codes);
    assert_eq!(config.clock_offset, time::Duration::ZERO);
}

#[test]
fn every_shape_flag_reaches_the_config() {
    let config = shaped(&[
        "--history-order",
        "newest-first",
        "--history-window",
        "500",
        "--ids",
        "numeric",
        "--keys",
        "pascal",
        "--event-keys",
        "document",
        "--codes-as-numbers",
        "--duplicate-events",
        "--recycle-codes",
        "--clock-offset",
        "-90s",
    ]);
    assert_eq!(
        config.history_shape,
        HistoryShape {
            order: HistoryOrder::NewestFirst,
            window: NonZeroUsize::new(500),
            ids: IdFormat::Numeric,
            keys: KeyCase::Pascal,
            event_keys: Some(KeyCase::Document),
            codes_as_numbers: true,
            duplicate_every: NonZeroUsize::new(1),
        }
    );
    assert!(config.recycle_codes);
    assert_eq!(config.clock_offset, time::Duration::seconds(-90));
    let every_third = shaped(&["--duplicate-events", "3", "--clock-offset=+2m"]);
    assert_eq!(
        every_third.history_shape.duplicate_every,
        NonZeroUsize::new(3)
    );
    assert_eq!(every_third.clock_offset, time::Duration::minutes(2));
}

#[test]
fn wrong_shape_values_are_usage_errors() {
    for args in [
        &["--history-order", "sideways"][..],
        &["--history-window", "0"],
        &["--ids", "hex"],
        &["--keys", "kebab"],
        &["--duplicate-events", "0"],
        &["--clock-offset", "5 days"],
        &["--clock-offset", "90"],
    ] {
        let error = emulator_args(args).expect_err(&format!("{args:?} parsed"));
        assert_eq!(error.exit_code(), 2, "{args:?}");
    }
    let error = emulator_args(&["--keys", "kebab"]).unwrap_err().to_string();
    assert!(error.contains("snake camel pascal document"), "{error}");
}

#[tokio::test]
async fn an_emulator_started_with_shape_flags_serves_that_shape() {
    let cli = Cli::try_parse_from([
        "acses",
        "--json",
        "emulator",
        "--addr",
        "127.0.0.1:0",
        "--history",
        "5",
        "--history-order",
        "newest-first",
        "--history-window",
        "3",
        "--ids",
        "numeric",
        "--keys",
        "pascal",
        "--clock-offset",
        "-1h",
    ])
    .unwrap();
    let (out, mut err) = (SharedBuf::default(), SharedBuf::default());
    let (stop, stopped) = oneshot::channel::<()>();
    let mut o = out.clone();
    let task = tokio::spawn(async move {
        acses_cli::run_until(cli, &mut o, &mut err, async {
            let _ = stopped.await;
        })
        .await
    });
    let line = out.wait_for("a line", |t| t.ends_with('\n')).await;
    let doc: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    let url = doc["listening"].as_str().unwrap().to_owned();
    let token = doc["token"].as_str().unwrap().to_owned();
    let client =
        Client::new(ClientConfig::new(url, token).with_retry(RetryPolicy::none())).unwrap();

    let raw = client
        .events_history_raw(DealerLocationId(82))
        .await
        .unwrap();
    let raw: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    let entries = raw["History"].as_array().expect("Pascal-case list");
    assert_eq!(entries.len(), 3, "the window");
    assert!(entries[0]["WebhookEventId"].is_u64(), "{}", entries[0]);
    let decoded = client.events_history(DealerLocationId(82)).await.unwrap();
    let dates: Vec<_> = decoded.iter().map(|h| h.sent_date.unwrap().0).collect();
    assert!(
        dates.windows(2).all(|w| w[0] > w[1]),
        "newest first: {dates:?}"
    );
    // Seeded events are older than the (offset) service clock.
    assert!(dates[0] < time::OffsetDateTime::now_utc() - time::Duration::minutes(59));

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("stops promptly")
        .expect("no panic")
        .expect("stops cleanly");
}

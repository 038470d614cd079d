//! Shared helpers: an emulator on a free port, and `run()` with captured output.
#![allow(dead_code)] // each test file uses a different subset

use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use acses_cli::{Cli, CliError};
use acses_emulator::{EmulatorConfig, RunningEmulator, World};
use clap::Parser;

/// Not the CLI's default, so a test that forgot `--token` fails.
pub const TOKEN: &str = "test-token-9f2c";

pub async fn emulator() -> RunningEmulator {
    let config = EmulatorConfig {
        token: TOKEN.to_owned(),
        ..EmulatorConfig::default()
    };
    acses_emulator::spawn(config, World::demo(), "127.0.0.1:0".parse().unwrap())
        .await
        .expect("emulator binds a free port")
}

/// `acses --base-url <url> --token TOKEN --location 82 <args...>`
pub fn cli(url: &str, args: &[&str]) -> Cli {
    let mut argv = vec![
        "acses",
        "--base-url",
        url,
        "--token",
        TOKEN,
        "--location",
        "82",
    ];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv).expect("test arguments parse")
}

/// Runs a one-shot command; returns stdout or the error.
pub async fn run(url: &str, args: &[&str]) -> Result<String, CliError> {
    let mut out = Vec::new();
    acses_cli::run(cli(url, args), &mut out).await?;
    Ok(String::from_utf8(out).expect("output is UTF-8"))
}

pub async fn run_ok(url: &str, args: &[&str]) -> String {
    match run(url, args).await {
        Ok(out) => out,
        Err(e) => panic!("acses {args:?} failed: {e}"),
    }
}

pub async fn run_json(url: &str, args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.push("--json");
    let out = run_ok(url, &args).await;
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not one JSON document ({e}): {out}"))
}

pub async fn run_err(url: &str, args: &[&str]) -> CliError {
    match run(url, args).await {
        Ok(out) => panic!("acses {args:?} succeeded, printed {out:?}"),
        Err(e) => e,
    }
}

/// A `Write` whose bytes the test can read while the command still runs.
#[derive(Clone, Default)]
pub struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl SharedBuf {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }

    /// Waits (up to 10 s) until the text satisfies `pred`; returns it.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.text();
            if pred(&text) {
                return text;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("timed out waiting for {what}; got {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A local port nothing listens on: bound, then released.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// The PIN is the last line of the text output.
pub fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or_default().trim()
}

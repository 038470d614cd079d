//! The real `acses` binary: help, exit codes, and `acses emulator` as a process.
//! Every child is killed and reaped on the way out, pass or fail.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_acses");

/// `acses` with none of the developer's `ACSES_*` / `RUST_LOG` settings.
fn acses(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    for v in [
        "ACSES_BASE_URL",
        "ACSES_TOKEN",
        "ACSES_LOCATION",
        "RUST_LOG",
    ] {
        cmd.env_remove(v);
    }
    cmd
}

fn output(args: &[&str]) -> Output {
    acses(args).output().expect("the binary runs")
}

/// Kills and reaps the child when dropped, so a failing assertion leaves no process behind.
struct Reaped(Option<Child>);

impl Reaped {
    fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("child present")
    }

    /// Waits up to `limit` for the child to exit by itself.
    fn wait_for_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child().try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn help_lists_every_subcommand_and_exits_0() {
    let out = output(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for sub in [
        "emulator",
        "lockers",
        "appointments",
        "pickup",
        "assist-pickup",
        "drop-back",
        "history",
        "simulate",
    ] {
        assert!(help.contains(sub), "{sub} missing from: {help}");
    }
    let out = output(&["history", "--help"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--follow"));
}

#[test]
fn usage_errors_exit_2_and_api_errors_exit_1_with_one_line() {
    let out = output(&["pickup", "abc"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error:"));
    assert!(out.stdout.is_empty());

    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let a = l.local_addr().unwrap();
        drop(l);
        format!("http://{a}")
    };
    let out = output(&["--base-url", &closed, "lockers"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("error: cannot reach {closed} — is the API (or `acses emulator`) running?\n")
    );
}

#[test]
fn emulator_process_serves_the_api_and_stops() {
    let child = acses(&["emulator", "--addr", "127.0.0.1:0", "--token", "bin-token"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn acses emulator");
    let mut child = Reaped(Some(child));

    // Read the first line on a thread, so a silent child cannot hang the test.
    let stdout = child.child().stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the emulator prints where it listens");
    let rest = line
        .trim()
        .strip_prefix("ACSES emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
    let (url, token) = rest.split_once(" (token: ").unwrap();
    assert_eq!(token, "bin-token)");
    assert!(!url.ends_with(":0"), "the real port is printed: {url}");

    // Call it, as a user would, with the CLI itself.
    let out = output(&[
        "--base-url",
        url,
        "--token",
        "bin-token",
        "--json",
        "lockers",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["lockers"].as_array().is_some_and(|l| !l.is_empty()),
        "{doc}"
    );

    // Ctrl-C (SIGINT) stops it cleanly, where signals can be sent.
    #[cfg(unix)]
    {
        let pid = child.child().id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status();
        if sent.is_ok_and(|s| s.success()) {
            let status = child
                .wait_for_exit(Duration::from_secs(10))
                .expect("the emulator exits on SIGINT");
            assert!(status.success(), "{status:?}");
            let mut stderr = String::new();
            let _ = child
                .child()
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr);
            assert!(stderr.contains("Emulator stopped."), "{stderr}");
        }
    }
    // Otherwise (or if that failed) Drop kills it.
}

#[test]
fn emulator_on_a_busy_port_exits_1_with_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let child = acses(&["emulator", "--addr", &addr])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Reaped(Some(child));
    let status = child
        .wait_for_exit(Duration::from_secs(20))
        .expect("exits by itself");
    assert_eq!(status.code(), Some(1));
    let mut stderr = String::new();
    let _ = child
        .child()
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: cannot listen on {addr}: the address is already in use"
        )),
        "{stderr}"
    );
}

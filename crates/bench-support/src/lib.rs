//! What the benchmark binaries of docs/PERFORMANCE.md share (kiosk-core's poll, the emulator's
//! load generator, the app benches of kiosk-e2e): statistics, command-line values, the line that
//! says which machine the figures came from, and a server run in a child process so that its CPU
//! and memory are not counted with the measuring side.
//!
//! No dependencies: the benches' own crates decide what runs in the child.

use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, Command, Stdio};

/// The value at quantile `q` (0..=1) of `v`, nearest rank; NaN for no values.
pub fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let rank = (q * s.len() as f64).ceil() as usize;
    s[rank.clamp(1, s.len()) - 1]
}

/// The median (nearest rank, the upper one of an even count).
pub fn median(v: &[f64]) -> f64 {
    quantile(v, 0.5)
}

/// A value from the command line: `--name value`. `cargo bench` adds `--bench`; anything this
/// bench does not ask for is ignored.
pub fn arg<T: std::str::FromStr>(name: &str) -> Option<T> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1)?.parse().ok()
}

/// A comma-separated list from the command line: `--name 1,2,3`.
pub fn list_arg(name: &str) -> Option<Vec<usize>> {
    arg::<String>(name).map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
}

/// Whether `--name` is on the command line.
pub fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

/// CPU model, cores and load average: the noise the figures were taken in.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, load average {load} at start")
}

/// This bench binary started again with `args` as a server: it announces its port on stdout
/// ([`announce_port`]) and serves until its stdin closes ([`wait_for_parent`]), which happens
/// when this value is dropped, also when the bench panics.
pub struct ChildServer {
    child: Child,
    pub base_url: String,
}

impl ChildServer {
    pub fn start(args: &[&str]) -> ChildServer {
        let exe = std::env::current_exe().expect("the bench knows its own path");
        let mut child = Command::new(exe)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the child server starts");
        let mut port = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut port);
        }
        let port = port.trim();
        assert!(!port.is_empty(), "the child server did not announce a port");
        let base_url = format!("http://127.0.0.1:{port}");
        ChildServer { child, base_url }
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// In the child: tells the parent where it listens.
pub fn announce_port(port: u16) {
    println!("{port}");
    let _ = std::io::stdout().flush();
}

/// In the child: blocks until the parent closes stdin (it went away or dropped its handle).
pub fn wait_for_parent() {
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 10.0);
        assert_eq!(quantile(&v, 0.95), 19.0);
        assert_eq!(quantile(&v, 1.0), 20.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert!(quantile(&[], 0.5).is_nan());
    }
}

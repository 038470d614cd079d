//! Figure 5 of docs/PERFORMANCE.md: the emulator under load, so it can stand in for the real
//! service in load tests. A Rust load generator on loopback against the emulator in a child
//! process (its own CPU and memory), with a seeded history: requests per second and latency
//! percentiles of `history` (plain and gzip) and `pickup`, alone and together (a history call
//! must not hold up the others: its body is written outside the world lock).
//!
//! Every scenario is bounded in time (`--secs`, default 10) and in requests (`--max`).
//!
//! ```text
//! cargo bench -p acses-emulator --bench load                  # 100k history entries
//! cargo bench -p acses-emulator --bench load -- --history 10000 --secs 5
//! ```

use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use acses_emulator::{demo_ids, EmulatorConfig, World};

const TOKEN: &str = "bench-token-load";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Call {
    History,
    HistoryGzip,
    Pickup,
}

impl Call {
    fn name(self) -> &'static str {
        match self {
            Call::History => "history (plain)",
            Call::HistoryGzip => "history (gzip)",
            Call::Pickup => "pickup",
        }
    }
}

struct Stats {
    call: Call,
    concurrency: usize,
    done: usize,
    errors: usize,
    secs: f64,
    bytes: u64,
    latencies_ms: Vec<f64>,
}

impl Stats {
    fn quantile(&self, q: f64) -> f64 {
        let mut v = self.latencies_ms.clone();
        if v.is_empty() {
            return f64::NAN;
        }
        v.sort_by(|a, b| a.total_cmp(b));
        let rank = (q * v.len() as f64).ceil() as usize;
        v[rank.clamp(1, v.len()) - 1]
    }
}

/// One request; its body read to the end. Ok(bytes) or an error.
async fn call(http: &reqwest::Client, base: &str, what: Call) -> Result<u64, String> {
    let location = demo_ids::WERKPLAATS;
    let req = match what {
        Call::History | Call::HistoryGzip => http
            .post(format!("{base}/v1/events/history"))
            .body(format!("{{\"dealer_location_id\":{location}}}")),
        Call::Pickup => http
            .post(format!("{base}/v1/employees/pickup"))
            .body("{\"appointment_id\":120301}"),
    };
    let mut req = req.bearer_auth(TOKEN);
    if what == Call::HistoryGzip {
        req = req.header("accept-encoding", "gzip");
    }
    let resp = req.send().await.map_err(|e| e.to_string())?;
    let status = resp.status();
    let body = resp.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("status {status}"));
    }
    Ok(body.len() as u64)
}

/// `concurrency` workers calling `what` back to back until `until` or `max` requests in all.
async fn load(
    http: reqwest::Client,
    base: String,
    what: Call,
    concurrency: usize,
    until: Instant,
    max: u64,
) -> Stats {
    let started = Instant::now();
    let issued = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (http, base, issued) = (http.clone(), base.clone(), Arc::clone(&issued));
        workers.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let (mut errors, mut bytes) = (0usize, 0u64);
            while Instant::now() < until && issued.fetch_add(1, Ordering::Relaxed) < max {
                let t = Instant::now();
                match call(&http, &base, what).await {
                    Ok(n) => {
                        lat.push(t.elapsed().as_secs_f64() * 1000.0);
                        bytes += n;
                    }
                    Err(_) => errors += 1,
                }
            }
            (lat, errors, bytes)
        }));
    }
    let mut stats = Stats {
        call: what,
        concurrency,
        done: 0,
        errors: 0,
        secs: 0.0,
        bytes: 0,
        latencies_ms: Vec::new(),
    };
    for w in workers {
        if let Ok((lat, errors, bytes)) = w.await {
            stats.done += lat.len();
            stats.latencies_ms.extend(lat);
            stats.errors += errors;
            stats.bytes += bytes;
        }
    }
    stats.secs = started.elapsed().as_secs_f64();
    stats
}

// ---- the emulator in a child process ------------------------------------------------------

fn serve(history: usize) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let config = EmulatorConfig {
            token: TOKEN.to_owned(),
            ..EmulatorConfig::default()
        };
        let emulator =
            acses_emulator::spawn(config, World::demo(), "127.0.0.1:0".parse().expect("addr"))
                .await
                .expect("emulator starts");
        emulator.state().seed_history(demo_ids::WERKPLAATS, history);
        println!("{}", emulator.addr.port());
        let _ = std::io::stdout().flush();
        let _ = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        })
        .await;
        drop(emulator);
    });
}

struct ChildEmulator(Child);

impl Drop for ChildEmulator {
    fn drop(&mut self) {
        drop(self.0.stdin.take()); // the child stops when its stdin closes
        let _ = self.0.wait();
    }
}

fn start_child(history: usize) -> (ChildEmulator, String) {
    let exe = std::env::current_exe().expect("own path");
    let mut child = Command::new(exe)
        .args(["--serve", &history.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("child emulator starts");
    let mut port = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut port);
    }
    (
        ChildEmulator(child),
        format!("http://127.0.0.1:{}", port.trim()),
    )
}

// ---- main ---------------------------------------------------------------------------------

fn arg<T: std::str::FromStr>(name: &str) -> Option<T> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1)?.parse().ok()
}

fn machine() -> String {
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

fn main() {
    if let Some(history) = arg::<usize>("--serve") {
        serve(history);
        return;
    }
    let history: usize = arg("--history").unwrap_or(100_000);
    let secs: u64 = arg("--secs").unwrap_or(10);
    let max: u64 = arg("--max").unwrap_or(100_000);
    let (_child, base) = start_child(history);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // No automatic gunzip: the generator should spend its CPU on requests, not on inflating.
    let http = reqwest::Client::builder()
        .no_gzip()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");

    println!("machine: {}", machine());
    println!(
        "emulator: child process, {history} history entries at location {}; generator: this process, loopback; {secs} s per scenario\n",
        demo_ids::WERKPLAATS
    );
    println!("| scenario | call | connections | requests | errors | req/s | p50 ms | p99 ms | max ms | MiB/s |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let scenarios: Vec<(&str, Vec<(Call, usize)>)> = vec![
        ("history alone", vec![(Call::History, 1)]),
        ("history alone", vec![(Call::History, 4)]),
        ("history gzip alone", vec![(Call::HistoryGzip, 1)]),
        ("history gzip alone", vec![(Call::HistoryGzip, 4)]),
        ("pickup alone", vec![(Call::Pickup, 16)]),
        (
            "pickup while history is polled",
            vec![(Call::Pickup, 16), (Call::HistoryGzip, 2)],
        ),
    ];
    for (name, calls) in scenarios {
        let results = rt.block_on(async {
            let until = Instant::now() + Duration::from_secs(secs);
            let tasks: Vec<_> = calls
                .iter()
                .map(|&(what, c)| {
                    tokio::spawn(load(http.clone(), base.clone(), what, c, until, max))
                })
                .collect();
            let mut out = Vec::new();
            for t in tasks {
                if let Ok(s) = t.await {
                    out.push(s);
                }
            }
            out
        });
        for s in results {
            println!(
                "| {name} | {} | {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
                s.call.name(),
                s.concurrency,
                s.done,
                s.errors,
                s.done as f64 / s.secs,
                s.quantile(0.5),
                s.quantile(0.99),
                s.quantile(1.0),
                s.bytes as f64 / s.secs / (1024.0 * 1024.0),
            );
        }
    }
}

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

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use acses_emulator::{demo_ids, EmulatorConfig, World};
use bench_support::{arg, machine, ChildServer};

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
        bench_support::quantile(&self.latencies_ms, q)
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
        let config = EmulatorConfig::with_token(TOKEN);
        let emulator =
            acses_emulator::spawn(config, World::demo(), "127.0.0.1:0".parse().expect("addr"))
                .await
                .expect("emulator starts");
        emulator.state().seed_history(demo_ids::WERKPLAATS, history);
        bench_support::announce_port(emulator.addr.port());
        let _ = tokio::task::spawn_blocking(bench_support::wait_for_parent).await;
        drop(emulator);
    });
}

// ---- main ---------------------------------------------------------------------------------

fn main() {
    if let Some(history) = arg::<usize>("--serve") {
        serve(history);
        return;
    }
    let history: usize = arg("--history").unwrap_or(100_000);
    let secs: u64 = arg("--secs").unwrap_or(10);
    let max: u64 = arg("--max").unwrap_or(100_000);
    let child = ChildServer::start(&["--serve", &history.to_string()]);
    let base = child.base_url.clone();
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

//! One poll on a large history, as a table (issue 4, figure 2): CPU time as a ratio to merely
//! skipping the bytes, peak memory with a counting allocator, and the bytes on the wire with and
//! without gzip, fetched over loopback from the emulator in a child process (so its memory and
//! CPU are not counted here).
//!
//! ```text
//! cargo bench -p kiosk-core --bench poll                      # 1k, 10k, 100k entries
//! cargo bench -p kiosk-core --bench poll -- --sizes 100000 --rounds 11
//! valgrind --tool=callgrind --toggle-collect='*measured_*' \
//!     target/release/deps/poll-<hash> --callgrind 100000     # instruction counts (scripts/bench)
//! ```
//!
//! Times are medians of interleaved rounds (skip, steady scan, first scan, one after the other in
//! every round) so that a neighbour's build slows all of them alike; the ratio is taken per round.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use acses_api::history::HistoryScanner;
use bench_support::{machine, median, ChildServer};

mod support;

// ---- a counting allocator: bytes live now and the peak since the last reset ---------------------

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            // Counted as the new block arriving before the old one leaves: a moving realloc
            // holds both for a moment.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Starts a peak measurement; returns the bytes live now.
fn mark() -> usize {
    let now = LIVE.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

/// Peak bytes above `base` since [`mark`].
fn peak_above(base: usize) -> usize {
    PEAK.load(Ordering::Relaxed).saturating_sub(base)
}

/// Resets the kernel's peak-RSS mark of this process (`VmHWM`) and returns the RSS now, KiB.
/// The allocator's count above is address space handed out (a vector that doubled to 128 MiB
/// counts 128 MiB); RSS is what the machine actually gave, pages touched.
fn rss_mark() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    status_kib("VmRSS:")
}

fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

// ---- the measured operations (named for callgrind's --toggle-collect) -----------------------

#[inline(never)]
fn measured_skip(body: &[u8]) -> bool {
    support::skip_only(body)
}

#[inline(never)]
fn measured_steady(s: &mut HistoryScanner, body: &[u8]) -> usize {
    s.scan(body).map(|r| r.new_events.len()).unwrap_or(0)
}

#[inline(never)]
fn measured_first(s: &mut HistoryScanner, body: &[u8]) -> usize {
    s.scan(body).map(|r| r.total).unwrap_or(0)
}

#[inline(never)]
fn measured_decode_everything(body: &[u8]) -> usize {
    support::decode_everything(body)
}

fn baselined(before: &[u8]) -> HistoryScanner {
    let mut s = HistoryScanner::new();
    s.scan(before).expect("generated history is readable");
    s
}

// ---- arguments ----------------------------------------------------------------------------

struct Args {
    sizes: Vec<usize>,
    rounds: usize,
    callgrind: Option<usize>,
    emulator_child: Option<usize>,
    wire: bool,
}

fn args() -> Args {
    Args {
        sizes: bench_support::list_arg("--sizes").unwrap_or_else(|| vec![1_000, 10_000, 100_000]),
        rounds: bench_support::arg("--rounds").unwrap_or(7).max(1),
        callgrind: bench_support::arg("--callgrind"),
        emulator_child: bench_support::arg("--emulator-child"),
        wire: !bench_support::flag("--no-wire"),
    }
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

// ---- CPU and memory of the scan -----------------------------------------------------------

struct CpuRow {
    n: usize,
    body: usize,
    skip_ms: f64,
    steady_ms: f64,
    first_ms: f64,
    naive_ms: f64,
    steady_ratio: f64,
    first_ratio: f64,
    steady_peak: usize,
    first_peak: usize,
    naive_peak: usize,
}

fn cpu_and_memory(n: usize, rounds: usize) -> CpuRow {
    let h = support::histories(n, 3);
    let (mut skip, mut steady, mut first, mut naive) = (vec![], vec![], vec![], vec![]);
    let (mut steady_r, mut first_r) = (vec![], vec![]);
    for _ in 0..rounds {
        let t = Instant::now();
        assert!(measured_skip(&h.after));
        let t_skip = ms(t.elapsed());

        let mut s = baselined(&h.before);
        let t = Instant::now();
        assert_eq!(measured_steady(&mut s, &h.after), h.fresh);
        let t_steady = ms(t.elapsed());
        drop(s);

        let mut s = HistoryScanner::new();
        let t = Instant::now();
        assert_eq!(measured_first(&mut s, &h.after), n);
        let t_first = ms(t.elapsed());
        drop(s);

        let t = Instant::now();
        assert_eq!(measured_decode_everything(&h.after), n);
        naive.push(ms(t.elapsed()));

        skip.push(t_skip);
        steady.push(t_steady);
        first.push(t_first);
        steady_r.push(t_steady / t_skip);
        first_r.push(t_first / t_skip);
    }

    // Memory, one operation at a time, the body already in memory (it is counted separately).
    let mut s = baselined(&h.before);
    let base = mark();
    measured_steady(&mut s, &h.after);
    let steady_peak = peak_above(base);
    drop(s);
    let mut s = HistoryScanner::new();
    let base = mark();
    measured_first(&mut s, &h.after);
    let first_peak = peak_above(base);
    drop(s);
    let base = mark();
    measured_decode_everything(&h.after);
    let naive_peak = peak_above(base);

    CpuRow {
        n,
        body: h.after.len(),
        skip_ms: median(&skip),
        steady_ms: median(&steady),
        first_ms: median(&first),
        naive_ms: median(&naive),
        steady_ratio: median(&steady_r),
        first_ratio: median(&first_r),
        steady_peak,
        first_peak,
        naive_peak,
    }
}

// ---- the wire: the emulator in a child process --------------------------------------------

const TOKEN: &str = "bench-token";

/// Runs in the child: an emulator with `n` seeded entries; prints its port, serves until killed.
fn serve_emulator(n: usize) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let config = acses_emulator::EmulatorConfig::with_token(TOKEN);
        let emulator = acses_emulator::spawn(
            config,
            acses_emulator::World::demo(),
            "127.0.0.1:0".parse().expect("address"),
        )
        .await
        .expect("emulator starts");
        emulator.state().seed_history(support::LOCATION, n);
        bench_support::announce_port(emulator.addr.port());
        let _ = tokio::task::spawn_blocking(bench_support::wait_for_parent).await;
        drop(emulator);
    });
}

struct WireRow {
    n: usize,
    identity: usize,
    gzip: usize,
    fetch_gzip_ms: f64,
    fetch_identity_ms: f64,
    poll_ms: f64,
    /// Peak bytes allocated during one whole poll (download, decode, scan), the body included.
    poll_peak: usize,
    /// Peak RSS above the RSS before one whole poll, bytes (None where /proc cannot tell).
    poll_rss_peak: Option<usize>,
    body: usize,
    /// The identity body gzipped at the default level (what a service at zlib's default sends).
    gzip_default: usize,
    /// Peak allocated and peak RSS of the first poll after a start (scanner empty, no size hint).
    first_peak: usize,
    first_rss_peak: Option<usize>,
}

async fn raw_body(http: &reqwest::Client, url: &str, gzip: bool) -> (bytes::Bytes, Duration) {
    let mut req = http
        .post(format!("{url}/v1/events/history"))
        .bearer_auth(TOKEN)
        .body(format!("{{\"dealer_location_id\":{}}}", support::LOCATION));
    if gzip {
        req = req.header("accept-encoding", "gzip");
    }
    let t = Instant::now();
    let resp = req.send().await.expect("history answers");
    assert!(resp.status().is_success(), "history: {}", resp.status());
    if gzip {
        assert_eq!(
            resp.headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok()),
            Some("gzip")
        );
    }
    let bytes = resp.bytes().await.expect("body");
    (bytes, t.elapsed())
}

fn gzip_default_size(body: &[u8]) -> usize {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(body).expect("in memory");
    enc.finish().expect("in memory").len()
}

fn wire(n: usize, rounds: usize) -> WireRow {
    let emulator = ChildServer::start(&["--emulator-child", &n.to_string()]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        // No automatic decompression: the sizes are what crosses the socket.
        let raw = reqwest::Client::builder()
            .no_gzip()
            .build()
            .expect("raw client");
        let config = acses_api::ClientConfig::new(
            emulator.base_url.clone(),
            secrecy::SecretString::from(TOKEN.to_owned()),
        );
        let client = acses_api::Client::new(config).expect("client");
        let location = acses_api::DealerLocationId(support::LOCATION);

        // The first poll after a start: no earlier size to size the buffer by.
        let mut scanner = HistoryScanner::new();
        let rss_before = rss_mark();
        let base = mark();
        let body = client
            .events_history_raw(location)
            .await
            .expect("first poll");
        scanner.scan(&body).expect("readable");
        let first_peak = peak_above(base);
        let first_rss_peak = rss_before
            .zip(status_kib("VmHWM:"))
            .map(|(before, peak)| (peak.saturating_sub(before) * 1024) as usize);
        let body_len = body.len();
        drop(body);

        let (mut gz_ms, mut id_ms, mut poll_ms) = (vec![], vec![], vec![]);
        let (mut identity, mut gzip) = (0, 0);
        let mut poll_peak = 0;
        let mut poll_rss_peak: Option<usize> = None;
        let mut gzip_default = 0;
        for round in 0..rounds {
            let (body, t) = raw_body(&raw, &emulator.base_url, true).await;
            gzip = body.len();
            gz_ms.push(ms(t));
            let (body, t) = raw_body(&raw, &emulator.base_url, false).await;
            identity = body.len();
            id_ms.push(ms(t));
            if round == 0 {
                gzip_default = gzip_default_size(&body);
            }
            drop(body);

            // The watcher's poll: the client (gzip) and the steady scan.
            let rss_before = rss_mark();
            let base = mark();
            let t = Instant::now();
            let body = client.events_history_raw(location).await.expect("poll");
            scanner.scan(&body).expect("readable");
            poll_ms.push(ms(t.elapsed()));
            poll_peak = poll_peak.max(peak_above(base));
            if let (Some(before), Some(peak)) = (rss_before, status_kib("VmHWM:")) {
                let extra = (peak.saturating_sub(before) * 1024) as usize;
                poll_rss_peak = Some(poll_rss_peak.unwrap_or(0).max(extra));
            }
        }
        WireRow {
            n,
            identity,
            gzip,
            fetch_gzip_ms: median(&gz_ms),
            fetch_identity_ms: median(&id_ms),
            poll_ms: median(&poll_ms),
            poll_peak,
            poll_rss_peak,
            body: body_len,
            gzip_default,
            first_peak,
            first_rss_peak,
        }
    })
}

// ---- main ---------------------------------------------------------------------------------

fn main() {
    let args = args();
    if let Some(n) = args.emulator_child {
        serve_emulator(n);
        return;
    }
    if let Some(n) = args.callgrind {
        // One of each, for `valgrind --tool=callgrind --toggle-collect='*measured_*'`.
        let h = support::histories(n, 3);
        let mut s = baselined(&h.before);
        assert!(measured_skip(&h.after));
        assert_eq!(measured_steady(&mut s, &h.after), h.fresh);
        let mut s = HistoryScanner::new();
        assert_eq!(measured_first(&mut s, &h.after), n);
        assert_eq!(measured_decode_everything(&h.after), n);
        return;
    }

    println!("machine: {}", machine());
    println!(
        "\nCPU of one poll's processing (median of {} interleaved rounds; ratio = per-round time / skip time)\n",
        args.rounds
    );
    println!("| entries | body MiB | skip (IgnoredAny) ms | steady scan ms | ratio | first scan ms | ratio | decode everything ms | steady peak extra MiB (x body) | first peak extra MiB (x body) | decode-everything peak MiB (x body) |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &n in &args.sizes {
        let r = cpu_and_memory(n, args.rounds);
        let b = r.body as f64;
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.2}x | {:.1} | {:.2}x | {:.1} | {:.2} ({:.3}x) | {:.2} ({:.3}x) | {:.1} ({:.2}x) |",
            r.n,
            mib(r.body),
            r.skip_ms,
            r.steady_ms,
            r.steady_ratio,
            r.first_ms,
            r.first_ratio,
            r.naive_ms,
            mib(r.steady_peak),
            r.steady_peak as f64 / b,
            mib(r.first_peak),
            r.first_peak as f64 / b,
            mib(r.naive_peak),
            r.naive_peak as f64 / b,
        );
    }

    if !args.wire {
        return;
    }
    println!(
        "\nThe wire: the emulator on loopback (child process), median of {} rounds\n",
        args.rounds
    );
    println!("| entries | identity MiB | gzip (emulator, fastest) MiB | ratio | gzip default level MiB | ratio | fetch gzip ms | fetch identity ms | whole poll ms (client, gunzip, scan) | whole poll peak allocated MiB (x body) | whole poll peak RSS MiB (x body) | first poll peak allocated MiB (x body) | first poll peak RSS MiB (x body) |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &n in &args.sizes {
        let w = wire(n, args.rounds);
        let of_body = |r: Option<usize>| {
            r.map_or("n/a".to_owned(), |r| {
                format!("{:.1} ({:.2}x)", mib(r), r as f64 / w.body as f64)
            })
        };
        println!(
            "| {} | {:.2} | {:.2} | {:.3} | {:.2} | {:.3} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {} |",
            w.n,
            mib(w.identity),
            mib(w.gzip),
            w.gzip as f64 / w.identity as f64,
            mib(w.gzip_default),
            w.gzip_default as f64 / w.identity as f64,
            w.fetch_gzip_ms,
            w.fetch_identity_ms,
            w.poll_ms,
            of_body(Some(w.poll_peak)),
            of_body(w.poll_rss_peak),
            of_body(Some(w.first_peak)),
            of_body(w.first_rss_peak),
        );
    }
}

//! Figure 4 of docs/PERFORMANCE.md: the kiosk's footprint as a ratio to a bare Tauri 2 window
//! (benches/bare-window, built in the same `cargo build --release` run):
//!
//! - **memory**: RSS and PSS summed over the app's whole process tree (the app, WebKitNetworkProcess,
//!   WebKitWebProcess; read from `/proc/<pid>/smaps_rollup`), after load, and for the kiosk also
//!   after each of `--repeat` (3) times `--events` (1,000) door events delivered while it idles
//!   on Home (the later thousands show whether anything keeps growing);
//! - **start-up to first paint**: from the app process's start (`/proc/<pid>/stat`, 10 ms ticks)
//!   to the page's first contentful paint (`performance.getEntriesByType('paint')`), both on the
//!   wall clock.
//!
//! The bare window runs twice per round: as WebKit draws by default, and with OpenGL compositing
//! off, as the kiosk draws on a machine without a GPU (kiosk_core::render). All are started the
//! same way (tauri-driver, WebKitWebDriver), in a rotating order, `--rounds` times; ratios are
//! taken per round and their median reported. The kiosk runs in live mode at
//! default settings against an emulator in this process (demo world), which also delivers the
//! door events through its webhook handler, in batches between the kiosk's idle polls.
//!
//! ```text
//! cargo build --release -p acses-kiosk -p bare-window
//! xvfb-run -a -s '-screen 0 1280x800x24' cargo bench -p kiosk-e2e --bench footprint -- --rounds 3
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use acses_emulator::{demo_ids, Endpoint, RunningEmulator, World};
use kiosk_core::render;
use kiosk_e2e::{Kiosk, LaunchSpec, Result};

mod common;
use common::{app_pid, epoch_ms, machine, quantile, stat_fields, subtree};

const TOKEN: &str = "bench-token-footprint";

// ---- the process tree and its memory ------------------------------------------------------

/// (RSS, PSS) in KiB of the app and everything it started.
fn tree_memory(app: u32) -> (u64, u64) {
    let mut rss = 0;
    let mut pss = 0;
    for pid in subtree(app) {
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        for line in rollup.lines() {
            let mut it = line.split_whitespace();
            let (Some(key), Some(kb)) = (it.next(), it.next().and_then(|v| v.parse::<u64>().ok()))
            else {
                continue;
            };
            match key {
                "Rss:" => rss += kb,
                "Pss:" => pss += kb,
                _ => {}
            }
        }
    }
    (rss, pss)
}

/// RSS and PSS (MiB) of each process of the tree, by name: where the memory is.
fn by_process(app: u32) -> String {
    let mut parts = Vec::new();
    for pid in subtree(app) {
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        let field = |key: &str| {
            rollup
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
                / 1024.0
        };
        parts.push(format!(
            "{} {:.0}/{:.0}",
            comm.trim(),
            field("Rss:"),
            field("Pss:")
        ));
    }
    format!("RSS/PSS MiB: {}", parts.join(", "))
}

/// Mean of three samples a second apart: the web process's heap moves a little on its own.
async fn settled_memory(app: u32) -> (f64, f64) {
    let mut rss = 0.0;
    let mut pss = 0.0;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (r, p) = tree_memory(app);
        rss += r as f64 / 3.0;
        pss += p as f64 / 3.0;
    }
    (rss / 1024.0, pss / 1024.0)
}

/// When the process started, in ms since the Unix epoch (10 ms resolution).
fn process_start_epoch_ms(pid: u32) -> Option<f64> {
    let ticks: f64 = stat_fields(pid)?.get(19)?.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let boot = epoch_ms() - uptime * 1000.0;
    // USER_HZ is 100 on every Linux this runs on.
    Some(boot + ticks * 10.0)
}

/// The page's first contentful paint (first paint when absent), wall clock ms.
const FIRST_PAINT: &str = r#"
const done = arguments[arguments.length - 1];
const look = () => {
  const e = performance.getEntriesByType('paint');
  const p = e.find((x) => x.name === 'first-contentful-paint') || e.find((x) => x.name === 'first-paint');
  if (p) { done(performance.timeOrigin + p.startTime); return; }
  setTimeout(look, 20);
};
look();
"#;

struct Sample {
    startup_ms: f64,
    rss_mib: f64,
    pss_mib: f64,
}

/// Starts `app`, waits for its first paint and for memory to settle, measures, and returns the
/// running app (the kiosk goes on to take door events).
async fn launch_and_measure(
    app: &Path,
    spec: LaunchSpec,
    settle: Duration,
) -> Result<(Kiosk, u32, Sample)> {
    let kiosk = Kiosk::launch_app(app, spec).await?;
    let pid = {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(pid) = app_pid(kiosk.driver_pid(), app) {
                break pid;
            }
            if Instant::now() > deadline {
                return Err(format!("no {} process below tauri-driver", app.display()).into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let started = process_start_epoch_ms(pid).ok_or("no start time in /proc")?;
    let painted = kiosk.client.execute_async(FIRST_PAINT, vec![]).await?;
    let painted = painted.as_f64().ok_or("no paint timing in the page")?;
    tokio::time::sleep(settle).await;
    let (rss_mib, pss_mib) = settled_memory(pid).await;
    eprintln!("{}: {}", app.display(), by_process(pid));
    Ok((
        kiosk,
        pid,
        Sample {
            startup_ms: painted - started,
            rss_mib,
            pss_mib,
        },
    ))
}

// ---- door events --------------------------------------------------------------------------

/// Logs `count` door events at the demo workshop's locker through the emulator's webhook
/// handler (the path ACSES uses), numbered from `first`.
fn deliver(emulator: &RunningEmulator, first: usize, count: usize) -> Result<()> {
    let now = time::OffsetDateTime::now_utc();
    emulator.state().with_world(|w| -> Result<()> {
        for n in first..first + count {
            let action = if n % 2 == 0 { "dropoff" } else { "checkout" };
            let cell = (n % 16 + 1).to_string();
            let event: acses_emulator::wire::WebhookEvent =
                serde_json::from_value(serde_json::json!({
                    "tablekey": format!("bench-{n}"),
                    "lockersystem": demo_ids::LOCKER_WERKPLAATS,
                    "cellnumber": cell,
                    "eventName": action,
                    "eventDate": now.format(&time::format_description::well_known::Rfc3339)?,
                    "booking": {
                        "tablekey": format!("b-{n}"), "name": "AB-12-CD", "tag": "pickup",
                        "state": "USED", "code": format!("{:06}", n % 1_000_000),
                        "lockercell": cell, "siteTablekey": demo_ids::LOCKER_WERKPLAATS
                    }
                }))?;
            w.receive_event(event, now);
        }
        Ok(())
    })
}

/// Delivers `total` events in batches, each batch after the kiosk's previous poll, and waits
/// until the kiosk has polled once more after the last one.
async fn feed_events(
    emulator: &RunningEmulator,
    first: usize,
    total: usize,
    batch: usize,
) -> Result<()> {
    let state = emulator.state();
    let mut sent = 0;
    while sent < total {
        let n = batch.min(total - sent);
        deliver(emulator, first + sent, n)?;
        sent += n;
        let polled = state.requests(Endpoint::History);
        let deadline = Instant::now() + Duration::from_secs(60);
        while state.requests(Endpoint::History) == polled {
            if Instant::now() > deadline {
                return Err("the kiosk stopped polling".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    Ok(())
}

// ---- the run ------------------------------------------------------------------------------

fn release_binary(name: &str) -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| kiosk_e2e::repo_root().join("target"));
    target.join("release").join(name)
}

struct Round {
    bare: Sample,
    /// The bare window drawing the way the kiosk draws on a machine without a GPU (the kiosk
    /// turns WebKit's OpenGL compositing off there: kiosk_core::render).
    bare_sw: Sample,
    kiosk: Sample,
}

fn main() -> Result<()> {
    let rounds: usize = common::arg("--rounds").unwrap_or(3);
    let events: usize = common::arg("--events").unwrap_or(1000);
    let batch: usize = common::arg("--batch").unwrap_or(250);
    // How many times the last kiosk takes `events` more: a flat line after the first shows the
    // bound.
    let repeat: usize = common::arg("--repeat").unwrap_or(3).max(1);
    let settle = Duration::from_secs(common::arg("--settle-secs").unwrap_or(5));
    let kiosk_app = std::env::var("KIOSK_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|_| release_binary("acses-kiosk"));
    let bare_app = std::env::var("BARE_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|_| release_binary("bare-window"));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    println!("machine: {}", machine());
    println!(
        "kiosk: {}\nbare:  {}",
        kiosk_app.display(),
        bare_app.display()
    );

    rt.block_on(async {
        let emulator = kiosk_e2e::local_emulator(World::demo(), TOKEN).await?;
        let kiosk_spec = || LaunchSpec {
            args: vec![],
            env: vec![
                ("ACSES_BASE_URL".into(), emulator.base_url()),
                ("ACSES_TOKEN".into(), TOKEN.into()),
            ],
        };
        let bare_spec = |software: bool| LaunchSpec {
            args: vec![],
            env: if software {
                vec![(render::COMPOSITING_VAR.into(), "1".into())]
            } else {
                vec![]
            },
        };
        // What the kiosk chose here (it logs it too); the bare window does not choose.
        let choice = render::detect();
        println!("kiosk's compositing choice on this machine: {choice:?}");

        let mut results = Vec::new();
        let mut after = Vec::new();
        for round in 0..rounds {
            // Alternate which starts first, so neither always gets the warmer page cache.
            let (mut bare, mut bare_sw, mut kiosk) = (None, None, None);
            let order = match round % 3 {
                0 => [0, 1, 2],
                1 => [2, 0, 1],
                _ => [1, 2, 0],
            };
            for which in order {
                if which < 2 {
                    let software = which == 1;
                    let (app, _, s) =
                        launch_and_measure(&bare_app, bare_spec(software), settle).await?;
                    app.close().await?;
                    eprintln!(
                        "round {}: bare{}  start-up {:.0} ms, RSS {:.0} MiB, PSS {:.0} MiB",
                        round + 1,
                        if software { " (compositing off)" } else { "" },
                        s.startup_ms,
                        s.rss_mib,
                        s.pss_mib
                    );
                    if software {
                        bare_sw = Some(s);
                    } else {
                        bare = Some(s);
                    }
                } else {
                    let (app, pid, s) =
                        launch_and_measure(&kiosk_app, kiosk_spec(), settle).await?;
                    eprintln!(
                        "round {}: kiosk start-up {:.0} ms, RSS {:.0} MiB, PSS {:.0} MiB",
                        round + 1,
                        s.startup_ms,
                        s.rss_mib,
                        s.pss_mib
                    );
                    if round + 1 == rounds && events > 0 {
                        // The last kiosk takes the door events: `repeat` times `events`, measured
                        // after each.
                        app.testid("screen-home").await?;
                        if let Ok(screen) = std::env::var("FOOTPRINT_SCREEN") {
                            // Diagnosis: take the events on another screen (no Home feed).
                            app.tap(&format!("nav-{screen}")).await?;
                            app.testid(&format!("screen-{screen}")).await?;
                        }
                        for k in 1..=repeat {
                            feed_events(&emulator, (k - 1) * events, events, batch).await?;
                            tokio::time::sleep(settle).await;
                            let last = format!(
                                "[data-testid=\"event-item\"][data-event-id=\"bench-{}\"]",
                                k * events - 1
                            );
                            if std::env::var("FOOTPRINT_SCREEN").is_err() {
                                app.css(&last).await?;
                            }
                            let (rss, pss) = settled_memory(pid).await;
                            eprintln!(
                                "after {} events: RSS {rss:.0} MiB, PSS {pss:.0} MiB; {}",
                                k * events,
                                by_process(pid)
                            );
                            after.push((k * events, rss, pss));
                        }
                    }
                    app.close().await?;
                    kiosk = Some(s);
                }
            }
            if let (Some(bare), Some(bare_sw), Some(kiosk)) = (bare, bare_sw, kiosk) {
                results.push(Round {
                    bare,
                    bare_sw,
                    kiosk,
                });
            }
        }
        report(&results, &after);
        Ok(())
    })
}

fn report(rounds: &[Round], after: &[(usize, f64, f64)]) {
    let med = |f: &dyn Fn(&Round) -> f64| quantile(&rounds.iter().map(f).collect::<Vec<_>>(), 0.5);
    println!("\nFootprint against a bare Tauri 2 window (median of {} interleaved rounds; ratio = median of per-round ratios)\n", rounds.len());
    println!("| figure | bare window | bare window, compositing off | kiosk | kiosk / bare | kiosk / bare with compositing off |");
    println!("|---|---:|---:|---:|---:|---:|");
    let row = |name: &str, f: &dyn Fn(&Sample) -> f64| {
        println!(
            "| {name} | {:.0} | {:.0} | {:.0} | {:.2}x | {:.2}x |",
            med(&|r| f(&r.bare)),
            med(&|r| f(&r.bare_sw)),
            med(&|r| f(&r.kiosk)),
            med(&|r| f(&r.kiosk) / f(&r.bare)),
            med(&|r| f(&r.kiosk) / f(&r.bare_sw)),
        );
    };
    row("start-up to first paint, ms", &|s| s.startup_ms);
    row("RSS after load, MiB", &|s| s.rss_mib);
    row("PSS after load, MiB", &|s| s.pss_mib);
    let (bare_rss, bare_pss) = (med(&|r| r.bare.rss_mib), med(&|r| r.bare.pss_mib));
    let (sw_rss, sw_pss) = (med(&|r| r.bare_sw.rss_mib), med(&|r| r.bare_sw.pss_mib));
    for (n, rss, pss) in after {
        println!(
            "| RSS after {n} door events, MiB | {bare_rss:.0} | {sw_rss:.0} | {rss:.0} | {:.2}x | {:.2}x |",
            rss / bare_rss,
            rss / sw_rss
        );
        println!(
            "| PSS after {n} door events, MiB | {bare_pss:.0} | {sw_pss:.0} | {pss:.0} | {:.2}x | {:.2}x |",
            pss / bare_pss,
            pss / sw_pss
        );
    }
}

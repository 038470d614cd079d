//! Shared by the app benches (door.rs, footprint.rs): the clock and /proc; statistics and
//! arguments come from bench-support, shared with the other crates' benches.

// Each bench compiles this module on its own and uses only part of it.
#![allow(dead_code, unused_imports)]

pub use bench_support::{arg, list_arg, machine, quantile};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch: the clock the page's `performance.timeOrigin +
/// performance.now()` also reads, so times taken here and in the web view compare directly.
pub fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

// ---- processes (/proc) -----------------------------------------------------------------------

pub fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: split after it.
    let rest = &stat[stat.rfind(')')? + 2..];
    Some(rest.split_whitespace().map(str::to_owned).collect())
}

fn parent_of(pid: u32) -> Option<u32> {
    stat_fields(pid)?.get(1)?.parse().ok()
}

fn all_pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// `root` and every process below it.
pub fn subtree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = all_pids()
        .into_iter()
        .filter_map(|p| Some((p, parent_of(p)?)))
        .collect();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    tree
}

/// The app process below the driver: the one running `app`.
pub fn app_pid(driver: u32, app: &Path) -> Option<u32> {
    let app = std::fs::canonicalize(app).ok()?;
    subtree(driver)
        .into_iter()
        .find(|p| std::fs::read_link(format!("/proc/{p}/exe")).ok().as_deref() == Some(&app))
}

/// CPU time (user + system) a process has used so far, ms (10 ms ticks).
pub fn cpu_ms(pid: u32) -> f64 {
    let Some(f) = stat_fields(pid) else {
        return 0.0;
    };
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat; `f` starts at field 3.
    (ticks(11) + ticks(12)) * 10.0
}

/// CPU time used so far by the app and every process it started, ms.
pub fn tree_cpu_ms(app: u32) -> f64 {
    subtree(app).into_iter().map(cpu_ms).sum()
}

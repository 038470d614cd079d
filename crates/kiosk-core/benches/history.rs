//! CPU cost of one poll on a large history (issue 4, figure 2), in criterion.
//!
//! For 1k, 10k and 100k entries, on the same bytes:
//! - `skip`: `serde_json` reading past the body as `IgnoredAny` (the floor);
//! - `scan_steady`: the watcher's normal poll, a scanner that saw the history before and finds
//!   the 3 entries appended since;
//! - `scan_first`: the first poll after a start (every id read, the seen set filled);
//! - `decode_everything`: a naive client decoding every entry and event (for scale).
//!
//! `cargo bench -p kiosk-core --bench history`; the ratios are in docs/PERFORMANCE.md.

use acses_api::history::HistoryScanner;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};

mod support;

fn history(c: &mut Criterion) {
    let mut group = c.benchmark_group("history");
    for n in [1_000, 10_000, 100_000] {
        let h = support::histories(n, 3);
        group.throughput(Throughput::Bytes(h.after.len() as u64));
        // Criterion's default 100 samples of a 100k history would take minutes.
        group.sample_size(if n >= 100_000 { 10 } else { 30 });

        group.bench_with_input(BenchmarkId::new("skip", n), &h.after, |b, body| {
            b.iter(|| assert!(support::skip_only(body)));
        });
        group.bench_with_input(BenchmarkId::new("scan_steady", n), &h, |b, h| {
            b.iter_batched(
                || {
                    let mut s = HistoryScanner::new();
                    s.scan(&h.before).expect("readable");
                    s
                },
                |mut s| {
                    let r = s.scan(&h.after).expect("readable");
                    assert_eq!(r.new_events.len(), h.fresh);
                    s
                },
                BatchSize::PerIteration,
            );
        });
        group.bench_with_input(BenchmarkId::new("scan_first", n), &h.after, |b, body| {
            b.iter_batched(
                HistoryScanner::new,
                |mut s| {
                    assert!(s.scan(body).expect("readable").baseline);
                    s
                },
                BatchSize::PerIteration,
            );
        });
        group.bench_with_input(
            BenchmarkId::new("decode_everything", n),
            &h.after,
            |b, body| {
                b.iter(|| assert_eq!(support::decode_everything(body), n));
            },
        );
    }
    group.finish();
}

criterion_group!(benches, history);
criterion_main!(benches);

//! Property tests of what the kiosk parses from outside: the history body (scanner), its own
//! saved watcher state, and its command line. Zero panics; every rejection an error value; and
//! for the scanner, the model: every event added after the baseline is announced exactly once,
//! whatever the order, repeats and garbage, and however the run is cut by restarts.

use std::collections::BTreeSet;

use acses_api::history::{HistoryScanner, ScannerState};
use clap::Parser;
use kiosk_core::watch_state::{decode, encode};
use kiosk_core::LaunchOptions;
use proptest::prelude::*;
use serde_json::{json, Value};

fn event(id: &str) -> Value {
    let content = json!({
        "tablekey": id, "lockersystem": "151", "cellnumber": "3", "eventName": "checkout",
        "eventDate": "2026-03-01T10:00:00Z",
        "booking": {"tablekey": format!("b-{id}"), "code": "123456", "state": "USED"}
    });
    json!({"webhook_event_id": id, "sent_content": content.to_string(),
           "response_status": "200", "sent_date": "2026-03-01T10:00:01Z"})
}

fn garbage(id: &str) -> Value {
    json!({"webhook_event_id": id, "sent_content": "{not an event"})
}

fn body(history: &[Value]) -> Vec<u8> {
    serde_json::to_vec(&json!({ "history": history })).unwrap()
}

/// What happens to the service's history between two polls.
#[derive(Debug, Clone)]
enum Change {
    /// A new event at the end.
    Append,
    /// A new event somewhere inside (a late webhook in a history ordered by time).
    Insert(usize),
    /// An existing entry logged again (a retried webhook).
    Repeat(usize),
    /// An entry whose content is not an event.
    Garbage,
    /// The whole order turned around.
    Reverse,
    /// The oldest entries dropped (a service that keeps a window).
    Trim(usize),
    /// Nothing.
    Same,
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        4 => Just(Change::Append),
        2 => any::<usize>().prop_map(Change::Insert),
        1 => any::<usize>().prop_map(Change::Repeat),
        1 => Just(Change::Garbage),
        1 => Just(Change::Reverse),
        1 => (1usize..4).prop_map(Change::Trim),
        2 => Just(Change::Same),
    ]
}

/// Runs `changes` against a scanner, polling after each; `restart_at` cuts the run (the state is
/// saved, encoded, decoded and resumed, as across an app restart). Returns the announced ids in
/// order and the ids of real events added after the baseline.
fn run(
    initial: usize,
    changes: &[Change],
    restarts: &BTreeSet<usize>,
) -> Result<(Vec<String>, Vec<String>), TestCaseError> {
    let mut history: Vec<Value> = (0..initial).map(|i| event(&format!("old{i}"))).collect();
    let mut scanner = HistoryScanner::new();
    let first = scanner
        .scan(&body(&history))
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(
        first.new_events.is_empty(),
        "the baseline announces nothing"
    );
    let mut added = Vec::new();
    let mut announced = Vec::new();
    for (n, c) in changes.iter().enumerate() {
        let fresh = format!("n{n}");
        match c {
            Change::Append => {
                history.push(event(&fresh));
                added.push(fresh);
            }
            Change::Insert(at) => {
                let at = at % (history.len() + 1);
                history.insert(at, event(&fresh));
                added.push(fresh);
            }
            Change::Repeat(i) if !history.is_empty() => {
                let again = history[i % history.len()].clone();
                history.push(again);
            }
            Change::Repeat(_) | Change::Same => {}
            Change::Garbage => history.push(garbage(&format!("g{n}"))),
            Change::Reverse => history.reverse(),
            Change::Trim(k) => {
                let k = (*k).min(history.len());
                history.drain(..k);
            }
        }
        if restarts.contains(&n) {
            let bytes = encode("svc|82", &scanner.state());
            let (identity, state) = decode(&bytes).map_err(TestCaseError::fail)?;
            prop_assert_eq!(identity, "svc|82");
            scanner = HistoryScanner::resume(state);
        }
        let scan = scanner
            .scan(&body(&history))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        announced.extend(scan.new_events.into_iter().map(|e| e.id));
    }
    Ok((announced, added))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Every event added after the baseline is announced exactly once, nothing else is, across
    /// reorders, repeats, garbage, trims and restarts.
    #[test]
    fn every_new_event_is_announced_exactly_once(
        initial in 0usize..30,
        changes in prop::collection::vec(change(), 0..25),
        restarts in prop::collection::btree_set(0usize..25, 0..4),
    ) {
        let (announced, added) = run(initial, &changes, &restarts)?;
        let mut a = announced.clone();
        a.sort();
        let mut want = added.clone();
        want.sort();
        prop_assert_eq!(a, want, "announced {:?}", announced);
    }

    /// A run cut by restarts announces the same events, in the same order, as one without.
    #[test]
    fn restarts_change_nothing(
        initial in 0usize..20,
        changes in prop::collection::vec(change(), 0..20),
        restarts in prop::collection::btree_set(0usize..20, 1..4),
    ) {
        let whole = run(initial, &changes, &BTreeSet::new())?;
        let cut = run(initial, &changes, &restarts)?;
        prop_assert_eq!(whole, cut);
    }

    /// Any bytes as a history body: a scan result or an error, never a panic; an error leaves
    /// the scanner as it was.
    #[test]
    fn any_body_is_a_scan_or_an_error(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            ".{0,200}".prop_map(String::into_bytes),
            prop::collection::vec(prop_oneof![
                Just(event("a")), Just(garbage("b")), Just(json!(null)), Just(json!([1])),
                Just(json!({"webhook_event_id": {"x": 1}, "sent_content": 5})),
                ".{0,20}".prop_map(Value::String),
            ], 0..6).prop_map(|h| body(&h)),
        ]
    ) {
        let mut fresh = HistoryScanner::new();
        if fresh.scan(&bytes).is_err() {
            prop_assert!(!fresh.is_baselined());
        }
        let mut running = HistoryScanner::new();
        running.scan(&body(&[event("x")])).unwrap();
        let before = running.state();
        if running.scan(&bytes).is_err() {
            prop_assert_eq!(running.state(), before);
        }
        let _ = acses_api::history::latest_events(&bytes, 5);
    }

    /// The saved watcher state: any bytes decode to a state or an error, never a panic; every
    /// state survives encoding.
    #[test]
    fn saved_state_decodes_or_is_refused(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn saved_state_round_trips(
        identity in ".{0,40}",
        known in any::<u64>(),
        tail in prop::collection::vec(any::<u64>(), 0..9),
        seen in prop::collection::vec(any::<u64>(), 0..200),
        evicted in any::<bool>(),
    ) {
        let state = ScannerState { known, tail, seen, evicted };
        let (id, back) = decode(&encode(&identity, &state)).map_err(TestCaseError::fail)?;
        prop_assert_eq!(id, identity);
        prop_assert_eq!(back, state);
    }
}

fn launch_word() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "--demo",
            "--kiosk",
            "--dev",
            "--base-url",
            "--location",
            "--emulator-addr",
            "http://claire.example/",
            "https://claire.example/api",
            "0",
            "82",
            "-1",
            "x",
            "127.0.0.1:0",
            "--help",
            "--version",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,12}".prop_filter("not --", |s| s != "--"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The kiosk's own command line: parsed or a usage error that never repeats the token; a
    /// parsed one merges into settings or is refused naming the field.
    #[test]
    fn the_kiosk_command_line_never_panics_nor_echoes_the_token(
        before in prop::collection::vec(launch_word(), 0..4),
        after in prop::collection::vec(launch_word(), 0..3),
    ) {
        const SECRET: &str = "tok-KIOSK-5f1e";
        let token = format!("--token={SECRET}");
        let argv: Vec<&str> = std::iter::once("acses-kiosk")
            .chain(before.iter().map(String::as_str))
            .chain(std::iter::once(token.as_str()))
            .chain(after.iter().map(String::as_str))
            .collect();
        match LaunchOptions::try_parse_from(&argv) {
            Ok(options) => {
                let shown = format!("{:?}", options);
                prop_assert!(!shown.contains(SECRET));
                if let Err(e) = options.merge(&kiosk_core::Settings::default()) {
                    prop_assert!(["apiBaseUrl", "locationId"].contains(&e.field), "{e}");
                    prop_assert!(!e.to_string().contains(SECRET));
                }
            }
            Err(e) => {
                prop_assert!(matches!(e.exit_code(), 0 | 2));
                prop_assert!(!e.to_string().contains(SECRET), "{argv:?}: {e}");
            }
        }
    }
}

//! Every subcommand run through `acses_cli::run` against an in-process emulator,
//! text and `--json`, checked against the emulator's own state.

mod common;

use acses_emulator::{BookingKind, BookingState, HistoryEntry, World};
use common::*;
use serde_json::Value;

const LOCATION: u64 = 82;

fn appointment_with_keys(world: &World) -> u64 {
    world
        .appointments
        .iter()
        .find(|a| a.location_id == LOCATION && world.keys_of(a.id).is_some())
        .map(|a| a.id)
        .expect("demo has an appointment with keys in the locker")
}

fn appointment_without_keys(world: &World) -> u64 {
    world
        .appointments
        .iter()
        .find(|a| a.location_id == LOCATION && world.keys_of(a.id).is_none())
        .map(|a| a.id)
        .expect("demo has an appointment without keys in the locker")
}

fn active_locker(world: &World) -> String {
    world
        .lockers
        .iter()
        .find(|l| l.location_id == LOCATION && l.active)
        .map(|l| l.id.clone())
        .expect("demo has an active locker at 82")
}

#[tokio::test]
async fn lockers_text_and_json_list_the_locations_lockers() {
    let emu = emulator().await;
    let url = emu.base_url();
    let world = emu.state().snapshot();
    let here: Vec<_> = world
        .lockers
        .iter()
        .filter(|l| l.location_id == LOCATION)
        .collect();
    assert!(here.len() >= 2, "demo data changed: {here:?}");

    let text = run_ok(&url, &["lockers"]).await;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["ID", "NAME", "ACTIVE"]);
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), here.len(), "{text}");
    for locker in &here {
        let row = rows
            .iter()
            .find(|r| r.split_whitespace().next() == Some(locker.id.as_str()))
            .unwrap_or_else(|| panic!("no row for locker {}: {text}", locker.id));
        assert!(row.contains(&locker.name), "{row}");
        let active = if locker.active { "yes" } else { "no" };
        assert_eq!(row.split_whitespace().last(), Some(active), "{row}");
    }
    // Other locations' lockers are not listed.
    for other in world.lockers.iter().filter(|l| l.location_id != LOCATION) {
        assert!(!text.contains(&other.name), "{text}");
    }

    let json = run_json(&url, &["lockers"]).await;
    assert_eq!(json["dealer_location_id"], LOCATION);
    let listed = json["lockers"].as_array().unwrap();
    assert_eq!(listed.len(), here.len());
    for (got, want) in listed.iter().zip(&here) {
        assert_eq!(got["id"], want.id.as_str());
        assert_eq!(got["name"], want.name.as_str());
        assert_eq!(got["active"], want.active);
    }
}

#[tokio::test]
async fn appointments_text_and_json_show_plate_customer_time_and_keys() {
    let emu = emulator().await;
    let url = emu.base_url();
    let world = emu.state().snapshot();
    let here: Vec<_> = world
        .appointments
        .iter()
        .filter(|a| a.location_id == LOCATION)
        .collect();

    let text = run_ok(&url, &["appointments"]).await;
    let header = text.lines().next().unwrap();
    for col in ["ID", "PLATE", "CUSTOMER", "PLANNED", "KEYS IN LOCKER"] {
        assert!(header.contains(col), "{header}");
    }
    assert_eq!(text.lines().count(), here.len() + 1, "{text}");
    for a in &here {
        let row = text
            .lines()
            .find(|l| l.starts_with(&a.id.to_string()))
            .unwrap_or_else(|| panic!("no row for {}: {text}", a.id));
        assert!(row.contains(&a.license_plate), "{row}");
        assert!(row.contains(&a.customer_name), "{row}");
        let planned = a.planned_at.to_offset(time::UtcOffset::UTC);
        let hhmm = format!("{:02}:{:02} UTC", planned.hour(), planned.minute());
        assert!(row.contains(&hhmm), "{row} lacks {hhmm}");
        let keys = if world.keys_of(a.id).is_some() {
            "yes"
        } else {
            "no"
        };
        assert!(row.ends_with(keys), "{row}");
    }

    let json = run_json(&url, &["appointments"]).await;
    let listed = json["appointments"].as_array().unwrap();
    assert_eq!(listed.len(), here.len());
    for got in listed {
        let id = got["id"].as_u64().unwrap();
        let want = here.iter().find(|a| a.id == id).expect("listed id exists");
        assert_eq!(got["license_plate"], want.license_plate.as_str());
        assert_eq!(got["keys_in_locker"], world.keys_of(id).is_some());
        let planned = time::OffsetDateTime::parse(
            got["planned_at"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert_eq!(planned, want.planned_at);
    }
}

#[tokio::test]
async fn pickup_pin_opens_the_door_and_shows_up_in_history() {
    let emu = emulator().await;
    let url = emu.base_url();
    let world = emu.state().snapshot();
    let appointment = appointment_with_keys(&world);
    let (locker, cell) = world
        .keys_of(appointment)
        .map(|(l, c)| (l.id.clone(), c.number))
        .unwrap();

    let text = run_ok(&url, &["pickup", &appointment.to_string()]).await;
    assert!(
        text.starts_with(&format!(
            "PIN to pick up the keys of appointment {appointment}:\n"
        )),
        "{text}"
    );
    let pin = last_line(&text).to_owned();
    assert!(
        !pin.is_empty() && pin.chars().all(|c| c.is_ascii_digit()),
        "{text}"
    );
    let booking = emu
        .state()
        .with_world(|w| w.live_booking_by_code(&pin).cloned())
        .expect("the printed PIN is a live booking");
    assert_eq!(booking.appointment_id, appointment);
    assert_eq!(booking.kind, BookingKind::Pickup);

    // --json gives the same live PIN (the emulator keeps one per cell).
    let json = run_json(&url, &["pickup", &appointment.to_string()]).await;
    assert_eq!(json["action"], "pickup");
    assert_eq!(json["appointment_id"], appointment);
    assert_eq!(json["acses_pin"], pin.as_str());

    let text = run_ok(
        &url,
        &[
            "simulate", "--locker", &locker, "--code", &pin, "--action", "checkout",
        ],
    )
    .await;
    assert_eq!(
        text,
        format!("Door opened at locker {locker}: keys picked up.\n")
    );
    assert!(
        emu.state().snapshot().keys_of(appointment).is_none(),
        "keys left the locker"
    );

    let json = run_json(&url, &["history"]).await;
    assert_eq!(json["dealer_location_id"], LOCATION);
    let events = json["events"].as_array().unwrap();
    let ours: Vec<&Value> = events
        .iter()
        .filter(|e| e["code"] == pin.as_str())
        .collect();
    assert_eq!(ours.len(), 1, "{json:#}");
    let ev = ours[0];
    assert_eq!(ev["readable"], true);
    assert_eq!(ev["action"], "checkout");
    assert_eq!(ev["locker_system_id"], locker.as_str());
    assert_eq!(ev["cell"], cell.to_string());
    assert_eq!(ev["booking_state"], "USED");
    assert!(ev["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(ev["time"].as_str().is_some());

    let text = run_ok(&url, &["history"]).await;
    let line = text
        .lines()
        .find(|l| l.ends_with(&format!("code {pin}")))
        .unwrap_or_else(|| panic!("no line for the PIN: {text}"));
    assert!(line.contains(&format!("locker {locker}")), "{line}");
    assert!(line.contains(&format!("cell {cell}")), "{line}");
    assert!(line.contains("keys picked up"), "{line}");
    assert!(line.contains(" UTC "), "{line}");
}

#[tokio::test]
async fn pickup_without_keys_in_the_locker_says_no_pin_was_issued() {
    let emu = emulator().await;
    let url = emu.base_url();
    let appointment = appointment_without_keys(&emu.state().snapshot()).to_string();

    for cmd in ["pickup", "assist-pickup"] {
        let text = run_ok(&url, &[cmd, &appointment]).await;
        assert_eq!(
            text,
            format!(
                "No PIN issued: the keys of appointment {appointment} are not in the locker.\n"
            )
        );
        let json = run_json(&url, &[cmd, &appointment]).await;
        assert!(json["acses_pin"].is_null(), "{json}");
        assert_eq!(json["appointment_id"].to_string(), appointment);
    }
    assert!(emu.state().snapshot().bookings.is_empty());
}

#[tokio::test]
async fn assist_pickup_issues_an_assisted_checkout_pin() {
    let emu = emulator().await;
    let url = emu.base_url();
    let appointment = appointment_with_keys(&emu.state().snapshot());

    let text = run_ok(&url, &["assist-pickup", &appointment.to_string()]).await;
    assert!(text.contains("customer"), "{text}");
    let pin = last_line(&text);
    let booking = emu
        .state()
        .with_world(|w| w.live_booking_by_code(pin).cloned())
        .expect("live booking");
    assert_eq!(booking.kind, BookingKind::AssistPickup);
    assert_eq!(booking.appointment_id, appointment);

    let json = run_json(&url, &["assist-pickup", &appointment.to_string()]).await;
    assert_eq!(json["action"], "assist_pickup");
    assert_eq!(json["acses_pin"], pin);
}

#[tokio::test]
async fn drop_back_pin_puts_the_keys_back() {
    let emu = emulator().await;
    let url = emu.base_url();
    let world = emu.state().snapshot();
    let appointment = appointment_without_keys(&world);
    let locker = active_locker(&world);
    let id = appointment.to_string();

    let text = run_ok(
        &url,
        &["drop-back", &id, "--locker", &locker, "--note", "77"],
    )
    .await;
    assert!(
        text.starts_with(&format!(
            "PIN to put the keys of appointment {id} back into locker {locker}:\n"
        )),
        "{text}"
    );
    let pin = last_line(&text).to_owned();
    let booking = emu
        .state()
        .with_world(|w| w.live_booking_by_code(&pin).cloned())
        .expect("live booking");
    assert_eq!(booking.kind, BookingKind::DropOff);
    assert_eq!(booking.locker_system_id, locker);
    assert_eq!(booking.appointment_note_id, Some(77));

    let json = run_json(&url, &["drop-back", &id, "--locker", &locker]).await;
    assert_eq!(json["action"], "drop_back");
    assert_eq!(json["locker_system_id"], locker.as_str());
    assert_eq!(json["acses_pin"], pin.as_str(), "same live drop-off PIN");

    let text = run_ok(
        &url,
        &[
            "simulate", "--locker", &locker, "--code", &pin, "--action", "dropoff",
        ],
    )
    .await;
    assert!(text.contains("keys dropped off"), "{text}");
    let world = emu.state().snapshot();
    let (held_by, _) = world
        .keys_of(appointment)
        .expect("keys are in the locker now");
    assert_eq!(held_by.id, locker);
    assert_eq!(
        world
            .bookings
            .iter()
            .find(|b| b.code.as_str() == pin)
            .map(|b| b.state),
        Some(BookingState::Used)
    );

    // Keys already in: the API answers a null PIN, the CLI says so.
    let text = run_ok(&url, &["drop-back", &id, "--locker", &locker]).await;
    assert!(text.starts_with("No PIN issued"), "{text}");
    assert!(text.contains(&id), "{text}");
    let json = run_json(&url, &["drop-back", &id, "--locker", &locker]).await;
    assert!(json["acses_pin"].is_null());
}

#[tokio::test]
async fn simulate_json_and_a_wrong_code_is_the_servers_message() {
    let emu = emulator().await;
    let url = emu.base_url();
    let world = emu.state().snapshot();
    let appointment = appointment_with_keys(&world);
    let locker = active_locker(&world);
    let pin = run_json(&url, &["pickup", &appointment.to_string()]).await["acses_pin"]
        .as_str()
        .unwrap()
        .to_owned();

    // A code no live booking has (flip every digit of the real one).
    let wrong: String = pin
        .chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect();
    let err = run_err(
        &url,
        &[
            "simulate", "--locker", &locker, "--code", &wrong, "--action", "checkout",
        ],
    )
    .await;
    assert_eq!(err.exit_code(), 1);
    let line = err.to_string();
    assert!(!line.contains('\n'), "{line}");
    assert!(line.contains(&locker) && line.contains("404"), "{line}");
    assert!(
        !line.contains(&wrong) && !line.contains(&pin),
        "no PIN in errors: {line}"
    );
    assert!(emu.state().snapshot().keys_of(appointment).is_some());

    let mut args = vec!["simulate", "--locker", &locker, "--code", &pin];
    args.extend(["--action", "checkout"]);
    let json = run_json(&url, &args).await;
    assert_eq!(json["simulated"], true);
    assert_eq!(json["action"], "checkout");
    assert_eq!(json["locker_system_id"], locker.as_str());
    assert_eq!(json["dealer_location_id"], LOCATION);
    assert!(emu.state().snapshot().keys_of(appointment).is_none());
}

#[tokio::test]
async fn history_shows_unreadable_entries_without_failing() {
    let emu = emulator().await;
    let url = emu.base_url();
    assert_eq!(emu.state().seed_history(LOCATION, 3), 3);
    emu.state().with_world(|w| {
        let at = w.history.last().map(|h| h.sent_date).unwrap();
        w.history.push(HistoryEntry {
            location_id: Some(LOCATION),
            webhook_event_id: "bad-1".to_owned(),
            sent_content: "{not json \u{1b}[31m".to_owned(),
            response_status: "200".to_owned(),
            response_content: String::new(),
            sent_date: at,
        });
    });
    let seeded: Vec<String> = emu.state().with_world(|w| {
        w.history
            .iter()
            .filter(|h| h.webhook_event_id != "bad-1")
            .map(|h| h.webhook_event_id.clone())
            .collect()
    });

    let text = run_ok(&url, &["history"]).await;
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(
        text.lines()
            .last()
            .unwrap()
            .ends_with("unreadable entry bad-1"),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "no escape sequences reach the terminal"
    );

    let json = run_json(&url, &["history"]).await;
    let events = json["events"].as_array().unwrap();
    assert_eq!(events.len(), 4);
    let ids: Vec<&str> = events.iter().filter_map(|e| e["id"].as_str()).collect();
    for id in &seeded {
        assert!(ids.contains(&id.as_str()), "{ids:?}");
    }
    let bad = events.iter().find(|e| e["id"] == "bad-1").unwrap();
    assert_eq!(bad["readable"], false);
    assert!(bad["code"].is_null() && bad["action"].is_null());
    assert!(events
        .iter()
        .filter(|e| e["id"] != "bad-1")
        .all(|e| e["readable"] == true));
}

#[tokio::test]
async fn empty_lists_are_a_sentence() {
    let emu = emulator().await;
    let url = emu.base_url();
    // Location 9 exists nowhere in the demo data.
    let mut argv = vec!["--location", "9"];
    argv.push("history");
    assert_eq!(run_ok(&url, &argv).await, "No door events at location 9.\n");
    assert_eq!(
        run_ok(&url, &["--location", "9", "lockers"]).await,
        "No lockers at location 9.\n"
    );
    assert_eq!(
        run_ok(&url, &["--location", "9", "appointments"]).await,
        "No appointments at location 9.\n"
    );
    let json = run_json(&url, &["--location", "9", "history"]).await;
    assert_eq!(json["events"], serde_json::json!([]));
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_works() {
    // The document's dev URL has a prefix (https://clairedev.nl/api/acses); the emulator serves it too.
    let emu = emulator().await;
    for url in [
        format!("{}/api/acses", emu.base_url()),
        format!("{}/api/acses/", emu.base_url()),
    ] {
        let text = run_ok(&url, &["lockers"]).await;
        assert!(text.lines().any(|l| l.starts_with("151 ")), "{url}: {text}");
    }
}

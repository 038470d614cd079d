//! Everything the CLI prints on stdout: tables and sentences for people, JSON for
//! scripts. Pure functions of the API's models, so the formats are tested without a server.
//!
//! Text that comes from the server is passed through [`clean`] before it reaches a
//! terminal, so a hostile or broken service cannot send escape sequences.

use std::fmt::Write as _;

use acses_api::history::DoorEvent;
use acses_api::{
    Appointment, AppointmentId, DealerLocationId, LockerSystem, LockerSystemId, ObjectStatus, Pin,
    Timestamp, WebhookEvent, WebhookHistory,
};
use serde::Serialize;
use time::macros::format_description;
use time::UtcOffset;

/// Replaces control characters (ESC, newlines, ...) with `?` so one value stays one
/// harmless line; JSON output does not need this (serde escapes them).
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// `2024-03-29 10:00:03 UTC`. UTC on purpose: the local offset cannot be read
/// soundly from a multi-threaded process, and a wrong "local" time is worse than UTC.
pub fn format_time(at: &Timestamp) -> String {
    let utc = at.0.to_offset(UtcOffset::UTC);
    utc.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
    ))
    .unwrap_or_else(|_| at.to_rfc3339())
}

/// Minutes only: planned appointment times have no seconds.
fn format_minutes(at: &Timestamp) -> String {
    let utc = at.0.to_offset(UtcOffset::UTC);
    utc.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_else(|_| at.to_rfc3339())
}

/// A left-aligned table with a header row, two spaces between columns, no
/// trailing blanks. Widths count chars, which is right for the Latin names the
/// service holds (wide CJK glyphs would misalign, never break).
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let mut out = String::new();
    let header: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            let pad = widths
                .get(i)
                .copied()
                .unwrap_or(0)
                .saturating_sub(cell.chars().count());
            line.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn yes_no(v: bool) -> &'static str {
    if v {
        "yes"
    } else {
        "no"
    }
}

// ---------------------------------------------------------------- lockers

pub fn lockers_text(location: DealerLocationId, lockers: &[LockerSystem]) -> String {
    if lockers.is_empty() {
        return format!("No lockers at location {location}.\n");
    }
    let rows: Vec<Vec<String>> = lockers
        .iter()
        .map(|l| {
            vec![
                clean(l.id.as_str()),
                clean(&l.name),
                yes_no(l.active).to_owned(),
            ]
        })
        .collect();
    table(&["ID", "NAME", "ACTIVE"], &rows)
}

/// `{"dealer_location_id": 82, "lockers": [...]}`
#[derive(Debug, Serialize)]
pub struct LockersDoc<'a> {
    pub dealer_location_id: DealerLocationId,
    pub lockers: &'a [LockerSystem],
}

pub fn lockers_json(location: DealerLocationId, lockers: &[LockerSystem]) -> LockersDoc<'_> {
    LockersDoc {
        dealer_location_id: location,
        lockers,
    }
}

// ----------------------------------------------------------- appointments

pub fn appointments_text(location: DealerLocationId, appointments: &[Appointment]) -> String {
    if appointments.is_empty() {
        return format!("No appointments at location {location}.\n");
    }
    let rows: Vec<Vec<String>> = appointments
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                clean(&a.license_plate),
                clean(&a.customer_name),
                a.planned_at
                    .as_ref()
                    .map(format_minutes)
                    .unwrap_or_default(),
                match a.keys_in_locker {
                    Some(v) => yes_no(v).to_owned(),
                    None => "?".to_owned(),
                },
            ]
        })
        .collect();
    table(
        &["ID", "PLATE", "CUSTOMER", "PLANNED", "KEYS IN LOCKER"],
        &rows,
    )
}

/// `{"dealer_location_id": 82, "appointments": [...]}`
#[derive(Debug, Serialize)]
pub struct AppointmentsDoc<'a> {
    pub dealer_location_id: DealerLocationId,
    pub appointments: &'a [Appointment],
}

pub fn appointments_json(
    location: DealerLocationId,
    appointments: &[Appointment],
) -> AppointmentsDoc<'_> {
    AppointmentsDoc {
        dealer_location_id: location,
        appointments,
    }
}

// ------------------------------------------------------------------- PINs

/// What a PIN is for; decides the wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinPurpose {
    Pickup,
    AssistPickup,
    DropBack,
}

impl PinPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            PinPurpose::Pickup => "pickup",
            PinPurpose::AssistPickup => "assist_pickup",
            PinPurpose::DropBack => "drop_back",
        }
    }
}

/// The PIN on a line of its own, so it can be read at a glance (and `tail -1`'d).
pub fn pin_text(
    purpose: PinPurpose,
    appointment: AppointmentId,
    locker: Option<&LockerSystemId>,
    pin: Option<&Pin>,
) -> String {
    match (pin, purpose) {
        (Some(pin), PinPurpose::Pickup) => format!(
            "PIN to pick up the keys of appointment {appointment}:\n{}\n",
            clean(pin.expose())
        ),
        (Some(pin), PinPurpose::AssistPickup) => format!(
            "PIN for the customer to pick up the keys of appointment {appointment}:\n{}\n",
            clean(pin.expose())
        ),
        (Some(pin), PinPurpose::DropBack) => format!(
            "PIN to put the keys of appointment {appointment} back into locker {}:\n{}\n",
            locker.map(|l| clean(l.as_str())).unwrap_or_default(),
            clean(pin.expose())
        ),
        (None, PinPurpose::Pickup | PinPurpose::AssistPickup) => {
            format!("No PIN issued: the keys of appointment {appointment} are not in the locker.\n")
        }
        (None, PinPurpose::DropBack) => format!(
            "No PIN issued: the API gave no drop-back PIN for appointment {appointment} \
             (are its keys already in a locker?).\n"
        ),
    }
}

/// `{"action": "pickup", "appointment_id": 120301, "acses_pin": "123456"}`
/// (`acses_pin` null when none was issued; `locker_system_id` only for drop-back).
#[derive(Debug, Serialize)]
pub struct PinDoc<'a> {
    pub action: &'static str,
    pub appointment_id: AppointmentId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locker_system_id: Option<&'a LockerSystemId>,
    pub acses_pin: Option<&'a str>,
}

pub fn pin_json<'a>(
    purpose: PinPurpose,
    appointment: AppointmentId,
    locker: Option<&'a LockerSystemId>,
    pin: Option<&'a Pin>,
) -> PinDoc<'a> {
    PinDoc {
        action: purpose.as_str(),
        appointment_id: appointment,
        locker_system_id: locker,
        acses_pin: pin.map(Pin::expose),
    }
}

// --------------------------------------------------------------- simulate

pub fn simulate_text(locker: &LockerSystemId, action: &ObjectStatus) -> String {
    format!(
        "Door opened at locker {}: {}.\n",
        clean(locker.as_str()),
        action_words(action)
    )
}

/// `{"simulated": true, "dealer_location_id": 82, "locker_system_id": "151", "action": "checkout"}`
#[derive(Debug, Serialize)]
pub struct SimulateDoc<'a> {
    pub simulated: bool,
    pub dealer_location_id: DealerLocationId,
    pub locker_system_id: &'a LockerSystemId,
    pub action: &'a str,
}

pub fn simulate_json<'a>(
    location: DealerLocationId,
    locker: &'a LockerSystemId,
    action: &'a ObjectStatus,
) -> SimulateDoc<'a> {
    SimulateDoc {
        simulated: true,
        dealer_location_id: location,
        locker_system_id: locker,
        action: action.as_str(),
    }
}

// ---------------------------------------------------------------- history

/// What the door did, in words.
pub fn action_words(action: &ObjectStatus) -> String {
    match action {
        ObjectStatus::Dropoff => "keys dropped off".to_owned(),
        ObjectStatus::Checkout => "keys picked up".to_owned(),
        ObjectStatus::Registered => "booking registered".to_owned(),
        ObjectStatus::Expired => "booking expired".to_owned(),
        ObjectStatus::Unknown(t) if t.trim().is_empty() => "unknown action".to_owned(),
        ObjectStatus::Unknown(t) => format!("unknown action \"{}\"", clean(t.trim())),
    }
}

/// One history entry as `history` and `history --follow` show it: a line in words, or an
/// object with `--json`. The door event itself is read by [`DoorEvent`] (acses-api's view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventLine {
    /// The webhook event id (what `--follow` deduplicates on).
    pub id: String,
    /// When the door event happened (the event's date, else when it was sent).
    pub time: Option<Timestamp>,
    /// False when the entry's sent content is not a webhook event; the fields
    /// below are then null.
    pub readable: bool,
    pub locker_system_id: Option<String>,
    pub cell: Option<String>,
    /// Wire text: dropoff, checkout, registered, expired, or what the server sent.
    pub action: Option<String>,
    /// The booking's code: the PIN that opened the door.
    pub code: Option<String>,
    pub booking_state: Option<String>,
}

impl EventLine {
    pub fn from_history(entry: &WebhookHistory) -> EventLine {
        let id = entry.webhook_event_id.as_str();
        match entry.event() {
            Ok(event) => EventLine::door(id, &event, entry.sent_date),
            Err(_) => EventLine::unreadable(id.to_owned(), entry.sent_date),
        }
    }

    /// A readable entry: `entry_id` is the history entry's id (empty when it has none).
    pub fn door(entry_id: &str, event: &WebhookEvent, sent_date: Option<Timestamp>) -> EventLine {
        let view = DoorEvent::new(entry_id, event);
        let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
        EventLine {
            id: view.event_id,
            time: view.at.or(sent_date),
            readable: true,
            locker_system_id: non_empty(view.locker_id.as_str()),
            cell: non_empty(view.cell.as_str()),
            action: Some(view.action.as_str().to_owned()),
            code: non_empty(&event.booking.code),
            booking_state: non_empty(event.booking.state.as_str()),
        }
    }

    /// An entry whose sent content is not a webhook event.
    pub fn unreadable(id: String, sent_date: Option<Timestamp>) -> EventLine {
        EventLine {
            id,
            time: sent_date,
            readable: false,
            locker_system_id: None,
            cell: None,
            action: None,
            code: None,
            booking_state: None,
        }
    }

    /// One line in words, the same in `history` and `history --follow`:
    /// `2024-03-29 10:00:03 UTC  locker 151  cell 7   keys picked up    code 123456`
    pub fn text_line(&self) -> String {
        let time = self
            .time
            .as_ref()
            .map(format_time)
            .unwrap_or_else(|| "(no date)".to_owned());
        if !self.readable {
            return format!("{time:<23}  unreadable entry {}", clean(&self.id));
        }
        let mut line = format!("{time:<23}  ");
        let dash = || "-".to_owned();
        let locker = self
            .locker_system_id
            .as_deref()
            .map(clean)
            .unwrap_or_else(dash);
        let cell = self.cell.as_deref().map(clean).unwrap_or_else(dash);
        let action = self
            .action
            .as_deref()
            .map(|a| {
                let Ok(status) = a.parse::<ObjectStatus>();
                action_words(&status)
            })
            .unwrap_or_else(|| "unknown action".to_owned());
        let _ = write!(line, "locker {locker:<5}  cell {cell:<3}  {action:<18}");
        match &self.code {
            Some(code) => {
                let _ = write!(line, "  code {}", clean(code));
            }
            None => line.push_str("  (no code)"),
        }
        line.trim_end().to_owned()
    }
}

pub fn history_text(location: DealerLocationId, events: &[EventLine]) -> String {
    if events.is_empty() {
        return format!("No door events at location {location}.\n");
    }
    let mut out = String::new();
    for ev in events {
        out.push_str(&ev.text_line());
        out.push('\n');
    }
    out
}

/// `{"dealer_location_id": 82, "events": [...]}`
#[derive(Debug, Serialize)]
pub struct HistoryDoc<'a> {
    pub dealer_location_id: DealerLocationId,
    pub events: &'a [EventLine],
}

pub fn history_json(location: DealerLocationId, events: &[EventLine]) -> HistoryDoc<'_> {
    HistoryDoc {
        dealer_location_id: location,
        events,
    }
}

// --------------------------------------------------------------- emulator

pub fn emulator_text(url: &str, token: &str) -> String {
    format!("ACSES emulator listening on {url} (token: {token})\nPress Ctrl-C to stop.\n")
}

/// `{"listening": "http://127.0.0.1:8787", "token": "demo-token"}`
#[derive(Debug, Serialize)]
pub struct EmulatorDoc<'a> {
    pub listening: &'a str,
    pub token: &'a str,
}

pub fn emulator_json<'a>(url: &'a str, token: &'a str) -> EmulatorDoc<'a> {
    EmulatorDoc {
        listening: url,
        token,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use acses_api::WebhookEventId;

    fn entry(id: &str, content: &str) -> WebhookHistory {
        WebhookHistory {
            webhook_event_id: WebhookEventId::from(id),
            sent_content: content.to_owned(),
            sent_date: Timestamp::parse_lenient("2024-03-29T10:00:05Z"),
            ..WebhookHistory::default()
        }
    }

    const EVENT: &str = r#"{"tablekey":"70000001","lockersystem":"151","cellnumber":"7",
        "eventName":"checkout","eventDate":"2024-03-29T11:00:03+01:00",
        "booking":{"code":"123456","state":"USED","lockercell":"7","siteTablekey":"151"}}"#;

    #[test]
    fn table_pads_columns_and_trims_line_ends() {
        let rows = vec![
            vec!["1".to_owned(), "Jan".to_owned(), "yes".to_owned()],
            vec!["100".to_owned(), "Fatma Yılmaz".to_owned(), "".to_owned()],
        ];
        assert_eq!(
            table(&["ID", "NAME", "X"], &rows),
            "ID   NAME          X\n1    Jan           yes\n100  Fatma Yılmaz\n"
        );
    }

    #[test]
    fn clean_replaces_control_characters() {
        assert_eq!(clean("a\u{1b}[31mb\nc\td"), "a?[31mb?c?d");
        assert_eq!(clean("Yılmaz — ok"), "Yılmaz — ok");
    }

    #[test]
    fn times_are_shown_in_utc() {
        let t = Timestamp::parse_lenient("2024-03-29T11:00:03+01:00").unwrap();
        assert_eq!(format_time(&t), "2024-03-29 10:00:03 UTC");
        assert_eq!(format_minutes(&t), "2024-03-29 10:00 UTC");
    }

    #[test]
    fn event_line_from_a_readable_entry() {
        let ev = EventLine::from_history(&entry("70000001", EVENT));
        assert!(ev.readable);
        assert_eq!(ev.id, "70000001");
        assert_eq!(ev.locker_system_id.as_deref(), Some("151"));
        assert_eq!(ev.cell.as_deref(), Some("7"));
        assert_eq!(ev.action.as_deref(), Some("checkout"));
        assert_eq!(ev.code.as_deref(), Some("123456"));
        assert_eq!(ev.booking_state.as_deref(), Some("USED"));
        // The event's own date wins over the sent date.
        assert_eq!(
            ev.text_line(),
            "2024-03-29 10:00:03 UTC  locker 151    cell 7    keys picked up      code 123456"
        );
    }

    #[test]
    fn event_line_falls_back_to_booking_fields_and_event_id() {
        let content = r#"{"eventName":"dropoff","tablekey":"e9",
            "booking":{"lockercell":"3","siteTablekey":"152"}}"#;
        let ev = EventLine::from_history(&entry("", content));
        assert_eq!(ev.id, "e9");
        assert_eq!(ev.cell.as_deref(), Some("3"));
        assert_eq!(ev.locker_system_id.as_deref(), Some("152"));
        assert_eq!(ev.code, None);
        assert_eq!(
            ev.time,
            entry("", "").sent_date,
            "no event date: the sent date"
        );
        assert!(
            ev.text_line().ends_with("keys dropped off    (no code)"),
            "{}",
            ev.text_line()
        );
    }

    #[test]
    fn unreadable_entries_are_a_line_not_an_error() {
        for content in ["", "null", "[1,2]", "{\"eventName\":", "<html>"] {
            let ev = EventLine::from_history(&entry("77", content));
            assert!(!ev.readable, "{content}");
            assert_eq!(ev.code, None);
            assert_eq!(
                ev.text_line(),
                "2024-03-29 10:00:05 UTC  unreadable entry 77"
            );
        }
        let mut no_date = entry("x\u{1b}", "garbage");
        no_date.sent_date = None;
        assert_eq!(
            EventLine::from_history(&no_date).text_line(),
            "(no date)                unreadable entry x?"
        );
    }

    #[test]
    fn actions_in_words() {
        let words = |s: &str| {
            let Ok(status) = s.parse::<ObjectStatus>();
            action_words(&status)
        };
        assert_eq!(words("dropoff"), "keys dropped off");
        assert_eq!(words("CHECKOUT"), "keys picked up");
        assert_eq!(words("registered"), "booking registered");
        assert_eq!(words("expired"), "booking expired");
        assert_eq!(words(""), "unknown action");
        assert_eq!(words("opened\u{7}"), "unknown action \"opened?\"");
    }

    #[test]
    fn pin_sentences() {
        let a = AppointmentId(1001);
        let pin = Pin::new("482913");
        let locker = LockerSystemId::from("151");
        assert_eq!(
            pin_text(PinPurpose::Pickup, a, None, Some(&pin)),
            "PIN to pick up the keys of appointment 1001:\n482913\n"
        );
        assert_eq!(
            pin_text(PinPurpose::Pickup, a, None, None),
            "No PIN issued: the keys of appointment 1001 are not in the locker.\n"
        );
        assert_eq!(
            pin_text(PinPurpose::AssistPickup, a, None, None),
            "No PIN issued: the keys of appointment 1001 are not in the locker.\n"
        );
        assert!(pin_text(PinPurpose::DropBack, a, Some(&locker), Some(&pin))
            .ends_with("back into locker 151:\n482913\n"));
        let json =
            serde_json::to_value(pin_json(PinPurpose::DropBack, a, Some(&locker), None)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"action": "drop_back", "appointment_id": 1001,
                "locker_system_id": "151", "acses_pin": null})
        );
        let json = serde_json::to_value(pin_json(PinPurpose::Pickup, a, None, Some(&pin))).unwrap();
        assert!(json.get("locker_system_id").is_none());
        assert_eq!(json["acses_pin"], "482913");
    }
}

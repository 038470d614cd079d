//! The emulated ACSES/Claire world and every rule that changes it.
//!
//! All methods here are synchronous and take "now" as an argument: the state module calls them
//! with its lock held and never across an `.await`.

use std::fmt;

use rand::Rng;
use serde::Serialize;
use time::OffsetDateTime;

use crate::config::EmulatorConfig;
use crate::error::ApiError;
use crate::history::History;
use crate::wire::{AppointmentJson, LockerJson, Pin, WebhookBooking, WebhookEvent};

pub type LocationId = u64;
pub type AppointmentId = u64;

/// First generated booking id (ids are opaque numeric strings).
const FIRST_BOOKING_ID: u64 = 40_000_001;
/// First generated webhook event id.
const FIRST_EVENT_ID: u64 = 70_000_001;

/// A dealer location (a Claire `DealerLocationID`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub id: LocationId,
    pub name: String,
}

/// One cell of a locker; `occupant` is the appointment whose keys are in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub number: u32,
    pub tablekey: String,
    pub occupant: Option<AppointmentId>,
}

/// An ACSES locker system (a cabinet of cells) at one location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockerSystem {
    pub id: String,
    pub name: String,
    pub active: bool,
    pub location_id: LocationId,
    pub cells: Vec<Cell>,
}

impl LockerSystem {
    /// A locker with `cell_count` empty cells numbered from 1.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        location_id: LocationId,
        cell_count: u32,
        active: bool,
    ) -> Self {
        let id = id.into();
        let cells = (1..=cell_count)
            .map(|number| Cell {
                number,
                tablekey: format!("{id}{number:03}"),
                occupant: None,
            })
            .collect();
        Self {
            id,
            name: name.into(),
            active,
            location_id,
            cells,
        }
    }

    pub fn cell(&self, number: u32) -> Option<&Cell> {
        self.cells.iter().find(|c| c.number == number)
    }

    pub fn free_cells(&self) -> usize {
        self.cells.iter().filter(|c| c.occupant.is_none()).count()
    }

    fn to_json(&self) -> LockerJson {
        LockerJson {
            id: self.id.clone(),
            name: self.name.clone(),
            active: self.active,
        }
    }
}

/// A workshop appointment (a car whose keys may be in a locker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: AppointmentId,
    pub location_id: LocationId,
    pub license_plate: String,
    pub customer_name: String,
    pub car: String,
    pub planned_at: OffsetDateTime,
}

/// `BookingState` from the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookingState {
    Booked,
    Used,
    Expired,
}

impl BookingState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "BOOKED",
            Self::Used => "USED",
            Self::Expired => "EXPIRED",
        }
    }
}

/// Which endpoint issued a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookingKind {
    Pickup,
    AssistPickup,
    DropOff,
}

impl BookingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pickup => "pickup",
            Self::AssistPickup => "assist_pickup",
            Self::DropOff => "drop_back",
        }
    }

    /// The door action that uses a booking of this kind.
    pub fn door_action(self) -> ObjectStatus {
        match self {
            Self::Pickup | Self::AssistPickup => ObjectStatus::Checkout,
            Self::DropOff => ObjectStatus::Dropoff,
        }
    }
}

/// `ObjectStatus` from the document (also the webhook `eventName`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectStatus {
    Registered,
    Dropoff,
    Checkout,
    Expired,
}

impl ObjectStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Dropoff => "dropoff",
            Self::Checkout => "checkout",
            Self::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "registered" => Some(Self::Registered),
            "dropoff" => Some(Self::Dropoff),
            "checkout" => Some(Self::Checkout),
            "expired" => Some(Self::Expired),
            _ => None,
        }
    }
}

/// An ACSES booking: one PIN that opens one cell once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: String,
    pub code: Pin,
    pub state: BookingState,
    pub kind: BookingKind,
    pub appointment_id: AppointmentId,
    pub locker_system_id: String,
    /// The cell the PIN opens: known at issue time for a checkout, chosen at the door for a drop-off.
    pub cell: Option<u32>,
    pub created: OffsetDateTime,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub last_action: ObjectStatus,
    pub appointment_note_id: Option<u64>,
}

/// One webhook delivery as `/v1/events/history` reports it.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// The location whose history shows this entry (None: shown nowhere).
    #[serde(skip)]
    pub location_id: Option<LocationId>,
    pub webhook_event_id: String,
    pub sent_content: String,
    pub response_status: String,
    pub response_content: String,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_date: OffsetDateTime,
}

// sent_content carries the booking code (a PIN): Debug prints only its size.
impl fmt::Debug for HistoryEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HistoryEntry")
            .field("location_id", &self.location_id)
            .field("webhook_event_id", &self.webhook_event_id)
            .field(
                "sent_content",
                &format_args!("<{} bytes>", self.sent_content.len()),
            )
            .field("response_status", &self.response_status)
            .field("response_content", &self.response_content)
            .field("sent_date", &self.sent_date)
            .finish()
    }
}

/// Validated `simulate` parameters.
#[derive(Debug, Clone)]
pub struct DoorOpening {
    pub location_id: LocationId,
    pub locker_system_id: String,
    pub code: Pin,
    pub action: ObjectStatus,
}

/// Everything the emulator knows. Fields are public so tests and embedders can build and inspect
/// worlds; the HTTP routes only change it through the methods below.
#[derive(Debug, Clone)]
pub struct World {
    pub locations: Vec<Location>,
    pub lockers: Vec<LockerSystem>,
    pub appointments: Vec<Appointment>,
    pub bookings: Vec<Booking>,
    /// Oldest first, across all locations (reads like a `Vec`; keeps each entry's JSON).
    pub history: History,
    next_booking_id: u64,
    next_event_id: u64,
}

impl Default for World {
    fn default() -> Self {
        Self::empty()
    }
}

impl World {
    /// A world with nothing in it.
    pub fn empty() -> Self {
        Self {
            locations: Vec::new(),
            lockers: Vec::new(),
            appointments: Vec::new(),
            bookings: Vec::new(),
            history: History::new(),
            next_booking_id: FIRST_BOOKING_ID,
            next_event_id: FIRST_EVENT_ID,
        }
    }

    pub fn location(&self, id: LocationId) -> Option<&Location> {
        self.locations.iter().find(|l| l.id == id)
    }

    pub fn locker(&self, id: &str) -> Option<&LockerSystem> {
        self.lockers.iter().find(|l| l.id == id)
    }

    pub fn appointment(&self, id: AppointmentId) -> Option<&Appointment> {
        self.appointments.iter().find(|a| a.id == id)
    }

    /// The locker and cell holding an appointment's keys.
    pub fn keys_of(&self, appointment: AppointmentId) -> Option<(&LockerSystem, &Cell)> {
        self.lockers.iter().find_map(|locker| {
            locker
                .cells
                .iter()
                .find(|c| c.occupant == Some(appointment))
                .map(|cell| (locker, cell))
        })
    }

    /// The booking (any state) with this id.
    pub fn booking(&self, id: &str) -> Option<&Booking> {
        self.bookings.iter().find(|b| b.id == id)
    }

    /// The live (BOOKED) booking with this PIN, if any.
    pub fn live_booking_by_code(&self, code: &str) -> Option<&Booking> {
        self.bookings
            .iter()
            .find(|b| b.state == BookingState::Booked && b.code.as_str() == code)
    }

    /// History entries shown for a location, oldest first.
    pub fn history_at(&self, location: LocationId) -> impl Iterator<Item = &HistoryEntry> {
        self.history
            .iter()
            .filter(move |h| h.location_id == Some(location))
    }

    /// Puts an appointment's keys in a cell (for building worlds). Fails if the locker or cell does
    /// not exist or the cell is taken.
    pub fn put_keys(
        &mut self,
        appointment: AppointmentId,
        locker_id: &str,
        cell_number: u32,
    ) -> Result<(), String> {
        self.clear_keys(appointment);
        let locker = self
            .lockers
            .iter_mut()
            .find(|l| l.id == locker_id)
            .ok_or_else(|| format!("no locker {locker_id}"))?;
        let cell = locker
            .cells
            .iter_mut()
            .find(|c| c.number == cell_number)
            .ok_or_else(|| format!("locker {locker_id} has no cell {cell_number}"))?;
        match cell.occupant {
            Some(other) if other != appointment => Err(format!(
                "cell {cell_number} of locker {locker_id} holds the keys of {other}"
            )),
            _ => {
                cell.occupant = Some(appointment);
                Ok(())
            }
        }
    }

    fn clear_keys(&mut self, appointment: AppointmentId) {
        for cell in self.lockers.iter_mut().flat_map(|l| l.cells.iter_mut()) {
            if cell.occupant == Some(appointment) {
                cell.occupant = None;
            }
        }
    }

    /// Lockers of a location, inactive ones included (the client filters).
    pub fn lockers_json(&self, location: LocationId) -> Vec<LockerJson> {
        self.lockers
            .iter()
            .filter(|l| l.location_id == location)
            .map(LockerSystem::to_json)
            .collect()
    }

    /// Appointments of a location by planned time.
    pub fn appointments_json(&self, location: LocationId) -> Vec<AppointmentJson> {
        let mut list: Vec<AppointmentJson> = self
            .appointments
            .iter()
            .filter(|a| a.location_id == location)
            .map(|a| {
                let keys = self.keys_of(a.id);
                AppointmentJson {
                    id: a.id,
                    dealer_location_id: a.location_id,
                    license_plate: a.license_plate.clone(),
                    customer_name: a.customer_name.clone(),
                    car: a.car.clone(),
                    planned_at: a.planned_at,
                    keys_in_locker: keys.is_some(),
                    locker_system_id: keys.map(|(locker, _)| locker.id.clone()),
                }
            })
            .collect();
        list.sort_by_key(|a| (a.planned_at, a.id));
        list
    }

    fn appointment_or_404(&self, id: AppointmentId) -> Result<&Appointment, ApiError> {
        self.appointment(id).ok_or_else(|| {
            ApiError::not_found("appointment_not_found", format!("no appointment {id}"))
        })
    }

    /// `pickup` / `assist_pickup`: a checkout PIN for the cell holding the appointment's keys, the
    /// same one while it is still BOOKED, or None when the keys are not in a locker.
    pub(crate) fn issue_checkout(
        &mut self,
        appointment_id: AppointmentId,
        kind: BookingKind,
        now: OffsetDateTime,
        config: &EmulatorConfig,
    ) -> Result<Option<Pin>, ApiError> {
        self.appointment_or_404(appointment_id)?;
        // One cell, one live PIN: pickup and assist_pickup share a live checkout booking.
        if let Some(live) = self.bookings.iter().find(|b| {
            b.state == BookingState::Booked
                && b.appointment_id == appointment_id
                && b.kind.door_action() == ObjectStatus::Checkout
        }) {
            return Ok(Some(live.code.clone()));
        }
        let Some((locker, cell)) = self.keys_of(appointment_id) else {
            return Ok(None);
        };
        if !locker.active {
            return Err(ApiError::bad_request(
                "locker_inactive",
                format!("the keys are in locker {}, which is not active", locker.id),
            ));
        }
        let (locker_id, cell_number) = (locker.id.clone(), cell.number);
        let pin = self.new_booking(
            kind,
            appointment_id,
            locker_id,
            Some(cell_number),
            None,
            now,
            config,
        )?;
        Ok(Some(pin))
    }

    /// `drop_back`: a drop-off PIN for the given locker, the same one while it is still BOOKED, or
    /// None when the appointment's keys are already in a locker.
    pub(crate) fn issue_dropoff(
        &mut self,
        appointment_id: AppointmentId,
        locker_id: &str,
        appointment_note_id: Option<u64>,
        now: OffsetDateTime,
        config: &EmulatorConfig,
    ) -> Result<Option<Pin>, ApiError> {
        if locker_id.trim().is_empty() {
            return Err(ApiError::bad_request(
                "invalid_field",
                "locker_system_id must not be empty",
            ));
        }
        let appointment_location = self.appointment_or_404(appointment_id)?.location_id;
        let locker = self.locker(locker_id).ok_or_else(|| {
            ApiError::not_found("locker_not_found", format!("no locker system {locker_id}"))
        })?;
        if locker.location_id != appointment_location {
            return Err(ApiError::bad_request(
                "locker_wrong_location",
                format!(
                    "locker system {locker_id} is not at the appointment's location {appointment_location}"
                ),
            ));
        }
        if !locker.active {
            return Err(ApiError::bad_request(
                "locker_inactive",
                format!("locker system {locker_id} is not active"),
            ));
        }
        if self.keys_of(appointment_id).is_some() {
            return Ok(None);
        }
        let live = self.bookings.iter().position(|b| {
            b.state == BookingState::Booked
                && b.appointment_id == appointment_id
                && b.kind == BookingKind::DropOff
        });
        if let Some(index) = live {
            if self.bookings[index].locker_system_id == locker_id {
                return Ok(Some(self.bookings[index].code.clone()));
            }
            // A drop-off at another locker replaces the old one rather than leaving two PINs live.
            self.expire_booking(index, now);
        }
        let pin = self.new_booking(
            BookingKind::DropOff,
            appointment_id,
            locker_id.to_owned(),
            None,
            appointment_note_id,
            now,
            config,
        )?;
        Ok(Some(pin))
    }

    #[allow(clippy::too_many_arguments)]
    fn new_booking(
        &mut self,
        kind: BookingKind,
        appointment_id: AppointmentId,
        locker_system_id: String,
        cell: Option<u32>,
        appointment_note_id: Option<u64>,
        now: OffsetDateTime,
        config: &EmulatorConfig,
    ) -> Result<Pin, ApiError> {
        let code = self.fresh_pin(config.effective_pin_length())?;
        let ttl = time::Duration::try_from(config.booking_ttl).unwrap_or(time::Duration::MAX);
        let id = self.next_booking_id.to_string();
        self.next_booking_id += 1;
        self.bookings.push(Booking {
            id: id.clone(),
            code: code.clone(),
            state: BookingState::Booked,
            kind,
            appointment_id,
            locker_system_id,
            cell,
            created: now,
            start: now,
            end: now.checked_add(ttl).unwrap_or(now),
            last_action: ObjectStatus::Registered,
            appointment_note_id,
        });
        tracing::info!(booking = %id, appointment = appointment_id, kind = kind.as_str(), "booking issued");
        if config.log_registered_events {
            let index = self.bookings.len() - 1;
            let event = self.event_for(index, ObjectStatus::Registered, now);
            self.receive_event(event, now);
        }
        Ok(code)
    }

    /// A random numeric PIN not used by any live booking.
    fn fresh_pin(&self, length: usize) -> Result<Pin, ApiError> {
        let mut rng = rand::thread_rng();
        for _ in 0..1_000 {
            let code: String = (0..length)
                .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
                .collect();
            if self.live_booking_by_code(&code).is_none() {
                return Ok(Pin::new(code));
            }
        }
        Err(ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "no_free_pin",
            "no unused PIN could be found; try again later",
        ))
    }

    /// Expires every BOOKED booking whose end date has passed, in end-date order, logging an
    /// `expired` event dated at the end date for each. Returns how many expired.
    pub fn expire_due(&mut self, now: OffsetDateTime) -> usize {
        let mut due: Vec<usize> = self
            .bookings
            .iter()
            .enumerate()
            .filter(|(_, b)| b.state == BookingState::Booked && b.end <= now)
            .map(|(i, _)| i)
            .collect();
        due.sort_by_key(|&i| self.bookings[i].end);
        for &index in &due {
            let at = self.bookings[index].end;
            self.expire_booking(index, at);
        }
        due.len()
    }

    fn expire_booking(&mut self, index: usize, at: OffsetDateTime) {
        let event = self.event_for(index, ObjectStatus::Expired, at);
        self.receive_event(event, at);
    }

    /// `simulate`: plays ACSES when a door is opened with a PIN. Checks everything first, so an
    /// error changes nothing; then delivers the door event to the handler logic.
    pub(crate) fn open_door(
        &mut self,
        door: &DoorOpening,
        now: OffsetDateTime,
    ) -> Result<(), ApiError> {
        let locker = self.locker(&door.locker_system_id).ok_or_else(|| {
            ApiError::not_found(
                "locker_not_found",
                format!("no locker system {}", door.locker_system_id),
            )
        })?;
        if locker.location_id != door.location_id {
            return Err(ApiError::bad_request(
                "locker_wrong_location",
                format!(
                    "locker system {} is not at location {}",
                    locker.id, door.location_id
                ),
            ));
        }
        if !locker.active {
            return Err(ApiError::bad_request(
                "locker_inactive",
                format!("locker system {} is not active", locker.id),
            ));
        }
        let index = self
            .bookings
            .iter()
            .position(|b| {
                b.state == BookingState::Booked
                    && b.locker_system_id == locker.id
                    && b.code == door.code
            })
            .ok_or_else(|| {
                ApiError::not_found(
                    "booking_not_found",
                    format!(
                        "no booked booking with that code at locker system {}",
                        locker.id
                    ),
                )
            })?;
        let booking = &self.bookings[index];
        let expected = booking.kind.door_action();
        if expected != door.action {
            return Err(ApiError::bad_request(
                "wrong_action",
                format!(
                    "that code is for {}, not {}",
                    expected.as_str(),
                    door.action.as_str()
                ),
            ));
        }
        let cell = match door.action {
            ObjectStatus::Dropoff => locker
                .cells
                .iter()
                .find(|c| c.occupant.is_none())
                .map(|c| c.number)
                .ok_or_else(|| {
                    ApiError::conflict(
                        "locker_full",
                        format!("locker system {} has no free cell", locker.id),
                    )
                })?,
            _ => locker
                .cells
                .iter()
                .find(|c| c.occupant == Some(booking.appointment_id))
                .map(|c| c.number)
                .ok_or_else(|| {
                    ApiError::conflict(
                        "keys_not_in_locker",
                        format!(
                            "the keys of appointment {} are not in locker system {}",
                            booking.appointment_id, locker.id
                        ),
                    )
                })?,
        };
        self.bookings[index].cell = Some(cell);
        let event = self.event_for(index, door.action, now);
        self.receive_event(event, now);
        Ok(())
    }

    /// The webhook event ACSES would send for `name` happening to booking `index`; the booking in
    /// it shows the state after the event.
    fn event_for(&mut self, index: usize, name: ObjectStatus, at: OffsetDateTime) -> WebhookEvent {
        let tablekey = self.next_event_tablekey();
        let booking = &self.bookings[index];
        let state = match name {
            ObjectStatus::Registered => BookingState::Booked,
            ObjectStatus::Dropoff | ObjectStatus::Checkout => BookingState::Used,
            ObjectStatus::Expired => BookingState::Expired,
        };
        let cell = booking.cell.and_then(|number| {
            self.locker(&booking.locker_system_id)
                .and_then(|l| l.cell(number))
        });
        let cellnumber = booking.cell.map(|n| n.to_string()).unwrap_or_default();
        let plate = self
            .appointment(booking.appointment_id)
            .map(|a| a.license_plate.clone())
            .unwrap_or_default();
        WebhookEvent {
            tablekey,
            lockersystem: booking.locker_system_id.clone(),
            cellnumber: cellnumber.clone(),
            event_name: name.as_str().to_owned(),
            event_date: at,
            booking: WebhookBooking {
                tablekey: booking.id.clone(),
                name: plate,
                tag: booking.kind.as_str().to_owned(),
                state: state.as_str().to_owned(),
                start_date: booking.start,
                end_date: booking.end,
                code: booking.code.clone(),
                create: booking.created,
                lastaction: name.as_str().to_owned(),
                lockercell: cellnumber,
                lockercell_tablekey: cell.map(|c| c.tablekey.clone()).unwrap_or_default(),
                object_tablekey: booking.appointment_id.to_string(),
                site_tablekey: booking.locker_system_id.clone(),
            },
        }
    }

    fn next_event_tablekey(&mut self) -> String {
        let id = self.next_event_id.to_string();
        self.next_event_id += 1;
        id
    }

    /// `POST /v1/events/handler`: applies the event when it refers to a live booking, logs it in the
    /// history (with a generated webhook event id if it has none) and answers (status, body).
    pub fn receive_event(&mut self, mut event: WebhookEvent, at: OffsetDateTime) -> (u16, String) {
        if event.tablekey.is_empty() {
            event.tablekey = self.next_event_tablekey();
        }
        let location_id = self.event_location(&event);
        let (status, content) = self.apply_event(&event);
        let sent_content = serde_json::to_string(&event).unwrap_or_default();
        tracing::info!(
            webhook_event = %event.tablekey,
            event = %event.event_name,
            locker = %event.lockersystem,
            "webhook event logged"
        );
        self.history.push(HistoryEntry {
            location_id,
            webhook_event_id: event.tablekey,
            sent_content,
            response_status: status.to_string(),
            response_content: content.clone(),
            sent_date: at,
        });
        (status, content)
    }

    fn event_location(&self, event: &WebhookEvent) -> Option<LocationId> {
        let locker_of_booking = || {
            self.booking(&event.booking.tablekey)
                .map(|b| b.locker_system_id.as_str())
        };
        [
            Some(event.lockersystem.as_str()),
            Some(event.booking.site_tablekey.as_str()),
            locker_of_booking(),
        ]
        .into_iter()
        .flatten()
        .find_map(|id| self.locker(id))
        .map(|l| l.location_id)
    }

    fn apply_event(&mut self, event: &WebhookEvent) -> (u16, String) {
        let by_id = (!event.booking.tablekey.is_empty())
            .then(|| {
                self.bookings
                    .iter()
                    .position(|b| b.id == event.booking.tablekey)
            })
            .flatten();
        let index = by_id.or_else(|| {
            (!event.booking.code.is_empty())
                .then(|| {
                    self.bookings.iter().position(|b| {
                        b.state == BookingState::Booked
                            && b.code == event.booking.code
                            && (event.lockersystem.is_empty()
                                || b.locker_system_id == event.lockersystem)
                    })
                })
                .flatten()
        });
        // Events for unknown or finished bookings are accepted and only logged: ACSES retries
        // webhooks, and a repeated door event must not move keys twice.
        let Some(index) = index.filter(|&i| self.bookings[i].state == BookingState::Booked) else {
            return (200, String::new());
        };
        let Some(action) = ObjectStatus::parse(&event.event_name) else {
            return (200, String::new());
        };
        let cell_number = [event.cellnumber.as_str(), event.booking.lockercell.as_str()]
            .into_iter()
            .find_map(|text| text.trim().parse::<u32>().ok());
        let appointment = self.bookings[index].appointment_id;
        let locker_id = self.bookings[index].locker_system_id.clone();
        match action {
            ObjectStatus::Registered => {}
            ObjectStatus::Dropoff => {
                if let Some(number) = cell_number {
                    let free = self
                        .locker(&locker_id)
                        .and_then(|l| l.cell(number))
                        .is_some_and(|c| c.occupant.is_none() || c.occupant == Some(appointment));
                    if free {
                        // put_keys cannot fail here: the cell exists and is free.
                        let _ = self.put_keys(appointment, &locker_id, number);
                        self.bookings[index].cell = Some(number);
                    }
                }
                self.bookings[index].state = BookingState::Used;
            }
            ObjectStatus::Checkout => {
                if let Some(locker) = self.lockers.iter_mut().find(|l| l.id == locker_id) {
                    for cell in &mut locker.cells {
                        if cell.occupant == Some(appointment) {
                            cell.occupant = None;
                        }
                    }
                }
                self.bookings[index].state = BookingState::Used;
            }
            ObjectStatus::Expired => self.bookings[index].state = BookingState::Expired,
        }
        self.bookings[index].last_action = action;
        (200, String::new())
    }

    /// Inserts `count` realistic past history entries for a location before any existing ones
    /// (for performance tests of history polling). They belong to no live booking. Returns how many
    /// were added (0 when the location has no locker).
    pub fn seed_history(
        &mut self,
        location: LocationId,
        count: usize,
        now: OffsetDateTime,
    ) -> usize {
        const PLATES: [&str; 10] = [
            "GX-123-B", "K-482-RT", "TN-904-L", "5-XLK-22", "ZR-318-V", "74-HBN-8", "S-615-JD",
            "NB-772-K", "PL-550-F", "1-KTV-49",
        ];
        const NAMES: [ObjectStatus; 5] = [
            ObjectStatus::Dropoff,
            ObjectStatus::Checkout,
            ObjectStatus::Checkout,
            ObjectStatus::Dropoff,
            ObjectStatus::Expired,
        ];
        let Some(locker) = self
            .lockers
            .iter()
            .filter(|l| l.location_id == location)
            .max_by_key(|l| l.active)
            .cloned()
        else {
            return 0;
        };
        let cell_count = u32::try_from(locker.cells.len()).unwrap_or(u32::MAX).max(1);
        let first_existing = self.history.first().map(|h| h.sent_date).unwrap_or(now);
        let mut rng = rand::thread_rng();
        // Walk backwards from just before the oldest entry, a few minutes per event.
        let mut at = first_existing.min(now) - time::Duration::seconds(60);
        let mut seeded = Vec::with_capacity(count);
        for i in 0..count {
            let name = NAMES[i % NAMES.len()];
            let cell_number = rng.gen_range(1..=cell_count);
            let created = at - time::Duration::minutes(rng.gen_range(1..=10));
            let code: String = (0..6)
                .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
                .collect();
            let booking_id = self.next_booking_id.to_string();
            self.next_booking_id += 1;
            let state = if name == ObjectStatus::Expired {
                BookingState::Expired
            } else {
                BookingState::Used
            };
            let cellnumber = if name == ObjectStatus::Expired {
                String::new()
            } else {
                cell_number.to_string()
            };
            let event = WebhookEvent {
                tablekey: self.next_event_tablekey(),
                lockersystem: locker.id.clone(),
                cellnumber: cellnumber.clone(),
                event_name: name.as_str().to_owned(),
                event_date: at,
                booking: WebhookBooking {
                    tablekey: booking_id,
                    name: PLATES[rng.gen_range(0..PLATES.len())].to_owned(),
                    tag: if name == ObjectStatus::Dropoff {
                        BookingKind::DropOff.as_str().to_owned()
                    } else {
                        BookingKind::Pickup.as_str().to_owned()
                    },
                    state: state.as_str().to_owned(),
                    start_date: created,
                    end_date: created + time::Duration::minutes(15),
                    code: Pin::new(code),
                    create: created,
                    lastaction: name.as_str().to_owned(),
                    lockercell: cellnumber.clone(),
                    lockercell_tablekey: if cellnumber.is_empty() {
                        String::new()
                    } else {
                        format!("{}{cell_number:03}", locker.id)
                    },
                    object_tablekey: (100_000 + rng.gen_range(0..900_000u64)).to_string(),
                    site_tablekey: locker.id.clone(),
                },
            };
            seeded.push(HistoryEntry {
                location_id: Some(location),
                webhook_event_id: event.tablekey.clone(),
                sent_content: serde_json::to_string(&event).unwrap_or_default(),
                response_status: "200".to_owned(),
                response_content: String::new(),
                sent_date: at,
            });
            at -= time::Duration::seconds(rng.gen_range(120..=420));
        }
        seeded.reverse();
        self.history.prepend(seeded);
        count
    }
}

//! Event names (docs/ipc.md, "Events") and the sink that turns the core's events into Tauri
//! events for the UI. Each door event reaches the UI once: the one that opened the PIN on screen
//! as `pin://opened` (carrying the event), every other as `door://event`.

use kiosk_core::{Connection, DoorEvent, EventSink, PinExpired, PinOpened};
use tauri::{AppHandle, Emitter, Runtime};

pub const DOOR_EVENT: &str = "door://event";
pub const PIN_OPENED: &str = "pin://opened";
pub const PIN_EXPIRED: &str = "pin://expired";
pub const CONNECTION_STATUS: &str = "connection://status";

pub struct TauriSink<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> TauriSink<R> {
    fn emit<S: serde::Serialize + Clone>(&self, name: &str, payload: &S) {
        // Emitting fails only when the app is shutting down; nothing to recover then.
        if let Err(e) = self.0.emit(name, payload.clone()) {
            tracing::debug!("could not emit {name}: {e}");
        }
    }
}

impl<R: Runtime> EventSink for TauriSink<R> {
    fn door_event(&self, e: &DoorEvent) {
        self.emit(DOOR_EVENT, e);
    }
    fn pin_opened(&self, p: &PinOpened) {
        self.emit(PIN_OPENED, p);
    }
    fn pin_expired(&self, p: &PinExpired) {
        self.emit(PIN_EXPIRED, p);
    }
    fn connection(&self, c: &Connection) {
        self.emit(CONNECTION_STATUS, c);
    }
}

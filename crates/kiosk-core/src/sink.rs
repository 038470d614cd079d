//! How the core tells the shell what happened: a sink with one method per UI event
//! (docs/ipc.md, "Events"; the payloads are in [`crate::payload`]), and the two small sinks the
//! core offers (a channel, and nothing).

use tokio::sync::mpsc;

use crate::payload::{Connection, DoorEvent, PinExpired, PinOpened};

/// Receives the kiosk's events. The shell implements it by emitting Tauri events; the calls come
/// from the watcher task and must not block.
pub trait EventSink: Send + Sync + 'static {
    /// A new door event seen in the history (`door://event`), except the one that opened the
    /// PIN on screen: that one comes through [`EventSink::pin_opened`] only.
    fn door_event(&self, e: &DoorEvent);
    /// A door opened with the PIN on screen (`pin://opened`), carrying its door event.
    fn pin_opened(&self, p: &PinOpened);
    /// The PIN on screen expired (`pin://expired`).
    fn pin_expired(&self, p: &PinExpired);
    /// The connection state changed, or a poll succeeded (`connection://status`).
    fn connection(&self, c: &Connection);
}

/// Everything a sink can receive, as one value (for channels and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SinkEvent {
    Door(DoorEvent),
    PinOpened(PinOpened),
    PinExpired(PinExpired),
    Connection(Connection),
}

/// A sink that forwards every event into an unbounded channel (tests, or a shell that prefers to
/// forward from its own task). Sends to a closed channel are dropped.
#[derive(Debug, Clone)]
pub struct ChannelSink {
    tx: mpsc::UnboundedSender<SinkEvent>,
}

impl ChannelSink {
    pub fn new() -> (Self, mpsc::UnboundedReceiver<SinkEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self { tx }, rx)
    }
}

impl EventSink for ChannelSink {
    fn door_event(&self, e: &DoorEvent) {
        let _ = self.tx.send(SinkEvent::Door(e.clone()));
    }
    fn pin_opened(&self, p: &PinOpened) {
        let _ = self.tx.send(SinkEvent::PinOpened(p.clone()));
    }
    fn pin_expired(&self, p: &PinExpired) {
        let _ = self.tx.send(SinkEvent::PinExpired(p.clone()));
    }
    fn connection(&self, c: &Connection) {
        let _ = self.tx.send(SinkEvent::Connection(c.clone()));
    }
}

/// A sink that drops everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NullSink;

impl EventSink for NullSink {
    fn door_event(&self, _: &DoorEvent) {}
    fn pin_opened(&self, _: &PinOpened) {}
    fn pin_expired(&self, _: &PinExpired) {}
    fn connection(&self, _: &Connection) {}
}

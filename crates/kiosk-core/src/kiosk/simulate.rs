//! `simulate_door` (demo and developer mode only): opens the door for the PIN on screen through
//! the API's simulate endpoint, so a kiosk without a locker can show the whole flow.

use acses_api::{LockerSystemId, ObjectStatus};

use crate::error::KioskError;
use crate::payload::{Mode, PinAction};
use crate::text;

use super::lockers;
use super::state::Core;

/// `checkout` for a pickup, `dropoff` for a drop back; the door event then shows at once.
pub(super) async fn door(core: &Core) -> Result<(), KioskError> {
    let b = core.backend();
    if !(b.mode == Mode::Demo || core.effective().dev_mode) {
        return Err(KioskError::not_allowed(text::SIMULATE_NOT_ALLOWED));
    }
    let (b, client) = core.client()?;
    let watcher = b
        .watcher
        .as_ref()
        .ok_or_else(|| KioskError::not_allowed(text::NO_PIN_TO_SIMULATE))?;
    let watched = watcher
        .watched_pin()
        .ok_or_else(|| KioskError::not_allowed(text::NO_PIN_TO_SIMULATE))?;
    let locker = match &watched.locker {
        Some(l) => l.clone(),
        None => lockers::pick(core).await?,
    };
    let action = match watched.action {
        PinAction::Pickup | PinAction::AssistPickup => ObjectStatus::Checkout,
        PinAction::DropBack => ObjectStatus::Dropoff,
    };
    client
        .simulate(
            b.location,
            &LockerSystemId(locker),
            watched.pin.as_str(),
            action,
        )
        .await?;
    // Show the door event now rather than at the next tick.
    watcher.retry_now();
    Ok(())
}

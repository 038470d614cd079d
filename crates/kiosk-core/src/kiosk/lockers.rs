//! The location's key lockers: the list the drop-back screen offers, and the one to use when
//! none was chosen.

use crate::error::{ErrorKind, KioskError};
use crate::payload::LockerView;
use crate::text;

use super::state::Core;

/// `list_lockers`: the active lockers of the location.
pub(super) async fn list(core: &Core) -> Result<Vec<LockerView>, KioskError> {
    let (b, client) = core.client()?;
    let lockers = client.list_available_lockers(b.location).await?;
    Ok(lockers
        .into_iter()
        .filter(|l| l.active && !l.id.is_empty())
        .map(|l| LockerView {
            name: if l.name.trim().is_empty() {
                l.id.0.clone()
            } else {
                l.name.trim().to_owned()
            },
            id: l.id.0,
            active: l.active,
        })
        .collect())
}

/// The locker to use when none was chosen: the default one, else the location's only active
/// locker.
pub(super) async fn pick(core: &Core) -> Result<String, KioskError> {
    if let Some(id) = core.effective().default_locker_id {
        return Ok(id);
    }
    let lockers = list(core).await?;
    match lockers.as_slice() {
        [only] => Ok(only.id.clone()),
        [] => Err(KioskError::new(ErrorKind::NotFound, text::NO_LOCKER)),
        _ => Err(KioskError::invalid_input(text::SEVERAL_LOCKERS)),
    }
}

//! The admin lock: the admin PIN opens the settings (and, in kiosk mode, quitting) until the
//! settings screen closes or the kiosk returns to its welcome screen.

use crate::admin_pin::is_admin_pin_shape;
use crate::error::KioskError;
use crate::text;

use super::state::{lock, Core};

/// `unlock_admin`. With no admin PIN set there is nothing to unlock: always true.
pub(super) async fn unlock(core: &Core, pin: &str) -> bool {
    let stored = lock(&core.state).stored.clone();
    // Only what could be an admin PIN is hashed: a megabyte typed into the box must not cost a
    // megabyte of Argon2.
    if stored.admin_pin_hash.is_some() && !is_admin_pin_shape(pin) {
        lock(&core.state).admin_unlocked = false;
        return false;
    }
    let pin = pin.to_owned();
    // Argon2 takes tens of milliseconds on purpose: off the async threads.
    let ok = tokio::task::spawn_blocking(move || stored.verify_admin_pin(&pin))
        .await
        .unwrap_or(false);
    lock(&core.state).admin_unlocked = ok;
    ok
}

pub(super) fn relock(core: &Core) {
    lock(&core.state).admin_unlocked = false;
}

/// Whether admin functions (settings) are open: unlocked, or no admin PIN set (a kiosk being set
/// up; its first save must then set one).
pub(super) fn is_open(core: &Core) -> bool {
    let s = lock(&core.state);
    s.admin_unlocked || s.stored.admin_pin_hash.is_none()
}

/// Always outside kiosk mode; in kiosk mode only once an admin PIN is set *and* entered. A kiosk
/// without an admin PIN cannot be quit from its screen at all (curious hands at the counter
/// could otherwise), only set up.
pub(super) fn may_quit(core: &Core) -> bool {
    if !core.effective().kiosk_mode {
        return true;
    }
    let s = lock(&core.state);
    s.admin_unlocked && s.stored.admin_pin_hash.is_some()
}

/// [`may_quit`] as the answer to `quit_app`: the refusal a person sees.
pub(super) fn check_quit(core: &Core) -> Result<(), KioskError> {
    if may_quit(core) {
        Ok(())
    } else {
        Err(KioskError::not_allowed(text::ADMIN_LOCKED))
    }
}

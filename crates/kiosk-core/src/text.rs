//! Every sentence the kiosk shows a person, in one place, so that a later i18n pass can translate
//! them without hunting through the logic. English only for now.

// Errors from the locker service (see docs/ipc.md, "Errors").
pub const UNAUTHORIZED: &str =
    "The kiosk's API token was rejected. Ask an administrator to check the settings.";
pub const RATE_LIMITED: &str = "The locker service is busy right now. Trying again in a moment.";
pub const MAINTENANCE: &str = "The locker service is down for maintenance. Please try again later.";
pub const SERVER: &str = "The locker service had a problem. Please try again.";
pub const OFFLINE: &str = "Cannot reach the locker service. Check the network connection.";
pub const NOT_FOUND: &str = "Appointment not found.";
pub const METHOD_NOT_ALLOWED: &str =
    "The locker service refused the request. The kiosk may need an update.";
pub const BAD_REQUEST: &str = "The locker service did not accept the request.";
pub const UNREADABLE_ANSWER: &str =
    "The locker service sent an answer the kiosk does not understand.";
pub const CONFIG: &str = "The kiosk's connection settings are not valid. Ask an administrator.";
pub const INTERNAL: &str = "Something went wrong.";

// Our own refusals.
pub const BUSY: &str = "That request is already on its way.";
pub const SIMULATE_NOT_ALLOWED: &str =
    "Opening a door by simulation is only possible in demo or developer mode.";
pub const NO_PIN_TO_SIMULATE: &str = "There is no PIN on screen to open a door with.";
pub const ADMIN_LOCKED: &str = "Enter the administrator PIN first.";
pub const NO_LOCKER: &str = "No active key locker was found for this location.";
pub const SEVERAL_LOCKERS: &str = "This location has several key lockers. Choose one.";
pub const INVALID_APPOINTMENT: &str = "The appointment number must be a positive number.";
pub const INVALID_NOTE: &str = "The note number must be a positive number.";
pub const INVALID_LOCKER: &str = "The locker id is not valid.";

/// Shown instead of a PIN when the service answered without one (`acses_pin: null`).
pub fn no_pin_reason(action: crate::pin::PinAction) -> &'static str {
    use crate::pin::PinAction;
    match action {
        PinAction::Pickup | PinAction::AssistPickup => {
            "The locker service gave no PIN: the keys for this appointment are not in the locker."
        }
        PinAction::DropBack => {
            "The locker service gave no PIN: no cell could be reserved for these keys. Ask the service desk."
        }
    }
}

/// Words for a door event, as the activity list shows them.
pub fn door_action(action: crate::sink::DoorAction) -> &'static str {
    use crate::sink::DoorAction;
    match action {
        DoorAction::Dropoff => "keys put in",
        DoorAction::Checkout => "keys taken out",
        DoorAction::Expired => "booking expired",
        DoorAction::Registered => "booking registered",
        DoorAction::Unknown => "unknown event",
    }
}

// Settings validation (the field name travels separately, in `SettingsError::field`).
pub const SETTING_URL_PARSE: &str =
    "This is not a web address (example: https://claire.example/api/acses).";
pub const SETTING_URL_SCHEME: &str =
    "The address must start with https:// (or http:// for this computer only).";
pub const SETTING_URL_HTTPS: &str =
    "Only addresses on this computer may use http://; use https://.";
pub const SETTING_URL_HOST: &str = "The address has no host name.";
pub const SETTING_LOCATION: &str = "The location number must be greater than 0.";
pub const SETTING_LOCKER: &str =
    "Leave the locker empty or give its id (letters and digits, at most 64).";
pub const SETTING_LANGUAGE: &str = "The language must be \"en\" or \"nl\".";
pub const SETTING_ACTIVE_POLL: &str = "The fast check interval must be between 200 and 10000 ms.";
pub const SETTING_IDLE_POLL: &str = "The idle check interval must be between 2000 and 600000 ms.";
pub const SETTING_POLL_ORDER: &str = "The fast check interval cannot be longer than the idle one.";
pub const SETTING_ADMIN_PIN: &str = "The administrator PIN must be 4 to 8 digits.";
pub const SETTING_TOKEN: &str = "The API token cannot contain spaces or line breaks.";
pub const SETTING_HASH: &str = "The administrator PIN could not be stored.";
pub const NO_TOKEN: &str =
    "The kiosk has no API token yet. Ask an administrator to enter it in the settings.";

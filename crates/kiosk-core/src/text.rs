//! Every sentence the kiosk shows a person, in English: the English catalogue. The English
//! sentence is also the message id (as in gettext): code builds messages from these constants,
//! and [`crate::i18n`] turns them into the language of the settings where they leave the core.
//! Each sentence declared here is listed in [`ALL`], so the other catalogues' test sees a new one.

/// Declares the sentences as `pub const`s and lists them all in [`ALL`].
macro_rules! sentences {
    ($( $(#[$doc:meta])* $name:ident = $text:expr; )*) => {
        $( $(#[$doc])* pub const $name: &str = $text; )*
        /// Every sentence above as (name, English text), for the other catalogues and their tests.
        pub const ALL: &[(&str, &str)] = &[ $( (stringify!($name), $name), )* ];
    };
}

sentences! {
    // Errors from the locker service (see docs/ipc.md, "Errors").
    UNAUTHORIZED =
        "The kiosk's API token was rejected. Ask an administrator to check the settings.";
    RATE_LIMITED = "The locker service is busy right now. Trying again in a moment.";
    MAINTENANCE = "The locker service is down for maintenance. Please try again later.";
    SERVER = "The locker service had a problem. Please try again.";
    OFFLINE = "Cannot reach the locker service. Check the network connection.";
    NOT_FOUND = "Appointment not found.";
    METHOD_NOT_ALLOWED =
        "The locker service refused the request. The kiosk may need an update.";
    BAD_REQUEST = "The locker service did not accept the request.";
    UNREADABLE_ANSWER = "The locker service sent an answer the kiosk does not understand.";
    CONFIG = "The kiosk's connection settings are not valid. Ask an administrator.";
    INTERNAL = "Something went wrong.";

    // Our own refusals.
    BUSY = "That request is already on its way.";
    SIMULATE_NOT_ALLOWED =
        "Opening a door by simulation is only possible in demo or developer mode.";
    NO_PIN_TO_SIMULATE = "There is no PIN on screen to open a door with.";
    ADMIN_LOCKED = "Enter the administrator PIN first.";
    ADMIN_PIN_REQUIRED =
        "A kiosk needs an administrator PIN: set one (4 to 8 digits) before anything else.";
    NO_LOCKER = "No active key locker was found for this location.";
    SEVERAL_LOCKERS = "This location has several key lockers. Choose one.";
    INVALID_APPOINTMENT = "The appointment number must be a positive number.";
    INVALID_NOTE = "The note number must be a positive number.";
    INVALID_LOCKER = "The locker id is not valid.";

    // Instead of a PIN, when the service answered without one (`acses_pin: null`).
    NO_PIN_KEYS_OUT =
        "The locker service gave no PIN: the keys for this appointment are not in the locker.";
    NO_PIN_NO_CELL =
        "The locker service gave no PIN: no cell could be reserved for these keys. Ask the service desk.";

    // A door event, as the activity list shows it.
    DOOR_DROPOFF = "keys put in";
    DOOR_CHECKOUT = "keys taken out";
    DOOR_EXPIRED = "booking expired";
    DOOR_REGISTERED = "booking registered";
    DOOR_UNKNOWN = "unknown event";

    // Settings validation (the field name travels separately, in `SettingsError::field`).
    SETTING_URL_PARSE =
        "This is not a web address (example: https://claire.example/api/acses).";
    SETTING_URL_SCHEME =
        "The address must start with https:// (or http:// for this computer only).";
    SETTING_URL_HTTPS = "Only addresses on this computer may use http://; use https://.";
    SETTING_URL_HOST = "The address has no host name.";
    SETTING_LOCATION = "The location number must be greater than 0.";
    SETTING_LOCKER = "Leave the locker empty or give its id (letters and digits, at most 64).";
    SETTING_LANGUAGE = "The language must be \"en\" or \"nl\".";
    SETTING_ACTIVE_POLL = "The fast check interval must be between 200 and 10000 ms.";
    SETTING_IDLE_POLL = "The idle check interval must be between 2000 and 600000 ms.";
    SETTING_POLL_ORDER = "The fast check interval cannot be longer than the idle one.";
    SETTING_ADMIN_PIN = "The administrator PIN must be 4 to 8 digits.";
    SETTING_TOKEN = "The API token cannot contain spaces or line breaks.";
    SETTING_HASH = "The administrator PIN could not be stored.";
    NO_TOKEN =
        "The kiosk has no API token yet. Ask an administrator to enter it in the settings.";
    SAVE_FAILED =
        "The settings are in use but could not be written to disk; they will be lost on restart.";
}

/// Shown instead of a PIN when the service answered without one (`acses_pin: null`).
pub fn no_pin_reason(action: crate::payload::PinAction) -> &'static str {
    use crate::payload::PinAction;
    match action {
        PinAction::Pickup | PinAction::AssistPickup => NO_PIN_KEYS_OUT,
        PinAction::DropBack => NO_PIN_NO_CELL,
    }
}

/// Words for a door event, as the activity list shows them.
pub fn door_action(action: crate::payload::DoorAction) -> &'static str {
    use crate::payload::DoorAction;
    match action {
        DoorAction::Dropoff => DOOR_DROPOFF,
        DoorAction::Checkout => DOOR_CHECKOUT,
        DoorAction::Expired => DOOR_EXPIRED,
        DoorAction::Registered => DOOR_REGISTERED,
        DoorAction::Unknown => DOOR_UNKNOWN,
    }
}

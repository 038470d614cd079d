//! The command line, as clap derive types. Parsing only: no I/O here, so every
//! rule (ranges, required flags, env fallbacks) is testable with `Cli::try_parse_from`.

use std::net::SocketAddr;
use std::num::NonZeroUsize;

use acses_api::{AppointmentId, AppointmentNoteId, DealerLocationId, LockerSystemId, ObjectStatus};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};

/// Base URL used when neither `--base-url` nor `ACSES_BASE_URL` is given: where
/// `acses emulator` listens by default.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8787";
/// The emulator's default token (not a secret: it only opens the local demo).
pub const DEFAULT_TOKEN: &str = "demo-token";
/// The location of the emulator's demo data (and of Claire's dev locker).
pub const DEFAULT_LOCATION: u64 = 82;
/// Address `acses emulator` listens on by default.
pub const DEFAULT_EMULATOR_ADDR: &str = "127.0.0.1:8787";

const AFTER_HELP: &str = "\
With no options every command talks to a local `acses emulator` \
(http://127.0.0.1:8787, token demo-token, location 82), so this works out of the box:

  acses emulator &                # or in another terminal
  acses appointments
  acses pickup 120301             # prints a PIN
  acses simulate --locker 151 --code <PIN> --action checkout
  acses history

Exit codes: 0 success, 1 API or other error (one `error:` line on stderr), 2 usage error.";

/// Script the Claire ACSES key-locker API, and run a local emulator of it.
#[derive(Debug, Clone, Parser)]
// args_override_self: a repeated option means its last value, so an alias
// (`alias acses83="acses --location 83"`) can still be overridden.
#[command(name = "acses", version, after_help = AFTER_HELP, args_override_self = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand accepts, before or after its name.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Base URL of the ACSES API (the default is a local `acses emulator`)
    #[arg(
        long,
        global = true,
        env = "ACSES_BASE_URL",
        value_name = "URL",
        default_value = DEFAULT_BASE_URL,
        value_parser = parse_base_url,
    )]
    pub base_url: String,

    /// API bearer token [default: demo-token, the emulator's]; for `acses emulator`, the token it accepts
    #[arg(
        long,
        global = true,
        env = "ACSES_TOKEN",
        hide_env_values = true,
        hide_default_value = true,
        value_name = "TOKEN",
        default_value = DEFAULT_TOKEN,
        value_parser = parse_token,
    )]
    pub token: String,

    /// Dealer location id (82 is the emulator's demo workshop)
    #[arg(
        long,
        global = true,
        env = "ACSES_LOCATION",
        value_name = "ID",
        default_value_t = DealerLocationId(DEFAULT_LOCATION),
    )]
    pub location: DealerLocationId,

    /// Machine-readable output: one JSON document on stdout (one JSON object per line with --follow)
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the API emulator with demo data until Ctrl-C
    #[command(
        after_help = "Examples:\n  acses emulator --addr 127.0.0.1:8787 --history 20\n  acses emulator --fault history=503/5,503/5,ok --fault pickup=delay:15000\n  acses emulator --history-order newest-first --ids numeric --keys pascal --recycle-codes --clock-offset -90s"
    )]
    Emulator(EmulatorArgs),

    /// List the lockers of the location (id, name, active)
    #[command(after_help = "Example:\n  acses lockers --location 82")]
    Lockers,

    /// List the appointments of the location (id, plate, customer, planned time, keys in locker)
    #[command(after_help = "Example:\n  acses appointments --json")]
    Appointments,

    /// Get the PIN to take an appointment's keys out of the locker
    #[command(after_help = "Example:\n  acses pickup 120301")]
    Pickup(AppointmentArgs),

    /// Get the PIN for a customer to take their keys out of the locker
    #[command(after_help = "Example:\n  acses assist-pickup 120301")]
    AssistPickup(AppointmentArgs),

    /// Get the PIN to put an appointment's keys back into a locker
    #[command(after_help = "Example:\n  acses drop-back 120302 --locker 151")]
    DropBack(DropBackArgs),

    /// Show the door events of the location (time, locker, cell, action, booking code)
    #[command(after_help = "Examples:\n  acses history\n  acses history --follow --json")]
    History(HistoryArgs),

    /// Pretend a door was opened with a PIN (development API only)
    #[command(
        after_help = "Example:\n  acses simulate --locker 151 --code 123456 --action checkout"
    )]
    Simulate(SimulateArgs),
}

impl Command {
    /// `emulator` and `history --follow` run until Ctrl-C.
    pub fn runs_until_stopped(&self) -> bool {
        match self {
            Command::Emulator(_) => true,
            Command::History(h) => h.follow,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct EmulatorArgs {
    /// Address to listen on (port 0 picks a free port)
    #[arg(long, value_name = "HOST:PORT", default_value = DEFAULT_EMULATOR_ADDR)]
    pub addr: SocketAddr,

    /// How long an issued PIN stays valid, in seconds
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 900,
        value_parser = clap::value_parser!(u64).range(1..=7 * 24 * 3600),
    )]
    pub booking_ttl: u64,

    /// Seed this many demo door events into the history
    #[arg(
        long = "history",
        value_name = "N",
        default_value_t = 0,
        value_parser = clap::value_parser!(u64).range(0..=100_000),
    )]
    pub history: u64,

    /// Inject faults (repeatable): ENDPOINT=STEP[,STEP...], one step per request; a last step
    /// ending in * repeats forever. Steps: ok, 401, 429/SECS, 500, 503, delay:MS, drop,
    /// truncate, malformed, huge:300m, garbage. Example: --fault history=503,503,ok
    #[arg(long = "fault", value_name = "ENDPOINT=STEPS")]
    pub faults: Vec<acses_emulator::FaultSpec>,

    /// Order of the history answer: oldest-first (default) or newest-first
    #[arg(long, value_name = "ORDER", help_heading = SHAPE)]
    pub history_order: Option<acses_emulator::HistoryOrder>,

    /// Serve only the newest N history entries
    #[arg(long, value_name = "N", help_heading = SHAPE)]
    pub history_window: Option<NonZeroUsize>,

    /// Ids in the history as: string (default) or numeric
    #[arg(long, value_name = "FORM", help_heading = SHAPE)]
    pub ids: Option<acses_emulator::IdFormat>,

    /// Keys of history entries: snake (default), camel, pascal or document (the Go names)
    #[arg(long, value_name = "CASE", help_heading = SHAPE)]
    pub keys: Option<acses_emulator::KeyCase>,

    /// Keys of the event inside each entry: the handler body's (default), or the model's in
    /// snake, camel, pascal or document case
    #[arg(long, value_name = "CASE", help_heading = SHAPE)]
    pub event_keys: Option<acses_emulator::KeyCase>,

    /// Booking codes in the history as JSON numbers (leading zeros lost)
    #[arg(long, help_heading = SHAPE)]
    pub codes_as_numbers: bool,

    /// Serve every N-th history entry twice (N = 1 when not given)
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1", help_heading = SHAPE)]
    pub duplicate_events: Option<NonZeroUsize>,

    /// Give new PINs the code of an older, finished booking in the history
    #[arg(long, help_heading = SHAPE)]
    pub recycle_codes: bool,

    /// Run the emulator's clock (event dates, the Date header) off the real one: -90s, +5m, 1h
    #[arg(long, value_name = "OFFSET", allow_hyphen_values = true,
          value_parser = acses_emulator::parse_offset, help_heading = SHAPE)]
    pub clock_offset: Option<time::Duration>,
}

/// Help heading of the flags that pick a shape of the service the document allows.
const SHAPE: &str = "Service shape";

impl EmulatorArgs {
    /// `base` with the history shape, recycled codes and clock offset these flags ask for.
    pub fn shaped(&self, base: acses_emulator::EmulatorConfig) -> acses_emulator::EmulatorConfig {
        let mut config = base;
        let shape = &mut config.history_shape;
        shape.order = self.history_order.unwrap_or(shape.order);
        shape.window = self.history_window.or(shape.window);
        shape.ids = self.ids.unwrap_or(shape.ids);
        shape.keys = self.keys.unwrap_or(shape.keys);
        shape.event_keys = self.event_keys.or(shape.event_keys);
        shape.codes_as_numbers |= self.codes_as_numbers;
        shape.duplicate_every = self.duplicate_events.or(shape.duplicate_every);
        config.recycle_codes |= self.recycle_codes;
        config.clock_offset = self.clock_offset.unwrap_or(config.clock_offset);
        config
    }
}

#[derive(Debug, Clone, Args)]
pub struct AppointmentArgs {
    /// The appointment's id (a number)
    #[arg(value_name = "APPOINTMENT_ID")]
    pub appointment: AppointmentId,
}

#[derive(Debug, Clone, Args)]
pub struct DropBackArgs {
    /// The appointment's id (a number)
    #[arg(value_name = "APPOINTMENT_ID")]
    pub appointment: AppointmentId,

    /// The locker system to put the keys in (see `acses lockers`)
    #[arg(long, value_name = "ID", value_parser = parse_locker)]
    pub locker: LockerSystemId,

    /// An appointment note to attach (a number)
    #[arg(long, value_name = "ID")]
    pub note: Option<AppointmentNoteId>,
}

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    /// Keep running and print new events as they appear, until Ctrl-C
    #[arg(long, short = 'f')]
    pub follow: bool,

    /// How often --follow polls, in milliseconds
    #[arg(
        long,
        requires = "follow",
        value_name = "N",
        default_value_t = 1000,
        value_parser = clap::value_parser!(u64).range(100..=3_600_000),
    )]
    pub interval_ms: u64,
}

#[derive(Debug, Clone, Args)]
pub struct SimulateArgs {
    /// The locker system whose door to open (see `acses lockers`)
    #[arg(long, value_name = "ID", value_parser = parse_locker)]
    pub locker: LockerSystemId,

    /// The PIN typed at the locker
    #[arg(long, value_name = "PIN", value_parser = parse_code)]
    pub code: String,

    /// dropoff when putting keys in, checkout when taking them out
    #[arg(long, value_parser = door_action())]
    pub action: ObjectStatus,
}

/// The two things a person can do at an open door, parsed straight into the API's own action
/// type (the other statuses are the service's to report, not a door to simulate).
fn door_action() -> impl TypedValueParser<Value = ObjectStatus> {
    PossibleValuesParser::new([
        PossibleValue::new("dropoff").help("Put keys into the cell"),
        PossibleValue::new("checkout").help("Take keys out of the cell"),
    ])
    .map(|text| {
        let Ok(status) = text.parse::<ObjectStatus>();
        status
    })
}

fn parse_base_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text.trim()).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "scheme must be http or https, not `{}`",
            url.scheme()
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment".to_owned());
    }
    // Kept as typed (minus a trailing slash) so error lines show the user's own text.
    Ok(text.trim().trim_end_matches('/').to_owned())
}

fn parse_token(text: &str) -> Result<String, String> {
    // Never echo the value: clap would print it in the error line.
    if text.trim().is_empty() {
        return Err("must not be empty".to_owned());
    }
    Ok(text.trim().to_owned())
}

fn parse_locker(text: &str) -> Result<LockerSystemId, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("must not be empty".to_owned());
    }
    Ok(LockerSystemId::from(text))
}

fn parse_code(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("must not be empty".to_owned());
    }
    Ok(text.to_owned())
}

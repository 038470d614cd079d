//! The `acses` command as a library: [`run`] executes a parsed [`Cli`] and writes
//! its output to any `Write`, so every subcommand is tested in-process against the
//! emulator, without spawning processes.
//!
//! - [`cli`]: the clap types (parsing rules only).
//! - [`output`]: tables, sentences and JSON documents.
//! - [`error`]: [`CliError`], one clear line per failure, and the exit codes.

pub mod cli;
pub mod error;
pub mod output;

use std::future::Future;
use std::io::{self, Write};
use std::time::Duration;

use acses_api::history::{HistoryScanner, ScanError, ScanResult};
use acses_api::{Client, ClientConfig, RetryPolicy};
use secrecy::SecretString;
use tokio::time::MissedTickBehavior;

pub use cli::{Cli, Command, GlobalArgs};
pub use error::{CliError, EXIT_FAILURE, EXIT_USAGE};

use cli::{AppointmentArgs, DropBackArgs, EmulatorArgs, HistoryArgs, SimulateArgs};
use output::{EventLine, PinPurpose};

/// Runs the command, writing results to `out` and warnings to stderr; long-running
/// commands (`emulator`, `history --follow`) stop on Ctrl-C (or SIGTERM).
pub async fn run(cli: Cli, out: &mut impl Write) -> Result<(), CliError> {
    // Only the commands that wait for Ctrl-C catch it: during a one-shot call it
    // keeps its default effect of ending the process at once. The handler is set
    // up now, before the command starts, so a signal sent as soon as the
    // emulator has printed its address is not lost.
    let signals = cli.command.runs_until_stopped().then(Signals::install);
    let stop = async move {
        match signals {
            Some(s) => s.recv().await,
            None => std::future::pending().await,
        }
    };
    run_until(cli, out, &mut io::stderr(), stop).await
}

/// Ctrl-C (SIGINT) and SIGTERM, listened for from the moment of [`Signals::install`].
struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn install() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Signals {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// Resolves on the first signal. A signal whose handler could not be
    /// installed keeps its default effect, so the process can still be stopped.
    async fn recv(self) {
        #[cfg(unix)]
        {
            async fn one(s: Option<tokio::signal::unix::Signal>) {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            }
            tokio::select! {
                () = one(self.interrupt) => {}
                () = one(self.terminate) => {}
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// [`run`] with the warning stream and the stop signal chosen by the caller (tests
/// pass a buffer and a future they control).
pub async fn run_until(
    cli: Cli,
    out: &mut impl Write,
    err: &mut impl Write,
    shutdown: impl Future<Output = ()>,
) -> Result<(), CliError> {
    let g = &cli.global;
    match &cli.command {
        Command::Emulator(args) => emulator(g, args, out, err, shutdown).await,
        Command::Lockers => lockers(g, out).await,
        Command::Appointments => appointments(g, out).await,
        Command::Pickup(args) => pin(g, PinPurpose::Pickup, args, out).await,
        Command::AssistPickup(args) => pin(g, PinPurpose::AssistPickup, args, out).await,
        Command::DropBack(args) => drop_back(g, args, out).await,
        Command::History(args) if args.follow => follow(g, args, out, err, shutdown).await,
        Command::History(_) => history(g, out).await,
        Command::Simulate(args) => simulate(g, args, out).await,
    }
}

/// No automatic retries: an admin at a terminal (or a script) should see a
/// failure at once and decide; `history --follow` has its own polling loop.
fn client(g: &GlobalArgs) -> Result<Client, CliError> {
    let config = ClientConfig::new(g.base_url.clone(), SecretString::from(g.token.clone()))
        .with_retry(RetryPolicy::none())
        .with_user_agent(concat!("acses-cli/", env!("CARGO_PKG_VERSION")));
    Client::new(config).map_err(|e| CliError::api(&g.base_url, e))
}

/// Writes a JSON document (pretty, one per command) or text, and flushes.
fn emit<J: serde::Serialize>(
    g: &GlobalArgs,
    out: &mut impl Write,
    json: impl FnOnce() -> J,
    text: impl FnOnce() -> String,
) -> Result<(), CliError> {
    if g.json {
        serde_json::to_writer_pretty(&mut *out, &json()).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    } else {
        out.write_all(text().as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

async fn lockers(g: &GlobalArgs, out: &mut impl Write) -> Result<(), CliError> {
    let lockers = client(g)?
        .list_available_lockers(g.location)
        .await
        .map_err(|e| CliError::api(&g.base_url, e))?;
    emit(
        g,
        out,
        || output::lockers_json(g.location, &lockers),
        || output::lockers_text(g.location, &lockers),
    )
}

async fn appointments(g: &GlobalArgs, out: &mut impl Write) -> Result<(), CliError> {
    let appointments = client(g)?
        .list_appointments(g.location)
        .await
        .map_err(|e| CliError::api(&g.base_url, e))?;
    emit(
        g,
        out,
        || output::appointments_json(g.location, &appointments),
        || output::appointments_text(g.location, &appointments),
    )
}

async fn pin(
    g: &GlobalArgs,
    purpose: PinPurpose,
    args: &AppointmentArgs,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let client = client(g)?;
    let result = match purpose {
        PinPurpose::AssistPickup => client.assist_pickup(args.appointment).await,
        _ => client.pickup(args.appointment).await,
    };
    let pin = result.map_err(|e| CliError::api(&g.base_url, e))?;
    emit(
        g,
        out,
        || output::pin_json(purpose, args.appointment, None, pin.as_ref()),
        || output::pin_text(purpose, args.appointment, None, pin.as_ref()),
    )
}

async fn drop_back(
    g: &GlobalArgs,
    args: &DropBackArgs,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let request = acses_api::DropBackRequest {
        locker_system_id: args.locker.clone(),
        appointment_id: args.appointment,
        appointment_note_id: args.note,
    };
    let pin = client(g)?
        .drop_back(&request)
        .await
        .map_err(|e| CliError::api(&g.base_url, e))?;
    let purpose = PinPurpose::DropBack;
    emit(
        g,
        out,
        || output::pin_json(purpose, args.appointment, Some(&args.locker), pin.as_ref()),
        || output::pin_text(purpose, args.appointment, Some(&args.locker), pin.as_ref()),
    )
}

async fn simulate(
    g: &GlobalArgs,
    args: &SimulateArgs,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let action = &args.action;
    client(g)?
        .simulate(g.location, &args.locker, &args.code, action.clone())
        .await
        .map_err(|e| CliError::api(&g.base_url, e))?;
    emit(
        g,
        out,
        || output::simulate_json(g.location, &args.locker, action),
        || output::simulate_text(&args.locker, action),
    )
}

async fn history(g: &GlobalArgs, out: &mut impl Write) -> Result<(), CliError> {
    let entries = client(g)?
        .events_history(g.location)
        .await
        .map_err(|e| CliError::api(&g.base_url, e))?;
    let events: Vec<EventLine> = entries.iter().map(EventLine::from_history).collect();
    emit(
        g,
        out,
        || output::history_json(g.location, &events),
        || output::history_text(g.location, &events),
    )
}

/// One poll for `--follow`: the history body through the scanner, which decides what is new
/// (the same scanner as the kiosk's door watcher). A body that is not a history is a decode
/// error, as for `history`: not transient, so it ends the follow.
async fn scan_history(
    client: &Client,
    g: &GlobalArgs,
    scanner: &mut HistoryScanner,
) -> Result<ScanResult, acses_api::Error> {
    let body = client.events_history_raw(g.location).await?;
    scanner
        .scan(&body)
        .map_err(|e: ScanError| acses_api::Error::Decode {
            endpoint: format!("POST {}", acses_api::wire::paths::EVENTS_HISTORY),
            status: 200,
            message: e.to_string(),
            snippet: String::new(),
        })
}

/// The new entries of a scan as lines, in history order (readable or not).
fn new_lines(scan: ScanResult) -> Vec<EventLine> {
    let mut lines: Vec<(usize, EventLine)> = scan
        .new_events
        .into_iter()
        .map(|n| (n.position, EventLine::door(&n.id, &n.event, n.sent_date)))
        .chain(
            scan.bad_entries
                .into_iter()
                .map(|b| (b.position, EventLine::unreadable(b.id, b.sent_date))),
        )
        .collect();
    lines.sort_by_key(|(position, _)| *position);
    lines.into_iter().map(|(_, line)| line).collect()
}

/// `history --follow`: a first poll sets the baseline (errors there are fatal, so
/// a wrong URL or token is reported at once), then only new entries are printed.
/// Later transient errors print one warning per streak and polling goes on.
async fn follow(
    g: &GlobalArgs,
    args: &HistoryArgs,
    out: &mut impl Write,
    err: &mut impl Write,
    shutdown: impl Future<Output = ()>,
) -> Result<(), CliError> {
    let client = client(g)?;
    tokio::pin!(shutdown);

    // The first scan of a fresh scanner is the baseline: every entry in it counts as seen.
    let mut scanner = HistoryScanner::new();
    tokio::select! {
        () = &mut shutdown => return Ok(()),
        r = scan_history(&client, g, &mut scanner) => r.map_err(|e| CliError::api(&g.base_url, e))?,
    };
    // Best effort: stderr going away must not stop the follow.
    let _ = writeln!(
        err,
        "Following door events at location {} (every {} ms); Ctrl-C to stop.",
        g.location, args.interval_ms
    );

    let mut ticker = tokio::time::interval(Duration::from_millis(args.interval_ms));
    // Delay, not the default Burst: after a slow poll, wait a full interval again
    // instead of firing the missed ticks back to back at the server.
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ticker.tick().await; // the first tick is immediate: the baseline was that poll
    let mut failing: Option<String> = None;
    loop {
        tokio::select! {
            () = &mut shutdown => return Ok(()),
            _ = ticker.tick() => {}
        }
        let result = tokio::select! {
            () = &mut shutdown => return Ok(()),
            r = scan_history(&client, g, &mut scanner) => r,
        };
        match result {
            Ok(scan) => {
                if failing.take().is_some() {
                    let _ = writeln!(err, "note: the API answers again; following.");
                }
                for line in new_lines(scan) {
                    write_follow_line(g, out, &line)?;
                }
            }
            Err(e) if e.is_transient() => {
                let message = error::api_message(&g.base_url, &e);
                if failing.as_deref() != Some(message.as_str()) {
                    let _ = writeln!(err, "warning: {message} (still following)");
                    failing = Some(message);
                }
            }
            Err(e) => return Err(CliError::api(&g.base_url, e)),
        }
    }
}

fn write_follow_line(
    g: &GlobalArgs,
    out: &mut impl Write,
    event: &EventLine,
) -> Result<(), CliError> {
    if g.json {
        serde_json::to_writer(&mut *out, event).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    } else {
        writeln!(out, "{}", event.text_line())?;
    }
    out.flush()?;
    Ok(())
}

async fn emulator(
    g: &GlobalArgs,
    args: &EmulatorArgs,
    out: &mut impl Write,
    err: &mut impl Write,
    shutdown: impl Future<Output = ()>,
) -> Result<(), CliError> {
    use acses_emulator::{EmulatorConfig, World};

    let config = EmulatorConfig {
        token: g.token.clone(),
        booking_ttl: Duration::from_secs(args.booking_ttl),
        ..args.shaped(EmulatorConfig::default())
    };
    let running = acses_emulator::spawn(config, World::demo(), args.addr)
        .await
        .map_err(|source| CliError::Listen {
            addr: args.addr,
            source,
        })?;
    for spec in &args.faults {
        running.state().apply_fault_spec(spec);
        let _ = writeln!(err, "note: injecting faults: {spec}");
    }
    if args.history > 0 {
        let wanted = usize::try_from(args.history).unwrap_or(usize::MAX);
        let seeded = running.state().seed_history(g.location.0, wanted);
        if seeded == 0 {
            let _ = writeln!(
                err,
                "note: location {} has no demo locker, so no history was seeded (demo locations: {}, {}).",
                g.location,
                acses_emulator::demo_ids::WERKPLAATS,
                acses_emulator::demo_ids::SHOWROOM,
            );
        }
    }
    let url = running.base_url();
    // One compact line even with --json: scripts read the first line and go on.
    if g.json {
        serde_json::to_writer(&mut *out, &output::emulator_json(&url, running.token()))
            .map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    } else {
        out.write_all(output::emulator_text(&url, running.token()).as_bytes())?;
    }
    out.flush()?;
    shutdown.await;
    running.shutdown().await.map_err(CliError::Emulator)?;
    let _ = writeln!(err, "Emulator stopped.");
    Ok(())
}

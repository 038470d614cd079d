//! `acses`: parse, run, turn any failure into one `error:` line and an exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use acses_cli::{Cli, Command, EXIT_FAILURE};
use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // Exits 2 with clap's message on a usage error, 0 for --help/--version.
    let cli = Cli::parse();
    init_tracing(&cli);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let mut stdout = std::io::stdout().lock();
    match runtime.block_on(acses_cli::run(cli, &mut stdout)) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of our output went away (`| head`): it has what it wanted.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Logs go to stderr, quiet by default (`RUST_LOG` overrides). The emulator
/// reports bookings and door events at info, which is what someone running it
/// in a terminal wants to watch; neither the token nor PINs are ever logged.
fn init_tracing(cli: &Cli) {
    let default = match cli.command {
        Command::Emulator(_) => "warn,acses_emulator::world=info",
        _ => "warn",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

//! Serving the emulator on a real socket.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::EmulatorConfig;
use crate::routes::app;
use crate::state::EmulatorState;
use crate::world::World;

/// A running emulator. Dropping it (or calling [`RunningEmulator::shutdown`]) stops the server
/// gracefully: in-flight requests finish, new connections are refused.
#[derive(Debug)]
pub struct RunningEmulator {
    /// The address actually bound (the real port when `:0` was asked for).
    pub addr: SocketAddr,
    state: EmulatorState,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    sweeper: JoinHandle<()>,
}

/// Binds `addr` (use `127.0.0.1:0` for a free port) and serves the emulator in a tokio task.
pub async fn spawn(
    config: EmulatorConfig,
    world: World,
    addr: SocketAddr,
) -> std::io::Result<RunningEmulator> {
    spawn_with_state(EmulatorState::new(config, world), addr).await
}

/// Like [`spawn`], for a state built by the caller (e.g. with a manual clock).
pub async fn spawn_with_state(
    state: EmulatorState,
    addr: SocketAddr,
) -> std::io::Result<RunningEmulator> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let router = app(state.clone());
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                // Either an explicit stop or the handle being dropped.
                let _ = stopped.await;
            })
            .await
    });
    let sweeper = state.spawn_sweeper();
    tracing::info!(%addr, "ACSES emulator listening");
    Ok(RunningEmulator {
        addr,
        state,
        stop: Some(stop),
        server: Some(server),
        sweeper,
    })
}

impl RunningEmulator {
    /// `http://<addr>`; the `/v1` routes sit directly under it (and under `/api/acses`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn token(&self) -> &str {
        &self.state.config().token
    }

    pub fn state(&self) -> &EmulatorState {
        &self.state
    }

    /// Stops the server and waits until it has finished.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        self.signal_stop();
        match self.server.take() {
            Some(server) => server
                .await
                .unwrap_or_else(|e| Err(std::io::Error::other(e))),
            None => Ok(()),
        }
    }

    fn signal_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.sweeper.abort();
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

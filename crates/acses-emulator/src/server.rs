//! Serving the emulator on a real socket.

use std::net::SocketAddr;

use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::EmulatorConfig;
use crate::routes::app;
use crate::state::EmulatorState;
use crate::world::World;

/// A running emulator. Dropping it (or calling [`RunningEmulator::shutdown`]) stops the server
/// gracefully: in-flight requests finish, new connections are refused.
///
/// [`RunningEmulator::stop`] and [`RunningEmulator::start`] take the server down and bring it back
/// on the same address with the same state (a service restart, as clients see it).
#[derive(Debug)]
pub struct RunningEmulator {
    /// The address actually bound (the real port when `:0` was asked for).
    pub addr: SocketAddr,
    state: EmulatorState,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    sweeper: Option<JoinHandle<()>>,
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
    let listener = bind(addr)?;
    let addr = listener.local_addr()?;
    let mut running = RunningEmulator {
        addr,
        state,
        stop: None,
        server: None,
        sweeper: None,
    };
    running.serve(listener);
    Ok(running)
}

/// Binds with SO_REUSEADDR, so a restart on the same port does not wait for the old
/// connections' TIME_WAIT to pass.
fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
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

    fn serve(&mut self, listener: TcpListener) {
        let (stop, stopped) = oneshot::channel::<()>();
        let router = app(self.state.clone());
        self.server = Some(tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    // Either an explicit stop or the handle being dropped.
                    let _ = stopped.await;
                })
                .await
        }));
        self.stop = Some(stop);
        self.sweeper = Some(self.state.spawn_sweeper());
        tracing::info!(addr = %self.addr, "ACSES emulator listening");
    }

    /// Whether the server is up (between `stop` and `start` it is not).
    pub fn is_running(&self) -> bool {
        self.server.is_some()
    }

    /// Takes the server down, keeping its state: new connections are refused and open ones are
    /// closed (requests in flight get up to `grace` to finish, then are cut off).
    pub async fn stop(&mut self, grace: Duration) {
        self.signal_stop();
        self.state.cut_connections();
        if let Some(mut server) = self.server.take() {
            if tokio::time::timeout(grace, &mut server).await.is_err() {
                server.abort();
                let _ = server.await;
            }
        }
        tracing::info!(addr = %self.addr, "ACSES emulator stopped");
    }

    /// Serves again on the same address with the same state (after [`Self::stop`]; a no-op when
    /// running).
    pub async fn start(&mut self) -> std::io::Result<()> {
        if self.server.is_some() {
            return Ok(());
        }
        let listener = bind(self.addr)?;
        self.serve(listener);
        Ok(())
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
        if let Some(sweeper) = self.sweeper.take() {
            sweeper.abort();
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

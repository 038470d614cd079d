//! Harness for the WebDriver end-to-end tests of the real kiosk binary.
//!
//! Each test starts its own `tauri-driver` (which starts `WebKitWebDriver`, which starts the app)
//! on free ports, with the app's data directories in a fresh temporary folder, so tests share
//! nothing. `scripts/e2e` builds the app and runs these tests under Xvfb.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How long to wait for anything the UI should show by itself.
pub const UI_TIMEOUT: Duration = Duration::from_secs(20);

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The app binary under test: `KIOSK_APP`, else the debug build in the workspace target dir.
pub fn app_binary() -> PathBuf {
    if let Ok(p) = std::env::var("KIOSK_APP") {
        return PathBuf::from(p);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("target"));
    target.join("debug/acses-kiosk")
}

/// An emulator on a free loopback port in this process, serving `world` with `token`: the
/// tests and benches that shape the world or count its requests run the app against it.
pub async fn local_emulator(
    world: acses_emulator::World,
    token: &str,
) -> Result<acses_emulator::RunningEmulator> {
    let config = acses_emulator::EmulatorConfig::with_token(token);
    Ok(acses_emulator::spawn(config, world, "127.0.0.1:0".parse()?).await?)
}

/// A port nobody listens on right now (bound and released; good enough on loopback in tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

/// One running app, driven over WebDriver.
pub struct Kiosk {
    pub client: Client,
    driver: Child,
    _data: tempfile::TempDir,
}

pub struct LaunchSpec {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

/// The app's identifier (tauri.conf.json): its data directory under `$XDG_DATA_HOME`.
pub const APP_IDENTIFIER: &str = "nl.workshop.acses-kiosk";

impl Kiosk {
    pub async fn launch(spec: LaunchSpec) -> Result<Kiosk> {
        Self::launch_inner(app_binary(), spec, None).await
    }

    /// Like [`Kiosk::launch`], with a settings file in place before the app starts (as an
    /// installer would leave it): `settings` is the stored `Settings` object (camelCase).
    pub async fn launch_with_settings(
        spec: LaunchSpec,
        settings: serde_json::Value,
    ) -> Result<Kiosk> {
        Self::launch_inner(app_binary(), spec, Some(settings)).await
    }

    /// Like [`Kiosk::launch`] for another binary (the footprint bench also starts a bare Tauri
    /// window the same way).
    pub async fn launch_app(app: &Path, spec: LaunchSpec) -> Result<Kiosk> {
        Self::launch_inner(app.to_path_buf(), spec, None).await
    }

    async fn launch_inner(
        app: PathBuf,
        spec: LaunchSpec,
        settings: Option<serde_json::Value>,
    ) -> Result<Kiosk> {
        if !app.exists() {
            return Err(format!(
                "app binary {} missing: run `cargo build --bin acses-kiosk` first",
                app.display()
            )
            .into());
        }
        let data = tempfile::Builder::new().prefix("kiosk-e2e").tempdir()?;
        if let Some(settings) = settings {
            let dir = data.path().join("data").join(APP_IDENTIFIER);
            std::fs::create_dir_all(&dir)?;
            let doc = serde_json::json!({ "settings": settings });
            std::fs::write(dir.join("settings.json"), serde_json::to_vec_pretty(&doc)?)?;
        }
        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new(tauri_driver());
        cmd.args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .env("XDG_DATA_HOME", data.path().join("data"))
            .env("XDG_CONFIG_HOME", data.path().join("config"))
            .env("XDG_CACHE_HOME", data.path().join("cache"))
            .env("XDG_STATE_HOME", data.path().join("state"))
            // The tests must never reach a real service configured on the machine.
            .env_remove("ACSES_BASE_URL")
            .env_remove("ACSES_TOKEN")
            .env_remove("ACSES_LOCATION")
            // English unless a test asks otherwise: the app's language follows the locale.
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        let driver = cmd
            .spawn()
            .map_err(|e| format!("cannot start tauri-driver: {e}"))?;
        let mut guard = DriverGuard(Some(driver));
        wait_for_port(
            SocketAddr::from(([127, 0, 0, 1], port)),
            Duration::from_secs(15),
        )?;

        let caps = serde_json::json!({
            "tauri:options": { "application": app, "args": spec.args }
        });
        let caps = match caps {
            serde_json::Value::Object(m) => m,
            _ => unreachable!("literal object"),
        };
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await?;
        let driver = guard.0.take().expect("driver present");
        Ok(Kiosk {
            client,
            driver,
            _data: data,
        })
    }

    /// Waits until an element with this `data-testid` is displayed, and returns it.
    pub async fn testid(&self, id: &str) -> Result<Element> {
        self.css(&format!("[data-testid=\"{id}\"]")).await
    }

    pub async fn css(&self, selector: &str) -> Result<Element> {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            if let Ok(els) = self.client.find_all(Locator::Css(selector)).await {
                for el in els {
                    if el.is_displayed().await.unwrap_or(false) {
                        return Ok(el);
                    }
                }
            }
            if Instant::now() > deadline {
                let shot = self.save_png_to(&failure_dir(), "failure-last").await;
                return Err(format!(
                    "nothing visible matches {selector} after {UI_TIMEOUT:?} (screen saved: {shot:?})"
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks an element once it is visible. The UI re-renders parts of the screen on live
    /// events, so an element found a moment ago can be replaced: find it again then.
    pub async fn tap(&self, testid: &str) -> Result<()> {
        self.tap_css(&format!("[data-testid=\"{testid}\"]")).await
    }

    pub async fn tap_css(&self, selector: &str) -> Result<()> {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            match self.css(selector).await?.click().await {
                Ok(()) => return Ok(()),
                Err(e) if Instant::now() < deadline && is_stale(&e) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Saves a screenshot of the whole window to `docs/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        self.save_png_to(&repo_root().join("docs/screenshots"), name)
            .await
    }

    async fn save_png_to(&self, dir: &Path, name: &str) -> Result<PathBuf> {
        // WebKit's snapshot can show the previous frame: let two frames paint first.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await?;
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// The tauri-driver process: the app and its WebKit processes run below it.
    pub fn driver_pid(&self) -> u32 {
        self.driver.id()
    }

    pub async fn close(mut self) -> Result<()> {
        let _ = self.client.clone().close().await;
        stop_driver(&mut self.driver);
        Ok(())
    }
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        stop_driver(&mut self.driver);
    }
}

struct DriverGuard(Option<Child>);
impl Drop for DriverGuard {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            stop_driver(c);
        }
    }
}

/// SIGTERM lets tauri-driver stop WebKitWebDriver (and so the app); SIGKILL would orphan them.
fn stop_driver(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn is_stale(e: &fantoccini::error::CmdError) -> bool {
    matches!(e, fantoccini::error::CmdError::Standard(w)
        if w.error == fantoccini::error::ErrorStatus::StaleElementReference)
}

/// Where a failing wait leaves its last screen (kept out of docs/).
fn failure_dir() -> PathBuf {
    repo_root().join("target/e2e-failures")
}

fn tauri_driver() -> PathBuf {
    if let Ok(p) = std::env::var("TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let home_bin = std::env::var("HOME")
        .map(|h| PathBuf::from(h).join(".cargo/bin/tauri-driver"))
        .ok();
    match home_bin {
        Some(p) if p.exists() => p,
        _ => PathBuf::from("tauri-driver"),
    }
}

fn wait_for_port(addr: SocketAddr, timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("tauri-driver did not listen on {addr} within {timeout:?}").into())
}

/// The digits of an element's text, in order (the PIN on screen).
pub fn digits(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// Decodes the one QR code in a PNG (an element screenshot).
pub fn decode_qr(png: &[u8]) -> Result<String> {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)?.to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        img.width() as usize,
        img.height() as usize,
        |x, y| img.get_pixel(x as u32, y as u32).0[0],
    );
    let grids = prepared.detect_grids();
    let grid = grids.first().ok_or("no QR code found in the image")?;
    let (_, content) = grid.decode()?;
    Ok(content)
}

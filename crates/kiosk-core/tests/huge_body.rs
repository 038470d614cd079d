//! A history answer of several hundred MB, with the production limits: the kiosk reads it only up
//! to the client's limit (128 MiB), says so, and goes on. Its own test binary, so the process's
//! peak memory (VmHWM) belongs to this test alone.

use std::sync::Arc;
use std::time::Duration;

use acses_emulator::{EmulatorConfig, Endpoint, Step, World};
use kiosk_core::sink::{ChannelSink, SinkEvent};
use kiosk_core::{text, ConnectionState, Kiosk, KioskConfig, Language, Settings, Storage, Tuning};
use secrecy::SecretString;

/// Peak resident memory of this process so far, in bytes (Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_600_mb_history_is_refused_without_holding_it() {
    const HUGE: u64 = 600 << 20;
    let emu = acses_emulator::spawn(
        EmulatorConfig::with_generated_token(),
        World::demo(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let (sink, mut rx) = ChannelSink::new();
    let config = KioskConfig {
        storage: Storage::Memory {
            settings: Settings {
                api_base_url: Some(emu.base_url()),
                idle_poll_ms: 2_000,
                active_poll_ms: 200,
                language: Language::En,
                ..Settings::default()
            },
            token: Some(SecretString::from(emu.token().to_owned())),
        },
        // Production timeouts and limits, except a timeout long enough for a debug build to
        // read up to the limit.
        tuning: Tuning {
            request_timeout: Duration::from_secs(60),
            ..Tuning::default()
        },
        ..KioskConfig::default()
    };
    emu.state().script(Endpoint::History, [Step::Huge(HUGE)]);
    let before = peak_rss();
    let kiosk = Kiosk::start(config, Arc::new(sink)).await.unwrap();

    let conn = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            if let Some(SinkEvent::Connection(c)) = rx.recv().await {
                if c.state != ConnectionState::Connecting {
                    return c;
                }
            }
        }
    })
    .await
    .expect("a state after the huge answer");
    assert_eq!(conn.state, ConnectionState::Error);
    assert_eq!(conn.code.as_deref(), Some(text::UNREADABLE_ANSWER));

    // Then the next poll is normal again.
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(SinkEvent::Connection(c)) = rx.recv().await {
                if c.state == ConnectionState::Ok {
                    return;
                }
            }
        }
    })
    .await
    .expect("recovery after the huge answer");
    assert_eq!(kiosk.list_lockers().await.unwrap().len(), 1);

    if let (Some(before), Some(after)) = (before, peak_rss()) {
        let grew = after.saturating_sub(before);
        // Reading up to the 128 MiB limit may briefly hold twice that while the buffer grows;
        // holding the whole answer would be well over 600 MB.
        assert!(grew < 400 << 20, "peak memory grew by {} MiB", grew >> 20);
    }
    kiosk.shutdown().await;
}

//! The fault matrix's most important rows through the real app (docs/RELIABILITY.md): the
//! service goes down and comes back on the same port, and the service is in maintenance. The
//! connection pill says it in words and recovers by itself; the app keeps working throughout.
//! The app runs in live mode against an emulator in this test, with a settings file that polls
//! every 2 s when idle (the shortest idle period the settings allow).

use std::time::{Duration, Instant};

use acses_emulator::{Endpoint, RunningEmulator, Step, World};
use kiosk_e2e::{Kiosk, LaunchSpec, Result};

const TOKEN: &str = "e2e-faults-token";
const IDLE_MS: u64 = 2_000;

async fn launch() -> Result<(Kiosk, RunningEmulator)> {
    let emulator = kiosk_e2e::local_emulator(World::demo(), TOKEN).await?;
    let settings = serde_json::json!({
        "apiBaseUrl": emulator.base_url(),
        "locationId": 82,
        "activePollMs": 500,
        "idlePollMs": IDLE_MS,
        "language": "en",
    });
    let kiosk = Kiosk::launch_with_settings(
        LaunchSpec {
            args: vec![],
            env: vec![("ACSES_TOKEN".into(), TOKEN.into())],
        },
        settings,
    )
    .await?;
    Ok((kiosk, emulator))
}

/// Waits until the connection pill is in `state`; returns its text and tooltip.
async fn pill(kiosk: &Kiosk, state: &str, within: Duration) -> Result<(String, String)> {
    let deadline = Instant::now() + within;
    let mut last = String::new();
    loop {
        // The pill is replaced on every poll: read it afresh each time.
        if let Ok(el) = kiosk.testid("connection-status").await {
            let now = el
                .attr("data-state")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            if now == state {
                let text = el.text().await.unwrap_or_default();
                let title = el.attr("title").await.ok().flatten().unwrap_or_default();
                return Ok((text, title));
            }
            last = now;
        }
        if Instant::now() > deadline {
            return Err(format!("pill not {state} within {within:?} (last: {last:?})").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const IDLE: Duration = Duration::from_millis(IDLE_MS);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_going_down_and_coming_back_shows_offline_then_online() -> Result<()> {
    let (kiosk, mut emulator) = launch().await?;
    kiosk.testid("screen-home").await?;
    let (text, _) = pill(&kiosk, "ok", Duration::from_secs(20)).await?;
    assert!(text.starts_with("Online"), "pill says {text:?}");

    emulator.stop(Duration::from_millis(200)).await;
    let (text, title) = pill(&kiosk, "offline", IDLE * 3).await?;
    assert!(text.starts_with("Offline"), "pill says {text:?}");
    assert!(
        title.contains("Cannot reach"),
        "tooltip says why: {title:?}"
    );
    kiosk.screenshot("13-offline").await?;

    // The app keeps working meanwhile: the appointment screen opens and says what is wrong.
    kiosk.tap("action-pickup").await?;
    let error = kiosk.testid("state-error").await?.text().await?;
    assert!(
        error.to_lowercase().contains("reach"),
        "error says {error:?}"
    );
    kiosk.tap("back-button").await?;
    kiosk.testid("screen-home").await?;

    // Back on the same port: online again within one idle period (plus a poll's timeout).
    emulator.start().await?;
    let back = Instant::now();
    let (text, _) = pill(&kiosk, "ok", Duration::from_secs(20)).await?;
    assert!(text.starts_with("Online"), "pill says {text:?}");
    let took = back.elapsed();
    assert!(
        took < IDLE + Duration::from_secs(6),
        "online after {took:?}"
    );
    // And working: the appointments load.
    kiosk.tap("action-pickup").await?;
    kiosk.testid("appointment-row").await?;
    kiosk.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_is_said_in_words_and_passes_by_itself() -> Result<()> {
    let (kiosk, emulator) = launch().await?;
    kiosk.testid("screen-home").await?;
    pill(&kiosk, "ok", Duration::from_secs(20)).await?;

    emulator.state().fail_always(
        Endpoint::Any,
        Some(Step::Status {
            status: 503,
            retry_after_secs: None,
        }),
    );
    let (text, title) = pill(&kiosk, "maintenance", IDLE * 3).await?;
    assert!(text.starts_with("Maintenance"), "pill says {text:?}");
    assert!(title.contains("down for maintenance"), "tooltip: {title:?}");
    kiosk.tap("action-pickup").await?;
    let error = kiosk.testid("state-error").await?.text().await?;
    assert!(
        error.to_lowercase().contains("maintenance"),
        "error says {error:?}"
    );
    kiosk.screenshot("14-maintenance").await?;

    emulator.state().clear_faults();
    pill(&kiosk, "ok", IDLE * 3).await?;
    // The appointment screen offers a retry (or retries by itself): the list comes.
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        if kiosk
            .client
            .find_all(fantoccini::Locator::Css(
                "[data-testid=\"appointment-row\"]",
            ))
            .await
            .map(|v| !v.is_empty())
            .unwrap_or(false)
        {
            break;
        }
        if let Ok(retry) = kiosk
            .client
            .find(fantoccini::Locator::Css("[data-testid=\"retry-button\"]"))
            .await
        {
            let _ = retry.click().await;
        }
        if Instant::now() > deadline {
            return Err("the appointment list did not come back".into());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    kiosk.close().await
}

//! The kiosk at every screen size it is sold for, landscape and portrait, in English and Dutch:
//! no sideways scrolling, the key controls on screen and at least 64 px tall, no text under
//! 18 px, WCAG AA contrast, every touch target at least 64 px. Saves
//! `docs/screenshots/layout-WxH-SCREEN.png` (English) and the Dutch screenshots `nl-*.png`.
//!
//! The window is resized over WebDriver (`set_window_rect`); scripts/e2e gives Xvfb a
//! 1920x1920 screen so the 1080x1920 portrait fits.

use std::time::{Duration, Instant};

use acses_api::{Client, ClientConfig, DealerLocationId};
use kiosk_e2e::{digits, free_port, Kiosk, LaunchSpec, Result};
use secrecy::SecretString;
use serde_json::Value;

const TOKEN: &str = "e2e-token-layouts";
const LOCATION: DealerLocationId = DealerLocationId(82);
const AUDIT: &str = include_str!("layout_audit.js");

/// Landscape then portrait, smallest to largest.
const SIZES: [(u32, u32); 6] = [
    (1024, 600),
    (1280, 800),
    (1920, 1080),
    (600, 1024),
    (800, 1280),
    (1080, 1920),
];

#[derive(Clone, Copy, PartialEq)]
enum Lang {
    En,
    Nl,
}

impl Lang {
    fn locale(self) -> &'static str {
        match self {
            Lang::En => "en_GB.UTF-8",
            Lang::Nl => "nl_NL.UTF-8",
        }
    }
    fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }
}

/// The app in demo mode with its language from the system locale, as on a fresh install.
async fn launch(lang: Lang) -> Result<(Kiosk, Client)> {
    let port = free_port();
    let kiosk = Kiosk::launch(LaunchSpec {
        args: vec![
            "--demo".into(),
            "--emulator-addr".into(),
            format!("127.0.0.1:{port}"),
        ],
        env: vec![
            ("ACSES_TOKEN".into(), TOKEN.into()),
            ("LANG".into(), lang.locale().into()),
        ],
    })
    .await?;
    let client = Client::new(ClientConfig::new(
        format!("http://127.0.0.1:{port}"),
        SecretString::from(TOKEN.to_owned()),
    ))?;
    Ok((kiosk, client))
}

/// Resizes the window and waits until the page has the new size and has laid out.
async fn resize(kiosk: &Kiosk, w: u32, h: u32) -> Result<()> {
    kiosk
        .client
        .set_window_rect(0, 0, w, h)
        .await
        .map_err(|e| format!("set_window_rect {w}x{h}: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let size = kiosk
            .client
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await?;
        if size == serde_json::json!([w, h]) {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("the page is {size} after resizing to {w}x{h}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let media queries apply and the re-layout paint.
    tokio::time::sleep(Duration::from_millis(250)).await;
    Ok(())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs the audit on the screen as it is and returns every problem found, each prefixed
/// with where it was seen.
async fn audit(kiosk: &Kiosk, place: &str, keys: &[Key]) -> Result<Vec<String>> {
    let selectors: Vec<Value> = keys.iter().map(|k| Value::from(k.0)).collect();
    let r = kiosk
        .client
        .execute(AUDIT, vec![Value::Array(selectors)])
        .await?;
    let mut problems = Vec::new();
    let overflow = r["overflowX"].as_f64().unwrap_or(f64::MAX);
    if overflow > 0.5 {
        problems.push(format!("{overflow} px wider than the window"));
    }
    if r["textElements"].as_u64().unwrap_or(0) < 5 {
        problems.push(format!("hardly any text on screen: {r}"));
    }
    for s in strings(&r["smallText"]) {
        problems.push(format!("text under 18 px: {s}"));
    }
    for s in strings(&r["lowContrast"]) {
        problems.push(format!("contrast below WCAG AA: {s}"));
    }
    for s in strings(&r["smallTargets"]) {
        problems.push(format!("touch target under 64 px: {s}"));
    }
    for s in strings(&r["unnamed"]) {
        problems.push(format!("control without an accessible name: {s}"));
    }
    for s in strings(&r["spilled"]) {
        problems.push(format!("words wider than their control: {s}"));
    }
    for s in strings(&r["positiveTabindex"]) {
        problems.push(format!("positive tabindex breaks the focus order: {s}"));
    }
    for (k, Key(sel, control)) in r["keys"].as_array().into_iter().flatten().zip(keys) {
        if k["found"] != Value::Bool(true) {
            problems.push(format!("{sel} is not shown"));
            continue;
        }
        if k["onScreen"] != Value::Bool(true) {
            problems.push(format!("{sel} is (partly) off screen"));
        }
        if *control && k["height"].as_f64().unwrap_or(0.0) < 63.5 {
            problems.push(format!("{sel} is only {} px tall", k["height"]));
        }
    }
    Ok(problems
        .into_iter()
        .map(|p| format!("{place}: {p}"))
        .collect())
}

async fn appointment_with_keys(client: &Client) -> Result<u64> {
    client
        .list_appointments(LOCATION)
        .await?
        .iter()
        .find(|a| a.keys_in_locker == Some(true))
        .map(|a| a.id.0)
        .ok_or_else(|| "demo data has no appointment with its keys in the locker".into())
}

/// An element a screen cannot do without: its CSS selector, and whether it is a control (then it
/// must also be at least 64 px tall). All must be wholly on screen without scrolling.
struct Key(&'static str, bool);

const HOME_KEYS: &[Key] = &[
    Key("[data-testid=action-pickup]", true),
    Key("[data-testid=action-dropBack]", true),
    Key("[data-testid=action-assistPickup]", true),
    Key("[data-testid=nav-settings]", true),
    Key("[data-testid=connection-health]", false),
];
const APPOINTMENT_KEYS: &[Key] = &[
    Key("[data-testid=back-button]", true),
    Key("[data-testid=appointment-row]", true),
];
const PIN_KEYS: &[Key] = &[
    Key("[data-testid=pin-digits]", true),
    Key("[data-testid=done-button]", true),
    Key("[data-testid=pin-status]", false),
];

/// Every size on the screen now showing; screenshots when `shoot` says so for that size.
async fn every_size(
    kiosk: &Kiosk,
    lang: Lang,
    screen: &str,
    keys: &[Key],
    shoot: impl Fn(u32, u32) -> Option<String>,
) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (w, h) in SIZES {
        resize(kiosk, w, h).await?;
        problems.extend(audit(kiosk, &format!("{} {screen} {w}x{h}", lang.code()), keys).await?);
        if let Some(name) = shoot(w, h) {
            kiosk.screenshot(&name).await?;
        }
    }
    Ok(problems)
}

/// Home, appointments and PIN at every size; returns the problems found.
async fn walk(lang: Lang) -> Result<Vec<String>> {
    let (kiosk, client) = launch(lang).await?;
    let shoot = |screen: &'static str| {
        move |w: u32, h: u32| match lang {
            Lang::En => Some(format!("layout-{w}x{h}-{screen}")),
            // Dutch: the portrait and landscape extremes; the rest is in the nl-* flow shots.
            Lang::Nl if (w, h) == (1024, 600) || (w, h) == (1080, 1920) => {
                Some(format!("nl-layout-{w}x{h}-{screen}"))
            }
            Lang::Nl => None,
        }
    };
    kiosk.testid("screen-home").await?;
    let lang_attr = kiosk
        .client
        .execute("return document.documentElement.lang;", vec![])
        .await?;
    assert_eq!(lang_attr, lang.code(), "the UI did not follow LANG");
    // The health line is there once a poll succeeded: "10:42:05 · 85 ms".
    kiosk
        .css("[data-state=ok] [data-testid=connection-health]")
        .await?;

    let mut problems = every_size(&kiosk, lang, "home", HOME_KEYS, shoot("home")).await?;

    let id = appointment_with_keys(&client).await?;
    resize(&kiosk, 1280, 800).await?;
    kiosk.tap("action-pickup").await?;
    kiosk.testid("appointment-row").await?;
    problems.extend(
        every_size(
            &kiosk,
            lang,
            "appointments",
            APPOINTMENT_KEYS,
            shoot("appointments"),
        )
        .await?,
    );

    resize(&kiosk, 1280, 800).await?;
    kiosk
        .tap_css(&format!("[data-testid=appointment-row][data-id=\"{id}\"]"))
        .await?;
    kiosk.testid("pin-qr").await?;
    problems.extend(every_size(&kiosk, lang, "pin", PIN_KEYS, shoot("pin")).await?);
    kiosk.close().await?;
    Ok(problems)
}

fn report(problems: Vec<String>) -> Result<()> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} layout problems:\n{}",
            problems.len(),
            problems.join("\n")
        )
        .into())
    }
}

#[tokio::test]
async fn english_fits_every_size_landscape_and_portrait() -> Result<()> {
    report(walk(Lang::En).await?)
}

#[tokio::test]
async fn dutch_fits_every_size_landscape_and_portrait() -> Result<()> {
    report(walk(Lang::Nl).await?)
}

/// The PIN's accessible name, read digit by digit: "PIN 4 5 6 0 8 6" / "Pincode 4 5 6 0 8 6".
async fn pin_label_is_digit_by_digit(kiosk: &Kiosk, word: &str) -> Result<()> {
    let el = kiosk.testid("pin-digits").await?;
    let shown = digits(&el.text().await?);
    let label = el.attr("aria-label").await?.unwrap_or_default();
    let spaced: Vec<String> = shown.chars().map(String::from).collect();
    assert_eq!(label, format!("{word} {}", spaced.join(" ")));
    assert!(shown.len() >= 4, "no PIN on screen: {shown:?}");
    Ok(())
}

/// The whole pickup in Dutch, from a Dutch system locale, with the screenshots for the README.
#[tokio::test]
async fn dutch_workshop_flow_with_screenshots() -> Result<()> {
    let (kiosk, client) = launch(Lang::Nl).await?;
    kiosk.testid("screen-home").await?;
    let title = kiosk.testid("action-pickup").await?.text().await?;
    assert!(
        title.contains("Sleutel ophalen"),
        "pickup button says {title:?}"
    );
    kiosk
        .css("[data-state=ok] [data-testid=connection-health]")
        .await?;
    kiosk.screenshot("nl-01-home").await?;

    let id = appointment_with_keys(&client).await?;
    kiosk.tap("action-pickup").await?;
    kiosk.testid("appointment-row").await?;
    kiosk.screenshot("nl-02-appointments").await?;
    kiosk
        .tap_css(&format!("[data-testid=appointment-row][data-id=\"{id}\"]"))
        .await?;
    kiosk.testid("pin-qr").await?;
    pin_label_is_digit_by_digit(&kiosk, "Pincode").await?;
    kiosk.screenshot("nl-03-pin").await?;

    kiosk.tap("simulate-door").await?;
    let success = kiosk.testid("pin-success").await?.text().await?;
    assert!(
        success.contains("Vak") && success.contains("opgehaald"),
        "success says {success:?}"
    );
    kiosk.screenshot("nl-04-door-opened").await?;
    // The green success screen passes the same audit as the others.
    report(audit(&kiosk, "nl door opened 1280x800", &[]).await?)?;

    kiosk.tap("done-button").await?;
    kiosk.testid("screen-home").await?;
    kiosk.testid("event-item").await?;
    let feed = kiosk.testid("event-item").await?.text().await?;
    assert!(feed.contains("uit de kluis gehaald"), "event says {feed:?}");

    kiosk.tap("nav-settings").await?;
    kiosk.testid("settings-form").await?;
    kiosk.screenshot("nl-11-settings").await?;

    // A refusal from the backend comes in Dutch (kiosk-core's catalogue) and marks its field.
    let location = kiosk.testid("settings-locationId").await?;
    location.clear().await?;
    location.send_keys("0").await?;
    kiosk.tap("settings-save").await?;
    let error = kiosk.testid("error").await?.text().await?;
    assert!(
        error.contains("vestigingsnummer moet groter zijn dan 0"),
        "error says {error:?}"
    );
    let marked = kiosk
        .testid("settings-locationId")
        .await?
        .attr("aria-invalid")
        .await?;
    assert_eq!(marked.as_deref(), Some("true"));
    kiosk.close().await
}

/// The About panel and the health line tell an administrator what runs where.
#[tokio::test]
async fn about_and_health_line_show_version_api_and_location() -> Result<()> {
    let (kiosk, client) = launch(Lang::En).await?;
    kiosk.testid("screen-home").await?;
    audit_catches_planted_problems(&kiosk).await?;
    let health = kiosk
        .css("[data-state=ok] [data-testid=connection-health]")
        .await?
        .text()
        .await?;
    // "23:41:07 · 3 ms": the time of the last good poll and its latency.
    let parts: Vec<&str> = health.split(" · ").collect();
    assert_eq!(parts.len(), 2, "health line {health:?}");
    assert_eq!(parts[0].len(), 8, "time of the last poll in {health:?}");
    assert!(parts[1].ends_with(" ms"), "latency in {health:?}");

    // The activity list and the settings pass the same audit (at the common 1280x800).
    kiosk.tap("nav-activity").await?;
    kiosk.testid("screen-activity").await?;
    let mut problems = audit(&kiosk, "en activity 1280x800", &[]).await?;
    kiosk.tap("nav-settings").await?;
    kiosk.testid("settings-form").await?;
    problems.extend(audit(&kiosk, "en settings 1280x800", &[]).await?);
    report(problems)?;

    let about = kiosk.testid("about").await?.text().await?;
    assert!(
        about.contains(env!("CARGO_PKG_VERSION")),
        "no version in {about:?}"
    );
    assert!(
        about.contains("Visser Werkplaats") || about.contains("82"),
        "{about:?}"
    );
    assert!(about.contains("Demo"), "{about:?}");
    // The API base is the embedded emulator this test started the app with.
    let api = kiosk.testid("about-api").await?.text().await?;
    assert!(
        client
            .base_url()
            .as_str()
            .contains(api.trim().trim_end_matches('/')),
        "About says API {api:?}, the app runs against {}",
        client.base_url()
    );
    kiosk.close().await
}

/// The audit can fail: a planted 12 px light-grey label and a 30 px unnamed button are reported.
async fn audit_catches_planted_problems(kiosk: &Kiosk) -> Result<()> {
    // Styled through the DOM: the page's CSP forbids inline style attributes, not this.
    let plant = "const p = document.createElement('p'); p.id = 'planted'; \
        p.textContent = 'tiny grey'; p.style.fontSize = '12px'; p.style.color = '#bbbbbb'; \
        const b = document.createElement('button'); b.style.width = '30px'; \
        b.style.height = '30px'; p.append(b); document.getElementById('main').prepend(p); return true;";
    kiosk.client.execute(plant, vec![]).await?;
    let problems = audit(kiosk, "planted", &[]).await?;
    kiosk
        .client
        .execute(
            "document.getElementById('planted').remove(); return true;",
            vec![],
        )
        .await?;
    let seen = |what: &str, text: &str| {
        problems
            .iter()
            .any(|p| p.contains(what) && p.contains(text))
    };
    assert!(seen("under 18 px", "tiny grey"), "{problems:?}");
    assert!(seen("contrast", "tiny grey"), "{problems:?}");
    assert!(seen("touch target", "30x30"), "{problems:?}");
    assert!(seen("accessible name", "button"), "{problems:?}");
    Ok(())
}

/// The PIN is read digit by digit in English as well.
#[tokio::test]
async fn the_pin_is_read_digit_by_digit() -> Result<()> {
    let (kiosk, client) = launch(Lang::En).await?;
    let id = appointment_with_keys(&client).await?;
    kiosk.tap("action-pickup").await?;
    kiosk
        .tap_css(&format!("[data-testid=appointment-row][data-id=\"{id}\"]"))
        .await?;
    pin_label_is_digit_by_digit(&kiosk, "PIN").await?;
    kiosk.close().await
}

//! The kiosk's language is the UI's: the core sends codes (errors, the reason for a missing PIN,
//! the connection) and door actions, the same in every language, and the UI words them in the
//! language `app_info` names, before and after the language is changed in the settings.

use std::sync::Arc;
use std::time::Duration;

use kiosk_core::sink::{ChannelSink, SinkEvent};
use kiosk_core::{
    text, DoorAction, ErrorKind, Kiosk, KioskConfig, Language, PinAction, PinRequest, Settings,
    SettingsInput, Storage,
};
use tokio::sync::mpsc::UnboundedReceiver;

/// Demo appointments (location 82): keys in the locker, and none.
const KEYS_IN: u64 = 120301;
const NO_KEYS: u64 = 120302;

async fn demo(language: Language) -> (Kiosk, UnboundedReceiver<SinkEvent>) {
    let (sink, rx) = ChannelSink::new();
    let config = KioskConfig {
        storage: Storage::Memory {
            settings: Settings {
                language,
                active_poll_ms: 200,
                idle_poll_ms: 2_000,
                ..Settings::default()
            },
            token: None,
        },
        ..KioskConfig::default()
    };
    (Kiosk::start(config, Arc::new(sink)).await.unwrap(), rx)
}

fn pickup(appointment_id: u64) -> PinRequest {
    PinRequest {
        action: PinAction::Pickup,
        appointment_id,
        locker_id: None,
        note_id: None,
    }
}

#[tokio::test]
async fn a_dutch_kiosk_names_its_language_and_sends_codes_until_switched_to_english() {
    let (kiosk, mut rx) = demo(Language::Nl).await;
    assert_eq!(kiosk.app_info().language, Language::Nl);

    let e = kiosk.find_appointment(0).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.code, text::INVALID_APPOINTMENT);
    let json = serde_json::to_value(&e).unwrap();
    assert!(
        json.get("message").is_none(),
        "no sentence crosses IPC: {json}"
    );

    let ticket = kiosk.request_pin(pickup(NO_KEYS)).await.unwrap();
    assert_eq!(ticket.pin, None);
    assert_eq!(ticket.no_pin_reason.as_deref(), Some(text::NO_PIN_KEYS_OUT));

    // A door event reaches the sink, and recent_events, as an action the UI words.
    kiosk.request_pin(pickup(KEYS_IN)).await.unwrap();
    kiosk.simulate_door().await.unwrap();
    let opened = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(SinkEvent::PinOpened(p)) = rx.recv().await {
                return p;
            }
        }
    })
    .await
    .expect("no pin://opened within 10 s");
    assert_eq!(opened.event.action, DoorAction::Checkout);
    let json = serde_json::to_value(&opened.event).unwrap();
    assert!(json.get("actionText").is_none(), "{json}");
    assert_eq!(kiosk.recent_events(Some(1))[0].action, DoorAction::Checkout);

    // A refused setting names its field and its code.
    let mut input = SettingsInput::from_settings(&kiosk.settings());
    input.location_id = 0;
    let e = kiosk.save_settings(input.clone()).await.unwrap_err();
    assert_eq!(e.field, Some("locationId"));
    assert_eq!(e.code, text::SETTING_LOCATION);

    // Switched to English: the UI learns it from app_info; the codes stay what they were.
    input.location_id = 82;
    input.language = "en".into();
    kiosk.save_settings(input).await.unwrap();
    assert_eq!(kiosk.app_info().language, Language::En);
    let e = kiosk.find_appointment(0).await.unwrap_err();
    assert_eq!(e.code, text::INVALID_APPOINTMENT);
    assert_eq!(kiosk.recent_events(Some(1))[0].action, DoorAction::Checkout);
    kiosk.shutdown().await;
}

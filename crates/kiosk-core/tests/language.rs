//! The kiosk speaks the language of its settings: errors, the reason for a missing PIN, the
//! connection and door events, before and after the language is changed in the settings.

use std::sync::Arc;
use std::time::Duration;

use kiosk_core::i18n::tr;
use kiosk_core::sink::{ChannelSink, SinkEvent};
use kiosk_core::{
    text, ErrorKind, Kiosk, KioskConfig, Language, PinAction, PinRequest, Settings, SettingsInput,
    Storage,
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
async fn a_dutch_kiosk_says_everything_in_dutch_until_switched_to_english() {
    let (kiosk, mut rx) = demo(Language::Nl).await;
    assert_eq!(kiosk.app_info().language, Language::Nl);

    let e = kiosk.find_appointment(0).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(e.message, tr(Language::Nl, text::INVALID_APPOINTMENT));
    assert_ne!(e.message, text::INVALID_APPOINTMENT);

    let ticket = kiosk.request_pin(pickup(NO_KEYS)).await.unwrap();
    assert_eq!(ticket.pin, None);
    assert_eq!(
        ticket.no_pin_reason.as_deref(),
        Some(tr(Language::Nl, text::NO_PIN_KEYS_OUT))
    );

    // A door event reaches the sink, and recent_events, in Dutch.
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
    assert_eq!(
        opened.event.action_text,
        tr(Language::Nl, text::DOOR_CHECKOUT)
    );
    assert_eq!(
        kiosk.recent_events(Some(1))[0].action_text,
        tr(Language::Nl, text::DOOR_CHECKOUT)
    );

    // A refused setting names its field and says why in Dutch.
    let mut input = SettingsInput::from_settings(&kiosk.settings());
    input.location_id = 0;
    let e = kiosk.save_settings(input.clone()).await.unwrap_err();
    assert_eq!(e.field, Some("locationId"));
    assert_eq!(e.message, tr(Language::Nl, text::SETTING_LOCATION));

    // Switched to English: from now on English.
    input.location_id = 82;
    input.language = "en".into();
    kiosk.save_settings(input).await.unwrap();
    assert_eq!(kiosk.app_info().language, Language::En);
    let e = kiosk.find_appointment(0).await.unwrap_err();
    assert_eq!(e.message, text::INVALID_APPOINTMENT);
    assert_eq!(
        kiosk.recent_events(Some(1))[0].action_text,
        text::DOOR_CHECKOUT
    );
    kiosk.shutdown().await;
}

//! Contract tests: the real `acses-api` client against the real emulator on a real socket, for every
//! endpoint and every error the emulator can produce that the client can provoke.
//!
//! Not reachable through the typed client (it always sends the documented method and well-formed
//! JSON with every required field): 405, the body errors `malformed_json` / `missing_field` /
//! `invalid_field` on JSON bodies, and `no_free_pin`. The router tests cover those.

use std::time::Duration;

use acses_api::{
    AppointmentId, AppointmentNoteId, BookingState, Client, ClientConfig, DealerLocationId,
    DropBackRequest, Error, LockerSystemId, ObjectStatus, RetryPolicy, WebhookEvent,
    WebhookEventId,
};
use acses_emulator::{spawn, EmulatorConfig, Fault, RunningEmulator, World};
use axum::http::StatusCode;

const WERKPLAATS: DealerLocationId = DealerLocationId(82);
const SHOWROOM: DealerLocationId = DealerLocationId(83);
/// Keys in locker 151, cell 3.
const KEYS_IN: AppointmentId = AppointmentId(120301);
/// Keys not in a locker.
const KEYS_OUT: AppointmentId = AppointmentId(120302);

fn locker(id: &str) -> LockerSystemId {
    LockerSystemId(id.to_owned())
}

/// Fast, deterministic retries so the retry tests take milliseconds.
fn quick_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        retry_after_cap: Duration::from_secs(30),
        jitter: false,
    }
}

async fn start(config: EmulatorConfig) -> RunningEmulator {
    spawn(config, World::demo(), "127.0.0.1:0".parse().unwrap())
        .await
        .expect("bind a loopback port")
}

fn client_for(base_url: &str, token: &str, retry: RetryPolicy) -> Client {
    Client::new(ClientConfig::new(base_url, token.to_owned()).with_retry(retry))
        .expect("valid client config")
}

async fn setup() -> (RunningEmulator, Client) {
    let emulator = start(EmulatorConfig::with_generated_token()).await;
    let client = client_for(&emulator.base_url(), emulator.token(), RetryPolicy::none());
    (emulator, client)
}

/// The emulator's JSON error code, as the client reports the server's message.
fn server_code(error: &Error) -> String {
    let body: serde_json::Value =
        serde_json::from_str(error.body().expect("an HTTP failure with a body"))
            .expect("the error body is JSON");
    body["error"].as_str().expect("error code").to_owned()
}

// ------------------------------------------------------------------ endpoints

#[tokio::test]
async fn list_available_lockers_parses_ids_names_and_active_flags() {
    let (_emulator, client) = setup().await;
    let lockers = client.list_available_lockers(WERKPLAATS).await.unwrap();
    let summary: Vec<(&str, bool)> = lockers.iter().map(|l| (l.id.as_str(), l.active)).collect();
    assert_eq!(summary, [("151", true), ("152", false)]);
    assert!(lockers.iter().all(|l| !l.name.is_empty()));
    let showroom = client.list_available_lockers(SHOWROOM).await.unwrap();
    assert_eq!(showroom.len(), 1);
    assert!(client
        .list_available_lockers(DealerLocationId(5))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn list_appointments_parses_every_field() {
    let (emulator, client) = setup().await;
    let appointments = client.list_appointments(WERKPLAATS).await.unwrap();
    let world = emulator.state().snapshot();
    assert_eq!(
        appointments.len(),
        world
            .appointments
            .iter()
            .filter(|a| a.location_id == 82)
            .count()
    );
    for a in &appointments {
        let model = world.appointment(a.id.0).expect("known appointment");
        assert_eq!(a.license_plate, model.license_plate);
        assert_eq!(a.customer_name, model.customer_name);
        assert_eq!(
            a.planned_at.map(|t| t.0),
            Some(model.planned_at),
            "{}",
            a.id
        );
        assert_eq!(a.keys_in_locker, Some(world.keys_of(a.id.0).is_some()));
    }
}

#[tokio::test]
async fn pickup_and_assist_pickup_issue_one_pin_or_none() {
    let (emulator, client) = setup().await;
    let pin = client.pickup(KEYS_IN).await.unwrap().expect("keys are in");
    assert_eq!(pin.expose().len(), 6);
    let again = client.pickup(KEYS_IN).await.unwrap().unwrap();
    let assist = client.assist_pickup(KEYS_IN).await.unwrap().unwrap();
    assert_eq!(pin, again);
    assert_eq!(pin, assist);
    assert_eq!(emulator.state().snapshot().bookings.len(), 1);

    assert_eq!(client.pickup(KEYS_OUT).await.unwrap(), None);
    assert_eq!(client.assist_pickup(KEYS_OUT).await.unwrap(), None);
}

#[tokio::test]
async fn drop_back_issues_a_pin_with_or_without_a_note() {
    let (emulator, client) = setup().await;
    let pin = client
        .drop_back(&DropBackRequest {
            locker_system_id: locker("151"),
            appointment_id: KEYS_OUT,
            appointment_note_id: None,
        })
        .await
        .unwrap()
        .expect("a drop-off PIN");
    let noted = client
        .drop_back(&DropBackRequest {
            locker_system_id: locker("163"),
            appointment_id: AppointmentId(120311),
            appointment_note_id: Some(AppointmentNoteId(55)),
        })
        .await
        .unwrap()
        .expect("a drop-off PIN");
    let world = emulator.state().snapshot();
    let note = world
        .live_booking_by_code(noted.expose())
        .and_then(|b| b.appointment_note_id);
    assert_eq!(note, Some(55));
    assert!(world.live_booking_by_code(pin.expose()).is_some());
    // Keys already in: no PIN.
    let none = client
        .drop_back(&DropBackRequest {
            locker_system_id: locker("151"),
            appointment_id: KEYS_IN,
            appointment_note_id: None,
        })
        .await
        .unwrap();
    assert_eq!(none, None);
}

#[tokio::test]
async fn simulate_then_history_gives_the_door_event_the_client_can_match() {
    let (_emulator, client) = setup().await;
    let pin = client.pickup(KEYS_IN).await.unwrap().unwrap();
    client
        .simulate(
            WERKPLAATS,
            &locker("151"),
            pin.expose(),
            ObjectStatus::Checkout,
        )
        .await
        .unwrap();
    let history = client.events_history(WERKPLAATS).await.unwrap();
    assert_eq!(history.len(), 1);
    let entry = &history[0];
    assert_eq!(entry.response_status, "200");
    assert!(entry.sent_date.is_some());
    let event = entry
        .event()
        .expect("sent_content parses as a webhook event");
    assert_eq!(event.event_id, entry.webhook_event_id);
    assert_eq!(event.event_name, ObjectStatus::Checkout);
    assert_eq!(event.locker_system_id.as_str(), "151");
    assert_eq!(event.cell_number.as_str(), "3");
    assert!(event.event_date.is_some());
    assert_eq!(event.booking.code, pin.expose());
    assert_eq!(event.booking.state, BookingState::Used);
    assert_eq!(event.booking.last_action, Some(ObjectStatus::Checkout));
    assert_eq!(event.booking.locker_cell_number.as_str(), "3");
    assert_eq!(event.booking.locker_system_id.as_str(), "151");
    assert_eq!(event.booking.object_id.as_str(), "120301");
    assert!(event.booking.created.is_some() && event.booking.end_date.is_some());

    // Then the keys go back: a drop-off event lands in the history after it.
    let drop = client
        .drop_back(&DropBackRequest {
            locker_system_id: locker("151"),
            appointment_id: KEYS_IN,
            appointment_note_id: None,
        })
        .await
        .unwrap()
        .unwrap();
    client
        .simulate(
            WERKPLAATS,
            &locker("151"),
            drop.expose(),
            ObjectStatus::Dropoff,
        )
        .await
        .unwrap();
    let events: Vec<WebhookEvent> = client
        .events_history(WERKPLAATS)
        .await
        .unwrap()
        .iter()
        .map(|h| h.event().unwrap())
        .collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].event_name, ObjectStatus::Dropoff);
    assert_eq!(events[1].booking.code, drop.expose());
    assert!(!events[1].cell_number.is_empty());
    // Other locations see none of it.
    assert!(client.events_history(SHOWROOM).await.unwrap().is_empty());
}

#[tokio::test]
async fn expired_pins_reach_the_client_as_expired_events() {
    let (emulator, client) = {
        let emulator = start(EmulatorConfig {
            booking_ttl: Duration::from_millis(50),
            ..EmulatorConfig::with_generated_token()
        })
        .await;
        let client = client_for(&emulator.base_url(), emulator.token(), RetryPolicy::none());
        (emulator, client)
    };
    let pin = client.pickup(KEYS_IN).await.unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(80)).await;
    let history = client.events_history(WERKPLAATS).await.unwrap();
    let event = history[0].event().unwrap();
    assert_eq!(event.event_name, ObjectStatus::Expired);
    assert_eq!(event.booking.state, BookingState::Expired);
    assert_eq!(event.booking.code, pin.expose());
    // The cell of a pickup is known, so even the expired event names it.
    assert_eq!(event.cell_number.as_str(), "3");
    drop(emulator);
}

#[tokio::test]
async fn events_handler_accepts_the_clients_event_and_history_returns_it() {
    let (emulator, client) = setup().await;
    let pin = client
        .drop_back(&DropBackRequest {
            locker_system_id: locker("151"),
            appointment_id: KEYS_OUT,
            appointment_note_id: None,
        })
        .await
        .unwrap()
        .unwrap();
    let mut event = WebhookEvent {
        locker_system_id: locker("151"),
        cell_number: acses_api::LockerCellNumber("9".into()),
        event_name: ObjectStatus::Dropoff,
        ..WebhookEvent::default()
    };
    event.booking.code = pin.expose().to_owned();
    client.events_handler(&event).await.unwrap();

    let world = emulator.state().snapshot();
    let (locker_system, cell) = world.keys_of(KEYS_OUT.0).expect("the event was applied");
    assert_eq!((locker_system.id.as_str(), cell.number), ("151", 9));

    let history = client.events_history(WERKPLAATS).await.unwrap();
    let logged = history[0].event().unwrap();
    assert!(!logged.event_id.is_empty(), "an id is generated");
    assert_eq!(logged.event_name, ObjectStatus::Dropoff);
    assert_eq!(logged.booking.code, pin.expose());

    // An event with its own id keeps it.
    let named = WebhookEvent {
        event_id: WebhookEventId("acses-42".into()),
        locker_system_id: locker("151"),
        event_name: ObjectStatus::Registered,
        ..WebhookEvent::default()
    };
    client.events_handler(&named).await.unwrap();
    let history = client.events_history(WERKPLAATS).await.unwrap();
    assert_eq!(history[1].webhook_event_id.as_str(), "acses-42");
}

#[tokio::test]
async fn raw_history_is_the_json_the_decoded_history_came_from() {
    let (emulator, client) = setup().await;
    emulator.state().seed_history(82, 10_000);
    // The client asks for gzip; a large history must come through intact.
    let raw = client.events_history_raw(WERKPLAATS).await.unwrap();
    let decoded = client.events_history(WERKPLAATS).await.unwrap();
    assert_eq!(decoded.len(), 10_000);
    let value: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(value["history"].as_array().unwrap().len(), 10_000);
    assert!(decoded.iter().all(|h| h.event().is_ok()));
    let dates: Vec<_> = decoded.iter().map(|h| h.sent_date.unwrap().0).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
}

#[tokio::test]
async fn the_api_acses_prefix_works_as_a_base_url() {
    let emulator = start(EmulatorConfig::with_generated_token()).await;
    let client = client_for(
        &format!("{}/api/acses", emulator.base_url()),
        emulator.token(),
        RetryPolicy::none(),
    );
    assert_eq!(
        client
            .list_available_lockers(WERKPLAATS)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(client.pickup(KEYS_IN).await.unwrap().is_some());
}

// ------------------------------------------------------------------ errors

#[tokio::test]
async fn a_wrong_token_is_unauthorized_on_every_endpoint() {
    let emulator = start(EmulatorConfig::with_generated_token()).await;
    let client = client_for(&emulator.base_url(), "not-the-token", quick_retry());
    let drop = DropBackRequest {
        locker_system_id: locker("151"),
        appointment_id: KEYS_OUT,
        appointment_note_id: None,
    };
    let errors = [
        client.list_available_lockers(WERKPLAATS).await.err(),
        client.list_appointments(WERKPLAATS).await.err(),
        client.events_history(WERKPLAATS).await.err(),
        client.events_history_raw(WERKPLAATS).await.err(),
        client.pickup(KEYS_IN).await.err(),
        client.assist_pickup(KEYS_IN).await.err(),
        client.drop_back(&drop).await.err(),
        client.events_handler(&WebhookEvent::default()).await.err(),
        client
            .simulate(WERKPLAATS, &locker("151"), "123456", ObjectStatus::Checkout)
            .await
            .err(),
    ];
    for error in errors {
        let error = error.expect("the call failed");
        assert!(matches!(error, Error::Unauthorized(_)), "{error:?}");
        assert!(!error.is_transient());
        assert_eq!(server_code(&error), "unauthorized");
    }
    assert!(emulator.state().snapshot().bookings.is_empty());
}

#[tokio::test]
async fn a_wrong_base_url_is_not_found() {
    let emulator = start(EmulatorConfig::with_generated_token()).await;
    let client = client_for(
        &format!("{}/api/acsess", emulator.base_url()),
        emulator.token(),
        RetryPolicy::none(),
    );
    let error = client.list_available_lockers(WERKPLAATS).await.unwrap_err();
    assert!(matches!(error, Error::NotFound(_)), "{error:?}");
    assert_eq!(server_code(&error), "not_found");
}

#[tokio::test]
async fn unknown_appointments_and_lockers_are_not_found() {
    let (_emulator, client) = setup().await;
    for error in [
        client.pickup(AppointmentId(999)).await.unwrap_err(),
        client.assist_pickup(AppointmentId(999)).await.unwrap_err(),
        client
            .drop_back(&DropBackRequest {
                locker_system_id: locker("151"),
                appointment_id: AppointmentId(999),
                appointment_note_id: None,
            })
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(error, Error::NotFound(_)), "{error:?}");
        assert_eq!(server_code(&error), "appointment_not_found");
        assert!(error.server_message().unwrap().contains("999"));
    }
    let error = client
        .drop_back(&DropBackRequest {
            locker_system_id: locker("999"),
            appointment_id: KEYS_OUT,
            appointment_note_id: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound(_)));
    assert_eq!(server_code(&error), "locker_not_found");
    let error = client
        .simulate(WERKPLAATS, &locker("999"), "123456", ObjectStatus::Checkout)
        .await
        .unwrap_err();
    assert_eq!(server_code(&error), "locker_not_found");
}

#[tokio::test]
async fn drop_back_locker_problems_are_bad_requests() {
    let (emulator, client) = setup().await;
    for (id, code) in [
        ("152", "locker_inactive"),
        ("163", "locker_wrong_location"),
        ("", "invalid_field"),
    ] {
        let error = client
            .drop_back(&DropBackRequest {
                locker_system_id: locker(id),
                appointment_id: KEYS_OUT,
                appointment_note_id: None,
            })
            .await
            .unwrap_err();
        assert!(matches!(error, Error::BadRequest(_)), "{id}: {error:?}");
        assert_eq!(server_code(&error), code);
    }
    assert!(emulator.state().snapshot().bookings.is_empty());
}

#[tokio::test]
async fn simulate_errors_reach_the_client_with_their_status() {
    let (emulator, client) = setup().await;
    let pickup = client.pickup(KEYS_IN).await.unwrap().unwrap();
    let drop = client
        .drop_back(&DropBackRequest {
            locker_system_id: locker("151"),
            appointment_id: KEYS_OUT,
            appointment_note_id: None,
        })
        .await
        .unwrap()
        .unwrap();
    let unused = (0..1_000_000u32)
        .map(|n| format!("{n:06}"))
        .find(|c| c != pickup.expose() && c != drop.expose())
        .unwrap();
    let cases = [
        (
            WERKPLAATS,
            "151",
            unused.as_str(),
            ObjectStatus::Checkout,
            404,
            "booking_not_found",
        ),
        (
            WERKPLAATS,
            "151",
            pickup.expose(),
            ObjectStatus::Dropoff,
            400,
            "wrong_action",
        ),
        (
            WERKPLAATS,
            "152",
            pickup.expose(),
            ObjectStatus::Checkout,
            400,
            "locker_inactive",
        ),
        (
            SHOWROOM,
            "151",
            pickup.expose(),
            ObjectStatus::Checkout,
            400,
            "locker_wrong_location",
        ),
        (
            WERKPLAATS,
            "151",
            pickup.expose(),
            ObjectStatus::Expired,
            400,
            "invalid_field",
        ),
        (
            WERKPLAATS,
            "151",
            "",
            ObjectStatus::Checkout,
            400,
            "missing_field",
        ),
    ];
    for (location, locker_id, code, action, status, expected) in cases {
        let error = client
            .simulate(location, &locker(locker_id), code, action.clone())
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(status), "{expected}: {error:?}");
        assert_eq!(server_code(&error), expected);
        assert!(!error.to_string().contains(pickup.expose()));
    }
    // 409: the keys left the locker behind the booking's back.
    emulator
        .state()
        .with_world(|w| w.put_keys(KEYS_IN.0, "163", 1))
        .unwrap();
    let error = client
        .simulate(
            WERKPLAATS,
            &locker("151"),
            pickup.expose(),
            ObjectStatus::Checkout,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Http(r) if r.status == 409),
        "{error:?}"
    );
    assert!(!error.is_transient());
    assert_eq!(server_code(&error), "keys_not_in_locker");
    // 409: a full locker.
    emulator.state().with_world(|w| {
        for (n, cell) in w.lockers[0].cells.iter_mut().enumerate() {
            cell.occupant.get_or_insert(900_000 + n as u64);
        }
    });
    let error = client
        .simulate(
            WERKPLAATS,
            &locker("151"),
            drop.expose(),
            ObjectStatus::Dropoff,
        )
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(409));
    assert_eq!(server_code(&error), "locker_full");
    // None of it used a booking.
    let world = emulator.state().snapshot();
    assert!(world
        .bookings
        .iter()
        .all(|b| b.state == acses_emulator::BookingState::Booked));
    assert!(world.history.is_empty());
}

#[tokio::test]
async fn simulate_disabled_is_not_found() {
    let emulator = start(EmulatorConfig {
        allow_simulate: false,
        ..EmulatorConfig::with_generated_token()
    })
    .await;
    let client = client_for(&emulator.base_url(), emulator.token(), RetryPolicy::none());
    let pin = client.pickup(KEYS_IN).await.unwrap().unwrap();
    let error = client
        .simulate(
            WERKPLAATS,
            &locker("151"),
            pin.expose(),
            ObjectStatus::Checkout,
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound(_)), "{error:?}");
}

#[tokio::test]
async fn rate_limits_and_maintenance_carry_retry_after() {
    let (emulator, client) = setup().await;
    emulator.state().fail_next(
        1,
        Fault {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after_secs: Some(7),
        },
    );
    let error = client.pickup(KEYS_IN).await.unwrap_err();
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(server_code(&error), "too_many_requests");

    emulator.state().fail_next(
        1,
        Fault {
            status: StatusCode::SERVICE_UNAVAILABLE,
            retry_after_secs: Some(120),
        },
    );
    let error = client.list_available_lockers(WERKPLAATS).await.unwrap_err();
    assert!(matches!(error, Error::Unavailable { .. }), "{error:?}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert!(error.is_transient());

    emulator.state().fail_next(
        1,
        Fault {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            retry_after_secs: None,
        },
    );
    let error = client.events_history(WERKPLAATS).await.unwrap_err();
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert_eq!(server_code(&error), "internal");
    assert!(emulator.state().snapshot().bookings.is_empty());
}

#[tokio::test]
async fn the_client_retries_what_it_may_and_issues_one_pin() {
    let emulator = start(EmulatorConfig::with_generated_token()).await;
    let client = client_for(&emulator.base_url(), emulator.token(), quick_retry());
    let state = emulator.state();

    // Reads ride out 503 and 500.
    state.fail_next(
        1,
        Fault {
            status: StatusCode::SERVICE_UNAVAILABLE,
            retry_after_secs: Some(0),
        },
    );
    state.fail_next(
        1,
        Fault {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            retry_after_secs: None,
        },
    );
    assert_eq!(
        client
            .list_available_lockers(WERKPLAATS)
            .await
            .unwrap()
            .len(),
        2
    );

    // A PIN call retries a 429 (refused before processing) and ends with one booking.
    state.fail_next(
        2,
        Fault {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after_secs: Some(0),
        },
    );
    let pin = client.pickup(KEYS_IN).await.unwrap().unwrap();
    assert_eq!(state.snapshot().bookings.len(), 1);

    // ...but not a 500, which might come after a booking was made.
    state.fail_next(
        1,
        Fault {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            retry_after_secs: None,
        },
    );
    assert!(matches!(
        client.pickup(KEYS_IN).await.unwrap_err(),
        Error::Server(_)
    ));
    // The next call gets the same live PIN.
    assert_eq!(client.pickup(KEYS_IN).await.unwrap().unwrap(), pin);

    // simulate is never retried: one 503 is the caller's answer.
    state.fail_next(
        1,
        Fault {
            status: StatusCode::SERVICE_UNAVAILABLE,
            retry_after_secs: Some(0),
        },
    );
    let error = client
        .simulate(
            WERKPLAATS,
            &locker("151"),
            pin.expose(),
            ObjectStatus::Checkout,
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Unavailable { .. }));
    assert_eq!(
        state.with_world(|w| w.live_booking_by_code(pin.expose()).map(|b| b.state)),
        Some(acses_emulator::BookingState::Booked)
    );
}

#[tokio::test]
async fn a_stopped_emulator_is_a_connect_error() {
    let (emulator, client) = setup().await;
    emulator.shutdown().await.unwrap();
    let error = client.list_available_lockers(WERKPLAATS).await.unwrap_err();
    assert!(matches!(error, Error::Connect { .. }), "{error:?}");
}

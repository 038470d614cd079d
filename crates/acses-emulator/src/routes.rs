//! The HTTP surface: `app(state) -> Router`, the handlers, the extractors that turn axum's
//! rejections into the API's JSON error format, and the HTTP answer to each result of the world's
//! rules (the world itself knows nothing of HTTP).

use axum::body::{Body, Bytes};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::error::ApiError;
use crate::event::WebhookEvent;
use crate::inject::inject_faults;
use crate::model::{BookingKind, ObjectStatus, Pin};
use crate::state::EmulatorState;
use crate::wire::{
    appointments_at, lockers_at, AppointmentRequest, AppointmentsResponse, DropBackRequest,
    LocationRequest, LockersResponse, PinResponse, SimulateQuery, API_PREFIX,
};
use crate::world::{DoorOpening, EventOutcome, WorldError};

/// The emulator as a router (no socket): the `/v1` routes with and without [`API_PREFIX`], plus
/// `GET /health`.
pub fn app(state: EmulatorState) -> Router {
    let mut router = Router::new();
    for prefix in ["", API_PREFIX] {
        router = router
            .route(&format!("{prefix}/health"), get(health))
            .route(&format!("{prefix}/v1/events/history"), post(history))
            .route(&format!("{prefix}/v1/events/handler"), post(handler))
            .route(&format!("{prefix}/v1/events/simulate"), get(simulate))
            .route(
                &format!("{prefix}/v1/employees/list_available_lockers"),
                post(list_available_lockers),
            )
            .route(&format!("{prefix}/v1/employees/pickup"), post(pickup))
            .route(
                &format!("{prefix}/v1/employees/assist_pickup"),
                post(assist_pickup),
            )
            .route(&format!("{prefix}/v1/employees/drop_back"), post(drop_back))
            .route(
                &format!("{prefix}/v1/appointments/list"),
                post(list_appointments),
            );
    }
    router
        // Must come after the routes: it only applies to routes already added.
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        // Fastest: at 100k history entries (69 MB) the default level took about 0.9 s of CPU per
        // history call, most of a poll; level 1 is still a gzip answer, a little larger.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        // Outside the compression: the bodies it makes (huge, malformed) go out as they are.
        .layer(middleware::from_fn_with_state(state.clone(), inject_faults))
        // The service's clock on every answer, faults included (see `dated`).
        .layer(middleware::from_fn_with_state(state.clone(), dated))
        .layer(
            // Method, path (never the query: simulate carries a PIN in it) and status.
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// Writes the `Date` header from the emulator's clock: hyper would write the machine's, but a
/// client judges event dates against the service's clock, so with a clock offset (or a test's
/// manual clock) the header must agree with the event dates. hyper keeps a `Date` already set.
async fn dated(State(state): State<EmulatorState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if let Ok(date) = HeaderValue::from_str(&crate::clock::http_date(state.now())) {
        response.headers_mut().insert(header::DATE, date);
    }
    response
}

/// Proof that the request passed the `/v1` bearer token check.
struct Authorized;

impl FromRequestParts<EmulatorState> for Authorized {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &EmulatorState,
    ) -> Result<Self, ApiError> {
        state.authorize(&parts.headers).map(|()| Authorized)
    }
}

/// A JSON body parsed like a Go server would: Content-Type is not required, unknown fields are
/// ignored, and errors name the field.
struct ApiJson<T>(T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                ApiError::new(rejection.status(), "unreadable_body", rejection.body_text())
            })?;
        Json::<T>::from_bytes(&bytes)
            .map(|Json(value)| ApiJson(value))
            .map_err(json_error)
    }
}

fn json_error(rejection: JsonRejection) -> ApiError {
    // axum's text is "<summary>: <path>: <serde message>"; keep the part that names the field.
    let text = rejection.body_text();
    let detail = text
        .split_once(": ")
        .map_or(text.as_str(), |(_, rest)| rest)
        .to_owned();
    match rejection {
        JsonRejection::JsonDataError(_) if detail.contains("missing field") => {
            ApiError::bad_request("missing_field", detail)
        }
        JsonRejection::JsonDataError(_) => ApiError::bad_request("invalid_field", detail),
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::bad_request("malformed_json", format!("malformed JSON: {detail}"))
        }
        _ => ApiError::bad_request("bad_request", text),
    }
}

fn json_response<T: Serialize>(value: &T) -> Response {
    Json(value).into_response()
}

async fn health() -> Response {
    json_response(&serde_json::json!({"status": "ok", "service": "acses-emulator"}))
}

async fn not_found() -> ApiError {
    ApiError::no_such_route()
}

async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

async fn history(
    State(state): State<EmulatorState>,
    _: Authorized,
    ApiJson(request): ApiJson<LocationRequest>,
) -> Result<Response, ApiError> {
    // Under the lock only handles to each entry's JSON (serialized once, see crate::history) are
    // taken; the body is written after the lock is released, so a 100k history no longer holds
    // up every other request while it is serialized.
    let shape = &state.config().history_shape;
    let parts = state.with_world(|world| {
        world
            .history
            .shaped_json_at(request.dealer_location_id, shape)
    });
    let parts = parts.map_err(|e| ApiError::internal(format!("history not serializable: {e}")))?;
    let (len, chunks) = crate::history::history_body(parts, shape.head());
    let mut response = (
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(chunks),
    )
        .into_response();
    // hyper sends a streamed body with this length rather than chunked (the compression layer
    // drops it when it compresses).
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    Ok(response)
}

async fn handler(
    State(state): State<EmulatorState>,
    _: Authorized,
    ApiJson(event): ApiJson<WebhookEvent>,
) -> StatusCode {
    match state.act(|world, now, _| world.receive_event(event, now)) {
        // Both are accepted: ACSES retries a webhook that is refused.
        EventOutcome::Applied | EventOutcome::Logged => StatusCode::OK,
    }
}

async fn simulate(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<StatusCode, ApiError> {
    // Disabled means absent, as in production: 404 before anything else is looked at.
    if !state.config().allow_simulate {
        return Err(ApiError::no_such_route());
    }
    state.authorize(&headers)?;
    let Query(query) = Query::<SimulateQuery>::try_from_uri(&uri)
        .map_err(|rejection| ApiError::bad_request("invalid_query", rejection.body_text()))?;
    let door = door_opening(query)?;
    state
        .act(|world, now, _| world.open_door(&door, now))
        .map_err(refused)?;
    Ok(StatusCode::OK)
}

fn door_opening(query: SimulateQuery) -> Result<DoorOpening, ApiError> {
    fn required(value: Option<String>, name: &str) -> Result<String, ApiError> {
        match value.map(|v| v.trim().to_owned()) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(ApiError::bad_request(
                "missing_field",
                format!("missing query parameter `{name}`"),
            )),
        }
    }
    let location_id = required(query.location_id, "location_id")?
        .parse::<u64>()
        .map_err(|_| {
            ApiError::bad_request("invalid_field", "location_id must be a whole number")
        })?;
    let locker_system_id = required(query.locker_system_id, "locker_system_id")?;
    let code = Pin::new(required(query.code, "code")?);
    let action = required(query.action, "action")?;
    let action = match ObjectStatus::parse(&action) {
        Some(action @ (ObjectStatus::Dropoff | ObjectStatus::Checkout)) => action,
        _ => {
            return Err(ApiError::bad_request(
                "invalid_field",
                "action must be `dropoff` or `checkout`",
            ))
        }
    };
    Ok(DoorOpening {
        location_id,
        locker_system_id,
        code,
        action,
    })
}

async fn list_available_lockers(
    State(state): State<EmulatorState>,
    _: Authorized,
    ApiJson(request): ApiJson<LocationRequest>,
) -> Response {
    let lockers = state.with_world(|world| lockers_at(world, request.dealer_location_id));
    json_response(&LockersResponse { lockers })
}

async fn list_appointments(
    State(state): State<EmulatorState>,
    _: Authorized,
    ApiJson(request): ApiJson<LocationRequest>,
) -> Response {
    let appointments = state.with_world(|world| appointments_at(world, request.dealer_location_id));
    json_response(&AppointmentsResponse { appointments })
}

async fn pickup(
    State(state): State<EmulatorState>,
    _: Authorized,
    ApiJson(request): ApiJson<AppointmentRequest>,
) -> Result<Response, ApiError> {
    checkout(&state, request.appointment_id, BookingKind::Pickup)
}

async fn assist_pickup(
    State(state): State<EmulatorState>,
    _: Authorized,
    ApiJson(request): ApiJson<AppointmentRequest>,
) -> Result<Response, ApiError> {
    checkout(&state, request.appointment_id, BookingKind::AssistPickup)
}

fn checkout(
    state: &EmulatorState,
    appointment: u64,
    kind: BookingKind,
) -> Result<Response, ApiError> {
    let acses_pin = state
        .act(|world, now, config| world.issue_checkout(appointment, kind, now, config))
        .map_err(refused)?;
    Ok(json_response(&PinResponse { acses_pin }))
}

async fn drop_back(
    State(state): State<EmulatorState>,
    _: Authorized,
    ApiJson(request): ApiJson<DropBackRequest>,
) -> Result<Response, ApiError> {
    let acses_pin = state.act(|world, now, config| {
        world.issue_dropoff(
            request.appointment_id,
            request.locker_system_id.trim(),
            request.appointment_note_id,
            now,
            config,
        )
    });
    let acses_pin = acses_pin.map_err(refused)?;
    Ok(json_response(&PinResponse { acses_pin }))
}

/// The API answer to a refusal of the world's rules: its status and error code.
fn refused(error: WorldError) -> ApiError {
    let message = error.to_string();
    match error {
        WorldError::AppointmentNotFound(_) => ApiError::not_found("appointment_not_found", message),
        WorldError::LockerNotFound(_) => ApiError::not_found("locker_not_found", message),
        WorldError::BookingNotFound { .. } => ApiError::not_found("booking_not_found", message),
        WorldError::EmptyLockerId => ApiError::bad_request("invalid_field", message),
        WorldError::LockerNotAtAppointmentLocation { .. }
        | WorldError::LockerNotAtLocation { .. } => {
            ApiError::bad_request("locker_wrong_location", message)
        }
        WorldError::KeysInInactiveLocker(_) | WorldError::LockerInactive(_) => {
            ApiError::bad_request("locker_inactive", message)
        }
        WorldError::WrongAction { .. } => ApiError::bad_request("wrong_action", message),
        WorldError::LockerFull(_) => ApiError::conflict("locker_full", message),
        WorldError::KeysNotInLocker { .. } => ApiError::conflict("keys_not_in_locker", message),
        // Busy, not broken: a retry later can find a free PIN.
        WorldError::NoFreePin => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "no_free_pin", message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_map_to_their_status_and_code() {
        let cases = [
            (
                WorldError::AppointmentNotFound(1),
                404,
                "appointment_not_found",
            ),
            (
                WorldError::LockerNotFound("9".into()),
                404,
                "locker_not_found",
            ),
            (
                WorldError::BookingNotFound { locker: "9".into() },
                404,
                "booking_not_found",
            ),
            (WorldError::EmptyLockerId, 400, "invalid_field"),
            (
                WorldError::LockerNotAtLocation {
                    locker: "9".into(),
                    location: 1,
                },
                400,
                "locker_wrong_location",
            ),
            (
                WorldError::LockerNotAtAppointmentLocation {
                    locker: "9".into(),
                    location: 1,
                },
                400,
                "locker_wrong_location",
            ),
            (
                WorldError::KeysInInactiveLocker("9".into()),
                400,
                "locker_inactive",
            ),
            (
                WorldError::LockerInactive("9".into()),
                400,
                "locker_inactive",
            ),
            (
                WorldError::WrongAction {
                    expected: ObjectStatus::Checkout,
                    got: ObjectStatus::Dropoff,
                },
                400,
                "wrong_action",
            ),
            (WorldError::LockerFull("9".into()), 409, "locker_full"),
            (
                WorldError::KeysNotInLocker {
                    appointment: 1,
                    locker: "9".into(),
                },
                409,
                "keys_not_in_locker",
            ),
            (WorldError::NoFreePin, 503, "no_free_pin"),
        ];
        for (error, status, code) in cases {
            let message = error.to_string();
            let answer = refused(error);
            assert_eq!((answer.status().as_u16(), answer.code()), (status, code));
            assert_eq!(answer.message(), message);
        }
    }
}

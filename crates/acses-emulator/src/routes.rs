//! The HTTP surface: `app(state) -> Router`, the handlers and the extractors that turn axum's
//! rejections into the API's JSON error format.

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
use crate::faults::{Endpoint, Step};
use crate::state::{injected_error, EmulatorState};
use crate::wire::{
    AppointmentRequest, AppointmentsResponse, DropBackRequest, LocationRequest, LockersResponse,
    Pin, PinResponse, SimulateQuery, WebhookEvent,
};
use crate::world::{BookingKind, DoorOpening, ObjectStatus};

/// The prefix of the document's dev URL (`https://clairedev.nl/api/acses/v1/...`); every route is
/// served both with and without it.
pub const API_PREFIX: &str = "/api/acses";

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

/// Serves the fault script (crate::faults) of `/v1` requests; everything else passes untouched.
async fn inject_faults(
    State(state): State<EmulatorState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(endpoint) = Endpoint::of_request(request.method().as_str(), request.uri().path())
    else {
        return next.run(request).await;
    };
    // A disabled simulate route does not exist: no fault for it either.
    if endpoint == Endpoint::Simulate && !state.config().allow_simulate {
        return next.run(request).await;
    }
    let step = state.take_step(endpoint);
    if step != Step::Pass {
        tracing::info!(%endpoint, %step, "injecting a fault");
    }
    match step {
        Step::Pass => next.run(request).await,
        Step::Status {
            status,
            retry_after_secs,
        } => injected_error(status, retry_after_secs).into_response(),
        Step::Delay(delay) => {
            let mut cut = state.cut_signal();
            let response = next.run(request).await;
            tokio::select! {
                _ = tokio::time::sleep(delay) => response,
                // The server stops: the held answer is never sent.
                _ = cut.changed() => broken_body(Bytes::new(), None),
            }
        }
        Step::Drop => broken_body(Bytes::new(), None),
        Step::Truncate => truncated(next.run(request).await).await,
        Step::Malformed => (
            [(header::CONTENT_TYPE, "application/json")],
            "<html><body><h1>Proxy login</h1>{\"history\": [</body></html>",
        )
            .into_response(),
        Step::Huge(bytes) => huge_body(bytes, state.cut_signal()),
        Step::GarbageEntry => {
            state.add_garbage_entries();
            next.run(request).await
        }
    }
}

/// A response whose body yields `sent` and then fails, which makes hyper close the connection
/// mid-answer. With nothing sent, the client gets no answer at all (a dropped connection).
fn broken_body(sent: Bytes, promised: Option<usize>) -> Response {
    use futures_util::{stream, StreamExt as _};
    let has_sent = !sent.is_empty();
    let head = stream::iter(has_sent.then(|| Ok::<_, std::io::Error>(sent)));
    let tail = stream::once(async move {
        if has_sent {
            // hyper writes the head together with the first chunk; a pause lets both reach the
            // socket before the body fails, so the client sees a body that breaks off.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected: connection dropped",
        ))
    });
    let mut response = Body::from_stream(head.chain(tail)).into_response();
    if let Some(len) = promised {
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    response
}

/// The real answer with its head and the first half of its body, then the connection drops.
async fn truncated(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(full) = axum::body::to_bytes(body, usize::MAX).await else {
        return broken_body(Bytes::new(), None);
    };
    let half = full.slice(..full.len() / 2);
    parts.headers.remove(header::TRANSFER_ENCODING);
    let broken = broken_body(half, Some(full.len()));
    let mut response = Response::from_parts(parts, Body::empty());
    *response.body_mut() = broken.into_body();
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
    response
}

/// `bytes` bytes of a history that never ends, streamed in 64 KiB chunks of one static buffer so
/// the emulator holds none of it (several hundred MB cost no memory here). It breaks off when the
/// server stops.
fn huge_body(bytes: u64, cut: tokio::sync::watch::Receiver<u64>) -> Response {
    use futures_util::{stream, StreamExt as _};
    static PAD: [u8; 64 * 1024] = [b' '; 64 * 1024];
    const HEAD: &[u8] = b"{\"history\": [";
    let head_len = (HEAD.len() as u64).min(bytes) as usize;
    let first = Bytes::from_static(&HEAD[..head_len]);
    let rest = bytes - head_len as u64;
    let chunks = stream::unfold((rest, cut), |(left, cut)| async move {
        if left == 0 {
            return None;
        }
        if cut.has_changed().unwrap_or(true) {
            let stop = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "server stopped");
            return Some((Err(stop), (0, cut)));
        }
        let n = left.min(PAD.len() as u64);
        let chunk = Bytes::from_static(&PAD[..n as usize]);
        Some((Ok(chunk), (left - n, cut)))
    });
    let body = stream::once(async move { Ok::<_, std::io::Error>(first) }).chain(chunks);
    (
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(body),
    )
        .into_response()
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
    let parts = state.with_world(|world| world.history.json_at(request.dealer_location_id));
    let parts = parts.map_err(|e| ApiError::internal(format!("history not serializable: {e}")))?;
    let (len, chunks) = crate::history::history_body(parts);
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
    let (status, _) = state.act(|world, now, _| world.receive_event(event, now));
    StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
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
    state.act(|world, now, _| world.open_door(&door, now))?;
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
    let lockers = state.with_world(|world| world.lockers_json(request.dealer_location_id));
    json_response(&LockersResponse { lockers })
}

async fn list_appointments(
    State(state): State<EmulatorState>,
    _: Authorized,
    ApiJson(request): ApiJson<LocationRequest>,
) -> Response {
    let appointments =
        state.with_world(|world| world.appointments_json(request.dealer_location_id));
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
    let acses_pin =
        state.act(|world, now, config| world.issue_checkout(appointment, kind, now, config))?;
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
    })?;
    Ok(json_response(&PinResponse { acses_pin }))
}

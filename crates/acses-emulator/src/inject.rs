//! Serving the fault script (crate::faults): the router layer that answers a `/v1` request with
//! its fault step, and the broken, truncated and huge bodies those steps send.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::faults::{Endpoint, Step};
use crate::state::EmulatorState;

/// Serves the fault script (crate::faults) of `/v1` requests; everything else passes untouched.
pub(crate) async fn inject_faults(
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

/// The JSON error answer of an injected status fault.
fn injected_error(status: u16, retry_after_secs: Option<u64>) -> ApiError {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (code, message) = match status.as_u16() {
        401 => ("unauthorized", "missing or wrong bearer token"),
        429 => ("too_many_requests", "you're making too many requests"),
        503 => (
            "service_unavailable",
            "we're temporarily offline for maintenance; please try again later",
        ),
        500 => (
            "internal",
            "we had a problem with our server; try again later",
        ),
        _ => ("injected_fault", "injected failure"),
    };
    let error = ApiError::new(status, code, message);
    match retry_after_secs {
        Some(secs) => error.with_retry_after(secs),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injected_status_faults_answer_with_their_status() {
        let error = injected_error(429, Some(3));
        assert_eq!(error.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(injected_error(401, None).status(), StatusCode::UNAUTHORIZED);
    }
}

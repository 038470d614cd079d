//! The CLI's error: every failure becomes one line on stderr and exit code 1.
//!
//! The wording is the point of this module: an admin should know from the one
//! line what to do next (check the token, start the emulator, fix the id).

use std::io;
use std::net::SocketAddr;

use crate::output::clean;

/// Exit code of a usage error (clap's own, kept for consistency).
pub const EXIT_USAGE: u8 = 2;
/// Exit code of every other failure: the API refused, could not be reached, output failed.
pub const EXIT_FAILURE: u8 = 1;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// An API call failed. `base_url` is what the user gave, for the message.
    #[error("{}", api_message(.base_url, .source))]
    Api {
        base_url: String,
        #[source]
        source: acses_api::Error,
    },

    /// `acses emulator` could not bind its address.
    #[error("{}", listen_message(.addr, .source))]
    Listen {
        addr: SocketAddr,
        #[source]
        source: io::Error,
    },

    /// The emulator stopped with an error while serving.
    #[error("the emulator stopped with an error: {0}")]
    Emulator(#[source] io::Error),

    /// Writing to stdout failed (other than the reader going away, see
    /// [`CliError::is_broken_pipe`]).
    #[error("cannot write the output: {0}")]
    Output(#[from] io::Error),
}

impl CliError {
    pub fn api(base_url: &str, source: acses_api::Error) -> Self {
        CliError::Api {
            base_url: base_url.to_owned(),
            source,
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        EXIT_FAILURE
    }

    /// Stdout was closed by its reader (`acses history -f | head -3`): not worth
    /// an error line, the reader got what it wanted.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    /// The API error, if this is one.
    pub fn api_error(&self) -> Option<&acses_api::Error> {
        match self {
            CliError::Api { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Standard reason phrase, for the status in parentheses.
pub fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

fn status_text(status: u16) -> String {
    match reason(status) {
        "" => format!("HTTP {status}"),
        r => format!("{status} {r}"),
    }
}

/// The server's own words (the client prefers a JSON `message` over an `error`
/// code), cleaned of control characters.
fn server_words(error: &acses_api::Error) -> Option<String> {
    error
        .server_message()
        // Our lines add their own punctuation after the server's words.
        .map(|m| clean(m.trim().trim_end_matches('.')))
        .filter(|m| !m.is_empty())
}

fn with_words(head: String, words: Option<String>) -> String {
    match words {
        Some(w) => format!("{head}: {w}"),
        None => head,
    }
}

/// " Try again in 7s." from Retry-After, else " Try again later." unless the
/// server's words already say so.
fn retry_hint(error: &acses_api::Error, words: Option<&str>) -> String {
    match error.retry_after() {
        Some(d) => format!(" Try again in {}s.", d.as_secs().max(1)),
        None if words.is_some_and(|w| w.to_lowercase().contains("try again")) => String::new(),
        None => " Try again later.".to_owned(),
    }
}

/// One line, without the `error: ` prefix, for an API failure.
pub fn api_message(base_url: &str, error: &acses_api::Error) -> String {
    use acses_api::Error as E;
    let base_url = clean(base_url);
    let words = server_words(error);
    match error {
        E::Unauthorized(_) => {
            "the API rejected the token (401 Unauthorized). Check --token / ACSES_TOKEN.".to_owned()
        }
        E::Connect { .. } => {
            format!("cannot reach {base_url} — is the API (or `acses emulator`) running?")
        }
        E::Timeout { endpoint } => format!(
            "{base_url} did not answer in time ({}). Try again later.",
            clean(endpoint)
        ),
        E::Transport { endpoint, .. } => format!(
            "the connection to {base_url} broke during {}. Try again.",
            clean(endpoint)
        ),
        E::BadRequest(r) => with_words(
            format!("the API refused the request ({})", status_text(r.status)),
            words,
        ),
        E::NotFound(r) => match words {
            // The document's 404 means a wrong endpoint: point at --base-url.
            Some(w) if w.to_lowercase().contains("endpoint") => format!(
                "{w} ({}). Check --base-url ({base_url}).",
                status_text(r.status)
            ),
            // The server explained (e.g. "no appointment 9999"): its words first.
            Some(w) => format!("{w} ({})", status_text(r.status)),
            None => format!(
                "{base_url} answered 404 Not Found for {}. Check --base-url.",
                clean(&r.endpoint)
            ),
        },
        E::MethodNotAllowed(r) => format!(
            "{base_url} does not accept {} (405 Method Not Allowed). Check --base-url.",
            clean(&r.endpoint)
        ),
        E::RateLimited { response, .. } => format!(
            "the API is rate limiting us ({}).{}",
            status_text(response.status),
            retry_hint(error, None)
        ),
        E::Unavailable { response, .. } => {
            let hint = retry_hint(error, words.as_deref());
            let head = format!(
                "the API is temporarily unavailable ({})",
                status_text(response.status)
            );
            format!("{}.{hint}", with_words(head, words))
        }
        E::Server(r) => {
            let hint = retry_hint(error, words.as_deref());
            let head = format!("the API failed ({})", status_text(r.status));
            format!("{}.{hint}", with_words(head, words))
        }
        E::Http(r) => with_words(
            format!(
                "unexpected answer to {} ({})",
                clean(&r.endpoint),
                status_text(r.status)
            ),
            words,
        ),
        E::Decode {
            endpoint,
            status,
            message,
            ..
        } => format!(
            "unexpected answer to {} (HTTP {status}): {}. Is {base_url} the ACSES API?",
            clean(endpoint),
            clean(message)
        ),
        E::Config(m) => format!("invalid configuration: {}", clean(m)),
        other => clean(&other.to_string()),
    }
}

fn listen_message(addr: &SocketAddr, e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::AddrInUse => format!(
            "cannot listen on {addr}: the address is already in use (another `acses emulator`?). \
             Try --addr 127.0.0.1:0 for a free port."
        ),
        io::ErrorKind::AddrNotAvailable => {
            format!("cannot listen on {addr}: no such local address.")
        }
        io::ErrorKind::PermissionDenied => {
            format!(
                "cannot listen on {addr}: permission denied (ports below 1024 need privileges)."
            )
        }
        _ => format!("cannot listen on {addr}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use acses_api::Error;

    const URL: &str = "http://127.0.0.1:8787";

    fn line(status: u16, body: &str) -> String {
        api_message(
            URL,
            &Error::from_status("POST /v1/employees/pickup", status, None, body.as_bytes()),
        )
    }

    #[test]
    fn each_status_gets_its_own_advice() {
        assert_eq!(
            line(401, ""),
            "the API rejected the token (401 Unauthorized). Check --token / ACSES_TOKEN."
        );
        assert_eq!(
            line(
                400,
                r#"{"error":"invalid_field","message":"appointment_id must be a number."}"#
            ),
            "the API refused the request (400 Bad Request): appointment_id must be a number"
        );
        assert_eq!(
            line(
                404,
                r#"{"error":"appointment_not_found","message":"no appointment 9"}"#
            ),
            "no appointment 9 (404 Not Found)"
        );
        assert_eq!(
            line(404, ""),
            "http://127.0.0.1:8787 answered 404 Not Found for POST /v1/employees/pickup. Check --base-url."
        );
        assert!(line(405, "").contains("405 Method Not Allowed"));
        assert_eq!(
            line(502, "<html><title>502 Bad Gateway</title></html>"),
            "the API failed (502 Bad Gateway): 502 Bad Gateway. Try again later."
        );
        assert_eq!(
            line(418, "teapot"),
            "unexpected answer to POST /v1/employees/pickup (HTTP 418): teapot"
        );
        let e = Error::from_status("x", 503, Some(std::time::Duration::from_secs(20)), b"");
        assert_eq!(
            api_message(URL, &e),
            "the API is temporarily unavailable (503 Service Unavailable). Try again in 20s."
        );
    }

    #[test]
    fn server_words_cannot_inject_lines_or_escapes() {
        let l = line(400, "{\"message\":\"bad\\n\\u001b[2Jthing\"}");
        assert!(!l.contains('\n') && !l.contains('\u{1b}'), "{l:?}");
    }

    #[test]
    fn other_failures() {
        assert!(
            api_message(URL, &Error::Config("base URL has no host".into()))
                .starts_with("invalid configuration: base URL has no host")
        );
        let e = Error::Timeout {
            endpoint: "POST /v1/events/history".into(),
        };
        assert_eq!(
            api_message(URL, &e),
            "http://127.0.0.1:8787 did not answer in time (POST /v1/events/history). Try again later."
        );
        let busy = CliError::Listen {
            addr: "127.0.0.1:8787".parse().unwrap(),
            source: io::Error::from(io::ErrorKind::AddrInUse),
        };
        assert!(busy.to_string().contains("already in use"));
        assert_eq!(busy.exit_code(), EXIT_FAILURE);
        assert!(CliError::Output(io::Error::from(io::ErrorKind::BrokenPipe)).is_broken_pipe());
        assert!(!CliError::Output(io::Error::from(io::ErrorKind::Other)).is_broken_pipe());
    }
}

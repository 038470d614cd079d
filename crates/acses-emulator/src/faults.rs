//! Scripted fault injection: what the next requests to an endpoint get instead of (or on top of)
//! a normal answer. Used by tests and by `acses emulator --fault ...`.
//!
//! Each endpoint has a queue of [`Step`]s, served one per request in order, and optionally a
//! *sticky* step served to every request once its queue is empty (a server in maintenance until
//! told otherwise). A request first takes from its endpoint's queue, then from the queue of
//! [`Endpoint::Any`], then the endpoint's sticky step, then the sticky step of `Any`.
//!
//! The text form (`FaultSpec`, for the CLI) is `ENDPOINT=STEP[,STEP...]`, the last step may end in
//! `*` to make it sticky: `history=503/30,503/30,ok,drop*`.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The `/v1` endpoints, as fault scripts and request counters name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    /// Every `/v1` endpoint (in counters: all `/v1` requests).
    Any,
    History,
    Handler,
    Simulate,
    Lockers,
    Pickup,
    AssistPickup,
    DropBack,
    Appointments,
}

impl Endpoint {
    pub const ALL: [Endpoint; 9] = [
        Endpoint::Any,
        Endpoint::History,
        Endpoint::Handler,
        Endpoint::Simulate,
        Endpoint::Lockers,
        Endpoint::Pickup,
        Endpoint::AssistPickup,
        Endpoint::DropBack,
        Endpoint::Appointments,
    ];

    /// The name used in fault specs (`history`, `drop_back`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Any => "any",
            Endpoint::History => "history",
            Endpoint::Handler => "handler",
            Endpoint::Simulate => "simulate",
            Endpoint::Lockers => "lockers",
            Endpoint::Pickup => "pickup",
            Endpoint::AssistPickup => "assist_pickup",
            Endpoint::DropBack => "drop_back",
            Endpoint::Appointments => "appointments",
        }
    }

    /// The endpoint of a request path (with or without the `/api/acses` prefix) and method;
    /// `None` for anything that is not a `/v1` route (health, unknown paths, wrong methods).
    pub fn of_request(method: &str, path: &str) -> Option<Endpoint> {
        let path = path.strip_prefix(crate::wire::API_PREFIX).unwrap_or(path);
        let (want, endpoint) = match path {
            "/v1/events/history" => ("POST", Endpoint::History),
            "/v1/events/handler" => ("POST", Endpoint::Handler),
            "/v1/events/simulate" => ("GET", Endpoint::Simulate),
            "/v1/employees/list_available_lockers" => ("POST", Endpoint::Lockers),
            "/v1/employees/pickup" => ("POST", Endpoint::Pickup),
            "/v1/employees/assist_pickup" => ("POST", Endpoint::AssistPickup),
            "/v1/employees/drop_back" => ("POST", Endpoint::DropBack),
            "/v1/appointments/list" => ("POST", Endpoint::Appointments),
            _ => return None,
        };
        (method == want).then_some(endpoint)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Endpoint {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Endpoint::ALL
            .into_iter()
            .find(|e| e.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Endpoint::ALL.iter().map(|e| e.name()).collect();
                format!("unknown endpoint; use one of {}", names.join(", "))
            })
    }
}

/// One scripted answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Answer normally.
    Pass,
    /// Answer this status (400..=599) in the API's JSON error format, with `Retry-After` when
    /// given. The request is not handled (nothing changes).
    Status {
        status: u16,
        retry_after_secs: Option<u64>,
    },
    /// Handle the request, then hold the answer back this long. Longer than the client's timeout,
    /// this is "the server acted but the answer was lost".
    Delay(Duration),
    /// Close the connection without an answer. The request is not handled.
    Drop,
    /// Handle the request, send the head and the first half of the body, then close the
    /// connection (the head promised the whole body).
    Truncate,
    /// Answer 200 with a body that is not JSON. The request is not handled.
    Malformed,
    /// Answer 200 with a JSON-looking body of this many bytes that never ends, streamed in chunks
    /// (never held in memory) and not compressed. The request is not handled.
    Huge(u64),
    /// Log one history entry whose `SentContent` is not a webhook event at every location, then
    /// answer normally.
    GarbageEntry,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Pass => f.write_str("ok"),
            Step::Status {
                status,
                retry_after_secs: None,
            } => write!(f, "{status}"),
            Step::Status {
                status,
                retry_after_secs: Some(s),
            } => write!(f, "{status}/{s}"),
            Step::Delay(d) => write!(f, "delay:{}", d.as_millis()),
            Step::Drop => f.write_str("drop"),
            Step::Truncate => f.write_str("truncate"),
            Step::Malformed => f.write_str("malformed"),
            Step::Huge(bytes) => write!(f, "huge:{bytes}"),
            Step::GarbageEntry => f.write_str("garbage"),
        }
    }
}

/// The largest `huge:` body accepted from text (the emulator streams it, but a typo should not
/// mean an endless answer).
pub const MAX_HUGE_BYTES: u64 = 64 << 30;
/// The longest `delay:` accepted from text.
pub const MAX_DELAY: Duration = Duration::from_secs(3600);

impl FromStr for Step {
    type Err = String;

    /// `ok`, `401`, `429/5` (status / Retry-After seconds), `delay:MS`, `drop`, `truncate`,
    /// `malformed`, `huge:BYTES` (suffixes k, m, g accepted: `huge:300m`), `garbage`.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        let step = match s.as_str() {
            "ok" | "pass" => Step::Pass,
            "drop" => Step::Drop,
            "truncate" => Step::Truncate,
            "malformed" => Step::Malformed,
            "garbage" => Step::GarbageEntry,
            _ => {
                if let Some(ms) = s.strip_prefix("delay:") {
                    let ms: u64 = ms
                        .parse()
                        .map_err(|_| "delay:MS needs a whole number of milliseconds".to_owned())?;
                    let d = Duration::from_millis(ms);
                    if d > MAX_DELAY {
                        return Err("delay is at most 3600000 ms".to_owned());
                    }
                    Step::Delay(d)
                } else if let Some(size) = s.strip_prefix("huge:") {
                    let bytes = parse_size(size)?;
                    if bytes > MAX_HUGE_BYTES {
                        return Err("huge is at most 64g".to_owned());
                    }
                    Step::Huge(bytes)
                } else if s.starts_with(|c: char| c.is_ascii_digit()) {
                    let (status, after) = match s.split_once('/') {
                        Some((st, a)) => (st, Some(a)),
                        None => (s.as_str(), None),
                    };
                    let status: u16 = status
                        .parse()
                        .map_err(|_| "a status must be a number from 400 to 599".to_owned())?;
                    if !(400..=599).contains(&status) {
                        return Err("a status must be a number from 400 to 599".to_owned());
                    }
                    let retry_after_secs = match after {
                        None => None,
                        Some(a) => Some(a.parse::<u64>().map_err(|_| {
                            "Retry-After (after the /) must be whole seconds".to_owned()
                        })?),
                    };
                    Step::Status {
                        status,
                        retry_after_secs,
                    }
                } else {
                    return Err(format!(
                        "unknown fault step; use ok, a status (503 or 429/5), delay:MS, drop, \
                         truncate, malformed, huge:BYTES or garbage{}",
                        if s.is_empty() {
                            " (the step is empty)"
                        } else {
                            ""
                        }
                    ));
                }
            }
        };
        Ok(step)
    }
}

fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, factor) = match text.char_indices().last() {
        Some((i, 'k')) => (&text[..i], 1u64 << 10),
        Some((i, 'm')) => (&text[..i], 1 << 20),
        Some((i, 'g')) => (&text[..i], 1 << 30),
        _ => (text, 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| "huge:BYTES needs a size such as 300m or 1048576".to_owned())
}

/// A fault script for one endpoint, as `acses emulator --fault` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpec {
    pub endpoint: Endpoint,
    /// Served one per request, in order.
    pub steps: Vec<Step>,
    /// Served to every request after `steps` until cleared.
    pub sticky: Option<Step>,
}

impl FromStr for FaultSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (endpoint, script) = s
            .split_once('=')
            .ok_or_else(|| "expected ENDPOINT=STEP[,STEP...], e.g. history=503,ok".to_owned())?;
        let endpoint: Endpoint = endpoint.parse()?;
        let parts: Vec<&str> = script.split(',').collect();
        let mut steps = Vec::with_capacity(parts.len());
        let mut sticky = None;
        for (i, part) in parts.iter().enumerate() {
            let part = part.trim();
            match part.strip_suffix('*') {
                Some(step) if i + 1 == parts.len() => sticky = Some(step.parse::<Step>()?),
                Some(_) => return Err("only the last step may end in * (sticky)".to_owned()),
                None => steps.push(part.parse::<Step>()?),
            }
        }
        Ok(FaultSpec {
            endpoint,
            steps,
            sticky,
        })
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}=", self.endpoint)?;
        let mut first = true;
        for step in &self.steps {
            if !first {
                f.write_str(",")?;
            }
            first = false;
            write!(f, "{step}")?;
        }
        if let Some(step) = &self.sticky {
            if !first {
                f.write_str(",")?;
            }
            write!(f, "{step}*")?;
        }
        Ok(())
    }
}

/// The fault queues and request counters of one emulator.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    queues: HashMap<Endpoint, VecDeque<Step>>,
    sticky: HashMap<Endpoint, Step>,
    counts: HashMap<Endpoint, u64>,
}

impl Faults {
    pub(crate) fn script(&mut self, endpoint: Endpoint, steps: impl IntoIterator<Item = Step>) {
        self.queues.entry(endpoint).or_default().extend(steps);
    }

    pub(crate) fn set_sticky(&mut self, endpoint: Endpoint, step: Option<Step>) {
        match step {
            Some(step) => self.sticky.insert(endpoint, step),
            None => self.sticky.remove(&endpoint),
        };
    }

    pub(crate) fn clear(&mut self) {
        self.queues.clear();
        self.sticky.clear();
    }

    /// Counts the request and picks what it gets.
    pub(crate) fn take(&mut self, endpoint: Endpoint) -> Step {
        *self.counts.entry(endpoint).or_default() += 1;
        *self.counts.entry(Endpoint::Any).or_default() += 1;
        let queued = |faults: &mut Self, e: Endpoint| faults.queues.get_mut(&e)?.pop_front();
        queued(self, endpoint)
            .or_else(|| queued(self, Endpoint::Any))
            .or_else(|| self.sticky.get(&endpoint).copied())
            .or_else(|| self.sticky.get(&Endpoint::Any).copied())
            .unwrap_or(Step::Pass)
    }

    pub(crate) fn count(&self, endpoint: Endpoint) -> u64 {
        self.counts.get(&endpoint).copied().unwrap_or(0)
    }

    /// Steps still queued (all endpoints).
    pub(crate) fn pending(&self) -> usize {
        self.queues.values().map(VecDeque::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_parse_and_print_back() {
        for text in [
            "ok",
            "401",
            "429/5",
            "503/30",
            "500",
            "delay:1500",
            "drop",
            "truncate",
            "malformed",
            "huge:314572800",
            "garbage",
        ] {
            let step: Step = text.parse().unwrap();
            assert_eq!(step.to_string(), text);
        }
        assert_eq!("huge:300m".parse::<Step>().unwrap(), Step::Huge(300 << 20));
        assert_eq!(" DROP ".parse::<Step>().unwrap(), Step::Drop);
        for bad in [
            "",
            "200",
            "600",
            "99",
            "429/",
            "429/x",
            "delay:",
            "delay:-1",
            "huge:",
            "huge:65g",
            "bogus",
            "delay:3600001",
        ] {
            let err = bad.parse::<Step>().unwrap_err();
            assert!(!err.is_empty(), "{bad}");
        }
    }

    #[test]
    fn specs_name_an_endpoint_and_may_end_sticky() {
        let spec: FaultSpec = "history=503/2,ok,drop*".parse().unwrap();
        assert_eq!(spec.endpoint, Endpoint::History);
        assert_eq!(
            spec.steps,
            [
                Step::Status {
                    status: 503,
                    retry_after_secs: Some(2)
                },
                Step::Pass
            ]
        );
        assert_eq!(spec.sticky, Some(Step::Drop));
        assert_eq!(spec.to_string(), "history=503/2,ok,drop*");
        let spec: FaultSpec = "drop-back=500*".parse().unwrap();
        assert_eq!((spec.endpoint, spec.steps.len()), (Endpoint::DropBack, 0));
        for bad in ["503", "nowhere=503", "history=", "history=503*,ok", "=ok"] {
            assert!(bad.parse::<FaultSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn endpoint_queue_then_any_queue_then_sticky() {
        let mut f = Faults::default();
        let s503 = Step::Status {
            status: 503,
            retry_after_secs: None,
        };
        f.script(Endpoint::Any, [Step::Malformed]);
        f.script(Endpoint::History, [Step::Drop, Step::Pass]);
        f.set_sticky(Endpoint::History, Some(s503));
        assert_eq!(f.take(Endpoint::Pickup), Step::Malformed);
        assert_eq!(f.take(Endpoint::Pickup), Step::Pass);
        assert_eq!(f.take(Endpoint::History), Step::Drop);
        assert_eq!(f.take(Endpoint::History), Step::Pass);
        assert_eq!(f.take(Endpoint::History), s503);
        assert_eq!(f.take(Endpoint::History), s503);
        f.set_sticky(Endpoint::History, None);
        assert_eq!(f.take(Endpoint::History), Step::Pass);
        assert_eq!(f.count(Endpoint::History), 5);
        assert_eq!(f.count(Endpoint::Pickup), 2);
        assert_eq!(f.count(Endpoint::Any), 7);
        assert_eq!(f.pending(), 0);
    }

    #[test]
    fn requests_map_to_endpoints_by_path_and_method() {
        assert_eq!(
            Endpoint::of_request("POST", "/api/acses/v1/events/history"),
            Some(Endpoint::History)
        );
        assert_eq!(
            Endpoint::of_request("GET", "/v1/events/simulate"),
            Some(Endpoint::Simulate)
        );
        assert_eq!(Endpoint::of_request("GET", "/v1/events/history"), None);
        assert_eq!(Endpoint::of_request("GET", "/health"), None);
        assert_eq!(Endpoint::of_request("POST", "/v2/x"), None);
    }
}

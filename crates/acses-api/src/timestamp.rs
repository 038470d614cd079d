//! Timestamps, and the one place where wire dates are parsed leniently.
//!
//! The service is written in Go: an unset `time.Time` is serialized as
//! `"0001-01-01T00:00:00Z"` (see the handler body example). We read that, an
//! empty string, `null` and any unparseable value as "no date" (`None`) so a
//! bad date never fails a whole response body.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, PrimitiveDateTime};

/// Go's zero `time.Time`, written where a date is absent (handler body format).
pub const GO_ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// A point in time; RFC 3339 on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub OffsetDateTime);

impl Timestamp {
    pub fn now_utc() -> Self {
        Timestamp(OffsetDateTime::now_utc())
    }

    pub fn into_inner(self) -> OffsetDateTime {
        self.0
    }

    /// RFC 3339 text (falls back to the Go zero time for years RFC 3339 cannot
    /// express, which no real event has).
    pub fn to_rfc3339(&self) -> String {
        self.0
            .format(&Rfc3339)
            .unwrap_or_else(|_| GO_ZERO_TIME.to_owned())
    }

    /// Lenient parse: RFC 3339 (any fraction, `Z` or offset), also with a space
    /// instead of `T`, or without an offset (then taken as UTC — a guess: the
    /// service is expected to always send an offset). The Go zero time, year 1
    /// or earlier, empty and unparseable text give `None`.
    pub fn parse_lenient(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let normalized;
        let text = if text.as_bytes().get(10) == Some(&b' ') {
            normalized = format!("{}T{}", &text[..10], &text[11..]);
            normalized.as_str()
        } else {
            text
        };
        let parsed = OffsetDateTime::parse(text, &Rfc3339).ok().or_else(|| {
            let naive = time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
            );
            PrimitiveDateTime::parse(text, naive)
                .ok()
                .map(PrimitiveDateTime::assume_utc)
        })?;
        (parsed.year() > 1).then_some(Timestamp(parsed))
    }

    /// Unix seconds, as some JSON producers send. Out-of-range gives `None`.
    fn from_unix_seconds(secs: i64) -> Option<Timestamp> {
        if secs <= 0 {
            return None;
        }
        OffsetDateTime::from_unix_timestamp(secs)
            .ok()
            .map(Timestamp)
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(v: OffsetDateTime) -> Self {
        Timestamp(v)
    }
}

impl From<Timestamp> for OffsetDateTime {
    fn from(v: Timestamp) -> Self {
        v.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

/// Strict where a date is required: must be a valid, non-zero date.
/// Model fields use the lenient `Option<Timestamp>` form instead.
impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse_lenient(&text)
            .ok_or_else(|| de::Error::custom("expected an RFC 3339 date-time"))
    }
}

struct LenientVisitor;

impl<'de> Visitor<'de> for LenientVisitor {
    type Value = Option<Timestamp>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an RFC 3339 date-time")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Timestamp::parse_lenient(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Timestamp::from_unix_seconds(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).ok().and_then(Timestamp::from_unix_seconds))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// `#[serde(default, with = "crate::timestamp::lenient")]` for
/// `Option<Timestamp>` fields: never fails; `None` serializes as the Go zero
/// time, as the handler body does.
pub(crate) mod lenient {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        d.deserialize_any(LenientVisitor)
    }

    pub(crate) fn serialize<S: Serializer>(v: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(t) => t.serialize(s),
            None => s.serialize_str(GO_ZERO_TIME),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn parses_rfc3339_variants() {
        let want = datetime!(2024-03-29 10:15:30 UTC);
        for text in [
            "2024-03-29T10:15:30Z",
            "2024-03-29T12:15:30+02:00",
            "2024-03-29 10:15:30Z",
            "2024-03-29T10:15:30",
        ] {
            assert_eq!(
                Timestamp::parse_lenient(text),
                Some(Timestamp(want)),
                "{text}"
            );
        }
        let nanos = Timestamp::parse_lenient("2024-03-29T10:15:30.123456789Z").unwrap();
        assert_eq!(nanos.0.nanosecond(), 123_456_789);
    }

    #[test]
    fn zero_empty_and_garbage_are_none() {
        for text in [
            GO_ZERO_TIME,
            "0001-01-01T00:00:00+00:00",
            "",
            "  ",
            "yesterday",
            "2024-13-01T00:00:00Z",
        ] {
            assert_eq!(Timestamp::parse_lenient(text), None, "{text}");
        }
    }

    #[derive(Deserialize, Serialize)]
    struct Holder {
        #[serde(default, with = "lenient")]
        at: Option<Timestamp>,
    }

    #[test]
    fn lenient_field_never_fails() {
        for body in [
            r#"{"at": null}"#,
            r#"{"at": "nope"}"#,
            r#"{"at": 1.5}"#,
            r#"{"at": {"x": [1]}}"#,
            r#"{"at": [1, 2]}"#,
            r#"{"at": true}"#,
            r#"{}"#,
        ] {
            let h: Holder = serde_json::from_str(body).unwrap();
            assert!(h.at.is_none(), "{body}");
        }
        let h: Holder = serde_json::from_str(r#"{"at": 1711707330}"#).unwrap();
        assert_eq!(h.at.unwrap().0, datetime!(2024-03-29 10:15:30 UTC));
    }

    #[test]
    fn none_serializes_as_go_zero_time() {
        let s = serde_json::to_string(&Holder { at: None }).unwrap();
        assert_eq!(s, r#"{"at":"0001-01-01T00:00:00Z"}"#);
        let t = Timestamp(datetime!(2024-03-29 10:15:30 UTC));
        let s = serde_json::to_string(&Holder { at: Some(t) }).unwrap();
        assert_eq!(s, r#"{"at":"2024-03-29T10:15:30Z"}"#);
    }
}

//! Lenient JSON field parsers: what a Go server accepts (a locker id as a string or a number) and
//! what ACSES sends in a webhook event (ids as numbers, empty or null dates).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Go's zero `time.Time`, which the document shows for empty dates.
pub const ZERO_TIME: OffsetDateTime = time::macros::datetime!(0001-01-01 0:00 UTC);

/// Serde default for a missing date.
pub(crate) fn zero_time() -> OffsetDateTime {
    ZERO_TIME
}

/// Accepts a string, an integer, a float with no fraction, or null (as ""), giving a string.
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    struct StringOrNumber;

    impl<'de> Visitor<'de> for StringOrNumber {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a number")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            // 151.0 is still locker 151; anything with a fraction is kept as written.
            if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
                Ok(format!("{v:.0}"))
            } else {
                Ok(v.to_string())
            }
        }

        fn visit_unit<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }

        fn visit_none<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            lenient_string(d)
        }
    }

    deserializer.deserialize_any(StringOrNumber)
}

/// An RFC 3339 date; null or "" give Go's zero time.
pub(crate) fn lenient_time<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<OffsetDateTime, D::Error> {
    let raw: Option<String> = Option::deserialize(deserializer)?;
    match raw.as_deref() {
        None | Some("") => Ok(ZERO_TIME),
        Some(text) => OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|_| de::Error::custom(format!("`{text}` is not an RFC 3339 date"))),
    }
}

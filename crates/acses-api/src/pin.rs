//! The locker PIN: a secret-shaped newtype (no Display, a redacted Debug) so it cannot slip into
//! a log line, and its tolerant reading from the wire (a string, a number, null or blank).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A locker PIN. Its Debug prints `Pin(****)` and it has no Display, so it
/// cannot slip into a log line by accident; read it with [`Pin::expose`].
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pin(String);

impl Pin {
    pub fn new(pin: impl Into<String>) -> Self {
        Pin(pin.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Same as [`Pin::as_str`]; the name says that the secret leaves here.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(****)")
    }
}

impl From<String> for Pin {
    fn from(v: String) -> Self {
        Pin(v)
    }
}

impl From<&str> for Pin {
    fn from(v: &str) -> Self {
        Pin(v.to_owned())
    }
}

/// `Option<Pin>` from a string, a number (its text), null or a missing key;
/// an empty or blank string means no PIN.
pub(crate) mod opt_pin {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Pin>, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Option<Pin>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a PIN string, number or null")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let v = v.trim();
                Ok((!v.is_empty()).then(|| Pin(v.to_owned())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Some(Pin(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Some(Pin(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
        }
        d.deserialize_any(V)
    }

    pub(crate) fn serialize<S: Serializer>(v: &Option<Pin>, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }
}

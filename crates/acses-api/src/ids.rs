//! Identifier newtypes.
//!
//! Integer ids (`DealerLocationID`, `AppointmentID`, `AppointmentNoteID`) are
//! JSON numbers but also accept a numeric string. Opaque ids (`LockerSystemID`
//! and friends) are strings on the wire, yet the simulate URL shows a locker
//! system id as a number, so they accept a JSON number too (kept as its decimal
//! text) and always serialize as a string.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::de::StringLike;

/// Error of parsing an integer id from text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {kind}: expected a non-negative integer")]
pub struct ParseIdError {
    kind: &'static str,
}

struct U64Like(&'static str);

impl Visitor<'_> for U64Like {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a {} (non-negative integer or numeric string)", self.0)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
        // Only integral floats (`82.0`) that fit exactly.
        if v.fract() == 0.0 && (0.0..9.007_199_254_740_992e15).contains(&v) {
            Ok(v as u64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

macro_rules! int_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(U64Like($kind)).map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = ParseIdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name).map_err(|_| ParseIdError { kind: $kind })
            }
        }

        impl From<u64> for $name {
            fn from(v: u64) -> Self {
                $name(v)
            }
        }
    };
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(StringLike).map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(v: &str) -> Self {
                $name(v.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(v: String) -> Self {
                $name(v)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

int_id!(
    /// A dealer location (Claire's workshop site), e.g. 82.
    DealerLocationId,
    "DealerLocationID"
);
int_id!(
    /// A Claire appointment.
    AppointmentId,
    "AppointmentID"
);
int_id!(
    /// A note attached to an appointment (optional in `drop_back`).
    AppointmentNoteId,
    "AppointmentNoteID"
);

string_id!(
    /// A locker system (one key cabinet) in ACSES, e.g. "151".
    LockerSystemId
);
string_id!(
    /// An ACSES webhook event (`tablekey` of the handler body).
    WebhookEventId
);
string_id!(
    /// An ACSES booking.
    BookingId
);
string_id!(
    /// The number of a cell as shown on the locker.
    LockerCellNumber
);
string_id!(
    /// ACSES' internal id of a locker cell.
    LockerCellId
);
string_id!(
    /// ACSES' id of the object (key) stored in a cell.
    ObjectId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_ids_accept_number_and_numeric_string() {
        let a: AppointmentId = serde_json::from_str("42").unwrap();
        let b: AppointmentId = serde_json::from_str("\" 42 \"").unwrap();
        let c: AppointmentId = serde_json::from_str("42.0").unwrap();
        assert_eq!(a, AppointmentId(42));
        assert_eq!(b, a);
        assert_eq!(c, a);
        assert_eq!(serde_json::to_string(&a).unwrap(), "42");
    }

    #[test]
    fn int_ids_reject_garbage() {
        for bad in ["-1", "\"abc\"", "\"\"", "1.5", "true", "null", "{}"] {
            assert!(
                serde_json::from_str::<DealerLocationId>(bad).is_err(),
                "accepted {bad}"
            );
        }
        assert!("x".parse::<DealerLocationId>().is_err());
        assert_eq!("82".parse::<DealerLocationId>(), Ok(DealerLocationId(82)));
    }

    #[test]
    fn string_ids_accept_numbers_and_serialize_as_string() {
        let a: LockerSystemId = serde_json::from_str("151").unwrap();
        assert_eq!(a, LockerSystemId::from("151"));
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"151\"");
        let b: LockerSystemId = serde_json::from_str("-7").unwrap();
        assert_eq!(b.as_str(), "-7");
        let c: LockerSystemId = serde_json::from_str("null").unwrap();
        assert!(c.is_empty());
        assert_eq!(LockerCellNumber::from("7").to_string(), "7");
    }
}

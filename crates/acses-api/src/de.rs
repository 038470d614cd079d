//! Lenient deserialization helpers shared by the models.
//!
//! The API document gives Go type names but not always the JSON shapes, and the
//! real service, the emulator and hand-written fixtures disagree on details
//! (numbers vs strings, `null` vs `""`). These helpers accept the plausible
//! shapes so that one odd field never fails a whole response body.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// Accepts a JSON string, number, bool or `null` and yields text.
/// A number becomes its decimal text; `null` becomes the empty string.
pub(crate) struct StringLike;

impl Visitor<'_> for StringLike {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
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
        // `151.0` is an integer that went through a float somewhere: keep "151".
        if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
            Ok(format!("{}", v as i64))
        } else {
            Ok(v.to_string())
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
}

/// serde_json's name for the kind of an error ("syntax", "data", "eof" or "io"): what logs and
/// error values say instead of serde's message, which can quote the input (and inputs hold PINs).
pub(crate) fn category_name(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "io",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "eof",
    }
}

/// `deserialize_with` for plain `String` fields: string, number, bool or null.
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(StringLike)
}

/// `deserialize_with` for text fields that may arrive as a string or as
/// embedded JSON (e.g. `SentContent` stored as an object rather than as the
/// serialized text): strings are kept verbatim, anything else is re-serialized.
pub(crate) fn string_or_json<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    })
}

struct BoolLike;

impl<'de> Visitor<'de> for BoolLike {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(match v {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(match v {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        })
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let v = v.trim();
        Ok(if v.eq_ignore_ascii_case("true") || v == "1" {
            Some(true)
        } else if v.eq_ignore_ascii_case("false") || v == "0" {
            Some(false)
        } else {
            None
        })
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

/// `deserialize_with` for `bool`: true/false, 0/1, "true"/"false"; anything
/// else (including null) is `false`.
pub(crate) fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(d.deserialize_any(BoolLike)?.unwrap_or(false))
}

/// `deserialize_with` for `Option<bool>`: like [`bool`] but unknown is `None`.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(BoolLike)
}

/// `deserialize_with` for `Vec<T>` that may be `null`.
pub(crate) fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// `deserialize_with` for lists whose elements have required fields: an
/// element that does not parse is dropped (and counted in a warning) instead
/// of failing the whole list. `null` is an empty list.
pub(crate) fn vec_skip_invalid<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    struct SkipInvalid<T>(PhantomData<T>);

    impl<'de, T: DeserializeOwned> Visitor<'de> for SkipInvalid<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }

        fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            let mut skipped = 0usize;
            while let Some(v) = seq.next_element::<serde_json::Value>()? {
                match T::deserialize(v) {
                    Ok(t) => out.push(t),
                    Err(_) => skipped += 1,
                }
            }
            if skipped > 0 {
                tracing::warn!(
                    skipped,
                    kept = out.len(),
                    "dropped list entries that did not parse"
                );
            }
            Ok(out)
        }
    }

    d.deserialize_any(SkipInvalid(PhantomData))
}

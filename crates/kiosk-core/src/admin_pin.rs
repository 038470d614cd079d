//! The administrator PIN: what one looks like, and its Argon2id hash (the settings keep only the
//! hash, as a PHC string).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// 4 to 8 ASCII digits: what an admin PIN looks like (checked before any hashing).
pub fn is_admin_pin_shape(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// Hashes an admin PIN with Argon2id (default parameters) into a PHC string.
pub fn hash_admin_pin(pin: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())?;
    Ok(Argon2::default()
        .hash_password(pin.as_bytes(), &salt)?
        .to_string())
}

/// Checks a PIN against a PHC string; a malformed hash never verifies.
pub fn verify_admin_pin(phc: &str, pin: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

//! Where the door watcher keeps what it has seen between runs, so a restart neither announces an
//! event twice nor loses one that happened while the kiosk was down.
//!
//! [`SeenStore`] is the seam (tests use [`MemorySeenStore`]); [`FileSeenStore`] keeps the state in
//! one file written with [`crate::persist::write_atomic`]. The file says which service and
//! location it belongs to: a state for another one is ignored (a fresh baseline is taken).
//!
//! Format (little endian): `ACSESWS1`, identity length (u32) and bytes, `known` (u64),
//! `evicted` (u8), tail count (u32) and hashes (u64 each), seen count (u64) and hashes, then a
//! SipHash-1-3 checksum (u64) of everything before it. Anything that does not decode exactly is
//! refused as a whole, never half used.

use std::hash::Hasher;
use std::path::PathBuf;
use std::sync::Mutex;

use acses_api::history::{ScannerState, SEEN_CAPACITY};
use siphasher::sip::SipHasher13;

const MAGIC: &[u8; 8] = b"ACSESWS1";
const MAX_IDENTITY: usize = 4096;
const MAX_TAIL: usize = 64;

/// Loads and saves the watcher's [`ScannerState`].
pub trait SeenStore: Send + Sync + std::fmt::Debug + 'static {
    /// The saved state, if there is a usable one.
    fn load(&self) -> Option<ScannerState>;
    /// Saves the state; failures are the store's to report (the watcher goes on either way).
    fn save(&self, state: &ScannerState);
}

/// Keeps the state in memory (tests: a "restart" is a second watcher over the same store).
#[derive(Debug, Default)]
pub struct MemorySeenStore {
    state: Mutex<Option<ScannerState>>,
    saves: Mutex<u64>,
}

impl MemorySeenStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many times the state was saved.
    pub fn saves(&self) -> u64 {
        *self.saves.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SeenStore for MemorySeenStore {
    fn load(&self) -> Option<ScannerState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    fn save(&self, state: &ScannerState) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = Some(state.clone());
        *self.saves.lock().unwrap_or_else(|e| e.into_inner()) += 1;
    }
}

/// Keeps the state in a file (see the module docs).
#[derive(Debug, Clone)]
pub struct FileSeenStore {
    path: PathBuf,
    identity: String,
}

impl FileSeenStore {
    /// `identity` names what the history belongs to (API base URL and location).
    pub fn new(path: impl Into<PathBuf>, identity: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            identity: identity.into(),
        }
    }
}

impl SeenStore for FileSeenStore {
    fn load(&self) -> Option<ScannerState> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::warn!(error = %e, "the door watcher's saved state cannot be read; starting afresh");
                return None;
            }
        };
        match decode(&bytes) {
            Ok((identity, state)) if identity == self.identity => Some(state),
            Ok(_) => {
                tracing::info!("the door watcher's saved state is for another service or location; starting afresh");
                None
            }
            Err(reason) => {
                tracing::warn!(%reason, "the door watcher's saved state is damaged; starting afresh");
                None
            }
        }
    }

    fn save(&self, state: &ScannerState) {
        let bytes = encode(&self.identity, state);
        if let Err(e) = crate::persist::write_atomic(&self.path, &bytes) {
            // Announcements go on; after a restart some events may be announced again.
            tracing::warn!(error = %e, "the door watcher's state could not be saved");
        }
    }
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = SipHasher13::new();
    h.write(bytes);
    h.finish()
}

/// The file contents for `state`.
pub fn encode(identity: &str, state: &ScannerState) -> Vec<u8> {
    let identity = &identity.as_bytes()[..identity.len().min(MAX_IDENTITY)];
    let tail = &state.tail[state.tail.len().saturating_sub(MAX_TAIL)..];
    let seen = &state.seen[state.seen.len().saturating_sub(SEEN_CAPACITY)..];
    let mut out = Vec::with_capacity(64 + identity.len() + 8 * (tail.len() + seen.len()));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(identity.len() as u32).to_le_bytes());
    out.extend_from_slice(identity);
    out.extend_from_slice(&state.known.to_le_bytes());
    out.push(u8::from(state.evicted));
    out.extend_from_slice(&(tail.len() as u32).to_le_bytes());
    for h in tail {
        out.extend_from_slice(&h.to_le_bytes());
    }
    out.extend_from_slice(&(seen.len() as u64).to_le_bytes());
    for h in seen {
        out.extend_from_slice(&h.to_le_bytes());
    }
    let sum = checksum(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// Reads file contents back: the identity and the state, or why not.
pub fn decode(bytes: &[u8]) -> Result<(String, ScannerState), String> {
    if bytes.len() < MAGIC.len() + 8 {
        return Err("too short".into());
    }
    let (body, sum) = bytes.split_at(bytes.len() - 8);
    let sum = u64::from_le_bytes(sum.try_into().map_err(|_| "no checksum")?);
    if checksum(body) != sum {
        return Err("checksum does not match".into());
    }
    let mut r = Reader(body);
    if r.take(MAGIC.len())? != MAGIC {
        return Err("not a door watcher state file".into());
    }
    let id_len = r.u32()? as usize;
    if id_len > MAX_IDENTITY {
        return Err("identity too long".into());
    }
    let identity = String::from_utf8(r.take(id_len)?.to_vec()).map_err(|_| "identity not UTF-8")?;
    let known = r.u64()?;
    let evicted = match r.take(1)?[0] {
        0 => false,
        1 => true,
        _ => return Err("bad flag".into()),
    };
    let tail_len = r.u32()? as usize;
    if tail_len > MAX_TAIL {
        return Err("tail too long".into());
    }
    let tail = (0..tail_len).map(|_| r.u64()).collect::<Result<_, _>>()?;
    let seen_len = usize::try_from(r.u64()?).map_err(|_| "seen count too large")?;
    if seen_len > SEEN_CAPACITY || seen_len.saturating_mul(8) != r.0.len() {
        return Err("seen count does not match the file".into());
    }
    let seen = (0..seen_len).map(|_| r.u64()).collect::<Result<_, _>>()?;
    Ok((
        identity,
        ScannerState {
            known,
            tail,
            seen,
            evicted,
        },
    ))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("truncated".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, String> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> ScannerState {
        ScannerState {
            known: 12,
            tail: vec![1, 2, 3],
            seen: (0..12).map(|i| i * 7919).collect(),
            evicted: false,
        }
    }

    #[test]
    fn round_trips_and_checks_the_identity() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("watcher.state");
        let store = FileSeenStore::new(&path, "https://a.example/|82");
        assert_eq!(store.load(), None);
        store.save(&state());
        assert_eq!(store.load(), Some(state()));
        let other = FileSeenStore::new(&path, "https://a.example/|83");
        assert_eq!(other.load(), None, "another location's state is not used");
    }

    #[test]
    fn every_damage_is_refused_whole() {
        let good = encode("id", &state());
        assert!(decode(&good).is_ok());
        // Any single flipped byte, and any truncation, is caught.
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x40;
            assert!(decode(&bad).is_err(), "flip at {i}");
        }
        for n in 0..good.len() {
            assert!(decode(&good[..n]).is_err(), "cut at {n}");
        }
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("watcher.state");
        std::fs::write(&path, b"garbage").unwrap();
        assert_eq!(FileSeenStore::new(&path, "id").load(), None);
    }
}

//! Any bytes as the door watcher's saved state file: a state or an error, never a panic; a state
//! that decodes encodes back to the same bytes.
#![no_main]

use kiosk_core::watch_state::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((identity, state)) = decode(data) {
        assert_eq!(encode(&identity, &state), data, "decode/encode is not a round trip");
    }
});

//! What the emulator parses from outside: a webhook event body (the handler, i.e. the server
//! side of the webhook) and the text form of fault scripts. Never a panic; a fault script that
//! parses prints back to one that parses the same.
#![no_main]

use acses_emulator::wire::WebhookEvent;
use acses_emulator::FaultSpec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<WebhookEvent>(data);
    let text = String::from_utf8_lossy(data);
    if let Ok(spec) = text.parse::<FaultSpec>() {
        let again: FaultSpec = spec.to_string().parse().expect("a printed spec parses");
        assert_eq!(again, spec);
    }
});

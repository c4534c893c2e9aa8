//! Share links that carry a scenario. Byte 0 picks the half:
//! - even: the rest is a scenario file's text. Carried in a link, it comes back word for word,
//!   and the link opens it as the file itself opens (the same scenario, or the same error);
//! - odd: the rest is the packed field itself (any bytes in base64url, so the inflater meets
//!   any deflate stream). Unpacking never panics, never returns more than a scenario file may
//!   hold, and an error is one line.
#![no_main]

use base64::Engine;
use libfuzzer_sys::fuzz_target;
use sim_core::limits::MAX_SCENARIO_BYTES;
use sim_core::recording::Recording;
use sim_core::share::{Link, ScenarioRef};
use sim_core::Scenario;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let field = if pick % 2 == 0 {
        let text = String::from_utf8_lossy(rest);
        if text.len() > MAX_SCENARIO_BYTES {
            return;
        }
        match ScenarioRef::carry(&text) {
            ScenarioRef::Carried(packed) => packed,
            id => panic!("carry gave {id:?}"),
        }
    } else {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rest)
    };
    let text = format!("wq1/~1.{field}/v/random/0///0");
    let link = match Link::decode(&text) {
        Ok(link) => link,
        Err(e) => {
            // Only the link's length can refuse a packed field of base64url.
            assert!(text.len() > sim_core::limits::MAX_LINK_CHARS, "{e}");
            return;
        }
    };
    assert_eq!(Link::decode(&link.encode()).as_ref(), Ok(&link));
    match link.scenario.text() {
        Ok(carried) => {
            assert!(carried.len() <= MAX_SCENARIO_BYTES);
            if pick % 2 == 0 {
                assert_eq!(carried, String::from_utf8_lossy(rest));
                let file = Scenario::parse_named(sim_core::share::CARRIED_FILE, &carried);
                assert_eq!(link.scenario.load().map(|s| s.into_owned()), file);
            }
        }
        Err(e) => assert!(pick % 2 == 1 && !e.to_string().contains('\n'), "{e}"),
    }
    if let Err(e) = Recording::from_link(&link) {
        assert!(!e.to_string().contains('\n'), "{e}");
    }
});

//! Any text as a share link: decoding never panics, an error is one line, a decoded link
//! re-encodes to a link that decodes to the same thing, and rebuilding its run never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sim_core::recording::Recording;
use sim_core::share::Link;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Link::decode(&text) {
        Ok(link) => {
            assert_eq!(Link::decode(&link.encode()).as_ref(), Ok(&link));
            if let Err(e) = Recording::from_link(&link) {
                assert!(!e.to_string().contains('\n'), "{e}");
            }
        }
        Err(e) => assert!(!e.to_string().contains('\n'), "{e}"),
    }
});

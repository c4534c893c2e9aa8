//! Any text as a scenario file: parsing never panics, an error is one line and each of its
//! diagnostics points inside the file; a scenario that parses builds a spec for every variant
//! it declares, and a run of each ends with a verdict.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "scenario_file.rs"]
mod scenario_file;

/// Steps of each run at most (a file may ask for a million).
const STEPS: u32 = 10_000;

fuzz_target!(|data: &[u8]| {
    scenario_file::parses_and_runs(&String::from_utf8_lossy(data), STEPS);
});

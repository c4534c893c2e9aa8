//! Golden trace hashes for every scenario, variant and strategy at two seeds. The same table is
//! checked in the browser (web-ui/tests/web.rs), so native and wasm runs are bit-identical.
//! Regenerate with `WQSIM_BLESS=1 cargo test -p sim-core --test golden` only when runs are meant
//! to change, and say why in the commit.

use sim_core::run::{clock_fingerprint, engine_fingerprint};

#[test]
fn trace_hashes_match_the_golden_table() {
    let now = engine_fingerprint();
    if std::env::var_os("WQSIM_BLESS").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden_hashes.txt"), &now).unwrap();
        return;
    }
    let table = include_str!("golden_hashes.txt");
    for (want, got) in table.lines().zip(now.lines()) {
        assert_eq!(want, got);
    }
    assert_eq!(table.lines().count(), now.lines().count());
}

/// The timed strategy's virtual times, step by step, for every scenario and variant (also checked
/// in the browser). Bless as above, into `golden_times.txt`, only when the clock is meant to change.
#[test]
fn clock_times_match_the_golden_table() {
    let now = clock_fingerprint();
    if std::env::var_os("WQSIM_BLESS").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden_times.txt"), &now).unwrap();
        return;
    }
    let table = include_str!("golden_times.txt");
    for (want, got) in table.lines().zip(now.lines()) {
        assert_eq!(want, got);
    }
    assert_eq!(table.lines().count(), now.lines().count());
}

//! Component tests in a real headless Chromium (`cargo test -p web-ui --target
//! wasm32-unknown-unknown`; a native `cargo test` skips them).

use std::time::Duration;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Let Yew render.
async fn tick() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

/// The page opens the run its URL names, with a lane per CPU and the wait queue.
#[wasm_bindgen_test]
async fn the_page_opens_the_run_of_its_link() {
    let window = web_sys::window().unwrap();
    window.location().set_hash("wq1/check-then-sleep/naive/random/2///0").unwrap();
    let document = window.document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<web_ui::App>::with_root(root.clone()).render();
    tick().await;
    let text = |sel: &str| root.query_selector(sel).unwrap().map(|e| e.text_content().unwrap()).unwrap_or_default();
    assert_eq!(root.query_selector_all(".lane").unwrap().length(), 2, "a lane per task: A and B");
    assert!(text(".queue .qname").contains("wq"));
    assert!(text("#step").contains("step 0 / 5"), "{}", text("#step"));
    assert!(text(".banner").contains("loses a wakeup at step 3"), "{}", text(".banner"));
}

/// Every scenario, variant and strategy runs in wasm exactly as natively: the same verdicts,
/// step counts and trace hashes as `sim-core/tests/golden_hashes.txt`.
#[wasm_bindgen_test]
fn runs_are_bit_identical_to_native() {
    let table = include_str!("../../sim-core/tests/golden_hashes.txt");
    let now = sim_core::run::engine_fingerprint();
    for (want, got) in table.lines().zip(now.lines()) {
        assert_eq!(want, got);
    }
    assert_eq!(table.lines().count(), now.lines().count());
}

/// The timed strategy's clock gives every step the same virtual time in wasm as natively
/// (`sim-core/tests/golden_times.txt`).
#[wasm_bindgen_test]
fn virtual_times_are_identical_to_native() {
    let table = include_str!("../../sim-core/tests/golden_times.txt");
    let now = sim_core::run::clock_fingerprint();
    for (want, got) in table.lines().zip(now.lines()) {
        assert_eq!(want, got);
    }
    assert_eq!(table.lines().count(), now.lines().count());
}

/// The explorer runs in wasm: it proves the fix and finds the race's shortest counterexample.
#[wasm_bindgen_test]
fn the_explorer_runs_in_wasm() {
    use sim_core::explore::{explore, shortest::shortest_lost_wakeup, shortest::Shortest, Config};
    let scenario = sim_core::library::find("pipe-splice").unwrap();
    let writes = [("writes".to_string(), 3)];
    let fixed = scenario.spec(Some("v5.9"), &writes).unwrap();
    let r = explore(&fixed, Config::default(), &mut |_| true);
    assert!(r.complete && r.found.is_none());
    let buggy = scenario.spec(Some("v5.8"), &writes).unwrap();
    let Shortest::Found(s) =
        shortest_lost_wakeup(&buggy, &Config { max_states: 1_000_000, ..Config::default() }, &mut |_| true).0
    else {
        panic!()
    };
    assert_eq!(s.display(&buggy), "W*6 R*11 W R*3 W*13");
}

//! Component tests in a real headless Chromium (`cargo test -p web-ui --target
//! wasm32-unknown-unknown`; a native `cargo test` skips them).

use std::time::Duration;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Let Yew render.
async fn tick() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

#[wasm_bindgen_test]
async fn gallery_shows_every_scenario_with_its_default_run() {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<web_ui::App>::with_root(root.clone()).render();
    tick().await;
    assert_eq!(document.get_element_by_id("app-title").unwrap().text_content().unwrap(), "wqsim");
    for id in ["check-then-sleep", "pipe-splice", "page-lock-killable"] {
        let card = root.query_selector(&format!("[data-scenario='{id}'] .verdict")).unwrap().expect(id);
        // Every default run is a race on its buggy default variant.
        assert!(card.text_content().unwrap().contains("lost wakeup"), "{id}");
    }
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
    let Shortest::Found(s) = shortest_lost_wakeup(&buggy, 1_000_000, &mut |_| true).0 else { panic!() };
    assert_eq!(s.display(&buggy), "W*6 R*11 W R*3 W*13");
}

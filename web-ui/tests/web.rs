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

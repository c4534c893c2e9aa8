//! The whole page with the scenario editor, which the main page loads in its own place
//! (`web_ui::handoff`): the same `App`, built with the `editor` feature.

fn main() {
    web_ui::run();
}

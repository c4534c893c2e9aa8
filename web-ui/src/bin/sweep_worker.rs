//! The in-page sweep's web worker. Trunk builds this bin for `data-type="worker"` in index.html
//! (wasm-bindgen's no-modules target, plus the `sweep_worker_loader.js` shim that the page
//! spawns); its `main` runs when the worker loads and hands the worker's messages to
//! [`web_ui::sweep::SweepWorker`].

use gloo::worker::Registrable;

fn main() {
    web_ui::sweep::SweepWorker::registrar().register();
}

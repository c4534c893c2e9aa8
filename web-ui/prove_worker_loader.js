// "Prove it"'s worker entry (the page starts it: web-ui/src/prove.rs, LOADER). Trunk builds
// prove_worker.js and prove_worker_bg.wasm next to it (index.html, data-type="worker"); this
// passes wasm_bindgen() the object form, as sweep_worker_loader.js does.
importScripts("./prove_worker.js");
wasm_bindgen({ module_or_path: "./prove_worker_bg.wasm" });

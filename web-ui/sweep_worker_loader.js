// The sweep worker's entry (the page spawns it: web-ui/src/sweep.rs, LOADER). Trunk builds
// sweep_worker.js and sweep_worker_bg.wasm next to it (index.html, data-type="worker"). Trunk's
// own data-loader-shim calls wasm_bindgen() with a bare path, which wasm-bindgen 0.2.130 reports
// as deprecated on the console; this passes the object form.
importScripts("./sweep_worker.js");
wasm_bindgen({ module_or_path: "./sweep_worker_bg.wasm" });

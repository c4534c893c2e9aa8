// The page with the scenario editor (web-ui/src/handoff.rs): the main page, having removed itself,
// adds this script. Trunk builds editor.js and editor_bg.wasm next to it (index.html,
// data-type="worker": no-modules JS, whose wasm_bindgen() starts the page).
const script = document.createElement("script");
script.src = "./editor.js";
script.onload = () => wasm_bindgen({ module_or_path: "./editor_bg.wasm" });
script.onerror = () => { document.body.textContent = "wqsim: the editor could not be loaded. Reload the page to try again."; };
document.head.append(script);

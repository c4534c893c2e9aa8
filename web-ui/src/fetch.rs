//! The built-in scenario files, fetched from `scenarios/` beside the page (index.html copies
//! them there) before the main page starts: compiled in, they would take the main .wasm over its
//! budget (BENCHMARKS.md, issue 15). The editor's build and the workers have them compiled in.

use sim_core::library::NAMES;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Every built-in file's text, in the order of `NAMES`, or why one could not be had. The
/// requests all start at once.
pub async fn scenarios() -> Result<Vec<String>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let requests: Vec<_> =
        NAMES.iter().map(|name| JsFuture::from(window.fetch_with_str(&format!("./{name}")))).collect();
    let mut texts = Vec::with_capacity(NAMES.len());
    for (name, request) in NAMES.iter().zip(requests) {
        let failed = |e: JsValue| format!("{name}: {}", e.as_string().unwrap_or_else(|| "the request failed".into()));
        let response: web_sys::Response = request.await.map_err(failed)?.unchecked_into();
        if !response.ok() {
            return Err(format!("{name}: HTTP {}", response.status()));
        }
        let text = JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?;
        texts.push(text.as_string().unwrap_or_default());
    }
    Ok(texts)
}

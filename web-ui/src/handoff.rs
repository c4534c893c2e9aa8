//! The page ships in two builds, to keep the first one within its budget (BENCHMARKS.md, issue
//! 15): the main page, without the `editor` feature, and the whole page with the scenario editor
//! (bin `editor`), which the main page loads in its own place the first time the editor, a file
//! or a link that carries a scenario is wanted. The URL holds the run on screen; what was asked
//! travels in a property of `window` that the editor's build takes when it starts.

/// What the main page hands over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handoff {
    /// Open the editor on the scenario on screen.
    Edit,
    /// Open the editor on the template of a new scenario.
    New,
    /// Open the link in the URL, which carries a scenario file.
    Link,
    /// Open a file picked or dropped on the page.
    File(web_sys::File),
}

/// The property of `window` that holds it: `[kind]`, or `["file", File]`.
const KEY: &str = "wqsimHandoff";

#[cfg(not(feature = "editor"))]
mod give {
    use std::cell::RefCell;

    use gloo::timers::callback::Timeout;
    use wasm_bindgen::JsValue;
    use yew::AppHandle;

    use super::{Handoff, KEY};
    use crate::App;

    thread_local! {
        /// The main page's app, to remove when the editor's build takes its place.
        static APP: RefCell<Option<AppHandle<App>>> = const { RefCell::new(None) };
    }

    /// Keep the running app, for `give`.
    pub fn keep(app: AppHandle<App>) {
        APP.with(|a| *a.borrow_mut() = Some(app));
    }

    /// Remove this page and start the editor's build in its place, with `what`.
    pub fn give(what: Handoff) {
        let Some(window) = web_sys::window() else { return };
        let (kind, file) = match what {
            Handoff::Edit => ("edit", JsValue::UNDEFINED),
            Handoff::New => ("new", JsValue::UNDEFINED),
            Handoff::Link => ("link", JsValue::UNDEFINED),
            Handoff::File(f) => ("file", f.into()),
        };
        let _ = js_sys::Reflect::set(&window, &KEY.into(), &js_sys::Array::of2(&kind.into(), &file));
        // Not from inside the app's own update: Yew removes an app between its renders.
        Timeout::new(0, move || {
            if let Some(app) = APP.with(|a| a.borrow_mut().take()) {
                app.destroy();
            }
            let script = window.document().and_then(|d| d.create_element("script").ok());
            if let (Some(script), Some(head)) = (script, window.document().and_then(|d| d.head())) {
                let _ = script.set_attribute("src", "./editor_loader.js");
                let _ = head.append_child(&script);
            }
        })
        .forget();
    }
}

#[cfg(not(feature = "editor"))]
pub use give::{give, keep};

/// What the main page handed over, once: `None` when this build was not started by it.
#[cfg(feature = "editor")]
pub fn take() -> Option<Handoff> {
    let window = web_sys::window()?;
    let value = js_sys::Reflect::get(&window, &KEY.into()).ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &KEY.into());
    let value: js_sys::Array = wasm_bindgen::JsCast::dyn_into(value).ok()?;
    match value.get(0).as_string()?.as_str() {
        "edit" => Some(Handoff::Edit),
        "new" => Some(Handoff::New),
        "link" => Some(Handoff::Link),
        "file" => wasm_bindgen::JsCast::dyn_into(value.get(1)).ok().map(Handoff::File),
        _ => None,
    }
}

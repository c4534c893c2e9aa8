//! Scenario files from the user's disk: picked with a file input or dropped on the page. The
//! size is checked before the file is read, so a huge file costs nothing.

use wasm_bindgen::JsCast;
#[cfg(feature = "editor")]
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::session::Msg;

/// Read `file` and open it in the editor, or say why it cannot be.
#[cfg(feature = "editor")]
pub fn read(file: web_sys::File, dispatch: Callback<Msg>) {
    if let Err(e) = sim_core::limits::check_scenario_bytes(file.size() as u64) {
        return dispatch.emit(Msg::Refused(format!("{} cannot be opened: {e}", file.name())));
    }
    let name = file.name();
    let text = JsFuture::from(file.text());
    wasm_bindgen_futures::spawn_local(async move {
        match text.await.ok().and_then(|t| t.as_string()) {
            Some(text) => crate::editor::run(text.into(), dispatch),
            None => dispatch.emit(Msg::Refused(format!("{name} cannot be read as text"))),
        }
    });
}

/// Open `file` in the editor's build of the page (`handoff`), which reads it.
#[cfg(not(feature = "editor"))]
pub fn read(file: web_sys::File, _dispatch: Callback<Msg>) {
    crate::handoff::give(crate::handoff::Handoff::File(file));
}

/// The file input's change: its first file.
pub fn picked(e: &Event, dispatch: Callback<Msg>) {
    let input = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
    if let Some(file) = input.as_ref().and_then(|i| i.files()).and_then(|f| f.get(0)) {
        read(file, dispatch);
    }
    // The same file picked again is a change too.
    if let Some(i) = input {
        i.set_value("");
    }
}

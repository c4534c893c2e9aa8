//! The wqsim page: pick a scenario and a variant, step through a run, watch the wait queues,
//! the wakeups and the moment a wakeup is lost. The URL holds the exact run and step.

mod predict;
mod session;
pub mod sweep;
mod view;

use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::{Interval, Timeout};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

pub use session::{Msg, Page, Session};
use view::board::{Banner, Lanes, Narration, Queues};
use view::chrome::{Controls, Gallery, Header};
use view::predict::PredictPanel;
use view::timeline::Timeline;

/// How long the page waits after a move before it writes the URL.
const URL_DELAY_MS: u32 = 120;

fn location_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Show `fragment` in the address bar without adding a history entry per step.
fn replace_hash(fragment: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{fragment}")));
    }
}

/// The page at start: the run the URL names, or the first scenario's default run.
fn initial() -> Page {
    let page = Page { speed_ms: 250, ..Page::default() };
    let hash = location_hash();
    let hash = hash.trim_start_matches('#');
    let page = Rc::new(page);
    let msg = if hash.is_empty() {
        Msg::Open(sim_core::library::scenarios()[0].id.clone())
    } else {
        Msg::LoadLink(hash.to_string())
    };
    Rc::try_unwrap(yew::Reducible::reduce(page, msg)).unwrap_or_default()
}

#[function_component(App)]
pub fn app() -> Html {
    let page = use_reducer(initial);
    let dispatch = {
        let page = page.clone();
        Callback::from(move |m: Msg| page.dispatch(m))
    };
    // The URL follows every move, once the moves pause: history.replaceState() costs a few
    // milliseconds (a quarter of a frame), and browsers throttle pages that call it per step.
    let fragment = page.session.as_ref().map(|s| s.link().encode());
    use_effect_with(fragment, |f| {
        let f = f.clone();
        let timer = f.map(|f| Timeout::new(URL_DELAY_MS, move || replace_hash(&f)));
        move || drop(timer)
    });
    // Keyboard: arrows step, space plays, Home and End jump.
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
                // Not passive: the page takes arrows and space from the browser's scrolling.
                let options = EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(&doc, "keydown", options, move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                    // Keys typed into a field or a picker are the field's.
                    let target = e.target();
                    let typing = |i: &web_sys::HtmlInputElement| !matches!(i.type_().as_str(), "checkbox" | "radio");
                    let in_field =
                        target.as_ref().and_then(|t| t.dyn_ref::<web_sys::HtmlInputElement>()).is_some_and(typing)
                            || target.as_ref().and_then(|t| t.dyn_ref::<web_sys::HtmlSelectElement>()).is_some();
                    if in_field {
                        return;
                    }
                    let msg = match e.key().as_str() {
                        "ArrowRight" => Msg::Forward,
                        "ArrowLeft" => Msg::Back,
                        "Home" => Msg::Start,
                        "End" => Msg::End,
                        " " => Msg::TogglePlay,
                        _ => return,
                    };
                    e.prevent_default();
                    dispatch.emit(msg);
                })
            });
            move || drop(listener)
        });
    }
    // A link pasted into the address bar of the open page (our own updates use replaceState,
    // which fires no hashchange).
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "hashchange", move |_| {
                    dispatch.emit(Msg::LoadLink(location_hash().trim_start_matches('#').to_string()));
                })
            });
            move || drop(listener)
        });
    }
    // Play: one step per tick.
    {
        let dispatch = dispatch.clone();
        use_effect_with((page.playing, page.speed_ms), move |&(playing, ms)| {
            let timer = playing.then(|| Interval::new(ms, move || dispatch.emit(Msg::Tick)));
            move || drop(timer)
        });
    }
    let notice = page.notice.as_ref().map(|n| html! { <div class="notice" role="alert" id="notice">{ n }</div> });
    match &page.session {
        Some(s) => html! {
            <main class="app">
                <Header session={s.clone()} dispatch={dispatch.clone()} />
                { for notice }
                <Banner session={s.clone()} dispatch={dispatch.clone()} />
                <div class="board">
                    <Lanes session={s.clone()} dispatch={dispatch.clone()} />
                    <Queues session={s.clone()} dispatch={dispatch.clone()} />
                </div>
                <Timeline rec={s.rec.clone()} cursor={s.cursor} dispatch={dispatch.clone()} />
                <Narration session={s.clone()} dispatch={dispatch.clone()} />
                // The question and the controls stay in view on a small (projector) screen.
                <div class="dock">
                    <PredictPanel predict={page.predict.clone()} dispatch={dispatch.clone()} />
                    <Controls cursor={s.cursor} steps={s.rec.steps()} playing={page.playing} speed_ms={page.speed_ms}
                        has_race={s.race_step().is_some()} predict={page.predict.on} dispatch={dispatch.clone()} />
                </div>
                <view::sweep::SweepPanel scenario={s.scenario.id.clone()} variant={s.variant().to_string()} mode={s.mode} params={s.params.clone()} dispatch={dispatch.clone()} />
            </main>
        },
        None => html! {
            <main class="app">
                <header class="bar"><span class="brand">{ "wqsim" }</span>
                    <span class="title">{ "Lost wakeups in the Linux wait-queue API, step by step" }</span></header>
                { for notice }
                <Gallery dispatch={dispatch.clone()} />
            </main>
        },
    }
}

pub fn run() {
    yew::Renderer::<App>::new().render();
}

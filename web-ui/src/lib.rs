//! The wqsim page: pick a scenario and a variant, step through a run, watch the wait queues,
//! the wakeups and the moment a wakeup is lost. The URL holds the exact run and step.

pub mod charts;
#[cfg(feature = "editor")]
mod editor;
#[cfg(not(feature = "editor"))]
mod fetch;
mod files;
mod handoff;
mod lesson;
mod predict;
pub mod prove;
mod session;
pub mod sweep;
mod view;

use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::{Interval, Timeout};
use handoff::Handoff;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

pub use session::{Msg, Page, Session, View};
use view::board::{Banner, Lanes, Narration, Queues};
use view::chrome::{Controls, Gallery, Header};
#[cfg(feature = "editor")]
use view::editor::EditorPanel;
use view::lesson::{LessonPanel, LessonPath};
use view::predict::PredictPanel;
use view::prove::ProvePanel;
use view::timeline::Timeline;

/// How long the page waits after a move before it writes the URL.
const URL_DELAY_MS: u32 = 120;

fn location_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

fn location_search() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// Show `url` (a query and a fragment) in the address bar without adding a history entry per
/// step.
fn replace_url(url: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

/// The address of the run on screen: this page's path, the view's query, the run's link.
pub fn page_url(view: &View, fragment: &str) -> String {
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    format!("{path}{}#{fragment}", view.query())
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The page at start: the run the URL names, or the lesson path at the first lesson not done.
fn initial() -> Page {
    let progress = storage()
        .and_then(|s| s.get_item(lesson::STORAGE_KEY).ok().flatten())
        .map(|t| lesson::Progress::decode(&t))
        .unwrap_or_default();
    let view = View::parse(&location_search());
    let page = Page { speed_ms: 250, progress, view: view.clone(), ..Page::default() };
    let hash = location_hash();
    let hash = hash.trim_start_matches('#');
    let page = Rc::new(page);
    let msg = match (hash.is_empty(), view.lesson) {
        (true, Some(i)) => Msg::Lesson(i),
        (true, None) => Msg::Lessons,
        (false, _) => Msg::LoadLink(hash.to_string()),
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
    let url = page.session.as_ref().map(|s| page_url(&page.view, &s.link().encode()));
    use_effect_with(url, |u| {
        let u = u.clone();
        let timer = u.map(|u| Timeout::new(URL_DELAY_MS, move || replace_url(&u)));
        move || drop(timer)
    });
    // Lesson progress is kept in the browser.
    use_effect_with(page.progress.clone(), |p| {
        if *p != lesson::Progress::default() {
            if let Some(s) = storage() {
                let _ = s.set_item(lesson::STORAGE_KEY, &p.encode());
            }
        }
    });
    // "Prove it": a worker runs while the page has a proof under way; a new proof, Stop or the
    // proof's end drops it, which terminates the worker.
    {
        let dispatch = dispatch.clone();
        use_effect_with(page.proof.job.clone(), move |job| {
            let runner = job.as_ref().map(|(id, target)| {
                let d = dispatch.clone();
                let heard = move |r: Result<prove::Report, String>| match r {
                    Ok(r) => d.emit(Msg::ProofHeard(r)),
                    Err(e) => d.emit(Msg::ProofFailed(e)),
                };
                prove::Runner::start(*id, prove::Task::Prove, target, heard)
                    .map_err(|e| dispatch.emit(Msg::ProofFailed(e)))
                    .ok()
            });
            move || drop(runner)
        });
    }
    // The shortest race, for a race made by hand: the same worker, asked for that search only.
    // A failed search leaves the race unscored.
    {
        let dispatch = dispatch.clone();
        use_effect_with(page.shortest.job.clone(), move |job| {
            let runner = job.as_ref().and_then(|target| {
                let (d, t) = (dispatch.clone(), target.clone());
                let heard = move |r: Result<prove::Report, String>| match r {
                    Ok(r) if r.done => d.emit(Msg::ShortestHeard(t.clone(), r.found.map(|f| f.steps))),
                    Ok(_) => {}
                    Err(_) => d.emit(Msg::ShortestHeard(t.clone(), None)),
                };
                prove::Runner::start(0, prove::Task::Shortest, target, heard).ok()
            });
            move || drop(runner)
        });
    }
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
                            || target.as_ref().and_then(|t| t.dyn_ref::<web_sys::HtmlSelectElement>()).is_some()
                            || target.as_ref().and_then(|t| t.dyn_ref::<web_sys::HtmlTextAreaElement>()).is_some();
                    if in_field {
                        return;
                    }
                    let msg = match e.key().as_str() {
                        "ArrowRight" => Msg::Forward,
                        "ArrowLeft" => Msg::Back,
                        "Home" => Msg::Start,
                        "End" => Msg::End,
                        " " => Msg::TogglePlay,
                        "p" | "P" if !e.ctrl_key() && !e.meta_key() && !e.alt_key() => Msg::TogglePresent,
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
    // The editor, a file or a carried link asked for: the editor's build takes this page's
    // place, at the run on screen (written now, not when the moves pause).
    #[cfg(not(feature = "editor"))]
    {
        let url = page.session.as_ref().map(|s| page_url(&page.view, &s.link().encode()));
        use_effect_with(page.handoff.clone(), move |h| {
            if let Some(h) = h.clone() {
                if let (Handoff::Edit, Some(u)) = (&h, url) {
                    replace_url(&u);
                }
                handoff::give(h);
            }
        });
    }
    // Started by the main page's handoff: do what it was asked to.
    #[cfg(feature = "editor")]
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| match handoff::take() {
            Some(Handoff::Edit) => dispatch.emit(Msg::Edit),
            Some(Handoff::New) => {
                dispatch.emit(Msg::Gallery);
                dispatch.emit(Msg::New);
            }
            Some(Handoff::File(file)) => files::read(file, dispatch),
            Some(Handoff::Link) | None => {}
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
    let v = &page.view;
    let class = classes!(
        "app",
        v.present.then_some("present"),
        v.embed.then_some("embed"),
        page.beside.is_some().then_some("compare")
    );
    let compact = v.present || v.embed;
    #[cfg(feature = "editor")]
    let editor =
        page.editor.open.then(|| html! { <EditorPanel editor={page.editor.clone()} dispatch={dispatch.clone()} /> });
    #[cfg(not(feature = "editor"))]
    let editor = None::<Html>;
    // A scenario file dropped anywhere on the page opens in the editor.
    let on_drop = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(file) = e.data_transfer().and_then(|t| t.files()).and_then(|f| f.get(0)) {
                files::read(file, dispatch.clone());
            }
        })
    };
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
    match &page.session {
        Some(s) => html! {
            // The run's trace hash, as `wqsim replay` prints it: the end-to-end tests compare them.
            <main class={class} ondrop={on_drop} ondragover={on_drag_over} data-trace-hash={format!("{:016x}", s.rec.trace_hash)}>
                <Header session={s.clone()} view={v.clone()} dispatch={dispatch.clone()} />
                { for notice }
                { for editor }
                if let Some(i) = v.lesson.filter(|_| !v.embed) {
                    <LessonPanel index={i} session={s.clone()} progress={page.progress.clone()} present={v.present} dispatch={dispatch.clone()} />
                }
                <Banner session={s.clone()} dispatch={dispatch.clone()} />
                if let Some(b) = &page.beside {
                    <view::compare::Compare session={s.clone()} beside={b.clone()} compact={compact} dispatch={dispatch.clone()} />
                } else {
                    <div class="board">
                        <Lanes session={s.clone()} compact={compact} dispatch={dispatch.clone()} />
                        <Queues session={s.clone()} dispatch={dispatch.clone()} />
                    </div>
                }
                <Timeline rec={s.rec.clone()} cursor={s.cursor} dispatch={dispatch.clone()} />
                <Narration session={s.clone()} dispatch={dispatch.clone()} />
                // The question and the controls stay in view on a small (projector) screen.
                <div class="dock">
                    <PredictPanel predict={page.predict.clone()} dispatch={dispatch.clone()} />
                    <Controls cursor={s.cursor} steps={s.rec.steps()} playing={page.playing} speed_ms={page.speed_ms}
                        predict={page.predict.on} present={v.present} dispatch={dispatch.clone()} />
                </div>
                if !v.embed {
                    <ProvePanel proof={page.proof.clone()} target={s.proof_target()} dispatch={dispatch.clone()} />
                }
                if !compact {
                    <view::sweep::SweepPanel scenario={s.scenario.clone()} variant={s.variant().to_string()} mode={s.mode} params={s.params.clone()} dispatch={dispatch.clone()} />
                }
            </main>
        },
        None => html! {
            <main class="app" ondrop={on_drop} ondragover={on_drag_over}>
                <header class="bar"><span class="brand">{ "wqsim" }</span>
                    <span class="title">{ "Lost wakeups in the Linux wait-queue API, step by step" }</span></header>
                { for notice }
                { for editor }
                <LessonPath progress={page.progress.clone()} dispatch={dispatch.clone()} />
                <Gallery dispatch={dispatch.clone()} />
            </main>
        },
    }
}

/// Start the page (the editor's build, whose scenario files are compiled in).
#[cfg(feature = "editor")]
pub fn run() {
    yew::Renderer::<App>::new().render();
}

/// Start the page once its scenario files are fetched, or say in one line why it cannot.
#[cfg(not(feature = "editor"))]
pub fn run() {
    wasm_bindgen_futures::spawn_local(async {
        match fetch::scenarios().await {
            Ok(texts) => {
                sim_core::library::provide(texts);
                handoff::keep(yew::Renderer::<App>::new().render());
            }
            Err(why) => {
                if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
                    body.set_text_content(Some(&format!("wqsim cannot start: a scenario file is missing ({why}).")));
                }
            }
        }
    });
}

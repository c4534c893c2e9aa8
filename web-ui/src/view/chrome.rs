//! The header (scenario, variant, strategy, seed), the step controls, and the gallery.

use sim_core::kernel::memory::Memory;
use sim_core::lang::header::Bound;
use sim_core::library;
use sim_core::limits::MAX_LINK_CHARS;
use sim_core::share::ScenarioRef;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use std::rc::Rc;

use crate::session::{Mode, Msg, Session, View};

/// The picked value. The picker then gives the keyboard back to the page: arrows step the run
/// again instead of picking another option.
fn select_value(e: &Event) -> String {
    let select = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok());
    select
        .map(|s| {
            let _ = s.blur();
            s.value()
        })
        .unwrap_or_default()
}

fn input_value(e: &Event) -> String {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).map(|s| s.value()).unwrap_or_default()
}

#[derive(Properties)]
pub struct HeaderProps {
    pub session: Rc<Session>,
    pub view: View,
    pub dispatch: Callback<Msg>,
}

impl PartialEq for HeaderProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session) && self.view == other.view
    }
}

/// This page's address, with `view`'s query and the run's link.
fn full_url(view: &View, fragment: &str) -> String {
    let Some(window) = web_sys::window() else { return String::new() };
    let location = window.location();
    let page = format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default());
    format!("{page}{}#{fragment}", view.query())
}

/// What a lecturer pastes into a course page: the run in an iframe, in the compact layout.
pub fn embed_snippet(url: &str, title: &str) -> String {
    let title = title.replace('"', "&quot;");
    format!(
        "<iframe src=\"{url}\" width=\"960\" height=\"600\" style=\"border:1px solid #ccc\" \
         title=\"wqsim: {title}\" loading=\"lazy\"></iframe>"
    )
}

#[function_component(Header)]
pub fn header(p: &HeaderProps) -> Html {
    let s = &p.session;
    let view = &p.view;
    let d = p.dispatch.clone();
    let on_scenario = Callback::from(move |e: Event| {
        let id = select_value(&e);
        // The empty value is the scenario on screen when it is not built in.
        if !id.is_empty() {
            d.emit(Msg::Open(id))
        }
    });
    let d = p.dispatch.clone();
    let on_variant = Callback::from(move |e: Event| d.emit(Msg::Variant(select_value(&e))));
    let d = p.dispatch.clone();
    let on_mode = Callback::from(move |e: Event| d.emit(Msg::Mode(select_value(&e))));
    let d = p.dispatch.clone();
    let on_memory = Callback::from(move |e: Event| d.emit(Msg::Memory(select_value(&e))));
    let d = p.dispatch.clone();
    let on_seed = Callback::from(move |e: Event| {
        if let Ok(seed) = input_value(&e).trim().parse() {
            d.emit(Msg::Seed(seed));
        }
    });
    let d = p.dispatch.clone();
    let home = Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        d.emit(Msg::Gallery)
    });
    let d = p.dispatch.clone();
    let lessons = Callback::from(move |_| d.emit(Msg::Lessons));
    let d = p.dispatch.clone();
    let present = Callback::from(move |_| d.emit(Msg::TogglePresent));
    let d = p.dispatch.clone();
    let compare = Callback::from(move |_| d.emit(Msg::ToggleCompare));
    // "share link": the whole URL of this run and step, copied and shown until the next move;
    // or, when it is too long for a URL, its length.
    let shared = use_state(|| None::<Result<String, usize>>);
    let embed = use_state(|| false);
    let fragment = s.link().encode();
    {
        let (shared, embed) = (shared.clone(), embed.clone());
        // Only when shown: a set state draws the header again, on every step.
        use_effect_with(fragment.clone(), move |_| {
            if shared.is_some() {
                shared.set(None);
            }
            if *embed {
                embed.set(false);
            }
        });
    }
    if view.embed {
        // The compact header of an embedded run: its title, and the full page in a new tab.
        let full = full_url(&View { embed: false, ..view.clone() }, &fragment);
        return html! {
            <header class="bar">
                <a class="brand" href={full} target="_blank" rel="noopener" title="open this run in the full page">{ "wqsim ↗" }</a>
                <span class="title">{ &s.scenario.title }</span>
            </header>
        };
    }
    let on_embed = {
        let embed = embed.clone();
        Callback::from(move |_| embed.set(!*embed))
    };
    let snippet = embed_snippet(
        &full_url(&View { embed: true, present: false, lesson: None, ..view.clone() }, &fragment),
        &s.scenario.title,
    );
    let on_share = {
        let shared = shared.clone();
        let view = view.clone();
        Callback::from(move |_| {
            let Some(window) = web_sys::window() else { return };
            if fragment.len() > MAX_LINK_CHARS {
                return shared.set(Some(Err(fragment.len())));
            }
            let url = full_url(&view, &fragment);
            // Where the clipboard is refused (no secure context, no permission), the field below
            // shows the link; the refusal is awaited so that it is not an uncaught rejection.
            let copied = wasm_bindgen_futures::JsFuture::from(window.navigator().clipboard().write_text(&url));
            wasm_bindgen_futures::spawn_local(async move {
                let _ = copied.await;
            });
            shared.set(Some(Ok(url)));
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
            input.select();
        }
    });
    let select_all_text = Callback::from(|e: FocusEvent| {
        if let Some(area) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
            area.select();
        }
    });
    html! {
        <header class="bar">
            <a class="brand" href="#" onclick={home} title="all scenarios">{ "wqsim" }</a>
            <nav class="views" aria-label="views">
                <button id="lessons" onclick={lessons} title="the lesson path">{ "lessons" }</button>
                <button id="edit" onclick={{ let d = p.dispatch.clone(); Callback::from(move |_| d.emit(Msg::Edit)) }}
                    title="this scenario's file: change it and run it">{ "edit" }</button>
                <button id="gallery" onclick={{ let d = p.dispatch.clone(); Callback::from(move |_| d.emit(Msg::Gallery)) }} title="every scenario and its story">{ "all scenarios" }</button>
                <button id="present" aria-pressed={view.present.to_string()} onclick={present}
                    title="presentation mode: the whole race on one screen (P)">{ if view.present { "leave presentation (P)" } else { "present (P)" } }</button>
                if s.other_variant().is_some() {
                    <button id="compare" aria-pressed={view.compare.to_string()} onclick={compare}
                        title="the other variant on the same schedule, side by side">{ if view.compare { "one variant" } else { "fix beside bug" } }</button>
                }
            </nav>
            <label>{ "scenario " }
                <select id="scenario" aria-label="scenario" onchange={on_scenario}>
                if matches!(s.scenario.named, ScenarioRef::Carried(_)) {
                    <option value="" selected=true>{ format!("{} (yours)", s.scenario.id) }</option>
                }
                { for library::scenarios().iter().map(|sc| html! {
                    <option value={sc.id.clone()} selected={sc.id == s.scenario.id}>{ &sc.id }</option>
                }) }
                </select>
            </label>
            <label>{ "variant " }
                <select id="variant" aria-label="variant" onchange={on_variant}>
                { for s.scenario.variants.iter().map(|v| html! {
                    <option value={v.id.clone()} selected={v.id == s.variant()} title={v.about.clone()}>{ &v.label }</option>
                }) }
                </select>
            </label>
            <label>{ "strategy " }
                <select id="strategy" aria-label="strategy" onchange={on_mode}>
                { for Mode::ALL.iter().map(|(m, id, label)| html! {
                    <option value={*id} selected={*m == s.mode}>{ *label }</option>
                }) }
                </select>
            </label>
            <label title="the same schedule under sequential consistency or x86-TSO's store buffers">{ "memory " }
                <select id="memory" aria-label="memory model" onchange={on_memory}>
                { for Memory::ALL.iter().map(|m| html! {
                    <option value={m.id()} selected={*m == s.rec.spec.memory}>{ m.label() }</option>
                }) }
                </select>
            </label>
            if s.mode != Mode::Manual {
                <label>{ "seed " }
                    <input id="seed" aria-label="seed" type="number" min="0" value={s.seed.to_string()} onchange={on_seed} />
                </label>
            }
            { for s.scenario.params.iter().map(|def| {
                let d = p.dispatch.clone();
                let name = def.name.clone();
                let value = s.rec.spec.params.get(&name).map_or(def.min, |&v| i64::from(v));
                // A bound by another parameter (`signals` at most `lockers`) is that one's value.
                let max = match &def.max {
                    Bound::Value(m) => *m,
                    Bound::Param(q) => s.rec.spec.params.get(q).map_or(def.min, |&v| i64::from(v)),
                };
                let event_name = name.clone();
                let on_change = Callback::from(move |e: Event| {
                    if let Ok(v) = input_value(&e).trim().parse() {
                        d.emit(Msg::Param(event_name.clone(), v));
                    }
                });
                html! {
                    <label title={def.about.clone()}>{ format!("{name} ") }
                        <input class="param" id={format!("param-{name}")} aria-label={name.clone()} type="number"
                            min={def.min.to_string()} max={max.to_string()} value={value.to_string()} onchange={on_change} />
                    </label>
                }
            }) }
            <button id="share" onclick={on_share} title="copy a link to this run at this step">{ "share link" }</button>
            <button id="embed" aria-expanded={(*embed).to_string()} onclick={on_embed} title="HTML to put this run on a course page">{ "embed" }</button>
            { match &*shared {
                Some(Ok(url)) => html! {
                    <label class="shared">{ "copied: " }
                        <input id="share-url" readonly=true value={url.clone()} aria-label="link to this run at this step" onfocus={select_all.clone()} />
                    </label>
                },
                Some(Err(len)) => html! {
                    <span class="shared" id="share-too-long">
                        { format!("This scenario makes a link of {len} characters, over the {MAX_LINK_CHARS} a link may have. Share the file instead: ") }
                        <a id="share-download" href={download_href(&s.scenario.text)} download={format!("{}.toml", s.scenario.id)}>{ "download it" }</a>
                        { " (it opens with \"open a file\" or by dropping it on the page)." }
                    </span>
                },
                None => html! {},
            } }
            if *embed {
                <label class="shared embed-code">{ "paste into a course page: " }
                    <textarea id="embed-code" readonly=true rows="3" value={snippet} aria-label="HTML that embeds this run" onfocus={select_all_text} />
                </label>
            }
            <span class="title">{ &s.scenario.title }</span>
        </header>
    }
}

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub cursor: usize,
    pub steps: usize,
    pub playing: bool,
    pub speed_ms: u32,
    /// Predict mode is on.
    pub predict: bool,
    /// Presentation mode: large buttons, no speed slider.
    pub present: bool,
    pub dispatch: Callback<Msg>,
}

#[function_component(Controls)]
pub fn controls(p: &ControlsProps) -> Html {
    let button = |label: &'static str, title: &'static str, msg: fn() -> Msg, disabled: bool| {
        let d = p.dispatch.clone();
        html! { <button aria-label={title} title={title} disabled={disabled} onclick={Callback::from(move |_| d.emit(msg()))}>{ label }</button> }
    };
    let d = p.dispatch.clone();
    let on_speed = Callback::from(move |e: Event| {
        if let Ok(v) = input_value(&e).parse::<u32>() {
            d.emit(Msg::Speed(1000 / v.max(1)));
        }
    });
    let (first, last) = (p.cursor == 0, p.cursor >= p.steps);
    html! {
        <nav class="controls" aria-label="step controls">
            { button("|◀", "to the start (Home)", || Msg::Start, first) }
            { button("◀", "step back (←)", || Msg::Back, first) }
            { button("▶", "step forward (→)", || Msg::Forward, last) }
            { button("▶|", "to the end (End)", || Msg::End, last) }
            { button(if p.playing { "pause" } else { "play" }, "play or pause (space)", || Msg::TogglePlay, false) }
            if !p.present {
                <label>{ "speed " }
                    <input type="range" min="1" max="20" value={(1000 / p.speed_ms.max(1)).to_string()} aria-label="steps per second" onchange={on_speed} />
                </label>
            }
            <label title="stop before each wakeup and guess whom it wakes">
                <input id="predict" type="checkbox" checked={p.predict} onchange={{ let d = p.dispatch.clone(); Callback::from(move |_| d.emit(Msg::TogglePredict)) }} />
                { " predict wakeups" }
            </label>
            <span class="stepno" id="step">{ format!("step {} / {}", p.cursor, p.steps) }</span>
        </nav>
    }
}

/// A scenario file as a link to download: its text in a `data:` URL.
pub fn download_href(text: &str) -> String {
    format!("data:application/toml;charset=utf-8,{}", js_sys::encode_uri_component(text))
}

#[derive(Properties, PartialEq)]
pub struct GalleryProps {
    pub dispatch: Callback<Msg>,
}

/// Every scenario, with its story and a button to open it.
#[function_component(Gallery)]
pub fn gallery(p: &GalleryProps) -> Html {
    let d = p.dispatch.clone();
    let on_file = Callback::from(move |e: Event| crate::files::picked(&e, d.clone()));
    html! {
        <section class="gallery" aria-label="scenarios">
            <h2 class="gallery-title">{ "Every scenario" }</h2>
            <p class="own">
                <button id="new-scenario" onclick={{ let d = p.dispatch.clone(); Callback::from(move |_| d.emit(Msg::New)) }}>{ "write a new scenario" }</button>
                <label class="button">{ "open a file" }
                    <input id="open-file" type="file" accept=".toml,text/plain" onchange={on_file} />
                </label>
                <span class="muted">{ " or drop a scenario file on the page" }</span>
            </p>
        { for library::scenarios().iter().map(|s| {
            let d = p.dispatch.clone();
            let id = s.id.clone();
            html! {
                <article class="card" data-scenario={s.id.clone()}>
                    <h2>{ &s.title }</h2>
                    <p class="about">{ &s.description }</p>
                    <ul class="variants">{ for s.variants.iter().map(|v| html! { <li>{ &v.label }</li> }) }</ul>
                    <button class="open" onclick={Callback::from(move |_| d.emit(Msg::Open(id.clone())))}>{ "open" }</button>
                </article>
            }
        }) }
        </section>
    }
}

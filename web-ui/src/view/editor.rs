//! The scenario editor: a textarea over a drawing of the same text with line numbers, colours
//! and the mistakes underlined (a textarea cannot colour its text). The textarea grows with the
//! text, so the panel scrolls both together. Every piece of the text is a text node: what a
//! scenario holds is never read as HTML.

use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::chrome::download_href;
use crate::editor::{highlight, run, Editor, Problem};
use crate::session::Msg;

/// The check waits for typing to pause this long.
const CHECK_DELAY_MS: u32 = 300;

#[derive(Properties)]
pub struct EditorProps {
    pub editor: Editor,
    pub dispatch: Callback<Msg>,
}

/// The dispatch callback is a new closure on every render of the App, but it always reaches the
/// same page, so it is left out.
impl PartialEq for EditorProps {
    fn eq(&self, other: &Self) -> bool {
        self.editor == other.editor
    }
}

#[function_component(EditorPanel)]
pub fn editor_panel(p: &EditorProps) -> Html {
    let editor = &p.editor;
    {
        let d = p.dispatch.clone();
        let unchecked = editor.problems.is_none();
        use_effect_with((editor.text.clone(), unchecked), move |&(_, unchecked)| {
            let timer = unchecked.then(|| Timeout::new(CHECK_DELAY_MS, move || d.emit(Msg::CheckEdit)));
            move || drop(timer)
        });
    }
    let d = p.dispatch.clone();
    let on_input = Callback::from(move |e: InputEvent| {
        if let Some(area) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) {
            d.emit(Msg::Type(area.value()));
        }
    });
    let text = &editor.text;
    let lines = highlight(text);
    let problems: &[Problem] = editor.problems.as_deref().unwrap_or_default();
    let widest = text.split('\n').map(|l| l.chars().count()).max().unwrap_or(0);
    let state = match &editor.problems {
        None => "checking",
        Some(p) if p.is_empty() => "ok",
        Some(_) => "errors",
    };
    html! {
        <section class="editor" id="editor" aria-label="scenario editor" data-state={state}>
            <div class="editor-bar">
                <strong>{ "Scenario file" }</strong>
                <button id="editor-run" class="primary" disabled={state == "errors"}
                    onclick={{ let (d, text) = (p.dispatch.clone(), text.clone()); Callback::from(move |_| run(text.clone(), d.clone())) }}>{ "run" }</button>
                <a id="editor-download" class="button" href={download_href(text)} download={editor.file_name.to_string()}>{ "download" }</a>
                <button id="editor-close" onclick={{ let d = p.dispatch.clone(); Callback::from(move |_| d.emit(Msg::CloseEditor)) }}>{ "close" }</button>
                <span class="editor-state">{ match state { "checking" => "checking…", "ok" => "no mistakes", _ => "mistakes below" } }</span>
            </div>
            <div class="editor-scroll">
                <div class="gutter" aria-hidden="true">
                    { for (1..=lines.len()).map(|n| html! { <div>{ n }</div> }) }
                </div>
                <div class="code" style={format!("width: {}ch", widest + 2)}>
                    <pre class="hl" aria-hidden="true">
                        { for lines.iter().map(|pieces| html! {
                            <div>{ for pieces.iter().map(|&(kind, s)| html! { <span class={kind.class()}>{ s }</span> }) }</div>
                        }) }
                    </pre>
                    <pre class="squiggles" aria-hidden="true">
                        { for text.split('\n').enumerate().map(|(i, line)| squiggle_line(line, i + 1, problems)) }
                    </pre>
                    <textarea id="editor-text" spellcheck="false" autocomplete="off" wrap="off" aria-label="scenario file"
                        rows={lines.len().to_string()} value={text.to_string()} oninput={on_input} />
                </div>
            </div>
            <ul class="problems" id="editor-problems">
                { for problems.iter().map(|x| {
                    let (line, col) = x.place.map_or((0, 0), |pl| (pl.line, pl.col));
                    html! {
                        <li class="problem" data-line={line.to_string()} data-col={col.to_string()}>
                            if line > 0 { <span class="at">{ format!("{line}:{col}") }</span>{ " " } }
                            <span class="message">{ &x.message }</span>
                            if let Some(h) = &x.help { <span class="help">{ format!(" ({h})") }</span> }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

/// Line `n`'s text, invisible, with the mistakes that start on it underlined: from their column
/// to their end on that line (at least one character).
fn squiggle_line(line: &str, n: usize, problems: &[Problem]) -> Html {
    let chars: Vec<char> = line.chars().collect();
    let mut marked = vec![None; chars.len() + 1];
    for x in problems {
        let Some(pl) = x.place.filter(|pl| pl.line == n) else { continue };
        let from = (pl.col - 1).min(chars.len());
        let to = if pl.end_line == n { (pl.end_col - 1).clamp(from + 1, chars.len() + 1) } else { chars.len() + 1 };
        for m in &mut marked[from..to] {
            m.get_or_insert(x.message.as_str());
        }
    }
    // Runs of the same mark; one space past the end shows a mistake at the end of the line.
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < marked.len() {
        let j = (i..marked.len()).find(|&j| marked[j] != marked[i]).unwrap_or(marked.len());
        let s: String = (i..j).map(|k| chars.get(k).copied().unwrap_or(' ')).collect();
        pieces.push(match marked[i] {
            Some(message) => html! { <span class="squiggle" title={message.to_string()}>{ s }</span> },
            None => html! { { s } },
        });
        i = j;
    }
    html! { <div>{ for pieces }</div> }
}

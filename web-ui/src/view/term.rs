//! Kernel terms with their definitions: a term of sim-core's glossary, wherever it appears in
//! text the page shows, is shown with its two-line definition on hover, focus or tap.

use sim_core::glossary;
use yew::prelude::*;

/// `text` with each glossary term marked. `focusable` terms take the keyboard focus (and so a
/// tap): used in the narration and the wait queues, not in listings, where every line would
/// add stops to the tab order.
pub fn terms(text: &str, focusable: bool) -> Html {
    html! {
        <>{ for glossary::split(text).into_iter().map(|(piece, term)| match term {
            Some(t) => term_html(piece, t.means, focusable),
            None => html! { { piece.to_string() } },
        }) }</>
    }
}

/// One term, `shown` as written, with its definition.
pub fn term(shown: &str, word: &str) -> Html {
    match glossary::lookup(word) {
        Some(t) => term_html(shown, t.means, true),
        None => html! { { shown.to_string() } },
    }
}

fn term_html(shown: &str, means: &'static str, focusable: bool) -> Html {
    html! {
        <span class="term" tabindex={focusable.then_some("0")}>{ shown.to_string() }
            <span class="def" role="tooltip">{ means }</span>
        </span>
    }
}

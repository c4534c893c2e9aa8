//! The predict panel: the question about the next wakeup, the answer buttons, the feedback and
//! the score.

use yew::prelude::*;

use crate::predict::Predict;
use crate::session::Msg;

#[derive(Properties, PartialEq)]
pub struct PredictProps {
    pub predict: Predict,
    pub dispatch: Callback<Msg>,
}

#[function_component(PredictPanel)]
pub fn predict_panel(p: &PredictProps) -> Html {
    let pr = &p.predict;
    if !pr.on {
        return html! {};
    }
    let score =
        (pr.asked > 0).then(|| html! { <span class="score">{ format!("{} of {} right", pr.right, pr.asked) }</span> });
    html! {
        <section class="predict" aria-label="predict the next wakeup" aria-live="polite">
            if let Some(q) = &pr.question {
                <p class="prompt"><strong>{ "Predict: " }</strong>{ &q.prompt }</p>
                <div class="answers">
                { for q.options.iter().map(|(label, pick)| {
                    let d = p.dispatch.clone();
                    let pick = *pick;
                    html! { <button class="answer" onclick={Callback::from(move |_| d.emit(Msg::Answer(pick)))}>{ label }</button> }
                }) }
                </div>
            } else if let Some((right, text)) = &pr.feedback {
                <p class={classes!("feedback", if *right { "right" } else { "wrong" })}>{ text }</p>
            } else {
                <p class="idle">{ "Predict mode: stepping forward stops before each wakeup and asks whom it will wake." }</p>
            }
            { for score }
        </section>
    }
}

//! The fix beside the bug: the run on screen and the other variant on the same schedule, at the
//! same step, side by side, with the first step where they differ and why (computed by the
//! reducer from the two recordings).

use std::rc::Rc;

use sim_core::Verdict;
use yew::prelude::*;

use crate::session::{Beside, Msg, Session};
use crate::view::board::{Lanes, Queues};

#[derive(Properties)]
pub struct CompareProps {
    pub session: Rc<Session>,
    pub beside: Rc<Beside>,
    pub compact: bool,
    pub dispatch: Callback<Msg>,
}

impl PartialEq for CompareProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.session, &o.session) && Rc::ptr_eq(&self.beside, &o.beside) && self.compact == o.compact
    }
}

/// A side's heading: its variant, and how its run ends.
fn heading(s: &Session) -> Html {
    let label = s.scenario.variant(s.variant()).map_or(s.variant().to_string(), |v| v.label.clone());
    let end = match &s.rec.verdict {
        Some(Verdict::LostWakeup(l)) => {
            format!("loses a wakeup at step {}: {} sleeps forever", l.lost_at_step, l.waiter)
        }
        Some(Verdict::Finished { .. }) => format!("finishes in {} steps: no wakeup lost", s.rec.steps()),
        Some(Verdict::Deadlock { .. }) => "ends in a deadlock".into(),
        Some(Verdict::StepLimit { limit }) => format!("stops at the step limit ({limit})"),
        None => format!("{} steps so far", s.rec.steps()),
    };
    html! { <h2 class="side-title"><span class="variant">{ label }</span><span class="end">{ end }</span></h2> }
}

#[function_component(Compare)]
pub fn compare(p: &CompareProps) -> Html {
    let (s, b) = (&p.session, &p.beside);
    let differ = b.differ.as_ref().map(|(step, why)| {
        let d = p.dispatch.clone();
        let step = *step;
        let here = p.session.cursor == step;
        html! {
            <p class={classes!("differ", here.then_some("here"))} id="differ">
                <strong>{ format!("First difference: step {step}. ") }</strong>{ why }
                if !here { <button onclick={Callback::from(move |_| d.emit(Msg::Go(step)))}>{ format!("go to step {step}") }</button> }
            </p>
        }
    });
    let ran_past = b.session.cursor < p.session.cursor;
    html! {
        <section class="compare-view" aria-label="the two variants side by side">
            { differ.unwrap_or_else(|| html! { <p class="differ" id="differ">{ "The two variants take the same steps on this schedule." }</p> }) }
            <div class="sides">
                <div class="side" data-variant={s.variant().to_string()}>
                    { heading(s) }
                    <Lanes session={s.clone()} compact={p.compact} dispatch={p.dispatch.clone()} />
                    <Queues session={s.clone()} dispatch={p.dispatch.clone()} />
                </div>
                <div class="side" data-variant={b.session.variant().to_string()}>
                    { heading(&b.session) }
                    if ran_past { <p class="ended">{ format!("This run ended at step {}.", b.session.rec.steps()) }</p> }
                    <Lanes session={b.session.clone()} compact={p.compact} readonly=true dispatch={p.dispatch.clone()} />
                    <Queues session={b.session.clone()} dispatch={p.dispatch.clone()} />
                </div>
            </div>
        </section>
    }
}

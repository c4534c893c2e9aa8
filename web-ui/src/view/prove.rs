//! "Prove it": a button that explores every schedule of the run's scenario, variant and
//! parameters in a web worker, the live count, Stop, and the outcome (the state is the
//! reducer's `Proof`; the App runs the worker).

use yew::prelude::*;

use crate::session::{Msg, Proof};
use sim_core::describe::thousands;

#[derive(Properties, PartialEq)]
pub struct ProveProps {
    pub proof: Proof,
    /// What a proof of the run on screen would explore (`Session::proof_target`).
    pub target: String,
    pub dispatch: Callback<Msg>,
}

fn rate(r: &crate::prove::Report) -> String {
    r.rate().map_or(String::new(), |v| format!(", {} states/s", thousands(v as u64)))
}

#[function_component(ProvePanel)]
pub fn prove_panel(p: &ProveProps) -> Html {
    let pr = &p.proof;
    let ours = pr.target == p.target;
    let d = p.dispatch.clone();
    let start = Callback::from(move |_| d.emit(Msg::Prove));
    let d = p.dispatch.clone();
    let stop = Callback::from(move |_| d.emit(Msg::StopProof));
    let d = p.dispatch.clone();
    let open = Callback::from(move |_| d.emit(Msg::OpenCounterexample));
    let running = ours && pr.job.is_some();
    let status = pr.heard.as_ref().filter(|_| ours).map(|r| {
        let states = thousands(r.states);
        let secs = r.ms / 1000.0;
        let (state, text) = match (&r.error, &r.found, r.done) {
            (Some(e), ..) => ("failed", format!("The proof could not run: {e}")),
            (None, _, false) if pr.stopped => ("stopped", format!("Stopped after {states} states: incomplete, nothing proved.")),
            (None, _, false) if r.phase == "shortest" => {
                ("running", format!("A lost wakeup exists; looking for the shortest: {states} states{}", rate(r)))
            }
            (None, _, false) => ("running", format!("Exploring every schedule: {states} states{}", rate(r))),
            (None, Some(f), true) => (
                "found",
                format!(
                    "{}: a {} counterexample of {} steps ({states} states explored in {secs:.1} s).",
                    f.kind,
                    if f.shortest { "shortest" } else { "" },
                    f.steps
                ),
            ),
            (None, None, true) if r.complete => (
                "proved",
                format!("complete: no lost wakeup in {states} states ({secs:.1} s{}).", rate(r)),
            ),
            (None, None, true) => (
                "incomplete",
                format!("INCOMPLETE: stopped at the limit of {states} states; nothing proved."),
            ),
        };
        html! {
            <p id="prove-status" class={classes!("prove-status", state)} data-state={state} data-states={r.states.to_string()} data-ms={format!("{:.0}", r.ms)}
                role="status">{ text }
                if r.found.is_some() && r.done { <button id="prove-open" onclick={open}>{ "open it in the page" }</button> }
            </p>
        }
    });
    html! {
        <section class="prove" aria-label="prove it">
            if running {
                <button id="prove-stop" onclick={stop}>{ "stop" }</button>
            } else {
                <button id="prove" class="primary" onclick={start}>{ "Prove it" }</button>
            }
            <span class="prove-about">{ format!("Explore every schedule of {} (as wqsim explore), in a web worker.",
                if ours && !pr.label.is_empty() { pr.label.clone() } else { "this variant with these parameters".into() }) }</span>
            if running && status.is_none() { <p id="prove-status" class="prove-status running" data-state="starting" role="status">{ "Starting the explorer…" }</p> }
            { for status }
        </section>
    }
}

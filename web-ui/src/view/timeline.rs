//! The timeline: one lane per CPU and one for signals, a mark per step, the lost wakeup in red;
//! click a mark or drag the scrubber to go there. The marks depend only on the recording, so
//! they are drawn once per run, not once per step.

use std::rc::Rc;

use sim_core::effect::Effect;
use sim_core::recording::Recording;
use sim_core::{Choice, Verdict};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::session::Msg;

const STEP_W: usize = 9;
const LANE_H: usize = 18;

#[derive(Properties)]
pub struct MarksProps {
    pub rec: Rc<Recording>,
    pub dispatch: Callback<Msg>,
}

impl PartialEq for MarksProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.rec, &other.rec)
    }
}

#[function_component(Marks)]
fn marks(p: &MarksProps) -> Html {
    let rec = &p.rec;
    let lanes = rec.spec.tasks.len() + 1;
    let lost = match &rec.verdict {
        Some(Verdict::LostWakeup(l)) => Some(l.lost_at_step as usize),
        _ => None,
    };
    html! {
        <g>
        { for rec.events.iter().enumerate().map(|(i, e)| {
            let lane = match e.choice { Choice::Step(t) => t.index(), Choice::Signal(_) => lanes - 1 };
            let wake = e.effects.iter().any(|f| matches!(f, Effect::WakeBegin { .. }));
            let class = if lost == Some(i + 1) { "mark lost" } else if wake { "mark wake" } else if matches!(e.choice, Choice::Signal(_)) { "mark sig" } else { "mark" };
            let d = p.dispatch.clone();
            html! {
                <rect class={class} x={((i + 1) * STEP_W).to_string()} y={(lane * LANE_H + 3).to_string()}
                    width={(STEP_W - 2).to_string()} height={(LANE_H - 6).to_string()}
                    onclick={Callback::from(move |_| d.emit(Msg::Go(i + 1)))}>
                    <title>{ format!("step {}", i + 1) }</title>
                </rect>
            }
        }) }
        </g>
    }
}

#[derive(Properties)]
pub struct TimelineProps {
    pub rec: Rc<Recording>,
    pub cursor: usize,
    pub dispatch: Callback<Msg>,
}

impl PartialEq for TimelineProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.rec, &other.rec) && self.cursor == other.cursor
    }
}

#[function_component(Timeline)]
pub fn timeline(p: &TimelineProps) -> Html {
    let rec = &p.rec;
    let lanes = rec.spec.tasks.len() + 1;
    let width = (rec.steps() + 2) * STEP_W;
    let height = lanes * LANE_H;
    let d = p.dispatch.clone();
    let on_scrub = Callback::from(move |e: InputEvent| {
        let v = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).and_then(|i| i.value().parse().ok());
        if let Some(step) = v {
            d.emit(Msg::Go(step));
        }
    });
    html! {
        <section class="timeline" aria-label="timeline">
            <div class="lanes-names">
                { for rec.spec.tasks.iter().enumerate().map(|(i, t)| html! { <div>{ format!("CPU{i} {}", t.name) }</div> }) }
                <div>{ "signals" }</div>
            </div>
            <div class="scroll">
                <svg width={width.to_string()} height={height.to_string()} role="img" aria-label="one mark per step, by CPU">
                    { for (0..lanes).map(|l| html! { <line class="lane-line" x1="0" x2={width.to_string()}
                        y1={(l * LANE_H + LANE_H / 2).to_string()} y2={(l * LANE_H + LANE_H / 2).to_string()} /> }) }
                    <Marks rec={rec.clone()} dispatch={p.dispatch.clone()} />
                    <line class="cursor" x1={(p.cursor * STEP_W + STEP_W / 2).to_string()} x2={(p.cursor * STEP_W + STEP_W / 2).to_string()}
                        y1="0" y2={height.to_string()} />
                </svg>
            </div>
            <input class="scrubber" type="range" min="0" max={rec.steps().to_string()} value={p.cursor.to_string()}
                aria-label="scrub through the steps" oninput={on_scrub} />
        </section>
    }
}

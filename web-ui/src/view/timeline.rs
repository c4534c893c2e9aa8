//! The timeline: one lane per CPU and one for signals, a mark per step, an arrow per wakeup
//! from the waker's lane to the woken task's, the lost wakeup in red; click a step's column or
//! drag the scrubber to go there.
//!
//! The marks depend only on the recording, so they are drawn once per run, and as one SVG path
//! per kind of mark rather than an element per step: a long run has 10^4 steps, and 10^4
//! elements made every step's style and paint cost more than a frame. The cursor is a div
//! moved by a transform, so a step repaints none of the marks.

use std::fmt::Write;
use std::rc::Rc;

use sim_core::effect::Effect;
use sim_core::recording::Recording;
use sim_core::{Choice, Verdict};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::session::Msg;

const LANE_H: usize = 20;
const MARK_H: usize = LANE_H - 6;

/// Pixels per step: wide marks for a short run (a lesson's run fits the screen), narrow ones
/// for a long run (scrolled).
fn step_width(steps: usize) -> usize {
    (1000 / (steps + 2)).clamp(9, 24)
}

/// The kinds of mark, each drawn as one path with its own CSS class.
#[derive(Clone, Copy)]
enum Kind {
    Step,
    /// The step walked a wait queue and woke someone.
    Wake,
    /// The step walked a wait queue and woke nobody.
    WokeNobody,
    Signal,
    Lost,
}

impl Kind {
    const ALL: [(Kind, &'static str); 5] = [
        (Kind::Step, "mark"),
        (Kind::Wake, "mark wake"),
        (Kind::WokeNobody, "mark nobody"),
        (Kind::Signal, "mark sig"),
        (Kind::Lost, "mark lost"),
    ];
}

fn lane_mid(lane: usize) -> usize {
    lane * LANE_H + LANE_H / 2
}

/// The path data of every kind of mark, and of the wakeup arrows.
fn paths(rec: &Recording) -> ([String; 5], String) {
    let step_w = step_width(rec.steps());
    let mark_w = step_w - 2;
    let signals = rec.spec.tasks.len();
    let lost = match &rec.verdict {
        Some(Verdict::LostWakeup(l)) => Some(l.lost_at_step as usize),
        _ => None,
    };
    let mut marks: [String; 5] = Default::default();
    let mut arrows = String::new();
    for (i, e) in rec.events.iter().enumerate() {
        let step = i + 1;
        let x = step * step_w;
        let lane = match e.choice {
            Choice::Step(t) => t.index(),
            Choice::Signal(_) => signals,
        };
        let walked = e.effects.iter().any(|f| matches!(f, Effect::WakeBegin { .. }));
        let mut woke = false;
        for f in &e.effects {
            if let Effect::WakeCall { task, woke: true, .. } = f {
                woke = true;
                // Down or up from the waker's lane to the woken task's, with an open arrowhead.
                let (from, to) = (lane_mid(lane), lane_mid(task.index()));
                let cx = x + mark_w / 2;
                let back = if to > from { to - 4 } else { to + 4 };
                let _ = write!(arrows, "M{cx} {from}V{to}M{} {back}L{cx} {to}L{} {back}", cx - 3, cx + 3);
            }
        }
        let kind = match (lost == Some(step), woke, walked, e.choice) {
            (true, ..) => Kind::Lost,
            (_, true, ..) => Kind::Wake,
            (_, _, true, _) => Kind::WokeNobody,
            (.., Choice::Signal(_)) => Kind::Signal,
            _ => Kind::Step,
        };
        let _ = write!(marks[kind as usize], "M{x} {}h{mark_w}v{MARK_H}h-{mark_w}z", lane * LANE_H + 3);
    }
    (marks, arrows)
}

#[derive(Properties)]
pub struct MarksProps {
    pub rec: Rc<Recording>,
}

impl PartialEq for MarksProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.rec, &other.rec)
    }
}

#[function_component(Marks)]
fn marks(p: &MarksProps) -> Html {
    let (marks, arrows) = paths(&p.rec);
    html! {
        <g>
            { for Kind::ALL.iter().map(|&(kind, class)| html! { <path class={class} d={marks[kind as usize].clone()} /> }) }
            <path class="arrows" d={arrows} />
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
    let steps = rec.steps();
    let lanes = rec.spec.tasks.len() + 1;
    let step_w = step_width(steps);
    let width = (steps + 2) * step_w;
    let height = lanes * LANE_H;
    let cursor_x = p.cursor * step_w + step_w / 2;
    let scroll = use_node_ref();
    // Keep the cursor in view: scroll only when it leaves the visible part.
    {
        let scroll = scroll.clone();
        use_effect_with(cursor_x, move |&x| {
            if let Some(el) = scroll.cast::<Element>() {
                let (left, w) = (el.scroll_left(), el.client_width());
                let x = x as i32;
                if x < left || x > left + w - 2 * step_w as i32 {
                    el.set_scroll_left(x - w / 2);
                }
            }
        });
    }
    let svg = use_node_ref();
    let d = p.dispatch.clone();
    let on_click = {
        let svg = svg.clone();
        Callback::from(move |e: MouseEvent| {
            // Not e.current_target(): Yew listens at the root and delegates.
            let Some(svg) = svg.cast::<Element>() else { return };
            let x = f64::from(e.client_x()) - svg.get_bounding_client_rect().left();
            d.emit(Msg::Go((x.max(0.0) as usize / step_w).min(steps)));
        })
    };
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
            <div class="scroll" ref={scroll}>
                <svg ref={svg} width={width.to_string()} height={height.to_string()} role="img" onclick={on_click}
                    aria-label="one mark per step, by CPU; arrows from waker to woken; click a step to go there">
                    <title>{ "click a step to go there" }</title>
                    { for (0..lanes).map(|l| html! { <line class="lane-line" x1="0" x2={width.to_string()}
                        y1={lane_mid(l).to_string()} y2={lane_mid(l).to_string()} /> }) }
                    <Marks rec={rec.clone()} />
                </svg>
                <div class="cursor" style={format!("height: {height}px; transform: translateX({cursor_x}px)")}></div>
            </div>
            <input class="scrubber" type="range" min="0" max={steps.to_string()} value={p.cursor.to_string()}
                style={format!("width: {width}px; max-width: 100%")}
                aria-label="scrub through the steps" oninput={on_scrub} />
            <div class="legend" aria-hidden="true">
                <span class="key step"></span>{ "step" }
                <span class="key wake"></span>{ "wakes a task (arrow: waker to woken)" }
                <span class="key nobody"></span>{ "wake_up() that woke nobody" }
                <span class="key sig"></span>{ "signal" }
                <span class="key lost"></span>{ "the step where the wakeup is lost" }
            </div>
        </section>
    }
}

//! The timeline: one lane per CPU and one for signals, a mark per step, an arrow per wakeup
//! from the waker's lane to the woken task's, the signalled task named, the lost wakeup in red
//! on the lane of the task left asleep, and the step numbers on an axis; click a step's column or
//! drag the scrubber to go there. A run of any length uses the whole width: the steps share the
//! measured width of the timeline, and only a long run (under 9 px a step) scrolls.
//!
//! The marks depend only on the recording and the step width, so they are drawn once per run,
//! and as one SVG path per kind of mark rather than an element per step: a long run has 10^4
//! steps, and 10^4 elements made every step's style and paint cost more than a frame. The
//! cursor is a div moved by a transform, so a step repaints none of the marks.

use std::fmt::Write;
use std::rc::Rc;

use sim_core::effect::Effect;
use sim_core::kernel::memory::Memory;
use sim_core::recording::Recording;
use sim_core::{Choice, Verdict};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::session::Msg;

const LANE_H: usize = 22;
const MARK_H: usize = LANE_H - 6;
/// The axis under the lanes: step numbers.
const AXIS_H: usize = 18;
/// The narrowest step: a run wider than the timeline at this width scrolls.
const MIN_STEP_W: usize = 9;
/// The widest mark; a wider step column leaves space around it.
const MAX_MARK_W: usize = 30;

/// Pixels per step: the steps (and a step's width at each end) share `avail` pixels, at least
/// [`MIN_STEP_W`] each.
fn step_width(steps: usize, avail: usize) -> usize {
    let avail = if avail == 0 { 1000 } else { avail };
    (avail / (steps + 2)).max(MIN_STEP_W)
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least `n`.
fn nice_at_least(n: usize) -> usize {
    let mut unit = 1;
    loop {
        for m in [1, 2, 5] {
            if unit * m >= n {
                return unit * m;
            }
        }
        unit *= 10;
    }
}

/// Steps between two numbers on the axis: 1, 2 or 5 times a power of ten, at least 44 px apart.
fn tick_every(step_w: usize) -> usize {
    let mut unit = 1;
    loop {
        for m in [1, 2, 5] {
            if unit * m * step_w >= 44 {
                return unit * m;
            }
        }
        unit *= 10;
    }
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
    /// Under `tso`: a buffered store reached memory.
    Flush,
    /// A ring around the step the oracle's account blames (`Account::culprit`).
    Culprit,
}

/// How many kinds of mark there are (`Culprit` is the last): the length of the path data arrays.
const KINDS: usize = Kind::Culprit as usize + 1;

impl Kind {
    const ALL: [(Kind, &'static str); KINDS] = [
        (Kind::Step, "mark"),
        (Kind::Wake, "mark wake"),
        (Kind::WokeNobody, "mark nobody"),
        (Kind::Signal, "mark sig"),
        (Kind::Lost, "mark lost"),
        (Kind::Flush, "mark flush"),
        (Kind::Culprit, "mark culprit"),
    ];
}

fn lane_mid(lane: usize) -> usize {
    lane * LANE_H + LANE_H / 2
}

/// A signal's mark: at `x`, to the named task.
struct SignalMark {
    x: usize,
    to: String,
}

/// Where the lost wakeup is marked: on the lane of the task it leaves asleep (the one the
/// verdict names), at the step where it is lost.
fn lost_mark(rec: &Recording) -> Option<(usize, usize)> {
    match &rec.verdict {
        Some(Verdict::LostWakeup(l)) => Some((l.lost_at_step as usize, l.waiter_task.index())),
        _ => None,
    }
}

/// The step the oracle blames for the lost wakeup, if it names one.
fn culprit(rec: &Recording) -> Option<usize> {
    match &rec.verdict {
        Some(Verdict::LostWakeup(l)) => l.account.culprit().map(|s| s as usize),
        _ => None,
    }
}

/// The path data of every kind of mark and of the wakeup arrows, and the signals.
fn paths(rec: &Recording, step_w: usize) -> ([String; KINDS], String, Vec<SignalMark>) {
    let mark_w = (step_w - 2).min(MAX_MARK_W);
    let pad = (step_w - mark_w) / 2;
    let signals = rec.spec.tasks.len();
    let lost = lost_mark(rec);
    let culprit = culprit(rec);
    let mut marks: [String; KINDS] = Default::default();
    let mut arrows = String::new();
    let mut named = Vec::new();
    for (i, e) in rec.events.iter().enumerate() {
        let step = i + 1;
        let x = step * step_w + pad;
        let lane = match e.choice {
            Choice::Step(t) | Choice::Flush(t) => t.index(),
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
        let lost_here = lost.filter(|&(at, _)| at == step).map(|(_, victim)| victim);
        let kind = match (lost_here == Some(lane), woke, walked, e.choice) {
            (true, ..) => Kind::Lost,
            (_, true, ..) => Kind::Wake,
            (_, _, true, _) => Kind::WokeNobody,
            (.., Choice::Signal(_)) => Kind::Signal,
            (.., Choice::Flush(_)) => Kind::Flush,
            _ => Kind::Step,
        };
        let _ = write!(marks[kind as usize], "M{x} {}h{mark_w}v{MARK_H}h-{mark_w}z", lane * LANE_H + 3);
        if culprit == Some(step) {
            let (w, h) = (mark_w + 4, MARK_H + 4);
            let _ = write!(marks[Kind::Culprit as usize], "M{} {}h{w}v{h}h-{w}z", x - 2, lane * LANE_H + 1);
        }
        if let Some(victim) = lost_here.filter(|&v| v != lane) {
            let _ = write!(marks[Kind::Lost as usize], "M{x} {}h{mark_w}v{MARK_H}h-{mark_w}z", victim * LANE_H + 3);
        }
        if let Choice::Signal(t) = e.choice {
            named.push(SignalMark { x: x + mark_w + 2, to: rec.spec.task_name(t).to_string() });
        }
    }
    (marks, arrows, named)
}

#[derive(Properties)]
pub struct MarksProps {
    pub rec: Rc<Recording>,
    pub step_w: usize,
}

impl PartialEq for MarksProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.rec, &other.rec) && self.step_w == other.step_w
    }
}

#[function_component(Marks)]
fn marks(p: &MarksProps) -> Html {
    let (marks, arrows, signals) = paths(&p.rec, p.step_w);
    let steps = p.rec.steps();
    let lanes = p.rec.spec.tasks.len() + 1;
    // A label every `every` steps, and at most about 100 of them: a 10,000-step run would
    // otherwise add thousands of text nodes that every step's style and layout walk.
    let every = tick_every(p.step_w).max(nice_at_least(steps / 100));
    let axis_y = lanes * LANE_H;
    let signal_y = lane_mid(lanes - 1) + 4;
    let mut ticks = String::new();
    for n in (0..=steps).step_by(every) {
        let x = n * p.step_w + p.step_w / 2;
        let _ = write!(ticks, "M{x} {axis_y}v4");
    }
    html! {
        <g>
            { for Kind::ALL.iter().map(|&(kind, class)| html! { <path class={class} d={marks[kind as usize].clone()} /> }) }
            <path class="arrows" d={arrows} />
            { for signals.iter().map(|m| html! { <text class="sig-to" x={m.x.to_string()} y={signal_y.to_string()}>{ format!("→{}", m.to) }</text> }) }
            <path class="ticks" d={ticks} />
            <g class="axis">
            { for (0..=steps).step_by(every).map(|n| html! {
                <text x={(n * p.step_w + p.step_w / 2).to_string()} y={(axis_y + AXIS_H - 3).to_string()}>{ n }</text>
            }) }
            </g>
        </g>
    }
}

/// The time axis of a timed run: pixels per virtual nanosecond, and the run's length.
#[derive(Clone, Copy, PartialEq)]
struct Clock {
    /// Virtual ns at the right end of the drawing (the last step's end, and a margin).
    span_ns: u64,
    /// Drawn width in pixels.
    width: usize,
}

impl Clock {
    /// The narrowest bar: a 10 ns step of a 20 µs run would be under a pixel.
    const MIN_BAR: f64 = 2.0;

    fn new(rec: &Recording, avail: usize) -> Clock {
        let end = rec.events.iter().filter_map(|e| e.time).map(|t| t.end_ns).max().unwrap_or(0);
        // A run of any length uses the whole width: steps then sleeps are to scale.
        let width = if avail == 0 { 1000 } else { avail };
        Clock { span_ns: (end + end / 40).max(1), width }
    }

    /// Pixels left of time 0, so that the axis's first label is whole.
    const PAD: f64 = 12.0;

    fn scale(&self) -> f64 {
        (self.width as f64 - Clock::PAD).max(1.0) / self.span_ns as f64
    }

    fn x(&self, ns: u64) -> f64 {
        Clock::PAD + ns as f64 * self.scale()
    }

    /// The time under pixel `x`.
    fn ns(&self, x: f64) -> u64 {
        ((x - Clock::PAD).max(0.0) / self.scale()) as u64
    }
}

/// `1500` → `1.5 µs`, `300` → `300 ns`.
pub fn ns_label(ns: u64) -> String {
    match ns {
        ns if ns >= 1_000_000 => format!("{} ms", trim(ns as f64 / 1e6)),
        ns if ns >= 1000 => format!("{} µs", trim(ns as f64 / 1e3)),
        ns => format!("{ns} ns"),
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The race window of the recording's lost wakeup, if it has one: (opens, closes, landed) in ns.
fn race_window(rec: &Recording) -> Option<(u64, u64, u64)> {
    let Some(Verdict::LostWakeup(lost)) = &rec.verdict else { return None };
    let w = sim_core::window::race_window(&rec.spec, &rec.events, lost).ok()?;
    Some((w.opens.start_ns?, w.closes.start_ns?, w.wakeup.start_ns?))
}

/// The Gantt chart of a timed run: each step a bar on its CPU's lane as long as its duration,
/// a sleep a dashed line (a gap in the bars), wakeup arrows at their times, the race window
/// shaded, and the axis in virtual time.
#[function_component(GanttMarks)]
fn gantt_marks(p: &GanttProps) -> Html {
    let rec = &p.rec;
    let clock = p.clock;
    let tasks = rec.spec.tasks.len();
    let lanes = tasks + 1;
    let lost = lost_mark(rec);
    let culprit = culprit(rec);
    let mut marks: [String; KINDS] = Default::default();
    let mut arrows = String::new();
    let mut sleeps = String::new();
    let mut asleep_since: Vec<Option<f64>> = vec![None; tasks];
    let mut signals = Vec::new();
    let bar = |marks: &mut String, x0: f64, x1: f64, lane: usize| {
        let w = (x1 - x0).max(Clock::MIN_BAR);
        let _ = write!(marks, "M{x0:.1} {}h{w:.1}v{MARK_H}h-{w:.1}z", lane * LANE_H + 3);
    };
    for (i, e) in rec.events.iter().enumerate() {
        let Some(t) = e.time else { continue };
        let (x0, x1) = (clock.x(t.start_ns), clock.x(t.end_ns));
        let lane = match e.choice {
            Choice::Step(t) | Choice::Flush(t) => t.index(),
            Choice::Signal(_) => tasks,
        };
        if let Some(from) = asleep_since.get_mut(lane).and_then(Option::take) {
            let y = lane_mid(lane);
            let _ = write!(sleeps, "M{from:.1} {y}H{x0:.1}");
        }
        let walked = e.effects.iter().any(|f| matches!(f, Effect::WakeBegin { .. }));
        let mut woke = false;
        for f in &e.effects {
            match *f {
                Effect::WakeCall { task, woke: true, .. } => {
                    woke = true;
                    let (from, to) = (lane_mid(lane), lane_mid(task.index()));
                    let back = if to > from { to - 4 } else { to + 4 };
                    let _ = write!(
                        arrows,
                        "M{x0:.1} {from}V{to}M{:.1} {back}L{x0:.1} {to}L{:.1} {back}",
                        x0 - 3.0,
                        x0 + 3.0
                    );
                }
                Effect::Sleep { task } => {
                    if let Some(s) = asleep_since.get_mut(task.index()) {
                        *s = Some(x1);
                    }
                }
                _ => {}
            }
        }
        let lost_here = lost.filter(|&(at, _)| at == i + 1).map(|(_, victim)| victim);
        let kind = match (lost_here == Some(lane), woke, walked, e.choice) {
            (true, ..) => Kind::Lost,
            (_, true, ..) => Kind::Wake,
            (_, _, true, _) => Kind::WokeNobody,
            (.., Choice::Signal(_)) => Kind::Signal,
            (.., Choice::Flush(_)) => Kind::Flush,
            _ => Kind::Step,
        };
        bar(&mut marks[kind as usize], x0, x1, lane);
        if culprit == Some(i + 1) {
            let w = (x1 - x0).max(Clock::MIN_BAR) + 4.0;
            let _ = write!(
                marks[Kind::Culprit as usize],
                "M{:.1} {}h{w:.1}v{}h-{w:.1}z",
                x0 - 2.0,
                lane * LANE_H + 1,
                MARK_H + 4
            );
        }
        if let Some(victim) = lost_here.filter(|&v| v != lane) {
            bar(&mut marks[Kind::Lost as usize], x0, x1, victim);
        }
        if let Choice::Signal(t) = e.choice {
            signals.push((x0 + 4.0, rec.spec.task_name(t).to_string()));
        }
    }
    // A task asleep at the end sleeps to the end of the drawing.
    for (lane, since) in asleep_since.iter().enumerate() {
        if let Some(from) = since {
            let _ = write!(sleeps, "M{from:.1} {}H{}", lane_mid(lane), clock.width);
        }
    }
    let axis_y = lanes * LANE_H;
    let signal_y = lane_mid(lanes - 1) + 4;
    // Ticks every 1, 2 or 5 × 10^n ns, at least 70 px apart.
    let min_ns = (70.0 / clock.scale()).max(1.0) as usize;
    let every = nice_at_least(min_ns) as u64;
    let tick_ns: Vec<u64> = (0..=clock.span_ns / every).map(|k| k * every).collect();
    let mut ticks = String::new();
    for &ns in &tick_ns {
        let _ = write!(ticks, "M{:.1} {axis_y}v4", clock.x(ns));
    }
    let window = race_window(rec).map(|(opens, closes, landed)| {
        let (x0, x1) = (clock.x(opens), clock.x(closes));
        let w = (x1 - x0).max(Clock::MIN_BAR);
        let label = format!("race window {}", ns_label(closes - opens));
        // The label goes right of the shading, or left of it near the right edge.
        let (lx, anchor) = if x1 + 8.0 + 7.0 * label.len() as f64 > clock.width as f64 { (x0 - 4.0, "end") } else { (x1 + 4.0, "start") };
        html! {
            <g class="race-window">
                <rect x={format!("{x0:.1}")} y="0" width={format!("{w:.1}")} height={axis_y.to_string()}>
                    <title>{ format!("the race window: {} wide; the wakeup landed {} into it", ns_label(closes - opens), ns_label(landed - opens)) }</title>
                </rect>
                <text x={format!("{lx:.1}")} y={(lane_mid(tasks) + 4).to_string()} text-anchor={anchor}>{ label }</text>
            </g>
        }
    });
    html! {
        <g>
            { window.unwrap_or_default() }
            <path class="sleeps" d={sleeps} />
            { for Kind::ALL.iter().map(|&(kind, class)| html! { <path class={class} d={marks[kind as usize].clone()} /> }) }
            <path class="arrows" d={arrows} />
            { for signals.iter().map(|(x, to)| html! { <text class="sig-to" x={format!("{x:.1}")} y={signal_y.to_string()}>{ format!("→{to}") }</text> }) }
            <path class="ticks" d={ticks} />
            <g class="axis">
            { for tick_ns.iter().map(|&ns| html! {
                <text x={format!("{:.1}", clock.x(ns))} y={(axis_y + AXIS_H - 3).to_string()}>{ if ns == 0 { "0".to_string() } else { ns_label(ns) } }</text>
            }) }
            </g>
        </g>
    }
}

#[derive(Properties)]
struct GanttProps {
    rec: Rc<Recording>,
    clock: Clock,
}

impl PartialEq for GanttProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.rec, &other.rec) && self.clock == other.clock
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
    let scroll = use_node_ref();
    // The width to share among the steps: measured once drawn, and again whenever the
    // timeline's width changes (the window, presentation mode, the layout around it).
    let avail = use_state_eq(|| 0usize);
    {
        let (scroll, avail) = (scroll.clone(), avail.clone());
        use_effect_with((), move |_| {
            let measure = {
                let scroll = scroll.clone();
                move || {
                    if let Some(el) = scroll.cast::<Element>() {
                        avail.set(el.client_width().max(0) as usize);
                    }
                }
            };
            measure();
            let on_resize = Closure::<dyn FnMut()>::new(measure);
            let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, scroll.cast::<Element>()) {
                o.observe(&el);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(on_resize);
            }
        });
    }
    // A timed run is drawn on its clock (a Gantt chart); the others by step.
    let clock = sim_core::window::timed(&rec.events).then(|| Clock::new(rec, *avail));
    let step_w = step_width(steps, *avail);
    let width = clock.map_or((steps + 2) * step_w, |c| c.width);
    let height = lanes * LANE_H + AXIS_H;
    let cursor_x = match clock {
        // At the start of the step on screen: its effects take place then.
        Some(c) => p.cursor.checked_sub(1).and_then(|i| rec.events[i].time).map_or(0, |t| c.x(t.start_ns) as usize),
        None => p.cursor * step_w + step_w / 2,
    };
    // Keep the cursor in view: scroll only when it leaves the visible part.
    {
        let scroll = scroll.clone();
        use_effect_with((cursor_x, step_w), move |&(x, step_w)| {
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
        let events = rec.clone();
        Callback::from(move |e: MouseEvent| {
            // Not e.current_target(): Yew listens at the root and delegates.
            let Some(svg) = svg.cast::<Element>() else { return };
            // As a share of the drawn width: right also when CSS scales the timeline (zoom in
            // presentation mode).
            let rect = svg.get_bounding_client_rect();
            let x = (f64::from(e.client_x()) - rect.left()) / rect.width().max(1.0) * width as f64;
            let events = &events.events;
            let step = match clock {
                // The last step that started at or before the time clicked.
                Some(c) => {
                    let ns = c.ns(x);
                    events.iter().take_while(|e| e.time.is_some_and(|t| t.start_ns <= ns)).count()
                }
                None => x.max(0.0) as usize / step_w,
            };
            d.emit(Msg::Go(step.min(steps)));
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
            <div class="lanes-names" aria-hidden="true">
                { for rec.spec.tasks.iter().enumerate().map(|(i, t)| html! { <div>{ format!("CPU{i} {}", t.name) }</div> }) }
                <div>{ "signals" }</div>
                <div class="axis-name">{ if clock.is_some() { "time" } else { "step" } }</div>
            </div>
            <div class="scroll" ref={scroll}>
                <svg ref={svg} class={classes!(clock.is_some().then_some("gantt"))} width={width.to_string()} height={height.to_string()} role="img" onclick={on_click}
                    aria-label={ if clock.is_some() { "each step a bar as long as it took on its CPU, on the virtual clock; sleeps dashed; arrows from waker to woken; the race window shaded; click a time to go to its step" } else { "one mark per step, by CPU; arrows from waker to woken; click a step to go there" } }>
                    <title>{ "click a step to go there" }</title>
                    { for (0..lanes).map(|l| html! { <line class="lane-line" x1="0" x2={width.to_string()}
                        y1={lane_mid(l).to_string()} y2={lane_mid(l).to_string()} /> }) }
                    if let Some(clock) = clock {
                        <GanttMarks rec={rec.clone()} clock={clock} />
                    } else {
                        <Marks rec={rec.clone()} step_w={step_w} />
                    }
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
                <span class="key sig"></span>{ "signal (→ to whom)" }
                <span class="key lost"></span>{ "the wakeup is lost (on the lane of the task left asleep)" }
                if culprit(rec).is_some() {
                    <span class="key culprit"></span>{ "the step that lost it (the oracle's account)" }
                }
                if rec.spec.memory == Memory::Tso {
                    <span class="key flush"></span>{ "a buffered store reaches memory" }
                }
                if clock.is_some() {
                    <span class="key sleep"></span>{ "asleep" }
                    <span class="key window"></span>{ "race window" }
                }
            </div>
        </section>
    }
}

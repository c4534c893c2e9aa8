//! The sweep panel: run seeds A..B of this variant or of every variant in a web worker, watch
//! the progress, read the hit rates and steps to hang, and open a failing seed. The worker does
//! the work (`crate::sweep`); this panel keeps the form and the latest report, and draws them.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use gloo::worker::{Spawnable, WorkerBridge};
use sim_core::strategy::StrategyKind;
use sim_core::sweep::Tally;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::session::{Loaded, Mode, Msg};
use sim_core::describe::thousands;

use crate::sweep::{colour_of, seed_range, Job, Packet, Report, Request, State, SweepWorker, LOADER};

/// A sweep that says nothing for this long after Start has a worker that did not load.
const SILENCE_MS: u32 = 10_000;

/// A sweep the panel started, and what its worker last said.
#[derive(Clone, PartialEq)]
struct Run {
    job: Job,
    all_variants: bool,
    state: State,
    stopping: bool,
    /// The worker has answered.
    heard: bool,
    done: u64,
    elapsed_ms: f64,
    /// Per variant, in the job's order.
    groups: Rc<Vec<(String, Tally)>>,
    /// Drawn by the worker: the hit rates and the steps to hang.
    charts: Rc<(Result<String, String>, Result<String, String>)>,
    error: Option<String>,
}

impl Run {
    fn hits(&self) -> u64 {
        self.groups.iter().map(|(_, t)| t.lost_wakeup).sum()
    }

    fn total(&self) -> u64 {
        self.job.to - self.job.from
    }

    /// Runs per second so far (seeds × variants), once there is a measure.
    fn rate(&self) -> Option<f64> {
        let runs = self.done * self.job.variants.len() as u64;
        (self.elapsed_ms >= 1.0 && runs > 0).then(|| runs as f64 * 1000.0 / self.elapsed_ms)
    }
}

#[derive(Clone, PartialEq)]
struct Panel {
    from: String,
    to: String,
    all_variants: bool,
    /// What is wrong with the form.
    problem: Option<String>,
    run: Option<Run>,
}

impl Default for Panel {
    fn default() -> Panel {
        Panel { from: "0".into(), to: "10000".into(), all_variants: false, problem: None, run: None }
    }
}

enum Action {
    From(String),
    To(String),
    AllVariants(bool),
    Problem(String),
    Started {
        job: Job,
        all_variants: bool,
    },
    Stopping,
    /// A packet from the worker.
    Heard(Packet),
    /// Sweep `id` is still silent after [`SILENCE_MS`].
    Silent(u32),
}

impl Reducible for Panel {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut p = (*self).clone();
        match action {
            Action::From(v) => (p.from, p.problem) = (v, None),
            Action::To(v) => (p.to, p.problem) = (v, None),
            Action::AllVariants(all) => p.all_variants = all,
            Action::Problem(text) => p.problem = Some(text),
            Action::Started { job, all_variants } => {
                let groups = job.variants.iter().map(|v| (v.clone(), Tally::default())).collect();
                p.problem = None;
                p.run = Some(Run {
                    job,
                    all_variants,
                    state: State::Running,
                    stopping: false,
                    heard: false,
                    done: 0,
                    elapsed_ms: 0.0,
                    groups: Rc::new(groups),
                    charts: Rc::new((Err(String::new()), Err(String::new()))),
                    error: None,
                });
            }
            Action::Stopping => {
                if let Some(run) = p.run.as_mut().filter(|r| r.state == State::Running) {
                    run.stopping = true;
                }
            }
            Action::Heard(packet) => {
                let Some(run) = p.run.as_mut() else { return self };
                match packet.open::<Report>() {
                    // A report of this sweep, or a request the worker could not read (id 0).
                    Ok(r) if r.id == run.job.id || r.id == 0 => apply(run, r),
                    // A late report of a sweep that a new Start replaced.
                    Ok(_) => return self,
                    Err(e) => (run.state, run.error, run.heard) = (State::Failed, Some(e), true),
                }
            }
            Action::Silent(id) => match p.run.as_mut() {
                Some(run) if run.job.id == id && !run.heard => {
                    run.state = State::Failed;
                    run.error = Some(format!(
                        "The sweep worker did not answer within {} s: is {LOADER} served next to the page?",
                        SILENCE_MS / 1000
                    ));
                }
                _ => return self,
            },
        }
        Rc::new(p)
    }
}

/// Take a report of the run's worker.
fn apply(run: &mut Run, r: Report) {
    run.heard = true;
    run.state = r.state;
    run.error = r.error;
    if r.state == State::Failed && r.groups.is_empty() {
        return;
    }
    // The variants must be the job's, in order; anything else is not this sweep's report.
    if r.groups.len() != run.job.variants.len() || r.groups.iter().zip(&run.job.variants).any(|((v, _), w)| v != w) {
        run.state = State::Failed;
        run.error = Some("the sweep worker reported other variants than the page asked for".into());
        return;
    }
    run.done = r.done.min(run.total());
    run.elapsed_ms = r.elapsed_ms;
    run.groups = Rc::new(r.groups);
    run.charts = Rc::new(r.charts);
}

fn input_value(e: &InputEvent) -> String {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default()
}

#[derive(Properties)]
pub struct SweepProps {
    /// The session's scenario, variant and strategy: what Start sweeps.
    pub scenario: Rc<Loaded>,
    pub variant: AttrValue,
    pub mode: Mode,
    /// The session's parameters that differ from the scenario's defaults.
    pub params: Rc<[(String, i64)]>,
    pub dispatch: Callback<Msg>,
}

/// Stepping the session changes none of these, so the panel does not redraw per step. The
/// dispatch callback is a new closure on every render of the App, but it always reaches the same
/// page, so it is left out.
impl PartialEq for SweepProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.scenario, &other.scenario)
            && (&self.variant, self.mode, &self.params) == (&other.variant, other.mode, &other.params)
    }
}

/// The strategy a sweep uses: the session's; "you schedule" has no seed to sweep, so random.
fn strategy_of(mode: Mode) -> StrategyKind {
    match mode {
        Mode::Strategy(kind) => kind,
        Mode::Manual => StrategyKind::Random,
    }
}

fn strategy_label(kind: StrategyKind) -> &'static str {
    Mode::ALL.iter().find(|(m, _, _)| *m == Mode::Strategy(kind)).map_or("", |(_, _, label)| label)
}

#[function_component(SweepPanel)]
pub fn sweep_panel(p: &SweepProps) -> Html {
    let panel = use_reducer(Panel::default);
    let bridge: Rc<RefCell<Option<WorkerBridge<SweepWorker>>>> = use_mut_ref(|| None);
    let last_id = use_mut_ref(|| 0u32);

    // A sweep whose worker has not answered yet gets SILENCE_MS to do so.
    let waiting = panel.run.as_ref().filter(|r| !r.heard && r.state == State::Running).map(|r| r.job.id);
    {
        let d = panel.dispatcher();
        use_effect_with(waiting, move |w| {
            let timer = w.map(|id| Timeout::new(SILENCE_MS, move || d.dispatch(Action::Silent(id))));
            move || drop(timer)
        });
    }

    let variants: Vec<String> = p.scenario.variants.iter().map(|v| v.id.clone()).collect();
    let kind = strategy_of(p.mode);

    let on_start = {
        let (panel, bridge, last_id) = (panel.clone(), bridge.clone(), last_id.clone());
        let (scenario, name) = (p.scenario.named.encode(), p.scenario.id.clone());
        let (variant, variants) = (p.variant.to_string(), variants.clone());
        let params = p.params.to_vec();
        Callback::from(move |_: MouseEvent| {
            let (from, to) = match seed_range(&panel.from, &panel.to) {
                Ok(range) => range,
                Err(e) => return panel.dispatch(Action::Problem(e)),
            };
            let id = {
                let mut last = last_id.borrow_mut();
                *last = last.wrapping_add(1).max(1);
                *last
            };
            let variants = if panel.all_variants { variants.clone() } else { vec![variant.clone()] };
            let job = Job {
                id,
                scenario: scenario.clone(),
                name: name.clone(),
                variants,
                strategy: kind,
                params: params.clone(),
                from,
                to,
            };
            let mut bridge = bridge.borrow_mut();
            let bridge = bridge.get_or_insert_with(|| {
                let d = panel.dispatcher();
                SweepWorker::spawner()
                    .callback(move |packet| d.dispatch(Action::Heard(packet)))
                    .spawn_with_loader(LOADER)
            });
            // The worker drops any sweep under way and starts this one.
            bridge.send(Packet::pack(&Request::Start(job.clone())));
            panel.dispatch(Action::Started { job, all_variants: panel.all_variants });
        })
    };
    let on_stop = {
        let (panel, bridge) = (panel.clone(), bridge.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(run) = panel.run.as_ref().filter(|r| r.state == State::Running) else { return };
            if let Some(b) = bridge.borrow().as_ref() {
                b.send(Packet::pack(&Request::Stop { id: run.job.id }));
            }
            panel.dispatch(Action::Stopping);
        })
    };
    let d = panel.dispatcher();
    let on_from = Callback::from(move |e: InputEvent| d.dispatch(Action::From(input_value(&e))));
    let d = panel.dispatcher();
    let on_to = Callback::from(move |e: InputEvent| d.dispatch(Action::To(input_value(&e))));
    let d = panel.dispatcher();
    let this_variant = Callback::from(move |_: Event| d.dispatch(Action::AllVariants(false)));
    let d = panel.dispatcher();
    let all_variants = Callback::from(move |_: Event| d.dispatch(Action::AllVariants(true)));

    let running = panel.run.as_ref().is_some_and(|r| r.state == State::Running);
    let plan = match seed_range(&panel.from, &panel.to) {
        Ok((a, b)) => {
            let n = if panel.all_variants { variants.len().max(1) as u64 } else { 1 };
            if n > 1 {
                format!("{} seeds × {n} variants = {} runs", thousands(b - a), thousands((b - a) * n))
            } else {
                format!("{} seeds", thousands(b - a))
            }
        }
        Err(_) => String::new(),
    };
    let manual_note =
        (p.mode == Mode::Manual).then_some(" (you schedule by hand; a sweep needs a seed, so it runs seeded random)");

    html! {
        <section class="sweep" id="sweep" aria-labelledby="sweep-title"
            data-state={panel.run.as_ref().map_or("idle", |r| state_name(r))}>
            <h2 id="sweep-title">{ "Sweep: many seeds at once" }</h2>
            <p class="sweep-about">{ "Run a range of seeds in the background (a web worker: the page stays yours), \
                count the runs that lose a wakeup, and open any failing seed to watch it. \
                The numbers are the same as the command line's." }</p>
            <div class="sweep-form">
                <label>{ "seeds from " }
                    <input id="sweep-from" type="number" min="0" inputmode="numeric" value={panel.from.clone()}
                        aria-label="first seed" oninput={on_from} />
                </label>
                <label>{ " to " }
                    <input id="sweep-to" type="number" min="1" inputmode="numeric" value={panel.to.clone()}
                        aria-label="last seed, excluded" oninput={on_to} />
                    { " (excluded)" }
                </label>
                <fieldset class="sweep-variants">
                    <legend class="sr-only">{ "which variants" }</legend>
                    <label><input type="radio" name="sweep-variants" value="this" checked={!panel.all_variants}
                        onchange={this_variant} />{ format!(" this variant ({})", p.variant) }</label>
                    <label><input type="radio" name="sweep-variants" value="all" checked={panel.all_variants}
                        onchange={all_variants} />{ format!(" all {} variants", variants.len()) }</label>
                </fieldset>
                <span class="sweep-strategy">{ "strategy: " }<b>{ strategy_label(kind) }</b>{ manual_note.unwrap_or_default() }</span>
                <button id="sweep-start" class="primary" onclick={on_start}
                    title="start a sweep (replaces one under way)">{ if running { "Restart" } else { "Start" } }</button>
                <button id="sweep-stop" onclick={on_stop} disabled={!running}>{ "Stop" }</button>
                <span class="sweep-plan">{ plan }</span>
            </div>
            if let Some(problem) = &panel.problem {
                <p class="sweep-problem" role="alert" id="sweep-problem">{ problem }</p>
            }
            if let Some(run) = &panel.run {
                <RunView run={run.clone()} scenario={p.scenario.clone()} dispatch={p.dispatch.clone()} />
            }
        </section>
    }
}

fn state_name(run: &Run) -> &'static str {
    match (run.state, run.stopping) {
        (State::Running, false) => "running",
        (State::Running, true) => "stopping",
        (State::Done, _) => "done",
        (State::Stopped, _) => "stopped",
        (State::Failed, _) => "failed",
    }
}

#[derive(Properties)]
struct RunProps {
    run: Run,
    /// The session's scenario: the variants' colours, when the run is of it.
    scenario: Rc<Loaded>,
    dispatch: Callback<Msg>,
}

impl PartialEq for RunProps {
    fn eq(&self, other: &Self) -> bool {
        self.run == other.run && Rc::ptr_eq(&self.scenario, &other.scenario)
    }
}

/// The progress, the table, the charts and the failing seeds of one sweep.
#[function_component(RunView)]
fn run_view(p: &RunProps) -> Html {
    let run = &p.run;
    let job = &run.job;
    let scenario = (p.scenario.named.encode() == job.scenario).then_some(&**p.scenario);
    let charts = &run.charts;
    let total = run.total();
    let status = match (run.state, run.stopping) {
        (State::Running, false) if !run.heard => "starting the worker…".to_string(),
        (State::Running, false) => "running".to_string(),
        (State::Running, true) => "stopping…".to_string(),
        (State::Done, _) => format!("done in {:.2} s", run.elapsed_ms / 1000.0),
        (State::Stopped, _) => format!("stopped after {:.2} s", run.elapsed_ms / 1000.0),
        (State::Failed, _) => "failed".to_string(),
    };
    // Runs per second: seeds per second for one variant.
    let unit = if job.variants.len() > 1 { "runs" } else { "seeds" };
    let rate = run.rate().map_or(String::new(), |r| format!(" · {} {unit}/s", thousands(r.round() as u64)));
    let per_variant =
        if job.variants.len() > 1 { format!(" of each of {} variants", job.variants.len()) } else { String::new() };
    let chart = |id: &str, svg: &Result<String, String>, label: &str| match svg {
        Ok(svg) => html! {
            <figure class="sweep-chart" id={id.to_string()} role="img" aria-label={label.to_string()}>
                { Html::from_html_unchecked(AttrValue::from(svg.clone())) }
            </figure>
        },
        Err(e) => {
            html! { <p class="sweep-problem" id={id.to_string()}>{ format!("The chart could not be drawn: {e}") }</p> }
        }
    };
    // Said once, when the sweep ends, to a screen reader (the progress changes too often).
    let announce = (run.state != State::Running).then(|| {
        let runs = run.done * job.variants.len() as u64;
        format!("Sweep {status}: {} of {} runs lost a wakeup.", thousands(run.hits()), thousands(runs))
    });
    html! {
        <div class="sweep-run" data-id={job.id.to_string()}>
            <div class="sweep-progress">
                <progress id="sweep-bar" max={total.to_string()} value={run.done.to_string()}
                    aria-label="seeds done"></progress>
                <span id="sweep-status" data-done={run.done.to_string()} data-hits={run.hits().to_string()}>
                    <b>{ status }</b>
                    { format!(": {} of {} seeds{per_variant} · {} lost wakeups{rate}",
                        thousands(run.done), thousands(total), thousands(run.hits())) }
                </span>
            </div>
            <p class="sr-only" aria-live="polite">{ announce }</p>
            if let Some(e) = &run.error {
                <p class="sweep-problem" role="alert" id="sweep-error">{ e }</p>
            }
            <p class="sweep-cli">{ "The same numbers from the command line: " }
                <code>{ job.command(run.all_variants) }</code></p>
            <table class="sweep-table" id="sweep-results">
                <thead><tr>
                    <th scope="col">{ "variant" }</th>
                    <th scope="col">{ "seeds run" }</th>
                    <th scope="col">{ "lost wakeups" }</th>
                    <th scope="col">{ "hit rate (95% Wilson interval)" }</th>
                    <th scope="col">{ "other verdicts" }</th>
                    <th scope="col">{ "steps per run min / median / max" }</th>
                    <th scope="col">{ "first failing seeds: click to watch" }</th>
                </tr></thead>
                <tbody>
                { for run.groups.iter().map(|(variant, t)| {
                    let (lo, hi) = t.wilson95();
                    let steps = t.steps_summary().map_or("–".to_string(), |(a, b, c)| format!("{a} / {b} / {c}"));
                    let others = match (t.deadlock, t.step_limit) {
                        (0, 0) => "–".to_string(),
                        (d, s) => format!("{} deadlock, {} step limit", thousands(d), thousands(s)),
                    };
                    html! {
                        <tr data-variant={variant.clone()} data-seeds={t.seeds.to_string()} data-hits={t.lost_wakeup.to_string()}
                            data-ci-lo={lo.to_string()} data-ci-hi={hi.to_string()}>
                            <th scope="row"><span class="swatch" style={format!("background: {}", colour_of(scenario, variant).css())}></span>{ variant }</th>
                            <td class="num">{ thousands(t.seeds) }</td>
                            <td class="num hits">{ thousands(t.lost_wakeup) }</td>
                            <td class="num">{ format!("{:.3}%  ({:.3}% – {:.3}%)", 100.0 * t.hit_rate(), 100.0 * lo, 100.0 * hi) }</td>
                            <td class="num">{ others }</td>
                            <td class="num">{ steps }</td>
                            <td class="seeds">
                                { for t.first_failing.iter().map(|&seed| {
                                    let d = p.dispatch.clone();
                                    let (scenario, v, strategy) = (job.scenario.clone(), variant.clone(), job.strategy);
                                    let params: Rc<[(String, i64)]> = job.params.clone().into();
                                    let watch = Callback::from(move |_: MouseEvent| {
                                        d.emit(Msg::Watch { scenario: scenario.clone(), variant: v.clone(), strategy, seed, params: params.clone() });
                                        // Up to the board, where the run now is.
                                        if let Some(w) = web_sys::window() {
                                            w.scroll_to_with_x_and_y(0.0, 0.0);
                                        }
                                    });
                                    html! {
                                        <button class="seed" data-seed={seed.to_string()} onclick={watch}
                                            title={format!("watch seed {seed} of {variant}")}
                                            aria-label={format!("watch seed {seed} of {variant}")}>{ seed }</button>
                                    }
                                }) }
                                if t.first_failing.is_empty() { <span class="none">{ "none" }</span> }
                            </td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            <div class="sweep-charts">
                { chart("sweep-chart-rate", &charts.0, "hit rate per variant with its 95% interval") }
                { chart("sweep-chart-steps", &charts.1, "distribution of the steps to hang of the failing seeds") }
            </div>
        </div>
    }
}

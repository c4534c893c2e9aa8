//! The in-page seed sweep: a web worker (gloo-worker) that runs seeds off the main thread, and
//! the messages between it and the page. The worker calls the same sim-core functions as `wqsim
//! sweep`: `run_seed` for each seed and a `Tally` per variant, so its numbers are the CLI's.
//!
//! The worker runs a sweep in chunks. After each chunk it posts the tallies so far and yields to
//! its event loop through a zero-delay timer, so a Stop or a new Start that arrives meanwhile is
//! read before the next chunk (a microtask would run first and starve the message queue).
//! Messages travel as postcard bytes in a [`Packet`] that each side decodes itself: a message it
//! cannot read is an error to show, never a panic. (gloo-worker frames the `Packet` itself with
//! its own codec, bincode 1; none of our types go through it but this one.)

use std::borrow::Cow;
use std::sync::Arc;

use gloo::timers::callback::Timeout;
use gloo::worker::{HandlerId, Worker, WorkerScope};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sim_core::describe::thousands;
use sim_core::share::ScenarioRef;
use sim_core::strategy::{StrategyKind, TimedConfig};
use sim_core::sweep::{run_seed_in, Tally};
use sim_core::{Scenario, Spec, World};

use crate::charts::Series;

/// The most seeds (per variant) one sweep in the page may run; the CLI takes more.
pub const MAX_SEEDS: u64 = 1_000_000;

/// The worker's entry script, relative to the page: `web-ui/sweep_worker_loader.js`, copied by
/// Trunk next to the `sweep_worker` bin's JS and wasm.
pub const LOADER: &str = "sweep_worker_loader.js";

/// Bumped when a message changes: a worker from another build is named as such. 2: postcard
/// instead of bincode. 3: a report carries its charts.
const PROTOCOL: u32 = 3;

/// Chunks aim at this many milliseconds of work, so progress is smooth and Stop is quick.
const CHUNK_MS: f64 = 50.0;
const FIRST_CHUNK: u64 = 256;
const MIN_CHUNK: u64 = 16;
const MAX_CHUNK: u64 = 16_384;

/// A message as bytes, with the protocol version outside them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Packet {
    protocol: u32,
    bytes: Vec<u8>,
}

impl Packet {
    pub fn pack<T: Serialize>(value: &T) -> Packet {
        // Serializing plain structs and enums into a Vec cannot fail; an empty packet would be
        // reported by the receiver as unreadable.
        Packet { protocol: PROTOCOL, bytes: postcard::to_allocvec(value).unwrap_or_default() }
    }

    pub fn open<T: DeserializeOwned>(&self) -> Result<T, String> {
        if self.protocol != PROTOCOL {
            return Err(format!(
                "the sweep worker speaks protocol {} and this page {PROTOCOL}: reload the page",
                self.protocol
            ));
        }
        postcard::from_bytes(&self.bytes).map_err(|e| format!("a sweep message could not be read ({e})"))
    }
}

/// What the page asks: start a sweep (replacing any other), or stop one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    Start(Job),
    Stop { id: u32 },
}

/// A sweep: seeds `from..to` of each variant of a scenario, with a strategy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// Chosen by the page, never 0: reports name it, so late ones of an old sweep are ignored.
    pub id: u32,
    /// The scenario as links name it (`ScenarioRef::encode`): a built-in's id, or a file that
    /// the page runs from the editor, carried whole.
    pub scenario: String,
    /// The scenario's id, for the command and the charts.
    pub name: String,
    pub variants: Vec<String>,
    pub strategy: StrategyKind,
    /// The scenario's parameters that differ from its defaults (the session's, from its link).
    pub params: Vec<(String, i64)>,
    pub from: u64,
    pub to: u64,
}

impl Job {
    /// The command that gives the same numbers.
    pub fn command(&self, all_variants: bool) -> String {
        let variants = match (all_variants, self.variants.as_slice()) {
            (false, [v]) => format!(" --variant {v}"),
            _ => " --all-variants".to_string(),
        };
        let params: String = self.params.iter().map(|(k, v)| format!(" --param {k}={v}")).collect();
        format!(
            "wqsim sweep {}{variants} --strategy {} --seeds {}..{}{params}",
            // A carried file is swept from the file that `wqsim export scenario` writes.
            if self.scenario.starts_with('~') { format!("{}.toml", self.name) } else { self.name.clone() },
            self.strategy.id(),
            self.from,
            self.to
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    Running,
    Done,
    Stopped,
    Failed,
}

/// A colour, as red, green and blue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn css(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// One colour per variant, by its place in the scenario (the bug first), the same in the table
/// and in both charts.
pub const PALETTE: [Rgb; 6] = [
    Rgb(0xb4, 0x23, 0x2c),
    Rgb(0x24, 0x57, 0xa6),
    Rgb(0x2f, 0x8f, 0x4e),
    Rgb(0xc9, 0x8a, 0x00),
    Rgb(0x6b, 0x4f, 0xa8),
    Rgb(0x5b, 0x64, 0x75),
];

/// The colour of `variant`: its place in `scenario`, so it stays the same across sweeps.
pub fn colour_of(scenario: Option<&sim_core::Scenario>, variant: &str) -> Rgb {
    let i = scenario.and_then(|s| s.variants.iter().position(|v| v.id == variant)).unwrap_or(0);
    PALETTE[i % PALETTE.len()]
}

/// What the worker says after each chunk: the tallies so far, per variant in the job's order,
/// and the two charts of them (SVG, or why one could not be drawn).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The job's id; 0 when the worker could not read the request at all.
    pub id: u32,
    pub state: State,
    /// Why it failed.
    pub error: Option<String>,
    /// Seeds run so far, per variant.
    pub done: u64,
    /// Milliseconds since the worker started the sweep.
    pub elapsed_ms: f64,
    pub groups: Vec<(String, Tally)>,
    pub charts: (Result<String, String>, Result<String, String>),
}

/// Read the seed range of the form: `from..to`, `to` excluded, at most [`MAX_SEEDS`] seeds.
pub fn seed_range(from: &str, to: &str) -> Result<(u64, u64), String> {
    let num = |what: &str, s: &str| {
        s.trim().parse::<u64>().map_err(|_| format!("The {what} seed '{}' is not a whole number.", s.trim()))
    };
    let (a, b) = (num("first", from)?, num("last", to)?);
    check_range(a, b)?;
    Ok((a, b))
}

fn check_range(a: u64, b: u64) -> Result<(), String> {
    if b <= a {
        return Err(format!("The seeds {a}..{b} are empty: the end (excluded) must be above the start."));
    }
    if b - a > MAX_SEEDS {
        return Err(format!(
            "{} seeds is too many for the page: at most {} seeds per sweep here. \
             For more, use the command line: wqsim sweep --seeds {a}..{b} runs on every core.",
            thousands(b - a),
            thousands(MAX_SEEDS)
        ));
    }
    Ok(())
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A sweep under way in the worker.
struct Running {
    job: Job,
    scenario: Cow<'static, Scenario>,
    specs: Vec<Arc<Spec>>,
    timing: TimedConfig,
    tallies: Vec<Tally>,
    next: u64,
    chunk: u64,
    /// When the sweep started (wall clock, ms): its speed counts the pauses between chunks too.
    started_ms: f64,
}

impl Running {
    fn new(job: Job) -> Result<Running, String> {
        check_range(job.from, job.to)?;
        let scenario = ScenarioRef::decode(&job.scenario).and_then(|s| s.load()).map_err(|e| e.to_string())?;
        if job.variants.is_empty() || job.variants.len() > scenario.variants.len() {
            return Err(format!("a sweep of {} variants of {} cannot run", job.variants.len(), scenario.id));
        }
        // Exactly as `wqsim sweep` (and `wqsim replay` of a link) with these parameters.
        let specs = job
            .variants
            .iter()
            .map(|v| scenario.spec(Some(v), &job.params).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        let timing = job.strategy.timing(&specs[0], &job.params).map_err(|e| e.to_string())?;
        let tallies = vec![Tally::default(); specs.len()];
        let next = job.from;
        Ok(Running { job, scenario, specs, timing, tallies, next, chunk: FIRST_CHUNK, started_ms: now_ms() })
    }

    /// Run the next chunk of seeds of every variant; true when the sweep is done.
    fn chunk(&mut self) -> Result<bool, String> {
        let start = now_ms();
        let end = self.next.saturating_add(self.chunk).min(self.job.to);
        for (spec, tally) in self.specs.iter().zip(&mut self.tallies) {
            // One world per variant and chunk, restarted for each seed, as the CLI's sweep does.
            let mut world = World::new(spec.clone());
            for seed in self.next..end {
                tally.add(&run_seed_in(&mut world, self.job.strategy, &self.timing, seed).map_err(|e| e.to_string())?);
            }
        }
        self.next = end;
        let ms = now_ms() - start;
        // The next chunk takes about CHUNK_MS (the clock ticks in whole milliseconds).
        let factor = (CHUNK_MS / ms.max(1.0)).clamp(0.25, 4.0);
        self.chunk = ((self.chunk as f64 * factor) as u64).clamp(MIN_CHUNK, MAX_CHUNK);
        Ok(self.next >= self.job.to)
    }

    fn report(&self, state: State, error: Option<String>) -> Report {
        let scenario = Some(&*self.scenario);
        let series: Vec<Series> = self
            .job
            .variants
            .iter()
            .zip(&self.tallies)
            .map(|(v, tally)| Series { variant: v, colour: colour_of(scenario, v), tally })
            .collect();
        Report {
            id: self.job.id,
            state,
            error,
            done: self.next - self.job.from,
            elapsed_ms: now_ms() - self.started_ms,
            groups: self.job.variants.iter().cloned().zip(self.tallies.iter().cloned()).collect(),
            charts: crate::charts::both(&self.job.name, self.job.strategy.id(), &series),
        }
    }
}

/// The worker: at most one sweep at a time, answered to the bridge that started it; a new
/// Start replaces the old one.
pub struct SweepWorker {
    running: Option<(HandlerId, Running)>,
    timer: Option<Timeout>,
}

/// The worker's message to itself: run the next chunk of sweep `id`.
pub struct Next(u32);

impl SweepWorker {
    /// Let the event loop read incoming messages, then run the next chunk.
    fn schedule(&mut self, scope: &WorkerScope<Self>, id: u32) {
        let scope = scope.clone();
        self.timer = Some(Timeout::new(0, move || scope.send_message(Next(id))));
    }

    fn failed(scope: &WorkerScope<Self>, who: HandlerId, id: u32, error: String) {
        let none = || Err(String::new());
        let report = Report {
            id,
            state: State::Failed,
            error: Some(error),
            done: 0,
            elapsed_ms: 0.0,
            groups: vec![],
            charts: (none(), none()),
        };
        scope.respond(who, Packet::pack(&report));
    }
}

impl Worker for SweepWorker {
    type Message = Next;
    type Input = Packet;
    type Output = Packet;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        SweepWorker { running: None, timer: None }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, Next(id): Next) {
        let Some((who, run)) = self.running.as_mut().filter(|(_, r)| r.job.id == id) else { return };
        let who = *who;
        match run.chunk() {
            Ok(false) => {
                scope.respond(who, Packet::pack(&run.report(State::Running, None)));
                self.schedule(scope, id);
            }
            Ok(true) => {
                scope.respond(who, Packet::pack(&run.report(State::Done, None)));
                self.running = None;
            }
            Err(e) => {
                scope.respond(who, Packet::pack(&run.report(State::Failed, Some(e))));
                self.running = None;
            }
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, packet: Packet, who: HandlerId) {
        match packet.open::<Request>() {
            Ok(Request::Start(job)) => {
                let id = job.id;
                (self.running, self.timer) = (None, None);
                match Running::new(job) {
                    Ok(run) => {
                        // Say at once that the sweep started, with nothing done yet.
                        scope.respond(who, Packet::pack(&run.report(State::Running, None)));
                        self.running = Some((who, run));
                        self.schedule(scope, id);
                    }
                    Err(e) => SweepWorker::failed(scope, who, id, e),
                }
            }
            Ok(Request::Stop { id }) => {
                if let Some((who, run)) = self.running.take_if(|(_, r)| r.job.id == id) {
                    self.timer = None;
                    scope.respond(who, Packet::pack(&run.report(State::Stopped, None)));
                }
            }
            Err(e) => SweepWorker::failed(scope, who, 0, e),
        }
    }

    fn disconnected(&mut self, _scope: &WorkerScope<Self>, id: HandlerId) {
        // Its page is gone: nobody wants the rest.
        if self.running.as_ref().is_some_and(|(who, _)| *who == id) {
            (self.running, self.timer) = (None, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;
    use sim_core::sweep::run_seed;

    wasm_bindgen_test_configure!(run_in_browser);

    fn job(variants: &[&str], from: u64, to: u64) -> Job {
        Job {
            id: 7,
            scenario: "page-lock-killable".into(),
            name: "page-lock-killable".into(),
            variants: variants.iter().map(|v| v.to_string()).collect(),
            strategy: StrategyKind::Random,
            params: vec![],
            from,
            to,
        }
    }

    /// Chunks of any size add up to one pass over the seeds with the CLI's functions, for every
    /// variant, and a report carries the tallies through postcard unchanged.
    #[wasm_bindgen_test]
    fn chunks_add_up_to_one_pass_over_the_seeds() {
        let variants = ["v4.13", "a8b169afbf06", "v5.8-handoff"];
        let mut run = Running::new(job(&variants, 100, 3_100)).unwrap();
        run.chunk = 7;
        let mut chunks = 1;
        while !run.chunk().unwrap() {
            chunks += 1;
        }
        assert!(chunks > 3, "{chunks} chunks");
        let scenario = sim_core::library::find("page-lock-killable").unwrap();
        let report: Report = Packet::pack(&run.report(State::Done, None)).open().unwrap();
        assert_eq!(report.done, 3_000);
        for (v, (name, got)) in variants.iter().zip(report.groups) {
            let spec = scenario.spec(Some(v), &[]).unwrap();
            let mut want = Tally::default();
            for seed in 100..3_100 {
                want.add(&run_seed(&spec, StrategyKind::Random, &TimedConfig::default(), seed).unwrap());
            }
            assert_eq!(&name, v);
            assert_eq!(got, want, "{v}");
        }
    }

    #[wasm_bindgen_test]
    fn bad_jobs_and_bad_packets_are_errors() {
        let error = |job| Running::new(job).err().unwrap_or_default();
        assert!(error(job(&["v9"], 0, 10)).contains("v9"));
        assert!(error(job(&["v4.13"], 10, 10)).contains("empty"));
        assert!(error(job(&["v4.13"], 0, MAX_SEEDS + 1)).contains("too many"));
        let garbage = Packet { protocol: PROTOCOL, bytes: vec![9, 9, 9] };
        assert!(garbage.open::<Report>().is_err());
        let other = Packet { protocol: PROTOCOL + 1, bytes: vec![] };
        assert!(other.open::<Report>().unwrap_err().contains("reload the page"));
    }

    #[wasm_bindgen_test]
    fn seed_ranges_read_as_people_write_them() {
        assert_eq!(seed_range(" 0", "10000 "), Ok((0, 10_000)));
        assert_eq!(seed_range("0", "1000000"), Ok((0, 1_000_000)));
        assert!(seed_range("0", "1000001").unwrap_err().starts_with("1,000,001 seeds is too many"));
        assert!(seed_range("5", "5").unwrap_err().contains("empty"));
        assert!(seed_range("-1", "5").unwrap_err().contains("'-1' is not a whole number"));
    }
}

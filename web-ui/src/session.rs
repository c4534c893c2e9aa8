//! The page's state: one recorded run and the step on screen, changed only by messages named
//! after what the user does. Every rule of the kernel comes from sim-core; this decides only
//! what to show.

use std::borrow::Cow;
use std::rc::Rc;

use sim_core::effect::Effect;
use sim_core::kernel::memory::Memory;
use sim_core::recording::{Recording, Then};
use sim_core::share::{Link, ScenarioRef};
use sim_core::strategy::{StrategyKind, TimedConfig};
use sim_core::{describe, Choice, Error, Scenario, Schedule, TaskId, Verdict, World};
use yew::prelude::*;

#[cfg(feature = "editor")]
use crate::editor::Editor;
#[cfg(not(feature = "editor"))]
use crate::handoff::Handoff;
use crate::lesson::{Progress, LESSONS};
use crate::predict::{self, Predict};
use crate::prove;

/// How the steps are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Strategy(StrategyKind),
    /// The user is the scheduler.
    Manual,
}

impl Mode {
    pub const ALL: [(Mode, &'static str, &'static str); 4] = [
        (Mode::Strategy(StrategyKind::Random), "random", "seeded random"),
        (Mode::Strategy(StrategyKind::Pct), "pct", "PCT"),
        (Mode::Strategy(StrategyKind::Timed), "timed", "timed clock"),
        (Mode::Manual, "manual", "you schedule"),
    ];

    pub fn id(self) -> &'static str {
        Mode::ALL.iter().find(|(m, _, _)| *m == self).map_or("random", |(_, id, _)| id)
    }
}

/// A scenario on screen, and how its links name it: a built-in one by id, one written in the
/// editor or opened from a link or a file carried in its links.
pub struct Loaded {
    pub scenario: Cow<'static, Scenario>,
    pub named: ScenarioRef,
}

impl std::ops::Deref for Loaded {
    type Target = Scenario;
    fn deref(&self) -> &Scenario {
        &self.scenario
    }
}

/// The scenario a link names, for a session.
pub fn loaded(named: ScenarioRef) -> Result<Rc<Loaded>, Error> {
    Ok(Rc::new(Loaded { scenario: load(&named)?, named }))
}

#[cfg(feature = "editor")]
fn load(named: &ScenarioRef) -> Result<Cow<'static, Scenario>, Error> {
    named.load()
}

/// A built-in scenario only: this build hands links that carry one to the editor's build
/// (`Handoff::Link`) before they get here, and so carries no inflate.
#[cfg(not(feature = "editor"))]
fn load(named: &ScenarioRef) -> Result<Cow<'static, Scenario>, Error> {
    match named {
        ScenarioRef::Id(id) => sim_core::library::find(id).map(Cow::Borrowed),
        ScenarioRef::Carried(_) => Err(Error::Link("a carried scenario opens in the editor's page".into())),
    }
}

/// A built-in scenario, for a session.
pub fn builtin(id: &str) -> Result<Rc<Loaded>, Error> {
    loaded(ScenarioRef::Id(id.into()))
}

/// A run on screen.
pub struct Session {
    pub scenario: Rc<Loaded>,
    pub mode: Mode,
    pub seed: u64,
    /// The scenario's parameters that differ from its defaults (from a link), kept across
    /// variants and seeds.
    pub params: Rc<[(String, i64)]>,
    /// Choices made by hand (or carried over from another variant), replayed first.
    pub prefix: Vec<Choice>,
    pub rec: Rc<Recording>,
    /// The step on screen: the world after `cursor` steps.
    pub cursor: usize,
    /// When the user, scheduling by hand, has produced the race: the fewest steps that can
    /// (the proof worker's search, `Page::shortest`).
    pub shortest_race: Option<usize>,
}

/// What a session runs: the variant, how its steps are chosen, and under which memory model.
struct Run<'a> {
    variant: &'a str,
    mode: Mode,
    seed: u64,
    prefix: Vec<Choice>,
    cursor: usize,
    memory: Memory,
}

impl Session {
    /// A run under sequential consistency.
    pub fn open(
        scenario: Rc<Loaded>,
        variant: &str,
        mode: Mode,
        seed: u64,
        params: Rc<[(String, i64)]>,
        prefix: Vec<Choice>,
        cursor: usize,
    ) -> Result<Session, Error> {
        let run = Run { variant, mode, seed, prefix, cursor, memory: Memory::Sc };
        Session::open_run(scenario, params, run)
    }

    /// `open` of `run`.
    fn open_run(scenario: Rc<Loaded>, params: Rc<[(String, i64)]>, run: Run) -> Result<Session, Error> {
        let Run { variant, mode, seed, prefix, cursor, memory } = run;
        let spec = scenario.spec_in(Some(variant), &params, memory)?;
        let then = match mode {
            // A link's `timed.*` parameters tune the timed strategy; the others ignore them.
            Mode::Strategy(kind) => Then::Strategy { kind, seed, timing: TimedConfig::for_spec(&spec, &params)? },
            Mode::Manual => Then::Stop,
        };
        let rec = Rc::new(Recording::record(spec, &prefix, true, then)?);
        let cursor = cursor.min(rec.steps());
        Ok(Session { scenario, mode, seed, params, prefix, rec, cursor, shortest_race: None })
    }

    /// The same scenario and parameters, run another way.
    fn reopen(
        &self,
        variant: &str,
        mode: Mode,
        seed: u64,
        prefix: Vec<Choice>,
        cursor: usize,
    ) -> Result<Session, Error> {
        let run = Run { variant, mode, seed, prefix, cursor, memory: self.rec.spec.memory };
        Session::open_run(self.scenario.clone(), self.params.clone(), run)
    }

    /// The same run so far under the other memory model: its choices replayed leniently (a
    /// flush is no choice under `sc`), at the same step.
    fn with_memory(&self, memory: Memory) -> Result<Session, Error> {
        let run = Run {
            variant: self.variant(),
            mode: self.mode,
            seed: self.seed,
            prefix: self.choices_so_far(),
            cursor: self.cursor,
            memory,
        };
        Session::open_run(self.scenario.clone(), self.params.clone(), run)
    }

    /// The scenario's default run.
    pub fn default_of(scenario: Rc<Loaded>) -> Result<Session, Error> {
        let variant = scenario.default_variant.clone();
        let seed = scenario.default_seed;
        Session::open(scenario, &variant, Mode::Strategy(StrategyKind::Random), seed, Rc::new([]), vec![], 0)
    }

    pub fn from_link(text: &str) -> Result<Session, Error> {
        let link = Link::decode(text)?;
        let scenario = loaded(link.scenario.clone())?;
        let rec = Recording::of_link(&link, &scenario)?;
        let mode = if link.manual { Mode::Manual } else { Mode::Strategy(link.strategy) };
        Ok(Session {
            shortest_race: None,
            scenario,
            mode,
            seed: link.seed,
            params: link.params.into(),
            prefix: link.choices.0,
            rec: Rc::new(rec),
            cursor: link.step as usize,
        })
    }

    pub fn link(&self) -> Link {
        let (strategy, manual) = match self.mode {
            Mode::Strategy(k) => (k, false),
            Mode::Manual => (StrategyKind::Random, true),
        };
        Link {
            scenario: self.scenario.named.clone(),
            variant: self.rec.spec.variant.clone(),
            strategy,
            manual,
            seed: self.seed,
            params: self.params.to_vec(),
            choices: Schedule(self.prefix.clone()),
            step: self.cursor as u32,
            memory: self.rec.spec.memory,
        }
    }

    pub fn variant(&self) -> &str {
        &self.rec.spec.variant
    }

    /// What "Prove it" explores for this run: its scenario, variant and parameters, as a link
    /// with no choices (the worker reads it with `Link::decode`).
    pub fn proof_target(&self) -> String {
        Link {
            scenario: self.scenario.named.clone(),
            variant: self.variant().to_string(),
            strategy: StrategyKind::Random,
            manual: true,
            seed: 0,
            params: self.params.to_vec(),
            choices: Schedule(vec![]),
            step: 0,
            memory: self.rec.spec.memory,
        }
        .encode()
    }

    /// The same run at another step.
    fn at(&self, cursor: usize) -> Session {
        let cursor = cursor.min(self.rec.steps());
        Session {
            scenario: self.scenario.clone(),
            params: self.params.clone(),
            prefix: self.prefix.clone(),
            rec: self.rec.clone(),
            cursor,
            ..*self
        }
    }

    /// The variant to show beside this one: the first fix of a buggy variant, the scenario's
    /// default (buggy) variant beside a fix.
    pub fn other_variant(&self) -> Option<&str> {
        let sc = &self.scenario;
        let buggy = sc.variant(self.variant()).is_ok_and(|v| v.buggy);
        let other = if buggy {
            sc.variants.iter().find(|v| !v.buggy).map(|v| v.id.as_str())
        } else {
            Some(sc.default_variant.as_str())
        };
        other.filter(|o| *o != self.variant())
    }

    /// The choices made up to the step on screen.
    fn choices_so_far(&self) -> Vec<Choice> {
        self.rec.events[..self.cursor].iter().map(|e| e.choice).collect()
    }

    /// The step at which this run lost a wakeup.
    pub fn race_step(&self) -> Option<usize> {
        match &self.rec.verdict {
            Some(Verdict::LostWakeup(l)) => Some(l.lost_at_step as usize),
            _ => None,
        }
    }
}

/// The other variant on `s`'s whole schedule (leniently: a choice it cannot take is skipped),
/// going on as `s` does after it; and the first step where the two differ.
fn beside(s: &Session) -> Option<Beside> {
    let other = s.other_variant()?.to_string();
    let choices: Vec<Choice> = s.rec.events.iter().map(|e| e.choice).collect();
    let spec = s.scenario.spec(Some(&other), &s.params).ok()?;
    let then = match s.mode {
        Mode::Strategy(kind) => {
            Then::Strategy { kind, seed: s.seed, timing: TimedConfig::for_spec(&spec, &s.params).ok()? }
        }
        Mode::Manual => Then::Stop,
    };
    let rec = Recording::record(spec, &choices, true, then).ok()?;
    /// An effect without the instruction index it names: the two variants' programs number
    /// their instructions differently, so the same test has another index in each.
    fn placeless(e: &Effect) -> Effect {
        match *e {
            Effect::Check { task, value, over, .. } => Effect::Check { task, at: 0, value, over },
            Effect::Load { task, value, .. } => Effect::Load { task, at: 0, value },
            e => e,
        }
    }
    /// The statement a step ran.
    fn code<'a>(r: &'a Recording, e: &sim_core::trace::Event) -> &'a str {
        e.pc.map_or("", |pc| r.spec.code(e.choice.task(), pc))
    }
    let (a, b) = (&s.rec, &rec);
    let differ = (0..a.steps().min(b.steps()))
        .find_map(|i| {
            let (x, y) = (&a.events[i], &b.events[i]);
            if x.choice != y.choice {
                let why = why_not(&b.worlds[i], x.choice);
                Some((i + 1, format!("{} cannot take this step on {other}: {why}", a.spec.task_name(x.choice.task()))))
            } else if code(a, x) != code(b, y) {
                let name = a.spec.task_name(x.choice.task());
                // The calls, or the whole lines where the calls read the same.
                let (mut here, mut there) = (describe::call(code(a, x)), describe::call(code(b, y)));
                if here == there {
                    (here, there) = (code(a, x).trim(), code(b, y).trim());
                }
                Some((i + 1, format!("{name} runs {here} here, and {there} on {other}")))
            } else if !x.effects.iter().map(placeless).eq(y.effects.iter().map(placeless)) {
                Some((i + 1, format!("the same line does something else on {other}")))
            } else {
                None
            }
        })
        .or_else(|| {
            (a.steps() != b.steps()).then(|| {
                let n = a.steps().min(b.steps());
                (n + 1, format!("the runs agree for {n} steps, then one of them ends"))
            })
        });
    let session = Session {
        scenario: s.scenario.clone(),
        mode: s.mode,
        seed: s.seed,
        params: s.params.clone(),
        prefix: choices,
        cursor: s.cursor.min(rec.steps()),
        rec: Rc::new(rec),
        shortest_race: None,
    };
    Some(Beside { of: s.rec.clone(), session: Rc::new(session), differ })
}

/// A race made by hand, and how short one can be: the proof worker's breadth-first search
/// (`prove::Task::Shortest`), asked once per scenario, variant and parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShortestRace {
    /// The search under way: the `Session::proof_target` it was asked for. The App runs a
    /// worker while this is set.
    pub job: Option<String>,
    /// The last answer: for which target, and the fewest steps (none when the search found no
    /// race within its limit).
    pub known: Option<(String, Option<usize>)>,
}

pub enum Msg {
    Open(String),
    Variant(String),
    Mode(String),
    /// The memory model (`sc`, `tso`): the same schedule under the other model.
    Memory(String),
    Seed(u64),
    /// A scenario parameter (e.g. `lockers`): a new run with the same variant and seed.
    Param(String, i64),
    Go(usize),
    Forward,
    Back,
    Start,
    End,
    TogglePlay,
    /// The play timer ticked.
    Tick,
    Speed(u32),
    /// Predict mode on or off.
    TogglePredict,
    /// The user's answer to the predict question: a task, or nobody.
    Answer(Option<TaskId>),
    JumpToRace,
    /// "You schedule": run this task's next step, or deliver it a fatal signal.
    Choose(Choice),
    LoadLink(String),
    Gallery,
    /// Presentation mode on or off (the `p` key).
    TogglePresent,
    /// The fix beside the bug on or off.
    ToggleCompare,
    /// Start lesson `i` (from 0) of the lesson path.
    Lesson(usize),
    /// The lesson path, at the first lesson not yet done.
    Lessons,
    /// In a lesson: try to break the fix, by hand.
    BreakTheFix,
    /// "Prove it": explore every schedule of this scenario, variant and parameters.
    Prove,
    StopProof,
    /// The proof worker's report.
    ProofHeard(prove::Report),
    /// The proof worker could not run.
    ProofFailed(String),
    /// The shortest race of a target (`Session::proof_target`), from the proof worker.
    ShortestHeard(String, Option<usize>),
    /// Open the counterexample the proof found, at its race.
    OpenCounterexample,
    /// Open the editor on the scenario on screen.
    Edit,
    /// Open the editor on the template of a new scenario.
    New,
    /// The editor's text, as typed.
    #[cfg(feature = "editor")]
    Type(String),
    /// Typing paused: check the editor's text.
    #[cfg(feature = "editor")]
    CheckEdit,
    /// Run a scenario file from its start (the editor's "run", or a file picked or dropped),
    /// named as its links will name it (`editor::run`), or why it cannot be.
    #[cfg(feature = "editor")]
    Run {
        text: Rc<str>,
        named: Result<ScenarioRef, String>,
    },
    #[cfg(feature = "editor")]
    CloseEditor,
    /// Something the user gave cannot be used: say why.
    Refused(String),
    /// Open one seed of a sweep, from the start: its scenario (as a link names it), variant,
    /// strategy, seed and parameters.
    Watch {
        scenario: String,
        variant: String,
        strategy: StrategyKind,
        seed: u64,
        params: Rc<[(String, i64)]>,
    },
}

/// How the page is laid out, kept in the URL's query (`?present&compare`), beside the run's
/// `#wq1/...` link, so every link made before still opens the same run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    /// Presentation mode: the whole race on one screen, in large type.
    pub present: bool,
    /// The compact layout of an embedded run (an iframe on a course page).
    pub embed: bool,
    /// The fix beside the bug: the other variant on the same schedule, in lockstep.
    pub compare: bool,
    /// The lesson under way (an index into `lesson::LESSONS`).
    pub lesson: Option<usize>,
}

impl View {
    /// Read `?present&embed&compare&lesson=2` (unknown words are ignored).
    pub fn parse(query: &str) -> View {
        let mut v = View::default();
        for word in query.trim_start_matches('?').split('&') {
            match word.split_once('=') {
                None if word == "present" => v.present = true,
                None if word == "embed" => v.embed = true,
                None if word == "compare" => v.compare = true,
                Some(("lesson", n)) => {
                    v.lesson = n.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).filter(|&i| i < LESSONS.len())
                }
                _ => {}
            }
        }
        v
    }

    /// The query, with its `?`, or nothing.
    pub fn query(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        for (on, word) in [(self.present, "present"), (self.embed, "embed"), (self.compare, "compare")] {
            if on {
                words.push(word.into());
            }
        }
        if let Some(i) = self.lesson {
            words.push(format!("lesson={}", i + 1));
        }
        if words.is_empty() {
            String::new()
        } else {
            format!("?{}", words.join("&"))
        }
    }
}

/// The other variant on the same schedule, at the same step.
pub struct Beside {
    /// The main run it was made for.
    of: Rc<Recording>,
    pub session: Rc<Session>,
    /// The first step at which the two runs differ, and why.
    pub differ: Option<(usize, String)>,
}

/// "Prove it": the exhaustive explorer, run in a web worker.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Proof {
    /// The proof under way: its number, and the link naming what it explores. The App runs a
    /// worker while this is set, and ends it when this changes.
    pub job: Option<(u32, String)>,
    /// What the last proof explored (`Session::proof_target`), and how to name it.
    pub target: String,
    pub label: String,
    /// What the worker said last.
    pub heard: Option<prove::Report>,
    /// Stopped by the user.
    pub stopped: bool,
}

#[derive(Clone, Default)]
pub struct Page {
    pub session: Option<Rc<Session>>,
    /// A message for the user: a broken link, a failed action.
    pub notice: Option<String>,
    pub playing: bool,
    /// Milliseconds per step when playing.
    pub speed_ms: u32,
    pub predict: Predict,
    pub view: View,
    pub beside: Option<Rc<Beside>>,
    /// The lessons done, kept in the browser.
    pub progress: Progress,
    pub proof: Proof,
    pub shortest: ShortestRace,
    #[cfg(feature = "editor")]
    pub editor: Editor,
    /// What to hand to the editor's build of the page, which then takes this one's place.
    #[cfg(not(feature = "editor"))]
    pub handoff: Option<Handoff>,
}

impl Page {
    fn with(&self, session: Result<Session, Error>) -> Page {
        match session {
            Ok(s) => Page {
                session: Some(Rc::new(s)),
                notice: None,
                playing: false,
                predict: self.predict.moved(),
                ..self.copy()
            },
            Err(e) => Page { notice: Some(e.to_string()), session: self.session.clone(), ..self.copy() },
        }
    }

    fn copy(&self) -> Page {
        self.clone()
    }

    fn at(&self, cursor: usize) -> Page {
        let Some(s) = &self.session else { return self.copy() };
        Page { session: Some(Rc::new(s.at(cursor))), predict: self.predict.moved(), ..self.copy() }
    }

    /// Lesson `i` from its start: "you schedule" on its buggy variant.
    fn lesson(&self, i: usize) -> Page {
        let l = &LESSONS[i.min(LESSONS.len() - 1)];
        let opened =
            builtin(l.scenario).and_then(|sc| Session::open(sc, l.bug, Mode::Manual, 0, l.params().into(), vec![], 0));
        let page = self.with(opened);
        Page { view: View { lesson: Some(i.min(LESSONS.len() - 1)), ..page.view.clone() }, ..page }
    }

    /// What follows from a move: the run beside this one follows it, a lesson that no longer
    /// applies ends, a race produced in a lesson counts.
    fn settle(mut self) -> Page {
        let Some(s) = self.session.clone() else {
            self.beside = None;
            return self;
        };
        if let Some(i) = self.view.lesson {
            if LESSONS[i].scenario != s.scenario.id {
                self.view.lesson = None;
            } else if s.mode == Mode::Manual
                && s.variant() == LESSONS[i].bug
                && matches!(s.rec.verdict, Some(Verdict::LostWakeup(_)))
            {
                self.progress = self.progress.raced(i, s.rec.steps() as u32);
            }
        }
        // A race made by hand is scored against the shortest: asked of the worker once.
        let raced = s.mode == Mode::Manual && matches!(s.rec.verdict, Some(Verdict::LostWakeup(_)));
        if raced {
            let target = s.proof_target();
            match &self.shortest.known {
                Some((t, n)) if *t == target => {
                    if s.shortest_race != *n {
                        self.session = Some(Rc::new(Session { shortest_race: *n, ..s.at(s.cursor) }));
                    }
                }
                _ => self.shortest.job = Some(target),
            }
        }
        self.beside = match (&self.view.compare, &self.beside) {
            (false, _) => None,
            (true, Some(b)) if Rc::ptr_eq(&b.of, &s.rec) => Some(Rc::new(Beside {
                of: b.of.clone(),
                session: Rc::new(b.session.at(s.cursor)),
                differ: b.differ.clone(),
            })),
            (true, _) => beside(&s).map(Rc::new),
        };
        self
    }

    /// A scenario file in the editor, checked and run from its start; or its mistakes, in the
    /// editor and in one line above it.
    #[cfg(feature = "editor")]
    fn run(&self, text: Rc<str>, named: Result<ScenarioRef, String>) -> Page {
        let editor = Editor { open: true, text: text.clone(), ..self.editor.clone() }.checked();
        let opened = crate::editor::check(&text)
            .map_err(|problems| problems.first().map_or(String::new(), |p| p.message.clone()));
        match opened.and_then(|scenario| Ok((scenario, named?))) {
            Ok((scenario, named)) => {
                let loaded = Rc::new(Loaded { scenario: Cow::Owned(scenario), named });
                Page { editor, ..self.with(Session::default_of(loaded)) }
            }
            Err(why) => Page { notice: Some(format!("This scenario cannot run: {why}")), editor, ..self.copy() },
        }
    }

    /// One step on, unless predict mode first asks about it (and pauses play).
    fn forward(&self) -> Page {
        let Some(s) = &self.session else { return self.copy() };
        if self.predict.on {
            if self.predict.question.is_some() {
                return Page { playing: false, ..self.copy() };
            }
            if let Some(q) = predict::question(s) {
                return Page { playing: false, predict: self.predict.ask(q), ..self.copy() };
            }
        }
        self.at(s.cursor + 1)
    }
}

impl Reducible for Page {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let s = self.session.as_deref();
        let cursor = s.map_or(0, |s| s.cursor);
        let page = match msg {
            Msg::Open(id) => match builtin(&id) {
                Ok(scenario) => self.with(Session::default_of(scenario)),
                Err(e) => Page { notice: Some(e.to_string()), ..self.copy() },
            },
            // The same choices, as far as they apply, on another variant: "watch the fix
            // survive this interleaving".
            Msg::Variant(v) => match s {
                Some(s) => self.with(s.reopen(&v, s.mode, s.seed, s.choices_so_far(), s.cursor)),
                None => self.copy(),
            },
            Msg::Memory(id) => match (s, id.parse::<Memory>()) {
                (Some(s), Ok(memory)) => self.with(s.with_memory(memory)),
                _ => self.copy(),
            },
            Msg::Mode(id) => match (s, Mode::ALL.iter().find(|(_, i, _)| *i == id)) {
                (Some(s), Some(&(Mode::Manual, _, _))) => {
                    self.with(s.reopen(s.variant(), Mode::Manual, s.seed, s.choices_so_far(), s.cursor))
                }
                (Some(s), Some(&(mode, _, _))) => self.with(s.reopen(s.variant(), mode, s.seed, vec![], 0)),
                _ => self.copy(),
            },
            Msg::Seed(seed) => match s {
                Some(s) => self.with(s.reopen(s.variant(), s.mode, seed, vec![], 0)),
                None => self.copy(),
            },
            Msg::Param(name, value) => match s {
                Some(s) => {
                    let mut params: Vec<(String, i64)> = s.params.iter().filter(|(n, _)| *n != name).cloned().collect();
                    params.push((name, value));
                    let reopened =
                        Session::open(s.scenario.clone(), s.variant(), s.mode, s.seed, params.into(), vec![], 0);
                    self.with(reopened)
                }
                None => self.copy(),
            },
            Msg::Go(step) => self.at(step),
            Msg::Forward => self.forward(),
            Msg::Back => self.at(cursor.saturating_sub(1)),
            Msg::Start => self.at(0),
            Msg::End => self.at(usize::MAX),
            Msg::TogglePlay => {
                let at_end = s.is_some_and(|s| s.cursor >= s.rec.steps());
                let page = if at_end && !self.playing { self.at(0) } else { self.copy() };
                Page { playing: !self.playing, ..page }
            }
            Msg::Tick => {
                let page = self.forward();
                let done = page.session.as_deref().is_none_or(|s| s.cursor >= s.rec.steps());
                Page { playing: page.playing && !done, ..page }
            }
            Msg::TogglePredict => {
                Page { predict: Predict { on: !self.predict.on, ..self.predict.moved() }, ..self.copy() }
            }
            Msg::Answer(pick) => match &self.predict.question {
                Some(q) => Page { predict: self.predict.answer(pick), ..self.at(q.step) },
                None => self.copy(),
            },
            Msg::Speed(ms) => Page { speed_ms: ms, ..self.copy() },
            Msg::JumpToRace => match s.and_then(Session::race_step) {
                Some(step) => self.at(step),
                None => self.copy(),
            },
            Msg::Choose(c) => match s {
                Some(s) => {
                    let mut prefix = s.choices_so_far();
                    prefix.push(c);
                    self.with(s.reopen(s.variant(), Mode::Manual, s.seed, prefix, s.cursor + 1))
                }
                None => self.copy(),
            },
            #[cfg(not(feature = "editor"))]
            Msg::LoadLink(text) if carries_scenario(&text) => Page { handoff: Some(Handoff::Link), ..self.copy() },
            Msg::LoadLink(text) => match Session::from_link(&text) {
                Ok(s) => self.with(Ok(s)),
                Err(e) => {
                    Page { session: None, notice: Some(format!("This link cannot be opened: {e}")), ..self.copy() }
                }
            },
            Msg::Gallery => Page { session: None, playing: false, view: View::default(), ..self.copy() },
            Msg::TogglePresent => {
                Page { view: View { present: !self.view.present, ..self.view.clone() }, ..self.copy() }
            }
            Msg::ToggleCompare => {
                Page { view: View { compare: !self.view.compare, ..self.view.clone() }, ..self.copy() }
            }
            Msg::Lesson(i) => self.lesson(i),
            Msg::Lessons => self.lesson(self.progress.next()),
            Msg::BreakTheFix => match (s, self.view.lesson) {
                (Some(s), Some(i)) => {
                    let fix = LESSONS[i].fix;
                    self.with(Session::open(s.scenario.clone(), fix, Mode::Manual, 0, s.params.clone(), vec![], 0))
                }
                _ => self.copy(),
            },
            Msg::Prove => match s {
                Some(s) => {
                    let id = self
                        .proof
                        .job
                        .as_ref()
                        .map_or(0, |(id, _)| *id)
                        .max(self.proof.heard.as_ref().map_or(0, |r| r.id))
                        + 1;
                    let target = s.proof_target();
                    let params: String = s.rec.spec.params.iter().map(|(k, v)| format!(" {k}={v}")).collect();
                    let label = format!("{} {}{params}", s.scenario.id, s.variant());
                    Page {
                        proof: Proof { job: Some((id, target.clone())), target, label, heard: None, stopped: false },
                        ..self.copy()
                    }
                }
                None => self.copy(),
            },
            Msg::StopProof => Page {
                proof: Proof { job: None, stopped: self.proof.job.is_some(), ..self.proof.clone() },
                ..self.copy()
            },
            Msg::ProofHeard(report) => match &self.proof.job {
                Some((id, _)) if *id == report.id => {
                    let done = report.done;
                    let mut page = self.copy();
                    if done && report.complete && report.found.is_none() {
                        if let Some(i) = self.view.lesson.filter(|&i| s.is_some_and(|s| s.variant() == LESSONS[i].fix))
                        {
                            page.progress = page.progress.proved(i);
                        }
                    }
                    page.proof.heard = Some(report);
                    if done {
                        page.proof.job = None;
                    }
                    page
                }
                _ => self.copy(),
            },
            Msg::ProofFailed(error) => {
                let heard = prove::Report {
                    id: self.proof.job.as_ref().map_or(0, |j| j.0),
                    done: true,
                    error: Some(error),
                    ..prove::Report::default()
                };
                Page { proof: Proof { job: None, heard: Some(heard), ..self.proof.clone() }, ..self.copy() }
            }
            Msg::ShortestHeard(target, steps) => {
                Page { shortest: ShortestRace { job: None, known: Some((target, steps)) }, ..self.copy() }
            }
            Msg::OpenCounterexample => match self.proof.heard.as_ref().and_then(|r| r.found.as_ref()) {
                Some(found) => {
                    let page = self.with(Session::from_link(&found.link));
                    let race = page.session.as_deref().and_then(Session::race_step);
                    match race {
                        Some(step) => page.at(step),
                        None => page,
                    }
                }
                None => self.copy(),
            },
            #[cfg(feature = "editor")]
            Msg::Edit => match s {
                Some(s) => Page { editor: Editor::of(&s.scenario.text), ..self.copy() },
                None => self.copy(),
            },
            #[cfg(feature = "editor")]
            Msg::New => Page { editor: Editor::of(crate::editor::TEMPLATE), ..self.copy() },
            #[cfg(feature = "editor")]
            Msg::Type(text) => {
                Page { editor: Editor { text: text.into(), problems: None, ..self.editor.clone() }, ..self.copy() }
            }
            #[cfg(feature = "editor")]
            Msg::CheckEdit => Page { editor: self.editor.checked(), ..self.copy() },
            #[cfg(feature = "editor")]
            Msg::Run { text, named } => self.run(text, named),
            #[cfg(feature = "editor")]
            Msg::CloseEditor => Page { editor: Editor { open: false, ..self.editor.clone() }, ..self.copy() },
            #[cfg(not(feature = "editor"))]
            Msg::Edit => match s {
                Some(_) => Page { handoff: Some(Handoff::Edit), ..self.copy() },
                None => self.copy(),
            },
            #[cfg(not(feature = "editor"))]
            Msg::New => Page { handoff: Some(Handoff::New), ..self.copy() },
            Msg::Refused(why) => Page { notice: Some(why), ..self.copy() },
            Msg::Watch { scenario, variant, strategy, seed, params } => {
                match ScenarioRef::decode(&scenario).and_then(loaded) {
                    Ok(sc) => self.with(Session::open(sc, &variant, Mode::Strategy(strategy), seed, params, vec![], 0)),
                    Err(e) => Page { notice: Some(e.to_string()), ..self.copy() },
                }
            }
        };
        Rc::new(page.settle())
    }
}

/// Whether `link` names a scenario file it carries (which the editor's build opens). A link that
/// cannot be read is not: opening it says why.
#[cfg(not(feature = "editor"))]
fn carries_scenario(link: &str) -> bool {
    Link::decode(link).is_ok_and(|l| matches!(l.scenario, ScenarioRef::Carried(_)))
}

/// Why `c` cannot happen in `world`, as one short sentence for a greyed choice: the core's
/// reason, which names the holder of a mutex the task waits for.
pub fn why_not(world: &World, c: Choice) -> String {
    match world.not_enabled(c) {
        Error::NotEnabled { why, .. } => why,
        e => e.to_string(),
    }
}

/// The tasks of the session's scenario, by index.
pub fn tasks(s: &Session) -> impl Iterator<Item = TaskId> + '_ {
    s.rec.spec.task_ids()
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    /// The view's query reads back as written; a link without one is the plain page, and words
    /// the page does not know are ignored (a link made by a later page still opens).
    #[wasm_bindgen_test]
    fn the_view_survives_the_query() {
        let all = View { present: true, embed: true, compare: true, lesson: Some(1) };
        assert_eq!(all.query(), "?present&embed&compare&lesson=2");
        assert_eq!(View::parse(&all.query()), all);
        assert_eq!(View::parse(""), View::default());
        assert_eq!(View::default().query(), "");
        assert_eq!(View::parse("?present&zoom=3&lesson=9"), View { present: true, ..View::default() });
    }

    /// The fix beside the bug: the first step where pipe v5.8 and v5.9 part on seed 3005, and a
    /// reason that names the line each runs.
    #[wasm_bindgen_test]
    fn the_fix_beside_the_bug_names_the_first_difference() {
        let sc = builtin("pipe-splice").unwrap();
        let s = Session::open(sc, "v5.8", Mode::Strategy(StrategyKind::Random), 3005, Rc::new([]), vec![], 0).unwrap();
        assert_eq!(s.other_variant(), Some("v5.9"));
        let b = beside(&s).unwrap();
        let (step, why) = b.differ.unwrap();
        assert_eq!(step, 17);
        assert!(why.contains("prepare_to_wait") && why.contains("on v5.9"), "{why}");
        assert_eq!(b.session.variant(), "v5.9");
        assert!(matches!(b.session.rec.verdict, Some(Verdict::Finished { .. })));
    }
}

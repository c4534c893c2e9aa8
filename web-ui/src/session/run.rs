//! A run on screen: the scenario it runs (`Loaded`), how its steps are chosen (`Mode`), and the
//! `Session` that holds its recording and the step on screen.

use std::borrow::Cow;
use std::rc::Rc;

use sim_core::kernel::memory::Memory;
use sim_core::recording::{Recording, Then};
use sim_core::share::{Link, ScenarioRef};
use sim_core::strategy::{StrategyKind, TimedConfig};
use sim_core::{Choice, Error, Scenario, Schedule, TaskId, Verdict, World};

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
    pub(super) fn reopen(
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
    pub(super) fn with_memory(&self, memory: Memory) -> Result<Session, Error> {
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
    pub(super) fn at(&self, cursor: usize) -> Session {
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
    pub(super) fn choices_so_far(&self) -> Vec<Choice> {
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

//! The page's state: one recorded run and the step on screen, changed only by messages named
//! after what the user does. Every rule of the kernel comes from sim-core; this decides only
//! what to show.

use std::rc::Rc;

use sim_core::explore::shortest::{shortest_lost_wakeup, Shortest};
use sim_core::recording::{Recording, Then};
use sim_core::share::Link;
use sim_core::strategy::{StrategyKind, TimedConfig};
use sim_core::{library, Choice, Error, Scenario, Schedule, TaskId, Verdict};
use yew::prelude::*;

use crate::predict::{self, Predict};

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

/// A run on screen.
pub struct Session {
    pub scenario: &'static Scenario,
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
    /// When the user, scheduling by hand, has produced the race: the fewest steps that can.
    pub shortest_race: Option<usize>,
}

/// States the page's breadth-first search may visit for the shortest race (a few hundred
/// milliseconds in the browser at worst).
const SHORTEST_MAX_STATES: u64 = 200_000;

impl Session {
    pub fn open(
        scenario: &'static Scenario,
        variant: &str,
        mode: Mode,
        seed: u64,
        params: Rc<[(String, i64)]>,
        prefix: Vec<Choice>,
        cursor: usize,
    ) -> Result<Session, Error> {
        let spec = scenario.spec(Some(variant), &params)?;
        let then = match mode {
            // A link's `timed.*` parameters tune the timed strategy; the others ignore them.
            Mode::Strategy(kind) => Then::Strategy { kind, seed, timing: TimedConfig::from_params(&params)? },
            Mode::Manual => Then::Stop,
        };
        let rec = Rc::new(Recording::record(spec, &prefix, true, then)?);
        let cursor = cursor.min(rec.steps());
        let shortest_race = (mode == Mode::Manual).then(|| shortest_race(&rec)).flatten();
        Ok(Session { scenario, mode, seed, params, prefix, rec, cursor, shortest_race })
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
        Session::open(self.scenario, variant, mode, seed, self.params.clone(), prefix, cursor)
    }

    /// The scenario's default run.
    pub fn default_of(scenario: &'static Scenario) -> Result<Session, Error> {
        Session::open(
            scenario,
            &scenario.default_variant,
            Mode::Strategy(StrategyKind::Random),
            scenario.default_seed,
            Rc::new([]),
            vec![],
            0,
        )
    }

    pub fn from_link(text: &str) -> Result<Session, Error> {
        let link = Link::decode(text)?;
        let scenario = library::find(&link.scenario)?;
        let rec = Recording::from_link(&link)?;
        let mode = if link.manual { Mode::Manual } else { Mode::Strategy(link.strategy) };
        let shortest_race = link.manual.then(|| shortest_race(&rec)).flatten();
        Ok(Session {
            shortest_race,
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
            scenario: self.scenario.id.clone(),
            variant: self.rec.spec.variant.clone(),
            strategy,
            manual,
            seed: self.seed,
            params: self.params.to_vec(),
            choices: Schedule(self.prefix.clone()),
            step: self.cursor as u32,
        }
    }

    pub fn variant(&self) -> &str {
        &self.rec.spec.variant
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

/// If `rec` lost a wakeup: the length of a shortest schedule that does (breadth-first search).
fn shortest_race(rec: &Recording) -> Option<usize> {
    if !matches!(rec.verdict, Some(Verdict::LostWakeup(_))) {
        return None;
    }
    match shortest_lost_wakeup(&rec.spec, SHORTEST_MAX_STATES, &mut |_| true).0 {
        Shortest::Found(schedule) => Some(schedule.0.len()),
        Shortest::None | Shortest::Incomplete => None,
    }
}

pub enum Msg {
    Open(String),
    Variant(String),
    Mode(String),
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
    /// Open one seed of a sweep, from the start: its scenario, variant, strategy, seed and
    /// parameters.
    Watch {
        scenario: String,
        variant: String,
        strategy: StrategyKind,
        seed: u64,
        params: Rc<[(String, i64)]>,
    },
}

#[derive(Default)]
pub struct Page {
    pub session: Option<Rc<Session>>,
    /// A message for the user: a broken link, a failed action.
    pub notice: Option<String>,
    pub playing: bool,
    /// Milliseconds per step when playing.
    pub speed_ms: u32,
    pub predict: Predict,
}

impl Page {
    fn with(&self, session: Result<Session, Error>) -> Page {
        match session {
            Ok(s) => Page {
                session: Some(Rc::new(s)),
                notice: None,
                playing: false,
                speed_ms: self.speed_ms,
                predict: self.predict.moved(),
            },
            Err(e) => Page { notice: Some(e.to_string()), session: self.session.clone(), ..self.copy() },
        }
    }

    fn copy(&self) -> Page {
        Page {
            session: self.session.clone(),
            notice: self.notice.clone(),
            playing: self.playing,
            speed_ms: self.speed_ms,
            predict: self.predict.clone(),
        }
    }

    fn at(&self, cursor: usize) -> Page {
        let Some(s) = &self.session else { return self.copy() };
        let cursor = cursor.min(s.rec.steps());
        let session = Session { params: s.params.clone(), prefix: s.prefix.clone(), rec: s.rec.clone(), cursor, ..**s };
        Page { session: Some(Rc::new(session)), predict: self.predict.moved(), ..self.copy() }
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
            Msg::Open(id) => match library::find(&id) {
                Ok(scenario) => self.with(Session::default_of(scenario)),
                Err(e) => Page { notice: Some(e.to_string()), ..self.copy() },
            },
            // The same choices, as far as they apply, on another variant: "watch the fix
            // survive this interleaving".
            Msg::Variant(v) => match s {
                Some(s) => self.with(s.reopen(&v, s.mode, s.seed, s.choices_so_far(), s.cursor)),
                None => self.copy(),
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
                    let reopened = Session::open(s.scenario, s.variant(), s.mode, s.seed, params.into(), vec![], 0);
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
            Msg::LoadLink(text) => match Session::from_link(&text) {
                Ok(s) => self.with(Ok(s)),
                Err(e) => {
                    Page { session: None, notice: Some(format!("This link cannot be opened: {e}")), ..self.copy() }
                }
            },
            Msg::Gallery => Page { session: None, playing: false, ..self.copy() },
            Msg::Watch { scenario, variant, strategy, seed, params } => match library::find(&scenario) {
                Ok(sc) => self.with(Session::open(sc, &variant, Mode::Strategy(strategy), seed, params, vec![], 0)),
                Err(e) => Page { notice: Some(e.to_string()), ..self.copy() },
            },
        };
        Rc::new(page)
    }
}

/// The tasks of the session's scenario, by index.
pub fn tasks(s: &Session) -> impl Iterator<Item = TaskId> + '_ {
    s.rec.spec.task_ids()
}

//! The page's state: one recorded run and the step on screen, changed only by messages named
//! after what the user does. Every rule of the kernel comes from sim-core; this decides only
//! what to show.

mod beside;
mod layout;
mod proof;
mod run;

#[cfg(feature = "editor")]
use std::borrow::Cow;
use std::rc::Rc;

use sim_core::kernel::memory::Memory;
#[cfg(not(feature = "editor"))]
use sim_core::share::Link;
use sim_core::share::ScenarioRef;
use sim_core::strategy::StrategyKind;
use sim_core::{Choice, Error, TaskId, Verdict};
use yew::prelude::*;

use beside::beside;
pub use beside::Beside;
pub use layout::View;
pub use proof::{Proof, ShortestRace};
pub use run::{builtin, loaded, tasks, why_not, Loaded, Mode, Session};

#[cfg(feature = "editor")]
use crate::editor::Editor;
#[cfg(not(feature = "editor"))]
use crate::handoff::Handoff;
use crate::lesson::{Progress, LESSONS};
use crate::predict::{self, Predict};
use crate::prove;

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

//! The world: the kernel state of one run, what may happen next (`choices`), and doing it
//! (`apply`). Cheap to clone, so explorers snapshot it and the page steps back exactly.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::effect::{Effect, Sink};
use crate::error::Error;
use crate::exec;
use crate::ids::TaskId;
use crate::kernel::task::Task;
use crate::kernel::Kernel;
use crate::oracle::{self, Oracle, StepCtx, Verdict};
use crate::program::Instr;
use crate::spec::{Spec, TaskSpec};

/// One thing that may happen next: a task takes its next atomic step on its CPU, a fatal
/// signal is delivered to a task, or (under `tso`) the oldest store in a task's CPU's store
/// buffer reaches memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Step(TaskId),
    Signal(TaskId),
    Flush(TaskId),
}

impl Choice {
    pub fn task(self) -> TaskId {
        match self {
            Choice::Step(t) | Choice::Signal(t) | Choice::Flush(t) => t,
        }
    }
}

#[derive(Clone)]
pub struct World {
    spec: Arc<Spec>,
    pub kernel: Kernel,
    pub oracle: Oracle,
    /// Steps taken so far; the next step is number `steps + 1`.
    pub steps: u32,
}

impl fmt::Debug for World {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("World").field("kernel", &self.kernel).field("steps", &self.steps).finish()
    }
}

/// Passes each effect to the oracle, then on to the caller's sink, adding the oracle's `Lost`
/// marker after the effect that revealed a loss.
struct Tap<'a, S> {
    oracle: &'a mut Oracle,
    inner: &'a mut S,
    cx: StepCtx,
}

impl<S: Sink> Sink for Tap<'_, S> {
    fn begin(&mut self, step: u32, choice: Choice, pc: Option<u16>) {
        self.inner.begin(step, choice, pc);
    }

    #[inline]
    fn emit(&mut self, e: Effect) {
        let loss = self.oracle.observe(&e, self.cx);
        self.inner.emit(e);
        if let Some(loss) = loss {
            self.inner.emit(Effect::Lost { task: loss.task });
        }
    }
}

impl World {
    pub fn new(spec: Arc<Spec>) -> World {
        let kernel = spec.initial.clone();
        let oracle = Oracle::new(kernel.tasks.len(), kernel.queues.len());
        let mut world = World { spec, kernel, oracle, steps: 0 };
        world.start_pages();
        world
    }

    /// Back to the start of a run, keeping the oracle's allocations: a sweep runs many seeds in
    /// one world, and making a world per seed was 5% of a page-lock sweep.
    pub fn restart(&mut self) {
        self.kernel = self.spec.initial.clone();
        self.oracle.restart();
        self.steps = 0;
        self.start_pages();
    }

    /// Tell the oracle the flags each page starts with.
    fn start_pages(&mut self) {
        for i in 0..self.kernel.pages.len() {
            let p = crate::ids::PageId(i as u8);
            self.oracle.start_page(i, self.kernel.page_locked(p), self.kernel.page_waiters(p));
        }
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    pub fn spec_arc(&self) -> &Arc<Spec> {
        &self.spec
    }

    /// Task `t`'s next instruction (always a step, never a local one), if it has not returned.
    pub fn next_instr(&self, t: TaskId) -> Option<&Instr> {
        let task = self.kernel.tasks.get(t.index())?;
        if task.exit.is_some() {
            return None;
        }
        self.spec.program(t).instrs.get(usize::from(task.pc))
    }

    /// Whether any task can take a step or any store buffer flush. When nothing can, the run is
    /// over: signals are not delivered into a world where no task runs any more.
    pub fn can_step(&self) -> bool {
        can_step(&self.spec, &self.kernel)
    }

    pub fn is_enabled(&self, c: Choice) -> bool {
        is_enabled(&self.spec, &self.kernel, c)
    }

    /// The enabled choices, in canonical order: task steps by task, then signals by task, then
    /// flushes by CPU.
    pub fn choices(&self, out: &mut Vec<Choice>) {
        choices(&self.spec, &self.kernel, out);
    }

    /// Take one atomic step. Effects go to `sink` (after `sink.begin`), watched by the oracle.
    pub fn apply<S: Sink>(&mut self, c: Choice, sink: &mut S) -> Result<(), Error> {
        if !self.is_enabled(c) {
            return Err(self.not_enabled(c));
        }
        self.apply_enabled(c, sink);
        Ok(())
    }

    /// `apply` of a choice `choices` just listed, so not checked again: the run loop takes every
    /// step this way, and the second check cost a sweep 7% of its time.
    pub(crate) fn apply_enabled<S: Sink>(&mut self, c: Choice, sink: &mut S) {
        self.steps += 1;
        let step = self.steps;
        let pc = match c {
            Choice::Step(t) => Some(self.kernel.task(t).pc),
            Choice::Signal(_) | Choice::Flush(_) => None,
        };
        sink.begin(step, c, pc);
        let World { spec, kernel, oracle, .. } = self;
        let cx = StepCtx { step, actor: pc.map(|_| c.task()), pc: pc.unwrap_or(0) };
        apply(spec, kernel, c, &mut Tap { oracle, inner: sink, cx });
    }

    /// The verdict, once no task can step.
    pub fn verdict(&self) -> Option<Verdict> {
        (!self.can_step()).then(|| oracle::judge(self))
    }

    /// Why `c` cannot happen now, as an error.
    pub fn not_enabled(&self, c: Choice) -> Error {
        let step = self.steps + 1;
        let t = c.task();
        let Some(task) = self.kernel.tasks.get(t.index()) else {
            return Error::NotEnabled { step, choice: format!("task #{}", t.0), why: "there is no such task".into() };
        };
        let name = self.spec.task_name(t);
        let why = match c {
            _ if task.exit.is_some() => format!("{name} has returned"),
            Choice::Step(_) if !task.on_rq => format!("{name} is asleep"),
            Choice::Step(_) => match self.next_instr(t).map(|i| i.op) {
                Some(crate::program::Op::Call { prim: crate::program::Prim::MutexLock(m), .. }) => {
                    let mutex = self.spec.mutexes.get(m.index()).map_or("a mutex", String::as_str);
                    let owner = self.kernel.mutex(m).map_or("?", |o| self.spec.task_name(o));
                    format!("{name} waits for {mutex}, held by {owner}")
                }
                _ => format!("{name} cannot step"),
            },
            Choice::Signal(_) if !self.spec.tasks[t.index()].signalable => {
                format!("{name} may not receive a signal in this scenario")
            }
            Choice::Signal(_) if task.fatal_signal => format!("{name} already has its signal"),
            Choice::Signal(_) => "no task can run any more".into(),
            Choice::Flush(_) => format!("{name}'s CPU has no store in its buffer"),
        };
        let choice = match c {
            Choice::Step(_) => format!("a step of {name}"),
            Choice::Signal(_) => format!("a signal to {name}"),
            Choice::Flush(_) => format!("a flush of {name}'s store buffer"),
        };
        Error::NotEnabled { step, choice, why }
    }
}

/// Whether task `t` can take its next step.
fn task_can_step(spec: &Spec, k: &Kernel, t: TaskId) -> bool {
    exec::enabled(k, spec.program(t), k.task(t))
}

/// Whether anything can happen in `k`: a task can take a step, or a store buffer can flush.
pub fn can_step(spec: &Spec, k: &Kernel) -> bool {
    tasks_can_step(spec, k) || !k.buffered.is_empty()
}

/// Whether any task of `k` can take a step.
fn tasks_can_step(spec: &Spec, k: &Kernel) -> bool {
    spec.task_ids().any(|t| task_can_step(spec, k, t))
}

/// Whether a signal to `t` can be delivered, given that some task can step.
#[inline]
fn signal_deliverable(ts: &TaskSpec, task: &Task) -> bool {
    ts.signalable && !task.fatal_signal && task.exit.is_none()
}

pub fn is_enabled(spec: &Spec, k: &Kernel, c: Choice) -> bool {
    let t = c.task();
    if t.index() >= k.tasks.len() {
        return false;
    }
    match c {
        Choice::Step(t) => task_can_step(spec, k, t),
        Choice::Signal(t) => signal_deliverable(&spec.tasks[t.index()], k.task(t)) && tasks_can_step(spec, k),
        Choice::Flush(t) => k.has_buffered(t),
    }
}

/// The enabled choices of `k`, in canonical order: task steps by task, then signals by task, then
/// flushes by CPU. Runs before every step: the tasks are walked alongside their specs, with no
/// lookups by id.
pub fn choices(spec: &Spec, k: &Kernel, out: &mut Vec<Choice>) {
    out.clear();
    let tasks = || spec.task_ids().zip(spec.tasks.iter().zip(&k.tasks));
    for (t, (ts, task)) in tasks() {
        if exec::enabled(k, &spec.programs[ts.program], task) {
            out.push(Choice::Step(t));
        }
    }
    if !out.is_empty() {
        for (t, (ts, task)) in tasks() {
            if signal_deliverable(ts, task) {
                out.push(Choice::Signal(t));
            }
        }
    }
    if !k.buffered.is_empty() {
        flushes(spec, k, out);
    }
}

/// The flushes of `k`'s store buffers, by CPU.
#[cold]
fn flushes(spec: &Spec, k: &Kernel, out: &mut Vec<Choice>) {
    out.extend(spec.task_ids().filter(|&t| k.has_buffered(t)).map(Choice::Flush));
}

/// Do `c` on `k` (which must be enabled), sending its effects to `sink`.
pub fn apply(spec: &Spec, k: &mut Kernel, c: Choice, sink: &mut impl Sink) {
    match c {
        Choice::Step(t) => exec::step(k, spec.program(t), t, sink),
        Choice::Signal(t) => k.send_fatal_signal(t, sink),
        Choice::Flush(t) => k.flush(t, sink),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library;

    fn why(world: &World, c: Choice) -> String {
        match world.not_enabled(c) {
            Error::NotEnabled { why, .. } => why,
            e => e.to_string(),
        }
    }

    /// A greyed "run R" on the page says who holds the mutex R waits for.
    #[test]
    fn a_task_blocked_on_a_mutex_names_its_holder() {
        let spec = library::find("pipe-splice").unwrap().spec(Some("v5.8"), &[]).unwrap();
        let (r, w) = (spec.task_by_name("R").unwrap(), spec.task_by_name("W").unwrap());
        let mut world = World::new(spec);
        world.apply(Choice::Step(w), &mut ()).unwrap();
        world.apply(Choice::Step(w), &mut ()).unwrap();
        assert!(!world.is_enabled(Choice::Step(r)));
        assert_eq!(why(&world, Choice::Step(r)), "R waits for pipe->mutex, held by W");
        let spec = library::find("check-then-sleep").unwrap().spec(None, &[]).unwrap();
        let world = World::new(spec);
        assert_eq!(why(&world, Choice::Signal(TaskId(0))), "A may not receive a signal in this scenario");
    }
}

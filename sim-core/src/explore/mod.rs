//! Exhaustive exploration: every interleaving of the tasks' steps and of signal deliveries, from
//! the scenario's start, with a visited set of state fingerprints and sleep sets for partial-
//! order reduction; optionally bounded in preemptions (CHESS's iterative context bounding).
//!
//! What it checks is the oracle's terminal judgement: every state where no task can step is
//! classified (finished, lost wakeup, deadlock). Sleep sets with state caching preserve every
//! reachable terminal state (Godefroid 1996, "Partial-Order Methods for the Verification of
//! Concurrent Systems", §5.4: a revisited state is explored again for the transitions its new,
//! smaller sleep set no longer excludes). Sleep sets are not sound together with a preemption
//! bound, so bounded runs explore without them.
//!
//! No clock here: the caller's `progress` callback can stop a long run, which then reports
//! itself incomplete; a run never passes silently.

pub mod footprint;
pub mod shortest;
pub mod shrink;

use std::collections::hash_map::Entry;
use std::sync::Arc;

use serde::Serialize;

use crate::hash::{FingerprintMap, Fingerprinter};
use crate::ids::TaskId;
use crate::kernel::memory::Memory;
use crate::kernel::Kernel;
use crate::oracle::{classify, VerdictKind};
use crate::schedule::Schedule;
use crate::spec::Spec;
use crate::world::{self, Choice};
use footprint::{Footprint, Footprints};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Stop (incomplete) after this many distinct states.
    pub max_states: u64,
    /// Explore only schedules with at most this many preemptions (a switch away from a task
    /// that could have gone on).
    pub max_preemptions: Option<u32>,
    /// Use sleep sets (ignored under a preemption bound).
    pub reduction: bool,
    /// Stop at the first lost wakeup (the run is then incomplete).
    pub stop_at_first: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config { max_states: 5_000_000, max_preemptions: None, reduction: true, stop_at_first: false }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Distinct states reached (terminal ones included).
    pub states: u64,
    /// Steps taken.
    pub transitions: u64,
    /// Distinct terminal states: the ends of maximal executions.
    pub executions: u64,
    /// The longest path from the start.
    pub max_depth: u32,
}

/// Terminal states found, by verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ends {
    pub finished: u64,
    pub lost_wakeup: u64,
    pub deadlock: u64,
    pub step_limit: u64,
}

/// The first bad end the search reached, and the path to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub kind: VerdictKind,
    pub victim: Option<TaskId>,
    pub schedule: Schedule,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Every reachable state (within the preemption bound) was explored.
    pub complete: bool,
    pub stats: Stats,
    pub ends: Ends,
    pub found: Option<Found>,
}

/// A choice as a bit: steps of task t are bit t, signals to t are bit 8 + t, flushes of t's
/// store buffer bit 16 + t.
fn bit(c: Choice) -> u32 {
    match c {
        Choice::Step(t) => 1 << t.0,
        Choice::Signal(t) => 1 << (8 + t.0),
        Choice::Flush(t) => 1 << (16 + t.0),
    }
}

fn from_bit(i: u32) -> Choice {
    let t = TaskId((i % 8) as u8);
    match i / 8 {
        0 => Choice::Step(t),
        1 => Choice::Signal(t),
        _ => Choice::Flush(t),
    }
}

struct Frame {
    kernel: Kernel,
    /// Choices still to explore here.
    todo: u32,
    /// Choices that need not be explored here (the sleep set).
    sleep: u32,
    /// Choices already explored here.
    done: u32,
    /// The task of the last step, and preemptions so far (for the bound).
    last: Option<TaskId>,
    preemptions: u32,
    /// The choice that led here.
    via: Option<Choice>,
    /// The enabled choices.
    enabled: u32,
    /// Footprints of the enabled choices, by choice bit, computed when a sleep set first needs
    /// them (steps and signals: there are no sleep sets under `tso`).
    footprints: [Footprint; 16],
    footprints_ready: bool,
}

impl Frame {
    fn new(kernel: Kernel, sleep: u32, last: Option<TaskId>, preemptions: u32, via: Option<Choice>) -> Frame {
        let mut frame = Frame {
            kernel,
            todo: 0,
            sleep: 0,
            done: 0,
            last: None,
            preemptions: 0,
            via: None,
            enabled: 0,
            footprints: [Footprint::default(); 16],
            footprints_ready: false,
        };
        frame.reset(sleep, last, preemptions, via);
        frame
    }

    /// Everything but the kernel, for a frame arriving with sleep set `sleep`.
    fn reset(&mut self, sleep: u32, last: Option<TaskId>, preemptions: u32, via: Option<Choice>) {
        self.todo = 0;
        self.sleep = sleep;
        self.done = 0;
        self.last = last;
        self.preemptions = preemptions;
        self.via = via;
        self.enabled = 0;
        self.footprints_ready = false;
    }
}

/// The depth-first stack. Frames are kept when popped and reused when pushed, so a step costs
/// one copy of the parent's kernel into the child's slot.
struct Stack {
    frames: Vec<Frame>,
    len: usize,
}

impl Stack {
    fn live(&mut self) -> &mut [Frame] {
        &mut self.frames[..self.len]
    }

    /// Push a copy of the top frame's kernel, reached by `via`.
    fn push_child(&mut self, sleep: u32, last: Option<TaskId>, preemptions: u32, via: Choice) {
        let (parents, rest) = self.frames.split_at_mut(self.len);
        let parent = &parents[self.len - 1].kernel;
        match rest.first_mut() {
            Some(slot) => {
                slot.kernel.clone_from(parent);
                slot.reset(sleep, last, preemptions, Some(via));
            }
            None => {
                let frame = Frame::new(parent.clone(), sleep, last, preemptions, Some(via));
                self.frames.push(frame);
            }
        }
        self.len += 1;
    }
}

struct Search<'a> {
    spec: &'a Spec,
    footprints: Footprints,
    cfg: Config,
    visited: FingerprintMap<u32>,
    fp: Fingerprinter,
    stats: Stats,
    ends: Ends,
    found: Option<Found>,
    complete: bool,
    choices: Vec<Choice>,
}

/// Explore every interleaving of `spec`. `progress` is called now and then; returning false
/// stops the search, which is then reported incomplete.
pub fn explore(spec: &Arc<Spec>, cfg: Config, progress: &mut dyn FnMut(&Stats) -> bool) -> Report {
    let mut s = Search {
        spec,
        footprints: Footprints::new(spec),
        cfg,
        visited: FingerprintMap::with_capacity_and_hasher(1 << 16, Default::default()),
        fp: Fingerprinter::default(),
        stats: Stats::default(),
        ends: Ends::default(),
        found: None,
        complete: true,
        choices: Vec::with_capacity(16),
    };
    let bounded = cfg.max_preemptions.is_some();
    // A flush changes what every later load of its CPU reads, which the footprints do not
    // model: under `tso` the search runs without sleep sets.
    let use_sleep = cfg.reduction && !bounded && spec.memory == Memory::Sc;
    let mut stack = Stack { frames: vec![Frame::new(spec.initial.clone(), 0, None, 0, None)], len: 1 };
    if !s.visit(stack.live()) {
        stack.len = 0;
    }
    while stack.len > 0 {
        let top = &mut stack.frames[stack.len - 1];
        if top.todo == 0 {
            stack.len -= 1;
            continue;
        }
        let i = top.todo.trailing_zeros();
        let c = from_bit(i);
        top.todo &= !(1 << i);
        // Preemption: switching away from the last task while it could go on.
        let mut preemptions = top.preemptions;
        let mut last = top.last;
        if let Choice::Step(t) = c {
            if top.last.is_some_and(|l| l != t && world::is_enabled(s.spec, &top.kernel, Choice::Step(l))) {
                preemptions += 1;
            }
            last = Some(t);
        }
        if cfg.max_preemptions.is_some_and(|k| preemptions > k) {
            continue;
        }
        // The child's sleep set: the choices asleep or done here that commute with `c`.
        let mut sleep = 0;
        if use_sleep && (top.sleep | top.done) != 0 {
            if !top.footprints_ready {
                for j in 0..16 {
                    if top.enabled & (1 << j) != 0 {
                        top.footprints[j] = s.footprints.of(s.spec, &top.kernel, from_bit(j as u32));
                    }
                }
                top.footprints_ready = true;
            }
            let fc = top.footprints[i as usize];
            let mut candidates = top.sleep | top.done;
            while candidates != 0 {
                let j = candidates.trailing_zeros();
                candidates &= candidates - 1;
                if top.footprints[j as usize].independent(fc) {
                    sleep |= 1 << j;
                }
            }
        }
        top.done |= 1 << i;
        let depth = stack.len;
        stack.push_child(sleep, last, preemptions, c);
        world::apply(s.spec, &mut stack.frames[depth].kernel, c, &mut ());
        s.stats.transitions += 1;
        if s.visit(stack.live()) {
            s.stats.max_depth = s.stats.max_depth.max(depth as u32);
        } else {
            stack.len -= 1;
        }
        let stop_here = cfg.stop_at_first && s.found.as_ref().is_some_and(|f| f.kind == VerdictKind::LostWakeup);
        if stop_here || (s.stats.transitions.is_multiple_of(4096) && !progress(&s.stats)) {
            s.complete = false;
            break;
        }
    }
    progress(&s.stats);
    Report { complete: s.complete, stats: s.stats, ends: s.ends, found: s.found }
}

impl Search<'_> {
    /// Arrive at the state on top of `stack` (its sleep set already set): classify it if it is
    /// terminal, and fill in what to explore. Returns false when there is nothing to explore
    /// there (terminal, or covered by an earlier visit), and the caller pops it.
    fn visit(&mut self, stack: &mut [Frame]) -> bool {
        let depth = stack.len() - 1;
        let (frames, top) = stack.split_at_mut(depth);
        let top = &mut top[0];
        world::choices(self.spec, &top.kernel, &mut self.choices);
        let enabled = self.choices.iter().fold(0, |m, &c| m | bit(c));
        // Under a bound, the same state with more preemptions spent has fewer futures.
        let extra = match self.cfg.max_preemptions {
            Some(_) => u64::from(top.preemptions) << 8 | top.last.map_or(0xff, |t| u64::from(t.0)),
            None => 0,
        };
        let key = self.fp.kernel(&top.kernel, extra);
        let at_limit = depth as u32 >= self.spec.step_limit;
        if enabled == 0 || at_limit {
            if self.visited.insert(key, 0).is_none() {
                self.stats.states += 1;
                self.stats.executions += 1;
                let (kind, victim) =
                    if at_limit { (VerdictKind::StepLimit, None) } else { classify(self.spec, &top.kernel) };
                self.end(kind, victim, frames, top.via);
            }
            return false;
        }
        let sleep = top.sleep;
        let full = self.stats.states >= self.cfg.max_states;
        top.todo = match self.visited.entry(key) {
            Entry::Occupied(mut e) => {
                let old = *e.get();
                if old & !sleep == 0 {
                    return false;
                }
                e.insert(old & sleep);
                enabled & old & !sleep
            }
            Entry::Vacant(_) if full => {
                self.complete = false;
                return false;
            }
            Entry::Vacant(e) => {
                e.insert(sleep);
                self.stats.states += 1;
                enabled & !sleep
            }
        };
        top.enabled = enabled;
        true
    }

    fn end(&mut self, kind: VerdictKind, victim: Option<TaskId>, stack: &[Frame], via: Option<Choice>) {
        match kind {
            VerdictKind::Finished => self.ends.finished += 1,
            VerdictKind::LostWakeup => self.ends.lost_wakeup += 1,
            VerdictKind::Deadlock => self.ends.deadlock += 1,
            VerdictKind::StepLimit => self.ends.step_limit += 1,
        }
        // Keep the first bad end, preferring a lost wakeup to a deadlock or a cut-off run.
        let better = match &self.found {
            None => kind != VerdictKind::Finished,
            Some(f) => f.kind != VerdictKind::LostWakeup && kind == VerdictKind::LostWakeup,
        };
        if better {
            let path = stack.iter().filter_map(|f| f.via).chain(via).collect();
            self.found = Some(Found { kind, victim, schedule: Schedule(path) });
        }
    }
}

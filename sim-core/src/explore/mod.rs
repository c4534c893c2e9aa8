//! Exhaustive exploration: every interleaving of the tasks' steps and of signal deliveries, from
//! the scenario's start, with a visited set of state fingerprints (`visited.rs`; or bits,
//! `bitstate.rs`), on one thread or several (`parallel.rs`), sleep sets for partial-order
//! reduction, symmetry reduction (`symmetry.rs`: interchangeable tasks' permutations of a state
//! are stored once) and lock-aware reduction (`movers.rs`: a step nobody else can observe while
//! its task holds a mutex is taken alone); optionally bounded in preemptions (CHESS's iterative
//! context bounding).
//!
//! What it checks is the oracle's terminal judgement: every state where no task can step is
//! classified (finished, lost wakeup, deadlock). Sleep sets with state caching preserve every
//! reachable terminal state (Godefroid 1996, "Partial-Order Methods for the Verification of
//! Concurrent Systems", §5.4: a revisited state is explored again for the transitions its new,
//! smaller sleep set no longer excludes); so do persistent sets taken with them (the movers:
//! explore the persistent set less the sleep set), given the cycle proviso. Sleep sets and
//! movers are not sound together with a preemption bound, nor under `tso` (`Config::
//! reductions_for`), so those runs explore without them.
//!
//! No clock here: the caller's `progress` callback can stop a long run, which then reports
//! itself incomplete; a run never passes silently.

pub mod bitstate;
pub mod dead;
mod explored;
pub mod footprint;
pub mod movers;
#[cfg(not(target_arch = "wasm32"))]
pub mod parallel;
pub mod shortest;
pub mod shrink;
pub mod symmetry;
pub mod visited;

use std::sync::Arc;

use serde::Serialize;

use crate::hash::Fingerprinter;
use crate::ids::TaskId;
use crate::kernel::memory::Memory;
use crate::kernel::Kernel;
use crate::oracle::{classify, VerdictKind};
use crate::schedule::Schedule;
use crate::spec::Spec;
use crate::world::{self, Choice};
use bitstate::Bitstate;
use dead::Liveness;
use explored::Explored;
use footprint::{Footprint, Footprints};
use movers::Movers;
use symmetry::Symmetry;
use visited::{Store, Visited};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Stop (incomplete) after this many distinct states.
    pub max_states: u64,
    /// Stop (incomplete) rather than let the visited set (or the breadth-first frontier) grow
    /// past this many bytes.
    pub max_memory: u64,
    /// Explore only schedules with at most this many preemptions (a switch away from a task
    /// that could have gone on).
    pub max_preemptions: Option<u32>,
    pub reductions: Reductions,
    /// Stop at the first lost wakeup (the run is then incomplete).
    pub stop_at_first: bool,
    /// Keep states as bits in an array of this many bytes (`bitstate.rs`), not in the visited
    /// set: far larger searches, complete only with a probability.
    pub bitstate: Option<u64>,
    /// Threads to search with (`parallel.rs`; not in the browser). One searches on the calling
    /// thread, and so does `stop_at_first`, whose point is the first counterexample's latency.
    pub jobs: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_states: 5_000_000,
            max_memory: u64::MAX,
            max_preemptions: None,
            reductions: Reductions::ALL,
            stop_at_first: false,
            bitstate: None,
            jobs: 1,
        }
    }
}

/// The reductions a search may use. Each keeps every reachable end state (up to a permutation
/// of interchangeable tasks) and the verdict; `NONE` visits every reachable state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reductions {
    /// Sleep sets: prune transitions whose order does not matter (ignored under a preemption
    /// bound, with which they are not sound).
    pub sleep_sets: bool,
    /// Symmetry: store one state of each set of permutations of interchangeable tasks.
    pub symmetry: bool,
    /// Lock-aware: a step that only reads what others write under a mutex this task holds is
    /// taken alone, not interleaved (ignored under a preemption bound).
    pub lock_aware: bool,
    /// Dead variables: a local no path reads before writing it again is cleared (`dead.rs`).
    pub dead_variables: bool,
}

impl Reductions {
    pub const ALL: Reductions = Reductions { sleep_sets: true, symmetry: true, lock_aware: true, dead_variables: true };
    pub const NONE: Reductions =
        Reductions { sleep_sets: false, symmetry: false, lock_aware: false, dead_variables: false };

    /// The names of those set, as the CLI prints them.
    pub fn names(self) -> Vec<&'static str> {
        [
            (self.sleep_sets, "sleep-sets"),
            (self.symmetry, "symmetry"),
            (self.lock_aware, "lock-aware"),
            (self.dead_variables, "dead-variables"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }
}

impl Config {
    /// The reductions a search of `spec` really uses: sleep sets and movers are unsound under a
    /// preemption bound, and under `tso`, where a flush writes memory outside every lock and
    /// changes what its CPU's later loads read, which footprints do not model.
    pub fn reductions_for(&self, spec: &Spec) -> Reductions {
        let partial_order = self.max_preemptions.is_none() && spec.memory == Memory::Sc;
        Reductions {
            // A bitstate search keeps no sleep set with a state.
            sleep_sets: self.reductions.sleep_sets && partial_order && self.bitstate.is_none(),
            symmetry: self.reductions.symmetry,
            lock_aware: self.reductions.lock_aware && partial_order,
            dead_variables: self.reductions.dead_variables,
        }
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
    /// The bytes the search keeps per state: its visited set (and, breadth-first, the frontier).
    pub bytes: u64,
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
    /// The state's fingerprint, and whether only a mover is explored here (`movers.rs`).
    key: u128,
    mover_only: bool,
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
            key: 0,
            mover_only: false,
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
        self.mover_only = false;
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

/// One depth-first search: its own stack, statistics and counterexample, over a visited set
/// that may be its own (`Visited`) or shared with other threads' searches (`parallel.rs`).
struct Search<'a, V> {
    spec: &'a Spec,
    on_end: &'a mut dyn FnMut(&Kernel, VerdictKind),
    footprints: Footprints,
    /// Interchangeable tasks (trivial when the symmetry reduction is off).
    symmetry: Symmetry,
    cfg: Config,
    use_sleep: bool,
    /// Per state: the choices not explored there yet (they were asleep), and `MOVER_ONLY`.
    visited: V,
    /// The steps taken alone (lock-aware reduction), when it is on.
    movers: Option<Movers>,
    /// The locals live at each pc, when the dead-variable reduction is on.
    liveness: Option<Liveness>,
    /// The path from the start to the bottom of the stack (a parallel search's frames begin
    /// where another's left off).
    prefix: Vec<Choice>,
    /// Whether the state `visit` saw last was new, and its fingerprint.
    fresh: bool,
    last_key: u128,
    /// Keep the shortest counterexample of its kind, not the first.
    keep_shortest: bool,
    explored: Explored,
    fp: Fingerprinter,
    stats: Stats,
    ends: Ends,
    found: Option<Found>,
    complete: bool,
    /// The visited set would outgrow `max_memory` with one more state.
    out_of_memory: bool,
    choices: Vec<Choice>,
}

/// Explore every interleaving of `spec`. `progress` is called now and then; returning false
/// stops the search, which is then reported incomplete. With `cfg.jobs` above one (and not
/// `stop_at_first`), the search runs on that many threads (`parallel.rs`).
pub fn explore(spec: &Arc<Spec>, cfg: Config, progress: &mut dyn FnMut(&Stats) -> bool) -> Report {
    #[cfg(not(target_arch = "wasm32"))]
    if cfg.jobs > 1 && !cfg.stop_at_first {
        return parallel::explore(spec, cfg, progress, &|_, _| {});
    }
    explore_with(spec, cfg, progress, &mut |_, _| {})
}

/// `explore` on one thread, showing `on_end` each distinct end state (as the search stores it:
/// one per set of permutations under the symmetry reduction) and its verdict.
pub fn explore_with(
    spec: &Arc<Spec>,
    cfg: Config,
    progress: &mut dyn FnMut(&Stats) -> bool,
    on_end: &mut dyn FnMut(&Kernel, VerdictKind),
) -> Report {
    match cfg.bitstate {
        Some(bytes) => explore_in(&Bitstate::new(bytes), spec, cfg, progress, on_end),
        None => {
            // Room to start with, within the memory limit: small, so that a small search (or
            // the first race) does not wait for a large table to be cleared.
            let room = (1 << 10).min(cfg.max_memory / visited::SLOT_BYTES / 2) as usize;
            explore_in(Visited::new(room, cfg.max_memory), spec, cfg, progress, on_end)
        }
    }
}

/// `explore_with` over the visited set `visited`.
fn explore_in<V: Store>(
    visited: V,
    spec: &Arc<Spec>,
    cfg: Config,
    progress: &mut dyn FnMut(&Stats) -> bool,
    on_end: &mut dyn FnMut(&Kernel, VerdictKind),
) -> Report {
    let mut s = Search::new(spec, cfg, visited, on_end);
    let mut stack = Stack { frames: vec![Frame::new(start(spec, s.liveness.as_ref()), 0, None, 0, None)], len: 1 };
    if !s.visit(stack.live()) {
        stack.len = 0;
    }
    s.run(&mut stack, 4096, &mut |s, _| {
        s.stats.bytes = s.visited.bytes();
        progress(&s.stats)
    });
    s.stats.bytes = s.visited.bytes();
    progress(&s.stats);
    Report { complete: s.complete, stats: s.stats, ends: s.ends, found: s.found }
}

/// The state a search starts from: the scenario's, its dead locals cleared under that reduction.
fn start(spec: &Spec, liveness: Option<&Liveness>) -> Kernel {
    let mut k = spec.initial.clone();
    if let Some(live) = liveness {
        live.clear_all(&mut k);
    }
    k
}

/// Take choice `c` in `k`, and clear the locals the step left dead (under that reduction).
#[inline]
fn take(spec: &Spec, liveness: Option<&Liveness>, k: &mut Kernel, c: Choice) {
    world::apply(spec, k, c, &mut ());
    if let (Some(live), Choice::Step(t)) = (liveness, c) {
        live.clear_dead(k, t);
    }
}

/// Bits of the value kept with a state in the visited set: the choices still asleep there
/// (steps and signals, as `bit` numbers them: flushes never sleep, there are no sleep sets
/// under `tso`), and whether only a mover was explored from it.
const MOVER_ONLY: u32 = 1 << 16;
const _: () = assert!(MOVER_ONLY < 1 << visited::VALUE_BITS);

/// What `Search::run` does every so many transitions: it may look at the search and its
/// stack (a parallel search gives work away there), and returns false to stop it.
type Tick<'t, V> = dyn FnMut(&mut Search<'_, V>, &mut Stack) -> bool + 't;

impl<'a, V: Store> Search<'a, V> {
    fn new(spec: &'a Arc<Spec>, cfg: Config, visited: V, on_end: &'a mut dyn FnMut(&Kernel, VerdictKind)) -> Self {
        Search {
            spec,
            on_end,
            footprints: Footprints::new(spec),
            symmetry: if cfg.reductions.symmetry { Symmetry::of(spec) } else { Symmetry::default() },
            movers: cfg.reductions_for(spec).lock_aware.then(|| Movers::new(spec)),
            liveness: cfg.reductions.dead_variables.then(|| Liveness::of(spec)),
            use_sleep: cfg.reductions_for(spec).sleep_sets,
            prefix: Vec::new(),
            fresh: true,
            last_key: 0,
            keep_shortest: false,
            explored: Explored::default(),
            cfg,
            visited,
            fp: Fingerprinter::default(),
            stats: Stats::default(),
            ends: Ends::default(),
            found: None,
            complete: true,
            out_of_memory: false,
            choices: Vec::with_capacity(16),
        }
    }

    /// Search depth-first from the frames on `stack` until it is empty, or the search stops
    /// (`tick`, called every `period` transitions, returned false; a limit; the first lost
    /// wakeup under `stop_at_first`).
    fn run(&mut self, stack: &mut Stack, period: u64, tick: &mut Tick<V>) {
        let cfg = self.cfg;
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
                if top.last.is_some_and(|l| l != t && world::is_enabled(self.spec, &top.kernel, Choice::Step(l))) {
                    preemptions += 1;
                }
                last = Some(t);
            }
            if cfg.max_preemptions.is_some_and(|k| preemptions > k) {
                continue;
            }
            // The child's sleep set: the choices asleep or done here that commute with `c`.
            let mut sleep = 0;
            if self.use_sleep && (top.sleep | top.done) != 0 {
                if !top.footprints_ready {
                    for j in 0..16 {
                        if top.enabled & (1 << j) != 0 {
                            top.footprints[j] = self.footprints.of(self.spec, &top.kernel, from_bit(j as u32));
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
            take(self.spec, self.liveness.as_ref(), &mut stack.frames[depth].kernel, c);
            self.stats.transitions += 1;
            if self.visit(stack.live()) {
                self.stats.max_depth = self.stats.max_depth.max((self.prefix.len() + depth) as u32);
            } else {
                stack.len -= 1;
            }
            // The cycle proviso: a mover taken alone that reaches a state on the stack closes a
            // cycle, so the state it was taken from is explored fully (Peled's C3, as SPIN has
            // it). (Looked for only after a mover: a revisit is common, and the stack is deep.)
            let closes_cycle = |frames: &[Frame]| !self.fresh && frames.iter().any(|f| f.key == self.last_key);
            if stack.frames[depth - 1].mover_only && closes_cycle(&stack.frames[..depth]) {
                let parent = &mut stack.frames[depth - 1];
                parent.mover_only = false;
                parent.todo |= parent.enabled & !parent.sleep & !parent.done;
                self.visited.update(parent.key, |v| v & !MOVER_ONLY);
            }
            let stop_here = cfg.stop_at_first && self.found.as_ref().is_some_and(|f| f.kind == VerdictKind::LostWakeup);
            if stop_here || self.out_of_memory || (self.stats.transitions.is_multiple_of(period) && !tick(self, stack))
            {
                self.complete = false;
                break;
            }
        }
    }

    /// Arrive at the state on top of `stack` (its sleep set already set): classify it if it is
    /// terminal, and fill in what to explore. Returns false when there is nothing to explore
    /// there (terminal, or covered by an earlier visit), and the caller pops it.
    fn visit(&mut self, stack: &mut [Frame]) -> bool {
        let depth = self.prefix.len() + stack.len() - 1;
        let (frames, top) = stack.split_at_mut(stack.len() - 1);
        let top = &mut top[0];
        // The state is stored under its canonical names, and so are the sets of choices kept
        // with it: `renaming` maps between the two.
        let renaming = (!self.symmetry.is_trivial()).then(|| self.symmetry.canonical(&top.kernel));
        let to_canonical = |mask: u32| renaming.map_or(mask, |r| r.rename_mask(mask));
        let to_own = |mask: u32| renaming.map_or(mask, |r| r.restore_mask(mask));
        // Under a bound, the same state with more preemptions spent has fewer futures.
        let extra = match self.cfg.max_preemptions {
            Some(_) => {
                let last = top.last.map(|t| renaming.map_or(t, |r| r.task(t)));
                u64::from(top.preemptions) << 8 | last.map_or(0xff, |t| u64::from(t.0))
            }
            None => 0,
        };
        let key = match &renaming {
            Some(r) => self.fp.kernel_as(&top.kernel, r, extra),
            None => self.fp.kernel(&top.kernel, extra),
        };
        self.fresh = true;
        let sleep = to_canonical(top.sleep);
        if self.explored.covers(key, sleep) {
            self.fresh = false;
            self.last_key = key;
            return false;
        }
        self.visited.prefetch(key);
        world::choices(self.spec, &top.kernel, &mut self.choices);
        let enabled = self.choices.iter().fold(0, |m, &c| m | bit(c));
        let at_limit = depth as u32 >= self.spec.step_limit;
        if enabled == 0 || at_limit {
            let new = self.visited.insert(key, 0).unwrap_or_else(|_| self.outgrown());
            if !self.out_of_memory {
                self.explored.keep(key, 0);
            }
            if new {
                self.stats.states += 1;
                self.stats.executions += 1;
                let (kind, victim) =
                    if at_limit { (VerdictKind::StepLimit, None) } else { classify(self.spec, &top.kernel) };
                (self.on_end)(&top.kernel, kind);
                self.end(kind, victim, frames, top.via);
            }
            return false;
        }
        let full = self.stats.states >= self.cfg.max_states;
        let mover = self.mover(&top.kernel, enabled);
        let old = self.visited.upsert(key, |old| match old {
            // Explored before with these choices asleep: now only those asleep both times are.
            Some(old) => Some(old & sleep | old & MOVER_ONLY),
            None if full => None,
            None => Some(sleep | if mover != 0 { MOVER_ONLY } else { 0 }),
        });
        let Ok(old) = old else { return self.outgrown() };
        top.todo = match old {
            Some(old) => {
                self.fresh = false;
                self.last_key = key;
                let asleep = old & !MOVER_ONLY;
                self.explored.keep(key, asleep & sleep);
                if asleep & !sleep == 0 {
                    return false;
                }
                top.mover_only = old & MOVER_ONLY != 0;
                (if top.mover_only { mover } else { enabled }) & to_own(asleep & !sleep)
            }
            None if full => {
                self.complete = false;
                return false;
            }
            None => {
                self.explored.keep(key, sleep);
                top.mover_only = mover != 0;
                self.stats.states += 1;
                (if top.mover_only { mover } else { enabled }) & !top.sleep
            }
        };
        top.enabled = enabled;
        top.key = key;
        true
    }

    /// The visited set would grow past `max_memory` to keep a new state: the search stops
    /// there, incomplete. (Returns false, for `visit`.)
    fn outgrown(&mut self) -> bool {
        self.complete = false;
        self.out_of_memory = true;
        false
    }

    /// The first enabled step that is a mover, as a choice bit (0: none, or the reduction is off).
    fn mover(&self, k: &Kernel, enabled: u32) -> u32 {
        let Some(movers) = &self.movers else { return 0 };
        self.spec
            .task_ids()
            .find(|&t| enabled & bit(Choice::Step(t)) != 0 && movers.is_mover(t, k.task(t).pc))
            .map_or(0, |t| bit(Choice::Step(t)))
    }

    fn end(&mut self, kind: VerdictKind, victim: Option<TaskId>, stack: &[Frame], via: Option<Choice>) {
        match kind {
            VerdictKind::Finished => self.ends.finished += 1,
            VerdictKind::LostWakeup => self.ends.lost_wakeup += 1,
            VerdictKind::Deadlock => self.ends.deadlock += 1,
            VerdictKind::StepLimit => self.ends.step_limit += 1,
        }
        // Keep the first bad end, preferring a lost wakeup to a deadlock or a cut-off run (and,
        // on several threads, where "first" means little, a shorter one to a longer).
        let len = || self.prefix.len() + stack.iter().filter(|f| f.via.is_some()).count() + usize::from(via.is_some());
        let better = match &self.found {
            None => kind != VerdictKind::Finished,
            Some(f) if f.kind == kind => self.keep_shortest && len() < f.schedule.0.len(),
            Some(f) => f.kind != VerdictKind::LostWakeup && kind == VerdictKind::LostWakeup,
        };
        if better {
            let path = self.prefix.iter().copied().chain(stack.iter().filter_map(|f| f.via)).chain(via).collect();
            self.found = Some(Found { kind, victim, schedule: Schedule(path) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sleep set kept with a state is kept under the state's canonical names. Two lockers
    /// are interchangeable; after one step of either, the states are the same up to their
    /// names. Arriving at the first with the other locker asleep, then at the second with the
    /// first locker asleep, is arriving twice with "the locker that has not moved" asleep: the
    /// second visit has nothing new to explore. (Kept under the tasks' own names, the sleep
    /// sets would name different lockers, and the second visit would explore again.)
    #[test]
    fn sleep_sets_are_kept_under_canonical_names() {
        let spec = crate::library::find("page-lock-killable")
            .and_then(|s| s.spec(Some("v5.8-handoff"), &[("lockers".into(), 2), ("signals".into(), 0)]))
            .expect("a built-in scenario");
        let symmetry = Symmetry::of(&spec);
        let lockers: Vec<TaskId> = symmetry.groups().next().expect("interchangeable lockers").collect();
        let (a, b) = (lockers[0], lockers[1]);
        let after = |t: TaskId| {
            let mut k = spec.initial.clone();
            world::apply(&spec, &mut k, Choice::Step(t), &mut ());
            k
        };
        let mut on_end = |_: &Kernel, _: VerdictKind| {};
        let mut s = Search::new(&spec, Config::default(), Visited::new(16, u64::MAX), &mut on_end);
        let first = Frame::new(after(a), bit(Choice::Step(b)), None, 0, None);
        assert!(s.visit(&mut [first]), "a new state");
        let second = Frame::new(after(b), bit(Choice::Step(a)), None, 0, None);
        assert!(!s.visit(&mut [second]), "the same state, with the same locker asleep");
        let third = Frame::new(after(b), bit(Choice::Step(b)), None, 0, None);
        assert!(s.visit(&mut [third]), "the same state, with the locker that moved asleep instead");
    }
}

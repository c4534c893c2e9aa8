//! Shrinking: take any schedule that loses a wakeup and make it smaller while it still fails the
//! same way (a lost wakeup with the same waiter left asleep): first fewer steps, then fewer
//! preemptions. Candidates are replayed leniently (choices that cannot happen are skipped) and
//! finished without preemption, so every candidate is a real, complete run.
//!
//! The passes, repeated until none of them finds anything:
//! 1. ddmin (Zeller and Hildebrandt 2002) over the choices: remove chunks, halving their size
//!    down to single choices;
//! 2. every contiguous range, not only ddmin's aligned chunks;
//! 3. moves: a run of one task's choices (a block, or the head or tail of one) moved to another
//!    block boundary. A random run often does a round of work too early (the reader empties the
//!    pipe once before the race); removing it changes what the later choices mean, moving it
//!    keeps them;
//! 4. fewer preemptions: swap neighbouring choices of different tasks.
//!
//! A candidate is kept when its run is shorter, or as long with fewer preemptions, so the passes
//! end. The result is **1-minimal**: no single choice can be removed (replayed the same way) and
//! still lose the same waiter's wakeup ([`one_minimal`] checks it).

use std::sync::Arc;

use crate::effect::{Effect, Sink};
use crate::oracle::Verdict;
use crate::run;
use crate::schedule::Schedule;
use crate::spec::Spec;
use crate::strategy::{Replay, Sequential};
use crate::world::{Choice, World};

/// A complete run: its choices, and the waiter its lost wakeup left asleep (if any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub schedule: Schedule,
    pub waiter: Option<String>,
    pub preemptions: u32,
}

/// A sink that keeps only the choices of a run.
#[derive(Default)]
struct Choices(Vec<Choice>);

impl Sink for Choices {
    fn begin(&mut self, _: u32, choice: Choice, _: Option<u16>) {
        self.0.push(choice);
    }

    fn emit(&mut self, _: Effect) {}
}

/// Run `prefix` leniently, then without preemption, to the end.
pub fn attempt(spec: &Arc<Spec>, prefix: &[Choice]) -> Attempt {
    let mut world = World::new(spec.clone());
    let mut strategy = Replay::lenient(Schedule(prefix.to_vec()), Some(Box::new(Sequential::default())));
    let mut choices = Choices::default();
    let waiter = match run::run(&mut world, &mut strategy, &mut choices) {
        Ok(outcome) => match outcome.verdict {
            Verdict::LostWakeup(l) => Some(l.waiter),
            _ => None,
        },
        Err(_) => None,
    };
    let schedule = Schedule(choices.0);
    let preemptions = preemptions(spec, &schedule);
    Attempt { schedule, waiter, preemptions }
}

/// Context switches away from a task that could have taken another step.
pub fn preemptions(spec: &Arc<Spec>, schedule: &Schedule) -> u32 {
    let mut world = World::new(spec.clone());
    let mut last = None;
    let mut count = 0;
    for &c in &schedule.0 {
        if let Choice::Step(t) = c {
            if last.is_some_and(|l| l != t && world.is_enabled(Choice::Step(l))) {
                count += 1;
            }
            last = Some(t);
        }
        if world.apply(c, &mut ()).is_err() {
            break;
        }
    }
    count
}

/// The positions `i` at which `schedule` without its choice `i`, replayed as [`attempt`] does,
/// still leaves `waiter` asleep with a lost wakeup in a shorter run. Empty when `schedule` is
/// 1-minimal.
pub fn one_minimal(spec: &Arc<Spec>, schedule: &Schedule, waiter: &str) -> Vec<usize> {
    (0..schedule.0.len())
        .filter(|&i| {
            let mut candidate = schedule.0.clone();
            candidate.remove(i);
            let a = attempt(spec, &candidate);
            a.waiter.as_deref() == Some(waiter) && a.schedule.0.len() < schedule.0.len()
        })
        .collect()
}

/// Shrink a failing schedule. Returns `None` if `schedule` does not lose a wakeup.
pub fn shrink(spec: &Arc<Spec>, schedule: &Schedule) -> Option<Attempt> {
    let best = attempt(spec, &schedule.0);
    let waiter = best.waiter.clone()?;
    let mut s = Shrinker { spec, waiter, best };
    loop {
        s.ddmin();
        if s.ranges() || s.moves() || s.swaps() {
            continue;
        }
        break;
    }
    debug_assert!(one_minimal(spec, &s.best.schedule, &s.waiter).is_empty());
    Some(s.best)
}

struct Shrinker<'a> {
    spec: &'a Arc<Spec>,
    waiter: String,
    best: Attempt,
}

impl Shrinker<'_> {
    /// Replay `candidate`; keep its run if it loses the same waiter's wakeup and is shorter, or
    /// as long with fewer preemptions.
    fn try_candidate(&mut self, candidate: &[Choice]) -> bool {
        let a = attempt(self.spec, candidate);
        let better = a.waiter.as_ref() == Some(&self.waiter)
            && (a.schedule.0.len(), a.preemptions) < (self.best.schedule.0.len(), self.best.preemptions);
        if better {
            self.best = a;
        }
        better
    }

    /// ddmin: remove chunks, halving their size when nothing can go. Ends with every single
    /// choice tried.
    fn ddmin(&mut self) {
        let mut chunk = self.best.schedule.0.len().div_ceil(2).max(1);
        loop {
            let mut improved = false;
            let mut start = 0;
            while start < self.best.schedule.0.len() {
                let mut candidate = self.best.schedule.0.clone();
                let end = (start + chunk).min(candidate.len());
                candidate.drain(start..end);
                if self.try_candidate(&candidate) {
                    improved = true;
                } else {
                    start += chunk;
                }
            }
            if !improved {
                if chunk == 1 {
                    break;
                }
                chunk = chunk.div_ceil(2);
            }
        }
    }

    /// Remove any contiguous range of two or more choices (single ones are ddmin's last round).
    fn ranges(&mut self) -> bool {
        let n = self.best.schedule.0.len();
        for len in (2..n).rev() {
            for start in 0..=n - len {
                let mut candidate = self.best.schedule.0.clone();
                candidate.drain(start..start + len);
                if self.try_candidate(&candidate) {
                    return true;
                }
            }
        }
        false
    }

    /// Move a run of one task's choices (a whole block of equal choices, or its first or last
    /// `k`) to every block boundary.
    fn moves(&mut self) -> bool {
        let blocks = blocks(&self.best.schedule.0);
        let bounds: Vec<usize> = blocks.iter().map(|b| b.0).chain([self.best.schedule.0.len()]).collect();
        for &(start, len) in &blocks {
            for k in 1..=len {
                for from in [start, start + len - k] {
                    for &to in &bounds {
                        if to >= from && to <= from + k {
                            continue;
                        }
                        let mut candidate = self.best.schedule.0.clone();
                        let moved: Vec<Choice> = candidate.drain(from..from + k).collect();
                        let at = if to > from { to - k } else { to };
                        candidate.splice(at..at, moved);
                        if self.try_candidate(&candidate) {
                            return true;
                        }
                    }
                    if k == len {
                        break;
                    }
                }
            }
        }
        false
    }

    /// Fewer preemptions: swap neighbouring choices of different tasks.
    fn swaps(&mut self) -> bool {
        let mut i = 0;
        while i + 1 < self.best.schedule.0.len() {
            let mut candidate = self.best.schedule.0.clone();
            if candidate[i] != candidate[i + 1] {
                candidate.swap(i, i + 1);
                if self.try_candidate(&candidate) {
                    return true;
                }
            }
            i += 1;
        }
        false
    }
}

/// The maximal runs of equal choices, as (start, length).
fn blocks(choices: &[Choice]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, c) in choices.iter().enumerate() {
        match out.last_mut() {
            Some((start, len)) if choices[*start] == *c => *len += 1,
            _ => out.push((i, 1)),
        }
    }
    out
}

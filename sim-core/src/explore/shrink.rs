//! Shrinking: take any schedule that loses a wakeup and make it smaller while it still fails the
//! same way (a lost wakeup with the same waiter left asleep): first fewer steps, then fewer
//! preemptions. Candidates are replayed leniently (choices that cannot happen are skipped) and
//! finished without preemption, so every candidate is a real, complete run.

use std::sync::Arc;

use crate::oracle::Verdict;
use crate::run;
use crate::schedule::Schedule;
use crate::spec::Spec;
use crate::strategy::{Replay, Sequential};
use crate::trace::Trace;
use crate::world::{Choice, World};

/// A complete run: its choices, and the waiter its lost wakeup left asleep (if any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub schedule: Schedule,
    pub waiter: Option<String>,
    pub preemptions: u32,
}

/// Run `prefix` leniently, then without preemption, to the end.
pub fn attempt(spec: &Arc<Spec>, prefix: &[Choice]) -> Attempt {
    let mut world = World::new(spec.clone());
    let mut strategy = Replay::lenient(Schedule(prefix.to_vec()), Some(Box::new(Sequential::default())));
    let mut trace = Trace::default();
    let waiter = match run::run(&mut world, &mut strategy, &mut trace) {
        Ok(outcome) => match outcome.verdict {
            Verdict::LostWakeup(l) => Some(l.waiter),
            _ => None,
        },
        Err(_) => None,
    };
    let schedule = Schedule(trace.choices());
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

/// Shrink a failing schedule. Returns `None` if `schedule` does not lose a wakeup.
pub fn shrink(spec: &Arc<Spec>, schedule: &Schedule) -> Option<Attempt> {
    let mut best = attempt(spec, &schedule.0);
    let waiter = best.waiter.clone()?;
    let better = |a: &Attempt, best: &Attempt| {
        a.waiter.as_ref() == Some(&waiter)
            && (a.schedule.0.len(), a.preemptions) < (best.schedule.0.len(), best.preemptions)
    };
    // ddmin over the choices: remove chunks, halving their size when nothing can go.
    let mut chunk = best.schedule.0.len().div_ceil(2).max(1);
    loop {
        let mut improved = false;
        let mut start = 0;
        while start < best.schedule.0.len() {
            let mut candidate = best.schedule.0.clone();
            let end = (start + chunk).min(candidate.len());
            candidate.drain(start..end);
            let a = attempt(spec, &candidate);
            if better(&a, &best) {
                best = a;
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
    // Fewer preemptions: try swapping neighbouring steps of different tasks.
    let mut improved = true;
    while improved {
        improved = false;
        for i in 0..best.schedule.0.len().saturating_sub(1) {
            let mut candidate = best.schedule.0.clone();
            if candidate[i] == candidate[i + 1] {
                continue;
            }
            candidate.swap(i, i + 1);
            let a = attempt(spec, &candidate);
            if better(&a, &best) {
                best = a;
                improved = true;
            }
        }
    }
    Some(best)
}

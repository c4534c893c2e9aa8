//! The shortest counterexample: breadth-first search from the start, so the first lost wakeup
//! found is one with the fewest steps. No sleep sets (they would prune the shortest path); the
//! symmetry reduction keeps it (a permutation of a path is as long), and so do dead variables
//! (states merged there have the same futures, step for step), so they may be used.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::explore::dead::Liveness;
use crate::explore::symmetry::Symmetry;
use crate::explore::{Config, Stats};
use crate::hash::{FingerprintSet, Fingerprinter};
use crate::kernel::Kernel;
use crate::oracle::{classify, VerdictKind};
use crate::schedule::Schedule;
use crate::spec::Spec;
use crate::world::{self, Choice};

/// How the search ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shortest {
    /// A shortest schedule that ends in a lost wakeup.
    Found(Schedule),
    /// Every reachable state was seen: no lost wakeup exists.
    None,
    /// Stopped at the state limit or by `progress` before either.
    Incomplete,
}

/// Find a shortest schedule of `spec` that ends in a lost wakeup, within `cfg`'s state and memory
/// limits; with its symmetry reduction, states that differ only by a permutation of
/// interchangeable tasks are visited once (sleep sets do not apply).
pub fn shortest_lost_wakeup(
    spec: &Arc<Spec>,
    cfg: &Config,
    progress: &mut dyn FnMut(&Stats) -> bool,
) -> (Shortest, Stats) {
    let symmetry = if cfg.reductions.symmetry { Symmetry::of(spec) } else { Symmetry::default() };
    // Parent links: node i was reached from node parent[i].0 by choice parent[i].1.
    let mut parent: Vec<(u32, Option<Choice>)> = vec![(0, None)];
    let liveness = cfg.reductions.dead_variables.then(|| Liveness::of(spec));
    let start = super::start(spec, liveness.as_ref());
    let mut fp = Fingerprinter::default();
    let mut key = |k: &Kernel| match symmetry.is_trivial() {
        true => fp.kernel(k, 0),
        false => fp.kernel_as(k, &symmetry.canonical(k), 0),
    };
    let mut seen = FingerprintSet::default();
    seen.insert(key(&start));
    let mut frontier: VecDeque<(Kernel, u32, u32)> = VecDeque::from([(start, 0, 0)]);
    let mut stats = Stats { states: 1, ..Stats::default() };
    let mut choices = Vec::new();
    let path = |parent: &[(u32, Option<Choice>)], mut i: u32| {
        let mut out = Vec::new();
        while let (p, Some(c)) = parent[i as usize] {
            out.push(c);
            i = p;
        }
        out.reverse();
        Schedule(out)
    };
    while let Some((kernel, node, depth)) = frontier.pop_front() {
        world::choices(spec, &kernel, &mut choices);
        for &c in &choices {
            let mut child = kernel.clone();
            super::take(spec, liveness.as_ref(), &mut child, c);
            stats.transitions += 1;
            if !seen.insert(key(&child)) {
                continue;
            }
            stats.states += 1;
            stats.max_depth = stats.max_depth.max(depth + 1);
            parent.push((node, Some(c)));
            let id = (parent.len() - 1) as u32;
            if !world::can_step(spec, &child) {
                stats.executions += 1;
                if classify(spec, &child).0 == VerdictKind::LostWakeup {
                    return (Shortest::Found(path(&parent, id)), stats);
                }
                continue;
            }
            if stats.states.is_multiple_of(1024) {
                // The frontier holds whole states: it, not the visited set, is most of the memory.
                stats.bytes = crate::hash::table_bytes(seen.len(), seen.capacity(), 16).0
                    + (parent.capacity() * std::mem::size_of::<(u32, Option<Choice>)>()) as u64
                    + (frontier.capacity() * std::mem::size_of::<(Kernel, u32, u32)>()) as u64;
            }
            let out_of_memory = stats.bytes > cfg.max_memory;
            if stats.states >= cfg.max_states
                || out_of_memory
                || (stats.states.is_multiple_of(4096) && !progress(&stats))
            {
                return (Shortest::Incomplete, stats);
            }
            if depth + 1 < spec.step_limit {
                frontier.push_back((child, id, depth + 1));
            }
        }
    }
    (Shortest::None, stats)
}

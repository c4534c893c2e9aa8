//! Every reduction, alone and together, against the unreduced search, for every built-in scenario
//! and variant at small sizes with more than one task of a role: the same verdict, the same set of
//! end states (each named by its canonical form, so that permutations of interchangeable tasks
//! count as one, with its dead locals cleared, which the dead-variable reduction may have done
//! earlier on the way), and a shortest counterexample of the same length.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use sim_core::explore::dead::Liveness;
use sim_core::explore::shortest::{shortest_lost_wakeup, Shortest};
use sim_core::explore::symmetry::Symmetry;
use sim_core::explore::{explore_with, Config, Reductions};
use sim_core::hash::Fingerprinter;
use sim_core::kernel::memory::Memory;
use sim_core::kernel::Kernel;
use sim_core::{library, Spec, VerdictKind};

/// The end states a search reached, by canonical fingerprint, with their verdicts; and whether
/// it found a lost wakeup.
fn ends(spec: &Arc<Spec>, reductions: Reductions) -> (BTreeSet<(u128, VerdictKind)>, bool) {
    let mut classes = Classes::of(spec);
    let mut ends = BTreeSet::new();
    let cfg = Config { reductions, max_states: 2_000_000, ..Config::default() };
    let report = explore_with(spec, cfg, &mut |_| true, &mut |k, kind| {
        ends.insert((classes.class(k), kind));
    });
    let what = format!("{} {} {:?} {reductions:?}", spec.scenario, spec.variant, spec.params);
    assert!(report.complete, "{what}: incomplete at {:?}", report.stats);
    let lost = report.found.as_ref().is_some_and(|f| f.kind == VerdictKind::LostWakeup);
    assert_eq!(lost, report.ends.lost_wakeup > 0, "{what}");
    (ends, lost)
}

/// A state's fingerprint up to the reductions that merge states: its canonical form, with its dead
/// locals cleared.
struct Classes {
    liveness: Liveness,
    symmetry: Symmetry,
    fp: Fingerprinter,
}

impl Classes {
    fn of(spec: &Spec) -> Classes {
        Classes { liveness: Liveness::of(spec), symmetry: Symmetry::of(spec), fp: Fingerprinter::default() }
    }

    fn class(&mut self, k: &Kernel) -> u128 {
        let mut k = k.clone();
        self.liveness.clear_all(&mut k);
        self.fp.kernel_as(&k, &self.symmetry.canonical(&k), 0)
    }
}

fn shortest_len(spec: &Arc<Spec>, reductions: Reductions) -> Option<usize> {
    match shortest_lost_wakeup(spec, &Config { max_states: 2_000_000, reductions, ..Config::default() }, &mut |_| true)
        .0
    {
        Shortest::Found(s) => Some(s.0.len()),
        Shortest::None => None,
        Shortest::Incomplete => panic!("{} {}: shortest search incomplete", spec.scenario, spec.variant),
    }
}

#[test]
fn every_reduction_keeps_the_verdict_the_end_states_and_the_shortest_race() {
    let sleep_sets = Reductions { sleep_sets: true, ..Reductions::NONE };
    let symmetry = Reductions { symmetry: true, ..Reductions::NONE };
    let lock_aware = Reductions { lock_aware: true, ..Reductions::NONE };
    let dead_variables = Reductions { dead_variables: true, ..Reductions::NONE };
    let mut symmetric = 0;
    let mut merged = 0;
    for scenario in library::scenarios() {
        let params = common::small_sizes(&scenario.id);
        for variant in &scenario.variants {
            let spec = scenario.spec(Some(&variant.id), &params).unwrap();
            let what = format!("{} {}", scenario.id, variant.id);
            let unreduced = ends(&spec, Reductions::NONE);
            for reductions in [sleep_sets, symmetry, lock_aware, dead_variables, Reductions::ALL] {
                let (reduced, lost) = ends(&spec, reductions);
                let missing: Vec<_> = unreduced.0.difference(&reduced).take(3).collect();
                let extra: Vec<_> = reduced.difference(&unreduced.0).take(3).collect();
                assert!(
                    missing.is_empty() && extra.is_empty(),
                    "{what} {reductions:?}: end states missing {missing:?}, extra {extra:?}"
                );
                assert_eq!(lost, unreduced.1, "{what} {reductions:?}: verdict");
            }
            let shortest = shortest_len(&spec, Reductions::NONE);
            for reductions in [symmetry, dead_variables, Reductions { symmetry: true, ..dead_variables }] {
                assert_eq!(shortest_len(&spec, reductions), shortest, "{what} {reductions:?}");
            }
            symmetric += usize::from(!Symmetry::of(&spec).is_trivial());
            merged += usize::from(states(&spec, dead_variables) < states(&spec, Reductions::NONE));
        }
    }
    // The cases above must exercise the symmetry and dead-variable reductions, or this test
    // proves nothing about them.
    assert!(symmetric >= 12, "only {symmetric} variants have interchangeable tasks");
    assert!(merged >= 11, "the dead-variable reduction merged states in only {merged} variants");
}

/// Under x86-TSO the symmetry reduction renames store buffers and flush choices with their
/// tasks (the other reductions are off there): the same end states and verdict as the unreduced
/// search, with states pruned.
#[test]
fn symmetry_under_tso_keeps_the_end_states() {
    let cases: &[common::Case] = &[
        ("pipe-splice", "v5.8", &[("writers", 2), ("writes", 1), ("capacity", 1)]),
        ("page-lock-killable", "v4.13", &[("lockers", 3), ("signals", 2)]),
        ("exclusive-event", "before-fix", &[("lockers", 3), ("signals", 2)]),
    ];
    for &(scenario, variant, params) in cases {
        let overrides: Vec<(String, i64)> = params.iter().map(|&(k, v)| (k.to_string(), v)).collect();
        let spec = library::find(scenario).unwrap().spec_in(Some(variant), &overrides, Memory::Tso).unwrap();
        let unreduced = ends(&spec, Reductions::NONE);
        assert_eq!(ends(&spec, Reductions::ALL), unreduced, "{scenario} {variant} under tso");
        // The canonical form is exact: the search stores one state per class of permutations
        // (and of dead locals' values).
        let cfg = Config { reductions: Reductions::ALL, ..Config::default() };
        let stored = sim_core::explore::explore(&spec, cfg, &mut |_| true).stats.states;
        assert_eq!(stored, classes(&spec), "{scenario} {variant} under tso");
    }
}

fn states(spec: &Arc<Spec>, reductions: Reductions) -> u64 {
    sim_core::explore::explore(spec, Config { reductions, ..Config::default() }, &mut |_| true).stats.states
}

/// The number of reachable states up to a permutation of interchangeable tasks and dead locals,
/// by brute force.
fn classes(spec: &Arc<Spec>) -> u64 {
    let mut classes = Classes::of(spec);
    let mut fp = Fingerprinter::default();
    let mut seen = std::collections::HashSet::from([fp.kernel(&spec.initial, 0)]);
    let mut canonical = BTreeSet::new();
    let mut todo = vec![spec.initial.clone()];
    let mut choices = Vec::new();
    while let Some(k) = todo.pop() {
        canonical.insert(classes.class(&k));
        sim_core::world::choices(spec, &k, &mut choices);
        for &c in &choices {
            let mut next = k.clone();
            sim_core::world::apply(spec, &mut next, c, &mut ());
            if seen.insert(fp.kernel(&next, 0)) {
                todo.push(next);
            }
        }
    }
    canonical.len() as u64
}

/// Symmetry prunes states: 3 interchangeable lockers' 3! orders are stored once, or nearly.
#[test]
fn symmetry_stores_a_state_and_its_permutations_once() {
    let spec = common::spec("page-lock-killable", "v5.8-handoff", &[("lockers", 3), ("signals", 3)]);
    let count = |reductions| {
        sim_core::explore::explore(&spec, Config { reductions, ..Config::default() }, &mut |_| true).stats.states
    };
    let (without, with) = (count(Reductions::NONE), count(Reductions { symmetry: true, ..Reductions::NONE }));
    assert!(with * 5 < without, "{with} states with symmetry, {without} without");
}

/// Tasks that differ are never merged: lockers that may be killed and those that may not are two
/// groups; a task a program names is in none.
#[test]
fn only_interchangeable_tasks_are_grouped() {
    let spec = common::spec("page-lock-killable", "v5.8-handoff", &[("lockers", 3), ("signals", 1)]);
    let groups: Vec<Vec<u8>> = Symmetry::of(&spec).groups().map(|g| g.map(|t| t.0).collect()).collect();
    let names: Vec<&str> = spec.tasks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(groups.len(), 1, "{names:?}: {groups:?}");
    assert!(groups[0].iter().all(|&t| !spec.tasks[usize::from(t)].signalable), "{names:?}: {groups:?}");
}

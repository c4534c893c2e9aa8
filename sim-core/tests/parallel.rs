//! `Config::jobs`: a search on several threads against the same search on one, for every
//! built-in scenario and variant at small sizes: the same verdict and the same set of end states
//! with every reduction; without sleep sets (which prune by the order of visits), the same
//! numbers of states, transitions and end states exactly. Every counterexample a thread reports
//! replays, from the start, to the lost wakeup it claims (the path it reports begins where the
//! thread that gave the work away left off).

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use sim_core::explore::symmetry::Symmetry;
use sim_core::explore::{explore_with, parallel, Config, Reductions, Report};
use sim_core::hash::Fingerprinter;
use sim_core::kernel::memory::Memory;
use sim_core::strategy::Replay;
use sim_core::{library, Spec, VerdictKind};

type Ends = BTreeSet<(u128, VerdictKind)>;

fn canonical(symmetry: &Symmetry, fp: &mut Fingerprinter, k: &sim_core::kernel::Kernel) -> u128 {
    fp.kernel_as(k, &symmetry.canonical(k), 0)
}

/// One search, on `jobs` threads: its report, its end states (canonical), and the threads
/// that reported end states.
fn search(spec: &Arc<Spec>, reductions: Reductions, jobs: usize) -> (Report, Ends, usize) {
    let symmetry = Symmetry::of(spec);
    let cfg = Config { reductions, jobs, max_states: 2_000_000, ..Config::default() };
    if jobs == 1 {
        let mut fp = Fingerprinter::default();
        let mut ends = Ends::new();
        let report = explore_with(spec, cfg, &mut |_| true, &mut |k, kind| {
            ends.insert((canonical(&symmetry, &mut fp, k), kind));
        });
        return (report, ends, 1);
    }
    let ends = Mutex::new((Ends::new(), std::collections::HashSet::new()));
    let report = parallel::explore(spec, cfg, &mut |_| true, &|k, kind| {
        let key = canonical(&symmetry, &mut Fingerprinter::default(), k);
        let mut ends = ends.lock().unwrap();
        ends.0.insert((key, kind));
        ends.1.insert(std::thread::current().id());
    });
    let (ends, threads) = ends.into_inner().unwrap();
    (report, ends, threads.len())
}

fn assert_same(spec: &Arc<Spec>, reductions: Reductions, jobs: usize) {
    let what = format!("{} {} {:?} {reductions:?} jobs={jobs}", spec.scenario, spec.variant, spec.params);
    let (one, one_ends, _) = search(spec, reductions, 1);
    let (many, many_ends, _) = search(spec, reductions, jobs);
    assert!(one.complete && many.complete, "{what}: incomplete");
    assert_eq!(many_ends, one_ends, "{what}: end states");
    assert_eq!(many.ends, one.ends, "{what}: end states by verdict");
    assert_eq!(many.found.is_some(), one.found.is_some(), "{what}: verdict");
    if !reductions.sleep_sets && !reductions.lock_aware {
        assert_eq!(
            (many.stats.states, many.stats.transitions, many.stats.executions),
            (one.stats.states, one.stats.transitions, one.stats.executions),
            "{what}"
        );
    }
    if let Some(found) = &many.found {
        let mut world = sim_core::World::new(spec.clone());
        let outcome = sim_core::run::run(
            &mut world,
            &mut Replay::strict(found.schedule.clone(), None),
            &mut sim_core::trace::Trace::default(),
        )
        .unwrap_or_else(|e| panic!("{what}: the counterexample does not replay: {e}"));
        assert_eq!(outcome.verdict.kind(), found.kind, "{what}: the counterexample's end");
    }
}

#[test]
fn several_threads_reach_what_one_does_for_every_scenario() {
    let symmetry_only = Reductions { symmetry: true, ..Reductions::NONE };
    for scenario in library::scenarios() {
        let params = common::small_sizes(&scenario.id);
        for variant in &scenario.variants {
            let spec = scenario.spec(Some(&variant.id), &params).unwrap();
            for reductions in [Reductions::NONE, symmetry_only, Reductions::ALL] {
                assert_same(&spec, reductions, 2);
            }
            assert_same(&spec, Reductions::ALL, 3);
        }
    }
}

#[test]
fn several_threads_under_tso() {
    let spec = library::find("waitqueue-active").unwrap().spec_in(Some("no-barrier"), &[], Memory::Tso).unwrap();
    assert_same(&spec, Reductions::NONE, 2);
    assert_same(&spec, Reductions::ALL, 2);
    let spec = library::find("pipe-splice")
        .unwrap()
        .spec_in(Some("v5.8"), &[("writers".into(), 2), ("writes".into(), 1), ("capacity".into(), 1)], Memory::Tso)
        .unwrap();
    assert_same(&spec, Reductions::ALL, 2);
}

/// Races found far from the start, on work given away more than once: each replays.
#[test]
fn counterexamples_found_on_given_work_replay() {
    let cases: &[common::Case] = &[
        ("page-lock-killable", "v4.13", &[("lockers", 3), ("signals", 3)]),
        ("exclusive-event", "before-fix", &[("lockers", 3), ("signals", 3)]),
        ("pipe-splice", "v5.8", &[("writers", 2), ("writes", 3), ("capacity", 1)]),
    ];
    for &(scenario, variant, params) in cases {
        let spec = common::spec(scenario, variant, params);
        for jobs in 2..=4 {
            assert_same(&spec, Reductions::ALL, jobs);
        }
    }
}

/// The work is shared: on a search of 58,748 states, every thread stores end states.
#[test]
fn every_thread_gets_work() {
    let spec = common::spec("page-lock-killable", "v5.8-handoff", &[("lockers", 3), ("signals", 3)]);
    let (report, _, threads) = search(&spec, Reductions::ALL, 3);
    assert!(report.complete);
    assert_eq!(threads, 3, "threads that reached an end state");
}

/// The limits hold across threads: the state limit stops the search (within the few hundred
/// states each thread may take between its looks at the others), and so does the caller.
#[test]
fn limits_stop_every_thread() {
    let spec = common::spec("page-lock-killable", "v5.8-handoff", &[("lockers", 3), ("signals", 3)]);
    let cfg = Config { jobs: 2, max_states: 10_000, ..Config::default() };
    let r = parallel::explore(&spec, cfg, &mut |_| true, &|_, _| {});
    assert!(!r.complete && r.stats.states >= 10_000 && r.stats.states < 12_000, "{:?}", r.stats);
    let mut calls = 0;
    let cfg = Config { jobs: 2, ..Config::default() };
    let r = parallel::explore(
        &spec,
        cfg,
        &mut |_| {
            calls += 1;
            false
        },
        &|_, _| {},
    );
    assert!(!r.complete && calls >= 1, "stopped by the caller");
    let cfg = Config { jobs: 2, max_memory: 1 << 18, ..Config::default() };
    let r = parallel::explore(&spec, cfg, &mut |_| true, &|_, _| {});
    assert!(!r.complete && r.stats.bytes <= 1 << 18, "{:?}", r.stats);
}

/// A panic on one thread (here, in the caller's `on_end`) ends the search with that panic,
/// rather than leaving the other threads waiting for its work.
#[test]
#[should_panic(expected = "an end state")]
fn a_panic_on_one_thread_is_passed_on() {
    let spec = common::spec("page-lock-killable", "v5.8-handoff", &[("lockers", 3), ("signals", 3)]);
    let cfg = Config { jobs: 2, ..Config::default() };
    parallel::explore(&spec, cfg, &mut |_| true, &|_, _| panic!("an end state"));
}

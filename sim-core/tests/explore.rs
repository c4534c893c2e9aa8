//! Exhaustive exploration proves the fixes for small sizes and finds the races, with shortest
//! counterexamples; the reduction loses no end state; shrinking keeps the failure.

mod common;

use common::spec;
use sim_core::explore::shortest::{shortest_lost_wakeup, Shortest};
use sim_core::explore::shrink::{preemptions, shrink};
use sim_core::explore::{explore, Config, Reductions, Report};
use sim_core::strategy::{Pct, Random, Strategy, StrategyKind};
use sim_core::{Schedule, VerdictKind};

fn run(scenario: &str, variant: &str, params: &[(&str, i64)], cfg: Config) -> Report {
    explore(&spec(scenario, variant, params), cfg, &mut |_| true)
}

fn exhaustive(scenario: &str, variant: &str, params: &[(&str, i64)]) -> Report {
    let r = run(scenario, variant, params, Config::default());
    assert!(r.complete, "{scenario} {variant} {params:?} did not complete: {:?}", r.stats);
    r
}

fn assert_safe(scenario: &str, variant: &str, params: &[(&str, i64)]) {
    let r = exhaustive(scenario, variant, params);
    assert_eq!(r.ends.lost_wakeup + r.ends.deadlock + r.ends.step_limit, 0, "{scenario} {variant} {params:?}: {r:?}");
    assert!(r.ends.finished > 0 && r.found.is_none());
}

fn assert_loses(scenario: &str, variant: &str, params: &[(&str, i64)]) -> Report {
    let r = exhaustive(scenario, variant, params);
    let found = r.found.as_ref().unwrap_or_else(|| panic!("{scenario} {variant} {params:?}: nothing found"));
    assert_eq!(found.kind, VerdictKind::LostWakeup);
    r
}

const PIPE: &[(&str, i64)] = &[("capacity", 2), ("writes", 3), ("writers", 1)];
const PIPE_TWO_WRITERS: &[(&str, i64)] = &[("capacity", 1), ("writes", 2), ("writers", 2)];

#[test]
fn pipe_v5_8_loses_and_every_fix_is_proved_for_small_sizes() {
    assert_loses("pipe-splice", "v5.8", PIPE);
    for variant in ["v5.9", "josef-set-state-once", "v5.4-single-queue"] {
        assert_safe("pipe-splice", variant, PIPE);
        assert_safe("pipe-splice", variant, PIPE_TWO_WRITERS);
    }
}

/// Every locker may take a fatal signal at any step.
#[test]
fn page_lock_v4_13_loses_and_the_handoff_is_proved() {
    assert_loses("page-lock-killable", "v4.13", &[("lockers", 2), ("signals", 2)]);
    for lockers in [2, 3] {
        assert_safe("page-lock-killable", "v5.8-handoff", &[("lockers", lockers), ("signals", lockers)]);
    }
}

/// a8b169afbf06 is right for two lockers (Linus's argument) and wrong for three: Oleg
/// Nesterov's 2020 hole [ref §2.3 items 2–3].
#[test]
fn a8b169afbf06_is_safe_with_two_lockers_and_not_with_three() {
    assert_safe("page-lock-killable", "a8b169afbf06", &[("lockers", 2), ("signals", 2)]);
    let r = assert_loses("page-lock-killable", "a8b169afbf06", &[("lockers", 3), ("signals", 1)]);
    assert_eq!(r.found.unwrap().victim.map(|t| t.0), Some(3), "T3 is left asleep: {:?}", r.ends);
}

#[test]
fn check_then_sleep() {
    assert_loses("check-then-sleep", "naive", &[]);
    assert_safe("check-then-sleep", "set-state-first", &[]);
}

/// Sleep sets prune transitions, never end states: with and without the reduction the same
/// distinct terminal states are reached.
#[test]
fn the_reduction_keeps_every_end_state() {
    let cases: &[common::Case] = &[
        ("pipe-splice", "v5.8", PIPE),
        ("pipe-splice", "v5.9", PIPE_TWO_WRITERS),
        ("page-lock-killable", "v4.13", &[("lockers", 2), ("signals", 2)]),
        ("page-lock-killable", "a8b169afbf06", &[("lockers", 2), ("signals", 1)]),
        ("check-then-sleep", "naive", &[]),
    ];
    for &(scenario, variant, params) in cases {
        let sleep_sets = Reductions { sleep_sets: true, ..Reductions::NONE };
        let with = run(scenario, variant, params, Config { reductions: sleep_sets, ..Config::default() });
        let without = run(scenario, variant, params, Config { reductions: Reductions::NONE, ..Config::default() });
        assert_eq!(with.ends, without.ends, "{scenario} {variant}");
        assert_eq!(with.stats.states, without.stats.states, "{scenario} {variant}");
        assert!(with.stats.transitions < without.stats.transitions, "{scenario} {variant}: no transition pruned");
    }
}

/// Breadth-first search returns Josef's interleaving, step for step [ref §1.4].
#[test]
fn the_shortest_pipe_counterexample_is_the_reference_table() {
    let spec = spec("pipe-splice", "v5.8", PIPE);
    let (found, _) = shortest_lost_wakeup(&spec, &Config { max_states: 1_000_000, ..Config::default() }, &mut |_| true);
    let Shortest::Found(schedule) = found else { panic!("{found:?}") };
    assert_eq!(schedule.display(&spec), "W*6 R*11 W R*3 W*13");
    // Nothing shorter: the same search, cut one level earlier, finds nothing.
    let dfs = run("pipe-splice", "v5.8", PIPE, Config::default());
    assert!(dfs.found.unwrap().schedule.0.len() >= schedule.0.len());
}

#[test]
fn shortest_reports_none_on_a_fix_and_incomplete_at_the_limit() {
    let spec = spec("pipe-splice", "v5.9", PIPE);
    assert_eq!(
        shortest_lost_wakeup(&spec, &Config { max_states: 1_000_000, ..Config::default() }, &mut |_| true).0,
        Shortest::None
    );
    assert_eq!(
        shortest_lost_wakeup(&spec, &Config { max_states: 100, ..Config::default() }, &mut |_| true).0,
        Shortest::Incomplete
    );
}

#[test]
fn limits_make_a_run_incomplete_never_a_silent_pass() {
    let r = run("pipe-splice", "v5.9", PIPE, Config { max_states: 100, ..Config::default() });
    assert!(!r.complete);
    let mut calls = 0;
    let spec = spec("page-lock-killable", "v5.8-handoff", &[("lockers", 3), ("signals", 3)]);
    let r = explore(&spec, Config::default(), &mut |_| {
        calls += 1;
        calls < 2
    });
    assert!(!r.complete, "stopped by the caller");
}

/// `max_memory` stops a search before its visited set outgrows the limit, and says so: the
/// proof that needs 58,748 states (0.8 MiB) does not fit in 256 KiB, and is complete without
/// the limit.
#[test]
fn a_memory_limit_makes_a_run_incomplete_before_the_table_grows_past_it() {
    let spec = spec("page-lock-killable", "v5.8-handoff", &[("lockers", 3), ("signals", 3)]);
    let limit = 1 << 18;
    let mut reported = 0;
    let r = explore(&spec, Config { max_memory: limit, ..Config::default() }, &mut |s| {
        reported = s.bytes;
        true
    });
    assert!(!r.complete && r.stats.states < 58_748, "{:?}", r.stats);
    assert!(reported > 0 && reported <= limit, "{reported} bytes");
    assert!(explore(&spec, Config::default(), &mut |_| true).complete);
    let cfg = Config { max_memory: limit, ..Config::default() };
    let buggy = common::spec("page-wake-bookmark", "bookmark-head-order", &[("b_waiters", 2)]);
    assert_eq!(shortest_lost_wakeup(&buggy, &cfg, &mut |_| true).0, Shortest::Incomplete);
}

/// CHESS's iterative context bounding. The pipe race needs W preempted after its unlock and R
/// preempted between its two prepare_to_wait() calls; the page race needs no preemption at all,
/// only a signal at the right moment (tasks switch where they block, and a signal is no switch).
#[test]
fn preemption_bounding() {
    let first_bound = |scenario, variant, params: &[(&str, i64)]| {
        let found: Vec<bool> = (0..=3)
            .map(|k| {
                run(scenario, variant, params, Config { max_preemptions: Some(k), ..Config::default() }).found.is_some()
            })
            .collect();
        let first = found.iter().position(|&f| f).expect("found within 3 preemptions");
        assert!(found[first..].iter().all(|&f| f), "monotone in the bound: {found:?}");
        first
    };
    assert_eq!(first_bound("pipe-splice", "v5.8", PIPE), 2);
    assert_eq!(first_bound("page-lock-killable", "v4.13", &[("lockers", 2), ("signals", 1)]), 0);
    // Bounded runs of a fix stay clean and complete.
    let r = run("pipe-splice", "v5.9", PIPE, Config { max_preemptions: Some(2), ..Config::default() });
    assert!(r.complete && r.found.is_none());
}

/// A failing random seed shrinks to a run no longer than the original, losing the same waiter,
/// with no more preemptions.
#[test]
fn shrinking_keeps_the_failure() {
    let spec = spec("pipe-splice", "v5.8", &[]);
    let mut random = StrategyKind::Random.build(3005, &sim_core::World::new(spec.clone()));
    let (_, original, trace) = common::drive(&spec, &mut *random);
    assert_eq!(original.verdict.kind(), VerdictKind::LostWakeup);
    let schedule = Schedule(trace.choices());
    let shrunk = shrink(&spec, &schedule).expect("the seed fails");
    assert_eq!(shrunk.waiter.as_deref(), Some("R"));
    assert!(shrunk.schedule.0.len() <= schedule.0.len());
    assert!(shrunk.preemptions <= preemptions(&spec, &schedule));
    assert!(shrunk.preemptions <= 3, "{} preemptions: {}", shrunk.preemptions, shrunk.schedule.display(&spec));
    // A schedule that does not fail cannot be shrunk.
    let fine = common::spec("pipe-splice", "v5.9", &[]);
    assert!(shrink(&fine, &Schedule(vec![])).is_none());
}

/// PCT (depth 3) finds the page-lock race in more of the same seeds than uniform random.
#[test]
fn pct_beats_uniform_random_on_the_page_lock() {
    let spec = spec("page-lock-killable", "v4.13", &[("lockers", 2), ("signals", 1)]);
    let rate = |mk: &dyn Fn(u64) -> Box<dyn Strategy>| {
        (0..5_000u64)
            .filter(|&seed| {
                let mut world = sim_core::World::new(spec.clone());
                let mut s = mk(seed);
                sim_core::run::run(&mut world, &mut *s, &mut ()).unwrap().verdict.kind() == VerdictKind::LostWakeup
            })
            .count()
    };
    let world = sim_core::World::new(spec.clone());
    let k = sim_core::strategy::pct::expected_steps(&world);
    let random = rate(&|seed| Box::new(Random::new(seed)));
    let pct = rate(&|seed| Box::new(Pct::new(seed, 3, k)));
    eprintln!("page-lock v4.13, 5000 seeds: random {random}, pct(d=3, k={k}) {pct}");
    assert!(pct > 2 * random, "pct {pct} vs random {random}");
}

/// Bitstate hashing in a roomy array reaches the end states the visited set does (with the same
/// reductions: it keeps no sleep sets). On one thread it counts them exactly; on two, a state
/// both threads meet at once is counted twice (`bitstate.rs`), so each kind of end is counted
/// at least as often. In a tiny array it takes new states as seen, and reaches fewer.
#[test]
fn bitstate_reaches_what_the_visited_set_does_given_room() {
    let spec = spec("page-lock-killable", "v4.13", &[("lockers", 3), ("signals", 3)]);
    let exact = explore(&spec, Config { bitstate: None, ..no_sleep_sets() }, &mut |_| true);
    for jobs in [1, 2] {
        let roomy = Config { bitstate: Some(16 << 20), jobs, ..no_sleep_sets() };
        let r = explore(&spec, roomy, &mut |_| true);
        assert!(r.complete && r.found.is_some(), "{:?}", r.stats);
        if jobs == 1 {
            assert_eq!(r.ends, exact.ends);
        } else {
            let (e, x) = (&r.ends, &exact.ends);
            assert!(
                e.finished >= x.finished && e.lost_wakeup >= x.lost_wakeup && e.deadlock >= x.deadlock,
                "{e:?} {x:?}"
            );
            assert!(e.step_limit >= x.step_limit, "{e:?} {x:?}");
        }
        assert!(r.stats.states >= exact.stats.states && r.stats.bytes == 16 << 20, "{:?}", r.stats);
    }
    let tiny = explore(&spec, Config { bitstate: Some(1 << 10), ..no_sleep_sets() }, &mut |_| true);
    assert!(tiny.stats.states < exact.stats.states / 2, "{:?}", tiny.stats);
}

fn no_sleep_sets() -> Config {
    Config { reductions: Reductions { sleep_sets: false, ..Reductions::ALL }, ..Config::default() }
}

//! Shrinking ends 1-minimal: no single step of the shrunk schedule can be removed and still lose
//! the same task's wakeup, and the shrunk schedule replays, exactly, to that lost wakeup.
//! (Shrinking keeps the failure it was given, the waiter left asleep; with three or more tasks
//! that can wait, removing a step can leave another task asleep instead: a different race.)

mod common;

use std::sync::Arc;

use common::spec;
use sim_core::explore::shortest::{shortest_lost_wakeup, Shortest};
use sim_core::explore::shrink::{one_minimal, shrink, Attempt};
use sim_core::explore::Config;
use sim_core::strategy::{Replay, StrategyKind};
use sim_core::{run, Schedule, Spec, Verdict, World};

/// The run of `seed` under `kind`, shrunk.
fn shrunk(spec: &Arc<Spec>, kind: StrategyKind, seed: u64) -> (Schedule, Attempt) {
    let mut strategy = kind.build(seed, &World::new(spec.clone()));
    let (_, outcome, trace) = common::drive(spec, &mut *strategy);
    assert!(matches!(outcome.verdict, Verdict::LostWakeup(_)), "seed {seed}: {:?}", outcome.verdict);
    let original = Schedule(trace.choices());
    let shrunk = shrink(spec, &original).expect("the seed loses a wakeup");
    (original, shrunk)
}

/// Replay `schedule` exactly and to its end, with nothing after it: the waiter left asleep by a
/// lost wakeup, or `None` for any other end (another verdict, a choice that cannot happen, or a
/// schedule that stops while tasks can still run).
fn strict_waiter(spec: &Arc<Spec>, schedule: &Schedule) -> Option<String> {
    let mut world = World::new(spec.clone());
    match run::run(&mut world, &mut Replay::strict(schedule.clone(), None), &mut ()) {
        Ok(outcome) => match outcome.verdict {
            Verdict::LostWakeup(l) => Some(l.waiter),
            _ => None,
        },
        Err(_) => None,
    }
}

/// The shrunk schedule replays to the lost wakeup, and without any one of its steps it does not:
/// replayed exactly, the shorter schedule is not a run that loses `waiter`'s wakeup; replayed as the
/// shrinker does (skipping what cannot happen, then finishing without preemption), it loses the
/// waiter's wakeup only in a run that is no shorter.
fn assert_one_minimal(spec: &Arc<Spec>, s: &Attempt, waiter: &str) {
    let text = s.schedule.display(spec);
    assert_eq!(s.waiter.as_deref(), Some(waiter), "{text}");
    assert_eq!(strict_waiter(spec, &s.schedule).as_deref(), Some(waiter), "{text} replays to the lost wakeup");
    for i in 0..s.schedule.0.len() {
        let mut without = s.schedule.clone();
        without.0.remove(i);
        let w = strict_waiter(spec, &without);
        assert_ne!(w.as_deref(), Some(waiter), "{text} without step {} still loses {waiter}'s wakeup", i + 1);
    }
    assert_eq!(one_minimal(spec, &s.schedule, waiter), Vec::<usize>::new(), "{text}");
}

fn shortest(spec: &Arc<Spec>) -> usize {
    match shortest_lost_wakeup(spec, &Config { max_states: 1_000_000, ..Config::default() }, &mut |_| true).0 {
        Shortest::Found(s) => s.0.len(),
        other => panic!("{other:?}"),
    }
}

/// The pipe's default seed: 41 steps with 4 preemptions shrink to the shortest race there is at
/// these parameters (breadth-first): Josef Bacik's 34 steps (`W*6 R*11 W R*3 W*13` with 3
/// writes), plus the 7 steps of the fourth write, in which W finds the pipe full and sleeps.
/// The oracle judges a run only once no task can step.
#[test]
fn pipe_seed_3005_shrinks_to_the_shortest_race() {
    let spec = spec("pipe-splice", "v5.8", &[]);
    let (original, s) = shrunk(&spec, StrategyKind::Random, 3005);
    assert_one_minimal(&spec, &s, "R");
    // With one reader, R is the only task that can wait: no step can go and lose any wakeup.
    for i in 0..s.schedule.0.len() {
        let mut without = s.schedule.clone();
        without.0.remove(i);
        assert_eq!(strict_waiter(&spec, &without), None);
    }
    assert_eq!(s.schedule.0.len(), shortest(&spec));
    assert_eq!(s.schedule.0.len(), 41);
    assert!(s.preemptions <= 2, "{} preemptions", s.preemptions);
    assert!(s.schedule.0.len() <= original.0.len());
}

/// A pct seed whose run first lets the reader empty the pipe once before the race: removing
/// steps alone stops at 59, moving the early rounds of work reaches the shortest.
#[test]
fn pipe_pct_seed_with_an_early_round_shrinks_to_the_shortest_race() {
    let spec = spec("pipe-splice", "v5.8", &[]);
    let (original, s) = shrunk(&spec, StrategyKind::Pct, 1075);
    assert_eq!(original.0.len(), 62);
    assert_one_minimal(&spec, &s, "R");
    assert_eq!(s.schedule.0.len(), 41);
}

/// The page lock's default seed (v4.13, 2 lockers, 1 signal).
#[test]
fn page_lock_seed_185_shrinks_to_a_one_minimal_race() {
    let spec = spec("page-lock-killable", "v4.13", &[]);
    let (original, s) = shrunk(&spec, StrategyKind::Random, 185);
    assert_one_minimal(&spec, &s, "T2");
    // Only T1 can be signalled, so only T2 can be left asleep: no step can go and lose any wakeup.
    for i in 0..s.schedule.0.len() {
        let mut without = s.schedule.clone();
        without.0.remove(i);
        assert_eq!(strict_waiter(&spec, &without), None);
    }
    assert_eq!(s.schedule.0.len(), shortest(&spec));
    assert!(s.schedule.0.len() <= original.0.len());
}

/// Four lockers: every failing seed of a small sweep shrinks to a 1-minimal run (seed 23 made
/// the old preemption pass index past the end of a schedule it had just shortened).
#[test]
fn page_lock_four_lockers_shrink_without_panic() {
    let spec = spec("page-lock-killable", "v4.13", &[("lockers", 4), ("signals", 2)]);
    let mut failing = 0;
    for seed in 0..400 {
        let outcome = common::seed_run(&spec, StrategyKind::Random, seed);
        let Verdict::LostWakeup(lost) = outcome.verdict else { continue };
        failing += 1;
        let (_, s) = shrunk(&spec, StrategyKind::Random, seed);
        assert_one_minimal(&spec, &s, &lost.waiter);
    }
    assert!(failing >= 3, "{failing} failing seeds");
}

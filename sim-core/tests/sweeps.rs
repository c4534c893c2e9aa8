//! Seed sweeps: 10,000 seeds per variant and strategy. Buggy variants lose a wakeup for some
//! seeds; fixed ones never do, and never hang or run away either.

mod common;

use common::{seed_run, spec};
use sim_core::strategy::StrategyKind;
use sim_core::VerdictKind;

const SEEDS: u64 = 10_000;

/// Verdict counts over the sweep, and the first seed that lost a wakeup.
fn sweep(scenario: &str, variant: &str, params: &[(&str, i64)], kind: StrategyKind) -> (u64, u64, Option<u64>) {
    let spec = spec(scenario, variant, params);
    let (mut finished, mut lost, mut first) = (0, 0, None);
    for seed in 0..SEEDS {
        match seed_run(&spec, kind, seed).verdict.kind() {
            VerdictKind::Finished => finished += 1,
            VerdictKind::LostWakeup => {
                lost += 1;
                first.get_or_insert(seed);
            }
            other => panic!("{scenario} {variant} {params:?} {kind:?} seed {seed}: {other:?}"),
        }
    }
    (finished, lost, first)
}

fn assert_buggy(scenario: &str, variant: &str, params: &[(&str, i64)]) {
    let (_, lost, first) = sweep(scenario, variant, params, StrategyKind::Random);
    assert!(lost > 0, "{scenario} {variant} {params:?}: no seed of {SEEDS} lost a wakeup");
    eprintln!("{scenario} {variant} {params:?}: {lost}/{SEEDS} seeds lose a wakeup, first {first:?}");
}

fn assert_fixed(scenario: &str, variant: &str, params: &[(&str, i64)]) {
    for kind in StrategyKind::ALL {
        let (finished, lost, first) = sweep(scenario, variant, params, kind);
        assert_eq!(
            (finished, lost),
            (SEEDS, 0),
            "{scenario} {variant} {params:?} {kind:?}: first loss at seed {first:?}"
        );
    }
}

#[test]
fn check_then_sleep() {
    assert_buggy("check-then-sleep", "naive", &[]);
    assert_fixed("check-then-sleep", "set-state-first", &[]);
}

#[test]
fn pipe_splice_buggy() {
    assert_buggy("pipe-splice", "v5.8", &[]);
}

#[test]
fn pipe_splice_fixed() {
    for variant in ["v5.9", "josef-set-state-once", "v5.4-single-queue"] {
        assert_fixed("pipe-splice", variant, &[]);
        assert_fixed("pipe-splice", variant, &[("capacity", 1), ("writes", 3), ("writers", 2)]);
    }
}

#[test]
fn page_lock_v4_13() {
    assert_buggy("page-lock-killable", "v4.13", &[("lockers", 2), ("signals", 1)]);
}

/// a8b169afbf06 closes the two-locker race of 2017 but, with three lockers, still has the hole
/// Oleg Nesterov found in 2020 [ref §2.3 items 2–3].
#[test]
fn page_lock_a8b169afbf06() {
    assert_fixed("page-lock-killable", "a8b169afbf06", &[("lockers", 2), ("signals", 2)]);
    assert_buggy("page-lock-killable", "a8b169afbf06", &[("lockers", 3), ("signals", 1)]);
}

#[test]
fn page_lock_handoff() {
    for lockers in [2, 3] {
        assert_fixed("page-lock-killable", "v5.8-handoff", &[("lockers", lockers), ("signals", lockers)]);
    }
}

/// A sweep runs its seeds in one world, restarted between them (`World::restart`): every
/// built-in scenario's variants, under every strategy, end exactly as in a fresh world per seed,
/// with the same verdict and account (the oracle's records must not leak into the next run, as
/// a loss recorded by one run would reappear as "recovered" in the next), steps and trace hash.
#[test]
fn seeds_run_in_one_restarted_world_as_in_fresh_ones() {
    use sim_core::strategy::TimedConfig;
    use sim_core::{run::run, World};
    let timing = TimedConfig::default();
    let (mut lost, mut recovered) = (0, 0);
    for scenario in sim_core::library::scenarios() {
        for v in &scenario.variants {
            let spec = scenario.spec(Some(&v.id), &[]).unwrap();
            for kind in StrategyKind::ALL {
                let mut world = World::new(spec.clone());
                for seed in 0..300 {
                    let mut fresh_world = World::new(spec.clone());
                    let mut strategy = kind.build_with(seed, &fresh_world, &timing);
                    let fresh = run(&mut fresh_world, &mut *strategy, &mut ()).unwrap();
                    world.restart();
                    let mut strategy = kind.build_with(seed, &world, &timing);
                    let reused = run(&mut world, &mut *strategy, &mut ()).unwrap();
                    assert_eq!(reused, fresh, "{} {} {kind:?} seed {seed}", scenario.id, v.id);
                    match fresh.verdict {
                        sim_core::Verdict::LostWakeup(_) => lost += 1,
                        sim_core::Verdict::Finished { recovered: r } if !r.is_empty() => recovered += 1,
                        _ => {}
                    }
                }
            }
        }
    }
    // Runs that lost a wakeup came before others, so the oracle's restart was put to the test.
    assert!(lost > 100 && recovered > 0, "{lost} lost, {recovered} recovered");
}

//! The same scenario, variant, strategy and seed give the same trace, bit for bit.

mod common;

use common::{drive, seed_run, spec};
use sim_core::library;
use sim_core::strategy::StrategyKind;

#[test]
fn same_seed_same_trace_hash_for_every_variant_and_strategy() {
    for scenario in library::scenarios() {
        for v in &scenario.variants {
            let spec = scenario.spec(Some(&v.id), &[]).unwrap();
            for kind in StrategyKind::ALL {
                for seed in [0, 1, scenario.default_seed, u64::MAX] {
                    let a = seed_run(&spec, kind, seed);
                    let b = seed_run(&spec, kind, seed);
                    assert_eq!(a, b, "{} {} {kind:?} seed {seed}", scenario.id, v.id);
                }
            }
        }
    }
}

#[test]
fn different_seeds_give_different_runs() {
    let spec = spec("pipe-splice", "v5.8", &[]);
    let hashes: std::collections::BTreeSet<u64> =
        (0..100).map(|seed| seed_run(&spec, StrategyKind::Random, seed).trace_hash).collect();
    assert!(hashes.len() > 90, "only {} distinct traces in 100 seeds", hashes.len());
}

/// Recording a trace does not change the run, and replaying the recorded choices reproduces it.
#[test]
fn a_recorded_schedule_replays_to_the_same_hash() {
    for scenario in library::scenarios() {
        for v in &scenario.variants {
            let spec = scenario.spec(Some(&v.id), &[]).unwrap();
            let mut world = sim_core::World::new(spec.clone());
            let mut strategy = StrategyKind::Timed.build(scenario.default_seed, &world);
            let mut trace = sim_core::trace::Trace::default();
            let recorded = sim_core::run::run(&mut world, &mut *strategy, &mut trace).unwrap();
            assert_eq!(recorded, seed_run(&spec, StrategyKind::Timed, scenario.default_seed));
            let schedule = sim_core::Schedule(trace.choices());
            let mut replay = sim_core::strategy::Replay::strict(schedule, None);
            let (_, replayed, _) = drive(&spec, &mut replay);
            assert_eq!(replayed, recorded, "{} {}", scenario.id, v.id);
        }
    }
}

/// Golden hashes: a change here means runs changed. Update them only with a reason.
#[test]
fn golden_trace_hashes() {
    let spec = spec("pipe-splice", "v5.8", &[]);
    let o = seed_run(&spec, StrategyKind::Random, 3005);
    assert_eq!(o.verdict.kind(), sim_core::VerdictKind::LostWakeup);
    assert_eq!((o.steps, o.trace_hash), GOLDEN_PIPE_3005, "got ({}, {:#x})", o.steps, o.trace_hash);
}

const GOLDEN_PIPE_3005: (u32, u64) = (41, 0x9895_bb4c_646d_f6e2);

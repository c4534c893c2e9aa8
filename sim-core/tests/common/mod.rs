//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::sync::Arc;

use sim_core::strategy::{Random, Replay, Strategy, StrategyKind};
use sim_core::trace::Trace;
use sim_core::{library, run, Outcome, Schedule, Spec, World};

/// A scenario, a variant and parameter overrides.
pub type Case = (&'static str, &'static str, &'static [(&'static str, i64)]);

/// Parameters of each built-in scenario with two or three tasks of a role, small enough for the
/// unreduced search.
pub fn small_sizes(scenario: &str) -> Vec<(String, i64)> {
    let sizes: &[(&str, i64)] = match scenario {
        "pipe-splice" => &[("capacity", 1), ("writes", 2), ("writers", 2)],
        "page-lock-killable" | "exclusive-starvation" | "exclusive-event" => &[("lockers", 3), ("signals", 2)],
        "page-wake-bookmark" => &[("b_waiters", 2)],
        _ => &[],
    };
    sizes.iter().map(|&(k, v)| (k.to_string(), v)).collect()
}

pub fn spec(scenario: &str, variant: &str, params: &[(&str, i64)]) -> Arc<Spec> {
    let overrides: Vec<_> = params.iter().map(|&(k, v)| (k.to_string(), v)).collect();
    library::find(scenario).unwrap().spec(Some(variant), &overrides).unwrap()
}

/// The value of the shared variable `name` (as the spec names it: `pipe->head`).
pub fn var(spec: &Spec, k: &sim_core::kernel::Kernel, name: &str) -> i32 {
    let i = spec.vars.iter().position(|v| v == name).unwrap_or_else(|| panic!("no variable {name}: {:?}", spec.vars));
    k.vars[i]
}

/// Run `schedule` exactly, then (if tasks can still run) a seeded random continuation.
pub fn replay(spec: &Arc<Spec>, schedule: &str, then_seed: u64) -> (World, Outcome, Trace) {
    let s = Schedule::parse(schedule, spec).unwrap();
    let mut strategy = Replay::strict(s, Some(Box::new(Random::new(then_seed))));
    drive(spec, &mut strategy)
}

/// Run `schedule` as far as it applies, skipping choices that cannot happen, then random.
pub fn replay_lenient(spec: &Arc<Spec>, schedule: &str, then_seed: u64) -> (World, Outcome, Trace) {
    let s = Schedule::parse(schedule, spec).unwrap();
    let mut strategy = Replay::lenient(s, Some(Box::new(Random::new(then_seed))));
    drive(spec, &mut strategy)
}

pub fn drive(spec: &Arc<Spec>, strategy: &mut dyn Strategy) -> (World, Outcome, Trace) {
    let mut world = World::new(spec.clone());
    let mut trace = Trace::default();
    let outcome = run::run(&mut world, strategy, &mut trace).unwrap();
    (world, outcome, trace)
}

/// Run one seed without recording a trace.
pub fn seed_run(spec: &Arc<Spec>, kind: StrategyKind, seed: u64) -> Outcome {
    let mut world = World::new(spec.clone());
    let mut strategy = kind.build(seed, &world);
    run::run(&mut world, &mut *strategy, &mut ()).unwrap()
}

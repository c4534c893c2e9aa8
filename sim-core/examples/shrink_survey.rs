//! How close `shrink` gets to the shortest race. For every failing seed of a few sweeps, the
//! shrunk length against the fewest steps (breadth-first) of a run that leaves the same task
//! asleep with a lost wakeup, and the time shrinking took.
//!
//! `cargo run --release -p sim-core --example shrink_survey [CASE]`; `SHOW=1` also prints each
//! seed that stays above its waiter's shortest, with the schedule before and after.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use sim_core::explore::shrink::shrink;
use sim_core::hash::{FingerprintSet, Fingerprinter};
use sim_core::oracle::classify;
use sim_core::spec::Spec;
use sim_core::strategy::StrategyKind;
use sim_core::trace::Trace;
use sim_core::{library, run, world, Schedule, VerdictKind, World};

type Case = (&'static str, &'static str, StrategyKind, u64, &'static [(&'static str, i64)]);

const CASES: &[Case] = &[
    ("pipe-splice", "v5.8", StrategyKind::Random, 100_000, &[]),
    ("pipe-splice", "v5.8", StrategyKind::Pct, 100_000, &[]),
    ("pipe-splice", "v5.8", StrategyKind::Timed, 100_000, &[]),
    ("pipe-splice", "v5.8", StrategyKind::Pct, 30_000, &[("writers", 2)]),
    ("pipe-splice", "v5.8", StrategyKind::Random, 100_000, &[("capacity", 1), ("writes", 6)]),
    ("page-lock-killable", "v4.13", StrategyKind::Random, 3_000, &[]),
    ("page-lock-killable", "v4.13", StrategyKind::Timed, 3_000, &[("lockers", 3), ("signals", 3)]),
    ("page-lock-killable", "v4.13", StrategyKind::Random, 3_000, &[("lockers", 4), ("signals", 2)]),
    ("page-lock-killable", "a8b169afbf06", StrategyKind::Random, 200_000, &[("lockers", 3), ("signals", 3)]),
    ("check-then-sleep", "naive", StrategyKind::Random, 1_000, &[]),
];

fn main() {
    let only: Option<usize> = std::env::args().nth(1).and_then(|a| a.parse().ok());
    let show = std::env::var_os("SHOW").is_some();
    for (i, &(scenario, variant, kind, seeds, params)) in CASES.iter().enumerate() {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let overrides: Vec<_> = params.iter().map(|&(k, v)| (k.to_string(), v)).collect();
        let spec = library::find(scenario).unwrap().spec(Some(variant), &overrides).unwrap();
        let fewest = fewest_per_waiter(&spec);
        let (mut lengths, mut excess) = (BTreeMap::new(), BTreeMap::new());
        let (mut total, mut slowest) = (0.0f64, 0.0f64);
        for seed in 0..seeds {
            let mut world = World::new(spec.clone());
            let mut strategy = kind.build(seed, &world);
            let mut trace = Trace::default();
            let outcome = run::run(&mut world, &mut *strategy, &mut trace).unwrap();
            if outcome.verdict.kind() != VerdictKind::LostWakeup {
                continue;
            }
            let original = Schedule(trace.choices());
            let t = Instant::now();
            let shrunk = shrink(&spec, &original).unwrap();
            let dt = t.elapsed().as_secs_f64();
            (total, slowest) = (total + dt, slowest.max(dt));
            let n = shrunk.schedule.0.len();
            let waiter = spec.task_by_name(shrunk.waiter.as_deref().unwrap()).unwrap();
            let over = n - fewest[waiter.index()].unwrap();
            *lengths.entry(n).or_insert(0) += 1;
            *excess.entry(over).or_insert(0) += 1;
            if show && over > 0 {
                let waiter = shrunk.waiter.as_deref().unwrap();
                println!("  seed {seed}: {} → {} ({waiter})", original.display(&spec), shrunk.schedule.display(&spec));
            }
        }
        let fmt = |m: &BTreeMap<usize, u32>, plus: &str| {
            m.iter().map(|(n, c)| format!("{plus}{n}×{c}")).collect::<Vec<_>>().join(" ")
        };
        let fewest: Vec<String> =
            spec.tasks.iter().zip(&fewest).filter_map(|(t, n)| n.map(|n| format!("{} {n}", t.name))).collect();
        println!(
            "{scenario} {variant} {} {params:?}: fewest steps per waiter: {} | shrunk lengths: {} | above the waiter's fewest: {} | {:.3} s in all, slowest {:.1} ms",
            kind.id(),
            fewest.join(", "),
            fmt(&lengths, ""),
            fmt(&excess, "+"),
            total,
            slowest * 1e3
        );
    }
}

/// Breadth-first: the fewest steps of a run that ends with each task left asleep by a lost
/// wakeup (the waiter the oracle names: the first such task).
fn fewest_per_waiter(spec: &Arc<Spec>) -> Vec<Option<usize>> {
    let mut fewest = vec![None; spec.tasks.len()];
    let mut fp = Fingerprinter::default();
    let mut seen = FingerprintSet::default();
    seen.insert(fp.kernel(&spec.initial, 0));
    let mut frontier = VecDeque::from([(spec.initial.clone(), 0usize)]);
    let mut choices = Vec::new();
    while let Some((kernel, depth)) = frontier.pop_front() {
        world::choices(spec, &kernel, &mut choices);
        for &c in &choices {
            let mut child = kernel.clone();
            world::apply(spec, &mut child, c, &mut ());
            if !seen.insert(fp.kernel(&child, 0)) {
                continue;
            }
            if world::can_step(spec, &child) {
                frontier.push_back((child, depth + 1));
            } else if let (VerdictKind::LostWakeup, Some(t)) = classify(spec, &child) {
                fewest[t.index()].get_or_insert(depth + 1);
            }
        }
    }
    fewest
}

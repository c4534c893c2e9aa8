//! Exploration speed: complete verification of the fixes and time to the first lost wakeup.
//! `cargo bench -p sim-core --bench explore`; figures in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use sim_core::explore::{explore, Config, Reductions};
use sim_core::library;

fn spec(scenario: &str, variant: &str, params: &[(&str, i64)]) -> std::sync::Arc<sim_core::Spec> {
    let overrides: Vec<_> = params.iter().map(|&(k, v)| (k.to_string(), v)).collect();
    library::find(scenario).unwrap().spec(Some(variant), &overrides).unwrap()
}

fn verify(c: &mut Criterion) {
    let mut g = c.benchmark_group("verify");
    g.sample_size(10);
    let cases = [
        ("page-lock-killable", "v5.8-handoff", &[("lockers", 3), ("signals", 3)][..]),
        ("pipe-splice", "v5.9", &[("capacity", 2), ("writes", 4), ("writers", 2)][..]),
    ];
    // Sleep sets alone (the explorer's speed per state, comparable across versions) and every
    // reduction (the time a user waits).
    let reductions = [("sleep-sets", Reductions { sleep_sets: true, ..Reductions::NONE }), ("all", Reductions::ALL)];
    for (scenario, variant, params) in cases {
        let spec = spec(scenario, variant, params);
        for (name, reductions) in reductions {
            g.bench_function(format!("{scenario}/{variant}/{name}"), |b| {
                b.iter(|| {
                    let r = explore(&spec, Config { reductions, ..Config::default() }, &mut |_| true);
                    assert!(r.complete && r.found.is_none());
                })
            });
        }
    }
    g.finish();
}

fn first_counterexample(c: &mut Criterion) {
    let mut g = c.benchmark_group("first_counterexample");
    g.sample_size(10);
    let cases = [
        ("pipe-splice", "v5.8", &[("capacity", 2), ("writes", 4), ("writers", 1)][..]),
        ("page-lock-killable", "v4.13", &[("lockers", 3), ("signals", 3)][..]),
        ("page-lock-killable", "a8b169afbf06", &[("lockers", 3), ("signals", 3)][..]),
    ];
    for (scenario, variant, params) in cases {
        let spec = spec(scenario, variant, params);
        let cfg = Config { stop_at_first: true, ..Config::default() };
        g.bench_function(format!("{scenario}/{variant}"), |b| {
            b.iter(|| assert!(explore(&spec, cfg, &mut |_| true).found.is_some()))
        });
    }
    g.finish();
}

criterion_group!(benches, verify, first_counterexample);
criterion_main!(benches);

//! Bytes as (scenario, variant, parameters, seed, schedule): a strict replay ends with a verdict
//! or a clean error, a lenient one always with a verdict within the step limit.
//!
//! Layout: byte 0 picks the scenario, byte 1 the variant, byte 2 the strategy that follows a
//! lenient replay, bytes 3..5 the parameters (each taken into its range), bytes 5..13 the seed;
//! every byte after is a choice: the low 3 bits name a task (0..8, more than a scenario has),
//! the top bit makes it a signal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sim_core::lang::header::Bound;
use sim_core::strategy::{Replay, StrategyKind};
use sim_core::{library, run, Choice, Schedule, TaskId, World};

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<13>() else { return };
    let scenarios = library::scenarios();
    let scenario = &scenarios[usize::from(head[0]) % scenarios.len()];
    let variant = &scenario.variants[usize::from(head[1]) % scenario.variants.len()].id;
    let kind = StrategyKind::ALL[usize::from(head[2]) % StrategyKind::ALL.len()];
    // Each value in its declared range; a bound that names another parameter may be crossed,
    // which must give a clean error.
    let params: Vec<(String, i64)> = scenario
        .params
        .iter()
        .zip(&head[3..5])
        .map(|(def, &b)| {
            let span = match def.max {
                Bound::Value(max) => max - def.min + 1,
                Bound::Param(_) => 8,
            };
            (def.name.clone(), def.min + i64::from(b) % span)
        })
        .collect();
    let seed = u64::from_le_bytes(head[5..13].try_into().unwrap_or_default());
    let spec = match scenario.spec(Some(variant), &params) {
        Ok(spec) => spec,
        // Only a parameter over another ("signals" over "lockers"): a clean error is all that
        // is asked.
        Err(e) => {
            assert!(!e.to_string().contains('\n'), "{e}");
            return;
        }
    };
    let schedule = Schedule(
        rest.iter()
            .map(|&b| {
                let t = TaskId(b & 7);
                if b & 0x80 != 0 { Choice::Signal(t) } else { Choice::Step(t) }
            })
            .collect(),
    );
    let limit = spec.step_limit;

    let strict = run::run(&mut World::new(spec.clone()), &mut Replay::strict(schedule.clone(), None), &mut ());
    if let Ok(o) = &strict {
        assert!(o.steps <= limit);
    }
    if let Err(e) = &strict {
        assert!(!e.to_string().contains('\n'), "{e}");
    }
    let mut world = World::new(spec);
    let then = Some(kind.build(seed, &world));
    let lenient = run::run(&mut world, &mut Replay::lenient(schedule, then), &mut ())
        .unwrap_or_else(|e| panic!("a lenient replay must end with a verdict: {e}"));
    assert!(lenient.steps <= limit);
});

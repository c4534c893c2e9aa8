//! The run loop: ask the strategy, apply the choice, until no task can step or the step limit.

use serde::Serialize;

use crate::effect::Sink;
use crate::error::Error;
use crate::oracle::{self, Verdict};
use crate::strategy::Strategy;
use crate::trace::TraceHash;
use crate::world::World;

/// How a run ended, and a fingerprint of everything it did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub verdict: Verdict,
    pub steps: u32,
    /// Equal for two runs exactly when they made the same choices with the same effects.
    pub trace_hash: u64,
}

/// Run `world` to its end under `strategy`, sending every step's effects to `sink`.
pub fn run<St: Strategy + ?Sized, S: Sink>(
    world: &mut World,
    strategy: &mut St,
    sink: &mut S,
) -> Result<Outcome, Error> {
    let mut hash = TraceHash::new(sink);
    let mut choices = Vec::with_capacity(16);
    let limit = world.spec().step_limit;
    loop {
        world.choices(&mut choices);
        if choices.is_empty() {
            let verdict = oracle::judge(world);
            return Ok(Outcome { verdict, steps: world.steps, trace_hash: hash.finish() });
        }
        if world.steps >= limit {
            return Ok(Outcome {
                verdict: Verdict::StepLimit { limit },
                steps: world.steps,
                trace_hash: hash.finish(),
            });
        }
        let i = strategy.pick(world, &choices)?;
        let c = *choices
            .get(i)
            .ok_or_else(|| Error::Schedule(format!("the strategy picked choice {i} of {}", choices.len())))?;
        world.apply_enabled(c, &mut hash);
    }
}

/// The engine's fingerprint: for every built-in scenario, variant and strategy, at the
/// scenario's default seed and at seed 1, the verdict, the step count and the trace hash, one
/// run per line. The test suites compare it with `sim-core/tests/golden_hashes.txt` natively
/// and in the browser, so that a run is the same bit for bit on every platform.
pub fn engine_fingerprint() -> String {
    let mut out = String::from("# scenario variant strategy seed verdict steps trace_hash\n");
    for scenario in crate::library::scenarios() {
        for v in &scenario.variants {
            let Ok(spec) = scenario.spec(Some(&v.id), &[]) else { continue };
            for kind in crate::strategy::StrategyKind::ALL {
                for seed in [scenario.default_seed, 1] {
                    let mut world = World::new(spec.clone());
                    let mut strategy = kind.build(seed, &world);
                    let line = match run(&mut world, &mut *strategy, &mut ()) {
                        Ok(o) => format!("{} {} {:016x}", o.verdict.kind().name(), o.steps, o.trace_hash),
                        Err(e) => format!("error {e}"),
                    };
                    out += &format!("{} {} {} {seed} {line}\n", scenario.id, v.id, kind.id());
                }
            }
        }
    }
    out
}

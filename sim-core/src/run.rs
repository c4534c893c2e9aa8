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
    /// The longest hold of a wait queue's lock by one walk, in entries whose wake function it
    /// called [ref §2.4].
    pub queue_lock_max_hold: u16,
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
            return Ok(Outcome {
                verdict,
                steps: world.steps,
                trace_hash: hash.finish(),
                queue_lock_max_hold: world.oracle.queue_lock_max_hold(),
            });
        }
        if world.steps >= limit {
            return Ok(Outcome {
                verdict: Verdict::StepLimit { limit },
                steps: world.steps,
                trace_hash: hash.finish(),
                queue_lock_max_hold: world.oracle.queue_lock_max_hold(),
            });
        }
        let i = strategy.pick(world, &choices)?;
        let c = *choices
            .get(i)
            .ok_or_else(|| Error::Schedule(format!("the strategy picked choice {i} of {}", choices.len())))?;
        world.apply_enabled(c, &mut hash);
        if S::TIMES {
            if let Some(t) = strategy.last_time() {
                hash.time(t);
            }
        }
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

/// The timed strategy's clock, fingerprinted: for every built-in scenario and variant at the
/// scenario's default seed and at seed 1, the steps, the virtual time the run ended and a hash of
/// every step's start and end. Compared with `sim-core/tests/golden_times.txt` natively and in
/// the browser, so the clock runs the same on every platform. Separate from
/// [`engine_fingerprint`]: times are not part of a trace hash.
pub fn clock_fingerprint() -> String {
    use std::hash::{Hash, Hasher};
    let mut out = String::from("# scenario variant seed steps end_ns clock_hash\n");
    for scenario in crate::library::scenarios() {
        for v in &scenario.variants {
            let Ok(spec) = scenario.spec(Some(&v.id), &[]) else { continue };
            for seed in [scenario.default_seed, 1] {
                let mut world = World::new(spec.clone());
                let mut strategy = crate::strategy::StrategyKind::Timed.build(seed, &world);
                let mut trace = crate::trace::Trace::default();
                let line = match run(&mut world, &mut *strategy, &mut trace) {
                    Ok(o) => {
                        let mut h = crate::hash::StableHasher::default();
                        for e in &trace.events {
                            (e.step, e.time).hash(&mut h);
                        }
                        let end = trace.events.iter().filter_map(|e| e.time).map(|t| t.end_ns).max().unwrap_or(0);
                        format!("{} {end} {:016x}", o.steps, h.finish())
                    }
                    Err(e) => format!("error {e}"),
                };
                out += &format!("{} {} {seed} {line}\n", scenario.id, v.id);
            }
        }
    }
    out
}

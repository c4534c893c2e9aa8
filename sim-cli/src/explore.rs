//! `wqsim explore`: every interleaving and signal timing, with its statistics, and the shortest
//! counterexample as a readable trace.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sim_core::explore::shortest::{shortest_lost_wakeup, Shortest};
use sim_core::explore::{self, Config, Report};
use sim_core::strategy::Replay;
use sim_core::trace::Trace;
use sim_core::{Schedule, Spec, World};

use crate::output::{self, Named, Run};
use crate::Target;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    /// Only schedules with at most K preemptions (CHESS-style context bounding).
    #[arg(long, value_name = "K")]
    max_preemptions: Option<u32>,
    /// Stop, incomplete, after this many distinct states.
    #[arg(long, value_name = "N", default_value_t = 5_000_000)]
    max_states: u64,
    /// Stop, incomplete, after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    time_limit: u64,
    /// Explore without the partial-order reduction (for comparison).
    #[arg(long)]
    no_reduction: bool,
    /// Stop at the first lost wakeup found (depth-first), without looking for the shortest.
    #[arg(long)]
    first: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn explore(args: &Args) -> Result<(), sim_core::Error> {
    let (_, spec) = args.target.load()?;
    let cfg = Config {
        max_states: args.max_states,
        max_preemptions: args.max_preemptions,
        reduction: !args.no_reduction,
        stop_at_first: args.first,
    };
    let start = Instant::now();
    let deadline = start + Duration::from_secs(args.time_limit);
    let mut in_time = |_: &explore::Stats| Instant::now() < deadline;
    let report = explore::explore(&spec, cfg, &mut in_time);
    let elapsed = start.elapsed();
    // A shortest counterexample when there is one to find (breadth-first, no reduction; within
    // the bound, the depth-first path stands in for it).
    let counterexample = match &report.found {
        Some(found) if args.max_preemptions.is_none() && !args.first => {
            match shortest_lost_wakeup(&spec, args.max_states, &mut in_time).0 {
                Shortest::Found(s) => Some((s, true)),
                _ => Some((found.schedule.clone(), false)),
            }
        }
        Some(found) => Some((found.schedule.clone(), false)),
        None => None,
    };
    let replayed = counterexample.as_ref().map(|(s, _)| replay(&spec, s)).transpose()?;
    if args.json {
        println!(
            "{}",
            json_report(
                args.target.named(),
                &spec,
                &report,
                cfg,
                elapsed,
                counterexample.as_ref().zip(replayed.as_ref())
            )
        );
    } else {
        print!(
            "{}",
            text_report(
                args.target.named(),
                &spec,
                &report,
                cfg,
                elapsed,
                counterexample.as_ref().zip(replayed.as_ref())
            )
        );
    }
    Ok(())
}

/// Run a found schedule through the world, for its trace and the oracle's account.
fn replay(spec: &std::sync::Arc<Spec>, schedule: &Schedule) -> Result<(Trace, sim_core::Outcome), sim_core::Error> {
    let mut world = World::new(spec.clone());
    let mut trace = Trace::default();
    let outcome = sim_core::run::run(&mut world, &mut Replay::strict(schedule.clone(), None), &mut trace)?;
    Ok((trace, outcome))
}

type Counterexample<'a> = (&'a (Schedule, bool), &'a (Trace, sim_core::Outcome));

/// Whether the search used sleep sets (not under a preemption bound, nor under `tso`).
fn reduces(spec: &Spec, cfg: Config) -> bool {
    cfg.reduction && cfg.max_preemptions.is_none() && spec.memory == sim_core::kernel::memory::Memory::Sc
}

fn per_second(n: u64, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64().max(1e-9)
}

fn text_report(
    named: Named,
    spec: &Spec,
    r: &Report,
    cfg: Config,
    elapsed: Duration,
    cx: Option<Counterexample>,
) -> String {
    let bound = cfg.max_preemptions.map_or("unbounded".to_string(), |k| format!("at most {k}"));
    let reduction = if reduces(spec, cfg) { "sleep sets" } else { "none" };
    let mut s = format!(
        "explore {} {} ({})  memory: {}  preemptions: {bound}  reduction: {reduction}\n",
        spec.scenario,
        spec.variant,
        output::params(spec),
        spec.memory.id()
    );
    s += &format!(
        "states {}  transitions {}  executions {}  max depth {}  elapsed {:.3} s  ({:.2} M states/s)\n",
        r.stats.states,
        r.stats.transitions,
        r.stats.executions,
        r.stats.max_depth,
        elapsed.as_secs_f64(),
        per_second(r.stats.states, elapsed) / 1e6
    );
    s += &if r.complete {
        "complete: every reachable state was explored\n".to_string()
    } else if cfg.stop_at_first && r.found.is_some() {
        format!("stopped at the first lost wakeup (--first), after {} states\n", r.stats.states)
    } else {
        format!(
            "INCOMPLETE: explored {} states, then stopped at a limit (--max-states, --time-limit)\n",
            r.stats.states
        )
    };
    let e = &r.ends;
    s += &format!(
        "end states: finished {}, lost_wakeup {}, deadlock {}, step_limit {}\n",
        e.finished, e.lost_wakeup, e.deadlock, e.step_limit
    );
    match cx {
        None if r.complete => s += "verdict: no lost wakeup in any interleaving\n",
        None => s += "verdict: none found so far (incomplete)\n",
        Some(((schedule, shortest), (trace, outcome))) => {
            let what = if *shortest { "shortest counterexample" } else { "counterexample" };
            s += &format!("{what} ({} steps): {}\n\n", schedule.0.len(), schedule.display(spec));
            s += &Run { named, timed_seed: None, spec, trace, outcome }.text();
        }
    }
    s
}

fn json_report(
    named: Named,
    spec: &Spec,
    r: &Report,
    cfg: Config,
    elapsed: Duration,
    cx: Option<Counterexample>,
) -> Value {
    let verdict = match cx {
        Some((_, (_, outcome))) => serde_json::to_value(&outcome.verdict).unwrap_or(Value::Null),
        None => json!({ "kind": "finished" }),
    };
    let counterexample = cx.map(|((schedule, shortest), (trace, outcome))| {
        let mut v = Run { named, timed_seed: None, spec, trace, outcome }.json();
        v["shortest"] = json!(shortest);
        v["schedule"] = json!(schedule.display(spec));
        v
    });
    json!({
        "scenario": spec.scenario,
        "variant": spec.variant,
        "params": spec.params,
        "max_preemptions": cfg.max_preemptions,
        "memory": spec.memory,
        "reduction": reduces(spec, cfg),
        "complete": r.complete,
        "states": r.stats.states,
        "transitions": r.stats.transitions,
        "executions": r.stats.executions,
        "max_depth": r.stats.max_depth,
        "elapsed_ms": elapsed.as_secs_f64() * 1e3,
        "states_per_second": per_second(r.stats.states, elapsed),
        "ends": r.ends,
        "verdict": verdict,
        "counterexample": counterexample,
    })
}

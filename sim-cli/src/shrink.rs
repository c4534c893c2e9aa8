//! `wqsim shrink`: make a failing run smaller while it fails the same way.

use serde_json::json;
use sim_core::explore::shrink::{preemptions, shrink as shrink_schedule};
use sim_core::strategy::{Replay, Strategy, StrategyKind};
use sim_core::trace::Trace;
use sim_core::{Schedule, World};

use crate::output::Run;
use crate::Target;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    /// The failing schedule to shrink.
    #[arg(long, conflicts_with = "seed")]
    schedule: Option<String>,
    /// Or the seed of a failing run (with --strategy).
    #[arg(long)]
    seed: Option<u64>,
    /// How to pick each step: `random`, `timed` or `pct` (see `wqsim run --help`).
    #[arg(long, default_value = "random", value_parser = crate::parse_strategy)]
    strategy: StrategyKind,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn shrink(args: &Args) -> Result<(), sim_core::Error> {
    let (scenario, spec) = args.target.load()?;
    // The run to shrink: the schedule as given, or the seed's run.
    let mut world = World::new(spec.clone());
    let mut strategy: Box<dyn Strategy> = match &args.schedule {
        Some(text) => Box::new(Replay::strict(Schedule::parse(text, &spec)?, None)),
        None => {
            let timing = args.strategy.timing(&spec, &args.target.params)?;
            args.strategy.build_with(args.seed.unwrap_or(scenario.default_seed), &world, &timing)
        }
    };
    let mut trace = Trace::default();
    sim_core::run::run(&mut world, &mut *strategy, &mut trace)?;
    let original = Schedule(trace.choices());
    let before = (original.0.len(), preemptions(&spec, &original));
    let shrunk = shrink_schedule(&spec, &original).ok_or_else(|| {
        sim_core::Error::Schedule("this run does not lose a wakeup, so there is nothing to shrink".into())
    })?;
    let mut world = World::new(spec.clone());
    let mut trace = Trace::default();
    let outcome = sim_core::run::run(&mut world, &mut Replay::strict(shrunk.schedule.clone(), None), &mut trace)?;
    let run = Run { named: args.target.named(), timed_seed: None, spec: &spec, trace: &trace, outcome: &outcome };
    if args.json {
        println!(
            "{}",
            json!({
                "scenario": spec.scenario,
                "variant": spec.variant,
                "params": spec.params,
                "memory": spec.memory,
                "original": { "steps": before.0, "preemptions": before.1, "schedule": original.display(&spec) },
                "shrunk": { "steps": shrunk.schedule.0.len(), "preemptions": shrunk.preemptions },
                "run": run.json(),
            })
        );
    } else {
        println!(
            "shrunk {} {}: {} steps, {} preemptions → {} steps, {} preemptions (no single step can be removed)\n",
            spec.scenario,
            spec.variant,
            before.0,
            before.1,
            shrunk.schedule.0.len(),
            shrunk.preemptions
        );
        print!("{}", run.text());
    }
    Ok(())
}

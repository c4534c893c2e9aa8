//! `wqsim run`: one run, its trace and its verdict.

use serde_json::json;
use sim_core::share::{Link, ScenarioRef};
use sim_core::strategy::{Replay, Strategy, StrategyKind};
use sim_core::trace::Trace;
use sim_core::{Schedule, World};

use crate::output::{self, Run};
use crate::Target;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    /// The seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// How to pick the next step: `random` (seeded, uniform), `timed` (the discrete-event clock)
    /// or `pct` (probabilistic concurrency testing, depth 3).
    #[arg(long, default_value = "random", value_parser = crate::parse_strategy)]
    strategy: StrategyKind,
    /// Follow this schedule first (e.g. "W*6 R*11 W R*3", "!T1" for a signal), then the strategy.
    #[arg(long)]
    schedule: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> Result<(), sim_core::Error> {
    let (scenario, spec) = args.target.load()?;
    let seed = args.seed.unwrap_or(scenario.default_seed);
    let mut world = World::new(spec.clone());
    let timing = args.strategy.timing(&spec, &args.target.params)?;
    let seeded = args.strategy.build_with(seed, &world, &timing);
    let mut strategy: Box<dyn Strategy> = match &args.schedule {
        Some(text) => Box::new(Replay::strict(Schedule::parse(text, &spec)?, Some(seeded))),
        None => seeded,
    };
    let mut trace = Trace::default();
    let outcome = sim_core::run::run(&mut world, &mut *strategy, &mut trace)?;
    let timed_seed = (args.strategy == StrategyKind::Timed && args.schedule.is_none()).then_some(seed);
    let run = Run { named: args.target.named(), timed_seed, spec: &spec, trace: &trace, outcome: &outcome };
    // The page's link to this run, at its last step; it carries the file unless it is built in.
    let prefix = match &args.schedule {
        Some(text) => Schedule::parse(text, &spec)?,
        None => Schedule::default(),
    };
    let link = Link {
        scenario: ScenarioRef::of(&scenario),
        variant: spec.variant.clone(),
        strategy: args.strategy,
        manual: false,
        seed,
        params: args.target.params.clone(),
        choices: prefix,
        step: outcome.steps,
        memory: spec.memory,
    }
    .encode();
    if args.json {
        let mut v = run.json();
        v["scenario"] = json!(spec.scenario);
        v["variant"] = json!(spec.variant);
        v["strategy"] = json!(args.strategy.id());
        v["seed"] = json!(seed);
        v["params"] = json!(spec.params);
        v["memory"] = json!(spec.memory);
        v["link"] = json!(format!("#{link}"));
        println!("{v}");
    } else {
        println!("{}", scenario.title);
        println!(
            "scenario {} variant {}  strategy {} seed {}  {}\n",
            spec.scenario,
            spec.variant,
            args.strategy.id(),
            seed,
            output::params(&spec)
        );
        print!("{}", run.text());
        println!("link: #{link}");
    }
    Ok(())
}

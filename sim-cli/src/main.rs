//! `wqsim`: run wqsim's scenarios from the terminal. Every run is named by (scenario, variant,
//! strategy, seed) or by an explicit schedule, and replays bit for bit.

mod load;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sim_core::strategy::{Replay, Strategy, StrategyKind};
use sim_core::trace::Trace;
use sim_core::{run, Schedule, World};

#[derive(Parser)]
#[command(name = "wqsim", version, about = "Lost wakeups in the Linux wait-queue API, step by step")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the built-in scenarios, their variants and parameters.
    List,
    /// Run one scenario and print its trace and verdict.
    Run(RunArgs),
}

#[derive(clap::Args)]
struct RunArgs {
    /// A built-in scenario id (see `wqsim list`) or a path to a scenario .toml file.
    scenario: String,
    /// The variant to run (default: the scenario's).
    #[arg(long)]
    variant: Option<String>,
    /// The seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// How to pick the next step: seeded uniform random, or the timed discrete-event clock.
    #[arg(long, default_value = "random", value_parser = parse_strategy)]
    strategy: StrategyKind,
    /// Follow this schedule first (e.g. "W*6 R*11 W R*3", "!T1" for a signal), then the strategy.
    #[arg(long)]
    schedule: Option<String>,
    /// Override a scenario parameter, e.g. --param lockers=3 (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = load::parse_param)]
    params: Vec<(String, i64)>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

fn parse_strategy(s: &str) -> Result<StrategyKind, String> {
    s.parse().map_err(|e: sim_core::Error| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List => {
            output::list();
            Ok(())
        }
        Command::Run(args) => run_one(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wqsim: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_one(args: &RunArgs) -> Result<(), sim_core::Error> {
    let scenario = load::scenario(&args.scenario)?;
    let spec = scenario.spec(args.variant.as_deref(), &args.params)?;
    let seed = args.seed.unwrap_or(scenario.default_seed);
    let mut world = World::new(spec.clone());
    let seeded = args.strategy.build(seed, &world);
    let mut strategy: Box<dyn Strategy> = match &args.schedule {
        Some(text) => Box::new(Replay::strict(Schedule::parse(text, &spec)?, Some(seeded))),
        None => seeded,
    };
    let mut trace = Trace::default();
    let outcome = run::run(&mut world, &mut *strategy, &mut trace)?;
    let run = output::Run {
        scenario: &scenario,
        spec: &spec,
        strategy: args.strategy,
        seed,
        trace: &trace,
        outcome: &outcome,
    };
    if args.json {
        println!("{}", run.json());
    } else {
        print!("{}", run.text());
    }
    Ok(())
}

//! `wqsim`: run wqsim's scenarios from the terminal. Every run is named by (scenario, variant,
//! strategy, seed) or by an explicit schedule, and replays bit for bit.

mod check;
mod diagnostics;
mod explore;
mod export;
mod litmus;
mod load;
mod output;
mod plot;
mod replay;
mod run;
mod shrink;
mod sweep;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use sim_core::kernel::memory::Memory;
use sim_core::strategy::StrategyKind;
use sim_core::{Scenario, Spec};

#[derive(Parser)]
#[command(name = "wqsim", version, about = "Lost wakeups in the Linux wait-queue API, step by step")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the built-in scenarios (or the scenario files in a directory), their variants and
    /// parameters.
    List(ListArgs),
    /// Check scenario files: read and compile every variant; print a summary, or the mistakes.
    Check(check::Args),
    /// Run one scenario and print its trace and verdict.
    Run(run::Args),
    /// Rebuild the exact run of a share link (from the page or a sweep summary).
    Replay(replay::Args),
    /// Explore every interleaving and signal timing: prove a variant, or find its shortest
    /// lost wakeup.
    Explore(explore::Args),
    /// Make a failing run smaller, to a run that loses the same wakeup and from which no single
    /// step can be removed: fewer steps, then fewer preemptions.
    Shrink(shrink::Args),
    /// Write a scenario in another form: a share link's scenario file, or Promela for SPIN.
    Export(export::Args),
    /// Run many seeds on every core: verdict counts, hit rates, JSON lines, plots.
    Sweep(sweep::Args),
    /// Combine the JSON lines of sweep shards into one summary.
    Merge(sweep::MergeArgs),
    /// Draw the plots of saved sweep JSON lines.
    Plot(sweep::PlotArgs),
    /// Run litmus tests in the kernel's C format under sc or x86-TSO: every execution, reported
    /// as herd7 does.
    Litmus(litmus::Args),
}

#[derive(clap::Args)]
struct ListArgs {
    /// A directory of scenario files (*.toml) to list instead of the built-in scenarios.
    #[arg(long, value_name = "DIR")]
    path: Option<std::path::PathBuf>,
}

/// Which scenario, variant and parameters: shared by the subcommands.
#[derive(clap::Args)]
pub struct Target {
    /// A built-in scenario id (see `wqsim list`) or a path to a scenario file (.toml).
    scenario: String,
    /// The variant (default: the scenario's).
    #[arg(long)]
    variant: Option<String>,
    /// Override a scenario parameter, e.g. --param lockers=3 (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = load::parse_param)]
    params: Vec<(String, i64)>,
    /// The memory model: sc (sequentially consistent) or tso (x86-TSO store buffers).
    #[arg(long, value_name = "sc|tso", default_value = "sc", value_parser = parse_memory)]
    memory: Memory,
}

impl Target {
    pub fn load(&self) -> Result<(std::borrow::Cow<'static, Scenario>, Arc<Spec>), sim_core::Error> {
        let scenario = load::scenario(&self.scenario)?;
        let spec = scenario.spec_in(self.variant.as_deref(), &self.params, self.memory)?;
        Ok((scenario, spec))
    }

    /// How `wqsim run` names this scenario again: the path or id as given, and the parameters
    /// given (the run's replay line must rebuild the same programs).
    pub fn named(&self) -> output::Named<'_> {
        output::Named { scenario: &self.scenario, params: &self.params, memory: self.memory }
    }
}

pub fn parse_memory(s: &str) -> Result<Memory, String> {
    s.parse()
}

pub fn parse_strategy(s: &str) -> Result<StrategyKind, String> {
    s.parse().map_err(|e: sim_core::Error| e.to_string())
}

/// Let a closed pipe end wqsim as it ends `cat` and every other Unix tool: Rust ignores SIGPIPE,
/// so that a write to a reader that has gone (`wqsim explore … | head -1`) fails, and `print!`
/// then panics.
fn die_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's action to its default, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    die_on_closed_pipe();
    let result = match Cli::parse().command {
        Command::List(args) => output::list(args.path.as_deref()),
        Command::Check(args) => check::check(&args),
        Command::Run(args) => run::run(&args),
        Command::Replay(args) => replay::replay(&args),
        Command::Explore(args) => explore::explore(&args),
        Command::Shrink(args) => shrink::shrink(&args),
        Command::Export(args) => export::export(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Merge(args) => sweep::merge(&args),
        Command::Plot(args) => sweep::plot(&args),
        Command::Litmus(args) => litmus::litmus(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(sim_core::Error::Source(d)) => {
            diagnostics::render(&d);
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("wqsim: error: {e}");
            ExitCode::from(2)
        }
    }
}

//! `wqsim sweep`: many seeds on every core, with progress, JSON lines, a summary and plots;
//! `wqsim merge` and `wqsim plot` read saved JSON lines.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::{json, Value};
use sim_core::share::{Link, ScenarioRef};
use std::collections::BTreeMap;

use sim_core::kernel::memory::Memory;
use sim_core::strategy::timed::PREFIX as TIMED_PREFIX;
use sim_core::strategy::{StrategyKind, TimedConfig};
use sim_core::sweep::{group_key, run_seed, run_seed_in, Groups, Record, SeedResult, Tally};
use sim_core::Scenario;
use sim_core::VerdictKind;
use sim_core::{Error, Schedule, Spec, World};

use crate::plot;

/// Above this many bytes of `--out`, the sweep says so before it starts.
const LARGE_OUT: u64 = 1_000_000_000;

/// Seeds run in parallel per chunk and are written in seed order, so the output does not
/// depend on the number of threads, and an interrupted sweep stops at a chunk boundary.
const CHUNK: u64 = 4096;

#[derive(clap::Args)]
pub struct Args {
    /// A built-in scenario id or a path to a scenario .toml file.
    scenario: String,
    /// The variant (default: the scenario's).
    #[arg(long, conflicts_with = "all_variants")]
    variant: Option<String>,
    /// Sweep every variant of the scenario.
    #[arg(long)]
    all_variants: bool,
    /// How to pick each step: `random`, `timed` or `pct` (see `wqsim run --help`).
    #[arg(long, default_value = "random", value_parser = crate::parse_strategy)]
    strategy: StrategyKind,
    /// Seeds A..B (B excluded) or A..=B.
    #[arg(long, value_parser = parse_range)]
    seeds: Range<u64>,
    /// Worker threads (default: every core).
    #[arg(long)]
    jobs: Option<usize>,
    /// Run only slice I of N (0-based) of the seed range: N machines, one slice each.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<(u64, u64)>,
    /// Write one JSON line per seed.
    #[arg(long, value_name = "FILE.jsonl")]
    out: Option<PathBuf>,
    /// Draw the hit rates and steps to hang (.svg or .png).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// A parameter value or a list of values to sweep, e.g. --param lockers=2,3,4 (repeatable).
    #[arg(long = "param", value_name = "NAME=V1,V2,...", value_parser = parse_param_list)]
    params: Vec<(String, Vec<i64>)>,
    /// Print the summary as one JSON object, and no progress bar.
    #[arg(long)]
    json: bool,
    /// The memory model: sc (sequentially consistent) or tso (x86-TSO store buffers).
    #[arg(long, value_name = "sc|tso", default_value = "sc", value_parser = crate::parse_memory)]
    memory: Memory,
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// JSONL files written by `wqsim sweep --out` (shards of one sweep, or several sweeps).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct PlotArgs {
    /// JSONL files written by `wqsim sweep --out`.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The image to write (.svg or .png).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

fn parse_range(s: &str) -> Result<Range<u64>, String> {
    let num = |x: &str| x.trim().parse::<u64>().map_err(|_| format!("'{x}' is not a seed (a whole number)"));
    let (a, b, inclusive) = if let Some((a, b)) = s.split_once("..=") {
        (num(a)?, num(b)?, true)
    } else if let Some((a, b)) = s.split_once("..") {
        (num(a)?, num(b)?, false)
    } else {
        return Err(format!("'{s}' is not a range: write A..B or A..=B"));
    };
    let end = if inclusive { b.checked_add(1).ok_or("the range ends past the last seed")? } else { b };
    if end <= a {
        return Err(format!("the range {s} is empty (it must go up)"));
    }
    Ok(a..end)
}

fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (i, n) = s.split_once('/').ok_or_else(|| format!("'{s}' is not I/N"))?;
    let (i, n): (u64, u64) = (
        i.parse().map_err(|_| format!("'{i}' is not a shard index"))?,
        n.parse().map_err(|_| format!("'{n}' is not a shard count"))?,
    );
    if n == 0 || i >= n {
        return Err(format!("shard {i}/{n} does not exist: I runs from 0 to N-1"));
    }
    Ok((i, n))
}

fn parse_param_list(s: &str) -> Result<(String, Vec<i64>), String> {
    let (name, values) = s.split_once('=').ok_or_else(|| format!("'{s}' is not NAME=V1,V2,..."))?;
    let values = values
        .split(',')
        .map(|v| v.trim().parse::<i64>().map_err(|_| format!("'{v}' in --param {name} is not a whole number")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((name.trim().to_string(), values))
}

/// The exact slice `i` of `n` of a range: contiguous, and together the whole range.
fn shard(range: Range<u64>, (i, n): (u64, u64)) -> Range<u64> {
    let len = u128::from(range.end - range.start);
    let at = |k: u64| range.start + (len * u128::from(k) / u128::from(n)) as u64;
    at(i)..at(i + 1)
}

/// Every combination of the swept parameter values.
fn grid(params: &[(String, Vec<i64>)]) -> Vec<Vec<(String, i64)>> {
    params.iter().fold(vec![vec![]], |acc, (name, values)| {
        acc.iter()
            .flat_map(|prefix| {
                values.iter().map(move |&v| {
                    let mut p = prefix.clone();
                    p.push((name.clone(), v));
                    p
                })
            })
            .collect()
    })
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::Invalid(format!("cannot write {}: {e}", path.display()))
}

/// The warning for an `--out` file of `seeds` × `bytes_per_seed` (every group's record of one
/// seed) over [`LARGE_OUT`], or `None`. A warning, not a refusal: a script that writes a large
/// file on purpose (to a disk that has room) goes on working, and Ctrl-C stops the sweep with
/// a valid file of the seeds done.
fn large_out_warning(path: &Path, seeds: u64, bytes_per_seed: u64) -> Option<String> {
    let bytes = seeds.saturating_mul(bytes_per_seed);
    (bytes > LARGE_OUT).then(|| {
        format!(
            "wqsim: warning: --out {} will be about {} ({} seeds × {} bytes of JSON lines); \
             for less, sweep fewer seeds, split the range with --shard I/N, or leave out --out \
             (the summary and --plot need no file)",
            path.display(),
            human_bytes(bytes),
            plot::number(seeds),
            bytes_per_seed
        )
    })
}

fn human_bytes(b: u64) -> String {
    match b {
        b if b >= 1_000_000_000_000 => format!("{:.1} TB", b as f64 / 1e12),
        b if b >= 1_000_000_000 => format!("{:.1} GB", b as f64 / 1e9),
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b => format!("{b} bytes"),
    }
}

/// Whether `--plot` names an image we can draw, checked before any work.
fn check_plot_path(path: &Path) -> Result<(), Error> {
    plot::Format::of(path)?;
    File::create(path).map(drop).map_err(|e| io_error(path, e))
}

pub fn sweep(args: &Args) -> Result<(), Error> {
    let scenario = crate::load::scenario(&args.scenario)?;
    let variants: Vec<String> = if args.all_variants {
        scenario.variants.iter().map(|v| v.id.clone()).collect()
    } else {
        vec![args.variant.clone().unwrap_or_else(|| scenario.default_variant.clone())]
    };
    // Every spec and timing is built, and so checked, before any seed runs.
    let jobs: Vec<Job> = grid(&args.params)
        .iter()
        .flat_map(|p| variants.iter().map(move |v| (v, p)))
        .map(|(v, p)| Job::new(&scenario, v, p, args.strategy, args.memory))
        .collect::<Result<_, _>>()?;
    let seeds = args.shard.map_or(args.seeds.clone(), |s| shard(args.seeds.clone(), s));
    let large = args.out.as_ref().and_then(|p| {
        // One record of each group, at the last (longest) seed, times the seeds.
        let per_seed: u64 = jobs
            .iter()
            .map(|job| {
                run_seed(&job.spec, args.strategy, &job.timing, seeds.end - 1)
                    .and_then(|r| json_line(&Record::new(&job.spec, args.strategy, &job.params, &r)))
                    .map_or(200, |line| line.len() as u64)
            })
            .sum();
        large_out_warning(p, seeds.end - seeds.start, per_seed)
    });
    let mut out = match &args.out {
        Some(p) => Some(BufWriter::new(File::create(p).map_err(|e| io_error(p, e))?)),
        None => None,
    };
    if let Some(p) = &args.plot {
        check_plot_path(p)?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| Error::Invalid(format!("cannot start worker threads: {e}")))?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    // A second handler (in tests, several sweeps in one process) is not an error worth stopping for.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    if let Some(warning) = large {
        eprintln!("{warning}");
    }

    let total = (seeds.end - seeds.start) * jobs.len() as u64;
    let bar = if args.json || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(total);
        let style = ProgressStyle::with_template("{bar:40} {human_pos}/{human_len} seeds  {msg}  ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar
    };
    let start = Instant::now();
    let mut tallies = Groups::new();
    let (mut runs, mut steps, mut hits) = (0u64, 0u64, 0u64);
    'jobs: for job in &jobs {
        let (spec, timing) = (&job.spec, &job.timing);
        let tally = tallies.entry(group_key(&spec.variant, &job.params)).or_default();
        let mut from = seeds.start;
        while from < seeds.end {
            if stop.load(Ordering::SeqCst) {
                break 'jobs;
            }
            let to = (from + CHUNK).min(seeds.end);
            // Workers run the seeds and, when there is an output file, format its lines too.
            let writing = out.is_some();
            let results: Vec<(SeedResult, String)> = pool.install(|| {
                (from..to)
                    .into_par_iter()
                    // A world per rayon job, restarted for each of its seeds.
                    .map_init(
                        || World::new(spec.clone()),
                        |world, seed| {
                            let r = run_seed_in(world, args.strategy, timing, seed)?;
                            let line = if writing {
                                json_line(&Record::new(spec, args.strategy, &job.params, &r))?
                            } else {
                                String::new()
                            };
                            Ok((r, line))
                        },
                    )
                    .collect::<Result<_, Error>>()
            })?;
            for (r, line) in &results {
                if let Some(w) = &mut out {
                    w.write_all(line.as_bytes())
                        .map_err(|e| io_error(args.out.as_deref().unwrap_or(Path::new("")), e))?;
                }
                tally.add(r);
                steps += u64::from(r.steps);
                hits += u64::from(r.verdict == VerdictKind::LostWakeup);
            }
            if let Some(w) = &mut out {
                w.flush().map_err(|e| io_error(args.out.as_deref().unwrap_or(Path::new("")), e))?;
            }
            runs += to - from;
            bar.inc(to - from);
            let rate = runs as f64 / start.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!("{hits} lost wakeups  {rate:.0} seeds/s"));
            from = to;
        }
    }
    bar.finish_and_clear();
    let elapsed = start.elapsed().as_secs_f64();
    let interrupted = stop.load(Ordering::SeqCst);
    let speed = json!({
        "seeds": runs,
        "elapsed_s": elapsed,
        "seeds_per_second": runs as f64 / elapsed.max(1e-9),
        "steps_per_second": steps as f64 / elapsed.max(1e-9),
        "jobs": pool.current_num_threads(),
        "interrupted": interrupted,
    });
    let order: Vec<String> = scenario.variants.iter().map(|v| v.id.clone()).collect();
    let sweep = Sweep { scenario: &scenario.id, strategy: args.strategy.id(), memory: args.memory, variants: &order };
    report(&sweep, &tallies, args.json, Some(speed))?;
    if let Some(p) = &args.plot {
        plot::draw(p, &scenario.id, &order, &tallies)?;
    }
    if interrupted {
        eprintln!("wqsim: interrupted after {runs} seeds; the output holds every finished seed");
        let _ = std::io::stdout().flush();
        // 128 + SIGINT, as a shell reports a command stopped by Ctrl-C.
        std::process::exit(130);
    }
    Ok(())
}

/// One group of a sweep: a variant at one point of the parameter grid.
struct Job {
    spec: Arc<Spec>,
    timing: TimedConfig,
    /// The scenario's parameters and the strategy's `timed.*` ones: what the group is named by.
    params: BTreeMap<String, u32>,
}

impl Job {
    fn new(
        scenario: &Scenario,
        variant: &str,
        params: &[(String, i64)],
        kind: StrategyKind,
        memory: Memory,
    ) -> Result<Job, Error> {
        let spec = scenario.spec_in(Some(variant), params, memory)?;
        let timing = kind.timing(&spec, params)?;
        let mut all = spec.params.clone();
        all.extend(params.iter().filter(|(k, _)| k.starts_with(TIMED_PREFIX)).map(|(k, v)| (k.clone(), *v as u32)));
        Ok(Job { spec, timing, params: all })
    }
}

/// A record as one line of JSON, newline included.
fn json_line(r: &Record) -> Result<String, Error> {
    let mut line = serde_json::to_string(r).map_err(|e| Error::Invalid(e.to_string()))?;
    line.push('\n');
    Ok(line)
}

/// Read JSON lines, saying which file and line is wrong.
fn read_records(files: &[PathBuf]) -> Result<(String, String, Memory, Groups), Error> {
    let mut tallies = Groups::new();
    let (mut scenario, mut strategy, mut memory) = (String::new(), String::new(), Memory::Sc);
    for path in files {
        let file = File::open(path).map_err(|e| Error::Invalid(format!("cannot read {}: {e}", path.display())))?;
        for (n, line) in BufReader::new(file).lines().enumerate() {
            let at = || format!("{}:{}", path.display(), n + 1);
            let line = line.map_err(|e| Error::Invalid(format!("{}: {e}", at())))?;
            if line.trim().is_empty() {
                continue;
            }
            let r: Record = serde_json::from_str(&line).map_err(|e| Error::Invalid(format!("{}: {e}", at())))?;
            if scenario.is_empty() {
                (scenario, strategy, memory) = (r.scenario.clone(), r.strategy.clone(), r.memory);
            } else if (r.scenario.as_str(), r.strategy.as_str(), r.memory)
                != (scenario.as_str(), strategy.as_str(), memory)
            {
                return Err(Error::Invalid(format!(
                    "{}: another sweep ({} {} {}) than the first line's",
                    at(),
                    r.scenario,
                    r.strategy,
                    r.memory.id()
                )));
            }
            tallies.entry(group_key(&r.variant, &r.params)).or_default().add(&r.result()?);
        }
    }
    Ok((scenario, strategy, memory, tallies))
}

pub fn merge(args: &MergeArgs) -> Result<(), Error> {
    let (scenario, strategy, memory, tallies) = read_records(&args.files)?;
    let order = variant_order(&scenario);
    report(&Sweep { scenario: &scenario, strategy: &strategy, memory, variants: &order }, &tallies, args.json, None)?;
    if let Some(p) = &args.plot {
        check_plot_path(p)?;
        plot::draw(p, &scenario, &order, &tallies)?;
    }
    Ok(())
}

pub fn plot(args: &PlotArgs) -> Result<(), Error> {
    check_plot_path(&args.out)?;
    let (scenario, _, _, tallies) = read_records(&args.files)?;
    plot::draw(&args.out, &scenario, &variant_order(&scenario), &tallies)
}

/// The variants of the scenario that records name, in its order: a built-in's; a scenario
/// file's records name only its id, so theirs go in `plot::ordered`'s natural order.
fn variant_order(scenario: &str) -> Vec<String> {
    sim_core::library::find(scenario).map_or_else(|_| Vec::new(), |s| s.variants.iter().map(|v| v.id.clone()).collect())
}

/// What a sweep's report names: the scenario, the strategy and the memory model.
struct Sweep<'a> {
    scenario: &'a str,
    strategy: &'a str,
    memory: Memory,
    /// The scenario's variants in its order, for the order of the summary (`plot::ordered`).
    variants: &'a [String],
}

/// The replay of a failing seed: a share fragment and the `wqsim run` command.
fn replay(sweep: &Sweep, variant: &str, params: &str, seed: u64) -> (String, String) {
    let Sweep { scenario, strategy, memory, .. } = *sweep;
    let overrides: Vec<(String, i64)> = params
        .split_whitespace()
        .filter_map(|p| p.split_once('=').and_then(|(k, v)| Some((k.to_string(), v.parse().ok()?))))
        .collect();
    let link = Link {
        scenario: ScenarioRef::Id(scenario.into()),
        variant: variant.into(),
        strategy: strategy.parse().unwrap_or(StrategyKind::Random),
        manual: false,
        seed,
        params: overrides.clone(),
        choices: Schedule(vec![]),
        step: 0,
        memory,
    };
    let mut flags: String = overrides.iter().map(|(k, v)| format!(" --param {k}={v}")).collect();
    flags.push_str(&crate::output::memory_flag(memory));
    (
        format!("#{}", link.encode()),
        format!("wqsim run {scenario} --variant {variant} --strategy {strategy} --seed {seed}{flags}"),
    )
}

fn group_json(sweep: &Sweep, (variant, params): &(String, String), t: &Tally) -> Value {
    let (lo, hi) = t.wilson95();
    let steps = t.steps_summary().map(|(min, median, max)| json!({ "min": min, "median": median, "max": max }));
    let failing: Vec<Value> = t
        .first_failing
        .iter()
        .map(|&seed| {
            let (link, command) = replay(sweep, variant, params, seed);
            json!({ "seed": seed, "link": link, "command": command })
        })
        .collect();
    let mut g = json!({
        "variant": variant,
        "params": params,
        "seeds": t.seeds,
        "verdicts": { "finished": t.finished, "lost_wakeup": t.lost_wakeup, "deadlock": t.deadlock, "step_limit": t.step_limit },
        "hit_rate": t.hit_rate(),
        "ci95": [lo, hi],
        "steps": steps,
        "queue_lock_max_hold": t.queue_lock_max_hold,
        "first_failing": failing,
    });
    if let Some((min, median, max, measured)) = t.window_summary() {
        g["window_ns"] = json!({ "measured": measured, "min": min, "median": median, "max": max });
    }
    g
}

fn report(sweep: &Sweep, tallies: &Groups, as_json: bool, speed: Option<Value>) -> Result<(), Error> {
    let groups: Vec<Value> =
        plot::ordered(tallies, sweep.variants).into_iter().map(|(k, t)| group_json(sweep, k, t)).collect();
    let Sweep { scenario, strategy, memory, .. } = *sweep;
    if as_json {
        let v = json!({ "scenario": scenario, "strategy": strategy, "memory": memory, "groups": groups, "run": speed });
        println!("{v}");
        return Ok(());
    }
    println!("sweep {scenario}, strategy {strategy}, memory {}\n", memory.id());
    let width = tallies.keys().map(|(_, p)| p.len()).max().unwrap_or(0).max(6);
    println!(
        "{:<22} {:<width$} {:>9} {:>9} {:>11} {:>8} {:>10}  {:<26} {:>16}",
        "variant",
        "params",
        "seeds",
        "finished",
        "lost_wakeup",
        "deadlock",
        "step_limit",
        "hit rate (95% CI)",
        "steps min/med/max"
    );
    for ((variant, params), t) in plot::ordered(tallies, sweep.variants) {
        let (lo, hi) = t.wilson95();
        let steps = t.steps_summary().map_or("-".into(), |(a, b, c)| format!("{a}/{b}/{c}"));
        println!(
            "{variant:<22} {params:<width$} {:>9} {:>9} {:>11} {:>8} {:>10}  {:<26} {steps:>16}",
            t.seeds,
            t.finished,
            t.lost_wakeup,
            t.deadlock,
            t.step_limit,
            format!("{:.4}% ({:.4}–{:.4}%)", 100.0 * t.hit_rate(), 100.0 * lo, 100.0 * hi),
        );
    }
    if tallies.values().any(|t| !t.window_ns.is_empty()) {
        println!("\nrace windows of the lost wakeups, in virtual ns (the hits' windows, measured):");
        for ((variant, params), t) in plot::ordered(tallies, sweep.variants) {
            if let Some((min, median, max, measured)) = t.window_summary() {
                let n = |v: u64| sim_core::describe::thousands(v);
                println!(
                    "  {variant:<22} {params:<width$}  {measured} measured: min {}, median {}, max {}",
                    n(min),
                    n(median),
                    n(max)
                );
            }
        }
    }
    for ((variant, params), t) in plot::ordered(tallies, sweep.variants) {
        for &seed in t.first_failing.iter().take(3) {
            let (link, command) = replay(sweep, variant, params, seed);
            println!("  lost wakeup: {command}   {link}");
        }
    }
    if let Some(s) = speed {
        println!(
            "\n{} seeds in {:.2} s on {} threads: {:.0} seeds/s, {:.1} M steps/s",
            s["seeds"],
            s["elapsed_s"].as_f64().unwrap_or(0.0),
            s["jobs"],
            s["seeds_per_second"].as_f64().unwrap_or(0.0),
            s["steps_per_second"].as_f64().unwrap_or(0.0) / 1e6
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_out_file_over_a_gigabyte_is_announced() {
        let p = Path::new("runs.jsonl");
        // 10^6 seeds of 4 variants at about 196 bytes a record (BENCHMARKS.md): 785 MB, quiet.
        assert_eq!(large_out_warning(p, 1_000_000, 4 * 196), None);
        assert_eq!(large_out_warning(p, 1_000_000, 1000), None, "exactly 1 GB is not over");
        let w = large_out_warning(p, 10_000_000, 4 * 196).unwrap();
        assert!(
            w.starts_with("wqsim: warning: --out runs.jsonl will be about 7.8 GB (10,000,000 seeds × 784 bytes"),
            "{w}"
        );
        assert!(w.contains("--shard") && !w.contains('\n'), "{w}");
        // No overflow for the largest range.
        assert!(large_out_warning(p, u64::MAX, 200).unwrap().contains("TB"));
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
    }
}

//! `wqsim explore`: every interleaving and signal timing, with its statistics, and the shortest
//! counterexample as a readable trace.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sim_core::explore::shortest::{shortest_lost_wakeup, Shortest};
use sim_core::explore::symmetry::Symmetry;
use sim_core::explore::{self, bitstate, Config, Reductions, Report};
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
    /// Stop, incomplete, before the visited set (or the frontier of the shortest-race search)
    /// grows past this size: `512MiB`, `4GiB`, `8GB`.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<bytesize::ByteSize>,
    /// Stop, incomplete, after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    time_limit: u64,
    /// Explore without any reduction: every reachable state (for comparison).
    #[arg(long, conflicts_with = "reductions")]
    no_reduction: bool,
    /// The reductions to use, comma-separated.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "sleep-sets,symmetry,lock-aware,dead-variables"
    )]
    reductions: Vec<Reduction>,
    /// Stop at the first lost wakeup found (depth-first), without looking for the shortest.
    /// (On one thread: it is the first one's latency that counts.)
    #[arg(long)]
    first: bool,
    /// Keep states as 3 bits each in an array of SIZE (SPIN's bitstate hashing), not in the
    /// visited set: searches beyond memory, complete only with a probability, which it prints.
    /// Sleep sets are off.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, conflicts_with = "max_memory")]
    bitstate: Option<bytesize::ByteSize>,
    /// Threads to search with [default: every core].
    #[arg(long, value_name = "N")]
    jobs: Option<std::num::NonZeroUsize>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

fn parse_size(s: &str) -> Result<bytesize::ByteSize, String> {
    match s.parse::<bytesize::ByteSize>() {
        Ok(b) if b.as_u64() >= 1 << 20 => Ok(b),
        Ok(b) => Err(format!("{b} is less than the 1 MiB a search needs at least")),
        Err(e) => Err(format!("{e}: a size is a number and a unit, such as 512MiB or 4GiB")),
    }
}

/// A reduction, as `--reductions` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Reduction {
    /// Sleep sets: transitions whose order does not matter are not taken twice.
    SleepSets,
    /// Interchangeable tasks: a state's permutations are stored once.
    Symmetry,
    /// A step that only reads what others write under a mutex it holds is not interleaved.
    LockAware,
    /// A local that no path reads before writing it again is cleared (SPIN's dead variables).
    DeadVariables,
}

impl Args {
    fn reductions(&self) -> Reductions {
        if self.no_reduction {
            return Reductions::NONE;
        }
        Reductions {
            sleep_sets: self.reductions.contains(&Reduction::SleepSets),
            symmetry: self.reductions.contains(&Reduction::Symmetry),
            lock_aware: self.reductions.contains(&Reduction::LockAware),
            dead_variables: self.reductions.contains(&Reduction::DeadVariables),
        }
    }
}

pub fn explore(args: &Args) -> Result<(), sim_core::Error> {
    let (_, spec) = args.target.load()?;
    let cfg = Config {
        max_states: args.max_states,
        max_memory: args.max_memory.map_or(u64::MAX, |b| b.as_u64()),
        max_preemptions: args.max_preemptions,
        reductions: args.reductions(),
        stop_at_first: args.first,
        bitstate: args.bitstate.map(|b| b.as_u64()),
        jobs: match (args.first, args.jobs) {
            (true, _) => 1,
            (false, Some(n)) => n.get(),
            (false, None) => std::thread::available_parallelism().map_or(1, |n| n.get()),
        },
    };
    let start = Instant::now();
    let deadline = start + Duration::from_secs(args.time_limit);
    let mut in_time = |_: &explore::Stats| Instant::now() < deadline;
    let report = explore::explore(&spec, cfg, &mut in_time);
    let elapsed = start.elapsed();
    // A shortest counterexample when there is one to find (breadth-first, no sleep sets; within
    // the bound, the depth-first path stands in for it).
    let counterexample = match &report.found {
        Some(found) if args.max_preemptions.is_none() && !args.first => {
            match shortest_lost_wakeup(&spec, &cfg, &mut in_time).0 {
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

/// A number for people: 4 decimals, or a mantissa and exponent when that would print 0.
fn readable(x: f64) -> String {
    if x == 0.0 || x >= 1e-3 {
        format!("{x:.4}")
    } else {
        format!("{x:.1e}")
    }
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
    let params = match output::params(spec) {
        p if p.is_empty() => String::new(),
        p => format!(" ({p})"),
    };
    let mut s = format!(
        "explore {} {}{params}  memory: {}  preemptions: {bound}  reduction: {}  jobs: {}\n",
        spec.scenario,
        spec.variant,
        spec.memory.id(),
        reduction_text(spec, cfg),
        cfg.jobs
    );
    s += &format!(
        "states {}  transitions {}  executions {}  max depth {}  elapsed {:.3} s  ({:.2} M states/s, visited set {:.1} MiB)\n",
        r.stats.states,
        r.stats.transitions,
        r.stats.executions,
        r.stats.max_depth,
        elapsed.as_secs_f64(),
        per_second(r.stats.states, elapsed) / 1e6,
        r.stats.bytes as f64 / f64::from(1 << 20)
    );
    s += &if let (true, Some(bytes)) = (r.complete, cfg.bitstate) {
        let missed = bitstate::omissions(r.stats.states, bytes * 8);
        format!(
            "complete, with a probability (bitstate: {} bits per state in {}): {} new states \
             expected to have been taken as seen; every reachable state explored with probability about {}\n",
            bitstate::HASHES,
            bytesize::ByteSize(bytes),
            readable(missed),
            readable((-missed).exp())
        )
    } else if r.complete {
        "complete: every reachable state was explored\n".to_string()
    } else if cfg.stop_at_first && r.found.is_some() {
        format!("stopped at the first lost wakeup (--first), after {} states\n", r.stats.states)
    } else {
        format!(
            "INCOMPLETE: explored {} states, then stopped at a limit (--max-states, --max-memory, --time-limit)\n",
            r.stats.states
        )
    };
    let e = &r.ends;
    let up_to = if symmetric(spec, cfg) { " (up to symmetry)" } else { "" };
    s += &format!(
        "end states{up_to}: finished {}, lost_wakeup {}, deadlock {}, step_limit {}\n",
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

/// Whether the symmetry reduction is on and has interchangeable tasks to work with.
fn symmetric(spec: &Spec, cfg: Config) -> bool {
    cfg.reductions.symmetry && !Symmetry::of(spec).is_trivial()
}

/// The reductions in use, with the interchangeable tasks: "sleep sets, symmetry of W1 W2 W3".
fn reduction_text(spec: &Spec, cfg: Config) -> String {
    let used = cfg.reductions_for(spec);
    let mut parts = Vec::new();
    if used.sleep_sets {
        parts.push("sleep sets".to_string());
    }
    if used.symmetry {
        let groups: Vec<String> = Symmetry::of(spec)
            .groups()
            .map(|g| g.map(|t| spec.tasks[t.index()].name.as_str()).collect::<Vec<_>>().join(" "))
            .collect();
        parts.push(match groups.is_empty() {
            true => "symmetry (no interchangeable tasks)".to_string(),
            false => format!("symmetry of {}", groups.join("; ")),
        });
    }
    if used.lock_aware {
        parts.push("lock-aware".to_string());
    }
    if used.dead_variables {
        parts.push("dead variables".to_string());
    }
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
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
        "reduction": !cfg.reductions_for(spec).names().is_empty(),
        "reductions": cfg.reductions_for(spec).names(),
        "jobs": cfg.jobs,
        "bitstate": cfg.bitstate.map(|bytes| json!({
            "bytes": bytes,
            "hashes": bitstate::HASHES,
            "expected_omissions": bitstate::omissions(r.stats.states, bytes * 8),
        })),
        "complete": r.complete,
        "states": r.stats.states,
        "transitions": r.stats.transitions,
        "executions": r.stats.executions,
        "max_depth": r.stats.max_depth,
        "visited_bytes": r.stats.bytes,
        "elapsed_ms": elapsed.as_secs_f64() * 1e3,
        "states_per_second": per_second(r.stats.states, elapsed),
        "ends": r.ends,
        "verdict": verdict,
        "counterexample": counterexample,
    })
}

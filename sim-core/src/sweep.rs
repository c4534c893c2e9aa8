//! Seed sweeps: one record per seed, and tallies per (variant, parameters) that merge in any
//! order to the same result, so shards of a sweep add up to the unsharded sweep. Memory does not
//! grow with the number of seeds: a tally keeps counts, histograms of step counts (one entry per
//! distinct count, at most the step limit) and the few lowest failing seeds.

use crate::kernel::memory::Memory;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{clip, Error};
use crate::oracle::VerdictKind;
use crate::run;
use crate::spec::Spec;
use crate::strategy::{StrategyKind, TimedConfig};
use crate::world::World;

/// How many failing seeds a tally remembers (the lowest ones).
pub const FIRST_FAILING: usize = 5;

/// One seed's result: a line of a sweep's JSONL output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub scenario: String,
    pub variant: String,
    pub strategy: String,
    pub params: BTreeMap<String, u32>,
    pub seed: u64,
    pub verdict: String,
    pub steps: u32,
    pub trace_hash: String,
    /// A timed run's lost wakeup: the width of its race window in virtual ns (`window.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_ns: Option<u64>,
    /// The longest hold of a queue's lock by one walk, in entries (absent in older records).
    #[serde(default)]
    pub queue_lock_max_hold: u16,
    /// The memory model (absent in records of `sc` runs, and in older records).
    #[serde(default, skip_serializing_if = "is_sc")]
    pub memory: Memory,
}

fn is_sc(m: &Memory) -> bool {
    *m == Memory::Sc
}

/// What one seed came to: small and `Copy`, so a sweep allocates nothing per seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedResult {
    pub seed: u64,
    pub verdict: VerdictKind,
    pub steps: u32,
    pub trace_hash: u64,
    /// The race window's width in virtual ns, for a lost wakeup under the timed strategy whose
    /// window is defined.
    pub window_ns: Option<u64>,
    pub queue_lock_max_hold: u16,
}

/// Run one seed with no trace kept. A timed run that loses a wakeup is run again with its trace
/// and clock kept, to measure its race window: the cost falls on the rare hits, not on every step.
pub fn run_seed(spec: &Arc<Spec>, kind: StrategyKind, timing: &TimedConfig, seed: u64) -> Result<SeedResult, Error> {
    run_seed_in(&mut World::new(spec.clone()), kind, timing, seed)
}

/// `run_seed` in `world`, restarted first: a sweep keeps a world per thread, not one per seed.
pub fn run_seed_in(
    world: &mut World,
    kind: StrategyKind,
    timing: &TimedConfig,
    seed: u64,
) -> Result<SeedResult, Error> {
    world.restart();
    let mut strategy = kind.build_with(seed, world, timing);
    let o = run::run(world, &mut *strategy, &mut ())?;
    let verdict = o.verdict.kind();
    let window_ns = if kind == StrategyKind::Timed && verdict == VerdictKind::LostWakeup {
        window_of(world.spec_arc(), kind, timing, seed)?
    } else {
        None
    };
    Ok(SeedResult {
        seed,
        verdict,
        steps: o.steps,
        trace_hash: o.trace_hash,
        window_ns,
        queue_lock_max_hold: o.queue_lock_max_hold,
    })
}

/// The race window's width of one seed's lost wakeup, by a run that keeps its trace.
pub fn window_of(spec: &Arc<Spec>, kind: StrategyKind, timing: &TimedConfig, seed: u64) -> Result<Option<u64>, Error> {
    let mut world = World::new(spec.clone());
    let mut strategy = kind.build_with(seed, &world, timing);
    let mut trace = crate::trace::Trace::default();
    let o = run::run(&mut world, &mut *strategy, &mut trace)?;
    Ok(match &o.verdict {
        crate::oracle::Verdict::LostWakeup(lost) => {
            crate::window::race_window(spec, &trace.events, lost).ok().and_then(|w| w.width_ns)
        }
        _ => None,
    })
}

impl Record {
    /// `params`: the scenario's parameters and any `timed.*` ones of the strategy.
    pub fn new(spec: &Spec, kind: StrategyKind, params: &BTreeMap<String, u32>, r: &SeedResult) -> Record {
        Record {
            scenario: spec.scenario.clone(),
            variant: spec.variant.clone(),
            strategy: kind.id().into(),
            params: params.clone(),
            seed: r.seed,
            verdict: r.verdict.name().into(),
            steps: r.steps,
            trace_hash: format!("{:016x}", r.trace_hash),
            window_ns: r.window_ns,
            queue_lock_max_hold: r.queue_lock_max_hold,
            memory: spec.memory,
        }
    }

    /// The result this record holds.
    pub fn result(&self) -> Result<SeedResult, Error> {
        let verdict = VerdictKind::from_name(&self.verdict)
            .ok_or_else(|| Error::Scenario(format!("unknown verdict '{}' in a sweep record", clip(&self.verdict))))?;
        let trace_hash = u64::from_str_radix(&self.trace_hash, 16).map_err(|_| {
            Error::Scenario(format!("the trace hash '{}' is not 16 hex digits", clip(&self.trace_hash)))
        })?;
        Ok(SeedResult {
            seed: self.seed,
            verdict,
            steps: self.steps,
            trace_hash,
            window_ns: self.window_ns,
            queue_lock_max_hold: self.queue_lock_max_hold,
        })
    }
}

/// What a group of seeds came to. Deserialize: the page's sweep worker sends tallies to the page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub seeds: u64,
    pub finished: u64,
    pub lost_wakeup: u64,
    pub deadlock: u64,
    pub step_limit: u64,
    /// Steps per run: step count → runs.
    pub steps: BTreeMap<u32, u64>,
    /// Steps of the runs that lost a wakeup (steps to hang).
    pub steps_to_hang: BTreeMap<u32, u64>,
    /// The lowest seeds that lost a wakeup.
    pub first_failing: Vec<u64>,
    /// The race windows of the timed runs that lost a wakeup: width in ns → runs. Always
    /// serialized: the page's sweep worker sends tallies in postcard, which has no optional fields.
    #[serde(default)]
    pub window_ns: BTreeMap<u64, u64>,
    /// The longest hold of a queue's lock by one walk in any run, in entries [ref §2.4].
    #[serde(default)]
    pub queue_lock_max_hold: u16,
}

impl Tally {
    pub fn add(&mut self, r: &SeedResult) {
        self.seeds += 1;
        *self.steps.entry(r.steps).or_default() += 1;
        self.queue_lock_max_hold = self.queue_lock_max_hold.max(r.queue_lock_max_hold);
        match r.verdict {
            VerdictKind::Finished => self.finished += 1,
            VerdictKind::Deadlock => self.deadlock += 1,
            VerdictKind::StepLimit => self.step_limit += 1,
            VerdictKind::LostWakeup => {
                self.lost_wakeup += 1;
                *self.steps_to_hang.entry(r.steps).or_default() += 1;
                if let Some(w) = r.window_ns {
                    *self.window_ns.entry(w).or_default() += 1;
                }
                if self.first_failing.len() < FIRST_FAILING || self.first_failing.last().is_some_and(|&s| r.seed < s) {
                    self.first_failing.push(r.seed);
                    self.keep_lowest();
                }
            }
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.seeds += other.seeds;
        self.finished += other.finished;
        self.lost_wakeup += other.lost_wakeup;
        self.deadlock += other.deadlock;
        self.step_limit += other.step_limit;
        self.queue_lock_max_hold = self.queue_lock_max_hold.max(other.queue_lock_max_hold);
        for (k, v) in &other.steps {
            *self.steps.entry(*k).or_default() += v;
        }
        for (k, v) in &other.steps_to_hang {
            *self.steps_to_hang.entry(*k).or_default() += v;
        }
        for (k, v) in &other.window_ns {
            *self.window_ns.entry(*k).or_default() += v;
        }
        self.first_failing.extend(&other.first_failing);
        self.keep_lowest();
    }

    fn keep_lowest(&mut self) {
        self.first_failing.sort_unstable();
        self.first_failing.dedup();
        self.first_failing.truncate(FIRST_FAILING);
    }

    /// The fraction of seeds that lost a wakeup.
    pub fn hit_rate(&self) -> f64 {
        if self.seeds == 0 {
            0.0
        } else {
            self.lost_wakeup as f64 / self.seeds as f64
        }
    }

    /// The Wilson score interval of the hit rate at 95% confidence (z = 1.96): unlike the
    /// normal approximation it stays inside [0, 1] and is honest for rare events.
    pub fn wilson95(&self) -> (f64, f64) {
        let n = self.seeds as f64;
        if n == 0.0 {
            return (0.0, 1.0);
        }
        let (p, z) = (self.hit_rate(), 1.96f64);
        let centre = p + z * z / (2.0 * n);
        let margin = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
        let denom = 1.0 + z * z / n;
        (((centre - margin) / denom).max(0.0), ((centre + margin) / denom).min(1.0))
    }

    /// Min, median and max of the steps per run.
    pub fn steps_summary(&self) -> Option<(u32, u32, u32)> {
        let min = *self.steps.keys().next()?;
        let max = *self.steps.keys().next_back()?;
        Some((min, median(&self.steps)?, max))
    }

    /// Min, median and max of the race windows measured, and how many were.
    pub fn window_summary(&self) -> Option<(u64, u64, u64, u64)> {
        let min = *self.window_ns.keys().next()?;
        let max = *self.window_ns.keys().next_back()?;
        Some((min, median(&self.window_ns)?, max, self.window_ns.values().sum()))
    }
}

/// The median of a histogram (the lower middle value for an even count).
pub fn median<K: Copy>(hist: &BTreeMap<K, u64>) -> Option<K> {
    let n: u64 = hist.values().sum();
    let mut seen = 0;
    for (&k, &v) in hist {
        seen += v;
        if 2 * seen >= n && n > 0 {
            return Some(k);
        }
    }
    None
}

/// Tallies by group: (variant, parameters) → tally.
pub type Groups = BTreeMap<(String, String), Tally>;

/// The group of a variant and parameter values: (variant, `name=value` pairs joined by spaces).
pub fn group_key(variant: &str, params: &BTreeMap<String, u32>) -> (String, String) {
    let params = params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
    (variant.to_string(), params)
}

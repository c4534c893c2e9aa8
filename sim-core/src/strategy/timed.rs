//! A discrete-event clock. Every task runs on its own CPU, starting at a seeded offset; each of
//! its steps takes a virtual duration (a base cost per kind of step, with seeded jitter, and now
//! and then a delay such as an interrupt or a cache miss, of any scale between two bounds); the
//! next step is the one that starts earliest in virtual time. A task that was asleep or blocked
//! starts again a wakeup latency after it became runnable. Fatal signals arrive at seeded
//! virtual times. Integers only, so the clock runs the same in wasm.

use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::error::{clip, Error};
use crate::program::{Op, Prim, Program};
use crate::strategy::{below, Strategy};
use crate::world::{Choice, World};

/// Timing, in virtual nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimedConfig {
    /// Each step's duration varies uniformly by ± this percentage.
    pub jitter_pct: u32,
    /// Chance per step, in thousandths, of a delay (an interrupt, a cache miss, a preemption).
    pub delay_per_mille: u32,
    /// Delays are log-uniform between these bounds: every scale is as likely, so a race window
    /// of any width is opened now and then.
    pub delay_min_ns: u64,
    pub delay_max_ns: u64,
    /// Tasks start uniformly within this window.
    pub start_window_ns: u64,
    /// From a sleeper becoming runnable to it running again.
    pub wakeup_latency_ns: u64,
    /// Signals arrive uniformly within this window from the start.
    pub signal_window_ns: u64,
}

impl Default for TimedConfig {
    fn default() -> Self {
        TimedConfig {
            jitter_pct: 50,
            delay_per_mille: 50,
            delay_min_ns: 16,
            delay_max_ns: 16_384,
            start_window_ns: 2_000,
            wakeup_latency_ns: 500,
            signal_window_ns: 5_000,
        }
    }
}

/// The timing parameters a user may set, by name (`--param timed.NAME=VALUE`), with their ranges.
pub const TIMED_PARAMS: [(&str, u64, u64); 7] = [
    ("jitter_pct", 0, 100),
    ("delay_per_mille", 0, 1000),
    ("delay_min_ns", 1, 1_000_000),
    ("delay_max_ns", 1, 1_000_000),
    ("start_window_ns", 1, 1_000_000),
    ("wakeup_latency_ns", 0, 1_000_000),
    ("signal_window_ns", 1, 1_000_000),
];

/// The prefix that marks a parameter as the timed strategy's, not the scenario's.
pub const PREFIX: &str = "timed.";

impl TimedConfig {
    /// The timing of a run of `spec`: the defaults, then the scenario's `[timed]` table, then the
    /// `timed.*` overrides among `params`.
    pub fn for_spec(spec: &crate::spec::Spec, params: &[(String, i64)]) -> Result<TimedConfig, Error> {
        if spec.timed.is_empty() {
            return TimedConfig::from_params(params);
        }
        let all: Vec<(String, i64)> = spec.timed.iter().chain(params).cloned().collect();
        TimedConfig::from_params(&all)
    }

    /// The defaults with the `timed.*` overrides among `params` applied (others are ignored).
    pub fn from_params(params: &[(String, i64)]) -> Result<TimedConfig, Error> {
        let mut cfg = TimedConfig::default();
        for (name, value) in params {
            let Some(field) = name.strip_prefix(PREFIX) else { continue };
            let Some(&(_, min, max)) = TIMED_PARAMS.iter().find(|(n, _, _)| *n == field) else {
                let known: Vec<_> = TIMED_PARAMS.iter().map(|(n, _, _)| format!("{PREFIX}{n}")).collect();
                return Err(Error::Invalid(format!(
                    "unknown timed-strategy parameter '{}' (known: {})",
                    clip(name),
                    known.join(", ")
                )));
            };
            if *value < min as i64 || *value > max as i64 {
                return Err(Error::ParamRange { name: name.clone(), value: *value, min: min as i64, max: max as i64 });
            }
            let v = *value as u64;
            match field {
                "jitter_pct" => cfg.jitter_pct = v as u32,
                "delay_per_mille" => cfg.delay_per_mille = v as u32,
                "delay_min_ns" => cfg.delay_min_ns = v,
                "delay_max_ns" => cfg.delay_max_ns = v,
                "start_window_ns" => cfg.start_window_ns = v,
                "wakeup_latency_ns" => cfg.wakeup_latency_ns = v,
                _ => cfg.signal_window_ns = v,
            }
        }
        Ok(cfg)
    }
}

/// When a step ran on the virtual clock, in nanoseconds from the start of the run. A step's
/// effects take place at `start_ns` (the clock orders steps by their start); its CPU is busy
/// until `end_ns`. A signal is an instant: `end_ns == start_ns`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct StepTime {
    pub start_ns: u64,
    pub end_ns: u64,
}

impl StepTime {
    pub fn duration_ns(self) -> u64 {
        self.end_ns - self.start_ns
    }
}

pub struct Timed {
    rng: ChaCha8Rng,
    cfg: TimedConfig,
    now: u64,
    /// The time of the step (or signal) picked last.
    last: StepTime,
    /// When each task's next step starts.
    ready: Vec<u64>,
    /// Whether each task could step at the previous decision.
    was_enabled: Vec<bool>,
    signal_at: Vec<u64>,
}

/// The base cost of an instruction: memory operations are cheap, lock round trips and wakeups
/// cost more, a context switch most. A page copy is the task's own work (`Op::Work`), counted
/// with the step it follows.
fn base_cost(op: Op) -> u64 {
    match op {
        Op::Assign { .. } | Op::Branch { .. } => 10,
        // `spin_lock()`: a critical section under a queue's lock, like the queue primitives.
        Op::Nop => 40,
        Op::Call { prim, .. } => match prim {
            Prim::SetState { .. }
            | Prim::StoreState { .. }
            | Prim::SetBit { .. }
            | Prim::ClearBit { .. }
            | Prim::TestAndSetBit { .. }
            | Prim::ClearBitUnlockIsNegativeByte { .. }
            | Prim::Xchg { .. }
            | Prim::AtomicAdd { .. } => 10,
            Prim::MutexLock(_) | Prim::MutexUnlock(_) => 30,
            // `spin_lock()` under `tso`, and `smp_mb()`: a locked round trip.
            Prim::Fence => 40,
            Prim::PrepareToWait { .. }
            | Prim::PrepareToWaitEvent { .. }
            | Prim::FinishWait { .. }
            | Prim::AbortExclusiveWait { .. }
            | Prim::AddWaitQueue { .. }
            | Prim::Link { .. }
            | Prim::Unlink { .. } => 40,
            Prim::WakeUp { .. }
            | Prim::WakeUpKeyed { .. }
            | Prim::WakeUpPageBit { .. }
            | Prim::WakeUpProcess { .. } => 100,
            Prim::Schedule { .. } => 300,
        },
        Op::Goto { .. } | Op::Exit { .. } | Op::Work { .. } => 0,
    }
}

/// The cost of the step at `pc`: its instruction and the work that follows it at once.
fn step_cost(prog: &Program, pc: u16) -> u64 {
    let mut pc = usize::from(pc);
    let Some(first) = prog.instrs.get(pc) else { return 0 };
    let mut cost = base_cost(first.op);
    while let Some(Op::Work { ns }) = prog.instrs.get(pc + 1).map(|i| i.op) {
        cost += u64::from(ns);
        pc += 1;
    }
    cost
}

impl Timed {
    pub fn new(seed: u64, world: &World, cfg: TimedConfig) -> Timed {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = world.spec().tasks.len();
        let window = cfg.signal_window_ns.max(1);
        let signal_at = (0..n).map(|_| rng.next_u64() % window).collect();
        let start = cfg.start_window_ns.max(1);
        let ready = (0..n).map(|_| rng.next_u64() % start).collect();
        Timed { rng, cfg, now: 0, last: StepTime::default(), ready, was_enabled: vec![true; n], signal_at }
    }

    fn duration(&mut self, base: u64) -> u64 {
        let j = u64::from(self.cfg.jitter_pct.min(100));
        let pct = 100 - j + below(&mut self.rng, (2 * j + 1) as usize) as u64;
        let mut d = base * pct / 100;
        if below(&mut self.rng, 1000) < self.cfg.delay_per_mille as usize {
            d += self.log_uniform(self.cfg.delay_min_ns, self.cfg.delay_max_ns);
        }
        d
    }

    /// A value between `lo` and `hi` whose logarithm is near uniform: a power-of-two bucket
    /// chosen uniformly, then a uniform value inside it.
    fn log_uniform(&mut self, lo: u64, hi: u64) -> u64 {
        let (lo, hi) = (lo.max(1), hi.max(lo.max(1)));
        let (b_lo, b_hi) = (lo.ilog2(), hi.ilog2());
        let bucket = b_lo + below(&mut self.rng, (b_hi - b_lo + 1) as usize) as u32;
        let base = 1u64 << bucket;
        (base + self.rng.next_u64() % base).clamp(lo, hi)
    }
}

impl Strategy for Timed {
    fn pick(&mut self, world: &World, choices: &[Choice]) -> Result<usize, Error> {
        // Tasks that became runnable since the last decision start after a wakeup latency.
        let mut enabled = vec![false; self.ready.len()];
        for c in choices {
            if let Choice::Step(t) = *c {
                enabled[t.index()] = true;
            }
        }
        for (i, &on) in enabled.iter().enumerate() {
            if on && !self.was_enabled[i] {
                self.ready[i] = self.ready[i].max(self.now) + self.cfg.wakeup_latency_ns;
            }
        }
        self.was_enabled = enabled;
        // The earliest event wins; ties go to the first in canonical order.
        let at = |c: &Choice| match *c {
            Choice::Step(t) => self.ready[t.index()],
            Choice::Signal(t) => self.signal_at[t.index()],
            // A buffered store reaches memory just before its CPU's next step: other CPUs may
            // run in between, for as long as this CPU's last step lasted.
            Choice::Flush(t) => self.ready[t.index()].saturating_sub(1),
        };
        let (i, &c) = choices
            .iter()
            .enumerate()
            .min_by_key(|(_, c)| at(c))
            .ok_or_else(|| Error::Schedule("no choice to pick".into()))?;
        self.now = self.now.max(at(&c));
        let mut end = self.now;
        if let Choice::Step(t) = c {
            let base = step_cost(world.spec().program(t), world.kernel.task(t).pc);
            end = self.now + self.duration(base);
            self.ready[t.index()] = end;
        }
        self.last = StepTime { start_ns: self.now, end_ns: end };
        Ok(i)
    }

    fn last_time(&self) -> Option<StepTime> {
        Some(self.last)
    }
}

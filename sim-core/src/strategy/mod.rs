//! Strategies decide what happens next. One trait, as in shuttle's `Scheduler`: a strategy is
//! asked once per decision and given the enabled choices (never empty, in the canonical order of
//! `World::choices`); it answers with an index into them. A strategy is deterministic given its
//! seed, so a (scenario, variant, strategy, seed) names one run.

pub mod pct;
pub mod random;
pub mod replay;
pub mod sequential;
pub mod timed;

use std::str::FromStr;

use rand_chacha::rand_core::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{clip, Error};
use crate::world::{Choice, World};

pub use pct::Pct;
pub use random::Random;
pub use replay::Replay;
pub use sequential::Sequential;
pub use timed::{StepTime, Timed, TimedConfig};

pub trait Strategy {
    fn pick(&mut self, world: &World, choices: &[Choice]) -> Result<usize, Error>;

    /// When the choice picked last happens on a virtual clock: only the timed strategy has one.
    /// Asked only by sinks that keep times (`Sink::TIMES`), so a sweep never calls it.
    fn last_time(&self) -> Option<StepTime> {
        None
    }
}

/// The seeded strategies, by the names the CLI, share links and tests use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategyKind {
    Random,
    Timed,
    Pct,
}

impl StrategyKind {
    pub const ALL: [StrategyKind; 3] = [StrategyKind::Random, StrategyKind::Timed, StrategyKind::Pct];

    /// The timing of a run of `spec` (its scenario's `[timed]` table, then the `timed.*`
    /// parameters among `params`); an error if `params` give them to another strategy.
    pub fn timing(self, spec: &crate::spec::Spec, params: &[(String, i64)]) -> Result<TimedConfig, Error> {
        let timed: Vec<_> = params.iter().filter(|(n, _)| n.starts_with(timed::PREFIX)).collect();
        if let (Some((name, _)), false) = (timed.first(), self == StrategyKind::Timed) {
            return Err(Error::Invalid(format!("--param {} is for --strategy timed, not {}", clip(name), self.id())));
        }
        TimedConfig::for_spec(spec, params)
    }

    pub fn id(self) -> &'static str {
        match self {
            StrategyKind::Random => "random",
            StrategyKind::Timed => "timed",
            StrategyKind::Pct => "pct",
        }
    }

    /// A fresh strategy of this kind for `world`'s scenario, seeded with `seed`.
    pub fn build(self, seed: u64, world: &World) -> Box<dyn Strategy> {
        self.build_with(seed, world, &TimedConfig::default())
    }

    /// The same, with the timed strategy's clock set by `timing`.
    pub fn build_with(self, seed: u64, world: &World, timing: &TimedConfig) -> Box<dyn Strategy> {
        match self {
            StrategyKind::Random => Box::new(Random::new(seed)),
            StrategyKind::Timed => Box::new(Timed::new(seed, world, *timing)),
            StrategyKind::Pct => Box::new(Pct::new(seed, pct::DEFAULT_DEPTH, pct::expected_steps(world))),
        }
    }
}

impl FromStr for StrategyKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        StrategyKind::ALL
            .into_iter()
            .find(|k| k.id() == s)
            .ok_or_else(|| Error::Invalid(format!("unknown strategy '{}' (known: random, timed, pct)", clip(s))))
    }
}

/// A uniform index below `n` from 32 random bits (Lemire's multiply-shift: no division, and the
/// same on every platform).
pub(crate) fn below(rng: &mut impl Rng, n: usize) -> usize {
    ((u64::from(rng.next_u32()) * n as u64) >> 32) as usize
}

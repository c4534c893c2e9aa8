//! A recorded run: every step's event and the world after it, so a viewer can go to any step,
//! back or forward, exactly (no re-run that could differ). Built from hand-made choices, then
//! (unless the run is all by hand) a seeded strategy; or from a share link.

use std::sync::Arc;

use crate::effect::Sink;
use crate::error::Error;
use crate::oracle::{self, Verdict};
use crate::scenario::Scenario;
use crate::schedule::Schedule;
use crate::share::Link;
use crate::spec::Spec;
use crate::strategy::{StrategyKind, TimedConfig};
use crate::trace::{Event, Trace, TraceHash};
use crate::world::{Choice, World};

/// How the run goes on after the hand-made choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Then {
    /// A seeded strategy runs it to its end.
    Strategy { kind: StrategyKind, seed: u64, timing: TimedConfig },
    /// Nothing: the run stops where the hand-made choices end.
    Stop,
}

pub struct Recording {
    pub spec: Arc<Spec>,
    /// `worlds[i]` is the world after `i` steps; there is one more world than events.
    pub worlds: Vec<World>,
    /// `events[i]` is step `i + 1`.
    pub events: Vec<Event>,
    /// How the run ended, if it did (a hand-made run may stop while tasks can still run).
    pub verdict: Option<Verdict>,
    pub trace_hash: u64,
}

impl Recording {
    /// Record `spec` from its start: `choices` first (strictly: every one must be possible;
    /// leniently: impossible ones are skipped), then `then`.
    pub fn record(spec: Arc<Spec>, choices: &[Choice], lenient: bool, then: Then) -> Result<Recording, Error> {
        let mut world = World::new(spec.clone());
        let mut strategy = match then {
            Then::Strategy { kind, seed, timing } => Some(kind.build_with(seed, &world, &timing)),
            Then::Stop => None,
        };
        let mut trace = Trace::default();
        let mut hash = TraceHash::new(&mut trace);
        let mut worlds = vec![world.clone()];
        let mut available = Vec::new();
        let mut next = choices.iter();
        let verdict = loop {
            world.choices(&mut available);
            if available.is_empty() {
                break Some(oracle::judge(&world));
            }
            if world.steps >= spec.step_limit {
                break Some(Verdict::StepLimit { limit: spec.step_limit });
            }
            let by_hand = loop {
                match next.next() {
                    Some(&c) if world.is_enabled(c) => break Some(c),
                    Some(&c) if !lenient => return Err(world.not_enabled(c)),
                    Some(_) => {}
                    None => break None,
                }
            };
            let (c, time) = match (by_hand, strategy.as_mut()) {
                (Some(c), _) => (c, None),
                (None, Some(s)) => (available[s.pick(&world, &available)?], s.last_time()),
                (None, None) => break None,
            };
            world.apply(c, &mut hash)?;
            if let Some(t) = time {
                hash.time(t);
            }
            worlds.push(world.clone());
        };
        let trace_hash = hash.finish();
        Ok(Recording { spec, worlds, events: trace.events, verdict, trace_hash })
    }

    /// Rebuild the run a share link names.
    pub fn from_link(link: &Link) -> Result<Recording, Error> {
        Recording::of_link(link, &*link.scenario.load()?)
    }

    /// The same, with the link's scenario already loaded (a carried one is inflated and
    /// compiled once).
    pub fn of_link(link: &Link, scenario: &Scenario) -> Result<Recording, Error> {
        let spec = scenario.spec_in(Some(&link.variant), &link.params, link.memory)?;
        let then = if link.manual {
            Then::Stop
        } else {
            Then::Strategy { kind: link.strategy, seed: link.seed, timing: link.strategy.timing(&spec, &link.params)? }
        };
        let rec = Recording::record(spec, &link.choices.0, false, then)?;
        if link.step as usize >= rec.worlds.len() {
            return Err(Error::Link(format!(
                "step {} is past the end of the run ({} steps)",
                link.step,
                rec.events.len()
            )));
        }
        Ok(rec)
    }

    /// The steps taken.
    pub fn steps(&self) -> usize {
        self.events.len()
    }

    /// The choices this run made.
    pub fn schedule(&self) -> Schedule {
        Schedule(self.events.iter().map(|e| e.choice).collect())
    }
}

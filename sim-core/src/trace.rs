//! The record of a run: one event per step with the effects it had. Recording is a `Sink`, so
//! sweeps that need only a verdict record nothing; every run hashes what it did.

use std::hash::{Hash, Hasher};

use serde::Serialize;

use crate::effect::{Effect, Sink};
use crate::hash::StableHasher;
use crate::strategy::StepTime;
use crate::world::Choice;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub step: u32,
    pub choice: Choice,
    /// The instruction a task step ran (none for a signal).
    pub pc: Option<u16>,
    pub effects: Vec<Effect>,
    /// When it ran on the timed strategy's virtual clock; none under the other strategies and
    /// for choices made by hand (no clock chose them). Not part of the trace hash.
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    pub time: Option<StepTime>,
}

/// Keeps every event.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    pub events: Vec<Event>,
}

impl Trace {
    /// The schedule this trace followed.
    pub fn choices(&self) -> Vec<Choice> {
        self.events.iter().map(|e| e.choice).collect()
    }
}

impl Sink for Trace {
    fn begin(&mut self, step: u32, choice: Choice, pc: Option<u16>) {
        self.events.push(Event { step, choice, pc, effects: Vec::new(), time: None });
    }

    fn emit(&mut self, effect: Effect) {
        if let Some(e) = self.events.last_mut() {
            e.effects.push(effect);
        }
    }

    const TIMES: bool = true;

    fn time(&mut self, time: StepTime) {
        if let Some(e) = self.events.last_mut() {
            e.time = Some(time);
        }
    }
}

/// Hashes every step and effect on its way to an inner sink: the trace hash, equal across runs
/// and platforms exactly when the runs did the same things.
pub struct TraceHash<'a, S> {
    hasher: StableHasher,
    inner: &'a mut S,
}

impl<'a, S: Sink> TraceHash<'a, S> {
    pub fn new(inner: &'a mut S) -> Self {
        TraceHash { hasher: StableHasher::default(), inner }
    }

    pub fn finish(&self) -> u64 {
        self.hasher.finish()
    }
}

impl<S: Sink> Sink for TraceHash<'_, S> {
    fn begin(&mut self, step: u32, choice: Choice, pc: Option<u16>) {
        (step, choice, pc).hash(&mut self.hasher);
        self.inner.begin(step, choice, pc);
    }

    #[inline]
    fn emit(&mut self, effect: Effect) {
        effect.hash(&mut self.hasher);
        self.inner.emit(effect);
    }

    const TIMES: bool = S::TIMES;

    /// Times are not hashed: a trace hash names what a run did, the same with or without a clock.
    fn time(&mut self, time: StepTime) {
        self.inner.time(time);
    }
}

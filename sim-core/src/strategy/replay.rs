//! Replay an explicit schedule, then hand over to another strategy (or stop) when it runs out.
//! Strict replay fails on a choice that cannot happen; lenient replay skips it, which is how one
//! schedule is tried on another variant ("as far as it applies").

use crate::error::Error;
use crate::schedule::Schedule;
use crate::strategy::Strategy;
use crate::world::{Choice, World};

pub struct Replay {
    schedule: Schedule,
    pos: usize,
    strict: bool,
    then: Option<Box<dyn Strategy>>,
    /// The last choice came from `then` (a replayed choice has no time: no clock chose it).
    handed_over: bool,
}

impl Replay {
    /// Follow `schedule` exactly; fail on a choice that cannot happen.
    pub fn strict(schedule: Schedule, then: Option<Box<dyn Strategy>>) -> Replay {
        Replay { schedule, pos: 0, strict: true, then, handed_over: false }
    }

    /// Follow `schedule`, skipping choices that cannot happen.
    pub fn lenient(schedule: Schedule, then: Option<Box<dyn Strategy>>) -> Replay {
        Replay { schedule, pos: 0, strict: false, then, handed_over: false }
    }
}

impl Strategy for Replay {
    fn pick(&mut self, world: &World, choices: &[Choice]) -> Result<usize, Error> {
        while let Some(&c) = self.schedule.0.get(self.pos) {
            self.pos += 1;
            if let Some(i) = choices.iter().position(|&x| x == c) {
                self.handed_over = false;
                return Ok(i);
            }
            if self.strict {
                return Err(world.not_enabled(c));
            }
        }
        match &mut self.then {
            Some(s) => {
                self.handed_over = true;
                s.pick(world, choices)
            }
            None => Err(Error::Schedule(format!(
                "the schedule ended after {} choices, at step {}, while tasks could still run",
                self.schedule.0.len(),
                world.steps
            ))),
        }
    }

    fn last_time(&self) -> Option<crate::strategy::StepTime> {
        self.then.as_ref().filter(|_| self.handed_over).and_then(|s| s.last_time())
    }
}

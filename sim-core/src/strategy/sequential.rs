//! No preemption: the task that ran last runs again while it can, else the first task that can.
//! Never delivers a signal. Used to finish a shortened schedule without adding context switches.

use crate::error::Error;
use crate::strategy::Strategy;
use crate::world::{Choice, World};

#[derive(Default)]
pub struct Sequential {
    last: Option<Choice>,
}

impl Strategy for Sequential {
    fn pick(&mut self, _: &World, choices: &[Choice]) -> Result<usize, Error> {
        let i = self.last.and_then(|l| choices.iter().position(|&c| c == l)).unwrap_or(0);
        self.last = Some(choices[i]);
        Ok(i)
    }
}

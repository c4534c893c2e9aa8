//! Uniformly random choice among the enabled choices, from a ChaCha8 stream seeded with the run's
//! seed.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::error::Error;
use crate::strategy::{below, Strategy};
use crate::world::{Choice, World};

pub struct Random {
    rng: ChaCha8Rng,
}

impl Random {
    pub fn new(seed: u64) -> Random {
        Random { rng: ChaCha8Rng::seed_from_u64(seed) }
    }
}

impl Strategy for Random {
    fn pick(&mut self, _: &World, choices: &[Choice]) -> Result<usize, Error> {
        Ok(below(&mut self.rng, choices.len()))
    }
}

//! PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS
//! 2010). Every schedulable entity (each task, and each pending signal delivery) gets a distinct
//! random priority above `depth`; `depth - 1` change points are drawn among the first `k` steps;
//! the highest-priority enabled entity always runs, and at the i-th change point the running
//! entity drops to priority i. A bug of depth d is found with probability at least
//! 1/(n·k^(d−1)) per run, for n entities.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::error::Error;
use crate::strategy::{below, Strategy};
use crate::world::{Choice, World};

pub struct Pct {
    /// Priorities of task steps (index t) and signal deliveries (index 8 + t).
    priority: [u32; 16],
    /// Steps at which the running entity's priority drops, and to what.
    change_points: Vec<(u32, u32)>,
    step: u32,
}

fn slot(c: Choice) -> usize {
    match c {
        Choice::Step(t) => t.index(),
        Choice::Signal(t) | Choice::Flush(t) => 8 + t.index(),
    }
}

impl Pct {
    /// `depth`: the bug depth to aim for (d ≥ 1); `k`: the expected number of steps of a run.
    pub fn new(seed: u64, depth: u32, k: u32) -> Pct {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let depth = depth.max(1);
        // A random permutation of the priorities depth+1 .. depth+16 over all slots.
        let mut order: Vec<u32> = (0..16).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, below(&mut rng, i + 1));
        }
        let mut priority = [0; 16];
        for (slot, &p) in order.iter().enumerate() {
            priority[slot] = depth + 1 + p;
        }
        let change_points = (1..depth).map(|i| (1 + below(&mut rng, k.max(1) as usize) as u32, depth - i)).collect();
        Pct { priority, change_points, step: 0 }
    }
}

/// The bug depth `StrategyKind::Pct` aims for: enough for both races of the reference (an
/// ordering of two tasks and a wakeup, or a signal after a wakeup).
pub const DEFAULT_DEPTH: u32 = 3;

/// `k` for a scenario: the length of its run without preemption.
pub fn expected_steps(world: &World) -> u32 {
    let mut w = World::new(world.spec_arc().clone());
    let _ = crate::run::run(&mut w, &mut crate::strategy::Sequential::default(), &mut ());
    w.steps.max(1)
}

impl Pct {
    /// A flush has the lowest priority of all: a store stays in its buffer until nothing else
    /// can run, the weakest behaviour TSO allows, where its bugs show.
    fn priority(&self, c: Choice) -> u32 {
        match c {
            Choice::Flush(_) => 0,
            _ => self.priority[slot(c)],
        }
    }
}

impl Strategy for Pct {
    fn pick(&mut self, _: &World, choices: &[Choice]) -> Result<usize, Error> {
        self.step += 1;
        let (i, &c) = choices
            .iter()
            .enumerate()
            .max_by_key(|(_, &c)| self.priority(c))
            .ok_or_else(|| Error::Schedule("no choice to pick".into()))?;
        for &(at, low) in &self.change_points {
            if at == self.step && !matches!(c, Choice::Flush(_)) {
                self.priority[slot(c)] = low;
            }
        }
        Ok(i)
    }
}

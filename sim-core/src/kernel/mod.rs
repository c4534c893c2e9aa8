//! The kernel objects and primitives. Each primitive is one function with the atomic effect
//! listed in `docs/kernel.md` section 0, named as the kernel names it.

pub mod cond;
pub mod page;
pub mod pipe;
pub mod sched;
pub mod signal;
pub mod task;
pub mod waitqueue;
pub mod wake;

use tinyvec::ArrayVec;

use crate::ids::{QueueId, TaskId};
use crate::limits::{MAX_ENTRIES, MAX_LINKS, MAX_QUEUES, MAX_TASKS};
use crate::program::N_LOCALS;
use page::Page;
use pipe::Pipe;
use task::Task;
use waitqueue::WaitQueueHead;

/// Everything the modelled kernel holds. Fixed-size, so a clone is a copy with no allocation,
/// and `Hash + Eq`, so that explorers can recognise a state they have seen.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Kernel {
    pub tasks: ArrayVec<[Task; MAX_TASKS]>,
    pub queues: ArrayVec<[WaitQueueHead; MAX_QUEUES]>,
    pub pipe: Pipe,
    pub page: Page,
    /// The shared flag of the check-then-sleep scenario [ref §3 C1].
    pub condition: bool,
}

impl Kernel {
    pub fn task(&self, t: TaskId) -> &Task {
        &self.tasks[t.index()]
    }

    pub fn task_mut(&mut self, t: TaskId) -> &mut Task {
        &mut self.tasks[t.index()]
    }

    pub fn queue(&self, q: QueueId) -> &WaitQueueHead {
        &self.queues[q.index()]
    }

    /// Everything that can differ between two states of one scenario, densely, for state
    /// fingerprints. What a scenario fixes (wake functions, pipe size, readers, writers) is left
    /// out. Returns the number of bytes written to `out`.
    pub fn encode(&self, out: &mut [u8; ENCODED_MAX]) -> usize {
        let mut w = Writer { out, n: 0 };
        for t in &self.tasks {
            w.bytes(&t.pc.to_le_bytes());
            w.byte(
                t.state as u8
                    | u8::from(t.on_rq) << 3
                    | u8::from(t.fatal_signal) << 4
                    | u8::from(t.exit.is_some()) << 5,
            );
            w.bytes(&t.exit.unwrap_or(0).to_le_bytes());
            for v in t.locals {
                w.bytes(&v.to_le_bytes());
            }
            for e in &t.entries {
                w.byte(e.flags.bits());
            }
            w.bytes(&t.waits_for.map_or(0, |c| c.code()).to_le_bytes());
        }
        for q in &self.queues {
            w.byte(q.list.len() as u8);
            for e in &q.list {
                w.byte(e.task.0 << 4 | e.entry.0);
            }
        }
        let p = &self.pipe;
        w.byte(p.mutex.map_or(0xff, |t| t.0));
        w.bytes(&p.head.to_le_bytes());
        w.bytes(&p.tail.to_le_bytes());
        w.byte(u8::from(self.page.locked) | u8::from(self.page.waiters) << 1 | u8::from(self.condition) << 2);
        w.byte(self.page.owner.map_or(0xff, |t| t.0));
        w.n
    }
}

/// Room for the largest encoding: per task 2 + 1 + 4 + 4·N_LOCALS + MAX_ENTRIES + 2 bytes,
/// per queue 1 + MAX_LINKS, and 12 more.
pub const ENCODED_MAX: usize = MAX_TASKS * (9 + 4 * N_LOCALS + MAX_ENTRIES) + MAX_QUEUES * (1 + MAX_LINKS) + 12;

struct Writer<'a> {
    out: &'a mut [u8; ENCODED_MAX],
    n: usize,
}

impl Writer<'_> {
    #[inline]
    fn byte(&mut self, b: u8) {
        self.out[self.n] = b;
        self.n += 1;
    }

    #[inline]
    fn bytes(&mut self, b: &[u8]) {
        self.out[self.n..self.n + b.len()].copy_from_slice(b);
        self.n += b.len();
    }
}

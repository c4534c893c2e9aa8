//! The kernel objects and primitives. Each primitive is one function with the atomic effect
//! listed in `docs/kernel.md` section 0, named as the kernel names it. This is the only place
//! where kernel semantics live: scenarios (`scenarios/*.toml`) hold programs, and `api.rs` tells
//! the scenario language which C names stand for which primitive.

pub mod api;
pub mod bitops;
pub mod memory;
pub mod mutex;
pub mod page;
pub mod pipe;
pub mod read;
pub mod sched;
pub mod signal;
pub mod task;
pub mod wait_h;
pub mod waitqueue;
pub mod wake;

use tinyvec::ArrayVec;

use crate::ids::{MutexId, QueueId, TaskId, VarId};
use crate::limits::{MAX_ENTRIES, MAX_LINKS, MAX_LOCALS, MAX_MUTEXES, MAX_PAGES, MAX_QUEUES, MAX_TASKS, MAX_VARS};
use page::Page;
use task::Task;
use waitqueue::WaitQueueHead;

/// Everything the modelled kernel holds. Fixed-size, so a clone is a copy with no allocation,
/// and `Hash + Eq`, so that explorers can recognise a state they have seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Kernel {
    pub tasks: ArrayVec<[Task; MAX_TASKS]>,
    pub queues: ArrayVec<[WaitQueueHead; MAX_QUEUES]>,
    /// Each mutex's owner.
    pub mutexes: ArrayVec<[Option<TaskId>; MAX_MUTEXES]>,
    /// Shared variables: plain shared ints and flags, struct fields, pages' flags words.
    pub vars: ArrayVec<[i32; MAX_VARS]>,
    pub pages: ArrayVec<[Page; MAX_PAGES]>,
    /// The CPUs' store buffers under `tso` (`memory.rs`); always empty under `sc`.
    pub buffered: memory::StoreBuffers,
}

impl Kernel {
    #[inline]
    pub fn task(&self, t: TaskId) -> &Task {
        &self.tasks[t.index()]
    }

    #[inline]
    pub fn task_mut(&mut self, t: TaskId) -> &mut Task {
        &mut self.tasks[t.index()]
    }

    #[inline]
    pub fn queue(&self, q: QueueId) -> &WaitQueueHead {
        &self.queues[q.index()]
    }

    #[inline]
    pub fn var(&self, v: VarId) -> i32 {
        self.vars[v.index()]
    }

    #[inline]
    pub fn mutex(&self, m: MutexId) -> Option<TaskId> {
        self.mutexes[m.index()]
    }

    /// Everything that can differ between two states of one scenario, densely, for state
    /// fingerprints. What a scenario fixes (wake functions, entry keys, which variable is a
    /// page's flags) is left out. Returns the number of bytes written to `out`.
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
            if let Some(code) = t.exit {
                w.int(code);
            }
            for &v in &t.locals[..usize::from(t.locals_used)] {
                w.int(v);
            }
            for e in &t.entries {
                w.byte(e.flags.bits());
            }
            w.byte(t.waits_for.map_or(0, |s| s + 1));
        }
        for q in &self.queues {
            w.byte(q.list.len() as u8);
            for e in &q.list {
                w.byte(e.task.0 << 4 | e.entry.0);
            }
        }
        for m in &self.mutexes {
            w.byte(m.map_or(0xff, |t| t.0));
        }
        for &v in &self.vars {
            w.int(v);
        }
        for p in &self.pages {
            w.byte(p.owner.map_or(0xff, |t| t.0));
        }
        // Nothing under `sc`, so its fingerprints are those of a model without buffers.
        for s in &self.buffered {
            w.byte(s.cpu.0);
            match s.loc {
                memory::Loc::Var(v) => w.byte(v.0),
                memory::Loc::State => w.byte(0xff),
            }
            w.int(s.value);
        }
        w.n
    }
}

/// Room for the largest encoding: per task 2 + 1 + 4 + 4·MAX_LOCALS + MAX_ENTRIES + 1 bytes,
/// per queue 1 + MAX_LINKS, per mutex 1, per variable 4, per page 1, per buffered store 6.
pub const ENCODED_MAX: usize = MAX_TASKS * (8 + 4 * MAX_LOCALS + MAX_ENTRIES)
    + MAX_QUEUES * (1 + MAX_LINKS)
    + MAX_MUTEXES
    + 4 * MAX_VARS
    + MAX_PAGES
    + 6 * memory::MAX_BUFFERED;

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

    /// An integer in 4 bytes. A variable-length encoding makes the input of the hash shorter,
    /// but costs more to write than the longer input costs to hash.
    #[inline]
    fn int(&mut self, v: i32) {
        self.bytes(&v.to_le_bytes());
    }

    #[inline]
    fn bytes(&mut self, b: &[u8]) {
        self.out[self.n..self.n + b.len()].copy_from_slice(b);
        self.n += b.len();
    }
}

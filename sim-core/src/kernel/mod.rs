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
pub mod promela;
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
        self.encode_as(&AsIs, out)
    }

    /// `encode` with the tasks renamed: task `naming.task_at(i)` is encoded in position `i`, and
    /// every reference to a task `t` (queue links, mutex and page owners) says `naming.name(t)`.
    #[inline]
    pub fn encode_as(&self, naming: &impl Naming, out: &mut [u8; ENCODED_MAX]) -> usize {
        let mut w = Writer { out, n: 0 };
        for i in 0..self.tasks.len() {
            w.task(&self.tasks[naming.task_at(i)]);
        }
        for q in &self.queues {
            w.byte(q.list.len() as u8);
            for e in &q.list {
                w.byte(naming.name(e.task) << 4 | e.entry.0);
            }
        }
        for m in &self.mutexes {
            w.byte(m.map_or(0xff, |t| naming.name(t)));
        }
        for &v in &self.vars {
            w.int(v);
        }
        for p in &self.pages {
            w.byte(p.owner.map_or(0xff, |t| naming.name(t)));
        }
        // Nothing under `sc`, so its fingerprints are those of a model without buffers.
        for st in &self.buffered {
            w.byte(naming.name(st.cpu));
            w.byte(loc_byte(st.loc));
            w.int(st.value);
        }
        w.n
    }

    /// What tells each task of `tasks` (a mask of task indices) apart from a task that runs the
    /// same program: its own encoding, then where the rest of the state refers to it (its links,
    /// by queue and position; the mutexes and pages it owns; its buffered stores). Two tasks
    /// with the same identity can swap names without changing the state. Writes each task's
    /// identity to `out[t]` and returns its length; one pass over the queues, mutexes, pages and
    /// buffers serves every task.
    pub fn identities(&self, tasks: u8, out: &mut [[u8; IDENTITY_MAX]; MAX_TASKS]) -> [usize; MAX_TASKS] {
        let mut len = [0usize; MAX_TASKS];
        for (i, task) in self.tasks.iter().enumerate().filter(|&(i, _)| tasks & 1 << i != 0) {
            let mut w = Writer { out: &mut out[i], n: 0 };
            w.task(task);
            len[i] = w.n;
        }
        let wanted = |t: TaskId| tasks & 1 << t.0 != 0;
        let mut append = |t: TaskId, bytes: &[u8]| {
            let (out, n) = (&mut out[t.index()], &mut len[t.index()]);
            out[*n..*n + bytes.len()].copy_from_slice(bytes);
            *n += bytes.len();
        };
        for (q, head) in self.queues.iter().enumerate() {
            for (at, e) in head.list.iter().enumerate().filter(|(_, e)| wanted(e.task)) {
                append(e.task, &[q as u8, at as u8, e.entry.0]);
            }
        }
        for (m, owner) in self.mutexes.iter().enumerate() {
            if let Some(t) = owner.filter(|&t| wanted(t)) {
                append(t, &[0x80 | m as u8]);
            }
        }
        for (p, page) in self.pages.iter().enumerate() {
            if let Some(t) = page.owner.filter(|&t| wanted(t)) {
                append(t, &[0xc0 | p as u8]);
            }
        }
        // Buffered stores, by position: under `sc`, none.
        for (at, st) in self.buffered.iter().enumerate().filter(|(_, st)| wanted(st.cpu)) {
            let v = st.value.to_le_bytes();
            append(st.cpu, &[0xe0, at as u8, loc_byte(st.loc), v[0], v[1], v[2], v[3]]);
        }
        len
    }
}

/// A buffered store's location, as a byte of an encoding.
fn loc_byte(loc: memory::Loc) -> u8 {
    match loc {
        memory::Loc::Var(v) => v.0,
        memory::Loc::State => 0xff,
    }
}

/// How an encoding names tasks: as they are, or renamed (the explorers' symmetry reduction
/// encodes a state with its interchangeable tasks in a canonical order).
pub trait Naming {
    /// The task encoded in position `i`.
    fn task_at(&self, i: usize) -> usize;
    /// The name the encoding gives task `t`.
    fn name(&self, t: TaskId) -> u8;
}

/// Every task under its own name.
pub struct AsIs;

impl Naming for AsIs {
    #[inline(always)]
    fn task_at(&self, i: usize) -> usize {
        i
    }

    #[inline(always)]
    fn name(&self, t: TaskId) -> u8 {
        t.0
    }
}

/// One task's own encoding: 2 + 1 + 4 + 4·MAX_LOCALS + MAX_ENTRIES + 1 bytes at most.
const TASK_MAX: usize = 8 + 4 * MAX_LOCALS + MAX_ENTRIES;

/// Room for the largest identity (`Kernel::identities`): the task, a link per entry (3 bytes each), a byte
/// per mutex and per page, 7 bytes per buffered store.
pub const IDENTITY_MAX: usize = TASK_MAX + 3 * MAX_ENTRIES + MAX_MUTEXES + MAX_PAGES + 7 * memory::MAX_BUFFERED;

/// Room for the largest encoding: per task `TASK_MAX`, per queue 1 + MAX_LINKS, per mutex 1,
/// per variable 4, per page 1.
pub const ENCODED_MAX: usize =
    MAX_TASKS * TASK_MAX + MAX_QUEUES * (1 + MAX_LINKS) + MAX_MUTEXES + 4 * MAX_VARS + MAX_PAGES;

struct Writer<'a, const N: usize> {
    out: &'a mut [u8; N],
    n: usize,
}

impl<const N: usize> Writer<'_, N> {
    #[inline]
    fn task(&mut self, t: &Task) {
        self.bytes(&t.pc.to_le_bytes());
        self.byte(
            t.state as u8 | u8::from(t.on_rq) << 3 | u8::from(t.fatal_signal) << 4 | u8::from(t.exit.is_some()) << 5,
        );
        if let Some(code) = t.exit {
            self.int(code);
        }
        for &v in &t.locals[..usize::from(t.locals_used)] {
            self.int(v);
        }
        for e in &t.entries {
            self.byte(e.flags.bits());
        }
        self.byte(t.waits_for.map_or(0, |s| s + 1));
    }

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

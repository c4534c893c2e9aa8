//! One focused test per kernel primitive: the exact atomic effect on kernel state and the exact
//! effects it emits, checked against the kernel reference, `docs/kernel.md`: §0 (the table of
//! wait-queue primitives, one row each), §1.1 (the pipe), §2.1 and §2.3 (the page lock and its
//! historical versions), §4.1 (the 2009 bit-wait forms) and §4.3 (`woken_wake_function`).
//! Each test's doc comment cites its row or section in the reference's citation form (a `ref`
//! in brackets), which `sim-core/tests/references.rs` checks.
//!
//! Every test builds a small `Kernel` by hand and puts tasks to sleep by hand (`park`), so that
//! each test depends only on the primitive it checks. The composite operations that scenarios
//! now write in C (the page lock, the pipe ring) are tested as the primitives they are made of:
//! bit operations on a page's flags variable, plain stores and the pure predicates.
//!
//! The tests are grouped by what they test, in the order of the reference:
//! - `waitqueue`: §0 linking and unlinking: `prepare_to_wait`, `prepare_to_wait_exclusive`,
//!   `prepare_to_wait_event`, `finish_wait`, `add_wait_queue(_exclusive)`, `link`, `unlink`,
//!   `set_flags`;
//! - `wake`: §0 `try_to_wake_up`, the wake functions and `__wake_up_common`; §4.3
//!   `woken_wake_function`; §4.1 `wake_bit_function`, `__wake_up_bit`, `abort_exclusive_wait`;
//! - `sched`: §0 `set_current_state`, `schedule()`, `signal_pending_state` and the fatal signal;
//! - `bitops`: shared variables: `write_var`, `assign_bit`, `test_and_set_bit`,
//!   `clear_bit_unlock_is_negative_byte`, `atomic_add`;
//! - `read`: the pure reads that programs' expressions call;
//! - `pipe`: §1.1 the pipe's predicates, mutex, head and tail;
//! - `page`: §2.1 / §2.3 the page lock as bit operations on the flags word, the waiters'
//!   critical sections, `wake_up_page_bit`;
//! - `wake_page_function`: §2.1 / §2.3 the three versions of `wake_page_function`, and its key
//!   matching on a hashed queue.
//!
//! This file holds what they share, and each module takes it all with `use super::*`: the
//! imports, the task, queue, entry, variable and page names, the `Kernel` builders, `park`, and
//! the constructors of expected effects.

use sim_core::effect::Effect;
use sim_core::ids::{MutexId, PageId, VarId};
use sim_core::kernel::bitops::test_bit;
use sim_core::kernel::page::{Page, PG_LOCKED, PG_WAITERS};
use sim_core::kernel::pipe::{pipe_empty, pipe_full, pipe_occupancy, pipe_readable, pipe_writable, slot_used};
use sim_core::kernel::read::{PipeRef, Read};
use sim_core::kernel::task::{Task, TaskState, TASK_INTERRUPTIBLE, TASK_NORMAL, TASK_UNINTERRUPTIBLE, TASK_WAKEKILL};
use sim_core::kernel::waitqueue::{
    EntryFlags, EntryKey, EntryRef, PageWake, WaitEntry, WaitQueueHead, WakeFn, ERESTARTSYS,
};
use sim_core::kernel::wake::WakeKey;
use sim_core::kernel::Kernel;
use sim_core::{EntryId, QueueId, TaskId};

const T0: TaskId = TaskId(0);
const T1: TaskId = TaskId(1);
const T2: TaskId = TaskId(2);
const T3: TaskId = TaskId(3);
const Q0: QueueId = QueueId(0);
const Q1: QueueId = QueueId(1);
const E0: EntryId = EntryId(0);
const E1: EntryId = EntryId(1);

const EXCL: EntryFlags = EntryFlags::EXCLUSIVE;
const WOKEN: EntryFlags = EntryFlags::WOKEN;

/// The two pages, and the variables holding their flags words.
const P0: PageId = PageId(0);
const P1: PageId = PageId(1);
const P0_FLAGS: VarId = VarId(0);
const P1_FLAGS: VarId = VarId(1);
/// The pipe's fields.
const HEAD: VarId = VarId(2);
const TAIL: VarId = VarId(3);
const MAX_USAGE: VarId = VarId(4);
const READERS: VarId = VarId(5);
const WRITERS: VarId = VarId(6);
/// A plain shared int (a condition, a counter, a word of bits): no page's flags.
const COUNT: VarId = VarId(7);
/// A second plain word, for bit waiters of another word.
const WORD: VarId = VarId(8);

const PIPE: PipeRef = PipeRef { head: HEAD, tail: TAIL, max_usage: MAX_USAGE, readers: READERS, writers: WRITERS };
/// The pipe's mutex.
const M0: MutexId = MutexId(0);
const M1: MutexId = MutexId(1);

/// What a page-lock waiter waits on: PG_locked of page 0 (`wait_page_queue{page, bit_nr}`).
const LOCK0: EntryKey = EntryKey { var: P0_FLAGS, bit: PG_LOCKED };
/// PG_locked of page 1, which hashes to the same queue.
const LOCK1: EntryKey = EntryKey { var: P1_FLAGS, bit: PG_LOCKED };

use TaskState::{Interruptible, Killable, Running, Uninterruptible};

mod bitops;
mod bookmark;
mod page;
mod pipe;
mod read;
mod sched;
mod waitqueue;
mod wake;
mod wake_page_function;

/// Four tasks, each with two unlinked entries whose wake function is `func` (a page or bit
/// waiter's entries wait on page 0's PG_locked, `LOCK0`; the others have no key); two empty
/// queues; two mutexes, free; nine shared variables, all 0: two unlocked pages with no waiters
/// (their flags words), an empty pipe with no readers or writers, two plain words.
fn kernel_with(func: WakeFn) -> Kernel {
    let key = matches!(func, WakeFn::Page(_) | WakeFn::Bit).then_some(LOCK0);
    let entry = WaitEntry { flags: EntryFlags::default(), func, key };
    Kernel {
        tasks: (0..4).map(|_| Task::new(&[entry, entry])).collect(),
        queues: [WaitQueueHead::default(), WaitQueueHead::default()].into_iter().collect(),
        mutexes: [None, None].into_iter().collect(),
        vars: [0; 9].into_iter().collect(),
        pages: [Page { flags: P0_FLAGS, owner: None }, Page { flags: P1_FLAGS, owner: None }].into_iter().collect(),
        buffered: Default::default(),
    }
}

/// `kernel_with(autoremove_wake_function)`: what `DEFINE_WAIT` and `___wait_event` use.
fn kernel() -> Kernel {
    kernel_with(WakeFn::Autoremove)
}

fn r(task: TaskId, entry: EntryId) -> EntryRef {
    EntryRef { task, entry }
}

fn list(k: &Kernel, q: QueueId) -> Vec<EntryRef> {
    k.queue(q).list.to_vec()
}

fn flags(k: &Kernel, t: TaskId, e: EntryId) -> EntryFlags {
    k.task(t).entries[e.index()].flags
}

fn none() -> EntryFlags {
    EntryFlags::default()
}

fn excl_woken() -> EntryFlags {
    EXCL.with(WOKEN, true)
}

/// By hand: what entry `e` of task `t` waits on.
fn set_key(k: &mut Kernel, t: TaskId, e: EntryId, key: Option<EntryKey>) {
    k.tasks[t.index()].entries[e.index()].key = key;
}

/// By hand, as if the task had queued and called `schedule()`: entry `e` linked at the tail of
/// `q` (EXCLUSIVE if `exclusive`), `state`, off the run queue.
fn park(k: &mut Kernel, t: TaskId, q: QueueId, e: EntryId, state: TaskState, exclusive: bool) {
    k.tasks[t.index()].entries[e.index()].flags = none().with(EXCL, exclusive);
    k.queues[q.index()].list.push(r(t, e));
    k.tasks[t.index()].state = state;
    k.tasks[t.index()].on_rq = false;
}

/// `park`, but the task is back on its run queue and RUNNING with its entry still linked: a
/// fatal signal woke it (reference §2.3 "Model tip": the signal leaves the entry linked).
fn park_running(k: &mut Kernel, t: TaskId, q: QueueId, e: EntryId, exclusive: bool) {
    park(k, t, q, e, Running, exclusive);
    k.tasks[t.index()].on_rq = true;
    k.tasks[t.index()].fatal_signal = true;
}

/// By hand: page `p`'s PG_locked and PG_waiters bits, and who holds PG_locked.
fn set_page(k: &mut Kernel, p: PageId, locked: bool, waiters: bool, owner: Option<TaskId>) {
    let v = k.pages[p.index()].flags;
    k.vars[v.index()] = i32::from(locked) << PG_LOCKED | i32::from(waiters) << PG_WAITERS;
    k.pages[p.index()].owner = owner;
}

/// Page `p` as (PG_locked, PG_waiters, owner).
fn page(k: &Kernel, p: PageId) -> (bool, bool, Option<TaskId>) {
    (k.page_locked(p), k.page_waiters(p), k.pages[p.index()].owner)
}

fn state(from: TaskState, to: TaskState, task: TaskId) -> Effect {
    Effect::State { task, from, to }
}

fn wake_call(task: TaskId, ret: i8, woke: bool, exclusive: bool, handoff: bool) -> Effect {
    Effect::WakeCall { queue: Q0, task, entry: E0, ret, woke, exclusive, handoff }
}

fn wake_calls(fx: &[Effect]) -> Vec<Effect> {
    fx.iter().filter(|e| matches!(e, Effect::WakeCall { .. })).copied().collect()
}

/// A change of page 0.
fn page_fx(locked: bool, waiters: bool, owner: Option<TaskId>) -> Effect {
    Effect::Page { page: P0, locked, waiters, owner }
}

fn store(var: VarId, value: i32) -> Effect {
    Effect::Store { var, value }
}

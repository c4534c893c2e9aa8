//! One focused test per kernel primitive: the exact atomic effect on kernel state and the exact
//! effects it emits, checked against `shared/reference/kernel-protocols.md` §0 (wait-queue
//! primitives), §1.1 (pipe), §2.1 and §2.3 (page lock and its historical versions).
//!
//! Every test builds a small `Kernel` by hand and puts tasks to sleep by hand (`park`), so that
//! each test depends only on the primitive it checks.
//!
//! The tests are grouped by what they test, in the order of the reference:
//! - `waitqueue`: §0 linking and unlinking: `prepare_to_wait`, `prepare_to_wait_exclusive`,
//!   `prepare_to_wait_event`, `finish_wait`, `add_wait_queue`;
//! - `wake`: §0 `try_to_wake_up`, the wake functions and `__wake_up_common`;
//! - `sched`: §0 `schedule()`, `signal_pending_state` and the fatal signal;
//! - `pipe`: §1.1 the pipe's predicates, mutex, head and tail;
//! - `page`: §2.1 / §2.3 the page lock: `trylock_page`, unlock, linking a waiter,
//!   `wake_up_page_bit`;
//! - `wake_page_function`: §2.1 / §2.3 the three versions of `wake_page_function`.
//!
//! This file holds what they share, and each module takes it all with `use super::*`: the
//! imports, the task, queue and entry names, the `Kernel` builders, `park`, and the constructors
//! of expected effects.

use sim_core::effect::Effect;
use sim_core::kernel::page::Page;
use sim_core::kernel::pipe::Pipe;
use sim_core::kernel::task::{Task, TaskState, TASK_INTERRUPTIBLE, TASK_NORMAL, TASK_UNINTERRUPTIBLE, TASK_WAKEKILL};
use sim_core::kernel::waitqueue::{EntryFlags, EntryRef, PageWake, WaitEntry, WaitQueueHead, WakeFn, ERESTARTSYS};
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

use TaskState::{Interruptible, Killable, Running, Uninterruptible};

mod page;
mod pipe;
mod sched;
mod waitqueue;
mod wake;
mod wake_page_function;

/// Four tasks, each with two unlinked entries whose wake function is `func`; two empty queues;
/// an empty pipe; an unlocked page with no waiters.
fn kernel_with(func: WakeFn) -> Kernel {
    let entry = WaitEntry { flags: EntryFlags::default(), func };
    Kernel {
        tasks: (0..4).map(|_| Task::new(&[entry, entry])).collect(),
        queues: [WaitQueueHead::default(), WaitQueueHead::default()].into_iter().collect(),
        pipe: Pipe::default(),
        page: Page::default(),
        condition: false,
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
    EXCL.with(EntryFlags::WOKEN, true)
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

fn state(from: TaskState, to: TaskState, task: TaskId) -> Effect {
    Effect::State { task, from, to }
}

fn wake_call(task: TaskId, ret: i8, woke: bool, exclusive: bool, handoff: bool) -> Effect {
    Effect::WakeCall { queue: Q0, task, entry: E0, ret, woke, exclusive, handoff }
}

fn wake_calls(fx: &[Effect]) -> Vec<Effect> {
    fx.iter().filter(|e| matches!(e, Effect::WakeCall { .. })).copied().collect()
}

fn page_fx(locked: bool, waiters: bool, owner: Option<TaskId>) -> Effect {
    Effect::Page { locked, waiters, owner }
}

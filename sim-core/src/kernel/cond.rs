//! The predicates a program tests: each reads kernel state in one atomic step.

use serde::{Deserialize, Serialize};

use crate::ids::{EntryId, QueueId, TaskId};
use crate::kernel::task::TaskState;
use crate::kernel::waitqueue::EntryFlags;
use crate::kernel::Kernel;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cond {
    /// `pipe_empty(head, tail)`: head == tail [ref §1.1].
    PipeEmpty,
    /// `pipe_full(head, tail, max_usage)`: head - tail >= max_usage [ref §1.1].
    PipeFull,
    /// `pipe_readable()`: !empty || !writers, read without the mutex [ref §1.1].
    PipeReadable,
    /// `pipe_writable()`: !full || !readers, read without the mutex [ref §1.1].
    PipeWritable,
    /// `pipe->writers != 0`.
    PipeHasWriters,
    /// `test_bit(PG_locked, &page->flags)` [ref §2.1].
    PageLocked,
    /// `!test_bit(PG_locked)`: what a page locker waits for.
    PageUnlocked,
    /// The check-then-sleep scenario's `condition` [ref §3 C1].
    Condition,
    /// `signal_pending_state(state, current)` [ref §0 schedule()].
    SignalPending(TaskState),
    /// `wait->flags & WQ_FLAG_WOKEN` on the task's own entry (2a9127fcf229) [ref §2.3 item 4].
    EntryWoken(EntryId),
    /// `waitqueue_active(q)`: the queue has entries.
    QueueActive(QueueId),
}

impl Cond {
    pub fn eval(self, k: &Kernel, task: TaskId) -> bool {
        let pipe = &k.pipe;
        match self {
            Cond::PipeEmpty => pipe.empty(),
            Cond::PipeFull => pipe.full(),
            Cond::PipeReadable => pipe.readable(),
            Cond::PipeWritable => pipe.writable(),
            Cond::PipeHasWriters => pipe.writers > 0,
            Cond::PageLocked => k.page.locked,
            Cond::PageUnlocked => !k.page.locked,
            Cond::Condition => k.condition,
            Cond::SignalPending(state) => k.signal_pending_state(task, state),
            Cond::EntryWoken(entry) => k.tasks[task.index()].entries[entry.index()].flags.contains(EntryFlags::WOKEN),
            Cond::QueueActive(queue) => k.waitqueue_active(queue),
        }
    }

    /// A distinct non-zero number per predicate, for state encodings.
    pub fn code(self) -> u16 {
        let (kind, arg) = match self {
            Cond::PipeEmpty => (1, 0),
            Cond::PipeFull => (2, 0),
            Cond::PipeReadable => (3, 0),
            Cond::PipeWritable => (4, 0),
            Cond::PipeHasWriters => (5, 0),
            Cond::PageLocked => (6, 0),
            Cond::PageUnlocked => (7, 0),
            Cond::Condition => (8, 0),
            Cond::SignalPending(s) => (9, s as u16),
            Cond::EntryWoken(e) => (10, u16::from(e.0)),
            Cond::QueueActive(q) => (11, u16::from(q.0)),
        };
        kind << 8 | arg
    }

    /// When the predicate is one a waiter tests for the thing it waits for (the test the
    /// `set_current_state()` rule puts between queueing and `schedule()` [ref §0]): whether
    /// `value` means the wait is over. `None` for a signal check or a peek at a queue.
    pub fn wait_satisfied(self, value: bool) -> Option<bool> {
        match self {
            Cond::PipeReadable
            | Cond::PipeWritable
            | Cond::PipeHasWriters
            | Cond::PageUnlocked
            | Cond::Condition
            | Cond::EntryWoken(_) => Some(value),
            Cond::PipeEmpty | Cond::PipeFull | Cond::PageLocked => Some(!value),
            Cond::SignalPending(_) | Cond::QueueActive(_) => None,
        }
    }
}

//! The kernel's predicates and accessors that a program's expressions call: each reads state
//! and changes nothing, so the oracle and the explorer may evaluate them at any time.

use serde::Serialize;

use crate::ids::{EntryId, QueueId, TaskId, VarId};
use crate::kernel::task::TaskState;
use crate::kernel::Kernel;

/// The fields of a `struct pipe_inode_info` that its predicates read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PipeRef {
    pub head: VarId,
    pub tail: VarId,
    pub max_usage: VarId,
    pub readers: VarId,
    pub writers: VarId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Read {
    /// `pipe_empty(head, tail)` [ref §1.1].
    PipeEmpty,
    /// `pipe_full(head, tail, limit)` [ref §1.1].
    PipeFull,
    /// `pipe_occupancy(head, tail)`.
    PipeOccupancy,
    /// `pipe_readable(pipe)` [ref §1.1].
    PipeReadable(PipeRef),
    /// `pipe_writable(pipe)` [ref §1.1].
    PipeWritable(PipeRef),
    /// `waitqueue_active(q)`, and `wq_has_sleeper(q)` (its barrier is implicit here) [ref §0].
    WaitqueueActive(QueueId),
    /// `list_empty(&wait->entry)`: the task's own entry is not linked.
    ListEmpty(EntryId),
    /// `signal_pending(current)`, `fatal_signal_pending(current)`: the model's signals are
    /// fatal [ref §0 schedule()].
    SignalPending,
    /// `signal_pending_state(state, current)` [ref §0 schedule()].
    SignalPendingState(TaskState),
    /// `test_bit(nr, &word)`.
    TestBit { var: VarId, bit: u8 },
}

impl Read {
    /// The value for task `t`, with its integer arguments.
    pub fn eval(self, k: &Kernel, t: TaskId, args: [i32; 3]) -> i32 {
        let [a, b, c] = args;
        match self {
            Read::PipeEmpty => i32::from(crate::kernel::pipe::pipe_empty(a, b)),
            Read::PipeFull => i32::from(crate::kernel::pipe::pipe_full(a, b, c)),
            Read::PipeOccupancy => crate::kernel::pipe::pipe_occupancy(a, b),
            Read::PipeReadable(p) => i32::from(crate::kernel::pipe::pipe_readable(k, t, p)),
            Read::PipeWritable(p) => i32::from(crate::kernel::pipe::pipe_writable(k, t, p)),
            Read::WaitqueueActive(q) => i32::from(k.waitqueue_active(q)),
            Read::ListEmpty(e) => i32::from(k.linked_on(t, e).is_none()),
            Read::SignalPending => i32::from(k.task(t).fatal_signal),
            Read::SignalPendingState(state) => i32::from(k.signal_pending_state(t, state)),
            Read::TestBit { var, bit } => crate::kernel::bitops::test_bit(k.load(t, var), bit),
        }
    }

    /// How many integer arguments the call takes.
    pub fn arity(self) -> usize {
        match self {
            Read::PipeEmpty | Read::PipeOccupancy => 2,
            Read::PipeFull => 3,
            _ => 0,
        }
    }

    /// Whether the read is about signals or a queue's occupancy: never what a waiter waits
    /// for (the oracle's rule, `lang/waits.rs`).
    pub fn is_signal_or_queue(self) -> bool {
        matches!(
            self,
            Read::SignalPending | Read::SignalPendingState(_) | Read::WaitqueueActive(_) | Read::ListEmpty(_)
        )
    }
}

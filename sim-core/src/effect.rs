//! What one atomic step did, as a stream of small facts. Kernel primitives emit them into a
//! `Sink`; the oracle watches the stream; the trace records it; the UI narrates it.

use serde::Serialize;

use crate::ids::{EntryId, MutexId, PageId, QueueId, TaskId, VarId};
use crate::kernel::memory::Loc;
use crate::kernel::task::TaskState;
use crate::kernel::waitqueue::EntryFlags;
use crate::strategy::StepTime;
use crate::world::Choice;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// `task->state` changed.
    State { task: TaskId, from: TaskState, to: TaskState },
    /// An entry was linked on a queue, at its head or its tail.
    Link { queue: QueueId, task: TaskId, entry: EntryId, at_head: bool, exclusive: bool },
    /// An entry was unlinked from a queue.
    Unlink { queue: QueueId, task: TaskId, entry: EntryId },
    /// An entry's flags changed (EXCLUSIVE at init, WOKEN by a handoff).
    Flags { task: TaskId, entry: EntryId, flags: EntryFlags },
    /// `__wake_up_common()` starts a walk of `queue` [ref §0].
    WakeBegin { queue: QueueId, mode: u16, nr_exclusive: u8 },
    /// The walk called one entry's wake function. `woke`: its `try_to_wake_up()` returned 1.
    /// `handoff`: the wake function handed the page lock over (2a9127fcf229) [ref §2.3 item 4].
    WakeCall { queue: QueueId, task: TaskId, entry: EntryId, ret: i8, woke: bool, exclusive: bool, handoff: bool },
    /// The walk ended having woken `woken` tasks.
    WakeEnd { queue: QueueId, woken: u8 },
    /// `try_to_wake_up()` put a sleeping task back on its run queue.
    Enqueue { task: TaskId },
    /// `schedule()` dequeued the task: it sleeps.
    Sleep { task: TaskId },
    /// `finish_wait()`: the task leaves the queue and stops waiting.
    FinishWait { task: TaskId, queue: QueueId },
    /// The task tested a condition (instruction `at` of its program). `over`: for a test of
    /// what the task waits for, whether it said the wait is over (`lang/waits.rs`).
    Check { task: TaskId, at: u16, value: bool, over: Option<bool> },
    /// The task read shared state into a local (`was_empty = pipe_empty(...)`, instruction `at`).
    Load { task: TaskId, at: u16, value: i32 },
    /// A shared variable was written.
    Store { var: VarId, value: i32 },
    /// A mutex changed hands.
    Mutex { mutex: MutexId, owner: Option<TaskId> },
    /// A page's PG_locked or PG_waiters changed, and who holds PG_locked.
    Page { page: PageId, locked: bool, waiters: bool, owner: Option<TaskId> },
    /// A fatal signal was delivered to the task.
    Signal { task: TaskId },
    /// The task's program returned `ret`.
    Exit { task: TaskId, ret: i32 },
    /// The oracle saw a wakeup lost at this step (reference §1.5 and §2.2, per-step checks).
    Lost { task: TaskId },
    /// A bookmarked walk stopped: `task`'s bookmark `entry` is linked at index `at` of `queue`,
    /// before the next entry to visit, and the waker will drop the queue lock [ref §2.4].
    WalkBreak { queue: QueueId, task: TaskId, entry: EntryId, at: u8 },
    /// A bookmarked walk resumes: the bookmark, found at index `at`, is unlinked and its flags
    /// cleared; the walk goes on from the entry that followed it [ref §2.4].
    WalkResume { queue: QueueId, task: TaskId, entry: EntryId, at: u8 },
    /// Under `tso`: a plain store entered CPU `cpu`'s store buffer [ref §6.1]. (The fields of a
    /// `Store`, not one: an effect stays 8 bytes.)
    Buffered { cpu: TaskId, loc: Loc, value: i32 },
    /// Under `tso`: the oldest store of a CPU's buffer reached memory [ref §6.1]; the memory
    /// change follows as its own effect (`State`, `Store`, `Page`).
    Flush { cpu: TaskId, loc: Loc, value: i32 },
}

/// The wake functions that the last walk of `q` among `effects` (one step's) called: the entries
/// it walked in its one hold of q.lock; `None` if the step did not walk `q`.
pub fn entries_walked(effects: &[Effect], q: QueueId) -> Option<u16> {
    let begin = effects.iter().rposition(|e| matches!(e, Effect::WakeBegin { queue, .. } if *queue == q))?;
    let calls = effects[begin..].iter().filter(|e| matches!(e, Effect::WakeCall { queue, .. } if *queue == q));
    Some(calls.count() as u16)
}

/// Where effects go. `()` drops them (sweeps); the trace recorder keeps them.
pub trait Sink {
    /// Whether this sink keeps the virtual time of each step (`time`). When false (sweeps, the
    /// hash), the run loop never asks the strategy for a time: no cost per step.
    const TIMES: bool = false;

    /// A new step starts: number `step`, doing `choice`; `pc` is the instruction a task step
    /// runs.
    fn begin(&mut self, _step: u32, _choice: Choice, _pc: Option<u16>) {}
    fn emit(&mut self, effect: Effect);
    /// The step begun last ran at `time` on the timed strategy's clock (after its effects).
    fn time(&mut self, _time: StepTime) {}
}

impl Sink for () {
    #[inline]
    fn emit(&mut self, _: Effect) {}
}

impl Sink for Vec<Effect> {
    fn emit(&mut self, effect: Effect) {
        self.push(effect);
    }
}

#[cfg(test)]
mod tests {
    /// Every step moves its effects by value through the sink and the oracle: they stay small.
    #[test]
    fn an_effect_is_eight_bytes() {
        assert_eq!(std::mem::size_of::<super::Effect>(), 8);
    }
}

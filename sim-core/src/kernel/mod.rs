//! The kernel objects and primitives. Each primitive is one function with the atomic effect
//! listed in `shared/reference/kernel-protocols.md` section 0, named as the kernel names it.

pub mod cond;
pub mod page;
pub mod pipe;
pub mod sched;
pub mod signal;
pub mod task;
pub mod waitqueue;
pub mod wake;

use arrayvec::ArrayVec;

use crate::ids::{QueueId, TaskId};
use crate::limits::{MAX_QUEUES, MAX_TASKS};
use page::Page;
use pipe::Pipe;
use task::Task;
use waitqueue::WaitQueueHead;

/// Everything the modelled kernel holds. Fixed-size, so a clone is a copy with no allocation,
/// and `Hash + Eq`, so that explorers can recognise a state they have seen.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Kernel {
    pub tasks: ArrayVec<Task, MAX_TASKS>,
    pub queues: ArrayVec<WaitQueueHead, MAX_QUEUES>,
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
}

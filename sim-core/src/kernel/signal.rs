//! Fatal signals, delivered as events from outside the tasks' programs [ref §0, §2.3 "Model tip":
//! "a signal is an external ttwu(KILLABLE) that leaves the entry linked"].

use crate::effect::{Effect, Sink};
use crate::ids::TaskId;
use crate::kernel::task::{TaskState, TASK_INTERRUPTIBLE, TASK_WAKEKILL};
use crate::kernel::Kernel;

impl Kernel {
    /// `signal_pending_state(state, p)`: only INTERRUPTIBLE or WAKEKILL sleeps see signals; the
    /// model's signals are all fatal (SIGKILL), which both see.
    pub fn signal_pending_state(&self, t: TaskId, state: TaskState) -> bool {
        state.bits() & (TASK_INTERRUPTIBLE | TASK_WAKEKILL) != 0 && self.task(t).fatal_signal
    }

    /// `send_sig(SIGKILL)` → `signal_wake_up(t, fatal)` → `wake_up_state(t, TASK_WAKEKILL |
    /// TASK_INTERRUPTIBLE)`: mark the signal pending and wake the task if its state allows.
    /// Wait entries stay linked.
    pub fn send_fatal_signal(&mut self, t: TaskId, out: &mut impl Sink) {
        self.task_mut(t).fatal_signal = true;
        out.emit(Effect::Signal { task: t });
        self.try_to_wake_up(t, TASK_WAKEKILL | TASK_INTERRUPTIBLE, out);
    }
}

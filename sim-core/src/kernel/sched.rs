//! The scheduler side: the task state word, `try_to_wake_up()` and `schedule()` [ref §0].

use crate::effect::{Effect, Sink};
use crate::ids::TaskId;
use crate::kernel::task::TaskState;
use crate::kernel::Kernel;

impl Kernel {
    /// A plain store to `task->state` (`__set_current_state`, and the RUNNING store of
    /// `finish_wait` and of a waker).
    pub fn set_state(&mut self, t: TaskId, to: TaskState, out: &mut impl Sink) {
        let task = self.task_mut(t);
        let from = task.state;
        task.state = to;
        out.emit(Effect::State { task: t, from, to });
    }

    /// `set_current_state(S)`: the state store with a full barrier (`smp_store_mb`). The model is
    /// sequentially consistent, so the barrier is implicit [ref §0, the safety rule].
    pub fn set_current_state(&mut self, t: TaskId, state: TaskState, out: &mut impl Sink) {
        self.set_state(t, state, out);
    }

    /// `try_to_wake_up(p, mode)`: full barrier; if `(p.state & mode) == 0` → return 0, no
    /// change; else p.state:=RUNNING, re-enqueue if dequeued, return 1 [ref §0 table].
    pub fn try_to_wake_up(&mut self, p: TaskId, mode: u16, out: &mut impl Sink) -> bool {
        if self.task(p).state.bits() & mode == 0 || self.task(p).exit.is_some() {
            return false;
        }
        self.set_state(p, TaskState::Running, out);
        if !self.task(p).on_rq {
            self.task_mut(p).on_rq = true;
            out.emit(Effect::Enqueue { task: p });
        }
        true
    }

    /// `schedule()` (and `io_schedule()`): state≠RUNNING: a pending signal for that state →
    /// state:=RUNNING, else dequeue (sleep) until ttwu. state==RUNNING → returns [ref §0 table].
    pub fn schedule(&mut self, t: TaskId, out: &mut impl Sink) {
        let state = self.task(t).state;
        if state == TaskState::Running {
            return;
        }
        if self.signal_pending_state(t, state) {
            self.set_state(t, TaskState::Running, out);
        } else {
            self.task_mut(t).on_rq = false;
            out.emit(Effect::Sleep { task: t });
        }
    }
}

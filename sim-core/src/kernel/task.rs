//! `task_struct`, reduced to what the wait-queue API touches: the state word, whether the task
//! is on a run queue, its pending fatal signal, and its on-stack wait entries.

use serde::{Deserialize, Serialize};
use tinyvec::ArrayVec;

use crate::kernel::waitqueue::WaitEntry;
use crate::limits::{MAX_ENTRIES, MAX_LOCALS};

// include/linux/sched.h [ref §0: "task.state ∈ RUNNING 0, INTERRUPTIBLE 1, UNINTERRUPTIBLE 2,
// KILLABLE=WAKEKILL|UNINTERRUPTIBLE"].
pub const TASK_INTERRUPTIBLE: u16 = 0x0001;
pub const TASK_UNINTERRUPTIBLE: u16 = 0x0002;
pub const TASK_WAKEKILL: u16 = 0x0100;
/// `TASK_NORMAL`: the mode of `wake_up()` and of `wake_up_page_bit()`.
pub const TASK_NORMAL: u16 = TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE;

/// The values `set_current_state()` stores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskState {
    #[default]
    Running,
    Interruptible,
    Uninterruptible,
    Killable,
}

impl TaskState {
    pub const fn bits(self) -> u16 {
        match self {
            TaskState::Running => 0,
            TaskState::Interruptible => TASK_INTERRUPTIBLE,
            TaskState::Uninterruptible => TASK_UNINTERRUPTIBLE,
            TaskState::Killable => TASK_WAKEKILL | TASK_UNINTERRUPTIBLE,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            TaskState::Running => "RUNNING",
            TaskState::Interruptible => "INTERRUPTIBLE",
            TaskState::Uninterruptible => "UNINTERRUPTIBLE",
            TaskState::Killable => "KILLABLE",
        }
    }

    /// The state whose `TASK_*` bits are `bits`, if the model has it.
    pub fn from_bits(bits: u16) -> Option<TaskState> {
        [TaskState::Running, TaskState::Interruptible, TaskState::Uninterruptible, TaskState::Killable]
            .into_iter()
            .find(|s| s.bits() == bits)
    }

    /// The kernel's `TASK_*` name, as a program listing spells it.
    pub const fn kernel_name(self) -> &'static str {
        match self {
            TaskState::Running => "TASK_RUNNING",
            TaskState::Interruptible => "TASK_INTERRUPTIBLE",
            TaskState::Uninterruptible => "TASK_UNINTERRUPTIBLE",
            TaskState::Killable => "TASK_KILLABLE",
        }
    }
}

/// The run-time state of one task. Its program lives in the scenario's `Spec`; `pc` indexes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Task {
    pub state: TaskState,
    /// On a run queue. `schedule()` clears it when the task sleeps; `try_to_wake_up()` sets it.
    pub on_rq: bool,
    pub pc: u16,
    /// `Some(ret)` once the program returned.
    pub exit: Option<i32>,
    /// A fatal signal (SIGKILL) is pending.
    pub fatal_signal: bool,
    /// The C locals of the functions the program runs (`was_empty`, `ret`, ...), by slot.
    pub locals: [i32; MAX_LOCALS],
    /// How many of `locals` the program has (fixed by the scenario; the others stay 0).
    pub locals_used: u8,
    /// The task's on-stack wait entries (`DEFINE_WAIT(rdwait)` ...), linked or not.
    pub entries: ArrayVec<[WaitEntry; MAX_ENTRIES]>,
    /// The `schedule()` the task last called (an index into its program's `sleeps`): model
    /// bookkeeping, so the end-of-run check can tell whether a sleeper waits for something that
    /// already holds [ref §1.5, §2.2].
    pub waits_for: Option<u8>,
}

impl Default for Task {
    fn default() -> Task {
        Task::new(&[])
    }
}

impl Task {
    /// A running task with these wait entries (at most `MAX_ENTRIES`, which the compiler
    /// checks).
    pub fn new(entries: &[WaitEntry]) -> Task {
        Task {
            state: TaskState::Running,
            on_rq: true,
            pc: 0,
            exit: None,
            fatal_signal: false,
            locals: [0; MAX_LOCALS],
            locals_used: MAX_LOCALS as u8,
            entries: entries.iter().copied().take(MAX_ENTRIES).collect(),
            waits_for: None,
        }
    }

    /// Asleep: dequeued by `schedule()` and not yet woken.
    pub fn asleep(&self) -> bool {
        !self.on_rq && self.exit.is_none()
    }
}

//! Programs as data. A task runs a list of instructions; each shared-state instruction is one
//! atomic step and carries the kernel function it sits in, the source line it models, and the
//! line of the reference that justifies it. A variant is a different program on the same engine.
//!
//! Instructions that touch only the task's own locals (`goto`, `if (sd->num_spliced)`, `ret =
//! -EINTR`) are not steps: they run at once after the step before them, because no other CPU can
//! observe them. The listing still shows them, so it reads like the kernel source.

use serde::{Deserialize, Serialize};

use crate::ids::{EntryId, QueueId};
use crate::kernel::cond::Cond;
use crate::kernel::task::{TaskState, TASK_INTERRUPTIBLE, TASK_NORMAL};
use crate::kernel::waitqueue::WakeFn;

/// How many C locals a task has.
pub const N_LOCALS: usize = 7;

/// The C locals of the modelled functions, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Local {
    /// pipe_write's `was_empty` (5.5–5.8) or `do_wakeup` (5.4).
    WasEmpty,
    /// pipe_write's `wake_next_writer`.
    WakeNextWriter,
    /// splice's `sd->need_wakeup`.
    NeedWakeup,
    /// splice's `sd->num_spliced`.
    NumSpliced,
    /// Pages this task still has to write or read; what makes it call pipe_write/splice again.
    Todo,
    /// The return value, `ret`.
    Ret,
    /// What `clear_bit_unlock_is_negative_byte()` returned: PG_waiters was set.
    Waiters,
}

impl Local {
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A jump target: an instruction index once the program is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Target(pub u16);

/// The mode argument of a `wake_up*()` call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WakeMode {
    /// `wake_up()`: TASK_NORMAL.
    Normal,
    /// `wake_up_interruptible*()`: TASK_INTERRUPTIBLE.
    Interruptible,
}

impl WakeMode {
    pub fn bits(self) -> u16 {
        match self {
            WakeMode::Normal => TASK_NORMAL,
            WakeMode::Interruptible => TASK_INTERRUPTIBLE,
        }
    }
}

/// A test on a local, for local jumps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    NonZero,
    Zero,
    Negative,
}

impl Test {
    pub fn holds(self, v: i32) -> bool {
        match self {
            Test::NonZero => v != 0,
            Test::Zero => v == 0,
            Test::Negative => v < 0,
        }
    }
}

/// One instruction's operation. The semantics of each step live in `exec.rs`, which calls the
/// kernel primitive of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    PrepareToWait {
        queue: QueueId,
        entry: EntryId,
        state: TaskState,
    },
    PrepareToWaitExclusive {
        queue: QueueId,
        entry: EntryId,
        state: TaskState,
    },
    /// `init_wait_entry(exclusive)` then `prepare_to_wait_event()`; its return goes to `ret`.
    PrepareToWaitEvent {
        queue: QueueId,
        entry: EntryId,
        state: TaskState,
        exclusive: bool,
    },
    FinishWait {
        queue: QueueId,
        entry: EntryId,
    },
    AddWaitQueue {
        queue: QueueId,
        entry: EntryId,
    },
    SetCurrentState {
        state: TaskState,
    },
    /// `schedule()` / `io_schedule()`. `waits_for` is what the sleeper waits to become true: the
    /// end-of-run oracle blames a sleeper whose condition holds [ref §1.5, §2.2].
    Schedule {
        waits_for: Cond,
    },
    WakeUp {
        queue: QueueId,
        mode: WakeMode,
        nr_exclusive: u8,
    },
    MutexLock,
    MutexUnlock,
    PipePushPage,
    PipePopPage,
    /// `trylock_page()` / `test_and_set_bit_lock()`: jump to `then` when the lock was taken.
    TrylockPage {
        then: Target,
    },
    LinkPageWaiter {
        queue: QueueId,
        entry: EntryId,
        state: TaskState,
    },
    LinkPageWaiterHandoff {
        queue: QueueId,
        entry: EntryId,
    },
    /// `clear_bit_unlock_is_negative_byte()`: PG_waiters goes to `waiters`.
    ClearPageLocked,
    WakeUpPageBit {
        queue: QueueId,
    },
    SetCondition,
    /// Test a condition; jump to `then` when it equals `expect`.
    Check {
        cond: Cond,
        expect: bool,
        then: Target,
    },
    /// `local = cond`.
    Load {
        local: Local,
        cond: Cond,
    },
    // Local instructions: not steps.
    Goto {
        then: Target,
    },
    JumpIf {
        local: Local,
        test: Test,
        then: Target,
    },
    Set {
        local: Local,
        value: i32,
    },
    Add {
        local: Local,
        value: i32,
    },
    /// `return ret;` from the task's outermost function: the task ends.
    Exit,
}

impl Op {
    /// Whether the instruction only touches the task's locals, and so is not a step.
    pub fn is_local(self) -> bool {
        matches!(self, Op::Goto { .. } | Op::JumpIf { .. } | Op::Set { .. } | Op::Add { .. } | Op::Exit)
    }

    fn target_mut(&mut self) -> Option<&mut Target> {
        match self {
            Op::TrylockPage { then } | Op::Check { then, .. } | Op::Goto { then } | Op::JumpIf { then, .. } => {
                Some(then)
            }
            _ => None,
        }
    }
}

/// One line of a program listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Instr {
    pub op: Op,
    /// The kernel function this line sits in (`pipe_wait`, `wait_on_page_bit_common`).
    pub func: &'static str,
    /// The kernel source line it models.
    pub code: &'static str,
    /// Where the reference (`shared/reference/kernel-protocols.md`) states its effect.
    pub cite: &'static str,
    /// Indentation for the listing (nesting depth in the C source).
    pub depth: u8,
}

/// A task's on-stack wait entry, as its program declares it (`DEFINE_WAIT(rdwait)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntryDecl {
    pub name: &'static str,
    pub func: WakeFn,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Program {
    pub entries: Vec<EntryDecl>,
    pub instrs: Vec<Instr>,
}

/// A forward-referenceable position in a program under construction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(u16);

/// Builds a program line by line, in the order of the C source.
pub struct Builder {
    func: &'static str,
    depth: u8,
    instrs: Vec<Instr>,
    labels: Vec<Option<u16>>,
    entries: Vec<EntryDecl>,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    pub fn new() -> Builder {
        Builder { func: "", depth: 0, instrs: Vec::new(), labels: Vec::new(), entries: Vec::new() }
    }

    /// Declare an on-stack wait entry.
    pub fn entry(&mut self, name: &'static str, func: WakeFn) -> EntryId {
        self.entries.push(EntryDecl { name, func });
        EntryId((self.entries.len() - 1) as u8)
    }

    /// The kernel function the following lines sit in, and their nesting depth.
    pub fn func(&mut self, func: &'static str, depth: u8) -> &mut Self {
        self.func = func;
        self.depth = depth;
        self
    }

    pub fn depth(&mut self, depth: u8) -> &mut Self {
        self.depth = depth;
        self
    }

    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        Label((self.labels.len() - 1) as u16)
    }

    /// Place `label` at the next instruction.
    pub fn bind(&mut self, label: Label) -> &mut Self {
        self.labels[usize::from(label.0)] = Some(self.instrs.len() as u16);
        self
    }

    /// A label placed at the next instruction.
    pub fn here(&mut self) -> Label {
        let l = self.label();
        self.bind(l);
        l
    }

    /// Append a line. Jump targets in `op` are labels until `build()` resolves them.
    pub fn op(&mut self, op: Op, code: &'static str, cite: &'static str) -> &mut Self {
        self.instrs.push(Instr { op, func: self.func, code, cite, depth: self.depth });
        self
    }

    /// The target operand for a jump to `label`.
    pub fn to(label: Label) -> Target {
        Target(label.0)
    }

    /// Resolve labels. Panics on an unbound label: programs are built by this crate's code, so
    /// that is a bug in a protocol builder, caught by every test that builds it.
    pub fn build(mut self) -> Program {
        let labels = self.labels;
        for instr in &mut self.instrs {
            if let Some(t) = instr.op.target_mut() {
                t.0 = labels[usize::from(t.0)].unwrap_or_else(|| panic!("unbound label in {}", instr.func));
            }
        }
        Program { entries: self.entries, instrs: self.instrs }
    }
}

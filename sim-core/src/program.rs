//! Programs as data: what `lang/` compiles a scenario's C into, and what `exec.rs` runs. A task
//! runs a list of instructions. An instruction that touches shared state begins a step (a
//! scheduling point comes before it); one that touches only the task's locals, or runs inside a
//! spinlock's critical section, does not: it runs at once after the instruction before it.
//!
//! Each instruction keeps its source line, so the page's listing, the trace and the narration
//! point at the scenario's own C.

use serde::Serialize;

use crate::ids::{EntryId, MutexId, PageId, QueueId, TaskId, VarId};
use crate::kernel::api::AtomicRet;
use crate::kernel::read::Read;
use crate::kernel::task::TaskState;
use crate::kernel::waitqueue::{EntryKey, WakeFn};
use crate::lowered::{Code, Value};

/// A task-local variable, by its slot in `Task::locals`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct LocalId(pub u8);

impl LocalId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// An expression, by its index in `Program::exprs`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ExprId(pub u16);

/// A jump target: an instruction index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Target(pub u16);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum UnOp {
    Not,
    Neg,
    BitNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    /// By a non-zero constant (the compiler checks).
    Div,
    Rem,
    Shl,
    Shr,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    BitAnd,
    BitOr,
    BitXor,
    And,
    Or,
}

/// A value computed with no side effect: evaluating it reads state and changes nothing.
/// Integers are 32 bits and wrap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Expr {
    Const(i32),
    Local(LocalId),
    Var(VarId),
    /// The flags word of one of the task's own wait entries.
    EntryFlags(EntryId),
    Unary(UnOp, ExprId),
    Binary(BinOp, ExprId, ExprId),
    /// `c ? a : b`.
    Select(ExprId, ExprId, ExprId),
    /// A kernel predicate or accessor, with up to three integer arguments.
    Read(Read, [ExprId; 3]),
}

/// Where an assignment writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Place {
    Local(LocalId),
    Var(VarId),
    /// `wait->flags`: one of the task's own wait entries.
    EntryFlags(EntryId),
    /// A shared variable, by a plain store that enters the CPU's store buffer: compiled only
    /// under `tso`, for a store outside a spinlock's critical section [ref §6.1].
    Buffered(VarId),
}

/// A kernel primitive, with its operands resolved. Its atomic effect is in `kernel/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
// An explicit tag, as for `Op`.
#[repr(u8)]
pub enum Prim {
    /// `prepare_to_wait()` / `prepare_to_wait_exclusive()`.
    PrepareToWait {
        queue: QueueId,
        entry: EntryId,
        state: TaskState,
        exclusive: bool,
    },
    /// `prepare_to_wait_event()`: 0, or -ERESTARTSYS.
    PrepareToWaitEvent {
        queue: QueueId,
        entry: EntryId,
        state: TaskState,
    },
    FinishWait {
        queue: QueueId,
        entry: EntryId,
    },
    AbortExclusiveWait {
        queue: QueueId,
        entry: EntryId,
        mode: u16,
    },
    /// `add_wait_queue()` / `add_wait_queue_exclusive()`: the flag, then a link under the lock.
    AddWaitQueue {
        queue: QueueId,
        entry: EntryId,
        exclusive: bool,
    },
    /// `__add_wait_queue()` (head) / `__add_wait_queue_entry_tail()`: the caller holds the lock.
    Link {
        queue: QueueId,
        entry: EntryId,
        tail: bool,
    },
    /// `remove_wait_queue()`, `__remove_wait_queue()`; `list_del_init(&wait->entry)` (`queue`
    /// None: off whatever queue it is on).
    Unlink {
        queue: Option<QueueId>,
        entry: EntryId,
    },
    /// `set_current_state()` (`barrier`) / `__set_current_state()`.
    SetState {
        state: TaskState,
        barrier: bool,
    },
    /// `__set_current_state()` under `tso`, outside a critical section: the plain store enters
    /// the CPU's store buffer [ref §6.3].
    StoreState {
        state: TaskState,
    },
    /// Under `tso`: `smp_mb()`, and `spin_lock()` (a locked instruction): the CPU's buffer
    /// drains [ref §6.2].
    Fence,
    /// `schedule()` / `io_schedule()`. `sleep` indexes `Program::sleeps`: what the task waits
    /// for there.
    Schedule {
        sleep: u8,
    },
    /// `__wake_up(q, mode, nr_exclusive, key)`, and every `wake_up*()` form.
    WakeUp {
        queue: QueueId,
        mode: u16,
        nr_exclusive: u8,
        key: Option<EntryKey>,
    },
    /// `__wake_up_common(q, mode, nr_exclusive, 0, &key, bookmark)` with a `struct wait_page_key`
    /// (`__wake_up_locked_key()`, `__wake_up_locked_key_bookmark()`): the value is
    /// `key.page_match` after the walk, which the call stores in the local `page_match`.
    /// `bookmark`: the task's bookmark entry and `WAITQUEUE_WALK_BREAK_CNT` [ref §2.4].
    WakeUpKeyed {
        queue: QueueId,
        mode: u16,
        nr_exclusive: u8,
        key: EntryKey,
        page_match: LocalId,
        bookmark: Option<(EntryId, u8)>,
    },
    /// `wake_up_page_bit(page, bit)`.
    WakeUpPageBit {
        queue: QueueId,
        page: PageId,
        bit: u8,
    },
    /// `wake_up_process(p)`, `wake_up_state(p, state)`: 1 when it woke `p` (`None`: current).
    WakeUpProcess {
        task: Option<TaskId>,
        mode: u16,
    },
    MutexLock(MutexId),
    MutexUnlock(MutexId),
    SetBit {
        var: VarId,
        bit: u8,
    },
    ClearBit {
        var: VarId,
        bit: u8,
    },
    /// `test_and_set_bit[_lock]()`: the bit's old value (`invert`: its negation, as
    /// `trylock_page()` returns).
    TestAndSetBit {
        var: VarId,
        bit: u8,
        invert: bool,
    },
    /// `clear_bit_unlock_is_negative_byte(PG_locked, ...)`: clear the bit, return PG_waiters.
    ClearBitUnlockIsNegativeByte {
        var: VarId,
        bit: u8,
    },
    /// `xchg(&v, value)`: store `value`, return the old value.
    Xchg {
        var: VarId,
        value: i32,
    },
    /// `atomic_inc()` and its family: add `delta`, return what `ret` says.
    AtomicAdd {
        var: VarId,
        delta: i32,
        ret: AtomicRet,
    },
}

/// What becomes of a primitive's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Ret {
    Discard,
    Local(LocalId),
    /// Jump to `then` when `(value != 0) == when`; `wait` as for `Op::Branch`.
    Branch {
        then: Target,
        when: bool,
        wait: Option<bool>,
    },
}

/// One instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
// An explicit tag (as for `Prim`, and `lowered::Code`): the interpreter matches on it at every
// step, and a tag kept in a field's niche costs instructions to decode.
#[repr(u8)]
pub enum Op {
    /// `dst = expr`.
    Assign {
        dst: Place,
        expr: ExprId,
    },
    Call {
        prim: Prim,
        ret: Ret,
    },
    /// Jump to `then` when `cond` is non-zero. `wait` is the oracle's reading of the test: `Some(x)`
    /// when it is a test of what the task waits for, and the wait is over when `(cond != 0) == x`
    /// (see `lang/waits.rs`).
    Branch {
        cond: ExprId,
        then: Target,
        wait: Option<bool>,
    },
    Goto {
        then: Target,
    },
    /// The task's function returns `value`: the task ends.
    Exit {
        value: ExprId,
    },
    /// Nothing happens: `spin_lock()` (its critical section is one step), barriers.
    Nop,
    /// The task's own work, which takes virtual time and touches nothing shared
    /// (`copy_page_from_iter()`): counted by the timed strategy.
    Work {
        ns: u16,
    },
}

impl Op {
    /// The instructions that may follow this one, at `pc`, directly: the control flow of a
    /// program.
    pub fn successors(self, pc: usize) -> impl Iterator<Item = usize> {
        let (a, b) = match self {
            Op::Exit { .. } => (None, None),
            Op::Goto { then } => (Some(usize::from(then.0)), None),
            Op::Branch { then, .. } | Op::Call { ret: Ret::Branch { then, .. }, .. } => {
                (Some(usize::from(then.0)), Some(pc + 1))
            }
            _ => (Some(pc + 1), None),
        };
        a.into_iter().chain(b)
    }
}

/// Whether a scheduling point comes before an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Yield {
    /// It touches shared state: it begins a step.
    Always,
    /// It touches only the task's own state, or runs inside a critical section.
    Never,
    /// It writes the flags of the task's own entry: shared only while the entry is linked.
    IfLinked(EntryId),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Instr {
    pub op: Op,
    pub yields: Yield,
    /// The listing line it comes from (`Program::listing`).
    pub line: u16,
    /// The statement's source text, on one line.
    pub code: String,
    /// For a test of a call's value (`if (!trylock_page(page))`): the call, whose value the
    /// test's `Check` reports (`trylock_page(page)`).
    pub test: Option<String>,
}

/// A line of the listing the page shows for a task: the scenario's own source, and under a
/// kernel macro's call, the macro's expansion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    pub text: String,
    /// The function the line sits in.
    pub func: String,
    /// Nesting depth, for indentation.
    pub depth: u8,
    /// The citation: the comment at the end of the line, or else the function's.
    pub cite: String,
    /// The line's number in the scenario file; 0 for a line of a kernel macro's expansion.
    pub number: u32,
}

/// A task's on-stack wait entry, as the program declares it (`DEFINE_WAIT(rdwait)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntryDecl {
    pub name: String,
    pub func: WakeFn,
    pub key: Option<EntryKey>,
}

/// A `schedule()` of the program, and what the task waits for there (`lang/waits.rs`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sleep {
    /// True when the wait is over; `None` when no test leads away from this `schedule()`.
    pub until: Option<ExprId>,
    /// `until` as C, for reports.
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Program {
    /// The function the task runs.
    pub name: String,
    pub entries: Vec<EntryDecl>,
    /// Names of the local slots, for display.
    pub locals: Vec<String>,
    pub exprs: Vec<Expr>,
    pub instrs: Vec<Instr>,
    pub listing: Vec<Line>,
    pub sleeps: Vec<Sleep>,
    /// `exprs` and `instrs` as the interpreter runs them (`lowered.rs`), one for one.
    #[serde(skip)]
    pub values: Vec<Value>,
    #[serde(skip)]
    pub code: Vec<Code>,
    /// For each instruction, the mutex it locks if it is a `mutex_lock()`: a task there cannot
    /// step while another holds it. Read for every task at every step, so kept apart and small.
    #[serde(skip)]
    pub locks: Vec<Option<MutexId>>,
}

impl Program {
    /// The instructions that may follow instruction `pc` directly (`pc + 1` may be the end of
    /// the program, where it returns).
    pub fn successors(&self, pc: usize) -> impl Iterator<Item = usize> {
        self.instrs[pc].op.successors(pc)
    }

    #[inline]
    pub fn expr(&self, e: ExprId) -> Expr {
        self.exprs[usize::from(e.0)]
    }

    /// The listing line of instruction `pc`.
    pub fn line(&self, pc: u16) -> Option<&Line> {
        let instr = self.instrs.get(usize::from(pc))?;
        self.listing.get(usize::from(instr.line))
    }

    /// The function instruction `pc` sits in.
    pub fn func(&self, pc: u16) -> &str {
        self.line(pc).map_or("", |l| l.func.as_str())
    }

    /// Instruction `pc`'s statement.
    pub fn code(&self, pc: u16) -> &str {
        self.instrs.get(usize::from(pc)).map_or("", |i| i.code.as_str())
    }

    /// Instruction `pc`'s citation.
    pub fn cite(&self, pc: u16) -> &str {
        self.line(pc).map_or("", |l| l.cite.as_str())
    }
}

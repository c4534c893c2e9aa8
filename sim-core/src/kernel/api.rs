//! The kernel API a scenario's C may call: each C name, the primitive it stands for, the
//! arguments it takes and the line of docs/kernel.md that gives its atomic effect. The scenario
//! language (`lang/compile/`) resolves calls through this table and nothing else, so a new
//! built-in is a row here and a primitive in this module's siblings.

use crate::kernel::task::{TASK_INTERRUPTIBLE, TASK_NORMAL, TASK_UNINTERRUPTIBLE, TASK_WAKEKILL};

/// What an argument must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A wait queue head: `&wq`, `&pipe->rd_wait`, `q`, `page_waitqueue(page)`.
    Queue,
    /// One of the task's wait entries: `&wait`, `wait`, `&wait_page.wait`.
    Entry,
    /// An entry's list node: `&wait->entry` (`&wait->task_list` in 2009 code).
    EntryNode,
    /// A task state, known when the scenario is compiled: `TASK_INTERRUPTIBLE`, `state`.
    State,
    /// A constant integer (a wake mode, a count, a bit number).
    Const,
    /// Any integer value.
    Value,
    /// A task: `current`, or a task's name.
    Task,
    Mutex,
    Spinlock,
    Pipe,
    Page,
    /// A shared word: `&page->flags`, `&count`.
    Word,
    /// Not evaluated: the poll mask of `wake_up_poll()`, the key of `__wake_up()` (NULL),
    /// the `flags` of `spin_lock_irqsave()`, the iterator of `copy_page_from_iter()`.
    Ignored,
    /// `MAX_SCHEDULE_TIMEOUT`: timeouts are not modelled.
    Timeout,
    /// A wakeup's key: `NULL`, or `&key`, a waker's `struct wait_page_key`.
    Key,
}

/// How many exclusive waiters a wakeup wakes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nr {
    Fixed(u8),
    /// The argument at this index.
    Arg(usize),
}

/// How an entry is initialised (`init_wait()` and friends).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitEntry {
    /// `init_wait(e)`: autoremove, flags 0.
    Wait,
    /// `init_waitqueue_entry(e, current)`: default_wake_function, flags 0.
    WaitqueueEntry,
    /// `init_wait_entry(e, flags)`: autoremove, flags from the second argument.
    WaitEntry,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    PrepareToWait {
        exclusive: bool,
    },
    PrepareToWaitEvent,
    FinishWait,
    AbortExclusiveWait,
    AddWaitQueue {
        exclusive: bool,
    },
    /// `__add_wait_queue*()`: the caller holds the lock.
    Link {
        tail: bool,
        exclusive: bool,
    },
    /// `remove_wait_queue()`, `__remove_wait_queue()`.
    RemoveWaitQueue,
    /// `list_del_init(&wait->entry)`: off whatever queue it is on.
    ListDelInit,
    ListEmpty,
    InitEntry(InitEntry),
    SetState {
        barrier: bool,
    },
    Schedule,
    WakeUp {
        mode: u16,
        nr: Nr,
    },
    /// `__wake_up(q, mode, nr, key)` and `__wake_up_locked_key(q, mode, key)`: mode from
    /// argument 1.
    WakeUpMode {
        nr: Nr,
    },
    /// `__wake_up_locked_key(q, mode, key)` (`common`: false) and the model's
    /// `__wake_up_common(q, mode, nr_exclusive, wake_flags, key, bookmark,
    /// WAITQUEUE_WALK_BREAK_CNT)` (`common`: true): the walk with a `struct wait_page_key`, and
    /// a bookmark [ref §2.4].
    WakeUpKeyed {
        common: bool,
    },
    WakeUpProcess,
    /// `wake_up_state(p, state)`.
    WakeUpState,
    SignalPending,
    SignalPendingState,
    WaitqueueActive,
    MutexLock,
    MutexUnlock,
    /// `pipe_lock(pipe)` / `pipe_unlock(pipe)`: the pipe's mutex.
    PipeLock {
        unlock: bool,
    },
    SpinLock,
    SpinUnlock,
    PipeEmpty,
    PipeFull,
    PipeOccupancy,
    PipeReadable,
    PipeWritable,
    TestBit,
    SetBit,
    ClearBit,
    TestAndSetBit,
    ClearBitUnlockIsNegativeByte,
    TrylockPage,
    PageLocked,
    PageWaiters,
    SetPageWaiters,
    ClearPageWaiters,
    /// `page_waitqueue(page)`: a queue, known when the scenario is compiled.
    PageWaitqueue,
    /// `bit_waitqueue(word, bit)`: likewise.
    BitWaitqueue,
    WakeUpPageBit,
    /// `wake_up_bit(word, bit)`: `__wake_up_bit(bit_waitqueue(word, bit), word, bit)`.
    WakeUpBit,
    /// `__wake_up_bit(wq, word, bit)`.
    WakeUpBitOn,
    AtomicRead,
    AtomicSet,
    /// `xchg(&v, value)`, `atomic_xchg(&v, value)`: a locked exchange, the old value.
    Xchg,
    /// `atomic_inc(&v)` and its family: add `delta` (or argument 0, negated for `atomic_sub`).
    AtomicAdd {
        delta: Delta,
        ret: AtomicRet,
    },
    /// Barriers and hints: nothing happens under sequential consistency, nor on x86 (x86-TSO
    /// keeps loads in order and stores in order, and its atomics are locked) [ref §6.2].
    Barrier,
    /// `smp_mb()`: under `tso` the CPU's store buffer drains [ref §6.2].
    Mb,
    /// `wq_has_sleeper(q)`: `smp_mb(); waitqueue_active(q)` [ref §6.4].
    WqHasSleeper,
    /// The task's own work that takes time: `copy_page_from_iter()` (ns).
    Work {
        ns: u16,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delta {
    Fixed(i32),
    Arg,
    NegArg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum AtomicRet {
    None,
    New,
    Old,
    IsZero,
}

/// One built-in function.
#[derive(Clone, Copy, Debug)]
pub struct Def {
    pub name: &'static str,
    pub builtin: Builtin,
    pub args: &'static [Arg],
    /// It returns a value.
    pub value: bool,
    /// Where docs/kernel.md states its effect.
    pub cite: &'static str,
}

const fn def(name: &'static str, builtin: Builtin, args: &'static [Arg], value: bool, cite: &'static str) -> Def {
    Def { name, builtin, args, value, cite }
}

use Arg::*;
use Builtin as B;

/// The kernel API, by name.
pub const DEFS: &[Def] = &[
    def("prepare_to_wait", B::PrepareToWait { exclusive: false }, &[Queue, Entry, State], false, "§0 table, row 1"),
    def(
        "prepare_to_wait_exclusive",
        B::PrepareToWait { exclusive: true },
        &[Queue, Entry, State],
        false,
        "§0 table, row 2",
    ),
    def("prepare_to_wait_event", B::PrepareToWaitEvent, &[Queue, Entry, State], true, "§0 table, row 3"),
    def("finish_wait", B::FinishWait, &[Queue, Entry], false, "§0 table, row 4"),
    def("abort_exclusive_wait", B::AbortExclusiveWait, &[Queue, Entry, Const, Ignored], false, "§0 table, row 25"),
    def("add_wait_queue", B::AddWaitQueue { exclusive: false }, &[Queue, Entry], false, "§0 table, row 5"),
    def("add_wait_queue_exclusive", B::AddWaitQueue { exclusive: true }, &[Queue, Entry], false, "§0 table, row 6"),
    def("remove_wait_queue", B::RemoveWaitQueue, &[Queue, Entry], false, "§0 table, row 7"),
    def("__remove_wait_queue", B::RemoveWaitQueue, &[Queue, Entry], false, "§0 table, row 7"),
    def("__add_wait_queue", B::Link { tail: false, exclusive: false }, &[Queue, Entry], false, "§0 table, row 8"),
    def(
        "__add_wait_queue_entry_tail",
        B::Link { tail: true, exclusive: false },
        &[Queue, Entry],
        false,
        "§0 table, row 9",
    ),
    def("__add_wait_queue_tail", B::Link { tail: true, exclusive: false }, &[Queue, Entry], false, "§0 table, row 9"),
    def(
        "__add_wait_queue_entry_tail_exclusive",
        B::Link { tail: true, exclusive: true },
        &[Queue, Entry],
        false,
        "§0 table, row 9",
    ),
    def("list_del_init", B::ListDelInit, &[EntryNode], false, "§0 table, row 10"),
    def("INIT_LIST_HEAD", B::Barrier, &[EntryNode], false, "§2.4 bookmark"),
    def("list_empty", B::ListEmpty, &[EntryNode], true, "§0 table, row 10"),
    def("list_empty_careful", B::ListEmpty, &[EntryNode], true, "§0 table, row 10"),
    def("init_wait", B::InitEntry(InitEntry::Wait), &[Entry], false, "§0 table, row 31"),
    def("init_waitqueue_entry", B::InitEntry(InitEntry::WaitqueueEntry), &[Entry, Task], false, "§0 table, row 17"),
    def("init_wait_entry", B::InitEntry(InitEntry::WaitEntry), &[Entry, Value], false, "§0 table, row 31"),
    def("set_current_state", B::SetState { barrier: true }, &[State], false, "§0 table, row 13"),
    def("__set_current_state", B::SetState { barrier: false }, &[State], false, "§0 table, row 13"),
    def("schedule", B::Schedule, &[], false, "§0 table, row 30"),
    def("io_schedule", B::Schedule, &[], false, "§0 table, row 30"),
    def("schedule_timeout", B::Schedule, &[Timeout], true, "§0 table, row 30"),
    def("io_schedule_timeout", B::Schedule, &[Timeout], true, "§0 table, row 30"),
    def("wake_up", B::WakeUp { mode: TASK_NORMAL, nr: Nr::Fixed(1) }, &[Queue], false, "§0 table, row 22"),
    def("wake_up_nr", B::WakeUp { mode: TASK_NORMAL, nr: Nr::Arg(1) }, &[Queue, Const], false, "§0 table, row 22"),
    def("wake_up_all", B::WakeUp { mode: TASK_NORMAL, nr: Nr::Fixed(0) }, &[Queue], false, "§0 table, row 22"),
    def("wake_up_locked", B::WakeUp { mode: TASK_NORMAL, nr: Nr::Fixed(1) }, &[Queue], false, "§0 table, row 24"),
    def(
        "wake_up_poll",
        B::WakeUp { mode: TASK_NORMAL, nr: Nr::Fixed(1) },
        &[Queue, Ignored],
        false,
        "§0 table, row 22",
    ),
    def(
        "wake_up_interruptible",
        B::WakeUp { mode: TASK_INTERRUPTIBLE, nr: Nr::Fixed(1) },
        &[Queue],
        false,
        "§0 table, row 23",
    ),
    def(
        "wake_up_interruptible_nr",
        B::WakeUp { mode: TASK_INTERRUPTIBLE, nr: Nr::Arg(1) },
        &[Queue, Const],
        false,
        "§0 table, row 23",
    ),
    def(
        "wake_up_interruptible_all",
        B::WakeUp { mode: TASK_INTERRUPTIBLE, nr: Nr::Fixed(0) },
        &[Queue],
        false,
        "§0 table, row 23",
    ),
    def(
        "wake_up_interruptible_sync",
        B::WakeUp { mode: TASK_INTERRUPTIBLE, nr: Nr::Fixed(1) },
        &[Queue],
        false,
        "§0 table, row 23",
    ),
    def(
        "wake_up_interruptible_poll",
        B::WakeUp { mode: TASK_INTERRUPTIBLE, nr: Nr::Fixed(1) },
        &[Queue, Ignored],
        false,
        "§0 table, row 23",
    ),
    def(
        "wake_up_interruptible_sync_poll",
        B::WakeUp { mode: TASK_INTERRUPTIBLE, nr: Nr::Fixed(1) },
        &[Queue, Ignored],
        false,
        "§0 table, row 23",
    ),
    def("__wake_up", B::WakeUpMode { nr: Nr::Arg(2) }, &[Queue, Const, Const, Ignored], false, "§0 table, row 21"),
    def("__wake_up_locked_key", B::WakeUpKeyed { common: false }, &[Queue, Const, Key], false, "§0 table, row 24"),
    def(
        "__wake_up_common",
        B::WakeUpKeyed { common: true },
        &[Queue, Const, Const, Ignored, Key, EntryNode, Const],
        false,
        "§2.4 bookmark",
    ),
    def("wake_up_process", B::WakeUpProcess, &[Task], true, "§0 table, row 15"),
    def("wake_up_state", B::WakeUpState, &[Task, Const], true, "§0 table, row 16"),
    def("signal_pending", B::SignalPending, &[Task], true, "§0 table, row 30"),
    def("fatal_signal_pending", B::SignalPending, &[Task], true, "§0 table, row 30"),
    def("signal_pending_state", B::SignalPendingState, &[State, Task], true, "§0 table, row 30"),
    def("waitqueue_active", B::WaitqueueActive, &[Queue], true, "§0 table, row 11"),
    def("wq_has_sleeper", B::WqHasSleeper, &[Queue], true, "§6.4"),
    def("mutex_lock", B::MutexLock, &[Mutex], false, "§0 table, row 29"),
    def("mutex_unlock", B::MutexUnlock, &[Mutex], false, "§0 table, row 29"),
    def("pipe_lock", B::PipeLock { unlock: false }, &[Pipe], false, "§1.1"),
    def("__pipe_lock", B::PipeLock { unlock: false }, &[Pipe], false, "§1.1"),
    def("pipe_unlock", B::PipeLock { unlock: true }, &[Pipe], false, "§1.1"),
    def("__pipe_unlock", B::PipeLock { unlock: true }, &[Pipe], false, "§1.1"),
    def("spin_lock", B::SpinLock, &[Spinlock], false, "§0 table, row 28"),
    def("spin_lock_irq", B::SpinLock, &[Spinlock], false, "§0 table, row 28"),
    def("spin_lock_irqsave", B::SpinLock, &[Spinlock, Ignored], false, "§0 table, row 28"),
    def("spin_unlock", B::SpinUnlock, &[Spinlock], false, "§0 table, row 28"),
    def("spin_unlock_irq", B::SpinUnlock, &[Spinlock], false, "§0 table, row 28"),
    def("spin_unlock_irqrestore", B::SpinUnlock, &[Spinlock, Ignored], false, "§0 table, row 28"),
    def("pipe_empty", B::PipeEmpty, &[Value, Value], true, "§1.1"),
    def("pipe_full", B::PipeFull, &[Value, Value, Value], true, "§1.1"),
    def("pipe_occupancy", B::PipeOccupancy, &[Value, Value], true, "§1.1"),
    def("pipe_readable", B::PipeReadable, &[Pipe], true, "§1.1"),
    def("pipe_writable", B::PipeWritable, &[Pipe], true, "§1.1"),
    def("test_bit", B::TestBit, &[Const, Word], true, "§2.1"),
    def("set_bit", B::SetBit, &[Const, Word], false, "§2.1"),
    def("clear_bit", B::ClearBit, &[Const, Word], false, "§2.1"),
    def("clear_bit_unlock", B::ClearBit, &[Const, Word], false, "§2.1"),
    def("test_and_set_bit", B::TestAndSetBit, &[Const, Word], true, "§2.1"),
    def("test_and_set_bit_lock", B::TestAndSetBit, &[Const, Word], true, "§2.1"),
    def("clear_bit_unlock_is_negative_byte", B::ClearBitUnlockIsNegativeByte, &[Const, Word], true, "§2.1 unlock_page"),
    def("trylock_page", B::TrylockPage, &[Page], true, "§2.1 lock_page"),
    def("PageLocked", B::PageLocked, &[Page], true, "§2.1"),
    def("PageWaiters", B::PageWaiters, &[Page], true, "§2.1"),
    def("SetPageWaiters", B::SetPageWaiters, &[Page], false, "§2.1"),
    def("ClearPageWaiters", B::ClearPageWaiters, &[Page], false, "§2.1"),
    def("page_waitqueue", B::PageWaitqueue, &[Page], true, "§2.1"),
    def("bit_waitqueue", B::BitWaitqueue, &[Word, Const], true, "§4.1"),
    def("wake_up_page_bit", B::WakeUpPageBit, &[Page, Const], false, "§2.1 wake_up_page_bit"),
    def("wake_up_page", B::WakeUpPageBit, &[Page, Const], false, "§2.1 wake_up_page_bit"),
    def("wake_up_bit", B::WakeUpBit, &[Word, Const], false, "§0 table, row 27"),
    def("__wake_up_bit", B::WakeUpBitOn, &[Queue, Word, Const], false, "§0 table, row 27"),
    def("atomic_read", B::AtomicRead, &[Word], true, "§0"),
    def("atomic_set", B::AtomicSet, &[Word, Value], false, "§0"),
    def("xchg", B::Xchg, &[Word, Const], true, "§6.2"),
    def("atomic_xchg", B::Xchg, &[Word, Const], true, "§6.2"),
    def("atomic_inc", B::AtomicAdd { delta: Delta::Fixed(1), ret: AtomicRet::None }, &[Word], false, "§0"),
    def("atomic_dec", B::AtomicAdd { delta: Delta::Fixed(-1), ret: AtomicRet::None }, &[Word], false, "§0"),
    def("atomic_add", B::AtomicAdd { delta: Delta::Arg, ret: AtomicRet::None }, &[Const, Word], false, "§0"),
    def("atomic_sub", B::AtomicAdd { delta: Delta::NegArg, ret: AtomicRet::None }, &[Const, Word], false, "§0"),
    def("atomic_inc_return", B::AtomicAdd { delta: Delta::Fixed(1), ret: AtomicRet::New }, &[Word], true, "§0"),
    def("atomic_dec_return", B::AtomicAdd { delta: Delta::Fixed(-1), ret: AtomicRet::New }, &[Word], true, "§0"),
    def("atomic_fetch_inc", B::AtomicAdd { delta: Delta::Fixed(1), ret: AtomicRet::Old }, &[Word], true, "§0"),
    def("atomic_dec_and_test", B::AtomicAdd { delta: Delta::Fixed(-1), ret: AtomicRet::IsZero }, &[Word], true, "§0"),
    def("atomic_inc_and_test", B::AtomicAdd { delta: Delta::Fixed(1), ret: AtomicRet::IsZero }, &[Word], true, "§0"),
    def("smp_mb", B::Mb, &[], false, "§6.2"),
    def("smp_rmb", B::Barrier, &[], false, "§6.2"),
    def("smp_wmb", B::Barrier, &[], false, "§6.2"),
    def("barrier", B::Barrier, &[], false, "§3 C2"),
    def("smp_mb__after_atomic", B::Barrier, &[], false, "§3 C2"),
    // Its name before 3.16, for scenarios of older kernels.
    def("smp_mb__after_clear_bit", B::Barrier, &[], false, "§3 C2"),
    def("smp_mb__before_atomic", B::Barrier, &[], false, "§3 C2"),
    def("smp_mb__after_spinlock", B::Barrier, &[], false, "§6.5"),
    def("cpu_relax", B::Barrier, &[], false, "§2.4"),
    def("might_sleep", B::Barrier, &[], false, "§0 schedule()"),
    def("cond_resched", B::Barrier, &[], false, "§0 schedule()"),
    def("copy_page_from_iter", B::Work { ns: 390 }, &[Ignored, Ignored, Ignored, Ignored], true, "§1.1 W2"),
    def("copy_page_to_iter", B::Work { ns: 140 }, &[Ignored, Ignored, Ignored, Ignored], true, "§1.4"),
];

/// The built-in called `name`.
pub fn find(name: &str) -> Option<&'static Def> {
    DEFS.iter().find(|d| d.name == name)
}

/// Integer constants of the kernel, by name.
pub const CONSTANTS: &[(&str, i32)] = &[
    ("TASK_RUNNING", 0),
    ("TASK_INTERRUPTIBLE", TASK_INTERRUPTIBLE as i32),
    ("TASK_UNINTERRUPTIBLE", TASK_UNINTERRUPTIBLE as i32),
    ("TASK_WAKEKILL", TASK_WAKEKILL as i32),
    ("TASK_KILLABLE", (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE) as i32),
    ("TASK_NORMAL", TASK_NORMAL as i32),
    ("TASK_IDLE", (TASK_UNINTERRUPTIBLE | 0x0400) as i32),
    ("WQ_FLAG_EXCLUSIVE", 0x01),
    ("WQ_FLAG_WOKEN", 0x02),
    ("WQ_FLAG_BOOKMARK", 0x04),
    ("PG_locked", crate::kernel::page::PG_LOCKED as i32),
    ("PG_waiters", crate::kernel::page::PG_WAITERS as i32),
    ("EINTR", 4),
    ("EAGAIN", 11),
    ("ERESTARTSYS", 512),
    ("NULL", 0),
    ("true", 1),
    ("false", 0),
    ("MAX_SCHEDULE_TIMEOUT", i32::MAX),
    ("PAGE_SIZE", 4096),
    ("EPOLLIN", 0x0001),
    ("EPOLLOUT", 0x0004),
    ("EPOLLRDNORM", 0x0040),
    ("EPOLLWRNORM", 0x0100),
];

/// The constant called `name`.
pub fn constant(name: &str) -> Option<i32> {
    CONSTANTS.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
}

/// Every name of the API, for suggestions.
pub fn names() -> impl Iterator<Item = &'static str> {
    DEFS.iter().map(|d| d.name).chain(crate::kernel::wait_h::TEMPLATES.iter().map(|t| t.name))
}

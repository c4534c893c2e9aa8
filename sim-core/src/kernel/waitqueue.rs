//! `wait_queue_head` and `wait_queue_entry`, and the primitives that link and unlink entries
//! (kernel/sched/wait.c) [ref §0].

use serde::{Deserialize, Serialize};
use tinyvec::ArrayVec;

use crate::effect::{Effect, Sink};
use crate::ids::{EntryId, QueueId, TaskId, VarId};
use crate::kernel::task::TaskState;
use crate::kernel::Kernel;
use crate::limits::MAX_LINKS;

/// `wait_queue_entry.flags` (include/linux/wait.h).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryFlags(u8);

impl EntryFlags {
    pub const EXCLUSIVE: EntryFlags = EntryFlags(0x01);
    pub const WOKEN: EntryFlags = EntryFlags(0x02);
    /// `WQ_FLAG_BOOKMARK` (v4.14 to v5.x): the entry is a waker's bookmark, which every walk
    /// passes over [ref §2.4].
    pub const BOOKMARK: EntryFlags = EntryFlags(0x04);

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn contains(self, other: EntryFlags) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn with(self, other: EntryFlags, on: bool) -> EntryFlags {
        if on {
            EntryFlags(self.0 | other.0)
        } else {
            EntryFlags(self.0 & !other.0)
        }
    }

    pub fn names(self) -> &'static str {
        const NAMES: [&str; 8] = [
            "",
            "EXCLUSIVE",
            "WOKEN",
            "EXCLUSIVE|WOKEN",
            "BOOKMARK",
            "EXCLUSIVE|BOOKMARK",
            "WOKEN|BOOKMARK",
            "EXCLUSIVE|WOKEN|BOOKMARK",
        ];
        NAMES[usize::from(self.0 & 0x07)]
    }
}

/// `wait_queue_entry.func`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WakeFn {
    /// `default_wake_function` (`DECLARE_WAITQUEUE`).
    #[default]
    Default,
    /// `autoremove_wake_function` (`DEFINE_WAIT`, `___wait_event`).
    Autoremove,
    /// `woken_wake_function`: sets WOKEN, then `default_wake_function` [ref §4.3].
    Woken,
    /// `wake_page_function`, in one of its historical forms [ref §2.1, §2.3].
    Page(PageWake),
    /// `wake_bit_function` (2009): a bit waiter's wake function [ref §4.1].
    Bit,
    /// `NULL`: a bookmark's, which no walk calls (walks pass over `WQ_FLAG_BOOKMARK` entries)
    /// [ref §2.4].
    Null,
}

impl WakeFn {
    pub fn name(self) -> &'static str {
        match self {
            WakeFn::Default => "default_wake_function",
            WakeFn::Autoremove => "autoremove_wake_function",
            WakeFn::Woken => "woken_wake_function",
            WakeFn::Page(_) => "wake_page_function",
            WakeFn::Bit => "wake_bit_function",
            WakeFn::Null => "NULL",
        }
    }
}

/// What a page or bit waiter waits on: a bit of a word (`wait_page_queue.page` and `.bit_nr`,
/// `wait_bit_key.flags` and `.bit_nr`). A keyed wake walk passes over entries whose key differs:
/// hashed queues are shared [ref §2.1].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EntryKey {
    /// The word: a page's flags, or a shared variable.
    pub var: VarId,
    pub bit: u8,
}

/// The versions of `wake_page_function` [ref §2.1, §2.3].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageWake {
    /// v4.13-rc: the bit already set again → return 0 (walk on) [ref §2.1].
    #[default]
    Rc,
    /// 3510ca20ece0: the bit already set again → return -1 (stop the walk) [ref §2.3 item 1].
    StopIfRelocked,
    /// 2a9127fcf229: take the lock for an exclusive waiter, set WOKEN [ref §2.3 item 4].
    Handoff,
}

/// One on-stack `wait_queue_entry` of a task. Whether it is linked is told by the queues.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct WaitEntry {
    pub flags: EntryFlags,
    pub func: WakeFn,
    pub key: Option<EntryKey>,
}

/// A reference from a queue's list to a task's entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct EntryRef {
    pub task: TaskId,
    pub entry: EntryId,
}

/// `wait_queue_head`: the list, head first. Its spinlock is implicit: every primitive that
/// takes it is one atomic step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct WaitQueueHead {
    pub list: ArrayVec<[EntryRef; MAX_LINKS]>,
}

/// `-ERESTARTSYS`, returned by `prepare_to_wait_event()` when a signal is pending.
pub const ERESTARTSYS: i32 = -512;

impl Kernel {
    /// The queue `entry` is linked on, if any (`!list_empty(&wait->entry)`). Programs link each
    /// entry on one queue only, which the explorer's independence relation relies on.
    #[inline]
    pub fn linked_on(&self, task: TaskId, entry: EntryId) -> Option<QueueId> {
        let r = EntryRef { task, entry };
        (0..self.queues.len()).map(|i| QueueId(i as u8)).find(|&q| self.queue(q).list.contains(&r))
    }

    /// `waitqueue_active(q)`.
    pub fn waitqueue_active(&self, q: QueueId) -> bool {
        !self.queue(q).list.is_empty()
    }

    pub(crate) fn flags(&self, task: TaskId, entry: EntryId) -> EntryFlags {
        self.task(task).entries[entry.index()].flags
    }

    /// `wait->flags = value`: a plain store to the entry's flags word.
    pub fn set_flags(&mut self, task: TaskId, entry: EntryId, value: i32, out: &mut impl Sink) {
        let e = &mut self.task_mut(task).entries[entry.index()];
        let flags = EntryFlags(value as u8);
        if flags != e.flags {
            e.flags = flags;
            out.emit(Effect::Flags { task, entry, flags });
        }
    }

    pub(crate) fn set_flag(&mut self, task: TaskId, entry: EntryId, flag: EntryFlags, on: bool, out: &mut impl Sink) {
        let e = &mut self.task_mut(task).entries[entry.index()];
        let flags = e.flags.with(flag, on);
        if flags != e.flags {
            e.flags = flags;
            out.emit(Effect::Flags { task, entry, flags });
        }
    }

    /// `__add_wait_queue` (head) or `__add_wait_queue_entry_tail` (tail): the caller holds
    /// `q.lock` [ref §0 table].
    pub fn link(&mut self, q: QueueId, task: TaskId, entry: EntryId, at_head: bool, out: &mut impl Sink) {
        let r = EntryRef { task, entry };
        let list = &mut self.queues[q.index()].list;
        if at_head {
            list.insert(0, r);
        } else {
            list.push(r);
        }
        let exclusive = self.flags(task, entry).contains(EntryFlags::EXCLUSIVE);
        out.emit(Effect::Link { queue: q, task, entry, at_head, exclusive });
    }

    /// `list_del_init(&wait->entry)`, `__remove_wait_queue()`, `remove_wait_queue()`; a no-op
    /// when not linked on `q` [ref §0 table].
    pub fn unlink(&mut self, q: QueueId, task: TaskId, entry: EntryId, out: &mut impl Sink) {
        let r = EntryRef { task, entry };
        let list = &mut self.queues[q.index()].list;
        if let Some(i) = list.iter().position(|&x| x == r) {
            list.remove(i);
            out.emit(Effect::Unlink { queue: q, task, entry });
        }
    }

    /// `prepare_to_wait(q, e, S)`: clear EXCL; `[q.lock: if e unlinked → insert at HEAD;
    /// state:=S]` [ref §0 table, row 1]. `prepare_to_wait_exclusive(q, e, S)`: set EXCL;
    /// `[q.lock: if unlinked → insert at TAIL; state:=S]` [ref §0 table, row 2]. Wake-one
    /// waiters queue in order at the tail; the others go to the head.
    pub fn prepare_to_wait(
        &mut self,
        t: TaskId,
        q: QueueId,
        e: EntryId,
        state: TaskState,
        exclusive: bool,
        out: &mut impl Sink,
    ) {
        self.set_flag(t, e, EntryFlags::EXCLUSIVE, exclusive, out);
        if self.linked_on(t, e).is_none() {
            self.link(q, t, e, !exclusive, out);
        }
        self.set_current_state(t, state, out);
    }

    /// `prepare_to_wait_event(q, e, S)`: `[q.lock: if signal_pending_state(S): unlink e, return
    /// -ERESTARTSYS; else link if unlinked (TAIL if EXCL, else HEAD); state:=S]`
    /// [ref §0 table, row 3]. The EXCL flag was set by `init_wait_entry()` before the loop.
    pub fn prepare_to_wait_event(
        &mut self,
        t: TaskId,
        q: QueueId,
        e: EntryId,
        state: TaskState,
        out: &mut impl Sink,
    ) -> i32 {
        if self.signal_pending_state(t, state) {
            self.unlink(q, t, e, out);
            return ERESTARTSYS;
        }
        if self.linked_on(t, e).is_none() {
            let exclusive = self.flags(t, e).contains(EntryFlags::EXCLUSIVE);
            self.link(q, t, e, !exclusive, out);
        }
        self.set_current_state(t, state, out);
        0
    }

    /// `finish_wait(q, e)`: state:=RUNNING (plain store); if e still linked → `[q.lock: unlink]`
    /// [ref §0 table, row 4].
    pub fn finish_wait(&mut self, t: TaskId, q: QueueId, e: EntryId, out: &mut impl Sink) {
        self.set_state(t, TaskState::Running, out);
        self.unlink(q, t, e, out);
        out.emit(Effect::FinishWait { task: t, queue: q });
    }

    /// `add_wait_queue(q, e)`: clear EXCL; `[q.lock: insert at HEAD]`. No state change: the
    /// caller set it (Josef Bacik's patch) [ref §1.3]. `add_wait_queue_exclusive(q, e)`: set
    /// EXCL; `[q.lock: insert at TAIL]` [ref §0 table].
    pub fn add_wait_queue(&mut self, t: TaskId, q: QueueId, e: EntryId, exclusive: bool, out: &mut impl Sink) {
        self.set_flag(t, e, EntryFlags::EXCLUSIVE, exclusive, out);
        if self.linked_on(t, e).is_none() {
            self.link(q, t, e, !exclusive, out);
        }
    }
}

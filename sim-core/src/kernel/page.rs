//! `struct page` flags PG_locked and PG_waiters, and the page-lock primitives of
//! mm/filemap.c [ref §2.1, §2.3]. Waiters sleep on the page's hashed wait queue.

use crate::effect::{Effect, Sink};
use crate::ids::{EntryId, QueueId, TaskId};
use crate::kernel::task::TaskState;
use crate::kernel::waitqueue::EntryFlags;
use crate::kernel::Kernel;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Page {
    /// PG_locked.
    pub locked: bool,
    /// PG_waiters: someone may sleep on the page's queue, so `unlock_page` must wake it.
    pub waiters: bool,
    /// The task that set PG_locked (the kernel does not record it; the model shows it).
    pub owner: Option<TaskId>,
}

impl Kernel {
    fn page_changed(&self, out: &mut impl Sink) {
        let p = &self.page;
        out.emit(Effect::Page { locked: p.locked, waiters: p.waiters, owner: p.owner });
    }

    /// `test_and_set_bit_lock(PG_locked)` for task `t`: true when `t` took the lock.
    pub(crate) fn test_and_set_page_locked(&mut self, t: TaskId, out: &mut impl Sink) -> bool {
        if self.page.locked {
            return false;
        }
        self.page.locked = true;
        self.page.owner = Some(t);
        self.page_changed(out);
        true
    }

    pub(crate) fn set_page_waiters(&mut self, on: bool, out: &mut impl Sink) {
        if self.page.waiters != on {
            self.page.waiters = on;
            self.page_changed(out);
        }
    }

    /// `trylock_page()` = `!test_and_set_bit_lock(PG_locked)` [ref §2.1].
    pub fn trylock_page(&mut self, t: TaskId, out: &mut impl Sink) -> bool {
        self.test_and_set_page_locked(t, out)
    }

    /// `unlock_page()`'s first half: atomically clear PG_locked and read PG_waiters
    /// (`clear_bit_unlock_is_negative_byte`). Returns PG_waiters; the caller then calls
    /// `wake_up_page_bit` if it was set [ref §2.1].
    pub fn clear_page_locked(&mut self, out: &mut impl Sink) -> bool {
        self.page.locked = false;
        self.page.owner = None;
        self.page_changed(out);
        self.page.waiters
    }

    /// `wait_on_page_bit_common` L1–L2 before 2a9127fcf229: `[q.lock: if unlinked: add at TAIL
    /// with EXCL (a locker); SetPageWaiters; state := S]`. Lockers queue at the tail with EXCL
    /// both in 4.13-rc and after 3510ca20ece0 [ref §2.1 listing, §2.3 item 1].
    pub fn link_page_waiter(&mut self, t: TaskId, q: QueueId, e: EntryId, state: TaskState, out: &mut impl Sink) {
        if self.linked_on(t, e).is_none() {
            self.set_flag(t, e, EntryFlags::EXCLUSIVE, true, out);
            self.link(q, t, e, false, out);
            self.set_page_waiters(true, out);
        }
        self.set_current_state(t, state, out);
    }

    /// 2a9127fcf229: `[q.lock: SetPageWaiters; if EXCL: test_and_set_bit → success sets WOKEN;
    /// else link at TAIL]` [ref §2.3 item 4, "Waiter"]. EXCL was set at init (`behavior ==
    /// EXCLUSIVE`).
    pub fn link_page_waiter_handoff(&mut self, t: TaskId, q: QueueId, e: EntryId, out: &mut impl Sink) {
        self.set_flag(t, e, EntryFlags::EXCLUSIVE, true, out);
        self.set_page_waiters(true, out);
        if self.test_and_set_page_locked(t, out) {
            self.set_flag(t, e, EntryFlags::WOKEN, true, out);
        } else {
            self.link(q, t, e, false, out);
        }
    }
}

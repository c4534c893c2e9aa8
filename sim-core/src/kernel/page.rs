//! `struct page`: its flags word (a shared variable) with the bits PG_locked and PG_waiters, and
//! the task holding PG_locked, which the kernel does not record but the model shows
//! [ref §2.1]. Waiters sleep on the page's hashed wait queue, which the scenario declares.

use crate::effect::{Effect, Sink};
use crate::ids::{PageId, TaskId, VarId};
use crate::kernel::bitops::test_bit;
use crate::kernel::Kernel;

/// `PG_locked`: bit 0 of `page->flags`.
pub const PG_LOCKED: u8 = 0;
/// `PG_waiters`: bit 7, the sign bit of the flags' low byte, so that
/// `clear_bit_unlock_is_negative_byte()` reads it with the unlock [ref §2.1].
pub const PG_WAITERS: u8 = 7;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Page {
    /// The variable holding `page->flags`.
    pub flags: VarId,
    /// The task that set PG_locked: model bookkeeping, for the page and the trace.
    pub owner: Option<TaskId>,
}

impl Kernel {
    /// The page whose flags word `v` is, if any.
    pub(crate) fn page_of(&self, v: VarId) -> Option<PageId> {
        self.pages.iter().position(|p| p.flags == v).map(|i| PageId(i as u8))
    }

    pub fn page_locked(&self, p: PageId) -> bool {
        test_bit(self.var(self.pages[p.index()].flags), PG_LOCKED) != 0
    }

    pub fn page_waiters(&self, p: PageId) -> bool {
        test_bit(self.var(self.pages[p.index()].flags), PG_WAITERS) != 0
    }

    /// A page's flags changed from `old`: PG_locked taken by `actor`, or released.
    pub(crate) fn page_flags_changed(&mut self, p: PageId, old: i32, actor: TaskId, out: &mut impl Sink) {
        let locked = self.page_locked(p);
        if locked != (test_bit(old, PG_LOCKED) != 0) {
            self.pages[p.index()].owner = locked.then_some(actor);
        }
        let owner = self.pages[p.index()].owner;
        out.emit(Effect::Page { page: p, locked, waiters: self.page_waiters(p), owner });
    }
}

//! The wakeup side: `__wake_up_common()` and the wake functions it calls [ref §0, §2.1, §2.3].

use crate::effect::{Effect, Sink};
use crate::ids::{QueueId, TaskId};
use crate::kernel::task::TASK_NORMAL;
use crate::kernel::waitqueue::{EntryFlags, EntryRef, PageWake, WakeFn};
use crate::kernel::Kernel;

/// `struct wait_page_key`, reduced: the model has one page, so the page and bit always match
/// and only `page_match` is left to record [ref §2.1].
#[derive(Clone, Copy, Debug, Default)]
pub struct WakeKey {
    pub page_match: bool,
}

/// What one wake function did: its return value, and what the oracle needs to know of it.
struct WakeResult {
    ret: i8,
    woke: bool,
    handoff: bool,
}

impl Kernel {
    /// `__wake_up_common(q, mode, nr_exclusive, key)`, called with q.lock held: walk from HEAD;
    /// `r = e.func()`; `r < 0` → stop; `r > 0 && e.EXCL && --nr_exclusive == 0` → stop. An
    /// exclusive wakeup is spent only when the wake function reports a real wakeup
    /// [ref §0 table, `__wake_up_common` row]. Returns how many tasks it woke.
    pub fn wake_up_common(
        &mut self,
        q: QueueId,
        mode: u16,
        nr_exclusive: u8,
        key: &mut WakeKey,
        out: &mut impl Sink,
    ) -> u8 {
        out.emit(Effect::WakeBegin { queue: q, mode, nr_exclusive });
        // An int, as in the kernel: 0 means "wake every exclusive waiter" (`wake_up_all`), because
        // `--nr_exclusive` then never reaches 0.
        let mut nr_exclusive = i32::from(nr_exclusive);
        let mut woken = 0;
        let mut i = 0;
        // list_for_each_entry_safe: the wake function may unlink the entry it is called on.
        while let Some(&cur) = self.queue(q).list.get(i) {
            // `unsigned flags = curr->flags;` is read before the call.
            let exclusive = self.flags(cur.task, cur.entry).contains(EntryFlags::EXCLUSIVE);
            let r = self.call_wake_function(q, cur, mode, key, out);
            out.emit(Effect::WakeCall {
                queue: q,
                task: cur.task,
                entry: cur.entry,
                ret: r.ret,
                woke: r.woke,
                exclusive,
                handoff: r.handoff,
            });
            woken += u8::from(r.woke);
            if self.queue(q).list.get(i) == Some(&cur) {
                i += 1;
            }
            if r.ret < 0 {
                break;
            }
            if r.ret > 0 && exclusive {
                nr_exclusive -= 1;
                if nr_exclusive == 0 {
                    break;
                }
            }
        }
        out.emit(Effect::WakeEnd { queue: q, woken });
        woken
    }

    /// `wake_up_interruptible(q)` and friends: `[q.lock: __wake_up_common(mode, nr_excl)]`
    /// [ref §0 table, `wake_up_interruptible*` row].
    pub fn wake_up(&mut self, q: QueueId, mode: u16, nr_exclusive: u8, out: &mut impl Sink) -> u8 {
        self.wake_up_common(q, mode, nr_exclusive, &mut WakeKey::default(), out)
    }

    fn call_wake_function(
        &mut self,
        q: QueueId,
        e: EntryRef,
        mode: u16,
        key: &mut WakeKey,
        out: &mut impl Sink,
    ) -> WakeResult {
        let plain = |woke: bool| WakeResult { ret: i8::from(woke), woke, handoff: false };
        match self.task(e.task).entries[e.entry.index()].func {
            // default_wake_function: try_to_wake_up(e.private, mode) [ref §0].
            WakeFn::Default => plain(self.try_to_wake_up(e.task, mode, out)),
            WakeFn::Autoremove => plain(self.autoremove_wake_function(q, e, mode, out)),
            WakeFn::Page(kind) => self.wake_page_function(q, e, kind, mode, key, out),
        }
    }

    /// `autoremove_wake_function`: r = default_wake_function; if r → unlink e [ref §0].
    fn autoremove_wake_function(&mut self, q: QueueId, e: EntryRef, mode: u16, out: &mut impl Sink) -> bool {
        let woke = self.try_to_wake_up(e.task, mode, out);
        if woke {
            self.unlink(q, e.task, e.entry, out);
        }
        woke
    }

    /// `wake_page_function` in its three historical forms. The page always matches (one page
    /// in the model), so `key.page_match` is set on every call [ref §2.1].
    fn wake_page_function(
        &mut self,
        q: QueueId,
        e: EntryRef,
        kind: PageWake,
        mode: u16,
        key: &mut WakeKey,
        out: &mut impl Sink,
    ) -> WakeResult {
        key.page_match = true;
        let plain = |woke: bool| WakeResult { ret: i8::from(woke), woke, handoff: false };
        match kind {
            // ≤4.13-rc: bit already set again → 0, else autoremove_wake_function [ref §2.1].
            PageWake::Rc if self.page.locked => plain(false),
            // 3510ca20ece0: bit already re-taken → -1, and __wake_up_common stops [ref §2.3 item 1].
            PageWake::StopIfRelocked if self.page.locked => WakeResult { ret: -1, woke: false, handoff: false },
            PageWake::Rc | PageWake::StopIfRelocked => plain(self.autoremove_wake_function(q, e, mode, out)),
            PageWake::Handoff => self.wake_page_handoff(q, e, mode, out),
        }
    }

    /// 2a9127fcf229's wake function: for an EXCL entry `test_and_set_bit`, and if the bit was
    /// already set return -1 (the new owner will wake us later); then set WOKEN,
    /// `wake_up_state(task)`, and last `list_del_init(entry)`; return 1 only for EXCL entries
    /// [ref §2.3 item 4, "Waker"].
    fn wake_page_handoff(&mut self, q: QueueId, e: EntryRef, mode: u16, out: &mut impl Sink) -> WakeResult {
        let exclusive = self.flags(e.task, e.entry).contains(EntryFlags::EXCLUSIVE);
        if exclusive && !self.test_and_set_page_locked(e.task, out) {
            return WakeResult { ret: -1, woke: false, handoff: false };
        }
        self.set_flag(e.task, e.entry, EntryFlags::WOKEN, true, out);
        let woke = self.try_to_wake_up(e.task, mode, out);
        self.unlink(q, e.task, e.entry, out);
        WakeResult { ret: i8::from(exclusive), woke, handoff: exclusive }
    }

    /// `wake_up_page_bit(page, PG_locked)`: `[q.lock: __wake_up_common(TASK_NORMAL, 1, key);
    /// if !waitqueue_active(q) || !key.page_match → ClearPageWaiters]` [ref §2.1].
    pub fn wake_up_page_bit(&mut self, q: QueueId, out: &mut impl Sink) {
        let mut key = WakeKey::default();
        self.wake_up_common(q, TASK_NORMAL, 1, &mut key, out);
        if !self.waitqueue_active(q) || !key.page_match {
            self.set_page_waiters(false, out);
        }
    }

    /// Who sleeps on the queue and could be woken through it: the tasks of its entries.
    pub fn queue_tasks(&self, q: QueueId) -> impl Iterator<Item = TaskId> + '_ {
        self.queue(q).list.iter().map(|e| e.task)
    }
}

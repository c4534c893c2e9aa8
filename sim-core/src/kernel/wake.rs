//! The wakeup side: `__wake_up_common()` and the wake functions it calls [ref §0, §2.1, §2.3],
//! `wake_up_page_bit()` and the 2009 bit-wait forms [ref §4.1].

use crate::effect::{Effect, Sink};
use crate::ids::{EntryId, PageId, QueueId, TaskId};
use crate::kernel::bitops::test_bit;
use crate::kernel::page::PG_WAITERS;
use crate::kernel::task::{TaskState, TASK_NORMAL};
use crate::kernel::waitqueue::{EntryFlags, EntryKey, EntryRef, PageWake, WakeFn};
use crate::kernel::Kernel;

/// `struct wait_page_key` / `struct wait_bit_key`: what a keyed walk wakes, and whether it met
/// an entry of that page (`page_match`) [ref §2.1].
#[derive(Clone, Copy, Debug, Default)]
pub struct WakeKey {
    pub key: Option<EntryKey>,
    pub page_match: bool,
}

/// A waker's bookmark entry and the walk's break count (`WAITQUEUE_WALK_BREAK_CNT`, 64 in the
/// kernel, a scenario parameter in the model) [ref §2.4].
#[derive(Clone, Copy, Debug)]
pub struct Bookmark {
    pub task: TaskId,
    pub entry: EntryId,
    pub walk_break: u8,
}

/// A bookmarked walk between two holds of its queue's lock: waker `task` linked its bookmark at
/// index `at` and dropped the lock; when it takes the lock again it resumes with the entry after
/// the bookmark, so an entry linked in front of it is never walked [ref §2.4].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PausedWalk {
    pub task: TaskId,
    pub at: usize,
}

/// What one wake function did: its return value, and what the oracle needs to know of it.
struct WakeResult {
    ret: i8,
    woke: bool,
    handoff: bool,
}

impl WakeResult {
    fn plain(woke: bool) -> WakeResult {
        WakeResult { ret: i8::from(woke), woke, handoff: false }
    }

    const STOP: WakeResult = WakeResult { ret: -1, woke: false, handoff: false };
}

impl Kernel {
    /// Whether the entry is a waker's bookmark (`WQ_FLAG_BOOKMARK`), not a waiter [ref §2.4].
    pub fn is_bookmark(&self, r: EntryRef) -> bool {
        self.flags(r.task, r.entry).contains(EntryFlags::BOOKMARK)
    }

    /// The walks of `q` paused at a bookmark, head first: each waker dropped q.lock mid-walk.
    pub fn paused_walks(&self, q: QueueId) -> impl Iterator<Item = PausedWalk> + '_ {
        let list = &self.queue(q).list;
        list.iter().enumerate().filter(|(_, r)| self.is_bookmark(**r)).map(|(at, r)| PausedWalk { task: r.task, at })
    }

    /// The page an entry waits for: the page whose flags word its key names. On a hashed queue
    /// entries of several pages share the list, and a keyed walk wakes only one page's [ref §2.1].
    pub fn entry_page(&self, r: EntryRef) -> Option<PageId> {
        self.page_of(self.task(r.task).entries[r.entry.index()].key?.var)
    }

    /// `__wake_up_common(q, mode, nr_exclusive, key)`, called with q.lock held by `waker`: walk
    /// from HEAD; `r = e.func()`; `r < 0` → stop; `r > 0 && e.EXCL && --nr_exclusive == 0` → stop.
    /// An exclusive wakeup is spent only when the wake function reports a real wakeup
    /// [ref §0 table, `__wake_up_common` row]. Returns how many tasks it woke.
    pub fn wake_up_common(
        &mut self,
        q: QueueId,
        mode: u16,
        nr_exclusive: u8,
        key: &mut WakeKey,
        out: &mut impl Sink,
    ) -> u8 {
        self.wake_up_common_bookmark(q, mode, nr_exclusive, key, None, out)
    }

    /// `__wake_up_common(q, mode, nr_exclusive, wake_flags, key, bookmark)` of v4.14: the walk
    /// of [`Kernel::wake_up_common`], which passes over `WQ_FLAG_BOOKMARK` entries, and with a
    /// bookmark it starts after the bookmark if the bookmark is linked (unlinking it and clearing
    /// its flags), and once it has called more than `walk_break` wake functions
    /// (`++cnt > WAITQUEUE_WALK_BREAK_CNT`) with entries still after the current one, links the
    /// bookmark before the next entry with `WQ_FLAG_BOOKMARK` set and stops. The caller then
    /// drops q.lock and calls again [ref §2.4, "bookmark"]. Without a bookmark, or when the walk
    /// ends before the break, it is exactly the walk of 4.13.
    pub fn wake_up_common_bookmark(
        &mut self,
        q: QueueId,
        mode: u16,
        nr_exclusive: u8,
        key: &mut WakeKey,
        bookmark: Option<Bookmark>,
        out: &mut impl Sink,
    ) -> u8 {
        let mut i = 0;
        if let Some(b) = bookmark {
            if self.flags(b.task, b.entry).contains(EntryFlags::BOOKMARK) {
                // `curr = list_next_entry(bookmark); list_del(&bookmark->entry); bookmark->flags = 0;`
                let me = EntryRef { task: b.task, entry: b.entry };
                if let Some(at) = self.queue(q).list.iter().position(|&x| x == me) {
                    self.queues[q.index()].list.remove(at);
                    i = at;
                }
                self.task_mut(b.task).entries[b.entry.index()].flags = EntryFlags::default();
                out.emit(Effect::WalkResume { queue: q, task: b.task, entry: b.entry, at: i as u8 });
            }
        }
        out.emit(Effect::WakeBegin { queue: q, mode, nr_exclusive });
        // An int, as in the kernel: 0 means "wake every exclusive waiter" (`wake_up_all`), because
        // `--nr_exclusive` then never reaches 0.
        let mut nr_exclusive = i32::from(nr_exclusive);
        let mut woken = 0;
        let mut cnt = 0u32;
        // list_for_each_entry_safe: the wake function may unlink the entry it is called on.
        while let Some(&cur) = self.queue(q).list.get(i) {
            // `unsigned flags = curr->flags;` is read before the call.
            let flags = self.flags(cur.task, cur.entry);
            if flags.contains(EntryFlags::BOOKMARK) {
                // Another waker's bookmark: `if (flags & WQ_FLAG_BOOKMARK) continue;`.
                i += 1;
                continue;
            }
            let exclusive = flags.contains(EntryFlags::EXCLUSIVE);
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
            if let Some(b) = bookmark {
                cnt += 1;
                if cnt > u32::from(b.walk_break) && i < self.queue(q).list.len() {
                    // `bookmark->flags = WQ_FLAG_BOOKMARK; list_add_tail(&bookmark->entry,
                    // &next->entry);`: linked just before the next entry.
                    self.task_mut(b.task).entries[b.entry.index()].flags = EntryFlags::BOOKMARK;
                    self.queues[q.index()].list.insert(i, EntryRef { task: b.task, entry: b.entry });
                    out.emit(Effect::WalkBreak { queue: q, task: b.task, entry: b.entry, at: i as u8 });
                    break;
                }
            }
        }
        out.emit(Effect::WakeEnd { queue: q, woken });
        woken
    }

    /// `__wake_up(q, mode, nr_exclusive, key)` and every `wake_up*()` macro:
    /// `[q.lock: __wake_up_common(mode, nr_exclusive, key)]` [ref §0 table, `wake_up_interruptible*`
    /// row].
    pub fn wake_up(
        &mut self,
        q: QueueId,
        mode: u16,
        nr_exclusive: u8,
        key: Option<EntryKey>,
        out: &mut impl Sink,
    ) -> u8 {
        self.wake_up_common(q, mode, nr_exclusive, &mut WakeKey { key, page_match: false }, out)
    }

    fn call_wake_function(
        &mut self,
        q: QueueId,
        e: EntryRef,
        mode: u16,
        key: &mut WakeKey,
        out: &mut impl Sink,
    ) -> WakeResult {
        let entry = self.task(e.task).entries[e.entry.index()];
        match entry.func {
            // default_wake_function: try_to_wake_up(e.private, mode) [ref §0].
            WakeFn::Default => WakeResult::plain(self.try_to_wake_up(e.task, mode, out)),
            WakeFn::Autoremove => WakeResult::plain(self.autoremove_wake_function(q, e, mode, out)),
            WakeFn::Woken => WakeResult::plain(self.woken_wake_function(e, mode, out)),
            WakeFn::Page(kind) => self.wake_page_function(q, e, kind, mode, entry.key, key, out),
            WakeFn::Bit => self.wake_bit_function(q, e, mode, entry.key, key.key, out),
            // A NULL wake function is a bookmark's, and walks pass over bookmarks before they
            // would call it; an entry that is not flagged as one would oops the kernel. The
            // model wakes nobody [ref §2.4].
            WakeFn::Null => WakeResult::plain(false),
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

    /// `woken_wake_function`: `smp_mb(); wq_entry->flags |= WQ_FLAG_WOKEN;` then
    /// `default_wake_function()` [ref §4.3]. The flag is set whether or not the task was
    /// sleeping: that is what lets `wait_woken()` skip a sleep it has not begun.
    fn woken_wake_function(&mut self, e: EntryRef, mode: u16, out: &mut impl Sink) -> bool {
        self.set_flag(e.task, e.entry, EntryFlags::WOKEN, true, out);
        self.try_to_wake_up(e.task, mode, out)
    }

    /// `wake_page_function` in its historical forms [ref §2.1, §2.3]. An entry of another page
    /// (the queue is hashed) is passed over and stays queued; a match sets `key.page_match`.
    #[allow(clippy::too_many_arguments)]
    fn wake_page_function(
        &mut self,
        q: QueueId,
        e: EntryRef,
        kind: PageWake,
        mode: u16,
        entry_key: Option<EntryKey>,
        key: &mut WakeKey,
        out: &mut impl Sink,
    ) -> WakeResult {
        if let (Some(k), Some(mine)) = (key.key, entry_key) {
            if mine.var != k.var {
                return WakeResult::plain(false);
            }
            key.page_match = true;
            if mine.bit != k.bit {
                return WakeResult::plain(false);
            }
        } else {
            key.page_match = true;
        }
        let relocked = entry_key.is_some_and(|k| test_bit(self.var(k.var), k.bit) != 0);
        match kind {
            // ≤4.13-rc: bit already set again → 0, else autoremove_wake_function [ref §2.1].
            PageWake::Rc if relocked => WakeResult::plain(false),
            // 3510ca20ece0: bit already re-taken → -1, and __wake_up_common stops [ref §2.3 item 1].
            PageWake::StopIfRelocked if relocked => WakeResult::STOP,
            PageWake::Rc | PageWake::StopIfRelocked => {
                WakeResult::plain(self.autoremove_wake_function(q, e, mode, out))
            }
            PageWake::Handoff => self.wake_page_handoff(q, e, mode, entry_key, out),
        }
    }

    /// 2a9127fcf229's wake function: for an EXCL entry `test_and_set_bit`, and if the bit was
    /// already set return -1 (the new owner will wake us later); then set WOKEN,
    /// `wake_up_state(task)`, and last `list_del_init(entry)`; return 1 only for EXCL entries
    /// [ref §2.3 item 4, "Waker"].
    fn wake_page_handoff(
        &mut self,
        q: QueueId,
        e: EntryRef,
        mode: u16,
        entry_key: Option<EntryKey>,
        out: &mut impl Sink,
    ) -> WakeResult {
        let exclusive = self.flags(e.task, e.entry).contains(EntryFlags::EXCLUSIVE);
        if exclusive {
            // The lock is taken on the woken task's behalf: it is the new owner.
            let taken = entry_key.is_none_or(|k| self.test_and_set_bit(k.var, k.bit, e.task, out) == 0);
            if !taken {
                return WakeResult::STOP;
            }
        }
        self.set_flag(e.task, e.entry, EntryFlags::WOKEN, true, out);
        let woke = self.try_to_wake_up(e.task, mode, out);
        self.unlink(q, e.task, e.entry, out);
        WakeResult { ret: i8::from(exclusive), woke, handoff: exclusive }
    }

    /// `wake_bit_function` (2009): another word or bit, or the bit set again → 0; else
    /// `autoremove_wake_function` [ref §4.1].
    fn wake_bit_function(
        &mut self,
        q: QueueId,
        e: EntryRef,
        mode: u16,
        entry_key: Option<EntryKey>,
        key: Option<EntryKey>,
        out: &mut impl Sink,
    ) -> WakeResult {
        let other = matches!((entry_key, key), (Some(a), Some(b)) if a != b);
        let relocked = entry_key.is_some_and(|k| test_bit(self.var(k.var), k.bit) != 0);
        if other || relocked {
            return WakeResult::plain(false);
        }
        WakeResult::plain(self.autoremove_wake_function(q, e, mode, out))
    }

    /// `wake_up_page_bit(page, bit)`: `[q.lock: __wake_up_common(TASK_NORMAL, 1, key);
    /// if !waitqueue_active(q) || !key.page_match → ClearPageWaiters]` [ref §2.1].
    pub fn wake_up_page_bit(&mut self, q: QueueId, page: PageId, bit: u8, waker: TaskId, out: &mut impl Sink) {
        let flags = self.pages[page.index()].flags;
        let mut key = WakeKey { key: Some(EntryKey { var: flags, bit }), page_match: false };
        self.wake_up_common(q, TASK_NORMAL, 1, &mut key, out);
        if !self.waitqueue_active(q) || !key.page_match {
            self.assign_bit(flags, PG_WAITERS, false, waker, out);
        }
    }

    /// `__wake_up_locked_key(q, mode, &key)` and `__wake_up_locked_key_bookmark(q, mode, &key,
    /// &bookmark)` (`__wake_up_common(q, mode, 1, 0, &key, bookmark)`), inside the caller's
    /// q.lock step, with a `struct wait_page_key` whose `page_match` is the task's local
    /// `page_match` (0 or 1 before the call): returns `key.page_match` after the walk
    /// [ref §2.1, §2.4].
    #[allow(clippy::too_many_arguments)]
    pub fn wake_up_keyed(
        &mut self,
        q: QueueId,
        mode: u16,
        nr_exclusive: u8,
        key: EntryKey,
        page_match: i32,
        bookmark: Option<Bookmark>,
        out: &mut impl Sink,
    ) -> i32 {
        let mut k = WakeKey { key: Some(key), page_match: page_match != 0 };
        self.wake_up_common_bookmark(q, mode, nr_exclusive, &mut k, bookmark, out);
        i32::from(k.page_match)
    }

    /// `abort_exclusive_wait(q, wait, mode, key)` (777c6c5f1f6e): `__set_current_state(RUNNING);
    /// [q.lock: if linked → unlink; else if waitqueue_active(q) → __wake_up_locked_key(q, mode,
    /// key)]`: a waiter that was woken through the queue passes the wakeup on [ref §4.1].
    pub fn abort_exclusive_wait(&mut self, t: TaskId, q: QueueId, e: EntryId, mode: u16, out: &mut impl Sink) {
        self.set_state(t, TaskState::Running, out);
        if self.linked_on(t, e) == Some(q) {
            self.unlink(q, t, e, out);
        } else if self.waitqueue_active(q) {
            let key = self.task(t).entries[e.index()].key;
            self.wake_up(q, mode, 1, key, out);
        }
        out.emit(Effect::FinishWait { task: t, queue: q });
    }

    /// Who sleeps on the queue and could be woken through it: the tasks of its entries.
    pub fn queue_tasks(&self, q: QueueId) -> impl Iterator<Item = TaskId> + '_ {
        self.queue(q).list.iter().map(|e| e.task)
    }
}

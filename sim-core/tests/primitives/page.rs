//! §2.1 / §2.3: the page lock. PG_locked (bit 0) and PG_waiters (bit 7) are bits of the page's
//! flags variable, changed by bit operations; a change is a Page effect, and the model records
//! which task set PG_locked. Then the waiters' critical sections as the primitives they are made
//! of, and `wake_up_page_bit`.

use super::*;

/// [ref §2.1 lock_page] `trylock_page()` = `!test_and_set_bit_lock(PG_locked, &page->flags)`:
/// on a free page it sets PG_locked, returns 0 (so trylock succeeds), and the model records the
/// caller as the owner. The other page is untouched.
#[test]
fn test_and_set_bit_lock_takes_a_free_page() {
    let mut k = kernel();
    let mut fx = Vec::new();
    assert_eq!(k.test_and_set_bit(P0_FLAGS, PG_LOCKED, T0, &mut fx), 0);
    assert_eq!(page(&k, P0), (true, false, Some(T0)));
    assert_eq!(k.var(P0_FLAGS), 1 << PG_LOCKED);
    assert_eq!(page(&k, P1), (false, false, None));
    assert_eq!(fx, vec![page_fx(true, false, Some(T0))]);
}

/// [ref §2.1 lock_page] `test_and_set_bit_lock(PG_locked)` on a locked page: returns 1 (trylock
/// fails); the bits and the owner are unchanged, and nothing is emitted.
#[test]
fn test_and_set_bit_lock_fails_on_a_locked_page() {
    let mut k = kernel();
    set_page(&mut k, P0, true, true, Some(T1));
    let mut fx = Vec::new();
    assert_eq!(k.test_and_set_bit(P0_FLAGS, PG_LOCKED, T0, &mut fx), 1);
    assert_eq!(page(&k, P0), (true, true, Some(T1)));
    assert_eq!(fx, vec![]);
}

/// [ref §2.1 "Waiters sleep on a queue chosen by hashing the page"]: each page has its own flags
/// word, so a bit operation on page 1's word changes page 1 only, reports page 1 in its Page
/// effect, and tracks page 1's owner; page 0 keeps its own.
#[test]
fn bit_operations_on_a_page_change_that_page_only() {
    let mut k = kernel();
    set_page(&mut k, P0, true, false, Some(T0));
    let mut fx = Vec::new();
    assert_eq!(k.test_and_set_bit(P1_FLAGS, PG_LOCKED, T1, &mut fx), 0);
    k.assign_bit(P1_FLAGS, PG_WAITERS, true, T2, &mut fx);
    assert_eq!((page(&k, P0), page(&k, P1)), ((true, false, Some(T0)), (true, true, Some(T1))));
    assert_eq!(k.clear_bit_unlock_is_negative_byte(P1_FLAGS, PG_LOCKED, T1, &mut fx), 1);
    assert_eq!((page(&k, P0), page(&k, P1)), ((true, false, Some(T0)), (false, true, None)));
    assert_eq!(
        fx,
        vec![
            Effect::Page { page: P1, locked: true, waiters: false, owner: Some(T1) },
            Effect::Page { page: P1, locked: true, waiters: true, owner: Some(T1) },
            Effect::Page { page: P1, locked: false, waiters: true, owner: None },
        ]
    );
}

/// [ref §2.1 unlock_page], first half: `clear_bit_unlock_is_negative_byte(PG_locked,
/// &page->flags)` clears PG_locked (the page has no owner any more) and returns PG_waiters,
/// which it leaves as it was. It wakes nobody by itself.
#[test]
fn clear_bit_unlock_is_negative_byte_unlocks_the_page_and_returns_pg_waiters() {
    for waiters in [true, false] {
        let mut k = kernel();
        set_page(&mut k, P0, true, waiters, Some(T0));
        if waiters {
            park(&mut k, T1, Q0, E0, Killable, true);
        }
        let mut fx = Vec::new();
        assert_eq!(k.clear_bit_unlock_is_negative_byte(P0_FLAGS, PG_LOCKED, T0, &mut fx), i32::from(waiters));
        assert_eq!(page(&k, P0), (false, waiters, None));
        assert_eq!(fx, vec![page_fx(false, waiters, None)]);
        assert_eq!(k.task(T1).asleep(), waiters, "no wakeup here");
    }
}

/// [ref §2.1 "q.lock protects the list and the setting and clearing of PG_waiters"]
/// `SetPageWaiters` / `ClearPageWaiters` are `assign_bit(PG_waiters)` on the flags word: the
/// owner of PG_locked stays whoever does it, and only a change is emitted. A whole-word store
/// that clears PG_locked releases the owner; one that sets it makes the storing task the owner.
#[test]
fn pg_waiters_changes_keep_the_owner_and_pg_locked_changes_set_it() {
    let mut k = kernel();
    set_page(&mut k, P0, true, false, Some(T2));
    let mut fx = Vec::new();
    k.assign_bit(P0_FLAGS, PG_WAITERS, true, T0, &mut fx);
    assert_eq!(page(&k, P0), (true, true, Some(T2)));
    k.assign_bit(P0_FLAGS, PG_WAITERS, true, T1, &mut fx); // already set
    k.assign_bit(P0_FLAGS, PG_WAITERS, false, T1, &mut fx);
    assert_eq!(page(&k, P0), (true, false, Some(T2)));
    assert_eq!(fx, vec![page_fx(true, true, Some(T2)), page_fx(true, false, Some(T2))]);

    let mut fx = Vec::new();
    k.write_var(P0_FLAGS, 1 << PG_WAITERS, T1, &mut fx);
    assert_eq!(page(&k, P0), (false, true, None));
    k.write_var(P0_FLAGS, 1 << PG_WAITERS | 1 << PG_LOCKED, T3, &mut fx);
    assert_eq!(page(&k, P0), (true, true, Some(T3)));
    assert_eq!(page(&k, P1), (false, false, None), "the other page is untouched");
    assert_eq!(fx, vec![page_fx(false, true, None), page_fx(true, true, Some(T3))]);
}

/// [ref §2.1 listing] L1–L2 of `wait_on_page_bit_common` (lock=true), the scenario's critical
/// section `[q.lock: if list_empty(e): __add_wait_queue_entry_tail_exclusive; SetPageWaiters;
/// state := S]`, as the primitives it is made of.
fn l1_l2(k: &mut Kernel, t: TaskId, s: TaskState, out: &mut Vec<Effect>) {
    if k.linked_on(t, E0).is_none() {
        k.set_flags(t, E0, i32::from(EXCL.bits()), out);
        k.link(Q0, t, E0, false, out);
        k.assign_bit(P0_FLAGS, PG_WAITERS, true, t, out);
    }
    k.set_current_state(t, s, out);
}

/// [ref §2.1 listing] L1–L2: link at the TAIL with EXCL, set PG_waiters (the owner stays the
/// lock holder), state := S. The second waiter queues behind the first, and PG_waiters, already
/// set, emits nothing. Already linked: not linked again, but the state is stored again.
#[test]
fn page_waiter_l1_l2_links_tail_exclusive_sets_waiters_and_state() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Rc));
    set_page(&mut k, P0, true, false, Some(T2));

    let mut fx = Vec::new();
    l1_l2(&mut k, T0, Killable, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert_eq!(flags(&k, T0, E0), EXCL);
    assert_eq!(page(&k, P0), (true, true, Some(T2)));
    assert_eq!(k.task(T0).state, Killable);
    assert_eq!(
        fx,
        vec![
            Effect::Flags { task: T0, entry: E0, flags: EXCL },
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: false, exclusive: true },
            page_fx(true, true, Some(T2)),
            state(Running, Killable, T0),
        ]
    );

    let mut fx = Vec::new();
    l1_l2(&mut k, T1, Killable, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0)], "FIFO: at the tail");
    assert_eq!(
        fx,
        vec![
            Effect::Flags { task: T1, entry: E0, flags: EXCL },
            Effect::Link { queue: Q0, task: T1, entry: E0, at_head: false, exclusive: true },
            state(Running, Killable, T1),
        ],
        "PG_waiters already set: no Page effect"
    );

    // T0 was woken (RUNNING) but its entry is still linked: the next pass only re-arms the state.
    k.task_mut(T0).state = Running;
    let mut fx = Vec::new();
    l1_l2(&mut k, T0, Killable, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0)]);
    assert_eq!(k.task(T0).state, Killable);
    assert_eq!(fx, vec![state(Running, Killable, T0)]);
}

/// [ref §2.3 item 4, "Waiter"] (2a9127fcf229), the scenario's critical section `[q.lock:
/// SetPageWaiters; if EXCL and !test_and_set_bit → WOKEN; else link at TAIL]`, as its
/// primitives. Returns whether the waiter took the lock itself.
fn handoff_waiter(k: &mut Kernel, t: TaskId, out: &mut Vec<Effect>) -> bool {
    k.set_flags(t, E0, i32::from(EXCL.bits()), out); // `wait->flags = WQ_FLAG_EXCLUSIVE` at init
    k.assign_bit(P0_FLAGS, PG_WAITERS, true, t, out);
    if k.test_and_set_bit(P0_FLAGS, PG_LOCKED, t, out) == 0 {
        k.set_flags(t, E0, i32::from(excl_woken().bits()), out);
        true
    } else {
        k.link(Q0, t, E0, false, out);
        false
    }
}

/// [ref §2.3 item 4, "Waiter"]: page free: the waiter takes the lock itself (it is the owner),
/// sets WOKEN and is not linked; its state is not touched.
#[test]
fn handoff_waiter_takes_a_free_lock_and_sets_woken() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Handoff));
    let mut fx = Vec::new();
    assert!(handoff_waiter(&mut k, T0, &mut fx));
    assert_eq!(list(&k, Q0), vec![]);
    assert_eq!(k.linked_on(T0, E0), None);
    assert_eq!(flags(&k, T0, E0), excl_woken());
    assert_eq!(page(&k, P0), (true, true, Some(T0)));
    assert_eq!(k.task(T0).state, Running);
    assert_eq!(
        fx,
        vec![
            Effect::Flags { task: T0, entry: E0, flags: EXCL },
            page_fx(false, true, None),
            page_fx(true, true, Some(T0)),
            Effect::Flags { task: T0, entry: E0, flags: excl_woken() },
        ]
    );
}

/// [ref §2.3 item 4, "Waiter"]: page locked → link at TAIL (EXCL, no WOKEN); PG_waiters set; the
/// failed `test_and_set_bit` leaves the owner and emits nothing.
#[test]
fn handoff_waiter_links_at_tail_when_locked() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Handoff));
    set_page(&mut k, P0, true, false, Some(T2));
    park(&mut k, T1, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    assert!(!handoff_waiter(&mut k, T0, &mut fx));
    assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T0, E0)]);
    assert_eq!(flags(&k, T0, E0), EXCL);
    assert_eq!(page(&k, P0), (true, true, Some(T2)));
    assert_eq!(k.task(T0).state, Running);
    assert_eq!(
        fx,
        vec![
            Effect::Flags { task: T0, entry: E0, flags: EXCL },
            page_fx(true, true, Some(T2)),
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: false, exclusive: true },
        ]
    );
}

/// [ref §2.1 wake_up_page_bit]: `[q.lock: __wake_up_common(TASK_NORMAL, 1, key); if
/// !waitqueue_active(q) || !key.page_match → ClearPageWaiters]`. The only waiter is woken and
/// the queue ends empty: PG_waiters is cleared.
#[test]
fn wake_up_page_bit_clears_pg_waiters_when_the_queue_ends_empty() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Rc));
    set_page(&mut k, P0, false, true, None);
    park(&mut k, T0, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
    assert_eq!(list(&k, Q0), vec![]);
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    assert_eq!(page(&k, P0), (false, false, None));
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            state(Killable, Running, T0),
            Effect::Enqueue { task: T0 },
            Effect::Unlink { queue: Q0, task: T0, entry: E0 },
            wake_call(T0, 1, true, true, false),
            Effect::WakeEnd { queue: Q0, woken: 1 },
            page_fx(false, false, None),
        ]
    );
}

/// [ref §2.1 wake_up_page_bit] with waiters of the page left behind the woken exclusive one:
/// PG_waiters stays set (no Page effect). Also: StopIfRelocked on an unlocked page is
/// autoremove [ref §2.3 item 1].
#[test]
fn wake_up_page_bit_keeps_pg_waiters_when_waiters_remain() {
    let mut k = kernel_with(WakeFn::Page(PageWake::StopIfRelocked));
    set_page(&mut k, P0, false, true, None);
    park(&mut k, T0, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0)]);
    assert!(!k.task(T0).asleep());
    assert!(k.task(T1).asleep());
    assert_eq!(page(&k, P0), (false, true, None));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Page { .. })));
    assert_eq!(fx.last(), Some(&Effect::WakeEnd { queue: Q0, woken: 1 }));
}

/// [ref §2.1 wake_up_page_bit] on an empty queue (`!waitqueue_active` and no page match): the
/// walk finds nobody, and PG_waiters is cleared.
#[test]
fn wake_up_page_bit_on_an_empty_queue_clears_pg_waiters() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Rc));
    set_page(&mut k, P0, false, true, None);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
    assert!(!k.page_waiters(P0));
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            Effect::WakeEnd { queue: Q0, woken: 0 },
            page_fx(false, false, None),
        ]
    );
}

/// [ref §2.1 wake_up_page_bit] on a hashed queue that still holds waiters, but only of another
/// page (`!key.page_match`): PG_waiters of this page is cleared although the queue is active;
/// the other page's waiter is passed over, stays queued and asleep, and its page's PG_waiters
/// stays set. With a waiter of this page left (`page_match`), PG_waiters stays.
#[test]
fn wake_up_page_bit_clears_pg_waiters_when_no_entry_matched_the_page() {
    for version in [PageWake::Rc, PageWake::StopIfRelocked, PageWake::Handoff] {
        let mut k = kernel_with(WakeFn::Page(version));
        set_page(&mut k, P0, false, true, None);
        set_page(&mut k, P1, true, true, Some(T2));
        park(&mut k, T1, Q0, E0, Killable, true);
        set_key(&mut k, T1, E0, Some(LOCK1));
        let mut fx = Vec::new();
        k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
        assert!(k.waitqueue_active(Q0), "{version:?}");
        assert_eq!(list(&k, Q0), vec![r(T1, E0)], "{version:?}");
        assert!(k.task(T1).asleep(), "{version:?}");
        assert_eq!((page(&k, P0), page(&k, P1)), ((false, false, None), (true, true, Some(T2))), "{version:?}");
        assert_eq!(
            fx,
            vec![
                Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
                wake_call(T1, 0, false, true, false),
                Effect::WakeEnd { queue: Q0, woken: 0 },
                page_fx(false, false, None),
            ],
            "{version:?}"
        );

        // A waiter of page 0 behind it (on a bit other than PG_locked, so not woken): a match.
        set_page(&mut k, P0, false, true, None);
        park(&mut k, T0, Q0, E0, Killable, false);
        set_key(&mut k, T0, E0, Some(EntryKey { var: P0_FLAGS, bit: 1 }));
        let mut fx = Vec::new();
        k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
        assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T0, E0)], "{version:?}");
        assert_eq!(page(&k, P0), (false, true, None), "{version:?}: PG_waiters stays");
        assert!(!fx.iter().any(|e| matches!(e, Effect::Page { .. })), "{version:?}");
    }
}

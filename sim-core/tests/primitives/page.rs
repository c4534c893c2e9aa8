//! §2.1: page lock primitives (and the §2.3 item 4 waiter), `wake_up_page_bit`.

use super::*;

/// §2.1 `trylock_page` = `!test_and_set_bit_lock(PG_locked)`: on a free page it sets PG_locked
/// (and the model records the owner).
#[test]
fn trylock_page_takes_a_free_page() {
    let mut k = kernel();
    let mut fx = Vec::new();
    assert!(k.trylock_page(T0, &mut fx));
    assert_eq!(k.page, Page { locked: true, waiters: false, owner: Some(T0) });
    assert_eq!(fx, vec![page_fx(true, false, Some(T0))]);
}

/// §2.1 `trylock_page` on a locked page: fails, the bit and its owner are unchanged.
#[test]
fn trylock_page_fails_on_a_locked_page() {
    let mut k = kernel();
    k.page = Page { locked: true, waiters: true, owner: Some(T1) };
    let mut fx = Vec::new();
    assert!(!k.trylock_page(T0, &mut fx));
    assert_eq!(k.page, Page { locked: true, waiters: true, owner: Some(T1) });
    assert_eq!(fx, vec![]);
}

/// §2.1 `unlock_page`, first half (`clear_bit_unlock_is_negative_byte`): clear PG_locked and
/// return PG_waiters, which it leaves as it was. It wakes nobody by itself.
#[test]
fn clear_page_locked_clears_the_bit_and_returns_pg_waiters() {
    for waiters in [true, false] {
        let mut k = kernel();
        k.page = Page { locked: true, waiters, owner: Some(T0) };
        if waiters {
            park(&mut k, T1, Q0, E0, Killable, true);
        }
        let mut fx = Vec::new();
        assert_eq!(k.clear_page_locked(&mut fx), waiters);
        assert_eq!(k.page, Page { locked: false, waiters, owner: None });
        assert_eq!(fx, vec![page_fx(false, waiters, None)]);
        assert_eq!(k.task(T1).asleep(), waiters, "no wakeup here");
    }
}

/// §2.1 `wait_on_page_bit_common` L1–L2 (lock=true): `[q.lock: if unlinked: add TAIL+EXCL;
/// SetPageWaiters; state:=S]`. Already linked: not linked again, but the state is stored again.
#[test]
fn link_page_waiter_links_tail_exclusive_sets_waiters_and_state() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Rc));
    k.page = Page { locked: true, waiters: false, owner: Some(T2) };

    let mut fx = Vec::new();
    k.link_page_waiter(T0, Q0, E0, Killable, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert_eq!(flags(&k, T0, E0), EXCL);
    assert_eq!(k.page, Page { locked: true, waiters: true, owner: Some(T2) });
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
    k.link_page_waiter(T1, Q0, E0, Killable, &mut fx);
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
    k.link_page_waiter(T0, Q0, E0, Killable, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0)]);
    assert_eq!(k.task(T0).state, Killable);
    assert_eq!(fx, vec![state(Running, Killable, T0)]);
}

/// §2.3 item 4 (2a9127fcf229) waiter: `[q.lock: SetPageWaiters; if EXCL: test_and_set_bit →
/// success sets WOKEN; else link at TAIL]`. Page free: the waiter takes the lock itself, sets
/// WOKEN and is not linked; its state is not touched.
#[test]
fn link_page_waiter_handoff_takes_a_free_lock_and_sets_woken() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Handoff));
    let mut fx = Vec::new();
    k.link_page_waiter_handoff(T0, Q0, E0, &mut fx);
    assert_eq!(list(&k, Q0), vec![]);
    assert_eq!(k.linked_on(T0, E0), None);
    assert_eq!(flags(&k, T0, E0), excl_woken());
    assert_eq!(k.page, Page { locked: true, waiters: true, owner: Some(T0) });
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

/// §2.3 item 4 waiter: page locked → link at TAIL (EXCL, no WOKEN); PG_waiters set.
#[test]
fn link_page_waiter_handoff_links_at_tail_when_locked() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Handoff));
    k.page = Page { locked: true, waiters: false, owner: Some(T2) };
    park(&mut k, T1, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.link_page_waiter_handoff(T0, Q0, E0, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T0, E0)]);
    assert_eq!(flags(&k, T0, E0), EXCL);
    assert_eq!(k.page, Page { locked: true, waiters: true, owner: Some(T2) });
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

/// §2.1 `wake_up_page_bit`: `[q.lock: __wake_up_common(TASK_NORMAL, 1, key); if
/// !waitqueue_active(q) → ClearPageWaiters]`. The only waiter is woken and the queue ends
/// empty: PG_waiters is cleared.
#[test]
fn wake_up_page_bit_clears_pg_waiters_when_the_queue_ends_empty() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Rc));
    k.page = Page { locked: false, waiters: true, owner: None };
    park(&mut k, T0, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, &mut fx);
    assert_eq!(list(&k, Q0), vec![]);
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    assert_eq!(k.page, Page { locked: false, waiters: false, owner: None });
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

/// §2.1 `wake_up_page_bit` with waiters left behind the woken exclusive one: PG_waiters stays
/// set (no Page effect). Also: StopIfRelocked on an unlocked page is autoremove (§2.3 item 1).
#[test]
fn wake_up_page_bit_keeps_pg_waiters_when_waiters_remain() {
    let mut k = kernel_with(WakeFn::Page(PageWake::StopIfRelocked));
    k.page = Page { locked: false, waiters: true, owner: None };
    park(&mut k, T0, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0)]);
    assert!(!k.task(T0).asleep());
    assert!(k.task(T1).asleep());
    assert_eq!(k.page, Page { locked: false, waiters: true, owner: None });
    assert!(!fx.iter().any(|e| matches!(e, Effect::Page { .. })));
    assert_eq!(fx.last(), Some(&Effect::WakeEnd { queue: Q0, woken: 1 }));
}

/// §2.1 `wake_up_page_bit` on an empty queue (`!waitqueue_active` and no page match): it only
/// clears PG_waiters.
#[test]
fn wake_up_page_bit_on_an_empty_queue_clears_pg_waiters() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Rc));
    k.page = Page { locked: false, waiters: true, owner: None };
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, &mut fx);
    assert!(!k.page.waiters);
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            Effect::WakeEnd { queue: Q0, woken: 0 },
            page_fx(false, false, None),
        ]
    );
}

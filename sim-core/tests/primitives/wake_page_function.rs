//! §2.1 / §2.3: `wake_page_function`, three versions.

use super::*;

/// The page re-locked by T2 before the wakeup, PG_waiters set, and T0 then T1 parked KILLABLE
/// and exclusive on Q0 with `version` of `wake_page_function`: the "relocked" case of each version.
fn relocked_page_with_two_waiters(version: PageWake) -> Kernel {
    let mut k = kernel_with(WakeFn::Page(version));
    k.page = Page { locked: true, waiters: true, owner: Some(T2) };
    park(&mut k, T0, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    k
}

/// §2.1 `wake_page_function` (≤4.13-rc): bit already set again → return 0, so the walk goes on
/// to the next entry; nobody is woken or unlinked, PG_waiters stays.
#[test]
fn wake_page_function_rc_relocked_returns_zero_and_the_walk_continues() {
    let mut k = relocked_page_with_two_waiters(PageWake::Rc);
    let before = k.clone();
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, &mut fx);
    assert_eq!(k, before, "nothing changes");
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            wake_call(T0, 0, false, true, false),
            wake_call(T1, 0, false, true, false),
            Effect::WakeEnd { queue: Q0, woken: 0 },
        ]
    );
}

/// §2.1 `wake_page_function` (≤4.13-rc) on an unlocked page = autoremove; with §2.2's timing
/// note: T0, signalled first (RUNNING, still linked), gets ttwu()=0, so the exclusive wakeup goes
/// on to T1.
#[test]
fn wake_page_function_rc_passes_the_wakeup_over_a_running_waiter() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Rc));
    k.page = Page { locked: false, waiters: true, owner: None };
    park_running(&mut k, T0, Q0, E0, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert_eq!((k.task(T1).state, k.task(T1).on_rq), (Running, true));
    assert_eq!(k.page, Page { locked: false, waiters: true, owner: None });
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            wake_call(T0, 0, false, true, false),
            state(Killable, Running, T1),
            Effect::Enqueue { task: T1 },
            Effect::Unlink { queue: Q0, task: T1, entry: E0 },
            wake_call(T1, 1, true, true, false),
            Effect::WakeEnd { queue: Q0, woken: 1 },
        ]
    );
}

/// §2.3 item 1 (3510ca20ece0) `wake_page_function`: bit already re-taken → -1, and
/// `__wake_up_common` stops: the second waiter is not called. PG_waiters stays (queue active).
#[test]
fn wake_page_function_stop_if_relocked_returns_minus_one_and_the_walk_stops() {
    let mut k = relocked_page_with_two_waiters(PageWake::StopIfRelocked);
    let before = k.clone();
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, &mut fx);
    assert_eq!(k, before, "nothing changes");
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            wake_call(T0, -1, false, true, false),
            Effect::WakeEnd { queue: Q0, woken: 0 },
        ]
    );
}

/// §2.3 item 4 (2a9127fcf229) `wake_page_function`, exclusive entry, page free: take the lock
/// for the waiter, set WOKEN, wake it, unlink it last, return 1; one exclusive wakeup → stop.
#[test]
fn wake_page_function_handoff_takes_the_lock_for_one_exclusive_waiter() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Handoff));
    k.page = Page { locked: false, waiters: true, owner: None };
    park(&mut k, T0, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, &mut fx);
    assert_eq!(k.page, Page { locked: true, waiters: true, owner: Some(T0) });
    assert_eq!(list(&k, Q0), vec![r(T1, E0)]);
    assert_eq!(flags(&k, T0, E0), excl_woken());
    assert_eq!(flags(&k, T1, E0), EXCL);
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    assert!(k.task(T1).asleep());
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            page_fx(true, true, Some(T0)),
            Effect::Flags { task: T0, entry: E0, flags: excl_woken() },
            state(Killable, Running, T0),
            Effect::Enqueue { task: T0 },
            Effect::Unlink { queue: Q0, task: T0, entry: E0 },
            wake_call(T0, 1, true, true, true),
            Effect::WakeEnd { queue: Q0, woken: 1 },
        ]
    );
}

/// §2.3 item 4 `wake_page_function`, exclusive entry, bit already set: return -1 (the new owner
/// will wake later); no lock change, no WOKEN, no wakeup, no unlink, the walk stops.
#[test]
fn wake_page_function_handoff_on_a_relocked_page_returns_minus_one_and_changes_nothing() {
    let mut k = relocked_page_with_two_waiters(PageWake::Handoff);
    let before = k.clone();
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, &mut fx);
    assert_eq!(k, before, "nothing changes");
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            wake_call(T0, -1, false, true, false),
            Effect::WakeEnd { queue: Q0, woken: 0 },
        ]
    );
}

/// §2.3 item 4: "a spent exclusive wakeup *is* a lock transfer". An exclusive waiter already
/// RUNNING (signalled, entry still linked) still gets the lock and WOKEN, is unlinked, and the
/// function returns 1 although ttwu() returned 0; the next waiter is not called.
#[test]
fn wake_page_function_handoff_transfers_the_lock_to_a_signalled_waiter() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Handoff));
    k.page = Page { locked: false, waiters: true, owner: None };
    park_running(&mut k, T0, Q0, E0, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, &mut fx);
    assert_eq!(k.page, Page { locked: true, waiters: true, owner: Some(T0) });
    assert_eq!(list(&k, Q0), vec![r(T1, E0)]);
    assert_eq!(flags(&k, T0, E0), excl_woken());
    assert!(k.task(T1).asleep());
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            page_fx(true, true, Some(T0)),
            Effect::Flags { task: T0, entry: E0, flags: excl_woken() },
            Effect::Unlink { queue: Q0, task: T0, entry: E0 },
            wake_call(T0, 1, false, true, true),
            Effect::WakeEnd { queue: Q0, woken: 0 },
        ]
    );
}

/// §2.3 item 4 `wake_page_function`, non-exclusive entry: no lock taken; WOKEN, wake, unlink,
/// return 0 ("return 1 only for EXCL entries"), so the walk goes on to the exclusive waiter.
#[test]
fn wake_page_function_handoff_non_exclusive_entry_returns_zero_and_the_walk_continues() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Handoff));
    k.page = Page { locked: false, waiters: true, owner: None };
    park(&mut k, T0, Q0, E0, Uninterruptible, false);
    park(&mut k, T1, Q0, E0, Killable, true);
    park(&mut k, T2, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, &mut fx);
    assert_eq!(k.page, Page { locked: true, waiters: true, owner: Some(T1) });
    assert_eq!(list(&k, Q0), vec![r(T2, E0)]);
    assert_eq!(flags(&k, T0, E0), none().with(EntryFlags::WOKEN, true));
    assert_eq!(flags(&k, T1, E0), excl_woken());
    assert!(!k.task(T0).asleep() && !k.task(T1).asleep() && k.task(T2).asleep());
    assert_eq!(wake_calls(&fx), vec![wake_call(T0, 0, true, false, false), wake_call(T1, 1, true, true, true)]);
    assert_eq!(fx.last(), Some(&Effect::WakeEnd { queue: Q0, woken: 2 }));
}

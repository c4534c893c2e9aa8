//! §2.1 / §2.3: `wake_page_function`, three versions, and its key matching on a hashed queue.

use super::*;

/// Page 0 re-locked by T2 before the wakeup, PG_waiters set, and T0 then T1 parked KILLABLE and
/// exclusive on Q0, waiting for page 0's PG_locked with `version` of `wake_page_function`: the
/// "relocked" case of each version.
fn relocked_page_with_two_waiters(version: PageWake) -> Kernel {
    let mut k = kernel_with(WakeFn::Page(version));
    set_page(&mut k, P0, true, true, Some(T2));
    park(&mut k, T0, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    k
}

/// [ref §2.1 wake_page_function] (≤4.13-rc): bit already set again → return 0, so the walk goes on
/// to the next entry; nobody is woken or unlinked, PG_waiters stays.
#[test]
fn wake_page_function_rc_relocked_returns_zero_and_the_walk_continues() {
    let mut k = relocked_page_with_two_waiters(PageWake::Rc);
    let before = k.clone();
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
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

/// [ref §2.1 wake_page_function] (≤4.13-rc) on an unlocked page = autoremove; with the timing
/// note of [ref §2.2 "The signal must come after step 3"]: T0, signalled first (RUNNING, still linked), gets ttwu()=0, so the exclusive wakeup goes
/// on to T1.
#[test]
fn wake_page_function_rc_passes_the_wakeup_over_a_running_waiter() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Rc));
    set_page(&mut k, P0, false, true, None);
    park_running(&mut k, T0, Q0, E0, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert_eq!((k.task(T1).state, k.task(T1).on_rq), (Running, true));
    assert_eq!(page(&k, P0), (false, true, None));
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

/// [ref §2.3 item 1] (3510ca20ece0) `wake_page_function`: bit already re-taken → -1, and
/// `__wake_up_common` stops: the second waiter is not called. PG_waiters stays (queue active).
#[test]
fn wake_page_function_stop_if_relocked_returns_minus_one_and_the_walk_stops() {
    let mut k = relocked_page_with_two_waiters(PageWake::StopIfRelocked);
    let before = k.clone();
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
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

/// [ref §2.3 item 4, "Waker"] (2a9127fcf229) `wake_page_function`, exclusive entry, page free: take the lock
/// for the waiter, set WOKEN, wake it, unlink it last, return 1; one exclusive wakeup → stop.
#[test]
fn wake_page_function_handoff_takes_the_lock_for_one_exclusive_waiter() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Handoff));
    set_page(&mut k, P0, false, true, None);
    park(&mut k, T0, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
    assert_eq!(page(&k, P0), (true, true, Some(T0)));
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

/// [ref §2.3 item 4, "Waker"] `wake_page_function`, exclusive entry, bit already set: return -1 (the new owner
/// will wake later); no lock change, no WOKEN, no wakeup, no unlink, the walk stops.
#[test]
fn wake_page_function_handoff_on_a_relocked_page_returns_minus_one_and_changes_nothing() {
    let mut k = relocked_page_with_two_waiters(PageWake::Handoff);
    let before = k.clone();
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
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

/// [ref §2.3 item 4, "a spent exclusive wakeup is a transfer of the lock"]. An exclusive waiter already
/// RUNNING (signalled, entry still linked) still gets the lock and WOKEN, is unlinked, and the
/// function returns 1 although ttwu() returned 0; the next waiter is not called.
#[test]
fn wake_page_function_handoff_transfers_the_lock_to_a_signalled_waiter() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Handoff));
    set_page(&mut k, P0, false, true, None);
    park_running(&mut k, T0, Q0, E0, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
    assert_eq!(page(&k, P0), (true, true, Some(T0)));
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

/// [ref §2.3 item 4, "Waker"] `wake_page_function`, non-exclusive entry: no lock taken; WOKEN, wake, unlink,
/// return 0 ("return 1 only for EXCL entries"), so the walk goes on to the exclusive waiter.
#[test]
fn wake_page_function_handoff_non_exclusive_entry_returns_zero_and_the_walk_continues() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Handoff));
    set_page(&mut k, P0, false, true, None);
    park(&mut k, T0, Q0, E0, Uninterruptible, false);
    park(&mut k, T1, Q0, E0, Killable, true);
    park(&mut k, T2, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
    assert_eq!(page(&k, P0), (true, true, Some(T1)));
    assert_eq!(list(&k, Q0), vec![r(T2, E0)]);
    assert_eq!(flags(&k, T0, E0), WOKEN);
    assert_eq!(flags(&k, T1, E0), excl_woken());
    assert!(!k.task(T0).asleep() && !k.task(T1).asleep() && k.task(T2).asleep());
    assert_eq!(wake_calls(&fx), vec![wake_call(T0, 0, true, false, false), wake_call(T1, 1, true, true, true)]);
    assert_eq!(fx.last(), Some(&Effect::WakeEnd { queue: Q0, woken: 2 }));
}

/// The three versions.
const VERSIONS: [PageWake; 3] = [PageWake::Rc, PageWake::StopIfRelocked, PageWake::Handoff];

/// [ref §2.1 wake_page_function] "another page: return 0": on a hashed queue, an entry waiting
/// for another page is passed over (return 0, not woken, stays queued), in every version, and
/// the walk goes on to the waiter of this page, which takes the exclusive wakeup (and, with the
/// handoff of [ref §2.3 item 4, "Waker"], the lock).
#[test]
fn wake_page_function_passes_over_an_entry_of_another_page_which_stays_queued() {
    for version in VERSIONS {
        let mut k = kernel_with(WakeFn::Page(version));
        set_page(&mut k, P0, false, true, None);
        set_page(&mut k, P1, false, true, None); // its unlock will wake it later
        park(&mut k, T0, Q0, E0, Killable, true);
        set_key(&mut k, T0, E0, Some(LOCK1));
        park(&mut k, T1, Q0, E0, Killable, true);
        let mut fx = Vec::new();
        k.wake_up_page_bit(Q0, P0, PG_LOCKED, T3, &mut fx);
        assert_eq!(list(&k, Q0), vec![r(T0, E0)], "{version:?}");
        assert!(k.task(T0).asleep(), "{version:?}");
        assert_eq!(flags(&k, T0, E0), EXCL, "{version:?}: no WOKEN");
        assert_eq!((k.task(T1).state, k.task(T1).on_rq), (Running, true), "{version:?}");
        let handoff = version == PageWake::Handoff;
        let owner = handoff.then_some(T1);
        assert_eq!((page(&k, P0), page(&k, P1)), ((handoff, true, owner), (false, true, None)), "{version:?}");
        assert_eq!(
            wake_calls(&fx),
            vec![wake_call(T0, 0, false, true, false), wake_call(T1, 1, true, true, handoff)],
            "{version:?}"
        );
    }
}

/// [ref §2.1 wake_page_function] "set key.page_match" only once the page matches, before the bit
/// is compared: a keyed walk that meets no entry, or only entries of another page, leaves
/// `page_match` clear; one that meets an entry of the page, even one waiting for another bit
/// (which it passes over: return 0, stays queued), sets it. In every version.
#[test]
fn page_match_is_set_only_when_the_walk_meets_an_entry_of_the_page() {
    for version in VERSIONS {
        let mut k = kernel_with(WakeFn::Page(version));
        let walk = |k: &mut Kernel| {
            let mut key = WakeKey { key: Some(LOCK0), page_match: false };
            let woken = k.wake_up_common(Q0, TASK_NORMAL, 1, &mut key, &mut ());
            (woken, key.page_match)
        };
        assert_eq!(walk(&mut k), (0, false), "{version:?}: empty queue");

        park(&mut k, T0, Q0, E0, Killable, true);
        set_key(&mut k, T0, E0, Some(LOCK1));
        assert_eq!(walk(&mut k), (0, false), "{version:?}: another page");

        park(&mut k, T1, Q0, E0, Killable, true);
        set_key(&mut k, T1, E0, Some(EntryKey { var: P0_FLAGS, bit: 1 }));
        let before = k.clone();
        assert_eq!(walk(&mut k), (0, true), "{version:?}: this page, another bit");
        assert_eq!(k, before, "{version:?}: nobody woken, nothing taken");
    }
}

/// [ref §2.3 item 4, "Waker"] a non-exclusive entry (a waiter for the bit to clear, not a
/// locker) is woken without `test_and_set_bit`, so even on a page re-locked by now: WOKEN, woken,
/// unlinked, return 0 (the lock stays with its owner). The exclusive entry behind it then finds
/// the bit set: -1, and the walk stops.
#[test]
fn wake_page_function_handoff_wakes_a_non_exclusive_waiter_even_on_a_relocked_page() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Handoff));
    set_page(&mut k, P0, true, true, Some(T2));
    park(&mut k, T0, Q0, E0, Uninterruptible, false);
    park(&mut k, T1, Q0, E0, Killable, true);
    park(&mut k, T3, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q0, P0, PG_LOCKED, T2, &mut fx);
    assert_eq!(page(&k, P0), (true, true, Some(T2)));
    assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T3, E0)]);
    assert_eq!((flags(&k, T0, E0), flags(&k, T1, E0)), (WOKEN, EXCL));
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    assert!(k.task(T1).asleep() && k.task(T3).asleep());
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            Effect::Flags { task: T0, entry: E0, flags: WOKEN },
            state(Uninterruptible, Running, T0),
            Effect::Enqueue { task: T0 },
            Effect::Unlink { queue: Q0, task: T0, entry: E0 },
            wake_call(T0, 0, true, false, false),
            wake_call(T1, -1, false, true, false),
            Effect::WakeEnd { queue: Q0, woken: 1 },
        ]
    );
}

//! §0: `try_to_wake_up`, the wake functions (`default_wake_function`,
//! `autoremove_wake_function`) and `__wake_up_common`.

use super::*;

// ---------------------------------------------------------------------------------------------
// §0: try_to_wake_up
// ---------------------------------------------------------------------------------------------

/// §0 `try_to_wake_up(p,mode)`: `(p.state & mode)==0` → return 0, no change. An INTERRUPTIBLE
/// wakeup does not wake an UNINTERRUPTIBLE or a KILLABLE sleeper.
#[test]
fn try_to_wake_up_mode_mismatch_returns_false_and_changes_nothing() {
    for s in [Uninterruptible, Killable] {
        let mut k = kernel();
        park(&mut k, T0, Q0, E0, s, false);
        let before = k.clone();
        let mut fx = Vec::new();
        assert!(!k.try_to_wake_up(T0, TASK_INTERRUPTIBLE, &mut fx), "{s:?}");
        assert_eq!(k, before, "{s:?}: no change");
        assert_eq!(fx, vec![], "{s:?}");
        assert!(k.task(T0).asleep());
    }
    // A signal-style wakeup (WAKEKILL) does not wake a plain UNINTERRUPTIBLE sleeper either.
    let mut k = kernel();
    park(&mut k, T0, Q0, E0, Uninterruptible, false);
    let mut fx = Vec::new();
    assert!(!k.try_to_wake_up(T0, TASK_WAKEKILL, &mut fx));
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Uninterruptible, false));
    assert_eq!(fx, vec![]);
}

/// §0 `try_to_wake_up(p,mode)`: state matches → p.state:=RUNNING, re-enqueue because it was
/// dequeued, return 1. The wait entry is not touched.
#[test]
fn try_to_wake_up_wakes_and_reenqueues_a_sleeper() {
    let mut k = kernel();
    park(&mut k, T0, Q0, E0, Interruptible, true);
    let mut fx = Vec::new();
    assert!(k.try_to_wake_up(T0, TASK_INTERRUPTIBLE, &mut fx));
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    assert_eq!(list(&k, Q0), vec![r(T0, E0)], "ttwu does not unlink");
    assert_eq!(fx, vec![state(Interruptible, Running, T0), Effect::Enqueue { task: T0 }]);
}

/// §0 `try_to_wake_up(p,mode)` on a task that stored a sleep state but has not yet reached
/// `schedule()`: RUNNING, return 1, and no Enqueue (it never left the run queue).
#[test]
fn try_to_wake_up_before_schedule_stores_running_without_enqueue() {
    let mut k = kernel();
    k.tasks[0].state = Interruptible;
    let mut fx = Vec::new();
    assert!(k.try_to_wake_up(T0, TASK_NORMAL, &mut fx));
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    assert_eq!(fx, vec![state(Interruptible, Running, T0)]);
}

/// §0 `try_to_wake_up(p,mode)` on a RUNNING task: RUNNING & mode == 0 → return 0, no change,
/// whatever the mode.
#[test]
fn try_to_wake_up_of_a_running_task_returns_false() {
    for mode in [TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE, TASK_NORMAL, TASK_WAKEKILL | TASK_INTERRUPTIBLE] {
        let mut k = kernel();
        let before = k.clone();
        let mut fx = Vec::new();
        assert!(!k.try_to_wake_up(T0, mode, &mut fx), "mode {mode:#x}");
        assert_eq!(k, before);
        assert_eq!(fx, vec![]);
    }
}

/// §0 task states: KILLABLE = WAKEKILL|UNINTERRUPTIBLE, so `wake_up()`'s TASK_NORMAL wakes a
/// KILLABLE sleeper (and an UNINTERRUPTIBLE one), as `unlock_page` needs (§2.1).
#[test]
fn try_to_wake_up_task_normal_wakes_killable_and_uninterruptible() {
    assert_eq!(Killable.bits(), TASK_WAKEKILL | TASK_UNINTERRUPTIBLE);
    for s in [Killable, Uninterruptible, Interruptible] {
        let mut k = kernel();
        park(&mut k, T0, Q0, E0, s, true);
        let mut fx = Vec::new();
        assert!(k.try_to_wake_up(T0, TASK_NORMAL, &mut fx), "{s:?}");
        assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true), "{s:?}");
        assert_eq!(fx, vec![state(s, Running, T0), Effect::Enqueue { task: T0 }], "{s:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// §0: wake functions and __wake_up_common
// ---------------------------------------------------------------------------------------------

/// §0 `default_wake_function(e)` = `try_to_wake_up(e.private, mode)`: wakes, and leaves the
/// entry linked (through `__wake_up_common`).
#[test]
fn default_wake_function_wakes_and_leaves_the_entry_linked() {
    let mut k = kernel_with(WakeFn::Default);
    park(&mut k, T0, Q0, E0, Interruptible, false);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_INTERRUPTIBLE, 1, &mut fx), 1);
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_INTERRUPTIBLE, nr_exclusive: 1 },
            state(Interruptible, Running, T0),
            Effect::Enqueue { task: T0 },
            wake_call(T0, 1, true, false, false),
            Effect::WakeEnd { queue: Q0, woken: 1 },
        ]
    );
}

/// §0 `autoremove_wake_function(e)`: r = default_wake_function; if r → unlink e. An entry whose
/// task is not woken (mode mismatch) stays linked (through `__wake_up_common`).
#[test]
fn autoremove_wake_function_unlinks_only_on_a_real_wakeup() {
    let mut k = kernel();
    park(&mut k, T0, Q0, E0, Interruptible, false);
    park(&mut k, T1, Q0, E0, Uninterruptible, false);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_INTERRUPTIBLE, 1, &mut fx), 1);
    assert_eq!(list(&k, Q0), vec![r(T1, E0)]);
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    assert_eq!((k.task(T1).state, k.task(T1).on_rq), (Uninterruptible, false));
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_INTERRUPTIBLE, nr_exclusive: 1 },
            state(Interruptible, Running, T0),
            Effect::Enqueue { task: T0 },
            Effect::Unlink { queue: Q0, task: T0, entry: E0 },
            wake_call(T0, 1, true, false, false),
            wake_call(T1, 0, false, false, false),
            Effect::WakeEnd { queue: Q0, woken: 1 },
        ]
    );
}

/// §0 `__wake_up_common(q,mode,nr_excl)`: walk from HEAD; every non-exclusive entry is woken;
/// `r>0 && e.EXCL && --nr_excl==0` → stop. With nr_excl=1: the non-exclusive head entry and
/// the first exclusive one are woken, the rest are not called.
#[test]
fn wake_up_common_wakes_non_exclusive_entries_and_one_exclusive() {
    let mut k = kernel();
    park(&mut k, T0, Q0, E0, Interruptible, false);
    park(&mut k, T1, Q0, E0, Interruptible, true);
    park(&mut k, T2, Q0, E0, Interruptible, true);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_INTERRUPTIBLE, 1, &mut fx), 2);
    assert_eq!(list(&k, Q0), vec![r(T2, E0)]);
    assert!(!k.task(T0).asleep() && !k.task(T1).asleep());
    assert_eq!((k.task(T2).state, k.task(T2).on_rq), (Interruptible, false));
    assert_eq!(wake_calls(&fx), vec![wake_call(T0, 1, true, false, false), wake_call(T1, 1, true, true, false)]);
    assert_eq!(fx.first(), Some(&Effect::WakeBegin { queue: Q0, mode: TASK_INTERRUPTIBLE, nr_exclusive: 1 }));
    assert_eq!(fx.last(), Some(&Effect::WakeEnd { queue: Q0, woken: 2 }));
}

/// §0 `__wake_up_common`: nr_excl counts exclusive entries only, and non-exclusive entries met
/// between exclusive ones are woken too. nr_excl=2 over [X, N, X, X] wakes the first three.
#[test]
fn wake_up_common_stops_after_nr_exclusive_real_exclusive_wakeups() {
    let mut k = kernel();
    park(&mut k, T0, Q0, E0, Uninterruptible, true);
    park(&mut k, T1, Q0, E0, Uninterruptible, false);
    park(&mut k, T2, Q0, E0, Uninterruptible, true);
    park(&mut k, T3, Q0, E0, Uninterruptible, true);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_NORMAL, 2, &mut fx), 3);
    assert_eq!(list(&k, Q0), vec![r(T3, E0)]);
    assert!(k.task(T3).asleep());
    assert_eq!(
        wake_calls(&fx),
        vec![
            wake_call(T0, 1, true, true, false),
            wake_call(T1, 1, true, false, false),
            wake_call(T2, 1, true, true, false),
        ]
    );
    assert_eq!(fx.last(), Some(&Effect::WakeEnd { queue: Q0, woken: 3 }));
}

/// §0 `__wake_up_common` walks from HEAD and stops at the first spent exclusive wakeup, so a
/// non-exclusive entry behind it is not woken.
#[test]
fn wake_up_common_walks_from_head_and_stops_before_later_entries() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, true);
    park(&mut k, T0, Q0, E0, Interruptible, false);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_INTERRUPTIBLE, 1, &mut fx), 1);
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert!(k.task(T0).asleep());
    assert_eq!(wake_calls(&fx), vec![wake_call(T1, 1, true, true, false)]);
}

/// §0 `__wake_up_common`: "an exclusive wakeup is spent only when func reports a real wakeup"
/// — and §2.2's timing note: an exclusive waiter already RUNNING (woken by its signal, entry
/// still linked) gets ttwu()=0, the wakeup is not spent, and the next exclusive waiter is woken.
#[test]
fn wake_up_common_does_not_spend_the_exclusive_wakeup_on_a_running_waiter() {
    let mut k = kernel();
    park_running(&mut k, T0, Q0, E0, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    park(&mut k, T2, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_NORMAL, 1, &mut fx), 1);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T2, E0)], "T0 stays linked, T1 autoremoved");
    assert_eq!((k.task(T1).state, k.task(T1).on_rq), (Running, true));
    assert!(k.task(T2).asleep());
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

/// §0 `__wake_up_common`: `r<0` → stop (rule of 3510ca20ece0, §2.3 item 1). With the page
/// re-locked, the StopIfRelocked `wake_page_function` returns -1 on the first entry and the walk
/// ends there, even with exclusive wakeups left.
#[test]
fn wake_up_common_stops_on_a_negative_return() {
    let mut k = kernel_with(WakeFn::Page(PageWake::StopIfRelocked));
    k.page = Page { locked: true, waiters: true, owner: Some(T3) };
    park(&mut k, T0, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, false);
    let before = k.clone();
    let mut key = WakeKey::default();
    let mut fx = Vec::new();
    assert_eq!(k.wake_up_common(Q0, TASK_NORMAL, 2, &mut key, &mut fx), 0);
    assert_eq!(k, before, "nothing changes");
    assert!(key.page_match);
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 2 },
            wake_call(T0, -1, false, true, false),
            Effect::WakeEnd { queue: Q0, woken: 0 },
        ]
    );
}

/// §0 `__wake_up_common` on an empty queue: nothing to walk, WakeEnd reports 0 woken (§3 C1's
/// waker finds nobody).
#[test]
fn wake_up_on_an_empty_queue_wakes_nobody() {
    let mut k = kernel();
    k.tasks[0].state = Interruptible; // not queued: invisible to the waker
    let before = k.clone();
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_NORMAL, 1, &mut fx), 0);
    assert_eq!(k, before);
    assert!(!k.waitqueue_active(Q0));
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            Effect::WakeEnd { queue: Q0, woken: 0 },
        ]
    );
}

/// `wake_up_all()`: nr_exclusive = 0 never reaches 0 on `--nr_exclusive`, so every exclusive
/// waiter is woken (an `int` in the kernel) [ref §0 __wake_up_common].
#[test]
fn nr_exclusive_zero_wakes_every_exclusive_waiter() {
    let mut k = kernel();
    for t in [TaskId(0), TaskId(1), TaskId(2)] {
        k.prepare_to_wait_exclusive(t, QueueId(0), EntryId(0), Interruptible, &mut ());
    }
    assert_eq!(k.wake_up(QueueId(0), TASK_NORMAL, 0, &mut ()), 3);
    assert!(k.queue(QueueId(0)).list.is_empty());
}

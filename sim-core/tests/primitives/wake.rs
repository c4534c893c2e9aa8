//! §0: `try_to_wake_up`, the wake functions (`default_wake_function`,
//! `autoremove_wake_function`) and `__wake_up_common`; §4.3 `woken_wake_function`; §4.1 the
//! 2009 bit-wait forms (`wake_bit_function`, `__wake_up_bit`, `abort_exclusive_wait`).

use super::*;

// ---------------------------------------------------------------------------------------------
// §0: try_to_wake_up
// ---------------------------------------------------------------------------------------------

/// [ref §0 table, row 14] `try_to_wake_up(p,mode)`: `(p.state & mode)==0` → return 0, no change. An INTERRUPTIBLE
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

/// [ref §0 table, row 14] `try_to_wake_up(p,mode)`: state matches → p.state:=RUNNING, re-enqueue because it was
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

/// [ref §0 table, row 14] `try_to_wake_up(p,mode)` on a task that stored a sleep state but has not yet reached
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

/// [ref §0 table, row 14] `try_to_wake_up(p,mode)` on a RUNNING task: RUNNING & mode == 0 → return 0, no change,
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

/// [ref §0 table, row 15] task states: KILLABLE = WAKEKILL|UNINTERRUPTIBLE, so TASK_NORMAL
/// (`wake_up()`, `wake_up_process()`) wakes a KILLABLE sleeper (and an UNINTERRUPTIBLE one), as
/// `unlock_page` needs [ref §2.1 unlock_page].
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

/// [ref §0 table, row 17] `default_wake_function(e)` = `try_to_wake_up(e.private, mode)`: wakes, and leaves the
/// entry linked (through `__wake_up_common`).
#[test]
fn default_wake_function_wakes_and_leaves_the_entry_linked() {
    let mut k = kernel_with(WakeFn::Default);
    park(&mut k, T0, Q0, E0, Interruptible, false);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_INTERRUPTIBLE, 1, None, &mut fx), 1);
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

/// [ref §0 table, row 18] `autoremove_wake_function(e)`: r = default_wake_function; if r → unlink e. An entry whose
/// task is not woken (mode mismatch) stays linked (through `__wake_up_common`).
#[test]
fn autoremove_wake_function_unlinks_only_on_a_real_wakeup() {
    let mut k = kernel();
    park(&mut k, T0, Q0, E0, Interruptible, false);
    park(&mut k, T1, Q0, E0, Uninterruptible, false);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_INTERRUPTIBLE, 1, None, &mut fx), 1);
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

/// [ref §0 table, row 21] `__wake_up_common(q,mode,nr_excl)`: walk from HEAD; every non-exclusive entry is woken;
/// `r>0 && e.EXCL && --nr_excl==0` → stop. With nr_excl=1: the non-exclusive head entry and
/// the first exclusive one are woken, the rest are not called.
#[test]
fn wake_up_common_wakes_non_exclusive_entries_and_one_exclusive() {
    let mut k = kernel();
    park(&mut k, T0, Q0, E0, Interruptible, false);
    park(&mut k, T1, Q0, E0, Interruptible, true);
    park(&mut k, T2, Q0, E0, Interruptible, true);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_INTERRUPTIBLE, 1, None, &mut fx), 2);
    assert_eq!(list(&k, Q0), vec![r(T2, E0)]);
    assert!(!k.task(T0).asleep() && !k.task(T1).asleep());
    assert_eq!((k.task(T2).state, k.task(T2).on_rq), (Interruptible, false));
    assert_eq!(wake_calls(&fx), vec![wake_call(T0, 1, true, false, false), wake_call(T1, 1, true, true, false)]);
    assert_eq!(fx.first(), Some(&Effect::WakeBegin { queue: Q0, mode: TASK_INTERRUPTIBLE, nr_exclusive: 1 }));
    assert_eq!(fx.last(), Some(&Effect::WakeEnd { queue: Q0, woken: 2 }));
}

/// [ref §0 table, row 21] `__wake_up_common`: nr_excl counts exclusive entries only, and non-exclusive entries met
/// between exclusive ones are woken too. nr_excl=2 over [X, N, X, X] wakes the first three.
#[test]
fn wake_up_common_stops_after_nr_exclusive_real_exclusive_wakeups() {
    let mut k = kernel();
    park(&mut k, T0, Q0, E0, Uninterruptible, true);
    park(&mut k, T1, Q0, E0, Uninterruptible, false);
    park(&mut k, T2, Q0, E0, Uninterruptible, true);
    park(&mut k, T3, Q0, E0, Uninterruptible, true);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_NORMAL, 2, None, &mut fx), 3);
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

/// [ref §0 table, row 21] `__wake_up_common` walks from HEAD and stops at the first spent exclusive wakeup, so a
/// non-exclusive entry behind it is not woken.
#[test]
fn wake_up_common_walks_from_head_and_stops_before_later_entries() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, true);
    park(&mut k, T0, Q0, E0, Interruptible, false);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_INTERRUPTIBLE, 1, None, &mut fx), 1);
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert!(k.task(T0).asleep());
    assert_eq!(wake_calls(&fx), vec![wake_call(T1, 1, true, true, false)]);
}

/// [ref §0 table, row 21] `__wake_up_common`: "an exclusive wakeup is spent only when the wake
/// function reports that it really woke a task", and the timing note of [ref §2.2]: an exclusive waiter already RUNNING (woken by its signal, entry
/// still linked) gets ttwu()=0, the wakeup is not spent, and the next exclusive waiter is woken.
#[test]
fn wake_up_common_does_not_spend_the_exclusive_wakeup_on_a_running_waiter() {
    let mut k = kernel();
    park_running(&mut k, T0, Q0, E0, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    park(&mut k, T2, Q0, E0, Killable, true);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_NORMAL, 1, None, &mut fx), 1);
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

/// [ref §0 table, row 21] `__wake_up_common`: `r<0` → stop (rule of 3510ca20ece0,
/// [ref §2.3 item 1]). With page 0 re-locked, the StopIfRelocked `wake_page_function` returns -1
/// on the first entry and the keyed walk ends there, even with exclusive wakeups left.
#[test]
fn wake_up_common_stops_on_a_negative_return() {
    let mut k = kernel_with(WakeFn::Page(PageWake::StopIfRelocked));
    set_page(&mut k, P0, true, true, Some(T3));
    park(&mut k, T0, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, false);
    let before = k.clone();
    let mut key = WakeKey { key: Some(LOCK0), page_match: false };
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

/// [ref §0 table, row 22] `wake_up(q)` on an empty queue: nothing to walk, WakeEnd reports 0
/// woken (the waker of [ref §3 C1] finds nobody).
#[test]
fn wake_up_on_an_empty_queue_wakes_nobody() {
    let mut k = kernel();
    k.tasks[0].state = Interruptible; // not queued: invisible to the waker
    let before = k.clone();
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_NORMAL, 1, None, &mut fx), 0);
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
/// waiter is woken (an `int` in the kernel) [ref §0 table, `__wake_up_common` row, row 22].
#[test]
fn nr_exclusive_zero_wakes_every_exclusive_waiter() {
    let mut k = kernel();
    for t in [TaskId(0), TaskId(1), TaskId(2)] {
        k.prepare_to_wait(t, QueueId(0), EntryId(0), Interruptible, true, &mut ());
    }
    assert_eq!(k.wake_up(QueueId(0), TASK_NORMAL, 0, None, &mut ()), 3);
    assert!(k.queue(QueueId(0)).list.is_empty());
}

/// [ref §0 table, row 14] `try_to_wake_up(p, mode)` tests p's state bits against the mode mask,
/// and [ref §0 table, row 16] `wake_up_state(p, S)` is the same call: each sleeping state
/// against each mode the kernel uses. INTERRUPTIBLE = 0x1, UNINTERRUPTIBLE = 0x2, KILLABLE =
/// 0x102; TASK_NORMAL = 0x3; a fatal signal wakes with WAKEKILL|INTERRUPTIBLE = 0x101.
#[test]
fn try_to_wake_up_matches_the_state_bits_against_the_mode_mask() {
    const MODES: [u16; 5] =
        [TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE, TASK_NORMAL, TASK_WAKEKILL, TASK_WAKEKILL | TASK_INTERRUPTIBLE];
    // For each state: whether each of MODES wakes it.
    let table = [
        (Interruptible, [true, false, true, false, true]),
        (Uninterruptible, [false, true, true, false, false]),
        (Killable, [false, true, true, true, true]),
    ];
    for (s, wakes) in table {
        for (mode, wakes) in MODES.into_iter().zip(wakes) {
            let mut k = kernel();
            park(&mut k, T0, Q0, E0, s, true);
            let mut fx = Vec::new();
            assert_eq!(k.try_to_wake_up(T0, mode, &mut fx), wakes, "{s:?}, mode {mode:#x}");
            if wakes {
                assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true), "{s:?}, mode {mode:#x}");
                assert_eq!(fx, vec![state(s, Running, T0), Effect::Enqueue { task: T0 }], "{s:?}, mode {mode:#x}");
            } else {
                assert_eq!((k.task(T0).state, k.task(T0).on_rq), (s, false), "{s:?}, mode {mode:#x}");
                assert_eq!(fx, vec![], "{s:?}, mode {mode:#x}");
            }
            assert_eq!(list(&k, Q0), vec![r(T0, E0)], "ttwu never unlinks");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// §4.3: woken_wake_function
// ---------------------------------------------------------------------------------------------

/// [ref §0 table, row 19] [ref §4.3 "A corollary"] `woken_wake_function(e)`: set WOKEN, then
/// `default_wake_function`; e stays linked. On a task that is RUNNING in its loop body, ttwu
/// returns 0, yet WOKEN is set (so `wait_woken()` will skip its sleep); and since it returns 0,
/// the exclusive walk goes on and also wakes the next exclusive waiter, which it sets WOKEN too.
#[test]
fn woken_wake_function_sets_woken_even_on_a_running_task_and_the_walk_goes_on() {
    let mut k = kernel_with(WakeFn::Woken);
    park_running(&mut k, T0, Q0, E0, true);
    k.tasks[0].fatal_signal = false; // running in its loop body, no signal
    park(&mut k, T1, Q0, E0, Interruptible, true);
    park(&mut k, T2, Q0, E0, Interruptible, true);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_INTERRUPTIBLE, 1, None, &mut fx), 1);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0), r(T2, E0)], "entries stay linked");
    assert_eq!((flags(&k, T0, E0), flags(&k, T1, E0), flags(&k, T2, E0)), (excl_woken(), excl_woken(), EXCL));
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    assert_eq!((k.task(T1).state, k.task(T1).on_rq), (Running, true));
    assert!(k.task(T2).asleep());
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_INTERRUPTIBLE, nr_exclusive: 1 },
            Effect::Flags { task: T0, entry: E0, flags: excl_woken() },
            wake_call(T0, 0, false, true, false),
            Effect::Flags { task: T1, entry: E0, flags: excl_woken() },
            state(Interruptible, Running, T1),
            Effect::Enqueue { task: T1 },
            wake_call(T1, 1, true, true, false),
            Effect::WakeEnd { queue: Q0, woken: 1 },
        ]
    );
}

/// [ref §0 table, row 19] `woken_wake_function` on a sleeper (a wakeup after `wait_woken()`'s
/// state store, [ref §4.3 "an ordinary wakeup"]): WOKEN set first, then the task is woken; the
/// entry stays linked (no autoremove). A second wakeup finds WOKEN already set: no Flags effect.
#[test]
fn woken_wake_function_wakes_a_sleeper_and_leaves_its_entry_linked() {
    let mut k = kernel_with(WakeFn::Woken);
    park(&mut k, T0, Q0, E0, Interruptible, false);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_INTERRUPTIBLE, 1, None, &mut fx), 1);
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert_eq!(flags(&k, T0, E0), WOKEN);
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_INTERRUPTIBLE, nr_exclusive: 1 },
            Effect::Flags { task: T0, entry: E0, flags: WOKEN },
            state(Interruptible, Running, T0),
            Effect::Enqueue { task: T0 },
            wake_call(T0, 1, true, false, false),
            Effect::WakeEnd { queue: Q0, woken: 1 },
        ]
    );
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_INTERRUPTIBLE, 1, None, &mut fx), 0);
    assert_eq!(wake_calls(&fx), vec![wake_call(T0, 0, false, false, false)]);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Flags { .. })), "WOKEN already set");
}

// ---------------------------------------------------------------------------------------------
// §4.1: the 2009 bit-wait forms
// ---------------------------------------------------------------------------------------------

/// Bit 0 of COUNT: what the 2009 bit waiters below wait on (`wait_bit_key{flags, bit_nr}`).
const BIT_A: EntryKey = EntryKey { var: COUNT, bit: 0 };

/// [ref §0 table, row 26] `wake_bit_function(e, mode, key)` (2009): an entry that waits for
/// another word, or another bit of the word, returns 0 and stays linked; so does one whose bit
/// is already set again; otherwise it is `autoremove_wake_function`.
#[test]
fn wake_bit_function_skips_other_keys_and_a_relocked_bit_else_autoremoves() {
    let mut k = kernel_with(WakeFn::Bit);
    park(&mut k, T0, Q0, E0, Uninterruptible, true);
    park(&mut k, T1, Q0, E0, Uninterruptible, true);
    park(&mut k, T2, Q0, E0, Uninterruptible, true);
    park(&mut k, T3, Q0, E0, Uninterruptible, true);
    set_key(&mut k, T0, E0, Some(EntryKey { var: COUNT, bit: 1 })); // another bit of the word
    set_key(&mut k, T1, E0, Some(EntryKey { var: WORD, bit: 0 })); // another word
    set_key(&mut k, T2, E0, Some(BIT_A));
    set_key(&mut k, T3, E0, Some(BIT_A));

    // The bit was taken again before the walk: nobody is woken, the walk goes on to the end.
    k.vars[COUNT.index()] = 1;
    let before = k.clone();
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_NORMAL, 1, Some(BIT_A), &mut fx), 0);
    assert_eq!(k, before, "nothing changes");
    assert_eq!(
        wake_calls(&fx),
        vec![
            wake_call(T0, 0, false, true, false),
            wake_call(T1, 0, false, true, false),
            wake_call(T2, 0, false, true, false),
            wake_call(T3, 0, false, true, false),
        ]
    );

    // The bit is clear: the entries of other keys are passed over and stay linked and asleep;
    // the first entry of the key is woken and unlinked, which spends the exclusive wakeup.
    k.vars[COUNT.index()] = 0;
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q0, TASK_NORMAL, 1, Some(BIT_A), &mut fx), 1);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0), r(T3, E0)]);
    assert!(k.task(T0).asleep() && k.task(T1).asleep() && k.task(T3).asleep());
    assert_eq!((k.task(T2).state, k.task(T2).on_rq), (Running, true));
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            wake_call(T0, 0, false, true, false),
            wake_call(T1, 0, false, true, false),
            state(Uninterruptible, Running, T2),
            Effect::Enqueue { task: T2 },
            Effect::Unlink { queue: Q0, task: T2, entry: E0 },
            wake_call(T2, 1, true, true, false),
            Effect::WakeEnd { queue: Q0, woken: 1 },
        ]
    );
}

/// [ref §0 table, row 27] `__wake_up_bit(wq, word, bit)` (2009) is `if (waitqueue_active(wq))`
/// then this walk: `TASK_NORMAL`, one exclusive waiter, with the bit's key (the scenario
/// language compiles the two steps; `lang` tests them).
#[test]
fn a_keyed_wake_up_walks_with_the_bits_key() {
    let mut k = kernel_with(WakeFn::Bit);
    park(&mut k, T0, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    park(&mut k, T2, Q0, E0, Killable, true);
    set_key(&mut k, T0, E0, Some(EntryKey { var: WORD, bit: 0 }));
    set_key(&mut k, T1, E0, Some(BIT_A));
    set_key(&mut k, T2, E0, Some(BIT_A));
    let mut fx = Vec::new();
    k.wake_up(Q0, TASK_NORMAL, 1, Some(BIT_A), &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T2, E0)]);
    assert!(k.task(T0).asleep() && k.task(T2).asleep());
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

/// [ref §0 table, row 25] [ref §4.1 listing] `abort_exclusive_wait(q, e, mode, key)`: state :=
/// RUNNING; `[q.lock: if e is linked, unlink it]`. The waiter left before any waker chose it
/// (its action saw the signal while it was still KILLABLE and linked): it unlinks itself and
/// wakes nobody. Emits FinishWait.
#[test]
fn abort_exclusive_wait_unlinks_a_linked_entry_and_wakes_nobody() {
    let mut k = kernel_with(WakeFn::Bit);
    park(&mut k, T0, Q0, E0, Killable, true);
    k.tasks[0].on_rq = true;
    k.tasks[0].fatal_signal = true;
    park(&mut k, T1, Q0, E0, Killable, true);
    set_key(&mut k, T0, E0, Some(BIT_A));
    set_key(&mut k, T1, E0, Some(BIT_A));
    let mut fx = Vec::new();
    k.abort_exclusive_wait(T0, Q0, E0, TASK_NORMAL, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0)]);
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    assert!(k.task(T1).asleep(), "no wakeup");
    assert_eq!(
        fx,
        vec![
            state(Killable, Running, T0),
            Effect::Unlink { queue: Q0, task: T0, entry: E0 },
            Effect::FinishWait { task: T0, queue: Q0 },
        ]
    );
}

/// [ref §0 table, row 25] `abort_exclusive_wait`: e is not linked, so a waker already chose
/// this task, and the queue is not empty: `__wake_up_locked_key(q, mode, key)` ([ref §0 table,
/// row 24]) with the entry's own key passes the wakeup on to the next exclusive waiter of that
/// key, and only to it. An entry of another bit at the head is passed over.
#[test]
fn abort_exclusive_wait_after_a_wakeup_wakes_the_next_exclusive_waiter() {
    let mut k = kernel_with(WakeFn::Bit);
    // T0 was woken and autoremoved by an unlock; a fatal signal made it give up.
    k.tasks[0].entries[0].flags = EXCL;
    k.tasks[0].state = Killable;
    k.tasks[0].fatal_signal = true;
    set_key(&mut k, T0, E0, Some(BIT_A));
    park(&mut k, T3, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, true);
    park(&mut k, T2, Q0, E0, Killable, true);
    set_key(&mut k, T3, E0, Some(EntryKey { var: COUNT, bit: 1 }));
    set_key(&mut k, T1, E0, Some(BIT_A));
    set_key(&mut k, T2, E0, Some(BIT_A));

    let mut fx = Vec::new();
    k.abort_exclusive_wait(T0, Q0, E0, TASK_NORMAL, &mut fx);
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    assert_eq!(list(&k, Q0), vec![r(T3, E0), r(T2, E0)]);
    assert_eq!((k.task(T1).state, k.task(T1).on_rq), (Running, true));
    assert!(k.task(T2).asleep() && k.task(T3).asleep());
    assert_eq!(
        fx,
        vec![
            state(Killable, Running, T0),
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            wake_call(T3, 0, false, true, false),
            state(Killable, Running, T1),
            Effect::Enqueue { task: T1 },
            Effect::Unlink { queue: Q0, task: T1, entry: E0 },
            wake_call(T1, 1, true, true, false),
            Effect::WakeEnd { queue: Q0, woken: 1 },
            Effect::FinishWait { task: T0, queue: Q0 },
        ]
    );
}

/// [ref §0 table, row 25] `abort_exclusive_wait` with e not linked and the queue empty
/// (`waitqueue_active` false): there is nobody to pass the wakeup to, so no walk; only the
/// RUNNING store and FinishWait.
#[test]
fn abort_exclusive_wait_on_an_empty_queue_only_stores_running() {
    let mut k = kernel_with(WakeFn::Bit);
    k.tasks[0].state = Killable;
    let mut fx = Vec::new();
    k.abort_exclusive_wait(T0, Q0, E0, TASK_NORMAL, &mut fx);
    assert_eq!(k.task(T0).state, Running);
    assert_eq!(fx, vec![state(Killable, Running, T0), Effect::FinishWait { task: T0, queue: Q0 }]);
}

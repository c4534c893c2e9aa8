//! §0: the state stores, `schedule()`, `signal_pending_state` and the fatal signal.

use super::*;

/// [ref §0 table, row 13] `set_current_state(S)` and `__set_current_state(S)`: one store of the
/// task's own state each (the barrier of the first is implicit under sequential consistency),
/// with a State effect from the old value. Neither touches the run queue or any entry.
#[test]
fn set_current_state_and_the_plain_store_store_the_state() {
    let mut k = kernel();
    k.prepare_to_wait(T0, Q0, E0, Interruptible, false, &mut ());
    let mut fx = Vec::new();
    k.set_current_state(T0, Killable, &mut fx);
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Killable, true));
    k.set_state(T0, Running, &mut fx);
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true));
    k.set_current_state(T1, Uninterruptible, &mut fx);
    assert_eq!((k.task(T1).state, k.task(T0).state), (Uninterruptible, Running), "per task");
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert_eq!(
        fx,
        vec![state(Interruptible, Killable, T0), state(Killable, Running, T0), state(Running, Uninterruptible, T1)]
    );
}

/// [ref §0 table, row 30] `schedule()`: state==RUNNING → returns, nothing changes.
#[test]
fn schedule_when_running_returns_without_effect() {
    let mut k = kernel();
    let before = k.clone();
    let mut fx = Vec::new();
    k.schedule(T0, &mut fx);
    assert_eq!(k, before);
    assert_eq!(fx, vec![]);
}

/// [ref §0 table, row 30] `schedule()`: sleeping state and no signal → dequeue (sleep).
#[test]
fn schedule_in_a_sleeping_state_dequeues() {
    for s in [Interruptible, Uninterruptible, Killable] {
        let mut k = kernel();
        k.tasks[0].state = s;
        let mut fx = Vec::new();
        k.schedule(T0, &mut fx);
        assert_eq!((k.task(T0).state, k.task(T0).on_rq), (s, false), "{s:?}");
        assert!(k.task(T0).asleep());
        assert_eq!(fx, vec![Effect::Sleep { task: T0 }], "{s:?}");
    }
}

/// [ref §0 table, row 30] `schedule()`: a pending signal for the state (INTERRUPTIBLE or KILLABLE) → state:=RUNNING,
/// and the task stays on its run queue.
#[test]
fn schedule_with_a_pending_signal_for_the_state_returns_running() {
    for s in [Interruptible, Killable] {
        let mut k = kernel();
        k.tasks[0].state = s;
        k.tasks[0].fatal_signal = true;
        let mut fx = Vec::new();
        k.schedule(T0, &mut fx);
        assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Running, true), "{s:?}");
        assert_eq!(fx, vec![state(s, Running, T0)], "{s:?}");
    }
}

/// [ref §0 table, row 30] `schedule()`: UNINTERRUPTIBLE does not see signals, so it sleeps even with one pending.
#[test]
fn schedule_uninterruptible_sleeps_despite_a_pending_signal() {
    let mut k = kernel();
    k.tasks[0].state = Uninterruptible;
    k.tasks[0].fatal_signal = true;
    let mut fx = Vec::new();
    k.schedule(T0, &mut fx);
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Uninterruptible, false));
    assert_eq!(fx, vec![Effect::Sleep { task: T0 }]);
}

/// [ref §0 signal_pending_state] `signal_pending_state(S)` (used by `prepare_to_wait_event` and `schedule`): only
/// INTERRUPTIBLE and WAKEKILL states see the (fatal) signal; nothing is pending without one.
#[test]
fn signal_pending_state_for_each_state() {
    let mut k = kernel();
    for s in [Running, Interruptible, Uninterruptible, Killable] {
        assert!(!k.signal_pending_state(T0, s), "{s:?} without a signal");
    }
    k.tasks[0].fatal_signal = true;
    let got: Vec<_> = [Running, Interruptible, Uninterruptible, Killable]
        .into_iter()
        .map(|s| (s, k.signal_pending_state(T0, s)))
        .collect();
    assert_eq!(got, vec![(Running, false), (Interruptible, true), (Uninterruptible, false), (Killable, true)]);
    assert!(!k.signal_pending_state(T1, Killable), "per task");
}

/// [ref §2.3 "Model tip"]: a fatal signal is an external ttwu(WAKEKILL|INTERRUPTIBLE) that leaves the
/// entry linked: it wakes INTERRUPTIBLE and KILLABLE sleepers, leaves an UNINTERRUPTIBLE one
/// asleep, and marks the signal pending in every case.
#[test]
fn send_fatal_signal_wakes_interruptible_and_killable_and_leaves_entries_linked() {
    let mut k = kernel();
    park(&mut k, T0, Q0, E0, Interruptible, false);
    park(&mut k, T1, Q0, E0, Killable, true);
    park(&mut k, T2, Q0, E0, Uninterruptible, true);
    let queued = list(&k, Q0);

    for (t, s) in [(T0, Interruptible), (T1, Killable)] {
        let mut fx = Vec::new();
        k.send_fatal_signal(t, &mut fx);
        assert!(k.task(t).fatal_signal);
        assert_eq!((k.task(t).state, k.task(t).on_rq), (Running, true), "{s:?}");
        assert_eq!(fx, vec![Effect::Signal { task: t }, state(s, Running, t), Effect::Enqueue { task: t }]);
    }
    let mut fx = Vec::new();
    k.send_fatal_signal(T2, &mut fx);
    assert!(k.task(T2).fatal_signal);
    assert_eq!((k.task(T2).state, k.task(T2).on_rq), (Uninterruptible, false));
    assert_eq!(fx, vec![Effect::Signal { task: T2 }]);

    assert_eq!(list(&k, Q0), queued, "entries stay linked");
    assert_eq!((flags(&k, T0, E0), flags(&k, T1, E0), flags(&k, T2, E0)), (none(), EXCL, EXCL));
}

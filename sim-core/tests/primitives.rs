//! One test per primitive of reference §0 (and the page primitives of §2.1 and §2.3): the
//! exact atomic effect on kernel state, and the effects it reports.

use sim_core::effect::Effect;
use sim_core::kernel::page::Page;
use sim_core::kernel::pipe::Pipe;
use sim_core::kernel::task::{Task, TaskState, TASK_INTERRUPTIBLE, TASK_NORMAL, TASK_UNINTERRUPTIBLE, TASK_WAKEKILL};
use sim_core::kernel::waitqueue::{EntryFlags, PageWake, WaitEntry, WaitQueueHead, WakeFn, ERESTARTSYS};
use sim_core::kernel::Kernel;
use sim_core::{EntryId, QueueId, TaskId};

const A: TaskId = TaskId(0);
const B: TaskId = TaskId(1);
const C: TaskId = TaskId(2);
const Q: QueueId = QueueId(0);
const Q2: QueueId = QueueId(1);
const E: EntryId = EntryId(0);

/// Three tasks with two entries each (wake function `func`), two empty queues.
fn kernel(func: WakeFn) -> Kernel {
    let task = || Task::new(&[WaitEntry { flags: EntryFlags::default(), func }; 2]);
    Kernel {
        tasks: (0..3).map(|_| task()).collect(),
        queues: (0..2).map(|_| WaitQueueHead::default()).collect(),
        pipe: Pipe::default(),
        page: Page::default(),
        condition: false,
    }
}

fn order(k: &Kernel, q: QueueId) -> Vec<TaskId> {
    k.queue(q).list.iter().map(|e| e.task).collect()
}

fn exclusive(k: &Kernel, t: TaskId, e: EntryId) -> bool {
    k.task(t).entries[e.index()].flags.contains(EntryFlags::EXCLUSIVE)
}

/// Put `t` to sleep in `state`, as a task does after queueing.
fn asleep(k: &mut Kernel, t: TaskId, state: TaskState) {
    k.set_current_state(t, state, &mut ());
    k.schedule(t, &mut ());
    assert!(k.task(t).asleep());
}

/// §0 prepare_to_wait: clear EXCL; [q.lock: if unlinked → insert at HEAD; state:=S].
#[test]
fn prepare_to_wait_links_at_the_head_once_and_sets_the_state() {
    let mut k = kernel(WakeFn::Autoremove);
    k.prepare_to_wait_exclusive(A, Q, E, TaskState::Interruptible, &mut ());
    let mut fx = Vec::new();
    k.prepare_to_wait(B, Q, E, TaskState::Interruptible, &mut fx);
    assert_eq!(order(&k, Q), [B, A], "B goes in front of the exclusive A");
    assert_eq!(k.task(B).state, TaskState::Interruptible);
    assert_eq!(
        fx,
        [
            Effect::Link { queue: Q, task: B, entry: E, at_head: true, exclusive: false },
            Effect::State { task: B, from: TaskState::Running, to: TaskState::Interruptible },
        ]
    );
    // Already linked: not linked again; the state is stored again; EXCL is cleared.
    k.prepare_to_wait(A, Q, E, TaskState::Uninterruptible, &mut ());
    assert_eq!(order(&k, Q), [B, A]);
    assert!(!exclusive(&k, A, E));
    assert_eq!(k.task(A).state, TaskState::Uninterruptible);
}

/// §0 prepare_to_wait_exclusive: set EXCL; [q.lock: if unlinked → insert at TAIL; state:=S].
#[test]
fn prepare_to_wait_exclusive_links_at_the_tail() {
    let mut k = kernel(WakeFn::Autoremove);
    k.prepare_to_wait(A, Q, E, TaskState::Interruptible, &mut ());
    k.prepare_to_wait_exclusive(B, Q, E, TaskState::Uninterruptible, &mut ());
    k.prepare_to_wait_exclusive(C, Q, E, TaskState::Killable, &mut ());
    assert_eq!(order(&k, Q), [A, B, C]);
    assert!(exclusive(&k, B, E) && exclusive(&k, C, E) && !exclusive(&k, A, E));
    assert_eq!(k.task(C).state, TaskState::Killable);
}

/// §0 prepare_to_wait_event: a pending signal for S → unlink, -ERESTARTSYS, no state store;
/// else link (TAIL if EXCL, else HEAD) and state:=S.
#[test]
fn prepare_to_wait_event_fails_on_a_signal_and_otherwise_links_by_exclusivity() {
    let mut k = kernel(WakeFn::Autoremove);
    assert_eq!(k.prepare_to_wait_event(A, Q, E, TaskState::Interruptible, &mut ()), 0);
    k.task_mut(B).entries[0].flags = EntryFlags::EXCLUSIVE;
    assert_eq!(k.prepare_to_wait_event(B, Q, E, TaskState::Interruptible, &mut ()), 0);
    k.prepare_to_wait_event(C, Q, E, TaskState::Interruptible, &mut ());
    assert_eq!(order(&k, Q), [C, A, B], "non-exclusive at the head, exclusive at the tail");
    // A signal arrives for A: its next pass unlinks it and fails, leaving the state alone.
    k.send_fatal_signal(A, &mut ());
    assert_eq!(k.task(A).state, TaskState::Running, "the signal woke it");
    let mut fx = Vec::new();
    assert_eq!(k.prepare_to_wait_event(A, Q, E, TaskState::Interruptible, &mut fx), ERESTARTSYS);
    assert_eq!(order(&k, Q), [C, B]);
    assert_eq!(k.task(A).state, TaskState::Running);
    assert_eq!(fx, [Effect::Unlink { queue: Q, task: A, entry: E }]);
    // An UNINTERRUPTIBLE wait does not see signals.
    assert_eq!(k.prepare_to_wait_event(A, Q, E, TaskState::Uninterruptible, &mut ()), 0);
}

/// §0 finish_wait: state:=RUNNING (plain store); if still linked → [q.lock: unlink].
#[test]
fn finish_wait_sets_running_and_unlinks_only_if_linked() {
    let mut k = kernel(WakeFn::Autoremove);
    k.prepare_to_wait(A, Q, E, TaskState::Interruptible, &mut ());
    let mut fx = Vec::new();
    k.finish_wait(A, Q, E, &mut fx);
    assert!(order(&k, Q).is_empty());
    assert_eq!(
        fx,
        [
            Effect::State { task: A, from: TaskState::Interruptible, to: TaskState::Running },
            Effect::Unlink { queue: Q, task: A, entry: E },
            Effect::FinishWait { task: A, queue: Q },
        ]
    );
    fx.clear();
    k.finish_wait(A, Q, E, &mut fx);
    assert!(!fx.iter().any(|f| matches!(f, Effect::Unlink { .. })), "nothing to unlink: {fx:?}");
}

/// add_wait_queue (Josef Bacik's patch): clear EXCL; [q.lock: insert at HEAD]; no state change.
#[test]
fn add_wait_queue_links_without_touching_the_state() {
    let mut k = kernel(WakeFn::Autoremove);
    k.prepare_to_wait(A, Q, E, TaskState::Interruptible, &mut ());
    k.add_wait_queue(B, Q, E, &mut ());
    assert_eq!(order(&k, Q), [B, A]);
    assert_eq!(k.task(B).state, TaskState::Running);
}

/// §0 try_to_wake_up: (p.state & mode)==0 → 0, no change; else RUNNING, re-enqueue, 1.
#[test]
fn try_to_wake_up_matches_the_mode_against_the_state() {
    let mut k = kernel(WakeFn::Default);
    asleep(&mut k, A, TaskState::Uninterruptible);
    let mut fx = Vec::new();
    assert!(!k.try_to_wake_up(A, TASK_INTERRUPTIBLE, &mut fx), "INTERRUPTIBLE wake of an UNINTERRUPTIBLE sleeper");
    assert!(fx.is_empty() && k.task(A).asleep());
    assert!(k.try_to_wake_up(A, TASK_NORMAL, &mut fx));
    assert_eq!(
        fx,
        [
            Effect::State { task: A, from: TaskState::Uninterruptible, to: TaskState::Running },
            Effect::Enqueue { task: A }
        ]
    );
    assert!(k.task(A).on_rq);
    // A task that is RUNNING is not woken: ttwu returns 0.
    assert!(!k.try_to_wake_up(A, TASK_NORMAL, &mut ()));
    // KILLABLE = WAKEKILL|UNINTERRUPTIBLE is woken by TASK_NORMAL, not by INTERRUPTIBLE alone.
    asleep(&mut k, B, TaskState::Killable);
    assert!(!k.try_to_wake_up(B, TASK_INTERRUPTIBLE, &mut ()));
    assert!(k.try_to_wake_up(B, TASK_NORMAL, &mut ()));
    // Woken before it slept: RUNNING again, no re-enqueue.
    k.set_current_state(C, TaskState::Interruptible, &mut ());
    let mut fx = Vec::new();
    assert!(k.try_to_wake_up(C, TASK_INTERRUPTIBLE, &mut fx));
    assert_eq!(fx, [Effect::State { task: C, from: TaskState::Interruptible, to: TaskState::Running }]);
}

/// §0 default_wake_function wakes and leaves the entry linked; autoremove_wake_function unlinks
/// it, but only on a real wakeup.
#[test]
fn default_and_autoremove_wake_functions() {
    let mut k = kernel(WakeFn::Default);
    k.prepare_to_wait(A, Q, E, TaskState::Interruptible, &mut ());
    assert_eq!(k.wake_up(Q, TASK_INTERRUPTIBLE, 1, &mut ()), 1);
    assert_eq!(order(&k, Q), [A], "default_wake_function leaves the entry");

    let mut k = kernel(WakeFn::Autoremove);
    k.prepare_to_wait(A, Q, E, TaskState::Interruptible, &mut ());
    k.prepare_to_wait(B, Q, E, TaskState::Uninterruptible, &mut ());
    assert_eq!(k.wake_up(Q, TASK_INTERRUPTIBLE, 1, &mut ()), 1);
    assert_eq!(order(&k, Q), [B], "A unlinked; B (not woken by INTERRUPTIBLE) stays");
}

/// §0 __wake_up_common: walk from HEAD; every non-exclusive entry; stop after nr_exclusive
/// exclusive entries that really woke.
#[test]
fn wake_up_common_wakes_all_non_exclusive_and_nr_exclusive_exclusive() {
    let mut k = kernel(WakeFn::Autoremove);
    k.prepare_to_wait_exclusive(A, Q, E, TaskState::Interruptible, &mut ());
    k.prepare_to_wait_exclusive(B, Q, E, TaskState::Interruptible, &mut ());
    k.prepare_to_wait(C, Q, E, TaskState::Interruptible, &mut ());
    for t in [A, B, C] {
        k.schedule(t, &mut ());
    }
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q, TASK_INTERRUPTIBLE, 1, &mut fx), 2, "C, then A, which spends the one exclusive wakeup");
    assert_eq!(order(&k, Q), [B]);
    assert!(k.task(B).asleep());
    assert_eq!(fx.first(), Some(&Effect::WakeBegin { queue: Q, mode: TASK_INTERRUPTIBLE, nr_exclusive: 1 }));
    assert_eq!(fx.last(), Some(&Effect::WakeEnd { queue: Q, woken: 2 }));
    let calls: Vec<(TaskId, i8, bool)> = fx
        .iter()
        .filter_map(|f| match *f {
            Effect::WakeCall { task, ret, exclusive, .. } => Some((task, ret, exclusive)),
            _ => None,
        })
        .collect();
    assert_eq!(calls, [(C, 1, false), (A, 1, true)]);
}

/// §0 and §2.2 step 4: an exclusive entry whose ttwu returns 0 (its task is RUNNING) does not
/// spend the exclusive wakeup; the walk goes on to the next exclusive waiter.
#[test]
fn an_exclusive_wakeup_is_spent_only_on_a_real_wakeup() {
    let mut k = kernel(WakeFn::Autoremove);
    k.prepare_to_wait_exclusive(A, Q, E, TaskState::Killable, &mut ());
    k.prepare_to_wait_exclusive(B, Q, E, TaskState::Killable, &mut ());
    k.schedule(B, &mut ());
    // A signal woke A: RUNNING, still linked.
    k.send_fatal_signal(A, &mut ());
    assert_eq!(order(&k, Q), [A, B]);
    assert_eq!(k.wake_up(Q, TASK_NORMAL, 1, &mut ()), 1);
    assert!(k.task(B).on_rq, "B got the wakeup A could not take");
    assert_eq!(order(&k, Q), [A]);
}

/// 3510ca20ece0: a wake function returning < 0 stops the walk [ref §0, §2.3 item 1].
#[test]
fn a_negative_wake_function_result_stops_the_walk() {
    let mut k = kernel(WakeFn::Page(PageWake::StopIfRelocked));
    k.page.locked = true;
    k.link_page_waiter(A, Q, E, TaskState::Killable, &mut ());
    k.link_page_waiter(B, Q, E, TaskState::Killable, &mut ());
    let mut fx = Vec::new();
    assert_eq!(k.wake_up_common(Q, TASK_NORMAL, 1, &mut Default::default(), &mut fx), 0);
    let calls: Vec<(TaskId, i8)> = fx
        .iter()
        .filter_map(|f| match *f {
            Effect::WakeCall { task, ret, .. } => Some((task, ret)),
            _ => None,
        })
        .collect();
    assert_eq!(calls, [(A, -1)], "B is never called");
}

/// An empty queue: the walk reports that nobody was woken.
#[test]
fn a_wakeup_on_an_empty_queue_wakes_nobody() {
    let mut k = kernel(WakeFn::Autoremove);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up(Q2, TASK_NORMAL, 1, &mut fx), 0);
    assert_eq!(
        fx,
        [Effect::WakeBegin { queue: Q2, mode: TASK_NORMAL, nr_exclusive: 1 }, Effect::WakeEnd { queue: Q2, woken: 0 }]
    );
}

/// §0 schedule(): RUNNING → returns; a pending signal for the state → RUNNING; else sleep.
#[test]
fn schedule_sleeps_unless_running_or_signalled() {
    let mut k = kernel(WakeFn::Autoremove);
    let mut fx = Vec::new();
    k.schedule(A, &mut fx);
    assert!(fx.is_empty() && k.task(A).on_rq, "RUNNING: schedule() returns");
    for (t, state) in [(A, TaskState::Interruptible), (B, TaskState::Killable)] {
        k.task_mut(t).fatal_signal = true;
        k.set_current_state(t, state, &mut ());
        k.schedule(t, &mut ());
        assert!(k.task(t).on_rq && k.task(t).state == TaskState::Running, "{state:?} with a signal stays awake");
    }
    k.task_mut(C).fatal_signal = true;
    k.set_current_state(C, TaskState::Uninterruptible, &mut ());
    let mut fx = Vec::new();
    k.schedule(C, &mut fx);
    assert_eq!(fx, [Effect::Sleep { task: C }], "UNINTERRUPTIBLE ignores signals");
    assert!(k.task(C).asleep());
}

/// Signals: pending, and a wakeup of INTERRUPTIBLE and KILLABLE sleepers that leaves their
/// entries linked [ref §2.3 "Model tip"].
#[test]
fn a_fatal_signal_wakes_interruptible_and_killable_sleepers_only() {
    let mut k = kernel(WakeFn::Autoremove);
    k.prepare_to_wait(A, Q, E, TaskState::Interruptible, &mut ());
    k.prepare_to_wait(B, Q, E, TaskState::Killable, &mut ());
    k.prepare_to_wait(C, Q, E, TaskState::Uninterruptible, &mut ());
    for t in [A, B, C] {
        k.schedule(t, &mut ());
    }
    for t in [A, B, C] {
        k.send_fatal_signal(t, &mut ());
        assert!(k.task(t).fatal_signal);
    }
    assert!(k.task(A).on_rq && k.task(B).on_rq && k.task(C).asleep());
    assert_eq!(order(&k, Q), [C, B, A], "entries stay linked");
}

/// signal_pending_state(): only INTERRUPTIBLE and WAKEKILL sleeps see a (fatal) signal.
#[test]
fn signal_pending_state_by_state() {
    let mut k = kernel(WakeFn::Autoremove);
    assert!(!k.signal_pending_state(A, TaskState::Interruptible), "no signal yet");
    k.task_mut(A).fatal_signal = true;
    let seen: Vec<bool> =
        [TaskState::Running, TaskState::Interruptible, TaskState::Uninterruptible, TaskState::Killable]
            .into_iter()
            .map(|s| k.signal_pending_state(A, s))
            .collect();
    assert_eq!(seen, [false, true, false, true]);
    assert_eq!(TaskState::Killable.bits(), TASK_WAKEKILL | TASK_UNINTERRUPTIBLE);
}

/// The pipe's predicates [ref §1.1]: empty head==tail; full head-tail>=max_usage; readable
/// !empty||!writers; writable !full||!readers. Mutex and ring updates.
#[test]
fn pipe_predicates_and_updates() {
    let mut k = kernel(WakeFn::Autoremove);
    k.pipe = Pipe { max_usage: 2, readers: 1, writers: 1, ..Pipe::default() };
    assert!(k.pipe.empty() && !k.pipe.readable() && k.pipe.writable());
    k.pipe.writers = 0;
    assert!(k.pipe.readable(), "no writers: readable (EOF)");
    k.pipe.writers = 1;
    k.pipe_push_page(&mut ());
    k.pipe_push_page(&mut ());
    assert!(k.pipe.full() && k.pipe.readable() && !k.pipe.writable());
    k.pipe.readers = 0;
    assert!(k.pipe.writable(), "no readers: writable (EPIPE)");
    let mut fx = Vec::new();
    k.pipe_pop_page(&mut fx);
    assert_eq!(fx, [Effect::Pipe { head: 2, tail: 1 }]);
    k.mutex_lock(B, &mut ());
    assert_eq!(k.pipe.mutex, Some(B));
    k.mutex_unlock(&mut ());
    assert_eq!(k.pipe.mutex, None);
}

/// trylock_page / clear_bit_unlock_is_negative_byte [ref §2.1].
#[test]
fn page_trylock_and_unlock() {
    let mut k = kernel(WakeFn::Page(PageWake::Rc));
    assert!(k.trylock_page(A, &mut ()));
    assert!(k.page.locked && k.page.owner == Some(A));
    assert!(!k.trylock_page(B, &mut ()), "already locked");
    assert_eq!(k.page.owner, Some(A));
    assert!(!k.clear_page_locked(&mut ()), "PG_waiters was clear");
    k.page.waiters = true;
    assert!(k.clear_page_locked(&mut ()), "PG_waiters was set");
    assert!(!k.page.locked && k.page.owner.is_none());
}

/// wait_on_page_bit_common L1–L2 [ref §2.1]: [q.lock: if unlinked: add TAIL+EXCL;
/// SetPageWaiters; state := S]. Linked already: only the state.
#[test]
fn link_page_waiter_queues_exclusive_at_the_tail_once() {
    let mut k = kernel(WakeFn::Page(PageWake::Rc));
    k.link_page_waiter(A, Q, E, TaskState::Killable, &mut ());
    k.link_page_waiter(B, Q, E, TaskState::Killable, &mut ());
    assert_eq!(order(&k, Q), [A, B]);
    assert!(exclusive(&k, A, E) && k.page.waiters);
    k.set_current_state(A, TaskState::Running, &mut ());
    k.link_page_waiter(A, Q, E, TaskState::Killable, &mut ());
    assert_eq!(order(&k, Q), [A, B], "not linked twice");
    assert_eq!(k.task(A).state, TaskState::Killable);
}

/// 2a9127fcf229's waiter [ref §2.3 item 4]: [q.lock: SetPageWaiters; test_and_set → WOKEN;
/// else link at TAIL].
#[test]
fn handoff_waiter_takes_a_free_lock_or_queues() {
    let mut k = kernel(WakeFn::Page(PageWake::Handoff));
    k.link_page_waiter_handoff(A, Q, E, &mut ());
    assert!(k.page.locked && k.page.owner == Some(A));
    assert!(k.task(A).entries[0].flags.contains(EntryFlags::WOKEN));
    assert!(order(&k, Q).is_empty());
    k.link_page_waiter_handoff(B, Q, E, &mut ());
    assert_eq!(order(&k, Q), [B]);
    assert!(k.page.waiters && exclusive(&k, B, E) && !k.task(B).entries[0].flags.contains(EntryFlags::WOKEN));
}

/// wake_up_page_bit [ref §2.1]: [q.lock: __wake_up_common(TASK_NORMAL, 1); if the queue is
/// empty (or no page matched) → ClearPageWaiters].
#[test]
fn wake_up_page_bit_clears_pg_waiters_only_when_the_queue_empties() {
    let mut k = kernel(WakeFn::Page(PageWake::Rc));
    k.link_page_waiter(A, Q, E, TaskState::Killable, &mut ());
    k.link_page_waiter(B, Q, E, TaskState::Killable, &mut ());
    k.wake_up_page_bit(Q, &mut ());
    assert_eq!(order(&k, Q), [B]);
    assert!(k.page.waiters, "B still waits");
    k.wake_up_page_bit(Q, &mut ());
    assert!(order(&k, Q).is_empty() && !k.page.waiters);
}

/// ≤4.13-rc wake_page_function [ref §2.1]: the bit already set again → 0, and the walk goes on.
#[test]
fn rc_wake_page_function_skips_when_relocked() {
    let mut k = kernel(WakeFn::Page(PageWake::Rc));
    k.link_page_waiter(A, Q, E, TaskState::Killable, &mut ());
    k.link_page_waiter(B, Q, E, TaskState::Killable, &mut ());
    k.page.locked = true;
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q, &mut fx);
    let rets: Vec<i8> =
        fx.iter().filter_map(|f| if let Effect::WakeCall { ret, .. } = f { Some(*ret) } else { None }).collect();
    assert_eq!(rets, [0, 0], "both entries called, neither woken");
    assert_eq!(order(&k, Q), [A, B]);
}

/// 2a9127fcf229's wake function [ref §2.3 item 4]: an exclusive entry gets the lock, WOKEN, a
/// wakeup and is unlinked, and the walk stops after it; a taken bit → -1, nothing changes.
#[test]
fn handoff_wake_function_transfers_the_lock() {
    let mut k = kernel(WakeFn::Page(PageWake::Handoff));
    k.page.locked = true;
    k.link_page_waiter_handoff(A, Q, E, &mut ());
    k.link_page_waiter_handoff(B, Q, E, &mut ());
    asleep(&mut k, A, TaskState::Killable);
    asleep(&mut k, B, TaskState::Killable);
    // The bit is still held: the walk stops at once.
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q, &mut fx);
    assert!(fx.iter().any(|f| matches!(f, Effect::WakeCall { task: A, ret: -1, .. })));
    assert_eq!(order(&k, Q), [A, B]);
    // Unlocked: A is handed the lock and woken; B is not called.
    k.clear_page_locked(&mut ());
    let mut fx = Vec::new();
    k.wake_up_page_bit(Q, &mut fx);
    assert!(fx.iter().any(|f| matches!(f, Effect::WakeCall { task: A, ret: 1, handoff: true, woke: true, .. })));
    assert!(k.page.locked && k.page.owner == Some(A));
    assert!(k.task(A).entries[0].flags.contains(EntryFlags::WOKEN) && k.task(A).on_rq);
    assert_eq!(order(&k, Q), [B]);
    assert!(k.task(B).asleep() && k.page.waiters);
}

//! One focused test per kernel primitive: the exact atomic effect on kernel state and the exact
//! effects it emits, checked against `shared/reference/kernel-protocols.md` §0 (wait-queue
//! primitives), §1.1 (pipe), §2.1 and §2.3 (page lock and its historical versions).
//!
//! Every test builds a small `Kernel` by hand and puts tasks to sleep by hand (`park`), so that
//! each test depends only on the primitive it checks.

use sim_core::effect::Effect;
use sim_core::kernel::page::Page;
use sim_core::kernel::pipe::Pipe;
use sim_core::kernel::task::{Task, TaskState, TASK_INTERRUPTIBLE, TASK_NORMAL, TASK_UNINTERRUPTIBLE, TASK_WAKEKILL};
use sim_core::kernel::waitqueue::{EntryFlags, EntryRef, PageWake, WaitEntry, WaitQueueHead, WakeFn, ERESTARTSYS};
use sim_core::kernel::wake::WakeKey;
use sim_core::kernel::Kernel;
use sim_core::{EntryId, QueueId, TaskId};

const T0: TaskId = TaskId(0);
const T1: TaskId = TaskId(1);
const T2: TaskId = TaskId(2);
const T3: TaskId = TaskId(3);
const Q0: QueueId = QueueId(0);
const Q1: QueueId = QueueId(1);
const E0: EntryId = EntryId(0);
const E1: EntryId = EntryId(1);

const EXCL: EntryFlags = EntryFlags::EXCLUSIVE;

use TaskState::{Interruptible, Killable, Running, Uninterruptible};

/// Four tasks, each with two unlinked entries whose wake function is `func`; two empty queues;
/// an empty pipe; an unlocked page with no waiters.
fn kernel_with(func: WakeFn) -> Kernel {
    let entry = WaitEntry { flags: EntryFlags::default(), func };
    Kernel {
        tasks: (0..4).map(|_| Task::new(&[entry, entry])).collect(),
        queues: [WaitQueueHead::default(), WaitQueueHead::default()].into_iter().collect(),
        pipe: Pipe::default(),
        page: Page::default(),
        condition: false,
    }
}

/// `kernel_with(autoremove_wake_function)`: what `DEFINE_WAIT` and `___wait_event` use.
fn kernel() -> Kernel {
    kernel_with(WakeFn::Autoremove)
}

fn r(task: TaskId, entry: EntryId) -> EntryRef {
    EntryRef { task, entry }
}

fn list(k: &Kernel, q: QueueId) -> Vec<EntryRef> {
    k.queue(q).list.to_vec()
}

fn flags(k: &Kernel, t: TaskId, e: EntryId) -> EntryFlags {
    k.task(t).entries[e.index()].flags
}

fn none() -> EntryFlags {
    EntryFlags::default()
}

fn excl_woken() -> EntryFlags {
    EXCL.with(EntryFlags::WOKEN, true)
}

/// By hand, as if the task had queued and called `schedule()`: entry `e` linked at the tail of
/// `q` (EXCLUSIVE if `exclusive`), `state`, off the run queue.
fn park(k: &mut Kernel, t: TaskId, q: QueueId, e: EntryId, state: TaskState, exclusive: bool) {
    k.tasks[t.index()].entries[e.index()].flags = none().with(EXCL, exclusive);
    k.queues[q.index()].list.push(r(t, e));
    k.tasks[t.index()].state = state;
    k.tasks[t.index()].on_rq = false;
}

/// `park`, but the task is back on its run queue and RUNNING with its entry still linked: a
/// fatal signal woke it (reference §2.3 "Model tip": the signal leaves the entry linked).
fn park_running(k: &mut Kernel, t: TaskId, q: QueueId, e: EntryId, exclusive: bool) {
    park(k, t, q, e, Running, exclusive);
    k.tasks[t.index()].on_rq = true;
    k.tasks[t.index()].fatal_signal = true;
}

fn state(from: TaskState, to: TaskState, task: TaskId) -> Effect {
    Effect::State { task, from, to }
}

fn wake_call(task: TaskId, ret: i8, woke: bool, exclusive: bool, handoff: bool) -> Effect {
    Effect::WakeCall { queue: Q0, task, entry: E0, ret, woke, exclusive, handoff }
}

fn wake_calls(fx: &[Effect]) -> Vec<Effect> {
    fx.iter().filter(|e| matches!(e, Effect::WakeCall { .. })).copied().collect()
}

fn page_fx(locked: bool, waiters: bool, owner: Option<TaskId>) -> Effect {
    Effect::Page { locked, waiters, owner }
}

// ---------------------------------------------------------------------------------------------
// §0: linking and unlinking
// ---------------------------------------------------------------------------------------------

/// §0 `prepare_to_wait(q,e,S)`: clear EXCL; `[q.lock: if e unlinked → insert at HEAD; state:=S]`.
/// A second call does not link the entry again, but stores the state again.
#[test]
fn prepare_to_wait_clears_excl_links_at_head_once_and_sets_state() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Uninterruptible, true);
    k.tasks[0].entries[0].flags = EXCL;

    let mut fx = Vec::new();
    k.prepare_to_wait(T0, Q0, E0, Interruptible, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0)], "inserted at the head");
    assert_eq!(flags(&k, T0, E0), none(), "EXCL cleared");
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Interruptible, true));
    assert_eq!(
        fx,
        vec![
            Effect::Flags { task: T0, entry: E0, flags: none() },
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: true, exclusive: false },
            state(Running, Interruptible, T0),
        ]
    );

    let mut fx = Vec::new();
    k.prepare_to_wait(T0, Q0, E0, Uninterruptible, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0)], "not linked twice");
    assert_eq!(k.task(T0).state, Uninterruptible);
    assert_eq!(fx, vec![state(Interruptible, Uninterruptible, T0)]);
}

/// §0 `prepare_to_wait(q,e,S)` on a second queue: each entry is linked on its own queue, and the
/// second call re-arms the sleep state (the pipe_wait P1/P2 pattern of §1.2).
#[test]
fn prepare_to_wait_on_two_queues_links_each_entry_and_rearms_state() {
    let mut k = kernel();
    let mut fx = Vec::new();
    k.prepare_to_wait(T0, Q0, E0, Interruptible, &mut fx);
    k.task_mut(T0).state = Running; // a waker's RUNNING store lands in between (§1.4 step 5)
    fx.clear();
    k.prepare_to_wait(T0, Q1, E1, Interruptible, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert_eq!(list(&k, Q1), vec![r(T0, E1)]);
    assert_eq!(k.linked_on(T0, E0), Some(Q0));
    assert_eq!(k.linked_on(T0, E1), Some(Q1));
    assert_eq!(k.task(T0).state, Interruptible);
    assert_eq!(
        fx,
        vec![
            Effect::Link { queue: Q1, task: T0, entry: E1, at_head: true, exclusive: false },
            state(Running, Interruptible, T0),
        ]
    );
}

/// §0 `prepare_to_wait_exclusive(q,e,S)`: set EXCL; `[q.lock: if unlinked → insert at TAIL;
/// state:=S]`.
#[test]
fn prepare_to_wait_exclusive_sets_excl_and_links_at_tail_once() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, false);

    let mut fx = Vec::new();
    k.prepare_to_wait_exclusive(T0, Q0, E0, Killable, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T0, E0)], "inserted at the tail");
    assert_eq!(flags(&k, T0, E0), EXCL);
    assert_eq!(k.task(T0).state, Killable);
    assert_eq!(
        fx,
        vec![
            Effect::Flags { task: T0, entry: E0, flags: EXCL },
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: false, exclusive: true },
            state(Running, Killable, T0),
        ]
    );

    let mut fx = Vec::new();
    k.prepare_to_wait_exclusive(T0, Q0, E0, Uninterruptible, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T0, E0)], "not linked twice");
    assert_eq!(k.task(T0).state, Uninterruptible);
    assert_eq!(fx, vec![state(Killable, Uninterruptible, T0)]);
}

/// §0 `prepare_to_wait_event(q,e,S)`: `signal_pending_state(S)` → unlink e, return
/// -ERESTARTSYS, and the state is NOT stored. Checked for INTERRUPTIBLE and KILLABLE, with the
/// entry linked (a later pass of `___wait_event`) and unlinked (the first pass).
#[test]
fn prepare_to_wait_event_with_pending_signal_unlinks_and_returns_erestartsys() {
    for s in [Interruptible, Killable] {
        let mut k = kernel();
        park(&mut k, T1, Q0, E0, s, true);
        k.queues[0].list.push(r(T0, E0));
        k.tasks[0].entries[0].flags = EXCL;
        k.tasks[0].fatal_signal = true;

        let mut fx = Vec::new();
        assert_eq!(k.prepare_to_wait_event(T0, Q0, E0, s, &mut fx), ERESTARTSYS, "{s:?}");
        assert_eq!(list(&k, Q0), vec![r(T1, E0)], "{s:?}: unlinked");
        assert_eq!(k.task(T0).state, Running, "{s:?}: state not stored");
        assert_eq!(fx, vec![Effect::Unlink { queue: Q0, task: T0, entry: E0 }], "{s:?}");

        let mut fx = Vec::new();
        assert_eq!(k.prepare_to_wait_event(T0, Q0, E0, s, &mut fx), ERESTARTSYS, "{s:?}");
        assert_eq!(list(&k, Q0), vec![r(T1, E0)], "{s:?}: not linked");
        assert_eq!(k.task(T0).state, Running, "{s:?}");
        assert_eq!(fx, vec![], "{s:?}: no Unlink when already unlinked");
    }
}

/// §0 `prepare_to_wait_event(q,e,S)`, no signal: link if unlinked, at the TAIL if EXCL, else at
/// the HEAD; state:=S; return 0. A second pass does not link again.
#[test]
fn prepare_to_wait_event_links_tail_if_excl_else_head_and_sets_state() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, false);
    k.tasks[0].entries[0].flags = EXCL;

    let mut fx = Vec::new();
    assert_eq!(k.prepare_to_wait_event(T0, Q0, E0, Interruptible, &mut fx), 0);
    assert_eq!(
        fx,
        vec![
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: false, exclusive: true },
            state(Running, Interruptible, T0),
        ]
    );
    let mut fx = Vec::new();
    assert_eq!(k.prepare_to_wait_event(T2, Q0, E0, Killable, &mut fx), 0);
    assert_eq!(
        fx,
        vec![
            Effect::Link { queue: Q0, task: T2, entry: E0, at_head: true, exclusive: false },
            state(Running, Killable, T2),
        ]
    );
    assert_eq!(list(&k, Q0), vec![r(T2, E0), r(T1, E0), r(T0, E0)]);
    assert_eq!((flags(&k, T0, E0), flags(&k, T2, E0)), (EXCL, none()), "flags untouched");
    assert_eq!((k.task(T0).state, k.task(T2).state), (Interruptible, Killable));

    // Second pass (woken, RUNNING, entry still linked): state stored again, no second link.
    k.task_mut(T0).state = Running;
    let mut fx = Vec::new();
    assert_eq!(k.prepare_to_wait_event(T0, Q0, E0, Interruptible, &mut fx), 0);
    assert_eq!(list(&k, Q0), vec![r(T2, E0), r(T1, E0), r(T0, E0)]);
    assert_eq!(fx, vec![state(Running, Interruptible, T0)]);
}

/// §0 `prepare_to_wait_event(q,e,S)` with S = UNINTERRUPTIBLE: `signal_pending_state` is false
/// for it, so a pending fatal signal does not stop the wait: link and store the state.
#[test]
fn prepare_to_wait_event_uninterruptible_ignores_a_pending_signal() {
    let mut k = kernel();
    k.tasks[0].fatal_signal = true;
    let mut fx = Vec::new();
    assert_eq!(k.prepare_to_wait_event(T0, Q0, E0, Uninterruptible, &mut fx), 0);
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert_eq!(k.task(T0).state, Uninterruptible);
    assert_eq!(
        fx,
        vec![
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: true, exclusive: false },
            state(Running, Uninterruptible, T0),
        ]
    );
}

/// §0 `finish_wait(q,e)`: state:=RUNNING; if e still linked → `[q.lock: unlink]`. Emits
/// FinishWait. Other entries stay.
#[test]
fn finish_wait_sets_running_and_unlinks_a_linked_entry() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, false);
    park(&mut k, T0, Q0, E0, Interruptible, false);
    park(&mut k, T2, Q0, E0, Interruptible, true);
    k.tasks[0].on_rq = true; // the caller runs

    let mut fx = Vec::new();
    k.finish_wait(T0, Q0, E0, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T2, E0)]);
    assert_eq!(k.task(T0).state, Running);
    assert_eq!(
        fx,
        vec![
            state(Interruptible, Running, T0),
            Effect::Unlink { queue: Q0, task: T0, entry: E0 },
            Effect::FinishWait { task: T0, queue: Q0 },
        ]
    );
}

/// §0 `finish_wait(q,e)` when autoremove already unlinked e: state:=RUNNING, no Unlink effect,
/// the queue is untouched.
#[test]
fn finish_wait_on_an_unlinked_entry_emits_no_unlink() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, false);
    k.tasks[0].state = Interruptible; // re-armed by a later prepare_to_wait (§1.2 P2)

    let mut fx = Vec::new();
    k.finish_wait(T0, Q0, E0, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0)]);
    assert_eq!(k.task(T0).state, Running);
    assert_eq!(fx, vec![state(Interruptible, Running, T0), Effect::FinishWait { task: T0, queue: Q0 }]);
}

/// §1.3 (Josef Bacik's patch) `add_wait_queue(q,e)`: `[q.lock: insert at HEAD]`, non-exclusive,
/// and no state change: the caller stored the state once before.
#[test]
fn add_wait_queue_links_at_head_without_changing_state() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, true);
    k.tasks[0].state = Interruptible;

    let mut fx = Vec::new();
    k.add_wait_queue(T0, Q0, E0, &mut fx);
    k.add_wait_queue(T0, Q1, E1, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0)]);
    assert_eq!(list(&k, Q1), vec![r(T0, E1)]);
    assert_eq!((flags(&k, T0, E0), flags(&k, T0, E1)), (none(), none()));
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Interruptible, true));
    assert_eq!(
        fx,
        vec![
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: true, exclusive: false },
            Effect::Link { queue: Q1, task: T0, entry: E1, at_head: true, exclusive: false },
        ]
    );
}

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

// ---------------------------------------------------------------------------------------------
// §0: schedule and signals
// ---------------------------------------------------------------------------------------------

/// §0 `schedule()`: state==RUNNING → returns, nothing changes.
#[test]
fn schedule_when_running_returns_without_effect() {
    let mut k = kernel();
    let before = k.clone();
    let mut fx = Vec::new();
    k.schedule(T0, &mut fx);
    assert_eq!(k, before);
    assert_eq!(fx, vec![]);
}

/// §0 `schedule()`: sleeping state and no signal → dequeue (sleep).
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

/// §0 `schedule()`: a pending signal for the state (INTERRUPTIBLE or KILLABLE) → state:=RUNNING,
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

/// §0 `schedule()`: UNINTERRUPTIBLE does not see signals, so it sleeps even with one pending.
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

/// §0 `signal_pending_state(S)` (used by `prepare_to_wait_event` and `schedule`): only
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

/// §2.3 "Model tip": a fatal signal is an external ttwu(WAKEKILL|INTERRUPTIBLE) that leaves the
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

// ---------------------------------------------------------------------------------------------
// §1.1: pipe
// ---------------------------------------------------------------------------------------------

fn pipe(head: u32, tail: u32, max_usage: u32, readers: u32, writers: u32) -> Pipe {
    Pipe { mutex: None, head, tail, max_usage, readers, writers }
}

/// §1.1: empty ⇔ head==tail; full ⇔ head-tail >= max_usage (wrapping); readable = !empty ||
/// !writers; writable = !full || !readers.
#[test]
fn pipe_predicates_empty_full_readable_writable() {
    // (pipe, empty, full, readable, writable)
    let cases = [
        (pipe(3, 3, 4, 1, 1), true, false, false, true),
        (pipe(5, 3, 4, 1, 1), false, false, true, true),
        (pipe(7, 3, 4, 1, 1), false, true, true, false),
        (pipe(9, 3, 4, 1, 1), false, true, true, false),
        // no writers: an empty pipe is readable (EOF)
        (pipe(3, 3, 4, 1, 0), true, false, true, true),
        // no readers: a full pipe is writable (EPIPE)
        (pipe(7, 3, 4, 0, 1), false, true, true, true),
        // head wrapped past u32::MAX: 3 buffers in use
        (pipe(1, u32::MAX - 1, 3, 1, 1), false, true, true, false),
        (pipe(1, u32::MAX - 1, 4, 1, 1), false, false, true, true),
    ];
    for (p, empty, full, readable, writable) in cases {
        assert_eq!((p.empty(), p.full(), p.readable(), p.writable()), (empty, full, readable, writable), "{p:?}");
    }
}

/// §1.1 `pipe->mutex`: mutex_lock records the owner, mutex_unlock frees it; each emits Mutex.
#[test]
fn pipe_mutex_lock_and_unlock() {
    let mut k = kernel();
    let mut fx = Vec::new();
    k.mutex_lock(T1, &mut fx);
    assert_eq!(k.pipe.mutex, Some(T1));
    k.mutex_unlock(&mut fx);
    assert_eq!(k.pipe.mutex, None);
    assert_eq!(fx, vec![Effect::Mutex { owner: Some(T1) }, Effect::Mutex { owner: None }]);
}

/// §1.1 W2 (`pipe->head = head + 1`) and the reader's `pipe->tail = ++tail`; both wrap.
#[test]
fn pipe_push_and_pop_move_head_and_tail() {
    let mut k = kernel();
    k.pipe = pipe(u32::MAX, u32::MAX, 2, 1, 1);
    let mut fx = Vec::new();
    k.pipe_push_page(&mut fx);
    assert_eq!((k.pipe.head, k.pipe.tail), (0, u32::MAX));
    assert!(!k.pipe.empty());
    k.pipe_pop_page(&mut fx);
    assert_eq!((k.pipe.head, k.pipe.tail), (0, 0));
    assert!(k.pipe.empty());
    assert_eq!(fx, vec![Effect::Pipe { head: 0, tail: u32::MAX }, Effect::Pipe { head: 0, tail: 0 }]);
}

// ---------------------------------------------------------------------------------------------
// §2.1: page lock primitives
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// §2.1 / §2.3: wake_page_function, three versions
// ---------------------------------------------------------------------------------------------

/// §2.1 `wake_page_function` (≤4.13-rc): bit already set again → return 0, so the walk goes on
/// to the next entry; nobody is woken or unlinked, PG_waiters stays.
#[test]
fn wake_page_function_rc_relocked_returns_zero_and_the_walk_continues() {
    let mut k = kernel_with(WakeFn::Page(PageWake::Rc));
    k.page = Page { locked: true, waiters: true, owner: Some(T2) };
    park(&mut k, T0, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, true);
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
    let mut k = kernel_with(WakeFn::Page(PageWake::StopIfRelocked));
    k.page = Page { locked: true, waiters: true, owner: Some(T2) };
    park(&mut k, T0, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, true);
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
    let mut k = kernel_with(WakeFn::Page(PageWake::Handoff));
    k.page = Page { locked: true, waiters: true, owner: Some(T2) };
    park(&mut k, T0, Q0, E0, Killable, true);
    park(&mut k, T1, Q0, E0, Killable, true);
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

//! The seeds' interleavings, step for step: they reproduce each race on the buggy variant and
//! lose nothing on the fixes.

mod common;

use common::{replay, replay_lenient, spec, var};
use sim_core::ids::PageId;
use sim_core::kernel::task::TaskState;
use sim_core::kernel::waitqueue::EntryFlags;
use sim_core::{QueueId, TaskId, Verdict, VerdictKind};

const R: TaskId = TaskId(0);
const W: TaskId = TaskId(1);
const RD_WAIT: QueueId = QueueId(0);
const WR_WAIT: QueueId = QueueId(1);

/// Reference §1.4, with every atomic step: W writes one page and unlocks (W1–W2, 6 steps); R
/// consumes it in splice #1 and enters splice #2, reaching P1 (11 steps); W's stale
/// wake_up(rd_wait) (step 5 of the table); R's P2, P3, P4 (3 steps). W then fills the pipe.
const PIPE_TABLE: &str = "W*6 R*11 W R*3";

#[test]
fn pipe_table_loses_the_wakeup_on_v5_8() {
    let spec = spec("pipe-splice", "v5.8", &[("capacity", 2), ("writes", 4)]);
    let (world, outcome, trace) = replay(&spec, PIPE_TABLE, 0);
    let Verdict::LostWakeup(lost) = &outcome.verdict else {
        panic!("expected a lost wakeup, got {:?}", outcome.verdict)
    };
    assert_eq!(lost.waiter, "R");
    let wakeup = lost.wakeup.as_ref().unwrap();
    assert_eq!((wakeup.step, wakeup.waker.as_str(), wakeup.queue.as_str()), (18, "W", "pipe->rd_wait"));
    assert_eq!(lost.lost_at_step, 21, "R sleeps in schedule() at step 21");
    assert!(lost.reason.contains("re-armed by prepare_to_wait(&pipe->wr_wait"), "{}", lost.reason);
    assert!(lost.reason.contains("at step 19"), "{}", lost.reason);
    assert_eq!(lost.account.culprit(), Some(19), "the re-arming prepare_to_wait(wr_wait)");
    // The oracle flags the loss at the step R sleeps.
    let lost_steps: Vec<u32> = trace
        .events
        .iter()
        .filter(|e| e.effects.iter().any(|f| matches!(f, sim_core::effect::Effect::Lost { .. })))
        .map(|e| e.step)
        .collect();
    assert_eq!(lost_steps, [21]);
    // Josef's drgn dump [ref §1.5]: rd_wait empty; wr_wait holds R and W (exclusive), both
    // INTERRUPTIBLE and asleep; the pipe full; the mutex free.
    let k = &world.kernel;
    assert!(k.queue(RD_WAIT).list.is_empty());
    let wr: Vec<TaskId> = k.queue(WR_WAIT).list.iter().map(|e| e.task).collect();
    assert_eq!(wr, [R, W]);
    let w_entry = k.queue(WR_WAIT).list[1];
    assert!(k.task(W).entries[w_entry.entry.index()].flags.contains(EntryFlags::EXCLUSIVE));
    for t in [R, W] {
        assert!(k.task(t).asleep());
        assert_eq!(k.task(t).state, TaskState::Interruptible);
    }
    let (head, tail) = (var(&spec, k, "pipe->head"), var(&spec, k, "pipe->tail"));
    assert_eq!(head - tail, 2, "the pipe is full (capacity 2) and so readable: head {head} tail {tail}");
    assert_eq!(k.mutexes[0], None, "the pipe mutex is free");
}

#[test]
fn pipe_table_is_harmless_on_every_fix() {
    for variant in ["v5.9", "josef-set-state-once", "v5.4-single-queue"] {
        let spec = spec("pipe-splice", variant, &[("capacity", 2), ("writes", 4)]);
        for seed in 0..200 {
            let (_, outcome, _) = replay_lenient(&spec, PIPE_TABLE, seed);
            assert_eq!(outcome.verdict, Verdict::Finished { recovered: vec![] }, "{variant}, continuation seed {seed}");
        }
    }
}

/// Reference §2.2 (Linus, 27 Aug 2017): T1 and T2 fail trylock, queue EXCLUSIVE at the tail and
/// sleep (4 steps each: trylock, L1–L2, test_bit, io_schedule); H unlocks and wakes T1 only
/// (2 steps); the fatal signal reaches T1; T1 checks it and returns -EINTR (2 steps).
const PAGE_TABLE: &str = "T1*4 T2*4 H*2 !T1 T1*2";

#[test]
fn page_table_loses_the_wakeup_on_v4_13() {
    let spec = spec("page-lock-killable", "v4.13", &[("lockers", 2), ("signals", 1)]);
    let (world, outcome, _) = replay(&spec, PAGE_TABLE, 0);
    assert_eq!(outcome.steps, 13, "the table is the whole run");
    let Verdict::LostWakeup(lost) = &outcome.verdict else {
        panic!("expected a lost wakeup, got {:?}", outcome.verdict)
    };
    assert_eq!(lost.waiter, "T2");
    let wakeup = lost.wakeup.as_ref().unwrap();
    assert_eq!((wakeup.step, wakeup.waker.as_str(), wakeup.exclusive), (10, "H", true));
    assert_eq!(lost.lost_at_step, 13, "T1's finish_wait with the exclusive wakeup unspent");
    assert!(lost.reason.contains("exclusive wakeup") && lost.reason.contains("T1"), "{}", lost.reason);
    assert_eq!(lost.account.culprit(), Some(13), "T1's finish_wait(), which gave the wakeup up");
    // End state [ref §2.2]: PG_locked=0, no owner, PG_waiters=1, q=[T2 (EXCL)], T2 asleep KILLABLE.
    let k = &world.kernel;
    let (t1, t2) = (TaskId(1), TaskId(2));
    assert!(!k.page_locked(PageId(0)) && k.pages[0].owner.is_none() && k.page_waiters(PageId(0)));
    let q: Vec<TaskId> = k.queue(QueueId(0)).list.iter().map(|e| e.task).collect();
    assert_eq!(q, [t2]);
    assert!(k.task(t2).asleep() && k.task(t2).state == TaskState::Killable);
    assert_eq!(k.task(t1).exit, Some(-4), "T1 returned -EINTR");
}

/// §2.2's timing note: a signal that reaches T1 before the unlock leaves T1 RUNNING and linked,
/// so ttwu(T1) returns 0, the exclusive wakeup is not spent, and T2 is woken.
#[test]
fn page_signal_before_the_unlock_is_harmless_on_v4_13() {
    let spec = spec("page-lock-killable", "v4.13", &[("lockers", 2), ("signals", 1)]);
    let (_, outcome, _) = replay(&spec, "T1*4 T2*4 !T1 H*2 T1*2", 0);
    assert_eq!(outcome.verdict.kind(), VerdictKind::Finished);
}

#[test]
fn page_table_is_harmless_on_every_fix() {
    for variant in ["a8b169afbf06", "v5.8-handoff"] {
        let spec = spec("page-lock-killable", variant, &[("lockers", 2), ("signals", 1)]);
        for seed in 0..200 {
            let (_, outcome, _) = replay_lenient(&spec, PAGE_TABLE, seed);
            assert_eq!(outcome.verdict.kind(), VerdictKind::Finished, "{variant}, continuation seed {seed}");
        }
    }
}

/// Reference §2.3 item 3 (Oleg Nesterov, June 2020), the four-task hole in a8b169afbf06: T1
/// queues and sees the bit clear (the unlock came before PG_waiters, so no wakeup); T2 takes the
/// lock by the fast path; T3 queues behind T1 and sleeps; T1's test_and_set fails; T2's unlock
/// "wakes" the still-KILLABLE T1, spending the exclusive wakeup; T1 sees its signal → -EINTR.
#[test]
fn residual_hole_of_a8b169afbf06_with_three_lockers() {
    let spec = spec("page-lock-killable", "a8b169afbf06", &[("lockers", 3), ("signals", 1)]);
    // T1 trylock fails; H clears PG_locked (PG_waiters was 0: no wakeup); T1 links, sets
    // PG_waiters and KILLABLE, sees the bit clear; T2 takes the lock; T3 trylocks, links, sees
    // the bit, sleeps; T1's test_and_set fails; T2 unlocks and wakes T1; the signal; T1 -EINTR.
    let (world, outcome, _) = replay(&spec, "T1 H T1*2 T2 T3*4 T1 T2*2 !T1 T1*2", 0);
    let Verdict::LostWakeup(lost) = &outcome.verdict else {
        panic!("expected a lost wakeup, got {:?}", outcome.verdict)
    };
    assert_eq!(lost.waiter, "T3");
    assert_eq!(lost.wakeup.as_ref().map(|w| w.waker.as_str()), Some("T2"));
    assert!(!world.kernel.page_locked(PageId(0)));
}

#[test]
fn residual_hole_is_closed_by_the_handoff() {
    let spec = spec("page-lock-killable", "v5.8-handoff", &[("lockers", 3), ("signals", 1)]);
    for seed in 0..200 {
        let (_, outcome, _) = replay_lenient(&spec, "T1 H T1*2 T2 T3*4 T1 T2*2 !T1 T1*2", seed);
        assert_eq!(outcome.verdict.kind(), VerdictKind::Finished, "continuation seed {seed}");
    }
}

/// Reference §3 C1: A tests the condition; B sets it and wakes an empty queue; A queues and sleeps.
#[test]
fn check_then_sleep_loses_the_wakeup_when_naive() {
    let spec = spec("check-then-sleep", "naive", &[]);
    let (_, outcome, _) = replay(&spec, "A B*2 A*2", 0);
    let Verdict::LostWakeup(lost) = &outcome.verdict else {
        panic!("expected a lost wakeup, got {:?}", outcome.verdict)
    };
    assert_eq!(lost.waiter, "A");
    assert_eq!(lost.wakeup.as_ref().map(|w| (w.step, w.waker.as_str())), Some((3, "B")));
    assert!(lost.reason.contains("found nobody on wq"), "{}", lost.reason);
}

#[test]
fn check_then_sleep_survives_the_same_schedule_when_the_state_is_set_first() {
    let spec = spec("check-then-sleep", "set-state-first", &[]);
    for seed in 0..50 {
        let (_, outcome, _) = replay_lenient(&spec, "A B*2 A*2", seed);
        assert_eq!(outcome.verdict, Verdict::Finished { recovered: vec![] });
    }
}

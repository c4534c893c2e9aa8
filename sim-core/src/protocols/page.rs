//! The page lock with killable exclusive waiters, v4.13 to v5.8 [ref §2]. A holder H starts with
//! the page locked and unlocks it; `lockers` tasks call `lock_page_killable()` and, once they
//! hold the lock, unlock it. The first `signals` lockers may receive a fatal signal at any step.

use crate::ids::{EntryId, QueueId, TaskId};
use crate::kernel::cond::Cond;
use crate::kernel::page::Page;
use crate::kernel::task::TaskState::Killable;
use crate::kernel::waitqueue::{PageWake, WakeFn};
use crate::program::{Builder, Label, Local, Op, Program, Test};
use crate::protocols::{Model, ParamDef, RoleDef, RoleProgram};
use crate::spec::Objects;

pub const VARIANTS: &[&str] = &["v4.13", "a8b169afbf06", "v5.8-handoff"];

pub const PARAMS: &[ParamDef] = &[
    ParamDef { name: "lockers", min: 2, max: 6, about: "tasks that call lock_page_killable()" },
    ParamDef { name: "signals", min: 0, max: 6, about: "how many lockers (the first ones) may receive a fatal signal" },
];

pub const ROLES: &[RoleDef] = &[
    RoleDef { id: "holder", count: None, signals: None },
    RoleDef { id: "killable-locker", count: Some("lockers"), signals: Some("signals") },
];

/// `-EINTR`.
const EINTR: i32 = -4;
const Q: QueueId = QueueId(0);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// 4.13-rc `wait_on_page_bit_common`: the signal check right after io_schedule() [ref §2.1].
    V413,
    /// a8b169afbf06 (on top of 3510ca20ece0): the signal check after the lock attempt
    /// [ref §2.3 items 1–2].
    A8b169,
    /// 2a9127fcf229: the lock is handed over inside the wake function [ref §2.3 item 4].
    Handoff,
}

pub fn build(variant: &str) -> Model {
    let v = match variant {
        "a8b169afbf06" => Variant::A8b169,
        "v5.8-handoff" => Variant::Handoff,
        _ => Variant::V413,
    };
    Model {
        programs: vec![
            RoleProgram { program: holder(), locals: vec![] },
            RoleProgram { program: locker(v), locals: vec![] },
        ],
        queues: vec!["page_waitqueue(page)"],
        objects: Objects { page: true, ..Objects::default() },
        // H (task 0) starts holding the page lock; nobody waits yet [ref §2.2 "Initially"].
        page: Page { locked: true, waiters: false, owner: Some(TaskId(0)) },
        pipe: Default::default(),
    }
}

fn holder() -> Program {
    let mut b = Builder::new();
    unlock_page(&mut b);
    b.func("holder", 0).op(Op::Exit, "return 0;", "");
    b.build()
}

/// `unlock_page()`: clear PG_locked and read PG_waiters in one atomic op, then wake the queue if
/// PG_waiters was set [ref §2.1].
fn unlock_page(b: &mut Builder) {
    let done = b.label();
    b.func("unlock_page", 1)
        .op(
            Op::ClearPageLocked,
            "waiters = clear_bit_unlock_is_negative_byte(PG_locked, &page->flags);",
            "§2.1 unlock_page",
        )
        .op(
            Op::JumpIf { local: Local::Waiters, test: Test::Zero, then: Builder::to(done) },
            "if (waiters)",
            "§2.1 unlock_page",
        )
        .depth(2)
        .op(Op::WakeUpPageBit { queue: Q }, "wake_up_page_bit(page, PG_locked);", "§2.1 wake_up_page_bit");
    b.bind(done);
}

fn locker(v: Variant) -> Program {
    let mut b = Builder::new();
    let kind = match v {
        Variant::V413 => PageWake::Rc,
        Variant::A8b169 => PageWake::StopIfRelocked,
        Variant::Handoff => PageWake::Handoff,
    };
    let wait = b.entry("wait", WakeFn::Page(kind));
    let locked = b.label();
    b.func("lock_page_killable", 1).op(
        Op::TrylockPage { then: Builder::to(locked) },
        "if (!trylock_page(page)) return __lock_page_killable(page);",
        "§2.1 lock_page: trylock_page, then __lock_page_killable",
    );
    match v {
        Variant::V413 | Variant::A8b169 => wait_on_page_bit_common(&mut b, v, wait, locked),
        Variant::Handoff => wait_on_page_bit_common_handoff(&mut b, wait, locked),
    }
    b.func("lock_page_killable", 1).op(Op::Set { local: Local::Ret, value: EINTR }, "ret = -EINTR;", "").op(
        Op::Exit,
        "return ret;  /* the fault gives up: the task is dying */",
        "",
    );
    b.bind(locked);
    unlock_page(&mut b);
    b.func("locker", 0).op(Op::Set { local: Local::Ret, value: 0 }, "ret = 0;", "").op(Op::Exit, "return 0;", "");
    b.build()
}

/// `wait_on_page_bit_common(q, page, PG_locked, TASK_KILLABLE, lock=true)` before 2a9127fcf229.
/// v4.13 checks the signal right after io_schedule(), before trying the lock (L4); a8b169afbf06
/// moves that check after the lock attempt (L5) [ref §2.1 listing, §2.3 item 2]. Jumps to
/// `locked` with the lock held, or falls through having given up.
fn wait_on_page_bit_common(b: &mut Builder, v: Variant, wait: EntryId, locked: Label) {
    let (trylock, eintr, out) = (b.label(), b.label(), b.label());
    let top = b.here();
    b.func("wait_on_page_bit_common", 2)
        .op(
            Op::LinkPageWaiter { queue: Q, entry: wait, state: Killable },
            "spin_lock_irq(&q->lock); if (list_empty(&wait->entry)) { __add_wait_queue_entry_tail_exclusive(q, wait); SetPageWaiters(page); } set_current_state(state); spin_unlock_irq(&q->lock);",
            "§2.1 L1–L2",
        )
        .op(Op::Check { cond: Cond::PageLocked, expect: false, then: Builder::to(trylock) }, "if (likely(test_bit(bit_nr, &page->flags))) {", "§2.1 L4")
        .depth(3)
        .op(Op::Schedule { waits_for: Cond::PageUnlocked }, "io_schedule();", "§2.1 L4");
    let signal_check = |b: &mut Builder| {
        b.op(
            Op::Check { cond: Cond::SignalPending(Killable), expect: true, then: Builder::to(eintr) },
            "if (unlikely(signal_pending_state(state, current))) { ret = -EINTR; break; }",
            if v == Variant::V413 {
                "§2.1 L4: exits before trying the lock"
            } else {
                "§2.3 item 2: the check after the lock attempt"
            },
        );
    };
    if v == Variant::V413 {
        signal_check(b);
    }
    b.bind(trylock);
    b.depth(2).op(
        Op::TrylockPage { then: Builder::to(out) },
        "if (!test_and_set_bit_lock(bit_nr, &page->flags)) break;",
        "§2.1 L5",
    );
    if v == Variant::A8b169 {
        signal_check(b);
    }
    b.op(Op::Goto { then: Builder::to(top) }, "}  /* for (;;) */", "");
    b.bind(eintr);
    b.op(Op::Set { local: Local::Ret, value: EINTR }, "ret = -EINTR;", "");
    b.bind(out);
    b.op(Op::FinishWait { queue: Q, entry: wait }, "finish_wait(q, wait);", "§2.1 finish_wait").op(
        Op::JumpIf { local: Local::Ret, test: Test::Zero, then: Builder::to(locked) },
        "return ret;",
        "",
    );
}

/// 2a9127fcf229's `wait_on_page_bit_common`: queue (or take the lock) once under q.lock, then
/// loop { set state; signal → break; WOKEN → break; io_schedule }; finish_wait; return WOKEN ?
/// 0 : -EINTR. The waiter never re-queues [ref §2.3 item 4, "Waiter"].
fn wait_on_page_bit_common_handoff(b: &mut Builder, wait: EntryId, locked: Label) {
    let out = b.label();
    b.func("wait_on_page_bit_common", 2).op(
        Op::LinkPageWaiterHandoff { queue: Q, entry: wait },
        "spin_lock_irq(&q->lock); SetPageWaiters(page); if (!trylock_page_bit_common(page, bit_nr, wait)) __add_wait_queue_entry_tail(q, wait); spin_unlock_irq(&q->lock);",
        "§2.3 item 4",
    );
    let top = b.here();
    b.depth(3)
        .op(Op::SetCurrentState { state: Killable }, "set_current_state(state);", "§2.3 item 4")
        .op(
            Op::Check { cond: Cond::SignalPending(Killable), expect: true, then: Builder::to(out) },
            "if (signal_pending_state(state, current)) break;",
            "§2.3 item 4",
        )
        .op(
            Op::Check { cond: Cond::EntryWoken(wait), expect: true, then: Builder::to(out) },
            "if (wait->flags & WQ_FLAG_WOKEN) break;",
            "§2.3 item 4",
        )
        .op(Op::Schedule { waits_for: Cond::PageUnlocked }, "io_schedule();", "§2.3 item 4")
        .op(Op::Goto { then: Builder::to(top) }, "}", "");
    b.bind(out);
    b.depth(2).op(Op::FinishWait { queue: Q, entry: wait }, "finish_wait(q, wait);", "§2.3 item 4").op(
        Op::Check { cond: Cond::EntryWoken(wait), expect: true, then: Builder::to(locked) },
        "return wait->flags & WQ_FLAG_WOKEN ? 0 : -EINTR;",
        "§2.3 item 4",
    );
}

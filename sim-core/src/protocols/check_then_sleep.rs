//! Check, then sleep: the smallest lost wakeup, for a first lesson [ref §3 C1]. A waiter waits
//! on `wq` for `condition`; a waker sets it and calls `wake_up(&wq)`.

use crate::ids::{EntryId, QueueId};
use crate::kernel::cond::Cond;
use crate::kernel::task::TaskState::Interruptible;
use crate::kernel::waitqueue::WakeFn;
use crate::program::{Builder, Op, Program, WakeMode};
use crate::protocols::{Model, RoleDef, RoleProgram};
use crate::spec::Objects;

pub const VARIANTS: &[&str] = &["naive", "set-state-first"];

pub const ROLES: &[RoleDef] =
    &[RoleDef { id: "waiter", count: None, signals: None }, RoleDef { id: "waker", count: None, signals: None }];

const WQ: QueueId = QueueId(0);

pub fn build(variant: &str) -> Model {
    let waiter = if variant == "set-state-first" { waiter_set_state_first() } else { waiter_naive() };
    Model {
        programs: vec![
            RoleProgram { program: waiter, locals: vec![] },
            RoleProgram { program: waker(), locals: vec![] },
        ],
        queues: vec!["wq"],
        objects: Objects { condition: true, ..Objects::default() },
        pipe: Default::default(),
        page: Default::default(),
    }
}

fn entry(b: &mut Builder) -> EntryId {
    b.entry("wait", WakeFn::Autoremove)
}

/// The bug: test, then queue and sleep. A wakeup between the test and the queueing finds
/// nobody [ref §3 C1].
fn waiter_naive() -> Program {
    let mut b = Builder::new();
    let wait = entry(&mut b);
    let done = b.label();
    let top = b.here();
    b.func("waiter", 1)
        .op(
            Op::Check { cond: Cond::Condition, expect: true, then: Builder::to(done) },
            "while (!condition) {",
            "§3 C1: the test comes first",
        )
        .depth(2)
        .op(
            Op::PrepareToWait { queue: WQ, entry: wait, state: Interruptible },
            "prepare_to_wait(&wq, &wait, TASK_INTERRUPTIBLE);",
            "§0 prepare_to_wait",
        )
        .op(Op::Schedule { waits_for: Cond::Condition }, "schedule();", "§0 schedule()")
        .op(Op::FinishWait { queue: WQ, entry: wait }, "finish_wait(&wq, &wait);", "§0 finish_wait")
        .op(Op::Goto { then: Builder::to(top) }, "}", "");
    b.bind(done);
    b.depth(1).op(Op::Exit, "return 0;", "");
    b.build()
}

/// The rule of `set_current_state()`: queue and set the state, then test, then sleep [ref §0,
/// the safety rule].
fn waiter_set_state_first() -> Program {
    let mut b = Builder::new();
    let wait = entry(&mut b);
    let done = b.label();
    let top = b.here();
    b.func("waiter", 2)
        .op(
            Op::PrepareToWait { queue: WQ, entry: wait, state: Interruptible },
            "prepare_to_wait(&wq, &wait, TASK_INTERRUPTIBLE);",
            "§0 the safety rule: queue and set the state first",
        )
        .op(
            Op::Check { cond: Cond::Condition, expect: true, then: Builder::to(done) },
            "if (condition) break;",
            "§0 the safety rule: then test",
        )
        .op(Op::Schedule { waits_for: Cond::Condition }, "schedule();", "§0 the safety rule: then sleep")
        .op(Op::Goto { then: Builder::to(top) }, "}  /* for (;;) */", "");
    b.bind(done);
    b.func("waiter", 1).op(Op::FinishWait { queue: WQ, entry: wait }, "finish_wait(&wq, &wait);", "§0 finish_wait").op(
        Op::Exit,
        "return 0;",
        "",
    );
    b.build()
}

fn waker() -> Program {
    let mut b = Builder::new();
    b.func("waker", 1)
        .op(Op::SetCondition, "condition = true;", "§3 C1")
        .op(Op::WakeUp { queue: WQ, mode: WakeMode::Normal, nr_exclusive: 1 }, "wake_up(&wq);", "§0 wake_up")
        .op(Op::Exit, "return 0;", "");
    b.build()
}

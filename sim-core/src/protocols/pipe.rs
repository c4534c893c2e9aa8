//! pipe / splice, Linux 5.4–5.9 [ref §1]. A splice reader (`splice_from_pipe` into a file) and
//! pipe writers, each writing `writes` pages, one `pipe_write()` call per page. Signals play no
//! part here, so the signal paths of these functions are left out.

use crate::ids::{EntryId, QueueId};
use crate::kernel::cond::Cond;
use crate::kernel::pipe::Pipe;
use crate::kernel::task::TaskState::Interruptible;
use crate::kernel::waitqueue::WakeFn;
use crate::program::{Builder, Local, Op, Program, Test, WakeMode};
use crate::protocols::{Model, ParamDef, RoleDef, RoleProgram};
use crate::spec::Objects;

pub const VARIANTS: &[&str] = &["v5.8", "v5.9", "josef-set-state-once", "v5.4-single-queue"];

pub const PARAMS: &[ParamDef] = &[
    ParamDef { name: "capacity", min: 1, max: 64, about: "pipe slots (pipe->max_usage; the kernel's default is 16)" },
    ParamDef { name: "writes", min: 1, max: 256, about: "pages each writer writes, one pipe_write() per page" },
    ParamDef { name: "writers", min: 1, max: 4, about: "writer tasks" },
];

pub const ROLES: &[RoleDef] = &[
    RoleDef { id: "splice-reader", count: None, signals: None },
    RoleDef { id: "pipe-writer", count: Some("writers"), signals: None },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// 5.5–5.8: `pipe_wait()` prepares on rd_wait then wr_wait [ref §1.2].
    V58,
    /// 472e5b056f00: `pipe_wait_readable()` [ref §1.3].
    V59,
    /// Josef Bacik's unmerged patch: set the state once, then add to both queues [ref §1.3].
    Josef,
    /// Before 0ddad21d3e: one queue, `pipe->wait` [ref §1.1, §1.2 last paragraph].
    V54,
}

/// The queues the code names. Before 0ddad21d3e both are `pipe->wait`.
#[derive(Clone, Copy)]
struct Queues {
    rd: QueueId,
    wr: QueueId,
}

pub fn build(variant: &str, capacity: u32, writes: u32, writers: u32) -> Model {
    let v = match variant {
        "v5.9" => Variant::V59,
        "josef-set-state-once" => Variant::Josef,
        "v5.4-single-queue" => Variant::V54,
        _ => Variant::V58,
    };
    let (q, queues) = if v == Variant::V54 {
        (Queues { rd: QueueId(0), wr: QueueId(0) }, vec!["pipe->wait"])
    } else {
        (Queues { rd: QueueId(0), wr: QueueId(1) }, vec!["rd_wait", "wr_wait"])
    };
    let total = i32::try_from(writes * writers).unwrap_or(i32::MAX);
    let writer = if v == Variant::V54 { pipe_write_v54(q) } else { pipe_write_v55(q) };
    Model {
        programs: vec![
            RoleProgram { program: splice_reader(v, q), locals: vec![(Local::Todo, total)] },
            RoleProgram { program: writer, locals: vec![(Local::Todo, writes as i32)] },
        ],
        queues,
        objects: Objects { pipe: true, ..Objects::default() },
        pipe: Pipe { max_usage: capacity, readers: 1, writers, ..Pipe::default() },
        page: Default::default(),
    }
}

/// The reader: `splice()` until it has all the data; each call is `splice_from_pipe()` →
/// `__splice_from_pipe()` with the mutex held [ref §1.1, splice_from_pipe_next].
fn splice_reader(v: Variant, q: Queues) -> Program {
    let mut b = Builder::new();
    let entries = match v {
        Variant::V58 | Variant::Josef => {
            vec![b.entry("rdwait", WakeFn::Autoremove), b.entry("wrwait", WakeFn::Autoremove)]
        }
        Variant::V59 | Variant::V54 => vec![b.entry("wait", WakeFn::Autoremove)],
    };
    let call = b.here();
    let (next, feed, end) = (b.label(), b.label(), b.label());
    b.func("splice_from_pipe", 1).op(
        Op::MutexLock,
        "pipe_lock(pipe);",
        "§1.1 splice_from_pipe_next: runs with the mutex held",
    );
    b.func("splice_from_pipe_begin", 1)
        .op(Op::Set { local: Local::NumSpliced, value: 0 }, "sd->num_spliced = 0;", "")
        .op(Op::Set { local: Local::NeedWakeup, value: 0 }, "sd->need_wakeup = false;", "");
    b.bind(next);
    b.func("splice_from_pipe_next", 1)
        .op(
            Op::Check { cond: Cond::PipeEmpty, expect: false, then: Builder::to(feed) },
            "while (pipe_empty(pipe->head, pipe->tail)) {",
            "§1.1 splice_from_pipe_next",
        )
        .depth(2)
        .op(
            Op::Check { cond: Cond::PipeHasWriters, expect: false, then: Builder::to(end) },
            "if (!pipe->writers) return 0;",
            "§1.1 splice_from_pipe_next",
        )
        .op(
            Op::JumpIf { local: Local::NumSpliced, test: Test::NonZero, then: Builder::to(end) },
            "if (sd->num_spliced) return 0;",
            "§1.1 splice_from_pipe_next",
        );
    let no_wakeup = b.label();
    b.op(
        Op::JumpIf { local: Local::NeedWakeup, test: Test::Zero, then: Builder::to(no_wakeup) },
        "if (sd->need_wakeup) {",
        "§1.1 splice_from_pipe_next",
    );
    wakeup_pipe_writers(&mut b, q, 3);
    b.func("splice_from_pipe_next", 3).op(
        Op::Set { local: Local::NeedWakeup, value: 0 },
        "sd->need_wakeup = false; }",
        "",
    );
    b.bind(no_wakeup);
    match v {
        Variant::V58 => pipe_wait_two_queues(&mut b, q, entries[0], entries[1]),
        Variant::Josef => pipe_wait_josef(&mut b, q, entries[0], entries[1]),
        Variant::V59 => pipe_wait_readable(&mut b, q, entries[0]),
        Variant::V54 => pipe_wait_one_queue(&mut b, q.rd, entries[0], Cond::PipeReadable),
    }
    b.func("splice_from_pipe_next", 1).op(Op::Goto { then: Builder::to(next) }, "}", "");
    b.bind(feed);
    b.func("splice_from_pipe_feed", 1)
        .op(
            Op::PipePopPage,
            "pipe->tail = ++tail;  /* the actor consumed the buffer */",
            "§1.4 step 2: feed consumes it",
        )
        .op(Op::Set { local: Local::NeedWakeup, value: 1 }, "sd->need_wakeup = true;", "")
        .op(Op::Add { local: Local::NumSpliced, value: 1 }, "sd->num_spliced += ret;", "")
        .op(Op::Add { local: Local::Todo, value: -1 }, "sd->total_len -= ret;", "")
        .op(
            Op::JumpIf { local: Local::Todo, test: Test::NonZero, then: Builder::to(next) },
            "if (sd->total_len) return 1;  /* on to splice_from_pipe_next() */",
            "",
        );
    b.bind(end);
    let no_end_wakeup = b.label();
    b.func("splice_from_pipe_end", 1).op(
        Op::JumpIf { local: Local::NeedWakeup, test: Test::Zero, then: Builder::to(no_end_wakeup) },
        "if (sd->need_wakeup)",
        "",
    );
    wakeup_pipe_writers(&mut b, q, 2);
    b.bind(no_end_wakeup);
    b.func("splice_from_pipe", 1).op(Op::MutexUnlock, "pipe_unlock(pipe);", "");
    b.func("reader", 0)
        .op(
            Op::JumpIf { local: Local::Todo, test: Test::NonZero, then: Builder::to(call) },
            "while (left) splice(pipe, file, left);",
            "",
        )
        .op(Op::Exit, "return 0;", "");
    b.build()
}

/// `wakeup_pipe_writers()`: `smp_mb(); if (waitqueue_active(wr_wait))
/// wake_up_interruptible(wr_wait)` [ref §1.1].
fn wakeup_pipe_writers(b: &mut Builder, q: Queues, depth: u8) {
    let skip = b.label();
    b.func("wakeup_pipe_writers", depth)
        .op(
            Op::Check { cond: Cond::QueueActive(q.wr), expect: false, then: Builder::to(skip) },
            "smp_mb(); if (waitqueue_active(&pipe->wr_wait))",
            "§1.1 wakeup_pipe_writers",
        )
        .depth(depth + 1)
        .op(
            Op::WakeUp { queue: q.wr, mode: WakeMode::Interruptible, nr_exclusive: 1 },
            "wake_up_interruptible(&pipe->wr_wait);",
            "§1.1 wakeup_pipe_writers",
        );
    b.bind(skip);
}

/// The tail every legacy `pipe_wait()` shares: P3–P6 [ref §1.2].
fn pipe_wait_sleep(b: &mut Builder, q: Queues, rd_entry: EntryId, wr_entry: EntryId) {
    b.op(Op::MutexUnlock, "pipe_unlock(pipe);", "§1.2 P3")
        .op(Op::Schedule { waits_for: Cond::PipeReadable }, "schedule();", "§1.2 P4")
        .op(Op::FinishWait { queue: q.rd, entry: rd_entry }, "finish_wait(&pipe->rd_wait, &rdwait);", "§1.2 P5")
        .op(Op::FinishWait { queue: q.wr, entry: wr_entry }, "finish_wait(&pipe->wr_wait, &wrwait);", "§1.2 P5")
        .op(Op::MutexLock, "pipe_lock(pipe);", "§1.2 P6");
}

/// 5.5–5.8 `pipe_wait()`: the bug. P2 stores INTERRUPTIBLE again after a wakeup may have
/// landed on rd_wait [ref §1.2 P1–P6].
fn pipe_wait_two_queues(b: &mut Builder, q: Queues, rd: EntryId, wr: EntryId) {
    b.func("pipe_wait", 2)
        .op(
            Op::PrepareToWait { queue: q.rd, entry: rd, state: Interruptible },
            "prepare_to_wait(&pipe->rd_wait, &rdwait, TASK_INTERRUPTIBLE);",
            "§1.2 P1",
        )
        .op(
            Op::PrepareToWait { queue: q.wr, entry: wr, state: Interruptible },
            "prepare_to_wait(&pipe->wr_wait, &wrwait, TASK_INTERRUPTIBLE);",
            "§1.2 P2",
        );
    pipe_wait_sleep(b, q, rd, wr);
}

/// Josef Bacik's patch: the state is set once, before either queue is joined, so a wakeup that
/// lands after it sticks [ref §1.3, second item]. The rest is the legacy tail.
fn pipe_wait_josef(b: &mut Builder, q: Queues, rd: EntryId, wr: EntryId) {
    b.func("pipe_wait", 2)
        .op(Op::SetCurrentState { state: Interruptible }, "set_current_state(TASK_INTERRUPTIBLE);", "§1.3 Josef Bacik")
        .op(Op::AddWaitQueue { queue: q.rd, entry: rd }, "add_wait_queue(&pipe->rd_wait, &rdwait);", "§1.3 Josef Bacik")
        .op(
            Op::AddWaitQueue { queue: q.wr, entry: wr },
            "add_wait_queue(&pipe->wr_wait, &wrwait);",
            "§1.3 Josef Bacik",
        );
    pipe_wait_sleep(b, q, rd, wr);
}

/// Before 0ddad21d3e: one queue, so the waiter checks and queues under the mutex and a stale
/// wakeup only makes schedule() return early [ref §1.2, last paragraph].
fn pipe_wait_one_queue(b: &mut Builder, queue: QueueId, entry: EntryId, waits_for: Cond) {
    b.func("pipe_wait", 2)
        .op(
            Op::PrepareToWait { queue, entry, state: Interruptible },
            "prepare_to_wait(&pipe->wait, &wait, TASK_INTERRUPTIBLE);",
            "§1.2: one prepare_to_wait before 0ddad21d3e",
        )
        .op(Op::MutexUnlock, "pipe_unlock(pipe);", "§1.2 P3")
        .op(Op::Schedule { waits_for }, "schedule();", "§1.2 P4")
        .op(Op::FinishWait { queue, entry }, "finish_wait(&pipe->wait, &wait);", "§1.2 P5")
        .op(Op::MutexLock, "pipe_lock(pipe);", "§1.2 P6");
}

/// 472e5b056f00's `pipe_wait_readable()`: unlock; `wait_event_interruptible(rd_wait,
/// pipe_readable)`; lock [ref §1.3, first item].
fn pipe_wait_readable(b: &mut Builder, q: Queues, entry: EntryId) {
    b.func("pipe_wait_readable", 2).op(Op::MutexUnlock, "pipe_unlock(pipe);", "§1.3 472e5b056f00");
    wait_event(b, q.rd, entry, Cond::PipeReadable, false);
    b.func("pipe_wait_readable", 2).op(Op::MutexLock, "pipe_lock(pipe);", "§1.3 472e5b056f00");
}

/// `___wait_event(wq, condition, TASK_INTERRUPTIBLE, exclusive, 0, schedule())`: loop {
/// prepare_to_wait_event; if cond → break; schedule() } then finish_wait [ref §0, last row].
fn wait_event(b: &mut Builder, queue: QueueId, entry: EntryId, cond: Cond, exclusive: bool) {
    let top = b.here();
    let done = b.label();
    b.func("___wait_event", 3)
        .op(
            Op::PrepareToWaitEvent { queue, entry, state: Interruptible, exclusive },
            "long __int = prepare_to_wait_event(&wq_head, &__wq_entry, state);",
            "§0 prepare_to_wait_event",
        )
        .op(Op::Check { cond, expect: true, then: Builder::to(done) }, "if (condition) break;", "§0 ___wait_event")
        .op(Op::Schedule { waits_for: cond }, "schedule();", "§0 schedule()")
        .op(Op::Goto { then: Builder::to(top) }, "}", "");
    b.bind(done);
    b.op(Op::FinishWait { queue, entry }, "finish_wait(&wq_head, &__wq_entry);", "§0 finish_wait");
}

/// 5.5–5.8 `pipe_write()`, one page per call [ref §1.1 W1–W4]; unchanged by the 5.9 fix.
fn pipe_write_v55(q: Queues) -> Program {
    let mut b = Builder::new();
    let wait = b.entry("wait", WakeFn::Autoremove);
    let call = b.here();
    let (full, out, keep, no_rd, no_wr) = (b.label(), b.label(), b.label(), b.label(), b.label());
    b.func("pipe_write", 1)
        .op(Op::Set { local: Local::WakeNextWriter, value: 0 }, "bool wake_next_writer = false;", "")
        .op(Op::MutexLock, "__pipe_lock(pipe);", "§1.1 W1")
        .op(
            Op::Load { local: Local::WasEmpty, cond: Cond::PipeEmpty },
            "was_empty = pipe_empty(pipe->head, pipe->tail);",
            "§1.1 W1",
        );
    let top = b.here();
    b.depth(2)
        .op(
            Op::Check { cond: Cond::PipeFull, expect: true, then: Builder::to(full) },
            "if (!pipe_full(head, pipe->tail, pipe->max_usage)) {",
            "§1.1 W2",
        )
        .depth(3)
        .op(Op::PipePushPage, "pipe->head = head + 1;  /* copy one page */", "§1.1 W2")
        .op(Op::Goto { then: Builder::to(out) }, "break;  /* !iov_iter_count(from) */", "§1.1 W2");
    b.bind(full);
    let skip = b.label();
    b.func("pipe_write", 2)
        .op(Op::MutexUnlock, "__pipe_unlock(pipe);", "§1.1 W3")
        .op(
            Op::JumpIf { local: Local::WasEmpty, test: Test::Zero, then: Builder::to(skip) },
            "if (was_empty)",
            "§1.1 W3",
        )
        .depth(3)
        .op(
            Op::WakeUp { queue: q.rd, mode: WakeMode::Interruptible, nr_exclusive: 1 },
            "wake_up_interruptible_sync_poll(&pipe->rd_wait, EPOLLIN | EPOLLRDNORM);",
            "§1.1 W3",
        );
    b.bind(skip);
    wait_event(&mut b, q.wr, wait, Cond::PipeWritable, true);
    b.func("pipe_write", 2)
        .op(Op::MutexLock, "__pipe_lock(pipe);", "§1.1 W3")
        .op(
            Op::Load { local: Local::WasEmpty, cond: Cond::PipeEmpty },
            "was_empty = pipe_empty(pipe->head, pipe->tail);",
            "§1.1 W3",
        )
        .op(Op::Set { local: Local::WakeNextWriter, value: 1 }, "wake_next_writer = true;", "")
        .op(Op::Goto { then: Builder::to(top) }, "}", "");
    b.bind(out);
    b.func("pipe_write", 1)
        .op(
            Op::Check { cond: Cond::PipeFull, expect: false, then: Builder::to(keep) },
            "if (pipe_full(pipe->head, pipe->tail, pipe->max_usage))",
            "§1.1 W4",
        )
        .depth(2)
        .op(Op::Set { local: Local::WakeNextWriter, value: 0 }, "wake_next_writer = false;", "");
    b.bind(keep);
    b.depth(1)
        .op(Op::MutexUnlock, "__pipe_unlock(pipe);", "§1.1 W4")
        .op(
            Op::JumpIf { local: Local::WasEmpty, test: Test::Zero, then: Builder::to(no_rd) },
            "if (was_empty)",
            "§1.1 W4",
        )
        .depth(2)
        .op(
            Op::WakeUp { queue: q.rd, mode: WakeMode::Interruptible, nr_exclusive: 1 },
            "wake_up_interruptible_sync_poll(&pipe->rd_wait, EPOLLIN | EPOLLRDNORM);",
            "§1.1 W4",
        );
    b.bind(no_rd);
    b.depth(1)
        .op(
            Op::JumpIf { local: Local::WakeNextWriter, test: Test::Zero, then: Builder::to(no_wr) },
            "if (wake_next_writer)",
            "§1.1 W4",
        )
        .depth(2)
        .op(
            Op::WakeUp { queue: q.wr, mode: WakeMode::Interruptible, nr_exclusive: 1 },
            "wake_up_interruptible_sync_poll(&pipe->wr_wait, EPOLLOUT | EPOLLWRNORM);",
            "§1.1 W4",
        );
    b.bind(no_wr);
    writer_loop(&mut b, call);
    b.build()
}

/// 5.4 `pipe_write()`, one page per call: the wakeup before sleeping is issued under the mutex,
/// and the writer sleeps in the same one-queue `pipe_wait()` [ref §1.2, last paragraph].
fn pipe_write_v54(q: Queues) -> Program {
    let mut b = Builder::new();
    let wait = b.entry("wait", WakeFn::Autoremove);
    let call = b.here();
    let (full, out, no_wakeup, done) = (b.label(), b.label(), b.label(), b.label());
    b.func("pipe_write", 1).op(Op::Set { local: Local::WasEmpty, value: 0 }, "int do_wakeup = 0;", "").op(
        Op::MutexLock,
        "__pipe_lock(pipe);",
        "§1.2 (5.4)",
    );
    let top = b.here();
    b.depth(2)
        .op(
            Op::Check { cond: Cond::PipeFull, expect: true, then: Builder::to(full) },
            "if (bufs < pipe->buffers) {",
            "§1.2 (5.4)",
        )
        .depth(3)
        .op(Op::PipePushPage, "pipe->nrbufs = ++bufs;  /* copy one page */", "§1.2 (5.4)")
        .op(Op::Set { local: Local::WasEmpty, value: 1 }, "do_wakeup = 1;", "")
        .op(Op::Goto { then: Builder::to(out) }, "break;  /* !total_len */", "");
    b.bind(full);
    b.depth(2)
        .op(
            Op::JumpIf { local: Local::WasEmpty, test: Test::Zero, then: Builder::to(no_wakeup) },
            "if (do_wakeup) {",
            "",
        )
        .depth(3)
        .op(
            Op::WakeUp { queue: q.rd, mode: WakeMode::Interruptible, nr_exclusive: 1 },
            "wake_up_interruptible_sync_poll(&pipe->wait, EPOLLIN | EPOLLRDNORM);",
            "§1.2 (5.4)",
        )
        .op(Op::Set { local: Local::WasEmpty, value: 0 }, "do_wakeup = 0; }", "");
    b.bind(no_wakeup);
    pipe_wait_one_queue(&mut b, q.wr, wait, Cond::PipeWritable);
    b.func("pipe_write", 2).op(Op::Goto { then: Builder::to(top) }, "}", "");
    b.bind(out);
    b.func("pipe_write", 1)
        .op(Op::MutexUnlock, "__pipe_unlock(pipe);", "§1.2 (5.4)")
        .op(Op::JumpIf { local: Local::WasEmpty, test: Test::Zero, then: Builder::to(done) }, "if (do_wakeup)", "")
        .depth(2)
        .op(
            Op::WakeUp { queue: q.rd, mode: WakeMode::Interruptible, nr_exclusive: 1 },
            "wake_up_interruptible_sync_poll(&pipe->wait, EPOLLIN | EPOLLRDNORM);",
            "§1.2 (5.4)",
        );
    b.bind(done);
    writer_loop(&mut b, call);
    b.build()
}

/// The writer's caller: one `write()` of a page per iteration until all are written.
fn writer_loop(b: &mut Builder, call: crate::program::Label) {
    b.func("writer", 0)
        .op(Op::Add { local: Local::Todo, value: -1 }, "pages--;", "")
        .op(
            Op::JumpIf { local: Local::Todo, test: Test::NonZero, then: Builder::to(call) },
            "while (pages) write(pipe, page, PAGE_SIZE);",
            "",
        )
        .op(Op::Exit, "return 0;", "");
}

//! Which choices commute. Each choice reads and writes a set of objects, computed at the current
//! state; two choices are independent when neither writes what the other reads or writes. Then
//! both orders reach the same state and neither disables the other, which is what sleep sets
//! need. Over-approximating a footprint is always sound: it only costs reduction.
//!
//! A step is the instruction at the task's pc and every instruction after it that is not a step
//! of its own (locals, a critical section): its footprint is the union over all of them, on
//! every path, which over-approximates the path the step will take.

use crate::ids::{EntryId, QueueId, TaskId};
use crate::kernel::read::Read;
use crate::kernel::waitqueue::WakeFn;
use crate::kernel::Kernel;
use crate::program::{Expr, ExprId, Op, Place, Prim, Program, Yield};
use crate::spec::Spec;
use crate::world::Choice;

/// Bit sets of objects: a task's state and run-queue bit (0..8), a queue's list (8..12), a
/// mutex (12..16), a shared variable (16..32), a task's entry flags (40..48), a task's pending
/// signal (48..56). A task's pc and locals are its own and never shared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    pub reads: u64,
    pub writes: u64,
}

const fn state(t: usize) -> u64 {
    1 << t
}
const fn queue(q: usize) -> u64 {
    1 << (8 + q)
}
const fn mutex(m: usize) -> u64 {
    1 << (12 + m)
}
const fn var(v: usize) -> u64 {
    1 << (16 + v)
}
const fn flags(t: usize) -> u64 {
    1 << (40 + t)
}
const fn signal(t: usize) -> u64 {
    1 << (48 + t)
}

impl Footprint {
    const ALL: Footprint = Footprint { reads: u64::MAX, writes: u64::MAX };

    pub fn independent(self, other: Footprint) -> bool {
        self.writes & (other.reads | other.writes) == 0 && other.writes & self.reads == 0
    }
}

/// The step that starts at each instruction of each task, computed once per spec: what its
/// instructions read and write whatever the state, and which of them depend on the state (an
/// entry's queue, a queue's waiters). The explorer asks for footprints at every state, so the
/// walk over a step's instructions is done here, not there.
pub struct Footprints {
    /// Per task, per pc.
    steps: Vec<Vec<Step>>,
}

struct Step {
    fixed: Footprint,
    /// Instructions whose footprint depends on the state.
    dynamic: Box<[u16]>,
}

impl Footprints {
    pub fn new(spec: &Spec) -> Footprints {
        let steps = (0..spec.tasks.len())
            .map(|t| {
                let t = TaskId(t as u8);
                let prog = spec.program(t);
                (0..prog.instrs.len()).map(|pc| step(spec, prog, t, pc)).collect()
            })
            .collect();
        Footprints { steps }
    }

    /// What `c` reads and writes in state `k`.
    pub fn of(&self, spec: &Spec, k: &Kernel, c: Choice) -> Footprint {
        let t = match c {
            // Whether a signal can be delivered depends on whether any task can still run: a
            // global property, so a signal is dependent on every step.
            Choice::Signal(_) | Choice::Flush(_) => return Footprint::ALL,
            Choice::Step(t) => t,
        };
        let Some(step) = self.steps[t.index()].get(usize::from(k.task(t).pc)) else {
            return Footprint::ALL;
        };
        let prog = spec.program(t);
        let mut fp = step.fixed;
        for &pc in &step.dynamic {
            instr(prog, k, t, prog.instrs[usize::from(pc)].op, &mut fp);
        }
        fp
    }
}

/// What a fatal signal to `t` writes: its pending signal, and its state when it wakes it.
pub(crate) fn signal_delivery(t: TaskId) -> Footprint {
    Footprint { reads: 0, writes: signal(t.index()) | state(t.index()) }
}

/// What instruction `pc` of task `t` may write in any state.
pub(crate) fn may_write(spec: &Spec, prog: &Program, t: TaskId, pc: usize) -> u64 {
    let mut fp = Footprint::default();
    any_state(spec, prog, t, prog.instrs[pc].op, &mut fp);
    fp.writes
}

/// What the step starting at `start` may read and write in any state.
pub(crate) fn static_step(spec: &Spec, prog: &Program, t: TaskId, start: usize) -> Footprint {
    let mut fp = Footprint::default();
    for pc in step_instrs(prog, start) {
        any_state(spec, prog, t, prog.instrs[pc].op, &mut fp);
    }
    fp
}

/// An instruction's footprint in any state: where it depends on the state, every queue it could
/// link on or read, and every task a wakeup could reach, with the words of keyed wake functions.
fn any_state(spec: &Spec, prog: &Program, t: TaskId, op: Op, fp: &mut Footprint) {
    if !depends_on_state(prog, op) {
        return instr(prog, &spec.initial, t, op, fp);
    }
    let queues = (0..spec.queues.len()).fold(0, |m, q| m | queue(q));
    let own = t.index();
    match op {
        Op::Call {
            prim:
                Prim::WakeUp { .. }
                | Prim::WakeUpKeyed { .. }
                | Prim::WakeUpPageBit { .. }
                | Prim::AbortExclusiveWait { .. },
            ..
        } => {
            let mut tasks = 0;
            for u in spec.task_ids() {
                tasks |= state(u.index()) | flags(u.index());
                for e in &spec.initial.task(u).entries {
                    if let (WakeFn::Page(_) | WakeFn::Bit, Some(key)) = (e.func, e.key) {
                        tasks |= var(key.var.index());
                    }
                }
            }
            // The call's own words (the key, the page's flags) come from its fixed part.
            instr(prog, &spec.initial, t, op, fp);
            fp.writes |= queues | tasks | flags(own);
        }
        Op::Call { .. } => {
            instr(prog, &spec.initial, t, op, fp);
            fp.writes |= queues | state(own) | flags(own);
        }
        _ => {
            instr(prog, &spec.initial, t, op, fp);
            fp.reads |= queues;
        }
    }
}

/// The instructions of the step starting at `start`, on every path, up to the next step.
pub(crate) fn step_instrs(prog: &Program, start: usize) -> Vec<usize> {
    let mut seen = vec![false; prog.instrs.len()];
    let mut out = Vec::new();
    let mut todo = vec![start];
    while let Some(pc) = todo.pop() {
        if std::mem::replace(&mut seen[pc], true) {
            continue;
        }
        out.push(pc);
        todo.extend(prog.successors(pc).filter(|&x| x < prog.instrs.len() && prog.instrs[x].yields != Yield::Always));
    }
    out
}

/// The step starting at `start`: its instructions, on every path, up to the next step.
fn step(spec: &Spec, prog: &Program, t: TaskId, start: usize) -> Step {
    let mut fixed = Footprint::default();
    let mut dynamic = Vec::new();
    for pc in step_instrs(prog, start) {
        let op = prog.instrs[pc].op;
        if depends_on_state(prog, op) {
            dynamic.push(pc as u16);
        } else {
            // The state is not read for these: the initial one stands for any.
            instr(prog, &spec.initial, t, op, &mut fixed);
        }
    }
    Step { fixed, dynamic: dynamic.into_boxed_slice() }
}

/// Whether an instruction's footprint reads the state: the queue an entry is on (linking,
/// unlinking, `list_empty()`), the waiters a wakeup walks.
fn depends_on_state(prog: &Program, op: Op) -> bool {
    match op {
        Op::Call { prim, .. } => matches!(
            prim,
            Prim::PrepareToWait { .. }
                | Prim::AddWaitQueue { .. }
                | Prim::Link { .. }
                | Prim::FinishWait { .. }
                | Prim::PrepareToWaitEvent { .. }
                | Prim::Unlink { .. }
                | Prim::AbortExclusiveWait { .. }
                | Prim::WakeUp { .. }
                | Prim::WakeUpKeyed { .. }
                | Prim::WakeUpPageBit { .. }
        ),
        Op::Assign { expr: e, .. } | Op::Branch { cond: e, .. } | Op::Exit { value: e } => reads_a_list(prog, e),
        Op::Goto { .. } | Op::Nop | Op::Work { .. } => false,
    }
}

fn reads_a_list(prog: &Program, e: ExprId) -> bool {
    match prog.expr(e) {
        Expr::Const(_) | Expr::Local(_) | Expr::Var(_) | Expr::EntryFlags(_) => false,
        Expr::Unary(_, a) => reads_a_list(prog, a),
        Expr::Binary(_, a, b) => reads_a_list(prog, a) || reads_a_list(prog, b),
        Expr::Select(c, a, b) => reads_a_list(prog, c) || reads_a_list(prog, a) || reads_a_list(prog, b),
        Expr::Read(r, args) => {
            matches!(r, Read::ListEmpty(_)) || args[..r.arity()].iter().any(|&a| reads_a_list(prog, a))
        }
    }
}

fn instr(prog: &Program, k: &Kernel, t: TaskId, op: Op, fp: &mut Footprint) {
    let own = t.index();
    match op {
        Op::Assign { dst, expr } => {
            fp.reads |= reads(prog, k, t, expr);
            fp.writes |= match dst {
                Place::Local(_) => 0,
                Place::Var(v) | Place::Buffered(v) => var(v.index()),
                Place::EntryFlags(_) => flags(own),
            };
        }
        Op::Branch { cond: e, .. } | Op::Exit { value: e } => fp.reads |= reads(prog, k, t, e),
        Op::Goto { .. } | Op::Nop | Op::Work { .. } => {}
        Op::Call { prim, .. } => call(k, t, prim, fp),
    }
}

/// The queue an entry of `t` is linked on, if any.
fn linked(k: &Kernel, t: TaskId, e: EntryId) -> u64 {
    k.linked_on(t, e).map_or(0, |q| queue(q.index()))
}

fn call(k: &Kernel, t: TaskId, prim: Prim, fp: &mut Footprint) {
    let own = t.index();
    // Linking or unlinking an entry: the queue named, the queue it is on now, the task's state
    // and entry flags.
    let link =
        |q: Option<QueueId>, e: EntryId| q.map_or(0, |q| queue(q.index())) | linked(k, t, e) | state(own) | flags(own);
    match prim {
        Prim::PrepareToWait { queue: q, entry, .. }
        | Prim::AddWaitQueue { queue: q, entry, .. }
        | Prim::Link { queue: q, entry, .. }
        | Prim::FinishWait { queue: q, entry } => fp.writes |= link(Some(q), entry),
        Prim::PrepareToWaitEvent { queue: q, entry, .. } => {
            fp.reads |= signal(own);
            fp.writes |= link(Some(q), entry);
        }
        Prim::Unlink { queue: q, entry } => fp.writes |= link(q, entry),
        Prim::AbortExclusiveWait { queue: q, entry, .. } => fp.writes |= link(Some(q), entry) | walk(k, q),
        Prim::SetState { .. } | Prim::StoreState { .. } => fp.writes |= state(own),
        Prim::Fence => {}
        Prim::Schedule { .. } => {
            fp.reads |= signal(own);
            fp.writes |= state(own);
        }
        Prim::WakeUp { queue: q, key, .. } => fp.writes |= walk(k, q) | key.map_or(0, |k| var(k.var.index())),
        // The walk, the key's word, and the waker's own bookmark (its flags; linking it writes
        // the queue, which `walk` has).
        Prim::WakeUpKeyed { queue: q, key, .. } => fp.writes |= walk(k, q) | var(key.var.index()) | flags(own),
        Prim::WakeUpPageBit { queue: q, page, .. } => {
            fp.writes |= walk(k, q) | var(k.pages[page.index()].flags.index())
        }
        Prim::WakeUpProcess { task, .. } => fp.writes |= state(task.unwrap_or(t).index()),
        Prim::MutexLock(m) | Prim::MutexUnlock(m) => fp.writes |= mutex(m.index()),
        Prim::SetBit { var: v, .. }
        | Prim::ClearBit { var: v, .. }
        | Prim::TestAndSetBit { var: v, .. }
        | Prim::ClearBitUnlockIsNegativeByte { var: v, .. }
        | Prim::Xchg { var: v, .. }
        | Prim::AtomicAdd { var: v, .. } => fp.writes |= var(v.index()),
    }
}

/// A wakeup walks `q` and may change the state and entry flags of every task on it, and the
/// words of keyed wake functions (a handoff takes the page lock).
fn walk(k: &Kernel, q: QueueId) -> u64 {
    k.queue(q).list.iter().fold(queue(q.index()), |m, e| {
        let entry = k.task(e.task).entries[e.entry.index()];
        let word = match (entry.func, entry.key) {
            (WakeFn::Page(_) | WakeFn::Bit, Some(key)) => var(key.var.index()),
            _ => 0,
        };
        m | state(e.task.index()) | flags(e.task.index()) | word
    })
}

fn reads(prog: &Program, k: &Kernel, t: TaskId, e: ExprId) -> u64 {
    let own = t.index();
    match prog.expr(e) {
        Expr::Const(_) | Expr::Local(_) => 0,
        Expr::Var(v) => var(v.index()),
        Expr::EntryFlags(_) => flags(own),
        Expr::Unary(_, a) => reads(prog, k, t, a),
        Expr::Binary(_, a, b) => reads(prog, k, t, a) | reads(prog, k, t, b),
        Expr::Select(c, a, b) => reads(prog, k, t, c) | reads(prog, k, t, a) | reads(prog, k, t, b),
        Expr::Read(r, args) => {
            let from_args = args[..r.arity()].iter().fold(0, |m, &a| m | reads(prog, k, t, a));
            from_args
                | match r {
                    Read::PipeEmpty | Read::PipeFull | Read::PipeOccupancy => 0,
                    Read::PipeReadable(p) | Read::PipeWritable(p) => {
                        var(p.head.index())
                            | var(p.tail.index())
                            | var(p.max_usage.index())
                            | var(p.readers.index())
                            | var(p.writers.index())
                    }
                    Read::WaitqueueActive(q) => queue(q.index()),
                    Read::ListEmpty(entry) => linked(k, t, entry),
                    Read::SignalPending | Read::SignalPendingState(_) => signal(own),
                    Read::TestBit { var: v, .. } => var(v.index()),
                }
        }
    }
}

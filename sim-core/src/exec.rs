//! The interpreter: what one instruction does. Each primitive is a call into `kernel/`; control
//! flow and expressions are the only things decided here.

use crate::effect::{Effect, Sink};
use crate::ids::TaskId;
use crate::kernel::api::AtomicRet;
use crate::kernel::memory::Loc;
use crate::kernel::task::Task;
use crate::kernel::wake::Bookmark;
use crate::kernel::Kernel;
use crate::lowered::{Code, Jump, Operand, Value};
use crate::program::{BinOp, Expr, ExprId, Instr, Op, Place, Prim, Program, Ret, UnOp, Yield};

/// How many instructions may run back to back without a step. Only a loop that touches nothing
/// shared runs that long; it then yields, so that no program can hang a run.
const MAX_LOCAL_RUN: usize = 1024;

/// Whether `task` of `k`, running `prog`, may take its next step: alive, on a run queue, and
/// not blocked on a mutex.
#[inline]
pub fn enabled(k: &Kernel, prog: &Program, task: &Task) -> bool {
    if task.exit.is_some() || !task.on_rq {
        return false;
    }
    match prog.locks.get(usize::from(task.pc)) {
        Some(Some(m)) => k.mutex(*m).is_none(),
        Some(None) => true,
        None => false,
    }
}

/// Run task `t`'s next step: the instruction at its pc, then every instruction after it that is
/// not a step.
pub fn step(k: &mut Kernel, prog: &Program, t: TaskId, out: &mut impl Sink) {
    let pc = k.task(t).pc;
    match exec(k, prog, t, pc, out) {
        // Most steps end where the next one begins: no local instruction to run.
        Some(next) if prog.code.get(usize::from(next)) == Some(&Code::Step) => k.task_mut(t).pc = next,
        Some(next) => run_locals(k, prog, t, next, out),
        None => {}
    }
}

/// Run the instructions at task `t`'s pc that are not steps, until it stands on a step or has
/// returned.
pub fn settle(k: &mut Kernel, prog: &Program, t: TaskId, out: &mut impl Sink) {
    let task = k.task(t);
    if task.exit.is_none() {
        run_locals(k, prog, t, task.pc, out);
    }
}

/// Run the instructions from `pc` on that are not steps, at most `MAX_LOCAL_RUN` of them (a
/// `goto` passed over by a lowered jump counts as run), and leave the task's pc on the first
/// one not run. Runs from the lowered code (`lowered.rs`).
fn run_locals(k: &mut Kernel, prog: &Program, t: TaskId, mut pc: u16, out: &mut impl Sink) {
    let mut budget = MAX_LOCAL_RUN;
    while budget > 0 {
        let Some(code) = prog.code.get(usize::from(pc)) else {
            // Falling off the end of a program returns 0.
            k.task_mut(t).pc = pc;
            finish(k, t, 0, out);
            return;
        };
        let jump = match *code {
            Code::Step => break,
            Code::StepIfLinked(e) if k.linked_on(t, e).is_some() => break,
            Code::SetLocal { dst, ref value, next } => {
                k.task_mut(t).locals[dst.index()] = eval_value(prog, value, k, t);
                next
            }
            Code::Test { ref cond, then, other } => {
                if eval_value(prog, cond, k, t) != 0 {
                    then
                } else {
                    other
                }
            }
            Code::Goto(jump) => jump,
            Code::StepIfLinked(_) | Code::Exec => match exec_local(k, prog, t, pc, out) {
                Some(next) => Jump { next, to: next, hops: 0 },
                // A task that returned stays at its `return`, as a state the explorer tells
                // apart from others.
                None => break,
            },
        };
        budget -= 1;
        pc = if usize::from(jump.hops) <= budget {
            budget -= usize::from(jump.hops);
            jump.to
        } else {
            jump.next
        };
    }
    k.task_mut(t).pc = pc;
}

/// `exec` of a local instruction with no lowered case (a call under a spinlock, a store),
/// kept out of line so that `run_locals` stays small.
#[inline(never)]
fn exec_local(k: &mut Kernel, prog: &Program, t: TaskId, pc: u16, out: &mut impl Sink) -> Option<u16> {
    exec(k, prog, t, pc, out)
}

/// Execute instruction `pc`; the next pc, or `None` once the task has returned. Inlined into
/// `step`, which runs it once per step.
#[inline(always)]
fn exec(k: &mut Kernel, prog: &Program, t: TaskId, pc: u16, out: &mut impl Sink) -> Option<u16> {
    let instr = &prog.instrs[usize::from(pc)];
    let next = pc + 1;
    match instr.op {
        Op::Assign { dst, expr } => {
            let value = eval(prog, expr, k, t);
            match dst {
                Place::Local(l) => {
                    k.task_mut(t).locals[l.index()] = value;
                    if instr.yields == Yield::Always {
                        out.emit(Effect::Load { task: t, at: pc, value });
                    }
                }
                // Under `tso` a store that reaches memory at once stands only in a critical
                // section, whose lock drained the buffer (`codegen::tso`) [ref §6.2].
                Place::Var(v) => k.write_var(v, value, t, out),
                Place::Buffered(v) => k.store(t, Loc::Var(v), value, out),
                Place::EntryFlags(e) => k.set_flags(t, e, value, out),
            }
            Some(next)
        }
        Op::Call { prim, ret } => {
            let value = call(k, prim, t, out);
            match ret {
                Ret::Discard => Some(next),
                Ret::Local(l) => {
                    k.task_mut(t).locals[l.index()] = value;
                    Some(next)
                }
                Ret::Branch { then, when, wait } => {
                    let v = value != 0;
                    check(instr, t, pc, v, wait, out);
                    Some(if v == when { then.0 } else { next })
                }
            }
        }
        Op::Branch { cond, then, wait } => {
            let v = eval(prog, cond, k, t) != 0;
            check(instr, t, pc, v, wait, out);
            Some(if v { then.0 } else { next })
        }
        Op::Goto { then } => Some(then.0),
        Op::Exit { value } => {
            let ret = eval(prog, value, k, t);
            finish(k, t, ret, out);
            None
        }
        Op::Nop | Op::Work { .. } => Some(next),
    }
}

/// A test's `Check`: for a test that is a step of its own (the narration shows it), or one of
/// what the task waits for (the oracle needs it). A test inside a larger step, such as
/// `list_empty()` in a critical section, is part of that step.
fn check(instr: &Instr, t: TaskId, at: u16, value: bool, wait: Option<bool>, out: &mut impl Sink) {
    if instr.yields != Yield::Never || wait.is_some() {
        out.emit(Effect::Check { task: t, at, value, over: wait.map(|w| value == w) });
    }
}

/// A kernel primitive: its value (0 for those that have none). Under `tso` every primitive but
/// the buffered state store is a locked instruction or takes a lock, so it first drains the
/// CPU's store buffer [ref §6.2].
fn call(k: &mut Kernel, prim: Prim, t: TaskId, out: &mut impl Sink) -> i32 {
    if !k.buffered.is_empty() && !matches!(prim, Prim::StoreState { .. }) {
        k.drain(t, out);
    }
    match prim {
        Prim::StoreState { state } => {
            k.store(t, Loc::State, i32::from(state.bits()), out);
            0
        }
        Prim::Fence => 0,
        Prim::PrepareToWait { queue, entry, state, exclusive } => {
            k.prepare_to_wait(t, queue, entry, state, exclusive, out);
            0
        }
        Prim::PrepareToWaitEvent { queue, entry, state } => k.prepare_to_wait_event(t, queue, entry, state, out),
        Prim::FinishWait { queue, entry } => {
            k.finish_wait(t, queue, entry, out);
            0
        }
        Prim::AbortExclusiveWait { queue, entry, mode } => {
            k.abort_exclusive_wait(t, queue, entry, mode, out);
            0
        }
        Prim::AddWaitQueue { queue, entry, exclusive } => {
            k.add_wait_queue(t, queue, entry, exclusive, out);
            0
        }
        Prim::Link { queue, entry, tail } => {
            // A second link of a linked entry would corrupt the kernel's list; the model keeps
            // one link per entry.
            if k.linked_on(t, entry).is_none() {
                k.link(queue, t, entry, !tail, out);
            }
            0
        }
        Prim::Unlink { queue, entry } => {
            if let Some(q) = queue.or_else(|| k.linked_on(t, entry)) {
                k.unlink(q, t, entry, out);
            }
            0
        }
        Prim::SetState { state, barrier } => {
            if barrier {
                k.set_current_state(t, state, out);
            } else {
                k.set_state(t, state, out);
            }
            0
        }
        Prim::Schedule { sleep } => {
            k.task_mut(t).waits_for = Some(sleep);
            k.schedule(t, out);
            // What `schedule_timeout(MAX_SCHEDULE_TIMEOUT)` returns.
            i32::MAX
        }
        Prim::WakeUp { queue, mode, nr_exclusive, key } => i32::from(k.wake_up(queue, mode, nr_exclusive, key, out)),
        Prim::WakeUpKeyed { queue, mode, nr_exclusive, key, page_match, bookmark } => {
            let matched = k.task(t).locals[page_match.index()];
            let bookmark = bookmark.map(|(entry, walk_break)| Bookmark { task: t, entry, walk_break });
            k.wake_up_keyed(queue, mode, nr_exclusive, key, matched, bookmark, out)
        }
        Prim::WakeUpPageBit { queue, page, bit } => {
            k.wake_up_page_bit(queue, page, bit, t, out);
            0
        }
        Prim::WakeUpProcess { task, mode } => i32::from(k.try_to_wake_up(task.unwrap_or(t), mode, out)),
        Prim::MutexLock(m) => {
            k.mutex_lock(m, t, out);
            0
        }
        Prim::MutexUnlock(m) => {
            k.mutex_unlock(m, out);
            0
        }
        Prim::SetBit { var, bit } => {
            k.assign_bit(var, bit, true, t, out);
            0
        }
        Prim::ClearBit { var, bit } => {
            k.assign_bit(var, bit, false, t, out);
            0
        }
        Prim::TestAndSetBit { var, bit, invert } => {
            let old = k.test_and_set_bit(var, bit, t, out);
            if invert {
                i32::from(old == 0)
            } else {
                old
            }
        }
        Prim::ClearBitUnlockIsNegativeByte { var, bit } => k.clear_bit_unlock_is_negative_byte(var, bit, t, out),
        Prim::Xchg { var, value } => k.xchg(var, value, t, out),
        Prim::AtomicAdd { var, delta, ret } => {
            let new = k.atomic_add(var, delta, false, t, out);
            match ret {
                AtomicRet::Old => new.wrapping_sub(delta),
                AtomicRet::New | AtomicRet::None => new,
                AtomicRet::IsZero => i32::from(new == 0),
            }
        }
    }
}

/// The value of expression `e` for task `t`. Reads only.
#[inline]
pub fn eval(prog: &Program, e: ExprId, k: &Kernel, t: TaskId) -> i32 {
    eval_value(prog, &prog.values[usize::from(e.0)], k, t)
}

/// The value of a lowered expression.
#[inline(always)]
fn eval_value(prog: &Program, v: &Value, k: &Kernel, t: TaskId) -> i32 {
    let get = |o: Operand| operand(o, k, t);
    match *v {
        Value::Operand(a) => get(a),
        Value::Not(a) => i32::from(get(a) == 0),
        Value::Binary(op, a, b) => binop(op, get(a), get(b)),
        Value::Read(r, [a, b, c]) => r.eval(k, t, [get(a), get(b), get(c)]),
        Value::Tree(e) => tree(prog, e, k, t),
    }
}

#[inline(always)]
fn operand(o: Operand, k: &Kernel, t: TaskId) -> i32 {
    match o {
        Operand::Const(v) => v,
        Operand::Local(l) => k.task(t).locals[l.index()],
        Operand::Var(v) => k.var(v),
        Operand::Load(v) => k.load(t, v),
    }
}

/// The value of an expression of no lowered shape, node by node.
fn tree(prog: &Program, e: ExprId, k: &Kernel, t: TaskId) -> i32 {
    let eval = |x: ExprId| eval(prog, x, k, t);
    match prog.expr(e) {
        Expr::Const(v) => v,
        Expr::Local(l) => k.task(t).locals[l.index()],
        Expr::Var(v) => k.load(t, v),
        Expr::EntryFlags(entry) => i32::from(k.task(t).entries[entry.index()].flags.bits()),
        Expr::Unary(op, a) => {
            let a = eval(a);
            match op {
                UnOp::Not => i32::from(a == 0),
                UnOp::Neg => a.wrapping_neg(),
                UnOp::BitNot => !a,
            }
        }
        Expr::Binary(BinOp::And, a, b) => i32::from(eval(a) != 0 && eval(b) != 0),
        Expr::Binary(BinOp::Or, a, b) => i32::from(eval(a) != 0 || eval(b) != 0),
        Expr::Binary(op, a, b) => binop(op, eval(a), eval(b)),
        Expr::Select(c, a, b) => {
            if eval(c) != 0 {
                eval(a)
            } else {
                eval(b)
            }
        }
        Expr::Read(r, args) => {
            let mut vals = [0; 3];
            for (v, &a) in vals.iter_mut().zip(&args[..r.arity()]) {
                *v = eval(a);
            }
            r.eval(k, t, vals)
        }
    }
}

/// A binary operation on the model's 32-bit integers: wrapping, signed comparisons. Division by
/// zero is ruled out when the program is compiled; it gives 0 here rather than a panic.
#[inline]
pub fn binop(op: BinOp, a: i32, b: i32) -> i32 {
    match op {
        BinOp::Add => a.wrapping_add(b),
        BinOp::Sub => a.wrapping_sub(b),
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::Div => a.checked_div(b).unwrap_or(0),
        BinOp::Rem => a.checked_rem(b).unwrap_or(0),
        BinOp::Shl => a.wrapping_shl(b as u32),
        BinOp::Shr => a.wrapping_shr(b as u32),
        BinOp::Lt => i32::from(a < b),
        BinOp::Le => i32::from(a <= b),
        BinOp::Gt => i32::from(a > b),
        BinOp::Ge => i32::from(a >= b),
        BinOp::Eq => i32::from(a == b),
        BinOp::Ne => i32::from(a != b),
        BinOp::BitAnd => a & b,
        BinOp::BitOr => a | b,
        BinOp::BitXor => a ^ b,
        BinOp::And => i32::from(a != 0 && b != 0),
        BinOp::Or => i32::from(a != 0 || b != 0),
    }
}

fn finish(k: &mut Kernel, t: TaskId, ret: i32, out: &mut impl Sink) {
    k.task_mut(t).exit = Some(ret);
    out.emit(Effect::Exit { task: t, ret });
}

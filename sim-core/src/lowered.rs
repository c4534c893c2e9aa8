//! Programs lowered for the interpreter: the same instructions, in a form that is quick to run.
//! A compiled scenario executes about three instructions per step, most of them local ones (a
//! test of a local, a `goto`, `ret = 0`), and evaluates small expression trees; read as they are
//! written, those cost more than the kernel primitives themselves. Lowering, done once per
//! program, gives each expression of the common shapes a flat form evaluated without recursion,
//! and each local instruction its own case, with jumps already followed through `goto`s.
//!
//! Nothing here changes what a program does: the instructions, their pcs and their effects stay
//! those of `Program::instrs`, which the trace, the listing and the explorer read.

use crate::ids::{EntryId, VarId};
use crate::kernel::memory::Memory;
use crate::kernel::read::Read;
use crate::program::{BinOp, Expr, ExprId, Instr, LocalId, Op, Place, Prim, Program, UnOp, Yield};

/// A value read without a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    Const(i32),
    Local(LocalId),
    /// A shared variable, read from memory: under `sc`, where no store is ever buffered.
    Var(VarId),
    /// A shared variable under `tso`: the CPU's own newest buffered store to it, else memory
    /// [ref §6.1]. A variant of its own, so that `sc` programs pay nothing for the buffers.
    Load(VarId),
}

/// An expression (`Program::exprs`) in the shape the interpreter evaluates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    Operand(Operand),
    /// `!a`.
    Not(Operand),
    /// Both operands are read, also for `&&` and `||`: reading an operand has no effect.
    Binary(BinOp, Operand, Operand),
    /// Arguments past the read's arity are 0.
    Read(Read, [Operand; 3]),
    /// Any other shape: the tree, evaluated node by node.
    Tree(ExprId),
}

/// Where control goes after an instruction: to `next`, and from there through `hops` `goto`s
/// to `to`. The `goto`s do nothing, but they count against the interpreter's bound on a run of
/// local instructions, which may end on one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Jump {
    pub next: u16,
    pub to: u16,
    pub hops: u16,
}

/// What the interpreter does at an instruction when it runs the instructions that follow a step
/// (`exec::run_locals`): stop at the next step, or run the instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// An explicit tag, read for every instruction run: one kept in the niche of `Value` costs
// instructions to decode.
#[repr(u8)]
pub enum Code {
    /// A scheduling point comes before it: it begins a step.
    Step,
    /// A step while the task's entry is linked (`Yield::IfLinked`); otherwise `Exec`.
    StepIfLinked(EntryId),
    /// `local = value`, with no effect.
    SetLocal { dst: LocalId, value: Value, next: Jump },
    /// A test nobody watches: no `Check` effect, only a jump.
    Test { cond: Value, then: Jump, other: Jump },
    /// `goto`, and instructions that do nothing (`Nop`, `Work`) when they are not steps.
    Goto(Jump),
    /// Anything else: `exec::exec` runs the instruction.
    Exec,
}

/// A run of `goto`s longer than this is left to the interpreter (only a loop of `goto`s is).
const MAX_HOPS: u16 = 16;

/// Lower `prog`: fill `values`, `code` and `locks`. The compiler calls it once a program is
/// complete.
pub fn lower(prog: &mut Program, memory: Memory) {
    prog.values = (0..prog.exprs.len()).map(|e| value(prog, ExprId(e as u16), memory)).collect();
    let codes = |jump: &dyn Fn(u16) -> Jump| -> Vec<Code> {
        prog.instrs.iter().enumerate().map(|(pc, i)| code(prog, pc as u16, i, jump)).collect()
    };
    // Jumps are followed through the `goto`s of the unfollowed code.
    let plain = codes(&direct);
    prog.code = codes(&|t| thread(&plain, t));
    prog.locks = prog
        .instrs
        .iter()
        .map(|i| match i.op {
            Op::Call { prim: Prim::MutexLock(m), .. } => Some(m),
            _ => None,
        })
        .collect();
}

/// A jump to `t`, not followed further.
fn direct(t: u16) -> Jump {
    Jump { next: t, to: t, hops: 0 }
}

/// A jump to `t`, followed through the `goto`s at `t` (their codes in `plain` are not threaded).
fn thread(plain: &[Code], t: u16) -> Jump {
    let mut jump = direct(t);
    while let Some(Code::Goto(g)) = plain.get(usize::from(jump.to)) {
        if jump.hops == MAX_HOPS {
            break;
        }
        jump.to = g.next;
        jump.hops += 1;
    }
    jump
}

fn code(prog: &Program, pc: u16, instr: &Instr, jump: &dyn Fn(u16) -> Jump) -> Code {
    let next = pc + 1;
    match (instr.yields, instr.op) {
        (Yield::Always, _) => Code::Step,
        (Yield::IfLinked(e), _) => Code::StepIfLinked(e),
        (Yield::Never, Op::Assign { dst: Place::Local(dst), expr }) => {
            Code::SetLocal { dst, value: prog.values[usize::from(expr.0)], next: jump(next) }
        }
        (Yield::Never, Op::Branch { cond, then, wait: None }) => {
            Code::Test { cond: prog.values[usize::from(cond.0)], then: jump(then.0), other: jump(next) }
        }
        (Yield::Never, Op::Goto { then }) => Code::Goto(jump(then.0)),
        (Yield::Never, Op::Nop | Op::Work { .. }) => Code::Goto(jump(next)),
        _ => Code::Exec,
    }
}

fn value(prog: &Program, e: ExprId, memory: Memory) -> Value {
    flat(prog, e, memory).unwrap_or(Value::Tree(e))
}

/// `e` in a flat shape, if it has one.
fn flat(prog: &Program, e: ExprId, memory: Memory) -> Option<Value> {
    let operand = |e: ExprId| match prog.expr(e) {
        Expr::Const(v) => Some(Operand::Const(v)),
        Expr::Local(l) => Some(Operand::Local(l)),
        Expr::Var(v) if memory == Memory::Tso => Some(Operand::Load(v)),
        Expr::Var(v) => Some(Operand::Var(v)),
        _ => None,
    };
    match prog.expr(e) {
        Expr::Unary(UnOp::Not, a) => operand(a).map(Value::Not),
        Expr::Binary(op, a, b) => Some(Value::Binary(op, operand(a)?, operand(b)?)),
        Expr::Read(r, args) => {
            let mut ops = [Operand::Const(0); 3];
            for (o, &a) in ops.iter_mut().zip(&args[..r.arity()]) {
                *o = operand(a)?;
            }
            Some(Value::Read(r, ops))
        }
        _ => operand(e).map(Value::Operand),
    }
}

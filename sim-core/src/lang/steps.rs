//! Which instructions begin a step [docs/scenario-language.md, "What is one step"]: those that
//! touch shared state, except inside a spinlock's critical section, which is one step from the
//! `spin_lock()` on. A write to the task's own entry's flags is a step only while the entry is
//! linked: before that, no other CPU can see it.

use crate::lang::codegen::Emitted;
use crate::program::{Expr, ExprId, Op, Place, Program, Yield};

/// Whether evaluating `e` reads state another task can change.
pub fn reads_shared(prog: &Program, e: ExprId) -> bool {
    match prog.expr(e) {
        Expr::Const(_) | Expr::Local(_) => false,
        Expr::Var(_) | Expr::EntryFlags(_) | Expr::Read(..) => true,
        Expr::Unary(_, a) => reads_shared(prog, a),
        Expr::Binary(_, a, b) => reads_shared(prog, a) || reads_shared(prog, b),
        Expr::Select(c, a, b) => reads_shared(prog, c) || reads_shared(prog, a) || reads_shared(prog, b),
    }
}

fn yields(prog: &Program, op: Op) -> Yield {
    let shared = |e: ExprId| if reads_shared(prog, e) { Yield::Always } else { Yield::Never };
    match op {
        Op::Assign { dst: Place::Var(_) | Place::Buffered(_), .. } | Op::Call { .. } => Yield::Always,
        // `spin_lock()`: the critical section it begins is one step. (`spin_unlock()` is inside.)
        Op::Nop => Yield::Always,
        Op::Assign { dst: Place::Local(_), expr } | Op::Branch { cond: expr, .. } | Op::Exit { value: expr } => {
            shared(expr)
        }
        Op::Assign { dst: Place::EntryFlags(e), expr } => match shared(expr) {
            Yield::Always => Yield::Always,
            _ => Yield::IfLinked(e),
        },
        Op::Goto { .. } | Op::Work { .. } => Yield::Never,
    }
}

/// Set each instruction's `yields`.
pub fn mark(prog: &mut Program, code: &[Emitted]) {
    for (i, e) in code.iter().enumerate() {
        let y = if e.critical { Yield::Never } else { yields(prog, e.op) };
        prog.instrs[i].yields = y;
    }
}

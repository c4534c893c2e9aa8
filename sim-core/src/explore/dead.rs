//! Dead-variable reduction (SPIN's dead variable elimination, which it applies by default): a
//! task's local that no path from its pc reads before writing it cannot change what the task
//! does next, so after each step it is set to 0, and two states that differed only there are
//! stored once. The states merged have the same futures step for step (the dead value is never
//! read), so every end state, verdict and shortest counterexample survives; only the dead locals
//! of an end state may read 0 where the unreduced search kept an old value.
//!
//! Liveness is the textbook backward analysis over a program's instructions (`Program::instrs`,
//! whose control flow `Op::successors` gives): live before an instruction are the locals it
//! reads, and those live after it that it does not write. Two readers are not instructions: the
//! oracle evaluates a `schedule()`'s wait condition (`Sleep::until`) for a task asleep at its end
//! state, so the locals of those conditions are never dead.

use crate::ids::TaskId;
use crate::kernel::Kernel;
use crate::program::{Expr, ExprId, Op, Place, Prim, Program, Ret};
use crate::spec::Spec;

/// A set of local slots, by bit (`MAX_LOCALS` is 8).
type Locals = u8;

/// For each task, the locals live at each of its pcs (and at the end of its program).
#[derive(Clone, Debug, Default)]
pub struct Liveness {
    live: Vec<Vec<Locals>>,
}

impl Liveness {
    pub fn of(spec: &Spec) -> Liveness {
        Liveness { live: spec.task_ids().map(|t| live_at(spec.program(t))).collect() }
    }

    /// Set task `t`'s dead locals to 0, at the pc it stands on.
    #[inline]
    pub fn clear_dead(&self, k: &mut Kernel, t: TaskId) {
        let task = k.task_mut(t);
        let live = self.live[t.index()].get(usize::from(task.pc)).copied().unwrap_or(0);
        // Without a branch per local (this runs on every step of a search): a live local is
        // masked with all ones, a dead one with zero.
        for (i, local) in task.locals.iter_mut().enumerate() {
            *local &= -i32::from(live >> i & 1);
        }
    }

    /// `clear_dead` for every task.
    pub fn clear_all(&self, k: &mut Kernel) {
        for t in 0..k.tasks.len() {
            self.clear_dead(k, TaskId(t as u8));
        }
    }
}

/// The locals live before each instruction of `prog`, and at its end (none).
pub fn live_at(prog: &Program) -> Vec<Locals> {
    let always = prog.sleeps.iter().filter_map(|s| s.until).fold(0, |m, e| m | reads(prog, e));
    let n = prog.instrs.len();
    let mut live = vec![0; n + 1];
    let mut changed = true;
    while changed {
        changed = false;
        for pc in (0..n).rev() {
            let (used, written) = uses(prog, pc);
            let after = prog.successors(pc).fold(0, |m, s| m | live.get(s).copied().unwrap_or(0));
            let before = used | (after & !written) | always;
            if before != live[pc] {
                live[pc] = before;
                changed = true;
            }
        }
    }
    live
}

/// The locals instruction `pc` reads, and those it writes.
fn uses(prog: &Program, pc: usize) -> (Locals, Locals) {
    let local = |l: crate::program::LocalId| 1u8 << l.0;
    match prog.instrs[pc].op {
        Op::Assign { dst, expr } => (reads(prog, expr), if let Place::Local(l) = dst { local(l) } else { 0 }),
        Op::Call { prim, ret } => {
            let read = if let Prim::WakeUpKeyed { page_match, .. } = prim { local(page_match) } else { 0 };
            (read, if let Ret::Local(l) = ret { local(l) } else { 0 })
        }
        Op::Branch { cond, .. } => (reads(prog, cond), 0),
        Op::Exit { value } => (reads(prog, value), 0),
        Op::Goto { .. } | Op::Nop | Op::Work { .. } => (0, 0),
    }
}

/// The locals expression `e` reads.
fn reads(prog: &Program, e: ExprId) -> Locals {
    match prog.expr(e) {
        Expr::Local(l) => 1 << l.0,
        Expr::Const(_) | Expr::Var(_) | Expr::EntryFlags(_) => 0,
        Expr::Unary(_, a) => reads(prog, a),
        Expr::Binary(_, a, b) => reads(prog, a) | reads(prog, b),
        Expr::Select(c, a, b) => reads(prog, c) | reads(prog, a) | reads(prog, b),
        Expr::Read(r, args) => args[..r.arity()].iter().fold(0, |m, &a| m | reads(prog, a)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library;

    /// The pipe's writer, in `pipe_write()` of 5.5-5.8: `was_empty` is read after the copy and
    /// written again after the next call takes the mutex, so it is dead where the writer waits
    /// for the mutex; `wake_next_writer` is dead before its declaration sets it; `pages`, the
    /// loop's count, is live throughout; nothing is live once the writer has returned.
    #[test]
    fn a_writers_flags_are_dead_between_its_writes() {
        let spec = library::find("pipe-splice").unwrap().spec(Some("v5.8"), &[]).unwrap();
        let w = spec.task_ids().find(|&t| spec.task_name(t) == "W").unwrap();
        let prog = spec.program(w);
        let live = live_at(prog);
        let slot = |name: &str| prog.locals.iter().position(|l| l == name).unwrap_or_else(|| panic!("{name}"));
        let lock = prog.instrs.iter().position(|i| i.code.starts_with("__pipe_lock")).unwrap();
        let is_live = |pc: usize, name: &str| live[pc] & 1 << slot(name) != 0;
        assert!(is_live(lock, "pages") && is_live(lock, "wake_next_writer"));
        assert!(!is_live(lock, "was_empty"));
        let declared = prog.instrs.iter().position(|i| i.code.starts_with("bool wake_next_writer")).unwrap();
        assert!(!is_live(declared, "wake_next_writer") && is_live(declared, "pages"));
        // The test of `was_empty` after W4 reads it.
        let test = prog.instrs.iter().rposition(|i| i.code == "if (was_empty)" && matches!(i.op, Op::Branch { .. }));
        let test = test.unwrap();
        assert!(is_live(test, "was_empty"), "at {}", prog.instrs[test].code);
        assert_eq!(live[prog.instrs.len()], 0);
    }
}

//! Lock-aware reduction (Lipton's movers, 1975; Flanagan and Qadeer's transactions, 2003): a step
//! that writes nothing shared, and reads only what no other task writes except while holding a
//! mutex this task holds now, commutes with everything the other tasks can do until this task
//! moves on. Such a step is not an interleaving point: the explorer takes it alone (a singleton
//! persistent set) instead of trying every task there.
//!
//! Two more conditions keep it sound. The step must not end the task (a task's exit can end the
//! run, which disables signal deliveries), and the search expands a state fully when the step
//! leads to a state it has seen (the cycle proviso, Peled 1993: a step taken alone must not close
//! a cycle, or the others' steps would be postponed forever).

use crate::explore::footprint;
use crate::ids::TaskId;
use crate::program::{Op, Prim, Program};
use crate::spec::Spec;

/// Per task, per pc: whether the step that starts there is a mover.
pub struct Movers {
    safe: Vec<Vec<bool>>,
}

impl Movers {
    pub fn new(spec: &Spec) -> Movers {
        let held: Vec<Vec<u8>> = spec.task_ids().map(|t| locksets(spec.program(t))).collect();
        // Per task and shared object: the sets of mutexes held at its writes of that object, as
        // a bit per set (a lockset is a 4-bit mask, MAX_MUTEXES).
        let writes: Vec<[u16; 64]> = spec
            .task_ids()
            .map(|t| {
                let prog = spec.program(t);
                let mut by_object = [0u16; 64];
                for (pc, &locks) in held[t.index()].iter().enumerate() {
                    let mut w = footprint::may_write(spec, prog, t, pc);
                    while w != 0 {
                        by_object[w.trailing_zeros() as usize] |= 1 << locks;
                        w &= w - 1;
                    }
                }
                by_object
            })
            .collect();
        // Signals, delivered from outside any program, hold no mutex.
        let signals = spec
            .task_ids()
            .filter(|t| spec.tasks[t.index()].signalable)
            .fold(0, |m, t| m | footprint::signal_delivery(t).writes);
        let safe = spec
            .task_ids()
            .map(|t| {
                let prog = spec.program(t);
                // What the other tasks write, object by object, under which locksets.
                let mut others = [0u16; 64];
                for (_, w) in writes.iter().enumerate().filter(|&(u, _)| u != t.index()) {
                    for (o, &sets) in others.iter_mut().zip(w) {
                        *o |= sets;
                    }
                }
                (0..prog.instrs.len())
                    .map(|pc| {
                        let step = footprint::static_step(spec, prog, t, pc);
                        let lockset = held[t.index()][pc];
                        // Every lockset another task writes a read object under shares a mutex
                        // with this task's: those writes wait until it moves on.
                        let guarded =
                            |o: usize| (0..16u16).all(|set| others[o] & 1 << set == 0 || set as u8 & lockset != 0);
                        step.writes == 0
                            && step.reads & signals == 0
                            && !ends_task(prog, pc)
                            && (0..64).filter(|&o| step.reads & 1 << o != 0).all(guarded)
                    })
                    .collect()
            })
            .collect();
        Movers { safe }
    }

    /// Whether task `t`'s step at `pc` is a mover.
    #[inline]
    pub fn is_mover(&self, t: TaskId, pc: u16) -> bool {
        self.safe[t.index()].get(usize::from(pc)).copied().unwrap_or(false)
    }
}

/// The mutexes held before each instruction, as a bit mask, on every path that reaches it (the
/// intersection where paths meet). Unreached instructions hold none.
fn locksets(prog: &Program) -> Vec<u8> {
    let n = prog.instrs.len();
    let mut held: Vec<Option<u8>> = vec![None; n];
    let mut todo = vec![(0usize, 0u8)];
    while let Some((pc, locks)) = todo.pop() {
        if pc >= n {
            continue;
        }
        let now = held[pc].map_or(locks, |h| h & locks);
        if held[pc] == Some(now) {
            continue;
        }
        held[pc] = Some(now);
        let after = match prog.instrs[pc].op {
            Op::Call { prim: Prim::MutexLock(m), .. } => now | 1 << m.0,
            Op::Call { prim: Prim::MutexUnlock(m), .. } => now & !(1 << m.0),
            _ => now,
        };
        todo.extend(prog.successors(pc).map(|s| (s, after)));
    }
    held.into_iter().map(|h| h.unwrap_or(0)).collect()
}

/// Whether the step at `start` may end the task: a `return`, or the end of the program, before
/// the next step.
fn ends_task(prog: &Program, start: usize) -> bool {
    footprint::step_instrs(prog, start)
        .into_iter()
        .any(|pc| matches!(prog.instrs[pc].op, Op::Exit { .. }) || prog.successors(pc).any(|s| s >= prog.instrs.len()))
}

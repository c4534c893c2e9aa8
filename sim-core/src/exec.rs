//! The interpreter: what one instruction does. Each arm calls the kernel primitive that the
//! instruction names; control flow is the only thing decided here.

use crate::effect::{Effect, Sink};
use crate::ids::TaskId;
use crate::kernel::Kernel;
use crate::program::{Local, Op, Program};

/// How many local instructions may run back to back before a program is judged broken. Real
/// programs run at most a handful between two steps.
const MAX_LOCAL_RUN: usize = 64;

/// Whether task `t` may take its next step: alive, on a run queue, and not blocked on the
/// pipe mutex.
pub fn enabled(k: &Kernel, prog: &Program, t: TaskId) -> bool {
    let task = k.task(t);
    if task.exit.is_some() || !task.on_rq {
        return false;
    }
    match prog.instrs.get(usize::from(task.pc)).map(|i| i.op) {
        Some(Op::MutexLock) => k.pipe.mutex.is_none(),
        Some(_) => true,
        None => false,
    }
}

/// Run task `t`'s next instruction (one atomic step), then any local instructions after it.
pub fn step(k: &mut Kernel, prog: &Program, t: TaskId, out: &mut impl Sink) {
    let pc = usize::from(k.task(t).pc);
    let op = prog.instrs[pc].op;
    let mut next = pc as u16 + 1;
    match op {
        Op::PrepareToWait { queue, entry, state } => k.prepare_to_wait(t, queue, entry, state, out),
        Op::PrepareToWaitExclusive { queue, entry, state } => k.prepare_to_wait_exclusive(t, queue, entry, state, out),
        Op::PrepareToWaitEvent { queue, entry, state, exclusive } => {
            // init_wait_entry(&__wq_entry, exclusive ? WQ_FLAG_EXCLUSIVE : 0) runs once before
            // the loop; setting it on every pass is the same, as nothing else changes it.
            k.set_flag(t, entry, crate::kernel::waitqueue::EntryFlags::EXCLUSIVE, exclusive, out);
            let ret = k.prepare_to_wait_event(t, queue, entry, state, out);
            set_local(k, t, Local::Ret, ret);
        }
        Op::FinishWait { queue, entry } => k.finish_wait(t, queue, entry, out),
        Op::AddWaitQueue { queue, entry } => k.add_wait_queue(t, queue, entry, out),
        Op::SetCurrentState { state } => k.set_current_state(t, state, out),
        Op::Schedule { waits_for } => {
            k.task_mut(t).waits_for = Some(waits_for);
            k.schedule(t, out);
        }
        Op::WakeUp { queue, mode, nr_exclusive } => {
            k.wake_up(queue, mode.bits(), nr_exclusive, out);
        }
        Op::MutexLock => k.mutex_lock(t, out),
        Op::MutexUnlock => k.mutex_unlock(out),
        Op::PipePushPage => k.pipe_push_page(out),
        Op::PipePopPage => k.pipe_pop_page(out),
        Op::TrylockPage { then } => {
            let was_locked = k.page.locked;
            // Testing the bit is the locker looking at what it waits for.
            out.emit(Effect::Check { task: t, cond: crate::kernel::cond::Cond::PageLocked, value: was_locked });
            if k.trylock_page(t, out) {
                next = then.0;
            }
        }
        Op::LinkPageWaiter { queue, entry, state } => k.link_page_waiter(t, queue, entry, state, out),
        Op::LinkPageWaiterHandoff { queue, entry } => k.link_page_waiter_handoff(t, queue, entry, out),
        Op::ClearPageLocked => {
            let waiters = k.clear_page_locked(out);
            set_local(k, t, Local::Waiters, i32::from(waiters));
        }
        Op::WakeUpPageBit { queue } => k.wake_up_page_bit(queue, out),
        Op::SetCondition => {
            k.condition = true;
            out.emit(Effect::Condition { value: true });
        }
        Op::Check { cond, expect, then } => {
            let value = cond.eval(k, t);
            out.emit(Effect::Check { task: t, cond, value });
            if value == expect {
                next = then.0;
            }
        }
        Op::Load { local, cond } => {
            let value = cond.eval(k, t);
            out.emit(Effect::Load { task: t, cond, value });
            set_local(k, t, local, i32::from(value));
        }
        Op::Goto { .. } | Op::JumpIf { .. } | Op::Set { .. } | Op::Add { .. } | Op::Exit => {
            unreachable!("local instructions never stand at a task's pc")
        }
    }
    k.task_mut(t).pc = next;
    run_locals(k, prog, t, out);
}

/// Run the local instructions at task `t`'s pc until it stands on a step or has exited.
pub fn run_locals(k: &mut Kernel, prog: &Program, t: TaskId, out: &mut impl Sink) {
    for _ in 0..MAX_LOCAL_RUN {
        let task = k.task_mut(t);
        if task.exit.is_some() {
            return;
        }
        let Some(instr) = prog.instrs.get(usize::from(task.pc)) else {
            // Falling off the end of a program returns 0.
            finish(k, t, 0, out);
            return;
        };
        let mut next = task.pc + 1;
        match instr.op {
            Op::Goto { then } => next = then.0,
            Op::JumpIf { local, test, then } => {
                if test.holds(task.locals[local.index()]) {
                    next = then.0;
                }
            }
            Op::Set { local, value } => task.locals[local.index()] = value,
            Op::Add { local, value } => task.locals[local.index()] += value,
            Op::Exit => {
                let ret = task.locals[Local::Ret.index()];
                finish(k, t, ret, out);
                return;
            }
            _ => return,
        }
        k.task_mut(t).pc = next;
    }
    panic!("program loops through local instructions without a step");
}

fn finish(k: &mut Kernel, t: TaskId, ret: i32, out: &mut impl Sink) {
    k.task_mut(t).exit = Some(ret);
    out.emit(Effect::Exit { task: t, ret });
}

fn set_local(k: &mut Kernel, t: TaskId, local: Local, value: i32) {
    k.task_mut(t).locals[local.index()] = value;
}

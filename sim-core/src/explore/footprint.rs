//! Which choices commute. Each choice reads and writes a set of objects, computed at the current
//! state; two choices are independent when neither writes what the other reads or writes. Then
//! both orders reach the same state and neither disables the other, which is what sleep sets
//! need. Over-approximating a footprint is always sound: it only costs reduction.

use crate::kernel::cond::Cond;
use crate::kernel::Kernel;
use crate::program::Op;
use crate::spec::Spec;
use crate::world::Choice;

/// Bit sets of objects: a task's state and run-queue bit (0..8), a queue's list (8..10), the
/// pipe mutex, the pipe ring, the page flags, the shared condition, a task's entry flags
/// (16..24), a task's pending signal (24..32). A task's pc and locals are its own and never
/// shared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    pub reads: u32,
    pub writes: u32,
}

const fn state(t: usize) -> u32 {
    1 << t
}
const fn queue(q: usize) -> u32 {
    1 << (8 + q)
}
const MUTEX: u32 = 1 << 10;
const RING: u32 = 1 << 11;
const PAGE: u32 = 1 << 12;
const CONDITION: u32 = 1 << 13;
const fn flags(t: usize) -> u32 {
    1 << (16 + t)
}
const fn signal(t: usize) -> u32 {
    1 << (24 + t)
}

impl Footprint {
    const ALL: Footprint = Footprint { reads: u32::MAX, writes: u32::MAX };

    fn write(writes: u32) -> Footprint {
        Footprint { reads: 0, writes }
    }

    fn read(reads: u32) -> Footprint {
        Footprint { reads, writes: 0 }
    }

    pub fn independent(self, other: Footprint) -> bool {
        self.writes & (other.reads | other.writes) == 0 && other.writes & self.reads == 0
    }
}

/// What `c` reads and writes in state `k`.
pub fn footprint(spec: &Spec, k: &Kernel, c: Choice) -> Footprint {
    let t = match c {
        // Whether a signal can be delivered depends on whether any task can still run: a
        // global property, so a signal is dependent on every step.
        Choice::Signal(_) => return Footprint::ALL,
        Choice::Step(t) => t,
    };
    let i = t.index();
    let Some(instr) = spec.program(t).instrs.get(usize::from(k.task(t).pc)) else { return Footprint::ALL };
    let own = state(i) | flags(i);
    // A wakeup walks `q` and may change the state and entry flags of every task on it.
    let walk = |q: crate::ids::QueueId| {
        queue(q.index()) | k.queue(q).list.iter().fold(0, |m, e| m | state(e.task.index()) | flags(e.task.index()))
    };
    match instr.op {
        // Each entry is linked only on the queue its instructions name (see `linked_on`).
        Op::PrepareToWait { queue: q, .. }
        | Op::PrepareToWaitExclusive { queue: q, .. }
        | Op::AddWaitQueue { queue: q, .. }
        | Op::FinishWait { queue: q, .. } => Footprint::write(queue(q.index()) | own),
        Op::PrepareToWaitEvent { queue: q, .. } => Footprint { reads: signal(i), writes: queue(q.index()) | own },
        Op::SetCurrentState { .. } => Footprint::write(state(i)),
        Op::Schedule { .. } => Footprint { reads: signal(i), writes: state(i) },
        Op::WakeUp { queue: q, .. } => Footprint::write(walk(q)),
        Op::WakeUpPageBit { queue: q } => Footprint::write(walk(q) | PAGE),
        Op::MutexLock | Op::MutexUnlock => Footprint::write(MUTEX),
        Op::PipePushPage | Op::PipePopPage => Footprint::write(RING),
        Op::TrylockPage { .. } | Op::ClearPageLocked => Footprint::write(PAGE),
        Op::LinkPageWaiter { queue: q, .. } | Op::LinkPageWaiterHandoff { queue: q, .. } => {
            Footprint::write(queue(q.index()) | own | PAGE)
        }
        Op::SetCondition => Footprint::write(CONDITION),
        Op::Check { cond, .. } | Op::Load { cond, .. } => Footprint::read(reads(cond, i)),
        Op::Goto { .. } | Op::JumpIf { .. } | Op::Set { .. } | Op::Add { .. } | Op::Exit => Footprint::ALL,
    }
}

fn reads(cond: Cond, t: usize) -> u32 {
    match cond {
        Cond::PipeEmpty | Cond::PipeFull | Cond::PipeReadable | Cond::PipeWritable | Cond::PipeHasWriters => RING,
        Cond::PageLocked | Cond::PageUnlocked => PAGE,
        Cond::Condition => CONDITION,
        Cond::SignalPending(_) => signal(t),
        Cond::EntryWoken(_) => flags(t),
        Cond::QueueActive(q) => queue(q.index()),
    }
}

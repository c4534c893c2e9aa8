//! Effects in words, for the CLI's trace and the page's narration. Formatting only: what an
//! effect means is decided by the kernel model that emitted it.

use crate::effect::Effect;
use crate::ids::TaskId;
use crate::kernel::cond::Cond;
use crate::spec::Spec;

/// One effect as a short phrase: `R RUNNING→INTERRUPTIBLE`, `rd_wait += R (head)`.
pub fn effect(spec: &Spec, e: &Effect) -> String {
    let name = |t: TaskId| spec.task_name(t).to_string();
    let queue = |q: crate::ids::QueueId| spec.queues[q.index()].clone();
    match *e {
        Effect::State { task, from, to } if from == to => format!("{} stays {}", name(task), to.name()),
        Effect::State { task, from, to } => format!("{} {}→{}", name(task), from.name(), to.name()),
        Effect::Link { queue: q, task, at_head, exclusive, .. } => format!(
            "{} += {}{} ({})",
            queue(q),
            name(task),
            if exclusive { " EXCLUSIVE" } else { "" },
            if at_head { "head" } else { "tail" }
        ),
        Effect::Unlink { queue: q, task, .. } => format!("{} -= {}", queue(q), name(task)),
        Effect::Flags { task, flags, .. } => format!("{}'s entry flags = {}", name(task), or_none(flags.names())),
        Effect::WakeBegin { queue: q, nr_exclusive, .. } => format!("wake {} (nr_exclusive={nr_exclusive})", queue(q)),
        Effect::WakeCall { task, ret, woke, handoff, exclusive, .. } => format!(
            "{}{} → {ret}{}",
            name(task),
            if exclusive { " (EXCLUSIVE)" } else { "" },
            if handoff {
                ", lock handed over"
            } else if woke {
                ", woken"
            } else {
                ", not woken"
            }
        ),
        Effect::WakeEnd { queue: q, woken: 0 } => format!("{}: nobody woken", queue(q)),
        Effect::WakeEnd { woken, .. } => format!("{woken} woken"),
        Effect::Enqueue { task } => format!("{} back on its run queue", name(task)),
        Effect::Sleep { task } => format!("{} sleeps", name(task)),
        Effect::FinishWait { task, .. } => format!("{} stops waiting", name(task)),
        Effect::Check { cond, value, .. } | Effect::Load { cond, value, .. } => {
            format!("{} = {value}", expr(spec, cond))
        }
        Effect::Mutex { owner: Some(t) } => format!("mutex held by {}", name(t)),
        Effect::Mutex { owner: None } => "mutex free".into(),
        Effect::Pipe { head, tail } => format!("pipe head={head} tail={tail}"),
        Effect::Page { locked, waiters, owner } => format!(
            "PG_locked={} PG_waiters={}{}",
            u8::from(locked),
            u8::from(waiters),
            owner.map(|t| format!(" (held by {})", name(t))).unwrap_or_default()
        ),
        Effect::Condition { value } => format!("condition = {value}"),
        Effect::Signal { task } => format!("SIGKILL pending for {}", name(task)),
        Effect::Exit { task, ret } => format!("{} returns {ret}", name(task)),
        // `task` received the wakeup and lost it; the waiter left asleep may be another task
        // (an exclusive wakeup abandoned by a killed waiter leaves the next waiter asleep).
        Effect::Lost { task } => format!("LOST WAKEUP: the wakeup {} received is lost", name(task)),
    }
}

/// All of a step's effects, in order, joined.
pub fn effects(spec: &Spec, effects: &[Effect]) -> String {
    effects.iter().map(|e| effect(spec, e)).collect::<Vec<_>>().join("; ")
}

/// A condition as the kernel source writes it.
pub fn expr(spec: &Spec, cond: Cond) -> String {
    match cond {
        Cond::PipeEmpty => "pipe_empty()".into(),
        Cond::PipeFull => "pipe_full()".into(),
        Cond::PipeReadable => "pipe_readable()".into(),
        Cond::PipeWritable => "pipe_writable()".into(),
        Cond::PipeHasWriters => "pipe->writers != 0".into(),
        Cond::PageLocked => "PG_locked".into(),
        Cond::PageUnlocked => "!PG_locked".into(),
        Cond::Condition => "condition".into(),
        Cond::SignalPending(_) => "signal_pending_state()".into(),
        Cond::EntryWoken(_) => "wait->flags & WQ_FLAG_WOKEN".into(),
        Cond::QueueActive(q) => format!("waitqueue_active({})", spec.queues[q.index()]),
    }
}

/// A source line as a call in a sentence: up to its first `;`.
pub fn call(code: &str) -> &str {
    code.split(';').next().unwrap_or(code).trim()
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "none"
    } else {
        s
    }
}

//! Effects in words, for the CLI's trace and the page's narration. Formatting only: what an
//! effect means is decided by the kernel model that emitted it.

use crate::effect::{entries_walked, Effect};
use crate::ids::TaskId;
use crate::kernel::memory::Store;
use crate::spec::Spec;
use crate::world::{Choice, World};

/// A buffered store as C: `cond = 1`, `A's state = UNINTERRUPTIBLE`.
pub fn stored(spec: &Spec, s: crate::kernel::memory::Store) -> String {
    match s.loc {
        crate::kernel::memory::Loc::Var(v) => {
            format!("{} = {}", spec.vars.get(v.index()).map_or("?", String::as_str), s.value)
        }
        crate::kernel::memory::Loc::State => {
            let state = crate::kernel::task::TaskState::from_bits(s.value as u16).unwrap_or_default();
            format!("{}'s state = {}", spec.task_name(s.cpu), state.name())
        }
    }
}

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
        // A sentence a student can read ("R woken: its wake function returned 1"), not a log.
        Effect::WakeCall { task, ret, woke, handoff, exclusive, .. } => format!(
            "{}{} {}: its wake function returned {ret}",
            name(task),
            if exclusive { " (EXCLUSIVE)" } else { "" },
            if handoff {
                "woken, the lock handed over to it"
            } else if woke {
                "woken"
            } else {
                "not woken"
            }
        ),
        Effect::WakeEnd { queue: q, woken: 0 } => format!("{}: nobody woken", queue(q)),
        Effect::WakeEnd { woken: 1, .. } => "1 task woken".to_string(),
        Effect::WakeEnd { woken, .. } => format!("{woken} tasks woken"),
        Effect::Enqueue { task } => format!("{} back on its run queue", name(task)),
        Effect::Sleep { task } => format!("{} sleeps", name(task)),
        Effect::FinishWait { task, .. } => format!("{} stops waiting", name(task)),
        Effect::Check { task, at, value, .. } => match spec.test(task, at) {
            // A call's value, whatever the condition around it does with it.
            Some(call) => format!("{call} returns {}", if value { "true" } else { "false" }),
            None => format!("{} is {value}", condition(spec.code(task, at))),
        },
        Effect::Buffered { cpu, loc, value } => {
            format!("{} → CPU{}'s store buffer", stored(spec, Store { cpu, loc, value }), cpu.0)
        }
        Effect::Flush { cpu, loc, value } => {
            format!("CPU{} flushes {}", cpu.0, stored(spec, Store { cpu, loc, value }))
        }
        Effect::Load { task, at, value } => format!("{} = {value}", assigned(spec.code(task, at))),
        Effect::Store { var, value } => format!("{} = {value}", spec.vars.get(var.index()).map_or("?", String::as_str)),
        Effect::Mutex { mutex, owner } => {
            let m = spec.mutexes.get(mutex.index()).map_or("mutex", String::as_str);
            match owner {
                Some(t) => format!("{m} held by {}", name(t)),
                None => format!("{m} free"),
            }
        }
        Effect::Page { page, locked, waiters, owner } => format!(
            "{}: PG_locked={} PG_waiters={}{}",
            spec.pages.get(page.index()).map_or("page", String::as_str),
            u8::from(locked),
            u8::from(waiters),
            owner.map(|t| format!(" (held by {})", name(t))).unwrap_or_default()
        ),
        Effect::Signal { task } => format!("SIGKILL pending for {}", name(task)),
        Effect::Exit { task, ret } => format!("{} returns {}", name(task), crate::glossary::errno(ret)),
        // `task` received the wakeup and lost it; the waiter left asleep may be another task
        // (an exclusive wakeup abandoned by a killed waiter leaves the next waiter asleep).
        Effect::Lost { task } => format!("LOST WAKEUP: the wakeup {} received is lost", name(task)),
        Effect::WalkBreak { queue: q, task, at, .. } => {
            format!("{}'s bookmark linked at {} of {}: the walk pauses and drops the lock", name(task), at, queue(q))
        }
        Effect::WalkResume { queue: q, task, .. } => {
            format!("{}'s bookmark unlinked from {}: the walk resumes after it", name(task), queue(q))
        }
    }
}

/// A count or a time as the trace, the page and the descriptions write it: 1234567 →
/// "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// All of a step's effects, in order, joined. A walk's break also says how many entries the walk
/// visited in that hold of the lock.
pub fn effects(spec: &Spec, effects: &[Effect]) -> String {
    let mut said = Vec::with_capacity(effects.len());
    for (i, e) in effects.iter().enumerate() {
        said.push(match *e {
            Effect::WalkBreak { queue: q, task, at, .. } => {
                let n = entries_walked(&effects[..i], q).unwrap_or(0);
                format!(
                    "{}'s lock dropped after {n} {}: {}'s bookmark waits at {at}",
                    spec.queues[q.index()],
                    if n == 1 { "entry" } else { "entries" },
                    spec.task_name(task)
                )
            }
            // A walk that broke goes on later: it has woken nobody yet.
            Effect::WakeEnd { queue: q, woken: 0 }
                if effects[..i].iter().any(|e| matches!(e, Effect::WalkBreak { queue, .. } if *queue == q)) =>
            {
                format!("{}: nobody woken in this hold", spec.queues[q.index()])
            }
            _ => effect(spec, e),
        });
    }
    said.join("; ")
}

/// After a step that broke a bookmarked walk, who may change the queue while its lock is
/// dropped: the other tasks that can step now. `None` if the step broke no walk.
pub fn lock_dropped(world: &World, effects: &[Effect]) -> Option<String> {
    let (q, waker) = effects.iter().find_map(|e| match *e {
        Effect::WalkBreak { queue, task, .. } => Some((queue, task)),
        _ => None,
    })?;
    let spec = world.spec();
    let mut choices = Vec::new();
    world.choices(&mut choices);
    let others: Vec<&str> = choices
        .iter()
        .filter_map(|c| match c {
            Choice::Step(t) if *t != waker => Some(spec.task_name(*t)),
            _ => None,
        })
        .collect();
    let who = match others.as_slice() {
        [] => "no other task can run".to_string(),
        [one] => format!("{one} may link or unlink itself"),
        many => format!("{} may link or unlink themselves", list(many)),
    };
    Some(format!(
        "While the lock is dropped {who}; then {} takes {}'s lock again and resumes after its bookmark, so an \
         entry linked in front of the bookmark is not walked",
        spec.task_name(waker),
        spec.queues[q.index()]
    ))
}

/// `a`, `a and b`, `a, b and c`.
fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The condition an `if`, `while` or `for` statement tests: `if (!pipe->writers)` →
/// `!pipe->writers`.
pub fn condition(code: &str) -> &str {
    let code = code.trim().trim_end_matches(';').trim();
    for keyword in ["if", "while", "for"] {
        if let Some(rest) = code.strip_prefix(keyword) {
            let rest = rest.trim_start();
            if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
                return inner.trim();
            }
        }
    }
    code
}

/// What an assignment assigns: `was_empty = pipe_empty(...)` → `was_empty`.
fn assigned(code: &str) -> &str {
    code.split_once('=').map_or(code, |(lhs, _)| lhs.split_whitespace().last().unwrap_or(lhs))
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

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}

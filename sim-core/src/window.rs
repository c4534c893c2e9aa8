//! The race window of a lost wakeup, and the waits of a timed run, read from a recorded trace.
//!
//! The oracle's account of a lost wakeup (`oracle::Account`) names the wakeup and the steps of
//! the task that lost it. The window is the stretch of that task's own steps in which the same
//! wakeup is lost, whoever sends it; it opens and closes at two of the task's steps, so it is
//! measured in steps under every strategy and in virtual nanoseconds under the timed one. The
//! clock orders steps by their start and a step's effects take place at its start
//! (`strategy::timed::StepTime`), so a window is `[opens.start_ns, closes.start_ns)`, and the
//! wakeup landed in it at its own `start_ns`:
//!
//! - **re-armed** [ref §1.5 check 1]: from the task's last store of a sleeping state before the
//!   wakeup (after it, the wakeup finds the task armed and sets it RUNNING) to the store that
//!   re-armed it (which erases that RUNNING). Pipe v5.8: R's `prepare_to_wait(rd_wait)` to its
//!   `prepare_to_wait(wr_wait)`.
//! - **abandoned** (exclusive) [ref §2.2]: from the task's last test that found its condition
//!   unmet to its `finish_wait()`: an exclusive wakeup in between is spent on a task that gives
//!   up.
//! - **passed over** [ref §4.3]: from the task's last test of its condition to its store of a
//!   sleeping state (the wakeup finds it queued but RUNNING).
//! - **found nobody**: from the task's last test to its linking on the wakeup's queue.
//!
//! When the account names no wakeup, or the trace lacks a step the definition needs (a run cut
//! short by hand), there is no window, and `race_window` says why instead of inventing one.

use serde::Serialize;

use crate::describe::thousands;
use crate::effect::Effect;
use crate::ids::TaskId;
use crate::kernel::task::TaskState;
use crate::oracle::{Account, LostWakeup};
use crate::spec::Spec;
use crate::strategy::StepTime;
use crate::trace::Event;
use crate::world::Choice;

/// One end of a window, or the wakeup inside it: a step, its task and call, and its time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub step: u32,
    pub task: String,
    /// The statement the step ran (`prepare_to_wait(&pipe->rd_wait, &rdwait, TASK_INTERRUPTIBLE)`).
    pub call: String,
    /// On the timed strategy's clock; none under the other strategies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_ns: Option<u64>,
}

/// Which account the window was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    Rearmed,
    Abandoned,
    PassedOver,
    FoundNobody,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RaceWindow {
    pub kind: WindowKind,
    /// The task whose window it is (the one that lost the wakeup).
    pub task: String,
    #[serde(skip)]
    pub task_id: TaskId,
    pub opens: Edge,
    pub closes: Edge,
    /// The wakeup that landed inside.
    pub wakeup: Edge,
    /// `closes.start_ns - opens.start_ns`, on the timed clock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width_ns: Option<u64>,
    /// How far into the window the wakeup landed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landed_after_ns: Option<u64>,
}

impl RaceWindow {
    /// The window in one sentence: its ends, its width and where the wakeup landed.
    pub fn describe(&self) -> String {
        let at = |e: &Edge| match e.start_ns {
            Some(ns) => format!("step {}, {} ns", e.step, thousands(ns)),
            None => format!("step {}", e.step),
        };
        let what = match self.kind {
            WindowKind::Rearmed => "a wakeup that lands between them sets it RUNNING and the second store erases that",
            WindowKind::Abandoned => "an exclusive wakeup that lands between them is spent on a task that gives up",
            WindowKind::PassedOver => "a wakeup that lands between them finds it queued but still RUNNING",
            WindowKind::FoundNobody => "a wakeup that lands between them finds nobody on the queue",
        };
        let width = match (self.width_ns, self.landed_after_ns) {
            (Some(w), Some(l)) => format!(
                " The window was {} ns wide; {}'s {} landed {} ns into it.",
                thousands(w),
                self.wakeup.task,
                self.wakeup.call,
                thousands(l)
            ),
            _ => format!(
                " The window was {} steps long; {}'s {} (step {}) landed in it.",
                self.closes.step - self.opens.step,
                self.wakeup.task,
                self.wakeup.call,
                self.wakeup.step
            ),
        };
        format!(
            "from {}'s {} ({}) to its {} ({}): {what}.{width}",
            self.task,
            self.opens.call,
            at(&self.opens),
            self.closes.call,
            at(&self.closes)
        )
    }
}

/// The event of step `step` (steps count from 1).
fn event(events: &[Event], step: u32) -> Option<&Event> {
    events.get(usize::try_from(step).ok()?.checked_sub(1)?)
}

fn edge(spec: &Spec, events: &[Event], step: u32) -> Option<Edge> {
    let e = event(events, step)?;
    let (task, pc) = match (e.choice, e.pc) {
        (Choice::Step(t), Some(pc)) => (t, pc),
        _ => return None,
    };
    Some(Edge {
        step,
        task: spec.task_name(task).into(),
        call: crate::describe::call(spec.code(task, pc)).into(),
        start_ns: e.time.map(|t| t.start_ns),
    })
}

/// Whether step `e` is `task`'s own and stores a sleeping state for it.
fn arms(e: &Event, task: TaskId) -> bool {
    e.choice == Choice::Step(task)
        && e.effects
            .iter()
            .any(|f| matches!(*f, Effect::State { task: t, to, .. } if t == task && to != TaskState::Running))
}

/// The race window of `lost` in the run of `events`, or why it has none.
pub fn race_window(spec: &Spec, events: &[Event], lost: &LostWakeup) -> Result<RaceWindow, String> {
    let steps = |range: std::ops::Range<u32>| range.filter_map(move |s| event(events, s).map(|e| (s, e)));
    let (kind, task, wakeup, opens, closes) = match lost.account {
        Account::Rearmed { task, wakeup, rearm } => {
            let opens = steps(1..wakeup).rev().find(|(_, e)| arms(e, task)).map(|(s, _)| s);
            (WindowKind::Rearmed, task, wakeup, opens, Some(rearm))
        }
        Account::Abandoned { task, wakeup, finish } => {
            let unmet = |e: &Event| {
                e.effects.iter().any(|f| matches!(*f, Effect::Check { task: t, over: Some(false), .. } if t == task))
            };
            let opens = steps(1..wakeup).rev().find(|(_, e)| unmet(e)).map(|(s, _)| s);
            (WindowKind::Abandoned, task, wakeup, opens, Some(finish))
        }
        Account::PassedOver { task, wakeup, test } => {
            let closes = steps(wakeup + 1..u32::MAX).find(|(_, e)| arms(e, task)).map(|(s, _)| s);
            (WindowKind::PassedOver, task, wakeup, (test > 0).then_some(test), closes)
        }
        Account::FoundNobody { task, wakeup, test, queue } => {
            let links = |e: &Event| {
                e.effects
                    .iter()
                    .any(|f| matches!(*f, Effect::Link { queue: q, task: t, .. } if q == queue && t == task))
            };
            let closes = steps(wakeup + 1..u32::MAX).find(|(_, e)| links(e)).map(|(s, _)| s);
            (WindowKind::FoundNobody, task, wakeup, (test > 0).then_some(test), closes)
        }
        Account::WaitersCleared { task, cleared, .. } => {
            return Err(format!(
                "PG_waiters was cleared under {} at step {cleared}: the loss is a cleared flag, not a wakeup \
                 landing between two of its steps, so there is no window to measure",
                spec.task_name(task)
            ))
        }
        Account::Buffered { store, flush, .. } => {
            return Err(format!(
                "a store waited in a store buffer from step {store} to step {flush}: the loss is a store not yet \
                 visible, not a wakeup landing between two steps, so there is no window to measure"
            ))
        }
        Account::NoWakeup { task } => {
            return Err(format!(
                "no wakeup reached {} after its last test of its condition, so there is no window to measure",
                spec.task_name(task)
            ))
        }
    };
    let name = spec.task_name(task);
    let (Some(opens), Some(closes)) = (opens, closes) else {
        return Err(format!(
            "the trace lacks the step of {name} where the window {} (the run was cut short, or {name} never took it)",
            if opens.is_none() { "opens" } else { "closes" }
        ));
    };
    let missing = || format!("step {opens}, {wakeup} or {closes} is not in the trace");
    let (opens, closes, wakeup) = (
        edge(spec, events, opens).ok_or_else(missing)?,
        edge(spec, events, closes).ok_or_else(missing)?,
        edge(spec, events, wakeup).ok_or_else(missing)?,
    );
    let width_ns = closes.start_ns.zip(opens.start_ns).map(|(c, o)| c.saturating_sub(o));
    let landed_after_ns = wakeup.start_ns.zip(opens.start_ns).map(|(w, o)| w.saturating_sub(o));
    Ok(RaceWindow { kind, task: name.into(), task_id: task, opens, closes, wakeup, width_ns, landed_after_ns })
}

/// How a task spent the time before one of its steps when it was not running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitKind {
    /// It slept in `schedule()` (at step `slept`) and was woken (at step `woken`, if a wakeup
    /// put it back on its run queue).
    Asleep,
    /// It could not step (a mutex held by another task) or waited for its CPU after a wakeup.
    Blocked,
}

/// The wait of a task before a step: from the end of its previous step to the start of this one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Wait {
    pub kind: WaitKind,
    pub task: TaskId,
    /// The task's previous step (its `schedule()` when asleep).
    pub since_step: u32,
    pub from_ns: u64,
    /// The step that woke it (an `Enqueue` of it), when asleep.
    pub woken_step: Option<u32>,
    pub woken_ns: Option<u64>,
    /// The step it runs again.
    pub step: u32,
    pub until_ns: u64,
}

impl Wait {
    pub fn ns(&self) -> u64 {
        self.until_ns - self.from_ns
    }
}

/// The wait before step `step` (a task's step, on the timed clock): none when the task ran at
/// once after its previous step, or when the steps carry no times.
pub fn wait_before(events: &[Event], step: u32) -> Option<Wait> {
    let e = event(events, step)?;
    let Choice::Step(task) = e.choice else { return None };
    let now: StepTime = e.time?;
    let i = usize::try_from(step).ok()?.checked_sub(1)?;
    let (j, prev) = events[..i].iter().enumerate().rev().find(|(_, p)| p.choice == Choice::Step(task))?;
    let then = prev.time?;
    if now.start_ns <= then.end_ns {
        return None;
    }
    let slept = prev.effects.iter().any(|f| matches!(*f, Effect::Sleep { task: t } if t == task));
    let woken = slept
        .then(|| {
            events[j + 1..i]
                .iter()
                .find(|w| w.effects.iter().any(|f| matches!(*f, Effect::Enqueue { task: t } if t == task)))
        })
        .flatten();
    Some(Wait {
        kind: if slept { WaitKind::Asleep } else { WaitKind::Blocked },
        task,
        since_step: prev.step,
        from_ns: then.end_ns,
        woken_step: woken.map(|w| w.step),
        woken_ns: woken.and_then(|w| w.time).map(|t| t.start_ns),
        step,
        until_ns: now.start_ns,
    })
}

/// Every step carries a time: a run of the timed strategy from its first step.
pub fn timed(events: &[Event]) -> bool {
    !events.is_empty() && events.iter().all(|e| e.time.is_some())
}

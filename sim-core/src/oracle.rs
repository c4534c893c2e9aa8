//! The oracle: recognises a lost wakeup. It watches every effect as it happens (the per-step
//! checks of reference §1.5 and §2.2) and judges the world when no task can step (the terminal
//! checks), naming the waiter left asleep, the wakeup that was lost, its waker, and why.

use serde::Serialize;

use crate::effect::Effect;
use crate::ids::{QueueId, TaskId};
use crate::kernel::memory::{Loc, Store};
use crate::kernel::task::{Task, TaskState};
use crate::kernel::Kernel;
use crate::spec::Spec;
use crate::world::World;

/// A wakeup as the oracle remembers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WakeRef {
    pub step: u32,
    /// The task whose step issued it.
    pub waker: TaskId,
    /// The waker's instruction (for the report).
    pub pc: u16,
    pub queue: QueueId,
    /// It was an exclusive wakeup: spent on this task, so no other waiter got it.
    pub exclusive: bool,
}

/// Why a wakeup was lost, as seen at the step it was lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LossKind {
    /// The wakeup set the task RUNNING, the task stored a sleeping state again at `step`
    /// (instruction `pc`) without testing its condition, and slept [ref §1.5 check 1].
    Rearmed { step: u32, pc: u16 },
    /// The task took an exclusive wakeup and stopped waiting without taking the resource or
    /// passing the wakeup on [ref §2.2 per-step check].
    ExclusiveAbandoned,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Loss {
    /// The step at which the wakeup was lost.
    pub step: u32,
    /// The task that received the wakeup and lost it.
    pub task: TaskId,
    pub wakeup: WakeRef,
    pub kind: LossKind,
}

/// What the oracle keeps per task.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct Watch {
    /// A wakeup this task received since it last tested its condition (`woken_since_check`).
    woken: Option<WakeRef>,
    /// Where it stored a sleeping state again after that wakeup.
    rearmed: Option<(u32, u16)>,
    last_check: Option<u32>,
    /// What that test said: the wait is over.
    satisfied: bool,
    /// A wakeup that reached this task's entry since its last test while the task was not
    /// asleep, and did nothing: the task was still RUNNING.
    passed_over: Option<WakeRef>,
    /// Dequeued by `schedule()` and not woken since.
    asleep: bool,
}

/// A step that changed a page's flags, as the oracle remembers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct PageEvent {
    step: u32,
    actor: TaskId,
    pc: u16,
}

/// What the oracle keeps per page: its flags as last seen, the last step that cleared
/// PG_waiters, and the last unlock that found PG_waiters clear (so woke nobody) [ref §2.1,
/// §2.4].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct PageWatch {
    locked: bool,
    waiters: bool,
    cleared: Option<PageEvent>,
    silent_unlock: Option<PageEvent>,
}

/// A store that waited in a store buffer (`tso`) [ref §6.1]: where it was issued, the first
/// test its own task made while it waited, and when it reached memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Buffered {
    store: Store,
    step: u32,
    pc: u16,
    /// (step, instruction, value) of that test.
    test: Option<(u32, u16, bool)>,
    flushed: Option<u32>,
}

/// The oracle's memory of one run. Not part of a state's identity: two runs that reach the same
/// kernel state have the same future, whatever the oracle remembers of their pasts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Oracle {
    watch: Vec<Watch>,
    /// Per queue: the last wakeup that found nobody to wake.
    idle_wakes: Vec<Option<WakeRef>>,
    losses: Vec<Loss>,
    /// Per page, by id (grown as pages are seen).
    pages: Vec<PageWatch>,
    /// Wake functions called in the current walk, and the most in any walk: the longest hold
    /// of a queue's lock by one walk, in entries visited [ref §2.4].
    hold: u16,
    max_hold: u16,
    /// Under `tso`: the stores still buffered, then those that reached memory after the step
    /// that issued them. Empty under `sc`.
    buffered: Vec<Buffered>,
}

/// Who did the current step, for the records.
#[derive(Clone, Copy, Debug)]
pub struct StepCtx {
    pub step: u32,
    pub actor: Option<TaskId>,
    pub pc: u16,
}

impl Oracle {
    pub fn new(tasks: usize, queues: usize) -> Oracle {
        Oracle {
            watch: vec![Watch::default(); tasks],
            idle_wakes: vec![None; queues],
            losses: Vec::new(),
            pages: Vec::new(),
            hold: 0,
            max_hold: 0,
            buffered: Vec::new(),
        }
    }

    /// Forget the run so far, keeping the allocations (`World::restart`).
    pub fn restart(&mut self) {
        self.watch.fill(Watch::default());
        self.idle_wakes.fill(None);
        self.losses.clear();
        self.pages.clear();
        self.hold = 0;
        self.max_hold = 0;
        self.buffered.clear();
    }

    /// Set the flags a page starts with (before any step).
    pub fn start_page(&mut self, page: usize, locked: bool, waiters: bool) {
        if self.pages.len() <= page {
            self.pages.resize(page + 1, PageWatch::default());
        }
        self.pages[page].locked = locked;
        self.pages[page].waiters = waiters;
    }

    /// The longest hold of a wait queue's lock by one walk so far, in entries whose wake
    /// function it called (`queue_lock_max_hold`) [ref §2.4].
    pub fn queue_lock_max_hold(&self) -> u16 {
        self.max_hold
    }

    pub fn losses(&self) -> &[Loss] {
        &self.losses
    }

    /// Watch one effect. Returns the loss it reveals, if any.
    pub fn observe(&mut self, e: &Effect, cx: StepCtx) -> Option<Loss> {
        match *e {
            Effect::WakeCall { .. } | Effect::WakeBegin { .. } | Effect::WakeEnd { .. } => self.count_hold(e),
            Effect::Page { page, locked, waiters, .. } => {
                if self.pages.len() <= page.index() {
                    self.pages.resize(page.index() + 1, PageWatch::default());
                }
                let p = &mut self.pages[page.index()];
                if let Some(actor) = cx.actor {
                    let at = PageEvent { step: cx.step, actor, pc: cx.pc };
                    if p.waiters && !waiters {
                        p.cleared = Some(at);
                    }
                    if p.locked && !locked && !waiters {
                        p.silent_unlock = Some(at);
                    }
                }
                p.locked = locked;
                p.waiters = waiters;
            }
            _ => {}
        }
        match *e {
            Effect::WakeCall { queue, task, woke: true, exclusive, handoff: false, .. } => {
                let waker = cx.actor?;
                let w = &mut self.watch[task.index()];
                w.woken = Some(WakeRef { step: cx.step, waker, pc: cx.pc, queue, exclusive });
                w.rearmed = None;
            }
            Effect::WakeCall { queue, task, woke: false, exclusive, handoff: false, .. } => {
                let waker = cx.actor?;
                let w = &mut self.watch[task.index()];
                if !w.asleep {
                    w.passed_over = Some(WakeRef { step: cx.step, waker, pc: cx.pc, queue, exclusive });
                }
            }
            Effect::Enqueue { task } => self.watch[task.index()].asleep = false,
            // A woken exclusive waiter that wakes its queue again passes the wakeup on
            // (`abort_exclusive_wait()`, 777c6c5f1f6e) [ref §4.1].
            Effect::WakeBegin { queue, .. } => {
                let actor = cx.actor?;
                let w = &mut self.watch[actor.index()];
                if w.woken.is_some_and(|r| r.exclusive && r.queue == queue) {
                    w.woken = None;
                }
            }
            Effect::WakeEnd { queue, woken: 0 } => {
                if let Some(waker) = cx.actor {
                    let r = WakeRef { step: cx.step, waker, pc: cx.pc, queue, exclusive: false };
                    self.idle_wakes[queue.index()] = Some(r);
                }
            }
            // The task itself stores a sleeping state while a wakeup's RUNNING is pending (under
            // `tso`, into its store buffer: it reads its own store from there).
            Effect::State { task, to, .. } if to != TaskState::Running && cx.actor == Some(task) => {
                self.rearm(task, cx);
            }
            Effect::Buffered { cpu, loc, value } => {
                if loc == Loc::State && value != 0 {
                    self.rearm(cpu, cx);
                }
                let store = Store { cpu, loc, value };
                self.buffered.push(Buffered { store, step: cx.step, pc: cx.pc, test: None, flushed: None });
            }
            Effect::Flush { cpu, .. } => {
                if let Some(b) = self.buffered.iter_mut().find(|b| b.flushed.is_none() && b.store.cpu == cpu) {
                    b.flushed = Some(cx.step);
                }
            }
            // A test by a task whose own store still waits in its buffer.
            Effect::Check { task, at, value, over: None } if !self.buffered.is_empty() => {
                let waiting = self.buffered.iter_mut().filter(|b| b.flushed.is_none() && b.store.cpu == task);
                for b in waiting.filter(|b| b.test.is_none()) {
                    b.test = Some((cx.step, at, value));
                }
            }
            // A test of what the task waits for (`lang/waits.rs`).
            Effect::Check { task, over: Some(satisfied), .. } => {
                let w = &mut self.watch[task.index()];
                w.woken = None;
                w.rearmed = None;
                w.passed_over = None;
                w.last_check = Some(cx.step);
                w.satisfied = satisfied;
            }
            // §1.5 check 1: sleeping with a wakeup received since the last test of the condition.
            Effect::Sleep { task } => {
                let w = &mut self.watch[task.index()];
                w.asleep = true;
                if let Some(wakeup) = w.woken.take() {
                    let (step, pc) = w.rearmed.take().unwrap_or((cx.step, cx.pc));
                    return Some(self.record(cx.step, task, wakeup, LossKind::Rearmed { step, pc }));
                }
            }
            // §2.2 per-step check: the wait ends with an exclusive wakeup received after the
            // waiter last saw its condition unmet, so it gives up without taking the resource.
            // (A waiter that saw the condition met goes on to consume it, as the comment in
            // prepare_to_wait_event() asks [ref §0].)
            Effect::FinishWait { task, .. } => {
                let w = &mut self.watch[task.index()];
                w.rearmed = None;
                if let Some(wakeup) = w.woken.take().filter(|r| r.exclusive && !w.satisfied) {
                    return Some(self.record(cx.step, task, wakeup, LossKind::ExclusiveAbandoned));
                }
            }
            _ => {}
        }
        None
    }

    fn rearm(&mut self, task: TaskId, cx: StepCtx) {
        let w = &mut self.watch[task.index()];
        if w.woken.is_some() {
            w.rearmed = Some((cx.step, cx.pc));
        }
    }

    #[inline]
    fn count_hold(&mut self, e: &Effect) {
        match e {
            Effect::WakeBegin { .. } => self.hold = 0,
            Effect::WakeCall { .. } => {
                self.hold = self.hold.saturating_add(1);
                self.max_hold = self.max_hold.max(self.hold);
            }
            _ => {}
        }
    }

    fn record(&mut self, step: u32, task: TaskId, wakeup: WakeRef, kind: LossKind) -> Loss {
        let loss = Loss { step, task, wakeup, kind };
        self.losses.push(loss);
        loss
    }
}

/// A wakeup, named for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WakeupReport {
    pub step: u32,
    pub waker: String,
    pub queue: String,
    /// The waker's source line.
    pub call: String,
    pub exclusive: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LostWakeup {
    /// The task left asleep.
    pub waiter: String,
    pub waiter_task: TaskId,
    /// The step at which the wakeup was lost.
    pub lost_at_step: u32,
    /// The wakeup that was lost, when the oracle saw it.
    pub wakeup: Option<WakeupReport>,
    /// Why, in one sentence.
    pub reason: String,
    /// The account behind `reason`, with the steps it names: what the race window is read from
    /// (`window.rs`).
    #[serde(skip)]
    pub account: Account,
}

/// The oracle's account of a lost wakeup, by the steps it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Account {
    /// The wakeup of step `wakeup` set `task` RUNNING, and `task` stored a sleeping state again
    /// at step `rearm` without testing its condition [ref §1.5 check 1].
    Rearmed { task: TaskId, wakeup: u32, rearm: u32 },
    /// `task` spent the exclusive wakeup of step `wakeup` and stopped waiting at step `finish`
    /// without taking the resource [ref §2.2].
    Abandoned { task: TaskId, wakeup: u32, finish: u32 },
    /// The wakeup of step `wakeup` reached `task` after its test at step `test`, while it was
    /// still RUNNING [ref §4.3].
    PassedOver { task: TaskId, wakeup: u32, test: u32 },
    /// The wakeup of step `wakeup` found nobody on `queue`: `task` had tested its condition at
    /// step `test` and was not yet queued.
    FoundNobody { task: TaskId, wakeup: u32, test: u32, queue: QueueId },
    /// No wakeup reached `task` after its last test: the oracle names none.
    NoWakeup { task: TaskId },
    /// Under `tso`: a store issued at step `store` waited in its CPU's buffer until step
    /// `flush`, across `task`'s test at step `test`, so that a test or a wakeup read the old
    /// value [ref §6.1].
    Buffered { task: TaskId, store: u32, test: u32, flush: u32 },
    /// A walk cleared PG_waiters of the page `task` waits for at step `cleared`, while `task` was
    /// queued, so the unlock of step `unlock` (if any) woke nobody [ref §2.4].
    WaitersCleared { task: TaskId, cleared: u32, unlock: Option<u32> },
}

impl Account {
    /// The step the account blames, where the loss was made (rather than where it shows): the
    /// store that re-armed the task, the `finish_wait()` that gave up the exclusive wakeup, the
    /// wakeup that passed over or found nobody, the store that sat in a buffer, the walk that
    /// cleared PG_waiters. None when the account names no wakeup.
    pub fn culprit(&self) -> Option<u32> {
        match *self {
            Account::Rearmed { rearm, .. } => Some(rearm),
            Account::Abandoned { finish, .. } => Some(finish),
            Account::PassedOver { wakeup, .. } | Account::FoundNobody { wakeup, .. } => Some(wakeup),
            Account::Buffered { store, .. } => Some(store),
            Account::WaitersCleared { cleared, .. } => Some(cleared),
            Account::NoWakeup { .. } => None,
        }
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// Every task's program returned. `recovered` lists wakeups that were lost and yet made good
    /// by a later one.
    Finished {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        recovered: Vec<LostWakeup>,
    },
    /// No task can run, and a sleeper waits for a condition that already holds [ref §1.5, §2.2].
    LostWakeup(LostWakeup),
    /// No task can run, and no sleeper's condition holds: nobody to blame.
    Deadlock { asleep: Vec<String>, blocked: Vec<String> },
    /// The run was cut off.
    StepLimit { limit: u32 },
}

impl Verdict {
    pub fn kind(&self) -> VerdictKind {
        match self {
            Verdict::Finished { .. } => VerdictKind::Finished,
            Verdict::LostWakeup(_) => VerdictKind::LostWakeup,
            Verdict::Deadlock { .. } => VerdictKind::Deadlock,
            Verdict::StepLimit { .. } => VerdictKind::StepLimit,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    Finished,
    LostWakeup,
    Deadlock,
    StepLimit,
}

impl VerdictKind {
    pub const ALL: [VerdictKind; 4] =
        [VerdictKind::Finished, VerdictKind::LostWakeup, VerdictKind::Deadlock, VerdictKind::StepLimit];

    pub fn from_name(name: &str) -> Option<VerdictKind> {
        VerdictKind::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            VerdictKind::Finished => "finished",
            VerdictKind::LostWakeup => "lost_wakeup",
            VerdictKind::Deadlock => "deadlock",
            VerdictKind::StepLimit => "step_limit",
        }
    }
}

/// The terminal check of a kernel in which no task can step [ref §1.5 check 2, §2.2 terminal]:
/// every task returned → finished; else a sleeper whose condition holds was left behind by a
/// lost wakeup (the first such task is returned); else a deadlock. Needs no history, so the
/// explorer uses it on bare kernel states.
pub fn classify(spec: &Spec, k: &Kernel) -> (VerdictKind, Option<TaskId>) {
    if k.tasks.iter().all(|t| t.exit.is_some()) {
        return (VerdictKind::Finished, None);
    }
    let victim = spec.task_ids().find(|&t| task_waits_in_vain(spec, k, t));
    match victim {
        Some(v) => (VerdictKind::LostWakeup, Some(v)),
        None => (VerdictKind::Deadlock, None),
    }
}

/// The verdict of a world in which no task can step, with the oracle's account of the loss.
pub fn judge(world: &World) -> Verdict {
    let k = &world.kernel;
    let spec = world.spec();
    match classify(spec, k) {
        (VerdictKind::Finished, _) => {
            let recovered = world.oracle.losses.iter().map(|l| report_loss(spec, l.task, l)).collect();
            Verdict::Finished { recovered }
        }
        (_, Some(victim)) => Verdict::LostWakeup(explain(world, victim)),
        _ => {
            let names = |pick: &dyn Fn(&Task) -> bool| {
                k.tasks.iter().zip(&spec.tasks).filter(|(t, _)| pick(t)).map(|(_, s)| s.name.clone()).collect()
            };
            Verdict::Deadlock { asleep: names(&|t| t.asleep()), blocked: names(&|t| t.on_rq && t.exit.is_none()) }
        }
    }
}

/// Name the wakeup that left `victim` asleep. In order: a wakeup the victim itself lost; an
/// exclusive wakeup another waiter of its queue abandoned; a wakeup on its queue that found
/// nobody after the victim last tested its condition.
fn explain(world: &World, victim: TaskId) -> LostWakeup {
    let k = &world.kernel;
    let spec = world.spec();
    let oracle = &world.oracle;
    let on_victims_queue = |q: QueueId| k.queue_tasks(q).any(|t| t == victim);
    let own = oracle.losses.iter().rev().find(|l| l.task == victim);
    let abandoned = || {
        oracle.losses.iter().rev().find(|l| l.kind == LossKind::ExclusiveAbandoned && on_victims_queue(l.wakeup.queue))
    };
    if let Some(loss) = own.or_else(abandoned) {
        return report_loss(spec, victim, loss);
    }
    let last_check = oracle.watch[victim.index()].last_check.unwrap_or(0);
    let name = spec.task_name(victim);
    if let Some(report) = waiters_cleared(world, victim) {
        return report;
    }
    if let Some(report) = not_yet_visible(world, victim, last_check) {
        return report;
    }
    // The wakeup found the victim queued but still RUNNING, between its test and its state
    // store: `try_to_wake_up()` did nothing [ref §4.3].
    if let Some(w) = oracle.watch[victim.index()].passed_over {
        let wakeup = report_wakeup(spec, &w);
        let reason = format!(
            "{} by {} at step {} reached {name} on {} while {name} was still RUNNING: {name} had tested its condition at step {last_check} and not yet stored its sleeping state, so the wakeup did nothing, and {name} then slept",
            wakeup.call, wakeup.waker, w.step, wakeup.queue
        );
        return LostWakeup {
            waiter: name.into(),
            waiter_task: victim,
            lost_at_step: w.step,
            wakeup: Some(wakeup),
            reason,
            account: Account::PassedOver { task: victim, wakeup: w.step, test: last_check },
        };
    }
    let idle = oracle
        .idle_wakes
        .iter()
        .flatten()
        .filter(|w| w.step > last_check && on_victims_queue(w.queue))
        .max_by_key(|w| w.step);
    match idle {
        Some(w) => {
            let wakeup = report_wakeup(spec, w);
            let reason = format!(
                "{} by {} at step {} found nobody on {}: {name} had tested its condition at step {last_check} and was not yet queued, then slept",
                wakeup.call, wakeup.waker, w.step, wakeup.queue
            );
            LostWakeup {
                waiter: name.into(),
                waiter_task: victim,
                lost_at_step: w.step,
                wakeup: Some(wakeup),
                reason,
                account: Account::FoundNobody { task: victim, wakeup: w.step, test: last_check, queue: w.queue },
            }
        }
        None => LostWakeup {
            waiter: name.into(),
            waiter_task: victim,
            lost_at_step: last_check,
            wakeup: None,
            reason: format!("{name} sleeps while the condition it waits for holds, and no wakeup reached it after its last test at step {last_check}"),
            account: Account::NoWakeup { task: victim },
        },
    }
}

/// Under `tso`: a store that waited in its CPU's buffer across the victim's last test of its
/// condition, so that the test (or a wakeup's read of the victim's state) saw the old value
/// [ref §6.1, §6.3, §6.4]. The store of the victim's own state comes first: it is why a waker
/// found the victim RUNNING.
fn not_yet_visible(world: &World, victim: TaskId, last_check: u32) -> Option<LostWakeup> {
    let spec = world.spec();
    let across = |b: &&Buffered| b.step <= last_check && b.flushed.is_some_and(|f| f > last_check);
    let late = world.oracle.buffered.iter().filter(across);
    let own_state = |b: &&Buffered| b.store.cpu == victim && b.store.loc == Loc::State;
    let b = late.clone().find(own_state).or_else(|| late.clone().find(|b| b.store.cpu != victim))?;
    let flush = b.flushed?;
    let name = spec.task_name(victim);
    let writer = spec.task_name(b.store.cpu);
    let store = format!(
        "{writer}'s `{}` (step {}) was still in CPU{}'s store buffer",
        spec.code(b.store.cpu, b.pc).trim_end_matches(';'),
        b.step,
        b.store.cpu.0
    );
    let reason = if b.store.cpu == victim {
        format!(
            "{store} when {name} tested its condition at step {last_check} and saw it unmet, and it reached memory only at step {flush}: a wakeup in between read {name}'s state as RUNNING and did nothing, and {name} then slept"
        )
    } else {
        let read = b.test.map_or(String::new(), |(step, at, value)| {
            format!(
                " when it read `{}` as {value} at step {step}, and",
                spec.test(b.store.cpu, at).unwrap_or_else(|| crate::describe::condition(spec.code(b.store.cpu, at)))
            )
        });
        format!(
            "{store}{read} when {name} tested its condition at step {last_check} and saw it unmet; it reached memory only at step {flush}, and no wakeup reached {name} after its test"
        )
    };
    Some(LostWakeup {
        waiter: name.into(),
        waiter_task: victim,
        lost_at_step: flush,
        wakeup: None,
        reason,
        account: Account::Buffered { task: victim, store: b.step, test: last_check, flush },
    })
}

/// Whether task `t` sleeps while what it waits for at its `schedule()` holds.
pub fn task_waits_in_vain(spec: &Spec, k: &Kernel, t: TaskId) -> bool {
    let task = k.task(t);
    if !task.asleep() {
        return false;
    }
    let prog = spec.program(t);
    let until = task.waits_for.and_then(|s| prog.sleeps.get(usize::from(s))).and_then(|s| s.until);
    until.is_some_and(|u| crate::exec::eval(prog, u, k, t) != 0)
}

/// The victim waits on a page's queue, its entry is still linked, the page is unlocked and its
/// PG_waiters is clear: a waker cleared PG_waiters while the victim was queued, so an unlock
/// found no waiters and woke nobody [ref §2.1 wake_up_page_bit, §2.4].
fn waiters_cleared(world: &World, victim: TaskId) -> Option<LostWakeup> {
    let k = &world.kernel;
    let spec = world.spec();
    let task = k.task(victim);
    let (entry, page) = task.entries.iter().enumerate().find_map(|(i, e)| {
        let key = e.key?;
        let linked = k.linked_on(victim, crate::ids::EntryId(i as u8))?;
        Some((linked, k.page_of(key.var)?))
    })?;
    if k.page_locked(page) || k.page_waiters(page) {
        return None;
    }
    let watch = world.oracle.pages.get(page.index())?;
    let cleared = watch.cleared?;
    let name = spec.task_name(victim);
    let page_name = spec.pages.get(page.index()).map_or("the page", String::as_str);
    let queue = spec.queues[entry.index()].clone();
    let func = |e: PageEvent| spec.program(e.actor).func(e.pc).to_string();
    let clear = format!(
        "{}() of {} at step {} cleared PG_waiters of {page_name} while {name} was queued on {queue}",
        func(cleared),
        spec.task_name(cleared.actor),
        cleared.step
    );
    let unlock = watch.silent_unlock.filter(|u| u.step >= cleared.step);
    let (lost_at_step, wakeup, reason) = match unlock {
        Some(u) => {
            let wakeup = WakeupReport {
                step: u.step,
                waker: spec.task_name(u.actor).into(),
                queue: queue.clone(),
                call: crate::describe::call(spec.code(u.actor, u.pc)).into(),
                exclusive: false,
            };
            let reason = format!(
                "{clear}; {}() of {} at step {} unlocked {page_name}, found PG_waiters clear and woke nobody",
                func(u),
                wakeup.waker,
                u.step
            );
            (u.step, Some(wakeup), reason)
        }
        None => (cleared.step, None, format!("{clear}; no unlock will wake {name}")),
    };
    let account = Account::WaitersCleared { task: victim, cleared: cleared.step, unlock: unlock.map(|u| u.step) };
    Some(LostWakeup { waiter: name.into(), waiter_task: victim, lost_at_step, wakeup, reason, account })
}

fn report_wakeup(spec: &Spec, w: &WakeRef) -> WakeupReport {
    WakeupReport {
        step: w.step,
        waker: spec.task_name(w.waker).into(),
        queue: spec.queues[w.queue.index()].clone(),
        call: crate::describe::call(spec.code(w.waker, w.pc)).into(),
        exclusive: w.exclusive,
    }
}

fn report_loss(spec: &Spec, victim: TaskId, loss: &Loss) -> LostWakeup {
    let wakeup = report_wakeup(spec, &loss.wakeup);
    let who = spec.task_name(loss.task);
    let from = format!("{} ({} on {} at step {})", wakeup.call, wakeup.waker, wakeup.queue, wakeup.step);
    let account = match loss.kind {
        LossKind::Rearmed { step, .. } => Account::Rearmed { task: loss.task, wakeup: loss.wakeup.step, rearm: step },
        LossKind::ExclusiveAbandoned => {
            Account::Abandoned { task: loss.task, wakeup: loss.wakeup.step, finish: loss.step }
        }
    };
    let reason = match loss.kind {
        LossKind::Rearmed { step, pc } => format!(
            "state re-armed by {} at step {step} after {from} set {who} RUNNING; {who} slept at step {} without testing its condition",
            crate::describe::call(spec.code(loss.task, pc)),
            loss.step
        ),
        LossKind::ExclusiveAbandoned => format!(
            "the exclusive wakeup {from} was spent on {who}, which stopped waiting at step {} (finish_wait) without taking the lock or passing the wakeup on",
            loss.step
        ),
    };
    LostWakeup {
        waiter: spec.task_name(victim).into(),
        waiter_task: victim,
        lost_at_step: loss.step,
        wakeup: Some(wakeup),
        reason,
        account,
    }
}

//! The CPU lanes, the wait queues, the shared objects, the narration and the verdict.

use sim_core::effect::Effect;
use sim_core::kernel::task::TaskState;
use sim_core::kernel::waitqueue::EntryFlags;
use sim_core::{describe, Choice, QueueId, TaskId, Verdict, World};
use yew::prelude::*;

use crate::session::{tasks, Mode, Msg, Session};

fn state_class(state: TaskState, asleep: bool, exited: bool) -> &'static str {
    match (exited, asleep, state) {
        (true, _, _) => "st-exited",
        (_, true, _) => "st-asleep",
        (_, _, TaskState::Running) => "st-running",
        (_, _, TaskState::Interruptible) => "st-interruptible",
        (_, _, TaskState::Uninterruptible) => "st-uninterruptible",
        (_, _, TaskState::Killable) => "st-killable",
    }
}

/// The current step's effects, if the session is past the start.
fn current_effects(s: &Session) -> &[Effect] {
    s.cursor.checked_sub(1).and_then(|i| s.rec.events.get(i)).map_or(&[], |e| &e.effects)
}

#[derive(Properties)]
pub struct SessionProps {
    pub session: std::rc::Rc<Session>,
    pub dispatch: Callback<Msg>,
}

impl PartialEq for SessionProps {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.session, &other.session)
    }
}

/// One lane per CPU: its task, state, function, the program around the next line.
#[function_component(Lanes)]
pub fn lanes(p: &SessionProps) -> Html {
    let s = &p.session;
    let world: &World = &s.rec.worlds[s.cursor];
    let spec = &s.rec.spec;
    let last = s.cursor.checked_sub(1).map(|i| s.rec.events[i].choice.task());
    html! {
        <section class="lanes" aria-label="CPUs">
        { for tasks(s).map(|t| {
            let task = world.kernel.task(t);
            let ts = &spec.tasks[t.index()];
            let program = spec.program(t);
            let pc = usize::from(task.pc);
            let exited = task.exit.is_some();
            let class = state_class(task.state, task.asleep(), exited);
            let label = if exited { format!("returned {}", task.exit.unwrap_or(0)) }
                else if task.asleep() { format!("{} (asleep)", task.state.name()) }
                else { task.state.name().to_string() };
            let func = world.next_instr(t).map_or("", |i| i.func);
            let lo = pc.saturating_sub(3);
            let hi = (pc + 6).min(program.instrs.len());
            let can_step = world.is_enabled(Choice::Step(t));
            let can_signal = world.is_enabled(Choice::Signal(t));
            let manual = s.mode == Mode::Manual;
            let d = p.dispatch.clone();
            let d2 = p.dispatch.clone();
            html! {
                <article class={classes!("lane", (last == Some(t)).then_some("ran"))} data-task={ts.name.clone()}>
                    <header>
                        <span class="cpu">{ format!("CPU{}", t.0) }</span>
                        <span class="task">{ format!("{} ({})", ts.name, ts.role) }</span>
                        <span class={classes!("state", class)} data-state={task.state.name()}>{ label }</span>
                        if task.fatal_signal { <span class="signal" title="a fatal signal is pending">{ "SIGKILL" }</span> }
                    </header>
                    <div class="func">{ if exited { "".to_string() } else { format!("{func}()") } }</div>
                    <ol class="listing" start={(lo + 1).to_string()}>
                    { for (lo..hi).map(|i| {
                        let instr = &program.instrs[i];
                        let here = i == pc && !exited;
                        html! {
                            <li class={classes!(here.then_some("next"), instr.op.is_local().then_some("local"))}
                                style={format!("padding-left: {}em", instr.depth)} title={instr.cite}>
                                { instr.code }
                            </li>
                        }
                    }) }
                    </ol>
                    if manual {
                        <div class="choose">
                            <button disabled={!can_step} aria-label={format!("run {}'s next step", ts.name)}
                                onclick={Callback::from(move |_| d.emit(Msg::Choose(Choice::Step(t))))}>{ format!("run {}", ts.name) }</button>
                            if ts.signalable {
                                <button disabled={!can_signal} aria-label={format!("deliver a fatal signal to {}", ts.name)}
                                    onclick={Callback::from(move |_| d2.emit(Msg::Choose(Choice::Signal(t))))}>{ "send SIGKILL" }</button>
                            }
                        </div>
                    }
                </article>
            }
        }) }
        </section>
    }
}

/// The wait queues as ordered entries (head on the left), and the shared objects.
#[function_component(Queues)]
pub fn queues(p: &SessionProps) -> Html {
    let s = &p.session;
    let world = &s.rec.worlds[s.cursor];
    let spec = &s.rec.spec;
    let k = &world.kernel;
    let fx = current_effects(s);
    let woken: Vec<TaskId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::WakeCall { task, woke: true, .. } => Some(*task),
            _ => None,
        })
        .collect();
    html! {
        <section class="objects" aria-label="wait queues and shared objects">
        { for (0..k.queues.len()).map(|q| {
            let q = QueueId(q as u8);
            let walked = fx.iter().any(|e| matches!(e, Effect::WakeBegin { queue, .. } if *queue == q));
            let nobody = fx.iter().any(|e| matches!(e, Effect::WakeEnd { queue, woken: 0 } if *queue == q));
            html! {
                <div class={classes!("queue", walked.then_some("walked"))} data-queue={spec.queues[q.index()].clone()}>
                    <div class="qname">{ &spec.queues[q.index()] }
                        if walked { <span class={classes!("wake", nobody.then_some("nobody"))}>
                            { if nobody { "wake_up(): woke nobody".to_string() } else { "wake_up()".to_string() } }</span> }
                    </div>
                    <div class="entries">
                        <span class="head">{ "head" }</span>
                        { for k.queue(q).list.iter().map(|e| {
                            let flags = k.task(e.task).entries[e.entry.index()].flags;
                            let func = k.task(e.task).entries[e.entry.index()].func.name();
                            let entry = &spec.program(e.task).entries[e.entry.index()];
                            html! {
                                <span key={format!("{}-{}", e.task.0, e.entry.0)}
                                    class={classes!("entry", woken.contains(&e.task).then_some("woken-now"))}
                                    title={format!("{}'s {} ({func})", spec.task_name(e.task), entry.name)}>
                                    <b>{ spec.task_name(e.task) }</b>
                                    if flags.contains(EntryFlags::EXCLUSIVE) { <i>{ "EXCL" }</i> }
                                    if flags.contains(EntryFlags::WOKEN) { <i>{ "WOKEN" }</i> }
                                    <small>{ func.trim_end_matches("_function") }</small>
                                </span>
                            }
                        }) }
                        if k.queue(q).list.is_empty() { <span class="empty">{ "empty" }</span> }
                    </div>
                </div>
            }
        }) }
        if spec.objects.pipe {
            <div class="pipe" aria-label="pipe">
                <div class="ring">
                { for (0..k.pipe.max_usage).map(|i| html! {
                    <span class={classes!("slot", (i < k.pipe.head.wrapping_sub(k.pipe.tail)).then_some("full"))}></span>
                }) }
                </div>
                <div>{ format!("head {}  tail {}  ({} of {} pages)", k.pipe.head, k.pipe.tail, k.pipe.head.wrapping_sub(k.pipe.tail), k.pipe.max_usage) }</div>
                <div>{ format!("pipe->mutex: {}", k.pipe.mutex.map_or("free".to_string(), |t| format!("held by {}", spec.task_name(t)))) }</div>
            </div>
        }
        if spec.objects.page {
            <div class="page-flags" aria-label="page flags">
                <span class={classes!("flag", k.page.locked.then_some("on"))}>{ format!("PG_locked {}", u8::from(k.page.locked)) }</span>
                <span class={classes!("flag", k.page.waiters.then_some("on"))}>{ format!("PG_waiters {}", u8::from(k.page.waiters)) }</span>
                <span>{ format!("held by {}", k.page.owner.map_or("nobody".to_string(), |t| spec.task_name(t).to_string())) }</span>
            </div>
        }
        if spec.objects.condition {
            <div class="condition">{ format!("condition = {}", k.condition) }</div>
        }
        </section>
    }
}

/// What the step on screen did, in words.
#[function_component(Narration)]
pub fn narration(p: &SessionProps) -> Html {
    let s = &p.session;
    let spec = &s.rec.spec;
    let text = match s.cursor.checked_sub(1).map(|i| &s.rec.events[i]) {
        None => format!(
            "The start. {}",
            s.scenario.tasks.iter().map(|t| format!("{}: {}", t.name, t.about)).collect::<Vec<_>>().join(" ")
        ),
        Some(e) => {
            let t = e.choice.task();
            let head = match (e.choice, e.pc) {
                (Choice::Step(_), Some(pc)) => {
                    let i = &spec.program(t).instrs[usize::from(pc)];
                    format!("CPU{} runs {}: {} in {}().", t.0, spec.task_name(t), describe::call(i.code), i.func)
                }
                _ => format!("A fatal signal (SIGKILL) is delivered to {}.", spec.task_name(t)),
            };
            format!("{head} {}.", describe::effects(spec, &e.effects))
        }
    };
    let lost_here = matches!(&s.rec.verdict, Some(Verdict::LostWakeup(l)) if l.lost_at_step as usize == s.cursor);
    html! {
        <section class={classes!("narration", lost_here.then_some("lost"))} aria-live="polite">
            <p>{ text }</p>
            if lost_here {
                if let Some(Verdict::LostWakeup(l)) = &s.rec.verdict { <p class="why">{ format!("The wakeup is lost here: {}.", l.reason) }</p> }
            }
        </section>
    }
}

/// The verdict, once the run reaches it; a pointer to the race before that.
#[function_component(Banner)]
pub fn banner(p: &SessionProps) -> Html {
    let s = &p.session;
    let at_end = s.cursor >= s.rec.steps();
    let d = p.dispatch.clone();
    let jump = Callback::from(move |_| d.emit(Msg::JumpToRace));
    match &s.rec.verdict {
        Some(Verdict::LostWakeup(l)) if at_end || s.cursor >= l.lost_at_step as usize => html! {
            <div class="banner lost" role="alert" id="verdict">
                <strong>{ format!("Lost wakeup: {} sleeps forever.", l.waiter) }</strong>
                { format!(" Lost at step {}: {}.", l.lost_at_step, l.reason) }
                <button onclick={jump}>{ format!("go to step {}", l.lost_at_step) }</button>
            </div>
        },
        Some(Verdict::LostWakeup(l)) => html! {
            <div class="banner hint" id="verdict-hint">{ format!("This run loses a wakeup at step {}. ", l.lost_at_step) }
                <button onclick={jump}>{ "jump to the race" }</button></div>
        },
        Some(Verdict::Finished { .. }) if at_end => html! {
            <div class="banner ok" id="verdict">{ "Finished: every task returned, no wakeup was lost." }</div>
        },
        Some(Verdict::Deadlock { asleep, .. }) if at_end => html! {
            <div class="banner lost" id="verdict">{ format!("Deadlock: {} asleep, and nothing they wait for holds.", asleep.join(", ")) }</div>
        },
        Some(Verdict::StepLimit { limit }) if at_end => html! {
            <div class="banner hint" id="verdict">{ format!("Stopped at the step limit ({limit}).") }</div>
        },
        None if at_end => html! {
            <div class="banner hint" id="verdict">{ "Your turn: run a CPU's next step, or send a signal." }</div>
        },
        _ => html! {},
    }
}

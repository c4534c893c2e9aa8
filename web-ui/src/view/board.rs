//! The CPU lanes, the wait queues, the shared objects, the narration and the verdict.

use std::sync::Arc;

use sim_core::describe::thousands;
use sim_core::effect::{entries_walked, Effect};
use sim_core::ids::PageId;
use sim_core::kernel::memory::Memory;
use sim_core::kernel::pipe::slot_used;
use sim_core::kernel::task::TaskState;
use sim_core::kernel::waitqueue::{EntryFlags, EntryRef};
use sim_core::kernel::Kernel;
use sim_core::spec::{Object, ObjectKind};
use sim_core::{describe, glossary, Choice, QueueId, Spec, TaskId, Verdict, World};
use yew::prelude::*;

use crate::session::{tasks, why_not, Mode, Msg, Session};
use crate::view::term::{term, terms};

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
    /// Fewer lines per listing (presentation mode, an embedded run, side by side).
    #[prop_or_default]
    pub compact: bool,
    /// No "you schedule" buttons (the run beside another).
    #[prop_or_default]
    pub readonly: bool,
}

impl PartialEq for SessionProps {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.session, &other.session)
            && self.compact == other.compact
            && self.readonly == other.readonly
    }
}

/// Lines of a program listing, and in a compact one.
const LISTING_LINES: usize = 10;
const COMPACT_LINES: usize = 7;
/// Above this many lanes a compact layout puts them in two columns, with this many lines each.
const MANY_LANES: usize = 4;
const MANY_LINES: usize = 4;

/// One lane per CPU: its task, state, function, the program around the next line.
#[function_component(Lanes)]
pub fn lanes(p: &SessionProps) -> Html {
    let s = &p.session;
    let world: &World = &s.rec.worlds[s.cursor];
    let spec = &s.rec.spec;
    let last = s.cursor.checked_sub(1).map(|i| s.rec.events[i].choice.task());
    // More than 4 lanes do not fit one above another on a projector's screen: two columns of
    // shorter listings.
    let many = p.compact && spec.tasks.len() > MANY_LANES;
    let window = match (p.compact, many) {
        (true, true) => MANY_LINES,
        (true, false) => COMPACT_LINES,
        _ => LISTING_LINES,
    };
    html! {
        <section class={classes!("lanes", many.then_some("many"))} aria-label="CPUs">
        { for tasks(s).map(|t| {
            let task = world.kernel.task(t);
            let ts = &spec.tasks[t.index()];
            let program = spec.program(t);
            let pc = usize::from(task.pc);
            let exited = task.exit.is_some();
            let class = state_class(task.state, task.asleep(), exited);
            let label = if exited { format!("returned {}", glossary::errno(task.exit.unwrap_or(0))) }
                else if task.asleep() { format!("{} (asleep)", task.state.name()) }
                else { task.state.name().to_string() };
            // A sleeper's pc is already past the schedule() it sleeps in (and past any local
            // jump after it): show it at the line of its last step, which put it to sleep, and
            // where it will resume.
            // The line this task ran last (Python Tutor's "line that just executed").
            let ran_at = s.rec.events[..s.cursor].iter().rev().find(|e| e.choice == Choice::Step(t)).and_then(|e| e.pc).map(usize::from);
            let just = last == Some(t) && s.cursor.checked_sub(1).is_some_and(|i| s.rec.events[i].choice == Choice::Step(t));
            let asleep_at = ran_at.filter(|_| task.asleep());
            // The line on show; a task that returned shows the last one it ran.
            let shown = asleep_at.or(ran_at.filter(|_| exited)).unwrap_or(pc).min(program.instrs.len().saturating_sub(1));
            let line_of = |pc: usize| program.instrs.get(pc).map(|i| usize::from(i.line));
            let shown_line = line_of(shown).unwrap_or(0);
            let func = program.listing.get(shown_line).map_or("", |l| l.func.as_str());
            let (asleep_line, next_line) = (asleep_at.and_then(line_of), (!exited).then(|| line_of(pc)).flatten());
            let rows = rows(program.listing.len(), window, shown_line, next_line.filter(|_| asleep_line.is_some()));
            let ran_line = ran_at.and_then(line_of);
            let can_step = world.is_enabled(Choice::Step(t));
            let can_signal = world.is_enabled(Choice::Signal(t));
            let can_flush = world.is_enabled(Choice::Flush(t));
            let tso = spec.memory == Memory::Tso;
            let buffered: Vec<String> = world.kernel.buffered_by(t).map(|b| describe::stored(spec, *b)).collect();
            let manual = s.mode == Mode::Manual && !p.readonly;
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
                    if tso {
                        // Oldest first: the order in which the stores will reach memory.
                        <ol class={classes!("store-buffer", buffered.is_empty().then_some("empty"))}
                            aria-label={format!("CPU{}'s store buffer, oldest first", t.0)}>
                            if buffered.is_empty() { <li>{ "empty" }</li> }
                            { for buffered.iter().map(|b| html! { <li>{ b }</li> }) }
                        </ol>
                    }
                    <div class="func">{ format!("{func}()") }</div>
                    <ol class="listing">
                    { for rows.into_iter().map(|row| {
                        // Lines left out between the line on show and where a sleeper resumes.
                        let Some(i) = row else {
                            return html! { <li class="gap" aria-label="lines left out">{ "⋮" }</li> };
                        };
                        let here = Some(i) == next_line;
                        let ran = ran_line == Some(i);
                        // Both marks, each with words (colour is never the only sign).
                        let (class, mark) = match (asleep_line == Some(i), here && asleep_line.is_some(), here, ran) {
                            (true, ..) => (Some("asleep-in"), Some("asleep here")),
                            (_, true, ..) => (Some("resume"), Some("resumes here")),
                            (.., true, true) => (Some("next"), Some(if just { "just ran; runs next" } else { "ran; runs next" })),
                            (.., true, false) => (Some("next"), Some("runs next")),
                            (.., true) => (Some(if just { "just-ran" } else { "ran" }), Some(if just { "just ran" } else { "ran last" })),
                            _ => (None, None),
                        };
                        html! {
                            <Line spec={spec.clone()} program={ts.program} index={i} class={class} mark={mark} />
                        }
                    }) }
                    </ol>
                    if manual {
                        // A greyed choice says why, in the core's words.
                        <div class="choose">
                            <button disabled={!can_step} aria-label={format!("run {}'s next step", ts.name)}
                                title={(!can_step).then(|| why_not(world, Choice::Step(t)))}
                                onclick={Callback::from(move |_| d.emit(Msg::Choose(Choice::Step(t))))}>{ format!("run {}", ts.name) }</button>
                            if ts.signalable {
                                <button disabled={!can_signal} aria-label={format!("deliver a fatal signal to {}", ts.name)}
                                    title={(!can_signal).then(|| why_not(world, Choice::Signal(t)))}
                                    onclick={Callback::from(move |_| d2.emit(Msg::Choose(Choice::Signal(t))))}>{ "send SIGKILL" }</button>
                            }
                            if tso {
                                <button disabled={!can_flush} aria-label={format!("flush the oldest store of CPU{}'s buffer", t.0)}
                                    onclick={{ let d = p.dispatch.clone(); Callback::from(move |_| d.emit(Msg::Choose(Choice::Flush(t)))) }}>{ "flush" }</button>
                            }
                            if !can_step && !exited { <span class="why-not">{ why_not(world, Choice::Step(t)) }</span> }
                        </div>
                    }
                </article>
            }
        }) }
        </section>
    }
}

/// The listing lines a lane shows, of `n`, in a window of `window` rows around `shown` (the line
/// the task runs next, or sleeps or ended at). A sleeper's `resume` line is shown too: in the
/// window if both fit, else at its end with a gap (`None`) between: a wait loop's top can be
/// further from its `schedule()` than a window, in a kernel macro's expansion.
fn rows(n: usize, window: usize, shown: usize, resume: Option<usize>) -> Vec<Option<usize>> {
    if n <= window {
        return (0..n).map(Some).collect();
    }
    let around = |w: usize| {
        let lo = shown.saturating_sub(w / 3).min(n - w);
        lo..lo + w
    };
    let lines = around(window);
    match resume {
        Some(r) if lines.contains(&r) => lines.map(Some).collect(),
        // Both fit: the window moves to hold them.
        Some(r) if r < shown && shown - r < window => (r..r + window).map(Some).collect(),
        Some(r) if r > shown && r - shown < window => (r + 1 - window..=r).map(Some).collect(),
        Some(r) => {
            let lines = around(window.saturating_sub(2).max(1));
            if r < lines.start {
                [Some(r), None].into_iter().chain(lines.map(Some)).collect()
            } else {
                lines.map(Some).chain([None, Some(r)]).collect()
            }
        }
        None => lines.map(Some).collect(),
    }
}

#[derive(Properties)]
struct LineProps {
    spec: Arc<Spec>,
    /// The program (`Spec::programs`) and its listing line.
    program: usize,
    index: usize,
    class: Option<&'static str>,
    mark: Option<&'static str>,
}

impl PartialEq for LineProps {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.spec, &other.spec)
            && (self.program, self.index, self.class, self.mark)
                == (other.program, other.index, other.class, other.mark)
    }
}

/// One line of a listing, with its glossary terms: drawn again only when its mark changes, so
/// a step rebuilds the few lines it moves, not every line of every lane.
#[function_component(Line)]
fn line(p: &LineProps) -> Html {
    let line = &p.spec.programs[p.program].listing[p.index];
    // A kernel macro's expansion has no line number of the file.
    let number = (line.number > 0).then(|| line.number.to_string());
    html! {
        <li class={classes!(p.class, number.is_none().then_some("expansion"))} data-mark={p.mark}
            style={format!("--depth: {}", line.depth)} title={line.cite.clone()}>
            <span class="ln" aria-hidden="true">{ number.unwrap_or_default() }</span>
            { terms(&line.text, false) }
        </li>
    }
}

/// Width of a drawn entry and the gap between entries, in sixteenths of the queue's font size
/// (pixels at 16 px): fixed, so that a wakeup's arrow can point at the entry it woke, and in
/// ems, so that the queues grow with the type (presentation mode).
const ENTRY_W: usize = 190;
/// On a queue that several pages share, an entry names its page instead of its wake function
/// (always wake_page_function there, named in its label), and is narrower: the hashed queue of
/// page-wake-bookmark holds up to 7 entries and a bookmark.
const PAGED_ENTRY_W: usize = 120;
const ENTRY_GAP: usize = 6;
/// Width of the waker's chip and of the "head" label before the first entry.
const WAKER_W: usize = 72;
const HEAD_W: usize = 40;

/// A length in those units, as CSS.
fn em(units: usize) -> String {
    format!("{}em", units as f64 / 16.0)
}

/// One entry as drawn: present now, linked by this step, or unlinked by it (a ghost that fades).
struct Drawn {
    link: EntryRef,
    flags: EntryFlags,
    func: &'static str,
    /// A waker's bookmark (`WQ_FLAG_BOOKMARK`), not a waiter.
    bookmark: bool,
    /// The page the entry waits for, on a hashed page queue.
    page: Option<PageId>,
    entering: bool,
    leaving: bool,
    woken: bool,
}

/// Queue `q`'s entries as drawn at the step on screen: the entries it holds, each unlinked by
/// this step back at its old place.
fn drawn_entries(before: &World, now: &World, q: QueueId, woken: &[TaskId], walked: bool) -> Vec<Drawn> {
    let (old, new) = (&before.kernel.queue(q).list, &now.kernel.queue(q).list);
    let draw = |w: &World, link: &EntryRef, entering, leaving| {
        let entry = &w.kernel.task(link.task).entries[link.entry.index()];
        Drawn {
            link: *link,
            flags: entry.flags,
            func: entry.func.name(),
            bookmark: w.kernel.is_bookmark(*link),
            page: w.kernel.entry_page(*link),
            entering,
            leaving,
            woken: walked && woken.contains(&link.task),
        }
    };
    let mut out: Vec<Drawn> = new.iter().map(|l| draw(now, l, !old.contains(l), false)).collect();
    for (i, l) in old.iter().enumerate() {
        if !new.contains(l) {
            out.insert(i.min(out.len()), draw(before, l, false, true));
        }
    }
    out
}

/// A wakeup's arrow, from the waker's chip to each entry it woke. One that woke nobody ends in a
/// cross: at each entry it passed over (its wake function returned 0, say for a task still
/// RUNNING), or at the head when the queue held nobody to call.
fn wake_arrows(entries: &[Drawn], passed: &[TaskId], entry_w: usize, nobody: bool) -> Html {
    let from = WAKER_W / 2;
    let at = |i: usize| WAKER_W + HEAD_W + i * (entry_w + ENTRY_GAP) + entry_w / 2;
    let hit = |e: &Drawn| if nobody { passed.contains(&e.link.task) && !e.bookmark } else { e.woken };
    let mut targets: Vec<usize> = entries.iter().enumerate().filter(|(_, e)| hit(e)).map(|(i, _)| at(i)).collect();
    if nobody && targets.is_empty() {
        targets.push(WAKER_W + HEAD_W / 2);
    }
    let width = WAKER_W + HEAD_W + entries.len().max(1) * (entry_w + ENTRY_GAP);
    html! {
        <svg class={classes!("arrow-layer", nobody.then_some("nobody"))} viewBox={format!("0 0 {width} 18")}
            style={format!("width: {}; height: {}", em(width), em(18))} aria-hidden="true">
            <defs>
                <marker id="arrowhead" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0 0L10 5L0 10z" />
                </marker>
            </defs>
            { for targets.iter().map(|&x| html! {
                <path d={format!("M{from} 16Q{} -6 {x} 16", (from + x) / 2)} marker-end={(!nobody).then_some("url(#arrowhead)")} />
            }) }
            // A wakeup that woke nobody ends in a cross where it found no one to wake.
            if nobody { { for targets.iter().map(|&x| html! { <path class="cross" d={format!("M{} 8l8 8m0 -8l-8 8", x - 4)} /> }) } }
        </svg>
    }
}

/// The wait queues as ordered entries (head on the left), and the shared objects.
#[function_component(Queues)]
pub fn queues(p: &SessionProps) -> Html {
    let s = &p.session;
    let world = &s.rec.worlds[s.cursor];
    let before = &s.rec.worlds[s.cursor.saturating_sub(1)];
    let spec = &s.rec.spec;
    let k = &world.kernel;
    let fx = current_effects(s);
    let waker = s.cursor.checked_sub(1).map(|i| s.rec.events[i].choice.task());
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
            // A walk that stopped at its bookmark has not woken nobody: it will go on.
            let broke = fx.iter().any(|e| matches!(e, Effect::WalkBreak { queue, .. } if *queue == q));
            let nobody = !broke && fx.iter().any(|e| matches!(e, Effect::WakeEnd { queue, woken: 0 } if *queue == q));
            let entries = drawn_entries(before, world, q, &woken, walked);
            let name = &spec.queues[q.index()];
            let waker = waker.map_or("?", |t| spec.task_name(t));
            let who: Vec<&str> = entries.iter().filter(|e| e.woken).map(|e| spec.task_name(e.link.task)).collect();
            // The entries the walk called without waking: why a wakeup that found waiters woke nobody.
            let passed: Vec<TaskId> = fx
                .iter()
                .filter_map(|e| match *e {
                    Effect::WakeCall { queue, task, woke: false, .. } if queue == q => Some(task),
                    _ => None,
                })
                .collect();
            let said = if nobody && !passed.is_empty() {
                let names: Vec<&str> = passed.iter().map(|&t| spec.task_name(t)).collect();
                format!("⚠ {waker}: wake_up({name}) woke nobody: passed over {}", names.join(", "))
            } else if nobody {
                format!("⚠ {waker}: wake_up({name}) woke nobody")
            } else if broke && who.is_empty() {
                format!("{waker}: wake_up({name}) paused")
            } else {
                format!("{waker}: wake_up({name}) woke {}", who.join(", "))
            };
            let lock = spec.walks_with_bookmark().then(|| queue_lock(spec, k, q, fx, waker));
            html! {
                <div class={classes!("queue", walked.then_some("walked"))} data-queue={name.clone()}>
                    <div class="qname">{ terms(name, true) }
                        if walked { <span class={classes!("wake", nobody.then_some("nobody"))}>{ said }</span> }
                        { lock.unwrap_or_default() }
                    </div>
                    <div class="qbody">
                    if walked { { wake_arrows(&entries, &passed, entry_width(spec), nobody) } }
                    <div class="entries">
                        <span class={classes!("waker", (!walked).then_some("idle"))} style={format!("width: {}", em(WAKER_W))}>
                            if walked { <small><b>{ waker }</b>{ " wakes" }</small> }
                        </span>
                        // The labels' smaller type is inside them: their widths are in the queue's ems.
                        <span class="head" style={format!("width: {}", em(HEAD_W))}><small>{ "head" }</small></span>
                        { for entries.iter().map(|e| entry(spec, e)) }
                        if entries.is_empty() { <span class="empty">{ "empty" }</span> }
                    </div>
                    </div>
                </div>
            }
        }) }
        { for spec.objects.iter().map(|o| object(spec, k, o)) }
        </section>
    }
}

/// The width of the entries of `spec`'s queues.
fn entry_width(spec: &Spec) -> usize {
    if spec.pages.len() > 1 {
        PAGED_ENTRY_W
    } else {
        ENTRY_W
    }
}

/// One entry: a waiter (its task, flags and wake function or, on a queue that several pages
/// share, the page it waits for), or a waker's bookmark, where its paused walk will resume.
fn entry(spec: &Spec, e: &Drawn) -> Html {
    let task = spec.task_name(e.link.task);
    let page = e.page.filter(|_| spec.pages.len() > 1).map(|p| (p.index(), spec.pages[p.index()].as_str()));
    let class = classes!(
        "entry",
        e.bookmark.then_some("bookmark"),
        page.map(|(i, _)| format!("page-{i}")),
        e.woken.then_some("woken-now"),
        e.entering.then_some("entering"),
        e.leaving.then_some("leaving"),
    );
    let what = if e.bookmark {
        format!("{task}'s bookmark: its walk resumes after it")
    } else {
        let entry = &spec.program(e.link.task).entries[e.link.entry.index()];
        let page = page.map(|(_, name)| format!(", waits for {name}")).unwrap_or_default();
        format!("{task}'s {} ({}){page}", entry.name, e.func)
    };
    let title = format!("{what}{}", if e.leaving { ", unlinked by this step" } else { "" });
    html! {
        <span key={format!("{}-{}", e.link.task.0, e.link.entry.0)} class={class}
            data-kind={if e.bookmark { "bookmark" } else { "waiter" }} data-page={page.map(|(_, name)| name.to_string())}
            style={format!("width: {}; margin-right: {}", em(entry_width(spec)), em(ENTRY_GAP))} aria-label={title}>
            <b>{ task }</b>
            if e.bookmark {
                <i>{ term("BOOKMARK", "BOOKMARK") }</i>
                <small>{ "walk resumes →" }</small>
            } else {
                if e.flags.contains(EntryFlags::EXCLUSIVE) { <i>{ term("EXCL", "EXCLUSIVE") }</i> }
                if e.flags.contains(EntryFlags::WOKEN) { <i>{ term("WOKEN", "WOKEN") }</i> }
                if let Some((_, name)) = page {
                    <span class="pg">{ name }</span>
                } else {
                    <small>{ term(e.func.trim_end_matches("_function"), e.func) }</small>
                }
            }
        </span>
    }
}

/// Queue `q`'s lock after the step on screen, for a scenario whose walks drop it: dropped while
/// a walk waits at its bookmark, held over the entries this step's walk visited, else free. In
/// the model every critical section is one step, so between steps the lock is never held.
fn queue_lock(spec: &Spec, k: &Kernel, q: QueueId, fx: &[Effect], waker: &str) -> Html {
    let walked = entries_walked(fx, q);
    let entries = |n: u16| format!("{n} {}", if n == 1 { "entry" } else { "entries" });
    let (state, text) = match (k.paused_walks(q).next(), walked) {
        (Some(p), Some(n)) if spec.task_name(p.task) == waker => {
            ("dropped", format!("lock dropped by {waker} after {}", entries(n)))
        }
        (Some(p), _) => ("dropped", format!("lock dropped: {}'s walk waits at its bookmark", spec.task_name(p.task))),
        (None, Some(n)) => ("held", format!("lock held by {waker} over {}, then released", entries(n))),
        (None, None) => ("free", "lock free".to_string()),
    };
    html! { <span class={classes!("qlock", state)} data-lock={state}>{ text }</span> }
}

/// A shared object other than a wait queue (those are drawn above): the pipe's ring and mutex,
/// a page's flags, a shared variable, a mutex.
fn object(spec: &Spec, k: &Kernel, o: &Object) -> Html {
    let owner = |t: Option<TaskId>| t.map_or("free".to_string(), |t| format!("held by {}", spec.task_name(t)));
    match o.kind {
        ObjectKind::Queue(_) => html! {},
        ObjectKind::Pipe { pipe, mutex } => {
            let (head, tail, cap) = (k.var(pipe.head), k.var(pipe.tail), k.var(pipe.max_usage).max(1));
            html! {
                <div class="pipe" aria-label={o.name.clone()}>
                    <div class="oname">{ &o.name }</div>
                    <div class="ring">
                    { for (0..cap as u32).map(|i| {
                        let full = slot_used(head, tail, cap, i);
                        let at = |x: i32| x.rem_euclid(cap) as u32 == i;
                        let marks = [(at(tail), "tail"), (at(head), "head")];
                        let label = marks.iter().filter(|(at, _)| *at).map(|(_, name)| *name).collect::<Vec<_>>().join(" ");
                        html! {
                            <span class="cell">
                                <span class={classes!("slot", full.then_some("full"))}></span>
                                <small>{ label }</small>
                            </span>
                        }
                    }) }
                    </div>
                    <div>{ format!("head {head}  tail {tail}  ({} of {cap} pages)", head.wrapping_sub(tail)) }</div>
                    if let Some(m) = mutex {
                        <div>{ term(&spec.mutexes[m.index()], "mutex_lock") }{ format!(": {}", owner(k.mutex(m))) }</div>
                    }
                </div>
            }
        }
        ObjectKind::Page(p) => {
            let (locked, waiters) = (k.page_locked(p), k.page_waiters(p));
            html! {
                <div class="page-flags" aria-label={o.name.clone()}>
                    <div class="oname">{ &o.name }</div>
                    <span class={classes!("flag", locked.then_some("on"))}>{ term("PG_locked", "PG_locked") }{ format!(" {}", u8::from(locked)) }</span>
                    <span class={classes!("flag", waiters.then_some("on"))}>{ term("PG_waiters", "PG_waiters") }{ format!(" {}", u8::from(waiters)) }</span>
                    <span>{ format!("held by {}", k.pages[p.index()].owner.map_or("nobody".to_string(), |t| spec.task_name(t).to_string())) }</span>
                </div>
            }
        }
        ObjectKind::Var(v) => html! {
            <div class="var" data-var={o.name.clone()}>{ format!("{} = {}", o.name, k.var(v)) }</div>
        },
        ObjectKind::Mutex(m) => html! {
            <div class="mutex">{ term(&o.name, "mutex_lock") }{ format!(": {}", owner(k.mutex(m))) }</div>
        },
    }
}

/// When a step ran on the virtual clock.
fn clock_words(t: sim_core::strategy::StepTime) -> String {
    let at = thousands(t.start_ns);
    match t.duration_ns() {
        0 => format!("At {at} ns: "),
        d => format!("At {at} ns, for {} ns: ", thousands(d)),
    }
}

/// How long the step's task waited before it, in words (none when it ran at once).
fn wait_words(s: &crate::session::Session, step: u32) -> String {
    use sim_core::window::{wait_before, WaitKind};
    let Some(w) = wait_before(&s.rec.events, step) else { return String::new() };
    let spec = &s.rec.spec;
    let name = spec.task_name(w.task);
    match (w.kind, w.woken_step) {
        (WaitKind::Asleep, Some(woken)) => {
            let waker = (woken as usize)
                .checked_sub(1)
                .and_then(|i| s.rec.events.get(i))
                .map_or("?", |e| spec.task_name(e.choice.task()));
            let latency = w.woken_ns.map_or(String::new(), |ns| {
                format!(", and ran again {} ns after the wakeup", thousands(w.until_ns - ns))
            });
            format!(
                " {name} slept {} ns, from the end of its schedule() (step {}) until {waker} woke it (step {woken}){latency}.",
                thousands(w.until_ns.min(w.woken_ns.unwrap_or(w.until_ns)) - w.from_ns),
                w.since_step
            )
        }
        (WaitKind::Asleep, None) => format!(" {name} had slept {} ns since step {}.", thousands(w.ns()), w.since_step),
        (WaitKind::Blocked, _) => {
            format!(
                " {name} waited {} ns for its CPU since its step {} (blocked, or just woken).",
                thousands(w.ns()),
                w.since_step
            )
        }
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
                    let prog = spec.program(t);
                    format!(
                        "CPU{} runs {}: {} in {}().",
                        t.0,
                        spec.task_name(t),
                        describe::call(prog.code(pc)),
                        prog.func(pc)
                    )
                }
                (Choice::Flush(_), _) => format!("The oldest store in CPU{}'s store buffer reaches memory.", t.0),
                _ => format!("A fatal signal (SIGKILL) is delivered to {}.", spec.task_name(t)),
            };
            // A step with no effect (a woken task's schedule() that returns at once) still
            // gets a sentence, not an empty one.
            let dropped = describe::lock_dropped(&s.rec.worlds[s.cursor], &e.effects);
            let said = match describe::effects(spec, &e.effects) {
                said if said.is_empty() => format!("{head} Nothing that another CPU can see changes."),
                said => format!("{head} {said}.{}", dropped.map(|d| format!(" {d}.")).unwrap_or_default()),
            };
            // A timed run: when the step ran, and how long its task waited before it.
            match e.time {
                Some(time) => format!("{}{said}{}", clock_words(time), wait_words(s, e.step)),
                None => said,
            }
        }
    };
    let lost_here = matches!(&s.rec.verdict, Some(Verdict::LostWakeup(l)) if l.lost_at_step as usize == s.cursor);
    html! {
        <section class={classes!("narration", lost_here.then_some("lost"))} aria-live="polite" aria-label="what this step did">
            <p>{ terms(&text, true) }</p>
            if lost_here {
                if let Some(Verdict::LostWakeup(l)) = &s.rec.verdict { <p class="why">{ "The wakeup is lost here: " }{ terms(&l.reason, true) }{ "." }</p> }
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
        Some(Verdict::LostWakeup(l)) if at_end || s.cursor >= l.lost_at_step as usize => {
            let asleep = s.rec.worlds[s.cursor].kernel.task(l.waiter_task).asleep();
            // The wakeup that was lost, as a step to go to.
            // The wakeup that was lost, unless it is the race's own step (one button per step).
            let wakeup = l.wakeup.as_ref().filter(|w| w.step != l.lost_at_step).map(|w| {
                let d = p.dispatch.clone();
                let step = w.step as usize;
                html! {
                    <button class="wakeup-step" onclick={Callback::from(move |_| d.emit(Msg::Go(step)))}>
                        { format!("the wakeup: step {} ({} on {})", w.step, w.waker, w.queue) }
                    </button>
                }
            });
            html! {
                <div class="banner lost" role="alert" id="verdict">
                    <p class="headline">
                        if s.mode == Mode::Manual { <strong>{ "You produced the race! " }</strong> }
                        <strong>{ format!("Lost wakeup: {} {} forever.", l.waiter, if asleep { "sleeps" } else { "will sleep" }) }</strong>
                        <button onclick={jump}>{ format!("jump to the race (step {})", l.lost_at_step) }</button>
                        { for wakeup }
                    </p>
                    if let Some(n) = s.shortest_race {
                        <p class="shortest">{ format!("Your schedule took {} steps; the shortest race takes {n}.", s.rec.steps()) }</p>
                    }
                    // The oracle's full account, one click away.
                    <details class="why">
                        <summary>{ "why? the oracle's account" }</summary>
                        { format!("Lost at step {}: ", l.lost_at_step) }{ terms(&l.reason, true) }{ "." }
                        // The race window, measured on the clock of a timed run.
                        if sim_core::window::timed(&s.rec.events) {
                            <p class="window">{ "The race window: " }{
                                match sim_core::window::race_window(&s.rec.spec, &s.rec.events, l) {
                                    Ok(w) => terms(&w.describe(), true),
                                    Err(why) => html! { { format!("none: {why}.") } },
                                }
                            }</p>
                        }
                    </details>
                </div>
            }
        }
        Some(Verdict::LostWakeup(l)) => html! {
            <div class="banner hint" id="verdict-hint">{ format!("This run loses a wakeup at step {}. ", l.lost_at_step) }
                <button onclick={jump}>{ format!("jump to the race (step {})", l.lost_at_step) }</button></div>
        },
        Some(Verdict::Finished { .. }) if !at_end && s.mode != Mode::Manual => html! {
            <div class="banner hint" id="verdict-hint">{ format!("This run finishes in {} steps: no wakeup is lost.", s.rec.steps()) }</div>
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
            <div class="banner hint" id="verdict">{
                if s.rec.spec.tasks.iter().any(|t| t.signalable) { "Your turn: run a CPU's next step, or send a signal." }
                else { "Your turn: run a CPU's next step." }
            }</div>
        },
        _ => html! {},
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::rows;

    /// A lane's rows: the whole of a short listing; a window around the line on show that moves
    /// to hold a sleeper's resume line, or shows it beyond a gap.
    #[wasm_bindgen_test]
    fn a_sleeper_shows_where_it_resumes() {
        let lines = |r: std::ops::Range<usize>| r.map(Some).collect::<Vec<_>>();
        assert_eq!(rows(5, 10, 3, Some(0)), lines(0..5));
        assert_eq!(rows(50, 10, 20, None), lines(17..27));
        assert_eq!(rows(50, 10, 20, Some(18)), lines(17..27));
        assert_eq!(rows(50, 10, 20, Some(12)), lines(12..22));
        assert_eq!(rows(50, 10, 20, Some(28)), lines(19..29));
        // pipe-splice's writer asleep in ___wait_event() at listing line 43, resuming at 31.
        let mut gap = vec![Some(31), None];
        gap.extend(lines(41..49));
        assert_eq!(rows(56, 10, 43, Some(31)), gap);
        let mut gap = lines(18..26);
        gap.extend([None, Some(40)]);
        assert_eq!(rows(50, 10, 20, Some(40)), gap);
    }
}

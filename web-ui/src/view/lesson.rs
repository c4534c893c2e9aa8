//! The lesson path: the panel above a lesson's run (story, goal, score, the next challenge), and
//! the list of lessons on the gallery page.

use std::rc::Rc;

use sim_core::{library, Verdict};
use yew::prelude::*;

use crate::lesson::{score, Progress, LESSONS};
use crate::session::{Mode, Msg, Session};
use crate::view::term::terms;

#[derive(Properties)]
pub struct LessonProps {
    pub index: usize,
    pub session: Rc<Session>,
    pub progress: Progress,
    /// Presentation mode: the story folded.
    pub present: bool,
    pub dispatch: Callback<Msg>,
}

impl PartialEq for LessonProps {
    fn eq(&self, o: &Self) -> bool {
        self.index == o.index
            && Rc::ptr_eq(&self.session, &o.session)
            && self.progress == o.progress
            && self.present == o.present
    }
}

fn stars(n: u8) -> Html {
    let shown: String = (0..3).map(|i| if i < n { '★' } else { '☆' }).collect();
    html! { <span class="stars" role="img" aria-label={format!("{n} of 3 stars")}>{ shown }</span> }
}

/// The lessons as steps: done ones ticked, the one on screen marked.
fn path(progress: &Progress, on: Option<usize>, dispatch: &Callback<Msg>) -> Html {
    html! {
        <ol class="path" aria-label="lesson path">
        { for LESSONS.iter().enumerate().map(|(i, l)| {
            let d = dispatch.clone();
            let title = library::find(l.scenario).map_or(l.scenario, |s| s.id.as_str());
            let done = progress.done(i);
            html! {
                <li class={classes!((on == Some(i)).then_some("on"), done.then_some("done"))}>
                    <button onclick={Callback::from(move |_| d.emit(Msg::Lesson(i)))} aria-current={(on == Some(i)).then_some("step")}>
                        { format!("{} {}. {title}", if done { "✓" } else { "" }, i + 1).trim().to_string() }
                    </button>
                </li>
            }
        }) }
        </ol>
    }
}

#[function_component(LessonPanel)]
pub fn lesson_panel(p: &LessonProps) -> Html {
    let l = &LESSONS[p.index];
    let s = &p.session;
    let d = p.dispatch.clone();
    let on_bug = s.variant() == l.bug && s.mode == Mode::Manual;
    let on_fix = s.variant() == l.fix && s.mode == Mode::Manual;
    let lost = matches!(s.rec.verdict, Some(Verdict::LostWakeup(_)));
    let waiter = match &s.rec.verdict {
        Some(Verdict::LostWakeup(lw)) => lw.waiter.clone(),
        _ => l.victim.to_string(),
    };
    let at_end = s.cursor >= s.rec.steps();
    let body = if on_bug {
        let scored = (lost && at_end).then(|| {
            // Scored against the shortest race, when the page's search found it.
            let scored = s.shortest_race.map(|m| score(s.rec.steps(), m));
            let d = d.clone();
            html! {
                <p class="scored" id="lesson-score">
                    <strong>{ format!("Goal met: {} sleeps forever. ", waiter) }</strong>
                    if let Some((n, words)) = scored { { stars(n) }{ format!(" {words}") } }
                    else { { format!("{} steps.", s.rec.steps()) } }
                    <button class="primary" id="break-the-fix" onclick={Callback::from(move |_| d.emit(Msg::BreakTheFix))}>{ "Now break the fix →" }</button>
                </p>
            }
        });
        html! {
            <>
                <p class="goal"><strong>{ "Goal: " }</strong>{ l.goal }{ " " }<span class="hint">{ terms(l.hint, true) }</span></p>
                { for scored }
            </>
        }
    } else if on_fix {
        let proved = p.progress.proved[p.index];
        let next = (p.index + 1 < LESSONS.len()).then(|| {
            let d = d.clone();
            let i = p.index + 1;
            html! { <button class="primary" id="next-lesson" onclick={Callback::from(move |_| d.emit(Msg::Lesson(i)))}>{ "Next lesson →" }</button> }
        });
        let held = matches!(s.rec.verdict, Some(Verdict::Finished { .. })) && at_end;
        html! {
            <>
                <p class="goal"><strong>{ "Challenge: " }</strong>{ terms(l.fix_goal, true) }</p>
                if held && !proved {
                    <p class="scored">{ "The fix held on your schedule. Does it hold on every schedule? Prove it (below)." }</p>
                }
                if proved {
                    <p class="scored" id="lesson-done"><strong>{ "✓ Lesson done: " }</strong>{ "the explorer found no lost wakeup in any schedule. " }{ for next }</p>
                }
            </>
        }
    } else {
        let i = p.index;
        html! {
            <p class="goal">{ "This run is not the lesson's. " }
                <button onclick={Callback::from(move |_| d.emit(Msg::Lesson(i)))}>{ "back to the lesson" }</button></p>
        }
    };
    html! {
        <section class="lesson" aria-label="lesson">
            { path(&p.progress, Some(p.index), &p.dispatch) }
            <details class="story" open={!p.present && s.cursor == 0 && on_bug}>
                <summary>{ format!("Lesson {} of {}: {}", p.index + 1, LESSONS.len(), s.scenario.title) }</summary>
                <p>{ terms(&s.scenario.description, true) }</p>
            </details>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PathProps {
    pub progress: Progress,
    pub dispatch: Callback<Msg>,
}

/// The lessons, on the gallery page.
#[function_component(LessonPath)]
pub fn lesson_path(p: &PathProps) -> Html {
    let d = p.dispatch.clone();
    html! {
        <section class="lesson" aria-label="lessons">
            <h2>{ "Lessons" }</h2>
            <p>{ "Three races, smallest first. In each, schedule the CPUs yourself until a wakeup is lost, then try to break the fix, then prove it." }</p>
            { path(&p.progress, None, &p.dispatch) }
            <button class="primary" id="start-lessons" onclick={Callback::from(move |_| d.emit(Msg::Lessons))}>{ "start where I left off" }</button>
        </section>
    }
}

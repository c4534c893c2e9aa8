//! Predict mode: before a step that walks a wait queue, the page stops and asks whom the wakeup
//! will wake (Python Tutor's most asked-for feature; a SIGCSE study found animation alone no
//! better than reading). The answer is the recording's own: the `WakeCall` effects of that step.

use sim_core::effect::Effect;
use sim_core::{describe, Choice, TaskId};

use crate::session::Session;

/// A question about the step after the cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// The step it asks about; answering goes there.
    pub step: usize,
    /// What is about to happen, in words.
    pub prompt: String,
    /// The choices: each task on the walked queue, in queue order, then "nobody" (`None`).
    pub options: Vec<(String, Option<TaskId>)>,
    /// Who the step wakes, and the sentence that says so.
    woken: Vec<TaskId>,
    reveal: String,
}

/// The mode's state: on or off, the question on screen, the last answer, the score.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Predict {
    pub on: bool,
    pub question: Option<Question>,
    /// The last answer: right or not, and what happened.
    pub feedback: Option<(bool, String)>,
    pub right: u32,
    pub asked: u32,
}

impl Predict {
    /// After a move: no question pending, no feedback shown; the mode and the score stay.
    pub fn moved(&self) -> Predict {
        Predict { question: None, feedback: None, ..self.clone() }
    }

    pub fn ask(&self, q: Question) -> Predict {
        Predict { question: Some(q), feedback: None, ..self.clone() }
    }

    /// Grade `pick` against the pending question: right if it names a task the step wakes, or
    /// "nobody" when it wakes nobody.
    pub fn answer(&self, pick: Option<TaskId>) -> Predict {
        let Some(q) = &self.question else { return self.clone() };
        let right = match pick {
            Some(t) => q.woken.contains(&t),
            None => q.woken.is_empty(),
        };
        let verdict = if right { "Right." } else { "Not this time." };
        Predict {
            question: None,
            feedback: Some((right, format!("{verdict} {}", q.reveal))),
            right: self.right + u32::from(right),
            asked: self.asked + 1,
            on: self.on,
        }
    }
}

/// The question about the next step, if it walks a wait queue.
pub fn question(s: &Session) -> Option<Question> {
    let event = s.rec.events.get(s.cursor)?;
    let Choice::Step(waker) = event.choice else { return None };
    let queue = event.effects.iter().find_map(|e| match e {
        Effect::WakeBegin { queue, .. } => Some(*queue),
        _ => None,
    })?;
    let spec = &s.rec.spec;
    let before = &s.rec.worlds[s.cursor];
    let mut options: Vec<(String, Option<TaskId>)> = Vec::new();
    for link in &before.kernel.queue(queue).list {
        if !options.iter().any(|(_, t)| *t == Some(link.task)) {
            options.push((spec.task_name(link.task).to_string(), Some(link.task)));
        }
    }
    options.push(("nobody".to_string(), None));
    let woken: Vec<TaskId> = event
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::WakeCall { task, woke: true, .. } => Some(*task),
            _ => None,
        })
        .collect();
    let code = event.pc.and_then(|pc| spec.program(waker).instrs.get(usize::from(pc))).map_or("", |i| i.code.as_str());
    let name = spec.task_name(waker);
    let queue_name = &spec.queues[queue.index()];
    let who = if woken.is_empty() {
        "nobody".to_string()
    } else {
        woken.iter().map(|&t| spec.task_name(t)).collect::<Vec<_>>().join(" and ")
    };
    Some(Question {
        step: s.cursor + 1,
        prompt: format!(
            "Next, CPU{} runs {name}: {}. Which task on {queue_name} will it wake?",
            waker.0,
            describe::call(code)
        ),
        options,
        reveal: format!("{name}'s wakeup on {queue_name} woke {who}: {}.", describe::effects(spec, &event.effects)),
        woken,
    })
}

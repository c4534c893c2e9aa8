//! The fix beside the bug: the other variant on the same schedule, in lockstep, and the first
//! step where the two runs part.

use std::rc::Rc;

use sim_core::effect::Effect;
use sim_core::recording::{Recording, Then};
use sim_core::strategy::TimedConfig;
use sim_core::{describe, Choice};

use super::{why_not, Mode, Session};

/// The other variant on the same schedule, at the same step.
pub struct Beside {
    /// The main run it was made for.
    pub(super) of: Rc<Recording>,
    pub session: Rc<Session>,
    /// The first step at which the two runs differ, and why.
    pub differ: Option<(usize, String)>,
}

/// The other variant on `s`'s whole schedule (leniently: a choice it cannot take is skipped),
/// going on as `s` does after it; and the first step where the two differ.
pub(super) fn beside(s: &Session) -> Option<Beside> {
    let other = s.other_variant()?.to_string();
    let choices: Vec<Choice> = s.rec.events.iter().map(|e| e.choice).collect();
    let spec = s.scenario.spec(Some(&other), &s.params).ok()?;
    let then = match s.mode {
        Mode::Strategy(kind) => {
            Then::Strategy { kind, seed: s.seed, timing: TimedConfig::for_spec(&spec, &s.params).ok()? }
        }
        Mode::Manual => Then::Stop,
    };
    let rec = Recording::record(spec, &choices, true, then).ok()?;
    /// An effect without the instruction index it names: the two variants' programs number
    /// their instructions differently, so the same test has another index in each.
    fn placeless(e: &Effect) -> Effect {
        match *e {
            Effect::Check { task, value, over, .. } => Effect::Check { task, at: 0, value, over },
            Effect::Load { task, value, .. } => Effect::Load { task, at: 0, value },
            e => e,
        }
    }
    /// The statement a step ran.
    fn code<'a>(r: &'a Recording, e: &sim_core::trace::Event) -> &'a str {
        e.pc.map_or("", |pc| r.spec.code(e.choice.task(), pc))
    }
    let (a, b) = (&s.rec, &rec);
    let differ = (0..a.steps().min(b.steps()))
        .find_map(|i| {
            let (x, y) = (&a.events[i], &b.events[i]);
            if x.choice != y.choice {
                let why = why_not(&b.worlds[i], x.choice);
                Some((i + 1, format!("{} cannot take this step on {other}: {why}", a.spec.task_name(x.choice.task()))))
            } else if code(a, x) != code(b, y) {
                let name = a.spec.task_name(x.choice.task());
                // The calls, or the whole lines where the calls read the same.
                let (mut here, mut there) = (describe::call(code(a, x)), describe::call(code(b, y)));
                if here == there {
                    (here, there) = (code(a, x).trim(), code(b, y).trim());
                }
                Some((i + 1, format!("{name} runs {here} here, and {there} on {other}")))
            } else if !x.effects.iter().map(placeless).eq(y.effects.iter().map(placeless)) {
                Some((i + 1, format!("the same line does something else on {other}")))
            } else {
                None
            }
        })
        .or_else(|| {
            (a.steps() != b.steps()).then(|| {
                let n = a.steps().min(b.steps());
                (n + 1, format!("the runs agree for {n} steps, then one of them ends"))
            })
        });
    let session = Session {
        scenario: s.scenario.clone(),
        mode: s.mode,
        seed: s.seed,
        params: s.params.clone(),
        prefix: choices,
        cursor: s.cursor.min(rec.steps()),
        rec: Rc::new(rec),
        shortest_race: None,
    };
    Some(Beside { of: s.rec.clone(), session: Rc::new(session), differ })
}

#[cfg(test)]
mod tests {
    use sim_core::strategy::StrategyKind;
    use sim_core::Verdict;
    use wasm_bindgen_test::*;

    use super::*;
    use crate::session::builtin;

    /// The fix beside the bug: the first step where pipe v5.8 and v5.9 part on seed 3005, and a
    /// reason that names the line each runs.
    #[wasm_bindgen_test]
    fn the_fix_beside_the_bug_names_the_first_difference() {
        let sc = builtin("pipe-splice").unwrap();
        let s = Session::open(sc, "v5.8", Mode::Strategy(StrategyKind::Random), 3005, Rc::new([]), vec![], 0).unwrap();
        assert_eq!(s.other_variant(), Some("v5.9"));
        let b = beside(&s).unwrap();
        let (step, why) = b.differ.unwrap();
        assert_eq!(step, 17);
        assert!(why.contains("prepare_to_wait") && why.contains("on v5.9"), "{why}");
        assert_eq!(b.session.variant(), "v5.9");
        assert!(matches!(b.session.rec.verdict, Some(Verdict::Finished { .. })));
    }
}

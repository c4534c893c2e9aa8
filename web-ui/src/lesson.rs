//! The lesson path: the built-in scenarios in teaching order, each a story (the scenario's
//! description), a goal on its buggy variant ("make R sleep forever", played by hand and scored
//! against the shortest race), then "now break the fix" on the fixed variant, which ends with
//! the proof. Progress is kept in the browser (localStorage).
//!
//! Lessons are words and pointers into the scenario library; whether a goal is met is read from
//! the core's verdicts (a lost wakeup, a complete exploration).

/// One lesson: a scenario, the variant to break and the fix to try next.
pub struct Lesson {
    pub scenario: &'static str,
    pub bug: &'static str,
    pub fix: &'static str,
    /// Parameters that differ from the scenario's defaults: a race short enough to play by hand.
    pub params: &'static [(&'static str, i64)],
    /// The task to leave asleep.
    pub victim: &'static str,
    pub goal: &'static str,
    pub hint: &'static str,
    /// The challenge on the fix.
    pub fix_goal: &'static str,
}

pub const LESSONS: [Lesson; 3] = [
    Lesson {
        scenario: "check-then-sleep",
        bug: "naive",
        fix: "set-state-first",
        params: &[],
        victim: "A",
        goal: "Make A sleep forever.",
        hint: "A tests condition before it joins the queue. Let B set condition and call wake_up() in that gap.",
        fix_goal: "Now break the fix: set-state-first queues A and sets its state before the test. Can any order of A and B lose the wakeup?",
    },
    Lesson {
        scenario: "pipe-splice",
        bug: "v5.8",
        fix: "v5.9",
        // Three pages: the shortest race is Josef Bacik's 34 steps.
        params: &[("writes", 3)],
        victim: "R",
        goal: "Make R sleep forever.",
        hint: "pipe_wait() calls prepare_to_wait() twice. Land W's wake_up(pipe->rd_wait) between the two calls.",
        fix_goal: "Now break the fix: pipe_wait_readable() waits on one queue and tests after queueing. Can you still lose R's wakeup?",
    },
    Lesson {
        scenario: "page-lock-killable",
        bug: "v4.13",
        fix: "v5.8-handoff",
        params: &[],
        victim: "T2",
        goal: "Make T2 sleep forever.",
        hint: "unlock_page() wakes one EXCLUSIVE waiter. Let it wake T1, then send T1 SIGKILL before it takes the lock.",
        fix_goal: "Now break the fix: since 2a9127fcf229 the waker hands the lock over. Can a signal still throw a wakeup away?",
    },
];

impl Lesson {
    /// The lesson's parameters, as a session keeps them.
    pub fn params(&self) -> Vec<(String, i64)> {
        self.params.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }
}

/// What a player has done: per lesson, the fewest steps of a race produced by hand, and
/// whether the fix was proved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub best: [Option<u32>; 3],
    pub proved: [bool; 3],
}

/// The localStorage key.
pub const STORAGE_KEY: &str = "wqsim.lessons.v1";

impl Progress {
    /// A race of `steps` produced by hand in lesson `i`.
    pub fn raced(&self, i: usize, steps: u32) -> Progress {
        let mut p = self.clone();
        p.best[i] = Some(p.best[i].map_or(steps, |b| b.min(steps)));
        p
    }

    pub fn proved(&self, i: usize) -> Progress {
        let mut p = self.clone();
        p.proved[i] = true;
        p
    }

    pub fn done(&self, i: usize) -> bool {
        self.best[i].is_some() && self.proved[i]
    }

    /// The first lesson not done (the first when all are).
    pub fn next(&self) -> usize {
        (0..LESSONS.len()).find(|&i| !self.done(i)).unwrap_or(0)
    }

    /// `best,proved;best,proved;...`: `-` for no race yet, `1`/`0` for proved.
    pub fn encode(&self) -> String {
        (0..LESSONS.len())
            .map(|i| format!("{},{}", self.best[i].map_or("-".into(), |b| b.to_string()), u8::from(self.proved[i])))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Anything unreadable reads as no progress.
    pub fn decode(text: &str) -> Progress {
        let mut p = Progress::default();
        for (i, part) in text.split(';').take(LESSONS.len()).enumerate() {
            let (best, proved) = part.split_once(',').unwrap_or((part, "0"));
            p.best[i] = best.parse().ok();
            p.proved[i] = proved == "1";
        }
        p
    }
}

/// The score of a race of `steps` when the shortest takes `shortest`: stars out of three, and
/// what they mean.
pub fn score(steps: usize, shortest: usize) -> (u8, String) {
    let stars = if steps <= shortest {
        3
    } else if steps * 2 <= shortest * 3 {
        2
    } else {
        1
    };
    let words = match stars {
        3 => format!("{steps} steps: as short as a race can be."),
        _ => format!("{steps} steps; the shortest race takes {shortest}. Try again for three stars?"),
    };
    (stars, words)
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    #[wasm_bindgen_test]
    fn progress_survives_the_storage_and_garbage_reads_as_none() {
        let p = Progress::default().raced(0, 7).raced(0, 5).raced(0, 9).proved(0).raced(2, 11);
        assert_eq!(p.encode(), "5,1;-,0;11,0");
        assert_eq!(Progress::decode(&p.encode()), p);
        assert_eq!(p.next(), 1);
        assert_eq!(Progress::decode("garbage;;x,y,z"), Progress::default());
        assert_eq!(score(5, 5).0, 3);
        assert_eq!(score(7, 5).0, 2);
        assert_eq!(score(40, 20).0, 1);
    }

    #[wasm_bindgen_test]
    fn every_lesson_names_a_scenario_its_bug_and_its_fix() {
        for l in &LESSONS {
            let sc = sim_core::library::find(l.scenario).unwrap();
            assert!(sc.variant(l.bug).unwrap().buggy);
            assert!(!sc.variant(l.fix).unwrap().buggy);
            let spec = sc.spec(Some(l.bug), &l.params()).unwrap();
            assert!(spec.task_by_name(l.victim).is_some(), "{}", l.victim);
        }
    }
}

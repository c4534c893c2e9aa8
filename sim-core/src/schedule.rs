//! A schedule: the list of choices a run made. The one record that share links, replay,
//! shrinking, the CLI and the page all pass around.
//!
//! Text form: tokens separated by spaces or commas. A token names a task (`R`, `T1`, or its
//! index `0`) for a step of that task, `!T1` for a fatal signal to it, or `~W` for the oldest
//! store of W's CPU's store buffer reaching memory (under `tso`); `*N` repeats it:
//! `W*4 R*3 !T1 T1 ~W`.

use std::fmt::Write;

use crate::error::Error;
use crate::ids::TaskId;
use crate::limits::MAX_SCHEDULE_LEN;
use crate::spec::Spec;
use crate::world::Choice;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Schedule(pub Vec<Choice>);

impl Schedule {
    pub fn parse(text: &str, spec: &Spec) -> Result<Schedule, Error> {
        let mut out = Vec::new();
        for (n, token) in text.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).enumerate() {
            let err = |why: String| Error::Schedule(format!("token {} '{}': {why}", n + 1, clip(token)));
            let (body, count) = match token.split_once('*') {
                Some((b, c)) => {
                    (b, c.parse::<usize>().map_err(|_| err("the count after '*' must be a whole number".into()))?)
                }
                None => (token, 1),
            };
            let (kind, name): (fn(TaskId) -> Choice, &str) = match (body.strip_prefix('!'), body.strip_prefix('~')) {
                (Some(rest), _) => (Choice::Signal, rest),
                (_, Some(rest)) => (Choice::Flush, rest),
                _ => (Choice::Step, body),
            };
            let task = spec
                .task_by_name(name)
                .or_else(|| name.parse::<u8>().ok().filter(|&i| usize::from(i) < spec.tasks.len()).map(TaskId))
                .ok_or_else(|| {
                    let names: Vec<_> = spec.tasks.iter().map(|t| t.name.as_str()).collect();
                    err(format!("no task of that name (tasks: {})", names.join(", ")))
                })?;
            // Saturating: a count near usize::MAX must not wrap past the limit.
            if out.len().saturating_add(count) > MAX_SCHEDULE_LEN {
                return Err(Error::Limit {
                    what: "schedule length",
                    value: out.len().saturating_add(count) as u64,
                    limit: MAX_SCHEDULE_LEN as u64,
                });
            }
            let choice = kind(task);
            out.extend(std::iter::repeat_n(choice, count));
        }
        Ok(Schedule(out))
    }

    /// The text form, with repeats folded (`W*4`).
    pub fn display(&self, spec: &Spec) -> String {
        let mut s = String::new();
        let mut i = 0;
        while i < self.0.len() {
            let c = self.0[i];
            let run = self.0[i..].iter().take_while(|&&x| x == c).count();
            if !s.is_empty() {
                s.push(' ');
            }
            match c {
                Choice::Signal(_) => s.push('!'),
                Choice::Flush(_) => s.push('~'),
                Choice::Step(_) => {}
            }
            s.push_str(spec.task_name(c.task()));
            if run > 1 {
                let _ = write!(s, "*{run}");
            }
            i += run;
        }
        s
    }
}

fn clip(s: &str) -> String {
    s.chars().take(24).collect()
}

//! What `wqsim` prints: text for people, JSON for tools.

use std::fmt::Write;

use serde_json::{json, Value};
use sim_core::kernel::memory::Memory;
use sim_core::trace::Trace;
use sim_core::{describe, library, window, Choice, Outcome, Schedule, Spec, Verdict};

/// The built-in scenarios, or the scenario files of `dir`, with their variants and parameters.
pub fn list(dir: Option<&std::path::Path>) -> Result<(), sim_core::Error> {
    let files: Vec<(String, std::borrow::Cow<'static, sim_core::Scenario>)> = match dir {
        None => library::scenarios().iter().map(|s| (s.id.clone(), std::borrow::Cow::Borrowed(s))).collect(),
        Some(dir) => {
            let io = |e: std::io::Error| sim_core::Error::Invalid(format!("cannot read {}: {e}", dir.display()));
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .map_err(io)?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            paths.sort();
            let mut out = Vec::new();
            for p in paths {
                let name = p.display().to_string();
                out.push((name.clone(), crate::load::scenario(&name)?));
            }
            out
        }
    };
    for (name, s) in files {
        println!("{name}  {}", s.title);
        for v in &s.variants {
            let default = if v.id == s.default_variant { " (default)" } else { "" };
            println!("    --variant {:<22} {}{default}", v.id, v.label);
        }
        for p in &s.params {
            let max = match &p.max {
                sim_core::lang::header::Bound::Value(v) => v.to_string(),
                sim_core::lang::header::Bound::Param(q) => q.clone(),
            };
            println!("    --param {}={:<4} {} to {max}: {}", p.name, p.default, p.min, p.about);
        }
        println!("    default seed {}\n", s.default_seed);
    }
    Ok(())
}

/// `capacity=2 writers=1 writes=4`
pub fn params(spec: &Spec) -> String {
    spec.params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
}

/// A scenario as a command line names it: a built-in id or a file's path, and the parameters
/// set on the command line.
#[derive(Clone, Copy)]
pub struct Named<'a> {
    pub scenario: &'a str,
    pub params: &'a [(String, i64)],
    pub memory: Memory,
}

impl Named<'_> {
    /// The `--memory` flag that names the run's model again (none for `sc`, the default).
    pub fn memory_flag(&self) -> String {
        memory_flag(self.memory)
    }
}

/// ` --memory tso`, or nothing for the default.
pub fn memory_flag(memory: Memory) -> String {
    match memory {
        Memory::Sc => String::new(),
        m => format!(" --memory {}", m.id()),
    }
}

/// A finished run: its spec, the trace it recorded and how it ended.
pub struct Run<'a> {
    pub named: Named<'a>,
    /// The seed of a run whose every step the timed strategy chose: its replay line names the
    /// seed, since a schedule keeps the steps but not the clock's times.
    pub timed_seed: Option<u64>,
    pub spec: &'a Spec,
    pub trace: &'a Trace,
    pub outcome: &'a Outcome,
}

impl Run<'_> {
    pub fn schedule(&self) -> String {
        Schedule(self.trace.choices()).display(self.spec)
    }

    /// Function and statement of a step.
    fn site(&self, choice: Choice, pc: Option<u16>) -> (&str, &str) {
        match (choice, pc) {
            (Choice::Step(t), Some(pc)) => {
                let p = self.spec.program(t);
                (p.func(pc), p.code(pc))
            }
            (Choice::Flush(_), _) => ("(store buffer)", ""),
            _ => ("signal_wake_up", "send_sig(SIGKILL, task, 1);"),
        }
    }

    /// One line per step, then the verdict, the hash and the command that replays the run.
    pub fn text(&self) -> String {
        let mut s = String::new();
        // A timed run's steps carry their virtual time: a column of start times and durations.
        let clock = self.trace.events.iter().any(|e| e.time.is_some());
        let time_head = if clock { format!("{:>11}  {:>6}  ", "start ns", "dur") } else { String::new() };
        let _ = writeln!(
            s,
            "{:>5}  {time_head}{:<4}  {:<4}  {:<24}  {:<58}  effect",
            "step", "cpu", "task", "function", "line"
        );
        for e in &self.trace.events {
            let t = e.choice.task();
            let (func, code) = self.site(e.choice, e.pc);
            let cpu = if matches!(e.choice, Choice::Signal(_)) { "-".to_string() } else { format!("CPU{}", t.0) };
            let time = match (clock, e.time) {
                (false, _) => String::new(),
                (true, Some(t)) => {
                    format!(
                        "{:>11}  {:>6}  ",
                        sim_core::describe::thousands(t.start_ns),
                        format!("+{}", t.duration_ns())
                    )
                }
                (true, None) => format!("{:>11}  {:>6}  ", "-", "-"),
            };
            let _ = writeln!(
                s,
                "{:>5}  {time}{:<4}  {:<4}  {:<24}  {:<58}  {}",
                e.step,
                cpu,
                self.spec.task_name(t),
                clip(func, 24),
                clip(code, 58),
                describe::effects(self.spec, &e.effects)
            );
        }
        let _ = writeln!(s, "\nverdict: {}", verdict_text(&self.outcome.verdict));
        if let Verdict::LostWakeup(lost) = &self.outcome.verdict {
            match window::race_window(self.spec, &self.trace.events, lost) {
                Ok(w) => {
                    let _ = writeln!(s, "race window: {}", w.describe());
                }
                Err(why) => {
                    let _ = writeln!(s, "race window: none: {why}");
                }
            }
        }
        let _ = writeln!(s, "steps: {}  trace hash: {:016x}", self.outcome.steps, self.outcome.trace_hash);
        let mut params: String = self.named.params.iter().map(|(k, v)| format!(" --param {k}={v}")).collect();
        params.push_str(&self.named.memory_flag());
        let (scenario, variant) = (shell_word(self.named.scenario), &self.spec.variant);
        // `timed.*` parameters are accepted by the timed strategy only.
        let timed = self.named.params.iter().any(|(k, _)| k.starts_with(sim_core::strategy::timed::PREFIX));
        let strategy = if timed { " --strategy timed" } else { "" };
        let _ = match self.timed_seed {
            Some(seed) => {
                writeln!(s, "replay: wqsim run {scenario} --variant {variant} --strategy timed --seed {seed}{params}")
            }
            None => writeln!(
                s,
                "replay: wqsim run {scenario} --variant {variant}{strategy}{params} --schedule \"{}\"",
                self.schedule()
            ),
        };
        s
    }

    /// The run's fields for a JSON report.
    pub fn json(&self) -> Value {
        let trace: Vec<_> = self
            .trace
            .events
            .iter()
            .map(|e| {
                let (func, code) = self.site(e.choice, e.pc);
                let t = e.choice.task();
                let mut v = json!({
                    "step": e.step,
                    "cpu": (!matches!(e.choice, Choice::Signal(_))).then_some(t.0),
                    "task": self.spec.task_name(t),
                    "signal": matches!(e.choice, Choice::Signal(_)),
                    "flush": matches!(e.choice, Choice::Flush(_)),
                    "function": func,
                    "line": code,
                    "effects": e.effects.iter().map(|f| describe::effect(self.spec, f)).collect::<Vec<_>>(),
                });
                if let Some(time) = e.time {
                    v["start_ns"] = json!(time.start_ns);
                    v["end_ns"] = json!(time.end_ns);
                }
                v
            })
            .collect();
        let mut v = json!({
            "memory": self.spec.memory,
            "steps": self.outcome.steps,
            "verdict": self.outcome.verdict,
            "trace_hash": format!("{:016x}", self.outcome.trace_hash),
            "queue_lock_max_hold": self.outcome.queue_lock_max_hold,
            "schedule": self.schedule(),
            "trace": trace,
        });
        if let Verdict::LostWakeup(lost) = &self.outcome.verdict {
            v["race_window"] = match window::race_window(self.spec, &self.trace.events, lost) {
                Ok(w) => json!(w),
                Err(why) => json!({ "none": why }),
            };
        }
        v
    }
}

pub fn verdict_text(v: &Verdict) -> String {
    match v {
        Verdict::Finished { recovered } if recovered.is_empty() => "finished: every task returned".into(),
        Verdict::Finished { recovered } => format!(
            "finished, but {} wakeup(s) were lost on the way and made good later: {}",
            recovered.len(),
            recovered[0].reason
        ),
        Verdict::LostWakeup(l) => {
            format!("LOST WAKEUP: {} sleeps forever (lost at step {}).\n  {}", l.waiter, l.lost_at_step, l.reason)
        }
        Verdict::Deadlock { asleep, blocked } => {
            format!("deadlock: asleep {asleep:?}, blocked {blocked:?}; no sleeper's condition holds")
        }
        Verdict::StepLimit { limit } => format!("step limit: stopped after {limit} steps"),
    }
}

fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(width - 1).collect();
        out.push('…');
        out
    }
}

/// `word`, quoted for a POSIX shell when it has characters the shell would read.
fn shell_word(word: &str) -> String {
    if !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./=:+,@%".contains(&b)) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

//! Records what the Rust program builders do, so that the scenario-language port can be checked
//! against it: every golden run's schedule and effects (normalised, so that the representation of
//! tests and shared variables may change), hundreds of random runs, and exhaustive exploration
//! counts with and without reduction. Run once with WQSIM_PORT_DUMP=path; this file is deleted by
//! the port, and the file it wrote stays as `tests/port_baseline.txt`.

mod common;

use std::fmt::Write;

use sim_core::effect::Effect;
use sim_core::explore::{self, shortest::shortest_lost_wakeup, shortest::Shortest, Config};
use sim_core::strategy::StrategyKind;
use sim_core::trace::Trace;
use sim_core::{library, run, Spec, World};

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// One step's effects in a form that does not depend on how tests and variables are represented.
fn normalise(spec: &Spec, trace: &Trace) -> String {
    let name = |t: sim_core::TaskId| spec.task_name(t).to_string();
    let mut out = String::new();
    for e in &trace.events {
        let mut lines: Vec<String> = e
            .effects
            .iter()
            .map(|f| match *f {
                Effect::State { task, from, to } => format!("state {} {}>{}", name(task), from.name(), to.name()),
                Effect::Link { queue, task, entry, at_head, exclusive } => {
                    format!("link {} {} {} {} {}", queue.0, name(task), entry.0, at_head, exclusive)
                }
                Effect::Unlink { queue, task, entry } => format!("unlink {} {} {}", queue.0, name(task), entry.0),
                Effect::Flags { task, entry, flags } => format!("flags {} {} {}", name(task), entry.0, flags.bits()),
                Effect::WakeBegin { queue, mode, nr_exclusive } => {
                    format!("wakebegin {} {mode} {nr_exclusive}", queue.0)
                }
                Effect::WakeCall { queue, task, entry, ret, woke, exclusive, handoff } => {
                    format!("wakecall {} {} {} {ret} {woke} {exclusive} {handoff}", queue.0, name(task), entry.0)
                }
                Effect::WakeEnd { queue, woken } => format!("wakeend {} {woken}", queue.0),
                Effect::Enqueue { task } => format!("enqueue {}", name(task)),
                Effect::Sleep { task } => format!("sleep {}", name(task)),
                Effect::FinishWait { task, queue } => format!("finishwait {} {}", name(task), queue.0),
                Effect::Check { task, .. } => format!("check {}", name(task)),
                Effect::Load { task, .. } => format!("load {}", name(task)),
                Effect::Mutex { owner } => format!("mutex {}", owner.map_or("-".into(), name)),
                Effect::Pipe { head, tail } => format!("pipe {head} {tail}"),
                Effect::Page { locked, waiters, owner } => {
                    format!("page {locked} {waiters} {}", owner.map_or("-".into(), name))
                }
                Effect::Condition { value } => format!("condition {}", i32::from(value)),
                Effect::Signal { task } => format!("signal {}", name(task)),
                Effect::Exit { task, ret } => format!("exit {} {ret}", name(task)),
                Effect::Lost { task } => format!("lost {}", name(task)),
            })
            .collect();
        // Within a step the order of independent facts may change with the representation.
        lines.sort();
        let _ = writeln!(out, "{} {:?} | {}", e.step, e.choice, lines.join("; "));
    }
    out
}

fn run_line(spec: &std::sync::Arc<Spec>, kind: StrategyKind, seed: u64) -> String {
    let mut world = World::new(spec.clone());
    let mut strategy = kind.build(seed, &world);
    let mut trace = Trace::default();
    let o = run::run(&mut world, &mut *strategy, &mut trace).unwrap();
    let schedule = sim_core::Schedule(trace.choices()).display(spec);
    format!("{} {} {:016x} {schedule}", o.verdict.kind().name(), o.steps, fnv(&normalise(spec, &trace)))
}

fn params_text(p: &[(String, i64)]) -> String {
    if p.is_empty() {
        "-".into()
    } else {
        p.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
    }
}

#[test]
fn dump() {
    let Ok(path) = std::env::var("WQSIM_PORT_DUMP") else { return };
    let mut out = String::from("# The Rust program builders' behaviour (commit before the scenario-language port).\n");
    let sizes: &[(&str, &[&[(&str, i64)]])] = &[
        ("check-then-sleep", &[&[]]),
        (
            "pipe-splice",
            &[
                &[],
                &[("capacity", 1), ("writes", 2), ("writers", 2)],
                &[("capacity", 2), ("writes", 2), ("writers", 2)],
            ],
        ),
        ("page-lock-killable", &[&[], &[("lockers", 2), ("signals", 2)], &[("lockers", 3), ("signals", 1)]]),
    ];
    for &(id, param_sets) in sizes {
        let scenario = library::find(id).unwrap();
        for v in &scenario.variants {
            for (i, ps) in param_sets.iter().enumerate() {
                let overrides: Vec<(String, i64)> = ps.iter().map(|&(k, v)| (k.to_string(), v)).collect();
                let spec = scenario.spec(Some(&v.id), &overrides).unwrap();
                let p = params_text(&overrides);
                if i == 0 {
                    for kind in StrategyKind::ALL {
                        for seed in [scenario.default_seed, 1] {
                            let line = run_line(&spec, kind, seed);
                            let _ = writeln!(out, "run {id} {} {p} {} {seed} {line}", v.id, kind.id());
                        }
                    }
                }
                for seed in 0..200 {
                    let line = run_line(&spec, StrategyKind::Random, 10_000 + seed);
                    let _ = writeln!(out, "run {id} {} {p} random {} {line}", v.id, 10_000 + seed);
                }
                for reduction in [false, true] {
                    let cfg = Config { max_states: 20_000_000, reduction, ..Config::default() };
                    let r = explore::explore(&spec, cfg, &mut |_| true);
                    let s = r.stats;
                    let e = r.ends;
                    let _ = writeln!(
                        out,
                        "explore {id} {} {p} reduction={reduction} complete={} states={} transitions={} executions={} depth={} finished={} lost={} deadlock={} limit={}",
                        v.id, r.complete, s.states, s.transitions, s.executions, s.max_depth, e.finished, e.lost_wakeup, e.deadlock, e.step_limit
                    );
                }
                let (found, stats) = shortest_lost_wakeup(&spec, 20_000_000, &mut |_| true);
                let shortest = match found {
                    Shortest::Found(s) => s.display(&spec),
                    Shortest::None => "none".into(),
                    Shortest::Incomplete => "incomplete".into(),
                };
                let _ = writeln!(out, "shortest {id} {} {p} states={} {shortest}", v.id, stats.states);
            }
        }
    }
    std::fs::write(path, out).unwrap();
}

//! The timed strategy's virtual clock in the trace, the race window read from the oracle's
//! account, and the waits between a task's steps.

mod common;

use std::sync::Arc;

use common::{drive, seed_run, spec};
use sim_core::strategy::{Replay, StepTime, Strategy, StrategyKind, TimedConfig};
use sim_core::trace::Trace;
use sim_core::window::{race_window, wait_before, WaitKind, WindowKind};
use sim_core::{library, run, Choice, Error, Schedule, Spec, Verdict, World};

fn timed_trace(spec: &Arc<Spec>, seed: u64, timing: &TimedConfig) -> (run::Outcome, Trace) {
    let mut world = World::new(spec.clone());
    let mut strategy = StrategyKind::Timed.build_with(seed, &world, timing);
    let mut trace = Trace::default();
    let o = run::run(&mut world, &mut *strategy, &mut trace).unwrap();
    (o, trace)
}

/// Every step of a timed run has a time; a CPU's steps never overlap and never go back; the clock
/// picks steps in the order they start; a signal is an instant.
#[test]
fn times_are_monotone_per_cpu_and_in_step_order() {
    let busy = TimedConfig { delay_per_mille: 300, ..TimedConfig::default() };
    for scenario in library::scenarios() {
        for v in &scenario.variants {
            let spec = scenario.spec(Some(&v.id), &[]).unwrap();
            for (seed, timing) in (0..60).map(|s| (s, TimedConfig::default())).chain((0..60).map(|s| (s, busy))) {
                let (_, trace) = timed_trace(&spec, seed, &timing);
                let mut cpu_free = vec![0u64; spec.tasks.len()];
                let mut last_start = 0;
                for e in &trace.events {
                    let t = e
                        .time
                        .unwrap_or_else(|| panic!("{} {} seed {seed}: step {} has no time", scenario.id, v.id, e.step));
                    assert!(t.start_ns <= t.end_ns, "{} step {}: {t:?}", scenario.id, e.step);
                    assert!(
                        t.start_ns >= last_start,
                        "{} {} seed {seed}: step {} starts before step {}",
                        scenario.id,
                        v.id,
                        e.step,
                        e.step - 1
                    );
                    last_start = t.start_ns;
                    match e.choice {
                        Choice::Step(task) => {
                            let free = &mut cpu_free[task.index()];
                            assert!(
                                t.start_ns >= *free,
                                "{} {} seed {seed}: CPU{} step {} starts at {} before its last step ended at {free}",
                                scenario.id,
                                v.id,
                                task.0,
                                e.step,
                                t.start_ns
                            );
                            *free = t.end_ns;
                        }
                        Choice::Signal(_) | Choice::Flush(_) => {
                            assert_eq!(t.start_ns, t.end_ns, "a signal or a flush is an instant")
                        }
                    }
                }
            }
        }
    }
}

/// The clock is not part of what a run did: the same trace hash with or without times kept, and
/// the other strategies keep no times.
#[test]
fn times_leave_trace_hashes_alone_and_only_timed_runs_have_them() {
    for scenario in library::scenarios() {
        let spec = scenario.spec(None, &[]).unwrap();
        for kind in StrategyKind::ALL {
            for seed in 0..20 {
                let bare = seed_run(&spec, kind, seed);
                let mut world = World::new(spec.clone());
                let mut strategy = kind.build(seed, &world);
                let mut trace = Trace::default();
                let kept = run::run(&mut world, &mut *strategy, &mut trace).unwrap();
                assert_eq!(bare, kept, "{} {} seed {seed}", scenario.id, kind.id());
                let timed = trace.events.iter().filter(|e| e.time.is_some()).count();
                let want = if kind == StrategyKind::Timed { trace.events.len() } else { 0 };
                assert_eq!(timed, want, "{} {} seed {seed}", scenario.id, kind.id());
            }
        }
    }
}

/// With no jitter, no delays and every task starting at 0, each step lasts its base cost, so the
/// sleep-on race's window is known by hand: R tests `done` at 0 ns (a branch, 10 ns), stores its
/// state at 10 ns (10 ns) and takes the queue's lock at 20 ns; I sets `done` at 0 ns and its
/// `wake_up_interruptible()` lands at 10 ns and finds nobody.
#[test]
fn a_timed_run_with_known_durations_gives_the_expected_window() {
    let exact = TimedConfig { jitter_pct: 0, delay_per_mille: 0, start_window_ns: 1, ..TimedConfig::default() };
    let spec = spec("sleep-on", "sleep-on", &[]);
    let (o, trace) = timed_trace(&spec, 1, &exact);
    let Verdict::LostWakeup(lost) = &o.verdict else { panic!("{:?}", o.verdict) };
    let w = race_window(&spec, &trace.events, lost).unwrap();
    assert_eq!(w.kind, WindowKind::FoundNobody);
    assert_eq!((w.task.as_str(), w.opens.step, w.wakeup.step, w.closes.step), ("R", 1, 4, 5));
    assert_eq!((w.opens.start_ns, w.wakeup.start_ns, w.closes.start_ns), (Some(0), Some(10), Some(20)));
    assert_eq!((w.width_ns, w.landed_after_ns), (Some(20), Some(10)));
    assert_eq!(w.opens.call, "if (!done)");
    assert_eq!(w.wakeup.call, "wake_up_interruptible(&wq)");
    // The base costs of the documented table (docs/timed.md): a branch and a state store 10 ns,
    // a queue's lock 40 ns, a wakeup 100 ns, schedule() 300 ns.
    let durations: Vec<u64> = trace.events.iter().map(|e| e.time.unwrap().duration_ns()).collect();
    assert_eq!(durations, [10, 10, 10, 100, 40, 300]);
}

/// A clock given by hand: the steps of a schedule, on one CPU's worth of time each, step `i`
/// lasting `i` ns and starting when step `i - 1` ended.
struct ByHand {
    replay: Replay,
    now: u64,
    last: StepTime,
}

impl Strategy for ByHand {
    fn pick(&mut self, world: &World, choices: &[Choice]) -> Result<usize, Error> {
        let i = self.replay.pick(world, choices)?;
        let d = u64::from(world.steps + 1);
        self.last = StepTime { start_ns: self.now, end_ns: self.now + d };
        self.now += d;
        Ok(i)
    }

    fn last_time(&self) -> Option<StepTime> {
        Some(self.last)
    }
}

/// Josef Bacik's interleaving with hand-made times: the window is R's prepare_to_wait(rd_wait)
/// (step 17) to its prepare_to_wait(wr_wait) (step 19), W's wakeup (step 18) inside it. Step `i`
/// starts at 0 + 1 + ... + (i - 1) = i(i - 1)/2 ns: 136, 153 and 171 ns.
#[test]
fn the_pipe_window_runs_between_the_two_prepare_to_wait_calls() {
    let spec = spec("pipe-splice", "v5.8", &[("writes", 3)]);
    let schedule = Schedule::parse("W*6 R*11 W R*3 W*13", &spec).unwrap();
    let mut clock = ByHand { replay: Replay::strict(schedule, None), now: 0, last: StepTime::default() };
    let (_, o, trace) = drive(&spec, &mut clock);
    let Verdict::LostWakeup(lost) = &o.verdict else { panic!("{:?}", o.verdict) };
    let w = race_window(&spec, &trace.events, lost).unwrap();
    assert_eq!(w.kind, WindowKind::Rearmed);
    assert_eq!((w.opens.step, w.wakeup.step, w.closes.step), (17, 18, 19));
    assert!(w.opens.call.starts_with("prepare_to_wait(&pipe->rd_wait"), "{}", w.opens.call);
    assert!(w.closes.call.starts_with("prepare_to_wait(&pipe->wr_wait"), "{}", w.closes.call);
    assert_eq!((w.opens.start_ns, w.wakeup.start_ns, w.closes.start_ns), (Some(136), Some(153), Some(171)));
    assert_eq!((w.width_ns, w.landed_after_ns), (Some(35), Some(17)));
    assert!(w.describe().contains("35 ns wide") && w.describe().contains("17 ns into it"), "{}", w.describe());
}

/// Under a strategy with no clock the window is still defined, in steps, with no times.
#[test]
fn the_window_is_in_steps_without_a_clock() {
    let spec = spec("pipe-splice", "v5.8", &[("writes", 3)]);
    let (_, o, trace) = common::replay(&spec, "W*6 R*11 W R*3 W*13", 0);
    let Verdict::LostWakeup(lost) = &o.verdict else { panic!() };
    let w = race_window(&spec, &trace.events, lost).unwrap();
    assert_eq!((w.opens.step, w.closes.step, w.width_ns), (17, 19, None));
    assert!(w.describe().contains("2 steps long"), "{}", w.describe());
}

/// Every lost wakeup of the timed strategy over the built-in scenarios has its window or says
/// why it has none; a window holds its wakeup, and its width is the distance of its ends.
#[test]
fn every_timed_hit_has_a_window_that_holds_its_wakeup() {
    let busy = TimedConfig { delay_per_mille: 300, ..TimedConfig::default() };
    let mut measured = 0;
    for scenario in library::scenarios() {
        for v in scenario.variants.iter().filter(|v| v.buggy) {
            let spec = scenario.spec(Some(&v.id), &[]).unwrap();
            for seed in 0..400 {
                let (o, trace) = timed_trace(&spec, seed, &busy);
                let Verdict::LostWakeup(lost) = &o.verdict else { continue };
                match race_window(&spec, &trace.events, lost) {
                    Ok(w) => {
                        assert!(
                            w.opens.step < w.wakeup.step && w.wakeup.step < w.closes.step,
                            "{} seed {seed}: {w:?}",
                            scenario.id
                        );
                        let (o, c, k) =
                            (w.opens.start_ns.unwrap(), w.closes.start_ns.unwrap(), w.wakeup.start_ns.unwrap());
                        assert!(o <= k && k <= c, "{} seed {seed}: {w:?}", scenario.id);
                        assert_eq!(w.width_ns, Some(c - o));
                        measured += 1;
                    }
                    Err(why) => assert!(why.contains("no window") || why.contains("lacks"), "{why}"),
                }
            }
        }
    }
    assert!(measured > 50, "only {measured} windows measured");
}

/// A sleeper's wait: from the end of its schedule() step to the start of the step it runs again,
/// with the step that woke it.
#[test]
fn a_sleepers_wait_runs_from_its_schedule_to_its_next_step() {
    let spec = spec("check-then-sleep", "set-state-first", &[]);
    let mut found = 0;
    for seed in 0..200 {
        let (_, trace) = timed_trace(&spec, seed, &TimedConfig::default());
        for e in &trace.events {
            let Some(w) = wait_before(&trace.events, e.step) else { continue };
            assert_eq!(w.ns(), w.until_ns - w.from_ns);
            let prev = &trace.events[w.since_step as usize - 1];
            assert_eq!(w.from_ns, prev.time.unwrap().end_ns);
            assert_eq!(w.until_ns, e.time.unwrap().start_ns);
            if w.kind == WaitKind::Asleep {
                let woken = w.woken_step.expect("a sleeper that runs again was woken");
                assert!(w.since_step < woken && woken < w.step);
                // At least the wakeup latency passes between the wakeup and the run.
                assert!(w.until_ns >= w.woken_ns.unwrap() + TimedConfig::default().wakeup_latency_ns);
                found += 1;
            }
        }
    }
    assert!(found > 0, "no sleeper ran again in 200 seeds");
}

/// A scenario file sets its own timing in `[timed]`; the command line's `timed.*` override it;
/// a wrong name or value is a diagnostic that names it and its range.
#[test]
fn a_scenario_sets_its_timing_in_a_timed_table() {
    let text = include_str!("../../scenarios/sleep-on.toml");
    let with = |table: &str| text.replacen("[[tasks]]", &format!("{table}\n[[tasks]]"), 1);
    let exact = sim_core::Scenario::parse(&with("[timed]\njitter_pct = 0\ndelay_per_mille = 0\nstart_window_ns = 1\n"))
        .unwrap();
    let spec = exact.spec(None, &[]).unwrap();
    let timing = StrategyKind::Timed.timing(&spec, &[]).unwrap();
    assert_eq!((timing.jitter_pct, timing.delay_per_mille, timing.start_window_ns), (0, 0, 1));
    assert_eq!(timing.wakeup_latency_ns, TimedConfig::default().wakeup_latency_ns, "the rest stay the defaults");
    let (o, trace) = timed_trace(&spec, 1, &timing);
    let Verdict::LostWakeup(lost) = &o.verdict else { panic!() };
    assert_eq!(race_window(&spec, &trace.events, lost).unwrap().width_ns, Some(20));
    let cli = StrategyKind::Timed.timing(&spec, &[("timed.jitter_pct".into(), 7)]).unwrap();
    assert_eq!((cli.jitter_pct, cli.delay_per_mille), (7, 0), "the command line wins");
    // The other strategies ignore the table (it is no misuse of theirs).
    assert!(StrategyKind::Random.timing(&spec, &[]).is_ok());
    let wrong = sim_core::Scenario::parse(&with("[timed]\njitter = 3\n")).unwrap_err().to_string();
    assert!(wrong.contains("unknown field `jitter` in [timed]") && wrong.contains("jitter_pct"), "{wrong}");
    let range = sim_core::Scenario::parse(&with("[timed]\ndelay_per_mille = 1001\n")).unwrap_err().to_string();
    assert!(range.contains("delay_per_mille = 1001 is out of range 0 to 1000"), "{range}");
}

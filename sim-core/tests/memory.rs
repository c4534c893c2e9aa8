//! x86-TSO [ref §6]: the two scenarios of issue 13, set-current-state and waitqueue-active.
//!
//! Under `--memory tso` each buggy variant loses a wakeup, its shortest race has the length and
//! schedule its description states and replays to the loss, and the oracle's account names the
//! store that was still buffered; each fix is proved complete with the stated number of states;
//! under `--memory sc` no variant loses a wakeup. Then each fix is undone by one edit of the
//! file's text and the loss comes back, and the same schedule is replayed under both models.

mod common;

use std::sync::Arc;

use common::drive;
use sim_core::explore::shortest::{shortest_lost_wakeup, Shortest};
use sim_core::explore::{explore, Config, Report};
use sim_core::kernel::memory::Memory;
use sim_core::recording::Recording;
use sim_core::share::Link;
use sim_core::strategy::{Replay, StrategyKind};
use sim_core::{library, Error, Scenario, Schedule, Spec, Verdict, VerdictKind};

fn spec_in(scenario: &Scenario, variant: &str, memory: Memory) -> Arc<Spec> {
    scenario.spec_in(Some(variant), &[], memory).unwrap()
}

fn tso(scenario: &str, variant: &str) -> Arc<Spec> {
    spec_in(library::find(scenario).unwrap(), variant, Memory::Tso)
}

fn exhaustive(spec: &Arc<Spec>) -> Report {
    let r = explore(spec, Config::default(), &mut |_| true);
    assert!(r.complete, "{} {} {:?}: incomplete", spec.scenario, spec.variant, spec.memory);
    r
}

/// The shortest lost wakeup, replayed strictly: its reason.
fn shortest_loss(spec: &Arc<Spec>) -> (Schedule, String) {
    let r = exhaustive(spec);
    assert_eq!(r.found.as_ref().map(|f| f.kind), Some(VerdictKind::LostWakeup), "{} {}", spec.scenario, spec.variant);
    let Shortest::Found(schedule) =
        shortest_lost_wakeup(spec, &Config { max_states: 1_000_000, ..Config::default() }, &mut |_| true).0
    else {
        panic!("{} {}: no shortest lost wakeup", spec.scenario, spec.variant)
    };
    let (_, outcome, _) = drive(spec, &mut Replay::strict(schedule.clone(), None));
    let Verdict::LostWakeup(lost) = outcome.verdict else {
        panic!("{}: {:?}", schedule.display(spec), outcome.verdict)
    };
    (schedule, lost.reason)
}

fn description(scenario: &str) -> String {
    library::find(scenario).unwrap().description.replace('\n', " ")
}

fn check_bug(scenario: &str, variant: &str, schedule: &str, names: &str) {
    let spec = tso(scenario, variant);
    let (shortest, reason) = shortest_loss(&spec);
    assert_eq!(shortest.display(&spec), schedule);
    let said = description(scenario);
    let stated = format!("{variant} loses the wakeup (shortest race, {} steps: {schedule}", shortest.0.len());
    assert!(said.contains(&stated), "{stated:?} is not in {said:?}");
    assert!(reason.contains(names), "the account does not name the buffered store: {reason}");
}

fn check_fix(scenario: &str, variant: &str, states: u64) {
    let r = exhaustive(&tso(scenario, variant));
    assert_eq!((r.ends.lost_wakeup, r.ends.deadlock, r.found), (0, 0, None), "{scenario} {variant}");
    assert_eq!(r.stats.states, states, "{scenario} {variant}");
    let said = description(scenario);
    assert!(
        said.contains(&format!("{variant} loses none ({states} states"))
            || said.contains(&format!("{variant} ({states} states)")),
        "{said}"
    );
}

#[test]
fn set_current_state_plain_store_loses_the_wakeup_under_tso() {
    check_bug(
        "set-current-state",
        "__set_current_state",
        "W*2 K*2 W",
        "W's `__set_current_state(TASK_UNINTERRUPTIBLE)` (step 1) was still in CPU0's store buffer when W tested its condition at step 2",
    );
}

#[test]
fn waitqueue_active_without_a_barrier_loses_the_wakeup_under_tso() {
    check_bug(
        "waitqueue-active",
        "no-barrier",
        "W*2 R*3 ~W",
        "W's `cond = true` (step 1) was still in CPU1's store buffer when it read `waitqueue_active(&wq)` as false at step 2",
    );
}

#[test]
fn the_barriers_are_proved_under_tso() {
    check_fix("set-current-state", "set_current_state", 29);
    check_fix("waitqueue-active", "smp-mb", 36);
    check_fix("waitqueue-active", "wq-has-sleeper", 36);
    check_fix("waitqueue-active", "plain-wake-up", 25);
}

/// Under sequential consistency every variant is correct: the bugs need store buffers.
#[test]
fn no_variant_loses_a_wakeup_under_sc() {
    for id in ["set-current-state", "waitqueue-active"] {
        let s = library::find(id).unwrap();
        for v in &s.variants {
            let r = exhaustive(&spec_in(s, &v.id, Memory::Sc));
            assert_eq!((r.ends.lost_wakeup, r.found), (0, None), "{id} {}", v.id);
        }
    }
}

/// `scenario`'s file with `old` (which occurs once) replaced by `new`.
fn edited(scenario: &str, old: &str, new: &str) -> Scenario {
    let s = library::find(scenario).unwrap();
    assert_eq!(s.text.matches(old).count(), 1, "{scenario}: {old:?}");
    Scenario::parse_named(&s.file, &s.text.replacen(old, new, 1)).unwrap_or_else(|e| panic!("{e}"))
}

/// Each barrier is what removes the bug: without it, the fixed variant loses the wakeup again.
#[test]
fn each_fix_without_its_barrier_is_the_bug_again() {
    let cases = [
        (
            "set-current-state",
            "set_current_state",
            "\t\tset_current_state(TASK_UNINTERRUPTIBLE);",
            "\t\t__set_current_state(TASK_UNINTERRUPTIBLE);",
        ),
        ("waitqueue-active", "smp-mb", "\tsmp_mb();", "\tsmp_wmb();"),
        ("waitqueue-active", "wq-has-sleeper", "if (wq_has_sleeper(&wq))", "if (waitqueue_active(&wq))"),
        (
            "waitqueue-active",
            "plain-wake-up",
            "#else\n\twake_up(&wq);",
            "#else\n\tif (waitqueue_active(&wq))\n\t\twake_up(&wq);",
        ),
    ];
    for (scenario, variant, old, new) in cases {
        let s = edited(scenario, old, new);
        let (_, reason) = shortest_loss(&spec_in(&s, variant, Memory::Tso));
        assert!(reason.contains("store buffer"), "{scenario} {variant}: {reason}");
    }
}

/// The page's switch keeps the schedule: the race's interleaving loses the wakeup only under TSO.
#[test]
fn the_same_schedule_loses_the_wakeup_only_under_tso() {
    let s = library::find("set-current-state").unwrap();
    let run = |memory| {
        let spec = spec_in(s, "__set_current_state", memory);
        let schedule = Schedule::parse("W*2 K*2 W", &spec).unwrap();
        drive(&spec, &mut Replay::strict(schedule, Some(Box::new(sim_core::strategy::Sequential::default())))).1
    };
    assert_eq!(run(Memory::Tso).verdict.kind(), VerdictKind::LostWakeup);
    assert_eq!(run(Memory::Sc).verdict.kind(), VerdictKind::Finished);
    // A flush is no choice under sc: a strict replay says so.
    let sc = spec_in(library::find("waitqueue-active").unwrap(), "no-barrier", Memory::Sc);
    let schedule = Schedule::parse("W ~W", &sc).unwrap();
    let mut world = sim_core::World::new(sc.clone());
    let err = sim_core::run::run(&mut world, &mut Replay::strict(schedule, None), &mut ()).unwrap_err();
    assert!(matches!(&err, Error::NotEnabled { why, .. } if why == "W's CPU has no store in its buffer"), "{err}");
}

/// A run under tso is named by a link whose 9th part is `memory=tso`, and its flushes are
/// hand-made choices like any other: the link rebuilds the same run.
#[test]
fn a_tso_link_rebuilds_the_same_run() {
    let spec = tso("waitqueue-active", "no-barrier");
    let schedule = Schedule::parse("W*2 R*3 ~W", &spec).unwrap();
    assert_eq!(schedule.display(&spec), "W*2 R*3 ~W");
    let link = Link {
        scenario: sim_core::share::ScenarioRef::Id(spec.scenario.clone()),
        variant: spec.variant.clone(),
        strategy: StrategyKind::Random,
        manual: true,
        seed: 0,
        params: vec![],
        choices: schedule.clone(),
        step: 6,
        memory: Memory::Tso,
    };
    let text = link.encode();
    assert!(text.ends_with("/6/memory=tso"), "{text}");
    let rec = Recording::from_link(&Link::decode(&text).unwrap()).unwrap();
    assert_eq!(rec.schedule(), schedule);
    assert_eq!(rec.verdict.map(|v| v.kind()), Some(VerdictKind::LostWakeup));
    let (_, outcome, _) = drive(&spec, &mut Replay::strict(schedule, None));
    assert_eq!(rec.trace_hash, outcome.trace_hash);
}

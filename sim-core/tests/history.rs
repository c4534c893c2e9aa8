//! The four scenarios from kernel history [ref §4]: exclusive-starvation and exclusive-event
//! (777c6c5f1f6e and b1ea06a90f52, §4.1), sleep-on (§4.2) and wait-woken (§4.3).
//!
//! Each description ends with its exploration result, and these tests hold it to that: the
//! buggy variant loses a wakeup, its shortest race has the stated length (and schedule, where one
//! is stated) and replays to the lost wakeup, and its default seed loses it too; every fix is
//! proved complete, with the stated number of states, at the stated sizes, and the search
//! without the reduction agrees. Then each fix is undone by the smallest change to the file's
//! text, and the lost wakeup comes back: the fix is what removes the bug.

mod common;

use std::sync::Arc;

use common::{drive, seed_run, spec};
use sim_core::describe::thousands;
use sim_core::explore::shortest::{shortest_lost_wakeup, Shortest};
use sim_core::explore::{explore, Config, Reductions, Report};
use sim_core::strategy::{Replay, StrategyKind};
use sim_core::{library, Scenario, Schedule, Spec, Verdict, VerdictKind};

/// A buggy variant, the sizes its description explores, and what the description says.
struct Bug {
    scenario: &'static str,
    variant: &'static str,
    params: &'static [(&'static str, i64)],
    /// The task left asleep.
    victim: &'static str,
    /// The shortest race's length, and its schedule when the description gives it.
    steps: usize,
    schedule: Option<&'static str>,
}

/// A fixed variant, and the states its description counts at each size.
struct Fix {
    scenario: &'static str,
    variant: &'static str,
    sizes: &'static [(&'static [(&'static str, i64)], u64)],
}

/// Every locker may take the signal, as the descriptions of the exclusive-* scenarios say.
const TWO: &[(&str, i64)] = &[("lockers", 2), ("signals", 2)];
const THREE: &[(&str, i64)] = &[("lockers", 3), ("signals", 3)];

fn exhaustive(spec: &Arc<Spec>, reduction: bool) -> Report {
    let r = explore(
        spec,
        Config { reductions: if reduction { Reductions::ALL } else { Reductions::NONE }, ..Config::default() },
        &mut |_| true,
    );
    assert!(r.complete, "{} {} {:?}: incomplete: {:?}", spec.scenario, spec.variant, spec.params, r.stats);
    r
}

/// The sentence of `scenario`'s description that gives its exploration results, from `from` (a
/// variant id) on.
fn described(scenario: &str, from: &str) -> String {
    let description = &library::find(scenario).unwrap().description;
    let at = description.find("Exploration").unwrap_or_else(|| panic!("{scenario}: no exploration result"));
    let results = &description[at..];
    let from = results.find(from).unwrap_or_else(|| panic!("{scenario}: {from} is not in {results:?}"));
    results[from..].to_string()
}

/// Whether `text` has `n` as a number of its own (not 2,912 inside 12,912).
fn mentions(text: &str, n: u64) -> bool {
    let n = thousands(n);
    text.split(|c: char| !c.is_ascii_digit() && c != ',').any(|word| word.trim_matches(',') == n)
}

fn shortest(spec: &Arc<Spec>) -> Schedule {
    match shortest_lost_wakeup(spec, &Config::default(), &mut |_| true).0 {
        Shortest::Found(schedule) => schedule,
        other => panic!("{} {}: no shortest lost wakeup: {other:?}", spec.scenario, spec.variant),
    }
}

/// Exploration finds a lost wakeup, as `wqsim explore` does: the depth-first search finds one,
/// the breadth-first search gives the shortest, and its strict replay ends in a lost wakeup
/// that names the victim.
fn assert_loses(spec: &Arc<Spec>, victim: &str) -> (Report, Schedule) {
    let r = exhaustive(spec, true);
    let found = r.found.as_ref().unwrap_or_else(|| panic!("{} {}: nothing found: {r:?}", spec.scenario, spec.variant));
    assert_eq!(found.kind, VerdictKind::LostWakeup);
    assert_eq!(found.victim.map(|t| spec.task_name(t)), Some(victim), "{:?}", found);
    assert!(r.ends.lost_wakeup > 0);
    let schedule = shortest(spec);
    let (_, outcome, _) = drive(spec, &mut Replay::strict(schedule.clone(), None));
    assert_eq!(outcome.steps as usize, schedule.0.len(), "the shortest race is the whole run");
    let Verdict::LostWakeup(lost) = &outcome.verdict else {
        panic!("{} replays to {:?}", schedule.display(spec), outcome.verdict)
    };
    assert_eq!(lost.waiter, victim, "{}", schedule.display(spec));
    (r, schedule)
}

fn check_bug(bug: &Bug) {
    let scenario = library::find(bug.scenario).unwrap();
    let spec = spec(bug.scenario, bug.variant, bug.params);
    let (_, schedule) = assert_loses(&spec, bug.victim);
    assert_eq!(schedule.0.len(), bug.steps, "shortest race: {}", schedule.display(&spec));
    let said = described(bug.scenario, bug.variant);
    assert!(
        said.starts_with(&format!("{} loses the wakeup (shortest race, {} steps", bug.variant, bug.steps)),
        "{said}"
    );
    if let Some(expected) = bug.schedule {
        assert_eq!(schedule.display(&spec), expected);
        assert!(said.contains(&format!("{} steps: {expected})", bug.steps)), "{said}");
    }
    // The default seed was chosen to show the race: the random strategy, the default variant
    // and parameters.
    assert_eq!(scenario.default_variant, bug.variant);
    let default = scenario.spec(None, &[]).unwrap();
    let outcome = seed_run(&default, StrategyKind::Random, scenario.default_seed);
    let Verdict::LostWakeup(lost) = &outcome.verdict else {
        panic!("{} seed {}: {:?}", bug.scenario, scenario.default_seed, outcome.verdict)
    };
    assert_eq!(lost.waiter, bug.victim);
}

fn check_fix(fix: &Fix) {
    let said = described(fix.scenario, fix.variant);
    for &(params, states) in fix.sizes {
        let spec = spec(fix.scenario, fix.variant, params);
        let r = exhaustive(&spec, true);
        let what = format!("{} {} {params:?}", fix.scenario, fix.variant);
        assert_eq!(r.ends.lost_wakeup + r.ends.deadlock + r.ends.step_limit, 0, "{what}: {r:?}");
        assert!(r.ends.finished > 0 && r.found.is_none(), "{what}: {r:?}");
        assert_eq!(r.stats.states, states, "{what}");
        assert!(mentions(&said, states), "{what}: {states} states is not in {said:?}");
        // Without any reduction, every state: no lost wakeup either, and no fewer states.
        let full = exhaustive(&spec, false);
        assert_eq!((full.ends.lost_wakeup, full.found), (0, None), "{what}, no reduction");
        assert!(full.stats.states >= states && full.ends.finished >= r.ends.finished, "{what}");
    }
}

/// `scenario`'s file with `old` (which occurs once) replaced by `new`.
fn edited(scenario: &str, old: &str, new: &str) -> Scenario {
    let s = library::find(scenario).unwrap();
    assert_eq!(s.text.matches(old).count(), 1, "{scenario}: {old:?}");
    Scenario::parse_named(&s.file, &s.text.replacen(old, new, 1)).unwrap_or_else(|e| panic!("{e}"))
}

fn edited_spec(s: &Scenario, variant: &str, params: &[(&str, i64)]) -> Arc<Spec> {
    let overrides: Vec<_> = params.iter().map(|&(k, v)| (k.to_string(), v)).collect();
    s.spec(Some(variant), &overrides).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The buggy variants

/// Chris Mason's 2009 hang [ref §4.1]: T1 is chosen by the unlock, killed, and leaves.
#[test]
fn exclusive_starvation_before_fix_loses_the_wakeup() {
    check_bug(&Bug {
        scenario: "exclusive-starvation",
        variant: "before-fix",
        params: TWO,
        victim: "T2",
        steps: 14,
        schedule: None,
    });
}

#[test]
fn exclusive_event_before_fix_loses_the_wakeup() {
    check_bug(&Bug {
        scenario: "exclusive-event",
        variant: "before-fix",
        params: TWO,
        victim: "T2",
        steps: 13,
        schedule: None,
    });
}

/// The state stored after the test [ref §4.3, "The problem"]: R tests, W wakes R while it runs.
#[test]
fn wait_woken_state_after_test_loses_the_wakeup() {
    check_bug(&Bug {
        scenario: "wait-woken",
        variant: "state-after-test",
        params: &[],
        victim: "R",
        steps: 10,
        schedule: Some("R*4 W*4 R*2"),
    });
}

/// [ref §4.2]: the interrupt comes between the test and the queueing.
#[test]
fn sleep_on_loses_the_wakeup() {
    check_bug(&Bug {
        scenario: "sleep-on",
        variant: "sleep-on",
        params: &[],
        victim: "R",
        steps: 6,
        schedule: Some("R*2 I*2 R*2"),
    });
}

// ---------------------------------------------------------------------------------------------
// The fixes

#[test]
fn exclusive_starvation_777c6c5f1f6e_is_proved() {
    check_fix(&Fix {
        scenario: "exclusive-starvation",
        variant: "777c6c5f1f6e",
        sizes: &[(TWO, 3_482), (THREE, 83_759)],
    });
}

#[test]
fn exclusive_event_777c6c5f1f6e_is_proved() {
    check_fix(&Fix { scenario: "exclusive-event", variant: "777c6c5f1f6e", sizes: &[(TWO, 3_060), (THREE, 68_800)] });
}

#[test]
fn exclusive_event_b1ea06a90f52_is_proved() {
    check_fix(&Fix { scenario: "exclusive-event", variant: "b1ea06a90f52", sizes: &[(TWO, 1_135), (THREE, 13_653)] });
}

/// Linus's 2017 argument holds for two lockers (and not for three: `tests/explore.rs`).
#[test]
fn page_lock_a8b169afbf06_is_proved_for_two_lockers() {
    check_fix(&Fix { scenario: "page-lock-killable", variant: "a8b169afbf06", sizes: &[(TWO, 3_072)] });
}

#[test]
fn wait_woken_fixes_are_proved() {
    check_fix(&Fix { scenario: "wait-woken", variant: "nested-sleep", sizes: &[(&[], 46)] });
    check_fix(&Fix { scenario: "wait-woken", variant: "61ada528dea0", sizes: &[(&[], 58)] });
}

#[test]
fn sleep_on_b8780c363d80_is_proved() {
    check_fix(&Fix { scenario: "sleep-on", variant: "b8780c363d80", sizes: &[(&[], 21)] });
}

// ---------------------------------------------------------------------------------------------
// Each fix undone by one edit

/// 777c6c5f1f6e minus `abort_exclusive_wait()` [ref §4.1 listing]: a killed waiter that only
/// calls `finish_wait()` is the 2.6.28 code again, state for state.
#[test]
fn exclusive_starvation_without_abort_exclusive_wait_is_the_bug_again() {
    let s = edited(
        "exclusive-starvation",
        "abort_exclusive_wait(wq, &q->wait, mode, &q->key);\t/* 777c6c5f1f6e */",
        "finish_wait(wq, &q->wait);",
    );
    let (reverted, schedule) = assert_loses(&edited_spec(&s, "777c6c5f1f6e", TWO), "T2");
    assert_eq!(schedule.0.len(), 14);
    let before = exhaustive(&spec("exclusive-starvation", "before-fix", TWO), true);
    assert_eq!((reverted.stats.states, reverted.ends), (before.stats.states, before.ends));
}

#[test]
fn exclusive_event_without_abort_exclusive_wait_is_the_bug_again() {
    let s = edited(
        "exclusive-event",
        "abort_exclusive_wait(&wq, &__wait,\t\t\t\\\n\t\t\t\tTASK_INTERRUPTIBLE, NULL);\t\t\\\n",
        "finish_wait(&wq, &__wait);\t\t\t\t\\\n",
    );
    let (reverted, schedule) = assert_loses(&edited_spec(&s, "777c6c5f1f6e", TWO), "T2");
    assert_eq!(schedule.0.len(), 13);
    let before = exhaustive(&spec("exclusive-event", "before-fix", TWO), true);
    assert_eq!((reverted.stats.states, reverted.ends), (before.stats.states, before.ends));
}

/// b1ea06a90f52 has no `abort_exclusive_wait()`: what keeps the wakeup is the test of the
/// condition after `prepare_to_wait_event()` has unlinked a signalled waiter [ref §0 table,
/// row 3]. The kernel's `___wait_event()`, written out in the file for b1ea06a90f52, explores
/// exactly as the built-in; with the signal tested before the condition, a waiter that the
/// release chose returns -ERESTARTSYS and T2 sleeps on a free lock.
#[test]
fn b1ea06a90f52_keeps_the_wakeup_by_its_last_test() {
    let anchor = "/* b1ea06a90f52: the kernel's own wait_event_interruptible_exclusive() [§0 table, row 3]. */\n";
    let condition = "\t\tif (condition) \\\n\t\t\tbreak; \\\n";
    let signal = "\t\tif (___wait_is_interruptible(state) && __int) { \\\n\t\t\t__ret = __int; \\\n\t\t\tgoto __out; \\\n\t\t} \\\n";
    let wait_event = |tests: &str| {
        format!(
            "{anchor}#if VARIANT(b1ea06a90f52)\n\
             #define ___wait_event(wq_head, condition, state, exclusive, ret, cmd) \\\n\
             ({{ \\\n\
             \tstruct wait_queue_entry __wq_entry; \\\n\
             \tlong __ret = ret; \\\n\
             \tinit_wait_entry(&__wq_entry, exclusive ? WQ_FLAG_EXCLUSIVE : 0); \\\n\
             \tfor (;;) {{ \\\n\
             \t\tlong __int = prepare_to_wait_event(&wq_head, &__wq_entry, state); \\\n\
             {tests}\
             \t\tcmd; \\\n\
             \t}} \\\n\
             \tfinish_wait(&wq_head, &__wq_entry); \\\n\
             __out:\t__ret; \\\n\
             }})\n\
             #endif\n"
        )
    };
    let kernel = edited("exclusive-event", anchor, &wait_event(&format!("{condition}{signal}")));
    let r = exhaustive(&edited_spec(&kernel, "b1ea06a90f52", TWO), true);
    assert!(r.found.is_none() && r.ends.lost_wakeup + r.ends.deadlock == 0, "{r:?}");
    assert_eq!(r.stats.states, 1_135, "the written-out ___wait_event() is the built-in one");

    let signal_first = edited("exclusive-event", anchor, &wait_event(&format!("{signal}{condition}")));
    assert_loses(&edited_spec(&signal_first, "b1ea06a90f52", TWO), "T2");
}

/// 61ada528dea0 with the entry's wake function back to `default_wake_function`: nothing sets
/// WOKEN [ref §0 table, row 19], so `wait_woken()` sleeps through a wakeup that found R running.
#[test]
fn wait_woken_without_woken_wake_function_loses_the_wakeup() {
    let s = edited(
        "wait-woken",
        "DEFINE_WAIT_FUNC(wait, woken_wake_function);",
        "DEFINE_WAIT_FUNC(wait, default_wake_function);",
    );
    assert_loses(&edited_spec(&s, "61ada528dea0", &[]), "R");
}

/// The other direction: what sleep_on() lacked is a test after the queueing [ref §4.2]. Give
/// `sleep_on_common()` one, between S2 and S3, and the sleep-on variant loses nothing.
#[test]
fn sleep_on_with_a_test_after_the_queueing_loses_nothing() {
    let s = edited(
        "sleep-on",
        "\ttimeout = schedule_timeout(timeout);\t\t\t/* S3 */\n",
        "\tif (!done)\n\t\ttimeout = schedule_timeout(timeout);\n",
    );
    let r = exhaustive(&edited_spec(&s, "sleep-on", &[]), true);
    assert_eq!(r.ends.lost_wakeup + r.ends.deadlock + r.ends.step_limit, 0, "{r:?}");
    assert!(r.ends.finished > 0 && r.found.is_none());
}

#[test]
fn numbers_are_read_as_the_descriptions_write_them() {
    assert_eq!(thousands(21), "21");
    assert_eq!(thousands(6_926), "6,926");
    assert_eq!(thousands(494_402), "494,402");
    assert!(mentions("(2,912 and 115,650)", 2_912) && mentions("(21 states, complete)", 21));
    assert!(!mentions("12,912 states", 2_912) && !mentions("2,9120", 2_912));
}

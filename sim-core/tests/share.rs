//! Share links round-trip, and every malformed link gets a clear error, never a panic.

use sim_core::kernel::memory::Memory;
use sim_core::share::Link;
use sim_core::strategy::StrategyKind;
use sim_core::{Choice, Schedule, TaskId};

fn link() -> Link {
    Link {
        scenario: "page-lock-killable".into(),
        variant: "v4.13".into(),
        strategy: StrategyKind::Timed,
        manual: false,
        seed: 185,
        params: vec![("lockers".into(), 3), ("signals".into(), 1)],
        choices: Schedule(vec![Choice::Step(TaskId(1)), Choice::Signal(TaskId(1)), Choice::Step(TaskId(3))]),
        step: 7,
        memory: Memory::Sc,
    }
}

#[test]
fn links_round_trip() {
    let l = link();
    let text = l.encode();
    assert_eq!(text, "wq1/page-lock-killable/v4.13/timed/185/lockers=3,signals=1/AYED/7");
    assert_eq!(Link::decode(&text).unwrap(), l);
    assert_eq!(Link::decode(&format!("http://127.0.0.1:8080/#{text}")).unwrap(), l);
    let plain = Link { params: vec![], choices: Schedule(vec![]), ..l.clone() };
    assert_eq!(Link::decode(&plain.encode()).unwrap(), plain);
    let manual = Link { manual: true, strategy: StrategyKind::Random, ..l };
    assert!(manual.encode().starts_with("wq1/page-lock-killable/v4.13/manual/"));
    assert_eq!(Link::decode(&manual.encode()).unwrap(), manual);
}

/// The memory model is an optional 9th part: absent means sc, so every older link opens the same
/// run; hand-made choices can hold flushes.
#[test]
fn tso_links_carry_their_model_and_flushes() {
    let flush = Schedule(vec![Choice::Step(TaskId(1)), Choice::Flush(TaskId(1)), Choice::Step(TaskId(0))]);
    let l = Link { memory: Memory::Tso, choices: flush, ..link() };
    let text = l.encode();
    assert_eq!(text, "wq1/page-lock-killable/v4.13/timed/185/lockers=3,signals=1/AUEA/7/memory=tso");
    assert_eq!(Link::decode(&text).unwrap(), l);
    let sc = "wq1/page-lock-killable/v4.13/timed/185/lockers=3,signals=1/AYED/7";
    assert_eq!(Link::decode(&format!("{sc}/memory=sc")).unwrap(), link());
    assert_eq!(link().encode(), sc, "an sc link has no 9th part");
}

#[test]
fn broken_links_say_what_is_wrong() {
    let cases = [
        ("", "not a wqsim link"),
        ("garbage", "not a wqsim link"),
        ("wq9/a/b/random/1//AA/0", "version 'wq9' is not supported"),
        ("wq1/a/b/random/1", "5 parts where 8 or 9 were expected"),
        ("wq1/a/v/random/1///0/memory=arm", "unknown memory model 'arm' (sc, tso)"),
        ("wq1/a/v/random/1///0/tso", "the 9th part 'tso' is not memory=sc or memory=tso"),
        ("wq1/a/v/random/1//wA/0", "the choice byte 192 is both a signal and a flush"),
        ("wq1/a/v/random/1///0/memory=tso/x", "10 parts where 8 or 9 were expected"),
        ("wq1/a b/v/random/1///0", "the scenario 'a b' is not an id"),
        ("wq1/a/v/psychic/1///0", "unknown strategy 'psychic'"),
        ("wq1/a/v/random/-1///0", "the seed '-1' is not a whole number"),
        ("wq1/a/v/random/1/lockers//0", "'lockers' is not name=value"),
        ("wq1/a/v/random/1/lockers=x//0", "the value of 'lockers'"),
        ("wq1/a/v/random/1//!!!/0", "not valid base64url"),
        ("wq1/a/v/random/1//Dw/0", "names task 15"),
        ("wq1/a/v/random/1///x", "the step 'x'"),
    ];
    for (text, want) in cases {
        let err = Link::decode(text).unwrap_err().to_string();
        assert!(err.contains(want), "{text:?}: {err}");
    }
    let huge = format!("wq1/{}", "a".repeat(20_000));
    assert!(Link::decode(&huge)
        .unwrap_err()
        .to_string()
        .contains("share link length is 20004, over the limit of 16384"));
}

/// A link rebuilds the same run as the CLI: the same trace hash as `run::run`.
#[test]
fn a_link_rebuilds_the_exact_run() {
    use sim_core::recording::Recording;
    let link = Link::decode("wq1/pipe-splice/v5.8/random/3005//AQ/12").unwrap();
    let rec = Recording::from_link(&link).unwrap();
    let spec = rec.spec.clone();
    // The same as one hand-made step of W, then the random strategy with seed 3005.
    let mut world = sim_core::World::new(spec.clone());
    let mut strategy = sim_core::strategy::Replay::strict(
        Schedule(vec![Choice::Step(TaskId(1))]),
        Some(Box::new(sim_core::strategy::Random::new(3005))),
    );
    let outcome = sim_core::run::run(&mut world, &mut strategy, &mut ()).unwrap();
    assert_eq!((rec.trace_hash, rec.steps() as u32), (outcome.trace_hash, outcome.steps));
    assert_eq!(rec.worlds.len(), rec.events.len() + 1);
    assert_eq!(rec.worlds.last().unwrap().kernel, world.kernel);
    // A manual link stops where its choices end.
    let manual = Link::decode("wq1/check-then-sleep/naive/manual/0//AAEB/2").unwrap();
    let rec = Recording::from_link(&manual).unwrap();
    assert_eq!((rec.steps(), rec.verdict.is_none()), (3, true));
    // Past the end, or a choice that cannot happen: a clear error.
    let far = Link::decode("wq1/check-then-sleep/naive/manual/0//AAEB/9").unwrap();
    assert!(Recording::from_link(&far)
        .err()
        .unwrap()
        .to_string()
        .contains("step 9 is past the end of the run (3 steps)"));
    let bad = Link::decode("wq1/check-then-sleep/naive/manual/0//BQ/0").unwrap();
    assert!(Recording::from_link(&bad).is_err());
}

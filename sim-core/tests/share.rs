//! Share links round-trip, and every malformed link gets a clear error, never a panic.

use sim_core::kernel::memory::Memory;
use sim_core::share::{Link, ScenarioRef};
use sim_core::strategy::StrategyKind;
use sim_core::{Choice, Schedule, TaskId};

fn link() -> Link {
    Link {
        scenario: ScenarioRef::Id("page-lock-killable".into()),
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

/// Links made before links could carry a scenario (by the page and the CLI before c226e11) open the
/// same runs: the steps and trace hashes that a `wqsim replay` built before this change printed.
#[test]
fn links_made_before_open_the_same_runs() {
    use sim_core::recording::Recording;
    let old = [
        ("wq1/pipe-splice/v5.8/random/3005///19", 41, 0x9895bb4c646df6e2),
        ("wq1/page-lock-killable/v4.13/timed/185/lockers=3,signals=1/AYED/7", 24, 0x5955a7575c9a79f5),
        ("wq1/check-then-sleep/naive/manual/0//AAEB/2", 3, 0xc6f4be02424e9b8c),
        ("wq1/page-wake-bookmark/bookmark-head-order/random/4594///28", 28, 0x9cf538e29800f609),
        ("wq1/exclusive-event/777c6c5f1f6e/pct/7/lockers=3//0", 29, 0xa61b17192fafc08a),
        ("http://127.0.0.1:8080/?present#wq1/wait-woken/nested-sleep/random/11///5", 11, 0xfaf67c2fa9c40ec7),
    ];
    for (text, steps, hash) in old {
        let link = Link::decode(text).unwrap();
        assert!(matches!(link.scenario, ScenarioRef::Id(_)), "{text}");
        let rec = Recording::from_link(&link).unwrap();
        assert_eq!((rec.steps(), rec.trace_hash), (steps, hash), "{text}");
        assert_eq!(Link::decode(&link.encode()).unwrap(), link, "{text}");
    }
}

/// A scenario of one's own travels in the link: the link is short for a built-in file, carries
/// any other text, round-trips, and rebuilds the same run as the file itself.
#[test]
fn a_link_carries_a_scenario_that_is_not_built_in() {
    use sim_core::recording::Recording;
    use sim_core::{library, Scenario};
    let builtin = library::find("check-then-sleep").unwrap();
    assert_eq!(ScenarioRef::of(builtin), ScenarioRef::Id("check-then-sleep".into()));
    let text = builtin.text.replace("name = \"A\"", "name = \"Ann\"");
    let own = Scenario::parse(&text).unwrap();
    assert_eq!(ScenarioRef::of(&own), ScenarioRef::carry(&text));
    assert_eq!(ScenarioRef::of(&own).text().unwrap(), text);
    let link = Link { scenario: ScenarioRef::of(&own), variant: "naive".into(), seed: 2, step: 4, ..link() };
    let link = Link { strategy: StrategyKind::Random, params: vec![], choices: Schedule(vec![]), ..link };
    let encoded = link.encode();
    assert!(encoded.starts_with("wq1/~1."), "{encoded}");
    assert!(encoded.len() < text.len() * 2 / 3, "compressed: {} of {} bytes", encoded.len(), text.len());
    assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"/~.-_=,".contains(&b)), "URL-safe: {encoded}");
    let back = Link::decode(&encoded).unwrap();
    assert_eq!(back, link);
    let rec = Recording::from_link(&back).unwrap();
    assert_eq!(rec.spec.task_name(TaskId(0)), "Ann");
    let mut world = sim_core::World::new(own.spec(Some("naive"), &[]).unwrap());
    let outcome = sim_core::run::run(&mut world, &mut sim_core::strategy::Random::new(2), &mut ()).unwrap();
    assert_eq!((rec.trace_hash, rec.steps() as u32), (outcome.trace_hash, outcome.steps));
}

/// A carried scenario that is broken, of another form, or that inflates past the size of a
/// scenario file (a deflate bomb: 10 MB of zeros in a 14 KB link) is refused with one line
/// that says why, before anything large is allocated.
#[test]
fn hostile_carried_scenarios_are_refused() {
    use base64::Engine;
    use sim_core::recording::Recording;
    let pack = |bytes: &[u8]| {
        let packed = miniz_oxide::deflate::compress_to_vec(bytes, 10);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
    };
    let at = |packed: &str| format!("wq1/~1.{packed}/v/random/0///0");
    for (text, want) in [
        ("wq1/~2.AAAA/v/random/0///0".to_string(), "the carried scenario's form '~2' is not supported (this is ~1)"),
        ("wq1/~1.a+b/v/random/0///0".to_string(), "the carried scenario is not valid base64url"),
    ] {
        let e = Link::decode(&text).unwrap_err().to_string();
        assert!(e.contains(want), "{text}: {e}");
    }
    let bomb = at(&pack(&vec![0u8; 10_000_000]));
    assert!(bomb.len() <= sim_core::limits::MAX_LINK_CHARS, "{}", bomb.len());
    let cases = [
        (bomb, "inflates to more than 65536 bytes"),
        (at("A"), "the carried scenario is not valid base64url"),
        (at("AAAA"), "the carried scenario is not valid deflate data"),
        (at(&pack(&[0xff, 0xfe])), "not UTF-8"),
        // It unpacks, but the scenario in it does not compile: its diagnostics name the link's file.
        (at(&pack(b"id = \"x\"\n<script>alert(1)</script>")), "link.toml:2:"),
    ];
    for (text, want) in &cases {
        let link = Link::decode(text).unwrap();
        assert_eq!(Link::decode(&link.encode()).as_ref(), Ok(&link));
        let e = Recording::from_link(&link).err().unwrap().to_string();
        assert!(e.contains(want) && !e.contains('\n'), "{}: {e}", &text[..text.len().min(60)]);
    }
}

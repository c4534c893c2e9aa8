//! Share links round-trip, and every malformed link gets a clear error, never a panic.

use sim_core::share::Link;
use sim_core::strategy::StrategyKind;
use sim_core::{Choice, Schedule, TaskId};

fn link() -> Link {
    Link {
        scenario: "page-lock-killable".into(),
        variant: "v4.13".into(),
        strategy: StrategyKind::Timed,
        seed: 185,
        params: vec![("lockers".into(), 3), ("signals".into(), 1)],
        choices: Schedule(vec![Choice::Step(TaskId(1)), Choice::Signal(TaskId(1)), Choice::Step(TaskId(3))]),
        step: 7,
    }
}

#[test]
fn links_round_trip() {
    let l = link();
    let text = l.encode();
    assert_eq!(text, "wq1/page-lock-killable/v4.13/timed/185/lockers=3,signals=1/AYED/7");
    assert_eq!(Link::decode(&text).unwrap(), l);
    assert_eq!(Link::decode(&format!("http://127.0.0.1:8080/#{text}")).unwrap(), l);
    let plain = Link { params: vec![], choices: Schedule(vec![]), ..l };
    assert_eq!(Link::decode(&plain.encode()).unwrap(), plain);
}

#[test]
fn broken_links_say_what_is_wrong() {
    let cases = [
        ("", "not a wqsim link"),
        ("garbage", "not a wqsim link"),
        ("wq9/a/b/random/1//AA/0", "version 'wq9' is not supported"),
        ("wq1/a/b/random/1", "5 parts where 8 were expected"),
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

//! Every hard limit of `sim_core::limits`, hit just over the line: the error names the field,
//! the value and the limit, and the value at the limit is accepted.

use sim_core::limits::{
    MAX_DESCRIPTION_CHARS, MAX_ID_CHARS, MAX_LINK_CHARS, MAX_SCENARIO_BYTES, MAX_SCHEDULE_LEN, MAX_STEPS,
    MAX_TITLE_CHARS,
};
use sim_core::schedule::Schedule;
use sim_core::share::Link;
use sim_core::{library, Error, Scenario};

const PIPE: &str = include_str!("../../scenarios/pipe-splice.toml");

fn message(e: Error) -> String {
    let text = e.to_string();
    assert!(!text.contains('\n'), "not one line: {text}");
    text
}

fn with_line(key: &str, value: &str) -> String {
    PIPE.lines()
        .map(|l| if l.starts_with(&format!("{key} = ")) { format!("{key} = {value}") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn protocol_parameters_name_their_range() {
    // `signals` is also bounded by `lockers`, so it is tested with the most lockers.
    let cases = [
        ("pipe-splice", "capacity", 64, None),
        ("pipe-splice", "writes", 256, None),
        ("pipe-splice", "writers", 4, None),
        ("page-lock-killable", "lockers", 6, None),
        ("page-lock-killable", "signals", 6, Some(("lockers", 6))),
    ];
    for (scenario, param, max, with) in cases {
        let s = library::find(scenario).unwrap();
        let params = |v: i64| -> Vec<(String, i64)> {
            with.iter().map(|&(n, w)| (n.to_string(), w)).chain([(param.to_string(), v)]).collect()
        };
        s.spec(None, &params(max)).unwrap_or_else(|e| panic!("{param}={max} is allowed: {e}"));
        let e = message(s.spec(None, &params(max + 1)).unwrap_err());
        assert!(e.contains(param) && e.contains(&(max + 1).to_string()) && e.contains(&max.to_string()), "{e}");
    }
}

#[test]
fn tasks_are_limited_by_the_parameter_ranges() {
    // The largest settings build at most MAX_TASKS tasks.
    let page = library::find("page-lock-killable").unwrap();
    assert_eq!(page.spec(None, &[("lockers".into(), 6), ("signals".into(), 6)]).unwrap().tasks.len(), 7);
    let pipe = library::find("pipe-splice").unwrap();
    assert_eq!(pipe.spec(None, &[("writers".into(), 4)]).unwrap().tasks.len(), 5);
}

#[test]
fn step_limit_of_a_scenario_file() {
    let ok = format!("step_limit = {MAX_STEPS}\n{PIPE}");
    Scenario::parse(&ok).unwrap();
    let e = message(Scenario::parse(&format!("step_limit = {}\n{PIPE}", MAX_STEPS + 1)).unwrap_err());
    assert!(e.contains("step_limit") && e.contains(&MAX_STEPS.to_string()), "{e}");
}

#[test]
fn scenario_file_size_and_texts() {
    let huge = format!("{PIPE}\n#{}", "x".repeat(MAX_SCENARIO_BYTES));
    let e = message(Scenario::parse(&huge).unwrap_err());
    assert!(e.contains("scenario file size") && e.contains(&MAX_SCENARIO_BYTES.to_string()), "{e}");

    let e =
        message(Scenario::parse(&with_line("title", &format!("\"{}\"", "t".repeat(MAX_TITLE_CHARS + 1)))).unwrap_err());
    assert!(e.contains("title") && e.contains(&MAX_TITLE_CHARS.to_string()), "{e}");

    let (head, rest) = PIPE.split_once("description = \"\"\"").unwrap();
    let (_, tail) = rest.split_once("\"\"\"").unwrap();
    let text = format!("{head}description = \"{}\"{tail}", "d".repeat(MAX_DESCRIPTION_CHARS + 1));
    let e = message(Scenario::parse(&text).unwrap_err());
    assert!(e.contains("description") && e.contains(&MAX_DESCRIPTION_CHARS.to_string()), "{e}");

    let e = message(Scenario::parse(&with_line("id", &format!("\"{}\"", "a".repeat(MAX_ID_CHARS + 1)))).unwrap_err());
    assert!(e.contains(&MAX_ID_CHARS.to_string()), "{e}");
}

#[test]
fn schedule_length() {
    let spec = library::find("pipe-splice").unwrap().spec(None, &[]).unwrap();
    assert_eq!(Schedule::parse(&format!("R*{MAX_SCHEDULE_LEN}"), &spec).unwrap().0.len(), MAX_SCHEDULE_LEN);
    let e = message(Schedule::parse(&format!("R*{}", MAX_SCHEDULE_LEN + 1), &spec).unwrap_err());
    assert!(e.contains(&MAX_SCHEDULE_LEN.to_string()), "{e}");
    // Found by proptest: a count that wraps the length around (a panic in debug builds, and in
    // release a check passed and a repeat of 2^64 - 1 choices).
    let e = message(Schedule::parse(&format!("R R*{}", usize::MAX), &spec).unwrap_err());
    assert!(e.contains(&MAX_SCHEDULE_LEN.to_string()), "{e}");
}

#[test]
fn share_link_length() {
    let e = message(Link::decode(&format!("wq1/{}", "a".repeat(MAX_LINK_CHARS))).unwrap_err());
    assert!(e.contains("share link length") && e.contains(&MAX_LINK_CHARS.to_string()), "{e}");
}

//! Property tests: bad input never breaks wqsim. Share links round-trip and any text decodes to
//! a link or a one-line error; any schedule on any built-in scenario, variant and parameters
//! ends with a verdict (lenient) or a clean error (strict); a world restored from a snapshot
//! goes on exactly as before; any text parses to a valid scenario or a one-line error.
//!
//! Bounded so the file runs in seconds: small parameter values are favoured, schedules have at
//! most 300 choices. `PROPTEST_CASES=N` runs more cases.

use std::sync::Arc;

use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::Config;
use sim_core::lang::header::Bound;

use sim_core::kernel::memory::Memory;
use sim_core::recording::{Recording, Then};
use sim_core::schedule::Schedule;
use sim_core::share::{Link, ScenarioRef};
use sim_core::strategy::{Random, Replay, StrategyKind};
use sim_core::trace::TraceHash;
use sim_core::{library, run, Choice, Error, Scenario, Spec, TaskId, World};

// ---------------------------------------------------------------------------------------------
// Strategies

fn choice() -> impl Strategy<Value = Choice> {
    let kind = select(vec![Choice::Step as fn(TaskId) -> Choice, Choice::Signal, Choice::Flush]);
    (0u8..8, kind).prop_map(|(t, kind)| kind(TaskId(t)))
}

fn schedule() -> impl Strategy<Value = Vec<Choice>> {
    prop::collection::vec(choice(), 0..300)
}

/// Ids of the built-in scenarios, variants and parameters, or any id-like string.
fn id() -> impl Strategy<Value = String> {
    let mut known: Vec<String> = Vec::new();
    for s in library::scenarios() {
        known.push(s.id.clone());
        known.extend(s.variants.iter().map(|v| v.id.clone()));
        known.extend(s.params.iter().map(|p| p.name.clone()));
    }
    prop_oneof![select(known), "[A-Za-z0-9._-]{1,40}"]
}

/// Schedule text: task names (of some scenario, or none), signals, repeat counts of any size.
fn schedule_text() -> impl Strategy<Value = String> {
    let names = ["R", "W", "W1", "W4", "H", "T", "T1", "T6", "A", "B", "0", "1", "7", "8", "256", "-1", "", "x*"];
    let max = sim_core::limits::MAX_SCHEDULE_LEN;
    let count = prop_oneof![
        Just(String::new()),
        (0usize..5).prop_map(|n| format!("*{n}")),
        (max - 3..max + 3).prop_map(|n| format!("*{n}")),
        (usize::MAX - 3..=usize::MAX).prop_map(|n| format!("*{n}")),
        any::<u128>().prop_map(|n| format!("*{n}")),
    ];
    let token = (select(vec!["", "!", "~"]), select(names.to_vec()), count)
        .prop_map(|(kind, name, count)| format!("{kind}{name}{count}"));
    (prop::collection::vec(token, 0..6), select(vec![" ", ",", ", ", "\t"])).prop_map(|(t, sep)| t.join(sep))
}

fn link() -> impl Strategy<Value = Link> {
    // A built-in's id, or any text carried as a scenario file.
    let scenario = prop_oneof![id().prop_map(ScenarioRef::Id), ".{0,200}".prop_map(|t| ScenarioRef::carry(&t))];
    (
        (scenario, id(), select(StrategyKind::ALL.to_vec()), any::<bool>(), any::<u64>()),
        prop::collection::vec((id(), any::<i64>()), 0..4),
        schedule(),
        (any::<u32>(), select(Memory::ALL.to_vec())),
    )
        .prop_map(|((scenario, variant, strategy, manual, seed), params, choices, (step, memory))| Link {
            scenario,
            variant,
            // A manual link has no strategy; it decodes as `Random`.
            strategy: if manual { StrategyKind::Random } else { strategy },
            manual,
            seed,
            params,
            choices: Schedule(choices),
            step,
            memory,
        })
}

/// A built-in scenario, one of its variants, and parameter values in their ranges, small ones
/// favoured (a pipe of 256 writes per writer runs to the step limit, which is slow in bulk).
#[derive(Clone)]
struct Setup {
    scenario: &'static Scenario,
    variant: String,
    params: Vec<(String, i64)>,
}

impl std::fmt::Debug for Setup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {:?}", self.scenario.id, self.variant, self.params)
    }
}

impl Setup {
    fn spec(&self) -> Arc<Spec> {
        self.scenario
            .spec(Some(&self.variant), &self.params)
            .unwrap_or_else(|e| panic!("{} {} {:?}: {e}", self.scenario.id, self.variant, self.params))
    }
}

fn setup() -> impl Strategy<Value = Setup> {
    select(library::scenarios().iter().collect::<Vec<_>>()).prop_flat_map(|scenario| {
        let variants: Vec<String> = scenario.variants.iter().map(|v| v.id.clone()).collect();
        // A bound by another parameter (`signals` at most `lockers`) is applied after drawing.
        let bound = |b: &Bound| match b {
            Bound::Value(v) => *v,
            Bound::Param(_) => i64::MAX,
        };
        let values: Vec<_> = scenario
            .params
            .iter()
            .map(|def| {
                let (min, max) = (def.min, bound(&def.max).min(def.min + 8));
                prop_oneof![4 => min..=max.min(min + 3), 1 => min..=max]
            })
            .collect();
        (select(variants), values).prop_map(move |(variant, values)| {
            let mut params: Vec<(String, i64)> = scenario.params.iter().map(|d| d.name.clone()).zip(values).collect();
            for (i, def) in scenario.params.iter().enumerate() {
                if let Bound::Param(other) = &def.max {
                    let limit = params.iter().find(|(k, _)| k == other).map_or(0, |&(_, v)| v);
                    params[i].1 = params[i].1.min(limit);
                }
            }
            Setup { scenario, variant, params }
        })
    })
}

fn assert_one_line(e: &Error) {
    let text = e.to_string();
    assert!(!text.is_empty() && !text.contains('\n') && !text.contains('\r'), "not one line: {text:?}");
}

/// Apply `picks` to `world` (each an index into the enabled choices) until none is enabled;
/// returns the choices made.
fn apply_picks(world: &mut World, picks: &[Index], sink: &mut impl sim_core::effect::Sink) -> Vec<Choice> {
    let mut made = Vec::new();
    let mut choices = Vec::new();
    for pick in picks {
        world.choices(&mut choices);
        if choices.is_empty() {
            break;
        }
        let c = choices[pick.index(choices.len())];
        world.apply(c, sink).unwrap();
        made.push(c);
    }
    made
}

/// Edits of a text: what a hand (or a cat on the keyboard) does to a scenario file or a link.
#[derive(Clone, Debug)]
enum Edit {
    Truncate(Index),
    DeleteChar(Index),
    ReplaceChar(Index, char),
    InsertText(Index, String),
    DeleteLine(Index),
    DuplicateLine(Index),
    /// Replace what follows `=` on a line with a value.
    SetValue(Index, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let value = prop_oneof![
        any::<i64>().prop_map(|v| v.to_string()),
        any::<u64>().prop_map(|v| v.to_string()),
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("4294967296".to_string()),
        "\"[a-z0-9.-]{0,12}\"",
        "\"\\PC{0,12}\"",
        Just("true".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("\"\"\"".to_string()),
    ];
    prop_oneof![
        any::<Index>().prop_map(Edit::Truncate),
        any::<Index>().prop_map(Edit::DeleteChar),
        (any::<Index>(), any::<char>()).prop_map(|(i, c)| Edit::ReplaceChar(i, c)),
        (any::<Index>(), prop_oneof!["\\PC{0,8}", "[\\[\\]=\"\n/#,*!]{1,3}"]).prop_map(|(i, s)| Edit::InsertText(i, s)),
        any::<Index>().prop_map(Edit::DeleteLine),
        any::<Index>().prop_map(Edit::DuplicateLine),
        (any::<Index>(), value).prop_map(|(i, v)| Edit::SetValue(i, v)),
    ]
}

fn apply_edit(text: &str, edit: &Edit) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: &Index, n: usize| if n == 0 { 0 } else { i.index(n) };
    let lines: Vec<&str> = text.split('\n').collect();
    match edit {
        Edit::Truncate(i) => chars[..at(i, chars.len() + 1)].iter().collect(),
        Edit::DeleteChar(i) if !chars.is_empty() => {
            let i = at(i, chars.len());
            chars[..i].iter().chain(&chars[i + 1..]).collect()
        }
        Edit::ReplaceChar(i, c) if !chars.is_empty() => {
            let mut chars = chars;
            let i = at(i, chars.len());
            chars[i] = *c;
            chars.into_iter().collect()
        }
        Edit::InsertText(i, s) => {
            let i = at(i, chars.len() + 1);
            chars[..i].iter().copied().chain(s.chars()).chain(chars[i..].iter().copied()).collect()
        }
        Edit::DeleteLine(i) => {
            let i = at(i, lines.len());
            lines.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, l)| *l).collect::<Vec<_>>().join("\n")
        }
        Edit::DuplicateLine(i) => {
            let i = at(i, lines.len());
            let mut out: Vec<&str> = lines.clone();
            out.insert(i, lines[i]);
            out.join("\n")
        }
        Edit::SetValue(i, v) => {
            let with_value: Vec<usize> = (0..lines.len()).filter(|&j| lines[j].contains(" = ")).collect();
            if with_value.is_empty() {
                return text.to_string();
            }
            let j = with_value[at(i, with_value.len())];
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            let key = out[j].split(" = ").next().unwrap_or_default().to_string();
            out[j] = format!("{key} = {v}");
            out.join("\n")
        }
        Edit::DeleteChar(_) | Edit::ReplaceChar(..) => text.to_string(),
    }
}

/// Parse `text`; a scenario that parses must build every variant and run to a verdict.
fn check_scenario_text(text: &str) {
    match Scenario::parse(text) {
        Err(e) => assert_one_line(&e),
        Ok(s) => {
            for v in &s.variants {
                let spec = s.spec(Some(&v.id), &[]).unwrap_or_else(|e| panic!("a valid scenario fails to build: {e}"));
                let limit = spec.step_limit;
                let o = run::run(&mut World::new(spec), &mut Random::new(s.default_seed), &mut ()).unwrap();
                assert!(o.steps <= limit);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Share links

proptest! {
    #![proptest_config(Config { cases: 512, ..Config::default() })]

    #[test]
    fn links_round_trip(link in link()) {
        let text = link.encode();
        prop_assert_eq!(Link::decode(&text), Ok(link.clone()));
        prop_assert_eq!(Link::decode(&format!("http://127.0.0.1:8080/index.html#{text}")), Ok(link));
    }

    #[test]
    fn any_text_decodes_to_a_link_or_a_one_line_error(text in prop_oneof!["\\PC*", any::<String>(), "wq1/[^#]{0,80}"]) {
        if let Err(e) = Link::decode(&text) {
            assert_one_line(&e);
        }
    }

    #[test]
    fn an_edited_link_decodes_to_a_link_or_a_one_line_error(link in link(), edits in prop::collection::vec(edit(), 1..4)) {
        let text = edits.iter().fold(link.encode(), |t, e| apply_edit(&t, e));
        match Link::decode(&text) {
            Ok(decoded) => prop_assert_eq!(Link::decode(&decoded.encode()), Ok(decoded)),
            Err(e) => assert_one_line(&e),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Replay of any schedule

proptest! {
    #![proptest_config(Config { cases: 256, ..Config::default() })]

    #[test]
    fn any_schedule_replays_to_a_verdict_or_a_clean_error(
        setup in setup(),
        kind in select(StrategyKind::ALL.to_vec()),
        seed in any::<u64>(),
        schedule in schedule(),
    ) {
        let spec = setup.spec();
        let limit = spec.step_limit;
        let schedule = Schedule(schedule);

        let mut world = World::new(spec.clone());
        let then = Some(kind.build(seed, &world));
        let lenient = run::run(&mut world, &mut Replay::lenient(schedule.clone(), then), &mut ());
        let lenient = lenient.unwrap_or_else(|e| panic!("lenient replay: {e}"));
        prop_assert!(lenient.steps <= limit);

        match run::run(&mut World::new(spec.clone()), &mut Replay::strict(schedule.clone(), None), &mut ()) {
            Ok(o) => prop_assert!(o.steps <= limit && o.steps as usize <= schedule.0.len()),
            Err(e) => assert_one_line(&e),
        }
        // A recording of the same replay (the page's path) agrees with the run.
        let then = Then::Strategy { kind, seed, timing: Default::default() };
        let rec = Recording::record(spec.clone(), &schedule.0, true, then);
        let rec = rec.unwrap_or_else(|e| panic!("lenient recording: {e}"));
        prop_assert_eq!(rec.trace_hash, lenient.trace_hash);
        prop_assert_eq!(rec.steps(), lenient.steps as usize);
    }

    #[test]
    fn any_schedule_text_parses_or_fails_in_one_line(setup in setup(), text in prop_oneof!["\\PC{0,40}", schedule_text()]) {
        let spec = setup.spec();
        match Schedule::parse(&text, &spec) {
            Ok(s) => {
                prop_assert!(s.0.len() <= sim_core::limits::MAX_SCHEDULE_LEN);
                // Its text form reads back as the same schedule.
                prop_assert_eq!(Schedule::parse(&s.display(&spec), &spec), Ok(s));
            }
            Err(e) => assert_one_line(&e),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Snapshots

proptest! {
    #![proptest_config(Config { cases: 256, ..Config::default() })]

    /// Take k steps, snapshot, take more; the restored snapshot takes the same steps to the same
    /// kernel, oracle and trace hash. So does a fresh world given all the steps at once.
    #[test]
    fn a_restored_snapshot_goes_on_exactly_as_before(
        setup in setup(),
        before in prop::collection::vec(any::<Index>(), 0..80),
        after in prop::collection::vec(any::<Index>(), 0..80),
    ) {
        let spec = setup.spec();
        let mut world = World::new(spec.clone());
        let first = apply_picks(&mut world, &before, &mut ());
        let snapshot = world.clone();

        let (mut sink_a, mut sink_b) = ((), ());
        let mut hash_a = TraceHash::new(&mut sink_a);
        let rest = apply_picks(&mut world, &after, &mut hash_a);
        let hash_a = hash_a.finish();

        let mut restored = snapshot.clone();
        let mut hash_b = TraceHash::new(&mut sink_b);
        for &c in &rest {
            restored.apply(c, &mut hash_b).unwrap();
        }
        prop_assert_eq!(hash_b.finish(), hash_a);
        prop_assert_eq!(&restored.kernel, &world.kernel);
        prop_assert_eq!(&restored.oracle, &world.oracle);
        prop_assert_eq!(restored.steps, world.steps);
        prop_assert_eq!(restored.verdict(), world.verdict());

        let mut fresh = World::new(spec);
        for &c in first.iter().chain(&rest) {
            fresh.apply(c, &mut ()).unwrap();
        }
        prop_assert_eq!(&fresh.kernel, &world.kernel);
        prop_assert_eq!(&fresh.oracle, &world.oracle);
    }

    /// The page's step back, then forward: from the world before step i, the same choice gives
    /// the world after step i.
    #[test]
    fn step_back_then_forward_gives_the_same_world(setup in setup(), seed in any::<u64>(), at in any::<Index>()) {
        let spec = setup.spec();
        let then = Then::Strategy { kind: StrategyKind::Random, seed, timing: Default::default() };
        let rec = Recording::record(spec, &[], false, then).unwrap();
        prop_assume!(!rec.events.is_empty());
        let i = at.index(rec.events.len());
        let mut back = rec.worlds[i].clone();
        back.apply(rec.events[i].choice, &mut ()).unwrap();
        let next = &rec.worlds[i + 1];
        prop_assert_eq!(&back.kernel, &next.kernel);
        prop_assert_eq!(&back.oracle, &next.oracle);
        prop_assert_eq!(back.steps, next.steps);
    }
}

// ---------------------------------------------------------------------------------------------
// Scenario files

const FILES: [&str; 3] = [
    include_str!("../../scenarios/check-then-sleep.toml"),
    include_str!("../../scenarios/pipe-splice.toml"),
    include_str!("../../scenarios/page-lock-killable.toml"),
];

proptest! {
    #![proptest_config(Config { cases: 512, ..Config::default() })]

    #[test]
    fn any_text_parses_to_a_scenario_or_a_one_line_error(text in prop_oneof![
        "\\PC*",
        any::<String>(),
        "([a-z_]{1,8} = (\"[^\"]{0,8}\"|[0-9]{1,12})\n|\\[\\[?[a-z]{1,8}\\]\\]?\n){0,12}",
    ]) {
        check_scenario_text(&text);
    }

    #[test]
    fn an_edited_builtin_scenario_parses_or_fails_in_one_line(
        file in select(FILES.to_vec()),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let text = edits.iter().fold(file.to_string(), |t, e| apply_edit(&t, e));
        check_scenario_text(&text);
    }
}

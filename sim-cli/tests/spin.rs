//! SPIN agrees with wqsim: for every built-in scenario and variant at small sizes, the Promela of
//! `wqsim export promela`, verified by SPIN without its partial-order reduction, has exactly the
//! states of `wqsim explore --no-reduction`, and violates its assertion in exactly the end states
//! where wqsim finds a lost wakeup. Needs `spin` and `gcc` (scripts/setup installs them).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Sizes small enough for a few seconds of SPIN, with two writers and two or three lockers where
/// a scenario has them.
fn sizes(scenario: &str) -> &'static [&'static str] {
    match scenario {
        "pipe-splice" => &["--param", "writes=2", "--param", "writers=2", "--param", "capacity=1"],
        "page-wake-bookmark" => &["--param", "b_waiters=1"],
        "page-lock-killable" | "exclusive-starvation" | "exclusive-event" => &["--param", "signals=2"],
        _ => &[],
    }
}

fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): scripts/setup installs spin and gcc"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() || program.ends_with("pan"), "{program} {args:?} failed:\n{text}");
    text
}

/// A number SPIN prints before `label` (`18 states, stored`) or after it (`errors: 1`).
fn spin_number(report: &str, label: &str) -> u64 {
    let line = report.lines().find(|l| l.contains(label)).unwrap_or_else(|| panic!("no {label:?} in\n{report}"));
    let field = if label.ends_with(':') {
        line.split(label).nth(1).and_then(|s| s.split_whitespace().next())
    } else {
        line.split_whitespace().next()
    };
    field.and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("cannot read {label:?} in {line:?}"))
}

/// SPIN's (states, assertion violations) and wqsim's (states, lost-wakeup end states).
fn both(scenario: &str, variant: &str) -> ((u64, u64), (u64, u64)) {
    // Cargo's directory for integration tests' files, one subdirectory per case.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("spin-{scenario}-{variant}"));
    std::fs::create_dir_all(&dir).unwrap();
    let wqsim = env!("CARGO_BIN_EXE_wqsim");
    let target = [&[scenario, "--variant", variant][..], sizes(scenario)].concat();
    run(&dir, wqsim, &[&["export", "promela"][..], &target, &["-o", "model.pml"]].concat());
    run(&dir, "spin", &["-a", "model.pml"]);
    run(&dir, "gcc", &["-O0", "-w", "-DSAFETY", "-DNOREDUCE", "-o", "pan", "pan.c"]);
    // -c0: go on past assertion violations, counting them all.
    let report = run(&dir, "./pan", &["-m1000000", "-c0"]);
    assert!(!report.contains("Search not completed"), "{scenario} {variant}: SPIN stopped early:\n{report}");
    let spin = (spin_number(&report, "states, stored"), spin_number(&report, "errors:"));
    let json = run(&dir, wqsim, &[&["explore"][..], &target, &["--no-reduction", "--json"]].concat());
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["complete"], true, "{scenario} {variant}");
    let ours = (v["states"].as_u64().unwrap(), v["ends"]["lost_wakeup"].as_u64().unwrap());
    (spin, ours)
}

#[test]
fn spin_finds_the_states_and_the_lost_wakeups_wqsim_finds() {
    let cases: Vec<(String, String)> = sim_core::library::scenarios()
        .iter()
        .flat_map(|s| s.variants.iter().map(move |v| (s.id.clone(), v.id.clone())))
        .collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let results: Vec<_> = std::thread::scope(|scope| {
        let chunks: Vec<_> = cases.chunks(cases.len().div_ceil(workers)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.iter().map(|(s, v)| (s, v, both(s, v))).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut lost = 0;
    for (scenario, variant, (spin, ours)) in results {
        assert_eq!(spin, ours, "{scenario} {variant}: SPIN (states, violations) vs wqsim (states, lost wakeups)");
        lost += u64::from(ours.1 > 0);
    }
    // The buggy variants are in the comparison: an export whose assertion never fires would
    // agree with every fix and prove nothing about the bugs.
    assert!(lost >= 7, "only {lost} variants lose a wakeup");
}

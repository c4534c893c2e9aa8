//! `wqsim sweep`, `merge` and `plot`: deterministic whatever the threads, equal to `wqsim run`
//! seed by seed, shards that merge to the whole, clear errors, plots, and Ctrl-C.

use std::process::{Command, Output, Stdio};

fn wqsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wqsim")).args(args).output().unwrap()
}

/// A file in Cargo's directory for integration tests' files (under `target/`): each run writes
/// the same names again, so nothing piles up in the system's temporary directory.
fn tmp(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("sweep");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name).to_string_lossy().into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn results_do_not_depend_on_threads_and_match_wqsim_run() {
    let (a, b) = (tmp("jobs1.jsonl"), tmp("jobs2.jsonl"));
    let s1 = json(&wqsim(&["sweep", "pipe-splice", "--seeds", "2990..3010", "--jobs", "1", "--out", &a, "--json"]));
    let s2 = json(&wqsim(&["sweep", "pipe-splice", "--seeds", "2990..3010", "--jobs", "2", "--out", &b, "--json"]));
    assert_eq!(std::fs::read_to_string(&a).unwrap(), std::fs::read_to_string(&b).unwrap());
    assert_eq!(s1["groups"], s2["groups"]);
    assert_eq!(s2["groups"][0]["first_failing"][0]["seed"], 3005);
    // Each line is what `wqsim run` gives for that seed.
    for line in std::fs::read_to_string(&a).unwrap().lines().step_by(7) {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        let seed = r["seed"].to_string();
        let run = json(&wqsim(&["run", "pipe-splice", "--seed", &seed, "--json"]));
        assert_eq!(
            (&r["trace_hash"], &r["steps"], &r["verdict"]),
            (&run["trace_hash"], &run["steps"], &run["verdict"]["kind"])
        );
    }
}

#[test]
fn shards_merge_to_the_unsharded_summary() {
    let whole = json(&wqsim(&["sweep", "page-lock-killable", "--all-variants", "--seeds", "0..3001", "--json"]));
    let files: Vec<String> = (0..3).map(|i| tmp(&format!("shard{i}.jsonl"))).collect();
    for (i, f) in files.iter().enumerate() {
        let shard = format!("{i}/3");
        json(&wqsim(&[
            "sweep",
            "page-lock-killable",
            "--all-variants",
            "--seeds",
            "0..3001",
            "--shard",
            &shard,
            "--out",
            f,
            "--json",
        ]));
    }
    let mut args = vec!["merge", "--json"];
    args.extend(files.iter().map(String::as_str));
    let merged = json(&wqsim(&args));
    assert_eq!(merged["groups"], whole["groups"]);
    let seeds: u64 = whole["groups"].as_array().unwrap().iter().map(|g| g["seeds"].as_u64().unwrap()).sum();
    assert_eq!(seeds, 3 * 3001);
}

#[test]
fn a_parameter_grid_runs_every_combination_and_plots() {
    let (svg, png, out) = (tmp("grid.svg"), tmp("grid.png"), tmp("grid.jsonl"));
    let s = json(&wqsim(&[
        "sweep",
        "page-lock-killable",
        "--variant",
        "v4.13",
        "--seeds",
        "0..2000",
        "--param",
        "lockers=2,3",
        "--param",
        "signals=0,1",
        "--out",
        &out,
        "--plot",
        &svg,
        "--json",
    ]));
    let groups = s["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 4);
    // The 4.13 race needs a fatal signal: none without one, some with one.
    for g in groups {
        let lost = g["verdicts"]["lost_wakeup"].as_u64().unwrap();
        let signals = g["params"].as_str().unwrap().contains("signals=1");
        assert_eq!(lost > 0, signals, "{g}");
    }
    let ci = &groups[0]["ci95"];
    assert!(ci[0].as_f64().unwrap() <= groups[0]["hit_rate"].as_f64().unwrap());
    assert!(std::fs::read_to_string(&svg).unwrap().contains("lost-wakeup rate against lockers"));
    let o = wqsim(&["plot", &out, "--out", &png]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["sweep", "pipe-splice", "--seeds", "10..5"], "the range 10..5 is empty"),
        (&["sweep", "pipe-splice", "--seeds", "ten"], "'ten' is not a range"),
        (&["sweep", "pipe-splice", "--seeds", "0..9", "--shard", "3/2"], "shard 3/2 does not exist"),
        (&["sweep", "pipe-splice", "--seeds", "0..9", "--param", "colour=1,2"], "unknown parameter 'colour'"),
        (&["sweep", "pipe-splice", "--seeds", "0..9", "--param", "capacity=1,999"], "out of range 1 to 64"),
        (
            &["sweep", "pipe-splice", "--seeds", "0..9", "--out", "/no/such/dir/x.jsonl"],
            "cannot write /no/such/dir/x.jsonl",
        ),
        (&["sweep", "pipe-splice", "--seeds", "0..9", "--plot", "x.gif"], "must end in .svg or .png"),
        (&["merge", "/no/such/file.jsonl"], "cannot read /no/such/file.jsonl"),
    ];
    for (args, want) in cases {
        let o = wqsim(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: expected {want:?} in {err}");
    }
    let bad = tmp("bad.jsonl");
    std::fs::write(&bad, "{\"seed\": 1}\n").unwrap();
    let o = wqsim(&["merge", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.jsonl:1:"));
}

/// Ctrl-C stops at a chunk boundary: the output is valid JSON lines for the seeds done so far.
#[test]
fn an_interrupted_sweep_leaves_valid_json_lines() {
    let out = tmp("interrupted.jsonl");
    let child = Command::new(env!("CARGO_BIN_EXE_wqsim"))
        .args(["sweep", "pipe-splice", "--all-variants", "--seeds", "0..100000000", "--out", &out, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "128 + SIGINT");
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["run"]["interrupted"], true);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!lines.is_empty() && text.ends_with('\n'));
    assert_eq!(lines.len() as u64, summary["run"]["seeds"].as_u64().unwrap());
}

/// An `--out` file that will pass 1 GB is announced on stderr, in one line, before the sweep
/// starts; the sweep still runs (a script that means it is not stopped). A small one says nothing.
#[test]
fn a_sweep_says_before_it_starts_when_its_out_file_will_pass_a_gigabyte() {
    use std::io::{BufRead, BufReader};
    let out = tmp("huge.jsonl");
    // 4 variants × 10^8 seeds × about 200 bytes: some 80 GB. Read the warning, then Ctrl-C.
    let mut child = Command::new(env!("CARGO_BIN_EXE_wqsim"))
        .args(["sweep", "pipe-splice", "--all-variants", "--seeds", "0..100000000", "--out", &out, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    // Kept open until the end: the sweep's last words go to stderr too.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    stderr.read_line(&mut line).unwrap();
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let o = child.wait_with_output().unwrap();
    drop(stderr);
    assert_eq!(o.status.code(), Some(130), "it ran until stopped");
    assert!(line.starts_with(&format!("wqsim: warning: --out {out} will be about ")), "{line}");
    let gb: f64 = line.split("will be about ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!((70.0..90.0).contains(&gb) && line.contains(" GB (100,000,000 seeds × "), "{line}");
    assert!(line.contains("--shard"), "it says how to avoid it: {line}");
    let o = wqsim(&["sweep", "pipe-splice", "--all-variants", "--seeds", "0..1000", "--out", &tmp("small.jsonl")]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning"), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The plot's legend lists swept values in numeric order (150 before 1000), with the parameters
/// every group shares said once under the title, and the SVG names the font it was laid out with.
#[test]
fn plot_legends_follow_the_numbers() {
    let svg = tmp("delays.svg");
    let o = wqsim(&[
        "sweep",
        "pipe-splice",
        "--strategy",
        "timed",
        "--seeds",
        "0..5000",
        "--param",
        "timed.delay_per_mille=300,150,1000",
        "--plot",
        &svg,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&svg).unwrap();
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} not in the plot"));
    let (d150, d300, d1000) = (
        at("\ntimed.delay_per_mille=150\n"),
        at("\ntimed.delay_per_mille=300\n"),
        at("\ntimed.delay_per_mille=1000\n"),
    );
    assert!(d150 < d300 && d300 < d1000);
    assert!(text.contains("capacity=2"), "the shared parameters, once");
    assert!(!text.contains("\n2.0\n") && !text.contains("\n10.0\n"), "counts are whole numbers");
}

/// A timing parameter of the timed strategy is swept like a scenario parameter: without delays
/// the pipe's window never opens; with many it does, and each failing seed replays with `run`.
#[test]
fn timing_parameters_change_the_odds_and_replay() {
    let s = json(&wqsim(&[
        "sweep",
        "pipe-splice",
        "--strategy",
        "timed",
        "--seeds",
        "0..20000",
        "--param",
        "timed.delay_per_mille=0,300",
        "--json",
    ]));
    let groups = s["groups"].as_array().unwrap();
    let lost = |i: usize| groups[i]["verdicts"]["lost_wakeup"].as_u64().unwrap();
    assert!(groups[0]["params"].as_str().unwrap().contains("timed.delay_per_mille=0"));
    assert_eq!(lost(0), 0);
    assert!(lost(1) > 10, "{}", lost(1));
    let command = groups[1]["first_failing"][0]["command"].as_str().unwrap().to_string();
    let args: Vec<&str> = command.split_whitespace().skip(1).chain(["--json"]).collect();
    assert_eq!(json(&wqsim(&args))["verdict"]["kind"], "lost_wakeup", "{command}");
    let o = wqsim(&["sweep", "pipe-splice", "--seeds", "0..9", "--param", "timed.jitter_pct=5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is for --strategy timed, not random"));
}

/// A timed sweep measures the race window of each hit: the summary gives their widths, each
/// failing seed's JSON line its own, and `wqsim run` of that seed the same window.
#[test]
fn a_timed_sweep_tallies_the_race_windows_of_its_hits() {
    let out = tmp("windows.jsonl");
    let s = json(&wqsim(&[
        "sweep",
        "pipe-splice",
        "--strategy",
        "timed",
        "--seeds",
        "0..3000",
        "--param",
        "timed.delay_per_mille=300",
        "--out",
        &out,
        "--json",
    ]));
    let g = &s["groups"][0];
    let hits = g["verdicts"]["lost_wakeup"].as_u64().unwrap();
    assert!(hits > 0);
    assert_eq!(g["window_ns"]["measured"].as_u64(), Some(hits), "every pipe hit has a window: {g}");
    let (min, median, max) = (
        g["window_ns"]["min"].as_u64().unwrap(),
        g["window_ns"]["median"].as_u64().unwrap(),
        g["window_ns"]["max"].as_u64().unwrap(),
    );
    assert!(min <= median && median <= max, "{g}");
    let lines = std::fs::read_to_string(&out).unwrap();
    let hit: serde_json::Value = lines
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|r| r["verdict"] == "lost_wakeup")
        .unwrap();
    assert!(lines.lines().filter(|l| l.contains("\"finished\"")).all(|l| !l.contains("window_ns")));
    let seed = hit["seed"].as_u64().unwrap().to_string();
    let run = json(&wqsim(&[
        "run",
        "pipe-splice",
        "--strategy",
        "timed",
        "--seed",
        &seed,
        "--param",
        "timed.delay_per_mille=300",
        "--json",
    ]));
    assert_eq!(run["race_window"]["width_ns"], hit["window_ns"]);
    // The text summary lists them too; merge keeps them.
    let merged = json(&wqsim(&["merge", &out, "--json"]));
    assert_eq!(merged["groups"][0]["window_ns"], g["window_ns"]);
    // A sweep of another strategy measures none.
    let r = json(&wqsim(&["sweep", "pipe-splice", "--seeds", "3000..3010", "--json"]));
    assert!(r["groups"][0].get("window_ns").is_none());
}

/// Issue 12: the hold of the hashed page queue's lock against the entries queued on it: it grows
/// with b_waiters without the bookmark and stays at walk_break + 1 with it, and the plot draws it
/// in a row of its own.
#[test]
fn the_plot_draws_the_queue_lock_hold_against_the_swept_parameter() {
    let (svg, png) = (tmp("hold.svg"), tmp("hold.png"));
    let s = json(&wqsim(&[
        "sweep",
        "page-wake-bookmark",
        "--all-variants",
        "--seeds",
        "0..100",
        "--param",
        "b_waiters=0,2,4",
        "--plot",
        &svg,
        "--json",
    ]));
    let hold = |variant: &str, b: u64| {
        let g = s["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["variant"] == variant && g["params"].as_str().unwrap().contains(&format!("b_waiters={b}")));
        g.unwrap()["queue_lock_max_hold"].as_u64().unwrap()
    };
    // walk_break=1: a bookmarked walk calls walk_break + 1 = 2 wake functions per hold at most.
    for b in [0, 2, 4] {
        assert_eq!(hold("v4.14-bookmark", b), 2);
        assert_eq!(hold("bookmark-head-order", b), 2);
        // At most HA's walk over W, L and every B entry, in one hold.
        assert!(hold("v4.13", b) <= 2 + b);
    }
    assert!(hold("v4.13", 0) < hold("v4.13", 2) && hold("v4.13", 2) < hold("v4.13", 4), "it grows without a bookmark");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("longest hold of a queue") && text.contains("lock against b_waiters"));
    assert!(text.contains("WAITQUEUE_WALK_BREAK_CNT"), "the subtitle says why the bookmark keeps it flat");
    // Nothing swept: one hold per variant, no row for it.
    let o = wqsim(&["sweep", "page-wake-bookmark", "--all-variants", "--seeds", "0..50", "--plot", &png]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let o = wqsim(&["sweep", "page-wake-bookmark", "--all-variants", "--seeds", "0..50", "--plot", &svg]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!std::fs::read_to_string(&svg).unwrap().contains("longest hold"));
}

//! `wqsim` as a user runs it: output, JSON contract, and one-line errors with exit code 2.

use std::process::{Command, Output};

fn wqsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wqsim")).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit code 2 and one line on stderr that contains `needle`.
fn assert_error(args: &[&str], needle: &str) {
    let o = wqsim(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: expected {needle:?} in {err:?}");
    assert!(o.stdout.is_empty(), "{args:?} printed to stdout");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

#[test]
fn list_names_every_scenario_and_variant() {
    let out = stdout(&wqsim(&["list"]));
    for id in ["check-then-sleep", "pipe-splice", "page-lock-killable"] {
        assert!(out.contains(id), "{out}");
    }
    for v in ["v5.8", "v5.9", "josef-set-state-once", "v5.4-single-queue", "v4.13", "a8b169afbf06", "v5.8-handoff"] {
        assert!(out.contains(&format!("--variant {v} ")), "{v} missing from {out}");
    }
}

#[test]
fn run_prints_trace_lines_and_the_verdict() {
    let o = wqsim(&["run", "pipe-splice", "--variant", "v5.8", "--schedule", "W*6 R*11 W R*3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("CPU0  R     pipe_wait                 prepare_to_wait(&pipe->rd_wait"), "{out}");
    assert!(out.contains("verdict: LOST WAKEUP: R sleeps forever (lost at step 21)"), "{out}");
    assert!(out.contains("replay: wqsim run pipe-splice --variant v5.8 --schedule \"W*6 R*11 W R*3"), "{out}");
}

#[test]
fn json_has_the_contracted_fields() {
    let o = wqsim(&["run", "page-lock-killable", "--variant", "v4.13", "--seed", "185", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["scenario"], "page-lock-killable");
    assert_eq!(v["variant"], "v4.13");
    assert_eq!(v["seed"], 185);
    assert_eq!(v["verdict"]["kind"], "lost_wakeup");
    assert_eq!(v["verdict"]["waiter"], "T2");
    assert!(v["steps"].as_u64().unwrap() > 0);
    assert_eq!(v["trace_hash"].as_str().unwrap().len(), 16);
    assert_eq!(v["trace"].as_array().unwrap().len() as u64, v["steps"].as_u64().unwrap());
}

#[test]
fn the_printed_schedule_replays_the_same_run() {
    let first: serde_json::Value = serde_json::from_str(&stdout(&wqsim(&[
        "run",
        "pipe-splice",
        "--strategy",
        "timed",
        "--seed",
        "3300",
        "--json",
    ])))
    .unwrap();
    let schedule = first["schedule"].as_str().unwrap();
    let again: serde_json::Value =
        serde_json::from_str(&stdout(&wqsim(&["run", "pipe-splice", "--schedule", schedule, "--json"]))).unwrap();
    assert_eq!(first["trace_hash"], again["trace_hash"]);
    assert_eq!(first["verdict"], again["verdict"]);
}

#[test]
fn params_override_the_scenario() {
    let o = wqsim(&["run", "page-lock-killable", "--param", "lockers=3", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["params"]["lockers"], 3);
}

#[test]
fn a_scenario_file_runs_by_path() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/check-then-sleep.toml");
    let o = wqsim(&["run", path, "--schedule", "A B*2 A*2"]);
    assert!(stdout(&o).contains("LOST WAKEUP: A sleeps forever"), "{}", stdout(&o));
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    assert_error(&["run", "no-such-scenario"], "unknown scenario 'no-such-scenario' (known: check-then-sleep");
    assert_error(&["run", "pipe-splice", "--variant", "v9.9"], "unknown variant 'v9.9' of scenario 'pipe-splice'");
    assert_error(
        &["run", "page-lock-killable", "--param", "lockers=99"],
        "parameter 'lockers' = 99 is out of range 2 to 6",
    );
    assert_error(
        &["run", "page-lock-killable", "--param", "signals=3"],
        "parameter 'signals' = 3 is out of range 0 to 2",
    );
    assert_error(&["run", "pipe-splice", "--param", "colour=3"], "unknown parameter 'colour'");
    assert_error(&["run", "pipe-splice", "--param", "capacity"], "'capacity' is not NAME=VALUE");
    assert_error(&["run", "pipe-splice", "--strategy", "psychic"], "unknown strategy 'psychic'");
    assert_error(&["run", "pipe-splice", "--schedule", "R X"], "token 2 'X': no task of that name (tasks: R, W)");
    assert_error(&["run", "pipe-splice", "--schedule", "R*7 R"], "step 8: a step of R cannot happen now: R is asleep");
    assert_error(&["run", "pipe-splice", "--seed", "-1"], "-1");
    assert_error(&["run", "/no/such/file.toml"], "cannot read /no/such/file.toml");
}

#[test]
fn malformed_scenario_files_are_reported() {
    let dir = std::env::temp_dir().join(format!("wqsim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, body: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p.to_string_lossy().into_owned()
    };
    let good =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/check-then-sleep.toml")).unwrap();
    let not = write("not.toml", b"this is [not toml");
    assert_error(&["run", &not], &format!("{not}:1:6"));
    assert_error(&["run", &not], "key with no value");
    assert_error(&["run", &write("bytes.toml", &[0xff, 0xfe, 0x00, 0x80])], "is not UTF-8 text");
    // A mistake in the C: its place, the line, and a suggestion.
    let typo = write("typo.toml", good.replace("wake_up(&wq);", "wake_upp(&wq);").as_bytes());
    let line = good.lines().position(|l| l.contains("wake_up(&wq);")).unwrap() + 1;
    assert_error(&["run", &typo], &format!("{typo}:{line}:2"));
    assert_error(&["run", &typo], "unknown function `wake_upp`");
    assert_error(&["run", &typo], "did you mean `wake_up`?");
    assert_error(&["run", &write("extra.toml", format!("{good}\ncolour = 1\n").as_bytes())], "unknown field `colour`");
    assert_error(
        &["run", &write("big.toml", &[b'#'; 70_000])],
        "scenario file size in bytes is 70000, over the limit of 65536",
    );
    // A title with HTML is only text: the terminal prints it as it is.
    let html = good.replace("title = \"Check, then sleep", "title = \"<script>alert(1)</script> Check");
    assert!(
        stdout(&wqsim(&["run", &write("html.toml", html.as_bytes())])).starts_with("<script>alert(1)</script> Check")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn check_summarises_good_files_and_shows_every_mistake_of_a_bad_one() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let files: Vec<String> = ["check-then-sleep", "pipe-splice", "page-lock-killable"]
        .iter()
        .map(|id| format!("{root}/scenarios/{id}.toml"))
        .collect();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let o = wqsim(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.contains(
        "pipe-splice.toml: ok: 2 roles (R splice-reader, W pipe-writer x writers), 4 variants (v5.8, v5.9, josef-set-state-once, v5.4-single-queue)"
    ), "{out}");

    // What the oracle checks at each schedule().
    let o = wqsim(&["check", &files[0], "--waits"]);
    let out = stdout(&o);
    assert!(out.contains("A waiter(), schedule(); at line"), "{out}");
    assert!(out.contains(": condition"), "{out}");

    // Three mistakes, all reported, each at its line and column; then a syntax error, which
    // is reported alone (what the parser skipped would only be reported missing again).
    let dir = std::env::temp_dir().join(format!("wqsim-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    let text = std::fs::read_to_string(&files[0])
        .unwrap()
        .replace("while (!condition) {", "while (!conditon) {")
        .replace(
            "prepare_to_wait(&wq, &wait, TASK_INTERRUPTIBLE);\n\t\tschedule();",
            "prepare_to_wiat(&wq, &wait, TASK_INTERRUPTIBLE);\n\t\tschedule();",
        )
        .replace("run = \"waker\"", "run = \"wakr\"");
    std::fs::write(&bad, &text).unwrap();
    let bad = bad.to_string_lossy().into_owned();
    let o = wqsim(&["check", &bad]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    // The line of `needle` in the C (the header's texts quote code too).
    let source = text.lines().position(|l| l == "[source]").unwrap();
    let at = |needle: &str| text.lines().skip(source).position(|l| l.contains(needle)).unwrap() + source + 1;
    for (message, place) in [
        (
            "no function `wakr` in the source to run",
            format!("{bad}:{}:7", text.lines().position(|l| l == "run = \"wakr\"").unwrap() + 1),
        ),
        ("`conditon` is not declared", format!("{bad}:{}:10", at("while (!conditon)"))),
        ("unknown function `prepare_to_wiat`", format!("{bad}:{}:3", at("prepare_to_wiat"))),
    ] {
        let i = err.find(message).unwrap_or_else(|| panic!("{message} not in {err}"));
        assert!(err[i..].contains(&place), "{message} at {place}: {err}");
    }
    assert!(err.contains("did you mean `prepare_to_wait`?") && err.contains("did you mean `condition`?"), "{err}");

    let text = text.replace("\t\tschedule();", "\t\tschedule()");
    std::fs::write(&bad, &text).unwrap();
    let o = wqsim(&["check", &bad]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let line = text.lines().position(|l| l == "\t\tschedule()").unwrap() + 1;
    assert!(err.contains("expected `;` after the statement"), "{err}");
    assert!(err.contains(&format!("{bad}:{line}:13")), "{err}");
    assert!(!err.contains("unknown function") && !err.contains("not declared"), "syntax errors only: {err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_runs_and_lists_like_a_built_in() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let file = format!("{root}/scenarios/pipe-splice.toml");
    let by_file = stdout(&wqsim(&["run", &file, "--seed", "3005", "--json"]));
    let by_id = stdout(&wqsim(&["run", "pipe-splice", "--seed", "3005", "--json"]));
    let hash = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["trace_hash"].clone();
    assert_eq!(hash(&by_file), hash(&by_id));
    let listed = stdout(&wqsim(&["list", "--path", &format!("{root}/scenarios")]));
    assert!(listed.contains("page-lock-killable.toml  Page lock"), "{listed}");
}

#[test]
fn explore_proves_a_fix_and_finds_the_shortest_race() {
    let o = wqsim(&["explore", "pipe-splice", "--variant", "v5.9", "--param", "writes=3", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["complete"], true);
    assert_eq!(v["verdict"]["kind"], "finished");
    assert!(v["states"].as_u64().unwrap() > 100);
    assert!(v["counterexample"].is_null());

    let o = wqsim(&["explore", "pipe-splice", "--variant", "v5.8", "--param", "writes=3", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["complete"], true);
    assert_eq!(v["verdict"]["kind"], "lost_wakeup");
    assert_eq!(v["counterexample"]["schedule"], "W*6 R*11 W R*3 W*13");
    assert_eq!(v["counterexample"]["shortest"], true);

    let text = stdout(&wqsim(&["explore", "check-then-sleep"]));
    assert!(text.contains("complete: every reachable state was explored"), "{text}");
    assert!(text.contains("shortest counterexample (5 steps): A B*2 A*2"), "{text}");
}

#[test]
fn explore_at_its_limits_says_incomplete() {
    let o = wqsim(&["explore", "page-lock-killable", "--variant", "v5.8-handoff", "--max-states", "50", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["complete"], false);
    let text = stdout(&wqsim(&["explore", "page-lock-killable", "--max-states", "50"]));
    assert!(text.contains("INCOMPLETE: explored"), "{text}");
}

/// `--jobs` and `--bitstate` are in the JSON; a bitstate search says how likely it is complete.
#[test]
fn explore_on_threads_and_in_bits() {
    let args = ["explore", "page-lock-killable", "--variant", "v4.13", "--param", "lockers=3", "--json"];
    let one: serde_json::Value =
        serde_json::from_str(&stdout(&wqsim(&[&args[..], &["--jobs", "1"]].concat()))).unwrap();
    let two: serde_json::Value =
        serde_json::from_str(&stdout(&wqsim(&[&args[..], &["--jobs", "2"]].concat()))).unwrap();
    assert_eq!((&one["jobs"], &two["jobs"]), (&serde_json::json!(1), &serde_json::json!(2)));
    assert_eq!(one["ends"], two["ends"]);
    assert_eq!(one["counterexample"]["schedule"], two["counterexample"]["schedule"], "the shortest, either way");
    assert!(one["bitstate"].is_null());

    let bits: serde_json::Value =
        serde_json::from_str(&stdout(&wqsim(&[&args[..], &["--bitstate", "16MiB"]].concat()))).unwrap();
    assert_eq!(bits["complete"], true);
    assert_eq!(bits["bitstate"]["bytes"], 16 << 20);
    assert!(bits["bitstate"]["expected_omissions"].as_f64().unwrap() < 1e-4, "{}", bits["bitstate"]);
    assert_eq!(bits["verdict"]["kind"], "lost_wakeup");
    let text = stdout(&wqsim(&["explore", "check-then-sleep", "--bitstate", "1MiB"]));
    assert!(text.contains("complete, with a probability (bitstate: 3 bits per state in 1.0 MiB)"), "{text}");
    assert_error(&["explore", "check-then-sleep", "--jobs", "0"], "--jobs");
}

#[test]
fn shrink_keeps_the_failure_with_fewer_preemptions() {
    let o = wqsim(&["shrink", "pipe-splice", "--seed", "3005", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["run"]["verdict"]["kind"], "lost_wakeup");
    assert!(v["shrunk"]["steps"].as_u64() <= v["original"]["steps"].as_u64());
    assert!(v["shrunk"]["preemptions"].as_u64() < v["original"]["preemptions"].as_u64());
    // The shortest race at these parameters (`wqsim explore pipe-splice`).
    assert_eq!(v["shrunk"]["steps"], 41);
    assert_error(&["shrink", "pipe-splice", "--variant", "v5.9"], "does not lose a wakeup");
}

#[test]
fn replay_rebuilds_the_run_of_a_link_with_the_same_hash() {
    let run: serde_json::Value = serde_json::from_str(&stdout(&wqsim(&["run", "pipe-splice", "--json"]))).unwrap();
    let o = wqsim(&["replay", "http://127.0.0.1:8080/#wq1/pipe-splice/v5.8/random/3005///19", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["trace_hash"], run["trace_hash"]);
    assert_eq!(v["verdict"]["kind"], "lost_wakeup");
    assert_eq!(v["step"], 19);
    // `wqsim run` prints the link that `replay` (and the page) opens.
    assert_eq!(run["link"], "#wq1/pipe-splice/v5.8/random/3005///41");
    let again: serde_json::Value =
        serde_json::from_str(&stdout(&wqsim(&["replay", run["link"].as_str().unwrap(), "--json"]))).unwrap();
    assert_eq!(again["trace_hash"], run["trace_hash"]);
    let text = stdout(&wqsim(&["replay", "#wq1/check-then-sleep/naive/manual/0//AAEBAAA/5"]));
    assert!(text.contains("LOST WAKEUP: A sleeps forever"), "{text}");
    for (link, want) in [
        ("garbage", "not a wqsim link"),
        ("#wq9/a/b/random/1///0", "version 'wq9' is not supported"),
        ("#wq1/no-such/v/random/1///0", "unknown scenario 'no-such'"),
        ("#wq1/pipe-splice/v5.8/random/3005///9999", "step 9999 is past the end of the run"),
    ] {
        assert_error(&["replay", link], want);
    }
    assert_error(
        &["replay", &format!("#wq1/{}", "x".repeat(20_000))],
        "share link length is 20005, over the limit of 16384",
    );
}

/// A timed run's JSON gives every step its virtual start and end, and the lost wakeup its race
/// window; the text trace has a time column. Other strategies have neither times nor column.
#[test]
fn a_timed_run_carries_virtual_time_and_its_race_window() {
    let args = ["run", "pipe-splice", "--strategy", "timed", "--seed", "51", "--param", "timed.delay_per_mille=300"];
    let o = wqsim(&[&args[..], &["--json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let trace = v["trace"].as_array().unwrap();
    assert!(trace.iter().all(|s| s["start_ns"].as_u64().unwrap() <= s["end_ns"].as_u64().unwrap()));
    assert_eq!(v["verdict"]["kind"], "lost_wakeup");
    let w = &v["race_window"];
    assert_eq!((w["kind"].as_str(), w["task"].as_str()), (Some("rearmed"), Some("R")));
    assert_eq!(
        (w["opens"]["step"].as_u64(), w["wakeup"]["step"].as_u64(), w["closes"]["step"].as_u64()),
        (Some(17), Some(18), Some(19))
    );
    let (opens, closes) = (w["opens"]["start_ns"].as_u64().unwrap(), w["closes"]["start_ns"].as_u64().unwrap());
    assert_eq!(w["width_ns"].as_u64(), Some(closes - opens));
    assert_eq!(trace[16]["start_ns"].as_u64(), Some(opens));
    let text = stdout(&wqsim(&args));
    assert!(
        text.contains("start ns") && text.contains("race window: from R's prepare_to_wait(&pipe->rd_wait"),
        "{text}"
    );
    assert!(text.contains("ns wide"), "{text}");
    // Its replay line names the seed, not a schedule (which keeps the steps but not the clock),
    // and runs the same run with the same times.
    let replay = text.lines().find_map(|l| l.strip_prefix("replay: wqsim ")).unwrap();
    assert!(replay.contains("--seed 51") && !replay.contains("--schedule"), "{replay}");
    let again = stdout(&wqsim(&replay.split(' ').collect::<Vec<_>>()));
    assert_eq!(again, text);
    // Random: no time fields, no column; the window in steps.
    let o = wqsim(&["run", "pipe-splice", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["trace"].as_array().unwrap().iter().all(|s| s.get("start_ns").is_none() && s.get("end_ns").is_none()));
    assert!(
        v["race_window"]["width_ns"].is_null() && v["race_window"]["opens"]["step"].is_u64(),
        "{}",
        v["race_window"]
    );
    assert!(!stdout(&wqsim(&["run", "pipe-splice"])).contains("start ns"));
}

/// `--memory sc|tso` on every command that runs a scenario, shown in its output and carried by
/// its replay line and link [ref §6].
#[test]
fn the_memory_model_is_a_flag_shown_in_the_output_and_its_replays() {
    let o = wqsim(&["explore", "waitqueue-active", "--memory", "tso", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((v["memory"].as_str(), v["complete"].as_bool()), (Some("tso"), Some(true)));
    assert_eq!(v["counterexample"]["schedule"], "W*2 R*3 ~W");
    assert_eq!(v["counterexample"]["trace"][5]["flush"], true);
    let o = wqsim(&["explore", "waitqueue-active", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((v["memory"].as_str(), v["counterexample"].is_null()), (Some("sc"), true));

    let run = ["run", "waitqueue-active", "--memory", "tso", "--schedule", "W*2 R*3 ~W"];
    let out = stdout(&wqsim(&run));
    assert!(out.contains("CPU1  W     (store buffer)"), "{out}");
    assert!(out.contains("CPU1 flushes cond = 1"), "{out}");
    assert!(out.contains("W's `cond = true` (step 1) was still in CPU1's store buffer"), "{out}");
    assert!(out.contains("--memory tso --schedule \"W*2 R*3 ~W\""), "{out}");
    let o = wqsim(&[&run[..], &["--json"]].concat());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let link = v["link"].as_str().unwrap().to_string();
    assert!(link.ends_with("/memory=tso"), "{link}");
    // The link replays the same run; `--memory sc` replays its choices under sc, where the
    // flush is no choice.
    let o = wqsim(&["replay", &link, "--json"]);
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((&r["trace_hash"], &r["memory"]), (&v["trace_hash"], &v["memory"]));
    let sc = ["run", "waitqueue-active", "--schedule", "W ~W"];
    assert_error(&sc, "W's CPU has no store in its buffer");

    for cmd in
        [&["sweep", "set-current-state", "--seeds", "0..200"][..], &["shrink", "set-current-state", "--seed", "27"]]
    {
        let o = wqsim(&[cmd, &["--memory", "tso", "--json"]].concat());
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        assert_eq!(v["memory"], "tso", "{cmd:?}: {v}");
    }
    assert_error(&["explore", "waitqueue-active", "--memory", "arm"], "unknown memory model 'arm' (sc, tso)");
}

/// `wqsim litmus FILE... [--memory sc|tso] [--json]`, herd7's report; an unsupported construct is
/// a diagnostic at its line and column, with exit code 2.
#[test]
fn litmus_reports_like_herd7_and_names_what_it_cannot_run() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../sim-core/tests/litmus/");
    let (sb, mp) = (format!("{dir}SB.litmus"), format!("{dir}MP.litmus"));
    let out = stdout(&wqsim(&["litmus", &sb, &mp, "--memory", "tso"]));
    assert!(out.contains("Observation SB Sometimes 1 3") && out.contains("Observation MP Never 0 3"), "{out}");
    let out = stdout(&wqsim(&["litmus", &sb]));
    assert!(out.contains("Test SB Allowed (memory: sc)") && out.contains("Observation SB Never 0 3"), "{out}");
    let o = wqsim(&["litmus", &sb, "--memory", "tso", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((v["test"].as_str(), v["memory"].as_str()), (Some("SB"), Some("tso")));
    assert_eq!((v["observation"].as_str(), v["exists_reachable"].as_bool()), (Some("Sometimes"), Some(true)));
    assert_eq!(v["outcomes"].as_array().map(Vec::len), Some(4));

    let bad = std::env::temp_dir().join(format!("wqsim-bad-{}.litmus", std::process::id()));
    std::fs::write(&bad, "C bad\n{}\nP0(int *x)\n{\n\trcu_read_lock();\n}\nexists (true)\n").unwrap();
    let o = wqsim(&["litmus", bad.to_str().unwrap()]);
    let err = stderr(&o);
    let _ = std::fs::remove_file(&bad);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("`rcu_read_lock` is not supported") && err.contains(":5:2"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A scenario file that is not built in travels in the link `wqsim run` prints: `replay` rebuilds
/// the run with the same trace hash and `export scenario` writes the file back out, byte for
/// byte. A built-in file keeps its short link.
#[test]
fn a_link_carries_a_file_that_is_not_built_in() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let builtin = format!("{root}/scenarios/check-then-sleep.toml");
    let text = std::fs::read_to_string(&builtin).unwrap().replace("name = \"A\"", "name = \"Ann\"");
    let dir = std::env::temp_dir().join(format!("wqsim-carry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("mine.toml");
    std::fs::write(&file, &text).unwrap();
    let json = |o: Output| serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap();

    let short = json(wqsim(&["run", &builtin, "--json"]));
    assert_eq!(short["link"], "#wq1/check-then-sleep/naive/random/2///5");
    let run = json(wqsim(&["run", file.to_str().unwrap(), "--seed", "7", "--json"]));
    let link = run["link"].as_str().unwrap();
    assert!(link.starts_with("#wq1/~1.") && link.ends_with("/naive/random/7///7"), "{link}");
    let replay = json(wqsim(&["replay", link, "--json"]));
    assert_eq!((&replay["trace_hash"], &replay["steps"]), (&run["trace_hash"], &run["steps"]));
    assert_eq!(replay["carried"], true);
    let text_replay = stdout(&wqsim(&["replay", link]));
    assert!(text_replay.contains("wqsim export scenario LINK --out check-then-sleep.toml"), "{text_replay}");

    let exported = wqsim(&["export", "scenario", link]);
    assert_eq!(exported.status.code(), Some(0), "{}", stderr(&exported));
    assert_eq!(stdout(&exported), text);
    let out = dir.join("back.toml");
    assert_eq!(wqsim(&["export", "scenario", link, "--out", out.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    let exported = stdout(&wqsim(&["export", "scenario", "#wq1/pipe-splice/v5.8/random/3005///19"]));
    assert_eq!(exported, std::fs::read_to_string(format!("{root}/scenarios/pipe-splice.toml")).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();

    assert_error(&["export", "scenario", "#wq1/~1.AAAA/naive/random/2///0"], "not valid deflate data");
    assert_error(&["export", "scenario", "#wq1/~3.AAAA/naive/random/2///0"], "form '~3' is not supported");
}

/// A reader that has gone (`wqsim … | head -1`) ends wqsim as it ends `cat`: by SIGPIPE, with
/// nothing on stderr, not by a panic.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_wqsim_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    for args in [
        &["explore", "pipe-splice", "--variant", "v5.9", "--param", "writers=2"][..],
        &["list"],
        &["run", "pipe-splice"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wqsim"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.signal(), Some(libc::SIGPIPE), "{args:?}: {:?}, {}", o.status, stderr(&o));
        assert!(o.stderr.is_empty(), "{args:?}: {}", stderr(&o));
    }
}

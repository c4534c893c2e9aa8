//! `wqsim litmus` against the published answers [ref §6.6]: every test under `tests/litmus/`
//! names the kernel test (tools/memory-model/litmus-tests) whose shape it has, that test's
//! documented result, and x86-TSO's answer. Under `tso` each gives x86-TSO's answer; a kernel
//! test documented `Result: Never` is `Never` (the kernel's model allows at least what x86
//! does); under `sc` no relaxed outcome appears. Unsupported constructs are diagnostics with
//! their line and column, never an answer.

use std::path::Path;

use sim_core::kernel::memory::Memory;
use sim_core::lang::diag::line_col;
use sim_core::litmus::{self, parse, Observation};

fn observation(name: &str) -> Observation {
    match name {
        "Never" => Observation::Never,
        "Sometimes" => Observation::Sometimes,
        "Always" => Observation::Always,
        other => panic!("not an observation: {other}"),
    }
}

/// The word after `key` in `text`.
fn after<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let at = text.find(key)? + key.len();
    text[at..].split(|c: char| !c.is_ascii_alphabetic()).find(|w| !w.is_empty())
}

#[test]
fn the_classic_shapes_give_x86_tso_s_published_answers() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/litmus");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut seen = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = path.display().to_string();
        let mirrors = after(&text, "Mirrors: ").unwrap_or_else(|| panic!("{file}: names no kernel test"));
        let tso = observation(after(&text, "x86-TSO: ").unwrap_or_else(|| panic!("{file}: states no x86-TSO answer")));
        let run = |m| litmus::run_file(&file, &text, m).unwrap_or_else(|e| panic!("{file}: {e}"));
        let (under_tso, under_sc) = (run(Memory::Tso), run(Memory::Sc));
        assert_eq!(under_tso.observation, tso, "{file} under tso");
        assert_eq!(under_tso.exists_reachable, tso != Observation::Never, "{file}");
        if after(&text, "documented Result: ") == Some("Never") {
            assert_eq!(under_tso.observation, Observation::Never, "{file}: the kernel test {mirrors} is Never");
        }
        assert_eq!(under_sc.observation, Observation::Never, "{file}: a relaxed outcome under sc");
        assert!(under_sc.outcomes.len() <= under_tso.outcomes.len(), "{file}: sc allows what tso does not");
        seen.push(under_tso.test);
    }
    for shape in ["SB", "SB+mbs", "MP", "LB", "IRIW", "WRC"] {
        assert!(seen.iter().any(|t| t == shape), "no {shape} test in {seen:?}");
    }
}

/// The store-buffering shape, in herd7's words.
#[test]
fn the_report_reads_like_herd7() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/litmus/SB.litmus");
    let text = std::fs::read_to_string(&path).unwrap();
    let r = litmus::run_file("SB.litmus", &text, Memory::Tso).unwrap();
    assert_eq!(r.outcomes, ["0:r0=0; 1:r0=0;", "0:r0=0; 1:r0=1;", "0:r0=1; 1:r0=0;", "0:r0=1; 1:r0=1;"]);
    let report = r.text();
    for line in [
        "Test SB Allowed (memory: tso)",
        "States 4",
        "Ok",
        "Positive: 1 Negative: 3",
        "Condition exists (0:r0=0 /\\ 1:r0=0)",
        "Observation SB Sometimes 1 3",
    ] {
        assert!(report.lines().any(|l| l == line), "{line:?} not in\n{report}");
    }
    let v = serde_json::to_value(&r).unwrap();
    for field in ["test", "memory", "outcomes", "observation", "exists_reachable"] {
        assert!(!v[field].is_null(), "{field} missing from {v}");
    }
}

/// `~exists` and `forall`, `\/` and `~` inside the condition, and a final memory value.
#[test]
fn conditions_have_every_connective() {
    let test = |cond: &str| {
        let text = format!(
            "C T\n{{ x=1; }}\nP0(int *x, int *y)\n{{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n\tWRITE_ONCE(*y, r0 + 1);\n}}\n{cond}\n"
        );
        litmus::run_file("T.litmus", &text, Memory::Tso).unwrap_or_else(|e| panic!("{cond}: {e}"))
    };
    let r = test("forall (0:r0=1 /\\ y=2)");
    assert!(r.ok && r.observation == Observation::Always, "{r:?}");
    let r = test("~exists (0:r0=0 \\/ ~(y=2))");
    assert!(r.ok && r.observation == Observation::Never, "{r:?}");
    let r = test("exists (x=2)");
    assert!(!r.ok && !r.exists_reachable, "{r:?}");
}

/// What the subset does not support is named, with its line and column.
#[test]
fn unsupported_constructs_are_diagnostics_with_their_place() {
    let cases = [
        (
            "C T\n{}\nP0(spinlock_t *sl)\n{\n}\nexists (true)\n",
            (3, 4),
            "a parameter of type `spinlock_t` is not supported",
        ),
        ("C T\n{}\nP0(int *x)\n{\n\tspin_lock(x);\n}\nexists (true)\n", (5, 2), "`spin_lock` is not supported"),
        (
            "C T\n{}\nP0(int *x)\n{\n\tint r0;\n\tif (READ_ONCE(*x))\n\t\tr0 = 1;\n}\nexists (0:r0=1)\n",
            (6, 6),
            "inside an expression",
        ),
        (
            "C T\n{}\nP0(int *x)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n}\nlocations [x]\nexists (0:r0=1)\n",
            (8, 1),
            "a `locations` clause is not supported",
        ),
        (
            "C T\n{}\nP0(int *x)\n{\n\tint r0;\n\tr0 = READ_ONCE(*z);\n}\nexists (0:r0=1)\n",
            (6, 17),
            "`z` is not a parameter of this process",
        ),
        ("C T\n{}\nP0(int *x)\n{\n\tint r0;\n}\nexists (1:r0=1)\n", (7, 9), "P1 has no register `r0`"),
        ("X86 SB\n{}\n", (1, 1), "a C litmus test begins with `C <name>`"),
        ("C T\n{ int *p = &x; }\n", (2, 3), "a pointer in the initial state is not supported"),
    ];
    for (text, (line, col), want) in cases {
        let diags = parse::parse(text).expect_err(text);
        let d = &diags[0];
        assert!(d.message.contains(want), "{text:?}: {}", d.message);
        assert_eq!(line_col(text, d.span.start), (line, col), "{text:?}: {}", d.message);
    }
}

//! Diagnostics of the scenario language (docs/scenario-language.md, "Diagnostics and limits"):
//! for deliberately broken scenario files, each diagnostic's line and column in the whole file
//! (of its span's start, as `lang::diag::line_col` computes them for the CLI and the page), its
//! message, and its help. Every test holds the complete list of diagnostics the file gets, so a
//! follow-on error that only repeats a mistake is a failure too.

use sim_core::lang::diag::{line_col, Diagnostic};
use sim_core::limits::{MAX_INLINE, MAX_LOCALS, MAX_MACRO_TOKENS, MAX_NESTING, MAX_SCENARIO_BYTES, MAX_STATEMENTS};
use sim_core::{Error, Scenario};

/// A valid header: two tasks, two variants, a parameter. The C starts on line `C + 1`.
const HEADER: &str = r#"id = "diag"
title = "Diagnostics"
description = "A file to break."
default_variant = "v5.8"

[params.n]
default = 2
min = 1
max = 4
about = "how many"

[[tasks]]
name = "A"
role = "waiter"
run = "waiter"

[[tasks]]
name = "B"
role = "waker"
run = "waker"

[[variants]]
id = "v5.8"
label = "before"
buggy = true

[[variants]]
id = "v5.9"
label = "after"
buggy = false

[source]
c = '''
"#;

/// The line before the C's first line.
const C: usize = 33;

/// A valid program; each test breaks it somewhere. Its lines, from 1:
///  1 static DECLARE_WAIT_QUEUE_HEAD(wq);
///  2 static bool done;
///  4 int waiter(void)
///  6     DEFINE_WAIT(wait);
///  8     for (;;) {
///  9         prepare_to_wait(&wq, &wait, TASK_INTERRUPTIBLE);
/// 10         if (done)
/// 11             break;
/// 12         schedule();
/// 14     finish_wait(&wq, &wait);
/// 15     return 0;
/// 18 int waker(void)
/// 20     done = true;
/// 21     wake_up(&wq);
/// 22     return 0;
const OK: &str = "static DECLARE_WAIT_QUEUE_HEAD(wq);
static bool done;

int waiter(void)
{
	DEFINE_WAIT(wait);

	for (;;) {
		prepare_to_wait(&wq, &wait, TASK_INTERRUPTIBLE);
		if (done)
			break;
		schedule();
	}
	finish_wait(&wq, &wait);
	return 0;
}

int waker(void)
{
	done = true;
	wake_up(&wq);
	return 0;
}
";

/// A waker that does nothing, for programs that break only the waiter.
const WAKER: &str = "int waker(void)\n{\n\treturn 0;\n}\n";

/// The scenario file with `c` as its C.
fn file(c: &str) -> String {
    format!("{HEADER}{c}'''\n")
}

/// `OK` with `from` replaced by `to` (which must be there).
fn edit(from: &str, to: &str) -> String {
    assert!(OK.contains(from), "{from:?} is not in the program");
    OK.replacen(from, to, 1)
}

/// A diagnostic as the tests write it: line, column, message, help.
type Expected<'a> = (usize, usize, &'a str, Option<&'a str>);

/// The diagnostics of `text`, which must fail to parse with them.
fn diagnostics(text: &str) -> Vec<Diagnostic> {
    match Scenario::parse(text) {
        Ok(_) => panic!("the file parses"),
        Err(Error::Source(d)) => {
            assert_eq!(d.text, text);
            d.diagnostics
        }
        Err(e) => panic!("not an error with diagnostics: {e}"),
    }
}

/// Check that `text` gets exactly the diagnostics `expected`, in order; returns them.
fn check(text: &str, expected: &[Expected]) -> Vec<Diagnostic> {
    let got = diagnostics(text);
    let found: Vec<(usize, usize, &str, Option<&str>)> = got
        .iter()
        .map(|d| {
            let (line, col) = line_col(text, d.span.start);
            (line, col, d.message.as_str(), d.help.as_deref())
        })
        .collect();
    assert_eq!(found, expected);
    got
}

#[test]
fn the_program_is_valid_and_starts_where_the_tests_say() {
    let text = file(OK);
    let s = Scenario::parse(&text).unwrap();
    assert_eq!(line_col(&text, s.source_offset()), (C + 1, 1));
}

// ---- names

#[test]
fn an_unknown_function_is_named_with_a_suggestion() {
    let d = check(
        &file(&edit("prepare_to_wait(", "prepare_to_wiat(")),
        &[(C + 9, 3, "unknown function `prepare_to_wiat`", Some("did you mean `prepare_to_wait`?"))],
    );
    assert_eq!(d[0].label.as_deref(), Some("not a built-in and not defined in this file"));
    assert_eq!(d[0].span.end - d[0].span.start, "prepare_to_wiat".len(), "the name is underlined");
}

#[test]
fn an_undeclared_name_is_named_with_a_suggestion() {
    check(
        &file(&edit("if (done)", "if (dnoe)")),
        &[(C + 10, 7, "`dnoe` is not declared", Some("did you mean `done`?"))],
    );
}

#[test]
fn an_unknown_variant_in_an_if_is_named_with_a_suggestion() {
    let d = check(
        &file(&edit("\tfor (;;) {", "#if VARIANT(v58)\n#endif\n\tfor (;;) {")),
        &[(C + 8, 13, "`v58` is not a variant of this scenario", Some("did you mean `v5.8`?"))],
    );
    assert_eq!(d[0].label.as_deref(), Some("not in [[variants]]"));
}

#[test]
fn an_unknown_struct_field_is_named_with_a_suggestion() {
    let c = "static struct pipe_inode_info pipe_inode;\nstatic struct pipe_inode_info *pipe = &pipe_inode;\n\nint waiter(void)\n{\n\twake_up(&pipe->rd_wiat);\n\treturn 0;\n}\n";
    check(
        &file(&format!("{c}{WAKER}")),
        &[(C + 6, 17, "struct pipe_inode_info has no field `rd_wiat`", Some("did you mean `rd_wait`?"))],
    );
    // In an initializer too.
    let c = "static struct pipe_inode_info pipe_inode = { .max_usag = 1 };\n";
    check(
        &file(&format!("{c}{}", OK.replace("static bool", "static int"))),
        &[(C + 1, 47, "struct pipe_inode_info has no field `max_usag`", Some("did you mean `max_usage`?"))],
    );
}

#[test]
fn an_unknown_type_is_named_where_it_is_written() {
    let types = "static struct foo x;\nstatic foo_t y;\n\nint waiter(void)\n{\n\tstruct bar a;\n\tbar_t b;\n\twait_queue_head q;\n\treturn 0;\n}\n";
    let help = "the types are the integer types (`int`, `long`, `unsigned long`, `bool`, `u32`, ...), `atomic_t`, \
                `spinlock_t`, `wait_queue_head_t`, `wait_queue_entry_t` and `struct NAME`";
    // The parser reports the names it cannot read as types; the compiler, once they are fixed,
    // the structs it does not know.
    check(
        &file(&format!("{types}{WAKER}")),
        &[
            (C + 2, 8, "unknown type `foo_t`", Some(help)),
            (C + 7, 2, "unknown type `bar_t`", Some(help)),
            (C + 8, 2, "unknown type `wait_queue_head`", Some("did you mean `wait_queue_head_t`?")),
        ],
    );
    let structs = "static struct foo x;\n\nint waiter(void)\n{\n\tstruct bar a;\n\treturn 0;\n}\n";
    let define = Some("define it: `struct NAME { int field; };`");
    check(
        &file(&format!("{structs}{WAKER}")),
        &[(C + 1, 15, "unknown type `struct foo`", define), (C + 5, 9, "unknown type `struct bar`", define)],
    );
}

// ---- syntax

#[test]
fn a_missing_semicolon_is_expected_after_the_statement() {
    // At the end of the line that lacks it, not at the next line's first word.
    let d = check(
        &file(&edit("TASK_INTERRUPTIBLE);", "TASK_INTERRUPTIBLE)")),
        &[(C + 9, 50, "expected `;` after the statement, found `if`", None)],
    );
    assert_eq!(d[0].label.as_deref(), Some("expected `;`"));
}

#[test]
fn a_missing_parenthesis_is_expected_where_it_belongs() {
    check(
        &file(&edit("if (done)", "if (done")),
        &[(C + 10, 11, "expected `)` to close the condition, found `break`", None)],
    );
}

#[test]
fn a_block_never_closed_points_at_its_opening() {
    let c = OK.trim_end().strip_suffix('}').unwrap();
    let text = file(c);
    let d = check(&text, &[(C + 22, 11, "expected `}` to close the block, found the end of the source", None)]);
    assert_eq!(d[0].notes.len(), 1);
    assert_eq!(line_col(&text, d[0].notes[0].span.start), (C + 19, 1));
    assert_eq!(d[0].notes[0].message, "the block opened here");
}

#[test]
fn a_comment_never_closed_is_named() {
    check(
        &file(&edit("int waker", "/* never closed\nint waker")),
        &[(C + 18, 1, "this comment is never closed", None)],
    );
}

#[test]
fn an_if_without_endif_is_the_only_diagnostic() {
    check(
        &file(&edit("\tfor (;;) {", "#if VARIANT(v5.8)\n\tfor (;;) {")),
        &[(C + 8, 1, "this `#if` has no `#endif`", None)],
    );
}

#[test]
fn constructs_outside_the_language_are_named() {
    check(
        &file(&edit("\tdone = true;", "\tswitch (done) { }")),
        &[(C + 20, 2, "`switch` is not part of the scenario language", Some("write it with if / else if"))],
    );
    check(
        &file(&edit("done = true;", "done = 1, done = 2;")),
        &[(C + 20, 10, "the comma operator is not part of the scenario language", Some("write two statements"))],
    );
    check(
        &file(&edit("\tdone = true;", "\tint a[2];")),
        &[(C + 20, 2, "a local array is not part of the scenario language", None)],
    );
    check(
        &file(&edit("static bool done;", "static bool done;\ndone = 1;")),
        &[(C + 3, 1, "expected a declaration or a function, found `done`", Some("statements belong inside functions"))],
    );
}

// ---- meaning

#[test]
fn schedule_inside_a_spinlock_critical_section_is_refused() {
    let c = "static DEFINE_SPINLOCK(lock);\n\nint waiter(void)\n{\n\tspin_lock(&lock);\n\tschedule();\n\tspin_unlock(&lock);\n\treturn 0;\n}\n";
    let text = file(&format!("{c}{WAKER}"));
    let d = check(
        &text,
        &[(
            C + 6,
            2,
            "`schedule` inside the critical section of `lock`",
            Some("a task cannot sleep holding a spinlock: unlock first"),
        )],
    );
    assert_eq!(line_col(&text, d[0].notes[0].span.start), (C + 5, 2));
    assert_eq!(d[0].notes[0].message, "taken here");
}

#[test]
fn return_inside_a_critical_section_is_reported_once() {
    let c = "static DEFINE_SPINLOCK(lock);\n\nint waiter(void)\n{\n\tspin_lock(&lock);\n\treturn 0;\n}\n";
    check(
        &file(&format!("{c}{WAKER}")),
        &[(
            C + 6,
            2,
            "`return` inside the critical section of `lock`",
            Some("unlock first: a critical section is one step and must end where it began"),
        )],
    );
}

#[test]
fn break_outside_a_loop_is_refused() {
    check(&file(&edit("\tdone = true;", "\tbreak;\n\tdone = true;")), &[(C + 20, 2, "`break` outside a loop", None)]);
}

#[test]
fn recursion_is_refused_at_the_call() {
    let c = "static int f(int x)\n{\n\treturn f(x);\n}\n\nint waiter(void)\n{\n\treturn f(1);\n}\n";
    check(
        &file(&format!("{c}{WAKER}")),
        &[(C + 3, 9, "`f` calls itself: recursion is not part of the scenario language", None)],
    );
}

#[test]
fn a_call_in_the_middle_of_an_expression_asks_for_a_local() {
    // Once: the local whose initializer fails is not reported again as undeclared.
    let c = "static int f(void)\n{\n\treturn 1;\n}\n\nint waiter(void)\n{\n\tint x = 1 + f();\n\treturn x;\n}\n";
    check(
        &file(&format!("{c}{WAKER}")),
        &[(C + 8, 14, "a call of `f` inside an expression: assign it to a local first (`int r = f(...);`)", None)],
    );
}

#[test]
fn division_by_a_non_constant_is_refused() {
    let c = "static int count;\n\nint waiter(void)\n{\n\tint x = 4 / count;\n\treturn x;\n}\n";
    check(&file(&format!("{c}{WAKER}")), &[(C + 5, 14, "`/` and `%` take a non-zero constant on the right", None)]);
}

#[test]
fn a_call_with_the_wrong_arguments_is_refused() {
    check(
        &file(&edit("prepare_to_wait(&wq, &wait, TASK_INTERRUPTIBLE)", "prepare_to_wait(&wq, &wait)")),
        &[(C + 9, 3, "`prepare_to_wait` takes 3 arguments, given 2", None)],
    );
    check(
        &file(&edit("prepare_to_wait(&wq,", "prepare_to_wait(&done,")),
        &[(C + 9, 19, "expected a wait queue head (`&wq`, `&pipe->rd_wait`, `q`), found a variable", None)],
    );
}

// ---- the header

#[test]
fn a_default_variant_that_names_no_variant_is_at_its_value() {
    let d = check(
        &file(OK).replace("default_variant = \"v5.8\"", "default_variant = \"v58\""),
        &[(4, 19, "`v58` is not a variant", Some("did you mean `v5.8`?"))],
    );
    assert_eq!(d[0].label.as_deref(), Some("not in [[variants]]"));
}

#[test]
fn a_parameter_out_of_range_is_at_its_value() {
    check(
        &file(OK).replace("default = 2", "default = 9"),
        &[(7, 11, "parameter `n`: default 9 is out of range 1 to 4", None)],
    );
    check(
        &file(OK).replace("min = 1", "min = -1"),
        &[(8, 7, "parameter `n`: min -1 is out of range 0 to 1000000", None)],
    );
}

#[test]
fn a_toml_mistake_is_at_its_line() {
    check(
        &file(OK).replace("buggy = true", "buggy = yes"),
        &[(25, 9, "string values must be quoted, expected literal string", None)],
    );
    check(
        &file(OK).replace("run = \"waker\"", "run = \"wakr\""),
        &[(20, 7, "no function `wakr` in the source to run", Some("did you mean `waker`?"))],
    );
    check(
        &file(OK).replace("c = '''", "c = \"\"\"").replace("'''\n", "\"\"\"\n"),
        &[(
            33,
            5,
            "write the C as a literal string, between `'''` and `'''`",
            Some("a literal string keeps every character as written, so line numbers stay right"),
        )],
    );
}

#[test]
fn a_header_field_that_is_unknown_missing_or_of_the_wrong_type_is_named_with_its_table() {
    let text = file(OK)
        .replace("default_variant = \"v5.8\"\n", "default_variant = \"v5.8\"\ndefault_sed = 2\n")
        .replace("role = \"waker\"\n", "")
        .replace("buggy = false", "buggy = \"no\"");
    let d = check(
        &text,
        &[
            (5, 1, "unknown field `default_sed` in the header", Some("did you mean `default_seed`?")),
            (18, 1, "missing field `role` in [[tasks]]", None),
            (30, 9, "`buggy` must be true or false, not a string", None),
        ],
    );
    assert_eq!(d[2].label.as_deref(), Some("in [[variants]]"));
    // A table the header does not have: every field it may have is listed.
    check(
        &file(OK).replace("[source]", "[sauce]"),
        &[
            (
                32,
                2,
                "unknown field `sauce` in the header",
                Some("the fields of the header are id, title, description, default_variant, default_seed, step_limit, params, tasks, variants, timed, source"),
            ),
            (1, 1, "missing field `source` in the header", None),
        ],
    );
}

// ---- several at once

#[test]
fn several_syntax_errors_are_reported_together() {
    let c = edit("TASK_INTERRUPTIBLE);", "TASK_INTERRUPTIBLE)").replace("done = true;", "done = true");
    check(
        &file(&c),
        &[
            (C + 9, 50, "expected `;` after the statement, found `if`", None),
            (C + 20, 13, "expected `;` after the statement, found `wake_up`", None),
        ],
    );
}

#[test]
fn several_mistakes_of_meaning_are_reported_together() {
    let c = edit("prepare_to_wait(", "prepare_to_wiat(").replace("wake_up(", "wake_upp(").replace("break;", "brek;");
    check(
        &file(&c),
        &[
            (C + 9, 3, "unknown function `prepare_to_wiat`", Some("did you mean `prepare_to_wait`?")),
            (C + 11, 4, "`brek` is not declared", None),
            (C + 21, 2, "unknown function `wake_upp`", Some("did you mean `wake_up`?")),
        ],
    );
}

#[test]
fn several_header_mistakes_are_reported_together() {
    let text = file(OK).replace("default = 2", "default = 9").replace("id = \"v5.9\"", "id = \"v5.8\"");
    check(
        &text,
        &[
            (7, 11, "parameter `n`: default 9 is out of range 1 to 4", None),
            (28, 6, "variant `v5.8` is declared twice", None),
        ],
    );
}

// ---- limits: each named, with its limit

#[test]
fn the_statement_limit_is_named_at_the_first_statement_over_it() {
    // Two file-scope declarations, then `x;` statements: statement 2001 is the 1999th `x;`.
    let body = "\tx;\n".repeat(MAX_STATEMENTS);
    let text = file(&format!("static int x;\nstatic int y;\nint waiter(void)\n{{\n{body}\treturn 0;\n}}\n{WAKER}"));
    let total = MAX_STATEMENTS + 2 + 1 + 1;
    let message = format!("{total} statements, over the limit of {MAX_STATEMENTS}");
    let d = check(&text, &[(C + 5 + (MAX_STATEMENTS - 2), 2, &message, None)]);
    assert_eq!(d[0].label, Some(format!("statement {} of the file", MAX_STATEMENTS + 1)));
}

#[test]
fn the_nesting_limit_is_named_where_it_is_crossed() {
    // Blocks: the function's body is level 1, each `{` a statement and a block.
    let blocks = format!("int waiter(void)\n{{\n{}{}\treturn 0;\n}}\n", "\t{\n".repeat(40), "\t}\n".repeat(40));
    let message = format!("nesting is over the limit of {MAX_NESTING} levels");
    check(&file(&format!("{blocks}{WAKER}")), &[(C + 3 + 15, 2, &message, None)]);
    // Parentheses: nothing is reported after it (the parser stops there).
    let parens = format!("int waiter(void)\n{{\n\tint x = {}1{};\n\treturn 0;\n}}\n", "(".repeat(40), ")".repeat(40));
    check(&file(&format!("{parens}{WAKER}")), &[(C + 3, 40, &message, None)]);
}

#[test]
fn the_inlining_limit_is_named_at_the_call_that_crosses_it() {
    let mut c = String::new();
    for i in 0..20 {
        c += &format!("static void f{i}(void)\n{{\n\tf{}();\n}}\n", i + 1);
    }
    c += "static void f20(void)\n{\n}\n\nint waiter(void)\n{\n\tf0();\n\treturn 0;\n}\n";
    // waiter is call 1, f0 call 2, ..., f14 calls f15 as call 17.
    let message = format!("calls are nested over the limit of {MAX_INLINE}");
    check(&file(&format!("{c}{WAKER}")), &[(C + 4 * (MAX_INLINE - 2) + 3, 2, &message, None)]);
}

#[test]
fn the_locals_limit_is_named_at_the_local_over_it() {
    let locals: String = (0..=MAX_LOCALS).map(|i| format!("\tint l{i} = 0;\n")).collect();
    let message = format!(
        "`l{MAX_LOCALS}` is over the limit of {MAX_LOCALS} locals per task (counting every inlined call's own)"
    );
    check(
        &file(&format!("int waiter(void)\n{{\n{locals}\treturn 0;\n}}\n{WAKER}")),
        &[(C + 3 + MAX_LOCALS, 6, &message, None)],
    );
}

#[test]
fn the_wait_entries_limit_is_named() {
    let c = edit(
        "\tDEFINE_WAIT(wait);",
        "\tDEFINE_WAIT(wait);\n\tDEFINE_WAIT(w2);\n\tDEFINE_WAIT(w3);\n\tDEFINE_WAIT(w4);",
    );
    check(&file(&c), &[(C + 9, 14, "`w4` is over the limit of 3 wait entries per task", None)]);
}

#[test]
fn the_tasks_limit_is_named_at_the_count_that_crosses_it() {
    check(
        &file(OK).replace("name = \"A\"", "name = \"A\"\ncount = 9"),
        &[(14, 9, "number of tasks is 9, over the limit of 8", None)],
    );
    // A role within the limit that brings the total over it: at that role (its name, as it
    // has no count).
    check(
        &file(OK).replace("name = \"A\"", "name = \"A\"\ncount = 8"),
        &[(19, 8, "number of tasks is 9, over the limit of 8", None)],
    );
}

#[test]
fn the_macro_expansion_limit_is_the_only_diagnostic() {
    let c = "#define A x x x x x x x x x x\n#define B A A A A A A A A A A\n#define C B B B B B B B B B B\n#define D C C C C C C C C C C\nint waiter(void)\n{\n\tD D D;\n\treturn 0;\n}\n";
    // Each D counts 10 + 100 + 1,000 + 10,000 tokens: the second goes over.
    let message = format!("macro expansion is over the limit of {MAX_MACRO_TOKENS} tokens");
    check(&file(&format!("{c}{WAKER}")), &[(C + 7, 4, &message, None)]);
}

#[test]
fn the_file_size_limit_is_named() {
    let text = file(&format!("/* {} */\n{OK}", "x".repeat(MAX_SCENARIO_BYTES)));
    let e = Scenario::parse(&text).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("scenario file size in bytes is {}, over the limit of {MAX_SCENARIO_BYTES}", text.len())
    );
}

//! Any text as a scenario's C, under a valid header, so that the fuzzer explores the C front end
//! (lexer, preprocessor, parser, compiler) rather than TOML. Byte 0 picks the header, one of the
//! built-in scenarios' own (their tasks, variants and parameters); the rest is the C.
//!
//! What must hold: `Scenario::parse` gives a scenario or an error, never a panic; an error is
//! one line and every diagnostic's span lies in the file; a scenario builds a spec for every
//! variant and a short run of each ends with a verdict; and where a variant's C parses, its
//! printed form parses back to the same tree (`lang::print`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sim_core::kernel::wait_h::TEMPLATES;
use sim_core::lang::{self, parser, preprocess, print};
use sim_core::library;

#[path = "scenario_file.rs"]
mod scenario_file;

/// Steps of the short run of each variant.
const STEPS: u32 = 1_000;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, c)) = data.split_first() else { return };
    let scenarios = library::scenarios();
    let base = &scenarios[usize::from(pick) % scenarios.len()];
    // The C stays inside its literal string: `'''` would end it.
    let c = String::from_utf8_lossy(c).replace("'''", "''");
    let text = format!("{}{c}'''\n", &base.text[..base.source_offset()]);

    let variants: Vec<String> = base.variants.iter().map(|v| v.id.clone()).collect();
    round_trip_each_variant(&text, base.source_offset(), &variants);

    scenario_file::parses_and_runs(&text, STEPS);
});

/// For each variant whose C preprocesses and parses cleanly: print the tree, parse the printed
/// text, and compare the trees without their spans.
fn round_trip_each_variant(text: &str, offset: usize, variants: &[String]) {
    let (source, diags) = lang::lex(&text[offset..text.len() - 4], offset);
    if !diags.is_empty() {
        return;
    }
    for v in variants {
        let (toks, d) = preprocess::preprocess(text, &source.tokens, v, variants, TEMPLATES);
        if !d.is_empty() {
            continue;
        }
        let (items, d) = parser::parse(&toks);
        if !d.is_empty() {
            continue;
        }
        let printed = print::print(&items);
        let (again, d) = lang::parse_printed(&printed);
        assert!(d.is_empty(), "printed C does not parse:\n{printed}\n{d:?}");
        assert_eq!(without_spans(&format!("{items:?}")), without_spans(&format!("{again:?}")), "{printed}");
    }
}

/// A tree's `Debug` text with every `Span { .. }` and `Toks { .. }` left out.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    loop {
        let next = ["Span { start: ", "Toks { start: "].iter().filter_map(|p| rest.find(p)).min();
        let Some(i) = next else { break };
        out.push_str(&rest[..i]);
        let close = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

//! `wqsim check FILE...`: read and compile every variant of scenario files. A file without
//! mistakes gets a one-line summary; one with mistakes gets its diagnostics, and the exit code
//! is 2.

use sim_core::lang::header::{Bound, Count};
use sim_core::program::{Op, Prim};
use sim_core::{Error, Scenario};

use crate::load;

#[derive(clap::Args)]
pub struct Args {
    /// Scenario files (or built-in ids).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Also print, per variant, what each task waits for at each schedule(): what the oracle
    /// checks.
    #[arg(long)]
    waits: bool,
}

pub fn check(args: &Args) -> Result<(), Error> {
    let mut failed = 0;
    for f in &args.files {
        match load::scenario(f) {
            Ok(s) => {
                println!("{f}: ok: {}", summary(&s));
                if args.waits {
                    waits(&s)?;
                }
            }
            Err(Error::Source(d)) => {
                crate::diagnostics::render(&d);
                failed += 1;
            }
            Err(e) => {
                eprintln!("wqsim: {f}: {e}");
                failed += 1;
            }
        }
    }
    match failed {
        0 => Ok(()),
        n => Err(Error::Invalid(format!("{n} of {} scenario files have mistakes", args.files.len()))),
    }
}

/// `2 tasks (R splice-reader, W pipe-writer x writers), 4 variants (...), 3 parameters (...)`.
pub fn summary(s: &Scenario) -> String {
    let count = |c: &Count| match c {
        Count::Fixed(1) => String::new(),
        Count::Fixed(n) => format!(" x {n}"),
        Count::Param(p) => format!(" x {p}"),
    };
    let tasks: Vec<String> = s.tasks.iter().map(|t| format!("{} {}{}", t.name, t.role, count(&t.count))).collect();
    let variants: Vec<&str> = s.variants.iter().map(|v| v.id.as_str()).collect();
    let params: Vec<String> = s
        .params
        .iter()
        .map(|p| {
            let max = match &p.max {
                Bound::Value(v) => v.to_string(),
                Bound::Param(q) => q.clone(),
            };
            format!("{} {} to {max} = {}", p.name, p.min, p.default)
        })
        .collect();
    let plural = |n: usize, what: &str| if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") };
    format!(
        "{} ({}), {} ({}), {}",
        plural(s.tasks.len(), "role"),
        tasks.join(", "),
        plural(s.variants.len(), "variant"),
        variants.join(", "),
        if params.is_empty() {
            "no parameters".to_string()
        } else {
            format!("{} ({})", plural(params.len(), "parameter"), params.join(", "))
        }
    )
}

/// What each role waits for at each of its `schedule()` calls, in every variant.
fn waits(s: &Scenario) -> Result<(), Error> {
    for v in &s.variants {
        let spec = s.spec(Some(&v.id), &[])?;
        println!("  {}:", v.id);
        for (role, prog) in s.tasks.iter().zip(&spec.programs) {
            for instr in &prog.instrs {
                let Op::Call { prim: Prim::Schedule { sleep }, .. } = instr.op else { continue };
                let sleep = &prog.sleeps[usize::from(sleep)];
                // A schedule() inside a kernel macro shows at the line that calls the macro.
                let line = prog.listing[..=usize::from(instr.line)]
                    .iter()
                    .rev()
                    .find(|l| l.number > 0)
                    .map_or(0, |l| l.number);
                let what =
                    if sleep.text.is_empty() { "nothing: only a deadlock can keep it asleep" } else { &sleep.text };
                println!("    {} {}(), {} at line {line}: {what}", role.name, prog.name, instr.code);
            }
        }
    }
    Ok(())
}

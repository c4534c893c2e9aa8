//! `wqsim litmus`: litmus tests in the kernel's C format, run under `sc` or `tso` [ref §6].
//!
//! A test is parsed by its own small parser (`parse.rs`), written out as a scenario of the
//! scenario language (each process a task on its own CPU, each register a local, each shared
//! variable a shared int) and compiled like any scenario, so its stores, loads and barriers have
//! exactly the kernel model's semantics. Every execution is then explored, and the final states
//! reported as herd7 does: the states, `Positive`/`Negative` counts and `Observation`.

pub mod parse;

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write;
use std::sync::Arc;

use serde::Serialize;

use crate::error::{Diagnostics, Error};
use crate::kernel::memory::Memory;
use crate::kernel::Kernel;
use crate::spec::Spec;
use crate::world;
use parse::{Expr, Fence, Loc, Quantifier, Stmt, Test};

/// Distinct states a test may reach before it is refused as too large.
pub const MAX_STATES: usize = 1_000_000;

/// What `Observation` says: the condition's proposition holds in no, some or every final state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Observation {
    Never,
    Sometimes,
    Always,
}

/// A test's result under one memory model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub test: String,
    pub memory: Memory,
    /// Every reachable final state, as `loc=value` of the locations the condition names (every
    /// register when it names none), sorted.
    pub outcomes: Vec<String>,
    /// The condition, as written.
    pub condition: String,
    /// Final states where the condition's proposition holds, and where it does not.
    pub positive: usize,
    pub negative: usize,
    pub observation: Observation,
    /// A final state satisfies the proposition (what `exists` asks).
    pub exists_reachable: bool,
    /// The condition holds: `exists` reachable, `~exists` unreachable, `forall` always.
    pub ok: bool,
}

/// Parse and run the litmus test `text` (from `file`, for diagnostics).
pub fn run_file(file: &str, text: &str, memory: Memory) -> Result<Report, Error> {
    let test = parse::parse(text).map_err(|d| Error::from(Diagnostics::new(file, text, d)))?;
    run(&test, memory)
}

/// Every execution of `test` under `memory`.
pub fn run(test: &Test, memory: Memory) -> Result<Report, Error> {
    crate::limits::check("litmus processes", test.procs.len(), crate::limits::MAX_TASKS)?;
    let scenario = crate::Scenario::parse_named("litmus", &scenario_text(test))
        .map_err(|e| Error::Invalid(format!("litmus test {}: {e}", test.name)))?;
    let spec = scenario.spec_in(None, &[], memory)?;
    let mut locs = Vec::new();
    test.condition.prop.locs(&mut locs);
    if locs.is_empty() {
        let regs = test.procs.iter().enumerate().flat_map(|(i, p)| p.regs.iter().map(move |r| Loc::Reg(i, r.clone())));
        locs.extend(regs);
    }
    let finals = final_states(&spec)?;
    let mut outcomes = BTreeSet::new();
    let (mut positive, mut negative) = (0, 0);
    for k in &finals {
        let value = |l: &Loc| value_of(&spec, k, l);
        if test.condition.prop.holds(&value) {
            positive += 1;
        } else {
            negative += 1;
        }
        outcomes.insert(locs.iter().map(|l| format!("{l}={};", value(l))).collect::<Vec<_>>().join(" "));
    }
    let observation = match (positive, negative) {
        (0, _) => Observation::Never,
        (_, 0) => Observation::Always,
        _ => Observation::Sometimes,
    };
    let ok = match test.condition.quantifier {
        Quantifier::Exists => positive > 0,
        Quantifier::NotExists => positive == 0,
        Quantifier::Forall => negative == 0,
    };
    Ok(Report {
        test: test.name.clone(),
        memory,
        outcomes: outcomes.into_iter().collect(),
        condition: test.condition.text.clone(),
        positive,
        negative,
        observation,
        exists_reachable: positive > 0,
        ok,
    })
}

impl Report {
    /// herd7's report.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let kind = if self.condition.starts_with("forall") { "Required" } else { "Allowed" };
        let _ = writeln!(s, "Test {} {kind} (memory: {})", self.test, self.memory.id());
        let _ = writeln!(s, "States {}", self.outcomes.len());
        for o in &self.outcomes {
            let _ = writeln!(s, "{o}");
        }
        let _ = writeln!(s, "{}", if self.ok { "Ok" } else { "No" });
        let _ = writeln!(s, "Witnesses\nPositive: {} Negative: {}", self.positive, self.negative);
        let _ = writeln!(s, "Condition {}", self.condition);
        let _ = writeln!(s, "Observation {} {:?} {} {}", self.test, self.observation, self.positive, self.negative);
        s
    }
}

/// The kernels in which nothing can happen any more, each once: depth first over every choice.
fn final_states(spec: &Arc<Spec>) -> Result<Vec<Kernel>, Error> {
    let mut seen: HashSet<Kernel> = HashSet::new();
    let mut stack = vec![spec.initial.clone()];
    let mut finals = Vec::new();
    let mut choices = Vec::new();
    while let Some(k) = stack.pop() {
        world::choices(spec, &k, &mut choices);
        if choices.is_empty() {
            finals.push(k);
            continue;
        }
        for &c in &choices {
            let mut next = k.clone();
            world::apply(spec, &mut next, c, &mut ());
            if !seen.contains(&next) {
                crate::limits::check("litmus states", seen.len() + 1, MAX_STATES)?;
                seen.insert(next.clone());
                stack.push(next);
            }
        }
    }
    Ok(finals)
}

fn value_of(spec: &Spec, k: &Kernel, l: &Loc) -> i32 {
    match l {
        Loc::Reg(p, r) => {
            let slot = spec.programs[spec.tasks[*p].program].locals.iter().position(|n| n == r);
            slot.map_or(0, |i| k.tasks[*p].locals[i])
        }
        Loc::Var(v) => spec.vars.iter().position(|n| n == v).map_or(0, |i| k.vars[i]),
    }
}

/// The test as a scenario file: a shared int per variable, a task per process, a local per
/// register, under their own names (the report reads them back by name).
fn scenario_text(test: &Test) -> String {
    let mut vars: Vec<(String, i32)> = test.init.clone();
    for p in &test.procs {
        for v in &p.params {
            if !vars.iter().any(|(n, _)| n == v) {
                vars.push((v.clone(), 0));
            }
        }
    }
    let mut c = String::new();
    for (v, init) in &vars {
        let _ = writeln!(c, "static int {v} = {init};");
    }
    for (i, p) in test.procs.iter().enumerate() {
        let _ = writeln!(c, "int P{i}(void)\n{{");
        for r in &p.regs {
            let _ = writeln!(c, "\tint {r} = 0;");
        }
        stmts(&mut c, &p.body, 1);
        let _ = writeln!(c, "\treturn 0;\n}}");
    }
    let mut toml = String::from(
        "id = \"litmus\"\ntitle = \"A litmus test\"\ndescription = \"A litmus test.\"\n\
         default_variant = \"test\"\ndefault_seed = 0\n",
    );
    for i in 0..test.procs.len() {
        let _ = write!(toml, "\n[[tasks]]\nname = \"P{i}\"\nrole = \"P{i}\"\nrun = \"P{i}\"\nabout = \"P{i}\"\n");
    }
    let _ = write!(
        toml,
        "\n[[variants]]\nid = \"test\"\nlabel = \"the test\"\nabout = \"the test\"\nbuggy = false\n\n[source]\nc = '''\n{c}'''\n"
    );
    toml
}

fn stmts(c: &mut String, body: &[Stmt], depth: usize) {
    let tab = "\t".repeat(depth);
    for s in body {
        match s {
            Stmt::Store { var, value, mb } => {
                let _ = writeln!(c, "{tab}{var} = {};", expr(value));
                if *mb {
                    let _ = writeln!(c, "{tab}smp_mb();");
                }
            }
            Stmt::Load { reg, var } => {
                let _ = writeln!(c, "{tab}{reg} = {var};");
            }
            Stmt::Xchg { reg, var, value } => {
                let to = reg.as_ref().map_or(String::new(), |r| format!("{r} = "));
                let _ = writeln!(c, "{tab}{to}xchg(&{var}, {value});");
            }
            Stmt::Assign { reg, value } => {
                let _ = writeln!(c, "{tab}{reg} = {};", expr(value));
            }
            Stmt::Fence(Fence::Mb) => {
                let _ = writeln!(c, "{tab}smp_mb();");
            }
            // Compiler barriers on x86 [ref §6.2]: nothing to write.
            Stmt::Fence(Fence::Weak) => {}
            Stmt::If { cond, then, els } => {
                let _ = writeln!(c, "{tab}if ({}) {{", expr(cond));
                stmts(c, then, depth + 1);
                let _ = writeln!(c, "{tab}}} else {{");
                stmts(c, els, depth + 1);
                let _ = writeln!(c, "{tab}}}");
            }
        }
    }
}

fn expr(e: &Expr) -> String {
    match e {
        Expr::Int(v) => v.to_string(),
        Expr::Reg(r) => r.clone(),
        Expr::Not(a) => format!("!({})", expr(a)),
        Expr::Neg(a) => format!("-({})", expr(a)),
        Expr::Binary(op, a, b) => format!("({}) {op} ({})", expr(a), expr(b)),
    }
}

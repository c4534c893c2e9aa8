//! `wqsim export promela`: the model wqsim explores, as a Promela model for SPIN, so that a SPIN
//! user can check wqsim's verdicts and state counts with their own tool.
//!
//! The state is exactly what the explorer stores (`Kernel::encode`), one Promela variable per
//! field, named after the scenario's own names (`R_state`, `pipe_head`, `pipe_rd_wait[]`). Each
//! task is a process whose one loop offers a `d_step` per instruction it can stand at: the
//! step runs the instruction and then, as `exec::step` does, every instruction after it that is
//! not a step. A process never leaves its loop, so the processes' control states never differ
//! and a SPIN state is a wqsim state. Signals are a process with a `d_step` per task that may
//! receive one, enabled while some task can step (`world::choices`). The oracle's end check is
//! a never claim: in a state where no task can step, no task sleeps while what it waits for
//! holds (`oracle::classify`). The primitives are in `kernel/promela.rs`.
//!
//! So SPIN's `states, stored` with `-DNOREDUCE` equals `wqsim explore --no-reduction`'s states,
//! and an assertion violation is a lost wakeup (`sim-cli/tests/spin.rs` checks both). Not
//! exported: the step limit (SPIN has its own depth bound, `-m`) and the timed strategy's clock.

use std::fmt::Write as _;

use crate::error::Error;
use crate::ids::{EntryId, MutexId, PageId, QueueId, TaskId, VarId};
use crate::kernel::memory::Memory;
use crate::kernel::promela::PRELUDE;
use crate::kernel::Kernel;
use crate::lowered::Code;
use crate::program::{BinOp, Expr, ExprId, Op, Place, Program, Ret, UnOp};
use crate::spec::Spec;

/// Promela's reserved words and SPIN's predefined names, which a model's names must avoid.
const RESERVED: &[&str] = &[
    "active",
    "assert",
    "atomic",
    "bit",
    "bool",
    "break",
    "byte",
    "chan",
    "d_step",
    "do",
    "else",
    "empty",
    "enabled",
    "eval",
    "false",
    "fi",
    "for",
    "full",
    "goto",
    "hidden",
    "if",
    "in",
    "init",
    "inline",
    "int",
    "len",
    "local",
    "mtype",
    "nempty",
    "never",
    "nfull",
    "np_",
    "od",
    "of",
    "pc_value",
    "printf",
    "priority",
    "proctype",
    "provided",
    "run",
    "select",
    "short",
    "show",
    "skip",
    "timeout",
    "trace",
    "true",
    "typedef",
    "unless",
    "unsigned",
    "xr",
    "xs",
    "c_code",
    "c_expr",
    "c_decl",
    "c_state",
    "c_track",
    "notrace",
    "printm",
    "NONE",
    "sc_i",
    "sc_j",
    "sc_cur",
    "sc_fl",
    "sc_w",
    "sc_r",
    "sc_woken",
    "sc_cnt",
    "sc_budget",
    "sc_rv",
    "sc_tmp",
    "sc_nr",
    "sc_pm",
    "signals",
];

/// The fields of a task's state (`Names::field`).
const FIELDS: [&str; 7] = ["pc", "state", "on_rq", "signal", "exited", "ret", "waits_for"];

/// The Promela names of a spec's objects.
pub struct Names {
    tasks: Vec<String>,
    vars: Vec<String>,
    queues: Vec<String>,
    mutexes: Vec<String>,
    pages: Vec<String>,
    /// Per task: its entries' names.
    entries: Vec<Vec<String>>,
    /// Per task: its locals' names.
    locals: Vec<Vec<String>>,
}

/// A C name (`pipe->rd_wait`, `page_wait_table[0]`, `sd.total_len`) as a Promela identifier.
fn ident(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    let out = out.trim_end_matches('_').to_string();
    match out.chars().next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => out,
        _ => format!("x_{out}"),
    }
}

impl Names {
    fn new(spec: &Spec) -> Names {
        let mut taken: Vec<String> = RESERVED.iter().map(|s| s.to_string()).collect();
        let mut unique = |name: String| {
            let mut n = name.clone();
            let mut k = 2;
            while taken.contains(&n) {
                n = format!("{name}_{k}");
                k += 1;
            }
            taken.push(n.clone());
            n
        };
        let tasks: Vec<String> = spec.tasks.iter().map(|t| unique(ident(&t.name))).collect();
        let vars = spec.vars.iter().map(|v| unique(ident(v))).collect();
        let queues = spec.queues.iter().map(|q| unique(ident(q))).collect();
        let mutexes = spec.mutexes.iter().map(|m| unique(format!("{}_owner", ident(m)))).collect();
        let pages = spec.pages.iter().map(|p| unique(format!("{}_owner", ident(p)))).collect();
        // A task's own fields first, so that a local called `ret` becomes `R_ret_2`.
        for name in &tasks {
            for field in FIELDS {
                unique(format!("{name}_{field}"));
            }
        }
        let mut entries = Vec::new();
        let mut locals = Vec::new();
        for (t, name) in spec.tasks.iter().zip(&tasks) {
            let prog = &spec.programs[t.program];
            entries.push(prog.entries.iter().map(|e| unique(format!("{name}_{}", ident(&e.name)))).collect());
            locals.push(prog.locals.iter().map(|l| unique(format!("{name}_{}", ident(l)))).collect());
        }
        Names { tasks, vars, queues, mutexes, pages, entries, locals }
    }

    /// A field of a task's state: `R_state`, `R_pc`.
    pub(crate) fn field(&self, t: TaskId, field: &str) -> String {
        debug_assert!(FIELDS.contains(&field));
        format!("{}_{field}", self.tasks[t.index()])
    }

    pub(crate) fn var(&self, v: VarId) -> &str {
        &self.vars[v.index()]
    }

    pub(crate) fn queue(&self, q: QueueId) -> &str {
        &self.queues[q.index()]
    }

    pub(crate) fn queue_len(&self, q: QueueId) -> String {
        format!("{}_len", self.queues[q.index()])
    }

    pub(crate) fn mutex(&self, m: MutexId) -> &str {
        &self.mutexes[m.index()]
    }

    pub(crate) fn page_owner(&self, p: PageId) -> &str {
        &self.pages[p.index()]
    }

    /// An entry's flags word.
    pub(crate) fn entry(&self, t: TaskId, e: EntryId) -> String {
        format!("{}_flags", self.entries[t.index()][e.index()])
    }

    /// The queue an entry is linked on, plus one (0: none): a function of the lists, so it adds
    /// no state (it is not `hidden`: SPIN does not restore hidden variables when it backtracks).
    pub(crate) fn entry_on(&self, t: TaskId, e: EntryId) -> String {
        format!("{}_on", self.entries[t.index()][e.index()])
    }

    /// An entry as a queue's array holds it (`EntryRef`).
    pub(crate) fn entry_ref(&self, t: TaskId, e: EntryId) -> String {
        format!("{}_ref", self.entries[t.index()][e.index()])
    }

    fn local(&self, t: TaskId, l: u8) -> String {
        self.locals[t.index()][usize::from(l)].clone()
    }
}

/// The Promela model of `spec`.
pub fn promela(spec: &Spec) -> Result<String, Error> {
    let k = &spec.initial;
    if spec.memory != Memory::Sc {
        return Err(Error::Invalid(format!(
            "the Promela export models sequential consistency only (--memory sc), not {}",
            spec.memory.id()
        )));
    }
    if k.queues.iter().any(|q| !q.list.is_empty()) {
        return Err(Error::Invalid("the export needs every wait queue empty at the start".into()));
    }
    let n = Names::new(spec);
    let mut out = String::new();
    header(&mut out, spec);
    out += PRELUDE;
    state(&mut out, spec, &n, k);
    let can_step: Vec<String> = spec.task_ids().map(|t| enabled(spec, &n, t)).collect();
    let _ = writeln!(out, "\n/* Some task can step: a run is over when none can (world::can_step). */");
    let _ = writeln!(out, "#define CAN_STEP ({})", can_step.join(" || "));
    for t in spec.task_ids() {
        task(&mut out, spec, &n, t);
    }
    signals(&mut out, spec, &n);
    claim(&mut out, spec, &n);
    Ok(out)
}

fn header(out: &mut String, spec: &Spec) {
    let params: Vec<String> = spec.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(
        out,
        "/* wqsim export promela: {} {} ({})\n * \
         The model `wqsim explore` checks, for SPIN. Verify it with\n *   \
         spin -a model.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -m1000000\n * \
         \"states, stored\" equals `wqsim explore --no-reduction`'s state count; an assertion\n * \
         violation is a lost wakeup, and `./pan -r` with `spin -t -p` replays it. */\n",
        spec.scenario,
        spec.variant,
        params.join(" ")
    );
}

/// The state: everything `Kernel::encode` writes, with the scenario's initial values.
fn state(out: &mut String, spec: &Spec, n: &Names, k: &Kernel) {
    let links = spec.tasks.len() * crate::limits::MAX_ENTRIES;
    let _ = writeln!(out, "\n/* The kernel state (Kernel::encode). */");
    for (v, value) in k.vars.iter().enumerate() {
        let _ = writeln!(out, "int {} = {value};  /* {} */", n.var(VarId(v as u8)), spec.vars[v]);
    }
    for q in 0..k.queues.len() {
        let q = QueueId(q as u8);
        let _ = writeln!(out, "byte {}[{links}];  /* {}: entries, head first */", n.queue(q), spec.queues[q.index()]);
        let _ = writeln!(out, "byte {} = 0;", n.queue_len(q));
    }
    for m in 0..k.mutexes.len() {
        let _ = writeln!(out, "byte {} = NONE;  /* {} */", n.mutex(MutexId(m as u8)), spec.mutexes[m]);
    }
    for p in 0..k.pages.len() {
        let _ = writeln!(
            out,
            "byte {} = NONE;  /* who holds {}'s PG_locked */",
            n.page_owner(PageId(p as u8)),
            spec.pages[p]
        );
    }
    for t in spec.task_ids() {
        let task = k.task(t);
        let prog = spec.program(t);
        let pc_type = if prog.instrs.len() < 255 { "byte" } else { "short" };
        let _ = writeln!(out, "/* {} ({}) */", spec.task_name(t), prog.name);
        let _ = writeln!(out, "{pc_type} {} = {};", n.field(t, "pc"), task.pc);
        let _ = writeln!(out, "short {} = {};", n.field(t, "state"), task.state.bits());
        let _ = writeln!(out, "bool {} = {};", n.field(t, "on_rq"), u8::from(task.on_rq));
        let _ = writeln!(out, "bool {} = {};", n.field(t, "signal"), u8::from(task.fatal_signal));
        let _ = writeln!(out, "bool {} = {};", n.field(t, "exited"), u8::from(task.exit.is_some()));
        let _ = writeln!(out, "int {} = {};", n.field(t, "ret"), task.exit.unwrap_or(0));
        let _ = writeln!(out, "byte {} = {};", n.field(t, "waits_for"), task.waits_for.map_or(0, |s| s + 1));
        for l in 0..usize::from(task.locals_used).min(prog.locals.len()) {
            let _ = writeln!(out, "int {} = {};", n.local(t, l as u8), task.locals[l]);
        }
        for (e, entry) in task.entries.iter().enumerate() {
            let e = EntryId(e as u8);
            let _ = writeln!(out, "byte {} = {};", n.entry(t, e), entry.flags.bits());
            let _ = writeln!(
                out,
                "byte {} = 0;  /* the queue it is linked on, + 1: read from the lists, so no new states */",
                n.entry_on(t, e)
            );
            let _ = writeln!(out, "#define {} {}", n.entry_ref(t, e), t.0 * 4 + e.0);
        }
    }
}

/// Whether task `t` can step (`exec::enabled`): alive, on a run queue, and not at a
/// `mutex_lock()` of a held mutex.
fn enabled(spec: &Spec, n: &Names, t: TaskId) -> String {
    let mut s = format!("(!{} && {}", n.field(t, "exited"), n.field(t, "on_rq"));
    for (pc, lock) in spec.program(t).locks.iter().enumerate() {
        if let Some(m) = lock {
            let _ = write!(s, " && ({} != {pc} || {} == NONE)", n.field(t, "pc"), n.mutex(*m));
        }
    }
    s + ")"
}

/// Task `t`'s process: a `d_step` from every instruction a task can stand at, which runs it and
/// then the instructions after it that are not steps.
fn task(out: &mut String, spec: &Spec, n: &Names, t: TaskId) {
    let prog = spec.program(t);
    let name = &n.tasks[t.index()];
    let pc = n.field(t, "pc");
    let enabled = format!("!{} && {}", n.field(t, "exited"), n.field(t, "on_rq"));
    let local = |i: usize| prog.code.get(i).is_some_and(|c| *c != Code::Step);
    let _ = writeln!(out, "\nactive proctype {name}_task() {{\nend:\n  do");
    for i in 0..prog.instrs.len() {
        // A task stands at a local instruction only when a loop of them ran out of budget.
        if local(i) && !on_local_cycle(prog, i) && !matches!(prog.code[i], Code::StepIfLinked(_)) {
            continue;
        }
        let lock = match prog.locks.get(i) {
            Some(Some(m)) => format!(" && {} == NONE", n.mutex(*m)),
            _ => String::new(),
        };
        let mut body = instr(spec, n, t, prog, i);
        body.extend(settle(spec, n, t, prog.successors(i)));
        let _ = writeln!(
            out,
            "  :: d_step {{ {pc} == {i} && {enabled}{lock} ->  /* {} */\n       {} }}",
            prog.instrs[i].code.replace("*/", "* /"),
            body.join(";\n       ")
        );
    }
    let _ = writeln!(out, "  od\n}}");
}

/// The local instructions reachable from `from` through local instructions: those a step
/// starting there may run after its first (exec::run_locals), with the end of the program.
fn locals_from(prog: &Program, from: impl IntoIterator<Item = usize>) -> std::collections::BTreeSet<usize> {
    let mut seen = std::collections::BTreeSet::new();
    let mut todo: Vec<usize> = from.into_iter().collect();
    while let Some(i) = todo.pop() {
        let local = prog.code.get(i).is_none_or(|c| *c != Code::Step);
        if local && seen.insert(i) && i < prog.instrs.len() {
            todo.extend(prog.successors(i));
        }
    }
    seen
}

/// Whether local instruction `pc` lies on a loop of local instructions only.
fn on_local_cycle(prog: &Program, pc: usize) -> bool {
    locals_from(prog, prog.successors(pc)).contains(&pc)
}

/// After a step's first instruction, the instructions that are not steps, from those that can
/// come next (exec::run_locals: at most 1024 of them). Empty when every one is a step.
fn settle(spec: &Spec, n: &Names, t: TaskId, next: impl IntoIterator<Item = usize>) -> Vec<String> {
    let prog = spec.program(t);
    let reachable = locals_from(prog, next);
    if reachable.is_empty() {
        return vec![];
    }
    let pc = n.field(t, "pc");
    let mut arms = Vec::new();
    for &i in &reachable {
        let arm = match prog.code.get(i) {
            None => format!(":: {pc} == {i} -> {} = 1; {} = 0", n.field(t, "exited"), n.field(t, "ret")),
            Some(Code::StepIfLinked(e)) => {
                format!(":: {pc} == {i} && {} == 0 -> {}", n.entry_on(t, *e), instr(spec, n, t, prog, i).join("; "))
            }
            Some(_) => format!(":: {pc} == {i} -> {}", instr(spec, n, t, prog, i).join("; ")),
        };
        arms.push(arm);
    }
    vec![format!(
        "sc_budget = 0;\n       do\n       :: {} || sc_budget >= 1024 -> break\n       :: else ->\n          if\n          {}\n          :: else -> break\n          fi;\n          sc_budget++\n       od;\n       skip",
        n.field(t, "exited"),
        arms.join("\n          ")
    )]
}

/// Instruction `pc` of task `t`, as Promela statements that end with the task's next pc.
fn instr(spec: &Spec, n: &Names, t: TaskId, prog: &Program, pc: usize) -> Vec<String> {
    let pc_var = n.field(t, "pc");
    let next = pc + 1;
    let expr = |e: ExprId| expression(n, t, prog, e);
    let goto = |to: String| format!("{pc_var} = {to}");
    match prog.instrs[pc].op {
        Op::Assign { dst, expr: e } => {
            let value = expr(e);
            let store = match dst {
                Place::Local(l) => format!("{} = {value}", n.local(t, l.0)),
                Place::Var(v) | Place::Buffered(v) => n.write_var(spec, v, &value, t),
                Place::EntryFlags(e) => format!("{} = {value}", n.entry(t, e)),
            };
            vec![store, goto(next.to_string())]
        }
        Op::Call { prim, ret } => {
            let mut out = n.primitive(spec, t, prim, &|l| n.local(t, l));
            let last = match ret {
                Ret::Discard => goto(next.to_string()),
                Ret::Local(l) => format!("{} = sc_rv; {}", n.local(t, l.0), goto(next.to_string())),
                Ret::Branch { then, when, .. } => {
                    goto(format!("((sc_rv != 0) == {} -> {} : {next})", u8::from(when), then.0))
                }
            };
            out.push(last);
            out
        }
        Op::Branch { cond, then, .. } => vec![goto(format!("(({}) != 0 -> {} : {next})", expr(cond), then.0))],
        Op::Goto { then } => vec![goto(then.0.to_string())],
        Op::Exit { value } => vec![format!("{} = {}; {} = 1", n.field(t, "ret"), expr(value), n.field(t, "exited"))],
        Op::Nop | Op::Work { .. } => vec![goto(next.to_string())],
    }
}

/// An expression of task `t`'s program.
fn expression(n: &Names, t: TaskId, prog: &Program, e: ExprId) -> String {
    let sub = |x: ExprId| expression(n, t, prog, x);
    match prog.expr(e) {
        Expr::Const(v) => v.to_string(),
        Expr::Local(l) => n.local(t, l.0),
        Expr::Var(v) => n.var(v).to_string(),
        Expr::EntryFlags(entry) => n.entry(t, entry),
        Expr::Unary(UnOp::Not, a) => format!("(({}) == 0)", sub(a)),
        Expr::Unary(UnOp::Neg, a) => format!("(-({}))", sub(a)),
        Expr::Unary(UnOp::BitNot, a) => format!("(~({}))", sub(a)),
        Expr::Binary(BinOp::And, a, b) => format!("(({}) != 0 && ({}) != 0)", sub(a), sub(b)),
        Expr::Binary(BinOp::Or, a, b) => format!("(({}) != 0 || ({}) != 0)", sub(a), sub(b)),
        Expr::Binary(op, a, b) => format!("(({}) {} ({}))", sub(a), binop(op), sub(b)),
        Expr::Select(c, a, b) => format!("(({}) != 0 -> ({}) : ({}))", sub(c), sub(a), sub(b)),
        Expr::Read(r, args) => {
            let args: Vec<String> = args[..r.arity()].iter().map(|&a| sub(a)).collect();
            n.read(t, r, &args)
        }
    }
}

fn binop(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Rem => "%",
        BinOp::Shl => "<<",
        BinOp::Shr => ">>",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::And => "&&",
        BinOp::Or => "||",
    }
}

/// Fatal signals, delivered while some task can step (`world::choices`) [ref §0].
fn signals(out: &mut String, spec: &Spec, n: &Names) {
    let targets: Vec<TaskId> = spec.task_ids().filter(|t| spec.tasks[t.index()].signalable).collect();
    if targets.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n/* Fatal signals: send_fatal_signal() (signal.rs). */\nactive proctype signals() {{\nend:\n  do"
    );
    for t in targets {
        let sig = n.field(t, "signal");
        let _ = writeln!(
            out,
            "  :: d_step {{ CAN_STEP && !{sig} && !{ex} -> {sig} = 1; {wake} }}",
            ex = n.field(t, "exited"),
            wake = n.signal_wakeup(t)
        );
    }
    let _ = writeln!(out, "  od\n}}");
}

/// The oracle's end check (`oracle::classify`): where no task can step, no task sleeps while
/// what it waits for holds.
fn claim(out: &mut String, spec: &Spec, n: &Names) {
    let mut lost = Vec::new();
    for t in spec.task_ids() {
        let prog = spec.program(t);
        let asleep = format!("!{} && !{}", n.field(t, "on_rq"), n.field(t, "exited"));
        for (s, sleep) in prog.sleeps.iter().enumerate() {
            if let Some(until) = sleep.until {
                lost.push(format!(
                    "({asleep} && {} == {} && ({}) != 0)",
                    n.field(t, "waits_for"),
                    s + 1,
                    expression(n, t, prog, until)
                ));
            }
        }
    }
    let lost = if lost.is_empty() { "0".to_string() } else { lost.join(" || \\\n   ") };
    let _ = writeln!(
        out,
        "\n/* A lost wakeup: a task sleeps while what it waits for holds (oracle::task_waits_in_vain). */\n\
         #define LOST_WAKEUP ({lost})\n\n\
         /* The end check, in a state where no task can step: a step back to the same state. */\n\
         active proctype oracle() {{\nend:\n  do\n  :: d_step {{ !CAN_STEP -> assert(!LOST_WAKEUP) }}\n  od\n}}"
    );
}

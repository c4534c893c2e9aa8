//! What a task waits for, read from its code, so that scenarios need no annotation for the
//! oracle [ref §1.5, §2.2].
//!
//! At each `schedule()` S, a test T of shared state *leads away* from S when one of its
//! outcomes reaches S again only by passing T again (a `break`, a `return`, a `goto` out of the
//! loop) and the other reaches S without it. The task at S waits for the disjunction of those
//! outcomes. Tests of signals and of queues (`waitqueue_active()`, `list_empty()`) are never
//! what a task waits for. A test of a read-modify-write counts as a test of what it reads:
//! `if (!test_and_set_bit_lock(PG_locked, &page->flags)) break;` waits for PG_locked clear.
//!
//! Each such test is marked with the outcome that means "the wait is over", for the oracle's
//! per-step checks (`Op::Branch::wait`); each `schedule()` gets its `Sleep`, for the end-of-run
//! check (`oracle::classify`).

use crate::kernel::api::AtomicRet;
use crate::kernel::read::Read;
use crate::lang::ast::Toks;
use crate::lang::codegen::Emitted;
use crate::lang::listing::{closes_at_end, join_tokens, strip_parens};
use crate::lang::preprocess::PTok;
use crate::program::{BinOp, Expr, ExprId, Op, Prim, Program, Ret, Sleep, UnOp};

/// The instructions `pc` may go to next.
fn successors(code: &[Emitted], pc: usize) -> Vec<usize> {
    code[pc].op.successors(pc).filter(|&s| s < code.len()).collect()
}

/// Whether an expression reads shared state other than signals and queue occupancy.
fn observes(prog: &Program, e: ExprId) -> bool {
    match prog.expr(e) {
        Expr::Const(_) | Expr::Local(_) => false,
        Expr::Var(_) | Expr::EntryFlags(_) => true,
        Expr::Unary(_, a) => observes(prog, a),
        Expr::Binary(_, a, b) => observes(prog, a) || observes(prog, b),
        Expr::Select(c, a, b) => observes(prog, c) || observes(prog, a) || observes(prog, b),
        Expr::Read(r, args) => !r.is_signal_or_queue() || args[..r.arity()].iter().any(|&a| observes(prog, a)),
    }
}

/// How deep a local's copy may be followed (`a = b; b = ready;`).
const MAX_COPIES: usize = 4;

/// `e` at `pc`, with each local replaced by the one value assigned to it on every path to
/// `pc`: `done = ready; ... if (done) break;` waits for `ready`. `None` when some local has
/// several definitions there, or none: what the test reads is then not one shared value.
fn through_locals(
    prog: &mut Program,
    code: &[Emitted],
    preds: &[Vec<usize>],
    pc: usize,
    e: ExprId,
    defs: &mut Vec<usize>,
) -> Option<ExprId> {
    let rebuild = |prog: &mut Program, x: Expr| Some(push(prog, x));
    match prog.expr(e) {
        Expr::Const(_) | Expr::Var(_) | Expr::EntryFlags(_) => Some(e),
        Expr::Local(l) => {
            if defs.len() >= MAX_COPIES {
                return None;
            }
            let def = only_definition(code, preds, pc, l)?;
            defs.push(def);
            match code[def].op {
                Op::Assign { expr, .. } => through_locals(prog, code, preds, def, expr, defs),
                _ => None,
            }
        }
        Expr::Unary(op, a) => {
            let a = through_locals(prog, code, preds, pc, a, defs)?;
            rebuild(prog, Expr::Unary(op, a))
        }
        Expr::Binary(op, a, b) => {
            let a = through_locals(prog, code, preds, pc, a, defs)?;
            let b = through_locals(prog, code, preds, pc, b, defs)?;
            rebuild(prog, Expr::Binary(op, a, b))
        }
        Expr::Select(c, a, b) => {
            let c = through_locals(prog, code, preds, pc, c, defs)?;
            let a = through_locals(prog, code, preds, pc, a, defs)?;
            let b = through_locals(prog, code, preds, pc, b, defs)?;
            rebuild(prog, Expr::Select(c, a, b))
        }
        Expr::Read(r, mut args) => {
            for a in &mut args[..r.arity()] {
                *a = through_locals(prog, code, preds, pc, *a, defs)?;
            }
            rebuild(prog, Expr::Read(r, args))
        }
    }
}

/// The one instruction that assigns local `l` on every path reaching `pc`, if there is one.
fn only_definition(code: &[Emitted], preds: &[Vec<usize>], pc: usize, l: crate::program::LocalId) -> Option<usize> {
    let assigns = |x: usize| {
        matches!(code[x].op, Op::Assign { dst: crate::program::Place::Local(d), .. } if d == l)
            || matches!(code[x].op, Op::Call { ret: Ret::Local(d), .. } if d == l)
    };
    let mut def = None;
    let mut seen = vec![false; code.len()];
    let mut stack = vec![pc];
    while let Some(x) = stack.pop() {
        // The task's first instruction: the local's initial value reaches `pc` too.
        if x == 0 && !assigns(0) {
            return None;
        }
        for &p in &preds[x] {
            if std::mem::replace(&mut seen[p], true) {
                continue;
            }
            if assigns(p) {
                if def.is_some_and(|d| d != p) {
                    return None;
                }
                def = Some(p);
            } else {
                stack.push(p);
            }
        }
    }
    def
}

/// A test: the value it branches on, as a pure expression, and when it jumps.
struct Test {
    pc: usize,
    /// True when the branch is taken.
    taken_when: ExprId,
    /// The assignments of the locals it reads (`done = ready`), which the test reads through.
    copies: Vec<usize>,
}

/// The pure value a primitive's result is, read before it acts, if it observes shared state.
fn observed_value(prog: &mut Program, prim: Prim) -> Option<ExprId> {
    let mut push = |e: Expr| {
        prog.exprs.push(e);
        ExprId((prog.exprs.len() - 1) as u16)
    };
    match prim {
        Prim::TestAndSetBit { var, bit, invert } => {
            let v = push(Expr::Read(Read::TestBit { var, bit }, [ExprId::default(); 3]));
            Some(if invert { push(Expr::Unary(UnOp::Not, v)) } else { v })
        }
        Prim::AtomicAdd { var, delta, ret } => {
            let v = push(Expr::Var(var));
            let d = push(Expr::Const(delta));
            let new = push(Expr::Binary(BinOp::Add, v, d));
            Some(match ret {
                AtomicRet::Old => v,
                AtomicRet::New | AtomicRet::None => new,
                AtomicRet::IsZero => {
                    let zero = push(Expr::Const(0));
                    push(Expr::Binary(BinOp::Eq, new, zero))
                }
            })
        }
        _ => None,
    }
}

/// Find each test and each `schedule()`, and mark them.
pub fn infer(prog: &mut Program, code: &mut [Emitted], tokens: &[PTok]) {
    let n = code.len();
    let mut preds = vec![Vec::new(); n];
    for pc in 0..n {
        for s in successors(code, pc) {
            preds[s].push(pc);
        }
    }
    // Code no path reaches (the other branch of `if (lock)` with `lock` constant) tests nothing.
    let mut reachable = vec![false; n];
    let mut stack = vec![0];
    while let Some(pc) = stack.pop() {
        if pc < n && !std::mem::replace(&mut reachable[pc], true) {
            stack.extend(successors(code, pc));
        }
    }
    let mut tests = Vec::new();
    for pc in (0..n).filter(|&pc| reachable[pc]) {
        match code[pc].op {
            Op::Branch { cond, .. } => {
                let mut copies = Vec::new();
                if let Some(taken_when) = through_locals(prog, code, &preds, pc, cond, &mut copies) {
                    if observes(prog, taken_when) {
                        tests.push(Test { pc, taken_when, copies });
                    }
                }
            }
            Op::Call { prim, ret: Ret::Branch { when, .. } } => {
                if let Some(v) = observed_value(prog, prim) {
                    let taken = if when { v } else { push(prog, Expr::Unary(UnOp::Not, v)) };
                    tests.push(Test { pc, taken_when: taken, copies: Vec::new() });
                }
            }
            _ => {}
        }
    }
    let sleeps: Vec<usize> =
        (0..n).filter(|&pc| matches!(code[pc].op, Op::Call { prim: Prim::Schedule { .. }, .. })).collect();
    let mut marks: Vec<Option<bool>> = vec![None; n];
    for &s in &sleeps {
        let mut until: Option<ExprId> = None;
        let mut texts = Vec::new();
        let mut copies = Vec::new();
        for t in &tests {
            let reach = reaching_without(&preds, s, t.pc);
            let succ = successors(code, t.pc);
            let taken = succ.first().copied();
            let fall = (t.pc + 1 < n).then_some(t.pc + 1);
            let reaches = |x: Option<usize>| x.is_some_and(|x| x == s || reach[x]);
            let (rt, rf) = (reaches(taken), reaches(fall));
            if rt == rf {
                continue;
            }
            // The outcome that does not come back to `s` means the wait is over.
            let over_when_taken = !rt;
            marks[t.pc].get_or_insert(over_when_taken);
            let cond = if over_when_taken { t.taken_when } else { push(prog, Expr::Unary(UnOp::Not, t.taken_when)) };
            until = Some(match until {
                None => cond,
                Some(u) => push(prog, Expr::Binary(BinOp::Or, u, cond)),
            });
            // A macro may test the same condition twice (before its loop and in it).
            let text = condition_text(code, t.pc, over_when_taken, tokens);
            for &def in &t.copies {
                let copy = statement_text(code, def, tokens);
                if !copies.contains(&copy) {
                    copies.push(copy);
                }
            }
            if !texts.contains(&text) {
                texts.push(text);
            }
        }
        let index = prog.sleeps.len() as u8;
        if let Op::Call { prim: Prim::Schedule { sleep }, .. } = &mut code[s].op {
            *sleep = index;
        }
        let mut text = texts.join(" || ");
        if !copies.is_empty() {
            text += &format!(", where {}", copies.join(", "));
        }
        prog.sleeps.push(Sleep { until, text });
    }
    for (pc, mark) in marks.into_iter().enumerate() {
        let Some(over) = mark else { continue };
        match &mut code[pc].op {
            Op::Branch { wait, .. } => *wait = Some(over),
            // A primitive's branch is taken when `(value != 0) == when`.
            Op::Call { ret: Ret::Branch { wait, when, .. }, .. } => *wait = Some(if over { *when } else { !*when }),
            _ => {}
        }
    }
}

fn push(prog: &mut Program, e: Expr) -> ExprId {
    prog.exprs.push(e);
    ExprId((prog.exprs.len() - 1) as u16)
}

/// Which instructions reach `target` without passing through `avoid`.
fn reaching_without(preds: &[Vec<usize>], target: usize, avoid: usize) -> Vec<bool> {
    let mut seen = vec![false; preds.len()];
    let mut stack = vec![target];
    while let Some(x) = stack.pop() {
        for &p in &preds[x] {
            if p != avoid && !seen[p] {
                seen[p] = true;
                stack.push(p);
            }
        }
    }
    seen
}

/// A test's condition as C, for `wqsim check --waits`: what holds when the wait is over.
fn condition_text(code: &[Emitted], pc: usize, over_when_taken: bool, tokens: &[PTok]) -> String {
    let e = &code[pc];
    let text = join_tokens(slice(tokens, e.cond.unwrap_or(e.origin.code)));
    let text = text.trim_end_matches(';').trim().to_string();
    // A primitive's branch: the statement is its call.
    let taken_means_nonzero = match e.op {
        Op::Call { ret: Ret::Branch { when, .. }, .. } => when,
        _ => true,
    };
    if over_when_taken == taken_means_nonzero {
        strip_parens(&text).to_string()
    } else {
        negate(&text)
    }
}

/// The statement of instruction `pc`, without its `;`.
fn statement_text(code: &[Emitted], pc: usize, tokens: &[PTok]) -> String {
    join_tokens(slice(tokens, code[pc].origin.code)).trim_end_matches(';').trim().to_string()
}

pub fn slice(tokens: &[PTok], t: Toks) -> &[PTok] {
    let end = (t.end as usize).min(tokens.len());
    &tokens[(t.start as usize).min(end)..end]
}

/// `!x` as C reads it: `!f(x)`, `!(a || b)`, and `!!f(x)` as `f(x)`.
fn negate(text: &str) -> String {
    let text = strip_parens(text);
    match text.strip_prefix('!') {
        Some(inner) if is_atom(inner) => strip_parens(inner).to_string(),
        _ if is_atom(text) => format!("!{text}"),
        _ => format!("!({text})"),
    }
}

/// A name, a member chain or a call, or a parenthesised whole: what `!` binds to directly.
fn is_atom(s: &str) -> bool {
    let head = s.find('(').unwrap_or(s.len());
    let name_ok = s[..head].chars().all(|c| c.is_ascii_alphanumeric() || "_->.".contains(c));
    if head == s.len() {
        return !s.is_empty() && name_ok;
    }
    name_ok && closes_at_end(&s[head..])
}

//! One role's program: its function and every function it calls, inlined, compiled into
//! instructions. A call's `return` goes where the call's value is used: discarded, assigned
//! to a variable, tested by the caller's `if`, or ending the task. So no hidden temporary is
//! needed for `if (!trylock_page(page))` or `ret = wait_on_page_bit_common(...)`, and the task
//! holds exactly the locals its C declares.
//!
//! The `impl Gen` is split by what it compiles: `stmt.rs` statements (blocks, loops, `goto`,
//! `return`, assignments), `decl.rs` declarations (locals, wait entries and their parts fixed
//! when compiled), `expr.rs` calls, conditions and expressions. This file holds the types, the
//! emission primitives, name lookup, the inlining of a function and `finish`.

mod decl;
mod expr;
mod stmt;

pub use expr::describe;

use std::collections::HashMap;

use crate::ids::EntryId;
use crate::kernel::api;
use crate::kernel::memory::Memory;
use crate::kernel::waitqueue::WakeFn;
use crate::lang::ast::{self, Block, Expr, ExprKind, Function, Init, Stmt, StmtKind, Toks, UnaryOp};
use crate::lang::compile::{Env, Node, Role, TaskRef, TypeKind};
use crate::lang::diag::{suggest, Diagnostic, Reported, Span};
use crate::limits::{MAX_ENTRIES, MAX_INLINE, MAX_INSTRS, MAX_LOCALS};
use crate::program::{EntryDecl, Expr as IExpr, ExprId, LocalId, Op, Place, Prim, Program, Ret, Target};

pub type R<T> = Result<T, Reported>;

/// A jump target while the program is being built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(pub u16);

/// Where the value of the function being inlined goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    /// The task's own function: `return` ends the task.
    Exit,
    Discard,
    Assign(Place),
    /// The caller tests it: jump to `on_true` when non-zero.
    Branch {
        on_true: Label,
        on_false: Label,
    },
}

/// An integer value: known now, or computed at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    Const(i32),
    Expr(ExprId),
}

/// The statement an instruction comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    /// For the listing: the statement's span in the file (a macro call's, for an expansion).
    pub span: Span,
    pub toks: Toks,
    /// What the narration shows: for a condition, the `if (...)` part only.
    pub code: Toks,
    /// The function it sits in (index into `Gen::funcs`).
    pub func: usize,
}

/// An instruction being built: targets are labels until `finish`.
#[derive(Clone, Debug)]
pub struct Emitted {
    pub op: Op,
    /// Inside a spinlock's critical section.
    pub critical: bool,
    pub origin: Origin,
    /// For a test: the condition's tokens (for `wqsim check --waits`).
    pub cond: Option<Toks>,
}

struct Frame {
    func: usize,
    scopes: Vec<HashMap<String, Node>>,
    /// (break, continue, spinlocks held when the loop began).
    loops: Vec<(Label, Label, usize)>,
    goto_scopes: Vec<HashMap<String, Label>>,
    ctx: Ctx,
    end: Label,
    held: usize,
    name: String,
}

pub struct Gen<'e, 'a> {
    pub env: &'e mut Env<'a>,
    pub prog: Program,
    pub code: Vec<Emitted>,
    labels: Vec<Option<u16>>,
    frames: Vec<Frame>,
    /// Spinlocks held: (name, where taken).
    pub held: Vec<(String, Span)>,
    pub origin: Origin,
    /// The functions inlined, in first-use order: their names and spans, for the listing.
    pub funcs: Vec<(String, Span)>,
    /// Each entry's static parts, set once: (wake function, key page, key bit).
    statics: Vec<EntryStatics>,
    /// Names whose declaration failed with a diagnostic: their uses are not reported again as
    /// "not declared".
    failed_decls: Vec<String>,
    /// Each `struct wait_page_key`'s page (its flags word), bit and `page_match` local.
    pub keys: Vec<KeyStatics>,
}

/// A waker's `struct wait_page_key`: `page` and `bit_nr` fixed when compiled, `page_match` a
/// local of the task [ref §2.1].
#[derive(Clone, Copy, Debug)]
pub struct KeyStatics {
    pub var: Option<crate::ids::VarId>,
    pub bit: Option<u8>,
    pub page_match: LocalId,
}

#[derive(Clone, Debug, Default)]
struct EntryStatics {
    /// The wake function, where it was set, and whether by name (`wait->func = ...`, which an
    /// initialiser's default does not override).
    func: Option<(WakeFn, Span, bool)>,
    key_var: Option<crate::ids::VarId>,
    key_bit: Option<u8>,
}

/// An instruction outside a critical section, as it runs under `tso` [ref §6]: a plain store to
/// a shared variable and `__set_current_state()` enter the store buffer; `spin_lock()` is a
/// locked instruction that drains it. (Inside the section, which is one step that began with
/// that drain, stores reach memory at once: a TSO execution whose buffer drains at the unlock.)
fn tso(op: Op) -> Op {
    match op {
        Op::Assign { dst: Place::Var(v), expr } => Op::Assign { dst: Place::Buffered(v), expr },
        Op::Call { prim: Prim::SetState { state, barrier: false }, ret } => {
            Op::Call { prim: Prim::StoreState { state }, ret }
        }
        Op::Nop => Op::Call { prim: Prim::Fence, ret: Ret::Discard },
        op => op,
    }
}

/// Compile `role`: its program, or `None` after diagnostics.
pub fn role(env: &mut Env, role: &Role) -> Option<Program> {
    let Some(f) = env.functions.get(&role.run).copied() else {
        let mut d = Diagnostic::error(role.span, format!("no function `{}` in the source to run", role.run));
        if let Some(s) = suggest(&role.run, env.functions.keys().map(String::as_str)) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        env.diags.push(d);
        return None;
    };
    let before = env.diags.len();
    let mut g = Gen {
        env,
        prog: Program { name: role.run.clone(), ..Program::default() },
        code: Vec::new(),
        labels: Vec::new(),
        frames: Vec::new(),
        held: Vec::new(),
        origin: Origin { span: f.span, toks: Toks::default(), code: Toks::default(), func: 0 },
        funcs: Vec::new(),
        statics: Vec::new(),
        failed_decls: Vec::new(),
        keys: Vec::new(),
    };
    let _ = g.call_function(f, &[], Ctx::Exit, f.name.span);
    if g.env.diags.len() > before {
        return None;
    }
    g.finish()
}

impl<'e, 'a> Gen<'e, 'a> {
    pub fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.env.error(span, msg);
    }

    fn fail<T>(&mut self, span: Span, msg: impl Into<String>) -> R<T> {
        self.error(span, msg);
        Err(Reported)
    }

    // ---- building

    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        Label((self.labels.len() - 1) as u16)
    }

    pub fn bind(&mut self, l: Label) {
        self.labels[usize::from(l.0)] = Some(self.code.len() as u16);
    }

    pub fn emit(&mut self, op: Op) {
        self.emit_cond(op, None);
    }

    pub fn emit_cond(&mut self, op: Op, cond: Option<Toks>) {
        let critical = !self.held.is_empty();
        let op = if self.env.input.memory == Memory::Tso && !critical { tso(op) } else { op };
        self.code.push(Emitted { op, critical, origin: self.origin, cond });
    }

    pub fn goto(&mut self, l: Label) {
        self.emit(Op::Goto { then: Target(l.0) });
    }

    pub fn expr(&mut self, e: IExpr) -> ExprId {
        self.prog.exprs.push(e);
        ExprId((self.prog.exprs.len() - 1) as u16)
    }

    pub fn operand(&mut self, o: Operand) -> ExprId {
        match o {
            Operand::Const(v) => self.expr(IExpr::Const(v)),
            Operand::Expr(e) => e,
        }
    }

    /// A new local slot.
    pub fn local(&mut self, name: &str, span: Span) -> R<LocalId> {
        if self.prog.locals.len() >= MAX_LOCALS {
            return self.fail(
                span,
                format!(
                    "`{name}` is over the limit of {MAX_LOCALS} locals per task (counting every inlined call's own)"
                ),
            );
        }
        self.prog.locals.push(name.to_string());
        Ok(LocalId((self.prog.locals.len() - 1) as u8))
    }

    /// A new wait entry of the task.
    pub fn entry(&mut self, name: &str, span: Span) -> R<EntryId> {
        if self.prog.entries.len() >= MAX_ENTRIES {
            return self.fail(span, format!("`{name}` is over the limit of {MAX_ENTRIES} wait entries per task"));
        }
        self.prog.entries.push(EntryDecl { name: name.to_string(), func: WakeFn::Default, key: None });
        self.statics.push(EntryStatics::default());
        Ok(EntryId((self.prog.entries.len() - 1) as u8))
    }

    /// The function being compiled (there is always one: `role` starts with the task's own).
    fn frame(&mut self) -> &mut Frame {
        let top = self.frames.len() - 1;
        &mut self.frames[top]
    }

    fn bind_name(&mut self, name: &ast::Ident, node: Node) {
        let frame = self.frame();
        if let Some(scope) = frame.scopes.last_mut() {
            scope.insert(name.name.clone(), node);
        }
    }

    /// What `name` denotes here.
    pub fn lookup(&mut self, name: &str, span: Span) -> R<Node> {
        if let Some(frame) = self.frames.last() {
            for scope in frame.scopes.iter().rev() {
                if let Some(n) = scope.get(name) {
                    return Ok(n.clone());
                }
            }
        }
        if let Some(n) = self.env.globals.get(name) {
            let n = n.clone();
            return Ok(self.env.resolve(n));
        }
        if name == "current" {
            return Ok(Node::Task(TaskRef::Current));
        }
        if let Some(i) = self.env.input.tasks.iter().position(|t| t == name) {
            return Ok(Node::Task(TaskRef::Task(crate::ids::TaskId(i as u8))));
        }
        if let Some(v) = self.env.constant(name) {
            return Ok(Node::Const(v));
        }
        if self.failed_decls.iter().any(|n| n == name) {
            return Err(Reported);
        }
        let mut known: Vec<&str> = self.env.globals.keys().map(String::as_str).collect();
        if let Some(frame) = self.frames.last() {
            for scope in &frame.scopes {
                known.extend(scope.keys().map(String::as_str));
            }
        }
        known.extend(api::CONSTANTS.iter().map(|(n, _)| *n));
        known.extend(self.env.input.params.keys().map(String::as_str));
        let mut d = Diagnostic::error(span, format!("`{name}` is not declared")).label("not declared here");
        if let Some(s) = suggest(name, known) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        self.env.diags.push(d);
        Err(Reported)
    }

    // ---- functions

    /// Inline a call of `f`, its value going to `ctx`.
    pub fn call_function(&mut self, f: &'a Function, args: &'a [Expr], ctx: Ctx, call: Span) -> R<()> {
        if self.frames.len() >= MAX_INLINE {
            return self.fail(call, format!("calls are nested over the limit of {MAX_INLINE}"));
        }
        if self.frames.iter().any(|fr| fr.name == f.name.name) {
            return self
                .fail(call, format!("`{}` calls itself: recursion is not part of the scenario language", f.name.name));
        }
        if args.len() != f.params.len() {
            let msg = format!("`{}` takes {} arguments, given {}", f.name.name, f.params.len(), args.len());
            self.env.diags.push(Diagnostic::error(call, msg).note(f.name.span, "defined here"));
            return Err(Reported);
        }
        if matches!(ctx, Ctx::Assign(_) | Ctx::Branch { .. }) && f.ret.is_void() {
            return self.fail(call, format!("`{}` returns no value", f.name.name));
        }
        // Arguments are evaluated in the caller's scope.
        let mut bound = Vec::with_capacity(args.len());
        for (p, a) in f.params.iter().zip(args) {
            let kind = self.env.type_kind(&p.ty);
            let node = if p.ty.pointer > 0 || !matches!(kind, Some(TypeKind::Int)) {
                self.object(a)?
            } else {
                match self.rvalue(a)? {
                    // A parameter the body assigns (`timeout = schedule_timeout(timeout);`) is a
                    // local even when its argument is a constant.
                    Operand::Const(v) if !assigns(&f.body.stmts, &p.name.name) => Node::Const(v),
                    v => {
                        let e = self.operand(v);
                        let l = self.local(&p.name.name, p.name.span)?;
                        self.emit(Op::Assign { dst: Place::Local(l), expr: e });
                        Node::Int(Place::Local(l))
                    }
                }
            };
            bound.push((p.name.clone(), node));
        }
        let func = match self.funcs.iter().position(|(n, _)| *n == f.name.name) {
            Some(i) => i,
            None => {
                self.funcs.push((f.name.name.clone(), f.span));
                self.funcs.len() - 1
            }
        };
        let end = self.label();
        self.frames.push(Frame {
            func,
            scopes: vec![bound.into_iter().map(|(n, node)| (n.name, node)).collect()],
            loops: Vec::new(),
            goto_scopes: Vec::new(),
            ctx,
            end,
            held: self.held.len(),
            name: f.name.name.clone(),
        });
        let saved = self.origin;
        self.origin.func = func;
        let result = self.function_body(&f.body, f);
        self.origin = saved;
        self.frames.pop();
        self.bind(end);
        result
    }

    fn function_body(&mut self, body: &'a Block, f: &'a Function) -> R<()> {
        self.push_goto_scope(&body.stmts);
        self.block(body);
        self.pop_goto_scope();
        // Falling off the end.
        let held = self.frame().held;
        if self.held.len() > held {
            let (name, at) = self.held[held].clone();
            return self.fail(at, format!("`{name}` is still held at the end of `{}`", f.name.name));
        }
        match self.frame().ctx {
            Ctx::Exit => {
                let zero = self.expr(IExpr::Const(0));
                self.origin.span = Span::new(body.span.end.saturating_sub(1), body.span.end);
                self.emit(Op::Exit { value: zero });
            }
            Ctx::Branch { on_false, .. } => self.goto(on_false),
            Ctx::Discard | Ctx::Assign(_) => {}
        }
        Ok(())
    }

    /// Labels of a body, known before its statements so that `goto` may jump forward.
    fn push_goto_scope(&mut self, stmts: &'a [Stmt]) {
        let mut names = Vec::new();
        collect_labels(stmts, &mut names);
        let mut scope = HashMap::new();
        for name in names {
            let l = self.label();
            scope.insert(name, l);
        }
        self.frame().goto_scopes.push(scope);
    }

    fn pop_goto_scope(&mut self) {
        self.frame().goto_scopes.pop();
    }

    // ---- the program

    fn finish(mut self) -> Option<Program> {
        let mut code = std::mem::take(&mut self.code);
        let end = code.len() as u16;
        // A label just past the last instruction is the end of the task.
        let resolve = |labels: &[Option<u16>], t: Target| Target(labels[usize::from(t.0)].unwrap_or(end));
        let labels = self.labels.clone();
        for e in &mut code {
            match &mut e.op {
                Op::Branch { then, .. } | Op::Goto { then } => *then = resolve(&labels, *then),
                Op::Call { ret: Ret::Branch { then, .. }, .. } => *then = resolve(&labels, *then),
                _ => {}
            }
        }
        if code.iter().any(|e| matches!(e.op, Op::Branch { then, .. } | Op::Goto { then } | Op::Call { ret: Ret::Branch { then, .. }, .. } if then.0 == end))
            || code.last().is_none_or(|e| !matches!(e.op, Op::Exit { .. } | Op::Goto { .. }))
        {
            let zero = self.expr(IExpr::Const(0));
            let origin = code.last().map_or(self.origin, |e| e.origin);
            code.push(Emitted { op: Op::Exit { value: zero }, critical: false, origin, cond: None });
        }
        if code.len() > MAX_INSTRS {
            let span = self.funcs.first().map_or(Span::default(), |f| f.1);
            self.error(
                span,
                format!("`{}` compiles to {} instructions, over the limit of {MAX_INSTRS}", self.prog.name, code.len()),
            );
            return None;
        }
        let mut prog = self.prog;
        crate::lang::waits::infer(&mut prog, &mut code, self.env.input.tokens);
        crate::lang::listing::build(&mut prog, &code, &self.funcs, self.env.input);
        crate::lowered::lower(&mut prog, self.env.input.memory);
        Some(prog)
    }
}

fn collect_labels(stmts: &[Stmt], out: &mut Vec<String>) {
    for s in stmts {
        collect_labels_stmt(s, out);
    }
}

fn collect_labels_stmt(s: &Stmt, out: &mut Vec<String>) {
    match &s.kind {
        StmtKind::Label(l, body) => {
            out.push(l.name.clone());
            collect_labels_stmt(body, out);
        }
        StmtKind::If { then, els, .. } => {
            collect_labels_stmt(then, out);
            if let Some(e) = els {
                collect_labels_stmt(e, out);
            }
        }
        StmtKind::While { body, .. } | StmtKind::DoWhile { body, .. } | StmtKind::For { body, .. } => {
            collect_labels_stmt(body, out);
        }
        StmtKind::Block(b) => collect_labels(&b.stmts, out),
        _ => {}
    }
}

/// Whether `stmts` assign to the name `name` (`x = ...`, `x += ...`, `x++`): a parameter that
/// is assigned is a local, not a constant, even when its argument is one.
fn assigns(stmts: &[Stmt], name: &str) -> bool {
    stmts.iter().any(|s| assigns_stmt(s, name))
}

fn assigns_stmt(s: &Stmt, name: &str) -> bool {
    let e = |x: &Expr| assigns_expr(x, name);
    let st = |x: &Stmt| assigns_stmt(x, name);
    match &s.kind {
        StmtKind::Decl(decls) => decls.iter().any(|d| match &d.init {
            Some(Init::Expr(x)) => e(x),
            Some(Init::Fields(fields, _)) => fields.iter().any(|(_, x)| e(x)),
            None => false,
        }),
        StmtKind::Expr(x) => e(x),
        StmtKind::If { cond, then, els } => e(cond) || st(then) || els.as_deref().is_some_and(st),
        StmtKind::While { cond, body } | StmtKind::DoWhile { body, cond } => e(cond) || st(body),
        StmtKind::For { init, cond, step, body } => {
            init.as_deref().is_some_and(st) || cond.as_ref().is_some_and(e) || step.as_ref().is_some_and(e) || st(body)
        }
        StmtKind::Block(b) => assigns(&b.stmts, name),
        StmtKind::Label(_, body) => st(body),
        StmtKind::Return(x) => x.as_ref().is_some_and(e),
        StmtKind::Break | StmtKind::Continue | StmtKind::Goto(_) | StmtKind::Empty => false,
    }
}

fn assigns_expr(x: &Expr, name: &str) -> bool {
    let e = |x: &Expr| assigns_expr(x, name);
    let is_name = |x: &Expr| matches!(&x.kind, ExprKind::Name(n) if n == name);
    match &x.kind {
        ExprKind::Int(_) | ExprKind::Name(_) => false,
        ExprKind::Assign { lhs, rhs, .. } => is_name(lhs) || e(lhs) || e(rhs),
        ExprKind::Unary { op: UnaryOp::PreInc | UnaryOp::PreDec | UnaryOp::PostInc | UnaryOp::PostDec, expr } => {
            is_name(expr) || e(expr)
        }
        ExprKind::Unary { expr, .. } | ExprKind::Cast { expr, .. } => e(expr),
        ExprKind::Member { base, .. } => e(base),
        ExprKind::Index { base, index } => e(base) || e(index),
        ExprKind::Call { args, .. } => args.iter().any(e),
        ExprKind::Binary { lhs, rhs, .. } => e(lhs) || e(rhs),
        ExprKind::Cond { cond, then, els } => e(cond) || e(then) || e(els),
        ExprKind::StmtExpr(b) => assigns(&b.stmts, name),
    }
}

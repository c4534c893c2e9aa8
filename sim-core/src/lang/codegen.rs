//! One role's program: its function and every function it calls, inlined, compiled into
//! instructions. A call's `return` goes where the call's value is used: discarded, assigned
//! to a variable, tested by the caller's `if`, or ending the task. So no hidden temporary is
//! needed for `if (!trylock_page(page))` or `ret = wait_on_page_bit_common(...)`, and the task
//! holds exactly the locals its C declares.

use std::collections::HashMap;

use crate::ids::EntryId;
use crate::kernel::api;
use crate::kernel::memory::Memory;
use crate::kernel::task::TaskState;
use crate::kernel::waitqueue::{EntryKey, WakeFn};
use crate::lang::ast::{self, Block, Expr, ExprKind, Function, Init, Stmt, StmtKind, Toks, UnaryOp};
use crate::lang::compile::{to_binop, Env, Node, Role, StructKind, TaskRef, TypeKind};
use crate::lang::diag::{suggest, Diagnostic, Reported, Span};
use crate::limits::{MAX_ENTRIES, MAX_INLINE, MAX_INSTRS, MAX_LOCALS};
use crate::program::{BinOp, EntryDecl, Expr as IExpr, ExprId, LocalId, Op, Place, Prim, Program, Ret, Target, UnOp};

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

    /// Fix an entry's wake function. An initialiser (`init_wait()`) gives a default that a
    /// later `wait->func = f;` replaces, as in the kernel; two different names are a mistake.
    pub fn set_wake_fn(&mut self, e: EntryId, func: WakeFn, span: Span, explicit: bool) -> R<()> {
        let s = &mut self.statics[e.index()];
        match s.func {
            Some((f, at, true)) if f != func && explicit => {
                let msg = format!("the wake function of this entry is set twice: {} and {}", f.name(), func.name());
                self.env.diags.push(Diagnostic::error(span, msg).note(at, "first set here"));
                Err(Reported)
            }
            Some((_, _, true)) if !explicit => Ok(()),
            _ => {
                s.func = Some((func, span, explicit));
                self.prog.entries[e.index()].func = func;
                Ok(())
            }
        }
    }

    fn set_key(&mut self, e: EntryId, var: Option<crate::ids::VarId>, bit: Option<u8>) {
        let s = &mut self.statics[e.index()];
        if var.is_some() {
            s.key_var = var;
        }
        if bit.is_some() {
            s.key_bit = bit;
        }
        if let Some(v) = s.key_var {
            self.prog.entries[e.index()].key = Some(EntryKey { var: v, bit: s.key_bit.unwrap_or(0) });
        }
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

    // ---- statements

    fn set_origin(&mut self, s: &Stmt) {
        self.origin.span = s.span;
        self.origin.toks = s.toks;
        self.origin.code = s.toks;
    }

    pub fn block(&mut self, b: &'a Block) {
        self.frame().scopes.push(HashMap::new());
        let held = self.held.len();
        for s in &b.stmts {
            let _ = self.stmt(s);
        }
        if self.held.len() > held {
            let (name, at) = self.held[held].clone();
            self.error(at, format!("the critical section of `{name}` must end in the block it began in"));
            self.held.truncate(held);
        }
        self.frame().scopes.pop();
    }

    fn stmt(&mut self, s: &'a Stmt) -> R<()> {
        self.set_origin(s);
        match &s.kind {
            StmtKind::Decl(ds) => {
                for d in ds {
                    if self.local_decl(d).is_err() {
                        self.failed_decls.push(d.name.name.clone());
                        return Err(Reported);
                    }
                }
                Ok(())
            }
            StmtKind::Expr(e) => self.expr_stmt(e),
            StmtKind::If { cond, then, els } => {
                self.header(s, cond);
                let (t, f) = (self.label(), self.label());
                // A mistake in the condition does not hide those in the branches.
                let tested = self.cond(cond, t, f);
                self.bind(t);
                self.sub_stmt(then);
                match els {
                    Some(els) => {
                        let end = self.label();
                        self.goto(end);
                        self.bind(f);
                        self.sub_stmt(els);
                        self.bind(end);
                    }
                    None => self.bind(f),
                }
                tested
            }
            StmtKind::While { cond, body } => {
                let (top, t, f) = (self.label(), self.label(), self.label());
                self.bind(top);
                self.header(s, cond);
                let tested = self.cond(cond, t, f);
                self.bind(t);
                self.loop_body(body, f, top);
                self.origin.func = self.frame().func;
                self.goto(top);
                self.bind(f);
                tested
            }
            StmtKind::DoWhile { body, cond } => {
                let (top, cont, brk) = (self.label(), self.label(), self.label());
                self.bind(top);
                self.loop_body(body, brk, cont);
                self.bind(cont);
                self.origin = Origin { span: cond.span, toks: cond.toks, code: cond.toks, func: self.frame().func };
                self.cond(cond, top, brk)?;
                self.bind(brk);
                Ok(())
            }
            StmtKind::For { init, cond, step, body } => {
                self.frame().scopes.push(HashMap::new());
                if let Some(init) = init {
                    let _ = self.stmt(init);
                }
                let (top, t, cont, brk) = (self.label(), self.label(), self.label(), self.label());
                self.bind(top);
                if let Some(c) = cond {
                    self.header(s, c);
                    self.cond(c, t, brk)?;
                }
                self.bind(t);
                self.loop_body(body, brk, cont);
                self.bind(cont);
                if let Some(step) = step {
                    self.origin = Origin { span: step.span, toks: step.toks, code: step.toks, func: self.frame().func };
                    self.expr_stmt(step)?;
                }
                self.set_origin(s);
                self.origin.span = Span::new(s.span.start, s.span.start + 3);
                self.goto(top);
                self.bind(brk);
                self.frame().scopes.pop();
                Ok(())
            }
            StmtKind::Block(b) => {
                self.block(b);
                Ok(())
            }
            StmtKind::Break | StmtKind::Continue => {
                let Some(&(brk, cont, held)) = self.frame().loops.last() else {
                    let what = if s.kind == StmtKind::Break { "break" } else { "continue" };
                    return self.fail(s.span, format!("`{what}` outside a loop"));
                };
                self.check_held(held, s.span)?;
                self.goto(if s.kind == StmtKind::Break { brk } else { cont });
                Ok(())
            }
            StmtKind::Goto(label) => {
                let target = self.frame().goto_scopes.iter().rev().find_map(|sc| sc.get(&label.name).copied());
                match target {
                    Some(l) => {
                        let held = self.frame().held;
                        if self.held.len() > held {
                            let (name, at) = self.held[held].clone();
                            self.env.diags.push(
                                Diagnostic::error(s.span, format!("`goto` inside the critical section of `{name}`"))
                                    .note(at, "taken here")
                                    .help("unlock first: a critical section is one step and must end where it began"),
                            );
                            self.held.truncate(held);
                            return Err(Reported);
                        }
                        self.goto(l);
                        Ok(())
                    }
                    None => self.fail(label.span, format!("no label `{}` in this function", label.name)),
                }
            }
            StmtKind::Label(label, body) => {
                self.bind_label(label);
                self.stmt(body)
            }
            StmtKind::Return(value) => self.ret(s, value.as_ref()),
            StmtKind::Empty => Ok(()),
        }
    }

    /// Place `label:` here.
    fn bind_label(&mut self, label: &ast::Ident) {
        if let Some(l) = self.frame().goto_scopes.iter().rev().find_map(|sc| sc.get(&label.name).copied()) {
            self.bind(l);
        }
    }

    /// A statement inside another, in its own scope for declarations.
    fn sub_stmt(&mut self, s: &'a Stmt) {
        self.frame().scopes.push(HashMap::new());
        let _ = self.stmt(s);
        self.frame().scopes.pop();
    }

    fn loop_body(&mut self, body: &'a Stmt, brk: Label, cont: Label) {
        let held = self.held.len();
        self.frame().loops.push((brk, cont, held));
        self.sub_stmt(body);
        self.frame().loops.pop();
    }

    /// A condition's statement shows as its header: `if (...)`, `while (...)`.
    fn header(&mut self, s: &Stmt, cond: &Expr) {
        self.origin.span = s.span;
        self.origin.toks = s.toks;
        self.origin.code = Toks { start: s.toks.start, end: (cond.toks.end + 1).min(s.toks.end) };
    }

    fn check_held(&mut self, at_loop: usize, span: Span) -> R<()> {
        if self.held.len() > at_loop {
            let (name, at) = self.held[at_loop].clone();
            self.env.diags.push(
                Diagnostic::error(span, format!("leaves the critical section of `{name}` without unlocking it"))
                    .note(at, "taken here")
                    .help("unlock first: a critical section is one step and must end where it began"),
            );
            // Reported once: the block's end does not report the same section again.
            self.held.truncate(at_loop);
            return Err(Reported);
        }
        Ok(())
    }

    fn ret(&mut self, s: &Stmt, value: Option<&'a Expr>) -> R<()> {
        let held = self.frame().held;
        if self.held.len() > held {
            let (name, at) = self.held[held].clone();
            self.env.diags.push(
                Diagnostic::error(s.span, format!("`return` inside the critical section of `{name}`"))
                    .note(at, "taken here")
                    .help("unlock first: a critical section is one step and must end where it began"),
            );
            // Reported once: the block's end does not report the same section again.
            self.held.truncate(held);
            return Err(Reported);
        }
        let ctx = self.frame().ctx;
        let end = self.frame().end;
        let Some(e) = value else {
            return match ctx {
                Ctx::Exit => {
                    let zero = self.expr(IExpr::Const(0));
                    self.emit(Op::Exit { value: zero });
                    Ok(())
                }
                Ctx::Discard => {
                    self.goto(end);
                    Ok(())
                }
                Ctx::Assign(_) | Ctx::Branch { .. } => {
                    self.fail(s.span, "`return;` without a value, where the caller uses one")
                }
            };
        };
        match ctx {
            Ctx::Exit => {
                let value = self.value_into_operand(e)?;
                let value = self.operand(value);
                self.emit(Op::Exit { value });
            }
            Ctx::Discard => {
                self.effect(e)?;
                self.goto(end);
            }
            Ctx::Assign(place) => {
                self.assign_value(place, e)?;
                self.goto(end);
            }
            Ctx::Branch { on_true, on_false } => self.cond(e, on_true, on_false)?,
        }
        Ok(())
    }

    /// Evaluate `e` for its effects only.
    fn effect(&mut self, e: &'a Expr) -> R<()> {
        match &e.kind {
            ExprKind::Call { .. } | ExprKind::Assign { .. } | ExprKind::StmtExpr(_) => self.expr_stmt(e),
            ExprKind::Unary { op: UnaryOp::PreInc | UnaryOp::PostInc | UnaryOp::PreDec | UnaryOp::PostDec, .. } => {
                self.expr_stmt(e)
            }
            _ => self.rvalue(e).map(|_| ()),
        }
    }

    /// A value that may come from a call: into an operand (through a local if needed).
    fn value_into_operand(&mut self, e: &'a Expr) -> R<Operand> {
        if self.is_pure(e) {
            return self.rvalue(e);
        }
        let l = self.local("ret", e.span)?;
        self.assign_value(Place::Local(l), e)?;
        let x = self.expr(IExpr::Local(l));
        Ok(Operand::Expr(x))
    }

    fn expr_stmt(&mut self, e: &'a Expr) -> R<()> {
        match &e.kind {
            ExprKind::Assign { op, lhs, rhs } => self.assign(lhs, *op, rhs),
            ExprKind::Unary {
                op: op @ (UnaryOp::PreInc | UnaryOp::PostInc | UnaryOp::PreDec | UnaryOp::PostDec),
                expr,
            } => {
                let place = self.int_place(expr)?;
                let cur = self.read_place(place);
                let one = self.expr(IExpr::Const(1));
                let bop = if matches!(op, UnaryOp::PreInc | UnaryOp::PostInc) { BinOp::Add } else { BinOp::Sub };
                let v = self.expr(IExpr::Binary(bop, cur, one));
                self.emit(Op::Assign { dst: place, expr: v });
                Ok(())
            }
            ExprKind::Call { callee, args } => self.call(callee, args, e.span, e.toks, Ctx::Discard),
            ExprKind::StmtExpr(block) => {
                self.stmt_expr(block)?;
                Ok(())
            }
            _ => self.rvalue(e).map(|_| ()),
        }
    }

    /// Compile a `({ ... })`: its statements, and its value (the last expression statement).
    fn stmt_expr(&mut self, block: &'a Block) -> R<Option<Operand>> {
        self.frame().scopes.push(HashMap::new());
        self.push_goto_scope(&block.stmts);
        // The value is the last statement's, under any labels it has (`__out: __ret;` in
        // ___wait_event()).
        let unlabelled = |mut s: &'a Stmt| {
            while let StmtKind::Label(_, inner) = &s.kind {
                s = inner;
            }
            s
        };
        let (last, body) = match block.stmts.split_last() {
            Some((last, body)) if matches!(unlabelled(last).kind, StmtKind::Expr(_)) => (Some(last), body),
            _ => (None, &block.stmts[..]),
        };
        for s in body {
            let _ = self.stmt(s);
        }
        let value = match last {
            Some(mut s) => {
                while let StmtKind::Label(label, inner) = &s.kind {
                    self.bind_label(label);
                    s = inner;
                }
                match &s.kind {
                    StmtKind::Expr(e) if self.is_pure(e) => Some(self.rvalue(e)?),
                    _ => {
                        let _ = self.stmt(s);
                        None
                    }
                }
            }
            None => None,
        };
        self.pop_goto_scope();
        self.frame().scopes.pop();
        Ok(value)
    }

    fn assign(&mut self, lhs: &'a Expr, op: Option<ast::BinaryOp>, rhs: &'a Expr) -> R<()> {
        let target = self.object(lhs)?;
        match target {
            Node::EntryStatic(e, field) => {
                if op.is_some() {
                    return self.fail(lhs.span, format!("`{field}` is set once, with `=`"));
                }
                self.set_static(e, field, rhs)
            }
            Node::KeyStatic(k, field) => {
                if op.is_some() {
                    return self.fail(lhs.span, format!("`{field}` is set once, with `=`"));
                }
                self.set_key_static(k, field, rhs)
            }
            Node::Int(place) => match op {
                None => self.assign_value(place, rhs),
                Some(op) => {
                    let cur = self.read_place(place);
                    let r = self.rvalue(rhs)?;
                    let r = self.operand(r);
                    let v = self.expr(IExpr::Binary(to_binop(op), cur, r));
                    self.emit(Op::Assign { dst: place, expr: v });
                    Ok(())
                }
            },
            Node::Const(_) => self.fail(lhs.span, "a constant (a parameter or a kernel constant) cannot be assigned"),
            other => self.fail(lhs.span, format!("cannot assign to {}", describe(&other))),
        }
    }

    /// `place = e`, where `e` may be a call of a function or a kernel primitive.
    pub fn assign_value(&mut self, place: Place, e: &'a Expr) -> R<()> {
        match &e.kind {
            ExprKind::Call { callee, args } if !self.is_pure(e) => {
                self.call(callee, args, e.span, e.toks, Ctx::Assign(place))
            }
            ExprKind::StmtExpr(block) => match self.stmt_expr(block)? {
                Some(v) => {
                    let v = self.operand(v);
                    self.emit(Op::Assign { dst: place, expr: v });
                    Ok(())
                }
                None => self.fail(e.span, "this `({ ... })` has no value: its last statement is not an expression"),
            },
            _ => {
                let v = self.rvalue(e)?;
                let v = self.operand(v);
                self.emit(Op::Assign { dst: place, expr: v });
                Ok(())
            }
        }
    }

    /// `wait->func = f`, `wait_page.page = page`, `wait_page.bit_nr = nr`: fixed when compiled.
    fn set_static(&mut self, e: EntryId, field: &str, rhs: &'a Expr) -> R<()> {
        match field {
            "func" => {
                let ExprKind::Name(name) = &rhs.kind else {
                    return self.fail(rhs.span, "a wake function, by name");
                };
                let func = self.wake_fn(name, rhs.span)?;
                self.set_wake_fn(e, func, rhs.span, true)
            }
            "private" => match self.object(rhs)? {
                // `bookmark.private = NULL;`: a bookmark wakes no task [ref §2.4].
                Node::Task(TaskRef::Current) | Node::Const(0) => Ok(()),
                _ => self.fail(rhs.span, "an entry's `private` is its task: `current` (or NULL for a bookmark)"),
            },
            "page" => match self.object(rhs)? {
                Node::Struct { kind: StructKind::Page(i), .. } => {
                    let (_, var) = self.env.page(i);
                    self.set_key(e, Some(var), None);
                    Ok(())
                }
                _ => self.fail(rhs.span, "`.page` takes a page"),
            },
            "bit_nr" | "word" => {
                if field == "word" {
                    let var = self.word(rhs)?;
                    self.set_key(e, Some(var), None);
                    return Ok(());
                }
                match self.const_of(rhs) {
                    Some(b) if (0..32).contains(&b) => {
                        self.set_key(e, None, Some(b as u8));
                        Ok(())
                    }
                    _ => self.fail(rhs.span, "a bit number must be a constant from 0 to 31"),
                }
            }
            _ => self.fail(rhs.span, format!("`{field}` cannot be assigned")),
        }
    }

    /// `key.page = page`, `key.bit_nr = nr`: fixed when compiled.
    fn set_key_static(&mut self, k: u8, field: &str, rhs: &'a Expr) -> R<()> {
        if field == "page" {
            let Node::Struct { kind: StructKind::Page(i), .. } = self.object(rhs)? else {
                return self.fail(rhs.span, "`.page` takes a page");
            };
            self.keys[usize::from(k)].var = Some(self.env.page(i).1);
            return Ok(());
        }
        match self.const_of(rhs) {
            Some(b) if (0..32).contains(&b) => {
                self.keys[usize::from(k)].bit = Some(b as u8);
                Ok(())
            }
            _ => self.fail(rhs.span, "a bit number must be a constant from 0 to 31"),
        }
    }

    /// A wake function, by name, in the variant's kernel.
    pub fn wake_fn(&mut self, name: &str, span: Span) -> R<WakeFn> {
        Ok(match name {
            "default_wake_function" => WakeFn::Default,
            "autoremove_wake_function" => WakeFn::Autoremove,
            "woken_wake_function" => WakeFn::Woken,
            "wake_page_function" => WakeFn::Page(self.env.input.page_wake),
            "wake_bit_function" => WakeFn::Bit,
            // `bookmark.func = NULL;` [ref §2.4].
            "NULL" => WakeFn::Null,
            other => {
                let known = [
                    "default_wake_function",
                    "autoremove_wake_function",
                    "woken_wake_function",
                    "wake_page_function",
                    "wake_bit_function",
                ];
                let mut d = Diagnostic::error(span, format!("unknown wake function `{other}`"));
                d = match suggest(other, known) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("the wake functions are {}", known.join(", "))),
                };
                self.env.diags.push(d);
                return Err(Reported);
            }
        })
    }

    // ---- declarations

    fn local_decl(&mut self, d: &'a ast::Decl) -> R<()> {
        if d.array.is_some() {
            return self.fail(d.span, "a local array is not part of the scenario language");
        }
        if d.ty.pointer > 0 {
            let Some(Init::Expr(init)) = &d.init else {
                return self
                    .fail(d.span, format!("pointer `{}` must point at an object where it is declared", d.name.name));
            };
            let node = self.object(init)?;
            self.bind_name(&d.name, node);
            return Ok(());
        }
        let Some(kind) = self.env.type_kind(&d.ty) else {
            self.env.unknown_type(&d.ty);
            return Err(Reported);
        };
        if let (Some(Init::Fields(..)) | Some(Init::Expr(_)), false) =
            (&d.init, matches!(kind, TypeKind::Int | TypeKind::User(_)))
        {
            return self
                .fail(d.span, "initialise an entry with a call (`init_wait(&wait)`) or a macro (`DEFINE_WAIT(wait)`)");
        }
        let node = match kind {
            TypeKind::Int => {
                let l = self.local(&d.name.name, d.name.span)?;
                match &d.init {
                    Some(Init::Expr(e)) => self.assign_value(Place::Local(l), e)?,
                    Some(Init::Fields(_, s)) => {
                        return self.fail(*s, "an integer takes a value, not `{ .field = ... }`")
                    }
                    None => {}
                }
                Node::Int(Place::Local(l))
            }
            TypeKind::Entry => Node::Entry(self.entry(&d.name.name, d.name.span)?),
            TypeKind::WaitPageQueue => {
                let e = self.entry(&d.name.name, d.name.span)?;
                Node::Struct {
                    kind: StructKind::WaitPageQueue,
                    fields: vec![
                        ("wait".into(), Node::Entry(e)),
                        ("page".into(), Node::EntryStatic(e, "page")),
                        ("bit_nr".into(), Node::EntryStatic(e, "bit_nr")),
                    ],
                    name: d.name.name.clone(),
                }
            }
            TypeKind::WaitBitQueue => {
                let e = self.entry(&d.name.name, d.name.span)?;
                self.set_wake_fn(e, WakeFn::Bit, d.span, true)?;
                wait_bit_queue(e, &d.name.name)
            }
            TypeKind::WaitPageKey => {
                let page_match = self.local(&format!("{}.page_match", d.name.name), d.name.span)?;
                let k = self.keys.len() as u8;
                self.keys.push(KeyStatics { var: None, bit: None, page_match });
                Node::Struct {
                    kind: StructKind::WaitPageKey(k),
                    fields: vec![
                        ("page".into(), Node::KeyStatic(k, "page")),
                        ("bit_nr".into(), Node::KeyStatic(k, "bit_nr")),
                        ("page_match".into(), Node::Int(Place::Local(page_match))),
                    ],
                    name: d.name.name.clone(),
                }
            }
            TypeKind::User(name) => self.local_struct(&name, &d.name.name, d.init.as_ref(), d.span)?,
            TypeKind::Void => return self.fail(d.ty.span, "`void` is not a type for a variable"),
            _ => {
                return self.fail(
                    d.span,
                    "a shared object (wait queue head, mutex, spinlock, pipe, page) is declared at file scope",
                )
            }
        };
        self.bind_name(&d.name, node);
        Ok(())
    }

    /// A local struct of integers; `{ .field = value }` sets fields, the others start at 0.
    fn local_struct(&mut self, ty: &str, name: &str, init: Option<&'a Init>, span: Span) -> R<Node> {
        let Some(def) = self.env.structs.get(ty).copied() else {
            return self.fail(span, format!("unknown type `struct {ty}`"));
        };
        let mut fields = Vec::new();
        for f in &def.fields {
            if f.ty.pointer > 0 || self.env.type_kind(&f.ty) != Some(TypeKind::Int) || f.array.is_some() {
                return self.fail(f.span, format!("a local `struct {ty}` may hold integers only"));
            }
            let l = self.local(&format!("{name}.{}", f.name.name), f.name.span)?;
            fields.push((f.name.name.clone(), Node::Int(Place::Local(l))));
        }
        match init {
            None => {}
            Some(Init::Expr(e)) => return self.fail(e.span, "initialise a struct with `{ .field = value }`"),
            Some(Init::Fields(values, _)) => {
                for (field, value) in values {
                    let Some((_, Node::Int(place))) = fields.iter().find(|(n, _)| *n == field.name).cloned() else {
                        let msg = format!("struct {ty} has no field `{}`", field.name);
                        return self.fail(field.span, msg);
                    };
                    self.assign_value(place, value)?;
                }
                // C sets the fields it does not name to 0.
                for (n, node) in fields.clone() {
                    if let (false, Node::Int(place)) = (values.iter().any(|(f, _)| f.name == n), node) {
                        let zero = self.expr(IExpr::Const(0));
                        self.emit(Op::Assign { dst: place, expr: zero });
                    }
                }
            }
        }
        Ok(Node::Struct { kind: StructKind::User(ty.to_string()), fields, name: name.to_string() })
    }

    /// `DEFINE_WAIT(wait)` and the other macros that declare an entry.
    fn declare_entry(&mut self, callee: &ast::Ident, args: &'a [Expr], span: Span) -> R<()> {
        let Some(Expr { kind: ExprKind::Name(name), span: name_span, .. }) = args.first() else {
            return self.fail(span, format!("`{}` takes the name of the entry it declares", callee.name));
        };
        let ident = ast::Ident { name: name.clone(), span: *name_span };
        let e = self.entry(name, *name_span)?;
        let expect = |n: usize| args.len() == n;
        match callee.name.as_str() {
            "DEFINE_WAIT" if expect(1) => self.set_wake_fn(e, WakeFn::Autoremove, span, true)?,
            "DECLARE_WAITQUEUE" if expect(2) => self.set_wake_fn(e, WakeFn::Default, span, true)?,
            "DEFINE_WAIT_FUNC" if expect(2) => {
                let ExprKind::Name(f) = &args[1].kind else {
                    return self.fail(args[1].span, "a wake function, by name");
                };
                let func = self.wake_fn(f, args[1].span)?;
                self.set_wake_fn(e, func, span, true)?;
            }
            "DEFINE_WAIT_BIT" if expect(3) => {
                self.set_wake_fn(e, WakeFn::Bit, span, true)?;
                let var = self.word(&args[1])?;
                let bit = match self.const_of(&args[2]) {
                    Some(b) if (0..32).contains(&b) => b as u8,
                    _ => return self.fail(args[2].span, "a bit number must be a constant from 0 to 31"),
                };
                self.set_key(e, Some(var), Some(bit));
                self.bind_name(&ident, wait_bit_queue(e, name));
                return Ok(());
            }
            other => return self.fail(span, format!("`{other}` takes a different number of arguments")),
        }
        self.bind_name(&ident, Node::Entry(e));
        Ok(())
    }

    // ---- calls

    fn call(&mut self, callee: &'a ast::Ident, args: &'a [Expr], span: Span, toks: Toks, ctx: Ctx) -> R<()> {
        if ["DEFINE_WAIT", "DECLARE_WAITQUEUE", "DEFINE_WAIT_FUNC", "DEFINE_WAIT_BIT"].contains(&callee.name.as_str()) {
            if ctx != Ctx::Discard {
                return self.fail(span, format!("`{}` declares an entry: it is a statement of its own", callee.name));
            }
            let declared = self.declare_entry(callee, args, span);
            if let (Err(Reported), Some(Expr { kind: ExprKind::Name(name), .. })) = (declared, args.first()) {
                self.failed_decls.push(name.clone());
            }
            return declared;
        }
        if let Some(f) = self.env.functions.get(&callee.name).copied() {
            return self.call_function(f, args, ctx, span);
        }
        let Some(def) = self.builtin(&callee.name) else {
            return Err(self.unknown_function(callee));
        };
        let ret = match ctx {
            Ctx::Discard => Ret::Discard,
            Ctx::Assign(Place::Local(l)) => Ret::Local(l),
            Ctx::Assign(place) => {
                // A kernel call's value goes to a local first, then to a shared variable.
                let l = self.local("__tmp", span)?;
                crate::lang::calls::call(self, def, args, span, Ret::Local(l))?;
                let x = self.expr(IExpr::Local(l));
                self.emit(Op::Assign { dst: place, expr: x });
                return Ok(());
            }
            Ctx::Branch { on_true, on_false } => {
                crate::lang::calls::call(
                    self,
                    def,
                    args,
                    span,
                    Ret::Branch { then: Target(on_true.0), when: true, wait: None },
                )?;
                if let Some(last) = self.code.last_mut() {
                    last.cond = Some(toks);
                }
                self.goto(on_false);
                return Ok(());
            }
            Ctx::Exit => {
                let l = self.local("ret", span)?;
                crate::lang::calls::call(self, def, args, span, Ret::Local(l))?;
                let x = self.expr(IExpr::Local(l));
                self.emit(Op::Exit { value: x });
                return Ok(());
            }
        };
        crate::lang::calls::call(self, def, args, span, ret)
    }

    fn unknown_function(&mut self, callee: &ast::Ident) -> Reported {
        let names: Vec<String> = api::names()
            .map(String::from)
            .chain(self.env.functions.keys().cloned())
            .chain(["DEFINE_WAIT", "DECLARE_WAITQUEUE", "DEFINE_WAIT_FUNC", "DEFINE_WAIT_BIT"].map(String::from))
            .collect();
        let mut d = Diagnostic::error(callee.span, format!("unknown function `{}`", callee.name))
            .label("not a built-in and not defined in this file");
        if let Some(s) = suggest(&callee.name, names.iter().map(String::as_str)) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        self.env.diags.push(d);
        Reported
    }

    // ---- conditions

    /// Jump to `on_true` when `e` holds, else to `on_false`. A condition is one step, however
    /// many shared values it reads; it is split only around a call, which is a step of its own.
    pub fn cond(&mut self, e: &'a Expr, on_true: Label, on_false: Label) -> R<()> {
        if let Some(v) = self.const_of(e) {
            self.goto(if v != 0 { on_true } else { on_false });
            return Ok(());
        }
        match &e.kind {
            ExprKind::Unary { op: UnaryOp::Not, expr } if !self.is_pure(expr) => self.cond(expr, on_false, on_true),
            ExprKind::Call { callee, args } if !self.is_pure(e) => {
                self.call(callee, args, e.span, e.toks, Ctx::Branch { on_true, on_false })
            }
            ExprKind::StmtExpr(block) => match self.stmt_expr(block)? {
                Some(v) => {
                    let v = self.operand(v);
                    self.branch(v, on_true, on_false, e.toks);
                    Ok(())
                }
                None => self.fail(e.span, "this `({ ... })` has no value to test"),
            },
            ExprKind::Binary { op: ast::BinaryOp::And, lhs, rhs } if !self.is_pure(e) => {
                let mid = self.label();
                self.cond(lhs, mid, on_false)?;
                self.bind(mid);
                self.cond(rhs, on_true, on_false)
            }
            ExprKind::Binary { op: ast::BinaryOp::Or, lhs, rhs } if !self.is_pure(e) => {
                let mid = self.label();
                self.cond(lhs, on_true, mid)?;
                self.bind(mid);
                self.cond(rhs, on_true, on_false)
            }
            _ => {
                let v = self.rvalue(e)?;
                let v = self.operand(v);
                self.branch(v, on_true, on_false, e.toks);
                Ok(())
            }
        }
    }

    fn branch(&mut self, cond: ExprId, on_true: Label, on_false: Label, toks: Toks) {
        self.emit_cond(Op::Branch { cond, then: Target(on_true.0), wait: None }, Some(toks));
        self.goto(on_false);
    }

    // ---- expressions

    /// Whether `e` computes a value without a call that is a step of its own or changes state.
    pub fn is_pure(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Int(_) | ExprKind::Name(_) => true,
            ExprKind::Member { base, .. } => self.is_pure(base),
            ExprKind::Index { base, index } => self.is_pure(base) && self.is_pure(index),
            ExprKind::Call { callee, args } => {
                self.builtin(&callee.name).is_some_and(|d| crate::lang::calls::is_read(d.builtin))
                    && args.iter().all(|a| self.is_pure(a))
            }
            ExprKind::Unary { op, expr } => {
                !matches!(op, UnaryOp::PreInc | UnaryOp::PostInc | UnaryOp::PreDec | UnaryOp::PostDec)
                    && self.is_pure(expr)
            }
            ExprKind::Binary { lhs, rhs, .. } => self.is_pure(lhs) && self.is_pure(rhs),
            ExprKind::Cond { cond, then, els } => self.is_pure(cond) && self.is_pure(then) && self.is_pure(els),
            ExprKind::Cast { expr, .. } => self.is_pure(expr),
            ExprKind::Assign { .. } | ExprKind::StmtExpr(_) => false,
        }
    }

    /// The value of a constant expression, if `e` is one (names resolved in scope).
    pub fn const_of(&mut self, e: &Expr) -> Option<i32> {
        match &e.kind {
            ExprKind::Name(n) => {
                if let Some(frame) = self.frames.last() {
                    for scope in frame.scopes.iter().rev() {
                        if let Some(node) = scope.get(n) {
                            return match node {
                                Node::Const(v) => Some(*v),
                                _ => None,
                            };
                        }
                    }
                }
                if self.env.globals.contains_key(n) {
                    return None;
                }
                self.env.constant(n)
            }
            ExprKind::Int(v) => Some(*v as i32),
            ExprKind::Unary { op, expr } => {
                let v = self.const_of(expr)?;
                match op {
                    UnaryOp::Neg => Some(v.wrapping_neg()),
                    UnaryOp::Plus => Some(v),
                    UnaryOp::Not => Some(i32::from(v == 0)),
                    UnaryOp::BitNot => Some(!v),
                    _ => None,
                }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let (a, b) = (self.const_of(lhs), self.const_of(rhs));
                match (op, a, b) {
                    (ast::BinaryOp::And, Some(0), _) => Some(0),
                    (ast::BinaryOp::Or, Some(a), _) if a != 0 => Some(1),
                    (ast::BinaryOp::Div | ast::BinaryOp::Rem, _, Some(0)) => None,
                    (_, Some(a), Some(b)) => Some(crate::exec::binop(to_binop(*op), a, b)),
                    _ => None,
                }
            }
            ExprKind::Cond { cond, then, els } => {
                if self.const_of(cond)? != 0 {
                    self.const_of(then)
                } else {
                    self.const_of(els)
                }
            }
            ExprKind::Cast { expr, .. } => self.const_of(expr),
            _ => None,
        }
    }

    /// An integer value with no side effect.
    pub fn rvalue(&mut self, e: &'a Expr) -> R<Operand> {
        if let Some(v) = self.const_of(e) {
            return Ok(Operand::Const(v));
        }
        match &e.kind {
            ExprKind::Int(v) => Ok(Operand::Const(*v as i32)),
            ExprKind::Name(_) | ExprKind::Member { .. } | ExprKind::Index { .. } => {
                let node = self.object(e)?;
                self.node_value(node, e.span)
            }
            ExprKind::Call { callee, args } => match self.builtin(&callee.name) {
                Some(def) if crate::lang::calls::is_read(def.builtin) => crate::lang::calls::read(self, def, args, e.span),
                Some(_) => self.fail(
                    e.span,
                    format!(
                        "`{}` is a step of its own: call it as a statement, as an assignment's value, or as a whole condition",
                        callee.name
                    ),
                ),
                None if self.env.functions.contains_key(&callee.name) => self.fail(
                    e.span,
                    format!(
                        "a call of `{}` inside an expression: assign it to a local first (`int r = {}(...);`)",
                        callee.name, callee.name
                    ),
                ),
                None => Err(self.unknown_function(callee)),
            },
            ExprKind::Unary { op, expr } => match op {
                UnaryOp::Deref => {
                    let node = self.object(e)?;
                    self.node_value(node, e.span)
                }
                UnaryOp::AddrOf => self.fail(e.span, "the address of an object is not a number"),
                UnaryOp::Plus => self.rvalue(expr),
                UnaryOp::Not | UnaryOp::Neg | UnaryOp::BitNot => {
                    let v = self.rvalue(expr)?;
                    let v = self.operand(v);
                    let u = match op {
                        UnaryOp::Not => UnOp::Not,
                        UnaryOp::Neg => UnOp::Neg,
                        _ => UnOp::BitNot,
                    };
                    Ok(Operand::Expr(self.expr(IExpr::Unary(u, v))))
                }
                _ => self.fail(e.span, "`++` and `--` are statements of their own here"),
            },
            ExprKind::Binary { op, lhs, rhs } => {
                if matches!(op, ast::BinaryOp::Div | ast::BinaryOp::Rem) && !matches!(self.const_of(rhs), Some(d) if d != 0) {
                    return self.fail(rhs.span, "`/` and `%` take a non-zero constant on the right");
                }
                let a = self.rvalue(lhs)?;
                let b = self.rvalue(rhs)?;
                let (a, b) = (self.operand(a), self.operand(b));
                Ok(Operand::Expr(self.expr(IExpr::Binary(to_binop(*op), a, b))))
            }
            ExprKind::Cond { cond, then, els } => {
                let c = self.rvalue(cond)?;
                let a = self.rvalue(then)?;
                let b = self.rvalue(els)?;
                let (c, a, b) = (self.operand(c), self.operand(a), self.operand(b));
                Ok(Operand::Expr(self.expr(IExpr::Select(c, a, b))))
            }
            ExprKind::Cast { expr, .. } => self.rvalue(expr),
            ExprKind::Assign { .. } => self.fail(e.span, "an assignment inside an expression: write it as a statement of its own"),
            ExprKind::StmtExpr(_) => self.fail(e.span, "a `({ ... })` inside an expression: assign it to a local first"),
        }
    }

    fn node_value(&mut self, node: Node, span: Span) -> R<Operand> {
        match node {
            Node::Const(v) => Ok(Operand::Const(v)),
            Node::Int(place) => Ok(Operand::Expr(self.read_place(place))),
            other => self.fail(span, format!("{} is not a number", describe(&other))),
        }
    }

    pub fn read_place(&mut self, place: Place) -> ExprId {
        self.expr(match place {
            Place::Local(l) => IExpr::Local(l),
            Place::Var(v) | Place::Buffered(v) => IExpr::Var(v),
            Place::EntryFlags(e) => IExpr::EntryFlags(e),
        })
    }

    fn int_place(&mut self, e: &'a Expr) -> R<Place> {
        match self.object(e)? {
            Node::Int(p) => Ok(p),
            other => self.fail(e.span, format!("{} is not a variable", describe(&other))),
        }
    }

    /// The object an expression names: `wq`, `&pipe->rd_wait`, `*q`, `wait_page.wait`,
    /// `page_wait_table[0]`, `page_waitqueue(page)`.
    pub fn object(&mut self, e: &'a Expr) -> R<Node> {
        match &e.kind {
            ExprKind::Name(n) => self.lookup(n, e.span),
            ExprKind::Unary { op: UnaryOp::AddrOf | UnaryOp::Deref, expr } => self.object(expr),
            ExprKind::Member { base, field, .. } => {
                let node = self.object(base)?;
                let f = self.env.field(&node, field).ok_or(Reported)?;
                Ok(self.env.resolve(f))
            }
            ExprKind::Index { base, index } => {
                let node = self.object(base)?;
                let Node::Array(items) = node else {
                    return self.fail(base.span, "only an array can be indexed");
                };
                let Some(i) = self.const_of(index) else {
                    return self.fail(index.span, "an array index must be a constant");
                };
                match items.get(i as usize) {
                    Some(n) => Ok(self.env.resolve(n.clone())),
                    None => self.fail(index.span, format!("index {i} is out of the array's {} elements", items.len())),
                }
            }
            ExprKind::Call { callee, args } => match self.builtin(&callee.name) {
                Some(def) => crate::lang::calls::object(self, def, args, e.span),
                None => self.fail(e.span, format!("`{}` does not name an object", callee.name)),
            },
            ExprKind::Cast { expr, .. } => self.object(expr),
            _ => match self.rvalue(e)? {
                Operand::Const(v) => Ok(Node::Const(v)),
                Operand::Expr(_) => self.fail(e.span, "this is a value, not an object"),
            },
        }
    }

    /// A shared word for bit operations: `&page->flags`, `&count`.
    pub fn word(&mut self, e: &'a Expr) -> R<crate::ids::VarId> {
        match self.object(e)? {
            Node::Int(Place::Var(v)) => Ok(v),
            Node::Struct { kind: StructKind::Page(i), .. } => Ok(self.env.page(i).1),
            // `q->key.flags`: the word of an entry's key.
            Node::EntryStatic(entry, "word") => match self.statics[entry.index()].key_var {
                Some(v) => Ok(v),
                None => self.fail(e.span, "this entry's key has no word: declare it with DEFINE_WAIT_BIT()"),
            },
            Node::Int(_) => self.fail(e.span, "bit operations and atomics work on shared variables, not on locals"),
            other => self.fail(e.span, format!("{} is not a shared word", describe(&other))),
        }
    }

    /// The kernel function `name`, unless the scenario defines its own: old kernels had other
    /// versions of some (2.6.28's `wake_up_page()`), and a scenario may model those.
    fn builtin(&self, name: &str) -> Option<&'static api::Def> {
        if self.env.functions.contains_key(name) {
            return None;
        }
        api::find(name)
    }

    /// The bit of an entry's key (`q->key.bit_nr`), once the entry's declaration has set it.
    pub fn key_bit(&self, node: &Node) -> Option<u8> {
        match node {
            Node::EntryStatic(e, "bit_nr") => self.statics[e.index()].key_bit,
            _ => None,
        }
    }

    /// A task state known when compiling.
    pub fn state(&mut self, e: &'a Expr) -> R<TaskState> {
        let Some(v) = self.const_of(e) else {
            return self.fail(e.span, "a task state must be a constant such as TASK_INTERRUPTIBLE");
        };
        match TaskState::from_bits(v as u16) {
            Some(s) => Ok(s),
            None => self.fail(
                e.span,
                format!(
                    "{v:#x} is not a task state this model has (RUNNING, INTERRUPTIBLE, UNINTERRUPTIBLE, KILLABLE)"
                ),
            ),
        }
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

/// `struct wait_bit_queue`: its entry (`.wait`) and key (`.key.flags`, `.key.bit_nr`).
fn wait_bit_queue(e: EntryId, name: &str) -> Node {
    let key = Node::Struct {
        kind: StructKind::User("wait_bit_key".into()),
        fields: vec![("flags".into(), Node::EntryStatic(e, "word")), ("bit_nr".into(), Node::EntryStatic(e, "bit_nr"))],
        name: format!("{name}.key"),
    };
    Node::Struct {
        kind: StructKind::WaitBitQueue,
        fields: vec![("wait".into(), Node::Entry(e)), ("key".into(), key)],
        name: name.to_string(),
    }
}

/// How an object reads in a message.
pub fn describe(node: &Node) -> String {
    match node {
        Node::Int(_) => "a variable".into(),
        Node::Const(_) => "a constant".into(),
        Node::Queue(_) => "a wait queue head".into(),
        Node::Mutex(_) => "a mutex".into(),
        Node::Spinlock(n) => format!("spinlock `{n}`"),
        Node::Entry(_) => "a wait entry".into(),
        Node::EntryNode(_) => "an entry's list node".into(),
        Node::EntryStatic(_, f) => format!("an entry's `{f}`"),
        Node::KeyStatic(_, f) => format!("a key's `{f}`"),
        Node::Task(_) => "a task".into(),
        Node::Struct { name, .. } => format!("`{name}` (a struct)"),
        Node::Array(_) => "an array".into(),
        Node::Lazy(l) => format!("`{}`", l.path),
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

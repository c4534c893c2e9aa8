//! Statements of an inlined function: blocks, `if` and the loops, `break`, `continue`, `goto`
//! and labels, `return` (whose value goes where the call's context says), expression
//! statements, `({ ... })` and assignments. One file per kind of syntax: the `Gen` state and
//! the emission primitives are in `mod.rs`.

use std::collections::HashMap;

use super::{describe, Ctx, Gen, Label, Operand, Origin, R};
use crate::lang::ast::{self, Block, Expr, ExprKind, Stmt, StmtKind, Toks, UnaryOp};
use crate::lang::compile::{to_binop, Node};
use crate::lang::diag::{Diagnostic, Reported, Span};
use crate::program::{BinOp, Expr as IExpr, Op, Place};

impl<'e, 'a> Gen<'e, 'a> {
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
    pub(super) fn stmt_expr(&mut self, block: &'a Block) -> R<Option<Operand>> {
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
}

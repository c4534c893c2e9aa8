//! Calls, conditions and expressions: a call of a scenario function or a kernel primitive, its
//! value going where its context says; a condition, compiled to branches; an integer value; the
//! object an expression names; and the constants known when compiling. The `Gen` state is in
//! `mod.rs`.

use super::{Ctx, Gen, Label, Operand, R};
use crate::kernel::api;
use crate::kernel::task::TaskState;
use crate::lang::ast::{self, Expr, ExprKind, Toks, UnaryOp};
use crate::lang::compile::{to_binop, Node, StructKind};
use crate::lang::diag::{suggest, Diagnostic, Reported, Span};
use crate::program::{Expr as IExpr, ExprId, Op, Place, Ret, Target, UnOp};

impl<'e, 'a> Gen<'e, 'a> {
    // ---- calls

    pub(super) fn call(&mut self, callee: &'a ast::Ident, args: &'a [Expr], span: Span, toks: Toks, ctx: Ctx) -> R<()> {
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

    pub(super) fn int_place(&mut self, e: &'a Expr) -> R<Place> {
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

//! The kernel's C litmus format (tools/memory-model/litmus-tests): `C NAME`, an optional
//! `(* ... *)` comment, the initial state `{ ... }`, processes `P0(int *x, ...) { ... }` and an
//! `exists` clause. A subset: `WRITE_ONCE()`, `READ_ONCE()`, `smp_mb()`, `smp_wmb()`,
//! `smp_rmb()`, `smp_store_mb()`, `smp_store_release()`, `smp_load_acquire()`, `xchg()`, `int`
//! registers and `if`. Anything else is a diagnostic that names the construct and its place,
//! never a wrong answer.

use logos::Logos;

use crate::lang::diag::{Diagnostic, Span};

#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(skip r"[ \t\r\n\f]+")]
enum Tok {
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    #[regex(r"[0-9]+")]
    Int,
    #[regex(r"\(\*([^*]|\*+[^*)])*\*+\)")]
    #[regex(r"//[^\n]*", allow_greedy = true)]
    #[regex(r"/\*([^*]|\*+[^*/])*\*+/")]
    Comment,
    #[token("/\\")]
    And,
    #[token("\\/")]
    Or,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("==")]
    EqEq,
    #[token("!=")]
    Ne,
    #[token("<=")]
    Le,
    #[token(">=")]
    Ge,
    #[regex(r"[(){};,*=:~!<>+&|^\[\]-]")]
    Punct,
}

/// A litmus test, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Test {
    pub name: String,
    /// Shared variables with an initial value (`{ x=1; }`); others start at 0.
    pub init: Vec<(String, i32)>,
    pub procs: Vec<Proc>,
    pub condition: Condition,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proc {
    /// The shared variables it takes (`int *x`).
    pub params: Vec<String>,
    pub regs: Vec<String>,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fence {
    /// `smp_mb()`.
    Mb,
    /// `smp_wmb()`, `smp_rmb()`.
    Weak,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// `WRITE_ONCE(*x, e)`, `smp_store_release(x, e)`; `mb`: `smp_store_mb(*x, e)`.
    Store {
        var: String,
        value: Expr,
        mb: bool,
    },
    /// `r = READ_ONCE(*x)`, `r = smp_load_acquire(x)`.
    Load {
        reg: String,
        var: String,
    },
    /// `[r =] xchg(x, v)` and its `_relaxed`, `_acquire`, `_release` forms.
    Xchg {
        reg: Option<String>,
        var: String,
        value: i32,
    },
    /// `r = e` of registers and constants.
    Assign {
        reg: String,
        value: Expr,
    },
    Fence(Fence),
    If {
        cond: Expr,
        then: Vec<Stmt>,
        els: Vec<Stmt>,
    },
}

/// An expression over registers and constants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Int(i32),
    Reg(String),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(&'static str, Box<Expr>, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    Exists,
    NotExists,
    Forall,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub quantifier: Quantifier,
    pub prop: Prop,
    /// As written, for the report.
    pub text: String,
}

/// A location of the final state: `1:r0` or `x`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Loc {
    Reg(usize, String),
    Var(String),
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Loc::Reg(p, r) => write!(f, "{p}:{r}"),
            Loc::Var(v) => f.write_str(v),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prop {
    Const(bool),
    Eq(Loc, i32),
    Not(Box<Prop>),
    And(Box<Prop>, Box<Prop>),
    Or(Box<Prop>, Box<Prop>),
}

impl Prop {
    /// Its value in a final state.
    pub fn holds(&self, value: &dyn Fn(&Loc) -> i32) -> bool {
        match self {
            Prop::Const(b) => *b,
            Prop::Eq(l, v) => value(l) == *v,
            Prop::Not(p) => !p.holds(value),
            Prop::And(a, b) => a.holds(value) && b.holds(value),
            Prop::Or(a, b) => a.holds(value) || b.holds(value),
        }
    }

    /// The locations it reads, in order of first use.
    pub fn locs(&self, out: &mut Vec<Loc>) {
        match self {
            Prop::Const(_) => {}
            Prop::Eq(l, _) => {
                if !out.contains(l) {
                    out.push(l.clone());
                }
            }
            Prop::Not(p) => p.locs(out),
            Prop::And(a, b) | Prop::Or(a, b) => {
                a.locs(out);
                b.locs(out);
            }
        }
    }
}

/// What the subset supports, for the diagnostics.
const SUPPORTED: &str = "supported: WRITE_ONCE, READ_ONCE, smp_mb, smp_wmb, smp_rmb, smp_store_mb, \
                         smp_store_release, smp_load_acquire, xchg, int registers and if";

struct Parser<'a> {
    text: &'a str,
    toks: Vec<(Tok, Span)>,
    at: usize,
    diags: Vec<Diagnostic>,
}

type R<T> = Result<T, ()>;

/// Parse a litmus test, or say what is wrong with it.
pub fn parse(text: &str) -> Result<Test, Vec<Diagnostic>> {
    // `C NAME`: the name runs to the end of its line, and may hold any character (`Z6.0+...`).
    let start = text.len() - text.trim_start().len();
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let first = &text[start..line_end];
    let name = match first.strip_prefix('C') {
        Some(rest) if rest.starts_with(char::is_whitespace) && !rest.trim().is_empty() => rest.trim().to_string(),
        _ => {
            let span = Span::new(start, line_end.max(start + 1).min(text.len()));
            let d = Diagnostic::error(span, "a C litmus test begins with `C <name>`")
                .label("expected `C` and the test's name")
                .help("tests of other architectures (X86, ARM, ...) are not supported");
            return Err(vec![d]);
        }
    };
    let mut toks = Vec::new();
    let mut diags = Vec::new();
    for (tok, range) in Tok::lexer(&text[line_end..]).spanned() {
        let span = Span::new(line_end + range.start, line_end + range.end);
        match tok {
            Ok(Tok::Comment) => {}
            Ok(t) => toks.push((t, span)),
            Err(()) => {
                diags.push(Diagnostic::error(span, format!("unexpected character `{}`", &text[span.start..span.end])))
            }
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut p = Parser { text, toks, at: 0, diags };
    match p.test(name) {
        Ok(test) if p.diags.is_empty() => Ok(test),
        _ => Err(p.diags),
    }
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.toks.get(self.at).map(|&(_, s)| &self.text[s.start..s.end])
    }

    fn span(&self) -> Span {
        self.toks.get(self.at).map_or(Span::new(self.text.len(), self.text.len()), |&(_, s)| s)
    }

    fn kind(&self) -> Option<Tok> {
        self.toks.get(self.at).map(|&(t, _)| t)
    }

    fn fail<T>(&mut self, span: Span, msg: impl Into<String>) -> R<T> {
        self.diags.push(Diagnostic::error(span, msg));
        Err(())
    }

    fn unsupported<T>(&mut self, span: Span, what: &str) -> R<T> {
        self.diags.push(Diagnostic::error(span, format!("{what} is not supported")).help(SUPPORTED));
        Err(())
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.peek() == Some(s) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, s: &str) -> R<Span> {
        let span = self.span();
        if self.eat(s) {
            return Ok(span);
        }
        let found = self.peek().map_or("the end of the file".to_string(), |t| format!("`{t}`"));
        self.fail(span, format!("expected `{s}`, found {found}"))
    }

    fn ident(&mut self, what: &str) -> R<(String, Span)> {
        let span = self.span();
        match (self.kind(), self.peek()) {
            (Some(Tok::Ident), Some(t)) => {
                self.at += 1;
                Ok((t.to_string(), span))
            }
            (_, t) => {
                let found = t.map_or("the end of the file".to_string(), |t| format!("`{t}`"));
                self.fail(span, format!("expected {what}, found {found}"))
            }
        }
    }

    fn int(&mut self) -> R<i32> {
        let span = self.span();
        let negative = self.eat("-");
        match (self.kind(), self.peek()) {
            (Some(Tok::Int), Some(t)) => {
                self.at += 1;
                let v: i64 = t.parse().unwrap_or(i64::MAX);
                let v = if negative { -v } else { v };
                i32::try_from(v).or_else(|_| self.fail(span, format!("{v} does not fit in an int")))
            }
            _ => self.fail(span, "expected a number"),
        }
    }

    fn test(&mut self, name: String) -> R<Test> {
        let init = self.init()?;
        let mut procs = Vec::new();
        while let Some(t) = self.peek() {
            if ["exists", "forall", "~"].contains(&t) {
                break;
            }
            if ["locations", "filter"].contains(&t) {
                let span = self.span();
                return self.unsupported(span, &format!("a `{t}` clause"));
            }
            procs.push(self.proc(procs.len())?);
        }
        if procs.is_empty() {
            let span = self.span();
            return self.fail(span, "expected a process `P0(...) { ... }`");
        }
        let condition = self.condition(&procs, &init)?;
        if let Some(t) = self.peek() {
            let span = self.span();
            return self.fail(span, format!("unexpected `{t}` after the condition"));
        }
        Ok(Test { name, init, procs, condition })
    }

    /// `{ int x; x=1; y=2; }`: declarations and initial values of shared variables.
    fn init(&mut self) -> R<Vec<(String, i32)>> {
        self.expect("{")?;
        let mut init = Vec::new();
        while !self.eat("}") {
            let span = self.span();
            if self.eat("int") {
                if self.peek() == Some("*") {
                    return self.unsupported(span, "a pointer in the initial state");
                }
            } else if self.kind() == Some(Tok::Ident) && self.toks.get(self.at + 1).is_some_and(|t| t.0 == Tok::Ident) {
                let (ty, span) = self.ident("a type")?;
                return self.unsupported(span, &format!("a variable of type `{ty}`"));
            }
            let (name, _) = self.ident("a variable")?;
            let value = if self.eat("=") {
                if self.peek() == Some("&") {
                    return self.unsupported(span, "a pointer in the initial state");
                }
                self.int()?
            } else {
                0
            };
            self.expect(";")?;
            init.push((name, value));
        }
        Ok(init)
    }

    fn proc(&mut self, index: usize) -> R<Proc> {
        let (name, span) = self.ident("a process `P0`")?;
        if name != format!("P{index}") {
            return self.fail(span, format!("expected process `P{index}`, found `{name}`"));
        }
        self.expect("(")?;
        let mut params = Vec::new();
        while !self.eat(")") {
            if !params.is_empty() {
                self.expect(",")?;
            }
            let (ty, ty_span) = self.ident("a parameter type")?;
            if ty != "int" {
                return self.unsupported(ty_span, &format!("a parameter of type `{ty}`"));
            }
            self.expect("*")?;
            params.push(self.ident("a parameter")?.0);
        }
        let mut proc = Proc { params, regs: Vec::new(), body: Vec::new() };
        self.expect("{")?;
        proc.body = self.block(&mut proc)?;
        Ok(proc)
    }

    /// Statements up to the closing `}`.
    fn block(&mut self, proc: &mut Proc) -> R<Vec<Stmt>> {
        let mut out = Vec::new();
        while !self.eat("}") {
            if self.at >= self.toks.len() {
                let span = self.span();
                return self.fail(span, "expected `}`, found the end of the file");
            }
            self.stmt(proc, &mut out)?;
        }
        Ok(out)
    }

    fn var(&mut self, proc: &Proc, deref: bool) -> R<String> {
        let span = self.span();
        if deref {
            self.expect("*")?;
        }
        let (name, span2) = self.ident("a shared variable")?;
        if !proc.params.contains(&name) {
            return self.fail(span.to(span2), format!("`{name}` is not a parameter of this process"));
        }
        Ok(name)
    }

    fn reg(&mut self, proc: &Proc) -> R<String> {
        let (name, span) = self.ident("a register")?;
        if !proc.regs.contains(&name) {
            return self.fail(span, format!("`{name}` is not a register declared with `int {name};`"));
        }
        Ok(name)
    }

    fn stmt(&mut self, proc: &mut Proc, out: &mut Vec<Stmt>) -> R<()> {
        let span = self.span();
        let Some(word) = self.peek() else { return self.fail(span, "expected a statement") };
        match word {
            "{" => {
                self.at += 1;
                out.extend(self.block(proc)?);
                return Ok(());
            }
            "if" => {
                self.at += 1;
                self.expect("(")?;
                let cond = self.expr(proc)?;
                self.expect(")")?;
                let mut then = Vec::new();
                self.stmt(proc, &mut then)?;
                let mut els = Vec::new();
                if self.eat("else") {
                    self.stmt(proc, &mut els)?;
                }
                out.push(Stmt::If { cond, then, els });
                return Ok(());
            }
            "int" => {
                self.at += 1;
                if self.peek() == Some("*") {
                    return self.unsupported(span, "a pointer register");
                }
                let (reg, _) = self.ident("a register")?;
                proc.regs.push(reg.clone());
                if self.eat("=") {
                    self.assign(proc, reg, out)?;
                } else {
                    self.expect(";")?;
                }
                return Ok(());
            }
            "WRITE_ONCE" | "smp_store_release" | "smp_store_mb" => {
                self.at += 1;
                self.expect("(")?;
                let var = self.var(proc, word != "smp_store_release")?;
                self.expect(",")?;
                let value = self.expr(proc)?;
                self.expect(")")?;
                out.push(Stmt::Store { var, value, mb: word == "smp_store_mb" });
            }
            "smp_mb" | "smp_wmb" | "smp_rmb" => {
                self.at += 1;
                self.expect("(")?;
                self.expect(")")?;
                out.push(Stmt::Fence(if word == "smp_mb" { Fence::Mb } else { Fence::Weak }));
            }
            w if is_xchg(w) => {
                self.at += 1;
                out.push(self.xchg(proc, None)?);
            }
            _ if self.kind() == Some(Tok::Ident)
                && self.toks.get(self.at + 1).is_some_and(|t| t.0 == Tok::Punct)
                && &self.text[self.toks[self.at + 1].1.start..self.toks[self.at + 1].1.end] == "=" =>
            {
                let reg = self.reg(proc)?;
                self.expect("=")?;
                return self.assign(proc, reg, out);
            }
            w if self.kind() == Some(Tok::Ident) => return self.unsupported(span, &format!("`{w}`")),
            w => return self.fail(span, format!("expected a statement, found `{w}`")),
        }
        self.expect(";")?;
        Ok(())
    }

    /// The right-hand side of `reg = ...;`.
    fn assign(&mut self, proc: &Proc, reg: String, out: &mut Vec<Stmt>) -> R<()> {
        match self.peek() {
            Some(w @ ("READ_ONCE" | "smp_load_acquire")) => {
                self.at += 1;
                self.expect("(")?;
                let var = self.var(proc, w == "READ_ONCE")?;
                self.expect(")")?;
                out.push(Stmt::Load { reg, var });
            }
            Some(w) if is_xchg(w) => {
                self.at += 1;
                out.push(self.xchg(proc, Some(reg))?);
            }
            _ => {
                let value = self.expr(proc)?;
                out.push(Stmt::Assign { reg, value });
            }
        }
        self.expect(";")?;
        Ok(())
    }

    /// `xchg(x, v)` after its name.
    fn xchg(&mut self, proc: &Proc, reg: Option<String>) -> R<Stmt> {
        self.expect("(")?;
        let var = self.var(proc, false)?;
        self.expect(",")?;
        let span = self.span();
        let value = match self.expr(proc)? {
            Expr::Int(v) => v,
            Expr::Neg(e) if matches!(*e, Expr::Int(_)) => match *e {
                Expr::Int(v) => -v,
                _ => unreachable!(),
            },
            _ => return self.unsupported(span, "an `xchg()` of a value that is not a constant"),
        };
        self.expect(")")?;
        Ok(Stmt::Xchg { reg, var, value })
    }

    /// Expressions of registers and constants, with C's precedence for `||`, `&&`, comparisons,
    /// `+` and `-`, and unary `!` and `-`.
    fn expr(&mut self, proc: &Proc) -> R<Expr> {
        self.binary(proc, 0)
    }

    fn binary(&mut self, proc: &Proc, level: usize) -> R<Expr> {
        const LEVELS: [&[&str]; 4] = [&["||"], &["&&"], &["==", "!=", "<", ">", "<=", ">="], &["+", "-"]];
        if level == LEVELS.len() {
            return self.unary(proc);
        }
        let mut e = self.binary(proc, level + 1)?;
        while let Some(op) = LEVELS[level].iter().find(|&&op| self.peek() == Some(op)) {
            self.at += 1;
            let rhs = self.binary(proc, level + 1)?;
            e = Expr::Binary(op, Box::new(e), Box::new(rhs));
        }
        Ok(e)
    }

    fn unary(&mut self, proc: &Proc) -> R<Expr> {
        let span = self.span();
        match (self.kind(), self.peek()) {
            (_, Some("!")) => {
                self.at += 1;
                Ok(Expr::Not(Box::new(self.unary(proc)?)))
            }
            (_, Some("-")) => {
                self.at += 1;
                Ok(Expr::Neg(Box::new(self.unary(proc)?)))
            }
            (_, Some("(")) => {
                self.at += 1;
                let e = self.expr(proc)?;
                self.expect(")")?;
                Ok(e)
            }
            (Some(Tok::Int), _) => Ok(Expr::Int(self.int()?)),
            (Some(Tok::Ident), Some(w)) if proc.regs.iter().any(|r| r == w) => Ok(Expr::Reg(self.reg(proc)?)),
            (Some(Tok::Ident), Some(w @ ("READ_ONCE" | "smp_load_acquire"))) => {
                self.unsupported(span, &format!("`{w}()` inside an expression (load into a register first)"))
            }
            (Some(Tok::Ident), Some(w)) => self.unsupported(span, &format!("`{w}` in an expression")),
            (_, t) => {
                let found = t.map_or("the end of the file".to_string(), |t| format!("`{t}`"));
                self.fail(span, format!("expected an expression, found {found}"))
            }
        }
    }

    /// `exists (...)`, `~exists (...)` or `forall (...)`.
    fn condition(&mut self, procs: &[Proc], init: &[(String, i32)]) -> R<Condition> {
        let start = self.span();
        let quantifier = if self.eat("~") {
            self.expect("exists")?;
            Quantifier::NotExists
        } else if self.eat("forall") {
            Quantifier::Forall
        } else {
            self.expect("exists")?;
            Quantifier::Exists
        };
        let prop = self.disjunction(procs, init)?;
        let end = self.toks.get(self.at.saturating_sub(1)).map_or(start, |t| t.1);
        let text = self.text[start.start..end.end].split_whitespace().collect::<Vec<_>>().join(" ");
        Ok(Condition { quantifier, prop, text })
    }

    fn disjunction(&mut self, procs: &[Proc], init: &[(String, i32)]) -> R<Prop> {
        let mut p = self.conjunction(procs, init)?;
        while self.eat("\\/") {
            p = Prop::Or(Box::new(p), Box::new(self.conjunction(procs, init)?));
        }
        Ok(p)
    }

    fn conjunction(&mut self, procs: &[Proc], init: &[(String, i32)]) -> R<Prop> {
        let mut p = self.atom(procs, init)?;
        while self.eat("/\\") {
            p = Prop::And(Box::new(p), Box::new(self.atom(procs, init)?));
        }
        Ok(p)
    }

    fn atom(&mut self, procs: &[Proc], init: &[(String, i32)]) -> R<Prop> {
        let span = self.span();
        if self.eat("~") {
            return Ok(Prop::Not(Box::new(self.atom(procs, init)?)));
        }
        if self.eat("(") {
            let p = self.disjunction(procs, init)?;
            self.expect(")")?;
            return Ok(p);
        }
        if self.eat("true") {
            return Ok(Prop::Const(true));
        }
        if self.eat("false") {
            return Ok(Prop::Const(false));
        }
        let loc = if self.kind() == Some(Tok::Int) {
            let p = self.int()?;
            self.expect(":")?;
            let (reg, reg_span) = self.ident("a register")?;
            let known = usize::try_from(p).ok().and_then(|p| procs.get(p)).is_some_and(|q| q.regs.contains(&reg));
            if !known {
                return self.fail(span.to(reg_span), format!("P{p} has no register `{reg}`"));
            }
            Loc::Reg(p as usize, reg)
        } else {
            let (var, var_span) = self.ident("a register `0:r0` or a variable")?;
            let known = init.iter().any(|(v, _)| *v == var) || procs.iter().any(|q| q.params.contains(&var));
            if !known {
                return self.fail(var_span, format!("no process takes a variable `{var}`"));
            }
            Loc::Var(var)
        };
        self.expect("=")?;
        Ok(Prop::Eq(loc, self.int()?))
    }
}

fn is_xchg(w: &str) -> bool {
    ["xchg", "xchg_relaxed", "xchg_acquire", "xchg_release"].contains(&w)
}

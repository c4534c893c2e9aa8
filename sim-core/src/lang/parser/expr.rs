//! Expressions: assignment, `?:`, binary operators by precedence, unary, postfix, primary.

use super::{found, parse_int, PResult, Parser, KEYWORDS, QUALIFIERS, TYPE_WORDS};
use crate::lang::ast::*;
use crate::lang::diag::{Diagnostic, Reported, Span};
use crate::lang::lexer::Tok;

impl<'a> Parser<'a> {
    pub fn expr(&mut self) -> PResult<Expr> {
        let e = self.assignment()?;
        if self.is(Tok::Comma) {
            let span = self.here();
            self.diags.push(
                Diagnostic::error(span, "the comma operator is not part of the scenario language")
                    .help("write two statements"),
            );
            return Err(Reported);
        }
        Ok(e)
    }

    pub(super) fn assignment(&mut self) -> PResult<Expr> {
        let m = self.mark();
        self.enter(m.0)?;
        let r = self.assignment_inner(m);
        self.leave();
        r
    }

    fn assignment_inner(&mut self, m: (Span, u32)) -> PResult<Expr> {
        let lhs = self.conditional()?;
        let op = match self.peek_tok() {
            Some(Tok::Assign) => None,
            Some(Tok::PlusEq) => Some(BinaryOp::Add),
            Some(Tok::MinusEq) => Some(BinaryOp::Sub),
            Some(Tok::StarEq) => Some(BinaryOp::Mul),
            Some(Tok::SlashEq) => Some(BinaryOp::Div),
            Some(Tok::PercentEq) => Some(BinaryOp::Rem),
            Some(Tok::AmpEq) => Some(BinaryOp::BitAnd),
            Some(Tok::PipeEq) => Some(BinaryOp::BitOr),
            Some(Tok::CaretEq) => Some(BinaryOp::BitXor),
            Some(Tok::ShlEq) => Some(BinaryOp::Shl),
            Some(Tok::ShrEq) => Some(BinaryOp::Shr),
            _ => return Ok(lhs),
        };
        self.bump();
        let rhs = self.assignment()?;
        Ok(self.expr_from(ExprKind::Assign { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, m))
    }

    fn conditional(&mut self) -> PResult<Expr> {
        let m = self.mark();
        let cond = self.binary(1)?;
        if !self.eat(Tok::Question) {
            return Ok(cond);
        }
        let then = self.assignment()?;
        self.expect(Tok::Colon, "in `?:`")?;
        let els = self.conditional()?;
        Ok(self.expr_from(ExprKind::Cond { cond: Box::new(cond), then: Box::new(then), els: Box::new(els) }, m))
    }

    fn binop(&self) -> Option<BinaryOp> {
        Some(match self.peek_tok()? {
            Tok::Star => BinaryOp::Mul,
            Tok::Slash => BinaryOp::Div,
            Tok::Percent => BinaryOp::Rem,
            Tok::Plus => BinaryOp::Add,
            Tok::Minus => BinaryOp::Sub,
            Tok::Shl => BinaryOp::Shl,
            Tok::Shr => BinaryOp::Shr,
            Tok::Lt => BinaryOp::Lt,
            Tok::Le => BinaryOp::Le,
            Tok::Gt => BinaryOp::Gt,
            Tok::Ge => BinaryOp::Ge,
            Tok::EqEq => BinaryOp::Eq,
            Tok::Ne => BinaryOp::Ne,
            Tok::Amp => BinaryOp::BitAnd,
            Tok::Caret => BinaryOp::BitXor,
            Tok::Pipe => BinaryOp::BitOr,
            Tok::AndAnd => BinaryOp::And,
            Tok::OrOr => BinaryOp::Or,
            _ => return None,
        })
    }

    /// Precedence climbing over the binary operators of at least `min` precedence.
    fn binary(&mut self, min: u8) -> PResult<Expr> {
        let m = self.mark();
        let mut lhs = self.unary()?;
        while let Some(op) = self.binop().filter(|op| op.precedence() >= min) {
            self.bump();
            self.enter(m.0)?;
            let rhs = self.binary(op.precedence() + 1);
            self.leave();
            lhs = self.expr_from(ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs?) }, m);
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Expr> {
        let m = self.mark();
        let start = m.0;
        let op = match self.peek_tok() {
            Some(Tok::Bang) => UnaryOp::Not,
            Some(Tok::Minus) => UnaryOp::Neg,
            Some(Tok::Plus) => UnaryOp::Plus,
            Some(Tok::Tilde) => UnaryOp::BitNot,
            Some(Tok::Amp) => UnaryOp::AddrOf,
            Some(Tok::Star) => UnaryOp::Deref,
            Some(Tok::PlusPlus) => UnaryOp::PreInc,
            Some(Tok::MinusMinus) => UnaryOp::PreDec,
            Some(Tok::LParen) if self.is_cast() => {
                self.bump();
                let ty = self.ty()?;
                self.expect(Tok::RParen, "to close the cast")?;
                self.enter(start)?;
                let expr = self.unary();
                self.leave();
                return Ok(self.expr_from(ExprKind::Cast { ty, expr: Box::new(expr?) }, m));
            }
            _ => return self.postfix(),
        };
        self.bump();
        self.enter(start)?;
        let expr = self.unary();
        self.leave();
        Ok(self.expr_from(ExprKind::Unary { op, expr: Box::new(expr?) }, m))
    }

    fn is_cast(&self) -> bool {
        self.peek_at(1)
            .is_some_and(|t| t.tok == Tok::Ident && (TYPE_WORDS.contains(&t.text.as_str()) || t.text == "struct"))
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let m = self.mark();
        let mut e = self.primary()?;
        loop {
            match self.peek_tok() {
                Some(Tok::Dot | Tok::Arrow) => {
                    let arrow = self.bump().tok == Tok::Arrow;
                    let field = self.ident("after `.` or `->`")?;
                    e = self.expr_from(ExprKind::Member { base: Box::new(e), field, arrow }, m);
                }
                Some(Tok::LBracket) => {
                    self.bump();
                    let index = self.expr()?;
                    self.expect(Tok::RBracket, "to close the index")?;
                    e = self.expr_from(ExprKind::Index { base: Box::new(e), index: Box::new(index) }, m);
                }
                Some(Tok::PlusPlus | Tok::MinusMinus) => {
                    let op = if self.bump().tok == Tok::PlusPlus { UnaryOp::PostInc } else { UnaryOp::PostDec };
                    e = self.expr_from(ExprKind::Unary { op, expr: Box::new(e) }, m);
                }
                Some(Tok::LParen) => {
                    let span = self.here();
                    self.diags.push(
                        Diagnostic::error(span, "only a function's name can be called")
                            .help("function pointers are not part of the scenario language"),
                    );
                    return Err(Reported);
                }
                _ => return Ok(e),
            }
        }
    }

    pub(super) fn call_args(&mut self) -> PResult<Vec<Expr>> {
        self.expect(Tok::LParen, "to open the arguments")?;
        let mut args = Vec::new();
        while !self.is(Tok::RParen) {
            args.push(self.assignment()?);
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        self.expect(Tok::RParen, "to close the arguments")?;
        Ok(args)
    }

    fn primary(&mut self) -> PResult<Expr> {
        self.unsupported_word()?;
        let m = self.mark();
        let start = m.0;
        let Some(t) = self.peek() else {
            self.error(start, "expected an expression, found the end of the source");
            return Err(Reported);
        };
        match t.tok {
            Tok::Int => {
                self.bump();
                match parse_int(&t.text) {
                    Some(v) => Ok(self.expr_from(ExprKind::Int(v), m)),
                    None => {
                        self.error(t.span, format!("the number `{}` does not fit in 32 bits", t.text));
                        Err(Reported)
                    }
                }
            }
            // A type word is not a value (read as one, `int && a || b` printed with the
            // parentheses gcc asks for, `(int && a) || b`, would read as a cast).
            Tok::Ident if TYPE_WORDS.contains(&t.text.as_str()) || QUALIFIERS.contains(&t.text.as_str()) => {
                self.diags.push(
                    Diagnostic::error(t.span, format!("expected an expression, found the type word `{}`", t.text))
                        .label("expected an expression")
                        .help("a type is not a value; a cast is written `(int)x`"),
                );
                Err(Reported)
            }
            Tok::Ident if !KEYWORDS.contains(&t.text.as_str()) => {
                self.bump();
                if self.is(Tok::LParen) {
                    let callee = Ident { name: t.text.clone(), span: t.span };
                    let args = self.call_args()?;
                    return Ok(self.expr_from(ExprKind::Call { callee, args }, m));
                }
                Ok(self.expr_from(ExprKind::Name(t.text.clone()), m))
            }
            Tok::LParen => {
                self.bump();
                if self.is(Tok::LBrace) {
                    let block = self.block()?;
                    self.expect(Tok::RParen, "to close `({ ... })`")?;
                    return Ok(self.expr_from(ExprKind::StmtExpr(block), m));
                }
                let mut e = self.expr()?;
                self.expect(Tok::RParen, "to close the parenthesis")?;
                e.span = self.span_from(start);
                e.toks = self.toks_from(m.1);
                Ok(e)
            }
            Tok::Str => {
                self.error(t.span, "strings are not part of the scenario language");
                Err(Reported)
            }
            _ => {
                let span = t.span;
                self.diags.push(
                    Diagnostic::error(span, format!("expected an expression, found {}", found(t)))
                        .label("expected an expression"),
                );
                Err(Reported)
            }
        }
    }
}

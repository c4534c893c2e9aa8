//! Statements: blocks, control flow, labels, declarations and expressions as statements.

use super::{PResult, Parser};
use crate::lang::ast::*;
use crate::lang::diag::Reported;
use crate::lang::lexer::Tok;

impl<'a> Parser<'a> {
    pub fn block(&mut self) -> PResult<Block> {
        let start = self.here();
        self.expect(Tok::LBrace, "to open a block")?;
        self.enter(start)?;
        let mut stmts = Vec::new();
        while !self.is(Tok::RBrace) && !self.at_end() && !self.too_deep {
            let before = self.pos;
            match self.stmt() {
                Ok(s) => stmts.push(s),
                Err(Reported) => self.recover_stmt(),
            }
            if self.pos == before {
                self.pos += 1;
            }
        }
        self.leave();
        if self.expect(Tok::RBrace, "to close the block").is_err() {
            if self.at_end() {
                if let Some(d) = self.diags.last_mut() {
                    d.notes.push(crate::lang::diag::Label { span: start, message: "the block opened here".into() });
                }
            }
            return Err(Reported);
        }
        Ok(Block { stmts, span: self.span_from(start) })
    }

    fn stmt(&mut self) -> PResult<Stmt> {
        let (start, at) = self.mark();
        self.enter(start)?;
        let kind = self.stmt_kind();
        self.leave();
        Ok(Stmt { kind: kind?, span: self.span_from(start), toks: self.toks_from(at) })
    }

    fn stmt_kind(&mut self) -> PResult<StmtKind> {
        self.unsupported_word()?;
        let Some(t) = self.peek() else {
            self.expect(Tok::RBrace, "")?;
            return Err(Reported);
        };
        match (t.tok, t.text.as_str()) {
            (Tok::LBrace, _) => return Ok(StmtKind::Block(self.block()?)),
            (Tok::Semi, _) => {
                self.bump();
                return Ok(StmtKind::Empty);
            }
            (Tok::Ident, "if") => {
                self.bump();
                let cond = self.paren_expr("after `if`")?;
                let then = Box::new(self.stmt()?);
                let els = if self.is_word("else") {
                    self.bump();
                    Some(Box::new(self.stmt()?))
                } else {
                    None
                };
                return Ok(StmtKind::If { cond, then, els });
            }
            (Tok::Ident, "while") => {
                self.bump();
                let cond = self.paren_expr("after `while`")?;
                let body = Box::new(self.stmt()?);
                return Ok(StmtKind::While { cond, body });
            }
            (Tok::Ident, "do") => {
                self.bump();
                let body = Box::new(self.stmt()?);
                if !self.is_word("while") {
                    let span = self.here();
                    self.error(span, "expected `while` after the body of `do`");
                    return Err(Reported);
                }
                self.bump();
                let cond = self.paren_expr("after `while`")?;
                self.expect(Tok::Semi, "after `do ... while (...)`")?;
                return Ok(StmtKind::DoWhile { body, cond });
            }
            (Tok::Ident, "for") => {
                self.bump();
                self.expect(Tok::LParen, "after `for`")?;
                let init = if self.eat(Tok::Semi) {
                    None
                } else if self.starts_type() {
                    let (start, at) = self.mark();
                    let ty = self.ty()?;
                    let decls = self.declarators(ty, start)?;
                    Some(Box::new(Stmt {
                        kind: StmtKind::Decl(decls),
                        span: self.span_from(start),
                        toks: self.toks_from(at),
                    }))
                } else {
                    let (start, at) = self.mark();
                    let e = self.expr()?;
                    self.expect(Tok::Semi, "after the `for` initialiser")?;
                    Some(Box::new(Stmt {
                        kind: StmtKind::Expr(e),
                        span: self.span_from(start),
                        toks: self.toks_from(at),
                    }))
                };
                let cond = if self.is(Tok::Semi) { None } else { Some(self.expr()?) };
                self.expect(Tok::Semi, "after the `for` condition")?;
                let step = if self.is(Tok::RParen) { None } else { Some(self.expr()?) };
                self.expect(Tok::RParen, "to close `for (...)`")?;
                let body = Box::new(self.stmt()?);
                return Ok(StmtKind::For { init, cond, step, body });
            }
            (Tok::Ident, "break") => {
                self.bump();
                self.expect(Tok::Semi, "after `break`")?;
                return Ok(StmtKind::Break);
            }
            (Tok::Ident, "continue") => {
                self.bump();
                self.expect(Tok::Semi, "after `continue`")?;
                return Ok(StmtKind::Continue);
            }
            (Tok::Ident, "goto") => {
                self.bump();
                let label = self.ident("after `goto`")?;
                self.expect(Tok::Semi, "after `goto` and its label")?;
                return Ok(StmtKind::Goto(label));
            }
            (Tok::Ident, "return") => {
                self.bump();
                let value = if self.is(Tok::Semi) { None } else { Some(self.expr()?) };
                self.expect(Tok::Semi, "after `return`")?;
                return Ok(StmtKind::Return(value));
            }
            (Tok::Ident, "else") => {
                let span = t.span;
                self.error(span, "`else` without an `if` before it");
                return Err(Reported);
            }
            (Tok::Ident, _) if self.peek_at(1).is_some_and(|n| n.tok == Tok::Colon) => {
                let label = self.ident("")?;
                self.bump(); // :
                let body = if self.is(Tok::RBrace) {
                    let (span, at) = self.mark();
                    Stmt { kind: StmtKind::Empty, span, toks: self.toks_from(at) }
                } else {
                    self.stmt()?
                };
                return Ok(StmtKind::Label(label, Box::new(body)));
            }
            _ => {}
        }
        if self.starts_type() {
            let start = self.here();
            let ty = self.ty()?;
            return Ok(StmtKind::Decl(self.declarators(ty, start)?));
        }
        if self.at_unknown_type() {
            return self.unknown_type();
        }
        let e = self.expr()?;
        self.expect(Tok::Semi, "after the statement")?;
        Ok(StmtKind::Expr(e))
    }

    fn paren_expr(&mut self, context: &str) -> PResult<Expr> {
        self.expect(Tok::LParen, context)?;
        let e = self.expr()?;
        self.expect(Tok::RParen, "to close the condition")?;
        Ok(e)
    }
}

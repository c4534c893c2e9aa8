//! Types and declarations: qualifiers and a type, the declarators after it, initializers.

use super::{found, PResult, Parser, QUALIFIERS, TYPE_WORDS};
use crate::lang::ast::*;
use crate::lang::diag::{Diagnostic, Reported, Span};
use crate::lang::lexer::Tok;

impl<'a> Parser<'a> {
    /// Qualifiers and a type: `static const unsigned long`, `struct page *`.
    pub(super) fn ty(&mut self) -> PResult<Type> {
        let start = self.here();
        let mut words: Vec<String> = Vec::new();
        let mut name = None;
        loop {
            self.unsupported_word()?;
            let Some(t) = self.peek() else { break };
            if t.tok != Tok::Ident {
                break;
            }
            if QUALIFIERS.contains(&t.text.as_str()) {
                self.pos += 1;
            } else if t.text == "struct" && name.is_none() && words.is_empty() {
                self.pos += 1;
                name = Some(TypeName::Struct(self.ident("after `struct`")?));
            } else if TYPE_WORDS.contains(&t.text.as_str()) && name.is_none() {
                words.push(t.text.clone());
                self.pos += 1;
            } else {
                break;
            }
        }
        let name = match name {
            Some(n) => n,
            None if !words.is_empty() => TypeName::Named(words.join(" ")),
            None => {
                if self.at_unknown_type() {
                    return self.unknown_type();
                }
                let found = self.peek().map_or("the end of the source".to_string(), found);
                let span = self.here();
                self.error(span, format!("expected a type, found {found}"));
                return Err(Reported);
            }
        };
        let mut pointer = 0u8;
        while self.eat(Tok::Star) {
            pointer = pointer.saturating_add(1);
            while self.peek().is_some_and(|t| t.tok == Tok::Ident && QUALIFIERS.contains(&t.text.as_str())) {
                self.pos += 1;
            }
        }
        Ok(Type { name, pointer, span: self.span_from(start) })
    }

    /// The declarators after a type: `a = 1, *b, c[2]`, up to and including `;`.
    pub(super) fn declarators(&mut self, ty: Type, start: Span) -> PResult<Vec<Decl>> {
        let mut out = Vec::new();
        let mut ty = ty;
        loop {
            let mut extra = 0u8;
            while self.eat(Tok::Star) {
                extra = extra.saturating_add(1);
            }
            let name = self.ident("in this declaration")?;
            let array = if self.eat(Tok::LBracket) {
                let e = self.expr()?;
                self.expect(Tok::RBracket, "to close the array size")?;
                Some(e)
            } else {
                None
            };
            let init = if self.eat(Tok::Assign) { Some(self.init()?) } else { None };
            let decl_ty = Type { pointer: ty.pointer.saturating_add(extra), ..ty.clone() };
            out.push(Decl { ty: decl_ty, name, array, init, span: self.span_from(start) });
            if !self.eat(Tok::Comma) {
                break;
            }
            // The stars after the type belong to the first declarator: `int *a, b;` declares a
            // pointer and an int, as in C.
            ty = Type { pointer: 0, ..ty };
        }
        self.expect(Tok::Semi, "after the declaration")?;
        Ok(out)
    }

    fn init(&mut self) -> PResult<Init> {
        if !self.is(Tok::LBrace) {
            return Ok(Init::Expr(self.assignment()?));
        }
        let start = self.here();
        self.bump();
        let mut fields = Vec::new();
        while !self.is(Tok::RBrace) {
            if !self.eat(Tok::Dot) {
                let span = self.here();
                self.diags.push(
                    Diagnostic::error(span, "expected `.field = value` in this initializer")
                        .help("name each field: `{ .max_usage = 16, .readers = 1 }`"),
                );
                return Err(Reported);
            }
            let field = self.ident("after `.`")?;
            self.expect(Tok::Assign, "after the field's name")?;
            let value = self.assignment()?;
            fields.push((field, value));
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        self.expect(Tok::RBrace, "to close the initializer")?;
        Ok(Init::Fields(fields, self.span_from(start)))
    }
}

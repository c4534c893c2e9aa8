//! File-scope items: struct definitions, macro declarations, functions and globals.

use super::{found, PResult, Parser, QUALIFIERS, TYPE_WORDS};
use crate::lang::ast::*;
use crate::lang::diag::{Diagnostic, Reported};
use crate::lang::lexer::Tok;

impl<'a> Parser<'a> {
    pub(super) fn item(&mut self) -> PResult<Vec<Item>> {
        let start = self.here();
        self.unsupported_word()?;
        // struct NAME { ... };
        if self.is_word("struct")
            && self.peek_at(1).is_some_and(|t| t.tok == Tok::Ident)
            && self.peek_at(2).is_some_and(|t| t.tok == Tok::LBrace)
        {
            return Ok(vec![Item::Struct(self.struct_def()?)]);
        }
        // [static] MACRO(args);
        let mut i = 0;
        while self.peek_at(i).is_some_and(|t| t.tok == Tok::Ident && QUALIFIERS.contains(&t.text.as_str())) {
            i += 1;
        }
        let is_macro_decl = self
            .peek_at(i)
            .is_some_and(|t| t.tok == Tok::Ident && !TYPE_WORDS.contains(&t.text.as_str()) && t.text != "struct")
            && self.peek_at(i + 1).is_some_and(|t| t.tok == Tok::LParen);
        if is_macro_decl {
            self.pos += i;
            let mac = self.ident("")?;
            let args = self.call_args()?;
            self.expect(Tok::Semi, "after the declaration")?;
            return Ok(vec![Item::MacroDecl(MacroDecl { mac, args, span: self.span_from(start) })]);
        }
        if self.at_unknown_type() {
            return self.unknown_type();
        }
        if !self.starts_type() {
            let found = self.peek().map_or("the end of the source".to_string(), found);
            let span = self.here();
            self.diags.push(
                Diagnostic::error(span, format!("expected a declaration or a function, found {found}"))
                    .help("statements belong inside functions"),
            );
            return Err(Reported);
        }
        let ty = self.ty()?;
        // A function: TYPE NAME ( ...
        if self.peek().is_some_and(|t| t.tok == Tok::Ident) && self.peek_at(1).is_some_and(|t| t.tok == Tok::LParen) {
            let name = self.ident("")?;
            let params = self.params()?;
            if self.eat(Tok::Semi) {
                return Ok(vec![]); // a prototype: the definition follows or is a built-in
            }
            let body = self.block()?;
            return Ok(vec![Item::Function(Function { ret: ty, name, params, body, span: self.span_from(start) })]);
        }
        Ok(self.declarators(ty, start)?.into_iter().map(Item::Global).collect())
    }

    fn struct_def(&mut self) -> PResult<StructDef> {
        let start = self.here();
        self.bump(); // struct
        let name = self.ident("after `struct`")?;
        self.expect(Tok::LBrace, "to open the struct")?;
        let mut fields = Vec::new();
        while !self.is(Tok::RBrace) && !self.at_end() {
            let fstart = self.here();
            let ty = self.ty()?;
            fields.extend(self.declarators(ty, fstart)?);
        }
        self.expect(Tok::RBrace, "to close the struct")?;
        self.expect(Tok::Semi, "after the struct")?;
        Ok(StructDef { name, fields, span: self.span_from(start) })
    }

    fn params(&mut self) -> PResult<Vec<Param>> {
        self.expect(Tok::LParen, "to open the parameters")?;
        let mut params = Vec::new();
        if self.is_word("void") && self.peek_at(1).is_some_and(|t| t.tok == Tok::RParen) {
            self.bump();
        }
        while !self.is(Tok::RParen) {
            let ty = self.ty()?;
            let name = self.ident("for the parameter")?;
            params.push(Param { ty, name });
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        self.expect(Tok::RParen, "to close the parameters")?;
        Ok(params)
    }
}

//! The parser: recursive descent over the preprocessed tokens, one function per construct of the
//! C subset. On a mistake it records a diagnostic and skips to the end of the statement or item,
//! so that several mistakes are reported at once. Nesting is bounded, so no input can exhaust
//! the stack.
//!
//! Why not a parser-combinator crate: chumsky, measured on a four-statement toy grammar, added
//! 96 KB raw / 15.6 KB gzip to a wasm module (logos alone: 14 KB / 5.5 KB), and the page ships
//! this parser within a 350 KB gzip budget. logos does the lexing.

use crate::lang::ast::*;
use crate::lang::diag::{Diagnostic, Reported, Span};
use crate::lang::lexer::Tok;
use crate::lang::preprocess::PTok;
use crate::limits::MAX_NESTING;

/// Words that begin a type.
pub const TYPE_WORDS: &[&str] = &[
    "int",
    "long",
    "short",
    "char",
    "unsigned",
    "signed",
    "bool",
    "_Bool",
    "void",
    "u8",
    "u16",
    "u32",
    "u64",
    "s8",
    "s16",
    "s32",
    "s64",
    "__u32",
    "__u64",
    "size_t",
    "ssize_t",
    "pid_t",
    "atomic_t",
    "spinlock_t",
    "wait_queue_head_t",
    "wait_queue_entry_t",
    "wait_queue_t",
];

/// Words that may precede a declaration and change nothing in the model.
pub const QUALIFIERS: &[&str] = &[
    "static",
    "const",
    "volatile",
    "inline",
    "__always_inline",
    "extern",
    "register",
    "__sched",
    "noinline",
    "__maybe_unused",
];

pub const KEYWORDS: &[&str] =
    &["if", "else", "while", "do", "for", "break", "continue", "goto", "return", "struct", "sizeof"];

/// Constructs of C that the language does not have, with what to write instead.
pub const UNSUPPORTED: &[(&str, &str)] = &[
    ("switch", "write it with if / else if"),
    ("case", "write it with if / else if"),
    ("typedef", "name the type itself, e.g. `struct foo`"),
    ("union", "use a struct"),
    ("enum", "use #define constants"),
    ("sizeof", "the model has no sizes"),
    ("float", "the model has integers only"),
    ("double", "the model has integers only"),
];

pub struct Parser<'a> {
    toks: &'a [PTok],
    pos: usize,
    depth: usize,
    pub diags: Vec<Diagnostic>,
    /// Set when nesting went over the limit: stop, the rest would only repeat the error.
    too_deep: bool,
    /// How many diagnostics there were when nesting went over the limit, with that one: what
    /// comes after is the parser unwinding, not mistakes of the file.
    diags_at_too_deep: usize,
}

type PResult<T> = Result<T, Reported>;

/// Parse a translation unit.
pub fn parse(toks: &[PTok]) -> (Vec<Item>, Vec<Diagnostic>) {
    let mut p = Parser { toks, pos: 0, depth: 0, diags: Vec::new(), too_deep: false, diags_at_too_deep: 0 };
    let mut items = Vec::new();
    while !p.at_end() && !p.too_deep {
        let start = p.pos;
        match p.item() {
            Ok(mut new) => items.append(&mut new),
            Err(Reported) => p.recover_item(),
        }
        if p.pos == start {
            p.pos += 1;
        }
    }
    if p.too_deep {
        p.diags.truncate(p.diags_at_too_deep);
    }
    (items, p.diags)
}

impl<'a> Parser<'a> {
    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    fn peek(&self) -> Option<&'a PTok> {
        self.toks.get(self.pos)
    }

    fn peek_at(&self, n: usize) -> Option<&'a PTok> {
        self.toks.get(self.pos + n)
    }

    fn peek_tok(&self) -> Option<Tok> {
        self.peek().map(|t| t.tok)
    }

    fn is(&self, tok: Tok) -> bool {
        self.peek_tok() == Some(tok)
    }

    fn is_word(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| t.tok == Tok::Ident && t.text == word)
    }

    fn bump(&mut self) -> &'a PTok {
        let t = &self.toks[self.pos];
        self.pos += 1;
        t
    }

    fn eat(&mut self, tok: Tok) -> bool {
        if self.is(tok) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// The span where the next token is, or just past the last one.
    fn here(&self) -> Span {
        match self.peek() {
            Some(t) => t.span,
            None => self.toks.last().map_or(Span::default(), |t| Span::new(t.span.end, t.span.end)),
        }
    }

    fn prev_end(&self) -> usize {
        self.pos.checked_sub(1).and_then(|i| self.toks.get(i)).map_or(0, |t| t.span.end)
    }

    fn span_from(&self, start: Span) -> Span {
        Span::new(start.start, self.prev_end().max(start.start))
    }

    /// Where a construct starts: its span and its first token.
    fn mark(&self) -> (Span, u32) {
        (self.here(), self.pos as u32)
    }

    fn toks_from(&self, at: u32) -> Toks {
        Toks { start: at, end: self.pos as u32 }
    }

    fn expr_from(&self, kind: ExprKind, (start, at): (Span, u32)) -> Expr {
        Expr { kind, span: self.span_from(start), toks: self.toks_from(at) }
    }

    fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(span, msg));
    }

    /// Expect `tok`, or report what was found instead.
    fn expect(&mut self, tok: Tok, context: &str) -> PResult<Span> {
        if let Some(t) = self.peek() {
            if t.tok == tok {
                self.pos += 1;
                return Ok(t.span);
            }
        }
        let found = self.peek().map_or("the end of the source".to_string(), found);
        let span = match self.peek() {
            // A missing `;`, `)` or `]` belongs just after the token before it (often at the end
            // of the line above the token found).
            Some(_) if matches!(tok, Tok::Semi | Tok::RParen | Tok::RBracket) && self.pos > 0 => {
                Span::new(self.prev_end(), self.prev_end())
            }
            Some(t) => t.span,
            None => self.here(),
        };
        self.diags.push(
            Diagnostic::error(span, format!("expected {} {context}, found {found}", tok.describe()))
                .label(format!("expected {}", tok.describe())),
        );
        Err(Reported)
    }

    fn ident(&mut self, context: &str) -> PResult<Ident> {
        match self.peek() {
            Some(t) if t.tok == Tok::Ident && !KEYWORDS.contains(&t.text.as_str()) => {
                self.pos += 1;
                Ok(Ident { name: t.text.clone(), span: t.span })
            }
            other => {
                let found = other.map_or("the end of the source".to_string(), found);
                let span = self.here();
                self.diags.push(
                    Diagnostic::error(span, format!("expected a name {context}, found {found}"))
                        .label("expected a name"),
                );
                Err(Reported)
            }
        }
    }

    fn enter(&mut self, span: Span) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            if !self.too_deep {
                self.too_deep = true;
                self.error(span, format!("nesting is over the limit of {MAX_NESTING} levels"));
                self.diags_at_too_deep = self.diags.len();
            }
            return Err(Reported);
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Skip to just after the next `;` or balanced `}` at this level.
    fn recover_stmt(&mut self) {
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            match t.tok {
                Tok::LBrace | Tok::LParen | Tok::LBracket => depth += 1,
                Tok::RBrace | Tok::RParen | Tok::RBracket => {
                    if depth == 0 {
                        if t.tok == Tok::RBrace {
                            return;
                        }
                    } else {
                        depth -= 1;
                        if depth == 0 && t.tok == Tok::RBrace {
                            self.pos += 1;
                            return;
                        }
                    }
                }
                Tok::Semi if depth == 0 => {
                    self.pos += 1;
                    return;
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// Skip to the start of the next file-scope item.
    fn recover_item(&mut self) {
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            self.pos += 1;
            match t.tok {
                Tok::LBrace => depth += 1,
                Tok::RBrace => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.eat(Tok::Semi);
                        return;
                    }
                }
                Tok::Semi if depth == 0 => return,
                _ => {}
            }
        }
    }

    fn starts_type(&self) -> bool {
        self.peek().is_some_and(|t| {
            t.tok == Tok::Ident
                && (TYPE_WORDS.contains(&t.text.as_str())
                    || QUALIFIERS.contains(&t.text.as_str())
                    || t.text == "struct")
        })
    }

    /// A name followed by a name, `foo_t x`: a declaration with a type the language does not
    /// know (the parser would otherwise read `foo_t` as an expression and ask for a `;`).
    fn at_unknown_type(&self) -> bool {
        let name = |t: Option<&PTok>| {
            t.is_some_and(|t| {
                t.tok == Tok::Ident
                    && !KEYWORDS.contains(&t.text.as_str())
                    && !TYPE_WORDS.contains(&t.text.as_str())
                    && !QUALIFIERS.contains(&t.text.as_str())
            })
        };
        name(self.peek()) && name(self.peek_at(1))
    }

    fn unknown_type<T>(&mut self) -> PResult<T> {
        let Some(t) = self.peek() else { return Err(Reported) };
        let mut d = Diagnostic::error(t.span, format!("unknown type `{}`", t.text)).label("not a type");
        d = match crate::lang::diag::suggest(&t.text, TYPE_WORDS.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(
                "the types are the integer types (`int`, `long`, `unsigned long`, `bool`, `u32`, ...), `atomic_t`, \
                 `spinlock_t`, `wait_queue_head_t`, `wait_queue_entry_t` and `struct NAME`",
            ),
        };
        self.diags.push(d);
        Err(Reported)
    }

    fn unsupported_word(&mut self) -> PResult<()> {
        if let Some(t) = self.peek() {
            if let Some((_, instead)) = UNSUPPORTED.iter().find(|(w, _)| t.tok == Tok::Ident && *w == t.text) {
                let span = t.span;
                self.diags.push(
                    Diagnostic::error(span, format!("`{}` is not part of the scenario language", t.text))
                        .help(*instead),
                );
                return Err(Reported);
            }
            if t.tok == Tok::Char {
                let span = t.span;
                self.diags.push(
                    Diagnostic::error(span, "character literals are not part of the scenario language")
                        .help("the model has integers only"),
                );
                return Err(Reported);
            }
        }
        Ok(())
    }

    // ---- types and declarations

    /// Qualifiers and a type: `static const unsigned long`, `struct page *`.
    fn ty(&mut self) -> PResult<Type> {
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
    fn declarators(&mut self, ty: Type, start: Span) -> PResult<Vec<Decl>> {
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

    // ---- items

    fn item(&mut self) -> PResult<Vec<Item>> {
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

    // ---- statements

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

    // ---- expressions

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

    fn assignment(&mut self) -> PResult<Expr> {
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

    fn call_args(&mut self) -> PResult<Vec<Expr>> {
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

/// How a found token reads in a message: "`foo`" for words and numbers, "`;`" for punctuation.
fn found(t: &PTok) -> String {
    match t.tok {
        Tok::Ident | Tok::Int => format!("`{}`", t.text),
        other => other.describe().to_string(),
    }
}

/// A C integer literal (decimal, hex, octal; `U`/`L` suffixes), if it fits in 32 bits (signed
/// or unsigned; unsigned values wrap into the model's 32-bit integer).
pub fn parse_int(text: &str) -> Option<i64> {
    let digits = text.trim_end_matches(['u', 'U', 'l', 'L']);
    let v = if let Some(hex) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        u64::from_str_radix(&digits[1..], 8).ok()?
    } else {
        digits.parse::<u64>().ok()?
    };
    (v <= u64::from(u32::MAX)).then_some(v as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(src: &str) -> (Vec<Item>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let (tokens, _) = crate::lang::lexer::lex(src, 0, &mut d);
        let toks: Vec<PTok> = tokens
            .iter()
            .map(|t| PTok { tok: t.tok, text: src[t.span.start..t.span.end].into(), span: t.span, origin: None })
            .collect();
        parse(&toks)
    }

    #[test]
    fn stars_belong_to_their_declarator() {
        // Regression: `int *a, b;` made `b` a pointer too.
        let (items, d) = parse_text("static int *a, b, **c;");
        assert!(d.is_empty(), "{d:?}");
        let pointers: Vec<u8> = items
            .iter()
            .map(|i| match i {
                Item::Global(d) => d.ty.pointer,
                _ => panic!("{i:?}"),
            })
            .collect();
        assert_eq!(pointers, [1, 0, 2]);
    }

    #[test]
    fn a_type_word_is_not_an_expression() {
        // Regression: `int` was read as a name in an expression, so `x = int && a || b;`
        // parsed, and its printed form `x = (int && a) || b;` did not (a cast of `&& a`).
        for src in ["int f(void) { x = int && a || b; }", "int f(void) { x = -static; }"] {
            let (_, d) = parse_text(src);
            assert_eq!(d.len(), 1, "{src}: {d:?}");
            assert!(d[0].message.starts_with("expected an expression, found the type word"), "{}", d[0].message);
        }
    }
}

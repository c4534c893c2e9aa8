//! The parser: recursive descent over the preprocessed tokens, one function per construct of the
//! C subset. On a mistake it records a diagnostic and skips to the end of the statement or item,
//! so that several mistakes are reported at once. Nesting is bounded, so no input can exhaust
//! the stack.
//!
//! Why not a parser-combinator crate: chumsky, measured on a four-statement toy grammar, added
//! 96 KB raw / 15.6 KB gzip to a wasm module (logos alone: 14 KB / 5.5 KB), and the page ships
//! this parser within a 350 KB gzip budget. logos does the lexing.

mod decl;
mod expr;
mod item;
mod stmt;

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

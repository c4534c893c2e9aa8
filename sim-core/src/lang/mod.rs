//! The scenario language: a scenario file is a TOML header and the tasks' programs in kernel C
//! (docs/scenario-language.md). The flow: `header.rs` reads the TOML; `lexer.rs` lexes the C
//! once; per variant, `preprocess.rs` resolves `#if VARIANT(...)` and expands macros (the
//! kernel's own from `kernel/wait_h.rs`), `parser/` builds the tree (`ast.rs`), and
//! `compile/` turns it into programs (`codegen/`, `calls.rs`, `waits.rs`, `steps.rs`,
//! `listing.rs`); `print.rs` prints a tree back as C. Every diagnostic points at the file's own
//! line and column.

pub mod ast;
pub mod calls;
pub mod codegen;
pub mod compile;
pub mod diag;
pub mod header;
pub mod lexer;
pub mod listing;
pub mod parser;
pub mod preprocess;
pub mod print;
pub mod steps;
pub mod table;
pub mod waits;

pub use diag::{Diagnostic, Severity, Span};

use crate::kernel::wait_h::TEMPLATES;
use crate::limits::MAX_STATEMENTS;
use lexer::{Comment, Token};

/// A scenario's C, lexed once for all its variants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub tokens: Vec<Token>,
    pub comments: Vec<Comment>,
}

/// Lex the C `c`, which starts at byte `offset` of its file.
pub fn lex(c: &str, offset: usize) -> (Source, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (tokens, comments) = lexer::lex(c, offset, &mut diags);
    (Source { tokens, comments }, diags)
}

/// Parse C text as it stands, with no preprocessing: `print`'s output has no directives and its
/// macros are expanded. The property tests and the fuzzer read printed trees back with it.
pub fn parse_printed(text: &str) -> (Vec<ast::Item>, Vec<Diagnostic>) {
    let (source, mut diags) = lex(text, 0);
    let toks: Vec<preprocess::PTok> = source
        .tokens
        .iter()
        .map(|t| preprocess::PTok {
            tok: t.tok,
            text: text[t.span.start..t.span.end].to_string(),
            span: t.span,
            origin: None,
        })
        .collect();
    let (items, parse_diags) = parser::parse(&toks);
    diags.extend(parse_diags);
    (items, diags)
}

/// A variant's programs: preprocess, parse, compile.
pub fn compile(
    text: &str,
    source: &Source,
    variant: &str,
    variants: &[String],
    make_input: impl FnOnce(&[ast::Item], &[preprocess::PTok], &[Comment]) -> Result<compile::Output, Vec<Diagnostic>>,
) -> Result<compile::Output, Vec<Diagnostic>> {
    let (tokens, mut diags) = preprocess::preprocess(text, &source.tokens, variant, variants, TEMPLATES);
    let (items, parse_diags) = parser::parse(&tokens);
    diags.extend(parse_diags);
    let (statements, over) = count_statements(&items);
    if let Some(span) = over {
        diags.push(
            Diagnostic::error(span, format!("{statements} statements, over the limit of {MAX_STATEMENTS}"))
                .label(format!("statement {} of the file", MAX_STATEMENTS + 1)),
        );
    }
    // After a syntax error the parser skipped what it could not read: compiling the rest would
    // report its absence again ("no function `waker`"), so the syntax errors come alone.
    if !diags.is_empty() {
        return Err(diags);
    }
    make_input(&items, &tokens, &source.comments)
}

/// The statements of a translation unit (each declaration at file scope counts as one), and
/// where the first one over the limit is.
fn count_statements(items: &[ast::Item]) -> (usize, Option<Span>) {
    struct Count {
        n: usize,
        over: Option<Span>,
    }
    impl Count {
        fn one(&mut self, span: Span) {
            self.n += 1;
            if self.n == MAX_STATEMENTS + 1 {
                self.over = Some(span);
            }
        }
        fn block(&mut self, b: &ast::Block) {
            b.stmts.iter().for_each(|s| self.stmt(s));
        }
        fn stmt(&mut self, s: &ast::Stmt) {
            self.one(s.span);
            match &s.kind {
                ast::StmtKind::If { then, els, .. } => {
                    self.stmt(then);
                    if let Some(e) = els {
                        self.stmt(e);
                    }
                }
                ast::StmtKind::While { body, .. } | ast::StmtKind::DoWhile { body, .. } => self.stmt(body),
                ast::StmtKind::For { init, body, .. } => {
                    if let Some(i) = init {
                        self.stmt(i);
                    }
                    self.stmt(body);
                }
                ast::StmtKind::Block(b) => self.block(b),
                ast::StmtKind::Label(_, s) => self.stmt(s),
                _ => {}
            }
        }
    }
    let mut c = Count { n: 0, over: None };
    for item in items {
        match item {
            ast::Item::Function(f) => c.block(&f.body),
            ast::Item::Global(d) => c.one(d.span),
            ast::Item::MacroDecl(m) => c.one(m.span),
            ast::Item::Struct(s) => c.one(s.span),
        }
    }
    (c.n, c.over)
}

//! The scenario language: a scenario file is a TOML header and the tasks' programs in kernel C
//! (docs/scenario-language.md). The flow: `header.rs` reads the TOML; `lexer.rs` lexes the C
//! once; per variant, `preprocess.rs` resolves `#if VARIANT(...)` and expands macros (the
//! kernel's own from `kernel/wait_h.rs`), `parser.rs` builds the tree (`ast.rs`), and
//! `compile.rs` turns it into programs (`codegen.rs`, `calls.rs`, `waits.rs`, `steps.rs`,
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
    let statements = count_statements(&items);
    if statements > MAX_STATEMENTS {
        let span = source.tokens.first().map_or(Span::default(), |t| t.span);
        diags.push(Diagnostic::error(span, format!("{statements} statements, over the limit of {MAX_STATEMENTS}")));
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    make_input(&items, &tokens, &source.comments)
}

fn count_statements(items: &[ast::Item]) -> usize {
    fn block(b: &ast::Block) -> usize {
        b.stmts.iter().map(stmt).sum()
    }
    fn stmt(s: &ast::Stmt) -> usize {
        1 + match &s.kind {
            ast::StmtKind::If { then, els, .. } => stmt(then) + els.as_deref().map_or(0, stmt),
            ast::StmtKind::While { body, .. } | ast::StmtKind::DoWhile { body, .. } => stmt(body),
            ast::StmtKind::For { init, body, .. } => init.as_deref().map_or(0, stmt) + stmt(body),
            ast::StmtKind::Block(b) => block(b),
            ast::StmtKind::Label(_, s) => stmt(s),
            _ => 0,
        }
    }
    items
        .iter()
        .map(|i| match i {
            ast::Item::Function(f) => block(&f.body),
            _ => 1,
        })
        .sum()
}

//! What the page shows of a task's program: the lines of every function it runs, as the
//! scenario writes them (a variant's inactive lines left out), and under a line that calls a
//! kernel macro, the macro's lines from include/linux/wait.h. Each instruction points at its
//! line; each line carries its citation (the comment at its end, or its function's).

use std::collections::BTreeMap;

use crate::kernel::wait_h::TEMPLATES;
use crate::lang::codegen::Emitted;
use crate::lang::compile::Input;
use crate::lang::diag::Span;
use crate::lang::lexer::Tok;
use crate::lang::preprocess::PTok;
use crate::lang::waits::slice;
use crate::program::{Line, Program};

/// Byte offsets where each line of `text` starts.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Lines { text, starts }
    }

    /// The line (from 1) of byte `offset`.
    pub fn of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// Line `n`'s text, without its newline.
    pub fn text(&self, n: usize) -> &'a str {
        let start = self.starts.get(n.wrapping_sub(1)).copied().unwrap_or(self.text.len());
        let end = self.starts.get(n).map_or(self.text.len(), |&e| e.saturating_sub(1));
        self.text.get(start..end.max(start)).unwrap_or("")
    }
}

/// Nesting depth of a line, from its indentation (a tab or four spaces per level).
fn depth(line: &str) -> u8 {
    let mut cols = 0usize;
    for c in line.chars() {
        match c {
            '\t' => cols = (cols / 4 + 1) * 4,
            ' ' => cols += 1,
            _ => break,
        }
    }
    (cols / 4).min(u8::MAX as usize) as u8
}

/// A line's code without its trailing comment and a macro's `\`.
fn code_of(line: &str) -> String {
    let mut s = line;
    for marker in ["/*", "//"] {
        if let Some(i) = s.find(marker) {
            s = &s[..i];
        }
    }
    s.trim().trim_end_matches('\\').trim_end().to_string()
}

/// `text` without parentheses around the whole of it.
pub fn strip_parens(mut text: &str) -> &str {
    while text.starts_with('(') && closes_at_end(text) {
        text = &text[1..text.len() - 1];
    }
    text
}

/// Whether the parenthesis that opens `s` closes at its end.
pub fn closes_at_end(s: &str) -> bool {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return i == s.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// Tokens as C text, spaced as people write it.
pub fn join_tokens(tokens: &[PTok]) -> String {
    let mut out = String::new();
    let mut prev: Option<Tok> = None;
    let mut prev_keyword = false;
    // The previous token was a prefix `&`, `*` or `-` (`&wq`, `*p`, `-EINTR`), not a binary one.
    let mut prev_prefix = false;
    for t in tokens {
        let tight_before =
            matches!(t.tok, Tok::RParen | Tok::RBracket | Tok::Comma | Tok::Semi | Tok::Dot | Tok::Arrow)
                || (t.tok == Tok::LParen && prev == Some(Tok::Ident) && !prev_keyword)
                || matches!(t.tok, Tok::PlusPlus | Tok::MinusMinus) && prev == Some(Tok::Ident);
        let tight_after =
            matches!(prev, Some(Tok::LParen | Tok::LBracket | Tok::Dot | Tok::Arrow | Tok::Bang | Tok::Tilde))
                || prev_prefix;
        if !out.is_empty() && !tight_before && !tight_after {
            out.push(' ');
        }
        out.push_str(&t.text);
        // An operand ends with a name, a number, `)`, `]` or a postfix `++`/`--`; a `&` or `*`
        // anywhere else begins one.
        let after_operand =
            matches!(prev, Some(Tok::Int | Tok::RParen | Tok::RBracket | Tok::PlusPlus | Tok::MinusMinus))
                || (prev == Some(Tok::Ident) && !prev_keyword);
        prev_prefix = matches!(t.tok, Tok::Amp | Tok::Star | Tok::Minus) && !after_operand;
        prev = Some(t.tok);
        prev_keyword = matches!(t.text.as_str(), "if" | "while" | "for" | "return" | "switch");
    }
    out
}

/// A statement's text: from the source for the scenario's own code, from the expanded tokens for
/// a kernel macro's (so that `wait_event(pipe->rd_wait, ...)` reads with its arguments).
fn statement_code(input: &Input, toks: &[PTok]) -> String {
    let (Some(first), Some(last)) = (toks.first(), toks.last()) else { return String::new() };
    if first.origin.is_some() {
        return join_tokens(toks);
    }
    let text = input.text.get(first.span.start..last.span.end.max(first.span.start)).unwrap_or("");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The kernel macros' lines, to find the template line (from 0) of a byte offset in one.
struct TemplateLines(Vec<Lines<'static>>);

impl TemplateLines {
    fn new() -> Self {
        TemplateLines(TEMPLATES.iter().map(|t| Lines::new(t.text)).collect())
    }

    fn line(&self, template: u16, offset: u32) -> usize {
        self.0.get(usize::from(template)).map_or(0, |l| l.of(offset as usize) - 1)
    }
}

/// Build `prog.listing` and each instruction's line and code.
pub fn build(prog: &mut Program, code: &[Emitted], funcs: &[(String, Span)], input: &Input) {
    let lines = Lines::new(input.text);
    let template_lines = TemplateLines::new();
    let comments = Comments::new(input, &lines);
    // The scenario's lines that hold active tokens, per line number.
    let mut active: BTreeMap<usize, ()> = BTreeMap::new();
    // For each kernel macro call (by its span): the template lines its expansion has.
    let mut expansions: BTreeMap<(usize, usize), (u16, BTreeMap<usize, ()>)> = BTreeMap::new();
    for t in input.tokens {
        match t.origin {
            None => {
                active.insert(lines.of(t.span.start), ());
            }
            Some(o) => {
                active.insert(lines.of(o.call.start), ());
                let entry = expansions.entry((o.call.start, o.call.end)).or_insert((o.template, BTreeMap::new()));
                entry.1.insert(template_lines.line(o.template, o.offset), ());
            }
        }
    }
    let mut listing = Vec::new();
    let mut by_line: BTreeMap<usize, u16> = BTreeMap::new();
    let mut by_expansion: BTreeMap<((usize, usize), usize), u16> = BTreeMap::new();
    for (name, span) in funcs {
        let (first, last) = (lines.of(span.start), lines.of(span.end.saturating_sub(1)));
        let func_cite = function_cite(input, &lines, first);
        for n in first..=last {
            if !active.contains_key(&n) || by_line.contains_key(&n) {
                continue;
            }
            let raw = lines.text(n);
            let cite = comments.trailing(n).unwrap_or_else(|| func_cite.clone());
            by_line.insert(n, listing.len() as u16);
            listing.push(Line { text: code_of(raw), func: name.clone(), depth: depth(raw), cite, number: n as u32 });
            for (&call, (template, tlines)) in &expansions {
                if lines.of(call.0) != n || call.0 < span.start || call.1 > span.end {
                    continue;
                }
                let Some(tl) = template_lines.0.get(usize::from(*template)) else { continue };
                for &t in tlines.keys() {
                    let raw_t = tl.text(t + 1);
                    let body = code_of(raw_t);
                    if body.is_empty() || body.starts_with("#define") {
                        continue;
                    }
                    by_expansion.insert((call, t), listing.len() as u16);
                    listing.push(Line {
                        text: body,
                        func: TEMPLATES.get(usize::from(*template)).map_or("", |t| t.name).into(),
                        depth: depth(raw).saturating_add(1).saturating_add(depth(raw_t)),
                        cite: TEMPLATES.get(usize::from(*template)).map_or("", |t| t.file).into(),
                        number: 0,
                    });
                }
            }
        }
    }
    let mut instrs = Vec::with_capacity(code.len());
    for e in code {
        let toks = slice(input.tokens, e.origin.toks);
        let line = match toks.first().and_then(|t| t.origin) {
            Some(o) => {
                by_expansion.get(&((o.call.start, o.call.end), template_lines.line(o.template, o.offset))).copied()
            }
            None => None,
        }
        .or_else(|| by_line.range(..=lines.of(e.origin.span.start)).next_back().map(|(_, &i)| i))
        .unwrap_or(0);
        let code_text = statement_code(input, slice(input.tokens, e.origin.code));
        let test = e.cond.map(|c| strip_parens(&join_tokens(slice(input.tokens, c))).to_string());
        instrs.push(crate::program::Instr {
            op: e.op,
            yields: crate::program::Yield::Always,
            line,
            code: code_text,
            test,
        });
    }
    prog.listing = listing;
    prog.instrs = instrs;
    crate::lang::steps::mark(prog, code);
}

/// Each line's first token (of the scenario's own text) and its comments after that token: a
/// line's trailing comment is its citation.
struct Comments<'a> {
    first_token: BTreeMap<usize, usize>,
    by_line: BTreeMap<usize, Vec<&'a crate::lang::lexer::Comment>>,
}

impl<'a> Comments<'a> {
    fn new(input: &'a Input, lines: &Lines) -> Self {
        let mut first_token = BTreeMap::new();
        for t in input.tokens.iter().filter(|t| t.origin.is_none()) {
            first_token.entry(lines.of(t.span.start)).or_insert(t.span.start);
        }
        let mut by_line: BTreeMap<usize, Vec<_>> = BTreeMap::new();
        for c in input.comments {
            by_line.entry(lines.of(c.span.start)).or_default().push(c);
        }
        Comments { first_token, by_line }
    }

    /// The comments after line `n`'s code.
    fn trailing(&self, n: usize) -> Option<String> {
        let first = *self.first_token.get(&n)?;
        let texts: Vec<&str> =
            self.by_line.get(&n)?.iter().filter(|c| c.span.start > first).map(|c| c.text.as_str()).collect();
        (!texts.is_empty()).then(|| texts.join(" "))
    }
}

/// The comment just above a function (ending on the line before it), if any.
fn function_cite(input: &Input, lines: &Lines, first: usize) -> String {
    input
        .comments
        .iter()
        .filter(|c| lines.of(c.span.end.saturating_sub(1)) + 1 == first)
        .map(|c| c.text.clone())
        .next_back()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<PTok> {
        let mut d = Vec::new();
        let (t, _) = crate::lang::lexer::lex(src, 0, &mut d);
        t.into_iter()
            .map(|t| PTok { tok: t.tok, text: src[t.span.start..t.span.end].into(), span: t.span, origin: None })
            .collect()
    }

    #[test]
    fn tokens_join_as_c_is_written() {
        assert_eq!(
            join_tokens(&toks("prepare_to_wait ( & pipe -> rd_wait , & rdwait , S ) ;")),
            "prepare_to_wait(&pipe->rd_wait, &rdwait, S);"
        );
        assert_eq!(join_tokens(&toks("if ( ! pipe -> writers ) x ++ ;")), "if (!pipe->writers) x++;");
        assert_eq!(join_tokens(&toks("if ( f ( x ) )")), "if (f(x))");
        assert_eq!(join_tokens(&toks("a = b & c")), "a = b & c");
        assert_eq!(join_tokens(&toks("return - EINTR ;")), "return -EINTR;");
        assert_eq!(join_tokens(&toks("x = * p - 1")), "x = *p - 1");
        // Regression: a binary `&` or `*` after a name was taken for a prefix one (`a = b &c`).
        assert_eq!(join_tokens(&toks("x = a * b & c ;")), "x = a * b & c;");
        assert_eq!(join_tokens(&toks("return * p & ( & q ) ;")), "return *p & (&q);");
        assert_eq!(join_tokens(&toks("f ( & x , * * p )")), "f(&x, **p)");
    }

    #[test]
    fn lines_and_depths() {
        let l = Lines::new("a\n\tb\n\t\tc");
        assert_eq!((l.of(0), l.of(2), l.of(5)), (1, 2, 3));
        assert_eq!(l.text(2), "\tb");
        assert_eq!((depth("\tb"), depth("\t\tc"), depth("        x")), (1, 2, 2));
        assert_eq!(code_of("\tx = 1;\t/* §1.2 */"), "x = 1;");
    }
}

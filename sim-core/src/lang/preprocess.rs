//! The preprocessor: `#if VARIANT(...)` / `#elif` / `#else` / `#endif` pick a variant's code,
//! `#define` defines macros (object-like and function-like), and the kernel's own macros
//! (`wait_event()` and friends, from `kernel/wait_h.rs`) expand as the kernel expands them.
//! Tokens an expansion produces point at the call for diagnostics, and remember where they come
//! from in a kernel macro, so the listing can show the expansion under the line that calls it.

use std::collections::HashMap;

use crate::lang::diag::{suggest, Diagnostic, Span};
use crate::lang::lexer::{self, Tok, Token};
use crate::limits::MAX_MACRO_TOKENS;

/// Where a token of a kernel macro's expansion comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    /// Which kernel template (`kernel::wait_h::TEMPLATES`).
    pub template: u16,
    /// The token's byte offset in the template's text.
    pub offset: u32,
    /// The outermost call in the scenario that led here.
    pub call: Span,
}

/// A token after preprocessing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PTok {
    pub tok: Tok,
    pub text: String,
    /// In the scenario file: the token itself, or the macro call it was expanded from.
    pub span: Span,
    pub origin: Option<Origin>,
}

#[derive(Clone, Debug)]
struct Macro {
    params: Option<Vec<String>>,
    body: Vec<PTok>,
    /// A kernel template: expansions carry origins.
    template: Option<u16>,
}

/// A kernel macro, as C text: `#define` lines, as in include/linux/wait.h.
pub struct Template {
    /// The function its expansion's lines show as in a listing (`___wait_event`).
    pub name: &'static str,
    /// Where the kernel has it, the citation of its lines.
    pub file: &'static str,
    pub text: &'static str,
}

pub struct Preprocessor<'a> {
    text: &'a str,
    variant: &'a str,
    variants: &'a [String],
    macros: HashMap<String, Macro>,
    pub diags: Vec<Diagnostic>,
    expanded: usize,
    over_limit: bool,
}

struct Cond {
    /// This branch is the one taken.
    active: bool,
    /// Some branch of this chain was taken already.
    taken: bool,
    /// The enclosing region is active.
    parent: bool,
    seen_else: bool,
    span: Span,
}

/// Run the preprocessor over `tokens` (lexed from `text`) for `variant`.
pub fn preprocess(
    text: &str,
    tokens: &[Token],
    variant: &str,
    variants: &[String],
    templates: &[Template],
) -> (Vec<PTok>, Vec<Diagnostic>) {
    let mut pp = Preprocessor {
        text,
        variant,
        variants,
        macros: HashMap::new(),
        diags: Vec::new(),
        expanded: 0,
        over_limit: false,
    };
    for (i, t) in templates.iter().enumerate() {
        pp.load_template(i as u16, t);
    }
    let mut out = Vec::new();
    let mut stack: Vec<Cond> = Vec::new();
    let mut pending: Vec<PTok> = Vec::new();
    let active = |stack: &[Cond]| stack.last().is_none_or(|c| c.active);
    for t in tokens {
        if t.tok != Tok::Directive {
            if active(&stack) {
                pending.push(PTok {
                    tok: t.tok,
                    text: text[t.span.start..t.span.end].to_string(),
                    span: t.span,
                    origin: None,
                });
            }
            continue;
        }
        // A directive ends the run of tokens before it: expand them first, so that a #define
        // applies from its line on.
        let run = std::mem::take(&mut pending);
        pp.expand_into(&run, &mut out, &mut Vec::new());
        let raw = &text[t.span.start..t.span.end];
        let body = raw[1..].trim_start();
        let body_start = t.span.start + (raw.len() - body.len());
        let (word, rest) = split_word(body);
        let rest_start = body_start + (body.len() - rest.len());
        let is_active = active(&stack);
        match word {
            "if" | "ifdef" | "ifndef" => {
                let value = is_active && pp.condition(word, rest, rest_start, t.span);
                stack.push(Cond { active: value, taken: value, parent: is_active, seen_else: false, span: t.span });
            }
            "elif" => match stack.last_mut() {
                Some(c) if !c.seen_else => {
                    let (parent, taken) = (c.parent, c.taken);
                    let value = parent && !taken && pp.condition("if", rest, rest_start, t.span);
                    if let Some(c) = stack.last_mut() {
                        c.active = value;
                        c.taken |= value;
                    }
                }
                Some(_) => pp.diags.push(Diagnostic::error(t.span, "`#elif` after `#else`")),
                None => pp.diags.push(Diagnostic::error(t.span, "`#elif` without `#if`")),
            },
            "else" => match stack.last_mut() {
                Some(c) if !c.seen_else => {
                    c.seen_else = true;
                    c.active = c.parent && !c.taken;
                    c.taken = true;
                }
                Some(_) => pp.diags.push(Diagnostic::error(t.span, "a second `#else` for the same `#if`")),
                None => pp.diags.push(Diagnostic::error(t.span, "`#else` without `#if`")),
            },
            "endif" => {
                if stack.pop().is_none() {
                    pp.diags.push(Diagnostic::error(t.span, "`#endif` without `#if`"));
                }
            }
            "define" if is_active => pp.define(rest, rest_start, t.span),
            "undef" if is_active => {
                pp.macros.remove(rest.trim());
            }
            // Every built-in is always there: an #include changes nothing.
            "include" => {}
            "define" | "undef" => {}
            _ if !is_active => {}
            other => {
                pp.diags.push(Diagnostic::error(t.span, format!("unknown preprocessor directive `#{other}`")).help(
                    "the preprocessor knows #if, #elif, #else, #endif, #ifdef, #ifndef, #define, #undef, #include",
                ))
            }
        }
    }
    let run = std::mem::take(&mut pending);
    pp.expand_into(&run, &mut out, &mut Vec::new());
    let unterminated = !stack.is_empty();
    for c in stack {
        pp.diags.push(Diagnostic::error(c.span, "this `#if` has no `#endif`"));
    }
    if pp.over_limit || unterminated {
        // The expansion stopped halfway, or an `#if` took the rest of the file: parsing what
        // there is would only report the cut.
        out.clear();
    }
    (out, pp.diags)
}

fn split_word(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// A directive's text with its `\`-newline continuations blanked out, offsets kept.
fn unsplice(s: &str) -> String {
    s.replace("\\\n", "  ").replace("\\\r\n", "   ")
}

impl Preprocessor<'_> {
    fn load_template(&mut self, index: u16, t: &Template) {
        let clean = unsplice(t.text);
        let mut diags = Vec::new();
        let (tokens, _) = lexer::lex(&clean, 0, &mut diags);
        debug_assert!(diags.is_empty(), "kernel template {} does not lex", t.name);
        for d in tokens.iter().filter(|d| d.tok == Tok::Directive) {
            let line = &clean[d.span.start..d.span.end];
            let body = line[1..].trim_start();
            let (word, rest) = split_word(body);
            if word != "define" {
                continue;
            }
            let rest_start = d.span.start + (line.len() - rest.len());
            if let Some((name, m)) = self.parse_define(rest, rest_start, &clean, Some(index)) {
                self.macros.insert(name, m);
            }
        }
    }

    /// `#define NAME body` or `#define NAME(a, b) body`.
    fn define(&mut self, rest: &str, at: usize, span: Span) {
        // The body is read with its continuations blanked out (their offsets stay the same).
        let text = unsplice(self.text);
        let rest = &text[at..at + rest.len()];
        match self.parse_define(rest, at, &text, None) {
            Some((name, m)) => {
                self.macros.insert(name, m);
            }
            None => self.diags.push(Diagnostic::error(span, "expected a macro name after `#define`")),
        }
    }

    /// Parse a definition whose text `rest` starts at byte `at` of `text`.
    fn parse_define(&mut self, rest: &str, at: usize, text: &str, template: Option<u16>) -> Option<(String, Macro)> {
        let lead = rest.len() - rest.trim_start().len();
        let rest = rest.trim_start();
        let at = at + lead;
        let (name, after) = split_word(rest);
        if name.is_empty() {
            return None;
        }
        let mut body_at = at + name.len();
        let mut body = after;
        let params = if let Some(p) = after.strip_prefix('(') {
            let close = p.find(')')?;
            body = &p[close + 1..];
            body_at += 1 + close + 1;
            Some(p[..close].split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
        } else {
            None
        };
        let mut diags = Vec::new();
        let (tokens, _) = lexer::lex(body, body_at, &mut diags);
        self.diags.append(&mut diags);
        let body = tokens
            .iter()
            .map(|t| PTok { tok: t.tok, text: text[t.span.start..t.span.end].to_string(), span: t.span, origin: None })
            .collect();
        Some((name.to_string(), Macro { params, body, template }))
    }

    /// The value of `#if`, `#ifdef` or `#ifndef` with text `rest` at byte `at`.
    fn condition(&mut self, word: &str, rest: &str, at: usize, span: Span) -> bool {
        match word {
            "ifdef" => return self.macros.contains_key(rest.trim()),
            "ifndef" => return !self.macros.contains_key(rest.trim()),
            _ => {}
        }
        let mut e = CondExpr { pp: self, s: rest, pos: 0, at, span, failed: false };
        let v = e.or();
        e.skip_ws();
        if !e.failed && e.pos < e.s.len() {
            let here = Span::new(at + e.pos, at + e.s.len());
            e.pp.diags.push(Diagnostic::error(here, "unexpected text in the `#if` condition"));
        }
        v != 0
    }

    /// Expand macros in `input`, appending to `out`. `active` holds the macros being expanded
    /// (a macro does not expand inside its own expansion).
    fn expand_into(&mut self, input: &[PTok], out: &mut Vec<PTok>, active: &mut Vec<String>) {
        let mut i = 0;
        while i < input.len() {
            if self.over_limit {
                return;
            }
            let t = &input[i];
            i += 1;
            let Some(m) = (t.tok == Tok::Ident).then(|| self.macros.get(&t.text)).flatten() else {
                out.push(t.clone());
                continue;
            };
            if active.contains(&t.text) {
                out.push(t.clone());
                continue;
            }
            let m = m.clone();
            let call_span;
            let mut args: Vec<Vec<PTok>> = Vec::new();
            match &m.params {
                None => call_span = t.span,
                Some(params) => {
                    if input.get(i).map(|n| n.tok) != Some(Tok::LParen) {
                        out.push(t.clone());
                        continue;
                    }
                    let Some((collected, end)) = collect_args(input, i) else {
                        self.diags
                            .push(Diagnostic::error(t.span, format!("the call of macro `{}` is not closed", t.text)));
                        return;
                    };
                    call_span = t.span.to(input[end - 1].span);
                    i = end;
                    args = collected;
                    if args.len() == 1 && args[0].is_empty() && params.is_empty() {
                        args.clear();
                    }
                    if args.len() != params.len() {
                        self.diags.push(Diagnostic::error(
                            call_span,
                            format!("macro `{}` takes {} arguments, given {}", t.text, params.len(), args.len()),
                        ));
                        continue;
                    }
                }
            }
            // Arguments are expanded before they are substituted (no # or ##).
            let mut expanded_args = Vec::with_capacity(args.len());
            for a in &args {
                let mut e = Vec::new();
                self.expand_into(a, &mut e, active);
                expanded_args.push(e);
            }
            let mut body = Vec::with_capacity(m.body.len());
            for b in &m.body {
                let param =
                    m.params.as_ref().and_then(|ps| ps.iter().position(|p| b.tok == Tok::Ident && *p == b.text));
                match param {
                    Some(p) => body.extend(expanded_args[p].iter().cloned()),
                    None => {
                        let origin = match (m.template, t.origin) {
                            (Some(template), outer) => Some(Origin {
                                template,
                                offset: b.span.start as u32,
                                call: outer.map_or(call_span, |o| o.call),
                            }),
                            (None, outer) => outer,
                        };
                        body.push(PTok { tok: b.tok, text: b.text.clone(), span: t.span.to(call_span), origin });
                    }
                }
            }
            self.expanded += body.len();
            if self.expanded > MAX_MACRO_TOKENS {
                self.over_limit = true;
                self.diags.push(Diagnostic::error(
                    call_span,
                    format!("macro expansion is over the limit of {MAX_MACRO_TOKENS} tokens"),
                ));
                return;
            }
            active.push(t.text.clone());
            self.expand_into(&body, out, active);
            active.pop();
        }
    }
}

/// The arguments of a macro call whose `(` is at `open`: split at top-level commas. Returns
/// them and the index just past the `)`.
fn collect_args(input: &[PTok], open: usize) -> Option<(Vec<Vec<PTok>>, usize)> {
    let mut depth = 0usize;
    let mut args = vec![Vec::new()];
    for (j, t) in input.iter().enumerate().skip(open) {
        match t.tok {
            Tok::LParen | Tok::LBrace | Tok::LBracket => {
                depth += 1;
                if depth == 1 && t.tok == Tok::LParen {
                    continue;
                }
            }
            Tok::RParen | Tok::RBrace | Tok::RBracket => {
                depth -= 1;
                if depth == 0 {
                    return Some((args, j + 1));
                }
            }
            Tok::Comma if depth == 1 => {
                args.push(Vec::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = args.last_mut() {
            last.push(t.clone());
        }
    }
    None
}

/// An `#if` condition: `VARIANT(a, b)`, `defined(X)`, integers, `!`, `&&`, `||`, `==`, `!=`, and
/// parentheses. Names that are not macros are 0, as in C.
struct CondExpr<'p, 'a> {
    pp: &'p mut Preprocessor<'a>,
    s: &'p str,
    pos: usize,
    at: usize,
    span: Span,
    failed: bool,
}

impl CondExpr<'_, '_> {
    fn skip_ws(&mut self) {
        while self.s[self.pos..].starts_with(|c: char| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, tok: &str) -> bool {
        self.skip_ws();
        if self.s[self.pos..].starts_with(tok) {
            self.pos += tok.len();
            true
        } else {
            false
        }
    }

    fn fail(&mut self, msg: String) -> i64 {
        if !self.failed {
            self.failed = true;
            let here = Span::new(self.at + self.pos, self.at + self.s.len());
            let span = if here.start >= here.end { self.span } else { here };
            self.pp.diags.push(Diagnostic::error(span, msg));
        }
        0
    }

    fn or(&mut self) -> i64 {
        let mut v = self.and();
        while self.eat("||") {
            let r = self.and();
            v = i64::from(v != 0 || r != 0);
        }
        v
    }

    fn and(&mut self) -> i64 {
        let mut v = self.cmp();
        while self.eat("&&") {
            let r = self.cmp();
            v = i64::from(v != 0 && r != 0);
        }
        v
    }

    fn cmp(&mut self) -> i64 {
        let v = self.unary();
        if self.eat("==") {
            return i64::from(v == self.unary());
        }
        if self.eat("!=") {
            return i64::from(v != self.unary());
        }
        v
    }

    fn unary(&mut self) -> i64 {
        if self.eat("!") {
            return i64::from(self.unary() == 0);
        }
        if self.eat("(") {
            let v = self.or();
            if !self.eat(")") {
                return self.fail("expected `)` in the `#if` condition".into());
            }
            return v;
        }
        self.skip_ws();
        let rest = &self.s[self.pos..];
        let (word, _) = split_word(rest);
        if word.is_empty() {
            return self.fail("expected a condition such as `VARIANT(v5.8)` after `#if`".into());
        }
        self.pos += word.len();
        if let Ok(n) = word.parse::<i64>() {
            return n;
        }
        match word {
            "VARIANT" => self.variant(),
            "defined" => {
                let paren = self.eat("(");
                self.skip_ws();
                let (name, _) = split_word(&self.s[self.pos..]);
                self.pos += name.len();
                if paren && !self.eat(")") {
                    return self.fail("expected `)` after `defined(NAME`".into());
                }
                i64::from(self.pp.macros.contains_key(name))
            }
            _ => 0,
        }
    }

    /// `VARIANT(a, b, ...)`: true in those variants. Ids are written as in `[[variants]]`.
    fn variant(&mut self) -> i64 {
        if !self.eat("(") {
            return self.fail("expected `(` after `VARIANT`".into());
        }
        let Some(close) = self.s[self.pos..].find(')') else {
            return self.fail("expected `)` to close `VARIANT(`".into());
        };
        let list_start = self.pos;
        let list = &self.s[list_start..list_start + close];
        self.pos += close + 1;
        let mut hit = false;
        let mut offset = list_start;
        for raw in list.split(',') {
            let id = raw.trim();
            let lead = raw.len() - raw.trim_start().len();
            let span = Span::new(self.at + offset + lead, self.at + offset + lead + id.len());
            offset += raw.len() + 1;
            if id.is_empty() {
                self.pp.diags.push(Diagnostic::error(span, "an empty variant id in `VARIANT(...)`"));
                continue;
            }
            if !self.pp.variants.iter().any(|v| v == id) {
                let mut d = Diagnostic::error(span, format!("`{id}` is not a variant of this scenario"))
                    .label("not in [[variants]]");
                d = match suggest(id, self.pp.variants.iter().map(String::as_str)) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("the variants are: {}", self.pp.variants.join(", "))),
                };
                self.pp.diags.push(d);
            }
            hit |= id == self.pp.variant;
        }
        i64::from(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str, variant: &str, templates: &[Template]) -> (String, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let (tokens, _) = lexer::lex(src, 0, &mut d);
        let variants: Vec<String> = ["v5.8", "v5.9", "josef-set-state-once"].iter().map(|s| s.to_string()).collect();
        let (out, diags) = preprocess(src, &tokens, variant, &variants, templates);
        (out.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" "), diags)
    }

    #[test]
    fn variant_blocks_pick_one_branch() {
        let src = "a;\n#if VARIANT(v5.8)\nb;\n#elif VARIANT(josef-set-state-once, v5.9)\nc;\n#else\nd;\n#endif\ne;";
        assert_eq!(run(src, "v5.8", &[]).0, "a ; b ; e ;");
        assert_eq!(run(src, "v5.9", &[]).0, "a ; c ; e ;");
        assert_eq!(run(src, "josef-set-state-once", &[]).0, "a ; c ; e ;");
    }

    #[test]
    fn conditions_combine_and_nest() {
        let src = "#if !VARIANT(v5.8) && (VARIANT(v5.9) || 0)\nx;\n#if VARIANT(v5.8)\ny;\n#endif\n#endif";
        assert_eq!(run(src, "v5.9", &[]).0, "x ;");
        assert_eq!(run(src, "v5.8", &[]).0, "");
    }

    #[test]
    fn an_unknown_variant_is_named_with_a_suggestion() {
        let (_, d) = run("#if VARIANT(v58)\n#endif", "v5.8", &[]);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("`v58` is not a variant"), "{}", d[0].message);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `v5.8`?"));
        assert_eq!((d[0].span.start, d[0].span.end), (12, 15));
    }

    #[test]
    fn unbalanced_directives_are_reported() {
        assert!(run("#if VARIANT(v5.8)\nx;", "v5.8", &[]).1[0].message.contains("no `#endif`"));
        // Regression: the tokens of an unterminated `#if` went on to the parser, which reported
        // the missing `}` of the function the `#if` cut.
        assert_eq!(run("{\n#if VARIANT(v5.8)\n}", "v5.8", &[]).0, "");
        assert!(run("#endif", "v5.8", &[]).1[0].message.contains("without `#if`"));
        assert!(run("#pragma once", "v5.8", &[]).1[0].message.contains("unknown preprocessor directive"));
    }

    #[test]
    fn macros_expand_with_arguments_and_do_not_recurse() {
        let src = "#define TWICE(x) ((x) + (x))\n#define LOOP LOOP + 1\nTWICE(a * 2); LOOP;";
        assert_eq!(run(src, "v5.8", &[]).0, "( ( a * 2 ) + ( a * 2 ) ) ; LOOP + 1 ;");
    }

    #[test]
    fn template_tokens_remember_their_origin_and_point_at_the_call() {
        let t = [Template {
            name: "wait",
            file: "wait.h",
            text: "#define wait_event(wq, c) do { if (c) break; } while (0)",
        }];
        let src = "x; wait_event(q, done);";
        let mut d = Vec::new();
        let (tokens, _) = lexer::lex(src, 0, &mut d);
        let (out, diags) = preprocess(src, &tokens, "v5.8", &["v5.8".to_string()], &t);
        assert!(diags.is_empty());
        let do_tok = out.iter().find(|t| t.text == "do").unwrap();
        assert_eq!(do_tok.origin.map(|o| o.call), Some(Span::new(3, 22)));
        assert_eq!((do_tok.span.start, do_tok.span.end), (3, 22));
        let done = out.iter().find(|t| t.text == "done").unwrap();
        assert_eq!(done.origin, None, "an argument is the caller's own text");
    }

    #[test]
    fn expansion_is_bounded() {
        let src = "#define A x x x x x x x x x x\n#define B A A A A A A A A A A\n#define C B B B B B B B B B B\n#define D C C C C C C C C C C\n#define E D D D D D D D D D D\nE E E;";
        let (out, d) = run(src, "v5.8", &[]);
        assert!(d.iter().any(|d| d.message.contains("over the limit")), "{d:?}");
        // Regression: the cut-off expansion went on to the parser, which reported its cut.
        assert_eq!(out, "", "nothing of a cut-off expansion is parsed");
    }
}

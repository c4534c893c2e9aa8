//! Tokens of the C subset (logos). Comments are kept, because a comment at the end of a line is
//! that line's citation; preprocessor directives are one token each, read by `preprocess.rs`.

use logos::Logos;

use crate::lang::diag::{Diagnostic, Span};

#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\r\n\f]+")]
pub enum Tok {
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    /// Decimal, hex or octal, with optional `U`/`L` suffixes.
    #[regex(r"(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*")]
    Int,
    /// A directive: `#` to the end of the line, with `\` continuations.
    #[regex(r"#([^\n\\]|\\[^\n]|\\\n)*", allow_greedy = true)]
    Directive,
    #[regex(r"//[^\n]*", allow_greedy = true)]
    LineComment,
    #[regex(r"/\*([^*]|\*+[^*/])*\*+/")]
    BlockComment,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(";")]
    Semi,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token("->")]
    Arrow,
    #[token("?")]
    Question,
    #[token(":")]
    Colon,
    #[token("!")]
    Bang,
    #[token("~")]
    Tilde,
    #[token("++")]
    PlusPlus,
    #[token("--")]
    MinusMinus,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("==")]
    EqEq,
    #[token("!=")]
    Ne,
    #[token("&")]
    Amp,
    #[token("^")]
    Caret,
    #[token("|")]
    Pipe,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("=")]
    Assign,
    #[token("+=")]
    PlusEq,
    #[token("-=")]
    MinusEq,
    #[token("*=")]
    StarEq,
    #[token("/=")]
    SlashEq,
    #[token("%=")]
    PercentEq,
    #[token("&=")]
    AmpEq,
    #[token("|=")]
    PipeEq,
    #[token("^=")]
    CaretEq,
    #[token("<<=")]
    ShlEq,
    #[token(">>=")]
    ShrEq,
    /// `"..."`: only in `#include` lines and ignored arguments; the language has no strings.
    #[regex(r#""([^"\\\n]|\\.)*""#)]
    Str,
    /// `'x'`: not supported; lexed so that the parser can say so.
    #[regex(r"'([^'\\\n]|\\.)*'")]
    Char,
}

impl Tok {
    /// How the token is spelled, for messages ("expected `;`").
    pub fn describe(self) -> &'static str {
        match self {
            Tok::Ident => "a name",
            Tok::Int => "a number",
            Tok::Directive => "a preprocessor directive",
            Tok::LineComment | Tok::BlockComment => "a comment",
            Tok::LParen => "`(`",
            Tok::RParen => "`)`",
            Tok::LBrace => "`{`",
            Tok::RBrace => "`}`",
            Tok::LBracket => "`[`",
            Tok::RBracket => "`]`",
            Tok::Semi => "`;`",
            Tok::Comma => "`,`",
            Tok::Dot => "`.`",
            Tok::Arrow => "`->`",
            Tok::Question => "`?`",
            Tok::Colon => "`:`",
            Tok::Bang => "`!`",
            Tok::Tilde => "`~`",
            Tok::PlusPlus => "`++`",
            Tok::MinusMinus => "`--`",
            Tok::Plus => "`+`",
            Tok::Minus => "`-`",
            Tok::Star => "`*`",
            Tok::Slash => "`/`",
            Tok::Percent => "`%`",
            Tok::Shl => "`<<`",
            Tok::Shr => "`>>`",
            Tok::Lt => "`<`",
            Tok::Le => "`<=`",
            Tok::Gt => "`>`",
            Tok::Ge => "`>=`",
            Tok::EqEq => "`==`",
            Tok::Ne => "`!=`",
            Tok::Amp => "`&`",
            Tok::Caret => "`^`",
            Tok::Pipe => "`|`",
            Tok::AndAnd => "`&&`",
            Tok::OrOr => "`||`",
            Tok::Assign => "`=`",
            Tok::PlusEq => "`+=`",
            Tok::MinusEq => "`-=`",
            Tok::StarEq => "`*=`",
            Tok::SlashEq => "`/=`",
            Tok::PercentEq => "`%=`",
            Tok::AmpEq => "`&=`",
            Tok::PipeEq => "`|=`",
            Tok::CaretEq => "`^=`",
            Tok::ShlEq => "`<<=`",
            Tok::ShrEq => "`>>=`",
            Tok::Str => "a string",
            Tok::Char => "a character literal",
        }
    }
}

/// A token with its place in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// A comment, kept for citations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    /// The text without `//`, `/*`, `*/` and leading `*` decorations, on one line.
    pub text: String,
}

/// The tokens and comments of `src`, whose first byte is at `base` in the file. Characters the
/// language has no token for are diagnostics; lexing goes on after them.
pub fn lex(src: &str, base: usize, diags: &mut Vec<Diagnostic>) -> (Vec<Token>, Vec<Comment>) {
    let mut tokens = Vec::new();
    let mut comments = Vec::new();
    let mut lexer = Tok::lexer(src);
    while let Some(result) = lexer.next() {
        let r = lexer.span();
        let span = Span::new(base + r.start, base + r.end);
        match result {
            Ok(Tok::LineComment | Tok::BlockComment) => {
                comments.push(Comment { span, text: comment_text(lexer.slice()) });
            }
            // `/*` with no `*/` after it lexes as `/` and `*`: the rest of the file is a comment.
            Ok(Tok::Slash) if src[r.end..].starts_with('*') => {
                diags.push(Diagnostic::error(Span::new(span.start, span.end + 1), "this comment is never closed"));
                break;
            }
            Ok(tok) => tokens.push(Token { tok, span }),
            Err(()) => {
                let text = lexer.slice();
                let msg = if text.starts_with("/*") {
                    "this comment is never closed".to_string()
                } else {
                    format!("unexpected character `{}`", text.escape_debug())
                };
                diags.push(Diagnostic::error(span, msg));
            }
        }
    }
    (tokens, comments)
}

/// A comment's words on one line: `/* §1.2 P2: re-arms */` → `§1.2 P2: re-arms`.
fn comment_text(raw: &str) -> String {
    let body = raw
        .strip_prefix("//")
        .unwrap_or_else(|| raw.strip_prefix("/*").and_then(|s| s.strip_suffix("*/")).unwrap_or(raw));
    body.lines()
        .map(|l| l.trim().trim_start_matches('*').trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        let mut d = Vec::new();
        let (t, _) = lex(src, 0, &mut d);
        assert!(d.is_empty(), "{d:?}");
        t.into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn operators_take_the_longest_match() {
        use Tok::*;
        assert_eq!(kinds("a->b <<= c && !d++"), [Ident, Arrow, Ident, ShlEq, Ident, AndAnd, Bang, Ident, PlusPlus]);
    }

    #[test]
    fn directives_are_one_token_with_continuations() {
        let mut d = Vec::new();
        let (t, _) = lex("#define X(a) \\\n  (a + 1)\nint x;", 0, &mut d);
        assert_eq!(t[0].tok, Tok::Directive);
        assert_eq!(t[0].span.end, 24);
        assert_eq!(t[1].tok, Tok::Ident);
    }

    #[test]
    fn comments_are_kept_with_their_text() {
        let mut d = Vec::new();
        let (t, c) = lex("x; /* §1.2\n * P2 */ y; // last", 10, &mut d);
        assert_eq!(t.len(), 4);
        assert_eq!(c[0].text, "§1.2 P2");
        assert_eq!(c[0].span.start, 13);
        assert_eq!(c[1].text, "last");
    }

    #[test]
    fn an_unclosed_comment_is_named() {
        // Regression: `/*` without `*/` lexed as `/` and `*`, and the parser said "expected a
        // declaration or a function, found `/`".
        let mut d = Vec::new();
        let (t, _) = lex("x; /* never\nclosed", 0, &mut d);
        assert_eq!(t.len(), 2);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].message, "this comment is never closed");
        assert_eq!((d[0].span.start, d[0].span.end), (3, 5));
    }

    #[test]
    fn a_stray_character_is_a_diagnostic_and_lexing_goes_on() {
        let mut d = Vec::new();
        let (t, _) = lex("a @ b", 0, &mut d);
        assert_eq!(t.len(), 2);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains('@'));
    }
}

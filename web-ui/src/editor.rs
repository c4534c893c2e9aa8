//! The scenario editor's state: the text being written, what is wrong with it (sim-core's
//! diagnostics, at the line and column `wqsim check` prints), and the colours of its words.

use std::rc::Rc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sim_core::lang::diag::Place;
use sim_core::share::ScenarioRef;
use sim_core::{library, Error, Scenario};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ReadableStream, ReadableWritablePair, Response, WritableStream};
use yew::Callback;

use crate::session::Msg;

/// What "new" starts from: a waiter and a waker, the bug and its fix.
pub const TEMPLATE: &str = include_str!("../new-scenario.toml");
/// The name the editor's text goes by in messages (as `wqsim check scenario.toml` names it).
pub const FILE: &str = "scenario.toml";

/// One mistake in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where it is; none for a mistake of the whole file (its size).
    pub place: Option<Place>,
    pub message: String,
    /// A likely fix ("did you mean ...").
    pub help: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Editor {
    pub open: bool,
    pub text: Rc<str>,
    /// The mistakes of `text`, once checked: the check waits until typing pauses.
    pub problems: Option<Rc<[Problem]>>,
    /// The file's name to download it under: its scenario's id, when it last checked.
    pub file_name: Rc<str>,
}

impl Editor {
    pub fn of(text: &str) -> Editor {
        Editor { open: true, text: text.into(), problems: None, file_name: FILE.into() }
    }

    /// The same text, checked.
    pub fn checked(&self) -> Editor {
        match check(&self.text) {
            Ok(s) => Editor { problems: Some(Rc::new([])), file_name: format!("{}.toml", s.id).into(), ..self.clone() },
            Err(problems) => Editor { problems: Some(problems.into()), ..self.clone() },
        }
    }
}

/// Read and check `text` as `wqsim check` does: the scenario, or its mistakes.
pub fn check(text: &str) -> Result<Scenario, Vec<Problem>> {
    Scenario::parse_named(FILE, text).map_err(|e| match e {
        Error::Source(d) => d
            .diagnostics
            .iter()
            .map(|x| Problem { place: Some(x.place(text)), message: x.message.clone(), help: x.help.clone() })
            .collect(),
        e => vec![Problem { place: None, message: e.to_string(), help: None }],
    })
}

/// Run `text`: name it as its links will (by id when it is a built-in file word for word,
/// otherwise packed), then `Msg::Run`.
pub fn run(text: Rc<str>, dispatch: Callback<Msg>) {
    if let Some(builtin) = library::scenarios().iter().find(|s| *s.text == *text) {
        let named = Ok(ScenarioRef::Id(builtin.id.clone()));
        return dispatch.emit(Msg::Run { text, named });
    }
    wasm_bindgen_futures::spawn_local(async move {
        let named = match deflate_raw(&text).await {
            Ok(packed) => Ok(ScenarioRef::Carried(URL_SAFE_NO_PAD.encode(packed))),
            Err(_) => Err("this browser cannot compress it for a link (no CompressionStream)".to_string()),
        };
        dispatch.emit(Msg::Run { text, named });
    });
}

// The browser's own deflate (CompressionStream, raw) packs a scenario for its links: miniz_oxide's
// deflate would cost 8.6 KB of gzip. Links are read with miniz_oxide's inflate everywhere, so a
// link the page packs opens in the CLI too. (Through web-sys, not a JS snippet: this build is
// wasm-bindgen's no-modules target, which has no snippets; web-sys has CompressionStream only
// among its unstable APIs.)
#[wasm_bindgen]
extern "C" {
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> WritableStream;
}

async fn deflate_raw(text: &str) -> Result<Vec<u8>, JsValue> {
    let blob = Blob::new_with_str_sequence(&js_sys::Array::of1(&text.into()))?;
    let deflate = CompressionStream::new("deflate-raw")?;
    let packed = blob.stream().pipe_through(&ReadableWritablePair::new(&deflate.readable(), &deflate.writable()));
    let bytes = JsFuture::from(Response::new_with_opt_readable_stream(Some(&packed))?.array_buffer()?).await?;
    Ok(js_sys::Uint8Array::new(&bytes).to_vec())
}

/// What a piece of the text is, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Comment,
    Str,
    Keyword,
    Number,
    /// A preprocessor line (`#if VARIANT(...)`).
    Directive,
    /// A TOML key or table name.
    Key,
}

impl Kind {
    pub fn class(self) -> &'static str {
        match self {
            Kind::Plain => "",
            Kind::Comment => "hl-comment",
            Kind::Str => "hl-str",
            Kind::Keyword => "hl-kw",
            Kind::Number => "hl-num",
            Kind::Directive => "hl-pp",
            Kind::Key => "hl-key",
        }
    }
}

/// The C words the editor colours as keywords.
const KEYWORDS: &[&str] = &[
    "static", "int", "bool", "void", "long", "unsigned", "struct", "if", "else", "while", "for", "do", "return",
    "break", "continue", "goto", "true", "false", "const", "NULL",
];

/// Where the scanner is between lines.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Toml,
    /// Inside a TOML `"""` string (a description).
    TomlText,
    /// Inside `c = '''`.
    C,
    /// Inside a C `/* */` comment.
    CComment,
}

/// The text's lines, each cut into coloured pieces that together are the line.
pub fn highlight(text: &str) -> Vec<Vec<(Kind, &str)>> {
    let mut state = State::Toml;
    text.split('\n').map(|line| line_pieces(line, &mut state)).collect()
}

fn line_pieces<'a>(line: &'a str, state: &mut State) -> Vec<(Kind, &'a str)> {
    let mut out = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        let (kind, len) = match *state {
            State::TomlText => match rest.find("\"\"\"") {
                Some(i) => {
                    *state = State::Toml;
                    (Kind::Str, i + 3)
                }
                None => (Kind::Str, rest.len()),
            },
            State::CComment => match rest.find("*/") {
                Some(i) => {
                    *state = State::C;
                    (Kind::Comment, i + 2)
                }
                None => (Kind::Comment, rest.len()),
            },
            State::Toml => toml_piece(rest, line, state),
            State::C => c_piece(rest, line, state),
        };
        out.push((kind, &rest[..len]));
        rest = &rest[len..];
    }
    out
}

fn toml_piece(rest: &str, line: &str, state: &mut State) -> (Kind, usize) {
    let at_start = rest.len() == line.len();
    if rest.starts_with('#') {
        return (Kind::Comment, rest.len());
    }
    if at_start && rest.trim_start().starts_with('[') {
        return (Kind::Key, rest.len());
    }
    if rest.starts_with("'''") {
        *state = State::C;
        return (Kind::Str, 3);
    }
    if rest.starts_with("\"\"\"") {
        *state = State::TomlText;
        return (Kind::Str, 3);
    }
    if let Some(q @ ('"' | '\'')) = rest.chars().next() {
        let end = rest[1..].find(q).map_or(rest.len(), |i| i + 2);
        return (Kind::Str, end);
    }
    if at_start {
        if let Some(eq) = rest.find('=') {
            return (Kind::Key, eq);
        }
    }
    word_or_other(rest, |w| w == "true" || w == "false")
}

fn c_piece(rest: &str, line: &str, state: &mut State) -> (Kind, usize) {
    let at_start = rest.len() == line.len();
    if at_start && line.starts_with("'''") {
        *state = State::Toml;
        return (Kind::Str, 3);
    }
    if at_start && rest.trim_start().starts_with('#') {
        return (Kind::Directive, rest.len());
    }
    if rest.starts_with("//") {
        return (Kind::Comment, rest.len());
    }
    if rest.starts_with("/*") {
        *state = State::CComment;
        return (Kind::Comment, 2);
    }
    if let Some(after) = rest.strip_prefix('"') {
        return (Kind::Str, after.find('"').map_or(rest.len(), |i| i + 2));
    }
    word_or_other(rest, |w| KEYWORDS.contains(&w))
}

/// A word (a keyword or plain), a number, or one other character.
fn word_or_other(rest: &str, keyword: impl Fn(&str) -> bool) -> (Kind, usize) {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let first = rest.chars().next().unwrap_or(' ');
    if word(first) {
        let len = rest.find(|c: char| !word(c)).unwrap_or(rest.len());
        let w = &rest[..len];
        let kind = if first.is_ascii_digit() {
            Kind::Number
        } else if keyword(w) {
            Kind::Keyword
        } else {
            Kind::Plain
        };
        return (kind, len);
    }
    (Kind::Plain, first.len_utf8())
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    /// The template that "new" starts from is a valid scenario.
    #[wasm_bindgen_test]
    fn the_template_compiles() {
        let s = check(TEMPLATE).unwrap();
        assert_eq!(s.variants.len(), 2);
    }

    /// The pieces of each line put together are the line; the header, the C, its comments and
    /// directives each get their colour, across lines.
    #[wasm_bindgen_test]
    fn highlighting_cuts_lines_into_coloured_pieces() {
        let text = "id = \"x\" # note\ndescription = \"\"\"\nmore\n\"\"\"\n[source]\nc = '''\n#if VARIANT(a)\n/* a\nb */ int n = 42; // end\n'''";
        let lines = highlight(text);
        for (pieces, line) in lines.iter().zip(text.split('\n')) {
            assert_eq!(pieces.iter().map(|(_, s)| *s).collect::<String>(), line);
        }
        let kinds = |i: usize| {
            lines[i].iter().filter(|(k, _)| *k != Kind::Plain).map(|&(k, s)| (k, s.trim())).collect::<Vec<_>>()
        };
        assert_eq!(kinds(0), [(Kind::Key, "id"), (Kind::Str, "\"x\""), (Kind::Comment, "# note")]);
        assert_eq!(kinds(2), [(Kind::Str, "more")]);
        assert_eq!(kinds(4), [(Kind::Key, "[source]")]);
        assert_eq!(kinds(6), [(Kind::Directive, "#if VARIANT(a)")]);
        assert_eq!(kinds(7), [(Kind::Comment, "/*"), (Kind::Comment, "a")]);
        assert_eq!(kinds(8)[..3], [(Kind::Comment, "b */"), (Kind::Keyword, "int"), (Kind::Number, "42")]);
        assert_eq!(kinds(8).last(), Some(&(Kind::Comment, "// end")));
    }

    /// A typo is found where `wqsim check` finds it: line and column from 1.
    #[wasm_bindgen_test]
    fn a_typo_is_placed_at_its_line_and_column() {
        let text = TEMPLATE.replace("\tschedule();\n\t\tfinish_wait", "\tschedul();\n\t\tfinish_wait");
        let problems = check(&text).unwrap_err();
        let line = text.lines().position(|l| l.contains("schedul();")).unwrap() + 1;
        let place = problems[0].place.unwrap();
        assert_eq!((place.line, place.col), (line, 3), "{problems:?}");
        assert!(problems[0].message.contains("schedul"), "{problems:?}");
    }
}

//! Diagnostics: what is wrong, where (a byte span of the scenario file), what was expected, and
//! a suggestion where there is one. The CLI renders them with codespan-reporting; the page draws
//! them itself; both use the line and column computed here.

use std::fmt;

use serde::Serialize;

/// A byte range of the scenario file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// From the start of `self` to the end of `other`.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary place that explains the main one ("declared here").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub span: Span,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What the underline says (what was expected), if anything.
    pub label: Option<String>,
    pub notes: Vec<Label>,
    /// "did you mean `prepare_to_wait`?"
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, span, message: message.into(), label: None, notes: vec![], help: None }
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.notes.push(Label { span, message: message.into() });
        self
    }

    /// Where it is in `text`: the place `wqsim check` prints and the page's editor underlines.
    pub fn place(&self, text: &str) -> Place {
        let (line, col) = line_col(text, self.span.start);
        let (end_line, end_col) = line_col(text, self.span.end);
        Place { line, col, end_line, end_col }
    }
}

/// A span as lines and columns (from 1, columns in characters); the end is exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub col: usize,
    pub end_line: usize,
    pub end_col: usize,
}

/// The error of the compiler's steps: a diagnostic saying what went wrong has been recorded
/// (as rustc's `ErrorGuaranteed`), so the caller only stops or goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reported;

/// Line and column (both from 1, the column in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A diagnostic with its file's name and text, for one-line display: `file:line:col: message`.
pub struct Located<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub diagnostic: &'a Diagnostic,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Place { line, col, .. } = self.diagnostic.place(self.text);
        write!(f, "{}:{line}:{col}: {}", self.file, self.diagnostic.message)?;
        if let Some(help) = &self.diagnostic.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        if score > 0.85 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_from_one_and_in_characters() {
        let text = "ab\nc§d\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 6), (2, 3), "§ is two bytes, one column");
        assert_eq!(line_col(text, 99), (3, 1));
    }

    #[test]
    fn suggestions_catch_typos_and_nothing_else() {
        let names = ["prepare_to_wait", "prepare_to_wait_event", "finish_wait"];
        assert_eq!(suggest("prepare_to_wiat", names), Some("prepare_to_wait"));
        assert_eq!(suggest("schedule", names), None);
    }
}

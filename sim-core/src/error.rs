//! Every way input can be wrong, each as one line that names the problem and, where there is
//! one, the limit.
//!
//! Messages quote what the user wrote, and that may hold anything: `Display` escapes control
//! characters (a newline shows as `\n`), so a message is one line whatever the input, and
//! [`clip`] keeps a quoted piece short.

use std::fmt::{self, Write};

use crate::lang::diag::{Diagnostic, Located};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    Scenario(String),
    /// Mistakes in a scenario file's header or C, each at its place.
    Source(Box<Diagnostics>),
    UnknownScenario {
        name: String,
        known: String,
    },
    UnknownVariant {
        scenario: String,
        variant: String,
        known: String,
    },
    UnknownParam {
        scenario: String,
        name: String,
        known: String,
    },
    ParamRange {
        name: String,
        value: i64,
        min: i64,
        max: i64,
    },
    Limit {
        what: &'static str,
        value: u64,
        limit: u64,
    },
    Link(String),
    /// A request that cannot be met, in the message's own words.
    Invalid(String),
    Schedule(String),
    NotEnabled {
        step: u32,
        choice: String,
        why: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let out = &mut OneLine(f);
        match self {
            Error::Scenario(msg) => write!(out, "scenario file: {msg}"),
            Error::Source(d) => {
                let first = d.diagnostics.first().map(|x| Located { file: &d.file, text: &d.text, diagnostic: x });
                match (d.diagnostics.len(), first) {
                    (_, None) => write!(out, "{}: cannot be compiled", d.file),
                    (1, Some(f)) => write!(out, "{f}"),
                    (n, Some(f)) => write!(out, "{f} (and {} more)", n - 1),
                }
            }
            Error::UnknownScenario { name, known } => write!(out, "unknown scenario '{}' (known: {known})", clip(name)),
            Error::UnknownVariant { scenario, variant, known } => {
                write!(out, "unknown variant '{}' of scenario '{}' (known: {known})", clip(variant), clip(scenario))
            }
            Error::UnknownParam { scenario, name, known } => {
                write!(out, "unknown parameter '{}' of scenario '{}' (known: {known})", clip(name), clip(scenario))
            }
            Error::ParamRange { name, value, min, max } => {
                write!(out, "parameter '{}' = {value} is out of range {min} to {max}", clip(name))
            }
            Error::Limit { what, value, limit } => write!(out, "{what} is {value}, over the limit of {limit}"),
            Error::Link(msg) => write!(out, "share link: {msg}"),
            Error::Invalid(msg) => write!(out, "{msg}"),
            Error::Schedule(msg) => write!(out, "schedule: {msg}"),
            Error::NotEnabled { step, choice, why } => write!(out, "step {step}: {choice} cannot happen now: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// A scenario file's diagnostics, with its name and text so they can be shown in place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics {
    pub file: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new(file: &str, text: &str, diagnostics: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics { file: file.to_string(), text: text.to_string(), diagnostics }
    }
}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Error {
        Error::Source(Box::new(d))
    }
}

/// The first characters of `s`, to quote in a message.
pub(crate) fn clip(s: &str) -> String {
    const QUOTED_CHARS: usize = 40;
    match s.char_indices().nth(QUOTED_CHARS) {
        Some((end, _)) => format!("{}...", &s[..end]),
        None => s.to_string(),
    }
}

/// Writes through to a formatter with line breaks and other control characters escaped.
struct OneLine<'a, 'b>(&'a mut fmt::Formatter<'b>);

impl Write for OneLine<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                for e in c.escape_default() {
                    self.0.write_char(e)?;
                }
            } else {
                self.0.write_char(c)?;
            }
        }
        Ok(())
    }
}

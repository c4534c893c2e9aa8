//! A scenario file's mistakes, shown in place: the file and line, the line with the offending
//! text underlined, what was expected, and a suggestion (codespan-reporting).

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use codespan_reporting::term::{self, Config};
use sim_core::error::Diagnostics;
use sim_core::lang::Severity;

/// Write every diagnostic of `d` to stderr.
pub fn render(d: &Diagnostics) {
    let file = SimpleFile::new(d.file.as_str(), d.text.as_str());
    let color =
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) { ColorChoice::Auto } else { ColorChoice::Never };
    let stderr = StandardStream::stderr(color);
    let mut out = stderr.lock();
    let config = Config::default();
    for x in &d.diagnostics {
        let diagnostic = convert(x, d.text.len());
        if term::emit_to_write_style(&mut out, &config, &file, &diagnostic).is_err() {
            eprintln!("{}", sim_core::lang::diag::Located { file: &d.file, text: &d.text, diagnostic: x });
        }
    }
}

fn convert(x: &sim_core::lang::Diagnostic, len: usize) -> Diagnostic<()> {
    let clamp = |s: sim_core::lang::Span| s.start.min(len)..s.end.clamp(s.start.min(len), len);
    let mut labels = vec![Label::primary((), clamp(x.span)).with_message(x.label.clone().unwrap_or_default())];
    labels.extend(x.notes.iter().map(|n| Label::secondary((), clamp(n.span)).with_message(n.message.clone())));
    let d = match x.severity {
        Severity::Error => Diagnostic::error(),
        Severity::Warning => Diagnostic::warning(),
    };
    d.with_message(&x.message).with_labels(labels).with_notes(x.help.iter().map(|h| format!("help: {h}")).collect())
}

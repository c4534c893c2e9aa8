//! The kernel reference lives in the repository, and every citation of it resolves.
//!
//! `docs/kernel.md` is the project's kernel reference. Code and docs cite it like this:
//! `[ref §2.3 item 4, "Waiter"]`, a section key, then what must be found in that section (the
//! forms are listed at the top of `docs/kernel.md`). This test reads every `.rs`, `.md` and `.toml` file of the
//! repository (not `target/`, `node_modules/` or `.git/`), and checks that
//! - every `[ref …]` citation resolves: its sections are headings of `docs/kernel.md`, and the
//!   rows, items, labels and text it names are in those sections;
//! - every bare section mark that surely means the reference names a heading: one that opens a
//!   string (`"§1.2 P2"`, a program step's citation) or a C comment, or follows "reference";
//! - the headings of `docs/kernel.md` are unique.
//!
//! `[ref §N]`, with a literal `N`, is the placeholder prose uses for "a citation" and is skipped.
//! Plain std: no dependencies.

use std::fs;
use std::path::{Path, PathBuf};

const REFERENCE: &str = "docs/kernel.md";
/// Written in two pieces so that this line is not itself read as a citation.
const CITATION: &str = concat!("[ref ", "§");
const SKIPPED_DIRS: [&str; 3] = ["target", "node_modules", ".git"];
const SCANNED_EXTENSIONS: [&str; 3] = ["rs", "md", "toml"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("sim-core lives in the workspace root").to_path_buf()
}

fn reference() -> Reference {
    let path = repo_root().join(REFERENCE);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Reference::parse(&text)
}

/// A heading of the reference. `key` is `§2.3` or `§3 C1` when the heading is numbered.
struct Heading {
    level: usize,
    key: Option<String>,
    text: String,
    line: usize,
}

/// `docs/kernel.md`, split into lines and headings.
struct Reference {
    lines: Vec<String>,
    /// Whether each line is inside a fenced code block (or is a fence).
    fenced: Vec<bool>,
    headings: Vec<Heading>,
}

/// A section's body: its lines (and whether each is fenced), up to the next heading of the same
/// or a higher level, so `§2` includes `§2.1`.
#[derive(Clone, Copy)]
struct Body<'a> {
    lines: &'a [String],
    fenced: &'a [bool],
}

impl Reference {
    fn parse(text: &str) -> Reference {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut fenced = Vec::with_capacity(lines.len());
        let mut headings = Vec::new();
        let mut in_fence = false;
        for (i, line) in lines.iter().enumerate() {
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
                fenced.push(true);
                continue;
            }
            fenced.push(in_fence);
            if in_fence {
                continue;
            }
            let level = line.bytes().take_while(|&b| b == b'#').count();
            if level == 0 || !line[level..].starts_with(' ') {
                continue;
            }
            let text = line[level..].trim().to_owned();
            headings.push(Heading { level, key: heading_key(&text), text, line: i });
        }
        Reference { lines, fenced, headings }
    }

    fn section(&self, key: &str) -> Option<Body<'_>> {
        let at = self.headings.iter().position(|h| h.key.as_deref() == Some(key))?;
        let heading = &self.headings[at];
        let end =
            self.headings[at + 1..].iter().find(|h| h.level <= heading.level).map_or(self.lines.len(), |h| h.line);
        let range = heading.line + 1..end;
        Some(Body { lines: &self.lines[range.clone()], fenced: &self.fenced[range] })
    }

    /// Resolves the inside of one citation (`§2.3 item 4, "Waiter"`); the error says what is
    /// missing.
    fn resolve(&self, citation: &str) -> Result<(), String> {
        for target in parse_citation(citation)? {
            if target.key == "§N" {
                continue;
            }
            if !is_section_number(&target.key) {
                return Err(format!("`{}` is not a section number like §2.3", target.key));
            }
            let mut key = target.key.clone();
            let mut quals = target.quals.as_slice();
            // `§3 C1` is a heading of its own.
            if let Some(first) = quals.first() {
                let labelled = format!("{key} {first}");
                if self.section(&labelled).is_some() {
                    key = labelled;
                    quals = &quals[1..];
                }
            }
            let body = self.section(&key).ok_or_else(|| format!("no heading {key} in {REFERENCE}"))?;
            let mut item = None;
            for q in quals {
                check(&key, body, q, &mut item)?;
            }
        }
        Ok(())
    }
}

/// `§2.3` from `§2.3 Fixes, in order`, `§3 C1` from `§3 C1 — Check, then sleep`.
fn heading_key(text: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    let number = words.next().filter(|w| is_section_number(w))?;
    Some(match words.next() {
        Some(label) if is_label(label) => format!("{number} {label}"),
        _ => number.to_owned(),
    })
}

/// `§0`, `§1.5`.
fn is_section_number(s: &str) -> bool {
    s.strip_prefix('§').is_some_and(|n| {
        !n.is_empty() && n.split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// `C1`, `W2`, `P6`: capitals, then digits.
fn is_label(s: &str) -> bool {
    let letters = s.bytes().take_while(u8::is_ascii_uppercase).count();
    letters > 0 && letters < s.len() && s[letters..].bytes().all(|b| b.is_ascii_digit())
}

/// `W1–W4` (or `W1-W4`, `W1–4`) → `[W1, W2, W3, W4]`.
fn label_range(q: &str) -> Option<Vec<String>> {
    let (from, to) = q.split_once('–').or_else(|| q.split_once('-'))?;
    if !is_label(from) {
        return None;
    }
    let prefix = &from[..from.bytes().take_while(u8::is_ascii_uppercase).count()];
    let first: u32 = from[prefix.len()..].parse().ok()?;
    let last: u32 = to.strip_prefix(prefix).unwrap_or(to).parse().ok()?;
    (first <= last).then(|| (first..=last).map(|n| format!("{prefix}{n}")).collect())
}

/// `N`, or `N–M`, as numbers.
fn number_range(q: &str) -> Option<(u32, u32)> {
    match q.split_once('–').or_else(|| q.split_once('-')) {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => q.trim().parse().ok().map(|n| (n, n)),
    }
}

/// One target of a citation: a section and what must be found there.
struct Target {
    key: String,
    quals: Vec<String>,
}

/// `§1.5 check 2, §2.2 terminal` → two targets; a part without `§` qualifies the target before it.
fn parse_citation(citation: &str) -> Result<Vec<Target>, String> {
    let mut targets: Vec<Target> = Vec::new();
    for part in citation.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part.starts_with('§') {
            let (key, rest) = part.split_once(' ').unwrap_or((part, ""));
            let quals = if rest.trim().is_empty() { vec![] } else { vec![rest.trim().to_owned()] };
            targets.push(Target { key: key.to_owned(), quals });
        } else if let Some(target) = targets.last_mut() {
            target.quals.push(part.to_owned());
        } else {
            return Err(format!("`{part}` comes before any §-section"));
        }
    }
    if targets.is_empty() {
        return Err("no §-section".into());
    }
    Ok(targets)
}

/// Checks one qualifier of a target against the section's body. `item` is the span of the item
/// the citation named (`item 4`), where a quoted text must then be.
fn check<'a>(key: &str, body: Body<'a>, q: &str, item: &mut Option<Body<'a>>) -> Result<(), String> {
    let missing = |what: &str| Err(format!("{key} has no {what}"));
    let ordinal = ["first", "second", "third", "fourth", "fifth"];
    if q == "table" {
        return if tables(body).is_empty() { missing("table") } else { Ok(()) };
    }
    if q == "last row" {
        return match tables(body).first() {
            Some(t) if !t.rows.is_empty() => Ok(()),
            _ => missing("table with a last row"),
        };
    }
    if let Some(n) = q.strip_prefix("row ").and_then(|n| n.trim().parse::<usize>().ok()) {
        let Some(table) = tables(body).into_iter().next() else { return missing("table") };
        let found = if table.numbered {
            table.rows.iter().any(|r| r.first().is_some_and(|c| c.trim() == n.to_string()))
        } else {
            table.rows.len() >= n
        };
        return if found { Ok(()) } else { missing(&format!("row {n} in its first table")) };
    }
    if let Some(name) = q.strip_suffix(" row") {
        let name = name.trim().trim_matches('`');
        let Some(table) = tables(body).into_iter().next() else { return missing("table") };
        let named = |row: &Vec<String>| {
            let cell = row.iter().find(|c| !c.trim().bytes().all(|b| b.is_ascii_digit()));
            cell.is_some_and(|c| c.contains(name))
        };
        return if table.rows.iter().any(named) {
            Ok(())
        } else {
            missing(&format!("row for `{name}` in its first table"))
        };
    }
    if let Some(range) = q.strip_prefix("items ").or_else(|| q.strip_prefix("item ")) {
        let Some((first, last)) = number_range(range) else { return missing(&format!("item `{range}`")) };
        for n in first..=last {
            match numbered_item(body, n) {
                Some(span) => *item = Some(span),
                None => return missing(&format!("numbered item {n}")),
            }
        }
        if first != last {
            *item = None;
        }
        return Ok(());
    }
    if let Some(k) = q.strip_suffix(" item").and_then(|o| ordinal.iter().position(|&x| x == o)) {
        let bullets = prose(body).filter(|l| l.starts_with("- ") || l.starts_with("* ")).count();
        return if bullets > k { Ok(()) } else { missing(&format!("{q} (it has {bullets} bulleted items)")) };
    }
    if q == "listing" {
        return if body.fenced.iter().any(|&f| f) { Ok(()) } else { missing("listing (code block)") };
    }
    if q == "last paragraph" {
        let prose_line = |l: &&String| {
            let t = l.trim_start();
            !t.is_empty()
                && !t.starts_with(['|', '#', '-', '*', '>'])
                && !t.split_once(". ").is_some_and(|(n, _)| n.bytes().all(|b| b.is_ascii_digit()))
        };
        return if prose(body).any(|l| prose_line(&l)) { Ok(()) } else { missing("paragraph") };
    }
    let labels = if is_label(q) { Some(vec![q.to_owned()]) } else { label_range(q) };
    if let Some(labels) = labels {
        let text = body.lines.join("\n");
        return match labels.iter().find(|l| !contains_word(&text, l)) {
            Some(l) => missing(&format!("label {l}")),
            None => Ok(()),
        };
    }
    if let Some(quoted) = q.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        let (scope, place) = match item {
            Some(span) => (*span, "in the item it names"),
            None => (body, ""),
        };
        return if normalize(&scope.lines.join(" ")).contains(&normalize(quoted)) {
            Ok(())
        } else {
            missing(format!("text \"{quoted}\" {place}").trim_end())
        };
    }
    let wanted = normalize(q).to_lowercase();
    if normalize(&body.lines.join(" ")).to_lowercase().contains(&wanted) {
        Ok(())
    } else {
        missing(&format!("text `{q}`"))
    }
}

/// The body's lines outside code blocks.
fn prose<'a>(body: Body<'a>) -> impl Iterator<Item = &'a String> {
    body.lines.iter().zip(body.fenced).filter(|(_, &f)| !f).map(|(l, _)| l)
}

struct Table {
    /// The first header cell is `#`: rows are numbered in their first cell.
    numbered: bool,
    rows: Vec<Vec<String>>,
}

fn cells(line: &str) -> Vec<String> {
    let line = line.trim().replace("\\|", "\u{0}");
    let inner = line.trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.replace('\u{0}', "|").trim().to_owned()).collect()
}

fn tables(body: Body<'_>) -> Vec<Table> {
    let lines: Vec<&String> = prose(body).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let is_row = |l: &str| l.trim_start().starts_with('|');
        let separator = |l: &str| l.contains('-') && l.trim().chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
        if is_row(lines[i]) && i + 1 < lines.len() && separator(lines[i + 1]) {
            let numbered = cells(lines[i]).first().is_some_and(|c| c == "#");
            let mut rows = Vec::new();
            i += 2;
            while i < lines.len() && is_row(lines[i]) {
                rows.push(cells(lines[i]));
                i += 1;
            }
            out.push(Table { numbered, rows });
        } else {
            i += 1;
        }
    }
    out
}

/// The lines of numbered item `n` (`4. …` at the start of a line, with its indented
/// continuation lines).
fn numbered_item(body: Body<'_>, n: u32) -> Option<Body<'_>> {
    let marker = format!("{n}. ");
    let start = (0..body.lines.len()).find(|&i| !body.fenced[i] && body.lines[i].starts_with(&marker))?;
    let len = body.lines[start + 1..]
        .iter()
        .position(|l| !l.is_empty() && !l.starts_with(char::is_whitespace))
        .map_or(body.lines.len() - start, |k| k + 1);
    Some(Body { lines: &body.lines[start..start + len], fenced: &body.fenced[start..start + len] })
}

fn contains_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// Backticks and emphasis dropped, runs of white space made one space.
fn normalize(s: &str) -> String {
    s.replace(['`', '*'], "").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The files the test reads, relative to the repository root, sorted.
fn scanned_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if !SKIPPED_DIRS.contains(&name.as_ref()) {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| SCANNED_EXTENSIONS.iter().any(|x| e == *x)) {
                out.push(path);
            }
        }
    }
    let root = repo_root();
    let mut out = Vec::new();
    walk(&root, &mut out);
    let mut out: Vec<PathBuf> = out.into_iter().map(|p| p.strip_prefix(&root).unwrap_or(&p).to_path_buf()).collect();
    out.sort();
    out
}

/// How many lines a citation may run on for (comment wrapping).
const MAX_CITATION_LINES: usize = 4;

/// A continuation line of a wrapped citation, without its comment marker.
fn continuation(line: &str) -> &str {
    let line = line.trim_start();
    ["//!", "///", "//", "#", "*"].iter().find_map(|m| line.strip_prefix(m)).unwrap_or(line).trim()
}

/// Every `[ref …]` citation of every scanned file: (file, line number, the citation's inside, with
/// wrapped lines joined and any gloss after `: ` dropped). The second list is the citations that
/// never close.
fn citations() -> (Vec<(PathBuf, usize, String)>, Vec<String>) {
    let root = repo_root();
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for file in scanned_files() {
        let Ok(text) = fs::read_to_string(root.join(&file)) else { continue };
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            for (at, _) in line.match_indices(CITATION) {
                let mut inside = line[at + "[ref ".len()..].to_owned();
                let mut next = n + 1;
                while !inside.contains(']') && next < lines.len() && next < n + MAX_CITATION_LINES {
                    inside.push(' ');
                    inside.push_str(continuation(lines[next]));
                    next += 1;
                }
                let Some(end) = inside.find(']') else {
                    errors.push(format!("{}:{}: `{}…` does not close with `]`", file.display(), n + 1, &line[at..]));
                    continue;
                };
                let inside = &inside[..end];
                // `[ref §1.1: head - tail pages are in the pipe]`: the gloss restates the section
                // in the citer's words and is not looked up.
                let cited = inside.split_once(": ").map_or(inside, |(cited, _)| cited).trim_end_matches(':');
                found.push((file.clone(), n + 1, cited.to_owned()));
            }
        }
    }
    (found, errors)
}

#[test]
fn every_citation_resolves_in_the_reference() {
    let reference = reference();
    let (found, mut errors) = citations();
    for (file, line, citation) in &found {
        if let Err(why) = reference.resolve(citation) {
            errors.push(format!("{}:{line}: [ref {citation}]: {why}", file.display()));
        }
    }
    assert!(found.len() > 50, "only {} citations found: is the scan looking in the right place?", found.len());
    assert!(
        errors.is_empty(),
        "{} citation(s) do not resolve in {REFERENCE}:\n  {}",
        errors.len(),
        errors.join("\n  ")
    );
}

/// Whether the `§` at byte `at` of `line` is a bare mark of the reference: it opens a string
/// (`"§1.1 W2"`, a program step's citation) or a C comment (`/* §1.2 P2 */`, in scenarios), or it
/// follows the word "reference". Other `§` marks may cite other works (a book's §5.4).
fn is_reference_mark(line: &str, at: usize) -> bool {
    let before = line[..at].trim_end();
    line[..at].ends_with('"') || before.ends_with("/*") || before.to_lowercase().ends_with("reference")
}

#[test]
fn every_bare_section_mark_names_a_heading() {
    let reference = reference();
    let root = repo_root();
    let mut errors = Vec::new();
    let mut marks = 0;
    for file in scanned_files() {
        let Ok(text) = fs::read_to_string(root.join(&file)) else { continue };
        for (n, line) in text.lines().enumerate() {
            for (at, _) in line.match_indices('§') {
                if !is_reference_mark(line, at) {
                    continue;
                }
                let rest = &line[at + '§'.len_utf8()..];
                let number: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
                let number = number.trim_end_matches('.');
                if number.is_empty() {
                    continue; // `§N`, `§…`: not a section number
                }
                marks += 1;
                let key = format!("§{number}");
                if reference.section(&key).is_none() {
                    errors.push(format!("{}:{}: {key} is not a heading of {REFERENCE}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(marks > 50, "only {marks} section marks found");
    assert!(errors.is_empty(), "{} section mark(s) name no heading:\n  {}", errors.len(), errors.join("\n  "));
}

#[test]
fn reference_headings_are_unique() {
    let reference = reference();
    let mut errors = Vec::new();
    for (i, h) in reference.headings.iter().enumerate() {
        for earlier in &reference.headings[..i] {
            if earlier.text == h.text {
                errors.push(format!(
                    "{REFERENCE}:{}: heading \"{}\" repeats line {}",
                    h.line + 1,
                    h.text,
                    earlier.line + 1
                ));
            } else if h.key.is_some() && earlier.key == h.key {
                errors.push(format!(
                    "{REFERENCE}:{}: section key {} repeats line {}",
                    h.line + 1,
                    h.key.as_deref().unwrap_or_default(),
                    earlier.line + 1
                ));
            }
        }
    }
    let numbered = reference.headings.iter().filter(|h| h.key.is_some()).count();
    assert!(numbered >= 20, "only {numbered} numbered headings in {REFERENCE}");
    for key in ["§0", "§1", "§1.1", "§1.6", "§2", "§2.4", "§3", "§3 C4", "§4", "§4.1", "§4.2", "§4.3"] {
        if reference.section(key).is_none() {
            errors.push(format!("{REFERENCE}: no heading {key}"));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// The checker is not vacuous: made-up citations fail, each with a reason. They are built at run
/// time so that the scans above do not read them in this file.
#[test]
fn made_up_citations_do_not_resolve() {
    let reference = reference();
    let s = |rest: &str| format!("\u{a7}{rest}");
    let made_up = [
        s("9.9"),
        s("2.3 item 7"),
        s("2.3 item 4, \"Nonexistent waiter\""),
        s("0 table, row 999"),
        s("0 table, `no_such_primitive` row"),
        s("1.1 W9"),
        s("1.2 P1–P9"),
        s("1.5 check 9"),
        s("3 C9"),
        s("1.3, fifth item"),
        s("2.4 listing"),
        format!("{}, {}", s("1.5"), s("8")),
        "not a section".to_owned(),
        s("X.1"),
    ];
    for citation in &made_up {
        let outcome = reference.resolve(citation);
        assert!(outcome.is_err(), "`[ref {citation}]` should not resolve, but it does");
    }
    // And their real neighbours do.
    for citation in [
        s("2.3 item 4, \"Waiter\""),
        s("0 table, row 31"),
        s("0 table, `abort_exclusive_wait` row"),
        s("1.1 W1–W4"),
        s("3 C3"),
        s("1.3, second item"),
        s("2.1 listing"),
        s("4.2 listing"),
    ] {
        if let Err(why) = reference.resolve(&citation) {
            panic!("`[ref {citation}]` should resolve: {why}");
        }
    }
}

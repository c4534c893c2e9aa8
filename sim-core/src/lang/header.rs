//! The TOML header of a scenario file: what the scenario is, its parameters, tasks and
//! variants, and the C source. Read with serde; every value keeps its span, so a mistake in the
//! header is a diagnostic at its own line, like a mistake in the C.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::kernel::waitqueue::PageWake;
use crate::lang::diag::{suggest, Diagnostic, Span};
use crate::limits::{
    MAX_DESCRIPTION_CHARS, MAX_ID_CHARS, MAX_PARAM_VALUE, MAX_STEPS, MAX_TASK_NAME_CHARS, MAX_TITLE_CHARS,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: Spanned<String>,
    title: Spanned<String>,
    description: Spanned<String>,
    default_variant: Spanned<String>,
    #[serde(default)]
    default_seed: u64,
    #[serde(default)]
    step_limit: Option<Spanned<u32>>,
    #[serde(default)]
    params: BTreeMap<String, Spanned<RawParam>>,
    tasks: Vec<Spanned<RawTask>>,
    variants: Vec<Spanned<RawVariant>>,
    source: RawSource,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParam {
    default: Spanned<i64>,
    min: Spanned<i64>,
    max: Spanned<Bound>,
    #[serde(default)]
    about: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Bound {
    Value(i64),
    /// At most another parameter's value.
    Param(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    name: Spanned<String>,
    role: String,
    run: Spanned<String>,
    #[serde(default)]
    count: Option<Spanned<Count>>,
    #[serde(default)]
    signals: Option<Spanned<Count>>,
    #[serde(default)]
    about: String,
}

/// How many: a number, or a parameter's value.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Count {
    Fixed(u32),
    Param(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariant {
    id: Spanned<String>,
    label: String,
    #[serde(default)]
    about: String,
    buggy: bool,
    #[serde(default)]
    kernel: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    c: Spanned<String>,
}

/// A parameter, with its hard range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamDecl {
    pub name: String,
    pub default: i64,
    pub min: i64,
    pub max: Bound,
    pub about: String,
}

/// A role: the tasks that run one function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskDecl {
    /// The task's name, or the stem of numbered names (T → T1, T2) when several play the role.
    pub name: String,
    pub role: String,
    /// The C function its tasks run.
    pub run: String,
    pub run_span: Span,
    pub count: Count,
    /// Where the count is (the task's name when it has none), for the limit on tasks.
    pub count_span: Span,
    pub signals: Count,
    pub about: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantDecl {
    pub id: String,
    pub label: String,
    pub about: String,
    /// What exploration finds: true when some interleaving loses a wakeup.
    pub buggy: bool,
    /// Which `wake_page_function()` the variant's kernel has.
    pub page_wake: PageWake,
}

/// The header, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub id: String,
    pub title: String,
    pub description: String,
    pub default_variant: String,
    pub default_seed: u64,
    pub step_limit: Option<u32>,
    pub params: Vec<ParamDecl>,
    pub tasks: Vec<TaskDecl>,
    pub variants: Vec<VariantDecl>,
    /// The C, and the byte offset where it begins in the file.
    pub source: String,
    pub source_offset: usize,
}

/// The kernels whose `wake_page_function` differs [ref §2.1, §2.3], by the names variants use.
pub const KERNELS: &[(&str, PageWake)] =
    &[("v4.13", PageWake::Rc), ("3510ca20ece0", PageWake::StopIfRelocked), ("2a9127fcf229", PageWake::Handoff)];

fn span(r: std::ops::Range<usize>) -> Span {
    Span::new(r.start, r.end)
}

/// Read and check the header of `text`.
pub fn read(text: &str) -> Result<Header, Vec<Diagnostic>> {
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(Span::default(), span);
        vec![Diagnostic::error(at, toml_message(e.message()))]
    })?;
    let mut d = Vec::new();
    let id_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= MAX_ID_CHARS
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
    };
    if !id_ok(raw.id.get_ref()) {
        d.push(Diagnostic::error(
            span(raw.id.span()),
            format!("the id must be 1 to {MAX_ID_CHARS} characters of a-z, 0-9, '-' and '.'"),
        ));
    }
    let mut text_len = |what: &str, s: &Spanned<String>, max: usize| {
        let n = s.get_ref().chars().count();
        if n > max {
            d.push(Diagnostic::error(
                span(s.span()),
                format!("the {what} has {n} characters, over the limit of {max}"),
            ));
        }
    };
    text_len("title", &raw.title, MAX_TITLE_CHARS);
    text_len("description", &raw.description, MAX_DESCRIPTION_CHARS);
    let step_limit = raw.step_limit.as_ref().map(|s| {
        let v = *s.get_ref();
        if v == 0 || v > MAX_STEPS {
            d.push(Diagnostic::error(span(s.span()), format!("step_limit {v} is out of range 1 to {MAX_STEPS}")));
        }
        v
    });

    let names: Vec<String> = raw.params.keys().cloned().collect();
    let mut params = Vec::new();
    for (name, p) in &raw.params {
        let at = span(p.span());
        let r = p.get_ref();
        let (default, min) = (*r.default.get_ref(), *r.min.get_ref());
        if !id_ok(name) || name.contains('.') {
            d.push(Diagnostic::error(at, format!("parameter `{name}`: a name is a-z, 0-9 and '-'")));
        }
        if !(0..=MAX_PARAM_VALUE).contains(&min) {
            d.push(Diagnostic::error(
                span(r.min.span()),
                format!("parameter `{name}`: min {min} is out of range 0 to {MAX_PARAM_VALUE}"),
            ));
        }
        match r.max.get_ref() {
            Bound::Value(m) if *m < min || *m > MAX_PARAM_VALUE => d.push(Diagnostic::error(
                span(r.max.span()),
                format!("parameter `{name}`: max {m} is out of range {min} to {MAX_PARAM_VALUE}"),
            )),
            Bound::Param(other) if !names.contains(other) || other == name => d.push(Diagnostic::error(
                span(r.max.span()),
                format!("parameter `{name}`: max names `{other}`, which is not another parameter"),
            )),
            _ => {}
        }
        if let Bound::Value(m) = r.max.get_ref() {
            if default < min || default > *m {
                d.push(Diagnostic::error(
                    span(r.default.span()),
                    format!("parameter `{name}`: default {default} is out of range {min} to {m}"),
                ));
            }
        }
        params.push(ParamDecl {
            name: name.clone(),
            default,
            min,
            max: r.max.get_ref().clone(),
            about: r.about.clone(),
        });
    }

    let count = |d: &mut Vec<Diagnostic>, c: &Option<Spanned<Count>>, default: u32| match c {
        None => Count::Fixed(default),
        Some(s) => {
            if let Count::Param(p) = s.get_ref() {
                if !names.contains(p) {
                    let mut diag =
                        Diagnostic::error(span(s.span()), format!("`{p}` is not a parameter of this scenario"));
                    if let Some(sug) = suggest(p, names.iter().map(String::as_str)) {
                        diag = diag.help(format!("did you mean `{sug}`?"));
                    }
                    d.push(diag);
                }
            }
            s.get_ref().clone()
        }
    };
    let mut tasks = Vec::new();
    for t in &raw.tasks {
        let t = t.get_ref();
        let name = t.name.get_ref();
        if name.is_empty() || name.len() > MAX_TASK_NAME_CHARS || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
            d.push(Diagnostic::error(
                span(t.name.span()),
                format!("a task name is 1 to {MAX_TASK_NAME_CHARS} letters or digits"),
            ));
        }
        tasks.push(TaskDecl {
            name: name.clone(),
            role: t.role.clone(),
            run: t.run.get_ref().clone(),
            run_span: span(t.run.span()),
            count: count(&mut d, &t.count, 1),
            count_span: t.count.as_ref().map_or(span(t.name.span()), |c| span(c.span())),
            signals: count(&mut d, &t.signals, 0),
            about: t.about.clone(),
        });
    }
    if tasks.is_empty() {
        d.push(Diagnostic::error(Span::default(), "no [[tasks]]: a scenario needs at least one task"));
    }

    let mut variants: Vec<VariantDecl> = Vec::new();
    for v in &raw.variants {
        let v = v.get_ref();
        let id = v.id.get_ref();
        if !id_ok(id) {
            d.push(Diagnostic::error(span(v.id.span()), "a variant id is 1 to 40 characters of a-z, 0-9, '-' and '.'"));
        }
        if variants.iter().any(|o| o.id == *id) {
            d.push(Diagnostic::error(span(v.id.span()), format!("variant `{id}` is declared twice")));
        }
        let page_wake = match &v.kernel {
            None => PageWake::Rc,
            Some(k) => match KERNELS.iter().find(|(n, _)| n == k.get_ref()) {
                Some(&(_, w)) => w,
                None => {
                    let known: Vec<&str> = KERNELS.iter().map(|(n, _)| *n).collect();
                    d.push(
                        Diagnostic::error(span(k.span()), format!("unknown kernel `{}`", k.get_ref()))
                            .help(format!("the kernels whose primitives differ are {}", known.join(", "))),
                    );
                    PageWake::Rc
                }
            },
        };
        variants.push(VariantDecl {
            id: id.clone(),
            label: v.label.clone(),
            about: v.about.clone(),
            buggy: v.buggy,
            page_wake,
        });
    }
    if variants.is_empty() {
        d.push(Diagnostic::error(Span::default(), "no [[variants]]: a scenario needs at least one"));
    } else if !variants.iter().any(|v| v.id == *raw.default_variant.get_ref()) {
        let ids: Vec<&str> = variants.iter().map(|v| v.id.as_str()).collect();
        let wrong = raw.default_variant.get_ref();
        let help = match suggest(wrong, ids.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the variants are {}", ids.join(", ")),
        };
        d.push(
            Diagnostic::error(span(raw.default_variant.span()), format!("`{wrong}` is not a variant"))
                .label("not in [[variants]]")
                .help(help),
        );
    }

    let c = &raw.source.c;
    let r = c.span();
    let source_offset = literal_start(text, r.start).unwrap_or_else(|| {
        d.push(
            Diagnostic::error(span(r.clone()), "write the C as a literal string, between `'''` and `'''`")
                .help("a literal string keeps every character as written, so line numbers stay right"),
        );
        r.start
    });
    if !d.is_empty() {
        return Err(d);
    }
    Ok(Header {
        id: raw.id.into_inner(),
        title: raw.title.into_inner(),
        description: raw.description.into_inner(),
        default_variant: raw.default_variant.into_inner(),
        default_seed: raw.default_seed,
        step_limit,
        params,
        tasks,
        variants,
        source: c.get_ref().clone(),
        source_offset,
    })
}

/// Where the content of a literal string that starts at `at` begins: after `'''` (and the
/// newline right after it, which TOML drops) or `'`.
fn literal_start(text: &str, at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    if let Some(after) = rest.strip_prefix("'''") {
        let skip = if after.starts_with("\r\n") { 2 } else { usize::from(after.starts_with('\n')) };
        return Some(at + 3 + skip);
    }
    rest.starts_with('\'').then_some(at + 1)
}

/// toml's message, on one line.
fn toml_message(msg: &str) -> String {
    msg.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

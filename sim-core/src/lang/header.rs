//! The TOML header of a scenario file: what the scenario is, its parameters, tasks and
//! variants, and the C source. Every value keeps its span, so a mistake in the header is a
//! diagnostic at its own line, like a mistake in the C.

use toml::de::DeTable;

use crate::kernel::waitqueue::PageWake;
use crate::lang::diag::{suggest, Diagnostic, Span};
use crate::lang::table::{Field, IntOrName, Table};
use crate::limits::{
    MAX_DESCRIPTION_CHARS, MAX_ID_CHARS, MAX_PARAM_VALUE, MAX_STEPS, MAX_TASK_NAME_CHARS, MAX_TITLE_CHARS,
};
use crate::strategy::timed::{PREFIX as TIMED_PREFIX, TIMED_PARAMS};

/// A parameter's upper bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bound {
    Value(i64),
    /// At most another parameter's value.
    Param(String),
}

/// How many: a number, or a parameter's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Count {
    Fixed(u32),
    Param(String),
}

const HEADER: &[&str] = &[
    "id",
    "title",
    "description",
    "default_variant",
    "default_seed",
    "step_limit",
    "params",
    "tasks",
    "variants",
    "timed",
    "source",
];
/// The fields of `[timed]`: the timed strategy's parameters, without their `timed.` prefix.
const TIMED: &[&str] = &{
    let mut names = [""; TIMED_PARAMS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = TIMED_PARAMS[i].0;
        i += 1;
    }
    names
};
const PARAM: &[&str] = &["default", "min", "max", "about"];
const TASK: &[&str] = &["name", "role", "run", "count", "signals", "about"];
const VARIANT: &[&str] = &["id", "label", "about", "buggy", "kernel"];
const SOURCE: &[&str] = &["c"];

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
    /// The scenario's own defaults for the timed strategy (`[timed]`), as `timed.NAME` values.
    pub timed: Vec<(String, i64)>,
    /// The C, and the byte offset where it begins in the file.
    pub source: String,
    pub source_offset: usize,
}

/// The kernels whose `wake_page_function` differs [ref §2.1, §2.3], by the names variants use.
pub const KERNELS: &[(&str, PageWake)] =
    &[("v4.13", PageWake::Rc), ("3510ca20ece0", PageWake::StopIfRelocked), ("2a9127fcf229", PageWake::Handoff)];

/// Read and check the header of `text`.
pub fn read(text: &str) -> Result<Header, Vec<Diagnostic>> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|e| {
                let at = e.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
                Diagnostic::error(at, toml_message(e.message()))
            })
            .collect());
    }
    let mut d = Vec::new();
    let top = Table::new(doc.get_ref(), Span::default(), "the header", HEADER);
    top.unknown_fields(&mut d);
    let id = top.required_string("id", &mut d);
    let title = top.required_string("title", &mut d);
    let description = top.required_string("description", &mut d);
    let default_variant = top.required_string("default_variant", &mut d);
    let default_seed = match top.int("default_seed", &mut d) {
        None => 0,
        Some(Field { value, span }) => u64::try_from(value).unwrap_or_else(|_| {
            d.push(Diagnostic::error(span, format!("default_seed {value} is negative")));
            0
        }),
    };
    let id_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= MAX_ID_CHARS
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
    };
    if let Some(id) = &id {
        if !id_ok(&id.value) {
            d.push(Diagnostic::error(
                id.span,
                format!("the id must be 1 to {MAX_ID_CHARS} characters of a-z, 0-9, '-' and '.'"),
            ));
        }
    }
    let mut text_len = |what: &str, s: &Option<Field<String>>, max: usize| {
        let Some(s) = s else { return };
        let n = s.value.chars().count();
        if n > max {
            d.push(Diagnostic::error(s.span, format!("the {what} has {n} characters, over the limit of {max}")));
        }
    };
    text_len("title", &title, MAX_TITLE_CHARS);
    text_len("description", &description, MAX_DESCRIPTION_CHARS);
    let step_limit = top.int("step_limit", &mut d).map(|s| {
        if s.value < 1 || s.value > i64::from(MAX_STEPS) {
            d.push(Diagnostic::error(s.span, format!("step_limit {} is out of range 1 to {MAX_STEPS}", s.value)));
        }
        s.value.clamp(1, i64::from(MAX_STEPS)) as u32
    });

    let raw_params = top.tables_by_name("params", PARAM, &mut d);
    let names: Vec<String> = raw_params.iter().map(|(n, _)| n.value.clone()).collect();
    let mut params = Vec::new();
    for (name, p) in &raw_params {
        p.unknown_fields(&mut d);
        let (at, name) = (name.span, &name.value);
        let (Some(default), Some(min)) = (p.required_int("default", &mut d), p.required_int("min", &mut d)) else {
            continue;
        };
        let Some(max) = p.int_or_name("max", &mut d).or_else(|| {
            d.push(Diagnostic::error(at, format!("missing field `max` in [params.{name}]")));
            None
        }) else {
            continue;
        };
        // A parameter is a constant in the C, so `_` is allowed (`walk_break`).
        if !id_ok(&name.replace('_', "-")) || name.contains('.') {
            d.push(Diagnostic::error(at, format!("parameter `{name}`: a name is a-z, 0-9, '_' and '-'")));
        }
        let (default_at, default, min_at, min) = (default.span, default.value, min.span, min.value);
        if !(0..=MAX_PARAM_VALUE).contains(&min) {
            d.push(Diagnostic::error(
                min_at,
                format!("parameter `{name}`: min {min} is out of range 0 to {MAX_PARAM_VALUE}"),
            ));
        }
        let bound = match max.value {
            IntOrName::Int(m) => {
                if m < min || m > MAX_PARAM_VALUE {
                    d.push(Diagnostic::error(
                        max.span,
                        format!("parameter `{name}`: max {m} is out of range {min} to {MAX_PARAM_VALUE}"),
                    ));
                } else if default < min || default > m {
                    d.push(Diagnostic::error(
                        default_at,
                        format!("parameter `{name}`: default {default} is out of range {min} to {m}"),
                    ));
                }
                Bound::Value(m)
            }
            IntOrName::Name(other) => {
                if !names.contains(&other) || other == *name {
                    d.push(Diagnostic::error(
                        max.span,
                        format!("parameter `{name}`: max names `{other}`, which is not another parameter"),
                    ));
                }
                Bound::Param(other)
            }
        };
        let about = p.string("about", &mut d).map(|a| a.value).unwrap_or_default();
        params.push(ParamDecl { name: name.clone(), default, min, max: bound, about });
    }

    let count = |d: &mut Vec<Diagnostic>, c: Option<Field<IntOrName>>, default: u32| match c {
        None => Count::Fixed(default),
        Some(Field { value: IntOrName::Int(n), span }) => Count::Fixed(u32::try_from(n).unwrap_or_else(|_| {
            d.push(Diagnostic::error(span, format!("a count is 0 or more, and small: not {n}")));
            0
        })),
        Some(Field { value: IntOrName::Name(p), span }) => {
            if !names.contains(&p) {
                let mut diag = Diagnostic::error(span, format!("`{p}` is not a parameter of this scenario"));
                if let Some(sug) = suggest(&p, names.iter().map(String::as_str)) {
                    diag = diag.help(format!("did you mean `{sug}`?"));
                }
                d.push(diag);
            }
            Count::Param(p)
        }
    };
    let mut tasks = Vec::new();
    for t in top.array_of_tables("tasks", TASK, &mut d) {
        t.unknown_fields(&mut d);
        let (name, role, run) =
            (t.required_string("name", &mut d), t.required_string("role", &mut d), t.required_string("run", &mut d));
        let (c, signals) = (t.int_or_name("count", &mut d), t.int_or_name("signals", &mut d));
        let about = t.string("about", &mut d).map(|a| a.value).unwrap_or_default();
        let (Some(name), Some(role), Some(run)) = (name, role, run) else { continue };
        if name.value.is_empty()
            || name.value.len() > MAX_TASK_NAME_CHARS
            || !name.value.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            d.push(Diagnostic::error(
                name.span,
                format!("a task name is 1 to {MAX_TASK_NAME_CHARS} letters or digits"),
            ));
        }
        let count_span = c.as_ref().map_or(name.span, |c| c.span);
        tasks.push(TaskDecl {
            name: name.value,
            role: role.value,
            run: run.value,
            run_span: run.span,
            count: count(&mut d, c, 1),
            count_span,
            signals: count(&mut d, signals, 0),
            about,
        });
    }
    if tasks.is_empty() && no_mistake_in(&d, "[[tasks]]") {
        d.push(Diagnostic::error(Span::default(), "no [[tasks]]: a scenario needs at least one task"));
    }

    let mut variants: Vec<VariantDecl> = Vec::new();
    let before = d.len();
    for v in top.array_of_tables("variants", VARIANT, &mut d) {
        v.unknown_fields(&mut d);
        let (id, label, buggy) =
            (v.required_string("id", &mut d), v.required_string("label", &mut d), v.required_bool("buggy", &mut d));
        let (about, kernel) = (v.string("about", &mut d), v.string("kernel", &mut d));
        let (Some(id), Some(label), Some(buggy)) = (id, label, buggy) else { continue };
        // '_' too: a variant may be named after a kernel function (`__set_current_state`).
        if !id_ok(&id.value.replace('_', "-")) {
            d.push(Diagnostic::error(
                id.span,
                format!("a variant id is 1 to {MAX_ID_CHARS} characters of a-z, 0-9, '-', '_' and '.'"),
            ));
        }
        if variants.iter().any(|o| o.id == id.value) {
            d.push(Diagnostic::error(id.span, format!("variant `{}` is declared twice", id.value)));
        }
        let page_wake = match kernel {
            None => PageWake::Rc,
            Some(k) => match KERNELS.iter().find(|(n, _)| *n == k.value) {
                Some(&(_, w)) => w,
                None => {
                    let known: Vec<&str> = KERNELS.iter().map(|(n, _)| *n).collect();
                    d.push(
                        Diagnostic::error(k.span, format!("unknown kernel `{}`", k.value))
                            .help(format!("the kernels whose primitives differ are {}", known.join(", "))),
                    );
                    PageWake::Rc
                }
            },
        };
        variants.push(VariantDecl {
            id: id.value,
            label: label.value,
            about: about.map(|a| a.value).unwrap_or_default(),
            buggy: buggy.value,
            page_wake,
        });
    }
    if variants.is_empty() {
        if no_mistake_in(&d, "[[variants]]") {
            d.push(Diagnostic::error(Span::default(), "no [[variants]]: a scenario needs at least one"));
        }
    } else if let Some(wrong) =
        default_variant.as_ref().filter(|w| d.len() == before && !variants.iter().any(|v| v.id == w.value))
    {
        let ids: Vec<&str> = variants.iter().map(|v| v.id.as_str()).collect();
        let help = match suggest(&wrong.value, ids.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the variants are {}", ids.join(", ")),
        };
        d.push(
            Diagnostic::error(wrong.span, format!("`{}` is not a variant", wrong.value))
                .label("not in [[variants]]")
                .help(help),
        );
    }

    let mut timed = Vec::new();
    if let Some(t) = top.table("timed", "[timed]", TIMED, &mut d) {
        t.unknown_fields(&mut d);
        for &(name, min, max) in &TIMED_PARAMS {
            let Some(v) = t.int(name, &mut d) else { continue };
            if v.value < min as i64 || v.value > max as i64 {
                d.push(Diagnostic::error(
                    v.span,
                    format!("[timed] {name} = {} is out of range {min} to {max}", v.value),
                ));
            }
            timed.push((format!("{TIMED_PREFIX}{name}"), v.value.clamp(min as i64, max as i64)));
        }
    }

    let source = top.required_table("source", "[source]", SOURCE, &mut d).and_then(|t| {
        t.unknown_fields(&mut d);
        t.required_string("c", &mut d)
    });
    let source_offset = source.as_ref().map(|c| {
        literal_start(text, c.span.start).unwrap_or_else(|| {
            d.push(
                Diagnostic::error(c.span, "write the C as a literal string, between `'''` and `'''`")
                    .help("a literal string keeps every character as written, so line numbers stay right"),
            );
            c.span.start
        })
    });
    match (id, title, description, default_variant, source, source_offset) {
        (Some(id), Some(title), Some(description), Some(default_variant), Some(source), Some(source_offset))
            if d.is_empty() =>
        {
            Ok(Header {
                id: id.value,
                title: title.value,
                description: description.value,
                default_variant: default_variant.value,
                default_seed,
                step_limit,
                params,
                tasks,
                variants,
                timed,
                source: source.value,
                source_offset,
            })
        }
        _ => Err(d),
    }
}

/// Whether no mistake was reported yet in the tables called `name`: an empty list of tasks is
/// not worth saying after the tables' own mistakes.
fn no_mistake_in(d: &[Diagnostic], name: &str) -> bool {
    !d.iter().any(|x| x.message.contains(name) || x.label.as_deref().is_some_and(|l| l.contains(name)))
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

//! Scenario files (`scenarios/*.toml`, or a user's own): a TOML header and the tasks' programs in
//! kernel C (docs/scenario-language.md). `Scenario::parse` reads the header and compiles every
//! variant once, so that a file with a mistake is refused with all its diagnostics; `spec()`
//! builds one variant with its parameters for a run.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crate::error::{Diagnostics, Error};
use crate::ids::TaskId;
use crate::kernel::memory::Memory;
use crate::lang::compile::{self, Role};
use crate::lang::header::{self, Bound, Count, Header};
use crate::lang::{self, Diagnostic, Source, Span};
use crate::limits::{self, DEFAULT_STEP_LIMIT, MAX_TASKS};
use crate::spec::{Params, Spec, TaskSpec};

pub use crate::lang::header::{ParamDecl, TaskDecl, VariantDecl};

/// A scenario file, read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    /// What a student reads first: the situation, in plain words.
    pub description: String,
    pub default_variant: String,
    pub default_seed: u64,
    pub step_limit: Option<u32>,
    pub params: Vec<ParamDecl>,
    pub tasks: Vec<TaskDecl>,
    pub variants: Vec<VariantDecl>,
    /// The timed strategy's defaults for this scenario (`[timed]`), as `timed.NAME` values.
    pub timed: Vec<(String, i64)>,
    /// The file's name (for messages) and its whole text.
    pub file: String,
    pub text: String,
    source_offset: usize,
    source: Source,
}

impl Scenario {
    /// Parse and check a scenario file's text.
    pub fn parse(text: &str) -> Result<Scenario, Error> {
        Scenario::parse_named("scenario.toml", text)
    }

    /// The same, naming the file in messages.
    pub fn parse_named(file: &str, text: &str) -> Result<Scenario, Error> {
        limits::check_scenario_bytes(text.len() as u64)?;
        let fail = |diagnostics: Vec<Diagnostic>| Error::from(Diagnostics::new(file, text, diagnostics));
        let h: Header = header::read(text).map_err(fail)?;
        let (source, lex_diags) = lang::lex(&h.source, h.source_offset);
        if !lex_diags.is_empty() {
            return Err(fail(lex_diags));
        }
        let scenario = Scenario {
            id: h.id,
            title: h.title,
            description: h.description,
            default_variant: h.default_variant,
            default_seed: h.default_seed,
            step_limit: h.step_limit,
            params: h.params,
            tasks: h.tasks,
            variants: h.variants,
            timed: h.timed,
            file: file.to_string(),
            text: text.to_string(),
            source_offset: h.source_offset,
            source,
        };
        // Every variant must compile with the default parameters.
        let params = scenario.params(&[])?;
        let mut all = Vec::new();
        let mut seen = HashSet::new();
        for v in &scenario.variants {
            if let Err(diags) = scenario.compile(&v.id, &params, Memory::Sc) {
                for d in diags {
                    if seen.insert((d.span, d.message.clone())) {
                        all.push(d);
                    }
                }
            }
        }
        if !all.is_empty() {
            all.sort_by_key(|d| d.span.start);
            return Err(fail(all));
        }
        Ok(scenario)
    }

    /// The variant declared under `id`.
    pub fn variant(&self, id: &str) -> Result<&VariantDecl, Error> {
        self.variants.iter().find(|v| v.id == id).ok_or_else(|| Error::UnknownVariant {
            scenario: self.id.clone(),
            variant: id.into(),
            known: self.variants.iter().map(|v| v.id.as_str()).collect::<Vec<_>>().join(", "),
        })
    }

    /// The parameters' defaults with `overrides` applied, each checked against its range.
    pub fn params(&self, overrides: &[(String, i64)]) -> Result<Params, Error> {
        let mut values: BTreeMap<&str, i64> = self.params.iter().map(|p| (p.name.as_str(), p.default)).collect();
        // `timed.*` parameters belong to the timed strategy (see `StrategyKind::timing`).
        for (k, v) in overrides.iter().filter(|(k, _)| !k.starts_with(crate::strategy::timed::PREFIX)) {
            if !values.contains_key(k.as_str()) {
                return Err(Error::UnknownParam {
                    scenario: self.id.clone(),
                    name: k.clone(),
                    known: if self.params.is_empty() {
                        "none".into()
                    } else {
                        self.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
                    },
                });
            }
            values.insert(k, *v);
        }
        let mut out = Params::new();
        for p in &self.params {
            let value = values[p.name.as_str()];
            let max = match &p.max {
                Bound::Value(m) => *m,
                Bound::Param(other) => values.get(other.as_str()).copied().unwrap_or(p.min),
            };
            if value < p.min || value > max {
                return Err(Error::ParamRange { name: p.name.clone(), value, min: p.min, max });
            }
            out.insert(p.name.clone(), value as u32);
        }
        Ok(out)
    }

    /// The tasks of every role for `params`: (role index, name, may receive a signal).
    fn task_list(&self, params: &Params) -> Result<Vec<(usize, String, bool)>, Error> {
        let value = |c: &Count| match c {
            Count::Fixed(n) => *n as usize,
            Count::Param(p) => params.get(p).copied().unwrap_or(0) as usize,
        };
        let mut out = Vec::new();
        for (role, t) in self.tasks.iter().enumerate() {
            let count = value(&t.count);
            let signals = value(&t.signals);
            limits::check("number of tasks", out.len() + count, MAX_TASKS)?;
            for i in 0..count {
                let name = if count > 1 { format!("{}{}", t.name, i + 1) } else { t.name.clone() };
                out.push((role, name, i < signals));
            }
        }
        Ok(out)
    }

    /// Compile `variant` with `params`: the programs of every role and the shared objects.
    fn compile(&self, variant: &str, params: &Params, memory: Memory) -> Result<compile::Output, Vec<Diagnostic>> {
        let tasks = self.task_list(params).map_err(|e| {
            // At the count of the role that brings the tasks over the limit.
            let mut total = 0;
            let role = self.tasks.iter().find(|t| {
                total += match &t.count {
                    Count::Fixed(n) => *n as usize,
                    Count::Param(p) => params.get(p).copied().unwrap_or(0) as usize,
                };
                total > MAX_TASKS
            });
            vec![Diagnostic::error(role.map_or(Span::default(), |t| t.count_span), e.to_string())]
        })?;
        let names: Vec<String> = tasks.iter().map(|(_, n, _)| n.clone()).collect();
        let roles: Vec<Role> = self.tasks.iter().map(|t| Role { run: t.run.clone(), span: t.run_span }).collect();
        let variants: Vec<String> = self.variants.iter().map(|v| v.id.clone()).collect();
        let page_wake = self.variants.iter().find(|v| v.id == variant).map_or(Default::default(), |v| v.page_wake);
        lang::compile(&self.text, &self.source, variant, &variants, |items, tokens, comments| {
            let input = compile::Input {
                text: &self.text,
                items,
                tokens,
                comments,
                params,
                roles: &roles,
                tasks: &names,
                page_wake,
                memory,
            };
            compile::compile(&input)
        })
    }

    /// Build the world's spec for `variant` (the default when `None`) and parameter overrides,
    /// under sequential consistency.
    pub fn spec(&self, variant: Option<&str>, overrides: &[(String, i64)]) -> Result<Arc<Spec>, Error> {
        self.spec_in(variant, overrides, Memory::Sc)
    }

    /// `spec` under the memory model `memory`.
    pub fn spec_in(
        &self,
        variant: Option<&str>,
        overrides: &[(String, i64)],
        memory: Memory,
    ) -> Result<Arc<Spec>, Error> {
        let variant = self.variant(variant.unwrap_or(&self.default_variant))?.id.clone();
        let params = self.params(overrides)?;
        let tasks = self.task_list(&params)?;
        let out = self
            .compile(&variant, &params, memory)
            .map_err(|d| Error::from(Diagnostics::new(&self.file, &self.text, d)))?;
        let mut initial = out.initial;
        let mut specs = Vec::new();
        for (role, name, signalable) in tasks {
            initial.tasks.push(compile::task_for(&out.programs[role]));
            specs.push(TaskSpec { name, role: self.tasks[role].role.clone(), program: role, signalable });
        }
        // Programs may open with instructions that are not steps: run them, so every task stands
        // on a step.
        for (t, spec) in specs.iter().enumerate() {
            crate::exec::settle(&mut initial, &out.programs[spec.program], TaskId(t as u8), &mut ());
        }
        let [vars, queues, mutexes, pages] = out.names;
        Ok(Arc::new(Spec {
            scenario: self.id.clone(),
            variant,
            params,
            tasks: specs,
            queues,
            vars,
            mutexes,
            pages,
            objects: out.objects,
            programs: out.programs,
            initial,
            step_limit: self.step_limit.unwrap_or(DEFAULT_STEP_LIMIT),
            timed: self.timed.clone(),
            memory,
        }))
    }

    /// The byte offset where the C begins in the file.
    pub fn source_offset(&self) -> usize {
        self.source_offset
    }
}

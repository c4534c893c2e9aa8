//! Scenario files (`scenarios/*.toml`): what a student reads and edits. Parsed with serde,
//! validated with one clear error per problem, and built into a `Spec` for one variant.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{clip, Error};
use crate::ids::TaskId;
use crate::kernel::task::Task;
use crate::kernel::waitqueue::{EntryFlags, WaitEntry, WaitQueueHead};
use crate::kernel::Kernel;
use crate::limits::{
    self, DEFAULT_STEP_LIMIT, MAX_DESCRIPTION_CHARS, MAX_ID_CHARS, MAX_STEPS, MAX_TASKS, MAX_TASK_NAME_CHARS,
    MAX_TITLE_CHARS,
};
use crate::protocols::Protocol;
use crate::spec::{Params, Spec, TaskSpec};

/// One scenario file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    /// What a student reads first: the situation, in plain words.
    pub description: String,
    /// Which protocol's programs the tasks run.
    pub protocol: String,
    pub default_variant: String,
    pub default_seed: u64,
    #[serde(default)]
    pub step_limit: Option<u32>,
    #[serde(default)]
    pub params: BTreeMap<String, i64>,
    pub tasks: Vec<TaskDecl>,
    pub variants: Vec<VariantDecl>,
}

/// A role's tasks. `name` is the task's name, or the stem of numbered names (T → T1, T2) when a
/// parameter says how many there are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskDecl {
    pub name: String,
    pub role: String,
    pub about: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantDecl {
    pub id: String,
    pub label: String,
    pub about: String,
    /// What exploration finds: true when some interleaving loses a wakeup.
    pub buggy: bool,
}

fn bad(msg: impl Into<String>) -> Error {
    Error::Scenario(msg.into())
}

impl Scenario {
    /// Parse and validate a scenario file.
    pub fn parse(text: &str) -> Result<Scenario, Error> {
        limits::check_scenario_bytes(text.len() as u64)?;
        let s: Scenario = toml::from_str(text).map_err(|e| bad(one_line(&e.to_string())))?;
        s.validate()?;
        Ok(s)
    }

    pub fn protocol(&self) -> Protocol {
        // validate() checked it.
        Protocol::from_id(&self.protocol).unwrap_or(Protocol::CheckThenSleep)
    }

    fn validate(&self) -> Result<(), Error> {
        let ok_id = |s: &str| {
            !s.is_empty()
                && s.len() <= MAX_ID_CHARS
                && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        };
        if !ok_id(&self.id) {
            return Err(bad(format!(
                "id '{}' must be 1 to {MAX_ID_CHARS} characters of a-z, 0-9, '-' and '.'",
                clip(&self.id)
            )));
        }
        check_len("title", &self.title, MAX_TITLE_CHARS)?;
        check_len("description", &self.description, MAX_DESCRIPTION_CHARS)?;
        let protocol = Protocol::from_id(&self.protocol).ok_or_else(|| {
            let known: Vec<_> = Protocol::ALL.iter().map(|p| p.id()).collect();
            bad(format!("unknown protocol '{}' (known: {})", clip(&self.protocol), known.join(", ")))
        })?;
        if self.variants.is_empty() {
            return Err(bad("no [[variants]]"));
        }
        for v in &self.variants {
            if !protocol.variants().contains(&v.id.as_str()) {
                return Err(bad(format!(
                    "variant '{}' is not a variant of {} (known: {})",
                    clip(&v.id),
                    protocol.id(),
                    protocol.variants().join(", ")
                )));
            }
            check_len("variant label", &v.label, MAX_TITLE_CHARS)?;
            check_len("variant about", &v.about, MAX_DESCRIPTION_CHARS)?;
        }
        self.variant(&self.default_variant)?;
        if let Some(limit) = self.step_limit {
            if limit == 0 || limit > MAX_STEPS {
                return Err(Error::ParamRange {
                    name: "step_limit".into(),
                    value: limit.into(),
                    min: 1,
                    max: MAX_STEPS.into(),
                });
            }
        }
        let roles = protocol.roles();
        if self.tasks.len() != roles.len() || self.tasks.iter().zip(roles).any(|(t, r)| t.role != r.id) {
            let want: Vec<_> = roles.iter().map(|r| r.id).collect();
            return Err(bad(format!("[[tasks]] must have the roles {} in that order", want.join(", "))));
        }
        for t in &self.tasks {
            if t.name.is_empty()
                || t.name.len() > MAX_TASK_NAME_CHARS
                || !t.name.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                let name = clip(&t.name);
                return Err(bad(format!("task name '{name}' must be 1 to {MAX_TASK_NAME_CHARS} letters or digits")));
            }
            check_len("task about", &t.about, MAX_DESCRIPTION_CHARS)?;
        }
        self.params(&[])?;
        Ok(())
    }

    /// The variant declared under `id`.
    pub fn variant(&self, id: &str) -> Result<&VariantDecl, Error> {
        self.variants.iter().find(|v| v.id == id).ok_or_else(|| Error::UnknownVariant {
            scenario: self.id.clone(),
            variant: id.into(),
            known: self.variants.iter().map(|v| v.id.as_str()).collect::<Vec<_>>().join(", "),
        })
    }

    /// The scenario's parameters with `overrides` applied, each checked against its range.
    pub fn params(&self, overrides: &[(String, i64)]) -> Result<Params, Error> {
        let protocol = self.protocol();
        let defs = protocol.params();
        let mut values: BTreeMap<&str, i64> = self.params.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        // `timed.*` parameters belong to the timed strategy (see `StrategyKind::timing`).
        for (k, v) in overrides.iter().filter(|(k, _)| !k.starts_with(crate::strategy::timed::PREFIX)) {
            values.insert(k, *v);
        }
        let mut out = Params::new();
        for (&name, &value) in &values {
            let def = defs.iter().find(|d| d.name == name).ok_or_else(|| Error::UnknownParam {
                scenario: self.id.clone(),
                name: name.into(),
                known: if defs.is_empty() {
                    "none".into()
                } else {
                    defs.iter().map(|d| d.name).collect::<Vec<_>>().join(", ")
                },
            })?;
            let max = match name {
                // At most as many signals as lockers.
                "signals" => values.get("lockers").copied().unwrap_or(i64::from(def.max)).min(i64::from(def.max)),
                _ => i64::from(def.max),
            };
            if value < i64::from(def.min) || value > max {
                return Err(Error::ParamRange { name: name.into(), value, min: def.min.into(), max });
            }
            out.insert(name.into(), value as u32);
        }
        if let Some(missing) = defs.iter().find(|d| !out.contains_key(d.name)) {
            return Err(bad(format!("[params] has no '{}' ({})", missing.name, missing.about)));
        }
        Ok(out)
    }

    /// Build the world's spec for `variant` (the default when `None`) and parameter overrides.
    pub fn spec(&self, variant: Option<&str>, overrides: &[(String, i64)]) -> Result<Arc<Spec>, Error> {
        let variant = self.variant(variant.unwrap_or(&self.default_variant))?.id.clone();
        let params = self.params(overrides)?;
        let protocol = self.protocol();
        let model = protocol.build(&variant, &params);
        let mut tasks = Vec::new();
        let mut kernel_tasks = Vec::new();
        for (program, ((decl, role), rp)) in self.tasks.iter().zip(protocol.roles()).zip(&model.programs).enumerate() {
            let count = role.count.map_or(1, |p| params[p]) as usize;
            let signals = role.signals.map_or(0, |p| params[p]) as usize;
            limits::check("number of tasks", tasks.len() + count, MAX_TASKS)?;
            for i in 0..count {
                let name = if count > 1 { format!("{}{}", decl.name, i + 1) } else { decl.name.clone() };
                tasks.push(TaskSpec { name, role: role.id.into(), program, signalable: i < signals });
                let entries: Vec<_> = rp
                    .program
                    .entries
                    .iter()
                    .map(|e| WaitEntry { flags: EntryFlags::default(), func: e.func })
                    .collect();
                let mut task = Task::new(&entries);
                for &(local, value) in &rp.locals {
                    task.locals[local.index()] = value;
                }
                kernel_tasks.push(task);
            }
        }
        let mut initial = Kernel {
            tasks: kernel_tasks.into_iter().collect(),
            queues: (0..model.queues.len()).map(|_| WaitQueueHead::default()).collect(),
            pipe: model.pipe,
            page: model.page,
            condition: false,
        };
        let programs: Vec<_> = model.programs.into_iter().map(|rp| rp.program).collect();
        // Programs may open with local instructions; run them so every task stands on a step.
        for (t, spec) in tasks.iter().enumerate() {
            crate::exec::run_locals(&mut initial, &programs[spec.program], TaskId(t as u8), &mut ());
        }
        Ok(Arc::new(Spec {
            scenario: self.id.clone(),
            variant,
            params,
            tasks,
            queues: model.queues.iter().map(|q| q.to_string()).collect(),
            objects: model.objects,
            programs,
            initial,
            step_limit: self.step_limit.unwrap_or(DEFAULT_STEP_LIMIT),
        }))
    }
}

fn check_len(what: &str, text: &str, max: usize) -> Result<(), Error> {
    let n = text.chars().count();
    if n > max {
        return Err(bad(format!("{what} has {n} characters, over the limit of {max}")));
    }
    Ok(())
}

/// toml's messages span lines (with a caret picture); keep the first line and the position.
fn one_line(msg: &str) -> String {
    let mut lines = msg.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('|') && !l.starts_with('^'));
    let first = lines.next().unwrap_or("malformed TOML").to_string();
    match lines.next_back() {
        Some(last) if last != first => format!("{first}: {last}"),
        _ => first,
    }
}

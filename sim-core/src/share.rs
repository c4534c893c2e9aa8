//! Share links: a versioned, URL-safe text that names one run exactly (scenario, variant,
//! strategy, seed, parameter overrides, the choices made by hand, and the step shown), so the
//! CLI and the page rebuild the same run from it. Decoding never panics and says what is wrong.
//!
//! Form (the part after `#`): `wq1/<scenario>/<variant>/<strategy>/<seed>/<params>/<choices>/<step>`,
//! then optionally `/memory=tso`
//! - `scenario`: a built-in scenario's id, or a scenario file carried whole: `~1.` (the form's
//!   version) and the file's text, raw deflate (miniz_oxide), base64url without padding. An id
//!   has no `~`, so every link made before carried scenarios opens as it did. The link's length
//!   limit bounds the packed text, and unpacking it stops at the size limit of a scenario file;
//! - `params`: `name=value` pairs joined by `,` (or empty);
//! - `choices`: the hand-made schedule, one byte per choice (task index, +128 for a signal, +64
//!   for a flush of the task's store buffer), base64url without padding (or empty);
//! - `step`: the step on screen;
//! - `memory=tso`: the memory model, when it is not `sc`. A link without it is a run under
//!   sequential consistency, so every link made before the field existed opens the same run.

use std::borrow::Cow;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use miniz_oxide::inflate::TINFLStatus;

use crate::error::{clip, Error};
use crate::ids::TaskId;
use crate::kernel::memory::Memory;
use crate::library;
use crate::limits::{self, MAX_ID_CHARS, MAX_LINK_CHARS, MAX_SCENARIO_BYTES, MAX_SCHEDULE_LEN, MAX_TASKS};
use crate::scenario::Scenario;
use crate::schedule::Schedule;
use crate::strategy::StrategyKind;
use crate::world::Choice;

/// A choice's byte: the task's index, plus one of these for a signal or a flush.
const SIGNAL: u8 = 128;
const FLUSH: u8 = 64;

/// The version tag: a link of another version is refused by name.
pub const VERSION: &str = "wq1";

/// How a carried scenario starts: `~`, which no id holds, and the version of its encoding.
const CARRIED: &str = "~1.";
/// The name a carried scenario's diagnostics give its file.
pub const CARRIED_FILE: &str = "link.toml";
/// miniz_oxide's best level: scenario files are small, and a shorter link fits more of them.
const DEFLATE_LEVEL: u8 = 10;

/// The scenario a link runs. A carried file stays packed as the link holds it: decoding a link
/// and writing it again cost no compression, and a page that only opens links needs no deflate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioRef {
    /// A built-in scenario, by id.
    Id(String),
    /// A scenario file carried in the link: its text, raw deflate in base64url without padding
    /// (`carry` packs a text, `text` unpacks it).
    Carried(String),
}

impl ScenarioRef {
    /// How a link names `scenario`: by id when it is the built-in file of that id, word for
    /// word; otherwise it carries the file.
    pub fn of(scenario: &Scenario) -> ScenarioRef {
        match library::find(&scenario.id) {
            Ok(builtin) if builtin.text == scenario.text => ScenarioRef::Id(scenario.id.clone()),
            _ => ScenarioRef::carry(&scenario.text),
        }
    }

    /// A scenario file's text, packed to be carried.
    pub fn carry(text: &str) -> ScenarioRef {
        let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), DEFLATE_LEVEL);
        ScenarioRef::Carried(URL_SAFE_NO_PAD.encode(packed))
    }

    /// The scenario file's text. A carried one is inflated to at most `MAX_SCENARIO_BYTES`, so a
    /// small link cannot ask for a large allocation.
    pub fn text(&self) -> Result<Cow<'static, str>, Error> {
        let packed = match self {
            ScenarioRef::Id(id) => return library::find(id).map(|s| Cow::Borrowed(s.text.as_str())),
            ScenarioRef::Carried(packed) => packed,
        };
        let bytes = URL_SAFE_NO_PAD.decode(packed).map_err(|_| bad("the carried scenario is not valid base64url"))?;
        let text = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_SCENARIO_BYTES).map_err(|e| {
            match e.status {
                TINFLStatus::HasMoreOutput => bad(format!(
                    "the carried scenario inflates to more than {MAX_SCENARIO_BYTES} bytes, the limit of a scenario file"
                )),
                _ => bad("the carried scenario is not valid deflate data"),
            }
        })?;
        String::from_utf8(text).map(Cow::Owned).map_err(|_| bad("the carried scenario is not UTF-8 text"))
    }

    /// The scenario: the built-in one, or the carried file read and checked.
    pub fn load(&self) -> Result<Cow<'static, Scenario>, Error> {
        match self {
            ScenarioRef::Id(id) => library::find(id).map(Cow::Borrowed),
            ScenarioRef::Carried(_) => Scenario::parse_named(CARRIED_FILE, &self.text()?).map(Cow::Owned),
        }
    }

    /// The link's field: the id, or `~1.` and the packed file.
    pub fn encode(&self) -> String {
        match self {
            ScenarioRef::Id(id) => id.clone(),
            ScenarioRef::Carried(packed) => format!("{CARRIED}{packed}"),
        }
    }

    /// Read the link's field.
    pub fn decode(field: &str) -> Result<ScenarioRef, Error> {
        let Some(rest) = field.strip_prefix('~') else {
            check_id("scenario", field)?;
            return Ok(ScenarioRef::Id(field.into()));
        };
        let Some(packed) = field.strip_prefix(CARRIED) else {
            let form = rest.split('.').next().unwrap_or_default();
            return Err(bad(format!("the carried scenario's form '~{}' is not supported (this is ~1)", clip(form))));
        };
        if !packed.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) {
            return Err(bad("the carried scenario is not valid base64url"));
        }
        Ok(ScenarioRef::Carried(packed.into()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub scenario: ScenarioRef,
    pub variant: String,
    /// The strategy that continues after the hand-made choices; unused when `manual`.
    pub strategy: StrategyKind,
    /// Every choice was made by hand: the run is exactly `choices` (strategy token `manual`).
    pub manual: bool,
    pub seed: u64,
    pub params: Vec<(String, i64)>,
    pub choices: Schedule,
    pub step: u32,
    pub memory: Memory,
}

fn bad(msg: impl Into<String>) -> Error {
    Error::Link(msg.into())
}

/// Names in links are ids: letters, digits, '-', '.', '_'.
fn check_id(what: &str, s: &str) -> Result<(), Error> {
    if s.is_empty() || s.len() > MAX_ID_CHARS || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)) {
        return Err(bad(format!("the {what} '{}' is not an id", clip(s))));
    }
    Ok(())
}

impl Link {
    /// The fragment, without the leading `#`.
    pub fn encode(&self) -> String {
        let params = self.params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        let bytes: Vec<u8> = self
            .choices
            .0
            .iter()
            .map(|c| match *c {
                Choice::Step(t) => t.0,
                Choice::Signal(t) => SIGNAL + t.0,
                Choice::Flush(t) => FLUSH + t.0,
            })
            .collect();
        let memory = match self.memory {
            Memory::Sc => String::new(),
            m => format!("/memory={}", m.id()),
        };
        format!(
            "{VERSION}/{}/{}/{}/{}/{params}/{}/{}{memory}",
            self.scenario.encode(),
            self.variant,
            if self.manual { "manual" } else { self.strategy.id() },
            self.seed,
            URL_SAFE_NO_PAD.encode(bytes),
            self.step
        )
    }

    /// Read a link: a whole URL, a fragment with or without `#`, anything after the last `#`.
    pub fn decode(text: &str) -> Result<Link, Error> {
        limits::check("share link length", text.len(), MAX_LINK_CHARS)?;
        let fragment = text.rsplit_once('#').map_or(text, |(_, f)| f).trim();
        let parts: Vec<&str> = fragment.split('/').collect();
        match parts.first() {
            Some(&VERSION) => {}
            Some(v) if v.starts_with("wq") => {
                return Err(bad(format!("version '{}' is not supported (this is {VERSION})", clip(v))))
            }
            _ => return Err(bad("not a wqsim link (it should start with wq1/)")),
        }
        let ([_, scenario, variant, strategy, seed, params, choices, step], memory) = match parts[..] {
            [a, b, c, d, e, f, g, h] => ([a, b, c, d, e, f, g, h], None),
            [a, b, c, d, e, f, g, h, m] => ([a, b, c, d, e, f, g, h], Some(m)),
            _ => {
                return Err(bad(format!(
                    "{} parts where 8 or 9 were expected: wq1/scenario/variant/strategy/seed/params/choices/step[/memory=tso]",
                    parts.len()
                )))
            }
        };
        let memory = match memory.map(|m| m.strip_prefix("memory=").ok_or(m)) {
            None => Memory::Sc,
            Some(Ok(m)) => m.parse().map_err(|e: String| bad(clip(&e)))?,
            Some(Err(m)) => return Err(bad(format!("the 9th part '{}' is not memory=sc or memory=tso", clip(m)))),
        };
        check_id("variant", variant)?;
        let manual = strategy == "manual";
        let strategy: StrategyKind = if manual {
            StrategyKind::Random
        } else {
            strategy.parse().map_err(|_| bad(format!("unknown strategy '{}'", clip(strategy))))?
        };
        let seed = seed.parse().map_err(|_| bad(format!("the seed '{}' is not a whole number", clip(seed))))?;
        let params = if params.is_empty() {
            Vec::new()
        } else {
            params
                .split(',')
                .map(|p| {
                    let (k, v) = p
                        .split_once('=')
                        .ok_or_else(|| bad(format!("the parameter '{}' is not name=value", clip(p))))?;
                    check_id("parameter", k)?;
                    let v = v.parse().map_err(|_| bad(format!("the value of '{k}' is not a whole number")))?;
                    Ok((k.to_string(), v))
                })
                .collect::<Result<_, Error>>()?
        };
        let bytes = URL_SAFE_NO_PAD.decode(choices).map_err(|_| bad("the choices are not valid base64url"))?;
        limits::check("schedule length", bytes.len(), MAX_SCHEDULE_LEN)?;
        let choices = bytes
            .iter()
            .map(|&b| {
                let (kind, t) = (b & (SIGNAL | FLUSH), TaskId(b & !(SIGNAL | FLUSH)));
                if t.index() >= MAX_TASKS {
                    return Err(bad(format!("a choice names task {}; there are at most {MAX_TASKS}", t.0)));
                }
                Ok(match kind {
                    0 => Choice::Step(t),
                    SIGNAL => Choice::Signal(t),
                    FLUSH => Choice::Flush(t),
                    _ => return Err(bad(format!("the choice byte {b} is both a signal and a flush"))),
                })
            })
            .collect::<Result<_, Error>>()?;
        let step = step.parse().map_err(|_| bad(format!("the step '{}' is not a whole number", clip(step))))?;
        Ok(Link {
            scenario: ScenarioRef::decode(scenario)?,
            variant: variant.into(),
            strategy,
            manual,
            seed,
            params,
            choices: Schedule(choices),
            step,
            memory,
        })
    }
}

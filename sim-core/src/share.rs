//! Share links: a versioned, URL-safe text that names one run exactly (scenario, variant,
//! strategy, seed, parameter overrides, the choices made by hand, and the step shown), so the
//! CLI and the page rebuild the same run from it. Decoding never panics and says what is wrong.
//!
//! Form (the part after `#`): `wq1/<scenario>/<variant>/<strategy>/<seed>/<params>/<choices>/<step>`,
//! then optionally `/memory=tso`
//! - `params`: `name=value` pairs joined by `,` (or empty);
//! - `choices`: the hand-made schedule, one byte per choice (task index, +128 for a signal, +64
//!   for a flush of the task's store buffer), base64url without padding (or empty);
//! - `step`: the step on screen;
//! - `memory=tso`: the memory model, when it is not `sc`. A link without it is a run under
//!   sequential consistency, so every link made before the field existed opens the same run.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::{clip, Error};
use crate::ids::TaskId;
use crate::kernel::memory::Memory;
use crate::limits::{self, MAX_ID_CHARS, MAX_LINK_CHARS, MAX_SCHEDULE_LEN, MAX_TASKS};
use crate::schedule::Schedule;
use crate::strategy::StrategyKind;
use crate::world::Choice;

/// A choice's byte: the task's index, plus one of these for a signal or a flush.
const SIGNAL: u8 = 128;
const FLUSH: u8 = 64;

/// The version tag: a link of another version is refused by name.
pub const VERSION: &str = "wq1";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub scenario: String,
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
            self.scenario,
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
        check_id("scenario", scenario)?;
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
            scenario: scenario.into(),
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

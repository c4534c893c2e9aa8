//! Share links: a versioned, URL-safe text that names one run exactly (scenario, variant,
//! strategy, seed, parameter overrides, the choices made by hand, and the step shown), so the
//! CLI and the page rebuild the same run from it. Decoding never panics and says what is wrong.
//!
//! Form (the part after `#`): `wq1/<scenario>/<variant>/<strategy>/<seed>/<params>/<choices>/<step>`
//! - `params`: `name=value` pairs joined by `,` (or empty);
//! - `choices`: the hand-made schedule, one byte per choice (task index, +128 for a signal),
//!   base64url without padding (or empty);
//! - `step`: the step on screen.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::{clip, Error};
use crate::ids::TaskId;
use crate::limits::{self, MAX_ID_CHARS, MAX_LINK_CHARS, MAX_SCHEDULE_LEN, MAX_TASKS};
use crate::schedule::Schedule;
use crate::strategy::StrategyKind;
use crate::world::Choice;

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
                Choice::Signal(t) => 128 + t.0,
            })
            .collect();
        format!(
            "{VERSION}/{}/{}/{}/{}/{params}/{}/{}",
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
        let [_, scenario, variant, strategy, seed, params, choices, step] = parts[..] else {
            return Err(bad(format!(
                "{} parts where 8 were expected: wq1/scenario/variant/strategy/seed/params/choices/step",
                parts.len()
            )));
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
                let (signal, t) = (b >= 128, b & 127);
                if usize::from(t) >= MAX_TASKS {
                    return Err(bad(format!("a choice names task {t}; there are at most {MAX_TASKS}")));
                }
                Ok(if signal { Choice::Signal(TaskId(t)) } else { Choice::Step(TaskId(t)) })
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
        })
    }
}

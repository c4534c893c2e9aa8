//! Every way input can be wrong, each as one line that names the problem and, where there is
//! one, the limit.

use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Error {
    #[error("scenario file: {0}")]
    Scenario(String),
    #[error("unknown scenario '{name}' (known: {known})")]
    UnknownScenario { name: String, known: String },
    #[error("unknown variant '{variant}' of scenario '{scenario}' (known: {known})")]
    UnknownVariant { scenario: String, variant: String, known: String },
    #[error("unknown parameter '{name}' of scenario '{scenario}' (known: {known})")]
    UnknownParam { scenario: String, name: String, known: String },
    #[error("parameter '{name}' = {value} is out of range {min}..={max}")]
    ParamRange { name: String, value: i64, min: i64, max: i64 },
    #[error("{what} is {value}, over the limit of {limit}")]
    Limit { what: &'static str, value: u64, limit: u64 },
    #[error("share link: {0}")]
    Link(String),
    /// A request that cannot be met, in the message's own words.
    #[error("{0}")]
    Invalid(String),
    #[error("schedule: {0}")]
    Schedule(String),
    #[error("step {step}: {choice} cannot happen now: {why}")]
    NotEnabled { step: u32, choice: String, why: String },
}

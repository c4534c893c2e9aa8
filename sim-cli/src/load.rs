//! Finding a scenario (built-in id or file path) and reading `NAME=VALUE` parameters.

use std::borrow::Cow;
use std::path::Path;

use sim_core::{library, Error, Scenario};

/// A built-in scenario by id, or a scenario file by path (anything with a '/' or ending in
/// `.toml`).
pub fn scenario(name: &str) -> Result<Cow<'static, Scenario>, Error> {
    if !name.contains('/') && !name.ends_with(".toml") {
        return library::find(name).map(Cow::Borrowed);
    }
    let path = Path::new(name);
    let io = |e: std::io::Error| Error::Scenario(format!("cannot read {name}: {e}"));
    sim_core::limits::check_scenario_bytes(std::fs::metadata(path).map_err(io)?.len())?;
    let bytes = std::fs::read(path).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|_| Error::Scenario(format!("{name} is not UTF-8 text")))?;
    Scenario::parse_named(name, &text).map(Cow::Owned)
}

/// `NAME=VALUE` with an integer value.
pub fn parse_param(s: &str) -> Result<(String, i64), String> {
    let (name, value) = s.split_once('=').ok_or_else(|| format!("'{s}' is not NAME=VALUE"))?;
    let value = value
        .trim()
        .parse::<i64>()
        .map_err(|_| format!("the value of '{name}' must be a whole number, not '{value}'"))?;
    Ok((name.trim().to_string(), value))
}

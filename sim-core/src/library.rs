//! The scenarios that ship with wqsim, from `scenarios/*.toml`: compiled in (the `embedded`
//! feature, so the CLI needs no files), or given once at start by `provide` (the page fetches
//! them, so its first .wasm stays within its budget: BENCHMARKS.md, issue 15).

use std::sync::OnceLock;

use crate::error::Error;
use crate::scenario::Scenario;

/// The built-in scenario files, named once: `NAMES`, and with the `embedded` feature `FILES`,
/// each name with its text.
macro_rules! builtins {
    ($($name:literal),* $(,)?) => {
        /// The built-in scenario files' names, in teaching order.
        pub const NAMES: [&str; [$($name),*].len()] = [$($name),*];

        /// The built-in scenario files, by name, in teaching order.
        #[cfg(feature = "embedded")]
        pub const FILES: &[(&str, &str)] = &[$(($name, include_str!(concat!("../../", $name)))),*];
    };
}

builtins!(
    "scenarios/check-then-sleep.toml",
    "scenarios/sleep-on.toml",
    "scenarios/wait-woken.toml",
    "scenarios/pipe-splice.toml",
    "scenarios/exclusive-starvation.toml",
    "scenarios/exclusive-event.toml",
    "scenarios/page-lock-killable.toml",
    "scenarios/page-wake-bookmark.toml",
    "scenarios/set-current-state.toml",
    "scenarios/waitqueue-active.toml",
);

#[cfg(not(feature = "embedded"))]
static PROVIDED: OnceLock<Vec<String>> = OnceLock::new();

/// Give the built-in files' texts, in the order of `NAMES`, before any scenario is asked for.
/// Only the first call counts.
#[cfg(not(feature = "embedded"))]
pub fn provide(texts: Vec<String>) {
    let _ = PROVIDED.set(texts);
}

/// The text of built-in file `i`.
#[cfg(feature = "embedded")]
fn text(i: usize) -> &'static str {
    FILES[i].1
}

/// The text of built-in file `i`, as provided.
#[cfg(not(feature = "embedded"))]
fn text(i: usize) -> &'static str {
    PROVIDED.get().and_then(|t| t.get(i)).map_or("", String::as_str)
}

/// The built-in scenarios, in teaching order.
pub fn scenarios() -> &'static [Scenario] {
    static ALL: OnceLock<Vec<Scenario>> = OnceLock::new();
    ALL.get_or_init(|| (0..NAMES.len()).map(|i| parse(NAMES[i], text(i))).collect())
}

/// The built-in scenario `id`. Only its own file is parsed and compiled (a file is named after
/// its scenario's id, which a test checks): a command on one scenario starts at once.
pub fn find(id: &str) -> Result<&'static Scenario, Error> {
    static ONE: [OnceLock<Scenario>; NAMES.len()] = [const { OnceLock::new() }; NAMES.len()];
    match NAMES.iter().position(|file| id_of(file) == id) {
        Some(i) => Ok(ONE[i].get_or_init(|| parse(NAMES[i], text(i)))),
        None => Err(Error::UnknownScenario {
            name: id.into(),
            known: NAMES.iter().map(|file| id_of(file)).collect::<Vec<_>>().join(", "),
        }),
    }
}

/// `scenarios/pipe-splice.toml` → `pipe-splice`.
pub fn id_of(file: &str) -> &str {
    file.trim_start_matches("scenarios/").trim_end_matches(".toml")
}

fn parse(file: &str, text: &str) -> Scenario {
    Scenario::parse_named(file, text).unwrap_or_else(|e| panic!("built-in scenario is invalid: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_is_named_after_its_scenario_and_found_by_its_id() {
        for (s, (file, _)) in scenarios().iter().zip(FILES) {
            assert_eq!(id_of(file), s.id, "{file}");
            assert_eq!(find(&s.id).unwrap().text, s.text);
        }
        let e = find("pipe-spliced").unwrap_err().to_string();
        assert!(e.contains("pipe-splice, exclusive-starvation") || e.contains("pipe-splice"), "{e}");
    }
}

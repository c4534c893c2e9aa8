//! The scenarios that ship with wqsim, compiled in from `scenarios/*.toml`, so the CLI and the
//! page need no files.

use std::sync::OnceLock;

use crate::error::Error;
use crate::scenario::Scenario;

/// The built-in scenario files, by name, in teaching order.
pub const FILES: &[(&str, &str)] = &[
    ("scenarios/check-then-sleep.toml", include_str!("../../scenarios/check-then-sleep.toml")),
    ("scenarios/sleep-on.toml", include_str!("../../scenarios/sleep-on.toml")),
    ("scenarios/wait-woken.toml", include_str!("../../scenarios/wait-woken.toml")),
    ("scenarios/pipe-splice.toml", include_str!("../../scenarios/pipe-splice.toml")),
    ("scenarios/exclusive-starvation.toml", include_str!("../../scenarios/exclusive-starvation.toml")),
    ("scenarios/exclusive-event.toml", include_str!("../../scenarios/exclusive-event.toml")),
    ("scenarios/page-lock-killable.toml", include_str!("../../scenarios/page-lock-killable.toml")),
    ("scenarios/page-wake-bookmark.toml", include_str!("../../scenarios/page-wake-bookmark.toml")),
    ("scenarios/set-current-state.toml", include_str!("../../scenarios/set-current-state.toml")),
    ("scenarios/waitqueue-active.toml", include_str!("../../scenarios/waitqueue-active.toml")),
];

/// The built-in scenarios, in teaching order.
pub fn scenarios() -> &'static [Scenario] {
    static ALL: OnceLock<Vec<Scenario>> = OnceLock::new();
    ALL.get_or_init(|| FILES.iter().map(|&(file, text)| parse(file, text)).collect())
}

/// The built-in scenario `id`. Only its own file is parsed and compiled (a file is named after
/// its scenario's id, which a test checks): a command on one scenario starts at once.
pub fn find(id: &str) -> Result<&'static Scenario, Error> {
    static ONE: [OnceLock<Scenario>; FILES.len()] = [const { OnceLock::new() }; FILES.len()];
    match FILES.iter().position(|(file, _)| id_of(file) == id) {
        Some(i) => Ok(ONE[i].get_or_init(|| parse(FILES[i].0, FILES[i].1))),
        None => Err(Error::UnknownScenario {
            name: id.into(),
            known: FILES.iter().map(|(file, _)| id_of(file)).collect::<Vec<_>>().join(", "),
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

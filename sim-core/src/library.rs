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
];

/// The built-in scenarios, in teaching order.
pub fn scenarios() -> &'static [Scenario] {
    static ALL: OnceLock<Vec<Scenario>> = OnceLock::new();
    ALL.get_or_init(|| {
        FILES
            .iter()
            .map(|(file, text)| {
                Scenario::parse_named(file, text).unwrap_or_else(|e| panic!("built-in scenario is invalid: {e}"))
            })
            .collect()
    })
}

/// The built-in scenario `id`.
pub fn find(id: &str) -> Result<&'static Scenario, Error> {
    scenarios().iter().find(|s| s.id == id).ok_or_else(|| Error::UnknownScenario {
        name: id.into(),
        known: scenarios().iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", "),
    })
}

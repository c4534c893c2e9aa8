//! The proof worker's jobs as the page keeps them: "Prove it" (`Proof`) and the shortest race
//! a race made by hand is scored against (`ShortestRace`).

use crate::prove;

/// A race made by hand, and how short one can be: the proof worker's breadth-first search
/// (`prove::Task::Shortest`), asked once per scenario, variant and parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShortestRace {
    /// The search under way: the `Session::proof_target` it was asked for. The App runs a
    /// worker while this is set.
    pub job: Option<String>,
    /// The last answer: for which target, and the fewest steps (none when the search found no
    /// race within its limit).
    pub known: Option<(String, Option<usize>)>,
}

/// "Prove it": the exhaustive explorer, run in a web worker.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Proof {
    /// The proof under way: its number, and the link naming what it explores. The App runs a
    /// worker while this is set, and ends it when this changes.
    pub job: Option<(u32, String)>,
    /// What the last proof explored (`Session::proof_target`), and how to name it.
    pub target: String,
    pub label: String,
    /// What the worker said last.
    pub heard: Option<prove::Report>,
    /// Stopped by the user.
    pub stopped: bool,
}

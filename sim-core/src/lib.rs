//! # sim-core: a deterministic model of the Linux wait-queue API
//!
//! Tasks on virtual CPUs run programs of atomic steps through two real kernel protocols (pipe /
//! splice, page lock) and a first-lesson pattern (check, then sleep). A strategy picks which
//! step happens next; an oracle recognises a lost wakeup and names it. The same scenario,
//! variant, strategy and seed give the same trace, bit for bit, natively and in wasm.
//!
//! No I/O, no clock, no threads: everything here is a pure function of its inputs. Every kernel
//! rule cites its line in `docs/kernel.md` as `[ref §N]` (`tests/references.rs` checks them).
//!
//! ```
//! use sim_core::{library, run, strategy::Random, World};
//! let scenario = library::find("pipe-splice").unwrap();
//! let spec = scenario.spec(Some("v5.9"), &[]).unwrap();
//! let outcome = run::run(&mut World::new(spec), &mut Random::new(7), &mut ()).unwrap();
//! assert_eq!(outcome.verdict.kind().name(), "finished");
//! ```

// Input never panics the core: no unwrap() or expect() outside tests (see issue 5).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod describe;
pub mod effect;
pub mod error;
pub mod exec;
pub mod explore;
pub mod export;
pub mod glossary;
pub mod hash;
pub mod ids;
pub mod kernel;
pub mod lang;
pub mod library;
pub mod limits;
pub mod litmus;
pub mod lowered;
pub mod oracle;
pub mod program;
pub mod recording;
pub mod run;
pub mod scenario;
pub mod schedule;
pub mod share;
pub mod spec;
pub mod strategy;
pub mod sweep;
pub mod trace;
pub mod window;
pub mod world;

pub use error::Error;
pub use ids::{EntryId, QueueId, TaskId};
pub use oracle::{Verdict, VerdictKind};
pub use run::Outcome;
pub use scenario::Scenario;
pub use schedule::Schedule;
pub use spec::Spec;
pub use world::{Choice, World};

pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

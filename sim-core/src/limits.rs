//! Hard limits on everything a user controls, in one place, so that no input can exhaust memory
//! or hang a run. Errors name the field, the value and the limit (`Error::Limit`, or
//! `Error::ParamRange` for a value with a range).
//!
//! Where each is enforced (one place each; `sim-core/tests/limits.rs` tests every one):
//! - tasks (one virtual CPU each): at most `MAX_TASKS` (`Scenario::spec`); parameters: each
//!   scenario's hard ranges, checked by `Scenario::params`, within `MAX_PARAM_VALUE`;
//! - the timed strategy's clock: `strategy::timed::TIMED_PARAMS`, checked by
//!   `TimedConfig::from_params`;
//! - steps: a scenario's `step_limit` (`Scenario::parse`), at most `MAX_STEPS`, and every run
//!   stops at its spec's step limit (`run::run`, `Recording::record`, the explorers);
//! - schedule length: `Schedule::parse` and `Link::decode`;
//! - share link length: `Link::decode`;
//! - scenario file size, ids, names and texts: `Scenario::parse` (and the CLI's loader checks
//!   the file's size with `check_scenario_bytes` before it reads it; a scenario carried in a link
//!   is inflated to at most `MAX_SCENARIO_BYTES`, `share::ScenarioRef::text`);
//! - the scenario language: statements (`lang::compile`), nesting (`lang::parser`), inlining,
//!   locals, entries, instructions (`lang::codegen`), shared objects (`lang::compile`), macro
//!   expansion (`lang::preprocess`), each a diagnostic at the place that crosses it.

use crate::error::Error;

/// Tasks in one world (each on its own virtual CPU).
pub const MAX_TASKS: usize = 8;
/// Steps of one run; a scenario's `step_limit` may not exceed it.
pub const MAX_STEPS: u32 = 1_000_000;
/// The step limit of a scenario that names none.
pub const DEFAULT_STEP_LIMIT: u32 = 10_000;
/// Bytes of a scenario file.
pub const MAX_SCENARIO_BYTES: usize = 64 * 1024;
/// Choices in an explicit schedule.
pub const MAX_SCHEDULE_LEN: usize = 100_000;
/// Characters of a scenario title and description.
pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_DESCRIPTION_CHARS: usize = 4_000;
/// Characters of an id: a scenario's, a variant's, a parameter's (in scenario files and links).
pub const MAX_ID_CHARS: usize = 40;
/// Characters of a task's name in a scenario file (`R`, `T`; numbered `T1`, `T2` when a
/// parameter says how many).
pub const MAX_TASK_NAME_CHARS: usize = 8;
/// Wait queues in one world (the pipe has two).
pub const MAX_QUEUES: usize = 4;
/// On-stack wait entries per task (`rdwait`, `wrwait`, and one in `wait_event()`).
pub const MAX_ENTRIES: usize = 3;
/// Locals per task, counting every inlined call's own.
pub const MAX_LOCALS: usize = 8;
/// Shared variables in one world (a pipe's ring is five).
pub const MAX_VARS: usize = 16;
/// Mutexes in one world.
pub const MAX_MUTEXES: usize = 4;
/// Pages in one world.
pub const MAX_PAGES: usize = 2;
/// The value of a scenario parameter.
pub const MAX_PARAM_VALUE: i64 = 1_000_000;
/// Statements in one scenario file.
pub const MAX_STATEMENTS: usize = 2_000;
/// Nesting of blocks, statements and expressions in the C.
pub const MAX_NESTING: usize = 32;
/// Calls inlined into one another.
pub const MAX_INLINE: usize = 16;
/// Instructions of one task's program (a pc is 16 bits).
pub const MAX_INSTRS: usize = 4_096;
/// Tokens that macro expansion may produce in one variant.
pub const MAX_MACRO_TOKENS: usize = 20_000;
/// Entries linked on one queue at once: every entry of every task.
pub const MAX_LINKS: usize = MAX_TASKS * MAX_ENTRIES;
/// Length of a share link in bytes (a valid link is ASCII, so also in characters).
pub const MAX_LINK_CHARS: usize = 16 * 1024;

/// `Error::Limit` when `value` is over `limit`.
pub fn check(what: &'static str, value: usize, limit: usize) -> Result<(), Error> {
    if value > limit {
        return Err(Error::Limit { what, value: value as u64, limit: limit as u64 });
    }
    Ok(())
}

/// The size of a scenario file, checked by `Scenario::parse` and by a loader before it reads
/// the file.
pub fn check_scenario_bytes(bytes: u64) -> Result<(), Error> {
    if bytes > MAX_SCENARIO_BYTES as u64 {
        return Err(Error::Limit {
            what: "scenario file size in bytes",
            value: bytes,
            limit: MAX_SCENARIO_BYTES as u64,
        });
    }
    Ok(())
}

//! Hard limits on everything a user controls, in one place, so that no input can exhaust memory
//! or hang a run. Errors name the field, the value and the limit (`Error::Limit`).

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
/// Wait queues in one world (the pipe has two).
pub const MAX_QUEUES: usize = 2;
/// On-stack wait entries per task (`rdwait`, `wrwait`).
pub const MAX_ENTRIES: usize = 2;
/// Entries linked on one queue at once: every entry of every task.
pub const MAX_LINKS: usize = MAX_TASKS * MAX_ENTRIES;
/// Characters of a share link.
pub const MAX_LINK_CHARS: usize = 16 * 1024;

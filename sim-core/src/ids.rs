//! Small copyable names for the things a world holds.

use serde::{Deserialize, Serialize};

/// A task, by its index in the scenario. Task `i` runs on virtual CPU `i`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskId(pub u8);

impl TaskId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// A wait queue head, by its index in the world (`rd_wait`, `wr_wait`, the page's hashed queue, ...).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QueueId(pub u8);

impl QueueId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// One of a task's on-stack `wait_queue_entry`s (`DEFINE_WAIT(rdwait)`), by its index in the
/// task's program.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(pub u8);

impl EntryId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// A shared variable: a plain shared int or flag, a field of a shared struct (`pipe->head`), a
/// page's flags word. By its slot in `Kernel::vars`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VarId(pub u8);

impl VarId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// A mutex (`pipe->mutex`, `DEFINE_MUTEX(lock)`), by its slot in `Kernel::mutexes`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MutexId(pub u8);

impl MutexId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// A `struct page`, by its slot in `Kernel::pages`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PageId(pub u8);

impl PageId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

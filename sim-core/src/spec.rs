//! A scenario built for one variant and one set of parameters: the tasks with their programs, the
//! named queues and the initial kernel. Shared (behind an `Arc`) by every world of a run, a sweep
//! or an exploration.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ids::{MutexId, PageId, QueueId, TaskId, VarId};
use crate::kernel::memory::Memory;
use crate::kernel::read::PipeRef;
use crate::kernel::Kernel;
use crate::program::Program;

/// Parameter values by name, in name order.
pub type Params = BTreeMap<String, u32>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskSpec {
    pub name: String,
    pub role: String,
    /// Index into `Spec::programs`.
    pub program: usize,
    /// May receive a fatal signal during the run.
    pub signalable: bool,
}

/// A shared object the variant uses, as the scenario declared it: what the page draws.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Object {
    pub name: String,
    pub kind: ObjectKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ObjectKind {
    Queue(QueueId),
    /// A shared integer or flag.
    Var(VarId),
    Mutex(MutexId),
    /// A pipe: its ring's variables, and its mutex.
    Pipe {
        pipe: PipeRef,
        mutex: Option<MutexId>,
    },
    Page(PageId),
}

#[derive(Clone, Debug)]
pub struct Spec {
    pub scenario: String,
    pub variant: String,
    pub params: Params,
    pub tasks: Vec<TaskSpec>,
    /// Names of the wait queues, shared variables, mutexes and pages, by id.
    pub queues: Vec<String>,
    pub vars: Vec<String>,
    pub mutexes: Vec<String>,
    pub pages: Vec<String>,
    pub objects: Vec<Object>,
    pub programs: Vec<Program>,
    pub initial: Kernel,
    pub step_limit: u32,
    /// The scenario's own defaults for the timed strategy (`[timed]`), as `timed.NAME` values;
    /// the run's `timed.*` parameters override them.
    pub timed: Vec<(String, i64)>,
    /// The memory model the programs were compiled for [ref §6].
    pub memory: Memory,
}

impl Spec {
    pub fn program(&self, t: TaskId) -> &Program {
        &self.programs[self.tasks[t.index()].program]
    }

    /// Whether a program walks a queue with a bookmark, dropping its lock mid-walk [ref §2.4]:
    /// then the page says whether each queue's lock is held or dropped.
    pub fn walks_with_bookmark(&self) -> bool {
        self.programs.iter().flat_map(|p| &p.instrs).any(|i| {
            matches!(
                i.op,
                crate::program::Op::Call { prim: crate::program::Prim::WakeUpKeyed { bookmark: Some(_), .. }, .. }
            )
        })
    }

    /// Task `t`'s name; `?` for a task the scenario does not have (a share link may name one).
    pub fn task_name(&self, t: TaskId) -> &str {
        self.tasks.get(t.index()).map_or("?", |task| &task.name)
    }

    /// The call task `t` tests at `pc`, if the test there is of a call's value.
    pub fn test(&self, t: TaskId, pc: u16) -> Option<&str> {
        let task = self.tasks.get(t.index())?;
        self.programs.get(task.program)?.instrs.get(usize::from(pc))?.test.as_deref()
    }

    /// Task `t`'s statement at `pc`.
    pub fn code(&self, t: TaskId, pc: u16) -> &str {
        let task = self.tasks.get(t.index());
        task.and_then(|task| self.programs.get(task.program)).map_or("", |p| p.code(pc))
    }

    pub fn task_by_name(&self, name: &str) -> Option<TaskId> {
        self.tasks.iter().position(|t| t.name == name).map(|i| TaskId(i as u8))
    }

    pub fn task_ids(&self) -> impl Iterator<Item = TaskId> {
        (0..self.tasks.len()).map(|i| TaskId(i as u8))
    }
}

//! The memory model: sequentially consistent (`sc`, every store reaches memory at once) or
//! x86-TSO (Owens, Sarkar, Sewell 2009: each CPU has a FIFO store buffer) [ref §6].
//!
//! Under `tso` a plain store outside a spinlock's critical section (a shared variable, a page's
//! flags word, a pipe index, `__set_current_state()`) enters its CPU's buffer; a load reads the
//! CPU's own newest buffered store to that location, else memory; the oldest store of a CPU
//! reaching memory is a choice of its own (`Choice::Flush`). Every other primitive is a locked
//! instruction or takes a lock, so it drains its CPU's buffer first [ref §6.2]. The buffers of
//! all CPUs share one small array, in store order: each CPU's stores are its entries in that
//! order, and a kernel under `sc` carries an empty one.

use serde::{Deserialize, Serialize};
use tinyvec::ArrayVec;

use crate::effect::{Effect, Sink};
use crate::ids::{TaskId, VarId};
use crate::kernel::task::TaskState;
use crate::kernel::Kernel;

/// Which memory model a run follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Memory {
    /// Sequential consistency: today's model, and the default.
    #[default]
    Sc,
    /// x86-TSO: per-CPU FIFO store buffers.
    Tso,
}

impl Memory {
    pub const ALL: [Memory; 2] = [Memory::Sc, Memory::Tso];

    pub fn id(self) -> &'static str {
        match self {
            Memory::Sc => "sc",
            Memory::Tso => "tso",
        }
    }

    /// How the page and the reports name it.
    pub fn label(self) -> &'static str {
        match self {
            Memory::Sc => "sequentially consistent",
            Memory::Tso => "x86-TSO",
        }
    }
}

impl std::str::FromStr for Memory {
    type Err = String;

    fn from_str(s: &str) -> Result<Memory, String> {
        Memory::ALL.into_iter().find(|m| m.id() == s).ok_or_else(|| format!("unknown memory model '{s}' (sc, tso)"))
    }
}

/// Where a buffered store goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Loc {
    Var(VarId),
    /// `task->state` of the storing task (`__set_current_state()`).
    #[default]
    State,
}

/// One store waiting in a CPU's buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Store {
    /// The CPU (the task that runs on it).
    pub cpu: TaskId,
    pub loc: Loc,
    pub value: i32,
}

/// Stores waiting in all buffers at once. A store that finds the array full first sends its own
/// CPU's older stores to memory (always a TSO execution: a buffer may drain at any time), so
/// the bound hides no behaviour a smaller test would not show.
pub const MAX_BUFFERED: usize = 6;

pub type StoreBuffers = ArrayVec<[Store; MAX_BUFFERED]>;

impl Kernel {
    /// The value task `t` reads from variable `v`: its CPU's newest buffered store to `v`, else
    /// memory [ref §6.1].
    #[inline(always)]
    pub fn load(&self, t: TaskId, v: VarId) -> i32 {
        if self.buffered.is_empty() {
            self.vars[v.index()]
        } else {
            self.load_buffered(t, v)
        }
    }

    /// `load` when some buffer holds a store: kept out of line, so that the `sc` path stays small.
    #[cold]
    #[inline(never)]
    fn load_buffered(&self, t: TaskId, v: VarId) -> i32 {
        let newest = self.buffered.iter().rev().find(|s| s.cpu == t && s.loc == Loc::Var(v));
        newest.map_or(self.vars[v.index()], |s| s.value)
    }

    /// A plain store by task `t` under `tso`: into its CPU's buffer [ref §6.1].
    pub fn store(&mut self, t: TaskId, loc: Loc, value: i32, out: &mut impl Sink) {
        if self.buffered.len() == MAX_BUFFERED {
            self.drain(t, out);
        }
        let store = Store { cpu: t, loc, value };
        if self.buffered.try_push(store).is_some() {
            // Full of other CPUs' stores: this one reaches memory at once, after its own CPU's
            // (drained above), which TSO allows.
            self.commit(store, out);
        } else {
            out.emit(Effect::Buffered { cpu: t, loc, value });
        }
    }

    /// Whether `t`'s CPU has a store waiting.
    #[inline]
    pub fn has_buffered(&self, t: TaskId) -> bool {
        self.buffered.iter().any(|s| s.cpu == t)
    }

    /// The stores waiting in `t`'s CPU's buffer, oldest first.
    pub fn buffered_by(&self, t: TaskId) -> impl Iterator<Item = &Store> {
        self.buffered.iter().filter(move |s| s.cpu == t)
    }

    /// The oldest store of `t`'s CPU reaches memory [ref §6.1].
    pub fn flush(&mut self, t: TaskId, out: &mut impl Sink) {
        if let Some(i) = self.buffered.iter().position(|s| s.cpu == t) {
            let store = self.buffered.remove(i);
            out.emit(Effect::Flush { cpu: store.cpu, loc: store.loc, value: store.value });
            self.commit(store, out);
        }
    }

    /// Every store of `t`'s CPU reaches memory, oldest first: what a locked instruction, a lock
    /// and `smp_mb()` wait for [ref §6.2]. Nothing to do under `sc`.
    #[inline(always)]
    pub fn drain(&mut self, t: TaskId, out: &mut impl Sink) {
        if !self.buffered.is_empty() {
            self.drain_buffered(t, out);
        }
    }

    #[cold]
    #[inline(never)]
    fn drain_buffered(&mut self, t: TaskId, out: &mut impl Sink) {
        while self.has_buffered(t) {
            self.flush(t, out);
        }
    }

    /// A store reaches memory.
    fn commit(&mut self, s: Store, out: &mut impl Sink) {
        match s.loc {
            Loc::Var(v) => self.write_var(v, s.value, s.cpu, out),
            Loc::State => {
                let to = TaskState::from_bits(s.value as u16).unwrap_or_default();
                self.set_state(s.cpu, to, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The buffers are copied with every kernel state, under `sc` too: they stay small.
    #[test]
    fn the_store_buffers_are_small() {
        assert_eq!(std::mem::size_of::<Store>(), 8);
        assert_eq!(std::mem::size_of::<StoreBuffers>(), 52);
    }
}

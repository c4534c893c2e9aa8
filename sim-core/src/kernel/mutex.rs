//! `struct mutex`: a sleeping lock. A task whose next step is `mutex_lock()` while another task
//! holds the mutex is blocked: it cannot step (the mutex's own wait list is not a wait queue of
//! this model) [ref §0 table, row 29].

use crate::effect::{Effect, Sink};
use crate::ids::{MutexId, TaskId};
use crate::kernel::Kernel;

impl Kernel {
    /// `mutex_lock(&m)`; only schedulable while the mutex is free.
    pub fn mutex_lock(&mut self, m: MutexId, t: TaskId, out: &mut impl Sink) {
        debug_assert!(self.mutex(m).is_none(), "mutex_lock is enabled only when free");
        self.mutexes[m.index()] = Some(t);
        out.emit(Effect::Mutex { mutex: m, owner: Some(t) });
    }

    /// `mutex_unlock(&m)`.
    pub fn mutex_unlock(&mut self, m: MutexId, out: &mut impl Sink) {
        self.mutexes[m.index()] = None;
        out.emit(Effect::Mutex { mutex: m, owner: None });
    }
}

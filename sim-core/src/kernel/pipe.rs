//! `struct pipe_inode_info`, reduced to the fields the race involves [ref §1.1]. Its two wait
//! queues are ordinary world queues that the programs name.

use crate::effect::{Effect, Sink};
use crate::ids::TaskId;
use crate::kernel::Kernel;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pipe {
    /// `pipe->mutex` owner. A task whose next step is `mutex_lock` while another holds it is
    /// blocked (the mutex's own sleep is not a wait queue of this model).
    pub mutex: Option<TaskId>,
    pub head: u32,
    pub tail: u32,
    pub max_usage: u32,
    pub readers: u32,
    pub writers: u32,
}

impl Pipe {
    /// `pipe_empty(head, tail)`: head == tail [ref §1.1].
    pub fn empty(&self) -> bool {
        self.head == self.tail
    }

    /// `pipe_full(head, tail, max_usage)`: head - tail >= max_usage [ref §1.1].
    pub fn full(&self) -> bool {
        self.head.wrapping_sub(self.tail) >= self.max_usage
    }

    /// Slot `i` of the ring (pages sit at `index % max_usage`) holds a page: it lies between
    /// `tail`, the next page read, and `head`, the next written [ref §1.1: `head - tail` pages
    /// are in the pipe]. For drawing the ring; the model itself counts pages.
    pub fn slot_used(&self, i: u32) -> bool {
        let cap = self.max_usage.max(1);
        (i + cap - self.tail % cap) % cap < self.head.wrapping_sub(self.tail)
    }

    /// `pipe_readable()`: !empty || !writers [ref §1.1].
    pub fn readable(&self) -> bool {
        !self.empty() || self.writers == 0
    }

    /// `pipe_writable()`: !full || !readers [ref §1.1].
    pub fn writable(&self) -> bool {
        !self.full() || self.readers == 0
    }
}

impl Kernel {
    /// `mutex_lock(&pipe->mutex)`; only schedulable while the mutex is free.
    pub fn mutex_lock(&mut self, t: TaskId, out: &mut impl Sink) {
        debug_assert!(self.pipe.mutex.is_none(), "mutex_lock is enabled only when free");
        self.pipe.mutex = Some(t);
        out.emit(Effect::Mutex { owner: Some(t) });
    }

    /// `mutex_unlock(&pipe->mutex)`.
    pub fn mutex_unlock(&mut self, out: &mut impl Sink) {
        self.pipe.mutex = None;
        out.emit(Effect::Mutex { owner: None });
    }

    /// pipe_write copies one page and publishes it: `pipe->head = head + 1` (under the mutex, and
    /// in 5.5–5.8 under rd_wait.lock too) [ref §1.1 W2].
    pub fn pipe_push_page(&mut self, out: &mut impl Sink) {
        self.pipe.head = self.pipe.head.wrapping_add(1);
        out.emit(Effect::Pipe { head: self.pipe.head, tail: self.pipe.tail });
    }

    /// splice_from_pipe_feed consumes one buffer: `pipe->tail = ++tail` (under the mutex).
    pub fn pipe_pop_page(&mut self, out: &mut impl Sink) {
        self.pipe.tail = self.pipe.tail.wrapping_add(1);
        out.emit(Effect::Pipe { head: self.pipe.head, tail: self.pipe.tail });
    }
}

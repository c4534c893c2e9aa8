//! `struct pipe_inode_info`, reduced to the fields the race involves [ref §1.1]: `head`, `tail`,
//! `max_usage`, `readers` and `writers` are shared variables, `mutex` a mutex, `rd_wait` and
//! `wr_wait` wait queues (`wait` before 5.5). Here are its predicates, as in
//! include/linux/pipe_fs_i.h. Indices are unsigned in the kernel: they compare as u32.

use crate::ids::TaskId;
use crate::kernel::read::PipeRef;
use crate::kernel::Kernel;

/// `pipe_empty(head, tail)`: head == tail [ref §1.1].
pub fn pipe_empty(head: i32, tail: i32) -> bool {
    head == tail
}

/// `pipe_occupancy(head, tail)`: head - tail.
pub fn pipe_occupancy(head: i32, tail: i32) -> i32 {
    head.wrapping_sub(tail)
}

/// `pipe_full(head, tail, limit)`: head - tail >= limit [ref §1.1].
pub fn pipe_full(head: i32, tail: i32, limit: i32) -> bool {
    pipe_occupancy(head, tail) as u32 >= limit as u32
}

/// `pipe_readable()` as task `t` reads it: !empty || !writers, read without the mutex
/// [ref §1.1].
pub fn pipe_readable(k: &Kernel, t: TaskId, p: PipeRef) -> bool {
    let v = |v| k.load(t, v);
    !pipe_empty(v(p.head), v(p.tail)) || v(p.writers) == 0
}

/// `pipe_writable()` as task `t` reads it: !full || !readers, read without the mutex
/// [ref §1.1].
pub fn pipe_writable(k: &Kernel, t: TaskId, p: PipeRef) -> bool {
    let v = |v| k.load(t, v);
    !pipe_full(v(p.head), v(p.tail), v(p.max_usage)) || v(p.readers) == 0
}

/// Slot `i` of a ring of `capacity` slots holds a page: it lies between `tail`, the next page
/// read, and `head`, the next written [ref §1.1: `head - tail` pages are in the pipe]. For
/// drawing the ring; the model itself counts pages.
pub fn slot_used(head: i32, tail: i32, capacity: i32, i: u32) -> bool {
    let cap = (capacity as u32).max(1);
    let (head, tail) = (head as u32, tail as u32);
    (i + cap - tail % cap) % cap < head.wrapping_sub(tail)
}

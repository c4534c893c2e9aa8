//! §1.1: the pipe. Its ring is shared variables (`head`, `tail`, `max_usage`, `readers`,
//! `writers`) written by plain stores under the pipe's mutex, and read by the pure predicates
//! of include/linux/pipe_fs_i.h. Indices are unsigned in the kernel: they wrap at u32::MAX.

use super::*;

/// By hand: the pipe's fields (as u32, the kernel's type).
fn set_pipe(k: &mut Kernel, head: u32, tail: u32, max_usage: u32, readers: u32, writers: u32) {
    for (v, value) in [(HEAD, head), (TAIL, tail), (MAX_USAGE, max_usage), (READERS, readers), (WRITERS, writers)] {
        k.vars[v.index()] = value as i32;
    }
}

/// [ref §1.1] empty ⇔ head==tail; full ⇔ head-tail >= max_usage, in u32 arithmetic, so it
/// holds across the wrap of head past u32::MAX; readable = !empty || !writers; writable = !full
/// || !readers.
#[test]
fn pipe_predicates_empty_full_readable_writable() {
    // (head, tail, max_usage, readers, writers), empty, full, readable, writable
    let cases = [
        ((3, 3, 4, 1, 1), true, false, false, true),
        ((5, 3, 4, 1, 1), false, false, true, true),
        ((7, 3, 4, 1, 1), false, true, true, false),
        ((9, 3, 4, 1, 1), false, true, true, false),
        // no writers: an empty pipe is readable (EOF)
        ((3, 3, 4, 1, 0), true, false, true, true),
        // no readers: a full pipe is writable (EPIPE)
        ((7, 3, 4, 0, 1), false, true, true, true),
        // head wrapped past u32::MAX: 3 buffers in use
        ((1, u32::MAX - 1, 3, 1, 1), false, true, true, false),
        ((1, u32::MAX - 1, 4, 1, 1), false, false, true, true),
        // head past i32::MAX (negative in the model's i32 variables), tail below it
        ((1 << 31, (1 << 31) - 2, 2, 1, 1), false, true, true, false),
        ((1 << 31, (1 << 31) - 2, 3, 1, 1), false, false, true, true),
        // tail + max_usage passes i32::MAX but head does not: one page, not full (a signed
        // `head >= tail + limit` would say full)
        (((1 << 31) - 1, (1 << 31) - 2, 4, 1, 1), false, false, true, true),
        // full means at least max_usage: one over is still full
        ((2, u32::MAX, 2, 1, 1), false, true, true, false),
    ];
    for (p @ (head, tail, max_usage, readers, writers), empty, full, readable, writable) in cases {
        let mut k = kernel();
        set_pipe(&mut k, head, tail, max_usage, readers, writers);
        let (h, t, m) = (head as i32, tail as i32, max_usage as i32);
        assert_eq!(
            (pipe_empty(h, t), pipe_full(h, t, m), pipe_readable(&k, T0, PIPE), pipe_writable(&k, T0, PIPE)),
            (empty, full, readable, writable),
            "{p:?}"
        );
        assert_eq!(pipe_occupancy(h, t) as u32, head.wrapping_sub(tail), "{p:?}");
    }
}

/// [ref §1.1: head - tail pages are in the pipe] the ring's slots (index % capacity) that hold a
/// page are those from tail up to head, wrapping round the ring and past u32::MAX.
#[test]
fn pipe_slots_in_use_run_from_tail_to_head() {
    let used = |head: u32, tail: u32, capacity: u32| {
        (0..capacity).filter(|&i| slot_used(head as i32, tail as i32, capacity as i32, i)).collect::<Vec<_>>()
    };
    assert_eq!(used(3, 3, 4), Vec::<u32>::new());
    assert_eq!(used(5, 3, 4), vec![0, 3]);
    assert_eq!(used(7, 3, 4), vec![0, 1, 2, 3]);
    assert_eq!(used(1, u32::MAX - 1, 4), vec![0, 2, 3]);
    assert_eq!(used(0, u32::MAX, 4), vec![3]);
}

/// [ref §0 table, row 29] `mutex_lock(&pipe->mutex)` records the owner, `mutex_unlock` frees
/// it; each emits Mutex. Mutexes are independent.
#[test]
fn pipe_mutex_lock_and_unlock() {
    let mut k = kernel();
    let mut fx = Vec::new();
    k.mutex_lock(M0, T1, &mut fx);
    assert_eq!((k.mutex(M0), k.mutex(M1)), (Some(T1), None));
    k.mutex_lock(M1, T2, &mut fx);
    k.mutex_unlock(M0, &mut fx);
    assert_eq!((k.mutex(M0), k.mutex(M1)), (None, Some(T2)));
    assert_eq!(
        fx,
        vec![
            Effect::Mutex { mutex: M0, owner: Some(T1) },
            Effect::Mutex { mutex: M1, owner: Some(T2) },
            Effect::Mutex { mutex: M0, owner: None },
        ]
    );
}

/// [ref §1.1 W2] (`pipe->head = head + 1`) and the reader's `pipe->tail = ++tail`: plain stores
/// of the pipe's variables, each a Store; both wrap past u32::MAX, and the predicates follow.
#[test]
fn pipe_push_and_pop_are_stores_of_head_and_tail() {
    let mut k = kernel();
    set_pipe(&mut k, u32::MAX, u32::MAX, 2, 1, 1);
    let mut fx = Vec::new();
    k.write_var(HEAD, k.var(HEAD).wrapping_add(1), T0, &mut fx);
    assert_eq!((k.var(HEAD) as u32, k.var(TAIL) as u32), (0, u32::MAX));
    assert!(!pipe_empty(k.var(HEAD), k.var(TAIL)));
    assert!(pipe_readable(&k, T0, PIPE));
    k.write_var(TAIL, k.var(TAIL).wrapping_add(1), T1, &mut fx);
    assert_eq!((k.var(HEAD), k.var(TAIL)), (0, 0));
    assert!(pipe_empty(k.var(HEAD), k.var(TAIL)));
    assert!(!pipe_readable(&k, T0, PIPE));
    assert_eq!(fx, vec![store(HEAD, 0), store(TAIL, 0)]);
}

//! §1.1: pipe.

use super::*;

fn pipe(head: u32, tail: u32, max_usage: u32, readers: u32, writers: u32) -> Pipe {
    Pipe { mutex: None, head, tail, max_usage, readers, writers }
}

/// §1.1: empty ⇔ head==tail; full ⇔ head-tail >= max_usage (wrapping); readable = !empty ||
/// !writers; writable = !full || !readers.
#[test]
fn pipe_predicates_empty_full_readable_writable() {
    // (pipe, empty, full, readable, writable)
    let cases = [
        (pipe(3, 3, 4, 1, 1), true, false, false, true),
        (pipe(5, 3, 4, 1, 1), false, false, true, true),
        (pipe(7, 3, 4, 1, 1), false, true, true, false),
        (pipe(9, 3, 4, 1, 1), false, true, true, false),
        // no writers: an empty pipe is readable (EOF)
        (pipe(3, 3, 4, 1, 0), true, false, true, true),
        // no readers: a full pipe is writable (EPIPE)
        (pipe(7, 3, 4, 0, 1), false, true, true, true),
        // head wrapped past u32::MAX: 3 buffers in use
        (pipe(1, u32::MAX - 1, 3, 1, 1), false, true, true, false),
        (pipe(1, u32::MAX - 1, 4, 1, 1), false, false, true, true),
    ];
    for (p, empty, full, readable, writable) in cases {
        assert_eq!((p.empty(), p.full(), p.readable(), p.writable()), (empty, full, readable, writable), "{p:?}");
    }
}

/// §1.1: the ring's slots (index % max_usage) that hold a page are those from tail up to head,
/// wrapping round the ring and past u32::MAX.
#[test]
fn pipe_slots_in_use_run_from_tail_to_head() {
    let used = |p: Pipe| (0..p.max_usage).filter(|&i| p.slot_used(i)).collect::<Vec<_>>();
    assert_eq!(used(pipe(3, 3, 4, 1, 1)), Vec::<u32>::new());
    assert_eq!(used(pipe(5, 3, 4, 1, 1)), vec![0, 3]);
    assert_eq!(used(pipe(7, 3, 4, 1, 1)), vec![0, 1, 2, 3]);
    assert_eq!(used(pipe(1, u32::MAX - 1, 4, 1, 1)), vec![0, 2, 3]);
}

/// §1.1 `pipe->mutex`: mutex_lock records the owner, mutex_unlock frees it; each emits Mutex.
#[test]
fn pipe_mutex_lock_and_unlock() {
    let mut k = kernel();
    let mut fx = Vec::new();
    k.mutex_lock(T1, &mut fx);
    assert_eq!(k.pipe.mutex, Some(T1));
    k.mutex_unlock(&mut fx);
    assert_eq!(k.pipe.mutex, None);
    assert_eq!(fx, vec![Effect::Mutex { owner: Some(T1) }, Effect::Mutex { owner: None }]);
}

/// §1.1 W2 (`pipe->head = head + 1`) and the reader's `pipe->tail = ++tail`; both wrap.
#[test]
fn pipe_push_and_pop_move_head_and_tail() {
    let mut k = kernel();
    k.pipe = pipe(u32::MAX, u32::MAX, 2, 1, 1);
    let mut fx = Vec::new();
    k.pipe_push_page(&mut fx);
    assert_eq!((k.pipe.head, k.pipe.tail), (0, u32::MAX));
    assert!(!k.pipe.empty());
    k.pipe_pop_page(&mut fx);
    assert_eq!((k.pipe.head, k.pipe.tail), (0, 0));
    assert!(k.pipe.empty());
    assert_eq!(fx, vec![Effect::Pipe { head: 0, tail: u32::MAX }, Effect::Pipe { head: 0, tail: 0 }]);
}

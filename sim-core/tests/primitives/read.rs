//! The pure reads that programs' expressions call (`Read::eval`): each returns a value from the
//! kernel state and changes nothing.

use super::*;

/// [ref §0 table, row 11] `waitqueue_active(q)`, [ref §0 table, row 10] `list_empty(&e->entry)`
/// (of the calling task's own entry), `signal_pending(current)` and `signal_pending_state(S,
/// current)` ([ref §0 table, row 30]), `test_bit(nr, &word)` ([ref §2.1 "atomic bit
/// operations"]): each is a read of the current state, per task where it says "current".
#[test]
fn reads_report_the_state_and_change_nothing() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Killable, true);
    k.tasks[1].fatal_signal = true;
    k.vars[WORD.index()] = 0b100;
    let before = k.clone();
    let eval = |read: Read, t: TaskId| read.eval(&k, t, [0; 3]);

    assert_eq!((eval(Read::WaitqueueActive(Q0), T0), eval(Read::WaitqueueActive(Q1), T0)), (1, 0));
    assert_eq!((eval(Read::ListEmpty(E0), T1), eval(Read::ListEmpty(E1), T1)), (0, 1), "T1's E0 is linked");
    assert_eq!(eval(Read::ListEmpty(E0), T0), 1, "per task");
    assert_eq!((eval(Read::SignalPending, T1), eval(Read::SignalPending, T0)), (1, 0));
    let pending = |s: TaskState| eval(Read::SignalPendingState(s), T1);
    assert_eq!((pending(Interruptible), pending(Killable), pending(Uninterruptible)), (1, 1, 0));
    assert_eq!(eval(Read::SignalPendingState(Killable), T0), 0);
    assert_eq!((eval(Read::TestBit { var: WORD, bit: 2 }, T0), eval(Read::TestBit { var: WORD, bit: 1 }, T0)), (1, 0));
    assert_eq!(k, before);
}

/// [ref §1.1] the pipe's predicates as reads: `pipe_empty(head, tail)`, `pipe_full(head, tail,
/// limit)` and `pipe_occupancy(head, tail)` take their arguments (a program passes the values
/// it read); `pipe_readable(pipe)` and `pipe_writable(pipe)` read the pipe's fields themselves.
#[test]
fn pipe_reads_take_their_arguments_or_read_the_fields() {
    let mut k = kernel();
    for (v, value) in [(HEAD, 5), (TAIL, 3), (MAX_USAGE, 2), (READERS, 1), (WRITERS, 1)] {
        k.vars[v.index()] = value;
    }
    assert_eq!((Read::PipeEmpty.arity(), Read::PipeFull.arity(), Read::PipeOccupancy.arity()), (2, 3, 2));
    assert_eq!(Read::PipeReadable(PIPE).arity(), 0);
    // The arguments, not the fields: an empty pipe as far as these arguments go.
    assert_eq!(Read::PipeEmpty.eval(&k, T0, [7, 7, 0]), 1);
    assert_eq!(Read::PipeFull.eval(&k, T0, [7, 7, 2]), 0);
    assert_eq!(Read::PipeOccupancy.eval(&k, T0, [9, 7, 0]), 2);
    // The fields: 2 pages in a pipe of 2 slots.
    assert_eq!(Read::PipeReadable(PIPE).eval(&k, T0, [0; 3]), 1);
    assert_eq!(Read::PipeWritable(PIPE).eval(&k, T0, [0; 3]), 0);
}

//! §0: linking and unlinking: `prepare_to_wait*`, `finish_wait`, `add_wait_queue`.

use super::*;

/// §0 `prepare_to_wait(q,e,S)`: clear EXCL; `[q.lock: if e unlinked → insert at HEAD; state:=S]`.
/// A second call does not link the entry again, but stores the state again.
#[test]
fn prepare_to_wait_clears_excl_links_at_head_once_and_sets_state() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Uninterruptible, true);
    k.tasks[0].entries[0].flags = EXCL;

    let mut fx = Vec::new();
    k.prepare_to_wait(T0, Q0, E0, Interruptible, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0)], "inserted at the head");
    assert_eq!(flags(&k, T0, E0), none(), "EXCL cleared");
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Interruptible, true));
    assert_eq!(
        fx,
        vec![
            Effect::Flags { task: T0, entry: E0, flags: none() },
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: true, exclusive: false },
            state(Running, Interruptible, T0),
        ]
    );

    let mut fx = Vec::new();
    k.prepare_to_wait(T0, Q0, E0, Uninterruptible, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0)], "not linked twice");
    assert_eq!(k.task(T0).state, Uninterruptible);
    assert_eq!(fx, vec![state(Interruptible, Uninterruptible, T0)]);
}

/// §0 `prepare_to_wait(q,e,S)` on a second queue: each entry is linked on its own queue, and the
/// second call re-arms the sleep state (the pipe_wait P1/P2 pattern of §1.2).
#[test]
fn prepare_to_wait_on_two_queues_links_each_entry_and_rearms_state() {
    let mut k = kernel();
    let mut fx = Vec::new();
    k.prepare_to_wait(T0, Q0, E0, Interruptible, &mut fx);
    k.task_mut(T0).state = Running; // a waker's RUNNING store lands in between (§1.4 step 5)
    fx.clear();
    k.prepare_to_wait(T0, Q1, E1, Interruptible, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert_eq!(list(&k, Q1), vec![r(T0, E1)]);
    assert_eq!(k.linked_on(T0, E0), Some(Q0));
    assert_eq!(k.linked_on(T0, E1), Some(Q1));
    assert_eq!(k.task(T0).state, Interruptible);
    assert_eq!(
        fx,
        vec![
            Effect::Link { queue: Q1, task: T0, entry: E1, at_head: true, exclusive: false },
            state(Running, Interruptible, T0),
        ]
    );
}

/// §0 `prepare_to_wait_exclusive(q,e,S)`: set EXCL; `[q.lock: if unlinked → insert at TAIL;
/// state:=S]`.
#[test]
fn prepare_to_wait_exclusive_sets_excl_and_links_at_tail_once() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, false);

    let mut fx = Vec::new();
    k.prepare_to_wait_exclusive(T0, Q0, E0, Killable, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T0, E0)], "inserted at the tail");
    assert_eq!(flags(&k, T0, E0), EXCL);
    assert_eq!(k.task(T0).state, Killable);
    assert_eq!(
        fx,
        vec![
            Effect::Flags { task: T0, entry: E0, flags: EXCL },
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: false, exclusive: true },
            state(Running, Killable, T0),
        ]
    );

    let mut fx = Vec::new();
    k.prepare_to_wait_exclusive(T0, Q0, E0, Uninterruptible, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T0, E0)], "not linked twice");
    assert_eq!(k.task(T0).state, Uninterruptible);
    assert_eq!(fx, vec![state(Killable, Uninterruptible, T0)]);
}

/// §0 `prepare_to_wait_event(q,e,S)`: `signal_pending_state(S)` → unlink e, return
/// -ERESTARTSYS, and the state is NOT stored. Checked for INTERRUPTIBLE and KILLABLE, with the
/// entry linked (a later pass of `___wait_event`) and unlinked (the first pass).
#[test]
fn prepare_to_wait_event_with_pending_signal_unlinks_and_returns_erestartsys() {
    for s in [Interruptible, Killable] {
        let mut k = kernel();
        park(&mut k, T1, Q0, E0, s, true);
        k.queues[0].list.push(r(T0, E0));
        k.tasks[0].entries[0].flags = EXCL;
        k.tasks[0].fatal_signal = true;

        let mut fx = Vec::new();
        assert_eq!(k.prepare_to_wait_event(T0, Q0, E0, s, &mut fx), ERESTARTSYS, "{s:?}");
        assert_eq!(list(&k, Q0), vec![r(T1, E0)], "{s:?}: unlinked");
        assert_eq!(k.task(T0).state, Running, "{s:?}: state not stored");
        assert_eq!(fx, vec![Effect::Unlink { queue: Q0, task: T0, entry: E0 }], "{s:?}");

        let mut fx = Vec::new();
        assert_eq!(k.prepare_to_wait_event(T0, Q0, E0, s, &mut fx), ERESTARTSYS, "{s:?}");
        assert_eq!(list(&k, Q0), vec![r(T1, E0)], "{s:?}: not linked");
        assert_eq!(k.task(T0).state, Running, "{s:?}");
        assert_eq!(fx, vec![], "{s:?}: no Unlink when already unlinked");
    }
}

/// §0 `prepare_to_wait_event(q,e,S)`, no signal: link if unlinked, at the TAIL if EXCL, else at
/// the HEAD; state:=S; return 0. A second pass does not link again.
#[test]
fn prepare_to_wait_event_links_tail_if_excl_else_head_and_sets_state() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, false);
    k.tasks[0].entries[0].flags = EXCL;

    let mut fx = Vec::new();
    assert_eq!(k.prepare_to_wait_event(T0, Q0, E0, Interruptible, &mut fx), 0);
    assert_eq!(
        fx,
        vec![
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: false, exclusive: true },
            state(Running, Interruptible, T0),
        ]
    );
    let mut fx = Vec::new();
    assert_eq!(k.prepare_to_wait_event(T2, Q0, E0, Killable, &mut fx), 0);
    assert_eq!(
        fx,
        vec![
            Effect::Link { queue: Q0, task: T2, entry: E0, at_head: true, exclusive: false },
            state(Running, Killable, T2),
        ]
    );
    assert_eq!(list(&k, Q0), vec![r(T2, E0), r(T1, E0), r(T0, E0)]);
    assert_eq!((flags(&k, T0, E0), flags(&k, T2, E0)), (EXCL, none()), "flags untouched");
    assert_eq!((k.task(T0).state, k.task(T2).state), (Interruptible, Killable));

    // Second pass (woken, RUNNING, entry still linked): state stored again, no second link.
    k.task_mut(T0).state = Running;
    let mut fx = Vec::new();
    assert_eq!(k.prepare_to_wait_event(T0, Q0, E0, Interruptible, &mut fx), 0);
    assert_eq!(list(&k, Q0), vec![r(T2, E0), r(T1, E0), r(T0, E0)]);
    assert_eq!(fx, vec![state(Running, Interruptible, T0)]);
}

/// §0 `prepare_to_wait_event(q,e,S)` with S = UNINTERRUPTIBLE: `signal_pending_state` is false
/// for it, so a pending fatal signal does not stop the wait: link and store the state.
#[test]
fn prepare_to_wait_event_uninterruptible_ignores_a_pending_signal() {
    let mut k = kernel();
    k.tasks[0].fatal_signal = true;
    let mut fx = Vec::new();
    assert_eq!(k.prepare_to_wait_event(T0, Q0, E0, Uninterruptible, &mut fx), 0);
    assert_eq!(list(&k, Q0), vec![r(T0, E0)]);
    assert_eq!(k.task(T0).state, Uninterruptible);
    assert_eq!(
        fx,
        vec![
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: true, exclusive: false },
            state(Running, Uninterruptible, T0),
        ]
    );
}

/// §0 `finish_wait(q,e)`: state:=RUNNING; if e still linked → `[q.lock: unlink]`. Emits
/// FinishWait. Other entries stay.
#[test]
fn finish_wait_sets_running_and_unlinks_a_linked_entry() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, false);
    park(&mut k, T0, Q0, E0, Interruptible, false);
    park(&mut k, T2, Q0, E0, Interruptible, true);
    k.tasks[0].on_rq = true; // the caller runs

    let mut fx = Vec::new();
    k.finish_wait(T0, Q0, E0, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T2, E0)]);
    assert_eq!(k.task(T0).state, Running);
    assert_eq!(
        fx,
        vec![
            state(Interruptible, Running, T0),
            Effect::Unlink { queue: Q0, task: T0, entry: E0 },
            Effect::FinishWait { task: T0, queue: Q0 },
        ]
    );
}

/// §0 `finish_wait(q,e)` when autoremove already unlinked e: state:=RUNNING, no Unlink effect,
/// the queue is untouched.
#[test]
fn finish_wait_on_an_unlinked_entry_emits_no_unlink() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, false);
    k.tasks[0].state = Interruptible; // re-armed by a later prepare_to_wait (§1.2 P2)

    let mut fx = Vec::new();
    k.finish_wait(T0, Q0, E0, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0)]);
    assert_eq!(k.task(T0).state, Running);
    assert_eq!(fx, vec![state(Interruptible, Running, T0), Effect::FinishWait { task: T0, queue: Q0 }]);
}

/// §1.3 (Josef Bacik's patch) `add_wait_queue(q,e)`: `[q.lock: insert at HEAD]`, non-exclusive,
/// and no state change: the caller stored the state once before.
#[test]
fn add_wait_queue_links_at_head_without_changing_state() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, true);
    k.tasks[0].state = Interruptible;

    let mut fx = Vec::new();
    k.add_wait_queue(T0, Q0, E0, &mut fx);
    k.add_wait_queue(T0, Q1, E1, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0)]);
    assert_eq!(list(&k, Q1), vec![r(T0, E1)]);
    assert_eq!((flags(&k, T0, E0), flags(&k, T0, E1)), (none(), none()));
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Interruptible, true));
    assert_eq!(
        fx,
        vec![
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: true, exclusive: false },
            Effect::Link { queue: Q1, task: T0, entry: E1, at_head: true, exclusive: false },
        ]
    );
}

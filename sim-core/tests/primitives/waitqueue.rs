//! §0: linking and unlinking: `prepare_to_wait*`, `finish_wait`, `add_wait_queue*`, `link`,
//! `unlink`, and the entry's flags word (`set_flags`).

use super::*;

/// [ref §0 table, row 1] `prepare_to_wait(q,e,S)`: clear EXCL; `[q.lock: if e unlinked → insert at HEAD; state:=S]`.
/// A second call does not link the entry again, but stores the state again.
#[test]
fn prepare_to_wait_clears_excl_links_at_head_once_and_sets_state() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Uninterruptible, true);
    k.tasks[0].entries[0].flags = EXCL;

    let mut fx = Vec::new();
    k.prepare_to_wait(T0, Q0, E0, Interruptible, false, &mut fx);
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
    k.prepare_to_wait(T0, Q0, E0, Uninterruptible, false, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0)], "not linked twice");
    assert_eq!(k.task(T0).state, Uninterruptible);
    assert_eq!(fx, vec![state(Interruptible, Uninterruptible, T0)]);
}

/// [ref §0 table, row 1] `prepare_to_wait(q,e,S)` on a second queue: each entry is linked on its own queue, and the
/// second call re-arms the sleep state (the pipe_wait pattern of [ref §1.2 P1–P2]).
#[test]
fn prepare_to_wait_on_two_queues_links_each_entry_and_rearms_state() {
    let mut k = kernel();
    let mut fx = Vec::new();
    k.prepare_to_wait(T0, Q0, E0, Interruptible, false, &mut fx);
    k.task_mut(T0).state = Running; // a waker's RUNNING store lands in between (§1.4 step 5)
    fx.clear();
    k.prepare_to_wait(T0, Q1, E1, Interruptible, false, &mut fx);
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

/// [ref §0 table, row 2] `prepare_to_wait_exclusive(q,e,S)`: set EXCL; `[q.lock: if unlinked → insert at TAIL;
/// state:=S]`.
#[test]
fn prepare_to_wait_exclusive_sets_excl_and_links_at_tail_once() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, false);

    let mut fx = Vec::new();
    k.prepare_to_wait(T0, Q0, E0, Killable, true, &mut fx);
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
    k.prepare_to_wait(T0, Q0, E0, Uninterruptible, true, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T0, E0)], "not linked twice");
    assert_eq!(k.task(T0).state, Uninterruptible);
    assert_eq!(fx, vec![state(Killable, Uninterruptible, T0)]);
}

/// [ref §0 table, row 3] `prepare_to_wait_event(q,e,S)`: `signal_pending_state(S)` → unlink e, return
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

/// [ref §0 table, row 3] `prepare_to_wait_event(q,e,S)`, no signal: link if unlinked, at the TAIL if EXCL, else at
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

/// [ref §0 table, row 3] `prepare_to_wait_event(q,e,S)` with S = UNINTERRUPTIBLE: `signal_pending_state` is false
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

/// [ref §0 table, row 4] `finish_wait(q,e)`: state:=RUNNING; if e still linked → `[q.lock: unlink]`. Emits
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

/// [ref §0 table, row 4] `finish_wait(q,e)` when autoremove already unlinked e: state:=RUNNING, no Unlink effect,
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

/// [ref §0 table, row 5] [ref §1.3] (Josef Bacik's patch) `add_wait_queue(q,e)`: `[q.lock: insert at HEAD]`, non-exclusive,
/// and no state change: the caller stored the state once before.
#[test]
fn add_wait_queue_links_at_head_without_changing_state() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, true);
    k.tasks[0].state = Interruptible;

    let mut fx = Vec::new();
    k.add_wait_queue(T0, Q0, E0, false, &mut fx);
    k.add_wait_queue(T0, Q1, E1, false, &mut fx);
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

/// [ref §0 table, row 6] `add_wait_queue_exclusive(q,e)`: set EXCL; `[q.lock: insert at TAIL]`;
/// no state change. The model links an entry only once: a second call neither links it again
/// nor emits anything (in the kernel a second `list_add` of a linked entry would corrupt the
/// list). A later non-exclusive `add_wait_queue` of another entry clears its EXCL (row 5).
#[test]
fn add_wait_queue_exclusive_sets_excl_and_links_at_tail_without_changing_state() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, false);
    k.tasks[0].state = Interruptible;

    let mut fx = Vec::new();
    k.add_wait_queue(T0, Q0, E0, true, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T0, E0)], "inserted at the tail");
    assert_eq!(flags(&k, T0, E0), EXCL);
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Interruptible, true), "state untouched");
    assert_eq!(
        fx,
        vec![
            Effect::Flags { task: T0, entry: E0, flags: EXCL },
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: false, exclusive: true },
        ]
    );

    let mut fx = Vec::new();
    k.add_wait_queue(T0, Q0, E0, true, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T1, E0), r(T0, E0)], "not linked twice");
    assert_eq!(fx, vec![]);

    // A non-exclusive add of an entry that had EXCL: EXCL cleared, linked at the head.
    k.tasks[2].entries[0].flags = EXCL;
    let mut fx = Vec::new();
    k.add_wait_queue(T2, Q0, E0, false, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T2, E0), r(T1, E0), r(T0, E0)]);
    assert_eq!(flags(&k, T2, E0), none());
    assert_eq!(
        fx,
        vec![
            Effect::Flags { task: T2, entry: E0, flags: none() },
            Effect::Link { queue: Q0, task: T2, entry: E0, at_head: true, exclusive: false },
        ]
    );
}

/// [ref §0 table, row 8] `__add_wait_queue(q,e)` and [ref §0 table, row 9]
/// `__add_wait_queue_entry_tail(q,e)`: `link` inserts at the head or the tail, inside the
/// caller's `q.lock` step. It changes neither the entry's flags nor the task's state; the Link
/// effect reports whether the entry is EXCL, as its flags say.
#[test]
fn link_inserts_at_head_or_tail_and_reports_the_entry_flags() {
    let mut k = kernel();
    park(&mut k, T1, Q0, E0, Interruptible, false);
    k.tasks[2].entries[1].flags = EXCL;

    let mut fx = Vec::new();
    k.link(Q0, T0, E0, true, &mut fx);
    k.link(Q0, T2, E1, false, &mut fx);
    k.link(Q1, T3, E0, false, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0), r(T2, E1)]);
    assert_eq!(list(&k, Q1), vec![r(T3, E0)]);
    assert_eq!((flags(&k, T0, E0), flags(&k, T2, E1), flags(&k, T3, E0)), (none(), EXCL, none()));
    assert_eq!((k.task(T0).state, k.task(T2).state), (Running, Running));
    assert_eq!(k.linked_on(T2, E1), Some(Q0));
    assert_eq!(k.linked_on(T2, E0), None, "only the entry named");
    assert_eq!(
        fx,
        vec![
            Effect::Link { queue: Q0, task: T0, entry: E0, at_head: true, exclusive: false },
            Effect::Link { queue: Q0, task: T2, entry: E1, at_head: false, exclusive: true },
            Effect::Link { queue: Q1, task: T3, entry: E0, at_head: false, exclusive: false },
        ]
    );
}

/// [ref §0 table, row 10] `list_del_init(&e->entry)`, [ref §0 table, row 7]
/// `remove_wait_queue(q,e)`: `unlink` takes the entry off `q` and keeps the others in order; on
/// an entry that is not on `q` (never linked, already unlinked, another entry of the same task,
/// or linked on another queue) it is a no-op and emits nothing.
#[test]
fn unlink_removes_a_linked_entry_and_is_a_no_op_otherwise() {
    let mut k = kernel();
    park(&mut k, T0, Q0, E0, Interruptible, false);
    park(&mut k, T1, Q0, E0, Interruptible, true);
    park(&mut k, T2, Q0, E0, Interruptible, true);
    park(&mut k, T0, Q1, E1, Interruptible, false);

    let mut fx = Vec::new();
    k.unlink(Q0, T1, E0, &mut fx);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T2, E0)], "the others keep their order");
    assert_eq!(k.linked_on(T1, E0), None);
    assert_eq!(fx, vec![Effect::Unlink { queue: Q0, task: T1, entry: E0 }]);
    assert_eq!((k.task(T1).state, k.task(T1).on_rq), (Interruptible, false), "no wakeup");

    let before = k.clone();
    let mut fx = Vec::new();
    k.unlink(Q0, T1, E0, &mut fx); // already unlinked
    k.unlink(Q0, T3, E0, &mut fx); // never linked
    k.unlink(Q0, T0, E1, &mut fx); // another entry of T0, linked on Q1
    k.unlink(Q1, T0, E0, &mut fx); // linked, but on Q0
    assert_eq!(k, before, "no-ops");
    assert_eq!(fx, vec![]);
}

/// [ref §0 table] `wait->flags = value` (`init_wait_entry(e, flags)`, and `wait_woken`'s
/// `flags &= ~WQ_FLAG_WOKEN` of [ref §0 table, row 20]): `set_flags` stores the whole word and
/// emits Flags only when it changes. It neither links nor unlinks, and leaves the state alone.
#[test]
fn set_flags_stores_the_word_and_emits_flags_only_on_change() {
    let mut k = kernel();
    park(&mut k, T0, Q0, E0, Interruptible, false);
    let mut fx = Vec::new();
    k.set_flags(T0, E0, 0, &mut fx); // unchanged
    assert_eq!(fx, vec![]);
    k.set_flags(T0, E0, 1, &mut fx);
    k.set_flags(T0, E0, 1, &mut fx); // unchanged
    k.set_flags(T0, E0, 3, &mut fx);
    k.set_flags(T0, E0, 1, &mut fx); // WOKEN cleared
    assert_eq!(flags(&k, T0, E0), EXCL);
    assert_eq!(flags(&k, T0, E1), none(), "only the entry named");
    assert_eq!(list(&k, Q0), vec![r(T0, E0)], "the queue is untouched");
    assert_eq!((k.task(T0).state, k.task(T0).on_rq), (Interruptible, false));
    assert_eq!(
        fx,
        vec![
            Effect::Flags { task: T0, entry: E0, flags: EXCL },
            Effect::Flags { task: T0, entry: E0, flags: excl_woken() },
            Effect::Flags { task: T0, entry: E0, flags: EXCL },
        ]
    );
    k.set_flags(T0, E0, 0, &mut fx);
    assert_eq!(flags(&k, T0, E0), none());
    assert_eq!(fx.last(), Some(&Effect::Flags { task: T0, entry: E0, flags: none() }));
}

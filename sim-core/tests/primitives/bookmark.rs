//! §2.4: the bookmark walk of v4.14 (`__wake_up_common()` with a bookmark, `WQ_FLAG_BOOKMARK`)
//! and the keyed walk with a `struct wait_page_key` that `wake_up_page_bit()` calls, on a hashed
//! queue shared by two pages.

use super::*;
use sim_core::kernel::wake::Bookmark;

/// The waker's bookmark: entry 1 of T3, with a NULL wake function.
const BM: Bookmark = Bookmark { task: T3, entry: E1, walk_break: 1 };
const BOOKMARK: EntryFlags = EntryFlags::BOOKMARK;

/// T0, T1 and T2 wait (not exclusively, UNINTERRUPTIBLE) for page 1, which is locked, on Q0,
/// the queue page 0 shares; T3 is page 0's waker, its entry 1 a bookmark. 3510ca20ece0's wake
/// function.
fn three_waiters_of_the_other_page() -> Kernel {
    let mut k = kernel_with(WakeFn::Page(PageWake::StopIfRelocked));
    set_page(&mut k, P1, true, true, None);
    for t in [T0, T1, T2] {
        set_key(&mut k, t, E0, Some(LOCK1));
        park(&mut k, t, Q0, E0, Uninterruptible, false);
    }
    k.tasks[T3.index()].entries[E1.index()] = WaitEntry { flags: none(), func: WakeFn::Null, key: None };
    k
}

fn walk(k: &mut Kernel, bookmark: Option<Bookmark>, fx: &mut Vec<Effect>) -> i32 {
    k.wake_up_keyed(Q0, TASK_NORMAL, 1, LOCK0, 0, bookmark, fx)
}

/// [ref §2.4 bookmark]: after more than `WAITQUEUE_WALK_BREAK_CNT` (here 1) entries with entries
/// left, the walk links the bookmark before the next entry, flagged `WQ_FLAG_BOOKMARK`, and
/// stops. Entries of the other page are passed over and stay queued; `page_match` stays 0.
#[test]
fn the_walk_links_its_bookmark_after_walk_break_plus_one_entries() {
    let mut k = three_waiters_of_the_other_page();
    let mut fx = Vec::new();
    assert_eq!(walk(&mut k, Some(BM), &mut fx), 0, "no entry of page 0: page_match stays 0");
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T1, E0), r(T3, E1), r(T2, E0)]);
    assert_eq!(flags(&k, T3, E1), BOOKMARK);
    assert_eq!(
        fx,
        vec![
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            wake_call(T0, 0, false, false, false),
            wake_call(T1, 0, false, false, false),
            Effect::WalkBreak { queue: Q0, task: T3, entry: E1, at: 2 },
            Effect::WakeEnd { queue: Q0, woken: 0 },
        ]
    );
}

/// [ref §2.4 bookmark]: called again, the walk starts after the bookmark, unlinks it and clears
/// its flags; an entry linked at the head meanwhile is never visited.
#[test]
fn the_walk_resumes_after_its_bookmark_and_misses_the_head() {
    let mut k = three_waiters_of_the_other_page();
    walk(&mut k, Some(BM), &mut Vec::new());
    // Between the two holds of the lock, a waiter of page 0 links itself at the head.
    set_key(&mut k, T0, E1, Some(LOCK0));
    k.queues[Q0.index()].list.insert(0, r(T0, E1));
    let mut fx = Vec::new();
    assert_eq!(walk(&mut k, Some(BM), &mut fx), 0, "the head is behind the walk: page_match stays 0");
    assert_eq!(list(&k, Q0), vec![r(T0, E1), r(T0, E0), r(T1, E0), r(T2, E0)]);
    assert_eq!(flags(&k, T3, E1), none());
    assert_eq!(
        fx,
        vec![
            Effect::WalkResume { queue: Q0, task: T3, entry: E1, at: 3 },
            Effect::WakeBegin { queue: Q0, mode: TASK_NORMAL, nr_exclusive: 1 },
            wake_call(T2, 0, false, false, false),
            Effect::WakeEnd { queue: Q0, woken: 0 },
        ]
    );
}

/// [ref §0 table, `__wake_up_common` row: "skip bookmarks"]: another walk passes over a
/// bookmark without calling anything on it.
#[test]
fn a_bookmark_is_never_visited_as_a_waiter() {
    let mut k = three_waiters_of_the_other_page();
    walk(&mut k, Some(BM), &mut Vec::new());
    set_page(&mut k, P1, false, true, None);
    let mut fx = Vec::new();
    assert_eq!(k.wake_up_keyed(Q0, TASK_NORMAL, 1, LOCK1, 0, None, &mut fx), 1);
    assert!(wake_calls(&fx).iter().all(|e| !matches!(e, Effect::WakeCall { task: T3, .. })), "{fx:?}");
    assert_eq!(wake_calls(&fx).len(), 3, "the three waiters of page 1, and not the bookmark");
    assert_eq!(list(&k, Q0), vec![r(T3, E1)], "the bookmark stays where its walk left it");
    assert_eq!(flags(&k, T3, E1), BOOKMARK);
}

/// [ref §2.4 bookmark]: a walk break count at least the queue's length never breaks: state and
/// effects are those of the walk without a bookmark.
#[test]
fn a_walk_shorter_than_the_break_is_the_walk_without_a_bookmark() {
    let (mut with, mut without) = (three_waiters_of_the_other_page(), three_waiters_of_the_other_page());
    let (mut fx_with, mut fx_without) = (Vec::new(), Vec::new());
    let long = Bookmark { walk_break: 3, ..BM };
    assert_eq!(walk(&mut with, Some(long), &mut fx_with), walk(&mut without, None, &mut fx_without));
    assert_eq!(with, without);
    assert_eq!(fx_with, fx_without);
    // One entry fewer than needed, and it breaks.
    let mut k = three_waiters_of_the_other_page();
    let mut fx = Vec::new();
    walk(&mut k, Some(Bookmark { walk_break: 1, ..BM }), &mut fx);
    assert!(fx.iter().any(|e| matches!(e, Effect::WalkBreak { .. })));
}

/// [ref §2.1 wake_up_page_bit]: the key's `page_match` is set by the first entry of the key's
/// page, and carried from chunk to chunk: once 1, it stays 1.
#[test]
fn page_match_is_set_by_an_entry_of_the_page_and_carried_over() {
    let mut k = three_waiters_of_the_other_page();
    set_key(&mut k, T1, E0, Some(LOCK0));
    set_page(&mut k, P0, true, true, None);
    let mut fx = Vec::new();
    // T1 waits for page 0, which is locked again: 3510ca20ece0 stops the walk (-1), page_match 1.
    assert_eq!(walk(&mut k, Some(BM), &mut fx), 1);
    assert_eq!(wake_calls(&fx), vec![wake_call(T0, 0, false, false, false), wake_call(T1, -1, false, false, false)]);
    assert_eq!(list(&k, Q0).len(), 3, "a stopped walk links no bookmark");
    let mut k = three_waiters_of_the_other_page();
    assert_eq!(k.wake_up_keyed(Q0, TASK_NORMAL, 1, LOCK0, 1, None, &mut Vec::new()), 1, "carried over");
}

/// [ref §2.4 bookmark: "A chunk that spends its exclusive wakeup stops without a bookmark"].
#[test]
fn a_chunk_that_spends_its_exclusive_wakeup_links_no_bookmark() {
    let mut k = three_waiters_of_the_other_page();
    set_key(&mut k, T1, E0, Some(LOCK0));
    k.tasks[T1.index()].entries[E0.index()].flags = EXCL;
    set_page(&mut k, P0, false, true, None);
    let mut fx = Vec::new();
    assert_eq!(walk(&mut k, Some(BM), &mut fx), 1);
    assert_eq!(list(&k, Q0), vec![r(T0, E0), r(T2, E0)], "T1 woken and unlinked, no bookmark");
    assert_eq!(flags(&k, T3, E1), none());
    assert!(!fx.iter().any(|e| matches!(e, Effect::WalkBreak { .. })));
}

/// [ref §0: "Between v4.14 and v5.x 0x04 was `WQ_FLAG_BOOKMARK`"].
#[test]
fn the_bookmark_flag_is_0x04_and_named() {
    assert_eq!(BOOKMARK.bits(), 0x04);
    assert_eq!(BOOKMARK.names(), "BOOKMARK");
    assert_eq!(EXCL.with(BOOKMARK, true).names(), "EXCLUSIVE|BOOKMARK");
}

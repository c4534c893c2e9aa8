//! The kernel terms a student meets in wqsim, each with a two-line definition: the one place
//! they are written, for the page's hover and tap definitions (and any front end that wants
//! them). Plain text; what the terms do is modelled in `kernel/`, this only explains them.

/// One term: the word as the kernel writes it, and what it means (two short sentences).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term {
    pub word: &'static str,
    pub means: &'static str,
}

const fn t(word: &'static str, means: &'static str) -> Term {
    Term { word, means }
}

/// Every term. Terms are looked up as whole words, so order does not matter to `split`; a
/// longer term still comes before its prefix (`prepare_to_wait_exclusive`, `prepare_to_wait`).
pub const TERMS: &[Term] = &[
    t("EXCLUSIVE", "WQ_FLAG_EXCLUSIVE: an entry flag. A wake-up walks the queue and stops after waking nr_exclusive exclusive entries (usually one)."),
    t("WOKEN", "WQ_FLAG_WOKEN: an entry flag set by the wake function: this waiter was woken. wait_woken() then skips schedule(); in 2a9127fcf229 the page lock came with it."),
    t("WQ_FLAG_EXCLUSIVE", "An entry flag. A wake-up walks the queue and stops after waking nr_exclusive exclusive entries (usually one)."),
    t("WQ_FLAG_WOKEN", "An entry flag set by the wake function: this waiter was woken. wait_woken() then skips schedule(); in 2a9127fcf229 the page lock came with it."),
    t("nr_exclusive", "The argument of __wake_up_common(): how many exclusive waiters one wake-up may wake. Non-exclusive entries ahead of them are all woken."),
    t("autoremove_wake_function", "The wake function of prepare_to_wait(): wakes the task and, if that worked, unlinks its entry. A second wake-up then finds the queue empty."),
    t("default_wake_function", "The plain wake function: try_to_wake_up() on the entry's task. The entry stays on the queue until finish_wait()."),
    t("woken_wake_function", "The wake function of wait_woken() loops: sets WQ_FLAG_WOKEN in the entry, then wakes the task. The entry stays queued."),
    t("wake_bit_function", "The bit waiters' wake function: returns 0 (walk on) for an entry keyed on another word or bit, or while the bit is set; else autoremove_wake_function()."),
    t("wake_page_function", "The page waiters' wake function: wakes only waiters of this page and bit. In 2a9127fcf229 it also takes the lock for an exclusive waiter."),
    t("TASK_RUNNING", "The task runs or may run: schedule() returns at once. A wake-up sets this state."),
    t("RUNNING", "TASK_RUNNING: the task runs or may run, so schedule() returns at once. A wake-up sets this state."),
    t("TASK_INTERRUPTIBLE", "A sleep state: schedule() sleeps until a wake-up or any signal. Set by prepare_to_wait() before the condition is tested."),
    t("INTERRUPTIBLE", "TASK_INTERRUPTIBLE: a sleep state that a wake-up or any signal ends. Set by prepare_to_wait() before the condition is tested."),
    t("TASK_UNINTERRUPTIBLE", "A sleep state that only a wake-up ends: signals wait. The state of D in ps."),
    t("UNINTERRUPTIBLE", "TASK_UNINTERRUPTIBLE: a sleep state that only a wake-up ends; signals wait."),
    t("TASK_KILLABLE", "TASK_UNINTERRUPTIBLE plus TASK_WAKEKILL: sleeps through ordinary signals, but a fatal one (SIGKILL) wakes it."),
    t("KILLABLE", "TASK_KILLABLE: sleeps through ordinary signals, but a fatal signal (SIGKILL) wakes it."),
    t("__set_current_state", "Stores the task's state without a memory barrier: enough where no condition test follows, as when setting TASK_RUNNING."),
    t("SIGKILL", "A fatal signal: it cannot be caught. A task sleeping KILLABLE or INTERRUPTIBLE wakes and returns -EINTR."),
    t("-EINTR", "Error 4, 'interrupted system call': the wait gave up because a signal arrived, without what it waited for."),
    t("EINTR", "Error 4, 'interrupted system call': the wait gave up because a signal arrived, without what it waited for."),
    t("ERESTARTSYS", "Error 512, from a wait that a signal interrupted: the system call restarts after the signal, or fails with -EINTR. User space never sees it."),
    t("fatal_signal_pending", "True if the task has a fatal signal (SIGKILL) pending. Killable waits test it to give up."),
    t("PG_locked", "A page flag: the page is locked (I/O or a fault is using it). lock_page() sets it, unlock_page() clears it and wakes a waiter."),
    t("PG_waiters", "A page flag: someone sleeps on the page's wait queue. unlock_page() walks the queue only when it is set."),
    t("prepare_to_wait_exclusive", "Like prepare_to_wait(), but queues the entry EXCLUSIVE at the tail: a wake-up wakes one such waiter, not all."),
    t("prepare_to_wait_event", "The wait_event() helper: queues the entry, sets the sleep state, and reports a pending signal, before the condition is tested."),
    t("prepare_to_wait", "Queues the task's entry (if not queued) and sets its sleep state, under the queue's lock. Then test the condition, then schedule()."),
    t("abort_exclusive_wait", "777c6c5f1f6e: an exclusive waiter that gives up calls it. It sets RUNNING and unlinks the entry, or, if a waker already did, wakes the next waiter."),
    t("finish_wait", "Sets the task RUNNING and unlinks its entry if it is still queued. The end of every wait loop."),
    t("DEFINE_WAIT_BIT", "Declares a bit waiter's entry for the current task: its key names a word and a bit, and its wake function is wake_bit_function()."),
    t("DEFINE_WAIT_FUNC", "Declares a wait entry for the current task with the wake function named, such as woken_wake_function() for wait_woken()."),
    t("DEFINE_WAIT", "Declares a wait entry for the current task with autoremove_wake_function(): the entry that prepare_to_wait() queues."),
    t("DECLARE_WAITQUEUE", "Declares a wait entry for a task with default_wake_function(): a wake-up leaves it queued until remove_wait_queue()."),
    t("add_wait_queue", "Links an entry on a wait queue without touching the task's state. The caller sets the state itself."),
    t("remove_wait_queue", "Unlinks an entry from its wait queue, under the queue's lock. It does not touch the task's state."),
    t("wait_woken", "Sets the sleep state and calls schedule() only if WQ_FLAG_WOKEN is clear, then clears it. A wake-up that came first is kept (61ada528dea0)."),
    t("interruptible_sleep_on", "Queues the task and sleeps, with no condition tested after queueing: the caller can only test first. Removed in 3.15 (b8780c363d80)."),
    t("sleep_on_common", "The body of interruptible_sleep_on(): set the state, queue, schedule(), unlink. Nothing tests a condition between the queueing and the sleep."),
    t("wait_event_interruptible_exclusive", "wait_event_interruptible() with an EXCLUSIVE entry: a wake-up wakes one such waiter. One that leaves on a signal must not waste it."),
    t("___wait_event", "The loop behind every wait_event*(): prepare_to_wait_event(), test the condition, schedule(); on a signal, leave with its error."),
    t("wait_event_interruptible", "Sleeps until the condition holds, testing it after every queueing: no lost wakeup. Returns -ERESTARTSYS on a signal."),
    t("wake_up_interruptible_sync_poll", "Wakes INTERRUPTIBLE waiters of the queue (the pipe's wake-up), hinting that the waker will sleep soon."),
    t("wake_up_interruptible", "Walks the queue and wakes its INTERRUPTIBLE waiters (and one exclusive waiter)."),
    t("wake_up_page_bit", "unlock_page()'s wake-up: walks the page's queue and calls wake_page_function() on each entry."),
    t("wake_up_page", "unlock_page()'s wake-up in 2.6.28: __wake_up_bit() on the page's hashed queue, keyed on the page's flags and PG_locked."),
    t("__wake_up_bit", "If the bit's hashed wait queue has entries, wakes one exclusive waiter with the bit's key (wake_bit_function() checks it)."),
    t("wake_up", "Walks the wait queue and calls each entry's wake function, up to nr_exclusive exclusive waiters. On an empty queue it does nothing."),
    t("__wake_up_common", "The loop behind every wake_up(): calls each entry's wake function, and stops after nr_exclusive exclusive wake-ups."),
    t("try_to_wake_up", "Sets a sleeping task RUNNING and puts it back on a run queue. Returns 0 if the task was not in a state the caller may wake."),
    t("io_schedule", "schedule() that counts as waiting for I/O. The task sleeps if its state is not RUNNING."),
    t("schedule", "Gives up the CPU. If the task's state is not RUNNING, it sleeps until a wake-up sets it RUNNING."),
    t("set_current_state", "Stores the task's state with a full memory barrier, so the condition test after it cannot be reordered before it."),
    t("signal_pending_state", "True if the task has a signal that its sleep state lets through (any signal for INTERRUPTIBLE, SIGKILL for KILLABLE)."),
    t("unlock_page", "Clears PG_locked and, if PG_waiters is set, wakes waiters of the page: one exclusive locker at most."),
    t("__wait_on_bit_lock", "The 2009 bit-lock loop: queue EXCLUSIVE, sleep while the bit is set, retry test_and_set_bit(). Before 777c6c5f1f6e a killed waiter kept its wakeup."),
    t("lock_page_killable", "Takes the page lock with trylock_page(), else sleeps in __lock_page_killable(). Returns -EINTR if a fatal signal ends the wait."),
    t("trylock_page", "Takes the page lock if it is free: test_and_set_bit_lock(PG_locked), true when the bit was clear."),
    t("page_waitqueue", "The hashed page queue: a bucket of page_wait_table that other pages share. A walk for one page passes the other pages' entries."),
    t("page_wait_table", "The table of hashed page queues: page_waitqueue() picks a bucket by the page's address. Pages that collide share one queue and its lock."),
    t("page_match", "A field of struct wait_page_key: set when the walk met an entry of its page. If it stays 0, wake_up_page_bit() clears PG_waiters."),
    t("WQ_FLAG_BOOKMARK", "An entry flag of 4.14 to 5.x: the entry is a waker's bookmark, not a waiter. Every walk passes over it; its owner's walk resumes after it."),
    t("BOOKMARK", "WQ_FLAG_BOOKMARK: the entry is a waker's bookmark, not a waiter. Every walk passes over it; its owner's walk resumes after it."),
    t("bookmark", "An entry a waker links before the next entry when it drops the queue lock mid-walk (4.14). It resumes after it: entries linked in front are not walked."),
    t("WAITQUEUE_WALK_BREAK_CNT", "64 in the kernel: a walk with a bookmark pauses once it has called more wake functions than this. Here the walk_break parameter."),
    t("__lock_page_killable", "Sleeps EXCLUSIVE on the page's wait queue until it gets PG_locked, or gives up with -EINTR on a fatal signal."),
    t("wait_on_page_bit_common", "The page-wait loop: queue, set the state, test the bit, io_schedule(), and check for signals."),
    t("test_and_set_bit_lock", "Atomically sets a bit and returns its old value: the page lock is taken when it returns 0."),
    t("pipe_wait_readable", "The 5.9 fix: drop the mutex and wait_event_interruptible(rd_wait, pipe_readable()). One queue, the test after queueing."),
    t("pipe_wait", "The legacy pipe sleep of 5.5-5.8: prepare_to_wait() on rd_wait and on wr_wait, unlock, schedule(). The race of the pipe lesson."),
    t("rd_wait", "The pipe's queue of readers waiting for data. Writers wake it when they add a page to an empty pipe."),
    t("wr_wait", "The pipe's queue of writers waiting for room. Readers wake it when they free a slot of a full pipe."),
    t("mutex_lock", "Takes a mutex (the pipe's, in the pipe race); a task that finds it held waits (in wqsim: cannot step) until the owner unlocks."),
];

/// The definition of `word`, if it is a term.
pub fn lookup(word: &str) -> Option<&'static Term> {
    TERMS.iter().find(|t| t.word == word)
}

/// The name of a kernel return value: `-4` → `-EINTR`; other values as numbers.
pub fn errno(ret: i32) -> String {
    let name = match ret {
        -4 => "-EINTR",
        -11 => "-EAGAIN",
        -512 => "-ERESTARTSYS",
        -32 => "-EPIPE",
        _ => return ret.to_string(),
    };
    name.to_string()
}

/// Split `text` into plain runs and terms: each `(piece, Some(term))` is a term of the
/// glossary, a whole word (identifier characters on neither side; `-EINTR` with its sign).
pub fn split(text: &str) -> Vec<(&str, Option<&'static Term>)> {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut plain, mut i) = (0, 0);
    while i < bytes.len() {
        // A word starts here: an identifier, or `-` then one, after a non-identifier.
        let at_boundary = i == 0 || !ident(bytes[i - 1]);
        let sign = usize::from(bytes[i] == b'-' && bytes.get(i + 1).is_some_and(|&b| ident(b)));
        if !at_boundary || !(ident(bytes[i]) || sign == 1) {
            i += 1;
            continue;
        }
        let mut end = i + sign;
        while end < bytes.len() && ident(bytes[end]) {
            end += 1;
        }
        // Identifier bytes are ASCII, so these are character boundaries.
        let hit = lookup(&text[i..end]).or_else(|| (sign == 1).then(|| lookup(&text[i + 1..end])).flatten());
        if let Some(term) = hit {
            let from = if term.word.starts_with('-') { i } else { i + sign };
            if plain < from {
                out.push((&text[plain..from], None));
            }
            out.push((&text[from..end], Some(term)));
            plain = end;
        }
        i = end.max(i + 1);
    }
    if plain < text.len() {
        out.push((&text[plain..], None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_definition_is_two_short_lines() {
        for t in TERMS {
            let sentences = t.means.matches(". ").count() + 1;
            assert!(sentences <= 3 && t.means.len() <= 170, "{}: {}", t.word, t.means);
            assert!(t.means.ends_with('.') || t.means.ends_with(')'), "{}", t.word);
        }
    }

    #[test]
    fn a_longer_term_is_listed_before_its_prefix() {
        for (i, a) in TERMS.iter().enumerate() {
            for b in &TERMS[..i] {
                assert!(!(a.word.starts_with(b.word) && a.word != b.word), "{} after {}", a.word, b.word);
            }
        }
    }

    #[test]
    fn terms_are_found_at_word_boundaries_only() {
        let words: Vec<_> = split("prepare_to_wait_exclusive(wq); schedule(); rescheduled WOKEN, EXCLUSIVE")
            .into_iter()
            .filter_map(|(w, t)| t.map(|_| w))
            .collect();
        assert_eq!(words, ["prepare_to_wait_exclusive", "schedule", "WOKEN", "EXCLUSIVE"]);
        let whole: String = split("T2 returns -EINTR → nobody").into_iter().map(|(w, _)| w).collect();
        assert_eq!(whole, "T2 returns -EINTR → nobody");
        assert_eq!(errno(-4), "-EINTR");
        assert_eq!(errno(0), "0");
    }
}

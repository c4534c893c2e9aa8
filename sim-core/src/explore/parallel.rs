//! `explore --jobs N`: N depth-first searches, one per thread, over one visited set.
//!
//! Work moves by sharing, not stealing: a search that finds another idle (every few hundred
//! transitions) gives away half of the choices still to explore at the bottom-most frame of its
//! stack that has any, whose subtrees are likely the largest. The taker starts a stack there,
//! with that frame's sleep and done sets and the path to it.
//!
//! What each reduction needs holds across threads:
//! - Sleep sets with state caching need every state's unexplored choices to be explored by
//!   someone once a visit with a smaller sleep set wakes them (`Search::visit` does that under
//!   the shard's lock, whichever thread comes second). A frame given away keeps the done set it
//!   had; the giver does not count the choices it gave as done, so its later siblings sleep
//!   less, never more.
//! - Symmetry stores a canonical form: any thread's visit of any permutation finds it.
//! - Movers: a persistent set preserves every reachable end state without the cycle proviso
//!   (Godefroid 1996, Theorem 4.3: induction on the distance to the end state, which holds with
//!   state caching in any order). Each search still applies the proviso to its own stack.
//!
//! The set of end states reached is therefore the same as on one thread, and so are the verdict
//! and, without sleep sets, the number of states; with sleep sets, which prune by the order of
//! visits, the number of states may differ by a little from run to run. `Report::found` is the
//! shortest of the counterexamples the threads found (the CLI prints the shortest of all, found
//! by a breadth-first search, in any case).

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use super::bitstate::Bitstate;
use super::dead::Liveness;
use super::visited::{Outgrown, Place, Store, Visited, SLOT_BYTES};
use super::{Config, Ends, Frame, Report, Search, Stack, Stats};
use crate::kernel::Kernel;
use crate::oracle::VerdictKind;
use crate::spec::Spec;
use crate::world::Choice;

/// Shards of the visited set, each behind its own lock: with a few threads, two rarely want
/// the same one at once.
const SHARDS: usize = 64;

/// Transitions between a search's looks at the others (to share work, to stop).
const PERIOD: u64 = 256;

/// One shard, on cache lines of its own so that locking one does not slow its neighbours.
#[repr(align(128))]
struct Shard(Mutex<Visited>);

/// Where a shard's table is, for prefetches without its lock (set under it, as it grows). Kept
/// apart from the locks, whose lines the threads keep taking from each other, so that reading
/// it is a hit in the reader's own cache.
struct Whereabouts {
    base: AtomicUsize,
    len: AtomicUsize,
}

impl Whereabouts {
    fn at(place: Place) -> Whereabouts {
        Whereabouts { base: AtomicUsize::new(place.base), len: AtomicUsize::new(place.len) }
    }

    fn set(&self, place: Place) {
        self.base.store(place.base, Ordering::Relaxed);
        self.len.store(place.len, Ordering::Relaxed);
    }

    fn get(&self) -> Place {
        Place { base: self.base.load(Ordering::Relaxed), len: self.len.load(Ordering::Relaxed) }
    }
}

/// The visited set that the threads share.
pub struct Shared {
    shards: Box<[Shard]>,
    whereabouts: Box<[Whereabouts]>,
    /// The bytes the shards hold (and claim, as they grow), and may hold.
    bytes: AtomicU64,
    limit: u64,
}

impl Shared {
    fn new(max_memory: u64) -> Shared {
        let states = (1 << 10).min(max_memory / SLOT_BYTES / 2 / SHARDS as u64) as usize;
        let tables: Vec<Visited> = (0..SHARDS).map(|_| Visited::new(states, u64::MAX)).collect();
        let bytes = tables.iter().map(Visited::bytes).sum();
        let whereabouts = tables.iter().map(|t| Whereabouts::at(t.place())).collect();
        let shards = tables.into_iter().map(|t| Shard(Mutex::new(t))).collect();
        Shared { shards, whereabouts, bytes: AtomicU64::new(bytes), limit: max_memory }
    }

    /// The shard of `fingerprint`, by bits that `Visited` keeps no part of.
    fn shard_of(fingerprint: u128) -> usize {
        (fingerprint >> 122) as usize % SHARDS
    }
}

/// A lock, whether or not a thread panicked holding it (a panic fails the whole search anyway).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Store for &Shared {
    /// The line of the shard's table, by where the table was when last seen.
    fn prefetch(&mut self, fingerprint: u128) {
        self.whereabouts[Shared::shard_of(fingerprint)].get().prefetch(fingerprint);
    }

    fn upsert(
        &mut self,
        fingerprint: u128,
        f: impl FnOnce(Option<u32>) -> Option<u32>,
    ) -> Result<Option<u32>, Outgrown> {
        // The bytes a shard grows by are claimed before it grows, so that two shards growing at
        // once cannot pass the limit together.
        let claim = |more: u64| {
            self.bytes
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| (b + more <= self.limit).then_some(b + more))
                .is_ok()
        };
        let i = Shared::shard_of(fingerprint);
        let mut table = lock(&self.shards[i].0);
        let place = table.place();
        if table.is_full() {
            // The next state kept grows the shard. Its new slots are made (their pages taken
            // and cleared) without the lock, so that a thread that wants the shard meanwhile
            // waits only for the copy: two threads then waited 0.26 s in all for locks, not
            // 1.2 s, in a 12 s search (pipe, 4 writers).
            let (len, more) = (place.len, table.growth());
            drop(table);
            let spare = claim(more).then(|| Visited::spare(len));
            table = lock(&self.shards[i].0);
            if let Some(spare) = spare {
                if table.place().len == len {
                    table.grow_into(spare);
                } else {
                    // Another thread grew it first.
                    self.bytes.fetch_sub(more, Ordering::Relaxed);
                }
            }
        }
        let old = table.upsert_growing(fingerprint, f, claim);
        if table.place() != place {
            self.whereabouts[i].set(table.place());
        }
        old
    }

    fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

/// A frame to search from, and the path to it.
struct Work {
    prefix: Vec<Choice>,
    frame: Frame,
    /// Whether the frame is still to be visited (the start), or was visited by its giver.
    visited: bool,
}

/// What the threads share besides the visited set: the work given away, and the counts.
struct Pool {
    queue: Mutex<Vec<Work>>,
    wake: Condvar,
    /// Threads waiting for work (changed under the queue's lock).
    idle: AtomicUsize,
    jobs: usize,
    /// Every thread ran out of work: the search is over.
    finished: AtomicBool,
    /// A limit, the caller or a thread stopped the search: it is incomplete.
    stopped: AtomicBool,
    states: AtomicU64,
    transitions: AtomicU64,
}

impl Pool {
    /// The next work, waiting for some; `None` when the search is over or stopped.
    fn take(&self) -> Option<Work> {
        let mut queue = lock(&self.queue);
        loop {
            if self.stopped.load(Ordering::Relaxed) || self.finished.load(Ordering::Relaxed) {
                return None;
            }
            if let Some(work) = queue.pop() {
                return Some(work);
            }
            // The last to run out of work ends the search: nobody is left to give any.
            if self.idle.fetch_add(1, Ordering::Relaxed) + 1 == self.jobs {
                self.finished.store(true, Ordering::Relaxed);
                self.wake.notify_all();
                return None;
            }
            queue = self.wake.wait(queue).unwrap_or_else(PoisonError::into_inner);
            self.idle.fetch_sub(1, Ordering::Relaxed);
        }
    }

    fn give(&self, work: Work) {
        lock(&self.queue).push(work);
        self.wake.notify_one();
    }

    fn stop(&self) {
        let _queue = lock(&self.queue);
        self.stopped.store(true, Ordering::Relaxed);
        self.wake.notify_all();
    }

    /// Whether an idle thread is waiting with nothing queued for it.
    fn hungry(&self) -> bool {
        self.idle.load(Ordering::Relaxed) > 0 && lock(&self.queue).len() < self.idle.load(Ordering::Relaxed)
    }
}

/// Explore `spec` on `cfg.jobs` threads: `explore` with `on_end` shown each distinct end state.
pub fn explore(
    spec: &Arc<Spec>,
    cfg: Config,
    progress: &mut dyn FnMut(&Stats) -> bool,
    on_end: &(dyn Fn(&Kernel, VerdictKind) + Sync),
) -> Report {
    match cfg.bitstate {
        Some(bytes) => explore_in(&Bitstate::new(bytes), spec, cfg, progress, on_end),
        None => explore_in(&Shared::new(cfg.max_memory), spec, cfg, progress, on_end),
    }
}

/// `explore` over the visited set `shared`.
fn explore_in<S: Store + Copy + Send + Sync>(
    shared: S,
    spec: &Arc<Spec>,
    cfg: Config,
    progress: &mut dyn FnMut(&Stats) -> bool,
    on_end: &(dyn Fn(&Kernel, VerdictKind) + Sync),
) -> Report {
    let liveness = cfg.reductions.dead_variables.then(|| Liveness::of(spec));
    let pool = Pool {
        queue: Mutex::new(vec![Work {
            prefix: Vec::new(),
            frame: Frame::new(super::start(spec, liveness.as_ref()), 0, None, 0, None),
            visited: false,
        }]),
        wake: Condvar::new(),
        idle: AtomicUsize::new(0),
        jobs: cfg.jobs,
        finished: AtomicBool::new(false),
        stopped: AtomicBool::new(false),
        states: AtomicU64::new(0),
        transitions: AtomicU64::new(0),
    };
    let coordinator = thread::current();
    let results = thread::scope(|scope| {
        let workers: Vec<_> = (0..cfg.jobs)
            .map(|_| {
                let (pool, coordinator) = (&pool, coordinator.clone());
                scope.spawn(move || {
                    let _guard = Leaving { pool, coordinator };
                    work(spec, cfg, pool, shared, on_end)
                })
            })
            .collect();
        while !workers.iter().all(|w| w.is_finished()) {
            thread::park_timeout(Duration::from_millis(20));
            let now = Stats {
                states: pool.states.load(Ordering::Relaxed),
                transitions: pool.transitions.load(Ordering::Relaxed),
                bytes: shared.bytes(),
                ..Stats::default()
            };
            if !progress(&now) {
                pool.stop();
            }
        }
        workers.into_iter().map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    let report = merge(results, !pool.stopped.load(Ordering::Relaxed), shared.bytes());
    progress(&report.stats);
    report
}

/// A thread leaving: it tells the caller's thread, and if it leaves by a panic, stops the others
/// (who would otherwise wait for its work for ever); the caller then passes the panic on.
struct Leaving<'p> {
    pool: &'p Pool,
    coordinator: thread::Thread,
}

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        if thread::panicking() {
            self.pool.stop();
        }
        self.coordinator.unpark();
    }
}

/// One thread: take work and search from it until the search is over.
fn work<S: Store + Copy>(
    spec: &Arc<Spec>,
    cfg: Config,
    pool: &Pool,
    shared: S,
    on_end: &(dyn Fn(&Kernel, VerdictKind) + Sync),
) -> Report {
    let mut show_end = |k: &Kernel, kind| on_end(k, kind);
    // The state limit holds for each search alone, and for all of them at each look.
    let mut search = Search::new(spec, cfg, shared, &mut show_end);
    search.keep_shortest = true;
    let mut stack = Stack { frames: Vec::new(), len: 0 };
    let mut published = Stats::default();
    while let Some(w) = pool.take() {
        debug_assert!(
            leads_to(spec, search.liveness.as_ref(), &w.prefix, &w.frame.kernel),
            "work given with a path that does not lead to it"
        );
        search.prefix = w.prefix;
        // The frames above the first are kept for reuse, as `Stack` does.
        match stack.frames.first_mut() {
            Some(slot) => *slot = w.frame,
            None => stack.frames.push(w.frame),
        }
        stack.len = 1;
        if !w.visited && !search.visit(stack.live()) {
            stack.len = 0;
        }
        search.run(&mut stack, PERIOD, &mut |s, stack| look_around(s, stack, pool, cfg, &mut published));
        if !search.complete {
            pool.stop();
        }
    }
    look_around(&mut search, &mut stack, pool, cfg, &mut published);
    Report { complete: search.complete, stats: search.stats, ends: search.ends, found: search.found }
}

/// A search's look at the others: add its counts to the pool's, stop if the search is over,
/// and give work to an idle thread. Returns false to stop.
fn look_around<S: Store>(
    s: &mut Search<S>,
    stack: &mut Stack,
    pool: &Pool,
    cfg: Config,
    published: &mut Stats,
) -> bool {
    pool.transitions.fetch_add(s.stats.transitions - published.transitions, Ordering::Relaxed);
    let states =
        pool.states.fetch_add(s.stats.states - published.states, Ordering::Relaxed) + s.stats.states - published.states;
    *published = s.stats;
    if pool.stopped.load(Ordering::Relaxed) {
        return false;
    }
    if states >= cfg.max_states {
        pool.stop();
        return false;
    }
    if pool.hungry() {
        give_away(s, stack, pool);
    }
    true
}

/// Give half the unexplored choices of the bottom-most frame that has more than one (or the
/// one of the bottom-most that has one).
fn give_away<S: Store>(s: &Search<S>, stack: &mut Stack, pool: &Pool) {
    let frames = &mut stack.frames[..stack.len];
    let Some(at) = frames.iter().position(|f| f.todo.count_ones() > 1).or_else(|| {
        // Not the top frame's one choice: its giver is about to take it.
        frames[..frames.len().saturating_sub(1)].iter().position(|f| f.todo != 0)
    }) else {
        return;
    };
    let frame = &mut frames[at];
    let given = every_other_bit(frame.todo);
    frame.todo &= !given;
    let mut copy = Frame::new(frame.kernel.clone(), frame.sleep, frame.last, frame.preemptions, None);
    copy.todo = given;
    copy.done = frame.done;
    copy.enabled = frame.enabled;
    copy.key = frame.key;
    copy.mover_only = frame.mover_only;
    let prefix = s.prefix.iter().copied().chain(frames[1..=at].iter().filter_map(|f| f.via)).collect();
    pool.give(Work { prefix, frame: copy, visited: true });
}

/// Whether `path`, taken from the start, reaches `kernel`.
fn leads_to(spec: &Spec, liveness: Option<&Liveness>, path: &[Choice], kernel: &Kernel) -> bool {
    let mut k = super::start(spec, liveness);
    for &c in path {
        super::take(spec, liveness, &mut k, c);
    }
    k == *kernel
}

/// The second, fourth, ... set bits of `mask`; its one bit if it has one.
fn every_other_bit(mask: u32) -> u32 {
    if mask.count_ones() == 1 {
        return mask;
    }
    let (mut rest, mut given, mut odd) = (mask, 0, false);
    while rest != 0 {
        let low = rest & rest.wrapping_neg();
        if odd {
            given |= low;
        }
        odd = !odd;
        rest &= rest - 1;
    }
    given
}

/// The threads' reports as one: counts add up (each state is counted by the thread that stored
/// it), and the counterexample is the shortest found (a lost wakeup before any other end).
fn merge(reports: Vec<Report>, not_stopped: bool, bytes: u64) -> Report {
    let mut all = Report { complete: not_stopped, stats: Stats::default(), ends: Ends::default(), found: None };
    for r in reports {
        all.complete &= r.complete;
        all.stats.states += r.stats.states;
        all.stats.transitions += r.stats.transitions;
        all.stats.executions += r.stats.executions;
        all.stats.max_depth = all.stats.max_depth.max(r.stats.max_depth);
        all.ends.finished += r.ends.finished;
        all.ends.lost_wakeup += r.ends.lost_wakeup;
        all.ends.deadlock += r.ends.deadlock;
        all.ends.step_limit += r.ends.step_limit;
        let rank = |f: &super::Found| (f.kind != VerdictKind::LostWakeup, f.schedule.0.len());
        all.found = match (all.found, r.found) {
            (Some(a), Some(b)) if rank(&b) < rank(&a) => Some(b),
            (a, b) => a.or(b),
        };
    }
    all.stats.bytes = bytes;
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two threads keeping the same states in the same order, so that they meet at every
    /// shard as it grows, often both making its new slots: each state is kept once, and the
    /// bytes counted are the bytes the shards hold (the spare slots of the thread that came
    /// second are not counted).
    #[test]
    fn two_threads_growing_the_same_shards_keep_each_state_once() {
        let shared = Shared::new(u64::MAX);
        let fingerprint = |i: u64| xxhash_rust::xxh3::xxh3_128(&i.to_le_bytes());
        let new: u64 = thread::scope(|scope| {
            let keep = || {
                let mut set = &shared;
                (0..200_000).filter(|&i| set.insert(fingerprint(i), 1).unwrap()).count() as u64
            };
            let threads = [scope.spawn(keep), scope.spawn(keep)];
            threads.into_iter().map(|t| t.join().unwrap()).sum()
        });
        assert_eq!(new, 200_000, "each state is new to exactly one thread");
        let held: u64 = shared.shards.iter().map(|s| lock(&s.0).bytes()).sum();
        assert_eq!(Store::bytes(&&shared), held);
        for (shard, place) in shared.shards.iter().zip(&shared.whereabouts) {
            assert_eq!(place.get(), lock(&shard.0).place(), "where the prefetches look");
        }
    }

    #[test]
    fn gives_half_the_choices_or_the_only_one() {
        assert_eq!(every_other_bit(0b1), 0b1);
        assert_eq!(every_other_bit(0b1010_0110), 0b1000_0100);
        assert_eq!(every_other_bit(0b11), 0b10);
        assert_eq!(every_other_bit(0), 0);
    }
}

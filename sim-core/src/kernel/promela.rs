//! The primitives again, in Promela, for `wqsim export promela` (`export/promela.rs`): each one
//! the same atomic effect as its Rust function in this directory, statement for statement, so
//! that SPIN explores the model wqsim explores. A Rust function and its Promela twin cite the
//! same line of the reference; `sim-cli/tests/spin.rs` runs SPIN on every scenario and checks
//! that the two agree (verdicts and state counts).
//!
//! Everything a call site fixes (queue, entry, key, mode, the wake function of each entry) is
//! resolved here, at export time, so the Promela is straight-line code over the model's
//! variables; only what depends on the state (flags, links, bits) is tested in Promela.

use crate::export::promela::Names;
use crate::ids::{EntryId, PageId, QueueId, TaskId, VarId};
use crate::kernel::page::PG_WAITERS;
use crate::kernel::read::{PipeRef, Read};
use crate::kernel::task::{TaskState, TASK_INTERRUPTIBLE, TASK_NORMAL, TASK_WAKEKILL};
use crate::kernel::waitqueue::{EntryFlags, EntryKey, PageWake, WakeFn, ERESTARTSYS};
use crate::program::Prim;
use crate::spec::Spec;

/// The scratch variables the primitives share (hidden: not part of a state).
pub const PRELUDE: &str = "\
/* Scratch variables of the primitives: hidden, so not part of any state. */
hidden int sc_rv, sc_tmp, sc_nr, sc_pm, sc_r;
hidden short sc_budget;
hidden byte sc_i, sc_j, sc_cur, sc_fl, sc_w, sc_woken, sc_cnt;
#define NONE 255
";

/// A task's `TASK_*` bits.
fn bits(s: TaskState) -> u16 {
    s.bits()
}

impl Names {
    /// `try_to_wake_up(p, mode)`: if `(p.state & mode) == 0` → 0, no change; else
    /// p.state:=RUNNING, re-enqueue, 1 [ref §0 table]. The result goes to `w`.
    fn ttwu(&self, p: TaskId, mode: u16) -> String {
        format!(
            "if :: ({st} & {mode}) != 0 && !{ex} -> {st} = 0; {rq} = 1; sc_w = 1 :: else -> sc_w = 0 fi",
            st = self.field(p, "state"),
            ex = self.field(p, "exited"),
            rq = self.field(p, "on_rq")
        )
    }

    /// `send_fatal_signal()`'s wakeup: `wake_up_state(t, TASK_WAKEKILL | TASK_INTERRUPTIBLE)`
    /// [ref §0].
    pub(crate) fn signal_wakeup(&self, t: TaskId) -> String {
        self.ttwu(t, TASK_WAKEKILL | TASK_INTERRUPTIBLE)
    }

    /// `signal_pending_state(state, p)`: only INTERRUPTIBLE or WAKEKILL sleeps see the model's
    /// fatal signals [ref §0 schedule()].
    fn signal_pending_state(&self, t: TaskId, state: TaskState) -> String {
        if bits(state) & (TASK_INTERRUPTIBLE | TASK_WAKEKILL) != 0 {
            self.field(t, "signal")
        } else {
            "0".into()
        }
    }

    /// `__add_wait_queue()` (head) or `__add_wait_queue_entry_tail()` (tail) [ref §0 table].
    fn link(&self, q: QueueId, t: TaskId, e: EntryId, at_head: bool) -> String {
        let at = if at_head { "0".to_string() } else { self.queue_len(q) };
        self.link_at(q, &self.entry_ref(t, e), &self.entry_on(t, e), &at)
    }

    /// Link `entry` into `q`'s array at index `at`, and record in `on` that it is on `q`
    /// (queue + 1).
    fn link_at(&self, q: QueueId, entry: &str, on: &str, at: &str) -> String {
        let (list, len) = (self.queue(q), self.queue_len(q));
        format!(
            "sc_j = {len}; do :: sc_j > {at} -> {list}[sc_j] = {list}[sc_j - 1]; sc_j-- :: else -> break od; \
             {list}[{at}] = {entry}; {len}++; {on} = {qid}",
            qid = q.0 + 1
        )
    }

    /// `list_del_init(&wait->entry)`: a no-op when not linked on `q` [ref §0 table]. Slots past
    /// the end are kept 0, so that a state has one encoding.
    fn unlink(&self, q: QueueId, t: TaskId, e: EntryId) -> String {
        let (list, len) = (self.queue(q), self.queue_len(q));
        format!(
            "if :: {on} == {qid} -> sc_j = 0; do :: {list}[sc_j] != {entry} -> sc_j++ :: else -> break od; \
             do :: sc_j + 1 < {len} -> {list}[sc_j] = {list}[sc_j + 1]; sc_j++ :: else -> break od; \
             {len}--; {list}[{len}] = 0; {on} = 0 :: else -> skip fi",
            on = self.entry_on(t, e),
            qid = q.0 + 1,
            entry = self.entry_ref(t, e)
        )
    }

    /// A flag of an entry, set or cleared.
    fn set_flag(&self, t: TaskId, e: EntryId, flag: EntryFlags, on: bool) -> String {
        let f = self.entry(t, e);
        match on {
            true => format!("{f} = {f} | {}", flag.bits()),
            false => format!("{f} = {f} & {}", !flag.bits()),
        }
    }

    /// A store to a shared variable. A page's flags word also moves the page's owner when
    /// PG_locked changes: to `actor` when set, to nobody when cleared (`page.rs`).
    pub(crate) fn write_var(&self, spec: &Spec, v: VarId, value: &str, actor: TaskId) -> String {
        let var = self.var(v);
        match page_of(spec, v) {
            None => format!("{var} = {value}"),
            Some(p) => format!(
                "sc_tmp = {value}; if :: (({var} ^ sc_tmp) & 1) != 0 -> {owner} = ((sc_tmp & 1) != 0 -> {actor} : NONE) \
                 :: else -> skip fi; {var} = sc_tmp",
                owner = self.page_owner(p),
                actor = actor.0
            ),
        }
    }

    /// `set_bit()` / `clear_bit()`.
    fn assign_bit(&self, spec: &Spec, v: VarId, bit: u8, on: bool, actor: TaskId) -> String {
        let var = self.var(v);
        let value = match on {
            true => format!("({var} | {})", 1i64 << bit),
            false => format!("({var} & {})", !(1i32.wrapping_shl(u32::from(bit)))),
        };
        self.write_var(spec, v, &value, actor)
    }

    /// `test_and_set_bit()`: the old bit to `rv` [ref §2.1].
    fn test_and_set_bit(&self, spec: &Spec, v: VarId, bit: u8, actor: TaskId) -> String {
        format!(
            "sc_rv = ({var} >> {bit}) & 1; if :: sc_rv == 0 -> {set} :: else -> skip fi",
            var = self.var(v),
            set = self.assign_bit(spec, v, bit, true, actor)
        )
    }

    /// One entry's wake function, called by a walk of `q` with `key` (the walk's key) in
    /// `mode`: its return value to `sc_r`, whether it woke the task to `sc_w`; a keyed walk's
    /// `key.page_match` is `sc_pm` [ref §0, §2.1, §2.3, §4.1, §4.3].
    fn wake_function(
        &self,
        spec: &Spec,
        q: QueueId,
        t: TaskId,
        e: EntryId,
        mode: u16,
        key: Option<EntryKey>,
    ) -> String {
        let entry = spec.initial.task(t).entries[e.index()];
        let ttwu = self.ttwu(t, mode);
        // autoremove_wake_function: r = default_wake_function; if r → unlink e [ref §0].
        let autoremove = format!("{ttwu}; if :: sc_w -> {} :: else -> skip fi; sc_r = sc_w", self.unlink(q, t, e));
        let relocked = |k: EntryKey| format!("(({} >> {}) & 1) != 0", self.var(k.var), k.bit);
        let nothing = "sc_w = 0; sc_r = 0".to_string();
        match entry.func {
            WakeFn::Default => format!("{ttwu}; sc_r = sc_w"),
            WakeFn::Autoremove => autoremove,
            // woken_wake_function: set WOKEN, then default_wake_function [ref §4.3].
            WakeFn::Woken => format!("{}; {ttwu}; sc_r = sc_w", self.set_flag(t, e, EntryFlags::WOKEN, true)),
            WakeFn::Page(kind) => {
                // Another page's entry on a hashed queue is passed over [ref §2.1].
                let mut out = String::new();
                if let (Some(k), Some(mine)) = (key, entry.key) {
                    if mine.var != k.var {
                        return nothing;
                    }
                    out += "sc_pm = 1; ";
                    if mine.bit != k.bit {
                        return out + &nothing;
                    }
                } else {
                    out += "sc_pm = 1; ";
                }
                let relocked = entry.key.map_or("0".to_string(), relocked);
                out += &match kind {
                    // ≤4.13-rc: bit already set again → 0 [ref §2.1].
                    PageWake::Rc => format!("if :: {relocked} -> {nothing} :: else -> {autoremove} fi"),
                    // 3510ca20ece0: bit already re-taken → -1 [ref §2.3 item 1].
                    PageWake::StopIfRelocked => {
                        format!("if :: {relocked} -> sc_w = 0; sc_r = -1 :: else -> {autoremove} fi")
                    }
                    PageWake::Handoff => self.wake_page_handoff(spec, q, t, e, mode, entry.key),
                };
                out
            }
            // wake_bit_function: another word or bit, or the bit set again → 0 [ref §4.1].
            WakeFn::Bit => match (entry.key, key) {
                (Some(a), Some(b)) if a != b => nothing,
                (mine, _) => {
                    let relocked = mine.map_or("0".to_string(), relocked);
                    format!("if :: {relocked} -> {nothing} :: else -> {autoremove} fi")
                }
            },
            // A bookmark's: walks pass over it before they would call it [ref §2.4].
            WakeFn::Null => nothing,
        }
    }

    /// 2a9127fcf229's wake function: for an EXCL entry take the lock on the task's behalf (if it
    /// was taken already, -1); then WOKEN, wake, unlink; 1 only for EXCL [ref §2.3 item 4,
    /// "Waker"].
    fn wake_page_handoff(
        &self,
        spec: &Spec,
        q: QueueId,
        t: TaskId,
        e: EntryId,
        mode: u16,
        key: Option<EntryKey>,
    ) -> String {
        let flags = self.entry(t, e);
        let take = match key {
            Some(k) => format!(
                "{}; if :: sc_rv != 0 -> sc_w = 0; sc_r = -1 :: else -> skip fi",
                self.test_and_set_bit(spec, k.var, k.bit, t)
            ),
            None => String::new(),
        };
        let rest = format!(
            "{}; {}; {}; sc_r = (({flags} & 1) != 0 -> 1 : 0)",
            self.set_flag(t, e, EntryFlags::WOKEN, true),
            self.ttwu(t, mode),
            self.unlink(q, t, e)
        );
        match key {
            Some(_) => format!(
                "sc_r = 0; if :: ({flags} & 1) != 0 -> {take} :: else -> skip fi; if :: sc_r < 0 -> skip :: else -> {rest} fi"
            ),
            None => rest,
        }
    }

    /// `__wake_up_common(q, mode, nr_exclusive, key, bookmark)`: walk from the head, passing over
    /// bookmarks; `r < 0` stops; `r > 0` on an EXCL entry spends one of `nr_exclusive` (0: all);
    /// with a bookmark, resume after a linked one, and after more than `walk_break` calls with
    /// entries left, link it before the next and stop (`sc_woken` counts the tasks woken; `sc_pm`
    /// is `key.page_match`) [ref §0 table, `__wake_up_common` row] [ref §2.4].
    fn walk(
        &self,
        spec: &Spec,
        q: QueueId,
        mode: u16,
        nr_exclusive: u8,
        key: Option<EntryKey>,
        bookmark: Option<(TaskId, EntryId, u8)>,
    ) -> String {
        let (list, len) = (self.queue(q), self.queue_len(q));
        let mut out = vec!["sc_i = 0;".to_string()];
        if let Some((bt, be, _)) = bookmark {
            let flags = self.entry(bt, be);
            let on = self.entry_on(bt, be);
            out.push(format!(
                "if :: ({flags} & 4) != 0 -> if :: {on} == {qid} -> sc_i = 0; do :: {list}[sc_i] != {me} -> sc_i++ :: else -> break od; {unlink} :: else -> skip fi; {flags} = 0 :: else -> skip fi;",
                qid = q.0 + 1,
                me = self.entry_ref(bt, be),
                unlink = self.unlink(q, bt, be),
            ));
        }
        out.push(format!("sc_nr = {nr_exclusive}; sc_woken = 0; sc_cnt = 0;"));
        out.push("do".into());
        out.push(format!(":: sc_i >= {len} -> break"));
        out.push(":: else ->".into());
        out.push(format!("   sc_cur = {list}[sc_i];"));
        let entries: Vec<(TaskId, EntryId)> = spec
            .task_ids()
            .flat_map(|t| (0..spec.initial.task(t).entries.len()).map(move |e| (t, EntryId(e as u8))))
            .collect();
        let dispatch = |what: &dyn Fn(TaskId, EntryId) -> String| {
            let arms: Vec<String> = entries
                .iter()
                .map(|&(t, e)| format!(":: sc_cur == {} -> {}", self.entry_ref(t, e), what(t, e)))
                .collect();
            format!("if {} fi;", arms.join(" "))
        };
        out.push(format!("   {}", dispatch(&|t, e| format!("sc_fl = {}", self.entry(t, e)))));
        out.push("   if".into());
        out.push("   :: (sc_fl & 4) != 0 -> sc_i++".into());
        out.push("   :: else ->".into());
        out.push(format!("      {}", dispatch(&|t, e| self.wake_function(spec, q, t, e, mode, key))));
        out.push(format!("      sc_woken = sc_woken + sc_w; if :: sc_i < {len} && {list}[sc_i] == sc_cur -> sc_i++ :: else -> skip fi;"));
        out.push("      if :: sc_r < 0 -> break :: sc_r > 0 && (sc_fl & 1) != 0 -> sc_nr--; if :: sc_nr == 0 -> break :: else -> skip fi :: else -> skip fi;".into());
        if let Some((bt, be, walk_break)) = bookmark {
            out.push(format!(
                "      sc_cnt++; if :: sc_cnt > {walk_break} && sc_i < {len} -> {flags} = 4; {link}; break :: else -> skip fi",
                flags = self.entry(bt, be),
                link = self.link_at(q, &self.entry_ref(bt, be), &self.entry_on(bt, be), "sc_i"),
            ));
        } else {
            out.push("      skip".into());
        }
        out.push("   fi".into());
        out.push("od; skip".into());
        out.join("\n       ")
    }

    /// A primitive called by task `t`, as Promela statements (to be joined by `;`); its value, if
    /// it has one, in `sc_rv`.
    pub(crate) fn primitive(&self, spec: &Spec, t: TaskId, prim: Prim, local: &dyn Fn(u8) -> String) -> Vec<String> {
        let state = |s: TaskState| format!("{} = {}", self.field(t, "state"), bits(s));
        let flagged = |e: EntryId, excl: bool| self.set_flag(t, e, EntryFlags::EXCLUSIVE, excl);
        let link_if_unlinked = |q: QueueId, e: EntryId, at_head: &str| {
            format!(
                "if :: {on} == 0 -> if :: {at_head} -> {head} :: else -> {tail} fi :: else -> skip fi",
                on = self.entry_on(t, e),
                head = self.link(q, t, e, true),
                tail = self.link(q, t, e, false)
            )
        };
        let one = |s: String| vec![s];
        match prim {
            // prepare_to_wait(_exclusive): the flag; [q.lock: link if unlinked (HEAD, or TAIL if
            // EXCL); state:=S] [ref §0 table, row 1].
            Prim::PrepareToWait { queue, entry, state: s, exclusive } => vec![
                flagged(entry, exclusive),
                link_if_unlinked(queue, entry, if exclusive { "0" } else { "1" }),
                state(s),
            ],
            // prepare_to_wait_event: a pending signal → unlink, -ERESTARTSYS [ref §0 table, row 3].
            Prim::PrepareToWaitEvent { queue, entry, state: s } => vec![format!(
                "if :: {sig} -> {unlink}; sc_rv = {ERESTARTSYS} :: else -> {link}; {st}; sc_rv = 0 fi",
                sig = self.signal_pending_state(t, s),
                unlink = self.unlink(queue, t, entry),
                link = link_if_unlinked(queue, entry, &format!("({} & 1) == 0", self.entry(t, entry))),
                st = state(s)
            )],
            // finish_wait: state:=RUNNING; unlink if linked [ref §0 table, row 4].
            Prim::FinishWait { queue, entry } => one(format!("{}; {}", state(TaskState::Running), self.unlink(queue, t, entry))),
            // abort_exclusive_wait: RUNNING; [q.lock: if linked → unlink; else if the queue is
            // active → wake one with the entry's key] [ref §4.1].
            Prim::AbortExclusiveWait { queue, entry, mode } => {
                let key = spec.initial.task(t).entries[entry.index()].key;
                vec![
                    state(TaskState::Running),
                    format!(
                        "if :: {on} == {qid} -> {unlink} :: {len} > 0 ->\n       {walk}\n       :: else -> skip fi",
                        on = self.entry_on(t, entry),
                        qid = queue.0 + 1,
                        unlink = self.unlink(queue, t, entry),
                        len = self.queue_len(queue),
                        walk = self.walk(spec, queue, mode, 1, key, None)
                    ),
                ]
            }
            // add_wait_queue(_exclusive): the flag; [q.lock: HEAD, or TAIL if EXCL] [ref §0 table].
            Prim::AddWaitQueue { queue, entry, exclusive } => vec![
                flagged(entry, exclusive),
                link_if_unlinked(queue, entry, if exclusive { "0" } else { "1" }),
            ],
            Prim::Link { queue, entry, tail } => one(link_if_unlinked(queue, entry, if tail { "0" } else { "1" })),
            Prim::Unlink { queue: Some(q), entry } => one(self.unlink(q, t, entry)),
            Prim::Unlink { queue: None, entry } => {
                let arms: Vec<String> = (0..spec.queues.len())
                    .map(|q| {
                        let q = QueueId(q as u8);
                        format!(":: {} == {} -> {}", self.entry_on(t, entry), q.0 + 1, self.unlink(q, t, entry))
                    })
                    .collect();
                one(format!("if {} :: else -> skip fi", arms.join(" ")))
            }
            // set_current_state() / __set_current_state(): the export is sequentially consistent
            // [ref §0, the safety rule], where a store is never buffered and a fence does nothing.
            Prim::SetState { state: s, .. } | Prim::StoreState { state: s } => one(state(s)),
            Prim::Fence => one("skip".into()),
            // schedule(): RUNNING → returns; a pending signal for the state → RUNNING; else
            // dequeue [ref §0 table].
            Prim::Schedule { sleep } => one(format!(
                "{wf} = {w}; if :: {st} == 0 -> skip :: else -> if :: ({st} & {sigmask}) != 0 && {sig} -> {st} = 0 :: else -> {rq} = 0 fi fi; sc_rv = 2147483647",
                wf = self.field(t, "waits_for"),
                w = sleep + 1,
                st = self.field(t, "state"),
                sigmask = TASK_INTERRUPTIBLE | TASK_WAKEKILL,
                sig = self.field(t, "signal"),
                rq = self.field(t, "on_rq"),
            )),
            Prim::WakeUp { queue, mode, nr_exclusive, key } => {
                vec![self.walk(spec, queue, mode, nr_exclusive, key, None), "sc_rv = sc_woken".into()]
            }
            // __wake_up_locked_key(_bookmark): the walk with the task's `page_match` [ref §2.1, §2.4].
            Prim::WakeUpKeyed { queue, mode, nr_exclusive, key, page_match, bookmark } => {
                let walk = self.walk(spec, queue, mode, nr_exclusive, Some(key), bookmark.map(|(e, b)| (t, e, b)));
                vec![format!("sc_pm = {}", local(page_match.0)), walk, "sc_rv = sc_pm".into()]
            }
            // wake_up_page_bit: [q.lock: walk(TASK_NORMAL, 1, key); if the queue is empty or no
            // entry matched → ClearPageWaiters] [ref §2.1].
            Prim::WakeUpPageBit { queue, page, bit } => {
                let flags = spec.initial.pages[page.index()].flags;
                vec![
                    "sc_pm = 0".into(),
                    self.walk(spec, queue, TASK_NORMAL, 1, Some(EntryKey { var: flags, bit }), None),
                    format!(
                        "if :: {len} == 0 || sc_pm == 0 -> {clear} :: else -> skip fi",
                        len = self.queue_len(queue),
                        clear = self.assign_bit(spec, flags, PG_WAITERS, false, t)
                    ),
                ]
            }
            Prim::WakeUpProcess { task, mode } => one(format!("{}; sc_rv = sc_w", self.ttwu(task.unwrap_or(t), mode))),
            // mutex_lock: only enabled while free [ref §0 table, row 29].
            Prim::MutexLock(m) => one(format!("{} = {}", self.mutex(m), t.0)),
            Prim::MutexUnlock(m) => one(format!("{} = NONE", self.mutex(m))),
            Prim::SetBit { var, bit } => one(self.assign_bit(spec, var, bit, true, t)),
            Prim::ClearBit { var, bit } => one(self.assign_bit(spec, var, bit, false, t)),
            Prim::TestAndSetBit { var, bit, invert } => {
                let mut s = self.test_and_set_bit(spec, var, bit, t);
                if invert {
                    s += "; sc_rv = (sc_rv == 0 -> 1 : 0)";
                }
                one(s)
            }
            // clear_bit_unlock_is_negative_byte: clear, and PG_waiters [ref §2.1 unlock_page].
            Prim::ClearBitUnlockIsNegativeByte { var, bit } => one(format!(
                "{}; sc_rv = ({} >> {PG_WAITERS}) & 1",
                self.assign_bit(spec, var, bit, false, t),
                self.var(var)
            )),
            // xchg(): the old value, and the new one stored, in one atomic operation.
            Prim::Xchg { var, value } => {
                one(format!("sc_rv = {}; {}", self.var(var), self.write_var(spec, var, &value.to_string(), t)))
            }
            Prim::AtomicAdd { var, delta, ret } => {
                use crate::kernel::api::AtomicRet;
                let v = self.var(var);
                let value = match ret {
                    AtomicRet::Old => format!("{v} - {delta}"),
                    AtomicRet::New | AtomicRet::None => v.to_string(),
                    AtomicRet::IsZero => format!("({v} == 0 -> 1 : 0)"),
                };
                one(format!("{}; sc_rv = {value}", self.write_var(spec, var, &format!("{v} + {delta}"), t)))
            }
        }
    }

    /// A kernel read, for task `t`, with its integer arguments as Promela expressions.
    pub(crate) fn read(&self, t: TaskId, read: Read, args: &[String]) -> String {
        let pipe = |p: PipeRef| {
            (self.var(p.head), self.var(p.tail), self.var(p.max_usage), self.var(p.readers), self.var(p.writers))
        };
        match read {
            // pipe_empty, pipe_full, pipe_occupancy [ref §1.1].
            Read::PipeEmpty => format!("({} == {})", args[0], args[1]),
            Read::PipeFull => format!("(({}) - ({}) >= ({}))", args[0], args[1], args[2]),
            Read::PipeOccupancy => format!("(({}) - ({}))", args[0], args[1]),
            Read::PipeReadable(p) => {
                let (head, tail, _, _, writers) = pipe(p);
                format!("({head} != {tail} || {writers} == 0)")
            }
            Read::PipeWritable(p) => {
                let (head, tail, max, readers, _) = pipe(p);
                format!("({head} - {tail} < {max} || {readers} == 0)")
            }
            // waitqueue_active(q) [ref §0].
            Read::WaitqueueActive(q) => format!("({} > 0)", self.queue_len(q)),
            Read::ListEmpty(e) => format!("({} == 0)", self.entry_on(t, e)),
            Read::SignalPending => self.field(t, "signal"),
            Read::SignalPendingState(s) => self.signal_pending_state(t, s),
            Read::TestBit { var, bit } => format!("(({} >> {bit}) & 1)", self.var(var)),
        }
    }
}

/// The page whose flags word `v` is, if any (`Kernel::page_of`).
fn page_of(spec: &Spec, v: VarId) -> Option<PageId> {
    spec.initial.pages.iter().position(|p| p.flags == v).map(|i| PageId(i as u8))
}

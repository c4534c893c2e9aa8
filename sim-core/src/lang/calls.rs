//! Calls of the kernel API (`kernel/api.rs`): each argument resolved to what the built-in takes
//! (a queue, an entry, a constant state, a shared word...), then the primitive emitted, or the
//! read built into the expression.

use crate::ids::{EntryId, MutexId, QueueId, TaskId, VarId};
use crate::kernel::api::{Arg, Builtin, Def, Delta, InitEntry, Nr};
use crate::kernel::memory::Memory;
use crate::kernel::page::{PG_LOCKED, PG_WAITERS};
use crate::kernel::read::{PipeRef, Read};
use crate::kernel::task::TASK_NORMAL;
use crate::kernel::waitqueue::{EntryKey, WakeFn};
use crate::lang::ast::Expr;
use crate::lang::codegen::{describe, Gen, Operand, R};
use crate::lang::compile::{Node, StructKind, TaskRef};
use crate::lang::diag::{Reported, Span};
use crate::program::{Expr as IExpr, ExprId, Op, Place, Prim, Ret};

/// Whether a built-in only reads: it may stand inside any expression.
pub fn is_read(b: Builtin) -> bool {
    matches!(
        b,
        Builtin::ListEmpty
            | Builtin::SignalPending
            | Builtin::SignalPendingState
            | Builtin::WaitqueueActive
            | Builtin::WqHasSleeper
            | Builtin::PipeEmpty
            | Builtin::PipeFull
            | Builtin::PipeOccupancy
            | Builtin::PipeReadable
            | Builtin::PipeWritable
            | Builtin::TestBit
            | Builtin::PageLocked
            | Builtin::PageWaiters
            | Builtin::AtomicRead
    )
}

/// A full barrier: under `tso` the CPU's store buffer drains, as its own step; nothing under
/// `sc`, whose programs stay as they always were [ref §6.2].
fn fence(g: &mut Gen) {
    if g.env.input.memory == Memory::Tso {
        g.emit(Op::Call { prim: Prim::Fence, ret: Ret::Discard });
    }
}

fn arity(g: &mut Gen, def: &Def, args: &[Expr], span: Span) -> R<()> {
    if args.len() != def.args.len() {
        let n = def.args.len();
        let msg = format!("`{}` takes {n} argument{}, given {}", def.name, if n == 1 { "" } else { "s" }, args.len());
        g.error(span, msg);
        return Err(Reported);
    }
    Ok(())
}

/// A read built-in's value.
pub fn read<'a>(g: &mut Gen<'_, 'a>, def: &Def, args: &'a [Expr], span: Span) -> R<Operand> {
    arity(g, def, args, span)?;
    let read = match def.builtin {
        Builtin::ListEmpty => Read::ListEmpty(entry_node(g, &args[0])?),
        Builtin::SignalPending => {
            current(g, &args[0])?;
            Read::SignalPending
        }
        Builtin::SignalPendingState => {
            let state = g.state(&args[0])?;
            current(g, &args[1])?;
            Read::SignalPendingState(state)
        }
        Builtin::WaitqueueActive => Read::WaitqueueActive(queue(g, &args[0])?),
        Builtin::WqHasSleeper => {
            let q = queue(g, &args[0])?;
            fence(g);
            Read::WaitqueueActive(q)
        }
        Builtin::PipeEmpty | Builtin::PipeFull | Builtin::PipeOccupancy => {
            let mut ids = [ExprId::default(); 3];
            for (i, a) in args.iter().enumerate() {
                let v = g.rvalue(a)?;
                ids[i] = g.operand(v);
            }
            let r = match def.builtin {
                Builtin::PipeEmpty => Read::PipeEmpty,
                Builtin::PipeFull => Read::PipeFull,
                _ => Read::PipeOccupancy,
            };
            return Ok(Operand::Expr(g.expr(IExpr::Read(r, ids))));
        }
        Builtin::PipeReadable => Read::PipeReadable(pipe(g, &args[0])?.0),
        Builtin::PipeWritable => Read::PipeWritable(pipe(g, &args[0])?.0),
        Builtin::TestBit => {
            let bit = bit(g, &args[0])?;
            Read::TestBit { var: g.word(&args[1])?, bit }
        }
        Builtin::PageLocked | Builtin::PageWaiters => {
            let i = page(g, &args[0])?;
            let bit = if def.builtin == Builtin::PageLocked { PG_LOCKED } else { PG_WAITERS };
            Read::TestBit { var: g.env.page(i).1, bit }
        }
        Builtin::AtomicRead => {
            let v = g.word(&args[0])?;
            return Ok(Operand::Expr(g.expr(IExpr::Var(v))));
        }
        _ => unreachable!("is_read() lists the reads"),
    };
    Ok(Operand::Expr(g.expr(IExpr::Read(read, [ExprId::default(); 3]))))
}

/// A built-in that names an object: `page_waitqueue(page)`, `bit_waitqueue(word, bit)`.
pub fn object<'a>(g: &mut Gen<'_, 'a>, def: &Def, args: &'a [Expr], span: Span) -> R<Node> {
    arity(g, def, args, span)?;
    let index = match def.builtin {
        Builtin::PageWaitqueue => page(g, &args[0])?,
        Builtin::BitWaitqueue => {
            let v = g.word(&args[0])?;
            page_of_var(g, v)
        }
        _ => {
            g.error(span, format!("`{}` does not name an object", def.name));
            return Err(Reported);
        }
    };
    let node = g.env.page_waitqueue(index, span).ok_or(Reported)?;
    Ok(g.env.resolve(node))
}

/// The page a word is the flags of (for the hashed queues); 0 for a plain variable.
fn page_of_var(g: &mut Gen, v: VarId) -> usize {
    (0..g.env.page_count()).find(|&i| g.env.page(i).1 == v).unwrap_or(0)
}

/// A call of a built-in whose value goes to `ret`.
pub fn call<'a>(g: &mut Gen<'_, 'a>, def: &Def, args: &'a [Expr], span: Span, ret: Ret) -> R<()> {
    arity(g, def, args, span)?;
    for (a, kind) in args.iter().zip(def.args) {
        // A timeout passed on in a variable (`timeout = schedule_timeout(timeout);`) is taken
        // as MAX_SCHEDULE_TIMEOUT; a constant must say so.
        if *kind == Arg::Timeout && g.const_of(a).is_some_and(|t| t != i32::MAX) {
            g.error(a.span, "timeouts are not modelled: pass MAX_SCHEDULE_TIMEOUT");
            return Err(Reported);
        }
    }
    if is_read(def.builtin) {
        // A read as a statement does nothing; elsewhere it is an ordinary value.
        let v = read(g, def, args, span)?;
        let v = g.operand(v);
        match ret {
            Ret::Discard => {}
            Ret::Local(l) => g.emit(Op::Assign { dst: Place::Local(l), expr: v }),
            Ret::Branch { then, .. } => g.emit(Op::Branch { cond: v, then, wait: None }),
        }
        return Ok(());
    }
    let no_value = |g: &mut Gen, ret: Ret| -> R<()> {
        if ret != Ret::Discard {
            g.error(span, format!("`{}` returns no value", def.name));
            return Err(Reported);
        }
        Ok(())
    };
    let prim = match def.builtin {
        Builtin::PrepareToWait { exclusive } => {
            no_value(g, ret)?;
            let (queue, entry, state) = (queue(g, &args[0])?, entry(g, &args[1])?, g.state(&args[2])?);
            Prim::PrepareToWait { queue, entry, state, exclusive }
        }
        Builtin::PrepareToWaitEvent => {
            let (queue, entry, state) = (queue(g, &args[0])?, entry(g, &args[1])?, g.state(&args[2])?);
            Prim::PrepareToWaitEvent { queue, entry, state }
        }
        Builtin::FinishWait => {
            no_value(g, ret)?;
            Prim::FinishWait { queue: queue(g, &args[0])?, entry: entry(g, &args[1])? }
        }
        Builtin::AbortExclusiveWait => {
            no_value(g, ret)?;
            let (queue, entry) = (queue(g, &args[0])?, entry(g, &args[1])?);
            Prim::AbortExclusiveWait { queue, entry, mode: constant(g, &args[2])? as u16 }
        }
        Builtin::AddWaitQueue { exclusive } => {
            no_value(g, ret)?;
            Prim::AddWaitQueue { queue: queue(g, &args[0])?, entry: entry(g, &args[1])?, exclusive }
        }
        Builtin::Link { tail, exclusive } => {
            no_value(g, ret)?;
            let (queue, entry) = (queue(g, &args[0])?, entry(g, &args[1])?);
            if exclusive {
                // `__add_wait_queue_entry_tail_exclusive()`: `wait->flags |= WQ_FLAG_EXCLUSIVE;`
                // then the link.
                let cur = g.read_place(Place::EntryFlags(entry));
                let flag = g.expr(IExpr::Const(0x01));
                let v = g.expr(IExpr::Binary(crate::program::BinOp::BitOr, cur, flag));
                g.emit(Op::Assign { dst: Place::EntryFlags(entry), expr: v });
            }
            Prim::Link { queue, entry, tail }
        }
        Builtin::RemoveWaitQueue => {
            no_value(g, ret)?;
            Prim::Unlink { queue: Some(queue(g, &args[0])?), entry: entry(g, &args[1])? }
        }
        Builtin::ListDelInit => {
            no_value(g, ret)?;
            Prim::Unlink { queue: None, entry: entry_node(g, &args[0])? }
        }
        Builtin::InitEntry(kind) => {
            no_value(g, ret)?;
            let e = entry(g, &args[0])?;
            let (func, flags) = match kind {
                InitEntry::Wait => (WakeFn::Autoremove, Operand::Const(0)),
                InitEntry::WaitqueueEntry => {
                    current(g, &args[1])?;
                    (WakeFn::Default, Operand::Const(0))
                }
                InitEntry::WaitEntry => (WakeFn::Autoremove, g.rvalue(&args[1])?),
            };
            g.set_wake_fn(e, func, span, false)?;
            let flags = g.operand(flags);
            g.emit(Op::Assign { dst: Place::EntryFlags(e), expr: flags });
            return Ok(());
        }
        Builtin::SetState { barrier } => {
            no_value(g, ret)?;
            Prim::SetState { state: g.state(&args[0])?, barrier }
        }
        Builtin::Schedule => {
            not_atomic(g, def, span)?;
            Prim::Schedule { sleep: 0 }
        }
        Builtin::WakeUp { mode, nr } => {
            no_value(g, ret)?;
            let q = queue(g, &args[0])?;
            Prim::WakeUp { queue: q, mode, nr_exclusive: nr_of(g, nr, args)?, key: None }
        }
        Builtin::WakeUpMode { nr } => {
            no_value(g, ret)?;
            let q = queue(g, &args[0])?;
            let mode = constant(g, &args[1])? as u16;
            Prim::WakeUp { queue: q, mode, nr_exclusive: nr_of(g, nr, args)?, key: None }
        }
        Builtin::WakeUpKeyed { common } => {
            no_value(g, ret)?;
            let q = queue(g, &args[0])?;
            let mode = constant(g, &args[1])? as u16;
            let (nr_exclusive, key_arg) = if common { (nr_of(g, Nr::Arg(2), args)?, &args[4]) } else { (1, &args[2]) };
            let key = wait_page_key(g, key_arg)?;
            let bookmark = if common && g.const_of(&args[5]) != Some(0) {
                let e = entry_node(g, &args[5])?;
                let n = match g.const_of(&args[6]) {
                    Some(n) if (0..=255).contains(&n) => n as u8,
                    _ => {
                        g.error(args[6].span, "WAITQUEUE_WALK_BREAK_CNT must be a constant from 0 to 255");
                        return Err(Reported);
                    }
                };
                Some((e, n))
            } else {
                None
            };
            match key {
                Some((key, page_match)) => {
                    g.emit(Op::Call {
                        prim: Prim::WakeUpKeyed { queue: q, mode, nr_exclusive, key, page_match, bookmark },
                        ret: Ret::Local(page_match),
                    });
                    return Ok(());
                }
                None if bookmark.is_some() => {
                    g.error(
                        key_arg.span,
                        "a walk with a bookmark takes a page's key here: `&key`, a `struct wait_page_key`",
                    );
                    return Err(Reported);
                }
                None => Prim::WakeUp { queue: q, mode, nr_exclusive, key: None },
            }
        }
        Builtin::WakeUpProcess => Prim::WakeUpProcess { task: task(g, &args[0])?, mode: TASK_NORMAL },
        Builtin::WakeUpState => {
            let t = task(g, &args[0])?;
            Prim::WakeUpProcess { task: t, mode: constant(g, &args[1])? as u16 }
        }
        Builtin::MutexLock => {
            no_value(g, ret)?;
            not_atomic(g, def, span)?;
            Prim::MutexLock(mutex(g, &args[0])?)
        }
        Builtin::MutexUnlock => {
            no_value(g, ret)?;
            Prim::MutexUnlock(mutex(g, &args[0])?)
        }
        Builtin::PipeLock { unlock } => {
            no_value(g, ret)?;
            let Some(m) = pipe(g, &args[0])?.1 else {
                g.error(args[0].span, "this pipe has no mutex");
                return Err(Reported);
            };
            if unlock {
                Prim::MutexUnlock(m)
            } else {
                not_atomic(g, def, span)?;
                Prim::MutexLock(m)
            }
        }
        Builtin::SpinLock => {
            no_value(g, ret)?;
            let name = spinlock(g, &args[0])?;
            if g.held.iter().any(|(n, _)| *n == name) {
                g.error(span, format!("`{name}` is already held: taking it again would deadlock"));
                return Err(Reported);
            }
            g.emit(Op::Nop);
            g.held.push((name, span));
            return Ok(());
        }
        Builtin::SpinUnlock => {
            no_value(g, ret)?;
            let name = spinlock(g, &args[0])?;
            match g.held.last() {
                Some((held, _)) if *held == name => {
                    g.emit(Op::Nop);
                    g.held.pop();
                    return Ok(());
                }
                Some((held, _)) => {
                    let msg = format!("unlocks `{name}` while `{held}` is the lock taken last");
                    g.error(span, msg);
                }
                None => g.error(span, format!("unlocks `{name}`, which this function does not hold")),
            }
            return Err(Reported);
        }
        Builtin::SetBit | Builtin::ClearBit => {
            no_value(g, ret)?;
            let b = bit(g, &args[0])?;
            let var = g.word(&args[1])?;
            if def.builtin == Builtin::SetBit {
                Prim::SetBit { var, bit: b }
            } else {
                Prim::ClearBit { var, bit: b }
            }
        }
        Builtin::TestAndSetBit => {
            let b = bit(g, &args[0])?;
            Prim::TestAndSetBit { var: g.word(&args[1])?, bit: b, invert: false }
        }
        Builtin::ClearBitUnlockIsNegativeByte => {
            let b = bit(g, &args[0])?;
            Prim::ClearBitUnlockIsNegativeByte { var: g.word(&args[1])?, bit: b }
        }
        Builtin::TrylockPage => {
            let i = page(g, &args[0])?;
            Prim::TestAndSetBit { var: g.env.page(i).1, bit: PG_LOCKED, invert: true }
        }
        Builtin::SetPageWaiters | Builtin::ClearPageWaiters => {
            no_value(g, ret)?;
            let i = page(g, &args[0])?;
            let var = g.env.page(i).1;
            if def.builtin == Builtin::SetPageWaiters {
                Prim::SetBit { var, bit: PG_WAITERS }
            } else {
                Prim::ClearBit { var, bit: PG_WAITERS }
            }
        }
        Builtin::WakeUpPageBit => {
            no_value(g, ret)?;
            let i = page(g, &args[0])?;
            let b = bit(g, &args[1])?;
            let Some(Node::Queue(queue)) = g.env.page_waitqueue(i, span).map(|n| g.env.resolve(n)) else {
                return Err(Reported);
            };
            Prim::WakeUpPageBit { queue, page: g.env.page(i).0, bit: b }
        }
        Builtin::WakeUpBit | Builtin::WakeUpBitOn => {
            no_value(g, ret)?;
            let (queue, var, b) = if def.builtin == Builtin::WakeUpBit {
                let var = g.word(&args[0])?;
                let index = page_of_var(g, var);
                let Some(Node::Queue(q)) = g.env.page_waitqueue(index, span).map(|n| g.env.resolve(n)) else {
                    return Err(Reported);
                };
                (q, var, bit(g, &args[1])?)
            } else {
                (queue(g, &args[0])?, g.word(&args[1])?, bit(g, &args[2])?)
            };
            // `if (waitqueue_active(wq)) __wake_up(wq, TASK_NORMAL, 1, &key)`: the test takes no
            // lock, so it is a step of its own [ref §0 table, row 27].
            let active = g.expr(IExpr::Read(Read::WaitqueueActive(queue), [ExprId::default(); 3]));
            let (wake, done) = (g.label(), g.label());
            g.emit(Op::Branch { cond: active, then: crate::program::Target(wake.0), wait: None });
            g.goto(done);
            g.bind(wake);
            let key = Some(EntryKey { var, bit: b });
            g.emit(Op::Call {
                prim: Prim::WakeUp { queue, mode: TASK_NORMAL, nr_exclusive: 1, key },
                ret: Ret::Discard,
            });
            g.bind(done);
            return Ok(());
        }
        Builtin::AtomicSet => {
            no_value(g, ret)?;
            let var = g.word(&args[0])?;
            let v = g.rvalue(&args[1])?;
            let v = g.operand(v);
            g.emit(Op::Assign { dst: Place::Var(var), expr: v });
            return Ok(());
        }
        Builtin::Xchg => {
            let value = constant(g, &args[1])?;
            Prim::Xchg { var: g.word(&args[0])?, value }
        }
        Builtin::AtomicAdd { delta, ret: r } => {
            let (delta, word) = match delta {
                Delta::Fixed(d) => (d, &args[0]),
                Delta::Arg => (constant(g, &args[0])?, &args[1]),
                Delta::NegArg => (constant(g, &args[0])?.wrapping_neg(), &args[1]),
            };
            Prim::AtomicAdd { var: g.word(word)?, delta, ret: r }
        }
        Builtin::Barrier => {
            no_value(g, ret)?;
            return Ok(());
        }
        Builtin::Mb => {
            no_value(g, ret)?;
            fence(g);
            return Ok(());
        }
        Builtin::Work { ns } => {
            g.emit(Op::Work { ns });
            match ret {
                Ret::Discard => {}
                Ret::Local(l) => {
                    let bytes = g.expr(IExpr::Const(4096));
                    g.emit(Op::Assign { dst: Place::Local(l), expr: bytes });
                }
                Ret::Branch { .. } => {
                    g.error(span, format!("`{}` copies a page: its value is not a condition", def.name));
                    return Err(Reported);
                }
            }
            return Ok(());
        }
        Builtin::PageWaitqueue | Builtin::BitWaitqueue => {
            g.error(
                span,
                format!(
                    "`{}` names a queue: pass it to a call, or point at it (`wait_queue_head_t *q = ...`)",
                    def.name
                ),
            );
            return Err(Reported);
        }
        _ => unreachable!("reads are handled above"),
    };
    g.emit(Op::Call { prim, ret });
    Ok(())
}

/// `schedule()` and `mutex_lock()` sleep: never inside a critical section.
fn not_atomic(g: &mut Gen, def: &Def, span: Span) -> R<()> {
    if let Some((name, at)) = g.held.last().cloned() {
        g.env.diags.push(
            crate::lang::diag::Diagnostic::error(
                span,
                format!("`{}` inside the critical section of `{name}`", def.name),
            )
            .note(at, "taken here")
            .help("a task cannot sleep holding a spinlock: unlock first"),
        );
        return Err(Reported);
    }
    Ok(())
}

fn nr_of(g: &mut Gen, nr: Nr, args: &[Expr]) -> R<u8> {
    match nr {
        Nr::Fixed(n) => Ok(n),
        Nr::Arg(i) => match g.const_of(&args[i]) {
            Some(n) if (0..=255).contains(&n) => Ok(n as u8),
            _ => {
                g.error(args[i].span, "the number of exclusive waiters to wake must be a constant from 0 to 255");
                Err(Reported)
            }
        },
    }
}

fn constant(g: &mut Gen, e: &Expr) -> R<i32> {
    g.const_of(e).ok_or_else(|| {
        g.error(e.span, "this argument must be a constant");
        Reported
    })
}

fn bit<'a>(g: &mut Gen<'_, 'a>, e: &'a Expr) -> R<u8> {
    let value = match g.const_of(e) {
        // `q->key.bit_nr`: the bit of an entry's key, fixed when the entry was declared.
        None if matches!(e.kind, crate::lang::ast::ExprKind::Member { .. }) => {
            let node = g.object(e)?;
            g.key_bit(&node).map(i32::from)
        }
        v => v,
    };
    match value {
        Some(b) if (0..32).contains(&b) => Ok(b as u8),
        _ => {
            g.error(e.span, "a bit number must be a constant from 0 to 31 (PG_locked, PG_waiters)");
            Err(Reported)
        }
    }
}

fn expect<T>(g: &mut Gen, e: &Expr, what: &str, found: &Node) -> R<T> {
    g.error(e.span, format!("expected {what}, found {}", describe(found)));
    Err(Reported)
}

fn queue<'a>(g: &mut Gen<'_, 'a>, e: &'a Expr) -> R<QueueId> {
    match g.object(e)? {
        Node::Queue(q) => Ok(q),
        other => expect(g, e, "a wait queue head (`&wq`, `&pipe->rd_wait`, `q`)", &other),
    }
}

fn entry<'a>(g: &mut Gen<'_, 'a>, e: &'a Expr) -> R<EntryId> {
    match g.object(e)? {
        Node::Entry(id) => Ok(id),
        Node::Struct { kind: StructKind::WaitPageQueue | StructKind::WaitBitQueue, fields, .. } => {
            match fields.first() {
                Some((_, Node::Entry(id))) => Ok(*id),
                _ => Err(Reported),
            }
        }
        other => expect(g, e, "a wait entry (`&wait`)", &other),
    }
}

fn entry_node<'a>(g: &mut Gen<'_, 'a>, e: &'a Expr) -> R<EntryId> {
    match g.object(e)? {
        Node::EntryNode(id) | Node::Entry(id) => Ok(id),
        other => expect(g, e, "an entry's list node (`&wait->entry`)", &other),
    }
}

/// A wakeup's key: `NULL`, or a waker's `struct wait_page_key` (its page's flags and bit, and
/// its `page_match` local), once `key.page` and `key.bit_nr` are set.
fn wait_page_key<'a>(g: &mut Gen<'_, 'a>, e: &'a Expr) -> R<Option<(EntryKey, crate::program::LocalId)>> {
    if g.const_of(e) == Some(0) {
        return Ok(None);
    }
    match g.object(e)? {
        Node::Struct { kind: StructKind::WaitPageKey(k), .. } => {
            let s = g.keys[usize::from(k)];
            match s.var {
                Some(var) => Ok(Some((EntryKey { var, bit: s.bit.unwrap_or(0) }, s.page_match))),
                None => {
                    g.error(e.span, "this key names no page yet: set `key.page = page;` before the walk");
                    Err(Reported)
                }
            }
        }
        other => expect(g, e, "a key: `NULL`, or `&key` (a `struct wait_page_key`)", &other),
    }
}

fn current<'a>(g: &mut Gen<'_, 'a>, e: &'a Expr) -> R<()> {
    match g.object(e)? {
        Node::Task(TaskRef::Current) => Ok(()),
        other => expect(g, e, "`current` (a task reads only its own signals)", &other),
    }
}

fn task<'a>(g: &mut Gen<'_, 'a>, e: &'a Expr) -> R<Option<TaskId>> {
    match g.object(e)? {
        Node::Task(TaskRef::Current) => Ok(None),
        Node::Task(TaskRef::Task(t)) => Ok(Some(t)),
        other => expect(g, e, "a task (`current`, or a task's name)", &other),
    }
}

fn mutex<'a>(g: &mut Gen<'_, 'a>, e: &'a Expr) -> R<MutexId> {
    match g.object(e)? {
        Node::Mutex(m) => Ok(m),
        other => expect(g, e, "a mutex (`&lock`, `&pipe->mutex`)", &other),
    }
}

fn spinlock<'a>(g: &mut Gen<'_, 'a>, e: &'a Expr) -> R<String> {
    match g.object(e)? {
        Node::Spinlock(name) => Ok(name),
        other => expect(g, e, "a spinlock (`&lock`, `&q->lock`)", &other),
    }
}

fn page<'a>(g: &mut Gen<'_, 'a>, e: &'a Expr) -> R<usize> {
    match g.object(e)? {
        Node::Struct { kind: StructKind::Page(i), .. } => Ok(i),
        other => expect(g, e, "a page", &other),
    }
}

/// A pipe's fields and mutex.
fn pipe<'a>(g: &mut Gen<'_, 'a>, e: &'a Expr) -> R<(PipeRef, Option<MutexId>)> {
    let node = g.object(e)?;
    let Node::Struct { kind: StructKind::Pipe, fields, .. } = node else {
        return expect(g, e, "a pipe", &node);
    };
    let mut field = |name: &str| -> Node {
        let node = fields.iter().find(|(n, _)| n == name).map(|(_, n)| n.clone()).unwrap_or(Node::Const(0));
        g.env.resolve(node)
    };
    let mut var = |name: &str| match field(name) {
        Node::Int(Place::Var(v)) => v,
        _ => VarId(0),
    };
    let pipe = PipeRef {
        head: var("head"),
        tail: var("tail"),
        max_usage: var("max_usage"),
        readers: var("readers"),
        writers: var("writers"),
    };
    let m = fields.iter().find(|(n, _)| n == "mutex").map(|(_, n)| g.env.resolve(n.clone()));
    Ok((pipe, if let Some(Node::Mutex(m)) = m { Some(m) } else { None }))
}

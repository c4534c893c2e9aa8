//! The kernel's own macros, as the kernel writes them (include/linux/wait.h, include/linux/
//! compiler.h), so that `wait_event()` in a scenario expands exactly as in the kernel and the
//! page can show the expansion under the line that calls it [ref §0, last row]. The scenario
//! language's preprocessor loads them before the scenario's own text.

use crate::lang::preprocess::Template;

/// `___wait_event()` of mainline include/linux/wait.h, with the `wait_event*()` forms that call
/// it. `cmd` is `schedule()`; timeouts and the `_lock_irq` forms are not modelled. The kernel's
/// `__label__ __out;` is left out: labels in a statement expression are always its own.
const WAIT_EVENT: &str = r"
#define ___wait_is_interruptible(state) \
	((state) == TASK_INTERRUPTIBLE || (state) == TASK_KILLABLE)
#define ___wait_event(wq_head, condition, state, exclusive, ret, cmd) \
({ \
	struct wait_queue_entry __wq_entry; \
	long __ret = ret;	/* explicit shadow */ \
 \
	init_wait_entry(&__wq_entry, exclusive ? WQ_FLAG_EXCLUSIVE : 0); \
	for (;;) { \
		long __int = prepare_to_wait_event(&wq_head, &__wq_entry, state); \
 \
		if (condition) \
			break; \
 \
		if (___wait_is_interruptible(state) && __int) { \
			__ret = __int; \
			goto __out; \
		} \
 \
		cmd; \
	} \
	finish_wait(&wq_head, &__wq_entry); \
__out:	__ret; \
})
#define wait_event(wq_head, condition) \
	___wait_event(wq_head, condition, TASK_UNINTERRUPTIBLE, 0, 0, schedule())
#define wait_event_interruptible(wq_head, condition) \
	___wait_event(wq_head, condition, TASK_INTERRUPTIBLE, 0, 0, schedule())
#define wait_event_killable(wq_head, condition) \
	___wait_event(wq_head, condition, TASK_KILLABLE, 0, 0, schedule())
#define wait_event_interruptible_exclusive(wq_head, condition) \
	___wait_event(wq_head, condition, TASK_INTERRUPTIBLE, 1, 0, schedule())
#define wait_event_killable_exclusive(wq_head, condition) \
	___wait_event(wq_head, condition, TASK_KILLABLE, 1, 0, schedule())
";

/// `wait_woken()` of kernel/sched/wait.c [ref §4.3]: the state is set, and the sleep skipped
/// when a wakeup already set WOKEN; then WOKEN is cleared with a full barrier.
const WAIT_WOKEN: &str = r"
#define wait_woken(wq_entry, mode, timeout) \
({ \
	set_current_state(mode); \
	if (!((wq_entry)->flags & WQ_FLAG_WOKEN)) \
		schedule(); \
	__set_current_state(TASK_RUNNING); \
	(wq_entry)->flags &= ~WQ_FLAG_WOKEN; \
	timeout; \
})
";

/// include/linux/compiler.h: hints and once-accesses, which change nothing under sequential
/// consistency.
const COMPILER_H: &str = r"
#define likely(x) (x)
#define unlikely(x) (x)
#define READ_ONCE(x) (x)
#define WRITE_ONCE(x, val) ((x) = (val))
";

/// kernel/sched/wait.c of v4.14 [ref §2.4]: the walk's break count, and the bookmark walk
/// `wake_up_page_bit()` calls. The kernel's `__wake_up_common()` reads the constant; the model's
/// takes it as a seventh argument, so that a scenario can scale it down with its own
/// `#define WAITQUEUE_WALK_BREAK_CNT`.
const WAIT_C: &str = r"
#define WAITQUEUE_WALK_BREAK_CNT 64
#define __wake_up_locked_key_bookmark(wq_head, mode, key, bookmark) \
	__wake_up_common(wq_head, mode, 1, 0, key, bookmark, WAITQUEUE_WALK_BREAK_CNT)
";

/// include/asm-generic/barrier.h: `smp_store_mb()`, a store and a full barrier (x86 has an
/// `xchg`, a locked store: the same effect) [ref §6.3].
const BARRIER_H: &str = r"
#define smp_store_mb(var, value) do { WRITE_ONCE(var, value); smp_mb(); } while (0)
";

pub const TEMPLATES: &[Template] = &[
    Template { name: "___wait_event", file: "include/linux/wait.h", text: WAIT_EVENT },
    Template { name: "wait_woken", file: "kernel/sched/wait.c", text: WAIT_WOKEN },
    Template { name: "compiler.h", file: "include/linux/compiler.h", text: COMPILER_H },
    Template { name: "smp_store_mb", file: "include/asm-generic/barrier.h", text: BARRIER_H },
    Template { name: "__wake_up_locked_key_bookmark", file: "kernel/sched/wait.c", text: WAIT_C },
];

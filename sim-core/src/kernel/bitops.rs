//! Shared words: plain stores, bit operations and atomics on shared variables. A page's flags
//! word is one of them; a change to it is reported as a change of the page (`page.rs`).

use crate::effect::{Effect, Sink};
use crate::ids::{TaskId, VarId};
use crate::kernel::Kernel;

/// `test_bit(bit, &word)`.
pub fn test_bit(word: i32, bit: u8) -> i32 {
    (word >> (bit & 31)) & 1
}

fn with_bit(word: i32, bit: u8, on: bool) -> i32 {
    let mask = 1i32.wrapping_shl(u32::from(bit));
    if on {
        word | mask
    } else {
        word & !mask
    }
}

impl Kernel {
    /// A store to a shared variable by task `actor` (or, for a lock handed over by a wake
    /// function, on its behalf).
    pub fn write_var(&mut self, v: VarId, value: i32, actor: TaskId, out: &mut impl Sink) {
        let old = self.vars[v.index()];
        if old == value {
            return;
        }
        self.vars[v.index()] = value;
        match self.page_of(v) {
            Some(p) => self.page_flags_changed(p, old, actor, out),
            None => out.emit(Effect::Store { var: v, value }),
        }
    }

    /// `set_bit()` / `clear_bit()` / `clear_bit_unlock()`: one atomic bit operation.
    pub fn assign_bit(&mut self, v: VarId, bit: u8, on: bool, actor: TaskId, out: &mut impl Sink) {
        let word = with_bit(self.var(v), bit, on);
        self.write_var(v, word, actor, out);
    }

    /// `test_and_set_bit()` / `test_and_set_bit_lock()`: set the bit and return its old value,
    /// in one atomic operation.
    pub fn test_and_set_bit(&mut self, v: VarId, bit: u8, actor: TaskId, out: &mut impl Sink) -> i32 {
        let old = test_bit(self.var(v), bit);
        if old == 0 {
            self.assign_bit(v, bit, true, actor, out);
        }
        old
    }

    /// `clear_bit_unlock_is_negative_byte(PG_locked, &page->flags)`: clear the bit and return
    /// whether PG_waiters (bit 7, the byte's sign bit) is set, in one atomic operation
    /// [ref §2.1 unlock_page].
    pub fn clear_bit_unlock_is_negative_byte(&mut self, v: VarId, bit: u8, actor: TaskId, out: &mut impl Sink) -> i32 {
        self.assign_bit(v, bit, false, actor, out);
        test_bit(self.var(v), crate::kernel::page::PG_WAITERS)
    }

    /// `xchg(&v, value)`, `atomic_xchg()`: a locked exchange on x86; the old value [ref §6.2].
    pub fn xchg(&mut self, v: VarId, value: i32, actor: TaskId, out: &mut impl Sink) -> i32 {
        let before = self.var(v);
        self.write_var(v, value, actor, out);
        before
    }

    /// `atomic_add_return(delta, &v)` (or, with `old`, the value before the add).
    pub fn atomic_add(&mut self, v: VarId, delta: i32, old: bool, actor: TaskId, out: &mut impl Sink) -> i32 {
        let before = self.var(v);
        let after = before.wrapping_add(delta);
        self.write_var(v, after, actor, out);
        if old {
            before
        } else {
            after
        }
    }
}

//! Shared variables: plain stores, bit operations and atomics. A store to a plain variable emits
//! Store; a store to a page's flags word emits Page instead (the page lock's own tests are in
//! `page`).

use super::*;

/// [ref §0 table, row 28] a shared variable written inside a critical section (or with
/// `WRITE_ONCE`): `write_var` stores the value and emits Store, only when the value changes.
/// Other variables, and the pages, are untouched.
#[test]
fn write_var_stores_and_emits_store_only_on_change() {
    let mut k = kernel();
    let mut fx = Vec::new();
    k.write_var(COUNT, 5, T0, &mut fx);
    k.write_var(COUNT, 5, T1, &mut fx);
    k.write_var(COUNT, -1, T1, &mut fx);
    assert_eq!(k.var(COUNT), -1);
    assert_eq!(k.var(WORD), 0);
    assert_eq!((page(&k, P0), page(&k, P1)), ((false, false, None), (false, false, None)));
    assert_eq!(fx, vec![store(COUNT, 5), store(COUNT, -1)]);
}

/// [ref §2.1 "atomic bit operations"] `set_bit()` / `clear_bit()`: `assign_bit` changes one bit
/// and keeps the others, up to bit 31 (the sign bit of the model's 32-bit words); setting a set
/// bit or clearing a clear one emits nothing. `test_bit` reads one bit.
#[test]
fn assign_bit_changes_one_bit_and_emits_only_on_change() {
    let mut k = kernel();
    let mut fx = Vec::new();
    k.assign_bit(WORD, 3, true, T0, &mut fx);
    k.assign_bit(WORD, 3, true, T0, &mut fx);
    k.assign_bit(WORD, 31, true, T0, &mut fx);
    k.assign_bit(WORD, 3, false, T0, &mut fx);
    k.assign_bit(WORD, 0, false, T0, &mut fx);
    assert_eq!(k.var(WORD), i32::MIN);
    assert_eq!((test_bit(k.var(WORD), 31), test_bit(k.var(WORD), 3), test_bit(k.var(WORD), 0)), (1, 0, 0));
    assert_eq!(fx, vec![store(WORD, 0b1000), store(WORD, i32::MIN | 0b1000), store(WORD, i32::MIN)]);
}

/// [ref §2.1 lock_page] `test_and_set_bit()` sets the bit and returns its old value, in one
/// atomic step. On a plain variable it emits Store and tracks no owner; on a page's flags word
/// the same call emits Page, whose owner is the task that set PG_locked. A failed attempt (bit
/// already set) emits nothing.
#[test]
fn test_and_set_bit_on_a_plain_variable_emits_store_and_on_a_page_emits_page_with_owner() {
    let mut k = kernel();
    let mut fx = Vec::new();
    assert_eq!(k.test_and_set_bit(COUNT, PG_LOCKED, T1, &mut fx), 0);
    assert_eq!(k.test_and_set_bit(COUNT, PG_LOCKED, T2, &mut fx), 1);
    assert_eq!(k.var(COUNT), 1);
    assert_eq!((page(&k, P0), page(&k, P1)), ((false, false, None), (false, false, None)), "no page changed");
    assert_eq!(fx, vec![store(COUNT, 1)]);

    let mut fx = Vec::new();
    assert_eq!(k.test_and_set_bit(P0_FLAGS, PG_LOCKED, T1, &mut fx), 0);
    assert_eq!(k.test_and_set_bit(P0_FLAGS, PG_LOCKED, T2, &mut fx), 1);
    assert_eq!(k.var(P0_FLAGS), 1);
    assert_eq!(page(&k, P0), (true, false, Some(T1)), "the first caller owns it");
    assert_eq!(page(&k, P1), (false, false, None));
    assert_eq!(fx, vec![page_fx(true, false, Some(T1))]);
}

/// [ref §2.1 unlock_page] `clear_bit_unlock_is_negative_byte(nr, word)`: clear bit `nr` and
/// return whether bit 7 (the low byte's sign bit) is set, in one atomic step, on any word. On a
/// plain variable: a Store. Clearing a clear bit changes nothing, but still returns bit 7.
#[test]
fn clear_bit_unlock_is_negative_byte_clears_the_bit_and_returns_bit_seven() {
    let mut k = kernel();
    k.vars[WORD.index()] = 0x81;
    let mut fx = Vec::new();
    assert_eq!(k.clear_bit_unlock_is_negative_byte(WORD, 0, T0, &mut fx), 1);
    assert_eq!(k.var(WORD), 0x80);
    assert_eq!(k.clear_bit_unlock_is_negative_byte(WORD, 0, T0, &mut fx), 1, "already clear");
    k.vars[COUNT.index()] = 0x103;
    assert_eq!(k.clear_bit_unlock_is_negative_byte(COUNT, 1, T0, &mut fx), 0, "bit 8 is not the sign bit");
    assert_eq!(k.var(COUNT), 0x101);
    assert_eq!(fx, vec![store(WORD, 0x80), store(COUNT, 0x101)]);
}

/// `atomic_add_return(delta, &v)` / `atomic_fetch_add(delta, &v)`: one atomic step that
/// returns the new value, or with `old` the value before the add. It wraps at the ends of i32,
/// and an add of 0 stores nothing. (docs/kernel.md has no row for the atomics yet; like every
/// primitive of [ref §0 table] it is one atomic step.)
#[test]
fn atomic_add_returns_the_new_or_the_old_value() {
    let mut k = kernel();
    let mut fx = Vec::new();
    assert_eq!(k.atomic_add(COUNT, 1, false, T0, &mut fx), 1);
    assert_eq!(k.atomic_add(COUNT, 1, true, T1, &mut fx), 1, "the value before");
    assert_eq!(k.var(COUNT), 2);
    assert_eq!(k.atomic_add(COUNT, -2, false, T0, &mut fx), 0);
    assert_eq!(k.atomic_add(COUNT, 0, false, T0, &mut fx), 0);
    assert_eq!(k.atomic_add(COUNT, 0, true, T0, &mut fx), 0);
    k.vars[WORD.index()] = i32::MAX;
    assert_eq!(k.atomic_add(WORD, 1, false, T0, &mut fx), i32::MIN, "wraps");
    assert_eq!(k.atomic_add(WORD, -1, true, T0, &mut fx), i32::MIN);
    assert_eq!(k.var(WORD), i32::MAX);
    assert_eq!(
        fx,
        vec![store(COUNT, 1), store(COUNT, 2), store(COUNT, 0), store(WORD, i32::MIN), store(WORD, i32::MAX)]
    );
}

//! The visited set: for each state reached, a fingerprint and a few bits kept with it (the
//! choices still asleep there, and whether only a mover was explored), in 12 bytes.
//!
//! A state's 128-bit fingerprint (`hash::Fingerprinter`) is kept as 78 bits: 64 in `tag`, 14 in
//! `word`, beside 17 bits of value and an occupied bit. Two distinct states among n share 78
//! bits with probability at most n²/2⁷⁹ (the birthday bound): 1.7·10⁻¹⁰ at 10⁷ states,
//! 1.7·10⁻⁸ at 10⁸. (A search that trusts a wrong match would skip a state; SPIN's
//! hash-compact mode, `-DHC4`, keeps 32 bits.)
//!
//! The table is one flat array of slots with linear probing: a lookup reads one or two cache
//! lines, where a general hash map reads a control byte and then the bucket. A slot's home is
//! `tag` scaled to the table's length (Lemire's "fastrange"), so the length need not be a power
//! of two: the table grows by half when 7/8 full, and never holds less than 7/12 of its slots
//! full once grown, so it costs at most 12 / (7/12) ≈ 20.6 bytes per state.

/// The bits of value kept with a state.
pub const VALUE_BITS: u32 = 17;
const VALUE_MASK: u32 = (1 << VALUE_BITS) - 1;
const OCCUPIED: u32 = 1 << 31;
/// The fingerprint's bits kept in `word`, above the value.
const EXTRA_MASK: u32 = !OCCUPIED & !VALUE_MASK;

/// One slot: 12 bytes, 4-aligned, so that slots pack without padding.
#[derive(Clone, Copy, Default)]
#[repr(C, packed(4))]
struct Slot {
    tag: u64,
    /// `OCCUPIED`, then 14 more bits of the fingerprint, then the value.
    word: u32,
}

pub const SLOT_BYTES: u64 = std::mem::size_of::<Slot>() as u64;

/// A fingerprint as the table keeps it.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    tag: u64,
    extra: u32,
}

impl Key {
    fn of(fingerprint: u128) -> Key {
        Key { tag: fingerprint as u64, extra: ((fingerprint >> 64) as u32) << VALUE_BITS & EXTRA_MASK }
    }
}

pub struct Visited {
    slots: Vec<Slot>,
    len: usize,
}

/// Where a fingerprint is, or would go.
pub enum Entry<'a> {
    Occupied(Occupied<'a>),
    Vacant(Vacant<'a>),
}

pub struct Occupied<'a> {
    table: &'a mut Visited,
    slot: usize,
}

pub struct Vacant<'a> {
    table: &'a mut Visited,
    key: Key,
}

impl Occupied<'_> {
    pub fn get(&self) -> u32 {
        self.table.slots[self.slot].word & VALUE_MASK
    }

    pub fn set(&mut self, value: u32) {
        debug_assert!(value <= VALUE_MASK);
        let word = &mut self.table.slots[self.slot].word;
        *word = *word & !VALUE_MASK | value;
    }
}

impl Vacant<'_> {
    pub fn insert(self, value: u32) {
        self.table.insert_new(self.key, value);
    }
}

impl Visited {
    /// A table with room for `states` before it first grows.
    pub fn with_capacity(states: usize) -> Visited {
        Visited { slots: vec![Slot::default(); Self::slots_for(states)], len: 0 }
    }

    fn slots_for(states: usize) -> usize {
        (states * 8 / 7).max(8)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes the table holds now.
    pub fn bytes(&self) -> u64 {
        self.slots.len() as u64 * SLOT_BYTES
    }

    /// The bytes it will hold once one more state is inserted.
    pub fn bytes_after_insert(&self) -> u64 {
        if self.is_full() {
            Self::grown(self.slots.len()) as u64 * SLOT_BYTES
        } else {
            self.bytes()
        }
    }

    fn is_full(&self) -> bool {
        (self.len + 1) * 8 > self.slots.len() * 7
    }

    fn grown(slots: usize) -> usize {
        slots + slots / 2
    }

    fn home(&self, key: Key) -> usize {
        ((u128::from(key.tag) * self.slots.len() as u128) >> 64) as usize
    }

    /// The slot holding `key`, or the empty slot where it would go.
    fn probe(&self, key: Key) -> Result<usize, usize> {
        let mut i = self.home(key);
        loop {
            let slot = self.slots[i];
            if slot.word & OCCUPIED == 0 {
                return Err(i);
            }
            if slot.tag == key.tag && slot.word & EXTRA_MASK == key.extra {
                return Ok(i);
            }
            i += 1;
            if i == self.slots.len() {
                i = 0;
            }
        }
    }

    pub fn entry(&mut self, fingerprint: u128) -> Entry<'_> {
        let key = Key::of(fingerprint);
        match self.probe(key) {
            Ok(slot) => Entry::Occupied(Occupied { table: self, slot }),
            Err(_) => Entry::Vacant(Vacant { table: self, key }),
        }
    }

    /// Start loading the line where `fingerprint` would be, so that the lookup that follows other
    /// work finds it in the cache: the table is far larger than the cache, and the lookup's miss
    /// was a quarter of the explorer's time.
    pub fn prefetch(&self, fingerprint: u128) {
        #[cfg(target_arch = "x86_64")]
        {
            let slot = &self.slots[self.home(Key::of(fingerprint))];
            // SAFETY: a prefetch is a hint; it reads nothing and cannot fault.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    (slot as *const Slot).cast::<i8>(),
                )
            };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = fingerprint;
    }

    pub fn contains(&self, fingerprint: u128) -> bool {
        self.probe(Key::of(fingerprint)).is_ok()
    }

    /// The value kept with `fingerprint`, if it is here.
    pub fn get(&self, fingerprint: u128) -> Option<u32> {
        self.probe(Key::of(fingerprint)).ok().map(|i| self.slots[i].word & VALUE_MASK)
    }

    /// Set the value kept with `fingerprint`, if it is here.
    pub fn update(&mut self, fingerprint: u128, f: impl FnOnce(u32) -> u32) {
        if let Ok(i) = self.probe(Key::of(fingerprint)) {
            let word = self.slots[i].word;
            self.slots[i].word = word & !VALUE_MASK | f(word & VALUE_MASK);
        }
    }

    /// Insert `fingerprint` with `value`; returns false (and changes nothing) if it is here.
    pub fn insert(&mut self, fingerprint: u128, value: u32) -> bool {
        let key = Key::of(fingerprint);
        if self.probe(key).is_ok() {
            return false;
        }
        self.insert_new(key, value);
        true
    }

    fn insert_new(&mut self, key: Key, value: u32) {
        debug_assert!(value <= VALUE_MASK);
        if self.is_full() {
            self.grow();
        }
        let Err(i) = self.probe(key) else { unreachable!("inserting a key that is present") };
        self.slots[i] = Slot { tag: key.tag, word: OCCUPIED | key.extra | value };
        self.len += 1;
    }

    /// Grow by half. Homes keep their order (they scale with the table), so the old slots,
    /// read in order, land nearly in order: the copy streams through memory.
    fn grow(&mut self) {
        let grown = vec![Slot::default(); Self::grown(self.slots.len())];
        let old = std::mem::replace(&mut self.slots, grown);
        for slot in old.into_iter().filter(|s| s.word & OCCUPIED != 0) {
            let key = Key { tag: slot.tag, extra: slot.word & EXTRA_MASK };
            let Err(i) = self.probe(key) else { unreachable!("a key twice in the table") };
            self.slots[i] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fingerprints as the explorer makes them: well mixed in all 128 bits.
    fn fingerprint(i: u64) -> u128 {
        xxhash_rust::xxh3::xxh3_128(&i.to_le_bytes())
    }

    #[test]
    fn keeps_every_state_and_its_value_across_growth() {
        let mut v = Visited::with_capacity(0);
        for i in 0..100_000u64 {
            assert!(v.insert(fingerprint(i), (i % 1000) as u32));
            assert!(!v.insert(fingerprint(i), 5), "a second insert of {i} is refused");
        }
        assert_eq!(v.len(), 100_000);
        for i in 0..100_000u64 {
            assert_eq!(v.get(fingerprint(i)), Some((i % 1000) as u32), "state {i}");
        }
        assert!(!v.contains(fingerprint(100_000)));
        v.update(fingerprint(7), |x| x | 1 << 16);
        assert_eq!(v.get(fingerprint(7)), Some(7 | 1 << 16));
        match v.entry(fingerprint(8)) {
            Entry::Occupied(mut e) => {
                assert_eq!(e.get(), 8);
                e.set(0);
            }
            Entry::Vacant(_) => panic!("state 8 is in the table"),
        }
        assert_eq!(v.get(fingerprint(8)), Some(0));
    }

    #[test]
    fn states_differing_only_in_the_high_bits_are_distinct() {
        let mut v = Visited::with_capacity(16);
        let low = 0x1234_5678_9abc_def0u128;
        assert!(v.insert(low, 1));
        assert!(v.insert(low | 1 << 64, 2));
        assert!(v.insert(low | 1 << 77, 3));
        assert_eq!((v.get(low), v.get(low | 1 << 64), v.get(low | 1 << 77)), (Some(1), Some(2), Some(3)));
    }

    #[test]
    fn costs_at_most_21_bytes_per_state_once_grown() {
        let mut v = Visited::with_capacity(0);
        let mut worst: f64 = 0.0;
        for i in 0..1_000_000u64 {
            v.insert(fingerprint(i), 0);
            if i >= 1000 {
                worst = worst.max(v.bytes() as f64 / v.len() as f64);
            }
        }
        assert_eq!(std::mem::size_of::<Slot>(), 12);
        assert!(worst <= 12.0 * 12.0 / 7.0 + 0.01, "{worst} bytes per state");
        assert!(v.bytes_after_insert() >= v.bytes());
    }
}

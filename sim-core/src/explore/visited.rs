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

/// The empty slots of a table grown from another, made apart from it (`Visited::spare`).
pub struct Spare(Vec<Slot>);

pub struct Visited {
    slots: Vec<Slot>,
    len: usize,
    /// The bytes it may grow to.
    limit: u64,
}

/// An insert would have grown the visited set past its limit, and did not happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outgrown;

/// What a search asks of its visited set: `Visited` itself, or a set shared by several threads
/// (`parallel::Shared`).
pub trait Store {
    /// A hint: `fingerprint` is looked up soon.
    fn prefetch(&mut self, fingerprint: u128);
    /// Look `fingerprint` up, and let `f` decide from the value kept with it (`None`: it is
    /// not here) what to keep now (`None`: leave it as it is, or absent). Returns the value found;
    /// or `Outgrown`, with nothing changed, if keeping a new one would pass the set's limit.
    fn upsert(
        &mut self,
        fingerprint: u128,
        f: impl FnOnce(Option<u32>) -> Option<u32>,
    ) -> Result<Option<u32>, Outgrown>;
    /// The bytes held now.
    fn bytes(&self) -> u64;

    /// Insert `fingerprint` with `value`: whether it is new.
    fn insert(&mut self, fingerprint: u128, value: u32) -> Result<bool, Outgrown> {
        Ok(self.upsert(fingerprint, |old| old.is_none().then_some(value))?.is_none())
    }

    /// Change the value kept with `fingerprint`, if it is here.
    fn update(&mut self, fingerprint: u128, f: impl FnOnce(u32) -> u32) {
        // Nothing new is kept, so the limit does not apply.
        let _ = self.upsert(fingerprint, |old| old.map(f));
    }
}

impl Store for Visited {
    /// Start loading the line where `fingerprint` would be, so that the lookup that follows other
    /// work finds it in the cache: the table is far larger than the cache, and the lookup's miss
    /// was a quarter of the explorer's time.
    fn prefetch(&mut self, fingerprint: u128) {
        self.place().prefetch(fingerprint);
    }

    fn upsert(
        &mut self,
        fingerprint: u128,
        f: impl FnOnce(Option<u32>) -> Option<u32>,
    ) -> Result<Option<u32>, Outgrown> {
        let (bytes, limit) = (self.bytes(), self.limit);
        self.upsert_growing(fingerprint, f, |more| bytes + more <= limit)
    }

    fn bytes(&self) -> u64 {
        Visited::bytes(self)
    }
}

/// The slot a key belongs in, in a table of `len` slots: its tag scaled to the length.
fn home(key: Key, len: usize) -> usize {
    ((u128::from(key.tag) * len as u128) >> 64) as usize
}

/// Where a table's slots were when it was asked, for a prefetch by a thread that may not read
/// the table (another may be growing it): an address, not a reference.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Place {
    pub base: usize,
    pub len: usize,
}

impl Place {
    /// A hint to load the line where `fingerprint` would be. The place may be stale: a prefetch
    /// reads nothing, and cannot fault, whatever the address.
    pub fn prefetch(self, fingerprint: u128) {
        let address = self.base.wrapping_add(home(Key::of(fingerprint), self.len).wrapping_mul(SLOT_BYTES as usize));
        prefetch(address);
    }
}

/// A hint to the processor to load the line at `address` into its caches.
fn prefetch(address: usize) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint: it reads nothing, and cannot fault whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(address as *const i8)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}

/// `n` empty slots, in huge pages where the kernel has them (`huge_pages`).
fn empty_slots(n: usize) -> Vec<Slot> {
    let mut slots: Vec<Slot> = Vec::with_capacity(n);
    huge_pages(slots.as_ptr().cast(), n * std::mem::size_of::<Slot>());
    slots.resize(n, Slot::default());
    slots
}

/// Advice that the `bytes` at `start`, allocated and not yet touched, be backed by transparent
/// huge pages (on Linux; elsewhere, nothing). A lookup in the visited set or the bitstate array
/// lands anywhere, and with 4 KiB pages nearly every one also misses the TLB: measured, huge
/// pages take 11% off a search of 10⁸ states (BENCHMARKS.md).
pub(super) fn huge_pages(start: *const u8, bytes: usize) {
    #[cfg(target_os = "linux")]
    {
        let page = 4096;
        let (start, end) = ((start as usize).next_multiple_of(page), start as usize + bytes);
        if end > start + page {
            // SAFETY: advice on whole pages of an allocation its caller owns and has not
            // touched: it cannot change their contents, and if it fails nothing changes.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, bytes);
}

impl Visited {
    /// A table with room for `states` before it first grows, that never grows past `limit`
    /// bytes.
    pub fn new(states: usize, limit: u64) -> Visited {
        Visited { slots: empty_slots(Self::slots_for(states)), len: 0, limit }
    }

    /// `upsert` (`Store`), asking `may_grow` whether the table may take that many more bytes
    /// when keeping a new fingerprint needs it to grow.
    pub fn upsert_growing(
        &mut self,
        fingerprint: u128,
        f: impl FnOnce(Option<u32>) -> Option<u32>,
        may_grow: impl FnOnce(u64) -> bool,
    ) -> Result<Option<u32>, Outgrown> {
        let key = Key::of(fingerprint);
        match self.probe(key) {
            Ok(i) => {
                let word = self.slots[i].word;
                let old = word & VALUE_MASK;
                if let Some(value) = f(Some(old)) {
                    debug_assert!(value <= VALUE_MASK);
                    self.slots[i].word = word & !VALUE_MASK | value;
                }
                Ok(Some(old))
            }
            Err(at) => {
                if let Some(value) = f(None) {
                    if self.is_full() && !may_grow(self.growth()) {
                        return Err(Outgrown);
                    }
                    self.insert_new(key, value, at);
                }
                Ok(None)
            }
        }
    }

    fn slots_for(states: usize) -> usize {
        (states * 8 / 7).max(8)
    }

    /// The bytes the table holds now.
    pub fn bytes(&self) -> u64 {
        self.slots.len() as u64 * SLOT_BYTES
    }

    /// Whether keeping one more state grows the table.
    pub fn is_full(&self) -> bool {
        (self.len + 1) * 8 > self.slots.len() * 7
    }

    fn grown(slots: usize) -> usize {
        slots + slots / 2
    }

    fn home(&self, key: Key) -> usize {
        home(key, self.slots.len())
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

    /// Where the slots are now.
    pub fn place(&self) -> Place {
        Place { base: self.slots.as_ptr() as usize, len: self.slots.len() }
    }

    /// Keep a new key in the empty slot `at` that its probe ended at (or, if the table must
    /// grow first, where it goes then).
    fn insert_new(&mut self, key: Key, value: u32, mut at: usize) {
        debug_assert!(value <= VALUE_MASK);
        if self.is_full() {
            self.grow();
            let Err(i) = self.probe(key) else { unreachable!("inserting a key that is present") };
            at = i;
        }
        self.slots[at] = Slot { tag: key.tag, word: OCCUPIED | key.extra | value };
        self.len += 1;
    }

    /// The bytes that growing takes.
    pub fn growth(&self) -> u64 {
        (Self::grown(self.slots.len()) - self.slots.len()) as u64 * SLOT_BYTES
    }

    /// The empty slots the table grows into, made without it.
    pub fn spare(len: usize) -> Spare {
        Spare(empty_slots(Self::grown(len)))
    }

    fn grow(&mut self) {
        self.grow_into(Self::spare(self.slots.len()));
    }

    /// Grow by half, into `spare`, made for a table as long as this one. Homes keep their order
    /// (they scale with the table), so the old slots, read in order, land nearly in order: the
    /// copy streams through memory.
    pub fn grow_into(&mut self, spare: Spare) {
        debug_assert_eq!(spare.0.len(), Self::grown(self.slots.len()));
        let old = std::mem::replace(&mut self.slots, spare.0);
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

    /// What the tests look at.
    impl Visited {
        fn len(&self) -> usize {
            self.len
        }

        fn contains(&self, fingerprint: u128) -> bool {
            self.probe(Key::of(fingerprint)).is_ok()
        }

        fn get(&self, fingerprint: u128) -> Option<u32> {
            self.probe(Key::of(fingerprint)).ok().map(|i| self.slots[i].word & VALUE_MASK)
        }
    }

    /// Fingerprints as the explorer makes them: well mixed in all 128 bits.
    fn fingerprint(i: u64) -> u128 {
        xxhash_rust::xxh3::xxh3_128(&i.to_le_bytes())
    }

    #[test]
    fn keeps_every_state_and_its_value_across_growth() {
        let mut v = Visited::new(0, u64::MAX);
        for i in 0..100_000u64 {
            assert_eq!(v.insert(fingerprint(i), (i % 1000) as u32), Ok(true));
            assert_eq!(v.insert(fingerprint(i), 5), Ok(false), "a second insert of {i} is refused");
        }
        assert_eq!(v.len(), 100_000);
        for i in 0..100_000u64 {
            assert_eq!(v.get(fingerprint(i)), Some((i % 1000) as u32), "state {i}");
        }
        assert!(!v.contains(fingerprint(100_000)));
        v.update(fingerprint(7), |x| x | 1 << 16);
        assert_eq!(v.get(fingerprint(7)), Some(7 | 1 << 16));
        assert_eq!(v.upsert(fingerprint(8), |old| old.map(|_| 0)), Ok(Some(8)));
        assert_eq!(v.get(fingerprint(8)), Some(0));
        assert_eq!(v.upsert(fingerprint(100_001), |_| None), Ok(None), "absent, and left absent");
        assert!(!v.contains(fingerprint(100_001)));
    }

    #[test]
    fn states_differing_only_in_the_high_bits_are_distinct() {
        let mut v = Visited::new(16, u64::MAX);
        let low = 0x1234_5678_9abc_def0u128;
        for (i, fingerprint) in [low, low | 1 << 64, low | 1 << 77].into_iter().enumerate() {
            assert_eq!(v.insert(fingerprint, i as u32 + 1), Ok(true));
        }
        assert_eq!((v.get(low), v.get(low | 1 << 64), v.get(low | 1 << 77)), (Some(1), Some(2), Some(3)));
    }

    #[test]
    fn costs_at_most_21_bytes_per_state_once_grown() {
        let mut v = Visited::new(0, u64::MAX);
        let mut worst: f64 = 0.0;
        for i in 0..1_000_000u64 {
            v.insert(fingerprint(i), 0).unwrap();
            if i >= 1000 {
                worst = worst.max(v.bytes() as f64 / v.len() as f64);
            }
        }
        assert_eq!(std::mem::size_of::<Slot>(), 12);
        assert!(worst <= 12.0 * 12.0 / 7.0 + 0.01, "{worst} bytes per state");
    }

    #[test]
    fn refuses_to_grow_past_its_limit() {
        let mut v = Visited::new(0, 1000);
        let mut kept = 0;
        while v.insert(fingerprint(kept), 0) == Ok(true) {
            kept += 1;
        }
        assert!(v.bytes() <= 1000 && kept > 40, "{kept} states in {} bytes", v.bytes());
        assert_eq!(v.insert(fingerprint(0), 0), Ok(false), "a state it has is no growth");
        assert_eq!(v.insert(fingerprint(kept), 0), Err(Outgrown));
        assert!(!v.contains(fingerprint(kept)));
    }
}

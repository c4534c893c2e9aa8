//! A hasher whose output is the same on every platform: every integer is folded as a 64-bit
//! little-endian word, so `usize`/`isize` (32 bits on wasm32) and enum discriminants hash alike
//! natively and in the browser. Used for trace hashes, which tests compare across platforms.

use std::hash::Hasher;

/// FxHash's multiplier: an odd constant with well-spread bits.
const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Clone, Copy, Debug, Default)]
pub struct StableHasher(u64);

impl StableHasher {
    #[inline]
    fn fold(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for StableHasher {
    /// The splitmix64 finaliser, so that nearby inputs give unrelated outputs.
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.fold(u64::from_le_bytes(word));
        }
        self.fold(bytes.len() as u64);
    }

    fn write_u8(&mut self, i: u8) {
        self.fold(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.fold(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.fold(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.fold(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.fold(i as u64);
    }
    fn write_i8(&mut self, i: i8) {
        self.fold(i as u64);
    }
    fn write_i16(&mut self, i: i16) {
        self.fold(i as u64);
    }
    fn write_i32(&mut self, i: i32) {
        self.fold(i as u64);
    }
    fn write_i64(&mut self, i: i64) {
        self.fold(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.fold(i as u64);
    }
}

/// A set of fingerprints: they are hashes already, so the set uses their low bits as they
/// are instead of hashing them again.
pub type FingerprintSet = std::collections::HashSet<u128, std::hash::BuildHasherDefault<PassThrough>>;

/// The bytes a hash table with room for `capacity` entries of `entry` bytes holds, and what it
/// holds after one more insert when it has `len`: hashbrown keeps a power of two of buckets, at
/// most 7/8 of them full, each with a control byte, and doubles them when full.
pub fn table_bytes(len: usize, capacity: usize, entry: usize) -> (u64, u64) {
    let buckets = if capacity < 8 { capacity + 1 } else { (capacity * 8 / 7).next_power_of_two() };
    let bytes = |b: usize| (b * (entry + 1) + 16) as u64;
    let grown = if len >= capacity { (buckets * 2).max(4) } else { buckets };
    (bytes(buckets), bytes(grown))
}

#[derive(Default)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes.iter().take(8) {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u128(&mut self, i: u128) {
        self.0 = i as u64;
    }
}

/// 128-bit fingerprints of states for the explorers' visited sets: the state's `Hash` output
/// gathered as bytes, then xxh3-128. The visited sets keep fingerprints instead of whole states:
/// the exhaustive explorer's keeps 78 of the bits (`explore/visited.rs`: two of n distinct
/// states share them with probability at most n²/2⁷⁹, 1.7·10⁻¹⁰ at 10⁷ states), the
/// breadth-first search's all 128 (n²/2¹²⁹).
pub struct Fingerprinter {
    buf: Vec<u8>,
    /// The kernel's encoding, reused: zeroing a fresh one per state cost 2% of exploration.
    encoded: Box<[u8; crate::kernel::ENCODED_MAX]>,
}

impl Default for Fingerprinter {
    fn default() -> Self {
        Fingerprinter { buf: Vec::new(), encoded: Box::new([0; crate::kernel::ENCODED_MAX]) }
    }
}

impl Fingerprinter {
    pub fn fingerprint<T: std::hash::Hash>(&mut self, value: &T) -> u128 {
        self.buf.clear();
        value.hash(self);
        xxhash_rust::xxh3::xxh3_128(&self.buf)
    }

    /// The fingerprint of a kernel state, from its dense encoding, and `extra` (what else
    /// identifies the search state, e.g. preemptions spent).
    pub fn kernel(&mut self, k: &crate::kernel::Kernel, extra: u64) -> u128 {
        self.kernel_as(k, &crate::kernel::AsIs, extra)
    }

    /// `kernel` of the state with its tasks renamed (the explorers' symmetry reduction).
    #[inline]
    pub fn kernel_as(&mut self, k: &crate::kernel::Kernel, naming: &impl crate::kernel::Naming, extra: u64) -> u128 {
        let n = k.encode_as(naming, &mut self.encoded);
        xxhash_rust::xxh3::xxh3_128_with_seed(&self.encoded[..n], extra)
    }
}

impl Hasher for Fingerprinter {
    fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(&self.buf)
    }
    fn write(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }
    fn write_u8(&mut self, i: u8) {
        self.buf.push(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.buf.extend_from_slice(&(i as u64).to_le_bytes());
    }
    fn write_isize(&mut self, i: isize) {
        self.buf.extend_from_slice(&(i as u64).to_le_bytes());
    }
}

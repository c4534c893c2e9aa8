//! `explore --bitstate SIZE`: Holzmann's bitstate hashing (SPIN's `-DBITSTATE`), for state spaces
//! beyond memory. A state is not kept at all: it sets 3 bits, chosen by its fingerprint, in an
//! array of SIZE bytes, and counts as seen when all 3 are set. A new state whose 3 bits happen
//! to be set already is wrongly taken as seen, and the search does not go on from it: a
//! "complete" search is complete only with a probability, which `omissions` estimates.
//!
//! Nothing is kept with a state, so the sleep sets (which need the choices asleep at each
//! state) are off in this mode; symmetry and movers are not (`Config::reductions_for`). The
//! bits are set with atomic `or`s, so threads share one array without locks. Two threads that
//! meet a new state at once may both explore it: that costs time, not soundness, but such a
//! state and the end states below it are counted twice, so on several threads the counts may
//! exceed one thread's by a few (the verdict and the counterexample are the same). Putting a
//! state's 3 bits in one word would let one atomic `or` claim it, but at the sizes users pick
//! such a "blocked" filter misses about ten times as many states, the wrong trade here.

use std::sync::atomic::{AtomicU64, Ordering};

use super::visited::{huge_pages, Outgrown, Store};

/// Bits set per state: SPIN's default (`-k3`).
pub const HASHES: u32 = 3;

pub struct Bitstate {
    words: Box<[AtomicU64]>,
}

impl Bitstate {
    /// An array of `bytes` (at least 8).
    pub fn new(bytes: u64) -> Bitstate {
        let n = (bytes / 8).max(1) as usize;
        let mut words: Vec<AtomicU64> = Vec::with_capacity(n);
        huge_pages(words.as_ptr().cast(), n * 8);
        words.resize_with(n, || AtomicU64::new(0));
        Bitstate { words: words.into_boxed_slice() }
    }

    pub fn bits(&self) -> u64 {
        self.words.len() as u64 * 64
    }

    /// The state's bits: three 42-bit slices of its fingerprint, each scaled to the array.
    fn positions(&self, fingerprint: u128) -> [u64; HASHES as usize] {
        let bits = u128::from(self.bits());
        [0, 1, 2].map(|i| ((((fingerprint >> (42 * i)) & ((1 << 42) - 1)) * bits) >> 42) as u64)
    }
}

impl Store for &Bitstate {
    fn prefetch(&mut self, _: u128) {}

    /// Present (with nothing asleep) if its bits were all set; else set them, if `f` keeps it.
    fn upsert(
        &mut self,
        fingerprint: u128,
        f: impl FnOnce(Option<u32>) -> Option<u32>,
    ) -> Result<Option<u32>, Outgrown> {
        let positions = self.positions(fingerprint);
        let word = |p: u64| &self.words[(p / 64) as usize];
        if positions.iter().all(|&p| word(p).load(Ordering::Relaxed) & 1 << (p % 64) != 0) {
            return Ok(Some(0));
        }
        if f(None).is_some() {
            for p in positions {
                word(p).fetch_or(1 << (p % 64), Ordering::Relaxed);
            }
        }
        Ok(None)
    }

    fn bytes(&self) -> u64 {
        self.bits() / 8
    }
}

/// The expected number of new states wrongly taken as seen by a search that stored `states`
/// in `bits` bits: the i-th new state finds its 3 bits set with probability about
/// (1 - e^(-3i/bits))³, summed over i (Holzmann, "An analysis of bitstate hashing", 1998).
pub fn omissions(states: u64, bits: u64) -> f64 {
    let k = f64::from(HASHES);
    let m = bits as f64;
    // The sum as an integral: ∫₀ⁿ (1 - e^(-k·x/m))^k dx, by the midpoint rule on 1,000 pieces.
    let n = states as f64;
    let pieces = 1000;
    let width = n / f64::from(pieces);
    (0..pieces)
        .map(|i| {
            let x = (f64::from(i) + 0.5) * width;
            (1.0 - (-k * x / m).exp()).powf(k) * width
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_seen_once_its_bits_are_set() {
        let mut b = &Bitstate::new(1 << 20);
        let fingerprint = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
        assert_eq!(b.upsert(fingerprint, |_| Some(0)), Ok(None));
        assert_eq!(b.upsert(fingerprint, |_| Some(0)), Ok(Some(0)));
        assert_eq!(b.upsert(!fingerprint, |_| None), Ok(None), "not kept when f says so");
        assert_eq!(b.upsert(!fingerprint, |_| None), Ok(None));
        assert_eq!(b.bytes(), 1 << 20);
    }

    #[test]
    fn the_estimate_grows_with_the_load() {
        let bits = 8 << 20;
        assert!(omissions(1_000, bits) < 1e-6);
        let (light, heavy) = (omissions(100_000, bits), omissions(1_000_000, bits));
        assert!(light < heavy && heavy < 1_000_000.0, "{light} {heavy}");
        // At 1 state per 8 bits, about 3% of new states collide: a heavily loaded array.
        assert!(omissions(1_000_000, bits) > 1_000.0);
    }

    /// Measured against the estimate: random fingerprints into a small array.
    #[test]
    fn the_estimate_matches_what_happens() {
        let bits = 1 << 20;
        let b = Bitstate::new(bits / 8);
        let n = 200_000u64;
        let mut wrongly_seen = 0;
        for i in 0..n {
            let fingerprint = xxhash_rust::xxh3::xxh3_128(&i.to_le_bytes());
            if (&b).upsert(fingerprint, |_| Some(0)) == Ok(Some(0)) {
                wrongly_seen += 1;
            }
        }
        let expected = omissions(n, bits);
        assert!((wrongly_seen as f64 - expected).abs() < expected * 0.1 + 20.0, "{wrongly_seen} against {expected}");
    }
}

//! A small cache, per search, of the states it has seen: most revisits are answered here,
//! without a trip to the visited set.

/// Some states this search has seen, with the choices kept asleep there as it last saw them.
/// Those only ever shrink (to the choices asleep at every visit, whoever made it), so a revisit
/// with all of them asleep again is covered, as the visited set would say. Revisits are about as
/// many as new states, and most are of a state seen a few steps before (the other order of two
/// steps): this table, small enough for the processor's cache, answers them without a trip to
/// the visited set, which is far larger (and, on several threads, shared).
pub(super) struct Explored(Box<[(u64, u32)]>);

impl Explored {
    const LEN: usize = 1 << 15;

    fn slot(key: u128) -> usize {
        (key >> 64) as usize % Self::LEN
    }

    /// The key's tag: 63 of its low bits, and a 1, so that the zeros of an empty entry match
    /// no key. (With the 15 bits that pick the entry, 78 bits of the key, as in the visited set.)
    fn tag(key: u128) -> u64 {
        key as u64 | 1
    }

    /// Whether a visit of `key` with `sleep` asleep is covered by an earlier one.
    pub(super) fn covers(&self, key: u128, sleep: u32) -> bool {
        let (tag, asleep) = self.0[Self::slot(key)];
        tag == Self::tag(key) && asleep & !sleep == 0
    }

    pub(super) fn keep(&mut self, key: u128, asleep: u32) {
        self.0[Self::slot(key)] = (Self::tag(key), asleep);
    }
}

impl Default for Explored {
    /// Zeros: memory the system hands over already cleared, page by page as it is used, so that
    /// a small search does not pay for clearing it.
    fn default() -> Self {
        Explored(vec![(0, 0); Self::LEN].into_boxed_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A revisit is covered only if every choice asleep at the earlier visits is asleep again:
    /// one that was asleep then and is awake now has not been explored there.
    #[test]
    fn a_revisit_is_covered_when_no_choice_wakes() {
        let mut e = Explored::default();
        let key = 0x1234_5678_9abc_def0_0fed_cba9_8765_4321;
        assert!(!e.covers(key, u32::MAX), "nothing kept yet");
        e.keep(key, 0b0110);
        assert!(e.covers(key, 0b0110) && e.covers(key, 0b1111));
        assert!(!e.covers(key, 0b0100), "choice 1 was asleep, and is awake now");
        assert!(!e.covers(key ^ 2, 0b1111), "another state");
        assert!(!e.covers(0, 0), "an empty entry covers no key, not even 0");
        e.keep(key, 0);
        assert!(e.covers(key, 0));
    }
}

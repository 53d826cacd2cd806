//! The first line of each receivable new to the book, by the 64-bit hash of its key: what
//! tells a repeat within a file. A million new rows make a million entries, so the table
//! is as small as it can be: 12 bytes a slot in two plain lists, a fifth of them left
//! empty, sized once from the file's count (a hash map of the same took 36 bytes a row,
//! its room rounded up to a power of two).

/// Open addressing, linear probing; a slot whose hash is 0 is empty.
#[derive(Debug, Default)]
pub(super) struct FirstLines {
    hashes: Vec<u64>,
    lines: Vec<u32>,
    len: usize,
}

impl FirstLines {
    /// Room for `n` entries without growing.
    pub fn reserve(&mut self, n: usize) {
        if n * 5 / 4 + 1 > self.hashes.len() {
            self.rebuild(n * 5 / 4 + 1);
        }
    }

    pub fn get(&self, hash: u64) -> Option<u32> {
        if self.hashes.is_empty() {
            return None;
        }
        let hash = stored(hash);
        let mut at = self.home(hash);
        loop {
            match self.hashes[at] {
                0 => return None,
                h if h == hash => return Some(self.lines[at]),
                _ => at = if at + 1 == self.hashes.len() { 0 } else { at + 1 },
            }
        }
    }

    /// Have the slot `hash` starts from brought into the cache, ahead of its [`get`] and
    /// [`insert`]: the table is larger than the cache, and each key lands at random in it.
    ///
    /// [`get`]: FirstLines::get
    /// [`insert`]: FirstLines::insert
    pub fn prefetch(&self, hash: u64) {
        if self.hashes.is_empty() {
            return;
        }
        let at = self.home(stored(hash));
        prefetch(&self.hashes[at]);
        prefetch(&self.lines[at]);
    }

    /// Note `line` as the first of `hash`, which must not be held yet.
    pub fn insert(&mut self, hash: u64, line: u32) {
        if (self.len + 1) * 5 / 4 >= self.hashes.len() {
            self.rebuild((self.hashes.len() * 2).max(16));
        }
        let hash = stored(hash);
        let mut at = self.home(hash);
        while self.hashes[at] != 0 {
            at = if at + 1 == self.hashes.len() { 0 } else { at + 1 };
        }
        self.hashes[at] = hash;
        self.lines[at] = line;
        self.len += 1;
    }

    /// The slot a hash starts from: its place in the table by multiplying, not by a mask,
    /// so that the table need not be a power of two long.
    fn home(&self, hash: u64) -> usize {
        ((hash as u128 * self.hashes.len() as u128) >> 64) as usize
    }

    fn rebuild(&mut self, slots: usize) {
        let old = std::mem::replace(self, FirstLines { hashes: vec![0; slots], lines: vec![0; slots], len: 0 });
        for (hash, line) in old.hashes.into_iter().zip(old.lines).filter(|(h, _)| *h != 0) {
            self.insert(hash, line);
        }
    }
}

/// A hint to the processor that `at` will be read soon. It reads nothing itself.
#[inline(always)]
fn prefetch<T>(at: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints; it cannot fault, and `at` is a valid reference anyway.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(at).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// 0 marks an empty slot: the one hash of 0 is held as 1 (two keys in 2^64 then share).
fn stored(hash: u64) -> u64 {
    hash.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn it_holds_what_a_map_holds_growing_or_sized_at_once() {
        let hash = |i: u64| i.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(17);
        for reserved in [0, 10, 100_000] {
            let (mut lines, mut map) = (FirstLines::default(), HashMap::new());
            lines.reserve(reserved);
            // Hashes that crowd together (small values land on the first slots) and 0.
            let keys = (0..20_000u64).map(hash).chain(0..300).chain([0, u64::MAX]);
            for (n, key) in keys.enumerate() {
                // A hint only, on an empty table too: it changes nothing.
                lines.prefetch(key);
                if lines.get(key).is_none() {
                    lines.insert(key, n as u32);
                }
                map.entry(key.max(1)).or_insert(n as u32);
            }
            for (key, line) in &map {
                assert_eq!(lines.get(*key), Some(*line));
            }
            assert_eq!(lines.len, map.len());
            assert_eq!(lines.get(hash(20_001)), None);
        }
    }

    #[test]
    fn a_table_sized_at_once_never_grows() {
        let mut lines = FirstLines::default();
        lines.reserve(1_000);
        let slots = lines.hashes.len();
        for i in 0..1_000u64 {
            lines.insert(i.wrapping_mul(0x9e37_79b9_7f4a_7c15), i as u32);
        }
        assert_eq!(lines.hashes.len(), slots);
        assert!(slots * 12 <= 1_000 * 16, "{slots} slots");
    }
}

//! The invoice numbers the search looks through, held compressed. On a large book they are
//! most of the search's text (11 MB for the 100k-debtor demo book's 972k invoices, against
//! the desk's 64 MiB), and a query reads them only when it could be part of one. They are
//! kept in blocks of whole records (a record is one debtor's numbers, each followed by
//! 0x1f, the record by '\n'), each block LZ4-compressed on its own and unpacked, one at a
//! time, into one buffer as a query looks through it.

use memchr::memmem;

/// About how many bytes of records a block holds before it is sealed.
const BLOCK: usize = 64 << 10;

pub struct NumberBlocks {
    blocks: Vec<Block>,
    /// The block being filled, and the record it starts with.
    open: Vec<u8>,
    open_first: u32,
    /// Records ended so far.
    records: u32,
    /// Every byte some number holds: a query with any other byte is in none.
    bytes: [bool; 256],
    /// The block last unpacked (its index) and its records' starts in `unpacked`.
    unpacked: Vec<u8>,
    unpacked_block: Option<usize>,
    unpacked_starts: Vec<u32>,
}

struct Block {
    /// The first record it holds.
    first: u32,
    len: u32,
    packed: Box<[u8]>,
}

impl NumberBlocks {
    pub fn new() -> NumberBlocks {
        NumberBlocks {
            blocks: Vec::new(),
            open: Vec::with_capacity(BLOCK + 1024),
            open_first: 0,
            records: 0,
            bytes: [false; 256],
            unpacked: Vec::new(),
            unpacked_block: None,
            unpacked_starts: Vec::new(),
        }
    }

    /// Add one number, lower-cased, to the record being filled.
    pub fn put(&mut self, number: &str) {
        super::search::put(&mut self.open, number);
    }

    /// End the record being filled (a debtor with no number ends an empty one).
    pub fn end_record(&mut self) {
        self.open.push(b'\n');
        self.records += 1;
        if self.open.len() >= BLOCK {
            self.seal();
        }
    }

    /// How many records have been ended.
    pub fn records(&self) -> usize {
        self.records as usize
    }

    fn seal(&mut self) {
        if self.open.is_empty() {
            return;
        }
        for &b in &self.open {
            self.bytes[b as usize] = true;
        }
        self.blocks.push(Block {
            first: self.open_first,
            len: self.open.len() as u32,
            packed: lz4_flex::block::compress(&self.open).into_boxed_slice(),
        });
        self.open.clear();
        self.open_first = self.records;
    }

    /// Seal the last block: no record is added after.
    pub fn finish(&mut self) {
        self.seal();
        self.open = Vec::new();
        self.blocks.shrink_to_fit();
    }

    /// Whether `query` could be part of a number: every one of its bytes is in one.
    pub fn may_hold(&self, query: &[u8]) -> bool {
        query.iter().all(|&b| self.bytes[b as usize])
    }

    /// Mark `hit[r]` for every record holding the finder's needle.
    pub fn scan(&mut self, finder: &memmem::Finder<'_>, hit: &mut [bool]) {
        for b in 0..self.blocks.len() {
            // Records are told apart only where the needle is found: most blocks hold none.
            self.unpack_only(b);
            let text = &self.unpacked;
            let (mut from, mut k) = (0, self.blocks[b].first as usize);
            while let Some(at) = finder.find(&text[from..]) {
                // The record of the match: the newlines before it since the last one counted.
                k += memchr::memchr_iter(b'\n', &text[from..from + at]).count();
                hit[k] = true;
                // On to the next record.
                match memchr::memchr(b'\n', &text[from + at..]) {
                    Some(end) => {
                        from += at + end + 1;
                        k += 1;
                    }
                    None => break,
                }
            }
        }
    }

    /// Mark `hit[r]` for each of `records` (ascending) that holds the finder's needle.
    pub fn scan_records(&mut self, finder: &memmem::Finder<'_>, records: &[usize], hit: &mut [bool]) {
        for &r in records {
            let b = self.blocks.partition_point(|block| block.first as usize <= r) - 1;
            self.unpack(b);
            let k = r - self.blocks[b].first as usize;
            let start = self.unpacked_starts[k] as usize;
            let end = self.unpacked_starts.get(k + 1).map_or(self.unpacked.len(), |&e| e as usize);
            if finder.find(&self.unpacked[start..end]).is_some() {
                hit[r] = true;
            }
        }
    }

    /// Unpack block `b` into the buffer (its records' starts are not looked for).
    fn unpack_only(&mut self, b: usize) {
        let block = &self.blocks[b];
        self.unpacked.resize(block.len as usize, 0);
        let unpacked = lz4_flex::block::decompress_into(&block.packed, &mut self.unpacked);
        debug_assert_eq!(unpacked.ok(), Some(block.len as usize), "a block unpacks to what was packed");
        self.unpacked_block = None;
    }

    /// Unpack block `b` into the buffer, and find where its records start.
    fn unpack(&mut self, b: usize) {
        if self.unpacked_block == Some(b) {
            return;
        }
        self.unpack_only(b);
        self.unpacked_starts.clear();
        self.unpacked_starts.push(0);
        let ends = memchr::memchr_iter(b'\n', &self.unpacked).map(|at| at as u32 + 1);
        self.unpacked_starts.extend(ends);
        // The last start is the block's end, not a record.
        self.unpacked_starts.pop();
        self.unpacked_block = Some(b);
    }

    /// Bytes held: the packed blocks and the one unpacked.
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.blocks.iter().map(|b| b.packed.len()).sum::<usize>() + self.unpacked.capacity()
    }
}

impl Default for NumberBlocks {
    fn default() -> Self {
        NumberBlocks::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 20,000 debtors' numbers, some with none, over many blocks: every query finds by the
    /// blocks what a plain look through each debtor's numbers finds, record for record,
    /// through both the whole scan and the scan of chosen records.
    #[test]
    fn the_blocks_find_what_a_plain_look_finds() {
        let debtors: Vec<Vec<String>> = (0..20_000u32)
            .map(|d| (0..(d * 7 % 5)).map(|k| format!("INV-{:06}/{}", d * 31 % 99_991, k)).collect())
            .collect();
        let mut blocks = NumberBlocks::new();
        for numbers in &debtors {
            numbers.iter().for_each(|n| blocks.put(n));
            blocks.end_record();
        }
        blocks.finish();
        assert!(blocks.blocks.len() > 5, "{} blocks", blocks.blocks.len());
        let plain: Vec<usize> = debtors.iter().map(|n| n.iter().map(|s| s.len() + 1).sum::<usize>()).collect();
        assert!(blocks.held() < plain.iter().sum::<usize>() / 2, "compressed: {} bytes", blocks.held());
        for q in ["inv-0042", "42", "/3", "9/", "inv", "0", "zzz", "99990/1", "inv-000000/1"] {
            let finder = memmem::Finder::new(q.as_bytes());
            let expected: Vec<bool> = debtors.iter().map(|n| n.iter().any(|s| s.to_lowercase().contains(q))).collect();
            let mut hit = vec![false; debtors.len()];
            blocks.scan(&finder, &mut hit);
            assert_eq!(hit, expected, "{q}: the whole scan");
            let chosen: Vec<usize> = (0..debtors.len()).filter(|d| d % 3 == 0).collect();
            let mut hit = vec![false; debtors.len()];
            blocks.scan_records(&finder, &chosen, &mut hit);
            let expected: Vec<bool> = expected.iter().enumerate().map(|(d, &e)| e && d % 3 == 0).collect();
            assert_eq!(hit, expected, "{q}: chosen records");
        }
    }
}

//! Bytes to text and text to rows: encoding (UTF-8 with or without BOM, UTF-16 as
//! Excel's "Unicode text", else Windows-1252) and delimiter (`,` `;` tab), decided
//! once per file and reported.

use std::borrow::Cow;
use std::fmt;

pub use super::records::{Cells, RecordReader, ResumePoint};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16 LE",
            Encoding::Utf16Be => "UTF-16 BE",
            Encoding::Windows1252 => "Windows-1252",
        })
    }
}

/// Decode a whole file. Never fails: what is not UTF-8 is read as Windows-1252,
/// the code page Excel's plain "CSV" uses in the US and Western Europe.
/// UTF-8 is borrowed as it is (most exports, and a large file is not copied); other
/// encodings are converted.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (String::from_utf8_lossy(rest), Encoding::Utf8Bom);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        let (text, _, _) = encoding_rs::UTF_16LE.decode(bytes);
        return (Cow::Owned(text.trim_start_matches('\u{feff}').to_string()), Encoding::Utf16Le);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, _) = encoding_rs::UTF_16BE.decode(bytes);
        return (Cow::Owned(text.trim_start_matches('\u{feff}').to_string()), Encoding::Utf16Be);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), Encoding::Utf8),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text, Encoding::Windows1252)
        }
    }
}

/// Where a file that is UTF-8 but for a few bytes has the first that is not: its line, its
/// character on that line (both from 1) and the byte. Such a file was written by two
/// programs (a UTF-8 export with a line typed in by a Windows one); read as Windows-1252, as
/// a file that is not UTF-8 is, every other accented letter would come out garbled (`ü` as
/// `Ã¼`). "A few": fewer bytes that are not UTF-8 than characters of two bytes or more that
/// are, so that a Windows-1252 file whose `É®` happens to spell a UTF-8 character is still
/// read as Windows-1252. None for UTF-8 throughout.
pub fn mixed_with_utf8(bytes: &[u8]) -> Option<(usize, usize, u8)> {
    let (mut rest, mut offset, mut first_bad) = (bytes, 0, None);
    let (mut utf8_chars, mut bad) = (0usize, 0usize);
    while !rest.is_empty() {
        let (good, skip) = match std::str::from_utf8(rest) {
            Ok(all) => (all.len(), 0),
            Err(e) => (e.valid_up_to(), e.error_len().unwrap_or(rest.len() - e.valid_up_to())),
        };
        // Characters of two bytes or more: their first bytes.
        utf8_chars += rest[..good].iter().filter(|&&b| b >= 0xC0).count();
        if skip > 0 {
            bad += 1;
            first_bad.get_or_insert(offset + good);
        }
        offset += good + skip;
        rest = &rest[good + skip..];
    }
    let at = first_bad.filter(|_| utf8_chars > bad)?;
    Some(where_is(bytes, at))
}

/// The line and character (both from 1) of byte `at`, and the byte.
pub fn where_is(bytes: &[u8], at: usize) -> (usize, usize, u8) {
    let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let line = memchr::memchr_iter(b'\n', &bytes[..at]).count() + 1;
    let character = String::from_utf8_lossy(&bytes[line_start..at]).chars().count() + 1;
    (line, character, bytes[at])
}

/// One CSV record with the physical line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    /// One buffer per row, not one allocation per cell: a million-row export is seven
    /// million cells.
    pub cells: Cells,
}

impl Record {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
    pub fn cell(&self, i: usize) -> &str {
        self.cells.get(i).unwrap_or("")
    }
}

/// `str::trim`, at once for the usual cell, which starts and ends with a visible ASCII
/// character (never white space): a million-row export has ten million cells to trim.
pub fn trim_cell(cell: &str) -> &str {
    match cell.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => cell,
        [only] if only.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct CsvError {
    pub line: usize,
    pub reason: String,
}

impl CsvError {
    /// A quote opened and never closed: the rest of the file would have been one cell.
    pub fn is_unclosed_quote(&self) -> bool {
        self.reason.contains(super::records::NEVER_CLOSED)
    }
}

/// Split text into records with a real CSV state machine (quoted newlines, doubled quotes).
pub fn records(text: &str, delimiter: u8) -> Result<Vec<Record>, CsvError> {
    RecordReader::new(text, delimiter).collect()
}

/// The delimiter whose split gives the most rows of one consistent width (> 1 column)
/// over the first 50 records. Semicolon files with comma decimals split unevenly on
/// commas, which is what tells them apart.
pub fn sniff_delimiter(text: &str) -> u8 {
    let sample: String = text.lines().take(60).collect::<Vec<_>>().join("\n");
    let mut best = (b',', 0usize);
    for delimiter in [b',', b';', b'\t', b'|'] {
        // The sample is cut after 60 lines: a quoted cell it cuts is no error here.
        let Ok(recs) = RecordReader::new(&sample, delimiter).with_more_to_come(true).collect::<Result<Vec<_>, _>>()
        else {
            continue;
        };
        let widths: Vec<usize> =
            recs.iter().filter(|r| !r.is_blank()).map(|r| r.cells.len()).filter(|w| *w > 1).take(50).collect();
        let mut counts = std::collections::HashMap::new();
        for w in &widths {
            *counts.entry(*w).or_insert(0usize) += 1;
        }
        let score = counts.into_iter().map(|(w, n)| n * 100 + w).max().unwrap_or(0);
        if score > best.1 {
            best = (delimiter, score);
        }
    }
    best.0
}

pub fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn a_cell_is_trimmed_as_str_trims_it(cell in "[ \t\u{a0}\u{3000}a;é1-]{0,6}") {
            proptest::prop_assert_eq!(trim_cell(&cell), cell.trim());
        }
    }

    #[test]
    fn encodings() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b"), ("a,b".into(), Encoding::Utf8Bom));
        assert_eq!(decode("Müller".as_bytes()), ("Müller".into(), Encoding::Utf8));
        assert_eq!(decode(b"M\xfcller \x80"), ("Müller €".into(), Encoding::Windows1252));
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("a\tb".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode(&utf16), ("a\tb".into(), Encoding::Utf16Le));
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("Kunde;Betrag;Datum\nMüller;1.234,56;01.02.2026\nX;12,00;03.02.2026\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2,5\t3\n"), b'\t');
    }

    #[test]
    fn blank_lines_count_in_line_numbers() {
        let recs = records("a,b\r\nc,d\r\n\r\ne,f\r\ng,h\r\n", b',').unwrap();
        assert_eq!(recs.iter().map(|r| r.line).collect::<Vec<_>>(), vec![1, 2, 4, 5]);
    }

    #[test]
    fn a_reader_resumed_where_another_passed_reads_what_that_one_read_next() {
        let text = "a,b\r\n\"1 Main St\nSpringfield\",x\r\n\r\nc,d\n\ne,\"f\"\"g\"\nh,i\n";
        let all = records(text, b',').unwrap();
        let mut reader = RecordReader::new(text, b',');
        for k in 0..all.len() {
            assert!(reader.advance().unwrap());
            let resumed: Vec<Record> =
                RecordReader::resume(text, b',', reader.resume_point()).map(Result::unwrap).collect();
            assert_eq!(resumed, all[k..], "resumed at record {k}");
        }
    }

    #[test]
    fn quoted_newlines_keep_their_line_numbers() {
        let recs = records("a,b\n\"1 Main St\nSpringfield\",x\nc,d\n", b',').unwrap();
        assert_eq!(recs.len(), 3);
        assert_eq!(&recs[1].cells[0], "1 Main St\nSpringfield");
        assert_eq!((recs[1].line, recs[2].line), (2, 4));
    }
}

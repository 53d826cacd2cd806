//! Where an export's text comes from: bytes already in memory (a test, the fuzz corpus),
//! or a file read a window at a time, so that importing a large file never holds it whole.
//!
//! A file is surveyed once first (its lines, whether it is UTF-8; its SHA-256 is taken
//! apart, while the rows are read) and then read by windows: the conventions pass walks
//! it window by window ([`each_record`]), and the rows are read span by span, each span a
//! run of whole records found by that walk.

use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::text::{CsvError, Encoding, RecordReader, ResumePoint, decode};

/// Bytes read at a time (a survey, a window of the conventions pass). A record longer than
/// this is read in a window grown to hold it.
pub const WINDOW: usize = 8 << 20;

/// An export's bytes.
pub enum Source<'a> {
    Bytes(&'a [u8]),
    /// What a pipe gave (`dun import <(…)`, `/dev/stdin`): it cannot be read twice, so it is
    /// held.
    Piped(Vec<u8>),
    File {
        file: Mutex<std::fs::File>,
        len: u64,
    },
}

/// What one pass over a whole source found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    pub lines: usize,
    pub utf8: bool,
}

impl<'a> Source<'a> {
    pub fn open(path: &std::path::Path) -> std::io::Result<Source<'static>> {
        let mut file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            let mut held = Vec::new();
            file.read_to_end(&mut held)?;
            return Ok(Source::Piped(held));
        }
        Ok(Source::File { file: Mutex::new(file), len: meta.len() })
    }

    /// The bytes, when they are in memory.
    fn held(&self) -> Option<&[u8]> {
        match self {
            Source::Bytes(b) => Some(b),
            Source::Piped(b) => Some(b),
            Source::File { .. } => None,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Source::File { len, .. } => *len as usize,
            _ => self.held().map_or(0, <[u8]>::len),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes from `at`, up to `len` of them (fewer at the end).
    pub fn read(&self, at: usize, len: usize) -> std::io::Result<Cow<'_, [u8]>> {
        match self {
            Source::Bytes(_) | Source::Piped(_) => {
                let b = self.held().unwrap_or_default();
                Ok(Cow::Borrowed(&b[at.min(b.len())..at.saturating_add(len).min(b.len())]))
            }
            Source::File { file, len: size, .. } => {
                let len = len.min((*size as usize).saturating_sub(at));
                // Read into room not zeroed first: every byte of the file is read four times
                // (survey, hash, places, rows), and zeroing each buffer cost 2 % of an import.
                let mut buf = Vec::with_capacity(len);
                let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                file.seek(SeekFrom::Start(at as u64))?;
                (&mut *file).take(len as u64).read_to_end(&mut buf)?;
                if buf.len() < len {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                Ok(Cow::Owned(buf))
            }
        }
    }

    /// One pass over every byte: its lines, and whether all of it is UTF-8 (what decides
    /// that it can be read by windows).
    pub fn survey(&self) -> std::io::Result<Survey> {
        self.survey_with(|_| {})
    }

    /// [`Source::survey`] and [`Source::sha256`] in the same pass: a re-import's reader has
    /// time for both before the book is loaded, and the file is then read once less.
    pub fn survey_and_sha256(&self) -> std::io::Result<(Survey, String)> {
        let mut hash = Sha256::new();
        let survey = self.survey_with(|window| hash.update(window))?;
        Ok((survey, hex(&hash.finalize())))
    }

    /// [`Source::survey`], handing each window to `also` as it is read.
    fn survey_with(&self, mut also: impl FnMut(&[u8])) -> std::io::Result<Survey> {
        let (mut lines, mut utf8) = (0, true);
        // The bytes of a character a window cut, carried to the next.
        let mut carry: Vec<u8> = Vec::new();
        let mut at = 0;
        while at < self.len() {
            let window = self.read(at, WINDOW)?;
            at += window.len();
            also(&window);
            lines += memchr::memchr_iter(b'\n', &window).count();
            if utf8 {
                let bytes: Cow<'_, [u8]> = match carry.is_empty() {
                    true => Cow::Borrowed(&window),
                    false => Cow::Owned([carry.as_slice(), &window].concat()),
                };
                carry.clear();
                // SIMD: every byte of a file is checked twice (here, and by each window).
                match simdutf8::compat::from_utf8(&bytes) {
                    Ok(_) => {}
                    Err(e) if e.error_len().is_none() => carry.extend_from_slice(&bytes[e.valid_up_to()..]),
                    Err(_) => utf8 = false,
                }
            }
        }
        Ok(Survey { lines, utf8: utf8 && carry.is_empty() })
    }

    /// The SHA-256 that names the file in the import log, in hex. An import asks it on a
    /// thread of its own while it reads the rows: the hash is needed only at the end, and
    /// taken first it held every row back by a twentieth of a second a million rows.
    pub fn sha256(&self) -> std::io::Result<String> {
        let mut hash = Sha256::new();
        let mut at = 0;
        while at < self.len() {
            // Small reads: this buffer is held beside the reader's windows.
            let window = self.read(at, 1 << 20)?;
            at += window.len();
            hash.update(&window);
        }
        Ok(hex(&hash.finalize()))
    }
}

/// Whether this processor takes SHA-256 in hardware (x86's SHA extensions, ARMv8's SHA2),
/// at gigabytes a second. Then hashing a file in the survey's pass barely slows the survey;
/// in software (some 250 MB/s) it would hold a re-import's reader back by 0.1 s or more a
/// million rows, longer than the book takes to load (measured with sha2's software backend).
pub fn sha256_in_hardware() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::arch::is_x86_feature_detected!("sha") && std::arch::is_x86_feature_detected!("sse4.1");
    #[cfg(target_arch = "aarch64")]
    return std::arch::is_aarch64_feature_detected!("sha2");
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    false
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The text of an export: whole (bytes in memory, or a file in an encoding converted as a
/// whole), or a UTF-8 file read by windows.
pub enum Text<'a> {
    Whole(Cow<'a, str>),
    Windows { source: &'a Source<'a>, skip: usize },
}

impl<'a> Text<'a> {
    /// The text of `source`, as `survey` found it. A file that is not UTF-8 (Windows-1252,
    /// UTF-16) is read and converted whole: those are Excel's small exports, and a
    /// character's bytes could not be told apart by window.
    /// A file that is UTF-8 but for a few bytes is refused (an `InvalidData` error saying
    /// where): read as Windows-1252, its other accented letters would be garbled.
    pub fn of(source: &'a Source<'a>, survey: &Survey) -> std::io::Result<(Text<'a>, Encoding)> {
        if let Some(bytes) = source.held() {
            let (text, encoding) = decode(bytes);
            not_mixed(bytes, encoding)?;
            return Ok((Text::Whole(text), encoding));
        }
        if survey.utf8 {
            let bom = source.read(0, 3)?.as_ref() == [0xEF, 0xBB, 0xBF];
            let encoding = if bom { Encoding::Utf8Bom } else { Encoding::Utf8 };
            return Ok((Text::Windows { source, skip: if bom { 3 } else { 0 } }, encoding));
        }
        let whole = source.read(0, source.len())?;
        let (text, encoding) = decode(&whole);
        not_mixed(&whole, encoding)?;
        Ok((Text::Whole(Cow::Owned(text.into_owned())), encoding))
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        match self {
            Text::Whole(t) => t.len(),
            Text::Windows { source, skip } => source.len() - skip,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text from `at` up to `end`, both on a character's first byte (record starts).
    pub fn span(&self, at: usize, end: usize) -> Result<Cow<'_, str>, CsvError> {
        match self {
            Text::Whole(t) => Ok(Cow::Borrowed(&t[at..end])),
            Text::Windows { .. } => {
                let (text, _) = self.window(at, end - at)?;
                Ok(text)
            }
        }
    }

    /// Up to `len` bytes of text from `at` (cut back to a character's end) and whether it
    /// reaches the end of the text.
    pub fn window(&self, at: usize, len: usize) -> Result<(Cow<'_, str>, bool), CsvError> {
        match self {
            Text::Whole(t) => {
                let mut end = at.saturating_add(len).min(t.len());
                while !t.is_char_boundary(end) {
                    end -= 1;
                }
                Ok((Cow::Borrowed(&t[at..end]), end == t.len()))
            }
            Text::Windows { source, skip } => {
                let changed =
                    |what: String| CsvError { line: 0, reason: format!("the file changed while it was read ({what})") };
                let bytes = source.read(skip + at, len).map_err(|e| changed(e.to_string()))?.into_owned();
                let whole = at + bytes.len() >= self.len();
                let mut bytes = bytes;
                match simdutf8::compat::from_utf8(&bytes) {
                    Ok(_) => {}
                    // A character the window's end cut: read again with the next window.
                    Err(e) if e.error_len().is_none() && !whole => bytes.truncate(e.valid_up_to()),
                    Err(e) => return Err(changed(e.to_string())),
                }
                // SAFETY: checked just above to be UTF-8 (up to where it was cut).
                let text = unsafe { String::from_utf8_unchecked(bytes) };
                Ok((Cow::Owned(text), whole))
            }
        }
    }

    /// Up to `len` bytes from `at`, as they are (no character's end looked for): for
    /// looking for a byte (a newline, a quote) without reading the text.
    pub fn bytes(&self, at: usize, len: usize) -> Result<Cow<'_, [u8]>, CsvError> {
        match self {
            Text::Whole(t) => Ok(Cow::Borrowed(&t.as_bytes()[at.min(t.len())..at.saturating_add(len).min(t.len())])),
            Text::Windows { source, skip } => source
                .read(skip + at, len.min(self.len().saturating_sub(at)))
                .map_err(|e| CsvError { line: 0, reason: format!("the file changed while it was read ({e})") }),
        }
    }

    /// The first window: where the header and the delimiter are looked for.
    pub fn top(&self) -> Result<Cow<'_, str>, CsvError> {
        Ok(self.window(0, WINDOW)?.0)
    }
}

/// Refuse a file read as Windows-1252 that is UTF-8 but for some bytes ([`mixed_with_utf8`]),
/// and a file that says it is UTF-8 (its byte-order mark) and has a byte that is not.
fn not_mixed(bytes: &[u8], encoding: Encoding) -> std::io::Result<()> {
    let found = match encoding {
        Encoding::Windows1252 => super::text::mixed_with_utf8(bytes),
        Encoding::Utf8Bom => std::str::from_utf8(&bytes[3..])
            .err()
            .map(|e| super::text::where_is(bytes, 3 + e.valid_up_to()))
            // The BOM is no character of the first line.
            .map(|(line, character, byte)| (line, if line == 1 { character - 1 } else { character }, byte)),
        _ => None,
    };
    match found {
        None => Ok(()),
        Some((line, character, byte)) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "line {line}, character {character}: byte 0x{byte:02X} is not UTF-8, yet the file is UTF-8 \
                 otherwise: it mixes two encodings, and read as either some names would come out garbled. Save \
                 the file as UTF-8 again (or retype that character) and import it again"
            ),
        )),
    }
}

/// Walk the records of `text` from `from`, a window at a time: `each` sees every record
/// (the reader's `record()` and `resume_point()`). A record a window's end may have cut is
/// read again at the start of the next window.
pub fn each_record(
    text: &Text<'_>,
    delimiter: u8,
    from: ResumePoint,
    mut each: impl FnMut(&RecordReader<'_>),
) -> Result<(), CsvError> {
    walk(text, delimiter, from, WINDOW, |r| {
        each(r);
        true
    })
}

/// [`each_record`] for as long as `each` says to go on.
pub fn each_record_while(
    text: &Text<'_>,
    delimiter: u8,
    from: ResumePoint,
    each: impl FnMut(&RecordReader<'_>) -> bool,
) -> Result<(), CsvError> {
    walk(text, delimiter, from, WINDOW, each)
}

/// Where a reader would place the first record after byte `at` if no quoted cell spans
/// it: past the next newline and any blank lines (a newline is never inside a character).
pub fn record_start_after(text: &Text<'_>, at: usize) -> Result<Option<usize>, CsvError> {
    let (mut from, mut past_newline) = (at, false);
    while from < text.len() {
        let bytes = text.bytes(from, 64 << 10)?;
        if bytes.is_empty() {
            break;
        }
        let mut rest = &bytes[..];
        if !past_newline {
            let Some(i) = memchr::memchr(b'\n', rest) else {
                from += bytes.len();
                continue;
            };
            past_newline = true;
            rest = &rest[i + 1..];
        }
        let blank = rest.iter().take_while(|b| matches!(b, b'\n' | b'\r')).count();
        let start = from + (bytes.len() - rest.len()) + blank;
        if blank < rest.len() {
            return Ok(Some(start));
        }
        from = start;
    }
    Ok(None)
}

/// [`each_record_while`] with windows of `size` bytes (tests use tiny ones).
fn walk(
    text: &Text<'_>,
    delimiter: u8,
    from: ResumePoint,
    size: usize,
    mut each: impl FnMut(&RecordReader<'_>) -> bool,
) -> Result<(), CsvError> {
    let (mut at, mut window) = (from, size);
    loop {
        let (chunk, last) = text.window(at.0, window)?;
        let mut reader = RecordReader::resume_in(&chunk, delimiter, at).with_more_to_come(!last);
        let before = at;
        loop {
            if !reader.advance()? {
                if last {
                    return Ok(());
                }
                at = reader.end_point();
                break;
            }
            if !last && reader.consumed() >= chunk.len() {
                at = reader.resume_point();
                break;
            }
            if !each(&reader) {
                return Ok(());
            }
        }
        // Not one whole record in the window: a larger one.
        window = if at == before { window * 2 } else { size };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text::Record;

    /// Quoted newlines, doubled quotes, CRLF, blank lines, characters of two to four bytes,
    /// and no newline at the end.
    const TRICKY: &str =
        "Kunde;Betrag\r\n\"Müller\nGmbH\";1.234,56\r\n\r\n\"Ä\"\"ö\";€ 12\n\n𝄞;3\nx;\"a;b\"\n;\nlast;9";

    fn whole(text: &str) -> Vec<(Record, ResumePoint)> {
        let mut reader = RecordReader::new(text, b';');
        let mut all = Vec::new();
        while reader.advance().unwrap() {
            all.push((reader.record().clone(), reader.resume_point()));
        }
        all
    }

    #[test]
    fn a_file_walked_in_windows_of_any_size_reads_as_one_reader_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, format!("\u{feff}{TRICKY}")).unwrap();
        let source = Source::open(&path).unwrap();
        let survey = source.survey().unwrap();
        assert!(survey.utf8);
        assert_eq!(survey.lines, TRICKY.matches('\n').count());
        let (text, encoding) = Text::of(&source, &survey).unwrap();
        assert_eq!(encoding, Encoding::Utf8Bom);
        let expected = whole(TRICKY);
        for size in 1..=TRICKY.len() + 1 {
            let mut walked = Vec::new();
            walk(&text, b';', (0, 0), size, |r| {
                walked.push((r.record().clone(), r.resume_point()));
                true
            })
            .unwrap();
            // Where a record starts may be told a byte apart (after a CR or before its LF):
            // either is a place to read it from.
            let records = |all: &[(Record, ResumePoint)]| all.iter().map(|r| r.0.clone()).collect::<Vec<_>>();
            assert_eq!(records(&walked), records(&expected), "windows of {size} bytes");
            // Each record's span, read alone from the file, reads that record.
            for (k, (record, from)) in walked.iter().enumerate() {
                let end = walked.get(k + 1).map_or(text.len(), |next| next.1.0);
                let span = text.span(from.0, end).unwrap();
                let mut reader = RecordReader::resume_in(&span, b';', *from);
                assert!(reader.advance().unwrap());
                assert_eq!(reader.record(), record);
            }
        }
    }

    #[test]
    fn a_file_that_is_not_utf8_is_read_whole_and_converted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, b"Kunde;Betrag\nM\xfcller;\x80 12\n").unwrap();
        let source = Source::open(&path).unwrap();
        let survey = source.survey().unwrap();
        assert!(!survey.utf8);
        let (text, encoding) = Text::of(&source, &survey).unwrap();
        assert_eq!(encoding, Encoding::Windows1252);
        assert_eq!(text.top().unwrap(), "Kunde;Betrag\nMüller;€ 12\n");
    }

    #[test]
    fn a_survey_finds_a_character_cut_by_its_windows_and_the_hash_is_of_every_byte() {
        let text = "é".repeat(WINDOW / 2 + 1);
        let survey = Source::Bytes(text.as_bytes()).survey().unwrap();
        assert!(survey.utf8);
        assert_eq!(
            Source::Bytes(text.as_bytes()).sha256().unwrap(),
            Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let mut cut = text.into_bytes();
        cut.pop();
        assert!(!Source::Bytes(&cut).survey().unwrap().utf8);
    }

    /// Surveyed and hashed in one pass, a file gives what the two passes give: in memory and
    /// read from disk by windows, across a window's end, UTF-8 or not, empty.
    #[test]
    fn the_survey_and_the_hash_in_one_pass_are_the_two_passes() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = "Kunde;Betrag\né;1\n".repeat(WINDOW / 16).into_bytes();
        let files = [
            text.clone(),
            {
                text.push(0xff);
                text
            },
            Vec::new(),
            b"no newline".to_vec(),
        ];
        for (n, bytes) in files.iter().enumerate() {
            let path = dir.path().join(format!("{n}.csv"));
            std::fs::write(&path, bytes).unwrap();
            for source in [Source::Bytes(bytes), Source::open(&path).unwrap()] {
                let (survey, sha256) = source.survey_and_sha256().unwrap();
                assert_eq!(survey, source.survey().unwrap(), "file {n}");
                assert_eq!(sha256, source.sha256().unwrap(), "file {n}");
            }
        }
    }
}

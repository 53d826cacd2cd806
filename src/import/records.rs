//! The records of an export's text, one at a time, each with the physical line it starts
//! on: an import reads a large file this way, twice, and never holds its rows.
//!
//! Most rows of an accounting export hold no quote: such a line is its record, cut at
//! each delimiter, at a few instructions a byte. Only a line with a quote goes through
//! csv's state machine, which reads it as the csv crate would (quoted delimiters and
//! newlines, doubled quotes). A record's cells
//! are one copy of its line and where each cell lies in it. Measured by instruction
//! counts, csv's reader cost 1,600 instructions a record, this one about 750.

use csv_core::ReadRecordResult;

use super::text::{CsvError, Record};

/// Where a record starts: its byte in the file's text and the newlines before it.
pub type ResumePoint = (usize, usize);

/// A reader over a text (a whole file, a window, a span of one).
pub struct RecordReader<'t> {
    /// The text from where this reader started (`base` bytes into the file's).
    text: &'t str,
    base: usize,
    delimiter: u8,
    /// The quoted rows' reader, made at the first one.
    quoted: Option<QuotedRows>,
    /// Bytes of `text` read: where the record after the current one may start.
    read: usize,
    current: Record,
    /// Where the current record starts, and the newlines before it.
    start: usize,
    lines_before: usize,
    /// Newlines in what was read of the current record (its own, its quoted cells').
    newlines_read: usize,
    /// The file goes on past `text` (a window): a record its end cuts is read again later,
    /// so a quote still open there is not yet one never closed.
    more_to_come: bool,
    started: bool,
}

/// The cells of one record: its text and where each cell lies in it.
#[derive(Clone, Default)]
pub struct Cells {
    text: String,
    bounds: Vec<(usize, usize)>,
}

impl Cells {
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        self.bounds.get(i).map(|&(from, to)| &self.text[from..to])
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.bounds.iter().map(|&(from, to)| &self.text[from..to])
    }

    /// A line with no quote: its cells lie between its delimiters (ASCII, so every cell
    /// is whole characters).
    fn set_line(&mut self, line: &str, delimiter: u8) {
        self.text.clear();
        self.text.push_str(line);
        self.bounds.clear();
        let mut from = 0;
        // `memchr` passes over a cell's bytes many at a time (measured: half the
        // instructions of a byte loop on a 70-byte line of seven cells).
        for cut in memchr::memchr_iter(delimiter, line.as_bytes()) {
            self.bounds.push((from, cut));
            from = cut + 1;
        }
        self.bounds.push((from, line.len()));
    }

    fn clear(&mut self) {
        self.text.clear();
        self.bounds.clear();
    }

    fn push(&mut self, cell: &str) {
        let from = self.text.len();
        self.text.push_str(cell);
        self.bounds.push((from, self.text.len()));
    }
}

impl std::ops::Index<usize> for Cells {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        let (from, to) = self.bounds[i];
        &self.text[from..to]
    }
}

/// Alike when their cells are, however their text was laid out.
impl PartialEq for Cells {
    fn eq(&self, other: &Cells) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Cells {}

impl std::fmt::Debug for Cells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// csv's state machine and its buffers, for the rows that need it.
struct QuotedRows {
    machine: csv_core::Reader,
    cells: Vec<u8>,
    ends: Vec<usize>,
}

impl<'t> RecordReader<'t> {
    pub fn new(text: &'t str, delimiter: u8) -> RecordReader<'t> {
        RecordReader::resume(text, delimiter, (0, 0))
    }

    /// A reader from a point an earlier reader passed (a record's first byte, where the
    /// CSV state machine starts afresh), numbering lines as that reader did.
    pub fn resume(text: &'t str, delimiter: u8, point: ResumePoint) -> RecordReader<'t> {
        RecordReader::resume_in(&text[point.0..], delimiter, point)
    }

    /// A reader of `part`, the text of a file from `at` on (a window, a span), numbering
    /// lines and places as a reader of the whole file would.
    pub fn resume_in(part: &'t str, delimiter: u8, (at, lines_before): ResumePoint) -> RecordReader<'t> {
        RecordReader {
            text: part,
            base: at,
            delimiter,
            quoted: None,
            read: 0,
            current: Record { line: 0, cells: Cells::default() },
            start: 0,
            lines_before,
            newlines_read: 0,
            started: false,
            more_to_come: false,
        }
    }

    /// Say whether the file goes on past this reader's text ([`RecordReader::resume_in`] of a
    /// window that is not the last).
    pub fn with_more_to_come(mut self, more: bool) -> RecordReader<'t> {
        self.more_to_come = more;
        self
    }

    /// The bytes of its text read so far: where the record after the current one starts
    /// (or the blank lines before it).
    pub fn consumed(&self) -> usize {
        self.read
    }

    /// The end of its text, as a place to resume from.
    pub fn end_point(&self) -> ResumePoint {
        let text = self.text.as_bytes();
        let rest = &text[self.start.min(text.len())..];
        (self.base + text.len(), self.lines_before + memchr::memchr_iter(b'\n', rest).count())
    }

    /// Where the current record starts, for [`RecordReader::resume`].
    pub fn resume_point(&self) -> ResumePoint {
        (self.base + self.start, self.lines_before)
    }

    /// Move to the next record (false at the end); `record()` is then that record. The
    /// one record's buffers are reused: reading a file allocates nothing per row.
    pub fn advance(&mut self) -> Result<bool, CsvError> {
        let text = self.text.as_bytes();
        let mut at = self.read;
        // As csv does, a byte-order mark is dropped at the start of the text.
        if !self.started {
            self.started = true;
            if self.base == 0 && text.starts_with(b"\xEF\xBB\xBF") {
                at = 3;
            }
        }
        // Blank lines are no records; a record ends at `\n`, `\r` or both.
        self.lines_before += self.newlines_read;
        self.newlines_read = 0;
        while at < text.len() && matches!(text[at], b'\n' | b'\r') {
            self.lines_before += usize::from(text[at] == b'\n');
            at += 1;
        }
        if at >= text.len() {
            (self.read, self.start) = (text.len(), text.len());
            return Ok(false);
        }
        self.start = at;
        self.current.line = self.lines_before + 1;
        // The line ends at the first `\n`, `\r` or `\r\n`, unless a quote comes first. (One
        // search for all three: a file of `\r` lines, as Excel for Mac saves, has no `\n` to
        // look for to the end of the text on every line.)
        let rest = &text[at..];
        let (len, taken) = match memchr::memchr3(b'\n', b'\r', b'"', rest) {
            None => (rest.len(), rest.len()),
            Some(i) if rest[i] == b'"' => (0, 0),
            Some(i) if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') => (i, i + 2),
            Some(i) => (i, i + 1),
        };
        if taken > 0 {
            self.current.cells.set_line(&self.text[at..at + len], self.delimiter);
            self.read = at + taken;
            self.newlines_read = usize::from(rest[taken - 1] == b'\n');
            return Ok(true);
        }
        self.read = at + self.read_quoted(at)?;
        self.newlines_read = memchr::memchr_iter(b'\n', &text[at..self.read]).count();
        Ok(true)
    }

    /// Read the record at `at` with csv's state machine; returns the bytes it took.
    fn read_quoted(&mut self, at: usize) -> Result<usize, CsvError> {
        let delimiter = self.delimiter;
        let rows = self.quoted.get_or_insert_with(|| QuotedRows::new(delimiter));
        let input = &self.text.as_bytes()[at..];
        let (mut taken, mut written, mut cells) = (0, 0, 0);
        loop {
            // Once `input` is all taken, the empty rest tells the machine the text ended.
            let (result, nin, nout, nend) =
                rows.machine.read_record(&input[taken..], &mut rows.cells[written..], &mut rows.ends[cells..]);
            (taken, written, cells) = (taken + nin, written + nout, cells + nend);
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => rows.cells.resize(rows.cells.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => rows.ends.resize(rows.ends.len() * 2, 0),
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
        }
        // A quote opened and never closed takes the rest of the file as one cell: said, with
        // where it opened, rather than read as one long last row (or, near the top, as a
        // header that is not there).
        let raw = &input[..taken];
        if !self.more_to_come && taken == input.len() && ends_in_open_quote(raw, delimiter) {
            let lines = memchr::memchr_iter(b'\n', raw.trim_ascii_end()).count();
            return Err(CsvError {
                line: self.current.line,
                reason: format!(
                    "column {}: {NEVER_CLOSED}, so the {lines} line(s) after it would be read as part of it. Close \
                     the quote (a quote inside a quoted cell is written twice: \"\")",
                    column_letter(cells.saturating_sub(1))
                ),
            });
        }
        self.current.cells.clear();
        let mut from = 0;
        for &end in &rows.ends[..cells] {
            // Unquoting drops only ASCII quotes: what is left is whole characters.
            let cell = std::str::from_utf8(&rows.cells[from..end])
                .map_err(|e| CsvError { line: self.current.line, reason: format!("invalid UTF-8: {e}") })?;
            self.current.cells.push(cell);
            from = end;
        }
        Ok(taken)
    }

    pub fn record(&self) -> &Record {
        &self.current
    }
}

/// Whether `raw`, one record as csv's machine took it, ends inside a quoted cell: the
/// machine's own states (a quote opens a cell only at its start; inside, `""` is a quote;
/// a quote in an unquoted cell is a character like any other).
fn ends_in_open_quote(raw: &[u8], delimiter: u8) -> bool {
    #[derive(Clone, Copy)]
    enum At {
        CellStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut at = At::CellStart;
    for &b in raw {
        let ends_cell = b == delimiter || b == b'\n' || b == b'\r';
        at = match (at, b) {
            (At::CellStart, b'"') => At::Quoted,
            (At::Quoted, b'"') => At::QuoteInQuoted,
            (At::Quoted, _) => At::Quoted,
            (At::QuoteInQuoted, b'"') => At::Quoted,
            (_, _) if ends_cell => At::CellStart,
            (_, _) => At::Unquoted,
        };
    }
    matches!(at, At::Quoted)
}

/// What a reader says of a quote opened and never closed ([`CsvError::is_unclosed_quote`]).
pub(crate) const NEVER_CLOSED: &str = "a quote opened in this cell is never closed";

/// A, B, … Z, AA, AB, …: a column as a spreadsheet names it.
pub(crate) fn column_letter(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(char::from(b'A' + (i % 26) as u8));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.iter().rev().collect()
}

impl QuotedRows {
    fn new(delimiter: u8) -> QuotedRows {
        let mut machine = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // Its first read would drop a byte-order mark at a record's start: a call with no
        // room for output counts as that first read (csv_core marks it read at any call;
        // `a_byte_order_mark_is_dropped_where_a_reader_starts_only` holds it to that).
        let _ = machine.read_record(b"\n", &mut [], &mut []);
        QuotedRows { machine, cells: vec![0; 1024], ends: vec![0; 64] }
    }
}

/// Records to keep (the top of a file, tests): each one a copy sized to its row.
impl Iterator for RecordReader<'_> {
    type Item = Result<Record, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.advance() {
            Ok(true) => Some(Ok(self.current.clone())),
            Ok(false) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the csv crate reads from `text`: each record's cells and the byte it starts at
    /// (csv places a record after the blank lines and the `\n` of a CRLF before it).
    fn as_csv_reads(text: &str, delimiter: u8) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
    }

    /// The records of `text`, read as the csv crate reads them: a quote left open takes the
    /// rest (`with_more_to_come`: what the end of a file refuses is tested below).
    fn read(text: &str, delimiter: u8) -> Vec<(usize, Vec<String>)> {
        RecordReader::new(text, delimiter)
            .with_more_to_come(true)
            .map(|r| r.unwrap())
            .map(|r| (r.line, r.cells.iter().map(str::to_string).collect()))
            .collect()
    }

    #[test]
    fn plain_and_quoted_rows_read_alike() {
        let text =
            "Kunde;Betrag\r\n\"Müller\nGmbH\";1.234,56\r\n\r\n\"Ä\"\"ö\";€ 12\n\n𝄞;3\nx;\"a;b\"\n;\nold\rmac;1\nlast;9";
        let rows = read(text, b';');
        let cells: Vec<Vec<String>> = rows.iter().map(|(_, c)| c.clone()).collect();
        assert_eq!(cells, as_csv_reads(text, b';'));
        assert_eq!(rows.iter().map(|(line, _)| *line).collect::<Vec<_>>(), [1, 2, 5, 7, 8, 9, 10, 10, 11]);
    }

    #[test]
    fn a_byte_order_mark_is_dropped_where_a_reader_starts_only() {
        assert_eq!(read("\u{feff}a;b\n", b';'), [(1, vec!["a".to_string(), "b".to_string()])]);
        assert_eq!(read("a\n\u{feff}\"b\"\n", b';')[1].1, ["\u{feff}\"b\"".to_string()]);
    }

    #[test]
    fn a_file_of_carriage_return_lines_reads_line_by_line() {
        // Excel for Mac's "CSV (Macintosh)": `\r` only. Each line is found where it ends,
        // not by a search for a `\n` to the end of the text (which made this quadratic).
        let text = "Kunde;Betrag\r".to_string() + &"K;1,00\r".repeat(50_000) + "\"Q\";2";
        let rows = read(&text, b';');
        assert_eq!(rows.len(), 50_002);
        assert_eq!(rows[1], (1, vec!["K".to_string(), "1,00".to_string()]));
        assert_eq!(rows[50_001].1, ["Q", "2"]);
    }

    #[test]
    fn a_long_quoted_cell_grows_the_buffers() {
        let long = "x".repeat(5000);
        let text = format!("\"{long}\";{}\n", vec!["c"; 100].join(";"));
        let rows = read(&text, b';');
        assert_eq!(rows[0].1.len(), 101);
        assert_eq!(rows[0].1[0], long);
    }

    /// Found by a review: a quote never closed took the rest of the file as one cell, and
    /// the rows after it were gone without a word.
    #[test]
    fn a_quote_never_closed_is_an_error_naming_its_line_and_column() {
        let text = "Kunde;Betrag;Nr\nA;1;2\nB;\"open;3\nC;4;5\nD;6;7\n";
        let err = RecordReader::new(text, b';').collect::<Result<Vec<_>, _>>().unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.is_unclosed_quote(), "{err}");
        assert!(err.reason.starts_with("column B: "), "{err}");
        assert!(err.reason.contains("the 2 line(s) after it"), "{err}");
        // Where the file goes on (a window), the quote may close later: no error yet.
        assert_eq!(RecordReader::new(text, b';').with_more_to_come(true).count(), 3);
        // Closed quotes spanning lines, and stray quotes in a last row, are fine.
        for fine in [
            "K;B\n\"a\nb\";1\nc;2\n",
            "K;B\nx;5\" pipe\n",
            "K;B\n\"a\"\"b\";1",
            "K;B;C\n\"multi\nline\";5\" pipe;\"x\"y\n",
        ] {
            assert!(RecordReader::new(fine, b';').all(|r| r.is_ok()), "{fine:?}");
        }
    }

    proptest! {
        /// Whatever the text, the cells are the csv crate's.
        #[test]
        fn every_text_reads_as_the_csv_crate_reads_it(text in "[a;\"\r\n é,]{0,40}") {
            let cells: Vec<Vec<String>> = read(&text, b';').into_iter().map(|(_, c)| c).collect();
            prop_assert_eq!(cells, as_csv_reads(&text, b';'));
        }
    }
}

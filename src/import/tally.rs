//! The first pass over an export's rows: the votes for its decimal mark and its day/month
//! order, how many records it has, and where each span of records starts (for reading in
//! pieces). The pass must end before the first row is parsed, and meanwhile the import's
//! writing thread has nothing to do: a large file is walked from both ends at once.

use super::amount::DecimalVotes;
use super::date::OrderVotes;
use super::source::{Text, each_record, each_record_while, record_start_after};
use super::text::{CsvError, RecordReader, ResumePoint};

/// Files from this size on are walked by two threads.
const TWO_THREADS_FROM: usize = 2 << 20;
/// Bytes looked through at a time by [`Pass::lines`].
const LINES_WINDOW: usize = 1 << 20;

/// What the pass found.
#[derive(Debug, Default)]
pub(super) struct Tally {
    pub decimal: DecimalVotes,
    pub order: OrderVotes,
    /// Records after the header.
    pub counted: usize,
    /// Where every `span`-th record after the header starts (runs of at most `span`).
    pub starts: Vec<ResumePoint>,
}

/// What to look at in each record.
pub(super) struct Pass<'a> {
    /// Records up to and including the header, skipped.
    pub skip: usize,
    pub amount_columns: &'a [usize],
    pub date_columns: &'a [usize],
    pub span: usize,
    /// Whether a second thread may walk half the file: not when the rows will be read in
    /// pieces (a re-import), whose other threads load the book meanwhile.
    pub two_threads: bool,
}

impl Pass<'_> {
    fn see(&self, tally: &mut Tally, reader: &RecordReader<'_>) {
        let r = reader.record();
        self.amount_columns.iter().for_each(|i| tally.decimal.see(r.cell(*i)));
        self.date_columns.iter().for_each(|i| {
            tally.order.see(r.cell(*i));
        });
        if tally.counted.is_multiple_of(self.span) {
            tally.starts.push(reader.resume_point());
        }
        tally.counted += 1;
    }

    /// What [`Pass::walk`] finds but the votes, without reading a record: for a file with
    /// no quote character in its rows and no line ended by a lone CR, whose every line but a
    /// blank one is then a record. Nothing to vote on, so only newlines are looked for: a
    /// few milliseconds a million rows, where the walk took a tenth of a second on two
    /// threads. None: a quote or a lone CR, and only a walk finds the records.
    pub fn lines(&self, text: &Text<'_>, delimiter: u8) -> Result<Option<Tally>, CsvError> {
        self.lines_by(text, delimiter, LINES_WINDOW)
    }

    /// [`Pass::lines`], looking through `window` bytes at a time (tests use tiny ones).
    fn lines_by(&self, text: &Text<'_>, delimiter: u8, window: usize) -> Result<Option<Tally>, CsvError> {
        let (mut seen, mut first) = (0, None);
        each_record_while(text, delimiter, (0, 0), |reader| {
            seen += 1;
            if seen > self.skip {
                first = Some(reader.resume_point());
            }
            first.is_none()
        })?;
        let mut tally = Tally::default();
        let Some((mut at, lines_before)) = first else { return Ok(Some(tally)) };
        // The line being looked through: where it starts, the newlines before it, its
        // first byte (it may start in a window before), and the records since the last
        // start (a start is due at the first, and after every `span`).
        let (mut line, mut lines, mut head, mut since) = (at, lines_before, None, self.span);
        let mut count = |tally: &mut Tally, line: usize, lines: usize, len: usize, head: Option<u8>| {
            // A blank line (nothing, or the CR of a CRLF) is no record.
            if len == 0 || (len == 1 && head == Some(b'\r')) {
                return;
            }
            if since == self.span {
                tally.starts.push((line, lines));
                since = 0;
            }
            since += 1;
            tally.counted += 1;
        };
        while at < text.len() {
            let bytes = text.bytes(at, window)?;
            if bytes.is_empty() {
                break;
            }
            if memchr::memchr(b'"', &bytes).is_some() {
                return Ok(None);
            }
            if head.is_none() && line == at {
                head = bytes.first().copied();
            }
            for i in memchr::memchr2_iter(b'\n', b'\r', &bytes) {
                let end = at + i;
                if bytes[i] == b'\r' {
                    // A CR ends a record only before a newline (CRLF), here or at the start
                    // of the next window: a lone one (Excel for Mac) only a walk reads.
                    let next = match bytes.get(i + 1) {
                        Some(b) => Some(*b),
                        None => text.bytes(end + 1, 1)?.first().copied(),
                    };
                    if next != Some(b'\n') {
                        return Ok(None);
                    }
                    continue;
                }
                count(&mut tally, line, lines, end - line, head);
                (line, lines, head) = (end + 1, lines + 1, bytes.get(i + 1).copied());
            }
            at += bytes.len();
        }
        // The last line, when no newline ends it.
        count(&mut tally, line, lines, text.len().saturating_sub(line), head);
        Ok(Some(tally))
    }

    /// Walk `text`. A large file's second half is walked by another thread from the first
    /// record start past its middle (after a newline and any blank lines), a guess: a
    /// quoted cell may hold newlines. The guess is kept only if the first half's walk
    /// reaches a record that starts exactly there (from a common record start, two walks
    /// read alike); else this thread walks on alone.
    pub fn walk(&self, text: &Text<'_>, delimiter: u8) -> Result<Tally, CsvError> {
        self.walk_split_from(text, delimiter, if self.two_threads { TWO_THREADS_FROM } else { usize::MAX })
    }

    /// [`Pass::walk`], splitting files of `two_threads_from` bytes or more (tests split
    /// small ones).
    fn walk_split_from(&self, text: &Text<'_>, delimiter: u8, two_threads_from: usize) -> Result<Tally, CsvError> {
        let split = match text.len() >= two_threads_from {
            true => record_start_after(text, text.len() / 2)?,
            false => None,
        };
        let Some(split) = split else {
            return self.walk_from(text, delimiter, None).map(|(tally, _)| tally);
        };
        std::thread::scope(|scope| {
            let second = scope.spawn(move || {
                let mut tally = Tally::default();
                each_record(text, delimiter, (split, 0), |reader| self.see(&mut tally, reader)).map(|()| tally)
            });
            let (mut tally, met) = self.walk_from(text, delimiter, Some(split))?;
            let second = second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            if let Some((start, lines_before)) = met {
                let second = second?;
                debug_assert_eq!(start, split);
                tally.decimal.add(&second.decimal);
                tally.order.add(&second.order);
                // The second half's spans start afresh at the split (the span before it is
                // shorter, which reading in pieces allows), its lines counted from there.
                tally.starts.extend(second.starts.into_iter().map(|(at, lines)| (at, lines + lines_before)));
                tally.counted += second.counted;
            }
            Ok(tally)
        })
    }

    /// Walk from the start, stopping at a record that starts at `split` (returning where it
    /// starts and the lines before it), or to the end.
    fn walk_from(
        &self,
        text: &Text<'_>,
        delimiter: u8,
        mut split: Option<usize>,
    ) -> Result<(Tally, Option<ResumePoint>), CsvError> {
        let (mut tally, mut seen, mut met) = (Tally::default(), 0, None);
        each_record_while(text, delimiter, (0, 0), |reader| {
            seen += 1;
            if let Some(at) = split {
                let (start, lines_before) = reader.resume_point();
                if start == at && seen > self.skip {
                    met = Some((start, lines_before));
                    return false;
                }
                if start > at {
                    // The guess fell inside a record: walk on alone.
                    split = None;
                }
            }
            if seen > self.skip {
                self.see(&mut tally, reader);
            }
            true
        })?;
        Ok((tally, met))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::source::Source;

    fn export(rows: usize, quoted_lines_at: Option<usize>) -> String {
        let mut text = String::from("Report\nKunde;Betrag;Datum\n");
        for i in 0..rows {
            let name = match quoted_lines_at {
                // A cell of many lines, around the middle of the file.
                Some(at) if at == i => format!("\"{}\"", vec!["Müller GmbH"; 400].join("\n")),
                _ => format!("K{i}"),
            };
            let date = if i == rows - 1 { "31.01.2026" } else { "05.01.2026" };
            text.push_str(&format!("{name};{},{:02};{date}\n", i, i % 100));
        }
        text
    }

    fn pass() -> Pass<'static> {
        Pass { skip: 2, amount_columns: &[1], date_columns: &[2], span: 7, two_threads: true }
    }

    /// The tally of one thread walking alone, and of the split walk, over `text` held whole
    /// and read from a file by windows.
    fn both_ways(text: &str) -> Vec<(Tally, Tally)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, text).unwrap();
        let source = Source::open(&path).unwrap();
        let survey = source.survey().unwrap();
        let (windows, _) = Text::of(&source, &survey).unwrap();
        let whole = Text::Whole(text.into());
        [whole, windows]
            .iter()
            .map(|t| {
                (pass().walk_split_from(t, b';', usize::MAX).unwrap(), pass().walk_split_from(t, b';', 0).unwrap())
            })
            .collect()
    }

    fn agree(alone: &Tally, split: &Tally, text: &str) {
        assert_eq!(split.counted, alone.counted);
        assert_eq!(split.decimal.verdict(), alone.decimal.verdict());
        assert_eq!(format!("{:?}", split.order), format!("{:?}", alone.order));
        // Every start is a record's, in order, with its line; runs are at most a span long.
        let record_starts: Vec<(usize, usize)> = {
            let mut reader = RecordReader::new(text, b';');
            let mut all = Vec::new();
            while reader.advance().unwrap() {
                all.push(reader.resume_point());
            }
            all
        };
        assert!(split.starts.iter().all(|s| record_starts.contains(s)), "{:?}", split.starts);
        assert!(split.starts.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(split.starts.first(), alone.starts.first());
        let index = |s: &ResumePoint| record_starts.iter().position(|r| r == s).unwrap();
        assert!(split.starts.windows(2).all(|w| index(&w[1]) - index(&w[0]) <= 7));
    }

    #[test]
    fn a_file_walked_from_both_ends_tallies_as_one_walk() {
        let text = export(500, None);
        for (alone, split) in both_ways(&text) {
            agree(&alone, &split, &text);
            assert_eq!(alone.counted, 500);
            // The split was kept: the second half's spans start afresh at it.
            assert_ne!(split.starts, alone.starts);
        }
    }

    #[test]
    fn a_file_with_crlf_lines_or_blank_lines_is_walked_from_both_ends_too() {
        // The split falls past a newline: with CRLF, or among blank lines, the record
        // starts after them, where both walks place it.
        for ending in ["\r\n", "\r\n\r\n", "\n\n"] {
            let text = export(500, None).replace('\n', ending);
            for (alone, split) in both_ways(&text) {
                agree(&alone, &split, &text);
                assert_ne!(split.starts, alone.starts, "the split was kept ({ending:?})");
            }
        }
    }

    #[test]
    fn a_file_without_quotes_is_placed_by_its_newlines_as_a_walk_places_it() {
        let blank_lines = export(500, None).replace("K17;", "\n\r\n\nK17;") + "\n\n";
        let no_last_newline = export(40, None).trim_end().to_string();
        let header_only = "Report\nKunde;Betrag;Datum\n".to_string();
        let cases = ["\n", "\r\n", "\n\n", "\r\n\r\n"].map(|ending| export(500, None).replace('\n', ending));
        for text in cases.into_iter().chain([blank_lines, no_last_newline, header_only]) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("export.csv");
            std::fs::write(&path, &text).unwrap();
            let source = Source::open(&path).unwrap();
            let (windows, _) = Text::of(&source, &source.survey().unwrap()).unwrap();
            for t in [Text::Whole(text.as_str().into()), windows] {
                let walked = pass().walk_split_from(&t, b';', usize::MAX).unwrap();
                for window in [1, 2, 3, 7, 64, LINES_WINDOW] {
                    let lined = pass().lines_by(&t, b';', window).unwrap().expect("no quote in the rows");
                    assert_eq!(lined.starts, walked.starts, "{window}: {text:?}");
                    assert_eq!(lined.counted, walked.counted, "{window}: {text:?}");
                }
            }
        }
        // A quote in the rows, or lines ended by a lone CR: only a walk finds their records.
        let quoted = export(60, Some(30));
        let carriage_returns = export(60, None).replace('\n', "\r");
        for text in [quoted, carriage_returns] {
            for window in [1, 2, 7, LINES_WINDOW] {
                assert!(pass().lines_by(&Text::Whole(text.as_str().into()), b';', window).unwrap().is_none());
            }
        }
    }

    #[test]
    fn a_split_that_falls_inside_a_quoted_cell_is_dropped() {
        let text = export(60, Some(30));
        let middle = text.len() / 2;
        let quoted = text.find('"').unwrap()..text.rfind('"').unwrap();
        assert!(quoted.contains(&middle), "the middle is inside the quoted cell");
        for (alone, split) in both_ways(&text) {
            agree(&alone, &split, &text);
            assert_eq!(split.starts, alone.starts, "walked by one thread");
        }
    }
}

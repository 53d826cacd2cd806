//! Reading accounting exports: decode, split, detect the format, classify and parse
//! every row (pure), then reconcile against the book (a plan, shown before anything
//! is written). The desk's `import_file` commits a plan in one transaction.

pub mod amount;
mod book_index;
mod cells;
pub mod date;
pub mod detect;
mod first_lines;
pub mod profile;
pub mod read;
pub mod reconcile;
mod records;
pub mod source;
mod tally;
pub mod text;
mod totals;

use std::path::Path;

pub use profile::{Profile, load_profiles};
pub use read::{ContactRow, Issue, ItemKind, LedgerRow, Parsed, Pieces, RowClass, RowCounts, RowSink, Severity};
pub use reconcile::{Existing, ExistingInvoice, ImportPlan};
pub use source::{Source, Survey};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: cannot read: {source}")]
    Read { file: String, source: std::io::Error },
    #[error("{file}: {reason}")]
    Csv { file: String, reason: String },
    #[error("{file}: {source}")]
    Detect { file: String, source: detect::DetectError },
    #[error("{file}: the file is empty")]
    Empty { file: String },
}

/// Read and parse one export. `forced` names a format instead of detecting it.
pub fn parse_bytes(
    file: &str,
    bytes: &[u8],
    profiles: &[Profile],
    forced: Option<&str>,
) -> Result<Parsed, ImportError> {
    parse_bytes_in(file, bytes, profiles, forced, read::Pieces::for_size(bytes.len()))
}

/// [`parse_bytes`], reading a flat file in `pieces` (tests read small files in tiny pieces,
/// to prove the pieces give what one reader gives).
pub fn parse_bytes_in(
    file: &str,
    bytes: &[u8],
    profiles: &[Profile],
    forced: Option<&str>,
    pieces: read::Pieces,
) -> Result<Parsed, ImportError> {
    let source = Source::Bytes(bytes);
    let survey = source.survey().map_err(|source| ImportError::Read { file: file.into(), source })?;
    parse_source(file, &source, &survey, profiles, forced, pieces, None)
}

/// Read and parse an export from `source` (`survey`: what [`Source::survey`] found of it),
/// reading a flat file in `pieces`. With a `sink`, the receivables go to it in batches as
/// they are read instead of into [`Parsed::invoices`] (which stays empty): what an import of
/// a large file uses, so that its memory does not grow with the file.
pub fn parse_source(
    file: &str,
    source: &Source<'_>,
    survey: &Survey,
    profiles: &[Profile],
    forced: Option<&str>,
    pieces: read::Pieces,
    sink: Option<&mut dyn RowSink>,
) -> Result<Parsed, ImportError> {
    let (text, encoding) = source::Text::of(source, survey).map_err(|source| match source.kind() {
        // The file was read; what it holds is wrong (two encodings mixed): said as such.
        std::io::ErrorKind::InvalidData => ImportError::Csv { file: file.into(), reason: source.to_string() },
        _ => ImportError::Read { file: file.into(), source },
    })?;
    let csv_error = |e: text::CsvError| ImportError::Csv { file: file.into(), reason: e.to_string() };
    let top = text.top().map_err(csv_error)?;
    if top.trim().is_empty() && text.len() == top.len() {
        return Err(ImportError::Empty { file: file.into() });
    }
    let delimiter = text::sniff_delimiter(&top);
    // Only the top of the file is held (where the header is looked for); the rows are read
    // one window at a time.
    let head: Vec<text::Record> = text::RecordReader::new(&top, delimiter)
        .take(detect::HEADER_SEARCH)
        .collect::<Result<_, _>>()
        .map_err(csv_error)?;
    let detected = detect::detect(&head, profiles, forced).map_err(|source| {
        // A quote never closed near the top throws the delimiter's sniffing off, and no
        // header is found: say what is wrong with the file instead.
        let unclosed = [b';', b',', b'\t', b'|'].into_iter().find_map(|d| {
            match text::RecordReader::new(&top, d).take(detect::HEADER_SEARCH).collect::<Result<Vec<_>, _>>() {
                Err(e) if e.is_unclosed_quote() => Some(e),
                _ => None,
            }
        });
        match unclosed {
            Some(e) => csv_error(e),
            None => ImportError::Detect { file: file.into(), source },
        }
    })?;
    read::read_splitting_from(&head, &text, &detected, encoding, delimiter, pieces, sink).map_err(csv_error)
}

pub fn parse_file(path: &Path, profiles: &[Profile], forced: Option<&str>) -> Result<(Parsed, Vec<u8>), ImportError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read { file: file.clone(), source })?;
    Ok((parse_bytes(&file, &bytes, profiles, forced)?, bytes))
}

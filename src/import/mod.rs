//! Reading accounting exports: decode, split, detect the format, classify and parse
//! every row (pure), then reconcile against the book (a plan, shown before anything
//! is written). The desk's `import_file` commits a plan in one transaction.

pub mod amount;
pub mod date;
pub mod detect;
pub mod profile;
pub mod read;
pub mod reconcile;
pub mod text;
mod totals;

use std::path::Path;

pub use profile::{Profile, load_profiles};
pub use read::{ContactRow, Issue, ItemKind, LedgerRow, Parsed, Pieces, RowClass, RowCounts, RowSink, Severity};
pub use reconcile::{Existing, ExistingInvoice, ImportPlan};

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
    parse_with(file, bytes, profiles, forced, pieces, None)
}

fn parse_with(
    file: &str,
    bytes: &[u8],
    profiles: &[Profile],
    forced: Option<&str>,
    pieces: read::Pieces,
    sink: Option<&mut dyn RowSink>,
) -> Result<Parsed, ImportError> {
    let (text, encoding) = text::decode(bytes);
    if text.trim().is_empty() {
        return Err(ImportError::Empty { file: file.into() });
    }
    let delimiter = text::sniff_delimiter(&text);
    let csv_error = |e: text::CsvError| ImportError::Csv { file: file.into(), reason: e.to_string() };
    // Only the top of the file is held (where the header is looked for); the rows are read
    // one at a time.
    let head: Vec<text::Record> = text::RecordReader::new(&text, delimiter)
        .take(detect::HEADER_SEARCH)
        .collect::<Result<_, _>>()
        .map_err(csv_error)?;
    let detected =
        detect::detect(&head, profiles, forced).map_err(|source| ImportError::Detect { file: file.into(), source })?;
    read::read_splitting_from(&head, &text, &detected, encoding, delimiter, pieces, sink).map_err(csv_error)
}

/// [`parse_bytes`], handing the receivables to `sink` in batches as they are read instead of
/// collecting them in [`Parsed::invoices`] (which stays empty): what an import of a large
/// file uses, so that its memory does not grow with the file.
pub fn parse_bytes_into(
    file: &str,
    bytes: &[u8],
    profiles: &[Profile],
    forced: Option<&str>,
    pieces: read::Pieces,
    sink: &mut dyn RowSink,
) -> Result<Parsed, ImportError> {
    parse_with(file, bytes, profiles, forced, pieces, Some(sink))
}

pub fn parse_file(path: &Path, profiles: &[Profile], forced: Option<&str>) -> Result<(Parsed, Vec<u8>), ImportError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read { file: file.clone(), source })?;
    Ok((parse_bytes(&file, &bytes, profiles, forced)?, bytes))
}

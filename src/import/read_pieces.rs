//! Reading a large flat file in pieces on two threads, joined in file order.

use super::{CsvError, ROWS_PER_BATCH, RowContext, RowSink, Rows, Span, read_rows};

/// A file this large (bytes) is read in pieces on two threads when its rows stand alone.
pub const SPLIT_FROM: usize = 4 << 20;

/// How a file is read: in pieces of this many records on two threads at once (flat files
/// only), or all by one reader (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pieces(pub Option<usize>);

impl Pieces {
    /// Pieces of [`ROWS_PER_BATCH`] records for a file of [`SPLIT_FROM`] bytes or more.
    pub fn for_size(bytes: usize) -> Pieces {
        Pieces((bytes >= SPLIT_FROM).then_some(ROWS_PER_BATCH))
    }
}

/// Read the `count` spans of a flat file on two threads, each span alone (a later piece's
/// grand total is checked once the pieces before are summed: `Rows::then`), and join them in
/// file order: their receivables go to `sink` piece by piece, or into the rows. Each thread
/// keeps at most one finished piece waiting, so memory stays that of a few pieces.
pub(super) fn in_pieces<'t, 's>(
    count: usize,
    piece: &(dyn Fn(usize) -> Result<Span<'t>, CsvError> + Sync),
    cx: &RowContext<'_>,
    so_far: Rows,
    mut sink: Option<&mut (dyn RowSink + 's)>,
) -> Result<Rows, CsvError> {
    std::thread::scope(|scope| {
        let mut finished = Vec::new();
        for first in 0..2 {
            let (send, receive) = std::sync::mpsc::sync_channel::<Result<Rows, CsvError>>(1);
            finished.push(receive);
            scope.spawn(move || {
                for k in (first..count).step_by(2) {
                    // Room for the piece's receivables at once: grown, they were copied again
                    // at each doubling.
                    let mut rows =
                        Rows { ahead: true, invoices: Vec::with_capacity(ROWS_PER_BATCH), ..Rows::default() };
                    let read = piece(k).and_then(|span| read_rows(&mut span.reader(), cx, &mut rows, None));
                    // The other end is gone only when reading stopped at an error.
                    if send.send(read.map(|_| rows)).is_err() {
                        break;
                    }
                }
            });
        }
        let mut rows = so_far;
        for k in 0..count {
            let read = finished[k % 2].recv().unwrap_or_else(|_| unreachable!("a reader thread ended early"));
            let mut later = read?;
            if rows.ended {
                // A footer in an earlier piece: what follows is footer too, as one reader sees it.
                read_rows(&mut piece(k)?.reader(), cx, &mut rows, None)?;
                continue;
            }
            let invoices = match sink.as_deref_mut() {
                Some(_) => std::mem::take(&mut later.invoices),
                None => Vec::new(),
            };
            rows = rows.then(later, cx);
            if let Some(sink) = sink.as_deref_mut().filter(|_| !invoices.is_empty()) {
                sink.rows(invoices);
            }
        }
        Ok(rows)
    })
}

//! The settings of one large transaction (an import): set before it begins, put back
//! after it ends, since most of them cannot change inside a transaction.

use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

use super::Result;

/// How a bulk write's pages reach the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Journal {
    /// The book's usual write-ahead log: others go on reading while it writes, but every
    /// page is written twice (into the log, then into the book at the checkpoint).
    Wal,
    /// A rollback journal, as `sqlite3 .import` writes: a page new to the file is written
    /// once, and only the pages the write changes are copied aside first. Others cannot
    /// read while it commits (nor once its cache spills), so it is taken only when no one
    /// else has the book open.
    Rollback,
}

/// What a bulk write changed on the connection, to put back after it.
pub struct BulkWrite {
    cache_size: i64,
    pub journal: Journal,
}

/// The book's size, in pages as this connection sees it (what its WAL holds included).
pub fn book_bytes(conn: &Connection) -> Result<u64> {
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    Ok((pages * size).max(0) as u64)
}

/// Settings for one large transaction, outside it:
/// - a 16 MiB page cache: with SQLite's default 2 MiB, dirty pages spilled mid-transaction
///   at a cost; 64 MiB was no faster than 16 (paired runs, both journals) and held 55 MiB
///   more at the peak;
/// - foreign keys unchecked, since every debtor and batch id an import writes was read or
///   inserted by that same transaction (checking costs a lookup per invoice);
/// - CHECK constraints unchecked: an import's rows are checked as they are read (a
///   currency is three letters), and its kinds and statuses are spelt by its SQL;
/// - when the write is `larger` than the book it goes into and this is the only
///   connection to it, a rollback journal.
///
/// [`end_bulk_write`] puts it all back.
pub fn begin_bulk_write(conn: &Connection, larger: bool) -> Result<BulkWrite> {
    let cache_size = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -16 * 1024)?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    // Each many-row INSERT keeps a statement journal of the pages it changes, so that a
    // failing row undoes only its statement; on disk that was a second stream of writes
    // as large as the book (a tenth of the import's time). In memory it is a few pages.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "ignore_check_constraints", "ON")?;
    let journal = if larger && take_rollback_journal(conn)? { Journal::Rollback } else { Journal::Wal };
    tracing::debug!(?journal, "bulk write begun");
    Ok(BulkWrite { cache_size, journal })
}

/// Leave WAL for a rollback journal. SQLite refuses at once, without waiting, while
/// another connection has the book open (each holds a lock on the file for as long): the
/// write then stays in WAL, and whoever else is reading goes on reading.
fn take_rollback_journal(conn: &Connection) -> Result<bool> {
    match conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0)) {
        Ok(mode) if mode.eq_ignore_ascii_case("delete") => {
            // NORMAL is safe with a WAL; a rollback journal needs every sync to survive a
            // power cut.
            conn.pragma_update(None, "synchronous", "FULL")?;
            Ok(true)
        }
        // An in-memory book has no file to journal.
        Ok(_) => Ok(false),
        Err(e) if is_busy(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

pub fn end_bulk_write(conn: &Connection, bulk: BulkWrite) -> Result<()> {
    let keys = conn.pragma_update(None, "foreign_keys", "ON");
    conn.pragma_update(None, "cache_size", bulk.cache_size)?;
    conn.pragma_update(None, "temp_store", "DEFAULT")?;
    conn.pragma_update(None, "ignore_check_constraints", "OFF")?;
    if bulk.journal == Journal::Rollback {
        back_to_wal(conn);
    }
    Ok(keys?)
}

/// Put the book back in WAL mode. Someone who opened it meanwhile and is reading it right
/// now makes this fail; the book then stays as it is until the next open sets WAL (every
/// open does), and nothing is lost either way.
fn back_to_wal(conn: &Connection) {
    let _ = conn.busy_timeout(Duration::from_secs(1));
    match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
        Ok(mode) if mode.eq_ignore_ascii_case("wal") => {
            let _ = conn.pragma_update(None, "synchronous", "NORMAL");
        }
        other => tracing::debug!(ok = other.is_ok(), "the book stays out of WAL until its next open"),
    }
    let _ = conn.busy_timeout(super::BUSY_TIMEOUT);
}

/// SQLite's "someone else holds the lock".
pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

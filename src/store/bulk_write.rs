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
    /// once, and only the pages the write changes are copied aside first. A reader holding
    /// the book stops the writer once its cache spills, so nothing may hold a read open
    /// across the write (the import copies its backup first). Taken for a large write when
    /// no one else has the book open; or found, when a book was left out of WAL (a dun
    /// opened during such an import) and someone holds it so that WAL cannot be set again.
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
    let mut bulk = BulkWrite { cache_size, journal: Journal::Wal };
    match settle(conn, larger) {
        Ok(journal) => {
            bulk.journal = journal;
            tracing::debug!(?journal, "bulk write begun");
            Ok(bulk)
        }
        Err(e) => {
            // Nothing is left half-set on the connection.
            let _ = end_bulk_write(conn, bulk);
            Err(e)
        }
    }
}

fn settle(conn: &Connection, larger: bool) -> Result<Journal> {
    conn.pragma_update(None, "cache_size", -16 * 1024)?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    // A statement that may have to undo itself keeps a journal of the pages it changes,
    // and the indexes built at the end sort in temporary files: in memory, not on disk
    // (the statement journals of the many-row INSERTs, before they were written `OR FAIL`,
    // were a second stream of writes as large as the book, a tenth of the import's time).
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "ignore_check_constraints", "ON")?;
    let mode = journal_mode(conn)?;
    if mode == "memory" {
        // A book in memory: no file, no journal to choose.
        return Ok(Journal::Wal);
    }
    // A book left out of WAL is put back first: only from WAL does the switch below tell
    // whether anyone else has the book open.
    if mode != "wal" && !back_in_wal_at_once(conn)? {
        conn.pragma_update(None, "synchronous", "FULL")?;
        return Ok(Journal::Rollback);
    }
    if larger && set_journal_mode(conn, "delete")? {
        // NORMAL is safe with a WAL; a rollback journal needs every sync to survive a
        // power cut.
        conn.pragma_update(None, "synchronous", "FULL")?;
        return Ok(Journal::Rollback);
    }
    Ok(Journal::Wal)
}

/// Set WAL without waiting: whoever holds the book now will still hold it in a moment.
fn back_in_wal_at_once(conn: &Connection) -> Result<bool> {
    conn.busy_timeout(Duration::ZERO)?;
    let set = set_journal_mode(conn, "wal");
    super::wait_as_set(conn)?;
    set
}

/// The connection's journal mode, lower-case ("memory" for a book in memory).
pub fn journal_mode(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))?.to_ascii_lowercase())
}

/// Switch the journal to `mode`; `false` if someone else's hold on the book refused it
/// (SQLite refuses leaving WAL at once, without waiting, while another connection has the
/// book open) or the book has no file.
fn set_journal_mode(conn: &Connection, mode: &str) -> Result<bool> {
    match conn.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| r.get::<_, String>(0)) {
        Ok(now) => Ok(now.eq_ignore_ascii_case(mode)),
        Err(e) if is_busy(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Put back what [`begin_bulk_write`] set, all of it even if one fails (the first failure
/// is returned).
pub fn end_bulk_write(conn: &Connection, bulk: BulkWrite) -> Result<()> {
    let results = [
        conn.pragma_update(None, "foreign_keys", "ON"),
        conn.pragma_update(None, "ignore_check_constraints", "OFF"),
        conn.pragma_update(None, "cache_size", bulk.cache_size),
        conn.pragma_update(None, "temp_store", "DEFAULT"),
    ];
    if bulk.journal == Journal::Rollback {
        back_to_wal(conn);
    }
    results.into_iter().collect::<rusqlite::Result<Vec<()>>>()?;
    Ok(())
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
    let _ = super::wait_as_set(conn);
}

/// SQLite's "someone else holds the lock".
pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// Run `write` (a large write into the book at `db` with a rollback journal, committed
/// when it returns) while another thread asks the system, every quarter of a second, to put
/// the book's written pages on disk. A large import otherwise leaves them all in memory
/// until its commit, whose sync then waited half a second for a hundred and fifty
/// megabytes; flushed as they come, they reach the disk while the import goes on writing
/// (measured on Linux only, and only done there). What is on disk is never less safe for it:
/// SQLite syncs its journal before it writes a page the journal covers, and a crash before
/// the commit rolls back whatever reached the file. (In WAL mode the book is not written
/// during the transaction: nothing to flush.)
/// With no book (`None`, or one that cannot be opened), `write` just runs.
pub fn flushing_meanwhile<T>(db: Option<&std::path::Path>, write: impl FnOnce() -> T) -> T {
    let Some(book) = db.and_then(flushing_handle) else { return write() };
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(FLUSH_EVERY) {
                // A failure here is the commit's to meet and report (Linux tells every
                // handle of a file about a failed write-back): this is only ahead of it.
                let _ = book.sync_data();
            }
        });
        let written = write();
        drop(stop);
        written
    })
}

const FLUSH_EVERY: Duration = Duration::from_millis(250);

/// A handle on the book for flushing it, kept open until the process ends. SQLite's locks
/// on a file are the process's (POSIX `fcntl` locks): closing any handle on the book drops
/// them all, whatever connection took them. So a handle opened here is never closed: one
/// per book file, reused by every later import of the process.
#[cfg(target_os = "linux")]
fn flushing_handle(db: &std::path::Path) -> Option<&'static std::fs::File> {
    use std::os::unix::fs::MetadataExt;
    static HANDLES: std::sync::Mutex<Vec<(u64, u64, &'static std::fs::File)>> = std::sync::Mutex::new(Vec::new());
    let meta = std::fs::metadata(db).ok()?;
    let mut handles = HANDLES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((.., file)) = handles.iter().find(|(dev, ino, _)| (*dev, *ino) == (meta.dev(), meta.ino())) {
        return Some(file);
    }
    let file: &'static std::fs::File = Box::leak(Box::new(std::fs::File::open(db).ok()?));
    handles.push((meta.dev(), meta.ino(), file));
    Some(file)
}

#[cfg(not(target_os = "linux"))]
fn flushing_handle(_db: &std::path::Path) -> Option<&'static std::fs::File> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_flushed_meanwhile_returns_what_it_returned_and_the_flusher_stops_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("book.db");
        std::fs::write(&db, b"pages").unwrap();
        // A flusher that did not stop with the write would hold this test for ever.
        assert_eq!(flushing_meanwhile(Some(&db), || 42), 42);
        let slow = flushing_meanwhile(Some(&db), || {
            std::thread::sleep(FLUSH_EVERY * 2);
            "written"
        });
        assert_eq!(slow, "written");
        assert_eq!(
            flushing_meanwhile(Some(&dir.path().join("none.db")), || 7),
            7,
            "no book file: written all the same"
        );
        assert_eq!(flushing_meanwhile(None, || 8), 8, "no book to flush: written all the same");
        // One handle per book file, kept: closing one would drop the process's locks on it.
        #[cfg(target_os = "linux")]
        assert!(std::ptr::eq(flushing_handle(&db).unwrap(), flushing_handle(&db).unwrap()));
    }
}

//! The settings of one large transaction (an import): set before it begins, put back
//! after it ends, since most of them cannot change inside a transaction.

use rusqlite::Connection;

use super::Result;

/// What a bulk write changed on the connection, to put back after it.
pub struct BulkWrite {
    cache_size: i64,
}

/// Settings for one large transaction, outside it: a 64 MiB page cache (with SQLite's
/// default 2 MiB, dirty pages spill mid-transaction), and foreign keys unchecked, since
/// every debtor and batch id an import writes was read or inserted by that same
/// transaction (checking costs a lookup per invoice). [`end_bulk_write`] puts them back.
pub fn begin_bulk_write(conn: &Connection) -> Result<BulkWrite> {
    let cache_size = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -64 * 1024)?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    // Each many-row INSERT keeps a statement journal of the pages it changes, so that a
    // failing row undoes only its statement; on disk that was a second stream of writes
    // as large as the book (a tenth of the import's time). In memory it is a few pages.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(BulkWrite { cache_size })
}

pub fn end_bulk_write(conn: &Connection, bulk: BulkWrite) -> Result<()> {
    let keys = conn.pragma_update(None, "foreign_keys", "ON");
    conn.pragma_update(None, "cache_size", bulk.cache_size)?;
    conn.pragma_update(None, "temp_store", "DEFAULT")?;
    Ok(keys?)
}

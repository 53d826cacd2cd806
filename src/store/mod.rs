//! The only place that speaks SQL. Opening a database sets the pragmas, refuses a
//! schema from a newer dun without touching the file, and migrates in a transaction.

mod activity;
mod agenda;
mod backup;
mod codec;
mod debtors;
mod events;
mod guard;
mod imports;
mod invoices;
mod ladder;
mod legal;
mod migrations;
mod payments;
mod promises;
mod report_queries;
mod reports;
mod retention;
mod worklist;

pub use activity::*;
pub use agenda::*;
pub use backup::*;
pub use debtors::*;
pub use events::*;
pub use guard::*;
pub use imports::*;
pub use invoices::*;
pub use ladder::*;
pub use legal::*;
pub use migrations::{SCHEMA_VERSION, migrations};
pub use payments::*;
pub use promises::*;
pub use report_queries::*;
pub use reports::*;
pub use retention::*;
pub use worklist::*;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path} was written by a newer dun (schema v{found}; this dun knows up to v{supported}). \
         It was left untouched: upgrade dun to open it."
    )]
    TooNew { path: PathBuf, found: i64, supported: i64 },
    #[error("{path} is not a dun database or is damaged: {reason}")]
    Damaged { path: PathBuf, reason: String },
    #[error("cannot create {path}: {source}")]
    Create { path: PathBuf, source: std::io::Error },
    #[error("migrating {path} failed, nothing was changed: {reason}")]
    Migration { path: PathBuf, reason: String },
    #[error("{0} was not found")]
    NotFound(String),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Open (creating if needed) the database at `path`, ready for use.
pub fn open(path: &Path) -> Result<Connection> {
    create_private(path)?;
    let damaged = |e: rusqlite::Error| StoreError::Damaged { path: path.to_path_buf(), reason: e.to_string() };
    let mut conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(damaged)?;
    // Read the version before any pragma writes, so a newer file is left byte-for-byte as it was.
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(damaged)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found, supported: SCHEMA_VERSION });
    }
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL").map_err(damaged)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    migrations()
        .to_latest(&mut conn)
        .map_err(|e| StoreError::Migration { path: path.to_path_buf(), reason: e.to_string() })?;
    Ok(conn)
}

/// An in-memory database with the current schema, for tests.
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrations()
        .to_latest(&mut conn)
        .map_err(|e| StoreError::Migration { path: ":memory:".into(), reason: e.to_string() })?;
    Ok(conn)
}

/// Debtor data is sensitive: a new database file (and its folder) is its owner's alone.
pub(crate) fn create_private(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    let err = |source| StoreError::Create { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(err)?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(err(e)),
    }
}

/// `true` when the book holds no debtor yet (the desk then greets with a welcome screen).
pub fn is_empty(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM debtor)", [], |r| r.get(0))?)
}

/// SQLite's `PRAGMA data_version`: it changes when another connection commits.
pub fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

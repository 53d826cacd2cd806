//! Online backups: a consistent copy of the book while it is in use, private to its
//! owner; the last few kept automatically before risky writes.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use rusqlite::backup::Backup;

use super::{Result, SCHEMA_VERSION, StoreError};

/// Copy the open database to `dest` (created 0600), page by page, without stopping writers.
pub fn backup_to(conn: &Connection, dest: &Path) -> Result<()> {
    if dest.exists() {
        return Err(StoreError::Create {
            path: dest.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "a file is already there"),
        });
    }
    super::create_private(dest).map_err(|e| e.at(dest))?;
    let copy = || -> Result<()> {
        let mut target = Connection::open(dest)?;
        Backup::new(conn, &mut target)?.run_to_completion(512, Duration::ZERO, None)?;
        Ok(())
    };
    copy().map_err(|e| {
        // A half-written copy is no backup: leave none behind (a full disk needs the space).
        let _ = std::fs::remove_file(dest);
        e.at(dest)
    })
}

/// The book as it stood before an import began, for the backup the import takes if it is
/// kept. An import writes while it reads its file and only knows at the end whether it
/// will keep what it wrote.
pub enum BookAsItWas {
    /// A read transaction on a connection of its own, which writes on other connections do
    /// not change until it is dropped: the backup is copied from it at the end.
    Held(Connection),
    /// A copy made before the import began, for a book written with a rollback journal
    /// (where a reader held open would stop the import's writes): filed at the end.
    Copied(PendingCopy),
}

/// A copy of the book in the backup folder, under a name that rotation does not count,
/// removed unless it is filed.
pub struct PendingCopy(PathBuf);

impl Drop for PendingCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl BookAsItWas {
    pub fn hold(db: &Path) -> Result<BookAsItWas> {
        let conn = Connection::open_with_flags(
            db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // A deferred BEGIN takes its snapshot at the first read.
        conn.execute_batch("BEGIN")?;
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))?;
        Ok(BookAsItWas::Held(conn))
    }

    /// Copy the book `conn` has open, now, under a name of this process's own (a copy left
    /// by a killed import of the same process id is replaced).
    pub fn copy(conn: &Connection, db: &Path) -> Result<BookAsItWas> {
        let pending = backup_dir(db).join(format!(".{}-copy-in-progress-{}.db", stem(db), std::process::id()));
        let _ = std::fs::remove_file(&pending);
        remove_stale_copies(db);
        backup_to(conn, &pending)?;
        Ok(BookAsItWas::Copied(PendingCopy(pending)))
    }

    /// The [`automatic_backup`] of the book as it was.
    pub fn back_up(self, db: &Path, why: &str, at: DateTime<Utc>, keep: usize) -> Result<PathBuf> {
        match self {
            BookAsItWas::Held(conn) => automatic_backup(&conn, db, why, at, keep),
            BookAsItWas::Copied(copy) => {
                let dest = backup_name(db, why, at);
                std::fs::rename(&copy.0, &dest).map_err(|source| StoreError::Create { path: dest.clone(), source })?;
                keep_newest(db, keep);
                Ok(dest)
            }
        }
    }
}

/// Copies a killed import left behind hold the debtors' data like any backup: those of a
/// day ago or more are removed (no import runs that long; a live one's copy is younger).
fn remove_stale_copies(db: &Path) {
    let prefix = format!(".{}-copy-in-progress-", stem(db));
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(24 * 3600);
    let Ok(entries) = std::fs::read_dir(backup_dir(db)) else { return };
    for entry in entries.flatten() {
        let stale = entry.file_name().to_str().is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".db"))
            && entry.metadata().and_then(|m| m.modified()).is_ok_and(|at| at < day_ago);
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn stem(db: &Path) -> &str {
    db.file_stem().and_then(|s| s.to_str()).unwrap_or("dun")
}

/// The folder automatic backups go to: `backups/` beside the database.
pub fn backup_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

/// Take an automatic backup named for `why`, keeping only the newest `keep` of them.
pub fn automatic_backup(conn: &Connection, db: &Path, why: &str, at: DateTime<Utc>, keep: usize) -> Result<PathBuf> {
    let dest = backup_name(db, why, at);
    backup_to(conn, &dest)?;
    keep_newest(db, keep);
    Ok(dest)
}

/// `backups/<stem>-<time>-<why>.db`, numbered if one of that name is already there.
fn backup_name(db: &Path, why: &str, at: DateTime<Utc>) -> PathBuf {
    let dir = backup_dir(db);
    let stem = stem(db);
    let mut dest = dir.join(format!("{stem}-{}-{why}.db", at.format("%Y%m%d-%H%M%S")));
    let mut n = 1;
    while dest.exists() {
        n += 1;
        dest = dir.join(format!("{stem}-{}-{why}-{n}.db", at.format("%Y%m%d-%H%M%S")));
    }
    dest
}

/// Remove all but the newest `keep` automatic backups of the book (one at least stays).
fn keep_newest(db: &Path, keep: usize) {
    let stem = stem(db);
    let mut taken: Vec<PathBuf> = std::fs::read_dir(backup_dir(db))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    taken.retain(|p| {
        p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&format!("{stem}-")) && n.ends_with(".db"))
    });
    taken.sort();
    for old in taken.iter().take(taken.len().saturating_sub(keep.max(1))) {
        let _ = std::fs::remove_file(old);
    }
}

/// Replace the database at `db` with the backup at `source`, after checking the backup
/// is a sound dun database this version can read. The current file is backed up first.
pub fn restore(db: &Path, source: &Path, at: DateTime<Utc>) -> Result<PathBuf> {
    let bad = |reason: String| StoreError::Damaged { path: source.to_path_buf(), reason };
    let from = Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| bad(e.to_string()))?;
    let version: i64 = from.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| bad(e.to_string()))?;
    if version == 0 || version > SCHEMA_VERSION {
        return Err(bad(format!("schema v{version} is not one this dun reads (v1–v{SCHEMA_VERSION})")));
    }
    let check: String = from.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| bad(e.to_string()))?;
    if check != "ok" {
        return Err(bad(check));
    }
    let mut current = super::open(db)?;
    let safety = automatic_backup(&current, db, "before-restore", at, usize::MAX)?;
    Backup::new(&from, &mut current)?.run_to_completion(512, Duration::ZERO, None)?;
    Ok(safety)
}

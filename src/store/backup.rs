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
    if dest.is_dir() {
        return Err(StoreError::Create {
            path: dest.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "that is a folder: name the file to write, e.g. a file name inside it",
            ),
        });
    }
    if dest.exists() {
        return Err(StoreError::Create {
            path: dest.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "a file is already there"),
        });
    }
    super::create_private(dest).map_err(|e| e.at(dest))?;
    copy_into(conn, dest)
}

/// Copy the open database into `dest`, a file just made for it.
fn copy_into(conn: &Connection, dest: &Path) -> Result<()> {
    let copy = || -> Result<()> {
        let mut target = Connection::open(dest)?;
        Backup::new(conn, &mut target)?.run_to_completion(512, Duration::ZERO, None)?;
        Ok(())
    };
    copy().map_err(|e| {
        // A half-written copy is no backup: leave none behind, nor its journal (a full disk
        // needs the space).
        let _ = std::fs::remove_file(dest);
        for suffix in ["-journal", "-wal", "-shm"] {
            let _ = std::fs::remove_file(super::side_file(dest, suffix));
        }
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
/// removed unless it is filed. The file is locked while this lives, so that a copy a killed
/// import left (no one holds its lock) is told from a live import's.
pub struct PendingCopy(PathBuf, #[allow(dead_code)] std::fs::File);

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
        // A copy of this name left by a killed process (a process id comes again) is
        // removed here if no one holds it; one that is held is another import's.
        remove_stale_copies(db);
        // Locked from the moment it exists, on the handle that made it: another dun's
        // `remove_stale_copies` leaves it be.
        let made = super::create_private_file(&pending).map_err(|e| e.at(&pending))?;
        let busy = || std::io::Error::new(std::io::ErrorKind::AlreadyExists, "another import's copy is there");
        let held = made.ok_or_else(|| StoreError::Create { path: pending.clone(), source: busy() })?;
        // A file system without locks (some network shares) refuses; the copy is made all the
        // same, and then only its own import removes it (`remove_stale_copies` removes only
        // what it could lock).
        if let Err(e) = held.lock() {
            tracing::debug!(error = %e.kind(), "the pending copy could not be locked");
        }
        let copy = PendingCopy(pending, held);
        copy_into(conn, &copy.0)?;
        Ok(BookAsItWas::Copied(copy))
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

/// Copies a killed import left behind hold the debtors' data like any backup: each is
/// removed as soon as a dun sees that no import holds its lock (the system lets go of a
/// killed process's locks). Every open of the book looks.
pub(crate) fn remove_stale_copies(db: &Path) {
    let prefix = format!(".{}-copy-in-progress-", stem(db));
    let Ok(entries) = std::fs::read_dir(backup_dir(db)) else { return };
    for entry in entries.flatten() {
        let named = entry.file_name().to_str().is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".db"));
        let unheld = named && std::fs::File::open(entry.path()).is_ok_and(|f| f.try_lock().is_ok());
        if unheld {
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

/// `backups/<stem>-<time>-<why>.db`, numbered after the last of that time and why when
/// there is one (so that a later backup never takes the lower number of one rotation
/// removed: under a pinned clock every backup is of the same second).
fn backup_name(db: &Path, why: &str, at: DateTime<Utc>) -> PathBuf {
    let dir = backup_dir(db);
    let stem = stem(db);
    let at = at.format("%Y%m%d-%H%M%S").to_string();
    let last = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().into_string().ok()?;
                    let (when, what, n) = backup_name_parts(stem, &name)?;
                    (when == at && what == why).then_some(n)
                })
                .max()
        })
        .unwrap_or(None);
    let mut dest = match last {
        None => dir.join(format!("{stem}-{at}-{why}.db")),
        Some(n) => dir.join(format!("{stem}-{at}-{why}-{}.db", n + 1)),
    };
    // A name taken by a file that does not read as a backup's is stepped over all the same.
    let mut n = last.unwrap_or(1);
    while dest.exists() {
        n += 1;
        dest = dir.join(format!("{stem}-{at}-{why}-{n}.db"));
    }
    dest
}

/// The backups rotation counts: those taken before an import or a migration. A `dun
/// backup` copy and the copy taken before a restore are the user's to remove.
const ROTATED: [&str; 2] = ["before-import", "before-migration"];

/// Remove all but the newest `keep` automatic backups of the book (one at least stays).
fn keep_newest(db: &Path, keep: usize) {
    let stem = stem(db);
    // Newest by when the file was written, then by name: the time in a name is the clock's,
    // which a pinned day (`--today`) can set back (found by a review).
    let mut taken: Vec<(std::time::SystemTime, String, u32, PathBuf)> = std::fs::read_dir(backup_dir(db))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?;
            let (at, why, n) = backup_name_parts(stem, name)?;
            let written = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
            ROTATED.iter().any(|r| why.starts_with(r)).then(|| (written, at.to_string(), n, path.clone()))
        })
        .collect();
    taken.sort();
    for (_, _, _, old) in taken.iter().take(taken.len().saturating_sub(keep.max(1))) {
        let _ = std::fs::remove_file(old);
    }
}

/// `<stem>-<YYYYMMDD-HHMMSS>-<why>[-<n>].db` (as [`backup_name`] makes them) read back:
/// its time, why and number (1 when it has none). None for any other file, another
/// book's backups among them (`book-2-…` is not `book`'s).
fn backup_name_parts<'n>(stem: &str, name: &'n str) -> Option<(&'n str, &'n str, u32)> {
    let rest = name.strip_prefix(stem)?.strip_prefix('-')?.strip_suffix(".db")?;
    let (at, why) = (rest.get(..15)?, rest.get(15..)?.strip_prefix('-')?);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(&at[..8]) && &at[8..9] == "-" && digits(&at[9..])) {
        return None;
    }
    match why.rsplit_once('-') {
        Some((why, n)) if digits(n) => Some((at, why, n.parse().ok()?)),
        _ => Some((at, why, 1)),
    }
}

/// Replace the database at `db` with the backup at `source`, after checking the backup
/// is a sound dun database this version can read; a backup from an older dun is brought to
/// this dun's schema as it is restored (a desk open on the book reads it as it did). The
/// current book is backed up first, or, when it is itself damaged (when a restore is most
/// needed), moved aside whole; what it became is returned.
pub fn restore(db: &Path, source: &Path, at: DateTime<Utc>) -> Result<Restored> {
    let bad = |reason: String| StoreError::Damaged { path: source.to_path_buf(), reason };
    if source.is_dir() {
        return Err(bad("that is a folder: name the backup file".into()));
    }
    if !source.exists() {
        return Err(StoreError::NotFound(format!("backup {}", source.display())));
    }
    // Opened to write if it may be (nothing is written): closing it then removes the -wal
    // and -shm files a read-only connection would leave beside the user's backup.
    let from = Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(|e| bad(e.to_string()))?;
    let version: i64 = from.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| bad(e.to_string()))?;
    if version == 0 || version > SCHEMA_VERSION {
        return Err(bad(format!("schema v{version} is not one this dun reads (v1–v{SCHEMA_VERSION})")));
    }
    let check: String = from.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| bad(e.to_string()))?;
    if check != "ok" {
        return Err(bad(check));
    }
    let (mut current, previous) = match super::open(db) {
        Ok(current) => {
            let safety = automatic_backup(&current, db, "before-restore", at, usize::MAX)?;
            (current, Restored::BackedUp(safety))
        }
        Err(StoreError::Damaged { .. }) => {
            let aside = set_aside(db, at)?;
            (super::open(db)?, Restored::MovedAside(aside))
        }
        Err(e) => return Err(e),
    };
    let replaced = (|| -> Result<()> {
        Backup::new(&from, &mut current)?.run_to_completion(512, Duration::ZERO, None)?;
        super::migrations::run(&mut current, super::migrations::STEPS)
            .map_err(|e| StoreError::Migration { path: db.to_path_buf(), reason: e.to_string() })?;
        Ok(())
    })();
    // Past this point the book's file is no longer what it was: say where that is.
    replaced.map_err(|e| {
        let (Restored::BackedUp(kept) | Restored::MovedAside(kept)) = &previous;
        let reason = match e.at(db) {
            StoreError::Migration { reason, .. } => reason,
            other => other.to_string(),
        };
        StoreError::Restore { path: db.to_path_buf(), reason, kept: kept.clone() }
    })?;
    Ok(previous)
}

/// What became of the book a restore replaced.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Restored {
    /// Backed up there first.
    BackedUp(PathBuf),
    /// Damaged, so moved there as it was (with its `-wal` beside it, if it had one).
    MovedAside(PathBuf),
}

/// Move a damaged book (and its `-wal` and `-shm`) into the backup folder, untouched.
fn set_aside(db: &Path, at: DateTime<Utc>) -> Result<PathBuf> {
    let dir = backup_dir(db);
    std::fs::create_dir_all(&dir).map_err(|source| StoreError::Create { path: dir.clone(), source })?;
    let dest = backup_name(db, "damaged", at);
    std::fs::rename(db, &dest).map_err(|source| StoreError::Create { path: dest.clone(), source })?;
    for suffix in ["-wal", "-shm"] {
        let side = super::side_file(db, suffix);
        if side.exists() {
            let _ = std::fs::rename(&side, super::side_file(&dest, suffix));
        }
    }
    Ok(dest)
}

/// Whether the copy at `dest` reads back whole (SQLite's quick check): a copy of a damaged
/// book is as damaged as the book, which `dun backup` must say.
pub fn copy_is_sound(dest: &Path) -> Result<std::result::Result<(), String>> {
    // Read-write, though nothing is written: the last connection to close a book in WAL
    // mode removes its -wal and -shm files, which a read-only one would leave beside it.
    let copy = Connection::open_with_flags(dest, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let found = copy
        .prepare("PRAGMA quick_check")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>();
    Ok(match found {
        Ok(lines) if lines == ["ok"] => Ok(()),
        Ok(lines) => Err(lines.into_iter().take(3).collect::<Vec<_>>().join("; ")),
        Err(e) => Err(e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_are_read_back_as_they_are_made() {
        let parts = |name| backup_name_parts("book", name);
        assert_eq!(parts("book-20261122-170000-before-import.db"), Some(("20261122-170000", "before-import", 1)));
        assert_eq!(parts("book-20261122-170000-before-import-12.db"), Some(("20261122-170000", "before-import", 12)));
        assert_eq!(
            parts("book-20261122-170000-before-migration-v1-to-v5.db"),
            Some(("20261122-170000", "before-migration-v1-to-v5", 1))
        );
        assert_eq!(parts("book-2-20261122-170000-before-import.db"), None, "another book's");
        assert_eq!(parts("book-20261122-170000-before-import.db-journal"), None);
        assert_eq!(parts(".book-copy-in-progress-42.db"), None);
        assert_eq!(parts("book-2026112x-170000-manual.db"), None);
    }
}

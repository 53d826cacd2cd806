//! The only place that speaks SQL. Opening a database sets the pragmas, refuses a
//! schema from a newer dun without touching the file, and migrates in a transaction.

mod activity;
mod agenda;
mod backup;
mod borrowed_insert;
mod borrowed_scan;
mod bulk_write;
mod codec;
mod debtors;
mod events;
mod guard;
mod import_writer;
mod imports;
mod invoice_terms;
mod invoices;
mod ladder;
mod legal;
mod migrations;
mod payments;
#[macro_use]
mod promises;
mod report_queries;
mod reports;
mod retention;
mod search;
mod undo;
mod worklist;

pub use activity::*;
pub use agenda::*;
pub use backup::*;
pub use bulk_write::*;
pub use debtors::*;
pub use events::*;
pub use guard::*;
pub use import_writer::*;
pub use imports::*;
pub use invoice_terms::*;
pub use invoices::*;
pub use ladder::*;
pub use legal::*;
pub use migrations::{SCHEMA_VERSION, migrations};
pub use payments::*;
pub use promises::*;
pub use report_queries::*;
pub use reports::*;
pub use retention::*;
pub use search::*;
pub use undo::*;
pub use worklist::*;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
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
    #[error(
        "{path}: the disk is full (or the database reached its size limit), so dun could not go on: nothing \
         was changed, and everything saved before is intact. Free some space on that disk and try again."
    )]
    Full { path: PathBuf },
    #[error(
        "{path} is read-only: nothing was changed, and everything saved before is intact. dun must be able \
         to write the file and its folder, even to read it (it keeps -wal and -shm files beside it): check \
         their permissions, or copy the book somewhere writable."
    )]
    ReadOnly { path: PathBuf },
    #[error(
        "cannot open {path}: {reason}. Check that its folder exists and that you may write there \
         (dun keeps -wal and -shm files beside it)."
    )]
    CannotOpen { path: PathBuf, reason: String },
    #[error("cannot open {path}: it is a folder. Name the book's file, e.g. {}", path.join("dun.db").display())]
    IsAFolder { path: PathBuf },
    #[error(
        "restoring {path} failed ({reason}). The book as it was before the restore is in {}: `dun restore` it \
         to go back.", kept.display()
    )]
    Restore { path: PathBuf, reason: String, kept: PathBuf },
    #[error(
        "{path}: the disk reported an error ({reason}), so this change was not saved; everything saved \
         before it is intact. Check the disk, then run `dun check`."
    )]
    Io { path: PathBuf, reason: String },
    #[error(
        "{path} is busy: another program held it locked for longer than dun waits. Nothing was changed; \
         try again in a moment."
    )]
    Busy { path: PathBuf },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

impl StoreError {
    /// Name the file and say what to do for the failures a person can act on: a full
    /// disk, a read-only file or folder, a file that cannot be opened, an I/O error.
    /// Anything else is returned as it was.
    pub fn at(self, path: &Path) -> StoreError {
        use rusqlite::ErrorCode;
        let path = path.to_path_buf();
        match self {
            StoreError::Sql(e) => match e.sqlite_error_code() {
                Some(ErrorCode::DiskFull) => StoreError::Full { path },
                Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path },
                Some(ErrorCode::CannotOpen) => StoreError::CannotOpen { path, reason: e.to_string() },
                // A full disk may show as an I/O error (the -shm file SQLite maps could not
                // be grown): asked of the disk itself.
                Some(ErrorCode::SystemIoFailure) if disk_is_full_at(&path) => StoreError::Full { path },
                Some(ErrorCode::SystemIoFailure) => StoreError::Io { path, reason: e.to_string() },
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy { path },
                _ => StoreError::Sql(e),
            },
            StoreError::Create { source, .. } if source.kind() == std::io::ErrorKind::StorageFull => {
                StoreError::Full { path }
            }
            StoreError::Create { source, .. } if source.kind() == std::io::ErrorKind::ReadOnlyFilesystem => {
                StoreError::ReadOnly { path }
            }
            other => other,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Whether the disk the book at `path` is on has no room left: a small file written beside
/// it (and removed) fails for want of space.
fn disk_is_full_at(path: &Path) -> bool {
    use std::io::Write;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut probe = match tempfile::tempfile_in(dir) {
        Ok(probe) => probe,
        Err(e) => return e.kind() == std::io::ErrorKind::StorageFull,
    };
    let written = probe.write_all(&[0u8; 64 << 10]).and_then(|()| probe.sync_all());
    written.is_err_and(|e| e.kind() == std::io::ErrorKind::StorageFull)
}

/// How long a connection waits for another's lock before it gives up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How this process waits for another's lock, when it says (`set_patience`): a command waits
/// longer than the desk, and says so. Kept for the process, since a connection's own busy
/// handler is replaced whenever a timeout is set on it.
static PATIENCE: std::sync::OnceLock<fn(i32) -> bool> = std::sync::OnceLock::new();

/// Wait for other connections' locks with `handler` (SQLite's busy handler: called with the
/// tries so far, false gives up) on every connection this process opens from now on.
pub fn set_patience(handler: fn(i32) -> bool) {
    let _ = PATIENCE.set(handler);
}

/// Wait as this process waits: its patience, or [`BUSY_TIMEOUT`].
pub(crate) fn wait_as_set(conn: &Connection) -> rusqlite::Result<()> {
    match PATIENCE.get() {
        Some(handler) => conn.busy_handler(Some(*handler)),
        None => conn.busy_timeout(BUSY_TIMEOUT),
    }
}

/// Open (creating if needed) the database at `path`, ready for use. An older schema is
/// migrated without a backup first: the desk opens through [`open_backing_up`].
pub fn open(path: &Path) -> Result<Connection> {
    open_with(path, migrations::STEPS, None)
}

/// When and how many: the automatic backup taken before a migration.
#[derive(Debug, Clone, Copy)]
pub struct BackupPolicy {
    pub at: DateTime<Utc>,
    /// How many automatic backups to keep (config `backups_to_keep`).
    pub keep: usize,
}

/// The schema version of an existing book that opening would migrate (older than this
/// dun's), read without writing anything; `None` for a new, current or unreadable file.
pub fn migration_pending(path: &Path) -> Option<i64> {
    let found = peek(path, |conn| conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)))?.ok()?;
    (1..SCHEMA_VERSION).contains(&found).then_some(found)
}

/// Whether another connection holds the book at `path` so that it cannot be read now: a
/// large import writing it with a rollback journal holds it whole until it commits
/// (bulk_write.rs). Asked without waiting and without writing anything; `false` for a book
/// that does not exist or cannot be read for another reason (opening it will say why).
pub fn held_by_a_writer(path: &Path) -> bool {
    if !path.is_file() {
        return false;
    }
    peek(path, |conn| {
        conn.busy_timeout(Duration::ZERO)?;
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
    })
    .is_some_and(|read| read.as_ref().is_err_and(is_busy))
}

/// Ask `ask` of the book at `path` on a read-only connection of its own. A book in WAL
/// mode gets -wal and -shm files at a read; those this look made are removed again when dun
/// may not write the book, where they would otherwise stay with the book's read-only
/// permissions and keep it read-only after its own are mended. None if it cannot be opened.
fn peek<T>(path: &Path, ask: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Option<rusqlite::Result<T>> {
    let sides = SideFiles::of(path);
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    let answer = ask(&conn);
    drop(conn);
    if std::fs::OpenOptions::new().write(true).open(path).is_err() {
        sides.remove_new();
    }
    Some(answer)
}

/// The file SQLite keeps beside `path` under `suffix` (`-wal`, `-shm`, `-journal`).
pub(crate) fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut side = path.as_os_str().to_owned();
    side.push(suffix);
    PathBuf::from(side)
}

/// A book's -wal and -shm files, and whether each was there when this was made.
struct SideFiles([(PathBuf, bool); 2]);

impl SideFiles {
    fn of(path: &Path) -> SideFiles {
        SideFiles(["-wal", "-shm"].map(|suffix| {
            let side = side_file(path, suffix);
            let was_there = side.exists();
            (side, was_there)
        }))
    }

    /// Remove those made since (a -wal only while it holds nothing).
    fn remove_new(self) {
        let [(wal, wal_was_there), (shm, shm_was_there)] = self.0;
        if !wal_was_there && std::fs::metadata(&wal).is_ok_and(|m| m.len() == 0) {
            let _ = std::fs::remove_file(&wal);
        }
        if !shm_was_there {
            let _ = std::fs::remove_file(&shm);
        }
    }
}

/// [`open`], and when the file's schema is older than this dun's, an automatic backup
/// (`backups/<stem>-<time>-before-migration-vN-to-vM.db`) before anything is migrated.
/// If the backup cannot be made, nothing is migrated.
pub fn open_backing_up(path: &Path, policy: BackupPolicy) -> Result<Connection> {
    open_with(path, migrations::STEPS, Some(policy))
}

pub(crate) fn open_with(path: &Path, steps: &[&str], backup: Option<BackupPolicy>) -> Result<Connection> {
    open_with_flags(path, steps, backup, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
}

fn open_with_flags(path: &Path, steps: &[&str], backup: Option<BackupPolicy>, flags: OpenFlags) -> Result<Connection> {
    let sides = SideFiles::of(path);
    let opened = open_checked(path, steps, backup, flags);
    if let Err(StoreError::ReadOnly { .. }) = &opened {
        // The -wal and -shm files this open made, with the read-only file's permissions,
        // would keep the book read-only after its own permissions are mended: gone again.
        sides.remove_new();
    }
    opened
}

fn open_checked(path: &Path, steps: &[&str], backup: Option<BackupPolicy>, flags: OpenFlags) -> Result<Connection> {
    if path.is_dir() {
        return Err(StoreError::IsAFolder { path: path.to_path_buf() });
    }
    create_private(path).map_err(|e| e.at(path))?;
    let supported = steps.len() as i64;
    // A full disk, a read-only file or an I/O error is said as such; anything else
    // SQLite refuses here means the file is not a dun database.
    let damaged = |e: rusqlite::Error| match StoreError::Sql(e).at(path) {
        StoreError::Sql(e) => StoreError::Damaged { path: path.to_path_buf(), reason: e.to_string() },
        actionable => actionable,
    };
    let mut conn = Connection::open_with_flags(path, flags).map_err(damaged)?;
    // A large import may hold the whole file for a moment (it writes with a rollback
    // journal, see bulk_write.rs): wait for it from the first read on, and if it holds on,
    // say the book is busy, not damaged.
    wait_as_set(&conn)?;
    // Read the version before any pragma writes, so a newer file is left byte-for-byte as it was.
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(damaged)?;
    if found > supported {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found, supported });
    }
    // SQLite opens a file it may not write read-only without a word: say so now, not at
    // the first save.
    if conn.is_readonly(rusqlite::MAIN_DB).map_err(damaged)? {
        return Err(StoreError::ReadOnly { path: path.to_path_buf() });
    }
    // Every book is kept in WAL mode, but for a large import that holds it alone for a
    // while with a rollback journal (bulk_write.rs). That import sets WAL again when it
    // ends, so this open does not wait for it, and reads as the import's lock allows.
    conn.busy_timeout(Duration::ZERO)?;
    let wal = conn.pragma_update(None, "journal_mode", "WAL");
    wait_as_set(&conn)?;
    match wal {
        Err(e) if !is_busy(&e) => return Err(damaged(e)),
        _ => {}
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // NORMAL is safe in WAL mode; a book left in rollback-journal mode needs every sync.
    let synchronous = if journal_mode(&conn)? == "wal" { "NORMAL" } else { "FULL" };
    conn.pragma_update(None, "synchronous", synchronous)?;
    // A migration writes: when another program holds the book, say so before a backup is
    // taken (a wait that retries the open would take one each time).
    let migrating = (1..supported).contains(&found);
    if migrating {
        conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;").map_err(|e| StoreError::Sql(e).at(path))?;
    }
    if let Some(policy) = backup.filter(|_| migrating) {
        let why = format!("before-migration-v{found}-to-v{supported}");
        automatic_backup(&conn, path, &why, policy.at, policy.keep).map_err(|e| StoreError::Migration {
            path: path.to_path_buf(),
            reason: format!("no backup could be made first, so nothing was migrated: {e}"),
        })?;
    }
    backup::remove_stale_copies(path);
    migrations::run(&mut conn, steps).map_err(|e| match e {
        rusqlite_migration::Error::RusqliteError { err, .. } => match StoreError::Sql(err).at(path) {
            StoreError::Sql(err) => StoreError::Migration { path: path.to_path_buf(), reason: err.to_string() },
            actionable => actionable,
        },
        e => StoreError::Migration { path: path.to_path_buf(), reason: e.to_string() },
    })?;
    Ok(conn)
}

/// An in-memory database with the current schema, for tests.
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrations::run(&mut conn, migrations::STEPS)
        .map_err(|e| StoreError::Migration { path: ":memory:".into(), reason: e.to_string() })?;
    Ok(conn)
}

/// Debtor data is sensitive: a new database file (and its folder) is its owner's alone.
pub(crate) fn create_private(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    create_private_file(path).map(drop)
}

/// [`create_private`], the file made new here and handed back open for writing (`None` if
/// it was there already).
pub(crate) fn create_private_file(path: &Path) -> Result<Option<fs::File>> {
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
        Ok(file) => Ok(Some(file)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
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

#[cfg(test)]
mod open_tests {
    use super::*;

    fn at(day: u32) -> BackupPolicy {
        BackupPolicy { at: format!("2026-11-{day:02}T09:00:00Z").parse().unwrap(), keep: 2 }
    }

    /// This dun's steps and one more, as the next version of dun will have.
    fn with_a_future_step() -> Vec<&'static str> {
        let mut steps = migrations::STEPS.to_vec();
        steps.push("CREATE TABLE future_step (id INTEGER PRIMARY KEY) STRICT;");
        steps
    }

    fn version(path: &Path) -> i64 {
        Connection::open(path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
    }

    fn backups(db: &Path) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = fs::read_dir(backup_dir(db)).unwrap().map(|e| e.unwrap().path()).collect();
        out.sort();
        out
    }

    #[test]
    fn an_older_schema_is_backed_up_before_each_migration_keeping_the_last_n() {
        let dir = tempfile::tempdir().unwrap();
        let future = with_a_future_step();
        // Three books of this version, each opened by the next version: three migrations,
        // three backups taken, the newest two (keep = 2) kept.
        for day in 1..=3u32 {
            let db = dir.path().join("book.db");
            let _ = fs::remove_file(&db);
            drop(open(&db).unwrap());
            let conn = open_with(&db, &future, Some(at(day))).unwrap();
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
            assert_eq!(version, SCHEMA_VERSION + 1);
            drop(conn);
        }
        let taken = backups(&dir.path().join("book.db"));
        let names: Vec<String> = taken.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        let why = format!("before-migration-v{SCHEMA_VERSION}-to-v{}", SCHEMA_VERSION + 1);
        assert!(names[0].starts_with("book-20261102-090000-") && names[0].contains(&why), "{names:?}");
        assert!(names[1].starts_with("book-20261103-090000-"), "{names:?}");
        for b in &taken {
            assert_eq!(version(b), SCHEMA_VERSION, "a backup holds the book before the migration");
        }
    }

    #[test]
    fn a_current_schema_takes_no_backup_and_a_failed_backup_migrates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("book.db");
        drop(open(&db).unwrap());
        drop(open_with(&db, migrations::STEPS, Some(at(1))).unwrap());
        assert!(!backup_dir(&db).exists());
        // The backups folder cannot be made (a file is in its place): the book stays as it was.
        fs::write(backup_dir(&db), "not a folder").unwrap();
        let err = open_with(&db, &with_a_future_step(), Some(at(2))).unwrap_err().to_string();
        assert!(err.contains("no backup could be made first, so nothing was migrated"), "{err}");
        assert_eq!(version(&db), SCHEMA_VERSION);
    }

    #[test]
    fn a_book_opened_read_only_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("book.db");
        drop(open(&db).unwrap());
        let err = open_with_flags(&db, migrations::STEPS, None, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap_err();
        assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(&db.display().to_string()) && text.contains("is read-only"), "{text}");
    }

    #[test]
    fn sqlite_failures_a_person_can_act_on_are_named() {
        let path = Path::new("/books/ours.db");
        let fail = |code: i32| StoreError::Sql(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None));
        let full = fail(rusqlite::ffi::SQLITE_FULL).at(path).to_string();
        assert!(full.starts_with("/books/ours.db: the disk is full"), "{full}");
        let ro = fail(rusqlite::ffi::SQLITE_READONLY).at(path).to_string();
        assert!(ro.starts_with("/books/ours.db is read-only"), "{ro}");
        let cant = fail(rusqlite::ffi::SQLITE_CANTOPEN).at(path).to_string();
        assert!(cant.starts_with("cannot open /books/ours.db"), "{cant}");
        let io = fail(rusqlite::ffi::SQLITE_IOERR).at(path).to_string();
        assert!(io.contains("the disk reported an error") && io.contains("dun check"), "{io}");
        let busy = fail(rusqlite::ffi::SQLITE_BUSY).at(path).to_string();
        assert!(busy.starts_with("/books/ours.db is busy") && busy.contains("Nothing was changed"), "{busy}");
        let other = fail(rusqlite::ffi::SQLITE_CONSTRAINT).at(path);
        assert!(matches!(other, StoreError::Sql(_)));
        let disk = StoreError::Create {
            path: path.into(),
            source: std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device"),
        };
        assert!(matches!(disk.at(path), StoreError::Full { .. }));
    }
}

//! An automatic backup before each migration: opening a book written by an older dun
//! copies it to `backups/` (kept like the backups before imports) before the schema moves.

use std::path::Path;

use dun::clock::Clock;
use dun::config::Config;
use dun::desk::Desk;
use dun::store;
use rusqlite::Connection;

fn fixture_v1() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/book-v1.db")
}

fn version(db: &Path) -> i64 {
    Connection::open(db).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

fn debtors(db: &Path) -> i64 {
    Connection::open(db).unwrap().query_row("SELECT count(*) FROM debtor", [], |r| r.get(0)).unwrap()
}

fn backups(db: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = match std::fs::read_dir(store::backup_dir(db)) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

#[test]
fn the_v1_fixture_is_backed_up_before_it_is_migrated() {
    assert_eq!(version(&fixture_v1()), 1);
    const { assert!(store::SCHEMA_VERSION > 1, "the fixture is v1, so a migration must follow") };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    std::fs::copy(fixture_v1(), &db).unwrap();
    let original = debtors(&db);

    let desk = Desk::open(&db, Clock::fixed("2026-11-22".parse().unwrap()), Config::default()).unwrap();
    assert_eq!(version(&db), store::SCHEMA_VERSION);
    drop(desk);

    let taken = backups(&db);
    assert_eq!(taken.len(), 1, "{taken:?}");
    let name = taken[0].file_name().unwrap().to_str().unwrap().to_string();
    assert!(name.contains(&format!("before-migration-v1-to-v{}", store::SCHEMA_VERSION)), "{name}");
    assert_eq!(version(&taken[0]), 1, "the backup is the book as it was, not as migrated");
    assert_eq!(debtors(&taken[0]), original);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&taken[0]).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // Opening the migrated book again takes no further backup.
    drop(Desk::open(&db, Clock::fixed("2026-11-23".parse().unwrap()), Config::default()).unwrap());
    assert_eq!(backups(&db).len(), 1);
}

#[test]
fn a_new_book_takes_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    drop(Desk::open(&db, Clock::fixed("2026-11-22".parse().unwrap()), Config::default()).unwrap());
    assert!(backups(&db).is_empty());
}

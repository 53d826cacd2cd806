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

fn invoices(db: &Path) -> Vec<Vec<rusqlite::types::Value>> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT * FROM invoice ORDER BY id").unwrap();
    let width = stmt.column_count();
    stmt.query_map([], |r| (0..width).map(|i| r.get(i)).collect()).unwrap().map(Result::unwrap).collect()
}

/// v4 rebuilds the invoice table (its CHECKs changed form): every invoice keeps its id and
/// values, the payments allocated to them still point at them, and the rules still hold.
#[test]
fn the_invoice_table_rebuilt_by_v4_keeps_every_invoice_and_every_reference() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    std::fs::copy(fixture_v1(), &db).unwrap();
    let before = invoices(&db);
    assert!(before.len() > 50, "the fixture holds invoices");

    drop(Desk::open(&db, Clock::fixed("2026-11-22".parse().unwrap()), Config::default()).unwrap());

    assert_eq!(invoices(&db), before);
    let conn = Connection::open(&db).unwrap();
    let dangling: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(dangling, 0);
    let allocated: i64 = conn
        .query_row("SELECT count(*) FROM allocation JOIN invoice ON invoice.id = allocation.invoice_id", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(allocated > 0, "allocations still reach their invoices");
    let indexes: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'invoice' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(indexes, ["invoice_open", "sqlite_autoindex_invoice_1"]);
    let wrong_kind = conn.execute("UPDATE invoice SET kind = 'bill' WHERE id = (SELECT min(id) FROM invoice)", []);
    assert!(wrong_kind.is_err(), "the kind is still checked");
    let wrong_status = conn.execute("UPDATE invoice SET status = 'gone' WHERE id = (SELECT min(id) FROM invoice)", []);
    assert!(wrong_status.is_err(), "the status is still checked");
    let on: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(on, 1, "a plain connection here has keys on (bundled SQLite's default)");
}

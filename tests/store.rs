//! The store on real files: pragmas, migrations, refusal of a newer schema, file mode.

use std::fs;

use dun::store;

#[test]
fn a_new_database_is_private_and_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/book.db");
    let conn = store::open(&path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, store::SCHEMA_VERSION);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "database file must be owner-only");
        let dir_mode = fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777;
        assert_eq!(dir_mode, 0o700);
    }
}

#[test]
fn every_table_of_the_data_model_exists_and_is_strict() {
    let conn = store::open_in_memory().unwrap();
    for table in [
        "debtor",
        "contact_point",
        "invoice",
        "attempt",
        "promise",
        "plan",
        "installment",
        "payment",
        "allocation",
        "dispute",
        "legal_case",
        "note",
        "follow_up",
        "import_batch",
        "import_issue",
        "event",
        "hold",
    ] {
        let sql: String = conn
            .query_row("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))
            .unwrap();
        assert!(sql.trim_end().ends_with("STRICT"), "{table} is not STRICT");
    }
}

#[test]
fn reopening_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    drop(store::open(&path).unwrap());
    let conn = store::open(&path).unwrap();
    assert!(store::is_empty(&conn).unwrap());
}

#[test]
fn a_database_from_a_newer_dun_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x INTEGER); PRAGMA user_version = 99;").unwrap();
    }
    let before = fs::read(&path).unwrap();
    let err = store::open(&path).unwrap_err().to_string();
    assert!(err.contains("newer dun") && err.contains("v99"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before, "the file must not change");
    assert!(!dir.path().join("future.db-wal").exists());
}

#[test]
fn a_file_that_is_not_a_database_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    fs::write(&path, "this is not sqlite, just some text that is long enough to have a header ......").unwrap();
    let err = store::open(&path).unwrap_err().to_string();
    assert!(err.contains("not a dun database or is damaged"), "{err}");
}

#[test]
fn the_event_log_is_append_only() {
    let conn = store::open_in_memory().unwrap();
    let at = "2026-11-22T12:00:00Z".parse().unwrap();
    store::append_event(
        &conn,
        &store::NewEvent {
            at,
            actor: "test",
            kind: "k",
            debtor_id: None,
            entity: "book",
            entity_id: None,
            before: None,
            after: None,
        },
    )
    .unwrap();
    assert!(conn.execute("DELETE FROM event", []).is_err());
    assert_eq!(store::verify_event_chain(&conn).unwrap(), None);
    conn.execute("UPDATE event SET kind = 'forged'", []).unwrap();
    assert_eq!(store::verify_event_chain(&conn).unwrap(), Some(1), "an edited event breaks the chain");
}

#[test]
fn opening_a_book_another_program_holds_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let conn = store::open(&path).unwrap();
    // As another program holds it: the book in rollback-journal mode (as `sqlite3` may
    // leave it), the whole file locked while that program commits.
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE; CREATE TABLE held(what TEXT); INSERT INTO held VALUES ('yes');").unwrap();
    let opener = {
        let path = path.clone();
        std::thread::spawn(move || store::open(&path))
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    conn.execute_batch("COMMIT").unwrap();
    let opened = opener.join().unwrap().expect("the open waited for the lock instead of calling the book damaged");
    let held: String = opened.query_row("SELECT what FROM held", [], |r| r.get(0)).unwrap();
    assert_eq!(held, "yes");
    // The book is back in WAL mode: the open set it once the other had let go.
    let mode: String = opened.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

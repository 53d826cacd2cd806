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
fn a_bulk_write_takes_a_rollback_journal_only_when_it_holds_the_book_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let conn = store::open(&path).unwrap();
    let mode = || -> String { conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap() };
    let pragma = |name: &str| -> i64 { conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).unwrap() };

    // Another reader has the book open (a desk in another terminal): the write stays in WAL.
    let other = store::open(&path).unwrap();
    let bulk = store::begin_bulk_write(&conn, true).unwrap();
    assert_eq!(bulk.journal, store::Journal::Wal);
    assert_eq!(mode(), "wal");
    store::end_bulk_write(&conn, bulk).unwrap();
    drop(other);

    // Alone, but no larger than the book: WAL too.
    let bulk = store::begin_bulk_write(&conn, false).unwrap();
    assert_eq!(bulk.journal, store::Journal::Wal);
    store::end_bulk_write(&conn, bulk).unwrap();

    // Alone and larger: a rollback journal, synced in full, then all as it was.
    let bulk = store::begin_bulk_write(&conn, true).unwrap();
    assert_eq!(bulk.journal, store::Journal::Rollback);
    assert_eq!(mode(), "delete");
    assert_eq!(pragma("synchronous"), 2, "FULL");
    assert_eq!((pragma("foreign_keys"), pragma("ignore_check_constraints")), (0, 1));
    store::end_bulk_write(&conn, bulk).unwrap();
    assert_eq!(mode(), "wal");
    assert_eq!(pragma("synchronous"), 1, "NORMAL");
    assert_eq!((pragma("foreign_keys"), pragma("ignore_check_constraints")), (1, 0));
}

#[test]
fn opening_a_book_a_large_import_holds_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let conn = store::open(&path).unwrap();
    // As a large import commits: a rollback journal, and the whole file locked.
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
    // The book is back in WAL mode: the open set it once the import had let go.
    let mode: String = opened.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_bulk_write_cut_off_by_a_crash_is_rolled_back_at_the_next_open() {
    // What a kill leaves on disk mid-import: the book with pages already spilled into it,
    // and the rollback journal that holds what they were. Copying both files then is the
    // crash, made on purpose.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let conn = store::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE ledger(n INTEGER, text TEXT); INSERT INTO ledger VALUES (1, 'before');").unwrap();
    let bulk = store::begin_bulk_write(&conn, true).unwrap();
    assert_eq!(bulk.journal, store::Journal::Rollback);
    let size = || fs::metadata(&path).unwrap().len();
    let before = size();
    // A small cache, so that the write spills into the book before it commits.
    conn.pragma_update(None, "cache_size", 10).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    conn.execute_batch("UPDATE ledger SET text = 'after'").unwrap();
    for n in 0..20 {
        conn.execute("INSERT INTO ledger SELECT ?1, zeroblob(4000) FROM (SELECT 1 UNION ALL SELECT 2)", [n]).unwrap();
    }
    let crashed = tempfile::tempdir().unwrap();
    let journal = dir.path().join("book.db-journal");
    assert!(journal.exists() && size() > before, "the write spilled into the book, journalled");
    fs::copy(&path, crashed.path().join("book.db")).unwrap();
    fs::copy(&journal, crashed.path().join("book.db-journal")).unwrap();
    conn.execute_batch("ROLLBACK").unwrap();
    store::end_bulk_write(&conn, bulk).unwrap();

    let reopened = store::open(&crashed.path().join("book.db")).unwrap();
    let check: String = reopened.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let rows: (i64, String) =
        reopened.query_row("SELECT count(*), max(text) FROM ledger", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!(rows, (1, "before".to_string()));
    let mode: String = reopened.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    assert!(!crashed.path().join("book.db-journal").exists(), "the journal was played back and removed");
}

#[test]
fn an_item_kinds_rank_is_its_codes_place_in_text_order() {
    // The writer sorts a batch by rank to insert in the UNIQUE key's order, which compares
    // the stored code as text.
    use dun::import::ItemKind;
    let kinds = [ItemKind::Invoice, ItemKind::CreditMemo, ItemKind::UnappliedPayment];
    for a in kinds {
        for b in kinds {
            let by_rank = store::item_kind_rank(a).cmp(&store::item_kind_rank(b));
            assert_eq!(by_rank, store::item_kind_code(a).cmp(store::item_kind_code(b)), "{a:?} {b:?}");
        }
    }
}

#[test]
fn new_debtors_written_many_to_a_statement_get_the_ids_of_their_rows() {
    let conn = store::open_in_memory().unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00Z").unwrap().to_utc();
    conn.execute_batch(
        "INSERT INTO debtor (id, name, kind, created_at, updated_at) VALUES (41, 'Held', 'person', 'x', 'x')",
    )
    .unwrap();
    let mut writer = store::ImportWriter::begin(&conn, 0, at, "USD", 1).unwrap();
    // 263 = 200 + 50 + 10 + 1 + 1 + 1: every statement size, the one-row one thrice.
    let names: Vec<String> = (0..263).map(|i| format!("Customer {i}")).collect();
    let refs: Vec<String> = (0..263).map(|i| format!("R{i}")).collect();
    let debtors: Vec<store::ImportedDebtor<'_>> = names
        .iter()
        .zip(&refs)
        .enumerate()
        .map(|(i, (name, r))| store::ImportedDebtor {
            external_ref: (i % 3 != 0).then_some(r.as_str()),
            name,
            currency: if i == 7 { "EUR" } else { "USD" },
        })
        .collect();
    let mut ids = vec![41];
    writer.write_debtors(&conn, &debtors, &mut ids).unwrap();
    assert_eq!(ids.len(), 264);
    for (d, id) in debtors.iter().zip(&ids[1..]) {
        let (name, r, currency, kind): (String, Option<String>, String, String) = conn
            .query_row("SELECT name, external_ref, currency, kind FROM debtor WHERE id = ?1", [id], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .unwrap();
        assert_eq!((name.as_str(), r.as_deref(), currency.as_str()), (d.name, d.external_ref, d.currency));
        assert_eq!(kind, "business");
    }
}

#[test]
fn a_book_left_out_of_wal_is_written_as_it_is_while_someone_reads_it() {
    // A dun opened during a large import could not set WAL and left the book in
    // rollback-journal mode; someone is reading it now. The next bulk write cannot put WAL
    // back, so it writes with the rollback journal (and its import copies the backup first
    // rather than holding a read open, which would stop it).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let conn = store::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    let reader = rusqlite::Connection::open(&path).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader.query_row("SELECT count(*) FROM debtor", [], |r| r.get(0)).unwrap();
    let bulk = store::begin_bulk_write(&conn, false).unwrap();
    assert_eq!(bulk.journal, store::Journal::Rollback);
    let synchronous: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!(synchronous, 2, "FULL, as a rollback journal needs");
    reader.execute_batch("COMMIT").unwrap();
    store::end_bulk_write(&conn, bulk).unwrap();
    assert_eq!(store::journal_mode(&conn).unwrap(), "wal", "put back once the reader let go");

    // Left out of WAL with no one holding it: WAL is set again before anything is decided.
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    let bulk = store::begin_bulk_write(&conn, false).unwrap();
    assert_eq!(bulk.journal, store::Journal::Wal);
    assert_eq!(store::journal_mode(&conn).unwrap(), "wal");
    store::end_bulk_write(&conn, bulk).unwrap();
}

#[test]
fn a_bulk_write_that_cannot_begin_leaves_the_connection_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("book.db")).unwrap();
    let pragma = |name: &str| -> i64 { conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).unwrap() };
    let before = (pragma("cache_size"), pragma("temp_store"), pragma("ignore_check_constraints"));
    // Inside a transaction the journal cannot leave WAL: SQLite says so, begin fails, and
    // what it had set is put back.
    conn.execute_batch("BEGIN; SELECT count(*) FROM debtor;").unwrap();
    let err = store::begin_bulk_write(&conn, true).err().expect("no journal switch inside a transaction");
    assert!(err.to_string().contains("transaction"), "{err}");
    assert_eq!((pragma("cache_size"), pragma("temp_store"), pragma("ignore_check_constraints")), before);
    conn.execute_batch("COMMIT").unwrap();
    assert_eq!(store::journal_mode(&conn).unwrap(), "wal");
}

#[test]
fn a_copy_a_killed_import_left_is_removed_once_no_import_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let conn = store::open(&path).unwrap();
    let backups = dir.path().join("backups");
    fs::create_dir_all(&backups).unwrap();
    let stale = backups.join(".book-copy-in-progress-4242.db");
    let live = backups.join(".book-copy-in-progress-4343.db");
    for file in [&stale, &live] {
        fs::write(file, "a copy").unwrap();
    }
    // A running import holds its copy's lock; a killed one's went with its process.
    let held = fs::File::open(&live).unwrap();
    held.lock().unwrap();
    let copy = store::BookAsItWas::copy(&conn, &path).unwrap();
    assert!(!stale.exists(), "left by a killed import");
    assert!(live.exists(), "another import's, still running");
    drop(copy);
    let left: Vec<String> =
        fs::read_dir(&backups).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(left, [".book-copy-in-progress-4343.db"], "this import's own copy went with it");
    // Any later open of the book removes a copy no one holds.
    drop(held);
    drop(store::open(&path).unwrap());
    assert!(!live.exists(), "its import ended without removing it: the next open does");
}

//! A full disk and a read-only book: the error names the file and says what to do, the
//! book stays sound, and nothing already saved is lost. A full disk is made without root
//! or a small mount: SQLite's `PRAGMA max_page_count` caps the file, and a write past the
//! cap fails with SQLITE_FULL exactly as on a full disk. A read-only book is made with
//! `PRAGMA query_only` (chmod does not stop root, which runs the tests here).

use std::path::Path;

use dun::clock::Clock;
use dun::config::Config;
use dun::desk::{Desk, ImportOptions, NewNote};
use dun::import::load_profiles;
use rusqlite::Connection;

fn today() -> chrono::NaiveDate {
    "2026-11-22".parse().unwrap()
}

fn open(db: &Path) -> Desk {
    Desk::open(db, Clock::fixed(today()), Config::default()).unwrap()
}

/// A European open-items list with `rows` invoices for 200 customers.
fn export(rows: usize) -> Vec<u8> {
    let mut text = String::from("Kundennummer;Kunde;Rechnungsnummer;Rechnungsdatum;Fällig am;Betrag;Offen\n");
    for i in 0..rows {
        let c = i % 200;
        text.push_str(&format!(
            "{};Kunde {c} GmbH;RE-{i:07};15.01.2026;14.02.2026;{},{:02};{},{:02}\n",
            10_000 + c,
            100 + i % 900,
            i % 100,
            50 + i % 900,
            i % 100
        ));
    }
    text.into_bytes()
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// Row counts of what a collector would miss, the integrity check and the event chain.
fn snapshot(desk: &Desk) -> (i64, i64, i64, i64) {
    let conn = desk.connection();
    (count(conn, "debtor"), count(conn, "invoice"), count(conn, "note"), count(conn, "event"))
}

fn assert_sound(desk: &Desk) {
    let check = desk.check_book().unwrap();
    assert_eq!(check.integrity, "ok");
    assert_eq!(check.broken_event, None, "the event chain is broken");
}

/// Cap the book at the pages it has now (plus `spare`): the next growth is "disk full".
fn fill_disk(desk: &Desk, spare: i64) {
    let conn = desk.connection();
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    let cap: i64 = conn.query_row(&format!("PRAGMA max_page_count = {}", pages + spare), [], |r| r.get(0)).unwrap();
    assert_eq!(cap, pages + spare);
}

#[test]
fn an_import_on_a_full_disk_fails_clearly_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let mut desk = open(&db);
    desk.load_demo(40, 7).unwrap();
    let profiles = load_profiles(None).unwrap();
    desk.import_file("small.csv", &export(50), &profiles, &ImportOptions::default()).unwrap();
    let before = snapshot(&desk);

    fill_disk(&desk, 0);
    let err = desk.import_file("big.csv", &export(5_000), &profiles, &ImportOptions::default()).unwrap_err();
    let message = err.to_string();
    assert!(message.contains(&db.display().to_string()), "the file is not named: {message}");
    assert!(message.contains("disk is full") && message.contains("Free some space"), "{message}");
    assert!(message.contains("everything saved before is intact"), "{message}");

    assert_eq!(snapshot(&desk), before, "the failed import left something behind or lost something");
    assert_sound(&desk);
    drop(desk);

    // After space is freed (a new connection has no cap) the same import goes through.
    let mut desk = open(&db);
    assert_eq!(snapshot(&desk), before, "what was saved did not survive a reopen");
    let report = desk.import_file("big.csv", &export(5_000), &profiles, &ImportOptions::default()).unwrap();
    assert!(report.committed);
    assert_sound(&desk);
}

#[test]
fn notes_on_a_filling_disk_keep_every_one_saved() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let mut desk = open(&db);
    desk.load_demo(5, 7).unwrap();
    let debtor_id: i64 = desk.connection().query_row("SELECT min(id) FROM debtor", [], |r| r.get(0)).unwrap();
    let notes_before = count(desk.connection(), "note");
    fill_disk(&desk, 3);

    let body = "x".repeat(400);
    let mut saved = 0;
    let err = loop {
        match desk.add_note(NewNote { debtor_id, body: format!("note {saved} {body}") }) {
            Ok(_) => saved += 1,
            Err(e) => break e,
        }
        assert!(saved < 10_000, "the capped book never filled");
    };
    let message = err.to_string();
    assert!(message.contains(&db.display().to_string()) && message.contains("disk is full"), "{message}");
    assert!(saved > 0, "the cap left no room at all; the test proves nothing");
    assert_eq!(count(desk.connection(), "note"), notes_before + saved);
    assert_sound(&desk);
    drop(desk);
    let desk = open(&db);
    assert_eq!(count(desk.connection(), "note"), notes_before + saved, "a saved note was lost");
    assert_sound(&desk);
}

#[test]
fn a_read_only_book_refuses_writes_clearly_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let mut desk = open(&db);
    desk.load_demo(5, 7).unwrap();
    let debtor_id: i64 = desk.connection().query_row("SELECT min(id) FROM debtor", [], |r| r.get(0)).unwrap();
    let before = snapshot(&desk);
    desk.connection().pragma_update(None, "query_only", true).unwrap();

    let err = desk.add_note(NewNote { debtor_id, body: "cannot land".into() }).unwrap_err().to_string();
    assert!(err.contains(&db.display().to_string()) && err.contains("is read-only"), "{err}");
    assert!(err.contains("permissions"), "no advice: {err}");
    let profiles = load_profiles(None).unwrap();
    let err = desk.import_file("big.csv", &export(100), &profiles, &ImportOptions::default()).unwrap_err().to_string();
    assert!(err.contains("is read-only"), "{err}");

    desk.connection().pragma_update(None, "query_only", false).unwrap();
    assert_eq!(snapshot(&desk), before);
    assert_sound(&desk);
}

#[test]
fn a_book_file_without_write_permission_is_refused_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    drop(open(&db));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o400)).unwrap();
        if std::fs::OpenOptions::new().write(true).open(&db).is_ok() {
            // Root writes whatever the mode says; the store's own test covers the refusal
            // through SQLite's read-only open instead.
            return;
        }
        let err = Desk::open(&db, Clock::fixed(today()), Config::default()).err().unwrap().to_string();
        assert!(err.contains(&db.display().to_string()) && err.contains("is read-only"), "{err}");
        // Found by a review: the refused open left -wal and -shm files with the book's
        // read-only permissions, which kept it read-only once its own were mended.
        for side in ["book.db-wal", "book.db-shm"] {
            assert!(!dir.path().join(side).exists(), "{side} left behind");
        }
        assert!(!Desk::held_by_a_writer(&db));
        assert!(Desk::upgrade_pending(&db).is_none());
        for side in ["book.db-wal", "book.db-shm"] {
            assert!(!dir.path().join(side).exists(), "{side} left behind by a look at the book");
        }
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
        Desk::open(&db, Clock::fixed(today()), Config::default()).unwrap();
    }
}

#[test]
fn a_folder_in_place_of_the_book_cannot_be_opened_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let err = Desk::open(dir.path(), Clock::fixed(today()), Config::default()).err().unwrap().to_string();
    assert!(err.contains("cannot open") && err.contains(&dir.path().display().to_string()), "{err}");
    assert!(err.contains("it is a folder"), "{err}");
}
